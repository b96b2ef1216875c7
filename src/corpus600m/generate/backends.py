"""LLM backends for generation: the embedded llama.cpp server, any OpenAI-compatible endpoint, or
Hugging Face Inference Endpoints. Each resolves to an `LLMTarget`, checked before any work starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import SecretStr

from corpus600m.services import llm_server
from corpus600m.settings import Settings

BACKENDS = ("embedded", "openai", "hf-inference")


class LLMError(RuntimeError):
    """The LLM backend is misconfigured or unreachable; the message names the URL/model and what to do."""


@dataclass(frozen=True)
class LLMTarget:
    backend: str
    base_url: str | None
    model: str
    api_key: SecretStr | None = None

    def __repr__(self) -> str:  # never show the key
        return f"LLMTarget(backend={self.backend!r}, base_url={self.base_url!r}, model={self.model!r})"


def resolve_target(settings: Settings) -> LLMTarget:
    """The endpoint and model to use; for the embedded backend, start (or reuse) the local server."""
    backend = settings.llm_backend
    if backend == "embedded":
        try:
            url, model = llm_server.ensure_running(settings)
        except llm_server.ServiceError as exc:
            raise LLMError(str(exc)) from exc
        return LLMTarget(backend, url, model)
    if backend == "openai":
        if not settings.llm_base_url or not settings.llm_model:
            raise LLMError("the 'openai' backend needs CORPUS600M_LLM_BASE_URL (e.g. http://host:8000/v1) and "
                           "CORPUS600M_LLM_MODEL (a model name the endpoint serves); CORPUS600M_LLM_API_KEY if it needs one")
        return LLMTarget(backend, settings.llm_base_url.rstrip("/"), settings.llm_model,
                         settings.llm_api_key or SecretStr("not-needed"))
    if backend == "hf-inference":
        if not settings.llm_model and not settings.llm_base_url:
            raise LLMError("the 'hf-inference' backend needs CORPUS600M_LLM_MODEL (a Hub model id for the serverless "
                           "API) or CORPUS600M_LLM_BASE_URL (a dedicated Inference Endpoint URL), and HF_TOKEN")
        return LLMTarget(backend, settings.llm_base_url, settings.llm_model or "tgi", settings.hf_token)
    raise LLMError(f"unknown LLM backend {backend!r} (CORPUS600M_LLM_BACKEND); choose one of: {', '.join(BACKENDS)}")


def check_target(target: LLMTarget, timeout: float = 10.0) -> None:
    """Fail early and clearly if the endpoint is unreachable or does not serve the model."""
    if target.backend == "hf-inference" or not target.base_url:
        return  # the serverless API has no model list to check; the first call reports errors
    key = target.api_key.get_secret_value() if target.api_key else None
    try:
        names = llm_server.served_models(target.base_url, key, timeout=timeout)
    except httpx.ConnectError as exc:
        hint = ("start it with `corpus600m llm up`" if target.backend == "embedded"
                else "check CORPUS600M_LLM_BASE_URL and that the server is running")
        raise LLMError(f"cannot reach the LLM endpoint at {target.base_url} ({exc}); {hint}") from exc
    except httpx.TimeoutException as exc:
        raise LLMError(f"the LLM endpoint at {target.base_url} did not answer within {timeout:.0f} s; "
                       "check that it is up and not overloaded") from exc
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code in (401, 403):
            raise LLMError(f"the LLM endpoint at {target.base_url} refused the API key (HTTP {exc.response.status_code}); "
                           "set CORPUS600M_LLM_API_KEY") from exc
        return  # some servers have no /models route: the model name is then checked by the first request
    except ValueError as exc:
        raise LLMError(f"{target.base_url}/models did not return JSON: is this an OpenAI-compatible base URL "
                       "(usually ending in /v1)?") from exc
    if names and target.model not in names:
        raise LLMError(f"the LLM endpoint at {target.base_url} does not serve model {target.model!r}; it serves: "
                       f"{', '.join(names)}. Set CORPUS600M_LLM_MODEL to one of these.")


def make_llm(target: LLMTarget, settings: Settings, generation_kwargs: dict[str, Any]) -> Any:
    """The distilabel LLM for `target` (imported here: distilabel is heavy)."""
    if target.backend == "hf-inference":
        from distilabel.models.llms import InferenceEndpointsLLM

        return InferenceEndpointsLLM(
            model_id=None if target.base_url else target.model, base_url=target.base_url,
            api_key=target.api_key, generation_kwargs=generation_kwargs,
        )
    from distilabel.models.llms import OpenAILLM

    return OpenAILLM(
        model=target.model, base_url=target.base_url, api_key=target.api_key or SecretStr("not-needed"),
        timeout=int(settings.llm_timeout), max_retries=2, generation_kwargs=generation_kwargs,
    )
