"""The aggregate queries, engine-neutral: SQL that DuckDB and Spark SQL both run.

Each ticket KPI needs only a few numbers per period (and segment), never the rows:

=====================  ===================================================================
KPI kind               aggregate (per period and segment)
=====================  ===================================================================
share (FCR, ...)       tickets with a value, successes, open ones among them, missing
resolution rate        tickets, resolved
mean (AHT)             count, sum, sum of squares, missing; the median in its own query
score (CSAT, NPS)      value counts of the score
SLA attainment         met, missed, pending (open and younger than the threshold)
duration (TTR, FRT)    events and censored tickets per distinct duration (microseconds)
=====================  ===================================================================

Times enter as whole microseconds since 1970 (``Dialect.micros``), so a duration is an
exact integer and the statistics layer turns it into minutes as the row path does
(``(stop - created).dt.total_seconds() / 60``). Periods are the start of the day, the
Monday-to-Sunday week or the month (``date_trunc``, the periods of
:mod:`pdcakit.periods`). Only the parts the engines spell differently go through
:class:`Dialect`.

>>> DUCKDB.period_start("t", "W")
"date_trunc('week', t)"
>>> SPARK.micros("t")
'unix_micros(CAST(t AS TIMESTAMP))'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..data.mapping import DEFAULT_NA_VALUES
from ..data.parsing import FALSE_VALUES, TRUE_VALUES
from .source import TicketSource

__all__ = ["DUCKDB", "DURATION_END", "FLAGS", "SCORES", "SPARK", "Dialect", "QuerySet",
           "query_set"]

#: Yes/no KPI columns (share of True among the tickets with a value).
FLAGS: tuple[str, ...] = ("first_contact_resolved", "complaint", "reopened")
#: Score columns whose value counts are kept.
SCORES: tuple[str, ...] = ("csat", "nps")
#: Duration KPI -> the column whose time ends it.
DURATION_END: dict[str, str] = {"time_to_resolve": "resolved_at",
                                "first_response_time": "first_response_at"}
_TIMES = ("created_at", "first_response_at", "resolved_at")
_PERIOD_UNIT = {"D": "day", "W": "week", "M": "month"}
_NUMERIC = ("DOUBLE", "FLOAT", "REAL", "INT", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT",
            "DECIMAL", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "LONG", "SHORT",
            "BYTE")


@dataclass(frozen=True)
class Dialect:
    """What DuckDB and Spark SQL spell differently."""

    name: str
    text: str                 # the string type
    micros_fn: str            # timestamp -> microseconds since 1970
    median_fn: str            # exact median, interpolated as pandas'

    def micros(self, expr: str) -> str:
        return f"{self.micros_fn}(CAST({expr} AS TIMESTAMP))"

    def period_start(self, expr: str, period: str) -> str:
        return f"date_trunc('{_PERIOD_UNIT[period]}', {expr})"

    def median(self, expr: str) -> str:
        return f"{self.median_fn}({expr}, 0.5)"

    def quote(self, name: str) -> str:
        if self.name == "spark":
            return "`" + name.replace("`", "``") + "`"
        return '"' + name.replace('"', '""') + '"'


DUCKDB = Dialect("duckdb", "VARCHAR", "epoch_us", "quantile_cont")
SPARK = Dialect("spark", "STRING", "unix_micros", "percentile")


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _texts(values: Sequence[str]) -> str:
    return ", ".join(_literal(v.strip().lower()) for v in values)


def _canonical(column: str, kind: str, source: TicketSource, d: Dialect) -> tuple[str, str]:
    """(parsed expression, bad-cell condition) of one canonical column from its source."""
    raw = d.quote(source.columns[column])
    typed = source.type_of(column)
    if kind == "datetime" and typed.startswith(("TIMESTAMP", "DATE")):
        return f"CAST({raw} AS TIMESTAMP)", "FALSE"
    if kind == "number" and typed.startswith(_NUMERIC):
        return f"CAST({raw} AS DOUBLE)", "FALSE"
    if kind == "bool" and typed.startswith("BOOL"):
        return raw, "FALSE"
    text = f"NULLIF(trim(CAST({raw} AS {d.text})), '')"
    if kind in ("datetime", "number", "bool"):  # NA-like texts are missing here (row path)
        na = ", ".join(_literal(v) for v in DEFAULT_NA_VALUES)
        text = f"CASE WHEN {text} IN ({na}) THEN NULL ELSE {text} END"
    if kind == "datetime":
        parsed = (f"TRY_CAST({text} AS TIMESTAMP)" if d.name == "duckdb"
                  else f"CAST({text} AS TIMESTAMP)")
        return parsed, f"({text} IS NOT NULL AND {parsed} IS NULL)"
    if kind == "number":
        parsed = (f"TRY_CAST({text} AS DOUBLE)" if d.name == "duckdb"
                  else f"CAST({text} AS DOUBLE)")
        return parsed, f"({text} IS NOT NULL AND {parsed} IS NULL)"
    if kind == "bool":
        truthy = _texts((*TRUE_VALUES, *source.true_values))
        falsy = _texts((*FALSE_VALUES, *source.false_values))
        low = f"lower({text})"
        parsed = (f"CASE WHEN {low} IN ({truthy}) THEN TRUE WHEN {low} IN ({falsy}) "
                  "THEN FALSE ELSE NULL END")
        return parsed, f"({text} IS NOT NULL AND {parsed} IS NULL)"
    table = source.values.get(column)
    if table:
        cases = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in table.items())
        return f"CASE {text} {cases} ELSE {text} END", "FALSE"
    return text, "FALSE"


@dataclass(frozen=True)
class QuerySet:
    """The SQL of every aggregate over one ticket relation (``{relation}`` filled in by the
    engine: a DuckDB table function, a Spark view)."""

    canonical: str           # SELECT of the canonical columns (a CTE body)
    checks: str              # one row of bad-cell and order counts
    bad_rows: dict[str, str]  # check name -> condition (for naming rows)
    snapshot: str            # latest of the three timestamps, microseconds
    counts: str              # per period and segment: counts and sums
    scores: dict[str, str]   # score column -> value counts per period and segment
    durations: dict[str, str]  # duration KPI -> event/censored counts per distinct duration
    median: str | None       # overall median of handle_minutes
    columns: tuple[str, ...]  # canonical columns present


def _kinds() -> dict[str, str]:
    from ..data.schema import TICKETS
    return dict(TICKETS.kinds)


def query_set(source: TicketSource, dialect: Dialect, *, period: str, snapshot_us: int | None,
              segment: str | None = None, window_us: tuple[int | None, int | None] = (None, None),
              sla_first_response_minutes: float = 240.0, sla_resolution_hours: float = 24.0,
              bin_us: int | None = None) -> QuerySet:
    """Every aggregate query over ``source`` in ``dialect``.

    ``snapshot_us``: the censoring time of open tickets (None only for the snapshot query
    itself); ``window_us``: created-at bounds [start, end) in microseconds; ``bin_us``:
    durations floored to this width (None: exact).
    """
    if period not in _PERIOD_UNIT:
        raise ValueError(f"period must be D, W or M, got {period!r}")
    kinds = _kinds()
    present = tuple(c for c in kinds if source.has(c))
    if segment is not None and segment not in present:
        raise ValueError(f"segment column {segment!r} is not in the file (columns present: "
                         f"{', '.join(present)})")
    parsed, bad = {}, {}
    for column in present:
        parsed[column], bad[column] = _canonical(column, kinds[column], source, dialect)
    q = dialect.quote
    select = ", ".join(f"{expr} AS {q(c)}" for c, expr in parsed.items())
    canonical = f"SELECT {select} FROM {{relation}}"
    bad_rows = {f"unreadable {c}": cond for c, cond in bad.items() if cond != "FALSE"}
    for column in ("resolved_at", "first_response_at"):
        if column in present:
            bad_rows[f"{column} before created_at"] = \
                f"({parsed[column]} < {parsed['created_at']})"
    for column, (low, high) in (("csat", (1, 5)), ("nps", (0, 10)),
                                ("handle_minutes", (0, 24 * 60))):
        if column in present:
            bad_rows[f"{column} outside {low}-{high}"] = \
                f"({parsed[column]} < {low} OR {parsed[column]} > {high})"
    if "created_at" in present:
        bad_rows["empty created_at"] = f"({parsed['created_at']} IS NULL)"
    if "id" in present:  # a window condition: rows whose id occurs more than once
        bad_rows["repeated id"] = (f"({parsed['id']} IS NOT NULL AND count(*) OVER "
                                   f"(PARTITION BY {parsed['id']}) > 1)")
    def tally(name: str, cond: str) -> str:
        if name == "repeated id":  # exact (hashing first saved nothing at 10M ids)
            return f"count({parsed['id']}) - count(DISTINCT {parsed['id']}) AS {q(name)}"
        return f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {q(name)}"

    checks_body = ", ".join(tally(name, cond) for name, cond in bad_rows.items())
    checks = f"SELECT count(*) AS {q('rows')}, {checks_body} FROM {{relation}}"
    times = [dialect.micros(q(c)) for c in _TIMES if c in present]
    snapshot = ("WITH t AS (" + canonical + ") SELECT "
                + ", ".join(f"max({m}) AS m{i}" for i, m in enumerate(times)) + " FROM t")
    if snapshot_us is None:
        return QuerySet(canonical, checks, bad_rows, snapshot, "", {}, {}, None, present)

    created = dialect.micros(q("created_at"))
    seg = f"CAST({q(segment)} AS {dialect.text})" if segment else "CAST(NULL AS " \
        f"{dialect.text})"
    where = []
    if window_us[0] is not None:
        where.append(f"{created} >= {int(window_us[0])}")
    if window_us[1] is not None:
        where.append(f"{created} < {int(window_us[1])}")
    where_sql = (" WHERE " + " AND ".join(where)) if where else ""
    is_open = f"{q('resolved_at')} IS NULL" if "resolved_at" in present else "FALSE"
    base = (f"WITH c AS ({canonical}), t AS (SELECT *, "
            f"{dialect.micros(dialect.period_start(q('created_at'), period))} AS period_us, "
            f"{seg} AS segment, {created} AS created_us, ({is_open}) AS is_open "
            f"FROM c{where_sql}) ")

    def count_if(cond: str) -> str:
        return f"sum(CASE WHEN {cond} THEN 1 ELSE 0 END)"

    parts = ["count(*) AS tickets"]
    if "resolved_at" in present:
        parts.append(f"count({q('resolved_at')}) AS resolved")
    if "first_response_at" in present:
        parts.append(f"count({q('first_response_at')}) AS first_response_at__n")
    for column in FLAGS:
        if column in present:
            c = q(column)
            parts += [f"count({c}) AS {column}__n", f"{count_if(c)} AS {column}__x",
                      f"{count_if(f'{c} IS NOT NULL AND is_open')} AS {column}__open"]
    if "handle_minutes" in present:
        c = q("handle_minutes")
        parts += [f"count({c}) AS handle_minutes__n", f"sum({c}) AS handle_minutes__sum",
                  f"sum({c} * {c}) AS handle_minutes__sumsq",
                  f"{count_if(f'{c} IS NOT NULL AND is_open')} AS handle_minutes__open"]
    for key, column, minutes in (("sla_first_response", "first_response_at",
                                  sla_first_response_minutes),
                                 ("sla_resolution", "resolved_at", sla_resolution_hours * 60)):
        if column in present:
            limit = _limit_us(minutes)
            end = q(column)
            met = f"{end} IS NOT NULL AND {dialect.micros(end)} - created_us <= {limit}"
            missed = (f"({end} IS NOT NULL AND {dialect.micros(end)} - created_us > {limit}) "
                      f"OR ({end} IS NULL AND {int(snapshot_us)} - created_us > {limit})")
            parts += [f"{count_if(met)} AS {key}__x",
                      f"{count_if(f'({met}) OR {missed}')} AS {key}__n",
                      f"{count_if(f'(({met}) OR {missed}) AND is_open')} AS {key}__open"]
    counts = (base + "SELECT period_us, segment, " + ", ".join(parts)
              + " FROM t GROUP BY period_us, segment")
    scores = {}
    for column in SCORES:
        if column in present:
            c = q(column)
            scores[column] = (base + f"SELECT period_us, segment, {c} AS value, count(*) AS n, "
                              f"{count_if('is_open')} AS n_open FROM t WHERE {c} IS NOT NULL "
                              f"GROUP BY period_us, segment, {c}")
    durations = {}
    for key, column in DURATION_END.items():
        if column in present:
            end = q(column)
            raw = (f"CASE WHEN {end} IS NOT NULL THEN {dialect.micros(end)} - created_us "
                   f"ELSE {int(snapshot_us)} - created_us END")
            dur = raw if not bin_us else f"(({raw}) - ({raw}) % {int(bin_us)})"
            durations[key] = (
                base + f"SELECT period_us, segment, duration_us, "
                f"{count_if('observed')} AS events, {count_if('NOT observed')} AS censored "
                f"FROM (SELECT period_us, segment, {dur} AS duration_us, "
                f"({end} IS NOT NULL) AS observed FROM t) d WHERE duration_us >= 0 "
                "GROUP BY period_us, segment, duration_us")
    median = None
    if "handle_minutes" in present:  # per segment and over all (whole = 1) in one pass
        sets = "GROUPING SETS ((segment), ())" if segment else "segment"
        whole = "grouping(segment)" if segment else "1"
        median = (base + f"SELECT segment, {whole} AS whole, "
                  f"{dialect.median(q('handle_minutes'))} AS median FROM t GROUP BY {sets}")
    return QuerySet(canonical, checks, bad_rows, snapshot, counts, scores, durations, median,
                    present)


def _limit_us(minutes: float) -> Any:
    """The SLA threshold in microseconds as the row path compares it
    (``pd.Timedelta(minutes=m)``, nanoseconds): a whole number when it is one."""
    import pandas as pd

    nanos = pd.Timedelta(minutes=float(minutes)).value
    return nanos // 1000 if nanos % 1000 == 0 else repr(nanos / 1000)
