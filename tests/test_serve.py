"""`corpus600m serve` registers the scheduled deployments on the real local Prefect server, which schedules runs."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import StateType

from tests.fixtures import interrupt_group

EXPECTED = {"generate", "ingest-inbox", "filter", "annotate-pull", "publish"}


async def _deployments_and_runs():
    async with get_client() as client:
        deployments = await client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=["scheduled"])))
        flows = {f.id: f.name for f in await client.read_flows()}
        scheduled = await client.read_flow_runs(flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))))
        return deployments, flows, scheduled


def test_serve_registers_deployments_with_schedules(prefect_api, data_dir, tmp_path):
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "CORPUS600M_DATA_DIR": str(data_dir),
           "CORPUS600M_SCHEDULE_PULL_MINUTES": "3", "CORPUS600M_SCHEDULE_PUBLISH_CRON": "15 7 * * 1"}
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "corpus600m", "serve"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            deployments, flows, scheduled = asyncio.run(_deployments_and_runs())
            by_flow = {flows[d.flow_id]: d for d in deployments}
            scheduled_flows = {flows.get(r.flow_id) for r in scheduled if r.deployment_id}
            if set(by_flow) >= EXPECTED and scheduled_flows >= EXPECTED:
                break
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (
                f"deployments {sorted(by_flow)}, scheduled runs for {sorted(scheduled_flows)}; log:\n"
                + (tmp_path / "serve.log").read_text())
            time.sleep(2)
        publish = by_flow["publish"]
        assert publish.schedules[0].schedule.cron == "15 7 * * 1"
        assert publish.concurrency_limit == 1 or getattr(publish.global_concurrency_limit, "limit", None) == 1
        assert publish.parameters["push_to_hub"] is False
        pull = by_flow["annotate-pull"]
        assert pull.schedules[0].schedule.interval.total_seconds() == 180
        assert by_flow["generate"].parameters["target"] > 0
    finally:
        interrupt_group(proc)
        log.close()
