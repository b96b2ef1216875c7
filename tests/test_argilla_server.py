"""The local Argilla server with the real argilla SDK: records, filters, responses, restart, access, CLI errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from corpus600m.services import argilla_server as launcher
from corpus600m.services.process import ServiceError
from tests.fixtures.argilla_server import argilla_client, local_settings, start_local_argilla

CLI = [str(Path(sys.executable).with_name("corpus600m"))]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 240) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ARGILLA_")}
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=timeout,
                          env={**full_env, "COLUMNS": "200", **(env or {})})


# ---- the SDK against the server (shared 1,000-record dataset) ---------------------------------------------

def test_logged_records_read_back_with_their_content(argilla_dataset_1k):
    logged = argilla_dataset_1k
    by_id = {row["id"]: row for row in logged.rows}
    read = list(logged.dataset.records(with_suggestions=True, with_responses=True))
    assert len(read) == 1000
    for record in read:
        row = by_id[record.id]
        assert record.fields == row["fields"]
        assert record.metadata["country"] == row["metadata"]["country"]
        assert record.suggestions["calidad"].value == row["suggestion"]["calidad"][0]


def test_sdk_filters_and_text_query(argilla_dataset_1k):
    import argilla as rg

    logged = argilla_dataset_1k
    mx = list(logged.dataset.records(query=rg.Query(filter=rg.Filter(("metadata.country", "==", "MX")))))
    assert {r.id for r in mx} == {row["id"] for row in logged.rows if row["metadata"]["country"] == "MX"}
    # "submitted" by anyone: the owner on i % 6 == 0, the annotator on i % 4 == 0
    submitted = list(logged.dataset.records(query=rg.Query(filter=rg.Filter(("response.status", "==", "submitted")))))
    expected = {row["id"] for row in logged.rows if row["owner"] == "submitted" or row["annotator"] == "submitted"}
    assert {r.id for r in submitted} == expected
    both = rg.Query(query="pingüino", filter=rg.Filter([("metadata.n", ">=", 500), ("metadata.country", "in", ["AR", "ES"])]))
    found = {r.id for r in logged.dataset.records(query=both)}
    assert found and found == {row["id"] for row in logged.rows if "pingüino" in row["fields"]["instruction"]
                               and row["metadata"]["n"] >= 500 and row["metadata"]["country"] in ("AR", "ES")}


def test_submitting_a_response_updates_status_and_search(argilla_dataset_1k):
    import argilla as rg

    logged = argilla_dataset_1k
    target = next(row for row in logged.rows if row["owner"] is None and row["annotator"] is None)
    n = target["metadata"]["n"]
    pending = rg.Query(filter=rg.Filter([("response.status", "==", "pending"), ("metadata.n", "==", n)]))
    [record] = list(logged.dataset.records(query=pending))
    assert record.id == target["id"]

    # the annotator answers the way the web UI does
    headers = {"X-Argilla-Api-Key": logged.annotator_api_key}
    with httpx.Client(base_url=f"{logged.server.url}/api/v1", headers=headers, timeout=60) as http:
        reply = http.post(f"/records/{record._server_id}/responses",
                          json={"values": {"calidad": {"value": "mala"}}, "status": "submitted"})
        assert reply.status_code == 201, reply.text
        mine = http.post(f"/me/datasets/{logged.dataset.id}/records/search",
                         json={"filters": {"and": [{"type": "terms", "scope": {"entity": "response", "property": "status"},
                                                    "values": ["submitted"]},
                                                   {"type": "range", "scope": {"entity": "metadata", "metadata_property": "n"},
                                                    "ge": n, "le": n}]}}).json()
        assert [item["record"]["external_id"] for item in mine["items"]] == [target["id"]]

    assert list(logged.dataset.records(query=pending)) == []
    submitted = rg.Query(filter=rg.Filter([("response.status", "==", "submitted"), ("metadata.n", "==", n)]))
    [again] = list(logged.dataset.records(query=submitted, with_responses=True))
    assert again.status == "completed"  # min_submitted = 1
    assert [r.value for r in again.responses["calidad"]] == ["mala"]


@pytest.mark.slow
def test_restart_keeps_records_searchable(argilla_dataset_1k):
    import argilla as rg

    logged = argilla_dataset_1k
    query = rg.Query(query="montaña", filter=rg.Filter(("metadata.country", "==", "CO")))
    before = {r.id for r in logged.dataset.records(query=query)}
    assert before
    port = int(logged.server.url.rsplit(":", 1)[1])
    assert launcher.down(logged.server.settings)
    restarted = start_local_argilla(logged.server.data_dir, port=port)  # same URL, same key files
    assert restarted.url == logged.server.url and restarted.api_key == logged.server.api_key

    dataset = argilla_client(restarted).datasets(name=logged.dataset.name, workspace=logged.workspace.name)
    assert sum(1 for _ in dataset.records) == 1000
    assert {r.id for r in dataset.records(query=query)} == before
    progress = dataset.progress()
    assert progress["total"] == 1000 and progress["completed"] > 0


def test_annotator_of_workspace_a_cannot_reach_workspace_b(argilla_dataset_1k):
    import argilla as rg

    logged = argilla_dataset_1k
    owner = argilla_client(logged.server)
    workspace_b = rg.Workspace(name="corpus-b", client=owner).create()
    secret = rg.Dataset(name="solo-b", workspace=workspace_b, client=owner,
                        settings=rg.Settings(fields=[rg.TextField(name="text")],
                                             questions=[rg.LabelQuestion(name="ok", labels=["sí", "no"])])).create()
    secret.records.log([{"text": "registro privado de B"}])

    headers = {"X-Argilla-Api-Key": logged.annotator_api_key}
    with httpx.Client(base_url=f"{logged.server.url}/api/v1", headers=headers, timeout=60) as http:
        assert http.get(f"/datasets/{secret.id}").status_code == 403
        assert http.post(f"/me/datasets/{secret.id}/records/search", json={}).status_code == 403
        visible = {d["name"] for d in http.get("/me/datasets").json()["items"]}
        assert "corpus-1k" in visible and "solo-b" not in visible
        # and the annotator still reaches workspace A
        assert http.get(f"/datasets/{logged.dataset.id}").status_code == 200


# ---- launcher and CLI ----------------------------------------------------------------------------------------

def test_status_json_and_key_file(argilla_server):
    env = {"CORPUS600M_DATA_DIR": str(argilla_server.data_dir)}
    result = run_cli("argilla", "status", "--json", env=env)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert set(info) == {"url", "api_key_file", "mode", "healthy"}
    assert info["mode"] == "local" and info["healthy"] is True and info["url"] == argilla_server.url
    key_file = Path(info["api_key_file"])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == argilla_server.api_key

    connection = launcher.connection(argilla_server.settings)
    assert (connection.url, connection.mode) == (argilla_server.url, "local")
    assert connection.api_key.get_secret_value() == argilla_server.api_key


def test_second_up_is_a_no_op(argilla_server):
    env = {"CORPUS600M_DATA_DIR": str(argilla_server.data_dir)}
    pid_before = launcher.paths(argilla_server.settings).process.pid()
    result = run_cli("argilla", "up", env=env)
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stdout and argilla_server.url in result.stdout
    assert launcher.paths(argilla_server.settings).process.pid() == pid_before
    # the secrets never reach the output or the log
    log = launcher.logs(argilla_server.settings, lines=10_000)
    for text in (result.stdout, result.stderr, log):
        assert argilla_server.api_key not in text and argilla_server.password not in text


def test_remote_mode_uses_argilla_api_url(tmp_path):
    env = {"CORPUS600M_DATA_DIR": str(tmp_path), "ARGILLA_API_URL": "http://argilla.example.invalid:6900",
           "ARGILLA_API_KEY": "clave-remota"}
    up = run_cli("argilla", "up", env=env)
    assert up.returncode == 0 and "remote Argilla at http://argilla.example.invalid:6900" in up.stdout
    status = json.loads(run_cli("argilla", "status", "--json", env=env).stdout)
    assert status == {"url": "http://argilla.example.invalid:6900", "api_key_file": None, "mode": "remote",
                      "healthy": False}


def test_connection_when_not_running_says_what_to_do(tmp_path):
    with pytest.raises(ServiceError, match="corpus600m argilla up"):
        launcher.connection(local_settings(tmp_path))


def test_taken_port_is_a_clear_error(argilla_server, tmp_path):
    port = argilla_server.url.rsplit(":", 1)[1]
    result = run_cli("argilla", "up", "--port", port, env={"CORPUS600M_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "taken" in result.stderr and "Traceback" not in result.stderr


def test_missing_virtualenv_is_a_clear_error(tmp_path):
    env = {"CORPUS600M_DATA_DIR": str(tmp_path), "CORPUS600M_ARGILLA_VENV": str(tmp_path / "no-such-venv")}
    result = run_cli("argilla", "up", "--no-install", env=env)
    assert result.returncode == 1
    assert "no-such-venv" in result.stderr and "corpus600m argilla install" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_corrupt_database_is_a_clear_error(tmp_path):
    from corpus600m.services.process import free_port

    database = tmp_path / "services" / "argilla" / "argilla.db"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a SQLite database\n" * 200)
    result = run_cli("argilla", "up", "--port", str(free_port()), env={"CORPUS600M_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert str(database) in result.stderr and "corrupt" in result.stderr and "Traceback" not in result.stderr
    assert launcher.paths(local_settings(tmp_path)).process.pid() is None  # nothing left running
