"""The root Typer app and the helpers every command group shares."""

from __future__ import annotations

import sys
from typing import NoReturn

import click
import typer
from rich.console import Console
from typer.core import TyperGroup

app = typer.Typer(
    name="corpus600m",
    help=(
        "Build the #Somos600M corpus of Spanish instructions: generate synthetic instructions by country and "
        "variety, filter them (language, PII, duplicates, quality), send them to Argilla for annotation, "
        "ingest donated corpora and publish the curated result with its Dataset Card.\n\n"
        "Settings come from CORPUS600M_* environment variables or a .env file (see README)."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a clear error (what, where, what to do) to stderr and exit with `code`; no traceback."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    sys.exit(code)


def group_with_default(default: str) -> type[TyperGroup]:
    """A command group whose first argument, when it names no subcommand, goes to the `default` one:
    `donate PATH` is `donate add PATH`, while `donate inbox` stays the inbox command."""

    class GroupWithDefault(TyperGroup):
        def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
            if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
                args = [default, *args]
            return super().parse_args(ctx, args)

    return GroupWithDefault
