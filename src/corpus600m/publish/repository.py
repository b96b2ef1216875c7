"""Build the dataset repository (card, Parquet shards, chart, licence file) and push it to the Hub.

Layout of a built repository (what `datasets.load_dataset(DIR)` and the Hub's viewer read):

    README.md                             the Dataset Card; its `configs:` name the data files
    LICENSE.md                            licence breakdown (the card's `license_link` when licences are mixed)
    assets/composition.png                the composition chart
    data/<CC>/train-00000-of-0000N.parquet one folder per country (ISO alpha-2); `data/sin_pais/` for records without
    exports/sft/train-*.parquet           the corpus as TRL chat messages (`export.py`, format sft)
    exports/dpo/train-*.parquet           its preference pairs (format dpo), when there are any

Configurations: `default` (every file under data/) and one per country, each with a single `train` split. A
country's rows are stored once and shared by both configurations through glob patterns, so nothing is
duplicated. `sft` and `dpo` are the training exports of the same records.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from corpus600m.publish.arrow import standard_arrow
from corpus600m.publish.card import LICENSE_FILE, render_card, render_license_file
from corpus600m.publish.chart import write_composition_chart
from corpus600m.publish.export import ExportFormat, export_frame
from corpus600m.publish.gates import GateReport, PiiDetector, PublishError, check_gates
from corpus600m.publish.rows import hub_frame
from corpus600m.publish.stats import CorpusStats, compute_stats
from corpus600m.publish.versions import Release, ReleaseHistory, ReleaseStatus
from corpus600m.records import StageReport, utcnow
from corpus600m.settings import Settings
from corpus600m.store import open_store

DATA_DIR = "data"
EXPORTS_DIR = "exports"
TRAINING_CONFIGS = (ExportFormat.SFT, ExportFormat.DPO)
CHART = "assets/composition.png"
NO_COUNTRY_DIR = "sin_pais"
GATE_REPORT = "gate_report.json"  # written next to (not inside) the repository when a gate refuses
MANAGED = ("README.md", LICENSE_FILE, "assets", DATA_DIR, EXPORTS_DIR)  # what a build owns in its output dir


class PublishRefused(PublishError):
    """A gate refused: `report` holds every failing gate and its offending record ids, also written to `report_path`."""

    def __init__(self, report: GateReport, report_path: Path):
        self.report, self.report_path = report, report_path
        super().__init__(f"{report.message()}\nEvery offending id, with why: {report_path}")


@dataclass
class BuildResult:
    """A built repository: where, what files, rows per configuration, the gates' report and the stats."""

    out_dir: Path
    repo_id: str
    run_name: str
    files: list[str]
    config_rows: dict[str, int]
    gate_report: GateReport
    stats: CorpusStats
    training_rows: dict[str, int] = field(default_factory=dict)  # rows of the sft / dpo configurations
    release: Release | None = None  # the version this build publishes (`--version`), with its changelog
    extra: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_records(self) -> int:
        return self.stats.n_records

    def to_stage_report(self, stage: str = "publish") -> StageReport:
        """The build as a stage's report: the records published, where, rows per configuration, and the release."""
        details: dict[str, Any] = {"out_dir": str(self.out_dir), "config_rows": self.config_rows, "files": len(self.files),
                                   "run_name": self.run_name, "training_rows": self.training_rows,
                                   "pii_texts_scanned": self.gate_report.n_texts_scanned}
        if self.release is not None:
            details.update({"version": self.release.version, "changelog": self.release.changelog.totals})
        return StageReport.ended(stage, self.seconds, n_in=self.n_records, n_kept=self.n_records, details=details)


def default_run_name() -> str:
    """A run name for a publish started by hand: `publish-YYYYMMDD-HHMMSS` (UTC)."""
    return datetime.now(UTC).strftime("publish-%Y%m%d-%H%M%S")


def commit_message(result: BuildResult) -> tuple[str, str]:
    """The commit's summary (naming the run) and description (what the corpus holds)."""
    countries = sum(1 for name in result.config_rows if name != "default")
    summary = f"Publish {result.run_name}: {result.n_records} records from {countries} countries"
    if result.release is not None:
        summary = f"Publish {result.release.tag} ({result.run_name}): {result.n_records} records from {countries} countries"
    sources = ", ".join(f"{row.key}: {row.n}" for row in result.stats.by_source)
    description = (f"Built by `corpus600m publish` (run {result.run_name}).\n\nRecords by source: {sources}.\n"
                   f"Gates passed: licence, provenance, language, PII re-scan ({result.gate_report.n_texts_scanned} texts).")
    return summary, description


def _validate_repo_id(repo_id: str) -> None:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError as exc:
        raise PublishError(f"--repo-id {repo_id!r} is not a valid Hub repository id: {exc}") from exc
    if "/" not in repo_id:
        raise PublishError(f"--repo-id {repo_id!r} needs an owner: e.g. somosnlp/{repo_id}")


def _clear_managed(out_dir: Path) -> None:
    """Remove what a previous build wrote (and only that), so a country that left the corpus leaves the repo."""
    for name in MANAGED:
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def _write_folder(rows: pl.DataFrame, out_dir: Path, folder: str, shard_rows: int) -> list[str]:
    """`rows` as `<folder>/train-0000i-of-0000N.parquet` shards of at most `shard_rows` rows."""
    files: list[str] = []
    n_shards = max(1, -(-rows.height // shard_rows))
    for index in range(n_shards):
        rel = f"{folder}/train-{index:05d}-of-{n_shards:05d}.parquet"
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(standard_arrow(rows.slice(index * shard_rows, shard_rows)), path, compression="zstd",
                       row_group_size=10_000)
        files.append(rel)
    return files


def _write_shards(rows: pl.DataFrame, out_dir: Path, shard_rows: int) -> tuple[list[str], dict[str, int]]:
    files: list[str] = []
    per_country: dict[str, int] = {}
    for (country,), part in rows.group_by("country", maintain_order=True):
        files += _write_folder(part, out_dir, f"{DATA_DIR}/{country or NO_COUNTRY_DIR}", shard_rows)
        if country:
            per_country[country] = part.height
    return files, per_country


def _write_training_configs(frame: pl.DataFrame, out_dir: Path, settings: Settings) -> tuple[list[str], dict[str, int]]:
    """The sft and dpo exports of the corpus under exports/ (dpo only when there is at least one pair)."""
    files: list[str] = []
    rows: dict[str, int] = {}
    for fmt in TRAINING_CONFIGS:
        result = export_frame(frame, fmt, settings)
        if result.n_rows:
            files += _write_folder(result.rows, out_dir, f"{EXPORTS_DIR}/{fmt}", settings.hub_shard_rows)
            rows[str(fmt)] = result.n_rows
    return files, rows


def build_repository(frame: pl.DataFrame, out_dir: Path, repo_id: str, settings: Settings, *,
                     run_name: str | None = None, rejected: pl.DataFrame | None = None,
                     detect_pii: PiiDetector,
                     on_progress: Callable[[int], None] | None = None, version: str | None = None,
                     generation_yield: str = "") -> BuildResult:
    """Check the gates on store-layout records, then write the complete dataset repository to `out_dir`.

    Raises `PublishRefused` (listing offending ids per gate, and writing them to `<out_dir>.gate_report.json`)
    when a gate fails; nothing is written to `out_dir` then. With `version`, the release is recorded in the
    store's history (`versions.py`) once the gates pass, and the card states it with its changelog.
    """
    started = utcnow()
    _validate_repo_id(repo_id)
    if frame.is_empty():
        raise PublishError("nothing to publish: the curated table (or the --from file) has no records")
    run_name = run_name or default_run_name()
    report = check_gates(frame, settings, detect_pii=detect_pii, on_progress=on_progress)
    if not report.passed:
        report_path = out_dir.with_name(out_dir.name + "." + GATE_REPORT)
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps({"run": run_name, "n_records": report.n_records,
                                           "refused": report.offending_ids(),
                                           "why": {f.gate: f.offenders for f in report.failures}},
                                          indent=1, ensure_ascii=False), encoding="utf-8")
        raise PublishRefused(report, report_path)

    release, releases = None, []
    if version is not None:
        history = ReleaseHistory(open_store(settings=settings))
        release = history.record(version, frame, run_name=run_name, repo_id=repo_id)
        releases = history.up_to(release.version)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_managed(out_dir)
    rows = hub_frame(frame, settings)
    stats = compute_stats(frame, settings, rejected)
    files, per_country = _write_shards(rows, out_dir, settings.hub_shard_rows)
    config_rows = {"default": rows.height, **dict(sorted(per_country.items()))}
    configs: list[dict[str, Any]] = [
        {"config_name": "default", "default": True,
         "data_files": [{"split": "train", "path": f"{DATA_DIR}/*/train-*.parquet"}]},
        *({"config_name": country, "data_files": [{"split": "train", "path": f"{DATA_DIR}/{country}/train-*.parquet"}]}
          for country in sorted(per_country)),
    ]
    training_files, training_rows = _write_training_configs(frame, out_dir, settings)
    files += training_files
    configs += [{"config_name": name, "data_files": [{"split": "train", "path": f"{EXPORTS_DIR}/{name}/train-*.parquet"}]}
                for name in training_rows]
    write_composition_chart(stats, out_dir / CHART)
    card = render_card(stats, report, repo_id=repo_id, pretty_name=settings.hub_pretty_name, configs=configs,
                       config_rows=config_rows, training_rows=training_rows, run_name=run_name, chart_path=CHART,
                       release=release, releases=releases, generation_yield=generation_yield)
    card.save(out_dir / "README.md")
    (out_dir / LICENSE_FILE).write_text(render_license_file(stats, pretty_name=settings.hub_pretty_name),
                                        encoding="utf-8")
    files = ["README.md", LICENSE_FILE, CHART, *files]
    return BuildResult(out_dir=out_dir, repo_id=repo_id, run_name=run_name, files=files,
                       config_rows=config_rows, gate_report=report, stats=stats, training_rows=training_rows,
                       release=release, seconds=(utcnow() - started).total_seconds())


def push_repository(result: BuildResult, settings: Settings, *, token: str | None = None) -> str:
    """Create the dataset repo if needed and upload the built files in ONE commit naming the run; returns its URL.

    Remote files under `data/`, `exports/` and `assets/` that the new build does not have are deleted in the
    same commit. The token comes from `token`, else `HF_TOKEN` / `CORPUS600M_HF_TOKEN` (settings); it is
    never printed, and Hub errors are re-raised without it. A versioned build (`result.release`) is also
    tagged `v<version>` on that commit; a release already committed or tagged is not uploaded again.
    """
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    secret = token or (settings.hf_token.get_secret_value() if settings.hf_token else None)
    if not secret:
        raise PublishError("no Hugging Face token: set HF_TOKEN (or CORPUS600M_HF_TOKEN) to a token with write "
                           f"access to {result.repo_id.split('/')[0]}")
    api = HfApi(endpoint=settings.hf_endpoint or None, token=secret)
    summary, description = commit_message(result)
    release = result.release
    if release is not None and release.repo_id != result.repo_id:
        raise PublishError(f"{release.tag} was recorded for {release.repo_id}, not {result.repo_id}")
    try:
        if release is not None and release.status != ReleaseStatus.BUILT:
            result.release = _tag_release(api, result, ReleaseHistory(open_store(settings=settings)))
            return f"{api.endpoint}/datasets/{result.repo_id}/commit/{release.commit_oid}"
        api.create_repo(result.repo_id, repo_type="dataset", private=settings.hub_private, exist_ok=True)
        remote = set(api.list_repo_files(result.repo_id, repo_type="dataset"))
        operations: list = [CommitOperationAdd(path_in_repo=rel, path_or_fileobj=str(result.out_dir / rel))
                            for rel in result.files]
        operations += [CommitOperationDelete(path_in_repo=path) for path in sorted(remote - set(result.files))
                       if path.startswith((f"{DATA_DIR}/", f"{EXPORTS_DIR}/", "assets/"))]
        info = api.create_commit(result.repo_id, operations, commit_message=summary,
                                 commit_description=description, repo_type="dataset")
        if release is not None:
            history = ReleaseHistory(open_store(settings=settings))
            result.release = history.mark(release.version, ReleaseStatus.COMMITTED, info.oid)
            result.release = _tag_release(api, result, history)
    except OfflineModeIsEnabled as exc:
        raise PublishError("HF_HUB_OFFLINE is set: unset it to push to the Hub") from exc
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise PublishError(f"the Hub refused the upload to {result.repo_id} (HTTP {status}): "
                           f"{exc.server_message or exc}".replace(secret, "***")) from None
    return info.commit_url


def _tag_release(api, result: BuildResult, history: ReleaseHistory) -> Release:
    """Tag the release's commit `v<version>` (idempotent: an existing tag on the same commit is kept)."""
    from huggingface_hub.errors import HfHubHTTPError

    release = result.release
    assert release is not None and release.commit_oid
    existing = next((t for t in api.list_repo_refs(result.repo_id, repo_type="dataset").tags if t.name == release.tag),
                    None)
    if existing is None:
        message = f"{release.tag}: {release.n_records} records (run {release.run_name})"
        try:
            api.create_tag(result.repo_id, tag=release.tag, revision=release.commit_oid, tag_message=message,
                           repo_type="dataset")
        except HfHubHTTPError as exc:
            if exc.response is None or exc.response.status_code != 409:
                raise
            existing = next(t for t in api.list_repo_refs(result.repo_id, repo_type="dataset").tags
                            if t.name == release.tag)
    if existing is not None and existing.target_commit != release.commit_oid:
        raise PublishError(f"the Hub already has tag {release.tag} on commit {existing.target_commit}, not on this "
                           f"release's commit {release.commit_oid}; choose a new version (or delete the tag on the Hub)")
    return history.mark(release.version, ReleaseStatus.TAGGED)
