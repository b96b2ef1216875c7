"""The main job (`corpus600m run`), scheduled operation (`corpus600m serve`) and the local services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from corpus600m.cli.app import app, console, fail

services_app = typer.Typer(help="Start, stop and check the local services of the embedded default "
                                "(Prefect API, Argilla, LLM server).", no_args_is_help=True)
app.add_typer(services_app, name="services")


@contextmanager
def prefect_api(start_local: bool = True) -> Iterator[str]:
    """Point Prefect at the configured API, or at the project's local server (started if needed)."""
    from corpus600m.services import prefect_server
    from corpus600m.services.process import ServiceError
    from corpus600m.settings import get_settings

    settings = get_settings()
    if settings.prefect_api_url:
        url = settings.prefect_api_url
    elif start_local:
        home = settings.service_home("prefect")
        try:
            with console.status("starting the local Prefect server…"):
                url = prefect_server.start(home, port=settings.prefect_port)
        except ServiceError as exc:
            fail(str(exc))
        os.environ.setdefault("PREFECT_HOME", str(home))
    else:
        fail("no Prefect API: set PREFECT_API_URL, or run `corpus600m services up`")
    os.environ["PREFECT_API_URL"] = url
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield url


def _local_services(llm: bool) -> dict[str, str]:
    """Start (or reuse) the local Argilla server and, when generating with the embedded backend, the LLM."""
    from corpus600m.services import argilla_server, llm_server
    from corpus600m.services.process import ServiceError
    from corpus600m.settings import get_settings

    settings = get_settings()
    where: dict[str, str] = {}
    try:
        with console.status("starting the local Argilla server…"):
            conn = argilla_server.up(settings, say=lambda msg: console.print(msg)).connection
        where["argilla"] = conn.url
        if conn.mode == "local":
            where["argilla_login"] = (f"user 'argilla', password in {argilla_server.paths(settings).password_file} "
                                      f"(API key in {argilla_server.paths(settings).api_key_file})")
        if llm and settings.llm_backend == "embedded":
            with console.status("starting the embedded LLM server…"):
                url, model = llm_server.ensure_running(settings)
            where["llm"] = f"{url} ({model})"
    except ServiceError as exc:
        fail(str(exc))
    return where


@app.command()
def run(
    countries: str = typer.Option(None, "--countries", help="Comma-separated ISO country codes, e.g. MX,AR "
                                  "(default: CORPUS600M_PIPELINE_COUNTRIES)."),
    per_country: int = typer.Option(None, "--per-country", min=1, help="Records to generate per country "
                                    "(default: CORPUS600M_PIPELINE_PER_COUNTRY)."),
    fill_gaps: bool = typer.Option(False, "--fill-gaps", help="Generate only what each country×variety lacks "
                                   "to reach --target."),
    target: int = typer.Option(None, "--target", min=1, help="Records per country×variety for --fill-gaps."),
    from_file: str = typer.Option(None, "--from", help="Take records from this JSONL file instead of generating."),
    dataset: str = typer.Option(None, "--dataset", help="Argilla dataset name (default: CORPUS600M_PIPELINE_DATASET)."),
    repo_id: str = typer.Option(None, "--repo-id", help="Hub repo id of the dry-run publish."),
) -> None:
    """Run the whole pipeline once on the configured services (by default the local ones, started if needed).

    generate → filter → push to Argilla → pull the annotations there are → publish a dry run, as one
    Prefect flow. Re-running adds nothing already there; a killed run is completed by running it again.
    """
    from corpus600m.settings import get_settings

    settings = get_settings()
    parameters = _pipeline_parameters(settings, countries, per_country, target if fill_gaps else None, fill_gaps,
                                      dataset, repo_id)
    where = _local_services(llm=not from_file)
    with prefect_api() as api:
        from flows.pipeline import pipeline

        console.print(f"Prefect API: {api}")
        state = pipeline(**parameters, input_file=from_file, return_state=True)
        if not state.is_completed():
            fail(f"the pipeline run failed: {state.message}; the run report is under {settings.data_dir / 'runs'}; "
                 "fix the cause and run again (finished stages are not redone)")
    _print_run(state.result(), where)


def _pipeline_parameters(settings, countries: str | None, per_country: int | None, target: int | None,
                         fill_gaps: bool, dataset: str | None, repo_id: str | None) -> dict:
    """The `pipeline` flow's parameters: the options given, the CORPUS600M_PIPELINE_* settings for the others."""
    from corpus600m import catalog

    try:
        codes = [c.code for c in catalog.parse_countries(countries or settings.pipeline_countries)]
    except catalog.UnknownCodeError as exc:
        fail(str(exc))
    if fill_gaps and not (target or settings.fill_gaps_target):
        fail("--fill-gaps needs --target N (or CORPUS600M_FILL_GAPS_TARGET)")
    return {"countries": codes, "per_country": per_country or settings.pipeline_per_country,
            "fill_gaps_target": (target or settings.fill_gaps_target) if fill_gaps else None,
            "dataset": dataset or settings.pipeline_dataset, "repo_id": repo_id or settings.pipeline_repo_id}


def _print_run(report, where: dict[str, str]) -> None:
    from corpus600m import reporting

    console.print(reporting.stage_table(report))
    console.print(f"[bold]Annotate[/] at {where['argilla']}"
                  + (f" — sign in as {where['argilla_login']}" if "argilla_login" in where else ""))
    for name, path in report.outputs.items():
        console.print(f"  {name}: {path}")


@app.command()
def serve(
    dry_run: bool = typer.Option(False, "--dry-run", help="List the deployments and schedules; register nothing."),
) -> None:
    """Register the scheduled deployments (generate, ingest-inbox, filter, annotate-pull, publish) and serve them.

    Runs until interrupted (Ctrl-C). Schedules come from CORPUS600M_SCHEDULE_* settings; the deployments show
    in the Prefect UI. Uses PREFECT_API_URL when set, else the project's local Prefect server.
    """
    from corpus600m.settings import get_settings

    settings = get_settings()
    if dry_run:
        _print_deployments(settings, "deployments (dry run: nothing registered)")
        return
    with prefect_api(start_local=True) as api:
        from prefect import serve as prefect_serve

        deployments = _print_deployments(settings, f"deployments on {api}")
        prefect_serve(*deployments, print_starting_message=True)


def _print_deployments(settings, title: str) -> list:
    from rich.table import Table as RichTable

    from flows.deployments import build_deployments

    deployments = build_deployments(settings)
    table = RichTable(title=title)
    for column in ("flow / deployment", "schedule", "concurrency", "parameters"):
        table.add_column(column)
    for d in deployments:
        schedule = "; ".join(str(getattr(s.schedule, "cron", None) or getattr(s.schedule, "interval", ""))
                             for s in d.schedules or [])
        params = ", ".join(f"{k}={v}" for k, v in d.parameters.items())
        limit = getattr(d.concurrency_limit, "limit", d.concurrency_limit)
        table.add_row(f"{d.flow_name}/{d.name}", schedule, str(limit or "—"), params)
    console.print(table)
    return deployments


@services_app.command("up")
def services_up() -> None:
    """Start (or reuse) the local Prefect server, Argilla server and embedded LLM server."""
    from corpus600m.settings import get_settings

    with prefect_api() as api:
        where = _local_services(llm=True)
    console.print(f"prefect: {api}")
    for name, value in where.items():
        console.print(f"{name}: {value}")
    console.print(f"data dir: {get_settings().data_dir.resolve()}")


@services_app.command("down")
def services_down() -> None:
    """Stop the local services this data dir started (by PID)."""
    from corpus600m.services import argilla_server, llm_server, prefect_server
    from corpus600m.settings import get_settings

    settings = get_settings()
    for name, stop in (("LLM server", lambda: llm_server.stop(settings)),
                       ("Argilla server", lambda: argilla_server.down(settings)),
                       ("Prefect server", lambda: prefect_server.stop(settings.service_home("prefect")))):
        console.print(f"{name}: {'stopped' if stop() else 'was not running'}")


@services_app.command("status")
def services_status() -> None:
    """Show whether each local service is running and where."""
    import json

    from corpus600m.services import argilla_server, llm_server, prefect_server
    from corpus600m.settings import get_settings

    settings = get_settings()
    url = settings.prefect_api_url or prefect_server.api_url("127.0.0.1", settings.prefect_port)
    out = {
        "prefect": {"url": url, "healthy": prefect_server.is_healthy(url)},
        "argilla": argilla_server.status(settings),
        "llm": llm_server.status(settings),
    }
    print(json.dumps(out, indent=1, default=str))
