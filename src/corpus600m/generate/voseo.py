"""Tuteo -> voseo, by rule: the last resort for a generated text in a voseo variety that kept tuteo after its retries.

The default 0.5B model answers with tuteo (`puedes`, `tienes`, `dime`) even when told to use vos, so
`CORPUS600M_GENERATE_VARIETY_ADAPT` (on by default) rewrites the forms of address it can identify without doubt,
and the record says so (`origin.variety_adapted`). Rioplatense/Central American written voseo:

- pronouns: tú -> vos, ti -> vos, contigo -> con vos (tu, te, tuyo stay: voseo uses them);
- present indicative, from the infinitive, never with the diphthong: puedes -> podés, tienes -> tenés,
  vives -> vivís, eres -> sos (estás, vas, das, ves, has are the same in both);
- affirmative imperative, from the infinitive with the stress on the last vowel: cuenta -> contá, di -> decí,
  haz -> hacé, ven -> vení, ten -> tené, pon -> poné, mantén -> mantené; with one enclitic the written accent
  goes (cuéntame -> contame, fíjate -> fijate, dime -> decime), with two it stays (dímelo -> decímelo);
  vete -> andate. Subjunctives (puedas), futures (podrás) and preterites (pudiste) are left as they are.

What it does not touch, on purpose: a form that is also a common noun or adjective (cuentas, compras, cortas,
sales...) unless a pronoun or particle before it makes it a verb (si compras, te cuentas); a bare imperative
that equals the 3rd person (revisa, usa, busca) unless it opens a clause (line start, list item, after . : ! ?);
di, haz, pon, ven only there too (di/ven are also preterite/ver); sal and ve never (salt, ve = ver).
Verbs outside the table below are left alone: a text can keep tuteo this misses, and then it still does not fit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

_DEACCENT = str.maketrans("áéíóú", "aeiou")
_ACCENT = str.maketrans("aeiou", "áéíóú")

# regular verbs by infinitive stem (forms from the rules above)
_AR = """acept acompañ actualiz agend ahorr alquil anot apag aprovech arregl ayud baj bail busc calcul cambi camin cant
carg cocin compar complet compr comunic confirm consult contact contrat control cuid charl deposit desayun descans
descarg dibuj disfrut divid escuch esper estudi evit explic firm gan gast guard habl imagin indic inform intent invit
lav llam lleg llev mand manej marc mir modific necesit negoci olvid organiz pag pas pregunt prepar present
presion prob program public quit registr reserv respet revis sac separ solicit tom trabaj termin toc us valor verific
viaj visit investig planific seleccion agreg practic identific determin cre aloj""".split()
_ER = """aprend beb com comprend cre corr deb escog le met ofrec parec pretend proteg recog respond sab tem vend
conoc establec""".split()
_IR = """abr asist compart cumpl decid describ escrib exig imprim inscrib permit recib repart sub sufr viv añad
defin""".split()
# stem-changing verbs: infinitive -> the tú stem (puedes, piensa); voseo takes the infinitive's stem
_STEM_CHANGE = {
    "poder": "pued", "querer": "quier", "pensar": "piens", "entender": "entiend", "volver": "vuelv",
    "devolver": "devuelv", "resolver": "resuelv", "mover": "muev", "perder": "pierd", "encender": "enciend",
    "recordar": "recuerd", "contar": "cuent", "encontrar": "encuentr", "mostrar": "muestr", "probar": "prueb",
    "comprobar": "comprueb", "almorzar": "almuerz", "empezar": "empiez", "comenzar": "comienz", "cerrar": "cierr",
    "recomendar": "recomiend", "despertar": "despiert", "jugar": "jueg", "soñar": "sueñ", "acostar": "acuest",
    "sentar": "sient", "calentar": "calient", "sentir": "sient", "preferir": "prefier", "sugerir": "sugier",
    "invertir": "inviert", "convertir": "conviert", "divertir": "diviert", "dormir": "duerm", "pedir": "pid",
    "seguir": "sigu", "conseguir": "consigu", "elegir": "elig", "servir": "sirv", "repetir": "repit", "medir": "mid",
    "vestir": "vist", "acordar": "acuerd", "tener": "tien", "venir": "vien", "decir": "dic", "obtener": "obtien",
    "mantener": "mantien", "contener": "contien", "asegurar": "asegur", "hacer": "hac", "poner": "pon",
    "proponer": "propon", "suponer": "supon", "disponer": "dispon", "componer": "compon", "salir": "sal",
    "relajar": "relaj", "preocupar": "preocup", "enviar": "enví", "confiar": "confí", "continuar": "continú",
    "actuar": "actú", "evaluar": "evalú", "reunir": "reún", "fijar": "fij", "quedar": "qued", "tranquilizar": "tranquiliz",
}
# tú imperatives that are not the tú stem + a/e
_IRREGULAR_IMPERATIVE = {"decir": "di", "hacer": "haz", "poner": "pon", "tener": "ten", "venir": "ven",
                         "salir": "sal", "mantener": "mantén", "obtener": "obtén", "contener": "contén",
                         "proponer": "propón", "suponer": "supón", "disponer": "dispón", "componer": "compón"}
# tú present forms that are also frequent nouns/adjectives: a verb only after a pronoun or particle
_HOMOGRAPHS = {"compras", "ayudas", "consultas", "reservas", "cuentas", "pruebas", "cocinas", "visitas", "notas",
               "marcas", "cargas", "llamas", "pasas", "pagas", "sales", "guardas", "cortas", "firmas", "dudas",
               "cenas", "copias", "quejas", "bajas", "esperas", "ganas", "cambias", "tomas", "mandas", "presentas",
               "separas", "valoras", "controlas", "lavas", "respetas", "invitas", "viajas", "cantas", "indicas",
               "programas", "preguntas", "miras", "agendas", "charlas", "completas", "descargas", "muestras", "fijas"}
_VERB_CONTEXT = {"tú", "te", "no", "si", "ya", "también", "nunca", "siempre", "que", "cuando", "me", "nos", "lo",
                 "le", "les", "se", "vos", "solo", "sólo", "mientras"}
# bare tú imperatives changed where a clause opens: advice verbs that rarely open a clause as a 3rd person with its
# subject left out ("Puede tardar", "Toma tiempo", "Lleva días", "Cuenta con", "Abre a las 9" are left alone)
_BARE_IMPERATIVES = set("""revisa busca usa evita consulta pregunta llama lee escribe elige compara guarda anota prueba
intenta recuerda piensa mira escucha imagina habla pide visita aprovecha organiza prepara bebe come duerme descansa
camina practica ahorra paga verifica confirma contacta cuida lava apaga solicita registra reserva descarga completa
investiga planifica selecciona agrega añade explica envía respeta evalúa calcula identifica determina crea conoce di
haz pon ven""".split())
_CLITICS = ("melo", "mela", "melos", "melas", "telo", "tela", "telos", "telas", "selo", "sela", "selos", "selas",
            "noslo", "nosla", "noslos", "noslas", "me", "te", "se", "nos", "lo", "la", "los", "las", "le", "les")
_TWO_CLITICS = {c for c in _CLITICS if len(c) > 3 and c not in ("nos", "los", "las", "les")}
WORD = re.compile(r"[^\W\d_]+")
# a clause opens at the start of the text or a line (after list marks, emphasis, ¡ ¿) or after . : ; ! ?
_CLAUSE_START = re.compile(r"(?:^|\n|[.:;!?]\s+)[\s\-*•#>]*(?:\d+[.)]\s*)?[\s*_¡¿\"«(]*$")


def _conjugations() -> tuple[dict[str, str], dict[str, str]]:
    """(tú present 2sg -> vos present), (tú imperative -> vos imperative) for every verb of the table."""
    present: dict[str, str] = {}
    imperative: dict[str, str] = {}
    verbs = ({stem + "ar": stem for stem in _AR} | {stem + "er": stem for stem in _ER}
             | {stem + "ir": stem for stem in _IR})
    for infinitive, tu_stem in _STEM_CHANGE.items():
        verbs[infinitive] = tu_stem
    for infinitive, tu_stem in verbs.items():
        stem, ending = infinitive[:-2], infinitive[-2:]
        tu_vowel = "a" if ending == "ar" else "e"
        vos_present = stem + {"ar": "ás", "er": "és", "ir": "ís"}[ending]
        vos_imperative = stem + {"ar": "á", "er": "é", "ir": "í"}[ending]
        present[tu_stem + tu_vowel + "s"] = vos_present
        imperative[_IRREGULAR_IMPERATIVE.get(infinitive, tu_stem + tu_vowel)] = vos_imperative
    present["eres"] = "sos"
    return present, imperative


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    present, imperative = _conjugations()
    # an imperative with enclitics is matched without its written accent (cuéntame -> cuenta + me)
    plain = {form.translate(_DEACCENT): form for form in imperative}
    return present, imperative, plain


def _with_case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    return new[0].upper() + new[1:] if old[0].isupper() else new


def _enclitic(word: str) -> str | None:
    """The vos form of a tú imperative with enclitics (cuéntame -> contame, dímelo -> decímelo), or None."""
    _, imperative, plain = _tables()
    if word == "vete":
        return "andate"
    for clitic in sorted(_CLITICS, key=len, reverse=True):
        if not word.endswith(clitic) or len(word) <= len(clitic):
            continue
        base = word[: -len(clitic)]
        tu = plain.get(base.translate(_DEACCENT))
        if tu is None or tu in ("sal", "ve"):
            continue
        bare_base = base.translate(_DEACCENT)
        # a polysyllabic tú imperative carries a written accent before a clitic (cuéntame): without one, the
        # word is something else (tomate, parte, cocinero...); monosyllables need none (dime, hazlo, ponte)
        syllables = len(re.findall(r"[aeiouáéíóú]+", bare_base))
        if syllables > 1 and base == bare_base:
            continue
        vos = imperative[tu].translate(_DEACCENT)
        if clitic in _TWO_CLITICS:
            vos = vos[:-1] + vos[-1].translate(_ACCENT)
        return vos + clitic
    return None


def adapt_to_voseo(text: str) -> tuple[str, int]:
    """`text` with its tuteo rewritten as voseo where the form is certain (see module docstring), and the number
    of words changed."""
    present, imperative, _ = _tables()
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    last = 0
    changed = 0
    previous = ""
    for match in WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        new: str | None = None
        if len(word) > 1 and word.isupper():
            pass  # an acronym (TI) or shouting: left alone
        elif lower in ("tú", "ti"):
            new = "vos"
        elif lower == "contigo":
            new = "con vos"
        elif lower in present and (lower not in _HOMOGRAPHS or previous in _VERB_CONTEXT):
            new = present[lower]
        elif lower in imperative and (lower == "ten" or lower.endswith(("én", "ón"))):
            new = imperative[lower]  # ten, mantén, obtén, propón: imperatives only
        elif lower in _BARE_IMPERATIVES and _CLAUSE_START.search(text[: match.start()]):
            new = imperative[lower]
        else:
            new = _enclitic(lower)
        if new is not None and new != lower:
            out.append(text[last:match.start()])
            out.append(_with_case(new, word))
            last = match.end()
            changed += 1
        previous = lower
    out.append(text[last:])
    return "".join(out), changed


def adapt_if_unfit(text: str, variety: str, fits: Callable[[str, str], bool]) -> tuple[str, bool]:
    """What the answer step does with an answer still unfit for `variety` after its attempts: `(voseo text, True)`
    when the rewrite makes it fit (`fits`, the filter stage's check), else `(text, False)` unchanged."""
    if fits(text, variety):
        return text, False
    adapted, changed = adapt_to_voseo(text)
    if changed and fits(adapted, variety):
        return adapted, True
    return text, False
