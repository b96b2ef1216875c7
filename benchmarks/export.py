"""Training exports at scale: `corpus600m export` of N curated records (default 1,000,000) on ONE core.

Builds a store whose `curated` table holds N records (Spanish texts of realistic length: ~110-character
instructions, ~420-character answers, 10 % with an input; 22 countries; 20 % annotated, 4 % with an
annotators' correction, and groups of three generations of one instruction scored 5 / 4 / 2 for 3 % of
the records), then runs each export (sft, dpo, alpaca; JSONL and Parquet) in a fresh process pinned to one
CPU with POLARS_MAX_THREADS=1, and prints wall time, CPU time and peak RSS of that process against the
targets (< 60 s, < 2 GB), plus the rows written and checks that every row maps back to a record id and
that no DPO pair has chosen == rejected.

    .venv/bin/python benchmarks/export.py [--records 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_BYTES = 2 * 1024**3

CHILD = r"""
import json, os, sys, time


def peak_rss():
    # VmHWM is this process's own high-water mark; ru_maxrss would carry the parent's over fork + exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024


os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
start_cpu, start = time.process_time(), time.perf_counter()
from pathlib import Path
from corpus600m.publish.export import export_records
from corpus600m.publish.inputs import read_table
from corpus600m.settings import Settings
data_dir, fmt, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
settings = Settings(data_dir=data_dir)
t0, c0 = time.perf_counter(), time.process_time()
result = export_records(read_table(data_dir, "curated"), fmt, out, settings)
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "process_seconds": time.perf_counter() - start,
                  "peak_rss": peak_rss(),
                  "n_records": result.n_records, "n_rows": result.n_rows, "n_skipped": result.skipped.height,
                  "details": result.details}))
"""


def build_store(data_dir: Path, n: int) -> float:
    """N curated records written into the store's `curated` table (vectorized: no per-record Python objects)."""
    import numpy as np
    import polars as pl

    from corpus600m import catalog
    from corpus600m.records import ANNOTATION_DTYPE, ORIGIN_DTYPE, RECORD_POLARS_SCHEMA
    from corpus600m.store import Store, Table

    rng = np.random.default_rng(600)
    countries = list(catalog.COUNTRIES.values())
    i = np.arange(n)
    # 3 % of the records are groups of three generations of one instruction (scores 5, 4, 2)
    group = i < (n * 3 // 100) // 3 * 3
    base_index = np.where(group, i // 3, i)
    country_idx = rng.integers(0, len(countries), n)[base_index]  # a group shares its instruction, country included
    codes = np.array([c.code for c in countries])[country_idx]
    varieties = np.array([c.default_variety for c in countries])[country_idx]
    names = np.array([c.name_es for c in countries])[country_idx]
    frame = pl.DataFrame({"i": i, "base": base_index, "country": codes, "variety": varieties, "name": names,
                          "group": group})
    instruction = pl.format("Explícame, como se diría en {}, cómo organizar el presupuesto familiar del mes número {} "
                            "sin dejar de ahorrar.", pl.col("name"), pl.col("base"))
    output = pl.format("En {} conviene anotar primero los gastos fijos (alquiler, luz, agua y transporte), después "
                       "separar un porcentaje para el ahorro apenas llega el sueldo y repartir lo que queda entre "
                       "comida, salud y ocio. Revisa cada semana lo gastado y ajusta: si un rubro se pasa, recorta "
                       "otro. Variante {}-{}.", pl.col("name"), pl.col("base"), pl.col("i"))
    has_input = (pl.col("i") % 10 == 3) & ~pl.col("group")
    corrected = (pl.col("i") % 25 == 7) & ~pl.col("group")
    annotated = (pl.col("i") % 5 == 0) | pl.col("group") | corrected
    score = (pl.when(pl.col("group"))
             .then((pl.col("i") % 3).replace_strict({0: 5.0, 1: 4.0, 2: 2.0}, return_dtype=pl.Float64))
             .otherwise(4.0 + (pl.col("i") % 2)))

    def struct(dtype: pl.Struct, **given: pl.Expr) -> pl.Expr:
        return pl.struct(*(given[f.name].cast(f.dtype).alias(f.name) if f.name in given
                           else pl.lit(None, dtype=f.dtype).alias(f.name) for f in dtype.fields))

    records = frame.select(
        instruction.alias("instruction"),
        pl.when(has_input).then(pl.format("Ingresos del mes: {} pesos; gastos fijos: {} pesos.",
                                          1000 + pl.col("i") % 900, 400 + pl.col("i") % 300)).alias("input"),
        pl.when(corrected).then(pl.concat_str(output, pl.lit(" (corregida)"))).otherwise(output).alias("output"),
        pl.lit("es").alias("lang"), "country", "variety",
        pl.concat_str(pl.lit("es_"), pl.col("country")).alias("locale"),
        pl.lit("synthetic").alias("source"),
        struct(ORIGIN_DTYPE, model=pl.lit("Qwen2.5-Coder-0.5B-Instruct-Q4_K_M"),
               template_id=pl.lit("instruccion-por-variedad"),
               original_output=pl.when(corrected).then(output)).alias("origin"),
        pl.lit("finanzas").alias("domain"), pl.lit("explicación").alias("task"), pl.lit("informal").alias("register"),
        pl.when(annotated).then(struct(ANNOTATION_DTYPE, dataset=pl.lit("somos600m-bench"), n_annotators=pl.lit(3),
                                       calidad=score, needs_review=pl.lit(False),
                                       es_correcta=pl.when(corrected).then(pl.lit("parcial")).otherwise(pl.lit("si"))))
        .alias("annotation"),
        pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("created_at"),
    ).with_columns(
        pl.concat_str(pl.col("instruction"), pl.col("input").fill_null(""), pl.col("output"))
        .hash(seed=1).cast(pl.String).str.zfill(32).alias("id"),
    )
    records = records.with_columns(pl.lit(None, dtype=dt).alias(c) for c, dt in RECORD_POLARS_SCHEMA.items()
                                   if c not in records.columns)
    start = time.perf_counter()
    Store(data_dir).upsert(Table.CURATED, records.select(list(RECORD_POLARS_SCHEMA)))
    return time.perf_counter() - start


def check_output(path: Path, fmt: str, data_dir: Path) -> str:
    """Every row maps back to a record id of the store; DPO chosen != rejected."""
    import polars as pl

    from corpus600m.store import Store, Table

    ids = Store(data_dir).ids(Table.CURATED)
    rows = pl.scan_parquet(path) if path.suffix == ".parquet" else pl.scan_ndjson(path)
    if fmt == "dpo":
        frame = rows.select("chosen_id", "rejected_id", pl.col("chosen").list.first().struct.field("content").alias("c"),
                            pl.col("rejected").list.first().struct.field("content").alias("r")).collect()
        unmapped = (~frame["chosen_id"].is_in(ids.implode()) | ~frame["rejected_id"].is_in(ids.implode())).sum()
        same = (frame["c"] == frame["r"]).sum()
        return f"unmapped {unmapped}, chosen==rejected {same}"
    frame = rows.select("id").collect()
    return f"unmapped {(~frame['id'].is_in(ids.implode())).sum()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build the store here and keep it (default: a temp dir)")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="corpus600m-export-bench-"))
    data_dir = root / "data"
    if not (data_dir / "tables" / "curated").exists():
        print(f"building a store of {args.records:,} curated records in {data_dir} ...", flush=True)
        print(f"  store upsert: {build_store(data_dir, args.records):.1f} s", flush=True)
    env = {**os.environ, "POLARS_MAX_THREADS": "1", "OMP_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1"}
    rows = []
    for fmt in ("sft", "dpo", "alpaca"):
        for suffix in (".jsonl", ".parquet"):
            out = root / f"{fmt}{suffix}"
            done = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), fmt, str(out)], env=env,
                                  capture_output=True, text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            figures.update(fmt=fmt, suffix=suffix, size=out.stat().st_size, check=check_output(out, fmt, data_dir))
            rows.append(figures)
            print(f"{fmt:>6} {suffix:<8} {figures['seconds']:6.1f} s wall  {figures['cpu']:6.1f} s CPU  "
                  f"peak RSS {figures['peak_rss'] / 1024**3:4.2f} GB  rows {figures['n_rows']:>9,}  "
                  f"skipped {figures['n_skipped']:>9,}  file {figures['size'] / 1024**2:6.0f} MB  {figures['check']}",
                  flush=True)
    print()
    print(f"records: {rows[0]['n_records']:,}; one core (sched_setaffinity + POLARS_MAX_THREADS=1); "
          f"targets: < {TARGET_SECONDS:.0f} s and < {TARGET_BYTES / 1024**3:.0f} GB peak")
    for row in rows:
        ok = row["seconds"] < TARGET_SECONDS and row["peak_rss"] < TARGET_BYTES
        print(f"  {row['fmt']} {row['suffix']}: {row['seconds']:.1f} s (process with imports {row['process_seconds']:.1f} s), "
              f"{row['peak_rss'] / 1024**3:.2f} GB -> {'within' if ok else 'MISSES'} the targets"
              + (f"; pairs {row['details']}" if row["fmt"] == "dpo" else ""))
    if args.keep is None:
        import shutil

        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
