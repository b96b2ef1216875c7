"""Lexical and spelling cues of the languages in contact with Spanish that lid.176 tells badly from it: Guaraní
(gn), Aymara (ay), Quechua (qu), Nahuatl (nah), Mapudungun (arn) and Basque (eu).

Why: these languages are written full of Spanish loanwords (Paraguayan Guaraní says *derecho*, *dignidad*,
*Declaraciónpe*), and lid.176 knows gn, qu, nah and eu poorly and ay and arn not at all: it calls such text Spanish,
or Hungarian, Polish, English... What gives them away is what a loanword does not bring along: the function words,
the suffixes and the spelling of the language itself. Each word of a text is looked up here once (cached by
`language._word_cues`), so this costs a few set look-ups per distinct word.

Where the lists come from (written from the grammars, not from any evaluation text):
- Guaraní: Gregores & Suárez, *A Description of Colloquial Guaraní* (1967); Krivoshein de Canese & Acosta Alcaraz,
  *Gramática guaraní* (2001); Estigarribia, *A Grammar of Paraguayan Guarani* (2020); the official alphabet
  (Ley 4251/2010, Academia de la Lengua Guaraní): nasal vowels ã ẽ ĩ õ ũ ỹ and g̃, the puso (glottal stop, ʼ),
  word-initial mb / nd, y as a vowel (yvy).
- Quechua: Cerrón-Palomino, *Lingüística quechua* (1987); Adelaar & Muysken, *The Languages of the Andes* (2004);
  the Peruvian (1985) and Bolivian official alphabets (q, ejectives ch' k' p' q' t', aspirates chh kh ph qh th);
  Ecuadorian Kichwa's unified alphabet (sh, -shpa, -ka) and the older Hispanic spelling (-cuna, -pac, c/qu, hu).
- Aymara: Hardman, Vásquez & Yapita, *Aymara: compendio de estructura fonológica y gramatical* (1988);
  Cerrón-Palomino, *Lingüística aimara* (2000); the unified alphabet (1983: x for the uvular fricative, ä ï ü for
  long vowels; older texts write jh).
- Nahuatl: Andrews, *Introduction to Classical Nahuatl* (2003); Launey, *Introducción a la lengua y a la literatura
  náhuatl* (1992); the modern SEP / INALI spellings (k, s, w, j for the saltillo) and, for Pipil / Nawat of
  El Salvador, Campbell, *The Pipil Language of El Salvador* (1985).
- Mapudungun: Smeets, *A Grammar of Mapuche* (2008); Zúñiga, *Mapudungun: el habla mapuche* (2006); the Unified,
  Azümchefe and Ragileo alphabets (Ragileo writes ü as v, tr as x, d as z, ng as g, ch as c).
- Basque: de Rijk, *Standard Basque: A Progressive Grammar* (2008); Euskaltzaindia's standard (tx, tz, -ak).
"""

from __future__ import annotations

import re

# Languages whose text is written with many Spanish loanwords and that lid.176 does not tell from Spanish.
CONTACT_LANGS = ("gn", "qu", "ay", "nah", "arn", "eu")


def word_set(*items: str) -> frozenset[str]:
    """The words of space-separated strings (the word lists here and in `language_cues.py`)."""
    return frozenset(w for item in items for w in item.split())


# Function words and very frequent words of each language (lowercase, as written in the common alphabets; the
# glottal stop / ejective mark in three spellings: ' ʼ ’). Homographs of Spanish words are left out here: they are
# handled as Spanish evidence that the language shares (`SHARED_WITH_SPANISH`).
_WORDS: dict[str, frozenset[str]] = {
    "gn": word_set(
        "ko pe upe umi kóva péva upéva upéicha ko'ã koʼã ko’ã ha'e haʼe ha’e ha'ekuéra haʼekuéra ha’ekuéra ha'éva",
        "haʼéva ha’éva ha'eha haʼeha ndaha'éi ndahaʼéi nde ñande ore pende peẽ ñandéve chéve ndéve ichupe ichupekuéra",
        "oĩ oime ndaipóri avei jepe katu hína voi niko piko ndive rehe hese rupi guive peve hagua haguã guarã rire",
        " jave apytépe mba'e mbaʼe mba’e mba'eve mbaʼeve mba'éichapa mbaʼéichapa mba'érepa mávapa moõ araka'e",
        "tekotevẽ ikatu ndaikatúi heta michĩ mayma opavave opa opaite peteĩ mokõi mbohapy irundy ára tetã yvy",
        "yvypóra tapicha tekove ñe'ẽ ñeʼẽ ñe’ẽ kuéra kuera térã avave avavépe ñandejára oguereko ojapo oiko",
        "oho ou he'i heʼi oĩva upépe ápe ko'ág̃a koʼág̃a ag̃a ag̃aite mitã kuña kuimba'e kuimbaʼe py'a pyʼa ñemoarandu",
        "tembiapo tembiaporã hetã hikuái ñane ñaneñe'ẽ avañe'ẽ avañeʼẽ jaiko ñañomoirũ ohechauka jahechakuaa",
        "iporã iporãva ivai mokõiha mbohapyha mba'apo mbaʼapo ombaʼapo omba'apo tenonde ipahápe ambue ambuekuéra",
        "ñande'ýva jeporavo oñondive ojehechakuaa ndojeguerekói noñemeʼẽi ndive ha'égui haʼégui ndaje ajeve",
        "pegua gua gotyo koty ári hikuái upérõ upéi peteî mitâ ñe'ê oî",
    ),
    "qu": word_set(
        "kay chay hina hinaspa hinaspam hinaspapas mana manam manan manachu lliw llapa llapan llapallan tukuy",
        "tukuylla runa runakuna kan kanku kanchik kanchis kanki kani kachkan kashan kananpaq ima imayna imapas",
        " maypi maypipas maymanta allin sumaq sumaqta qam pay paykuna payqa ñuqa ñoqa noqa ñuqanchik ñoqanchik",
        "ñuqayku ichaqa ichapas huk hukkuna iskay kimsa tawa pichqa chunka pacha wasi llaqta yachay ruray",
        "ruway munay rimay kawsay nisqa chaymi chaypi chayta chaymanta chayqa kaymanta kaypi kayqa hinallataq ari",
        "aswan aswanta nispa wakin wakinkuna sapa sapanka sapakama kikin kikinpa qhari qari warmi hatun huch'uy",
        "uchuy ñan qullqi qollqe kamachiy kamachikuy kamachikuykuna shina imashina",
        "shuk ishkay ashtawan kachun allpa llakta mashi kunan kunanqa kawsaypi amam tayta mamakuna chaynapi",
        "chaynataq chayraykum chayrayku imarayku mayqan mayqanpas cay chai tucuy runacuna can cashpa llacta shuc",
        "ricsi charin huasi huarmi cari imapash tukuykuna ñukanchik ñukanchikpa paykunapa",
    ),
    "ay": word_set(
        "uka aka ukaxa ukata ukat ukatsti ukatxa ukhama ukhamaraki ukhamarus ukhamarusa ukampis ukampirusa",
        "ukanaka jupa jupaxa jupanaka naya nayaxa juma jumaxa jiwasa jiwasanaka jani janiw janiwa janirakiw kuna",
        "kunas kunjama kunjamasa kawki khiti khitis jaqi jaqe jaqinaka jaqenaka taqi taqe taqpacha taqpach mayni",
        "maynis mä paya pusi phisqa marka markanaka uta arsu aru utji utjiwa utjaña utjañapa ",
        "jach'a jachʼa jach’a jisk'a jiskʼa jisk’a jilata kullaka wali walikiwa kamisaki jichha jichhaxa jallalla",
        " taqini sapa sapaki akham akhama ukhamaxa kunapachati kunatsa jaqinakaxa",
    ),
    "nah": word_set(
        "in ipan iuan ihuan iwan uan wan tlen tlein tlin nochi nochin nochtin amo ahmo axkanah kuali cualli kwali",
        "tlakatl tlacatl siuatl cihuatl sihuatl tlamantli kipia quipia kipiaj quipiah moneki monequi ika ica yeka",
        "kampa campa kanpa keman queman kemaj ome eyi yei naui nahui makuili macuilli tlali tlalli altepetl tlatoli",
        "tlahtolli tlajtoli tekitl tequitl nojkia nohquia nohkia tlaj miak miac miyak sekin sequin sekinok seyok",
        "itech ipampa inin inon nopa nikan kenke kenika quenin akin aquin inik inic auh huel uel weli yehua yejua",
        "tehuan tejuan tehuatl tejuatl nehuatl nejuatl tojuantij inijuantij mochi ixquich ",
        "masehualli maseualli maseualmej tlatlajtoli pilli pilmej kalli calli tonalli",
        # Pipil / Nawat (Campbell 1985): ne 'the', tik 'in', wan 'and', ini 'this',
        # yaja 'he', naja 'I', tejemet 'we', yejemet 'they', muchi 'all', tay 'what'
        "ne tik ini yaja naja tejemet yejemet anmejemet muchi nawat",
    ),
    "arn": word_set(
        "ka ñi tañi mew fey feyta feychi feyci tvfa tüfa tüfachi tvfaci tati pu kom kiñe epu küla kvla meli kechu",
        "rume mülen mvlen müley mvley mülelu mvlelu nien niey niel kimün kimvn zugu dungu zungu mapu küme kvme",
        "weza weda füta fvta pichi wenu kisu kisuke inche iñche eymi iñ tamün tamvn egün egvn iñchiñ chem cem",
        "chumgechi cumgeci chew cew ñuke chaw fentren mogen feyentun",
        "rakizuam rakiduam ayün ayvn piam femgechi femgeci zoy inaltu wiño nor ",
        "xvr trür kuxan kutran pu ce pu kümelkalen felen",
    ),
    "eu": word_set(
        "eta da dira du dute dut ez bai bat batean edo ere baina baino hau hori hura honek horrek hauek horiek",
        "bere beren gure zure nire izan egin ahal behar gabe arabera artean aurka alde bidez buruz gisa dela",
        "direla duen dituen zen ziren zuen zaio zaie diote guztiak guztien guztia orok inor ezin ezta",
        "nahiz baita baizik edozein bakoitza euskaraz eskubide eskubidea gizon emakume herri",
        "herria herrialde lege legearen beste besteak hemen orain gero beti ondoren aurretik",
    ),
}

# Spanish-evidence words (language._SPANISH_WORDS) that are also everyday words of these languages or that their
# writers borrow as function words: no evidence of Spanish against them. Guaraní 'ha' (and), 'a' (in mixed text);
# Quechua / Aymara borrow 'pero', 'o', 'y'; Nahuatl 'se' (one), 'ni' (this), 'o', 'para', 'pero', 'ya' (he);
# Mapudungun 'mi' (your), 'ni'; Basque 'e' (as in 'e-'), none in practice.
SHARED_WITH_SPANISH: dict[str, frozenset[str]] = {
    "gn": word_set("ha a e o y ni"),
    "qu": word_set("o y pero a"),
    "ay": word_set("o y pero a"),
    "nah": word_set("se ni o y ya para pero como a"),
    "arn": word_set("mi ni a o y"),
    "eu": word_set("a e o"),
}

_VOWELS = frozenset("aeiouáéíóúàèìòùâêîôûäëïöüãẽĩõũỹy")
_CONSONANTS = frozenset("bcdfgjklmnñpqrstvwxzh")
_GLOTTAL = ("'", "ʼ", "’", "ꞌ")  # ꞌ: the saltillo (U+A78C), the puso's proper letter
# nasal vowels; keyboards without the tilde write them with a circumflex (peteî, ñe'ê, mitâ, ĝ for g̃)
_GN_NASAL = frozenset("ẽĩũỹêîûŷĝ")  # not ã õ â ô: Portuguese (and French) have them too
_GN_NASAL_WEAK = frozenset("ãõâô")
# Guaraní stress is final; a non-final stress is written with an acute accent (ojapóva, haguére, péva, kóva).
# Spanish never writes an acute on the penultimate a / e / o of a word ending in a vowel (its few such words,
# cómo, dónde, éste, sólo..., are Spanish-evidence words and never reach these cues); Spanish -ea / -eo / -ia
# endings (área, petróleo) are not falling diphthongs.
_GN_PENULTIMATE = re.compile("[áéóý][bcdfghjklmnñpqrstvwxzʼ'’ꞌ]+(?:[aeiouy]|[aeou]i)$")
_EJECTIVE_AFTER = frozenset("kpqt")  # k' p' q' t' (and ch', whose h precedes)
_SPANISH_CUNA = ("vacun", "incun", "lacun")
_ROMANCE_IX = ("aix", "eix", "oix", "uix", "aixa", "eixa", "oixa", "uixa")


def _has_glottal(word: str) -> bool:
    return "'" in word or "ʼ" in word or "’" in word


_C = "bcdfgjklmnñpqrstvwxzh"
# What a word must contain for `_contact_cues` to find anything in it (besides a listed word): one search of this
# skips the ~40 tests for most words of Spanish (and English...), which have none of these letters or clusters.
# tests/test_filters_language_contact.py checks that it hides no cue.
MAYBE_CUE = re.compile("|".join((
    "[ẽĩũỹãõäïü'ʼ’ꞌêîûŷĝâôáéóý\u0303]",  # nasal, long and accented vowels, glottal stops
    "^(?:mb|nd|ng|tl|oñe|oje)",
    "kuera|nguera|[kc]una|manta|pa[qk]|nchi[ksjq]|ntsik|sqa|sh[kcp]|y[ou][qcj]|naka|taki|ñapa|raki|tla",
    "y[" + _C + "]|q(?!u)|q$|qh|kh|ph|chh|jh|px|t[sz]|tx|[" + _C + "]v[" + _C + "]|[" + _C + "]v$",
    ("(?:chu|taq|ptin|nku|spa|wan|pash|shun|chun|tsu|mpiw?|xa?|sti|wa|kiw|[aeio]j|ael|afiel|ngen|ngvn|lelu|nolu|ko"
     "|tik|ekin|tasuna?|tl|tli|tlan)$"),  # endings
)))
_ANY_WORD = frozenset().union(*_WORDS.values())


def contact_word_cues(word: str) -> list[tuple[str, float]]:
    """(language, weight) cues of one lowercased word for the contact languages, at most one per language with
    a weight of at most 1: a text's hits for a language are then the number of its words that look like it."""
    if word not in _ANY_WORD and not MAYBE_CUE.search(word):
        return []
    weights: dict[str, float] = {}
    for lang, weight in _contact_cues(word):
        weights[lang] = min(1.0, round(weights.get(lang, 0.0) + weight, 1))
    return list(weights.items())


def _contact_cues(word: str) -> list[tuple[str, float]]:
    """Every cue of one lowercased word (see `contact_word_cues`)."""
    cues: list[tuple[str, float]] = []
    for lang, vocab in _WORDS.items():
        if word in vocab:
            cues.append((lang, 1.0))
    n = len(word)
    if n < 2:
        return cues
    # ---- spelling: characters and clusters Spanish does not write
    if _GN_NASAL.intersection(word) or "g̃" in word:
        cues.append(("gn", 1.0))
    elif _GN_NASAL_WEAK.intersection(word) and not any(x in word for x in ("ão", "ões", "ães", "ãe", "çã", "çõ")):
        cues.append(("gn", 0.5))
    if _GN_PENULTIMATE.search(word):
        cues.append(("gn", 1.0))
    if n >= 6 and (word.startswith("oñe") or (word.startswith("oje") and word[3] not in "radto")):
        cues.append(("gn", 1.0))  # passive / reflexive oje-, oñe- (not Spanish ojera, ojeada, ojeto, ojete)
    if n >= 6 and word.endswith(("kuéra", "kuera", "nguéra", "nguera")):
        cues.append(("gn", 1.0))  # plural -kuéra / -nguéra
    glottal = next((k for k in range(1, n - 1) if word[k] in _GLOTTAL), 0) if _has_glottal(word) else 0
    if glottal:
        before, after = word[glottal - 1], word[glottal + 1]
        if before in _VOWELS and after in _VOWELS:  # Guaraní puso between vowels: mba'e, ñe'ẽ
            cues.append(("gn", 1.0))
        elif before in _EJECTIVE_AFTER or (before == "h" and glottal >= 2 and word[glottal - 2] == "c"):
            cues.append(("qu", 0.5))  # Andean ejectives: k'a, q'e, ch'u (Mayan languages write them too)
            cues.append(("ay", 0.5))
    if word[:2] in ("mb", "nd") and n > 2 and word[2] in _VOWELS:  # mba'e, ndaikatúi
        cues.append(("gn", 1.0))
    if "y" in word[:-1] and any(word[k] == "y" and word[k + 1] in _CONSONANTS and (k == 0 or word[k - 1] in _CONSONANTS)
                                for k in range(n - 1)):  # y as a vowel: yvy, ryepy, mbyky
        cues.append(("gn", 1.0))
    if "q" in word and (any(word[k] == "q" and word[k + 1] != "u" for k in range(n - 1)) or word.endswith("q")):
        cues.append(("qu", 0.5))  # q without u: qam, llaqta, -paq (Aymara too: qala, qullu)
        cues.append(("ay", 0.5))
    if any(cluster in word for cluster in ("qh", "kh", "ph", "chh")) and not word.startswith(("ph", "kh")):
        cues.append(("qu", 0.3))  # aspirates (Cusco / Bolivian Quechua, Aymara); initial ph- is Greek in Spanish
        cues.append(("ay", 0.3))
    # ---- Quechua suffixes
    if n >= 6 and ("kuna" in word[2:] or ("cuna" in word[2:] and not word.startswith(_SPANISH_CUNA))):
        cues.append(("qu", 1.0))  # plural -kuna
    if n >= 7 and word.endswith(("manta", "mantam", "mantaqa", "mantapas")):
        cues.append(("qu", 1.0))  # ablative -manta
    if n >= 5 and word.endswith(("paq", "pak", "paqmi", "paqqa")):
        cues.append(("qu", 1.0))  # benefactive -paq
    if n >= 6 and any(s in word[2:] for s in ("nchik", "nchis", "nchij", "ntsik", "nchiq")):
        cues.append(("qu", 1.0))  # 1st person inclusive -nchik (Ancash -ntsik)
    if n >= 6 and word.endswith(("pash", "shun", "chun", "tsu")):
        cues.append(("qu", 0.5))  # Kichwa additive -pash, 1pl future -shun, jussive -chun, Ancash negation -tsu
    if n >= 5 and any(s in word[2:] for s in ("sqa", "shka", "shca", "shpa", "sqan")):
        cues.append(("qu", 1.0))  # participle -sqa / Kichwa -shka, gerund -shpa
    if n >= 5 and word.endswith(("yoq", "yuq", "yoc", "yuj", "yoqmi")):
        cues.append(("qu", 1.0))  # possessive -yoq
    if n >= 5 and (word.endswith(("chu", "taq", "ptin", "nku")) or (n >= 7 and word.endswith("spa"))):
        cues.append(("qu", 0.3))  # negation / question -chu, -taq, -ptin, gerund -spa, -nku (weak)
    if n >= 5 and word.endswith("wan") and word[-4] in _VOWELS:
        cues.append(("qu", 0.5))  # comitative -wan
    # ---- Aymara suffixes
    if n >= 6 and "naka" in word[2:]:
        cues.append(("ay", 1.0))  # plural -naka
    if n >= 5 and word.endswith(("taki", "takiw", "takiwa", "ñataki", "ñapa", "ñapataki", "mpi", "mpiw")):
        cues.append(("ay", 1.0))  # purposive -taki, infinitive -ña + possessive, comitative -mpi
    if "jh" in word or "px" in word:
        cues.append(("ay", 1.0))  # old spelling jh (jaqejh), plural -px-
    # topic -x(a): jupax, jaqix, ukaxa (not the Catalan / Galician / Portuguese -aix, -eixa: baix, caixa, deixa)
    if not word.endswith(_ROMANCE_IX) and ((n >= 4 and word[-1] == "x" and word[-2] in _VOWELS)
                                           or (n >= 5 and word.endswith("xa") and word[-3] in _VOWELS)):
        cues.append(("ay", 0.7))
    if "ä" in word or "ï" in word:
        cues.append(("ay", 1.0))  # long vowels
    if (n >= 5 and word.endswith(("sti", "wa", "raki", "rakiw", "kiw"))
            and word[-4 if word.endswith("sti") else -3] not in "aeiou"):
        cues.append(("ay", 0.5))  # topic -sti, declarative -wa, -raki, -kiw
    # ---- Nahuatl
    if word.startswith("tl") or word.endswith(("tl", "tli", "tlan")) or ("tla" in word[1:] and word[0] in "tmnkcis"):
        cues.append(("nah", 1.0))  # tlakatl, -tli, -tlan (Spanish tl only inside: atlas, atleta)
    if n >= 5 and word.endswith(("tsij", "tsin", "tzin", "tsitsij", "meh", "mej", "kej", "quej")):
        cues.append(("nah", 1.0))  # reverential -tsin, plurals -meh / -kej
    if n >= 4 and word.endswith(("aj", "ij", "ej", "oj")) and word not in ("reloj", "relojes"):
        cues.append(("nah", 0.5))  # saltillo written j (kipiaj, tijpiaj)
    if "ts" in word and n >= 4:
        cues.append(("nah", 0.3))
    if "tz" in word:
        cues.append(("nah", 0.3))
        cues.append(("eu", 0.5))
    # ---- Mapudungun
    if "v" in word and (any(word[k] == "v" and word[k - 1] in _CONSONANTS and word[k + 1] in _CONSONANTS
                            for k in range(1, n - 1)) or (n >= 3 and word[-1] == "v" and word[-2] in _CONSONANTS)):
        cues.append(("arn", 1.0))  # Ragileo v = ü between consonants: mvley, kvme, xvr
    if "ü" in word and "gü" not in word and "qü" not in word:
        cues.append(("arn", 0.5))
        cues.append(("ay", 0.3))
    if word.startswith("ng") and n > 2:
        cues.append(("arn", 1.0))  # ngen, ngütram
    if n >= 5 and word.endswith(("ael", "afiel", "ngen", "ngün", "ngvn", "lelu", "nolu")) and word not in (
            "rafael", "ismael", "israel", "michael", "gabriel", "manuel"):
        cues.append(("arn", 0.7))
    # ---- Basque
    if "tx" in word:
        cues.append(("eu", 0.5))
    if n >= 6 and word.endswith(("tzeko", "tzen", "rekin", "ekin", "tasuna", "tasun", "ko", "tik")):
        cues.append(("eu", 0.3))
    return cues
