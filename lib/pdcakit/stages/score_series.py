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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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
    has_dimensions,
    measured_standards,
    standards_columns,
)
from pdcakit.stages.timeview import PhaseView
from pdcakit.stages.windows import Windows
from pdcakit.words import N_, words

__all__ = ["MAX_PART_PANELS", "PART_KINDS", "ScoreParts", "ScorePhaseView",
           "observations_per_period", "part_views", "score_period", "score_views"]

#: What each score's observation is, and the table it comes from.
OBSERVED = {"csi": ("questionnaire", "surveys"), "tps": ("audit", "audits"),
            "tds": ("visit", "mystery_shopper"), "standards": ("ticket", "standards"),
            "composite": ("ticket", "standards")}
#: An observation's word, several (message ids of the words layer) ...
_PLURAL = {"questionnaire": N_("questionnaires"), "audit": N_("audits"),
           "visit": N_("visits"), "ticket": N_("tickets")}
#: ... and one (marked for the catalogue: score_period says "a median of 1 audit").
_SINGULAR = (N_("questionnaire"), N_("audit"), N_("visit"), N_("ticket"))
#: What each score's value axis counts.
#: (The weighted conformance's name says "weighted" already: its axis says what the
#: percentage is of.)
_AXES = {"csi": N_("mean score"), "tps": N_("mean total"), "tds": N_("mean total"),
         "standards": N_("% of judged tickets"), "composite": N_("% composite")}
_PARTS = {"tps": ("normativity", "efficiency", "experience"),
          "tds": ("attitude", "knowledge", "speed")}
#: The sub-scores' names, marked for the catalogue (a panel is named by its part).
_PART_WORDS = (N_("normativity"), N_("efficiency"), N_("experience"), N_("attitude"),
               N_("knowledge"), N_("speed"))
#: What the parts of a score are, by :attr:`ScoreParts.kind` (message ids).
PART_KINDS = {"dimension": N_("dimensions"), "question": N_("questions"),
              "sub-score": N_("sub-scores"), "standard": N_("standards")}
#: The most parts of one score drawn as small panels (4 rows of 3); the others are named.
MAX_PART_PANELS = 12


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
    return _scored(_dates(table, OBSERVED[key][1].replace("_", " ")),
                   total.to_numpy(float)[:, None])


def _scored(dates: pd.Series, matrix: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """The observations with a score (a questionnaire of blank or "don't know" answers
    only, an audit missing a part: not an observation of the score)."""
    keep = np.isfinite(matrix[:, 0])
    return dates[keep].reset_index(drop=True), matrix[keep]


def _view(key: str, dates: pd.Series, matrix: np.ndarray,
          combine: Callable[[np.ndarray], float], windows: Windows, period: str,
          percent: bool, note: str, language: str, axis: str | None = None) -> ScorePhaseView:
    """The phase view of score (or part) ``key``; ``axis`` (a message id) what its value
    axis counts, by default the score's (:data:`_AXES`)."""
    base = key.split(".", 1)[0]
    frame = observations_per_period(dates, matrix, combine, windows, period)
    frame = frame[np.isfinite(frame["value"].to_numpy(float))].reset_index(drop=True)
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
                         f"{MIN_PERIOD_CASES} {OBSERVED[base][0]}s is drawn but not judged)")
    chart = spc.i_chart(np.where(sparse, np.nan, values), part=frame["side"].tolist(),
                        labels=periods, unit="%" if percent else "")  # as the carried centre
    if sparse.any():
        few = ", ".join(f"{p:%d %b %Y} ({n})" for p, n in
                        zip(periods[sparse], frame["n"][sparse], strict=True))
        note = " ".join([note, words(language)._(
            "Drawn but not judged (too few {what} to set the limits or raise a signal): "
            "{periods}.", what=words(language)._(_PLURAL[OBSERVED[base][0]]),
            periods=few)]).strip()
    w = words(language)
    axis = w._(_AXES[base] if axis is None else axis)
    return ScorePhaseView(
        key=key, title=title, periods=periods, values=values, chart_name="I chart (XmR)",
        chart=chart, change_index=int((frame["side"] == "before").sum()), percent=percent,
        ylabel=w._("{name}: {axis} per {period}", name=title, axis=axis,
                   period=w._(PERIODS[period])), n=frame["n"].to_numpy(int),
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
        table = getattr(tables, OBSERVED[key][1])
        if table is not None:
            sources[key] = (lambda key=key, table=table: (
                *_total(table, key), _first, OBSERVED[key][0], False))
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


# ---------------------------------------------------------------- the parts over time


@dataclass(frozen=True)
class ScoreParts:
    """One score's parts over time: a phase view per part drawn (in the scores table's
    order, at most :data:`MAX_PART_PANELS`), the parts beyond that cap (named, not drawn),
    and each part that cannot be charted with the reason.

    ``kind`` is what one part is (``dimension``, ``question``, ``sub-score``,
    ``standard``); ``names`` maps a part's key (``tps.normativity``) to its own name, the
    one its panel shows.
    """

    score: str
    kind: str
    period: str
    views: Mapping[str, ScorePhaseView] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    not_drawn: tuple[str, ...] = ()
    skipped: Mapping[str, str] = field(default_factory=dict)
    cap: int = MAX_PART_PANELS

    @property
    def total(self) -> int:
        """Every part of the score: drawn, beyond the cap, or not chartable."""
        return len(self.views) + len(self.not_drawn) + len(self.skipped)


def _respondent_parts(surveys: pd.DataFrame, column: str
                      ) -> tuple[pd.Series, np.ndarray, list[str]]:
    """One row per respondent (per survey row without ``respondent_id``), one column per
    value of ``column`` (a dimension or a question): the mean of the respondent's answers
    to it (NaN: none answered), dated by the respondent's first date."""
    frame = surveys.assign(date=_dates(surveys, "surveys").to_numpy(),
                           score=pd.to_numeric(surveys["score"], errors="coerce"),
                           part=surveys[column].astype(str).to_numpy())
    parts = list(dict.fromkeys(frame["part"]))
    who = frame["respondent_id"] if "respondent_id" in frame else pd.Series(
        np.arange(len(frame)), index=frame.index)
    wide = frame.pivot_table(index=who.to_numpy(), columns="part", values="score",
                             aggfunc="mean", dropna=False).reindex(columns=parts)
    dates = frame.groupby(who.to_numpy(), sort=True)["date"].min().reindex(wide.index)
    return dates.reset_index(drop=True), wide.to_numpy(float), parts


def _csi_parts(surveys: pd.DataFrame) -> tuple[pd.Series, np.ndarray, list[str], str]:
    """The CSI's parts: its dimensions when the survey has them, else its questions."""
    if has_dimensions(surveys):
        return (*_respondent_parts(surveys, "dimension"), "dimension")
    if "question" not in surveys:
        raise ValueError("the survey table has neither a dimension nor a question column, "
                         "so the CSI has no parts to chart")
    return (*_respondent_parts(surveys, "question"), "question")


def part_views(tables: ScoreTables, windows: Windows, *, tickets: pd.DataFrame | None = None,
               period: str = "W", language: str = "en", cap: int = MAX_PART_PANELS,
               ) -> tuple[tuple[ScoreParts, ...], dict[str, str]]:
    """Each score's parts over time, in :data:`HEADLINE_SCORES` order: the CSI per
    dimension (per question without dimensions), each TPS and TDS sub-score, each measured
    standard's share of judged tickets; each part on its own XmR phase chart with the
    score's icons and rules, by the period its score is read by (:func:`score_period` on
    the score's own observations). The first ``cap`` parts are charted; the others are
    named in ``ScoreParts.not_drawn``. A score whose parts cannot be found (no table, no
    rule on any standard, no date) is in the second mapping with the reason.

    >>> from pdcakit.stages.windows import Windows
    >>> w = Windows.around("2026-03-02", weeks_before=8, weeks_after=8)
    >>> audits = pd.DataFrame({"date": pd.date_range("2026-01-05", periods=112, freq="D"),
    ...     "normativity": 7.0, "efficiency": [6.0, 8.0] * 56, "experience": [6.0, 7.0] * 56})
    >>> (tps,), _ = part_views(ScoreTables(audits=audits), w)
    >>> tps.kind, tps.period, list(tps.names.values())
    ('sub-score', 'W', ['normativity', 'efficiency', 'experience'])
    >>> len(tps.views["tps.efficiency"].values), tps.views["tps.efficiency"].change_index
    (16, 8)
    """
    sources: dict[str, Callable[[], tuple[pd.Series, np.ndarray, list[str], str]]] = {}
    if tables.surveys is not None:
        sources["csi"] = lambda: _csi_parts(tables.surveys)
    for key in ("tps", "tds"):
        table = getattr(tables, OBSERVED[key][1])
        if table is not None:
            sources[key] = (lambda key=key, table=table: (
                _dates(table, OBSERVED[key][1].replace("_", " ")),
                table[list(_PARTS[key])].apply(pd.to_numeric, errors="coerce")
                .to_numpy(float), list(_PARTS[key]), "sub-score"))
    if tables.standards is not None:
        sources["standards"] = lambda: _standard_parts(tables.standards, tickets)
    found: list[ScoreParts] = []
    skipped: dict[str, str] = {}
    for score in HEADLINE_SCORES:
        if score not in sources:
            continue
        try:
            dates, matrix, parts, kind = sources[score]()
        except (ValueError, KeyError) as exc:
            skipped[score] = str(exc).strip("'\"")
            continue
        found.append(_parts_of(score, kind, dates, matrix, parts, windows, period, language,
                               cap))
    return tuple(found), skipped


def _standard_parts(standards: pd.DataFrame, tickets: pd.DataFrame | None
                    ) -> tuple[pd.Series, np.ndarray, list[str], str]:
    """Each measured standard's column on the tickets (1 met, 0 missed, NaN not judged)."""
    if tickets is None or "created_at" not in tickets:
        raise ValueError("needs the tickets (with created_at) to measure the standards per "
                         "period")
    dates = pd.to_datetime(tickets["created_at"]).reset_index(drop=True)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    names = measured_standards(standards)
    if not names:
        raise ValueError("typed in: every standard gives one conformance for both windows, "
                         "so there is nothing to chart per period")
    matrix, _, _ = standards_columns(standards, tickets)
    return dates, matrix, names, "standard"


def _parts_of(score: str, kind: str, dates: pd.Series, matrix: np.ndarray, parts: list[str],
              windows: Windows, period: str, language: str, cap: int) -> ScoreParts:
    """The first ``cap`` parts' phase views, all read by the period the score's own
    observations call for (:func:`score_period`)."""
    what = OBSERVED[score][0]
    keep = np.isfinite(matrix).any(axis=1) & dates.notna().to_numpy()
    chosen, note = score_period(dates[keep].reset_index(drop=True), windows, period, what,
                                language)
    percent = score == "standards"
    axis = N_("% of judged tickets") if percent else N_("mean score")
    views: dict[str, ScorePhaseView] = {}
    names: dict[str, str] = {}
    skipped: dict[str, str] = {}
    w = words(language)
    for j, part in enumerate(parts[:cap]):
        key = f"{score}.{part}"
        names[key] = w._(part) if kind == "sub-score" else part
        part_dates, part_matrix = _scored(dates, matrix[:, [j]])
        present = part_dates.notna().to_numpy()
        if not present.any():
            skipped[key] = w._("no dated, scored {what} in either window",
                               what=w._(_PLURAL[what]))
            continue
        try:
            views[key] = _view(key, part_dates[present].reset_index(drop=True),
                               part_matrix[present], _first, windows, chosen, percent, note,
                               language, axis=axis)
        except ValueError as exc:  # said under the score's name and the part's
            skipped[key] = str(exc).removeprefix(f"{kpi_name(key, language)}: ")
    return ScoreParts(score, kind, chosen, views, names,
                      tuple(f"{score}.{p}" for p in parts[cap:]), skipped, cap)


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

