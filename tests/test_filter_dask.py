"""Scale-out: the filter stage on a Dask LocalCluster of 2 workers gives the same output as the local run."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect.client.orchestration import get_client

from corpus600m.publish import read_jsonl
from corpus600m.settings import Settings
from corpus600m.filters import filter_table
from corpus600m.store import Store, Table, table_key
from flows.scale import filter_on_dask, ingest_inbox_on_dask

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


def test_ingest_inbox_on_dask_equals_the_sequential_flow(prefect_api, tmp_path, monkeypatch):
    from corpus600m.settings import get_settings
    from flows.ingest_inbox import ingest_inbox
    from tests.test_ingest import GOOD, jsonl
    from tests.test_ingest_inbox import add_to_inbox

    extra = [{**row, "pregunta": row["pregunta"] + " (versión paraguaya)"} for row in GOOD]
    results = {}
    for name in ("sequential", "dask"):
        data_dir = tmp_path / name
        add_to_inbox(data_dir, "a-mates", {"data.jsonl": jsonl(GOOD)})
        add_to_inbox(data_dir, "b-mates", {"data.jsonl": jsonl(extra)})
        add_to_inbox(data_dir, "c-cerrada", {"data.jsonl": jsonl(extra)}, license="CC-BY-NC-4.0")
        monkeypatch.setenv("CORPUS600M_DATA_DIR", str(data_dir))
        get_settings.cache_clear()
        if name == "dask":
            outcomes = ingest_inbox_on_dask(str(data_dir), n_workers=2)
        else:
            # the same work done locally: the donations one after the other, then the filters once
            outcomes = ingest_inbox(data_dir=str(data_dir), run_filters=False)
            filter_table(Store(data_dir), "donated", settings=Settings(data_dir=data_dir))
        results[name] = (sorted((Path(o["folder"]).name, o["status"], o["kept"]) for o in outcomes),
                         {str(t): Store(data_dir).read(t).drop(["created_at", "updated_at", "rejected_at"],
                                                               strict=False).sort(table_key(t))
                          for t in (Table.DONATED, Table.FILTERED, Table.REJECTED)})
    get_settings.cache_clear()
    assert results["dask"][0] == results["sequential"][0]
    assert [status for _, status, _ in results["dask"][0]] == ["processed", "processed", "refused"]
    for table, want in results["sequential"][1].items():
        assert want.height > 0 or table == "rejected"
        assert results["dask"][1][table].equals(want), f"{table} differs between Dask and sequential ingest"
