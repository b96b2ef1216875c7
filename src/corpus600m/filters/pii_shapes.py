"""Structured personal data recognized by its SHAPE (and the words before it), not only by a valid check digit.

The recognizers in `pii_recognizers.py` report an id only when its check digit verifies. Text written by people
(and by generators of synthetic personal data) is full of ids whose check digit does not verify, of card numbers
of unusual lengths, of accounts in IBAN shape for countries that have no IBAN, and of phones with extensions. For
publishing, a missed identifier costs far more than a redacted false alarm, so here:

- a check digit RAISES the score (1.0), its absence or failure does not gate the finding;
- shapes that ordinary prose never produces are reported on their own (a 12-19 digit run passing Luhn, an IBAN-like
  token, an RFC/CURP with a real date, a RUT `12.345.678-5`, a CUIT `20-12345678-3`, a run of 14+ digits);
- shapes that prose can produce (a 7-13 digit number) only next to a word saying what they are (`:ctx` patterns,
  see `pii.py`): "cédula", "DNI", "cuenta", "tarjeta", "RUT", "NSS", "tel."...

Every pattern here is in the `digits` trigger group (or `upper` for letter-first ids) and looks at most 36
characters before its digits, so `pii._digit_windows` keeps finding exactly what a whole-text scan finds.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from corpus600m.filters.pii_checksums import (
    _valid_date,
    luhn_ok,
    valid_ar_cuit,
    valid_cl_rut,
    valid_mx_curp,
    valid_mx_rfc,
)
from corpus600m.filters.pii_recognizers import (
    CASE_INSENSITIVE,
    CASE_SENSITIVE,
    NA,
    SpanishPatternRecognizer,
)

NB = r"(?<![\w.\-/=?&#%])"  # not glued to a word, a number, a path or a URL query ("?id=100012345678901")


def _p(name: str, regex: str, score: float) -> Pattern:
    return Pattern(name=name, regex=regex, score=score)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _iban_mod97(value: str) -> bool:
    raw = re.sub(r"\s", "", value.upper())
    rearranged = raw[4:] + raw[:4]
    try:
        return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
    except ValueError:
        return False


class ShapeRecognizer(SpanishPatternRecognizer):
    """A pattern recognizer whose validator only raises the score: valid -> 1.0, else the pattern's own score.

    `plausible` (optional) still rejects what is not that kind of value at all (an RFC whose "date" is 991345)."""

    def __init__(self, entity: str, patterns: list[Pattern], context: list[str], *, check=None, plausible=None,
                 trigger: str = "digits", flags: int = CASE_INSENSITIVE, name: str | None = None,
                 max_score: float = 1.0, weak: bool = False):
        self._check = check
        self.weak = weak  # a shape prose can produce: any product/case word before it says it is not personal
        self._plausible = plausible
        # generic shapes (a bare number, a number after an id word) stay below the typed recognizers that see the
        # same span (Peru's DNI after "DNI" is PE_DNI, not NATIONAL_ID), context boost included (see pii.py)
        self.max_score = max_score
        super().__init__(entity, patterns, context, trigger=trigger, flags=flags, name=name or f"{entity}ShapeRecognizer")

    def matches(self, text: str, *, context_patterns: bool = True):
        """The patterns' matches, less the numbers that a code word introduces unless an id or phone word is
        nearer: for weak shapes (a bare number) any product/case word ("expediente 2019-001234-56", "pedido
        4521-8890-12"); for strong ones (a Luhn-valid card, an IBAN-shaped account, an RFC) only a product-code
        word ("código de barras 8412345678905", "ISBN 978..."): "ref. 4992148922766155735" is still a card."""
        results = super().matches(text, context_patterns=context_patterns)
        code = _CODE_BEFORE if self.weak else _PRODUCT_CODE_BEFORE
        return [r for r in results if not _introduced_by(code, text[max(0, r.start - 32):r.start])
                and not (self.weak and _labelled_as(_QUANTITY_LABEL, text, r.start))]

    def validate_result(self, pattern_text: str) -> bool | None:
        if self._plausible is not None and not self._plausible(pattern_text):
            return False
        if self._check is not None and self._check(pattern_text):
            return True
        return None  # not verified: the pattern's score stands


# a code of a thing or a case, not of a person: the number right after it is not personal data
_CODE_BEFORE = re.compile(r"(?:\blote|\bref\.|referencia(?!\s+personal)|c[óo]digo(?!\s+de\s+(?:[áa]rea|pa[íi]s|cliente))|"
                          r"\bserie|\bmodelo|\bexpediente|\bisbn|\bissn|\bean\b|\bsku|\bart[íi]culo|\bart\.|\bpieza|"
                          r"\bfactura|\bpedido\b|\bproducto|\bley\b|\bdecreto|\bversi[óo]n|\bdoi\b|\bpartida\b|\bsorteo\b|\bticket\b|"
                          r"\bcampa[ñn]a|\bresoluci[óo]n)[^\d\n,;]{0,20}$", re.I)


_PERSONAL_WORD = re.compile(r"(?i:dni|nif|nie|c[ée]dula|rut|cuit|cuil|curp|rfc|nss|tarjeta|cuenta|iban|clabe|cbu|"
                            r"tel[ée]fono|tel\b|celular|m[óo]vil|whatsapp|documento|pasaporte)")


_PRODUCT_CODE_BEFORE = re.compile(r"(?:c[óo]digo\s+de\s+barras|\bisbn|\bissn|\bean\b|\bsku|\bdoi\b|\bserie|\bmodelo|"
                                  r"\blote|\bley\b|\bdecreto|\bversi[óo]n|\bproducto|\bart[íi]culo|"
                                  r"\bpieza)[^\d\n,;]{0,20}$", re.I)


def _introduced_by(code: re.Pattern, before: str) -> bool:
    """A code word right before the number, and no id or phone word after it ("La factura sale al RFC ...")."""
    match = code.search(before)
    return bool(match) and not _PERSONAL_WORD.search(before, match.start() + 1)


def _placeholder(digits: str) -> bool:
    """Mostly zeros ("28000000000000", "4000000000000002"): a padded placeholder or a round figure, not an issued
    number; one repeated digit only ("5555555555555555")."""
    return digits.count("0") * 2 > len(digits) or len(set(digits)) <= 2


def _card_shape(value: str) -> bool:
    """12-19 digits written as one run or in groups of 4 (Amex 4-6-5), not a placeholder (`_placeholder`)."""
    digits = _digits(value)
    return 12 <= len(digits) <= 19 and not _placeholder(digits) and _not_years(value)


def _card_luhn(value: str) -> bool:
    return _card_shape(value) and luhn_ok(value)


def _rfc_plausible(value: str) -> bool:
    raw = re.sub(r"[\s\-]", "", value.upper())
    stem = raw if len(raw) == 13 else " " + raw
    return len(raw) in (12, 13) and _valid_date(int(stem[4:6]), int(stem[6:8]), int(stem[8:10]))


def _curp_plausible(value: str) -> bool:
    raw = value.upper()
    return len(raw) == 18 and _valid_date(int(raw[4:6]), int(raw[6:8]), int(raw[8:10]))


def _not_thousands(value: str) -> bool:
    """Not a number grouped in thousands ("1.234.567", "12 345 678"): those are quantities in Spanish prose."""
    return not re.fullmatch(r"\d{1,3}(?:[.\s]\d{3})+", value.strip())


def _not_years(value: str) -> bool:
    """Not a list of years ("2019 2020 2021 2022")."""
    groups = re.split(r"[\s.\-]+", value.strip())
    return not (len(groups) > 1 and all(len(g) == 4 and g.isdigit() and 1500 <= int(g) <= 2099 for g in groups))


def _plate_shape(value: str) -> bool:
    """5-8 letters and digits, both kinds, not a year ("modelo 2019")."""
    core = re.sub(r"[\s\-]", "", value)
    return 5 <= len(core) <= 8 and any(c.isdigit() for c in core) and any(c.isalpha() for c in core)


def _long_run(value: str) -> bool:
    digits = _digits(value)
    return len(digits) >= 14 and not _placeholder(digits) and _not_thousands(value) and _not_years(value)


# Words that say a number nearby is someone's id, account or card (looked for in the 48 characters before it).
ID_WORDS = ["dni", "d.n.i", "nif", "nie", "nit", "ruc", "rif", "nip", "cip", "dip", "elector", "cédula", "cedula", "c.c.", "cc:", "cc.", "c.i.", "ci:", "ci ", "rut",
            "r.u.t", "run:", "cuit", "cuil", "curp", "rfc", "nss", "n.s.s", "seguridad social", "afiliación",
            "afiliacion", "nuip", "dpi", "cui", "dui", "rnp", "pasaporte", "carnet", "carné", "documento", "identidad",
            "identificación", "identificacion", "ine", "matrícula", "matricula", "rol único", "licencia", "cuenta", "cta.", "cta ", "tarjeta", "card", "visa", "mastercard", "amex",
            "crédito", "credito", "débito", "debito", "clabe", "cbu", "cvu", "iban", "swift", "banco", "bancaria",
            "bancario", "transferencia", "depósito", "deposito", "abonar", "contraseña", "pin"]
PHONE_WORDS = ["tel", "teléfono", "telefono", "tlf", "telf", "celular", "cel.", "cel:", "móvil", "movil", "whatsapp",
               "wsp", "wasap", "llama", "llámame", "llamar", "llamá", "márcame", "fono", "fijo", "contacto", "ext",
               "extensión", "anexo", "fax"]

# what follows an amount, not an id: "45000000 habitantes", "12000000 de pesos", "20240115 UTC"
_NO_UNIT = (r"(?!\s*(?:%|€|\$|de\s+(?:pesos|euros|d[óo]lares|personas|habitantes|toneladas|litros)|pesos|euros|"
            r"d[óo]lares|soles|bol[íi]vares|colones|quetzales|guaran[íi]es|habitantes|personas|km|kg|mts?\b|metros|"
            r"toneladas|litros|millones|usd|eur|mxn|ars|clp|cop|pen|votos|unidades|ejemplares|visitas|"
            r"seguidores|años|bytes|kb|mb|gb|utc))")


# an id's word right before its number, and what may sit between ("C.I. N°", "NUIP:", "cédula de identidad número")
_ID_LABEL = (r"(?i:\b(?:dni|d\.n\.i\.?|c\.?\s?i\.?|c\.?\s?c\.?|nuip|n\.?i\.?t\.?|ruc|rut|dpi|cui|dui|c[ée]dula"
             r"(?:\s+de\s+(?:identidad|ciudadan[íi]a))?|documento(?:\s+de\s+identidad)?|identidad|carn[ée]t?)"
             r"\s*(?:n[°º.]|nro\.?|n[úu]mero|no\.)?\s*:?\s*)")
_ACCOUNT_LABEL = (r"(?i:\b(?:cuenta|cta\.?|caja\s+de\s+ahorros?|abonado|afiliad[oa]|suministro|"
                  r"n[úu]mero\s+de\s+(?:servicio|abonado|cliente|suministro|contrato|p[óo]liza|afiliad[oa]|socio)|"
                  r"p[óo]liza|contrato|nis|nic)(?:\s+(?:de\s+ahorros?|corriente|cte\.?|vista|"
                  r"bancaria|sueldo|n[°º.]|nro\.?|n[úu]mero|no\.|en\s+(?:pesos|d[óo]lares|guaran[íi]es|soles|"
                  r"bol[íi]vares|colones))){0,3}\s*:?\s*)")


# the words that name a coded id: an employee's, a student's, an insurer's, Venezuela's RIF
_CODED_ID_LABEL = (r"(?i:\b(?:n[úu]mero\s+de\s+(?:empleado|trabajador|legajo|alumno|estudiante|afiliad[oa]|asegurad[oa]|"
                   r"socio|carn[ée]t?)|c[óo]digo\s+de\s+(?:empleado|trabajador|alumno|estudiante|afiliad[oa])|legajo|"
                   r"autogenerado|rif|carn[ée]t?\s+(?:de\s+)?(?:estudiante|alumno|afiliad[oa])|id\s+de\s+empleado|"
                   r"licencia(?:\s+de\s+(?:conducir|manejo|conductor))?|medicare|medicaid|chasis|vin|"
                   r"(?:[A-Z]{2}\s+)?driver'?s?\s+licen[cs]e|(?:id|n[úu]mero)\s+de\s+miembro|member\s+id|"
                   r"n[úu]mero\s+de\s+(?:chasis|motor|serie\s+del\s+veh[íi]culo))"
                   r"(?:\s+(?:n[°º.]|nro\.?|no\.))?\s*(?:es\s+(?:el\s+)?|:\s*)?)")


# the words that name the number of a property, a membership, an insurance policy, a health card or a phone set
_REGISTRY_LABEL = (r"(?i:\b(?:(?:clave|referencia|c[óo]digo|ficha|n[úu]mero|c[ée]dula)\s+catastral|catastro|padr[óo]n|"
                   r"finca|matr[íi]cula\s+inmobiliaria|folio(?:\s+real|\s+de\s+matr[íi]cula)?|partida(?:\s+registral)?|"
                   r"predio|soci[oa]|asociad[oa]|p[óo]liza|tarjeta\s+sanitaria|historia\s+cl[íi]nica|imei|"
                   r"(?:n[úu]mero\s+de\s+|no\.\s+de\s+)?expediente(?:\s+cl[íi]nico|\s+m[ée]dico)?)"
                   r"(?:\s+(?:n\.?\s?[°º]|n[°º.]|nro\.?|n[úu]mero|no\.))?\s*:?\s*(?:es\s+(?:el\s+|la\s+)?)?)")


def _registry_plausible(value: str) -> bool:
    digits = _digits(value)
    return len(digits) >= 3 and len(value) <= 24 and not re.fullmatch(r"(?:1[5-9]|20)\d\d", value) and _not_years(value)


# a short label (1-4 words, at most 26 characters) at the start of a line, a field or a clause, then ":" or "=": a
# form's, a chat's or pasted data's field name. Its whole reach before a code's digits stays within
# `pii.WINDOW_MARGIN`, so a window's edge cannot stand in for the start of a line
_LABELLED = (r"(?:^|(?<=[\n,;|{(\t\"\[])|(?<=[,;|•·.!?]\s))"
             r"(?=[^\n:=\"]{1,26}\"?\s*[:=])[^\W\d_][\w.°º/]*(?:[ \-][\w.°º/]+){0,3}\"?\s*[:=]\s*\"?\s*")
# the label's own words, read back from a match: a quantity's, a date's, a thing's or a phone's label (the phone
# recognizers and `pii_public` decide whose number that is) introduces no one's code
_LABEL_BEFORE = re.compile(r"([^\n:=\"]{1,26})\"?\s*[:=]\s*\"?\s*$")
_QUANTITY_WORDS = (r"fecha|hora|horario|total|subtotal|monto|precio|valor|importe|saldo|cantidad|cost[oe]|cuota|"
                   r"tarifa|edad|peso|talla|estatura|altura|a[ñn]os?|anio|km|kilometraje|superficie|[áa]rea|"
                   r"poblaci[óo]n|habitantes|capacidad|presupuesto|ingresos?|salario|sueldo|gasto|deuda|inter[ée]s|"
                   r"tasa|iva|descuento|puntaje|puntos|nota|calificaci[óo]n|resultado|marcador|duraci[óo]n|tiempo|"
                   r"distancia|temperatura|velocidad|potencia|consumo|lectura|medida|dimensiones|volumen")
# a quantity's or a date's label: no number after it is anyone's id
_QUANTITY_LABEL = re.compile(rf"(?i:\b(?:{_QUANTITY_WORDS})(?![a-záéíóúñ]))")
# ... nor a thing's or a phone's (the phone recognizers and `pii_public` decide whose number that is)
_NOT_A_PERSONS_LABEL = re.compile(
    rf"(?i:\b(?:{_QUANTITY_WORDS}|pago|versi[óo]n|isbn|issn|sku|ean|modelo|serie|lote|ley|decreto|art[íi]culo|"
    r"art|resoluci[óo]n|vuelo|ruta|l[íi]nea|postal|cp|c\.p|zip|folios|p[áa]gina|p[áa]gs?|cap[íi]tulo|tomo|"
    r"edici[óo]n|pedido|factura|ticket|orden|producto|ref|referencia|barras|"
    r"tel|tel[ée]fono|tlf|telf|cel|celular|m[óo]vil|whatsapp|wsp|fax|fono|fijo|contacto)(?![a-záéíóúñ]))")


def _labelled_as(words: re.Pattern, text: str, start: int) -> bool:
    """Whether the value at `start` follows a label or key that `words` finds ('"poblacion_estimada": 9745149',
    "Total: 12500")."""
    label = _LABEL_BEFORE.search(text, max(0, start - 34), start)
    return bool(label and words.search(label.group(1)))


class LabelledCodeRecognizer(ShapeRecognizer):
    """`ShapeRecognizer` for codes after a form's label, less those whose label names no one's code."""

    def matches(self, text: str, *, context_patterns: bool = True):
        return [r for r in super().matches(text, context_patterns=context_patterns) if not _labelled_as(_NOT_A_PERSONS_LABEL, text, r.start)]


def _labelled_code_plausible(value: str) -> bool:
    """A labelled code, not a date ("12/03/2024", "2024-03-12"), a time, an amount with cents or a quantity in
    thousands: 4+ digits, at most 24 characters."""
    v = value.strip()
    return (len(_digits(v)) >= 4 and _registry_plausible(v) and _not_thousands(v)
            and not re.fullmatch(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|\d+[.,]\d{2}|"
                                 r"\d{8}T\d{4,6}Z?", v))  # (an iCalendar time: "20250314T170000")


# how card numbers are grouped: 4-4-4(-4)(-1..4) (Visa, Mastercard, 19-digit cards), 4-6-4/5 (Amex, Diners)
CARD_GROUPS = r"(?:\d{4}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,4})?|\d{4}[ \-]\d{6}[ \-]\d{4,5})"


def shape_recognizers() -> list[SpanishPatternRecognizer]:
    """Recognizers of structured values by shape: cards, accounts, tax ids and national ids with any check digit."""
    S = ShapeRecognizer
    return [
        # any 12-19 digit run (one run, or groups of 3-6 digits) that passes Luhn: 19-digit Visa, 15-digit
        # JCB/Amex, 12-digit Maestro; a card-shaped run that fails Luhn only with a card word before it
        S("CREDIT_CARD", [_p("card luhn", NB + CARD_GROUPS + NA, 0.85),
                          _p("card run luhn", NB + r"\d{12,19}" + NA, 0.85),
                          _p("card shape:ctx", NB + r"\d{4}(?:[ \-]?\d{2,6}){2,4}" + NA, 0.45)],
          ["tarjeta", "card", "visa", "mastercard", "amex", "american express", "maestro", "crédito", "credito",
           "débito", "debito", "diners", "discover", "jcb"],
          check=_card_luhn, plausible=_card_shape, name="CardShapeRecognizer"),
        # accounts in IBAN shape, whether or not the country uses IBAN or the mod-97 check holds
        S("IBAN_CODE", [_p("iban shape", r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b", 0.7)],
          ["iban", "cuenta", "transferencia", "banco"], check=_iban_mod97,
          plausible=lambda v: sum(ch.isdigit() for ch in v) >= 8, trigger="upper", flags=CASE_SENSITIVE,
          name="IbanShapeRecognizer"),
        # Argentina's CBU/CVU: 22 digits
        S("AR_CBU", [_p("cbu", NB + r"\d{22}" + NA, 0.8),
                     _p("cbu grouped:ctx", NB + r"\d{8}[\s\-]\d{14}" + NA, 0.5)],
          ["cbu", "cvu", "cuenta", "transferencia", "alias"], name="CbuShapeRecognizer"),
        # any other run of 14+ digits (account numbers, contract ids): ordinary prose writes no such number
        S("ACCOUNT_NUMBER", [_p("long digit run", NB + r"\d(?:[ \-]?\d){13,29}" + NA, 0.6)],
          ID_WORDS, plausible=_long_run, name="LongNumberRecognizer", max_score=0.6, weak=True),
        # Mexico's RFC and CURP with a real date, whatever their check character
        S("MX_RFC", [_p("rfc shape", r"\b[A-ZÑ&]{3,4}[\s\-]?\d{6}[\s\-]?[A-Z\d]{3}\b", 0.7)], ["rfc", "sat", "fiscal"],
          check=valid_mx_rfc, plausible=_rfc_plausible, trigger="upper", flags=CASE_SENSITIVE, name="RfcShapeRecognizer"),
        S("MX_CURP", [_p("curp shape", r"\b[A-Z][A-Z]{3}\d{6}[HMX][A-Z]{5}[A-Z\d]\d\b", 0.8)], ["curp"],
          check=valid_mx_curp, plausible=_curp_plausible, name="CurpShapeRecognizer"),
        # Chile's RUT written with its dots and dash, Argentina's CUIT/CUIL with its dashes: the shape is the id
        S("CL_RUT", [_p("rut shape", NB + r"\d{1,2}\.\d{3}\.\d{3}\s?-\s?[\dkK]" + NA, 0.7),
                     _p("rut dash:ctx", NB + r"\d{7,8}-[\dkK]" + NA, 0.45)],
          ["rut", "run", "r.u.t", "rol único", "rol unico"], check=valid_cl_rut, name="RutShapeRecognizer"),
        S("AR_CUIT", [_p("cuit shape", NB + r"(?:2[0347]|3[034])-\d{8}-\d" + NA, 0.7),
                      _p("cuit plain:ctx", NB + r"(?:2[0347]|3[034])\d{9}" + NA, 0.45)],
          ["cuit", "cuil", "c.u.i.t", "c.u.i.l"], check=valid_ar_cuit, name="CuitShapeRecognizer"),
        # Spain's DNI/NIE with a wrong letter: 8 digits glued to a capital letter, X/Y/Z + 7 digits + letter
        # ... and typed in lower case after its word ("dni 05432198m")
        S("ES_NIF", [_p("nif shape", NB + r"\d{8}-?[A-Z]" + NA, 0.6),
                     _p("nif lower:ctx", NB + r"\d{8}-?[a-z]" + NA, 0.5)], ["dni", "nif", "d.n.i", "documento"],
          flags=CASE_SENSITIVE, name="NifShapeRecognizer"),
        S("ES_NIE", [_p("nie shape", r"\b[XYZ]-?\d{7}-?[A-Z]" + NA, 0.6),
                     _p("nie lower:ctx", r"\b[xyzXYZ]-?\d{7}-?[a-zA-Z]" + NA, 0.5)], ["nie", "extranjero", "residencia"],
          flags=CASE_SENSITIVE, name="NieShapeRecognizer"),
        # Mexico's voter key (clave de elector of the INE credential): 6 letters, birth date, H/M, 3 digits
        S("MX_INE", [_p("clave de elector", r"\b[A-Z]{6}\d{8}[HM]\d{3}\b", 0.8)], ["elector", "ine", "credencial"],
          flags=CASE_SENSITIVE, name="VoterKeyShapeRecognizer"),
        # passports: 1-3 letters and 6-9 digits after the word
        S("PASSPORT", [_p("passport:ctx", r"\b[A-Z]{1,3}\d{6,9}\b", 0.45)], ["pasaporte", "passport", "pasap."],
          flags=CASE_SENSITIVE, name="PassportShapeRecognizer"),
        # vehicle plates after the word: "placa BHK-452", "tablilla IHG-512", "placas P 584-312", "patente AB 123 CD"
        # (Chile's "HKLR-42", California's "8KPL417", Colombia's motorcycles "KLM45E", Argentina's "AE 482 KT")
        S("LICENSE_PLATE", [_p("plate:ctx", r"\b[A-Z0-9]{1,4}(?:[\s\-]?[A-Z0-9]{1,4}){1,2}\b", 0.45)],
          ["placa", "placas", "patente", "tablilla", "matrícula", "matricula", "chapa", "dominio"], trigger="upper",
          plausible=_plate_shape,
          flags=CASE_SENSITIVE, name="PlateShapeRecognizer"),
        # ... and Guatemala's one letter and six digits ("P 584-312"), which the capitals trigger does not see
        S("LICENSE_PLATE", [_p("plate:ctx", r"\b[A-Z][\s\-]?\d{3}[\s\-]?\d{3}\b", 0.45)],
          ["placa", "placas", "matrícula", "matricula", "chapa", "tablilla"], flags=CASE_SENSITIVE,
          name="PlateDigitsShapeRecognizer"),
        # Spain's NSS as written on the card: 28/12345678/90
        S("ES_NSS", [_p("nss shape", NB + r"\d{2}/\d{8}/\d{2}" + NA, 0.7)], ["seguridad social", "nss", "afiliación"],
          name="NssShapeRecognizer"),
        # Dominican cédula 001-1234567-8, Guatemalan DPI 1234 56789 0101, Honduran DNI 0801-1990-12345
        S("NATIONAL_ID", [_p("dash id shape", NB + r"\d{3}-\d{7}-\d" + NA, 0.65),
                          _p("dpi shape", NB + r"\d{4}\s\d{5}\s\d{4}" + NA, 0.65)],
          ID_WORDS, name="IdShapeRecognizer", max_score=0.64, weak=True),
        # a bare run of 8-13 digits that is not an amount: prose writes quantities that long with separators
        # ("1.500.000", "12 000 000") and with a unit or currency; an unseparated run is an id, account or phone
        S("NATIONAL_ID", [_p("bare digit run", r"(?<![$€£])(?<![$€£]\s)" + NB + r"\d{8,13}" + NA + _NO_UNIT, 0.5)],
          ID_WORDS, plausible=lambda v: len(set(v)) > 2, name="DigitRunRecognizer", max_score=0.6, weak=True),
        # an id written in thousands right after its word ("NUIP 1.027.456.893", "C.I. N° 2.345.678", "CC: 31.987.442"):
        # the dots that make "1.500.000" a quantity here group an id's digits
        S("NATIONAL_ID", [_p("id in thousands", rf"{_ID_LABEL}(?P<pii>[1-9]\d{{0,2}}(?:\.\d{{3}}){{2,3}}){NA}", 0.6)],
          [], name="DottedIdRecognizer", max_score=0.6),
        # an account number written with dashes or slashes right after its word ("cuenta de ahorro N° 12-3456789/01",
        # "Cta. Cte. 0012-0456-78"): 8 or more digits
        S("BANK_ACCOUNT", [_p("account after word", rf"{_ACCOUNT_LABEL}(?:es\s+(?:el\s+)?)?(?P<pii>\d{{1,12}}(?:[\-/.\s]\d{{1,12}}){{0,4}}){NA}",
                              0.6)],
          [], plausible=lambda v: len(_digits(v)) >= 6 and _not_years(v), name="AccountAfterWordRecognizer", max_score=0.6),
        # an id of letters and digits after the word that names it: "número de empleado es EMP-40721", "autogenerado
        # 5407121WGLAV003", "legajo N° A-2231", "RIF V-14238905-1" (a number of 6+ digits has its own recognizers)
        *[S("NATIONAL_ID", [_p("coded id after word", rf"{_CODED_ID_LABEL}(?P<pii>(?=[A-Z0-9\-/.]*\d)[A-Z][A-Z0-9]*(?:[\-/.][A-Z0-9]+){{0,3}}"
                                                     rf"|\d[A-Z0-9]*[A-Z][A-Z0-9]*(?:[\-/.][A-Z0-9]+){{0,3}}){NA}", 0.6)],
            [], plausible=lambda v: sum(c.isdigit() for c in v) >= 3 and 5 <= len(v) <= 24, trigger=trigger,
            name=f"CodedIdRecognizer{trigger}", max_score=0.6) for trigger in ("upper", "digits")],
        # the number of a property, a membership, a policy or a health card after its word ("Clave catastral
        # 0601-05-023-014", "Padrón 6.789", "Finca N° 12.345", "matrícula inmobiliaria 050C-1234567", "socia n.º 112",
        # "Póliza SEG-AG-45678", "tarjeta sanitaria NAIB130414512345"). The same words name the numbers of a registry
        # guide's examples ("Finca 12345 de Pozuelo"): these count only beside other personal data (`pii.anchored`)
        S("REGISTRY_ID", [_p("registry id after word", rf"{_REGISTRY_LABEL}(?P<pii>(?=[A-Z0-9.\-/]*\d)[A-Z0-9]+"
                                                       rf"(?:[.\-/][A-Z0-9]+){{0,4}}){NA}", 0.6)],
          [], plausible=_registry_plausible, flags=CASE_SENSITIVE, name="RegistryIdRecognizer", max_score=0.6),
        # ... and any code of 4+ digits after a number sign ("N° 11012345", "Nro. AG-2024-0871", "#45-112", "número de
        # cliente 448812", "nro. de medidor es el A-55621"), under the
        # same condition: in a text with someone's data a numbered code is theirs more often than not
        S("REGISTRY_ID", [_p("numbered code", r"(?i:(?<!\w)(?:n\.?\s?[°º]\.?|nro\.?|n[úu]m\.|n[úu]mero|no\.|#)\s*"
                                              r"(?:(?:de(?:l|\s+la)?\s+)?[a-záéíóúñ]{2,12}(?:\s+[a-záéíóúñ]{2,12})?\s+(?:es\s+(?:el\s+)?)?)?:?\s*)"
                                              rf"(?P<pii>(?=[A-Z0-9.\-/]*\d)[A-Z0-9]+(?:[.\-/][A-Z0-9]+){{0,4}}){NA}", 0.55)],
          [], plausible=lambda v: len(_digits(v)) >= 4 and _registry_plausible(v) and _not_thousands(v),
          flags=CASE_SENSITIVE, name="NumberedCodeRecognizer", max_score=0.55),
        # ... and any code of 4+ digits after a short label and a colon, as forms, chats and pasted data write someone's
        # numbers ("Medidor: A-556210", "Código de cliente: CL-448812", "licencia = 0045-7781", "\"afiliado\": \"88123\""),
        # under the same condition; not after a label of a quantity, a date or a thing ("Total: 1250", "Vuelo: IB6843")
        LabelledCodeRecognizer(
            "REGISTRY_ID", [_p("labelled code", _LABELLED + r"(?P<pii>(?=[A-Z0-9.\-/]*\d)[A-Z0-9]+"
                                                r"(?:[.\-/][A-Z0-9]+|\s\d+){0,4})" + NA + _NO_UNIT, 0.55)],
            [], plausible=_labelled_code_plausible, flags=CASE_SENSITIVE, name="LabelledCodeRecognizer", max_score=0.55),
        # the last digits of a card said to be its last ("tarjeta terminada en 4471", "últimos 4 dígitos: 0912")
        S("CREDIT_CARD", [_p("card ending", r"(?i:\bterminad[ao]\s+en|\btermina\s+en|\bfinalizad[ao]\s+en|"
                                            r"\búltimos\s+(?:4|cuatro)\s+(?:d[íi]gitos|n[úu]meros)(?:\s+son)?)\s*:?\s*"
                                            r"(?P<pii>\d{4})(?!\d)", 0.6)],
          [], trigger="upper", name="CardEndingRecognizer"),
        # Argentina's CBU/CVU alias: three words joined by dots after "alias" ("alias TORO.MESA.RIO", "Alias: casa.sol.24")
        S("AR_CBU", [_p("cbu alias", r"(?i:\balias\s*(?:cbu|cvu)?\s*(?:es\s+|:\s*)?)(?P<pii>[A-Za-zÑñ0-9\-]+(?:\.[A-Za-zÑñ0-9\-]+){1,3})"
                                   r"(?![\w.])", 0.7)],
          [], trigger="at", flags=CASE_SENSITIVE, name="CbuAliasRecognizer"),
        # a masked number still shows its last digits ("XXX-XX-9135", "**** **** **** 4821", "xxxx-1234")
        S("MASKED_NUMBER", [_p("masked", r"(?<![\w*•])(?:(?:X{2,4}|x{2,4}(?=[\s\-.]))[\s\-.]?){1,4}\d{3,4}" + NA, 0.6)],
          [], trigger="upper", flags=CASE_SENSITIVE, name="MaskedNumberRecognizer"),
        # ... and a card's number masked by stars: its last digits alone are no one's, so it counts only beside other
        # personal data (`pii.anchored`): a shop's receipt prints "VISA ************1187"
        S("MASKED_CARD", [_p("stars", r"(?<![\w*•])(?:[*•]{2,4}[\s\-.]?){1,4}\d{3,4}" + NA, 0.6)],
          [], trigger="upper", flags=CASE_SENSITIVE, name="MaskedCardRecognizer"),
        # 7-13 digits (one run or dotted/dashed groups, not thousands) right after an id word
        S("NATIONAL_ID", [_p("id number:ctx", NB + r"\d(?:[.\-\s]?\d){6,12}(?:-[\dkK])?" + NA, 0.45)],
          ID_WORDS, plausible=lambda v: _not_thousands(v) and _not_years(v), name="IdNumberRecognizer", max_score=0.6,
          weak=True),
    ]


# ---- phones by shape ----------------------------------------------------------------------------------------

# an extension written after a number: "x67929", " ext. 12", " extensión 3", " anexo 204", " int. 5"
EXTENSION = r"(?:\s*(?:x|ext\.?|extensi[óo]n|anexo)\s*\d{1,6})"


def _phone_digits_ok(value: str) -> bool:
    core = re.split(r"(?i)\s*(?:x|ext|extensi|anexo)", value, maxsplit=1)[0]
    digits = _digits(core)
    # "00" + a country code + a national number of 6 digits or more: "0042-1187" is a ticket, not a call abroad
    shortest = 10 if core.lstrip("( ").startswith("00") else 7
    return shortest <= len(digits) <= 15 and len(set(digits)) > 2 and _not_thousands(core)


# Numbers that belong to organizations, not people: toll-free and shared-cost lines (NANP 1-800/888/877/866/855/
# 844/833, Mexico 800 and 01 800, Argentina/Peru/Uruguay 0800, Colombia 01 8000, Spain 800/900/901/902), and year
# ranges that phone shapes also match ("Morazán (1792-1842)")
_ORGANIZATION_LINE = re.compile(r"(?:1?8(?:00|88|77|66|55|44|33)\d{7}|0?800\d{6,8}|0800\d{4}|01800\d{6,7}|018000\d{6}|(?:34)?(?:800|90[0-2])\d{6})")


_YEAR_RANGE = re.compile(r"\(?(?:1[5-9]\d\d|20\d\d)\s*[-–/]\s*(?:1[5-9]\d\d|20\d\d)\)?")


def public_number(value: str) -> bool:
    """A phone-shaped value that is no one's personal data: a toll-free or shared-cost line, or a range of years."""
    digits = _digits(value)
    return bool(_ORGANIZATION_LINE.fullmatch(digits)) or bool(_YEAR_RANGE.fullmatch(value.strip()))


def phone_shape_recognizer() -> SpanishPatternRecognizer:
    """Phone-shaped runs `phonenumbers` rejects: international prefix, North-American grouping, an extension, or
    any phone grouping right after a phone word. (`PhoneNumberRecognizer` handles what phonenumbers accepts.)"""
    return ShapeRecognizer("PHONE_NUMBER", [
        # "+54 9 3285 4058", "(+57) 304 117 71 51", "00 34 612 345 678": an international prefix, then digits
        _p("international", r"(?<![\w+\-./])(?:\(\+\d{1,3}\)|\+\d{1,3}|00[1-9]\d{0,2}(?=[\s.\-]))(?:[\s.\-]?\(?\d{1,5}\)?){2,6}"
                            + EXTENSION + "?" + NA, 0.75),
        # "921-742-1809", "(679)160-1108", "162.046.6109", with an optional extension
        _p("nanp grouping", NB + r"(?:1[\-.\s])?(?:\(\d{3}\)\s?|\d{3}[\-.\s])\d{3}[\-.\s]\d{4}" + EXTENSION + "?" + NA,
           0.7),
        # any number followed by an extension is a phone
        _p("with extension", NB + r"\(?\d[\d\s().\-]{5,16}\d" + EXTENSION + NA, 0.75),
        # phone grouping after a phone word, whatever phonenumbers says
        _p("grouped:ctx", NB + r"\(?\d[\d\s().\-]{5,16}\d" + NA, 0.45),
    ], PHONE_WORDS, plausible=_phone_digits_ok, name="PhoneShapeRecognizer", max_score=0.6)
