"""Numbers as an OCR scan or a voice transcription writes them, rewritten so the recognizers can read them.

An OCR scan confuses digits with letters (`C.l. l7O9843261`, `Fecha de nacimiento: l4/O8/l99O`, `DNl 4829l736-K`);
a phone's dictation spells numbers out (`mi cédula 3 millones 804 mil 552`, `el cel es ocho ocho cuarenta y siete,
treinta y dos, diecinueve`, `su identidad es la cero ocho cero uno guion 1987 guion cero dos tres cuatro cinco`).
`rewrite(text)` returns the text with those numbers in digits (`C.I. 1709843261`, `88473219`,
`0801-1987-02345`) and the pieces it rewrote, or None when there is nothing to rewrite; `detect_pii` runs on the
rewritten text too and maps what it finds back with `to_original` (a finding inside a rewritten number covers the
whole number as written).

What counts (and why it is safe for text that is neither):
- OCR: a token of digits and the letters an OCR reads for them (O o -> 0, l I -> 1; not "|", which is code's), with at least two real
  digits and one such letter ("2O25", "V-l8.442.9O3"); with one in the text, the id words it spoils too ("C.l." ->
  "C.I.", "DNl" -> "DNI": a capitalized word with a lower-case l among its capitals). Ordinary words have no digits.
- Dictation: a run of number words (and digits, and "guion") holding at least two spelled number words and
  giving at least four digits. Without "mil"/"millones" each word is its digits in order, the way people dictate
  phones and ids ("tres uno cinco, cuatro cuarenta y ocho" -> 315448; "cuatrocientos doce" -> 412); with them the
  run is one cardinal number ("veintitrés millones cuatrocientos cuarenta y un mil ochocientos siete" ->
  23441807). A year written out ("dos mil veinticinco") becomes 2025, which no recognizer takes for PII alone.
- "15.672.349 guion k": a spelled dash before a check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"cero": 0, "uno": 1, "una": 1, "un": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
          "siete": 7, "ocho": 8, "nueve": 9}
_TEENS = {"diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciséis": 16,
          "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19, "veinte": 20, "veintiuno": 21,
          "veintiún": 21, "veintiun": 21, "veintidós": 22, "veintidos": 22, "veintitrés": 23, "veintitres": 23,
          "veinticuatro": 24, "veinticinco": 25, "veintiséis": 26, "veintiseis": 26, "veintisiete": 27,
          "veintiocho": 28, "veintinueve": 29}
_TENS = {"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90}
_HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
             "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500,
             "seiscientos": 600, "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800,
             "ochocientas": 800, "novecientos": 900, "novecientas": 900}
_SCALES = {"mil": 1000, "millón": 1_000_000, "millon": 1_000_000, "millones": 1_000_000}
_DASHES = ("guion", "guión", "raya")
_WORD_VALUES = {**_UNITS, **_TEENS, **_TENS, **_HUNDREDS}

_NUMBER_WORD = "|".join(sorted([*_WORD_VALUES, *_SCALES], key=len, reverse=True))
_TOKEN = rf"(?:\d{{1,4}}|{_NUMBER_WORD}|gui[óo]n|raya)"
# a run of number tokens: separated by spaces or commas, "y" between tens and units ("cuarenta y ocho")
_RUN = re.compile(rf"(?<![\w.]){_TOKEN}(?:(?:[ \t]*,[ \t]*|[ \t]+y[ \t]+|[ \t]+){_TOKEN})+(?![\w])", re.IGNORECASE)
_TOKENS = re.compile(rf"\d+|[^\W\d_]+", re.IGNORECASE)
_DASH_CHECK = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{3}){1,3}|\d{6,9})[ \t]+gui[óo]n[ \t]+([0-9kK])(?!\w)")

# OCR: a token of digits and letters read for digits, with two real digits and one such letter
_OCR_TOKEN = re.compile(r"(?<![\w])[0-9OolI](?:[0-9OolI]|[./\-](?=[0-9OolI]))*[0-9OolI](?![\w])")
_OCR_DIGIT = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1"})
_OCR_ID_WORD = re.compile(r"\bC\.[ \t]?l\.|\b[A-ZÁÉÍÓÚÑ]*[A-ZÁÉÍÓÚÑ]l[A-ZÁÉÍÓÚÑl]*\b")

# what `pii_triggers` searches for before anything here runs (a necessary condition of `rewrite` finding something)
TRIGGER = (r"[0-9][OolI]|[OolI][0-9]|(?i:(?:^|\W)(?:cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)"
           r"[ \t,]+(?:y[ \t]+)?(?:cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veint|"
           r"treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|\d)|millones|gui[oó]n[ \t]+[0-9k](?:\W|$))")


@dataclass(frozen=True)
class Piece:
    """One rewritten stretch: `text[start:end]` became `alt[alt_start:alt_end]`."""

    start: int
    end: int
    alt_start: int
    alt_end: int


def _spoken_digits(run: str) -> tuple[str, int] | None:
    """The digits a dictated run stands for, and how many of its words were spelled numbers."""
    words = [w.lower() for w in _TOKENS.findall(run) if w.lower() != "y"]
    spelled = sum(1 for w in words if w in _WORD_VALUES or w in _SCALES)
    if any(w in _SCALES for w in words):
        if any(w in _DASHES for w in words):
            return None
        total = current = 0
        for w in words:
            if w in _SCALES:
                scale = _SCALES[w]
                if scale == 1000:
                    total += max(current, 1) * 1000
                else:
                    total = (total + max(current, 1)) * scale
                current = 0
            else:
                current += int(w) if w.isdigit() else _WORD_VALUES[w]
        return str(total + current), spelled
    groups: list[str] = []
    value: int | None = None  # a group being built from words: 400 + 12, 40 + 8
    for w in words:
        if w in _DASHES:
            if value is not None:
                groups.append(str(value))
                value = None
            groups.append("-")
            continue
        if w.isdigit():
            if value is not None:
                groups.append(str(value))
                value = None
            groups.append(w)
            continue
        v = _WORD_VALUES[w]
        # "cuatrocientos doce", "cuarenta y ocho": a smaller word fills the larger one's empty places
        if value is not None and ((value % 100 == 0 and value >= 100 and v < 100)
                                  or (value % 10 == 0 and 30 <= value < 100 and v < 10)):
            value += v
            continue
        if value is not None:
            groups.append(str(value))
        value = v
    if value is not None:
        groups.append(str(value))
    return "".join(groups).strip("-"), spelled


def _rewrites(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    ocr = []
    for m in _OCR_TOKEN.finditer(text):
        token = m.group()
        if sum(ch.isdigit() for ch in token) >= 2 and any(ch in "OolI" for ch in token):
            ocr.append((m.start(), m.end(), token.translate(_OCR_DIGIT)))
    if ocr:
        out += ocr
        for m in _OCR_ID_WORD.finditer(text):
            if m.group().startswith("C.") or sum(ch.isupper() for ch in m.group()) >= 2:  # "DNl", not "El"
                out.append((m.start(), m.end(), m.group().replace("l", "I")))
    for m in _RUN.finditer(text):
        spoken = _spoken_digits(m.group())
        if spoken is None:
            continue
        digits, spelled = spoken
        if spelled >= 2 and sum(ch.isdigit() for ch in digits) >= 4:
            out.append((m.start(), m.end(), digits))
    for m in _DASH_CHECK.finditer(text):
        out.append((m.start(), m.end(), f"{m.group(1)}-{m.group(2).upper()}"))
    out.sort()
    kept: list[tuple[int, int, str]] = []
    for piece in out:  # the first of two overlapping rewrites wins
        if not kept or piece[0] >= kept[-1][1]:
            kept.append(piece)
    return kept


def rewrite(text: str) -> tuple[str, list[Piece]] | None:
    """`text` with its OCR-spoiled and dictated numbers in digits, and the pieces rewritten; None if none."""
    rewrites = _rewrites(text)
    if not rewrites:
        return None
    parts: list[str] = []
    pieces: list[Piece] = []
    last = alt_len = 0
    for start, end, new in rewrites:
        parts.append(text[last:start])
        alt_len += start - last
        pieces.append(Piece(start, end, alt_len, alt_len + len(new)))
        parts.append(new)
        alt_len += len(new)
        last = end
    parts.append(text[last:])
    return "".join(parts), pieces


def to_original(position: int, pieces: list[Piece], *, end: bool) -> int:
    """A position of the rewritten text in the original; inside a rewritten piece of another length, the piece's
    start (for a span's start) or end (for its end), so a finding covers the whole number as written."""
    shift = 0
    for p in pieces:
        if position < p.alt_start:
            break
        if position < p.alt_end or (end and position == p.alt_end):
            if p.end - p.start == p.alt_end - p.alt_start:
                return p.start + position - p.alt_start
            return p.end if end else p.start
        shift = p.end - p.alt_end
    return position + shift
