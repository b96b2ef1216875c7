"""Ingesting one donation: read -> validate -> quarantine / dedup -> donated table -> filters -> report.

Three phases, so that a refused donation writes nothing and a crash never loses or doubles rows:

1. *plan*: manifest, licence, files, encodings and column mapping are checked before any row is read;
2. *stage*: rows are streamed in batches (`donation_batch_rows`), validated, de-duplicated within the donation
   and written as Parquet parts plus a quarantine file into a private staging folder (memory stays bounded);
3. *commit*: each staged part is checked against the store (rows another donation already gave are counted as
   duplicates) and upserted into `donated` (idempotent by content id, so re-running after a crash is safe); then
   the quarantine file and the report are moved into `data/donations/<donor>/<name>/`, and the filters run.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import unicodedata
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from corpus600m import catalog
from corpus600m.ingest.errors import DonationRefused
from corpus600m.ingest.manifest import check_license, load_manifest
from corpus600m.ingest.readers import RawRow, SourceFile, discover
from corpus600m.ingest.report import DonationReport, FileSummary
from corpus600m.ingest.validate import RowProblem, extract_fields
from corpus600m.records import (
    ORIGIN_DTYPE,
    RECORD_POLARS_SCHEMA,
    DonationManifest,
    Source,
    StageReport,
    record_id,
    utcnow,
)
from corpus600m.settings import Settings, get_settings
from corpus600m.store import Store, Table, file_lock, open_store

LANGUAGE_SAMPLE = 2000  # rows on which the report's language mix is measured


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def donation_dir(settings: Settings, manifest: DonationManifest) -> Path:
    """Where a donation's quarantine file and report live: `<data_dir>/donations/<donor>/<name>/`."""
    return settings.data_dir / "donations" / _slug(manifest.donor) / _slug(manifest.name)


def _donation_lock(lock_path: Path):
    """One ingestion of a given donation at a time (two inbox runs must not interleave their commits)."""
    return file_lock(lock_path)


class _Progress:
    """Adapter from the readers' `progress(n)` calls to an optional rich Progress."""

    def __init__(self, progress: Any | None):
        self.progress = progress

    def task(self, source: SourceFile):
        if self.progress is None:
            return lambda _: None
        task_id = self.progress.add_task(source.display, total=source.progress_total)
        return lambda completed: self.progress.update(task_id, completed=completed)

    def filters(self, total: int):
        if self.progress is None:
            return None
        task_id = self.progress.add_task("filters", total=total)
        return lambda n: self.progress.advance(task_id, n)


def _quarantine_line(source: SourceFile, raw: RawRow, problem: RowProblem) -> bytes:
    entry = {"file": source.display, "line": raw.line, "row": raw.row, "reason": str(problem.reason),
             "field": problem.field, "message": problem.message, "raw": raw.raw if raw.raw is not None else raw.data}
    try:
        return orjson.dumps(entry, default=str) + b"\n"
    except TypeError:  # lone surrogates: the stdlib escapes them as \udXXX instead of failing
        return json.dumps(entry, ensure_ascii=True, default=str).encode() + b"\n"


class _Stager:
    """Phase 2: validate rows and write staged Parquet parts and the quarantine file."""

    def __init__(self, manifest: DonationManifest, license: str, settings: Settings, staging: Path, report: DonationReport):
        self.manifest, self.license, self.settings = manifest, license, settings
        self.staging, self.report = staging, report
        self.parts: list[Path] = []
        self.seen: set[str] = set()
        self.reasons: Counter[str] = Counter()
        self._reset()
        self.quarantine = open(staging / "quarantine.jsonl", "wb")

    def _reset(self) -> None:
        self.ids: list[str] = []
        self.instruction: list[str] = []
        self.input: list[str | None] = []
        self.output: list[str] = []
        self.file: list[str] = []
        self.row: list[int] = []

    def read(self, source: SourceFile, summary: FileSummary, columns: list[str], progress) -> None:
        max_chars = self.settings.donation_max_field_chars
        mapping = self.manifest.columns
        for raw in source.rows(columns, progress, self.settings.donation_batch_rows):
            summary.rows_read += 1
            problem = raw.problem
            if problem is None:
                try:
                    instruction, input_, output = extract_fields(raw.data, mapping, max_chars)
                except RowProblem as exc:
                    problem = exc
            if problem is not None:
                self.quarantine.write(_quarantine_line(source, raw, problem))
                self.reasons[problem.reason] += 1
                summary.quarantined += 1
                continue
            rid = record_id(instruction, input_, output)
            if rid in self.seen:
                summary.duplicates += 1
                self.report.duplicates_in_donation += 1
                continue
            self.seen.add(rid)
            self.ids.append(rid)
            self.instruction.append(instruction)
            self.input.append(input_)
            self.output.append(output)
            self.file.append(source.display)
            self.row.append(raw.row)
            if len(self.ids) >= self.settings.donation_batch_rows:
                self.flush()

    def flush(self) -> None:
        if not self.ids:
            return
        part = self.staging / f"part-{len(self.parts):05d}.parquet"
        self.frame().write_parquet(part, compression="lz4")
        self.parts.append(part)
        self._reset()

    def frame(self) -> pl.DataFrame:
        """The batch as a frame in the store's record layout."""
        m = self.manifest
        now = utcnow()
        base = pl.DataFrame(
            {"id": self.ids, "instruction": self.instruction, "input": self.input, "output": self.output,
             "_file": self.file, "_row": self.row},
            schema={"id": pl.String, "instruction": pl.String, "input": pl.String, "output": pl.String,
                    "_file": pl.String, "_row": pl.Int64},
        )
        given = {"donor": pl.lit(m.donor), "dataset": pl.lit(m.name), "license": pl.lit(self.license),
                 "source_url": pl.lit(m.source_url, dtype=pl.String), "file": pl.col("_file"), "row": pl.col("_row")}
        origin = pl.struct([given.get(name, pl.lit(None, dtype=dtype)).cast(dtype).alias(name)
                            for name, dtype in ORIGIN_DTYPE.to_schema().items()])
        values = {
            "lang": pl.lit("es"), "country": pl.lit(m.country, dtype=pl.String),
            "variety": pl.lit(m.variety, dtype=pl.String),
            "locale": pl.lit(catalog.locale_for("es", m.country), dtype=pl.String),
            "source": pl.lit(str(Source.DONATION)), "origin": origin,
            "domain": pl.lit(m.domain, dtype=pl.String), "task": pl.lit(m.task, dtype=pl.String),
            "pii": pl.lit([], dtype=RECORD_POLARS_SCHEMA["pii"]),
            "quality_flags": pl.lit([], dtype=RECORD_POLARS_SCHEMA["quality_flags"]),
            "created_at": pl.lit(now), "updated_at": pl.lit(now),
        }
        exprs = [values.get(name, pl.col(name) if name in base.columns else pl.lit(None)).cast(dtype).alias(name)
                 for name, dtype in RECORD_POLARS_SCHEMA.items()]
        return base.select(exprs)

    def close(self) -> None:
        self.flush()
        self.quarantine.close()


LanguageDetector = Callable[[str], tuple[str, float]]
# the filter stage over the donated table, as a flow hands it in: (store, settings, on_progress) -> its report
DonatedFilter = Callable[[Store, Settings, Callable[[int], None] | None], StageReport]


def _plan(sources: list[SourceFile], manifest: DonationManifest, report: DonationReport) -> dict[str, list[str]]:
    """Check each file's columns against the mapping; refuse naming the file and the columns it has.

    Returns the mapped columns present in each file. `instruction` and `output` must be in every file; the
    optional `input` column may be absent from some files (a warning), but not from all (then it is a typo).
    """
    cols = manifest.columns
    found = {source.display: source.prepare() for source in sources}
    non_empty = {name: columns for name, columns in found.items() if columns}  # empty files yield no rows
    input_is_typo = bool(cols.input) and bool(non_empty) and all(cols.input not in c for c in non_empty.values())
    problems = []
    for name, columns in non_empty.items():
        wanted = [cols.instruction, cols.input if input_is_typo else None, cols.output]
        missing = [c for c in wanted if c and c not in columns]
        if missing:
            problems.append((name, missing, columns))
        elif cols.input and cols.input not in columns:
            report.warnings.append(f"{name}: no column {cols.input!r} (mapped to input): its rows have no input")
    if problems:
        lines = [f"  {name}: column(s) {', '.join(map(repr, missing))} not found; columns found: "
                 f"{', '.join(map(repr, columns))}" for name, missing, columns in problems]
        raise DonationRefused("the manifest's `columns:` mapping names columns the data does not have:\n"
                              + "\n".join(lines)
                              + "\nFix `columns:` (instruction, input, output) in the manifest to use these names")
    return {name: [c for c in (cols.instruction, cols.input, cols.output) if c and c in columns]
            for name, columns in found.items()}


def ingest_donation(
    path: Path | str,
    manifest_path: Path | str,
    *,
    settings: Settings | None = None,
    report_path: Path | str | None = None,
    filters: DonatedFilter | None = None,
    detect_language: LanguageDetector | None = None,
    progress: Any | None = None,
) -> DonationReport:
    """Ingest one donation (a file, a folder or an archive) described by `manifest_path`.

    Returns the report (also written as `report.json` + `report.md` in the donation's folder, and to
    `report_path` when given). Raises `DonationRefused` — having written nothing — when the donation cannot be
    taken as a whole. `progress` is an optional `rich.progress.Progress` that gets one bar per file.
    The hand-offs to the filter stage come from the flow (`flows/ingest_inbox.py`; a stage does not import
    another): `filters` runs over the donated table once the rows are committed (None: not run), and
    `detect_language` gives the report's language mix (None: no mix).
    """
    settings = settings or get_settings()
    path, manifest_path = Path(path), Path(manifest_path)
    manifest = load_manifest(manifest_path)
    license = check_license(manifest, settings.donation_licenses)
    store = open_store(settings.data_dir, settings)
    final_dir = donation_dir(settings, manifest)
    staging_root = settings.data_dir / "donations" / ".staging"
    lock = staging_root / f"{_slug(manifest.donor)}--{_slug(manifest.name)}.lock"
    report = DonationReport(donation=manifest.name, donor=manifest.donor, license=license, path=str(path))
    bars = _Progress(progress)
    with _donation_lock(lock):
        staging = staging_root / uuid.uuid4().hex
        staging.mkdir(parents=True)
        try:
            discovery = discover(path, staging / "unpacked", skip={manifest_path},
                                 max_unpacked_bytes=int(settings.donation_max_unpacked_gb * 1e9))
            if not discovery.sources:
                ignored = f" (ignored: {', '.join(discovery.ignored)})" if discovery.ignored else ""
                raise DonationRefused(f"{path}: no data files found{ignored}; supported: .jsonl .json .csv .tsv "
                                      f".parquet, a datasets folder, or a .zip/.tar.gz of those")
            present = _plan(discovery.sources, manifest, report)
            report.ignored_files = discovery.ignored
            stager = _Stager(manifest, license, settings, staging, report)
            try:
                for source in discovery.sources:
                    summary = FileSummary(file=source.display, format=source.format,
                                          encoding=source.encoding.label if source.encoding else None)
                    report.files.append(summary)
                    stager.read(source, summary, present[source.display], bars.task(source))
                    report.warnings.extend(source.warnings)
            finally:
                stager.close()
            rows_read = sum(f.rows_read for f in report.files)
            if rows_read == 0:
                raise DonationRefused(f"{path}: the donation holds no rows (files: "
                                      f"{', '.join(s.display for s in discovery.sources)}); nothing to ingest")
            _commit(store, manifest, stager, report, final_dir, detect_language)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    report.finish()
    _write_reports(report, final_dir, report_path)
    if filters is not None:
        report.filters = filters(store, settings, bars.filters(report.kept))
        report.filters_note = "the filters ran on every donated record not yet decided (this donation and any earlier)"
    else:
        report.filters_note = "filters not run (--skip-filters); the donated rows wait in the donated table"
    _write_reports(report, final_dir, report_path)
    return report


def _commit(store: Store, manifest: DonationManifest, stager: _Stager, report: DonationReport, final_dir: Path,
            detect_language: LanguageDetector | None) -> None:
    """Phase 3: drop rows other donations already gave, upsert the rest, then publish quarantine and counts."""
    others = (
        store.scan(Table.DONATED)
        .filter(~((pl.col("origin").struct.field("donor") == manifest.donor)
                  & (pl.col("origin").struct.field("dataset") == manifest.name)).fill_null(False))
        .select("id")
        .collect()["id"]
    )
    staged = len(stager.seen)
    sample_rate = min(1.0, LANGUAGE_SAMPLE / staged) if staged else 0.0
    rng = random.Random(600)
    samples: list[str] = []
    per_file_dups: Counter[str] = Counter()
    for part in stager.parts:
        frame = pl.read_parquet(part)
        is_dup = frame["id"].is_in(others)
        dups = frame.filter(is_dup)
        if dups.height:
            report.duplicates_in_store += dups.height
            per_file_dups.update(dups["origin"].struct.field("file").to_list())
        kept = frame.filter(~is_dup)
        result = store.upsert(Table.DONATED, kept)
        report.already_ingested += result.n_unchanged
        report.kept += kept.height
        for instruction, output in kept.select("instruction", "output").iter_rows():
            if rng.random() < sample_rate:
                samples.append(f"{instruction} {output}")
    for summary in report.files:
        summary.duplicates += per_file_dups[summary.file]
        summary.kept = summary.rows_read - summary.quarantined - summary.duplicates
    report.quarantined = sum(stager.reasons.values())
    report.quarantined_by_reason = dict(stager.reasons.most_common())
    report.duplicates = report.duplicates_in_donation + report.duplicates_in_store
    report.rows_read = sum(f.rows_read for f in report.files)
    if detect_language is not None:
        mix = Counter(detect_language(text)[0] for text in samples)
        report.language_mix, report.language_sample = dict(mix.most_common()), len(samples)
    final_dir.mkdir(parents=True, exist_ok=True)
    quarantine = final_dir / "quarantine.jsonl"
    os.replace(stager.staging / "quarantine.jsonl", quarantine)
    report.quarantine_path = str(quarantine)


def _write_atomic(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".tmp-{uuid.uuid4().hex}-{target.name}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)


def _write_reports(report: DonationReport, final_dir: Path, report_path: Path | str | None) -> None:
    report.report_path = str(Path(report_path) if report_path else final_dir / "report.json")
    targets = [final_dir / "report.json"] + ([Path(report_path)] if report_path else [])
    payload = report.model_dump_json(indent=2)
    markdown = report.to_markdown()
    for target in targets:
        _write_atomic(target, payload)
        _write_atomic(target.with_suffix(".md"), markdown)
