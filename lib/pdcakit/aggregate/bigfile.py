"""What a big ticket file holds, from one or two engine scans: ``pdca check-data`` at
ten million rows in seconds.

:func:`describe_big_export` answers with the row path's own
:class:`pdcakit.data.ExportSummary` (so ``check-data`` prints the same sentences):
rows, first and last creation, calendar months and the empty ones, date-only times, the
snapshot, rows and cases still open, repeated ids with examples, the columns present,
empty and unused, the KPIs supported; plus the missing values per column
(:class:`BigExport`). What it leaves to the row path, said in ``notes``: the
plausibility checks (cases closed without a resolution time, open far longer than the
rest), which need every open case's age against the others'.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "cases.csv"
>>> _ = p.write_text("id,created_at,resolved_at\\nC1,2024-01-05,2024-01-09\\n"
...                  "C2,2024-03-11,\\nC2,2024-03-11,2024-03-12\\n")
>>> big = describe_big_export(p)
>>> s = big.summary
>>> s.rows, s.repeated_ids, s.open_rows, s.cases, s.open_cases, s.snapshot_source
(3, 1, 1, 2, 0, 'inferred from the latest timestamp')
>>> print(s.lines()[1])
3 rows created 2024-01-05 to 2024-03-11 (3 calendar months; 1 with no cases: 2024-02).
>>> big.nulls["resolved_at"]
1
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .opening import open_tickets
from .queries import query_set

__all__ = ["BigExport", "describe_big_export", "peek_big_export"]

_SHOWN = 3
_KEEP_WORDS = {"keep_first": "first", "keep_last": "last"}
_PLAUSIBILITY_NOTE = ("the plausibility checks (cases closed without a resolution time, "
                      "cases open far longer than the rest) are not run on the aggregate "
                      "path: run pdca check-data without --engine for them")


@dataclass(frozen=True)
class BigExport:
    """The :class:`~pdcakit.data.ExportSummary` of a big file, and the missing values per
    source column (``nulls``: file column -> empty cells)."""

    summary: Any
    nulls: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The summary's sentences, then one line of missing values per column."""
        empty = ", ".join(f"{name} {count:,}" for name, count in self.nulls.items() if count)
        return [*self.summary.lines(),
                f"Empty cells per column: {empty or 'none'}."]


def describe_big_export(path: str | os.PathLike[str], mapping: Any = None, *,
                        engine: Any = "duckdb", snapshot: Any = None,
                        on_duplicate: str | None = None) -> BigExport:
    """Describe ``path`` through a query engine, without loading its rows.

    ``mapping`` as for :func:`~pdcakit.aggregate.aggregate_tickets` (the parts a query
    can apply); ``on_duplicate`` only says which row of a repeated id the cases count
    (``keep_first``: the first; otherwise the last, as ``describe_export``).
    """
    from ..data.describe import ExportSummary, _stages
    from ..data.mapping import load_mapping
    from ..data.options import parse_on_duplicate
    from ..data.schema import TICKETS
    from ..kpis import supported_kpis

    m = load_mapping(mapping)
    policy = parse_on_duplicate(on_duplicate if on_duplicate else m.on_duplicate)
    plain = {k: v for k, v in (mapping or {}).items() if k != "on_duplicate"} \
        if isinstance(mapping, dict) else mapping
    opened = open_tickets(path, plain, engine=engine, snapshot=snapshot)
    runner, relation, source, columns = (opened.runner, opened.relation, opened.source,
                                         opened.columns)
    q = query_set(source, runner.dialect, period="M", snapshot_us=None)
    quote = runner.dialect.quote
    micros = runner.dialect.micros
    # one scan: the canonical columns and, beside them, the file's own columns
    raw = ", ".join(f"{quote(src)} AS {quote('raw:' + src)}" for src in columns)
    canonical = q.canonical.replace(" FROM {relation}", f", {raw} FROM {{relation}}")
    body = [f"count(*) AS {quote('rows')}"]
    body += [f"count({quote(c)}) AS {quote('n:' + c)}" for c in q.columns]
    body += [f"count({quote('raw:' + src)}) AS {quote('raw:' + src)}" for src in columns]
    times = [c for c in ("created_at", "first_response_at", "resolved_at") if c in q.columns]
    for c in times:
        body += [f"min({micros(quote(c))}) AS {quote('min:' + c)}",
                 f"max({micros(quote(c))}) AS {quote('max:' + c)}",
                 f"sum(CASE WHEN {micros(quote(c))} % 86400000000 <> 0 THEN 1 ELSE 0 END) "
                 f"AS {quote('clock:' + c)}"]
    if "id" in q.columns:
        body.append(f"count(DISTINCT {quote('id')}) AS {quote('ids')}")
    first = runner.query(f"WITH c AS ({canonical}) SELECT {', '.join(body)} FROM c",
                         relation).iloc[0]
    rows = int(first["rows"])
    nulls = {src: rows - int(first[f"raw:{src}"]) for src in columns}

    def to_time(us: Any) -> pd.Timestamp:
        return pd.Timestamp(int(us), unit="us")

    first_created, last_created = to_time(first["min:created_at"]), to_time(
        first["max:created_at"])
    months = pd.period_range(first_created, last_created, freq="M")
    month_rows = runner.query(
        f"WITH c AS ({q.canonical}) SELECT DISTINCT "
        f"{micros(runner.dialect.period_start(quote('created_at'), 'M'))} AS m FROM c "
        f"WHERE {quote('created_at')} IS NOT NULL", relation)
    seen = {pd.Timestamp(int(v), unit="us").to_period("M") for v in month_rows["m"]}
    empty_months = tuple(str(p) for p in months if p not in seen)
    date_only = all(int(first[f"clock:{c}"] or 0) == 0 for c in times)
    latest = max(to_time(first[f"max:{c}"]) for c in times if pd.notna(first[f"max:{c}"]))
    if source.snapshot not in (None, ""):
        snap, snap_source = pd.Timestamp(source.snapshot), "given"
    else:
        snap, snap_source = latest, "inferred from the latest timestamp"
    recent = micros(f"TIMESTAMP '{snap - pd.Timedelta(days=365):%Y-%m-%d %H:%M:%S}'")
    is_open = quote("resolved_at") + " IS NULL"
    which = _KEEP_WORDS.get(policy, "last")
    open_rows = open_last_year = open_cases = open_cases_last_year = None
    n_ids = n_extra = 0
    examples: tuple[str, ...] = ()
    cases = rows
    if "id" in q.columns:
        cases = int(first["ids"]) + (rows - int(first["n:id"]))  # missing ids count as cases
    if "resolved_at" in q.columns:
        opened = runner.query(
            f"WITH c AS ({q.canonical}) SELECT sum(CASE WHEN {is_open} THEN 1 ELSE 0 END) AS o,"
            f" sum(CASE WHEN {is_open} AND {micros(quote('created_at'))} >= {recent} THEN 1 "
            "ELSE 0 END) AS r FROM c", relation).iloc[0]
        open_rows, open_last_year = int(opened["o"] or 0), int(opened["r"] or 0)
        open_cases, open_cases_last_year = open_rows, open_last_year
    if "id" in q.columns and cases < rows:
        n_ids, n_extra, examples, per_case = _repeats(runner, relation, q.canonical, which,
                                                      is_open if open_rows is not None
                                                      else None, recent)
        if per_case is not None:
            open_cases, open_cases_last_year = per_case
    present = [c for c in TICKETS.columns if c in q.columns and int(first[f"n:{c}"]) > 0]
    usable, skipped = supported_kpis(present)
    found = dict(source.columns)
    summary = ExportSummary(
        file=source.label, mapping=m.name, rows=rows, first_created=first_created,
        last_created=last_created, months=len(months), empty_months=empty_months,
        date_only=date_only, snapshot=snap, snapshot_source=snap_source, open_rows=open_rows,
        open_last_year=open_last_year, repeated_ids=n_ids, repeated_rows=n_extra,
        repeated_examples=examples, on_duplicate=policy, columns=found,
        present=tuple(present), empty=tuple(c for c in found if c not in present),
        unmapped=tuple(c for c in columns if c not in found.values()), kpis=usable,
        kpis_skipped=skipped, stages=_stages(set(present)), notes=(_PLAUSIBILITY_NOTE,),
        cases=cases, open_cases=open_cases, open_cases_last_year=open_cases_last_year,
        cases_from=which, plausibility=None)
    return BigExport(summary=summary, nulls=nulls)


def _repeats(runner: Any, relation: str, canonical: str, which: str, is_open: str | None,
             recent: str) -> tuple[int, int, tuple[str, ...], tuple[int, int] | None]:
    """Repeated ids: how many, the extra rows, examples with spreadsheet rows, and the
    open cases counting the ``which`` row of each id."""
    numbered = canonical.replace("SELECT ", "SELECT row_number() OVER () + 1 AS r, ", 1)
    order = "r" if which == "first" else "r DESC"
    rid = '"id"' if runner.dialect.name == "duckdb" else "`id`"
    counts = runner.query(
        f"WITH c AS ({numbered}), g AS (SELECT {rid} AS i, count(*) AS k, min(r) AS f "
        f"FROM c WHERE {rid} IS NOT NULL GROUP BY {rid} HAVING count(*) > 1) "
        "SELECT count(*) AS ids, sum(k) - count(*) AS extra FROM g", relation).iloc[0]
    shown = runner.query(
        f"WITH c AS ({numbered}), g AS (SELECT {rid} AS i, min(r) AS f FROM c "
        f"WHERE {rid} IS NOT NULL GROUP BY {rid} HAVING count(*) > 1 ORDER BY f "
        f"LIMIT {_SHOWN}) SELECT g.i, c.r FROM g JOIN c ON c.{rid} = g.i ORDER BY g.f, c.r",
        relation)
    examples = tuple(f"{str(ident)!r} on rows {', '.join(str(int(r)) for r in part['r'][:4])}"
                     for ident, part in shown.groupby("i", sort=False))
    per_case = None
    if is_open is not None:
        kept = runner.query(
            f"WITH c AS ({numbered}), k AS (SELECT *, row_number() OVER (PARTITION BY "
            f"coalesce(CAST({rid} AS VARCHAR), CAST(r AS VARCHAR)) ORDER BY {order}) AS p "
            f"FROM c) SELECT sum(CASE WHEN {is_open} THEN 1 ELSE 0 END) AS o, "
            f"sum(CASE WHEN {is_open} AND {runner.dialect.micros(rid.replace('id', 'created_at'))}"
            f" >= {recent} THEN 1 "
            "ELSE 0 END) AS l FROM k WHERE p = 1", relation).iloc[0]
        per_case = (int(kept["o"] or 0), int(kept["l"] or 0))
    return int(counts["ids"]), int(counts["extra"]), examples, per_case


def peek_big_export(path: str | os.PathLike[str], mapping: Any = None, *,
                    engine: Any = "duckdb", snapshot: Any = None) -> Any:
    """What ``pdca run``'s checks before a kernel starts need (rows, the columns holding a
    value, the ``created_at`` range) in one scan by the engine, as
    :class:`pdcakit.data.peek.ExportPeek`: a 10M-row Parquet file is counted in seconds
    without its rows in memory (``data.peek_export`` reads every row of a Parquet file).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("id,created_at,csat\\n1,2026-01-05,\\n2,2026-02-01 10:00,4\\n")
    >>> peek = peek_big_export(p)
    >>> peek.rows, peek.present, str(peek.created_max)
    (2, ('id', 'created_at', 'csat'), '2026-02-01 10:00:00')
    """
    from ..data.inputs import input_label
    from ..data.peek import ExportPeek

    opened = open_tickets(path, mapping, engine=engine, snapshot=snapshot)
    runner, relation, source, columns = (opened.runner, opened.relation, opened.source,
                                         opened.columns)
    q = query_set(source, runner.dialect, period="M", snapshot_us=None)
    quote, micros = runner.dialect.quote, runner.dialect.micros
    body = [f"count(*) AS {quote('rows')}"]
    body += [f"count({quote(c)}) AS {quote('n:' + c)}" for c in q.columns]
    body += [f"min({micros(quote('created_at'))}) AS {quote('min')}",
             f"max({micros(quote('created_at'))}) AS {quote('max')}"]
    first = runner.query(f"WITH c AS ({q.canonical}) SELECT {', '.join(body)} FROM c",
                         relation).iloc[0]

    def when(us: Any) -> pd.Timestamp | None:
        return None if pd.isna(us) else pd.Timestamp(int(us), unit="us")

    return ExportPeek(
        file=input_label(path), rows=int(first["rows"]), header=tuple(columns),
        columns=dict(source.columns),
        present=tuple(c for c in q.columns if int(first[f"n:{c}"] or 0) > 0),
        unmapped=tuple(c for c in columns if c not in source.columns.values()),
        created_min=when(first["min"]), created_max=when(first["max"]))
