"""The CLI's project commands: version, schemas export (and the in-sync check), store stats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from corpus600m import __version__
from corpus600m.cli import app
from corpus600m.cli.core import SCHEMAS_DIR
from corpus600m.records import Record, render_schemas
from corpus600m.store import Store, Table

runner = CliRunner()


def test_schemas_in_repo_are_in_sync_with_the_models():
    rendered = render_schemas()
    on_disk = {p.name for p in SCHEMAS_DIR.glob("*.schema.json")}
    assert on_disk == set(rendered), "schemas/ has files the models do not export (or misses some)"
    stale = [name for name, text in rendered.items() if (SCHEMAS_DIR / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"schemas/ out of date: {stale}; run `corpus600m schemas export`"


def test_schemas_check_fails_on_a_stale_file(tmp_path):
    assert runner.invoke(app, ["schemas", "export", "--out", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schemas", "export", "--out", str(tmp_path), "--check"]).exit_code == 0
    schema = json.loads((tmp_path / "record.schema.json").read_text())
    assert "instruction" in schema["required"] and "country" in schema["properties"]
    (tmp_path / "record.schema.json").write_text("{}")
    result = runner.invoke(app, ["schemas", "export", "--out", str(tmp_path), "--check"])
    assert result.exit_code == 1
    assert "record.schema.json" in result.output


def test_version_and_help():
    result = subprocess.run([sys.executable, "-m", "corpus600m", "version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("version", "schemas", "store"):
        assert command in help_text


def test_store_stats(data_dir: Path):
    empty = runner.invoke(app, ["store", "stats"])
    assert empty.exit_code == 0 and "empty" in empty.output
    Store(data_dir).upsert(Table.GENERATED, [
        Record(instruction="¿Qué significa «chévere»?", output="Que algo es bueno.", source="synthetic",
               country="VE", variety="caribena"),
    ])
    result = runner.invoke(app, ["store", "stats", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == [{"table": "generated", "country": "VE", "variety": "caribena", "records": 1}]
