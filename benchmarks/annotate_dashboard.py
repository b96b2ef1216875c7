"""Build time and size of the sprint dashboard for a large sprint (no server: synthetic Argilla snapshots).

    .venv/bin/python benchmarks/annotate_dashboard.py [--records 100000] [--annotators 200] [--repeat 3]

Builds snapshots as `take_snapshot` returns them (records across 21 country workspaces, three
responses each (90% submitted, the rest drafts and discards) from annotators of that workspace over a 30-day sprint, 1% gold
copies) and prints the median seconds of `build_report` + `render_dashboard` (what `annotate dashboard`
does after reading Argilla), and the size of index.html. Targets: < 5 s and < 3 MB at 100k records and
200 annotators. Reading 100k records from Argilla is not included (the server's own speed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # not benchmarks/: its argilla.py would shadow the SDK

from corpus600m import catalog  # noqa: E402
from corpus600m.annotate.consensus import AnnotatorResponse  # noqa: E402
from corpus600m.annotate.dashboard import write_dashboard_html  # noqa: E402
from corpus600m.annotate.report import build_report  # noqa: E402
from corpus600m.annotate.snapshot import ArgillaRecord, WorkspaceSnapshot  # noqa: E402


def synthetic_snapshots(n_records: int, n_annotators: int, seed: int = 0) -> tuple[list[WorkspaceSnapshot], dict]:
    rng = random.Random(seed)
    countries = [c for c in catalog.COUNTRIES if c != "GQ"]
    users = [f"anotador{i:03d}" for i in range(n_annotators)]
    team = {c: [u for i, u in enumerate(users) if i % len(countries) == k] for k, c in enumerate(countries)}
    start = datetime(2026, 11, 1, tzinfo=UTC)
    snapshots = {c: WorkspaceSnapshot(f"somos600m-{c.lower()}", f"id-{c}", 3) for c in countries}
    gold: dict[str, dict] = {}
    for i in range(n_records):
        country = countries[i % len(countries)]
        variety = catalog.COUNTRIES[country].default_variety
        record_id = f"rec-{i:06d}"
        if i % 100 == 99:
            record_id = f"gold-{i}"
            gold[record_id] = {"es_correcta": "si", "calidad": 4}
        responses = []
        truth = rng.choice(["si", "si", "no", "parcial"])
        for user in rng.sample(team[country], min(3, len(team[country]))):
            careful = int(user[-3:]) % 10 != 0
            status = rng.choices(["submitted", "draft", "discarded"], [90, 6, 4])[0]
            values = {"pais": country if careful or rng.random() < .5 else "US", "variedad": variety,
                      "calidad": rng.randint(3, 5) if careful else rng.randint(1, 5),
                      "es_correcta": truth if careful or rng.random() < .4 else "no",
                      "problemas": [] if rng.random() < .95 else ["ofensivo"]}
            when = start + timedelta(minutes=rng.randint(0, 30 * 24 * 60))
            responses.append(AnnotatorResponse(record_id, user, status, values if status != "discarded" else {}, when))
        snapshots[country].records.append(ArgillaRecord(record_id, "completed", {"instruction": "x", "output": "y"},
                                                        {"country": country, "variety": variety}, responses))
    return list(snapshots.values()), gold


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    snapshots, gold = synthetic_snapshots(args.records, args.annotators)
    gaps = [{"country": c, "variety": v, "have": 10, "target": 100, "deficit": 90}
            for c, v in catalog.country_variety_pairs()]
    out = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    timings, cpu = [], []
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        report = build_report("bench", snapshots, 0.6, gold=gold, target=5000, gaps=gaps)
        path = write_dashboard_html(report, out, anonymous=True)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    size = path.stat().st_size
    n_responses = sum(len(s.responses) for s in snapshots)
    print(f"records: {args.records:,} ({len(gold):,} gold copies), responses: {n_responses:,}, "
          f"annotators: {len(report['annotators'])}, workspaces: {len(snapshots)}")
    print(f"dashboard build (build_report + HTML), median of {args.repeat}: {statistics.median(timings):.2f} s "
          f"(target < 5 s; runs: {', '.join(f'{t:.2f}' for t in timings)}); CPU: {statistics.median(cpu):.2f} s")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"index.html: {size / 1e6:.2f} MB (target < 3 MB)")


if __name__ == "__main__":
    main()
