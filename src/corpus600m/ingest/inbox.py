"""The donation inbox: `<data_dir>/<donation_inbox_dir>/<donation>/` holds a manifest.yaml and the files.

Each donation is processed exactly once: `.ingested.json` is written into its folder only after the rows are
committed to the store (and the filters ran). A crash before that leaves no marker, so the next run processes
the donation again, which is safe because the donated table's upsert is idempotent (no row lost, none doubled).
A refused donation gets `.refused.json` with the reason and is retried only when its files change.
Contributors (or the upload tool) should copy the data files first and the manifest last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus600m.ingest.errors import DonationRefused
from corpus600m.ingest.manifest import MANIFEST_NAMES
from corpus600m.ingest.pipeline import _write_atomic, ingest_donation
from corpus600m.records import utcnow
from corpus600m.settings import Settings

DONE_MARKER = ".ingested.json"
REFUSED_MARKER = ".refused.json"


@dataclass
class InboxOutcome:
    """What happened to one inbox folder in one run."""

    folder: str
    status: str  # processed | refused
    message: str
    rows_read: int = 0
    kept: int = 0
    quarantined: int = 0
    duplicates: int = 0
    report_path: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def inbox_dir(settings: Settings) -> Path:
    """The inbox folder (created if missing)."""
    path = settings.data_dir / settings.donation_inbox_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint(folder: Path) -> str:
    """A cheap identity of the folder's contents (names, sizes, modification times), markers excluded."""
    digest = hashlib.sha256()
    for item in sorted(folder.rglob("*")):
        if item.is_file() and not any(part.startswith(".") for part in item.relative_to(folder).parts):
            stat = item.stat()
            digest.update(f"{item.relative_to(folder).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def find_manifest(folder: Path) -> Path | None:
    return next((folder / name for name in MANIFEST_NAMES if (folder / name).is_file()), None)


def pending_donations(settings: Settings) -> list[Path]:
    """Inbox folders not yet ingested (and refused ones whose files changed since), in name order."""
    out = []
    for folder in sorted(inbox_dir(settings).iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or (folder / DONE_MARKER).exists():
            continue
        refused = folder / REFUSED_MARKER
        if refused.exists():
            try:
                if json.loads(refused.read_text(encoding="utf-8")).get("fingerprint") == fingerprint(folder):
                    continue
            except ValueError:
                pass  # a damaged marker: process the folder again
        out.append(folder)
    return out


def ingest_inbox_donation(folder: Path, settings: Settings, **handoffs) -> InboxOutcome:
    """Ingest one inbox folder and write its marker; a refusal is recorded, not raised. `handoffs`: the
    `filters` / `detect_language` a flow hands `ingest_donation`."""
    folder = Path(folder)
    manifest = find_manifest(folder)
    try:
        if manifest is None:
            raise DonationRefused(f"{folder}: no manifest.yaml; add one (see schemas/donation_manifest.schema.json)")
        report = ingest_donation(folder, manifest, settings=settings, **handoffs)
    except DonationRefused as exc:
        _write_atomic(folder / REFUSED_MARKER, json.dumps(
            {"fingerprint": fingerprint(folder), "refused_at": utcnow().isoformat(), "message": str(exc)}, indent=1))
        return InboxOutcome(folder.name, "refused", str(exc))
    _write_atomic(folder / DONE_MARKER, json.dumps(
        {"fingerprint": fingerprint(folder), "ingested_at": utcnow().isoformat(), "report_path": report.report_path,
         "rows_read": report.rows_read, "kept": report.kept, "quarantined": report.quarantined,
         "duplicates": report.duplicates}, indent=1))
    (folder / REFUSED_MARKER).unlink(missing_ok=True)
    return InboxOutcome(folder.name, "processed", "ok", report.rows_read, report.kept, report.quarantined,
                        report.duplicates, report.report_path)
