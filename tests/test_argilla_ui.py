"""Argilla's stock web UI, served by the local server, in headless Chromium: sign in, open a dataset's annotation page."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.browser


def test_sign_in_and_open_annotation_page(argilla_server, browser_page, artifacts_dir):
    import argilla as rg

    from tests.fixtures.argilla_server import argilla_client

    client = argilla_client(argilla_server)
    workspace = rg.Workspace(name=f"ui-{uuid.uuid4().hex[:6]}", client=client).create()
    settings = rg.Settings(
        guidelines="Valora si la respuesta es correcta y está escrita en un español natural.",
        fields=[rg.TextField(name="instruction", title="Instrucción"), rg.TextField(name="output", title="Respuesta")],
        questions=[rg.LabelQuestion(name="calidad", title="¿Es buena la respuesta?", labels=["buena", "mala"])],
    )
    dataset = rg.Dataset(name="ui-demo", workspace=workspace, settings=settings, client=client).create()
    text = "Explica qué es un ajolote a un niño de Ciudad de México"
    dataset.records.log([{"instruction": text, "output": "Es un anfibio que vive en los canales de Xochimilco."}])

    page = browser_page
    page.goto(f"{argilla_server.url}/sign-in")
    page.locator("input[type=text], input[name=username]").first.fill(argilla_server.username)
    page.locator("input[type=password]").first.fill(argilla_server.password)
    page.locator("button[type=submit]").first.click()
    page.wait_for_url(lambda url: "sign-in" not in url, timeout=60_000)

    page.goto(f"{argilla_server.url}/dataset/{dataset.id}/annotation-mode")
    record_text = page.get_by_text(text).first
    record_text.wait_for(state="visible", timeout=60_000)
    page.get_by_text("¿Es buena la respuesta?").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the splash screen fades out after the data arrives
    page.screenshot(path=str(artifacts_dir / "argilla_annotation_page.png"))
    assert record_text.is_visible()
    assert page.get_by_text("mala", exact=True).first.is_visible()  # the label question's options
