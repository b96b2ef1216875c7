"""The judge on records already in the store (e.g. donations): `corpus600m judge table donated`.

The same distilabel step as in generation (`steps.JudgeRecord`), on the configured backend, in its own small
pipeline: load the records -> judge. Records already judged with the current rubric are skipped; the verdicts are
written back to the same table (an upsert by id: the text is unchanged, so the ids are too).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import polars as pl

from corpus600m.generate.backends import LLMTarget, make_llm
from corpus600m.generate.judge import RULES_MODEL, format_kwargs, load_rubric
from corpus600m.generate.pipeline import (
    _NOT_IN_SIGNATURE,
    configure_caches,
    generation_kwargs,
    root_logging_restored,
)
from corpus600m.records import JudgeVerdict, Record, StageReport, frame_to_records
from corpus600m.settings import Settings
from corpus600m.store import Store

JUDGE_PIPELINE = "corpus600m-judge"


def judge_records(records: list[Record], settings: Settings, *, llm: LLMTarget,
                  use_rules: bool = True) -> tuple[list[Record], dict[str, Any]]:
    """`records` with `judge` filled (None where the verdict could not be read), and run details.

    `use_rules=False` asks the model about every record (to measure the model alone)."""
    from corpus600m.generate.steps import GenerationPipeline, JudgeRecord, LoadItems

    if not records:
        return [], {"judged": 0}
    target = llm  # resolved and checked by the caller (`services.llm_server.llm_target`)
    rubric = load_rubric()
    kwargs = format_kwargs(target.backend, {**generation_kwargs(target, settings, settings.judge_max_new_tokens),
                                            "temperature": 0.0})
    rows = [{"item_key": r.id, "instruction": r.instruction, "output": r.output} for r in records]
    digest = hashlib.sha1(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    batch = max(1, min(len(rows), 4 * settings.llm_parallel))
    with GenerationPipeline(name=JUDGE_PIPELINE, cache_dir=configure_caches(settings),
                            description="corpus600m: the LLM judge on stored records") as pipeline:
        load = LoadItems(name="load_records", data=rows, batch_size=batch, items_digest=digest)
        judge = JudgeRecord(name="judge", items_digest=digest, llm=make_llm(target, settings, kwargs),
                            input_batch_size=batch, rubric_version=rubric.label, use_rules=use_rules,
                            output_mappings={"model_name": "judge_model"}, add_raw_output=False, add_raw_input=False)
        judge.exclude_from_signature = judge.exclude_from_signature | _NOT_IN_SIGNATURE
        load >> judge
    started = time.monotonic()
    with root_logging_restored():
        distiset = pipeline.run(use_cache=True)
    seconds = time.monotonic() - started
    by_id = {row["item_key"]: row for row in (distiset["default"]["train"] if "default" in distiset else [])}
    out, tokens, unreadable = [], 0, 0
    for record in records:
        row = by_id.get(record.id) or {}
        tokens += int(row.get("judge_tokens") or 0)
        verdict = None
        if row.get("judge_score") is not None:
            verdict = JudgeVerdict(
                score=row["judge_score"], rationale=row.get("judge_rationale") or "",
                genuine_request=row["judge_genuine"] if row.get("judge_genuine") is not None else True,
                correct=row.get("judge_correct"),
                model=RULES_MODEL if row.get("judge_by") == "rules" else (row.get("judge_model") or target.model),
                rubric_version=rubric.label)
        else:
            unreadable += 1
        out.append(record.model_copy(update={"judge": verdict}))
    return out, {"judged": len(out) - unreadable, "unreadable": unreadable, "output_tokens": tokens,
                 "seconds": round(seconds, 1), "model": target.model, "backend": target.backend,
                 "rubric": rubric.label}


def judge_table(store: Store, table: str, settings: Settings, *, llm: LLMTarget, force: bool = False,
                limit: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> StageReport:
    """Judge the records of store table `table` that have no verdict under the current rubric; write them back."""
    report = StageReport(stage=f"judge:{table}")
    lazy = store.scan(table)
    if not force:
        rubric = load_rubric().label
        lazy = lazy.filter(pl.col("judge").is_null() | (pl.col("judge").struct.field("rubric_version") != rubric))
    frame = lazy.sort("id").collect()
    if limit is not None:
        frame = frame.head(limit)
    records = frame_to_records(frame)
    report.n_in = len(records)
    done = 0
    details: dict[str, Any] = {"judged": 0, "unreadable": 0, "output_tokens": 0, "table": table}
    for start in range(0, len(records), settings.llm_chunk_items):
        chunk = records[start:start + settings.llm_chunk_items]
        judged, info = judge_records(chunk, settings, llm=llm)
        store.upsert(table, judged)
        for key in ("judged", "unreadable", "output_tokens"):
            details[key] += info.get(key, 0)
        details.update({k: info[k] for k in ("model", "backend", "rubric") if k in info})
        done += len(chunk)
        if progress:
            progress(done, len(records))
    report.n_kept = details["judged"]
    report.details = details
    return report.finish()
