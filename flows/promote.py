"""Copy the records of one store table into another, through Prefect tasks.

The smallest real flow: it exercises the harness (server, tasks, results, states) and is what an
organizer uses to move records by hand, e.g. `donated` -> `curated` after an out-of-band review.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task

from corpus600m.records import StageReport
from corpus600m.store import Table, open_store
from flows.run_report import RUN_REPORT_HOOKS


@task(name="read-table")
def read_table(data_dir: str, table: str, country: str | None) -> pl.DataFrame:
    lazy = open_store(data_dir).scan(table)
    if country:
        lazy = lazy.filter(pl.col("country") == country)
    return lazy.collect()


@task(name="write-table")
def write_table(data_dir: str, table: str, frame: pl.DataFrame) -> int:
    return open_store(data_dir).upsert(table, frame).n_written


@flow(name="promote", log_prints=False, **RUN_REPORT_HOOKS)
def promote(data_dir: str, source: Table, target: Table, country: str | None = None) -> StageReport:
    """Upsert every record of `source` (optionally one country) into `target`; idempotent."""
    report = StageReport(stage=f"promote:{source}->{target}")
    frame = read_table(str(Path(data_dir)), str(source), country)
    written = write_table(str(Path(data_dir)), str(target), frame)
    report.n_in, report.n_kept = frame.height, frame.height
    report.details["written"] = written
    get_run_logger().info("promoted %d records from %s to %s (%d new or changed)", frame.height, source, target, written)
    return report.finish()
