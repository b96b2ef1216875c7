"""`corpus600m export`: the curated corpus as training data (SFT messages, DPO pairs, Alpaca rows)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, fail, shown_as_error

SHOWN_SKIPPED = 10


@app.command("export")
def export(
    fmt: str = typer.Option(..., "--format", help="sft (TRL SFTTrainer `messages`), dpo (TRL DPOTrainer "
                                                  "`prompt`/`chosen`/`rejected`) or alpaca (instruction/input/output)."),
    out: Path = typer.Option(..., "--out", help="File to write: .jsonl or .parquet. The records that give no row are "
                                                "listed, with why, in <name>.skipped.jsonl beside it."),
    from_file: Path | None = typer.Option(None, "--from", help="Export the records of this JSONL file (one Record per "
                                                                "line) instead of a store table."),
    table: str = typer.Option("curated", "--table", help="Store table to export (curated, or annotated for DPO pairs "
                                                         "from low-scored generations too)."),
    system_prompt: str | None = typer.Option(None, "--system-prompt", help="sft/dpo: a system prompt template with "
                                             "{country_name}, {variety_name}, {country}, {variety}, {locale}, {lang}; "
                                             "or a .txt file with one, or a .yaml file mapping default / country code "
                                             "/ variety id to a template."),
) -> None:
    """Export the corpus for fine-tuning: every row keeps its record id; nothing is dropped without a reason."""
    from corpus600m.publish import PublishError
    from corpus600m.publish.export import (
        ExportFormat,
        SystemPrompt,
        check_out_path,
        export_records,
    )
    from corpus600m.publish.inputs import records_to_export
    from corpus600m.settings import get_settings

    settings = get_settings()
    if fmt not in list(ExportFormat):
        fail(f"--format {fmt!r}: choose one of {', '.join(ExportFormat)}")
    with shown_as_error(PublishError):
        check_out_path(out)
        prompt = SystemPrompt.parse(system_prompt) if system_prompt is not None else None
        frame, source = records_to_export(settings.data_dir, table, from_file)
        result = export_records(frame, fmt, out, settings, prompt)
    _print_export(result, f"export {fmt} from {source}", out)


def _print_export(result, title: str, out: Path) -> None:
    from corpus600m.publish.export import ExportFormat, skipped_path

    summary = RichTable(title=title)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    summary.add_row("records read", f"{result.n_records:,}")
    summary.add_row("rows written" + (" (pairs)" if result.format == ExportFormat.DPO else ""), f"{result.n_rows:,}")
    for name, n in result.details.items():
        summary.add_row(f"  {name.replace('_', ' ')}", f"{n:,}")
    summary.add_row("records skipped", f"{result.skipped.height:,}")
    for reason, n in result.skipped_by_reason.items():
        summary.add_row(f"  {reason}", f"{n:,}")
    console.print(summary)
    for row in result.skipped.head(SHOWN_SKIPPED).iter_rows(named=True):
        console.print(f"skipped {row['id']}: {row['reason']} ({row['detail']})", highlight=False)
    if result.skipped.height > SHOWN_SKIPPED:
        console.print(f"... and {result.skipped.height - SHOWN_SKIPPED:,} more", highlight=False)
    console.print(f"wrote {result.n_rows:,} rows to {out}; skipped records (id, reason) in {skipped_path(out)}",
                  highlight=False)
