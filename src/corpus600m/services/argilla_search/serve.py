"""Entrypoint of the local Argilla server: `python -m argilla_search.serve --host H --port P`.

Run by corpus600m's launcher with the Argilla virtualenv's python, `PYTHONPATH` pointing at the folder
that holds this package, and the environment already set (ARGILLA_HOME_PATH, ARGILLA_SEARCH_ENGINE,
TMPDIR, HF_HUB_DISABLE_TELEMETRY, CORPUS600M_ARGILLA_KEY_FILE, CORPUS600M_ARGILLA_PASSWORD_FILE): argilla
reads its settings at import time. In one process it

1. stands in for Redis with fakeredis (argilla pings Redis at start and queues rq jobs there),
2. migrates the SQLite database (alembic, argilla's own migrations),
3. makes sure the owner user `argilla` has the API key and password of the 0600 files,
4. rebuilds the in-process search index from the database with argilla's `Reindexer`,
5. runs queued rq jobs in the server's event loop (they are coroutines using its database engine),
6. serves argilla_server's app (API + web UI) with uvicorn, one worker (the index lives in this process).

A user-facing failure is printed as one line starting with `ERROR_MARKER` and exits with status 3, so
the launcher can show it without a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import os
import sys
from pathlib import Path

ERROR_MARKER = "CORPUS600M-ARGILLA-ERROR:"
JOB_POLL_SECONDS = 0.2

log = logging.getLogger("argilla_search")


def fail(message: str) -> None:
    print(f"{ERROR_MARKER} {message}", flush=True)
    sys.exit(3)


def use_fakeredis() -> None:
    """Make `redis.from_url` (used by argilla_server.jobs.queues at import) return one shared in-memory server."""
    import fakeredis
    import redis

    server = fakeredis.FakeServer()
    redis.from_url = lambda url, **kwargs: fakeredis.FakeRedis(server=server)


def migrate(database_path: Path) -> None:
    """Upgrade the database to argilla's head revision; a broken SQLite file is reported, not raised."""
    from alembic import command
    from alembic.config import Config
    from argilla_server.database import ALEMBIC_CONFIG_FILE
    from sqlalchemy.exc import DatabaseError

    try:
        command.upgrade(Config(ALEMBIC_CONFIG_FILE), "head")
    except DatabaseError as exc:
        fail(f"the Argilla database {database_path} cannot be read ({exc.orig}). It is corrupt or not a "
             f"SQLite file: move it aside (the server then starts with an empty database) or restore a backup.")


async def ensure_owner(api_key: str, password: str) -> None:
    """Create the owner `argilla` (and its workspace), or give it the key and password of the files."""
    from argilla_server.cli.database.users.create_default import _create_default
    from argilla_server.constants import DEFAULT_USERNAME
    from argilla_server.contexts import accounts
    from argilla_server.database import AsyncSessionLocal

    async with AsyncSessionLocal() as db:
        user = await accounts.get_user_by_username(db, DEFAULT_USERNAME)
        if user is not None and (user.api_key != api_key or not accounts.verify_password(password, user.password_hash)):
            # the key files are the source of truth: they live next to the database, 0600
            user.api_key = api_key
            user.password_hash = accounts.hash_password(password)
            await db.commit()
            log.info("owner credentials set from the key files")
    if user is None:
        await _create_default(api_key, password, quiet=True)
        log.info("owner user %r created", DEFAULT_USERNAME)


async def rebuild_index() -> tuple[int, int]:
    """Index every dataset and record of the database with argilla's own Reindexer; return the counts."""
    from argilla_server.cli.search_engine.reindex import Reindexer
    from argilla_server.database import AsyncSessionLocal
    from argilla_server.search_engine import SearchEngine
    from argilla_server.settings import settings

    datasets = records = 0
    async with AsyncSessionLocal() as db, SearchEngine.get_by_name(settings.search_engine) as engine:
        for dataset in [dataset async for dataset in Reindexer.reindex_datasets(db, engine)]:
            datasets += 1
            async for batch in Reindexer.reindex_dataset_records(db, engine, dataset):
                records += len(batch)
    return datasets, records


async def run_queued_jobs() -> None:
    """Run argilla's rq jobs (queued in fakeredis) here, in the server's loop, as an rq worker would."""
    from argilla_server.jobs.queues import DEFAULT_QUEUE, HIGH_QUEUE
    from rq.job import JobStatus

    while True:
        ran = False
        for queue in (HIGH_QUEUE, DEFAULT_QUEUE):
            job_id = queue.pop_job_id()
            job = queue.fetch_job(job_id) if job_id else None
            if job is None:
                continue
            ran = True
            job.set_status(JobStatus.STARTED)
            try:
                result = job.func(*job.args, **job.kwargs)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("job %s (%s) failed", job.id, job.func_name)
                job.set_status(JobStatus.FAILED)
            else:
                job.set_status(JobStatus.FINISHED)
        if not ran:
            await asyncio.sleep(JOB_POLL_SECONDS)


async def serve(app, host: str, port: int, api_key: str, password: str) -> None:
    import uvicorn

    await ensure_owner(api_key, password)
    datasets, records = await rebuild_index()
    log.info("search index rebuilt: %d datasets, %d records", datasets, records)
    jobs = asyncio.create_task(run_queued_jobs())
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, workers=1, access_log=False,
                                           log_level=os.environ.get("CORPUS600M_ARGILLA_LOG_LEVEL", "info")))
    try:
        await server.serve()
    finally:
        jobs.cancel()


def read_secret(variable: str) -> str:
    path = os.environ.get(variable)
    if not path:
        fail(f"{variable} is not set; start the server with `corpus600m argilla up`")
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        fail(f"cannot read {path} ({exc.strerror}); start the server with `corpus600m argilla up`")
    if not value:
        fail(f"{path} is empty; delete it and run `corpus600m argilla up` to generate a new one")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="argilla_search.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6900)
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stdout)  # argilla reconfigures the root logger: keep ours apart
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    home = os.environ.get("ARGILLA_HOME_PATH")
    if not home or not os.environ.get("TMPDIR"):
        fail("ARGILLA_HOME_PATH and TMPDIR must be set before argilla_server is imported; use `corpus600m argilla up`")
    api_key = read_secret("CORPUS600M_ARGILLA_KEY_FILE")
    password = read_secret("CORPUS600M_ARGILLA_PASSWORD_FILE")

    use_fakeredis()
    from argilla_search import engine  # noqa: F401  (registers the engine before the app starts)
    from argilla_server._app import app

    migrate(Path(home) / "argilla.db")
    asyncio.run(serve(app, args.host, args.port, api_key, password))


if __name__ == "__main__":
    main()
