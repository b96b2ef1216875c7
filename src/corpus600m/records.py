"""The schema of the corpus: a record, a rejected record, a donation manifest and a stage report.

These pydantic models are THE definition of a row. `schemas/*.json` is generated from them
(`corpus600m schemas export`) and a test keeps the two in sync. The Parquet layout of the store
(`RECORD_POLARS_SCHEMA`) is derived here too, so a field added to `Record` is added in one place.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
import warnings
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from corpus600m import catalog

SCHEMA_VERSION = "1.0"

NonEmptyStr = Annotated[str, Field(min_length=1)]


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalize_text(text: str) -> str:
    """NFC, whitespace collapsed, stripped: the form that identity and exact-duplicate checks use."""
    # str.split() splits on exactly the characters `\s` matches (str.isspace) and is ~3x faster than a regex sub
    return " ".join(unicodedata.normalize("NFC", text).split())


def record_id(instruction: str, input: str | None, output: str) -> str:
    """Stable content id: sha256 of the normalized instruction, input and output (first 32 hex chars)."""
    payload = "\x1f".join(normalize_text(part or "") for part in (instruction, input, output))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


class Source(StrEnum):
    SYNTHETIC = "synthetic"
    DONATION = "donation"
    ANNOTATION = "annotation"


class Origin(BaseModel):
    """Where a record comes from: the generator (model, template, ...) or the donation (donor, licence, ...)."""

    model_config = ConfigDict(extra="forbid")

    # synthetic records
    model: str | None = None
    backend: str | None = None
    template_id: str | None = None
    template_version: str | None = None
    temperature: float | None = None
    seed_topic: str | None = None
    pipeline_signature: str | None = None
    output_tokens: int | None = Field(None, description="Tokens the LLM wrote for this record: every instruction and answer attempt and the judge.")
    persona: str | None = Field(None, description="Who the model played when it wrote the instruction (seeds/personas/).")
    instruction_attempts: int | None = Field(None, description="Requests it took to get the instruction (retries: not a request, or forms of address that do not fit the variety).")
    answer_attempts: int | None = Field(None, description="Requests it took to get the answer (retries: forms of address that do not fit the variety).")
    variety_adapted: bool | None = Field(None, description="True when the answer's tuteo was rewritten as voseo by rule (generate/voseo.py), not written so by the model.")
    # donated records
    donor: str | None = None
    dataset: str | None = None
    license: str | None = None
    source_url: str | None = None
    file: str | None = None
    row: int | None = None
    # annotation: the output before an annotator's correction replaced it
    original_output: str | None = None


class PiiAction(StrEnum):
    REDACTED = "redacted"
    REJECTED = "rejected"
    KEPT = "kept"


class PiiFinding(BaseModel):
    """One PII entity found by the PII filter, and what was done with it."""

    model_config = ConfigDict(extra="forbid")

    field: str  # instruction | input | output
    entity_type: str  # e.g. EMAIL_ADDRESS, ES_NIF, MX_CURP
    start: int
    end: int
    score: float
    action: PiiAction


class Annotation(BaseModel):
    """Consensus of the human annotation of a record (filled by `annotate pull`)."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    n_annotators: int = Field(ge=0)
    pais: str | None = None
    variedad: str | None = None
    calidad: float | None = None
    es_correcta: str | None = None
    problemas: list[str] = Field(default_factory=list)
    respuesta_corregida: str | None = None
    agreement: float | None = Field(None, description="Weakest question's share of annotators agreeing with the consensus.")
    alpha_pais: float | None = None
    alpha_variedad: float | None = None
    alpha_calidad: float | None = None
    alpha_es_correcta: float | None = None
    needs_review: bool = False
    reviewed_by: int = Field(0, ge=0, description="Reviewers whose answer replaced the annotators' consensus (review round).")
    round: int = Field(1, ge=1, description="Annotation round the answers come from: 1 annotators, 2 review.")

    @field_validator("reviewed_by", "round", mode="before")
    @classmethod
    def _default_when_missing(cls, value: object, info: ValidationInfo) -> object:
        # store parts written before the review round have no such struct fields: they read back as null
        return cls.model_fields[info.field_name].default if value is None else value


class JudgeVerdict(BaseModel):
    """What the LLM judge said about a record (the rubric is Spanish; see generate/templates/judge.yaml)."""

    model_config = ConfigDict(extra="forbid")

    score: int = Field(ge=1, le=5, description="Overall quality, 1 (useless) to 5 (excellent).")
    rationale: str = Field(description="One line, in Spanish, saying why.")
    genuine_request: bool = Field(description="The instruction is a real user request (not a greeting, echo or meta-description).")
    correct: bool | None = Field(None, description="The answer is correct; None when the judge could not tell.")
    model: str
    rubric_version: str


class VarietyCheck(BaseModel):
    """Which varieties a record's text supports, from its forms of address and regional words (no LLM)."""

    model_config = ConfigDict(extra="forbid")

    supported: list[str] = Field(default_factory=list, description="Catalog varieties the text's markers fit; empty: no marker found.")
    markers: list[str] = Field(default_factory=list, description="The markers found, e.g. 'voseo:tenés', 'vosotros:podéis', 'lexicon:rioplatense:laburo'.")
    consistent: bool = Field(True, description="False when the text uses forms its claimed variety does not (e.g. vosotros in rioplatense).")


# The `register` field (formal, informal, ...) shadows ABCMeta.register on the class only; instances read the field.
warnings.filterwarnings("ignore", message='Field name "register" in "Record" shadows')


class Record(BaseModel):
    """One row of the corpus: an instruction, its optional context and its answer, plus every decision made on it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_assignment=False)

    id: str = Field("", description="Stable content hash of the normalized instruction+input+output; computed when empty.")
    instruction: NonEmptyStr
    input: str | None = None
    output: NonEmptyStr
    lang: str = "es"
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 of the text's origin (Somos NLP's país_origen).")
    variety: str | None = Field(None, description="Dialect area from the catalog.")
    locale: str | None = Field(None, description="e.g. es_MX (Somos NLP's idioma); derived from lang and country when empty.")
    source: Source
    origin: Origin = Field(default_factory=Origin)
    domain: str | None = None
    task: str | None = None
    register: str | None = Field(None, description="Linguistic register: formal, informal, técnico, ...")
    # decisions of the stages
    lang_score: float | None = None
    pii: list[PiiFinding] = Field(default_factory=list)
    dedup_cluster: str | None = None
    quality_flags: list[str] = Field(default_factory=list)
    annotation: Annotation | None = None
    judge: JudgeVerdict | None = None
    variety_check: VarietyCheck | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @field_validator("instruction", "output")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        return value

    @field_validator("lang")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return catalog.language(value).code

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return None if value is None else catalog.country(value).code

    @field_validator("variety")
    @classmethod
    def _known_variety(cls, value: str | None) -> str | None:
        return None if value is None else catalog.variety(value).id

    @model_validator(mode="after")
    def _derive(self) -> Record:
        if self.country and self.variety and self.variety not in catalog.country(self.country).varieties:
            valid = ", ".join(catalog.country(self.country).varieties)
            raise ValueError(f"variety {self.variety!r} is not spoken in {self.country}; valid for {self.country}: {valid}")
        if not self.id:
            self.id = record_id(self.instruction, self.input, self.output)
        if not self.locale:
            self.locale = catalog.locale_for(self.lang, self.country)
        return self


class RejectReason(BaseModel):
    """Why a record was dropped: a machine-readable code (`language`, `pii`, `duplicate`, `quality:<rule>`...) and details."""

    model_config = ConfigDict(extra="forbid")

    code: NonEmptyStr
    detail: str = ""


class RejectedRecord(BaseModel):
    """A record a stage did not keep, with every reason that stage found."""

    model_config = ConfigDict(extra="forbid")

    record: Record
    stage: NonEmptyStr
    reasons: list[RejectReason] = Field(min_length=1)
    rejected_at: datetime = Field(default_factory=utcnow)


class ColumnMapping(BaseModel):
    """Maps the donor's column names to the record's text fields."""

    model_config = ConfigDict(extra="forbid")

    instruction: NonEmptyStr
    input: str | None = None
    output: NonEmptyStr


class DonationManifest(BaseModel):
    """What a contributor says about a donated corpus (YAML next to the files)."""

    model_config = ConfigDict(extra="forbid")

    name: NonEmptyStr = Field(description="Short name of the donation, unique per donor.")
    donor: NonEmptyStr = Field(description="Person or organization donating the corpus.")
    license: NonEmptyStr = Field(description="SPDX licence id, e.g. CC-BY-4.0.")
    description: NonEmptyStr
    country: str | None = None
    variety: str | None = None
    source_url: str | None = None
    domain: str | None = None
    task: str | None = None
    columns: ColumnMapping

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return None if value is None else catalog.country(value).code

    @field_validator("variety")
    @classmethod
    def _known_variety(cls, value: str | None) -> str | None:
        return None if value is None else catalog.variety(value).id


class StageReport(BaseModel):
    """What one stage did in one run: counts in, kept and rejected by reason, and time taken."""

    model_config = ConfigDict(extra="forbid")

    stage: NonEmptyStr
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    seconds: float = 0.0
    n_in: int = 0
    n_kept: int = 0
    n_rejected: int = 0
    rejected_by_reason: dict[str, int] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)

    def finish(self) -> StageReport:
        self.finished_at = utcnow()
        self.seconds = (self.finished_at - self.started_at).total_seconds()
        return self

    @classmethod
    def ended(cls, stage: str, seconds: float, **fields: Any) -> StageReport:
        """The finished report of a stage that took `seconds` and ended now (what a stage's own result converts to)."""
        finished = utcnow()
        return cls(stage=stage, started_at=finished - timedelta(seconds=seconds), finished_at=finished, seconds=seconds,
                   **fields)

    @classmethod
    def combine(cls, stage: str, reports: list[StageReport]) -> StageReport:
        """One report for several (batches, chunks, sources): counts and reasons summed, the earliest start.

        Stage-specific `details` are the caller's to merge; call `finish()` when done.
        """
        total = cls(stage=stage)
        if reports:
            total.started_at = min(r.started_at for r in reports)
        for r in reports:
            total.n_in += r.n_in
            total.n_kept += r.n_kept
            total.n_rejected += r.n_rejected
            for code, n in r.rejected_by_reason.items():
                total.rejected_by_reason[code] = total.rejected_by_reason.get(code, 0) + n
        return total


class RunReport(BaseModel):
    """What one flow run did: a report per stage, where the outputs are, and how long it took."""

    model_config = ConfigDict(extra="forbid")

    flow: NonEmptyStr
    run_id: str = ""
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    seconds: float = 0.0
    status: str = "running"  # running | completed | failed
    stages: list[StageReport] = Field(default_factory=list)
    outputs: dict[str, str] = Field(default_factory=dict)
    sections: dict[str, str] = Field(default_factory=dict, description="Extra markdown sections by title, e.g. the generation yield table.")
    error: str | None = None

    def finish(self, status: str = "completed", error: str | None = None) -> RunReport:
        self.finished_at = utcnow()
        self.seconds = (self.finished_at - self.started_at).total_seconds()
        self.status, self.error = status, error
        return self


def format_validation_error(error: ValidationError, where: str = "") -> str:
    """One line per problem, naming the field and the offending value: `line 3: field 'country': unknown country 'XX' ...`."""
    prefix = f"{where}: " if where else ""
    lines = []
    for problem in error.errors():
        loc = ".".join(str(part) for part in problem["loc"]) or "(record)"
        value = problem.get("input")
        shown = repr(value) if not isinstance(value, dict) else "{...}"
        if len(shown) > 80:
            shown = shown[:77] + "..."
        msg = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{prefix}field '{loc}' = {shown}: {msg}")
    return "\n".join(lines)


# ---- Parquet layout -------------------------------------------------------------------------------

_TS = pl.Datetime("us", "UTC")

ORIGIN_DTYPE = pl.Struct(
    {
        "model": pl.String, "backend": pl.String, "template_id": pl.String, "template_version": pl.String,
        "temperature": pl.Float64, "seed_topic": pl.String, "pipeline_signature": pl.String,
        "output_tokens": pl.Int64, "persona": pl.String, "instruction_attempts": pl.Int64, "answer_attempts": pl.Int64,
        "variety_adapted": pl.Boolean,
        "donor": pl.String, "dataset": pl.String, "license": pl.String, "source_url": pl.String,
        "file": pl.String, "row": pl.Int64, "original_output": pl.String,
    }
)
PII_DTYPE = pl.List(
    pl.Struct(
        {"field": pl.String, "entity_type": pl.String, "start": pl.Int64, "end": pl.Int64,
         "score": pl.Float64, "action": pl.String}
    )
)
ANNOTATION_DTYPE = pl.Struct(
    {
        "dataset": pl.String, "n_annotators": pl.Int64, "pais": pl.String, "variedad": pl.String,
        "calidad": pl.Float64, "es_correcta": pl.String, "problemas": pl.List(pl.String),
        "respuesta_corregida": pl.String, "agreement": pl.Float64, "alpha_pais": pl.Float64, "alpha_variedad": pl.Float64,
        "alpha_calidad": pl.Float64, "alpha_es_correcta": pl.Float64, "needs_review": pl.Boolean,
        "reviewed_by": pl.Int64, "round": pl.Int64,
    }
)
JUDGE_DTYPE = pl.Struct(
    {"score": pl.Int64, "rationale": pl.String, "genuine_request": pl.Boolean, "correct": pl.Boolean,
     "model": pl.String, "rubric_version": pl.String}
)
VARIETY_CHECK_DTYPE = pl.Struct(
    {"supported": pl.List(pl.String), "markers": pl.List(pl.String), "consistent": pl.Boolean}
)
REASONS_DTYPE = pl.List(pl.Struct({"code": pl.String, "detail": pl.String}))

RECORD_POLARS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String, "instruction": pl.String, "input": pl.String, "output": pl.String,
    "lang": pl.String, "country": pl.String, "variety": pl.String, "locale": pl.String,
    "source": pl.String, "origin": ORIGIN_DTYPE, "domain": pl.String, "task": pl.String,
    "register": pl.String, "lang_score": pl.Float64, "pii": PII_DTYPE, "dedup_cluster": pl.String,
    "quality_flags": pl.List(pl.String), "annotation": ANNOTATION_DTYPE,
    "judge": JUDGE_DTYPE, "variety_check": VARIETY_CHECK_DTYPE,
    "created_at": _TS, "updated_at": _TS,
}
REJECTED_POLARS_SCHEMA: dict[str, pl.DataType] = {
    **RECORD_POLARS_SCHEMA, "stage": pl.String, "reasons": REASONS_DTYPE, "rejected_at": _TS,
}

assert set(RECORD_POLARS_SCHEMA) == set(Record.model_fields), "RECORD_POLARS_SCHEMA must follow Record"
assert set(ORIGIN_DTYPE.to_schema()) == set(Origin.model_fields), "ORIGIN_DTYPE must follow Origin"
assert set(ANNOTATION_DTYPE.to_schema()) == set(Annotation.model_fields), "ANNOTATION_DTYPE must follow Annotation"
assert set(JUDGE_DTYPE.to_schema()) == set(JudgeVerdict.model_fields), "JUDGE_DTYPE must follow JudgeVerdict"
assert set(VARIETY_CHECK_DTYPE.to_schema()) == set(VarietyCheck.model_fields), "VARIETY_CHECK_DTYPE must follow VarietyCheck"


def records_to_frame(records: list[Record]) -> pl.DataFrame:
    """Records as a polars frame in the store's layout."""
    rows = [r.model_dump(mode="python") for r in records]
    for row in rows:
        row["source"] = str(row["source"])
        for finding in row["pii"]:
            finding["action"] = str(finding["action"])
    return pl.DataFrame(rows, schema=RECORD_POLARS_SCHEMA)


def rejected_to_frame(rejected: list[RejectedRecord]) -> pl.DataFrame:
    """Rejected records as a polars frame: the record's columns plus `stage`, `reasons`, `rejected_at`."""
    base = records_to_frame([r.record for r in rejected])
    extra = pl.DataFrame(
        {
            "stage": [r.stage for r in rejected],
            "reasons": [[reason.model_dump() for reason in r.reasons] for r in rejected],
            "rejected_at": [r.rejected_at for r in rejected],
        },
        schema={"stage": pl.String, "reasons": REASONS_DTYPE, "rejected_at": _TS},
    )
    return pl.concat([base, extra], how="horizontal")


def frame_to_records(frame: pl.DataFrame) -> list[Record]:
    """Rows of a store frame back into validated records (extra columns such as `reasons` are ignored)."""
    columns = [c for c in RECORD_POLARS_SCHEMA if c in frame.columns]
    return [Record.model_validate(row) for row in frame.select(columns).iter_rows(named=True)]


def frame_to_rejected(frame: pl.DataFrame) -> list[RejectedRecord]:
    """Rows of the rejected table back into `RejectedRecord`s."""
    columns = [c for c in RECORD_POLARS_SCHEMA if c in frame.columns]
    out = []
    for row in frame.iter_rows(named=True):
        record = Record.model_validate({c: row[c] for c in columns})
        out.append(RejectedRecord(record=record, stage=row["stage"], reasons=row["reasons"], rejected_at=row["rejected_at"]))
    return out


EXPORTED_MODELS: dict[str, type[BaseModel]] = {
    "record": Record,
    "rejected_record": RejectedRecord,
    "donation_manifest": DonationManifest,
    "stage_report": StageReport,
    "run_report": RunReport,
}


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text of every exported model (what `corpus600m schemas export` writes)."""
    out = {}
    for name, model in EXPORTED_MODELS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$id"] = f"https://github.com/somosnlp/corpus600m/schemas/{name}.schema.json"
        schema["$comment"] = f"Generated from corpus600m.records (schema version {SCHEMA_VERSION}) by `corpus600m schemas export`; do not edit."
        out[f"{name}.schema.json"] = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return out


def export_schemas(out: Path, *, check: bool = False) -> tuple[int, list[str]]:
    """Write the schema files to `out` (none with `check`); returns how many there are and the names that were
    missing or differed from the models."""
    rendered = render_schemas()
    stale = [name for name, text in rendered.items()
             if not (out / name).exists() or (out / name).read_text(encoding="utf-8") != text]
    if not check:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in rendered.items():
            (out / name).write_text(text, encoding="utf-8")
    return len(rendered), stale
