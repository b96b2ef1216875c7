"""The local Prefect API server (`prefect server start` on 127.0.0.1, SQLite under the data dir)."""

from __future__ import annotations

import sys
from pathlib import Path

from corpus600m.services.process import BackgroundProcess, ServiceError, http_ok, port_in_use


def server_env(home: Path) -> dict[str, str]:
    """Environment for a Prefect server (and its clients) whose state lives in `home`, telemetry off."""
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }


def api_url(host: str, port: int) -> str:
    return f"http://{host}:{port}/api"


def is_healthy(url: str) -> bool:
    return http_ok(f"{url}/health")


def process(home: Path) -> BackgroundProcess:
    return BackgroundProcess.in_home("prefect server", home)


def start(home: Path, host: str = "127.0.0.1", port: int = 4200, timeout: float = 120.0,
          extra_env: dict[str, str] | None = None) -> str:
    """Start (or reuse) a Prefect server with its state in `home`; return its API URL once healthy."""
    url = api_url(host, port)
    proc = process(home)
    if proc.pid() is not None and is_healthy(url):
        return url
    if port_in_use(host, port):
        if is_healthy(url):
            return url  # someone else's Prefect server on this port: use it
        raise ServiceError(f"port {port} on {host} is taken by another program; set CORPUS600M_PREFECT_PORT to a free port")
    home.mkdir(parents=True, exist_ok=True)
    proc.start(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", host, "--port", str(port)],
        env={**server_env(home), **(extra_env or {})},
    )
    proc.wait_until(lambda: is_healthy(url), timeout, "healthy")
    return url


def stop(home: Path) -> bool:
    return process(home).stop()
