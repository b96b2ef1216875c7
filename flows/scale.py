"""Scale-out beyond one machine: the filter and ingest stages over partitions on a Dask cluster.

    from flows.scale import filter_on_dask, ingest_inbox_on_dask
    filter_on_dask("s3://bucket/corpus", address="tcp://scheduler:8786")   # an existing cluster
    filter_on_dask("./data", n_workers=2)                                  # a LocalCluster

The per-record work (language, PII, quality checks; reading and validating donations) runs on the Dask
workers through Prefect's `DaskTaskRunner` (prefect-dask); duplicates and store writes are decided on the
flow's process, in a fixed order, so the output is the same as a local run's.
"""

from __future__ import annotations

from prefect_dask import DaskTaskRunner

from corpus600m.records import StageReport
from corpus600m.settings import get_settings
from corpus600m.store import Table


def dask_task_runner(address: str | None = None, n_workers: int = 2) -> DaskTaskRunner:
    """A task runner on the scheduler at `address` (else CORPUS600M_DASK_ADDRESS), or on a new LocalCluster of
    `n_workers` single-threaded worker processes."""
    address = address or get_settings().dask_address
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": n_workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})


def filter_on_dask(data_dir: str, sources: list[str] | None = None, *, address: str | None = None,
                   n_workers: int = 2, partitions: int | None = None) -> StageReport:
    """The `filter-partitioned` flow on a Dask cluster (see the module docstring)."""
    from flows.filter import filter_partitioned_flow

    sources = sources or [str(Table.GENERATED), str(Table.DONATED)]
    return filter_partitioned_flow.with_options(task_runner=dask_task_runner(address, n_workers))(
        data_dir=data_dir, sources=sources, partitions=partitions or 2 * n_workers)


def ingest_inbox_on_dask(data_dir: str, *, address: str | None = None, n_workers: int = 2,
                         run_filters: bool = True, partitions: int | None = None) -> list[dict]:
    """The `ingest-inbox-partitioned` flow on a Dask cluster: donations in parallel, then the filters."""
    from flows.ingest_inbox import ingest_inbox_partitioned_flow

    return ingest_inbox_partitioned_flow.with_options(task_runner=dask_task_runner(address, n_workers))(
        data_dir=data_dir, run_filters=run_filters, partitions=partitions or 2 * n_workers)
