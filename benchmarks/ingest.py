"""Donation ingestion throughput and peak memory: a 1,000,000-row JSONL and a 1,000,000-row CSV donation.

Measures `ingest_donation(...)`: reading, encoding check, validation, quarantine, dedup,
staging and the upsert into the `donated` table, WITHOUT the filter stage (language/PII/dedup/quality has its
own cost and benchmark). About 1% of rows are bad (quarantined) and 1% are duplicates. Each run is a fresh
child process with a fresh data dir, so its peak RSS (ru_maxrss) is the ingestion's own.

Baseline: polars reading the same file into memory (`pl.read_ndjson` / `pl.read_csv`), no validation, no store.
Targets: >= 20,000 rows/s, peak memory < 1.5 GB. Prints medians over --repeat runs.

    .venv/bin/python benchmarks/ingest.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MANIFEST = """name: benchmark
donor: benchmark
license: CC-BY-4.0
description: synthetic rows for the ingestion benchmark
country: CO
variety: andina
columns:
  instruction: pregunta
  input: contexto
  output: respuesta
"""
TOPICS = ["el café", "la arepa", "el vallenato", "la cumbia", "el sombrero vueltiao", "la bandeja paisa", "el Caribe"]


def rows(n: int):
    """Realistic-length Spanish rows; every 100th is bad, every 100th (offset 50) repeats an earlier row."""
    for i in range(n):
        if i % 100 == 99:
            yield {"pregunta": "", "contexto": "", "respuesta": "sin pregunta"}
        elif i % 100 == 50 and i > 100:
            j = i - 100
            yield {"pregunta": f"Pregunta {j}: ¿qué sabés de {TOPICS[j % 7]} en Colombia?", "contexto": "",
                   "respuesta": f"Respuesta {j}: {TOPICS[j % 7]} es parte de la cultura colombiana; " * 3}
        else:
            yield {"pregunta": f"Pregunta {i}: ¿qué sabés de {TOPICS[i % 7]} en Colombia?", "contexto": "",
                   "respuesta": f"Respuesta {i}: {TOPICS[i % 7]} es parte de la cultura colombiana; " * 3}


def write_files(folder: Path, n: int) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    jsonl, csv_path = folder / "jsonl" / "data.jsonl", folder / "csv" / "data.csv"
    for path in (jsonl, csv_path):
        path.parent.mkdir(exist_ok=True)
        (path.parent / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    with open(jsonl, "w", encoding="utf-8") as fh:
        for row in rows(n):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["pregunta", "contexto", "respuesta"])
        for row in rows(n):
            writer.writerow([row["pregunta"], row["contexto"], row["respuesta"]])
    return {"jsonl": jsonl, "csv": csv_path}


def child(kind: str, path: Path, data_dir: Path) -> None:
    """One measured run (in its own process, for an honest peak RSS)."""
    import polars as pl

    from corpus600m.settings import Settings

    start = time.perf_counter()
    if kind.startswith("baseline-"):
        frame = pl.read_ndjson(path) if path.suffix == ".jsonl" else pl.read_csv(path)
        n = frame.height
    else:
        from corpus600m.ingest import ingest_donation

        report = ingest_donation(path, path.parent / "manifest.yaml", settings=Settings(data_dir=data_dir))
        n = report.rows_read
        assert report.rows_read == report.kept + report.quarantined + report.duplicates
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"rows": n, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                      "cpu_s": usage.ru_utime + usage.ru_stime}))


def measure(kind: str, path: Path, tmp: Path, run: int) -> dict:
    data_dir = tmp / f"data-{kind}-{run}"
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(data_dir)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    with tempfile.TemporaryDirectory(prefix="corpus600m-bench-ingest-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        files = write_files(tmp / "donations", args.rows)
        print(f"generated {args.rows:,}-row JSONL ({files['jsonl'].stat().st_size / 1e6:,.0f} MB) and CSV "
              f"({files['csv'].stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s")
        print("ingest = read + validate + quarantine + dedup + upsert into `donated`; the filter stage is NOT included")
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine slows the "
              f"wall-clock figures; rows per CPU-second is the load-independent one)")
        print(f"{'donation':<8} {'rows':>10} {'ingest s':>9} {'rows/s':>9} {'rows/cpu-s':>10} {'peak MB':>8} | "
              f"{'polars read s':>13} {'peak MB':>8} | {'ingest/read':>11}")
        for fmt, path in files.items():
            runs = [measure(fmt, path, tmp, i) for i in range(args.repeat)]
            base = [measure(f"baseline-{fmt}", path, tmp, i) for i in range(args.repeat)]
            secs = statistics.median(r["seconds"] for r in runs)
            peak = statistics.median(r["peak_mb"] for r in runs)
            base_secs = statistics.median(r["seconds"] for r in base)
            base_peak = statistics.median(r["peak_mb"] for r in base)
            rate = runs[0]["rows"] / secs
            cpu_rate = runs[0]["rows"] / statistics.median(r["cpu_s"] for r in runs)
            verdict = "OK" if rate >= 20_000 and peak < 1536 else "MISSES TARGET"
            print(f"{fmt:<8} {runs[0]['rows']:>10,} {secs:>9.1f} {rate:>9,.0f} {cpu_rate:>10,.0f} {peak:>8,.0f} | {base_secs:>13.1f} "
                  f"{base_peak:>8,.0f} | {secs / base_secs:>10.1f}x  {verdict}")
        print(f"medians over {args.repeat} run(s); targets: >= 20,000 rows/s and peak < 1,536 MB")


if __name__ == "__main__":
    main()
