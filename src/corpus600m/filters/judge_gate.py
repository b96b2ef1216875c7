"""The judge gate: a record the LLM judge scored below `CORPUS600M_JUDGE_MIN_SCORE` is rejected (`quality:judge`).

The judge itself runs at generation (generate/judge.py) or on a store table (`corpus600m judge table`); this only
reads the verdict kept in the record, so the filters stay free of LLM calls.
"""

from __future__ import annotations

from corpus600m.records import Record


def judge_issue(record: Record, min_score: int) -> tuple[str, str] | None:
    """`("quality:judge", detail)` when the LLM judge scored the record below `min_score` (0: the gate is off)."""
    verdict = record.judge
    if not min_score or verdict is None or verdict.score >= min_score:
        return None
    return ("quality:judge", f"judge {verdict.model} (rubric {verdict.rubric_version}) scored {verdict.score}/5, "
                             f"minimum {min_score}: {verdict.rationale[:160]}")
