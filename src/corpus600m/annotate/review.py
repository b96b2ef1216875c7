"""The review round: records the annotators disagreed on go to reviewers, whose answer is final.

`push_review(dataset)` takes every `needs_review` record of `dataset` (a tie, or agreement below the
threshold) to the dataset `<dataset>-revision` in the same workspace, with:
- the first round's most voted answer to each question as an Argilla *suggestion* (score = its share of votes);
- a field «Desacuerdo de la primera ronda» listing each (unnamed) annotator's answers and where they split;
- review guidelines in Spanish (`review_guidelines_es.md`) above the annotation guidelines;
- a task distribution of one response: one reviewer decides.

Argilla has no per-dataset permissions, so the annotators of a workspace can see its review dataset too;
only the responses of *reviewers* count: users with the `reviewer` role in the users CSV (recorded in
`<data dir>/annotate/roles.csv`) and Argilla owners and admins. `pull` then takes the reviewers' answer as
the record's final annotation (`apply_review`): `reviewed_by` = reviewers who submitted, `round` = 2.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus600m.annotate import design
from corpus600m.annotate.client import AnnotateError, find_datasets, get_json
from corpus600m.annotate.consensus import SUBMITTED, AnnotatorResponse, dataset_consensus, record_consensus, to_annotation
from corpus600m.annotate.snapshot import ArgillaRecord, WorkspaceSnapshot, take_snapshot
from corpus600m.records import Annotation
from corpus600m.settings import Settings, get_settings

if TYPE_CHECKING:
    import argilla as rg

REVIEW_SUFFIX = "-revision"
DISAGREEMENT_FIELD = "desacuerdo"
REVIEW_ROUND = 2
ROLES_FILE = "roles.csv"
REVIEWER_ROLE = "reviewer"
ARGILLA_REVIEWER_ROLES = ("owner", "admin")  # organizers may always settle a record
BATCH = 200


def review_dataset_name(dataset: str) -> str:
    """The review dataset of `dataset` (same workspaces): `<dataset>-revision`."""
    return f"{dataset}{REVIEW_SUFFIX}"


@cache
def review_guidelines() -> str:
    """Spanish review guidelines, followed by the annotation guidelines."""
    text = resources.files("corpus600m.annotate").joinpath("review_guidelines_es.md").read_text(encoding="utf-8")
    return text + design.guidelines()


def roles_path(data_dir: Path) -> Path:
    return Path(data_dir) / "annotate" / ROLES_FILE


def read_roles(data_dir: Path) -> dict[str, str]:
    """username -> role from the users CSV as provisioned (annotator | reviewer | admin); empty when none."""
    path = roles_path(data_dir)
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["username"]: row["role"] for row in csv.DictReader(fh)}


def reviewers(client: rg.Argilla, data_dir: Path) -> set[str]:
    """Usernames whose responses in a review dataset count: CSV reviewers, Argilla owners and admins."""
    users = get_json(client, "/api/v1/users")["items"]
    by_csv = {name for name, role in read_roles(data_dir).items() if role == REVIEWER_ROLE}
    return by_csv | {u["username"] for u in users if u.get("role") in ARGILLA_REVIEWER_ROLES}


# ---- what the reviewer sees ------------------------------------------------------------------------

ANSWER_TEXT = {
    design.PAIS: lambda v: f"país {v}",
    design.VARIEDAD: lambda v: f"variedad {v}",
    design.CALIDAD: lambda v: f"calidad {v}",
    design.ES_CORRECTA: lambda v: f"¿correcta? {design.ES_CORRECTA_LABELS.get(v, v)}",
    design.PROBLEMAS: lambda v: "problemas: " + (", ".join(design.PROBLEMAS_LABELS.get(p, p) for p in v) or "ninguno"),
    design.RESPUESTA_CORREGIDA: lambda v: f"corrección: «{v.strip()}»",
}


def disagreement_text(responses: Sequence[AnnotatorResponse], agreement: dict[str, float], threshold: float) -> str:
    """What the first round answered, without names, and the questions it split on (Spanish, plain text)."""
    submitted = [r for r in responses if r.status == SUBMITTED]
    lines = [f"Primera ronda: {len(submitted)} respuesta(s) enviada(s)."]
    for n, response in enumerate(submitted, start=1):
        parts = [ANSWER_TEXT[q](response.values[q]) for q in ANSWER_TEXT
                 if response.values.get(q) not in (None, "", [])]
        lines.append(f"- Persona {n}: " + " · ".join(parts))
    split = []
    for question in (*design.LABEL_QUESTIONS, design.CALIDAD):
        answers = [r.values.get(question) for r in submitted if r.values.get(question) is not None]
        ranked = Counter(answers).most_common()
        title = design.QUESTION_BY_NAME[question].title
        if question != design.CALIDAD and len(ranked) > 1 and ranked[0][1] == ranked[1][1]:  # calidad: median
            split.append(f"{title}: empate")
        elif question in agreement and agreement[question] < threshold:
            split.append(f"{title}: acuerdo {agreement[question]:.0%}")
    lines.append("Sin acuerdo en: " + ("; ".join(split) if split else "ninguna pregunta (registro marcado a mano)"))
    return "\n".join(lines)


def first_round_suggestions(responses: Sequence[AnnotatorResponse]) -> list[tuple[str, Any, Any]]:
    """(question, most voted value, its share) for each question someone answered; ties take the first voted.
    `problemas`: every problem someone marked, each with its share."""
    submitted = [r for r in responses if r.status == SUBMITTED]
    out = []
    for question in (*design.LABEL_QUESTIONS, design.CALIDAD):
        answers = [r.values[question] for r in submitted if r.values.get(question) is not None]
        if answers:
            value, count = Counter(answers).most_common(1)[0]
            out.append((question, value, round(count / len(answers), 4)))
    corrections = [r.values[design.RESPUESTA_CORREGIDA].strip() for r in submitted
                   if (r.values.get(design.RESPUESTA_CORREGIDA) or "").strip()]
    if corrections:
        value, count = Counter(corrections).most_common(1)[0]
        out.append((design.RESPUESTA_CORREGIDA, value, round(count / len(submitted), 4)))
    problems = Counter(p for r in submitted for p in set(r.values.get(design.PROBLEMAS) or []))
    if problems:  # Argilla wants one score per suggested item of a multi-label question
        marked = [p for p in design.PROBLEMAS_LABELS if problems[p]]
        out.append((design.PROBLEMAS, marked, [round(problems[p] / len(submitted), 4) for p in marked]))
    return out


def build_review_settings(client: rg.Argilla) -> rg.Settings:
    """The annotation design with one response per record, the disagreement field and the review guidelines."""
    import argilla as rg

    settings = design.build_settings(1, client)
    settings.guidelines = review_guidelines()
    settings.fields.add(rg.TextField(name=DISAGREEMENT_FIELD, title="Desacuerdo de la primera ronda",
                                     use_markdown=False, required=True, client=client))
    return settings


def ensure_review_dataset(client: rg.Argilla, workspace: str, name: str) -> rg.Dataset:
    """The review dataset in `workspace`, created if missing."""
    import warnings

    import argilla as rg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        dataset = client.datasets(name=name, workspace=workspace)
    if dataset is None:
        dataset = rg.Dataset(name=name, workspace=workspace, settings=build_review_settings(client),
                             client=client).create()
    elif DISAGREEMENT_FIELD not in {f.name for f in dataset.settings.fields}:
        raise AnnotateError(f"dataset {name!r} in workspace {workspace!r} exists but is not a review dataset "
                            f"(no field {DISAGREEMENT_FIELD!r}); rename or delete it")
    return dataset


def review_record(record: ArgillaRecord, responses: Sequence[AnnotatorResponse], agreement: dict[str, float],
                  threshold: float) -> rg.Record:
    """The review version of a first-round record: same id, fields (already escaped) and metadata."""
    import argilla as rg

    fields = {k: v for k, v in record.fields.items() if k in design.FIELDS and v}
    fields[DISAGREEMENT_FIELD] = design.as_plain_text(disagreement_text(responses, agreement, threshold))
    suggestions = [rg.Suggestion(question_name=q, value=v, score=s, agent="primera ronda")
                   for q, v, s in first_round_suggestions(responses)]
    return rg.Record(id=record.id, fields=fields, metadata=record.metadata, suggestions=suggestions)


@dataclass
class ReviewPush:
    """What `push_review` did, per workspace."""

    dataset: str
    sent: dict[str, int] = field(default_factory=dict)  # workspace -> records sent now
    already: dict[str, int] = field(default_factory=dict)  # workspace -> records already in review

    @property
    def n_sent(self) -> int:
        return sum(self.sent.values())


def push_review(dataset: str, client: rg.Argilla, settings: Settings | None = None,
                exclude: set[str] | None = None) -> ReviewPush:
    """Send every `needs_review` record of `dataset` to `<dataset>-revision` in its workspace; idempotent.

    `exclude`: record ids never sent (gold copies). Records already in review are left as they are, so
    reviewers' answers are never overwritten.
    """
    from corpus600m.annotate.push import _existing_ids

    settings = settings or get_settings()
    exclude = exclude or set()
    name = review_dataset_name(dataset)
    result = ReviewPush(name)
    threshold = settings.annotation_agreement_threshold
    for snap in take_snapshot(client, dataset):
        records = [r for r in snap.records if r.id not in exclude]
        consensus = dataset_consensus(snap.responses, [r.id for r in records], snap.min_submitted)
        disputed = [r for r in records if r.id in consensus.by_record
                    and to_annotation(consensus.by_record[r.id], dataset, consensus.alpha, threshold).needs_review]
        if not disputed:
            continue
        target = ensure_review_dataset(client, snap.workspace, name)
        in_review = _existing_ids(client, str(target.id))
        todo = [r for r in disputed if r.id not in in_review]
        result.already[snap.workspace] = len(disputed) - len(todo)
        result.sent[snap.workspace] = 0
        for start in range(0, len(todo), BATCH):
            models = []
            for record in todo[start:start + BATCH]:
                sdk_record = review_record(record, record.responses,
                                           consensus.by_record[record.id].agreement_by_question, threshold)
                sdk_record.dataset = target
                models.append(sdk_record.api_model())
            client.api.records.bulk_upsert(dataset_id=target.id, records=models)
            result.sent[snap.workspace] += len(models)
    return result


# ---- what the reviewers decided --------------------------------------------------------------------

def review_snapshots(client: rg.Argilla, dataset: str, workspaces: list[str] | None = None) -> list[WorkspaceSnapshot]:
    """The review datasets of `dataset` (none yet: an empty list)."""
    name = review_dataset_name(dataset)
    found = find_datasets(client, name)
    if workspaces:
        found = {ws: ds for ws, ds in found.items() if ws in workspaces}
    return take_snapshot(client, name, list(found)) if found else []


def reviewer_responses(snapshots: Sequence[WorkspaceSnapshot], allowed: set[str]) -> tuple[dict[str, list[AnnotatorResponse]], int]:
    """Record id -> submitted responses of reviewers, and how many submitted responses were ignored (not reviewers)."""
    by_record: dict[str, list[AnnotatorResponse]] = {}
    ignored = 0
    for snap in snapshots:
        for response in snap.responses:
            if response.status != SUBMITTED:
                continue
            if response.user in allowed:
                by_record.setdefault(response.record_id, []).append(response)
            else:
                ignored += 1
    return by_record, ignored


def apply_review(first: Annotation, reviews: Sequence[AnnotatorResponse]) -> Annotation:
    """The final annotation: the reviewers' consensus replaces the first round's answers.

    The first round's agreement, alphas and number of annotators are kept (they describe that round).
    Reviewers who tie on a label leave the record `needs_review`.
    """
    submitted = [r for r in reviews if r.status == SUBMITTED]
    if not submitted:
        return first
    decided = record_consensus(submitted[0].record_id, submitted)
    tie = any(getattr(decided, q) is None for q in design.LABEL_QUESTIONS) or decided.calidad is None
    return first.model_copy(update={
        "pais": decided.pais, "variedad": decided.variedad, "calidad": decided.calidad,
        "es_correcta": decided.es_correcta, "problemas": decided.problemas,
        "respuesta_corregida": decided.respuesta_corregida, "needs_review": tie,
        "reviewed_by": len(submitted), "round": REVIEW_ROUND,
    })
