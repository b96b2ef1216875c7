"""Text analysis and the search-box query language of the in-process engine (pure Python, no imports).

Argilla's Elasticsearch engine sends the search box to ES as a `simple_query_string` with
`default_operator=AND` over the record's text fields, analysed by the standard analyzer (Unicode word
tokens, lowercased, accents kept). This module reproduces the part of that language people type:

- `niño feliz`         every word must occur (in any searched field)
- `"buenos días"`      a phrase: consecutive tokens in one field
- `comput*`            a prefix
- `-spam`              must not occur
- `hola | adiós`       either side (AND binds tighter than OR)
- `+`, `(`, `)`, `~N`  accepted and ignored (no grouping, no fuzziness)

Scoring is BM25 (k1=1.2, b=0.75) over the searched fields, so more specific matches rank first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CLAUSE_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
K1, B = 1.2, 0.75


def tokenize(text: str) -> list[str]:
    """Lowercased Unicode word tokens, like Elasticsearch's standard analyzer (no accent folding)."""
    return _TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Item:
    """One searched unit: a term, a prefix or a phrase (a tuple of tokens), possibly negated."""

    tokens: tuple[str, ...]
    kind: str  # "term" | "prefix" | "phrase"
    negated: bool = False


@dataclass
class TextQuery:
    """A parsed query: OR of clauses, each clause an AND of items."""

    clauses: list[list[Item]] = field(default_factory=list)

    @property
    def positive_terms(self) -> set[str]:
        return {token for clause in self.clauses for item in clause if not item.negated and item.kind != "prefix"
                for token in item.tokens}


def parse_query(q: str) -> TextQuery:
    """Parse a search-box string into clauses of items (see the module docstring for the syntax)."""
    query = TextQuery()
    for part in _split_or(q):
        clause: list[Item] = []
        for match in _CLAUSE_ITEM.finditer(part):
            if match.group(2) is not None:  # a quoted phrase
                tokens = tuple(tokenize(match.group(2)))
                if tokens:
                    clause.append(Item(tokens, "phrase" if len(tokens) > 1 else "term", bool(match.group(1))))
                continue
            word = match.group(3)
            negated = word.startswith("-") and len(word) > 1
            word = re.sub(r"~\d*$", "", word.lstrip("+-").strip("()"))
            if word.endswith("*") and len(word) > 1:
                prefix = word.rstrip("*").lower()
                if prefix:
                    clause.append(Item((prefix,), "prefix", negated))
                continue
            # a word the analyzer splits ("e-mail", "l'aigua") must have all its parts, like ES with AND
            clause.extend(Item((token,), "term", negated) for token in tokenize(word))
        if clause:
            query.clauses.append(clause)
    return query


def _split_or(q: str) -> list[str]:
    """Split on `|` outside quotes."""
    parts, current, quoted = [], [], False
    for char in q:
        if char == '"':
            quoted = not quoted
        if char == "|" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


class AnalyzedText:
    """The tokens of one record's searchable fields, kept for matching and scoring."""

    __slots__ = ("fields", "counts", "lengths")

    def __init__(self, fields: dict[str, list[str]]):
        self.fields = fields
        self.counts = {name: Counter(tokens) for name, tokens in fields.items()}
        self.lengths = {name: len(tokens) for name, tokens in fields.items()}

    def has(self, item: Item, field_names: list[str]) -> bool:
        for name in field_names:
            counts = self.counts.get(name)
            if not counts:
                continue
            if item.kind == "term" and item.tokens[0] in counts:
                return True
            if item.kind == "prefix" and any(token.startswith(item.tokens[0]) for token in counts):
                return True
            if item.kind == "phrase" and _contains_sequence(self.fields[name], item.tokens):
                return True
        return False

    def term_frequency(self, term: str, field_names: list[str]) -> tuple[int, int]:
        """(occurrences of `term`, total tokens) over the searched fields."""
        tf = sum(self.counts[name][term] for name in field_names if name in self.counts)
        length = sum(self.lengths.get(name, 0) for name in field_names)
        return tf, length


def _contains_sequence(tokens: list[str], sequence: tuple[str, ...]) -> bool:
    n = len(sequence)
    first = sequence[0]
    return any(tokens[i] == first and tuple(tokens[i:i + n]) == sequence for i in range(len(tokens) - n + 1))


def matches(query: TextQuery, text: AnalyzedText, field_names: list[str]) -> bool:
    """Whether `text` satisfies `query` (any clause whose positive items all occur and negated ones do not)."""
    for clause in query.clauses:
        if all(text.has(item, field_names) != item.negated for item in clause):
            return True
    return False


class Scorer:
    """BM25 over a set of documents, for the positive terms of one query."""

    def __init__(self, query: TextQuery, texts: list[AnalyzedText], field_names: list[str],
                 cache: dict[tuple, int] | None = None):
        """`cache` keeps document frequencies (and the average length) between queries over unchanged texts."""
        self.terms = sorted(query.positive_terms)
        self.field_names = field_names
        cache = {} if cache is None else cache
        n = max(len(texts), 1)
        fields_key = tuple(field_names)
        if (fields_key, None) not in cache:
            cache[(fields_key, None)] = sum(sum(t.lengths.get(name, 0) for name in field_names) for t in texts)
        self.avg_length = (cache[(fields_key, None)] / n) or 1.0
        self.idf = {}
        for term in self.terms:
            if (fields_key, term) not in cache:
                cache[(fields_key, term)] = sum(
                    1 for t in texts if any(term in t.counts.get(name, ()) for name in field_names))
            df = cache[(fields_key, term)]
            self.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))

    def score(self, text: AnalyzedText) -> float:
        total = 0.0
        for term in self.terms:
            tf, length = text.term_frequency(term, self.field_names)
            if tf:
                total += self.idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg_length))
        return total or 1.0  # a match on prefixes/phrases only still scores like ES's constant 1
