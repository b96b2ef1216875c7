"""The filter stage: language, PII, duplicates and quality, with every decision kept.

- `filter_records(records, settings=, known=)` -> `FilterResult(kept, rejected, report)`
- `filter_table(store, source, settings=)` -> `StageReport` (store tables `source` -> `filtered` / `rejected`)
- `pii.detect_pii(text)` -> `list[PiiSpan]`; `language.detect_language(text)` -> `(lang, score)`
- the checks, in the order they run: `checks.CHECKS` (language, PII, quality, variety, judge), each a `Check`
  taking a `Batch` and giving one `Outcome` per record; duplicates are decided after them (`pipeline.assemble`)
"""

from corpus600m.filters.dedup import KnownTexts
from corpus600m.filters.pipeline import FilterResult, filter_records, filter_table

__all__ = ["FilterResult", "KnownTexts", "filter_records", "filter_table"]
