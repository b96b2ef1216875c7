"""Where the records to publish come from: the store's `curated` table, or a JSONL/Parquet file of `Record`s."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from corpus600m.publish.gates import PublishError
from corpus600m.record_files import RecordFileError, read_record_file
from corpus600m.records import records_to_frame
from corpus600m.store import Table, open_store


def read_curated(data_dir: Path) -> pl.DataFrame:
    """Every record of the store's `curated` table."""
    return open_store(data_dir).scan(Table.CURATED).collect()


def read_table(data_dir: Path, table: str) -> pl.LazyFrame:
    """A record table of the store (`curated`, `annotated`, ...) as a LazyFrame; an error naming the tables if unknown."""
    names = [str(t) for t in Table if t != Table.REJECTED]
    if table not in names:
        raise PublishError(f"--table {table!r}: not a record table of the store; choose one of {', '.join(names)}")
    store = open_store(data_dir)
    if not store.exists(table):
        raise PublishError(f"the store at {store.data_dir} has no {table!r} table yet (nothing to export)")
    return store.scan(table)


def records_to_export(data_dir: Path, table: str, from_file: Path | None) -> tuple[pl.DataFrame | pl.LazyFrame, str]:
    """The records to export (a record file's, all or nothing, else a store table's) and where they came from."""
    if from_file is not None:
        return read_jsonl(from_file), str(from_file)
    return read_table(data_dir, table), f"{table} table of {data_dir}"


def read_rejected(data_dir: Path) -> pl.DataFrame | None:
    """The store's `rejected` table (for the card's filtering counts), or None when there is none."""
    store = open_store(data_dir)
    return store.read(Table.REJECTED) if store.exists(Table.REJECTED) else None


def read_jsonl(path: Path) -> pl.DataFrame:
    """Records from a JSONL (or Parquet) file of `Record`s, as a store-layout frame.

    All-or-nothing, because a published corpus must be exactly what was meant: every bad line is reported
    (`file: line N: field ...: why`) and nothing is returned when there is one.
    """
    try:
        return records_to_frame(read_record_file(path).require_all("nothing was published"))
    except RecordFileError as exc:
        raise PublishError(str(exc)) from None
