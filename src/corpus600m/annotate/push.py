"""Push records into Argilla for annotation: one dataset per workspace, idempotent by record id.

Each record goes to its workspace's dataset (see `workspaces.py`), as an `rg.Record` whose `id` is our
record id, so pushing again updates the record instead of adding a copy. Only records Argilla does not
have, or whose pushed content changed, are sent. A ledger under `<data dir>/annotate/<dataset>/` keeps
every pushed record (the provenance `pull` rebuilds records from) and what was sent.

Records are sent with the SDK's bulk upsert API rather than `dataset.records.log()`: `log` rebuilds
`rg.Record`s from the server's answer and crashes on a record holding a discarded response (argilla 2.8).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import polars as pl

from corpus600m.annotate import design, suggestions
from corpus600m.annotate.client import AnnotateError, get_json, server_down_message
from corpus600m.annotate.workspaces import WorkspaceLayout, parse_grouping
from corpus600m.records import Record, StageReport, utcnow
from corpus600m.settings import Settings, get_settings
from corpus600m.store import Store, Table, open_store

if TYPE_CHECKING:
    import argilla as rg

BATCH = 200  # records per bulk upsert (the API takes at most 500)
PUSHED_TABLE = "pushed"
SENT_FILE = "sent.parquet"


def ledger_dir(data_dir: Path, dataset: str) -> Path:
    """`<data dir>/annotate/<dataset>/`: the push ledger, pull and report outputs of one dataset."""
    return Path(data_dir) / "annotate" / dataset


def ledger(data_dir: Path, dataset: str) -> Store:
    """The ledger store: table `pushed` holds every record pushed to `dataset`, as it was pushed."""
    return Store(ledger_dir(data_dir, dataset))


def read_sent(data_dir: Path, dataset: str) -> pl.DataFrame:
    """id, workspace and signature of what was last sent for each record."""
    path = ledger_dir(data_dir, dataset) / SENT_FILE
    if not path.exists():
        return pl.DataFrame(schema={"id": pl.String, "workspace": pl.String, "signature": pl.String})
    return pl.read_parquet(path)


def _write_sent(data_dir: Path, dataset: str, frame: pl.DataFrame) -> None:
    path = ledger_dir(data_dir, dataset) / SENT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(tmp)
    tmp.replace(path)


def signature(record: Record, workspace: str) -> str:
    """Hash of what Argilla shows for a record: a changed signature means the record must be sent again."""
    payload = {
        "workspace": workspace,
        "render": "html-escaped",  # how fields are written (see design.as_plain_text); a change re-sends records
        "fields": [record.instruction, record.input, record.output],
        "metadata": design.record_metadata(record),
        "suggestions": [record.country, design.suggested_variety(record),
                        {k: list(v) for k, v in sorted(suggestions.suggested_values(record).items())}],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:24]


@dataclass
class WorkspacePush:
    """What one push did in one workspace."""

    workspace: str
    n_in: int = 0
    n_new: int = 0
    n_updated: int = 0
    n_restored: int = 0  # pushed before, missing from Argilla (deleted in the UI or API), sent again
    n_unchanged: int = 0


@dataclass
class PushResult:
    dataset: str
    workspaces: dict[str, WorkspacePush] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_sent(self) -> int:
        return sum(w.n_new + w.n_updated + w.n_restored for w in self.workspaces.values())

    @property
    def n_new(self) -> int:
        return sum(w.n_new for w in self.workspaces.values())

    def to_stage_report(self, stage: str = "annotate-push") -> StageReport:
        """The push as a stage's report: every record given is kept (sent, or already in Argilla unchanged)."""
        n_records = sum(w.n_in for w in self.workspaces.values())
        return StageReport.ended(stage, self.seconds, n_in=n_records, n_kept=n_records, details={
            "records": n_records, "sent": self.n_sent, "new": self.n_new,
            "by_workspace": {w.workspace: vars(w) for w in self.workspaces.values()}})


def ensure_dataset(client: rg.Argilla, workspace: str, name: str, min_submitted: int) -> rg.Dataset:
    """The dataset `name` in `workspace`, created with the project's design if missing.

    An existing dataset must have the design's questions; its task distribution is left as it is
    (changing it on a dataset with responses would leave record statuses stale).
    """
    import argilla as rg

    from corpus600m.annotate.users import ensure_workspaces

    ensure_workspaces(client, [workspace])
    with warnings.catch_warnings():  # the SDK warns when the dataset does not exist yet: expected here
        warnings.simplefilter("ignore", UserWarning)
        dataset = client.datasets(name=name, workspace=workspace)
    if dataset is None:
        return rg.Dataset(name=name, workspace=workspace, settings=design.build_settings(min_submitted, client),
                          client=client).create()
    have = {q.name for q in dataset.settings.questions}
    missing = [q.name for q in design.QUESTIONS if q.name not in have]
    if missing:
        raise AnnotateError(f"dataset {name!r} in workspace {workspace!r} exists with another design (no question(s) "
                            f"{', '.join(missing)}); choose another --dataset name")
    add_missing_metadata(dataset, client)
    return dataset


def add_missing_metadata(dataset: rg.Dataset, client: rg.Argilla) -> list[str]:
    """Add to an existing dataset the design's metadata properties it lacks (e.g. `variety_adapted`, added after
    the first sprints); returns their names. Without them the server refuses records carrying that metadata
    (`allow_extra_metadata=False`). Adding a property leaves records, responses and the distribution as they are."""
    have = {m.name for m in dataset.settings.metadata}
    added = []
    for prop in design.build_settings(1, client).metadata:
        if prop.name not in have:
            prop.dataset = dataset
            prop.create()
            added.append(prop.name)
    return added


def _existing_ids(client: rg.Argilla, dataset_id: str) -> set[str]:
    ids: set[str] = set()
    offset = 0
    while True:
        page = get_json(client, f"/api/v1/datasets/{dataset_id}/records", offset=offset, limit=1000)
        ids.update(item.get("external_id") or item["id"] for item in page["items"])
        if len(page["items"]) < 1000:
            return ids
        offset += 1000


def push(records: Iterable[Record], dataset: str, client: rg.Argilla, settings: Settings | None = None,
         layout: WorkspaceLayout | None = None, progress: Callable[[str, int, int], None] | None = None) -> PushResult:
    """Send `records` to their workspaces' dataset `dataset`; returns counts per workspace.

    `progress(workspace, done, total)` is called after each batch. Safe to re-run after any failure.
    """
    from argilla._exceptions import ArgillaAPIError

    settings = settings or get_settings()
    layout = layout or parse_grouping(settings.annotation_workspace_grouping, settings.annotation_workspace_prefix)
    started = utcnow()
    by_workspace: dict[str, dict[str, Record]] = {}
    for record in records:
        by_workspace.setdefault(layout.workspace_for(record), {})[record.id] = record
    sent = read_sent(settings.data_dir, dataset)
    previous = {rid: (ws, sig) for rid, ws, sig in sent.iter_rows()}  # id -> (workspace, signature) last sent
    store = ledger(settings.data_dir, dataset)
    result = PushResult(dataset)
    try:
        for workspace, batch in sorted(by_workspace.items()):
            stats = result.workspaces[workspace] = WorkspacePush(workspace, n_in=len(batch))
            target = ensure_dataset(client, workspace, dataset, settings.annotation_min_submitted)
            in_argilla = _existing_ids(client, str(target.id))
            todo: list[tuple[Record, str]] = []
            for record in batch.values():
                sig = signature(record, workspace)
                if record.id not in in_argilla:
                    kind = "restored" if record.id in previous else "new"
                elif previous.get(record.id, (None, None))[1] != sig:
                    kind = "updated"
                else:
                    stats.n_unchanged += 1
                    continue
                todo.append((record, kind))
            done = 0
            for start in range(0, len(todo), BATCH):
                chunk = todo[start:start + BATCH]
                models = []
                for record, _ in chunk:
                    sdk_record = suggestions.to_argilla_record(record)
                    sdk_record.dataset = target  # resolves suggestion question ids
                    models.append(sdk_record.api_model())
                client.api.records.bulk_upsert(dataset_id=target.id, records=models)
                store.upsert(PUSHED_TABLE, [r for r, _ in chunk])
                for record, kind in chunk:
                    setattr(stats, f"n_{kind}", getattr(stats, f"n_{kind}") + 1)
                    previous[record.id] = (workspace, signature(record, workspace))
                done += len(chunk)
                _write_sent(settings.data_dir, dataset, _sent_frame(previous))
                if progress:
                    progress(workspace, done, len(todo))
            if not todo and progress:
                progress(workspace, 0, 0)
    except httpx.TransportError as exc:
        pushed = result.n_sent
        raise AnnotateError(server_down_message(client.api_url, exc).replace(
            "nothing was changed in the store", f"{pushed} record(s) were pushed before the failure and are in the "
            "ledger; re-running sends only the rest")) from exc
    except ArgillaAPIError as exc:
        raise AnnotateError(f"Argilla refused the push to dataset {dataset!r}: {exc}") from exc
    result.seconds = (utcnow() - started).total_seconds()
    return result


def _sent_frame(sent: dict[str, tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame([(rid, ws, sig) for rid, (ws, sig) in sent.items()], orient="row",
                        schema={"id": pl.String, "workspace": pl.String, "signature": pl.String})


def records_from_store(data_dir: Path, country: str | None = None) -> list[Record]:
    """Records of the filtered table (optionally one country), the usual input of a push."""
    from corpus600m.records import frame_to_records

    lazy = open_store(data_dir).scan(Table.FILTERED)
    if country:
        lazy = lazy.filter(pl.col("country") == country.upper())
    return frame_to_records(lazy.collect())
