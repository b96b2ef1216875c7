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
from distilabel.steps.tasks import ChatGeneration, Task
from distilabel.typing import StepColumns, StepOutput
from pydantic import BaseModel, PrivateAttr

from corpus600m.generate.instructions import instruction_problem
from corpus600m.generate.judge import load_rubric, parse_verdict, rule_verdict
from corpus600m.generate.pipeline import VarietyFit
from corpus600m.generate.prompts import load_template
from corpus600m.generate.voseo import adapt_if_unfit

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


def with_rule(messages: list[dict[str, str]], rule: str) -> list[dict[str, str]]:
    """`messages` with `rule` (e.g. the variety's forms of address, `templates/address_retry.yaml`) added to the
    system prompt: what a retry sends when a text's forms of address did not fit."""
    return [{**m, "content": f"{m['content']}\n{rule}"} if m["role"] == "system" else m for m in messages]


class VarietyRetry(BaseModel):
    """Mixin: a step that asks again, up to `variety_attempts` in all, for texts whose forms of address do not fit
    the item's variety, with the variety's stronger rule in the system prompt (`retry_rule`).

    The fit is decided by a function the caller hands over (`set_variety_fit`), so this stage does not import the
    filter stage; without one nothing is retried. A pydantic private attribute: not in the cache signature (its
    attempt count is) and pickled by reference into distilabel's step processes."""

    variety_attempts: int = 1
    _variety_fit: VarietyFit | None = PrivateAttr(None)

    def set_variety_fit(self, fit: VarietyFit | None) -> None:
        self._variety_fit = fit
        if fit is None:
            self.variety_attempts = 1

    def fits(self, text: str, row: dict[str, Any]) -> bool:
        return self._variety_fit is None or not row.get("variety") or self._variety_fit(text, row["variety"])


class ChunkBoundStep:
    """Mixin: a step whose cache signature includes a digest of the chunk's input items.

    distilabel reuses a step's saved outputs in any later pipeline whose step has the same signature
    (`<cache>/steps_data/<step>_<signature>`), whatever its input, and `LoadDataFromDicts` leaves its data
    out of its signature; without this, chunk 2 would receive chunk 1's generations.
    """

    items_digest: str = ""


class LoadItems(ChunkBoundStep, LoadDataFromDicts):
    """`LoadDataFromDicts` bound to its chunk's items (see `ChunkBoundStep`)."""


def _output_tokens(output: dict[str, Any]) -> int:
    value = (output.get("statistics") or {}).get("output_tokens")
    if isinstance(value, list):
        return sum(v or 0 for v in value)
    return int(value or 0)


def _varied(kwargs: dict[str, Any], attempt: int) -> dict[str, Any]:
    """Generation kwargs for a retry: another sampling seed and a little more temperature (same backend)."""
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("extra_body"), dict) and "seed" in kwargs["extra_body"]:
        kwargs["extra_body"] = {**kwargs["extra_body"], "seed": kwargs["extra_body"]["seed"] + attempt}
    elif "seed" in kwargs:
        kwargs["seed"] = kwargs["seed"] + attempt
    if "temperature" in kwargs:
        kwargs["temperature"] = min(1.2, (kwargs["temperature"] or 0.0) + 0.15 * attempt)
    return kwargs


class WriteInstruction(ChunkBoundStep, ChatGeneration, VarietyRetry):
    """`ChatGeneration` that retries, within the same run, the items whose text is not a user request, or whose
    forms of address do not fit the item's variety.

    Each attempt asks the model again for the items still pending (another seed, a little more temperature): those
    without a request up to `max_attempts`, those whose request does not fit the variety up to `variety_attempts`
    (with the variety's rule added, `retry_messages`). An item that never gives a request leaves with
    `raw_instruction` None and the last problem in `instruction_problem` (the answer step then skips it); one whose
    requests never fit keeps the last request that did not, for the filters to decide on. Every attempt's tokens
    are counted.
    """

    max_attempts: int = 3

    @property
    def inputs(self) -> StepColumns:
        return ["messages", "retry_messages", "example", "variety"]

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "instruction_problem", "instruction_attempts", "instruction_tokens", "model_name"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        rows = [dict(row) for row in inputs]
        for row in rows:
            row.update(generation=None, instruction_problem="no_output", instruction_attempts=0, instruction_tokens=0)
        unfit: dict[int, str] = {}  # item -> its last request that does not fit the variety
        pending = list(range(len(rows)))
        base = self.llm.get_generation_kwargs()
        for attempt in range(max(self.max_attempts, self.variety_attempts)):
            if not pending:
                break
            prompts = [self.format_input({"messages": rows[i]["retry_messages"] if i in unfit else rows[i]["messages"]})
                       for i in pending]
            outputs = self.llm.generate_outputs(inputs=prompts, num_generations=1, **_varied(base, attempt))
            still = []
            for i, output in zip(pending, outputs, strict=True):
                row = rows[i]
                text = clean_instruction((output.get("generations") or [None])[0])
                row["instruction_attempts"] = attempt + 1
                row["instruction_tokens"] += _output_tokens(output)
                problem = instruction_problem(text, row.get("example") or "")
                if problem is None and not self.fits(text, row):
                    unfit[i], problem = text, "variety_mismatch"
                if problem is None:
                    row.update(generation=text, instruction_problem=None)
                    unfit.pop(i, None)
                    continue
                row["instruction_problem"] = problem
                if attempt + 1 < (self.variety_attempts if i in unfit else self.max_attempts):
                    still.append(i)
            pending = still
        for i, text in unfit.items():
            rows[i].update(generation=text, instruction_problem=None)
        for row in rows:
            row["model_name"] = self.llm.model_name
        yield rows


class JudgeRecord(ChunkBoundStep, Task):
    """The LLM judge (Spanish rubric, `templates/judge.yaml`): a 1-5 score, a one-line rationale, whether the
    instruction is a real request and whether the answer is correct. Rules settle the obvious cases first
    (`judge.rule_verdict`) without a request to the model."""

    rubric_version: str = ""
    use_rules: bool = True

    @property
    def inputs(self) -> StepColumns:
        return ["instruction", "output"]

    @property
    def outputs(self) -> StepColumns:
        return ["judge_score", "judge_rationale", "judge_genuine", "judge_correct", "judge_by", "judge_tokens",
                "model_name"]

    def format_input(self, input: dict[str, Any]) -> Any:
        return load_rubric().messages(input["instruction"], input.get("output") or "")

    def format_output(self, output: str | None, input: dict[str, Any] | None = None) -> dict[str, Any]:
        parsed = parse_verdict(output)
        if parsed is None:
            return {"judge_score": None, "judge_rationale": None, "judge_genuine": None, "judge_correct": None,
                    "judge_by": None}
        return {"judge_score": parsed["score"], "judge_rationale": parsed["rationale"],
                "judge_genuine": parsed["genuine_request"], "judge_correct": parsed["correct"], "judge_by": "llm"}

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        rows = [dict(row) for row in inputs]
        ask = []
        for i, row in enumerate(rows):
            row.update(judge_score=None, judge_rationale=None, judge_genuine=None, judge_correct=None, judge_by=None,
                       judge_tokens=0, model_name=self.llm.model_name)
            if not row.get("instruction") or not row.get("output"):
                continue  # nothing to judge: the item failed before
            verdict = (rule_verdict(row["instruction"], row.get("output") or "", self.rubric_version)
                       if self.use_rules else None)
            if verdict is None:
                ask.append(i)
                continue
            row.update(judge_score=verdict.score, judge_rationale=verdict.rationale,
                       judge_genuine=verdict.genuine_request, judge_correct=verdict.correct, judge_by="rules")
        if ask:
            outputs = self.llm.generate_outputs(inputs=[self.format_input(rows[i]) for i in ask], num_generations=1,
                                                **self.llm.get_generation_kwargs())
            for i, output in zip(ask, outputs, strict=True):
                formatted = self._format_outputs(output, rows[i])[0]
                rows[i].update({k: formatted.get(k) for k in self.outputs if k not in ("model_name", "judge_tokens")})
                rows[i]["judge_tokens"] = _output_tokens(output)
        yield rows


class PrepareAnswer(ChunkBoundStep, Step):
    """Cleans the generated instruction and builds the answer prompts from it (the first, and the one a retry sends
    when the answer's forms of address do not fit the variety).

    A row with no usable instruction is kept, with `answer_messages` None: the answer and judge steps skip it,
    and the caller counts it as failed with its reason and the tokens it cost.
    """

    @property
    def inputs(self) -> StepColumns:
        return ["raw_instruction", "answer_system", "retry_rule"]

    @property
    def outputs(self) -> StepColumns:
        return ["instruction", "answer_messages", "answer_retry_messages"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        rows = []
        for row in inputs:
            instruction = clean_instruction(row.get("raw_instruction"))
            row["instruction"] = instruction or None
            messages = answer_messages(row["answer_system"], instruction) if instruction else None
            row["answer_messages"] = messages
            row["answer_retry_messages"] = with_rule(messages, row["retry_rule"]) if messages else None
            rows.append(row)
        yield rows


class WriteAnswer(ChunkBoundStep, ChatGeneration, VarietyRetry):
    """`ChatGeneration` that leaves rows with no instruction unanswered (no request for them), and asks again,
    up to `variety_attempts` in all, for answers whose forms of address do not fit the item's variety (with the
    variety's rule added, `retry_messages`; another seed, a little more temperature). An answer that never fits is
    kept as last written, for the filters to decide on; with `adapt_voseo`, its tuteo is first rewritten as voseo
    by rule (`voseo.adapt_to_voseo`), kept only when that makes it fit, and marked (`variety_adapted`). Every
    attempt's tokens are counted (`answer_tokens`)."""

    adapt_voseo: bool = False

    @property
    def inputs(self) -> StepColumns:
        return ["messages", "retry_messages", "variety"]

    @property
    def outputs(self) -> StepColumns:
        return ["generation", "answer_attempts", "answer_tokens", "variety_adapted", "model_name"]

    def process(self, inputs: StepInput) -> StepOutput:  # type: ignore[override]
        rows = [dict(row) for row in inputs]
        for row in rows:
            row.update(generation=None, answer_attempts=0, answer_tokens=0, variety_adapted=False,
                       model_name=self.llm.model_name)
        pending = [i for i, row in enumerate(rows) if row.get("messages")]
        base = self.llm.get_generation_kwargs()
        for attempt in range(self.variety_attempts):
            if not pending:
                break
            key = "messages" if attempt == 0 else "retry_messages"
            outputs = self.llm.generate_outputs(inputs=[self.format_input({"messages": rows[i][key]}) for i in pending],
                                                num_generations=1, **_varied(base, attempt))
            still = []
            for i, output in zip(pending, outputs, strict=True):
                row = rows[i]
                text = (output.get("generations") or [None])[0]
                row["answer_attempts"] = attempt + 1
                row["answer_tokens"] += _output_tokens(output)
                if text and text.strip():
                    row["generation"] = text
                    if not self.fits(text, row):
                        still.append(i)
            pending = still
        for i in pending if self.adapt_voseo and self._variety_fit is not None else []:
            text, adapted = adapt_if_unfit(rows[i]["generation"], rows[i]["variety"], self._variety_fit)
            rows[i].update(generation=text, variety_adapted=adapted)
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
