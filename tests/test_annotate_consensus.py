"""Consensus and Krippendorff's alpha on hand-computed examples (no server needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from corpus600m.annotate.consensus import (
    AnnotatorResponse,
    dataset_consensus,
    is_accepted,
    krippendorff_alpha,
    majority,
    median_rating,
    record_consensus,
    to_annotation,
)


def answer(record: str, user: str, status: str = "submitted", **values) -> AnnotatorResponse:
    return AnnotatorResponse(record_id=record, user=user, status=status, values=values)


def test_majority_and_ties():
    assert majority(["MX", "MX", "AR"]) == ("MX", pytest.approx(2 / 3))
    assert majority(["MX", "AR"]) == (None, 0.5)  # a tie has no consensus
    assert majority([]) == (None, 0.0)


def test_median_rating_and_its_agreement():
    assert median_rating([3, 4, 5]) == (4.0, 1.0)
    assert median_rating([4, 5]) == (4.5, 1.0)
    assert median_rating([1, 5, 5]) == (5.0, pytest.approx(2 / 3))  # the 1 is 4 points away
    assert median_rating([]) == (None, 0.0)


def test_nominal_alpha_matches_hand_computation():
    # 3 coders x 4 units: aaa, aab, bbb, abb. Coincidences (each pair weighs 1/(3-1)):
    # o_aa = 3 + 1 = 4, o_bb = 3 + 1 = 4, o_ab = o_ba = 1 + 1 = 2; n_a = n_b = 6, n = 12.
    # D_o = 4/12 = 1/3; D_e = 2 * 6 * 6 / (12 * 11) = 6/11; alpha = 1 - (1/3)/(6/11) = 7/18.
    rows = {"r1": "aaa", "r2": "aab", "r3": "bbb", "r4": "abb"}
    responses = [answer(rid, f"u{i}", es_correcta={"a": "si", "b": "no"}[v])
                 for rid, vs in rows.items() for i, v in enumerate(vs)]
    assert krippendorff_alpha(responses, "es_correcta") == pytest.approx(7 / 18)


def test_ordinal_alpha_matches_hand_computation():
    # 2 coders x 3 units: (1,1), (2,3), (3,3). n_1 = 2, n_2 = 1, n_3 = 3, n = 6.
    # ordinal d^2: d12 = (3/2)^2 = 2.25, d23 = (4/2)^2 = 4, d13 = (6 - 5/2)^2 = 12.25.
    # D_o = (4 + 4)/6 = 4/3; D_e = 2 * (2*1*2.25 + 2*3*12.25 + 1*3*4) / (6*5) = 6; alpha = 1 - (4/3)/6 = 7/9.
    responses = [answer("r1", "u1", calidad=1), answer("r1", "u2", calidad=1),
                 answer("r2", "u1", calidad=2), answer("r2", "u2", calidad=3),
                 answer("r3", "u1", calidad=3), answer("r3", "u2", calidad=3)]
    assert krippendorff_alpha(responses, "calidad") == pytest.approx(7 / 9)


def test_alpha_on_krippendorffs_published_example_with_missing_values():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": nominal 0.743, ordinal 0.815.
    data = {"A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}
    labels = [answer(f"u{j}", coder, pais=["AR", "BO", "CL", "CO", "CR"][v - 1])
              for coder, values in data.items() for j, v in enumerate(values) if v is not None]
    ratings = [answer(f"u{j}", coder, calidad=v) for coder, values in data.items() for j, v in enumerate(values) if v]
    assert round(krippendorff_alpha(labels, "pais"), 3) == 0.743
    assert round(krippendorff_alpha(ratings, "calidad"), 3) == 0.815


def test_alpha_ignores_drafts_and_discards_and_is_none_when_undefined():
    same = [answer("r1", "u1", pais="MX"), answer("r1", "u2", pais="MX"),
            answer("r1", "u3", status="discarded"), answer("r2", "u3", status="draft", pais="AR")]
    assert krippendorff_alpha(same, "pais") is None  # one value in the whole domain
    assert krippendorff_alpha([answer("r1", "u1", pais="MX"), answer("r2", "u2", pais="AR")], "pais") is None
    assert krippendorff_alpha([], "calidad") is None


def test_record_consensus_counts_only_submitted_and_tolerates_missing_values():
    responses = [
        answer("r1", "ana", pais="MX", variedad="mexicana", calidad=4, es_correcta="si"),
        answer("r1", "beto", pais="MX", variedad="mexicana", calidad=5, es_correcta="si", problemas=["ofensivo"]),
        answer("r1", "caro", pais="US", variedad="mexicana", calidad=3, es_correcta="si"),
        answer("r1", "dani", status="discarded"),  # values None in Argilla: no values at all here
        answer("r1", "eli", status="draft", pais="AR", calidad=1),
        answer("r1", "fer", pais="MX"),  # submitted but missing values (e.g. a question added later)
    ]
    c = record_consensus("r1", responses)
    assert c.n_submitted == 4
    assert (c.pais, c.variedad, c.calidad, c.es_correcta) == ("MX", "mexicana", 4.0, "si")
    assert c.problemas == []  # 1 of 4 is not a majority
    assert c.agreement_by_question == {"pais": 0.75, "variedad": 1.0, "es_correcta": 1.0, "calidad": 1.0}
    assert c.agreement == 0.75


def test_correction_comes_from_the_majority_side_most_frequent_then_latest():
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    responses = [
        AnnotatorResponse("r1", "u1", "submitted", {"es_correcta": "parcial", "respuesta_corregida": "Guadalajara."}, t0),
        AnnotatorResponse("r1", "u2", "submitted", {"es_correcta": "parcial", "respuesta_corregida": " Guadalajara. "},
                          t0 + timedelta(minutes=1)),
        AnnotatorResponse("r1", "u3", "submitted", {"es_correcta": "parcial", "respuesta_corregida": "Zapopan"},
                          t0 + timedelta(minutes=2)),
        AnnotatorResponse("r1", "u4", "submitted", {"es_correcta": "no", "respuesta_corregida": "otra"}, t0),
    ]
    assert record_consensus("r1", responses).respuesta_corregida == "Guadalajara."
    assert record_consensus("r1", responses[2:3]).respuesta_corregida == "Zapopan"
    assert record_consensus("r1", [responses[3]]).respuesta_corregida == "otra"


def test_dataset_consensus_review_flags_and_acceptance():
    full = {"variedad": "rioplatense", "pais": "AR"}
    responses = [
        # r1: unanimous, correct, quality 5 -> curated
        *(answer("r1", u, calidad=5, es_correcta="si", **full) for u in ("a", "b", "c")),
        # r2: es_correcta split 3 ways -> no majority -> review
        answer("r2", "a", calidad=4, es_correcta="si", **full), answer("r2", "b", calidad=4, es_correcta="no", **full),
        answer("r2", "c", calidad=4, es_correcta="parcial", **full),
        # r3: parcial with a correction, quality 4 -> curated with the correction
        *(answer("r3", u, calidad=4, es_correcta="parcial", respuesta_corregida="Vos tenés razón.", **full)
          for u in ("a", "b")),
        answer("r3", "c", calidad=2, es_correcta="parcial", **full),
        # r4: only one submitted response so far -> pending
        answer("r4", "a", calidad=5, es_correcta="si", **full), answer("r4", "b", status="discarded"),
        # r5: correct but two say PII -> not curated
        *(answer("r5", u, calidad=5, es_correcta="si", problemas=["contiene_pii"], **full) for u in ("a", "b")),
    ]
    result = dataset_consensus(responses, ["r1", "r2", "r3", "r4", "r5"], min_submitted=2)
    assert result.pending == ["r4"]
    annotations = {rid: to_annotation(c, "ds", result.alpha, agreement_threshold=0.6) for rid, c in result.by_record.items()}
    assert annotations["r1"].needs_review is False and annotations["r1"].agreement == 1.0
    assert annotations["r2"].needs_review is True and annotations["r2"].es_correcta is None
    assert annotations["r3"].calidad == 4.0 and annotations["r3"].respuesta_corregida == "Vos tenés razón."
    assert annotations["r3"].agreement == pytest.approx(2 / 3)  # calidad: the 2 is two points from the median
    assert annotations["r5"].problemas == ["contiene_pii"]
    accepted = {rid for rid, a in annotations.items() if is_accepted(a, quality_threshold=4.0)}
    assert accepted == {"r1", "r3"}
    assert not is_accepted(annotations["r1"], quality_threshold=5.5)
    assert annotations["r1"].alpha_pais is None  # every annotator said AR: alpha undefined, not 1


def test_alpha_from_counts_equals_the_krippendorff_library():
    """Our values x values product gives the `krippendorff` library's alpha (its value_counts input) on random
    tables, nominal and ordinal, including unused values, units coded once and undefined cases."""
    import krippendorff
    import numpy as np

    from corpus600m.annotate.consensus import alpha_from_counts

    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(300):
        n_units, n_values = rng.integers(1, 40), rng.integers(1, 6)
        counts = rng.integers(0, 4, size=(n_units, n_values)) * (rng.random((n_units, n_values)) < 0.5)
        for ordinal in (False, True):
            ours = alpha_from_counts(counts.astype(float), ordinal)
            try:
                with np.errstate(invalid="ignore", divide="ignore"):
                    theirs = krippendorff.alpha(value_counts=counts, value_domain=list(range(1, n_values + 1)),
                                                level_of_measurement="ordinal" if ordinal else "nominal")
            except ValueError:
                theirs = float("nan")
            if np.isnan(theirs):
                assert ours is None
            else:
                assert ours == pytest.approx(theirs, abs=1e-9)
                checked += 1
    assert checked > 300


def test_alpha_timeline_is_alpha_of_the_responses_up_to_each_day():
    from corpus600m.annotate.consensus import alpha_timeline

    start = datetime(2026, 11, 2, 10, tzinfo=UTC)
    by_day = {  # (record, user, calidad, es_correcta, day)
        "ws-a": [("a1", "u1", 5, "si", 0), ("a1", "u2", 4, "si", 0), ("a2", "u1", 1, "no", 0), ("a2", "u2", 2, "no", 1),
                 ("a3", "u1", 5, "si", 1), ("a3", "u2", 1, "no", 2)],
        "ws-b": [("b1", "u3", 3, "si", 0), ("b1", "u4", 3, "si", 2), ("b2", "u3", 4, "no", 2), ("b2", "u4", 1, "si", 2)],
    }
    scopes = {ws: [AnnotatorResponse(r, u, "submitted", {"calidad": c, "es_correcta": e}, start + timedelta(days=d))
                   for r, u, c, e, d in rows] for ws, rows in by_day.items()}
    timeline = alpha_timeline(scopes, ["calidad", "es_correcta"], points=10)
    assert timeline["dates"] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    everyone = [r for rs in scopes.values() for r in rs]
    for i in range(3):
        cutoff = start + timedelta(days=i, hours=1)
        for question in ("calidad", "es_correcta"):
            expected = krippendorff_alpha([r for r in everyone if r.updated_at < cutoff], question)
            assert timeline["all"][question][i] == (None if expected is None else pytest.approx(expected))
            for ws, responses in scopes.items():
                expected = krippendorff_alpha([r for r in responses if r.updated_at < cutoff], question)
                assert timeline["scopes"][ws][question][i] == (None if expected is None else pytest.approx(expected))
    assert timeline["final"]["all"]["calidad"] == pytest.approx(krippendorff_alpha(everyone, "calidad"))
    assert timeline["scopes"]["ws-b"]["calidad"][0] is None  # one coder so far
    short = alpha_timeline(scopes, ["calidad"], points=2)
    assert short["dates"] == ["2026-11-02", "2026-11-04"]  # evenly picked, the last day always in
