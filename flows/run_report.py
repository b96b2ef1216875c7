"""Every flow run leaves a run report: `<data_dir>/runs/<start>-<flow>-<run>.json|md` and a Prefect markdown artifact.

Flows opt in with `@flow(..., **RUN_REPORT_HOOKS)`; the hooks turn what the flow returned (a `StageReport`,
a `RunReport`, or a list of per-item dicts) into a `RunReport`, on completion and on failure alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpus600m import reporting
from corpus600m.records import RunReport, StageReport
from corpus600m.settings import get_settings


def _as_stages(flow_name: str, result: Any) -> list[StageReport]:
    if isinstance(result, StageReport):
        return [result]
    if isinstance(result, list) and all(isinstance(item, dict) for item in result):
        stage = StageReport(stage=flow_name, n_in=len(result))
        stage.n_kept = sum(1 for item in result if item.get("status") != "refused")
        stage.n_rejected = stage.n_in - stage.n_kept
        if stage.n_rejected:
            stage.rejected_by_reason["refused"] = stage.n_rejected
        stage.details["items"] = result
        return [stage.finish()]
    return []


def leave_run_report(flow: Any, flow_run: Any, state: Any) -> None:
    """A Prefect state hook: write the run's report and publish it as a markdown artifact."""
    from prefect.artifacts import create_markdown_artifact

    data_dir = Path((flow_run.parameters or {}).get("data_dir") or get_settings().data_dir)
    result = state.result(raise_on_failure=False) if state.is_completed() else None
    if isinstance(result, RunReport):
        return  # the pipeline flow writes its own, stage by stage
    report = RunReport(flow=flow.name, run_id=str(flow_run.id), started_at=flow_run.start_time or flow_run.created,
                       stages=_as_stages(flow.name, result))
    report.finish(status="completed" if state.is_completed() else "failed",
                  error=None if state.is_completed() else (state.message or str(state.type)))
    path = reporting.save(report, data_dir)
    create_markdown_artifact(reporting.to_markdown(report), key=f"{flow.name}-run-report",
                             description=f"Counts and timings of this {flow.name} run ({path.name})")


RUN_REPORT_HOOKS = {"on_completion": [leave_run_report], "on_failure": [leave_run_report]}
