"""Shared test setup. Fixtures for the real local services live in tests/fixtures/ as pytest plugins."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Set before anything imports prefect, datasets or huggingface_hub: they read these at import time.
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="corpus600m-tests-"))
os.environ.setdefault("PREFECT_HOME", str(_SESSION_TMP / "prefect-home"))
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_DATASETS_CACHE"] = str(_SESSION_TMP / "hf-datasets-cache")
os.environ["HF_HOME"] = str(_SESSION_TMP / "hf-home")
os.environ["DISTILABEL_CACHE_DIR"] = str(_SESSION_TMP / "distilabel-cache")
os.environ["CORPUS600M_DATA_DIR"] = str(_SESSION_TMP / "data")

import pytest  # noqa: E402

pytest_plugins = [
    "tests.fixtures.prefect_server",
    "tests.fixtures.hub_standin",
    "tests.fixtures.llm_server",
    "tests.fixtures.argilla_server",
    "tests.fixtures.browser",
]

ARTIFACTS = Path(__file__).parent / "artifacts"  # screenshots and other files tests leave for people to look at


@pytest.fixture(scope="session")
def session_tmp() -> Path:
    return _SESSION_TMP


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir for one test, also set as CORPUS600M_DATA_DIR."""
    from corpus600m.settings import get_settings

    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("CORPUS600M_DATA_DIR", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
