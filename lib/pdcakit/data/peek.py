"""A fast look at a ticket export, for the checks ``pdca run`` makes before a kernel starts.

:func:`peek_export` reads the header and only the mapped columns (a text file through
Arrow's multithreaded CSV reader, a Parquet file column by column), maps the header with
the same rules as :func:`~pdcakit.data.load_tickets` and parses ``created_at``: on a
341,000-row export that takes a fraction of a second, where a full load takes several.
Every problem it can see without the full load (a missing file, unknown mapping keys or
options, a mapped column the header lacks, a missing ``id`` or ``created_at``, dates it
cannot read) is the :class:`~pdcakit.data.DataError` the full load would raise.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "cases.csv"
>>> _ = p.write_text("Ref,Received,Ward\\nC1,2024-01-05,North\\nC2,2024-02-11,South\\n")
>>> peek = peek_export(p, {"columns": {"id": "Ref", "created_at": "Received"}})
>>> peek.rows, peek.present, peek.unmapped, str(peek.created_max.date())
(2, ('id', 'created_at'), ('Ward',), '2024-02-11')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .canonical import parse_column
from .errors import DataError
from .inputs import input_label
from .mapping import DEFAULT_NA_VALUES, Mapping, expected_names, load_mapping, resolve_sources
from .names import closest_names, dedupe_names
from .parsing import Source, clean_text
from .readers import (
    SNIFF_CHARS,
    _decode,
    _sample_records,
    check_input_file,
    find_header,
    quote_suspects,
    read_table,
    sniff_delimiter,
)
from .schema import TICKETS
from .validate import check_required

__all__ = ["ExportPeek", "merge_options", "peek_export"]


@dataclass(frozen=True)
class ExportPeek:
    """What a quick read of an export shows (no parsing beyond ``created_at``).

    Attributes
    ----------
    file : the export as the user named it (the full path for ``demo:NAME``).
    rows : data rows (repeated ids included; blank lines not counted).
    header : the source columns, as the file names them.
    columns : canonical column -> source column, for every canonical column found.
    present : canonical columns found and holding at least one value (what KPIs can use).
    unmapped : source columns no canonical column takes.
    created_min, created_max : first and last ``created_at`` (None when no row has one).
    header_row : spreadsheet row of the header.
    mapping : the mapping's name ("" for none).
    """

    file: str
    rows: int
    header: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    present: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    created_min: pd.Timestamp | None = None
    created_max: pd.Timestamp | None = None
    header_row: int = 1
    mapping: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (timestamps as ISO text)."""
        out = dataclasses.asdict(self)
        for key in ("created_min", "created_max"):
            out[key] = None if out[key] is None else out[key].isoformat(sep=" ")
        out["header"], out["present"], out["unmapped"] = (
            list(self.header), list(self.present), list(self.unmapped))
        return out


def merge_options(mapping: Any, options: MappingABC[str, Any]) -> Mapping:
    """The mapping with keyword options applied (None / ``""`` keep the mapping's value);
    an unknown option is a :class:`DataError` naming it and the closest option.

    >>> merge_options({"dayfirst": True}, {"dayfirst": "", "on_duplicate": "keep_last"}
    ...               ).on_duplicate
    'keep_last'
    >>> merge_options(None, {"on_duplicat": "keep_first"})
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: options: unknown option 'on_duplicat' \
(did you mean 'on_duplicate'?). Fix: ...
    """
    m = load_mapping(mapping)
    fields = sorted(f.name for f in dataclasses.fields(Mapping) if f.name != "name")
    unknown = [k for k in options if k not in fields]
    if unknown:
        hints = [f"{k!r} (did you mean {c[0]!r}?)" if (c := closest_names(k, fields))
                 else repr(k) for k in unknown]
        raise DataError(f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(hints)}",
                        file="options", fix=f"the loading options are: {', '.join(fields)}")
    return m.replace(**options)


def peek_export(path: str | os.PathLike[str], mapping: Any = None,
                **options: Any) -> ExportPeek:
    """Header, mapped columns, row count and ``created_at`` range of a ticket export, fast.

    Parameters
    ----------
    path : str or path-like
        The export (``demo:NAME`` for a bundled demo file).
    mapping : None, dict, path to YAML, preset name or Mapping
        As for :func:`~pdcakit.data.load_tickets`.
    **options
        Mapping overrides, as for :func:`~pdcakit.data.load_tickets`
        (``on_duplicate``, ``snapshot``, ``timezone``, ``dayfirst``, ``encoding`` ...).

    Raises
    ------
    DataError
        File missing or not a regular file; unknown mapping keys or options; a mapped
        source column the header lacks; no ``id`` or ``created_at``; unreadable dates.
    """
    m = merge_options(mapping, options)
    file = input_label(path)
    p = check_input_file(path)
    head = _head(p)
    layout = _text_layout(p, file, m) if not head.startswith(_NOT_PLAIN_TEXT) else None
    raw: pd.DataFrame | None = None
    if layout is not None:
        header, header_row = layout.names, layout.header_index + 1
    elif head.startswith(b"PAR1"):
        header, header_row = _parquet_header(p, file), 1
    else:  # Excel, gzip, UTF-16 ...: the full reader
        raw = _read_all(p, file, m)
        header, header_row = tuple(str(c) for c in raw.columns), raw.attrs["header_row"]
    resolved = resolve_sources(pd.DataFrame(columns=list(header)), TICKETS, m, file,
                               header_row)
    found, unmapped = resolved.found, resolved.ignored
    source = Source(file, header_row, names=found)
    check_required(found, TICKETS, list(header), source, m.name)
    wanted = sorted({*found.values(), *(c for fb in resolved.fallbacks.values() for c in fb)})
    if raw is not None:
        frame = raw[wanted]
    elif layout is not None:
        frame = _read_text_columns(p, layout, wanted)
        if frame is None:  # an irregular row: the full reader reports it exactly
            frame = _read_all(p, file, m)[wanted]
    else:
        frame = _read_parquet_columns(p, wanted)
    present = tuple(c for c, src in found.items() if any(
        _holds_values(frame[s], TICKETS.kinds[c], m)
        for s in (src, *resolved.fallbacks.get(c, ()))))
    created = parse_column(frame[found["created_at"]], "created_at", "datetime", source, m)
    has = bool(created.notna().any())
    return ExportPeek(file=file, rows=len(frame), header=header, columns=dict(found),
                      present=present, unmapped=tuple(unmapped),
                      created_min=created.min() if has else None,
                      created_max=created.max() if has else None,
                      header_row=header_row, mapping=m.name)


def _holds_values(raw: pd.Series, kind: str, m: Mapping) -> bool:
    """Any cell with a value: NA-like texts count as values only in id and category columns,
    as the full load reads them."""
    text = clean_text(raw, m.na_values)
    if kind not in ("id", "category"):
        text = text.mask(text.isin(DEFAULT_NA_VALUES))
    return bool(text.notna().any())


_NOT_PLAIN_TEXT = (b"PAR1", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\xff\xfe",
                   b"\xfe\xff")


@dataclass(frozen=True)
class _TextLayout:
    """How a text export is laid out, from its first bytes."""

    encoding: str
    delimiter: str
    header_index: int            # 0-based line of the header
    names: tuple[str, ...]


def _expected(m: Mapping) -> list[str]:
    return expected_names(m, TICKETS)


def _head(p: Path, n: int = 8) -> bytes:
    with open(p, "rb") as fh:
        return fh.read(n)


def _read_all(p: Path, file: str, m: Mapping) -> pd.DataFrame:
    raw = read_table(p, sheet=m.sheet, encoding=m.encoding, delimiter=m.delimiter,
                     header_row=m.header_row, expect=_expected(m),
                     lenient_quotes=m.lenient_quotes)
    raw.attrs["source"] = file
    return raw


def _text_layout(p: Path, file: str, m: Mapping) -> _TextLayout | None:
    """Encoding, delimiter and header of a text export, read from its first 128 KB with
    the full reader's rules; None when the quick reading does not apply."""
    with open(p, "rb") as fh:
        chunk = fh.read(SNIFF_CHARS * 2)
    complete = len(chunk) < SNIFF_CHARS * 2
    if not complete:  # cut at the last line end, so no character is split
        chunk = chunk[: chunk.rfind(b"\n") + 1] or chunk
    try:
        encoding, sample, _ = _decode(chunk, file, m.encoding)
    except DataError:
        return None
    if not sample.strip():
        return None
    tsv = p.name.lower().endswith((".tsv", ".tab"))
    delimiter = m.delimiter or sniff_delimiter(sample, complete, default="\t" if tsv else ",",
                                               expect=_expected(m))
    records = _sample_records(sample, delimiter, complete)
    h = m.header_row - 1 if m.header_row else find_header(records, _expected(m))
    if h >= len(records) or not all(records[: h + 1]) or not any(records[h]):
        return None  # blank lines above the header, or none found: the full reader words it
    return _TextLayout(encoding, delimiter, h, tuple(dedupe_names(records[h])))


def _read_text_columns(p: Path, layout: _TextLayout, wanted: list[str]) -> pd.DataFrame | None:
    """The ``wanted`` columns of a text export as text, index = spreadsheet rows; None when
    Arrow meets an irregular row or cannot decode the file, or when a quote may have read
    rows wrongly (the full reader then checks). A file holding a quote is read whole, so a
    stray quote that took in the delimiters of an unmapped column is seen too."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    irregular: list[Any] = []

    def on_invalid(row: Any) -> str:
        irregular.append(row)
        return "skip"

    quotes, lines, blank = _count_lines(p)
    columns = wanted if not quotes else list(layout.names)
    encoding = "utf8" if layout.encoding in ("utf-8", "utf-8-sig") else layout.encoding
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(skip_rows=layout.header_index + 1,
                                           column_names=list(layout.names),
                                           block_size=1 << 24, encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=layout.delimiter,
                                             newlines_in_values=True,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns, column_types=dict.fromkeys(columns, pa.string()),
                null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError, UnicodeDecodeError):
        return None
    if irregular or (quotes and (
            table.num_rows < lines - blank - layout.header_index - 1
            or len(quote_suspects(table.columns, layout.delimiter)))):
        return None  # the full reader checks quoted values that span lines or took in rows
    frame = table.select(wanted).to_pandas()
    first = layout.header_index + 2
    frame.index = pd.RangeIndex(first, first + len(frame), name="row")
    return frame


def _count_lines(p: Path) -> tuple[int, int, int]:
    """(quotes, lines, blank lines) of a text file. A file with quotes whose records are
    fewer than its non-blank lines has a quoted value spanning lines (perhaps a stray quote
    swallowing rows)."""
    quotes = breaks = blank = 0
    last = b"\n"
    with open(p, "rb") as fh:   # blank lines across a chunk edge are missed: a slower read
        while chunk := fh.read(1 << 24):
            quotes += chunk.count(b'"')
            breaks += chunk.count(b"\n")
            blank += chunk.count(b"\n\n") + chunk.count(b"\n\r\n")
            last = chunk[-1:]
    return quotes, breaks + (0 if last == b"\n" else 1), blank


def _parquet_header(p: Path, file: str) -> tuple[str, ...]:
    import pyarrow.parquet as pq

    try:
        return tuple(pq.read_schema(p).names)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise DataError(f"cannot read as Parquet ({type(exc).__name__}: {exc})", file=file,
                        fix="write the file again (e.g. DataFrame.to_parquet)") from exc


def _read_parquet_columns(p: Path, wanted: list[str]) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frame = pq.read_table(p, columns=wanted).to_pandas()
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    return frame
