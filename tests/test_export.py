"""Training exports (`corpus600m export`): SFT messages, DPO pairs, Alpaca rows, loaded back with `datasets`.

TRL is not installed here (it pulls torch); rows are checked against TRL's documented dataset formats
(huggingface.co/docs/trl/dataset_formats): conversational language modeling = `messages`, a list of
{role, content}; conversational preference = `prompt` (messages ending with the user turn), `chosen` and
`rejected` (assistant messages).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from corpus600m.records import Annotation, Record, records_to_frame
from tests.test_publish import _donated, _synthetic, corpus_records, settings_for

ROLES = {"system", "user", "assistant"}
ORIGINAL = ("Para sacar el pasaporte tenés que ir a cualquier oficina de correos con tu partida de nacimiento y "
            "pagar en efectivo.")
CORRECTED = ("Para sacar el pasaporte pedí turno en el RENAPER, llevá tu DNI vigente y pagá la tasa; te lo mandan a "
             "domicilio en unos quince días.")
PROMPT_SCORED = "¿Qué llevo a una entrevista de trabajo en Lima?"


def _annotated(calidad: float, *, es_correcta: str = "si", correction: str | None = None,
               needs_review: bool = False) -> Annotation:
    return Annotation(dataset="somos600m-anotacion-pe", n_annotators=3, pais="PE", variedad="andina", calidad=calidad,
                      es_correcta=es_correcta, respuesta_corregida=correction, needs_review=needs_review,
                      agreement=0.67)


def corrected_record() -> Record:
    """A curated record whose output annotators corrected (the original kept in origin.original_output)."""
    record = _synthetic("¿Cómo saco el pasaporte en Buenos Aires?", ORIGINAL, "AR", "rioplatense", "trámites",
                        "explicación", annotation=_annotated(4.0, es_correcta="parcial", correction=CORRECTED))
    return record.model_copy(update={"output": CORRECTED,
                                     "origin": record.origin.model_copy(update={"original_output": ORIGINAL})})


def scored_generations() -> list[Record]:
    """Three generations of one instruction scored 5, 4 and 2 by annotators (annotated-table layout)."""
    answers = [("Lleva tu DNI, copias de tu CV y llega diez minutos antes; vístete formal.", 5.0),
               ("Lleva tu CV impreso y tu DNI.", 4.0),
               ("No hace falta llevar nada, pues.", 2.0)]
    return [_synthetic(PROMPT_SCORED, text, "PE", "andina", "trabajo", "recomendación",
                       annotation=_annotated(score)) for text, score in answers]


def export_corpus() -> list[Record]:
    """corpus_records() plus: a correction, three scored generations, a record with input, two corrections that
    cannot make a pair (identical once normalized; consensus needing review, annotated layout)."""
    with_input = _donated("Resume el siguiente texto.", "La ley protege los humedales de la costa.", "CL", "chilena",
                          "jurídico", "resumen", donor="Leyes Abiertas", dataset="leyes-cl/humedales",
                          license="CC-BY-4.0")
    with_input = Record.model_validate({**with_input.model_dump(), "id": "",
                                        "input": "La ley 21.202 protege los humedales urbanos de Chile."})
    same = _synthetic("¿Qué es una once?", "Es la merienda de la tarde en Chile.", "CL", "chilena", "gastronomía",
                      "explicación", annotation=_annotated(4.0, es_correcta="parcial",
                                                           correction="Es la  merienda de la tarde en Chile. "))
    review = _synthetic("¿Qué es el cuy?", "Un plato de conejo.", "PE", "andina", "gastronomía", "explicación",
                        annotation=_annotated(3.0, es_correcta="no", correction="Un plato de cobayo asado o frito.",
                                              needs_review=True))
    return [*corpus_records(), corrected_record(), *scored_generations(), with_input, same, review]


def judged_incorrect(records: list[Record]) -> set[str]:
    """Records whose answer annotators judged wrong (or partly) and that still hold it (annotated layout)."""
    return {r.id for r in records if r.annotation and r.annotation.es_correcta in ("no", "parcial")
            and not r.origin.original_output}


def _load(path: Path):
    from datasets import load_dataset

    kind = "parquet" if path.suffix == ".parquet" else "json"
    return load_dataset(kind, data_files=str(path), split="train")


def _assert_messages(messages: list[dict], last_role: str) -> None:
    assert messages and all(set(m) == {"role", "content"} for m in messages)
    assert all(m["role"] in ROLES and isinstance(m["content"], str) and m["content"] for m in messages)
    assert messages[-1]["role"] == last_role
    assert [m["role"] for m in messages if m["role"] == "system"] in ([], ["system"])
    assert messages[0]["role"] in ("system", "user") and (messages[0]["role"] != "system" or len(messages) >= 2)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_sft_export_loads_with_datasets_in_trl_messages_format(tmp_path: Path, suffix: str) -> None:
    from corpus600m.publish.export import export_records

    records = export_corpus()
    wrong = judged_incorrect(records)
    assert len(wrong) == 2
    out = tmp_path / f"sft{suffix}"
    result = export_records(records_to_frame(records), "sft", out, settings_for(tmp_path / "data"))
    assert (result.n_records, result.n_rows, result.skipped.height) == (len(records), len(records) - 2, 2)
    dataset = _load(out)
    assert dataset.num_rows == len(records) - 2
    assert {"messages", "id", "country", "variety", "locale", "source", "license"} <= set(dataset.column_names)
    assert set(dataset.features["messages"].feature) == {"role", "content"}  # TRL: a list of {role, content}
    by_id = {r.id: r for r in records}
    assert sorted(dataset["id"]) == sorted(set(by_id) - wrong)  # every row maps back to its record
    for row in dataset:
        record = by_id[row["id"]]
        _assert_messages(row["messages"], "assistant")
        assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
        user, assistant = (m["content"] for m in row["messages"])
        assert user == (f"{record.instruction}\n\n{record.input}" if record.input else record.instruction)
        assert assistant == record.output
        assert row["country"] == record.country and row["license"]
    corrected = corrected_record()
    assert next(r for r in dataset if r["id"] == corrected.id)["messages"][1]["content"] == CORRECTED
    skipped = [json.loads(line) for line in (tmp_path / "sft.skipped.jsonl").read_text().splitlines()]
    assert {row["id"]: row["reason"] for row in skipped} == dict.fromkeys(wrong, "answer_judged_incorrect")


def test_dpo_pairs_from_corrections_and_scores(tmp_path: Path) -> None:
    from corpus600m.publish.export import export_records

    records = export_corpus()
    out = tmp_path / "dpo.jsonl"
    result = export_records(records_to_frame(records), "dpo", out, settings_for(tmp_path / "data"))
    assert result.details == {"pairs_correction": 1, "pairs_scores": 2, "records_paired": 4}
    dataset = _load(out)
    assert {"prompt", "chosen", "rejected", "chosen_id", "rejected_id", "pair_type"} <= set(dataset.column_names)
    assert dataset.num_rows == 3 == result.n_rows
    by_id = {r.id: r for r in records}
    for row in dataset:
        _assert_messages(row["prompt"], "user")
        assert [m["role"] for m in row["chosen"]] == ["assistant"] == [m["role"] for m in row["rejected"]]
        assert row["chosen"][0]["content"].split() != row["rejected"][0]["content"].split()
        assert row["chosen_id"] in by_id and row["rejected_id"] in by_id
        assert row["prompt"][-1]["content"] == by_id[row["chosen_id"]].instruction

    correction = next(r for r in dataset if r["pair_type"] == "correction")
    record = corrected_record()
    assert correction["chosen_id"] == correction["rejected_id"] == correction["id"] == record.id
    assert correction["chosen"][0]["content"] == CORRECTED and correction["rejected"][0]["content"] == ORIGINAL

    scored = {r.id: r.annotation.calidad for r in scored_generations()}
    pairs = sorted((r["chosen_score"], r["rejected_score"]) for r in dataset if r["pair_type"] == "scores")
    assert pairs == [(4.0, 2.0), (5.0, 2.0)]  # 5 vs 4 differs by 1: no pair
    for row in (r for r in dataset if r["pair_type"] == "scores"):
        assert scored[row["chosen_id"]] == row["chosen_score"] and scored[row["rejected_id"]] == row["rejected_score"]
        assert by_id[row["chosen_id"]].output == row["chosen"][0]["content"]
        assert by_id[row["rejected_id"]].output == row["rejected"][0]["content"]

    skipped = {row["id"]: row["reason"] for row in map(json.loads, (tmp_path / "dpo.skipped.jsonl").read_text().splitlines())}
    assert len(skipped) == len(records) - 4 and result.skipped_by_reason["no_preference"] == len(records) - 6
    same = next(r for r in records if r.instruction == "¿Qué es una once?")
    review = next(r for r in records if r.instruction == "¿Qué es el cuy?")
    assert skipped[same.id] == "correction_same_as_original" and skipped[review.id] == "correction_needs_review"
    assert set(skipped) | {record.id, *scored} == set(by_id)  # nothing lost: paired or listed


def test_dpo_from_the_annotated_layout_pairs_the_consensus_correction(tmp_path: Path) -> None:
    """In `annotated`, the output is still the model's; the correction is annotation.respuesta_corregida."""
    from corpus600m.publish.export import export_frame

    record = _synthetic("¿Cómo saco el pasaporte en Buenos Aires?", ORIGINAL, "AR", "rioplatense", "trámites",
                        "explicación", annotation=_annotated(2.0, es_correcta="no", correction=CORRECTED))
    result = export_frame(records_to_frame([record]), "dpo", settings_for(tmp_path))
    row = result.rows.row(0, named=True)
    assert row["chosen"] == [{"role": "assistant", "content": CORRECTED}]
    assert row["rejected"] == [{"role": "assistant", "content": ORIGINAL}]
    assert result.skipped.is_empty()
    # the same record is no sft or alpaca example: annotators said its answer is wrong; listed, not dropped
    for fmt in ("sft", "alpaca"):
        result = export_frame(records_to_frame([record]), fmt, settings_for(tmp_path))
        assert result.n_rows == 0 and result.skipped_by_reason == {"answer_judged_incorrect": 1}


def test_score_pairs_leave_out_unsettled_scores_and_answers_judged_wrong(tmp_path: Path) -> None:
    from corpus600m.publish.export import export_frame

    def generation(text: str, annotation: Annotation) -> Record:
        return _synthetic(PROMPT_SCORED, text, "PE", "andina", "trabajo", "recomendación", annotation=annotation)

    low = generation("No hace falta llevar nada, pues.", _annotated(2.0))
    wrong = generation("Lleva tu partida de nacimiento original.", _annotated(5.0, es_correcta="no"))
    unsettled = generation("Lleva tu DNI y llega temprano.", _annotated(5.0, needs_review=True))
    good = generation("Lleva tu DNI, tu CV impreso y llega diez minutos antes.", _annotated(4.0))
    result = export_frame(records_to_frame([low, wrong, unsettled, good]), "dpo", settings_for(tmp_path))
    assert result.rows.select("chosen_id", "rejected_id").rows() == [(good.id, low.id)]
    assert result.skipped_by_reason == {"no_preference": 2}


def test_alpaca_columns_as_somos_nlp_corpora(tmp_path: Path) -> None:
    from corpus600m.publish.export import export_records

    records = export_corpus()
    out = tmp_path / "alpaca.parquet"
    export_records(records_to_frame(records), "alpaca", out, settings_for(tmp_path / "data"))
    dataset = _load(out)
    assert dataset.column_names[:3] == ["instruction", "input", "output"]
    assert all(dataset.features[c].dtype in ("string", "large_string") for c in ("instruction", "input", "output"))
    by_id = {r.id: r for r in records}
    assert sorted(dataset["id"]) == sorted(set(by_id) - judged_incorrect(records))
    for row in dataset:
        record = by_id[row["id"]]
        assert (row["instruction"], row["input"], row["output"]) == (record.instruction, record.input or "",
                                                                     record.output)
    assert sum(1 for value in dataset["input"] if value) == 1


def test_system_prompt_per_country_and_variety(tmp_path: Path) -> None:
    from corpus600m.publish.export import SystemPrompt, export_frame

    spec = tmp_path / "system.yaml"
    spec.write_text("default: Eres un asistente que responde en el español de {country_name}.\n"
                    "AR: Sos un asistente argentino; usá el voseo.\n"
                    "andina: Responde en el español andino ({variety_name}) de {country_name}.\n", encoding="utf-8")
    records = export_corpus()
    result = export_frame(records_to_frame(records), "sft", settings_for(tmp_path), SystemPrompt.parse(str(spec)))
    systems = {row["id"]: row["messages"][0]["content"] for row in result.rows.iter_rows(named=True)}
    by_country = {}
    for record in records:
        if record.id in judged_incorrect(records):
            continue
        by_country.setdefault(record.country, set()).add(systems.get(record.id))
    assert by_country["AR"] == {"Sos un asistente argentino; usá el voseo."}
    assert by_country["MX"] == {"Eres un asistente que responde en el español de México."}
    assert by_country["PE"] == {"Responde en el español andino (andina) de Perú."}
    assert by_country["CO"] == {"Responde en el español andino (andina) de Colombia."}
    # the record without a country cannot fill {country_name}: skipped, with why, not dropped silently
    no_country = next(r for r in records if r.country is None)
    assert no_country.id not in systems
    assert result.skipped.filter(pl.col("reason") == "system_prompt_unfilled").to_dicts() == [
        {"id": no_country.id, "reason": "system_prompt_unfilled",
         "detail": "the system prompt template for 'default' needs {country_name}, which the record does not have"}]
    assert result.skipped_by_reason == {"answer_judged_incorrect": 2, "system_prompt_unfilled": 1}
    assert result.n_rows + result.skipped.height == result.n_records == len(records)
    assert result.details["with_system_prompt"] == len(records) - 3


def test_system_prompt_errors_say_what_is_wrong(tmp_path: Path) -> None:
    from corpus600m.publish import PublishError
    from corpus600m.publish.export import SystemPrompt, export_frame

    with pytest.raises(PublishError, match=r"unknown placeholder\(s\) \{pais\}; known: \{country\}"):
        SystemPrompt.parse("Responde como en {pais}.")
    bad = tmp_path / "bad.yaml"
    bad.write_text("XX: hola\n", encoding="utf-8")
    with pytest.raises(PublishError, match="key 'XX' is neither 'default', a country code"):
        SystemPrompt.parse(str(bad))
    with pytest.raises(PublishError, match="no such file"):
        SystemPrompt.parse(str(tmp_path / "missing.yaml"))
    with pytest.raises(PublishError, match="alpaca rows have no system turn"):
        export_frame(records_to_frame(corpus_records()), "alpaca", settings_for(tmp_path), SystemPrompt.parse("Hola."))


def test_cli_export_from_the_curated_table_states_counts(data_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corpus600m.cli import app
    from corpus600m.store import Store, Table

    records = [*corpus_records(), corrected_record()]
    Store(data_dir).upsert(Table.CURATED, records)
    out = tmp_path / "dpo.parquet"
    result = CliRunner().invoke(app, ["export", "--format", "dpo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "records read" in result.output and "19" in result.output
    assert "no_preference" in result.output and "18" in result.output
    assert pl.read_parquet(out)["chosen_id"].to_list() == [corrected_record().id]
    assert (tmp_path / "dpo.skipped.jsonl").is_file()

    result = CliRunner().invoke(app, ["export", "--format", "sft", "--out", str(tmp_path / "sft.csv")])
    assert result.exit_code == 1 and "must end in .jsonl or .parquet" in result.output
    result = CliRunner().invoke(app, ["export", "--format", "chatml", "--out", str(out)])
    assert result.exit_code == 1 and "choose one of sft, dpo, alpaca" in result.output
    result = CliRunner().invoke(app, ["export", "--format", "sft", "--table", "rejected", "--out", str(out)])
    assert result.exit_code == 1 and "not a record table" in result.output
    result = CliRunner().invoke(app, ["export", "--format", "sft", "--table", "annotated", "--out", str(out)])
    assert result.exit_code == 1 and "has no 'annotated' table yet" in result.output
    assert "Traceback" not in result.output


# ---- the published repository carries the exports as configurations ------------------------------------------


def test_published_dry_run_has_sft_and_dpo_configurations(tmp_path: Path) -> None:
    from datasets import get_dataset_config_names, load_dataset
    from huggingface_hub import DatasetCard

    from flows.publish import build_gated_repository as build_repository

    records = [*corpus_records(), corrected_record()]
    out = tmp_path / "repo"
    result = build_repository(records_to_frame(records), out, "somosnlp/somos600m-prueba",
                              settings_for(tmp_path / "data"), run_name="training-configs")
    assert result.training_rows == {"sft": 19, "dpo": 1}
    assert {"default", "sft", "dpo", "AR", "MX"} <= set(get_dataset_config_names(str(out)))
    assert load_dataset(str(out), split="train").num_rows == 19  # default: the corpus rows only
    sft = load_dataset(str(out), "sft", split="train")
    assert sorted(sft["id"]) == sorted(r.id for r in records)
    assert set(sft.features["messages"].feature) == {"role", "content"}
    dpo = load_dataset(str(out), "dpo", split="train")
    assert dpo.num_rows == 1 and dpo[0]["chosen_id"] == corrected_record().id
    assert dpo[0]["rejected"] == [{"role": "assistant", "content": ORIGINAL}]
    card = DatasetCard.load(out / "README.md")
    configs = {c["config_name"]: c for c in card.data.to_dict()["configs"]}
    assert configs["dpo"]["data_files"] == [{"split": "train", "path": "exports/dpo/train-*.parquet"}]
    assert "| sft | 19 |" in card.text and "| dpo | 1 |" in card.text
    assert 'load_dataset("somosnlp/somos600m-prueba", "dpo", split="train")' in card.text
    assert "una línea en blanco y la entrada" in card.text
    # the corrected original is the rejected answer: it went through the PII re-scan (38 = 19 x 2 + 1 texts)
    assert result.gate_report.n_texts_scanned == 2 * len(records) + 1


def test_pii_in_a_corrected_original_answer_refuses_publishing(tmp_path: Path) -> None:
    from corpus600m.publish import PublishRefused
    from flows.publish import build_gated_repository as build_repository

    email = "carla.prueba.pasaportes@example.com"
    record = corrected_record()
    record.origin.original_output = f"Escribile a {email} y te lo tramita."
    with pytest.raises(PublishRefused) as refused:
        build_repository(records_to_frame([*corpus_records(), record]), tmp_path / "repo", "somosnlp/x",
                         settings_for(tmp_path / "data"), run_name="pii-original")
    assert refused.value.report.offending_ids() == {"pii": [record.id]}
    assert "original_output: EMAIL" in str(refused.value) and email not in str(refused.value)


# ---- card metadata follows the records ------------------------------------------------------------------------


def _donations(n: int) -> list[Record]:
    return [_donated(f"¿Cuál es el refrán número {i}?", f"El refrán {i}: a quien madruga, Dios lo ayuda.", "CO",
                     "andina", "cultura", "explicación", donor="Refranero Abierto", dataset="refranero/co",
                     license="CC-BY-4.0") for i in range(n)]


def test_dry_run_of_donated_never_annotated_records_says_found(tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    from flows.publish import build_gated_repository as build_repository

    out = tmp_path / "repo"
    build_repository(records_to_frame(_donations(60)), out, "somosnlp/x", settings_for(tmp_path / "data"),
                     run_name="donated")
    data = DatasetCard.load(out / "README.md").data.to_dict()
    assert data["annotations_creators"] == ["found"] and data["language_creators"] == ["found"]


@pytest.mark.parametrize(("mix", "language", "annotations"), [
    ("synthetic", ["machine-generated"], ["machine-generated"]),
    ("synthetic+annotated", ["machine-generated"], ["crowdsourced", "machine-generated"]),
    ("synthetic+corrected", ["crowdsourced", "machine-generated"], ["crowdsourced", "machine-generated"]),
    ("donated", ["found"], ["found"]),
    ("donated+annotated", ["found"], ["crowdsourced", "found"]),
    ("annotators", ["crowdsourced"], ["crowdsourced"]),
    ("everything", ["crowdsourced", "found", "machine-generated"], ["crowdsourced", "found", "machine-generated"]),
])
def test_card_creators_per_source_mix(tmp_path: Path, mix: str, language: list[str], annotations: list[str]) -> None:
    from corpus600m.publish.card import card_data
    from corpus600m.publish.stats import compute_stats

    everything = corpus_records()
    synthetic = [r for r in everything if r.source == "synthetic" and r.annotation is None]
    annotated = [r for r in everything if r.source == "synthetic" and r.annotation is not None]
    annotators = [r for r in everything if r.source == "annotation"]
    donated = _donations(3)
    donated_annotated = donated[0].model_copy(update={"annotation": _annotated(5.0)})
    records = {"synthetic": synthetic, "synthetic+annotated": synthetic + annotated,
               "synthetic+corrected": [*synthetic, corrected_record()], "donated": donated,
               "donated+annotated": [donated_annotated, *donated[1:]], "annotators": annotators,
               "everything": [*everything, corrected_record()]}[mix]
    data = card_data(compute_stats(records_to_frame(records), settings_for(tmp_path)), pretty_name="X",
                     configs=[]).to_dict()
    assert data["language_creators"] == language
    assert data["annotations_creators"] == annotations
