"""`python -m corpus600m` runs the CLI."""

from corpus600m.cli import app

app()
