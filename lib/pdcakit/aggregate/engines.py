"""Which engine runs the aggregate queries: a setting, ``engine="duckdb" | "spark" |
"pandas"``. DuckDB is embedded (the default); Spark is an extra, imported only when
chosen; ``pandas`` is the row path (every row loaded, :func:`pdcakit.data.load_tickets`).

>>> ENGINES
('duckdb', 'spark', 'pandas')
>>> make_engine("duckdb").dialect.name
'duckdb'
"""

from __future__ import annotations

from typing import Any

from ..suggest import did_you_mean

__all__ = ["ENGINES", "make_engine"]

ENGINES: tuple[str, ...] = ("duckdb", "spark", "pandas")


def make_engine(name: str, **options: Any) -> Any:
    """The query engine called ``name`` (``duckdb`` or ``spark``); ``options`` go to its
    constructor (DuckDB: ``threads``, ``memory_limit``; Spark: ``session``, ``master``)."""
    key = str(name).strip().lower()
    if key == "duckdb":
        from .duckdb_engine import DuckDBEngine
        return DuckDBEngine(**options)
    if key == "spark":
        from .spark_engine import SparkEngine
        return SparkEngine(**options)
    if key == "pandas":
        raise ValueError("engine 'pandas' is the row path: call pdcakit.data.load_tickets "
                         "and pdcakit.metrics (pdcakit.aggregate.ticket_scorecard does it for you)")
    hint = did_you_mean(str(name), ENGINES)
    raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {name!r}"
                     + (f"; {hint}" if hint else ""))
