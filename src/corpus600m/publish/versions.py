"""Versioned releases: the version history kept in the store, the changelog between versions, and its states.

`corpus600m publish --version 0.3.0` records a release once the gates pass: a snapshot of the published
records (`release_snapshot`: id, country, the labels a changelog compares and a digest of the texts) in
`<store>/releases/v0.3.0.parquet`, and an entry in `<store>/releases/index.json` holding its changelog
against the previous version (records added, removed, re-labelled and with changed text, per country),
computed from the two snapshots. With `--push`, the entry follows the release on the Hub: `built` ->
`committed` (the commit's oid) -> `tagged` (tag `v0.3.0` on that commit).

Re-running is idempotent: the same records under the same version reuse the entry (and a pushed release is
not committed or tagged again); other records under a version already pushed are refused, as is a version
below one already released. The history lives beside the tables (same data dir or `store_url`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

import polars as pl

from corpus600m import catalog
from corpus600m.publish.gates import PublishError
from corpus600m.store import Store

RELEASES_DIR = "releases"
INDEX_FILE = "index.json"
LABELS = ("country", "variety", "lang", "domain", "task", "register", "annotation_pais", "annotation_variedad",
          "annotation_calidad", "annotation_es_correcta")
SNAPSHOT_SCHEMA = {"id": pl.String, **{name: pl.String for name in LABELS}, "text_digest": pl.String}
CHANGE_KINDS = ("added", "removed", "relabelled", "edited")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")


class ReleaseStatus:
    BUILT = "built"  # the repository was built for this version (a dry run, or before the push)
    COMMITTED = "committed"  # uploaded in one commit (`commit_oid`), not tagged yet
    TAGGED = "tagged"  # the Hub tag points at `commit_oid`


def parse_version(text: str) -> str:
    """`0.3.0` or `v0.3.0` -> `0.3.0`; anything else is refused (MAJOR.MINOR.PATCH, digits only)."""
    match = _VERSION.match(text.strip())
    if not match:
        raise PublishError(f"version {text!r}: write it as MAJOR.MINOR.PATCH, e.g. 0.3.0 (the Hub tag will be v0.3.0)")
    return ".".join(str(int(part)) for part in match.groups())


def version_key(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in parse_version(version).split("."))
    return major, minor, patch


@dataclass
class Changelog:
    """What changed between two snapshots, per country: records added, removed, re-labelled, with changed text."""

    previous: str | None
    rows: list[dict] = field(default_factory=list)  # {"country": code or None, "added": n, ...}

    @property
    def totals(self) -> dict[str, int]:
        return {kind: sum(row[kind] for row in self.rows) for kind in CHANGE_KINDS}

    @property
    def is_empty(self) -> bool:
        return not any(self.totals.values())


@dataclass
class Release:
    """One version in the history: what was published, its changelog, and how far its push got."""

    version: str
    created_at: str
    run_name: str
    repo_id: str
    n_records: int
    fingerprint: str
    changelog: Changelog
    status: str = ReleaseStatus.BUILT
    commit_oid: str | None = None

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def snapshot_file(self) -> str:
        return f"{self.tag}.parquet"

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Release:
        return cls(**{**data, "changelog": Changelog(**data["changelog"])})


def release_snapshot(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """What a changelog compares of each published record: id, country, labels and a digest of its texts."""
    annotation = pl.col("annotation").struct
    snapshot = frame.lazy().select(
        "id", "country", "variety", "lang", "domain", "task", "register",
        annotation.field("pais").alias("annotation_pais"),
        annotation.field("variedad").alias("annotation_variedad"),
        annotation.field("calidad").cast(pl.String).alias("annotation_calidad"),
        annotation.field("es_correcta").alias("annotation_es_correcta"),
        pl.concat_str("instruction", pl.col("input").fill_null(""), "output", separator="\x1f").alias("text"),
    ).collect()
    digests = [hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest() for text in snapshot["text"]]
    return (snapshot.drop("text").with_columns(pl.Series("text_digest", digests, dtype=pl.String))
            .cast(SNAPSHOT_SCHEMA).sort("id"))


def fingerprint(snapshot: pl.DataFrame) -> str:
    """A digest of a whole snapshot: equal fingerprints, same records with the same labels and texts."""
    return hashlib.sha256(snapshot.sort("id").write_csv().encode("utf-8")).hexdigest()


def diff_snapshots(old: pl.DataFrame | None, new: pl.DataFrame, previous: str | None) -> Changelog:
    """The changelog from `old` (the previous version's snapshot; None for a first release) to `new`.

    Added, re-labelled and edited records count under their new country; removed ones under their old country.
    """
    old = old if old is not None else pl.DataFrame(schema=SNAPSHOT_SCHEMA)
    added = new.join(old, on="id", how="anti").group_by("country").agg(pl.len().alias("added"))
    removed = old.join(new, on="id", how="anti").group_by("country").agg(pl.len().alias("removed"))
    both = new.join(old, on="id", how="inner", suffix="_old")
    relabelled = pl.any_horizontal(pl.col(name).ne_missing(pl.col(f"{name}_old")) for name in LABELS)
    changed = both.group_by("country").agg(relabelled.sum().alias("relabelled"),
                                           pl.col("text_digest").ne_missing(pl.col("text_digest_old")).sum().alias("edited"))
    table = (pl.concat([added, removed, changed], how="diagonal_relaxed")
             .group_by("country").agg(pl.col(kind).sum().cast(pl.Int64) for kind in CHANGE_KINDS)
             .filter(pl.sum_horizontal(*CHANGE_KINDS) > 0).sort("country", nulls_last=True))
    return Changelog(previous, table.to_dicts())


def country_label(code: str | None) -> str:
    if not code:
        return "(sin país)"
    country = catalog.COUNTRIES.get(code)
    return f"{country.name_es} ({code})" if country else code


class ReleaseHistory:
    """The releases recorded in a store (`<store>/releases/`), oldest first."""

    def __init__(self, store: Store):
        self.store = store
        self.files = store.files
        self.dir = self.files.join(str(store.data_dir), RELEASES_DIR)

    def _path(self, name: str) -> str:
        return self.files.join(self.dir, name)

    def releases(self) -> list[Release]:
        data = self.store.read_json(self._path(INDEX_FILE), "the release history", "restore it from a backup")
        if data is None:
            return []
        return sorted((Release.from_json(item) for item in data["releases"]), key=lambda r: version_key(r.version))

    def get(self, version: str) -> Release | None:
        version = parse_version(version)
        return next((r for r in self.releases() if r.version == version), None)

    def snapshot(self, version: str) -> pl.DataFrame:
        """The records of a recorded version; an error listing the recorded versions when it is unknown."""
        release = self.get(version)
        if release is None:
            known = ", ".join(r.tag for r in self.releases()) or "none yet"
            raise PublishError(f"no release v{parse_version(version)} in the store's history ({self.dir}); "
                               f"recorded versions: {known}")
        return self.files.scan_parquet(self._path(release.snapshot_file)).collect().cast(SNAPSHOT_SCHEMA)

    def _write(self, releases: list[Release]) -> None:
        payload = {"releases": [r.to_json() for r in sorted(releases, key=lambda r: version_key(r.version))]}
        self.files.write_text(json.dumps(payload, indent=1, ensure_ascii=False), self._path(INDEX_FILE))

    def record(self, version: str, frame: pl.DataFrame | pl.LazyFrame, *, run_name: str, repo_id: str) -> Release:
        """Record `version` as the release of these records (idempotent); returns it with its changelog."""
        version = parse_version(version)
        snapshot = release_snapshot(frame)
        digest = fingerprint(snapshot)
        with self.files.lock(self.dir):
            releases = self.releases()
            existing = next((r for r in releases if r.version == version), None)
            if existing is not None and existing.fingerprint == digest and existing.repo_id == repo_id:
                return existing
            if existing is not None and existing.status != ReleaseStatus.BUILT:
                raise PublishError(f"v{version} was already pushed to {existing.repo_id} (commit {existing.commit_oid}) "
                                   f"with other records ({existing.n_records}); publish these as a new version")
            released = [r for r in releases if r.status != ReleaseStatus.BUILT and version_key(r.version) > version_key(version)]
            if released:
                raise PublishError(f"versions only go forward: {released[-1].tag} is already released; "
                                   f"choose a version above it")
            earlier = [r for r in releases if version_key(r.version) < version_key(version)]
            previous = earlier[-1] if earlier else None
            old = self.snapshot(previous.version) if previous else None
            release = Release(version=version, created_at=datetime.now(UTC).strftime("%Y-%m-%d"), run_name=run_name,
                              repo_id=repo_id, n_records=snapshot.height, fingerprint=digest,
                              changelog=diff_snapshots(old, snapshot, previous.version if previous else None))
            self.files.write_parquet(snapshot, self._path(release.snapshot_file))
            self._write([r for r in releases if r.version != version] + [release])
        return release

    def mark(self, version: str, status: str, commit_oid: str | None = None) -> Release:
        """Move a release to `committed` (with its commit oid) or `tagged`."""
        with self.files.lock(self.dir):
            releases = self.releases()
            current = next(r for r in releases if r.version == parse_version(version))
            updated = replace(current, status=status, commit_oid=commit_oid or current.commit_oid)
            self._write([r for r in releases if r.version != updated.version] + [updated])
        return updated

    def up_to(self, version: str) -> list[Release]:
        """The releases up to and including `version`, newest first (the card's changelog)."""
        key = version_key(version)
        return [r for r in reversed(self.releases()) if version_key(r.version) <= key]

    def diff(self, version: str, frame: pl.DataFrame | pl.LazyFrame) -> Changelog:
        """What publishing these records would change since the recorded `version` (nothing is written)."""
        return diff_snapshots(self.snapshot(version), release_snapshot(frame), parse_version(version))
