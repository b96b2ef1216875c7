"""The store on object storage: the same tables on an fsspec URL, against a real S3 API server (moto) on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest

from corpus600m.records import Record
from corpus600m.services.process import free_port
from corpus600m.store import Store, Table


@pytest.fixture(scope="module")
def s3_options() -> Iterator[dict]:
    """An S3-compatible server (moto's) on a free loopback port, with a bucket `corpus`."""
    from moto.server import ThreadedMotoServer
    import s3fs

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options = {"key": "test-key", "secret": "test-secret",
               "client_kwargs": {"endpoint_url": f"http://127.0.0.1:{port}"}}
    s3fs.S3FileSystem(**options).mkdir("corpus")
    try:
        yield options
    finally:
        server.stop()


def records(n: int, tag: str = "") -> list[Record]:
    return [Record(instruction=f"¿Qué es el ñandutí{tag} número {i}?", output="Un encaje paraguayo.",
                   source="synthetic", country="PY", variety="paraguaya") for i in range(n)]


@pytest.mark.parametrize("url", ["s3://corpus/somos600m", "memory://corpus600m-test"])
def test_store_on_an_fsspec_url_upserts_idempotently(url, s3_options):
    store = Store(url, storage_options=s3_options if url.startswith("s3://") else None)
    assert store.upsert(Table.GENERATED, records(5)).n_new == 5
    assert store.upsert(Table.GENERATED, records(5)).n_unchanged == 5
    changed = records(5)[0].model_copy(update={"quality_flags": ["revisado"]})
    result = store.upsert(Table.GENERATED, [changed, *records(2, tag="-nuevo")])
    assert (result.n_new, result.n_updated) == (2, 1)
    table = store.read(Table.GENERATED)
    assert table.height == 7
    assert table.filter(pl.col("id") == changed.id)["quality_flags"].to_list() == [["revisado"]]
    assert store.delete(Table.GENERATED, [changed.id]) == 1
    assert store.count(Table.GENERATED) == 6
    # a second Store on the same URL (another process, another machine) sees the same table
    again = Store(url, storage_options=s3_options if url.startswith("s3://") else None)
    assert again.read(Table.GENERATED).sort("id").equals(store.read(Table.GENERATED).sort("id"))
    assert [name.rsplit("/", 1)[-1] for name in again.files.listdir(again._dir("generated"))
            if name.endswith(".parquet")] != []


def test_store_url_routes_every_stage_to_object_storage(s3_options, data_dir, tmp_path, monkeypatch):
    """CORPUS600M_STORE_URL: a donation ingested and filtered through the CLI lands on S3, not in the data dir;
    the storage options (a secret: they may hold keys) never appear in the output."""
    import json

    import yaml
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.settings import get_settings

    url = "s3://corpus/routed"
    monkeypatch.setenv("CORPUS600M_STORE_URL", url)
    monkeypatch.setenv("CORPUS600M_STORE_OPTIONS", json.dumps(s3_options))
    get_settings.cache_clear()
    folder = tmp_path / "donacion"
    folder.mkdir()
    rows = [{"pregunta": f"¿Cómo se prepara el tereré número {i} en Asunción?",
             "respuesta": f"Con yerba mate, agua bien fría y yuyos; la receta {i} lleva menta y cedrón."} for i in range(6)]
    (folder / "datos.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    manifest = folder / "manifest.yaml"
    manifest.write_text(yaml.safe_dump({
        "name": "terere", "donor": "Cooperativa Ñandutí", "license": "CC-BY-4.0", "country": "PY",
        "description": "Recetas de tereré.", "columns": {"instruction": "pregunta", "output": "respuesta"},
    }, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    donated = runner.invoke(app, ["donate", str(folder), "--manifest", str(manifest), "--skip-filters"])
    assert donated.exit_code == 0, donated.output
    filtered = runner.invoke(app, ["filter", "table", "donated"])
    assert filtered.exit_code == 0, filtered.output
    for result in (donated, filtered):
        assert s3_options["secret"] not in result.output and s3_options["key"] not in result.output

    remote = Store(url, storage_options=s3_options)
    assert remote.count(Table.DONATED) == 6
    kept = remote.count(Table.FILTERED) if remote.exists(Table.FILTERED) else 0
    rejected = remote.count(Table.REJECTED) if remote.exists(Table.REJECTED) else 0
    assert kept + rejected == 6 and kept > 0
    assert not (data_dir / "tables").exists(), "a stage wrote its tables locally despite CORPUS600M_STORE_URL"

    monkeypatch.setenv("CORPUS600M_STORE_OPTIONS", '{"key": "AKIA-do-not-print", ')
    get_settings.cache_clear()
    broken = runner.invoke(app, ["filter", "table", "donated"])
    assert broken.exit_code != 0
    assert "CORPUS600M_STORE_OPTIONS is not valid JSON" in broken.output + str(broken.exception)
    assert "AKIA-do-not-print" not in broken.output + str(broken.exception)
    get_settings.cache_clear()
