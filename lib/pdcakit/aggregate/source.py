"""Which file an aggregate query reads, and how its columns become the canonical ones.

The aggregate path reads a ticket export where it lies (CSV or Parquet; an Excel workbook
is converted to Parquet once, :func:`excel_to_parquet`) and never loads its rows into
pandas. A mapping is applied in the query itself, for the parts a query can apply exactly
as the row path (:func:`pdcakit.data.load_tickets`) does:

- ``columns:`` renames, one source column per canonical column (matched as the row
  path matches them: :func:`pdcakit.data.mapping.resolve_sources`, so the same errors);
- ``values:`` recodings of category columns, ``true_values`` / ``false_values``;
- ``snapshot``.

Anything else changes how cells are parsed (``date_format``, ``dayfirst``, ``timezone``,
``decimal``, ``na_values``, an ``encoding`` other than UTF-8, ``header_row``, ``sheet``,
fallback column lists, ``on_duplicate`` other than ``error``): :func:`ticket_source`
raises :class:`AggregateUnsupported` naming the setting, and the caller uses the row path.

>>> m = unsupported_settings({"date_format": "%d/%m/%Y", "columns": {"id": "Ticket"}})
>>> m
['date_format']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["AggregateUnsupported", "TicketSource", "excel_to_parquet", "file_format",
           "ticket_source", "unsupported_settings"]

_DEFAULTS: dict[str, Any] = {"date_format": None, "dayfirst": False, "timezone": None,
                             "decimal": ".", "na_values": (), "header_row": None,
                             "sheet": None, "delimiter": None, "lenient_quotes": False}
_UTF8 = (None, "utf-8", "utf8", "utf-8-sig")
_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".gz": "csv", ".parquet": "parquet",
            ".pq": "parquet", ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel"}


class AggregateUnsupported(ValueError):
    """The aggregate path cannot read this export exactly as the row path: the message
    names the setting; use the row path (``engine="pandas"``)."""


@dataclass(frozen=True)
class TicketSource:
    """A ticket file and how its columns become canonical ones.

    ``columns``: canonical name -> the file's column; ``values``: canonical column ->
    {source value: canonical value}; ``true_values`` / ``false_values``: extra spellings.
    """

    path: str
    format: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    snapshot: Any = None
    label: str = ""
    types: dict[str, str] = field(default_factory=dict)  # file column -> engine type

    def type_of(self, column: str) -> str:
        """The engine's type of canonical ``column``'s source (upper case; "" unknown)."""
        return self.types.get(self.columns[column], "").upper()

    def has(self, column: str) -> bool:
        return column in self.columns


def file_format(path: str | os.PathLike[str]) -> str:
    """``csv``, ``parquet`` or ``excel`` from the file name; a folder is Parquet (Spark's
    and DuckDB's partitioned datasets).

    >>> file_format("export.csv.gz"), file_format("t.parquet"), file_format("a.xlsx")
    ('csv', 'parquet', 'excel')
    """
    p = Path(path)
    if p.is_dir():
        return "parquet"
    suffixes = [s.lower() for s in p.suffixes]
    for suffix in reversed(suffixes):
        if suffix in _FORMATS and suffix != ".gz":
            return _FORMATS[suffix]
    if suffixes and suffixes[-1] == ".gz":
        return "csv"
    raise AggregateUnsupported(
        f"{p.name}: the aggregate path reads .csv, .tsv, .txt (optionally .gz), .parquet and "
        "Excel files (converted to Parquet first); rename the file or use engine='pandas'")


def unsupported_settings(mapping: Any) -> list[str]:
    """The mapping settings a query cannot apply as the row path does (empty: all fine).

    ``mapping`` is a :class:`pdcakit.data.mapping.Mapping` or a dict of its fields.
    """
    get = mapping.get if isinstance(mapping, dict) else (lambda k, d=None: getattr(mapping, k, d))
    found = [key for key, default in _DEFAULTS.items()
             if get(key, default) not in (default, None, "", ()) and
             not (key == "dayfirst" and get(key, default) is False)]
    if get("encoding", None) not in _UTF8:
        found.append("encoding")
    if get("on_duplicate", "error") not in (None, "", "error"):
        found.append("on_duplicate")
    columns = get("columns", {}) or {}
    if any(not isinstance(v, str) for v in columns.values()):
        found.append("columns (a list of fallback columns)")
    return found


def excel_to_parquet(path: str | os.PathLike[str], out_dir: str | os.PathLike[str],
                     *, sheet: Any = None) -> Path:
    """An Excel export written once as Parquet beside the others in ``out_dir`` (cells kept
    as text, so the aggregate query parses them as it parses a CSV)."""

    from ..data.readers import read_table

    frame = read_table(path, sheet=sheet)
    target = Path(out_dir) / (Path(path).stem + ".parquet")
    frame.astype("string").to_parquet(target, index=False)
    return target


def ticket_source(path: str | os.PathLike[str], file_columns: dict[str, str],
                  mapping: Any = None, *, snapshot: Any = None) -> TicketSource:
    """Resolve ``mapping`` against the file's columns (``file_columns``: name -> the
    engine's type), as the row path does; :class:`AggregateUnsupported` for settings a
    query cannot apply.

    >>> s = ticket_source("t.csv", dict.fromkeys(["Ticket", "Opened", "Done"], "VARCHAR"),
    ...                   {"columns": {"id": "Ticket", "created_at": "Opened",
    ...                                "resolved_at": "Done"}})
    >>> s.columns
    {'id': 'Ticket', 'created_at': 'Opened', 'resolved_at': 'Done'}
    """
    import pandas as pd

    from ..data.inputs import input_label
    from ..data.mapping import load_mapping, resolve_sources
    from ..data.schema import TICKETS

    m = load_mapping(mapping)
    unsupported = unsupported_settings(m)
    label = input_label(path)
    if unsupported:
        raise AggregateUnsupported(
            f"{label}: the aggregate path does not apply the mapping's "
            f"{', '.join(unsupported)} (cells would be parsed differently from the row "
            "path); use engine='pandas' for this export, or convert it to ISO times and "
            "canonical values first")
    resolved = resolve_sources(pd.DataFrame(columns=list(file_columns)), TICKETS, m, label)
    if "created_at" not in resolved.found:
        from ..data.errors import DataError
        raise DataError("no created_at column: every ticket KPI needs the creation time",
                        file=label, column="created_at",
                        fix="map it under columns: (created_at: your export's column name)")
    values = {c: {str(k): str(v) for k, v in table.items()}
              for c, table in (m.values or {}).items()}
    return TicketSource(path=str(path), format=file_format(path), columns=dict(resolved.found),
                        values=values, true_values=tuple(m.true_values),
                        false_values=tuple(m.false_values),
                        snapshot=snapshot if snapshot not in (None, "") else m.snapshot,
                        label=label, types={str(k): str(v) for k, v in file_columns.items()})
