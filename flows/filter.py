"""Prefect flow `filter`: run the filter stage over store tables (generated, donated) into filtered/rejected.

The flow only composes: each source table is one task calling `corpus600m.filters.filter_table`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task

from corpus600m.filters.pipeline import decide_records, filter_table, merge_reports
from corpus600m.records import StageReport, frame_to_records
from corpus600m.settings import Settings, get_settings, settings_for
from corpus600m.store import Table, open_store
from flows.run_report import RUN_REPORT_HOOKS


@task(name="filter-table")
def filter_table_task(data_dir: str, source: str, allowed_langs: list[str] | None) -> StageReport:
    settings = settings_for(data_dir)
    if allowed_langs:
        settings = settings.model_copy(update={"allowed_langs": allowed_langs})
    store = open_store(data_dir)
    if not store.exists(source):
        get_run_logger().info("table %s is empty or absent: nothing to filter", source)
        return StageReport(stage="filter", details={"source": source}).finish()
    report = filter_table(store, source, settings=settings)
    get_run_logger().info("filtered %s: %d in, %d kept, %d rejected %s", source, report.n_in, report.n_kept,
                          report.n_rejected, report.rejected_by_reason)
    return report


@flow(name="filter", log_prints=False, **RUN_REPORT_HOOKS)
def filter_flow(data_dir: str | None = None, sources: list[str] | None = None,
                allowed_langs: list[str] | None = None) -> StageReport:
    """Filter every not-yet-filtered record of `sources` (default: generated and donated); idempotent."""
    data_dir = str(Path(data_dir or get_settings().data_dir))
    sources = sources or [str(Table.GENERATED), str(Table.DONATED)]
    reports = [filter_table_task(data_dir, source, allowed_langs) for source in sources]
    report = merge_reports(reports)
    report.details["sources"] = sources
    return report


# ---- scale-out: the per-record checks on Dask partitions --------------------------------------------


@task(name="decide-partition")
def decide_partition(partition: pl.DataFrame, settings: Settings) -> list:
    """The per-record checks (language, PII, quality) of one partition; runs on a Dask worker."""
    return decide_records(frame_to_records(partition), settings=settings)


def partitioned_decider(partitions: int, settings: Settings):
    """A `decide` for `filter_table` that splits each batch into `partitions` tasks on the flow's task runner."""

    def decide(batch: pl.DataFrame) -> list:
        size = max(1, -(-batch.height // partitions))
        futures = [decide_partition.submit(batch.slice(offset, size), settings)
                   for offset in range(0, batch.height, size)]
        return [decision for future in futures for decision in future.result()]  # in partition order

    return decide


@flow(name="filter-partitioned", log_prints=False, **RUN_REPORT_HOOKS)
def filter_partitioned_flow(data_dir: str, sources: list[str], partitions: int) -> StageReport:
    """Like `filter`, with each batch's per-record checks spread over the flow's (Dask) task runner.

    Duplicates and writes are decided on the flow's process in batch order, so the output equals `filter`'s.
    """
    settings = settings_for(data_dir)
    store = open_store(data_dir, settings)
    reports = []
    for source in sources:
        if store.exists(source):
            reports.append(filter_table(store, source, settings=settings,
                                        decide=partitioned_decider(partitions, settings)))
    report = merge_reports(reports)
    report.details.update({"sources": sources, "partitions": partitions})
    return report
