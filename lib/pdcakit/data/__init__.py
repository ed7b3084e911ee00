"""Data layer: load service exports, map them onto the canonical schema, validate.

Exports arrive as CSV (any of , ; tab |; an encoding detected only when certain),
gzipped CSV, Parquet or Excel. A :class:`Mapping` renames their columns and
recodes their values; the loaders parse every column by its kind and check
it, raising one :class:`DataError` that names the file, the column, the
spreadsheet rows (header = row 1) and a fix.

Modules: ``errors`` (DataError), ``encodings`` (what is certain), ``inputs``
(``demo:NAME`` and relative paths), ``options`` (on_duplicate, snapshot, timezone,
dayfirst), ``readers`` (raw reading),
``mapping`` (Mapping, presets), ``parsing`` (typed columns), ``validate`` (checks),
``tickets`` and ``tables`` (the loaders), ``schema`` (canonical columns), ``peek``
(a quick look for checks before a kernel starts), ``plausible`` (open cases per case,
cases closed without a resolution time, cases open far longer than the rest:
:func:`plausibility`, also in ``tickets.attrs["plausibility"]``) and ``describe`` (what an
export holds and supports, for ``pdca check-data``).

Example
-------
>>> from pdcakit import data
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "tickets.csv"
>>> _ = p.write_text("id,created_at,csat\\nT1,2026-01-05 08:00,9\\n")
>>> data.load_tickets(p)
Traceback (most recent call last):
...
pdcakit.data.errors.DataError: ...tickets.csv, column 'csat': 1 value above 5 (allowed 1 to 5) \
(row 2: 9; spreadsheet rows, header = row 1). Fix: csat is a 1-5 satisfaction score: \
rescale other scales to 1-5 before loading; empty the cells with no answer.
"""

from . import schema
from .describe import ExportSummary, describe_export
from .errors import DataError
from .inputs import resolve_input
from .mapping import Mapping, list_presets, load_mapping
from .peek import ExportPeek, peek_export
from .plausible import Plausibility, plausibility
from .readers import read_table
from .schema import TABLES, TICKETS
from .tables import load_aggregates, load_table
from .tickets import load_tickets

__all__ = [
    "TABLES",
    "TICKETS",
    "DataError",
    "ExportPeek",
    "ExportSummary",
    "Mapping",
    "Plausibility",
    "describe_export",
    "list_presets",
    "load_aggregates",
    "load_mapping",
    "load_table",
    "load_tickets",
    "peek_export",
    "plausibility",
    "read_table",
    "resolve_input",
    "schema",
]
