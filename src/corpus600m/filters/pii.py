"""Where PII is decided: detection (`detect_pii`) and what to do with it (`apply_pii_policy`).

The recognizers: `pii_recognizers.py` (contact data, ids with their check digits, addresses, dates of birth, names
by cues), `pii_shapes.py` (structured values by shape + context whatever their check digit: a missed identifier
costs more than a redacted false alarm) and `pii_people.py` (names by a Spanish NER model, and whether a name is a
private person's: `decide_people`).

Detection runs the recognizers on the fast path: a few cheap trigger searches
say which recognizer groups can match a text, only those run, and only on texts that trigger at all
(most texts trigger none; the pipeline computes the triggers for a whole batch in one polars pass).
Phone, card and id recognizers run only on windows around the text's digits; patterns that need a context
word are not run on a text without one. Context words (e.g. "DNI", "cédula", "tel.") are looked for in a
short window before each match; patterns that need context are dropped without it. Overlapping findings
are resolved in favour of the higher score, then the longer span.

`build_analyzer()` gives a stock presidio `AnalyzerEngine` (blank Spanish spaCy pipeline, no model download)
holding the same recognizers, for anyone who wants presidio's own API.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from corpus600m.records import PiiAction, PiiFinding

CONTEXT_WINDOW = 48  # characters before a match searched for context words
CONTEXT_BOOST = 0.35
MIN_SCORE = 0.5  # findings below this are not reported

PLACEHOLDERS = {
    "EMAIL_ADDRESS": "<EMAIL>", "PHONE_NUMBER": "<PHONE>", "CREDIT_CARD": "<CREDIT_CARD>", "IBAN_CODE": "<IBAN>",
    "IP_ADDRESS": "<IP>", "URL_PERSONAL": "<URL>", "PERSON": "<PERSON>", "STREET_ADDRESS": "<ADDRESS>",
    "DATE_OF_BIRTH": "<DATE_OF_BIRTH>", "SOCIAL_HANDLE": "<HANDLE>", "MASKED_CARD": "<MASKED_NUMBER>",
}


@dataclass(frozen=True)
class PiiSpan:
    """One PII entity found in a text: its type, character span and confidence (0-1)."""

    entity_type: str
    start: int
    end: int
    score: float

    def text(self, source: str) -> str:
        return source[self.start:self.end]


@dataclass(frozen=True)
class _Plan:
    """What `detect_pii` needs to know about one recognizer, worked out once (presidio's ABC `isinstance`
    checks and the pattern scans are measurable when repeated for every text)."""

    recognizer: object
    trigger: str
    entity: str
    needs_context: frozenset[str]  # names of the patterns that only count with a context word
    context: tuple[str, ...]
    fast: bool  # one of ours with the plain pattern matcher (`matches`, can skip context-only patterns)
    max_score: float  # a generic shape's ceiling (`pii_shapes.ShapeRecognizer`), so typed recognizers win its spans


_plans: list[_Plan] | None = None
_lock = threading.Lock()


def _get_plans() -> list[_Plan]:
    global _plans
    if _plans is None:
        with _lock:
            if _plans is None:
                from corpus600m.filters.pii_recognizers import (
                    SpanishPatternRecognizer,
                    all_recognizers,
                )

                _plans = [
                    _Plan(r, getattr(r, "trigger", "digits"), r.supported_entities[0],
                          frozenset(p.name for p in r.patterns if p.name.endswith(":ctx")), tuple(r.context or ()),
                          isinstance(r, SpanishPatternRecognizer) and type(r).analyze is SpanishPatternRecognizer.analyze,
                          getattr(r, "max_score", 1.0))
                    for r in all_recognizers()
                ]
    return _plans


def _get_recognizers():
    return [plan.recognizer for plan in _get_plans()]


def _has_context(text_lower: str, start: int, words: list[str]) -> bool:
    window = text_lower[max(0, start - CONTEXT_WINDOW):start]
    return any(word in window for word in words)


_DIGIT_RUN = re.compile(r"\d+")
WINDOW_MARGIN = 40  # characters kept around digits: far more than any id/phone/card match reaches past its digits
WINDOW_MERGE_GAP = 2 * WINDOW_MARGIN


def _digit_windows(text: str) -> list[tuple[int, int]]:
    """The stretches of `text` around its digits where a `digits`-group recognizer can match.

    Every pattern of that group (phones, cards, national ids) matches a span that contains a digit and
    reaches at most a few characters past its first and last digit, and looks at most 36 characters before
    its start (look-arounds, `\\b`, the phone's unit/currency checks and its "Lote"/"cédula"/context look-back)
    and 12 after; so running it on these windows finds exactly what it finds on the whole text, at a fraction
    of the cost on long texts with one number. Keep any new look-back of a `digits` recognizer within the margin.
    """
    windows: list[tuple[int, int]] = []
    for match in _DIGIT_RUN.finditer(text):
        start, end = max(0, match.start() - WINDOW_MARGIN), min(len(text), match.end() + WINDOW_MARGIN)
        if windows and start <= windows[-1][1] + WINDOW_MERGE_GAP:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _run_recognizer(plan: _Plan, text: str, context_patterns: bool, windows: list[tuple[int, int]] | None) -> list:
    """A recognizer's results on `text`, or on each window of it (offsets mapped back to `text`)."""
    recognizer = plan.recognizer

    def run(piece: str) -> list:
        if plan.fast:
            return recognizer.matches(piece, context_patterns=context_patterns)
        return recognizer.analyze(piece, recognizer.supported_entities, None)

    if windows is None or windows == [(0, len(text))]:
        return run(text)
    results = []
    for start, end in windows:
        for result in run(text[start:end]):
            result.start += start
            result.end += start
            results.append(result)
    return results


def _merge_same_type(spans: list[PiiSpan]) -> list[PiiSpan]:
    """Overlapping findings of one type become one, their union with the best score (two readings of one address:
    "Urb. Villa Carolina, Calle 12 #34, ..." by the settlement and by the street pattern). The order of first
    occurrence is kept: it breaks ties between types (a typed id before a generic one)."""
    merged: list[PiiSpan] = []
    for span in spans:
        for k, other in enumerate(merged):
            if other.entity_type == span.entity_type and span.start < other.end and other.start < span.end:
                merged[k] = PiiSpan(span.entity_type, min(other.start, span.start), max(other.end, span.end),
                                    max(other.score, span.score))
                break
        else:
            merged.append(span)
    return merged


def _resolve_overlaps(spans: list[PiiSpan], text: str) -> list[PiiSpan]:
    """The spans that do not overlap, surer and longer first; an address that runs into a surer value after its
    start ("Barrio San José, 300 m sur\nTel. 8888" over the phone) keeps its part before that value."""
    spans = _merge_same_type(spans)
    kept: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        clashes = [other for other in kept if not (span.end <= other.start or span.start >= other.end)]
        if clashes and span.entity_type == "STREET_ADDRESS":
            cut = min(other.start for other in clashes)
            end = span.start + len(text[span.start:cut].rstrip(" \t\n,;:|(–-"))
            if end - span.start >= 8 and all(end <= other.start or span.start >= other.end for other in kept):
                span, clashes = PiiSpan(span.entity_type, span.start, end, span.score), []
        if not clashes:
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


# a number said to be someone's ("su teléfono registrado es", "mi cel:", "Teléfono del inquilino"): even a toll-free
# shaped one is then redacted
_OWN_NUMBER = re.compile(r"(?i:\b(?:mi|su|tu)\s+(?:n[úu]mero|tel[ée]fono|tel\.?|cel(?:ular)?|m[óo]vil|whats?app|wsp)|"
                         r"\b(?:inquilin|client|paciente|titular|solicitante|alumn|emplead|trabajador|propietari|"
                         r"arrendatari|usuari)[oae]s?\b)[^\n]{0,100}$")
# "QUISPE MAMANI, Rosa", "Nombre: ROSARIO QUINTANILLA"
# a chat export's line ("[22/09/23, 20:01] Name: ...") or a name in capitals after a title ("Sr(a) ANA PAZ")
_CHAT_OR_TITLE_HINT = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?\s?m\.?)?\]?\s*(?:-\s*)?[A-ZÁÉÍÓÚÑÜ][^\n:]{1,40}:\s|"
                                 r"(?i:estimad[oa]|apreciad[oa]|sr|sra|srta|señor|señora|ship\s+to|from|bill\s+to)"
                                 r"(?:\(a\))?\.?\s*:?[ \t]+[A-ZÁÉÍÓÚÑÜ]{2,}[ \t]+[A-ZÁÉÍÓÚÑÜ]{2,}")
_SURNAMES_FIRST_HINT = re.compile(r"[A-ZÁÉÍÓÚÑÜ]{2,}\s+[A-ZÁÉÍÓÚÑÜ]{2,},\s*[A-ZÁÉÍÓÚÑÜ]|:[ \t]*[A-ZÁÉÍÓÚÑÜ]{2,}[ \t]+[A-ZÁÉÍÓÚÑÜ]{2,}")
# a bare id number right after a person's name in a list or a table: "Ana Ruiz, 30.456.789, Rosario",
# "| Ana Ruiz | 30456789 |" (not an amount: no currency after it)
_ID_AFTER_NAME = re.compile(r"[ \t]*[,;|\t–-][ \t]*(\d{1,3}(?:\.\d{3}){2,3}|\d{7,11})(?![\d.,]\d)"
                            r"(?![ \t]*(?i:pesos|guaran[íi]es|gs\.?|bs\.?|soles|colones|d[óo]lares|usd|euros|€|\$|lempiras|"
                            r"quetzales|córdobas|cordobas|balboas|bolívares|bolivares))")


_ID_OPENING_NAMES_LINE = re.compile(r"(?:^|\n)[ \t]*(?:[-*•]\s*)?(\d{1,3}(?:\.\d{3}){2,3}|\d{7,11})[ \t]*[,;|\t–-]?[ \t]*$")


# what an address that opens with its street or unit may have before it: the estate or building it is in ("–
# Condado del Rey, calle 2da, casa 14", "en PH Bayside, piso 18, apto 18-B"), after a dash, a colon or "en"
_UPPER_CHARS = "A-ZÁÉÍÓÚÑÜ"
_ESTATE_BEFORE = re.compile(
    rf"(?:^|\n|[–—:;]|\ben|\bde)[ \t]+((?:(?:PH|Res\.|Urb\.|Edif\.|Cond\.)[ \t]+)?[{_UPPER_CHARS}][\w'’]*(?:[ \t]+(?:(?:de|del)[ \t]+)?(?:(?:la|las|los|el)[ \t]+)?"
    rf"(?:[{_UPPER_CHARS}][\w'’]*|\d{{1,3}}|N\.?\s?[°º]\s*\d{{1,3}})){{0,4}}"
    rf"(?:,[ \t]*(?i:piso|planta|torre|bloque|edificio|edif\.)[ \t]+[\w\-]{{1,6}})?),[ \t]*$")
_ADDRESS_OPENING = re.compile(r"(?i:calle|c/|avenida|av\.|avda\.|carrera|cra\.|pasaje|jr\.|jir[óo]n|apto|apartamento|"
                              r"apt\.|casa|piso|dpto|depto|departamento|bloque|torre|manzana|mz|lote|lt)\b")


# what locates a house after its address: "..., al lao del colmado de Chucho", "..., frente al play", "..., casa
# esquinera portón negro", "..., la del portón azul" (up to the next comma, period or line)
_ADDRESS_TAIL = re.compile(
    r",?[ \t]+(?:(?i:al\s+lado|al\s+lao|a\s+la\s+par|frente|enfrente|junto|cerca|detr[áa]s|diagonal|"
    r"contiguo|pegad[oa])\s+(?:de(?:l)?|a(?:l)?)\b|(?i:casa|port[óo]n|la\s+del|la\s+de\s+(?:la|el)|"
    r"el\s+apartamento|apto\.?)\b)[^,.;:\n]{1,40}"
    # the door's own parts: "portal 2, escalera B, 3.º izq.", "interior 4 apto 302", "bloque D, casa 1421", "7mo C"
    r"|,?[ \t]+\(?(?i:portal|escalera|esc|piso|planta|puerta|pta|bloque|blq|torre|interior|int|apartamento|apto|apt|"
    r"departamento|depto|dpto|dto|lote|lt|mz|manzana|local|oficina|of)\.?[ \t]*[\w°ºª\-]{1,5}\b\.?\)?"
    r"|,?[ \t]+\d{1,2}[ \t]*(?:\.?[°ºª]|mo|vo|to|ro|do|er|no)\.?[ \t]*(?:(?i:izq|izda|dcha|der|dto|depto)\.?|[A-H]\b)"
    # the streets it is between ("(entre Salguero y Medrano)", "entre calles 14 y 15"), its postal code and its town
    r"|,?[ \t]+\(?(?i:entre|esquina|esq\.)[^,.;:()\n]{2,45}\)?"
    r"|,?[ \t]+(?:(?i:c\.?\s?p\.?)[ \t]*)?\d{4,5}[ \t]+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+(?:[ \t]+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)?"
    r"|,[ \t]+(?:B°|(?i:barrio|col\.|colonia|urb\.|sector|zona))[ \t]+[^,.;:\n]{2,30}")
_TAIL_SEGMENTS = 5


def addresses_with_their_estate(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """Each address that opens with its street or unit runs back over the estate or building named before it, and
    on over the landmarks and the house's looks written after it (`_ADDRESS_TAIL`)."""
    out = []
    for span in spans:
        if span.entity_type == "STREET_ADDRESS" and _ADDRESS_OPENING.match(text, span.start):
            match = _ESTATE_BEFORE.search(text, max(0, span.start - 90), span.start)
            if match and all(o is span or o.end <= match.start(1) or o.start >= span.start for o in spans):
                span = PiiSpan(span.entity_type, match.start(1), span.end, span.score)
        if span.entity_type == "STREET_ADDRESS":
            end = span.end
            for _ in range(_TAIL_SEGMENTS):
                tail = _ADDRESS_TAIL.match(text, end)
                if not tail or any(o is not span and end <= o.start < tail.end() for o in spans):
                    break
                end = tail.end()
            if end != span.end:
                span = PiiSpan(span.entity_type, span.start, end, span.score)
        out.append(span)
    return out


def ids_beside_names(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """NATIONAL_ID spans for bare id-shaped numbers right after a private person's name (see `_ID_AFTER_NAME`)."""
    found = []
    for span in spans:
        if span.entity_type != "PERSON":
            continue
        match = _ID_AFTER_NAME.match(text, span.end)
        if match and not text[max(0, match.start(1) - 1):match.start(1)] in ("$", "€"):
            found.append(PiiSpan("NATIONAL_ID", match.start(1), match.end(1), 0.7))
        # ... or right before it, opening a line of a list: "4.567.321 Rosa Benítez"
        match = _ID_OPENING_NAMES_LINE.search(text, max(0, span.start - 20), span.start)
        if match:
            found.append(PiiSpan("NATIONAL_ID", match.start(1), match.end(1), 0.7))
    return [f for f in found if all(f.end <= s.start or f.start >= s.end for s in spans)]


# personal data only beside other personal data (see `anchored`): a property's, a membership's or a policy's number,
# a code after a form's label, a handle on a social network, a card's number masked by stars (its last digits only)
UNANCHORED = frozenset({"REGISTRY_ID", "SOCIAL_HANDLE", "MASKED_CARD"})


def _boosted(score: float, max_score: float) -> float:
    """A match's score with its context word found (CONTEXT_BOOST), capped at its recognizer's `max_score`."""
    return round(min(1.0, score + CONTEXT_BOOST, max_score), 3)


ADDRESS_NEAR = 100  # characters within which personal data makes a place named without an address word an address
# the context-only address patterns that count beside personal data: a settlement or a landmark ("aldea X, ...",
# "frente al parque ..."); not a bare name and number ("Córdoba 29"), which prose writes too often
BESIDE_PERSONAL_DATA = frozenset({"settlement:ctx", "landmark:ctx"})


def addresses_beside_personal_data(text: str, spans: list[PiiSpan], deferred: list[PiiSpan],
                                   unrun: _Plan | None) -> list[PiiSpan]:
    """The addresses that only count after an address word ("barrio X, ...", "aldea X, ...", a landmark), found where
    no such word precedes them, when they are within `ADDRESS_NEAR` characters of someone's id, phone, e-mail or a
    name shown personal: "agricultor <name>, DPI <id>, aldea Sesajal, San Pedro Carchá". `unrun`: the address
    recognizer whose context-only patterns did not run (no context word in the text): run them now."""
    anchors = [s for s in spans if s.entity_type not in ("STREET_ADDRESS", "PERSON", *UNANCHORED) or
               (s.entity_type == "PERSON" and s.score >= 0.8)]
    if not anchors:
        return []
    candidates = list(deferred)
    if unrun is not None:
        candidates += [PiiSpan("STREET_ADDRESS", r.start, r.end, _boosted(float(r.score), unrun.max_score))
                       for r in unrun.recognizer.matches(text, context_patterns=BESIDE_PERSONAL_DATA)]
    return [d for d in candidates if any(abs(a.start - d.end) < ADDRESS_NEAR or abs(d.start - a.end) < ADDRESS_NEAR
                                         for a in anchors)]


def anchored(spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` without the numbers of a property, a membership or a policy (REGISTRY_ID) when nothing else in the text
    is personal data: "Finca N° 12.345 ... Titular: <name>, C.I. <id>" is someone's; "en la guía ponen el ejemplo
    'Finca 12345'" is a registry's illustration."""
    if all(s.entity_type not in UNANCHORED for s in spans) or any(
            s.entity_type not in UNANCHORED and s.score >= MIN_SCORE for s in spans):
        return spans
    return [s for s in spans if s.entity_type not in UNANCHORED]


def detect_pii(text: str, *, min_score: float = MIN_SCORE, groups: set[str] | None = None) -> list[PiiSpan]:
    """PII entities in `text` (Spanish, any country), sorted by position, non-overlapping.

    Entity types: EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS, URL_PERSONAL, PERSON,
    STREET_ADDRESS, DATE_OF_BIRTH, MX_CLABE (bank account) and national ids (ES_NIF, ES_NIE, ES_NSS, MX_CURP,
    MX_RFC, CL_RUT, AR_CUIT, AR_DNI, PE_DNI, CO_CEDULA, EC_CEDULA, UY_CI, VE_CEDULA, DO_CEDULA, GT_DPI, SV_DUI,
    HN_DNI, NI_CEDULA, CR_CEDULA, PA_CEDULA, US_SSN, NATIONAL_ID), and by shape and context: BANK_ACCOUNT, AR_CBU,
    LICENSE_PLATE, PASSPORT, MASKED_NUMBER, REGISTRY_ID (property, membership, policy and patient file numbers, only
    beside other personal data). A check digit raises a score; it does not gate a finding.
    `groups`: the text's trigger groups when already computed for a whole batch (`triggered_groups_batch`).
    """
    from corpus600m.filters.pii_triggers import triggered_groups

    if not text:
        return []
    if groups is None:
        groups = triggered_groups(text)
    if not groups:
        return []
    spans = _detect(text, min_score, groups)
    if "transcribed" in groups:
        # numbers an OCR scan spoiled or a dictation spelled out: found in the text with them in digits, and
        # mapped back onto the numbers as written (`pii_transcribed`)
        from corpus600m.filters.pii_transcribed import rewrite, to_original

        rewritten = rewrite(text)
        if rewritten is not None:
            alt, pieces = rewritten
            found = [PiiSpan(s.entity_type, to_original(s.start, pieces, end=False),
                             to_original(s.end, pieces, end=True), s.score)
                     for s in _detect(alt, min_score, triggered_groups(alt))]
            spans = _resolve_overlaps(spans + found, text)
    return spans


def _detect(text: str, min_score: float, groups: set[str]) -> list[PiiSpan]:
    """`detect_pii` on the text as written."""
    from corpus600m.filters.pii_columns import column_values, might_have_columns, thing_cells

    lower = text.lower()
    spans: list[PiiSpan] = []
    windows = _digit_windows(text) if "digits" in groups else None
    # addresses of the context-only patterns with no context word before them: kept beside personal data
    # (`addresses_beside_personal_data`); `unrun`: an address recognizer whose context-only patterns did not run
    deferred: list[PiiSpan] = []
    unrun: _Plan | None = None
    for plan in _get_plans():
        if plan.trigger not in groups:
            continue
        needs_context = plan.needs_context
        # a context word found in the window before a match is found in the whole text: with none in the
        # text, the context-only patterns cannot count, so they are not even run
        any_context = not needs_context or any(word in lower for word in plan.context)
        if not any_context and plan.entity == "STREET_ADDRESS":
            unrun = plan
        if not any_context and len(needs_context) == len(plan.recognizer.patterns):
            continue
        found = _run_recognizer(plan, text, any_context, windows if plan.trigger == "digits" else None)
        entity = plan.entity
        for result in found:
            score = float(result.score)
            pattern_name = (result.recognition_metadata or {}).get("pattern", "")
            context = plan.context and _has_context(lower, result.start, plan.context)
            if pattern_name in needs_context and not context:
                if entity == "STREET_ADDRESS" and pattern_name in BESIDE_PERSONAL_DATA:
                    deferred.append(PiiSpan(entity, result.start, result.end, _boosted(score, plan.max_score)))
                continue
            score = _boosted(score, plan.max_score) if context else round(min(score, plan.max_score), 3)
            spans.append(PiiSpan(entity, result.start, result.end, score))
    if any(s.entity_type == "PHONE_NUMBER" for s in spans):
        from corpus600m.filters.pii_shapes import public_number

        spans = [s for s in spans if s.entity_type != "PHONE_NUMBER" or not public_number(text[s.start:s.end])
                 or _OWN_NUMBER.search(text, max(0, s.start - 120), s.start)]
    if any(s.entity_type in ("PHONE_NUMBER", "EMAIL_ADDRESS") for s in spans) or _SURNAMES_FIRST_HINT.search(text) \
            or _CHAT_OR_TITLE_HINT.search(text):
        from corpus600m.filters.pii_people import names_in_forms

        spans = spans + names_in_forms(text, spans)
    if spans:
        from corpus600m.filters.pii_people import lone_given_names

        spans = spans + lone_given_names(text, spans)
    if any(s.entity_type in ("PERSON", "DATE_OF_BIRTH") for s in spans):
        from corpus600m.filters.pii_people import decide_people, names_in_academic_work

        spans = decide_people(text, spans + names_in_academic_work(text, spans))
        spans = spans + ids_beside_names(text, spans)
        if "&" in text or "\ny\n" in text:
            from corpus600m.filters.pii_people import couples

            spans = spans + couples(text, spans)
    if might_have_columns(text):
        # a value whose column header or key names it (a pasted table, JSON, a vCard, an INSERT), kept as its
        # header says even where its shape alone would not count
        spans = spans + column_values(text)
        if things := thing_cells(text):  # ... and none in a product's EAN column or after a population's key
            spans = [s for s in spans if s.entity_type == "PERSON" or not any(a <= s.start and s.end <= b
                                                                               for a, b in things)]
    if deferred or unrun is not None:
        spans = spans + addresses_beside_personal_data(text, spans, deferred, unrun)
    from corpus600m.filters.pii_public import (
        _ACRONYM,
        EXAMPLE_WORD,
        SERVICE,
        business_data,
        placeholders_and_offices,
        public_addresses,
        public_directory,
        quoted_examples,
        things_numbers,
    )

    if spans:
        # an amount of money is no one's number: "precio 1.450.000 FCFA", "Bs. 1.250,00", "US$ 12 500"
        spans = [s for s in spans if not (_DIGITS_ONLY.fullmatch(text, s.start, s.end) and (
            _AMOUNT_AFTER.match(text, s.end) or _AMOUNT_BEFORE.search(text, max(0, s.start - 12), s.start)))]
    if spans and (SERVICE.search(text) or _ACRONYM.search(text)):
        spans = public_directory(text, spans)
    if spans:
        spans = things_numbers(text, business_data(text, placeholders_and_offices(text, spans)))
    if spans and EXAMPLE_WORD.search(text):
        spans = quoted_examples(text, spans)
    if any(s.entity_type in ("STREET_ADDRESS", "PHONE_NUMBER") for s in spans):
        spans = addresses_with_their_estate(text, public_addresses(text, spans))
    if spans:
        from corpus600m.filters.pii_people import dates_beside_ids

        spans = anchored(spans + dates_beside_ids(text, spans))
    if spans and _DATETIME.search(text):
        # a log's time stamp ("2025-07-04 11:03:22") is no phone, and no address's number
        stamps = [m.span() for m in _DATETIME.finditer(text)]
        spans = [s for s in spans if s.entity_type == "PERSON" or not any(s.start < e and b < s.end for b, e in stamps)]
    return _resolve_overlaps([_within_paragraph(text, s) for s in spans if s.score >= min_score], text)


_DIGITS_ONLY = re.compile(r"[\d.,\s']+")
_AMOUNT_AFTER = re.compile(r"[ \t]?(?i:pesos|guaran[íi]es|gs\.|soles|colones|d[óo]lares|usd|eur|euros|€|lempiras|"
                             r"quetzales|c[óo]rdobas|balboas|bol[íi]vares|fcfa|cfa|xaf|mxn|cop|clp|ars|pen|cup|uyu|pyg|"
                             r"dop|gtq|hnl|nio|crc|bob|ves|"
                             # ... nor a count of things: "9 745 149 habitantes", "3.104.221 registros"
                             r"habitantes|personas|registros|votos|visitas|visitantes|usuarios|alumnos|estudiantes|"
                             r"afiliados|ejemplares|unidades|hect[áa]reas|toneladas|litros|barriles|dosis|casos|"
                             r"viviendas|empleos|kil[óo]metros|km|metros)(?![a-záéíóúñ])")
_AMOUNT_BEFORE = re.compile(r"(?:[$€₡£]|(?i:us\$|rd\$|s/\.?|bs\.?|gs\.?|c\$|b/\.)|\b[QL]\.?)[ \t]?$")


_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?|T\d{2})")


def _within_paragraph(text: str, span: PiiSpan) -> PiiSpan:
    """An address does not run over a blank line ("... del municipio\n\n2025-07-04"): its longer side is kept."""
    if span.entity_type != "STREET_ADDRESS" or "\n\n" not in text[span.start:span.end]:
        return span
    cut = text.index("\n\n", span.start)
    after = cut + len(text[cut:span.end]) - len(text[cut:span.end].lstrip())
    if cut - span.start >= span.end - after:
        return PiiSpan(span.entity_type, span.start, cut, span.score)
    return PiiSpan(span.entity_type, after, span.end, span.score)


def propagate_findings(texts: dict[str, str | None], spans: dict[str, list[PiiSpan]]) -> dict[str, list[PiiSpan]]:
    """What is personal data in one place of a record is personal data everywhere in it: every value found (in
    any field) is also redacted where it appears again, in the same field or another, where the context there
    did not give it away ("Mis datos: Rosa Quispe Mamani, DNI ..." in the instruction, "Rosa Quispe Mamani nació
    ..." in the output). Names match whatever their case ("JUAN CARLOS MEJÍA TEJEDA"); other values exactly."""
    if all(s.entity_type == "PERSON" for found in spans.values() for s in found) and any(spans.values()):
        from corpus600m.filters.pii_people import public_record

        if public_record([t for t in texts.values() if t]):  # names only, in a record about a work or history
            return {name: [] for name in spans}
    from corpus600m.filters.pii_public import historical_record, things_values

    if any(spans.values()) and historical_record(texts, spans):
        return {name: [] for name in spans}
    if exempt := things_values(texts, spans):  # a tracking number repeated in the answer is one still
        spans = {name: [s for s in found if not (texts[name] and texts[name][s.start:s.end] in exempt)]
                 for name, found in spans.items()}
    found = {(span.entity_type, text[span.start:span.end]) for name, text in texts.items() if text
             for span in spans[name]}
    found = {(kind, value) for kind, value in found if len(value.strip()) >= 3}
    if not found:
        return spans
    found |= _reformatted(texts, found)
    from corpus600m.filters.pii_people import extend_name

    # the parts of a name alone only when something showed the name personal (a cue, contact data, an id...)
    confirmed = {text[s.start:s.end] for name, text in texts.items() if text for s in spans[name]
                 if s.entity_type == "PERSON" and s.score >= 0.8}
    found |= {("PERSON", part) for value in confirmed if len(value.strip()) >= 3 for part in name_parts(value)}
    found |= {("STREET_ADDRESS", street) for kind, value in found if kind == "STREET_ADDRESS"
              if (street := address_street(value))}
    out = {}
    for name, text in texts.items():
        field_spans = list(spans[name])
        if text:
            folded = text.casefold()
            if len(folded) != len(text):  # a letter whose case folding changes the length (ß): exact matches only
                folded = text
            for kind, value in sorted(found, key=lambda kv: (-len(kv[1]), kv)):  # whole names before their parts
                needle, haystack = (value.casefold(), folded) if kind == "PERSON" else (value, text)
                start = haystack.find(needle)
                while start != -1:
                    end = start + len(needle)
                    whole = (start == 0 or not haystack[start - 1].isalnum()) and (
                        end == len(haystack) or not haystack[end].isalnum())
                    if whole and kind == "PERSON":  # a given name found alone runs on ("Yusmary" del Valle Pérez)
                        end = extend_name(text, start, end)
                    overlapping = [s for s in field_spans if not (end <= s.start or start >= s.end)]
                    if whole and kind == "PERSON" and overlapping and all(
                            s.entity_type == "PERSON" and start <= s.start and s.end <= end for s in overlapping):
                        # a whole name over a part of it found alone ("don [hernando] beltrán")
                        field_spans = [s for s in field_spans if s not in overlapping]
                        overlapping = []
                    if whole and not overlapping:
                        field_spans.append(PiiSpan(kind, start, end, MIN_SCORE + 0.1))
                    start = haystack.find(needle, end)
            field_spans += _surnames_after_titles(text, confirmed, field_spans)
        out[name] = sorted(field_spans, key=lambda s: s.start)
    return out


_DIGIT_GROUPS = re.compile(r"(?<![\w.,])\d(?:[ .\-/]?\d){6,18}(?![\w]|[.,]\d)")


def _reformatted(texts: dict[str, str | None], found: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The numbers found written again with other separators ("4.567.321" as "4567321", "0801-1987-02345" as
    "0801 1987 02345"): the same 7+ digits are the same person's number."""
    digits = {}
    for kind, value in found:
        if kind not in ("PERSON", "STREET_ADDRESS", "EMAIL_ADDRESS", "DATE_OF_BIRTH"):
            core = re.sub(r"\D", "", value)
            if len(core) >= 7 and core == re.sub(r"[ .\-/]", "", value):
                digits[core] = kind
    if not digits:
        return set()
    return {(digits[core], m.group()) for text in texts.values() if text for m in _DIGIT_GROUPS.finditer(text)
            if (core := re.sub(r"\D", "", m.group())) in digits and m.group() not in {v for _, v in found}}


def address_street(address: str) -> str | None:
    """The street and number an address opens with, to find it where it is written alone ("3920 Pecos St Apt 12,
    Denver, CO 80211" -> "3920 Pecos St Apt 12"): its first segment, when it has a number and two words or more."""
    head = address.split(",", 1)[0].strip()
    if head == address.strip() or not any(ch.isdigit() for ch in head) or len(head.split()) < 2 or len(head) < 8:
        return None
    return head


# a surname alone names its person after a title or "familia" ("la familia Buale", "la señora Quispe", "Sr. Cux")
_TITLE_OR_FAMILY = re.compile(r"(?i:\b(?:familia|flia\.|señor|señora|señorita|sr\.|sra\.|srta\.|don|doña|dr\.|dra\.|"
                              r"lic\.|licda\.|ing\.|prof\.|profe|profesor|profesora|hermanos|esposos|los)\s+)$")


def _surnames_after_titles(text: str, confirmed: set[str], spans: list[PiiSpan]) -> list[PiiSpan]:
    """PERSON spans for a surname of a name shown personal (`confirmed`) where it stands alone after a title or
    "familia" (a surname alone elsewhere is too often a place or someone else: see `name_parts`)."""
    from corpus600m.filters.pii_people import is_given_name

    surnames = set()
    for value in confirmed:
        words = [w for w in _NAME_WORDS.findall(value.partition(",")[0] if "," in value else value)
                 if w.lower() not in _NAME_PARTICLES]
        if "," not in value:
            while len(words) > 1 and is_given_name(words[0]):
                words = words[1:]
        surnames |= {w.casefold() for w in words if len(w) >= 3 and w[0].isupper()}
    found = []
    if not surnames:
        return found
    for match in _NAME_WORDS.finditer(text):
        if match.group().casefold() in surnames and match.group()[0].isupper() \
                and _TITLE_OR_FAMILY.search(text, max(0, match.start() - 20), match.start()) \
                and all(match.end() <= s.start or match.start() >= s.end for s in spans):
            found.append(PiiSpan("PERSON", match.start(), match.end(), MIN_SCORE + 0.1))
    return found


_NAME_WORDS = re.compile(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*")
_NAME_PARTICLES = frozenset(["de", "del", "la", "las", "los", "y", "da", "do", "dos", "van", "von"])


def name_parts(name: str) -> list[str]:
    """The parts of a full name that name the same person alone later in a record: its given names ("Franklin" of
    "Franklin Manuel De los Santos") and its surnames together ("Quispe Mamani" of "Rosa Quispe Mamani", which
    also finds "QUISPE MAMANI, Rosa"). Surname-first form names ("MAMANI CONDORI, Juan Carlos") split at the comma.
    A single surname is not a part: alone it is too often a place or someone else."""
    from corpus600m.filters.pii_people import is_given_name

    if "," in name:
        surnames, _, given = name.partition(",")
        words = _NAME_WORDS.findall(given)
        parts = [w for w in words if len(w) >= 3 and is_given_name(w)]
        surname_words = _NAME_WORDS.findall(surnames)
        if len(surname_words) >= 2:
            parts.append(surnames.strip())
        return parts
    from corpus600m.filters.pii_recognizers import _unknown_word

    words = [w for w in _NAME_WORDS.findall(name) if w.lower() not in _NAME_PARTICLES and len(w) > 1]
    if len(words) < 2:
        return []
    given = 0
    while given < len(words) - 1 and (is_given_name(words[given]) or (given == 0 and _unknown_word(words[0]))):
        given += 1
    parts = [w for w in words[:given] if len(w) >= 3 and w[0].isupper()]
    if len(words) - given >= 2:
        first_surname = name.find(words[given], sum(len(w) for w in words[:given]))
        parts.append(name[first_surname:].strip())
    return parts


def placeholder(entity_type: str, placeholders: dict[str, str] | None = None) -> str:
    """The typed placeholder that replaces an entity, e.g. `<EMAIL>`, `<PHONE>`, `<MX_CURP>`."""
    table = {**PLACEHOLDERS, **(placeholders or {})}
    return table.get(entity_type, f"<{entity_type}>")


def apply_pii_policy(
    field: str, text: str, spans: list[PiiSpan], policy: dict[str, str], default_action: str = "redact",
    placeholders: dict[str, str] | None = None,
) -> tuple[str, list[PiiFinding], list[str]]:
    """Apply the per-entity policy (`redact` | `reject` | `keep`) to one field.

    Returns the new text (entities with `redact` replaced by typed placeholders), the findings (offsets in
    the ORIGINAL text, with the action taken) and the entity types whose policy is `reject`.
    """
    findings: list[PiiFinding] = []
    rejecting: list[str] = []
    pieces: list[str] = []
    cursor = 0
    for span in spans:
        action = policy.get(span.entity_type, default_action)
        if action == "reject":
            rejecting.append(span.entity_type)
            findings.append(PiiFinding(field=field, entity_type=span.entity_type, start=span.start, end=span.end,
                                       score=span.score, action=PiiAction.REJECTED))
        elif action == "keep":
            findings.append(PiiFinding(field=field, entity_type=span.entity_type, start=span.start, end=span.end,
                                       score=span.score, action=PiiAction.KEPT))
        else:
            pieces.append(text[cursor:span.start])
            pieces.append(placeholder(span.entity_type, placeholders))
            cursor = span.end
            findings.append(PiiFinding(field=field, entity_type=span.entity_type, start=span.start, end=span.end,
                                       score=span.score, action=PiiAction.REDACTED))
    pieces.append(text[cursor:])
    return "".join(pieces), findings, rejecting


def build_analyzer():
    """A presidio `AnalyzerEngine` for Spanish with this module's recognizers (blank spaCy `es`, no download).

    Use `analyzer.analyze(text, language="es")`. Slower than `detect_pii` (it runs the spaCy pipeline and every
    recognizer on every text), but it is presidio's standard interface.
    """
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    registry = RecognizerRegistry(supported_languages=["es"])
    for recognizer in _get_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=blank_spanish_nlp_engine(), supported_languages=["es"])


def blank_spanish_nlp_engine():
    """A presidio NLP engine over `spacy.blank("es")`: tokenization only, nothing to download."""
    import spacy
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpanishNlpEngine(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = {"es": spacy.blank("es")}

    engine = BlankSpanishNlpEngine(models=[{"lang_code": "es", "model_name": "blank_es"}])
    engine.load()
    return engine
