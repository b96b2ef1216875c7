"""Build the PII evaluation sets of `benchmarks/filters.py --eval` (tests/data/filters/eval/pii_{dev,test}.jsonl).

The values come from Faker (seeded, five Spanish locales), a generator nothing in the filters was tuned on or
takes lists from; the sentences around them come from two disjoint sets of templates: DEV (looked at while
working on the recognizers) and TEST (scored only to report figures, never tuned on). Clean records (no PII:
prices, years, quantities, codes, public figures in encyclopedic sentences) are built the same way.

    .venv/bin/python benchmarks/make_pii_eval.py        # rewrites both files (deterministic)

Each line: {"id", "split", "country", "instruction", "output", "clean", "values": [{"kind", "type", "value"}]}
with kind `structured` (ids, phones, e-mails, cards, accounts), `name` or `address`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from faker import Faker

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "filters" / "eval"
LOCALES = {"ES": "es_ES", "MX": "es_MX", "AR": "es_AR", "CO": "es_CO", "CL": "es_CL"}
CARD_TYPES = ["visa16", "visa19", "visa13", "amex", "mastercard", "maestro", "discover", "diners", "jcb15", "jcb16"]


def national_ids(fake: Faker, country: str) -> list[tuple[str, str]]:
    """(type, value) of the identifiers Faker makes for `country`."""
    if country == "ES":
        return [("ES_NIF", fake.nif()), ("ES_NIE", fake.nie()), ("ES_NSS", fake.nuss())]
    if country == "MX":
        return [("MX_CURP", fake.curp()), ("MX_RFC", fake.rfc()), ("MX_CLABE", fake.clabe())]
    if country == "AR":
        return [("AR_CUIT", fake.cuit()), ("AR_DNI", fake.dni())]
    if country == "CO":
        return [("CO_NUIP", fake.nuip())]
    return [("CL_RUT", fake.rut())]


def structured(fake: Faker, country: str, rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.25:
        return "PHONE_NUMBER", fake.phone_number()
    if roll < 0.35:
        return "EMAIL_ADDRESS", fake.email()
    if roll < 0.55:
        return "CREDIT_CARD", fake.credit_card_number(card_type=rng.choice(CARD_TYPES))
    if roll < 0.65:
        return "IBAN_CODE", fake.iban()
    return rng.choice(national_ids(fake, country))


ID_WORDS = {"ES_NIF": "DNI", "ES_NIE": "NIE", "ES_NSS": "número de la Seguridad Social", "MX_CURP": "CURP",
            "MX_RFC": "RFC", "MX_CLABE": "CLABE", "AR_CUIT": "CUIT", "AR_DNI": "DNI", "CO_NUIP": "cédula",
            "CL_RUT": "RUT", "PHONE_NUMBER": "teléfono", "EMAIL_ADDRESS": "correo", "CREDIT_CARD": "tarjeta",
            "IBAN_CODE": "cuenta"}

# {name} {address} {id} {idword}: one record = one template filled with a person's data
DEV_TEMPLATES = [
    ("Redacta un correo de confirmación para un cliente.",
     "Estimado/a {name}: confirmamos su pedido. Lo enviaremos a {address}. Para cualquier duda, su {idword} registrado es {id}."),
    ("Completa la ficha del paciente con los datos dados.",
     "Paciente: {name}\nDomicilio: {address}\n{idword}: {id}\nObservaciones: control en tres meses."),
    ("Escribe una carta de reclamo a la compañía de luz.",
     "Me llamo {name} y vivo en {address}. Les escribo porque la factura de este mes llegó duplicada; mi {idword} es {id}."),
    ("Resume la conversación con el proveedor.",
     "El proveedor {name} pidió que le paguemos a la {idword} {id} y que el material llegue a {address} antes del viernes."),
    ("Genera un mensaje de bienvenida para un socio nuevo del club.",
     "¡Bienvenido, {name}! Ya registramos tu {idword} ({id}) y te enviaremos el carnet a {address}."),
    ("Anota los datos de contacto del inquilino.",
     "Inquilino: {name}. Dirección del departamento: {address}. {idword}: {id}."),
]
TEST_TEMPLATES = [
    ("¿Cómo le respondo a este vecino que me dejó sus datos?",
     "Puedes contestarle así: «Hola, {name}, gracias por escribir. Paso mañana por {address}; si hace falta, te aviso a tu {idword} {id}»."),
    ("Ordena estos datos en una lista para el formulario de inscripción.",
     "- Nombre completo: {name}\n- {idword}: {id}\n- Domicilio: {address}"),
    ("Traduce al español formal la nota del repartidor.",
     "Se deja constancia de que el paquete para {name} fue entregado en {address}. El destinatario presentó {idword} {id}."),
    ("Redacta un recordatorio de pago.",
     "Recordamos a {name} que la cuota vence el día 10. Puede abonar desde su {idword} {id} o en nuestra oficina; el recibo se enviará a {address}."),
    ("Escribe el acta de la reunión de consorcio.",
     "Asistió {name}, propietario de la unidad de {address}, quien informó su {idword} {id} para el reintegro de gastos."),
    ("Corrige la ortografía del mensaje.",
     "buenas, soi {name}, mi {idword} es {id} y bivo en {address}, quiero saber si ya salio mi tramite"),
]

# DEV2: written after the first test scoring, to look for failure modes on new phrasings without looking at TEST
DEV2_TEMPLATES = [
    ("Pasa a limpio esta nota de voz.",
     "ok entonces anotá: {name}, {idword} {id}, vive en {address} — lo llamamos mañana"),
    ("Genera un JSON con los datos del cliente.",
     '{{"nombre": "{name}", "direccion": "{address}", "{idword}": "{id}"}}'),
    ("Resume el hilo de correos.",
     "El cliente ({name}) confirmó su {idword}: {id}. Pidió que el envío vaya a: {address}."),
    ("Corrige el formato de esta tabla.",
     "| Nombre | Dirección | Dato |\n|---|---|---|\n| {name} | {address} | {id} |"),
    ("Haz una lista con los datos para el seguro.",
     "1. Asegurado/a: {name}\n2. Residencia: {address}\n3. {idword}: {id}"),
    ("Redacta un SMS corto.",
     "{name}: tu pedido sale hoy hacia {address}. Cualquier cosa, responde a este número; ref. {id}"),
]
DEV2_CLEAN = [
    ("Cuéntame sobre {figure}.",
     "{figure} nació en {year} y su obra recorrió todo el continente; hoy una calle y una escuela llevan su nombre."),
    ("Dame datos de emergencia útiles.",
     "En caso de emergencia llama al 911 o al 112; los bomberos atienden las 24 horas y la línea es gratuita."),
    ("Explícame la tabla de precios.",
     "El plan básico cuesta {price} al mes y el plan familiar {total}; ambos incluyen {small} GB de datos."),
    ("¿Qué hay en la Avenida principal?",
     "En la avenida principal hay un museo, el teatro municipal y {small} cafés; el desfile pasa por allí cada {day} de mayo."),
]
DEV_CLEAN = [
    ("Explica brevemente la historia de {city}.",
     "{city} creció mucho durante el siglo XX: en 1950 tenía unos {n1} habitantes y hoy supera los {n2}. {figure} vivió allí varios años."),
    ("Calcula el presupuesto de la fiesta.",
     "Si invitas a {small} personas y cada una cuesta {price} pesos, el total es de {total} pesos. Reserva el salón antes del {day} de marzo."),
    ("¿Quién fue {figure}?",
     "{figure} es una de las figuras más conocidas de la cultura hispana; su obra se estudia en escuelas de todo el continente desde {year}."),
    ("Dame un ejemplo de inventario.",
     "Artículo 1: {small} cajas de tornillos (código interno {code}). Artículo 2: {small2} rollos de cable de {small3} metros."),
]
TEST_CLEAN = [
    ("Escribe una efeméride para el calendario escolar.",
     "Un día como hoy, en {year}, {figure} publicó una de sus obras más recordadas. Se vendieron más de {n1} ejemplares."),
    ("Resume los datos del censo.",
     "Según el censo, el municipio pasó de {n1} a {n2} habitantes entre {year} y 2020, un aumento del {pct} %."),
    ("¿Cuánto tardo en llegar?",
     "Son {small3} kilómetros: a {small} km/h tardarás unas {small2} horas. Sal antes de las {hour}:30 para evitar el tráfico."),
    ("Redacta una reseña de la biografía de {figure}.",
     "La biografía de {figure} recorre su vida desde su infancia hasta {year}, con {small3} fotografías y un índice de {small} páginas."),
]
# a second value, with no word saying what it is
SECOND = {"dev": [" Otro dato: {v}.", " ({v})", "\nDato adicional: {v}"],
          "dev2": ["\nTambién: {v}", " ~ {v}", " [{v}]", "\n* {v}"],
          "test": [" También dejó esto anotado: {v}", " / {v}", " — ref. personal {v}."]}
FIGURES = ["Gabriela Mistral", "Simón Bolívar", "Sor Juana Inés de la Cruz", "Benito Pérez Galdós", "Rubén Darío",
           "Frida Kahlo", "José Martí", "Alfonsina Storni", "César Vallejo", "Rosalía de Castro", "Julio Cortázar",
           "Violeta Parra", "Eduardo Galeano", "Juan Rulfo", "Emilia Pardo Bazán", "Rómulo Gallegos"]


def person_record(fake: Faker, rng: random.Random, country: str, templates, split: str, k: int) -> dict:
    instruction, output = rng.choice(templates)
    name = fake.name()
    address = fake.address().replace("\n", ", ")
    id_type, id_value = structured(fake, country, rng)
    text = output.format(name=name, address=address, id=id_value, idword=ID_WORDS.get(id_type, "número"))
    second_type, second = structured(fake, country, rng)
    text += (SECOND[split][k % len(SECOND[split])]).format(v=second)
    return {"id": f"{split}-{country}-{k}", "split": split, "country": country, "instruction": instruction,
            "output": text, "clean": False,
            "values": [{"kind": "name", "type": "PERSON", "value": name},
                       {"kind": "address", "type": "STREET_ADDRESS", "value": address},
                       {"kind": "structured", "type": id_type, "value": id_value},
                       {"kind": "structured", "type": second_type, "value": second}]}


def clean_record(fake: Faker, rng: random.Random, country: str, templates, split: str, k: int) -> dict:
    instruction, output = rng.choice(templates)
    fill = dict(city=fake.city(), figure=rng.choice(FIGURES), n1=f"{rng.randrange(10, 900)}.{rng.randrange(1000):03d}",
                n2=f"{rng.randrange(1, 9)}.{rng.randrange(1000):03d}.{rng.randrange(1000):03d}",
                small=rng.randrange(2, 120), small2=rng.randrange(2, 60), small3=rng.randrange(5, 900),
                price=rng.randrange(50, 5000), total=f"{rng.randrange(1, 99)}.{rng.randrange(1000):03d}",
                day=rng.randrange(1, 28), year=rng.randrange(1850, 2020), code=f"{rng.choice('ABCDEFG')}-{rng.randrange(100, 999)}",
                pct=rng.randrange(2, 80), hour=rng.randrange(5, 11))
    return {"id": f"{split}-{country}-clean-{k}", "split": split, "country": country,
            "instruction": instruction.format(**fill), "output": output.format(**fill), "clean": True, "values": []}


def build(split: str, templates, clean_templates, seed: int, per_country: int, clean_per_country: int) -> list[dict]:
    rows = []
    for offset, (country, locale) in enumerate(LOCALES.items()):
        fake = Faker(locale)
        fake.seed_instance(seed + offset)
        rng = random.Random(seed * 100 + offset)
        rows += [person_record(fake, rng, country, templates, split, k) for k in range(per_country)]
        rows += [clean_record(fake, rng, country, clean_templates, split, k) for k in range(clean_per_country)]
    return rows


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for split, templates, clean, seed in (("dev", DEV_TEMPLATES, DEV_CLEAN, 11), ("test", TEST_TEMPLATES, TEST_CLEAN, 97),
                                          ("dev2", DEV2_TEMPLATES, DEV2_CLEAN, 5)):
        rows = build(split, templates, clean, seed, per_country=60, clean_per_country=12)
        path = OUT / f"pii_{split}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} records ({sum(r['clean'] for r in rows)} clean)")


if __name__ == "__main__":
    main()
