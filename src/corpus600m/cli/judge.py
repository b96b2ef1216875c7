"""`corpus600m judge table TABLE` (the LLM judge on stored records) and `corpus600m report generation` (yield)."""

from __future__ import annotations

import json

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, fail

judge_app = typer.Typer(help="The LLM judge (Spanish rubric) on records already in the store, e.g. donations.",
                        no_args_is_help=True)
report_app = typer.Typer(help="Reports computed from the store.", no_args_is_help=True)
app.add_typer(judge_app, name="judge")
app.add_typer(report_app, name="report")


@judge_app.command("table")
def judge_table_command(
    table: str = typer.Argument(..., help="Store table to judge: donated, generated, filtered, curated."),
    force: bool = typer.Option(False, "--force", help="Judge again records that already have a verdict of this rubric."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Judge at most N records (in id order)."),
    backend: str | None = typer.Option(None, "--backend", help="embedded | openai | hf-inference (default CORPUS600M_LLM_BACKEND)."),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible base URL (hf-inference: an Inference Endpoint's URL)."),
    model: str | None = typer.Option(None, "--model", help="Model name the endpoint serves."),
) -> None:
    """Give every record of TABLE the judge's verdict (score 1-5, rationale, real request?, correct?), in place.

    Example: `corpus600m judge table donated`, then `corpus600m filter table donated` with
    CORPUS600M_JUDGE_MIN_SCORE=3 to reject what the judge scored below 3 (quality:judge).
    """
    from corpus600m.cli.generate import _settings
    from corpus600m.generate import GenerationError, LLMError, PromptError
    from corpus600m.generate.judging import judge_table
    from corpus600m.services import llm_server
    from corpus600m.store import Table, open_store

    if table not in {str(t) for t in Table} or table == Table.REJECTED:
        fail(f"unknown table {table!r}; choose one of: donated, generated, filtered, curated")
    settings = _settings(llm_backend=backend, llm_base_url=base_url, llm_model=model)
    store = open_store(settings.data_dir, settings)
    with console.status(f"judging {table}…"):
        try:
            report = judge_table(store, table, settings, llm=llm_server.llm_target(settings), force=force, limit=limit)
        except (LLMError, GenerationError, PromptError) as exc:
            fail(str(exc))
    d = report.details
    console.print(f"{table}: {report.n_in} record(s) to judge, {d['judged']} judged, {d['unreadable']} unreadable "
                  f"verdict(s); {d['output_tokens']} output tokens; model {d.get('model', '—')} via {d.get('backend', '—')}, "
                  f"rubric {d.get('rubric', '—')}")


@report_app.command("generation")
def report_generation(as_json: bool = typer.Option(False, "--json", help="Print a JSON list, one object per cell.")) -> None:
    """Yield of generation per country × variety: generated, rejected by reason, kept, judge mean (1-5),
    variety-fidelity rate (0-1) and output tokens per kept record (run after `generate` and `filter`)."""
    from corpus600m.generate.report import generation_yield, totals
    from corpus600m.settings import get_settings
    from corpus600m.store import open_store

    settings = get_settings()
    cells = generation_yield(open_store(settings.data_dir, settings))
    if as_json:
        print(json.dumps(cells, ensure_ascii=False, indent=1))
        return
    if not cells:
        console.print("no generated records in the store yet: run `corpus600m generate` (and `corpus600m filter table generated`)")
        return
    view = RichTable(title="generation yield per country × variety (judge mean 1-5; variety fidelity: share whose "
                           "forms of address fit the variety; output tokens per kept record)")
    view.add_column("country", no_wrap=True)
    view.add_column("variety", no_wrap=True, min_width=15)
    for column in ("generated", "kept", "pending"):
        view.add_column(column, justify="right", no_wrap=True)
    view.add_column("rejected by reason", overflow="fold")
    for column in ("judge mean", "variety fidelity", "tokens / kept"):
        view.add_column(column, justify="right")
    for c in [*cells, totals(cells)]:
        view.add_row(c["country"], c["variety"], str(c["generated"]), str(c["kept"]), str(c["pending"]),
                     ", ".join(f"{k}: {n}" for k, n in c["rejected"].items()) or "—",
                     "—" if c["judge_mean"] is None else f"{c['judge_mean']:.2f}",
                     "—" if c["variety_fidelity"] is None else f"{c['variety_fidelity']:.0%}",
                     "—" if c["tokens_per_kept"] is None else f"{c['tokens_per_kept']:.0f}")
    console.print(view)
