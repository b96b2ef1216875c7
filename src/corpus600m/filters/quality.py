"""Quality rules: each returns `quality:<rule>` codes with a detail; all rules run on every record.

Rules: `too_short`, `too_long` (length bounds per field), `repetition` (repeated lines, repeated word
3-grams, runs of one character), `refusal` (the model declines or talks about being an AI),
`boilerplate` (assistant small talk such as "¿En qué puedo ayudarte?" instead of doing the task),
`instruction_equals_output`, `mixed_language` (fields in different languages, outside translation tasks),
`template_leftover` (unfilled placeholders such as `{instruction}`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from corpus600m.records import normalize_text

REFUSAL = re.compile(
    r"\b(?:como\s+(?:un\s+|una\s+)?(?:modelo\s+de\s+lenguaje|modelo\s+de\s+ia|ia|inteligencia\s+artificial|"
    r"asistente\s+(?:virtual|de\s+ia))|soy\s+(?:un|una)\s+(?:modelo\s+de\s+lenguaje|inteligencia\s+artificial|"
    r"asistente\s+virtual|ia\b)|no\s+(?:puedo|podr[ée]|me\s+es\s+posible)\s+(?:ayudarte|ayudarle|ayudar|cumplir|"
    r"proporcionar|generar|responder|realizar|hacer\s+eso|atender)|lo\s+siento,?\s+(?:pero\s+)?no\s+(?:puedo|es\s+posible)|"
    r"no\s+tengo\s+(?:la\s+capacidad|acceso\s+a\s+internet|opiniones\s+personales)|"
    r"as\s+an\s+ai(?:\s+language\s+model)?|i\s+(?:can(?:no|')t|am\s+unable\s+to)\s+(?:help|assist|provide)|"
    r"i'?m\s+sorry,?\s+but)",
    re.IGNORECASE,
)
BOILERPLATE = re.compile(
    r"^\W*(?:hola[!.,]*\s*)?(?:¿\s*)?(?:en\s+qu[ée]\s+(?:m[áa]s\s+)?(?:te|le|les|os)?\s*puedo\s+(?:ayudar(?:te|le|les|os)?|servir(?:te|le)?)|"
    r"c[óo]mo\s+(?:te|le)\s+puedo\s+ayudar|c[óo]mo\s+puedo\s+ayudar(?:te|le)?|qu[ée]\s+necesitas|"
    r"estoy\s+aqu[íi]\s+para\s+ayudar(?:te|le)?|claro,?\s+(?:con\s+gusto|aqu[íi]\s+(?:tienes|est[áa]))[.:!]*|"
    r"(?:aqu[íi]\s+(?:tienes|est[áa])\s+(?:la\s+respuesta|tu\s+respuesta))[.:!]*)\W*$",
    re.IGNORECASE,
)
TEMPLATE_LEFTOVER = re.compile(r"\{\{?\s*(?:instruction|input|output|pais|país|variedad|tema|topic)\s*\}?\}|"
                               r"\[(?:INSERTAR|INSERT|TU NOMBRE|NOMBRE)[^\]]*\]|<\|im_(?:start|end)\|>", re.IGNORECASE)
# ... but a placeholder in brackets is what was asked for when the instruction asks for a template or a form to fill
# in ("hazme una plantilla de invitación", "un modelo de carta genérica, para llenar"), or the answer opens as one
# ("Modelo genérico:", "Aquí tiene una plantilla"); `{instruction}` and chat tokens never are
TEMPLATE_REQUEST = re.compile(r"\bplantilla|\bmodelo\b|\bformato\b|\bformulario|\bgen[ée]ric[oa]|\btemplate|"
                              r"\bespacios?\s+(?:en\s+blanco|para)|\bpara\s+(?:llenar|rellenar|completar)|"
                              r"\bcampos?\s+(?:vac[íi]os|para)|\bejemplo\s+de\s+c[óo]mo|"
                              # "con espacios", "deja huecos para el nombre", "sin nombres", "todavía no pongas mi nombre"
                              r"\b(?:con|pon|pone|pong[aá]|dej[aáe]|dejar|dejes)\s+(?:los\s+|unos\s+)?(?:espacios|huecos)|"
                              r"\bhuecos\s+para|\bsin\s+nombres|\bno\s+pongas\s+(?:mi|el|los|su)\s+nombre|\ben\s+blanco",
                              re.IGNORECASE)
# ... or the text right before it describes a form's fields ("el formulario te pedirá datos como: [Nombres]", "dejar
# los campos así: Nombre: [NOMBRE COMPLETO]") or closes a letter for its signer to sign ("Atentamente,\n[Nombre y
# firma]": the user's own name, which the request did not give)
_FORM_OR_SIGNATURE_BEFORE = re.compile(r"\bformularios?\b|\bcampos\b|\bplantilla|\bmodelo\b|\batentamente|\bcordialmente|"
                                       r"\bsaludos|\bcon\s+(?:aprecio|cari[ñn]o|gratitud)|\bfirma|"
                                       # a letter's or minutes' own blanks: "Señor ingeniero [NOMBRE]", "Yo, [NOMBRE
                                       # COMPLETO]", "recomendar a [NOMBRE DEL ESTUDIANTE]", "Preside: [NOMBRE]"
                                       r"\byo,|\bseñor(?:a|es)?\b|\bsr\.|\bsra\.|\bestimad[oa]s?\b|\bconsideraci[óo]n|"
                                       r"\brecomendar\s+a\b|\bpreside|\bsecretari[oa]|\basunto|\bref\.", re.IGNORECASE)
_TABLE_ROW = re.compile(r"^\s*\|", re.MULTILINE)
TRANSLATION_TASK = re.compile(r"\btrad[uú][cz]|\b(?:al|en)\s+espa[ñn]ol\b|\btranslat|\bversi[óo]n\s+en\s+\w+|\ben\s+(?:ingl[ée]s|franc[ée]s|catal[áa]n|"
                              r"gallego|euskera|portugu[ée]s|alem[áa]n|italiano|quechua|guaran[íi])\b", re.IGNORECASE)
# (not the lines forms leave to fill in or sign, "____", nor rules "-----", "=====", "....."
CHAR_RUN = re.compile(r"([^_\-=.*~#·─━])\1{24,}")
WORD = re.compile(r"\w+")

# Necessary conditions of REFUSAL and CHAR_RUN in Rust-regex syntax, run over a whole batch by
# `batch_hints`: word boundaries dropped (a superset, and Rust's DFA stays fast), and "25 equal characters
# in a row" implies 25 non-space or 25 space characters in a row (Rust has no back-references).
REFUSAL_LOOSE = "(?i)" + REFUSAL.pattern.replace(r"\b", "")
CHAR_RUN_LOOSE = r"\S{25}|\s{25}"


@dataclass
class QualityConfig:
    min_instruction_chars: int = 8
    min_output_chars: int = 2
    max_field_chars: int = 20_000
    max_duplicate_line_fraction: float = 0.3
    max_top_trigram_fraction: float = 0.2


@dataclass
class QualityHints:
    """What a vectorized pass over the batch already ruled out for one record (`batch_hints`)."""

    maybe_refusal: bool = True
    maybe_char_run: dict[str, bool] | None = None  # per field
    maybe_top_trigram: dict[str, bool] | None = None  # per field


def batch_hints(instructions: list[str], outputs: list[str], max_field_chars: int, *,
                max_top_trigram_fraction: float = QualityConfig.max_top_trigram_fraction) -> list[QualityHints]:
    """For each record: can REFUSAL match its output, can CHAR_RUN match its instruction / output (polars), can
    the repeated-3-gram rule fire on its instruction / output (`top_trigram_hints`)."""
    import polars as pl

    if not outputs:
        return []
    out = pl.Series("o", outputs, dtype=pl.String)
    refusal = out.str.slice(0, 2000).str.contains(REFUSAL_LOOSE).to_list()
    run_out = out.str.slice(0, max_field_chars).str.contains(CHAR_RUN_LOOSE).to_list()
    run_ins = pl.Series("i", instructions, dtype=pl.String).str.slice(0, max_field_chars).str.contains(
        CHAR_RUN_LOOSE).to_list()
    gram_ins = top_trigram_hints([t[:max_field_chars] for t in instructions], max_top_trigram_fraction)
    gram_out = top_trigram_hints([t[:max_field_chars] for t in outputs], max_top_trigram_fraction)
    return [QualityHints(bool(r), {"instruction": bool(a), "output": bool(b)}, {"instruction": c, "output": d})
            for r, a, b, c, d in zip(refusal, run_ins, run_out, gram_ins, gram_out, strict=True)]


MIN_WORDS_FOR_TRIGRAMS = 30
MIN_TOP_TRIGRAM_COUNT = 4


def top_trigram_hints(texts: list[str], max_top_trigram_fraction: float) -> list[bool]:
    """For each text: can `repetition_detail`'s 3-gram rule fire on it? False only when it cannot.

    Vectorized (polars, numpy) over all texts. The words are exactly `WORD.findall(text.lower())`'s: Python
    lowercases, and `\\w` is spelled for Rust with Python's own class (`rust_class`), so the word counts are
    exact. A 3-gram is identified by a hash of its words' hashes, cut to the bits left beside the text's number
    in one sortable key: a collision can only merge different 3-grams, i.e. raise a count, never lower one. So
    the highest count found here is >= the true top 3-gram's count, and "count >= 4 and count * 3 / words >
    fraction" only gets truer as the count grows: a text whose rule fires always gets True. Texts marked True
    are checked exactly, in Python, by `repetition_detail`.
    """
    import numpy as np
    import polars as pl

    from corpus600m.filters.language_text import rust_class

    if not texts:
        return []
    words = pl.Series("t", [t.lower() for t in texts], dtype=pl.String).str.extract_all(rust_class(r"\w") + "+")
    n_words = words.list.len().to_numpy().astype(np.int64)
    long_rows = np.flatnonzero(n_words >= MIN_WORDS_FOR_TRIGRAMS)
    maybe = np.zeros(len(texts), dtype=bool)
    if not len(long_rows):
        return maybe.tolist()
    counts = n_words[long_rows]
    long_words = words if len(long_rows) == len(texts) else words.gather(long_rows)
    h = long_words.explode().hash(seed=600).to_numpy()
    row = np.repeat(np.arange(len(long_rows), dtype=np.uint64), counts)
    same_text = row[:-2] == row[2:]
    row_bits = max(int(len(long_rows) - 1).bit_length(), 1)
    with np.errstate(over="ignore"):
        grams = (h[:-2] * np.uint64(31) + h[1:-1] * np.uint64(17) + h[2:])[same_text]
    # (text number, top bits of the 3-gram hash) in one uint64: sorted, equal 3-grams of a text are adjacent
    keys = np.sort((row[:-2][same_text] << np.uint64(64 - row_bits)) | (grams >> np.uint64(row_bits)))
    run_starts = np.flatnonzero(np.diff(keys, prepend=keys[0] ^ np.uint64(1)))
    run_lengths = np.diff(run_starts, append=len(keys))
    run_rows = (keys[run_starts] >> np.uint64(64 - row_bits)).astype(np.int64)
    text_starts = np.flatnonzero(np.diff(run_rows, prepend=-1))  # every long text has >= 1 3-gram
    top_count = np.maximum.reduceat(run_lengths, text_starts)
    fires = (top_count >= MIN_TOP_TRIGRAM_COUNT) & (top_count * 3 / counts > max_top_trigram_fraction)
    maybe[long_rows] = fires
    return maybe.tolist()


def repetition_detail(text: str, config: QualityConfig, *, maybe_char_run: bool = True,
                      maybe_top_trigram: bool = True) -> str | None:
    """Why `text` is repetitive, or None (Gopher-style: duplicate lines, top word 3-gram share, char runs).

    `maybe_char_run` / `maybe_top_trigram` False (from `batch_hints`): that rule is known not to fire, skip it."""
    if maybe_char_run and CHAR_RUN.search(text):
        return "a character repeated 25+ times in a row"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) >= 4:
        dup = 1 - len(set(lines)) / len(lines)
        if dup > config.max_duplicate_line_fraction:
            return f"{dup:.0%} of lines are repeated"
    if not maybe_top_trigram:
        return None
    words = WORD.findall(text.lower())
    if len(words) >= MIN_WORDS_FOR_TRIGRAMS:
        grams = Counter(zip(words, words[1:], words[2:], strict=False))
        gram, count = grams.most_common(1)[0]
        share = count * 3 / len(words)  # the rule's measure (occurrences × 3 / words; over 1 when they overlap)
        if count >= MIN_TOP_TRIGRAM_COUNT and share > config.max_top_trigram_fraction:
            covered = {i + k for i, g in enumerate(zip(words, words[1:], words[2:], strict=False)) if g == gram
                       for k in range(3)}
            return (f"the 3-gram '{' '.join(gram)}' occurs {count:,} times and covers {len(covered) / len(words):.0%} "
                    f"of the {len(words):,} words")
    return None


def quality_issues(instruction: str, input_text: str | None, output: str, *, config: QualityConfig | None = None,
                   field_langs: dict[str, tuple[str, float]] | None = None,
                   hints: QualityHints | None = None) -> list[tuple[str, str]]:
    """Every quality problem of one record as (code, detail) pairs; empty when the record is fine.

    `hints` (from `batch_hints`) lets checks that cannot match be skipped; the result is the same."""
    config = config or QualityConfig()
    hints = hints or QualityHints()
    issues: list[tuple[str, str]] = []
    if len(instruction.strip()) < config.min_instruction_chars:
        issues.append(("quality:too_short", f"instruction has {len(instruction.strip())} characters "
                                            f"(minimum {config.min_instruction_chars})"))
    if len(output.strip()) < config.min_output_chars:
        issues.append(("quality:too_short", f"output has {len(output.strip())} characters (minimum {config.min_output_chars})"))
    for name, value in (("instruction", instruction), ("input", input_text or ""), ("output", output)):
        if len(value) > config.max_field_chars:
            issues.append(("quality:too_long", f"{name} has {len(value):,} characters (maximum {config.max_field_chars:,})"))
    for name, value in (("instruction", instruction), ("output", output)):
        maybe_run = hints.maybe_char_run[name] if hints.maybe_char_run else True
        maybe_gram = hints.maybe_top_trigram[name] if hints.maybe_top_trigram else True
        detail = repetition_detail(value[: config.max_field_chars], config, maybe_char_run=maybe_run,
                                   maybe_top_trigram=maybe_gram)
        if detail:
            issues.append(("quality:repetition", f"{name}: {detail}"))
    refusal = REFUSAL.search(output[:2000]) if hints.maybe_refusal else None
    if refusal:
        issues.append(("quality:refusal", f"output: '{refusal.group(0)}'"))
    if BOILERPLATE.match(output.strip()[:300]) and len(output) < 300:
        issues.append(("quality:boilerplate", f"output is assistant small talk: '{output.strip()[:80]}'"))
    norm_instruction, norm_output = normalize_text(instruction).lower(), normalize_text(output).lower()
    if norm_instruction == norm_output:
        issues.append(("quality:instruction_equals_output", "the output repeats the instruction"))
    elif len(norm_output) > 20 and norm_output in norm_instruction:
        issues.append(("quality:instruction_equals_output", "the output is a piece of the instruction"))
    template_asked = bool(TEMPLATE_REQUEST.search(instruction) or TEMPLATE_REQUEST.search(output[:200]))
    for name, value in (("instruction", instruction), ("input", input_text or ""), ("output", output)):
        leftover = TEMPLATE_LEFTOVER.search(value)
        if leftover and name != "instruction" and leftover.group(0).startswith("[") and (
                template_asked or _FORM_OR_SIGNATURE_BEFORE.search(value, max(0, leftover.start() - 150), leftover.start())):
            leftover = None
        if leftover:
            issues.append(("quality:template_leftover", f"{name}: '{leftover.group(0)}'"))
    if field_langs:
        # (a table of names, codes and numbers has no language to tell: "| Ccori Huillca | 41827364 |" reads as Quechua)
        fields = {"instruction": instruction, "input": input_text or "", "output": output}
        confident = {f: lang for f, (lang, score) in field_langs.items() if lang != "und" and score >= 0.6
                     and len(_TABLE_ROW.findall(fields.get(f, ""))) < 3}
        if len(set(confident.values())) > 1 and not TRANSLATION_TASK.search(instruction):
            detail = ", ".join(f"{f}={lang}" for f, lang in confident.items())
            issues.append(("quality:mixed_language", detail))
    return issues
