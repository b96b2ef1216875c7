"""What to generate: work items per country × variety, and the deficit against a target (fill-gaps).

An item is fully determined by (country, variety, slot): the slot picks a (domain, topic, task) from a
deterministic interleaving of the seed topics, so the same request always yields the same prompts
(distilabel's cache then hits) and a follow-up request continues at the next free slot.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass

import polars as pl

from corpus600m import catalog
from corpus600m.generate.prompts import PromptTemplate, SeedDomain, VarietyPersonas, variety_context
from corpus600m.store import Store, Table


@dataclass(frozen=True)
class GenerationItem:
    """One instruction to generate: where it is from, what about, and the rendered prompt."""

    country: str
    variety: str
    slot: int
    domain: str
    topic: str
    task: str
    messages: list[dict[str, str]]
    persona: str = ""
    example: str = ""  # the worked example the prompt shows: an instruction that copies it is an echo

    def row(self) -> dict[str, object]:
        return asdict(self)


def split_per_country(countries: list[str], per_country: int) -> dict[tuple[str, str], int]:
    """How many items each (country, variety) cell gets: `per_country` spread over the country's varieties,
    starting with its default variety (so ES with 1 gets castellana)."""
    cells: dict[tuple[str, str], int] = {}
    for country in catalog.parse_countries(countries):
        varieties = [country.default_variety, *[v for v in country.varieties if v != country.default_variety]]
        for i in range(per_country):
            key = (country.code, varieties[i % len(varieties)])
            cells[key] = cells.get(key, 0) + 1
    return cells


def _topic_order(country: str, variety: str, seeds: list[SeedDomain], tasks: list[str]) -> list[tuple[str, str, str]]:
    """Every (domain, topic, task) once, shuffled per cell, domains interleaved so any prefix is balanced."""
    rng = random.Random(int(hashlib.sha256(f"{country}/{variety}".encode()).hexdigest()[:16], 16))
    per_domain = []
    for seed in seeds:
        combos = [(seed.domain, topic, task) for topic in seed.topics for task in tasks]
        rng.shuffle(combos)
        per_domain.append(combos)
    rng.shuffle(per_domain)
    order = []
    for i in range(max(len(c) for c in per_domain)):
        order.extend(combos[i] for combos in per_domain if i < len(combos))
    return order


def plan_items(cells: dict[tuple[str, str], tuple[int, int]], seeds: list[SeedDomain],
               template: PromptTemplate, personas: dict[str, VarietyPersonas]) -> list[GenerationItem]:
    """Items for `cells` = {(country, variety): (first_slot, count)} with their instruction prompts rendered.

    The persona who asks cycles with the slot (at another pace than the topics, so pairs vary)."""
    tasks = sorted(template.tasks) or ["pregunta"]
    descriptions = {s.domain: s.description for s in seeds}
    items = []
    for (country, variety), (start, count) in cells.items():
        order = _topic_order(country, variety, seeds, tasks)
        context = variety_context(country, variety)
        for slot in range(start, start + count):
            domain, topic, task = order[slot % len(order)]
            # past one full cycle the same topic comes back: say so, so the prompt (and the text) differs
            round_note = f" (variante {slot // len(order) + 1})" if slot >= len(order) else ""
            who = personas[variety]
            persona = who.personas[(slot * 7 + 3) % len(who.personas)]
            messages = template.render(
                **context, topic=topic + round_note, domain_description=descriptions[domain],
                task_description=template.tasks.get(task, "una petición"), persona=persona, example=who.example,
            )
            items.append(GenerationItem(country, variety, slot, domain, topic, task, messages, persona, who.example))
    return items


def coverage(store: Store, countries: list[str] | None = None) -> pl.DataFrame:
    """Records per (country, variety) that count toward the target, and generated rows per cell.

    Counted: distinct ids in curated ∪ filtered (in review) ∪ generated, minus ids the filters rejected
    (unless they were later curated or passed a filter). `generated` is the cell's generated-table size,
    i.e. the next free slot.
    """
    cells = pl.DataFrame(
        [{"country": c, "variety": v} for c, v in catalog.country_variety_pairs()
         if countries is None or c in {x.code for x in catalog.parse_countries(countries)}],
        schema={"country": pl.String, "variety": pl.String},
    )
    cols = ["id", "country", "variety"]
    kept = pl.concat([store.scan(Table.CURATED).select(cols), store.scan(Table.FILTERED).select(cols)]).collect()
    generated = store.scan(Table.GENERATED).select(cols).collect()
    rejected = store.scan(Table.REJECTED).select("id").collect()
    pending = generated.join(rejected, on="id", how="anti")
    counted = pl.concat([kept, pending]).unique(subset="id")
    have = counted.group_by("country", "variety").agg(pl.len().alias("have"))
    gen = generated.group_by("country", "variety").agg(pl.len().alias("generated"))
    return (
        cells.join(have, on=["country", "variety"], how="left")
        .join(gen, on=["country", "variety"], how="left")
        .with_columns(pl.col("have").fill_null(0).cast(pl.Int64), pl.col("generated").fill_null(0).cast(pl.Int64))
    )


def deficits(store: Store, target: int, countries: list[str] | None = None) -> pl.DataFrame:
    """Per (country, variety): have, generated, and `deficit` = max(0, target - have)."""
    return coverage(store, countries).with_columns(
        (pl.lit(target, pl.Int64) - pl.col("have")).clip(lower_bound=0).alias("deficit")
    )
