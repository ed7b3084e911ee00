"""The Plan stage's choices: settings checked up front, the headline KPI's series and chart.

The baseline notebook calls these so that it holds prose and display only;
the choices (which control chart for which KPI kind, how a composite score
is put together, how the sample-size plan is parameterized) live here and
are unit-tested.

>>> settings = BaselineSettings.check(kpis=["fcr"], headline_kpi="fcr", period="W",
...     target_value=0.74, target_direction="higher")
>>> settings.period_label, settings.target_met(0.70)
('week', False)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import data, metrics, spc
from pdcakit.kpis import kpi_name
from pdcakit.periods import PERIODS
from pdcakit.results import Estimate, duration_unit, format_value
from pdcakit.stages.settings import check_kpi_keys, fraction_problem
from pdcakit.words import N_, words

__all__ = ["ENGINE_CHOICES", "PERIODS", "BaselineSettings", "ChartView", "HeadlineSeries",
           "aggregate_headline_series", "engine_problem", "headline_series",
           "load_optional_table"]

#: Where the baseline's ticket figures come from: ``pandas`` loads the rows (every section);
#: ``duckdb`` and ``spark`` read aggregates from the file (:mod:`pdcakit.aggregate`).
ENGINE_CHOICES = ("pandas", "duckdb", "spark")


def engine_problem(engine: str) -> str | None:
    """The problem with the parameter ``engine`` (None when it is one of the choices).

    >>> engine_problem("duckdb") is None, engine_problem("polars")
    (True, "parameter engine: 'polars' is not one of pandas, duckdb, spark (pandas loads \
the rows; duckdb and spark read aggregates from the file)")
    """
    if str(engine).strip().lower() in ENGINE_CHOICES:
        return None
    return (f"parameter engine: {engine!r} is not one of {', '.join(ENGINE_CHOICES)} (pandas "
            "loads the rows; duckdb and spark read aggregates from the file)")



def _target_problem(key: str, target: float | None) -> str | None:
    if target is not None and metrics.KPIS[key].kind == "proportion" and not 0 < target < 1:
        return (f"parameter target_value: {key} is a rate, so give the target as a fraction "
                f"between 0 and 1 (e.g. 0.74), not {target!r}")
    return None


@dataclass(frozen=True)
class BaselineSettings:
    """Notebook parameters after checking: every problem named before any work is done.

    ``headline_kpi`` "" means "the first KPI of ``kpis`` the export supports" (fixed with
    :meth:`with_headline` once the data are loaded); ``target_value`` None means no target
    was given; ``target_direction`` "" means the KPI's own better direction.
    """

    kpis: tuple[str, ...]
    headline_kpi: str
    period: str
    target_value: float | None
    target_direction: str
    alpha: float = 0.05
    power: float = 0.8
    composite_weights: tuple[float, float, float] = (0.5, 0.3, 0.2)
    segment_column: str = ""
    check_kpis: tuple[str, ...] | None = None
    check_multiplicity: str = "holm"
    engine: str = "pandas"

    @classmethod
    def check(cls, *, kpis: Sequence[str], headline_kpi: str, period: str,
              target_value: float | None, target_direction: str = "", alpha: float = 0.05,
              power: float = 0.8, composite_weights: Sequence[float] = (0.5, 0.3, 0.2),
              segment_column: str = "", check_kpis: Sequence[str] | None = None,
              check_multiplicity: str = "holm", engine: str = "pandas") -> BaselineSettings:
        """Validate the parameters; raise one ValueError listing every problem and its fix.

        ``target_value`` 0 or None: no target (the sample-size plan and the target verdict
        are skipped with a line saying so). ``composite_weights`` []: the composite score
        is off (its line says so); ``kpis`` []: no scorecard. ``check_kpis`` and
        ``check_multiplicity``: the compare stage's ``kpis`` and ``multiplicity`` of the
        cycle (None or []: the compare notebook's defaults), the family the plan is made
        for (:func:`pdcakit.stages.windows.check_family`). ``engine``: one of
        :data:`ENGINE_CHOICES`.
        """
        from pdcakit.stages.sections import list_problem, raise_problems
        from pdcakit.stages.windows import MULTIPLICITY

        problems: list[str] = []
        keys: tuple[str, ...] = ()
        family: tuple[str, ...] | None = None
        for name, value in (("kpis", kpis), ("composite_weights", composite_weights),
                            ("check_kpis", check_kpis or [])):
            problem = list_problem(name, value)
            if problem:
                problems.append(problem)
        if check_kpis and not list_problem("check_kpis", check_kpis):
            family = check_kpi_keys("check_kpis", list(check_kpis), problems)
        if check_multiplicity not in MULTIPLICITY:
            problems.append(f"parameter check_multiplicity: {check_multiplicity!r} is not one "
                            f"of {', '.join(MULTIPLICITY)} (the compare stage's multiplicity)")
        if not list_problem("kpis", kpis):
            keys = check_kpi_keys("kpis", list(kpis), problems)
        if headline_kpi:
            check_kpi_keys("headline_kpi", [headline_kpi], problems)
        if period not in PERIODS:
            problems.append(f"parameter period: {period!r} is not one of D, W, M")
        if target_direction not in ("", "higher", "lower"):
            problems.append(f"parameter target_direction: {target_direction!r} must be "
                            "'higher' or 'lower' (or \"\" for the KPI's own direction)")
        for name, value in (("alpha", alpha), ("power", power)):
            problem = fraction_problem(name, value)
            if problem:
                problems.append(problem)
        weights: tuple[float, ...] = ()
        if not list_problem("composite_weights", composite_weights):
            try:
                weights = tuple(float(w) for w in composite_weights)
            except (TypeError, ValueError):
                weights = ()
            off = len(composite_weights) == 0  # [] turns the composite off (a line says so)
            if not off and (len(weights) != 3 or min(weights) < 0
                            or abs(sum(weights) - 1) > 1e-6):
                problems.append(f"parameter composite_weights: {list(composite_weights)} must "
                                "be three non-negative weights summing to 1 "
                                "(e.g. [0.5, 0.3, 0.2])")
        problem = engine_problem(engine)
        if problem:
            problems.append(problem)
        target = float(target_value) if target_value else None
        if headline_kpi in metrics.KPIS:
            problem = _target_problem(headline_kpi, target)
            if problem:
                problems.append(problem)
        raise_problems(problems)
        return cls(kpis=keys, headline_kpi=headline_kpi, period=period,
                   target_value=target, target_direction=target_direction,
                   alpha=float(alpha), power=float(power),
                   composite_weights=weights,  # type: ignore[arg-type]
                   segment_column=segment_column, check_kpis=family,
                   check_multiplicity=check_multiplicity,
                   engine=str(engine).strip().lower())

    def with_headline(self, key: str) -> BaselineSettings:
        """These settings with the headline KPI fixed (and its direction, if not given).

        >>> s = BaselineSettings.check(kpis=["aht"], headline_kpi="", period="W",
        ...                            target_value=9.0)
        >>> s.with_headline("aht").target_direction
        'lower'
        """
        raise_if = _target_problem(key, self.target_value)
        if raise_if:
            raise ValueError(raise_if)
        direction = self.target_direction or (
            "higher" if metrics.KPIS[key].higher_is_better else "lower")
        return replace(self, headline_kpi=key, target_direction=direction)

    @property
    def period_label(self) -> str:
        return PERIODS[self.period]

    def target_met(self, value: float) -> bool | None:
        """Whether ``value`` is on the good side of the target (or on it); None: no target."""
        if self.target_value is None:
            return None
        if self.target_direction == "lower" or (
                not self.target_direction and self.headline_kpi in metrics.KPIS
                and not metrics.KPIS[self.headline_kpi].higher_is_better):
            return bool(value <= self.target_value)
        return bool(value >= self.target_value)

    def segment_kpis(self, tickets: pd.DataFrame) -> tuple[str, ...]:
        """The scorecard KPIs whose columns the tickets have (segment tables skip the rest)."""
        return tuple(k for k in self.kpis
                     if all(c in tickets and tickets[c].notna().any()
                            for c in metrics.KPIS[k].columns))

    def composite(self, kpis: Mapping[str, Estimate], scores: Mapping[str, Estimate],
                  sla: Mapping[str, Estimate]) -> Estimate | None:
        """Composite performance = a·satisfaction + b·efficiency + c·compliance (4.2).

        Satisfaction is CSAT (share of 4-5 scores); efficiency is first-response SLA
        attainment; compliance is weighted standards conformance. All three are fractions,
        so the composite is one too. None when one of the three is missing, or when
        ``composite_weights`` is empty (the composite is off).
        """
        parts = (kpis.get("csat"), sla.get("first_response"), scores.get("standards"))
        if not self.composite_weights or any(p is None for p in parts):
            return None
        return metrics.composite_score(*parts, weights=self.composite_weights)

    @staticmethod
    def composite_needs(kpis: Mapping[str, Estimate], scores: Mapping[str, Estimate],
                        sla: Mapping[str, Estimate]) -> str:
        """What the composite score lacks, for its skipped line ("" when it can be computed)."""
        lacking = [what for what, there in (
            ("CSAT (the column csat)", "csat" in kpis),
            ("first-response SLA attainment (the column first_response_at)",
             "first_response" in sla),
            ("standards conformance (standards_path)", "standards" in scores)) if not there]
        return "needs " + ", ".join(lacking) if lacking else ""


@dataclass(frozen=True)
class ChartView:
    """What a control chart figure and its sentence need, whatever the chart type.

    ``values`` and the lines are per period on the KPI's own scale (durations in
    minutes). ``rule_values``, ``rule_centre`` and ``rule_sigma`` are the scale the
    special-cause rules run on (log values for durations; None: the values themselves,
    sigma from the upper limit). ``sparse`` periods are drawn but did not set the limits.
    """

    name: str
    values: np.ndarray
    centre_line: np.ndarray
    lcl_line: np.ndarray
    ucl_line: np.ndarray
    signals: np.ndarray
    sentence: str
    phase_starts: tuple[Any, ...] = ()
    transform: str = ""
    sparse: np.ndarray | None = None
    rule_values: np.ndarray | None = None
    rule_centre: np.ndarray | None = None
    rule_sigma: np.ndarray | None = None
    periods: Any = None

    @property
    def any_signal(self) -> bool:
        return bool(np.asarray(self.signals).any())

    def _rule_inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Values, centre and sigma the rules judge, and where they are (the periods with
        a value that set or met the limits; gaps and few-case periods are left out)."""
        if self.rule_values is not None and self.rule_centre is not None \
                and self.rule_sigma is not None:
            values, centre, sigma = self.rule_values, self.rule_centre, self.rule_sigma
        else:
            values, centre = self.values, self.centre_line
            sigma = (self.ucl_line - self.centre_line) / 3
        judged = np.isfinite(values) & np.isfinite(centre) & np.isfinite(sigma) & (sigma > 0)
        if self.sparse is not None:
            judged &= ~np.asarray(self.sparse, dtype=bool)
        where = np.flatnonzero(judged)
        return values[where], centre[where], sigma[where], where

    def rules(self, rule_set: str = "nhs") -> spc.RuleHits:
        """Special-cause rules of ``rule_set`` on the chart's own scale (log for durations).

        Periods without a value or with few cases are skipped (never flagged); the rules
        run on the others in time order. The sentence names the periods (``periods``;
        without them, point numbers counting every period).
        """
        values, centre, sigma, where = self._rule_inputs()
        hits = spc.apply_rules(values, centre=centre, sigma=sigma, rule_set=rule_set)
        flags: list[tuple[str, ...]] = [()] * len(self.values)
        for at, found in zip(where, hits.flags, strict=True):
            flags[at] = found
        names = (None if self.periods is None
                 else spc.period_names(self.periods, len(self.values)))
        return replace(hits, flags=tuple(flags), names=names,
                       fired={rule: tuple(int(where[i]) for i in at)
                              for rule, at in hits.fired.items()})

    def rule_disagreements(self, labels: Sequence[Any] | None = None) -> pd.DataFrame:
        """The periods where the rule sets disagree (see :func:`pdcakit.spc.compare_rule_sets`),
        judged as :meth:`rules` does; ``value`` holds the chart's values (durations in
        minutes)."""
        values, centre, sigma, where = self._rule_inputs()
        names = list(labels) if labels is not None else list(range(1, len(self.values) + 1))
        judged = [names[i] for i in where]
        table = spc.compare_rule_sets(values, centre=centre, sigma=sigma, labels=judged)
        if len(table):
            table["value"] = [float(self.values[where[judged.index(point)]])
                              for point in table["point"]]
        return table

    def as_dict(self) -> dict[str, Any]:
        return {"chart": self.name, "centre": [_number(v) for v in self.centre_line],
                "lcl": [_number(v) for v in self.lcl_line],
                "ucl": [_number(v) for v in self.ucl_line],
                "signals": [bool(v) for v in self.signals],
                "n_signals": int(np.asarray(self.signals).sum()), "sentence": self.sentence,
                "transform": self.transform or None,
                "sparse": None if self.sparse is None else [bool(v) for v in self.sparse]}


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class HeadlineSeries(metrics.series.PeriodCounts):
    """The headline KPI per period, its baseline estimate and what its plan needs.

    Durations: ``values`` are per-period Kaplan-Meier medians in minutes (open cases
    censored at the snapshot; NaN where no case or the median is not reached), ``scale``
    the one unit they read in (minutes, hours or days, from the baseline median).
    ``n`` counts each period's cases carrying the KPI (open included), ``n_open`` those
    still open, ``sparse`` the periods with few cases (see
    :func:`pdcakit.metrics.series.sparse_periods`). ``plan_durations`` (durations): every
    case's minutes and whether it finished, for the restricted-mean plan.
    """

    key: str
    title: str
    kind: str
    periods: pd.DatetimeIndex
    values: np.ndarray
    numerators: np.ndarray | None
    denominators: np.ndarray
    baseline_estimate: Estimate
    plan_sd: float | None
    percent: bool
    ylabel: str
    plan_durations: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def is_duration(self) -> bool:
        return self.kind == "duration"

    @property
    def period_label(self) -> str:
        """The period's word (older name of ``period_word``)."""
        return self.period_word

    @property
    def plan_kind(self) -> str:
        return {"proportion": "proportion", "duration": "duration"}.get(self.kind, "mean")

    @property
    def plan_baseline(self) -> float:
        return float(self.baseline_estimate.value)

    @property
    def volume_per_period(self) -> float:
        """Mean tickets per period carrying the KPI (periods with none left out)."""
        counts = self.denominators[self.denominators > 0]
        return float(counts.mean()) if counts.size else 0.0

    @property
    def counts(self) -> np.ndarray:
        return self.denominators if self.n is None else self.n

    @property
    def display_ylabel(self) -> str:
        """The axis title in the unit the chart is drawn in (durations: ``scale``)."""
        return self.axis_title()

    def axis_title(self, language: str = "en") -> str:
        """The axis title in ``language``, in the unit the chart is drawn in (durations:
        ``scale``).

        >>> from pdcakit.results import Estimate
        >>> s = HeadlineSeries(key="fcr", title="First contact resolution", kind="proportion",
        ...     periods=pd.DatetimeIndex([]), values=np.array([]), numerators=None,
        ...     denominators=np.array([]), baseline_estimate=Estimate("FCR", 0.7, 9,
        ...     None, "fraction"), plan_sd=None, percent=True,
        ...     ylabel="First contact resolution (% of tickets)", n=None, n_open=None,
        ...     sparse=np.array([]), period_word="week")
        >>> s.axis_title(), s.axis_title("zh-CN")
        ('First contact resolution (% of tickets)', '首次解决率（按周占工单的百分比）')
        """
        w = words(language)
        if self.kind == "duration" and self.scale is not None:
            if w.english:
                return f"{self.title} (median per {self.period_label}, {self.scale})"
            return w._("{name} (median per {period}, {unit})", name=kpi_name(self.key, language),
                       period=w._(self.period_label), unit=w._(self.scale))
        if w.english:
            return self.ylabel
        if self.percent:
            return w._("{name} (% of tickets per {period})", name=kpi_name(self.key, language),
                       period=w._(self.period_label))
        return w._("{value} ({name})", value=kpi_name(self.key, language),
                   name=w.unit(self.baseline_estimate.unit))

    def format(self, value: float) -> str:
        return format_value(value, self.baseline_estimate.unit, scale=self.scale)

    def control_chart(self, rebases: Sequence[Sequence[Any]] = ()) -> ChartView:
        """p chart for rates (per-point limits); I chart of the log of the per-period
        medians for durations (limits back on the minutes scale, always positive; periods
        with few cases drawn, not used); XmR (I) chart of period values otherwise.

        Periods without tickets keep their place on the time axis with no point.
        ``rebases`` are [date, cycle, reason] triples: new limits from the first period
        on or after the date, each named in the sentence (a chart never rebases silently);
        dates outside the series are listed as not applied.
        """
        options: dict[str, Any] = {}
        if self.kind == "proportion" and self.numerators is not None:
            keep = self.denominators > 0
            kind, name = "p", N_("p chart")
            values, denominators = self.numerators[keep], self.denominators[keep]
        elif self.kind == "duration":  # every period keeps its place: points are periods
            keep = np.ones(len(self.values), dtype=bool)
            kind, name = "log", N_("I chart of log medians")
            values, denominators = self.values, None
            options = {"sparse": self.sparse_periods, "n": self.counts, "unit": "minutes",
                       "scale": self.scale}
        else:
            keep = np.isfinite(self.values)
            kind, name = "i", N_("I chart (XmR)")
            values, denominators = self.values[keep], None
        kept_periods = self.periods[keep]
        applied, outside = [], []
        for when, cycle, reason in rebases:
            at = int(kept_periods.searchsorted(pd.Timestamp(str(when))))
            if 2 <= at <= len(kept_periods) - 2:
                applied.append(spc.Rebase(at=at, cycle=str(cycle), reason=str(reason)))
            else:
                outside.append(f"{cycle} ({when})")
        rebased = spc.rebased_chart(values, kind, rebases=applied, denominators=denominators,
                                    labels=kept_periods, **options)
        result = rebased.chart
        sentence = rebased.sentence
        if outside:
            sentence += (f" Not re-baselined (outside this series): {', '.join(outside)}.")
        sentence += self.gaps_note()
        signals = np.zeros(len(keep), dtype=bool)
        signals[keep] = np.asarray(result.signals, dtype=bool)
        view = ChartView(name=name, values=_expand(result.values, keep),
                         centre_line=_expand(result.centre_line, keep),
                         lcl_line=_expand(result.lcl_line, keep),
                         ucl_line=_expand(result.ucl_line, keep), signals=signals,
                         sentence=sentence,
                         phase_starts=tuple(kept_periods[r.at] for r in rebased.rebases),
                         periods=self.periods,
                         sparse=(self.sparse_periods if kind != "log" else
                                 self.sparse_periods & ~np.asarray(result.used, dtype=bool)))
        if kind != "log":
            return view
        logs = result.log_chart
        return replace(view, transform="log", rule_values=_expand(logs.values, keep),
                       rule_centre=_expand(logs.centre_line, keep),
                       rule_sigma=_expand((logs.ucl_line - logs.centre_line) / 3, keep))

    def figure(self, chart: ChartView | None = None, *, centre: float | None = None,
               target: float | None = None, events: Sequence[Sequence[Any]] = (),
               signals: Sequence[bool] | None = None, title: str = "",
               centre_label: str = "", language: str = "en") -> Any:
        """The run chart (no ``chart``: ``centre`` is its median) or the control chart, in
        the KPI's one unit, with few-case periods hollow, periods whose median is not
        reached marked, and (durations) the share still open in a strip below; its words in
        ``language``."""
        from pdcakit import plots

        w = words(language)
        name = self.title if w.english else kpi_name(self.key, language)
        period = self.period_label if w.english else w._(self.period_label)
        duration = self.kind == "duration"
        common: dict[str, Any] = {
            "target": target, "ylabel": self.axis_title(language), "percent": self.percent,
            "events": events, "scale": self.scale if duration else None,
            "sparse": (self.sparse_periods if chart is None or chart.sparse is None
                       else chart.sparse),
            "unreached": (None if self.median_reached is None
                          else (self.counts > 0) & ~self.median_reached),
            "share_open": self._open_shares if duration else None,
            "log_y": duration and chart is not None and chart.transform == "log",
            "language": language}
        if chart is None:
            return plots.control_chart(
                self.periods, self.values, centre=centre,
                title=title or w._("{name} per {period}: run chart", name=name, period=period),
                centre_label=centre_label or w._("Median"), **common)
        return plots.control_chart(
            self.periods, chart.values, centre=chart.centre_line, lcl=chart.lcl_line,
            ucl=chart.ucl_line, signals=chart.signals if signals is None else signals,
            title=title or w._("{name} per {period}: {chart}", name=name, period=period,
                               chart=w._(chart.name)),
            centre_label=centre_label or (w._("Centre (geometric mean)") if chart.transform
                                          else w._("Mean")),
            phase_starts=chart.phase_starts, **common)

    @property
    def _open_shares(self) -> np.ndarray:
        counts = self.counts.astype(float)
        return np.divide(self.open_counts, counts, out=np.zeros(counts.size),
                         where=counts > 0)


def _expand(values: Any, keep: np.ndarray) -> np.ndarray:
    out = np.full(len(keep), np.nan)
    out[keep] = np.asarray(values, dtype=float)
    return out


def headline_series(tickets: pd.DataFrame, settings: BaselineSettings) -> HeadlineSeries:
    """Per-period values of the headline KPI, with what its chart and sample-size plan need.

    Durations: per-period Kaplan-Meier medians, open cases censored at the snapshot.
    """
    spec = metrics.KPIS[settings.headline_kpi]
    estimate = spec.estimate(tickets)
    plan_sd: float | None = None
    durations = None
    if spec.kind == "duration":
        durations = metrics.duration_minutes(tickets, spec.key)
        minutes, observed = durations
        minutes = minutes[observed]
        logs = np.log(minutes[np.isfinite(minutes) & (minutes > 0)])
        plan_sd = float(np.std(logs, ddof=1)) if logs.size > 1 else None
    elif spec.kind != "proportion":
        plan_sd = float(spec.values(tickets).std(ddof=1))
    return _headline(spec, settings, metrics.per_period(tickets, spec.key,
                                                        period=settings.period),
                     estimate, plan_sd, durations)


def aggregate_headline_series(aggregates: Any, settings: BaselineSettings) -> HeadlineSeries:
    """:func:`headline_series` from a :class:`pdcakit.aggregate.TicketAggregates` (built
    with ``period=settings.period``): the series, estimate and plan spread from counts,
    sums and event tables; the restricted-mean plan's durations are the event table's
    distinct durations repeated by their counts (one number per ticket, not a row)."""
    spec = metrics.KPIS[settings.headline_kpi]
    found = aggregates.estimate(spec.key)
    estimate = found.as_estimate("minutes") if hasattr(found, "as_estimate") else found
    plan_sd: float | None = None
    durations = None
    if spec.kind == "duration":
        table = aggregates.event_table(spec.key)
        plan_sd = _log_sd(table.minutes, table.events)
        durations = (np.concatenate([np.repeat(table.minutes, table.events.astype(np.int64)),
                                     np.repeat(table.minutes,
                                               table.censored.astype(np.int64))]),
                     np.repeat([True, False], [table.n_events, int(table.censored.sum())]))
    elif spec.kind != "proportion":
        n, total, total_sq = aggregates.moments(spec.key)
        plan_sd = (float(np.sqrt(max(total_sq - total * total / n, 0.0) / (n - 1)))
                   if n > 1 else None)
    return _headline(spec, settings, aggregates.series(spec.key), estimate, plan_sd,
                     durations)


def _log_sd(minutes: np.ndarray, counts: np.ndarray) -> float | None:
    """Standard deviation (n - 1) of the log of positive durations, each counted
    ``counts`` times."""
    keep = np.isfinite(minutes) & (minutes > 0) & (counts > 0)
    logs, weights = np.log(minutes[keep]), counts[keep].astype(float)
    n = weights.sum()
    if n <= 1:
        return None
    mean = float(np.sum(weights * logs) / n)
    return float(np.sqrt(np.sum(weights * (logs - mean) ** 2) / (n - 1)))


def _headline(spec: Any, settings: BaselineSettings, frame: pd.DataFrame, estimate: Estimate,
              plan_sd: float | None,
              durations: tuple[np.ndarray, np.ndarray] | None) -> HeadlineSeries:
    """The headline series from its per-period ``frame`` (:func:`pdcakit.metrics.per_period`'s
    columns), whichever path computed it."""
    numerators = frame["numerator"].to_numpy(float) if "numerator" in frame else None
    denominators = frame["denominator" if "denominator" in frame else "n"].to_numpy(float)
    percent = spec.kind == "proportion"
    unit = "% of tickets" if percent else spec.unit
    return HeadlineSeries(
        key=spec.key, title=spec.name, kind=spec.kind, periods=pd.DatetimeIndex(frame["period"]),
        values=frame["value"].to_numpy(float), numerators=numerators,
        denominators=denominators, baseline_estimate=estimate, plan_sd=plan_sd,
        percent=percent, ylabel=f"{spec.name} ({unit})",
        n=frame["n"].to_numpy(int), n_open=frame["n_open"].to_numpy(int),
        sparse=frame["sparse"].to_numpy(bool),
        median_reached=(frame["median_reached"].to_numpy(bool)
                        if "median_reached" in frame else None),
        scale=duration_unit(estimate.value).name if spec.kind == "duration" else None,
        period_word=PERIODS[settings.period], plan_durations=durations,
    )


def load_optional_table(path: str, kind: str,
                        window: tuple[str, str] | None = None) -> pd.DataFrame | None:
    """Load one of the small tables, or None when its path parameter is empty.

    With a ``window`` (start inclusive, end exclusive; an empty or None end is open), rows
    dated outside it are left out when the table has a ``date`` column, so the baseline
    scores describe the same weeks as the tickets.
    """
    if not path:
        return None
    if not data.resolve_input(path).exists():  # demo:NAME names a bundled demo file
        raise data.DataError("file not found", file=path,
                             fix=f"give the {kind} table's path, or \"\" to skip it")
    table = data.load_table(path, kind)
    if window is not None and "date" in table:
        start, end = ((pd.Timestamp(w) if w else None) for w in window)  # "": open-ended
        dates = table["date"]
        inside = dates.isna() | (((dates >= start) if start is not None else True)
                                 & ((dates < end) if end is not None else True))
        table = table[inside].reset_index(drop=True)
    return table
