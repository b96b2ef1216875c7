"""Records to filter from a JSONL or Parquet file (read by `record_files`, the one reader), and the kept/rejected files.

Bad input never stops the run and is never lost: a line that is not UTF-8, not JSON, not an object, or not a
valid record (missing `instruction`/`output`, a number where text is expected, an unknown country...) becomes a
`MalformedRow` carrying its line number, the raw line and a message naming the field. Fields the record
model does not know are kept aside (`extras`) and written back next to the record.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from corpus600m.record_files import (
    BadLine,
    JsonLine,
    RecordFileError,
    file_format,
    iter_json,
)
from corpus600m.records import (
    Record,
    RejectedRecord,
    StageReport,
    format_validation_error,
)

RECORD_FIELDS = set(Record.model_fields)
RAW_KEPT_CHARS = 1_000_000  # a malformed line longer than this is kept truncated (and says so)


@dataclass
class InputRow:
    line: int  # 1-based line (JSONL) or row (Parquet) number
    record: Record
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass
class MalformedRow:
    line: int
    raw: str
    message: str


def _to_row(line: JsonLine, default_source: str) -> InputRow | MalformedRow:
    line_no, raw, data = line.line, _clip(line.raw), line.data
    where = f"line {line_no}"
    if not isinstance(data, dict):
        return MalformedRow(line_no, raw, f"{where}: expected a JSON object with 'instruction' and 'output', got {type(data).__name__}")
    missing = [name for name in ("instruction", "output") if name not in data or data[name] is None]
    if missing:
        return MalformedRow(line_no, raw, f"{where}: missing field(s) {', '.join(repr(m) for m in missing)}; "
                                          "every record needs 'instruction' and 'output' (text)")
    known = {k: v for k, v in data.items() if k in RECORD_FIELDS}
    extras = {k: v for k, v in data.items() if k not in RECORD_FIELDS}
    known.setdefault("source", default_source)
    for name in ("instruction", "input", "output"):
        if name in known and known[name] is not None and not isinstance(known[name], str):
            return MalformedRow(line_no, raw, f"{where}: field '{name}' must be text, got {type(known[name]).__name__} "
                                              f"{str(known[name])[:40]!r}")
    try:
        return InputRow(line_no, Record.model_validate(known), extras)
    except ValidationError as exc:
        return MalformedRow(line_no, raw, format_validation_error(exc, where).replace("\n", "; "))


def _clip(raw: str) -> str:
    return raw if len(raw) <= RAW_KEPT_CHARS else raw[:RAW_KEPT_CHARS] + f"... [truncated, {len(raw):,} characters]"


def read_rows(path: Path, *, default_source: str = "donation") -> Iterator[InputRow | MalformedRow]:
    """Yield each input row as a valid record or a malformed row (JSONL: per line; Parquet: per row).

    Raises `RecordFileError` when the file as a whole cannot be read (missing, empty, unknown format, broken Parquet)."""
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        raise RecordFileError(f"{path}: the file is empty; nothing to filter")
    for line in iter_json(path):
        if isinstance(line, BadLine):
            yield MalformedRow(line.line, _clip(line.raw), f"line {line.line}: {line.message}")
        else:
            yield _to_row(line, default_source)


def kept_row(record: Record, extras: dict[str, Any]) -> dict[str, Any]:
    """An output row: the caller's extra fields, then the record (redacted text and the filter's decisions)."""
    return {**extras, **record.model_dump(mode="json")}


def rejected_row(rejected: RejectedRecord, extras: dict[str, Any], line: int) -> dict[str, Any]:
    return {**extras, **rejected.record.model_dump(mode="json"), "line": line, "stage": rejected.stage,
            "reasons": [r.model_dump() for r in rejected.reasons]}


def malformed_row(row: MalformedRow) -> dict[str, Any]:
    return {"line": row.line, "raw": row.raw, "stage": "filter",
            "reasons": [{"code": "malformed", "detail": row.message}]}


class RowWriter:
    """Writes rows to JSONL as they come, or collects them for one Parquet file at `close()`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.format = file_format(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.count = 0
        self._rows: list[dict[str, Any]] = []
        self._fh: IO[str] | None = open(self.path, "w", encoding="utf-8") if self.format == "jsonl" else None

    def write(self, row: dict[str, Any]) -> None:
        self.count += 1
        if self._fh is not None:
            self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            self._rows.append(row)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            return
        import polars as pl

        # nested values (pii findings, reasons, origin) as JSON text keep the schema simple and lossless
        flat = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for k, v in row.items()}
                for row in self._rows]
        pl.DataFrame(flat, infer_schema_length=None).write_parquet(self.path)


def filter_file(input_path: Path, out: Path, rejects: Path, *, settings, default_source: str = "donation",
                on_progress: Callable[[int], None] | None = None,
                on_malformed: Callable[[MalformedRow], None] | None = None) -> tuple[StageReport, int, int]:
    """Filter a JSONL/Parquet file into kept (`out`) and rejected (`rejects`) rows, batch by batch; malformed rows
    are rejected with reason `malformed` (`on_malformed` hears of each). Returns (report, kept, rejected).

    Raises `RecordFileError` when a path's format is not supported or the input cannot be read.
    """
    from corpus600m.filters.dedup import KnownTexts
    from corpus600m.filters.pipeline import filter_records, merge_reports

    file_format(input_path), file_format(out), file_format(rejects)
    kept_writer, rej_writer = RowWriter(out), RowWriter(rejects)
    known = KnownTexts()
    reports: list[StageReport] = []
    malformed = 0

    def run_batch(batch: list[InputRow]) -> None:
        result = filter_records([r.record for r in batch], settings=settings, known=known, on_progress=on_progress)
        for row, (where, index) in zip(batch, result.placement, strict=True):
            if where == "kept":
                kept_writer.write(kept_row(result.kept[index], row.extras))
            else:
                rej_writer.write(rejected_row(result.rejected[index], row.extras, row.line))
        reports.append(result.report)

    try:
        batch: list[InputRow] = []
        for row in read_rows(input_path, default_source=default_source):
            if isinstance(row, MalformedRow):
                malformed += 1
                rej_writer.write(malformed_row(row))
                if on_malformed:
                    on_malformed(row)
                continue
            batch.append(row)
            if len(batch) >= settings.filter_batch_rows:
                run_batch(batch)
                batch = []
        if batch:
            run_batch(batch)
    finally:
        kept_writer.close()
        rej_writer.close()
    report = merge_reports(reports) if reports else StageReport(stage="filter")
    report.n_in += malformed
    report.n_rejected += malformed
    if malformed:
        report.rejected_by_reason["malformed"] = malformed
    return report, kept_writer.count, rej_writer.count
