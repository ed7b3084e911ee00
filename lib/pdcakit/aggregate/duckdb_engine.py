"""The aggregate queries on DuckDB: embedded, no server, over CSV and Parquet files.

DuckDB (imported on first use) scans the file in parallel and returns only the
aggregates, as pandas frames of a few thousand rows. One connection per engine; its
threads follow the machine's cores.

>>> engine = DuckDBEngine()
>>> engine.dialect.name
'duckdb'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .queries import DUCKDB, Dialect

__all__ = ["DuckDBEngine"]


def _sql_text(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


@dataclass
class DuckDBEngine:
    """Runs :mod:`pdcakit.aggregate.queries` SQL on one DuckDB connection.

    ``threads``: DuckDB worker threads (None: DuckDB's default, every core);
    ``memory_limit``: e.g. ``"2GB"`` (None: DuckDB's default, 80% of RAM).
    """

    threads: int | None = None
    memory_limit: str | None = None
    dialect: Dialect = DUCKDB
    _con: Any = field(default=None, repr=False)

    @property
    def connection(self) -> Any:
        if self._con is None:
            try:
                import duckdb
            except ImportError as exc:  # pragma: no cover - duckdb is a dependency
                raise ImportError("the aggregate path needs DuckDB: pip install duckdb") \
                    from exc
            config = {}
            if self.threads:
                config["threads"] = int(self.threads)
            if self.memory_limit:
                config["memory_limit"] = str(self.memory_limit)
            self._con = duckdb.connect(":memory:", config=config)
        return self._con

    def relation(self, path: str | os.PathLike[str], fmt: str) -> str:
        """The SQL table expression that reads ``path``."""
        target = str(path)
        if fmt == "parquet":
            if os.path.isdir(target):
                target = os.path.join(target, "**", "*.parquet")
            return f"read_parquet({_sql_text(target)})"
        return (f"read_csv({_sql_text(target)}, header = true, all_varchar = true, "
                "strict_mode = false)")

    def columns(self, path: str | os.PathLike[str], fmt: str) -> dict[str, str]:
        """The file's column names and DuckDB types, in file order."""
        rows = self.connection.execute(f"DESCRIBE SELECT * FROM {self.relation(path, fmt)}"
                                       ).fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def query(self, sql: str, relation: str) -> pd.DataFrame:
        """The result of ``sql`` (``{relation}`` replaced) as a pandas frame."""
        return self.connection.execute(sql.replace("{relation}", relation)).df()

    def materialize(self, relation: str, columns: list[str], name: str) -> str:
        """``columns`` of ``relation`` kept in a DuckDB temporary table ``name`` (compressed
        columns in the engine, not in pandas), so that several queries parse a CSV file
        once; returns the table's name as a relation."""
        quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
        return self.keep(f"SELECT {quoted} FROM {{relation}}", relation, name)

    def keep(self, sql: str, relation: str, name: str) -> str:
        """The result of ``sql`` (``{relation}`` replaced) kept in a DuckDB temporary table
        ``name``; returns the table's name as a relation."""
        table = '"' + name.replace('"', '""') + '"'
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                                + sql.replace("{relation}", relation))
        return table

    def first_rows(self, relation: str, condition: str, limit: int = 5) -> list[int]:
        """Spreadsheet row numbers (header = row 1) of the first rows meeting ``condition``,
        in file order."""
        numbered = f"SELECT row_number() OVER () + 1 AS r, * FROM {relation}"
        sql = (f"SELECT r FROM (SELECT r, ({condition}) AS bad FROM ({numbered})) "
               f"WHERE bad ORDER BY r LIMIT {int(limit)}")
        return [int(r[0]) for r in self.connection.execute(sql).fetchall()]

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
