"""The headline scores per period over both windows, on the ticket KPIs' phase charts.

Each score the compare stage compares (:mod:`pdcakit.stages.compare_scores`) becomes a
:class:`ScorePhaseView`: one point per period, the mean of the period's observations,
on an XmR chart split at the change as a ticket KPI's mean is (so the baseline's limits
carry into the after period, and the NHS icons read the same way):

- **CSI**: each respondent's mean over the questions answered (a respondent counts once,
  on the date of their questionnaire); **TPS** and **TDS**: each audit's or visit's total
  of its parts;
- **standards** (weighted conformance) and **composite** (4.2): per period, each measured
  standard's share of the period's judged tickets, weighted, plus the typed-in standards'
  fixed share (:func:`pdcakit.stages.compare_scores.standards_columns`); a table with no
  rule has nothing that varies per period and is not charted, with the reason.

A survey, audit or visit table by week is read **by month** when its weeks are too thin:
fewer than :data:`pdcakit.metrics.series.MIN_PERIOD_CASES` observations in the median
week of the windows (empty weeks counted), and the view says so (``period_note``). A
period the change falls inside is cut at the change, as for the tickets; periods without
observations are gaps.

>>> from pdcakit.stages.windows import Windows
>>> w = Windows.around("2026-03-02", weeks_before=8, weeks_after=8)
>>> audits = pd.DataFrame({"date": pd.date_range("2026-01-05", periods=32, freq="3.5D"),
...     "normativity": 7.0, "efficiency": 7.0, "experience": [6.0, 7.0] * 16})
>>> views, skipped = score_views(ScoreTables(audits=audits), w)
>>> v = views["tps"]
>>> v.period, v.period_word, v.values.round(1).tolist()[:2]
('M', 'month', [20.5, 20.5])
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import spc
from pdcakit.kpis import SCORE_KPI_INFO, kpi_name
from pdcakit.metrics.series import MIN_PERIOD_CASES, sparse_periods
from pdcakit.periods import PANDAS_PERIOD, PERIODS
from pdcakit.stages.compare_scores import (
    HEADLINE_SCORES,
    ScoreTables,
    composite_columns,
    composite_value,
    standards_columns,
)
from pdcakit.stages.timeview import PhaseView
from pdcakit.stages.windows import Windows
from pdcakit.words import N_, words

__all__ = ["ScorePhaseView", "observations_per_period", "score_period", "score_views"]

#: What each score's observation is, and the table it comes from.
_OBSERVED = {"csi": ("questionnaire", "surveys"), "tps": ("audit", "audits"),
             "tds": ("visit", "mystery_shopper"), "standards": ("ticket", "standards"),
             "composite": ("ticket", "standards")}
#: An observation's word, several (message ids of the words layer) ...
_PLURAL = {"questionnaire": N_("questionnaires"), "audit": N_("audits"),
           "visit": N_("visits"), "ticket": N_("tickets")}
#: ... and one (marked for the catalogue: score_period says "a median of 1 audit").
_SINGULAR = (N_("questionnaire"), N_("audit"), N_("visit"), N_("ticket"))
#: What each score's value axis counts.
_AXES = {"csi": N_("mean score"), "tps": N_("mean total"), "tds": N_("mean total"),
         "standards": N_("% weighted"), "composite": N_("% composite")}
_PARTS = {"tps": ("normativity", "efficiency", "experience"),
          "tds": ("attitude", "knowledge", "speed")}


@dataclass(frozen=True)
class ScorePhaseView(PhaseView):
    """A score's phase view: its better direction from the score catalogue
    (:data:`pdcakit.kpis.SCORE_KPI_INFO`), the period it is read by and why, and what
    its value axis counts."""

    period: str = "W"
    period_note: str = ""
    axis: str = "score (mean)"

    @property
    def better(self) -> str | None:
        info = SCORE_KPI_INFO.get(self.key.split(".", 1)[0])
        return None if info is None else "higher" if info.higher_is_better else "lower"

    @property
    def judged(self) -> np.ndarray:
        """The values the limits and the rules read: a sparse period (too few
        observations, :func:`pdcakit.metrics.series.sparse_periods`) is drawn, never judged."""
        values = np.asarray(self.values, float)
        return values if self.sparse is None else np.where(self.sparse, np.nan, values)

    @property
    def variation(self) -> spc.Variation:
        centre, lcl, ucl = self.baseline_lines()
        return spc.variation(self.judged, centre=centre, lcl=lcl, ucl=ucl,
                             start=self.change_index, better=self.better)

    @property
    def carried(self) -> Any:
        after = self.judged[self.change_index:]
        after = after[np.isfinite(after)]
        if after.size < 2:
            return None
        return spc.run_chart(after, centre=float(self.chart.phases[0].centre))

    @property
    def sentence(self) -> str:
        return (super().sentence + (f" {self.period_note}" if self.period_note else "")).strip()


def score_period(dates: pd.Series, windows: Windows, period: str, what: str,
                 language: str = "en") -> tuple[str, str]:
    """The period a table's observations are charted by, and the sentence saying why when
    it is not ``period``: weeks too thin (a median week of the windows, empty weeks
    counted, with fewer than ``MIN_PERIOD_CASES`` observations) are read by month.

    >>> w = Windows.around("2026-03-02", weeks_before=4, weeks_after=4)
    >>> score_period(pd.Series(pd.date_range("2026-02-02", periods=8, freq="7D")), w, "W",
    ...              "audit")
    ('M', 'By month: its weeks hold a median of 1 audit (fewer than 5 make a weekly \
point too noisy to read).')
    """
    if period != "W":
        return period, ""
    weeks = pd.period_range(windows.before_start, windows.after_end - pd.Timedelta(days=1),
                            freq=PANDAS_PERIOD["W"])
    inside = dates[(dates >= windows.before_start) & (dates < windows.after_end)]
    counts = inside.dt.to_period(PANDAS_PERIOD["W"]).value_counts().reindex(weeks, fill_value=0)
    median = float(np.median(counts.to_numpy())) if len(counts) else 0.0
    if median >= MIN_PERIOD_CASES:
        return period, ""
    w = words(language)
    return "M", w._("By month: its weeks hold a median of {count} {what} (fewer than {least} "
                    "make a weekly point too noisy to read).", count=f"{median:g}",
                    what=w._(what if median == 1 else _PLURAL[what]), least=MIN_PERIOD_CASES)


def observations_per_period(dates: pd.Series, matrix: np.ndarray,
                            combine: Callable[[np.ndarray], float], windows: Windows,
                            period: str) -> pd.DataFrame:
    """``combine`` of the column means of ``matrix`` (one row per observation, dated by
    ``dates``) in each period of each window, before then after: columns ``period`` (its
    first day inside the window: a period the change cuts is two points), ``side``, ``n``
    (observations) and ``value``. Periods without observations are left out (gaps).

    >>> w = Windows.around("2026-01-14", weeks_before=1, weeks_after=1)   # a Wednesday
    >>> d = pd.Series(pd.to_datetime(["2026-01-12", "2026-01-13", "2026-01-15"]))
    >>> f = observations_per_period(d, np.array([[4.0], [2.0], [5.0]]), max, w, "W")
    >>> f[["side", "n", "value"]].values.tolist()
    [['before', 2, 3.0], ['after', 1, 5.0]]
    """
    rows = []
    for side, start, end in (("before", windows.before_start, windows.before_end),
                             ("after", windows.after_start, windows.after_end)):
        inside = ((dates >= start) & (dates < end)).to_numpy()
        if not inside.any():
            continue
        spans = dates[inside].dt.to_period(PANDAS_PERIOD[period]).dt.start_time
        firsts = spans.where(spans >= start, start).to_numpy()
        part = matrix[inside]
        for first in np.unique(firsts):
            rows_here = part[firsts == first]
            with warnings.catch_warnings():   # a column without a judged row: NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                means = np.nanmean(rows_here, axis=0)
            rows.append({"period": pd.Timestamp(first), "side": side,
                         "n": len(rows_here), "value": float(combine(means))})
    return pd.DataFrame(rows, columns=["period", "side", "n", "value"])


def _dates(table: pd.DataFrame, what: str) -> pd.Series:
    if "date" not in table or not table["date"].notna().any():
        raise ValueError(f"the {what} table has no date column, so its rows cannot be put "
                         "in periods (map date under columns: in its mapping)")
    dates = pd.to_datetime(table["date"]).reset_index(drop=True)
    return dates.dt.tz_localize(None) if getattr(dates.dt, "tz", None) is not None else dates


def _csi(surveys: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    frame = surveys.assign(date=_dates(surveys, "surveys").to_numpy(),
                           score=pd.to_numeric(surveys["score"], errors="coerce"))
    if "respondent_id" in frame:
        frame = frame.groupby("respondent_id", sort=False).agg(date=("date", "min"),
                                                               score=("score", "mean"))
    return _scored(frame["date"].reset_index(drop=True), frame[["score"]].to_numpy(float))


def _total(table: pd.DataFrame, key: str) -> tuple[pd.Series, np.ndarray]:
    parts = table[list(_PARTS[key])].apply(pd.to_numeric, errors="coerce")
    total = parts.sum(axis=1, min_count=len(_PARTS[key]))
    return _scored(_dates(table, _OBSERVED[key][1].replace("_", " ")),
                   total.to_numpy(float)[:, None])


def _scored(dates: pd.Series, matrix: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """The observations with a score (a questionnaire of blank or "don't know" answers
    only, an audit missing a part: not an observation of the score)."""
    keep = np.isfinite(matrix[:, 0])
    return dates[keep].reset_index(drop=True), matrix[keep]


def _view(key: str, dates: pd.Series, matrix: np.ndarray,
          combine: Callable[[np.ndarray], float], windows: Windows, period: str,
          percent: bool, note: str, language: str) -> ScorePhaseView:
    frame = observations_per_period(dates, matrix, combine, windows, period)
    frame = frame[np.isfinite(frame["value"])].reset_index(drop=True)
    title = kpi_name(key, language)
    periods = pd.DatetimeIndex(frame["period"])
    values = frame["value"].to_numpy(float)
    sparse = sparse_periods(frame["n"].to_numpy(int))
    judged = frame["side"][~sparse]
    n_before, n_after = int((judged == "before").sum()), int((judged == "after").sum())
    if n_before < 2 or n_after < 2:
        raise ValueError(f"{title}: need at least 2 periods with enough observations on each "
                         f"side of the change for a phase chart; have {n_before} before and "
                         f"{n_after} after (by {PERIODS[period]}; a period with fewer than "
                         f"{MIN_PERIOD_CASES} {_OBSERVED[key][0]}s is drawn but not judged)")
    chart = spc.i_chart(np.where(sparse, np.nan, values), part=frame["side"].tolist(),
                        labels=periods, unit="%" if percent else "")  # as the carried centre
    if sparse.any():
        few = ", ".join(f"{p:%d %b %Y} ({n})" for p, n in
                        zip(periods[sparse], frame["n"][sparse], strict=True))
        note = " ".join([note, words(language)._(
            "Drawn but not judged (too few {what} to set the limits or raise a signal): "
            "{periods}.", what=words(language)._(_PLURAL[_OBSERVED[key][0]]),
            periods=few)]).strip()
    axis = words(language)._(_AXES[key])
    return ScorePhaseView(
        key=key, title=title, periods=periods, values=values, chart_name="I chart (XmR)",
        chart=chart, change_index=int((frame["side"] == "before").sum()), percent=percent,
        ylabel=f"{title} ({axis} per {PERIODS[period]})", n=frame["n"].to_numpy(int),
        sparse=sparse,
        period_word=PERIODS[period], period=period, period_note=note, axis=axis)


def score_views(tables: ScoreTables, windows: Windows, *, tickets: pd.DataFrame | None = None,
                period: str = "W", sla_first_response_minutes: float = 30.0,
                composite_weights: Sequence[float] = (0.5, 0.3, 0.2), language: str = "en",
                ) -> tuple[dict[str, ScorePhaseView], dict[str, str]]:
    """The phase view of each headline score whose table was given (in
    :data:`HEADLINE_SCORES` order), and for each one that cannot be charted the reason
    (a score without its table is not listed: it was not measured); the notes and axes
    in ``language``."""
    views: dict[str, ScorePhaseView] = {}
    skipped: dict[str, str] = {}
    sources: dict[str, Callable[[], tuple[pd.Series, np.ndarray, Callable, str, bool]]] = {}
    if tables.surveys is not None:
        sources["csi"] = lambda: (*_csi(tables.surveys), _first, "questionnaire", False)
    for key in ("tps", "tds"):
        table = getattr(tables, _OBSERVED[key][1])
        if table is not None:
            sources[key] = (lambda key=key, table=table: (
                *_total(table, key), _first, _OBSERVED[key][0], False))
    if tables.standards is not None:
        _standards_sources(tables.standards, tickets, sources, skipped,
                           sla_first_response_minutes, composite_weights)
    for key in HEADLINE_SCORES:
        if key not in sources:
            continue
        try:
            dates, matrix, combine, what, percent = sources[key]()
            chosen, note = score_period(dates, windows, period, what, language)
            undated = int(dates.isna().sum())
            if undated:
                w = words(language)
                note = " ".join([note, w._("{count} {what} without a date are not charted.",
                                           count=undated, what=w._(_PLURAL[what]))]).strip()
            views[key] = _view(key, dates, matrix, combine, windows, chosen, percent, note,
                               language)
        except (ValueError, KeyError) as exc:
            skipped[key] = str(exc).strip("'\"")
    return views, {k: skipped[k] for k in HEADLINE_SCORES if k in skipped}


def _first(means: np.ndarray) -> float:
    return float(means[0])


def _standards_sources(standards: pd.DataFrame, tickets: pd.DataFrame | None,
                       sources: dict[str, Callable[[], tuple]], skipped: dict[str, str],
                       sla_minutes: float, weights: Sequence[float]) -> None:
    """The standards' and the composite's per-ticket columns, or why they have none."""
    if tickets is None or "created_at" not in tickets:
        skipped["standards"] = skipped["composite"] = (
            "needs the tickets (with created_at) to measure the standards per period")
        return
    dates = pd.to_datetime(tickets["created_at"]).reset_index(drop=True)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    try:
        matrix, w, typed = standards_columns(standards, tickets)
    except ValueError as exc:
        skipped["standards"] = skipped["composite"] = str(exc)
        return
    if w.size == 0:
        skipped["standards"] = skipped["composite"] = (
            "typed in: every standard gives one conformance for both windows, so there is "
            "nothing to chart per period; give each a rule on the tickets (e.g. "
            "first_response_minutes <= 30)")
        return

    def weighted() -> tuple:
        return dates, matrix, lambda m: float(m @ w + typed), "ticket", True

    def composite() -> tuple:
        if not weights:
            raise ValueError("off: composite_weights is empty")
        both, cw, ctyped = composite_columns(standards, tickets, sla_minutes)
        return (dates, both, lambda m: float(composite_value(m, weights, cw, ctyped)),
                "ticket", True)

    sources["standards"] = weighted
    sources["composite"] = composite

