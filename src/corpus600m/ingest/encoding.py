"""Text encoding of a donated file: UTF-8 is expected; Latin-1 / CP-1252 (and UTF-16 with a BOM) are detected
and converted, with a warning for the contributor. Anything that is not text refuses the donation."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from corpus600m.ingest.errors import DonationRefused

_CHUNK = 8 << 20
_SAMPLE = 1 << 20


@dataclass(frozen=True)
class DetectedEncoding:
    """The Python codec to open the file with, and a warning when it was not plain UTF-8."""

    codec: str
    warning: str | None = None

    @property
    def label(self) -> str:
        """The encoding as reported to people (utf-8-sig is just UTF-8 that tolerates a BOM)."""
        return "utf-8" if self.codec == "utf-8-sig" else self.codec


def _is_utf8(path: Path) -> tuple[bool, int]:
    """Whether the whole file decodes as UTF-8 (streamed; memory stays at one chunk); else the first bad byte offset."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            return False, offset + exc.start
    return True, -1


def detect_encoding(path: Path, display: str) -> DetectedEncoding:
    """Pick the codec for a text file; refuse the donation when the file is binary, not text."""
    with open(path, "rb") as fh:
        head = fh.read(_SAMPLE)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DetectedEncoding("utf-16", f"{display}: UTF-16 text converted to UTF-8; please send UTF-8 next time")
    if b"\x00" in head:
        raise DonationRefused(
            f"{display}: this is not a text file (it holds NUL bytes); export the data as UTF-8 JSONL, CSV or Parquet"
        )
    ok, bad_at = _is_utf8(path)
    if ok:
        return DetectedEncoding("utf-8-sig")  # utf-8-sig also strips a BOM some editors add
    with open(path, "rb") as fh:
        fh.seek(max(0, bad_at - _SAMPLE // 2))
        sample = head + fh.read(_SAMPLE)
    best = from_bytes(sample).best()
    guessed = best.encoding if best is not None else "unknown"
    # For Spanish text, a non-UTF-8 file is in practice Windows-1252 or ISO-8859-1; CP-1252 is the superset for
    # printable text, so use it when every byte maps, and Latin-1 (which maps every byte) otherwise.
    codec = "cp1252" if _decodes(path, "cp1252") else "latin-1"
    name = "Windows-1252 (CP-1252)" if codec == "cp1252" else "Latin-1 (ISO-8859-1)"
    return DetectedEncoding(
        codec,
        f"{display}: not UTF-8 (first invalid byte at offset {bad_at}; detected {name}, charset-normalizer guessed "
        f"{guessed}); converted to UTF-8. Please check accents and ñ in the kept rows and send UTF-8 next time",
    )


def _decodes(path: Path, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    return True
