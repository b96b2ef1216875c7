"""Catalog coverage and settings behaviour (env prefix, lists, secrets never shown)."""

from __future__ import annotations

import json

import pytest

from corpus600m import catalog
from corpus600m.settings import Settings


def test_catalog_has_the_21_official_countries_plus_us():
    official = {c.code for c in catalog.COUNTRIES.values() if c.spanish_official}
    assert official == {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI",
                        "PA", "PE", "PR", "PY", "SV", "UY", "VE"}
    assert "US" in catalog.COUNTRIES and not catalog.COUNTRIES["US"].spanish_official


def test_every_country_variety_link_is_consistent():
    for c in catalog.COUNTRIES.values():
        assert c.default_variety in c.varieties
        for v in c.varieties:
            assert c.code in catalog.VARIETIES[v].countries, (c.code, v)
    for v in catalog.VARIETIES.values():
        for code in v.countries:
            assert v.id in catalog.COUNTRIES[code].varieties, (v.id, code)


def test_unknown_codes_list_the_valid_ones():
    with pytest.raises(catalog.UnknownCodeError) as info:
        catalog.parse_countries("MX,BR")
    assert "unknown country 'BR'" in str(info.value) and "MX" in str(info.value)
    assert [c.code for c in catalog.parse_countries("mx, ar,MX")] == ["MX", "AR"]
    assert catalog.locale_for("es", "ar") == "es_AR"


def test_settings_from_env_and_secrets_masked(monkeypatch, tmp_path):
    monkeypatch.setenv("CORPUS600M_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CORPUS600M_ALLOWED_LANGS", "es, ca,GL")
    monkeypatch.setenv("HF_TOKEN", "hf_supersecret_token_value")
    monkeypatch.setenv("ARGILLA_API_KEY", "argilla.apikey.secret")
    s = Settings()
    assert s.data_dir == tmp_path
    assert s.allowed_langs == ["es", "ca", "gl"]
    assert s.hf_token.get_secret_value() == "hf_supersecret_token_value"
    shown = repr(s) + str(s) + s.model_dump_json() + json.dumps(s.model_dump(mode="json"))
    assert "hf_supersecret_token_value" not in shown
    assert "argilla.apikey.secret" not in shown


def test_settings_reject_unknown_language(monkeypatch):
    monkeypatch.setenv("CORPUS600M_ALLOWED_LANGS", "es,xx")
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        Settings()
