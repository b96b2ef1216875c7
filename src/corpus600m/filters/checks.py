"""The checks of the filter stage, as an ordered list sharing one small protocol.

A check takes a whole `Batch` of records and gives one `Outcome` per record: the reasons to reject it, soft
flags, and the record fields it sets (`lang`, redacted texts, `pii`, `variety_check`...). Each check does its
own vectorized pass over the batch first (polars, Rust regex, numpy, one NER call for the batch) and then
decides each record from that record alone, so any partitioning of the records gives the same decisions.
`CHECKS` is the order they run in; a check may read what an earlier one left in `Batch.shared` (the quality
check reads the per-field languages the language check found). Adding a check is one class and one entry in
`CHECKS`. Duplicates are not a check: whether a record repeats another depends on the order of the whole
stream, so `pipeline.assemble` decides them after the checks, in one place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from corpus600m.filters.judge_gate import judge_issue
from corpus600m.filters.language import MIN_LETTERS, UNDETERMINED, guess_language
from corpus600m.filters.language_cues import CueCounts, count_cues_batch
from corpus600m.filters.language_text import (
    clean_for_detection_batch,
    letter_count_batch,
)
from corpus600m.filters.pii import apply_pii_policy, detect_pii, propagate_findings
from corpus600m.filters.pii_people import prefetch_ner
from corpus600m.filters.pii_triggers import triggered_groups_batch
from corpus600m.filters.quality import QualityConfig, batch_hints, quality_issues
from corpus600m.filters.variety import check_variety, record_text, variety_issue
from corpus600m.records import Record, RejectReason
from corpus600m.settings import Settings

FIELDS = ("instruction", "input", "output")
MIN_FIELD_LETTERS_FOR_MIXED = 40  # a field shorter than this is not judged on its own language
MIXED_CHECK_BELOW = 0.9  # combined-text confidence under which each field's language is checked
LENIENT_LETTERS = 60  # below this, a low-confidence non-allowed verdict does not reject a record


@dataclass
class Batch:
    """The records a check runs on, their fields, the settings, and what earlier checks left for later ones."""

    records: list[Record]
    settings: Settings
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self.values = {name: [getattr(r, name) for r in self.records] for name in FIELDS}


@dataclass
class Outcome:
    """One check's verdict on one record: reasons to reject it, soft flags, and the record fields it sets."""

    reasons: list[RejectReason] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    update: dict[str, Any] = field(default_factory=dict)


class Check(Protocol):
    name: str

    def __call__(self, batch: Batch) -> list[Outcome]: ...


def _combined(cleaned: dict[str, str]) -> str:
    """The record's cleaned fields as one text: what its language is judged on."""
    return " ".join(t for t in cleaned.values() if t)


class LanguageCheck:
    """fastText (lid.176) plus the lexical cues of `language_cues`/`language_contact`: a record whose language
    is not allowed is rejected (`language`); sets `lang`, `lang_score`; leaves the per-field verdicts (only
    computed when the combined one is unsure) in `shared["field_langs"]` for the quality check."""

    name = "language"

    def __call__(self, batch: Batch) -> list[Outcome]:
        cleaned = {name: clean_for_detection_batch(batch.values[name]) for name in FIELDS}
        letters = {name: letter_count_batch(cleaned[name]) for name in FIELDS}
        n = len(batch.records)
        fields = [{name: cleaned[name][i] for name in FIELDS} for i in range(n)]
        # the cue count of each record's combined text, for those long enough to need one (`guess_language`
        # skips it only when fastText is very sure of Spanish, which is rare: counting the few extra costs less
        # than running fastText apart first)
        need = [i for i in range(n) if sum(letters[name][i] for name in FIELDS) >= MIN_LETTERS]
        cues: list[CueCounts | None] = [None] * n
        for i, counts in zip(need, count_cues_batch([_combined(fields[i]) for i in need]), strict=True):
            cues[i] = counts
        outcomes, field_langs = [], []
        for i, record in enumerate(batch.records):
            lang, score, reasons, flags, per_field = self.decide(
                record, batch.settings, fields[i], {name: letters[name][i] for name in FIELDS}, cues[i])
            outcomes.append(Outcome(reasons, flags, {"lang": lang, "lang_score": score}))
            field_langs.append(per_field)
        batch.shared["field_langs"] = field_langs
        return outcomes

    @staticmethod
    def decide(record: Record, settings: Settings, cleaned: dict[str, str], letters: dict[str, int],
               cues: CueCounts | None = None) -> tuple[str, float | None, list[RejectReason], list[str], dict]:
        """(lang, lang_score, reasons, soft flags, per-field verdicts) for one record, from its cleaned fields,
        their letter counts and (when already computed for the batch) the lexical cues of their combined text."""
        allowed = set(settings.allowed_langs)
        combined = _combined(cleaned)
        guess = guess_language(combined, cleaned=True, letters=sum(letters.values()),  # the joining spaces add none
                               cues=cues)
        per_field = {}
        # a record whose fields are in different languages makes the combined verdict unsure: only then per field
        unsure = guess.lang == UNDETERMINED or guess.score < MIXED_CHECK_BELOW
        for name, text in cleaned.items():
            if unsure and letters[name] >= MIN_FIELD_LETTERS_FOR_MIXED:
                g = guess_language(text, cleaned=True, letters=letters[name])
                per_field[name] = (g.lang, g.score)
        if guess.lang == UNDETERMINED:
            return record.lang, None, [], ["lang:undetermined"], per_field
        if guess.lang in allowed:
            flags = [] if guess.score >= settings.filter_min_lang_score else ["lang:low_confidence"]
            return guess.lang, round(guess.score, 4), [], flags, per_field
        best_allowed = max(((lang, guess.probs.get(lang, 0.0)) for lang in allowed), key=lambda kv: kv[1])
        if guess.letters < LENIENT_LETTERS and guess.score < settings.filter_min_lang_score and best_allowed[1] >= 0.2:
            return best_allowed[0], round(best_allowed[1], 4), [], ["lang:lenient_short_text"], per_field
        detail = f"detected {guess.lang} ({guess.score:.2f}; {guess.reason}); allowed: {', '.join(sorted(allowed))}"
        return (record.lang, round(guess.probs.get(record.lang, 0.0), 4),
                [RejectReason(code="language", detail=detail)], [], per_field)


class PiiCheck:
    """Presidio recognizers + the Spanish NER model (`pii.detect_pii`), run only where the batch's cheap triggers
    say PII may be; a value found in one field is redacted in all (`propagate_findings`). Sets the redacted
    texts and `pii`; rejects (`pii`) where the policy says reject."""

    name = "pii"

    def __call__(self, batch: Batch) -> list[Outcome]:
        settings = batch.settings
        groups = {name: triggered_groups_batch(batch.values[name]) for name in FIELDS}
        prefetch_ner([batch.values[name][i] for name in FIELDS for i in range(len(batch.records))
                      if "caps" in groups[name][i]])
        outcomes = []
        for i in range(len(batch.records)):
            values = {name: batch.values[name][i] for name in FIELDS}
            # no trigger matched: no recognizer can find anything (the common case)
            spans = {name: detect_pii(values[name], min_score=settings.filter_pii_min_score, groups=groups[name][i])
                     if values[name] and groups[name][i] else [] for name in FIELDS}
            if any(spans.values()):
                spans = propagate_findings(values, spans)
            texts: dict[str, str | None] = {}
            findings, rejecting = [], []
            for name in FIELDS:
                if not spans[name]:
                    texts[name] = values[name]
                    continue
                texts[name], field_findings, field_rejecting = apply_pii_policy(
                    name, values[name], spans[name], settings.filter_pii_policy, settings.filter_pii_default_action)
                findings.extend(field_findings)
                rejecting.extend(field_rejecting)
            outcome = Outcome(update={**texts, "pii": findings})
            if rejecting:
                counts = Counter(rejecting)
                outcome.reasons.append(RejectReason(code="pii", detail="policy rejects: " + ", ".join(
                    f"{t}×{n}" for t, n in sorted(counts.items()))))
            if any(f.action == "redacted" for f in findings):
                outcome.flags.append("pii:redacted")
            outcomes.append(outcome)
        return outcomes


class QualityCheck:
    """Length, refusals, repetition, echoes, template leftovers, mixed languages (`quality.quality_issues`), with
    the batch's vectorized prechecks (`batch_hints`) and the language check's per-field verdicts."""

    name = "quality"

    def __call__(self, batch: Batch) -> list[Outcome]:
        settings = batch.settings
        config = QualityConfig(settings.filter_min_instruction_chars, settings.filter_min_output_chars,
                               settings.filter_max_field_chars)
        hints = batch_hints(batch.values["instruction"], batch.values["output"], settings.filter_max_field_chars,
                            max_top_trigram_fraction=config.max_top_trigram_fraction)
        field_langs = batch.shared.get("field_langs") or [{}] * len(batch.records)
        return [Outcome([RejectReason(code=code, detail=detail) for code, detail in quality_issues(
                    record.instruction, record.input, record.output, config=config, field_langs=field_langs[i],
                    hints=hints[i])])
                for i, record in enumerate(batch.records)]


class VarietyCheck:
    """Forms of address and regional words against the variety a record claims (`variety.check_variety`):
    `quality:variety_mismatch`; sets `variety_check`."""

    name = "variety"

    def __call__(self, batch: Batch) -> list[Outcome]:
        outcomes = []
        for record in batch.records:
            check = (check_variety(record_text(record), record.variety) if batch.settings.filter_variety_check
                     else record.variety_check)
            issue = variety_issue(check, record.variety) if check else None
            outcomes.append(Outcome([RejectReason(code=issue[0], detail=issue[1])] if issue else [],
                                    update={"variety_check": check}))
        return outcomes


class JudgeGate:
    """The LLM judge's score, when the record has one, against `CORPUS600M_JUDGE_MIN_SCORE` (`quality:judge`)."""

    name = "judge"

    def __call__(self, batch: Batch) -> list[Outcome]:
        outcomes = []
        for record in batch.records:
            issue = judge_issue(record, batch.settings.judge_min_score)
            outcomes.append(Outcome([RejectReason(code=issue[0], detail=issue[1])] if issue else []))
        return outcomes


CHECKS: tuple[Check, ...] = (LanguageCheck(), PiiCheck(), QualityCheck(), VarietyCheck(), JudgeGate())
