"""The tuteo -> voseo rewrite (generate/voseo.py), on sentences of the default model's answers and of everyday
Spanish: what it must change, and what it must leave alone."""

from __future__ import annotations

import unicodedata

import pytest

from corpus600m.filters.variety import fits_variety
from corpus600m.generate.voseo import adapt_if_unfit, adapt_to_voseo


@pytest.mark.parametrize(("tuteo", "voseo"), [
    # present indicative: from the infinitive, no diphthong; eres -> sos
    ("Si tienes dudas, puedes llamar al banco.", "Si tenés dudas, podés llamar al banco."),
    ("¿Quieres que te explique cómo funciona?", "¿Querés que te explique cómo funciona?"),
    ("Prefieres ir temprano, sigues sin entender y vuelves mañana.", "Preferís ir temprano, seguís sin entender y volvés mañana."),
    ("Vives cerca, escribes bien y eliges rápido.", "Vivís cerca, escribís bien y elegís rápido."),
    ("Tú eres quien decide; para ti es fácil.", "Vos sos quien decide; para vos es fácil."),
    ("Necesitas la cédula y debes pagar la tasa.", "Necesitás la cédula y debés pagar la tasa."),
    ("Si envías el formulario, confías en que llegue.", "Si enviás el formulario, confiás en que llegue."),
    # imperatives with enclitics: one clitic drops the written accent, two keep it
    ("Cuéntame qué pasó y dime la fecha.", "Contame qué pasó y decime la fecha."),
    ("Fíjate en el plazo y asegúrate de llevarlo.", "Fijate en el plazo y asegurate de llevarlo."),
    ("Dímelo y explícaselo a tu jefe.", "Decímelo y explicáselo a tu jefe."),
    ("Hazlo hoy, ponte cómodo y vete temprano.", "Hacelo hoy, ponete cómodo y andate temprano."),
    ("Acuérdate de pedírselo: pídele el recibo.", "Acordate de pedírselo: pedile el recibo."),
    # bare imperatives where a clause opens (list items, after a colon), and the irregular ones
    ("1. **Revisa** tu presupuesto.\n2. Busca ofertas.\n- Usa la tarjeta.", "1. **Revisá** tu presupuesto.\n2. Buscá ofertas.\n- Usá la tarjeta."),
    ("Un consejo: di que no. Haz una lista. Ven temprano.", "Un consejo: decí que no. Hacé una lista. Vení temprano."),
    ("Ten en cuenta el horario, mantén la calma y obtén el recibo.", "Tené en cuenta el horario, mantené la calma y obtené el recibo."),
    # a sentence of the default model's answers (benchmarks/generate.py --quality, paraguaya)
    (("Para aprender un idioma extranjero, puedes seguir estos pasos:\n\n1. **Identifica** el idioma.\n"
      "2. **Practicar**: Puedes practicar todos los días; debes aprender la gramática."),
     ("Para aprender un idioma extranjero, podés seguir estos pasos:\n\n1. **Identificá** el idioma.\n"
      "2. **Practicar**: Podés practicar todos los días; debés aprender la gramática.")),
])
def test_tuteo_becomes_voseo(tuteo, voseo):
    adapted, changed = adapt_to_voseo(tuteo)
    assert adapted == voseo and changed > 0
    assert fits_variety(adapted, "rioplatense")


@pytest.mark.parametrize("text", [
    # nouns and adjectives that look like tú forms, 3rd persons that look like imperatives, shared forms
    "Las compras del mes, las cuentas del banco y las pruebas del examen.",
    "Hay programas gratuitos, muestras de sangre, preguntas frecuentes, descargas y charlas completas.",
    "Puede tardar unos días. Depende del banco. Toma tiempo. Lleva dos semanas. Sigue siendo caro.",
    "El área de TI revisa los equipos y la oficina abre a las nueve.",
    "Ayer le di el libro y ellos ven la tele; echale sal a la sopa.",
    "Cuando puedas, estás invitado: vas a ver que podrás hacerlo y que lo hiciste bien.",
    "Usted puede pedir la cita; ustedes tienen que llevar la cédula.",
    "Un tomate, una parte y el cocinero: tu casa y tus cosas.",
])
def test_what_is_not_tuteo_or_not_certain_is_left_alone(text):
    assert adapt_to_voseo(text) == (text, 0)


def test_case_accents_and_unicode_forms():
    decomposed = unicodedata.normalize("NFD", "Cuéntame si puedes.")  # é as e + combining accent
    assert adapt_to_voseo(decomposed) == ("Contame si podés.", 2)
    assert adapt_to_voseo("TÚ PUEDES") == ("TÚ PUEDES", 0)  # all capitals: an acronym or a title, left alone
    assert adapt_to_voseo("Tú puedes. Dime.")[0] == "Vos podés. Decime."
    assert adapt_to_voseo("Si compras en línea, te cuentas los pasos.")[0] == "Si comprás en línea, te contás los pasos."
    assert adapt_to_voseo("Si no preguntas, nunca programas nada.")[0] == "Si no preguntás, nunca programás nada."


def test_adaptation_is_kept_only_when_it_makes_the_answer_fit():
    assert adapt_if_unfit("Podés llamar.", "rioplatense", fits_variety) == ("Podés llamar.", False)  # fits already
    assert adapt_if_unfit("Puedes llamar.", "rioplatense", fits_variety) == ("Podés llamar.", True)
    # vosotros stays vosotros: the rewrite cannot make it fit, so the answer is left as it was
    assert adapt_if_unfit("Puedes llamar si tenéis tiempo.", "rioplatense", fits_variety) == (
        "Puedes llamar si tenéis tiempo.", False)
    assert adapt_if_unfit("Puedes llamar.", "mexicana", fits_variety) == ("Puedes llamar.", False)
