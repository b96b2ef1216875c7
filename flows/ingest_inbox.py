"""Flow `ingest-inbox`: ingest every new donation found in the inbox folder, each exactly once.

Schedule it with `corpus600m donate inbox --serve --interval 900` (or any Prefect deployment). Each donation
is one task; a refused donation is recorded in its folder and does not stop the others.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task

from corpus600m.filters.language import detect_language
from corpus600m.filters.pipeline import filter_table
from corpus600m.ingest import ingest_donation
from corpus600m.ingest.inbox import ingest_inbox_donation, pending_donations
from corpus600m.records import StageReport
from corpus600m.settings import Settings, settings_for
from corpus600m.store import Store, Table
from flows.run_report import RUN_REPORT_HOOKS


def filter_donated(store: Store, settings: Settings, on_progress=None) -> StageReport:
    """The filter stage over the donated table: what ingesting a donation hands its rows to."""
    return filter_table(store, str(Table.DONATED), settings=settings, on_progress=on_progress)


def handoffs(run_filters: bool) -> dict:
    """What the ingest stage gets from the filter stage: the filters (when run) and the language detector."""
    return {"filters": filter_donated if run_filters else None, "detect_language": detect_language}


def ingest_one_donation(path, manifest, *, run_filters: bool = True, **options):
    """`ingest_donation` with the filter stage handed in: what `corpus600m donate` calls."""
    return ingest_donation(path, manifest, **handoffs(run_filters), **options)


@task(name="find-new-donations")
def find_new_donations(data_dir: str | None) -> list[str]:
    return [str(folder) for folder in pending_donations(settings_for(data_dir))]


@task(name="ingest-donation")
def ingest_one(data_dir: str | None, folder: str, run_filters: bool) -> dict:
    outcome = ingest_inbox_donation(Path(folder), settings_for(data_dir), **handoffs(run_filters))
    logger = get_run_logger()
    if outcome.status == "refused":
        logger.warning("donation %s refused: %s", outcome.folder, outcome.message)
    else:
        logger.info("donation %s: %d rows read, %d kept, %d quarantined, %d duplicates", outcome.folder,
                    outcome.rows_read, outcome.kept, outcome.quarantined, outcome.duplicates)
    return outcome.to_dict()


@flow(name="ingest-inbox", log_prints=False, **RUN_REPORT_HOOKS)
def ingest_inbox(data_dir: str | None = None, run_filters: bool = True) -> list[dict]:
    """Ingest each new donation of the inbox (one at a time: they share the donated table's writer lock)."""
    folders = find_new_donations(data_dir)
    get_run_logger().info("%d new donation(s) in the inbox", len(folders))
    return [ingest_one.with_options(task_run_name=f"ingest-{Path(folder).name}")(data_dir, folder, run_filters)
            for folder in folders]


@flow(name="ingest-inbox-partitioned", log_prints=False, **RUN_REPORT_HOOKS)
def ingest_inbox_partitioned_flow(data_dir: str, run_filters: bool = True, partitions: int = 4) -> list[dict]:
    """Like `ingest-inbox`, with the donations ingested in parallel on the flow's (Dask) task runner.

    The store's per-table writer lock serializes the commits; the filters then run once over everything new,
    their per-record checks partitioned the same way.
    """
    from corpus600m.store import open_store
    from flows.filter import partitioned_decider

    folders = find_new_donations(data_dir)
    get_run_logger().info("%d new donation(s) in the inbox", len(folders))
    futures = [ingest_one.with_options(task_run_name=f"ingest-{Path(folder).name}").submit(data_dir, folder, False)
               for folder in folders]
    outcomes = [future.result() for future in futures]
    if run_filters and any(o["status"] == "processed" for o in outcomes):
        settings = settings_for(data_dir)
        filter_table(open_store(data_dir, settings), str(Table.DONATED), settings=settings,
                     decide=partitioned_decider(partitions, settings))
    return outcomes
