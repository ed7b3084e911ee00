"""The time view of a change: a KPI per period over both windows, on a control chart whose
limits are computed separately before and after the change (Laney p' for rates, an I chart
of log medians for durations, XmR for means), with the period-level test beside it.

>>> view = proportion_phase_view(pd.date_range("2026-01-01", periods=6, freq="MS"),
...     [20, 22, 19, 30, 31, 29], [100] * 6, "2026-04-01", title="Breaches",
...     ylabel="Share breaching")
>>> view.change_index
3
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import metrics, spc, stats
from pdcakit.data.slicing import between
from pdcakit.periods import PERIODS
from pdcakit.results import format_number, reading_scale
from pdcakit.stages.windows import Windows

__all__ = ["PhaseView", "phase_view", "proportion_phase_view"]


@dataclass(frozen=True)
class PhaseView(metrics.series.PeriodCounts):
    """A KPI per period over both windows, with a control chart split at the change."""

    key: str
    title: str
    periods: pd.DatetimeIndex
    values: np.ndarray
    chart_name: str
    chart: Any
    change_index: int
    percent: bool
    ylabel: str
    per_period_test: stats.PeriodComparison | None = None

    @property
    def is_duration(self) -> bool:
        return self.key in metrics.KPIS and metrics.KPIS[self.key].kind == "duration"

    @property
    def overdispersed(self) -> bool:
        """The periods vary more than binomial sampling allows, by the same dispersion
        check that makes the compare verdict period-level
        (:func:`pdcakit.stats.choose_period_level`)."""
        test = self.per_period_test
        return bool(test is not None and test.dispersion.varies)

    @property
    def baseline_unstable(self) -> bool:
        return bool(self.chart.phases[0].signal)

    @property
    def after_signal(self) -> bool:
        return bool(len(self.chart.phases) > 1 and self.chart.phases[1].signal)

    @property
    def sentence(self) -> str:
        before, after = self.chart.phases[0], self.chart.phases[-1]
        text = (f"{self.chart_name}, limits computed separately for each period. "
                + (f"{spc.LOG_SCALE_NOTE} " if self.is_duration else "")
                + f"Before: {before.sentence} After: {after.sentence}")
        if self.n is not None and self.is_duration:
            text += self.gaps_note()
        if self.baseline_unstable:
            text += (" Caution: the baseline was not stable (signals before the change), so a "
                     "before/after test can mistake an existing drift for the change's effect.")
        if self.overdispersed and self.per_period_test is not None:
            test = self.per_period_test
            text += (f" The periods vary {test.dispersion.ratio:.1f} times more than chance "
                     "allows, so a test that counts every ticket as independent overstates "
                     f"the certainty; with the period as the unit ({test.test}) the change is "
                     f"{format_number(100 * test.estimate, 1, sign=True)} points "
                     f"({test.confidence:.0%} CI "
                     f"{format_number(100 * test.ci[0], 1, sign=True)} to "
                     f"{format_number(100 * test.ci[1], 1, sign=True)}, "
                     f"{stats.format_p(test.pvalue)}).")
        return text

    def assurance(self, target: float | None) -> str | None:
        """NHS assurance of the after phase against ``target``: consistent pass / fail or
        inconsistent (None without a target)."""
        if target is None or self.key not in metrics.KPIS:
            return None
        after = self.chart.phases[-1]
        direction = "higher" if metrics.KPIS[self.key].higher_is_better else "lower"
        return spc.assurance(lcl=after.lcl, ucl=after.ucl, target=target, direction=direction)

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "chart": self.chart_name,
                "baseline_unstable": self.baseline_unstable, "after_signal": self.after_signal,
                "overdispersed": self.overdispersed,
                "per_period_test": (None if self.per_period_test is None
                                    else self.per_period_test.as_dict()),
                "sentence": self.sentence}

    def figure(self, *, target: float | None = None, period_word: str = "period",
               events: Sequence[Sequence[Any]] = ()) -> Any:
        """The phase chart: values, per-phase centre and limits, signals, change line,
        and the cycle log's ``events`` ([date, label] pairs)."""
        from pdcakit import plots

        chart = self.chart
        extra: dict[str, Any] = {}
        ylabel = self.ylabel
        if self.is_duration and self.n is not None:
            counts = self.n.astype(float)
            shares = np.divide(self.n_open, counts, out=np.zeros(counts.size),
                               where=counts > 0) if self.n_open is not None else None
            unused = (self.sparse if not hasattr(chart, "used")
                      else np.asarray(chart.sparse) & ~np.asarray(chart.used))
            extra = {"scale": self.scale, "sparse": unused, "share_open": shares,
                     "log_y": True,
                     "unreached": (None if self.median_reached is None
                                   else (counts > 0) & ~self.median_reached)}
            ylabel = f"{self.title} (median per {period_word}, {self.scale})"
        return plots.control_chart(
            self.periods, self.values, centre=chart.centre_line, lcl=chart.lcl_line,
            ucl=chart.ucl_line, signals=chart.signals, target=target,
            title=f"{self.title} per {period_word}, before and after the change "
                  f"({self.chart_name})",
            ylabel=ylabel, percent=self.percent,
            phase_starts=[self.periods[self.change_index]],
            change=self.periods[self.change_index],
            centre_label=("Centre (geometric mean, per period)" if extra
                          else "Centre line (per period)"), events=events, **extra,
        )


def _split_at(periods: pd.DatetimeIndex, change: pd.Timestamp, title: str,
              present: np.ndarray | None = None) -> list[str]:
    """"before" / "after" per period; ``present`` marks the periods with a value (the
    others are gaps and do not count towards the 2 each side needs)."""
    labels = list(np.where(periods < change, "before", "after"))
    have = np.ones(len(labels), bool) if present is None else np.asarray(present, bool)
    n_before = int((have & (periods < change)).sum())
    n_after = int(have.sum()) - n_before
    if n_before < 2 or n_after < 2:
        raise ValueError(f"{title}: need at least 2 periods with a value on each side of "
                         f"the change for a phase chart; have {n_before} before and "
                         f"{n_after} after (try a shorter period, e.g. period='D', or longer "
                         "windows)")
    return labels


def proportion_phase_view(periods: Sequence[Any], numerators: Sequence[float],
                          denominators: Sequence[float], change: str | pd.Timestamp, *,
                          title: str, ylabel: str, key: str = "") -> PhaseView:
    """Laney p' chart of per-period counts split at ``change`` (e.g. monthly A&E breaches).

    Large subgroups make plain p-chart limits far too tight when periods differ for
    ordinary reasons; Laney's p' widens them by the observed between-period variation.

    >>> view = proportion_phase_view(pd.date_range("2026-01-01", periods=6, freq="MS"),
    ...     [20, 22, 19, 30, 31, 29], [100] * 6, "2026-04-01", title="Breaches",
    ...     ylabel="Share breaching")
    >>> view.change_index, [round(p.centre, 3) for p in view.chart.phases]
    (3, [0.203, 0.3])
    """
    from pdcakit import spc

    stamps = pd.DatetimeIndex(pd.to_datetime(list(periods)))
    labels = _split_at(stamps, pd.Timestamp(change), title)
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    chart = spc.p_chart(num, den, part=labels, laney=True, labels=stamps)
    k = labels.count("before")
    per_period = stats.proportion_periods(num[:k].astype(int), den[:k].astype(int),
                                          num[k:].astype(int), den[k:].astype(int))
    return PhaseView(key=key, title=title, periods=stamps, values=num / den,
                     chart_name="Laney p' chart", chart=chart, change_index=k, percent=True,
                     ylabel=ylabel, per_period_test=per_period)


def phase_view(tickets: pd.DataFrame, key: str, windows: Windows, *, period: str = "W",
               params: Mapping[str, float] | None = None) -> PhaseView:
    """Per-period values over both windows and a control chart split at the change.

    Rates: Laney p' chart (large subgroups make plain p-chart limits too tight when
    weeks differ for ordinary reasons); durations: I chart of the log of the per-period
    Kaplan-Meier medians (open cases censored at the snapshot; limits transformed back,
    so always positive; periods with few cases drawn, not used for the limits; empty
    periods kept as gaps); means: XmR chart of the period values.
    """
    from pdcakit import spc

    params = dict(params or {})
    spec = metrics.KPIS[key]
    span = between(tickets, "created_at", windows.before_start,
                   windows.after_end)  # naive bounds: local times of the zone
    span.attrs = dict(tickets.attrs)  # the snapshot: open cases censored at the export time
    frame = metrics.per_period(span, key, period=period, **params)
    per = PERIODS[period]
    if spec.kind == "duration":
        return _duration_phase_view(frame, spec, windows.after_start, per)
    frame = frame[frame["n"] > 0].reset_index(drop=True)
    periods = pd.DatetimeIndex(frame["period"])
    counts = {"n": frame["n"].to_numpy(int), "n_open": frame["n_open"].to_numpy(int),
              "period_word": per}
    if spec.kind == "proportion":
        view = proportion_phase_view(periods, frame["numerator"], frame["denominator"],
                                     windows.after_start, title=spec.name, key=key,
                                     ylabel=f"{spec.name} (% of tickets per {per})")
        return replace(view, **counts)
    labels = _split_at(periods, windows.after_start, spec.name)
    chart = spc.i_chart(frame["value"].to_numpy(float), part=labels, labels=periods,
                        unit=spec.unit if spec.unit in ("minutes", "points") else "")
    return PhaseView(key=key, title=spec.name, periods=periods,
                     values=frame["value"].to_numpy(float), chart_name="I chart (XmR)",
                     chart=chart, change_index=labels.count("before"), percent=False,
                     ylabel=f"{spec.name} (mean per {per})", **counts)


def _duration_phase_view(frame: pd.DataFrame, spec: metrics.KpiSpec, change: pd.Timestamp,
                         per: str) -> PhaseView:
    """Per-period Kaplan-Meier medians (open cases censored) on a log-scale I chart split
    at ``change``: limits always positive; periods without cases are gaps, periods with
    few cases are drawn but never set the limits."""
    periods = pd.DatetimeIndex(frame["period"])
    values = frame["value"].to_numpy(float)
    labels = _split_at(periods, change, spec.name, present=np.isfinite(values))
    before = periods < change
    typical = [float(np.nanmedian(values[side])) if np.isfinite(values[side]).any()
               else math.nan for side in (before, ~before)]
    scale = reading_scale("minutes", *typical)
    chart = spc.log_i_chart(values, part=labels, sparse=frame["sparse"].to_numpy(bool),
                            n=frame["n"].to_numpy(float), unit="minutes", scale=scale,
                            labels=periods)
    return PhaseView(key=spec.key, title=spec.name, periods=periods, values=values,
                     chart_name="I chart of log medians", chart=chart,
                     change_index=labels.count("before"), percent=False,
                     ylabel=f"{spec.name} (Kaplan-Meier median {spec.unit} per {per})",
                     n=frame["n"].to_numpy(int), n_open=frame["n_open"].to_numpy(int),
                     sparse=frame["sparse"].to_numpy(bool),
                     median_reached=frame["median_reached"].to_numpy(bool), scale=scale,
                     period_word=per)
