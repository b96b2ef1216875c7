"""The record schema: validation messages name the field and value; ids are stable content hashes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from corpus600m.records import (
    DonationManifest,
    Record,
    RejectedRecord,
    RejectReason,
    format_validation_error,
    frame_to_records,
    record_id,
    records_to_frame,
)


def make(**kw) -> Record:
    base = dict(instruction="¿Cuál es la capital de Paraguay?", output="Asunción.", source="synthetic",
                country="PY", variety="paraguaya")
    return Record(**{**base, **kw})


def errors_of(**kw) -> str:
    with pytest.raises(ValidationError) as info:
        make(**kw)
    return format_validation_error(info.value, "line 7")


def test_valid_record_derives_id_and_locale():
    r = make()
    assert r.locale == "es_PY"
    assert r.id == record_id("¿Cuál es la capital de Paraguay?", None, "Asunción.")
    assert len(r.id) == 32


def test_id_ignores_whitespace_and_unicode_normalization_but_not_accents():
    composed = make(instruction="¿Qué es el ñandú?", output="Un ave.")
    decomposed = make(instruction="¿Que\u0301 es el n\u0303andu\u0301?  ", output=" Un   ave.")
    without_accents = make(instruction="¿Que es el nandu?", output="Un ave.")
    assert composed.id == decomposed.id
    assert composed.id != without_accents.id


@pytest.mark.parametrize(
    ("override", "field", "value_shown", "message"),
    [
        ({"instruction": None}, "instruction", "None", "valid string"),
        ({"instruction": ""}, "instruction", "''", "at least 1 character"),
        ({"output": "   "}, "output", "'   '", "must not be empty"),
        ({"country": "XX"}, "country", "'XX'", "unknown country 'XX'; valid country codes: AR, BO"),
        ({"variety": "klingon"}, "variety", "'klingon'", "unknown variety 'klingon'"),
        ({"lang": "zz"}, "lang", "'zz'", "unknown language 'zz'"),
        ({"source": "scraped"}, "source", "'scraped'", "'synthetic', 'donation' or 'annotation'"),
        ({"lang_score": "alto"}, "lang_score", "'alto'", "valid number"),
        ({"quality_flags": "corto"}, "quality_flags", "'corto'", "valid list"),
    ],
)
def test_invalid_records_name_field_and_value(override, field, value_shown, message):
    text = errors_of(**override)
    assert text.startswith(f"line 7: field '{field}' = {value_shown}")
    assert message in text


def test_missing_instruction_is_reported():
    with pytest.raises(ValidationError) as info:
        Record(output="x", source="synthetic")
    assert "field 'instruction'" in format_validation_error(info.value)
    assert "Field required" in format_validation_error(info.value)


def test_variety_must_belong_to_country():
    text = errors_of(country="MX", variety="rioplatense")
    assert "variety 'rioplatense' is not spoken in MX; valid for MX: mexicana" in text


def test_unknown_fields_are_refused():
    text = errors_of(pais_origen="MX")
    assert "field 'pais_origen'" in text and "Extra inputs are not permitted" in text


def test_codes_are_normalized():
    r = make(country="py", variety="Paraguaya", lang="ES")
    assert (r.country, r.variety, r.lang) == ("PY", "paraguaya", "es")


def test_frame_round_trip_keeps_nested_fields():
    r = make(pii=[{"field": "output", "entity_type": "EMAIL_ADDRESS", "start": 0, "end": 5, "score": 0.9,
                   "action": "redacted"}],
             quality_flags=["corto"], origin={"model": "qwen", "temperature": 0.7},
             annotation={"dataset": "d", "n_annotators": 3, "calidad": 4.0, "problemas": ["ofensivo"]})
    back = frame_to_records(records_to_frame([r]))[0]
    assert back == r


def test_rejected_record_needs_a_reason():
    with pytest.raises(ValidationError) as info:
        RejectedRecord(record=make(), stage="filter", reasons=[])
    assert "field 'reasons'" in format_validation_error(info.value)
    ok = RejectedRecord(record=make(), stage="filter", reasons=[RejectReason(code="quality:length", detail="3 chars")])
    assert ok.reasons[0].code == "quality:length"


def test_manifest_validates_country_and_columns():
    with pytest.raises(ValidationError) as info:
        DonationManifest(name="n", donor="d", license="CC-BY-4.0", description="x", country="ZZ",
                         columns={"instruction": "q"})
    text = format_validation_error(info.value)
    assert "field 'country' = 'ZZ'" in text
    assert "field 'columns.output'" in text


def test_a_stage_result_that_knows_its_time_becomes_a_finished_stage_report():
    from corpus600m.records import StageReport

    report = StageReport.ended("annotate-push", 2.5, n_in=3, n_kept=3, details={"sent": 1})
    assert report.seconds == 2.5 and (report.finished_at - report.started_at).total_seconds() == 2.5
    assert (report.stage, report.n_in, report.n_kept, report.details) == ("annotate-push", 3, 3, {"sent": 1})
