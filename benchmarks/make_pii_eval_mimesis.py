#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""
make_mimesis_eval.py -- synthetic Spanish-language PII evaluation set built with Mimesis 22.2.0
(NOT Faker).  Deterministic: every random choice comes from generators seeded below.

Writes
    pii_mimesis_dev.jsonl   200 records  (ids mimdev-<n>,  split "dev")
    pii_mimesis_test.jsonl  300 records  (ids mimtest-<n>, split "test")
in tests/data/filters/eval/ (built by a helper session that read no code of the project).  ~25 % of the records are CLEAN (hand-written, no personal data of private
people); the rest are instruction/answer pairs with personal data.  Dev and test use disjoint
instruction templates, output templates and clean-record templates/facts.

Where the values come from
--------------------------
Mimesis 22.2.0 only has two Spanish locales: es (Spain) and es-mx (Mexico).  There is no es-ar,
es-co or es-cl, so person names/e-mails for AR, CO and CL records are drawn from es / es-mx too.

  MIMESIS (locale es for ES, es-mx for MX; es/es-mx mixed for AR/CO/CL):
    Person.first_name(gender), Person.last_name(), Person.full_name(gender)  -> PERSON
    Person.email(domains=...)            -> EMAIL_ADDRESS  (local part by Mimesis; domain lists are mine)
    Person.phone_number()                -> PHONE_NUMBER   (Mimesis' own es / es-mx masks)
    Person.telephone(mask=...)           -> PHONE_NUMBER   (digits by Mimesis, masks written by me:
                                            ES mobiles, realistic MX numbers, AR / CO / CL numbers)
    Person.birthdate(min_year, max_year) -> DATE_OF_BIRTH  (the Spanish written formats are mine)
    Address.address(), street_name(), street_number(), street_suffix(), secondary_address(),
    Address.postal_code(), Address.city() [es only], Address.state() [es-mx] -> ADDRESS
    Payment.credit_card_number(VISA | MASTER_CARD | AMERICAN_EXPRESS)      -> CREDIT_CARD
    Internet.ip_v4()                     -> IP_ADDRESS
    Finance.bank()                       -> bank name (context only, not PII)
    Code.ean(), Code.isbn()              -> product codes in CLEAN records (not PII)
  Mimesis data noise that is kept: es-mx gender lists are imperfect (e.g. "Iliana" is in the male
  list), so a few MX records have a name whose gender differs from the CURP sex letter / the
  "nacido/nacida" agreement; es surnames come without accents ("Gimenez"); es-mx Person.phone_number()
  masks can yield 8-9 digit numbers; Mimesis postal codes are random 5-digit strings.
  Mimesis data that is filtered (re-drawn): es city entries that are regions / not cities
  ("Andalusia", "Costa Brava", "Girona spain", "Scuba"...), the bogus first name "First names",
  compound names / surnames with a lower-case part ("Jose luis", "Kadar rodriguez"), and first names
  that are also in the surname lists (es-mx has "Martinez", "Ramirez" as first names).

  BUILT BY HAND in this script (plain random.Random, seeded):
    - national ids, with real check digits: DNI and NIE (ES), Seguridad Social number (ES),
      CURP (from the Mimesis name + birthdate) / RFC / IMSS NSS (MX), DNI / CUIT / CUIL (AR),
      RUT / RUN (CL), cedula de ciudadania (CO); always written next to a cue word
    - bank accounts: IBAN ES (CCC control digits + IBAN mod-97), CLABE (MX), CBU (AR),
      CO / CL account numbers (bank codes mapped from the Mimesis bank name where possible)
    - MX city per state (Mimesis' es-mx city list holds Spanish cities), "Col." colonia prefix,
      AR / CL city lists + postal codes, CO street addresses ("Calle 45 # 12-34") and postal codes
    - all sentence templates, organisation names, order numbers, appointment dates, prices
    - every CLEAN record (public figures, institutions' phones/addresses, laws, dates of events,
      math, order/tracking numbers, product codes)

Validation (run on every record, generation retries a record with fresh values on failure):
    * every listed value occurs verbatim in instruction + output, listed once, correct kind;
    * every occurrence of every generated personal atom (first name, surnames, street name,
      postal code, city, state, colonia, phone digits, e-mail, id, card, account, IP, any
      written form of the birthdate) -- matched case/accent-insensitively, digits with any
      separators -- lies inside the span of some listed value;
    * clean records have values == [].
"""
import json
import os
import re
import string
import sys
import unicodedata
from collections import Counter, OrderedDict
from datetime import date, timedelta
import random as _random

from mimesis import Person, Address, Payment, Internet, Finance, Code
from mimesis.enums import CardType, Gender
from mimesis.locales import Locale

# the eval sets live with the others (tests/data/filters/eval/); mimesis is not a project dependency:
# `pip install mimesis==22.2.0` in a scratch venv, then run this script from the repository's root
OUT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data", "filters", "eval")
SEEDS = {"dev": 22020101, "test": 22020202}
N_RECORDS = {"dev": 200, "test": 300}
N_CLEAN = {"dev": 50, "test": 75}

TYPE_OF = {
    "n": "PERSON", "np": "PERSON", "ap": "PERSON", "ap1": "PERSON",
    "tel": "PHONE_NUMBER", "email": "EMAIL_ADDRESS", "fnac": "DATE_OF_BIRTH",
    "dir": "ADDRESS", "calle": "ADDRESS", "id": "NATIONAL_ID", "nss": "NATIONAL_ID",
    "tarj": "CREDIT_CARD", "cuenta": "BANK_ACCOUNT", "ip": "IP_ADDRESS",
}
KIND_OF_TYPE = {"PERSON": "name", "ADDRESS": "address"}
PERSON_LABEL_KEYS = {"id_lbl", "nss_lbl", "cuenta_lbl", "red", "banco", "sr", "oa", "el", "don", "padre", "hijo",
                     "movil", "pais"}

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre"]


# ----------------------------------------------------------------------------------------------
# small text helpers
# ----------------------------------------------------------------------------------------------
def strip_accents(s, keep_enie=True):
    out = []
    for ch in s:
        if keep_enie and ch in "ñÑ":
            out.append(ch)
            continue
        d = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in d if not unicodedata.combining(c)))
    return "".join(out)


def norm(s):
    """Length-preserving case/accent folding used by the validator."""
    out = []
    for ch in s:
        d = unicodedata.normalize("NFD", ch)[0]
        lo = d.lower()
        out.append(lo if len(lo) == 1 else d)
    return "".join(out)


def fmt_date(d, style):
    if style == "num":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if style == "dash":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "long":
        return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"
    if style == "short":
        return f"{d.day}/{d.month}/{str(d.year)[2:]}"
    if style == "dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "del":
        return f"{d.day} de {MONTHS[d.month - 1]} del {str(d.year)[2:]}"
    if style == "iso":
        return d.isoformat()
    raise ValueError(style)


DATE_STYLES_ALL = ["num", "dash", "long", "short", "dot", "del", "iso"]


def group(s, sizes):
    out, i = [], 0
    for k in sizes:
        out.append(s[i:i + k])
        i += k
    if i < len(s):
        out.append(s[i:])
    return " ".join(x for x in out if x)


# ----------------------------------------------------------------------------------------------
# hand-built national ids and bank accounts (shape + check digits)
# ----------------------------------------------------------------------------------------------
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def make_dni(r):
    n = r.randint(10_000_000, 79_999_999)
    return f"{n:08d}{DNI_LETTERS[n % 23]}"


def make_nie(r):
    pre = r.choice("XYZ")
    n = r.randint(0, 9_999_999)
    num = int(str("XYZ".index(pre)) + f"{n:07d}")
    return f"{pre}{n:07d}{DNI_LETTERS[num % 23]}"


def make_nss_es(r):
    prov = r.randint(1, 52)
    num = r.randint(10_000_000, 99_999_999)
    ctrl = int(f"{prov:02d}{num:08d}") % 97
    return f"{prov:02d}/{num:08d}/{ctrl:02d}", f"{prov:02d}{num:08d}{ctrl:02d}"


def luhn_digit(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def make_nss_mx(r, birth):
    base = f"{r.randint(1, 99):02d}{r.randint(8, 24):02d}{birth.year % 100:02d}{r.randint(0, 9999):04d}"
    return base + luhn_digit(base)


CURP_DIC = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"
VOWELS = "AEIOU"
MX_STATE_CODES = ["AS", "BC", "BS", "CC", "CS", "CH", "DF", "CL", "CM", "DG", "GT", "GR", "HG", "JC",
                  "MC", "MN", "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS",
                  "TL", "VZ", "YN", "ZS"]


def _curp_clean(s):
    s = strip_accents(s, keep_enie=True).upper().replace("Ñ", "X")
    words = [w for w in re.split(r"[\s\-]+", s) if w and w not in ("DE", "DEL", "LA", "LAS", "LOS", "Y")]
    return words[0] if words else "X"


def _curp_first_name(first):
    words = [w for w in strip_accents(first).upper().split()]
    if len(words) > 1 and words[0] in ("JOSE", "MARIA", "MA", "J"):
        return _curp_clean(words[1])
    return _curp_clean(first)


def make_curp(r, first, ap1, ap2, birth, female):
    a1, a2, nm = _curp_clean(ap1), _curp_clean(ap2) if ap2 else "X", _curp_first_name(first)
    vow = next((c for c in a1[1:] if c in VOWELS), "X")
    p4 = a1[0] + vow + a2[0] + nm[0]
    cons = lambda s: next((c for c in s[1:] if c.isalpha() and c not in VOWELS), "X")
    base = (p4 + birth.strftime("%y%m%d") + ("M" if female else "H") + r.choice(MX_STATE_CODES)
            + cons(a1) + cons(a2) + cons(nm)
            + (r.choice(string.digits) if birth.year < 2000 else r.choice(string.ascii_uppercase)))
    s = sum(CURP_DIC.index(ch) * (18 - i) for i, ch in enumerate(base))
    return base + str((10 - s % 10) % 10), p4


RFC_DIC = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ")}


def make_rfc(r, p4, birth):
    alnum = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"
    base = p4 + birth.strftime("%y%m%d") + r.choice(alnum) + r.choice(alnum)
    s = sum(RFC_DIC[c] * (13 - i) for i, c in enumerate(base))
    rem = s % 11
    dv = "0" if rem == 0 else ("A" if 11 - rem == 10 else str(11 - rem))
    return base + dv


def make_cuit(r, dni_num, female):
    pre = "27" if female else "20"
    body = pre + f"{dni_num:08d}"
    w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    s = sum(int(c) * k for c, k in zip(body, w))
    dv = 11 - s % 11
    if dv == 11:
        dv = 0
    if dv == 10:
        pre, dv = "23", (4 if female else 9)
    return f"{pre}-{dni_num:08d}-{dv}"


def rut_dv(n):
    s, m = 0, 2
    for ch in reversed(str(n)):
        s += int(ch) * m
        m = 2 if m == 7 else m + 1
    dv = 11 - s % 11
    return "0" if dv == 11 else ("K" if dv == 10 else str(dv))


def dots(n):
    return f"{n:,}".replace(",", ".")


ES_BANK_CODES = {"Banco Santander, S.A.": "0049", "Banco Bilbao Vizcaya Argentaria, S.A.": "0182",
                 "CaixaBank, S.A.": "2100", "Banco Sabadell, S.A.": "0081", "Bankinter, S.A.": "0128",
                 "Banco Popular Español, S.A.": "0075", "Unicaja Banco, S.A.": "2103",
                 "Ibercaja Banco, S.A.": "2085", "Abanca Corporación Bancaria, S.A.": "2080",
                 "Kutxabank, S.A.": "2095"}
MX_BANK_CODES = {"BBVA Bancomer": "012", "Grupo Financiero Banorte": "072", "Santander México": "014",
                 "Citibanamex": "002", "HSBC México": "021", "Scotiabank México": "044", "Inbursa": "036",
                 "Banco Azteca": "127", "Afirme Grupo Financiero": "062", "Invex Grupo Financiero": "059"}
AR_BANKS = [("Banco de la Nación Argentina", "011"), ("Banco Galicia", "007"),
            ("Banco Santander Argentina", "072"), ("BBVA Argentina", "017"), ("Banco Macro", "285")]
CO_BANKS = ["Bancolombia", "Davivienda", "Banco de Bogotá", "BBVA Colombia"]
CL_BANKS = ["Banco de Chile", "BancoEstado", "Banco Santander Chile", "BCI"]


def _ccc_dc(digits10):
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    d = 11 - sum(int(c) * k for c, k in zip(digits10, w)) % 11
    return {11: 0, 10: 1}.get(d, d)


def make_iban_es(r, bank_name):
    ent = ES_BANK_CODES.get(bank_name, f"{r.randint(1, 3200):04d}")
    ofi = f"{r.randint(1, 9999):04d}"
    acc = f"{r.randint(0, 9_999_999_999):010d}"
    dc = f"{_ccc_dc('00' + ent + ofi)}{_ccc_dc(acc)}"
    bban = ent + ofi + dc + acc
    num = int(bban + "142800")  # E=14 S=28 00
    chk = 98 - num % 97
    iban = f"ES{chk:02d}{bban}"
    return group(iban, [4] * 6), iban


def make_clabe(r, bank_name):
    b = MX_BANK_CODES.get(bank_name, "012")
    base = b + f"{r.randint(1, 999):03d}" + f"{r.randint(0, 99_999_999_999):011d}"
    w = [3, 7, 1] * 6
    s = sum((int(c) * k) % 10 for c, k in zip(base, w))
    clabe = base + str((10 - s % 10) % 10)
    return clabe, f"{clabe[:3]} {clabe[3:6]} {clabe[6:17]} {clabe[17]}"


def make_cbu(r, code):
    b1 = code + f"{r.randint(1, 9999):04d}"
    w1 = [7, 1, 3, 9, 7, 1, 3]
    d1 = (10 - sum(int(c) * k for c, k in zip(b1, w1)) % 10) % 10
    b2 = f"{r.randint(0, 10 ** 13 - 1):013d}"
    w2 = [3, 9, 7, 1, 3, 9, 7, 1, 3, 9, 7, 1, 3]
    d2 = (10 - sum(int(c) * k for c, k in zip(b2, w2)) % 10) % 10
    cbu = f"{b1}{d1}{b2}{d2}"
    return cbu, f"{cbu[:8]} {cbu[8:]}"


# ----------------------------------------------------------------------------------------------
# hand-written geographic helpers (Mimesis lacks them)
# ----------------------------------------------------------------------------------------------
MX_CITIES = {
    "Aguascalientes": ["Aguascalientes", "Jesús María"], "Baja California": ["Tijuana", "Mexicali", "Ensenada"],
    "Baja California Sur": ["La Paz", "San José del Cabo"], "Campeche": ["Campeche", "Ciudad del Carmen"],
    "Chiapas": ["Tuxtla Gutiérrez", "Tapachula"], "Chihuahua": ["Chihuahua", "Ciudad Juárez"],
    "Ciudad de México": ["Coyoacán", "Iztapalapa", "Tlalpan", "Azcapotzalco"],
    "Distrito Federal": ["Coyoacán", "Tlalpan", "Iztacalco"], "Coahuila": ["Saltillo", "Torreón"],
    "Colima": ["Colima", "Manzanillo"], "Durango": ["Durango", "Gómez Palacio"],
    "Estado de México": ["Toluca", "Naucalpan", "Ecatepec"], "Guanajuato": ["León", "Irapuato", "Celaya"],
    "Guerrero": ["Acapulco", "Chilpancingo"], "Hidalgo": ["Pachuca", "Tulancingo"],
    "Jalisco": ["Guadalajara", "Zapopan", "Tlaquepaque"], "Michoacán": ["Morelia", "Uruapan"],
    "Morelos": ["Cuernavaca", "Cuautla"], "Nayarit": ["Tepic"], "Nuevo León": ["Monterrey", "Apodaca", "San Nicolás de los Garza"],
    "Oaxaca": ["Oaxaca de Juárez", "Salina Cruz"], "Puebla": ["Puebla", "Tehuacán"],
    "Querétaro": ["Querétaro", "San Juan del Río"], "Quintana Roo": ["Cancún", "Chetumal", "Playa del Carmen"],
    "San Luis Potosí": ["San Luis Potosí", "Ciudad Valles"], "Sinaloa": ["Culiacán", "Mazatlán"],
    "Sonora": ["Hermosillo", "Ciudad Obregón"], "Tabasco": ["Villahermosa"],
    "Tamaulipas": ["Reynosa", "Tampico", "Ciudad Victoria"], "Tlaxcala": ["Tlaxcala", "Apizaco"],
    "Veracruz": ["Xalapa", "Coatzacoalcos", "Boca del Río"], "Yucatán": ["Mérida", "Valladolid"],
    "Zacatecas": ["Zacatecas", "Fresnillo"],
}
AR_CITIES = [("Rosario", "2000"), ("Córdoba", "5000"), ("Mendoza", "5500"), ("La Plata", "1900"),
             ("Mar del Plata", "7600"), ("San Miguel de Tucumán", "4000"), ("Salta", "4400"),
             ("Ciudad Autónoma de Buenos Aires", None)]
CL_CITIES = ["Providencia", "Ñuñoa", "Viña del Mar", "Valparaíso", "Concepción", "Temuco",
             "Antofagasta", "La Serena"]
CO_CITIES = [("Bogotá", "11"), ("Medellín", "05"), ("Cali", "76"), ("Barranquilla", "08"),
             ("Bucaramanga", "68"), ("Pereira", "66"), ("Cartagena", "13")]
ES_CITY_DROP = {"Andalusia", "Aragon", "Catalonia", "Costa Blanca", "Costa Brava", "Costa calida",
                "Costa de la Luz", "Galicia", "La manga", "Northern spain", "Scuba", "Sierra Nevada",
                "Vizcaya", "Gibraltar", "Palma, Majorca"}
ES_STREET_TYPES = {"Calle", "Rúa", "Rua", "Plaza", "Camino", "Carretera", "Avenida", "Travesía", "Av",
                   "Paseo", "Camiño", "Alameda", "Barriada", "Cantón", "Cuesta", "Explanada", "Glorieta",
                   "Ronda", "Pasaje", "Vía", "Carrer"}

EMAIL_DOMAINS = {
    "ES": ["gmail.com", "hotmail.es", "yahoo.es", "outlook.es", "telefonica.net", "icloud.com"],
    "MX": ["gmail.com", "hotmail.com", "yahoo.com.mx", "outlook.com", "prodigy.net.mx"],
    "AR": ["gmail.com", "hotmail.com.ar", "yahoo.com.ar", "fibertel.com.ar"],
    "CO": ["gmail.com", "hotmail.com", "une.net.co", "outlook.com"],
    "CL": ["gmail.com", "vtr.net", "hotmail.cl", "outlook.cl"],
}
PHONE_MASKS = {  # my masks, digits filled in by Mimesis Person.telephone(mask=...)
    "ES": ["6## ## ## ##", "6########", "+34 6## ### ###", "7## ### ###", "+34 6## ## ## ##"],
    "MX": ["55 #### ####", "+52 55 #### ####", "33 #### ####", "(81) ####-####", "+52 1 222 ### ####"],
    "AR": ["+54 9 11 ####-####", "11 ####-####", "+54 9 351 ###-####", "(0341) 15-###-####"],
    "CO": ["+57 3## ### ####", "3## ### ####", "+57 (601) ### ####"],
    "CL": ["+56 9 #### ####", "9 #### ####", "+56 2 2### ####"],
}
CC_CODE = {"ES": "34", "MX": "52", "AR": "54", "CO": "57", "CL": "56"}
PAIS = {"ES": "España", "MX": "México", "AR": "Argentina", "CO": "Colombia", "CL": "Chile"}


def phone_core(country, raw):
    """National significant number (digits) of a phone string."""
    d = re.sub(r"\D", "", raw)
    cc = CC_CODE[country]
    if raw.strip().startswith("+") and d.startswith(cc):
        d = d[len(cc):]
    if country == "AR" and d.startswith("0"):
        d = d[1:]
    return d


def phone_intl(country, raw):
    d = phone_core(country, raw)
    cc = CC_CODE[country]
    if country == "ES":
        return f"+34 {group(d, [3, 3, 3])}"
    if country == "MX":
        if d.startswith("1") and len(d) == 11:
            d = d[1:]
        if len(d) == 10:
            return f"+52 {group(d, [2, 4, 4])}" if d[:2] in ("55", "33", "81") else f"+52 {group(d, [3, 3, 4])}"
        return raw  # Mimesis es-mx masks can give 8-9 digit numbers: keep them as written
    if country == "AR":
        if d.startswith("9"):
            d = d[1:]
        d = d.replace("15", "", 1) if len(d) > 10 else d
        area = 2 if d.startswith("11") else 3
        return f"+54 9 {d[:area]} {d[area:-4]}-{d[-4:]}"
    if country == "CO":
        return f"+57 {group(d, [3, 3, 4])}"
    if country == "CL":
        return f"+56 {group(d, [1, 4, 4])}"
    return f"+{cc} {d}"


# ----------------------------------------------------------------------------------------------
# Person profile (Mimesis values + hand-built ids)
# ----------------------------------------------------------------------------------------------
NAME_PARTICLES = {"de", "del", "la", "las", "los", "y"}


def good_name(s):
    if not s or s == "First names" or not s[0].isupper():
        return False
    return all(w[0].isupper() or w in NAME_PARTICLES for w in s.split())


class Gen:
    """All Mimesis providers + a hand RNG for one split."""

    def __init__(self, seed):
        self.r = _random.Random(seed)
        self.person = {"es": Person(Locale.ES, seed=seed + 1), "es-mx": Person(Locale.ES_MX, seed=seed + 2)}
        self.addr = {"es": Address(Locale.ES, seed=seed + 3), "es-mx": Address(Locale.ES_MX, seed=seed + 4)}
        self.fin = {"es": Finance(Locale.ES, seed=seed + 5), "es-mx": Finance(Locale.ES_MX, seed=seed + 6)}
        self.pay = Payment(seed=seed + 7)
        self.net = Internet(seed=seed + 8)
        self.code = Code(seed=seed + 9)


class Prof:
    pass


def mim(fn, ok=lambda v: True, tries=200):
    for _ in range(tries):
        v = fn()
        if ok(v):
            return v
    raise RuntimeError("mimesis draw failed")


def make_person(g, country, age=(1950, 2004)):
    r = g.r
    p = Prof()
    if not hasattr(g, "surnames"):
        g.surnames = set(g.person["es"]._dataset["surnames"]) | set(g.person["es-mx"]._dataset["surnames"])
    first_ok = lambda v: good_name(v) and not any(w in g.surnames for w in v.split())
    p.country = country
    loc = {"ES": "es", "MX": "es-mx"}.get(country, r.choice(["es", "es-mx"]))
    P = g.person[loc]
    female = r.random() < 0.5
    p.female = female
    gen = Gender.FEMALE if female else Gender.MALE
    two = {"ES": 0.75, "MX": 0.85, "AR": 0.15, "CO": 0.8, "CL": 0.8}[country] > r.random()
    if not two and r.random() < 0.6:
        full = mim(lambda: P.full_name(gen), lambda v: good_name(v) and len(v.split()) >= 2 and first_ok(" ".join(v.split()[:-1])))
        parts = full.split()
        p.first, p.aps = " ".join(parts[:-1]), [parts[-1]]
    else:
        p.first = mim(lambda: P.first_name(gen), first_ok)
        a1 = mim(P.last_name, good_name)
        p.aps = [a1]
        if two:
            p.aps.append(mim(P.last_name, lambda v: good_name(v) and v != a1))
    p.ap = " ".join(p.aps)
    p.full = f"{p.first} {p.ap}"
    p.email = P.email(domains=EMAIL_DOMAINS[country])
    if country in ("ES", "MX") and r.random() < 0.65:
        p.tel = P.phone_number()
    else:
        p.tel = P.telephone(mask=r.choice(PHONE_MASKS[country]))
    p.fnac = P.birthdate(min_year=age[0], max_year=age[1])
    # ---- address
    A = g.addr["es" if country == "ES" else "es-mx"]
    p.atoms_addr = []
    if country == "ES":
        raw = A.address()                      # "{st_name}, {st_num}"
        st_name, st_num = raw.rsplit(", ", 1)
        if st_name.split()[0] not in ES_STREET_TYPES:
            st_name = f"{A.street_suffix()} {st_name}"
        calle = f"{st_name}, {st_num}" if r.random() < 0.6 else f"{st_name} {st_num}"
        if r.random() < 0.4:
            calle += ", " + A.secondary_address()
        cp = A.postal_code()
        city = mim(A.city, lambda c: c not in ES_CITY_DROP and not c.endswith(" spain"))
        p.calle, p.dir = calle, f"{calle}, {cp} {city}"
        core = st_name.split(" ", 1)[1] if " " in st_name else st_name
        p.atoms_addr = [core, cp, city]
    elif country == "MX":
        st_name = A.street_name()
        num = A.street_number()
        calle = r.choice([f"{st_name} {num}", f"Calle {st_name} #{num}", f"Av. {st_name} {num}",
                          f"{st_name} No. {num}"])
        if r.random() < 0.3:
            calle += " " + r.choice(["int. ", "Depto. "]) + str(r.randint(1, 30))
        col = mim(A.street_name, lambda v: v != st_name)
        cp = A.postal_code()
        state = A.state()
        city = r.choice(MX_CITIES[state])
        if r.random() < 0.5:
            p.dir = f"{calle}, Col. {col}, C.P. {cp}, {city}, {state}"
        else:
            p.dir = f"{calle}, Col. {col}, {city}, {state}, C.P. {cp}"
        p.calle = calle
        p.atoms_addr = [st_name, col, cp, city, state]
    elif country == "AR":
        st_name = g.addr["es-mx"].street_name()
        num = g.addr["es-mx"].street_number()
        calle = f"{st_name} {num}" + (f", {r.randint(1, 12)}º {r.choice('ABCD')}" if r.random() < 0.4 else "")
        city, cp = r.choice(AR_CITIES)
        if cp is None:
            cp = f"C{r.randint(1000, 1499)}"
        p.calle, p.dir = calle, f"{calle}, {city} (CP {cp})"
        p.atoms_addr = [st_name, city, cp]
    elif country == "CL":
        st_name = g.addr["es-mx"].street_name()
        num = g.addr["es-mx"].street_number()
        calle = f"{st_name} {num}" + (f", depto. {r.randint(101, 2404)}" if r.random() < 0.4 else "")
        city = r.choice(CL_CITIES)
        cp = f"{r.randint(1000000, 9999999)}"
        p.calle, p.dir = calle, f"{calle}, {city}, código postal {cp}"
        p.atoms_addr = [st_name, city, cp]
    else:  # CO, fully hand-built
        via = r.choice(["Calle", "Carrera", "Avenida Calle", "Transversal", "Diagonal"])
        calle = f"{via} {r.randint(1, 150)}{r.choice(['', '', 'A', 'B', ' Bis'])} # {r.randint(1, 99)}-{r.randint(1, 99)}"
        if r.random() < 0.4:
            calle += f", apto. {r.randint(101, 1804)}"
        city, pre = r.choice(CO_CITIES)
        cp = f"{pre}{r.randint(0, 9999):04d}"
        p.calle, p.dir = calle, f"{calle}, {city}, {cp}" if r.random() < 0.5 else f"{calle}, {city}"
        p.atoms_addr = [calle.split(",")[0], city] + ([cp] if cp in p.dir else [])
    # ---- ids (hand)
    p.id_alt = None
    if country == "ES":
        if r.random() < 0.8:
            p.id = make_dni(r); p.id_lbl = r.choice(["DNI", "DNI", "NIF"]); p.id_alt = p.id[:8] + "-" + p.id[8]
        else:
            p.id = make_nie(r); p.id_lbl = "NIE"; p.id_alt = p.id[0] + "-" + p.id[1:8] + "-" + p.id[8]
        p.nss, p.nss_alt = make_nss_es(r); p.nss_lbl = "nº de la Seguridad Social"
    elif country == "MX":
        ap2 = p.aps[1] if len(p.aps) > 1 else ""
        curp, p4 = make_curp(r, p.first, p.aps[0], ap2, p.fnac, female)
        if r.random() < 0.6:
            p.id, p.id_lbl = curp, "CURP"
        else:
            p.id, p.id_lbl = make_rfc(r, p4, p.fnac), "RFC"
        p.id_alt = p.id.lower()
        p.nss = make_nss_mx(r, p.fnac); p.nss_alt = f"{p.nss[:2]}-{p.nss[2:4]}-{p.nss[4:6]}-{p.nss[6:10]}-{p.nss[10]}"
        p.nss_lbl = "NSS (IMSS)"
    elif country == "AR":
        dn = r.randint(20_000_000, 45_999_999) if p.fnac.year > 1968 else r.randint(5_000_000, 19_999_999)
        cuit = make_cuit(r, dn, female)
        if r.random() < 0.5:
            p.id, p.id_lbl, p.id_alt = dots(dn), "DNI", str(dn)
        else:
            p.id, p.id_lbl, p.id_alt = cuit, r.choice(["CUIT", "CUIL"]), cuit.replace("-", "")
        p.nss, p.nss_lbl, p.nss_alt = cuit, "CUIL", cuit.replace("-", "")
    elif country == "CL":
        n = r.randint(6_000_000, 24_999_999)
        dv = rut_dv(n)
        p.id, p.id_lbl, p.id_alt = f"{dots(n)}-{dv}", r.choice(["RUT", "RUN"]), f"{n}-{dv}"
        p.nss, p.nss_lbl, p.nss_alt = p.id, "RUT", p.id_alt
    else:  # CO
        n = r.randint(10_000_000, 99_999_999) if p.fnac.year < 1985 else r.randint(1_000_000_000, 1_144_999_999)
        p.id, p.id_lbl, p.id_alt = dots(n), r.choice(["cédula", "C.C.", "cédula de ciudadanía"]), str(n)
        p.nss, p.nss_lbl, p.nss_alt = p.id, "cédula", p.id_alt
    # ---- card (Mimesis)
    ct = r.choice([CardType.VISA, CardType.VISA, CardType.MASTER_CARD, CardType.MASTER_CARD,
                   CardType.AMERICAN_EXPRESS])
    p.tarj = g.pay.credit_card_number(ct)
    p.red = {CardType.VISA: "Visa", CardType.MASTER_CARD: "Mastercard",
             CardType.AMERICAN_EXPRESS: "American Express"}[ct]
    # ---- bank account (hand shape, bank name by Mimesis for ES / MX)
    if country == "ES":
        p.banco = g.fin["es"].bank()
        p.cuenta, p.cuenta_alt = make_iban_es(r, p.banco)
        p.cuenta_lbl = "IBAN"
    elif country == "MX":
        p.banco = g.fin["es-mx"].bank()
        p.cuenta, p.cuenta_alt = make_clabe(r, p.banco)
        p.cuenta_lbl = "CLABE"
    elif country == "AR":
        p.banco, code = r.choice(AR_BANKS)
        p.cuenta, p.cuenta_alt = make_cbu(r, code)
        p.cuenta_lbl = "CBU"
    elif country == "CO":
        p.banco = r.choice(CO_BANKS)
        d = f"{r.randint(0, 10 ** 11 - 1):011d}"
        p.cuenta, p.cuenta_alt = f"{d[:3]}-{d[3:9]}-{d[9:]}", d
        p.cuenta_lbl = "cuenta de ahorros"
    else:
        p.banco = r.choice(CL_BANKS)
        d = f"{r.randint(10 ** 8, 10 ** 10 - 1)}"
        p.cuenta, p.cuenta_alt = d, f"{d[:-6]}-{d[-6:]}"
        p.cuenta_lbl = "cuenta corriente"
    p.ip = g.net.ip_v4()
    p.movil = "móvil" if country == "ES" else "celular"
    p.pais = PAIS[country]
    return p


def person_atoms(p):
    """(kind, atom) pairs whose every occurrence must be covered by a listed value."""
    at = []
    for w in p.first.split():
        if w.lower() not in NAME_PARTICLES:
            at.append(("word", w))
    for a in p.aps:
        for w in a.split():
            if w.lower() not in NAME_PARTICLES:
                at.append(("word", w))
    at.append(("exact", p.email))
    at.append(("digits", phone_core(p.country, p.tel)))
    for st in DATE_STYLES_ALL:
        at.append(("exact", fmt_date(p.fnac, st)))
    for a in p.atoms_addr:
        at.append(("digits", a) if re.fullmatch(r"[A-Z]?\d+", a) else ("word", a))
    at.append(("alnum", p.id))
    at.append(("alnum", p.nss))
    at.append(("alnum", p.tarj))
    at.append(("alnum", p.cuenta))
    at.append(("exact", p.ip))
    return at


# ----------------------------------------------------------------------------------------------
# Context: renders instructions (user style) and outputs (assistant style), registers values
# ----------------------------------------------------------------------------------------------
class Ctx:
    def __init__(self, g, country, persons, extras, meta, used, style, rec_values):
        self.g, self.r = g, g.r
        self.country = country
        self.P = persons            # {"a": Prof, "b": Prof}
        self.X = extras
        self.m = meta
        self.used = used            # ordered list of keys mentioned in the instruction
        self.style = style
        self.vals = rec_values      # OrderedDict (type, value) -> kind
        r = self.r
        self.o_tel = r.choice(["raw", "raw", "intl"])
        self.o_fnac = r.choice(["long", "num", "long"])

    # ---- value forms -------------------------------------------------------------------------
    def _form(self, who, base, form):
        p = self.P[who]
        st = self.style
        if base in PERSON_LABEL_KEYS:
            if base == "sr":
                return "Sra." if p.female else "Sr."
            if base == "don":
                return "Dña." if p.female else "D."
            if base == "oa":
                return "a" if p.female else "o"
            if base == "el":
                return "la" if p.female else "el"
            if base == "padre":
                return "madre" if p.female else "padre"
            if base == "hijo":
                return "hija" if p.female else "hijo"
            return getattr(p, base)
        if base in ("n", "np", "ap", "ap1"):
            v = {"n": p.full, "np": p.first, "ap": p.ap, "ap1": p.aps[0]}[base]
            if form == "user":
                if st.get("name_deacc"):
                    v = strip_accents(v, keep_enie=st.get("keep_enie", True))
                if st.get("name_lower"):
                    v = v.lower()
                return v
            if form == "upper":
                return v.upper()
            if form == "apfirst" and base == "n":
                return f"{p.ap}, {p.first}"
            return v
        if base == "tel":
            if form == "user":
                return re.sub(r"\D", "", p.tel) if st.get("tel_digits") else p.tel
            if form == "intl" or (form == "out" and self.o_tel == "intl"):
                return phone_intl(p.country, p.tel)
            return p.tel
        if base == "email":
            return p.email
        if base == "fnac":
            if form == "user":
                return fmt_date(p.fnac, st["fnac_style"] if not (st["fnac_style"] == "del" and p.fnac.year >= 2000) else "num")
            if form == "out":
                form = self.o_fnac
            return fmt_date(p.fnac, form)
        if base in ("dir", "calle"):
            v = getattr(p, base)
            if form == "user" and st.get("addr_deacc"):
                v = strip_accents(v)
            if form == "upper":
                v = v.upper()
            return v
        if base == "id":
            return p.id_alt if (form == "user" and st.get("id_alt")) or form == "alt" else p.id
        if base == "nss":
            return p.nss_alt if (form == "user" and st.get("id_alt")) or form == "alt" else p.nss
        if base == "tarj":
            if (form == "user" and st.get("compact")) or form == "compact":
                return p.tarj.replace(" ", "")
            return p.tarj
        if base == "cuenta":
            if (form == "user" and st.get("compact")) or form == "alt":
                return p.cuenta_alt
            return p.cuenta
        if base == "ip":
            return p.ip
        raise KeyError(base)

    @staticmethod
    def split_key(key):
        if key.startswith("b_"):
            return "b", key[2:]
        return "a", key

    def v(self, key, form="out"):
        who, base = self.split_key(key)
        val = self._form(who, base, form)
        if base in TYPE_OF:
            t = TYPE_OF[base]
            self.vals.setdefault((t, val), KIND_OF_TYPE.get(t, "structured"))
        return val

    def x(self, key):
        return self.X[key]

    def has(self, key):
        return key in self.used

    def whos(self):
        return ["a", "b"] if any(k.startswith("b_") for k in self.used) else ["a"]

    @property
    def two(self):
        return len(self.whos()) == 2

    def role(self, who):
        return self.m.get("roles", ("Titular", "Segunda persona"))[0 if who == "a" else 1]

    def pk(self, who, base):
        return base if who == "a" else "b_" + base

    def bases(self, who):
        out = []
        for k in self.used:
            w, b = self.split_key(k)
            if w == who and b in TYPE_OF and b not in out:
                out.append(b)
        return out

    def label(self, who, base):
        lab = self._label(who, base)
        return lab[0].upper() + lab[1:]

    def _label(self, who, base):
        p = self.P[who]
        return {"n": "Nombre", "np": "Nombre", "ap": "Apellidos", "ap1": "Apellido", "tel": "Teléfono",
                "email": "Correo electrónico", "fnac": "Fecha de nacimiento", "dir": "Dirección",
                "calle": "Dirección", "id": p.id_lbl, "nss": p.nss_lbl, "tarj": f"Tarjeta {p.red}",
                "cuenta": p.cuenta_lbl, "ip": "Dirección IP"}[base]

    def jkey(self, who, base):
        p = self.P[who]
        idk = strip_accents(p.id_lbl).lower().replace(".", "").replace(" ", "_")
        return {"n": "nombre", "np": "nombre", "ap": "apellidos", "ap1": "apellido", "tel": "telefono",
                "email": "email", "fnac": "fecha_nacimiento", "dir": "direccion", "calle": "direccion",
                "id": idk, "nss": strip_accents(p.nss_lbl).lower().split(" (")[0].replace("º", "").replace(" ", "_").replace("n_de_la_", ""),
                "tarj": "tarjeta", "cuenta": strip_accents(p.cuenta_lbl).lower().replace(" ", "_"),
                "ip": "ip"}[base]

    def rows(self, who, forms=None):
        forms = forms or {}
        return [(self.label(who, b), self.v(self.pk(who, b), forms.get(b, "out"))) for b in self.bases(who)]

    def extra_rows(self):
        lab = {"org": self.m.get("org_lbl", "Entidad"), "fecha": self.m.get("fecha_lbl", "Fecha"),
               "hora": "Hora", "pedido": "Nº de pedido", "producto": "Producto", "plan": "Plan",
               "importe": "Importe", "vuelo": "Vuelo", "fecha2": "Fecha de regreso", "curso": "Curso",
               "depto": "Departamento", "ext": "Extensión", "anio": "Desde", "pir": "Referencia PIR",
               "localizador": "Localizador"}
        return [(lab[k], self.X[k]) for k in self.used if k in lab and not (k == "org" and not self.X[k][:1].isupper())]

    EXTRA_JKEY = {"org": "entidad", "fecha": "fecha", "hora": "hora", "pedido": "pedido", "producto": "producto",
                  "plan": "plan", "importe": "importe", "vuelo": "vuelo", "fecha2": "fecha_regreso",
                  "curso": "curso", "depto": "departamento", "ext": "extension", "anio": "desde",
                  "pir": "referencia_pir", "localizador": "localizador"}

    def extra_items(self):
        return [(self.EXTRA_JKEY[k], self.X[k]) for k in self.used
                if k in self.EXTRA_JKEY and not (k == "org" and not self.X[k][:1].isupper())]

    def name(self, who="a", form="out"):
        for b in ("n", "np", "ap"):
            if self.pk(who, b) in self.used:
                return self.v(self.pk(who, b), form)
        return None

    def saludo(self, who="a", formal=True):
        p = self.P[who]
        if formal and self.pk(who, "n") in self.used:
            return f"Estimad{'a' if p.female else 'o'} {'Sra.' if p.female else 'Sr.'} {self.v(self.pk(who, 'ap1'))}:"
        nm = None
        if self.pk(who, "n") in self.used or self.pk(who, "np") in self.used:
            nm = self.v(self.pk(who, "np"))
        if nm:
            return f"Hola, {nm}:" if formal else f"¡Hola, {nm}!"
        return "Hola:"


# ----------------------------------------------------------------------------------------------
# noise for user-typed text (applied to literal template parts only, never inside values)
# ----------------------------------------------------------------------------------------------
ABBR = [(r"\bpor favor\b", ["porfa", "xfa", "pls"]), (r"\bque\b", ["q", "k"]),
        (r"\bteléfono\b", ["tlf", "telf", "tel"]), (r"\btambién\b", ["tb", "tmb"]),
        (r"\bporque\b", ["xq", "pq"]), (r"\bdirección\b", ["direccion", "dire"]),
        (r"\bpara\b", ["pa", "para"]), (r"\bestá\b", ["esta", "sta"])]


def add_typos(text, r, rate):
    def tw(m):
        w = m.group(0)
        if len(w) < 5 or r.random() > rate:
            return w
        i = r.randint(1, len(w) - 3)
        op = r.choice(["swap", "drop", "dup"])
        if op == "swap":
            return w[:i] + w[i + 1] + w[i] + w[i + 2:]
        if op == "drop":
            return w[:i] + w[i + 1:]
        return w[:i] + w[i] + w[i:]
    return re.sub(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]+", tw, text)


def noise_literal(text, st, r):
    lvl = st["level"]
    if lvl == "clean" or not text:
        return text
    if st.get("no_inv"):
        text = text.replace("¿", "").replace("¡", "")
    if st.get("abbr"):
        for pat, reps in ABBR:
            if r.random() < 0.6:
                text = re.sub(pat, lambda m: r.choice(reps), text)
    if st.get("deacc"):
        text = strip_accents(text, keep_enie=st.get("keep_enie", True))
    if st.get("lower"):
        text = text.lower()
    text = add_typos(text, r, st["typo_rate"])
    return text


def make_style(r):
    u = r.random()
    if u < 0.55:
        lvl = "clean"
    elif u < 0.82:
        lvl = "casual"
    else:
        lvl = "sloppy"
    st = {"level": lvl, "fnac_style": r.choice(["num", "num", "long", "dash", "short", "dot", "del"]),
          "typo_rate": 0.0}
    if lvl == "casual":
        st.update(no_inv=r.random() < 0.7, abbr=r.random() < 0.5, typo_rate=0.04,
                  name_deacc=r.random() < 0.3, tel_digits=r.random() < 0.2, compact=r.random() < 0.3,
                  lower=r.random() < 0.2, id_alt=r.random() < 0.3)
    elif lvl == "sloppy":
        st.update(no_inv=True, abbr=True, deacc=True, typo_rate=0.09, keep_enie=r.random() < 0.5,
                  name_deacc=r.random() < 0.8, name_lower=r.random() < 0.6, addr_deacc=r.random() < 0.7,
                  tel_digits=r.random() < 0.4, compact=r.random() < 0.6, lower=r.random() < 0.6,
                  id_alt=r.random() < 0.5)
    return st


def lower_first(s):
    return s[:1].lower() + s[1:] if s else s


# ----------------------------------------------------------------------------------------------
# extras (non-PII context values)
# ----------------------------------------------------------------------------------------------
def make_extras(g, country, meta):
    r = g.r
    d = date(2026, 1, 1) + timedelta(days=r.randint(0, 364))
    d2 = d + timedelta(days=r.randint(3, 16))
    dstyle = r.choice(["long_noyear", "num", "long"])

    def fd(x):
        if dstyle == "long_noyear":
            return f"{x.day} de {MONTHS[x.month - 1]}"
        return fmt_date(x, dstyle)
    money = {"ES": lambda a: f"{a:,} €".replace(",", "."), "MX": lambda a: f"${a * 20:,} MXN",
             "AR": lambda a: f"${a * 1100:,}".replace(",", "."), "CO": lambda a: f"${a * 4200:,}".replace(",", "."),
             "CL": lambda a: f"${a * 1000:,}".replace(",", ".")}[country]
    X = {
        "org": r.choice(meta.get("orgs", ["la empresa"])),
        "fecha": fd(d), "fecha2": fd(d2),
        "hora": f"{r.choice([8, 9, 10, 11, 12, 13, 16, 17, 18, 19])}:{r.choice(['00', '15', '30', '45'])}",
        "pedido": r.choice([f"PED-2026-{r.randint(1, 99999):05d}", f"#{country}{r.randint(1000000, 9999999)}",
                            f"{r.randint(100, 999)}-{r.randint(1000000, 9999999)}-{r.randint(1000000, 9999999)}",
                            f"W{r.randint(10000000, 99999999)}"]),
        "producto": r.choice(["aspirador sin cable", "par de zapatillas de running", "monitor de 27 pulgadas",
                              "cafetera de cápsulas", "abrigo de invierno", "juego de sartenes", "patinete eléctrico"]),
        "plan": r.choice(["Básico", "Premium", "Familiar", "Anual", "Plus"]),
        "importe": money(r.choice([350, 480, 650, 720, 900, 1200, 1500, 2400, 3000])),
        "vuelo": r.choice(["IB", "UX", "VY", "AM", "Y4", "VB", "AR", "LA", "AV", "JA"]) + r.choice(["", " "]) + str(r.randint(100, 9899)),
        "curso": r.choice(["1º de ESO", "3º de primaria", "5º de primaria", "2º de bachillerato", "1º de secundaria",
                           "4º básico", "grado 6"]),
        "depto": r.choice(["Logística", "Contabilidad", "Marketing", "Atención al cliente", "Sistemas", "Compras"]),
        "ext": str(r.randint(2000, 4999)),
        "anio": str(r.randint(2012, 2024)),
        "pir": r.choice(["MAD", "BCN", "MEX", "GDL", "EZE", "BOG", "SCL"]) + r.choice(["IB", "AM", "VY", "LA"]) + str(r.randint(10000, 99999)),
        "localizador": "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)),
    }
    return X


# ----------------------------------------------------------------------------------------------
# DEV instruction templates (sign-ups, deliveries, appointments, bookings)
# ----------------------------------------------------------------------------------------------
DEV_BODIES = [
    dict(scen="alta", txt="¡Hola! Me acabo de apuntar al gimnasio {org} y en recepción me piden los datos. Te los paso: me llamo {n}, nací el {fnac}, mi {movil} es {tel} y mi correo {email}. {pet}",
         tema="tu alta en el gimnasio", orgs=["Gimnasio Vitalia", "FitZone Centro", "Club Deportivo Olimpo", "Gym Activa"]),
    dict(scen="alta", txt="Buenas tardes. Necesito registrarme en la web de {org} con los siguientes datos: nombre, {n}; correo electrónico, {email}; teléfono, {tel}; dirección de facturación, {dir}. {pet}",
         tema="el registro en la tienda online", orgs=["Librerías Arcadia", "ModaNova", "Electro Hogar Plus", "Casa & Jardín Online"]),
    dict(scen="alta", txt="voy a darme de alta en {org} (plan {plan}) y me piden pagar con tarjeta. mis datos: {n}, tarjeta {red} {tarj}, correo {email}. {pet}",
         tema="la suscripción al plan", orgs=["StreamPlus", "CineClub Digital", "MúsicaYa", "LectorMax"]),
    dict(scen="alta", txt="Quiero dar de alta el suministro eléctrico en mi piso nuevo con {org}. Titular: {n}, {id_lbl} {id}. Domicilio de suministro: {dir}. Domiciliación en {cuenta_lbl} {cuenta}. {pet}",
         tema="el alta del suministro", orgs=["Energía Clara", "Luz del Norte Comercializadora", "EcoVatio"], countries=["ES", "MX", "AR", "CL", "CO"]),
    dict(scen="alta", txt="Estoy revisando el registro de altas de nuestra app. Nuevo usuario: correo {email}, nombre {n}, IP de registro {ip}, teléfono verificado {tel}. {pet}",
         tema="el alta del nuevo usuario", orgs=["la app"]),
    dict(scen="alta", txt="buenas, quiero inscribir a mi {b_hijo} {b_n} en el cursillo de natación de {org}. Nació el {b_fnac}. Yo soy {n}, su {padre}, y mi {movil} es {tel}. {pet}",
         tema="la inscripción al cursillo de natación", roles=("Tutor/a", "Participante"), orgs=["Piscina Municipal Las Dunas", "Club Natación Delfín", "Polideportivo La Vega"]),
    dict(scen="alta", txt="Me quiero suscribir a la revista {org}. Mandádmela a {dir} a nombre de {n}. Para cualquier aviso, mi correo es {email}. {pet}",
         tema="la suscripción a la revista", orgs=["Viajar Lejos", "Cocina Fácil", "Ciencia Hoy", "Jardinería Práctica"]),
    dict(scen="alta", txt="Para hacerme el carnet de socio de {org} me piden nombre y apellidos ({n}), {id_lbl} ({id}), fecha de nacimiento ({fnac}) y un teléfono ({tel}). {pet}",
         tema="el carnet de socio", orgs=["la Biblioteca del Ateneo", "el Club de Ajedrez Alfil", "la Asociación Cultural El Faro"]),
    dict(scen="envio", txt="Tengo que mandar un paquete con {org}. Remitente: {n}, {dir}, tel. {tel}. Destinatario: {b_n}, {b_dir}, tel. {b_tel}. {pet}",
         tema="el envío del paquete", roles=("Remitente", "Destinatario"), orgs=["Mensajería Rayo", "EnvíaYa", "Paquetería Express Sur"]),
    dict(scen="envio", txt="Hola, el pedido {pedido} está a nombre de {n} y la dirección de entrega es {dir}. El repartidor me ha llamado al {tel} pero no estaba en casa. {pet}",
         tema="la entrega del pedido", orgs=["la tienda", "Mensajería Rayo"]),
    dict(scen="envio", txt="pedido para cenar: a nombre de {np}, entregar en {calle}, {movil} {tel}. {pet}",
         tema="el pedido a domicilio", orgs=["Pizzería Da Marco", "Sushi Kaizen", "Tacos El Güero"]),
    dict(scen="envio", txt="Quiero enviar un ramo de flores con {org} a mi {b_padre}, {b_n}, que vive en {b_dir}. Su teléfono es {b_tel}. Pago yo, {n}, con la tarjeta {tarj}. {pet}",
         tema="el envío del ramo de flores", roles=("Comprador/a", "Destinatario/a"), orgs=["Floristería Las Camelias", "FloraExpress"]),
    dict(scen="envio", txt="Necesito devolver un {producto} que compré en {org}. Número de pedido {pedido}. Datos de recogida: {n}, {dir}, teléfono de contacto {tel}. {pet}",
         tema="la recogida de la devolución", orgs=["ElectroMarket", "DeporTodo", "HogarYa"]),
    dict(scen="envio", txt="Buen día, ¿me pueden ayudar? Compré en línea en {org} y el envío llega a {dir}. Quien recibe es {n}, {movil} {tel}. {pet}",
         tema="el envío de la compra", orgs=["TiendaMx Online", "Bodega Express", "ComprasYa"]),
    dict(scen="cita", txt="Tengo cita con el médico de cabecera el {fecha} a las {hora}. Paciente: {n}, nacid{oa} el {fnac}, {id_lbl}: {id}. Teléfono: {tel}. {pet}",
         tema="la cita médica", fecha_lbl="Fecha de la cita", orgs=["el centro de salud"]),
    dict(scen="cita", txt="¡Buenas! Quiero pedir cita en la clínica dental {org} para una limpieza. Soy {n}, mi correo es {email} y mi teléfono {tel}. Me vendría bien el {fecha}. {pet}",
         tema="la cita para la limpieza dental", fecha_lbl="Fecha de la cita", orgs=["Sonríe+", "Dental Arcos", "Clínica Blanco Perla"]),
    dict(scen="cita", txt="cita en la pelu para el {fecha} a las {hora}, a nombre de {n}, tel {tel}. {pet}",
         tema="la cita en la peluquería", fecha_lbl="Fecha de la cita", orgs=["Peluquería Tijeras de Oro", "Salón Estilo"]),
    dict(scen="cita", txt="Quiero llevar el coche a revisión a {org} el {fecha}. Propietario: {n}, teléfono {tel}, correo {email}. {pet}",
         tema="la cita en el taller", fecha_lbl="Fecha de la cita", orgs=["Talleres Motorsur", "AutoRevisión Rápida", "Mecánica Hermanos Soler"]),
    dict(scen="cita", txt="Pedí cita en el veterinario {org} para mi perro Toby el {fecha}. Dueño/a: {n}, {tel}, vivo en {dir}. {pet}",
         tema="la cita veterinaria", fecha_lbl="Fecha de la cita", orgs=["Clínica Veterinaria Huellas", "VetCare"]),
    dict(scen="cita", countries=["ES"], txt="Necesito cita previa para renovar el {id_lbl}. Mis datos: {n}, {id_lbl} {id}, fecha de nacimiento {fnac}, email {email}. {pet}",
         tema="la cita previa de renovación", orgs=["la oficina de expedición"]),
    dict(scen="cita", txt="Le escribo para pedir cita de fisioterapia para mi {b_padre}, {b_n} (nacid{b_oa} el {b_fnac}). Puede contactar conmigo, {n}, en el {tel} o en {email}. {pet}",
         tema="la cita de fisioterapia", roles=("Contacto", "Paciente"), orgs=["Fisio Movimiento", "Centro de Rehabilitación Alba"]),
    dict(scen="cita", txt="Reserva para seis personas el {fecha} a las {hora} en {org}, a nombre de {n}. Teléfono de contacto: {tel}. {pet}",
         tema="la reserva de mesa", fecha_lbl="Fecha de la reserva", orgs=["Restaurante La Parra", "Asador El Fogón", "Cantina La Esquina"]),
    dict(scen="alta", txt="He comprado dos entradas para el concierto del {fecha} en {org}. A nombre de {n}, correo {email}, pagado con {red} {tarj}. {pet}",
         tema="la compra de entradas", fecha_lbl="Fecha del concierto", orgs=["Sala Vértigo", "Auditorio Río", "Foro Luna"]),
    dict(scen="alta", gen=["n", "email", "tel", "fnac", "dir"],
         txt="Necesito un ejemplo de ficha de cliente rellena para probar el formulario de alta de {org}. Invéntate los datos, que parezcan reales. {pet}",
         tema="el alta de cliente de prueba", orgs=["nuestra tienda", "la plataforma", "la academia"]),
    dict(scen="alta", txt="No me deja registrarme en {org}, dice que el teléfono {tel} no es válido. Me llamo {n} y mi email es {email}. {pet}",
         tema="el registro", orgs=["la app del banco", "TiendaFácil", "la web del ayuntamiento"]),
    dict(scen="alta", txt="Para el alta en el coworking {org} necesito dar: nombre fiscal {n}, {id_lbl} {id}, {cuenta_lbl} {cuenta} y email de facturación {email}. {pet}",
         tema="el alta en el coworking", orgs=["Espacio Nido", "CoLab Centro", "La Colmena Cowork"]),
    dict(scen="envio", txt="Trabajo en atención al cliente de {org}. Tenemos un pedido {pedido} sospechoso: comprador {n}, IP {ip}, tarjeta {tarj}, envío a {dir}. {pet}",
         tema="la revisión del pedido", orgs=["ElectroMarket", "ModaNova"]),
    dict(scen="cita", txt="Cita para la vacuna de la gripe: {n}, {id_lbl} {id}, el {fecha} a las {hora}. Avisos al {tel}. {pet}",
         tema="la cita de vacunación", fecha_lbl="Fecha de la cita", orgs=["el centro de salud"]),
]

# ----------------------------------------------------------------------------------------------
# TEST instruction templates (complaints, contracts, HR, travel, school, insurance)
# ----------------------------------------------------------------------------------------------
TEST_BODIES = [
    dict(scen="queja", txt="Quiero poner una reclamación a {org} porque me han cobrado dos veces la factura. Titular de la línea: {n}, {id_lbl} {id}, número afectado {tel}. {pet}",
         tema="la reclamación por doble cobro", hechos="La compañía ha cargado dos veces la misma factura mensual.", solicitud="la devolución del importe cobrado de más", orgs=["TeleRed", "MóvilMax", "Conecta Fibra"]),
    dict(scen="queja", txt="Me han hecho un cargo que no reconozco en mi tarjeta {tarj}. Soy {n} y la cuenta asociada es la {cuenta_lbl} {cuenta}. {pet}",
         tema="la reclamación por un cargo no reconocido", hechos="Aparece un cargo en la tarjeta que el titular no ha realizado.", solicitud="la anulación del cargo y el bloqueo preventivo de la tarjeta", orgs=["el banco"]),
    dict(scen="queja", txt="Mi cuenta de {org} fue bloqueada «por actividad sospechosa» desde la IP {ip}, pero era yo desde casa. Usuario: {email}. Nombre: {n}. {pet}",
         tema="la reclamación por el bloqueo de la cuenta", hechos="La cuenta fue bloqueada por un acceso legítimo del propio titular.", solicitud="el desbloqueo de la cuenta", orgs=["PagoSeguro", "MiNube", "CompraRápida"]),
    dict(scen="viaje", txt="El vuelo {vuelo} del {fecha} llegó con cinco horas de retraso. Pasajero: {n}, {id_lbl} {id}, email {email}. Quiero reclamar la compensación. {pet}",
         tema="la reclamación por retraso del vuelo", hechos="El vuelo llegó a destino con más de cinco horas de retraso.", solicitud="la compensación que corresponda por el retraso", orgs=["la aerolínea"]),
    dict(scen="queja", txt="Quiero presentar una queja en el ayuntamiento por el ruido del bar de abajo, que abre hasta las 4. Vivo en {dir}. Me llamo {n} y mi teléfono es {tel}. {pet}",
         tema="la queja por ruidos", hechos="Un local de ocio genera ruido hasta altas horas de la madrugada.", solicitud="una inspección y que se hagan cumplir los horarios", orgs=["el ayuntamiento"]),
    dict(scen="queja", txt="ayer en la tienda {org} no me quisieron aceptar la devolución. mis datos para la hoja de reclamaciones: {n}, {id_lbl} {id}, domicilio {dir}, teléfono {tel}. {pet}",
         tema="la hoja de reclamaciones", hechos="El establecimiento se negó a aceptar una devolución dentro de plazo.", solicitud="que se acepte la devolución y se reembolse el importe", orgs=["Moda Urbana", "TecnoCasa", "Zapaterías Paso Firme"]),
    dict(scen="contrato", txt="Vamos a firmar un contrato de alquiler. Arrendador: {n}, {id_lbl} {id}, con domicilio en {dir}. Arrendatario: {b_n}, {b_id_lbl} {b_id}. Renta: {importe} al mes. {pet}",
         tema="el contrato de arrendamiento", roles=("Arrendador/a", "Arrendatario/a"), orgs=["—"]),
    dict(scen="contrato", txt="Necesito un contrato de compraventa de un coche usado: vendedor {n} ({id_lbl} {id}) y comprador {b_n} ({b_id_lbl} {b_id}); precio {importe}, pagado por transferencia a la {cuenta_lbl} {cuenta}. {pet}",
         tema="el contrato de compraventa del vehículo", roles=("Vendedor/a", "Comprador/a"), orgs=["—"]),
    dict(scen="contrato", txt="Voy a contratar los servicios de diseño gráfico de {b_n} (autónomo), {b_id_lbl} {b_id}, email {b_email}. Yo, {n}, soy el cliente. Honorarios: {importe}. {pet}",
         tema="el contrato de prestación de servicios", roles=("Cliente", "Profesional"), orgs=["—"]),
    dict(scen="contrato", txt="Le voy a prestar {importe} a mi prim{b_oa} {b_n} (su tel es {b_tel}). Mis datos: {n}, {id_lbl} {id}, {cuenta_lbl} {cuenta}. Queremos dejarlo por escrito. {pet}",
         tema="el contrato de préstamo entre particulares", roles=("Prestamista", "Prestatario"), orgs=["—"]),
    dict(scen="rrhh", countries=["ES", "MX", "AR"], txt="Nueva incorporación el {fecha}: {n}, nacid{oa} el {fnac}, {id_lbl} {id}, {nss_lbl} {nss}, {cuenta_lbl} para la nómina {cuenta}. {pet}",
         tema="la incorporación", fecha_lbl="Fecha de incorporación", roles=("Empleado/a", "Responsable"), orgs=["Recursos Humanos"]),
    dict(scen="rrhh", txt="Una persona de la plantilla, {n}, nos ha enviado el parte de baja médica. Su teléfono es {tel} y su correo personal {email}. Su responsable direct{b_oa} es {b_n}. {pet}",
         tema="la baja médica", roles=("Empleado/a", "Responsable"), orgs=["Recursos Humanos"]),
    dict(scen="rrhh", txt="Tengo que convocar a entrevista a {n} ({email}, {tel}). La entrevista será el {fecha} a las {hora} con {b_n}, responsable del equipo. {pet}",
         tema="la entrevista de trabajo", fecha_lbl="Fecha de la entrevista", roles=("Candidatura", "Entrevistador/a"), orgs=["el departamento de selección"]),
    dict(scen="rrhh", txt="Hola RR. HH., soy {n}, del departamento de {depto}. Quiero cambiar la cuenta de la nómina a la {cuenta_lbl} {cuenta}. Mi {id_lbl} es {id}. {pet}",
         tema="el cambio de cuenta de nómina", roles=("Empleado/a", "—"), orgs=["Recursos Humanos"]),
    dict(scen="rrhh", txt="Actualiza el directorio del equipo con estos dos: {n}, ext. {ext}, {movil} {tel}, correo {email}; y {b_n}, {movil} {b_tel}, correo {b_email}. {pet}",
         tema="la actualización del directorio", roles=("Persona 1", "Persona 2"), orgs=["el equipo"]),
    dict(scen="rrhh", txt="Necesito una carta de recomendación para {n}, que trabajó con nosotros desde {anio} en {depto}. Por si la llaman, su teléfono es {tel}. {pet}",
         tema="la carta de recomendación", orgs=["la empresa"]),
    dict(scen="viaje", txt="Reserva de hotel en {org} del {fecha} al {fecha2}. Huésped: {n}, {id_lbl} {id}, fecha de nacimiento {fnac}, tarjeta de garantía {tarj}. {pet}",
         tema="la reserva de hotel", fecha_lbl="Entrada", orgs=["Hotel Mirador del Puerto", "Hostal Las Palmeras", "Gran Hotel Sierra"]),
    dict(scen="viaje", txt="Compré vuelos para dos: {n} ({id_lbl} {id}, nacid{oa} el {fnac}) y {b_n} ({b_id_lbl} {b_id}, nacid{b_oa} el {b_fnac}). Vuelo {vuelo}, el {fecha}. {pet}",
         tema="la reserva de vuelos", fecha_lbl="Fecha del vuelo", roles=("Pasajero/a 1", "Pasajero/a 2"), orgs=["la aerolínea"]),
    dict(scen="viaje", txt="Voy a alquilar un coche en {org} para las vacaciones. Conductor/a: {n}, nacid{oa} el {fnac}, {id_lbl} {id}, {movil} {tel}, tarjeta {tarj}. {pet}",
         tema="el alquiler del coche", orgs=["RentaCar Sol", "AutoViaje", "Alquileres Ruta 66"]),
    dict(scen="viaje", txt="Quiero contratar un seguro de viaje. Persona asegurada: {n}, nacid{oa} el {fnac}, con domicilio en {dir} y correo {email}. Viajo del {fecha} al {fecha2}. {pet}",
         tema="el seguro de viaje", fecha_lbl="Salida", orgs=["Seguros Brújula", "ViajaSeguro"]),
    dict(scen="viaje", txt="Perdí una maleta en el aeropuerto. Me dieron la referencia PIR {pir}. Mis datos: {n}, {tel}, dirección para que me la entreguen: {dir}. {pet}",
         tema="la reclamación del equipaje", hechos="La maleta facturada no llegó al aeropuerto de destino.", solicitud="la localización y entrega de la maleta en el domicilio indicado", orgs=["la aerolínea"]),
    dict(scen="viaje", txt="ármame el itinerario: viajamos yo ({n}, {email}) y mi pareja ({b_n}). Salimos el {fecha} en el vuelo {vuelo} y volvemos el {fecha2}. {pet}",
         tema="el viaje", fecha_lbl="Ida", roles=("Viajero 1", "Viajero 2"), orgs=["la agencia"]),
    dict(scen="escuela", txt="Quiero matricular a mi {b_hijo} en {org} para el curso {curso}. Alumn{b_oa}: {b_n}, nacid{b_oa} el {b_fnac}, {b_id_lbl} {b_id}. Madre/padre: {n}, tel. {tel}, email {email}, domicilio {dir}. {pet}",
         tema="la matrícula", roles=("Madre/padre", "Alumno/a"), orgs=["el Colegio San Isidro", "la Escuela Primaria Benito Pérez", "el Instituto Río Claro"]),
    dict(scen="escuela", txt="Tengo que justificar la falta de mi {b_hijo} {b_n} del {fecha} porque tuvo fiebre. Yo soy {n}, su {padre}. Mi teléfono es {tel}. {pet}",
         tema="el justificante de la falta", fecha_lbl="Día de la falta", roles=("Madre/padre", "Alumno/a"), orgs=["el colegio"]),
    dict(scen="escuela", txt="Necesito la autorización para la excursión del {fecha}: alumn{b_oa} {b_n}, de {curso}; firma como tutor/a legal {n}, con {id_lbl} {id}; teléfono de emergencia {tel}. {pet}",
         tema="la autorización para la excursión", fecha_lbl="Fecha de la excursión", roles=("Tutor/a legal", "Alumno/a"), orgs=["el colegio"]),
    dict(scen="escuela", age_a=(1998, 2007), txt="Solicitud de beca: estudiante {n}, fecha de nacimiento {fnac}, {id_lbl} {id}, {cuenta_lbl} para el pago {cuenta}, domicilio familiar {dir}. {pet}",
         tema="la solicitud de beca", orgs=["la universidad", "la consejería de educación"]),
    dict(scen="escuela", txt="Soy la tutora de 3º de primaria. Tengo que escribir a la familia de {b_n}: su {padre} es {n} y su correo es {email}. Es sobre las notas de la segunda evaluación. {pet}",
         tema="las notas de la segunda evaluación", roles=("Familia", "Alumno/a"), orgs=["el colegio"]),
    dict(scen="escuela", age_a=(1975, 2003), txt="Quiero pedir el certificado académico a la universidad. Nombre: {n}. {id_lbl}: {id}. Correo: {email}. Enviar a: {dir}. {pet}",
         tema="la solicitud del certificado académico", orgs=["la secretaría de la universidad"]),
    dict(scen="seguro", txt="Tuve un golpe con el coche el {fecha}. Mis datos: {n}, {id_lbl} {id}, tel {tel}. El otro conductor: {b_n}, tel {b_tel}. {pet}",
         tema="el parte de accidente", hechos="Colisión leve entre dos vehículos sin heridos.", solicitud="la apertura del siniestro y la peritación de los daños", fecha_lbl="Fecha del accidente", roles=("Asegurado/a", "Otro conductor"), orgs=["la aseguradora"]),
    dict(scen="queja", txt="Quiero quejarme por el trato que recibí en urgencias del hospital el {fecha}. Paciente: {n}, nacid{oa} el {fnac}, {id_lbl} {id}. Contacto: {email}. {pet}",
         tema="la queja por la atención en urgencias", hechos="La atención recibida en urgencias fue deficiente y con una espera excesiva.", solicitud="una revisión del caso y una respuesta por escrito", orgs=["el hospital"]),
    dict(scen="contrato", txt="Quiero pasar mi número {tel} a {org}. Titular: {n}, {id_lbl} {id}. Cuenta para domiciliar: {cuenta}. {pet}",
         tema="el contrato de portabilidad", orgs=["TeleRed", "MóvilMax", "Conecta Fibra"]),
    dict(scen="queja", txt="Llevo meses intentando darme de baja de {org} y me siguen cobrando en la tarjeta {tarj}. Soy {n}, {email}. {pet}",
         tema="la reclamación por cobros tras la baja", hechos="Se siguen cobrando cuotas después de haber solicitado la baja.", solicitud="la baja efectiva y la devolución de las cuotas cobradas indebidamente", orgs=["el gimnasio PowerFit", "la academia Idiomas Ya", "ClubVino"]),
    dict(scen="rrhh", countries=["ES", "MX", "AR"], txt="Te paso los datos de las dos nuevas incorporaciones para la gestoría: {n}, {id_lbl} {id}, {nss_lbl} {nss}; {b_n}, {b_id_lbl} {b_id}, {b_nss_lbl} {b_nss}. {pet}",
         tema="las nuevas incorporaciones", roles=("Incorporación 1", "Incorporación 2"), orgs=["la gestoría"]),
    dict(scen="viaje", txt="Para la solicitud del visado me piden: nombre completo ({n}), fecha de nacimiento ({fnac}), {id_lbl} ({id}), domicilio ({dir}) y teléfono ({tel}). {pet}",
         tema="la solicitud de visado", dest="Sección consular", orgs=["el consulado"]),
    dict(scen="escuela", txt="Alta en el comedor escolar de {org} para {b_n}. Pagador: {n}, {cuenta_lbl} {cuenta}. {pet}",
         tema="el alta en el comedor escolar", roles=("Pagador/a", "Alumno/a"), orgs=["el CEIP Los Almendros", "el Colegio Santa Ana"]),
    dict(scen="queja", txt="Mi caser{b_oa}, {b_n}, no me devuelve la fianza del piso de {calle}. Yo soy {n}, {id_lbl} {id}. El contrato terminó hace dos meses. {pet}",
         tema="la reclamación de la fianza", hechos="La parte arrendadora no ha devuelto la fianza dos meses después de terminar el contrato.", solicitud="la devolución íntegra de la fianza", roles=("Inquilino/a", "Arrendador/a"), orgs=["—"]),
    dict(scen="viaje", txt="Necesito cambiar el billete de tren con localizador {localizador}, que está a nombre de {n}. Mi correo es {email} y mi {movil} {tel}. {pet}",
         tema="el cambio de billete", orgs=["la compañía ferroviaria"]),
    dict(scen="rrhh", gen=["n", "fnac", "id", "tel", "email", "dir", "cuenta"],
         txt="Para unas pruebas de un sistema de recursos humanos necesito un registro de empleado ficticio pero realista. {pet}",
         tema="el registro de empleado de prueba", orgs=["el sistema de RR. HH."]),
    dict(scen="queja", txt="Alguien entró en mi cuenta de {org} desde la IP {ip} y cambió la dirección de envío a {b_dir}. Mi dirección real es {dir}. Soy {n}. {pet}",
         tema="la reclamación por acceso no autorizado", hechos="Un tercero accedió a la cuenta y cambió la dirección de envío.", solicitud="el bloqueo de la cuenta, la anulación de los pedidos y la restauración de la dirección", roles=("Titular", "Dirección fraudulenta"), orgs=["CompraRápida", "ModaNova", "MercaHogar"]),
]


# ----------------------------------------------------------------------------------------------
# DEV output templates
# ----------------------------------------------------------------------------------------------
def o_tabla(c):
    r = c.r
    lines = ["| Campo | Valor |", "|---|---|"]
    for who in c.whos():
        for lab, val in c.rows(who):
            lines.append(f"| {lab}{' (' + c.role(who) + ')' if c.two else ''} | {val} |")
    for lab, val in c.extra_rows():
        lines.append(f"| {lab} | {val} |")
    intro = r.choice(["Aquí tienes los datos organizados en una tabla:", "Claro, te lo dejo en formato tabla:",
                      f"Por supuesto. Estos son los datos para {c.m['tema']}:"])
    outro = r.choice(["", "\n\n¿Quieres que añada alguna columna más?", "\n\nRevisa que todo esté bien antes de enviarlo."])
    return intro + "\n\n" + "\n".join(lines) + outro


def o_json(c):
    r = c.r
    forms = {"fnac": "iso"}
    obj = OrderedDict()
    if c.two:
        for who in c.whos():
            key = strip_accents(c.role(who).split("/")[0]).lower().replace(" ", "_")
            obj[key] = OrderedDict((c.jkey(who, b), c.v(c.pk(who, b), forms.get(b, "out"))) for b in c.bases(who))
    else:
        for b in c.bases("a"):
            obj[c.jkey("a", b)] = c.v(b, forms.get(b, "out"))
    for k, val in c.extra_items():
        obj[k] = val
    js = json.dumps(obj, ensure_ascii=False, indent=2)
    intro = r.choice(["Aquí tienes el objeto JSON:", "Claro, este sería el JSON:", "Te lo paso a JSON (fechas en formato ISO 8601):"])
    return f"{intro}\n\n```json\n{js}\n```"


def o_lista(c):
    lines = []
    for who in c.whos():
        if c.two:
            lines.append(f"**{c.role(who)}**")
        for lab, val in c.rows(who):
            lines.append(f"- **{lab}:** {val}")
    for lab, val in c.extra_rows():
        lines.append(f"- **{lab}:** {val}")
    intro = c.r.choice([f"Resumen de los datos para {c.m['tema']}:", "Te lo dejo ordenado:", "Así queda la información, punto por punto:"])
    return intro + "\n\n" + "\n".join(lines)


def o_email_conf(c):
    r = c.r
    org = c.x("org")
    rows = c.rows("a")
    keep = rows[: max(2, len(rows) - r.randint(0, 1))]
    body = "\n".join(f"- {lab}: {val}" for lab, val in keep)
    ex = "".join(f"\n- {lab}: {val}" for lab, val in c.extra_rows() if lab != c.m.get("org_lbl", "Entidad"))
    firma = f"El equipo de {org}" if org[:1].isupper() else "El equipo de atención al cliente"
    formal = r.random() < 0.5
    tema = c.m["tema"].replace("tu ", "su ") if formal else c.m["tema"]
    conf = "Le confirmamos" if formal else "Te confirmamos"
    fix = "responda a este correo y lo corregiremos" if formal else "responde a este correo y lo corregimos"
    return (f"Asunto: Confirmación de {c.m['tema'].replace('tu ', '')}\n\n{c.saludo('a', formal=formal)}\n\n"
            f"{conf} {tema}. Estos son los datos que hemos registrado:\n{body}{ex}\n\n"
            f"Si algún dato no es correcto, {fix}.\n\nUn saludo,\n{firma}")


def o_sms(c):
    nm = c.v("np") if (c.has("n") or c.has("np")) else None
    when = ""
    if c.has("fecha"):
        when = f" el {c.x('fecha')}" + (f" a las {c.x('hora')}" if c.has("hora") else "")
    txt = f"Hola{', ' + nm if nm else ''}. Te recordamos {c.m['tema']}{when}."
    if c.has("tel"):
        txt += f" Te avisaremos en el {c.v('tel')} si hay cambios."
    elif c.has("email"):
        txt += f" Recibirás los detalles en {c.v('email')}."
    txt += " Responde CANCELAR si no puedes asistir." if c.m["scen"] == "cita" else " Gracias por confiar en nosotros."
    return c.r.choice(["Aquí tienes una propuesta de SMS:", "Algo así, corto y claro:"]) + f"\n\n> {txt}\n\n({len(txt)} caracteres)"


def o_etiqueta(c):
    blocks = []
    for who in c.whos():
        role = c.role(who).upper() if c.two else "DESTINATARIO"
        lines = [f"{role}:"]
        nm = c.name(who, "upper")
        if nm:
            lines.append(nm)
        for b in c.bases(who):
            if b in ("dir", "calle"):
                lines.append(c.v(c.pk(who, b), "upper"))
            elif b == "tel":
                lines.append(f"Tel.: {c.v(c.pk(who, 'tel'))}")
        blocks.append("\n".join(lines))
    ref = f"\nRef.: {c.x('pedido')}" if c.has("pedido") else ""
    return ("Así quedaría la etiqueta (en mayúsculas para que se lea bien):\n\n```\n" + "\n\n".join(blocks) + ref + "\n```")


def o_carta(c):
    r = c.r
    head = []
    nm = c.name("a")
    if nm:
        head.append(nm)
    for b in ("dir", "calle", "tel", "email"):
        if c.has(b):
            head.append(c.v(b))
            if b in ("dir", "calle"):
                continue
    org = c.x("org")
    idp = f", con {c.v('id_lbl')} {c.v('id')}," if c.has("id") else ","
    body = (f"Por medio de la presente, yo, {nm or 'el/la abajo firmante'}{idp} les comunico mi interés en "
            f"{c.m['tema'].replace('tu ', 'mi ')} y les facilito los datos necesarios para tramitarlo.")
    extra = ""
    if c.has("b_n"):
        extra = f" La persona beneficiaria es {c.v('b_n')}" + (f", nacida el {c.v('b_fnac')}" if c.has("b_fnac") else "") + "."
    return ("\n".join(head) + f"\n\nA la atención de: {org if org != '—' else 'quien corresponda'}\n\n"
            f"Asunto: {c.m['tema'][0].upper() + c.m['tema'][1:]}\n\nEstimados señores:\n\n{body}{extra}\n\n"
            f"{r.choice(['Quedo a su disposición para cualquier aclaración.', 'Agradezco de antemano su atención.'])}\n\n"
            f"Atentamente,\n\n{nm or ''}").rstrip()


def o_csv(c):
    heads, vals = [], []
    forms = {"fnac": "iso"}
    for who in c.whos():
        for b in c.bases(who):
            heads.append(c.jkey(who, b) + ("" if who == "a" else "_2"))
            v = c.v(c.pk(who, b), forms.get(b, "out"))
            vals.append(f'"{v}"' if ("," in v or ";" in v) else v)
    for k, val in c.extra_items():
        heads.append(k)
        vals.append(f'"{val}"' if "," in val else val)
    return ("Aquí tienes la línea CSV con cabecera (separador coma; los campos con comas van entre comillas):\n\n```csv\n"
            + ",".join(heads) + "\n" + ",".join(vals) + "\n```")


def o_resumen(c):
    nm = c.name("a") or "La persona usuaria"
    parts = []
    if c.has("fnac"):
        parts.append(f"nacid{c.v('oa')} el {c.v('fnac')}")
    if c.has("id"):
        parts.append(f"con {c.v('id_lbl')} {c.v('id')}")
    if c.has("dir"):
        parts.append(f"con domicilio en {c.v('dir')}")
    if c.has("calle"):
        parts.append(f"con dirección en {c.v('calle')}")
    cont = [c.v(k) for k in ("tel", "email") if c.has(k)]
    s = nm + (", " + ", ".join(parts) + "," if parts else "")
    s += f" solicita {c.m['tema'].replace('tu ', 'su ')}"
    if c.has("b_n"):
        s += f" (persona relacionada: {c.v('b_n')})"
    if cont:
        s += "; contacto: " + " / ".join(cont)
    return c.r.choice(["En una frase:", "Resumen:"]) + "\n\n" + s + "."


def o_normaliza(c):
    lines = []
    for who in c.whos():
        for b in c.bases(who):
            k = c.pk(who, b)
            u = c.v(k, "user")
            if b in ("n", "np", "ap"):
                o = c.v(k)
                lines.append(f"- Nombre: «{u}» → «{o}»" + (" (mayúsculas iniciales y tildes)" if u != o else " (correcto)"))
            elif b == "tel":
                o = c.v(k, "intl")
                lines.append(f"- Teléfono: «{u}» → «{o}» (formato internacional)" if u != o else f"- Teléfono: «{o}» (correcto, ya en formato internacional)")
            elif b == "fnac":
                o = c.v(k, "num")
                lines.append(f"- Fecha de nacimiento: «{u}» → «{o}» (DD/MM/AAAA)" if u != o else f"- Fecha de nacimiento: «{o}» (correcta)")
            elif b == "email":
                lines.append(f"- Correo: «{c.v(k)}» (formato válido)")
            elif b == "tarj":
                o = c.v(k)
                n = len(re.sub(r"\D", "", o))
                lines.append(f"- Tarjeta {c.v(c.pk(who, 'red'))}: «{o}» ({n} dígitos; pasa la comprobación de Luhn)")
            elif b in ("dir", "calle"):
                o = c.v(k)
                lines.append(f"- Dirección: «{o}»" + (" (he recuperado las tildes)" if c.v(k, "user") != o else ""))
            elif b in ("id", "nss"):
                o = c.v(k)
                lines.append(f"- {c.label(who, b)}: «{o}» (longitud y dígito de control correctos)")
            elif b == "cuenta":
                o = c.v(k)
                lines.append(f"- {c.label(who, b)}: «{o}» (dígitos de control correctos)")
            elif b == "ip":
                lines.append(f"- IP: «{c.v(k)}» (IPv4 válida)")
    return "He revisado el formato de cada dato:\n\n" + "\n".join(lines) + "\n\nCon esos cambios ya puedes usarlos sin problema."


def o_yaml(c):
    lines = []
    forms = {"fnac": "iso"}
    for who in c.whos():
        ind = ""
        if c.two:
            lines.append(strip_accents(c.role(who).split("/")[0]).lower().replace(" ", "_") + ":")
            ind = "  "
        for b in c.bases(who):
            lines.append(f'{ind}{c.jkey(who, b)}: "{c.v(c.pk(who, b), forms.get(b, "out"))}"')
    for k, val in c.extra_items():
        lines.append(f'{k}: "{val}"')
    return "Listo, en YAML:\n\n```yaml\n" + "\n".join(lines) + "\n```"


def o_formulario(c):
    lines = []
    for who in c.whos():
        if c.two:
            lines.append(f"--- {c.role(who).upper()} ---")
        for b in c.bases(who):
            lab = c.label(who, b).upper()
            if b == "n":
                lines.append(f"NOMBRE Y APELLIDOS: {c.v(c.pk(who, 'n'))}")
            else:
                lines.append(f"{lab}: {c.v(c.pk(who, b))}")
    for lab, val in c.extra_rows():
        lines.append(f"{lab.upper()}: {val}")
    lines.append("FIRMA: ______________________")
    return "Formulario de alta rellenado:\n\n" + "\n".join(lines)


NEEDED = {"alta": ["n", "email", "tel"], "envio": ["n", "dir", "tel"], "cita": ["n", "tel", "fecha"]}


def o_check(c):
    have, miss = [], []
    for who in c.whos():
        for lab, val in c.rows(who):
            have.append(f"- ✅ {lab}{' (' + c.role(who) + ')' if c.two else ''}: {val}")
    for k in NEEDED[c.m["scen"]]:
        if not (c.has(k) or (k == "n" and c.has("np")) or (k == "dir" and c.has("calle"))):
            miss.append({"n": "nombre y apellidos", "email": "correo electrónico", "tel": "teléfono de contacto",
                         "dir": "dirección completa con código postal", "fecha": "fecha preferida"}[k])
    tail = ("\n\nFaltaría: " + ", ".join(miss) + ".") if miss else "\n\nNo falta nada imprescindible; puedes enviarlo así."
    return "Veamos qué datos tienes:\n\n" + "\n".join(have) + tail


def o_vcard(c):
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if c.has("n"):
        lines.append(f"N:{c.v('ap')};{c.v('np')};;;")
        lines.append(f"FN:{c.v('n')}")
    elif c.has("np"):
        lines.append(f"FN:{c.v('np')}")
    if c.has("tel"):
        lines.append(f"TEL;TYPE=CELL:{c.v('tel', 'intl')}")
    if c.has("email"):
        lines.append(f"EMAIL;TYPE=HOME:{c.v('email')}")
    if c.has("dir"):
        lines.append(f"ADR;TYPE=HOME:;;{c.v('dir')};;;;{c.v('pais')}")
    if c.has("calle"):
        lines.append(f"ADR;TYPE=HOME:;;{c.v('calle')};;;;")
    if c.has("fnac"):
        lines.append(f"BDAY:{c.v('fnac', 'iso')}")
    lines.append("END:VCARD")
    return "Aquí tienes la vCard; guárdala como .vcf e impórtala en tu agenda:\n\n```\n" + "\n".join(lines) + "\n```"


def o_bienvenida(c):
    nm = c.v("np") if (c.has("n") or c.has("np")) else ""
    org = c.x("org")
    s = f"¡Bienvenid{c.v('oa')} a {org}, {nm}! 🎉\n\n" if nm else f"¡Te damos la bienvenida a {org}! 🎉\n\n"
    s += f"Ya está todo listo con {c.m['tema']}."
    if c.has("email"):
        s += f" Te hemos enviado la confirmación a {c.v('email')}"
        s += f" y te escribiremos al {c.v('tel')} solo para avisos importantes." if c.has("tel") else "."
    elif c.has("tel"):
        s += f" Te avisaremos al {c.v('tel')} de cualquier novedad."
    s += "\n\nSi tienes cualquier duda, estamos aquí para ayudarte."
    return "Te propongo este mensaje:\n\n" + s


def o_nota_interna(c):
    lines = [f"**Nota interna — {c.m['tema'][0].upper() + c.m['tema'][1:]}**", ""]
    for who in c.whos():
        fields = [f"{lab}: {val}" for lab, val in c.rows(who)]
        lines.append(f"- {c.role(who) if c.two else 'Cliente'}: " + " | ".join(fields))
    ex = c.extra_rows()
    if ex:
        lines.append("- Detalles: " + " | ".join(f"{a}: {b}" for a, b in ex))
    lines.append("- Acción: revisar los datos y confirmar con la persona en un plazo de 24 h.")
    return "\n".join(lines)


DEV_OUTPUTS = [
    (o_tabla, ["¿Me lo pones en una tabla?", "Organízalo en una tabla, por favor.", "hazme una tablita con eso"], None),
    (o_json, ["Pásamelo a JSON para meterlo en la base de datos.", "¿Puedes convertirlo a JSON?", "dame el json"], None),
    (o_lista, ["Ordénamelo en una lista clara.", "¿Me lo resumes en puntos?"], None),
    (o_email_conf, ["Redacta el correo de confirmación que le mandaríamos.", "Escríbeme un email confirmando todo."], None),
    (o_sms, ["Escribe un SMS corto de recordatorio.", "hazme un mensaje cortito para recordarlo"], None),
    (o_etiqueta, ["Prepárame el texto de la etiqueta.", "¿Cómo quedaría la etiqueta del envío?"], ["envio"]),
    (o_carta, ["Redáctame una carta formal con estos datos.", "¿Me escribes una carta para presentarla?"], ["alta", "cita"]),
    (o_csv, ["Conviértelo en una línea CSV con cabecera.", "lo necesito en csv"], None),
    (o_resumen, ["Resúmelo en una frase.", "¿Me lo dices todo en una sola frase?"], None),
    (o_normaliza, ["Revisa que los datos tengan buen formato y corrígelos si hace falta.", "¿Está todo bien escrito? Corrígelo si no."], None),
    (o_yaml, ["Ponlo en YAML, por favor.", "pásalo a yaml"], None),
    (o_formulario, ["Rellena el formulario de alta con esto.", "¿Me rellenas el formulario?"], ["alta", "cita"]),
    (o_check, ["¿Falta algún dato importante?", "¿Con esto es suficiente o falta algo?"], None),
    (o_vcard, ["Créame un contacto (vCard) con estos datos.", "hazme la vcard para guardarlo en la agenda"], None),
    (o_bienvenida, ["Escribe un mensaje de bienvenida personalizado.", "¿Me redactas un mensajito de bienvenida?"], ["alta"]),
    (o_nota_interna, ["Escribe una nota interna para el equipo.", "Déjalo como nota interna para los compañeros."], None),
]


# ----------------------------------------------------------------------------------------------
# TEST output templates
# ----------------------------------------------------------------------------------------------
def p_hoja_reclamacion(c):
    lines = ["HOJA DE RECLAMACIÓN", "", "1. DATOS DE LA PERSONA RECLAMANTE"]
    for lab, val in c.rows("a"):
        lines.append(f"   {'Nombre y apellidos' if lab == 'Nombre' else lab}: {val}")
    org = c.x("org")
    lines += ["", f"2. ENTIDAD RECLAMADA: {org if org != '—' else '(indicar nombre y NIF de la empresa)'}", "",
              f"3. HECHOS: {c.m.get('hechos', 'Se describen los hechos objeto de ' + c.m['tema'] + '.')}"]
    if c.two:
        lines.append("   Datos relacionados: " + "; ".join(f"{lab}: {val}" for lab, val in c.rows("b")))
    ex = c.extra_rows()
    if ex:
        lines.append("   Referencias: " + "; ".join(f"{a}: {b}" for a, b in ex if a != c.m.get('org_lbl', 'Entidad')))
    lines += ["", f"4. SOLICITUD: {c.m.get('solicitud', 'que se resuelva ' + c.m['tema'])}.", "",
              "Fecha y firma: ____________________"]
    return "Aquí tienes la hoja de reclamación redactada:\n\n```\n" + "\n".join(lines) + "\n```\n\nGuarda una copia sellada."


def p_reunidos(c):
    def comp(who):
        p = c.P[who]
        s = f"{c.v(c.pk(who, 'don'))} {c.v(c.pk(who, 'n'), 'upper')}, mayor de edad"
        if c.has(c.pk(who, "id")):
            s += f", con {c.v(c.pk(who, 'id_lbl'))} {c.v(c.pk(who, 'id'))}"
        if c.has(c.pk(who, "dir")):
            s += f" y domicilio en {c.v(c.pk(who, 'dir'))}"
        if c.has(c.pk(who, "email")):
            s += f", con correo electrónico {c.v(c.pk(who, 'email'))}"
        if c.has(c.pk(who, "tel")):
            s += f" y teléfono {c.v(c.pk(who, 'tel'))}"
        return s
    roles = c.m.get("roles", ("Titular", "Otra parte"))
    txt = f"{c.m['tema'].upper()}\n\nREUNIDOS\n\nDe una parte, {comp('a')}, en adelante «{roles[0].upper()}».\n\n"
    if c.two:
        txt += f"De otra parte, {comp('b')}, en adelante «{roles[1].upper()}».\n\n"
    txt += "Ambas partes se reconocen capacidad legal suficiente para suscribir el presente documento y\n\nEXPONEN\n\n"
    if c.has("importe"):
        txt += f"I. Que acuerdan un importe de {c.x('importe')}"
        txt += f", que se abonará en la {c.v('cuenta_lbl')} {c.v('cuenta')}." if c.has("cuenta") else "."
    else:
        txt += "I. Que es voluntad de las partes formalizar el acuerdo en los términos siguientes."
        if c.has("cuenta"):
            txt += f" Los cargos se domiciliarán en la cuenta {c.v('cuenta')}."
    txt += "\n\n[…cláusulas…]"
    return "Te dejo el encabezado del contrato; el resto de cláusulas puedes adaptarlo:\n\n" + txt


def _xml_esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def p_xml(c):
    forms = {"fnac": "iso"}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<expediente tipo="{c.m["scen"]}">']
    for who in c.whos():
        lines.append(f'  <persona rol="{c.role(who)}">')
        for b in c.bases(who):
            lines.append(f"    <{c.jkey(who, b)}>{_xml_esc(c.v(c.pk(who, b), forms.get(b, 'out')))}</{c.jkey(who, b)}>")
        lines.append("  </persona>")
    for t, val in c.extra_items():
        lines.append(f"  <{t}>{_xml_esc(val)}</{t}>")
    lines.append("</expediente>")
    return "Aquí está el XML:\n\n```xml\n" + "\n".join(lines) + "\n```"


DEPTO = {"queja": "Atención al Cliente", "contrato": "Asesoría", "rrhh": "Recursos Humanos",
         "viaje": "Reservas", "escuela": "Secretaría", "seguro": "Siniestros"}


def p_correo_depto(c):
    dep = c.m.get("dest", DEPTO[c.m["scen"]])
    nm = c.name("a")
    body = [f"Para: {dep}", f"Asunto: {c.m['tema'][0].upper() + c.m['tema'][1:]}" + (f" — {nm}" if nm else ""), "",
            "Buenos días:", "",
            f"Os escribo en relación con {c.m['tema']}. Los datos son los siguientes:"]
    for who in c.whos():
        for lab, val in c.rows(who):
            body.append(f"  • {lab}{' (' + c.role(who) + ')' if c.two else ''}: {val}")
    for lab, val in c.extra_rows():
        body.append(f"  • {lab}: {val}")
    body += ["", "Quedo atento/a a vuestra respuesta.", "", "Un saludo."]
    return "Borrador del correo:\n\n" + "\n".join(body)


def p_itinerario(c):
    lines = ["🧳 ITINERARIO", ""]
    pax = []
    for who in c.whos():
        nm = c.name(who)
        extra = [f"{lab}: {val}" for lab, val in c.rows(who) if lab not in ("Nombre",)]
        pax.append(f"- {nm}" + (f" ({'; '.join(extra)})" if extra else ""))
    lines += ["Viajeros:"] + pax + [""]
    if c.has("fecha"):
        lines.append(f"Ida: {c.x('fecha')}" + (f" — vuelo {c.x('vuelo')}" if c.has("vuelo") else ""))
    if c.has("fecha2"):
        lines.append(f"Vuelta: {c.x('fecha2')}")
    if c.has("org"):
        lines.append(f"Proveedor: {c.x('org')}")
    if c.has("localizador"):
        lines.append(f"Localizador: {c.x('localizador')}")
    lines += ["", "Consejo: lleva la documentación original y llega al aeropuerto o a la estación con antelación."]
    return "\n".join(lines)


def p_html(c):
    rows = ["<table>", "  <tr><th>Campo</th><th>Valor</th></tr>"]
    for who in c.whos():
        for lab, val in c.rows(who):
            rows.append(f"  <tr><td>{lab}{' (' + c.role(who) + ')' if c.two else ''}</td><td>{_xml_esc(val)}</td></tr>")
    for lab, val in c.extra_rows():
        rows.append(f"  <tr><td>{lab}</td><td>{_xml_esc(val)}</td></tr>")
    rows.append("</table>")
    return "Tabla en HTML lista para pegar:\n\n```html\n" + "\n".join(rows) + "\n```"


def p_burofax(c):
    nm = c.name("a") or "[nombre]"
    rem = [f"Remitente: {nm}"]
    if c.has("id"):
        rem.append(f"{c.v('id_lbl')}: {c.v('id')}")
    if c.has("dir"):
        rem.append(f"Domicilio: {c.v('dir')}")
    org = c.x("org")
    dest = c.name("b") if (c.two and c.m["scen"] == "contrato") else (org if org != "—" else "[destinatario]")
    txt = "\n".join(rem) + f"\nDestinatario: {dest}\n\nMuy señores míos:\n\n"
    txt += (f"Por medio del presente burofax les requiero formalmente en relación con {c.m['tema']}. "
            f"{c.m.get('hechos', '')} Solicito {c.m.get('solicitud', 'una solución')} en el plazo de quince días "
            f"naturales desde la recepción de esta comunicación, reservándome el ejercicio de las acciones legales oportunas.")
    if c.has("tel") or c.has("email"):
        txt += " Pueden contactarme en " + " o ".join(c.v(k) for k in ("tel", "email") if c.has(k)) + "."
    txt += f"\n\nAtentamente,\n{nm}"
    return "Modelo de burofax:\n\n" + txt


def p_json_anidado(c):
    forms = {"fnac": "iso"}
    obj = OrderedDict()
    obj["expediente"] = OrderedDict([("tipo", c.m["tema"]), ("personas", [])])
    for who in c.whos():
        d = OrderedDict([("rol", c.role(who))])
        for b in c.bases(who):
            d[c.jkey(who, b)] = c.v(c.pk(who, b), forms.get(b, "out"))
        obj["expediente"]["personas"].append(d)
    ex = c.extra_items()
    if ex:
        obj["expediente"]["detalles"] = OrderedDict(ex)
    return "```json\n" + json.dumps(obj, ensure_ascii=False, indent=2) + "\n```"


def p_lista_num(c):
    i, lines = 1, []
    for who in c.whos():
        for lab, val in c.rows(who):
            lines.append(f"{i}. {lab}{' — ' + c.role(who) if c.two else ''}: {val}")
            i += 1
    for lab, val in c.extra_rows():
        lines.append(f"{i}. {lab}: {val}")
        i += 1
    return c.r.choice(["Aquí va la lista numerada:", "Enumerado:"]) + "\n\n" + "\n".join(lines)


def p_autorizacion(c):
    nm = c.name("a") or "[nombre]"
    s = f"Yo, {nm}"
    if c.has("id"):
        s += f", con {c.v('id_lbl')} {c.v('id')}"
    if c.has("dir"):
        s += f" y domicilio en {c.v('dir')}"
    if c.two:
        s += f", como {c.v('padre')} o tutor/a legal de {c.name('b')}"
    s += f", AUTORIZO lo necesario para {c.m['tema']}"
    if c.has("fecha"):
        s += f" ({c.x('fecha')})"
    s += "."
    if c.has("tel"):
        s += f"\n\nTeléfono de contacto: {c.v('tel')}."
    s += "\n\nFirma: ____________________      Fecha: ____/____/______"
    return "Texto de la autorización:\n\n" + s


def p_recibo(c):
    ref = "".join(c.r.choice("0123456789") for _ in range(6))
    lines = [f"JUSTIFICANTE — {c.m['tema'].upper()}", f"Nº de registro: {c.m['scen'][:3].upper()}-{ref}", ""]
    for who in c.whos():
        for lab, val in c.rows(who):
            lines.append(f"{lab}{' (' + c.role(who) + ')' if c.two else ''}: {val}")
    for lab, val in c.extra_rows():
        lines.append(f"{lab}: {val}")
    lines += ["", "Este justificante acredita la presentación de la solicitud."]
    return "```\n" + "\n".join(lines) + "\n```"


def p_csv_pyc(c):
    heads, vals = [], []
    for who in c.whos():
        for b in c.bases(who):
            heads.append(c.label(who, b).lower() + ("" if who == "a" else " 2"))
            vals.append(c.v(c.pk(who, b), {"fnac": "num"}.get(b, "out")))
    for lab, val in c.extra_rows():
        heads.append(lab.lower())
        vals.append(val)
    return ("Formato CSV con punto y coma (el que abre bien Excel en español):\n\n```\n" + ";".join(heads) + "\n"
            + ";".join(vals) + "\n```")


def p_slack(c):
    nm = c.name("a")
    s = f"👋 Hola equipo, nuevo caso sobre *{c.m['tema']}*"
    s += f" de *{nm}*.\n" if nm else ".\n"
    for who in c.whos():
        for lab, val in c.rows(who):
            if lab == "Nombre" and who == "a":
                continue
            s += f"• {lab}{' (' + c.role(who) + ')' if c.two else ''}: `{val}`\n"
    for lab, val in c.extra_rows():
        s += f"• {lab}: {val}\n"
    s += "¿Alguien puede encargarse hoy? 🙏"
    return "Mensaje para el canal:\n\n" + s


DOCS = {"queja": ["Copia de la factura o del ticket", "Capturas o pruebas de lo ocurrido"],
        "contrato": ["Copia del documento de identidad de ambas partes", "Justificante de pago"],
        "rrhh": ["Contrato firmado", "Certificado de titularidad bancaria"],
        "viaje": ["Pasaporte o documento de identidad en vigor", "Tarjetas de embarque o reserva"],
        "escuela": ["Libro de familia o documento equivalente", "Foto tamaño carné"],
        "seguro": ["Parte amistoso firmado", "Fotos de los daños"]}


def p_checklist(c):
    lines = [f"Checklist para {c.m['tema']}:", ""]
    for who in c.whos():
        for lab, val in c.rows(who):
            lines.append(f"- [x] {lab}{' (' + c.role(who) + ')' if c.two else ''}: {val}")
    for d in DOCS[c.m["scen"]]:
        lines.append(f"- [ ] {d}")
    return "\n".join(lines) + "\n\nLo marcado con [ ] aún tienes que reunirlo."


def p_guion(c):
    p = c.P["a"]
    lines = ["Guion para la llamada:", ""]
    if c.has("n"):
        lines.append(f"1. Saludo: «Buenos días, ¿hablo con {c.v('el')} {c.v('sr')} {c.v('ap1')}? Le llamo por {c.m['tema']}.»")
    else:
        lines.append(f"1. Saludo: «Buenos días, le llamo por {c.m['tema']}.»")
    k = 2
    if c.has("fnac"):
        lines.append(f"{k}. Verificación: «¿Me confirma su fecha de nacimiento?» (debe ser {c.v('fnac')})"); k += 1
    if c.has("id"):
        lines.append(f"{k}. Verificación: «¿Y su {c.v('id_lbl')}?» (en el expediente: {c.v('id')})"); k += 1
    if c.has("email"):
        lines.append(f"{k}. «Le enviaremos la confirmación a {c.v('email')}, ¿es correcto?»"); k += 1
    if c.has("dir"):
        lines.append(f"{k}. «¿Sigue siendo su domicilio {c.v('dir')}?»"); k += 1
    if c.has("b_n"):
        lines.append(f"{k}. Mencionar que en el caso figura también {c.v('b_n')} ({c.role('b').lower()})."); k += 1
    if c.has("tel"):
        lines.append(f"{k}. Si no contesta, volver a intentarlo al {c.v('tel', 'intl')} por la tarde."); k += 1
    lines.append(f"{k}. Cierre: «Gracias por su tiempo, que tenga un buen día.»")
    return "\n".join(lines)


def _sql_q(v):
    return "'" + v.replace("'", "''") + "'"


def p_sql(c):
    cols, vals = [], []
    for who in c.whos():
        for b in c.bases(who):
            cols.append(c.jkey(who, b) + ("" if who == "a" else "_2"))
            vals.append(_sql_q(c.v(c.pk(who, b), {"fnac": "iso"}.get(b, "out"))))
    table = {"queja": "reclamaciones", "contrato": "contratos", "rrhh": "empleados", "viaje": "reservas",
             "escuela": "alumnado", "seguro": "siniestros"}[c.m["scen"]]
    return (f"```sql\nINSERT INTO {table} ({', '.join(cols)})\nVALUES ({', '.join(vals)});\n```\n\n"
            "Recuerda usar consultas parametrizadas en el código en lugar de concatenar valores.")


def p_tabla_horizontal(c):
    heads, vals = [], []
    for who in c.whos():
        for lab, val in c.rows(who):
            heads.append(lab + (f" ({c.role(who)})" if c.two else ""))
            vals.append(val)
    for lab, val in c.extra_rows():
        heads.append(lab)
        vals.append(val)
    return ("Tabla en una sola fila:\n\n| " + " | ".join(heads) + " |\n|" + "---|" * len(heads) + "\n| "
            + " | ".join(vals) + " |")


def p_resumen_caso(c):
    nm = c.name("a") or "La persona interesada"
    s = f"Resumen del caso. {nm} plantea {c.m['tema']}."
    det = [f"{lab.lower()}: {val}" for lab, val in c.rows("a") if lab != "Nombre"]
    if det:
        s += " Datos aportados — " + "; ".join(det) + "."
    if c.two:
        s += f" También interviene {c.name('b')} ({c.role('b').lower()})"
        det2 = [f"{lab.lower()}: {val}" for lab, val in c.rows("b") if lab != "Nombre"]
        s += (", " + "; ".join(det2) + ".") if det2 else "."
    s += f" Próximo paso: {c.m.get('solicitud', 'tramitar la solicitud')}."
    return s


def p_oficial(c):
    lines = ["SOLICITUD — CUMPLIMENTAR EN MAYÚSCULAS", ""]
    for who in c.whos():
        p = c.P[who]
        if c.two:
            lines.append(f"[{c.role(who).upper()}]")
        for b in c.bases(who):
            k = c.pk(who, b)
            if b == "n":
                lines.append(f"PRIMER APELLIDO: {c.v(c.pk(who, 'ap1'), 'upper')}")
                lines.append(f"SEGUNDO APELLIDO: {p.aps[1].upper() if len(p.aps) > 1 else '—'}")
                if len(p.aps) > 1:
                    c.vals.setdefault(("PERSON", p.aps[1].upper()), "name")
                lines.append(f"NOMBRE: {c.v(c.pk(who, 'np'), 'upper')}")
            elif b in ("dir", "calle"):
                lines.append(f"DOMICILIO: {c.v(k, 'upper')}")
            elif b == "fnac":
                lines.append(f"FECHA DE NACIMIENTO (DD/MM/AAAA): {c.v(k, 'num')}")
            else:
                lines.append(f"{c.label(who, b).upper()}: {c.v(k)}")
    return "Así se rellenaría el impreso:\n\n```\n" + "\n".join(lines) + "\n```"


def p_privacidad(c):
    warn = []
    if c.has("tarj"):
        warn.append("no envíes el número completo de la tarjeta por correo ni por chat: basta con el titular y la fecha del cargo")
    if c.has("cuenta"):
        warn.append("comparte el número de cuenta solo por el canal oficial")
    if c.has("id") or c.has("nss"):
        warn.append("adjunta el documento de identidad únicamente si te lo piden")
    if not warn:
        warn.append("comparte solo los datos imprescindibles")
    s = "Un consejo antes de nada: " + "; ".join(warn) + ".\n\nDicho esto, este sería el texto con lo esencial:\n\n"
    nm = c.name("a") or "[nombre]"
    s += f"«Me dirijo a ustedes en relación con {c.m['tema']}. Mi nombre es {nm}"
    if c.has("email"):
        s += f" y pueden responderme a {c.v('email')}"
    elif c.has("tel"):
        s += f" y pueden llamarme al {c.v('tel')}"
    s += ". Quedo a la espera de su respuesta.»"
    return s


def p_ini(c):
    lines = []
    for who in c.whos():
        lines.append(f"[{strip_accents(c.role(who).split('/')[0]).lower().replace(' ', '_')}]")
        for b in c.bases(who):
            lines.append(f"{c.jkey(who, b)} = {c.v(c.pk(who, b), {'fnac': 'iso'}.get(b, 'out'))}")
        lines.append("")
    ex = c.extra_items()
    if ex:
        lines.append("[detalles]")
        for a, b in ex:
            lines.append(f"{a} = {b}")
    return "Fichero de configuración (.ini):\n\n```ini\n" + "\n".join(lines).rstrip() + "\n```"


def p_acta(c):
    n = c.r.randint(100, 9999)
    nm = c.name("a") or "la persona interesada"
    s = f"NOTA DE EXPEDIENTE Nº {n}/2026\n\nSe abre expediente relativo a {c.m['tema']} a instancia de {nm}"
    det = [f"{lab}: {val}" for lab, val in c.rows("a") if lab != "Nombre"]
    if det:
        s += " (" + "; ".join(det) + ")"
    s += "."
    if c.two:
        s += f" Consta como {c.role('b').lower()} {c.name('b')}."
    ex = c.extra_rows()
    if ex:
        s += " Referencias: " + "; ".join(f"{a}: {b}" for a, b in ex) + "."
    s += "\n\nEstado: pendiente de revisión."
    return s


TEST_OUTPUTS = [
    (p_hoja_reclamacion, ["Redacta la hoja de reclamación.", "¿me ayudas a rellenar la hoja de reclamaciones?"], ["queja", "viaje", "seguro"]),
    (p_reunidos, ["Redacta el encabezado del contrato (la parte de REUNIDOS).", "¿Me haces el borrador del contrato?"], ["contrato"]),
    (p_xml, ["Genera el XML para importarlo en el sistema.", "pásalo a xml"], None),
    (p_correo_depto, ["Redacta el correo para el departamento que corresponda.", "escríbeme el mail para mandarlo"], None),
    (p_itinerario, ["Prepárame un itinerario con todo.", "¿me lo organizas como itinerario?"], ["viaje"]),
    (p_html, ["Hazme una tabla HTML con los datos.", "lo quiero en una tabla html"], None),
    (p_burofax, ["Redacta un burofax.", "¿cómo sería el burofax?"], ["queja", "contrato"]),
    (p_json_anidado, ["Dame un JSON estructurado por personas.", "json anidado porfa"], None),
    (p_lista_num, ["Hazme una lista numerada.", "enuméralo todo"], None),
    (p_autorizacion, ["Redacta el texto de la autorización.", "¿Me escribes la autorización para firmarla?"], ["escuela"]),
    (p_recibo, ["Genera un justificante de la solicitud.", "hazme el justificante"], None),
    (p_csv_pyc, ["Pásalo a CSV separado por punto y coma.", "csv con ; para excel"], None),
    (p_slack, ["Escribe el mensaje para el canal del equipo.", "redáctalo para slack"], ["rrhh", "queja", "escuela", "viaje", "seguro"]),
    (p_checklist, ["Hazme una checklist de lo que tengo y lo que me falta.", "¿qué me falta? ponlo en checklist"], None),
    (p_guion, ["Escribe un guion para llamar a la persona.", "prepárame qué decir por teléfono"], ["queja", "rrhh", "seguro", "viaje"]),
    (p_sql, ["Genera el INSERT de SQL.", "dame la sentencia sql para guardarlo"], None),
    (p_tabla_horizontal, ["Ponlo en una tabla de una sola fila.", "tabla horizontal porfa"], None),
    (p_resumen_caso, ["Resume el caso en un párrafo.", "hazme un resumen del caso"], None),
    (p_oficial, ["Rellénalo como en un impreso oficial, en mayúsculas.", "ponlo como formulario oficial"], None),
    (p_privacidad, ["¿Qué debería mandar exactamente?", "¿lo mando tal cual o qué les escribo?"], None),
    (p_ini, ["Ponlo en formato .ini.", "pásalo a un fichero ini"], None),
    (p_acta, ["Redacta una nota de expediente.", "déjalo como nota para el expediente"], None),
]


# ----------------------------------------------------------------------------------------------
# CLEAN records (hand-written facts; no personal data of private people)
# ----------------------------------------------------------------------------------------------
# (name, o/a, born_date, born_place, died_date, died_place, known_for, country)
FIG_DEV = [
    ("Miguel de Cervantes", "o", "29 de septiembre de 1547 (fecha probable)", "Alcalá de Henares", "22 de abril de 1616", "Madrid", "es el autor de «Don Quijote de la Mancha», cuya primera parte se publicó en 1605", "ES"),
    ("Frida Kahlo", "a", "6 de julio de 1907", "Coyoacán", "13 de julio de 1954", "Coyoacán", "fue una pintora célebre por sus autorretratos; su Casa Azul es hoy un museo", "MX"),
    ("Benito Juárez", "o", "21 de marzo de 1806", "San Pablo Guelatao (Oaxaca)", "18 de julio de 1872", "Ciudad de México", "fue presidente de México e impulsó las Leyes de Reforma", "MX"),
    ("Gabriel García Márquez", "o", "6 de marzo de 1927", "Aracataca (Colombia)", "17 de abril de 2014", "Ciudad de México", "escribió «Cien años de soledad» (1967) y recibió el Premio Nobel de Literatura en 1982", "CO"),
    ("Pablo Neruda", "o", "12 de julio de 1904", "Parral (Chile)", "23 de septiembre de 1973", "Santiago de Chile", "fue un poeta, autor de «Veinte poemas de amor y una canción desesperada», y Premio Nobel de Literatura en 1971", "CL"),
    ("Santiago Ramón y Cajal", "o", "1 de mayo de 1852", "Petilla de Aragón (Navarra)", "17 de octubre de 1934", "Madrid", "describió la neurona como unidad del sistema nervioso y recibió el Premio Nobel de Medicina en 1906", "ES"),
    ("Clara Campoamor", "a", "12 de febrero de 1888", "Madrid", "30 de abril de 1972", "Lausana (Suiza)", "defendió en las Cortes de 1931 el derecho al voto de las mujeres", "ES"),
    ("Sor Juana Inés de la Cruz", "a", "12 de noviembre de 1648 (fecha discutida)", "San Miguel Nepantla", "17 de abril de 1695", "Ciudad de México", "fue una escritora novohispana, autora de «Primero sueño» y de las redondillas «Hombres necios que acusáis»", "MX"),
    ("Jorge Luis Borges", "o", "24 de agosto de 1899", "Buenos Aires", "14 de junio de 1986", "Ginebra", "es autor de «Ficciones» (1944) y «El Aleph» (1949) y dirigió la Biblioteca Nacional argentina", "AR"),
    ("Gabriela Mistral", "a", "7 de abril de 1889", "Vicuña (Chile)", "10 de enero de 1957", "Nueva York", "fue la primera persona latinoamericana en recibir el Premio Nobel de Literatura, en 1945", "CL"),
    ("Federico García Lorca", "o", "5 de junio de 1898", "Fuente Vaqueros (Granada)", "18 de agosto de 1936 (fecha más aceptada)", "el camino entre Víznar y Alfacar (Granada), donde fue asesinado", "escribió el «Romancero gitano» (1928) y «La casa de Bernarda Alba» (1936)", "ES"),
    ("Simón Bolívar", "o", "24 de julio de 1783", "Caracas", "17 de diciembre de 1830", "Santa Marta", "lideró la independencia de varios países sudamericanos y es conocido como «el Libertador»", "VE"),
    ("Diego Velázquez", "o", "6 de junio de 1599 (fecha de bautismo)", "Sevilla", "6 de agosto de 1660", "Madrid", "fue pintor de cámara de Felipe IV y pintó «Las meninas» (1656)", "ES"),
    ("Emilia Pardo Bazán", "a", "16 de septiembre de 1851", "A Coruña", "12 de mayo de 1921", "Madrid", "fue novelista y ensayista, autora de «Los pazos de Ulloa» (1886)", "ES"),
    ("Octavio Paz", "o", "31 de marzo de 1914", "Ciudad de México", "19 de abril de 1998", "Ciudad de México", "escribió «El laberinto de la soledad» (1950) y recibió el Premio Nobel de Literatura en 1990", "MX"),
]
FIG_TEST = [
    ("Emiliano Zapata", "o", "8 de agosto de 1879", "Anenecuilco (Morelos)", "10 de abril de 1919", "Chinameca (Morelos)", "fue un líder de la Revolución mexicana y promulgó el Plan de Ayala (1911)", "MX"),
    ("Francisco de Goya", "o", "30 de marzo de 1746", "Fuendetodos (Zaragoza)", "16 de abril de 1828", "Burdeos", "pintó «El 3 de mayo en Madrid» (1814) y la serie de grabados «Los caprichos»", "ES"),
    ("Julio Cortázar", "o", "26 de agosto de 1914", "Ixelles (Bruselas)", "12 de febrero de 1984", "París", "es el autor de «Rayuela» (1963) y de cuentos como «Casa tomada»", "AR"),
    ("Violeta Parra", "a", "4 de octubre de 1917", "San Fabián de Alico (Chile)", "5 de febrero de 1967", "Santiago de Chile", "fue cantautora y folclorista, autora de «Gracias a la vida»", "CL"),
    ("Eva Perón", "a", "7 de mayo de 1919", "Los Toldos (provincia de Buenos Aires)", "26 de julio de 1952", "Buenos Aires", "impulsó la ley del voto femenino en Argentina (1947)", "AR"),
    ("Antonio Machado", "o", "26 de julio de 1875", "Sevilla", "22 de febrero de 1939", "Colliure (Francia)", "fue poeta de la Generación del 98, autor de «Campos de Castilla» (1912)", "ES"),
    ("Diego Rivera", "o", "8 de diciembre de 1886", "Guanajuato", "24 de noviembre de 1957", "Ciudad de México", "fue uno de los grandes muralistas mexicanos; pintó los murales del Palacio Nacional", "MX"),
    ("Miguel Hidalgo y Costilla", "o", "8 de mayo de 1753", "la hacienda de Corralejo (Guanajuato)", "30 de julio de 1811", "Chihuahua", "inició la guerra de Independencia de México con el Grito de Dolores", "MX"),
    ("Juan Rulfo", "o", "16 de mayo de 1917", "Sayula (Jalisco)", "7 de enero de 1986", "Ciudad de México", "escribió «El llano en llamas» (1953) y «Pedro Páramo» (1955)", "MX"),
    ("Severo Ochoa", "o", "24 de septiembre de 1905", "Luarca (Asturias)", "1 de noviembre de 1993", "Madrid", "recibió el Premio Nobel de Medicina en 1959 por sus trabajos sobre la síntesis del ARN", "ES"),
    ("Margarita Salas", "a", "30 de noviembre de 1938", "Canero (Asturias)", "7 de noviembre de 2019", "Madrid", "fue una bioquímica pionera, conocida por la ADN polimerasa del virus phi29", "ES"),
    ("Rosalía de Castro", "a", "24 de febrero de 1837", "Santiago de Compostela", "15 de julio de 1885", "Padrón", "publicó «Cantares gallegos» (1863), obra clave del Rexurdimento", "ES"),
    ("José de San Martín", "o", "25 de febrero de 1778", "Yapeyú", "17 de agosto de 1850", "Boulogne-sur-Mer", "dirigió el cruce de los Andes en 1817 y la independencia de Chile y Perú", "AR"),
    ("Mercedes Sosa", "a", "9 de julio de 1935", "San Miguel de Tucumán", "4 de octubre de 2009", "Buenos Aires", "fue una cantante de folclore conocida como «la Negra»", "AR"),
    ("Salvador Dalí", "o", "11 de mayo de 1904", "Figueres", "23 de enero de 1989", "Figueres", "fue el gran pintor surrealista, autor de «La persistencia de la memoria» (1931)", "ES"),
    ("Carlos Fuentes", "o", "11 de noviembre de 1928", "Ciudad de Panamá", "15 de mayo de 2012", "Ciudad de México", "escribió «La muerte de Artemio Cruz» (1962) y ganó el Premio Cervantes en 1987", "MX"),
    ("Lázaro Cárdenas", "o", "21 de mayo de 1895", "Jiquilpan (Michoacán)", "19 de octubre de 1970", "Ciudad de México", "fue presidente de México y decretó la expropiación petrolera de 1938", "MX"),
    ("Isabel I de Castilla", "a", "22 de abril de 1451", "Madrigal de las Altas Torres", "26 de noviembre de 1504", "Medina del Campo", "fue reina de Castilla y, junto a Fernando de Aragón, una de los Reyes Católicos", "ES"),
    ("Camilo José Cela", "o", "11 de mayo de 1916", "Iria Flavia (Padrón)", "17 de enero de 2002", "Madrid", "escribió «La familia de Pascual Duarte» (1942) y recibió el Premio Nobel de Literatura en 1989", "ES"),
    ("Policarpa Salavarrieta", "a", "hacia 1795", "Guaduas", "14 de noviembre de 1817", "Bogotá", "fue una heroína de la independencia de Colombia, conocida como «la Pola»", "CO"),
]
# (question phrase, answer value, country, extra sentence)
INST_DEV = [
    ("el teléfono de emergencias en España", "112", "ES", "Es gratuito, funciona las 24 horas y también sirve en el resto de la Unión Europea."),
    ("el teléfono de la Policía Nacional", "091", "ES", "Para cualquier emergencia general también puedes llamar al 112."),
    ("el teléfono de atención a víctimas de violencia de género", "016", "ES", "Es gratuito y no deja rastro en la factura telefónica."),
    ("el teléfono de información de la Administración General del Estado", "060", "ES", "Desde ahí te orientan sobre trámites con los ministerios."),
    ("la dirección del Museo del Prado", "Calle de Ruiz de Alarcón, 23, 28014 Madrid", "ES", "Es la dirección postal del museo; las entradas de visitantes dan al Paseo del Prado."),
    ("el número de emergencias en México", "911", "MX", "Sustituyó al antiguo 066 en 2017 y funciona en todo el país."),
    ("el teléfono de Locatel en la Ciudad de México", "55 5658 1111", "MX", "Informa sobre trámites, servicios de la ciudad y personas extraviadas."),
    ("la dirección del Palacio de Bellas Artes", "Av. Juárez s/n, Centro Histórico, Ciudad de México", "MX", "Está junto a la Alameda Central."),
]
INST_TEST = [
    ("el teléfono de la Guardia Civil", "062", "ES", "Atiende las 24 horas; en una emergencia también sirve el 112."),
    ("el teléfono de la línea de atención a la conducta suicida", "024", "ES", "Es gratuito, confidencial y funciona desde 2022."),
    ("el teléfono de información tributaria de la Agencia Tributaria", "91 554 87 70", "ES", "También puedes hacer muchas gestiones en la sede electrónica."),
    ("la dirección de la Biblioteca Nacional de España", "Paseo de Recoletos, 20-22, 28001 Madrid", "ES", "Comparte edificio con el Museo Arqueológico Nacional."),
    ("la dirección del Congreso de los Diputados", "Carrera de San Jerónimo, s/n, Madrid", "ES", "El edificio principal es el Palacio de las Cortes, custodiado por dos leones de bronce."),
    ("el Teléfono del Consumidor de Profeco", "55 5568 8722", "MX", "Desde el resto del país puedes marcar sin costo al 800 468 8722."),
    ("el número de denuncia anónima en México", "089", "MX", "Permite denunciar delitos sin dar tu nombre."),
    ("la dirección del Museo Nacional de Antropología", "Av. Paseo de la Reforma s/n, Chapultepec, Ciudad de México", "MX", "Alberga la Piedra del Sol."),
    ("la dirección de la Casa Rosada", "Balcarce 50, Ciudad Autónoma de Buenos Aires", "AR", "Es la sede del Poder Ejecutivo argentino, frente a la Plaza de Mayo."),
    ("el teléfono del SAME en la ciudad de Buenos Aires", "107", "AR", "Es el servicio de emergencias médicas."),
    ("los teléfonos de emergencia en Chile", "131 (ambulancias), 132 (Bomberos) y 133 (Carabineros)", "CL", "Todos son gratuitos."),
    ("la línea de emergencias en Colombia", "123", "CO", "Es la línea única para policía, bomberos y ambulancias."),
    ("la dirección de la Casa de Nariño", "Carrera 8 # 7-26, Bogotá", "CO", "Es la residencia oficial y sede del Gobierno de Colombia."),
]
# (event, date text, country, extra)
EVT_DEV = [
    ("el referéndum de la Constitución española", "6 de diciembre de 1978", "ES", "Por eso el 6 de diciembre es el Día de la Constitución."),
    ("el Grito de Dolores", "16 de septiembre de 1810", "MX", "Miguel Hidalgo llamó a levantarse contra el dominio español en la madrugada de ese día."),
    ("la llegada del Apolo 11 a la Luna", "20 de julio de 1969", "US", "Neil Armstrong fue el primer ser humano en pisarla."),
    ("la caída del Muro de Berlín", "9 de noviembre de 1989", "ES", "Abrió el camino a la reunificación alemana en 1990."),
    ("el terremoto de la Ciudad de México de 1985", "19 de septiembre de 1985", "MX", "Tuvo una magnitud de 8,1 y causó miles de víctimas."),
    ("la inauguración de la Expo 92 de Sevilla", "20 de abril de 1992", "ES", "La exposición se clausuró el 12 de octubre de 1992."),
]
EVT_TEST = [
    ("la promulgación de la Constitución mexicana vigente", "5 de febrero de 1917", "MX", "Se promulgó en Querétaro."),
    ("la declaración de independencia de Argentina", "9 de julio de 1816", "AR", "Se firmó en San Miguel de Tucumán."),
    ("el grito de independencia de Colombia", "20 de julio de 1810", "CO", "Es conocido por el episodio del florero de Llorente."),
    ("la Primera Junta Nacional de Gobierno de Chile", "18 de septiembre de 1810", "CL", "Por eso las Fiestas Patrias se celebran en septiembre."),
    ("el intento de golpe de Estado del 23-F", "23 de febrero de 1981", "ES", "Un grupo de guardias civiles asaltó el Congreso durante la votación de investidura."),
    ("la entrada en circulación de los billetes y monedas de euro", "1 de enero de 2002", "ES", "La peseta dejó de circular poco después."),
    ("la inauguración de los Juegos Olímpicos de Barcelona", "25 de julio de 1992", "ES", "Los Juegos se clausuraron el 9 de agosto de 1992."),
    ("la inauguración de los Juegos Olímpicos de México", "12 de octubre de 1968", "MX", "Fueron los primeros Juegos celebrados en América Latina."),
    ("la expropiación petrolera en México", "18 de marzo de 1938", "MX", "La decretó el presidente Lázaro Cárdenas."),
]
LAW_DEV = [
    ("la Ley Orgánica 3/2018", "Es la Ley Orgánica de Protección de Datos Personales y garantía de los derechos digitales, de 5 de diciembre de 2018; adapta el RGPD al ordenamiento español.", "ES"),
    ("el Reglamento (UE) 2016/679", "Es el Reglamento General de Protección de Datos (RGPD), aprobado el 27 de abril de 2016 y aplicable desde el 25 de mayo de 2018 en toda la Unión Europea.", "ES"),
    ("la Ley 39/2015", "Es la Ley del Procedimiento Administrativo Común de las Administraciones Públicas, de 1 de octubre de 2015; regula, entre otras cosas, los plazos y las notificaciones.", "ES"),
    ("la Ley Federal de Protección de Datos Personales en Posesión de los Particulares", "Es la norma mexicana que regula el tratamiento de datos personales por empresas y particulares; se publicó en el Diario Oficial de la Federación el 5 de julio de 2010.", "MX"),
    ("el artículo 18.4 de la Constitución española", "Dispone que la ley limitará el uso de la informática para garantizar el honor y la intimidad personal y familiar de los ciudadanos.", "ES"),
]
LAW_TEST = [
    ("la Ley 1581 de 2012 de Colombia", "Es el régimen general de protección de datos personales (habeas data) de Colombia, de octubre de 2012.", "CO"),
    ("la Ley 25.326 de Argentina", "Es la Ley de Protección de los Datos Personales argentina, sancionada en el año 2000.", "AR"),
    ("la Ley 19.628 de Chile", "Es la ley chilena sobre protección de la vida privada, de 1999, que regula el tratamiento de datos personales.", "CL"),
    ("la Ley 34/2002", "Es la Ley de servicios de la sociedad de la información y de comercio electrónico (LSSI), de 11 de julio de 2002; regula, por ejemplo, el envío de comunicaciones comerciales.", "ES"),
    ("el Real Decreto Legislativo 2/2015", "Aprueba el texto refundido de la Ley del Estatuto de los Trabajadores, de 23 de octubre de 2015.", "ES"),
    ("la Ley 29/1994", "Es la Ley de Arrendamientos Urbanos, de 24 de noviembre de 1994, que regula los alquileres de vivienda en España.", "ES"),
    ("la Ley Federal del Trabajo de México", "Es la ley que regula las relaciones laborales en México; la versión vigente entró en vigor el 1 de mayo de 1970 y se ha reformado varias veces.", "MX"),
]


def is_prime(n):
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True


def eur(x):
    s = f"{x:,.2f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".") + " €"


def clean_math(r, split):
    k = r.randint(0, 4)
    if split == "dev":
        if k == 0:
            a, b = r.randint(10_000_000, 99_999_999), r.randint(3, 9)
            return "ES", f"¿Cuánto es {a} × {b}?", f"{a} × {b} = {a * b:,}".replace(",", ".") + "."
        if k == 1:
            p = r.randint(1000, 250000) / 100
            return "ES", f"Calcula el 21 % de IVA de {eur(p)} y el total.", f"El IVA (21 %) de {eur(p)} es {eur(round(p * 0.21, 2))}, así que el total es {eur(round(p * 1.21, 2))}."
        if k == 2:
            n = r.randint(600_000_000, 699_999_999)
            s = sum(int(ch) for ch in str(n))
            return "ES", f"¿El número {n} es divisible entre 9?", f"La suma de sus cifras es {s}; como {s} {'sí' if s % 9 == 0 else 'no'} es múltiplo de 9, {n} {'sí' if n % 9 == 0 else 'no'} es divisible entre 9."
        if k == 3:
            a, x, b = r.randint(2, 9), r.randint(-20, 40), r.randint(1, 50)
            return "MX", f"resuelve {a}x + {b} = {a * x + b}", f"Restamos {b} en ambos lados: {a}x = {a * x}. Dividimos entre {a}: x = {x}."
        n = r.randint(100_000, 9_999_999)
        h, rem = divmod(n, 3600)
        m, s = divmod(rem, 60)
        return "ES", f"Pasa {n} segundos a horas, minutos y segundos.", f"{n} s = {h} h {m} min {s} s ({n} ÷ 3600 = {h} h y sobran {rem} s)."
    else:
        if k == 0:
            a, b = r.randint(100, 9999), r.randint(100, 9999)
            import math
            return "MX", f"¿Cuál es el máximo común divisor de {a * 6} y {b * 6}?", f"mcd({a * 6}, {b * 6}) = {math.gcd(a * 6, b * 6)}, calculado con el algoritmo de Euclides."
        if k == 1:
            n = r.randint(1000, 65535)
            return "ES", f"Convierte {n} a binario y a hexadecimal.", f"{n} en binario es {bin(n)[2:]} y en hexadecimal {hex(n)[2:].upper()}."
        if k == 2:
            cap, tasa, anios = r.choice([1000, 2500, 5000, 12000]), r.choice([2, 3, 4, 5]), r.randint(3, 15)
            fin = cap * (1 + tasa / 100) ** anios
            return "ES", f"Si invierto {eur(cap)} al {tasa} % anual durante {anios} años con interés compuesto, ¿cuánto tendré?", f"Capital final = {cap} × (1 + 0,0{tasa})^{anios} ≈ {eur(round(fin, 2))}."
        if k == 3:
            n = r.randint(1_000_000, 9_999_999)
            if r.random() < 0.5:
                while not is_prime(n):
                    n += 1
            pr = is_prime(n)
            extra = "no tiene divisores entre 2 y su raíz cuadrada" if pr else f"es divisible entre {next(i for i in range(2, n) if n % i == 0)}"
            return "CO", f"¿Es {n} un número primo?", f"{'Sí' if pr else 'No'}: {n} {extra}."
        notas = [round(r.uniform(4, 10), 1) for _ in range(r.randint(4, 7))]
        media = sum(notas) / len(notas)
        txt = ", ".join(str(x).replace(".", ",") for x in notas)
        return "AR", f"calculame el promedio de estas notas: {txt}", f"La media es {media:.2f}".replace(".", ",") + f" (suma {sum(notas):.1f} entre {len(notas)} notas).".replace(".", ",", 1)


def clean_orders(g, split, i):
    r = g.r
    tienda = r.choice(["ElectroMarket", "ModaNova", "DeporTodo", "Librerías Arcadia", "HogarYa"])
    ped = f"PED-2026-{r.randint(1, 99999):05d}"
    trk = r.choice([f"1Z{''.join(r.choice('0123456789ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(16))}",
                    f"PQ{r.randint(10 ** 9, 10 ** 10 - 1)}ES", f"MX{r.randint(10 ** 11, 10 ** 12 - 1)}"])
    if split == "dev":
        k = i % 6
        if k == 0:
            return "ES", f"Mi pedido {ped} de {tienda} sigue «en preparación» desde hace una semana, ¿qué puedo hacer?", f"Con el número de pedido {ped} puedes abrir una incidencia en el área de cliente de {tienda}. Si el retraso supera el plazo de entrega anunciado, puedes pedir una fecha concreta o cancelar y solicitar el reembolso."
        if k == 1:
            return "ES", f"¿Qué significa el código de seguimiento {trk}?", f"{trk} es el número de seguimiento del envío: identifica el paquete, no a la persona. Introdúcelo en la web de la transportista para ver en qué punto está."
        if k == 2:
            isbn = g.code.isbn()
            return "ES", f"Busco el libro con ISBN {isbn}, ¿cómo sé de qué edición es?", f"El ISBN {isbn} identifica una edición concreta. Búscalo en la base de datos de ISBN o en el catálogo de una biblioteca: allí aparece la editorial y el año."
        if k == 3:
            a, b = r.randint(5000, 90000) / 100, r.randint(5000, 90000) / 100
            s1, s2 = f"REF-{r.randint(10000, 99999)}", f"REF-{r.randint(10000, 99999)}"
            return "ES", f"Quiero comparar dos productos: la referencia {s1} a {eur(a)} y la {s2} a {eur(b)}. ¿Cuál sale más barato con un 15 % de descuento en el segundo?", f"{s1}: {eur(a)}. {s2} con 15 % de descuento: {eur(round(b * 0.85, 2))}. Sale más barato {'el primero' if a < b * 0.85 else 'el segundo'}."
        if k == 4:
            ean = g.code.ean()
            return "MX", f"el codigo de barras {ean} no pasa en la caja, por que puede ser?", f"El código {ean} es un EAN de {len(ean)} dígitos. Si no se lee, puede estar dañada la etiqueta o no estar dado de alta en el sistema de la tienda; el cajero puede teclearlo a mano."
        fac = f"F{r.randint(2025, 2026)}/{r.randint(1, 9999):04d}"
        tot = r.randint(10000, 500000) / 100
        return "ES", f"Tengo la factura {fac} por {eur(tot)} con el IVA incluido. ¿Cuál es la base imponible?", f"Base imponible = {eur(tot)} ÷ 1,21 = {eur(round(tot / 1.21, 2))}; el IVA es {eur(round(tot - tot / 1.21, 2))}."
    k = i % 7
    if k == 0:
        return "ES", f"Hice la devolución del pedido {ped} hace 20 días y aún no me han devuelto el dinero. ¿Cuánto pueden tardar?", f"Según la normativa de consumo, la tienda debe reembolsar en un máximo de 14 días naturales desde que comunicas el desistimiento (puede esperar a recibir el producto). Reclama a {tienda} citando el pedido {ped}."
    if k == 1:
        return "MX", f"Mi paquete con guía {trk} dice 'en aduana', ¿es normal?", f"Sí, es habitual en envíos internacionales. Con la guía {trk} puedes consultar en la paquetería si falta pagar impuestos o aportar algún documento."
    if k == 2:
        lote = f"L{r.randint(100000, 999999)}"
        return "ES", f"He oído que han retirado un jarabe del lote {lote}. ¿Cómo lo compruebo?", f"Mira el número de lote en la caja: si coincide con {lote}, no lo uses y llévalo a la farmacia. Las alertas oficiales se publican en la web de la agencia del medicamento."
    if k == 3:
        cup = "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
        p = r.randint(3000, 30000) / 100
        return "ES", f"Tengo el cupón {cup} del 20 % para un producto de {eur(p)}, ¿cuánto pagaré?", f"Con el 20 % de descuento pagarás {eur(round(p * 0.8, 2))} (ahorras {eur(round(p * 0.2, 2))})."
    if k == 4:
        mod = f"{r.choice(['WX', 'KT', 'ZR'])}-{r.randint(100, 999)}{r.choice('ABC')}"
        err = f"E{r.randint(10, 99)}"
        return "CO", f"mi lavadora modelo {mod} muestra el error {err}, que hago", f"El código {err} en el modelo {mod} suele indicar un problema de desagüe. Revisa el filtro de la bomba y que la manguera no esté doblada; si persiste, contacta con el servicio técnico con el modelo a mano."
    if k == 5:
        sku = f"SKU-{r.randint(100000, 999999)}"
        uds, pu = r.randint(3, 40), r.randint(150, 9000) / 100
        return "AR", f"necesito {uds} unidades del artículo {sku} a {pu:.2f} cada una, cuánto es el total?".replace(".", ",", 1), f"{uds} × {pu:.2f} = {uds * pu:.2f}".replace(".", ",") + f" (artículo {sku})."
    ean = g.code.ean()
    return "ES", f"¿Qué me dice el prefijo del código EAN {ean}?", f"Los primeros dígitos de {ean} indican la organización GS1 que asignó el código (no necesariamente el país de fabricación); el último es un dígito de control."


TECH_DEV = [
    ("ES", "¿Cómo entro en la configuración de mi router? Pone que la puerta de enlace es 192.168.1.1.", "Abre el navegador y escribe http://192.168.1.1 en la barra de direcciones. Te pedirá el usuario y la contraseña de administración, que suelen venir en la pegatina del router. Es una dirección privada de tu red local, la usan millones de routers."),
    ("MX", "¿Quién es Sancho Panza?", "Sancho Panza es el escudero de don Quijote en la novela de Miguel de Cervantes. Es un labrador sencillo y práctico que acaba gobernando la ínsula Barataria en la segunda parte."),
    ("MX", "Si el dólar está a 17,05 pesos, ¿cuántos pesos son 250 dólares?", "250 × 17,05 = 4.262,50 pesos mexicanos."),
    ("ES", "¿Qué es la DNS 8.8.8.8?", "8.8.8.8 es uno de los servidores DNS públicos de Google (el otro es 8.8.4.4). Traduce nombres de dominio a direcciones IP; no identifica a ninguna persona."),
]
TECH_TEST = [
    ("MX", "¿Quién es Pedro Páramo en la novela de Rulfo?", "Pedro Páramo es el cacique de Comala, el padre al que busca Juan Preciado. La novela de Juan Rulfo (1955) reconstruye su historia a través de voces de muertos."),
    ("ES", "Dime los personajes principales de La casa de Bernarda Alba.", "Bernarda Alba y sus cinco hijas —Angustias, Magdalena, Amelia, Martirio y Adela—, además de la criada La Poncia y la abuela María Josefa. Pepe el Romano nunca aparece en escena."),
    ("ES", "¿Qué significa la dirección 127.0.0.1?", "Es la dirección de loopback (localhost): apunta a tu propio equipo. Sirve para probar servicios locales y no sale a Internet."),
    ("CO", "mi pc tiene una ip que empieza por 169.254, que significa?", "Las direcciones 169.254.x.x son de autoconfiguración (APIPA): el equipo no ha recibido IP del router por DHCP. Reinicia el router o renueva la concesión con «ipconfig /renew»."),
    ("ES", "Explícame el formato de un IBAN español sin usar ninguno real.", "Tiene 24 caracteres: ES + 2 dígitos de control + 4 de entidad + 4 de oficina + 2 de control + 10 de número de cuenta. Esquema: ESkk BBBB GGGG CC NNNNNNNNNN."),
    ("AR", "¿Qué es el Martín Fierro?", "«El gaucho Martín Fierro» es un poema narrativo de José Hernández publicado en 1872, con una continuación, «La vuelta de Martín Fierro», en 1879. Es una obra cumbre de la literatura gauchesca."),
    ("CL", "cuanto es el 19% de IVA de 45.990 pesos chilenos?", "El 19 % de 45.990 es 8.738,1, es decir, unos 8.738 pesos; el total con IVA sería 54.728 pesos aproximadamente."),
    ("ES", "¿Quién es Lazarillo de Tormes?", "Es el protagonista de la novela anónima «La vida de Lazarillo de Tormes», de 1554: un niño pobre que sirve a varios amos y narra su vida en primera persona. Es el origen de la novela picaresca."),
]

CLEAN_FIG_Q = {
    "dev": ["¿Quién fue {name}?", "Hazme un resumen breve de la vida de {name}.", "necesito 3 datos de {name} para un trabajo de clase",
            "¿Dónde y cuándo nació {name}?", "Cuéntame por qué es famos{oa} {name}."],
    "test": ["Escribe una ficha biográfica de {name} para una exposición del instituto.", "¿Por qué se recuerda a {name}?",
             "dime cuando murio {name}", "Redacta un pie de foto para un retrato de {name}.",
             "Prepárame una tarjeta de estudio sobre {name}."],
}
CLEAN_INST_Q = {"dev": ["¿Cuál es {q}?", "Necesito {q}, ¿me lo dices?", "oye cual es {q}"],
                "test": ["¿Me puedes dar {q}?", "Dime {q}, que no lo encuentro.", "Busco {q} para apuntarlo."]}
CLEAN_EVT_Q = {"dev": ["¿Cuándo fue {e}?", "¿En qué fecha ocurrió {e}?"],
               "test": ["Pon la fecha exacta de {e} para una efeméride.", "¿Qué día se produjo {e}?", "necesito la fecha de {e} pa un examen"]}
CLEAN_LAW_Q = {"dev": ["¿Qué es {l}?", "Explícame brevemente {l}."],
               "test": ["Resúmeme en dos líneas {l}.", "¿De qué trata {l}?"]}


def clean_fig(r, split, f):
    name, oa, bd, bp, dd, dp, known, country = f
    el = lambda d: d if d.startswith("hacia") else "el " + d
    q = r.choice(CLEAN_FIG_Q[split]).format(name=name, oa=oa)
    if split == "dev":
        a = r.choice([f"{name} nació {el(bd)} en {bp} y murió {el(dd)} en {dp}. {known[0].upper() + known[1:]}.",
                      f"{name} ({bp}, {bd} – {dp}, {dd}) {known}."])
    else:
        if "ficha" in q or "tarjeta" in q:
            a = (f"**{name}**\n- Nacimiento: {bd}, {bp}\n- Fallecimiento: {dd}, {dp}\n- Relevancia: {known[0].upper() + known[1:]}.")
        elif "pie de foto" in q:
            a = f"«{name} ({bp}, {bd} – {dp}, {dd}), que {known}.»"
        else:
            a = f"{name} murió {el(dd)} en {dp}; había nacido {el(bd)} en {bp}. Se le recuerda porque {known}."
    return country, q, a


def build_clean(g, split, n):
    r = g.r
    out = []
    figs = FIG_DEV if split == "dev" else FIG_TEST
    insts = INST_DEV if split == "dev" else INST_TEST
    evts = EVT_DEV if split == "dev" else EVT_TEST
    laws = LAW_DEV if split == "dev" else LAW_TEST
    tech = TECH_DEV if split == "dev" else TECH_TEST
    for f in figs:
        out.append(("figura",) + clean_fig(r, split, f))
    for q, v, c, extra in insts:
        qq = r.choice(CLEAN_INST_Q[split]).format(q=q)
        a = r.choice([f"{q[0].upper() + q[1:]}: {v}. {extra}", f"Es {v}. {extra}"]) if split == "dev" else f"Aquí lo tienes: {q} es {v}. {extra}"
        out.append(("institucion", c, qq, a))
    for e, d, c, extra in evts:
        qq = r.choice(CLEAN_EVT_Q[split]).format(e=e)
        a = f"{e[0].upper() + e[1:]} fue el {d}. {extra}" if split == "dev" else f"Fecha: {d}. {extra}"
        out.append(("efemeride", c, qq, a))
    for l, desc, c in laws:
        qq = r.choice(CLEAN_LAW_Q[split]).format(l=l)
        out.append(("ley", c, qq, desc))
    for c, q, a in tech:
        out.append(("tecnico_ficcion", c, q, a))
    i = 0
    n_orders = {"dev": 6, "test": 10}[split]
    for i in range(n_orders):
        out.append(("pedido_producto",) + clean_orders(g, split, i))
    while len(out) < n:
        out.append(("matematicas",) + clean_math(r, split))
    assert len(out) == n, (split, len(out), n)
    return out


# ----------------------------------------------------------------------------------------------
# record assembly + validation
# ----------------------------------------------------------------------------------------------
FMT = string.Formatter()


def fields_of(txt):
    return [f for _, f, _, _ in FMT.parse(txt) if f]


def contract(t):
    return re.sub(r"\b([Dd])e el\b", r"\1el", re.sub(r"\b([Aa]) el\b", r"\1l", t))


def render_instruction(c, body, pet):
    st = c.style
    parts = []
    first = True
    for lit, field, _, _ in FMT.parse(body["txt"]):
        lit = noise_literal(lit, st, c.r)
        if first and not st.get("lower") and st["level"] == "casual" and c.r.random() < 0.4:
            lit = lower_first(lit)
        first = False
        parts.append(lit)
        if field is None:
            continue
        if field == "pet":
            parts.append(noise_literal(pet, st, c.r))
            continue
        who, base = Ctx.split_key(field)
        if base in TYPE_OF or base in PERSON_LABEL_KEYS:
            parts.append(c.v(field, "user"))
        else:
            parts.append(c.x(field))
    return "".join(parts)


def coverage_ok(text, values, atoms):
    """Every atom occurrence must sit inside an occurrence of a listed value."""
    nt = norm(text)
    spans = []
    for v in values:  # exact, case/accent-sensitive: every written form must itself be listed
        for m in re.finditer(re.escape(v), text):
            spans.append((m.start(), m.end()))
    assert len(nt) == len(text)
    problems = []
    for kind, a in atoms:
        if not a:
            continue
        if kind == "word":
            pat = r"(?<!\w)" + re.escape(norm(a)) + r"(?!\w)"
        elif kind == "exact":
            pat = r"(?<![\w.@])" + re.escape(norm(a)) + r"(?![\w@]|\.\w)"
        else:  # digits / alnum, any separators
            chars = [ch for ch in norm(a) if ch.isalnum()]
            if len(chars) < 4:
                continue
            pat = r"(?<![0-9a-z])" + r"[\s.\-/]*".join(re.escape(ch) for ch in chars) + r"(?![0-9a-z])"
        for m in re.finditer(pat, nt):
            s, e = m.start(), m.end()
            if not any(ss <= s and e <= ee for ss, ee in spans):
                problems.append((a, text[max(0, s - 25):e + 25]))
    return problems


def validate_record(rec, atoms=None):
    text = rec["instruction"] + "\n" + rec["output"]
    seen = set()
    for v in rec["values"]:
        assert v["kind"] == KIND_OF_TYPE.get(v["type"], "structured"), v
        assert v["value"] in text, ("not verbatim", v["value"])
        key = (v["type"], v["value"])
        assert key not in seen, ("duplicate", v)
        seen.add(key)
    if rec["clean"]:
        assert rec["values"] == []
    else:
        assert rec["values"], rec["id"]
    if atoms is not None:
        probs = coverage_ok(text, [v["value"] for v in rec["values"]], atoms)
        return probs
    return []


def build_pii_record(g, split, body, out_t, country):
    r = g.r
    for attempt in range(300):
        age_b = (2008, 2020) if body["scen"] == "escuela" or "cursillo" in body["txt"] else (1945, 2003)
        if "mi padre" in body["txt"] or "mi madre" in body["txt"]:
            age_b = (1935, 1962)
        age_a = body.get("age_a", (1955, 2004) if body["scen"] != "escuela" else (1965, 1995))
        persons = {"a": make_person(g, country, age_a),
                   "b": make_person(g, country, age_b)}
        extras = make_extras(g, country, body)
        style = make_style(r)
        meta = dict(body)
        used = [f for f in fields_of(body["txt"]) if f != "pet"]
        if body.get("gen"):
            used = list(body["gen"]) + [f for f in used if f not in body["gen"]]
            style = {"level": style["level"], "fnac_style": "num", "typo_rate": style["typo_rate"],
                     "no_inv": style.get("no_inv"), "abbr": style.get("abbr"), "deacc": style.get("deacc"),
                     "lower": style.get("lower")}
        vals = OrderedDict()
        c = Ctx(g, country, persons, extras, meta, used, style, vals)
        func, pets, _ = out_t
        pet = r.choice(pets)
        instr = contract(render_instruction(c, body, pet))
        output = contract(func(c))
        if body.get("gen"):
            output = output + "\n\n(Datos inventados para pruebas: no corresponden a ninguna persona real.)"
        rec = {"instruction": instr, "output": output, "clean": False,
               "values": [{"kind": k, "type": t, "value": v} for (t, v), k in vals.items()]}
        # drop values that ended up not appearing (can't happen, but be strict) and validate
        text = instr + "\n" + output
        atoms = person_atoms(persons["a"]) + (person_atoms(persons["b"]) if any(k.startswith("b_") for k in used) else [])
        try:
            probs = validate_record(dict(rec, id="tmp"), atoms)
        except AssertionError as e:
            probs = [str(e)]
        # values of person b must only appear if b is used; coverage check handles it
        if not probs:
            rec["_attempts"] = attempt + 1
            rec["_body"] = body["txt"][:40]
            rec["_out"] = func.__name__
            return rec
    raise RuntimeError(f"could not build record for {body['txt'][:50]} / {out_t[0].__name__}: {probs[:3]}")


def pick_country(r, body):
    allowed = body.get("countries", ["ES", "MX", "AR", "CO", "CL"])
    w = {"ES": 0.42, "MX": 0.40, "AR": 0.06, "CO": 0.06, "CL": 0.06}
    xs = [c for c in allowed]
    return r.choices(xs, weights=[w[c] for c in xs])[0]


def build_split(split):
    g = Gen(SEEDS[split])
    r = g.r
    n_total, n_clean = N_RECORDS[split], N_CLEAN[split]
    n_pii = n_total - n_clean
    bodies = DEV_BODIES if split == "dev" else TEST_BODIES
    outs = DEV_OUTPUTS if split == "dev" else TEST_OUTPUTS
    order = []
    while len(order) < n_pii:
        chunk = list(range(len(bodies)))
        r.shuffle(chunk)
        order.extend(chunk)
    order = order[:n_pii]
    out_use = Counter()
    recs = []
    for bi in order:
        body = bodies[bi]
        compat = [o for o in outs if o[2] is None or body["scen"] in o[2]]
        if body.get("gen"):
            compat = [o for o in compat if o[0] not in (o_normaliza, o_check, p_privacidad)]
        if not any(f.startswith("b_") for f in fields_of(body["txt"])):
            compat = [o for o in compat if o[0] is not p_reunidos]
        m = min(out_use[o[0].__name__] for o in compat)
        cands = [o for o in compat if out_use[o[0].__name__] == m]
        o = r.choice(cands)
        out_use[o[0].__name__] += 1
        country = pick_country(r, body)
        rec = build_pii_record(g, split, body, o, country)
        rec["country"] = country
        recs.append(rec)
    for cat, country, q, a in build_clean(g, split, n_clean):
        recs.append({"instruction": q, "output": a, "clean": True, "values": [], "country": country,
                     "_body": "clean:" + cat, "_out": "clean"})
    r.shuffle(recs)
    final = []
    pref = "mimdev" if split == "dev" else "mimtest"
    for i, rec in enumerate(recs, 1):
        final.append(OrderedDict([
            ("id", f"{pref}-{i}"), ("split", split), ("country", rec["country"]),
            ("instruction", rec["instruction"]), ("output", rec["output"]), ("clean", rec["clean"]),
            ("values", rec["values"]),
        ]))
        final[-1]["_meta"] = (rec["_body"], rec["_out"], rec.get("_attempts", 0))
    return final


def report(split, recs):
    kinds, types, ctry, ctry_clean, tpl, outs = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    attempts = Counter()
    for rec in recs:
        ctry[rec["country"]] += 1
        if rec["clean"]:
            ctry_clean[rec["country"]] += 1
        b, o, a = rec["_meta"]
        tpl[b] += 1
        outs[o] += 1
        attempts[a] += 1
        for v in rec["values"]:
            kinds[v["kind"]] += 1
            types[v["type"]] += 1
    n_clean = sum(r["clean"] for r in recs)
    print(f"\n=== {split}: {len(recs)} records, {n_clean} clean ({100 * n_clean / len(recs):.0f}%), "
          f"{len(recs) - n_clean} with PII, {sum(kinds.values())} values")
    print("  values per kind :", dict(kinds.most_common()))
    print("  values per type :", dict(types.most_common()))
    print("  records per country:", dict(ctry.most_common()), " clean:", dict(ctry_clean.most_common()))
    vc = Counter()
    for rec in recs:
        for v in rec["values"]:
            vc[(rec["country"], v["type"])] += 1
    by_c = {}
    for (c, t), k in sorted(vc.items()):
        by_c.setdefault(c, {})[t] = k
    print("  values per country/type:")
    for c, d in by_c.items():
        print(f"    {c}: {d}")
    print(f"  instruction templates used: {sum(1 for k in tpl if not k.startswith('clean:'))}, "
          f"output templates used: {sum(1 for k in outs if k != 'clean')}")
    print("  clean categories:", {k[6:]: v for k, v in tpl.items() if k.startswith("clean:")})
    print("  generation attempts histogram:", dict(sorted(attempts.items())[:8]))


def main():
    # template disjointness dev/test
    assert not {b["txt"] for b in DEV_BODIES} & {b["txt"] for b in TEST_BODIES}
    assert not {o[0] for o in DEV_OUTPUTS} & {o[0] for o in TEST_OUTPUTS}
    assert len(DEV_BODIES) >= 25 and len(TEST_BODIES) >= 35, (len(DEV_BODIES), len(TEST_BODIES))
    assert len(DEV_OUTPUTS) >= 15 and len(TEST_OUTPUTS) >= 20, (len(DEV_OUTPUTS), len(TEST_OUTPUTS))
    assert not {f[0] for f in FIG_DEV} & {f[0] for f in FIG_TEST}
    assert not set(CLEAN_FIG_Q["dev"]) & set(CLEAN_FIG_Q["test"])
    print(f"templates: dev {len(DEV_BODIES)} instruction / {len(DEV_OUTPUTS)} output; "
          f"test {len(TEST_BODIES)} instruction / {len(TEST_OUTPUTS)} output")
    all_vals = {}
    for split in ("dev", "test"):
        recs = build_split(split)
        for rec in recs:
            validate_record(rec)
        assert len(recs) == N_RECORDS[split]
        assert len({r["id"] for r in recs}) == len(recs)
        report(split, recs)
        all_vals[split] = {v["value"] for r in recs for v in r["values"]}
        path = os.path.join(OUT_DIR, f"pii_mimesis_{split}.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            for rec in recs:
                rec = OrderedDict((k, v) for k, v in rec.items() if not k.startswith("_"))
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print(f"  wrote {path}")
    ov = all_vals["dev"] & all_vals["test"]
    print(f"\nvalue strings shared by dev and test: {len(ov)} {sorted(ov)[:10]}")


if __name__ == "__main__":
    main()
