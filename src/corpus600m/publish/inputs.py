"""Where the records to publish come from: the store's `curated` table, or a JSONL file of `Record`s."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
from pydantic import ValidationError

from corpus600m.publish.gates import PublishError
from corpus600m.records import Record, format_validation_error, records_to_frame
from corpus600m.store import Table, open_store

MAX_SHOWN_ERRORS = 20


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


def read_rejected(data_dir: Path) -> pl.DataFrame | None:
    """The store's `rejected` table (for the card's filtering counts), or None when there is none."""
    store = open_store(data_dir)
    return store.read(Table.REJECTED) if store.exists(Table.REJECTED) else None


def read_jsonl(path: Path) -> pl.DataFrame:
    """Records from a JSONL file (one `Record` per line, blank lines skipped), as a store-layout frame.

    All-or-nothing, because a published corpus must be exactly what was meant: every bad line is reported
    (`file:line: field ... : why`) and nothing is returned when there is one.
    """
    if not path.is_file():
        raise PublishError(f"{path}: no such file; --from takes a JSONL file of records (one JSON object per line)")
    records: list[Record] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            where = f"{path}:{lineno}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                errors.append(f"{where}: not UTF-8 (byte {exc.start}); re-save the file as UTF-8")
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(data, dict):
                errors.append(f"{where}: expected a JSON object (a record), got {type(data).__name__}")
                continue
            try:
                record = Record.model_validate(data)
            except ValidationError as exc:
                errors.append(format_validation_error(exc, where))
                continue
            if record.id in seen:
                errors.append(f"{where}: record {record.id} repeats line {seen[record.id]}; keep one of them")
                continue
            seen[record.id] = lineno
            records.append(record)
    if errors:
        shown = "\n".join(errors[:MAX_SHOWN_ERRORS])
        more = f"\n... and {len(errors) - MAX_SHOWN_ERRORS} more" if len(errors) > MAX_SHOWN_ERRORS else ""
        raise PublishError(f"{path}: {len(errors)} bad line(s); nothing was published. Fix them and run again:\n"
                           f"{shown}{more}")
    return records_to_frame(records)
