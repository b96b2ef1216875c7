"""Annotation progress per annotator and per country (workspace), with agreement: a table, JSON and a PNG chart.

Per annotator: responses by status, agreement with the consensus of the records they answered, accuracy on
gold copies, and `needs_help` when either is below the agreement threshold. Per country and variety:
completed records against a target. Krippendorff's alpha per question, per workspace and over time.
"""

from __future__ import annotations

import gc
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.table import Table as RichTable

from corpus600m import catalog
from corpus600m.annotate.consensus import (
    ALPHA_QUESTIONS,
    SUBMITTED,
    AnnotatorResponse,
    RecordConsensus,
    alpha_timeline,
    dataset_consensus,
    is_disputed,
)
from corpus600m.annotate.design import CALIDAD, LABEL_QUESTIONS, PROBLEMAS
from corpus600m.annotate.gold import score_gold
from corpus600m.annotate.review import apply_review, reviewer_responses
from corpus600m.annotate.snapshot import WorkspaceSnapshot, without_records
from corpus600m.records import Annotation, utcnow

STATUSES = ("submitted", "draft", "discarded")


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a report allocates a few objects per record while hundreds of
    thousands of responses are alive, and each automatic collection walks them all again (measured: ~1 s of
    3.8 s for 100k records). Nothing built here forms reference cycles; plain refcounting frees it all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_report(dataset: str, snapshots: list[WorkspaceSnapshot], agreement_threshold: float, *,
                 gold: dict[str, dict[str, Any]] | None = None, review: list[WorkspaceSnapshot] | None = None,
                 reviewer_names: set[str] | None = None, target: int | None = None,
                 gaps: list[dict[str, Any]] | None = None, time_points: int = 10) -> dict[str, Any]:
    """The report as plain data (what the JSON file holds, and what the dashboard shows).

    `gold`: copy id -> expected answers (see `gold.py`): gold copies are scored per annotator and left out of
    every other count. `review`: the review datasets' snapshots, `reviewer_names` whose answers count there.
    `target`: records wanted per country x variety (progress per country and variety is measured against it).
    `gaps`: the coverage deficit per country x variety that `generate --fill-gaps` works on (from the store).
    A workspace's `disputed` records are the first round's ties and low agreements; `needs_review` those of
    them reviewers have not settled yet (what `pull` flags).
    """
    with _cyclic_gc_paused():
        return _build_report(dataset, snapshots, agreement_threshold, gold or {}, review or [], reviewer_names or set(),
                             target, gaps, time_points)


def _build_report(dataset: str, snapshots: list[WorkspaceSnapshot], agreement_threshold: float,
                  gold: dict[str, dict[str, Any]], review: list[WorkspaceSnapshot], reviewer_names: set[str],
                  target: int | None, gaps: list[dict[str, Any]] | None, time_points: int) -> dict[str, Any]:
    annotators: dict[str, Counter] = defaultdict(Counter)
    annotator_workspaces: dict[str, set[str]] = defaultdict(set)
    compared: Counter = Counter()  # per annotator: answers compared with a consensus, and those agreeing
    agreeing: Counter = Counter()
    by_country: dict[str, Counter] = defaultdict(Counter)
    by_variety: dict[str, Counter] = defaultdict(Counter)
    gold_responses = []
    workspaces = []
    responses_of: dict[str, list[AnnotatorResponse]] = {}  # workspace -> responses (gold left out), built once
    reviewed, ignored = reviewer_responses(review, reviewer_names)
    for full in snapshots:
        if gold:
            gold_responses.extend(r for g in full.records if g.id in gold for r in g.responses)
        snap = without_records(full, set(gold))
        responses_of[snap.workspace] = snap.responses
        for response in responses_of[snap.workspace]:
            annotators[response.user][response.status] += 1
            annotator_workspaces[response.user].add(snap.workspace)
        consensus = dataset_consensus(responses_of[snap.workspace], [r.id for r in snap.records], snap.min_submitted,
                                      with_alpha=False)  # all alphas come from one alpha_timeline below
        countries = Counter(r.metadata.get("country") or "—" for r in snap.records)
        disputed = [rid for rid, c in consensus.by_record.items() if is_disputed(c, agreement_threshold)]
        touched = 0
        for record in snap.records:
            agreed = consensus.by_record.get(record.id)
            touched += any(x.status == SUBMITTED for x in record.responses)
            country = record.metadata.get("country")
            variety = record.metadata.get("variety") or (catalog.COUNTRIES[country].default_variety
                                                         if country in catalog.COUNTRIES else None)
            for key, table in ((country, by_country), (variety, by_variety)):
                if key:
                    table[key]["records"] += 1
                    table[key]["completed"] += agreed is not None
            if agreed is not None:
                for response in record.responses:
                    n, ok = _agreement_with(response, agreed)
                    compared[response.user] += n
                    agreeing[response.user] += ok
        workspaces.append({
            "workspace": snap.workspace,
            "countries": dict(sorted(countries.items())),
            "min_submitted": snap.min_submitted,
            "records": len(snap.records),
            "completed": len(consensus.by_record),
            "in_progress": touched - len(consensus.by_record),
            "untouched": len(snap.records) - touched,
            "disputed": len(disputed),  # in the first round
            "needs_review": sum(not _settled(reviewed.get(record_id, ())) for record_id in disputed),
            "alpha": {},
            "gold_copies": len(full.records) - len(snap.records),
        })
    all_responses = [r for responses in responses_of.values() for r in responses]
    questions = (*ALPHA_QUESTIONS, PROBLEMAS)
    timeline = alpha_timeline(responses_of, questions, time_points)
    for w in workspaces:
        w["alpha"] = timeline["final"]["scopes"][w["workspace"]]
    records = sum(w["records"] for w in workspaces)
    completed = sum(w["completed"] for w in workspaces)
    gold_scores = score_gold(gold_responses, gold)
    review_records = sum(len(s.records) for s in review)
    people = []
    for user in sorted(set(annotators) | set(gold_scores), key=lambda u: (-annotators[u]["submitted"], u)):
        counts = annotators[user]
        score = gold_scores.get(user)
        agreement = round(agreeing[user] / compared[user], 4) if compared[user] else None
        accuracy = round(score.accuracy, 4) if score and score.accuracy is not None else None
        people.append({
            "username": user, **{s: counts.get(s, 0) for s in STATUSES},
            "workspaces": sorted(annotator_workspaces[user]),
            "agreement": agreement, "compared": compared[user],
            "gold_responses": score.responses if score else 0, "gold_accuracy": accuracy,
            "needs_help": any(v is not None and v < agreement_threshold for v in (agreement, accuracy)),
        })
    return {
        "dataset": dataset,
        "generated_at": utcnow().isoformat(),
        "agreement_threshold": agreement_threshold,
        "target": target,
        "totals": {"records": records, "completed": completed,
                   "progress": round(completed / records, 4) if records else 0.0,
                   "responses": dict(Counter(r.status for r in all_responses)),
                   "needs_review": sum(w["needs_review"] for w in workspaces),
                   "annotators": len(people), "gold_copies": sum(w["gold_copies"] for w in workspaces)},
        "alpha": timeline["final"]["all"],
        "alpha_over_time": {"dates": timeline["dates"], "all": _rounded(timeline["all"]),
                            "workspaces": {ws: _rounded(v) for ws, v in timeline["scopes"].items()}},
        "workspaces": workspaces,
        "countries": _progress_rows(by_country, catalog.COUNTRIES, target,
                                    lambda code: len(catalog.COUNTRIES[code].varieties)),
        "varieties": _progress_rows(by_variety, catalog.VARIETIES, target,
                                    lambda vid: sum(vid in c.varieties for c in catalog.COUNTRIES.values())),
        "annotators": people,
        "review": {"records": review_records, "reviewed": len(reviewed), "pending": review_records - len(reviewed),
                   "ignored_responses": ignored},
        "gaps": gaps,
    }


def _settled(reviews: Sequence[AnnotatorResponse]) -> bool:
    """Whether reviewers decided a disputed record (as `pull` does: their consensus, unless they tie)."""
    if not reviews:
        return False
    return not apply_review(Annotation(dataset="-", n_annotators=0, needs_review=True), reviews).needs_review


def _agreement_with(response: AnnotatorResponse, agreed: RecordConsensus) -> tuple[int, int]:
    """(answers compared, answers agreeing) of one submitted response with its record's consensus:
    labels equal to the majority, `calidad` within one point of the median."""
    if response.status != SUBMITTED:
        return 0, 0
    n = ok = 0
    for question in LABEL_QUESTIONS:
        value, decided = response.values.get(question), getattr(agreed, question)
        if value is not None and decided is not None:
            n += 1
            ok += value == decided
    rating = response.values.get(CALIDAD)
    if rating is not None and agreed.calidad is not None:
        n += 1
        ok += abs(float(rating) - agreed.calidad) <= 1
    return n, ok


def _rounded(series: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    return {q: [None if v is None else round(v, 4) for v in values] for q, values in series.items()}


def _progress_rows(counts: dict[str, Counter], catalog_items: dict, target: int | None, cells) -> list[dict[str, Any]]:
    """One row per catalog entry (country or variety): records, completed, and the target (target x its cells)."""
    return [{"id": key, "name": item.name_es, "records": counts[key]["records"], "completed": counts[key]["completed"],
             "target": target * cells(key) if target else None}
            for key, item in catalog_items.items()]


def _alpha(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_tables(report: dict[str, Any]) -> list[RichTable]:
    """Three rich tables: progress per workspace (country), Krippendorff's alpha per workspace, and per annotator
    (responses, agreement with the consensus, gold accuracy, who needs help)."""
    questions = (*ALPHA_QUESTIONS, PROBLEMAS)
    totals = report["totals"]
    progress = RichTable(title=f"{report['dataset']}: progress per workspace")
    for column in ("workspace", "records", "completed", "review", "in progress", "untouched"):
        progress.add_column(column, justify="left" if column == "workspace" else "right")
    for w in report["workspaces"]:
        progress.add_row(w["workspace"], str(w["records"]), str(w["completed"]), str(w["needs_review"]),
                         str(w["in_progress"]), str(w["untouched"]))
    progress.add_row("[bold]all[/]", str(totals["records"]), str(totals["completed"]),
                     str(sum(w["needs_review"] for w in report["workspaces"])), "", "")
    agreement = RichTable(title="Krippendorff's alpha per question")
    agreement.add_column("workspace")
    for q in questions:
        agreement.add_column(q, justify="right")
    for w in report["workspaces"]:
        agreement.add_row(w["workspace"], *(_alpha(w["alpha"].get(q)) for q in questions))
    agreement.add_row("[bold]all[/]", *(_alpha(report["alpha"].get(q)) for q in questions))
    by_user = RichTable(title="responses per annotator (agrees: with the consensus; gold: right on gold copies)")
    by_user.add_column("annotator")
    for s in STATUSES:
        by_user.add_column(s, justify="right")
    by_user.add_column("agrees", justify="right")  # with the consensus of the records they answered
    by_user.add_column("gold", justify="right")  # share right on gold copies (copies answered)
    by_user.add_column("help?")
    by_user.add_column("workspaces")
    for a in report["annotators"]:
        by_user.add_row(a["username"], *(str(a[s]) for s in STATUSES), _share(a["agreement"]),
                        _share(a["gold_accuracy"], f" ({a['gold_responses']})"),
                        "[bold red]yes[/]" if a["needs_help"] else "", ", ".join(a["workspaces"]))
    return [progress, agreement, by_user]


def _share(value: float | None, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.0%}{suffix}"


def write_json(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_chart(report: dict[str, Any], path: Path) -> Path:
    """A PNG: stacked responses per annotator (left) and completed vs remaining records per workspace (right)."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    annotators = report["annotators"]
    workspaces = report["workspaces"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, max(3.0, 0.45 * max(len(annotators), len(workspaces), 1) + 1.5)))
    names = [a["username"] for a in annotators]
    base = [0] * len(names)
    for status, color in zip(STATUSES, ("#2e7d32", "#f9a825", "#9e9e9e"), strict=True):
        values = [a[status] for a in annotators]
        left.barh(names, values, left=base, color=color, label=status)
        base = [b + v for b, v in zip(base, values, strict=True)]
    left.set_title("Respuestas por anotador/a")
    left.set_xlabel("respuestas")
    left.invert_yaxis()
    if names:
        left.legend(loc="lower right")
    ws_names = [w["workspace"] for w in workspaces]
    done = [w["completed"] for w in workspaces]
    rest = [w["records"] - w["completed"] for w in workspaces]
    right.barh(ws_names, done, color="#1565c0", label="completados")
    right.barh(ws_names, rest, left=done, color="#bbdefb", label="pendientes")
    for i, w in enumerate(workspaces):
        alpha = w["alpha"].get("es_correcta")
        right.text(w["records"], i, f"  α={_alpha(alpha)}", va="center", fontsize=8)
    right.set_title("Registros por espacio de trabajo (α de es_correcta)")
    right.set_xlabel("registros")
    right.invert_yaxis()
    if ws_names:
        right.legend(loc="lower right")
    fig.suptitle(f"{report['dataset']}: {report['totals']['completed']}/{report['totals']['records']} completados")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
