"""The filter stage: language, PII, quality and duplicates over a batch of records; every decision kept.

Every check runs on every record (a record rejected for its language is still scanned for PII, scored
for quality and checked for duplicates), and every reason found is listed. A record with no reason is
kept, with its text redacted where the PII policy says so and `lang`, `lang_score`, `pii`,
`dedup_cluster` and `quality_flags` filled. Record ids are not changed by redaction: the id keeps
pointing at the record the stage received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from corpus600m.filters.dedup import KnownTexts, find_duplicates
from corpus600m.filters.judge_gate import judge_issue
from corpus600m.filters.language import MIN_LETTERS, UNDETERMINED, guess_language
from corpus600m.filters.language_cues import CueCounts, count_cues_batch
from corpus600m.filters.language_text import (
    clean_for_detection_batch,
    letter_count_batch,
)
from corpus600m.filters.pii import apply_pii_policy, detect_pii, propagate_findings
from corpus600m.filters.pii_people import prefetch_ner
from corpus600m.filters.pii_triggers import triggered_groups_batch
from corpus600m.filters.quality import (
    QualityConfig,
    QualityHints,
    batch_hints,
    quality_issues,
)
from corpus600m.filters.variety import check_variety, record_text, variety_issue
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
FIELDS = ("instruction", "input", "output")
MIN_FIELD_LETTERS_FOR_MIXED = 40  # a field shorter than this is not judged on its own language
MIXED_CHECK_BELOW = 0.9  # combined-text confidence under which each field's language is checked
LENIENT_LETTERS = 60  # below this, a low-confidence non-allowed verdict does not reject a record


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
    record: Record
    texts: dict[str, str | None]
    reasons: list[RejectReason]
    flags: list[str]
    findings: list
    lang: str
    lang_score: float | None
    variety_check: VarietyCheck | None = None


def _combined(cleaned: dict[str, str]) -> str:
    """The record's cleaned fields as one text: what its language is judged on."""
    return " ".join(t for t in cleaned.values() if t)


def _language(record: Record, settings: Settings, cleaned: dict[str, str], letters: dict[str, int],
              cues: CueCounts | None = None) -> tuple[str, float | None, list[RejectReason], list[str], dict]:
    """(lang, lang_score, reasons, soft flags, per-field verdicts) for one record, from its cleaned fields,
    their letter counts and (when already computed for the batch) the lexical cues of their combined text."""
    allowed = set(settings.allowed_langs)
    combined = _combined(cleaned)
    guess = guess_language(combined, cleaned=True, letters=sum(letters.values()),  # the joining spaces add none
                           cues=cues)
    per_field = {}
    # a record whose fields are in different languages makes the combined verdict unsure: only then look per field
    unsure = guess.lang == UNDETERMINED or guess.score < MIXED_CHECK_BELOW
    for name, text in cleaned.items():
        if unsure and letters[name] >= MIN_FIELD_LETTERS_FOR_MIXED:
            g = guess_language(text, cleaned=True, letters=letters[name])
            per_field[name] = (g.lang, g.score)
    if guess.lang == UNDETERMINED:
        return record.lang, None, [], ["lang:undetermined"], per_field
    if guess.lang in allowed:
        flags = [] if guess.score >= settings.filter_min_lang_score else ["lang:low_confidence"]
        return guess.lang, round(guess.score, 4), [], flags, per_field
    best_allowed = max(((lang, guess.probs.get(lang, 0.0)) for lang in allowed), key=lambda kv: kv[1])
    if guess.letters < LENIENT_LETTERS and guess.score < settings.filter_min_lang_score and best_allowed[1] >= 0.2:
        return best_allowed[0], round(best_allowed[1], 4), [], ["lang:lenient_short_text"], per_field
    detail = f"detected {guess.lang} ({guess.score:.2f}; {guess.reason}); allowed: {', '.join(sorted(allowed))}"
    return record.lang, round(guess.probs.get(record.lang, 0.0), 4), [RejectReason(code="language", detail=detail)], [], per_field


def _decide(record: Record, settings: Settings, quality_config: QualityConfig, cleaned: dict[str, str],
            letters: dict[str, int], pii_groups: dict[str, set[str]], hints: QualityHints,
            cues: CueCounts | None = None) -> _Decision:
    reasons: list[RejectReason] = []
    lang, lang_score, lang_reasons, flags, per_field = _language(record, settings, cleaned, letters, cues)
    reasons.extend(lang_reasons)

    texts: dict[str, str | None] = {}
    findings = []
    rejecting: list[str] = []
    values = {name: getattr(record, name) for name in FIELDS}
    # no trigger matched: no recognizer can find anything (the common case)
    spans = {name: detect_pii(values[name], min_score=settings.filter_pii_min_score, groups=pii_groups[name])
             if values[name] and pii_groups[name] else [] for name in FIELDS}
    if any(spans.values()):
        spans = propagate_findings(values, spans)
    for name in FIELDS:
        value = values[name]
        if not spans[name]:
            texts[name] = value
            continue
        new_text, field_findings, field_rejecting = apply_pii_policy(
            name, value, spans[name], settings.filter_pii_policy, settings.filter_pii_default_action
        )
        texts[name] = new_text
        findings.extend(field_findings)
        rejecting.extend(field_rejecting)
    if rejecting:
        counts = Counter(rejecting)
        reasons.append(RejectReason(code="pii", detail="policy rejects: " + ", ".join(f"{t}×{n}" for t, n in sorted(counts.items()))))
    if any(f.action == "redacted" for f in findings):
        flags.append("pii:redacted")

    for code, detail in quality_issues(record.instruction, record.input, record.output, config=quality_config,
                                       field_langs=per_field, hints=hints):
        reasons.append(RejectReason(code=code, detail=detail))
    # generation checks: the variety's forms of address, and the LLM judge's score when the record has one
    check = check_variety(record_text(record), record.variety) if settings.filter_variety_check else record.variety_check
    for issue in (variety_issue(check, record.variety) if check else None, judge_issue(record, settings.judge_min_score)):
        if issue:
            reasons.append(RejectReason(code=issue[0], detail=issue[1]))
    return _Decision(record, texts, reasons, flags, findings, lang, lang_score, check)


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
                   on_progress: Callable[[int], None] | None = None) -> list[_Decision]:
    """The per-record checks (language, PII, quality): independent of each other, so they can run on partitions
    in parallel (see `flows/filter.py`'s Dask variant); `assemble` then dedups and splits, in one place.

    The cheap text passes that every record needs (cleaning, letter counts and lexical cues for language
    detection, the PII triggers, the refusal / character-run / repeated-3-gram prechecks) run vectorized over the
    whole batch first (polars, Rust regex, numpy); each record's decision still depends on that record only, so
    any partitioning gives the same result.
    """
    settings = settings or get_settings()
    quality_config = QualityConfig(settings.filter_min_instruction_chars, settings.filter_min_output_chars,
                                   settings.filter_max_field_chars)
    records = list(records)
    values = {name: [getattr(r, name) for r in records] for name in FIELDS}
    cleaned = {name: clean_for_detection_batch(values[name]) for name in FIELDS}
    letters = {name: letter_count_batch(cleaned[name]) for name in FIELDS}
    groups = {name: triggered_groups_batch(values[name]) for name in FIELDS}
    prefetch_ner([values[name][i] for name in FIELDS for i in range(len(records)) if "caps" in groups[name][i]])
    hints = batch_hints(values["instruction"], values["output"], settings.filter_max_field_chars,
                        max_top_trigram_fraction=quality_config.max_top_trigram_fraction)
    # the cue count of each record's combined text, for those long enough to need one (`guess_language` skips
    # it only when fastText is very sure of Spanish, which is rare: counting the few extra costs less than
    # running fastText apart first)
    fields = [{name: cleaned[name][i] for name in FIELDS} for i in range(len(records))]
    need = [i for i in range(len(records)) if sum(letters[name][i] for name in FIELDS) >= MIN_LETTERS]
    cues: list[CueCounts | None] = [None] * len(records)
    for i, counts in zip(need, count_cues_batch([_combined(fields[i]) for i in need]), strict=True):
        cues[i] = counts
    decisions = []
    for i, record in enumerate(records):
        decisions.append(_decide(record, settings, quality_config, fields[i],
                                 {name: letters[name][i] for name in FIELDS}, {name: groups[name][i] for name in FIELDS},
                                 hints[i], cues[i]))
        if on_progress and (i + 1) % 1000 == 0:
            on_progress(1000)
    if on_progress:
        on_progress(len(decisions) % 1000)
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
