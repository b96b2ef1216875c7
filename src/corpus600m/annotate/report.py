"""Annotation progress per annotator and per country (workspace), with agreement: a table, JSON and a PNG chart."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from rich.table import Table as RichTable

from corpus600m.annotate.consensus import (
    ALPHA_QUESTIONS,
    SUBMITTED,
    dataset_consensus,
    krippendorff_alpha,
    to_annotation,
)
from corpus600m.annotate.design import PROBLEMAS
from corpus600m.annotate.snapshot import WorkspaceSnapshot
from corpus600m.records import utcnow

STATUSES = ("submitted", "draft", "discarded")


def build_report(dataset: str, snapshots: list[WorkspaceSnapshot], agreement_threshold: float) -> dict[str, Any]:
    """The report as plain data (what the JSON file holds)."""
    annotators: dict[str, Counter] = defaultdict(Counter)
    annotator_workspaces: dict[str, set[str]] = defaultdict(set)
    workspaces = []
    for snap in snapshots:
        for response in snap.responses:
            annotators[response.user][response.status] += 1
            annotator_workspaces[response.user].add(snap.workspace)
        consensus = dataset_consensus(snap.responses, [r.id for r in snap.records], snap.min_submitted)
        countries = Counter(r.metadata.get("country") or "—" for r in snap.records)
        touched = sum(any(x.status == SUBMITTED for x in r.responses) for r in snap.records)
        workspaces.append({
            "workspace": snap.workspace,
            "countries": dict(sorted(countries.items())),
            "min_submitted": snap.min_submitted,
            "records": len(snap.records),
            "completed": len(consensus.by_record),
            "in_progress": touched - len(consensus.by_record),
            "untouched": len(snap.records) - touched,
            "needs_review": sum(to_annotation(c, dataset, consensus.alpha, agreement_threshold).needs_review
                                for c in consensus.by_record.values()),
            "alpha": consensus.alpha,
        })
    all_responses = [r for snap in snapshots for r in snap.responses]
    overall_alpha = {q: krippendorff_alpha(all_responses, q) for q in (*ALPHA_QUESTIONS, PROBLEMAS)}
    records = sum(w["records"] for w in workspaces)
    completed = sum(w["completed"] for w in workspaces)
    return {
        "dataset": dataset,
        "generated_at": utcnow().isoformat(),
        "totals": {"records": records, "completed": completed,
                   "progress": round(completed / records, 4) if records else 0.0,
                   "responses": dict(Counter(r.status for r in all_responses))},
        "alpha": overall_alpha,
        "workspaces": workspaces,
        "annotators": [
            {"username": user, **{s: counts.get(s, 0) for s in STATUSES},
             "workspaces": sorted(annotator_workspaces[user])}
            for user, counts in sorted(annotators.items(), key=lambda kv: (-kv[1]["submitted"], kv[0]))
        ],
    }


def _alpha(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_tables(report: dict[str, Any]) -> list[RichTable]:
    """Three rich tables: progress per workspace (country), Krippendorff's alpha per workspace, and per annotator."""
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
    by_user = RichTable(title="responses per annotator")
    by_user.add_column("annotator")
    for s in STATUSES:
        by_user.add_column(s, justify="right")
    by_user.add_column("workspaces")
    for a in report["annotators"]:
        by_user.add_row(a["username"], *(str(a[s]) for s in STATUSES), ", ".join(a["workspaces"]))
    return [progress, agreement, by_user]


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
