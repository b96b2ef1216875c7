"""Licences of published records: the effective licence of each record and the Hub's licence identifiers.

A donated record carries its donor's SPDX id. A synthetic record inherits the licence of the model that
generated it (its origin's licence if the generation stage recorded one, else `hub_model_licenses[model]`,
else `hub_synthetic_license`, Apache-2.0 for the default Qwen2.5 generator). A record written by
annotators gets `hub_annotation_license`.
"""

from __future__ import annotations

import polars as pl

from corpus600m.settings import Settings

# The licence identifiers the Hub accepts in a card's `license:` field (huggingface.co/docs/hub/repositories-licenses).
HUB_LICENSES = frozenset(
    """
    apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m
    afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0
    cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0
    cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0
    cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0
    gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl openrail++ osl-3.0
    postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr llama2 llama3 llama3.1 llama3.2 llama3.3 llama4 gemma
    unknown other
    """.split()
)
# SPDX ids whose Hub identifier is not simply the lower-cased SPDX id.
_SPDX_TO_HUB = {"odbl-1.0": "odbl", "odc-by-1.0": "odc-by", "pddl-1.0": "pddl", "gfdl-1.3": "gfdl", "0bsd": "bsd"}


def hub_license_id(license_id: str) -> str:
    """The Hub's identifier for an SPDX licence id (`CC-BY-4.0` -> `cc-by-4.0`); `other` when the Hub has none."""
    key = license_id.strip().lower()
    key = _SPDX_TO_HUB.get(key, key)
    return key if key in HUB_LICENSES else "other"


def effective_license_expr(settings: Settings) -> pl.Expr:
    """Polars expression over a store frame: the licence each record is published under (null when unknown)."""
    origin_license = pl.col("origin").struct.field("license")
    model = pl.col("origin").struct.field("model")
    by_model = (
        model.replace_strict(settings.hub_model_licenses, default=None, return_dtype=pl.String)
        if settings.hub_model_licenses
        else pl.lit(None, dtype=pl.String)
    )
    blank = origin_license.is_null() | (origin_license.str.strip_chars() == "")
    return (
        pl.when(~blank).then(origin_license.str.strip_chars())
        .when(pl.col("source") == "synthetic").then(pl.coalesce(by_model, pl.lit(settings.hub_synthetic_license or None)))
        .when(pl.col("source") == "annotation").then(pl.lit(settings.hub_annotation_license or None))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("license")
    )
