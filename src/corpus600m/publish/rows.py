"""The published rows: store records flattened into the columns people see on the Hub.

What is left out on purpose: the donor's local file path and row number (they can name a person's
machine), the text an annotator replaced (`origin.original_output`, it may hold the error the correction
removed; only the `dpo` configuration publishes it, as the rejected answer, after the PII re-scan), the PII spans' offsets (with the text they would point at the redacted value), the dedup cluster
id (meaningless outside the store) and `updated_at`. Secrets never reach a record.
"""

from __future__ import annotations

import polars as pl

from corpus600m import catalog
from corpus600m.publish.licenses import effective_license_expr
from corpus600m.settings import Settings

_COUNTRY_NAMES = {code: c.name_es for code, c in catalog.COUNTRIES.items()}

# Published column -> what it holds (written into the card's "Estructura del dataset" table).
COLUMN_DOCS: dict[str, str] = {
    "id": "Hash estable (sha256, 32 hex) de instrucción + entrada + respuesta normalizadas.",
    "instruction": "La instrucción.",
    "input": "Contexto opcional de la instrucción.",
    "output": "La respuesta.",
    "lang": "Idioma (ISO 639).",
    "country": "País de origen del texto (ISO 3166-1 alfa-2); el `país_origen` de Somos NLP.",
    "country_name": "Nombre del país en español.",
    "variety": "Variedad dialectal (zona del catálogo).",
    "locale": "Etiqueta idioma_PAÍS, p. ej. `es_MX`; el `idioma` de Somos NLP.",
    "source": "Procedencia: `synthetic`, `donation` o `annotation`.",
    "domain": "Dominio temático.",
    "task": "Tipo de tarea.",
    "register": "Registro lingüístico.",
    "license": "Licencia del registro (SPDX).",
    "origin_model": "Modelo generador (registros sintéticos).",
    "origin_template": "Plantilla de prompt (registros sintéticos).",
    "origin_template_version": "Versión de la plantilla.",
    "origin_donor": "Donante (registros donados).",
    "origin_dataset": "Corpus donado de procedencia.",
    "origin_source_url": "URL del corpus donado.",
    "lang_score": "Confianza del identificador de idioma.",
    "quality_flags": "Avisos de calidad que no motivaron el descarte.",
    "annotation_n_annotators": "Número de personas que anotaron el registro.",
    "annotation_pais": "País según el consenso de anotación.",
    "annotation_variedad": "Variedad según el consenso de anotación.",
    "annotation_calidad": "Calidad media asignada (consenso).",
    "annotation_es_correcta": "¿Es correcta la respuesta? (consenso).",
    "annotation_problemas": "Problemas señalados por las personas anotadoras.",
    "annotation_agreement": "Acuerdo del registro: proporción de anotadores que coinciden con el consenso en la pregunta más débil.",
    "annotation_alpha_pais": "Alfa de Krippendorff de la pregunta «país».",
    "annotation_alpha_variedad": "Alfa de Krippendorff de la pregunta «variedad».",
    "annotation_alpha_calidad": "Alfa de Krippendorff de la pregunta «calidad».",
    "annotation_alpha_es_correcta": "Alfa de Krippendorff de la pregunta «es correcta».",
    "pii": "Entidades de información personal halladas y qué se hizo (`redacted`, `kept`): campo, tipo y acción; nunca el texto.",
    "created_at": "Fecha de creación del registro (UTC).",
}

PII_PUBLISHED_DTYPE = pl.List(pl.Struct({"field": pl.String, "entity_type": pl.String, "action": pl.String}))


def hub_frame(frame: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Store-layout records -> the published columns (`COLUMN_DOCS` order), sorted by country then id."""
    origin = pl.col("origin").struct
    annotation = pl.col("annotation").struct
    out = frame.select(
        "id", "instruction", "input", "output", "lang", "country",
        pl.col("country").replace_strict(_COUNTRY_NAMES, default=None, return_dtype=pl.String).alias("country_name"),
        "variety", "locale", "source", "domain", "task", "register",
        effective_license_expr(settings),
        origin.field("model").alias("origin_model"),
        origin.field("template_id").alias("origin_template"),
        origin.field("template_version").alias("origin_template_version"),
        origin.field("donor").alias("origin_donor"),
        origin.field("dataset").alias("origin_dataset"),
        origin.field("source_url").alias("origin_source_url"),
        "lang_score", "quality_flags",
        annotation.field("n_annotators").alias("annotation_n_annotators"),
        annotation.field("pais").alias("annotation_pais"),
        annotation.field("variedad").alias("annotation_variedad"),
        annotation.field("calidad").alias("annotation_calidad"),
        annotation.field("es_correcta").alias("annotation_es_correcta"),
        annotation.field("problemas").alias("annotation_problemas"),
        annotation.field("agreement").alias("annotation_agreement"),
        annotation.field("alpha_pais").alias("annotation_alpha_pais"),
        annotation.field("alpha_variedad").alias("annotation_alpha_variedad"),
        annotation.field("alpha_calidad").alias("annotation_alpha_calidad"),
        annotation.field("alpha_es_correcta").alias("annotation_alpha_es_correcta"),
        pl.col("pii").list.eval(pl.struct(pl.element().struct.field("field", "entity_type", "action")))
        .cast(PII_PUBLISHED_DTYPE).alias("pii"),
        "created_at",
    )
    assert out.columns == list(COLUMN_DOCS), "COLUMN_DOCS must list the published columns in order"
    return out.sort("country", "id", nulls_last=True)
