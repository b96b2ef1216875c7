"""`corpus600m donate`: ingest a donated corpus, or every new donation of the inbox."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import (
    app,
    console,
    err_console,
    group_with_default,
    shown_as_error,
)

donate_app = typer.Typer(
    cls=group_with_default("add"),  # `donate PATH ...` runs `add`; `donate inbox` is the inbox command
    no_args_is_help=True,
    help=(
        "Ingest donated corpora. `corpus600m donate PATH --manifest MANIFEST.yaml` takes one donation (a file, a "
        "folder or a .zip/.tar.gz); `corpus600m donate inbox` takes every new donation of the inbox folder "
        "(a folder literally named 'inbox' in the current directory: write ./inbox)."
    ),
)
app.add_typer(donate_app, name="donate")


def _summary_table(report) -> RichTable:
    table = RichTable(title=f"donation «{report.donation}» by {report.donor} ({report.license})")
    table.add_column("file")
    table.add_column("format")
    table.add_column("encoding")
    for column in ("rows read", "kept", "quarantined", "duplicates"):
        table.add_column(column, justify="right")
    for f in report.files:
        table.add_row(f.file, f.format, f.encoding or "—", f"{f.rows_read:,}", f"{f.kept:,}", f"{f.quarantined:,}",
                      f"{f.duplicates:,}")
    table.add_row("[bold]total[/]", "", "", f"[bold]{report.rows_read:,}", f"[bold]{report.kept:,}",
                  f"[bold]{report.quarantined:,}", f"[bold]{report.duplicates:,}")
    return table


@donate_app.command("add")
def donate_add(
    path: Path = typer.Argument(..., help="The donation: a data file, a folder of files, or a .zip / .tar.gz archive."),
    manifest: Path = typer.Option(..., "--manifest", "-m", help="The donation's YAML manifest (name, donor, license, "
                                  "description, columns: {instruction, input, output}, optional country, variety...)."),
    report_path: Path | None = typer.Option(None, "--report", help="Also write the JSON report here (and a Markdown "
                                            "summary next to it, same name with .md)."),
    skip_filters: bool = typer.Option(False, "--skip-filters", help="Store the rows in the donated table but do not run "
                                      "the filters now."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Ingest one donation: valid rows go to the donated table and through the filters; bad rows to a quarantine file.

    Exit code 0 when the donation was processed (even with quarantined rows), 1 when it was refused as a whole (licence not open, columns not found, unreadable file, no rows): then nothing is written.
    """
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from corpus600m.ingest import DonationRefused
    from flows.ingest_inbox import ingest_one_donation

    progress = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                        console=err_console, disable=quiet)
    with shown_as_error(DonationRefused, prefix="donation refused, nothing was written:\n"), progress:
        report = ingest_one_donation(path, manifest, report_path=report_path, run_filters=not skip_filters,
                                     progress=progress)
    _print_donation(report)


def _print_donation(report) -> None:
    for warning in report.warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    console.print(_summary_table(report))
    if report.quarantined_by_reason:
        reasons = ", ".join(f"{reason} {n:,}" for reason, n in report.quarantined_by_reason.items())
        console.print(f"quarantined by reason: {reasons}")
        console.print(f"quarantine file: {report.quarantine_path}")
    if report.language_mix:
        mix = ", ".join(f"{lang} {n / report.language_sample:.0%}" for lang, n in report.language_mix.items())
        console.print(f"language mix (on {report.language_sample:,} kept rows): {mix}")
    if report.filters is not None:
        console.print(f"filters: {report.filters.n_kept:,} kept, {report.filters.n_rejected:,} rejected "
                      f"{dict(report.filters.rejected_by_reason) or ''}")
    elif report.filters_note:
        console.print(f"filters: {report.filters_note}")
    console.print(f"report: {report.report_path} (and .md); {report.rows_per_second:,.0f} rows/s")


@donate_app.command("inbox")
def donate_inbox(
    skip_filters: bool = typer.Option(False, "--skip-filters", help="Do not run the filters after each donation."),
    serve: bool = typer.Option(False, "--serve", help="Keep running: serve the `ingest-inbox` flow on a schedule "
                               "(needs a Prefect API, e.g. `corpus600m prefect start`)."),
    interval: int = typer.Option(900, "--interval", min=10, help="Seconds between scheduled runs with --serve."),
) -> None:
    """Ingest every new donation of the inbox (`<data dir>/inbox/<donation>/` with a manifest.yaml), each once.

    Runs the Prefect flow `ingest-inbox`. A refused donation gets a `.refused.json` note in its folder and is retried when its files change; an ingested one gets `.ingested.json` and is not processed again.
    """
    from datetime import timedelta

    from corpus600m.ingest.inbox import inbox_dir
    from corpus600m.settings import get_settings
    from flows.ingest_inbox import ingest_inbox

    folder = inbox_dir(get_settings())
    if serve:
        console.print(f"serving flow ingest-inbox every {interval} s on {folder}")
        ingest_inbox.serve(name="ingest-inbox", interval=timedelta(seconds=interval),
                           parameters={"run_filters": not skip_filters})
        return
    outcomes = ingest_inbox(run_filters=not skip_filters)
    if not outcomes:
        console.print(f"no new donations in {folder}")
        return
    table = RichTable(title=f"inbox {folder}")
    for column in ("donation", "status", "rows read", "kept", "quarantined", "duplicates", "report / reason"):
        table.add_column(column, justify="right" if column in ("rows read", "kept", "quarantined", "duplicates") else "left")
    for o in outcomes:
        style = "red" if o["status"] == "refused" else "green"
        table.add_row(o["folder"], f"[{style}]{o['status']}[/]", f"{o['rows_read']:,}", f"{o['kept']:,}",
                      f"{o['quarantined']:,}", f"{o['duplicates']:,}",
                      o["report_path"] if o["status"] == "processed" else o["message"])
    console.print(table)
