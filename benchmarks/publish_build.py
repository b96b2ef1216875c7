"""Publishing throughput: gates (with the real PII re-scan) and the repository build, on N generated records.

Baseline: writing the same published rows as ONE Parquet file with polars (no shards, card, chart or gates).
Prints medians over --repeat runs and the ratio build / baseline.

    .venv/bin/python benchmarks/publish_build.py --records 5000 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from corpus600m import catalog
from corpus600m.filters.pii import detect_pii
from corpus600m.publish import build_repository, check_gates
from corpus600m.publish.rows import hub_frame
from corpus600m.records import Origin, Record, records_to_frame
from corpus600m.settings import Settings


def make_records(n: int) -> list[Record]:
    countries = list(catalog.COUNTRIES.values())
    out = []
    for i in range(n):
        country = countries[i % len(countries)]
        out.append(Record(
            instruction=f"Explica con un ejemplo de {country.name_es} cómo ahorrar agua en casa (caso {i}).",
            output=f"En {country.name_es} conviene cerrar la llave al lavarse los dientes y reutilizar el agua de "
                   f"lluvia para las plantas; así se ahorran unos {10 + i % 40} litros al día.",
            country=country.code, variety=country.default_variety, source="synthetic", domain="hogar",
            task="explicación", origin=Origin(model="Qwen2.5-0.5B-Instruct", template_id="instruccion-por-variedad"),
        ))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = records_to_frame(make_records(args.records))
    gates_s, build_s, baseline_s = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        for run in range(args.repeat):
            start = time.perf_counter()
            report = check_gates(frame, settings, detect_pii=detect_pii)
            gates_s.append(time.perf_counter() - start)
            assert report.passed, report.message()
            start = time.perf_counter()
            build_repository(frame, Path(tmp) / f"repo{run}", "somosnlp/bench", settings, run_name="bench",
                             detect_pii=detect_pii)
            build_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            hub_frame(frame, settings).write_parquet(Path(tmp) / f"baseline{run}.parquet", compression="zstd")
            baseline_s.append(time.perf_counter() - start)
    gates, build, baseline = (statistics.median(x) for x in (gates_s, build_s, baseline_s))
    n = args.records
    print(f"records: {n}, runs: {args.repeat}")
    print(f"gates incl. PII re-scan: median {gates:.2f} s ({n / gates:,.0f} records/s)")
    print(f"build_repository (gates + shards + card + chart): median {build:.2f} s ({n / build:,.0f} records/s)")
    print(f"  of which not gates: {build - gates:.2f} s")
    print(f"baseline one-file polars write: median {baseline:.3f} s; ratio (build - gates) / baseline: "
          f"{(build - gates) / baseline:.1f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
