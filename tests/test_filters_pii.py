"""PII detection on realistic Spanish text from many countries (tests/data/filters/pii_*.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus600m.filters.pii import apply_pii_policy, build_analyzer, detect_pii
from corpus600m.filters.pii_recognizers import (
    triggered_groups_batch,
    valid_ar_cuit,
    valid_cl_rut,
    valid_ec_cedula,
    valid_es_nif,
    valid_es_nie,
    valid_mx_curp,
    valid_mx_rfc,
    valid_uy_ci,
)

DATA = Path(__file__).parent / "data" / "filters"
POSITIVE = [json.loads(line) for line in (DATA / "pii_positive.jsonl").read_text(encoding="utf-8").splitlines()]
NEGATIVE = [json.loads(line) for line in (DATA / "pii_negative.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", POSITIVE, ids=[f"{c['country']}-{c['entity']}" for c in POSITIVE])
def test_each_supported_pii_kind_is_caught(case):
    text = case["text"]
    found = [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]
    assert any(entity == case["entity"] and (case["value"] in value or value in case["value"]) for entity, value in found), found


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["why"] for c in NEGATIVE])
def test_invalid_check_digits_and_clean_text_are_not_flagged(case):
    spans = detect_pii(case["text"])
    if case["not_entity"]:
        assert case["not_entity"] not in {s.entity_type for s in spans}
    else:
        assert spans == [], [(s.entity_type, case["text"][s.start:s.end]) for s in spans]


def test_the_same_ids_with_a_valid_check_digit_are_flagged():
    # the negative set holds these with one check character changed: the validators are what tells them apart
    assert valid_es_nif("12345678Z") and not valid_es_nif("12345678A")
    assert valid_es_nie("X1234567L") and not valid_es_nie("X1234567K")
    assert valid_mx_curp("HEGG560427MVZRRL04") and not valid_mx_curp("HEGG560427MVZRRL05")
    assert valid_mx_rfc("GODE561231GR8") and not valid_mx_rfc("GODE561231GR9")
    assert valid_cl_rut("12.345.678-5") and not valid_cl_rut("12.345.678-9")
    assert valid_ar_cuit("20-12345678-6") and not valid_ar_cuit("20-12345678-5")
    assert valid_ec_cedula("1710034065") and not valid_ec_cedula("1710034066")
    assert valid_uy_ci("1.234.567-2") and not valid_uy_ci("1.234.567-3")


def test_policy_redacts_with_typed_placeholders_and_records_what_was_done():
    text = "Soy Ana Ruiz, mi correo es ana.ruiz@gmail.com y mi móvil 612 345 678."
    new, findings, rejecting = apply_pii_policy("output", text, detect_pii(text), {"PERSON": "keep"})
    assert new == "Soy Ana Ruiz, mi correo es <EMAIL> y mi móvil <PHONE>."
    assert {(f.entity_type, f.action) for f in findings} == {("PERSON", "kept"), ("EMAIL_ADDRESS", "redacted"),
                                                               ("PHONE_NUMBER", "redacted")}
    email = next(f for f in findings if f.entity_type == "EMAIL_ADDRESS")
    assert text[email.start:email.end] == "ana.ruiz@gmail.com" and email.field == "output"
    assert rejecting == []
    _, _, rejecting = apply_pii_policy("output", text, detect_pii(text), {"EMAIL_ADDRESS": "reject"})
    assert rejecting == ["EMAIL_ADDRESS"]


def test_placeholders_are_not_detected_again():
    assert detect_pii("Hola, soy <PERSON>. Mi teléfono es <PHONE> y mi correo <EMAIL>.") == []


def test_presidio_analyzer_engine_runs_the_same_recognizers_offline():
    analyzer = build_analyzer()
    results = analyzer.analyze("Mi CURP es HEGG560427MVZRRL04 y mi RUT 12.345.678-5.", language="es")
    assert {"MX_CURP", "CL_RUT"} <= {r.entity_type for r in results}


def test_batch_triggers_lose_nothing_and_skip_ordinary_text():
    """The vectorized prefilter the pipeline uses finds every entity the per-text path finds, on every test
    text; ordinary text with cue-like words ("profesor", "parte", "ciudad. La") triggers nothing."""
    texts = [c["text"] for c in POSITIVE + NEGATIVE]
    for text, groups in zip(texts, triggered_groups_batch(texts), strict=True):
        assert detect_pii(text, groups=groups) == detect_pii(text), text
    ordinary = ["El profesor de historia explicó la parte más difícil del tema en la ciudad. La clase terminó tarde.",
                "La cooperativa del barrio organizó una feria con mucho entusiasmo. Mi abuela vendió pan."]
    assert triggered_groups_batch(ordinary) == [set(), set()]


def test_digit_windows_find_what_the_whole_text_finds(monkeypatch):
    """Recognizers of phones, cards and ids run on windows around digits: same findings as on the whole text."""
    from corpus600m.filters import pii

    filler = "El mercado del barrio abre temprano y cierra tarde cuando hay feria. " * 4
    texts = [c["text"] for c in POSITIVE + NEGATIVE]
    texts += [filler + a + " " + filler + b for a, b in zip(texts, reversed(texts), strict=True)]
    windowed = [detect_pii(t) for t in texts]
    monkeypatch.setattr(pii, "_digit_windows", lambda text: [(0, len(text))])
    assert windowed == [detect_pii(t) for t in texts]
    assert any(windowed)
