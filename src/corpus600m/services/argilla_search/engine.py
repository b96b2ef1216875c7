"""`InProcessSearchEngine`: argilla-server's `SearchEngine` over an in-memory index, no Elasticsearch.

Argilla keeps records in its database and asks the search engine for record ids (search, filters, sorting,
similarity) and counts (progress, metadata metrics). Here the "index" is one `Document` per record, held in
this process and rebuilt from the database at start with argilla's own `Reindexer` (see serve.py), so it
is complete after a restart. The server must run as ONE process (one uvicorn worker).

Semantics follow argilla's Elasticsearch engine (search_engine/commons.py) where they are observable:
match-all order is insertion order; a text query ranks by BM25; with a user, ES multiplies the score by a
random score seeded with the user id — here a hash of (user id, record id), so each annotator gets a stable
order of their own; missing values sort last; multi-valued fields sort by their min (asc) / max (desc);
`pending` in a response-status filter means "no response (of this user)". Two deliberate differences:
per-user progress counts that user's responses only (ES's root-level terms aggregation also counted other
users' statuses of the same records), and a discarded response without values is indexed instead of failing.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, List, Optional, Union
from uuid import UUID

from sqlalchemy import inspect as sa_inspect

from argilla_server.enums import MetadataPropertyType, SimilarityOrder, SortOrder
from argilla_server.models import Dataset, MetadataProperty, Record, Response, Suggestion, User, VectorSettings
from argilla_server.search_engine import (
    AndFilter,
    Filter,
    FilterScope,
    FloatMetadataMetrics,
    IntegerMetadataMetrics,
    MetadataFilterScope,
    MetadataMetrics,
    Order,
    RangeFilter,
    RecordFilterScope,
    ResponseFilterScope,
    SearchEngine,
    SearchResponseItem,
    SearchResponses,
    SuggestionFilterScope,
    TermsFilter,
    TermsMetrics,
)
from argilla_server.search_engine import TextQuery as ArgillaTextQuery

from . import ENGINE_NAME
from .text import AnalyzedText, Scorer, matches, parse_query, tokenize

MAX_TERMS = 2**14  # the ES engine's max_terms_size for terms metrics
PENDING = "pending"


def _value(enum_or_value: Any) -> Any:
    return getattr(enum_or_value, "value", enum_or_value)


def _loaded(instance: Any, attribute: str) -> bool:
    """Whether an ORM relationship is loaded (reading an unloaded one in async code raises MissingGreenlet)."""
    try:
        return attribute not in sa_inspect(instance).unloaded
    except Exception:  # not an ORM instance (plain objects in tests)
        return True


@dataclass
class Document:
    """What the engine knows about one record."""

    id: str
    external_id: Optional[str]
    status: str
    inserted_at: datetime
    updated_at: datetime
    text: AnalyzedText
    metadata: dict[str, Any] = field(default_factory=dict)
    responses: dict[str, dict] = field(default_factory=dict)  # response id -> {status, user_id, values}
    suggestions: dict[str, dict] = field(default_factory=dict)  # question name -> {type, agent, score, value}
    vectors: dict[str, list[float]] = field(default_factory=dict)  # vector settings id -> vector

    def record_property(self, name: str) -> Any:
        return getattr(self, name) if name in ("id", "external_id", "status", "inserted_at", "updated_at") else None


@dataclass
class DatasetIndex:
    """Documents of one dataset in insertion order, plus the kinds of its fields (text, chat, image, custom)."""

    field_kinds: dict[str, str] = field(default_factory=dict)
    docs: dict[str, Document] = field(default_factory=dict)
    # document frequencies of query terms, valid until the texts change (index_records / delete_records)
    document_frequencies: dict[tuple, int] = field(default_factory=dict)


# The index of every dataset, shared by all engine instances (argilla creates one instance per request).
INDICES: dict[str, DatasetIndex] = {}


def _field_kinds(dataset: Dataset) -> dict[str, str]:
    if not _loaded(dataset, "fields"):
        return {}
    return {f.name: str(_value(f.settings.get("type", "text"))) for f in dataset.fields}


def _index_for(dataset_id: Any, create: bool = False) -> Optional[DatasetIndex]:
    key = str(dataset_id)
    if create and key not in INDICES:
        INDICES[key] = DatasetIndex()
    return INDICES.get(key)


def _field_text(value: Any, kind: str) -> str:
    if value is None or kind == "image":
        return ""
    if kind == "chat" or (isinstance(value, list) and value and isinstance(value[0], dict)):
        return "\n".join(str(message.get("content", "")) for message in value if isinstance(message, dict))
    return value if isinstance(value, str) else str(value)


def _analyze(fields: dict[str, Any], kinds: dict[str, str]) -> AnalyzedText:
    analyzed = {}
    for name, value in (fields or {}).items():
        kind = kinds.get(name, "text")
        if kind == "image" or (not kinds and isinstance(value, str) and value.startswith("data:")):
            continue
        analyzed[name] = tokenize(_field_text(value, kind))
    # "*" holds every token so a query without a field searches all fields at once
    analyzed["*"] = [token for tokens in list(analyzed.values()) for token in tokens]
    return AnalyzedText(analyzed)


def _response_entry(response: Response) -> dict:
    values = response.values or {}  # a discarded response may have no values
    return {
        "status": str(_value(response.status)),
        "user_id": str(response.user_id),
        "values": {question: (value or {}).get("value") for question, value in values.items()},
    }


def _suggestion_entry(suggestion: Suggestion) -> dict:
    return {
        "type": _value(suggestion.type) if suggestion.type is not None else None,
        "agent": suggestion.agent,
        "score": suggestion.score,
        "value": suggestion.value,
    }


def document_from_record(record: Record, kinds: dict[str, str], previous: Optional[Document] = None) -> Document:
    """Map an ORM record (with whatever relationships its caller loaded) to a `Document`."""
    doc = Document(
        id=str(record.id),
        external_id=record.external_id,
        status=str(_value(record.status)),
        inserted_at=record.inserted_at,
        updated_at=record.updated_at,
        text=_analyze(record.fields, kinds),
        metadata=dict(record.metadata_ or {}),
    )
    if _loaded(record, "responses"):
        doc.responses = {str(r.id): _response_entry(r) for r in record.responses}
    elif previous is not None:
        doc.responses = previous.responses
    if _loaded(record, "suggestions"):
        doc.suggestions = {s.question.name: _suggestion_entry(s) for s in record.suggestions}
    elif previous is not None:
        doc.suggestions = previous.suggestions
    if _loaded(record, "vectors"):
        doc.vectors = {str(v.vector_settings_id): list(v.value) for v in record.vectors}
    elif previous is not None:
        doc.vectors = previous.vectors
    return doc


# ---- filters --------------------------------------------------------------------------------------------

def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _number(value: Any) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):  # ES compares dates given as numbers in epoch milliseconds
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.timestamp() * 1000
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            try:
                return _number(datetime.fromisoformat(value))
            except ValueError:
                return None
    return None


def _term_matcher(values: Iterable[Any]) -> Callable[[Any], bool]:
    """A test for one indexed value against a terms filter: equal as strings, or as numbers (ES keyword/number)."""
    wanted = [_value(v) for v in values]
    strings = {str(v).lower() if isinstance(v, bool) else str(v) for v in wanted}
    numbers = {n for n in (_number(v) for v in wanted if not isinstance(v, datetime)) if n is not None}

    def test(value: Any) -> bool:
        kind = type(value)
        if kind is str:
            return value in strings
        if kind is bool:
            return str(value).lower() in strings
        if kind is int or kind is float:
            return float(value) in numbers
        return str(value) in strings

    return test


def _range_matcher(ge: Optional[float], le: Optional[float]) -> Callable[[Any], bool]:
    low, high = _number(ge), _number(le)

    def test(value: Any) -> bool:
        kind = type(value)
        number = value if kind is int or kind is float else _number(value)
        if number is None:
            return False
        return (low is None or number >= low) and (high is None or number <= high)

    return test


def _value_test(filter: Union[TermsFilter, RangeFilter]) -> Callable[[Any], bool]:
    if isinstance(filter, TermsFilter):
        return _term_matcher(filter.values)
    if isinstance(filter, RangeFilter):
        return _range_matcher(filter.ge, filter.le)
    raise ValueError(f"cannot process filter {filter!r}")


def _user_responses(doc: Document, user: Optional[User]) -> Iterable[dict]:
    if user is None:
        return doc.responses.values()
    user_id = str(user.id)
    return [r for r in doc.responses.values() if r["user_id"] == user_id]


def compile_filter(filter: Filter) -> Callable[[Document], bool]:
    """A predicate over documents equivalent to argilla's filter tree."""
    if isinstance(filter, AndFilter):
        parts = [compile_filter(f) for f in filter.filters]
        return lambda doc: all(part(doc) for part in parts)

    scope = filter.scope
    if isinstance(scope, ResponseFilterScope):
        return _compile_response_filter(filter, scope)

    test = _value_test(filter)
    if isinstance(scope, MetadataFilterScope):  # the common case, without building lists
        name = scope.metadata_property

        def metadata_test(doc: Document) -> bool:
            value = doc.metadata.get(name)
            if value is None:
                return False
            if type(value) is list:
                return any(test(item) for item in value if item is not None)
            return test(value)

        return metadata_test
    if isinstance(scope, SuggestionFilterScope):
        question, prop = scope.question, str(_value(scope.property or "value"))

        def suggestion_test(doc: Document) -> bool:
            suggestion = doc.suggestions.get(question)
            value = None if suggestion is None else suggestion.get(prop)
            if value is None:
                return False
            if type(value) is list:
                return any(test(item) for item in value if item is not None)
            return test(value)

        return suggestion_test
    extract = _scope_values(scope)
    return lambda doc: any(test(value) for value in extract(doc) if value is not None)


def _scope_values(scope: FilterScope) -> Callable[[Document], list]:
    if isinstance(scope, MetadataFilterScope):
        name = scope.metadata_property
        return lambda doc: _as_list(doc.metadata.get(name))
    if isinstance(scope, RecordFilterScope):
        prop = str(_value(scope.property))
        return lambda doc: _as_list(doc.record_property(prop))
    if isinstance(scope, SuggestionFilterScope):
        question, prop = scope.question, str(_value(scope.property or "value"))
        return lambda doc: _as_list((doc.suggestions.get(question) or {}).get(prop))
    raise ValueError(f"cannot process search scope {scope!r}")


def _compile_response_filter(filter: Filter, scope: ResponseFilterScope) -> Callable[[Document], bool]:
    user = scope.user
    if scope.question:
        question, test = scope.question, _value_test(filter)
        return lambda doc: any(
            any(test(v) for v in _as_list(r["values"].get(question))) for r in _user_responses(doc, user)
        )
    if scope.property == "status" and isinstance(filter, TermsFilter):
        statuses = {str(_value(v)) for v in filter.values}
        want_pending = PENDING in statuses
        statuses.discard(PENDING)

        def test(doc: Document) -> bool:
            if not doc.responses:
                return want_pending or (not statuses and user is None)
            responses = _user_responses(doc, user)
            if user is not None:
                responses = list(responses)
            if want_pending and not responses:
                return True
            if not statuses:
                # ES: an empty status list with a user still requires a response of that user
                return not want_pending and (user is None or bool(responses))
            return any(r["status"] in statuses for r in responses)

        return test
    raise ValueError(f"cannot process filter scope {scope!r}")


# ---- sorting --------------------------------------------------------------------------------------------

def _sort_value(doc: Document, order: Order, extract: Optional[Callable[[Document], list]] = None) -> Any:
    scope, descending = order.scope, _value(order.order) == _value(SortOrder.desc)
    if isinstance(scope, ResponseFilterScope):
        key = scope.question or "status"
        values = [v for r in _user_responses(doc, scope.user)
                  for v in _as_list(r["values"].get(key) if scope.question else r["status"])]
        numbers = [_number(v) for v in values]
        if values and all(n is not None and not isinstance(v, str) for n, v in zip(numbers, values)):
            return sum(numbers) / len(numbers)  # ES sorts nested responses with mode "avg"
    else:
        values = (extract or _scope_values(scope))(doc)
    values = [v for v in values if v is not None]
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return max(values, key=_comparable) if descending else min(values, key=_comparable)


def _comparable(value: Any) -> tuple:
    """Order numbers, dates and strings without comparing across types."""
    if isinstance(value, datetime):
        return (1, _number(value))
    number = _number(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return (0, number) if number is not None else (2, str(value))


def sort_hits(hits: list[tuple[Document, float]], sort: List[Order]) -> list[tuple[Document, float]]:
    """Stable multi-key sort with missing values last in both directions (ES default `missing: _last`)."""
    ordered = list(hits)
    for order in reversed(sort):
        descending = _value(order.order) == _value(SortOrder.desc)
        extract = None if isinstance(order.scope, ResponseFilterScope) else _scope_values(order.scope)
        keyed = [(hit, _sort_value(hit[0], order, extract)) for hit in ordered]
        present = [(hit, value) for hit, value in keyed if value is not None]
        missing = [hit for hit, value in keyed if value is None]
        present.sort(key=lambda pair: _comparable(pair[1]), reverse=descending)
        ordered = [hit for hit, _ in present] + missing
    return ordered


def user_random_score(user_id: Any, record_id: str) -> float:
    """A deterministic pseudo-random score in (0, 1] per (user, record): each annotator's own record order."""
    scores = _USER_SCORES.setdefault(str(user_id), {})
    score = scores.get(record_id)
    if score is None:
        digest = hashlib.blake2b(f"{user_id}:{record_id}".encode(), digest_size=8).digest()
        score = scores[record_id] = (int.from_bytes(digest, "big") + 1) / 2**64
    return score


_USER_SCORES: dict[str, dict[str, float]] = {}  # memo of user_random_score: hashing 10,000 ids costs ~10 ms a query


# ---- the engine -------------------------------------------------------------------------------------------

@SearchEngine.register(engine_name=ENGINE_NAME)
class InProcessSearchEngine(SearchEngine):
    """argilla-server's `SearchEngine` over `INDICES` (see the module docstring)."""

    @classmethod
    async def new_instance(cls) -> "InProcessSearchEngine":
        return cls()

    async def close(self):
        pass

    async def ping(self) -> bool:
        return True

    async def info(self) -> dict:
        return {
            "name": ENGINE_NAME,
            "kind": "in-process index rebuilt from the database at start",
            "datasets": len(INDICES),
            "records": sum(len(index.docs) for index in INDICES.values()),
        }

    # -- index lifecycle
    async def create_index(self, dataset: Dataset):
        index = _index_for(dataset.id, create=True)
        index.field_kinds = _field_kinds(dataset) or index.field_kinds

    async def delete_index(self, dataset: Dataset):
        INDICES.pop(str(dataset.id), None)

    async def configure_metadata_property(self, dataset: Dataset, metadata_property: MetadataProperty):
        # documents keep their whole metadata dict, so a property added later is searchable at once
        _index_for(dataset.id, create=True)

    async def configure_index_vectors(self, vector_settings: VectorSettings):
        _index_for(vector_settings.dataset_id, create=True)

    # -- records
    async def index_records(self, dataset: Dataset, records: Iterable[Record]):
        index = _index_for(dataset.id, create=True)
        kinds = _field_kinds(dataset)
        if kinds:
            index.field_kinds = kinds
        index.document_frequencies.clear()
        for record in records:
            key = str(record.id)
            index.docs[key] = document_from_record(record, index.field_kinds, index.docs.get(key))

    async def partial_record_update(self, record: Record, **update):
        doc = self._doc(record.dataset_id, record.id)
        if doc is None:
            return
        for name, value in update.items():
            if name in ("status", "external_id", "updated_at", "inserted_at"):
                setattr(doc, name, str(_value(value)) if name == "status" else value)
            elif name == "metadata":
                doc.metadata = dict(value or {})

    async def delete_records(self, dataset: Dataset, records: Iterable[Record]):
        index = _index_for(dataset.id)
        if index is not None:
            index.document_frequencies.clear()
            for record in records:
                index.docs.pop(str(record.id), None)

    async def update_record_response(self, response: Response):
        doc = self._doc(response.record.dataset_id, response.record_id)
        if doc is not None:
            doc.responses[str(response.id)] = _response_entry(response)

    async def delete_record_response(self, response: Response):
        doc = self._doc(response.record.dataset_id, response.record_id)
        if doc is not None:
            doc.responses.pop(str(response.id), None)

    async def update_record_suggestion(self, suggestion: Suggestion):
        doc = self._doc(suggestion.record.dataset_id, suggestion.record_id)
        if doc is not None:
            doc.suggestions[suggestion.question.name] = _suggestion_entry(suggestion)

    async def delete_record_suggestion(self, suggestion: Suggestion):
        doc = self._doc(suggestion.record.dataset_id, suggestion.record_id)
        if doc is not None:
            doc.suggestions.pop(suggestion.question.name, None)

    @staticmethod
    def _doc(dataset_id: Any, record_id: Any) -> Optional[Document]:
        index = _index_for(dataset_id)
        return None if index is None else index.docs.get(str(record_id))

    # -- progress and metrics
    async def get_dataset_progress(self, dataset: Dataset) -> dict:
        if dataset.is_draft:
            return {}
        index = _index_for(dataset.id)
        docs = index.docs.values() if index else []
        counts = Counter(doc.status for doc in docs)
        return {"total": sum(counts.values()), **counts}

    async def get_dataset_user_progress(self, dataset: Dataset, user: User) -> dict:
        if dataset.is_draft:
            return {}
        index = _index_for(dataset.id)
        user_id = str(user.id)
        counts = Counter(
            r["status"] for doc in (index.docs.values() if index else []) for r in doc.responses.values()
            if r["user_id"] == user_id
        )
        return {"total": sum(counts.values()), **counts}

    async def compute_metrics_for(self, metadata_property: MetadataProperty) -> MetadataMetrics:
        index = _index_for(metadata_property.dataset_id)
        name = metadata_property.name
        values = [v for doc in (index.docs.values() if index else []) for v in _as_list(doc.metadata.get(name))
                  if v is not None]
        kind = metadata_property.type
        if kind == MetadataPropertyType.terms:
            counts = Counter(str(v) for v in values)
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERMS]
            return TermsMetrics(total=len(values),
                                values=[TermsMetrics.TermCount(term=t, count=c) for t, c in ranked])
        numbers = [n for n in (_number(v) for v in values) if n is not None]
        if kind == MetadataPropertyType.integer:
            return IntegerMetadataMetrics(min=int(min(numbers)) if numbers else None,
                                          max=int(max(numbers)) if numbers else None)
        return FloatMetadataMetrics(min=min(numbers) if numbers else None, max=max(numbers) if numbers else None)

    # -- search
    async def search(
        self,
        dataset: Dataset,
        query: Optional[Union[ArgillaTextQuery, str]] = None,
        filter: Optional[Filter] = None,
        sort: Optional[List[Order]] = None,
        offset: int = 0,
        limit: int = 100,
        user_id: Optional[Any] = None,
    ) -> SearchResponses:
        index = _index_for(dataset.id)
        if index is None:
            return SearchResponses(items=[], total=0)
        hits = self._matching(index, query, filter)
        if user_id is not None and not sort:  # an explicit sort overrides the per-user order
            hits = [(doc, score * user_random_score(user_id, doc.id)) for doc, score in hits]
        if sort:
            hits = sort_hits(hits, sort)
        elif query is not None or user_id is not None:
            hits.sort(key=lambda hit: hit[1], reverse=True)  # stable: ties keep insertion order
        page = hits[offset:offset + limit]
        return SearchResponses(items=[SearchResponseItem(record_id=UUID(doc.id), score=score) for doc, score in page],
                               total=len(hits))

    def _matching(self, index: DatasetIndex, query: Optional[Union[ArgillaTextQuery, str]],
                  filter: Optional[Filter]) -> list[tuple[Document, float]]:
        predicate = compile_filter(filter) if filter else None
        docs = [doc for doc in index.docs.values() if predicate is None or predicate(doc)]
        if query is None:
            return [(doc, 1.0) for doc in docs]
        if isinstance(query, str):
            query = ArgillaTextQuery(q=query)
        parsed = parse_query(query.q)
        fields = [query.field] if query.field else ["*"]  # "*" holds the tokens of every text field
        scorer = Scorer(parsed, [doc.text for doc in index.docs.values()], fields, index.document_frequencies)
        return [(doc, scorer.score(doc.text)) for doc in docs if matches(parsed, doc.text, fields)]

    async def similarity_search(
        self,
        dataset: Dataset,
        vector_settings: VectorSettings,
        value: Optional[List[float]] = None,
        record: Optional[Record] = None,
        query: Optional[Union[ArgillaTextQuery, str]] = None,
        filter: Optional[Filter] = None,
        max_results: int = 100,
        order: SimilarityOrder = SimilarityOrder.most_similar,
        threshold: Optional[float] = None,
    ) -> SearchResponses:
        if bool(value) == bool(record):
            raise ValueError("Must provide either vector value or record to compute the similarity search")
        index = _index_for(dataset.id)
        if index is None:
            return SearchResponses(items=[], total=0)
        key = str(vector_settings.id)
        excluded = None
        if not value:
            excluded = str(record.id)
            doc = index.docs.get(excluded)
            value = (doc.vectors.get(key) if doc else None) or record.vector_value_by_vector_settings(vector_settings)
        if not value:
            raise ValueError("Cannot find a vector value to apply with provided info")
        if order == SimilarityOrder.least_similar:
            value = [-x for x in value]
        query_norm = math.sqrt(sum(x * x for x in value)) or 1.0
        scored = []
        for doc, _ in self._matching(index, query, filter):
            vector = doc.vectors.get(key)
            if doc.id == excluded or not vector:
                continue
            norm = math.sqrt(sum(x * x for x in vector)) or 1.0
            cosine = sum(a * b for a, b in zip(value, vector)) / (query_norm * norm)
            score = (1 + cosine) / 2  # ES's score for cosine similarity
            if threshold is None or score >= threshold:
                scored.append((doc, score))
        scored.sort(key=lambda hit: hit[1], reverse=True)
        top = scored[:max_results]
        return SearchResponses(items=[SearchResponseItem(record_id=UUID(doc.id), score=s) for doc, s in top],
                               total=len(top))
