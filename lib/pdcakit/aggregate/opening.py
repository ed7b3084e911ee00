"""Opening a ticket export on a query engine: the engine, the table expression that reads
the file, and the mapping resolved against the file's own columns, in one call.

Every aggregate reader starts the same way (:func:`~pdcakit.aggregate.aggregate_tickets`,
:func:`~pdcakit.aggregate.tickets.pareto_counts`, :mod:`pdcakit.aggregate.bigfile`, the
baseline's and the compare page's engine reads): :func:`open_tickets` is that start. An
Excel workbook is refused with the way out (convert it once to Parquet,
:func:`~pdcakit.aggregate.source.excel_to_parquet`).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("Ticket,Opened\\nA,2026-01-05 09:00\\n", encoding="utf-8")
>>> opened = open_tickets(p, {"columns": {"id": "Ticket", "created_at": "Opened"}})
>>> opened.source.columns, opened.runner.dialect.name, list(opened.columns)
({'id': 'Ticket', 'created_at': 'Opened'}, 'duckdb', ['Ticket', 'Opened'])
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from .engines import make_engine
from .source import AggregateUnsupported, TicketSource, file_format, ticket_source

__all__ = ["OpenedTickets", "open_tickets"]


@dataclass(frozen=True, eq=False)
class OpenedTickets:
    """A ticket export opened on an engine.

    ``runner``: the engine object; ``relation``: the SQL table expression reading the
    file; ``source``: the mapping resolved (canonical column -> the file's);
    ``columns``: the file's columns and the engine's types, in file order.
    """

    runner: Any
    relation: str
    source: TicketSource
    columns: dict[str, str]
    format: str


def open_tickets(path: str | os.PathLike[str], mapping: Any = None, *, engine: Any = "duckdb",
                 snapshot: Any = None) -> OpenedTickets:
    """Open ``path`` (CSV, optionally .gz, Parquet file or folder) on ``engine``
    (``"duckdb"``, ``"spark"`` or an engine object) with ``mapping`` resolved as the row
    path resolves it. Raises :class:`AggregateUnsupported` for an Excel file or a mapping
    setting a query cannot apply, :class:`~pdcakit.data.DataError` for a missing
    ``created_at``."""
    from ..data.inputs import input_label

    runner = make_engine(engine) if isinstance(engine, str) else engine
    fmt = file_format(path)
    if fmt == "excel":
        raise AggregateUnsupported(
            f"{input_label(path)}: the aggregate path reads CSV and Parquet; convert the "
            "workbook first (pdcakit.aggregate.excel_to_parquet) and aggregate the Parquet "
            "file")
    columns = runner.columns(path, fmt)
    source = ticket_source(path, columns, mapping, snapshot=snapshot)
    return OpenedTickets(runner=runner, relation=runner.relation(path, fmt), source=source,
                         columns=columns, format=fmt)
