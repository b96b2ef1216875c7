"""Pull annotations back: consensus and agreement into `annotated`, accepted records into `curated`.

For each workspace's dataset: the records with at least `min_submitted` submitted responses (the
dataset's own task distribution) get a consensus and an `Annotation` (see `consensus.py`) and are
upserted into `Table.ANNOTATED`; those accepted (correct, or partly correct with a correction; quality
at least the threshold; agreed; no problem marked) are upserted into `Table.CURATED`, a correction
replacing the output with the original kept in `origin.original_output`. A record no longer accepted
(annotators changed their minds) leaves `curated`; it stays in `annotated` with its new consensus.

Nothing is lost: a record pushed earlier but gone from Argilla (deleted in the UI or API) is reported
and left untouched in the store; records are rebuilt from the push ledger, so their provenance survives.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from pydantic import ValidationError

from corpus600m.annotate.consensus import dataset_consensus, is_accepted, to_annotation
from corpus600m.annotate.gold import read_gold_table
from corpus600m.annotate.push import PUSHED_TABLE, ledger, ledger_dir, read_sent
from corpus600m.annotate.review import apply_review, review_snapshots, reviewer_responses, reviewers
from corpus600m.annotate.snapshot import ArgillaRecord, WorkspaceSnapshot, take_snapshot, without_records
from corpus600m.records import Record, Source, StageReport, frame_to_records, utcnow
from corpus600m.settings import Settings, get_settings
from corpus600m.store import Table, open_store

if TYPE_CHECKING:
    import argilla as rg


@dataclass
class WorkspacePull:
    """What one pull found and did in one workspace."""

    workspace: str
    alpha: dict[str, float | None] = field(default_factory=dict)
    n_records: int = 0
    n_annotated: int = 0  # records with a consensus (>= min_submitted submitted responses)
    n_pending: int = 0
    n_needs_review: int = 0
    n_curated: int = 0
    n_uncurated: int = 0  # left curated because the new consensus no longer accepts them
    n_discarded: int = 0  # discarded responses (not voted)
    n_drafts: int = 0
    n_missing_values: int = 0  # submitted responses lacking a value of a question the design requires
    n_rebuilt: int = 0  # records not in the push ledger, rebuilt from Argilla's fields and metadata
    n_reviewed: int = 0  # records whose final answer came from the review round
    n_gold: int = 0  # gold (calibration) copies, never annotated nor curated
    unreadable: list[str] = field(default_factory=list)  # record id: why it could not be rebuilt


@dataclass
class PullResult:
    dataset: str
    workspaces: dict[str, WorkspacePull] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # pushed ids no longer in Argilla
    ignored_review_responses: int = 0  # submitted in a review dataset by someone who is not a reviewer
    annotated: list[Record] = field(default_factory=list)
    seconds: float = 0.0

    def total(self, name: str) -> int:
        return sum(getattr(w, name) for w in self.workspaces.values())

    def to_stage_report(self, stage: str = "annotate-pull") -> StageReport:
        """The pull as a stage's report: in, the records with a consensus; kept, those accepted into curated."""
        details = {
            "annotated": self.total("n_annotated"), "curated": self.total("n_curated"),
            "uncurated": self.total("n_uncurated"), "pending": self.total("n_pending"),
            "needs_review": self.total("n_needs_review"), "reviewed": self.total("n_reviewed"),
            "gold_copies": self.total("n_gold"), "missing": self.missing, "messages": self.messages(),
            "alpha": {w.workspace: w.alpha for w in self.workspaces.values()},
        }
        return StageReport.ended(stage, self.seconds, n_in=details["annotated"], n_kept=details["curated"], details=details)

    def messages(self) -> list[str]:
        """Things the person running the pull should know, in plain words."""
        out = []
        if self.missing:
            shown = ", ".join(self.missing[:5]) + (" ..." if len(self.missing) > 5 else "")
            out.append(f"{len(self.missing)} record(s) pushed earlier are no longer in Argilla (deleted in the UI or "
                       f"API): {shown}. They are kept unchanged in the store; `corpus600m annotate push` puts them back.")
        if (n := self.total("n_discarded")):
            out.append(f"{n} discarded response(s) were not counted in any consensus.")
        if (n := self.total("n_missing_values")):
            out.append(f"{n} submitted response(s) lack a required value; those questions were left out of the vote "
                       "and records without a majority are flagged needs_review.")
        if self.ignored_review_responses:
            out.append(f"{self.ignored_review_responses} response(s) in the review dataset are not from reviewers "
                       "(role 'reviewer' in the users CSV, or an Argilla owner/admin) and were not counted.")
        for w in self.workspaces.values():
            out.extend(f"{w.workspace}: record {u}" for u in w.unreadable)
        return out


REQUIRED = ("pais", "variedad", "calidad", "es_correcta")


def _known_records(data_dir: Path, dataset: str, ids: set[str]) -> dict[str, Record]:
    """Records by id from the push ledger, else the filtered table (the latest version we have)."""
    found: dict[str, Record] = {}
    wanted = pl.Series("id", sorted(ids), dtype=pl.String)
    for store, table in ((ledger(data_dir, dataset), PUSHED_TABLE), (open_store(data_dir), Table.FILTERED)):
        missing = wanted.filter(~wanted.is_in(list(found)))
        if missing.is_empty():
            break
        frame = store.scan(table).filter(pl.col("id").is_in(missing.to_list())).collect()
        found.update((r.id, r) for r in frame_to_records(frame))
    return found


def _rebuild(record: ArgillaRecord) -> Record:
    """A record pushed by someone else (not in our ledger), from what Argilla shows."""
    meta = record.metadata
    text = {k: html.unescape(v) if isinstance(v, str) else v for k, v in record.fields.items()}  # undo as_plain_text
    return Record(id=record.id, instruction=text.get("instruction", ""), input=text.get("input"),
                  output=text.get("output", ""), country=meta.get("country"), variety=meta.get("variety"),
                  source=meta.get("source") or Source.SYNTHETIC)


def pull(dataset: str, client: rg.Argilla, settings: Settings | None = None,
         workspaces: list[str] | None = None) -> PullResult:
    """Read every response of `dataset` and write consensus to `annotated` and accepted records to `curated`.

    The store is written only after everything was read, so a server that goes away mid-pull changes nothing.
    """
    settings = settings or get_settings()
    started = utcnow()
    snapshots = take_snapshot(client, dataset, workspaces)
    gold_ids = set(read_gold_table(ledger_dir(settings.data_dir, dataset))["id"].to_list())
    reviewed, ignored = reviewer_responses(review_snapshots(client, dataset, workspaces),
                                                  reviewers(client, settings.data_dir))
    result = PullResult(dataset, ignored_review_responses=ignored)
    store = open_store(settings.data_dir, settings)
    all_ids = {r.id for snap in snapshots for r in snap.records}  # gold copies included: they are not missing
    known = _known_records(settings.data_dir, dataset, all_ids)
    curated_ids = set(store.ids(Table.CURATED).to_list()) if store.exists(Table.CURATED) else set()
    annotated: list[Record] = []
    curated: list[Record] = []
    uncurate: list[str] = []
    now = utcnow()
    for snap in snapshots:
        n_all = len(snap.records)
        snap = without_records(snap, gold_ids)
        stats = result.workspaces[snap.workspace] = _workspace_stats(snap)
        stats.n_gold = n_all - len(snap.records)
        consensus = dataset_consensus(snap.responses, [r.id for r in snap.records], snap.min_submitted)
        stats.alpha = consensus.alpha
        stats.n_pending = len(consensus.pending)
        by_id = {r.id: r for r in snap.records}
        for record_id, agreed in consensus.by_record.items():
            base = known.get(record_id)
            if base is None:
                try:
                    base = _rebuild(by_id[record_id])
                    stats.n_rebuilt += 1
                except ValidationError as exc:
                    stats.unreadable.append(f"{record_id}: not in the push ledger and its Argilla fields do not make "
                                            f"a valid record ({exc.error_count()} problem(s)); skipped")
                    continue
            annotation = to_annotation(agreed, dataset, consensus.alpha, settings.annotation_agreement_threshold)
            if record_id in reviewed:
                annotation = apply_review(annotation, reviewed[record_id])
                stats.n_reviewed += 1
            record = base.model_copy(update={"annotation": annotation, "updated_at": now})
            annotated.append(record)
            stats.n_annotated += 1
            stats.n_needs_review += annotation.needs_review
            if is_accepted(annotation, settings.annotation_quality_threshold):
                curated.append(_curated_version(record))
                stats.n_curated += 1
            elif record_id in curated_ids:
                uncurate.append(record_id)
                stats.n_uncurated += 1
    sent = read_sent(settings.data_dir, dataset)
    if workspaces:
        sent = sent.filter(pl.col("workspace").is_in(workspaces))
    result.missing = sorted(set(sent["id"].to_list()) - all_ids)
    if annotated:
        store.upsert(Table.ANNOTATED, annotated)
    if curated:
        store.upsert(Table.CURATED, curated)
    if uncurate:
        store.delete(Table.CURATED, uncurate)
    result.annotated = annotated
    result.seconds = (utcnow() - started).total_seconds()
    return result


def _workspace_stats(snap: WorkspaceSnapshot) -> WorkspacePull:
    stats = WorkspacePull(snap.workspace, n_records=len(snap.records))
    for response in snap.responses:
        if response.status == "discarded":
            stats.n_discarded += 1
        elif response.status == "draft":
            stats.n_drafts += 1
        elif any(response.values.get(q) is None for q in REQUIRED):
            stats.n_missing_values += 1
    return stats


def _curated_version(record: Record) -> Record:
    """The record as published: a consensus correction replaces the output; the original stays in origin."""
    annotation = record.annotation
    if annotation and annotation.es_correcta == "parcial" and annotation.respuesta_corregida:
        origin = record.origin.model_copy(update={"original_output": record.output})
        return record.model_copy(update={"output": annotation.respuesta_corregida, "origin": origin})
    return record
