"""The Prefect harness: a flow that moves records between store tables runs on a real local Prefect server."""

from __future__ import annotations

import asyncio
import json

from prefect.client.orchestration import get_client

from corpus600m.records import Record
from corpus600m.store import Store, Table
from flows.promote import promote


def test_promote_flow_runs_on_the_real_server(prefect_api: str, data_dir):
    store = Store(data_dir)
    store.upsert(Table.DONATED, [
        Record(instruction=f"Dame un refrán uruguayo número {i}.", output="El que madruga, Dios lo ayuda, bo.",
               source="donation", country="UY", variety="rioplatense") for i in range(3)
    ] + [
        Record(instruction="¿Qué es una guagua en Canarias?", output="Un autobús.", source="donation",
               country="ES", variety="canaria"),
    ])

    state = promote(str(data_dir), Table.DONATED, Table.CURATED, country="UY", return_state=True)
    assert state.is_completed()
    report = state.result()
    assert (report.n_in, report.details["written"]) == (3, 3)
    assert store.read(Table.CURATED)["country"].unique().to_list() == ["UY"]

    async def read_back():
        async with get_client() as client:
            assert str(client.api_url).rstrip("/") == prefect_api.rstrip("/")
            run = await client.read_flow_run(state.state_details.flow_run_id)
            task_runs = await client.read_task_runs()
            return run, task_runs

    run, task_runs = asyncio.run(read_back())
    assert run.state.is_completed() and run.state.type.value == "COMPLETED"
    names = {t.name.rsplit("-", 1)[0] for t in task_runs if t.flow_run_id == run.id}
    assert {"read-table", "write-table"} <= names

    # the run left its report in the data dir and as a markdown artifact
    reports = list((data_dir / "runs").glob("*-promote-*.json"))
    assert len(reports) == 1
    saved = json.loads(reports[0].read_text())
    assert saved["status"] == "completed" and saved["stages"][0]["n_in"] == 3

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts()

    mine = [a for a in asyncio.run(artifacts()) if a.flow_run_id == run.id]
    assert mine and mine[0].type == "markdown" and "| promote:donated->curated | 3 | 3 |" in mine[0].data

    # idempotent re-run: nothing new is written
    again = promote(str(data_dir), Table.DONATED, Table.CURATED, country="UY")
    assert again.details["written"] == 0
    assert store.count(Table.CURATED) == 3
