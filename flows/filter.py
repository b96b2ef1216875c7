"""Prefect flow `filter`: run the filter stage over store tables (generated, donated) into filtered/rejected.

The flow only composes: each source table is one task calling `corpus600m.filters.filter_table`.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from corpus600m.filters.pipeline import filter_table, merge_reports
from corpus600m.records import StageReport
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table


@task(name="filter-table")
def filter_table_task(data_dir: str, source: str, allowed_langs: list[str] | None) -> StageReport:
    settings = get_settings().model_copy(update={"data_dir": Path(data_dir)})
    if allowed_langs:
        settings = settings.model_copy(update={"allowed_langs": allowed_langs})
    store = Store(data_dir)
    if not store.exists(source):
        get_run_logger().info("table %s is empty or absent: nothing to filter", source)
        return StageReport(stage="filter", details={"source": source}).finish()
    report = filter_table(store, source, settings=settings)
    get_run_logger().info("filtered %s: %d in, %d kept, %d rejected %s", source, report.n_in, report.n_kept,
                          report.n_rejected, report.rejected_by_reason)
    return report


@flow(name="filter", log_prints=False)
def filter_flow(data_dir: str | None = None, sources: list[str] | None = None,
                allowed_langs: list[str] | None = None) -> StageReport:
    """Filter every not-yet-filtered record of `sources` (default: generated and donated); idempotent."""
    data_dir = str(Path(data_dir or get_settings().data_dir))
    sources = sources or [str(Table.GENERATED), str(Table.DONATED)]
    reports = [filter_table_task(data_dir, source, allowed_langs) for source in sources]
    report = merge_reports(reports)
    report.details["sources"] = sources
    return report
