"""Prompt templates and seed topics: data files under `templates/` and `seeds/`, validated on load.

A template has an id and a version that go into every record's provenance. Seed topics are one YAML file per
domain (`seeds/<domain>.yaml`); adding topics or domains needs no code (`corpus600m generate --seeds DIR`
reads another directory with the same layout).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, StrictUndefined, TemplateError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from corpus600m import catalog
from corpus600m.records import format_validation_error

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
SEEDS_DIR = HERE / "seeds"

_JINJA = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


class PromptError(ValueError):
    """A template or seed file is missing or invalid; the message names the file and field."""


class PromptTemplate(BaseModel):
    """A chat prompt (system + user message, Jinja2) with the id and version recorded as provenance."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    description: str = ""
    system: str = Field(min_length=1)
    user: str = Field(min_length=1)
    tasks: dict[str, str] = Field(default_factory=dict)
    example_user: str = Field("", description="With example_assistant: a worked example sent as an earlier turn.")
    example_assistant: str = ""

    def render(self, **context: object) -> list[dict[str, str]]:
        """The chat messages for `context` (a missing variable is an error, not an empty string)."""
        messages = [{"role": "system", "content": self.render_system(**context)}]
        if self.example_user and self.example_assistant:
            messages += [{"role": "user", "content": self._render(self.example_user, context)},
                         {"role": "assistant", "content": self._render(self.example_assistant, context)}]
        return messages + [{"role": "user", "content": self.render_user(**context)}]

    def render_system(self, **context: object) -> str:
        return self._render(self.system, context)

    def render_user(self, **context: object) -> str:
        return self._render(self.user, context)

    def _render(self, source: str, context: dict[str, object]) -> str:
        try:
            return _JINJA.from_string(source).render(**context).strip()
        except TemplateError as exc:
            raise PromptError(f"template {self.id} v{self.version}: {exc}") from exc


class SeedDomain(BaseModel):
    """The seed topics of one domain (one YAML file)."""

    model_config = ConfigDict(extra="forbid")

    domain: str = Field(pattern=r"^[a-z0-9_]+$", description="Slug stored in Record.domain.")
    description: str = Field(min_length=1)
    topics: list[str] = Field(min_length=1)

    @field_validator("topics")
    @classmethod
    def _clean_topics(cls, topics: list[str]) -> list[str]:
        cleaned = [re.sub(r"\s+", " ", t).strip() for t in topics]
        if any(not t for t in cleaned):
            raise ValueError("topics must not be empty strings")
        if len(set(cleaned)) != len(cleaned):
            dupes = sorted({t for t in cleaned if cleaned.count(t) > 1})
            raise ValueError(f"repeated topics: {dupes}")
        return cleaned


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PromptError(f"{path}: file not found") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise PromptError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc


@lru_cache(maxsize=8)
def load_template(name: str, directory: Path = TEMPLATES_DIR) -> PromptTemplate:
    """Load `templates/<name>.yaml` (`instruction` or `answer`)."""
    path = directory / f"{name}.yaml"
    try:
        return PromptTemplate.model_validate(_read_yaml(path))
    except ValidationError as exc:
        raise PromptError(format_validation_error(exc, str(path))) from exc


@lru_cache(maxsize=4)
def load_address_forms(directory: Path = TEMPLATES_DIR, name: str = "address") -> dict[str, str]:
    """How speakers of each variety address the assistant (`templates/address.yaml`), or the stronger rule a
    retry adds when a text's forms of address did not fit (`name="address_retry"`); every variety must be there."""
    path = directory / f"{name}.yaml"
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise PromptError(f"{path}: expected a mapping of variety id -> text")
    missing = sorted(set(catalog.VARIETIES) - set(data))
    unknown = sorted(set(data) - set(catalog.VARIETIES))
    if missing or unknown:
        raise PromptError(f"{path}: varieties missing {missing}, unknown {unknown}; keys must be the catalog's variety ids")
    return {key: str(value).strip() for key, value in data.items()}


class VarietyPersonas(BaseModel):
    """Who asks, for one variety (`seeds/personas/personas.yaml`), and one example request in the variety."""

    model_config = ConfigDict(extra="forbid")

    example: str = Field(min_length=1)
    personas: list[str] = Field(min_length=1)


@lru_cache(maxsize=4)
def load_personas(directory: Path = SEEDS_DIR) -> dict[str, VarietyPersonas]:
    """`<seeds>/personas/personas.yaml` (the built-in one when the seeds directory has none); every variety must be there."""
    path = directory / "personas" / "personas.yaml"
    if not path.exists():
        path = SEEDS_DIR / "personas" / "personas.yaml"
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise PromptError(f"{path}: expected a mapping of variety id -> {{example, personas}}")
    missing = sorted(set(catalog.VARIETIES) - set(data))
    unknown = sorted(set(data) - set(catalog.VARIETIES))
    if missing or unknown:
        raise PromptError(f"{path}: varieties missing {missing}, unknown {unknown}; keys must be the catalog's variety ids")
    try:
        return {key: VarietyPersonas.model_validate(value) for key, value in data.items()}
    except ValidationError as exc:
        raise PromptError(format_validation_error(exc, str(path))) from exc


def load_seeds(directory: Path = SEEDS_DIR) -> list[SeedDomain]:
    """Every `<domain>.yaml` in `directory`, sorted by domain; errors name the file and the field."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise PromptError(f"{directory}: no seed files (*.yaml); add one per domain with 'domain', 'description', 'topics'")
    domains: dict[str, SeedDomain] = {}
    for path in files:
        try:
            seed = SeedDomain.model_validate(_read_yaml(path))
        except ValidationError as exc:
            raise PromptError(format_validation_error(exc, str(path))) from exc
        if seed.domain in domains:
            raise PromptError(f"{path}: domain {seed.domain!r} is already defined by another seed file")
        domains[seed.domain] = seed
    return [domains[key] for key in sorted(domains)]


def variety_context(country_code: str, variety_id: str) -> dict[str, str]:
    """The variables every template may use for a country and variety (Spanish, from the catalog)."""
    country = catalog.country(country_code)
    variety = catalog.variety(variety_id)
    if variety.id not in country.varieties:
        raise PromptError(f"variety {variety.id!r} is not spoken in {country.code}; valid: {', '.join(country.varieties)}")
    return {
        "country": country.name_es,
        "variety_name": variety.name_es,
        "regions": variety.regions,
        "features": variety.features,
        "address": load_address_forms()[variety.id],
    }
