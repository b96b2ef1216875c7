"""Prefect flows of the annotation loop: `annotate-push` (filtered records into Argilla) and `annotate-pull`.

`annotate-pull` is meant to run every few minutes (a deployment with an interval schedule): each run
takes the consensus of what annotators submitted since, and is idempotent; it then rebuilds the sprint
dashboard (`write_dashboard`, also what `corpus600m annotate dashboard` calls) and attaches it as an artifact.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task

from corpus600m.annotate.client import AnnotateError, client_for
from corpus600m.annotate.pull import pull
from corpus600m.annotate.push import PushResult, ledger_dir, push, records_from_store
from corpus600m.annotate.workspaces import WorkspaceLayout
from corpus600m.record_files import read_record_file
from corpus600m.records import Record, StageReport
from corpus600m.settings import Settings, get_settings, settings_for
from flows.run_report import RUN_REPORT_HOOKS


def connect(settings: Settings | None = None, timeout: int = 120):
    """An SDK client for the project's Argilla: the remote one if ARGILLA_API_URL is set, else the local server
    (the flows are where services are found; the annotate stage only takes a client)."""
    from corpus600m.services.argilla_server import connection
    from corpus600m.services.process import ServiceError

    try:
        conn = connection(settings or get_settings())
    except ServiceError as exc:
        raise AnnotateError(str(exc)) from exc
    return client_for(conn.url, conn.api_key.get_secret_value(), timeout)


def credentials_path(settings: Settings) -> Path:
    """`<data dir>/annotate/credentials.csv`: passwords and API keys of the users provisioning created (mode 0600)."""
    return settings.data_dir / "annotate" / "credentials.csv"


def onboard_annotators(rows: list, client, settings: Settings, *, welcome_dir: Path | None = None,
                       dataset: str | None = None) -> tuple[list, list[Path]]:
    """Create the annotators in Argilla and add them to their workspaces (`provision`; new credentials in
    `credentials_path`); with `welcome_dir`, one private Spanish welcome message each there, pointing at the
    public URL (CORPUS600M_ANNOTATION_PUBLIC_URL) or the server's. Returns what was done per user and the messages."""
    from corpus600m.annotate.users import provision
    from corpus600m.annotate.welcome import write_welcome_messages
    from corpus600m.services.argilla_server import connection
    from corpus600m.services.process import ServiceError

    results = provision(client, rows, credentials_path(settings))
    if welcome_dir is None:
        return results, []
    try:
        url = settings.annotation_public_url or connection(settings).url
    except ServiceError as exc:
        raise AnnotateError(str(exc)) from exc
    return results, write_welcome_messages(rows, welcome_dir, url, credentials_path(settings),
                                           settings.annotation_guidelines_url, dataset)


@dataclass
class PushBatch:
    """What one push sends: the records (gold copies mixed in), the layout placing them, and the lines skipped."""

    records: list[Record]
    layout: WorkspaceLayout
    skipped: list[str] = field(default_factory=list)  # bad lines of the --from file and of the gold file
    gold_table: pl.DataFrame | None = None


def prepare_push(settings: Settings, *, country: str | None = None, from_file: Path | None = None,
                 layout: WorkspaceLayout | None = None, gold_file: Path | None = None,
                 gold_rate: float | None = None) -> PushBatch:
    """The filtered table's records (or a record file's), optionally of one country, with gold copies mixed in at
    `gold_rate` (default the setting) when a gold file is given: what `annotate push` and the flow send."""
    from corpus600m.annotate.gold import mix_gold, read_gold_jsonl
    from corpus600m.annotate.workspaces import parse_grouping

    layout = layout or parse_grouping(settings.annotation_workspace_grouping, settings.annotation_workspace_prefix)
    if from_file is not None:
        parsed = read_record_file(from_file)
        records = [r for r in parsed.records if not country or r.country == country.upper()]
        batch = PushBatch(records, layout, parsed.errors)
    else:
        batch = PushBatch(records_from_store(settings.data_dir, country), layout)
    if gold_file is not None and batch.records:
        gold = read_gold_jsonl(gold_file)
        batch.skipped += gold.errors
        batch.records, batch.layout, batch.gold_table = mix_gold(
            batch.records, gold.items, gold_rate or settings.annotation_gold_rate, layout)
    return batch


def push_batch(batch: PushBatch, dataset: str, client, settings: Settings,
               on_progress: Callable[[str, int, int], None] | None = None) -> PushResult:
    """Push a prepared batch: its gold table into the ledger first (a gold copy must never be pulled as a corpus
    record), then the records."""
    if batch.gold_table is not None:
        from corpus600m.annotate.gold import write_gold_table

        write_gold_table(ledger_dir(settings.data_dir, dataset), batch.gold_table)
    return push(batch.records, dataset, client, settings, batch.layout, on_progress)


def push_review_round(dataset: str, client, settings: Settings):
    """`push_review` of `dataset`'s needs_review records, its gold copies left out (gold is scored, never reviewed)."""
    from corpus600m.annotate.gold import read_gold_table
    from corpus600m.annotate.review import push_review

    gold_ids = set(read_gold_table(ledger_dir(settings.data_dir, dataset))["id"].to_list())
    return push_review(dataset, client, settings, exclude=gold_ids)


@task(name="push-to-argilla")
def push_task(data_dir: str | None, dataset: str, country: str | None) -> StageReport:
    settings = settings_for(data_dir)
    return push_batch(prepare_push(settings, country=country), dataset, connect(settings), settings).to_stage_report()


@task(name="pull-from-argilla")
def pull_task(data_dir: str | None, dataset: str) -> StageReport:
    settings = settings_for(data_dir)
    return pull(dataset, connect(settings), settings).to_stage_report()


@flow(name="annotate-push", log_prints=False, **RUN_REPORT_HOOKS)
def annotate_push(dataset: str, country: str | None = None, data_dir: str | None = None) -> StageReport:
    """Push the filtered table (optionally one country) to the Argilla dataset `dataset`; idempotent."""
    report = push_task(data_dir, dataset, country)
    get_run_logger().info("pushed %d records to %s (%d sent, %d new)", report.n_in, dataset,
                          report.details["sent"], report.details["new"])
    return report


@flow(name="annotate-pull", log_prints=False, **RUN_REPORT_HOOKS)
def annotate_pull(dataset: str, data_dir: str | None = None) -> StageReport:
    """Pull consensus of `dataset` into the annotated table and accepted records into curated."""
    report = pull_task(data_dir, dataset)
    logger = get_run_logger()
    logger.info("annotated %d, curated %d, pending %d, needs review %d", report.n_in, report.n_kept,
                report.details["pending"], report.details["needs_review"])
    for message in report.details["messages"]:
        logger.warning(message)
    try:
        report.details["dashboard"] = dashboard_task(data_dir, dataset)
    except Exception as exc:  # noqa: BLE001  (the pull is stored; a dashboard that cannot be drawn must not fail it)
        logger.warning("the dashboard could not be rebuilt: %s", exc)
    return report


# ---- the sprint report and dashboard: what `annotate report` / `annotate dashboard` and this flow call ----

def coverage_gaps(settings: Settings, target: int) -> list[dict]:
    """Per country x variety: records the corpus has, the target, and the deficit `generate --fill-gaps` works on."""
    from corpus600m.generate.plan import deficits
    from corpus600m.store import open_store

    table = deficits(open_store(settings.data_dir, settings), target)
    return [{"country": row["country"], "variety": row["variety"], "have": row["have"], "target": target,
             "deficit": row["deficit"]} for row in table.iter_rows(named=True)]


def sprint_report(dataset: str, settings: Settings | None = None, client=None, target: int | None = None) -> dict:
    """The annotation report of `dataset` as data: Argilla's responses (gold scored apart, the review round),
    progress against `target` records per country x variety (default CORPUS600M_FILL_GAPS_TARGET) and the
    corpus's coverage gaps."""
    from corpus600m.annotate.gold import expected_answers, read_gold_table
    from corpus600m.annotate.push import ledger_dir
    from corpus600m.annotate.report import build_report
    from corpus600m.annotate.review import review_snapshots, reviewers
    from corpus600m.annotate.snapshot import take_snapshot

    settings = settings or get_settings()
    client = client or connect(settings)
    target = target or settings.fill_gaps_target
    snapshots = take_snapshot(client, dataset)
    gold = expected_answers(read_gold_table(ledger_dir(settings.data_dir, dataset)))
    return build_report(dataset, snapshots, settings.annotation_agreement_threshold, gold=gold,
                        review=review_snapshots(client, dataset), reviewer_names=reviewers(client, settings.data_dir),
                        target=target, gaps=coverage_gaps(settings, target))


def dashboard_dir(settings: Settings, dataset: str) -> Path:
    """Default folder of a dataset's dashboard: `<data dir>/annotate/<dataset>/dashboard/`."""
    from corpus600m.annotate.push import ledger_dir

    return ledger_dir(settings.data_dir, dataset) / "dashboard"


def write_dashboard(dataset: str, out_dir: Path | None = None, settings: Settings | None = None, client=None,
                    target: int | None = None, refresh_seconds: int | None = None) -> tuple[Path, dict]:
    """Build the sprint report and write the dashboard `index.html`; returns its path and the report."""
    from corpus600m.annotate.dashboard import write_dashboard_html

    settings = settings or get_settings()
    report = sprint_report(dataset, settings, client, target)
    path = write_dashboard_html(report, out_dir or dashboard_dir(settings, dataset),
                                anonymous=settings.dashboard_anonymous, refresh_seconds=refresh_seconds)
    return path, report


def dashboard_markdown(report: dict, path: Path) -> str:
    """The Prefect artifact of the dashboard: headline numbers, who needs help, and where the page is."""
    totals = report["totals"]
    lines = [f"# Sprint de anotación · {report['dataset']}", "",
             f"Dashboard: `{path}` (self-contained HTML; open it or publish the folder as a static site).", "",
             "| registros | completados | avance | a revisar | revisados | anotadores |", "|---|---|---|---|---|---|",
             (f"| {totals['records']} | {totals['completed']} | {totals['progress']:.0%} | {totals['needs_review']} | "
              f"{report['review']['reviewed']} | {totals['annotators']} |")]
    helpers = [a["username"] for a in report["annotators"] if a["needs_help"]]
    if helpers and not get_settings().dashboard_anonymous:
        lines += ["", f"Necesitan ayuda: {', '.join(helpers)}"]
    return "\n".join(lines)


@task(name="annotation-dashboard")
def dashboard_task(data_dir: str | None, dataset: str) -> str:
    from prefect.artifacts import create_markdown_artifact

    path, report = write_dashboard(dataset, settings=settings_for(data_dir))
    key = re.sub(r"[^a-z0-9-]+", "-", f"annotate-dashboard-{dataset}".lower()).strip("-")
    create_markdown_artifact(dashboard_markdown(report, path), key=key, description="Sprint dashboard")
    return str(path)
