"""Donations: every kind of bad input is either quarantined row by row (good rows go on) or refuses the whole
donation with a clear message and writes nothing. Real files in every supported format, the real store."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import polars as pl
import pytest
import yaml

from corpus600m.filters.language import detect_language
from corpus600m.ingest import DonationRefused, ingest_donation
from corpus600m.records import frame_to_records, record_id
from corpus600m.settings import get_settings
from corpus600m.store import Store, Table
from flows.ingest_inbox import ingest_one_donation

FIXTURES = Path(__file__).parent / "data" / "donations"
GOOD = [json.loads(line) for line in (FIXTURES / "good.jsonl").read_text(encoding="utf-8").splitlines()]


# ---- helpers ------------------------------------------------------------------------------------


def row_id(row: dict) -> str:
    return record_id(row["pregunta"].strip(), (row.get("contexto") or "").strip() or None, row["respuesta"].strip())


GOOD_IDS = {row_id(r) for r in GOOD}


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def write_manifest(folder: Path, **overrides) -> Path:
    data = yaml.safe_load((FIXTURES / "manifest.yaml").read_text(encoding="utf-8"))
    data.update(overrides)
    path = folder / "manifest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def make_donation(root: Path, files: dict[str, str | bytes], folder_name: str = "donation", **overrides) -> tuple[Path, Path]:
    folder = root / folder_name
    folder.mkdir(parents=True)
    for rel, content in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return folder, write_manifest(folder, **overrides)


def stored(data_dir: Path) -> pl.DataFrame:
    return Store(data_dir).read(Table.DONATED)


def quarantine_entries(report) -> list[dict]:
    return [json.loads(line) for line in Path(report.quarantine_path).read_text(encoding="utf-8").splitlines()]


def assert_identity(report) -> None:
    assert report.rows_read == report.kept + report.quarantined + report.duplicates
    assert sum(report.quarantined_by_reason.values()) == report.quarantined


def assert_good_rows_kept(data_dir: Path, ids: set[str] = GOOD_IDS) -> None:
    in_store = set(stored(data_dir)["id"])
    assert ids <= in_store, f"good rows lost: {ids - in_store}"


def assert_nothing_written(data_dir: Path) -> None:
    assert not Store(data_dir).exists(Table.DONATED), "a refused donation wrote rows"
    donations = data_dir / "donations"
    leftovers = [p for p in donations.rglob("*") if p.is_file() and p.suffix != ".lock"] if donations.exists() else []
    assert leftovers == [], f"a refused donation left files: {leftovers}"


# ---- the happy path: provenance, report, formats -------------------------------------------------


def test_good_donation_lands_in_donated_with_provenance_and_report(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"good.jsonl": (FIXTURES / "good.jsonl").read_text(encoding="utf-8"),
                                                "README.md": "# sobre este corpus\n"})
    report = ingest_donation(folder, manifest, report_path=tmp_path / "out" / "report.json",
                             detect_language=detect_language)
    assert (report.rows_read, report.kept, report.quarantined, report.duplicates) == (5, 5, 0, 0)
    assert report.ignored_files == ["README.md"]
    records = {r.id: r for r in frame_to_records(stored(data_dir))}
    assert set(records) == GOOD_IDS
    first = records[row_id(GOOD[0])]
    assert first.source == "donation" and first.country == "AR" and first.variety == "rioplatense"
    assert first.locale == "es_AR" and first.domain == "vida cotidiana" and first.task == "pregunta-respuesta"
    assert first.input is None  # an empty optional context is no context
    assert (first.origin.donor, first.origin.dataset, first.origin.license) == (
        "Colectivo Mate y Código", "consejos-porteños", "CC-BY-SA-4.0")
    assert (first.origin.file, first.origin.row, first.origin.source_url) == (
        "good.jsonl", 1, "https://example.org/mate-y-codigo")
    assert records[row_id(GOOD[1])].input == "Estoy en Palermo."
    saved = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert saved["kept"] == 5 and saved["language_mix"] == {"es": 5}
    assert "aceptadas | 5" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert (data_dir / "donations" / "colectivo-mate-y-codigo" / "consejos-portenos" / "report.json").is_file()


def test_latin1_csv_is_converted_with_a_warning(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"latin1.csv": (FIXTURES / "latin1.csv").read_bytes()})
    report = ingest_donation(folder, manifest)
    assert report.kept == 3 and report.quarantined == 0
    assert any("not UTF-8" in w and "latin1.csv" in w and "converted to UTF-8" in w for w in report.warnings)
    texts = set(stored(data_dir)["instruction"])
    assert "¿Qué significa «che»?" in texts and "Traducí «niño» al inglés." in texts


def test_cp1252_tsv_keeps_curly_quotes_and_euro(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"cp1252.tsv": (FIXTURES / "cp1252.tsv").read_bytes()})
    report = ingest_donation(folder, manifest)
    assert report.kept == 2 and report.files[0].encoding == "cp1252"
    outputs = set(stored(data_dir)["output"])
    assert "“El que madruga, Dios lo ayuda” — dice el refrán." in outputs
    assert any("2 €" in o and "…" in o for o in outputs)


def test_every_format_and_archive_is_read(data_dir, tmp_path):
    import datasets

    csv_text = "pregunta;contexto;respuesta\n" + "".join(
        f"\"{r['pregunta']}\";\"{r.get('contexto') or ''}\";\"{r['respuesta']}\"\n" for r in GOOD[:2])
    source = tmp_path / "src"
    source.mkdir()
    pl.DataFrame({"pregunta": [GOOD[2]["pregunta"]], "respuesta": [GOOD[2]["respuesta"]], "votos": [3]}).write_parquet(
        source / "extra.parquet")
    hf = datasets.DatasetDict({
        "train": datasets.Dataset.from_list([{"pregunta": GOOD[3]["pregunta"], "contexto": "", "respuesta": GOOD[3]["respuesta"]}]),
        "test": datasets.Dataset.from_list([{"pregunta": GOOD[4]["pregunta"], "contexto": GOOD[4]["contexto"], "respuesta": GOOD[4]["respuesta"]}]),
    })
    hf.save_to_disk(str(source / "hf"))
    zip_bytes = io.BytesIO()
    with zipfile.ZipFile(zip_bytes, "w") as zf:
        zf.writestr("parte/semicolon.csv", "\ufeff" + csv_text)  # BOM + ';' as Excel in Spanish writes it
        zf.write(source / "extra.parquet", "extra.parquet")
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w:gz") as tf:
        tf.add(source / "hf", arcname="hf")
    array = json.dumps([{"pregunta": "¿Qué es el lunfardo?", "respuesta": "Es el argot de Buenos Aires."}], ensure_ascii=False, indent=2)
    crlf = jsonl([{"pregunta": "¿Qué es un bondi?", "respuesta": "Un colectivo, un autobús."}]).replace("\n", "\r\n")
    folder, manifest = make_donation(tmp_path, {"a.zip": zip_bytes.getvalue(), "b.tar.gz": tar_bytes.getvalue(),
                                                "c.json": array, "d.jsonl": crlf})
    report = ingest_donation(folder, manifest)
    formats = {f.file: f.format for f in report.files}
    assert formats == {"a.zip/extra.parquet": "parquet", "a.zip/parte/semicolon.csv": "csv", "b.tar.gz/hf[train]": "hf_dataset",
                       "b.tar.gz/hf[test]": "hf_dataset", "c.json": "json", "d.jsonl": "jsonl"}
    assert (report.rows_read, report.kept, report.quarantined) == (7, 7, 0)
    assert any("';'" in w for w in report.warnings)
    assert_good_rows_kept(data_dir)
    rows = {r.origin.file: r for r in frame_to_records(stored(data_dir))}
    assert rows["b.tar.gz/hf[test]"].input == GOOD[4]["contexto"]
    assert rows["d.jsonl"].instruction == "¿Qué es un bondi?"


# ---- row-level problems: quarantined with file, line, reason; good rows go on -----------------------

ROW_CASES = [
    # (case, bad JSONL line, reason, message fragment)
    ("malformed_json", '{"pregunta": "hola", "respuesta": ', "malformed", "line is not valid JSON"),
    ("not_an_object", '["hola", "chau"]', "not_an_object", "line holds a JSON array, not an object"),
    ("missing_field", '{"pregunta": "hola"}', "missing_field", "column 'respuesta' (mapped to 'output') is missing"),
    ("empty_field", '{"pregunta": "hola", "respuesta": "   "}', "empty_field", "field 'output' (column 'respuesta') is empty"),
    ("null_field", '{"pregunta": null, "respuesta": "chau"}', "empty_field", "field 'instruction' (column 'pregunta') is null"),
    ("number", '{"pregunta": "¿Cuánto es 6x7?", "respuesta": 42}', "non_text", "field 'output' (column 'respuesta') holds int 42, not text"),
    ("nested_input", '{"pregunta": "hola", "contexto": {"a": 1}, "respuesta": "chau"}', "non_text", "field 'input' (column 'contexto') holds dict"),
    ("control_chars", '{"pregunta": "hola\\u0007", "respuesta": "chau"}', "control_chars", "control character U+0007 at character 4"),
    ("c1_control", '{"pregunta": "hola", "respuesta": "ch\\u0085au"}', "control_chars", "control character U+0085"),
    ("lone_surrogate", '{"pregunta": "hola \\ud800", "respuesta": "chau"}', "invalid_unicode", "invalid lone surrogate U+D800"),
    ("replacement_char", '{"pregunta": "¿Qué es el a\\ufffdo?", "respuesta": "chau"}', "encoding_damage", "U+FFFD replacement characters"),
    ("html", '{"pregunta": "hola", "respuesta": "<p>Hola <b>mundo</b></p>"}', "html", "contains HTML markup ('<p>')"),
    ("script", '{"pregunta": "hola <script>alert(1)</script>", "respuesta": "chau"}', "html", "contains script content"),
    ("javascript_url", '{"pregunta": "hola", "respuesta": "mirá javascript:alert(1)"}', "html", "contains script content"),
]


@pytest.mark.parametrize(("case", "bad_line", "reason", "message"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_bad_row_is_quarantined_and_good_rows_kept(data_dir, tmp_path, case, bad_line, reason, message):
    lines = [json.dumps(r, ensure_ascii=False) for r in GOOD]
    lines.insert(2, bad_line)  # the bad row is line 3, between good ones
    folder, manifest = make_donation(tmp_path, {"mixed.jsonl": "\n".join(lines) + "\n"})
    report = ingest_donation(folder, manifest)
    assert_identity(report)
    assert (report.rows_read, report.kept, report.quarantined) == (6, 5, 1)
    assert report.quarantined_by_reason == {reason: 1}
    [entry] = quarantine_entries(report)
    assert (entry["file"], entry["line"], entry["reason"]) == ("mixed.jsonl", 3, reason)
    assert message in entry["message"], entry["message"]
    assert entry["raw"] == bad_line  # the row as donated, to fix and send again
    assert_good_rows_kept(data_dir)


def test_field_over_the_configured_maximum_is_quarantined(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("CORPUS600M_DONATION_MAX_FIELD_CHARS", "300")
    get_settings.cache_clear()
    long_row = {"pregunta": "Contame una historia.", "respuesta": "Había una vez " * 30}
    folder, manifest = make_donation(tmp_path, {"data.jsonl": jsonl([*GOOD, long_row])})
    report = ingest_donation(folder, manifest)
    [entry] = quarantine_entries(report)
    assert entry["reason"] == "too_long" and entry["line"] == 6
    assert "is 419 characters long; the maximum is 300 (CORPUS600M_DONATION_MAX_FIELD_CHARS)" in entry["message"]
    assert report.kept == 5
    assert_good_rows_kept(data_dir)


def test_html_inside_code_blocks_and_angle_brackets_in_prose_are_kept(data_dir, tmp_path):
    rows = [*GOOD,
            {"pregunta": "¿Cómo hago un párrafo en HTML?", "respuesta": "Así:\n```html\n<p>Hola</p>\n```\no con `<br>`."},
            {"pregunta": "¿Es 3 < 5 y 7 > 2?", "respuesta": "Sí: 3 < 5 y 7 > 2. Un e-mail: <ana@example.org>."}]
    folder, manifest = make_donation(tmp_path, {"data.jsonl": jsonl(rows)})
    report = ingest_donation(folder, manifest)
    assert (report.kept, report.quarantined) == (7, 0)
    assert_good_rows_kept(data_dir, {row_id(r) for r in rows})


def test_csv_row_with_wrong_field_count_is_quarantined(data_dir, tmp_path):
    good = [GOOD[0], GOOD[2]]
    text = "pregunta,contexto,respuesta\n" + "".join(f"\"{r['pregunta']}\",,\"{r['respuesta']}\"\n" for r in good)
    text = text.replace("\n", "\nhola,chau,que,tal\n", 1)  # a 4-field row as line 2
    folder, manifest = make_donation(tmp_path, {"data.csv": text})
    report = ingest_donation(folder, manifest)
    [entry] = quarantine_entries(report)
    assert (entry["reason"], entry["line"], entry["row"]) == ("malformed", 2, 1)
    assert "row has 4 fields; the header has 3" in entry["message"]
    assert entry["raw"] == ["hola", "chau", "que", "tal"]
    assert report.kept == 2
    assert_good_rows_kept(data_dir, {row_id(r) for r in good})


def test_csv_unclosed_quote_is_quarantined_with_the_rows_it_swallowed(data_dir, tmp_path):
    text = ("pregunta,contexto,respuesta\n"
            f"\"{GOOD[0]['pregunta']}\",,\"{GOOD[0]['respuesta']}\"\n"
            "\"¿Y esto?,,sin cerrar\n"
            f"\"{GOOD[2]['pregunta']}\",,\"{GOOD[2]['respuesta']}\"\n"
            f"\"{GOOD[3]['pregunta']}\",,\"{GOOD[3]['respuesta']}\"\n")
    folder, manifest = make_donation(tmp_path, {"data.csv": text})
    report = ingest_donation(folder, manifest)
    assert_identity(report)
    [entry] = quarantine_entries(report)
    assert entry["reason"] == "malformed" and entry["line"] == 3
    assert "row at lines 3-4 cannot be parsed as CSV" in entry["message"] and "unclosed or stray quote" in entry["message"]
    assert GOOD[2]["pregunta"] in entry["raw"]  # the swallowed row is not lost: it is kept aside with the broken one
    assert report.kept == 2  # the row after the damage is read again normally
    assert_good_rows_kept(data_dir, {row_id(GOOD[0]), row_id(GOOD[3])})


def test_json_array_element_that_is_not_an_object(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"data.json": json.dumps([GOOD[0], 7, GOOD[1]], ensure_ascii=False, indent=1)})
    report = ingest_donation(folder, manifest)
    [entry] = quarantine_entries(report)
    assert entry["reason"] == "not_an_object" and entry["row"] == 2
    assert "array element 2 is a JSON number" in entry["message"]
    assert_good_rows_kept(data_dir, {row_id(GOOD[0]), row_id(GOOD[1])})


def test_null_and_non_text_parquet_values_are_quarantined(data_dir, tmp_path):
    folder = tmp_path / "donation"
    folder.mkdir()
    pl.DataFrame({"pregunta": [GOOD[0]["pregunta"], "¿Cuántos años tenés?"],
                  "respuesta": [GOOD[0]["respuesta"], None]}).write_parquet(folder / "a.parquet")
    pl.DataFrame({"pregunta": ["¿Cuánto es 6x7?"], "respuesta": [42]}).write_parquet(folder / "b.parquet")
    manifest = write_manifest(folder, columns={"instruction": "pregunta", "output": "respuesta"})
    report = ingest_donation(folder, manifest)
    first, second = quarantine_entries(report)
    assert (first["file"], first["reason"], first["row"], first["line"]) == ("a.parquet", "empty_field", 2, None)
    assert first["raw"] == {"pregunta": "¿Cuántos años tenés?", "respuesta": None}
    assert (second["file"], second["reason"]) == ("b.parquet", "non_text")
    assert "field 'output' (column 'respuesta') holds int 42, not text" in second["message"]
    assert_good_rows_kept(data_dir, {row_id(GOOD[0])})


# ---- duplicates ----------------------------------------------------------------------------------


def test_duplicates_within_the_donation_are_counted_not_added(data_dir, tmp_path):
    spaced = dict(GOOD[0], pregunta="  ¿Cómo se ceba   un buen mate?  ")  # same text once whitespace is normalized
    folder, manifest = make_donation(tmp_path, {"a.jsonl": jsonl(GOOD), "b.jsonl": jsonl([GOOD[1], spaced])})
    report = ingest_donation(folder, manifest)
    assert_identity(report)
    assert (report.rows_read, report.kept, report.duplicates, report.duplicates_in_donation) == (7, 5, 2, 2)
    assert stored(data_dir).height == 5
    assert [f.duplicates for f in report.files] == [0, 2]


def test_duplicates_against_the_store_and_idempotent_rerun(data_dir, tmp_path):
    first_folder, first_manifest = make_donation(tmp_path, {"a.jsonl": jsonl(GOOD[:3])}, folder_name="first")
    ingest_donation(first_folder, first_manifest)
    other_folder, other_manifest = make_donation(tmp_path, {"b.jsonl": jsonl(GOOD)}, folder_name="second",
                                                 name="otra-donación")
    report = ingest_donation(other_folder, other_manifest)
    assert (report.kept, report.duplicates_in_store, report.duplicates) == (2, 3, 3)
    frame = stored(data_dir)
    assert frame.height == 5
    datasets_by_id = dict(zip(frame["id"], frame["origin"].struct.field("dataset")))
    assert datasets_by_id[row_id(GOOD[0])] == "consejos-porteños"  # the first donor keeps the provenance
    again = ingest_donation(other_folder, other_manifest)
    assert (again.rows_read, again.kept, again.duplicates, again.already_ingested) == (5, 2, 3, 2)
    assert stored(data_dir).height == 5


# ---- donation-level refusals: clear message, nothing written ----------------------------------------


def _corrupt_zip() -> bytes:
    return b"PK\x03\x04" + b"\x00garbage" * 20


def _zip_slip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../evil.jsonl", jsonl(GOOD))
    return buf.getvalue()


def _tar_slip() -> bytes:
    buf = io.BytesIO()
    data = jsonl(GOOD).encode()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("../evil.jsonl")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _truncated_tar() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = jsonl(GOOD * 50).encode()
        info = tarfile.TarInfo("data.jsonl")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()[:200]


REFUSAL_CASES = [
    # (case, files, manifest overrides, message fragments)
    ("licence_not_open", {"a.jsonl": jsonl(GOOD)}, {"license": "CC-BY-NC-4.0"},
     ["licence 'CC-BY-NC-4.0' is not accepted", "CC-BY-4.0", "-NC"]),
    ("proprietary_licence", {"a.jsonl": jsonl(GOOD)}, {"license": "all rights reserved"}, ["is not accepted"]),
    ("mapping_names_missing_column", {"a.jsonl": jsonl([{"pregunta": "hola", "answer": "chau"}])}, {},
     ["a.jsonl: column(s) 'contexto', 'respuesta' not found; columns found: 'pregunta', 'answer'", "Fix `columns:`"]),
    ("csv_header_lacks_column", {"a.csv": "question,respuesta\nhola,chau\n"}, {},
     ["a.csv: column(s) 'pregunta', 'contexto' not found; columns found: 'question', 'respuesta'"]),
    ("unsupported_file", {"a.jsonl": jsonl(GOOD), "datos.xlsx": b"PK\x03\x04xlsx"}, {},
     ["datos.xlsx: unsupported file type '.xlsx'", "Supported:"]),
    ("corrupt_parquet", {"a.jsonl": jsonl(GOOD), "b.parquet": b"PAR1 not really parquet"}, {},
     ["b.parquet: not a readable Parquet file"]),
    ("corrupt_zip", {"a.zip": _corrupt_zip()}, {}, ["a.zip: not a readable archive"]),
    ("zip_slip", {"a.zip": _zip_slip()}, {}, ["unsafe member path '../../evil.jsonl'"]),
    ("tar_slip", {"a.tar.gz": _tar_slip()}, {}, ["a.tar.gz: unsafe archive member"]),
    ("truncated_tar_gz", {"a.tar.gz": _truncated_tar()}, {}, ["a.tar.gz: not a readable archive"]),
    ("binary_named_jsonl", {"a.jsonl": jsonl(GOOD), "b.jsonl": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, {},
     ["b.jsonl: this is not a text file"]),
    ("broken_json_array", {"a.json": '[{"pregunta": "hola", "respuesta": "chau"},\n {"pregunta": "x" "respuesta": "y"}]'}, {},
     ["a.json: not valid JSON at line 2", "send JSON Lines"]),
    ("empty_donation", {"a.jsonl": "", "b.csv": "pregunta,contexto,respuesta\n"}, {}, ["holds no rows"]),
    ("no_data_files", {"README.md": "hola"}, {}, ["no data files found (ignored: README.md)"]),
    ("unknown_country", {"a.jsonl": jsonl(GOOD)}, {"country": "XX", "variety": None}, ["field 'country'", "XX"]),
    ("variety_not_in_country", {"a.jsonl": jsonl(GOOD)}, {"country": "MX", "variety": "rioplatense"},
     ["'rioplatense' is not spoken in MX"]),
    ("manifest_missing_field", {"a.jsonl": jsonl(GOOD)}, {"description": None}, ["field 'description'"]),
    ("broken_hf_folder", {"hf/dataset_info.json": "{", "hf/state.json": "nope"}, {}, ["not a readable `datasets` folder"]),
]


@pytest.mark.parametrize(("case", "files", "overrides", "fragments"), REFUSAL_CASES, ids=[c[0] for c in REFUSAL_CASES])
def test_refused_donation_says_why_and_writes_nothing(data_dir, tmp_path, case, files, overrides, fragments):
    folder, manifest = make_donation(tmp_path, files, **overrides)
    with pytest.raises(DonationRefused) as caught:
        ingest_donation(folder, manifest)
    for fragment in fragments:
        assert fragment in str(caught.value), str(caught.value)
    assert_nothing_written(data_dir)


def test_manifest_that_is_not_yaml_or_missing(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"a.jsonl": jsonl(GOOD)})
    manifest.write_text("name: [sin cerrar\ndonor: x\n", encoding="utf-8")
    with pytest.raises(DonationRefused, match=r"is not valid YAML at line \d+, column \d+"):
        ingest_donation(folder, manifest)
    with pytest.raises(DonationRefused, match=r"manifest .*nada\.yaml not found"):
        ingest_donation(folder, folder / "nada.yaml")
    with pytest.raises(DonationRefused, match="does not exist"):
        ingest_donation(folder / "no-such-file.jsonl", write_manifest(folder))
    assert_nothing_written(data_dir)


def test_failure_late_in_a_file_writes_nothing(data_dir, tmp_path, monkeypatch):
    """A JSON array broken after thousands of good elements: refused whole, even though batches were staged."""
    monkeypatch.setenv("CORPUS600M_DONATION_BATCH_ROWS", "100")
    get_settings.cache_clear()
    elements = [json.dumps({"pregunta": f"Pregunta {i}", "respuesta": f"Respuesta {i}"}) for i in range(3000)]
    folder, manifest = make_donation(tmp_path, {"big.json": "[" + ",\n".join(elements) + ",\n{oops}]"},
                                     columns={"instruction": "pregunta", "output": "respuesta"})
    with pytest.raises(DonationRefused, match="big.json: not valid JSON at line 3001"):
        ingest_donation(folder, manifest)
    assert_nothing_written(data_dir)


# ---- then through the filters -------------------------------------------------------------------


def test_donation_goes_through_the_filters_and_the_report_says_so(data_dir, tmp_path):
    english = {"pregunta": "What is the capital of France and why is it famous?",
               "respuesta": "Paris is the capital of France, famous for the Eiffel Tower and its museums."}
    folder, manifest = make_donation(tmp_path, {"data.jsonl": jsonl([*GOOD, english])})
    report = ingest_one_donation(folder, manifest)  # the filter stage handed in as the flow does
    assert (report.kept, report.language_mix) == (6, {"es": 5, "en": 1})
    assert report.filters is not None and report.filters.n_in == 6
    assert (report.filters.n_kept, report.filters.n_rejected, report.filters.rejected_by_reason) == (5, 1, {"language": 1})
    store = Store(data_dir)
    assert set(store.read(Table.FILTERED)["id"]) == GOOD_IDS
    assert list(store.read(Table.REJECTED)["id"]) == [row_id(english)]
    assert "descartadas 1" in Path(report.report_path).with_suffix(".md").read_text(encoding="utf-8")


# ---- the row-count identity, as a property --------------------------------------------------------

from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from corpus600m.settings import Settings  # noqa: E402

_WORDS = ["mate", "che", "bondi", "laburo", "pibe", "asado", "fiaca", "quilombo"]
BAD_LINES = {
    "malformed": '{"pregunta": "x", ',
    "not_an_object": "[1, 2]",
    "missing_field": '{"pregunta": "hola"}',
    "empty_field": '{"pregunta": "", "respuesta": "chau"}',
    "non_text": '{"pregunta": "hola", "respuesta": 3.5}',
    "control_chars": '{"pregunta": "ho\\u0001la", "respuesta": "chau"}',
    "html": '{"pregunta": "<div>hola</div>", "respuesta": "chau"}',
}
good_row = st.tuples(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3), st.sampled_from(_WORDS),
                     st.sampled_from(["", " ", "  "]))
line = st.one_of(st.tuples(st.just("good"), good_row), st.tuples(st.sampled_from(sorted(BAD_LINES)), st.none()))


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line, min_size=1, max_size=25))
def test_rows_read_equals_kept_plus_quarantined_plus_duplicates(tmp_path_factory, lines):
    root = tmp_path_factory.mktemp("prop")
    text, expected_ids, bad = [], set(), 0
    for kind, value in lines:
        if kind == "good":
            words, answer, pad = value
            instruction = pad + "  ".join(words) + pad  # whitespace variants of the same text are duplicates
            text.append(json.dumps({"pregunta": instruction, "respuesta": answer}))
            expected_ids.add(record_id(" ".join(words), None, answer))
        else:
            text.append(BAD_LINES[kind])
            bad += 1
    folder, manifest = make_donation(root, {"data.jsonl": "\n".join(text) + "\n"},
                                     columns={"instruction": "pregunta", "output": "respuesta"})
    settings = Settings(data_dir=root / "data")
    kinds = {kind for kind, _ in lines}
    if "missing_field" in kinds and not kinds - {"missing_field", "malformed", "not_an_object"}:
        # no row that parses has the 'respuesta' column: the mapping itself is wrong, so the donation is refused
        with pytest.raises(DonationRefused, match="column\\(s\\) 'respuesta' not found"):
            ingest_donation(folder, manifest, settings=settings)
        return
    for _ in range(2):  # a re-run gives the same accounting and adds nothing
        report = ingest_donation(folder, manifest, settings=settings)
        assert report.rows_read == len(lines) == report.kept + report.quarantined + report.duplicates
        assert (report.kept, report.quarantined) == (len(expected_ids), bad)
        assert set(stored(root / "data")["id"]) == expected_ids if expected_ids else not Store(root / "data").exists(Table.DONATED)


# ---- the command line ------------------------------------------------------------------------------

from typer.testing import CliRunner  # noqa: E402

from corpus600m.cli import app  # noqa: E402

runner = CliRunner()


def test_cli_donate_processes_and_reports(data_dir, tmp_path):
    bad = '{"pregunta": "hola", "respuesta": 42}'
    folder, manifest = make_donation(tmp_path, {"data.jsonl": jsonl(GOOD) + bad + "\n"})
    result = runner.invoke(app, ["donate", str(folder), "--manifest", str(manifest), "--report",
                                 str(tmp_path / "r.json"), "--skip-filters"])
    assert result.exit_code == 0, result.output
    assert "total" in result.stdout and "non_text 1" in result.stdout and "quarantine file:" in result.stdout
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (saved["rows_read"], saved["kept"], saved["quarantined"], saved["duplicates"]) == (6, 5, 1, 0)
    assert saved["quarantined_by_reason"] == {"non_text": 1}
    assert (tmp_path / "r.md").is_file()
    assert_good_rows_kept(data_dir)


def test_cli_refusal_exits_1_with_the_reason_and_no_traceback(data_dir, tmp_path):
    folder, manifest = make_donation(tmp_path, {"data.jsonl": jsonl(GOOD)}, license="CC-BY-NC-ND-4.0")
    result = runner.invoke(app, ["donate", str(folder / "data.jsonl"), "-m", str(manifest)])
    assert result.exit_code == 1
    assert "donation refused, nothing was written" in result.stderr
    assert "'CC-BY-NC-ND-4.0' is not accepted" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert_nothing_written(data_dir)


def test_cli_help_explains_both_forms():
    result = runner.invoke(app, ["donate", "--help"])
    assert result.exit_code == 0 and "--manifest" in result.stdout and "inbox" in result.stdout
    result = runner.invoke(app, ["donate", "add", "--help"])
    assert "--report" in result.stdout and "--skip-filters" in result.stdout


def _zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_archive_that_unpacks_past_the_limit_is_refused_before_extracting(data_dir, tmp_path, monkeypatch):
    """Zip bombs: the declared sizes of an archive's members (nested archives' too) are checked against
    CORPUS600M_DONATION_MAX_UNPACKED_GB before anything is extracted."""
    monkeypatch.setenv("CORPUS600M_DONATION_MAX_UNPACKED_GB", "0.005")  # 5 MB
    get_settings.cache_clear()
    zeros = b"0" * 6_000_000  # deflates to a few KB
    bomb = _zip_of({"a.jsonl": jsonl(GOOD).encode(), "relleno.txt": zeros})
    assert len(bomb) < 100_000
    folder, manifest = make_donation(tmp_path, {"bomb.zip": bomb})
    with pytest.raises(DonationRefused, match=r"bomb\.zip: would unpack to 6\.0 MB \(\d+ KB packed\), more than the 5\.0 MB"
                                              r".*CORPUS600M_DONATION_MAX_UNPACKED_GB"):
        ingest_donation(folder, manifest)
    assert_nothing_written(data_dir)
    assert not list((data_dir / "donations" / ".staging").rglob("relleno.txt"))  # nothing was extracted

    # nested: each archive alone is under the limit, together they are not
    inner = _zip_of({"relleno.txt": b"0" * 3_000_000})
    outer = _zip_of({"a.jsonl": jsonl(GOOD).encode(), "dentro.zip": inner, "otro.txt": b"0" * 2_500_000})
    folder, manifest = make_donation(tmp_path / "nested", {"nido.zip": outer})
    with pytest.raises(DonationRefused, match=r"nido\.zip/dentro\.zip: would unpack to"):
        ingest_donation(folder, manifest)
    assert_nothing_written(data_dir)

    # the same tar.gz under a generous limit is read
    monkeypatch.setenv("CORPUS600M_DONATION_MAX_UNPACKED_GB", "1")
    get_settings.cache_clear()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        data = jsonl(GOOD).encode()
        info = tarfile.TarInfo("a.jsonl")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    folder, manifest = make_donation(tmp_path / "ok", {"ok.tar.gz": buf.getvalue()})
    report = ingest_donation(folder, manifest)
    assert report.kept == len(GOOD) and report.rows_read == len(GOOD)
