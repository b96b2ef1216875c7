"""Lexical and orthographic cues of Spanish, of its close neighbours (gl, pt, ca, ast, it, lad, an, oc, pap) and of
the languages in contact with it (`language_contact.py`), counted per text (`count_cues`) or for a whole batch
(`count_cues_batch`); `language.py` weighs them against fastText."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from corpus600m.filters.language_contact import (
    CONTACT_LANGS,
    SHARED_WITH_SPANISH,
    contact_word_cues,
    word_set,
)
from corpus600m.filters.language_text import rust_class

# Languages that fastText mixes up with Spanish, and the ones our cues can tell apart.
CLOSE_LANGS = ("gl", "pt", "ca", "ast", "it", "lad", "an", "oc", "mwl", "ext", "pap")

# ---- lexical cues -----------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:[·'’][^\W\d_]+)*")


# Function words and very frequent forms that are NOT Spanish words (or are very rare in Spanish).
_CUE_WORDS: dict[str, frozenset[str]] = {
    "gl": word_set(
        "unha unhas algunha ningunha dunha nunha coa coas polo pola polos polas xa moi tamén máis moito moita",
        "moitos moitas cando onde agora ao aos non hai teño tes ten temos xente xeito xogo xeral traballo",
        "cidade muller home nosa noso vosa voso deles delas dela del dende sen cun cunha e/ou isto iso",
        "aquilo eu vós eles elas lle lles galego galega galiza fixo facer fai podes pode ademais mellor",
        "sempre nada nin tampouco despois antes aquí alí entón porén sobre tódolos todas todos outra outro",
        "outras outros estes estas nese nesa neste nesta niso nisto vez veces cousa cousas é hoxe onte mañá aínda",
        "axiña mentres cando cal cales quen ningures tódalas sexa estivo estiven estivemos houbo ningún grazas",
        "pouco pouca poucos poucas moitísimo dúas neno nena nenos nenas deixar deixou atopar atopo coñecer teño",
        "vou imos ben verdade curto curta inverno longo longa pequeno pequena lingua pois xunto",
    ),
    "pt": word_set(
        "não uma umas um uns você vocês são muito muita muitos muitas também mais com pelos pelas é ontem hoje",
        "amanhã vou pois ótimo nenhum nenhuma algum alguma até após só ficar ficou lá curto inverno livro livros",
        "em isso isto ele ela eles elas fazer tem têm há seu sua seus suas nós nosso nossa então porque",
        "quando onde agora ainda já bem sim obrigado obrigada cidade coisa coisas mulher homem trabalho",
        "português brasileiro brasil portugal dias ao aos às num numa neste nesta nesse nessa",
        "aquele aquela foi estão está será você pode podem fazer feito melhor sempre depois antes aqui",
    ),
    "ca": word_set(
        "els amb per però és més això aquest aquesta aquests aquestes molt molta molts moltes també perquè",
        "jo nosaltres vosaltres seva seu seus seves hi havia som sou són fer fa poden pot cap quan on",
        "avui ahir demà feina noi noia gairebé ningú res mica gaire meva meu teu teva nostre vostre quina quin",
        "quins hem heu vaig vam allò veritat qui sigut fet diu i escriu",
        "ara encara sempre després abans aquí allà gent ciutat dona home treball català catalana catalunya",
        "tothom esteu estàs estic teniu tenim voleu vull bon valencià mallorquí una uns unes amb del dels al als pel pels sense sobre entre fins tot tots",
        "totes altre altra altres bé sí gràcies dies cosa coses nosaltres mateix mateixa doncs",
    ),
    "ast": word_set(
        "ye yes nun nel na nos pa pola pol dalgún dalguna dalgunos ensin tamién muncho muncha munchos",
        "munches fíu fía llingua asturianu asturiana asturies xente cuando cómo ónde agora güei equí ellí",
        "facer fai fixo tien pue puen sicasí dempués depués enantes toos toes coses cases güela güelu güelos",
        "mio mios yera yeren yeres meyor tol tola toles nuna nuns hai tán neñu neña neños neñes trabaya",
        "trabayar nengún nenguna unes poques otres asina llista gracies pal mui to",
        "homes muyeres muyer home llibru pueblu tiempu mundu cielu fueu trabayu rapaz rapaza dicir diz",
        "díi ensin col colos coles les esti selmana dir pidir escribi camín conceyu dellos delles",
    ),
    "it": word_set(
        "il gli della delle dello degli che non sono è per anche molto molta questo questa questi queste",
        "perché quando dove ora adesso ancora sempre dopo qui così cosa cose uomo donna lavoro città",
        "italiano italiana italia fare fatto essere stato stata hanno abbiamo siamo siete una nel nella",
        "nei negli sul sulla alla alle dal con tra fra ma più grazie buongiorno ciao giorno giorni oggi ieri",
        "domani bene troppo nessuno niente però poi già ogni dei ho lingua",
        "di io tu lui lei noi voi loro",
    ),
    "lad": word_set(
        "ke kon kaza komo kuando ande aki ayi avlar avla avlamos djudeo djudezmo djudio djudios mozotros",
        "vozotros mosotros vosotros ansina agora grasias kerido kerida ermozo ermoza ijo ija ijos ijas",
        "muestros kualo kuale kada kaji sinyor sinyora dainda dinguno mos oy avlan sovre kale afilu ken",
        "mijor ermano ermana muncho muncha munchos munchas dizia save bivir bive ospital paiz paizes lingua livro",
        "keremos kiero kieres djente lingua ladino sefaradi sefardi sefarad dizir dize dishe",
        "kon i",
    ),
    "oc": word_set(
        "dins lenga lengas occitan occitana gascon aranés amb aquò aquel aquela aqueste aquesta aquestes pas òc",
        "mai plan fòrça totjorn uèi ièr deman sens coma quand quin quina cossí sabi vòli pòdi pòt èra èran",
        "èsser èstre mercés adieu trabalh nòstra nòstre vòstra vòstre dempuèi après ai avèm avètz sèm sètz",
        "tanben enfant enfants ostal degun encara gaireben miègjorn parlada parlat escriu mieu mieus mieuna ton",
    ),
    "an": word_set(
        "ye yera yeran o os a as ta dende y asinas tamién nomás un una uns unas isto ixo ixe ixa",
        "aragonés aragonesa aragón chent luenga fillo filla muito muita pero cosa cosas dica bi dengún denguna",
        "chermano chermana treballo treballa maitín heba minchar plueve tiengo polido polida polidos polidas",
        "bel bella bels bellas iste ista istos istas tot",
        "d'o d'a d'os d'as t'o t'a t'os t'as d’o d’a d’os d’as",
    ),
    # Papiamento (Aruba, Curaçao, Bonaire): a creole whose vocabulary is mostly Spanish/Portuguese, told apart by
    # its function words and verbs (grammars: Kouwenberg & Murray, "Papiamentu", 1994)
    "pap": word_set(
        "tur riba hende mester door aki tin nan cu ku den awor kiko kende unda kua tambe bai bini tabata dilanti",
        "famia bida boso nos'e esaki esei hopi ainda kasi tabatin sa sali kier kome bebe danki ayera mañan",
    ),
}

# Forms that are Spanish and not (or rarely) words of the close languages: evidence FOR Spanish.
_SPANISH_WORDS = word_set(
    "el los del y muy también hay usted ustedes está están estaba estaban pero qué cómo cuándo dónde",
    "porque cuando donde hasta desde mucho mucha muchos muchas hacer hace hizo puede pueden gente ciudad",
    "ellos ellas él ser han sus eso esto ese esa esos esas este esta estos estas mujer hombre trabajo",
    "niño niña año años mañana señor señora español española ahora aquí entonces después antes siempre",
    "tiene tienen tengo tenemos vez veces cosa cosas nuestro nuestra nuestros nuestras vosotros sino",
    "le les lo se me te nos ya sí no fue era eran sido siendo tan cual cuales quien quienes algo nada",
    "ningún ninguna alguien alguno alguna otro otra otros otras todo toda todos todas mismo misma con",
    "para por sobre entre sin según durante mediante hacia contra tras ante bajo como más menos bien",
    "a o u e de en la las al es un una unos unas nomás pa tu su mi sus mis espíritu tribu ímpetu",
    "ni hoy pues aunque nosotros nosotras mejor ha hemos habéis había habían estoy soy eres somos",
    "nadie podrá podrán será",
    # written accents Spanish puts on a penultimate a / e / o of a vowel-final word (Guaraní writes them everywhere)
    "sólo cuánto cuánta cuántos cuántas éste ésta ése ésa aquélla éstos éstas ésos ésas",
)
# Spanish-evidence words that are also everyday words of a close language: they do not tell Spanish from that
# language (Asturian, Ladino and Aragonese share most Spanish function words), so the Spanish evidence weighed
# against language L leaves them out (`CueCounts.spanish_vs`).
_SHARED_WITH: dict[str, frozenset[str]] = {
    "ast": word_set(
        "el los la las y a o u e de en del al un una unos unas con que porque si se me te nos lo le les pa por",
        "para sin sobre entre como cómo más menos bien nada todo toda todos todas otro otra otros otras ya sí no",
        "tan algo cual cuales quien quienes qué cuándo cuando hasta desde antes siempre vez veces cosa contra",
        "tras ante durante según mi tu su nomás ser han ha ni pues eso esto esta estos esa ese esos mañana señor",
        "tengo tenemos sino hacia ellos él nosotros nosotras nadie podrá podrán será",
    ),
    "lad": word_set(
        "el los la las a o e de en del al un una unos unas si se me te lo le les por para sin entre bien nada",
        "todo toda todos todas otro otra otros otras ya no tan algo alguno alguna mi tu su sus mis es son era",
        "eran fue ser este esta estos estas ese esa esos esas eso esto ellos ellas antes ni ante siempre vez muy",
        "tiene tienen tengo puede pueden han nadie",
    ),
    "an": word_set(
        "a o e y de en un una unas si se me te nos lo le les por para sin entre como bien nada ya no tan mi tu",
        "su ni que pero cosa cosas con ha",
    ),
    "gl": word_set(
        "a o e de en un que se me te nos con por para sobre entre como nada todo todos todas toda tan algo no",
        "sí ser era eran es contra tras ante durante vez veces antes tu el señor pero desde será",
    ),
    "oc": word_set("la las los lo a e o de en que se me te nos es son era un una sus tan entre contra al del ni tu si"),
    "pt": word_set(
        "a o e de que se me te nos por para sobre entre como nada todo todos todas toda algo no ser era contra",
        "ante durante vez antes tu desde este esta será",
    ),
    "ca": word_set("el la les a e o de en que si se me te nos es un una del al sobre entre contra tan tu no sí era ni",
                 "ser cosa"),
    "it": word_set("la le a e o con se me te lo mi tu su un una al del era no si"),
    "pap": word_set("a o e y de en un una si se me te no ni su sus sin contra por para entre ser mes lo na como",
                  "ningun ningún nada tambien también pero cada cos otro otra"),
    **SHARED_WITH_SPANISH,
}
# Which of them weigh against the close-language evidence that overrules a Spanish call: not Catalan, Portuguese
# and Italian, which fastText tells well and whose places and people Spanish texts often name (Barça, São Paulo,
# Sant Feliu): there all Spanish evidence counts. (Rescuing Spanish from a close-language call always uses
# the evidence that language does not share.)
SHARED_AGAINST_CLOSE = frozenset(("ast", "lad", "an", "gl", "oc", "pap"))
# Words both in Spanish and in a close language must not count as evidence for the close language.
_CUE_WORDS = {lang: vocab - _SPANISH_WORDS for lang, vocab in _CUE_WORDS.items()}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _vocab in _CUE_WORDS.items():
    for _word in _vocab:
        _WORD_LANGS[_word] = (*_WORD_LANGS.get(_word, ()), _lang)

_SHARED_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _vocab in _SHARED_WITH.items():
    for _word in _vocab:
        _SHARED_LANGS[_word] = (*_SHARED_LANGS.get(_word, ()), _lang)
# "-ción" is also Galician, Asturian and Aragonese spelling, and the ending of the Spanish loanwords of the contact
# languages (Declaraciónpe, situación); ñ ¿ ¡ are also Asturian, Galician and Aragonese, and ñ is Guaraní, Quechua,
# Aymara and Mapudungun spelling
_CION_SHARED = ("gl", "ast", "an", *CONTACT_LANGS)
_MARKS_SHARED = ("ast", "gl", "an", "gn", "qu", "ay", "arn")
# vocabulary words that are weaker evidence than a full hit (a homograph of a frequent word of another language)
_CUE_WEIGHTS = {("it", "che"): 0.5, ("it", "di"): 0.5, ("ast", "pal"): 0.5, ("an", "os"): 0.5, ("lad", "ande"): 0.5, ("ast", "to"): 0.5}

_SPANISH_U_WORDS = frozenset("espíritu tribu ímpetu menu champu".split())
_SPANISH_IES = frozenset("series especies superficies caries intemperies planicies calvicies efigies".split())
_VOWELS = "aeiouáéíóúàèòï"
_ACUTE = frozenset("áéíóú")


@lru_cache(maxsize=200_000)
def _word_cues(word: str) -> tuple[tuple[str, float], ...]:
    """Orthographic cues of one lowercased word: (language, weight) pairs; 'es' counts for Spanish.

    The pseudo-language "~L" marks Spanish evidence that language L shares (see `_SHARED_WITH`).
    """
    cues: list[tuple[str, float]] = []
    for lang in _WORD_LANGS.get(word, ()):
        cues.append((lang, _CUE_WEIGHTS.get((lang, word), 1.0)))
    if word in _SPANISH_WORDS:
        cues.append(("es", 1.0))
        for lang in _SHARED_LANGS.get(word, ()):
            cues.append(("~" + lang, 1.0))
    else:
        cues.extend(contact_word_cues(word))
    if word.endswith(("ción", "ciones")):
        cues.append(("es", 0.5))
        for lang in _CION_SHARED:
            cues.append(("~" + lang, 0.5))
    if word.endswith(("ão", "ões", "ães")) and "pt" not in _WORD_LANGS.get(word, ()):  # são: one hit, not two
        cues.append(("pt", 1.5))
    # lh / nh before a vowel (not Spanish al-h, in-h, en-h, an-h, des-h: alhaja, inhumano, enhorabuena, anhelo)
    if not word.startswith(("alh", "inh", "enh", "anh", "desh")):
        if any(word[k:k + 2] == "lh" and k + 2 < len(word) and word[k + 2] in _VOWELS for k in range(1, len(word) - 2)):
            cues.append(("pt", 1.0))
            cues.append(("oc", 0.5))
        if any(word[k:k + 2] == "nh" and k + 2 < len(word) and word[k + 2] in _VOWELS for k in range(1, len(word) - 2)):
            cues.append(("pt", 1.0))
            cues.append(("oc", 0.5))
    # grave accents are never Spanish; ì ù only Italian, ò è à Catalan / Occitan / Italian, "à" alone Portuguese
    if "ì" in word or "ù" in word:
        cues.append(("it", 1.0))
    if word == "è":
        cues.append(("it", 1.0))
    elif "è" in word or "ò" in word:
        cues.append(("ca", 0.5))
        cues.append(("oc", 0.5))
    if word in ("à", "às"):
        cues.append(("pt", 1.0))
    elif word.endswith("à"):
        cues.append(("it", 0.5))
        cues.append(("ca", 0.5))
    if "ç" in word and not ("çã" in word or "çõ" in word):
        cues.append(("ca", 0.5))
        cues.append(("pt", 0.5))
        cues.append(("oc", 0.5))
    if "ï" in word or "qü" in word:
        cues.append(("ca", 1.0))
    # Catalan / Occitan -tat (Spanish -dad: veritat, ciutat), Occitan 2nd plural -atz / -ètz / -itz
    if len(word) >= 5 and word.endswith("tat") and not _ACUTE.intersection(word):
        cues.append(("ca", 0.7))
        cues.append(("oc", 0.7))
    if len(word) >= 4 and word.endswith(("atz", "ètz", "etz", "itz")):
        cues.append(("oc", 1.0))
    if "çã" in word or "çõ" in word:
        cues.append(("pt", 1.0))
    if word.startswith("x") and len(word) > 2 and word[1] in _VOWELS:
        cues.append(("gl", 0.5))
    if "l·l" in word:
        cues.append(("ca", 2.0))
    if len(word) > 2 and word[:2] in ("l'", "d'", "s'", "n'", "l’", "d’", "s’", "n’") and word[2] in _VOWELS + "h":
        cues.append(("ca", 1.0))
        if word[0] == "d":
            cues.append(("ast", 0.5))
    if word.endswith("ny") or any(word[k:k + 2] == "ny" and k + 2 < len(word) and word[k + 2] in _VOWELS
                                  for k in range(1, len(word) - 2)):
        cues.append(("ca", 1.0))  # Ladino and Aragonese write ñ as ny too (espanyol, anyo, montanyas)
        cues.append(("lad", 0.5))
        cues.append(("an", 0.5))
    if word.endswith(("ció", "sió")):
        cues.append(("ca", 0.5))
    if word.endswith(("ix", "ixa")) or "tx" in word:
        cues.append(("ca", 0.5))
    if len(word) >= 4 and word.endswith("u") and word not in _SPANISH_U_WORDS:
        cues.append(("ast", 1.0))
    if word.endswith("ies") and len(word) >= 5 and word not in _SPANISH_IES:  # Asturian -es plurals (histories)
        cues.append(("ast", 0.5))
    if len(word) >= 5 and word.endswith("aes"):  # Asturian feminine plural participles (entraes, vegaes)
        cues.append(("ast", 1.0))
    if len(word) >= 5 and word.endswith(("isti", "asti")):  # Asturian preterite 2nd singular (fuisti, tuvisti)
        cues.append(("ast", 0.7))
    if len(word) > 2 and word[0] == "x" and word[1] in _VOWELS:  # initial x: Asturian as well as Galician
        cues.append(("ast", 0.5))
    if len(word) >= 6 and word.endswith(("cions", "sions", "zions")):  # Spanish -ciones (vacacions)
        cues.append(("an", 0.5))
        cues.append(("ca", 0.5))
        cues.append(("oc", 0.5))
    if len(word) >= 4 and word.endswith("au") and word[-3] not in _VOWELS:  # Aragonese participles (minchau)
        cues.append(("an", 0.7))
    if word.endswith("zione"):
        cues.append(("it", 1.0))
    if "zz" in word or "cch" in word or word == "gli":
        cues.append(("it", 0.5))
    # Ladino (Aki Yerushalayim spelling) writes no accents: k for c / qu, ks for x, dj, sh, -iya for -illa
    if word.startswith(("ke", "ki", "ky")):
        cues.append(("lad", 0.7))
    elif word.startswith(("ka", "ko", "ku")) and not _ACUTE.intersection(word):
        cues.append(("lad", 0.5))
    elif not _ACUTE.intersection(word) and any(  # eskrive, akodro (not English -ck-: ticket, hockey)
            word[k] == "k" and word[k + 1] in _VOWELS and word[k - 1] in "aeiousy" for k in range(1, len(word) - 1)):
        cues.append(("lad", 0.5))
    if "shk" in word:  # Spanish -sc- / -squ- (bushkar, peshkado)
        cues.append(("lad", 0.5))
    if "dj" in word:
        cues.append(("lad", 1.0))
    if any(word[k:k + 2] == "ks" and k + 2 < len(word) and word[k + 2] in _VOWELS for k in range(1, len(word) - 2)):
        cues.append(("lad", 0.5))
    if len(word) >= 5 and word.endswith(("iya", "iyas", "iyo", "iyos")):
        cues.append(("lad", 0.7))
    if len(word) >= 7 and word.endswith(("ensia", "ensias", "ansia", "ansias")):  # Spanish -ncia (diferensia)
        cues.append(("lad", 0.7))
    if word.startswith("sh") or word.endswith("sh"):
        cues.append(("lad", 0.5))
    return tuple(cues)


@dataclass
class CueCounts:
    """Lexical evidence found in one text: weighted hits per language, and the number of words."""

    n_words: int
    spanish: float
    close: dict[str, float] = field(default_factory=dict)
    # the part of `spanish` that each close language shares (its words and marks are also that language's)
    shared: dict[str, float] = field(default_factory=dict)
    # weighted hits of the contact languages (CONTACT_LANGS: gn, qu, ay, nah, arn, eu), apart from `close`
    contact: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_tenths(cls, n_words: int, spanish: int, hits: dict[str, int], shared: dict[str, int]) -> CueCounts:
        """Counts from integer tenths; `hits` holds close and contact languages, in first-occurrence order."""
        return cls(n_words=n_words, spanish=spanish / 10,
                   close={lang: t / 10 for lang, t in hits.items() if lang not in _CONTACT_SET},
                   shared={lang: t / 10 for lang, t in shared.items()},
                   contact={lang: t / 10 for lang, t in hits.items() if lang in _CONTACT_SET})

    def density(self, lang: str) -> float:
        return self.close.get(lang, 0.0) / max(self.n_words, 1)

    def spanish_vs(self, lang: str) -> float:
        """Spanish evidence that tells Spanish from `lang` (the words and marks `lang` shares left out)."""
        return round(self.spanish - self.shared.get(lang, 0.0), 1)


@lru_cache(maxsize=200_000)
def _word_cue_tenths(word: str) -> tuple[tuple[str, int], ...]:
    """`_word_cues` with the weights in tenths (all weights are multiples of 0.1): integer sums are exact."""
    return tuple((lang, round(weight * 10)) for lang, weight in _word_cues(word))


# the distinct (Spanish tenths, shared pairs) parts of words, numbered: `_SPANISH_PARTS[k]` is part number k
_SPANISH_PARTS: list[tuple[int, tuple[tuple[str, int], ...]]] = []
_SPANISH_PART_IDS: dict[tuple[int, tuple[tuple[str, int], ...]], int] = {}
_PARTS_LOCK = threading.Lock()


@lru_cache(maxsize=200_000)
def _word_cue_parts(word: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """`_word_cue_tenths` split for `count_cues`: (close-language pairs, number of its (Spanish tenths, shared
    pairs without "~") part in `_SPANISH_PARTS`; small integers hash fast)."""
    cues = _word_cue_tenths(word)
    part = (sum(t for lang, t in cues if lang == "es"), tuple((lang[1:], t) for lang, t in cues if lang[0] == "~"))
    with _PARTS_LOCK:
        if part not in _SPANISH_PART_IDS:
            _SPANISH_PART_IDS[part] = len(_SPANISH_PARTS)
            _SPANISH_PARTS.append(part)
    return tuple((lang, t) for lang, t in cues if lang != "es" and lang[0] != "~"), _SPANISH_PART_IDS[part]


_SPANISH_MARKS = ("ñ", "¿", "¡")
_CONTACT_SET = frozenset(CONTACT_LANGS)
CONTACT_GATE = frozenset(("es", *CLOSE_LANGS, *CONTACT_LANGS))
_AST_LL = "ḷḷ"


def count_cues(text: str) -> CueCounts:
    """Count Spanish and close-language cues (words and spelling) in (cleaned) text.

    Weights are summed in integer tenths and divided by 10 at the end, so a total does not depend on the order
    of the additions (`count_cues_batch` adds in another order and must give the same floats).
    """
    low = text.lower()
    words = _WORD.findall(low)
    close: dict[str, int] = {}
    shared: dict[str, int] = {}
    marks = 10 * sum(low.count(mark) for mark in _SPANISH_MARKS)
    spanish = marks
    if marks:
        for lang in _MARKS_SHARED:
            shared[lang] = marks
    # a word's Spanish and shared parts are summed per distinct part (`_word_cue_parts`): few per text,
    # as most Spanish words share with the same languages
    part_counts: dict[int, int] = {}
    for word in words:
        word_close, part = _word_cue_parts(word)
        if word_close:
            for lang, tenths in word_close:
                close[lang] = close.get(lang, 0) + tenths
        part_counts[part] = part_counts.get(part, 0) + 1
    for part, n in part_counts.items():
        es, pairs = _SPANISH_PARTS[part]
        spanish += es * n
        for lang, tenths in pairs:
            shared[lang] = shared.get(lang, 0) + tenths * n
    if _AST_LL in low:
        close["ast"] = close.get("ast", 0) + 15
    return CueCounts.from_tenths(len(words), spanish, close, shared)


def count_cues_batch(texts: list[str]) -> list[CueCounts]:
    """`count_cues` of many texts at once: `[count_cues(t) for t in texts]`, same values, same key order.

    Texts are lowercased by Python (`str.lower`, as `count_cues` does); polars splits them into words with
    `_WORD` spelled with `rust_class` (exactly Python's classes); the cues are looked up once per distinct word
    (`_word_cue_tenths`, cached) and summed per (text, language) in integer tenths with numpy (exact, so the
    order of the additions does not matter). Each `close` dict keeps `count_cues`'s insertion order (first
    occurrence in the text), which `guess_language`'s tie-breaking among languages depends on.
    """
    import numpy as np
    import polars as pl

    if not texts:
        return []
    n = len(texts)
    low = pl.Series("t", [t.lower() for t in texts], dtype=pl.String)
    words = low.str.extract_all(_word_pattern_rs())
    n_words = words.list.len().to_numpy().astype(np.int64)
    flat = words.explode().drop_nulls()  # an empty list explodes to one null
    vocab = flat.unique()
    # the cues of each distinct word, flattened: word v's cues are entries first[v] .. first[v] + n_cues[v] - 1
    n_cues, cue_lang, cue_tenths = [], [], []
    for word in vocab.to_list():
        cues = _word_cue_tenths(word)
        n_cues.append(len(cues))
        for lang, tenths in cues:
            cue_lang.append(_LANG_INDEX[lang])
            cue_tenths.append(tenths)
    n_cues_arr = np.asarray(n_cues, dtype=np.int64)
    first = np.cumsum(n_cues_arr) - n_cues_arr
    cue_lang_arr, cue_tenths_arr = np.asarray(cue_lang, dtype=np.int64), np.asarray(cue_tenths, dtype=np.int64)
    # for each word of each text: its distinct-word number, then one entry per cue, in text order
    word_id = flat.replace_strict(vocab, pl.int_range(len(vocab), dtype=pl.Int64, eager=True)
                                  ).cast(pl.Int64).to_numpy()  # the cast: an empty input comes back as strings
    word_row = np.repeat(np.arange(n, dtype=np.int64), n_words)
    per_word = n_cues_arr[word_id]
    entry_word = np.repeat(word_id, per_word)
    entry_row = np.repeat(word_row, per_word)
    entry_offset = np.arange(len(entry_word), dtype=np.int64) - np.repeat(np.cumsum(per_word) - per_word, per_word)
    entry = first[entry_word] + entry_offset
    entry_lang, entry_tenths = cue_lang_arr[entry], cue_tenths_arr[entry]

    spanish = 10 * low.str.count_matches("[" + "".join(_SPANISH_MARKS) + "]").to_numpy().astype(np.int64)
    shared: list[dict[str, int]] = [{} for _ in range(n)]
    for row in np.flatnonzero(spanish).tolist():
        for lang in _MARKS_SHARED:
            shared[row][lang] = int(spanish[row])
    found_rows, found_first, found_langs, found_sums = [], [], [], []
    for k in range(len(_CUE_LANGS)):
        sel = np.flatnonzero(entry_lang == k)
        if not len(sel):
            continue
        rows = entry_row[sel]  # sorted: entries are in text order
        starts = np.flatnonzero(np.diff(rows, prepend=-1))
        sums = np.add.reduceat(entry_tenths[sel], starts)
        if _CUE_LANGS[k] == "es":
            spanish[rows[starts]] += sums
        elif _CUE_LANGS[k][0] == "~":
            lang = _CUE_LANGS[k][1:]
            for row, tenths in zip(rows[starts].tolist(), sums.tolist(), strict=True):
                shared[row][lang] = shared[row].get(lang, 0) + tenths
        else:
            found_rows.append(rows[starts])
            found_first.append(sel[starts])
            found_langs.append(np.full(len(starts), k))
            found_sums.append(sums)
    close: list[dict[str, int]] = [{} for _ in range(n)]
    if found_rows:
        rows, first_entry, langs, sums = (np.concatenate(x) for x in (found_rows, found_first, found_langs, found_sums))
        order = np.lexsort((first_entry, rows))
        for row, k, tenths in zip(rows[order].tolist(), langs[order].tolist(), sums[order].tolist(), strict=True):
            close[row][_CUE_LANGS[k]] = tenths
    out = []
    for row, (n_row, es, ast_ll) in enumerate(zip(n_words.tolist(), spanish.tolist(),
                                                  low.str.contains(_AST_LL, literal=True).to_list(), strict=True)):
        counts = close[row]
        if ast_ll:
            counts["ast"] = counts.get("ast", 0) + 15
        out.append(CueCounts.from_tenths(n_row, es, counts, shared[row]))
    return out


_CUE_LANGS = ("es", *_CUE_WORDS, *CONTACT_LANGS, *("~" + lang for lang in _SHARED_WITH))
_LANG_INDEX = {lang: k for k, lang in enumerate(_CUE_LANGS)}


@lru_cache(maxsize=1)
def _word_pattern_rs() -> str:
    """`_WORD` in Rust-regex syntax, with Python's exact letter class."""
    letters = rust_class(r"[^\W\d_]")
    assert _WORD.pattern == r"[^\W\d_]+(?:[·'’][^\W\d_]+)*"
    return f"{letters}+(?:[·'’]{letters}+)*"


