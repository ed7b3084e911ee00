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

from .errors import MAX_SHOWN, DataError, format_rows, quote_value
from .mapping import DEFAULT_NA_VALUES
from .options import how_to_set

__all__ = ["EXCEL_SERIALS", "FALSE_VALUES", "PLAUSIBLE_YEARS", "TRUE_VALUES", "Source",
           "clean_text", "mask_na_like", "note_na_like_values", "parse_bool", "parse_datetime",
           "parse_number", "parse_text", "recode"]

TRUE_VALUES = ("true", "yes", "y", "t", "1", "1.0", "是")
FALSE_VALUES = ("false", "no", "n", "f", "0", "0.0", "否")
PLAUSIBLE_YEARS = (1970, 2100)  # dates before 1970-01-02 or from 2100 on are placeholders
#: Excel serial dates read as dates: 1970-01-01 (25569) to 2099-12-31 (73050).
EXCEL_SERIALS = (25569, 73051)
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
    #: per column, the second occurrence of local times that occur twice (clocks going back)
    repeated_times: dict[str, pd.Series] = field(default_factory=dict)

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


def clean_text(raw: pd.Series, na_values: Sequence[str] = ()) -> pd.Series:
    """Cells as trimmed text (``str`` dtype); empty cells and ``na_values`` -> missing.

    Parquet's typed columns become text too: whole floats lose their ``.0``
    (``1001.0`` -> ``"1001"``) and booleans become ``"true"``/``"false"``.

    >>> clean_text(pd.Series([" a ", "N/A", None, ""])).tolist()
    ['a', 'N/A', nan, nan]
    >>> clean_text(pd.Series([" a ", "N/A"]), na_values=["N/A"]).tolist()
    ['a', nan]
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


def _counted(values: pd.Series) -> str:
    """``'N/A' (38), 'NULL' (2)``: the distinct values of ``values``, most frequent first."""
    counts = values.value_counts()
    shown = ", ".join(f"{v!r} ({n:,})" for v, n in counts.head(4).items())
    return shown + (f" and {len(counts) - 4} more" if len(counts) > 4 else "")


def _yaml_list(values: Iterable[str]) -> str:
    """A YAML flow list of texts, each quoted (unquoted, YAML reads ``null`` as nothing)."""
    return "[" + ", ".join(repr(str(v)) for v in values) + "]"


def mask_na_like(text: pd.Series, column: str, source: Source | None,
                 na_values: Sequence[str] = ()) -> pd.Series:
    """A number, date or yes/no column's cleaned text with the NA-like texts
    (:data:`~pdcakit.data.mapping.DEFAULT_NA_VALUES`) made missing; a warning names the
    column, the count and the texts the mapping's ``na_values`` does not list.

    >>> src = Source("t.csv")
    >>> mask_na_like(pd.Series(["4", "N/A", "NULL"], dtype="str"), "csat", src).tolist()
    ['4', nan, nan]
    >>> src.warnings[0]
    "csat: 2 cells hold NA-like text, read as missing: 'N/A' (1), 'NULL' (1); to say so \
in the mapping, add na_values: ['N/A', 'NULL'] to the mapping YAML"
    """
    hit = text.isin(DEFAULT_NA_VALUES)
    if not hit.any():
        return text
    undeclared = hit & ~text.isin(na_values)
    if source is not None and undeclared.any():
        seen = text[undeclared]
        source.warnings.append(
            f"{column}: {_plural(int(undeclared.sum()), 'cell holds', 'cells hold')} NA-like "
            f"text, read as missing: {_counted(seen)}; to say so in the mapping, "
            + how_to_set("na_values", _yaml_list(pd.unique(seen)[:4])))
    return text.mask(hit)


def note_na_like_values(text: pd.Series, column: str, source: Source | None,
                        na_values: Sequence[str] = ()) -> None:
    """In an id, text or category column NA-like texts stay values (``NA`` may be North
    America); a warning says so, naming the column, the counts and how to make them
    missing.

    >>> src = Source("t.csv")
    >>> note_na_like_values(pd.Series(["NA", "EU", "NA"], dtype="str"), "site", src)
    >>> src.warnings[0]
    "site: 2 cells hold NA-like text, kept as values: 'NA' (2); if they mean 'no value', \
add na_values: ['NA'] to the mapping YAML"
    """
    if source is None:
        return
    hit = text.isin(DEFAULT_NA_VALUES) & ~text.isin(na_values)
    if hit.any():
        seen = text[hit]
        source.warnings.append(
            f"{column}: {_plural(int(hit.sum()), 'cell holds', 'cells hold')} NA-like text, "
            f"kept as values: {_counted(seen)}; if they mean 'no value', "
            + how_to_set("na_values", _yaml_list(pd.unique(seen)[:4])))


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


#: Control characters no person types into a cell (tab and line breaks are allowed).
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]"


def _has_control(text: pd.Series) -> np.ndarray:
    """True where a cell of ``text`` holds a control character (vectorised, Arrow)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(pa.array(text.astype("str").array, from_pandas=True),
                                   _CONTROL)
    return hit.to_numpy(zero_copy_only=False).astype(object) == True  # noqa: E712 (nulls)


def refuse_control_characters(text: pd.Series, column: str, source: Source | None,
                              bad: np.ndarray | None = None) -> None:
    """A DataError naming the column and rows whose cells hold a control character (a NUL
    byte, an escape ...), quoted visibly.

    Such a character is never typed by a person: it is what a damaged export or a wrong
    encoding leaves, so the text around it may be damaged too, and removing it would be a
    guess that can merge two values (``'Le\\x00eds'`` and ``'Leeds'``, ``'T\\x0012'`` and
    ``'T12'``). The reader stops rather than clean it: the fix says how to remove them.

    >>> refuse_control_characters(pd.Series(["Leeds", "Le\\x00eds"], index=[2, 3]), "site",
    ...                           Source("t.csv"))
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: t.csv, column 'site': 1 cell holds a control character \
(NUL) that no one types (row 3: 'Le\\x00eds'; spreadsheet rows, header = row 1). Fix: \
remove these characters in the export (Excel: =CLEAN(cell)) or export again; they are \
left by a damaged file or a wrong encoding, so check the values around them.
    """
    if source is None:
        return
    if bad is None:
        bad = _has_control(text)
    if not bad.any():
        return
    rows = text.index[bad].tolist()
    chars = sorted({c for v in text[bad].head(50) for c in str(v) if _is_control(c)})
    names = ", ".join(_CONTROL_NAMES.get(c, f"U+{ord(c):04X}") for c in chars[:4])
    c1 = any("\x80" <= c <= "\x9f" for c in chars)
    fix = ("remove these characters in the export (Excel: =CLEAN(cell)) or export again; "
           "they are left by a damaged file or a wrong encoding, so check the values around "
           "them")
    if c1:
        fix = ("characters U+0080 to U+009F are what a Windows (CP1252) file read as "
               "latin-1 gives: " + how_to_set("encoding", "cp1252") + "; otherwise " + fix)
    raise source.error(
        f"{_plural(len(rows), 'cell holds', 'cells hold')} a control character ({names}) "
        "that no one types", column, rows, values=text[bad].head(5).tolist(), fix=fix)


_CONTROL_NAMES = {"\x00": "NUL", "\x1b": "ESC", "\x7f": "DEL", "\x08": "backspace",
                  "\x0c": "form feed", "\x0b": "vertical tab"}


def _is_control(c: str) -> bool:
    return c not in "\t\n\r" and (c < " " or "\x7f" <= c <= "\x9f")


def parse_text(raw: pd.Series, column: str, source: Source | None,
               na_values: Sequence[str] = (),
               values: dict[str, str] | None = None, *, repeated: bool = True) -> pd.Series:
    """An id or category column: trimmed text (``str`` dtype), recoded by ``values``.

    Empty cells and ``na_values`` are missing; NA-like texts (``NA``, ``None``, ``null``
    ...) stay values, with a warning (see :func:`note_na_like_values`).

    A column of repeated values (a channel, a category) is cleaned once per
    distinct value and spread back by its codes: a million rows cost a handful of
    string operations.

    >>> parse_text(pd.Series([" chat", "web", "chat ", None] * 3), "channel", None).tolist()[:4]
    ['chat', 'web', 'chat', nan]
    """
    if not repeated:  # ids: every value distinct, nothing to share
        out = clean_text(raw, na_values)
        refuse_control_characters(out, column, source)
        note_na_like_values(out, column, source, na_values)
        return recode(out, values or {})
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if not len(uniques) or len(uniques) * 4 > len(raw):
        out = clean_text(raw, na_values)
        refuse_control_characters(out, column, source)
        note_na_like_values(out, column, source, na_values)
        return recode(out, values or {})
    cleaned = clean_text(pd.Series(uniques), na_values)
    if source is not None and (odd := _has_control(cleaned)).any():
        rows_bad = np.isin(codes, np.flatnonzero(odd))
        spread_raw = cleaned.take(np.where(codes < 0, 0, codes)).set_axis(raw.index)
        refuse_control_characters(spread_raw, column, source, rows_bad)
    if source is not None and cleaned.isin(DEFAULT_NA_VALUES).any():
        spread_clean = cleaned.take(np.where(codes < 0, 0, codes)).set_axis(raw.index)
        note_na_like_values(spread_clean.mask(codes < 0), column, source, na_values)
    cleaned = recode(cleaned, values or {})
    spread = cleaned.take(np.where(codes < 0, 0, codes)).set_axis(raw.index)
    return spread.mask(codes < 0)


def parse_number(raw: pd.Series, column: str, source: Source, *, decimal: str = ".",
                 na_values: Sequence[str] = (),
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
        text = mask_na_like(recode(clean_text(raw, na_values), values or {}), column, source,
                            na_values)
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
               na_values: Sequence[str] = (),
               values: dict[str, str] | None = None) -> pd.Series:
    """A yes/no column as pandas' nullable ``boolean`` (missing = <NA>).

    Accepted (case-insensitive): true/false, yes/no, y/n, t/f, 1/0, 是/否 and
    the mapping's ``true_values`` / ``false_values``.
    """
    if ptypes.is_bool_dtype(raw.dtype) and not values:
        return raw.astype("boolean")
    text = mask_na_like(recode(clean_text(raw, na_values), values or {}), column, source,
                        na_values).str.lower()
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
                   na_values: Sequence[str] = (),
                   values: dict[str, str] | None = None) -> pd.Series:
    """A timestamp column: ``datetime64[us]`` (missing = NaT), naive without ``timezone``,
    aware in ``timezone`` with it.

    The format is ``date_format`` or guessed from the first values (ISO 8601
    is always accepted, and a guessed ``%Y/%m/%d %H:%M`` also takes values
    with seconds or without a time). When the guess is month-first but only a
    day-first reading fits every value, the day-first reading is used and a
    warning is recorded. Numbers such as ``45292`` or ``45292.5`` (Excel serial dates
    of 1970-2099) are converted, with a warning. NA-like texts are missing, with a
    warning (see :func:`mask_na_like`). Dates before 1970-01-02 (the Unix epoch
    ``1970-01-01 00:00`` in any zone, ``1900-01-01``) or from 2100 on (``9999-12-31``) are
    placeholders: an error naming the rows and the ``na_values`` fix.

    Time zones: without ``timezone``, timestamps with a UTC offset are converted to UTC
    (with a warning) and made naive; naive ones are kept. With ``timezone``, naive
    timestamps are local times in that zone and offsets are converted into it; the
    result is time-zone-aware, so durations across a clock change are true. A local
    time that does not exist (skipped when the clocks went forward) is an error naming
    the rows; one that occurs twice (when they went back) is read as the first
    occurrence, with a warning (:func:`~pdcakit.data.load_tickets` takes the second
    where a ticket's order needs it). A column mixing timestamps with and without an
    offset is an error.
    """
    if ptypes.is_datetime64_any_dtype(raw.dtype):
        aware = isinstance(raw.dtype, pd.DatetimeTZDtype)
        return _zoned(raw, raw, column, source, timezone, aware=aware)
    if ptypes.is_numeric_dtype(raw.dtype) and not ptypes.is_bool_dtype(raw.dtype) \
            and raw.notna().any():
        present = raw.notna()
        serial = _excel_serials(raw.astype("float64"), present)
        if serial.all() or (serial | ~present).all():
            return _zoned(_from_serials(raw.astype("float64"), present, raw, column, source),
                          raw, column, source, timezone, aware=False)
        raise source.error(
            "holds numbers, not dates", column, _rows(present & ~serial),
            values=raw[present & ~serial].head(5).tolist(),
            fix="store the column as dates or as text like 2026-01-05 08:15 (Excel serial "
                f"dates {EXCEL_SERIALS[0]:,}-{EXCEL_SERIALS[1] - 1:,}, 1970-2099, are read; "
                "these numbers are outside them)")
    text = mask_na_like(recode(clean_text(raw, na_values), values or {}), column, source,
                        na_values)
    present = text.notna()
    if not present.any():
        out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
        return out.dt.tz_localize(timezone) if timezone else out
    numbers = present & text.str.fullmatch(r"\d{5}(?:\.\d+)?").fillna(False).astype(bool)
    if numbers.any():
        serial = _excel_serials(_to_float(text.where(numbers)), numbers)
        if serial.any():
            dates = _from_serials(_to_float(text.where(serial)), serial, raw, column, source)
            rest = text.mask(serial)
            if not rest.notna().any():
                return _zoned(dates, raw, column, source, timezone, aware=False)
            others = parse_datetime(rest, column, source, date_format=date_format,
                                    dayfirst=dayfirst, timezone=timezone, na_values=na_values)
            return others.mask(serial, _zoned(dates.where(serial), raw.where(serial), column,
                                              source, timezone, aware=False, warn=False))
    sample = text[present].head(20)
    utc = bool(_tz_aware(sample).any()) or "%z" in (date_format or "")
    if utc:  # offsets seen: every value needs one
        _check_tz_mix(raw, _tz_aware(text) & present, present, column, source)
    guessed = date_format is None
    fmt = date_format or _guess_format(sample.tolist(), dayfirst)
    if fmt is None:
        rows = _rows(present)
        holes = _placeholders(text[present])
        raise source.error(
            "the values do not look like dates", column, rows,
            values=raw[present].head(5).tolist(),
            fix=(_na_fix(holes) + "; otherwise " if holes else "")
            + how_to_set("date_format", "'%d.%m.%Y %H:%M'") + " (the export's format), "
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
        holes = _placeholders(text[failed])
        dates = how_to_set("date_format", "'%d/%m/%Y %H:%M'") + " matching these values; " \
            "for day-first dates " + how_to_set("dayfirst", "true")
        if holes and len(holes) == text[failed].nunique():   # only placeholders failed
            fix = _na_fix(holes) + " (or empty these cells)"
        elif holes:
            fix = _na_fix(holes) + "; for the other values, " + dates
        else:
            fix = dates + "; empty the cells that hold no date"
        raise source.error(
            f"{_plural(len(rows), 'value is not a date', 'values are not dates')} in the "
            f"format {shown} ({how})", column, rows, values=raw[failed].head(5).tolist(),
            fix=fix)
    note_date_only(text, present, column, source)
    return _zoned(parsed, raw, column, source, timezone, aware=utc)


def note_date_only(text: pd.Series, present: pd.Series, column: str, source: Source) -> None:
    """A column whose values carry a clock time but some only a date: those are read as
    00:00, so a duration from them is off by up to a day (a first response "0 minutes",
    inside any SLA). A warning names them; a column of dates only is a day-level export,
    said nowhere here.

    >>> src = Source("t.csv")
    >>> text = pd.Series(["2026-03-05 08:15", "2026-03-05", "2026-03-06 09:00"], index=[2, 3, 4])
    >>> note_date_only(text, text.notna(), "created_at", src)
    >>> src.warnings[0].split(":")[0:2]
    ['created_at', ' 1 value has a date but no time (row 3']
    """
    timed = present & text.str.contains(r"\d:\d", regex=True).fillna(False).astype(bool)
    dated = present & ~timed
    if not (timed.any() and dated.any()):
        return
    rows = _rows(dated)
    shown = format_rows(rows, text[dated].head(MAX_SHOWN).tolist(), source.header_row)
    source.warnings.append(
        f"{column}{source.label(column)}: {_plural(len(rows), 'value has', 'values have')} "
        "a date but no time "
        f"({shown}): read as 00:00, so durations from them are off by up to a day; export "
        "the time too, or empty these cells if it is not known")


def _placeholders(text: pd.Series) -> list[str]:
    """The distinct texts of ``text`` that hold no digit (``?``, ``-``, ``N/A``, ``TBD``):
    placeholders for "no date", most frequent first (at most 4).

    >>> _placeholders(pd.Series(["?", "2024-01-05", "?", "n.v."]))
    ['?', 'n.v.']
    """
    holes = text[~text.str.contains(r"\d", regex=True).fillna(True).astype(bool)]
    return [str(v) for v in holes.value_counts().index[:4]]


def _na_fix(holes: Sequence[str]) -> str:
    """``read them as missing: add na_values: ['?'] to the mapping YAML``."""
    shown = ", ".join(repr(h) for h in holes)
    return (f"{shown} {'means' if len(holes) == 1 else 'mean'} 'no date' here: read "
            f"{'it' if len(holes) == 1 else 'them'} as missing: "
            + how_to_set("na_values", _yaml_list(holes)))


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


def _excel_serials(numbers: pd.Series, present: pd.Series) -> pd.Series:
    """True where a present number is an Excel serial date of 1970-2099."""
    low, high = EXCEL_SERIALS
    return present & (numbers >= low) & (numbers < high)


def _from_serials(numbers: pd.Series, serial: pd.Series, raw: pd.Series, column: str,
                  source: Source) -> pd.Series:
    """Excel serial dates (days since 1899-12-30, the fraction the time of day) as naive
    timestamps rounded to the second, with a warning quoting one conversion."""
    days = numbers.where(serial)
    out = (pd.Timestamp("1899-12-30") + pd.to_timedelta(days * 86400.0, unit="s")).dt.round("s")
    out = out.astype("datetime64[us]")
    first = serial.to_numpy(dtype=bool).argmax()
    example, when = raw.iloc[first], out.iloc[first]
    shown = f"{when:%Y-%m-%d}" if when == when.normalize() else f"{when:%Y-%m-%d %H:%M:%S}"
    source.warnings.append(
        f"{column}: {_plural(int(serial.sum()), 'number was', 'numbers were')} read as Excel "
        f"serial dates (days since 1899-12-30): {str(example).strip()} = {shown}; to avoid "
        "this, format the column as dates in Excel before exporting (a workbook made on a "
        "Mac with the 1904 date system counts days from 1904-01-01: check one date)")
    return out


def _check_plausible(out: pd.Series, raw: pd.Series, column: str, source: Source) -> None:
    """Placeholder dates (the Unix epoch day, 1900-01-01, 9999-12-31 ...) are an error."""
    low, high = pd.Timestamp(PLAUSIBLE_YEARS[0], 1, 2), pd.Timestamp(PLAUSIBLE_YEARS[1], 1, 1)
    odd = (out < low) | (out >= high)
    if odd.any():
        rows = _rows(odd)
        shown = pd.unique(clean_text(raw[odd]).dropna())[:3]
        raise source.error(
            f"{_plural(len(rows), 'date lies', 'dates lie')} outside 1970-01-02 to "
            f"{PLAUSIBLE_YEARS[1] - 1}-12-31, which looks like a placeholder for 'no date'",
            column, rows, values=raw[odd].head(5).tolist(),
            fix="read them as missing: " + how_to_set("na_values", _yaml_list(shown))
                + "; or empty these cells when there is no date (e.g. a ticket not yet "
                "resolved), or check the date format")


def _zoned(parsed: pd.Series, raw: pd.Series, column: str, source: Source,
           timezone: str | None, *, aware: bool, warn: bool = True) -> pd.Series:
    """Parsed timestamps checked for placeholders, then: without ``timezone``, naive
    (offsets converted to UTC, with a warning); with it, aware in ``timezone`` (naive
    values localised: nonexistent local times an error, repeated ones the first
    occurrence, both named)."""
    wall = parsed.dt.tz_convert("UTC").dt.tz_localize(None) if aware else parsed
    _check_plausible(wall, raw, column, source)
    if timezone is None:
        if aware and warn:
            source.warnings.append(f"{column}: time-zone-aware timestamps were converted to "
                                   "UTC; for local time, "
                                   + how_to_set("timezone", "Europe/London"))
        return wall.astype("datetime64[us]")
    if aware:
        return parsed.dt.tz_convert(timezone).dt.as_unit("us")
    return _localize(wall.astype("datetime64[us]"), raw, column, source, timezone, warn)


def _localize(wall: pd.Series, raw: pd.Series, column: str, source: Source, timezone: str,
              warn: bool) -> pd.Series:
    n = len(wall)
    first = wall.dt.tz_localize(timezone, ambiguous=np.ones(n, dtype=bool), nonexistent="NaT")
    second = wall.dt.tz_localize(timezone, ambiguous=np.zeros(n, dtype=bool),
                                 nonexistent="NaT")
    present = wall.notna()
    missing = present & first.isna()
    if missing.any():
        rows = _rows(missing)
        raise source.error(
            f"{_plural(len(rows), 'local time does', 'local times do')} not exist in "
            f"{timezone}: the clocks went forward over them", column, rows,
            values=raw[missing].head(5).tolist(),
            fix="check the export's time zone: if it writes UTC, export with UTC offsets "
                "(or give no timezone); otherwise correct these cells")
    repeated = present & (first != second)
    if repeated.any():
        source.repeated_times[column] = second[repeated]
        if warn:
            rows = _rows(repeated)
            source.warnings.append(
                f"{column}: {_plural(len(rows), 'time falls', 'times fall')} in the hour "
                f"that occurs twice in {timezone} when the clocks go back (e.g. row {rows[0]}: "
                f"{quote_value(raw[repeated].iloc[0])}); read as the first occurrence (summer "
                "time) unless a ticket's order needs the second; export with UTC offsets to "
                "remove the doubt")
    return first
