"""Readers for donated files: JSONL, JSON array, CSV/TSV, Parquet, a `datasets` save_to_disk folder, and zip /
tar.gz archives of those. Every reader streams: it yields one `RawRow` at a time and never holds a whole file.

Row numbering (what the quarantine and `origin.row` say): for JSONL the row is the line number; for CSV/TSV the
1-based data row (header excluded) and, separately, the line where it starts; for JSON arrays, Parquet and
datasets the 1-based position of the element/row.
"""

from __future__ import annotations

import csv
import json
import shutil
import tarfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from corpus600m.ingest.encoding import DetectedEncoding, detect_encoding
from corpus600m.ingest.errors import DonationRefused
from corpus600m.ingest.manifest import MANIFEST_NAMES
from corpus600m.ingest.validate import QuarantineReason, RowProblem

TEXT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv"}
COLUMNAR_FORMATS = {".parquet": "parquet", ".pq": "parquet"}
ARCHIVE_SUFFIXES = (".zip", ".tar.gz", ".tgz", ".tar")
DEFAULT_UNPACK_BUDGET = 20 * 10**9  # bytes; the ingestion passes settings.donation_max_unpacked_gb
IGNORED_NAMES = ("readme", "license", "licence", "notice", "changelog")
IGNORED_SUFFIXES = (".md", ".txt", ".pdf", ".yaml", ".yml")
HF_DATASET_MARKERS = ("dataset_info.json", "dataset_dict.json", "state.json")
SUPPORTED = ".jsonl .ndjson .json .csv .tsv .parquet, a `datasets` save_to_disk folder, .zip .tar.gz .tgz .tar of those"
_SAMPLE_ROWS = 1000
_JSON_CHUNK = 1 << 20

Progress = Callable[[int], None]


class RawRow(NamedTuple):
    """One row as read: parsed `data` (column -> value), or a `problem` when it could not be parsed."""

    line: int | None
    row: int
    data: dict[str, Any] | None
    raw: Any
    problem: RowProblem | None = None


def _no_progress(_: int) -> None:
    return None


@dataclass
class SourceFile:
    """One readable unit of a donation (a file, or one split of a `datasets` folder)."""

    display: str  # what the contributor recognises: relative path, `archive.zip/inner.csv`, `folder[train]`
    path: Path
    format: str
    encoding: DetectedEncoding | None = None
    split: str | None = None
    warnings: list[str] = field(default_factory=list)
    _delimiter: str = ","

    # ---- planning (before anything is read for real) ---------------------------------------------

    def prepare(self) -> list[str]:
        """Detect encoding / delimiter and return the columns found (refuse the donation if unreadable)."""
        if self.format in ("jsonl", "json", "csv", "tsv"):
            self.encoding = detect_encoding(self.path, self.display)
            if self.encoding.warning:
                self.warnings.append(self.encoding.warning)
        if self.format in ("csv", "tsv"):
            return self._csv_header()
        if self.format == "parquet":
            return self._parquet_file().schema_arrow.names
        if self.format == "hf_dataset":
            return list(self._hf_dataset().column_names)
        return self._json_sample_columns()

    @property
    def progress_total(self) -> int:
        """Bytes for text files, rows for columnar ones (what `rows()` reports progress in)."""
        if self.format == "parquet":
            return self._parquet_file().metadata.num_rows
        if self.format == "hf_dataset":
            return self._hf_dataset().num_rows
        return self.path.stat().st_size

    def rows(self, columns: list[str], progress: Progress = _no_progress, batch_rows: int = 50_000) -> Iterator[RawRow]:
        """Every row of the file, streamed. `columns` are the mapped columns (columnar readers read only those)."""
        if self.format == "jsonl":
            return self._jsonl_rows(progress)
        if self.format == "json":
            return self._json_rows(progress)
        if self.format in ("csv", "tsv"):
            return self._csv_rows(progress)
        if self.format == "parquet":
            return self._parquet_rows(columns, progress, batch_rows)
        return self._hf_rows(columns, progress, batch_rows)

    # ---- JSON Lines -------------------------------------------------------------------------------

    def _open_text(self, newline: str | None = None):
        assert self.encoding is not None, "prepare() first"
        return open(self.path, encoding=self.encoding.codec, newline=newline)

    def _is_json_array(self) -> bool:
        with self._open_text() as fh:
            head = fh.read(4096).lstrip()
        return head.startswith("[")

    def _json_sample_columns(self) -> list[str]:
        if self.format == "json" and not self._is_json_array():
            self.format = "jsonl"  # a .json file holding one object per line
        found: dict[str, None] = {}
        rows = self._jsonl_rows(_no_progress) if self.format == "jsonl" else self._json_rows(_no_progress)
        for n, row in enumerate(rows):
            if n >= _SAMPLE_ROWS:
                break
            if row.data is not None:
                found.update(dict.fromkeys(map(str, row.data)))
        return list(found)

    def _jsonl_rows(self, progress: Progress) -> Iterator[RawRow]:
        with self._open_text() as fh:
            for lineno, line in enumerate(fh, 1):
                if lineno % 2000 == 0:
                    progress(fh.buffer.tell())
                if not line.strip():
                    continue
                text = line.rstrip("\r\n")
                try:
                    value = orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    try:  # the stdlib parser also takes lone surrogates and NaN, which then fail as text checks
                        value = json.loads(text)
                    except json.JSONDecodeError:
                        yield RawRow(lineno, lineno, None, text,
                                     RowProblem(QuarantineReason.MALFORMED, f"line is not valid JSON: {exc}"))
                        continue
                if not isinstance(value, dict):
                    yield RawRow(lineno, lineno, None, text, RowProblem(
                        QuarantineReason.NOT_AN_OBJECT,
                        f"line holds a JSON {_json_kind(value)}, not an object of column: value pairs"))
                    continue
                yield RawRow(lineno, lineno, value, text)
        progress(self.path.stat().st_size)

    # ---- JSON array (streamed element by element) -------------------------------------------------

    def _json_rows(self, progress: Progress) -> Iterator[RawRow]:
        decoder = json.JSONDecoder()
        with self._open_text() as fh:
            buf, pos, line, eof = "", 0, 1, False

            def fill() -> None:
                nonlocal buf, pos, eof
                chunk = fh.read(_JSON_CHUNK)
                eof = not chunk
                buf = buf[pos:] + chunk
                pos = 0

            def skip_ws() -> None:
                nonlocal pos, line
                while True:
                    while pos < len(buf) and buf[pos] in " \t\r\n":
                        line += buf[pos] == "\n"
                        pos += 1
                    if pos < len(buf) or eof:
                        return
                    fill()

            def refuse(message: str) -> DonationRefused:
                return DonationRefused(
                    f"{self.display}: not valid JSON at line {line}: {message}. Fix the file, or send JSON Lines "
                    f"(one object per line), where a broken line only sets that row aside")

            fill()
            skip_ws()
            if pos >= len(buf) or buf[pos] != "[":
                raise refuse("expected a JSON array '[' of objects")
            pos += 1
            index = 0
            while True:
                skip_ws()
                if pos >= len(buf):
                    raise refuse("the array is not closed with ']'")
                if buf[pos] == "]":
                    break
                if index:
                    if buf[pos] != ",":
                        raise refuse(f"expected ',' or ']' between elements, found {buf[pos]!r}")
                    pos += 1
                    skip_ws()
                while True:
                    try:
                        value, end = decoder.raw_decode(buf, pos)
                        if end < len(buf) or eof:
                            break
                    except json.JSONDecodeError as exc:
                        if eof:
                            raise refuse(exc.msg) from exc
                    fill()
                index += 1
                start_line = line
                line += buf.count("\n", pos, end)
                raw = buf[pos:end]
                pos = end
                if index % 2000 == 0:
                    progress(fh.buffer.tell())
                if not isinstance(value, dict):
                    yield RawRow(start_line, index, None, raw, RowProblem(
                        QuarantineReason.NOT_AN_OBJECT,
                        f"array element {index} is a JSON {_json_kind(value)}, not an object of column: value pairs"))
                    continue
                yield RawRow(start_line, index, value, raw)
        progress(self.path.stat().st_size)

    # ---- CSV / TSV --------------------------------------------------------------------------------

    def _csv_header(self) -> list[str]:
        with self._open_text(newline="") as fh:
            sample = fh.read(64 * 1024)
        if self.format == "tsv":
            self._delimiter = "\t"
        else:
            try:
                self._delimiter = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|").delimiter
            except csv.Error:
                self._delimiter = ","
            if self._delimiter != ",":
                self.warnings.append(f"{self.display}: columns are separated by {self._delimiter!r}, not ','")
        with self._open_text(newline="") as fh:
            try:
                header = next(csv.reader(fh, delimiter=self._delimiter), None)
            except csv.Error as exc:
                raise DonationRefused(f"{self.display}: the header line cannot be read as CSV ({exc})") from exc
        if not header:
            return []
        return [name.strip() for name in header]

    def _csv_rows(self, progress: Progress) -> Iterator[RawRow]:
        header = self._csv_header()
        with self._open_text(newline="") as fh:
            consumed: list[str] = []  # the physical lines of the record being parsed: the raw row for the quarantine

            def lines() -> Iterator[str]:
                for line in fh:
                    consumed.append(line)
                    yield line

            # strict: a stray quote is an error (quarantined) instead of silently merging the next rows into a field
            reader = csv.reader(lines(), delimiter=self._delimiter, strict=True)
            try:
                next(reader)
            except (StopIteration, csv.Error):
                return
            row_no, line_no = 0, len(consumed)
            while True:
                consumed.clear()
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    row_no += 1
                    start, line_no = line_no + 1, line_no + len(consumed)
                    yield RawRow(start, row_no, None, "".join(consumed), RowProblem(
                        QuarantineReason.MALFORMED,
                        f"row at lines {start}-{line_no} cannot be parsed as CSV ({exc}): an unclosed or stray "
                        f"quote? Double quotes inside a quoted field (\"\")"))
                    continue
                start, line_no = line_no + 1, line_no + len(consumed)
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue  # blank line
                row_no += 1
                if row_no % 2000 == 0:
                    progress(fh.buffer.tell())
                if len(values) != len(header):
                    spans = f" (it spans lines {start}-{line_no}: an unclosed quote?)" if line_no > start else ""
                    yield RawRow(start, row_no, None, values, RowProblem(
                        QuarantineReason.MALFORMED,
                        f"row has {len(values)} fields; the header has {len(header)}{spans}"))
                    continue
                yield RawRow(start, row_no, dict(zip(header, values)), None)
        progress(self.path.stat().st_size)

    # ---- Parquet ----------------------------------------------------------------------------------

    def _parquet_file(self):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises several types for damaged files
            raise DonationRefused(f"{self.display}: not a readable Parquet file ({exc}); re-export it") from exc

    def _parquet_rows(self, columns: list[str], progress: Progress, batch_rows: int) -> Iterator[RawRow]:
        index = 0
        try:
            for batch in self._parquet_file().iter_batches(batch_size=batch_rows, columns=columns):
                for value in batch.to_pylist():
                    index += 1
                    yield RawRow(None, index, value, None)
                progress(index)
        except DonationRefused:
            raise
        except Exception as exc:
            raise DonationRefused(f"{self.display}: Parquet data damaged after row {index} ({exc}); re-export it") from exc

    # ---- `datasets` save_to_disk folder -----------------------------------------------------------

    def _hf_dataset(self):
        import datasets

        cache = getattr(self, "_hf_cache", None)
        if cache is not None:
            return cache
        try:
            loaded = datasets.load_from_disk(str(self.path))
        except Exception as exc:
            raise DonationRefused(
                f"{self.display}: not a readable `datasets` folder ({exc}); save it with Dataset.save_to_disk") from exc
        dataset = loaded[self.split] if self.split else loaded
        self._hf_cache = dataset
        return dataset

    def _hf_rows(self, columns: list[str], progress: Progress, batch_rows: int) -> Iterator[RawRow]:
        index = 0
        for batch in self._hf_dataset().select_columns(columns).iter(batch_size=batch_rows):
            names = list(batch)
            for values in zip(*(batch[name] for name in names)):
                index += 1
                yield RawRow(None, index, dict(zip(names, values)), None)
            progress(index)


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(type(value), "number")


# ---- finding the files of a donation ------------------------------------------------------------


@dataclass
class Discovery:
    sources: list[SourceFile] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    unpack_budget: int = DEFAULT_UNPACK_BUDGET  # bytes the donation's archives may still unpack to


def _is_hf_dataset(folder: Path) -> bool:
    return any((folder / marker).is_file() for marker in HF_DATASET_MARKERS)


def _hf_sources(folder: Path, display: str) -> list[SourceFile]:
    dict_file = folder / "dataset_dict.json"
    if dict_file.is_file():
        try:
            splits = json.loads(dict_file.read_text(encoding="utf-8"))["splits"]
        except (ValueError, KeyError) as exc:
            raise DonationRefused(f"{display}: dataset_dict.json is damaged ({exc}); save the dataset again") from exc
        return [SourceFile(f"{display}[{split}]", folder, "hf_dataset", split=split) for split in splits]
    return [SourceFile(display, folder, "hf_dataset")]


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".tar.gz" if name.endswith(".tar.gz") else path.suffix.lower()


def discover(path: Path, workdir: Path, skip: set[Path] | None = None, display_prefix: str = "",
             max_unpacked_bytes: int = DEFAULT_UNPACK_BUDGET) -> Discovery:
    """The readable units under `path` (a file or a folder); archives are unpacked safely into `workdir`, all of them
    together (nested archives included) to at most `max_unpacked_bytes`."""
    skip = {p.resolve() for p in (skip or set())}
    found = Discovery(unpack_budget=max_unpacked_bytes)
    if not path.exists():
        raise DonationRefused(f"{path} does not exist; give a donation file or a folder of files")
    if path.is_file():
        _add_file(path, display_prefix + path.name, workdir, found, explicit=True)
        return found
    if _is_hf_dataset(path):
        found.sources.extend(_hf_sources(path, display_prefix + path.name))
        return found
    for child in sorted(path.iterdir()):
        _walk(child, path, workdir, skip, display_prefix, found)
    return found


def _walk(item: Path, root: Path, workdir: Path, skip: set[Path], prefix: str, found: Discovery) -> None:
    display = prefix + item.relative_to(root).as_posix()
    if item.name.startswith((".", "__MACOSX")) or item.resolve() in skip:
        return
    if item.is_dir():
        if _is_hf_dataset(item):
            found.sources.extend(_hf_sources(item, display))
            return
        for child in sorted(item.iterdir()):
            _walk(child, root, workdir, skip, prefix, found)
        return
    _add_file(item, display, workdir, found, explicit=False)


def _add_file(item: Path, display: str, workdir: Path, found: Discovery, explicit: bool) -> None:
    suffix = _suffix(item)
    if suffix in TEXT_FORMATS:
        found.sources.append(SourceFile(display, item, TEXT_FORMATS[suffix]))
    elif suffix in COLUMNAR_FORMATS:
        found.sources.append(SourceFile(display, item, COLUMNAR_FORMATS[suffix]))
    elif suffix in ARCHIVE_SUFFIXES:
        target = workdir / f"{uuid.uuid4().hex[:8]}-{item.name}"
        found.unpack_budget -= _unpack(item, target, display, found.unpack_budget)
        inner = discover(target, workdir, display_prefix=display + "/", max_unpacked_bytes=found.unpack_budget)
        found.sources.extend(inner.sources)
        found.ignored.extend(inner.ignored)
        found.unpack_budget = inner.unpack_budget
    elif not explicit and (item.name.lower() in MANIFEST_NAMES or suffix in IGNORED_SUFFIXES
                           or item.stem.lower() in IGNORED_NAMES):
        found.ignored.append(display)
    else:
        raise DonationRefused(
            f"{display}: unsupported file type '{suffix or item.name}'. Supported: {SUPPORTED}. "
            f"Convert it or remove it from the donation")


def _size(n: float) -> str:
    return f"{n / 1e9:,.2f} GB" if n >= 1e9 else f"{n / 1e6:,.1f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} KB"


def _check_unpacked_size(display: str, archive: Path, total: int, budget: int, target: Path) -> None:
    """Refuse an archive (a zip bomb, or just too big) before extracting anything from it."""
    if total > budget:
        raise DonationRefused(
            f"{display}: would unpack to {_size(total)} ({_size(archive.stat().st_size)} packed), more than "
            f"the {_size(budget)} this donation's archives may still unpack to (CORPUS600M_DONATION_MAX_UNPACKED_GB); "
            "split the donation or send the files uncompressed")
    free = shutil.disk_usage(target).free
    if total > free:
        raise DonationRefused(f"{display}: would unpack to {_size(total)} but only {_size(free)} are free "
                              f"in {target}; free some disk space and re-run")


def _unpack(archive: Path, target: Path, display: str, budget: int = DEFAULT_UNPACK_BUDGET) -> int:
    """Extract an archive, refusing members that would land outside `target` (absolute paths, '..', links out) and
    archives whose members add up to more than `budget` bytes. Returns the bytes unpacked.

    The sizes checked are the ones the archive declares, and they bound what is written: zipfile stops each
    member at its declared size (and checks its CRC), tar members are exactly their header's size."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                total = sum(info.file_size for info in zf.infolist())
                _check_unpacked_size(display, archive, total, budget, target)
                for info in zf.infolist():
                    name = info.filename
                    if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name.split("/")[0]:
                        raise DonationRefused(
                            f"{display}: unsafe member path {name!r} (absolute or with '..'); rebuild the archive "
                            f"with relative paths")
                bad = zf.testzip()
                if bad is not None:
                    raise DonationRefused(f"{display}: member {bad!r} is damaged (CRC mismatch); rebuild the archive")
                zf.extractall(target)
        else:
            with tarfile.open(archive) as tf:
                total = sum(member.size for member in tf.getmembers() if member.isfile())
                _check_unpacked_size(display, archive, total, budget, target)
                tf.extractall(target, filter="data")
        return total
    except DonationRefused:
        raise
    except tarfile.FilterError as exc:
        raise DonationRefused(f"{display}: unsafe archive member ({exc}); rebuild the archive with relative paths") from exc
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise DonationRefused(f"{display}: not a readable archive ({exc}); rebuild it (zip or tar.gz)") from exc
