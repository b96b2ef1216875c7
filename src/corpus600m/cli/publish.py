"""`corpus600m publish`: build the dataset repository (card + Parquet) from the curated corpus, optionally push it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, err_console, fail


@app.command("publish")
def publish(
    repo_id: str = typer.Option(..., "--repo-id", help="Hub dataset repository, e.g. somosnlp/somos600m-instrucciones."),
    out: Path = typer.Option(..., "--out", help="Directory to write the dataset repository to (README.md card, "
                                                "data/<country>/*.parquet, assets/, LICENSE.md)."),
    from_file: Path | None = typer.Option(None, "--from", help="Publish the records of this JSONL file (one Record "
                                                                "per line) instead of the store's curated table."),
    push: bool = typer.Option(False, "--push", help="Also create the Hub repo if needed and upload it in one commit "
                                                    "(token from HF_TOKEN or CORPUS600M_HF_TOKEN; endpoint from HF_ENDPOINT)."),
    run_name: str | None = typer.Option(None, "--run-name", help="Name of this run, used in the card and the commit "
                                                                 "message; default publish-<UTC time>."),
) -> None:
    """Publish the curated corpus: gates, Parquet shards, Dataset Card and chart; a dry run unless --push.

    Publishing is refused, listing the offending record ids, when a record lacks a licence or provenance,
    when the final PII re-scan finds something, or when a record's language is not in allowed_langs.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from corpus600m.publish import (
        PublishError,
        PublishRefused,
        build_repository,
        default_run_name,
        push_repository,
        read_curated,
        read_jsonl,
        read_rejected,
    )
    from corpus600m.settings import get_settings

    settings = get_settings()
    run_name = run_name or default_run_name()
    try:
        if from_file is not None:
            frame = read_jsonl(from_file)
            source = str(from_file)
        else:
            frame = read_curated(settings.data_dir)
            source = f"curated table of {settings.data_dir}"
        rejected = read_rejected(settings.data_dir)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err_console, transient=True) as progress:
            task = progress.add_task("gates + PII re-scan", total=frame.height)
            result = build_repository(frame, out, repo_id, settings, run_name=run_name, rejected=rejected,
                                      on_progress=lambda n: progress.advance(task, n))
    except PublishRefused as exc:
        fail(f"{exc}\nEvery offending id, with why: {out.with_name(out.name + '.gate_report.json')}")
    except PublishError as exc:
        fail(str(exc))

    table = RichTable(title=f"{repo_id} — run {run_name} (from {source})")
    table.add_column("configuration")
    table.add_column("rows", justify="right")
    for name, n in {**result.config_rows, **result.training_rows}.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    console.print(f"gates passed (licence, provenance, language, PII re-scan of {result.gate_report.n_texts_scanned:,} "
                  f"texts); wrote {len(result.files)} files to {out}")
    if not push:
        console.print("dry run: nothing was uploaded (add --push to upload)")
        return
    try:
        url = push_repository(result, settings)
    except PublishError as exc:
        fail(str(exc))
    console.print(f"pushed to {repo_id}: {url}")
