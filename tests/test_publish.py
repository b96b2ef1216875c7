"""Publishing: the dry-run repository loads with `datasets`, the card says the right things, the gates refuse.

Records are built here in code: realistic Spanish from several countries, synthetic and donated, some
annotated. The PII gate runs the PII filter's real detector (`corpus600m.filters.pii.detect_pii`).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from corpus600m.records import Annotation, Origin, PiiFinding, Record, records_to_frame

QWEN = "Qwen2.5-Coder-0.5B-Instruct-Q4_K_M"


def _synthetic(instruction: str, output: str, country: str, variety: str, domain: str, task: str,
               register: str = "informal", **extra) -> Record:
    return Record(instruction=instruction, output=output, country=country, variety=variety, source="synthetic",
                  origin=Origin(model=QWEN, backend="llamacpp", template_id="instruccion-por-variedad",
                                template_version="1", temperature=0.7, seed_topic=domain),
                  domain=domain, task=task, register=register, lang_score=0.97,
                  created_at=datetime(2026, 11, 1, tzinfo=UTC), **extra)


def _donated(instruction: str, output: str, country: str, variety: str, domain: str, task: str,
             donor: str, dataset: str, license: str, **extra) -> Record:
    return Record(instruction=instruction, output=output, country=country, variety=variety, source="donation",
                  origin=Origin(donor=donor, dataset=dataset, license=license,
                                source_url=f"https://huggingface.co/datasets/{dataset}", file="/home/donor/corpus.csv",
                                row=7),
                  domain=domain, task=task, register="formal", lang_score=0.99,
                  created_at=datetime(2026, 11, 2, tzinfo=UTC), **extra)


def _annotation(n: int, alpha: float = 0.72) -> Annotation:
    return Annotation(dataset="somos600m-anotacion-mx-ar", n_annotators=n, pais="MX", variedad="mexicana",
                      calidad=4.0, es_correcta="sí", alpha_pais=0.91, alpha_variedad=alpha, alpha_calidad=0.55,
                      alpha_es_correcta=0.64)


def corpus_records() -> list[Record]:
    """17 records: MX 5, AR 4, ES 3, CO 2, CL 1, PE 1, and one without country (synthetic 11, donation 6)."""
    return [
        _synthetic("¿Qué puedo cocinar para una comida rápida entre semana?",
                   "Unas quesadillas de flor de calabaza con queso Oaxaca: se calientan las tortillas en el comal, "
                   "se rellenan y en cinco minutos están listas. Acompáñalas con salsa verde.",
                   "MX", "mexicana", "gastronomía", "pregunta_respuesta", annotation=_annotation(3)),
        _synthetic("Explícame cómo pedir un camión para ir al centro de la ciudad.",
                   "Espera en la parada, revisa que el letrero del camión diga «Centro» y ten cambio a la mano; "
                   "al subir le pagas al chofer y pides que te avise dónde bajarte.",
                   "MX", "mexicana", "vida cotidiana", "explicación", annotation=_annotation(2, alpha=0.68)),
        _synthetic("Redacta un mensaje para invitar a mis compañeros a una posada.",
                   "¡Qué onda, equipo! Este viernes hacemos la posada en la oficina: habrá piñata, ponche y "
                   "tamales. Traigan su intercambio de regalos de máximo 300 pesos.",
                   "MX", "mexicana", "vida cotidiana", "redacción"),
        _donated("Resume el artículo 4 de la Constitución mexicana.",
                 "Reconoce la igualdad entre mujeres y hombres y protege la organización y el desarrollo de la familia, "
                 "además de los derechos a la alimentación, la salud y la vivienda.",
                 "MX", "mexicana", "jurídico", "resumen", donor="Colectivo Derecho Abierto",
                 dataset="derecho-abierto/constitucion-mx", license="CC-BY-4.0"),
        _donated("¿Qué es el amparo?",
                 "Es un juicio que protege a las personas frente a actos de autoridad que violen sus derechos humanos.",
                 "MX", "mexicana", "jurídico", "pregunta_respuesta", donor="Colectivo Derecho Abierto",
                 dataset="derecho-abierto/constitucion-mx", license="CC-BY-4.0",
                 pii=[PiiFinding(field="output", entity_type="PHONE_NUMBER", start=10, end=22, score=0.8,
                                 action="redacted")]),
        _synthetic("¿Che, qué me recomendás para hacer un asado el domingo?",
                   "Conseguí vacío y chorizo, prendé el fuego con tiempo y no apures la carne: la parrilla tiene "
                   "que estar a fuego lento. Un chimichurri casero y listo.",
                   "AR", "rioplatense", "gastronomía", "recomendación", annotation=_annotation(3)),
        _synthetic("Contame cómo llegar en colectivo desde Constitución hasta Palermo.",
                   "Tomate el colectivo en la avenida Brasil y bajate en Plaza Italia; si vas con la SUBE cargada "
                   "no tenés que preocuparte por las monedas.",
                   "AR", "rioplatense", "vida cotidiana", "explicación"),
        _donated("Traducí al inglés: «Mañana arranco el laburo nuevo».",
                 "Tomorrow I start my new job.",
                 "AR", "rioplatense", "idiomas", "traducción", donor="Grupo PLN Córdoba",
                 dataset="pln-cordoba/frases-rioplatenses", license="CC-BY-SA-4.0"),
        _synthetic("¿Qué hago si el pibe tiene fiebre a la noche?",
                   "Medile la temperatura, dale líquidos y, si pasa de 38,5 o lo ves decaído, consultá con la "
                   "guardia pediátrica más cercana.",
                   "AR", "rioplatense", "salud", "pregunta_respuesta",
                   pii=[PiiFinding(field="instruction", entity_type="PERSON", start=0, end=4, score=0.4,
                                   action="kept")]),
        _synthetic("Dime qué ver en Madrid en un fin de semana.",
                   "El sábado, el Museo del Prado y un paseo por el Retiro; el domingo, el Rastro por la mañana "
                   "y unas cañas en La Latina. Coge el metro, que vale la pena.",
                   "ES", "castellana", "turismo", "recomendación"),
        _synthetic("¿Cómo se prepara un salmorejo?",
                   "Tritura tomates maduros con pan del día anterior, ajo, aceite de oliva y sal hasta que quede "
                   "cremoso. Sírvelo fresquito con huevo duro y jamón, chiquillo.",
                   "ES", "andaluza", "gastronomía", "explicación"),
        _donated("Clasifica el sentimiento de la reseña: «El servicio fue lentísimo, no vuelvo».",
                 "Negativo.",
                 "ES", "castellana", "opiniones", "clasificación", donor="Asociación Lenguaje Claro",
                 dataset="lenguaje-claro/resenas", license="CC-BY-4.0"),
        _synthetic("¿Qué me recomienda para visitar el Eje Cafetero?",
                   "Vaya a Salento, camine por el valle de Cocora y pruebe un tinto en una finca cafetera; "
                   "lleve ruana porque en la tarde hace frío.",
                   "CO", "andina", "turismo", "recomendación", register="formal"),
        _donated("Escriba una receta de arepas de choclo.",
                 "Muela el maíz tierno, mézclelo con queso, mantequilla y una pizca de sal, forme las arepas y "
                 "áselas en un sartén caliente hasta que doren.",
                 "CO", "andina", "gastronomía", "redacción", donor="Cocinas de Colombia",
                 dataset="cocinas-co/recetas", license="CC-BY-4.0"),
        _synthetic("¿Cachai cómo sacar el carnet en el Registro Civil?",
                   "Pide hora por internet, llega al tiro con tu certificado de nacimiento y paga en la caja; "
                   "te lo entregan en unos diez días hábiles.",
                   "CL", "chilena", "trámites", "explicación"),
        _synthetic("¿Qué lleva un buen ceviche?",
                   "Pescado fresco en cubos, jugo de limón, ají limo, cebolla morada, sal y cilantro; acompáñalo "
                   "con camote y choclo.",
                   "PE", "andina", "gastronomía", "explicación"),
        _synthetic("Escribe un refrán en español y explica su significado.",
                   "«Más vale tarde que nunca»: es mejor hacer algo con retraso que no hacerlo.",
                   None, None, "cultura", "explicación"),
    ]
