"""Talking to Argilla: a connected SDK client, clear errors when the server is away, raw reads.

Raw reads (`list_records`) go through the SDK client's own HTTP client rather than `dataset.records`:
argilla 2.8 crashes turning a discarded response with `values: null` into an `rg.Record`
(`responses.py:270`), and a pull must survive annotators discarding records.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import argilla as rg

PAGE = 500  # records per page when reading a dataset back (the server allows up to 1,000)


class AnnotateError(RuntimeError):
    """A problem the person running the command can act on (server down, dataset missing, bad CSV...)."""


def client_for(url: str, api_key: str, timeout: int = 120) -> rg.Argilla:
    """An SDK client for the Argilla server at `url` (flows resolve which server: `flows/annotate.connect`)."""
    import argilla as rg
    from argilla._exceptions import ArgillaCredentialsError

    try:
        return rg.Argilla(api_url=url, api_key=api_key, timeout=timeout, retries=1)
    except httpx.TransportError as exc:
        raise AnnotateError(server_down_message(url, exc)) from exc
    except ArgillaCredentialsError as exc:
        raise AnnotateError(f"Argilla at {url} refused the API key (401); check ARGILLA_API_KEY") from exc


def server_down_message(url: str, exc: BaseException) -> str:
    """What to say when the server cannot be reached (never includes the key)."""
    return (f"cannot reach the Argilla server at {url} ({type(exc).__name__}); nothing was changed in the store. "
            "Start it with `corpus600m argilla up` (or check ARGILLA_API_URL) and run the command again")


def get_json(client: rg.Argilla, path: str, **params: Any) -> Any:
    """GET an Argilla API path with the client's credentials; HTTP errors raised as `AnnotateError`."""
    try:
        response = client.http_client.get(path, params=params)
    except httpx.TransportError as exc:
        raise AnnotateError(server_down_message(client.api_url, exc)) from exc
    if response.status_code >= 400:
        raise AnnotateError(f"Argilla answered {response.status_code} to GET {path}: {response.text[:300]}")
    return response.json()


def list_records(client: rg.Argilla, dataset_id: str) -> Iterator[dict]:
    """Every record of a dataset as raw JSON, with responses and suggestions (owner or admin only)."""
    offset = 0
    while True:
        page = get_json(client, f"/api/v1/datasets/{dataset_id}/records",
                        include=["responses", "suggestions"], offset=offset, limit=PAGE)
        items = page["items"]
        yield from items
        if len(items) < PAGE:
            return
        offset += PAGE


def usernames(client: rg.Argilla) -> dict[str, str]:
    """User id -> username, for every user of the server."""
    return {u["id"]: u["username"] for u in get_json(client, "/api/v1/users")["items"]}


def find_datasets(client: rg.Argilla, name: str) -> dict[str, rg.Dataset]:
    """Workspace name -> the dataset called `name` in it, across every workspace the client can see."""

    out: dict[str, rg.Dataset] = {}
    try:
        for workspace in client.workspaces:
            for dataset in workspace.datasets:
                if dataset.name == name:
                    out[workspace.name] = dataset
    except httpx.TransportError as exc:
        raise AnnotateError(server_down_message(client.api_url, exc)) from exc
    return out
