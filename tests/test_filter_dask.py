"""Scale-out: the filter stage on a Dask LocalCluster of 2 workers gives the same output as the local run."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.client.orchestration import get_client

from corpus600m.publish import read_jsonl
from corpus600m.settings import Settings
from corpus600m.filters import filter_table
from corpus600m.store import Store, Table, table_key
from flows.filter import filter_on_dask

INPUT = Path(__file__).parent / "data" / "pipeline" / "records.jsonl"


def test_filter_on_dask_local_cluster_equals_local_run(prefect_api, tmp_path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    frame = read_jsonl(INPUT)
    for data_dir in (local, dask):
        Store(data_dir).upsert(Table.GENERATED, frame)

    local_report = filter_table(Store(local), "generated", settings=Settings(data_dir=local))
    dask_report = filter_on_dask(str(dask), ["generated"], n_workers=2, partitions=4)

    assert dask_report.details["partitions"] == 4
    assert (dask_report.n_in, dask_report.n_kept, dask_report.n_rejected) == \
        (local_report.n_in, local_report.n_kept, local_report.n_rejected)
    assert local_report.n_rejected >= 2  # the English record and the near-duplicate are in the input
    for table in (Table.FILTERED, Table.REJECTED):
        want = Store(local).read(table).drop(["created_at", "updated_at", "rejected_at"], strict=False).sort(table_key(table))
        got = Store(dask).read(table).drop(["created_at", "updated_at", "rejected_at"], strict=False).sort(table_key(table))
        assert got.equals(want), f"{table} differs between the Dask and the local run"

    async def partition_runs():
        async with get_client() as client:
            return [t for t in await client.read_task_runs() if t.name.startswith("decide-partition")]

    runs = asyncio.run(partition_runs())
    assert len(runs) == 4 and all(t.state.is_completed() for t in runs)
