"""Generation without the LLM: seed files, templates, planning, deficits, instruction clean-up, CLI argument errors."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from corpus600m.generate.plan import deficits, plan_items, split_per_country
from corpus600m.generate.prompts import (
    PromptError,
    load_address_forms,
    load_personas,
    load_seeds,
    load_template,
    variety_context,
)
from corpus600m.generate.pipeline import plan_request
from corpus600m.generate.steps import clean_instruction
from corpus600m.records import RejectedRecord, RejectReason, Record, Source
from corpus600m.store import Store, Table


def test_builtin_seeds_and_templates_load():
    seeds = load_seeds()
    assert len(seeds) >= 8 and all(len(s.topics) >= 5 for s in seeds)
    for name in ("instruction", "answer"):
        template = load_template(name)
        assert template.id and template.version
    assert len(load_template("instruction").tasks) >= 3


def test_prompts_steer_by_variety_with_voseo_where_it_belongs():
    template, personas = load_template("instruction"), load_personas()

    def render(country: str, variety: str) -> list[dict[str, str]]:
        who = personas[variety]
        return template.render(**variety_context(country, variety), topic="t", domain_description="d",
                               task_description="x", persona=who.personas[0], example=who.example)

    ar, es, mx = render("AR", "rioplatense"), render("ES", "castellana"), render("MX", "mexicana")
    # system (persona + forms of address), a worked example as an earlier turn, then the item's request
    assert [m["role"] for m in ar] == ["system", "user", "assistant", "user"]
    assert "Argentina" in ar[0]["content"] and "vos" in ar[0]["content"] and "explicás" in ar[2]["content"]
    assert "vosotros" in es[0]["content"] and "España" in es[0]["content"]
    assert "voseo" not in mx[0]["content"] and "México" in mx[0]["content"]
    assert set(personas) == set(__import__("corpus600m.catalog", fromlist=["VARIETIES"]).VARIETIES)
    assert set(load_address_forms()) == set(__import__("corpus600m.catalog", fromlist=["VARIETIES"]).VARIETIES)


def test_plan_is_deterministic_balanced_and_continues_at_the_next_slot():
    first = plan_request(["MX", "ES"], 4)
    again = plan_request(["MX", "ES"], 4)
    assert [i.messages for i in first] == [i.messages for i in again]
    assert Counter((i.country, i.variety) for i in first) == {
        ("MX", "mexicana"): 4, ("ES", "castellana"): 2, ("ES", "andaluza"): 1, ("ES", "canaria"): 1}
    mx = [i for i in first if i.country == "MX"]
    assert len({i.domain for i in mx}) == 4, "the first items of a cell cover different domains"
    seeds, template = load_seeds(), load_template("instruction")
    later = plan_items({("MX", "mexicana"): (4, 3)}, seeds, template, load_personas())
    assert [i.slot for i in later] == [4, 5, 6]
    assert len({i.persona for i in first if i.country == "MX"}) >= 3, "a cell's requests come from different people"
    assert not {(i.topic, i.task) for i in later} & {(i.topic, i.task) for i in mx}


def test_split_per_country_starts_with_the_default_variety():
    assert split_per_country(["ES"], 1) == {("ES", "castellana"): 1}
    assert split_per_country(["AR", "CL"], 2) == {("AR", "rioplatense"): 1, ("AR", "andina"): 1, ("CL", "chilena"): 2}


def test_bad_seed_file_names_file_line_and_field(tmp_path):
    (tmp_path / "ok.yaml").write_text("domain: ok\ndescription: bien\ntopics: [uno, dos]\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("domain: roto\ntopics: [a, b\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"broken\.yaml, line \d+: not valid YAML"):
        load_seeds(tmp_path)
    (tmp_path / "broken.yaml").write_text("domain: Roto Mal\ntopics: []\n", encoding="utf-8")
    with pytest.raises(PromptError) as excinfo:
        load_seeds(tmp_path)
    message = str(excinfo.value)
    assert "broken.yaml" in message and "field 'domain'" in message and "field 'description'" in message
    assert "field 'topics'" in message


def test_extra_seed_file_extends_the_plan_without_code(tmp_path):
    for seed in load_seeds():
        (tmp_path / f"{seed.domain}.yaml").write_text(
            f"domain: {seed.domain}\ndescription: {seed.description}\ntopics: {seed.topics!r}\n", encoding="utf-8")
    (tmp_path / "mar.yaml").write_text("domain: mar\ndescription: pesca y costa\ntopics: [la pesca artesanal]\n",
                                       encoding="utf-8")
    items = plan_request(["CL"], 60, seeds_dir=tmp_path)
    assert "mar" in {i.domain for i in items}
    assert any("pesca artesanal" in i.messages[-1]["content"] for i in items)


def _record(country: str, variety: str, n: int) -> Record:
    return Record(instruction=f"pregunta {country} {n}", output=f"respuesta {n}", country=country, variety=variety,
                  source=Source.SYNTHETIC)


def test_deficits_count_curated_review_and_generated_but_not_rejected(tmp_path):
    store = Store(tmp_path)
    curated = [_record("MX", "mexicana", i) for i in range(2)]
    store.upsert(Table.CURATED, curated)
    store.upsert(Table.FILTERED, [_record("MX", "mexicana", 5)])
    store.upsert(Table.GENERATED, [*curated, _record("MX", "mexicana", 5), _record("AR", "rioplatense", 1),
                                   _record("AR", "rioplatense", 2)])
    store.upsert(Table.REJECTED, [RejectedRecord(record=_record("AR", "rioplatense", 2), stage="filter",
                                                 reasons=[RejectReason(code="pii")])])
    table = {(r["country"], r["variety"]): r for r in deficits(store, 4, ["MX", "AR"]).iter_rows(named=True)}
    assert table[("MX", "mexicana")]["have"] == 3 and table[("MX", "mexicana")]["deficit"] == 1
    assert table[("AR", "rioplatense")]["have"] == 1 and table[("AR", "rioplatense")]["deficit"] == 3
    assert table[("AR", "rioplatense")]["generated"] == 2  # next free slot
    assert table[("AR", "paraguaya")]["deficit"] == 4
    assert set(table) == {("MX", "mexicana"), ("AR", "rioplatense"), ("AR", "andina"), ("AR", "paraguaya")}


@pytest.mark.parametrize(("raw", "clean"), [
    ("Pregunta: «¿Qué es el laburo?»", "¿Qué es el laburo?"),
    ("**Petición:** Decime cómo llego.", "Decime cómo llego."),
    ("¿Cómo saco el pasaporte?\n\nPara sacar el pasaporte...", "¿Cómo saco el pasaporte?"),
    ('"¿Qué es un chunche?" es una pregunta común.', "¿Qué es un chunche?"),
    ("   ", ""),
    (None, ""),
])
def test_clean_instruction(raw, clean):
    assert clean_instruction(raw) == clean


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([str(Path(sys.executable).with_name("corpus600m")), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_cli_argument_errors_are_clear(data_dir):
    done = _cli("generate", "--countries", "MX,XX", "--per-country", "1")
    assert done.returncode == 1 and "unknown country 'XX'" in done.stderr and "Traceback" not in done.stderr
    done = _cli("generate", "--fill-gaps")
    assert done.returncode == 1 and "--target" in done.stderr
    done = _cli("generate", "--countries", "MX")
    assert done.returncode == 1 and "--per-country" in done.stderr


def test_cli_fill_gaps_plan_prints_the_deficit_and_writes_nothing(data_dir):
    done = _cli("generate", "--fill-gaps", "--target", "2", "--countries", "UY", "--plan")
    assert done.returncode == 0, done.stderr
    assert "rioplatense" in done.stdout and "2" in done.stdout
    assert not Store(data_dir).exists(Table.GENERATED)
