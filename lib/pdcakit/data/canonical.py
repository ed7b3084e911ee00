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
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .inputs import input_label
from .mapping import (
    DEFAULT_NA_VALUES,
    Mapping,
    expected_names,
    load_mapping,
    resolve_sources,
    untranslated_values,
)
from .memory import release_unused_memory
from .parsing import Source, clean_text, parse_bool, parse_datetime, parse_number, parse_text
from .plausible import closing_column
from .readers import read_table
from .schema import TableSchema
from .validate import check_filled, check_ranges, check_required, check_whole, note_degenerate

__all__ = ["Loaded", "finish", "first_non_empty", "load_canonical", "parse_column"]


@dataclass
class Loaded:
    """A parsed canonical table before the table-specific checks."""

    frame: pd.DataFrame          # typed canonical columns; index = spreadsheet rows
    source: Source               # file, header row, source names, warnings
    mapping: Mapping
    ignored: list[str]           # source columns not used
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # canonical -> more
    filled: dict[str, dict[str, int]] = field(default_factory=dict)  # cells each filled
    closing_column: str | None = None   # source of the closed_at kept for plausibility


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
        parsed = parse_text(raw, column, source, repeated=kind == "category", **common)
        note = untranslated_values(column, parsed, common["values"])
        if note:  # a preset's value table that leaves values as they are says which
            source.warnings.append(note)
        return parsed
    raise ValueError(f"unknown column kind {kind!r} for {column!r}")


def first_non_empty(raw: pd.DataFrame, sources: tuple[str, ...], kind: str,
                    mapping: Mapping) -> tuple[pd.Series, dict[str, int]]:
    """Row by row, the first non-empty cell among ``sources`` (a ``columns:`` entry listing
    fallbacks), and how many cells each fallback filled. Empty: a blank cell, the mapping's
    ``na_values``, and in date, number and yes/no columns the NA-like texts too.

    >>> raw = pd.DataFrame({"resolved_at": ["2024-01-02", None, "NULL"],
    ...                     "closed_at": ["2024-01-03", "2024-01-09", "2024-01-10"]})
    >>> out, filled = first_non_empty(raw, ("resolved_at", "closed_at"), "datetime", Mapping())
    >>> out.tolist(), filled
    (['2024-01-02', '2024-01-09', '2024-01-10'], {'closed_at': 2})
    """
    def empty(column: pd.Series) -> pd.Series:
        text = clean_text(column, mapping.na_values)
        gone = text.isna()
        if kind not in ("id", "category"):
            gone |= text.isin(DEFAULT_NA_VALUES)
        return gone

    out = raw[sources[0]]
    filled: dict[str, int] = {}
    for other in sources[1:]:
        take = empty(out) & ~empty(raw[other])
        filled[other] = int(take.sum())
        if take.any():
            out = out.astype(object).where(~take, raw[other]) if out.dtype != raw[other].dtype \
                else out.where(~take, raw[other])
    return out, filled


def load_canonical(path: str | os.PathLike[str], schema: TableSchema,
                   mapping: Any = None, options: dict[str, Any] | None = None,
                   closing: bool = False) -> Loaded:
    """Read ``path``, map it onto ``schema``, parse every column, run generic checks.

    ``options`` override the mapping's fields (``sheet``, ``encoding``,
    ``date_format`` ...; None or ``""`` leave the mapping's value). ``path`` may be
    ``demo:NAME`` (see :func:`~pdcakit.data.resolve_input`). Generic checks: required
    columns present and filled, numbers within the schema's ranges, whole numbers on integer
    scales; degenerate columns (all empty, one value, very many categories) are warnings.
    A ``columns:`` entry listing several source columns takes the first non-empty cell
    of each row (a warning counts the cells each fallback filled). With ``closing``, an
    unused column holding closing times is kept as ``closed_at`` (see
    :func:`~pdcakit.data.plausible.closing_column`).
    """
    m = load_mapping(mapping).replace(**(options or {}))
    file = input_label(path)
    expect = expected_names(m, schema)
    raw = read_table(path, sheet=m.sheet, encoding=m.encoding, delimiter=m.delimiter,
                     header_row=m.header_row, expect=expect,
                     lenient_quotes=m.lenient_quotes)
    source = Source(file, raw.attrs.get("header_row", 1),
                    warnings=list(raw.attrs.get("warnings", [])))
    resolved = resolve_sources(raw, schema, m, file, source.header_row)
    found, ignored = resolved.found, resolved.ignored
    source.names = found
    check_required(found, schema, [str(c) for c in raw.columns], source, m.name)
    # Each raw column is dropped once parsed (unless another column maps to it too), so a
    # large file is held once, not twice, while it is converted.
    combined, filled = {}, {}
    for canon, more in resolved.fallbacks.items():
        sources = (found[canon], *more)
        combined[canon], filled[canon] = first_non_empty(raw, sources, schema.kinds[canon], m)
        if any(filled[canon].values()):
            counts = ", ".join(f"{n:,} from {c!r}" for c, n in filled[canon].items() if n)
            source.warnings.append(
                f"{canon}: empty cells of {found[canon]!r} filled with the first non-empty of "
                f"{', '.join(repr(c) for c in more)} ({counts}), as the mapping's columns: "
                f"{canon}: [{', '.join(sources)}] asks")
    uses = Counter(found.values())
    columns = {}
    for canon, src in found.items():
        uses[src] -= 1
        if canon in combined:
            column = combined.pop(canon)
        else:
            column = raw.pop(src) if uses[src] == 0 else raw[src]
        columns[canon] = parse_column(column, canon, schema.kinds[canon], source, m)
        del column
    kept = None
    if closing and "resolved_at" in columns:
        kept = closing_column(raw, ignored, source, m.date_format, m.dayfirst, m.timezone,
                              m.na_values)
    frame = pd.DataFrame(columns, index=raw.index)
    del raw, columns
    release_unused_memory()
    check_filled(frame, schema.required, source)
    check_ranges(frame, schema.ranges, source)
    check_whole(frame, schema.integers, source)
    note_degenerate(frame, schema, source)
    if kept is not None:
        frame["closed_at"] = kept[1]
    return Loaded(frame, source, m, ignored, dict(resolved.fallbacks), filled,
                  None if kept is None else kept[0])


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
        "fallbacks": {c: list(v) for c, v in loaded.fallbacks.items()},
        "closing_column": loaded.closing_column,
        **attrs,
    }
    return out
