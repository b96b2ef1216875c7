"""The embedded LLM server: model resolution and verification, start/reuse/stop, and its OpenAI-compatible API."""

from __future__ import annotations

import httpx
import pytest

from corpus600m.services import llm_server
from corpus600m.services.llm_server import DEFAULT_MODEL, ModelError
from corpus600m.services.process import free_port, pid_alive
from corpus600m.settings import Settings


def test_server_answers_a_spanish_chat_completion(llm_endpoint):
    response = httpx.post(
        f"{llm_endpoint.base_url}/chat/completions",
        json={"model": llm_endpoint.model, "max_tokens": 24, "temperature": 0,
              "messages": [{"role": "user", "content": "¿Cuál es la capital de México? Responde en una frase."}]},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["choices"][0]["message"]["content"].strip()
    assert body["usage"]["completion_tokens"] > 0
    assert llm_server.served_models(llm_endpoint.base_url) == [llm_endpoint.model]


def test_ensure_running_reuses_the_running_server(llm_endpoint):
    url, model = llm_server.ensure_running(llm_endpoint.settings)
    assert (url, model) == (llm_endpoint.base_url, llm_endpoint.model)
    assert llm_server.process(llm_endpoint.settings).pid() == llm_endpoint.pid
    info = llm_server.status(llm_endpoint.settings)
    assert info["running"] and info["healthy"] and info["serving"] == llm_endpoint.model


def test_installed_default_model_matches_its_checksum(tmp_path):
    path = llm_server.default_model_path(Settings(data_dir=tmp_path))
    llm_server.verify_default_model(path, force_hash=True)
    assert path.stat().st_size == DEFAULT_MODEL.size


def test_missing_model_file_names_the_file_and_the_fix(tmp_path):
    settings = Settings(data_dir=tmp_path, llm_model_path=tmp_path / "nope.gguf")
    with pytest.raises(ModelError, match=r"nope\.gguf does not exist.*CORPUS600M_LLM_MODEL_PATH"):
        llm_server.resolve_model(settings)
    empty_models = Settings(data_dir=tmp_path, llm_models_dir=tmp_path / "models")
    with pytest.raises(ModelError, match=r"not installed.*corpus600m llm install"):
        llm_server.resolve_model(empty_models)


def test_not_a_gguf_file_is_refused(tmp_path):
    bogus = tmp_path / "model.gguf"
    bogus.write_bytes(b"<html>not a model</html>")
    with pytest.raises(ModelError, match=r"model\.gguf is not a GGUF file"):
        llm_server.resolve_model(Settings(data_dir=tmp_path, llm_model_path=bogus))


def test_corrupt_default_model_is_detected_by_size_and_checksum(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    settings = Settings(data_dir=tmp_path, llm_models_dir=models)
    path = llm_server.default_model_path(settings)
    path.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ModelError, match=r"is corrupt: 104 bytes.*llm install --force"):
        llm_server.resolve_model(settings)
    # right size, wrong bytes: only the checksum can tell (sparse file, no disk used)
    with open(path, "r+b") as fh:
        fh.truncate(DEFAULT_MODEL.size)
    with pytest.raises(ModelError, match=r"is corrupt: sha256 [0-9a-f]{64}, expected"):
        llm_server.resolve_model(settings)


def test_truncated_gguf_makes_the_server_fail_with_its_log(tmp_path):
    real = llm_server.default_model_path(Settings(data_dir=tmp_path))
    broken = tmp_path / "broken.gguf"
    with open(real, "rb") as src, open(broken, "wb") as dst:
        dst.write(src.read(1 << 20))  # the header of a real GGUF, without its tensors
    settings = Settings(data_dir=tmp_path, llm_model_path=broken, llm_port=free_port())
    try:
        with pytest.raises(llm_server.ServiceError, match=r"exited while starting; last lines of .*server\.log"):
            llm_server.ensure_running(settings, timeout=60)
    finally:
        llm_server.stop(settings)
    assert llm_server.process(settings).pid() is None


def test_start_and_stop_by_pid(tmp_path):
    settings = Settings(data_dir=tmp_path, llm_port=free_port(), llm_parallel=1, llm_context=1024)
    url, model = llm_server.ensure_running(settings)
    pid = llm_server.process(settings).pid()
    try:
        assert pid is not None and url.endswith(f":{settings.llm_port}/v1") and model == DEFAULT_MODEL.name
        assert llm_server.is_healthy(settings)
    finally:
        assert llm_server.stop(settings)
    assert not pid_alive(pid)
    assert not llm_server.is_healthy(settings)
    assert llm_server.stop(settings) is False
