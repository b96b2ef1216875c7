"""The composition chart of the card (`assets/composition.png`): records by country, variety, source and task."""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from corpus600m.publish.stats import CorpusStats, CountRow

TOP_TASKS = 12


def _barh(ax, rows: list[CountRow], title: str, color: str) -> None:
    rows = list(reversed(rows))
    ax.barh([r.label for r in rows], [r.n for r in rows], color=color)
    ax.set_title(title, fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    ax.tick_params(axis="x", labelsize=8)
    for index, row in enumerate(rows):
        ax.text(row.n, index, f" {row.n:,}", va="center", fontsize=7)
    ax.margins(x=0.15)


def write_composition_chart(stats: CorpusStats, path: Path) -> Path:
    """Draw the four composition panels into a PNG at `path` (Agg canvas: no display, no global pyplot state)."""
    figure = Figure(figsize=(13, 10), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(2, 2, gridspec_kw={"height_ratios": [3, 2]})
    _barh(axes[0][0], stats.by_country, "Registros por país", "#d9534f")
    _barh(axes[0][1], stats.by_variety, "Registros por variedad", "#f0ad4e")
    _barh(axes[1][0], stats.by_source, "Registros por procedencia", "#5bc0de")
    _barh(axes[1][1], stats.by_task[:TOP_TASKS], f"Registros por tarea (las {TOP_TASKS} primeras)", "#5cb85c")
    figure.suptitle(f"Composición del corpus ({stats.n_records:,} registros)", fontsize=13)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
