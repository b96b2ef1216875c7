"""Publishing: the dry-run repository loads with `datasets`, the card says the right things, the gates refuse.

Records are built here in code: realistic Spanish from several countries, synthetic and donated, some
annotated. The PII gate runs the PII filter's real detector (`corpus600m.filters.pii.detect_pii`).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

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
    """18 records: MX 5, AR 4, ES 3, CO 2, CL 1, PE 1, UY 1 and one without country.

    Sources: 12 synthetic, 5 donated, 1 written by annotators; 4 annotated; 2 with PII findings recorded.
    """
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
        Record(instruction="¿Cómo se dice «autobús» en Montevideo?",
               output="Se dice ómnibus, y para el de larga distancia también ómnibus o «bondi» en lo coloquial.",
               country="UY", variety="rioplatense", source="annotation", domain="idiomas", task="pregunta_respuesta",
               register="informal", lang_score=0.95, annotation=Annotation(
                   dataset="somos600m-anotacion-uy", n_annotators=2, pais="UY", variedad="rioplatense", calidad=5.0,
                   es_correcta="sí", agreement=1.0, alpha_pais=0.8, alpha_variedad=0.75),
               created_at=datetime(2026, 11, 3, tzinfo=UTC)),
        _synthetic("Escribe un refrán en español y explica su significado.",
                   "«Más vale tarde que nunca»: es mejor hacer algo con retraso que no hacerlo.",
                   None, None, "cultura", "explicación"),
    ]


def settings_for(data_dir: Path, **overrides):
    from corpus600m.settings import Settings

    return Settings(data_dir=data_dir, **overrides)


def mx_variants(n: int) -> list[Record]:
    """`n` more Mexican synthetic records (distinct texts), to make other countries a small share."""
    dishes = ["pozole", "tamales", "enchiladas", "chiles en nogada", "mole poblano", "cochinita pibil", "sopes",
              "tlayudas", "chilaquiles", "tacos al pastor"]
    return [_synthetic(f"¿Cómo preparo {dishes[i % len(dishes)]} para {i + 2} personas?",
                       f"Para {i + 2} personas calcula los ingredientes de {dishes[i % len(dishes)]} por porción, "
                       "cocina con calma y sirve con tortillas recién hechas.",
                       "MX", "mexicana", "gastronomía", "explicación") for i in range(n)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """The dry-run repository of `corpus_records()`, built once (real PII detector), shards of at most 2 rows."""
    from flows.publish import build_gated_repository as build_repository

    root = tmp_path_factory.mktemp("publish")
    settings = settings_for(root / "data", hub_shard_rows=2)
    result = build_repository(records_to_frame(corpus_records()), root / "repo", "somosnlp/somos600m-prueba",
                              settings, run_name="test-run-1")
    return result


# ---- the repository loads with `datasets` -------------------------------------------------------------------


def test_dry_run_loads_with_datasets_per_config(built) -> None:
    from datasets import get_dataset_config_names, load_dataset

    out = built.out_dir
    expected = {"default": 18, "AR": 4, "CL": 1, "CO": 2, "ES": 3, "MX": 5, "PE": 1, "UY": 1}
    assert built.config_rows == expected
    # the sft export of the same records is a configuration too; no dpo: these records have no preference pair
    assert sorted(get_dataset_config_names(str(out))) == sorted([*expected, "sft"])
    assert built.training_rows == {"sft": 18}
    records = {r.id: r for r in corpus_records()}
    for config, n in expected.items():
        dataset = load_dataset(str(out), config)
        assert list(dataset) == ["train"], config
        train = dataset["train"]
        assert train.num_rows == n, config
        if config != "default":
            assert set(train["country"]) == {config}
            assert {records[i].country for i in train["id"]} == {config}
    full = load_dataset(str(out), split="train")
    assert sorted(full["id"]) == sorted(records)
    # MX has 5 rows at 2 rows per shard: 3 shards
    assert sorted(p.name for p in (out / "data" / "MX").iterdir()) == [
        "train-00000-of-00003.parquet", "train-00001-of-00003.parquet", "train-00002-of-00003.parquet"]
    assert (out / "data" / "sin_pais").is_dir()

    row = next(r for r in full if r["origin_donor"] == "Grupo PLN Córdoba")
    assert row["license"] == "CC-BY-SA-4.0" and row["locale"] == "es_AR" and row["variety"] == "rioplatense"
    assert row["country_name"] == "Argentina" and row["source"] == "donation"
    synthetic = next(r for r in full if r["instruction"].startswith("¿Che, qué me recomendás"))
    assert synthetic["license"] == "Apache-2.0" and synthetic["origin_model"] == QWEN
    assert synthetic["origin_template"] == "instruccion-por-variedad"
    assert synthetic["annotation_n_annotators"] == 3 and synthetic["annotation_alpha_variedad"] == pytest.approx(0.72)
    amparo = next(r for r in full if r["instruction"] == "¿Qué es el amparo?")
    assert amparo["pii"] == [{"field": "output", "entity_type": "PHONE_NUMBER", "action": "redacted"}]
    # what must not be published: the donor's local file path, PII offsets
    assert "file" not in full.column_names and "origin_file" not in full.column_names
    for path in out.rglob("*.parquet"):
        assert b"/home/donor" not in path.read_bytes()
    assert set(full.features["pii"].feature) == {"field", "entity_type", "action"}


# ---- the card ------------------------------------------------------------------------------------------------

SECTIONS = [
    "## Detalles del dataset", "### Descripción del dataset", "## Uso", "## Estructura del dataset",
    "### Composición", "#### Por país", "#### Por variedad", "#### Por procedencia", "#### Por dominio",
    "#### Por tarea", "## Creación del dataset", "#### Recopilación y procesamiento de datos", "#### Filtrado",
    "### Anotaciones", "#### Proceso de anotación", "#### Información personal y sensible",
    "### Sesgos, riesgos y limitaciones", "### Impacto ambiental", "## Licencia", "## Citación", "## Autores",
]


def test_card_parses_and_states_the_corpus_numbers(built) -> None:
    from huggingface_hub import DatasetCard
    from PIL import Image

    card = DatasetCard.load(built.out_dir / "README.md")
    data = card.data
    assert data.pretty_name == "Somos600M: instrucciones en español"
    assert data.language == ["es", "es-AR", "es-CL", "es-CO", "es-ES", "es-MX", "es-PE", "es-UY"]
    # synthetic (Apache-2.0) + donations (CC-BY-4.0, CC-BY-SA-4.0) + annotators (CC-BY-4.0): mixed
    assert data.license == "other"
    assert data.to_dict()["license_name"] == "mixed-licenses" and data.to_dict()["license_link"] == "LICENSE.md"
    assert data.size_categories == "n<1K"
    assert data.task_categories[0] == "text-generation"
    assert {"question-answering", "summarization", "translation", "text-classification"} <= set(data.task_categories)
    assert "somos600m" in data.tags and "synthetic" in data.tags
    configs = {c["config_name"]: c for c in data.to_dict()["configs"]}
    assert configs["default"]["default"] is True
    assert configs["MX"]["data_files"] == [{"split": "train", "path": "data/MX/train-*.parquet"}]

    text = card.text
    positions = [text.index(section) for section in SECTIONS]
    assert positions == sorted(positions), "sections out of the template's order"
    # composition tables
    assert "| México | MX | 5 | 27.8 % |" in text
    assert "| Argentina | AR | 4 | 22.2 % |" in text
    assert "| Bolivia | BO | 0 | 0.0 % |" in text
    assert "| (sin país) | — | 1 | 5.6 % |" in text
    assert "| rioplatense | 5 | 27.8 % |" in text
    assert "| synthetic | 12 | 66.7 % |" in text and "| donation | 5 | 27.8 % |" in text
    assert "| annotation | 1 | 5.6 % |" in text
    assert "| gastronomía | 5 | 27.8 % |" in text
    assert "| explicación | 6 | 33.3 % |" in text
    assert "| default | 18 |" in text and "| MX | 5 |" in text
    # how it was made
    assert f"| {QWEN} | instruccion-por-variedad | 1 | Apache-2.0 | 12 |" in text
    assert "| Colectivo Derecho Abierto | derecho-abierto/constitucion-mx | CC-BY-4.0 | 2 |" in text
    assert "| Grupo PLN Córdoba | pln-cordoba/frases-rioplatenses | CC-BY-SA-4.0 | 1 |" in text
    assert "4 registros (22.2 %) fueron anotados en Argilla (2 conjunto(s) de anotación)" in text
    assert "mínimo 2, mediana 2.50, máximo 3 (10 respuestas en total)" in text
    assert "| somos600m-anotacion-mx-ar | variedad | 0.71 | 0.68 | 0.72 | 3 |" in text
    assert "| somos600m-anotacion-mx-ar | país | 0.91 | 0.91 | 0.91 | 3 |" in text
    assert "| somos600m-anotacion-uy | variedad | 0.75 | 0.75 | 0.75 | 1 |" in text
    # filtering and PII
    assert "(36 textos de 18 registros): no encontró nada" in text
    assert "Entidades encontradas en lo publicado: 2 en 2 registros." in text
    assert "| PHONE_NUMBER | redacted | 1 |" in text and "| PERSON | kept | 1 |" in text
    assert "mínima 0.95, mediana 0.97" in text
    # biases computed from the data
    assert "Países con registros: 7 de 22." in text
    assert "Guinea Ecuatorial" in text.split("**Sin ningún registro:**")[1].split("\n")[0]
    assert "País con más registros: México (27.8 %)" in text
    assert "Registros sin país asignado: 1." in text
    assert "Proporción sintética: 66.7 %" in text
    # environmental impact, licence, citation
    assert "No se midió el consumo energético" in text
    assert "| Apache-2.0 | apache-2.0 | 12 | synthetic |" in text
    assert "| CC-BY-4.0 | cc-by-4.0 | 5 | annotation, donation |" in text
    assert "howpublished = {\\url{https://huggingface.co/datasets/somosnlp/somos600m-prueba}}" in text
    assert "test-run-1" in text
    # the chart and the licence file are in the repository, and the card points at them
    assert "![Composición del corpus](assets/composition.png)" in text
    with Image.open(built.out_dir / "assets" / "composition.png") as image:
        assert image.format == "PNG" and image.size[0] >= 800
    assert "| CC-BY-SA-4.0 | cc-by-sa-4.0 | 1 | donation |" in (built.out_dir / "LICENSE.md").read_text()


def test_card_flags_under_represented_countries_and_single_licence(tmp_path: Path) -> None:
    from corpus600m.publish.card import card_data, render_card
    from corpus600m.publish.gates import GateReport
    from corpus600m.publish.stats import compute_stats

    settings = settings_for(tmp_path)
    frame = records_to_frame(corpus_records() + mx_variants(42))  # 60 records: one record is 1.7 % < 2.3 %
    stats = compute_stats(frame, settings)
    text = render_card(stats, GateReport(n_records=60, n_texts_scanned=120), repo_id="somosnlp/x", pretty_name="X",
                       configs=[], config_rows={"default": 60}, run_name="r", chart_path="assets/c.png").text
    line = next(line for line in text.splitlines() if "Países infrarrepresentados" in line)
    for country in ("Chile (1, 1.7 %)", "Perú (1, 1.7 %)", "Uruguay (1, 1.7 %)"):
        assert country in line
    assert "México" not in line and "Argentina" not in line  # 4/60 = 6.7 % is above the threshold
    assert "País con más registros: México (78.3 %)" in text

    only_synthetic = records_to_frame([r for r in corpus_records() if r.source == "synthetic"])
    data = card_data(compute_stats(only_synthetic, settings), pretty_name="X", configs=[]).to_dict()
    assert data["license"] == "apache-2.0" and "license_name" not in data
    assert data["language_creators"] == ["machine-generated"]
    llama = settings_for(tmp_path, hub_model_licenses={QWEN: "llama3.1"})
    data = card_data(compute_stats(only_synthetic, llama), pretty_name="X", configs=[]).to_dict()
    assert data["license"] == "llama3.1"


# ---- gates ----------------------------------------------------------------------------------------------------


def _build_refused(records: list[Record], tmp_path: Path, **overrides):
    from corpus600m.publish import PublishRefused
    from flows.publish import build_gated_repository as build_repository

    out = tmp_path / "repo"
    with pytest.raises(PublishRefused) as refused:
        build_repository(records_to_frame(records), out, "somosnlp/somos600m-prueba",
                         settings_for(tmp_path / "data", **overrides), run_name="gated")
    assert not out.exists(), "a refused build must not write the repository"
    report = json.loads((tmp_path / "repo.gate_report.json").read_text())
    return refused.value, report


def test_gate_licence_lists_records_without_licence(tmp_path: Path) -> None:
    good = corpus_records()
    no_licence = _donated("Resume la ley de transparencia.", "Obliga a publicar la información pública.", "CL",
                          "chilena", "jurídico", "resumen", donor="Anónimo", dataset="leyes-cl", license="CC-BY-4.0")
    no_licence.origin.license = None
    refused, report = _build_refused([*good, no_licence], tmp_path)
    assert refused.report.offending_ids() == {"licence": [no_licence.id]}
    assert no_licence.id in str(refused) and "gate 'licence'" in str(refused)
    assert report["refused"] == {"licence": [no_licence.id]}
    # with no licence configured for synthetic records, every synthetic record is listed too
    refused, _ = _build_refused(good, tmp_path, hub_synthetic_license="")
    assert refused.report.offending_ids()["licence"] == sorted(r.id for r in good if r.source == "synthetic")


def test_gate_provenance_lists_records_without_origin(tmp_path: Path) -> None:
    no_template = _synthetic("¿Qué es un huipil?", "Una blusa tradicional bordada de Mesoamérica.", "GT",
                             "centroamericana", "cultura", "explicación")
    no_template.origin.template_id = None
    no_donor = _donated("¿Qué es la minga?", "Trabajo comunitario no remunerado en los Andes.", "EC", "andina",
                        "cultura", "explicación", donor="x", dataset="andes/minga", license="CC-BY-4.0")
    no_donor.origin.donor = None
    refused, report = _build_refused([*corpus_records(), no_template, no_donor], tmp_path)
    assert refused.report.offending_ids() == {"provenance": sorted([no_template.id, no_donor.id])}
    assert "origin.template_id" in report["why"]["provenance"][no_template.id]
    assert "origin.donor" in report["why"]["provenance"][no_donor.id]


def test_gate_language_lists_records_in_languages_not_allowed(tmp_path: Path) -> None:
    from corpus600m.filters.pii import detect_pii
    from corpus600m.publish import check_gates

    catalan = _synthetic("Explica'm com fer pa amb tomàquet.", "Frega el tomàquet madur sobre el pa torrat, "
                         "afegeix-hi oli d'oliva i una mica de sal.", "ES", "castellana", "gastronomía", "explicación")
    catalan.lang = "ca"
    refused, _ = _build_refused([*corpus_records(), catalan], tmp_path)
    assert refused.report.offending_ids() == {"language": [catalan.id]}
    assert "language 'ca' not in allowed_langs (es)" in str(refused)
    allowed = check_gates(records_to_frame([catalan]), settings_for(tmp_path, allowed_langs=["es", "ca"]),
                          detect_pii=detect_pii)
    assert allowed.passed


def test_gate_pii_rescan_lists_records_with_pii_without_showing_it(tmp_path: Path) -> None:
    email = "lucia.fernandez.prueba@example.com"
    leaked = _synthetic("¿Cómo contacto a la tutora del curso?",
                        f"Escríbele a {email} y te responde en un par de días.", "ES", "castellana", "educación",
                        "pregunta_respuesta")
    refused, report = _build_refused([*corpus_records(), leaked], tmp_path)
    assert refused.report.offending_ids() == {"pii": [leaked.id]}
    assert "EMAIL" in report["why"]["pii"][leaked.id] and "output" in report["why"]["pii"][leaked.id]
    assert email not in str(refused) and email not in (tmp_path / "repo.gate_report.json").read_text()


def test_every_failing_gate_is_reported_at_once(tmp_path: Path) -> None:
    bad_lang = _synthetic("Com es diu això?", "Així es diu.", "ES", "castellana", "idiomas", "traducción")
    bad_lang.lang = "gl"
    no_model = _synthetic("¿Qué es el mate?", "Una infusión de yerba mate que se toma en calabaza con bombilla.",
                          "UY", "rioplatense", "gastronomía", "explicación")
    no_model.origin.model = None
    refused, _ = _build_refused([*corpus_records(), bad_lang, no_model], tmp_path)
    assert refused.report.offending_ids() == {"provenance": [no_model.id], "language": [bad_lang.id]}


# ---- CLI ------------------------------------------------------------------------------------------------------


def _write_jsonl(path: Path, records: list[Record]) -> Path:
    path.write_text("".join(r.model_dump_json() + "\n" for r in records), encoding="utf-8")
    return path


def test_cli_dry_run_from_the_curated_table(data_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.store import Store, Table

    Store(data_dir).upsert(Table.CURATED, corpus_records())
    rejected_record = _synthetic("Hola", "Hola hola.", "MX", "mexicana", "saludo", "explicación")
    from corpus600m.records import RejectedRecord, RejectReason

    Store(data_dir).upsert(Table.REJECTED, [RejectedRecord(record=rejected_record, stage="filter",
                                                           reasons=[RejectReason(code="quality:length")])])
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["publish", "--repo-id", "somosnlp/somos600m-prueba", "--out", str(out),
                                      "--run-name", "cli-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was uploaded" in result.output and "gates passed" in result.output
    assert re.search(r"default\s*│\s*18", result.output)
    text = (out / "README.md").read_text()
    assert "| filter | quality | 1 |" in text and "cli-run" in text


def test_cli_from_jsonl_reports_every_bad_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app

    records = corpus_records()
    path = _write_jsonl(tmp_path / "records.jsonl", records[:3])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
        fh.write("\n")
        bad = json.loads(records[3].model_dump_json())
        bad["country"] = "XX"
        fh.write(json.dumps(bad) + "\n")
        fh.write(records[4].model_dump_json() + "\n")
    out = tmp_path / "repo"
    result = CliRunner().invoke(app, ["publish", "--from", str(path), "--repo-id", "somosnlp/x", "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "2 bad line(s)" in result.output
    assert f"{path}: line 4: not valid JSON" in result.output
    assert f"{path}: line 6: field 'country' = 'XX'" in result.output
    assert not out.exists()

    good = _write_jsonl(tmp_path / "good.jsonl", records)
    result = CliRunner().invoke(app, ["publish", "--from", str(good), "--repo-id", "somosnlp/x", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "data" / "UY" / "train-00000-of-00001.parquet").is_file()


def test_cli_gate_refusal_lists_ids_and_exits_1(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app

    no_licence = _donated("¿Qué es el tereré?", "Una infusión fría de yerba mate, típica del Paraguay.", "PY",
                          "paraguaya", "gastronomía", "explicación", donor="Ñandutí Datos", dataset="py/terere",
                          license="CC-BY-4.0")
    no_licence.origin.license = ""
    path = _write_jsonl(tmp_path / "records.jsonl", [*corpus_records(), no_licence])
    result = CliRunner().invoke(app, ["publish", "--from", str(path), "--repo-id", "somosnlp/x",
                                      "--out", str(tmp_path / "repo")])
    assert result.exit_code == 1
    assert "publishing refused" in result.output and no_licence.id in result.output
    assert "Traceback" not in result.output
