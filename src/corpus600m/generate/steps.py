"""distilabel pieces of the generation pipeline (imported only when a pipeline is built: distilabel is heavy).

No `from __future__ import annotations` here: distilabel inspects the real `StepInput` type hint.
"""

import re
import threading
import time
from typing import Any

import distilabel.pipeline.base as _distilabel_base
from distilabel.pipeline import Pipeline
from distilabel.steps import LoadDataFromDicts, Step, StepInput
from distilabel.steps.tasks import ChatGeneration
from distilabel.typing import StepColumns, StepOutput

from corpus600m.generate.prompts import load_template

_LABEL = re.compile(
    r"^\s*[*_#]*\s*(?:instrucci[oó]n|petici[oó]n|pregunta|solicitud|consulta|mensaje|usuario)\s*[*_]*\s*:\s*[*_]*\s*",
    re.IGNORECASE,
)
_QUOTES = "\"'«»“”‘’`"


def clean_instruction(text: str | None) -> str:
    """The instruction the model wrote, without labels ("Pregunta:"), wrapping quotes or a trailing answer.

    Small models often add a label, quote the request, or go on to answer it after a blank line; only the
    first paragraph is the request.
    """
    if not text:
        return ""
    text = text.strip()
    text = _LABEL.sub("", text)
    text = re.split(r"\n\s*\n", text, maxsplit=1)[0].strip()
    text = _LABEL.sub("", text).strip()
    if text and text[0] in _QUOTES:
        # a quoted request, maybe followed by commentary: keep what is inside the quotes
        closing = next((i for i in range(1, len(text)) if text[i] in _QUOTES), len(text))
        text = text[1:closing].strip()
    return text


def answer_messages(answer_system: str, instruction: str) -> list[dict[str, str]]:
    """The chat messages that ask the model to answer `instruction` (its variety's system prompt first)."""
    return [{"role": "system", "content": answer_system},
            {"role": "user", "content": load_template("answer").render_user(instruction=instruction)}]


class ChunkBoundStep:
    """Mixin: a step whose cache signature includes a digest of the chunk's input items.

    distilabel reuses a step's saved outputs in any later pipeline whose step has the same signature
    (`<cache>/steps_data/<step>_<signature>`), whatever its input, and `LoadDataFromDicts` leaves its data
    out of its signature; without this, chunk 2 would receive chunk 1's generations.
    """

    items_digest: str = ""


class LoadItems(ChunkBoundStep, LoadDataFromDicts):
    """`LoadDataFromDicts` bound to its chunk's items (see `ChunkBoundStep`)."""


class VarietyChatGeneration(ChunkBoundStep, ChatGeneration):
    """`ChatGeneration` bound to its chunk's items (see `ChunkBoundStep`)."""


class PrepareAnswer(ChunkBoundStep, Step):
    """Cleans the generated instruction and builds the answer prompt from it; drops rows with no instruction."""

    @property
    def inputs(self) -> StepColumns:
        return ["raw_instruction", "answer_system"]

    @property
    def outputs(self) -> StepColumns:
        return ["instruction", "answer_messages"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        rows = []
        for row in inputs:
            instruction = clean_instruction(row.get("raw_instruction"))
            if not instruction:
                continue  # counted as a failed item by the caller (its key is missing from the output)
            row["instruction"] = instruction
            row["answer_messages"] = answer_messages(row["answer_system"], instruction)
            rows.append(row)
        yield rows


class _QuickPoll:
    """`time` for distilabel's pipeline module, with short sleeps.

    distilabel 1.5.3 (pinned) polls whether its step processes have loaded every 2.5 s, and whether they have
    finished every 0.5 s (`time.sleep` in distilabel/pipeline/base.py, its only use of `time`). Our steps load
    in a fraction of a second, so every chunk waited ~2.5 s before its first LLM request: measured 3.0 s from
    `pipeline.run()` to the first request before, and the whole fixed cost of a chunk is what the generation
    benchmark's overhead ratio pays. Polling every 50 ms costs nothing measurable.
    """

    @staticmethod
    def sleep(seconds: float) -> None:
        time.sleep(min(seconds, 0.05))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


_distilabel_base.time = _QuickPoll()  # type: ignore[assignment]


class GenerationPipeline(Pipeline):
    """distilabel's local pipeline, runnable from a worker thread (e.g. a Prefect task).

    distilabel installs a SIGINT handler, which Python allows only in the main thread; elsewhere an
    interrupt reaches the caller as usual and the next run resumes from distilabel's cache.
    """

    def _handle_keyboard_interrupt(self) -> Any:
        if threading.current_thread() is threading.main_thread():
            return super()._handle_keyboard_interrupt()
        return None
