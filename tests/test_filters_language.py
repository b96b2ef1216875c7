"""Spanish from many countries vs close languages (tests/data/filters/languages.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus600m.filters.language import (
    clean_for_detection,
    clean_for_detection_batch,
    detect_language,
    letter_count,
    letter_count_batch,
)

CASES = [json.loads(line) for line in (Path(__file__).parent / "data" / "filters" / "languages.jsonl")
         .read_text(encoding="utf-8").splitlines()]
SPANISH = [c for c in CASES if c["lang"] == "es"]
OTHER = [c for c in CASES if c["lang"] != "es"]


@pytest.mark.parametrize("case", SPANISH, ids=[f"es-{c['country']}-{i}" for i, c in enumerate(SPANISH)])
def test_spanish_from_every_country_is_spanish_or_too_short_to_tell(case):
    lang, _ = detect_language(case["text"])
    assert lang in ("es", "und"), case["text"]


@pytest.mark.parametrize("case", OTHER, ids=[f"{c['lang']}-{i}" for i, c in enumerate(OTHER)])
def test_close_languages_do_not_pass_as_spanish(case):
    lang, _ = detect_language(case["text"])
    assert lang != "es", case["text"]
    if case["lang"] in ("gl", "pt", "ca", "it", "en", "fr"):
        assert lang == case["lang"], (lang, case["text"])


def test_code_urls_and_numbers_are_ignored():
    text = "Ejecuta esto:\n```bash\nexport PATH=/usr/local/bin:$PATH\ncurl https://example.com/api?x=1\n```\n123 456 789"
    assert "curl" not in clean_for_detection(text) and "123" not in clean_for_detection(text)
    assert detect_language("Mira https://github.com/somosnlp/corpus y dime qué opinas del código, por favor.")[0] == "es"


def test_batch_cleaning_and_letter_counts_equal_the_per_text_ones():
    texts = [c["text"] for c in CASES] + [
        "```py\nx = 1\n``` hola `a` http://x.com/a www.b.es y@z.com 12,5 (hola) «b» ~~~ a", "```sin cerrar\nfin", "", None]
    cleaned = clean_for_detection_batch(texts)
    assert cleaned == [clean_for_detection(t or "") for t in texts]
    cleaned.append("½ x² e\u0301 ǅ ⅷ Ⅻ ٣ _a 3 ௰ ¼")  # numerals and a combining accent: counted as Python counts them
    assert letter_count_batch(cleaned) == [letter_count(t) for t in cleaned]
