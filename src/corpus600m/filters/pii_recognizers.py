"""Presidio recognizers for personal data in Spanish text from every Spanish-speaking country.

Each recognizer is a presidio `PatternRecognizer` (so `build_analyzer()` in `pii.py` can register them in a
stock `AnalyzerEngine`), with two additions our fast path uses:

- `trigger`: the name of a cheap prefilter group (`digits`, `at`, `url`, `upper`, `name`, `address`, `dob`);
  the recognizer only runs on texts where that group matched;
- patterns whose name ends in `:ctx` only count when a context word (`context`) appears shortly before the
  match (numbers without a check digit, such as Argentina's DNI or Colombia's cédula, are everywhere in
  ordinary text otherwise).

Check digits (`pii_checksums.py`) are validated here (`validate_result`): an id whose check digit is wrong is
not reported by these recognizers; `pii_shapes.py` reports such values by their shape. The trigger groups
themselves are in `pii_triggers.py`.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.predefined_recognizers import IbanRecognizer, IpRecognizer

from corpus600m.filters.pii_checksums import (
    _digits,
    valid_ar_cuit,
    valid_card,
    valid_cl_rut,
    valid_do_cedula,
    valid_ec_cedula,
    valid_es_nie,
    valid_es_nif,
    valid_es_nss,
    valid_gt_dpi,
    valid_mx_clabe,
    valid_mx_curp,
    valid_mx_rfc,
    valid_sv_dui,
    valid_us_ssn,
    valid_uy_ci,
)

LANG = "es"
CASE_SENSITIVE = re.DOTALL | re.MULTILINE
CASE_INSENSITIVE = re.DOTALL | re.MULTILINE | re.IGNORECASE

# Regions whose phone numbers we look for: every country where Spanish is spoken (catalog) .
PHONE_REGIONS = ("ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN", "PY", "SV",
                 "NI", "CR", "PA", "UY", "PR", "GQ", "US")


# ---- the recognizer base ----------------------------------------------------------------------------------

class SpanishPatternRecognizer(PatternRecognizer):
    """A pattern recognizer with a prefilter trigger group, context-required patterns and a check-digit validator."""

    trigger = "digits"

    def __init__(self, entity: str, patterns: list[Pattern], context: list[str], *, validator=None,
                 trigger: str = "digits", flags: int = CASE_INSENSITIVE, name: str | None = None):
        self._validator = validator
        self.trigger = trigger
        super().__init__(supported_entity=entity, name=name or f"{entity}Recognizer", supported_language=LANG,
                         patterns=patterns, context=context, global_regex_flags=flags)

        # Our own compiled copies (stdlib `re`, several times faster than `regex` on these patterns).
        self._compiled = [(p, re.compile(p.regex, flags)) for p in patterns]

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if self._validator is None else bool(self._validator(pattern_text))

    def _cannot_match(self, text: str) -> set[str]:
        """The patterns that a cheap search shows cannot match `text` (see `StreetAddressRecognizer`)."""
        return set()

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        """Matches of the patterns; a pattern's group `pii`, when present, is the entity's span."""
        return self.matches(text)

    def matches(self, text: str, *, context_patterns: bool | frozenset[str] = True) -> list[RecognizerResult]:
        """`analyze` for our fast path: False skips the patterns that only count with a context word (`:ctx`), for a
        text with none of this recognizer's context words; a set of pattern names runs only those."""
        results = []
        entity = self.supported_entities[0]
        skip = self._cannot_match(text)
        for pattern, compiled in self._compiled:
            if (pattern.name.endswith(":ctx") if not context_patterns else isinstance(context_patterns, frozenset)
                    and pattern.name not in context_patterns) or pattern.name in skip:
                continue
            has_group = "pii" in compiled.groupindex
            for match in compiled.finditer(text):
                start, end = match.span("pii") if has_group else match.span()
                if start == end:
                    continue
                value = text[start:end]
                valid = self.validate_result(value)
                if valid is False or self.invalidate_result(value):
                    continue
                results.append(RecognizerResult(entity, start, end, 1.0 if valid else pattern.score,
                                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                                      "pattern": pattern.name}))
        return results


def _unknown_word(word: str) -> bool:
    """A word of 3+ letters that the Spanish lexicon (`spanish_model.spanish_lexicon`, 117k forms) does not have:
    after "soy" or next to a phone, such a word is a name ("soy Yorman", "Nerea 612 345 678"), where a word of the
    language would be a profession, a team or a department ("soy Ingeniero", "Ventas 600 123 456")."""
    from corpus600m.filters.spanish_model import spanish_lexicon

    return len(word) >= 3 and word.isalpha() and word.lower() not in spanish_lexicon()


def _p(name: str, regex: str, score: float) -> Pattern:
    return Pattern(name=name, regex=regex, score=score)


NB = r"(?<![\w.\-/])"  # not glued to a word, a decimal or another number
NA = r"(?![\w\-/]|\.\d)"

ID_CONTEXT_GENERIC = ["documento", "identidad", "identificación", "identificacion", "número de", "numero de", "n°", "nº",
                      "no."]


def national_id_recognizers() -> list[SpanishPatternRecognizer]:
    """Recognizers of national ids, tax ids and social security numbers (validated where a check digit exists)."""
    R = SpanishPatternRecognizer
    return [
        # the letter is lower-case only when glued to the digits: "12345678 y" is a number and a conjunction
        R("ES_NIF", [_p("nif", NB + r"\d{2}\.?\d{3}\.?\d{3}(?:[\s\-]?[A-Z]|[a-z])" + NA, 0.5)],
          ["dni", "nif", "d.n.i", "documento", "identidad"], validator=valid_es_nif, flags=CASE_SENSITIVE),
        R("ES_NIE", [_p("nie", NB + r"(?:[XYZ][\s\-]?|[xyz])\d{7}(?:[\s\-]?[A-Z]|[a-z])" + NA, 0.5)],
          ["nie", "extranjero", "residencia"], validator=valid_es_nie, flags=CASE_SENSITIVE),
        R("ES_NSS", [_p("nss", NB + r"\d{2}[/\s\-]?\d{8}[/\s\-]?\d{2}" + NA, 0.5)],
          ["seguridad social", "nss", "n.s.s", "afiliación", "afiliacion"], validator=valid_es_nss),
        # any case ("mi curp: gomc850712hdfnrr04"): 18 characters with a real date and a check digit; its six
        # date digits put it in the `digits` group
        R("MX_CURP", [_p("curp", r"\b[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{5}[A-Z\d]\d\b", 0.5)], ["curp"],
          validator=valid_mx_curp, trigger="digits", flags=CASE_INSENSITIVE),
        R("MX_RFC", [_p("rfc", r"\b[A-ZÑ&]{3,4}[\s\-]?\d{6}[\s\-]?[A-Z\d]{2}[A\d]\b", 0.5)], ["rfc", "sat", "fiscal"],
          validator=valid_mx_rfc, trigger="upper", flags=CASE_SENSITIVE),
        R("MX_CLABE", [_p("clabe", NB + r"(?:\d{18}|\d{3}[\s\-]\d{3}[\s\-]\d{11}[\s\-]\d|\d{4}(?:[\s\-]\d{4}){3}[\s\-]\d{2})"
                                 + NA, 0.5)],
          ["clabe", "interbancaria", "cuenta", "transferencia", "depósito", "deposito"], validator=valid_mx_clabe),
        R("CL_RUT", [_p("rut dotted", NB + r"\d{1,2}\.\d{3}\.\d{3}[\s]?-[\s]?[\dkK]" + NA, 0.5),
                     _p("rut hyphen", NB + r"\d{7,8}-[\dkK]" + NA, 0.5),
                     _p("rut plain:ctx", NB + r"\d{7,8}[\dkK]" + NA, 0.3)],
          ["rut", "run", "r.u.t", "rol único", "rol unico"], validator=valid_cl_rut),
        R("AR_CUIT", [_p("cuit", NB + r"(?:20|23|24|27|30|33|34)[\-\s]?\d{8}[\-\s]?\d" + NA, 0.5)],
          ["cuit", "cuil", "c.u.i.t", "c.u.i.l"], validator=valid_ar_cuit),
        R("AR_DNI", [_p("dni dotted:ctx", NB + r"\d{1,2}\.\d{3}\.\d{3}" + NA, 0.3),
                     _p("dni plain:ctx", NB + r"\d{7}" + NA, 0.3)],
          ["dni", "d.n.i", "documento", "doc."]),
        R("PE_DNI", [_p("dni:ctx", NB + r"\d{8}(?:-\d)?" + NA, 0.3)], ["dni", "d.n.i", "documento", "reniec"]),
        R("CO_CEDULA", [_p("cc dotted:ctx", NB + r"[1-9]\d{0,2}(?:\.\d{3}){2,3}" + NA, 0.3),
                        _p("cc plain:ctx", NB + r"[1-9]\d{5,9}" + NA, 0.3)],
          ["cédula", "cedula", "c.c.", "c.c", "cc.", "cc ", "identificado con", "identificada con"]),
        R("EC_CEDULA", [_p("cedula", NB + r"\d{9}-?\d(?:001)?" + NA, 0.5)], ["cédula", "cedula", "ruc", "ci"],
          validator=valid_ec_cedula),
        R("UY_CI", [_p("ci formatted", NB + r"\d\.?\d{3}\.?\d{3}-\d" + NA, 0.5),
                    _p("ci plain:ctx", NB + r"\d{7,8}" + NA, 0.3)],
          ["cédula", "cedula", "c.i.", "ci ", "c.i"], validator=valid_uy_ci),
        R("VE_CEDULA", [_p("cedula prefixed", r"\b[VE][\-\s]?\d{1,2}\.?\d{3}\.?\d{3}" + NA, 0.6),
                        _p("cedula:ctx", NB + r"\d{1,2}\.\d{3}\.\d{3}" + NA, 0.3)],
          ["cédula", "cedula", "c.i.", "ci ", "saime"], flags=CASE_SENSITIVE),
        R("DO_CEDULA", [_p("cedula", NB + r"\d{3}-?\d{7}-?\d" + NA, 0.5)], ["cédula", "cedula", "jce"],
          validator=valid_do_cedula),
        R("GT_DPI", [_p("dpi", NB + r"\d{4}\s?\d{5}\s?\d{4}" + NA, 0.5)], ["dpi", "cui", "renap"], validator=valid_gt_dpi),
        R("SV_DUI", [_p("dui", NB + r"\d{8}-\d" + NA, 0.5)], ["dui"], validator=valid_sv_dui),
        R("HN_DNI", [_p("dni", NB + r"\d{4}-\d{4}-\d{5}" + NA, 0.6)], ["dni", "identidad", "rnp"]),
        R("NI_CEDULA", [_p("cedula", NB + r"\d{3}-?\d{6}-?\d{4}[A-Z]\b", 0.7)], ["cédula", "cedula"]),
        R("CR_CEDULA", [_p("cedula", NB + r"[1-9]-\d{4}-\d{4}" + NA, 0.6),
                        _p("cedula plain:ctx", NB + r"[1-9]0?\d{8}" + NA, 0.3)], ["cédula", "cedula"]),
        # 0.4: with its context word it outscores a phone-shaped reading of "8-123-4567" (0.7)
        R("PA_CEDULA", [_p("cedula:ctx", r"\b(?:[1-9]|1[0-3]|PE|E|N|[1-9]?AV|[1-9]?PI)-\d{1,4}-\d{1,6}" + NA, 0.4)],
          ["cédula", "cedula"]),
        R("US_SSN", [_p("ssn", NB + r"\d{3}-\d{2}-\d{4}" + NA, 0.5),
                     _p("ssn spaced:ctx", NB + r"\d{3}\s\d{2}\s\d{4}" + NA, 0.3)],
          ["ssn", "seguro social", "social security", "itin", "tax id"], validator=valid_us_ssn),
        # at least 6 digits (not a year after "DNI ... caduca en 2030"); no check-digit suffix: ids written
        # "1.234.567-2" have a validator of their own (UY_CI, CL_RUT) and a wrong check digit is not reported
        R("NATIONAL_ID", [_p("id:ctx", NB + r"(?:[1-9]\d{0,2}(?:[.\s]?\d{3}){2,3}|[1-9]\d{2}[.\s]?\d{3})" + NA, 0.3)],
          ["c.i.", "ci:", "ci n", "carnet", "carné", "cédula", "cedula", "pasaporte", "ine", "documento",
           "identidad", "dni"]),
    ]


# ---- contact data -----------------------------------------------------------------------------------------

class PhoneNumberRecognizer(SpanishPatternRecognizer):
    """Phone numbers of every Spanish-speaking country, validated by `phonenumbers` (region-aware).

    A candidate counts if it parses as a valid number in some Spanish-speaking region (or internationally with
    a `+`/`00` prefix) and it looks like a phone: international prefix, phone-style grouping, or a context word.
    Prices, thousands ("1.500.000"), dates and year ranges are not phones.
    """

    CONTEXT = ["tel", "teléfono", "telefono", "tlf", "celular", "cel", "móvil", "movil", "whatsapp", "wsp", "wasap",
               "llama", "llámame", "llamar", "marca", "márcame", "contacto", "número", "numero", "fijo", "fono",
               "línea", "linea", "extensión", "ext"]
    # thousands separators: "1.500.000" anywhere in the candidate, or the RAE's space-grouped "1 234 567" with a
    # short first group (phones are written 3-3-3 or 3-2-2-2, never 1-3-3 or 2-3-3)
    _THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$|(?<!\d)\d{1,3}\.\d{3}\.\d{3}(?!\d)|^\d{1,2}(?: \d{3}){2,}$")
    _DATE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}$")
    _YEARS = re.compile(r"^(?:1[5-9]|20)\d{2}\s*[-–]\s*(?:1[5-9]|20)?\d{2}$")
    _UNIT_AFTER = re.compile(r"^\s*(?:%|€|\$|pesos|euros|dólares|dolares|soles|habitantes|personas|km|kg|m2|m²|"
                                r"metros|toneladas|millones|usd|eur|mxn|ars|clp|cop|pen|bs|votos|visitantes|turistas|"
                                r"ejemplares|unidades|"
                                r"casos|alumnos|estudiantes|niños|hectáreas|ha\b|litros|barriles|árboles|vehículos|"
                                r"viviendas|hogares|empleos|trabajadores|usuarios|seguidores|copias|años|días)", re.I)
    # a code or an id, not a phone: "Lote 4521-8890-12", "ref. 600 123 456", "mi cédula es 0912345676"
    # (unless a phone word is also near)
    _CODE_BEFORE = re.compile(r"(?:\blote|\bref\.?|referencia|c[óo]digo(?!\s+de\s+(?:[áa]rea|pa[íi]s))|\bserie|\bmodelo|"
                              r"\bexpediente|\bpartida\b|\bfactura\b|\bsorteo\b|\bpedido\b|\bticket\b|\bdecreto|\bley\b|\bresoluci[óo]n|"
                              r"\bisbn|\bissn|\bsku|\bart[íi]culo|\bart\.|\bpieza|c[ée]dula|\bdni|\bd\.n\.i|"
                              r"\brut\b|\brun\b|\bcuit|\bcuil|documento|\bc\.i\.|\bnif|\bnie\b|pasaporte|\bcurp|\brfc)"
                              r"[^\d\n,;]{0,20}$", re.I)
    _GROUPING = re.compile(r"[\s\-()]")
    # a phone's own word right before a number: it is a phone even when grouped like thousands
    _PHONE_WORD_BEFORE = re.compile(r"(?:\btel[ée]fono|\btel\.?|\btlf|\btfno|\bm[óo]vil|\bcel(?:ular)?|\bwhats?app|\bwsp|"
                                    r"\bfijo|\bfono)\b[^\d\n]{0,15}$", re.I)
    _CURRENCY_BEFORE = re.compile(r"(?:[$€£]|usd|eur|mxn|s/\.?|bs\.?|q)\s*$", re.I)

    def __init__(self):
        super().__init__(
            "PHONE_NUMBER",
            [_p("phone", r"(?<![\w.,/\-+(])\(?(?:\+|00)?\(?\d[\d\s().\-]{5,18}\d(?![\w\-/]|[.,]\d)", 0.5)],
            self.CONTEXT, name="PhoneNumberRecognizer",
        )

    def _valid_phone(self, candidate: str) -> tuple[bool, bool]:
        """(valid in some region, has an international prefix).

        An international number (`+`/`00`) of a possible length for its country counts even when the
        metadata does not know its range (numbering plans grow faster than `phonenumbers` releases, e.g.
        Argentine mobiles `+54 9 11 9xxx-xxxx`): nothing else is written that way."""
        digits = _digits(candidate)
        if not 7 <= len(digits) <= 15:
            return False, False
        international = candidate.lstrip("(").startswith(("+", "00"))
        if international:
            if candidate.lstrip("(").startswith("00"):
                digits = digits[2:]
            if digits.startswith("521") and len(digits) == 13:
                digits = "52" + digits[3:]  # Mexico's old mobile prefix "+52 1 55 ...", still widely written
            try:
                number = phonenumbers.parse("+" + digits, None)
                return phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number), True
            except phonenumbers.NumberParseException:
                return False, True
        if len(digits) == 13 and digits.startswith(("044", "045")):
            candidate = digits[3:]  # Mexico's old "044 55 1234 5678" (mobile dialled from a landline)
        elif len(digits) == 13 and digits.startswith("0") and "15" in digits[3:6]:
            # Argentina "(0341) 15-123-4567": area code, the mobile "15", then the number; without the 15 it
            # is the 0 + 10-digit national number
            at = digits.index("15", 3)
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(digits[:at] + digits[at + 2:], "AR")):
                    return True, False
            except phonenumbers.NumberParseException:
                pass
        if len(digits) == 10 and digits.startswith("15"):
            # Argentina's local mobile "15-4567-8901": the 15 stands for the mobile prefix within area code 11
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse("11" + digits[2:], "AR")):
                    return True, False
            except phonenumbers.NumberParseException:
                pass
        for region in PHONE_REGIONS:
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(candidate, region)):
                    return True, False
            except phonenumbers.NumberParseException:
                continue
        return False, False

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = []
        for match in self._compiled[0][1].finditer(text):
            candidate = match.group().strip()
            start = match.start() + (len(match.group()) - len(match.group().lstrip()))
            if candidate.startswith("(") and ")" not in candidate:
                candidate, start = candidate[1:], start + 1
            end = start + len(candidate)
            thousands = self._THOUSANDS.search(candidate) and not self._PHONE_WORD_BEFORE.search(
                text[max(0, start - 30):start])  # "mi móvil es 918.141.902": grouped by dots, still a phone
            if (thousands or self._DATE.match(candidate) or self._YEARS.match(candidate)
                    or self._UNIT_AFTER.match(text[end:end + 12]) or self._CURRENCY_BEFORE.search(text[max(0, start - 5):start])):
                continue
            # (both looks stay within the 40 characters that `pii._digit_windows` keeps before a number)
            if self._CODE_BEFORE.search(text[max(0, start - 32):start]) and not any(
                    word in text[max(0, start - 36):start].lower() for word in self.CONTEXT):
                continue
            valid, international = self._valid_phone(candidate)
            if not valid:
                continue
            grouped = bool(self._GROUPING.search(candidate))
            score = 0.85 if international else 0.7 if grouped else 0.55
            results.append(RecognizerResult("PHONE_NUMBER", start, end, score,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        return results


EMAIL_TLD = r"[a-z]{2,24}"


def contact_recognizers() -> list[PatternRecognizer]:
    """E-mail (also obfuscated: 'arroba', '[at]'), phones, URLs that carry personal data, IPs, cards, IBANs."""
    R = SpanishPatternRecognizer
    email = R("EMAIL_ADDRESS", [
        _p("email", r"\b[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)*\." + EMAIL_TLD + r"\b", 1.0),
        # "laura @ gmail.com": spaces around the @ only, the domain's dots glued ("gracias @ todos. Hasta" is not one)
        _p("email spaced", r"\b[\w.+%\-]+\s+@\s*[\w\-]+(?:\.[\w\-]+)*\." + EMAIL_TLD + r"\b|"
                           r"\b[\w.+%\-]+@\s+[\w\-]+(?:\.[\w\-]+)*\." + EMAIL_TLD + r"\b", 0.8),
        _p("email obfuscated", r"\b[\w.+\-]+\s*(?:\[at\]|\(at\)|\{at\}|\barroba\b|\[arroba\]|\(arroba\))\s*[\w\-]+"
                               r"(?:\s*(?:\.|\[dot\]|\(dot\)|\bpunto\b|\[punto\])\s*[\w\-]+)*"
                               r"\s*(?:\.|\[dot\]|\(dot\)|\bpunto\b|\[punto\])\s*" + EMAIL_TLD + r"\b", 0.8),
    ], ["correo", "email", "e-mail", "mail"], trigger="at")
    url = R("URL_PERSONAL", [
        _p("social profile", r"(?:https?://)?(?:www\.|m\.)?(?:facebook|fb|instagram|twitter|x|linkedin|tiktok|"
                             r"github|youtube|t|wa|telegram|threads|snapchat)\.(?:com|me|net)/(?:in/|@)?"
                             r"(?!(?:home|explore|search|hashtag|watch|login|share|sharer|intent|help|about|policies|"
                             r"legal|privacy)\b)[\w.\-]{2,}[^\s]*", 0.7),
        _p("url with personal query", r"(?:https?://|www\.)[^\s]*[?&](?:e?mail|correo|user(?:name)?|usuario|name|"
                                      r"nombre|apellido|phone|tel(?:efono)?|celular|dni|cedula|rut|curp|address|"
                                      r"direccion|token|session|sid)=[^\s&]+[^\s]*", 0.8),
        _p("url with e-mail", r"(?:https?://|www\.)[^\s]*(?:%40|@)[^\s]+", 0.8),
    ], [], trigger="url")
    # presidio's card pattern, but not glued to a path or another number ("wa.me/5215512345678" is a phone in
    # a URL, not a card), and run by our fast matcher; the Luhn check decides
    card = R("CREDIT_CARD", [_p("card", NB + r"(?!1\d{12}(?!\d))(?:4\d{3}|5[0-5]\d{2}|6\d{3}|1\d{3}|3\d{3})[- ]?"
                                        r"\d{3,4}[- ]?\d{3,4}[- ]?\d{3,5}" + NA, 0.3)],
             ["tarjeta", "crédito", "credito", "débito", "debito", "visa", "mastercard", "amex", "card"],
             validator=valid_card, name="CreditCardRecognizer")
    iban = IbanRecognizer(supported_language=LANG, context=["iban", "cuenta", "transferencia", "banco"])
    iban.trigger = "upper"
    ip = IpRecognizer(supported_language=LANG, context=["ip", "dirección ip", "servidor", "host"])
    ip.trigger = "ip"
    # a user's handle on a social network or a chat ("@lupita.mendoza_92"), not an e-mail's "@" nor a decorator of
    # pasted code; an institution has handles too, so these count only beside other personal data (`pii.anchored`)
    handle = R("SOCIAL_HANDLE", [_p("handle", r"(?<![\w@.\-+/])@(?!(?:property|staticmethod|classmethod|dataclass|"
                                              r"override|pytest|app|media|import|keyframes|font-face|param|returns?|"
                                              r"type|Test|Override|Autowired|Entity|Component|Injectable)\b)"
                                              r"[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@]|\.\w)", 0.55)],
               [], trigger="at", flags=CASE_SENSITIVE, name="HandleRecognizer")
    # ... and a user name with digits after the word that names it ("usuario: jperez88", "IG lupis_92", "user=mrojas77")
    username = R("SOCIAL_HANDLE", [_p("user name after word", r"(?i:\b(?:usuario|user(?:name)?|login|nick(?:name)?|"
                                                              r"gamertag|ig|insta(?:gram)?|tiktok|twitter|telegram|"
                                                              r"discord|skype|snapchat|threads)\b)\s*(?:es\s+|:\s*|=\s*)?"
                                                              r"(?P<pii>@?[A-Za-z][A-Za-z0-9_.]{1,18}\d[A-Za-z0-9_]{0,4})"
                                                              r"(?![\w@]|\.\w)", 0.55)],
                 [], trigger="at", flags=CASE_SENSITIVE, name="UserNameRecognizer")
    return [email, PhoneNumberRecognizer(), url, card, iban, ip, handle, username]


# ---- people, places, dates of birth ---------------------------------------------------------------------

UPPER = "A-ZÁÉÍÓÚÑÜ"
LOWER = "a-záéíóúñüç"
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?"
PARTICLE = r"(?:de(?:l| la| las| los)?|y|da|do|dos|van|von)"
FULL_NAME = rf"{NAME_WORD}(?:[ \t]+(?:{PARTICLE}[ \t]+)?{NAME_WORD}){{0,3}}"  # on one line

FIRST_NAMES = (
    "María Mari José Juan Carlos Luis Ana Antonio Manuel Francisco Javier Miguel Ángel Jesús David Daniel Pedro "
    "Alejandro Rafael Pablo Sergio Fernando Jorge Alberto Ricardo Eduardo Roberto Andrés Diego Raúl Enrique Ramón "
    "Vicente Joaquín Alfonso Santiago Mateo Sebastián Nicolás Martín Tomás Gabriel Emilio Julio Óscar Oscar Rubén "
    "Víctor Hugo Ignacio Gonzalo Adrián Iván Héctor Marcos Felipe Esteban Cristian Mauricio Rodrigo Gustavo Guillermo "
    "Ernesto Arturo Armando Alfredo Agustín Lucas Benjamín Valentín Thiago Matías Emiliano Facundo Franco Leonardo "
    "Camilo Julián Esteban Patricio Álvaro Marcelo Lorenzo Jaime Ximena Sofía Valentina Camila Isabella Lucía Martina "
    "Valeria Daniela Gabriela Mariana Andrea Paula Laura Carmen Pilar Isabel Rosa Teresa Marta Cristina Elena Sara "
    "Raquel Beatriz Silvia Patricia Mónica Verónica Claudia Alejandra Natalia Carolina Fernanda Guadalupe Lupita "
    "Josefina Dolores Rocío Inés Julia Irene Alba Nerea Ainhoa Noelia Lorena Susana Sandra Yolanda Gloria Margarita "
    "Catalina Florencia Agustina Micaela Antonella Milagros Romina Luciana Paola Adriana Diana Liliana Esperanza Luz "
    "Marisol Ximena Estefanía Jimena Renata Regina Victoria Emilia Juana Francisca Concepción Consuelo Amparo Soledad "
    "Rosario Leticia Brenda Karla Karen Jessica Yesenia Wendy Johana Yuliana Leidy Nayeli Itzel Citlali Xóchitl "
    "Ingrid Gisela Graciela Norma Elsa Olga Rebeca Ruth Noemí Miriam Marisa Maite Aitor Iker Unai Jon Xabier Oriol "
    "Jordi Pau Núria Nuria Montserrat Mercedes Aurora Celia Eva Fátima Yasmín Abril Maximiliano Bautista Joaquina Ulises "
    "Fidel Wilson Édgar Edgar Iván Kevin Brayan Jhon Yeison Wilmer Freddy Wilfredo Nelson Darío Elías Abel Moisés "
    "Salvador Gerardo Humberto Octavio Rogelio Ramiro Efraín Germán Rolando Orlando Hernán Horacio Osvaldo Néstor"
).split()
SURNAMES = (
    "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Hernández Díaz "
    "Moreno Álvarez Muñoz Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco "
    "Molina Morales Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés Castillo "
    "Santos Lozano Guerrero Cano Prieto Méndez Cruz Flores Herrera Peña León Márquez Cabrera Gallego Calvo Vidal "
    "Campos Reyes Vega Fuentes Carrasco Díez Aguilar Rojas Vargas Mendoza Silva Contreras Soto Espinoza Espinosa "
    "Sepúlveda Araya Valenzuela Quispe Mamani Huamán Chávez Ríos Salazar Castañeda Acosta Benítez Rivera Jara "
    "Figueroa Cáceres Paredes Ibarra Luna Sosa Giménez Aguirre Maldonado Valdez Valdés Villalobos Zapata Mejía "
    "Pineda Orozco Velásquez Velasco Cárdenas Bravo Miranda Guzmán Estrada Cuevas Rosales Arias Montoya Ospina "
    "Restrepo Londoño Cardona Zuluaga Guerra Sandoval Lara Pacheco Carrillo Avendaño Alvarado Arroyo Bermúdez "
    "Palacios Cisternas Tapia Fuentealba Becerra Olivares Pizarro Vera Cornejo Godoy Farías Toledo Escobar Trujillo "
    "Solís Córdoba Córdova Cabello Ayala Rivas Bustos Gallardo Lagos Ferrer Pascual Santana Hidalgo Nieto Soler"
).split()
# Public figures: their names in encyclopedic text are not personal data of a private person.
PUBLIC_FIGURES = (
    "Gabriel García Márquez|Miguel de Cervantes|Simón Bolívar|Frida Kahlo|Pablo Neruda|Jorge Luis Borges|"
    "Octavio Paz|Mario Vargas Llosa|Isabel Allende|Gabriela Mistral|Benito Juárez|José Martí|Pablo Picasso|"
    "Salvador Dalí|Federico García Lorca|Diego Rivera|Julio Cortázar|Rubén Darío|Eva Perón|Juan Domingo Perón|"
    "Ernesto Guevara|Fidel Castro|Lionel Messi|Diego Maradona|Antonio Machado|Juana Inés de la Cruz|Miguel Hidalgo|"
    "Emiliano Zapata|Pancho Villa|José de San Martín|Bernardo O'Higgins|Rigoberta Menchú|Óscar Romero|"
    "Francisco Franco|Hernán Cortés|Cristóbal Colón|Francisco Pizarro|Carlos Fuentes|Juan Rulfo|Violeta Parra|"
    "Mercedes Sosa|Celia Cruz|Rafael Nadal|Pedro Almodóvar|Miguel de Unamuno|Francisco de Goya|Diego Velázquez|"
    "Camilo José Cela|Juan Ramón Jiménez|Vicente Aleixandre|Miguel Ángel Asturias|Santiago Ramón y Cajal|"
    "Severo Ochoa|Rosalía de Castro|Benito Pérez Galdós|Gustavo Adolfo Bécquer|Francisco de Quevedo|Lope de Vega|"
    "Luis de Góngora|Pedro Calderón de la Barca|Alfonsina Storni|Horacio Quiroga|Ernesto Sabato|Manuel Belgrano|"
    "Domingo Faustino Sarmiento|Salvador Allende|Augusto Pinochet|Michelle Bachelet|Arturo Prat|Túpac Amaru|"
    "César Vallejo|José Carlos Mariátegui|Andrés Manuel López Obrador|Pedro Sánchez|Felipe González|Carlos Gardel"
)


# the parties of a lawsuit, a contract or a policy, labelled with a colon ("Demandado: Luis Vega Rosado")
PARTY_LABEL = (
    r"\b(?:demandad[oa]|demandante|imputad[oa]|acusad[oa]|denunciante|denunciad[oa]|causante|c[óo]nyuge|"
    r"arrendador[a]?|arrendatari[oa]|comprador[a]?|vendedor[a]?|otorgante|compareciente|beneficiari[oa]|asegurad[oa]|"
    r"afiliad[oa]|deudor[a]?|codeudor[a]?|fiador[a]?|avalista|apoderad[oa]|poderdante|testigo)\s*:")
# What introduces a person's name: "me llamo", "Sra.", "mi vecina", "atentamente"... (case-insensitive)
NAME_CUE = (
    r"(?:\bme\s+llamo|\bmi\s+nombre\s+es|\bse\s+llama|\bsu\s+nombre\s+es|\bnombre(?:\s+completo)?\s*:|"
    r"\bnombres?\s+y\s+apellidos?\s*:|\bapellidos?\s+y\s+nombres?\s*:|\b(?:primer|segundo)\s+apellido\s*:|\bapellidos?\s*:|"
    r"\ble\s+escribe|\bhola,?|\bqu[ée]\s+tal,|\bbuen(?:os|as)\s+(?:d[íi]as|tardes|noches),|\bnombres?[\"']?\s*:|\bestimad[oa]|\bquerid[oa]|"
    r"\bapreciad[oa]|\bun\s+(?:fuerte\s+)?abrazo,|\bun\s+saludo,|\bsaludos\s+cordiales,|\bcordialmente,|\bbesos,|"
    r"\batentamente,?|\bfirmado:?|\bfirma:|\bsaludos,|\batte?\.?:?|\ba\s+nombre\s+de|\bcontact(?:ar|a|e)\s+a|"
    r"\bhabl(?:ar|a|e)\s+con|\bpregunt(?:ar|a|e)\s+por|\ble\s+habla|\ble\s+saluda|\bcontact(?:ar|a|e|en)\s+con|"
    r"\bcomun[íi]c(?:ar|a|e|en)(?:se|te)?\s+con|\bavis(?:ar|a|e|en)(?:le)?\s+a|\bpaciente:?|\bcliente:?|\balumn[oa]:?|\btitular:?|"
    r"\bsolicitante:?|\bremitente:?|\bdestinatari[oa]:?|\bde\s+parte\s+de|\bsoy(?:\s+(?:la|el))?|"
    rf"{PARTY_LABEL}|"
    r"\b(?:mis?|sus?|tus?|nuestr[oa]|el|la|querid[oa])\s+(?:vecin[oa]|herman[oa]s?|niet[oa]s?|sobrin[oa]s?|"
    r"prim[oa]|t[íi][oa]|amig[oa]|jef[ea]|espos[oa]|novi[oa]|hij[oa]s?|madre|padre|mam[áa]|pap[áa]|abuel[oa]|"
    r"abuelit[oa]|ñañ[oa]|compadre|comadre|cuñad[oa]|suegr[oa]|padrino|madrina|ahijad[oa]|enfermer[oa]|"
    r"compañer[oa]|doctor[a]?|profesor[a]?)|\b(?:sr|sra|srta|dr|dra|lic|licda|ing|arq|prof|profa|mtro|mtra|abg|"
    r"abog|dña|d)\.|\b(?:don|doña|señor|señora|señorita|seño|ña|profe|maestr[oa]|profesor[a]?|licenciad[oa]))"
)


# offices and a letter's "Presente" after "Señor": "Señor\nAlcalde Municipal", "Atención al Cliente\nPresente"
OFFICE_WORDS = frozenset(
    "Presente Alcalde Alcaldesa Gerente Gerencia Director Directora Rector Rectora Decano Decana Ministro Ministra "
    "Gobernador Gobernadora Coordinador Coordinadora Módulo Oficina Atención Comité Comisión".split())
# Capitalized words that start sentences, greet or close letters: never the first word of a name.
NOT_NAMES_COMMON = frozenset(
    "Me Mi Se Soy Su Sus El La Los Las Un Una Hola Yo Tu Tú Es Con De Del Al Y O Por Para En Atentamente Saludos "
    "Hablé Habla Contacta Pregunta Paciente Cliente Don Doña Señor Señora Estimado Estimada Querido Querida Apreciado "
    "Apreciada Cordialmente Besos Nombre Nombres Buenas Buenos Buen Gracias Bienvenido Bienvenida Bienvenidos Felicidades "
    "Escríbeme Escríbenos Llámame Llámanos Hola Adiós Chao Chau Oye Mira Vale Sí No Dr Dra Sr Sra Srta Ing Lic Inquilino "
    "Inquilina Domicilio Dirección Teléfono Correo Asistió Recordamos Puedes Ciudad Calle Avenida Señores Equipo "
    "Departamento Querid Feliz Muchas Seguro Social Número Fecha Lugar Formulario".split()) | OFFICE_WORDS


class PersonRecognizer(SpanishPatternRecognizer):
    """Person names without an NER model: cue phrases, honorifics, and known first name + common surname.

    Candidates are runs of capitalized words; each is scored by what precedes it (a cue such as "me llamo",
    "Sra.", "mi vecina") and by whether it starts with a common first name followed by a common surname.
    Names of well-known public figures are not personal data and are not reported.
    """

    CUE = re.compile(NAME_CUE + r"[\s\"'«]*$", re.IGNORECASE)
    # cues that also introduce things other than names: "soy" + a profession or nationality, letter greetings
    # and closings + a role or a team ("Estimado Director", "Saludos, Departamento de Ventas")
    WEAK_CUE = re.compile(r"(?:soy|estimad|querid|apreciad|saludos|un\s+saludo|un\s+(?:fuerte\s+)?abrazo|cordialmente|besos|"
                          r"le\s+habla|le\s+saluda|contact|comun|avis|hola|qu[ée]\s+tal|buen)", re.IGNORECASE)
    NOUN_SUFFIXES = ("ción", "sión", "dad", "mento", "miento", "ismo", "ería", "ncia", "ario", "aria", "ivo", "iva")
    CANDIDATE = re.compile(rf"\b{FULL_NAME}\b")
    NOT_NAMES = frozenset("Me Mi Se Soy Su Sus El La Los Las Un Una Hola Yo Tu Tú Es Con De Del Al Y O Por Para En "
                          "Atentamente Saludos Hablé Habla Contacta Pregunta Paciente Cliente Don Doña Señor Señora "
                          "Estimado Estimada Querido Querida Apreciado Apreciada Cordialmente Besos Nombre Nombres".split()) | OFFICE_WORDS

    def __init__(self):
        super().__init__("PERSON", [_p("capitalized words", rf"\b{FULL_NAME}\b", 0.35)], [], trigger="name",
                         flags=CASE_SENSITIVE, name="PersonRecognizer")
        self._public = re.compile(rf"^(?:{PUBLIC_FIGURES})$")
        self._first = frozenset(FIRST_NAMES)
        self._surnames = frozenset(SURNAMES)

    @staticmethod
    def _common_word(word: str) -> bool:
        """A sentence-initial word of the language that is no given name: "Falleció Haydée Olivera de Scarone",
        "Secretaria Mayra Chicaiza" (the name starts after it)."""
        from corpus600m.filters.pii_people import is_given_name
        from corpus600m.filters.spanish_model import spanish_lexicon

        return word.lower() in spanish_lexicon() and not is_given_name(word)

    def _looks_like_a_name(self, words: list[str], span: str) -> bool:
        """After a weak cue ("Soy Ingeniero de Sistemas", "Estimado Director:", "Saludos, Equipo de Ventas"):
        a known first name or surname, or two or more words that read like names (no "de", no noun suffix)."""
        from corpus600m.filters.pii_people import (
            is_given_name,  # (pii_people imports this module)
        )

        if words[0] in self._first or is_given_name(words[0]) or any(w in self._surnames for w in words[1:]):
            return True
        if len(words) == 1 and _unknown_word(words[0]):  # "soy Yorman": not a word of Spanish, so a name
            return True
        return (len(words) >= 2 and len(span.split()) == len(words)  # every word capitalized: no "de"
                and not any(w.lower().endswith(self.NOUN_SUFFIXES) for w in words))

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = []
        for match in self.CANDIDATE.finditer(text):
            start, end = match.span()
            words = match.group().split()
            # a sentence-initial function word ("Soy Ana Ruiz", "Mi Carmen") is not part of the name
            while words and (words[0] in self.NOT_NAMES or len(words) > 2 and self._common_word(words[0])
                             and not self.CUE.search(text[max(0, start - 40):start])):
                start = text.index(words[1], start + len(words[0])) if len(words) > 1 else end
                words = words[1:]
            words = [w for w in words if w[0].isupper()]
            if not words or self._public.match(text[start:end]):
                continue
            cue = self.CUE.search(text[max(0, start - 40):start])
            if cue and not (self.WEAK_CUE.match(cue.group().strip()) and not self._looks_like_a_name(words, text[start:end])):
                score = 0.75
            elif words[0] in self._first and len(words) >= 2:
                score = 0.6 if any(w in self._surnames for w in words[1:]) else 0.35
            else:
                continue
            results.append(RecognizerResult("PERSON", start, end, score,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        results.extend(self._lowercase_names(text))
        results.extend(self._kin_lists(text))
        return results

    # the rest of a list of kin after its word: "sus hijos Miledys, Franklin y Argentina" (the first has its cue)
    KIN_LIST = re.compile(rf"(?i:\b(?:mis|sus|tus)\s+(?:hij|niet|herman|sobrin|prim)[oa]s)[\s,:]+"
                          rf"[{UPPER}][{LOWER}]+((?:\s*,\s*[{UPPER}][{LOWER}]+)*(?:\s+y\s+[{UPPER}][{LOWER}]+)?)")

    def _kin_lists(self, text: str) -> list[RecognizerResult]:
        results = []
        for match in self.KIN_LIST.finditer(text):
            for name in re.finditer(rf"[{UPPER}][{LOWER}]+", match.group(1)):
                results.append(RecognizerResult("PERSON", match.start(1) + name.start(), match.start(1) + name.end(), 0.75,
                                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        return results

    # a name typed in lower case after "soy", "me llamo", "mi nombre es" ("hola soy lupita hernández")
    LOWER_CUE = re.compile(rf"(?i:\bsoy(?:\s+(?:la|el)(?=\s))?|\bme\s+llamo|\bmi\s+nombre\s+es)\s+((?:[{LOWER}]+)(?:\s+[{LOWER}]+){{0,3}})")
    LOWER_STOP = frozenset("de del la el los las y o a en con por para que muy un una su mi tu es de lo le se "
                           "estudiante profesor profesora maestro maestra doctor doctora ingeniero ingeniera "
                           "nuevo nueva el la madre padre hijo hija vecino vecina".split())

    # ... and after a kinship word or a title, as chats write them ("tía marielys", "la seño marleny")
    KIN_CUE = re.compile(rf"(?i:\b(?:t[íi][oa]|seño|doña|don|ña|profe|prima|primo|cuñad[oa]|comadre|compadre|madrina|sra\.|"
                         rf"sr\.|srta\.|señora|señor|padrino|abuelit[oa]|sobrin[oa])\s+([{LOWER}]{{3,}})\b(?:\s+([{LOWER}]{{3,}})\b)?)")

    def _lowercase_names(self, text: str) -> list[RecognizerResult]:
        from corpus600m.filters.pii_people import is_given_name
        from corpus600m.filters.spanish_model import spanish_lexicon

        results = []
        for match in self.KIN_CUE.finditer(text):
            first, second = match.group(1), match.group(2)
            if first in self.LOWER_STOP or not (_unknown_word(first) or is_given_name(first)):
                continue
            end = match.end(2) if second and second not in self.LOWER_STOP and (
                _unknown_word(second) or second not in spanish_lexicon() or is_given_name(second)) else match.end(1)
            results.append(RecognizerResult("PERSON", match.start(1), end, 0.75,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        for match in self.LOWER_CUE.finditer(text):
            words = list(re.finditer(r"\S+", match.group(1)))
            if not words or words[0].group() in self.LOWER_STOP or not (
                    is_given_name(words[0].group()) or _unknown_word(words[0].group())):
                continue
            kept = [words[0]]
            for w in words[1:]:
                if w.group() in self.LOWER_STOP:
                    break
                kept.append(w)
            start, end = match.start(1) + kept[0].start(), match.start(1) + kept[-1].end()
            results.append(RecognizerResult("PERSON", start, end, 0.75,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        return results


# Street types as the countries' address standards name them (not from any generator of test data):
# - Spain: INE, "Relación de tipos de vía" of the Callejero del Censo Electoral (Acceso, Alameda, Bajada, Calle,
#   Callejón, Camino, Cañada, Carretera, Cuesta, Glorieta, Pasadizo, Pasaje, Paseo, Plaza, Rambla, Ronda, Travesía,
#   Urbanización, Vía, Vial...) with the usual abbreviations (C/, C., Avda., Pza., Pº, Ctra.);
# - Mexico: INEGI, Norma Técnica sobre Domicilios Geográficos (2010), "tipo de vialidad" (Ampliación, Andador,
#   Avenida, Boulevard, Calle, Callejón, Calzada, Cerrada, Circuito, Circunvalación, Continuación, Corredor,
#   Diagonal, Eje vial, Pasaje, Peatonal, Periférico, Privada, Prolongación, Retorno, Viaducto);
# - Colombia: the urban nomenclature (Calle/Cl./Cll., Carrera/Cra./Kr./Cr., Transversal/Tv./Tr., Diagonal/Dg.,
#   Avenida/Av., Avenida Calle/Ac., Avenida Carrera/Ak., Circular/Cq.);
# - Peru, Bolivia, Ecuador: Jirón/Jr., Pasaje/Pje./Psje., Malecón, Prolongación; Argentina, Chile, Uruguay:
#   Pasaje, Ruta, Camino, Diagonal, Boulevard; Catalan/Galician street names as written in Spain (Carrer, Avinguda,
#   Passeig, Plaça, Rúa).
STREET_TYPES = (r"calle|c/|c\.|avenida|avda\.?|av\.?|blv\.|bv\.|bvar\.|carr\.|jir[óo]n|jr\.|carrera|cra\.?|kr\.?|cr\.|cl\.|cll\.?|diagonal|dg\.|diag\.|"
                r"transversal|tv\.|tr\.|ac\.|ak\.|carrer|avinguda|passeig|pla[çc]a|rambla|alameda|pje\.|"
                r"paseo|p[º°]|plaza|pza\.|pasaje|psje\.?|pasadizo|bulevar|boulevard|blvd\.?|carretera|ctra\.|"
                r"traves[íi]a|callej[óo]n|prolongaci[óo]n|urbanizaci[óo]n|urb\.|col\.|mz\.?|rúa|rua|glorieta|"
                r"circunvalaci[óo]n|eje\s+vial|perif[ée]rico|viaducto|malec[óo]n|costanilla|autopista|autov[íi]a")
# street types that are also everyday words ("cuesta 549 €", "la ruta 5", "el sector 3"): capitalized only
STREET_TYPES_CAPITALIZED = (r"Acceso|Bajada|Subida|Cañada|Cuesta|V[íi]a|Vial|Sector|Ampliaci[óo]n|Andador|Cerrada|"
                            r"Circuito|Circular|Continuaci[óo]n|Corredor|Peatonal|Privada|Retorno|Ruta|Senda|Plazuela|"
                            r"Pol[íi]gono|Paraje|Camino|Ronda|Calzada|Colonia|Manzana|Lote|Barrio")
STREET_TYPE = rf"(?:(?i:\b(?:{STREET_TYPES}))|\b(?:{STREET_TYPES_CAPITALIZED}))"
UPPER_OR_DIGIT = "A-ZÁÉÍÓÚÑÜ0-9"
# words that introduce where someone lives or receives things
ADDRESS_WORDS = ["vivo en", "vive en", "viven en", "vivimos en", "dirección", "direccion", "domicilio", "domiciliado en",
                 "domiciliada en", "reside en", "residente en", "ubicado en", "ubicada en", "envío a", "envio a",
                 "enviar a", "entregar en", "entrega en", "mi casa queda en", "queda en", "envíalo a", "envialo a",
                 "mándalo a", "mandalo a", "mándamelo a", "llévalo a", "llevalo a", "recoger en", "recogida en",
                 "radica en", "residencia"]


# ... and words that only say so once the address group is triggered for another reason (too common to trigger it)
ADDRESS_CONTEXT = ["📍", "es en", "está en", "esta en", "inmueble", "terreno", "local en", "vivo", "vive", "viven", "vivimos", "depto", "departamento", "casa", "piso", "apartamento",
                   "vivienda", "alquil", "arriend", "domicil", "direcci", "ubicad", "reside", "parcela", "predio"]
# what opens no place segment after an address: a contact or id label ("..., Santa Cruz\nTel. 8888 1234")
_NOT_A_PLACE = (r"(?:Tel|Telf|Tlf|Teléfono|Telefono|Cel|Celular|Móvil|Movil|Fono|WhatsApp|Whatsapp|Correo|Email|E-mail|"
                r"DNI|CI|C\.I|CC|RUT|RUC|NIT|CUIT|CUIL|DPI|DUI|Cédula|Cedula|Pasaporte|NIE|NIF)\b")


# the words a settlement, a district or a rural locality opens with (see `locality` below)
SETTLEMENT_START = (r"barrio|bº|bo\.|poblado|comunidad|parroquia|comarca|paraje|secci[óo]n|aa\.\s?hh\.|comuna|colonia|col\.|urb\.|urbanizaci[óo]n|sector|distrito|municipio|provincia|depto\.|"
                    r"departamento|estado|ciudad|ens\.|ensanche|reparto|villa|poblaci[óo]n|pobl\.|residencial|"
                    r"fraccionamiento|fracc\.|aldea|caser[íi]o|cant[óo]n|vereda|corregimiento|alcald[íi]a|delegaci[óo]n|"
                    r"a\.\s?h\.|asentamiento|ranchería|cdla\.|ciudadela|localidad|compañía|finca|hacienda|zona|"
                    r"res\.|resid\.|barriada|lotificaci[óo]n|lotif\.|conjunto|conj\.")


class StreetAddressRecognizer(SpanishPatternRecognizer):
    """Street addresses: a street type, a name (words or a number, as in Colombia's 'Calle 45'), a house number
    (`N°`, `#`, `No.`, `km`), what follows it (piso, depto., interior, edificio...), and the place that closes
    it: comma- or line-separated postal codes, towns and provinces ("..., Comodoro Rivadavia 9000, Chubut")."""

    def __init__(self):
        # words of the street's name: capitalized or numbers ("Calle 45", "Av. 18 de Julio", "Cl. 58S Bis"), whole
        # words (so "18" is not read as name "1" + number "8"), with "de"/"del"/"y" between them ("Miguel de
        # Cervantes Saavedra") and apostrophes ("O'Higgins")
        name_part = (rf"(?:(?:de(?:l| la| los| las)?|la|el|los|las|do|da|dos|das|a|al)\s+)?"
                     rf"(?:[{UPPER_OR_DIGIT}][\w.'’]*(?:-[\w]+)?(?!\w)[ \t]*(?:(?:de(?:l| la| los| las)?|y)\s+(?=[{UPPER_OR_DIGIT}]))?){{1,5}}?")
        number = (r"[ \t]*,?[ \t]*(?i:n\.?\s?[º°o]\.?\s*|núm\.?\s*|número\s*|#\s*|no\.\s*|lt\.\s*|lote\s*)?(?:[NSEO]|Oe)?\d{1,5}(?![.,]\d)[A-Za-z]?"
                  r"(?:\s*[-–]\s*\d{1,4}[A-Za-z]?|-[A-Z]{1,3}\b)?(?:\s+(?:Sur|Norte|Este|Oeste|sur|norte|oeste|Bis|bis|Pte\.|Ote\.|Nte\.|Poniente|Oriente)(?!\w))?"
                  r"(?:\s+\d{1,5}(?!\d|[.,]\d))?"
                  r"|\s*,?\s*s/n|[ \t]*,?[ \t]*(?i:km\.?)[ \t]*\d{1,4}(?:[.,]\d{1,3})?")
        extra = (r"(?:\s*,?\s*(?i:piso|planta|dpto\.?|depto\.?|dto\.?|departamento|apto\.?|apt\.?|apartamento|interior|"
                 r"int\.|puerta|esc\.?|escalera|bloque|torre|casa|oficina|of\.|edif\.?|edificio|local|lote|lt\.|mz\.?|mzna\.?|mza\.?|"
                 r"manzana|bodega|etapa|conjunto|bloque|sector|villa|block|pb|p\.b\.|ap\.)\s*[\w°º\-]+"
                 r"|\s*,?\s*\d{1,2}[rnt]\.?\s+\d{1,2}[aª]\.?(?!\w)|\s*,?\s*(?i:km\.?)\s*\d{1,4}(?:[.,]\d{1,3})?"
                 # an ordinal stage or section of a housing estate: "9na etapa", "2da. sección"
                 r"|\s*,?\s*\d{1,2}(?:na|ra|da|ta|va|ma|a|ª|º|°)\.?\s+(?i:etapa|sector|secci[óo]n)\b"
                 # a floor and a door as Buenos Aires writes them, "7mo C", and the streets it is between in brackets
                 r"|\s*,?\s*\d{1,2}(?:mo|vo|to|ro|do|er|no)\.?\s*[A-H]\b|\s*\((?i:entre|esq\.|esquina)\s+[^()\n]{2,45}\)"
                 # where it stands: "entre 12 y 14" (Cuba), "esq. Rivera", "casi Dr. Montero" (Paraguay), "3º izq."
                 rf"|\s+x\s+\d{{1,3}}[A-Za-z]?(?:\s+y\s+\d{{1,3}}[A-Za-z]?)?|\s*,?\s*(?i:zona)\s+\d{{1,2}}"
                 rf"|\s*,?\s*(?i:entre|e/)\s*[\w.]+\s+y\s+[\w.]+|\s*,?\s*(?i:esq(?:\.|uina))\s+(?:con\s+)?[{UPPER}\d][\w.]*"
                 rf"(?:\s+[{UPPER}][\w.]*)*|\s+(?i:casi)\s+[{UPPER}][\w.]*(?:\s+[{UPPER}][\w.]*){{0,3}}"
                 r"|\s*,?\s*\d{1,2}\s*\.?\s*[º°ª]\s*(?:[A-Z]\b|(?i:izq(?:uierda|da)?\b\.?|dcha\b\.?|drcha\b\.?|derecha|centro))?\.?"
                 # a flat's door or number after the house's: "pta 7", "#34" ("C/ Respaldo 12 #34")
                 r"|\s*,?\s*(?i:pta\.?)\s*\d{1,3}[A-Za-z]?\b|\s*#\s*\d{1,4}[A-Za-z]?\b"
                 # an intersection after the number: "Oe3-45 y Mariscal Sucre" (Ecuador), "1234 c/ Brasil" (Paraguay)
                 rf"|\s+(?:y|c/)\s*[{UPPER}][\w.]*(?:\s+[{UPPER}][\w.]*){{0,3}}){{0,4}}")
        # the place: up to four segments after a comma or a line break, each a postal code (with "C.P."), an
        # Argentine CPA (C1425ABC), or a capitalized town/province name, optionally followed by a code
        # (a word that ends a sentence, "Masaya. Me debe", ends the place: 4+ lower-case letters before the dot)
        # (on one line: "Guanacaste\nTel. 8888 1234" is a place and a phone)
        place_name = (rf"(?!{_NOT_A_PLACE})[{UPPER}][\w.'’]*(?:(?<![{LOWER}]{{3}}\.)[ \t]+(?:de(?:l| la| los| las)?|la|las|los|el|y)?[ \t]*"
                      rf"(?!{_NOT_A_PLACE})[{UPPER}][\w.'’]*){{0,4}}"
                      r"(?:[ \t]+(?i:c\.?\s?p\.?\s*)?\d{4,6}(?:-\d{4})?)?(?:[ \t]+capital\b)?")
        # a locality word may open a segment: "barrio Chapinero", "comuna de Maipú", "Col. Roma Sur", "Ens. Ozama"
        locality = (r"(?i:barrio|bº|b°|bo\.|poblado(?:\s+de)?|comunidad|parroquia|comarca|paraje|secci[óo]n|aa\.\s?hh\.|comuna\s+de|colonia|col\.|urb\.|urbanizaci[óo]n|sector|distrito|municipio|"
                    r"provincia\s+de|depto\.|departamento\s+de|estado\s+de|ciudad\s+de|ens\.|ensanche|reparto|villa|"
                    r"poblaci[óo]n|pobl\.|residencial|fraccionamiento|fracc\.|aldea|caser[íi]o|cant[óo]n|vereda|"
                    r"corregimiento|alcald[íi]a|delegaci[óo]n|a\.\s?h\.|asentamiento\s+humano|ranchería|cdla\.|"
                    r"ciudadela|localidad|municipio\s+de|compañía|finca|hacienda|zona|res\.|resid\.|barriada|"
                    r"lotificaci[óo]n|lotif\.|conjunto|conj\.)\s+"
                    rf"(?:(?i:de|del|de\s+la)\s+(?=[{UPPER}]))?")
        segment = (rf"(?:(?i:c\.?\s?p\.?|código postal)\s*\d{{4,6}}(?:\s+{place_name})?|(?i:km\.?)\s*\d{{1,4}}"
                   rf"|\d{{4,6}}(?:-\d{{4}})?(?:\s+{place_name})?|[A-Z]\d{{4}}[A-Z]{{3}}|(?:{locality})?{place_name})")
        place_segment = rf"(?:(?:\s*,\s*|[ \t]*\n\s*|[ \t]+[–—-][ \t]+){segment}(?![\w])|[ \t]*\({segment}\))"
        place = place_segment + "{0,4}"
        # without a street type ("Los Aromos 196, Longaví, Región del Maule"): a capitalized name, a house number and
        # at least one place segment, only after an address word ("vivo en", "domicilio:", "dirección")
        untyped_name = rf"\b[{UPPER}][\w.'’]*(?:\s+(?:(?:de(?:l| la| los| las)?|la|el|los|las|y)\s+)?[{UPPER}][\w.'’]*){{0,4}}"
        untyped = rf"{untyped_name}(?:{number}){extra}{place_segment}" + "{1,4}"
        # ... or anywhere when two place segments close it ("..., Antuco, Región del Biobío"), the house number not
        # a year ("Gabriela Mistral 1945, ...")
        house = r"\s+(?i:n[º°o]\.?\s*|#\s*)?(?!1[5-9]\d\d\b|20\d\d\b)\d{1,5}[A-Za-z]?\b"
        untyped_placed = rf"{untyped_name}{house}{extra}{place_segment}" + "{2,4}"
        # a settlement first, then what locates the house: "Urb. La Trinidad, Calle Los Mangos, Qta. Mi Refugio",
        # "Residencial Las Colinas, bloque 4, casa 12", "domicilio conocido, Ranchería Los Pinos, ..." (after an
        # address word: "Colonia Roma, Ciudad de México" alone is a place, not someone's address)
        name_greedy = (rf"(?:(?:de(?:l| la| los| las)?|la|el|los|las)\s+)?[{UPPER_OR_DIGIT}][\w.'’]*(?:-[\w]+)?"
                       rf"(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[{UPPER}][\w.'’]*)*(?:[ \t]+(?:sur|norte|oeste)\b)?")
        step = (r"(?:(?:\d+(?:/\d+)?|½)\s*(?i:c\.|c\b|cuadras?|m\b|mts\.?|metros|varas|vrs\.?|km)\s*(?i:al\s+)?"
                r"(?i:norte|sur|este|oeste|lago|arriba|abajo|oriente|poniente)"
                # (not a street's own number: "calle 10 sur", "Av. 100 Norte")
                r"|(?<!calle )(?<!Calle )(?<!avenida )(?<!Avenida )(?<!carrera )(?<!Carrera )(?<!Av\. )(?<!av\. )"
                r"(?<!Cl\. )(?<!Cra\. )(?:[1-9]\d{2}|[2-9][05])\s+(?i:al\s+)?(?i:norte|sur|este|oeste)\b)")
        # where the house stands by a landmark: "cerca del mercado", "frente a la escuela Rubén Darío"
        landmark = (r"(?i:cerca\s+de(?:l)?|frente\s+a(?:l)?|junto\s+a(?:l)?|detr[áa]s\s+de(?:l)?|al\s+lado\s+de(?:l)?|"
                    r"a\s+(?:una|dos|tres|media)\s+cuadras?\s+de(?:l)?|a\s+la\s+par\s+de(?:l)?|enfrente\s+de(?:l)?|"
                    r"contiguo\s+a(?:l)?|diagonal\s+a(?:l)?|despu[ée]s\s+de(?:l)?|antes\s+de(?:l)?|por\s+(?:la|el)|"
                    r"(?:a\s+la\s+)?altura\s+de(?:l)?|a\s+\d{1,4}\s*(?:m|mts\.?|metros|cuadras?|varas|km)\s+de(?:l)?)\s+(?:(?:la|el|los|las)\s+)?\w+(?:[ \t]+[\w]+){0,4}?"
                    r"(?=[,.;:\n»)]|[ \t]+\(|$)")
        # ... and alone after an address word, closed by its town: "con domicilio detrás del colegio Santa Teresita,
        # Malabo", "vive a dos cuadras de la plaza principal de Ayamaya, Omasuyos" (the landmarks that say where a house is)
        located = (r"(?<!\w)(?i:cerca\s+de(?:l)?|frente\s+a(?:l)?|junto\s+a(?:l)?|detr[áa]s\s+de(?:l)?|al\s+lado\s+de(?:l)?|"
                   r"a\s+(?:una|dos|tres|media|\d{1,2})\s+cuadras?\s+de(?:l)?|a\s+la\s+par\s+de(?:l)?|enfrente\s+de(?:l)?|"
                   r"contiguo\s+a(?:l)?|a\s+\d{1,4}\s*(?:m|mts\.?|metros|varas|km)\s+de(?:l)?)\s+(?:(?:la|el|los|las)\s+)?"
                   r"\w+(?:[ \t]+\w+){0,5}?(?=[,.;:\n»)]|[ \t]+\(|$)")
        house_alternatives = (rf"{STREET_TYPE}\s+{name_greedy}(?:{number})?{extra}"
                         rf"|(?i:qta\.|quinta|edif\.?|edificio|torre|residencias?|cond\.|condominio|ph|p\.h\.)\s+[{UPPER}][\w'’]*"
                         rf"(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[{UPPER}][\w'’]*)*"
                         rf"|(?i:bloque|casa|lote|lt\.|mz\.?|manzana|apto\.?|apt\.|apartamento|dpto\.?|piso|villa|etapa|"
                         rf"pol[íi]gono|pol\.|parcela|solar|sector|block|pasaje|senda)"
                         rf"\s*(?:#|n\.?\s?[º°o]\.?)?\s*[\w°º\-]+(?:\s+(?i:lt\.|lote|casa|villa)\s*[\w°º]+)?"
                         rf"|(?:(?i:del?|de\s+la|de\s+los)\s+(?:[\w.]+\s+){{0,5}}?)?{step}(?:\s+(?i:del?|de\s+la)\s+\w+(?:[ \t]+\w+){{0,3}})?"
                         rf"|\d{{1,2}}(?:a|ª|o|º)?\.?\s+(?i:calle|avenida|ave\.?|av\.)(?:\s+(?:[NS][OE]|(?i:norte|sur|este|oeste))\b\.?)?"
                         rf"|(?i:v[íi]a|carretera|camino|ruta)\s+(?i:a|al|de|del|hacia)\s+{place_name}\s+(?i:km\.?|kil[óo]metro)\s*\d{{1,4}}(?:[.,]\d{{1,3}})?")
        house_segment = (rf"(?:\s*,\s*(?:{house_alternatives}|{landmark})|\s*,?\s+{landmark}|[ \t]+(?i:edificio|edif\.|apartamento|"
                         rf"apto\.?|casa|bloque|lote|manzana|mz\.|torre|pasaje)\s*(?:#|(?i:n[º°o]\.?|no\.|nro\.?))?\s*\d[\w\-]*)")
        # a public square "frente al Alcázar" is no house, and a second street is one only with its number ("Calle
        # del Cristo, Calle Fortaleza" is a list of streets; "Pasaje 3, calle 5 #23" an address)
        building_segment = (rf"(?:\s*,\s*(?:{house_alternatives.replace(f'(?:{number})?{extra}', f'(?:{number}){extra}', 1)}))")
        settlement = (rf"(?:{locality}|(?i:domicilio\s+conocido)(?=\s*,))(?:{place_name})?(?:{number})?{extra}"
                      rf"(?:{house_segment}|{place_segment}){{1,5}}")
        # rural and postal forms: "Caserío El Jícaro, Km 12 carretera a Olancho", "HC-01 Box 1234, Utuado PR 00641"
        rural = (rf"(?:{locality}){place_name}(?:\s*,\s*(?:{locality})?{place_name})*\s*,\s*(?i:km\.?|kil[óo]metro)\s*"
                 rf"\d{{1,4}}(?:\s+(?i:carretera|camino|v[íi]a)\s+(?:a|al|de|del)?\s*{place_name})?{place}"
                 rf"|\bHC-?\d{{1,2}}\s+(?i:box)\s+\d{{1,5}}{place}|(?i:domicilio\s+conocido){place_segment}{{1,4}}")
        # a street whose house is a building or a house number of a block: "Av. Bolívar, Residencias Marielena,
        # piso 6, apto 6-B", "Pasaje 3, casa #17, Residencial Los Almendros"; Guatemala's "5a. avenida 3-45 zona 1"
        with_building = rf"{STREET_TYPE}\s+{name_greedy}{building_segment}{{1,4}}{place}"
        ordinal_street = (rf"\b\d{{1,2}}(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:avenida|calle|av\.)"
                          rf"(?:\s+(?i:oriente|poniente|norte|sur|ote\.|pte\.))?(?:\s+\d{{1,3}}-\d{{1,3}}|{number})"
                          rf"(?:\s*,?\s*(?i:zona)\s+\d{{1,2}})?{extra}{place}")
        # directions, as addresses are given in Nicaragua and Costa Rica: "de la iglesia San José 2 c. al lago, 1/2
        # c. arriba", "100 m norte y 50 oeste del Palí"
        more_steps = rf"(?:(?:\s*(?:,|y)\s*|[ \t]+)(?:{step}|\d+(?:/\d+)?\s*(?i:al\s+)?(?i:norte|sur|este|oeste)))"
        directions = (rf"(?:(?:(?i:de(?:l| la| los)?)\s+(?:[\w.]+,?\s+){{0,6}}?){step}{more_steps}*"
                      rf"|{step}{more_steps}+(?:\s+(?i:del?|de\s+la)\s+{place_name})?"
                      rf"|{step}\s+(?i:del?|de\s+la)\s+{place_name})(?:{house_segment}|{place_segment}){{0,4}}")
        # the unit first, then the building, the street or the settlement: "apartamento 4C, PH Torres del Mar,
        # calle 50", "casa 23 del polígono B, Urbanización Altavista, Ilopango", "Depto 4B, edificio Los Pinos"
        # ... joined to its building by "de": "casa 23 del polígono B", "Apt. 1203 del Cond. Torres del Parque"
        unit_building = (rf"\s+(?i:del?|de\s+la)\s+(?i:pol[íi]gono|bloque|edificio|torre|manzana|pasaje|cond\.|condominio|"
                         rf"conjunto|residencial|ph)\s+[\w\-]{{1,12}}(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[{UPPER}][\w'’]*)*")
        unit_segment = (rf"(?:[ \t]+{STREET_TYPE}\s+{name_greedy}(?:{number})?|\s*,\s*(?:(?i:ph|p\.h\.|edif\.?|edificio|torres?|cond\.|condominio|conjunto|residencial|residencias)\s+"
                        rf"[{UPPER}][\w'’]*(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[{UPPER}][\w'’]*)*"
                        rf"|{STREET_TYPE}\s+{name_greedy}(?:{number})?|(?:{locality}){place_name}|{house_alternatives}))")
        unit_first = (rf"(?:(?i:apartamento|apto\.?|apt\.|ap\.|departamento|depto\.?|dpto\.?|casa|villa|local|oficina|lote|lt\.|"
                      rf"parcela|solar|mz\.?|manzana)\s*(?:#|n\.?\s?[º°o]\.?)?\s*"
                      rf"(?:\d{{1,4}}[A-Za-z]?(?:-[A-Za-z0-9]{{1,3}})?|[A-Z])\b"
                      rf"|(?i:edif\.?|edificio|cond\.|condominio|torre|residencias)\s+[{UPPER}][\w'’]*"
                      rf"(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?[{UPPER}][\w'’]*)*)"
                      rf"(?:{unit_building}(?:{unit_segment}+|{place_segment})|{unit_segment}+){place}")
        # a house by two of its parts, with no street named: "bloque 22 casa 1405", "torre 2, apto 1204", "Mz. F lote
        # 12", "calle 5 casa 22", "5ta etapa mz 512 villa 7" (the second part: a unit word the address trigger knows)
        unit_pair = (rf"(?<!\w)(?:\d{{1,2}}(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:etapa)\s+)?"
                     rf"(?i:bloque|blq\.?|torre|edificio|edif\.|mz\.?|manzana|etapa|sector|pasaje|pje\.?|calle|block|"
                     rf"pabell[óo]n)\s*(?:#|(?i:n\.?\s?[º°o]\.?))?\s*(?:\d{{1,4}}[A-Za-z]?|[A-Z](?:-?\d{{1,3}})?)"
                     rf"(?:\s*,\s*|\s+)(?:(?i:mz\.?|manzana)\s*(?:\d{{1,4}}|[A-Z])(?:\s*,\s*|\s+))?"
                     rf"(?i:casa|apto\.?|apt\.|apartamento|departamento|depto\.?|dpto\.?|lote|lt\.|villa|solar)"
                     rf"\s*(?:#|(?i:n\.?\s?[º°o]\.?))?\s*\d{{1,5}}(?:-?[A-Za-z])?(?!\w)")
        # Yucatán's crossings: "Calle 60 x 53 y 55 #498, Centro, Mérida"
        crossing = (rf"{STREET_TYPE}\s+\d{{1,3}}[A-Za-z]?\s+(?:x|por)\s+\d{{1,3}}[A-Za-z]?(?:\s+y\s+\d{{1,3}}[A-Za-z]?)?"
                    rf"(?:{number})?{extra}{place}")
        # the United States, in Spanish text: "455 Grand Concourse, Apt 6F, Bronx, NY 10451"
        us_street = (rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[{UPPER}][\w.'’]*|\d{{1,3}}(?:st|nd|rd|th))(?:\s+[{UPPER}][\w.'’]*){{0,4}}"
                     rf"(?:\s*,?\s*(?:(?i:apt\.?|apto\.?|unit|suite|ste\.?)\s*#?\s*\w+|#\s*\w+))?"
                     rf"(?:(?:\s*,\s*|[ \t]*\n[ \t]*)[{UPPER}][\w.'’]*(?:\s+[{UPPER}][\w.'’]*){{0,3}}){{1,2}},?\s+[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?\b")
        super().__init__("STREET_ADDRESS", [
            _p("street", rf"{STREET_TYPE}\s+{name_part}(?:{number}){extra}{place}", 0.7),
            _p("street in lower case", rf"{STREET_TYPE}\s+[{LOWER}]{{3,}}(?:[ \t]+[{LOWER}]{{2,}}){{0,2}}[ \t]*"
                                       rf"(?:#|(?i:n[º°o]\.?|no\.|núm\.?))[ \t]*\d{{1,5}}[A-Za-z]?{extra}{place}", 0.6),
            # a corner instead of a house number: "c/ Carlos A. López casi Dr. Montero", "Rivera esq. Soca"
            _p("street corner", rf"{STREET_TYPE}\s+{name_greedy}\s+(?i:casi|esq(?:\.|uina)|entre)\s+(?:(?i:con)\s+)?"
                                rf"{name_greedy}(?:\s+y\s+{name_greedy})?(?:{house_segment}|{place_segment}){{0,4}}", 0.7),
            _p("untyped:ctx", untyped, 0.4),
            _p("untyped placed", untyped_placed, 0.6),
            _p("settlement:ctx", settlement, 0.4),
            # ... and anywhere when a street, a unit or a landmark locates the house in it: "Bo. Guamilito, 5 calle,
            # 7 ave. NO, San Pedro Sula"
            _p("settlement with house", rf"(?:{locality})(?:{place_name})?(?:{number})?{extra}(?:{place_segment}){{0,3}}"
                                        rf"{house_segment}(?:{house_segment}|{place_segment}){{0,4}}", 0.6),
            _p("rural", rural, 0.65),
            _p("directions", directions, 0.6),
            _p("landmark:ctx", rf"{located}{place_segment}{{1,3}}", 0.4),
            _p("street with building", with_building, 0.6),
            _p("ordinal street", ordinal_street, 0.65),
            _p("unit first", unit_first, 0.6),
            _p("unit pair", unit_pair, 0.6),
            _p("crossing", crossing, 0.7),
            _p("us street", us_street, 0.65),
            _p("us street type", rf"\b\d{{2,6}}\s+(?:[NSEW]\.?\s+)?(?:[{UPPER}][\w'’]*|\d{{1,3}}(?:st|nd|rd|th))(?:\s+[{UPPER}][\w'’]*){{0,3}}"
                                 rf"\s+(?:St|Ave|Rd|Blvd|Dr|Ln|Ct|Pl|Pkwy|Hwy|Street|Avenue|Road|Drive|Lane|Court|Way)\.?\b"
                                 rf"(?:\s*,?\s*(?:(?i:apt\.?|apto\.?|unit|suite|ste\.?)\s*#?\s*\w+|#\s*\w+))?{place}", 0.6),
        ], ADDRESS_WORDS + ADDRESS_CONTEXT, trigger="address", flags=CASE_SENSITIVE, name="StreetAddressRecognizer")
        # what each pattern cannot match without (a cheap search first: the address patterns are the filter's
        # most expensive ones, and most texts that trigger the address group hold no address)
        street_type = re.compile(STREET_TYPE)
        # a settlement word followed by what can follow it in a settlement pattern: a name, a number, a comma, a
        # unit or a landmark ("del barrio documentó" stops here; "barrio Comandachina" and "barrio, casa 5" do not)
        settlement_opening = re.compile(
            rf"(?i:\b(?:{SETTLEMENT_START}))\s*(?:(?i:de|del|de\s+la|humano)\s+)?(?:[{UPPER}0-9#]|(?i:n[º°o]|"
            r"núm|número|no\.|km|lt|lote|piso|planta|pb|p\.b|dpto|depto|dto|departamento|apto|apt|apartamento|interior|"
            r"int\.|puerta|esc|bloque|torre|casa|oficina|of\.|edif|local|mz|manzana|bodega|etapa|conjunto|sector|"
            r"villa|block|cerca|frente|junto|detr|al\s+lado|a\s+(?:una|dos|tres|media)|x\s|entre|esq|casi|zona|s/n))"
            r"|(?i:domicilio\s+conocido)")
        self._needs = {
            "street": street_type, "street corner": re.compile(r"(?i:\bcasi\b|\besq|\bentre\b)"),
            "street with building": street_type,
            "rural": re.compile(r"(?i:km|kil[óo]metro|\bhc-?\d|conocido)"),
            "directions": re.compile(r"[\d½]\s*(?i:c\.|c\b|cuadra|m\b|mts|metros|varas|vrs|km|al\s+(?:norte|sur|este|oeste)|norte|sur|este|oeste)"),
            "ordinal street": re.compile(r"\d(?:a|ª|o|º|ra|da|ta)\.?\s+(?i:avenida|calle|av\.)"),
            "settlement:ctx": settlement_opening, "settlement with house": settlement_opening,
            "unit first": re.compile(r"(?i:\b(?:apartamento|apto|apt|ap|departamento|depto|dpto|casa|villa|local|oficina|"
                                     r"lote|lt|parcela|solar|mz|manzana|edif|edificio|cond|condominio|torre|residencias)\b)"
                                     r"[^,\n]{0,60},"),  # a segment after a comma follows the unit
            "unit pair": re.compile(r"(?i:\b(?:casa|apto|apt|apartamento|departamento|depto|dpto|lote|lt|villa|solar)"
                                    r"\.?\s*(?:#|n\.?\s?[º°o]\.?)?\s*\d)"),
            "crossing": re.compile(r"\d\s+(?:x|por)\s+\d"),
            "landmark:ctx": re.compile(r"(?i:\b(?:cerca|frente|junto|detr[áa]s|al\s+lado|cuadras?\s+de|a\s+la\s+par|enfrente|"
                                       r"contiguo|\d\s*(?:m|mts\.?|metros|varas|km)\s+de)\b)"),
            "us street": re.compile(r"[A-Z]{2}\s+\d{5}\b"),
            "us street type": re.compile(r"\d\s+(?:[NSEW]\.?\s+)?\S+(?:\s+\S+){0,3}\s+(?:St|Ave|Rd|Blvd|Dr|Ln|Ct|Pl|Pkwy|Hwy|Street|Avenue|Road|Drive|Lane|Court|Way)\b"),
            "street in lower case": re.compile(r"(?:#|(?i:n[º°o]\.?|no\.|núm\.?))[ \t]*\d"),
        }

    def _cannot_match(self, text: str) -> set[str]:
        found: dict[int, bool] = {}  # each distinct search once per text (several patterns share one)
        skip = set()
        for name, needs in self._needs.items():
            if id(needs) not in found:
                found[id(needs)] = needs.search(text) is not None
            if not found[id(needs)]:
                skip.add(name)
        return skip


class DateOfBirthRecognizer(SpanishPatternRecognizer):
    """Dates of birth: a date right after 'nací el', 'fecha de nacimiento', 'nacido el', 'born', 'DOB'..., in any of
    the ways forms and people write it ("14/02/1995", "1958/03/22", "23-ago-1998", "29 ene 2008", "15 de marzo de
    1990", "Sept 3 1979", "14FEB1991"), also across a Markdown label or a table's cell ("**Fecha de nacimiento:**
    14/02/1995", "| Fecha de nacimiento | 12/11/1995 |")."""

    # Spanish and English month names and their abbreviations ("ene", "ago", "sept", "Jan", "Aug", "Dec")
    MONTH_WORD = (r"(?:ene(?:ro)?|feb(?:rero)?|mar(?:zo)?|abr(?:il)?|may(?:o)?|jun(?:io)?|jul(?:io)?|ago(?:sto)?|"
                  r"sep(?:t(?:iembre)?)?|set(?:iembre)?|oct(?:ubre)?|nov(?:iembre)?|dic(?:iembre)?|"
                  r"jan(?:uary)?|february|march|apr(?:il)?|june|july|aug(?:ust)?|september|october|november|"
                  r"dec(?:ember)?)\.?")

    def __init__(self):
        from corpus600m.filters.pii_people import MONTHS

        months = "|".join(MONTHS)
        month = self.MONTH_WORD
        cue = (r"(?:nac[íi](?:\s+el)?|nacid[oa](?:\s+el)?|naci[óo](?:\s+el)?|fecha\s+de\s+nac(?:imiento|\.)?|"
               r"f\.?\s?(?:de\s+)?nac\.?|\bnac\.?|cumpleaños\s*(?:es\s+el)?|nacimiento|\bborn(?:\s+on)?|"
               r"date\s+of\s+birth|\bdob\b|\bd\.o\.b\.?)")
        # what may stand between the cue and the date: a note in brackets, a colon, Markdown's bold, a table's bar
        between = r"(?:\s*\([^)\n\d]{0,30}\))?[\s:*|_=\-–\"'(]{0,8}"
        dates = (rf"\d{{1,2}}[/.\-]\d{{1,2}}[/.\-]\d{{2,4}}|\d{{4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,2}}"
                 rf"|\d{{1,2}}\s+de\s+(?:{months})(?:\s+de(?:l)?\s+(?:\d{{4}}|\d{{2}}(?!\d)))?"
                 rf"|\d{{1,2}}(?:[/.\-]|\s+|(?=[A-Za-z])){month}(?:[/.\-]|\s+|(?<=[A-Za-z])(?=\d))(?:de\s+)?\d{{2,4}}"
                 rf"|{month}\s+\d{{1,2}},?\s+\d{{4}}"
                 # as deeds write it: "veintitrés (23) de mayo de dos mil doce (2012)"
                 rf"|[a-záéíóúñ]+\s+\(\d{{1,2}}\)\s+de\s+(?:{months})\s+de(?:l)?\s+[a-záéíóúñ ]{{3,40}}\(\d{{4}}\)")
        super().__init__("DATE_OF_BIRTH", [
            # ... also after a birthplace: "Lugar y fecha de nacimiento: Ebebiyín, 3 de mayo de 1995"
            _p("dob", rf"{cue}{between}(?:[A-ZÁÉÍÓÚÑ][^\d\n,:;|]{{1,30}},\s*)?(?P<pii>{dates})(?!\d)", 0.85),
        ], [], trigger="dob", name="DateOfBirthRecognizer")


def all_recognizers() -> list[PatternRecognizer]:
    """Every recognizer of the PII filter."""
    from corpus600m.filters.pii_people import NerPersonRecognizer
    from corpus600m.filters.pii_shapes import phone_shape_recognizer, shape_recognizers

    return [*contact_recognizers(), *national_id_recognizers(), *shape_recognizers(), phone_shape_recognizer(),
            PersonRecognizer(), NerPersonRecognizer(), StreetAddressRecognizer(), DateOfBirthRecognizer()]
