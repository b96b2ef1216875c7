"""The distilabel LLM for an `LLMTarget` (the embedded llama.cpp server, any OpenAI-compatible endpoint, or Hugging
Face Inference Endpoints). The target is resolved and checked by the caller (`services.llm_server.llm_target`,
called by the flows and the CLI), so this stage starts no server itself."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from corpus600m.llm import BACKENDS, LLMError, LLMTarget
from corpus600m.settings import Settings

__all__ = ["BACKENDS", "LLMError", "LLMTarget", "make_llm"]


def make_llm(target: LLMTarget, settings: Settings, generation_kwargs: dict[str, Any]) -> Any:
    """The distilabel LLM for `target` (imported here: distilabel is heavy)."""
    if target.backend == "hf-inference":
        from distilabel.models.llms import InferenceEndpointsLLM

        # With a base URL (a dedicated Inference Endpoint, a TGI or other chat-completions server) huggingface_hub's
        # client posts to <base_url>/v1/chat/completions (or <base_url>/chat/completions when it ends in /v1) and
        # distilabel would name the model by that URL: records name the configured model instead.
        return InferenceEndpointsLLM(
            model_id=None if target.base_url else target.model, base_url=target.base_url,
            model_display_name=target.model if target.base_url else None,
            api_key=target.api_key, generation_kwargs=generation_kwargs,
        )
    from distilabel.models.llms import OpenAILLM

    return OpenAILLM(
        model=target.model, base_url=target.base_url, api_key=target.api_key or SecretStr("not-needed"),
        timeout=int(settings.llm_timeout), max_retries=2, generation_kwargs=generation_kwargs,
    )
