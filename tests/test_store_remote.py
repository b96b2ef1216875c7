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
