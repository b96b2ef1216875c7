"""Calibration (gold) records: known answers mixed into each annotator's queue, and each annotator's accuracy on them.

A gold file is JSONL: one `Record` per line plus an `expected` object with the answers an organizer
vouches for (any of `pais`, `variedad`, `calidad`, `es_correcta`):

    {"instruction": "...", "output": "...", "country": "MX", "source": "synthetic",
     "expected": {"es_correcta": "no", "calidad": 1}}

Argilla's task distribution takes a record out of everyone's queue once `min_submitted` people answered
it, so a single copy of a gold record would calibrate only those few. Each workspace instead gets its own
*copies* of the gold records, ceil(n x `rate`) of them for n records (0.05: about one in twenty), so every
annotator keeps meeting them as they work. Where: Argilla orders each annotator's queue by a random score
seeded with the user (Elasticsearch and the local engine alike), so the copies land at random places that
differ per person, and the push order (copies evenly interleaved) only matters for a server without that.
The copies carry ids `gold-<workspace>-<n>-<gold id>` and are listed in the ledger's `gold.parquet`; `pull`
leaves them out of annotated and curated, `report` scores each annotator's submitted answers on them.
Nothing in Argilla marks a copy as gold.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from corpus600m.annotate.client import AnnotateError
from corpus600m.annotate.consensus import SUBMITTED, AnnotatorResponse
from corpus600m.annotate.design import CALIDAD, CALIDAD_VALUES, ES_CORRECTA, PAIS, QUESTION_BY_NAME, VARIEDAD
from corpus600m.annotate.workspaces import WorkspaceLayout
from corpus600m.record_files import BadLine, JsonLine, RecordFileError, iter_objects, parse_record
from corpus600m.records import Record

GOLD_FILE = "gold.parquet"
EXPECTABLE = (PAIS, VARIEDAD, CALIDAD, ES_CORRECTA)
GOLD_SCHEMA = {"id": pl.String, "gold_id": pl.String, "workspace": pl.String, "expected": pl.String}


@dataclass(frozen=True)
class GoldItem:
    """A calibration record and the answers expected for it."""

    record: Record
    expected: dict[str, Any]


@dataclass
class GoldFile:
    items: list[GoldItem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _check_expected(expected: Any) -> list[str]:
    if not isinstance(expected, dict) or not expected:
        return [f"'expected' must be an object with some of {', '.join(EXPECTABLE)}"]
    problems = []
    for name, value in expected.items():
        if name not in EXPECTABLE:
            problems.append(f"expected.{name}: not a gold question; use {', '.join(EXPECTABLE)}")
        elif name == CALIDAD and value not in CALIDAD_VALUES:
            problems.append(f"expected.calidad = {value!r}: must be an integer 1-5")
        elif name != CALIDAD and value not in (QUESTION_BY_NAME[name].labels or {}):
            problems.append(f"expected.{name} = {value!r}: not one of the question's values")
    return problems


def read_gold_jsonl(path: Path) -> GoldFile:
    """Gold items from a JSONL file (records with an 'expected' object); each bad line is reported
    (`file: line N: what`) and skipped."""
    out = GoldFile()
    try:
        lines = list(iter_objects(path))
    except RecordFileError as exc:
        raise AnnotateError(f"{exc} (each with an 'expected' object)") from exc
    for line in lines:
        if isinstance(line, BadLine):
            out.errors.append(str(line))
            continue
        data = dict(line.data)
        expected = data.pop("expected", None)
        problems = _check_expected(expected)
        if problems:
            out.errors.extend(f"{path}: line {line.line}: {p}" for p in problems)
            continue
        record = parse_record(path, JsonLine(line.line, line.raw, data))
        if isinstance(record, BadLine):
            out.errors.append(str(record))
        else:
            out.items.append(GoldItem(record, dict(expected)))
    return out


@dataclass(frozen=True)
class MixedLayout(WorkspaceLayout):
    """A workspace layout that also places gold copies (by id) in the workspace they were made for."""

    placements: dict[str, str] = field(default_factory=dict)

    def workspace_for(self, record: Record) -> str:
        return self.placements.get(record.id) or super().workspace_for(record)


def mix_gold(records: Sequence[Record], gold: Sequence[GoldItem], rate: float,
             layout: WorkspaceLayout) -> tuple[list[Record], MixedLayout, pl.DataFrame]:
    """`records` with gold copies spread through each workspace's share at `rate`, the layout placing them,
    and the gold table (copy id, gold id, workspace, expected answers as JSON).

    A workspace of n records gets ceil(n * rate) copies at evenly spaced positions, the gold records taken
    in turn. The same input always yields the same copies, so pushing again adds none.
    """
    if not 0 < rate <= 1:
        raise AnnotateError(f"gold rate {rate}: must be above 0 and at most 1 (0.05 = one gold record in twenty)")
    if not gold:
        raise AnnotateError("no gold records to mix in")
    by_workspace: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_workspace[layout.workspace_for(record)].append(record)
    mixed: list[Record] = []
    placements: dict[str, str] = {}
    rows = []
    for workspace, share in by_workspace.items():
        n_copies = math.ceil(len(share) * rate)
        positions = {((j + 1) * len(share)) // (n_copies + 1): j for j in range(n_copies)}
        for index, record in enumerate(share):
            if index in positions:
                j = positions[index]
                item = gold[j % len(gold)]
                copy_id = f"gold-{workspace}-{j:05d}-{item.record.id[:12]}"
                mixed.append(item.record.model_copy(update={"id": copy_id}))
                placements[copy_id] = workspace
                rows.append({"id": copy_id, "gold_id": item.record.id, "workspace": workspace,
                             "expected": json.dumps(item.expected, ensure_ascii=False, sort_keys=True)})
            mixed.append(record)
    fields = {name: getattr(layout, name) for name in ("prefix", "mode", "groups")}
    return mixed, MixedLayout(**fields, placements=placements), pl.DataFrame(rows, schema=GOLD_SCHEMA)


def read_gold_table(ledger_dir: Path) -> pl.DataFrame:
    """The gold copies pushed to a dataset (empty when none)."""
    path = Path(ledger_dir) / GOLD_FILE
    return pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=GOLD_SCHEMA)


def write_gold_table(ledger_dir: Path, table: pl.DataFrame) -> Path:
    """Add `table` to the ledger's gold table (by copy id), atomically."""
    path = Path(ledger_dir) / GOLD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = pl.concat([read_gold_table(ledger_dir), table]).unique(subset="id", keep="last", maintain_order=True)
    tmp = path.with_name(f".{path.name}.tmp")
    merged.write_parquet(tmp)
    tmp.replace(path)
    return path


def expected_answers(table: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Copy id -> expected answers."""
    return {row["id"]: json.loads(row["expected"]) for row in table.iter_rows(named=True)}


def is_right(question: str, answer: Any, expected: Any) -> bool:
    """An answer matches the gold one: the same label, or a rating within one point (the agreement rule)."""
    if question == CALIDAD:
        return abs(float(answer) - float(expected)) <= 1
    return answer == expected


@dataclass
class GoldScore:
    """One annotator's submitted answers on gold copies: how many were checked and how many were right."""

    responses: int = 0
    checked: int = 0
    right: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.checked if self.checked else None


def score_gold(responses: Iterable[AnnotatorResponse], expected: dict[str, dict[str, Any]]) -> dict[str, GoldScore]:
    """Per annotator: submitted responses to gold copies, answers checked against the expected ones, right ones.

    An expected question the annotator left unanswered counts as checked and wrong.
    """
    scores: dict[str, GoldScore] = defaultdict(GoldScore)
    for response in responses:
        wanted = expected.get(response.record_id)
        if wanted is None or response.status != SUBMITTED:
            continue
        score = scores[response.user]
        score.responses += 1
        for question, value in wanted.items():
            score.checked += 1
            answer = response.values.get(question)
            score.right += answer is not None and is_right(question, answer, value)
    return dict(scores)
