"""Run reports: what each stage did, as a rich table for the terminal, markdown for Prefect, JSON on disk."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table as RichTable

from corpus600m.records import RunReport, StageReport


def _reasons(stage: StageReport) -> str:
    if not stage.rejected_by_reason:
        return ""
    items = sorted(stage.rejected_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{code}: {n:,}" for code, n in items)


def stage_table(report: RunReport, title: str | None = None) -> RichTable:
    """A rich table with one row per stage: in, kept, rejected (by reason) and time."""
    table = RichTable(title=title or f"{report.flow} — {report.status} in {report.seconds:,.1f} s")
    table.add_column("stage")
    table.add_column("in", justify="right")
    table.add_column("kept", justify="right")
    table.add_column("rejected", justify="right")
    table.add_column("rejected by reason")
    table.add_column("time", justify="right")
    for stage in report.stages:
        table.add_row(stage.stage, f"{stage.n_in:,}", f"{stage.n_kept:,}", f"{stage.n_rejected:,}",
                      _reasons(stage), f"{stage.seconds:,.1f} s")
    return table


def to_markdown(report: RunReport) -> str:
    """The run report as markdown (a Prefect artifact, and the `.md` next to the JSON)."""
    lines = [
        f"# {report.flow}: {report.status}",
        "",
        f"Run `{report.run_id or '-'}`, started {report.started_at:%Y-%m-%d %H:%M:%S} UTC, {report.seconds:,.1f} s.",
        "",
        "| stage | in | kept | rejected | rejected by reason | time |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for s in report.stages:
        lines.append(f"| {s.stage} | {s.n_in:,} | {s.n_kept:,} | {s.n_rejected:,} | {_reasons(s)} | {s.seconds:,.1f} s |")
    for title, section in report.sections.items():
        lines += ["", f"## {title}", "", section.rstrip()]
    if report.outputs:
        lines += ["", "## Outputs", ""] + [f"- **{name}**: `{where}`" for name, where in report.outputs.items()]
    if report.error:
        lines += ["", "## Error", "", "```", report.error, "```"]
    return "\n".join(lines) + "\n"


def save(report: RunReport, data_dir: Path) -> Path:
    """Write `<data_dir>/runs/<start>-<flow>-<run>.json` (and `.md`); returns the JSON path."""
    runs = Path(data_dir) / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    stem = f"{report.started_at:%Y%m%dT%H%M%S}-{report.flow}-{(report.run_id or 'local')[:8]}"
    path = runs / f"{stem}.json"
    path.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    (runs / f"{stem}.md").write_text(to_markdown(report), encoding="utf-8")
    return path
