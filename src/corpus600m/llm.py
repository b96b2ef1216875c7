"""What names an LLM endpoint: the backend, its URL, the model and its key (`LLMTarget`), and the error a bad one
raises. Core data, shared by the service that starts or checks an endpoint (`services/llm_server.llm_target`) and
the stage that uses one (`generate`): flows resolve the target and hand it to the stage."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

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
