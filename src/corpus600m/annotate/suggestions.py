"""Suggestions shown to annotators from what the pipeline already decided: the LLM judge and the variety check.

- `calidad` <- the judge's 1-5 score; `es_correcta` <- its correctness call (`si` / `no`); agent: the judge's model
  and rubric version (`juez:reglas:juez-calidad-1` when a rule decided without the model). No score: the judge gives
  no calibrated confidence, and a made-up one would mislead annotators.
- `variedad` <- the variety check: the record's own variety when its text supports it, else the variety its forms
  of address and words support best; score 1/(number of varieties equally supported). Without evidence the
  suggestion stays the metadata one (`design.to_argilla_record`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus600m.annotate import design
from corpus600m.records import Record

if TYPE_CHECKING:
    import argilla as rg

VARIETY_AGENT = "variedad:tratamiento-y-lexico"
_AGENT_CHARS = re.compile(r"[^a-zA-Z0-9\-_:./\s]")  # what argilla-server 2.8 accepts in an agent name


def judge_agent(record: Record) -> str | None:
    """`juez:<model>:<rubric id>-<version>`, e.g. `juez:qwen2.5-coder-0.5b-instruct-q4_k_m:juez-calidad-1`."""
    if record.judge is None:
        return None
    return _AGENT_CHARS.sub("-", f"juez:{record.judge.model}:{record.judge.rubric_version}")


def suggested_values(record: Record) -> dict[str, tuple[object, float | None, str]]:
    """question -> (value, score, agent) for the judge's and the variety check's suggestions."""
    out: dict[str, tuple[object, float | None, str]] = {}
    if record.judge is not None:
        agent = judge_agent(record)
        out[design.CALIDAD] = (record.judge.score, None, agent)
        if record.judge.correct is not None:
            out[design.ES_CORRECTA] = ("si" if record.judge.correct else "no", None, agent)
    check = record.variety_check
    if check is not None and check.supported:
        value = record.variety if record.variety in check.supported else check.supported[0]
        out[design.VARIEDAD] = (value, round(1 / len(check.supported), 4), VARIETY_AGENT)
    return out


def to_argilla_record(record: Record) -> rg.Record:
    """`design.to_argilla_record` plus the judge's and the variety check's suggestions."""
    import argilla as rg

    sdk_record = design.to_argilla_record(record)
    for question, (value, score, agent) in suggested_values(record).items():
        sdk_record.suggestions.add(rg.Suggestion(question_name=question, value=value, score=score, agent=agent))
    return sdk_record
