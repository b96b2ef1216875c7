"""The local Argilla server (stock `argilla-server` wheel: API + web UI) and how the project connects to Argilla.

Two modes:
- remote: `ARGILLA_API_URL` (+ `ARGILLA_API_KEY`) point at any Argilla 2.x deployment; nothing is started.
- local (the embedded default): `argilla-server==2.8.0` in its own virtualenv (`.venv-argilla/` in the repo,
  because it pins fastapi/pydantic versions prefect cannot share), SQLite under `<data dir>/services/argilla/`,
  the in-process search engine of `argilla_search` instead of Elasticsearch, fakeredis instead of Redis,
  started on 127.0.0.1 as one background process tracked by a PID file.

The owner user's API key and password are generated once into 0600 files next to the database and are
never printed; `connection()` reads them.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal

from pydantic import SecretStr

from corpus600m.services.process import BackgroundProcess, ServiceError, http_ok, port_in_use
from corpus600m.settings import Settings, get_settings

SERVER_VERSION = "2.8.0"
# What the server venv must hold. click<8.2: typer 0.9 (argilla-server's pin) crashes with click 8.2.
SERVER_REQUIREMENTS = [f"argilla-server=={SERVER_VERSION}", "click<8.2", "fakeredis>=2.20,<3"]
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_VENV = REPO_ROOT / ".venv-argilla"
SEARCH_PACKAGE = Path(__file__).resolve().parent / "argilla_search"  # imported by the server process
OWNER_USERNAME = "argilla"
ENGINE_NAME = "corpus600m-inprocess"  # = argilla_search.ENGINE_NAME (that package is not importable here)
ERROR_MARKER = "CORPUS600M-ARGILLA-ERROR:"  # = argilla_search.serve.ERROR_MARKER


@dataclass(frozen=True)
class ArgillaConnection:
    """Where the project's Argilla is and how to authenticate: what every SDK client is built from."""

    url: str
    api_key: SecretStr
    mode: Literal["local", "remote"]

    def client(self, timeout: int = 120):
        """An `argilla.Argilla` client for this server (imports the SDK lazily)."""
        import argilla as rg

        return rg.Argilla(api_url=self.url, api_key=self.api_key.get_secret_value(), timeout=timeout)


@dataclass(frozen=True)
class ServerPaths:
    """Files of the local server under `<data dir>/services/argilla/`."""

    home: Path

    @property
    def database(self) -> Path:
        return self.home / "argilla.db"

    @property
    def api_key_file(self) -> Path:
        return self.home / "owner_api_key"

    @property
    def password_file(self) -> Path:
        return self.home / "owner_password"

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def tmp_dir(self) -> Path:
        return self.home / "tmp"

    @property
    def python_path(self) -> Path:
        """Holds a link to `argilla_search` only: the services folder would shadow `argilla_server` by this module."""
        return self.home / "pythonpath"

    @property
    def process(self) -> BackgroundProcess:
        return BackgroundProcess.in_home("argilla server", self.home)


def paths(settings: Settings | None = None) -> ServerPaths:
    settings = settings or get_settings()
    return ServerPaths(settings.service_home("argilla").resolve())


def venv_dir(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return Path(settings.argilla_venv) if settings.argilla_venv else DEFAULT_VENV


def venv_python(settings: Settings | None = None) -> Path:
    return venv_dir(settings) / "bin" / "python"


# ---- the server's virtualenv -------------------------------------------------------------------------------

def _stamp(venv: Path) -> Path:
    return venv / ".corpus600m-argilla-server"


def is_installed(settings: Settings | None = None) -> bool:
    venv = venv_dir(settings)
    stamp = _stamp(venv)
    return (venv / "bin" / "python").exists() and stamp.exists() and stamp.read_text() == " ".join(SERVER_REQUIREMENTS)


def install(settings: Settings | None = None, say: Callable[[str], None] = print) -> Path:
    """Create the server's virtualenv with the pinned argilla-server (idempotent); return its directory."""
    venv = venv_dir(settings)
    if is_installed(settings):
        say(f"Argilla server virtualenv is up to date: {venv}")
        return venv
    python = _python311()
    if not (venv / "bin" / "python").exists():
        say(f"creating the Argilla server virtualenv at {venv} (first time: about a minute)")
        _run([python, "-m", "venv", str(venv)], f"creating the virtualenv {venv}")
    say(f"installing {', '.join(SERVER_REQUIREMENTS)} into {venv}")
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
          *SERVER_REQUIREMENTS], f"pip install into {venv}")
    _stamp(venv).write_text(" ".join(SERVER_REQUIREMENTS))
    return venv


def _python311() -> str:
    if sys.version_info[:2] == (3, 11):
        # sys.executable may be a venv's python: a venv made from it still uses the base interpreter
        return sys.executable
    found = shutil.which("python3.11")
    if not found:
        raise ServiceError("python3.11 is needed to create the Argilla server virtualenv; install it and retry")
    return found


def _run(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise ServiceError(f"{what} failed (exit {result.returncode}):\n{tail}\n"
                           "Check the network access to the package index, then run `corpus600m argilla install`.")


# ---- start / stop / status ---------------------------------------------------------------------------------

def _url(host: str, port: int) -> str:
    return f"http://{host}:{port}"


def is_healthy(url: str) -> bool:
    """Whether an Argilla server answers at `url` (its unauthenticated version endpoint)."""
    return http_ok(f"{url}/api/v1/version") and _is_argilla(url)


def _is_argilla(url: str) -> bool:
    import httpx

    try:
        return "version" in httpx.get(f"{url}/api/v1/version", timeout=2.0).json()
    except (httpx.HTTPError, ValueError):
        return False


def _write_secret(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value)
    os.chmod(path, 0o600)


def _ensure_secret(path: Path, make: Callable[[], str]) -> None:
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        _write_secret(path, make())
    elif path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def running_url(settings: Settings | None = None) -> str | None:
    """URL of the local server this data dir runs, if its process is alive and answers."""
    server = paths(settings)
    if server.process.pid() is None:
        return None
    try:
        url = json.loads(server.state_file.read_text())["url"]
    except (OSError, ValueError, KeyError):
        return None
    return url if is_healthy(url) else None


@dataclass(frozen=True)
class UpResult:
    connection: ArgillaConnection
    already_running: bool


def up(settings: Settings | None = None, port: int | None = None, host: str | None = None,
       install_missing: bool = True, timeout: float = 180.0, say: Callable[[str], None] = print) -> UpResult:
    """Start the local server (or find it running) and return how to connect. No-op for a remote server."""
    settings = settings or get_settings()
    if settings.argilla_api_url:
        return UpResult(connection(settings), already_running=True)
    server = paths(settings)
    existing = running_url(settings)
    if existing:
        return UpResult(connection(settings), already_running=True)

    host = host or settings.argilla_host
    port = port or settings.argilla_port
    url = _url(host, port)
    if not is_installed(settings):
        if not install_missing:
            raise ServiceError(f"the Argilla server virtualenv {venv_dir(settings)} is missing or incomplete; "
                               "run `corpus600m argilla install` (or scripts/setup.sh)")
        install(settings, say=say)
    if port_in_use(host, port):
        raise ServiceError(f"port {port} on {host} is taken by another program; free it or choose another port "
                           f"with `corpus600m argilla up --port N` or CORPUS600M_ARGILLA_PORT")

    server.home.mkdir(parents=True, exist_ok=True)
    os.chmod(server.home, 0o700)
    _ensure_secret(server.api_key_file, lambda: "c6m." + secrets.token_urlsafe(32))
    _ensure_secret(server.password_file, lambda: secrets.token_urlsafe(18))
    # every import of argilla_server copies its 14 MB web UI into a fresh temp dir: keep those here, and
    # remove the previous runs' copies (the server is not running, so none is in use)
    shutil.rmtree(server.tmp_dir, ignore_errors=True)
    server.tmp_dir.mkdir()
    server.state_file.write_text(json.dumps({"url": url, "host": host, "port": port}))
    server.python_path.mkdir(exist_ok=True)
    link = server.python_path / "argilla_search"
    if not (link.is_symlink() and link.resolve() == SEARCH_PACKAGE):
        link.unlink(missing_ok=True)
        link.symlink_to(SEARCH_PACKAGE, target_is_directory=True)

    proc = server.process
    proc.log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(proc.log_file, "a", encoding="utf-8") as log:  # a marker between runs in the same log
        log.write(f"\n==== corpus600m: starting argilla-server {SERVER_VERSION} on {url} at {time.ctime()}\n")
    proc.start([str(venv_python(settings)), "-m", "argilla_search.serve", "--host", host, "--port", str(port)],
               env=server_env(settings), cwd=server.home)
    try:
        proc.wait_until(lambda: is_healthy(url), timeout, "healthy")
    except ServiceError as exc:
        proc.stop()
        raise ServiceError(_startup_error(server) or str(exc)) from None
    return UpResult(connection(settings), already_running=False)


def _startup_error(server: ServerPaths) -> str | None:
    """The server's own one-line explanation of why it could not start (see argilla_search.serve.fail)."""
    for line in reversed(server.process.tail(80).splitlines()):
        if line.startswith(ERROR_MARKER):
            return line[len(ERROR_MARKER):].strip()
    return None


def server_env(settings: Settings) -> dict[str, str]:
    """Environment of the server process: argilla reads its settings at import time."""
    server = paths(settings)
    return {
        "ARGILLA_HOME_PATH": str(server.home),
        "ARGILLA_DATABASE_URL": f"sqlite+aiosqlite:///{server.database}?check_same_thread=False",
        "ARGILLA_SEARCH_ENGINE": ENGINE_NAME,
        "ARGILLA_REDIS_URL": "redis://in-process-fakeredis:6379/0",
        "ARGILLA_ENABLE_SHARE_YOUR_PROGRESS": "false",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_OFFLINE": "1",
        "DO_NOT_TRACK": "1",
        "TMPDIR": str(server.tmp_dir),
        "PYTHONPATH": str(server.python_path),
        "PYTHONUNBUFFERED": "1",
        "CORPUS600M_ARGILLA_KEY_FILE": str(server.api_key_file),
        "CORPUS600M_ARGILLA_PASSWORD_FILE": str(server.password_file),
    }


def down(settings: Settings | None = None) -> bool:
    """Stop the local server by its PID; return whether one was running. Cleans its UI temp copies."""
    server = paths(settings)
    stopped = server.process.stop()
    shutil.rmtree(server.tmp_dir, ignore_errors=True)
    return stopped


def status(settings: Settings | None = None) -> dict:
    """`{"url", "api_key_file", "mode", "healthy"}` of the server the project uses."""
    settings = settings or get_settings()
    if settings.argilla_api_url:
        url = settings.argilla_api_url.rstrip("/")
        return {"url": url, "api_key_file": None, "mode": "remote", "healthy": is_healthy(url)}
    server = paths(settings)
    running = running_url(settings)
    return {
        "url": running or _url(settings.argilla_host, settings.argilla_port),
        "api_key_file": str(server.api_key_file),
        "mode": "local",
        "healthy": running is not None,
    }


def logs(settings: Settings | None = None, lines: int = 50) -> str:
    return paths(settings).process.tail(lines)


def connection(settings: Settings | None = None) -> ArgillaConnection:
    """How to reach the project's Argilla: the remote one if `ARGILLA_API_URL` is set, else the local server."""
    settings = settings or get_settings()
    if settings.argilla_api_url:
        if settings.argilla_api_key is None:
            raise ServiceError("ARGILLA_API_URL is set but ARGILLA_API_KEY is not; set the API key of that server")
        return ArgillaConnection(settings.argilla_api_url.rstrip("/"), settings.argilla_api_key, "remote")
    url = running_url(settings)
    if url is None:
        raise ServiceError(f"the local Argilla server for data dir {settings.data_dir} is not running; "
                           "run `corpus600m argilla up` (or set ARGILLA_API_URL for a remote server)")
    key = paths(settings).api_key_file.read_text(encoding="utf-8").strip()
    return ArgillaConnection(url, SecretStr(key), "local")


def owner_password(settings: Settings | None = None) -> SecretStr:
    """Password of the local owner user `argilla` (for signing in to the web UI)."""
    return SecretStr(paths(settings).password_file.read_text(encoding="utf-8").strip())
