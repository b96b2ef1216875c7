"""The Dataset Card: YAML metadata (`DatasetCardData`) plus a body rendered from the package's Jinja2 template.

The body follows the structure of Somos NLP's dataset card template (itself the Hub's template in
Spanish): description and motivation, structure, creation (curation, source data, annotations,
personal information), considerations (social impact, biases, limitations, environmental impact),
licence, citation and authors. Every number in it comes from `CorpusStats`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from huggingface_hub import DatasetCard, DatasetCardData

from corpus600m import __version__
from corpus600m.publish.export import INPUT_SEPARATOR, MIN_SCORE_GAP
from corpus600m.publish.gates import GateReport
from corpus600m.publish.licenses import hub_license_id
from corpus600m.publish.rows import COLUMN_DOCS
from corpus600m.publish.stats import CorpusStats
from corpus600m.publish.versions import Release, country_label

TEMPLATE = Path(__file__).with_name("templates") / "dataset_card.md.j2"
LICENSE_FILE = "LICENSE.md"

_TASK_CATEGORIES = [  # substrings of a record's `task` -> Hub task category
    (("resum", "summar"), "summarization"),
    (("traduc", "transl"), "translation"),
    (("clasific", "classif"), "text-classification"),
    (("pregunta", "question", "qa"), "question-answering"),
]


def size_category(n: int) -> str:
    """The Hub's size bucket for `n` rows."""
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                         (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B")):
        if n < limit:
            return label
    return "n>1T" if n > 10**12 else "1B<n<10B"


def task_categories(stats: CorpusStats) -> list[str]:
    """Hub task categories: text-generation (every record is an instruction), plus those the tasks name."""
    found = ["text-generation"]
    for row in stats.by_task:
        key = row.key.lower()
        for needles, category in _TASK_CATEGORIES:
            if row.n and any(needle in key for needle in needles) and category not in found:
                found.append(category)
    return found


def license_metadata(stats: CorpusStats) -> dict[str, str]:
    """`license` for the card: the one Hub id every record shares, else `other` pointing at LICENSE.md."""
    hub_ids = {row["hub_id"] for row in stats.licences}
    if len(hub_ids) == 1 and "other" not in hub_ids:
        return {"license": hub_ids.pop()}
    if len(stats.licences) == 1:
        name = stats.licences[0]["license"].lower()
    else:
        name = "mixed-licenses"
    return {"license": "other", "license_name": name, "license_link": LICENSE_FILE}


def card_data(stats: CorpusStats, *, pretty_name: str, configs: list[dict[str, Any]]) -> DatasetCardData:
    """The card's YAML metadata."""
    sources = {row.key for row in stats.by_source if row.n}
    tags = ["somos600m", "spanish", "español", "instruction-tuning", "varieties-of-spanish"]
    if "synthetic" in sources:
        tags += ["synthetic", "distilabel"]
    if stats.annotation["n_annotated"]:
        tags.append("argilla")
    return DatasetCardData(
        pretty_name=pretty_name,
        language=stats.language_tags,
        multilinguality="monolingual" if len([r for r in stats.by_lang if r.n]) == 1 else "multilingual",
        size_categories=size_category(stats.n_records),
        task_categories=task_categories(stats),
        language_creators=stats.language_creators,
        annotations_creators=stats.annotations_creators,
        source_datasets=["original"],
        tags=tags,
        configs=configs,
        **license_metadata(stats),
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE.parent),
        undefined=jinja2.StrictUndefined,  # a figure missing from the stats is a bug, not a blank in the card
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = lambda n: f"{n:,}".replace(",", " ")
    env.filters["pct"] = lambda x: f"{100 * x:.1f} %"
    env.filters["f2"] = lambda x: "—" if x is None else f"{x:.2f}"
    env.filters["country"] = country_label
    env.filters["cell"] = lambda s: "—" if s in (None, "") else str(s).replace("|", "\\|").replace("\n", " ")
    return env


def render_card(stats: CorpusStats, gates: GateReport, *, repo_id: str, pretty_name: str, configs: list[dict[str, Any]],
                config_rows: dict[str, int], run_name: str, chart_path: str,
                training_rows: dict[str, int] | None = None, release: Release | None = None,
                releases: list[Release] | None = None, generation_yield: str = "") -> DatasetCard:
    """The complete Dataset Card (metadata + body) of a corpus; `generation_yield`: the markdown yield table of
    generation (`generate.report.to_markdown`), passed in by the flow."""
    data = card_data(stats, pretty_name=pretty_name, configs=configs)
    body = _environment().get_template(TEMPLATE.name).render(
        s=stats,
        gates=gates,
        repo_id=repo_id,
        repo_name=repo_id.split("/")[-1],
        pretty_name=pretty_name,
        columns=COLUMN_DOCS,
        config_rows={**config_rows, **(training_rows or {})},
        training_rows={name: (training_rows or {}).get(name, 0) for name in ("sft", "dpo")},
        input_separator=INPUT_SEPARATOR,
        min_score_gap=MIN_SCORE_GAP,
        example_config=next((name for name in config_rows if name != "default"), None),
        license=license_metadata(stats),
        license_file=LICENSE_FILE,
        run_name=run_name,
        chart_path=chart_path,
        generation_yield=generation_yield,
        generated_at=datetime.now(UTC).strftime("%Y-%m-%d"),
        year=datetime.now(UTC).year,
        version=__version__,
        release=release,
        releases=releases or [],
    )
    return DatasetCard(f"---\n{data.to_yaml()}\n---\n\n{body}")


def render_license_file(stats: CorpusStats, *, pretty_name: str) -> str:
    """LICENSE.md: each licence of the corpus, how many records carry it and where they come from."""
    lines = [f"# Licencias de {pretty_name}", "",
             "Cada registro se publica con la licencia de su origen (columna `license`).", "",
             "| Licencia (SPDX) | Identificador en el Hub | Registros | Procedencias |", "|---|---|---:|---|"]
    for row in stats.licences:
        lines.append(f"| {row['license']} | {hub_license_id(row['license'])} | {row['n']} | {row['sources']} |")
    return "\n".join(lines) + "\n"
