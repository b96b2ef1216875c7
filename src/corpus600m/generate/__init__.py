"""Generation stage: synthetic Spanish instructions by country and variety, with distilabel.

`generate_records(countries, per_country)` and `fill_gaps(target)` are the entry points; prompts and seed
topics are data files in `templates/` and `seeds/`.
"""

from corpus600m.generate.backends import LLMError
from corpus600m.generate.pipeline import GenerationError, fill_gaps, generate_records
from corpus600m.generate.prompts import PromptError

__all__ = ["GenerationError", "LLMError", "PromptError", "fill_gaps", "generate_records"]
