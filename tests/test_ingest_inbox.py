"""The donation inbox and the `ingest-inbox` flow on the real local Prefect server: each donation exactly once,
refusals recorded, and a crash mid-way neither loses nor doubles rows."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from typer.testing import CliRunner

from corpus600m.cli import app
from corpus600m.ingest import ingest_donation
from corpus600m.ingest.inbox import (
    DONE_MARKER,
    REFUSED_MARKER,
    ingest_inbox_donation,
    pending_donations,
)
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table
from flows.ingest_inbox import ingest_inbox
from tests.test_ingest import FIXTURES, GOOD, GOOD_IDS, jsonl, write_manifest


def add_to_inbox(data_dir: Path, name: str, files: dict[str, str], **manifest) -> Path:
    folder = data_dir / "inbox" / name
    folder.mkdir(parents=True)
    for rel, text in files.items():
        (folder / rel).write_text(text, encoding="utf-8")
    write_manifest(folder, name=name, **manifest)
    return folder


def test_ingest_inbox_flow_processes_each_donation_once(prefect_api: str, data_dir: Path):
    extra = [{"pregunta": "¿Qué es un alfajor?", "contexto": "", "respuesta": "Un dulce de dos tapas con dulce de leche."}]
    add_to_inbox(data_dir, "a-mates", {"data.jsonl": jsonl(GOOD)})
    add_to_inbox(data_dir, "b-cerrada", {"data.jsonl": jsonl(extra)}, license="CC-BY-NC-4.0")
    (data_dir / "inbox" / "c-sin-manifiesto").mkdir()
    (data_dir / "inbox" / "c-sin-manifiesto" / "data.jsonl").write_text(jsonl(extra), encoding="utf-8")

    state = ingest_inbox(return_state=True)
    assert state.is_completed()
    outcomes = {o["folder"]: o for o in state.result()}
    assert outcomes["a-mates"]["status"] == "processed" and outcomes["a-mates"]["kept"] == 5
    assert outcomes["b-cerrada"]["status"] == "refused" and "'CC-BY-NC-4.0' is not accepted" in outcomes["b-cerrada"]["message"]
    assert outcomes["c-sin-manifiesto"]["status"] == "refused" and "no manifest.yaml" in outcomes["c-sin-manifiesto"]["message"]
    assert json.loads((data_dir / "inbox" / "a-mates" / DONE_MARKER).read_text())["kept"] == 5
    assert "not accepted" in json.loads((data_dir / "inbox" / "b-cerrada" / REFUSED_MARKER).read_text())["message"]
    store = Store(data_dir)
    assert set(store.read(Table.DONATED)["id"]) == GOOD_IDS

    async def read_back():
        async with get_client() as client:
            run = await client.read_flow_run(state.state_details.flow_run_id)
            return run, await client.read_task_runs()

    run, task_runs = asyncio.run(read_back())
    assert run.state.type.value == "COMPLETED" and run.name
    runs = {t.name: t for t in task_runs if t.flow_run_id == run.id}
    assert {"ingest-a-mates", "ingest-b-cerrada", "ingest-c-sin-manifiesto"} <= set(runs)
    assert any(name.startswith("find-new-donations") for name in runs)
    assert all(t.state.is_completed() for t in runs.values())

    # a second run finds nothing new: nothing is processed twice
    assert ingest_inbox(run_filters=False) == []
    assert store.count(Table.DONATED) == 5

    # the contributor fixes the licence: the refused donation is retried, the ingested one is not
    write_manifest(data_dir / "inbox" / "b-cerrada", name="b-cerrada", license="CC-BY-4.0")
    outcomes = ingest_inbox(run_filters=False)
    assert [(o["folder"], o["status"], o["kept"]) for o in outcomes] == [("b-cerrada", "processed", 1)]
    assert not (data_dir / "inbox" / "b-cerrada" / REFUSED_MARKER).exists()
    assert store.count(Table.DONATED) == 6


def test_cli_donate_inbox_runs_the_flow(prefect_api: str, data_dir: Path):
    add_to_inbox(data_dir, "mates", {"data.jsonl": jsonl(GOOD)})
    result = CliRunner().invoke(app, ["donate", "inbox", "--skip-filters"])
    assert result.exit_code == 0, result.output
    assert "mates" in result.stdout and "processed" in result.stdout
    result = CliRunner().invoke(app, ["donate", "inbox", "--skip-filters"])
    assert result.exit_code == 0 and "no new donations" in result.stdout


def test_crash_during_the_store_write_then_rerun_loses_and_doubles_nothing(data_dir: Path, monkeypatch):
    """The process dies after the first batch is committed: no marker, so the next run redoes it, idempotently."""
    monkeypatch.setenv("CORPUS600M_DONATION_BATCH_ROWS", "2")  # 5 good rows -> 3 staged parts, 3 upserts
    get_settings.cache_clear()
    folder = add_to_inbox(data_dir, "mates", {"data.jsonl": jsonl(GOOD)})
    real_upsert, calls = Store.upsert, []

    def dying_upsert(self, table, data):
        calls.append(table)
        if len(calls) == 2:
            raise KeyboardInterrupt("simulated crash after one committed batch")
        return real_upsert(self, table, data)

    monkeypatch.setattr(Store, "upsert", dying_upsert)
    with pytest.raises(KeyboardInterrupt):
        ingest_inbox_donation(folder, get_settings())
    monkeypatch.setattr(Store, "upsert", real_upsert)
    store = Store(data_dir)
    assert store.count(Table.DONATED) == 2  # the first batch made it, the rest did not
    assert not (folder / DONE_MARKER).exists()
    assert folder in pending_donations(get_settings())
    assert not list((data_dir / "donations" / ".staging").glob("*/"))  # staging cleaned even on a crash

    outcome = ingest_inbox_donation(folder, get_settings())
    assert (outcome.status, outcome.rows_read, outcome.kept, outcome.duplicates) == ("processed", 5, 5, 0)
    assert store.count(Table.DONATED) == 5 and set(store.read(Table.DONATED)["id"]) == GOOD_IDS
    report = json.loads(Path(outcome.report_path).read_text(encoding="utf-8"))
    assert report["already_ingested"] == 2
    assert pending_donations(get_settings()) == []


def test_crash_after_commit_before_marker_reprocesses_safely(data_dir: Path):
    """Rows committed but the marker never written (crash in between): the rerun counts them as kept, not twice."""
    folder = add_to_inbox(data_dir, "mates", {"data.jsonl": jsonl(GOOD)})
    ingest_donation(folder, folder / "manifest.yaml")  # what the crashed run had done
    assert folder in pending_donations(get_settings())
    outcome = ingest_inbox_donation(folder, get_settings())
    assert (outcome.kept, outcome.duplicates) == (5, 0)
    assert Store(data_dir).count(Table.DONATED) == 5
    quarantine = Path(json.loads((folder / DONE_MARKER).read_text())["report_path"]).with_name("quarantine.jsonl")
    assert quarantine.read_text() == ""  # rewritten, not appended to


def test_inbox_accepts_archives_and_encoded_files(data_dir: Path):
    folder = add_to_inbox(data_dir, "mezcla", {})
    shutil.copy(FIXTURES / "latin1.csv", folder / "latin1.csv")
    shutil.make_archive(str(folder / "mas"), "zip", root_dir=FIXTURES, base_dir="good.jsonl")
    outcome = ingest_inbox_donation(folder, get_settings())
    assert (outcome.status, outcome.kept) == ("processed", 8)


def test_donate_inbox_serve_ingests_what_arrives_on_schedule(prefect_api: str, data_dir: Path, tmp_path: Path):
    """`corpus600m donate inbox --serve`: a real served deployment on the local Prefect server picks up a donation
    dropped into the inbox while it runs, on its own schedule, and stops cleanly on SIGINT."""
    import os
    import subprocess
    import sys
    import time

    from tests.fixtures import interrupt_group

    env = {**os.environ, "PREFECT_API_URL": prefect_api, "CORPUS600M_DATA_DIR": str(data_dir)}
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "corpus600m", "donate", "inbox", "--serve", "--interval", "10",
                                 "--skip-filters"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(3)  # the server is up: the donation arrives later, as it would in real life
        folder = add_to_inbox(data_dir, "llega-despues", {"data.jsonl": jsonl(GOOD)})
        deadline = time.monotonic() + 180
        while not (folder / DONE_MARKER).exists():
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "no scheduled run ingested the donation; log:\n" + log_path.read_text()
            time.sleep(1)
        assert json.loads((folder / DONE_MARKER).read_text())["kept"] == len(GOOD_IDS)
        assert set(Store(data_dir).read(Table.DONATED)["id"]) == GOOD_IDS
        assert "serving flow ingest-inbox every 10 s" in log_path.read_text()
    finally:
        interrupt_group(proc)
