"""Text prepared for language identification: code blocks, inline code, URLs, e-mails, numbers and markup removed
(so a Spanish record with a code snippet is judged on its Spanish), per text and for a whole batch (polars, Rust
regex), and the letters left counted."""

from __future__ import annotations

import re
import sys
from array import array
from functools import lru_cache

# ---- cleaning ---------------------------------------------------------------------------------------

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)|~~~.*?(?:~~~|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\S+@\S+")
_HAS_DIGIT = re.compile(r"\S*\d\S*")  # tokens with a digit: numbers, dates, prices, ids, versions
_MARKUP = re.compile(r"[#*_>|=+\[\]{}<>\\^~\"“”«»()]+")
_WS = re.compile(r"\s+")
_LETTERS_ONLY = re.compile(r"[\W\d_]+")  # everything but letters


def clean_for_detection(text: str, max_chars: int = 2000) -> str:
    """Text with code, URLs, e-mails, numbers and markup removed, whitespace collapsed (first `max_chars`)."""
    text = text[: max_chars * 3]
    # each substitution only when a cheap test says it can apply (this runs on every field of every record)
    if "```" in text or "~~~" in text:
        text = _CODE_BLOCK.sub(" ", text)
    if "`" in text:
        text = _INLINE_CODE.sub(" ", text)
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    text = _HAS_DIGIT.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _WS.sub(" ", text).strip()[:max_chars]


def clean_for_detection_batch(texts: list[str | None], max_chars: int = 2000) -> list[str]:
    """`clean_for_detection` of many texts in one vectorized pass (polars, Rust regex); None -> "".

    Same patterns, applied unconditionally in the same order (the per-text version's `in` tests only skip
    substitutions that cannot apply), so the results are the same text for text.
    """
    import polars as pl

    if not texts:
        return []
    series = (
        pl.Series("t", texts, dtype=pl.String).fill_null("").str.slice(0, max_chars * 3)
        .str.replace_all(_CODE_BLOCK_RS, " ")
        .str.replace_all(_INLINE_CODE.pattern, " ")
        .str.replace_all(_URL_RS, " ")
        .str.replace_all(_EMAIL.pattern, " ")
        .str.replace_all(_HAS_DIGIT.pattern, " ")
        .str.replace_all(_MARKUP.pattern, " ")
        .str.replace_all(_WS.pattern, " ")
        .str.strip_chars().str.slice(0, max_chars)
    )
    return series.to_list()


def letter_count_batch(texts: list[str]) -> list[int]:
    """`letter_count` of many texts at once (polars). Python's `[^\\W\\d_]` is exactly the letters (L*)
    plus the non-decimal numerals (Nl, No): spelled as Unicode classes for Rust's regex."""
    import polars as pl

    if not texts:
        return []
    return pl.Series("t", texts, dtype=pl.String).str.replace_all(r"[^\p{L}\p{Nl}\p{No}]+", "").str.len_chars().to_list()


# Rust-regex spellings of the patterns compiled with flags above
_CODE_BLOCK_RS = "(?s)" + _CODE_BLOCK.pattern
_URL_RS = "(?i)" + _URL.pattern


@lru_cache(maxsize=None)
def rust_class(python_class: str) -> str:
    """A Rust-regex character class matching exactly the code points that `python_class` matches in Python's `re`.

    Python's `\\w` is `str.isalnum()` plus "_" (no combining marks; Nl / No numerals included), Rust's is
    Unicode's word class (marks included), and the two follow different Unicode versions: asking Python's own
    `re` about every code point (once per process, ~60 ms) gives a class that cannot disagree with it.
    """
    ranges = []
    for first, last in ((0, 0xD7FF), (0xE000, 0x10FFFF)):  # surrogates cannot be in a str a regex scans
        chars = array("I", range(first, last + 1)).tobytes().decode("utf-32-le" if sys.byteorder == "little"
                                                                    else "utf-32-be")
        for m in re.finditer(python_class + "+", chars):
            lo, hi = first + m.start(), first + m.end() - 1
            ranges.append(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}")
    return "[" + "".join(ranges) + "]"


def letter_count(text: str) -> int:
    return len(_LETTERS_ONLY.sub("", text))


