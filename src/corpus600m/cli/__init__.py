"""The `corpus600m` command line: thin Typer commands that parse arguments and call stages and flows.

Each command group lives in its own module here (`cli/argilla.py`, `cli/generate.py`, ...) and is
registered below. Heavy libraries (distilabel, presidio, argilla) are imported inside the commands so
that `corpus600m --help` stays fast.
"""

from __future__ import annotations

from corpus600m.cli.app import app
from corpus600m.cli import core  # noqa: F401  (registers version, schemas, store)
from corpus600m.cli import argilla  # noqa: F401  (registers argilla install/up/down/status/logs)
from corpus600m.cli import generate  # noqa: F401  (registers llm, generate)
from corpus600m.cli import publish  # noqa: F401  (registers publish)
from corpus600m.cli import export  # noqa: F401  (registers export)
from corpus600m.cli import donate  # noqa: F401  (registers donate, donate inbox)
from corpus600m.cli import filter  # noqa: F401,A004  (registers filter, filter table)
from corpus600m.cli import annotate  # noqa: F401  (registers annotate users/push/pull/report)
from corpus600m.cli import run  # noqa: F401  (registers run, serve, services)
from corpus600m.cli import judge  # noqa: F401  (registers judge table, report generation)



def main() -> None:
    """The `corpus600m` entry point: the app, with errors that are the user's to fix shown as one clear message
    instead of a traceback: invalid settings (which variable, what is wrong; never the value, it may be a
    secret) and store errors (which table or setting, what to do)."""
    from pydantic import ValidationError

    from corpus600m.cli.app import fail
    from corpus600m.store import StoreError

    try:
        app()
    except StoreError as exc:
        fail(str(exc))
    except ValidationError as exc:
        if exc.title != "Settings":
            raise
        problems = "; ".join(f"CORPUS600M_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                             for e in exc.errors(include_input=False, include_url=False))
        fail(f"invalid setting(s): {problems}. Fix the environment variable(s) or .env and re-run.")


__all__ = ["app", "main"]
