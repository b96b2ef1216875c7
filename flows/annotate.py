"""Prefect flows of the annotation loop: `annotate-push` (filtered records into Argilla) and `annotate-pull`.

`annotate-pull` is meant to run every few minutes (a deployment with an interval schedule): each run
takes the consensus of what annotators submitted since, and is idempotent.
"""

from __future__ import annotations

from prefect import flow, get_run_logger, task

from corpus600m.annotate.client import connect
from corpus600m.annotate.pull import pull
from corpus600m.annotate.push import push, records_from_store
from corpus600m.records import StageReport
from corpus600m.settings import get_settings
from flows.run_report import RUN_REPORT_HOOKS


@task(name="push-to-argilla")
def push_task(dataset: str, country: str | None) -> dict:
    settings = get_settings()
    records = records_from_store(settings.data_dir, country)
    result = push(records, dataset, connect(settings), settings)
    return {"records": len(records), "sent": result.n_sent, "new": result.n_new,
            "by_workspace": {w.workspace: vars(w) for w in result.workspaces.values()}}


@task(name="pull-from-argilla")
def pull_task(dataset: str) -> dict:
    settings = get_settings()
    result = pull(dataset, connect(settings), settings)
    return {
        "annotated": result.total("n_annotated"), "curated": result.total("n_curated"),
        "uncurated": result.total("n_uncurated"), "pending": result.total("n_pending"),
        "needs_review": result.total("n_needs_review"), "missing": result.missing, "messages": result.messages(),
        "alpha": {w.workspace: w.alpha for w in result.workspaces.values()},
    }


@flow(name="annotate-push", log_prints=False, **RUN_REPORT_HOOKS)
def annotate_push(dataset: str, country: str | None = None) -> StageReport:
    """Push the filtered table (optionally one country) to the Argilla dataset `dataset`; idempotent."""
    report = StageReport(stage="annotate-push")
    summary = push_task(dataset, country)
    report.n_in, report.n_kept = summary["records"], summary["records"]
    report.details.update(summary)
    get_run_logger().info("pushed %d records to %s (%d sent, %d new)", summary["records"], dataset,
                          summary["sent"], summary["new"])
    return report.finish()


@flow(name="annotate-pull", log_prints=False, **RUN_REPORT_HOOKS)
def annotate_pull(dataset: str) -> StageReport:
    """Pull consensus of `dataset` into the annotated table and accepted records into curated."""
    report = StageReport(stage="annotate-pull")
    summary = pull_task(dataset)
    report.n_in, report.n_kept = summary["annotated"], summary["curated"]
    report.details.update(summary)
    logger = get_run_logger()
    logger.info("annotated %d, curated %d, pending %d, needs review %d", summary["annotated"], summary["curated"],
                summary["pending"], summary["needs_review"])
    for message in summary["messages"]:
        logger.warning(message)
    return report.finish()
