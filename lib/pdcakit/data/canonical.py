"""The shared loading pipeline: read -> map -> parse -> generic checks.

:func:`load_canonical` is what :func:`~pdcakit.data.load_tickets` and
:func:`~pdcakit.data.load_table` build on. It returns the typed canonical
columns with spreadsheet row numbers still as the index, so the table-specific
checks that follow can name rows too; :func:`finish` then gives the frame a
plain 0..n-1 index and its ``attrs``.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .inputs import input_label
from .mapping import Mapping, load_mapping, resolve_columns
from .memory import release_unused_memory
from .parsing import Source, parse_bool, parse_datetime, parse_number, parse_text
from .readers import read_table
from .schema import TableSchema
from .validate import check_filled, check_ranges, check_required, check_whole, note_degenerate

__all__ = ["Loaded", "finish", "load_canonical", "parse_column"]


@dataclass
class Loaded:
    """A parsed canonical table before the table-specific checks."""

    frame: pd.DataFrame          # typed canonical columns; index = spreadsheet rows
    source: Source               # file, header row, source names, warnings
    mapping: Mapping
    ignored: list[str]           # source columns not used


def parse_column(raw: pd.Series, column: str, kind: str, source: Source,
                 mapping: Mapping) -> pd.Series:
    """Parse one raw column by its schema kind (id, datetime, number, bool, category)."""
    common: dict[str, Any] = {"na_values": mapping.na_values,
                              "values": mapping.values.get(column)}
    if kind == "datetime":
        return parse_datetime(raw, column, source, date_format=mapping.date_format,
                              dayfirst=mapping.dayfirst, timezone=mapping.timezone, **common)
    if kind == "number":
        return parse_number(raw, column, source, decimal=mapping.decimal, **common)
    if kind == "bool":
        return parse_bool(raw, column, source, true_values=mapping.true_values,
                          false_values=mapping.false_values, **common)
    if kind in ("id", "category"):
        return parse_text(raw, column, source, repeated=kind == "category", **common)
    raise ValueError(f"unknown column kind {kind!r} for {column!r}")


def load_canonical(path: str | os.PathLike[str], schema: TableSchema,
                   mapping: Any = None, options: dict[str, Any] | None = None) -> Loaded:
    """Read ``path``, map it onto ``schema``, parse every column, run generic checks.

    ``options`` override the mapping's fields (``sheet``, ``encoding``,
    ``date_format`` ...; None or ``""`` leave the mapping's value). ``path`` may be
    ``demo:NAME`` (see :func:`~pdcakit.data.resolve_input`). Generic checks: required
    columns present and filled, numbers within the schema's ranges, whole numbers on integer
    scales; degenerate columns (all empty, one value, very many categories) are warnings.
    """
    m = load_mapping(mapping).replace(**(options or {}))
    file = input_label(path)
    expect = [m.columns.get(c, c) for c in schema.columns]
    raw = read_table(path, sheet=m.sheet, encoding=m.encoding, delimiter=m.delimiter,
                     header_row=m.header_row, expect=expect,
                     lenient_quotes=m.lenient_quotes)
    source = Source(file, raw.attrs.get("header_row", 1),
                    warnings=list(raw.attrs.get("warnings", [])))
    found, ignored = resolve_columns(raw, schema, m, file, source.header_row)
    source.names = found
    check_required(found, schema, [str(c) for c in raw.columns], source, m.name)
    # Each raw column is dropped once parsed (unless another column maps to it too), so a
    # large file is held once, not twice, while it is converted.
    uses = Counter(found.values())
    columns = {}
    for canon, src in found.items():
        uses[src] -= 1
        column = raw.pop(src) if uses[src] == 0 else raw[src]
        columns[canon] = parse_column(column, canon, schema.kinds[canon], source, m)
        del column
    frame = pd.DataFrame(columns, index=raw.index)
    del raw, columns
    release_unused_memory()
    check_filled(frame, schema.required, source)
    check_ranges(frame, schema.ranges, source)
    check_whole(frame, schema.integers, source)
    note_degenerate(frame, schema, source)
    return Loaded(frame, source, m, ignored)


def finish(frame: pd.DataFrame, loaded: Loaded, kind: str, **attrs: Any) -> pd.DataFrame:
    """Plain 0..n-1 index and the ``attrs`` every loaded table carries."""
    out = frame.reset_index(drop=True)
    out.attrs = {
        "source": loaded.source.file,
        "kind": kind,
        "columns": dict(loaded.source.names),
        "ignored_columns": list(loaded.ignored),
        "header_row": loaded.source.header_row,
        "warnings": list(loaded.source.warnings),
        **attrs,
    }
    return out
