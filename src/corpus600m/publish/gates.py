"""The gates a corpus must pass before it is published; each lists the ids of the records that fail it.

- licence: every record has a licence (see `licenses.effective_license_expr`);
- provenance: a synthetic record names its generator model and prompt template, a donated one its donor
  and dataset, one written by annotators the Argilla dataset it came from;
- language: every record's language is in `settings.allowed_langs`;
- pii: a final re-scan of instruction, input and output (and of `origin.original_output`, the model's answer an
  annotator corrected, which the `dpo` configuration publishes as the rejected answer) with the PII filter's own detector
  (`corpus600m.filters.pii.detect_pii`) finds nothing. Offending ids are listed with entity types only,
  never with the text found.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from corpus600m.publish.licenses import effective_license_expr
from corpus600m.settings import Settings

TEXT_FIELDS = ("instruction", "input", "output")
SCANNED_FIELDS = (*TEXT_FIELDS, "original_output")  # every published text, the dpo configuration's rejected answers too
SHOWN_IDS = 20  # ids listed per gate in the error message; the full lists are in `GateReport.failures`


class PublishError(RuntimeError):
    """Publishing cannot go on (bad input, a gate refused, the Hub refused); the message says what to do."""


@dataclass
class GateFailure:
    """One gate that refused: its name, what it checks, and offending record id -> why."""

    gate: str
    rule: str
    offenders: dict[str, str]


@dataclass
class GateReport:
    """What the gates found on a corpus: failures (empty when publishing may go on) and counts."""

    n_records: int
    failures: list[GateFailure] = field(default_factory=list)
    n_texts_scanned: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures

    def offending_ids(self) -> dict[str, list[str]]:
        return {f.gate: sorted(f.offenders) for f in self.failures}

    def message(self) -> str:
        """A readable refusal: per gate the rule, how many records fail it and their ids (with why)."""
        lines = [f"publishing refused: {sum(len(f.offenders) for f in self.failures)} record(s) fail "
                 f"{len(self.failures)} gate(s) out of {self.n_records} records"]
        for failure in self.failures:
            lines.append(f"- gate '{failure.gate}' ({failure.rule}): {len(failure.offenders)} record(s)")
            for record_id in sorted(failure.offenders)[:SHOWN_IDS]:
                lines.append(f"    {record_id}: {failure.offenders[record_id]}")
            if len(failure.offenders) > SHOWN_IDS:
                lines.append(f"    ... and {len(failure.offenders) - SHOWN_IDS} more (see the gate report file)")
        lines.append("Fix or remove these records in the curated table (or the --from file) and publish again.")
        return "\n".join(lines)


PiiDetector = Callable[[str], Sequence]


def _licence_offenders(frame: pl.DataFrame, settings: Settings) -> dict[str, str]:
    bad = frame.with_columns(effective_license_expr(settings)).filter(
        pl.col("license").is_null() | (pl.col("license").str.strip_chars() == "")
    )
    return {row["id"]: f"source {row['source']}: no licence in its origin and none configured for it"
            for row in bad.select("id", "source").iter_rows(named=True)}


def _provenance_offenders(frame: pl.DataFrame) -> dict[str, str]:
    origin = pl.col("origin").struct

    def missing(expr: pl.Expr) -> pl.Expr:
        return expr.is_null() | (expr.str.strip_chars() == "")

    checks = {
        "synthetic": [("origin.model", origin.field("model")), ("origin.template_id", origin.field("template_id"))],
        "donation": [("origin.donor", origin.field("donor")), ("origin.dataset", origin.field("dataset"))],
        "annotation": [("annotation.dataset", pl.col("annotation").struct.field("dataset"))],
    }
    out: dict[str, str] = {}
    for source, fields in checks.items():
        flagged = frame.filter(pl.col("source") == source).select(
            "id", *[missing(expr).alias(name) for name, expr in fields]
        )
        for row in flagged.iter_rows(named=True):
            lacking = [name for name, _ in fields if row[name]]
            if lacking:
                out[row["id"]] = f"{source} record without {', '.join(lacking)}"
    return out


def _language_offenders(frame: pl.DataFrame, settings: Settings) -> dict[str, str]:
    bad = frame.filter(~pl.col("lang").is_in(settings.allowed_langs)).select("id", "lang")
    allowed = ",".join(settings.allowed_langs)
    return {row["id"]: f"language {row['lang']!r} not in allowed_langs ({allowed})" for row in bad.iter_rows(named=True)}


def _pii_offenders(frame: pl.DataFrame, detect: PiiDetector,
                   on_progress: Callable[[int], None] | None) -> tuple[dict[str, str], int]:
    out: dict[str, str] = {}
    n_texts = 0
    texts = frame.select("id", *TEXT_FIELDS, pl.col("origin").struct.field("original_output"))
    for row in texts.iter_rows(named=True):
        found = []
        for name in SCANNED_FIELDS:
            text = row[name]
            if not text:
                continue
            n_texts += 1
            found.extend(f"{name}: {span.entity_type}" for span in detect(text))
        if found:
            out[row["id"]] = "PII found by the re-scan: " + ", ".join(sorted(set(found)))
        if on_progress is not None:
            on_progress(1)
    return out, n_texts


def check_gates(frame: pl.DataFrame, settings: Settings, *, detect_pii: PiiDetector,
                on_progress: Callable[[int], None] | None = None) -> GateReport:
    """Run every gate over store-layout records; the report lists each failing gate with its offending ids.

    `detect_pii`: the PII filter's detector, passed in by the flow (`flows/publish.py`; a stage does not import
    another stage); `on_progress(n)` is called as records are scanned.
    """
    report = GateReport(n_records=frame.height)
    detect = detect_pii
    gates = [
        ("licence", "every record has a licence", _licence_offenders(frame, settings)),
        ("provenance", "every record names its generator and template, or its donor and dataset, "
                       "or its annotation dataset", _provenance_offenders(frame)),
        ("language", f"languages allowed: {', '.join(settings.allowed_langs)}", _language_offenders(frame, settings)),
    ]
    pii, report.n_texts_scanned = _pii_offenders(frame, detect, on_progress)
    gates.append(("pii", "a final re-scan with corpus600m.filters.pii.detect_pii finds no PII", pii))
    report.failures = [GateFailure(name, rule, offenders) for name, rule, offenders in gates if offenders]
    return report
