"""Raw reading of service exports: CSV / TSV / TXT (also gzipped), Parquet, Excel.

:func:`read_table` returns the cells as the file holds them: text files and
Excel sheets as strings (empty cell = missing), Parquet with its own types.
Parsing and validation happen later (:mod:`pdcakit.data.parsing`), so that
every problem can be reported with its row.

The returned frame's index is the spreadsheet row number of each record
(named ``"row"``): the header is row 1, or the row it was found on when title
rows sit above it, so the first data row is the header row + 1. Blank rows are
dropped but keep the numbering.

The file type is recognised from its first bytes (the extension is only a
hint). Text encodings: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's
"Unicode text"), and GB18030 (Chinese-locale Excel); anything else needs
``encoding=``. The delimiter is sniffed among ``,`` ``;`` tab and ``|``.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import math
import os
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError
from .inputs import input_label, resolve_input
from .names import dedupe_names, describe_columns, normalize_name
from .options import how_to_set

__all__ = ["DELIMITERS", "check_input_file", "find_header", "read_table", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
SNIFF_CHARS = 1 << 16      # text sample for the delimiter and header detection
HEADER_SCAN = 30           # rows searched for the header
_GB_CODECS = ("gb18030", "gbk", "gb2312")
_TEXT_FIX_ENCODING = ("name the encoding: " + how_to_set("encoding", "cp1252")
                      + " (or latin-1), or save the file as 'CSV UTF-8' from Excel")


def read_table(path: str | os.PathLike[str], *, sheet: str | int | None = None,
               encoding: str | None = None, delimiter: str | None = None,
               header_row: int | None = None,
               expect: Collection[str] | None = None) -> pd.DataFrame:
    """Read a CSV, TSV, TXT, .csv.gz, Parquet or Excel file as raw cells.

    Parameters
    ----------
    path : str or path-like
        The export.
    sheet : str or int, optional
        Excel sheet name or 0-based position (default: the first sheet).
    encoding : str, optional
        Text encoding; detected when omitted (UTF-8, UTF-8 with BOM, UTF-16
        with BOM, GB18030).
    delimiter : str, optional
        Field separator of a text file; sniffed among ``, ; \\t |`` when omitted.
    header_row : int, optional
        Spreadsheet row (1-based) holding the column names. When omitted it is
        found: the first of the top 30 rows that holds the most of ``expect``,
        or, without ``expect``, the first row filled like a header (title rows
        with one or two cells above it are skipped).
    expect : collection of str, optional
        Column names the header should contain (mapped or required names).

    Returns
    -------
    pandas.DataFrame
        Text and Excel cells as strings (``str`` dtype, missing = NaN),
        Parquet columns with their stored types. The index (``"row"``) holds
        spreadsheet row numbers. ``attrs`` records ``source``, ``format``,
        ``header_row``, and for text files ``encoding`` and ``delimiter``.

    Raises
    ------
    DataError
        Missing, empty or header-only file; unknown encoding; rows with a
        different number of fields than the header; unknown sheet.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id;created_at\\nT1;2026-01-05 08:00\\n", encoding="utf-8")
    >>> df = read_table(p)
    >>> list(df.columns), list(df.index), df.attrs["delimiter"]
    (['id', 'created_at'], [2], ';')
    """
    name = input_label(path)
    p = check_input_file(path)
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise DataError(f"header_row must be a spreadsheet row number (1, 2, ...), "
                        f"got {header_row!r}", file=name,
                        fix=how_to_set("header_row", "1") + " (or more)")
    with open(p, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise DataError("the file is empty (0 bytes)", file=name,
                        fix="export again; the download or copy may have failed")
    if head.startswith(b"PAR1"):
        df = _read_parquet(p, name)
    elif head.startswith(b"PK\x03\x04"):
        df = _read_xlsx(p, name, sheet, header_row, expect)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        df = _read_xls(p, name, sheet, header_row, expect)
    else:
        raw = p.read_bytes()
        if head.startswith(b"\x1f\x8b"):
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError) as exc:
                raise DataError(f"cannot decompress the gzip file ({exc})", file=name,
                                fix="download the export again") from exc
        df = _read_text(raw, name, encoding, delimiter, header_row, expect,
                        tsv=p.name.lower().endswith((".tsv", ".tsv.gz", ".tab")))
    df.attrs["source"] = name
    return df


def check_input_file(path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """The input's resolved path (see :func:`~pdcakit.data.resolve_input`), checked to be an
    existing regular file; else a :class:`DataError` naming it and the fix.

    >>> check_input_file("no/such/export.csv")
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: no/such/export.csv: file not found. Fix: check the path \
(relative paths start at ...); demo:tickets.csv names the bundled demo export.
    """
    name = input_label(path)
    p = resolve_input(path, base=base)
    if not p.exists():
        start = Path.cwd() if base is None else base
        raise DataError("file not found", file=name,
                        fix=f"check the path (relative paths start at {start}); "
                            "demo:tickets.csv names the bundled demo export")
    if p.is_dir():
        raise DataError("is a folder, not a file", file=name, fix="give the export file itself")
    if not p.is_file():
        raise DataError("is not a regular file (a device, pipe or socket)", file=name,
                        fix="give the export file itself (copy a stream to a file first)")
    return p


# -- text --------------------------------------------------------------------------------

def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str, bytes]:
    """Return (encoding used, decoded text, UTF-8 bytes for the parser)."""
    if encoding is not None:
        try:
            enc = codecs.lookup(encoding).name
        except LookupError as exc:
            raise DataError(f"unknown encoding {encoding!r}", file=name,
                            fix="use a Python codec name such as utf-8, gb18030 or cp1252: "
                                + how_to_set("encoding", "cp1252")) from exc
        if raw.startswith(codecs.BOM_UTF8) and enc in ("utf-8", "utf-8-sig", *_GB_CODECS):
            enc = "utf-8-sig"          # a BOM says UTF-8, whatever a preset expected
        candidates = [enc]
        if enc in _GB_CODECS and not raw.isascii():
            candidates = ["utf-8", enc]  # re-saved as "CSV UTF-8"? (never valid by chance)
    elif raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        if enc == "utf-8":
            return enc, text, raw
        if enc == "utf-8-sig":
            return enc, text, raw[len(codecs.BOM_UTF8):]
        return enc, text, text.encode("utf-8")
    line = raw[: last.start].count(b"\n") + 1
    tried = " or ".join(candidates)
    raise DataError(f"cannot read the text as {tried} (undecodable byte "
                    f"{raw[last.start:last.start + 1]!r} on line {line})",
                    file=name, fix=_TEXT_FIX_ENCODING)


def _sample_records(sample: str, delimiter: str, complete: bool) -> list[list[str]]:
    lines = sample.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]            # the sample may cut the last line
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        return [line.rstrip("\r\n").split(delimiter) for line in lines]


def sniff_delimiter(sample: str, complete: bool = True, default: str = ",",
                    expect: Collection[str] | None = None) -> str:
    """The delimiter among ``, ; \\t |`` that splits the sample best.

    With ``expect`` (column names the header should hold), the delimiter that
    splits a header row into the most of those names wins, then the one giving
    the most rows as wide as that header. Otherwise each candidate splits the
    rows (quotes respected) and the winner has the most rows sharing one field
    count (above 1), then the most fields; ``default`` when nothing splits.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    >>> sniff_delimiter("just one column\\nvalue\\n")
    ','
    >>> sniff_delimiter("id\\nx;y\\nz;w\\n", expect=["id"])   # one column holding ';'
    ','
    """
    want = {normalize_name(e) for e in expect or ()}
    best: tuple[int, int, int] = (0, 0, 0)
    choice = default
    for d in DELIMITERS:
        records = _sample_records(sample, d, complete)[:200]
        counts = [len(r) for r in records if r]
        if not counts:
            continue
        hits = [len(want & {normalize_name(c) for c in r}) for r in records[:HEADER_SCAN]]
        if want and max(hits) > 0:
            h = hits.index(max(hits))
            width = len(records[h])
            score = (max(hits), sum(len(r) == width for r in records[h:]), width)
        else:
            values, freq = np.unique(counts, return_counts=True)
            order = np.lexsort((values, freq))      # most frequent, then widest
            mode, n = int(values[order[-1]]), int(freq[order[-1]])
            score = (0, n, mode) if mode > 1 else (0, 0, 0)
        if score > best:
            best, choice = score, d
    return choice


def find_header(records: Sequence[Sequence[Any]], expect: Collection[str] | None = None) -> int:
    """0-based position of the header among the first rows of a sheet.

    With ``expect``: the first row holding the most expected names (compared
    case-insensitively). Otherwise, or when no row holds any: the first row
    filled like a header (at least 60% of the widest row's non-empty cells and
    at least two), which skips title rows above a table.

    >>> find_header([["Ticket export"], [], ["id", "created_at"], ["T1", "x"]])
    2
    >>> find_header([["id", "x"], ["T1", "y"]], expect=["id"])
    0
    """
    rows = [["" if c is None else str(c).strip() for c in r] for r in records[:HEADER_SCAN]]
    if not rows:
        return 0
    if expect:
        want = {normalize_name(e) for e in expect}
        scores = [len(want & {normalize_name(c) for c in r if c}) for r in rows]
        if max(scores) > 0:
            return scores.index(max(scores))
    filled = [sum(1 for c in r if c) for r in rows]
    widest = max(filled)
    if widest <= 1:
        return next((i for i, f in enumerate(filled) if f), 0)
    need = max(2, math.ceil(0.6 * widest))
    return next(i for i, f in enumerate(filled) if f >= need)


def _read_text(raw: bytes, name: str, encoding: str | None, delimiter: str | None,
               header_row: int | None, expect: Collection[str] | None,
               tsv: bool) -> pd.DataFrame:
    enc, text, data = _decode(raw, name, encoding)
    notes = []
    if encoding is not None and codecs.lookup(encoding).name != enc.replace("-sig", ""):
        notes.append(f"read as {enc}, not the given encoding {encoding!r}: the file is "
                     "valid UTF-8" + (" with a BOM" if enc == "utf-8-sig" else ""))
    complete = len(text) <= SNIFF_CHARS
    sample = text[:SNIFF_CHARS]
    if not sample.strip() and (complete or text.isspace()):
        raise DataError("the file is empty (no text)", file=name,
                        fix="export again; the download or copy may have failed")
    del text
    if delimiter is None:
        delimiter = sniff_delimiter(sample, complete, default="\t" if tsv else ",",
                                    expect=expect)
    elif len(delimiter) != 1:
        raise DataError(f"the delimiter must be one character, got {delimiter!r}", file=name,
                        fix=how_to_set("delimiter", "';'") + " (one of , ; \\t |)")
    records = _sample_records(sample, delimiter, complete)
    h = header_row - 1 if header_row is not None else find_header(records, expect)
    if h >= len(records) or not any((c or "").strip() for c in records[h]):
        raise DataError(f"no header on row {h + 1}", file=name,
                        fix=how_to_set("header_row", "N") + ", N = the spreadsheet row "
                            "holding the column names")
    names = dedupe_names(records[h])
    df = None
    if all(records[: h + 1]):   # no blank line above the header (Arrow would not count it)
        df = _read_arrow(data, names, delimiter, h)
    if df is None:  # blank or ragged rows, or an Arrow parse error: exact, slower
        df = _read_python_csv(data, name, names, delimiter, h)
    df = _finish(df, name, h + 1)
    df.attrs.update(format="text", encoding=enc, delimiter=delimiter, warnings=notes)
    return df


def _read_arrow(data: bytes, names: list[str], delimiter: str, h: int) -> pd.DataFrame | None:
    """Fast path: pyarrow, every column as string. None when a row is irregular."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    irregular = []

    def on_invalid(row: Any) -> str:
        irregular.append(row)
        return "skip"

    end = len(data)             # trailing line breaks are not blank rows
    while end and data[end - 1] in b"\r\n":
        end -= 1
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data).slice(0, end),
            read_options=pacsv.ReadOptions(skip_rows=h + 1, column_names=names,
                                           block_size=1 << 24),
            # a blank line is an irregular row here, so the exact path keeps numbering
            parse_options=pacsv.ParseOptions(delimiter=delimiter,
                                             newlines_in_values=b'"' in data,
                                             ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    if irregular:
        return None
    df = table.to_pandas()
    df = df.astype(dict.fromkeys(df.columns, "str"))
    df.index = pd.RangeIndex(h + 2, h + 2 + len(df), name="row")
    return df


def _read_python_csv(data: bytes, name: str, names: list[str], delimiter: str,
                     h: int) -> pd.DataFrame:
    """Exact path with the csv module: keeps blank rows' numbering, reports ragged rows."""
    text = data.decode("utf-8", errors="replace")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise DataError(f"cannot split the text into fields ({exc})", file=name,
                        fix="check the quoting of values that contain quotes or line breaks",
                        header_row=h + 1) from exc
    body = records[h + 1:]
    width = len(names)
    lengths = np.fromiter((len(r) for r in body), dtype=np.int64, count=len(body))
    rownum = np.arange(h + 2, h + 2 + len(body))
    bad = (lengths != width) & (lengths > 0)
    if bad.any():
        # a trailing run of empty fields beyond the header is harmless (Excel pads rows)
        idx = np.flatnonzero(bad)
        really = [i for i in idx if len(body[i]) < width or any(c.strip() for c in body[i][width:])]
        if really:
            counts = [f"{len(body[i])} fields" for i in really[:5]]
            raise DataError(
                f"{len(really):,} {'row has' if len(really) == 1 else 'rows have'} a "
                f"different number of fields than the header "
                f"({width}, split on {delimiter!r})",
                file=name, rows=rownum[really].tolist(), values=counts, header_row=h + 1,
                fix="a value probably contains the delimiter without quotes, or a row was cut "
                    "short; quote such values or export again (or "
                    + how_to_set("delimiter", "';'") + ")")
    keep = lengths > 0
    rows = [(r + [""] * width)[:width] for r, k in zip(body, keep, strict=True) if k]
    df = pd.DataFrame(rows, columns=names, dtype="str") if rows else \
        pd.DataFrame({n: pd.Series([], dtype="str") for n in names})
    df = df.mask(df == "")
    df.index = pd.Index(rownum[keep], name="row")
    return df


def _finish(df: pd.DataFrame, name: str, header_row: int) -> pd.DataFrame:
    """Drop blank rows and unnamed empty columns; refuse a header-only file."""
    n_records = len(df)
    df = df.dropna(how="all")
    empty_unnamed = [c for c in df.columns if c.startswith("Unnamed: ") and df[c].isna().all()]
    if empty_unnamed:
        df = df.drop(columns=empty_unnamed)
    if df.empty:
        what = "has a header but no data rows" if n_records == 0 else \
            f"has a header but its {n_records} data rows are blank"
        raise DataError(f"{what} (columns: {describe_columns(list(df.columns), 10)})",
                        file=name, header_row=header_row,
                        fix="export again including the data, or check that the export's "
                            "filter did not exclude every row")
    df.attrs["header_row"] = header_row
    return df


# -- Excel -------------------------------------------------------------------------------

def _cell_text(value: Any) -> str | None:
    """An Excel cell as text: numbers without a spurious '.0', dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return repr(value.total_seconds() / 60)  # durations as minutes
    return str(value)


def _frame_from_rows(rows: list[tuple[Any, ...]], name: str, header_row: int | None,
                     expect: Collection[str] | None) -> pd.DataFrame:
    text_rows = [[_cell_text(v) for v in r] for r in rows]
    if not any(any(c is not None and c.strip() for c in r) for r in text_rows):
        raise DataError("the sheet is empty", file=name, fix="choose another sheet: "
                        + how_to_set("sheet", "<name>"))
    h = header_row - 1 if header_row is not None else find_header(text_rows, expect)
    if h >= len(text_rows) or not any((c or "").strip() for c in text_rows[h]):
        raise DataError(f"no header on row {h + 1}", file=name,
                        fix=how_to_set("header_row", "N") + ", N = the spreadsheet row "
                            "holding the column names")
    body = text_rows[h + 1:]
    width = max([len(text_rows[h])] + [len(r) for r in body])
    names = dedupe_names(list(text_rows[h]) + [None] * (width - len(text_rows[h])))
    padded = [r + [None] * (width - len(r)) for r in body]
    df = pd.DataFrame(padded, columns=names, dtype=object) if padded else \
        pd.DataFrame(columns=names, dtype=object)
    df = df.astype(dict.fromkeys(df.columns, "str"))
    df = df.mask(df.apply(lambda s: s.str.strip() == ""))
    df.index = pd.RangeIndex(h + 2, h + 2 + len(df), name="row")
    return _finish(df, name, h + 1)


def _pick_sheet(names: list[str], sheet: str | int | None, name: str) -> int:
    if sheet is None:
        return 0
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return sheet
    else:
        for i, s in enumerate(names):
            if s == sheet or s.strip().casefold() == str(sheet).strip().casefold():
                return i
    raise DataError(f"no sheet {sheet!r} (sheets: {describe_columns(names)})", file=name,
                    fix=how_to_set("sheet", "<name>") + " with one of the sheet names, or "
                        "its 0-based position")


def _read_xlsx(path: Path, name: str, sheet: str | int | None, header_row: int | None,
               expect: Collection[str] | None) -> pd.DataFrame:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise DataError(f"cannot open as an Excel workbook ({type(exc).__name__}: {exc})",
                        file=name, fix="open it in Excel and save it again as .xlsx, "
                                       "or export as CSV") from exc
    try:
        ws = wb.worksheets[_pick_sheet(wb.sheetnames, sheet, name)]
        rows = list(ws.iter_rows(min_row=1, values_only=True))
    finally:
        wb.close()
    df = _frame_from_rows(rows, name, header_row, expect)
    df.attrs["format"] = "excel"
    return df


def _read_xls(path: Path, name: str, sheet: str | int | None, header_row: int | None,
              expect: Collection[str] | None) -> pd.DataFrame:
    try:
        import xlrd
    except ImportError as exc:
        raise DataError("is an old Excel 97-2003 (.xls) workbook, which needs the xlrd "
                        "package", file=name,
                        fix="save it as .xlsx or CSV from Excel (or pip install xlrd)") from exc
    try:
        book = xlrd.open_workbook(str(path))
    except Exception as exc:
        raise DataError(f"cannot open as an Excel .xls workbook ({exc})", file=name,
                        fix="save it as .xlsx or CSV from Excel") from exc
    ws = book.sheet_by_index(_pick_sheet(book.sheet_names(), sheet, name))
    rows = []
    for r in range(ws.nrows):
        cells = []
        for c in ws.row(r):
            v = c.value
            if c.ctype == xlrd.XL_CELL_DATE:
                v = xlrd.xldate.xldate_as_datetime(v, book.datemode)
            elif c.ctype == xlrd.XL_CELL_BOOLEAN:
                v = bool(v)
            elif c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                v = None
            cells.append(v)
        rows.append(tuple(cells))
    df = _frame_from_rows(rows, name, header_row, expect)
    df.attrs["format"] = "excel"
    return df


# -- Parquet -----------------------------------------------------------------------------

def _read_parquet(path: Path, name: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        df = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"cannot read as Parquet ({type(exc).__name__}: {exc})", file=name,
                        fix="write the file again (e.g. DataFrame.to_parquet)") from exc
    if not isinstance(df.index, pd.RangeIndex) or any(n is not None for n in df.index.names):
        df = df.reset_index()
    df.columns = dedupe_names(df.columns)
    df.index = pd.RangeIndex(2, 2 + len(df), name="row")
    df = _finish(df, name, 1)
    df.attrs["format"] = "parquet"
    return df
