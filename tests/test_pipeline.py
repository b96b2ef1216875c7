"""The main job end to end on the real local services, and its resume after a kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from corpus600m.cli import app
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table, table_key

INPUT = Path(__file__).parent / "data" / "pipeline" / "records.jsonl"
TIMESTAMPS = ["created_at", "updated_at", "rejected_at"]


def service_env(argilla_server, llm_endpoint, prefect_api, data_dir: Path) -> dict[str, str]:
    env = {**argilla_server.env, "PREFECT_API_URL": prefect_api, "CORPUS600M_DATA_DIR": str(data_dir)}
    if llm_endpoint is not None:
        env.update(llm_endpoint.env())
    return env


def snapshot(data_dir: Path) -> dict[str, pl.DataFrame]:
    """Every table's rows, without timestamps, in a stable order: what 'the same store' means."""
    store = Store(data_dir)
    out = {}
    for table in Table:
        frame = store.read(table).drop(TIMESTAMPS, strict=False)
        out[str(table)] = frame.sort(table_key(table))
    return out


@pytest.mark.slow
def test_run_end_to_end_then_annotations_reach_the_published_dry_run(argilla_server, llm_endpoint, prefect_api,
                                                                        data_dir, monkeypatch):
    for key, value in service_env(argilla_server, llm_endpoint, prefect_api, data_dir).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CORPUS600M_LLM_MAX_NEW_TOKENS", "120")
    get_settings.cache_clear()
    runner = CliRunner()
    args = ["run", "--countries", "MX,AR", "--per-country", "1", "--dataset", "e2e"]

    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    for stage in ("generate", "filter", "annotate-push", "annotate-pull", "publish"):
        assert stage in first.output, first.output
    assert "Annotate at" in first.output and argilla_server.url in first.output

    store = Store(data_dir)
    generated = store.read(Table.GENERATED)
    assert generated.height == 2 and sorted(generated["country"].to_list()) == ["AR", "MX"]
    decided = set(store.read(Table.FILTERED)["id"]) | set(store.read(Table.REJECTED)["id"])
    assert decided == set(generated["id"])
    reports = sorted((data_dir / "runs").glob("*-pipeline-*.json"))
    assert len(reports) == 1
    assert [s["stage"] for s in json.loads(reports[0].read_text())["stages"]][:2] == ["generate", "filter"]
    # issue 13: the yield table per country × variety, in the run report and from `report generation --json`
    assert "Generation yield per country × variety" in json.loads(reports[0].read_text())["sections"]
    yield_cells = json.loads(runner.invoke(app, ["report", "generation", "--json"]).output)
    assert {(c["country"], c["variety"]) for c in yield_cells} == {("AR", "rioplatense"), ("MX", "mexicana")}
    for cell in yield_cells:
        assert cell["generated"] == 1 and cell["kept"] + sum(cell["rejected"].values()) >= 1
        assert cell["judge_mean"] is not None and 1 <= cell["judge_mean"] <= 5
        assert cell["variety_fidelity"] in (0.0, 1.0)

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert store.count(Table.GENERATED) == 2
    assert snapshot(data_dir)["generated"].equals(snapshot(data_dir)["generated"])


def run_cli(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as fh:
        return subprocess.Popen([sys.executable, "-m", "corpus600m", *args], env={**os.environ, **env},
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.mark.slow
@pytest.mark.parametrize("kill_when", ["generated", "filtered"])
def test_killed_pipeline_rerun_ends_with_the_same_store(argilla_server, prefect_api, tmp_path, kill_when):
    args = ["run", "--from", str(INPUT), "--dataset", "resume"]
    reference, killed = tmp_path / "reference", tmp_path / "killed"

    ref = run_cli(args, service_env(argilla_server, None, prefect_api, reference), tmp_path / "reference.log")
    assert ref.wait(timeout=600) == 0, (tmp_path / "reference.log").read_text()

    env = service_env(argilla_server, None, prefect_api, killed)
    proc = run_cli(args, env, tmp_path / "killed.log")
    marker = killed / "tables" / kill_when / "_manifest.json"
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, "the run ended before the kill point:\n" + (tmp_path / "killed.log").read_text()
        assert time.monotonic() < deadline, "kill point never reached"
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not list(killed.glob("runs/*-pipeline-*.json")), "the run finished before the kill"

    again = run_cli(args, env, tmp_path / "rerun.log")
    assert again.wait(timeout=600) == 0, (tmp_path / "rerun.log").read_text()

    want, got = snapshot(reference), snapshot(killed)
    assert want["generated"].height == 21
    assert want["filtered"].height + want["rejected"].height == want["generated"].height
    for table in want:
        differing = [c for c in want[table].columns
                     if got[table].height != want[table].height or not got[table][c].equals(want[table][c])]
        assert differing == [], f"table {table} differs after kill + re-run in {differing}: " + "; ".join(
            f"{c}: {want[table][c].to_list()[:3]} vs {got[table][c].to_list()[:3]}" for c in differing[:3])


@pytest.mark.slow
def test_annotations_submitted_in_argilla_reach_the_published_dry_run(argilla_server, prefect_api, data_dir,
                                                                       monkeypatch):
    """run → annotators answer in Argilla → run again: consensus, curated table, and a loadable dataset repo."""
    from argilla._models import UserResponseModel
    from datasets import load_dataset

    from tests.fixtures.argilla_server import argilla_client

    for key, value in service_env(argilla_server, None, prefect_api, data_dir).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CORPUS600M_ANNOTATION_MIN_SUBMITTED", "1")
    get_settings.cache_clear()
    runner = CliRunner()
    args = ["run", "--from", str(INPUT), "--dataset", "e2e-annot", "--repo-id", "somosnlp/e2e-prueba"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "no curated records yet" in json.dumps(json.loads(
        sorted((data_dir / "runs").glob("*-pipeline-*.json"))[-1].read_text())["stages"][-1]["details"])

    client = argilla_client(argilla_server)
    datasets = [d for d in client.datasets if d.name == "e2e-annot"]
    assert datasets, "the run pushed no dataset"
    answered = 0
    for dataset in datasets:
        for record in dataset.records:
            values = {"pais": record.metadata["country"], "variedad": record.metadata["variety"], "calidad": 5,
                      "es_correcta": "si", "problemas": []}
            values = {k: {"value": v} for k, v in values.items() if v != []}
            client.api.records.create_record_response(
                record._server_id, UserResponseModel(values=values, status="submitted", user_id=client.me.id))
            answered += 1
    n_filtered = Store(data_dir).count(Table.FILTERED)
    assert answered == n_filtered > 10

    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    store = Store(data_dir)
    assert store.count(Table.ANNOTATED) == n_filtered
    assert store.count(Table.CURATED) == n_filtered
    publish_dir = data_dir / "publish" / "somosnlp__e2e-prueba"
    assert (publish_dir / "README.md").exists()
    loaded = load_dataset(str(publish_dir), split="train")
    assert loaded.num_rows == n_filtered
    assert "ana.lopez@ejemplo.mx" not in json.dumps(loaded.to_list(), ensure_ascii=False, default=str)
    assert "<EMAIL>" in json.dumps(loaded.to_list(), ensure_ascii=False, default=str)
