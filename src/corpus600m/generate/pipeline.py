"""The generation stage: a distilabel pipeline that writes instructions as speakers of each country and
variety would, then answers them, and stores the results as `Record`s in the `generated` table.

    items (country, variety, seed topic, task, rendered prompt)
      -> ChatGeneration "write_instruction"  (the model plays a speaker of the variety)
      -> PrepareAnswer                        (clean the instruction, build the answer prompt)
      -> ChatGeneration "write_answer"        (the model answers in the same variety)
      -> JudgeRecord "judge"                  (when the judge is on)

Both generation steps ask again, within the run, for a text whose forms of address do not fit the item's variety
(tuteo in a rioplatense answer...), when the caller hands over the check (`fits_variety`, the filter stage's).

Work is done in chunks of `settings.llm_chunk_items` items. Each chunk is one distilabel run whose cache (keyed by the
steps' signatures, which include the rendered prompts) lives under `<data_dir>/cache/distilabel`; the
store is written only after a chunk completes. So an interrupted run resumes from the last cached batch,
and re-running the same request reads the cache and adds nothing (record ids are content hashes).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus600m import catalog
from corpus600m.generate.backends import LLMError, LLMTarget, make_llm
from corpus600m.generate.plan import (
    GenerationItem,
    deficits,
    plan_items,
    split_per_country,
)
from corpus600m.generate.prompts import (
    SEEDS_DIR,
    load_address_forms,
    load_personas,
    load_seeds,
    load_template,
    variety_context,
)
from corpus600m.record_files import write_jsonl
from corpus600m.records import JudgeVerdict, Origin, Record, Source, StageReport
from corpus600m.settings import Settings, get_settings
from corpus600m.store import Store, Table, open_store

GENERATION_SEED = 600  # sampling seed sent to the server, so a repeated prompt gives the same text
PIPELINE_NAME = "corpus600m-generate"
# Runtime details that must not change the cache key: the port of the embedded server changes per run.
_NOT_IN_SIGNATURE = {"llm_base_url", "llm_api_key", "llm_timeout", "llm_max_retries"}

ProgressFn = Callable[[int, int], None]
# (text, claimed variety) -> whether the text's forms of address fit it (filters.variety.fits_variety)
VarietyFit = Callable[[str, str], bool]


class GenerationError(RuntimeError):
    """Generation could not produce anything; the message says why and what to do."""


@dataclass
class ChunkResult:
    records: list[Record]
    failed: Counter = field(default_factory=Counter)
    attempts: Counter = field(default_factory=Counter)  # items by the number of instruction attempts they took
    answer_attempts: Counter = field(default_factory=Counter)  # answered items by the number of answer attempts
    judge_unreadable: int = 0  # records the judge was asked about whose verdict could not be read
    judge_tokens: int = 0  # of `output_tokens`, those the judge wrote
    output_tokens: int = 0
    llm_seconds: float = 0.0
    signature: str = ""
    from_cache: bool = False


def configure_caches(settings: Settings) -> Path:
    """Point distilabel's and datasets' caches inside the data dir (they default to ~/.cache)."""
    cache = settings.cache_dir
    (cache / "distilabel").mkdir(parents=True, exist_ok=True)
    (cache / "datasets").mkdir(parents=True, exist_ok=True)
    os.environ["DISTILABEL_CACHE_DIR"] = str(cache / "distilabel")
    os.environ["HF_DATASETS_CACHE"] = str(cache / "datasets")
    import datasets.config

    # datasets reads HF_DATASETS_CACHE once, at import: update the live value too
    datasets.config.HF_DATASETS_CACHE = Path(cache / "datasets")
    return cache / "distilabel"


def generation_kwargs(target: LLMTarget, settings: Settings, max_new_tokens: int | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens or settings.llm_max_new_tokens,
                              "temperature": settings.llm_temperature}
    if target.backend != "hf-inference":
        kwargs["extra_body"] = {"seed": GENERATION_SEED}
    else:
        kwargs["seed"] = GENERATION_SEED
    return kwargs


def _input_rows(items: list[GenerationItem]) -> list[dict[str, Any]]:
    from corpus600m.generate.steps import with_rule

    answer = load_template("answer")
    rules = load_address_forms(name="address_retry")
    rows = []
    for item in items:
        context = variety_context(item.country, item.variety)
        rows.append({
            "item_key": f"{item.country}/{item.variety}/{item.slot}",
            "country": item.country, "variety": item.variety, "slot": item.slot,
            "domain": item.domain, "seed_topic": item.topic, "task": item.task, "persona": item.persona,
            "instruction_messages": item.messages, "example": item.example,
            "instruction_retry_messages": with_rule(item.messages, rules[item.variety]),
            "answer_system": answer.render_system(**context, instruction=""), "retry_rule": rules[item.variety],
        })
    return rows


def build_pipeline(items: list[GenerationItem], target: LLMTarget, settings: Settings,
                   max_new_tokens: int | None = None, fits_variety: VarietyFit | None = None) -> Any:
    """The distilabel pipeline for `items` (not run). `fits_variety(text, variety)`: the check that makes the
    generation steps ask again for a text whose forms of address do not fit (None: no such retry)."""
    from corpus600m.generate.judge import format_kwargs, load_rubric
    from corpus600m.generate.steps import (
        GenerationPipeline,
        JudgeRecord,
        LoadItems,
        PrepareAnswer,
        WriteAnswer,
        WriteInstruction,
    )

    kwargs = generation_kwargs(target, settings, max_new_tokens)
    # Batches several times the server's slots: a step sends a whole batch at once and waits for its slowest
    # request, so batches of exactly `llm_parallel` leave slots idle; the server queues the rest.
    batch = max(1, min(len(items), 4 * settings.llm_parallel))
    rows = _input_rows(items)
    digest = hashlib.sha1(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    with GenerationPipeline(name=PIPELINE_NAME, cache_dir=configure_caches(settings),
                            description="corpus600m: instructions by country and variety") as pipeline:
        load = LoadItems(name="load_items", data=rows, batch_size=batch, items_digest=digest)
        write_instruction = WriteInstruction(
            name="write_instruction", items_digest=digest, llm=make_llm(target, settings, kwargs), input_batch_size=batch,
            max_attempts=settings.generate_instruction_attempts, variety_attempts=settings.generate_variety_attempts,
            input_mappings={"messages": "instruction_messages", "retry_messages": "instruction_retry_messages"},
            output_mappings={"generation": "raw_instruction", "model_name": "instruction_model"},
            add_raw_output=False, add_raw_input=False,
        )
        prepare = PrepareAnswer(name="prepare_answer", input_batch_size=batch, items_digest=digest)
        write_answer = WriteAnswer(
            name="write_answer", items_digest=digest, llm=make_llm(target, settings, kwargs), input_batch_size=batch,
            variety_attempts=settings.generate_variety_attempts, adapt_voseo=settings.generate_variety_adapt,
            input_mappings={"messages": "answer_messages", "retry_messages": "answer_retry_messages"},
            output_mappings={"generation": "output", "model_name": "answer_model"},
            add_raw_output=False, add_raw_input=False,
        )
        for step in (write_instruction, write_answer):
            step.set_variety_fit(fits_variety)
        llm_steps = [write_instruction, write_answer]
        load >> write_instruction >> prepare >> write_answer
        if settings.judge_enabled:
            judge_kwargs = format_kwargs(target.backend, {**kwargs, "max_new_tokens": settings.judge_max_new_tokens,
                                                          "temperature": 0.0})
            judge = JudgeRecord(
                name="judge", items_digest=digest, llm=make_llm(target, settings, judge_kwargs), input_batch_size=batch,
                rubric_version=load_rubric().label, output_mappings={"model_name": "judge_model"},
                add_raw_output=False, add_raw_input=False,
            )
            llm_steps.append(judge)
            write_answer >> judge
        for step in llm_steps:
            step.exclude_from_signature = step.exclude_from_signature | _NOT_IN_SIGNATURE
    return pipeline


def pipeline_signature(pipeline: Any) -> str:
    """distilabel's signature of the DAG plus its generation steps (model, prompts' wiring, generation kwargs),
    computed without the chunk digest: the same for every record made by the same configuration."""
    from distilabel import constants

    parts = [pipeline.signature]
    for name in pipeline.dag:
        step = pipeline.dag.get_step(name)[constants.STEP_ATTR_NAME]
        if name == "load_items":
            continue
        digest, step.items_digest = step.items_digest, ""
        try:
            parts.append(step.signature)
        finally:
            step.items_digest = digest
    return hashlib.sha1("".join(parts).encode()).hexdigest()[:16]


def _verdict(row: dict[str, Any], target: LLMTarget) -> JudgeVerdict | None:
    """The judge's verdict from a pipeline row (None when the judge is off or its answer could not be read)."""
    from corpus600m.generate.judge import RULES_MODEL, load_rubric

    if row.get("judge_score") is None:
        return None
    by_rules = row.get("judge_by") == "rules"
    return JudgeVerdict(score=row["judge_score"], rationale=row.get("judge_rationale") or "",
                        genuine_request=bool(row.get("judge_genuine")) if row.get("judge_genuine") is not None else True,
                        correct=row.get("judge_correct"),
                        model=RULES_MODEL if by_rules else (row.get("judge_model") or target.model),
                        rubric_version=load_rubric().label)


def _tokens(row: dict[str, Any]) -> int:
    """Output tokens of every instruction and answer attempt and of the judge."""
    return sum(int(row.get(key) or 0) for key in ("instruction_tokens", "answer_tokens", "judge_tokens"))


@contextlib.contextmanager
def root_logging_restored() -> Iterator[None]:
    """Give the root logger its handlers back after a distilabel run.

    distilabel replaces them with a QueueHandler on a multiprocessing queue that it closes at the end, so every
    later log record of the process (Prefect's, ours) would fail with 'Queue is closed'.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with _workers_die_on_sigterm():
            yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


@contextlib.contextmanager
def _workers_die_on_sigterm() -> Iterator[None]:
    """Default SIGTERM while distilabel forks its step workers.

    The workers inherit the process's signal handlers. Under a handler that does not exit (Prefect installs one
    while a flow runs), a worker blocked on the pool's task queue survives the SIGTERM of `Pool.terminate()` at
    distilabel's teardown, and the run then waits on it forever (seen in the test suite: 8 idle minutes in
    `Pipeline._teardown`, the worker in `SimpleQueue.get`). Only the main thread may set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def run_chunk(items: list[GenerationItem], target: LLMTarget, settings: Settings,
              max_new_tokens: int | None = None, fits_variety: VarietyFit | None = None) -> ChunkResult:
    """Run the pipeline for one chunk and turn its rows into records (nothing is written here)."""
    import time

    level = os.environ.get("CORPUS600M_DISTILABEL_LOG_LEVEL", "WARNING")
    os.environ["DISTILABEL_LOG_LEVEL"] = level
    logging.getLogger("distilabel").setLevel(level)
    pipeline = build_pipeline(items, target, settings, max_new_tokens, fits_variety)
    execution_dir = pipeline._cache_location["data"].parent  # noqa: SLF001 (no public accessor in distilabel 1.5)
    from_cache = (execution_dir / "data").exists()
    started = time.monotonic()
    with root_logging_restored():
        try:
            distiset = pipeline.run(use_cache=True)
        except FileNotFoundError:
            # a run killed at the wrong moment can leave distilabel's saved batch manager saying "done" with no
            # step outputs on disk: drop that execution's cache and run the chunk again
            shutil.rmtree(execution_dir, ignore_errors=True)
            from_cache = False
            pipeline = build_pipeline(items, target, settings, max_new_tokens, fits_variety)
            distiset = pipeline.run(use_cache=True)
    seconds = time.monotonic() - started
    signature = pipeline_signature(pipeline)
    instruction_t, answer_t = load_template("instruction"), load_template("answer")
    rows = list(distiset["default"]["train"]) if "default" in distiset else []
    result = ChunkResult(records=[], signature=signature, llm_seconds=seconds, from_cache=from_cache)
    seen = set()
    for row in rows:
        seen.add(row["item_key"])
        tokens = _tokens(row)
        result.output_tokens += tokens
        result.judge_tokens += int(row.get("judge_tokens") or 0)
        result.attempts[row.get("instruction_attempts") or 0] += 1
        if row.get("answer_attempts"):
            result.answer_attempts[row["answer_attempts"]] += 1
        if not row.get("instruction"):
            result.failed[f"no_instruction:{row.get('instruction_problem') or 'no_output'}"] += 1
            continue
        output = (row.get("output") or "").strip()
        if not output:
            result.failed["no_answer"] += 1
            continue
        if settings.judge_enabled and row.get("judge_score") is None:
            result.judge_unreadable += 1
        result.records.append(Record(
            instruction=row["instruction"], output=output, lang="es",
            country=row["country"], variety=row["variety"], source=Source.SYNTHETIC,
            domain=row["domain"], task=row["task"],
            origin=Origin(
                model=row.get("answer_model") or target.model, backend=target.backend,
                template_id=f"{instruction_t.id}+{answer_t.id}",
                template_version=f"{instruction_t.version}+{answer_t.version}",
                temperature=settings.llm_temperature, seed_topic=row["seed_topic"], pipeline_signature=signature,
                output_tokens=tokens, persona=row.get("persona") or None,
                instruction_attempts=row.get("instruction_attempts"), answer_attempts=row.get("answer_attempts"),
                variety_adapted=bool(row.get("variety_adapted")),
            ),
            judge=_verdict(row, target),
        ))
    result.failed["no_instruction"] += len({f"{i.country}/{i.variety}/{i.slot}" for i in items} - seen)
    result.failed = +result.failed
    if result.failed:
        # failed items (e.g. the server timed out) are cached as failures: forget this chunk's cache so
        # the next run retries them (items that worked come back identical: fixed seed, same prompt)
        shutil.rmtree(execution_dir, ignore_errors=True)
    return result


def _chunks(items: list[GenerationItem], size: int) -> list[list[GenerationItem]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def generate_items(items: list[GenerationItem], *, llm: LLMTarget, settings: Settings, store: Store, out: Path | None = None,
                   max_new_tokens: int | None = None, progress: ProgressFn | None = None,
                   stage: str = "generate", fits_variety: VarietyFit | None = None) -> StageReport:
    """Generate `items` chunk by chunk with the endpoint `llm` (resolved and checked by the caller:
    `services.llm_server.llm_target(settings)`), upserting each completed chunk into the generated table.

    `fits_variety(text, variety)` (the filter stage's `filters.variety.fits_variety`, handed over by the caller):
    instructions and answers whose forms of address do not fit are asked for again, up to
    `settings.generate_variety_attempts`; None turns that retry off."""
    report = StageReport(stage=stage, n_in=len(items))
    if not items:
        if out is not None:
            write_jsonl([], out)
        return report.finish()
    target = llm
    written: list[Record] = []
    failed: Counter = Counter()
    details: dict[str, Any] = {"backend": target.backend, "model": target.model, "base_url": target.base_url,
                               "new": 0, "unchanged": 0, "output_tokens": 0, "llm_seconds": 0.0, "chunks": 0,
                               "chunks_from_cache": 0, "judge": settings.judge_enabled, "judge_unreadable": 0, "judge_tokens": 0,
                               "instruction_attempts": {}, "answer_attempts": {},
                               "variety_retry": fits_variety is not None and settings.generate_variety_attempts > 1,
                               "variety_adapted": 0}
    done = 0
    for chunk in _chunks(items, settings.llm_chunk_items):
        result = run_chunk(chunk, target, settings, max_new_tokens, fits_variety)
        # items whose every attempt was not a request (greeting, echo...) are a result, not a failure of the backend
        rejected_texts = sum(n for code, n in result.failed.items()
                             if code.startswith("no_instruction:") and code != "no_instruction:no_output")
        if not result.records and rejected_texts < len(chunk):
            raise GenerationError(
                f"the model at {target.base_url or target.backend} ({target.model}) produced nothing for "
                f"{len(chunk)} items ({dict(result.failed)}); nothing was written for them. Check the server log "
                "(`corpus600m llm status`) and CORPUS600M_LLM_TIMEOUT, then re-run: finished chunks are kept."
            )
        upsert = store.upsert(Table.GENERATED, result.records)
        written.extend(result.records)
        failed.update(result.failed)
        details["new"] += upsert.n_new
        details["unchanged"] += upsert.n_unchanged + upsert.n_updated
        details["output_tokens"] += result.output_tokens
        details["llm_seconds"] += result.llm_seconds
        details["chunks"] += 1
        details["chunks_from_cache"] += int(result.from_cache)
        details["judge_unreadable"] += result.judge_unreadable
        details["judge_tokens"] += result.judge_tokens
        details["variety_adapted"] += sum(bool(r.origin.variety_adapted) for r in result.records)
        for key, counts in (("instruction_attempts", result.attempts), ("answer_attempts", result.answer_attempts)):
            for n, count in counts.items():
                details[key][str(n)] = details[key].get(str(n), 0) + count
        details["pipeline_signature"] = result.signature
        done += len(chunk)
        if progress:
            progress(done, len(items))
    if out is not None:
        write_jsonl(written, out)
    per_cell = Counter(f"{r.country}/{r.variety}" for r in written)
    details["per_cell"] = dict(sorted(per_cell.items()))
    report.n_kept = len(written)
    report.n_rejected = sum(failed.values())
    report.rejected_by_reason = dict(failed)
    report.details = details
    return report.finish()


def plan_request(countries: list[str], per_country: int, seeds_dir: Path = SEEDS_DIR) -> list[GenerationItem]:
    """The items of `generate_records(countries, per_country)`: slots 0..n-1 of each cell, always the same."""
    if per_country < 1:
        raise ValueError(f"per_country must be at least 1, got {per_country}")
    cells = {cell: (0, n) for cell, n in split_per_country(countries, per_country).items()}
    return plan_items(cells, load_seeds(seeds_dir), load_template("instruction"), load_personas(seeds_dir))


def plan_gaps(target: int, store: Store, countries: list[str] | None = None,
              seeds_dir: Path = SEEDS_DIR) -> tuple[list[GenerationItem], dict[str, int]]:
    """The items `fill_gaps(target)` would generate, and the deficit per `country/variety` they cover."""
    if target < 1:
        raise ValueError(f"target must be at least 1, got {target}")
    codes = [c.code for c in catalog.parse_countries(countries)] if countries else None
    table = deficits(store, target, codes)
    cells = {(row["country"], row["variety"]): (row["generated"], row["deficit"])
             for row in table.iter_rows(named=True) if row["deficit"] > 0}
    items = plan_items(cells, load_seeds(seeds_dir), load_template("instruction"), load_personas(seeds_dir))
    return items, {f"{c}/{v}": n for (c, v), (_, n) in cells.items()}


def generate_records(countries: list[str], per_country: int, *, llm: LLMTarget, settings: Settings | None = None,
                     store: Store | None = None, out: Path | None = None, max_new_tokens: int | None = None,
                     seeds_dir: Path = SEEDS_DIR, progress: ProgressFn | None = None,
                     fits_variety: VarietyFit | None = None) -> StageReport:
    """Generate `per_country` records for each country (spread over its varieties, default variety first).

    Writes to the store's generated table (and to `out` as JSONL when given). The same request always
    plans the same items, so re-running it adds nothing new. `fits_variety`: see `generate_items`.
    """
    settings = settings or get_settings()
    store = store or open_store(settings.data_dir, settings)
    items = plan_request(countries, per_country, seeds_dir)
    return generate_items(items, llm=llm, settings=settings, store=store, out=out, max_new_tokens=max_new_tokens,
                          progress=progress, fits_variety=fits_variety)


def fill_gaps(target: int, *, llm: LLMTarget, countries: list[str] | None = None, settings: Settings | None = None,
              store: Store | None = None, out: Path | None = None, max_new_tokens: int | None = None,
              seeds_dir: Path = SEEDS_DIR, progress: ProgressFn | None = None,
              fits_variety: VarietyFit | None = None) -> StageReport:
    """Generate only what is missing for each country × variety to reach `target` records.

    The deficit counts curated + filtered (in review) + generated records, minus those the filters rejected.
    New items start at each cell's next free slot, so they never repeat earlier prompts. `fits_variety`: see
    `generate_items`.
    """
    settings = settings or get_settings()
    store = store or open_store(settings.data_dir, settings)
    items, deficit = plan_gaps(target, store, countries, seeds_dir)
    report = generate_items(items, llm=llm, settings=settings, store=store, out=out, max_new_tokens=max_new_tokens,
                            progress=progress, stage="generate:fill-gaps", fits_variety=fits_variety)
    report.details["target"] = target
    report.details["deficit_before"] = deficit
    return report


def merge_reports(reports: list[StageReport], stage: str = "generate") -> StageReport:
    """One report for several `generate_items` calls (e.g. one per chunk in the Prefect flow)."""
    merged = StageReport.combine(stage, reports)
    per_cell: Counter = Counter()
    for r in reports:
        for key in ("new", "unchanged", "output_tokens", "llm_seconds", "chunks", "chunks_from_cache", "judge_unreadable",
                    "judge_tokens", "variety_adapted"):
            merged.details[key] = merged.details.get(key, 0) + r.details.get(key, 0)
        for key in ("instruction_attempts", "answer_attempts"):
            attempts = merged.details.setdefault(key, {})
            for n, count in r.details.get(key, {}).items():
                attempts[n] = attempts.get(n, 0) + count
        for key in ("backend", "model", "base_url", "pipeline_signature", "judge", "variety_retry"):
            if key in r.details:
                merged.details[key] = r.details[key]
        per_cell.update(r.details.get("per_cell", {}))
    merged.details["per_cell"] = dict(sorted(per_cell.items()))
    return merged.finish()


__all__ = ["GenerationError", "LLMError", "fill_gaps", "generate_items", "generate_records", "merge_reports",
           "plan_gaps", "plan_request"]
