"""Loading a donation's manifest (YAML) and checking its licence against the open-licence allow-list."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from corpus600m.ingest.errors import DonationRefused
from corpus600m.records import DonationManifest, Record, Source, format_validation_error

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")


def load_manifest(path: Path) -> DonationManifest:
    """Read and validate a manifest file; any problem refuses the donation with a message naming the field."""
    path = Path(path)
    if not path.is_file():
        raise DonationRefused(f"manifest {path} not found; write a YAML manifest (see schemas/donation_manifest.schema.json)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DonationRefused(f"manifest {path} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        where = ""
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise DonationRefused(f"manifest {path} is not valid YAML{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise DonationRefused(
            f"manifest {path} must be a YAML mapping with name, donor, license, description and columns; "
            f"found {type(data).__name__}"
        )
    try:
        manifest = DonationManifest.model_validate(data)
    except ValidationError as exc:
        raise DonationRefused(f"manifest {path} is not valid:\n{format_validation_error(exc)}") from exc
    _check_country_variety(manifest, path)
    return manifest


def _check_country_variety(manifest: DonationManifest, path: Path) -> None:
    """Every row inherits country and variety from the manifest: check the pair once, here, not per row."""
    try:
        Record(instruction="x", output="x", source=Source.DONATION, country=manifest.country, variety=manifest.variety)
    except ValidationError as exc:
        raise DonationRefused(f"manifest {path}: country/variety do not fit:\n{format_validation_error(exc)}") from exc


def check_license(manifest: DonationManifest, allowed: list[str]) -> str:
    """The licence's canonical SPDX spelling if it is on the allow-list; refuse the donation otherwise."""
    canonical = {spdx.lower(): spdx for spdx in allowed}
    found = canonical.get(manifest.license.strip().lower())
    if found is None:
        raise DonationRefused(
            f"licence {manifest.license!r} is not accepted: the corpus is published openly, so a donation must carry "
            f"one of these open licences (SPDX ids): {', '.join(allowed)}. Licences that forbid commercial use or "
            f"derivatives (-NC, -ND) or that are proprietary cannot be taken. Ask the rights holder for an open licence "
            f"and set `license:` in the manifest (organizers: CORPUS600M_DONATION_LICENSES)."
        )
    return found
