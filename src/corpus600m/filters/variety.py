"""Variety fidelity without an LLM: which dialect areas a record's text supports, and whether it contradicts its own.

Two kinds of evidence, both read from the text:
- forms of address (grammar, strong): voseo (`vos`, `tenés`, `decime`, Chilean `podís`/`estái`), tuteo verb
  forms (`tú`, `tienes`, `dime`, `explícame`) and vosotros (`vosotros`, `tenéis`, `os`, `vuestro`, `id`/`venid`).
  They decide contradictions: vosotros outside castellana/andaluza, voseo in an area without it, tuteo in an area
  whose speakers use vos (rioplatense, paraguaya, centroamericana).
- regional words (lexicon, weak): `data/variety_lexicon.yaml`, which cites its source and licence. They only
  rank the areas the grammar allows; a word alone never makes a record inconsistent.

The verb forms are generated from a list of common verbs by the regular rules (present -ás/-és/-ís and
imperative -á/-é/-í for vos; -áis/-éis, -ad/-ed/-id for vosotros), with the frequent irregular forms listed.
Tú forms: the curated `_TUTEO` plus the present, imperative and enclitic imperative of ~2,200 verbs conjugated
by `tuteo.py` (bare imperatives, which equal the 3rd person, and presents that are also nouns are weak).
Forms the persons share (`vas`, `estás`, futures, conditionals) are not evidence and are left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from corpus600m import catalog
from corpus600m.filters.tuteo import tuteo_forms
from corpus600m.records import Record, VarietyCheck

VOSOTROS_AREAS = frozenset({"castellana", "andaluza"})
# areas where vos (pronoun and/or verb forms) is the usual informal address of one person
VOSEO_AREAS = frozenset({"rioplatense", "paraguaya", "centroamericana"})
# areas where voseo is found in part of the territory or in part of the verb system (Chile: verbal voseo)
PARTIAL_VOSEO_AREAS = frozenset({"chilena", "andina", "caribena"})
VOSEO_ALLOWED = VOSEO_AREAS | PARTIAL_VOSEO_AREAS

# (infinitive stem, conjugation) of regular-enough verbs: vos present = stem + ás/és/ís, imperative = stem + á/é/í
_AR = """habl ayud explic recomend necesit busc trabaj pag cocin prepar lleg cambi compr llam mir escuch pregunt
contest organiz ahorr gast viaj estudi practic us cuid lav limpi cort manej dej pas termin empez pens cont
prob record olvid mand envi intent acompañ calcul consult averigu revis guard mejor enseñ dibuj cant bail jug
arregl sac inscrib registr reserv alquil rent cobr deposit camin descans desayun cen almorz""".split()
_ER = """com aprend le pod quer sab hac pon deb entend conoc resolv vend corr respond escog recog ofrec agradec
parec mov ten""".split()
_IR = """viv escrib abr decid sub recib permit repart sal ven ped dec segu sent dorm prefer conseg eleg serv suger
divid compart exig cumpl""".split()
# -ís of -ir verbs is both vos (vos vivís) and vosotros (vosotros vivís): decided by the other forms in the text
IR_PRESENT = frozenset(stem + "ís" for stem in _IR)
# vos imperatives of -ir verbs (viví, salí, pedí) equal the 1st person preterite: only those that do not are evidence
_IR_IMPERATIVES = {"decí", "vení", "venite", "servite", "escribime", "pedime", "abrime", "seguime"}
# generated forms that are other words: the name Tomás, bebé (baby), creé (preterite), ...
_COLLISIONS = {"tomás", "bebé", "creé", "pasé", "pesé", "dé", "sé", "lé"}

_VOSEO_EXTRA = {"vos", "sos", "decime", "contame", "explicame", "ayudame", "mostrame", "fijate", "acordate",
                "andá", "andate", "vení", "recomendame", "pasame", "mandame", "avisame", "llamame", "escribime",
                "dame vos", "sabelo", "tenelo", "hacelo", "decile", "contale", "vos tenés", "a vos", "con vos",
                "para vos"}
# Chilean verbal voseo: -ái(s) for -ar verbs, -ís for -er verbs (written forms, with and without the s)
_CHILEAN = {"cachái", "cachai", "estái", "estai", "sabís", "tenís", "podís", "querís", "hacís", "creís", "erís",
            "hablái", "necesitái", "querí", "soi"}
_TUTEO = {"tú", "eres", "tienes", "puedes", "quieres", "sabes", "vienes", "dices", "haces", "pones", "sientes",
          "prefieres", "piensas", "vuelves", "duermes", "pides", "sigues", "consigues", "eliges", "entiendes",
          "recuerdas", "dime", "cuéntame", "explícame", "ayúdame", "muéstrame", "fíjate", "acuérdate",
          "recomiéndame", "pásame", "mándame", "avísame", "llámame", "escríbeme", "hazme", "ponme",
          "contigo", "ti", "ven", "haz", "mira", "escucha", "piensa", "imagina", "recuerda", "necesitas", "buscas",
          "trabajas", "vives", "estudias", "deseas"}
# not listed: present subjunctives (puedas, tengas, quieras): rioplatense voseo uses them too ("cuando vos puedas")
_VOSOTROS = {"vosotros", "vosotras", "os", "vuestro", "vuestra", "vuestros", "vuestras", "sois", "tenéis",
             "podéis", "queréis", "sabéis", "habéis", "estáis", "vais", "hacéis", "id", "venid", "mirad", "sed",
             "tened", "haced", "decid", "poned", "escuchad", "fijaos", "acordaos", "sentaos", "hayáis", "tengáis",
             "podáis", "queráis", "seáis", "vayáis", "estéis", "deberíais", "podríais", "tendríais", "seríais",
             "habláis", "necesitáis", "coméis", "debéis", "buscáis", "queríais"}
TOKEN = re.compile(r"[a-záéíóúüñ']+")
# also used with vos in many areas, or imperatives that equal a 3rd person: tuteo only next to a stronger form
_WEAK_TUTEO = {"ti", "contigo", "ven", "mira", "escucha", "piensa", "imagina", "recuerda", "haz"}
# the weak forms of tuteo.py (bare imperatives = 3rd persons, presents that are also nouns: casa, cuenta, para) are
# listed as markers only where an imperative stands, opening a clause ("Busca...", "1. Identifica..."): elsewhere
# they are most often the other word, and as weak forms they never decide anything alone
_NOT_IMPERATIVES = {"para", "nada", "cerca"}  # imperatives of parar, nadar, cercar: far more often the other word
_CLAUSE_OPENING = re.compile(r"(?:^|\n|[.:;!?]\s)[\s\-*•#>_\"«(¡¿]*(?:\d+[.)]\s*)?[\s*_¡¿\"«(]*([a-záéíóúüñ]+)")


def _voseo_forms() -> set[str]:
    forms = set(_VOSEO_EXTRA) | _IR_IMPERATIVES | IR_PRESENT
    for stem in _AR:
        forms.update({stem + "ás", stem + "á"})
    for stem in _ER:
        forms.update({stem + "és", stem + "é"})
    return forms - _COLLISIONS - _TUTEO


@lru_cache(maxsize=1)
def _grammar() -> dict[str, frozenset[str]]:
    voseo = _voseo_forms()
    verbs = tuteo_forms()
    tuteo = (_TUTEO | verbs.strong | verbs.weak) - voseo - _VOSOTROS - _CHILEAN - _NOT_IMPERATIVES
    return {"voseo": frozenset(voseo), "voseo_cl": frozenset(_CHILEAN), "tuteo": frozenset(tuteo),
            "weak_tuteo": frozenset(_WEAK_TUTEO | (verbs.weak - _TUTEO)),
            "verb_weak": frozenset(verbs.weak - _TUTEO), "vosotros": frozenset(_VOSOTROS)}


# common words listed under an area that also run through general Spanish: no evidence of anything
_GENERIC = {"padre", "feria", "sale", "aguas", "pues", "luego", "na", "re", "ta", "bo", "sol", "set", "china",
            "chinas", "chino", "caminar", "plátano", "yuca", "banano", "cacao", "finca", "euro", "euros", "metro",
            "pasta", "duro", "tapa", "porra", "fuerte", "mi niño", "tortilla", "tacos", "aldea", "municipio", "dólar",
            "dólares", "cheque", "aplicar", "aplicación", "email", "carpeta", "condado", "raza", "cancha", "sierra",
            "causa", "pata", "taco", "filete", "harto", "micro", "micros", "mango", "mangos", "grasa", "bola", "bolo",
            "casado", "colonia", "máquina", "bodega", "guapo", "once", "fonda", "completo", "choro", "cocido",
            "campiña", "conducir", "chaqueta", "autobús", "resaca", "movida", "cordobés", "papa", "papas", "mina",
            "plata", "cédula", "pesos", "tango", "coger", "instituto", "seguridad social", "seguro social", "vale",
            "mole", "sat", "ine", "ruc", "dni", "eps", "ips", "arca", "ose", "ute", "api", "cuc", "cfa", "vai",
            "celular", "tamarindo", "cantón", "canton", "tinto", "vaina", "chicha", "sancocho", "cuenta", "hacienda"}


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """Regional words per variety from `data/variety_lexicon.yaml`, lower-case, generic words left out."""
    text = resources.files("corpus600m.filters").joinpath("data/variety_lexicon.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    unknown = sorted(set(data) - set(catalog.VARIETIES))
    if unknown:
        raise ValueError(f"variety_lexicon.yaml: unknown variety ids {unknown}")
    return {variety: frozenset(w.lower() for w in words if w.lower() not in _GENERIC)
            for variety, words in data.items()}


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """Every form of address the check looks for, and the first words of the two-word terms (forms and regional
    words): a two-word phrase of a text that starts otherwise cannot be found, so it is not even built."""
    grammar = _grammar()
    forms = grammar["voseo"] | grammar["voseo_cl"] | grammar["tuteo"] | grammar["vosotros"]
    firsts = {term.split(" ", 1)[0] for words in (forms, *lexicon().values()) for term in words if " " in term}
    return frozenset(forms), frozenset(firsts)


@lru_cache(maxsize=1)
def _regional_words() -> frozenset[str]:
    return frozenset().union(*lexicon().values())


def _terms(text: str) -> tuple[list[str], set[str]]:
    """The text's words (lower-case, NFC) and its words plus the two-word phrases that may be a term."""
    lowered = unicodedata.normalize("NFC", text).lower()
    words = TOKEN.findall(lowered)
    firsts = _vocabulary()[1]
    return words, set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a in firsts}


@dataclass(frozen=True)
class AddressForms:
    voseo: list[str]
    tuteo: list[str]
    vosotros: list[str]


def address_forms(text: str, terms: tuple[list[str], set[str]] | None = None) -> AddressForms:
    """The voseo, tuteo and vosotros forms in `text` (each form once, in order of first use); `terms`: its
    `_terms`, when already at hand."""
    words, all_terms = terms or _terms(text)
    grammar = _grammar()
    present = all_terms & _vocabulary()[0]
    if not present:  # most texts: no form of address at all
        return AddressForms([], [], [])
    opening = (set(_CLAUSE_OPENING.findall(unicodedata.normalize("NFC", text).lower()))
               if present & grammar["verb_weak"] else set())
    found: dict[str, list[str]] = {"voseo": [], "tuteo": [], "vosotros": []}
    seen: set[str] = set()
    single = set(words)
    for term in [*(w for w in words if w in present), *sorted(present - single)]:
        if term in seen:
            continue
        seen.add(term)
        if term in grammar["vosotros"]:
            found["vosotros"].append(term)
        elif term in grammar["voseo"] or term in grammar["voseo_cl"]:
            found["voseo"].append(term)
        elif term in grammar["tuteo"] and (term not in grammar["verb_weak"] or term in opening):
            found["tuteo"].append(term)
    # "os" alone is weak (Portuguese/Galician leftovers, typos of "los"): it needs another vosotros form
    if found["vosotros"] == ["os"]:
        found["vosotros"] = []
    if found["vosotros"]:
        found["vosotros"] += [t for t in found["voseo"] if t in IR_PRESENT]
        found["voseo"] = [t for t in found["voseo"] if t not in IR_PRESENT]
    if found["tuteo"] and all(t in grammar["weak_tuteo"] for t in found["tuteo"]):
        found["tuteo"] = []
    return AddressForms(found["voseo"], found["tuteo"], found["vosotros"])


def lexicon_hits(text: str, terms: tuple[list[str], set[str]] | None = None) -> dict[str, list[str]]:
    """Regional words of each variety found in `text` (`terms`: its `_terms`, when already at hand)."""
    _, terms = terms or _terms(text)
    found = terms & _regional_words()
    if not found:
        return {}
    hits = {variety: sorted(found & words) for variety, words in lexicon().items()}
    return {variety: words for variety, words in hits.items() if words}


def allowed_varieties(forms: AddressForms) -> set[str]:
    """Varieties whose speakers use every form of address found."""
    allowed = set(catalog.VARIETIES)
    if forms.vosotros:
        allowed &= VOSOTROS_AREAS
    if forms.voseo:
        allowed &= VOSEO_ALLOWED
    if forms.tuteo:
        allowed -= {"rioplatense", "paraguaya", "centroamericana"}
    return allowed


def check_variety(text: str, claimed: str | None) -> VarietyCheck:
    """Which varieties `text` supports, the markers found, and whether it fits `claimed` (see module docstring)."""
    terms = _terms(text)
    forms = address_forms(text, terms)
    hits = lexicon_hits(text, terms)
    markers = ([f"voseo:{t}" for t in forms.voseo] + [f"tuteo:{t}" for t in forms.tuteo]
               + [f"vosotros:{t}" for t in forms.vosotros]
               + [f"lexicon:{v}:{w}" for v, words in sorted(hits.items()) for w in words])
    grammar_found = bool(forms.voseo or forms.tuteo or forms.vosotros)
    allowed = allowed_varieties(forms)
    scores = Counter({v: len(words) for v, words in hits.items() if v in allowed})
    if scores:
        best = max(scores.values())
        supported = sorted(v for v, n in scores.items() if n == best)
    elif grammar_found and len(allowed) < len(catalog.VARIETIES):
        supported = sorted(allowed)
    else:
        supported = []
    consistent = claimed is None or claimed in allowed
    return VarietyCheck(supported=supported, markers=markers, consistent=consistent)


def record_text(record: Record) -> str:
    """The text a record's variety is judged on: instruction, context and answer."""
    return "\n".join(t for t in (record.instruction, record.input, record.output) if t)


def variety_issue(check: VarietyCheck, claimed: str | None) -> tuple[str, str] | None:
    """`("quality:variety_mismatch", detail)` when the text contradicts its claimed variety."""
    if check.consistent or not claimed:
        return None
    address = [m for m in check.markers if not m.startswith("lexicon:")]
    return ("quality:variety_mismatch",
            f"claims {claimed} but uses {', '.join(address[:6])}; the forms of address fit: "
            f"{', '.join(sorted(allowed_varieties(_forms_from(address)))) or 'no single variety'}")


def _forms_from(markers: list[str]) -> AddressForms:
    kinds: dict[str, list[str]] = {"voseo": [], "tuteo": [], "vosotros": []}
    for marker in markers:
        kind, _, form = marker.partition(":")
        kinds[kind].append(form)
    return AddressForms(kinds["voseo"], kinds["tuteo"], kinds["vosotros"])


def uses_voseo_or_no_second_person(check: VarietyCheck) -> bool:
    """True when the text addresses someone with vos, or addresses no one in the second person (issue 13's target)."""
    kinds = {m.split(":", 1)[0] for m in check.markers}
    return "voseo" in kinds or not ({"tuteo", "vosotros"} & kinds)



def fits_variety(text: str, claimed: str) -> bool:
    """Whether the forms of address in `text` fit `claimed`: the grammar part of `check_variety` (the part that
    decides `quality:variety_mismatch`), without the lexicon. Generation uses it to ask again for a text that
    does not fit (the flow hands it over: stages do not import each other)."""
    return claimed in allowed_varieties(address_forms(text))
