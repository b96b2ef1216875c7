"""Dataset design, workspace layout and the annotators CSV (no server needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus600m.annotate import design
from corpus600m.annotate.client import AnnotateError
from corpus600m.annotate.users import read_annotators_csv, read_credentials, write_credentials
from corpus600m.annotate.workspaces import WorkspaceLayoutError, parse_grouping
from corpus600m.records import Record


def rec(country: str | None, variety: str | None = None) -> Record:
    return Record(instruction="¿Qué tal?", output="Bien.", country=country, variety=variety, source="synthetic")


def test_design_names_and_spanish_guidelines():
    assert [q.name for q in design.QUESTIONS] == ["pais", "variedad", "calidad", "es_correcta",
                                                  "respuesta_corregida", "problemas"]
    assert not design.QUESTION_BY_NAME["respuesta_corregida"].required
    assert not design.QUESTION_BY_NAME["problemas"].required and design.QUESTION_BY_NAME["calidad"].required
    assert list(design.QUESTION_BY_NAME["es_correcta"].labels) == ["si", "no", "parcial"]
    assert list(design.QUESTION_BY_NAME["problemas"].labels) == ["contiene_pii", "ofensivo", "no_es_espanol", "sin_sentido"]
    assert len(design.QUESTION_BY_NAME["pais"].labels) == 22
    text = design.guidelines()
    assert len(text) <= 10_000  # Argilla's limit for guidelines
    for question in design.QUESTION_BY_NAME:
        assert f"`{question}`" in text
    for country in ("MX", "AR", "ES", "CL", "PE"):
        assert f"**{country}**" in text


def test_argilla_record_escapes_html_and_suggests_from_metadata():
    record = Record(instruction="Di <b>hola</b> & <img src=x onerror=alert(1)>", output="ok", country="CO",
                    source="donation", origin={"donor": "Universidad"})
    sdk = design.to_argilla_record(record)
    assert sdk.id == record.id
    assert sdk.fields["instruction"] == "Di &lt;b&gt;hola&lt;/b&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    assert {s.question_name: s.value for s in sdk.suggestions} == {"pais": "CO", "variedad": "andina"}  # CO default
    assert dict(sdk.metadata) == {"country": "CO", "source": "donation", "model": "Universidad"}
    adapted = Record(instruction="¿Me explicás?", output="Mirá, podés ir.", country="AR", variety="rioplatense",
                     source="synthetic", origin={"model": "qwen", "variety_adapted": True})
    assert design.record_metadata(adapted)["variety_adapted"] == "si"  # rewritten by rule: annotators see it
    assert "variety_adapted" not in design.record_metadata(rec("AR", "rioplatense"))
    assert design.to_argilla_record(rec(None)).suggestions.to_dict() == {}


def test_workspaces_by_country_variety_and_groups():
    by_country = parse_grouping("country")
    assert by_country.workspace_for(rec("MX")) == "somos600m-mx"
    assert by_country.workspace_for(rec(None)) == "somos600m-global"
    assert len(by_country.workspaces()) == 23
    by_variety = parse_grouping("variety", prefix="s6")
    assert by_variety.workspace_for(rec("ES", "canaria")) == "s6-canaria"
    assert by_variety.workspace_for(rec("UY")) == "s6-rioplatense"
    assert set(by_variety.workspaces_for_countries("CO")) == {"s6-andina", "s6-caribena"}
    groups = parse_grouping("centroamerica=GT,HN,SV,NI,CR; rioplatense=AR,UY")
    assert groups.workspace_for(rec("HN")) == "somos600m-centroamerica"
    assert groups.workspace_for(rec("CL")) == "somos600m-cl"
    assert groups.workspaces_for_countries("UY,global") == ["somos600m-rioplatense", "somos600m-global"]
    assert groups.workspaces_for_countries("*") == groups.workspaces()


@pytest.mark.parametrize("spec, message", [
    ("centro=GT;otro=GT", "two workspace groups"),
    ("centro=XX", "unknown country 'XX'"),
    ("Centro America=GT", "bad workspace group"),
    ("global=MX", "bad workspace group"),
])
def test_bad_groupings_say_what_is_wrong(spec: str, message: str):
    with pytest.raises(WorkspaceLayoutError, match=message):
        parse_grouping(spec)


def test_annotators_csv_reports_file_line_and_column(tmp_path: Path):
    path = tmp_path / "anotadores.csv"
    path.write_text(
        "username,name,countries,role\n"
        "ana,Ana,MX,annotator\n"
        "# a comment line\n"
        "Ana,Ana otra vez,MX,annotator\n"
        "x,Equis,MX,annotator\n"
        "beto,Beto,MX,owner\n"
        "caro,Caro,,annotator\n"
        "dani,Dani,\"AR, uy\",\n",
        encoding="utf-8",
    )
    parsed = read_annotators_csv(path, parse_grouping("country"))
    assert [(r.username, r.role, r.workspaces) for r in parsed.rows] == [
        ("ana", "annotator", ("somos600m-mx",)), ("dani", "annotator", ("somos600m-ar", "somos600m-uy"))]
    assert len(parsed.errors) == 4
    assert parsed.errors[0].startswith(f"{path}: line 4: column 'username'") and "already on line 2" in parsed.errors[0]
    assert "line 5: column 'username' = 'x'" in parsed.errors[1]
    assert "line 6: column 'role' = 'owner'" in parsed.errors[2]
    assert "line 7: column 'countries' = ''" in parsed.errors[3]
    path.write_text("usuario,nombre\nana,Ana\n", encoding="utf-8")
    with pytest.raises(AnnotateError, match="line 1: missing column"):
        read_annotators_csv(path, parse_grouping("country"))


def test_credentials_file_is_0600_and_round_trips(tmp_path: Path):
    path = tmp_path / "annotate" / "credentials.csv"
    write_credentials(path, {"ana": {"username": "ana", "password": "p,á\"1", "api_key": "k"}})
    assert path.stat().st_mode & 0o777 == 0o600
    assert read_credentials(path) == {"ana": {"username": "ana", "password": "p,á\"1", "api_key": "k"}}
