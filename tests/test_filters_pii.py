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
    valid_mx_clabe,
    valid_mx_curp,
    valid_mx_rfc,
    valid_uy_ci,
)

DATA = Path(__file__).parent / "data" / "filters"
POSITIVE = [json.loads(line) for line in (DATA / "pii_positive.jsonl").read_text(encoding="utf-8").splitlines()]
NEGATIVE = [json.loads(line) for line in (DATA / "pii_negative.jsonl").read_text(encoding="utf-8").splitlines()]
# A held-out style probe: ~300 sentences each carrying one PII value as people write it in every Spanish-speaking
# country (phones in each national format, obfuscated e-mails, ids with and without separators, cards, IBANs,
# IPs, profile URLs, names after many cues, addresses of many styles), and ~140 clean sentences full of numbers
# (prices, years, ranges, counts, law numbers, ISBNs, product codes), institutions, public figures and ids whose
# check digit is wrong. Check digits were generated with independent implementations of the official algorithms.
PROBE_POSITIVE = [json.loads(line) for line in
                  (DATA / "pii_probe_positive.jsonl").read_text(encoding="utf-8").splitlines()]
PROBE_NEGATIVE = [json.loads(line) for line in
                  (DATA / "pii_probe_negative.jsonl").read_text(encoding="utf-8").splitlines()]
ALL_TEXTS = [c["text"] for c in POSITIVE + NEGATIVE + PROBE_POSITIVE + PROBE_NEGATIVE]


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


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=pytest.mark.xfail(reason=c["xfail"], strict=True)) if "xfail" in c else c
     for c in PROBE_POSITIVE],
    ids=[f"{i:03d}-{c['kind']}-{c['country']}" for i, c in enumerate(PROBE_POSITIVE)],
)
def test_probe_pii_is_caught_with_its_type_and_a_span_covering_the_value(case):
    text, value = case["text"], case["value"]
    start = text.index(value)
    end = start + len(value)
    spans = detect_pii(text)
    assert any(s.entity_type in case["entities"] and s.start <= start and s.end >= end for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


@pytest.mark.parametrize("case", PROBE_NEGATIVE, ids=[f"{i:03d}-{c['why']}" for i, c in enumerate(PROBE_NEGATIVE)])
def test_probe_clean_sentences_and_wrong_check_digits_yield_nothing(case):
    spans = detect_pii(case["text"])
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
    assert valid_mx_clabe("012180001183597198") and not valid_mx_clabe("012180001183597197")


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
    texts = ALL_TEXTS
    for text, groups in zip(texts, triggered_groups_batch(texts), strict=True):
        assert detect_pii(text, groups=groups) == detect_pii(text), text
    ordinary = ["El profesor de historia explicó la parte más difícil del tema en la ciudad. La clase terminó tarde.",
                "La cooperativa del barrio organizó una feria con mucho entusiasmo. Mi abuela vendió pan."]
    assert triggered_groups_batch(ordinary) == [set(), set()]


def test_digit_windows_find_what_the_whole_text_finds(monkeypatch):
    """Recognizers of phones, cards and ids run on windows around digits: same findings as on the whole text."""
    from corpus600m.filters import pii

    filler = "El mercado del barrio abre temprano y cierra tarde cuando hay feria. " * 4
    texts = list(ALL_TEXTS)
    texts += [filler + a + " " + filler + b for a, b in zip(texts, reversed(texts), strict=True)]
    windowed = [detect_pii(t) for t in texts]
    monkeypatch.setattr(pii, "_digit_windows", lambda text: [(0, len(text))])
    assert windowed == [detect_pii(t) for t in texts]
    assert any(windowed)
