"""Variety fidelity check (filters/variety.py) measured on Spanish text written by others, with a dev/test split.

    .venv/bin/python benchmarks/variety.py [--extra FILE.jsonl ...]

The texts: every Spanish text with a country (and, where given, a variety) in the repository's test data written
by other contributors for other purposes:
- "repo": tests/data/filters/languages.jsonl (one-line messages in the Spanish of each country) and
  tests/data/pipeline/records.jsonl (records by country and variety); split by a hash of the text (about 1/2 dev,
  1/2 test). Rules were written before this script existed.
- "eval": the Spanish of tests/data/filters/eval/ (see its README): novels (Cuéllar, Mexico 1883, dev; Payró,
  Argentina 1905, test) and sentences with loanwords by country, the Spanish side of Jojajovai (Paraguay), and
  the hand-written PII records by country (requests and answers written by other sessions in each country's
  Spanish); split as the files are (`*_dev` / `*_test`).
`--extra` adds JSONL files with `text` (or `instruction`/`output`) and `country` (and optionally `variety`),
split by hash. Only the dev half is to be looked at when changing the rules; both figures are printed.

Figures:
- false alarms: texts flagged inconsistent with their own variety (the country's default when none is given);
- detection: the same texts claimed as a variety whose forms of address contradict what the text uses (castellana
  for voseo countries, rioplatense for the rest), among texts that address someone; share flagged;
- identification: texts whose best supported variety (the check's first) is their own, among texts with any evidence.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from corpus600m import catalog
from corpus600m.filters.variety import VOSEO_AREAS, check_variety

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "tests/data/filters/languages.jsonl", ROOT / "tests/data/pipeline/records.jsonl"]
EVAL = sorted((ROOT / "tests/data/filters/eval").glob("spanish_*.jsonl")) + sorted(
    (ROOT / "tests/data/filters/eval").glob("jojajovai_*.jsonl")) + sorted(
    (ROOT / "tests/data/filters/eval").glob("pii_handwritten_*.jsonl"))
VOSEO_COUNTRIES = {"AR", "UY", "PY", "GT", "HN", "SV", "NI", "CR"}


def load(paths: list[Path], group: str) -> list[dict]:
    """Spanish texts with a country; the eval sets give the country as `variety` (a country code)."""
    rows = []
    for path in paths:
        file_split = "dev" if "_dev" in path.stem else "test" if "_test" in path.stem else None
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            country = row.get("country") or (row.get("variety") if row.get("variety") in catalog.COUNTRIES else None)
            if row.get("lang", "es") != "es" or not country:
                continue
            text = row.get("text") or "\n".join(t for t in (row.get("instruction"), row.get("input"), row.get("output")) if t)
            variety = row.get("variety") if row.get("variety") in catalog.VARIETIES else None
            variety = variety or catalog.country(country).default_variety
            rows.append({"text": text, "country": country, "variety": variety, "source": path.name, "group": group,
                         "split": file_split or hash_split(text)})
    return rows


def hash_split(text: str) -> str:
    return "dev" if int(hashlib.sha256(text.encode()).hexdigest(), 16) % 2 == 0 else "test"


def measure(rows: list[dict]) -> dict:
    alarms, addressed, detected, evidence, identified = [], 0, 0, 0, 0
    for row in rows:
        own = check_variety(row["text"], row["variety"])
        if not own.consistent:
            alarms.append(row)
        if any(not m.startswith("lexicon:") for m in own.markers):
            addressed += 1
            wrong = "castellana" if row["country"] in VOSEO_COUNTRIES or row["variety"] in VOSEO_AREAS else "rioplatense"
            detected += not check_variety(row["text"], wrong).consistent
        if own.supported:
            evidence += 1
            identified += own.supported[0] == row["variety"] or row["variety"] in own.supported[:1]
    return {"n": len(rows), "alarms": alarms, "addressed": addressed, "detected": detected, "evidence": evidence,
            "identified": identified}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", nargs="*", type=Path, default=[])
    args = parser.parse_args()
    rows = load(SOURCES + list(args.extra), "repo") + load(EVAL, "eval")
    console = Console(width=150)
    table = Table(title=f"variety check on {len(rows)} Spanish texts written by others (dev/test split)")
    for column in ("texts", "split", "n", "false alarms", "addressing someone", "wrong claim flagged", "with evidence",
                   "own variety first"):
        table.add_column(column, justify="right")
    for group, name in [(g, n) for g in ("repo", "eval", "all") for n in ("dev", "test")]:
        part = [r for r in rows if r["split"] == name and group in ("all", r["group"])]
        m = measure(part)
        table.add_row(group, name, str(m["n"]), f"{len(m['alarms'])} ({len(m['alarms']) / max(m['n'], 1):.0%})",
                      str(m["addressed"]), f"{m['detected']}/{m['addressed']} ({m['detected'] / max(m['addressed'], 1):.0%})",
                      str(m["evidence"]), f"{m['identified']}/{m['evidence']} ({m['identified'] / max(m['evidence'], 1):.0%})")
        for row in m["alarms"] if group == "all" else []:
            console.print(f"[dim]{name} false alarm: {row['country']}/{row['variety']}: "
                          f"{check_variety(row['text'], row['variety']).markers} — {row['text'][:90]!r}")
    console.print(table)


if __name__ == "__main__":
    main()
