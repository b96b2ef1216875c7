"""Yield of generation per country × variety, from the store: what was generated, what the filters rejected and
why, what was kept, the judge's mean score, the variety-fidelity rate and the tokens spent per kept record.

Read-only over the tables `generated`, `rejected` (stage `filter`), `filtered` and `curated`; records of other
sources (donations) are not counted. A generated record the filters have not decided yet is `pending`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from corpus600m.store import Store, Table

KEYS = ("country", "variety", "generated", "kept", "rejected", "judge_mean", "variety_fidelity", "tokens_per_kept")


def generation_yield(store: Store) -> list[dict[str, Any]]:
    """One dict per (country, variety) with generated records, keys as in `KEYS` plus `pending`, sorted by cell."""
    generated = (store.scan(Table.GENERATED)
                 .select("id", "country", "variety", pl.col("judge").struct.field("score").alias("judge_score"),
                         pl.col("origin").struct.field("output_tokens").alias("tokens"))
                 .unique(subset="id").collect())
    if generated.is_empty():
        return []
    rejected = (store.scan(Table.REJECTED).filter(pl.col("stage") == "filter")
                .select("id", "reasons", pl.col("variety_check").struct.field("consistent").alias("consistent"))
                .unique(subset="id").collect())
    kept = pl.concat([store.scan(t).select("id", pl.col("variety_check").struct.field("consistent").alias("consistent"))
                      for t in (Table.FILTERED, Table.CURATED)]).unique(subset="id").collect()
    kept = kept.join(rejected.select("id"), on="id", how="anti")
    decided = pl.concat([kept.with_columns(pl.lit(True).alias("is_kept")),
                         rejected.select("id", "consistent").with_columns(pl.lit(False).alias("is_kept"))])
    rows = generated.join(decided, on="id", how="left")
    reasons = (generated.select("id", "country", "variety").join(rejected.select("id", "reasons"), on="id")
               .explode("reasons").with_columns(pl.col("reasons").struct.field("code").alias("code"))
               .unique(subset=["id", "code"]).group_by("country", "variety", "code").agg(pl.len().alias("n")))
    by_cell: dict[tuple[str, str], dict[str, int]] = {}
    for row in reasons.iter_rows(named=True):
        by_cell.setdefault((row["country"], row["variety"]), {})[row["code"]] = row["n"]
    table = (rows.group_by("country", "variety")
             .agg(pl.len().alias("generated"), pl.col("is_kept").eq(True).sum().alias("kept"),
                  pl.col("is_kept").is_null().sum().alias("pending"), pl.col("judge_score").mean().alias("judge_mean"),
                  pl.col("consistent").mean().alias("variety_fidelity"), pl.col("tokens").sum().alias("tokens"),
                  pl.col("tokens").is_not_null().sum().alias("with_tokens"))
             .sort("country", "variety"))
    out = []
    for row in table.iter_rows(named=True):
        kept_n = int(row["kept"])
        out.append({
            "country": row["country"], "variety": row["variety"], "generated": int(row["generated"]), "kept": kept_n,
            "rejected": dict(sorted(by_cell.get((row["country"], row["variety"]), {}).items())),
            "judge_mean": None if row["judge_mean"] is None else round(float(row["judge_mean"]), 3),
            "variety_fidelity": None if row["variety_fidelity"] is None else round(float(row["variety_fidelity"]), 3),
            "tokens_per_kept": round(row["tokens"] / kept_n, 1) if kept_n and row["with_tokens"] else None,
            "pending": int(row["pending"]),
        })
    return out


def totals(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """The same figures over all cells (means weighted by records)."""
    generated = sum(c["generated"] for c in cells)
    kept = sum(c["kept"] for c in cells)
    rejected: dict[str, int] = {}
    for c in cells:
        for code, n in c["rejected"].items():
            rejected[code] = rejected.get(code, 0) + n

    def weighted(key: str) -> float | None:
        pairs = [(c[key], c["generated"]) for c in cells if c[key] is not None]
        weight = sum(w for _, w in pairs)
        return round(sum(v * w for v, w in pairs) / weight, 3) if weight else None

    tokens = [c["tokens_per_kept"] * c["kept"] for c in cells if c["tokens_per_kept"] is not None]
    return {"country": "*", "variety": "*", "generated": generated, "kept": kept, "rejected": dict(sorted(rejected.items())),
            "judge_mean": weighted("judge_mean"), "variety_fidelity": weighted("variety_fidelity"),
            "tokens_per_kept": round(sum(tokens) / kept, 1) if kept and tokens else None,
            "pending": sum(c["pending"] for c in cells)}


def to_markdown(cells: list[dict[str, Any]]) -> str:
    """The yield table as markdown (run report, Dataset Card)."""
    lines = ["| country | variety | generated | kept | rejected by reason | judge mean | variety fidelity | tokens / kept |",
             "|---|---|---:|---:|---|---:|---:|---:|"]
    for c in [*cells, totals(cells)] if cells else []:
        reasons = ", ".join(f"{code}: {n}" for code, n in c["rejected"].items()) or "—"
        lines.append(f"| {c['country']} | {c['variety']} | {c['generated']} | {c['kept']} | {reasons} | "
                     f"{_fmt(c['judge_mean'], '.2f')} | {_fmt(c['variety_fidelity'], '.0%')} | {_fmt(c['tokens_per_kept'], '.0f')} |")
    return "\n".join(lines) + "\n"


def _fmt(value: float | None, spec: str) -> str:
    return "—" if value is None else format(value, spec)
