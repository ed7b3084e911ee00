"""The aggregate queries on Spark: the same SQL as DuckDB's, over a Parquet file, a
Parquet folder or a CSV, on a local session (tests) or a cluster's (production).

pyspark is an extra (``pip install 'pdca-workbook[spark]'``, and Java 17 or later), imported
only when this engine is chosen (``engine="spark"``). The session runs in UTC so that a
file's times (naive, as the exports hold them) are read as they are written.

>>> SparkEngine.__name__
'SparkEngine'
"""

from __future__ import annotations

import os
import shutil
import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .queries import SPARK, Dialect

__all__ = ["SparkEngine", "spark_missing"]

INSTALL = ("the Spark engine needs pyspark and Java: pip install 'pdca-workbook[spark]' and a "
           "Java runtime 17 or later (e.g. apt-get install default-jre-headless); or use "
           "engine='duckdb'")


def spark_missing() -> str | None:
    """Why the Spark engine cannot start here (None: it can)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed; " + INSTALL
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java runtime found (java on PATH or JAVA_HOME); " + INSTALL
    return None


@dataclass
class SparkEngine:
    """Runs :mod:`pdcakit.aggregate.queries` SQL on a Spark session.

    ``session``: an existing SparkSession (a cluster's); else one is started with
    ``master`` (default ``local[2]``). ``cache``: keep the file's rows in Spark's memory
    between the queries (right for a local session; on a cluster, say so per table).
    """

    session: Any = None
    master: str = "local[2]"
    cache: bool = True
    dialect: Dialect = SPARK
    _views: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def spark(self) -> Any:
        if self.session is None:
            problem = spark_missing()
            if problem:
                raise ImportError(problem)
            from pyspark.sql import SparkSession

            self.session = (SparkSession.builder.master(self.master)
                            .appName("pdcakit-aggregate")
                            .config("spark.sql.session.timeZone", "UTC")
                            .config("spark.sql.shuffle.partitions", "8")
                            .config("spark.ui.enabled", "false")
                            .config("spark.ui.showConsoleProgress", "false")
                            .getOrCreate())
            self.session.sparkContext.setLogLevel("ERROR")
        return self.session

    def relation(self, path: str | os.PathLike[str], fmt: str) -> str:
        """A temporary view over ``path``, named for the query text."""
        key = f"{fmt}:{os.path.abspath(path)}"
        if key not in self._views:
            reader = self.spark.read
            frame = (reader.parquet(str(path)) if fmt == "parquet" else
                     reader.option("header", True).option("inferSchema", False)
                     .csv(str(path)))
            if self.cache:  # the aggregates scan the tickets several times
                frame = frame.cache()
            name = f"pdcakit_tickets_{len(self._views)}"
            frame.createOrReplaceTempView(name)
            self._views[key] = name
        return self._views[key]

    def columns(self, path: str | os.PathLike[str], fmt: str) -> dict[str, str]:
        """The file's column names and types, in DuckDB's spelling where they differ."""
        frame = self.spark.table(self.relation(path, fmt))
        names = {"string": "VARCHAR", "timestamp": "TIMESTAMP", "timestamp_ntz": "TIMESTAMP",
                 "date": "DATE", "boolean": "BOOLEAN", "double": "DOUBLE", "float": "FLOAT",
                 "bigint": "BIGINT", "int": "INT", "smallint": "SMALLINT",
                 "tinyint": "TINYINT"}
        return {f.name: names.get(f.dataType.simpleString(), f.dataType.simpleString().upper())
                for f in frame.schema.fields}

    def query(self, sql: str, relation: str) -> pd.DataFrame:
        """The result of ``sql`` (``{relation}`` replaced) as a pandas frame."""
        frame = self.spark.sql(sql.replace("{relation}", relation))
        with warnings.catch_warnings():  # pyspark's note on pandas 3: the frames are plain
            warnings.filterwarnings("ignore", module="pyspark")
            return frame.toPandas()

    def first_rows(self, relation: str, condition: str, limit: int = 5) -> list[int]:
        """Spark keeps no file order: no row numbers (the error names the count)."""
        return []

    def close(self) -> None:
        if self.session is not None:
            self.session.stop()
            self.session = None
