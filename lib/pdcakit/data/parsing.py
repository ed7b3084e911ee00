"""Turn raw cells into typed columns, reporting every cell that does not parse.

Each parser takes one raw column (strings from CSV/Excel, or Parquet's own
types) whose index holds spreadsheet row numbers, and returns the typed
column with the same index, or raises :class:`~pdcakit.data.DataError`
naming the rows and values it could not read. All work is vectorised.

Example
-------
>>> import pandas as pd
>>> src = Source("t.csv")
>>> raw = pd.Series(["yes", "否", "", "1"], index=[2, 3, 4, 5], dtype="str")
>>> parse_bool(raw, "complaint", src).tolist()
[True, False, <NA>, True]
>>> parse_number(pd.Series(["8,5", "x"], index=[2, 3]), "csat", src, decimal=",")
Traceback (most recent call last):
...
pdcakit.data.errors.DataError: t.csv, column 'csat': 1 value is not a number \
(row 3: 'x'; spreadsheet rows, header = row 1). Fix: correct or empty these cells; \
numbers use '.' for decimals (for 8,5 add decimal: ',' to the mapping YAML) and no units or \
thousands separators.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from .errors import DataError
from .mapping import DEFAULT_NA_VALUES
from .options import how_to_set

__all__ = ["FALSE_VALUES", "PLAUSIBLE_YEARS", "TRUE_VALUES", "Source", "clean_text",
           "parse_bool", "parse_datetime", "parse_number", "parse_text", "recode"]

TRUE_VALUES = ("true", "yes", "y", "t", "1", "1.0", "是")
FALSE_VALUES = ("false", "no", "n", "f", "0", "0.0", "否")
PLAUSIBLE_YEARS = (1970, 2100)  # timestamps outside [1970, 2100) are placeholders
# a time followed by Z, UTC, GMT or a +hh:mm / -hhmm / +hh offset
_TZ_SUFFIX = r":\d\d(?:[.,]\d+)?\s*(?:Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$"


@dataclass
class Source:
    """Where the values come from, for error messages; collects warnings.

    ``names`` maps canonical column names to the file's column names.
    """

    file: str
    header_row: int = 1
    names: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def label(self, column: str) -> str:
        """``" (column 'Opened' in the file)"`` when the file names it differently."""
        src = self.names.get(column)
        return f" (column {src!r} in the file)" if src and src != column else ""

    def error(self, problem: str, column: str | None = None, rows: Iterable[int] | None = None,
              fix: str | None = None, values: Iterable[object] | None = None) -> DataError:
        """A :class:`DataError` located in this source."""
        where = self.label(column) if column else ""
        return DataError(problem + where, file=self.file, column=column, rows=rows, fix=fix,
                         values=values, header_row=self.header_row)


def _rows(mask: pd.Series) -> list[int]:
    return mask.index[mask.to_numpy(dtype=bool)].tolist()


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def clean_text(raw: pd.Series, na_values: Sequence[str] = DEFAULT_NA_VALUES) -> pd.Series:
    """Cells as trimmed text (``str`` dtype); empty cells and ``na_values`` -> missing.

    Parquet's typed columns become text too: whole floats lose their ``.0``
    (``1001.0`` -> ``"1001"``) and booleans become ``"true"``/``"false"``.

    >>> clean_text(pd.Series([" a ", "N/A", None, ""])).tolist()
    ['a', nan, nan, nan]
    >>> clean_text(pd.Series([1001.0, 2.5, None])).tolist()
    ['1001', '2.5', nan]
    """
    s = raw
    if ptypes.is_bool_dtype(s.dtype):
        s = s.astype("boolean").map({True: "true", False: "false"}, na_action="ignore")
    elif ptypes.is_float_dtype(s.dtype):
        v = s.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(v) & (np.mod(v, 1) == 0) & (np.abs(v) < 1e15)
        text = s.astype("str")
        s = text.mask(whole, pd.Series(v, index=s.index).where(whole).astype("Int64")
                      .astype("str"))
    if not ptypes.is_string_dtype(s.dtype) or s.dtype == object:
        s = s.astype("str")
    s = s.str.strip()
    return s.mask(s.isin(["", *na_values]))


def recode(text: pd.Series, table: dict[str, str]) -> pd.Series:
    """Replace whole cell values by ``table`` (unlisted values are kept).

    >>> recode(pd.Series(["电话", "x", None], dtype="str"), {"电话": "phone"}).tolist()
    ['phone', 'x', nan]
    """
    if not table:
        return text
    keys = pd.Index(list(table), dtype="str")
    codes = keys.get_indexer(text)
    hit = codes >= 0
    if not hit.any():
        return text
    new = np.asarray(list(table.values()), dtype=object)[np.where(hit, codes, 0)]
    return text.mask(hit, pd.Series(new, index=text.index, dtype="str"))


def parse_text(raw: pd.Series, column: str, source: Source,
               na_values: Sequence[str] = DEFAULT_NA_VALUES,
               values: dict[str, str] | None = None, *, repeated: bool = True) -> pd.Series:
    """An id or category column: trimmed text (``str`` dtype), recoded by ``values``.

    A column of repeated values (a channel, a category) is cleaned once per
    distinct value and spread back by its codes: a million rows cost a handful of
    string operations.

    >>> parse_text(pd.Series([" chat", "web", "chat ", None] * 3), "channel", None).tolist()[:4]
    ['chat', 'web', 'chat', nan]
    """
    if not repeated:  # ids: every value distinct, nothing to share
        return recode(clean_text(raw, na_values), values or {})
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if not len(uniques) or len(uniques) * 4 > len(raw):
        return recode(clean_text(raw, na_values), values or {})
    cleaned = recode(clean_text(pd.Series(uniques), na_values), values or {})
    spread = cleaned.take(np.where(codes < 0, 0, codes)).set_axis(raw.index)
    return spread.mask(codes < 0)


def parse_number(raw: pd.Series, column: str, source: Source, *, decimal: str = ".",
                 na_values: Sequence[str] = DEFAULT_NA_VALUES,
                 values: dict[str, str] | None = None) -> pd.Series:
    """A numeric column as float64 (missing = NaN); text that is not a number is an error.

    Durations (a Parquet ``timedelta`` column) become minutes.
    """
    if ptypes.is_timedelta64_dtype(raw.dtype):
        return raw.dt.total_seconds().astype("float64") / 60.0
    if ptypes.is_numeric_dtype(raw.dtype) and not ptypes.is_bool_dtype(raw.dtype) \
            and not values:
        out = raw.astype("float64")
        present = raw.notna()
    else:
        text = recode(clean_text(raw, na_values), values or {})
        present = text.notna()
        if decimal != ".":
            text = text.str.replace(decimal, ".", regex=False)
        out = _to_float(text)
    bad = present & ~np.isfinite(out.fillna(0.0))
    bad |= present & out.isna()
    if bad.any():
        rows = _rows(bad)
        raise source.error(
            f"{_plural(len(rows), 'value is', 'values are')} not a number", column, rows,
            values=raw[bad].head(5).tolist(),
            fix="correct or empty these cells; numbers use '.' for decimals (for 8,5 "
                + how_to_set("decimal", "','") + ") and no units or thousands separators")
    return out


def _to_float(text: pd.Series) -> pd.Series:
    """Text to float64: Arrow's cast when every value is a number, else pandas (NaN = bad)."""
    import pyarrow as pa

    try:
        arr = pa.array(text.array, from_pandas=True).cast(pa.float64())
        values = arr.to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64",
                                                               na_value=np.nan)
    return pd.Series(values, index=text.index, dtype="float64")


def parse_bool(raw: pd.Series, column: str, source: Source, *,
               true_values: Iterable[str] = (), false_values: Iterable[str] = (),
               na_values: Sequence[str] = DEFAULT_NA_VALUES,
               values: dict[str, str] | None = None) -> pd.Series:
    """A yes/no column as pandas' nullable ``boolean`` (missing = <NA>).

    Accepted (case-insensitive): true/false, yes/no, y/n, t/f, 1/0, 是/否 and
    the mapping's ``true_values`` / ``false_values``.
    """
    if ptypes.is_bool_dtype(raw.dtype) and not values:
        return raw.astype("boolean")
    text = recode(clean_text(raw, na_values), values or {}).str.lower()
    truthy = {*TRUE_VALUES, *(str(v).strip().lower() for v in true_values)}
    falsy = {*FALSE_VALUES, *(str(v).strip().lower() for v in false_values)}
    is_true = text.isin(truthy).to_numpy(dtype=bool)
    is_false = text.isin(falsy).to_numpy(dtype=bool) & ~is_true
    present = text.notna().to_numpy(dtype=bool)
    bad = present & ~is_true & ~is_false
    if bad.any():
        rows = raw.index[bad].tolist()
        odd = pd.unique(text[bad])[:5]
        raise source.error(
            f"{_plural(len(rows), 'value is', 'values are')} neither yes nor no "
            f"(e.g. {', '.join(repr(v) for v in odd)})", column, rows,
            values=raw[bad].head(5).tolist(),
            fix="add these spellings to the mapping's true_values / false_values "
                "(e.g. true_values: [Ja]), or empty cells whose answer is unknown")
    out = np.full(len(text), pd.NA, dtype=object)
    out[is_true] = True
    out[is_false] = False
    return pd.Series(out, index=raw.index, dtype="boolean")


# -- dates -------------------------------------------------------------------------------

def _guess_format(sample: Sequence[str], dayfirst: bool) -> str | None:
    from pandas.tseries.api import guess_datetime_format

    guesses: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for v in sample:
            g = guess_datetime_format(v)
            if g is not None and dayfirst and not g.startswith("%Y"):
                g = guess_datetime_format(v, dayfirst=True) or g
            if g is not None:
                guesses.append(g)
    if not guesses:
        return None
    fmt = max(guesses, key=guesses.count)       # most common; ties: the earliest value's
    if fmt.startswith("%Y-%m-%d"):
        return "ISO8601"                   # also takes date-only, T, fractions, offsets
    return fmt


def _variants(fmt: str) -> list[str]:
    """Close relatives of a format: with/without seconds, date only, ISO 8601."""
    out = []
    if fmt.endswith("%H:%M"):
        out.append(fmt + ":%S")
    if fmt.endswith(":%S"):
        out.append(fmt[:-3])
    m = re.search(r"[ T]%H", fmt)
    if m:
        out.append(fmt[: m.start()])
    out.append("ISO8601")
    return [f for f in out if f != fmt]


def _swap_day_month(fmt: str) -> str | None:
    if "%d" not in fmt or "%m" not in fmt or fmt.startswith("%Y"):
        return None
    return fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")


def _to_datetime(text: pd.Series, fmt: str, utc: bool) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = pd.to_datetime(text, format=fmt, errors="coerce", utc=utc)
        except (ValueError, TypeError, OverflowError):
            out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]" if utc
                            else "datetime64[us]")
    if not ptypes.is_datetime64_any_dtype(out.dtype) or (
            not utc and isinstance(out.dtype, pd.DatetimeTZDtype)):
        out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us, UTC]" if utc
                        else "datetime64[us]")
    return out


def _parse_with(text: pd.Series, present: pd.Series, fmt: str, utc: bool,
                fallbacks: bool) -> pd.Series:
    parsed = _to_datetime(text, fmt, utc)
    if fallbacks:
        for alt in _variants(fmt):
            failed = present & parsed.isna()
            if not failed.any():
                break
            again = _to_datetime(text[failed], alt, utc)
            parsed = parsed.mask(failed, again.reindex(parsed.index))
    return parsed


def parse_datetime(raw: pd.Series, column: str, source: Source, *,
                   date_format: str | None = None, dayfirst: bool = False,
                   timezone: str | None = None,
                   na_values: Sequence[str] = DEFAULT_NA_VALUES,
                   values: dict[str, str] | None = None) -> pd.Series:
    """A timestamp column as naive ``datetime64[us]`` (missing = NaT).

    The format is ``date_format`` or guessed from the first values (ISO 8601
    is always accepted, and a guessed ``%Y/%m/%d %H:%M`` also takes values
    with seconds or without a time). When the guess is month-first but only a
    day-first reading fits every value, the day-first reading is used and a
    warning is recorded. Timestamps with a UTC offset are converted to
    ``timezone`` (UTC when None) and made naive; a column mixing timestamps
    with and without an offset is an error.
    """
    if ptypes.is_datetime64_any_dtype(raw.dtype):
        aware = isinstance(raw.dtype, pd.DatetimeTZDtype)
        return _naive(raw, raw, column, source, timezone, aware=aware)
    if ptypes.is_numeric_dtype(raw.dtype) and not ptypes.is_bool_dtype(raw.dtype) \
            and raw.notna().any():
        present = raw.notna()
        raise source.error(
            "holds numbers, not dates", column, _rows(present),
            values=raw[present].head(5).tolist(),
            fix="store the column as dates or as text like 2026-01-05 08:15 (numbers such "
                "as 46027.3 are Excel date serials: format the column as a date first)")
    text = recode(clean_text(raw, na_values), values or {})
    present = text.notna()
    if not present.any():
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    sample = text[present].head(20)
    utc = bool(_tz_aware(sample).any()) or "%z" in (date_format or "")
    if utc:  # offsets seen: every value needs one
        _check_tz_mix(raw, _tz_aware(text) & present, present, column, source)
    guessed = date_format is None
    fmt = date_format or _guess_format(sample.tolist(), dayfirst)
    if fmt is None:
        rows = _rows(present)
        raise source.error(
            "the values do not look like dates", column, rows,
            values=raw[present].head(5).tolist(),
            fix=how_to_set("date_format", "'%d.%m.%Y %H:%M'") + " (the export's format), "
                "or check that this is the right column")
    parsed = _parse_with(text, present, fmt, utc, fallbacks=fmt not in ("mixed",))
    failed = present & parsed.isna()
    if failed.any() and not utc:  # an offset among local times?
        aware = _tz_aware(text[failed]).reindex(text.index, fill_value=False)
        if aware.any():
            _check_tz_mix(raw, aware, present, column, source)
    if failed.any() and guessed and (swapped := _swap_day_month(fmt)):
        alt = _parse_with(text, present, swapped, utc, fallbacks=True)
        if not (present & alt.isna()).any():
            first = raw[failed].iloc[0]
            source.warnings.append(
                f"{column}: read as day-first ({swapped}) because values such as "
                f"{first!r} cannot be month-first; to be explicit, "
                + how_to_set("date_format", repr(swapped)))
            parsed, failed = alt, present & alt.isna()
    elif not failed.any() and guessed and not dayfirst and (swapped := _swap_day_month(fmt)):
        alt = _parse_with(text, present, swapped, utc, fallbacks=True)
        if not (present & alt.isna()).any() and not alt.equals(parsed):
            source.warnings.append(
                f"{column}: dates such as {raw[present].iloc[0]!r} were read as {fmt}, but "
                f"every value also fits {swapped}; if that is the export's format, "
                + how_to_set("dayfirst", "true") + f" (or date_format: {swapped!r})")
    if failed.any():
        rows = _rows(failed)
        shown = "ISO 8601" if fmt == "ISO8601" else fmt
        how = "guessed from the first values" if guessed else "given"
        raise source.error(
            f"{_plural(len(rows), 'value is not a date', 'values are not dates')} in the "
            f"format {shown} ({how})", column, rows, values=raw[failed].head(5).tolist(),
            fix=how_to_set("date_format", "'%d/%m/%Y %H:%M'") + " matching these values; "
                "for day-first dates " + how_to_set("dayfirst", "true")
                + "; empty the cells that hold no date")
    return _naive(parsed, raw, column, source, timezone, aware=utc)


def _check_tz_mix(raw: pd.Series, aware: pd.Series, present: pd.Series, column: str,
                  source: Source) -> None:
    """Raise when some but not all present values carry a UTC offset."""
    n_aware, n_present = int(aware.sum()), int(present.sum())
    if 0 < n_aware < n_present:
        naive = present & ~aware
        minority = aware if n_aware <= n_present - n_aware else naive
        kind = "with" if minority is aware else "without"
        raise source.error(
            f"mixes timestamps with a UTC offset ({n_aware:,}) and without one "
            f"({n_present - n_aware:,}); listed: those {kind} an offset", column,
            _rows(minority), values=raw[minority].head(5).tolist(),
            fix="export every timestamp the same way (all with an offset, or all in local "
                "time): the zone of the ones without an offset cannot be known")


def _tz_aware(text: pd.Series) -> pd.Series:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.astype("str").array, from_pandas=True)
    hit = pc.match_substring_regex(arr, _TZ_SUFFIX)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=text.index).fillna(False) \
        .astype(bool)


def _check_plausible(out: pd.Series, raw: pd.Series, column: str, source: Source) -> None:
    low, high = (pd.Timestamp(PLAUSIBLE_YEARS[0], 1, 1), pd.Timestamp(PLAUSIBLE_YEARS[1], 1, 1))
    odd = (out < low) | (out >= high)
    if odd.any():
        rows = _rows(odd)
        raise source.error(
            f"{_plural(len(rows), 'date lies', 'dates lie')} outside {PLAUSIBLE_YEARS[0]}–"
            f"{PLAUSIBLE_YEARS[1] - 1}, which looks like a placeholder", column, rows,
            values=raw[odd].head(5).tolist(),
            fix="empty these cells when there is no date (e.g. a ticket not yet resolved), "
                "or check the date format")


def _naive(parsed: pd.Series, raw: pd.Series, column: str, source: Source, timezone: str | None,
           *, aware: bool) -> pd.Series:
    """Time-zone-aware timestamps to naive ones in ``timezone`` (UTC if none, with a
    warning), as datetime64[us], checked for plausible dates."""
    if aware:
        parsed = parsed.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
        if timezone is None:
            source.warnings.append(f"{column}: time-zone-aware timestamps were converted to "
                                   "UTC; for local time, "
                                   + how_to_set("timezone", "Europe/London"))
    out = parsed.astype("datetime64[us]")
    _check_plausible(out, raw, column, source)
    return out
