"""Which Argilla workspace a record (and an annotator) belongs to.

Annotators see only the datasets of their workspaces, so the workspace layout is the access rule:
by default one workspace per country (`somos600m-mx`, `somos600m-ar`, ...), plus a global one for
records with no country and for people who review everything. The grouping is configurable
(`CORPUS600M_ANNOTATION_WORKSPACE_GROUPING`):

- `country` (default): one workspace per country;
- `variety`: one workspace per dialect area (`somos600m-rioplatense` holds Argentina and Uruguay);
- explicit groups, `centroamerica=GT,HN,SV,NI,CR;rioplatense=AR,UY`: the named groups, and one
  workspace per country for the countries no group names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus600m import catalog
from corpus600m.records import Record

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class WorkspaceLayoutError(ValueError):
    """A grouping spec or an annotator's workspace spec that cannot be understood."""


@dataclass(frozen=True)
class WorkspaceLayout:
    """Workspace names and the countries each one holds."""

    prefix: str
    mode: str  # country | variety | groups
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # workspace name -> country codes

    @property
    def global_workspace(self) -> str:
        return f"{self.prefix}-global"

    def workspaces(self) -> list[str]:
        """Every workspace of the layout, the global one last."""
        return [*self.groups, self.global_workspace]

    def workspace_for(self, record: Record) -> str:
        """The workspace whose annotators label `record` (the global one when it has no country)."""
        if self.mode == "variety":
            from corpus600m.annotate.design import suggested_variety

            variety = suggested_variety(record)
            return f"{self.prefix}-{variety}" if variety else self.global_workspace
        if not record.country:
            return self.global_workspace
        for name, countries in self.groups.items():
            if record.country in countries:
                return name
        return self.global_workspace

    def workspaces_for_countries(self, spec: str) -> list[str]:
        """The workspaces an annotator gets for a `countries` cell: `MX,AR`, `*` (all) or `global`.

        With the variety grouping a country maps to every dialect area spoken in it.
        """
        items = [part.strip() for part in spec.replace(";", ",").split(",") if part.strip()]
        if not items:
            raise WorkspaceLayoutError("no countries given; use country codes (MX,AR), 'global' or '*'")
        out: dict[str, None] = {}
        for item in items:
            if item == "*":
                out.update(dict.fromkeys(self.workspaces()))
            elif item.lower() == "global":
                out[self.global_workspace] = None
            else:
                code = catalog.country(item).code  # UnknownCodeError names the valid codes
                out.update(dict.fromkeys(name for name, countries in self.groups.items() if code in countries))
        return list(out)


def parse_grouping(spec: str, prefix: str = "somos600m") -> WorkspaceLayout:
    """Build the layout from a grouping spec (`country`, `variety` or `name=CC,CC;name2=CC`)."""
    if not _SLUG.match(prefix):
        raise WorkspaceLayoutError(f"workspace prefix {prefix!r} must be lowercase letters, digits, '-' or '_'")
    spec = spec.strip()
    if spec in ("", "country"):
        groups = {f"{prefix}-{code.lower()}": (code,) for code in catalog.COUNTRIES}
        return WorkspaceLayout(prefix, "country", groups)
    if spec == "variety":
        groups = {f"{prefix}-{v.id}": v.countries for v in catalog.VARIETIES.values()}
        # a country's records may fall in any area spoken there, not only the areas listing the country
        for code, country in catalog.COUNTRIES.items():
            for variety_id in country.varieties:
                name = f"{prefix}-{variety_id}"
                if code not in groups[name]:
                    groups[name] = (*groups[name], code)
        return WorkspaceLayout(prefix, "variety", groups)
    groups: dict[str, tuple[str, ...]] = {}
    taken: dict[str, str] = {}
    for chunk in (c.strip() for c in spec.split(";")):
        if not chunk:
            continue
        name, sep, countries = chunk.partition("=")
        name = name.strip().lower()
        if not sep or not _SLUG.match(name) or name == "global":
            raise WorkspaceLayoutError(
                f"bad workspace group {chunk!r} in grouping {spec!r}: expected 'name=CC,CC' with a lowercase name "
                "(not 'global'), e.g. 'centroamerica=GT,HN,SV,NI,CR;rioplatense=AR,UY', or 'country' / 'variety'"
            )
        try:
            codes = tuple(c.code for c in catalog.parse_countries(countries))
        except catalog.UnknownCodeError as exc:
            raise WorkspaceLayoutError(f"workspace group {name!r}: {exc}") from exc
        for code in codes:
            if code in taken:
                raise WorkspaceLayoutError(f"country {code} is in two workspace groups: {taken[code]!r} and {name!r}")
            taken[code] = name
        groups[f"{prefix}-{name}"] = codes
    for code in catalog.COUNTRIES:
        if code not in taken:
            groups[f"{prefix}-{code.lower()}"] = (code,)
    return WorkspaceLayout(prefix, "groups", groups)
