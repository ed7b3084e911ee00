"""Aggregate first: ticket KPIs from counts and sums computed by a query engine.

The row path (:func:`pdcakit.data.load_tickets` then :mod:`pdcakit.metrics`) loads every
row into pandas. This package asks an engine for the aggregates the statistics need, per
period and segment, and computes the same figures from them:

- :mod:`.source`: which file, how its columns map (what a query can apply, what it cannot);
- :mod:`.queries`: the SQL of every aggregate, one text for DuckDB and Spark SQL;
- :mod:`.duckdb_engine`, :mod:`.spark_engine`: the engines (Spark is an extra);
- :mod:`.engines`: the ``engine="duckdb" | "spark" | "pandas"`` setting;
- :mod:`.fromagg`: statistics from aggregates (Wilson shares, t means, NPS, Kaplan-Meier,
  restricted means);
- :mod:`.tickets`: :func:`aggregate_tickets` and :class:`TicketAggregates` (scorecard,
  series per period, segments); :func:`ticket_scorecard`, the engine setting end to end;
- :mod:`.bigfile`: what a big file holds (rows, dates, nulls per column) in one scan.

>>> from pdcakit.aggregate import ENGINES
>>> ENGINES
('duckdb', 'spark', 'pandas')
"""

from __future__ import annotations

from .engines import ENGINES, make_engine
from .source import AggregateUnsupported, excel_to_parquet
from .tickets import TicketAggregates, aggregate_tickets, ticket_scorecard

__all__ = ["ENGINES", "AggregateUnsupported", "TicketAggregates", "aggregate_tickets",
           "excel_to_parquet", "make_engine", "ticket_scorecard"]
