"""The PII prefilter: cheap trigger groups that say which recognizers can match a text (`triggered_groups` for one
text, `triggered_groups_batch` for a whole batch with polars). Each group is a NECESSARY condition for its
recognizers (their `trigger` attribute) to report anything, so skipping a group loses nothing."""

from __future__ import annotations

import re

from corpus600m.filters.pii_recognizers import (
    ADDRESS_WORDS,
    FIRST_NAMES,
    LOWER,
    NAME_CUE,
    PARTICLE,
    STREET_TYPE,
    UPPER,
)
from corpus600m.filters.pii_transcribed import TRIGGER as TRANSCRIBED_TRIGGER

# words that open a settlement, a rural address or a district (the addresses that start without a street type)
SETTLEMENT_WORDS = (r"bo\.|poblado|comunidad|parroquia|comarca|paraje|secci[óo]n|aa\.\s?hh\.|aldea|caser[íi]o|vereda|cant[óo]n|ranchería|cdla\.|ciudadela|residencial|urb\.|urbanizaci[óo]n|"
                    r"colonia|col\.|barrio|fraccionamiento|fracc\.|reparto|ensanche|ens\.|localidad|finca|hacienda|"
                    r"a\.\s?h\.|asentamiento|compañía|villa|población|poblaci[óo]n|corregimiento|distrito|res\.|resid\.|barriada|"
                    r"lotificaci[óo]n|lotif\.|conj\.")


# the address forms that open with neither a street type nor an address word: directions ("3 c. abajo", "100 m
# norte"), a unit first ("apartamento 4C, ..."), Yucatán's crossings ("60 x 53"), a US state and ZIP code
OPENINGS_WITHOUT_WORDS = (r"[\d½]\s*(?i:c\.|c|cuadras?|m|mts\.?|metros|varas|vrs\.?|km)?\s*(?i:al\s+)?"
                          r"(?i:norte|sur|este|oeste|lago|arriba|abajo|oriente|poniente)"
                          r"|(?i:\b(?:apartamento|apto|apt|ap|departamento|depto|dpto|casa|villa|local|oficina|lote|lt|"
                          r"parcela|solar|mz|manzana))\.?\s*(?:#|(?i:n\.?\s?[º°o]\.?))?\s*(?:\d|[A-Z]\b)"
                          r"|(?i:\b(?:edif|edificio|cond|condominio|residencias))\.?\s+[A-ZÁÉÍÓÚÑ]"
                          r"|\d(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:avenida|calle)\s+(?i:oriente|poniente|norte|sur|ote|pte)"
                          r"|\d\s+(?:x|por)\s+\d|[A-Z]{2}\s+\d{5}"
                          r"|\d\s+(?:[NSEW]\.?\s+)?[A-Z0-9]\w*(?:\s+\w+){0,3}\s+(?:St|Ave|Rd|Blvd|Dr|Ln|Ct|Pl|Pkwy|Hwy|Street|Avenue|Road|Drive|Lane|Court|Way)\W")  # (no \b at an end: `_dfa_friendly` reads \b as a start)


# The prefilter: one regex per recognizer group, each a NECESSARY condition for that group's recognizers to
# report anything (so skipping a group on a text that does not match it loses nothing). They run over a whole
# batch at once with polars (Rust regex). A Unicode `\b` makes Rust's regex leave its DFA (50x slower on
# accented text): `_dfa_friendly` spells each word-START boundary as "start of text or a non-word character"
# (the same matches for a search), which is all the patterns below use.
def _dfa_friendly(pattern: str) -> str:
    return pattern.replace(r"\b", r"(?:^|\W)")


TRIGGER_PATTERNS: dict[str, str] = {
    "digits": r"\d[\d\s().\-/]{4,}\d",
    "ip": r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|[0-9a-fA-F]{1,4}::?[0-9a-fA-F]{1,4}:",
    # ... and an account's alias, and a user name's word
    "at": _dfa_friendly(r"@|(?i:arroba|at\]|\(at\)|\{at\}|alias|usuario|user|login|nick|gamertag|\big\b|insta|tiktok|"
                        r"twitter|telegram|discord|skype|snapchat|threads)"),
    "url": r"(?i:http|www\.|facebook\.|instagram\.|twitter\.|linkedin\.|tiktok\.|github\.|youtube\.|wa\.me/|t\.me/|"
           r"x\.com/|fb\.com/|threads\.)",
    # ... or a masked number's last digits, or a card's said to be its last
    "upper": r"[A-ZÑ&]{2,4}[\s\-]?\d{2}|[*•]{2,}[\s\-.]?\d{3}|xx+[\s\-.](?:xx+[\s\-.])*\d{3}|(?i:termina\w*\s+en|[úu]ltimos\s+(?:4|cuatro))\W{0,3}\d{4}",
    # a cue right before a capitalized word, or a known first name followed by another capitalized word (the
    # two ways PersonRecognizer scores a candidate); "profesor", "parte" or "Rosa" alone no longer trigger it
    "name": _dfa_friendly(rf"(?i:{NAME_CUE})[\s\"'«]*[{UPPER}]|(?i:estimad[oa]|apreciad[oa]|sr|sra|srta|señor|señora)"
                          rf"(?:\(a\))?\.?\s*:?[ \t]+[{UPPER}]{{2,}}[ \t]+[{UPPER}]{{2,}}|(?i:\bsoy|\bme\s+llamo|\bmi\s+nombre\s+es|\bt[íi][oa]|\bseño|\bdoña|\bdon|\bña|\bprofe|\bprim[oa]|\bcuñad[oa]|\bcomadre|\bcompadre|\bmadrina|\bpadrino|\babuelit[oa]|\bsobrin[oa])\s+[{LOWER}]|\b(?:{'|'.join(sorted(set(FIRST_NAMES), key=len, reverse=True))})"
                          rf"\s+(?:{PARTICLE}\s+)?[{UPPER}]"),
    # the opening of StreetAddressRecognizer's pattern: a street type, then a capitalized word or a number
    # ... or an address word, or "Name 123, Place" (an address with no street type, closed by its town)
    "address": _dfa_friendly(rf"{STREET_TYPE}\s+(?:(?:de(?:l| la| los| las)?|la|el|los|las|do|da|dos|das)\s+)?"
                             rf"[{UPPER}0-9]|(?i:\b(?:{'|'.join(ADDRESS_WORDS)}))|"
                             rf"[{UPPER}][{LOWER}]+\s+\d{{1,5}}\b[^,\n]{{0,20}},\s*[{UPPER}]|"
                             rf"(?i:\b(?:{SETTLEMENT_WORDS}))\s+(?:(?i:de|del|de\s+la)\s+)?[{UPPER}]|(?i:domicilio\s+conocido)|\bHC-?\d|"
                             rf"\d(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:avenida|calle)\s+\d|{OPENINGS_WITHOUT_WORDS}|📍"),
    # two capitalized words in a row (`pii_people.CAPS_RUN` is the exact form): where the NER model may find a name
    "caps": rf"[{UPPER}][{LOWER}]+\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[\"'«“‘]?[{UPPER}][{LOWER}]",
    # numbers an OCR scan spoiled or a dictation spelled out (`pii_transcribed.rewrite`)
    "transcribed": TRANSCRIBED_TRIGGER,
    # (whole words: "nací", "nació", not "nacional")
    "dob": r"(?i:nac[íi](?:\W|$)|naci[óo](?:\W|$)|nacid[oa]|(?:^|\W)nac(?:\W|$)|nacimiento|f\.\s?nac|fecha\s+de\s+nac|"
           r"cumpleaños|(?:^|\W)born(?:\W|$)|birth|(?:^|\W)d\.?o\.?b(?:\W|$))",
}


# The per-text prefilter (`detect_pii(text)` alone, e.g. the publish gate's re-scan): word-set lookups and
# substring tests, looser than TRIGGER_PATTERNS (polars compiles those per call: ~4 ms, fine for a batch only).
_DIGITS_TRIGGER = re.compile(TRIGGER_PATTERNS["digits"])
_IP_TRIGGER = re.compile(TRIGGER_PATTERNS["ip"])
_UPPER_TRIGGER = re.compile(TRIGGER_PATTERNS["upper"])
_USER_WORD = re.compile(r"usuario|user|login|nick|gamertag|\big\b|insta|tiktok|twitter|telegram|discord|skype|"
                        r"snapchat|threads")
_WORDS = re.compile(r"[^\W\d_]+")
_NAME_CUES = frozenset(
    "llamo nombre llama atentamente firmado firma saludos att contacta contactar contacte habla hablar hable hablé "
    "pregunta preguntar pregunte paciente cliente alumno alumna titular solicitante remitente destinatario "
    "destinataria parte soy sr sra srta dr dra lic licda ing arq prof profa mtro mtra abg abog dña d don doña señor "
    "señora señorita vecino vecina hermano hermana primo prima tío tía tio tia amigo amiga jefe jefa esposo esposa "
    "novio novia hijo hija madre padre mamá mama papá papa abuelo abuela compañero compañera doctor doctora "
    "profesor profesora estimado estimada querido querida apreciado apreciada abrazo saludo cordiales "
    "cordialmente besos nombres apellido apellidos atte saluda contacten comunicar comunica comunique comuniquen "
    "comunicarse comuníquese comuniquese comunícate comunicate avisar avisa avise avisen avisarle avísale "
    "avisale seño ña profe madrina padrino abuelito abuelita sobrino sobrina cuñado cuñada comadre compadre "
    "escribe maestro maestra licenciado licenciada hijos hijas nietos nietas nieto nieta hermanos hermanas sobrinos sobrinas".split()
)
_ADDRESS_CUES = frozenset(
    "c dg tv tr ac ak pza pº ctra acceso bajada subida cañada cuesta glorieta vía via vial sector ampliación "
    "ampliacion andador cerrada circuito circunvalación circunvalacion continuación continuacion corredor eje "
    "peatonal periférico periferico privada retorno viaducto malecón malecon ruta senda costanilla plazuela polígono "
    "poligono paraje autopista autovía autovia pasadizo circular cr vivo vive viven vivimos dirección direccion "
    "domicilio domiciliado domiciliada reside residente ubicado ubicada envío envio enviar entregar entrega queda "
    "calle avenida avda av jirón jiron jr carrera cra kr cl diagonal transversal paseo plaza pasaje psje bulevar "
    "boulevard blvd camino carretera ronda travesía travesia callejón callejon prolongación prolongacion calzada "
    "urbanización urbanizacion urb colonia col manzana mz lote barrio rúa rua cll carrer avinguda passeig plaça "
    "placa rambla alameda pje bvar carr".split()
)
_CAPS_TRIGGER = re.compile(TRIGGER_PATTERNS["caps"])
_UNTYPED_ADDRESS_TRIGGER = re.compile(rf"[{UPPER}][{LOWER}]+\s+\d{{1,5}}\b[^,\n]{{0,20}},\s*[{UPPER}]")
_OTHER_ADDRESS_TRIGGER = re.compile(rf"(?i:\b(?:{SETTLEMENT_WORDS}))\s+(?:(?i:de|del|de\s+la)\s+)?[{UPPER}]|"
                                    rf"(?i:domicilio\s+conocido)|{OPENINGS_WITHOUT_WORDS}")
# the ones with a digit in them: only searched in texts with digits
_DIGIT_ADDRESS_TRIGGER = re.compile(rf"\bHC-?\d|\d(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:avenida|calle)\s+\d|{OPENINGS_WITHOUT_WORDS}")
_ANY_DIGIT = re.compile(r"\d")
_TRANSCRIBED_TRIGGER = re.compile(TRIGGER_PATTERNS["transcribed"])
_DOB_CUES = frozenset("nací naci nacido nacida nació nacio nacimiento cumpleaños nac born birth dob".split())
_SOCIAL = ("facebook.", "instagram.", "twitter.", "linkedin.", "tiktok.", "github.", "youtube.", "wa.me/", "t.me/",
           "x.com/", "fb.com/", "threads.")
_FIRST_NAME_SET = frozenset(FIRST_NAMES)


def triggered_groups(text: str) -> set[str]:
    """The recognizer groups whose cheap trigger matches `text` (an empty set means: no PII possible)."""
    groups: set[str] = set()
    lower = text.lower()
    if _DIGITS_TRIGGER.search(text):
        groups.add("digits")
        if _IP_TRIGGER.search(text):
            groups.add("ip")
    elif ":" in text and _IP_TRIGGER.search(text):
        groups.add("ip")
    if "@" in text or "arroba" in lower or "at]" in lower or "(at)" in lower or "{at}" in lower or "alias" in lower \
            or _USER_WORD.search(lower):
        groups.add("at")
    if "http" in lower or "www." in lower or any(site in lower for site in _SOCIAL):
        groups.add("url")
    if _UPPER_TRIGGER.search(text):
        groups.add("upper")
    words = set(_WORDS.findall(text))
    lower_words = {w.lower() for w in words}
    if lower_words & _NAME_CUES or words & _FIRST_NAME_SET:
        groups.add("name")
    has_digit = "digits" in groups or _ANY_DIGIT.search(text) is not None
    if lower_words & _ADDRESS_CUES or "c/" in lower or "📍" in text or (has_digit and _UNTYPED_ADDRESS_TRIGGER.search(text)) \
            or _OTHER_ADDRESS_TRIGGER.search(text) or (has_digit and _DIGIT_ADDRESS_TRIGGER.search(text)):
        groups.add("address")
    if _CAPS_TRIGGER.search(text):
        groups.add("caps")
    if lower_words & _DOB_CUES:
        groups.add("dob")
    if _TRANSCRIBED_TRIGGER.search(text):
        groups.add("transcribed")
    return groups


def triggered_groups_batch(texts: list[str | None]) -> list[set[str]]:
    """`triggered_groups` of many texts in one vectorized pass (polars, Rust regex); None/empty -> empty set."""
    import polars as pl

    if not texts:
        return []
    series = pl.Series("t", texts, dtype=pl.String)
    frame = pl.DataFrame({group: series.str.contains(pattern).fill_null(False)
                          for group, pattern in TRIGGER_PATTERNS.items()})
    groups = list(TRIGGER_PATTERNS)
    any_hit = frame.select(pl.any_horizontal(pl.all())).to_series().to_list()
    out: list[set[str]] = [set() for _ in texts]
    rows = [i for i, hit in enumerate(any_hit) if hit]
    if rows:
        hits = frame[rows].rows()
        for i, row in zip(rows, hits, strict=True):
            out[i] = {g for g, hit in zip(groups, row, strict=True) if hit}
    return out
