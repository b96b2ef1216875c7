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
from corpus600m.cli import donate  # noqa: F401  (registers donate, donate inbox)
from corpus600m.cli import filter  # noqa: F401,A004  (registers filter, filter table)
from corpus600m.cli import annotate  # noqa: F401  (registers annotate users/push/pull/report)
from corpus600m.cli import run  # noqa: F401  (registers run, serve, services)

__all__ = ["app"]
