"""What Argilla holds for one annotation dataset right now, across its workspaces (read by pull and report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from corpus600m.annotate.client import AnnotateError, find_datasets, get_json, list_records, usernames
from corpus600m.annotate.consensus import AnnotatorResponse

if TYPE_CHECKING:
    import argilla as rg


@dataclass
class ArgillaRecord:
    """One record as Argilla has it: our id (`external_id`), its fields and metadata, and every response."""

    id: str
    status: str  # pending | completed (Argilla's task distribution)
    fields: dict[str, Any]
    metadata: dict[str, Any]
    responses: list[AnnotatorResponse]


@dataclass
class WorkspaceSnapshot:
    """The dataset of one workspace: its records and its task distribution."""

    workspace: str
    dataset_id: str
    min_submitted: int
    records: list[ArgillaRecord] = field(default_factory=list)

    @property
    def responses(self) -> list[AnnotatorResponse]:
        return [r for record in self.records for r in record.responses]


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def response_from_json(record_id: str, raw: dict, names: dict[str, str]) -> AnnotatorResponse:
    """A response as Argilla returns it; `values: null` (discarded) and unanswered questions become absent keys."""
    values = {q: v.get("value") for q, v in (raw.get("values") or {}).items() if isinstance(v, dict)}
    user = names.get(raw.get("user_id"), str(raw.get("user_id")))
    return AnnotatorResponse(record_id, user, raw.get("status", "draft"), values, _parse_time(raw.get("updated_at")))


def take_snapshot(client: rg.Argilla, dataset_name: str, workspaces: list[str] | None = None) -> list[WorkspaceSnapshot]:
    """Every workspace's dataset called `dataset_name` (optionally only `workspaces`), with all responses."""
    datasets = find_datasets(client, dataset_name)
    if workspaces:
        datasets = {ws: ds for ws, ds in datasets.items() if ws in workspaces}
    if not datasets:
        raise AnnotateError(f"no dataset named {dataset_name!r} in any Argilla workspace this key can see"
                            + (f" (asked for {', '.join(workspaces)})" if workspaces else "")
                            + "; push records first with `corpus600m annotate push --dataset NAME`")
    names = usernames(client)
    out = []
    for workspace, dataset in sorted(datasets.items()):
        # read raw: datasets listed through a workspace carry the SDK's default distribution, not the server's
        distribution = get_json(client, f"/api/v1/datasets/{dataset.id}").get("distribution") or {}
        snapshot = WorkspaceSnapshot(workspace, str(dataset.id), int(distribution.get("min_submitted") or 1))
        for raw in list_records(client, str(dataset.id)):
            record_id = raw.get("external_id") or raw["id"]
            responses = [response_from_json(record_id, r, names) for r in raw.get("responses") or []]
            snapshot.records.append(ArgillaRecord(record_id, raw.get("status", "pending"), raw.get("fields") or {},
                                                  raw.get("metadata") or {}, responses))
        out.append(snapshot)
    return out


def without_records(snapshot: WorkspaceSnapshot, ids: set[str]) -> WorkspaceSnapshot:
    """The snapshot without the records in `ids` (e.g. gold copies), responses included."""
    if not ids:
        return snapshot
    return WorkspaceSnapshot(snapshot.workspace, snapshot.dataset_id, snapshot.min_submitted,
                             [r for r in snapshot.records if r.id not in ids])
