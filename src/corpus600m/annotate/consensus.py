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

import krippendorff
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
    ranked = Counter(values).most_common()
    top_count = ranked[0][1]
    share = top_count / len(values)
    if len(ranked) > 1 and ranked[1][1] == top_count:
        return None, share
    return ranked[0][0], share


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
    problem_counts = Counter(p for r in submitted for p in set(r.values.get(PROBLEMAS) or []))
    problemas = [p for p in PROBLEMAS_LABELS if problem_counts[p] * 2 > len(submitted)]
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
    array, which for 100k records and 20 countries is hundreds of MB. None where the library raises
    (one value in the domain, no unit coded twice) or alpha is 0/0 (no disagreement possible).
    """
    n_values = counts.shape[1]
    coded = counts.sum(axis=1)
    pairable = coded > 1
    if n_values < 2 or not pairable.any():
        return None
    table = counts[pairable]
    weighted = table / (coded[pairable] - 1)[:, None]
    observed = weighted.T @ table - np.diag(weighted.sum(axis=0))
    n_v = observed.sum(axis=0)
    total = n_v.sum()
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


def alpha_timeline(scopes: dict[str, Sequence[AnnotatorResponse]], questions: Sequence[str],
                   points: int = 10) -> dict[str, Any]:
    """Krippendorff's alpha of each question as it stood at the end of each annotation day (UTC), per scope
    (e.g. workspace) and over all scopes, on submitted responses; at most `points` days, evenly picked, the
    last one always in. Scopes must not share records (a record lives in one workspace).

    Returns {"dates": [ISO dates], "all": {question: [alpha | None per date]}, "scopes": {scope: {question: [...]}}}.
    """
    submitted = {name: [r for r in rs if r.status == SUBMITTED] for name, rs in scopes.items()}
    def stamp(r: AnnotatorResponse) -> float:
        return r.updated_at.timestamp() if r.updated_at else -math.inf
    days = sorted({r.updated_at.astimezone(UTC).date() for rs in submitted.values() for r in rs if r.updated_at})
    if len(days) > points:
        days = [days[round(i * (len(days) - 1) / (points - 1))] for i in range(points)]
    cutoffs = [datetime.combine(day, time.max, tzinfo=UTC).timestamp() for day in days]
    out: dict[str, Any] = {"dates": [d.isoformat() for d in days], "all": {},
                           "scopes": {name: {} for name in scopes}}
    for question in questions:
        encoded = {}
        all_values: set = set()
        for name, rs in submitted.items():
            units, values, owners = _codings(rs, question)
            times = np.array([stamp(rs[i]) for i in owners], dtype=float)
            encoded[name] = (units, values, times)
            all_values.update(values)
        domain = np.array(sorted(all_values))
        tables = {}
        for name, (units, values, times) in encoded.items():
            if not units:
                continue
            _, unit_index = np.unique(np.asarray(units), return_inverse=True)
            tables[name] = (unit_index, np.searchsorted(domain, np.asarray(values)), times, int(unit_index.max()) + 1)
        ordinal = question == CALIDAD
        out["all"][question] = []
        for name in scopes:
            out["scopes"][name][question] = []
        for cutoff in cutoffs:
            stacked = []
            for name in scopes:
                if name not in tables:
                    out["scopes"][name][question].append(None)
                    continue
                unit_index, value_index, times, n_units = tables[name]
                keep = times <= cutoff
                counts = np.bincount(unit_index[keep] * len(domain) + value_index[keep],
                                     minlength=n_units * len(domain)).reshape(n_units, len(domain)).astype(float)
                stacked.append(counts)
                out["scopes"][name][question].append(alpha_from_counts(counts, ordinal))
            out["all"][question].append(alpha_from_counts(np.vstack(stacked), ordinal) if stacked else None)
    return out


@dataclass
class DatasetConsensus:
    """Consensus of every record of one dataset scope, the alpha of each question, and the pending ones."""

    by_record: dict[str, RecordConsensus]
    alpha: dict[str, float | None]
    pending: list[str]  # records with fewer submitted responses than min_submitted


def dataset_consensus(responses: Sequence[AnnotatorResponse], record_ids: Iterable[str],
                      min_submitted: int) -> DatasetConsensus:
    """Consensus for the records with at least `min_submitted` submitted responses; alpha over all submitted."""
    by_id: dict[str, list[AnnotatorResponse]] = {}
    for response in responses:
        by_id.setdefault(response.record_id, []).append(response)
    done: dict[str, RecordConsensus] = {}
    pending: list[str] = []
    for record_id in record_ids:
        consensus = record_consensus(record_id, by_id.get(record_id, []))
        if consensus.n_submitted >= min_submitted:
            done[record_id] = consensus
        else:
            pending.append(record_id)
    alpha = {q: krippendorff_alpha(responses, q) for q in (*ALPHA_QUESTIONS, PROBLEMAS)}
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
