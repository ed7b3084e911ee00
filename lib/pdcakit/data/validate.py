"""Checks on parsed canonical columns; each failure is a DataError naming rows.

All checks take a frame whose index holds spreadsheet row numbers and a
:class:`~pdcakit.data.parsing.Source` for the wording.

Example
-------
>>> import pandas as pd
>>> from pdcakit.data.parsing import Source
>>> df = pd.DataFrame({"csat": [5.0, 7.0, 1.0]}, index=[2, 3, 4])
>>> check_ranges(df, {"csat": (1, 5)}, Source("s.csv"))
Traceback (most recent call last):
...
pdcakit.data.errors.DataError: s.csv, column 'csat': 1 value above 5 (allowed 1 to 5) \
(row 3: 7; spreadsheet rows, header = row 1). Fix: csat is a 1-5 satisfaction score: \
rescale other scales to 1-5 before loading; empty the cells with no answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .errors import Plain
from .names import closest_names, describe_columns
from .parsing import Source
from .schema import TableSchema

__all__ = ["MANY_CATEGORIES", "RANGE_FIXES", "check_duplicates", "check_filled",
           "check_order", "check_ranges", "check_required", "check_weights", "check_whole",
           "duplicated_ids", "note_degenerate"]

#: A category column with more distinct values than this is named in a warning.
MANY_CATEGORIES = 1_000

RANGE_FIXES: dict[str, str] = {
    "handle_minutes": "handle_minutes is agent time per ticket in minutes (0 to 1,440 = 24 h): "
                      "check the unit (seconds? hours?) and correct or empty impossible values",
    "csat": "csat is a 1-5 satisfaction score: rescale other scales to 1-5 before loading; "
            "empty the cells with no answer",
    "nps": "nps is the 0-10 likelihood-to-recommend answer; empty the cells with no answer",
    "score": "survey scores are on a 1-5 scale: rescale other scales before loading",
    "weight": "give weights as fractions of 1 (0.2, not 20)",
    "conformance": "give conformance as a fraction (0.95, not 95%)",
}


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"


def check_required(found: Mapping[str, str], schema: TableSchema, available: Sequence[str],
                   source: Source, mapping_name: str = "") -> None:
    """Every required column was found (else: available and closest names, how to map)."""
    for col in schema.required:
        if col in found:
            continue
        close = closest_names(col, list(available))
        hint = f"closest: {describe_columns(close)}; " if close else ""
        example = close[0] if close else "<source column>"
        where = (f"the mapping {mapping_name!r}" if mapping_name else
                 "a mapping YAML (given with -p mapping FILE)")
        columns = f"{hint}available columns: {describe_columns(list(available))}"
        raise source.error(
            f"required column {col!r} of the {schema.name} table is missing", col,
            fix=f"rename the column to {col!r}, or map it: add columns: {{{col}: "
                f"{example!r}}} to {where}. {columns[0].upper()}{columns[1:]}")


def check_filled(df: pd.DataFrame, columns: Sequence[str], source: Source) -> None:
    """Required columns hold a value on every row (an all-empty column is named as such)."""
    for col in columns:
        if col not in df:
            continue
        missing = df[col].isna()
        if not missing.any():
            continue
        if missing.all():
            raise source.error(
                f"the required column is empty on all {len(df):,} rows", col,
                fix="map the column that holds the values (mapping columns:), or export "
                    "it filled")
        rows = df.index[missing.to_numpy(dtype=bool)].tolist()
        raise source.error(
            f"{len(rows):,} {'row has' if len(rows) == 1 else 'rows have'} no {col}", col,
            rows, fix=f"every row needs a {col}: fill these cells or remove the rows "
                      "from the export")


def check_ranges(df: pd.DataFrame, ranges: Mapping[str, tuple[float, float]],
                 source: Source) -> None:
    """Numbers within the schema's inclusive (low, high) range."""
    for col, (low, high) in ranges.items():
        if col not in df:
            continue
        v = df[col]
        below, above = v < low, v > high
        bad = below | above
        if not bad.any():
            continue
        n_below, n_above, n = int(below.sum()), int(above.sum()), int(bad.sum())
        word = "value" if n == 1 else "values"
        allowed = f"{_num(low)} or more" if np.isinf(high) else f"{_num(low)} to {_num(high)}"
        if n_below and n_above:
            text = f"{n:,} values out of range: {n_below:,} below {_num(low)} and " \
                   f"{n_above:,} above {_num(high)}"
        elif n_below:
            text = f"{n:,} {word} below {_num(low)}"
        else:
            text = f"{n:,} {word} above {_num(high)}"
        rows = df.index[bad.to_numpy(dtype=bool)].tolist()
        raise source.error(
            f"{text} (allowed {allowed})", col, rows, values=v[bad].head(5).tolist(),
            fix=RANGE_FIXES.get(col, f"correct these values or empty the cells "
                                     f"(allowed {allowed})"))


def check_whole(df: pd.DataFrame, columns: Sequence[str], source: Source) -> None:
    """Answers on an integer scale (CSAT 1-5, NPS 0-10) are whole numbers: 3.7 is an error
    naming the column and rows (a mean of several answers loses the shares the KPIs
    count, e.g. CSAT 4-5 and NPS promoters).

    >>> check_whole(pd.DataFrame({"nps": [9.0, 7.5]}, index=[2, 3]), ["nps"], Source("s.csv"))
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: s.csv, column 'nps': 1 value is not a whole number on the \
integer 0-10 scale (row 3: 7.5; spreadsheet rows, header = row 1). Fix: ...
    """
    from .schema import TABLES

    scales = {c: r for t in TABLES.values() for c, r in t.ranges.items()}
    for col in columns:
        if col not in df:
            continue
        v = df[col].to_numpy(dtype="float64", na_value=np.nan)
        bad = np.isfinite(v) & ~np.isclose(v, np.round(v), rtol=0.0, atol=1e-9)
        if not bad.any():
            continue
        rows = df.index[bad].tolist()
        low, high = scales.get(col, (0, 0))
        n = len(rows)
        raise source.error(
            f"{n:,} {'value is' if n == 1 else 'values are'} not a whole number on the integer "
            f"{_num(low)}-{_num(high)} scale", col, rows, values=v[bad][:5].tolist(),
            fix=f"{col} counts whole answers ({_num(low)} to {_num(high)}): if these are means "
                "of several answers, load the individual answers (one row each); if they are "
                "typing errors, correct them; empty the cells with no answer")


def note_degenerate(df: pd.DataFrame, schema: TableSchema, source: Source) -> None:
    """Warn (not fail) about columns a KPI cannot use: all empty, one value in every row,
    or a category column with more than :data:`MANY_CATEGORIES` distinct values.

    >>> src = Source("t.csv")
    >>> note_degenerate(pd.DataFrame({"channel": ["web"] * 3, "csat": [np.nan] * 3}),
    ...                 __import__("pdcakit").data.TICKETS, src)
    >>> [w.split(":")[0] for w in src.warnings]
    ['channel', 'csat']
    """
    n = len(df)
    for col in df.columns:
        kind = schema.kinds.get(col)
        if kind is None or kind == "id" or n < 2:
            continue
        values = df[col].dropna()
        origin = source.label(col)
        if values.empty:
            source.warnings.append(f"{col}{origin}: empty in all {n:,} rows; what needs it "
                                   "is skipped")
            continue
        distinct = values.nunique()
        if distinct == 1 and len(values) > 1:
            shown = _show(values.iloc[0])
            source.warnings.append(
                f"{col}{origin}: the same value ({shown}) in all {len(values):,} rows that "
                "have one; it cannot show a difference")
        elif kind == "category" and distinct > MANY_CATEGORIES:
            source.warnings.append(
                f"{col}{origin}: {distinct:,} distinct values in {len(values):,} rows; is it "
                "free text or an id? Charts and tests by it show the largest groups only")


def _show(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d %H:%M}"
    return _num(value) if isinstance(value, float | int | np.number) else str(value)


def check_order(df: pd.DataFrame, first: str, second: str, source: Source,
                what: tuple[str, str], fix: str) -> None:
    """``df[second]`` is never less than ``df[first]`` (missing values are not compared).

    Used for "resolved before created" (timestamps) and "numerator above
    denominator" (numbers); the offending pairs are quoted as ``second < first``.
    ``what`` words the problem for one row and for several rows.
    """
    if first not in df or second not in df:
        return
    bad = df[second] < df[first]
    if bad.any():
        rows = df.index[bad.to_numpy(dtype=bool)].tolist()
        n = len(rows)
        vals = [Plain(f"{_show(b)} < {first} {_show(a)}") for a, b in
                zip(df.loc[bad, first].head(5), df.loc[bad, second].head(5), strict=True)]
        raise source.error(f"{n:,} {'row' if n == 1 else 'rows'} {what[n != 1]}", second, rows,
                           values=vals, fix=fix)


def duplicated_ids(ids: pd.Series) -> pd.Series:
    """True for every row whose id occurs more than once (missing ids excluded)."""
    return ids.duplicated(keep=False) & ids.notna()


def check_duplicates(df: pd.DataFrame, column: str, source: Source, fix: str) -> None:
    """The id column holds each id once; names the repeated ids and their rows."""
    dup = duplicated_ids(df[column])
    if not dup.any():
        return
    sub = df.loc[dup, column]
    groups = pd.Series(sub.index, index=sub.index).groupby(sub.to_numpy(), sort=False)
    examples = []
    for ident, rows in list(groups)[:3]:
        rows_text = ", ".join(str(r) for r in rows.head(4))
        examples.append(f"{str(ident)!r} on rows {rows_text}")
    n_ids = sub.nunique()
    extra = f", and {n_ids - 3:,} more ids" if n_ids > 3 else ""
    raise source.error(
        f"{n_ids:,} {'id appears' if n_ids == 1 else 'ids appear'} more than once "
        f"({'; '.join(examples)}{extra})", column, sub.index.tolist(), fix=fix)


def check_weights(df: pd.DataFrame, source: Source, tolerance: float = 1e-3) -> None:
    """Standards' weights sum to 1 (± ``tolerance``)."""
    if "weight" not in df:
        return
    total = float(df["weight"].sum())
    if abs(total - 1.0) > tolerance:
        hint = " (percentages? give fractions: 0.2, not 20)" if total > 1.5 else ""
        raise source.error(
            f"the weights sum to {total:.4g}, not 1{hint}", "weight", df.index.tolist(),
            values=df["weight"].head(5).tolist(),
            fix="make the weights of all standards add up to 1 (e.g. 0.2 + 0.3 + 0.5)")
