"""The root Typer app and the helpers every command group shares."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def shown_as_error(*errors: type[Exception], prefix: str = "") -> Iterator[None]:
    """Turn the stage or flow errors a user can fix (`errors`) into `fail`'s one clear message, after `prefix`."""
    try:
        yield
    except errors as exc:
        fail(f"{prefix}{exc}")


@contextmanager
def progress_bar(description: str | None, *, total: int | None = None, to: Console = err_console,
                 quiet: bool = False) -> Iterator[ProgressBar]:
    """A transient progress bar (description, bar, done/total, time) on `to`, closed when the block ends; with no
    description, only the bars of its parts (`ProgressBar.update_part`); `quiet`: none shown (`--quiet`)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=to, transient=True, disable=quiet) as progress:
        yield ProgressBar(progress, None if description is None else progress.add_task(description, total=total))


class ProgressBar:
    """What a stage's progress callback calls: `advance(n)` after n more items, `update(done, total)` with both, or
    `update_part(name, done, total)` for one of several parts (one bar each, e.g. per workspace)."""

    def __init__(self, progress, task) -> None:
        self.progress, self.task, self.parts = progress, task, {}

    def advance(self, n: int) -> None:
        self.progress.advance(self.task, n)

    def update(self, done: int, total: int) -> None:
        self.progress.update(self.task, completed=done, total=total)

    def update_part(self, name: str, done: int, total: int) -> None:
        if name not in self.parts:
            self.parts[name] = self.progress.add_task(name, total=total or 1)
        self.progress.update(self.parts[name], completed=done if total else 1)


def group_with_default(default: str) -> type[TyperGroup]:
    """A command group whose first argument, when it names no subcommand, goes to the `default` one:
    `donate PATH` is `donate add PATH`, while `donate inbox` stays the inbox command."""

    class GroupWithDefault(TyperGroup):
        def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
            if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
                args = [default, *args]
            return super().parse_args(ctx, args)

    return GroupWithDefault
