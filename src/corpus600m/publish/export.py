"""Training exports of the corpus: SFT chat messages, DPO preference pairs and Alpaca rows.

Three formats, each a polars frame built from store-layout records (the `curated` table, or any record
frame) and written as JSONL or Parquet:

- `sft`: `messages` = [system?, user, assistant], the conversational language-modeling format TRL's
  `SFTTrainer` reads. The user turn is the instruction, then a blank line and the input when there is one
  (`user_turn`): the Dataset Card documents the same rule.
- `dpo`: `prompt` = [system?, user], `chosen` / `rejected` = [assistant], TRL's conversational preference
  format (`DPOTrainer`). Two kinds of pairs: `correction` (chosen = the annotators' corrected answer,
  rejected = the model's original answer: `output` vs `origin.original_output` in `curated`, or
  `annotation.respuesta_corregida` vs `output` in `annotated`) and `scores` (two records with the same
  normalized instruction + input whose human quality scores, `annotation.calidad`, differ by at least
  `MIN_SCORE_GAP`; both scores kept). Chosen and rejected never have the same normalized text.
- `alpaca`: `instruction`, `input` (empty string when there is none), `output`, as in Somos NLP's 2024
  instruction corpora (and Stanford Alpaca).

Every row carries the record id it comes from (`id`; `chosen_id` / `rejected_id` for pairs) and the
record's country, variety, locale, source, domain, task and licence. Records that give no row are listed
in `ExportResult.skipped` with a reason, never dropped silently. An optional system prompt
(`SystemPrompt`) is a template per country / variety.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import yaml

from corpus600m import catalog
from corpus600m.publish.arrow import standard_arrow
from corpus600m.publish.gates import PublishError
from corpus600m.publish.licenses import effective_license_expr
from corpus600m.settings import Settings


class ExportFormat(StrEnum):
    SFT = "sft"
    DPO = "dpo"
    ALPACA = "alpaca"


class SkipReason(StrEnum):
    SYSTEM_PROMPT_UNFILLED = "system_prompt_unfilled"  # the record lacks a value its system prompt template needs
    NO_PREFERENCE = "no_preference"  # dpo: no correction and no other scored generation of the instruction
    CORRECTION_SAME_AS_ORIGINAL = "correction_same_as_original"  # dpo: the "correction" equals the original
    CORRECTION_NEEDS_REVIEW = "correction_needs_review"  # dpo: the correction's consensus is not settled
    ANSWER_JUDGED_INCORRECT = "answer_judged_incorrect"  # sft/alpaca: annotators said the (uncorrected) answer is wrong


INPUT_SEPARATOR = "\n\n"  # between the instruction and its input in the user turn
MIN_SCORE_GAP = 2.0  # dpo score pairs: the chosen answer's score is at least this much higher
METADATA = ("lang", "country", "variety", "locale", "source", "domain", "task", "license")
SKIPPED_SCHEMA = {"id": pl.String, "reason": pl.String, "detail": pl.String}
SUFFIXES = (".jsonl", ".parquet")
_NOT_CORRECT = ("parcial", "no")  # es_correcta values under which an annotators' correction is a preference

_SKIP_DETAILS = {
    SkipReason.NO_PREFERENCE: f"no annotators' correction and no other generation of the same instruction whose "
                              f"score differs by {MIN_SCORE_GAP:g} or more",
    SkipReason.CORRECTION_SAME_AS_ORIGINAL: "the corrected answer equals the original once normalized",
    SkipReason.CORRECTION_NEEDS_REVIEW: "the annotators' correction needs review (low agreement or a tie)",
    SkipReason.ANSWER_JUDGED_INCORRECT: "annotators judged this answer incorrect or partly correct and it was not "
                                        "replaced by their correction (export the curated table; corrections go to dpo)",
}


# ---- system prompt ----------------------------------------------------------------------------------------------

PLACEHOLDERS = {
    "country": "ISO 3166-1 alpha-2 code (MX)",
    "country_name": "country name in Spanish (México)",
    "variety": "variety id (mexicana)",
    "variety_name": "variety name in Spanish",
    "locale": "locale (es_MX)",
    "lang": "ISO 639 language (es)",
}
DEFAULT_KEY = "default"


@dataclass(frozen=True)
class SystemPrompt:
    """System prompt templates: `default` and/or one per country code or variety id (country wins, then variety).

    Templates use `{country}`, `{country_name}`, `{variety}`, `{variety_name}`, `{locale}`, `{lang}`.
    A record with no template gets no system message; a record lacking a value its template needs is skipped.
    """

    templates: dict[str, str]

    @classmethod
    def parse(cls, value: str) -> SystemPrompt:
        """From `--system-prompt`: a YAML file (key -> template), a text file (one template), or the template itself."""
        path = Path(value)
        if path.suffix.lower() in (".yaml", ".yml", ".txt", ".md") and not path.is_file():
            raise PublishError(f"--system-prompt {value}: no such file")
        if path.suffix.lower() in (".yaml", ".yml"):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise PublishError(f"--system-prompt {path}: not valid YAML ({exc})") from None
            if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
                raise PublishError(f"--system-prompt {path}: expected a mapping of key -> template text, where a key "
                                   f"is '{DEFAULT_KEY}', a country code (MX) or a variety id (rioplatense)")
            templates = dict(data)
        elif path.suffix and path.is_file():
            templates = {DEFAULT_KEY: path.read_text(encoding="utf-8").strip()}
        else:
            templates = {DEFAULT_KEY: value}
        return cls(cls._validated(templates, where=f"--system-prompt {value}"))

    @staticmethod
    def _validated(templates: dict[str, str], where: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, template in templates.items():
            norm = key if key == DEFAULT_KEY or key in catalog.VARIETIES else key.upper()
            if norm != DEFAULT_KEY and norm not in catalog.COUNTRIES and norm not in catalog.VARIETIES:
                raise PublishError(f"{where}: key {key!r} is neither '{DEFAULT_KEY}', a country code of the catalog "
                                   f"nor a variety id; varieties: {', '.join(sorted(catalog.VARIETIES))}")
            if not template.strip():
                raise PublishError(f"{where}: the template for {key!r} is empty")
            try:
                names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
            except ValueError as exc:
                raise PublishError(f"{where}: the template for {key!r} is malformed ({exc}); write literal braces "
                                   "as {{ and }}") from None
            unknown = sorted(names - set(PLACEHOLDERS))
            if unknown:
                known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
                raise PublishError(f"{where}: the template for {key!r} uses unknown placeholder(s) "
                                   f"{', '.join('{' + n + '}' for n in unknown)}; known: {known}")
            out[norm] = template
        return out

    def template_for(self, country: str | None, variety: str | None) -> tuple[str, str] | None:
        """(key, template) that applies to a record: its country's, else its variety's, else the default."""
        for key in (country, variety, DEFAULT_KEY):
            if key and key in self.templates:
                return key, self.templates[key]
        return None

    def render(self, frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
        """`frame` with `system` (the rendered prompt, or null) and `system_missing` (why it cannot be filled).

        Templates are rendered once per (country, variety, locale, lang) present, then joined to the records.
        """
        keys = ["country", "variety", "locale", "lang"]
        rendered = []
        for row in frame.lazy().select(keys).unique().collect().iter_rows(named=True):
            chosen = self.template_for(row["country"], row["variety"])
            system = missing = None
            if chosen is not None:
                key, template = chosen
                country = catalog.COUNTRIES.get(row["country"]) if row["country"] else None
                variety = catalog.VARIETIES.get(row["variety"]) if row["variety"] else None
                values = {"country": row["country"], "country_name": country.name_es if country else None,
                          "variety": row["variety"], "variety_name": variety.name_es if variety else None,
                          "locale": row["locale"], "lang": row["lang"]}
                names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
                lacking = sorted(name for name in names if not values[name])
                if lacking:
                    missing = (f"the system prompt template for {key!r} needs "
                               f"{', '.join('{' + n + '}' for n in lacking)}, which the record does not have")
                else:
                    system = template.format_map(values)
            rendered.append({**row, "system": system, "system_missing": missing})
        table = pl.DataFrame(rendered, schema={**{k: pl.String for k in keys}, "system": pl.String,
                                               "system_missing": pl.String})
        return frame.lazy().join(table.lazy(), on=keys, how="left", nulls_equal=True, maintain_order="left")


# ---- building the rows ------------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    """One export: its rows (None when they were streamed straight to a file), the records that gave none
    (id, reason, detail), and counts."""

    format: ExportFormat
    rows: pl.DataFrame | None
    skipped: pl.DataFrame
    n_records: int
    n_rows: int
    details: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_by_reason(self) -> dict[str, int]:
        counts = self.skipped.group_by("reason").agg(pl.len().alias("n")).sort("reason")
        return dict(zip(counts["reason"].to_list(), counts["n"].to_list(), strict=True))


def user_turn() -> pl.Expr:
    """The user turn of a record: the instruction, then a blank line and the input when the record has one."""
    has_input = pl.col("input").is_not_null() & (pl.col("input").str.strip_chars() != "")
    return (pl.when(has_input).then(pl.concat_str(pl.col("instruction"), pl.lit(INPUT_SEPARATOR), pl.col("input")))
            .otherwise(pl.col("instruction")))


def _message(role: str, content: pl.Expr) -> pl.Expr:
    return pl.struct(pl.lit(role).alias("role"), content.alias("content"))


def _prompt_messages() -> pl.Expr:
    """[system, user] when the record has a system prompt, else [user]."""
    return (pl.when(pl.col("system").is_null()).then(pl.concat_list(_message("user", user_turn())))
            .otherwise(pl.concat_list(_message("system", pl.col("system")), _message("user", user_turn()))))


def _normalized(expr: pl.Expr) -> pl.Expr:
    """The comparison form of a text (NFC, whitespace collapsed, stripped), as `records.normalize_text`."""
    return expr.str.normalize("NFC").str.replace_all(r"\s+", " ").str.strip_chars()


def _blank(expr: pl.Expr) -> pl.Expr:
    return expr.is_null() | (expr.str.strip_chars() == "")


def _base(frame: pl.DataFrame | pl.LazyFrame, settings: Settings, fmt: ExportFormat) -> pl.LazyFrame:
    """The columns a format needs, from store-layout records (dpo also reads corrections and scores)."""
    annotation = pl.col("annotation").struct
    preference = [
        annotation.field("calidad").alias("score"),
        annotation.field("respuesta_corregida").alias("correction"),
        annotation.field("needs_review"),
    ] if fmt is ExportFormat.DPO else []
    preference += [pl.col("origin").struct.field("original_output"), annotation.field("es_correcta")]
    return frame.lazy().select("id", "instruction", "input", "output", *[c for c in METADATA if c != "license"],
                               effective_license_expr(settings), *preference)


def _skipped(ids: pl.Series, reason: SkipReason, detail: str) -> pl.DataFrame:
    return pl.DataFrame({"id": ids}).select("id", pl.lit(str(reason)).alias("reason"),
                                            pl.lit(detail).alias("detail")).cast(SKIPPED_SCHEMA)


def _with_system(base: pl.LazyFrame, system_prompt: SystemPrompt | None) -> tuple[pl.LazyFrame, pl.DataFrame]:
    """Base rows with their `system` prompt, and the records skipped because their template cannot be filled."""
    if system_prompt is None:
        return base.with_columns(pl.lit(None, dtype=pl.String).alias("system")), pl.DataFrame(schema=SKIPPED_SCHEMA)
    rendered = system_prompt.render(base)
    skipped = (rendered.filter(pl.col("system_missing").is_not_null())
               .select("id", pl.lit(str(SkipReason.SYSTEM_PROMPT_UNFILLED)).alias("reason"),
                       pl.col("system_missing").alias("detail")).collect().cast(SKIPPED_SCHEMA))
    return rendered.filter(pl.col("system_missing").is_null()).drop("system_missing"), skipped


def _sft(base: pl.LazyFrame) -> pl.LazyFrame:
    messages = pl.concat_list(_prompt_messages(), _message("assistant", pl.col("output"))).alias("messages")
    return base.select("id", messages, *METADATA)


def _alpaca(base: pl.LazyFrame) -> pl.LazyFrame:
    return base.select("instruction", pl.col("input").fill_null(""), "output", "id", *METADATA)


def _correction_pairs(base: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pairs (chosen = correction, rejected = original) and the records whose correction cannot make one."""
    stored = base.filter(~_blank(pl.col("original_output"))).with_columns(
        pl.col("output").alias("chosen_text"), pl.col("original_output").alias("rejected_text"))
    pending = base.filter(_blank(pl.col("original_output")) & ~_blank(pl.col("correction"))
                          & pl.col("es_correcta").is_in(_NOT_CORRECT))
    review = pending.filter(pl.col("needs_review").fill_null(False))
    from_annotation = pending.filter(~pl.col("needs_review").fill_null(False)).with_columns(
        pl.col("correction").alias("chosen_text"), pl.col("output").alias("rejected_text"))
    candidates = pl.concat([stored, from_annotation])
    same = candidates.filter(_normalized(pl.col("chosen_text")) == _normalized(pl.col("rejected_text")))
    pairs = candidates.filter(_normalized(pl.col("chosen_text")) != _normalized(pl.col("rejected_text"))).select(
        pl.col("id"), pl.lit("correction").alias("pair_type"), pl.col("id").alias("chosen_id"),
        pl.col("id").alias("rejected_id"), "chosen_text", "rejected_text",
        pl.lit(None, dtype=pl.Float64).alias("chosen_score"), pl.lit(None, dtype=pl.Float64).alias("rejected_score"),
        "system", "instruction", "input", *METADATA, pl.col("license").alias("rejected_license"),
    )
    skipped = pl.concat([
        _skipped(same["id"], SkipReason.CORRECTION_SAME_AS_ORIGINAL, _SKIP_DETAILS[SkipReason.CORRECTION_SAME_AS_ORIGINAL]),
        _skipped(review["id"], SkipReason.CORRECTION_NEEDS_REVIEW, _SKIP_DETAILS[SkipReason.CORRECTION_NEEDS_REVIEW]),
    ])
    return pairs, skipped


def _score_pairs(base: pl.DataFrame) -> pl.DataFrame:
    """Pairs of records with the same normalized instruction + input whose scores differ by >= MIN_SCORE_GAP.

    Scores from an unsettled consensus (`needs_review`) make no pair; an answer annotators judged wrong and did not
    replace is never the chosen one.
    """
    settled = pl.col("score").is_not_null() & ~pl.col("needs_review").fill_null(False)
    scored = base.filter(settled).select(
        "id", "output", "score", "system", "instruction", "input", *METADATA,
        pl.concat_str(_normalized(pl.col("instruction")), pl.lit("\x1f"),
                      _normalized(pl.col("input").fill_null(""))).alias("group"),
        _normalized(pl.col("output")).alias("norm_output"),
        (pl.col("es_correcta").is_in(_NOT_CORRECT) & _blank(pl.col("original_output"))).fill_null(False)
        .alias("judged_incorrect"),
    )
    rejected = scored.select("group", pl.col("id").alias("rejected_id"), pl.col("output").alias("rejected_text"),
                             pl.col("score").alias("rejected_score"), pl.col("norm_output").alias("rejected_norm"),
                             pl.col("license").alias("rejected_license"))
    joined = scored.join(rejected, on="group", how="inner").filter(
        (pl.col("score") - pl.col("rejected_score") >= MIN_SCORE_GAP) & (pl.col("id") != pl.col("rejected_id"))
        & ~pl.col("judged_incorrect")
        & (pl.col("norm_output") != pl.col("rejected_norm")))
    return joined.select(
        pl.concat_str(pl.col("id"), pl.lit("-"), pl.col("rejected_id")).alias("id"), pl.lit("scores").alias("pair_type"),
        pl.col("id").alias("chosen_id"), "rejected_id", pl.col("output").alias("chosen_text"), "rejected_text",
        pl.col("score").alias("chosen_score"), "rejected_score",
        "system", "instruction", "input", *METADATA, "rejected_license",
    )


def _dpo(base: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Preference pairs; only records with a correction or a score are held in memory (plus every id)."""
    candidates = base.filter(~_blank(pl.col("original_output")) | ~_blank(pl.col("correction"))
                             | pl.col("score").is_not_null()).collect()
    corrections, correction_skips = _correction_pairs(candidates)
    pairs = pl.concat([corrections, _score_pairs(candidates)]).sort("pair_type", "id")
    rows = pairs.select(
        "id", _prompt_messages().alias("prompt"),
        pl.concat_list(_message("assistant", pl.col("chosen_text"))).alias("chosen"),
        pl.concat_list(_message("assistant", pl.col("rejected_text"))).alias("rejected"),
        "pair_type", "chosen_id", "rejected_id", "chosen_score", "rejected_score", *METADATA, "rejected_license",
    )
    paired = pl.concat([pairs["chosen_id"], pairs["rejected_id"]]).unique()
    unpaired = base.select("id").filter(~pl.col("id").is_in(paired.implode())).collect()["id"]
    explained = correction_skips.filter(pl.col("id").is_in(unpaired.implode()))
    others = unpaired.filter(~unpaired.is_in(explained["id"].implode()))
    skipped = pl.concat([explained, _skipped(others, SkipReason.NO_PREFERENCE, _SKIP_DETAILS[SkipReason.NO_PREFERENCE])])
    details = {"pairs_correction": corrections.height, "pairs_scores": pairs.height - corrections.height,
               "records_paired": paired.len()}
    return rows, skipped, details


def _plan(frame: pl.DataFrame | pl.LazyFrame, fmt: ExportFormat | str, settings: Settings,
          system_prompt: SystemPrompt | None) -> tuple[ExportFormat, pl.LazyFrame | pl.DataFrame, pl.DataFrame, int,
                                                       dict[str, int]]:
    """(format, rows — lazy for sft/alpaca, so they can stream to a file —, skipped, records read, details)."""
    fmt = ExportFormat(fmt)
    if fmt is ExportFormat.ALPACA and system_prompt is not None:
        raise PublishError("--system-prompt applies to the sft and dpo formats; alpaca rows have no system turn")
    base = _base(frame, settings, fmt)
    counts = base.group_by("id").agg(pl.len().alias("n")).select(
        pl.col("n").sum().alias("records"), (pl.col("n") > 1).sum().alias("duplicated"),
        pl.col("id").filter(pl.col("n") > 1).first().alias("example")).collect().row(0, named=True)
    if counts["duplicated"]:
        raise PublishError(f"{counts['duplicated']} record id(s) appear more than once (e.g. {counts['example']}): "
                           "an export must map every row back to one record")
    base, skipped = _with_system(base, system_prompt)
    if fmt is not ExportFormat.DPO:
        # an answer annotators rejected is not a training target (the annotated table holds such records)
        judged = (pl.col("es_correcta").is_in(_NOT_CORRECT) & _blank(pl.col("original_output"))).fill_null(False)
        wrong = base.filter(judged).select("id").collect()["id"]
        if wrong.len():
            skipped = pl.concat([skipped, _skipped(wrong, SkipReason.ANSWER_JUDGED_INCORRECT,
                                                   _SKIP_DETAILS[SkipReason.ANSWER_JUDGED_INCORRECT])])
            base = base.filter(~judged)
    details: dict[str, int] = {}
    if system_prompt is not None:
        details["with_system_prompt"] = base.filter(pl.col("system").is_not_null()).select(pl.len()).collect().item()
    if fmt is ExportFormat.SFT:
        rows: pl.LazyFrame | pl.DataFrame = _sft(base)
    elif fmt is ExportFormat.ALPACA:
        rows = _alpaca(base)
    else:
        rows, dpo_skipped, dpo_details = _dpo(base)
        skipped = pl.concat([skipped, dpo_skipped])
        details.update(dpo_details)
    return fmt, rows, skipped.sort("reason", "id"), counts["records"] or 0, details


def export_frame(frame: pl.DataFrame | pl.LazyFrame, fmt: ExportFormat | str, settings: Settings,
                 system_prompt: SystemPrompt | None = None) -> ExportResult:
    """Build the rows of one export format from store-layout records (every record gives rows or a skip reason)."""
    fmt, rows, skipped, n_records, details = _plan(frame, fmt, settings, system_prompt)
    rows = rows.collect() if isinstance(rows, pl.LazyFrame) else rows
    return ExportResult(fmt, rows, skipped, n_records, rows.height, details)


# ---- writing ----------------------------------------------------------------------------------------------------


def skipped_path(out: Path) -> Path:
    """Where the skipped records of an export written to `out` are listed: `<stem>.skipped.jsonl` beside it."""
    return out.with_name(out.name.rsplit(".", 1)[0] + ".skipped.jsonl")


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def check_out_path(out: Path) -> None:
    """The output must be a .jsonl or .parquet file in an existing (or creatable) directory."""
    if out.suffix.lower() not in SUFFIXES:
        raise PublishError(f"--out {out}: the file name must end in .jsonl or .parquet (the format written)")
    if out.is_dir():
        raise PublishError(f"--out {out} is a directory; give a file name ending in .jsonl or .parquet")


def _write_rows(rows: pl.DataFrame | pl.LazyFrame, out: Path) -> None:
    """Rows to `out` (JSONL or Parquet by suffix), atomically; a LazyFrame is streamed (sink), not collected."""
    parquet = out.suffix.lower() == ".parquet"
    if isinstance(rows, pl.LazyFrame):
        if parquet:
            _atomic_write(out, lambda tmp: rows.sink_parquet(tmp, compression="zstd", row_group_size=50_000))
        else:
            _atomic_write(out, rows.sink_ndjson)
    elif parquet:
        _atomic_write(out, lambda tmp: pq.write_table(standard_arrow(rows), tmp, compression="zstd",
                                                      row_group_size=50_000))
    else:
        _atomic_write(out, rows.write_ndjson)


def export_records(frame: pl.DataFrame | pl.LazyFrame, fmt: ExportFormat | str, out: Path, settings: Settings,
                   system_prompt: SystemPrompt | None = None) -> ExportResult:
    """Build one export from store-layout records and write it to `out` (+ the skipped list beside it).

    sft and alpaca rows are streamed from the source to the file (one row per record not skipped), so a
    million-record table is never held whole in memory; dpo holds only the records with a correction or score.
    """
    check_out_path(out)
    fmt, rows, skipped, n_records, details = _plan(frame, fmt, settings, system_prompt)
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_rows(rows, out)
    _atomic_write(skipped_path(out), skipped.write_ndjson)
    n_rows = n_records - skipped.height if isinstance(rows, pl.LazyFrame) else rows.height
    return ExportResult(fmt, None, skipped, n_records, n_rows, details)
