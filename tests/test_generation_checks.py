"""Checks of generated records that need no LLM: variety fidelity, the request rules, the judge's parsing and gate."""

from __future__ import annotations

import pytest

from corpus600m.filters.judge_gate import judge_issue
from corpus600m.filters.pipeline import filter_records
from corpus600m.filters.variety import check_variety, lexicon, uses_voseo_or_no_second_person
from corpus600m.generate.instructions import instruction_problem
from corpus600m.generate.judge import load_rubric, parse_verdict, rule_verdict
from corpus600m.records import JudgeVerdict, Record, Source
from corpus600m.settings import Settings


@pytest.mark.parametrize(("text", "claimed", "consistent", "supported"), [
    ("Che, ¿vos sabés a qué hora pasa el bondi? Decime, porfa.", "rioplatense", True, ["rioplatense"]),
    ("¿Podéis decirme qué tenéis que llevar vosotros al examen?", "rioplatense", False, ["castellana"]),
    ("¿Podéis decirme qué tenéis que llevar vosotros al examen?", "castellana", True, ["castellana"]),
    ("Vosotros vivís en Madrid y coméis tapas los domingos.", "castellana", True, ["castellana"]),
    ("¿Tú sabes dónde queda el camión? Dime, güey.", "mexicana", True, ["mexicana"]),
    ("¿Tú sabes dónde se saca el DNI? Dime.", "rioplatense", False, None),
    ("Oye, ¿cachái lo que te digo po? La pega está fome.", "chilena", True, ["chilena"]),
    ("Mirá, ¿vos tenés el número de la Caja? Necesito sacar cita.", "centroamericana", True, None),
    ("Vos tenés que ir a la oficina.", "castellana", False, None),
    ("Explica la fotosíntesis en tres pasos.", "rioplatense", True, []),  # no second person: nothing to contradict
    ("Cuando vos puedas, pasá a buscar el paquete; ayer salí temprano.", "rioplatense", True, None),  # subjunctive, preterite
])
def test_variety_check_from_forms_of_address_and_words(text, claimed, consistent, supported):
    check = check_variety(text, claimed)
    assert check.consistent is consistent, check
    if supported is not None:
        assert check.supported == supported, check


@pytest.mark.parametrize(("text", "tuteo"), [
    ("Para renovarlo debes llevar la cédula.", ["debes"]),  # a tú present of the verb table
    ("Identifícalo en la lista y búscalo en la web.", ["identifícalo", "búscalo"]),  # enclitic imperatives
    ("Si lo olvidas, envíamelo mañana.", ["olvidas", "envíamelo"]),
    ("Sigue estos pasos: Busca el formulario. Identifica la oficina.", []),  # bare imperatives = 3rd persons: weak
    ("Debes ir temprano.\n1. Busca el formulario.\n2. La oficina busca gente.", ["debes", "busca"]),  # next to a strong one
    ("Vos debés ir temprano: buscá el formulario e identificá la oficina.", []),  # voseo
    ("La municipalidad busca voluntarios y el concejo identifica los barrios.", []),  # 3rd persons
    ("Pagá las cuentas y guardá las pruebas para el reclamo.", []),  # presents that are nouns: weak
])
def test_tuteo_forms_come_from_the_verb_table_and_ambiguous_ones_are_weak(text, tuteo):
    from corpus600m.filters.variety import address_forms

    assert address_forms(text).tuteo == tuteo
    assert check_variety(text, "rioplatense").consistent is (not tuteo)


def test_tuteo_table_is_built_from_the_model():
    from importlib import resources

    from corpus600m.filters import tuteo
    from corpus600m.filters.spanish_model import ner_model_dir

    stored = tuteo.read_verb_table(resources.files("corpus600m.filters").joinpath(tuteo.TABLE).read_text("utf-8"))
    by_verb = {row.infinitive: row for row in stored}
    assert len(stored) > 2000
    assert (by_verb["pedir"].present, by_verb["volver"].imperative, by_verb["enviar"].present) == ("pides", "vuelve", "envías")
    assert by_verb["contar"].present_weak and not by_verb["deber"].present_weak  # las cuentas / debes
    assert tuteo.with_enclitic_accent("identifica") == "identifíca" and tuteo.with_enclitic_accent("sigue") == "sígue"
    if not (ner_model_dir() / "lemmatizer").exists():
        pytest.skip("the Spanish model is not installed (corpus600m filter install-model)")
    assert tuteo.build_verb_table() == stored


def test_voseo_target_counts_voseo_or_no_second_person():
    assert uses_voseo_or_no_second_person(check_variety("Decime cómo hago el trámite.", "rioplatense"))
    assert uses_voseo_or_no_second_person(check_variety("El trámite se hace en la oficina.", "rioplatense"))
    assert not uses_voseo_or_no_second_person(check_variety("¿Tú puedes decirme cómo se hace?", "rioplatense"))


def test_lexicon_cites_its_source_and_has_every_variety():
    from importlib import resources

    text = resources.files("corpus600m.filters").joinpath("data/variety_lexicon.yaml").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in text and "wiktionary.org" in text
    words = lexicon()
    assert len(words) == 12 and all(len(w) >= 30 for w in words.values())


def test_filter_stage_flags_variety_mismatch_and_fills_the_check():
    bad = Record(instruction="¿Me decís qué tenéis que hacer vosotros para sacar el pasaporte?",
                 output="Tenéis que pedir cita en la comisaría y llevar vuestro DNI.", country="AR",
                 variety="rioplatense", source=Source.SYNTHETIC)
    good = Record(instruction="Che, ¿me explicás cómo saco turno para el registro?",
                  output="Entrá a la página del gobierno de tu ciudad, elegí el trámite y sacá el turno.",
                  country="AR", variety="rioplatense", source=Source.SYNTHETIC)
    result = filter_records([bad, good], settings=Settings(filter_variety_check=True))
    assert [r.record.id for r in result.rejected] == [bad.id]
    assert [r.code for r in result.rejected[0].reasons] == ["quality:variety_mismatch"]
    assert "vosotros" in result.rejected[0].reasons[0].detail
    assert result.kept[0].variety_check.consistent and "voseo:explicás" in result.kept[0].variety_check.markers


def _verdict(score: int) -> JudgeVerdict:
    return JudgeVerdict(score=score, rationale="La respuesta es vaga.", genuine_request=True, correct=False,
                        model="m", rubric_version="juez-calidad@1")


def test_judge_gate_rejects_below_the_minimum_and_is_off_at_zero():
    record = Record(instruction="¿Qué es un ajolote?", output="Un anfibio de Xochimilco.", country="MX",
                    variety="mexicana", source=Source.SYNTHETIC, judge=_verdict(2))
    assert judge_issue(record, 3)[0] == "quality:judge"
    assert judge_issue(record, 2) is None and judge_issue(record, 0) is None
    result = filter_records([record], settings=Settings(judge_min_score=3))
    assert [r.code for r in result.rejected[0].reasons] == ["quality:judge"]
    assert filter_records([record], settings=Settings(judge_min_score=0)).kept


@pytest.mark.parametrize(("text", "problem"), [
    ("¡Hola! ¿En qué puedo ayudarte hoy?", "assistant_greeting"),
    ("¡Hola! Como puedo ayudarte hoy?", "assistant_greeting"),
    ("El usuario ha pedido una petición de consejo práctico sobre escribir un buen resumen.", "meta_description"),
    ("El usuario habla español andina y usa palabras y referencias de Colombia.", "prompt_echo"),
    ("How do I renew my passport in Texas?", "english"),
    ("Hola", "too_short"),
    ("Lo siento, pero no puedo ayudarte con eso.", "assistant_greeting"),
    ("¡Por supuesto! Puedes sacar la licencia de conducir en la municipalidad.", "assistant_greeting"),
    ("¿Claro que se puede pagar el colectivo con tarjeta?", None),
    ("¡Entiendo! Para conseguir el primer empleo necesitarías una solicitud.", "assistant_greeting"),
    ("Ah, claro. Necesito una documentación en la que no hago experiencia.", "assistant_greeting"),
    ("Che, ¿me explicás cómo saco turno para renovar el registro?", None),
    ("¿Qué documentos necesito para sacar el pasaporte por primera vez?", None),
    ("Explícame qué es la inflación con un ejemplo de la vida diaria.", None),
])
def test_instruction_problems(text, problem):
    assert instruction_problem(text) == problem


def test_copy_of_the_prompt_example_is_an_echo():
    example = "Che, ¿me explicás cómo saco turno para renovar el registro por internet? No entiendo la página."
    assert instruction_problem("Che, ¿me explicás cómo saco turno para renovar el registro? No entiendo la página.",
                               example) == "prompt_echo"
    assert instruction_problem("¿Cómo hago para anotar a mi hija en la escuela?", example) is None
    # one sentence of the example glued to another request (seen with the 0.5B model)
    mx = "Oye, ¿qué papeles necesito para inscribir a mi hijo en la primaria? No sé si piden la CURP impresa."
    assert instruction_problem("Oye, ¿cómo conservo frutas del mercado? No sé si piden la CURP impresa.", mx) == "prompt_echo"
    assert instruction_problem("¿Qué piden para inscribir a mi hijo en la secundaria?", mx) is None


def test_parse_verdict_json_text_and_garbage():
    assert parse_verdict('{"peticion_real": true, "correcta": false, "motivo": "Falta un paso.", "puntuacion": 2}') == {
        "score": 2, "rationale": "Falta un paso.", "genuine_request": True, "correct": False}
    assert parse_verdict('Aquí va:\npeticion_real: sí\ncorrecta: no\nmotivo: incompleta\npuntuacion: 3')["score"] == 3
    assert parse_verdict("no sé") is None
    assert parse_verdict('{"puntuacion": 9, "motivo": "x"}') is None


def test_rules_settle_greetings_and_echoed_answers_in_spanish():
    version = load_rubric().label
    greeting = rule_verdict("¡Hola! ¿En qué puedo ayudarte hoy?", "¡Hola!", version)
    assert greeting.score == 1 and not greeting.genuine_request and greeting.model == "reglas"
    assert "saludo" in greeting.rationale
    echo = rule_verdict("¿Qué es un ajolote?", "¿Qué es un ajolote?", version)
    assert echo.score == 1 and echo.correct is False
    assert rule_verdict("¿Qué es un ajolote?", "Un anfibio que vive en Xochimilco.", version) is None


def test_rubric_is_spanish_and_versioned():
    rubric = load_rubric()
    messages = rubric.messages("¿Qué es un ajolote?", "Un anfibio.")
    assert messages[0]["role"] == "system" and "Rúbrica" in messages[0]["content"]
    assert messages[-1]["content"].startswith("INSTRUCCIÓN: ¿Qué es un ajolote?")
    assert len(messages) == 2 + 2 * len(rubric.examples) and rubric.label == "juez-calidad@1"


def test_report_generation_per_cell_from_the_store(data_dir, monkeypatch):
    import json

    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.filters.pipeline import filter_table
    from corpus600m.settings import get_settings
    from corpus600m.store import Store, Table

    def rec(instruction: str, output: str, country: str, variety: str, score: int, tokens: int) -> Record:
        return Record(instruction=instruction, output=output, country=country, variety=variety, source=Source.SYNTHETIC,
                      origin={"model": "m", "output_tokens": tokens}, judge=_verdict(score))

    store = Store(data_dir)
    store.upsert(Table.GENERATED, [
        rec("Che, ¿me explicás cómo saco turno en el hospital?", "Entrá a la web del hospital y elegí el turno.",
            "AR", "rioplatense", 4, 100),
        rec("¿Me decís qué tenéis que llevar vosotros al examen de conducir?", "Tenéis que llevar vuestro DNI.",
            "AR", "rioplatense", 2, 60),  # vosotros in rioplatense: rejected
        rec("¿Qué papeles pide el SAT para darme de alta como persona física?",
            "Necesitas tu CURP, un comprobante de domicilio y una identificación oficial.", "MX", "mexicana", 5, 80),
    ])
    monkeypatch.setenv("CORPUS600M_JUDGE_MIN_SCORE", "3")
    get_settings.cache_clear()
    filter_table(store, Table.GENERATED, settings=get_settings())
    result = CliRunner().invoke(app, ["report", "generation", "--json"])
    assert result.exit_code == 0, result.output
    cells = {(c["country"], c["variety"]): c for c in json.loads(result.output)}
    assert set(cells) == {("AR", "rioplatense"), ("MX", "mexicana")}
    ar = cells[("AR", "rioplatense")]
    assert set(ar) >= {"country", "variety", "generated", "kept", "rejected", "judge_mean", "variety_fidelity",
                       "tokens_per_kept"}
    assert (ar["generated"], ar["kept"]) == (2, 1)
    assert ar["rejected"] == {"quality:judge": 1, "quality:variety_mismatch": 1}
    assert ar["judge_mean"] == 3.0 and ar["variety_fidelity"] == 0.5 and ar["tokens_per_kept"] == 160.0
    assert cells[("MX", "mexicana")]["kept"] == 1 and cells[("MX", "mexicana")]["tokens_per_kept"] == 80.0
    table = CliRunner().invoke(app, ["report", "generation"])
    assert table.exit_code == 0 and "rioplatense" in table.output


def test_yield_table_goes_into_the_run_report_and_the_dataset_card(tmp_path):
    from corpus600m import reporting
    from corpus600m.generate.report import to_markdown
    from flows.publish import build_gated_repository as build_repository
    from corpus600m.records import RunReport, records_to_frame
    from tests.test_publish import corpus_records

    cells = [{"country": "AR", "variety": "rioplatense", "generated": 4, "kept": 3,
              "rejected": {"quality:variety_mismatch": 1}, "judge_mean": 3.5, "variety_fidelity": 0.75,
              "tokens_per_kept": 210.0, "pending": 0}]
    table = to_markdown(cells)
    assert "| AR | rioplatense | 4 | 3 | quality:variety_mismatch: 1 | 3.50 | 75% | 210 |" in table
    run = RunReport(flow="pipeline", sections={"Generation yield per country × variety": table})
    assert "## Generation yield per country × variety" in reporting.to_markdown(run) and "rioplatense | 4 | 3" in \
        reporting.to_markdown(run)
    result = build_repository(records_to_frame(corpus_records()), tmp_path / "repo", "somosnlp/somos600m-prueba",
                              Settings(data_dir=tmp_path / "data"), run_name="t", generation_yield=table)
    card = (result.out_dir / "README.md").read_text(encoding="utf-8")
    assert "Rendimiento de la generación sintética" in card and "| AR | rioplatense | 4 | 3 |" in card


def test_persona_examples_are_consistent_with_their_variety():
    """The worked request each variety's prompt shows must itself pass the checks it is meant to teach."""
    from corpus600m.generate.prompts import load_personas

    for variety, who in load_personas().items():
        check = check_variety(who.example, variety)
        assert check.consistent, (variety, check.markers)
        assert instruction_problem(who.example) is None, variety
        if variety in ("rioplatense", "paraguaya", "centroamericana"):
            assert any(m.startswith("voseo:") for m in check.markers), variety


@pytest.mark.parametrize(("text", "variety", "fits"), [
    ("Si querés, podés llevar la cédula; decime si tenés dudas.", "rioplatense", True),
    ("Si quieres, puedes llevar la cédula; dime si tienes dudas.", "rioplatense", False),
    ("Si quieres, puedes llevar la cédula; dime si tienes dudas.", "mexicana", True),
    ("Hay que llevar la cédula y conviene ir temprano.", "paraguaya", True),  # no second person: fits every variety
    ("Podéis pedir cita en la web si tenéis el número.", "canaria", False),
    ("Vos tenés que pedir turno.", "castellana", False),
])
def test_fits_variety_is_the_grammar_part_of_the_check(text, variety, fits):
    from corpus600m.filters.variety import fits_variety

    assert fits_variety(text, variety) is fits
    assert check_variety(text, variety).consistent is fits


def test_every_variety_has_a_retry_rule_naming_its_forms_and_a_retry_adds_it_to_the_system_prompt():
    from corpus600m.generate.prompts import load_address_forms
    from corpus600m.generate.steps import with_rule

    rules = load_address_forms(name="address_retry")
    for variety in ("rioplatense", "paraguaya", "centroamericana"):
        assert all(form in rules[variety] for form in ("podés", "tenés", "decime", "puedes", "tienes", "dime"))
    assert "vosotros" in rules["mexicana"] and "vos" in rules["castellana"]
    messages = [{"role": "system", "content": "Sos un asistente."}, {"role": "user", "content": "¿Qué hago?"}]
    retried = with_rule(messages, rules["rioplatense"])
    assert retried[0]["content"] == f"Sos un asistente.\n{rules['rioplatense']}" and retried[1] == messages[1]
    assert instruction_problem(f"Regla obligatoria: tratá de vos. {messages[1]['content']}") == "prompt_echo"
