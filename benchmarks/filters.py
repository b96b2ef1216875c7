"""Throughput, PII recall and memory of the filter stage vs the naive community-notebook baseline.

    .venv/bin/python benchmarks/filters.py                 # 100,000 records (+ baseline on a 2,000 sample)
    .venv/bin/python benchmarks/filters.py --million       # also stream 1,000,000 records, report peak memory

Records are generated here: ~400 characters of Spanish from many countries, about one in five carrying
one PII entity of a random kind (e-mail, phones of several countries, DNI/NIE, CURP, RFC, RUT, CUIT,
cédulas, card, IBAN, IP, names, addresses) whose exact text is known, so recall can be measured.

Baseline ("naive"): what community notebooks do — presidio `AnalyzerEngine().analyze(text, language="es")`
per text with presidio's predefined recognizers (blank Spanish spaCy pipeline: no Spanish model exists on
PyPI) plus `ftlangdetect.detect(text)` per text, one field at a time. It runs on a sample and its time is
extrapolated to the full set (said in the output). Both run in this process, on one core.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("POLARS_MAX_THREADS", "1")
os.environ.setdefault("RAYON_NUM_THREADS", "1")

from corpus600m.filters.pii_recognizers import (  # noqa: E402
    valid_ar_cuit, valid_cl_rut, valid_ec_cedula, valid_es_nif, valid_mx_curp, valid_mx_rfc,
)
from corpus600m.records import Record  # noqa: E402

SUBJECTS = ["El mate", "La guagua", "Mi abuela", "El profesor de historia", "La cooperativa del barrio", "El volcán",
            "Un grupo de estudiantes", "La feria del libro", "El mercado central", "La selección nacional",
            "El ayuntamiento", "La comunidad indígena", "El equipo de científicos", "La panadería de la esquina",
            "El festival de cine", "Una empresa de software", "La biblioteca pública", "El río", "La orquesta juvenil",
            "El sindicato de maestros", "La cosecha de café", "El parque nacional", "La radio comunitaria"]
VERBS = ["organizó", "recibió", "explicó", "celebró", "mejoró", "presentó", "protegió", "visitó", "transformó",
         "impulsó", "describió", "recorrió", "financió", "anunció", "documentó", "apoyó", "reunió", "enseñó"]
OBJECTS = ["un taller de cerámica para los vecinos", "la historia de la independencia", "las tradiciones del altiplano",
           "un plan para ahorrar agua en verano", "la receta del ceviche con ají limo", "un concierto al aire libre",
           "los bosques nublados de la región", "las canciones populares de la costa", "el uso del voseo en la ciudad",
           "la llegada de la temporada de lluvias", "un programa de becas para jóvenes", "la limpieza de la playa",
           "el mercado de artesanías del domingo", "un mural sobre la memoria del pueblo", "las rutas del transporte público",
           "la producción de cacao orgánico", "un curso gratuito de programación", "la fiesta patronal de agosto"]
TAILS = ["durante la semana pasada", "con mucho entusiasmo", "a pesar de la lluvia", "en el centro de la ciudad",
         "junto a otras organizaciones", "después de varios meses de trabajo", "ante un público numeroso",
         "con el apoyo de los vecinos", "por primera vez en años", "según contaron los organizadores"]


def random_sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


INSTRUCTIONS = [
    "Escribe un párrafo breve sobre la vida cotidiana en tu ciudad.",
    "Resume el siguiente texto en pocas palabras.",
    "Redacta un mensaje para un vecino explicando la situación.",
    "Explica este tema a un estudiante de secundaria.",
    "Responde de forma amable a la consulta del cliente.",
]


def _with_check(prefix: str, alphabet: str, valid) -> str:
    for ch in alphabet:
        if valid(prefix + ch):
            return prefix + ch
    raise ValueError(prefix)


def random_pii(rng: random.Random) -> tuple[str, str]:
    """(sentence containing one PII value, the value)."""
    kind = rng.randrange(14)
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if kind == 0:
        value = f"{rng.choice(['ana', 'jose', 'mari', 'pablo'])}.{rng.choice(['ruiz', 'gomez', 'quispe'])}{rng.randrange(99)}@gmail.com"
        return f"Escríbeme a {value} si tienes dudas.", value
    if kind == 1:
        value = f"6{digits(2)} {digits(3)} {digits(3)}"
        return f"Llámame al {value} cuando puedas.", value
    if kind == 2:
        value = f"+52 55 {digits(4)} {digits(4)}"
        return f"Mi celular es {value}, márcame.", value
    if kind == 3:
        value = f"+54 9 11 {digits(4)}-{digits(4)}"
        return f"Pasame un mensaje al {value} y arreglamos.", value
    if kind == 4:
        value = _with_check(digits(8), "TRWAGMYFPDXBNJZSQVHLCKE", valid_es_nif)
        return f"Mi DNI es {value}, apúntalo.", value
    if kind == 5:
        value = None
        while value is None:
            try:
                stem = f"{rng.choice(['GOMC', 'HEGG', 'PERL', 'RUIA'])}{rng.randrange(50, 99)}{rng.randrange(1, 13):02d}" \
                       f"{rng.randrange(1, 28):02d}{rng.choice('HM')}{rng.choice(['DF', 'JC', 'NL', 'VZ'])}RRL0"
                value = _with_check(stem, "0123456789", valid_mx_curp)
            except ValueError:
                value = None
        return f"Para el trámite me pidieron la CURP {value} y un comprobante.", value
    if kind == 6:
        value = None
        while value is None:
            try:
                stem = f"{rng.choice(['GODE', 'PERL', 'MASA'])}{rng.randrange(50, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 28):02d}GR"
                value = _with_check(stem, "0123456789A", valid_mx_rfc)
            except ValueError:
                value = None
        return f"La factura sale a nombre del RFC {value}.", value
    if kind == 7:
        body = f"{rng.randrange(5, 25)}{digits(6)}"
        value = _with_check(body, "0123456789K", valid_cl_rut)
        value = f"{value[:-7]}.{value[-7:-4]}.{value[-4:-1]}-{value[-1]}"
        return f"Mi RUT es {value} y quiero saber el estado del trámite.", value
    if kind == 8:
        value = None
        while value is None:
            try:
                value = _with_check("20" + digits(8), "0123456789", valid_ar_cuit)
            except ValueError:
                value = None
        value = f"{value[:2]}-{value[2:10]}-{value[10]}"
        return f"Para facturar necesito tu CUIT {value}.", value
    if kind == 9:
        value = None
        while value is None:
            try:
                value = _with_check(f"17{rng.randrange(0, 6)}{digits(6)}", "0123456789", valid_ec_cedula)
            except ValueError:
                value = None
        return f"Mi número de cédula es {value}, regístrelo.", value
    if kind == 10:
        value = "4111 1111 1111 1111" if rng.random() < 0.5 else "5500 0000 0000 0004"
        return f"Pagué con la tarjeta {value} y no llegó el pedido.", value
    if kind == 11:
        value = "ES91 2100 0418 4502 0005 1332"
        return f"Haz la transferencia a la cuenta {value} antes del viernes.", value
    if kind == 12:
        value = f"{rng.choice(['Rosa', 'Carlos', 'Lucía', 'Jorge'])} {rng.choice(['Quispe', 'Hernández', 'Valenzuela', 'Ramírez'])}"
        return f"Buenas tardes, me llamo {value} y quisiera información.", value
    value = f"{rng.randrange(1, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return f"La IP pública de mi router es {value} y no entra a la cámara.", value


def generate(n: int, seed: int = 600) -> tuple[list[Record], dict[int, str]]:
    """n records of ~400 characters; returns the records and {index: PII value} for those carrying PII."""
    rng = random.Random(seed)
    records, truth = [], {}
    for i in range(n):
        parts = [random_sentence(rng) for _ in range(4)]
        if rng.random() < 0.2:
            sentence, value = random_pii(rng)
            parts.insert(rng.randrange(len(parts) + 1), sentence)
            truth[i] = value
        output = " ".join(parts)
        records.append(Record(instruction=rng.choice(INSTRUCTIONS), output=output, source="synthetic"))
    return records, truth


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recall(found_by_index: dict[int, list[tuple[int, int]]], records: list[Record], truth: dict[int, str],
           indices: list[int]) -> float:
    hits = total = 0
    for i in indices:
        if i not in truth:
            continue
        total += 1
        start = records[i].output.find(truth[i])
        end = start + len(truth[i])
        if any(s < end and e > start for s, e in found_by_index.get(i, [])):
            hits += 1
    return hits / max(total, 1)


def run_ours(records: list[Record], batch: int) -> tuple[float, dict[int, list[tuple[int, int]]]]:
    from corpus600m.filters import KnownTexts, filter_records

    known = KnownTexts()
    found: dict[int, list[tuple[int, int]]] = {}
    start = time.perf_counter()
    for offset in range(0, len(records), batch):
        result = filter_records(records[offset:offset + batch], known=known)
        for pos, (where, index) in enumerate(result.placement):
            rec = result.kept[index] if where == "kept" else result.rejected[index].record
            spans = [(f.start, f.end) for f in rec.pii if f.field == "output"]
            if spans:
                found[offset + pos] = spans
    return time.perf_counter() - start, found


def run_baseline(records: list[Record], indices: list[int]) -> tuple[float, dict[int, list[tuple[int, int]]]]:
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    from corpus600m.filters.language import model_path
    from corpus600m.filters.pii import blank_spanish_nlp_engine

    # offline: ftlangdetect finds lid.176.ftz in its cache dir; tldextract must not fetch the suffix list
    cache = Path(tempfile.mkdtemp(prefix="ftlang-"))
    shutil.copy(model_path(), cache / "lid.176.ftz")
    os.environ["FTLANG_CACHE"] = str(cache)
    email_recognizer.tldextract = type("T", (), {"extract": staticmethod(tldextract.TLDExtract(suffix_list_urls=()))})
    from ftlangdetect import detect

    registry = RecognizerRegistry(supported_languages=["es"])
    registry.load_predefined_recognizers(languages=["es"])
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=blank_spanish_nlp_engine(), supported_languages=["es"])
    analyzer.analyze("calentamiento", language="es")
    detect("hola", low_memory=True)
    found: dict[int, list[tuple[int, int]]] = {}
    start = time.perf_counter()
    for i in indices:
        record = records[i]
        for name in ("instruction", "input", "output"):
            text = getattr(record, name)
            if not text:
                continue
            detect(text, low_memory=True)
            results = analyzer.analyze(text, language="es")
            if name == "output" and results:
                found[i] = [(r.start, r.end) for r in results if r.score >= 0.5]
    return time.perf_counter() - start, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=1, help="runs of our filter (the median is reported)")
    parser.add_argument("--million", action="store_true", help="also stream 1,000,000 records and report peak memory")
    args = parser.parse_args()

    print(f"generating {args.records:,} records ...", flush=True)
    records, truth = generate(args.records)
    mean_chars = statistics.mean(len(r.instruction) + len(r.output) for r in records[:5000])
    print(f"  mean characters per record: {mean_chars:.0f}; with PII: {len(truth) / len(records):.1%}")

    # warm-up (model loads, regex compilation) outside the timing
    run_ours(records[:200], args.batch)
    times = []
    for _ in range(args.repeats):
        seconds, found = run_ours(records, args.batch)
        times.append(seconds)
    ours_s = statistics.median(times)
    ours_rate = len(records) / ours_s
    ours_recall = recall(found, records, truth, list(range(len(records))))
    print(f"ours:     {ours_rate:>9,.0f} records/s  ({ours_s:.1f} s for {len(records):,}; median of {len(times)})  "
          f"PII recall {ours_recall:.1%} over {len(truth):,} entities; peak RSS so far {peak_rss_mb():,.0f} MB", flush=True)

    rng = random.Random(1)
    sample = sorted(rng.sample(range(len(records)), min(args.baseline_sample, len(records))))
    base_s, base_found = run_baseline(records, sample)
    base_rate = len(sample) / base_s
    base_recall = recall(base_found, records, truth, sample)
    ours_recall_sample = recall(found, records, truth, sample)
    print(f"baseline: {base_rate:>9,.0f} records/s  (measured on a sample of {len(sample):,} records, extrapolated: "
          f"~{len(records) / base_rate:,.0f} s for {len(records):,})  PII recall {base_recall:.1%} on the sample "
          f"(ours on the same sample: {ours_recall_sample:.1%})")
    print(f"ratio:    {ours_rate / base_rate:.1f}x the naive baseline (one core)")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB (whole process, both runs)")

    if args.million:
        from corpus600m.filters import KnownTexts, filter_records

        known = KnownTexts()
        total, start = 0, time.perf_counter()
        for chunk in range(50):
            batch, _ = generate(20_000, seed=10_000 + chunk)
            for j, r in enumerate(batch):  # unique ids and tails across chunks
                batch[j] = r.model_copy(update={"output": r.output + f" Lote {chunk}.", "id": f"{chunk}-{j}"})
            filter_records(batch, known=known)
            total += len(batch)
            if (chunk + 1) % 10 == 0:
                print(f"  streamed {total:,} records, peak RSS {peak_rss_mb():,.0f} MB", flush=True)
        print(f"1,000,000 records streamed in batches of 20,000 in {time.perf_counter() - start:,.0f} s; "
              f"peak RSS {peak_rss_mb():,.0f} MB ({'<' if peak_rss_mb() < 2048 else '>='} 2 GB)")


if __name__ == "__main__":
    sys.exit(main())
