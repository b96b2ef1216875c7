"""Publish the curated corpus to the Hub: load, gate + build the repository, push (when asked).

Tasks call the publish stage's functions; the flow only composes them. The run name (card and commit
message) is the Prefect flow run's name, so a Hub commit points back at the run that made it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.runtime import flow_run

from corpus600m.filters.pii import detect_pii
from corpus600m.publish import (
    BuildResult,
    build_repository,
    push_repository,
    read_curated,
    read_jsonl,
    read_rejected,
)
from corpus600m.records import StageReport
from corpus600m.settings import Settings, get_settings, settings_for
from flows.run_report import RUN_REPORT_HOOKS


def build_gated_repository(frame: pl.DataFrame, out_dir: Path, repo_id: str, settings: Settings, **options) -> BuildResult:
    """The publish stage's build with the PII filter's detector for its final re-scan (the hand-off between two
    stages, made here)."""
    return build_repository(frame, out_dir, repo_id, settings, detect_pii=detect_pii, **options)


def records_to_publish(data_dir: str, from_file: str | Path | None) -> tuple[pl.DataFrame, str]:
    """The records to publish (a record file's, all or nothing, else the curated table's) and where they came from."""
    if from_file:
        return read_jsonl(Path(from_file)), str(from_file)
    return read_curated(Path(data_dir)), f"curated table of {data_dir}"


@task(name="load-records")
def load_records(data_dir: str, from_file: str | None) -> pl.DataFrame:
    return records_to_publish(data_dir, from_file)[0]


def build_from_store(frame: pl.DataFrame, data_dir: str, out_dir: str, repo_id: str, run_name: str,
                     version: str | None = None, on_progress: Callable[[int], None] | None = None) -> BuildResult:
    """`build_gated_repository` with the store's rejected table and generation yield for the card: what the publish
    flow, the pipeline's dry run and `corpus600m publish` call."""
    from corpus600m.generate.report import generation_yield, to_markdown
    from corpus600m.store import open_store

    settings = settings_for(data_dir)
    cells = generation_yield(open_store(data_dir, settings))
    return build_gated_repository(frame, Path(out_dir), repo_id, settings, run_name=run_name,
                                  rejected=read_rejected(Path(data_dir)), version=version, on_progress=on_progress,
                                  generation_yield=to_markdown(cells) if cells else "")


@task(name="build-repository")
def build(frame: pl.DataFrame, data_dir: str, out_dir: str, repo_id: str, run_name: str,
          version: str | None = None) -> BuildResult:
    return build_from_store(frame, data_dir, out_dir, repo_id, run_name, version)


@task(name="push-repository")
def push(result: BuildResult, data_dir: str) -> str:
    return push_repository(result, settings_for(data_dir))


@flow(name="publish", log_prints=False, **RUN_REPORT_HOOKS)
def publish(repo_id: str, out_dir: str, push_to_hub: bool = False, from_file: str | None = None,
            data_dir: str | None = None, version: str | None = None) -> StageReport:
    """Gate and build the dataset repository of the curated corpus in `out_dir`; upload it when `push_to_hub`.

    A gate refusal fails the run with the offending record ids in its message. With `version`, the release is
    recorded in the store's history, its changelog goes into the card, and a push tags it `v<version>`.
    """
    logger = get_run_logger()
    data_dir = data_dir or str(get_settings().data_dir)
    run_name = f"{flow_run.flow_name or 'publish'}/{flow_run.name or 'local'}"
    frame = load_records(data_dir, from_file)
    result = build(frame, data_dir, out_dir, repo_id, run_name, version)
    report = result.to_stage_report()
    logger.info("built %s in %s: %d records, configurations %s", repo_id, out_dir, result.n_records, result.config_rows)
    if push_to_hub:
        url = push(result, data_dir)
        report.details["commit_url"] = url
        if result.release is not None:
            report.details["tag"] = result.release.tag
        logger.info("pushed %s: %s", repo_id, url)
    return report.finish()  # the time taken includes the push
