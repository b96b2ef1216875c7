"""`corpus600m annotate ...`: the annotation loop in Argilla (users, push, pull, report)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import (
    app,
    console,
    err_console,
    fail,
    progress_bar,
    shown_as_error,
)

annotate_app = typer.Typer(
    help=(
        "Human annotation in Argilla, by country and variety. Records go to one dataset per workspace "
        "(one workspace per country by default, plus a global one); annotators answer in Spanish (país, "
        "variedad, calidad, ¿es correcta?, corrección, problemas); `pull` takes the consensus (majority, "
        "median), Krippendorff's alpha and moves accepted records on to the curated table.\n\n"
        "Uses the local Argilla server (`corpus600m argilla up`) or ARGILLA_API_URL / ARGILLA_API_KEY."
    ),
    no_args_is_help=True,
)
app.add_typer(annotate_app, name="annotate")

DATASET_HELP = "Name of the Argilla dataset (the same name in every workspace), e.g. somos600m-2026-11."


def _client():
    from corpus600m.annotate.client import AnnotateError
    from flows.annotate import connect

    try:
        return connect()
    except AnnotateError as exc:
        fail(str(exc))


def _layout(settings):
    from corpus600m.annotate.workspaces import WorkspaceLayoutError, parse_grouping

    try:
        return parse_grouping(settings.annotation_workspace_grouping, settings.annotation_workspace_prefix)
    except WorkspaceLayoutError as exc:
        fail(f"CORPUS600M_ANNOTATION_WORKSPACE_GROUPING: {exc}")


@annotate_app.command("users")
def users(
    csv_file: Path = typer.Argument(..., help="CSV with columns username,name,countries,role (countries: MX,AR | * | global; "
                                              "role: annotator | admin)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only check the CSV; change nothing."),
    welcome: Path = typer.Option(None, "--welcome", help="Also write one Spanish welcome message per person to this "
                                                          "folder (<username>.md, mode 0600): URL, username, password, "
                                                          "workspaces, how to start, guidelines."),
    dataset: str = typer.Option(None, "--dataset", help="With --welcome: the sprint's dataset, named in the messages."),
) -> None:
    """Create annotators in Argilla and add them to their countries' workspaces. Idempotent.

    New users get a generated password, written with their API key to <data dir>/annotate/credentials.csv
    (mode 0600). Passwords are never printed. Lines with errors are listed and skipped; the others go on.
    Role 'reviewer' makes someone a reviewer of the review round (an Argilla annotator whose answers there count).
    """
    from corpus600m.annotate.client import AnnotateError
    from corpus600m.annotate.users import read_annotators_csv
    from corpus600m.settings import get_settings
    from flows.annotate import onboard_annotators

    settings = get_settings()
    with shown_as_error(AnnotateError):
        parsed = read_annotators_csv(csv_file, _layout(settings))
    _print_skipped(parsed.errors)
    if dry_run or not parsed.rows:
        console.print(f"{len(parsed.rows)} valid line(s), {len(parsed.errors)} with errors" + (" (dry run)" if dry_run else ""))
        if not parsed.rows:
            raise typer.Exit(1)
        return
    with shown_as_error(AnnotateError):
        results, welcomed = onboard_annotators(parsed.rows, _client(), settings, welcome_dir=welcome, dataset=dataset)
    _print_annotators(results, settings, welcome, welcomed)
    if parsed.errors:
        raise typer.Exit(1)


def _print_skipped(errors: list[str]) -> None:
    for error in errors:
        err_console.print(f"[yellow]skipped:[/] {error}", highlight=False, soft_wrap=True)


def _print_annotators(results, settings, welcome: Path | None, welcomed: list[Path]) -> None:
    from flows.annotate import credentials_path

    table = RichTable(title="annotators")
    for column in ("username", "role", "user", "workspaces", "added to"):
        table.add_column(column)
    for r in results:
        table.add_row(r.username, r.role, "created" if r.created else "existed", ", ".join(r.workspaces),
                      ", ".join(r.added_to) or "—")
    console.print(table)
    console.print(f"passwords and API keys of new users: {credentials_path(settings)} (mode 0600; share each one "
                  "privately)")
    if welcome:
        console.print(f"wrote {len(welcomed)} welcome message(s) to {welcome} (mode 0600; send each one privately)")


@annotate_app.command("push")
def push_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    from_file: Path = typer.Option(None, "--from", help="A JSONL file of records instead of the filtered table."),
    country: str = typer.Option(None, "--country", help="Only records of this country (ISO code, e.g. MX)."),
    min_submitted: int = typer.Option(None, "--min-submitted", min=1,
                                      help="Responses per record for new datasets (default CORPUS600M_ANNOTATION_MIN_SUBMITTED)."),
    gold: Path = typer.Option(None, "--gold", help="JSONL of gold (calibration) records, each with an 'expected' "
                                                   "object of answers; copies are mixed into every workspace's queue."),
    gold_rate: float = typer.Option(None, "--gold-rate", min=0.0, max=1.0,
                                    help="Share of gold copies in each queue (default CORPUS600M_ANNOTATION_GOLD_RATE, 0.05)."),
) -> None:
    """Send records to Argilla, each to its workspace's dataset, with pais/variedad suggested.

    Idempotent by record id: re-running updates changed records, restores deleted ones and adds no copies.
    With --gold, gold copies are spread through each workspace's records; pull never curates them and
    `annotate report` scores each annotator on them.
    """
    os.environ.setdefault("TQDM_DISABLE", "1")  # the SDK's own bars would fight with ours
    from corpus600m.annotate.client import AnnotateError
    from corpus600m.record_files import RecordFileError
    from corpus600m.settings import get_settings
    from flows.annotate import prepare_push, push_batch

    settings = get_settings()
    if min_submitted:
        settings = settings.model_copy(update={"annotation_min_submitted": min_submitted})
    with shown_as_error(AnnotateError, RecordFileError):
        batch = prepare_push(settings, country=country, from_file=from_file, layout=_layout(settings), gold_file=gold,
                             gold_rate=gold_rate)
    _print_skipped(batch.skipped)
    if not batch.records:
        fail(f"no records to push ({'in ' + str(from_file) if from_file else 'in the filtered table'}"
             f"{', country ' + country if country else ''}); run the filters first or give --from FILE.jsonl")
    client = _client()
    with shown_as_error(AnnotateError), progress_bar(None, to=console) as bar:
        result = push_batch(batch, dataset, client, settings, bar.update_part)
    _print_push(result, batch)
    if batch.skipped:
        raise typer.Exit(1)


def _print_push(result, batch) -> None:
    table = RichTable(title=f"pushed to dataset {result.dataset!r} ({result.seconds:.1f} s)")
    for column in ("workspace", "records", "new", "updated", "restored", "unchanged"):
        table.add_column(column, justify="left" if column == "workspace" else "right")
    for w in result.workspaces.values():
        table.add_row(w.workspace, str(w.n_in), str(w.n_new), str(w.n_updated), str(w.n_restored), str(w.n_unchanged))
    console.print(table)
    if batch.gold_table is not None:
        console.print(f"{batch.gold_table.height} gold cop(ies) mixed in (listed in the ledger's gold.parquet)")
    if batch.skipped:
        err_console.print(f"{len(batch.skipped)} line(s) were skipped (listed above); fix them and push again")


@annotate_app.command("pull")
def pull_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    out: Path = typer.Option(None, "--out", help="Also write the annotated records to this JSONL file."),
    workspace: list[str] = typer.Option(None, "--workspace", help="Only these workspaces (repeatable)."),
) -> None:
    """Take the consensus of submitted responses into the annotated table; accepted records into curated.

    Labels: majority; calidad: median; Krippendorff's alpha per question. Records whose agreement is below
    CORPUS600M_ANNOTATION_AGREEMENT_THRESHOLD are flagged needs_review. Curated: es_correcta 'si' (or
    'parcial' with a correction, which replaces the output) and calidad >= CORPUS600M_ANNOTATION_QUALITY_THRESHOLD.
    """
    from corpus600m.annotate.client import AnnotateError
    from corpus600m.annotate.pull import pull
    from corpus600m.record_files import write_jsonl

    client = _client()
    with console.status(f"reading responses of {dataset!r} from Argilla"):
        try:
            result = pull(dataset, client, workspaces=workspace or None)
        except AnnotateError as exc:
            fail(str(exc))
    table = RichTable(title=f"pulled {dataset!r} ({result.seconds:.1f} s)")
    columns = ("workspace", "records", "annotated", "pending", "needs review", "reviewed", "curated", "uncurated",
               "discarded", "α es_correcta", "α calidad")
    for column in columns:
        table.add_column(column, justify="left" if column == "workspace" else "right")
    for w in result.workspaces.values():
        alpha = [("—" if w.alpha.get(q) is None else f"{w.alpha[q]:.3f}") for q in ("es_correcta", "calidad")]
        table.add_row(w.workspace, str(w.n_records), str(w.n_annotated), str(w.n_pending), str(w.n_needs_review),
                      str(w.n_reviewed), str(w.n_curated), str(w.n_uncurated), str(w.n_discarded), *alpha)
    console.print(table)
    for message in result.messages():
        err_console.print(f"[yellow]note:[/] {message}", highlight=False, soft_wrap=True)
    if out:
        write_jsonl(result.annotated, out)
        console.print(f"wrote {len(result.annotated)} annotated record(s) to {out}")


@annotate_app.command("report")
def report_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    out_dir: Path = typer.Option(None, "--out-dir", help="Where to write report.json and report.png "
                                                         "(default <data dir>/annotate/<dataset>/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout (nothing else) and write no file."),
    target: int = typer.Option(None, "--target", min=1, help="Records wanted per country x variety "
                                                             "(default CORPUS600M_FILL_GAPS_TARGET)."),
) -> None:
    """Progress per annotator and per workspace (country), Krippendorff's alpha: table, JSON and PNG chart.

    Per annotator: agreement with the consensus and accuracy on gold records; 'needs help' when either is
    below CORPUS600M_ANNOTATION_AGREEMENT_THRESHOLD.
    """
    import json

    from corpus600m.annotate.client import AnnotateError
    from corpus600m.annotate.push import ledger_dir
    from corpus600m.annotate.report import render_tables, write_chart, write_json
    from corpus600m.settings import get_settings
    from flows.annotate import sprint_report

    settings = get_settings()
    client = _client()
    try:
        report = sprint_report(dataset, settings, client, target)
    except AnnotateError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    for table in render_tables(report):
        console.print(table)
    target_dir = out_dir or ledger_dir(settings.data_dir, dataset)
    json_path = write_json(report, target_dir / "report.json")
    png_path = write_chart(report, target_dir / "report.png")
    console.print(f"wrote {json_path} and {png_path}")


@annotate_app.command("dashboard")
def dashboard_cmd(
    dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP),
    out: Path = typer.Option(None, "--out", help="Folder for index.html (default <data dir>/annotate/<dataset>/dashboard)."),
    serve: int = typer.Option(None, "--serve", min=0, max=65535,
                              help="Serve the folder on this port (0: any free one) and rebuild it every "
                                   "CORPUS600M_DASHBOARD_REFRESH_SECONDS; the page reloads itself. Ctrl-C stops."),
    host: str = typer.Option("127.0.0.1", "--host", help="With --serve: address to listen on (0.0.0.0 for everyone)."),
    target: int = typer.Option(None, "--target", min=1, help="Records wanted per country x variety "
                                                             "(default CORPUS600M_FILL_GAPS_TARGET)."),
) -> None:
    """Write the sprint dashboard: one self-contained index.html (no CDN; opens offline or on a static host).

    Progress per country (tile map), workspace and variety against the target, response statuses, the
    annotators' leaderboard (CORPUS600M_DASHBOARD_ANONYMOUS=1 shows initials), Krippendorff's alpha per
    question and workspace over time, the review round and the coverage gaps. Labels in Spanish.
    """
    from corpus600m.annotate.client import AnnotateError
    from corpus600m.settings import get_settings
    from flows.annotate import dashboard_dir, write_dashboard

    settings = get_settings()
    client = _client()
    out = out or dashboard_dir(settings, dataset)
    refresh = settings.dashboard_refresh_seconds if serve is not None else None
    try:
        path, report = write_dashboard(dataset, out, settings, client, target, refresh)
    except AnnotateError as exc:
        fail(str(exc))
    totals = report["totals"]
    console.print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KB): {totals['completed']}/{totals['records']} "
                  f"records completed, {totals['needs_review']} to review, {totals['annotators']} annotators")
    if serve is not None:
        from corpus600m.annotate.dashboard import serve_dashboard

        serve_dashboard(out, serve, lambda: write_dashboard(dataset, out, settings, client, target, refresh),
                        settings.dashboard_refresh_seconds, say=console.print, host=host)


review_app = typer.Typer(help="The review round: records annotators disagreed on, decided by reviewers.",
                         no_args_is_help=True)
annotate_app.add_typer(review_app, name="review")


@review_app.command("push")
def review_push_cmd(dataset: str = typer.Option(..., "--dataset", help=DATASET_HELP)) -> None:
    """Send every needs_review record (a tie, or agreement below the threshold) to <dataset>-revision.

    Same workspace, the first round's most voted answers as suggestions, the disagreement shown in a field and
    the review guidelines in Spanish. Reviewers (role 'reviewer' in the users CSV, or Argilla owners/admins)
    answer; `annotate pull` then takes their answer as final. Idempotent: records already in review are kept.
    """
    os.environ.setdefault("TQDM_DISABLE", "1")
    from corpus600m.annotate.client import AnnotateError
    from corpus600m.settings import get_settings
    from flows.annotate import push_review_round

    client = _client()
    try:
        result = push_review_round(dataset, client, get_settings())
    except AnnotateError as exc:
        fail(str(exc))
    table = RichTable(title=f"review round: dataset {result.dataset!r}")
    for column in ("workspace", "sent now", "already in review"):
        table.add_column(column, justify="left" if column == "workspace" else "right")
    for workspace in sorted(result.sent):
        table.add_row(workspace, str(result.sent[workspace]), str(result.already[workspace]))
    console.print(table)
    if not result.sent:
        console.print("no record needs review (run `corpus600m annotate pull` after annotators submit)")
