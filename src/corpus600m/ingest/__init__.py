"""Donations: take contributors' corpora (files + a YAML manifest) into the store without losing a row.

`ingest_donation(path, manifest)` is the stage; `inbox` finds new donations in the inbox folder. Good rows go
to the `donated` table with provenance and then through the filters; bad rows go to a quarantine file with
their reason; a donation that cannot be taken as a whole raises `DonationRefused` and writes nothing.
"""

from corpus600m.ingest.errors import DonationRefused
from corpus600m.ingest.manifest import check_license, load_manifest
from corpus600m.ingest.pipeline import donation_dir, ingest_donation
from corpus600m.ingest.report import DonationReport
from corpus600m.ingest.validate import QuarantineReason

__all__ = ["DonationRefused", "DonationReport", "QuarantineReason", "check_license", "donation_dir",
           "ingest_donation", "load_manifest"]
