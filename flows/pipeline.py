"""The main job as one Prefect flow: generate -> filter -> push to Argilla -> pull annotations -> publish (dry run).

The stages are the stage flows themselves (`generate`, `filter`, `annotate-push`, `annotate-pull`), run as
subflows, so each shows in the Prefect UI under the pipeline run with its own tasks and retries.

Every stage is idempotent against the store (record ids are content hashes, upserts skip what is already
there, generation plans the same items for the same request and reuses distilabel's cache, the filters only
decide records not yet decided, a push updates by id), so a run killed at any point is completed by running
it again, with no record lost or doubled.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from corpus600m import reporting
from corpus600m.record_files import read_record_file
from corpus600m.records import RunReport, StageReport
from corpus600m.settings import settings_for
from corpus600m.store import Table, open_store
from flows.annotate import annotate_pull, annotate_push
from flows.filter import filter_flow
from flows.generate import generate


@task(name="load-records")
def load_stage(data_dir: str, input_file: str) -> StageReport:
    """Records from a JSONL or Parquet file (the `Record` schema) into `generated`, instead of generating them; a
    file with a bad line loads nothing."""
    records = read_record_file(Path(input_file)).require_all("nothing was loaded")
    result = open_store(data_dir).upsert(Table.GENERATED, records)
    report = StageReport(stage="load", n_in=len(records), n_kept=len(records))
    report.details.update({"file": input_file, "new": result.n_new})
    return report.finish()


@task(name="publish-dry-run")
def publish_stage(data_dir: str, repo_id: str, out_dir: str) -> StageReport:
    from corpus600m.publish import read_curated
    from flows.publish import build_from_store

    frame = read_curated(Path(data_dir))
    if frame.is_empty():
        report = StageReport(stage="publish (dry run)", details={
            "skipped": "no curated records yet: annotate in Argilla, then run again"})
        return report.finish()
    result = build_from_store(frame, data_dir, out_dir, repo_id, run_name=flow_run.name or "pipeline")
    return result.to_stage_report("publish (dry run)")


@flow(name="pipeline", log_prints=False)
def pipeline(
    countries: list[str] | None = None,
    per_country: int = 2,
    fill_gaps_target: int | None = None,
    dataset: str = "somos600m",
    repo_id: str = "somosnlp/somos600m-instrucciones",
    input_file: str | None = None,
    publish_dir: str | None = None,
    data_dir: str | None = None,
) -> RunReport:
    """Run the whole pipeline once; leaves a run report in `<data_dir>/runs/` and as a Prefect artifact."""
    logger = get_run_logger()
    settings = settings_for(data_dir)
    report = RunReport(flow="pipeline", run_id=str(flow_run.id or ""))
    out_dir = publish_dir or str(settings.data_dir / "publish" / repo_id.replace("/", "__"))
    data_dir = str(settings.data_dir)
    try:
        if input_file:
            stages = [lambda: load_stage(data_dir, input_file)]
        elif fill_gaps_target:
            stages = [lambda: generate(data_dir=data_dir, countries=countries, target=fill_gaps_target)]
        else:
            stages = [lambda: generate(data_dir=data_dir, countries=countries, per_country=per_country)]
        stages += [
            lambda: filter_flow(data_dir=data_dir, sources=["generated", "donated"]),
            lambda: annotate_push(dataset, data_dir=data_dir),
            lambda: annotate_pull(dataset, data_dir=data_dir),
            lambda: publish_stage(data_dir, repo_id, out_dir),
        ]
        for run_stage in stages:
            stage = run_stage()
            report.stages.append(stage)
            logger.info("%s: in %d, kept %d, rejected %d (%.1f s)", stage.stage, stage.n_in, stage.n_kept,
                        stage.n_rejected, stage.seconds)
        report.finish()
    except Exception as exc:
        report.finish(status="failed", error="".join(traceback.format_exception_only(exc)).strip())
        raise
    finally:
        from corpus600m.generate.report import generation_yield
        from corpus600m.generate.report import to_markdown as yield_markdown

        cells = generation_yield(open_store(settings.data_dir, settings))
        if cells:
            report.sections["Generation yield per country × variety"] = yield_markdown(cells)
        report.outputs.update({"data_dir": str(settings.data_dir), "publish_dir": out_dir})
        path = reporting.save(report, settings.data_dir)
        report.outputs["run_report"] = str(path)
        create_markdown_artifact(reporting.to_markdown(report), key="pipeline-run-report",
                                 description="Counts and timings per stage")
    return report
