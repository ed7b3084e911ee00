"""The baseline's tickets as aggregates: what the page needs from a big export, read by a
query engine (DuckDB, or Spark by setting) without loading its rows into pandas.

:func:`load_engine_tickets` runs, on the export where it lies, one summary query (tickets,
first and last creation time, which canonical columns hold a value, how many distinct
values the segment and unit columns have) and the aggregates of
:func:`pdcakit.aggregate.aggregate_tickets`: by period and ``segment_column`` for the
scorecard, the headline series and the segment table, and by ``unit_column`` for the
funnels. The result, :class:`EngineTickets`, stands where the baseline page's ``tickets``
frame stands (:mod:`pdcakit.stages.baseline_page` chooses per section). An export or
setting the engine cannot read as the row path does raises
:class:`~pdcakit.aggregate.AggregateUnsupported` (the page then loads the rows, saying
why).

>>> from pdcakit.stages.sections import Sections
>>> found = load_engine_tickets("demo:tickets.csv", engine="duckdb", period="W",
...     window=("2026-01-05", "2026-04-06"), ledger=Sections.of(None))
>>> found.tickets, found.engine, "csat" in found.present
(23988, 'duckdb', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pdcakit.stages.sections import MAX_SEGMENTS, Sections, mapping_file

__all__ = ["ROW_LOADING_OPTIONS", "DistinctCount", "EngineTickets", "load_engine_tickets",
           "window_summary"]

#: Loading parameters the aggregate path does not apply (the rows are parsed by pandas).
ROW_LOADING_OPTIONS = ("on_duplicate", "timezone", "dayfirst")


@dataclass(frozen=True)
class DistinctCount:
    """A column's number of distinct values, read as ``frame[column].nunique()`` reads it
    (what :meth:`pdcakit.stages.sections.Sections.segments` asks of the tickets)."""

    count: int

    def nunique(self, dropna: bool = True) -> int:
        return self.count


@dataclass(frozen=True, eq=False)
class EngineTickets:
    """A ticket export's aggregates for the baseline page.

    ``aggregates``: by period and ``segment_column`` (None: no segment, or one with more
    than :data:`~pdcakit.stages.sections.MAX_SEGMENTS` values); ``units``: by
    ``unit_column`` (None when off or absent). ``present``: the canonical columns holding a
    value in the window; ``distinct``: distinct values of the segment and unit columns.
    """

    label: str
    engine: str
    path: str
    mapping: Any
    window: tuple[Any, Any]
    aggregates: Any
    units: Any
    present: frozenset[str]
    tickets: int
    open: int | None
    first_created: pd.Timestamp
    last_created: pd.Timestamp
    distinct: Mapping[str, int] = field(default_factory=dict)
    runner: Any = None
    language: str = "en"

    @property
    def attrs(self) -> dict[str, Any]:
        """The loaded frame's ``attrs`` the page reads (snapshot and how it was known)."""
        return {"snapshot": self.aggregates.snapshot,
                "snapshot_source": self.aggregates.snapshot_source}

    def __getitem__(self, column: str) -> DistinctCount:
        return DistinctCount(int(self.distinct.get(column, 0)))

    def pareto(self, column: str, where: str | None = None) -> pd.DataFrame:
        """Tickets (or, with ``where``, those flagged yes) by ``column``, largest first
        (:func:`pdcakit.aggregate.tickets.pareto_counts`)."""
        from pdcakit.aggregate.tickets import pareto_counts

        return pareto_counts(self.path, self.mapping, column=column, where=where,
                             window=self.window, engine=self.runner)


def window_summary(runner: Any, source: Any, relation: str, window: tuple[Any, Any],
             counted: tuple[str, ...]) -> pd.Series:
    """One scan: tickets, first and last creation (microseconds), each canonical column's
    count of values, and the distinct values of ``counted``."""
    from pdcakit.aggregate.queries import query_set
    from pdcakit.aggregate.tickets import epoch_micros

    q = query_set(source, runner.dialect, period="W", snapshot_us=None)
    quote, micros = runner.dialect.quote, runner.dialect.micros
    created = micros(quote("created_at"))
    select = [f"count(*) AS {quote('tickets')}", f"min({created}) AS {quote('first_us')}",
              f"max({created}) AS {quote('last_us')}",
              *(f"count({quote(c)}) AS {quote('n__' + c)}" for c in q.columns),
              *(f"count(DISTINCT {quote(c)}) AS {quote('distinct__' + c)}" for c in counted)]
    conditions = [f"{quote('created_at')} IS NOT NULL"]
    if window[0] is not None:
        conditions.append(f"{created} >= {epoch_micros(window[0])}")
    if window[1] is not None:
        conditions.append(f"{created} < {epoch_micros(window[1])}")
    sql = (f"WITH c AS ({q.canonical}) SELECT {', '.join(select)} FROM c "
           f"WHERE {' AND '.join(conditions)}")
    return runner.query(sql, relation).iloc[0]


def open_page_export(data_path: str, mapping: Any, *, engine: str, ledger: Sections,
                     snapshot: Any = None, loading: Mapping[str, Any] | None = None
                     ) -> tuple[Any, str, Any]:
    """A stage page's export opened on ``engine`` (:func:`pdcakit.aggregate.opening.
    open_tickets`): (the opened export, its path, its mapping), the file and mapping
    recorded in ``ledger``. A row-path loading option given in ``loading``
    (``on_duplicate``, ``timezone``, ``dayfirst``; "" is not given) raises
    :class:`~pdcakit.aggregate.AggregateUnsupported` naming it: the aggregate path would
    parse cells differently. The baseline's and the compare page's one way in."""
    from pdcakit import data
    from pdcakit.aggregate import AggregateUnsupported
    from pdcakit.aggregate.opening import open_tickets

    given = [name for name in ROW_LOADING_OPTIONS if str((loading or {}).get(name, "") or "")]
    if given:
        raise AggregateUnsupported(
            f"the aggregate path does not apply the parameter {', '.join(given)} (cells "
            "would be parsed differently from the row path)")
    path = str(data.resolve_input(ledger.read("data_path", data_path)))
    mapped = (ledger.read("mapping", mapping) if mapping_file(mapping) else mapping) or None
    return open_tickets(path, mapped, engine=engine, snapshot=snapshot), path, mapped


def load_engine_tickets(data_path: str, mapping: str = "", *, engine: str, period: str,
                        ledger: Sections, window: tuple[Any, Any] = (None, None),
                        snapshot: str = "", segment_column: str = "", unit_column: str = "",
                        sla_first_response_minutes: float | None = None,
                        sla_resolution_hours: float | None = None, language: str = "en",
                        **loading: Any) -> EngineTickets:
    """The aggregates of ``data_path`` (a CSV or Parquet file or folder; ``demo:NAME``)
    through ``engine`` (``duckdb`` or ``spark``), the file and mapping recorded in
    ``ledger`` as :func:`pdcakit.stages.sections.load_export` records them.

    ``loading``: the row path's ``on_duplicate``, ``timezone`` and ``dayfirst``; any
    given ("" is not) raises :class:`~pdcakit.aggregate.AggregateUnsupported` naming it,
    as does a mapping setting a query cannot apply. Bad cells raise the row path's
    :class:`~pdcakit.data.DataError` (file, column, rows, fix). ``language``: the words
    of the lines the page says about the engine.
    """
    from pdcakit.aggregate import aggregate_tickets

    opened, path, mapped = open_page_export(data_path, mapping, engine=engine, ledger=ledger,
                                            snapshot=snapshot, loading=loading)
    runner, relation, source = opened.runner, opened.relation, opened.source
    counted = tuple(dict.fromkeys(c for c in (segment_column, unit_column)
                                  if c and c in source.columns))
    summary = window_summary(runner, source, relation, window, counted)
    distinct = {c: int(summary[f"distinct__{c}"]) for c in counted}
    present = frozenset(c for c in source.columns if int(summary.get(f"n__{c}", 0) or 0) > 0)
    if "resolved_at" in source.columns:  # the row path's is_open column
        present |= {"is_open"}
    options = {"period": period, "window": window, "snapshot": snapshot or None,
               "engine": runner, "sla_first_response_minutes": sla_first_response_minutes,
               "sla_resolution_hours": sla_resolution_hours}
    segment = (segment_column if segment_column in present
               and distinct.get(segment_column, 0) <= MAX_SEGMENTS else None)
    aggregates = aggregate_tickets(path, mapped, segment=segment, **options)
    units = None
    if unit_column and unit_column in present:
        units = (aggregates if unit_column == segment else
                 aggregate_tickets(path, mapped, segment=unit_column, validate=False,
                                   durations=False, **options))
    n = int(summary["tickets"])
    resolved = int(aggregates.counts["resolved"].sum())
    return EngineTickets(
        label=source.label, engine=runner.dialect.name, path=path, mapping=mapped,
        window=window, aggregates=aggregates, units=units, present=present, tickets=n,
        open=n - resolved if "resolved_at" in source.columns else None,
        first_created=pd.Timestamp(int(summary["first_us"]), unit="us"),
        last_created=pd.Timestamp(int(summary["last_us"]), unit="us"),
        distinct=distinct, runner=runner, language=language)
