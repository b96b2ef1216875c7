"""Check-digit algorithms of the ids, cards and accounts the PII filter knows (each returns True when the value is
well formed). The recognizers use them to raise a finding's score (`pii_recognizers.py`, `pii_shapes.py`)."""

from __future__ import annotations

import re
from datetime import date


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _valid_date(yy: int, mm: int, dd: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + yy, mm, dd)
            return True
        except ValueError:
            continue
    return False


# ---- check-digit algorithms (each returns True when the id is well formed) ------------------------------

_NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def valid_es_nif(value: str) -> bool:
    """Spain's DNI/NIF: 8 digits and a letter = digits mod 23."""
    raw = re.sub(r"[\s.\-]", "", value.upper())
    return bool(re.fullmatch(r"\d{8}[A-Z]", raw)) and _NIF_LETTERS[int(raw[:8]) % 23] == raw[8]


def valid_es_nie(value: str) -> bool:
    """Spain's NIE: X/Y/Z (0/1/2) + 7 digits + letter, same mod-23 letter as the DNI."""
    raw = re.sub(r"[\s.\-]", "", value.upper())
    if not re.fullmatch(r"[XYZ]\d{7}[A-Z]", raw):
        return False
    return _NIF_LETTERS[int(str("XYZ".index(raw[0])) + raw[1:8]) % 23] == raw[8]


def valid_es_nss(value: str) -> bool:
    """Spain's social security number: 2-digit province + 8 digits + 2 control digits (mod 97)."""
    raw = _digits(value)
    if len(raw) != 12:
        return False
    province, number, control = int(raw[:2]), int(raw[2:10]), int(raw[10:])
    base = province * 10**8 + number if number >= 10**7 else province * 10**7 + number
    return 1 <= province <= 66 and base % 97 == control


_CURP_CHARS = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def valid_mx_curp(value: str) -> bool:
    """Mexico's CURP: birth date must exist and the 18th character is the weighted mod-10 check digit."""
    raw = value.upper()
    if len(raw) != 18 or not _valid_date(int(raw[4:6]), int(raw[6:8]), int(raw[8:10])):
        return False
    total = sum(_CURP_CHARS.index(ch) * (18 - i) for i, ch in enumerate(raw[:17]) if ch in _CURP_CHARS)
    return str((10 - total % 10) % 10) == raw[17]


_RFC_CHARS = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"


def valid_mx_rfc(value: str) -> bool:
    """Mexico's RFC (12 chars for companies, 13 for people): date must exist, last char is the mod-11 check."""
    raw = re.sub(r"[\s\-]", "", value.upper())
    if len(raw) not in (12, 13):
        return False
    stem = raw if len(raw) == 13 else " " + raw
    if not _valid_date(int(stem[4:6]), int(stem[6:8]), int(stem[8:10])):
        return False
    total = sum(_RFC_CHARS.index(ch) * (13 - i) for i, ch in enumerate(stem[:12]) if ch in _RFC_CHARS)
    check = 11 - total % 11
    expected = "0" if check == 11 else "A" if check == 10 else str(check)
    return stem[12] == expected


def valid_cl_rut(value: str) -> bool:
    """Chile's RUT/RUN: digits + verifier (0-9 or K), mod 11 with weights 2..7."""
    raw = re.sub(r"[\s.\-]", "", value.upper())
    if not re.fullmatch(r"\d{7,8}[\dK]", raw):
        return False
    body, dv = raw[:-1], raw[-1]
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(body)))
    check = 11 - total % 11
    expected = "0" if check == 11 else "K" if check == 10 else str(check)
    return dv == expected


def valid_ar_cuit(value: str) -> bool:
    """Argentina's CUIT/CUIL: type prefix + DNI + mod-11 check digit (weights 5432765432)."""
    raw = _digits(value)
    if len(raw) != 11 or raw[:2] not in {"20", "23", "24", "27", "30", "33", "34"}:
        return False
    total = sum(int(d) * w for d, w in zip(raw[:10], (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(raw[10])


def valid_ec_cedula(value: str) -> bool:
    """Ecuador's cédula: province 01-24/30, third digit < 6, mod-10 check with coefficients 2,1,2,..."""
    raw = _digits(value)
    if len(raw) != 10 or not (1 <= int(raw[:2]) <= 24 or raw[:2] == "30") or int(raw[2]) >= 6:
        return False
    total = 0
    for i, d in enumerate(raw[:9]):
        product = int(d) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(raw[9])


def valid_uy_ci(value: str) -> bool:
    """Uruguay's cédula de identidad: 6-7 digits + check digit (weights 2987634, mod 10)."""
    raw = _digits(value)
    if len(raw) not in (7, 8):
        return False
    body = raw[:-1].rjust(7, "0")
    total = sum(int(d) * w for d, w in zip(body, (2, 9, 8, 7, 6, 3, 4), strict=True))
    return (10 - total % 10) % 10 == int(raw[-1])


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in _digits(number)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return bool(digits) and total % 10 == 0


def valid_card(value: str) -> bool:
    """A payment card number: 13-19 digits passing the Luhn check."""
    return 13 <= len(_digits(value)) <= 19 and luhn_ok(value)


def valid_do_cedula(value: str) -> bool:
    """Dominican Republic's cédula: 11 digits, Luhn check digit."""
    return len(_digits(value)) == 11 and luhn_ok(value)


def valid_gt_dpi(value: str) -> bool:
    """Guatemala's DPI/CUI: 8 digits + mod-11 check + department (01-22) + municipality."""
    raw = _digits(value)
    if len(raw) != 13 or not 1 <= int(raw[9:11]) <= 22 or int(raw[11:]) == 0:
        return False
    total = sum(int(d) * (i + 2) for i, d in enumerate(raw[:8]))
    return total % 11 == int(raw[8])


def valid_sv_dui(value: str) -> bool:
    """El Salvador's DUI: 8 digits + check digit (weights 9..2, mod 10)."""
    raw = _digits(value)
    if len(raw) != 9:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(raw[:8]))
    return (10 - total % 10) % 10 == int(raw[8])


def valid_mx_clabe(value: str) -> bool:
    """Mexico's CLABE (interbank account): 18 digits, the last a mod-10 check with weights 3, 7, 1."""
    raw = _digits(value)
    if len(raw) != 18:
        return False
    total = sum(int(d) * w % 10 for d, w in zip(raw[:17], (3, 7, 1) * 6))
    return (10 - total % 10) % 10 == int(raw[17])


def valid_us_ssn(value: str) -> bool:
    """US Social Security number (Spanish speakers in the US and Puerto Rico): no all-zero group, no 666; a 9xx
    number is an ITIN (the IRS's taxpayer number for those without an SSN), whose middle group is 50-65, 70-88,
    90-92 or 94-99."""
    raw = _digits(value)
    if len(raw) != 9 or raw[:3] in {"000", "666"} or raw[3:5] == "00" or raw[5:] == "0000":
        return False
    middle = int(raw[3:5])
    return raw[0] != "9" or 50 <= middle <= 65 or 70 <= middle <= 88 or 90 <= middle <= 92 or 94 <= middle
