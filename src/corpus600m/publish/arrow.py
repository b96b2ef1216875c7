"""Arrow tables with the plain types every reader maps simply (polars writes `large_string` / `large_list`)."""

from __future__ import annotations

import polars as pl
import pyarrow as pa


def _standard_type(dtype: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return pa.string()
    if pa.types.is_large_list(dtype) or pa.types.is_list(dtype):
        return pa.list_(_standard_type(dtype.value_type))
    if pa.types.is_struct(dtype):
        return pa.struct([pa.field(f.name, _standard_type(f.type)) for f in dtype])
    return dtype


def standard_arrow(frame: pl.DataFrame) -> pa.Table:
    """Arrow with plain `string`/`list` types, which `datasets`, the Hub's viewer and other readers map simply."""
    table = frame.to_arrow()
    return table.cast(pa.schema([pa.field(f.name, _standard_type(f.type)) for f in table.schema]))
