"""Local Argilla server: logging throughput and filtered-search latency at 10,000 records.

    .venv/bin/python benchmarks/argilla.py                    # 10,000 records, 100 searches per kind
    .venv/bin/python benchmarks/argilla.py --records 2000     # quicker

Starts the project's local argilla-server (in-process search engine, SQLite) with a temporary data dir on a
free port, logs records with the argilla SDK (metadata + one suggestion each, batches of 200), then times
searches through the HTTP API the UI and SDK call (`POST /api/v1/me/datasets/{id}/records/search`, 50
results per page, records fetched from the database included), and stops the server.

Target (issue 3): search p50 under 100 ms at 10,000 records; the ratio column is p50 / 100 ms.
Latencies are end to end (HTTP, auth, engine, database read of the page of records).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

# this file is named like the SDK: drop its folder from the path so `import argilla` finds the SDK
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))  # for tests.fixtures (the same launcher path)

from corpus600m.services import argilla_server as launcher  # noqa: E402
from tests.fixtures.argilla_server import COUNTRIES, TOPICS, VERBS, dataset_settings, start_local_argilla  # noqa: E402

TARGET_MS = 100.0
console = Console()


def records(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        country = COUNTRIES[i % 5]
        rows.append({
            "instruction": f"{VERBS[i % 3]} algo sobre {TOPICS[i % 8]} número {i}",
            "output": ("hola mundo" if i % 2 else "adiós amigo") + (", buenos días" if i % 5 == 0 else ""),
            "country": country, "variety": ["x"], "n": i, "score": round((i % 100) / 100, 2),
            "calidad": "buena" if i % 4 else "mala",
        })
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=100, help="Searches timed per kind.")
    args = parser.parse_args()

    import argilla as rg

    data_dir = Path(tempfile.mkdtemp(prefix="corpus600m-bench-argilla-"))
    t0 = time.perf_counter()
    server = start_local_argilla(data_dir)
    startup_s = time.perf_counter() - t0
    try:
        client = rg.Argilla(api_url=server.url, api_key=server.api_key, timeout=300)
        workspace = rg.Workspace(name="bench", client=client).create()
        dataset = rg.Dataset(name="bench", workspace=workspace, settings=dataset_settings(), client=client).create()
        rows = records(args.records)
        sdk_records = [rg.Record(fields={"instruction": r["instruction"], "output": r["output"]},
                                 metadata={k: r[k] for k in ("country", "variety", "n", "score")},
                                 suggestions=[rg.Suggestion("calidad", r["calidad"], score=0.5, agent="bench")])
                       for r in rows]
        batch = 200
        t0 = time.perf_counter()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"logging {len(rows):,} records", total=len(rows))
            for start in range(0, len(sdk_records), batch):
                dataset.records.log(sdk_records[start:start + batch], batch_size=batch)
                progress.advance(task, min(batch, len(rows) - start))
        log_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        read_back = sum(1 for _ in dataset.records(batch_size=1000))
        read_s = time.perf_counter() - t0
        assert read_back == len(rows), f"read back {read_back} of {len(rows)} records"

        kinds = {
            "metadata terms + range": {"filters": {"and": [
                {"type": "terms", "scope": {"entity": "metadata", "metadata_property": "country"}, "values": ["MX", "AR"]},
                {"type": "range", "scope": {"entity": "metadata", "metadata_property": "n"}, "ge": 1000, "le": 8000}]}},
            "response status pending + suggestion": {"filters": {"and": [
                {"type": "terms", "scope": {"entity": "response", "property": "status"}, "values": ["pending"]},
                {"type": "terms", "scope": {"entity": "suggestion", "question": "calidad", "property": "value"},
                 "values": ["mala"]}]}},
            "text query + metadata filter": {"query": {"text": {"q": "pingüino adiós"}}, "filters": {"and": [
                {"type": "terms", "scope": {"entity": "metadata", "metadata_property": "country"}, "values": ["ES"]}]}},
            "sort by metadata, filtered": {"filters": {"and": [
                {"type": "range", "scope": {"entity": "metadata", "metadata_property": "score"}, "ge": 0.5}]},
                "sort": [{"scope": {"entity": "metadata", "metadata_property": "n"}, "order": "desc"}]},
        }
        table = Table(title=f"Argilla local server, {len(rows):,} records (end-to-end HTTP, 50 per page)")
        for column in ("search", "matches", "p50 ms", "p95 ms", "p50 / 100 ms target"):
            table.add_column(column, justify="right" if column != "search" else "left")
        headers = {"X-Argilla-Api-Key": server.api_key}
        with httpx.Client(base_url=f"{server.url}/api/v1", headers=headers, timeout=60) as http:
            path = f"/me/datasets/{dataset.id}/records/search"
            for name, body in kinds.items():
                http.post(path, json=body, params={"limit": 50})  # warm-up
                times, total = [], 0
                for _ in range(args.searches):
                    t0 = time.perf_counter()
                    reply = http.post(path, json=body, params={"limit": 50})
                    times.append((time.perf_counter() - t0) * 1000)
                    reply.raise_for_status()
                    total = reply.json()["total"]
                p50 = statistics.median(times)
                table.add_row(name, f"{total:,}", f"{p50:.1f}", f"{percentile(times, 0.95):.1f}", f"{p50 / TARGET_MS:.2f}")

        summary = Table(title="logging and reading")
        for column in ("step", "seconds", "records/s"):
            summary.add_column(column, justify="right" if column != "step" else "left")
        summary.add_row("server start (migrations, index rebuild)", f"{startup_s:.1f}", "—")
        summary.add_row(f"log {len(rows):,} records (SDK, batches of {batch})", f"{log_s:.1f}", f"{len(rows) / log_s:,.0f}")
        summary.add_row("read them back (SDK)", f"{read_s:.1f}", f"{len(rows) / read_s:,.0f}")
        console.print(summary)
        console.print(table)
    finally:
        launcher.down(server.settings)


if __name__ == "__main__":
    main()
