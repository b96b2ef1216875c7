"""Prefect flow `generate`: synthetic instructions by country and variety, or only what is missing (fill-gaps).

The flow plans the work, then runs one task per chunk of items. The LLM calls live in those tasks, which
Prefect retries (a timeout or a restarted server costs one chunk, not the run); each chunk is written to
the store when it completes and distilabel's cache makes a retried or re-run chunk resume, not restart.
Scheduled mode: `generate(data_dir, target=N)` tops every country × variety up to N records.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE as NO_CACHE

from corpus600m.filters.variety import fits_variety
from corpus600m.generate.pipeline import (
    fill_gaps,
    generate_items,
    generate_records,
    merge_reports,
    plan_gaps,
    plan_request,
)
from corpus600m.generate.plan import GenerationItem
from corpus600m.records import StageReport
from corpus600m.services import llm_server
from corpus600m.settings import Settings, get_settings, settings_for
from corpus600m.store import open_store
from flows.run_report import RUN_REPORT_HOOKS


@task(name="plan-generation", cache_policy=NO_CACHE)
def plan(data_dir: str, countries: list[str] | None, per_country: int | None, target: int | None) -> list[GenerationItem]:
    if target is not None:
        items, _ = plan_gaps(target, open_store(data_dir), countries)
        return items
    if not countries or not per_country:
        raise ValueError("give countries and per_country, or target (fill-gaps mode)")
    return plan_request(countries, per_country)


@task(name="generate-chunk", retries=2, retry_delay_seconds=15, cache_policy=NO_CACHE)
def generate_chunk(data_dir: str, items: list[GenerationItem], max_new_tokens: int | None) -> StageReport:
    """Generate and store one chunk; an LLM failure raises, and Prefect retries the chunk. The filter stage's
    variety check goes in, so texts whose forms of address do not fit their variety are asked for again."""
    settings = settings_for(data_dir)
    # the flow starts (or reuses) the embedded server and checks the endpoint; the stage only uses it
    return generate_items(items, llm=llm_server.llm_target(settings), settings=settings, store=open_store(data_dir),
                          max_new_tokens=max_new_tokens, fits_variety=fits_variety)


def generate_now(settings: Settings, *, countries: list[str] | None = None, per_country: int | None = None,
                 target: int | None = None, out: Path | None = None, max_new_tokens: int | None = None,
                 seeds_dir: Path | None = None, progress=None) -> StageReport:
    """The generation the CLI runs in this process (no Prefect): `per_country` records for `countries`, or (with
    `target`) every cell's deficit. Composed as the flow composes it: the endpoint resolved and checked here (the
    embedded server started if it is the backend), the filter stage's variety check handed to the stage."""
    llm = llm_server.llm_target(settings)
    store = open_store(settings.data_dir, settings)
    extra = {"seeds_dir": seeds_dir} if seeds_dir else {}
    if target is not None:
        return fill_gaps(target, llm=llm, countries=countries, settings=settings, store=store, out=out,
                         max_new_tokens=max_new_tokens, progress=progress, fits_variety=fits_variety, **extra)
    return generate_records(countries or [], per_country or 0, llm=llm, settings=settings, store=store, out=out,
                            max_new_tokens=max_new_tokens, progress=progress, fits_variety=fits_variety, **extra)


@task(name="check-varieties", cache_policy=NO_CACHE)
def check_varieties(data_dir: str) -> dict[str, int]:
    """Fill `variety_check` on generated records that have none (the filter stage's check, no LLM), so the
    generated table already says which varieties each text supports; the filters reject on it later."""
    import polars as pl

    from corpus600m.filters.variety import check_variety, record_text
    from corpus600m.records import frame_to_records
    from corpus600m.store import Table

    store = open_store(data_dir)
    todo = frame_to_records(store.scan(Table.GENERATED).filter(pl.col("variety_check").is_null()).collect())
    checked = [r.model_copy(update={"variety_check": check_variety(record_text(r), r.variety)}) for r in todo]
    if checked:
        store.upsert(Table.GENERATED, checked)
    return {"checked": len(checked), "consistent": sum(r.variety_check.consistent for r in checked)}


@flow(name="generate", log_prints=False, **RUN_REPORT_HOOKS)
def generate(data_dir: str | None = None, countries: list[str] | None = None, per_country: int | None = None,
             target: int | None = None, max_new_tokens: int | None = None) -> StageReport:
    """Generate `per_country` records for `countries`, or (with `target`) fill every cell's deficit."""
    data_dir = str(data_dir or get_settings().data_dir)
    items = plan(data_dir, countries, per_country, target)
    logger = get_run_logger()
    size = get_settings().llm_chunk_items
    logger.info("planned %d items in %d chunks", len(items), -(-len(items) // size))
    reports = [generate_chunk(data_dir, items[i:i + size], max_new_tokens) for i in range(0, len(items), size)]
    report = merge_reports(reports, "generate:fill-gaps" if target is not None else "generate")
    report.n_in = len(items)
    report.details["variety_check"] = check_varieties(data_dir)
    logger.info("generated %d records (%d new), %d failed", report.n_kept, report.details.get("new", 0), report.n_rejected)
    return report
