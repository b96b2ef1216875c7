"""Row-level checks of donated rows. A row that fails goes to the quarantine with one reason code; good rows go on."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache
from typing import Any

from corpus600m.records import ColumnMapping

FIELDS = ("instruction", "input", "output")


class QuarantineReason(StrEnum):
    MALFORMED = "malformed"  # the line/row cannot be parsed (bad JSON, wrong number of CSV fields)
    NOT_AN_OBJECT = "not_an_object"  # a JSON line that is an array, number or string instead of {column: value}
    MISSING_FIELD = "missing_field"  # a mapped column is absent from this row
    EMPTY_FIELD = "empty_field"  # instruction or output empty, blank or null
    NON_TEXT = "non_text"  # a mapped value is a number, list, object or boolean
    TOO_LONG = "too_long"  # a field is longer than CORPUS600M_DONATION_MAX_FIELD_CHARS
    CONTROL_CHARS = "control_chars"  # C0/C1 control characters other than tab and newlines
    INVALID_UNICODE = "invalid_unicode"  # lone surrogates (e.g. a JSON "\ud800" escape): not encodable as UTF-8
    ENCODING_DAMAGE = "encoding_damage"  # U+FFFD: the text was already damaged by a wrong conversion
    HTML = "html"  # HTML markup or script content outside code blocks


class RowProblem(Exception):
    """Why one row is quarantined: a reason code and a message naming the field and column."""

    def __init__(self, reason: QuarantineReason, message: str, field: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.field = field


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# One scan for every bad character class: clean text (nearly all of it) costs one regex search per field.
_SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
# Script content is refused anywhere; ordinary HTML tags only outside Markdown code (answers about HTML are fine).
_SCRIPT = re.compile(r"<\s*(?:script|iframe|object|embed)\b|javascript\s*:|\bon(?:load|error|click|mouseover)\s*=", re.I)
_TAG = re.compile(
    r"</?\s*(?:html|head|body|div|span|p|a|br|hr|img|table|thead|tbody|tr|td|th|ul|ol|li|h[1-6]|form|input|meta|"
    r"link|style|svg|b|i|u|strong|em|font|center|section|article|nav|footer|header|button|label|select|option)\b[^<>]*>",
    re.I,
)
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.S)


def _snippet(text: str, start: int, width: int = 40) -> str:
    return text[max(0, start - 10): start + width]


def check_text(value: str, field: str, column: str, max_chars: int) -> None:
    """Raise `RowProblem` when a text field cannot enter the corpus as it is."""
    suspect = _SUSPECT.search(value) is not None
    if suspect and (m := _SURROGATE.search(value)) is not None:
        raise RowProblem(QuarantineReason.INVALID_UNICODE,
                         f"field '{field}' (column '{column}') holds an invalid lone surrogate U+{ord(m.group()):04X} "
                         f"at character {m.start()}; it cannot be stored as UTF-8", field)
    if len(value) > max_chars:
        raise RowProblem(QuarantineReason.TOO_LONG,
                         f"field '{field}' (column '{column}') is {len(value):,} characters long; the maximum is "
                         f"{max_chars:,} (CORPUS600M_DONATION_MAX_FIELD_CHARS)", field)
    if suspect and (m := _CONTROL.search(value)) is not None:
        raise RowProblem(QuarantineReason.CONTROL_CHARS,
                         f"field '{field}' (column '{column}') contains control character U+{ord(m.group()):04X} at "
                         f"character {m.start()}; remove it (tabs and newlines are fine)", field)
    if suspect and "\ufffd" in value:
        raise RowProblem(QuarantineReason.ENCODING_DAMAGE,
                         f"field '{field}' (column '{column}') contains U+FFFD replacement characters "
                         f"({_snippet(value, value.index(chr(0xFFFD)))!r}): the text was damaged by a wrong encoding "
                         f"conversion before it was donated; re-export it from the original as UTF-8", field)
    if "<" in value or "script" in value.lower():
        if (m := _SCRIPT.search(value)) is not None:
            raise RowProblem(QuarantineReason.HTML,
                             f"field '{field}' (column '{column}') contains script content ({_snippet(value, m.start())!r})",
                             field)
        if "<" in value:
            prose = _CODE.sub(" ", value) if "`" in value else value
            if (m := _TAG.search(prose)) is not None:
                raise RowProblem(QuarantineReason.HTML,
                                 f"field '{field}' (column '{column}') contains HTML markup ({m.group()[:40]!r}); "
                                 f"send plain text, or put code inside ``` blocks", field)


def _describe(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


@lru_cache(maxsize=8)
def _spec(instruction: str, input: str | None, output: str) -> tuple[tuple[str, str, bool], ...]:
    """(field, column, required) for each mapped field: computed once per mapping, not per row."""
    mapped = {"instruction": instruction, "input": input, "output": output}
    return tuple((field, mapped[field], field != "input") for field in FIELDS if mapped[field])


def extract_fields(row: dict[str, Any], columns: ColumnMapping, max_chars: int) -> tuple[str, str | None, str]:
    """The row's (instruction, input, output), stripped of outer whitespace; `RowProblem` when the row is unusable."""
    out: dict[str, str | None] = {"input": None}
    for field, column, required in _spec(columns.instruction, columns.input, columns.output):
        if column not in row:
            if required:
                raise RowProblem(QuarantineReason.MISSING_FIELD,
                                 f"column '{column}' (mapped to '{field}') is missing from this row; "
                                 f"the row has: {', '.join(map(str, row)) or '(no columns)'}", field)
            out[field] = None
            continue
        value = row[column]
        if value is None:
            if required:
                raise RowProblem(QuarantineReason.EMPTY_FIELD, f"field '{field}' (column '{column}') is null", field)
            out[field] = None
            continue
        if not isinstance(value, str):
            raise RowProblem(QuarantineReason.NON_TEXT,
                             f"field '{field}' (column '{column}') holds {type(value).__name__} {_describe(value)}, "
                             f"not text", field)
        value = value.strip()
        if not value:
            if required:
                raise RowProblem(QuarantineReason.EMPTY_FIELD,
                                 f"field '{field}' (column '{column}') is empty or only whitespace", field)
            out[field] = None
            continue
        check_text(value, field, column, max_chars)
        out[field] = value
    return out["instruction"], out["input"], out["output"]  # type: ignore[return-value]
