"""The compare and efficiency pages' tickets through a query engine (DuckDB, or Spark by
setting): per KPI and window, the counts the statistics need, never the export's rows.

:func:`load_engine_windows` checks the export as the row path does (bad cells, order of
times, repeated ids: the row path's :class:`~pdcakit.data.DataError`), finds the
snapshot, and counts what the page says about the windows (tickets, open ones, which
columns hold a value, distinct values of the segment and mix columns); on DuckDB the two
windows' canonical columns are then parsed once and kept in the engine (compressed, not
in pandas). Each KPI is read by one aggregate query when a section first needs it
(:meth:`EngineWindows.counts`):

======================  ================================================================
KPI                     counted per period, window, open or not, segment and mix value
======================  ================================================================
shares, rates, scores,  tickets per value of the KPI's column (FCR, complaint, reopened,
handle time             CSAT, NPS, handle minutes; missing values counted too)
durations (FRT, TTR)    tickets per distinct duration (whole microseconds) and whether
                        it ended (else censored at the snapshot)
anything else           (SLA, resolution rate: they need creation times) the rows of the
                        KPI's own columns only
======================  ================================================================

:meth:`EngineWindows.kpi_frame` turns a KPI's counts into the narrow frame the row path's
tests read (:func:`pdcakit.stages.compare.compare_kpi`, the phase views, segments and mix):
one row per ticket, holding only that KPI's column, the period, open flag and group
columns. Each row stands for a ticket with the same values, so every statistic that does
not depend on the order of the tickets equals the row path's (a ticket's creation time
becomes the start of its period, clamped to its window, which keeps its period and
window; an open ticket's is exact, its duration running to the snapshot). A few frames
are kept at a time; the counts stay (small, except durations: one row per distinct
duration).

Where the order of the tickets matters, the rows are read instead, the KPI's own columns
only: a bootstrap resamples tickets by position, and a group of at most
:data:`~pdcakit.stats.LARGE_SAMPLE` (100,000) tickets is bootstrapped, so windows of at
most :attr:`EngineWindows.exact_up_to` tickets read each KPI's columns in the file's
order, and the bootstraps draw the rows' own resamples. Above it the counts are used, in
one fixed order (the same export gives the same page); a segment small enough to be
bootstrapped then differs from the rows' by the Monte-Carlo error of its bootstrap only
(tied durations, ended or not, stand in another order).

>>> from pdcakit.stages.windows import Windows
>>> from pdcakit.stages.sections import Sections
>>> w = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
>>> found = load_engine_windows("demo:tickets.csv", windows=w, period="W",
...                             ledger=Sections.of(None), segment_column="channel")
>>> found.counted, found.open
((23988, 24012), (283, 565))
>>> before = found.before.kpi_frame("fcr")
>>> len(before), before["first_contact_resolved"].mean().round(4)
(23988, np.float64(0.6778))
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.stages.engine_tickets import DistinctCount, open_page_export, window_summary
from pdcakit.stages.sections import Sections
from pdcakit.stages.windows import Windows
from pdcakit.stats.bootstrap import LARGE_SAMPLE

__all__ = ["DURATION_END", "TICKETS", "VALUE_COLUMN", "EngineSide", "EngineWindows",
           "engine_compare_kpis", "kpi_frame", "load_engine_windows"]

#: KPI -> the column whose value counts carry it.
VALUE_COLUMN = {"fcr": "first_contact_resolved", "complaint_rate": "complaint",
                "reopen_rate": "reopened", "csat": "csat", "csat_mean": "csat", "nps": "nps",
                "aht": "handle_minutes"}
#: The key of the frame with no KPI column: every ticket, its period and group columns
#: (e.g. the share of tickets through a channel).
TICKETS = "tickets"
#: Duration KPI -> the column whose time ends it.
DURATION_END = {"first_response_time": "first_response_at", "time_to_resolve": "resolved_at"}
_FLAGS = ("first_contact_resolved", "complaint", "reopened")
#: Expanded frames kept at once (each one row per ticket of a KPI's columns).
_FRAMES_KEPT = 4


@dataclass(frozen=True, eq=False)
class EngineSide:
    """One window of an :class:`EngineWindows` (``side``: "before", "after" or "both"),
    standing where the row path's window frame stands."""

    windows: EngineWindows
    side: str

    def kpi_frame(self, key: str) -> pd.DataFrame:
        """KPI ``key``'s narrow frame in this window (see :meth:`EngineWindows.kpi_frame`)."""
        return self.windows.kpi_frame(key, self.side)

    def __len__(self) -> int:
        before, after = self.windows.counted
        return {"before": before, "after": after, "both": before + after}[self.side]

    def __contains__(self, column: object) -> bool:
        # the standards and composite measured per ticket need whole rows: not on the engine
        return False


def kpi_frame(tickets: Any, key: str) -> Any:
    """The frame a KPI's statistics read: ``tickets`` itself on the row path, the KPI's
    narrow frame from the engine's counts otherwise.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-04-01"])})
    >>> kpi_frame(t, "fcr") is t
    True
    """
    if isinstance(tickets, pd.DataFrame) or tickets is None:
        return tickets
    return tickets.kpi_frame(key)


@dataclass(frozen=True, eq=False)
class EngineWindows:
    """A ticket export's two windows, read through an engine.

    ``counted``: tickets (before, after); ``open``: still open in each (None without
    ``resolved_at``); ``present``: canonical columns holding a value over both windows;
    ``distinct``: distinct values of the ``groups`` columns (segment, mix); ``snapshot``
    and ``snapshot_source`` as the row path's frame ``attrs``.
    """

    label: str
    engine: str
    windows: Windows
    period: str
    present: frozenset[str]
    counted: tuple[int, int]
    open: tuple[int, int] | None
    snapshot: pd.Timestamp
    snapshot_source: str
    groups: dict[str, tuple[str, ...]]
    distinct: dict[str, int]
    first_created: pd.Timestamp
    last_created: pd.Timestamp
    runner: Any = field(repr=False, default=None)
    relation: str = ""
    source: Any = field(repr=False, default=None)
    canonical: str = ""
    exact_up_to: int = LARGE_SAMPLE
    _counts: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _frames: OrderedDict = field(default_factory=OrderedDict, repr=False)

    # ---------------------------------------------------------------- as the row path's
    @property
    def attrs(self) -> dict[str, Any]:
        """The loaded frame's ``attrs`` the page reads."""
        return {"snapshot": self.snapshot, "snapshot_source": self.snapshot_source}

    def __getitem__(self, column: str) -> DistinctCount:
        return DistinctCount(int(self.distinct.get(column, 0)))

    def __contains__(self, column: object) -> bool:
        return False  # no whole rows here: see EngineSide.__contains__

    @property
    def before(self) -> EngineSide:
        return EngineSide(self, "before")

    @property
    def after(self) -> EngineSide:
        return EngineSide(self, "after")

    def kpi_frame(self, key: str, side: str = "both") -> pd.DataFrame:
        """One row per ticket of window ``side`` ("before", "after", "both") with KPI
        ``key``'s columns (and ``created_at``, ``is_open``, the group columns), rebuilt
        from its counts; ``attrs`` hold the snapshot."""
        cache_key = (key, side)
        if cache_key in self._frames:
            self._frames.move_to_end(cache_key)
            return self._frames[cache_key]
        counts = self.counts(key)
        if side != "both":
            counts = counts[counts["side"] == (side == "after")]
        frame = self._expand(key, counts)
        self._frames[cache_key] = frame
        while len(self._frames) > _FRAMES_KEPT:
            self._frames.popitem(last=False)
        return frame

    # ---------------------------------------------------------------- queries
    def counts(self, key: str) -> pd.DataFrame:
        """KPI ``key``'s aggregate (one query, kept): ``period_us``, ``side`` (True:
        after), ``is_open``, a code per group column, the KPI's value (or
        ``duration_us`` and ``observed``) and ``n`` tickets."""
        if key not in self._counts:
            self._counts[key] = _ordered(self._query(key))
        return self._counts[key]

    def _query(self, key: str) -> pd.DataFrame:
        from pdcakit.aggregate.queries import query_set
        from pdcakit.aggregate.tickets import epoch_micros

        d = self.runner.dialect
        q, micros = d.quote, d.micros
        canonical = self.canonical or query_set(self.source, d, period=self.period,
                                                snapshot_us=None).canonical
        w = self.windows
        b0, b1, a0, a1 = (epoch_micros(t) for t in (w.before_start, w.before_end,
                                                     w.after_start, w.after_end))
        is_open = (f"({q('resolved_at')} IS NULL)" if "resolved_at" in self.source.columns
                   else "FALSE")
        groups = [self._group_code(column, values) for column, values in self.groups.items()]
        select = [f"{micros(d.period_start(q('created_at'), self.period))} AS period_us",
                  f"(created_us >= {a0}) AS side", f"{is_open} AS is_open",
                  *(f"{code} AS {q('g__' + column)}" for column, code in
                    zip(self.groups, groups, strict=True))]
        if key in DURATION_END:
            end = q(DURATION_END[key])
            select += [f"CASE WHEN {end} IS NOT NULL THEN {micros(end)} - created_us "
                       f"ELSE {epoch_micros(self.snapshot)} - created_us END AS duration_us",
                       f"({end} IS NOT NULL) AS observed"]
        elif key in VALUE_COLUMN:
            select.append(f"{q(VALUE_COLUMN[key])} AS value")
        elif key != TICKETS:
            return self._rows(key, canonical, b0, b1, a0, a1)
        if max(self.counted) <= self.exact_up_to:
            return self._rows(key, canonical, b0, b1, a0, a1)
        names = ", ".join(str(i + 1) for i in range(len(select)))
        sql = (f"WITH c AS ({canonical}), t AS (SELECT *, {micros(q('created_at'))} AS "
               f"created_us FROM c) SELECT {', '.join(select)}, count(*) AS n FROM t "
               f"WHERE {_in_windows(b0, b1, a0, a1)} GROUP BY {names}")
        return self.runner.query(sql, self.relation)

    def _rows(self, key: str, canonical: str, b0: int, b1: int, a0: int, a1: int
              ) -> pd.DataFrame:
        """The rows of the KPI's own columns only, in the file's order: for a KPI whose
        values need each ticket's own times (SLA, resolution rate), and for every KPI of
        windows of at most :attr:`exact_up_to` tickets, where a bootstrap resamples the
        tickets by position (:data:`pdcakit.stats.LARGE_SAMPLE`): the rows' order gives
        it the row path's resamples."""
        from pdcakit import metrics

        d = self.runner.dialect
        q = d.quote
        own = (metrics.KPIS[key].columns if key in metrics.KPIS else ())
        wanted = [c for c in dict.fromkeys(("created_at", *own, "resolved_at", *self.groups))
                  if c in self.source.columns]
        sql = (f"WITH c AS ({canonical}), t AS (SELECT *, {d.micros(q('created_at'))} AS "
               f"created_us FROM c) SELECT {', '.join(q(c) for c in wanted)}, "
               f"(created_us >= {a0}) AS side FROM t WHERE {_in_windows(b0, b1, a0, a1)}")
        return self.runner.query(sql, self.relation).assign(exact=True)

    def _group_code(self, column: str, values: tuple[str, ...]) -> str:
        q = self.runner.dialect.quote
        if not values:
            return "-1"
        cases = " ".join(f"WHEN {_literal(v)} THEN {i}" for i, v in enumerate(values))
        return f"CASE CAST({q(column)} AS {self.runner.dialect.text}) {cases} ELSE -1 END"

    # ---------------------------------------------------------------- counts -> rows
    def _expand(self, key: str, counts: pd.DataFrame) -> pd.DataFrame:
        if "exact" in counts:
            frame = counts.drop(columns=["side", "exact"]).reset_index(drop=True)
            frame = _typed(frame)
            if "resolved_at" in frame:
                frame["is_open"] = frame["resolved_at"].isna()
            frame.attrs = self.attrs
            return frame
        n = counts["n"].to_numpy(np.int64)
        after = np.repeat(counts["side"].to_numpy(bool), n)
        start = np.where(after, np.datetime64(self.windows.after_start, "us"),
                         np.datetime64(self.windows.before_start, "us"))
        period = np.repeat(counts["period_us"].to_numpy(np.int64), n).astype("datetime64[us]")
        created = np.maximum(period, start)
        columns: dict[str, Any] = {}
        if key in DURATION_END:
            duration = np.repeat(counts["duration_us"].to_numpy(np.int64), n
                                 ).astype("timedelta64[us]")
            observed = np.repeat(counts["observed"].to_numpy(bool), n)
            snap = np.datetime64(self.snapshot, "us")
            # an open ticket's creation is exact (its duration runs to the snapshot)
            created = np.where(observed, created, snap - duration)
            columns[DURATION_END[key]] = np.where(observed, created + duration,
                                                  np.datetime64("NaT", "us"))
        elif key in VALUE_COLUMN:
            column = VALUE_COLUMN[key]
            columns[column] = _values(column, counts["value"], n)
        frame = pd.DataFrame({"created_at": created, **columns})
        if "resolved_at" in self.source.columns:
            frame["is_open"] = np.repeat(counts["is_open"].to_numpy(bool), n)
        for column, names in self.groups.items():
            codes = np.repeat(counts[f"g__{column}"].to_numpy(np.int64), n)
            frame[column] = pd.Categorical.from_codes(codes, categories=list(names))
        frame.attrs = self.attrs
        return frame


def _ordered(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts in one order whatever order the engine's threads returned them in, so the
    same export gives the same page (a bootstrap resamples rows by position; the tickets
    of tied durations ended or not are then always in the same order). Durations by
    duration first, then whether it ended and the rest; exact rows keep the file's order."""
    if "exact" in counts or counts.empty:
        return counts
    keys = [c for c in counts.columns if c != "n"]
    if "duration_us" in counts:
        rest = ["observed", *(k for k in keys if k not in ("duration_us", "observed"))]
        packed = _packed(counts, rest)
        columns = ([packed] if packed is not None else
                   [counts[k].to_numpy(np.int64) for k in reversed(rest)])
        order = np.lexsort((*columns, counts["duration_us"].to_numpy(np.int64)))
        return counts.take(order).reset_index(drop=True)
    return counts.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


def _packed(counts: pd.DataFrame, keys: list[str]) -> np.ndarray | None:
    """One whole number per row ordering it by ``keys`` in turn (small ranges: flags,
    group codes, periods as days from the first), so a 10M-row sort takes two keys, not
    seven; each key's values shifted to start at 0. None when the ranges' product would
    not fit in 62 bits.

    >>> f = pd.DataFrame({"observed": [True, False, True], "g": [2, -1, 0]})
    >>> _packed(f, ["observed", "g"]).tolist()
    [7, 0, 5]
    """
    packed = np.zeros(len(counts), np.int64)
    room = 1
    for key in keys:
        values = counts[key].to_numpy(np.int64)
        if key == "period_us":
            values = values // 86_400_000_000  # period starts fall on midnights
        low = int(values.min()) if values.size else 0
        span = int(values.max()) - low + 1 if values.size else 1
        room *= span
        if room >= 2**62:
            return None
        packed = packed * span + (values - low)
    return packed


def _literal(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _in_windows(b0: int, b1: int, a0: int, a1: int) -> str:
    return (f"((created_us >= {b0} AND created_us < {b1}) OR "
            f"(created_us >= {a0} AND created_us < {a1}))")


def _values(column: str, values: pd.Series, n: np.ndarray) -> Any:
    """A value column repeated ``n`` times, in the row path's dtype (flags: ``boolean``
    with missing values; scores and minutes: float with NaN)."""
    if column in _FLAGS:
        missing = np.repeat(values.isna().to_numpy(), n)
        flags = np.repeat(values.fillna(False).astype(bool).to_numpy(), n)
        return pd.arrays.BooleanArray(flags, missing)
    return np.repeat(pd.to_numeric(values).to_numpy(float), n)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Exact rows in the row path's dtypes (times to microseconds, flags ``boolean``)."""
    for column in frame.columns:
        if column.endswith("_at"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[us]")
        elif column in _FLAGS:
            frame[column] = frame[column].astype("boolean")
    return frame


def load_engine_windows(data_path: str, mapping: str = "", *, windows: Windows, period: str,
                        ledger: Sections, engine: str = "duckdb", snapshot: str = "",
                        segment_column: str = "", mix_column: str = "",
                        group_columns: Sequence[str] = (), **loading: Any) -> EngineWindows:
    """``data_path`` (CSV or Parquet file or folder; ``demo:NAME``) through ``engine``,
    its two windows counted: the row path's checks first (a :class:`~pdcakit.data.DataError`
    names file, column, rows and fix), the snapshot, the windows' tickets and open ones,
    the columns holding a value, the distinct values of ``segment_column`` and
    ``mix_column`` (and of ``group_columns``: each KPI's frame holds them all). The file
    and mapping are recorded in ``ledger``.

    ``loading``: the row path's ``on_duplicate``, ``timezone``, ``dayfirst``; any given
    raises :class:`~pdcakit.aggregate.AggregateUnsupported`, as does a mapping setting a
    query cannot apply or an Excel file.
    """
    from pdcakit.aggregate.queries import query_set
    from pdcakit.aggregate.tickets import check_export, export_snapshot
    from pdcakit.stages.sections import MAX_SEGMENTS

    opened, _, _ = open_page_export(data_path, mapping, engine=engine, ledger=ledger,
                                    snapshot=snapshot or None, loading=loading)
    runner, relation, source = opened.runner, opened.relation, opened.source
    first = query_set(source, runner.dialect, period=period, snapshot_us=None)
    check_export(runner, source, first, relation)
    if opened.format == "csv" and hasattr(runner, "materialize"):
        # a CSV is parsed by every scan: its mapped columns are kept in the engine once
        relation = runner.materialize(relation, list(dict.fromkeys(source.columns.values())),
                                      "pdca_compare_tickets")
    snap, snap_source = export_snapshot(runner, source, first, relation)
    grouped = tuple(dict.fromkeys(c for c in (segment_column, mix_column, *group_columns)
                                  if c and c in source.columns))
    span = (windows.before_start, windows.after_end)
    summary = window_summary(runner, source, relation, span, grouped)
    if int(summary["tickets"]) == 0:
        raise ValueError(f"no tickets in the windows ({windows.describe()}) in "
                         f"{source.label}: move the windows or the change date inside the "
                         "data's dates")
    present = frozenset(c for c in source.columns if int(summary.get(f"n__{c}", 0) or 0) > 0)
    if "resolved_at" in source.columns:
        present |= {"is_open"}
    distinct = {c: int(summary[f"distinct__{c}"]) for c in grouped}
    groups = {}
    for column in grouped:
        too_many = (column == segment_column and distinct[column] > MAX_SEGMENTS
                    and column not in (mix_column, *group_columns))  # segments skipped then
        if column not in present or too_many:
            continue
        groups[column] = _distinct_values(runner, relation, first.canonical, column, span)
    sides = _side_counts(runner, relation, first.canonical, windows, source)
    canonical = first.canonical
    if hasattr(runner, "keep"):
        # the windows' canonical columns parsed once, kept in the engine (compressed, not
        # in pandas): each KPI's query then reads them without scanning the file again
        from pdcakit.aggregate.tickets import epoch_micros

        d = runner.dialect
        wanted = ", ".join(d.quote(c) for c in first.columns if c != "id")
        created = d.micros(d.quote("created_at"))
        relation = runner.keep(
            f"WITH c AS ({canonical}) SELECT {wanted} FROM c WHERE {created} >= "
            f"{epoch_micros(span[0])} AND {created} < {epoch_micros(span[1])}", relation,
            "pdca_windows")
        canonical = "SELECT * FROM {relation}"
    return EngineWindows(
        label=source.label, engine=runner.dialect.name, windows=windows, period=period,
        present=present, counted=(sides[0][0], sides[1][0]),
        open=(None if "resolved_at" not in source.columns else (sides[0][1], sides[1][1])),
        snapshot=snap, snapshot_source=snap_source, groups=groups, distinct=distinct,
        first_created=pd.Timestamp(int(summary["first_us"]), unit="us"),
        last_created=pd.Timestamp(int(summary["last_us"]), unit="us"),
        runner=runner, relation=relation, source=source, canonical=canonical)


def _distinct_values(runner: Any, relation: str, canonical: str, column: str,
                     span: tuple[Any, Any]) -> tuple[str, ...]:
    """The values of ``column`` in ``span``, sorted as text."""
    from pdcakit.aggregate.tickets import epoch_micros

    d = runner.dialect
    q = d.quote
    created = d.micros(q("created_at"))
    sql = (f"WITH c AS ({canonical}) SELECT DISTINCT CAST({q(column)} AS {d.text}) AS v "
           f"FROM c WHERE {q(column)} IS NOT NULL AND {created} >= {epoch_micros(span[0])} "
           f"AND {created} < {epoch_micros(span[1])}")
    return tuple(sorted(str(v) for v in runner.query(sql, relation)["v"]))


def _side_counts(runner: Any, relation: str, canonical: str, windows: Windows,
                 source: Any) -> Sequence[tuple[int, int]]:
    """(tickets, open) in the before and the after window."""
    from pdcakit.aggregate.tickets import epoch_micros

    d = runner.dialect
    q = d.quote
    b0, b1, a0, a1 = (epoch_micros(t) for t in (windows.before_start, windows.before_end,
                                                 windows.after_start, windows.after_end))
    is_open = (f"CASE WHEN {q('resolved_at')} IS NULL THEN 1 ELSE 0 END"
               if "resolved_at" in source.columns else "0")
    sql = (f"WITH c AS ({canonical}), t AS (SELECT *, {d.micros(q('created_at'))} AS "
           f"created_us FROM c) SELECT (created_us >= {a0}) AS side, count(*) AS n, "
           f"sum({is_open}) AS o FROM t WHERE {_in_windows(b0, b1, a0, a1)} GROUP BY 1")
    found = runner.query(sql, relation)
    out = []
    for side in (False, True):
        row = found[found["side"] == side]
        out.append((int(row["n"].sum()), int(row["o"].fillna(0).sum())))
    return out


def engine_compare_kpis(before: EngineSide, after: EngineSide, settings: Any) -> Any:
    """Every KPI of ``settings`` compared from the engine's counts, as
    :func:`pdcakit.stages.compare.compare_kpis` compares the rows: the same test, verdict
    and family adjustment on each KPI's narrow frame, one KPI's frame at a time; a KPI
    that cannot be compared is skipped with the row path's reason."""
    from pdcakit.stages.compare import (
        _DEGENERATE,
        ChangeTable,
        _in_language,
        _reason,
        adjust_family,
        compare_kpi,
    )

    changes, skipped = [], {}
    for key in settings.kpis:
        try:
            changes.append(compare_kpi(
                before.kpi_frame(key), after.kpi_frame(key), key, alpha=settings.alpha,
                power=settings.power, target=settings.targets.get(key),
                params=settings.params, period=settings.period,
                family_size=len(settings.kpis), multiplicity=settings.multiplicity,
                language=settings.language))
        except _DEGENERATE as exc:
            skipped[key] = _reason(exc)
    worded = [_in_language(c, settings.language) for c in changes]
    return ChangeTable(adjust_family(worded, settings.multiplicity, settings.alpha), skipped,
                       settings.multiplicity, settings.alpha)
