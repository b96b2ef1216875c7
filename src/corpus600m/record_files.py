"""Record files: the one reader of JSONL and Parquet files of `Record`s (`--from FILE`, gold files, loads, the
filters' input), and the JSONL writer.

A bad line (not UTF-8, not JSON, not an object, not a valid record, a repeated record id) is never dropped
silently: it becomes a `BadLine` named `file: line N: what`, with its raw text. The caller decides what a bad
line means: refuse the whole file (`RecordFile.require_all`: publish, export, the pipeline's load), use
the good lines and report the others (annotate push, which then exits 1), or reject it as malformed (the
filters, which read `iter_json`'s values and check them as records with their own defaults and extra fields).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from corpus600m.records import Record, format_validation_error

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PARQUET_SUFFIXES = (".parquet", ".pq")


class RecordFileError(ValueError):
    """A record file cannot be used: missing, of an unknown format, unreadable, or (when all are required) has bad lines."""


@dataclass(frozen=True)
class BadLine:
    """A line (JSONL) or row (Parquet) that gave no record: where, what it held, and why."""

    path: Path
    line: int
    raw: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: line {self.line}: {self.message}"


@dataclass(frozen=True)
class JsonLine:
    """A line (JSONL) or row (Parquet) holding a JSON value (a record's object, once `iter_objects` checked it)."""

    line: int
    raw: str
    data: Any


def file_format(path: Path) -> str:
    """`jsonl` or `parquet`, from the file name; `RecordFileError` for anything else."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise RecordFileError(f"{path}: unknown format {suffix!r}; give a .jsonl (one JSON record per line) or .parquet file")


def iter_json(path: Path) -> Iterator[JsonLine | BadLine]:
    """Each non-blank line of a JSONL file (or row of a Parquet file) as a JSON value, or a `BadLine` saying why not
    (not UTF-8, not JSON). Lines end as in Python's text files (LF, CR LF or CR), so a file saved on Windows reads
    the same."""
    path = Path(path)
    fmt = file_format(path)
    if not path.is_file():
        raise RecordFileError(f"{path}: no such file; give a JSONL file of records (one JSON object per line) "
                              "or a Parquet file of them")
    if fmt == "parquet":
        yield from _parquet_rows(path)
        return
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for number, text in enumerate(fh, start=1):
            text = text.rstrip("\n")
            if not text.strip():
                continue
            try:
                text.encode("utf-8")
            except UnicodeEncodeError as exc:  # the bytes that are not UTF-8 came in as surrogates
                byte = len(text[:exc.start].encode("utf-8", "surrogateescape"))
                shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                yield BadLine(path, number, shown, f"not UTF-8 (byte {byte}); re-save the file as UTF-8")
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                yield BadLine(path, number, text, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            yield JsonLine(number, text, data)


def iter_objects(path: Path) -> Iterator[JsonLine | BadLine]:
    """`iter_json`'s lines, with a line that holds no JSON object (a list, a string...) made a `BadLine` too."""
    for line in iter_json(path):
        if isinstance(line, JsonLine) and not isinstance(line.data, dict):
            line = BadLine(Path(path), line.line, line.raw,
                           f"expected a JSON object (a record), got {type(line.data).__name__}")
        yield line


def _parquet_rows(path: Path) -> Iterator[JsonLine]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise RecordFileError(f"{path}: not a readable Parquet file ({exc})") from exc
    number = 0
    for batch in parquet.iter_batches(batch_size=10_000):
        for data in batch.to_pylist():
            number += 1
            yield JsonLine(number, json.dumps(data, ensure_ascii=False, default=str), data)


def parse_record(path: Path, line: JsonLine) -> Record | BadLine:
    """The line's object as a validated `Record`, or a `BadLine` naming each offending field."""
    try:
        return Record.model_validate(line.data)
    except ValidationError as exc:
        return BadLine(path, line.line, line.raw, format_validation_error(exc).replace("\n", "; "))


@dataclass
class RecordFile:
    """The records of one file, in file order, and every line that gave none."""

    path: Path
    records: list[Record] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return [str(b) for b in self.bad]

    def require_all(self, consequence: str = "nothing was read", *, show: int = 20) -> list[Record]:
        """The records, or `RecordFileError` naming the bad lines (the first `show` of them) when there is one: a
        file used all or nothing."""
        if self.bad:
            shown = "\n".join(self.errors[:show])
            more = f"\n... and {len(self.bad) - show} more" if len(self.bad) > show else ""
            raise RecordFileError(f"{self.path}: {len(self.bad)} bad line(s); {consequence}. Fix them and run again:\n"
                                  f"{shown}{more}")
        return self.records


def read_record_file(path: Path) -> RecordFile:
    """Every record of a JSONL or Parquet file; bad lines, including a record id repeating an earlier line's, kept
    aside in `bad`. Raises `RecordFileError` when the file itself cannot be read."""
    path = Path(path)
    out = RecordFile(path)
    seen: dict[str, int] = {}
    for line in iter_objects(path):
        parsed = line if isinstance(line, BadLine) else parse_record(path, line)
        if isinstance(parsed, Record):
            if parsed.id in seen:
                parsed = BadLine(path, line.line, line.raw, f"record {parsed.id} repeats line {seen[parsed.id]}; keep one of them")
            else:
                seen[parsed.id] = line.line
                out.records.append(parsed)
                continue
        out.bad.append(parsed)
    return out


def write_jsonl(records: list[Record], path: Path) -> None:
    """Records as JSONL, one per line (UTF-8, non-ASCII kept), written to a temp file then renamed (never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(record.model_dump(mode="json"), ensure_ascii=False) + "\n" for record in records)
    os.replace(tmp, path)
