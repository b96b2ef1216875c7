"""The corpus store: idempotent upsert, atomic writes (a killed writer leaves the table intact), LazyFrame reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from corpus600m.records import Record, RejectedRecord, RejectReason, records_to_frame
from corpus600m.store import Store, StoreError, Table


def records(n: int, country: str = "MX", variety: str = "mexicana", tag: str = "") -> list[Record]:
    return [
        Record(instruction=f"Explica la receta número {i}{tag} de mole poblano.", output=f"Paso {i}: tuesta los chiles.",
               source="synthetic", country=country, variety=variety)
        for i in range(n)
    ]


def test_upsert_is_idempotent(tmp_path):
    store = Store(tmp_path)
    batch = records(50)
    first = store.upsert(Table.GENERATED, batch)
    assert (first.n_new, first.n_updated, first.n_unchanged) == (50, 0, 0)
    parts_after_first = sorted(p.name for p in store.table_dir("generated").glob("part-*"))
    before = store.read(Table.GENERATED).sort("id")

    second = store.upsert(Table.GENERATED, batch)
    assert (second.n_new, second.n_updated, second.n_unchanged) == (0, 0, 50)
    assert sorted(p.name for p in store.table_dir("generated").glob("part-*")) == parts_after_first
    assert store.read(Table.GENERATED).sort("id").equals(before)


def test_upsert_replaces_changed_rows_and_last_write_wins(tmp_path):
    store = Store(tmp_path)
    batch = records(10)
    store.upsert(Table.GENERATED, batch)
    changed = batch[3].model_copy(update={"quality_flags": ["revisado"]})
    result = store.upsert(Table.GENERATED, [changed, *records(2, tag="-nuevo")])
    assert (result.n_new, result.n_updated, result.n_unchanged) == (2, 1, 0)
    table = store.read(Table.GENERATED)
    assert table.height == 12
    assert table.filter(pl.col("id") == changed.id)["quality_flags"].to_list() == [["revisado"]]


def test_duplicate_ids_within_a_batch_count_once(tmp_path):
    store = Store(tmp_path)
    batch = records(5)
    result = store.upsert(Table.GENERATED, batch + batch)
    assert result.n_in == 10 and result.n_new == 5
    assert store.count(Table.GENERATED) == 5


def test_rejected_table_is_keyed_by_id_and_stage(tmp_path):
    store = Store(tmp_path)
    rec = records(1)[0]
    rejected = [
        RejectedRecord(record=rec, stage="filter", reasons=[RejectReason(code="pii", detail="EMAIL_ADDRESS")]),
        RejectedRecord(record=rec, stage="annotation", reasons=[RejectReason(code="annotation:incorrect")]),
    ]
    assert store.upsert(Table.REJECTED, rejected).n_new == 2
    assert store.upsert(Table.REJECTED, rejected).n_new == 0
    table = store.read(Table.REJECTED)
    assert sorted(table["stage"].to_list()) == ["annotation", "filter"]
    assert table.filter(pl.col("stage") == "filter")["reasons"].to_list() == [[{"code": "pii", "detail": "EMAIL_ADDRESS"}]]


def test_scan_is_lazy_and_empty_tables_have_the_schema(tmp_path):
    store = Store(tmp_path)
    lazy = store.scan(Table.CURATED)
    assert isinstance(lazy, pl.LazyFrame)
    empty = lazy.collect()
    assert empty.height == 0 and "instruction" in empty.columns
    store.upsert(Table.CURATED, records(3, country="AR", variety="rioplatense"))
    assert store.scan(Table.CURATED).filter(pl.col("country") == "AR").collect().height == 3


def test_frames_are_checked_against_the_schema(tmp_path):
    store = Store(tmp_path)
    frame = records_to_frame(records(2)).with_columns(pl.lit("x").alias("pais_origen"))
    with pytest.raises(StoreError, match=r"unknown columns \['pais_origen'\]"):
        store.upsert(Table.GENERATED, frame)
    with pytest.raises(StoreError, match="takes RejectedRecord"):
        store.upsert(Table.REJECTED, records(1))


def test_delete_and_stats(tmp_path):
    store = Store(tmp_path)
    mx, ar = records(4), records(2, country="AR", variety="rioplatense", tag="-ar")
    store.upsert(Table.GENERATED, mx + ar)
    assert store.delete(Table.GENERATED, [mx[0].id, "no-such-id"]) == 1
    stats = {(r["table"], r["country"]): r["records"] for r in store.stats().iter_rows(named=True)}
    assert stats == {("generated", "AR"): 2, ("generated", "MX"): 3}


def test_many_small_upserts_are_compacted(tmp_path):
    store = Store(tmp_path)
    for i in range(70):
        store.upsert(Table.GENERATED, records(1, tag=f"-{i}"))
    assert store.count(Table.GENERATED) == 70
    assert len(json.loads((store.table_dir("generated") / "_manifest.json").read_text())["parts"]) < 70


WRITER = textwrap.dedent(
    """
    import sys
    from corpus600m.records import Record
    from corpus600m.store import Store
    store = Store(sys.argv[1])
    big = [Record(instruction=f"Instrucción larga {i} " + "ñ" * 400, output="respuesta " * 50, source="donation",
                  country="CL", variety="chilena") for i in range(60000)]
    print("ready", flush=True)
    store.upsert("donated", big)
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("kill_after", [0.3, 1.0, 2.5])
def test_killed_write_leaves_the_table_intact(tmp_path, kill_after):
    store = Store(tmp_path)
    store.upsert(Table.DONATED, records(20, country="CL", variety="chilena"))
    before = store.read(Table.DONATED).sort("id")

    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(kill_after)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    after = store.read(Table.DONATED).sort("id")
    # Either the whole batch landed (the writer finished before the kill) or nothing of it did.
    if after.height == before.height:
        assert after.equals(before)
    else:
        assert after.height == 20 + 60000
    # a later write cleans up whatever the killed writer left behind and works normally
    store.upsert(Table.DONATED, records(1, country="CL", variety="chilena", tag="-after"))
    leftovers = [p.name for p in Path(store.table_dir("donated")).iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []
    assert store.count(Table.DONATED) == after.height + 1
