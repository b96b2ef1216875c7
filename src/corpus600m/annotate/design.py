"""The Argilla dataset design: fields, questions, metadata and Spanish guidelines.

What annotators read is in Spanish; the names (`pais`, `variedad`, ...) are the contract with `pull`
and the `Annotation` model, so they live here once. `argilla` is imported inside `build_settings` only,
so the consensus code and the CLI's `--help` do not pay for it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

from corpus600m import catalog
from corpus600m.records import Record, Source

if TYPE_CHECKING:
    import argilla as rg

# ---- question names (the contract with pull and records.Annotation) ----------------------------
PAIS = "pais"
VARIEDAD = "variedad"
CALIDAD = "calidad"
ES_CORRECTA = "es_correcta"
RESPUESTA_CORREGIDA = "respuesta_corregida"
PROBLEMAS = "problemas"

FIELDS = ("instruction", "input", "output")
METADATA = ("country", "variety", "source", "model", "variety_adapted")
VARIETY_ADAPTED = "si"  # metadata value of an answer whose tuteo was rewritten as voseo by rule (generate/voseo.py)

ES_CORRECTA_LABELS = {"si": "Sí", "no": "No", "parcial": "Parcialmente (la corrijo abajo)"}
PROBLEMAS_LABELS = {
    "contiene_pii": "Contiene datos personales",
    "ofensivo": "Ofensivo",
    "no_es_espanol": "No está en español",
    "sin_sentido": "Sin sentido",
}
CALIDAD_VALUES = (1, 2, 3, 4, 5)

Kind = Literal["label", "rating", "text", "multi_label"]


@dataclass(frozen=True)
class QuestionSpec:
    """One question: its name, kind, Spanish title and description, allowed values."""

    name: str
    kind: Kind
    title: str
    description: str
    required: bool
    labels: dict[str, str] | None = None  # value -> text shown (label / multi-label)


def country_labels() -> dict[str, str]:
    """`MX` -> `MX · México`, in catalog order."""
    return {c.code: f"{c.code} · {c.name_es}" for c in catalog.COUNTRIES.values()}


def variety_labels() -> dict[str, str]:
    """`rioplatense` -> `rioplatense`, ids as values and Spanish names as text."""
    return {v.id: v.name_es for v in catalog.VARIETIES.values()}


QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(PAIS, "label", "País del español del texto",
                 "Viene sugerido según los metadatos; corrígelo si el texto indica otro país.", True, country_labels()),
    QuestionSpec(VARIEDAD, "label", "Variedad (zona dialectal)",
                 "Viene sugerida; corrígela si el léxico o la gramática indican otra zona.", True, variety_labels()),
    QuestionSpec(CALIDAD, "rating", "Calidad de la respuesta (1 = inútil, 5 = excelente)",
                 "Exactitud, utilidad, claridad y naturalidad en esa variedad del español.", True),
    QuestionSpec(ES_CORRECTA, "label", "¿La respuesta es correcta?",
                 "«parcial» si se puede arreglar: escribe entonces la respuesta corregida.", True, ES_CORRECTA_LABELS),
    QuestionSpec(RESPUESTA_CORREGIDA, "text", "Respuesta corregida (opcional)",
                 "La respuesta completa ya corregida, en la variedad del registro. Vacía si es correcta.", False),
    QuestionSpec(PROBLEMAS, "multi_label", "Problemas (opcional, marca todos los que apliquen)",
                 "Datos personales, contenido ofensivo, otro idioma o texto sin sentido.", False, PROBLEMAS_LABELS),
)
QUESTION_BY_NAME = {q.name: q for q in QUESTIONS}
LABEL_QUESTIONS = (PAIS, VARIEDAD, ES_CORRECTA)


@cache
def guidelines() -> str:
    """The Spanish annotation guidelines (markdown), as shown in Argilla's side panel."""
    return resources.files("corpus600m.annotate").joinpath("guidelines_es.md").read_text(encoding="utf-8")


def build_settings(min_submitted: int, client: rg.Argilla) -> rg.Settings:
    """The `rg.Settings` of an annotation dataset, with task distribution `min_submitted`.

    Text fields use `use_markdown=False`, and their values are HTML-escaped on push (`as_plain_text`):
    donated text is shown as plain text and cannot inject HTML.
    """
    import argilla as rg

    questions = []
    for q in QUESTIONS:
        common = {"name": q.name, "title": q.title, "description": q.description, "required": q.required,
                  "client": client}
        if q.kind == "label":
            questions.append(rg.LabelQuestion(labels=q.labels, **common))
        elif q.kind == "multi_label":
            questions.append(rg.MultiLabelQuestion(labels=q.labels, **common))
        elif q.kind == "rating":
            questions.append(rg.RatingQuestion(values=list(CALIDAD_VALUES), **common))
        else:
            questions.append(rg.TextQuestion(use_markdown=False, **common))
    return rg.Settings(
        guidelines=guidelines(),
        allow_extra_metadata=False,
        fields=[
            rg.TextField(name="instruction", title="Instrucción", use_markdown=False, required=True, client=client),
            rg.TextField(name="input", title="Contexto (opcional)", use_markdown=False, required=False, client=client),
            rg.TextField(name="output", title="Respuesta", use_markdown=False, required=True, client=client),
        ],
        questions=questions,
        metadata=[
            rg.TermsMetadataProperty(name="country", title="País", options=list(catalog.COUNTRIES), client=client),
            rg.TermsMetadataProperty(name="variety", title="Variedad", options=list(catalog.VARIETIES), client=client),
            rg.TermsMetadataProperty(name="source", title="Origen", options=[str(s) for s in Source], client=client),
            rg.TermsMetadataProperty(name="model", title="Modelo o donante", client=client),
            *variety_adapted_property(client),
        ],
        distribution=rg.TaskDistribution(min_submitted=min_submitted),
    )


def variety_adapted_property(client: rg.Argilla) -> list[rg.TermsMetadataProperty]:
    """`variety_adapted`: shown on records whose answer was rewritten as voseo by rule, so annotators check it."""
    import argilla as rg

    return [rg.TermsMetadataProperty(name="variety_adapted", title="Voseo puesto por regla (no por el modelo)",
                                     options=[VARIETY_ADAPTED], client=client)]


def record_metadata(record: Record) -> dict[str, str]:
    """The metadata shown in Argilla (None values left out: Argilla filters on what is present).

    `variety_adapted` is there only on records whose answer was rewritten by rule: the others' metadata, and so
    their push signature, stay as they were."""
    model = record.origin.model or record.origin.donor
    adapted = VARIETY_ADAPTED if record.origin.variety_adapted else None
    values = {"country": record.country, "variety": record.variety, "source": str(record.source), "model": model,
              "variety_adapted": adapted}
    return {k: v for k, v in values.items() if v}


def suggested_variety(record: Record) -> str | None:
    """The variety to suggest: the record's own, else its country's default dialect area."""
    if record.variety:
        return record.variety
    return catalog.country(record.country).default_variety if record.country else None


def as_plain_text(text: str) -> str:
    """Text escaped so Argilla's UI shows it literally.

    Measured on argilla-server 2.8: a TextField with `use_markdown=False` is still written as HTML into
    a same-origin, unsandboxed iframe, so a donated `<img src=x onerror=...>` ran script in the
    annotator's session. Escaping `&`, `<`, `>` makes the UI show the characters instead. The store keeps
    the original text; `pull` rebuilds records from the push ledger, never from these fields.
    """
    return html.escape(text, quote=False)


def to_argilla_record(record: Record) -> rg.Record:
    """An `rg.Record` whose `id` is our record id (so logging again updates it), with pais/variedad suggested."""
    import argilla as rg

    fields = {"instruction": as_plain_text(record.instruction), "output": as_plain_text(record.output)}
    if record.input:
        fields["input"] = as_plain_text(record.input)
    suggestions = []
    if record.country:
        suggestions.append(rg.Suggestion(question_name=PAIS, value=record.country, agent="metadata"))
    variety = suggested_variety(record)
    if variety:
        suggestions.append(rg.Suggestion(question_name=VARIEDAD, value=variety, agent="metadata"))
    return rg.Record(id=record.id, fields=fields, metadata=record_metadata(record), suggestions=suggestions)
