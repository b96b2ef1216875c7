"""The local Argilla server against the real argilla SDK: datasets, records, filters, responses, restart, access."""

from __future__ import annotations

import uuid

import pytest


def test_sdk_creates_a_dataset_and_logs_records(argilla_server):
    import argilla as rg

    from tests.fixtures.argilla_server import argilla_client

    client = argilla_client(argilla_server)
    workspace = rg.Workspace(name=f"smoke-{uuid.uuid4().hex[:8]}", client=client).create()
    settings = rg.Settings(fields=[rg.TextField(name="text")], questions=[rg.LabelQuestion(name="ok", labels=["sí", "no"])])
    dataset = rg.Dataset(name="smoke", workspace=workspace, settings=settings, client=client).create()
    dataset.records.log([{"text": "¿Qué tal, niño?"}, {"text": "Buenos días"}])
    texts = sorted(record.fields["text"] for record in dataset.records)
    assert texts == ["Buenos días", "¿Qué tal, niño?"]
    found = list(dataset.records(query=rg.Query(query="niño")))
    assert [record.fields["text"] for record in found] == ["¿Qué tal, niño?"]
