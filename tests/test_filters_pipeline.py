"""The filter stage end to end: duplicates, quality, every decision kept, the CLI, the store stage, the flow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

from corpus600m.filters import KnownTexts, filter_records, filter_table
from corpus600m.records import Record
from corpus600m.store import Store, Table

LONG_OUTPUT = (
    "El ciclo del agua describe cómo el agua se mueve entre la tierra, los océanos y la atmósfera. El sol calienta "
    "el agua de mares y ríos, que se evapora y sube como vapor. Al enfriarse en altura, el vapor se condensa y forma "
    "nubes. Cuando las gotas pesan lo suficiente, caen como lluvia, nieve o granizo, y el agua vuelve a los ríos, "
    "a los lagos y a las capas subterráneas, desde donde el ciclo empieza otra vez."
)


def rec(instruction: str, output: str, **kw) -> Record:
    return Record(instruction=instruction, output=output, source=kw.pop("source", "synthetic"), **kw)


def reasons_of(result, record_id: str) -> set[str]:
    return {r.code for rej in result.rejected if rej.record.id == record_id for r in rej.reasons}


def test_clean_spanish_passes_unchanged_with_decisions_filled():
    clean = rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT, country="AR")
    result = filter_records([clean])
    assert [r.id for r in result.kept] == [clean.id] and not result.rejected
    kept = result.kept[0]
    assert (kept.instruction, kept.output) == (clean.instruction, clean.output)
    assert kept.lang == "es" and kept.lang_score > 0.9 and kept.pii == [] and kept.dedup_cluster == clean.id


def test_exact_and_near_duplicates_within_the_batch_and_against_known_texts():
    first = rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT)
    exact = rec("Explica el ciclo del  agua a un niño de diez años.", LONG_OUTPUT.upper(), country="MX")
    near = rec("Explica el ciclo del agua a una niña de diez años.", LONG_OUTPUT.replace("otra vez", "de nuevo"))
    other = rec("Dame tres consejos para ahorrar agua en casa.",
                "Cierra la llave mientras te cepillas los dientes, repara las fugas y reutiliza el agua de lavar verduras.")
    result = filter_records([first, exact, near, other])
    assert reasons_of(result, exact.id) == {"duplicate"}
    assert reasons_of(result, near.id) == {"near_duplicate"}
    assert {r.id for r in result.kept} == {first.id, other.id}
    assert all(rej.record.dedup_cluster == first.id for rej in result.rejected)

    known = KnownTexts()
    known.add([first.id], [f"{first.instruction}\n{first.output}"])
    again = filter_records([near], known=known)
    assert reasons_of(again, near.id) == {"near_duplicate"}


def test_quality_rules_and_every_check_runs_on_an_already_rejected_record():
    refusal = rec("Escribe un poema sobre Quito.", "Lo siento, pero no puedo ayudarte con eso. Como modelo de lenguaje no escribo poemas.")
    small_talk = rec("Dame una receta de arepas venezolanas.", "¡Hola! ¿En qué puedo ayudarte?")
    echo = rec("Resume la historia de la Alhambra.", "Resume la historia de la Alhambra.")
    repeated = rec("Escribe una lista de frutas tropicales.", "\n".join(["mango, papaya y piña"] * 12))
    short = rec("Hola", "x" * 30)
    # Galician AND a phone number AND a refusal: three reasons, all listed
    many = rec("Explica como funciona unha bomba de calor nunha vivenda unifamiliar.",
               "Non podo axudarte. Como modelo de lenguaje no puedo ayudarte; chama ao 612 345 678.")
    result = filter_records([refusal, small_talk, echo, repeated, short, many])
    assert not result.kept
    assert "quality:refusal" in reasons_of(result, refusal.id)
    assert "quality:boilerplate" in reasons_of(result, small_talk.id)
    assert "quality:instruction_equals_output" in reasons_of(result, echo.id)
    assert "quality:repetition" in reasons_of(result, repeated.id)
    assert "quality:too_short" in reasons_of(result, short.id)
    assert {"language", "quality:refusal"} <= reasons_of(result, many.id)
    rejected_many = next(r for r in result.rejected if r.record.id == many.id)
    assert "<PHONE>" in rejected_many.record.output and rejected_many.record.pii[0].entity_type == "PHONE_NUMBER"


def test_batch_quality_hints_never_skip_a_check_that_would_match():
    """The vectorized prechecks (refusal, runs of one character) only skip records the full rules pass."""
    from corpus600m.filters.quality import QualityConfig, batch_hints, quality_issues

    outputs = ["Lo siento, pero no puedo ayudarte con eso.", "As an AI language model, I cannot help.",
               "Como IA no tengo opiniones personales.", "a" * 30, "-" * 40 + " fin", "hola" + " " * 30 + "adiós",
               "Soy una inteligencia artificial, no puedo responder.", "El mercado abre los domingos a las nueve."]
    instructions = ["Escribe un poema."] * (len(outputs) - 1) + ["=" * 26]
    config = QualityConfig()
    for instruction, output, hints in zip(instructions, outputs, batch_hints(instructions, outputs, 20_000),
                                          strict=True):
        assert quality_issues(instruction, None, output, config=config, hints=hints) == \
            quality_issues(instruction, None, output, config=config), output
    assert not batch_hints(["Escribe un poema."], ["El mercado abre los domingos a las nueve."], 20_000)[0].maybe_refusal


REPETITIVE = [
    "\n".join(["mango, papaya y piña"] * 12),
    "uno dos tres " * 10,
    # exactly at the thresholds: 4 times "a b c" is 12 of n words; fires only when 12 / n > 0.2 (n < 60)
    "a b c " * 4 + " ".join(f"p{i}" for i in range(47)),  # 59 words: fires
    "a b c " * 4 + " ".join(f"p{i}" for i in range(48)),  # 60 words: 20% exactly, does not fire
    "a b c " * 3 + " ".join(f"p{i}" for i in range(21)),  # 30 words, 3 times: below the minimum count
    "a b c " * 5 + " ".join(f"p{i}" for i in range(14)),  # 29 words: too few words to judge
    "a b c " * 5 + " ".join(f"p{i}" for i in range(15)),  # 30 words: fires
    "Cafe\u0301 cafe\u0301 " * 20,  # decomposed accents: the mark splits words, in Python's \w
    "ﬁn ｆｉｎ Ⅻ x² ٣٣ " * 10,  # compatibility forms and numerals: \w as Python has it
    "İSTANBUL İSTANBUL İSTANBUL " * 8,  # lowercases to i + a combining dot: more words than letters suggest
    "la la la la la la la la la la la la la la la la la la la la la la la la la la la la la la",
    "Hola " * 50_000,  # longer than the field limit: judged on its first 20,000 characters
    "", "hola", "-" * 40,
]


def test_batch_trigram_hints_never_skip_a_repetition_that_fires():
    """The vectorized 3-gram precheck marks every text whose repetition rule fires (and few others)."""
    import sys

    from collections import Counter

    from corpus600m.filters.quality import (
        WORD,
        QualityConfig,
        batch_hints,
        quality_issues,
        repetition_detail,
        top_trigram_hints,
    )

    sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
    from filters import generate

    records, _ = generate(300)
    texts = REPETITIVE + [LONG_OUTPUT] + [r.output for r in records]
    config = QualityConfig()
    limited = [t[: config.max_field_chars] for t in texts]
    hints = top_trigram_hints(limited, config.max_top_trigram_fraction)
    for text, maybe in zip(limited, hints, strict=True):
        detail = repetition_detail(text, config, maybe_char_run=False)
        if detail and "3-gram" in detail:
            assert maybe, text[:80]
        assert repetition_detail(text, config, maybe_top_trigram=maybe) == repetition_detail(text, config), text[:80]
    def trigram_rule_fires(text: str) -> bool:  # the rule alone (repetition_detail stops at the first rule)
        words = WORD.findall(text.lower())
        if len(words) < 30:
            return False
        count = Counter(zip(words, words[1:], words[2:], strict=False)).most_common(1)[0][1]
        return count >= 4 and count * 3 / len(words) > config.max_top_trigram_fraction

    fired = [trigram_rule_fires(t) for t in limited]
    assert fired[:7] == [True, True, True, False, False, False, True]
    assert hints == fired  # no hash collision in so few texts: the precheck is exact here
    instructions = ["Escribe una lista de frutas."] * len(texts)
    for instruction, output, hint in zip(instructions, texts, batch_hints(instructions, texts, config.max_field_chars),
                                         strict=True):
        assert quality_issues(instruction, None, output, config=config, hints=hint) == \
            quality_issues(instruction, None, output, config=config), output[:80]


def test_normalized_text_equals_polars_nfkc_everywhere():
    """Dedup's normalization (Python's NFKC where it agrees with polars', one pass for punctuation and spaces)
    gives the text the all-polars spelling gives, also for characters Python's Unicode tables do not know."""
    from corpus600m.filters.dedup import normalized_frame

    texts = REPETITIVE + [LONG_OUTPUT, "ﬁ ｆｕｌｌ Ⅻ ½ x² e\u0301 \u1c89 \U0001e4d0 \u0378\u0301a Ǆ ǅ ﬀ",
                          " ¿Qué? — «No»…  tab\there\n\nnew\u00a0line ", "ΣΟΦΟΣ.", "\u1e9b\u0323 \u212b \uac00\u11a8"]
    reference = (pl.Series("t", texts, dtype=pl.String).str.normalize("NFKC").str.to_lowercase()
                 .str.replace_all(r"[^\w\s]", " ").str.replace_all(r"\s+", " ").str.strip_chars())
    assert normalized_frame(texts).to_list() == reference.to_list()
    assert normalized_frame([]).to_list() == []


def test_duplicate_representatives_follow_priority_then_position():
    import numpy as np

    from corpus600m.filters.dedup import NUM_PERM, band_keys, find_duplicates

    texts = [LONG_OUTPUT, LONG_OUTPUT.upper(), LONG_OUTPUT.replace("otra vez", "de nuevo"), "Otra cosa distinta."]
    verdicts, _, _ = find_duplicates(["a", "b", "c", "d"], texts, KnownTexts(), priority=[1, 0, 0, 0])
    assert [(v.kind, v.of) for v in verdicts] == [("duplicate", "b"), (None, None), ("near_duplicate", "b"),
                                                  (None, None)]
    known = KnownTexts()
    known.add(["k"], [LONG_OUTPUT])
    verdicts, _, _ = find_duplicates(["c", "d"], texts[2:], known)
    assert [(v.kind, v.of) for v in verdicts] == [("near_duplicate", "k"), (None, None)]
    keys = band_keys(np.zeros((2, NUM_PERM), dtype=np.uint32))
    assert known.candidate_rows(keys) == [set(), set()] and known.candidate_map(keys) == {}
    assert known.candidate_map(band_keys(known.digests)) == {0: {0}}


def test_mixed_languages_are_flagged_but_translation_tasks_are_not():
    mixed = rec("Explica en detalle cómo funciona la memoria caché de un procesador moderno.",
                "A cache is a small and fast memory placed close to the processor cores that keeps copies of recently used data.")
    translation = rec("Traduce al inglés: la memoria caché guarda copias de los datos usados recientemente por el procesador.",
                      "The cache memory keeps copies of the data recently used by the processor.")
    result = filter_records([mixed, translation])
    assert "quality:mixed_language" in reasons_of(result, mixed.id)
    assert [r.id for r in result.kept] == [translation.id]


def test_pii_reject_policy(data_dir):
    from corpus600m.settings import get_settings

    settings = get_settings().model_copy(update={"filter_pii_policy": {"CREDIT_CARD": "reject"}})
    card = rec("¿Es seguro pagar así?", "Pagué con la tarjeta 4111 1111 1111 1111 y no me llegó la confirmación del pedido.")
    result = filter_records([card], settings=settings)
    assert reasons_of(result, card.id) == {"pii"}
    assert result.rejected[0].record.pii[0].action == "rejected"


def test_filter_table_is_idempotent_and_dedups_against_the_store(data_dir: Path):
    store = Store(data_dir)
    a = rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT)
    b = rec("Dame tres consejos para ahorrar agua en casa.",
            "Cierra la llave mientras te cepillas los dientes, repara las fugas y reutiliza el agua de lavar verduras.")
    pt = rec("Você pode me explicar como funciona a fotossíntese?", "A fotossíntese é o processo pelo qual as plantas produzem o seu alimento.")
    store.upsert(Table.GENERATED, [a, b, pt])
    report = filter_table(store, "generated")
    assert (report.n_in, report.n_kept, report.n_rejected) == (3, 2, 1)
    assert store.count(Table.FILTERED) == 2 and store.count(Table.REJECTED) == 1
    assert filter_table(store, "generated").n_in == 0  # idempotent
    donated = rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT.replace("otra vez", "de nuevo"), source="donation")
    store.upsert(Table.DONATED, [donated])
    report = filter_table(store, "donated")
    assert report.rejected_by_reason == {"near_duplicate": 1}
    rejected = store.read(Table.REJECTED).filter(pl.col("id") == donated.id)
    assert rejected["reasons"][0][0]["code"] == "near_duplicate"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "corpus600m"), *args], capture_output=True, text=True,
                          timeout=300)


def test_cli_keeps_every_line_and_names_bad_lines(tmp_path: Path, data_dir: Path):
    lines = [
        json.dumps({"instruction": "Explica el ciclo del agua a un niño de diez años.", "output": LONG_OUTPUT,
                    "country": "CL", "mi_campo": 7}, ensure_ascii=False),
        json.dumps({"instruction": "Escribe un correo para pedir cita.",
                    "output": "Hola, soy Ana Ruiz. Mi teléfono es 612 345 678 y mi correo ana.ruiz@gmail.com."}, ensure_ascii=False),
        '{"instruction": "sin cerrar',
        json.dumps({"instruction": 12, "output": "texto"}),
        json.dumps({"output": "falta la instrucción"}, ensure_ascii=False),
        "",
        json.dumps({"instruction": "Bon dia", "output": "Els nens juguen a la plaça mentre les seves mares parlen de la feina."},
                   ensure_ascii=False),
        json.dumps({"instruction": "Resume esto.", "output": "Hola " * 50_000}),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rej = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    proc = run_cli("filter", str(src), "--out", str(out), "--rejects", str(rej))
    assert proc.returncode == 0, proc.stderr
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rejected = [json.loads(line) for line in rej.read_text(encoding="utf-8").splitlines()]
    assert len(kept) + len(rejected) == 7  # 7 non-blank lines, each in exactly one file
    assert kept[0]["mi_campo"] == 7 and kept[0]["country"] == "CL"
    assert kept[1]["output"] == "Hola, soy <PERSON>. Mi teléfono es <PHONE> y mi correo <EMAIL>."
    by_line = {r["line"]: r for r in rejected}
    assert by_line[3]["reasons"][0]["code"] == "malformed" and by_line[3]["raw"] == '{"instruction": "sin cerrar'
    assert "instruction" in by_line[4]["reasons"][0]["detail"] and "line 4" in by_line[4]["reasons"][0]["detail"]
    assert "missing" in by_line[5]["reasons"][0]["detail"]
    assert by_line[7]["reasons"][0]["code"] == "language"
    assert {"quality:too_long", "quality:repetition"} <= {r["code"] for r in by_line[8]["reasons"]}
    assert "line 3" in proc.stderr and "rejected" in proc.stdout

    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    proc = run_cli("filter", str(empty), "--out", str(out))
    assert proc.returncode == 1 and "empty" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_parquet_in_and_out_with_langs(tmp_path: Path, data_dir: Path):
    src = tmp_path / "in.parquet"
    pl.DataFrame({"instruction": ["Explica com es prepara el pa amb tomàquet.", "Explica el ciclo del agua a un niño."],
                  "output": ["Es frega el pa amb tomàquet madur, s'hi afegeix oli d'oliva i una mica de sal.", LONG_OUTPUT]}
                 ).write_parquet(src)
    out = tmp_path / "out.parquet"
    proc = run_cli("filter", str(src), "--out", str(out), "--langs", "es,ca")
    assert proc.returncode == 0, proc.stderr
    kept = pl.read_parquet(out)
    assert sorted(kept["lang"].to_list()) == ["ca", "es"]


def test_prefect_flow_filter(prefect_api: str, data_dir: Path):
    from flows.filter import filter_flow

    store = Store(data_dir)
    store.upsert(Table.GENERATED, [rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT)])
    report = filter_flow(str(data_dir), sources=["generated", "donated"])
    assert report.n_in == 1 and report.n_kept == 1
    assert store.count(Table.FILTERED) == 1


def test_guarani_full_of_spanish_loanwords_is_rejected_for_language_unless_allowed():
    """Real Paraguayan Guaraní (UDHR articles 1 and 2, dev split of tests/data/filters/eval/): lid.176 calls it
    Spanish; it is rejected with reason `language` by default, kept as gn when gn is allowed."""
    from corpus600m.settings import Settings

    articles = {json.loads(line)["unit"]: json.loads(line)["text"] for line in
                (Path(__file__).parent / "data" / "filters" / "eval" / "udhr_dev.jsonl").read_text(encoding="utf-8")
                .splitlines() if json.loads(line)["doc"] == "udhr-gug"}
    guarani = rec(articles["article-1"], articles["article-2"], country="PY")
    spanish = rec("Explica el ciclo del agua a un niño de diez años.", LONG_OUTPUT, country="PY")

    default = filter_records([guarani, spanish], settings=Settings(allowed_langs=["es"]))
    assert [r.id for r in default.kept] == [spanish.id]
    assert reasons_of(default, guarani.id) == {"language"}
    detail = next(r.detail for rej in default.rejected for r in rej.reasons if r.code == "language")
    assert detail.startswith("detected gn")

    allowed = filter_records([guarani, spanish], settings=Settings(allowed_langs=["es", "gn"]))
    assert {r.id: r.lang for r in allowed.kept} == {guarani.id: "gn", spanish.id: "es"}
    assert not allowed.rejected


def test_a_form_with_lines_to_sign_is_not_repetition_but_a_run_of_one_letter_is():
    from corpus600m.filters.quality import QualityConfig, repetition_detail

    form = ("CARTA PODER\n\nYo, ______________________________, identificado con DNI N.° ______________, autorizo a "
            "mi hermano a recoger el paquete.\n\n=============================\nFirma: ______________________________")
    assert repetition_detail(form, QualityConfig()) is None
    assert repetition_detail("Nooooooooooooooooooooooooooooooo, no quiero.", QualityConfig()) is not None


def test_cli_quiet_shows_no_progress_bar(tmp_path: Path, data_dir: Path):
    import os

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"instruction": "Hola, ¿qué tal?", "output": "Muy bien, gracias por preguntar hoy."},
                              ensure_ascii=False) + "\n", encoding="utf-8")
    cli = [str(Path(sys.executable).parent / "corpus600m"), "filter", str(src), "--out", str(tmp_path / "out.jsonl")]
    env = {**os.environ, "FORCE_COLOR": "1", "COLUMNS": "120"}  # rich draws its bars as on a terminal
    shown = subprocess.run(cli, capture_output=True, text=True, timeout=300, env=env)
    quiet = subprocess.run([*cli, "--quiet"], capture_output=True, text=True, timeout=300, env=env)
    assert shown.returncode == quiet.returncode == 0, quiet.stderr
    assert "filtering in.jsonl" in shown.stderr and "filtering" not in quiet.stderr
    assert "kept:" in quiet.stdout  # the summary still prints


def test_a_placeholder_is_a_leftover_unless_a_template_a_forms_fields_or_a_signature_was_asked_for():
    from corpus600m.filters.quality import quality_issues

    def leftover(instruction: str, output: str) -> bool:
        return any(code == "quality:template_leftover" for code, _ in quality_issues(instruction, None, output))

    # a generated answer that forgot to fill in what it was given
    assert leftover("Escribe un saludo de cumpleaños para mi tía Carmen.", "¡Feliz cumpleaños, [NOMBRE DE LA TÍA]! Que "
                    "pases un día precioso rodeada de los tuyos.")
    assert leftover("Resume el texto.", "{instruction}")
    # ... but a template asked for, a form's fields described, a letter left for its signer are answers
    assert not leftover("Hazme una plantilla de invitación con espacios para llenar.", "Te invitamos a la boda de "
                        "[NOMBRE DE LA NOVIA] y [NOMBRE DEL NOVIO], el [DÍA] de [MES].")
    assert not leftover("¿Qué me piden para la beca?", "El formulario de la beca te pedirá datos como [Nombres], "
                        "[Número de documento] y [Correo]; ten a mano tu último boletín de notas.")
    assert not leftover("Redacta una referencia laboral para Ana, que trabajó 3 años con nosotros.", "A quien "
                        "corresponda: Ana trabajó con nosotros tres años con esmero y honradez.\nAtentamente,\n"
                        "[Nombre y firma]")
    # ... or blanks asked for in other words, and a letter's own blanks after its salutation or "Yo,"
    assert not leftover("Redáctame una queja para la alcaldía, deja espacios para mi nombre y mi CI.", "La Paz, "
                        "[fecha]\n\nSeñor Alcalde:\nYo, [NOMBRE COMPLETO], con CI [NÚMERO], me dirijo a usted...")
    assert not leftover("Hazme un cartel de perro perdido, pero deja huecos para el nombre del perro.",
                        "PERRO PERDIDO\nNombre: [NOMBRE DEL PERRO]\nSe perdió cerca de la catedral.")
    assert not leftover("Escribe la queja, todavía no pongas mi nombre.", "Estimados compañeros:\nLes escribo por los "
                        "apagones del barrio.\n[NOMBRE Y APELLIDOS]")
    assert not leftover("Necesito una carta para el dueño de la casa que alquilo por el techo.", "Guayaquil, 3 de "
                        "mayo\n\nSeñor ingeniero\n[NOMBRE]\nPresente.\n\nLe escribo por las goteras del techo.")


def test_a_translation_asked_with_an_accent_and_a_table_of_names_are_not_mixed_language():
    from corpus600m.filters.quality import quality_issues

    def mixed(instruction: str, output: str, langs: dict) -> bool:
        return any(code == "quality:mixed_language" for code, _ in quality_issues(instruction, None, output,
                                                                                  field_langs=langs))

    assert not mixed("Tradúceme al inglés: la plaza lleva el nombre del prócer.", "The square is named after the hero.",
                     {"instruction": ("es", 0.9), "output": ("en", 0.9)})
    table = "| Alumno | DNI |\n|---|---|\n| Ccori Huillca | 41827364 |\n| Quispe Mamani | 40123987 |"
    assert not mixed("Pasa a tabla esta lista de alumnos.", table, {"instruction": ("es", 0.9), "output": ("qu", 0.8)})
    # prose in another language is still mixed
    assert mixed("Escribe un saludo para la clase.", "Hello everyone, welcome to the class!",
                 {"instruction": ("es", 0.9), "output": ("en", 0.9)})
