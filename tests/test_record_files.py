"""The one record-file reader: every bad line named `file: line N: what`, none lost; JSONL and Parquet alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus600m.record_files import RecordFileError, read_record_file, write_jsonl
from corpus600m.records import Record, records_to_frame


def _records() -> list[Record]:
    return [Record(instruction=f"¿Qué es {w}?", output=f"{w} es una palabra.", country="MX", source="synthetic")
            for w in ("chamba", "chido", "neta")]


def test_bad_lines_are_named_by_file_and_line_and_the_good_ones_kept(tmp_path: Path):
    good = _records()
    path = tmp_path / "in.jsonl"
    lines = [good[0].model_dump_json(), "{roto", "", "[1, 2]", json.dumps({**json.loads(good[1].model_dump_json()),
             "country": "XX"}), good[2].model_dump_json(), good[0].model_dump_json()]
    path.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe\n")
    parsed = read_record_file(path)
    assert [r.id for r in parsed.records] == [good[0].id, good[2].id]
    assert [b.line for b in parsed.bad] == [2, 4, 5, 7, 8]
    assert parsed.errors[0].startswith(f"{path}: line 2: not valid JSON")
    assert "expected a JSON object (a record), got list" in parsed.errors[1]
    assert f"{path}: line 5: field 'country' = 'XX'" in parsed.errors[2]
    assert "repeats line 1" in parsed.errors[3]
    assert "not UTF-8" in parsed.errors[4]
    assert parsed.bad[0].raw == "{roto"
    with pytest.raises(RecordFileError, match=r"5 bad line\(s\); nothing was read"):
        parsed.require_all()


def test_parquet_in_the_store_layout_and_jsonl_written_by_write_jsonl_read_back(tmp_path: Path):
    records = _records()
    records_to_frame(records).write_parquet(tmp_path / "in.parquet")
    write_jsonl(records, tmp_path / "out" / "in.jsonl")
    for path in (tmp_path / "in.parquet", tmp_path / "out" / "in.jsonl"):
        assert read_record_file(path).require_all() == records


def test_a_missing_file_or_an_unknown_format_is_refused_with_what_to_give(tmp_path: Path):
    with pytest.raises(RecordFileError, match="no such file; give a JSONL file"):
        read_record_file(tmp_path / "missing.jsonl")
    (tmp_path / "in.csv").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(RecordFileError, match=r"unknown format '.csv'"):
        read_record_file(tmp_path / "in.csv")
