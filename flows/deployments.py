"""Scheduled deployments for organizers: what runs when, with which parameters.

`corpus600m serve` registers these with the Prefect API and serves them from one process (they show in
the Prefect UI under Deployments). Schedules and parameters come from settings (`CORPUS600M_SCHEDULE_*`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from corpus600m.settings import Settings

DEPLOYMENT_NAME = "scheduled"


def build_deployments(settings: Settings) -> list[RunnerDeployment]:
    """One deployment per scheduled flow: generate (fill gaps), ingest-inbox, filter, annotate-pull, publish."""
    from flows.annotate import annotate_pull
    from flows.filter import filter_flow
    from flows.generate import generate
    from flows.ingest_inbox import ingest_inbox
    from flows.publish import publish

    data_dir = str(Path(settings.data_dir).resolve())
    publish_dir = str(Path(data_dir) / "publish" / settings.pipeline_repo_id.replace("/", "__"))
    tags = ["corpus600m"]
    return [
        generate.to_deployment(
            DEPLOYMENT_NAME, cron=settings.schedule_generate_cron, tags=tags,
            parameters={"data_dir": data_dir, "target": settings.fill_gaps_target},
            description="Fill the corpus's gaps: generate what each country × variety lacks to reach the target.",
        ),
        ingest_inbox.to_deployment(
            DEPLOYMENT_NAME, cron=settings.schedule_ingest_cron, tags=tags, parameters={"data_dir": data_dir},
            description="Ingest each new donation in the inbox exactly once, then filter it.",
        ),
        filter_flow.to_deployment(
            DEPLOYMENT_NAME, cron=settings.schedule_filter_cron, tags=tags,
            parameters={"data_dir": data_dir, "sources": ["generated", "donated"]},
            description="Filter the generated and donated records not yet decided (language, PII, duplicates, quality).",
        ),
        annotate_pull.to_deployment(
            DEPLOYMENT_NAME, interval=timedelta(minutes=settings.schedule_pull_minutes), tags=tags,
            parameters={"dataset": settings.pipeline_dataset, "data_dir": data_dir},
            description="Pull annotations from Argilla: consensus, agreement, curated records.",
        ),
        publish.to_deployment(
            DEPLOYMENT_NAME, cron=settings.schedule_publish_cron, tags=tags, concurrency_limit=1,
            parameters={"repo_id": settings.pipeline_repo_id, "out_dir": publish_dir,
                        "push_to_hub": settings.schedule_publish_push, "data_dir": data_dir},
            description="Publish the curated corpus (a dry run unless CORPUS600M_SCHEDULE_PUBLISH_PUSH=true); "
                        "one at a time.",
        ),
    ]
