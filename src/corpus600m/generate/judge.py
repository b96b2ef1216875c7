"""The LLM judge: a Spanish rubric, checks that need no model, and the parsing of the judge's verdict.

The judge runs as a distilabel step (`steps.JudgeRecord`) on whichever backend generation uses. Before asking the
model, `rule_verdict` settles the cases a rule can: an instruction that is an assistant greeting, a description
of the user or an echo of the prompt (see `instructions.instruction_problem`), and an answer that only repeats the
instruction. Those verdicts name `reglas` as their model, so figures can tell both apart.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from corpus600m.generate.instructions import instruction_problem
from corpus600m.generate.prompts import TEMPLATES_DIR, PromptError
from corpus600m.records import JudgeVerdict, format_validation_error, normalize_text

RULES_MODEL = "reglas"
VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "peticion_real": {"type": "boolean"},
        "correcta": {"type": "boolean"},
        "motivo": {"type": "string", "maxLength": 160},
        "puntuacion": {"type": "integer", "minimum": 1, "maximum": 5},
    },
    "required": ["peticion_real", "correcta", "motivo", "puntuacion"],
}
_JINJA = Environment(undefined=StrictUndefined, autoescape=False)
RULE_RATIONALE = {
    "assistant_greeting": "La instrucción es un saludo, una respuesta o una negativa del asistente, no una petición.",
    "meta_description": "La instrucción describe al usuario o su petición en lugar de ser la petición.",
    "prompt_echo": "La instrucción repite las indicaciones del prompt de generación.",
    "english": "La instrucción no está en español.",
    "too_short": "La instrucción está vacía o es demasiado corta para ser una petición.",
    "answer_echo": "La respuesta solo repite la instrucción.",
}


class JudgeExample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instruction: str
    output: str
    verdict: dict[str, Any]


class JudgeRubric(BaseModel):
    """`templates/judge.yaml`: the rubric (system), the record's message (user) and worked examples."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)
    examples: list[JudgeExample] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"

    def messages(self, instruction: str, output: str) -> list[dict[str, str]]:
        """The chat messages that ask the judge about one record (examples first, as earlier turns)."""
        msgs = [{"role": "system", "content": self.system}]
        for ex in self.examples:
            msgs.append({"role": "user", "content": self._user(ex.instruction, ex.output)})
            msgs.append({"role": "assistant", "content": json.dumps(ex.verdict, ensure_ascii=False)})
        msgs.append({"role": "user", "content": self._user(instruction, output)})
        return msgs

    def _user(self, instruction: str, output: str) -> str:
        return _JINJA.from_string(self.user).render(instruction=instruction.strip(), output=output.strip()[:2500])


@lru_cache(maxsize=2)
def load_rubric(directory: Path = TEMPLATES_DIR) -> JudgeRubric:
    path = directory / "judge.yaml"
    try:
        return JudgeRubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise PromptError(f"{path}: file not found") from exc
    except ValidationError as exc:
        raise PromptError(format_validation_error(exc, str(path))) from exc


def rule_verdict(instruction: str, output: str, rubric_version: str) -> JudgeVerdict | None:
    """A verdict without the model when a rule settles it, else None."""
    problem = instruction_problem(instruction)
    if problem:
        return JudgeVerdict(score=1, rationale=RULE_RATIONALE[problem], genuine_request=False, correct=None,
                            model=RULES_MODEL, rubric_version=rubric_version)
    if normalize_text(instruction).lower().strip(" ¿?¡!.") == normalize_text(output).lower().strip(" ¿?¡!."):
        return JudgeVerdict(score=1, rationale=RULE_RATIONALE["answer_echo"], genuine_request=True, correct=False,
                            model=RULES_MODEL, rubric_version=rubric_version)
    return None


_BOOL = {"true": True, "false": False, "sí": True, "si": True, "no": False}


def parse_verdict(text: str | None) -> dict[str, Any] | None:
    """The judge's JSON verdict as {score, rationale, genuine_request, correct}; None if it cannot be read.

    Tolerant: the first {...} block is read as JSON; failing that, `clave: valor` lines (some backends ignore
    the JSON response format)."""
    if not text:
        return None
    data: dict[str, Any] | None = None
    block = re.search(r"\{.*\}", text, re.DOTALL)
    if block:
        try:
            data = json.loads(block.group(0))
        except json.JSONDecodeError:
            data = None
    if not isinstance(data, dict):
        data = {}
        for key, value in re.findall(r'"?(peticion_real|correcta|motivo|puntuacion)"?\s*[:=]\s*"?([^"\n,}]+)', text):
            data[key] = value.strip()
    try:
        score = int(str(data.get("puntuacion", "")).strip())
    except ValueError:
        return None
    if not 1 <= score <= 5:
        return None

    def as_bool(value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        return _BOOL.get(str(value).strip().lower()) if value is not None else None

    rationale = " ".join(str(data.get("motivo") or "").split())[:240]
    return {"score": score, "rationale": rationale or "(sin motivo)", "genuine_request": as_bool(data.get("peticion_real")),
            "correct": as_bool(data.get("correcta"))}


def format_kwargs(backend: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` (the judge's generation kwargs) with the JSON response format for `backend`: a schema-constrained
    grammar on the embedded llama.cpp server, plain JSON mode on other OpenAI-compatible servers, none on HF
    Inference (parsed from text). The schema goes in the request body (`extra_body`): distilabel's `OpenAILLM`
    only accepts a `response_format` of strings, and rejected the schema's nested dict before any request."""
    if backend == "embedded":
        return {**kwargs, "extra_body": {**kwargs.get("extra_body", {}),
                                         "response_format": {"type": "json_object", "schema": VERDICT_SCHEMA}}}
    if backend == "openai":
        return {**kwargs, "response_format": {"type": "json_object"}}
    return kwargs
