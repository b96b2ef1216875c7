"""The in-process search engine, through the real server, against a plain evaluation over the database.

The expected answers are computed in Python from the records as the server's database returns them
(`GET /datasets/{id}/records`, which does not use the search engine), with plain string/number logic; the
actual answers come from the search endpoints the UI and the SDK call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import httpx
import pytest

from corpus600m.services.argilla_search.text import Item, parse_query, tokenize

# ---- helpers ----------------------------------------------------------------------------------------------


def api(server, api_key: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=f"{server.url}/api/v1", headers={"X-Argilla-Api-Key": api_key or server.api_key},
                        timeout=120)


@dataclass
class DbView:
    """The dataset as its database holds it (one dict per record), and how to call the search endpoints."""

    dataset_id: str
    records: list[dict]
    owner: httpx.Client
    annotator: httpx.Client
    owner_id: str
    annotator_id: str
    metadata_ids: dict[str, str]

    def search(self, body: dict, me: bool = False, client: httpx.Client | None = None, page: int = 1000,
               total_only: bool = False) -> tuple[list[str], int]:
        """All matching external ids in the engine's order (paging through), and the reported total."""
        client = client or self.owner
        path = f"/me/datasets/{self.dataset_id}/records/search" if me else f"/datasets/{self.dataset_id}/records/search"
        ids, offset, total = [], 0, None
        while total is None or offset < total:
            reply = client.post(path, json=body, params={"offset": offset, "limit": page})
            assert reply.status_code == 200, reply.text
            data = reply.json()
            total = data["total"]
            ids += [item["record"]["external_id"] for item in data["items"]]
            offset += page
            if total_only or not data["items"]:
                break
        return ids, total


@pytest.fixture(scope="module")
def db(argilla_dataset_1k) -> DbView:
    logged = argilla_dataset_1k
    owner = api(logged.server)
    annotator = api(logged.server, logged.annotator_api_key)
    dataset_id = str(logged.dataset.id)
    questions = {q["id"]: q["name"] for q in owner.get(f"/datasets/{dataset_id}/questions").json()["items"]}
    metadata_ids = {m["name"]: m["id"] for m in owner.get(f"/me/datasets/{dataset_id}/metadata-properties").json()["items"]}
    records, offset = [], 0
    while True:
        reply = owner.get(f"/datasets/{dataset_id}/records", params=[("include", "responses"), ("include", "suggestions"),
                                                                     ("offset", offset), ("limit", 1000)])
        assert reply.status_code == 200, reply.text
        items = reply.json()["items"]
        if not items:
            break
        for record in items:
            record["suggestions"] = {questions[s["question_id"]]: s for s in record.get("suggestions", [])}
            record["responses"] = record.get("responses", [])
        records += items
        offset += len(items)
    assert len(records) == 1000
    view = DbView(dataset_id, records, owner, annotator, logged.owner_id, logged.annotator_id, metadata_ids)
    yield view
    owner.close()
    annotator.close()


def ids_where(db: DbView, predicate) -> set[str]:
    return {r["external_id"] for r in db.records if predicate(r)}


def terms(scope: dict, values: list) -> dict:
    return {"type": "terms", "scope": scope, "values": values}


def range_(scope: dict, ge=None, le=None) -> dict:
    return {"type": "range", "scope": scope, **({"ge": ge} if ge is not None else {}), **({"le": le} if le is not None else {})}


def meta(name: str) -> dict:
    return {"entity": "metadata", "metadata_property": name}


def as_list(value) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def response_values(record: dict, question: str, user_id: str | None = None) -> list:
    return [v for r in record["responses"] if user_id is None or r["user_id"] == user_id
            for v in as_list(((r.get("values") or {}).get(question) or {}).get("value"))]


def statuses(record: dict, user_id: str | None = None) -> set[str]:
    return {r["status"] for r in record["responses"] if user_id is None or r["user_id"] == user_id}


def word_in(record: dict, word: str, fields=("instruction", "output")) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", record["fields"][f], re.IGNORECASE) for f in fields)


# ---- filters ----------------------------------------------------------------------------------------------

FILTER_CASES = {
    "metadata terms": (terms(meta("country"), ["MX", "AR"]), lambda r: r["metadata"]["country"] in ("MX", "AR")),
    "metadata terms on a list value": (terms(meta("variety"), ["estadounidense"]),
                                       lambda r: "estadounidense" in r["metadata"]["variety"]),
    "metadata integer range": (range_(meta("n"), 100, 199), lambda r: 100 <= r["metadata"]["n"] <= 199),
    "metadata float range": (range_(meta("score"), 0.25, 0.5), lambda r: 0.25 <= r["metadata"]["score"] <= 0.5),
    "record status": (terms({"entity": "record", "property": "status"}, ["completed"]),
                      lambda r: r["status"] == "completed"),
    "suggestion value": (terms({"entity": "suggestion", "question": "calidad", "property": "value"}, ["mala"]),
                         lambda r: r["suggestions"]["calidad"]["value"] == "mala"),
    "suggestion score": (range_({"entity": "suggestion", "question": "calidad", "property": "score"}, ge=0.8),
                         lambda r: r["suggestions"]["calidad"]["score"] >= 0.8),
    "suggestion agent": (terms({"entity": "suggestion", "question": "calidad", "property": "agent"}, ["modelo-b"]),
                         lambda r: r["suggestions"]["calidad"]["agent"] == "modelo-b"),
    "rating suggestion": (terms({"entity": "suggestion", "question": "claridad", "property": "value"}, ["3"]),
                          lambda r: "claridad" in r["suggestions"] and r["suggestions"]["claridad"]["value"] == 3),
    "response status": (terms({"entity": "response", "property": "status"}, ["submitted"]),
                        lambda r: "submitted" in statuses(r)),
    "response status pending": (terms({"entity": "response", "property": "status"}, ["pending"]),
                                lambda r: not r["responses"]),
    "response status discarded or pending": (terms({"entity": "response", "property": "status"}, ["discarded", "pending"]),
                                             lambda r: not r["responses"] or "discarded" in statuses(r)),
    "response label": (terms({"entity": "response", "question": "calidad"}, ["buena"]),
                       lambda r: "buena" in response_values(r, "calidad")),
    "response rating range": (range_({"entity": "response", "question": "claridad"}, ge=4),
                              lambda r: any(v >= 4 for v in response_values(r, "claridad"))),
}


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_filter_matches_plain_evaluation(db: DbView, case: str):
    filter_, predicate = FILTER_CASES[case]
    found, total = db.search({"filters": {"and": [filter_]}})
    expected = ids_where(db, predicate)
    assert expected, f"{case}: the test data must exercise this filter"
    assert len(found) == len(set(found)) == total
    assert set(found) == expected


def test_filters_combine_with_and_and_a_text_query(db: DbView):
    body = {"query": {"text": {"q": "hola"}},
            "filters": {"and": [terms(meta("country"), ["MX"]), terms({"entity": "response", "property": "status"}, ["draft"])]}}
    found, total = db.search(body)
    expected = ids_where(db, lambda r: r["metadata"]["country"] == "MX" and "draft" in statuses(r) and word_in(r, "hola"))
    assert expected and set(found) == expected and total == len(expected)


def test_response_filters_are_per_user_on_the_me_endpoint(db: DbView):
    pending = {"filters": {"and": [terms({"entity": "response", "property": "status"}, ["pending"])]}}
    found, _ = db.search(pending, me=True)
    assert set(found) == ids_where(db, lambda r: not statuses(r, db.owner_id))
    found, _ = db.search(pending, me=True, client=db.annotator)
    assert set(found) == ids_where(db, lambda r: not statuses(r, db.annotator_id))

    draft_or_pending = {"filters": {"and": [terms({"entity": "response", "property": "status"}, ["draft", "pending"])]}}
    found, _ = db.search(draft_or_pending, me=True)
    assert set(found) == ids_where(db, lambda r: not statuses(r, db.owner_id) or "draft" in statuses(r, db.owner_id))

    rating = {"filters": {"and": [range_({"entity": "response", "question": "claridad"}, le=2)]}}
    found, _ = db.search(rating, me=True, client=db.annotator)
    expected = ids_where(db, lambda r: any(v <= 2 for v in response_values(r, "claridad", db.annotator_id)))
    assert expected and set(found) == expected


# ---- text queries -----------------------------------------------------------------------------------------

TEXT_CASES = {
    "one word with an accent": ({"q": "pingüino"}, lambda r: word_in(r, "pingüino")),
    "case-insensitive": ({"q": "NIÑO"}, lambda r: word_in(r, "niño")),
    "all words (AND)": ({"q": "café hola"}, lambda r: word_in(r, "café") and word_in(r, "hola")),
    "phrase": ({"q": '"buenos días"'}, lambda r: "buenos días" in r["fields"]["output"]),
    "negation": ({"q": "café -hola"}, lambda r: word_in(r, "café") and not word_in(r, "hola")),
    "or": ({"q": "río | montaña"}, lambda r: word_in(r, "río") or word_in(r, "montaña")),
    "prefix": ({"q": "expl*"}, lambda r: r["fields"]["instruction"].startswith("Explica")),
    "one field": ({"q": "hola", "field": "output"}, lambda r: word_in(r, "hola", ("output",))),
    "a word not in that field": ({"q": "número", "field": "output"}, lambda r: False),
}


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_text_query_matches_plain_evaluation(db: DbView, case: str):
    query, predicate = TEXT_CASES[case]
    found, total = db.search({"query": {"text": query}})
    assert set(found) == ids_where(db, predicate) and total == len(found)


def test_text_query_ranks_more_occurrences_first(db: DbView):
    # records holding both words twice ("buenos días, ...; días buenos") score highest under BM25
    found, _ = db.search({"query": {"text": {"q": "buenos días"}}})
    twice = ids_where(db, lambda r: r["fields"]["output"].count("días") == 2)
    assert twice and set(found[:len(twice)]) == twice


def test_query_parser_units():
    assert tokenize("¿Qué tal, NIÑO? l'aigua") == ["qué", "tal", "niño", "l", "aigua"]
    parsed = parse_query('"Buenos días" -spam expl* | río')
    assert parsed.clauses == [
        [Item(("buenos", "días"), "phrase"), Item(("spam",), "term", True), Item(("expl",), "prefix")],
        [Item(("río",), "term")],
    ]


# ---- sorting and paging -----------------------------------------------------------------------------------

def test_sort_by_metadata_matches_plain_sort(db: DbView):
    body = {"filters": {"and": [terms(meta("country"), ["ES"])]},
            "sort": [{"scope": meta("score"), "order": "asc"}, {"scope": meta("n"), "order": "desc"}]}
    found, _ = db.search(body)
    rows = [r for r in db.records if r["metadata"]["country"] == "ES"]
    expected = [r["external_id"] for r in sorted(rows, key=lambda r: (r["metadata"]["score"], -r["metadata"]["n"]))]
    assert found == expected


def test_sort_by_suggestion_score_and_response_average(db: DbView):
    body = {"sort": [{"scope": {"entity": "suggestion", "question": "calidad", "property": "score"}, "order": "desc"},
                     {"scope": meta("n"), "order": "asc"}]}
    found, _ = db.search(body)
    expected = sorted(db.records, key=lambda r: (-r["suggestions"]["calidad"]["score"], r["metadata"]["n"]))
    assert found == [r["external_id"] for r in expected]

    body = {"sort": [{"scope": {"entity": "response", "question": "claridad"}, "order": "asc"},
                     {"scope": meta("n"), "order": "asc"}]}
    found, _ = db.search(body)

    def key(r):
        values = response_values(r, "claridad")
        return (0, sum(values) / len(values), r["metadata"]["n"]) if values else (1, 0, r["metadata"]["n"])  # missing last

    assert found == [r["external_id"] for r in sorted(db.records, key=key)]


def test_sort_by_record_property(db: DbView):
    found, _ = db.search({"sort": [{"scope": {"entity": "record", "property": "inserted_at"}, "order": "desc"}]})
    inserted = {r["external_id"]: r["inserted_at"] for r in db.records}
    stamps = [inserted[i] for i in found]
    assert len(stamps) == 1000 and stamps == sorted(stamps, reverse=True)


def test_pages_partition_the_results(db: DbView):
    body = {"filters": {"and": [range_(meta("n"), 0, 499)]}, "sort": [{"scope": meta("n"), "order": "asc"}]}
    everything, total = db.search(body)
    paged, paged_total = db.search(body, page=37)
    assert total == paged_total == 500 and paged == everything


def test_each_user_gets_a_stable_order_of_their_own(db: DbView):
    first, _ = db.search({}, me=True)
    again, _ = db.search({}, me=True)
    other, _ = db.search({}, me=True, client=db.annotator)
    assert first == again
    assert set(first) == set(other) == ids_where(db, lambda r: True)
    assert first != other


# ---- progress and metrics ---------------------------------------------------------------------------------

def test_dataset_progress_matches_record_statuses(db: DbView):
    progress = db.owner.get(f"/datasets/{db.dataset_id}/progress").json()
    completed = len(ids_where(db, lambda r: r["status"] == "completed"))
    assert completed > 0
    assert (progress["total"], progress["completed"], progress["pending"]) == (1000, completed, 1000 - completed)


@pytest.mark.parametrize("who", ["owner", "annotator"])
def test_user_metrics_match_their_responses(db: DbView, who: str):
    client, user_id = (db.owner, db.owner_id) if who == "owner" else (db.annotator, db.annotator_id)
    metrics = client.get(f"/me/datasets/{db.dataset_id}/metrics").json()["responses"]
    counts = {s: len(ids_where(db, lambda r, s=s: s in statuses(r, user_id))) for s in ("submitted", "draft", "discarded")}
    assert metrics["total"] == 1000
    assert {s: metrics[s] for s in counts} == counts
    assert metrics["pending"] == 1000 - sum(counts.values())


def test_metadata_metrics_match_plain_counts(db: DbView):
    countries = db.owner.get(f"/metadata-properties/{db.metadata_ids['country']}/metrics").json()
    assert countries["type"] == "terms" and countries["total"] == 1000
    assert {v["term"]: v["count"] for v in countries["values"]} == {c: 200 for c in ("MX", "AR", "ES", "CO", "PE")}

    varieties = db.owner.get(f"/metadata-properties/{db.metadata_ids['variety']}/metrics").json()
    expected = {}
    for r in db.records:
        for v in r["metadata"]["variety"]:
            expected[v] = expected.get(v, 0) + 1
    assert {v["term"]: v["count"] for v in varieties["values"]} == expected
    assert varieties["total"] == sum(expected.values())

    n = db.owner.get(f"/metadata-properties/{db.metadata_ids['n']}/metrics").json()
    score = db.owner.get(f"/metadata-properties/{db.metadata_ids['score']}/metrics").json()
    assert (n["min"], n["max"]) == (0, 999)
    assert (score["min"], score["max"]) == (0.0, 0.99)


# ---- vectors (similarity search) --------------------------------------------------------------------------

def test_similarity_search_matches_cosine_ranking(argilla_server):
    import argilla as rg

    from tests.fixtures.argilla_server import argilla_client

    client = argilla_client(argilla_server)
    workspace = client.workspaces("corpus-a") or rg.Workspace(name="corpus-a", client=client).create()
    settings = rg.Settings(fields=[rg.TextField(name="text")], questions=[rg.LabelQuestion(name="ok", labels=["sí", "no"])],
                           vectors=[rg.VectorField(name="emb", dimensions=3)])
    dataset = rg.Dataset(name="vectores", workspace=workspace, settings=settings, client=client).create()
    vectors = {f"v{i}": [math.cos(i / 5), math.sin(i / 5), (i % 3) / 3] for i in range(30)}
    dataset.records.log([rg.Record(id=key, fields={"text": f"vector {key}"}, vectors={"emb": value})
                         for key, value in vectors.items()])

    def cosine(a, b):
        return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))

    with api(argilla_server) as http:
        ids = {item["external_id"]: item["id"] for item in
               http.get(f"/datasets/{dataset.id}/records", params={"limit": 100}).json()["items"]}
        for order, sign in (("most_similar", 1), ("least_similar", -1)):
            body = {"query": {"vector": {"name": "emb", "record_id": ids["v7"], "order": order}}}
            reply = http.post(f"/datasets/{dataset.id}/records/search", json=body, params={"limit": 5}).json()
            found = [item["record"]["external_id"] for item in reply["items"]]
            others = sorted((k for k in vectors if k != "v7"), key=lambda k: -sign * cosine(vectors["v7"], vectors[k]))
            assert found == others[:5]
            # ES scores cosine as (1 + cos) / 2; least_similar searches with the negated vector
            best = (1 + sign * cosine(vectors["v7"], vectors[found[0]])) / 2
            assert reply["items"][0]["query_score"] == pytest.approx(best)
