"""`--push`: the repository goes to a local stand-in of the Hub's upload endpoints, in one commit naming the run.

The stand-in (tests/fixtures/hub_standin.py) speaks the same HTTP API as the Hub for repo creation,
preupload, LFS upload and commit; huggingface_hub is the real client. The token must never show up in
what the user sees or what gets published.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from corpus600m.records import records_to_frame
from tests.test_publish import corpus_records, settings_for

REPO = "somosnlp/somos600m-prueba"


def _everything_written(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file())


def test_cli_push_uploads_every_file_in_one_commit_naming_the_run(hub_standin, data_dir: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.store import Store, Table

    monkeypatch.setenv("HF_TOKEN", hub_standin.token)
    Store(data_dir).upsert(Table.CURATED, corpus_records())
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["publish", "--repo-id", REPO, "--out", str(out), "--push",
                                      "--run-name", "nightly-2026-11-22"])
    assert result.exit_code == 0, result.output
    assert REPO in hub_standin.repos and hub_standin.unauthorized == 0

    local = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {"README.md", "LICENSE.md", "assets/composition.png", "data/MX/train-00000-of-00001.parquet",
            "data/UY/train-00000-of-00001.parquet", "data/sin_pais/train-00000-of-00001.parquet"} <= set(local)
    assert len(hub_standin.commits) == 1
    commit = hub_standin.commits[0]
    assert commit.repo_id == REPO
    assert commit.summary == "Publish nightly-2026-11-22: 18 records from 7 countries"
    assert "synthetic: 12" in commit.description and "donation: 5" in commit.description
    assert sorted(commit.added) == sorted(local) and commit.deleted == []
    remote = hub_standin.repos[REPO]
    for path, content in local.items():
        assert hashlib.sha256(remote[path]).hexdigest() == hashlib.sha256(content).hexdigest(), path
    # Parquet and PNG went through the LFS protocol, the card inline in the commit
    puts = [path for method, path in hub_standin.requests if method == "PUT"]
    assert len(puts) == sum(1 for p in local if p.endswith((".parquet", ".png")))
    assert f"{hub_standin.url}/datasets/{REPO}/commit/{commit.oid}" in result.output.replace("\n", "")

    token = hub_standin.token
    assert token not in result.output
    assert token.encode() not in _everything_written(out)
    assert token not in commit.summary + commit.description
    assert all(token.encode() not in content for content in remote.values())


def test_push_again_deletes_files_of_countries_that_left(hub_standin, tmp_path: Path) -> None:
    from pydantic import SecretStr

    from corpus600m.publish import push_repository
    from flows.publish import build_gated_repository as build_repository

    settings = settings_for(tmp_path / "data", hf_endpoint=hub_standin.url, hf_token=SecretStr(hub_standin.token))
    records = corpus_records()
    first = build_repository(records_to_frame(records), tmp_path / "repo", REPO, settings, run_name="run-1")
    push_repository(first, settings)
    without_peru = [r for r in records if r.country != "PE"]
    second = build_repository(records_to_frame(without_peru), tmp_path / "repo", REPO, settings, run_name="run-2")
    assert not (tmp_path / "repo" / "data" / "PE").exists()
    url = push_repository(second, settings)
    assert [c.summary for c in hub_standin.commits] == ["Publish run-1: 18 records from 7 countries",
                                                        "Publish run-2: 17 records from 6 countries"]
    assert hub_standin.commits[1].deleted == ["data/PE/train-00000-of-00001.parquet"]
    assert not any(path.startswith("data/PE/") for path in hub_standin.repos[REPO])
    assert url.endswith(hub_standin.commits[1].oid)
    readme = hub_standin.repos[REPO]["README.md"].decode()
    assert "run-2" in readme and "| Perú | PE | 0 | 0.0 % |" in readme


def test_push_without_or_with_a_wrong_token_fails_clearly(hub_standin, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.settings import get_settings

    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("CORPUS600M_HF_TOKEN", raising=False)
    get_settings.cache_clear()
    path = tmp_path / "records.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in corpus_records()), encoding="utf-8")
    args = ["publish", "--from", str(path), "--repo-id", REPO, "--out", str(tmp_path / "repo"), "--push"]
    try:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1 and "no Hugging Face token: set HF_TOKEN" in result.output
        assert "Traceback" not in result.output

        wrong = "hf_wrong_token_0123456789"
        monkeypatch.setenv("HF_TOKEN", wrong)
        get_settings.cache_clear()
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "the Hub refused the upload" in result.output and "HTTP 401" in result.output
        assert wrong not in result.output
        assert hub_standin.unauthorized >= 1 and hub_standin.commits == []
    finally:
        get_settings.cache_clear()


@pytest.mark.slow
def test_publish_flow_builds_and_pushes_with_the_run_name(hub_standin, prefect_api: str, data_dir: Path,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.client.orchestration import get_client

    from corpus600m.store import Store, Table
    from flows.publish import publish

    monkeypatch.setenv("HF_TOKEN", hub_standin.token)
    Store(data_dir).upsert(Table.CURATED, corpus_records())
    state = publish(repo_id=REPO, out_dir=str(tmp_path / "repo"), push_to_hub=True, version="0.1.0", return_state=True)
    assert state.is_completed(), state.message
    report = state.result()
    assert report.n_kept == 18 and report.details["config_rows"]["MX"] == 5
    assert report.details["training_rows"] == {"sft": 18}
    assert report.details["version"] == "0.1.0" and report.details["tag"] == "v0.1.0"
    assert hub_standin.tags[REPO]["v0.1.0"][0] == hub_standin.commits[-1].oid
    run_name = report.details["run_name"]
    assert run_name.startswith("publish/")

    async def flow_run_name() -> str:
        async with get_client() as client:
            return (await client.read_flow_run(state.state_details.flow_run_id)).name

    import asyncio

    assert run_name == f"publish/{asyncio.run(flow_run_name())}"
    assert hub_standin.commits[-1].summary == f"Publish v0.1.0 ({run_name}): 18 records from 7 countries"
    assert report.details["commit_url"].endswith(hub_standin.commits[-1].oid)
    frame = pl.read_parquet(tmp_path / "repo" / "data" / "MX")
    assert frame.height == 5


@pytest.mark.slow
def test_publish_flow_run_fails_on_a_gate_with_the_ids(hub_standin, prefect_api: str, tmp_path: Path) -> None:
    from flows.publish import publish

    records = corpus_records()
    records[0].lang = "eu"
    path = tmp_path / "records.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    state = publish(repo_id=REPO, out_dir=str(tmp_path / "repo"), from_file=str(path), data_dir=str(tmp_path),
                    return_state=True)
    assert state.is_failed()
    with pytest.raises(Exception) as raised:
        state.result()
    assert records[0].id in str(raised.value) and "gate 'language'" in str(raised.value)
    assert hub_standin.commits == []
