"""The layout rule (ARCHITECTURE.md): a stage imports only the core (records, catalog, store, settings, ...) and
never another stage or the services; nothing under src/ imports flows/ or the CLI, except the CLI itself (which
parses arguments and calls a flow) and `corpus600m.__main__`. Flows are the one place that composes stages."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "corpus600m"
STAGES = ("generate", "annotate", "filters", "ingest", "publish")


def _imports(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
    return modules


def _violations() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        where = parts[0] if len(parts) > 1 else path.stem
        for module in _imports(path):
            names = module.split(".")
            if names[0] == "flows" and where not in ("cli",):
                found.append(f"{path.relative_to(SRC)} imports {module} (only the CLI calls flows)")
            if names[0] != "corpus600m" or len(names) < 2:
                continue
            target = names[1]
            if target == "cli" and where not in ("cli", "__main__"):
                found.append(f"{path.relative_to(SRC)} imports {module} (nothing under src/ imports the CLI)")
            if where in STAGES and target != where and (target in STAGES or target == "services"):
                found.append(f"{path.relative_to(SRC)} imports {module} (a stage imports no other stage or service)")
    return found


def test_stages_import_no_other_stage_nor_services_and_src_imports_no_flows():
    # (the last exception, generate starting its own LLM server, is gone: flows and the CLI resolve the endpoint
    # with services.llm_server.llm_target and hand it to generate_items / judge_records)
    assert _violations() == []


def test_the_rule_catches_a_stage_importing_another(tmp_path, monkeypatch):
    fake = tmp_path / "corpus600m"
    (fake / "publish").mkdir(parents=True)
    (fake / "publish" / "gates.py").write_text("from corpus600m.filters.pii import detect_pii\n", encoding="utf-8")
    (fake / "ingest").mkdir()
    (fake / "ingest" / "inbox.py").write_text("import flows.ingest_inbox\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SRC", fake)
    assert len(_violations()) == 2
