"""The corpus store: one Parquet table per stage under the data dir, read as polars LazyFrames.

Layout of a table (`<data_dir>/tables/<name>/`):

    _manifest.json            the live parts, in write order; replaced atomically (write temp + rename)
    part-<seq>-<uuid>.parquet immutable parts; a part not named in the manifest is not part of the table
    .lock                     an advisory lock held by writers (one writer at a time per table)

Why parts and a manifest rather than one file rewritten each time: an upsert of a few hundred rows into a
table of a million must not rewrite the million, and a crash at any point (kill -9 while writing a part,
or before the manifest is swapped) must leave the table exactly as it was. Readers only ever see the
parts the last complete manifest names.

The data dir may also be an fsspec URL (`Store("s3://bucket/corpus", storage_options=...)`, with the `s3`
extra installed): the same layout, parts and manifests written as single atomic PUTs; object stores have
no lock, so keep one writer per table there.

Upsert is keyed (by `id`; by `id`+`stage` for `rejected`) and idempotent: each row carries a content
hash (`_rowhash`, computed without timestamps), and a row whose key and hash are already in the table
is not written again. When a key appears in several parts, the last part wins.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import polars as pl

from corpus600m.records import (
    RECORD_POLARS_SCHEMA,
    REJECTED_POLARS_SCHEMA,
    Record,
    RejectedRecord,
    records_to_frame,
    rejected_to_frame,
)


class Table(StrEnum):
    GENERATED = "generated"  # synthetic records from the generation stage
    DONATED = "donated"  # rows of donations that passed validation
    FILTERED = "filtered"  # records that passed the filters (ready for annotation)
    REJECTED = "rejected"  # records some stage dropped, with reasons
    ANNOTATED = "annotated"  # records with annotation consensus pulled from Argilla
    CURATED = "curated"  # records accepted by annotators: what gets published


TIMESTAMP_COLUMNS = ("created_at", "updated_at", "rejected_at")
ROWHASH = "_rowhash"
COMPACT_AFTER_PARTS = 64


class StoreError(RuntimeError):
    """A problem with the store's files or with data handed to it."""


@dataclass(frozen=True)
class UpsertResult:
    table: str
    n_in: int
    n_new: int
    n_updated: int
    n_unchanged: int

    @property
    def n_written(self) -> int:
        return self.n_new + self.n_updated


def table_schema(table: str) -> dict[str, pl.DataType]:
    return REJECTED_POLARS_SCHEMA if table == Table.REJECTED else RECORD_POLARS_SCHEMA


def table_key(table: str) -> list[str]:
    return ["id", "stage"] if table == Table.REJECTED else ["id"]


class LocalFiles:
    """The store's file operations on a local directory: temp file + fsync + rename, and an fcntl lock."""

    remote = False

    def join(self, *parts: str) -> str:
        return os.path.join(*parts)

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def read_text(self, path: str) -> str:
        with open(path, encoding="utf-8") as fh:
            return fh.read()

    def listdir(self, path: str) -> list[str]:
        return os.listdir(path) if os.path.isdir(path) else []

    def remove(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    def _atomic(self, target: str, write) -> None:
        tmp = os.path.join(os.path.dirname(target), f".tmp-{uuid.uuid4().hex}-{os.path.basename(target)}")
        try:
            write(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            fd = os.open(os.path.dirname(target), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def write_parquet(self, frame: pl.DataFrame, target: str) -> None:
        self._atomic(target, lambda tmp: frame.write_parquet(tmp, compression="zstd", statistics=True))

    def write_text(self, text: str, target: str) -> None:
        self._atomic(target, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def scan_parquet(self, path: str) -> pl.LazyFrame:
        return pl.scan_parquet(path)

    def lock(self, directory: str):
        return file_lock(os.path.join(directory, ".lock"))


@contextlib.contextmanager
def file_lock(lock_path: str | Path) -> Iterator[None]:
    """An exclusive lock on a local file (created with its folder), held for the `with` block."""
    os.makedirs(os.path.dirname(os.fspath(lock_path)) or ".", exist_ok=True)
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class FsspecFiles:
    """The store's file operations on an fsspec URL (s3://, gs://, az://, memory://, ...).

    Object stores make each PUT atomic, so a part or a manifest is either there whole or not at all; what
    they lack is a lock: run one writer per table (e.g. a Prefect concurrency limit on the flow that writes).
    """

    remote = True

    def __init__(self, url: str, storage_options: dict | None = None):
        import fsspec

        self.fs, _ = fsspec.core.url_to_fs(url, **(storage_options or {}))
        self.protocol = url.split("://", 1)[0]
        self.storage_options = storage_options or {}

    def join(self, *parts: str) -> str:
        return "/".join(p.rstrip("/") for p in parts)

    def exists(self, path: str) -> bool:
        return self.fs.exists(path)

    def read_text(self, path: str) -> str:
        return self.fs.cat_file(path).decode("utf-8")

    def listdir(self, path: str) -> list[str]:
        if not self.fs.exists(path):
            return []
        return [entry.rstrip("/").rsplit("/", 1)[-1] for entry in self.fs.ls(path, detail=False)]

    def remove(self, path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(path)

    def write_parquet(self, frame: pl.DataFrame, target: str) -> None:
        with self.fs.open(target, "wb") as fh:
            frame.write_parquet(fh, compression="zstd", statistics=True)

    def write_text(self, text: str, target: str) -> None:
        self.fs.pipe_file(target, text.encode("utf-8"))

    def scan_parquet(self, path: str) -> pl.LazyFrame:
        with self.fs.open(path, "rb") as fh:
            return pl.read_parquet(fh).lazy()

    @contextlib.contextmanager
    def lock(self, directory: str) -> Iterator[None]:
        yield


def _is_url(data_dir: Path | str) -> bool:
    return isinstance(data_dir, str) and "://" in data_dir and not data_dir.startswith("file://")


def open_store(data_dir: Path | str | None = None, settings=None) -> Store:
    """The store the stages use: the tables at `settings.store_url` when one is set (e.g. s3://bucket/corpus600m,
    with `settings.store_options`), else under `data_dir` (default: `settings.data_dir`)."""
    from corpus600m.settings import get_settings

    settings = settings or get_settings()
    if not settings.store_url:
        return Store(data_dir if data_dir is not None else settings.data_dir)
    options = None
    if settings.store_options is not None:
        try:
            options = json.loads(settings.store_options.get_secret_value())
        except ValueError as exc:  # the value is a secret: say where, not what
            raise StoreError(f"CORPUS600M_STORE_OPTIONS is not valid JSON ({type(exc).__name__} at position "
                             f"{getattr(exc, 'pos', '?')}); give an object such as {{\"client_kwargs\": {{...}}}}") from None
        if not isinstance(options, dict):
            raise StoreError("CORPUS600M_STORE_OPTIONS must be a JSON object, e.g. {\"client_kwargs\": {...}}")
    return Store(settings.store_url, storage_options=options)


class Store:
    """The Parquet tables of one data dir: a local path, or an fsspec URL such as s3://bucket/corpus."""

    def __init__(self, data_dir: Path | str, storage_options: dict | None = None):
        if _is_url(data_dir):
            self.data_dir = str(data_dir).rstrip("/")
            self.files: LocalFiles | FsspecFiles = FsspecFiles(self.data_dir, storage_options)
        else:
            self.data_dir = Path(str(data_dir).removeprefix("file://"))
            self.files = LocalFiles()
        self.root = self.files.join(str(self.data_dir), "tables")

    # ---- paths and manifests ----------------------------------------------------------------------

    def table_dir(self, table: str) -> Path | str:
        path = self.files.join(self.root, str(table))
        return path if self.files.remote else Path(path)

    def _dir(self, table: str) -> str:
        return self.files.join(self.root, str(table))

    def _manifest_path(self, table: str) -> str:
        return self.files.join(self._dir(table), "_manifest.json")

    def read_json(self, path: str, what: str, fix: str) -> Any | None:
        """A JSON file of the store (a table's manifest, the release index), None when there is none; a broken one
        is a `StoreError` naming the file, `what` it is and how to `fix` it."""
        if not self.files.exists(path):
            return None
        try:
            return json.loads(self.files.read_text(path))
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: {what} is not valid JSON ({exc}); {fix}") from exc

    def _parts(self, table: str) -> list[str]:
        manifest = self.read_json(self._manifest_path(table), "manifest", "restore it from a backup or delete the table")
        if manifest is None:
            return []
        return [self.files.join(self._dir(table), name) for name in manifest["parts"]]

    def _lock(self, table: str):
        return self.files.lock(self._dir(table))

    def _commit(self, table: str, parts: list[str]) -> None:
        payload = {"table": str(table), "parts": [p.rsplit("/", 1)[-1] for p in parts], "committed_at": time.time()}
        self.files.write_text(json.dumps(payload, indent=1), self._manifest_path(table))
        self._sweep(table, keep={p.rsplit("/", 1)[-1] for p in parts})

    def _sweep(self, table: str, keep: set[str]) -> None:
        """Remove parts no manifest names and temp files left by a crashed writer (we hold the lock)."""
        for name in self.files.listdir(self._dir(table)):
            if name.startswith("part-") and name not in keep or name.startswith(".tmp-"):
                self.files.remove(self.files.join(self._dir(table), name))

    def _new_part_path(self, table: str) -> str:
        return self.files.join(self._dir(table), f"part-{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.parquet")

    # ---- reading ----------------------------------------------------------------------------------

    def exists(self, table: str) -> bool:
        return bool(self._parts(table))

    def scan(self, table: str, *, with_rowhash: bool = False) -> pl.LazyFrame:
        """The table's current rows (latest version per key) as a LazyFrame; empty with the schema if absent."""
        schema = table_schema(table)
        parts = self._parts(table)
        if not parts:
            empty = pl.DataFrame(schema={**schema, ROWHASH: pl.UInt64}).lazy()
            return empty if with_rowhash else empty.drop(ROWHASH)
        frames = [self.files.scan_parquet(p) for p in parts]
        lazy = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
        if len(frames) > 1:
            lazy = lazy.unique(subset=table_key(table), keep="last", maintain_order=True)
        # parts written before a column was added to the record read with that column empty
        missing = [c for c in schema if c not in lazy.collect_schema()]
        if missing:
            lazy = lazy.with_columns(pl.lit(None, dtype=schema[c]).alias(c) for c in missing)
        return lazy if with_rowhash else lazy.drop(ROWHASH)

    def read(self, table: str) -> pl.DataFrame:
        return self.scan(table).collect()

    def count(self, table: str) -> int:
        return self.scan(table).select(pl.len()).collect().item()

    def ids(self, table: str) -> pl.Series:
        return self.scan(table).select("id").unique().collect()["id"]

    # ---- writing ----------------------------------------------------------------------------------

    def _to_frame(self, table: str, data: pl.DataFrame | Sequence[Record] | Sequence[RejectedRecord]) -> pl.DataFrame:
        schema = table_schema(table)
        if isinstance(data, pl.DataFrame):
            unknown = sorted(set(data.columns) - set(schema) - {ROWHASH})
            if unknown:
                raise StoreError(f"table {table!r}: unknown columns {unknown}; the table's columns are {list(schema)}")
            missing = [c for c in table_key(table) if c not in data.columns]
            if missing:
                raise StoreError(f"table {table!r}: key columns {missing} missing from the data")
            frame = data.drop(ROWHASH, strict=False)
            frame = frame.with_columns(pl.lit(None, dtype=dt).alias(c) for c, dt in schema.items() if c not in frame.columns)
            return frame.select([pl.col(c).cast(dt) for c, dt in schema.items()])
        items = list(data)
        if table == Table.REJECTED:
            if items and not all(isinstance(r, RejectedRecord) for r in items):
                raise StoreError("table 'rejected' takes RejectedRecord objects")
            return rejected_to_frame(items) if items else pl.DataFrame(schema=schema)
        if items and not all(isinstance(r, Record) for r in items):
            raise StoreError(f"table {table!r} takes Record objects")
        return records_to_frame(items) if items else pl.DataFrame(schema=schema)

    @staticmethod
    def _with_rowhash(frame: pl.DataFrame) -> pl.DataFrame:
        content = [c for c in frame.columns if c not in TIMESTAMP_COLUMNS and c != ROWHASH]
        return frame.with_columns(pl.struct(content).struct.json_encode().hash(seed=600).alias(ROWHASH))

    def upsert(self, table: str, data: pl.DataFrame | Sequence[Record] | Sequence[RejectedRecord]) -> UpsertResult:
        """Insert new rows and replace changed ones, by key; rows already present unchanged are skipped.

        Atomic: either the whole batch becomes visible or none of it does.
        """
        frame = self._to_frame(table, data)
        key = table_key(table)
        n_in = frame.height
        frame = self._with_rowhash(frame.unique(subset=key, keep="last", maintain_order=True))
        with self._lock(table):
            parts = self._parts(table)
            if parts:
                existing = self.scan(table, with_rowhash=True).select([*key, ROWHASH]).collect()
                changed = frame.join(existing, on=[*key, ROWHASH], how="anti")
                n_updated = changed.join(existing.select(key), on=key, how="semi").height
            else:
                changed, n_updated = frame, 0
            if changed.height:
                part = self._new_part_path(table)
                self.files.write_parquet(changed, part)
                parts = [*parts, part]
                self._commit(table, parts)
                if len(parts) > COMPACT_AFTER_PARTS:
                    self._compact_locked(table)
        n_written = changed.height
        return UpsertResult(str(table), n_in, n_written - n_updated, n_updated, n_in - n_written)

    def _compact_locked(self, table: str, drop_keys: pl.DataFrame | None = None) -> int:
        current = self.scan(table, with_rowhash=True).collect()
        if drop_keys is not None:
            current = current.join(drop_keys, on=drop_keys.columns, how="anti")
        part = self._new_part_path(table)
        self.files.write_parquet(current, part)
        self._commit(table, [part])
        return current.height

    def compact(self, table: str) -> int:
        """Rewrite the table as one part (same rows). Returns the row count."""
        with self._lock(table):
            if not self._parts(table):
                return 0
            return self._compact_locked(table)

    def delete(self, table: str, ids: Sequence[str] | pl.Series) -> int:
        """Remove rows by id (every stage's row, for `rejected`). Returns how many rows were removed."""
        drop = pl.DataFrame({"id": list(ids)}, schema={"id": pl.String}).unique()
        with self._lock(table):
            if not self._parts(table) or drop.is_empty():
                return 0
            before = self.scan(table).select(pl.len()).collect().item()
            after = self._compact_locked(table, drop_keys=drop)
            return before - after

    # ---- summaries --------------------------------------------------------------------------------

    def stats(self) -> pl.DataFrame:
        """Row counts per table × country × variety (tables that do not exist yet are left out)."""
        frames = []
        for table in Table:
            if self.exists(table):
                frames.append(
                    self.scan(table)
                    .group_by("country", "variety")
                    .agg(pl.len().alias("records"))
                    .with_columns(pl.lit(str(table)).alias("table"))
                    .collect()
                )
        if not frames:
            return pl.DataFrame(schema={"table": pl.String, "country": pl.String, "variety": pl.String, "records": pl.UInt32})
        order = {str(t): i for i, t in enumerate(Table)}
        return (
            pl.concat(frames)
            .select("table", "country", "variety", "records")
            .with_columns(pl.col("table").replace_strict(order, default=len(order)).alias("_order"))
            .sort("_order", "country", "variety", nulls_last=True)
            .drop("_order")
        )
