"""Commands about the project itself: version, schemas, store."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m import __version__
from corpus600m.cli.app import app, console, fail

schemas_app = typer.Typer(help="JSON Schema files of the record, rejected record, donation manifest and stage report.",
                          no_args_is_help=True)
store_app = typer.Typer(help="Inspect the corpus store (Parquet tables under the data dir).", no_args_is_help=True)
app.add_typer(schemas_app, name="schemas")
app.add_typer(store_app, name="store")

SCHEMAS_DIR = Path(__file__).resolve().parents[3] / "schemas"


@app.command()
def version() -> None:
    """Print the corpus600m version."""
    console.print(f"corpus600m {__version__}")


@schemas_app.command("export")
def schemas_export(
    out: Path = typer.Option(SCHEMAS_DIR, "--out", help="Directory to write the *.schema.json files to."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the files differ from the models."),
) -> None:
    """Write the JSON Schema of each record model to schemas/ (or check they are up to date)."""
    from corpus600m.records import export_schemas

    n_files, stale = export_schemas(out, check=check)
    if check:
        if stale:
            fail(f"schemas out of date in {out}: {', '.join(stale)}; run `corpus600m schemas export`")
        console.print(f"schemas in {out} are up to date ({n_files} files)")
        return
    console.print(f"wrote {n_files} schema files to {out} ({len(stale)} changed)")


@store_app.command("stats")
def store_stats(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Count records per stage table × country × variety."""
    from corpus600m.settings import get_settings
    from corpus600m.store import open_store

    settings = get_settings()
    stats = open_store(settings.data_dir, settings).stats()
    if as_json:
        print(json.dumps(stats.to_dicts(), ensure_ascii=False, indent=1))
        return
    table = RichTable(title=f"corpus store at {settings.data_dir.resolve()}")
    for column in ("table", "country", "variety"):
        table.add_column(column)
    table.add_column("records", justify="right")
    for row in stats.iter_rows(named=True):
        table.add_row(row["table"], row["country"] or "—", row["variety"] or "—", f"{row['records']:,}")
    if stats.is_empty():
        console.print(f"the store at {settings.data_dir.resolve()} is empty")
        return
    console.print(table)
    console.print(f"total rows: {stats['records'].sum():,}")
