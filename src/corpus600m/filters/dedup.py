"""Duplicates: exact (hash of the normalized text) and near (MinHash over word 3-grams + LSH banding).

Signatures are computed in bulk: word 3-gram hashes with polars (vectorized), MinHash digests with rensa
(Rust), LSH band keys and candidate verification with numpy. `KnownTexts` holds what is already accepted
(the store's `filtered` and `curated` tables, and earlier batches of a stream) so a batch is checked
against it as well as against itself. Memory per known text: 4 B × `NUM_PERM` digest + 16 B × `NUM_BANDS`
sorted band keys and rows, plus the id and a dict entry for the exact hash (~700 B with the defaults: ~0.7 GB
for a million texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import polars as pl

NUM_PERM = 64
NUM_BANDS = 16  # 16 bands × 4 rows: pairs with Jaccard ≥ ~0.5 become candidates, then are verified
SEED = 600


def normalized_frame(texts: list[str]) -> pl.Series:
    """Lowercased, punctuation-free, whitespace-collapsed text: what both duplicate checks compare.

    NFKC (compatibility forms folded), lowercased, each run of non-word characters (punctuation and
    whitespace: replacing `[^\\w\\s]` by a space, then collapsing `\\s+`, is the same thing) made one space.
    """
    series = pl.Series("t", texts, dtype=pl.String)
    return (
        nfkc(series)
        .str.to_lowercase()
        .str.replace_all(r"\W+", " ")
        .str.strip_chars()
    )


def nfkc(series: pl.Series) -> pl.Series:
    """polars' `str.normalize("NFKC")`, computed by Python's `unicodedata` where that gives the same text (~10×
    faster: it checks quickly that text is already normalized, as nearly all text is).

    Normalization forms are stable across Unicode versions for assigned characters (no decomposition or
    combining class of an assigned character ever changes), so the two agree on text whose characters are all
    assigned in Python's (older) Unicode tables; text with a character Python does not know goes to polars.
    """
    import unicodedata

    if series.is_empty():
        return series
    unknown = series.str.contains(_python_unassigned_rs()).fill_null(False)
    texts = [None if t is None else unicodedata.normalize("NFKC", t) for t in series.to_list()]
    out = pl.Series(series.name, texts, dtype=pl.String)
    if unknown.any():
        out = pl.select(pl.when(unknown).then(series.str.normalize("NFKC")).otherwise(out)).to_series().alias(series.name)
    return out


@lru_cache(maxsize=1)
def _python_unassigned_rs() -> str:
    """A Rust-regex class of the code points Python's `unicodedata` has no character for (category Cn)."""
    import unicodedata

    ranges, start = [], None
    for code in range(0x110001):
        unassigned = code <= 0x10FFFF and unicodedata.category(chr(code)) == "Cn"
        if unassigned and start is None:
            start = code
        elif not unassigned and start is not None:
            ranges.append(f"\\x{{{start:X}}}-\\x{{{code - 1:X}}}")
            start = None
    return "[" + "".join(ranges) + "]"


def exact_hashes(normalized: pl.Series) -> np.ndarray:
    return normalized.hash(seed=SEED).to_numpy().astype(np.uint64)


def minhash_digests(normalized: pl.Series) -> np.ndarray:
    """(n, NUM_PERM) uint32 MinHash digests of each text's word 3-grams (1-grams for texts under 3 words)."""
    import rensa

    n = len(normalized)
    if n == 0:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    split = normalized.str.split(" ")
    n_words = split.list.len().to_numpy().astype(np.int64)  # >= 1: "" splits into [""]
    # explode keeps row order, so "the next word of the same row" is a plain shift masked at row changes
    # (a window `.over("row")` costs several times more)
    words = pl.DataFrame({"row": np.arange(n, dtype=np.int64), "w": split}).explode("w")
    words = words.with_columns(pl.col("w").hash(seed=SEED).alias("h"))
    row, h = pl.col("row"), pl.col("h")
    same_row_2_ahead = row.shift(-2) == row
    # texts too short for a 3-gram keep their word hashes
    long_text = pl.Series("long", np.repeat(n_words >= 3, n_words))
    grams = words.with_columns(long_text).select(
        pl.when(pl.col("long"))
        .then(pl.when(same_row_2_ahead).then(h * 31 + h.shift(-1) * 17 + h.shift(-2)))
        .otherwise(h)
        .alias("token")
    ).drop_nulls()
    lengths = np.where(n_words >= 3, n_words - 2, n_words)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.uint64)
    tokens = grams["token"].to_numpy().astype(np.uint64)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(tokens, offsets, NUM_PERM, SEED)
    return np.asarray(matrix.to_rows(), dtype=np.uint32).reshape(n, NUM_PERM)


def band_keys(digests: np.ndarray) -> np.ndarray:
    """(n, NUM_BANDS) uint64 keys: rows sharing a key in some band are near-duplicate candidates."""
    rows = NUM_PERM // NUM_BANDS
    rng = np.random.default_rng(SEED)
    mult = rng.integers(1, 2**61, size=rows, dtype=np.uint64) | np.uint64(1)
    view = digests.astype(np.uint64).reshape(len(digests), NUM_BANDS, rows)
    with np.errstate(over="ignore"):
        keys = (view * mult).sum(axis=2, dtype=np.uint64)
        keys = keys + np.arange(NUM_BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return keys


@dataclass
class KnownTexts:
    """Texts already accepted (store tables, earlier batches): their ids, exact hashes, digests and band keys."""

    ids: list[str] = field(default_factory=list)
    exact: dict[int, str] = field(default_factory=dict)
    digests: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), dtype=np.uint32))
    # band keys sorted, with the row in `digests` each comes from (numpy, not a dict: ~16 B per key)
    band_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    band_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, ids: list[str], texts: list[str]) -> None:
        """Remember these texts (ids are the representative record ids)."""
        if not ids:
            return
        normalized = normalized_frame(texts)
        self._add(ids, exact_hashes(normalized), minhash_digests(normalized))

    def add_computed(self, ids: list[str], hashes: np.ndarray, digests: np.ndarray) -> None:
        """Remember texts whose exact hashes and MinHash digests are already computed (`find_duplicates`)."""
        if ids:
            self._add(ids, hashes, digests)

    def _add(self, ids: list[str], hashes: np.ndarray, digests: np.ndarray) -> None:
        base = len(self.ids)
        self.ids.extend(ids)
        for h, rid in zip(hashes.tolist(), ids, strict=True):
            self.exact.setdefault(h, rid)
        self.digests = np.concatenate([self.digests, digests]) if len(self.digests) else digests
        keys = band_keys(digests).ravel()
        rows = np.repeat(np.arange(base, base + len(digests), dtype=np.int64), NUM_BANDS)
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        # merge the sorted new keys into the sorted known ones (after equal known keys: the order a stable sort
        # of old + new gives) instead of re-sorting everything: no argsort temporaries over a million texts
        pos = np.searchsorted(self.band_keys, keys, side="right")
        self.band_keys = np.insert(self.band_keys, pos, keys)
        self.band_rows = np.insert(self.band_rows, pos, rows)

    def candidate_rows(self, keys: np.ndarray) -> list[set[int]]:
        """For each row of band keys (n, NUM_BANDS): the known rows sharing at least one band key."""
        found = self.candidate_map(keys)
        return [found.get(row, set()) for row in range(len(keys))]

    def candidate_map(self, keys: np.ndarray) -> dict[int, set[int]]:
        """`candidate_rows` for the rows of `keys` that have candidates only: {row: known rows} (no empty sets)."""
        out: dict[int, set[int]] = {}
        if not len(self.band_keys) or not len(keys):
            return out
        flat = keys.ravel()
        pos = np.searchsorted(self.band_keys, flat)
        pos_clipped = np.minimum(pos, len(self.band_keys) - 1)
        hits = np.nonzero(self.band_keys[pos_clipped] == flat)[0]
        for index, known_row in zip((hits // NUM_BANDS).tolist(), self.band_rows[pos_clipped[hits]].tolist(),
                                    strict=True):
            found = out.get(index)
            if found is None:
                out[index] = {known_row}
            else:
                found.add(known_row)
        return out

    @classmethod
    def from_store(cls, store, tables=("filtered", "curated")) -> KnownTexts:
        """What the store's `filtered` and `curated` tables already hold (redacted text, as it was kept)."""
        known = cls()
        for table in tables:
            if not store.exists(table):
                continue
            lazy = store.scan(table).select("id", "instruction", "input", "output")
            for frame in lazy.collect().iter_slices(50_000):
                known.add(frame["id"].to_list(), combined_texts(frame))
        return known


def combined_texts(frame: pl.DataFrame) -> list[str]:
    """instruction + input + output of each row, the unit both duplicate checks compare."""
    return frame.select(
        pl.concat_str([pl.col("instruction"), pl.col("input").fill_null(""), pl.col("output")], separator="\n")
    ).to_series().to_list()


@dataclass
class DuplicateVerdict:
    kind: str | None  # None | "duplicate" | "near_duplicate"
    of: str | None  # id of the representative
    similarity: float = 1.0


def find_duplicates(ids: list[str], texts: list[str], known: KnownTexts, *, threshold: float = 0.8,
                    priority: list[int] | None = None) -> tuple[list[DuplicateVerdict], np.ndarray, np.ndarray]:
    """Mark each text that duplicates a known text or an earlier text of the batch.

    `priority` orders the batch for choosing representatives (lower first; e.g. records clean of other
    problems before rejected ones), ties by position. Returns the verdicts plus the hashes and digests so
    the caller can add kept texts to `known` without recomputing them.
    """
    n = len(texts)
    normalized = normalized_frame(texts)
    hashes = exact_hashes(normalized)
    digests = minhash_digests(normalized)
    keys = band_keys(digests)
    # by (priority, position): a stable sort of the priorities (no per-text Python tuples)
    order = np.argsort(np.asarray(priority), kind="stable").tolist() if priority else list(range(n))
    known_candidates = known.candidate_map(keys)
    verdicts: list[DuplicateVerdict] = [DuplicateVerdict(None, None)] * n
    batch_exact: dict[int, str] = {}
    batch_bands: dict[int, int] = {}
    # plain Python ints for the per-text loop (indexing numpy element by element costs more than the work); the
    # band keys in one flat list, sliced per text: no n long-lived lists for the garbage collector to scan
    hash_list, flat_keys = hashes.tolist(), keys.ravel().tolist()
    no_rows: tuple[int, ...] = ()
    for i in order:
        h = hash_list[i]
        rep = known.exact.get(h) or batch_exact.get(h)
        if rep is not None:
            verdicts[i] = DuplicateVerdict("duplicate", rep, 1.0)
            continue
        best: tuple[float, str | None] = (0.0, None)
        row_keys = flat_keys[i * NUM_BANDS:(i + 1) * NUM_BANDS]
        known_rows = known_candidates.get(i, no_rows)
        batch_rows = {batch_bands[key] for key in row_keys if key in batch_bands} if batch_bands else no_rows
        if known_rows or batch_rows:
            digest = digests[i]
            for row in known_rows:
                sim = np.count_nonzero(known.digests[row] == digest) / NUM_PERM
                if sim > best[0]:
                    best = (sim, known.ids[row])
            for j in batch_rows:
                sim = np.count_nonzero(digests[j] == digest) / NUM_PERM
                if sim > best[0]:
                    best = (sim, ids[j])
        if best[0] >= threshold:
            verdicts[i] = DuplicateVerdict("near_duplicate", best[1], round(best[0], 3))
            continue
        batch_exact[h] = ids[i]
        for key in row_keys:
            batch_bands.setdefault(key, i)
    return verdicts, hashes, digests
