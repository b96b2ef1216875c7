"""The filter stage: language, PII, quality and duplicates over a batch of records; every decision kept.

Every check runs on every record (a record rejected for its language is still scanned for PII, scored
for quality and checked for duplicates), and every reason found is listed. A record with no reason is
kept, with its text redacted where the PII policy says so and `lang`, `lang_score`, `pii`,
`dedup_cluster` and `quality_flags` filled. Record ids are not changed by redaction: the id keeps
pointing at the record the stage received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from corpus600m.filters.checks import CHECKS, FIELDS, Batch, Check
from corpus600m.filters.dedup import KnownTexts, find_duplicates
from corpus600m.records import (
    RECORD_POLARS_SCHEMA,
    Record,
    RejectedRecord,
    RejectReason,
    StageReport,
    VarietyCheck,
    frame_to_records,
    utcnow,
)
from corpus600m.settings import Settings, get_settings

STAGE = "filter"


@dataclass
class FilterResult:
    """What `filter_records` decided: kept records (redacted, annotated), rejected ones (all reasons), a report."""

    kept: list[Record] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    report: StageReport = field(default_factory=lambda: StageReport(stage=STAGE))
    # for each input record, in input order: ("kept" | "rejected", index into that list)
    placement: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Decision:
    """A record and what the checks (`checks.CHECKS`) said about it, before duplicates are decided."""

    record: Record
    texts: dict[str, str | None]
    reasons: list[RejectReason]
    flags: list[str]
    findings: list
    lang: str
    lang_score: float | None
    variety_check: VarietyCheck | None = None


def filter_records(records: Iterable[Record], *, settings: Settings | None = None, known: KnownTexts | None = None,
                   on_progress: Callable[[int], None] | None = None) -> FilterResult:
    """Run every filter on `records` and split them into kept and rejected (see the module docstring).

    `known` holds texts accepted earlier (store tables, previous batches of a stream): duplicates of them are
    rejected, and the kept records of this batch are added to it.
    """
    settings = settings or get_settings()
    decisions = decide_records(records, settings=settings, on_progress=on_progress)
    return assemble(decisions, settings=settings, known=known)


def decide_records(records: Iterable[Record], *, settings: Settings | None = None,
                   on_progress: Callable[[int], None] | None = None,
                   checks: Sequence[Check] = CHECKS) -> list[_Decision]:
    """The checks (`checks.CHECKS`: language, PII, quality, variety, judge), in order, over the whole batch: each
    does its vectorized pass first, then decides each record from that record alone, so they can run on partitions
    in parallel (see `flows/filter.py`'s Dask variant); `assemble` then dedups and splits, in one place."""
    settings = settings or get_settings()
    batch = Batch(list(records), settings)
    decisions = [_Decision(r, {name: getattr(r, name) for name in FIELDS}, [], [], list(r.pii), r.lang, r.lang_score,
                           r.variety_check) for r in batch.records]
    reported = 0
    for k, check in enumerate(checks, start=1):
        for decision, outcome in zip(decisions, check(batch), strict=True):
            decision.reasons.extend(outcome.reasons)
            decision.flags.extend(outcome.flags)
            for key, value in outcome.update.items():
                if key in FIELDS:
                    decision.texts[key] = value
                elif key == "pii":
                    decision.findings = value
                else:
                    setattr(decision, key, value)
        if on_progress:  # the records' share of the work done so far
            done = len(decisions) * k // len(checks)
            on_progress(done - reported)
            reported = done
    return decisions


def assemble(decisions: list[_Decision], *, settings: Settings | None = None,
             known: KnownTexts | None = None) -> FilterResult:
    """Duplicates (within `decisions`, in their order, and against `known`), then kept vs rejected with all reasons."""
    settings = settings or get_settings()
    known = known if known is not None else KnownTexts()
    report = StageReport(stage=STAGE)
    ids = [d.record.id for d in decisions]
    combined = ["\n".join(t for t in (d.texts["instruction"], d.texts["input"], d.texts["output"]) if t) for d in decisions]
    verdicts, hashes, digests = find_duplicates(ids, combined, known,
                                                threshold=settings.filter_near_duplicate_threshold,
                                                priority=[1 if d.reasons else 0 for d in decisions])
    result = FilterResult(report=report)
    now = utcnow()
    kept_ids, kept_rows = [], []
    pii_counts: Counter[str] = Counter()
    lang_counts: Counter[str] = Counter()
    for row, (decision, verdict) in enumerate(zip(decisions, verdicts, strict=True)):
        reasons = list(decision.reasons)
        if verdict.kind == "duplicate":
            reasons.append(RejectReason(code="duplicate", detail=f"same normalized text as {verdict.of}"))
        elif verdict.kind == "near_duplicate":
            reasons.append(RejectReason(code="near_duplicate",
                                        detail=f"estimated Jaccard {verdict.similarity:.2f} with {verdict.of}"))
        quality_codes = sorted({r.code for r in reasons if r.code.startswith("quality:")})
        updated = decision.record.model_copy(update={
            "instruction": decision.texts["instruction"], "input": decision.texts["input"],
            "output": decision.texts["output"], "lang": decision.lang, "lang_score": decision.lang_score,
            "pii": decision.findings, "dedup_cluster": verdict.of or decision.record.id,
            "quality_flags": quality_codes + decision.flags, "variety_check": decision.variety_check, "updated_at": now,
        })
        pii_counts.update(f.entity_type for f in decision.findings)
        if reasons:
            result.placement.append(("rejected", len(result.rejected)))
            result.rejected.append(RejectedRecord(record=updated, stage=STAGE, reasons=reasons))
            for code in {r.code for r in reasons}:
                report.rejected_by_reason[code] = report.rejected_by_reason.get(code, 0) + 1
        else:
            result.placement.append(("kept", len(result.kept)))
            result.kept.append(updated)
            lang_counts[updated.lang] += 1
            kept_ids.append(updated.id)
            kept_rows.append(row)
    known.add_computed(kept_ids, hashes[kept_rows], digests[kept_rows])  # same texts: no second MinHash pass
    report.n_in, report.n_kept, report.n_rejected = len(decisions), len(result.kept), len(result.rejected)
    report.details = {"pii_entities": dict(pii_counts), "langs": dict(lang_counts)}
    report.finish()
    return result


def merge_reports(reports: list[StageReport], stage: str = STAGE) -> StageReport:
    """One report summing several batch reports."""
    total = StageReport.combine(stage, reports)
    pii: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    for r in reports:
        pii.update(r.details.get("pii_entities", {}))
        langs.update(r.details.get("langs", {}))
    total.details = {"pii_entities": dict(pii), "langs": dict(langs)}
    return total.finish()


def pending_records(store, source: str) -> pl.DataFrame:
    """Records of store table `source` not yet in `filtered` or (stage filter) `rejected`, in id order.

    Sorted so that which of two near-duplicates is kept does not depend on the join's thread scheduling, nor
    on how the work is partitioned.
    """
    from corpus600m.store import Table

    done = [store.scan(Table.FILTERED).select("id")]
    if store.exists(Table.REJECTED):
        done.append(store.scan(Table.REJECTED).filter(pl.col("stage") == STAGE).select("id"))
    return (store.scan(source).join(pl.concat(done), on="id", how="anti").select(list(RECORD_POLARS_SCHEMA))
            .sort("id").collect())


def store_result(store, result: FilterResult) -> None:
    """Upsert a batch's kept records into `filtered` and its rejected ones into `rejected`."""
    from corpus600m.store import Table

    if result.kept:
        store.upsert(Table.FILTERED, result.kept)
    if result.rejected:
        store.upsert(Table.REJECTED, result.rejected)


def filter_table(store, source: str, *, settings: Settings | None = None,
                 on_progress: Callable[[int], None] | None = None,
                 decide: Callable[[pl.DataFrame], list[_Decision]] | None = None) -> StageReport:
    """Filter the records of store table `source` that are not yet in `filtered` or (stage filter) `rejected`.

    Duplicates are checked against what `filtered` and `curated` already hold. Kept records are upserted into
    `filtered`, rejected ones into `rejected`. Idempotent: a second run finds nothing new to filter.
    `decide` replaces the per-record checks of a batch (e.g. to run them on Dask partitions); the dedup and
    the writes stay here, in batch order, so the result is the same however the checks were spread.
    """
    settings = settings or get_settings()
    started = utcnow()
    pending = pending_records(store, source)
    known = KnownTexts.from_store(store)
    reports = []
    for batch in pending.iter_slices(settings.filter_batch_rows):
        if decide is None:
            decisions = decide_records(frame_to_records(batch), settings=settings, on_progress=on_progress)
        else:
            decisions = decide(batch)
        result = assemble(decisions, settings=settings, known=known)
        store_result(store, result)
        reports.append(result.report)
    report = merge_reports(reports, stage=STAGE)
    report.started_at = started  # the batches' reports start after their checks; the stage started here
    report.finish()
    report.details["source"] = str(source)
    report.details["already_filtered_or_rejected"] = store.count(source) - pending.height
    return report
