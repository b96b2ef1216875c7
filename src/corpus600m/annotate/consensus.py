"""Consensus per record and Krippendorff's alpha per question, from annotators' responses.

Pure functions over plain data (no Argilla import): `pull` turns what the server returns into
`AnnotatorResponse`s and calls `dataset_consensus`.

Rules (what the organizers agreed, and why):
- only *submitted* responses count; drafts and discarded responses are reported, never voted;
- labels (`pais`, `variedad`, `es_correcta`): majority; a tie has no consensus (None) and is sent to review;
- `calidad`: the median (so 3, 4, 5 -> 4; 4, 5 -> 4.5);
- `problemas`: a problem is kept when more than half of the submitting annotators marked it;
- `respuesta_corregida`: the most frequent correction among annotators who voted the consensus `es_correcta`;
- per-record agreement: the weakest question's share of annotators agreeing with the consensus (for
  `calidad`, within one point of the median). Below the threshold -> `needs_review`;
- Krippendorff's alpha per question (the `krippendorff` library; nominal for labels, ordinal for the rating)
  over every record of a dataset scope; None when undefined (fewer than two values, or no unit coded twice).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

import numpy as np

from corpus600m.annotate.design import (
    CALIDAD,
    ES_CORRECTA,
    LABEL_QUESTIONS,
    PAIS,
    PROBLEMAS,
    PROBLEMAS_LABELS,
    RESPUESTA_CORREGIDA,
    VARIEDAD,
)
from corpus600m.records import Annotation, normalize_text

SUBMITTED = "submitted"
ALPHA_QUESTIONS = (PAIS, VARIEDAD, CALIDAD, ES_CORRECTA)  # the ones `Annotation` keeps an alpha for


@dataclass(frozen=True)
class AnnotatorResponse:
    """One annotator's response to one record, as read from Argilla (values may be missing)."""

    record_id: str
    user: str
    status: str  # submitted | discarded | draft
    values: dict[str, Any] = field(default_factory=dict)  # question name -> value; absent when unanswered
    updated_at: datetime | None = None


@dataclass(frozen=True)
class RecordConsensus:
    """What the annotators of one record agreed on."""

    record_id: str
    n_submitted: int
    pais: str | None
    variedad: str | None
    calidad: float | None
    es_correcta: str | None
    problemas: list[str]
    respuesta_corregida: str | None
    agreement: float | None  # weakest question's share agreeing with the consensus
    agreement_by_question: dict[str, float]


def majority(values: Sequence[str]) -> tuple[str | None, float]:
    """The most frequent value and its share; (None, share) on a tie for first place, (None, 0) when empty."""
    if not values:
        return None, 0.0
    if values.count(values[0]) == len(values):  # unanimous: most records, checked at C speed
        return values[0], 1.0
    counts: dict[str, int] = {}
    for value in values:  # a plain dict: this runs for every question of every record of a sprint
        counts[value] = counts.get(value, 0) + 1
    top_count = max(counts.values())
    leaders = [value for value, count in counts.items() if count == top_count]
    share = top_count / len(values)
    return (leaders[0] if len(leaders) == 1 else None), share


def median_rating(values: Sequence[int | float]) -> tuple[float | None, float]:
    """The median rating and the share of ratings within one point of it; (None, 0) when empty."""
    if not values:
        return None, 0.0
    median = float(statistics.median(values))
    return median, sum(abs(v - median) <= 1 for v in values) / len(values)


def record_consensus(record_id: str, responses: Iterable[AnnotatorResponse]) -> RecordConsensus:
    """The consensus of the *submitted* responses to one record (other statuses are ignored)."""
    submitted = [r for r in responses if r.status == SUBMITTED and r.record_id == record_id]
    agreement: dict[str, float] = {}
    labels: dict[str, str | None] = {}
    for question in LABEL_QUESTIONS:
        answers = [r.values[question] for r in submitted if r.values.get(question) is not None]
        labels[question], share = majority(answers)
        if answers:
            agreement[question] = share
    ratings = [r.values[CALIDAD] for r in submitted if r.values.get(CALIDAD) is not None]
    calidad, share = median_rating(ratings)
    if ratings:
        agreement[CALIDAD] = share
    marked = [p for r in submitted for p in set(r.values.get(PROBLEMAS) or ())]
    problemas = [p for p in PROBLEMAS_LABELS if marked.count(p) * 2 > len(submitted)] if marked else []
    return RecordConsensus(
        record_id=record_id,
        n_submitted=len(submitted),
        pais=labels[PAIS],
        variedad=labels[VARIEDAD],
        calidad=calidad,
        es_correcta=labels[ES_CORRECTA],
        problemas=problemas,
        respuesta_corregida=_consensus_correction(submitted, labels[ES_CORRECTA]),
        agreement=min(agreement.values()) if agreement else None,
        agreement_by_question=agreement,
    )


def _consensus_correction(submitted: list[AnnotatorResponse], es_correcta: str | None) -> str | None:
    """Most frequent non-empty correction (by normalized text) from those who voted the consensus; latest on a tie."""
    candidates = [r for r in submitted
                  if r.values.get(ES_CORRECTA) == es_correcta and (r.values.get(RESPUESTA_CORREGIDA) or "").strip()]
    if es_correcta is None or not candidates:
        return None
    counts = Counter(normalize_text(r.values[RESPUESTA_CORREGIDA]) for r in candidates)
    latest_first = sorted(candidates, key=lambda r: r.updated_at or datetime.min, reverse=True)
    best = max(counts.values())
    for response in latest_first:
        if counts[normalize_text(response.values[RESPUESTA_CORREGIDA])] == best:
            return response.values[RESPUESTA_CORREGIDA].strip()
    return None


def krippendorff_alpha(responses: Iterable[AnnotatorResponse], question: str) -> float | None:
    """Krippendorff's alpha of one question over the records in `responses` (submitted ones only).

    Nominal for labels, ordinal for `calidad`. `problemas` is multi-label: each (record, problem) pair
    is a binary nominal unit. None when alpha is undefined for the data.
    """
    submitted = [r for r in responses if r.status == SUBMITTED]
    if len({r.user for r in submitted}) < 2:
        return None
    units, values, _ = _codings(submitted, question)
    return alpha_of_codings(units, values, question)


def _codings(submitted: Sequence[AnnotatorResponse], question: str) -> tuple[list[str], list, list[int]]:
    """(unit, value, response index) of every coding of `question`: one per response that answered it, or one
    per (record, problem) for `problemas` (each response codes every problem, marked or not)."""
    units: list[str] = []
    values: list = []
    owners: list[int] = []
    if question == PROBLEMAS:
        for i, r in enumerate(submitted):
            marked = r.values.get(PROBLEMAS) or []
            for p in PROBLEMAS_LABELS:
                units.append(f"{r.record_id}\x1f{p}")
                values.append(float(p in marked))
                owners.append(i)
        return units, values, owners
    cast = float if question == CALIDAD else str
    for i, r in enumerate(submitted):
        value = r.values.get(question)
        if value is not None:
            units.append(r.record_id)
            values.append(cast(value))
            owners.append(i)
    return units, values, owners


def alpha_of_codings(units: Sequence[Any], values: Sequence[Any], question: str) -> float | None:
    """Krippendorff's alpha from parallel lists of (unit, value) codings, each by a different coder of its unit."""
    if not units:
        return None
    _, unit_index = np.unique(np.asarray(units), return_inverse=True)
    domain, value_index = np.unique(np.asarray(values), return_inverse=True)
    counts = np.zeros((int(unit_index.max()) + 1, len(domain)))
    np.add.at(counts, (unit_index, value_index), 1)
    return alpha_from_counts(counts, ordinal=question == CALIDAD)


def alpha_from_counts(counts: np.ndarray, ordinal: bool) -> float | None:
    """Krippendorff's alpha of a units x values table of counts (columns: the sorted value domain).

    The formulas of the `krippendorff` library (its `value_counts` input; a test checks both agree), with the
    coincidence matrix computed as one values x values product: the library builds a units x values x values
    array, which for 100k records and 20 countries is hundreds of MB.
    """
    return alpha_from_coincidences(coincidences(counts), ordinal)


def coincidences(counts: np.ndarray) -> np.ndarray:
    """The values x values coincidence matrix of a units x values count table (units coded once add nothing).

    Coincidences of disjoint sets of units add up, so a dataset's matrix is the sum of its workspaces'.
    """
    coded = counts.sum(axis=1)
    pairable = coded > 1
    table = counts[pairable]
    weighted = table / (coded[pairable] - 1)[:, None]
    return weighted.T @ table - np.diag(weighted.sum(axis=0))


def alpha_from_coincidences(observed: np.ndarray, ordinal: bool) -> float | None:
    """Alpha from a coincidence matrix; None where the library raises (one value in the domain, no unit coded
    twice) or alpha is 0/0 (no disagreement possible by chance)."""
    n_values = observed.shape[0]
    n_v = observed.sum(axis=0)
    total = n_v.sum()
    if n_values < 2 or total == 0:
        return None
    expected = (np.outer(n_v, n_v) - np.diag(n_v)) / (total - 1)
    if ordinal:
        low = np.minimum.outer(np.arange(n_values), np.arange(n_values))
        high = np.maximum.outer(np.arange(n_values), np.arange(n_values))
        cumulative = np.concatenate([[0.0], np.cumsum(n_v)])
        distance = (cumulative[high + 1] - cumulative[low] - (n_v[low] + n_v[high]) / 2) ** 2
    else:
        distance = 1.0 - np.eye(n_values)
    denominator = float((expected * distance).sum())
    if denominator == 0 or math.isnan(denominator):
        return None
    return 1.0 - float((observed * distance).sum()) / denominator


@dataclass(frozen=True)
class _Scope:
    """The submitted responses of one scope, as arrays: each response's record index and time."""

    responses: Sequence[AnnotatorResponse]
    record: np.ndarray
    time: np.ndarray
    n_records: int

    @classmethod
    def of(cls, submitted: Sequence[AnnotatorResponse]) -> _Scope:
        index: dict[str, int] = {}
        record = np.fromiter((index.setdefault(r.record_id, len(index)) for r in submitted), np.int64, len(submitted))
        stamps = np.fromiter((r.updated_at.timestamp() if r.updated_at else -math.inf for r in submitted),
                             float, len(submitted))
        return cls(submitted, record, stamps, len(index))

    def codings(self, question: str, domain: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """(unit, value index into `domain`, time) of each coding, and the number of units; `domain` grows as
        values appear. `problemas` has one binary unit per (record, problem)."""
        if question == PROBLEMAS:
            problems = list(PROBLEMAS_LABELS)
            marks = np.zeros((len(self.responses), len(problems)), dtype=np.int64)
            for i, r in enumerate(self.responses):
                if chosen := r.values.get(PROBLEMAS):  # most responses mark none
                    marks[i] = [p in chosen for p in problems]
            for flag in (0.0, 1.0):
                domain.setdefault(flag, len(domain))
            codes = np.array([domain[0.0], domain[1.0]])[marks]
            units = self.record[:, None] * len(problems) + np.arange(len(problems))
            times = np.repeat(self.time, len(problems))
            return units.ravel(), codes.ravel(), times, self.n_records * len(problems)
        cast = float if question == CALIDAD else str
        raw = [r.values.get(question) for r in self.responses]
        present = np.fromiter((v is not None for v in raw), bool, len(raw))
        codes = np.fromiter((domain.setdefault(cast(v), len(domain)) for v in raw if v is not None), np.int64)
        return self.record[present], codes, self.time[present], self.n_records


def alpha_timeline(scopes: dict[str, Sequence[AnnotatorResponse]], questions: Sequence[str],
                   points: int = 10) -> dict[str, Any]:
    """Krippendorff's alpha of each question at the end of each annotation day (UTC) and now, per scope (e.g.
    workspace) and over all scopes, on submitted responses. At most `points` days, evenly picked, the last one
    always in. Scopes must not share records (a record lives in one workspace). The values equal
    `krippendorff_alpha` of the responses up to each cutoff; computed from integer count tables, in one pass.

    Returns {"dates": [ISO dates], "all": {q: [alpha | None per date]}, "scopes": {scope: {q: [...]}},
             "final": {"all": {q: alpha}, "scopes": {scope: {q: alpha}}}}.
    """
    submitted = {name: [r for r in rs if r.status == SUBMITTED] for name, rs in scopes.items()}
    days = sorted({r.updated_at.astimezone(UTC).date() for rs in submitted.values() for r in rs if r.updated_at})
    if len(days) > points:
        days = [days[round(i * (len(days) - 1) / (points - 1))] for i in range(points)]
    cutoffs = [datetime.combine(day, time.max, tzinfo=UTC).timestamp() for day in days] + [math.inf]
    arrays = {name: _Scope.of(rs) for name, rs in submitted.items()}
    series: dict[str, dict[str, list]] = {name: {} for name in ["", *scopes]}  # "" = all scopes
    for question in questions:
        domain: dict = {}
        encoded = {name: scope.codings(question, domain) for name, scope in arrays.items()}
        # columns in sorted value order: the ordinal metric of `calidad` reads them as ranks
        order = np.argsort(np.argsort(np.array(list(domain), dtype=float if question == CALIDAD else object)))
        n_values = len(domain)
        ordinal = question == CALIDAD
        for values in series.values():
            values[question] = []
        # each scope counts only the values it holds (a country's workspace: one or two of 23 countries)
        local = {}
        for name, (units, values, times, n_units) in encoded.items():
            ranks = order[values]
            present = np.unique(ranks)
            local[name] = (units, np.searchsorted(present, ranks), times, n_units, present)
        for cutoff in cutoffs:
            total = np.zeros((n_values, n_values))
            for name, (units, values, times, n_units, present) in local.items():
                keep = times <= cutoff
                width = len(present)
                counts = np.bincount(units[keep] * width + values[keep],
                                     minlength=n_units * width).reshape(n_units, width).astype(float)
                observed = coincidences(counts)
                total[np.ix_(present, present)] += observed
                series[name][question].append(alpha_from_coincidences(observed, ordinal))
            series[""][question].append(alpha_from_coincidences(total, ordinal))
    def past(values: dict[str, list]) -> dict[str, list]:
        return {q: v[:-1] for q, v in values.items()}
    return {"dates": [d.isoformat() for d in days], "all": past(series[""]),
            "scopes": {name: past(series[name]) for name in scopes},
            "final": {"all": {q: v[-1] for q, v in series[""].items()},
                      "scopes": {name: {q: v[-1] for q, v in series[name].items()} for name in scopes}}}


@dataclass
class DatasetConsensus:
    """Consensus of every record of one dataset scope, the alpha of each question, and the pending ones."""

    by_record: dict[str, RecordConsensus]
    alpha: dict[str, float | None]
    pending: list[str]  # records with fewer submitted responses than min_submitted


def dataset_consensus(responses: Sequence[AnnotatorResponse], record_ids: Iterable[str],
                      min_submitted: int, with_alpha: bool = True) -> DatasetConsensus:
    """Consensus for the records with at least `min_submitted` submitted responses; alpha over all submitted
    (left empty with `with_alpha=False`, for callers that compute it with `alpha_timeline`)."""
    by_id: dict[str, list[AnnotatorResponse]] = {}
    for response in responses:
        by_id.setdefault(response.record_id, []).append(response)
    done: dict[str, RecordConsensus] = {}
    pending: list[str] = []
    for record_id in record_ids:
        responses_of = by_id.get(record_id, ())
        if sum(r.status == SUBMITTED for r in responses_of) < min_submitted:
            pending.append(record_id)
        else:
            done[record_id] = record_consensus(record_id, responses_of)
    alpha = {q: krippendorff_alpha(responses, q) for q in (*ALPHA_QUESTIONS, PROBLEMAS)} if with_alpha else {}
    return DatasetConsensus(done, alpha, pending)


def is_disputed(consensus: RecordConsensus, agreement_threshold: float) -> bool:
    """Whether a record needs review: a label without majority, no rating, or agreement below the threshold."""
    no_majority = any(getattr(consensus, q) is None for q in LABEL_QUESTIONS) or consensus.calidad is None
    return no_majority or consensus.agreement is None or consensus.agreement < agreement_threshold


def to_annotation(consensus: RecordConsensus, dataset: str, alpha: dict[str, float | None],
                  agreement_threshold: float) -> Annotation:
    """The `Annotation` kept on the record; `needs_review` when agreement is low or a label has no majority."""
    return Annotation(
        dataset=dataset,
        n_annotators=consensus.n_submitted,
        pais=consensus.pais,
        variedad=consensus.variedad,
        calidad=consensus.calidad,
        es_correcta=consensus.es_correcta,
        problemas=consensus.problemas,
        respuesta_corregida=consensus.respuesta_corregida,
        agreement=consensus.agreement,
        alpha_pais=alpha.get(PAIS),
        alpha_variedad=alpha.get(VARIEDAD),
        alpha_calidad=alpha.get(CALIDAD),
        alpha_es_correcta=alpha.get(ES_CORRECTA),
        needs_review=is_disputed(consensus, agreement_threshold),
    )


def is_accepted(annotation: Annotation, quality_threshold: float) -> bool:
    """Whether an annotated record moves on to curated: agreed, correct (or corrected), good enough, no problems."""
    if annotation.needs_review or annotation.problemas or annotation.calidad is None:
        return False
    correct = annotation.es_correcta == "si" or (annotation.es_correcta == "parcial" and bool(annotation.respuesta_corregida))
    return correct and annotation.calidad >= quality_threshold
