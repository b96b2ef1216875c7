"""Composition and process figures of a corpus, computed from its records, for the Dataset Card.

Everything here is counted from the data (store-layout frame) and, when given, the store's `rejected`
table: nothing is typed in by hand, so the card's numbers are the corpus's numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from corpus600m import catalog
from corpus600m.publish.licenses import effective_license_expr, hub_license_id
from corpus600m.settings import Settings

QUESTIONS = {"pais": "país", "variedad": "variedad", "calidad": "calidad", "es_correcta": "es correcta"}
UNDER_REPRESENTED_RATIO = 0.5  # a country is under-represented below half the share an even split would give it


@dataclass
class CountRow:
    key: str
    label: str
    n: int
    share: float  # of all records, 0..1


@dataclass
class CorpusStats:
    """What the card says about a corpus, every figure computed from the records."""

    n_records: int
    by_country: list[CountRow]
    by_variety: list[CountRow]
    by_source: list[CountRow]
    by_domain: list[CountRow]
    by_task: list[CountRow]
    by_register: list[CountRow]
    by_lang: list[CountRow]
    language_tags: list[str]
    licences: list[dict[str, Any]]
    generation: list[dict[str, Any]]
    donations: list[dict[str, Any]]
    annotation: dict[str, Any]
    pii: dict[str, Any]
    duplicates: dict[str, Any]
    lang_scores: dict[str, Any]
    rejected: list[dict[str, Any]]
    biases: dict[str, Any]
    language_creators: list[str] = field(default_factory=list)
    annotations_creators: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _counts(frame: pl.DataFrame, column: str, labels: dict[str, str] | None = None,
            universe: list[str] | None = None, none_label: str = "(sin especificar)") -> list[CountRow]:
    total = max(frame.height, 1)
    counted = {row[column]: row["n"] for row in frame.group_by(column).agg(pl.len().alias("n")).iter_rows(named=True)}
    keys = list(universe or []) + sorted((k for k in counted if k is not None and k not in (universe or [])), key=str)
    rows = [CountRow(k, (labels or {}).get(k, k), counted.get(k, 0), counted.get(k, 0) / total) for k in keys]
    if universe is None:
        rows.sort(key=lambda r: (-r.n, r.key))
    if counted.get(None):
        rows.append(CountRow("", none_label, counted[None], counted[None] / total))
    return rows


def _language_tags(frame: pl.DataFrame) -> list[str]:
    """ISO 639 codes present, then BCP-47 variety tags (`es-MX`) for every language × country present."""
    pairs = frame.select("lang", "country").unique().sort("lang", "country", nulls_last=True)
    langs = sorted(set(pairs["lang"].to_list()), key=lambda c: (c != "es", c))
    tags = [f"{row['lang']}-{row['country']}" for row in pairs.iter_rows(named=True) if row["country"]]
    return langs + sorted(set(tags))


def _annotation(frame: pl.DataFrame) -> dict[str, Any]:
    annotated = frame.filter(pl.col("annotation").is_not_null()).unnest("annotation", separator="__")
    if annotated.is_empty():
        return {"n_annotated": 0, "agreement": []}
    n = annotated["annotation__n_annotators"]
    record_agreement = annotated["annotation__agreement"].drop_nulls()
    agreement = []
    for dataset in sorted(annotated["annotation__dataset"].unique().to_list()):
        part = annotated.filter(pl.col("annotation__dataset") == dataset)
        for key, label in QUESTIONS.items():
            values = part[f"annotation__alpha_{key}"].drop_nulls()
            if values.len():
                agreement.append({"dataset": dataset, "question": label, "alpha": float(values.mean()),
                                  "alpha_min": float(values.min()), "alpha_max": float(values.max()),
                                  "n_records": values.len()})
    return {
        "n_annotated": annotated.height,
        "share": annotated.height / max(frame.height, 1),
        "n_datasets": annotated["annotation__dataset"].n_unique(),
        "annotators_min": int(n.min()),
        "annotators_median": float(n.median()),
        "annotators_max": int(n.max()),
        "n_judgements": int(n.sum()),
        "n_needs_review": int(annotated["annotation__needs_review"].sum()),
        "n_corrected": int(annotated["annotation__respuesta_corregida"].is_not_null().sum()),
        "agreement": agreement,
        "record_agreement_median": float(record_agreement.median()) if record_agreement.len() else None,
    }


def _creators(frame: pl.DataFrame) -> tuple[list[str], list[str]]:
    """The card's `language_creators` and `annotations_creators` (Hub vocabulary), from each record's provenance.

    Text: synthetic -> machine-generated, donated -> found, written or corrected by annotators -> crowdsourced.
    Labels (country, variety, task...): human-labelled (an annotation with annotators) -> crowdsourced, else
    donated -> found (the donor's manifest), else synthetic -> machine-generated (the generation plan).
    """
    human = pl.col("annotation").struct.field("n_annotators").fill_null(0) > 0
    corrected = pl.col("origin").struct.field("original_output").is_not_null()
    by_source = {"synthetic": "machine-generated", "donation": "found", "annotation": "crowdsourced"}
    source_label = pl.col("source").replace_strict(by_source, default=None, return_dtype=pl.String)
    labelled = frame.select(
        source_label.alias("text"),
        pl.when(corrected).then(pl.lit("crowdsourced")).alias("corrected"),
        pl.when(human | (pl.col("source") == "annotation")).then(pl.lit("crowdsourced"))
        .otherwise(source_label).alias("labels"),
    )
    language = sorted(set(labelled["text"].drop_nulls()) | set(labelled["corrected"].drop_nulls()))
    return language, sorted(set(labelled["labels"].drop_nulls()))


def _pii(frame: pl.DataFrame) -> dict[str, Any]:
    findings = frame.select("id", "pii").explode("pii").drop_nulls("pii").unnest("pii")
    by_type = (findings.group_by("entity_type", "action").agg(pl.len().alias("n")).sort("entity_type", "action")
               .to_dicts() if findings.height else [])
    return {"n_findings": findings.height,
            "n_records": findings["id"].n_unique() if findings.height else 0,
            "by_type": by_type}


def _rejected(rejected: pl.DataFrame | None) -> list[dict[str, Any]]:
    """Rejected rows by stage and reason code family (`quality:length` -> `quality`)."""
    if rejected is None or rejected.is_empty():
        return []
    reasons = rejected.select("id", "stage", "reasons").explode("reasons").drop_nulls("reasons").with_columns(
        pl.col("reasons").struct.field("code").str.split(":").list.first().alias("reason")
    )
    return (reasons.group_by("stage", "reason").agg(pl.col("id").n_unique().alias("n"))
            .sort("stage", "reason").to_dicts())


def _biases(by_country: list[CountRow], by_variety: list[CountRow], by_source: list[CountRow],
            by_domain: list[CountRow], n_records: int) -> dict[str, Any]:
    catalog_rows = [r for r in by_country if r.key in catalog.COUNTRIES]
    even_share = 1 / len(catalog.COUNTRIES)
    missing = [r.label for r in catalog_rows if r.n == 0]
    under = [r for r in catalog_rows if 0 < r.share < even_share * UNDER_REPRESENTED_RATIO]
    top = max(catalog_rows, key=lambda r: r.n) if catalog_rows else None
    varieties = [r for r in by_variety if r.key in catalog.VARIETIES]
    synthetic = next((r for r in by_source if r.key == "synthetic"), None)
    no_country = next((r for r in by_country if r.key == ""), None)
    top_domain = next((r for r in by_domain if r.key), None)
    return {
        "even_share": even_share,
        "threshold_share": even_share * UNDER_REPRESENTED_RATIO,
        "n_countries_catalog": len(catalog.COUNTRIES),
        "n_countries_present": sum(1 for r in catalog_rows if r.n),
        "missing_countries": missing,
        "under_represented": [{"label": r.label, "n": r.n, "share": r.share} for r in under],
        "top_country": {"label": top.label, "n": top.n, "share": top.share} if top and top.n else None,
        "n_varieties_catalog": len(catalog.VARIETIES),
        "missing_varieties": [r.label for r in varieties if r.n == 0],
        "synthetic_share": synthetic.share if synthetic else 0.0,
        "no_country": no_country.n if no_country else 0,
        "top_domain": {"label": top_domain.label, "share": top_domain.share} if top_domain else None,
        "n_records": n_records,
    }


def compute_stats(frame: pl.DataFrame, settings: Settings, rejected: pl.DataFrame | None = None) -> CorpusStats:
    """Every figure of the card from store-layout records (and the store's rejected table, when there is one)."""
    frame = frame.with_columns(effective_license_expr(settings))
    by_country = _counts(frame, "country", {c.code: c.name_es for c in catalog.COUNTRIES.values()},
                         universe=list(catalog.COUNTRIES), none_label="(sin país)")
    by_variety = _counts(frame, "variety", {v.id: v.name_es for v in catalog.VARIETIES.values()},
                         universe=list(catalog.VARIETIES), none_label="(sin variedad)")
    by_source = _counts(frame, "source")
    by_domain = _counts(frame, "domain")
    by_task = _counts(frame, "task")
    by_register = _counts(frame, "register")
    by_lang = _counts(frame, "lang", {lang.code: lang.name_es for lang in catalog.LANGUAGES.values()})

    licences = [
        {"license": row["license"], "hub_id": hub_license_id(row["license"]), "n": row["n"],
         "sources": ", ".join(sorted(row["sources"]))}
        for row in frame.filter(pl.col("license").is_not_null())
        .group_by("license").agg(pl.len().alias("n"), pl.col("source").unique().alias("sources"))
        .sort("n", "license", descending=[True, False]).iter_rows(named=True)
    ]
    origin = frame.unnest("origin", separator="__")
    generation = (origin.filter(pl.col("source") == "synthetic")
                  .group_by("origin__model", "origin__template_id", "origin__template_version", "license")
                  .agg(pl.len().alias("n"), pl.col("origin__backend").drop_nulls().unique().alias("backends"))
                  .sort("n", descending=True)
                  .rename({"origin__model": "model", "origin__template_id": "template",
                           "origin__template_version": "version"}).to_dicts())
    for row in generation:
        row["backends"] = ", ".join(sorted(row["backends"]))
    donations = (origin.filter(pl.col("source") == "donation")
                 .group_by("origin__donor", "origin__dataset", "license")
                 .agg(pl.len().alias("n"), pl.col("origin__source_url").drop_nulls().first().alias("source_url"))
                 .sort("n", descending=True)
                 .rename({"origin__donor": "donor", "origin__dataset": "dataset"}).to_dicts())
    scores = frame["lang_score"].drop_nulls()
    language_creators, annotations_creators = _creators(frame)
    clustered = frame.filter(pl.col("dedup_cluster").is_not_null())
    return CorpusStats(
        n_records=frame.height,
        by_country=by_country, by_variety=by_variety, by_source=by_source, by_domain=by_domain,
        by_task=by_task, by_register=by_register, by_lang=by_lang,
        language_tags=_language_tags(frame),
        licences=licences, generation=generation, donations=donations,
        annotation=_annotation(frame),
        pii=_pii(frame),
        duplicates={"n_clustered": clustered.height, "n_clusters": clustered["dedup_cluster"].n_unique(),
                    "n_duplicate_ids": frame.height - frame["id"].n_unique()},
        lang_scores={"n": scores.len(), "min": float(scores.min()) if scores.len() else None,
                     "median": float(scores.median()) if scores.len() else None},
        rejected=_rejected(rejected),
        biases=_biases(by_country, by_variety, by_source, by_domain, frame.height),
        language_creators=language_creators,
        annotations_creators=annotations_creators,
    )
