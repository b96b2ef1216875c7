"""`corpus600m argilla ...`: the local Argilla server (install, up, down, status, logs)."""

from __future__ import annotations

import json

import typer
from rich.table import Table as RichTable

from corpus600m.cli.app import app, console, fail

argilla_app = typer.Typer(
    help=(
        "The Argilla server annotators use. By default a local argilla-server (API + web UI) started by the "
        "project on 127.0.0.1, its data under <data dir>/services/argilla/. With ARGILLA_API_URL and "
        "ARGILLA_API_KEY set, the project uses that remote Argilla 2.x server instead."
    ),
    no_args_is_help=True,
)
app.add_typer(argilla_app, name="argilla")


def _say(message: str) -> None:
    console.print(f"[dim]{message}[/]", highlight=False)


@argilla_app.command("install")
def install() -> None:
    """Create the local server's own virtualenv (.venv-argilla/, pinned argilla-server) if missing. Idempotent."""
    from corpus600m.services import argilla_server
    from corpus600m.services.process import ServiceError

    try:
        argilla_server.install(say=_say)
    except ServiceError as exc:
        fail(str(exc))


@argilla_app.command("up")
def up(
    port: int = typer.Option(None, "--port", help="Port to listen on (default CORPUS600M_ARGILLA_PORT, 6900)."),
    host: str = typer.Option(None, "--host", help="Interface to listen on (default CORPUS600M_ARGILLA_HOST, 127.0.0.1)."),
    no_install: bool = typer.Option(False, "--no-install",
                                    help="Fail instead of creating the server's virtualenv when it is missing."),
    timeout: float = typer.Option(180.0, "--timeout", help="Seconds to wait for the server to become healthy."),
) -> None:
    """Start the local Argilla server (migrations, owner user, search index) and print its URL.

    A second `up` while it runs does nothing. The owner's API key and password are written once to 0600
    files under the data dir and never printed; `corpus600m argilla status` shows where.
    """
    from corpus600m.services import argilla_server
    from corpus600m.services.process import ServiceError
    from corpus600m.settings import get_settings

    settings = get_settings()
    if settings.argilla_api_url:
        console.print(f"ARGILLA_API_URL is set: the project uses the remote Argilla at {settings.argilla_api_url}; "
                      "nothing to start")
        return
    try:
        if argilla_server.running_url(settings) is None:
            _say("starting the local Argilla server (migrations, owner user, search index)…")
        result = argilla_server.up(settings, port=port, host=host, install_missing=not no_install,
                                   timeout=timeout, say=_say)
    except ServiceError as exc:
        fail(str(exc))
    server = argilla_server.paths(settings)
    if result.already_running:
        console.print(f"the local Argilla server is already running at {result.connection.url}")
        return
    console.print(f"Argilla is running at [bold]{result.connection.url}[/]")
    console.print(f"sign in as [bold]{argilla_server.OWNER_USERNAME}[/]; password in {server.password_file}, "
                  f"API key in {server.api_key_file}", highlight=False)


@argilla_app.command("down")
def down() -> None:
    """Stop the local Argilla server (by its PID). Its data stays under the data dir."""
    from corpus600m.services import argilla_server
    from corpus600m.settings import get_settings

    settings = get_settings()
    if settings.argilla_api_url:
        console.print("ARGILLA_API_URL is set: the remote server is not managed by this project")
        return
    if argilla_server.down(settings):
        console.print("the local Argilla server stopped")
    else:
        console.print("the local Argilla server was not running")


@argilla_app.command("status")
def status(
    as_json: bool = typer.Option(False, "--json", help='Print {"url", "api_key_file", "mode", "healthy"} as JSON.'),
) -> None:
    """Say which Argilla the project uses (local or remote), where, and whether it answers."""
    from corpus600m.services import argilla_server

    info = argilla_server.status()
    if as_json:
        print(json.dumps(info))
        return
    table = RichTable(title="Argilla", show_header=False)
    for key, value in info.items():
        table.add_row(key, "—" if value is None else str(value))
    console.print(table)
    if not info["healthy"]:
        raise typer.Exit(1)


@argilla_app.command("logs")
def logs(lines: int = typer.Option(50, "--lines", "-n", help="How many of the last log lines to print.")) -> None:
    """Print the end of the local server's log (<data dir>/services/argilla/server.log)."""
    from corpus600m.services import argilla_server

    print(argilla_server.logs(lines=lines))
