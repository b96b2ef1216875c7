"""The judge's and the variety check's suggestions in Argilla: pushed with agent/score, pre-filled in the web UI;
and the mark of an answer rewritten as voseo by rule (metadata `variety_adapted`), shown in the record's menu."""

from __future__ import annotations

import re

import pytest

from corpus600m.annotate.push import push
from corpus600m.filters.variety import check_variety, record_text
from corpus600m.records import JudgeVerdict, Record, Source
from corpus600m.settings import get_settings
from tests.fixtures.argilla_server import argilla_client

DATASET = "sugerencias"


def _records() -> list[Record]:
    ar = Record(instruction="Che, ¿me explicás cómo saco turno para renovar el registro de conducir?",
                output="Entrá a la página de tu municipio, elegí «licencia de conducir» y sacá el turno con tu DNI.",
                country="AR", variety="rioplatense", source=Source.SYNTHETIC,
                origin={"model": "qwen", "variety_adapted": True},  # its tuteo was rewritten as voseo by rule
                judge=JudgeVerdict(score=4, rationale="Petición clara y respuesta útil.", genuine_request=True,
                                   correct=True, model="qwen", rubric_version="juez-calidad@1"))
    # claims castellana, but speaks with voseo and Argentine words: the check suggests rioplatense
    misfit = Record(instruction="Che, ¿vos sabés dónde tomo el bondi para ir al laburo?",
                    output="Tomá el colectivo 60 en la avenida.", country="ES", variety="castellana",
                    source=Source.SYNTHETIC, judge=JudgeVerdict(score=2, rationale="Respuesta poco concreta.",
                                                                genuine_request=True, correct=False, model="qwen",
                                                                rubric_version="juez-calidad@1"))
    return [r.model_copy(update={"variety_check": check_variety(record_text(r), r.variety)}) for r in (ar, misfit)]


@pytest.fixture()
def pushed(argilla_server, data_dir, monkeypatch):
    for key, value in argilla_server.env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    records = _records()
    client = argilla_client(argilla_server)
    push(records, DATASET, client, settings=get_settings())
    return records


def _first_record(client, workspace: str, dataset_name: str = DATASET) -> dict:
    dataset = client.datasets(dataset_name, workspace=workspace)
    return client.http_client.get(f"/api/v1/datasets/{dataset.id}/records", params={"limit": 10}).json()["items"][0]


def test_a_record_rewritten_by_rule_carries_the_mark_and_the_others_do_not(argilla_server, pushed):
    client = argilla_client(argilla_server)
    assert _first_record(client, "somos600m-ar")["metadata"]["variety_adapted"] == "si"
    assert "variety_adapted" not in _first_record(client, "somos600m-es")["metadata"]
    dataset = client.datasets(DATASET, workspace="somos600m-ar")
    prop = {m.name: m for m in dataset.settings.metadata}["variety_adapted"]
    assert prop.options == ["si"] and prop.visible_for_annotators


def test_a_dataset_made_before_the_mark_gets_its_property_on_the_next_push(argilla_server, data_dir, monkeypatch):
    import argilla as rg

    from corpus600m.annotate import design
    from corpus600m.annotate.users import ensure_workspaces

    for key, value in argilla_server.env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    client = argilla_client(argilla_server)
    ensure_workspaces(client, ["somos600m-ar"])
    old = design.build_settings(1, client)
    old.metadata.remove("variety_adapted")  # the design before the mark existed
    rg.Dataset(name="antes-de-la-marca", workspace="somos600m-ar", settings=old, client=client).create()
    push(_records()[:1], "antes-de-la-marca", client, settings=get_settings())
    dataset = client.datasets("antes-de-la-marca", workspace="somos600m-ar")
    assert "variety_adapted" in {m.name for m in dataset.settings.metadata}
    assert _first_record(client, "somos600m-ar", "antes-de-la-marca")["metadata"]["variety_adapted"] == "si"


def _suggestions(client, workspace: str) -> dict[str, dict]:
    dataset = client.datasets(DATASET, workspace=workspace)
    questions = {str(q.id): q.name for q in dataset.settings.questions}
    raw = client.http_client.get(f"/api/v1/datasets/{dataset.id}/records",
                                 params={"limit": 10, "include": ["suggestions"]}).json()["items"][0]
    return {questions[s["question_id"]]: s for s in raw["suggestions"]}


def test_judge_and_variety_suggestions_are_stored_with_agent_and_score(argilla_server, pushed):
    client = argilla_client(argilla_server)
    ar = _suggestions(client, "somos600m-ar")
    assert ar["calidad"]["value"] == 4 and ar["calidad"]["agent"] == "juez:qwen:juez-calidad-1"
    assert ar["es_correcta"]["value"] == "si"
    assert ar["variedad"]["value"] == "rioplatense" and ar["variedad"]["score"] == 1.0
    assert "variedad" in ar["variedad"]["agent"]
    es = _suggestions(client, "somos600m-es")
    assert es["variedad"]["value"] == "rioplatense", "the text, not the claim, decides the variety suggestion"
    assert es["calidad"]["value"] == 2 and es["es_correcta"]["value"] == "no"


@pytest.mark.browser
def test_annotator_sees_the_suggestions_prefilled(argilla_server, pushed, browser_page, artifacts_dir):
    page = browser_page
    url = argilla_server.url
    page.goto(f"{url}/sign-in", wait_until="domcontentloaded")
    page.locator("input[type=text], input[name=username]").first.fill(argilla_server.username)
    page.locator("input[type=password]").first.fill(argilla_server.password)
    page.locator("input[type=password]").first.press("Enter")
    page.wait_for_url(lambda u: "sign-in" not in u, timeout=60_000)
    dataset_id = argilla_client(argilla_server).datasets(DATASET, workspace="somos600m-es").id
    page.goto(f"{url}/dataset/{dataset_id}/annotation-mode", wait_until="domcontentloaded")
    page.get_by_text("¿vos sabés dónde tomo el bondi", exact=False).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.screenshot(path=artifacts_dir / "annotate_suggestions.png", full_page=True)
    # the variety check's suggestion (not the record's claimed castellana), the judge's correctness and score
    assert page.locator("#variedad_rioplatense").is_checked()
    assert not page.locator("#variedad_castellana").is_checked()
    assert page.locator("#es_correcta_no").is_checked()
    assert page.locator("#calidad_2").is_checked() and not page.locator("#calidad_4").is_checked()

    # the Argentine record's answer was rewritten as voseo by rule: its menu's metadata says so
    dataset_id = argilla_client(argilla_server).datasets(DATASET, workspace="somos600m-ar").id
    page.goto(f"{url}/dataset/{dataset_id}/annotation-mode", wait_until="domcontentloaded")
    page.get_by_text("me explicás cómo saco turno", exact=False).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    page.locator("[aria-label*='Record Dropdown']").first.click()
    page.get_by_text(re.compile("Ver metadatos|View metadata")).first.click()
    info = page.locator(".record-metadata-info")
    info.wait_for(state="visible")
    page.screenshot(path=artifacts_dir / "annotate_variety_adapted.png", full_page=True)
    assert info.get_by_text("variety_adapted", exact=True).is_visible()
    assert info.get_by_text("si", exact=True).is_visible()
