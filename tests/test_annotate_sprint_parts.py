"""Parts of a sprint without a server: gold copies and their scoring, the review round's final answer, initials."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus600m.annotate.client import AnnotateError
from corpus600m.annotate.consensus import AnnotatorResponse
from corpus600m.annotate.dashboard import initials
from corpus600m.annotate.gold import GoldItem, mix_gold, read_gold_jsonl, score_gold
from corpus600m.annotate.workspaces import parse_grouping
from corpus600m.records import Record


def record(i: int, country: str) -> Record:
    return Record(instruction=f"Pregunta {i}", output=f"Respuesta {i}", country=country, source="synthetic")


def test_gold_copies_per_workspace_at_the_rate_and_stable_ids():
    layout = parse_grouping("country")
    records = [record(i, "MX") for i in range(40)] + [record(100 + i, "AR") for i in range(5)]
    gold = [GoldItem(record(900, "ES"), {"es_correcta": "no"}), GoldItem(record(901, "ES"), {"calidad": 5})]
    mixed, placed, table = mix_gold(records, gold, 0.05, layout)
    per_ws = table.group_by("workspace").len().sort("workspace").rows()
    assert per_ws == [("somos600m-ar", 1), ("somos600m-mx", 2)]  # ceil(5 x 0.05), ceil(40 x 0.05)
    assert len(mixed) == 48 and [r.id for r in mixed if r.id.startswith("gold-")] == table["id"].to_list()
    for copy_id, workspace in zip(table["id"], table["workspace"], strict=True):
        copy = next(r for r in mixed if r.id == copy_id)
        assert placed.workspace_for(copy) == workspace  # a Spanish gold record still goes to the MX/AR queue
    assert placed.workspace_for(records[0]) == "somos600m-mx"
    assert mix_gold(records, gold, 0.05, layout)[2].equals(table)  # the same push makes the same copies
    with pytest.raises(AnnotateError, match="gold rate"):
        mix_gold(records, gold, 0, layout)


def test_gold_file_errors_name_the_line_and_scoring_counts_checked_answers(tmp_path: Path):
    path = tmp_path / "oro.jsonl"
    good = {"instruction": "¿2+2?", "output": "5", "source": "synthetic", "expected": {"es_correcta": "no", "calidad": 1}}
    path.write_text("\n".join([json.dumps(good), "{roto", json.dumps({**good, "expected": {"color": "rojo"}}),
                               json.dumps({**good, "expected": {"es_correcta": "quizas"}}),
                               json.dumps({k: v for k, v in good.items() if k != "output"})]) + "\n", encoding="utf-8")
    parsed = read_gold_jsonl(path)
    assert len(parsed.items) == 1 and parsed.items[0].expected == {"es_correcta": "no", "calidad": 1}
    assert [e.split(": ")[1] for e in parsed.errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "not a gold question" in parsed.errors[1] and "'quizas'" in parsed.errors[2] and "output" in parsed.errors[3]
    expected = {"g1": {"es_correcta": "no", "calidad": 1}, "g2": {"pais": "MX"}}
    responses = [AnnotatorResponse("g1", "ana", "submitted", {"es_correcta": "no", "calidad": 2}),  # 2 of 2
                 AnnotatorResponse("g2", "ana", "submitted", {}),  # unanswered: checked, wrong
                 AnnotatorResponse("g1", "beto", "draft", {"es_correcta": "no", "calidad": 1}),  # not submitted
                 AnnotatorResponse("r9", "beto", "submitted", {"pais": "MX"})]  # not gold
    scores = score_gold(responses, expected)
    assert set(scores) == {"ana"}
    assert (scores["ana"].responses, scores["ana"].checked, scores["ana"].right) == (2, 3, 2)
    assert scores["ana"].accuracy == pytest.approx(2 / 3)


def test_initials_are_distinct():
    assert initials(["ana.mx", "ana_maria", "beto", "b-e"]) == {"ana.mx": "A.M.", "ana_maria": "A.M. (2)",
                                                                  "beto": "B.", "b-e": "B.E."}


def test_reviewers_answer_is_final_unless_reviewers_tie():
    from corpus600m.annotate.review import apply_review
    from corpus600m.records import Annotation

    first = Annotation(dataset="d", n_annotators=3, pais="MX", variedad="mexicana", calidad=3.0, es_correcta=None,
                       agreement=1 / 3, needs_review=True)
    base = {"pais": "MX", "variedad": "mexicana", "calidad": 5}
    one = apply_review(first, [AnnotatorResponse("r", "rosa", "submitted", {**base, "es_correcta": "si"})])
    assert (one.es_correcta, one.calidad, one.needs_review, one.reviewed_by, one.round) == ("si", 5.0, False, 1, 2)
    assert (one.n_annotators, one.agreement) == (3, pytest.approx(1 / 3))  # the first round's, kept
    tie = apply_review(first, [AnnotatorResponse("r", "rosa", "submitted", {**base, "es_correcta": "si"}),
                               AnnotatorResponse("r", "coord", "submitted", {**base, "es_correcta": "no"})])
    assert (tie.needs_review, tie.reviewed_by, tie.es_correcta) == (True, 2, None)
    assert apply_review(first, [AnnotatorResponse("r", "rosa", "draft", {"es_correcta": "si"})]) == first
