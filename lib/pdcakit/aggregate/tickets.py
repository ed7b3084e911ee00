"""A ticket export as aggregates: one pass of queries, then every ticket KPI, its series
per period and its segments, equal to the row path's (:mod:`pdcakit.metrics`).

:func:`aggregate_tickets` reads the file through an engine (DuckDB by default, Spark by
setting) and keeps only aggregates (:class:`TicketAggregates`): per period and segment,
counts and sums; value counts of the scores; events and censored tickets per distinct
duration. The statistics come from :mod:`pdcakit.aggregate.fromagg`.

Rules taken from the row path: the snapshot is the given one, else the latest of the
three timestamps over the whole file (before any window); open tickets are censored at
it; durations below 0 are left out; a window keeps ``created_at`` in [start, end).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> _ = p.write_text("id,created_at,resolved_at,first_contact_resolved\\n"
...                  "A,2026-01-05 09:00,2026-01-05 10:00,true\\n"
...                  "B,2026-01-05 09:00,2026-01-05 11:00,false\\n"
...                  "C,2026-01-13 09:00,,true\\n", encoding="utf-8")
>>> agg = aggregate_tickets(p, period="W")
>>> card = agg.scorecard()
>>> round(card.estimates["fcr"].value, 4), card.estimates["time_to_resolve"].value
(0.6667, 90.0)
>>> agg.series("fcr")["n"].tolist()
[2, 1]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..data.errors import DataError
from ..metrics._checks import require
from ..metrics.proportions import proportion_estimate
from ..metrics.registry import DEFAULT_PARAMS, KPIS, Scorecard
from ..metrics.series import sparse_periods
from ..periods import PANDAS_PERIOD
from ..results import MINUTES, Estimate, duration_unit
from ..stats.nps import DETRACTOR_MAX, PROMOTER_MIN
from .fromagg import EventTable, duration_summary, km_quantile, mean_from_moments, nps_estimate
from .opening import open_tickets
from .queries import DURATION_END, query_set

__all__ = ["TicketAggregates", "aggregate_tickets", "check_export", "epoch_micros",
           "export_snapshot", "pareto_counts", "ticket_scorecard"]

_DURATION_NAMES = {"time_to_resolve": "Time to resolve",
                   "first_response_time": "First response time"}
_SHARES = {"fcr": ("first_contact_resolved", "First contact resolution"),
           "complaint_rate": ("complaint", "Complaint rate"),
           "reopen_rate": ("reopened", "Reopen rate")}
_SLA = {"sla_first_response": ("first_response_at", "First response within SLA"),
        "sla_resolution": ("resolved_at", "Resolved within SLA")}
_STARTS = {"D": "D", "W": "W-MON", "M": "MS"}


def epoch_micros(stamp: Any) -> int:
    """Microseconds since 1970 of a time (``Timestamp.value`` counts nanoseconds).

    >>> epoch_micros("1970-01-01 00:00:01")
    1000000
    """
    return int(pd.Timestamp(stamp).value // 1000)


@dataclass(frozen=True)
class TicketAggregates:
    """Everything the ticket KPIs need from one export, per period (and segment).

    ``counts``: one row per period start (``period``) and ``segment`` with ``tickets``,
    ``resolved`` and, per KPI column, ``<col>__n`` (with a value), ``__x`` (successes),
    ``__open`` (open among them), ``__sum``/``__sumsq`` (means). ``scores``: value counts
    per score column. ``durations``: per duration KPI, events and censored tickets per
    distinct duration (``duration_us``) in each period. ``medians``: the handle-time
    median per segment (None: all).
    """

    label: str
    period: str
    segment: str | None
    snapshot: pd.Timestamp
    snapshot_source: str
    columns: tuple[str, ...]
    counts: pd.DataFrame
    scores: dict[str, pd.DataFrame]
    durations: dict[str, pd.DataFrame]
    medians: dict[Any, float]
    params: dict[str, float] = field(default_factory=dict)
    engine: str = "duckdb"
    bin_us: int | None = None

    # ------------------------------------------------------------------ selection
    def _counts(self, segment: Any = None) -> pd.DataFrame:
        if segment is None:
            return self.counts
        return self.counts[self.counts["segment"] == segment]

    def _total(self, column: str, segment: Any = None) -> float:
        frame = self._counts(segment)
        return float(frame[column].sum()) if column in frame else 0.0

    def _filled(self, column: str, segment: Any = None) -> bool:
        """Whether ``column`` has any value among the tickets (``require``'s test)."""
        if column not in self.columns:
            return False
        if column == "created_at":
            return self._total("tickets", segment) > 0
        if column == "resolved_at":
            return self._total("resolved", segment) > 0
        if column in self.scores:
            frame = self.scores[column]
            return bool(frame["n"].sum() if segment is None
                        else frame.loc[frame["segment"] == segment, "n"].sum())
        return self._total(f"{column}__n", segment) > 0

    def require(self, kpi: str, *columns: str, segment: Any = None) -> None:
        """The row path's check (:func:`pdcakit.metrics._checks.require`), its message."""
        probe = pd.DataFrame({c: [1.0 if self._filled(c, segment) else np.nan]
                              for c in self.columns})
        require(probe, kpi, *columns)

    def event_table(self, key: str, segment: Any = None,
                    periods: Sequence[Any] | None = None) -> EventTable:
        """Events and censored tickets per distinct duration (minutes) of a duration KPI."""
        frame = self.durations[key]
        if segment is not None:
            frame = frame[frame["segment"] == segment]
        if periods is not None:
            frame = frame[frame["period"].isin(pd.DatetimeIndex(periods))]
        return EventTable.from_micros(frame["duration_us"].to_numpy(np.int64),
                                      frame["events"].to_numpy(float),
                                      frame["censored"].to_numpy(float))

    def score_counts(self, column: str, segment: Any = None) -> pd.Series:
        """Tickets per score value."""
        frame = self.scores[column]
        if segment is not None:
            frame = frame[frame["segment"] == segment]
        return frame.groupby("value")["n"].sum()

    @property
    def segments(self) -> list[Any]:
        """The segment values with tickets (sorted; missing values left out, as
        ``groupby`` leaves them)."""
        values = self.counts["segment"].dropna().unique().tolist()
        return sorted(values)

    # ------------------------------------------------------------------ KPIs
    def estimate(self, key: str, segment: Any = None, *, confidence: float = 0.95) -> Any:
        """KPI ``key`` over all tickets (or one segment): the row path's Estimate, or its
        DurationSummary for a duration. Raises ValueError with the row path's reason when
        the KPI cannot be computed."""
        if key in _DURATION_NAMES:
            name = _DURATION_NAMES[key]
            self.require(name, "created_at", segment=segment)
            if DURATION_END[key] not in self.columns:
                raise ValueError(f"{name} needs the column '{DURATION_END[key]}'; map it "
                                 "under `columns:`")
            return duration_summary(self.event_table(key, segment), name,
                                    confidence=confidence)
        if key in _SHARES:
            column, name = _SHARES[key]
            self.require(name, column, segment=segment)
            n = int(self._total(f"{column}__n", segment))
            missing = int(self._total("tickets", segment)) - n
            note = f"{missing:,} tickets without a value left out" if missing else ""
            est = proportion_estimate(int(self._total(f"{column}__x", segment)), n, name,
                                      confidence=confidence, note=note)
            if key == "complaint_rate":
                est = replace(est, extra={"per_1000": est.value * 1000})
            return est
        if key == "resolution_rate":
            self.require("Resolution rate", "created_at", segment=segment)
            return proportion_estimate(int(self._total("resolved", segment)),
                                       int(self._total("tickets", segment)), "Resolution rate",
                                       confidence=confidence)
        if key in ("csat", "csat_mean", "nps"):
            column = "nps" if key == "nps" else "csat"
            self.require({"csat": "CSAT", "csat_mean": "CSAT mean", "nps": "NPS"}[key],
                         column, segment=segment)
            counts = self.score_counts(column, segment)
            values, n = counts.index.to_numpy(float), counts.to_numpy(float)
            total = int(n.sum())
            if key == "csat":
                return proportion_estimate(int(n[values >= 4].sum()), total,
                                           "Customer satisfaction (CSAT)", confidence=confidence,
                                           note="share of answers scoring 4 or more")
            if key == "csat_mean":
                return mean_from_moments(total, float((values * n).sum()),
                                         float((values * values * n).sum()),
                                         "CSAT mean score (1-5)", confidence=confidence)
            return nps_estimate(total, int(n[values >= PROMOTER_MIN].sum()),
                                int(n[values <= DETRACTOR_MAX].sum()), confidence=confidence)
        if key == "aht":
            self.require("AHT", "handle_minutes", segment=segment)
            n = int(self._total("handle_minutes__n", segment))
            return mean_from_moments(
                n, self._total("handle_minutes__sum", segment),
                self._total("handle_minutes__sumsq", segment), "Average handle time (AHT)",
                unit="minutes", confidence=confidence,
                missing=int(self._total("tickets", segment)) - n,
                extra={"median": float(self.medians.get(segment, np.nan))})
        if key in _SLA:
            return self._sla(key, segment, confidence)
        raise ValueError(f"unknown KPI {key!r}; one of {', '.join(KPIS)}")

    def _sla(self, key: str, segment: Any, confidence: float) -> Estimate:
        column, title = _SLA[key]
        threshold = (self.params["sla_first_response_minutes"] if key == "sla_first_response"
                     else self.params["sla_resolution_hours"] * 60)
        self.require(title, "created_at", column, segment=segment)
        decided = int(self._total(f"{key}__n", segment))
        pending = int(self._total("tickets", segment)) - decided
        in_minutes = duration_unit(threshold) is MINUTES
        limit = f"{threshold:g} minutes" if in_minutes else f"{threshold / 60:g} hours"
        note = f"threshold {limit}"
        if pending:
            note += f"; {pending:,} open tickets younger than the threshold not yet counted"
        return proportion_estimate(int(self._total(f"{key}__x", segment)), decided,
                                   f"{title} ({limit})", confidence=confidence, note=note,
                                   extra={"pending": pending, "threshold_minutes": threshold})

    def moments(self, key: str) -> tuple[float, float, float]:
        """(n, sum, sum of squares) of a mean KPI's per-ticket values over all tickets
        (``aht``: handle minutes; ``csat_mean``: scores; ``nps``: +100 / 0 / -100), as
        :meth:`pdcakit.metrics.registry.KpiSpec.values` gives them.

        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
        >>> _ = p.write_text("id,created_at,handle_minutes\\nA,2026-01-05,4\\n"
        ...                  "B,2026-01-06,6\\n", encoding="utf-8")
        >>> aggregate_tickets(p).moments("aht")
        (2.0, 10.0, 52.0)
        """
        if key == "aht":
            return (self._total("handle_minutes__n"), self._total("handle_minutes__sum"),
                    self._total("handle_minutes__sumsq"))
        if key not in ("csat_mean", "nps"):
            raise ValueError(f"{key} is not a mean KPI (aht, csat_mean or nps)")
        counts = self.score_counts("nps" if key == "nps" else "csat")
        values, n = counts.index.to_numpy(float), counts.to_numpy(float)
        if key == "nps":
            values = np.select([values >= PROMOTER_MIN, values <= DETRACTOR_MAX],
                               [100.0, -100.0], 0.0)
        return float(n.sum()), float((values * n).sum()), float((values * values * n).sum())

    def segment_moments(self, key: str) -> pd.DataFrame:
        """Per segment value (sorted as text; tickets without one left out): ``segment``,
        ``n`` (tickets where KPI ``key`` counts), ``total`` (successes for a share, the sum
        of values for a mean) and ``total_sq`` (sum of squares): the cells
        :func:`pdcakit.stages.units.kpi_cells` computes from rows. Shares and means only."""
        if self.segment is None:
            raise ValueError("these aggregates have no segment: aggregate_tickets(..., "
                             "segment='agent')")
        spec = KPIS[key]
        if spec.kind not in ("proportion", "mean"):
            raise ValueError(f"{key} is a {spec.kind} KPI: per-segment moments are for "
                             "shares and means")
        if key in ("csat", "csat_mean", "nps"):
            frame = self.scores["nps" if key == "nps" else "csat"]
            values = frame["value"].to_numpy(float)
            if key == "csat":
                values = (values >= 4).astype(float)
            elif key == "nps":
                values = np.select([values >= PROMOTER_MIN, values <= DETRACTOR_MAX],
                                   [100.0, -100.0], 0.0)
            n = frame["n"].to_numpy(float)
            parts = pd.DataFrame({"segment": frame["segment"], "n": n, "total": values * n,
                                  "total_sq": values * values * n})
        else:
            if key in _SHARES or key in _SLA:
                column = _SHARES[key][0] if key in _SHARES else key
                names = (f"{column}__n", f"{column}__x", f"{column}__x")
            elif key == "resolution_rate":
                names = ("tickets", "resolved", "resolved")
            else:
                names = ("handle_minutes__n", "handle_minutes__sum", "handle_minutes__sumsq")
            parts = pd.DataFrame({"segment": self.counts["segment"],
                                  **{out: self.counts[name].to_numpy(float) if name in
                                     self.counts else 0.0
                                     for out, name in zip(("n", "total", "total_sq"), names,
                                                          strict=True)}})
        parts = parts[parts["segment"].notna()]
        cells = parts.assign(segment=parts["segment"].astype(str)).groupby(
            "segment", sort=True)[["n", "total", "total_sq"]].sum().reset_index()
        return cells[cells["n"] > 0].reset_index(drop=True)

    def unsegmented_tickets(self) -> int:
        """Tickets without a segment value."""
        return int(self.counts.loc[self.counts["segment"].isna(), "tickets"].sum())

    def scorecard(self, keys: Sequence[str] | None = None, segment: Any = None) -> Scorecard:
        """The row path's :class:`~pdcakit.metrics.registry.Scorecard`: estimates (durations
        as their median in minutes) and the KPIs skipped with the reason."""
        estimates: dict[str, Estimate] = {}
        skipped: dict[str, str] = {}
        for key in keys or list(KPIS):
            try:
                result = self.estimate(key, segment)
            except ValueError as exc:
                skipped[key] = str(exc)
                continue
            estimates[key] = (result.as_estimate("minutes") if hasattr(result, "as_estimate")
                              else result)
        return Scorecard(estimates=estimates, skipped=skipped)

    def segment_estimates(self, keys: Sequence[str]) -> dict[str, dict[str, Estimate]]:
        """As :func:`pdcakit.metrics.series.segment_estimates` (needs ``segment=`` when
        aggregating)."""
        if self.segment is None:
            raise ValueError("these aggregates have no segment: aggregate_tickets(..., "
                             "segment='channel')")
        return {str(s): self.scorecard(keys, segment=s).estimates for s in self.segments}

    # ------------------------------------------------------------------ series
    def periods(self) -> pd.DatetimeIndex:
        """Every period start from the first ticket's period to the last's."""
        starts = self.counts["period"]
        return pd.date_range(starts.min(), starts.max(), freq=_STARTS[self.period])

    def series(self, key: str) -> pd.DataFrame:
        """The KPI per period as :func:`pdcakit.metrics.series.per_period` gives it:
        ``period``, ``n``, ``n_open``, ``value``, ``sparse``, plus ``numerator`` and
        ``denominator`` for shares and ``median_reached`` for durations."""
        full = self.periods()
        frame = pd.DataFrame({"period": full})
        spec = KPIS[key]
        if spec.kind == "duration":
            table = self.durations[key]
            n = table.groupby("period")[["events", "censored"]].sum().reindex(full,
                                                                              fill_value=0)
            frame["n"] = (n["events"] + n["censored"]).to_numpy()
            frame["n_open"] = n["censored"].to_numpy()
            value = np.full(len(full), np.nan)
            # one stable sort by period keeps each period's durations in order
            order = np.argsort(table["period"].to_numpy(), kind="stable")
            starts = table["period"].to_numpy()[order]
            micros = table["duration_us"].to_numpy(np.int64)[order]
            events = table["events"].to_numpy(float)[order]
            censored = table["censored"].to_numpy(float)[order]
            bounds = np.searchsorted(starts, full.to_numpy(starts.dtype), side="left")
            ends = np.searchsorted(starts, full.to_numpy(starts.dtype), side="right")
            for i in np.flatnonzero(n["events"].to_numpy() > 0):
                rows = slice(bounds[i], ends[i])
                value[i] = km_quantile(EventTable.from_micros(
                    micros[rows], events[rows], censored[rows]), 0.5)
            frame["value"] = value
            frame["median_reached"] = np.isfinite(value)
        else:
            per = self._period_parts(key).reindex(full)
            frame["n"] = per["n"].fillna(0).to_numpy()
            frame["n_open"] = per["open"].fillna(0).to_numpy()
            if spec.kind == "proportion":
                frame["numerator"] = per["x"].fillna(0).to_numpy()
                frame["denominator"] = frame["n"]
                frame["value"] = frame["numerator"] / frame["denominator"].where(frame["n"] > 0)
            else:
                frame["value"] = (per["sum"] / per["n"].where(per["n"] > 0)).to_numpy()
        frame["n"] = frame["n"].astype(int)
        frame["n_open"] = frame["n_open"].astype(int)
        frame["sparse"] = sparse_periods(frame["n"])
        return frame

    def _period_parts(self, key: str) -> pd.DataFrame:
        """Per period: n (tickets with the KPI), open, x (successes) or sum."""
        by = self.counts.groupby("period")
        if key in _SHARES or key in _SLA:
            column = _SHARES[key][0] if key in _SHARES else key
            self.require(KPIS[key].name, _SHARES[key][0] if key in _SHARES else "created_at")
            parts = by[[f"{column}__n", f"{column}__open", f"{column}__x"]].sum()
            parts.columns = ["n", "open", "x"]
            return parts
        if key == "resolution_rate":
            parts = by[["tickets", "resolved"]].sum()
            return pd.DataFrame({"n": parts["tickets"], "x": parts["resolved"],
                                 "open": parts["tickets"] - parts["resolved"]
                                 if "resolved_at" in self.columns else 0})
        if key == "aht":
            parts = by[["handle_minutes__n", "handle_minutes__open", "handle_minutes__sum"]].sum()
            parts.columns = ["n", "open", "sum"]
            return parts
        column = "nps" if key == "nps" else "csat"
        scores = self.scores[column]
        values = scores["value"].to_numpy(float)
        if key == "csat":
            contribution = (values >= 4).astype(float)
        elif key == "nps":
            contribution = np.select([values >= PROMOTER_MIN, values <= DETRACTOR_MAX],
                                     [100.0, -100.0], 0.0)
        else:
            contribution = values
        weighted = scores.assign(x=contribution * scores["n"])
        parts = weighted.groupby("period")[["n", "n_open", "x"]].sum()
        return pd.DataFrame({"n": parts["n"], "open": parts["n_open"], "x": parts["x"],
                             "sum": parts["x"]})


def _by_duration(frame: pd.DataFrame) -> pd.DataFrame:
    """An event table in ascending duration (numpy's sort of the integers: an engine's
    ORDER BY took longer than the aggregation at 10M tickets)."""
    order = np.argsort(frame["duration_us"].to_numpy(np.int64), kind="stable")
    return frame.take(order).reset_index(drop=True)


_FIXES = {"unreadable": "write times as YYYY-MM-DD HH:MM:SS and numbers with a point, or use "
                         "engine='pandas', which reads more formats",
          "before": "check the export's time zone or date format (day and month swapped?); "
                    "all timestamps must be in the same zone",
          "outside": "correct or empty these cells",
          "empty": "every ticket needs its creation time"}


def _problem(name: str) -> tuple[str, str, str]:
    """(canonical column, what is wrong in words, fix) of a check's name."""
    from ..data.tickets import DUPLICATE_FIX

    words = name.split()
    if name == "repeated id":
        return "id", "repeat an earlier row's id", DUPLICATE_FIX
    if words[0] in ("unreadable", "empty"):
        return words[1], f"have {'an ' if words[0] == 'empty' else 'an unreadable '}" \
            f"{words[1]}", _FIXES[words[0]]
    if words[1] == "before":
        return words[0], f"have {name}", _FIXES["before"]
    return words[0], f"have {name}", _FIXES["outside"]


def check_export(engine: Any, source: Any, queries: Any, relation: str) -> None:
    """The row path's refusals, from one counting query: unreadable cells, responses or
    resolutions before creation, scores outside their scale, empty creation times,
    repeated ids; a :class:`DataError` names the file, column, rows and fix."""
    counts = engine.query(queries.checks, relation).iloc[0]
    for name, condition in queries.bad_rows.items():
        found = int(counts.get(name, 0) or 0)
        if not found:
            continue
        column, what, fix = _problem(name)
        rows = engine.first_rows(relation, condition)
        raise DataError(f"{found:,} {'row' if found == 1 else 'rows'} {what}",
                        file=source.label, column=source.columns.get(column, column),
                        rows=rows or None, fix=fix)


def export_snapshot(engine: Any, source: Any, queries: Any, relation: str
                    ) -> tuple[pd.Timestamp, str]:
    """The export time and how it was known, as the row path's ``attrs``: the given one,
    else the latest of the three timestamps over the whole file (one query)."""
    if source.snapshot not in (None, ""):
        return pd.Timestamp(source.snapshot), "given"
    latest = engine.query(queries.snapshot, relation).iloc[0].dropna()
    return pd.Timestamp(int(latest.max()), unit="us"), "inferred from the latest timestamp"


def aggregate_tickets(path: str | os.PathLike[str], mapping: Any = None, *, period: str = "W",
                      segment: str | None = None, window: Sequence[Any] | None = None,
                      snapshot: Any = None, engine: Any = "duckdb", validate: bool = True,
                      bin_seconds: float | None = None,
                      sla_first_response_minutes: float | None = None,
                      sla_resolution_hours: float | None = None,
                      durations: bool = True) -> TicketAggregates:
    """Aggregates of a ticket export for every ticket KPI, through a query engine.

    Parameters
    ----------
    path : CSV (optionally .gz), Parquet file or folder; an Excel file is refused (convert
        it with :func:`~pdcakit.aggregate.source.excel_to_parquet`).
    mapping : as :func:`pdcakit.data.load_tickets`; the parts a query applies are listed
        in :mod:`pdcakit.aggregate.source`, the rest raise ``AggregateUnsupported``.
    period : ``D``, ``W`` (Monday to Sunday) or ``M``.
    segment : a category column to aggregate by as well (``channel``, ``site`` ...).
    window : (start, end) on ``created_at``, end excluded; either may be None.
    snapshot : the censoring time of open tickets; default the latest timestamp.
    engine : ``"duckdb"``, ``"spark"`` or an engine object.
    validate : run the row path's refusals first (one more scan of the file).
    bin_seconds : floor durations to this width (None: exact); medians then differ from
        the row path's by less than one width.
    durations : False leaves out the duration KPIs' event tables (one row per distinct
        duration: the largest aggregates), e.g. for per-unit shares and means only.
    """
    if period not in PANDAS_PERIOD:
        raise ValueError(f"period must be D, W or M, got {period!r}")
    opened = open_tickets(path, mapping, engine=engine, snapshot=snapshot)
    runner, relation, source = opened.runner, opened.relation, opened.source
    if segment is not None and segment not in source.columns:
        raise DataError(f"no {segment!r} column to split by", file=source.label,
                        column=segment, fix="map it under columns:, or choose another segment")
    first = query_set(source, runner.dialect, period=period, snapshot_us=None)
    if validate:
        check_export(runner, source, first, relation)
    snap, snap_source = export_snapshot(runner, source, first, relation)
    bounds = (None, None) if window is None else tuple(
        None if w is None else epoch_micros(w) for w in window)
    params = {**DEFAULT_PARAMS, **{k: v for k, v in (
        ("sla_first_response_minutes", sla_first_response_minutes),
        ("sla_resolution_hours", sla_resolution_hours)) if v is not None}}
    bin_us = None if not bin_seconds else round(bin_seconds * 1e6)
    q = query_set(source, runner.dialect, period=period, snapshot_us=epoch_micros(snap),
                  segment=segment, window_us=bounds, bin_us=bin_us, **params)

    def periods(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame.insert(0, "period", pd.to_datetime(frame.pop("period_us").astype(np.int64),
                                                 unit="us"))
        frame["segment"] = frame["segment"].astype(object).where(frame["segment"].notna(),
                                                                 None)
        return frame

    counts = periods(runner.query(q.counts, relation))
    if counts.empty:
        raise DataError("no tickets in the window", file=source.label, column="created_at",
                        fix="choose a window inside the data's dates, or check the file")
    scores = {c: periods(runner.query(sql, relation)) for c, sql in q.scores.items()}
    events = {k: _by_duration(periods(runner.query(sql, relation)))
              for k, sql in q.durations.items()} if durations else {}
    medians: dict[Any, float] = {}
    if q.median is not None:
        frame = runner.query(q.median, relation)
        for seg, whole, value in zip(frame["segment"], frame["whole"], frame["median"],
                                     strict=True):
            if whole or segment is None:
                medians[None] = float(value)
            elif pd.notna(seg):
                medians[seg] = float(value)
    return TicketAggregates(label=source.label, period=period, segment=segment, snapshot=snap,
                            snapshot_source=snap_source, columns=q.columns, counts=counts,
                            scores=scores, durations=events, medians=medians, params=params,
                            engine=runner.dialect.name, bin_us=bin_us)


def ticket_scorecard(path: str | os.PathLike[str], mapping: Any = None, *,
                     engine: str = "duckdb", keys: Sequence[str] | None = None,
                     window: Sequence[Any] | None = None, snapshot: Any = None,
                     fallback: bool = True, **params: Any) -> Scorecard:
    """Every ticket KPI of an export by the chosen engine: ``"duckdb"`` or ``"spark"``
    (aggregates) or ``"pandas"`` (the row path). With ``fallback``, an export the
    aggregate path cannot read exactly (:class:`AggregateUnsupported`) is loaded row by
    row instead, with a warning giving the reason.

    ``params``: ``sla_first_response_minutes``, ``sla_resolution_hours``.
    """
    import warnings

    from .source import AggregateUnsupported

    if str(engine).strip().lower() != "pandas":
        try:
            agg = aggregate_tickets(path, mapping, window=window, snapshot=snapshot,
                                    engine=engine, **params)
            return agg.scorecard(keys)
        except AggregateUnsupported as exc:
            if not fallback:
                raise
            warnings.warn(f"{exc}; loading the rows instead", stacklevel=2)
    from ..data import load_tickets
    from ..metrics import scorecard

    tickets = load_tickets(path, mapping, window=window, snapshot=snapshot)
    return scorecard(tickets, keys, **params)


def pareto_counts(path: str | os.PathLike[str], mapping: Any = None, *,
                  column: str = "category", where: str | None = None,
                  window: Sequence[Any] | None = None, engine: Any = "duckdb") -> pd.DataFrame:
    """Tickets by ``column``, largest first, with share and cumulative share: the frame of
    :func:`pdcakit.metrics.series.pareto`, counted by the engine. ``where`` names a yes/no
    column to restrict to (e.g. ``"complaint"``); a missing value reads ``(missing)``."""
    opened = open_tickets(path, mapping, engine=engine)
    runner, relation, source = opened.runner, opened.relation, opened.source
    if column not in source.columns:
        raise ValueError(f"Pareto needs the column '{column}'")
    q = query_set(source, runner.dialect, period="W", snapshot_us=None)
    quote, micros = runner.dialect.quote, runner.dialect.micros
    conditions = [f"{quote(where)}" if where else "TRUE"]
    if window is not None:
        if window[0] is not None:
            conditions.append(f"{micros(quote('created_at'))} >= {epoch_micros(window[0])}")
        if window[1] is not None:
            conditions.append(f"{micros(quote('created_at'))} < {epoch_micros(window[1])}")
    counts = runner.query(
        f"WITH c AS ({q.canonical}) SELECT coalesce({quote(column)}, '(missing)') AS value, "
        f"count(*) AS n FROM c WHERE {' AND '.join(conditions)} GROUP BY 1", relation)
    # largest first; ties in the order pandas' value_counts gives them (first seen first
    # is not known here, so ties are ordered by name)
    counts = counts.sort_values(["n", "value"], ascending=[False, True], kind="stable")
    total = int(counts["n"].sum())
    frame = pd.DataFrame({"count": counts["n"].astype(int).to_numpy()},
                         index=pd.Index(counts["value"].astype(str).to_numpy(), name=column))
    frame["share"] = frame["count"] / total if total else 0.0
    frame["cumulative_share"] = frame["share"].cumsum()
    return frame
