"""`corpus600m publish`: build the dataset repository (card + Parquet) from the curated corpus, optionally push it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, fail, progress_bar, shown_as_error


@app.command("publish")
def publish(
    repo_id: str | None = typer.Option(None, "--repo-id", help="Hub dataset repository, e.g. "
                                                               "somosnlp/somos600m-instrucciones (required unless --diff)."),
    out: Path | None = typer.Option(None, "--out", help="Directory to write the dataset repository to (README.md card, "
                                                        "data/<country>/*.parquet, exports/, assets/, LICENSE.md; "
                                                        "required unless --diff)."),
    from_file: Path | None = typer.Option(None, "--from", help="Publish the records of this JSONL file (one Record "
                                                                "per line) instead of the store's curated table."),
    push: bool = typer.Option(False, "--push", help="Also create the Hub repo if needed and upload it in one commit "
                                                    "(token from HF_TOKEN or CORPUS600M_HF_TOKEN; endpoint from HF_ENDPOINT)."),
    run_name: str | None = typer.Option(None, "--run-name", help="Name of this run, used in the card and the commit "
                                                                 "message; default publish-<UTC time>."),
    version: str | None = typer.Option(None, "--version", help="Publish as release MAJOR.MINOR.PATCH: recorded in the "
                                       "store's history, stated in the card with its changelog; with --push, also "
                                       "tagged v<version> on the Hub."),
    diff: str | None = typer.Option(None, "--diff", help="Only show what publishing now would change since this "
                                    "recorded version (e.g. v0.2.0), per country; writes nothing."),
) -> None:
    """Publish the curated corpus: gates, Parquet shards, Dataset Card and chart; a dry run unless --push.

    Publishing is refused, listing the offending record ids, when a record lacks a licence or provenance,
    when the final PII re-scan finds something, or when a record's language is not in allowed_langs.
    """
    from corpus600m.publish import PublishError, default_run_name, push_repository
    from corpus600m.settings import get_settings
    from flows.publish import build_from_store, records_to_publish

    settings, run_name = get_settings(), run_name or default_run_name()
    if diff is None and (repo_id is None or out is None):
        fail("publish needs --repo-id and --out (or --diff VERSION to only show the changes since a release)")
    with shown_as_error(PublishError):
        frame, source = records_to_publish(str(settings.data_dir), from_file)
        if diff is not None:
            _print_diff(diff, frame, source, settings)
            return
        with progress_bar("gates + PII re-scan", total=frame.height) as bar:
            result = build_from_store(frame, str(settings.data_dir), str(out), repo_id, run_name, version,
                                      on_progress=bar.advance)
        _print_build(result, f"{repo_id} — run {run_name} (from {source})", out, push)
        if push:
            _print_pushed(result, repo_id, push_repository(result, settings))


def _print_build(result, title: str, out: Path, push: bool) -> None:
    table = RichTable(title=title)
    table.add_column("configuration")
    table.add_column("rows", justify="right")
    for name, n in {**result.config_rows, **result.training_rows}.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
    if result.release is not None:
        _print_changelog(result.release.changelog, f"{result.release.tag}: changes")
    console.print(f"gates passed (licence, provenance, language, PII re-scan of {result.gate_report.n_texts_scanned:,} "
                  f"texts); wrote {len(result.files)} files to {out}")
    if not push:
        console.print("dry run: nothing was uploaded (add --push to upload)")


def _print_pushed(result, repo_id: str, url: str) -> None:
    console.print(f"pushed to {repo_id}: {url}")
    if result.release is not None:
        console.print(f"tagged {result.release.tag} on commit {result.release.commit_oid}")


def _print_changelog(changelog, title: str) -> None:
    from corpus600m.publish.versions import CHANGE_KINDS, country_label

    if changelog.previous is None:
        console.print(f"{title}: first release, every record is new")
    table = RichTable(title=title + (f" since v{changelog.previous}" if changelog.previous else ""))
    table.add_column("country")
    for kind in CHANGE_KINDS:
        table.add_column(kind, justify="right")
    for row in changelog.rows:
        table.add_row(country_label(row["country"]), *(f"{row[kind]:,}" for kind in CHANGE_KINDS))
    table.add_row("total", *(f"{n:,}" for n in changelog.totals.values()))
    console.print(table)


def _print_diff(version: str, frame, source: str, settings) -> None:
    from corpus600m.publish.versions import ReleaseHistory
    from corpus600m.store import open_store

    changelog = ReleaseHistory(open_store(settings=settings)).diff(version, frame)
    _print_changelog(changelog, f"publishing {source} now")
    if changelog.is_empty:
        console.print(f"no change since v{changelog.previous}")
