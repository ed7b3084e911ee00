"""Raw reading of service exports: CSV / TSV / TXT (also gzipped), Parquet, Excel.

:func:`read_table` returns the cells as the file holds them: text files and
Excel sheets as strings (empty cell = missing), Parquet with its own types.
Parsing and validation happen later (:mod:`pdcakit.data.parsing`), so that
every problem can be reported with its row.

The returned frame's index is the spreadsheet row number of each record
(named ``"row"``): the header is row 1, or the row it was found on when title
rows sit above it, so the first data row is the header row + 1. Blank rows are
dropped but keep the numbering.

Quotes: a quote that does not close (a stray ``"`` at the start of a cell) would make the
parser read every line up to the next quote, or to the end of the file, as one value. That
is an error naming the line where the quote opened; so is a quoted value whose lines look
like rows of the file (it swallowed them). With ``lenient_quotes=True`` such values are kept
as the parser reads them, with a note naming the lines and rows they span. Quoted values
with line breaks that do not look like rows (a note written over two lines) are read as
they are. Rows are never merged silently.

A stray quote at the start of a cell can also take in the delimiters of its own row and
still leave the row as wide as the header (``"T1,2026-01-05 08:00,",,a"``: the quote closes
where the note's own quote opened, and the note's closing quote is left over in the last
cell). Such a row reads two ways, both as wide as the header: with the quote (a cell
holding the delimiter, a bare quote left in a later unquoted cell) and with the quote taken
as a stray character. That is an error naming the line the quote opened on; with
``lenient_quotes=True`` the quoted reading is kept, with a note. A quoted value holding the
delimiter in a well-quoted export ("Smith, John") reads only one way and is read as it is:
only a quoted value that ends with the delimiter, or holds the delimiter followed by a
quote, is looked at (:func:`quote_suspects`), so the check costs the fast path a scan of
the columns' bytes.

The file type is recognised from its first bytes (the extension is only a
hint). Text encodings are read only when certain (:mod:`.encodings`): a byte-order mark
(UTF-8, UTF-16 as Excel's "Unicode text", UTF-32), valid UTF-8, or GB18030 that reads as
plausible Chinese; anything else (CP1252, Latin-1 ...) is refused with the candidates and
needs ``encoding=``. The delimiter is sniffed among ``,`` ``;`` tab and ``|``.

Bounds: a path that is not a regular file (a FIFO, ``/dev/zero``) is refused before it is
opened, and so is a file above :data:`MAX_INPUT_BYTES` (8 GiB); a text export above
:data:`MAX_TEXT_BYTES` (2 GiB, after gunzip) and a workbook above :data:`MAX_EXCEL_BYTES`
(256 MiB) are refused before they are read.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import math
import os
import re
import stat
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from .encodings import EncodingUnknown, decode_detected
from .errors import DataError, quote_value
from .inputs import input_label, resolve_input
from .names import dedupe_names, describe_columns, normalize_name, repeated_headers
from .options import how_to_set

__all__ = ["DELIMITERS", "MAX_EXCEL_BYTES", "MAX_INPUT_BYTES", "MAX_TEXT_BYTES",
           "check_input_file", "find_header", "quote_suspects", "read_table",
           "rowlike_values", "sniff_delimiter"]

DELIMITERS = (",", ";", "\t", "|")
#: The largest export read at all (Parquet is read column by column).
MAX_INPUT_BYTES = 8 << 30
#: The largest text export (after decompression): it is held in memory while parsed.
MAX_TEXT_BYTES = 2 << 30
#: The largest Excel workbook (openpyxl holds every cell as a Python object).
MAX_EXCEL_BYTES = 256 << 20
SNIFF_CHARS = 1 << 16      # text sample for the delimiter and header detection
HEADER_SCAN = 30           # rows searched for the header
_GB_CODECS = ("gb18030", "gbk", "gb2312")
_TEXT_FIX_ENCODING = ("name the encoding: " + how_to_set("encoding", "cp1252")
                      + " (or latin-1, gb18030, utf-16-le ...), or save the file as "
                        "'CSV UTF-8' from Excel")


def read_table(path: str | os.PathLike[str], *, sheet: str | int | None = None,
               encoding: str | None = None, delimiter: str | None = None,
               header_row: int | None = None,
               expect: Collection[str] | None = None,
               lenient_quotes: bool = False) -> pd.DataFrame:
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
    lenient_quotes : bool, default False
        Keep a quoted value that swallows lines looking like rows (or runs to the end of
        the file) as one value, with a note in ``attrs["warnings"]``, instead of an error.

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
        different number of fields than the header; a quote that does not close, or a
        quoted value that swallowed rows (the line where it opened); unknown sheet.

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
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int)
                                   or header_row < 1):
        raise DataError(f"header_row must be a spreadsheet row number (1, 2, ...), "
                        f"got {header_row!r}", file=name,
                        fix=how_to_set("header_row", "1") + " (or more)")
    with _open_export(p, name) as fh:
        head = fh.read(8)
        if not head:
            raise DataError("the file is empty (0 bytes)", file=name,
                            fix="export again; the download or copy may have failed")
        size = os.fstat(fh.fileno()).st_size
        if head.startswith(b"PAR1"):
            df = _read_parquet(p, name)
        elif head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            _check_size(size, MAX_EXCEL_BYTES, name, "an Excel workbook",
                        "export the sheet as CSV (or Parquet)")
            reader = _read_xlsx if head.startswith(b"PK") else _read_xls
            df = reader(p, name, sheet, header_row, expect)
        else:
            fh.seek(0)
            if head.startswith(b"\x1f\x8b"):
                raw = _gunzip(fh, name)
            else:
                _check_size(size, MAX_TEXT_BYTES, name, "a text export",
                            "convert it to Parquet (read column by column), or export "
                            "fewer months")
                raw = fh.read()
            df = _read_text(raw, name, encoding, delimiter, header_row, expect,
                            tsv=p.name.lower().endswith((".tsv", ".tsv.gz", ".tab")),
                            lenient_quotes=lenient_quotes)
    df.attrs["source"] = name
    return df


def check_input_file(path: str | os.PathLike[str], base: Path | None = None) -> Path:
    """The input's resolved path (see :func:`~pdcakit.data.resolve_input`), checked to be an
    existing regular file of at most :data:`MAX_INPUT_BYTES`; else a :class:`DataError`
    naming it and the fix. Nothing is opened: a FIFO or a device is refused unread.

    >>> check_input_file("no/such/export.csv")
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: no/such/export.csv: file not found. Fix: check the path \
(relative paths start at ...); demo:tickets.csv names the bundled demo export.
    """
    name = input_label(path)
    p = resolve_input(path, base=base)
    try:
        mode = p.stat()
    except FileNotFoundError:
        start = Path.cwd() if base is None else base
        raise DataError("file not found", file=name,
                        fix=f"check the path (relative paths start at {start}); "
                            "demo:tickets.csv names the bundled demo export") from None
    except OSError as exc:
        raise DataError(f"cannot look at the file ({exc.strerror})", file=name,
                        fix="check the path and its permissions") from exc
    _check_regular(mode, name)
    _check_size(mode.st_size, MAX_INPUT_BYTES, name, "an export",
                "export the months you analyse, or convert it to Parquet")
    return p


def _check_regular(st: os.stat_result, name: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise DataError("is a folder, not a file", file=name, fix="give the export file itself")
    if not stat.S_ISREG(st.st_mode):
        raise DataError("is not a regular file (a device, pipe or socket)", file=name,
                        fix="give the export file itself (copy a stream to a file first)")


def _gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def _check_size(size: int, limit: int, name: str, what: str, fix: str) -> None:
    if size > limit:
        raise DataError(f"is {_gib(size)}, above the {_gib(limit)} read as {what}", file=name,
                        fix=fix)


def _open_export(p: Path, name: str) -> BinaryIO:
    """The file opened for reading without blocking on a FIFO swapped in after the check,
    and checked again on the open handle (regular file, size)."""
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise DataError(f"cannot open the file ({exc.strerror})", file=name,
                        fix="check that the file is readable (its permissions)") from exc
    try:
        st = os.fstat(fd)
        _check_regular(st, name)
        _check_size(st.st_size, MAX_INPUT_BYTES, name, "an export",
                    "export the months you analyse, or convert it to Parquet")
    except DataError:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _gunzip(fh: BinaryIO, name: str) -> bytes:
    """The decompressed bytes, at most :data:`MAX_TEXT_BYTES` (a gzip bomb is refused)."""
    try:
        with gzip.GzipFile(fileobj=fh) as gz:
            raw = gz.read(MAX_TEXT_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise DataError(f"cannot decompress the gzip file ({exc})", file=name,
                        fix="download the export again") from exc
    if len(raw) > MAX_TEXT_BYTES:
        raise DataError(f"decompresses to more than {_gib(MAX_TEXT_BYTES)}, the most read as "
                        "a text export", file=name,
                        fix="convert it to Parquet (read column by column), or export fewer "
                            "months")
    return raw


# -- text --------------------------------------------------------------------------------

def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str, str, bytes]:
    """Return (encoding used, decoded text, UTF-8 bytes for the parser).

    Without ``encoding`` only what is certain is read (see :mod:`.encodings`); anything
    else is a :class:`DataError` naming the candidates and the fix.
    """
    if encoding is None:
        try:
            enc, text = decode_detected(raw)
        except EncodingUnknown as exc:
            raise DataError(str(exc), file=name, fix=_encoding_fix(exc.codecs)) from exc
        except UnicodeDecodeError as exc:  # a byte-order mark, then damaged text
            raise DataError(f"cannot read the text as {exc.encoding} (its byte-order mark "
                            f"says so; undecodable bytes at byte {exc.start:,})", file=name,
                            fix="export the file again, or save it as 'CSV UTF-8'") from exc
        return _as_utf8(enc, text, raw)
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
    for enc in candidates:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            last = exc
            continue
        return _as_utf8(enc, text, raw)
    line = raw[: last.start].count(b"\n") + 1
    tried = " or ".join(candidates)
    raise DataError(f"cannot read the text as {tried} (undecodable byte "
                    f"{raw[last.start:last.start + 1]!r} on line {line})",
                    file=name, fix=_TEXT_FIX_ENCODING)


def _encoding_fix(codecs: tuple[str, ...]) -> str:
    """The fix of a refused encoding: the first candidate as the example, the others
    named (Korean, Japanese, Chinese ...), or the generic fix without candidates."""
    if not codecs or codecs[0] == "cp1252":
        return _TEXT_FIX_ENCODING
    others = ", ".join(c for c in codecs[1:])
    return ("name the encoding the export was saved in: " + how_to_set("encoding", codecs[0])
            + (f" (or {others})" if others else "") + ", or save the file as 'CSV UTF-8' "
            "from Excel")


def _as_utf8(enc: str, text: str, raw: bytes) -> tuple[str, str, bytes]:
    if enc == "utf-8":
        return enc, text, raw
    if enc == "utf-8-sig":
        return enc, text, raw[len(codecs.BOM_UTF8):]
    return enc, text, text.encode("utf-8")


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
               tsv: bool, lenient_quotes: bool = False) -> pd.DataFrame:
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
    # an odd number of quotes: one does not close (or is a literal quote inside a value)
    if all(records[: h + 1]) and data.count(b'"') % 2 == 0:
        df = _read_arrow(data, names, delimiter, h)   # no blank line above the header
    if df is None:  # blank or ragged rows, multi-line values, odd quotes: exact, slower
        df = _read_python_csv(data, name, names, delimiter, h, lenient_quotes, notes)
    df = _finish(df, name, h + 1)
    df.attrs.update(format="text", encoding=enc, delimiter=delimiter, warnings=notes,
                    repeated_headers=repeated_headers(records[h], names))
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
    lines = data.count(b"\n", 0, end) or data.count(b"\r", 0, end)
    if lines + 1 != h + 1 + table.num_rows and rowlike_values(table, delimiter, len(names)):
        return None   # a quoted value took in rows: the exact reader names the lines
    if b'"' in data and _arrow_rows_read_two_ways(data, table, delimiter, h):
        return None   # a stray quote took in its row's delimiters: the exact reader names it
    df = table.to_pandas()
    df = df.astype(dict.fromkeys(df.columns, "str"))
    df.index = pd.RangeIndex(h + 2, h + 2 + len(df), name="row")
    return df


def rowlike_values(table: Any, delimiter: str, width: int) -> bool:
    """True when a text cell of the Arrow ``table`` holds a line break followed by a line
    that splits into ``width`` fields or more: a quoted value took in rows of the file.
    Run only when the file has more lines than records (some value spans lines)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in table.columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        hit = pc.match_substring_regex(column, "[\\r\\n]")
        if not pc.any(hit).as_py():
            continue
        for value in pc.filter(column, hit).to_pylist():
            if _rowlike(value, delimiter, width) is not None:
                return True
    return False


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTE_FIX = ("remove the stray quote on line {line}, or double it (\"\") and quote the whole "
              "value; export again with every value quoted if the quotes belong to the data; "
              "if values really run over several lines, "
              + how_to_set("lenient_quotes", "true") + " (the lines are then kept as one "
              "value, with a note)")


def _breaks(text: str) -> int:
    return len(_LINE_BREAK.findall(text))


def _shown_line(text: str, line: int) -> str:
    """Physical line ``line`` (1-based) of ``text``, shortened for a message."""
    lines = _LINE_BREAK.split(text, maxsplit=line)
    shown = lines[line - 1] if line - 1 < len(lines) else ""
    return quote_value(shown, 60)


def _unclosed_quote(text: str, name: str, exc: csv.Error, opened: int, stopped: int,
                    row: int, h: int) -> DataError:
    """The strict parser's refusal, worded: where the quote opened, where reading stopped."""
    if "unexpected end of data" in str(exc):
        what = ("never closes: every line after it, to the end of the file "
                f"(line {stopped:,}), would be read as one value")
    else:
        what = (f"closes on line {stopped:,} in the middle of a value, so the lines between "
                "would be read as one value")
    return DataError(f"a quote opened on line {opened:,} (spreadsheet row {row:,}: "
                     f"{_shown_line(text, opened)}) {what}", file=name, header_row=h + 1,
                     fix=_QUOTE_FIX.format(line=f"{opened:,}"))


def _rowlike(value: str, delimiter: str, width: int) -> str | None:
    """The first line after the first of a multi-line ``value`` that splits into at least
    ``width`` fields (a row of the file swallowed by a quote), or None."""
    for line in _LINE_BREAK.split(value)[1:]:
        if not line.strip():
            continue
        fields = next(csv.reader([line], delimiter=delimiter), [])
        if len(fields) >= width >= 2:
            return line
    return None


def _swallowed_rows(text: str, name: str, records: list[list[str]], starts: list[int],
                    ends: list[int], names: list[str], delimiter: str, h: int,
                    lenient: bool, notes: list[str]) -> None:
    """Refuse (or, lenient, note) quoted values whose lines look like rows of the file."""
    width = len(names)
    for k in range(h + 1, len(records)):
        if ends[k] == starts[k]:
            continue
        before = 0
        for j, cell in enumerate(records[k]):
            n = _breaks(cell)
            if n and (line := _rowlike(cell, delimiter, width)) is not None:
                opened = starts[k] + before
                closed = min(opened + n, ends[k])
                column = names[j] if j < width else f"field {j + 1}"
                span = (f"a quoted value opens on line {opened:,} (spreadsheet row {k + 1:,}) "
                        f"and runs to line {closed:,}, taking in lines that look like rows "
                        f"of this file ({quote_value(line, 60)})")
                if not lenient:
                    raise DataError(span + ": they would be read as one value", file=name,
                                    column=column, header_row=h + 1,
                                    fix=_QUOTE_FIX.format(line=f"{opened:,}"))
                notes.append(f"column {column!r}: {span}; read as one value, as "
                             "lenient_quotes asks: if the quote on line "
                             f"{opened:,} is stray, remove it")
            before += n


_STAND_IN = "\uffff"   # a non-character put in place of a quote, to read it as a stray


@dataclass(frozen=True)
class _TwoReadings:
    """A record that reads two ways, both as wide as the header: ``quoted`` with the quote
    at ``offset`` (which opens field ``field``), ``stray`` with that quote as a character;
    ``leftover`` is the unquoted field holding a bare quote in the quoted reading."""

    field: int
    offset: int
    leftover: int
    quoted: tuple[str, ...]
    stray: tuple[str, ...]


def _fields_quoting(record: str, delimiter: str) -> list[tuple[int, bool, str]] | None:
    """(offset, quoted, value) of each field of one record, read with the csv module's
    strict rules; None where those rules refuse it (a quote not followed by the delimiter).

    >>> _fields_quoting('"a,b",c"', ",")
    [(0, True, 'a,b'), (6, False, 'c"')]
    """
    fields = []
    i, n = 0, len(record)
    while True:
        start = i
        if i < n and record[i] == '"':
            parts, j = [], i + 1
            while True:
                k = record.find('"', j)
                if k < 0:
                    return None
                if record.startswith('""', k):
                    parts.append(record[j:k + 1])
                    j = k + 2
                    continue
                parts.append(record[j:k])
                i = k + 1
                break
            if i < n and record[i] != delimiter:
                return None
            fields.append((start, True, "".join(parts)))
        else:
            k = record.find(delimiter, i)
            i = n if k < 0 else k
            fields.append((start, False, record[start:i]))
        if i >= n:
            return fields
        i += 1


def _two_readings(record: str, delimiter: str, following: str = "") -> _TwoReadings | None:
    """How one record (its text, without the line end) reads two ways, or None.

    It does when it leaves a bare quote in an unquoted field, and a quoted field holding the
    delimiter reads, with its opening quote taken as a stray character, into as many fields
    (the quote took in its row's delimiters, and the field count hides it). With
    ``following`` (the line end and the next record's text), the bare quote may be in the
    next record and the stray reading is one record over both: the quote took in the
    delimiters, and the row's line end then split a value in two.

    >>> r = _two_readings('"T1,2026-01-05 08:00,",,a"', ",")
    >>> r.quoted, r.stray
    (('T1,2026-01-05 08:00,', '', 'a"'), ('"T1', '2026-01-05 08:00', ',,a'))
    >>> _two_readings('"Smith, John",24" monitor', ",") is None   # 3 fields as a stray
    True
    """
    fields = _fields_quoting(record, delimiter)
    if fields is None:
        return None
    leftover = next((j for j, (_, quoted, value) in enumerate(fields)
                     if not quoted and '"' in value), None)
    if following:
        after = _fields_quoting(_LEADING_END.sub("", following), delimiter) or []
        if leftover is not None or not any(not q and '"' in v for _, q, v in after):
            return None
        leftover = len(fields) - 1
    if leftover is None:
        return None
    for j, (offset, quoted, value) in enumerate(fields):
        if not quoted or delimiter not in value:
            continue
        other = record[:offset] + _STAND_IN + record[offset + 1:] + following
        try:
            read = list(csv.reader(io.StringIO(other, newline=""), delimiter=delimiter,
                                   strict=True))
        except csv.Error:
            continue
        if len(read) == 1 and len(read[0]) == len(fields):
            return _TwoReadings(j, offset, leftover, tuple(v for *_, v in fields),
                                tuple(c.replace(_STAND_IN, '"') for c in read[0]))
    return None


def _closed_early(span: str, cut: int, delimiter: str) -> tuple[str, ...] | None:
    """The one row two records make when the quote that ends the first (at ``cut - 1`` of
    ``span``, the text of both) is read as a stray character, or None.

    They do when the first ends in a quoted value, the second leaves a bare quote in an
    unquoted field, and the two read as one record as wide as the first: a stray quote
    inside a multi-line value closed it, and the rest of the value became a row.

    >>> _closed_early('T5,x,"\\n"\\n,,a"', 8, ",")
    ('T5', 'x', '\\n"\\n,,a')
    """
    if cut < 1 or span[cut - 1] != '"':
        return None
    first = _fields_quoting(span[:cut], delimiter)
    second = _fields_quoting(_LEADING_END.sub("", span[cut:]), delimiter)
    if (first is None or second is None or not first[-1][1]
            or not any(not quoted and '"' in value for _, quoted, value in second)):
        return None
    other = span[:cut - 1] + _STAND_IN + span[cut:]
    try:
        read = list(csv.reader(io.StringIO(other, newline=""), delimiter=delimiter,
                               strict=True))
    except csv.Error:
        return None
    if len(read) == 1 and len(read[0]) == len(first):
        return tuple(c.replace(_STAND_IN, '"') for c in read[0])
    return None


_LEADING_END = re.compile(r"\A(?:\r\n|\r|\n)")


def quote_suspects(columns: Sequence[Any], delimiter: str) -> np.ndarray:
    """Positions of the rows a stray quote may have read wrongly, from the text cells
    (Arrow arrays or chunked arrays): a cell that ends with the delimiter or holds the
    delimiter followed by a quote (the quote took in its row's delimiters), or a row holding
    a quote right after a row whose last cell holds a line break (the quote closed a
    multi-line value early). A column whose bytes hold neither the delimiter nor a quote
    is skipped after a byte scan, so a well-quoted export costs milliseconds.

    >>> import pyarrow as pa
    >>> quote_suspects([pa.array(["T1,2026,", "Smith, John", None, ",,a"]),
    ...                 pa.array(['a"', "x\\n", 'y"', "z"])], ",").tolist()
    [0, 2]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = [c for c in columns
            if pa.types.is_string(c.type) or pa.types.is_large_string(c.type)]
    n = len(columns[0]) if len(columns) else 0
    hits = np.zeros(n, dtype=bool)

    def mark(hit: Any) -> None:
        if pc.any(hit).as_py():
            hits.__ior__(np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False),
                                    dtype=bool))

    for column in text:
        if _bytes_hold(column, delimiter):
            mark(pc.or_(pc.ends_with(column, delimiter),
                        pc.match_substring(column, delimiter + '"')))
    last = columns[-1] if len(columns) else None
    if last is not None and any(c is last for c in text) and (
            _bytes_hold(last, "\n") or _bytes_hold(last, "\r")):
        broken = pc.fill_null(pc.match_substring_regex(last, "[\r\n]"), False)
        if pc.any(broken).as_py():
            after = np.zeros(n, dtype=bool)
            after[1:] = np.asarray(broken.to_numpy(zero_copy_only=False), dtype=bool)[:-1]
            quoted = np.zeros(n, dtype=bool)
            for column in text:
                if _bytes_hold(column, '"'):
                    quoted |= np.asarray(pc.fill_null(pc.match_substring(column, '"'), False)
                                         .to_numpy(zero_copy_only=False), dtype=bool)
            hits |= after & quoted
    return np.flatnonzero(hits)


def _bytes_hold(column: Any, char: str) -> bool:
    """Whether the bytes behind a text column hold ``char`` (a scan of its buffers)."""
    import pyarrow as pa

    mark = char.encode("utf-8")
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    return any(c.buffers()[2] is not None and c.buffers()[2].to_pybytes().find(mark) >= 0
               for c in chunks)


_LINE_END = re.compile(rb"\r\n|\r|\n")
_LAST_LINE_END = re.compile(rb"(?:\r\n|\r|\n)\Z")


def _record_texts(data: bytes, spans: Sequence[tuple[int, int]]) -> list[str]:
    """The text of physical lines ``first..last`` (1-based) of ``data``, for each span,
    without the last line's end."""
    last = max(b for _, b in spans)
    starts = [0]
    for m in _LINE_END.finditer(data):
        starts.append(m.end())
        if len(starts) > last:
            break
    texts = []
    for a, b in spans:
        chunk = data[starts[a - 1]: starts[b] if b < len(starts) else len(data)]
        texts.append(_LAST_LINE_END.sub(b"", chunk).decode("utf-8", errors="replace"))
    return texts


def _around(spans: Sequence[tuple[int, int]], k: int, first: int) -> list[tuple[int, int]]:
    """Line spans of record ``k``, of ``k`` with the next record, of the previous record with
    ``k`` and of the previous record (``k``'s own where there is none), from ``spans``, every
    record's (first line, last line); ``first`` is the first data record."""
    own = spans[k]
    after = (own[0], spans[k + 1][1]) if k + 1 < len(spans) else own
    before = spans[k - 1] if k - 1 >= first else own
    return [own, after, (before[0], own[1]), before]


def _arrow_rows_read_two_ways(data: bytes, table: Any, delimiter: str, h: int) -> bool:
    """True when a row the Arrow reader read reads two ways (see :func:`_two_readings` and
    :func:`_closed_early`), or when a suspect row cannot be matched to its lines (the exact
    reader then decides)."""
    import pyarrow.compute as pc

    suspects = quote_suspects(table.columns, delimiter)
    if not len(suspects):
        return False
    breaks = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        counted = pc.fill_null(pc.count_substring_regex(column, "\r\n|\r|\n"), 0)
        breaks += np.asarray(counted.to_numpy(zero_copy_only=False), dtype=np.int64)
    first = h + 2 + np.concatenate(([0], np.cumsum(breaks)[:-1])) + np.arange(table.num_rows)
    spans = list(zip(first.tolist(), (first + breaks).tolist(), strict=True))
    texts = _record_texts(data, [s for i in suspects for s in _around(spans, int(i), 0)])
    for n, i in enumerate(suspects):
        record, after, both, before = texts[4 * n: 4 * n + 4]
        row = ["" if v is None else v for v in table.slice(int(i), 1).to_pylist()[0].values()]
        read = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter))
        if (read != [row] or _two_readings(record, delimiter) is not None
                or (i + 1 < table.num_rows
                    and _two_readings(record, delimiter, after[len(record):]) is not None)
                or (i > 0 and _closed_early(both, len(before), delimiter) is not None)):
            return True
    return False


def _refuse_rows_read_two_ways(data: bytes, name: str, df: pd.DataFrame,
                               records: list[list[str]], starts: list[int], ends: list[int],
                               names: list[str], delimiter: str, h: int, lenient: bool,
                               notes: list[str]) -> None:
    """Refuse (or, lenient, note) the rows that read two ways (see :func:`_two_readings` and
    :func:`_closed_early`)."""
    import pyarrow as pa

    suspects = quote_suspects([pa.array(df[c]) for c in df.columns], delimiter)
    if not len(suspects):
        return
    ks = [int(df.index[i]) - 1 for i in suspects]
    spans = list(zip(starts, ends, strict=True))
    texts = _record_texts(data, [s for k in ks for s in _around(spans, k, h + 1)])
    for n, k in enumerate(ks):
        record, after, both, before = texts[4 * n: 4 * n + 4]
        found = _worded_two_readings(record, after, both, before, k, records, starts, ends,
                                     names, delimiter, h)
        if found is None:
            continue
        what, column, rows, line = found
        if not lenient:
            raise DataError(what, file=name, column=column, rows=rows, header_row=h + 1,
                            fix=_QUOTE_FIX.format(line=f"{line:,}"))
        notes.append(f"{what}; read as the quotes say, as lenient_quotes asks: if the quote "
                     f"on line {line:,} is stray, remove it")


def _worded_two_readings(record: str, after: str, both: str, before: str, k: int,
                         records: list[list[str]], starts: list[int], ends: list[int],
                         names: list[str], delimiter: str, h: int
                         ) -> tuple[str, str, list[int], int] | None:
    """(problem, column, spreadsheet rows, line of the quote) when record ``k`` reads two
    ways, alone, with the next record or with the previous one; else None."""
    def shown(values: Sequence[str]) -> str:
        return ", ".join(quote_value(v, 20) for v in values[:6])

    two = _two_readings(record, delimiter)
    if two is not None and list(two.quoted) == records[k]:
        opened = starts[k] + _breaks(record[:two.offset])
        column = _field_name(names, two.field)
        return (f"a quote opened on line {opened:,} (spreadsheet row {k + 1:,}: "
                f"{quote_value(record, 60)}) reads the row two ways, both as wide as the "
                f"header: with the quote, {column!r} holds "
                f"{quote_value(two.quoted[two.field], 40)} and a quote is left over in "
                f"{_field_name(names, two.leftover)!r} "
                f"({quote_value(two.quoted[two.leftover], 40)}); as a stray quote, the row "
                f"splits into {shown(two.stray)}", column, [k + 1], opened)
    if k + 1 < len(records) and records[k + 1]:
        two = _two_readings(record, delimiter, after[len(record):])
        if two is not None and list(two.quoted) == records[k]:
            opened = starts[k] + _breaks(record[:two.offset])
            column = _field_name(names, two.field)
            return (f"a quote opened on line {opened:,} (spreadsheet row {k + 1:,}: "
                    f"{quote_value(record, 60)}) makes {column!r} hold "
                    f"{quote_value(two.quoted[two.field], 40)}, and the next row "
                    f"({quote_value(_LEADING_END.sub('', after[len(record):]), 40)}) leaves a "
                    f"quote over; as a stray quote, rows {k + 1:,} and {k + 2:,} are one "
                    f"row: {shown(two.stray)}", column, [k + 1, k + 2], opened)
    if k - 1 > h and records[k - 1] and ends[k - 1] > starts[k - 1]:
        one = _closed_early(both, len(before), delimiter)
        if one is not None:
            closed = ends[k - 1]
            column = _field_name(names, len(records[k - 1]) - 1)
            rest = _LEADING_END.sub("", both[len(before):])
            return (f"a quote on line {closed:,} closes the value of {column!r} (spreadsheet "
                    f"row {k:,}) early: the rest of the value is read as a row of its own "
                    f"(spreadsheet row {k + 1:,}: {quote_value(rest, 60)}), which leaves a "
                    f"quote over; as a stray quote, rows {k:,} and {k + 1:,} are one row, "
                    f"{column!r} holding {quote_value(one[-1], 60)}", column, [k, k + 1],
                    closed)
    return None


def _field_name(names: list[str], j: int) -> str:
    return names[j] if j < len(names) else f"field {j + 1}"


def _read_python_csv(data: bytes, name: str, names: list[str], delimiter: str,
                     h: int, lenient_quotes: bool = False,
                     notes: list[str] | None = None) -> pd.DataFrame:
    """Exact path with the csv module: keeps blank rows' numbering, reports ragged rows,
    quotes that do not close and quoted values that swallowed rows (the line they opened
    on); ``lenient_quotes`` keeps such values, with a note in ``notes``."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                        strict=not lenient_quotes)
    records: list[list[str]] = []
    starts: list[int] = []     # physical line each record starts on
    ends: list[int] = []
    try:
        for record in reader:
            starts.append(ends[-1] + 1 if ends else 1)
            ends.append(reader.line_num)
            records.append(record)
    except csv.Error as exc:
        opened = ends[-1] + 1 if ends else 1
        raise _unclosed_quote(text, name, exc, opened, reader.line_num, len(records) + 1,
                              h) from exc
    if len(ends) and ends[-1] != len(records):  # some value spans lines
        _swallowed_rows(text, name, records, starts, ends, names, delimiter, h,
                        lenient_quotes, notes if notes is not None else [])
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
    if '"' in text:
        _refuse_rows_read_two_ways(data, name, df, records, starts, ends, names, delimiter, h,
                                   lenient_quotes, notes if notes is not None else [])
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
    df = _finish(df, name, h + 1)
    df.attrs["repeated_headers"] = repeated_headers(text_rows[h], names)
    return df


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
        chosen = _pick_sheet(wb.sheetnames, sheet, name)
        rows = list(wb.worksheets[chosen].iter_rows(min_row=1, values_only=True))
    finally:
        wb.close()
    df = _frame_from_rows(rows, name, header_row, expect)
    _refuse_uncalculated_formulas(df, path, name, chosen)
    df.attrs["format"] = "excel"
    df.attrs["warnings"] = _other_sheets(wb.sheetnames, chosen, sheet)
    return df


def _other_sheets(names: list[str], chosen: int, sheet: str | int | None) -> list[str]:
    """A warning naming the sheets not read, when the sheet was not chosen by the user."""
    others = [n for i, n in enumerate(names) if i != chosen]
    if not others or sheet is not None:
        return []
    return [f"the workbook has {len(names)} sheets: read the first, {names[chosen]!r}; not "
            f"read: {describe_columns(others)}. To read another, "
            + how_to_set("sheet", repr(others[0]))]


def _refuse_uncalculated_formulas(df: pd.DataFrame, path: Path, name: str,
                                  sheet: int) -> None:
    """An all-empty column whose cells are formulas has no stored values (the workbook was
    written by a program and never calculated): a DataError, not an empty column."""
    empty = [c for c in df.columns if df[c].isna().all()]
    if not empty:
        return
    import openpyxl

    header = df.attrs["header_row"]
    positions = {list(df.columns).index(c): c for c in empty}
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        found: dict[str, str] = {}
        for row in wb.worksheets[sheet].iter_rows(min_row=header + 1, values_only=True):
            for i, column in positions.items():
                v = row[i] if i < len(row) else None
                if column not in found and isinstance(v, str) and v.startswith("="):
                    found[column] = v
            if len(found) == len(positions):
                break
    finally:
        wb.close()
    if found:
        column, formula = next(iter(found.items()))
        more = f" (also {describe_columns(list(found)[1:])})" if len(found) > 1 else ""
        raise DataError(
            f"holds formulas without calculated values (e.g. {formula!r}): the workbook was "
            f"saved by a program that does not calculate, so every cell reads empty{more}",
            file=name, column=column, header_row=header,
            fix="open the workbook in Excel (or LibreOffice) and save it, so the values are "
                "stored with the formulas, or export the sheet as CSV")


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
    chosen = _pick_sheet(book.sheet_names(), sheet, name)
    ws = book.sheet_by_index(chosen)
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
    df.attrs["warnings"] = _other_sheets(book.sheet_names(), chosen, sheet)
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
