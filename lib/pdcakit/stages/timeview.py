"""The time view of a change: a KPI per period over both windows, on a control chart whose
limits are computed separately before and after the change (Laney p' for rates, an I chart
of log medians for durations, XmR for means), with the period-level test beside it.

>>> view = proportion_phase_view(pd.date_range("2026-01-01", periods=6, freq="MS"),
...     [20, 22, 19, 30, 31, 29], [100] * 6, "2026-04-01", title="Breaches",
...     ylabel="Share breaching")
>>> view.change_index
3

A period the change falls inside (a weekly chart and a Friday go-live) is split at the
change: its days before are the last "before" point and its days from the change the
first "after" point, each with its own tickets (p-chart limits widen with the smaller
count), and the view's sentence and chart name the split (:func:`window_periods`). A
point never mixes tickets from both sides of the change.
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
from pdcakit.periods import PANDAS_PERIOD, PERIODS
from pdcakit.results import format_number, format_value, reading_scale
from pdcakit.stages.windows import Windows
from pdcakit.words import N_

__all__ = ["PhaseView", "phase_title", "phase_view", "proportion_phase_view", "window_periods"]

#: The charts' names, marked for the catalogue (a phase chart's title says its chart).
CHART_NAMES = (N_("I chart (XmR)"), N_("Laney p' chart"), N_("I chart of log medians"))


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
    days: np.ndarray | None = None
    full_days: np.ndarray | None = None
    numerators: np.ndarray | None = None
    denominators: np.ndarray | None = None

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
    def partial(self) -> np.ndarray:
        """The points covering only part of their period (cut by the change or a window's
        edge)."""
        if self.days is None or self.full_days is None:
            return np.zeros(len(self.periods), bool)
        return np.asarray(self.days) < np.asarray(self.full_days)

    @property
    def split_note(self) -> str:
        """What the view says about the period the change cut, and other part periods."""
        k, partial = self.change_index, self.partial
        per = self.period_word or "period"
        text = ""
        if 0 < k < len(partial) and partial[k - 1] and partial[k]:
            change = self.periods[k]
            text = (f" The {per} of {self.periods[k - 1]:%d %b %Y} is split at the change "
                    f"({change:%a %d %b %Y}): its {_days(self.days[k - 1])} before the "
                    f"change are the last \"before\" point{self._tickets(k - 1)} and its "
                    f"{_days(self.days[k])} from it the first \"after\" point"
                    f"{self._tickets(k)}, so no point mixes tickets from both sides; the "
                    "limits allow for their fewer tickets.")
        others = [i for i in np.flatnonzero(partial) if i not in (k - 1, k)]
        if others:
            text += (" Also a part " + per + " (the window starts or ends inside it): "
                     + ", ".join(f"{self.periods[i]:%d %b %Y} ({_days(self.days[i])})"
                                 for i in others) + ".")
        return text

    def _tickets(self, i: int) -> str:
        return "" if self.n is None else f" ({int(self.n[i]):,} tickets)"

    @property
    def split_events(self) -> list[tuple[pd.Timestamp, str]]:
        """The straddled period's mark for the chart (none when the change starts one)."""
        k = self.change_index
        if not (0 < k < len(self.periods) and self.partial[k - 1] and self.partial[k]):
            return []
        return [(self.periods[k - 1], f"{self.period_word or 'period'} split at the change: "
                 f"{_days(self.days[k - 1])} before, {_days(self.days[k])} after")]

    @property
    def baseline_unstable(self) -> bool:
        return bool(self.chart.phases[0].signal)

    @property
    def after_signal(self) -> bool:
        return bool(len(self.chart.phases) > 1 and self.chart.phases[1].signal)

    @property
    def better(self) -> str | None:
        """"higher" or "lower" when the KPI has a better direction (None: unknown KPI)."""
        if self.key not in metrics.KPIS:
            return None
        return "higher" if metrics.KPIS[self.key].higher_is_better else "lower"

    def baseline_lines(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The baseline's centre, lower and upper limit at every point, before and after:
        the before phase's limits carried into the after period (a p chart's limits
        recomputed for each period's tickets, with the baseline's p̄ and σz)."""
        first, n = self.chart.phases[0], len(self.values)
        if self.numerators is not None and self.denominators is not None:
            frozen = spc.p_chart(self.numerators, self.denominators, laney=True,
                                 freeze=self.change_index)
            return frozen.centre_line, frozen.lcl_line, frozen.ucl_line
        return tuple(np.full(n, float(v)) for v in (first.centre, first.lcl, first.ucl))

    @property
    def unjudged(self) -> np.ndarray | None:
        """One flag per period: drawn but not judged (too few observations to set the
        limits or raise a signal), hollow on the phase chart and the over-time panel; None
        when every period is judged. A duration's chart may use a thin period after all
        (fewer than 2 others in its phase): that one is judged.

        >>> view = proportion_phase_view(pd.date_range("2026-01-01", periods=4, freq="MS"),
        ...     [20, 22, 30, 31], [100] * 4, "2026-03-01", title="FCR", ylabel="FCR")
        >>> view.unjudged is None
        True
        """
        few = getattr(self.chart, "sparse", self.sparse)
        if few is None:
            return None
        few = np.asarray(few, bool)
        used = getattr(self.chart, "used", None)
        return few if used is None else few & ~np.asarray(used, bool)

    @property
    def variation(self) -> spc.Variation:
        """NHS Making Data Count variation of the after periods against the baseline's
        limits (:func:`pdcakit.spc.variation`; durations on the log scale their chart uses)."""
        centre, lcl, ucl = self.baseline_lines()
        values = np.asarray(self.values, float)
        if self.is_duration:
            with np.errstate(divide="ignore", invalid="ignore"):
                values, centre, lcl, ucl = (np.log(np.where(a > 0, a, np.nan))
                                            for a in (values, centre, lcl, ucl))
        return spc.variation(values, centre=centre, lcl=lcl, ucl=ucl,
                             start=self.change_index, better=self.better)

    @property
    def carried(self) -> Any:
        """The after periods against the baseline's centre line carried forward (Life QI's
        run chart): Anhøj's long-run and few-crossings rules (:func:`pdcakit.spc.run_chart`
        with ``centre``); None when fewer than 2 after periods have a value."""
        after = np.asarray(self.values, float)[self.change_index:]
        if np.isfinite(after).sum() < 2:
            return None
        return spc.run_chart(after, centre=float(self.chart.phases[0].centre))

    @property
    def carried_sentence(self) -> str:
        """What the after periods do against the baseline's centre line carried forward."""
        run = self.carried
        if run is None:
            return ""
        centre = self.chart.phases[0].centre
        unit = metrics.KPIS[self.key].unit if self.key in metrics.KPIS else ""
        shown = format_value(centre, "fraction" if self.percent else unit,
                             scale=self.scale if self.is_duration else None)
        above = int((run.side > 0).sum())
        below = int((run.side < 0).sum())
        rules = [f"a run of {run.longest_run} on one side (more than {run.longest_run_max} "
                 "is a shift)" if run.runs_signal else "",
                 f"{run.n_crossings} crossings (fewer than {run.n_crossings_min} signal a "
                 "shift)" if run.crossings_signal else ""]
        found = " and ".join(r for r in rules if r)
        verdict = (f"a shift against the baseline: {found}" if found else
                   f"no shift against the baseline (longest run {run.longest_run}, at most "
                   f"{run.longest_run_max} allowed; {run.n_crossings} crossings, at least "
                   f"{run.n_crossings_min} expected)")
        per = self.period_word or "period"
        return (f" The baseline's centre line ({shown}) is carried into the after period "
                f"(dashed): of the {above + below} after {per}s off it, {above} "
                f"{'lies' if above == 1 else 'lie'} above and {below} below; {verdict} by "
                "the Anhøj run-chart rules.")

    @property
    def sentence(self) -> str:
        before, after = self.chart.phases[0], self.chart.phases[-1]
        text = (f"{self.chart_name}, limits computed separately for each period. "
                + (f"{spc.LOG_SCALE_NOTE} " if self.is_duration else "")
                + f"Before: {before.sentence} After: {after.sentence}")
        if self.n is not None and self.is_duration:
            text += self.gaps_note()
        text += self.carried_sentence
        text += self.split_note
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
                "variation": self.variation.as_dict(),
                "carried_centre": self._carried_record(),
                "sentence": self.sentence}

    def _carried_record(self) -> dict[str, Any] | None:
        run = self.carried
        if run is None:
            return None
        return {"centre": float(self.chart.phases[0].centre), "signal": bool(run.signal),
                "longest_run": run.longest_run, "longest_run_max": run.longest_run_max,
                "n_crossings": run.n_crossings, "n_crossings_min": run.n_crossings_min}

    def figure(self, *, target: float | None = None, period_word: str = "period",
               events: Sequence[Sequence[Any]] = (), language: str = "en") -> Any:
        """The phase chart: values, per-phase centre and limits, signals, change line,
        the periods drawn but not judged hollow (:attr:`unjudged`), and the cycle log's
        ``events`` ([date, label] pairs); its title and labels in ``language``."""
        from pdcakit import plots
        from pdcakit.words import words

        w = words(language)
        chart = self.chart
        extra: dict[str, Any] = {}
        ylabel = self.ylabel
        per = w._(period_word)
        if self.is_duration and self.n is not None:
            counts = self.n.astype(float)
            shares = np.divide(self.n_open, counts, out=np.zeros(counts.size),
                               where=counts > 0) if self.n_open is not None else None
            extra = {"scale": self.scale, "share_open": shares,
                     "log_y": True,
                     "unreached": (None if self.median_reached is None
                                   else (counts > 0) & ~self.median_reached)}
            ylabel = w._("{name} (median per {period}, {unit})", name=self.title, period=per,
                         unit=w._(self.scale))
        return plots.control_chart(
            self.periods, self.values, centre=chart.centre_line, lcl=chart.lcl_line,
            ucl=chart.ucl_line, signals=chart.signals, target=target,
            title=phase_title(self.title, period_word, self.chart_name, language),
            ylabel=ylabel, xlabel=per.capitalize(), percent=self.percent,
            phase_starts=[self.periods[self.change_index]],
            change=self.periods[self.change_index],
            centre_label=(w._("Centre (geometric mean, per period)") if extra
                          else w._("Centre line (per period)")),
            events=[*events, *self.split_events],
            carried_centre=float(chart.phases[0].centre), sparse=self.unjudged, **extra,
            language=language,
        )


def phase_title(name: str, period_word: str, chart_name: str, language: str = "en") -> str:
    """A phase chart's title: the KPI per period, before and after, then the chart after a
    colon, so a chart name with its own brackets ("I chart (XmR)") is never nested in
    another pair.

    >>> phase_title("Average handle time", "week", "I chart (XmR)")
    'Average handle time per week, before and after the change: I chart (XmR)'
    """
    from pdcakit.words import words

    w = words(language)
    return w._("{name} per {period}, before and after the change: {chart}", name=name,
               period=w._(period_word), chart=w._(chart_name))


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
                     ylabel=ylabel, per_period_test=per_period, numerators=num,
                     denominators=den)


def phase_view(tickets: pd.DataFrame, key: str, windows: Windows, *, period: str = "W",
               params: Mapping[str, float] | None = None, language: str = "en") -> PhaseView:
    """Per-period values over both windows and a control chart split at the change.

    Rates: Laney p' chart (large subgroups make plain p-chart limits too tight when
    weeks differ for ordinary reasons); durations: I chart of the log of the per-period
    Kaplan-Meier medians (open cases censored at the snapshot; limits transformed back,
    so always positive; periods with few cases drawn, not used for the limits; empty
    periods kept as gaps); means: XmR chart of the period values. The KPI's name and
    value axis in ``language`` (:func:`pdcakit.kpis.kpi_name`; English unchanged).
    """
    from pdcakit import spc
    from pdcakit.kpis import kpi_name
    from pdcakit.words import words

    params = dict(params or {})
    spec = metrics.KPIS[key]
    w = words(language)
    name = spec.name if language == "en" else kpi_name(key, language)
    frame = window_periods(tickets, key, windows, period=period, **params)
    per = PERIODS[period]
    if spec.kind == "duration":
        view = _duration_phase_view(frame, spec, windows.after_start, per, name,
                                    w._("{name} (Kaplan-Meier median {unit} per {period})",
                                        name=name, unit=w._(spec.unit), period=w._(per)))
        return replace(view, days=frame["days"].to_numpy(int),
                       full_days=frame["full_days"].to_numpy(int))
    frame = frame[frame["n"] > 0].reset_index(drop=True)
    periods = pd.DatetimeIndex(frame["period"])
    counts = {"n": frame["n"].to_numpy(int), "n_open": frame["n_open"].to_numpy(int),
              "period_word": per, "days": frame["days"].to_numpy(int),
              "full_days": frame["full_days"].to_numpy(int)}
    if spec.kind == "proportion":
        view = proportion_phase_view(periods, frame["numerator"], frame["denominator"],
                                     windows.after_start, title=name, key=key,
                                     ylabel=w._("{name} (% of tickets per {period})",
                                                name=name, period=w._(per)))
        return replace(view, **counts)
    labels = _split_at(periods, windows.after_start, name)
    chart = spc.i_chart(frame["value"].to_numpy(float), part=labels, labels=periods,
                        unit=spec.unit if spec.unit in ("minutes", "points") else "")
    ylabel = (w._("{name} (mean per {period}, {unit})", name=name, period=w._(per),
                  unit=w._(spec.unit)) if spec.unit
              else w._("{name} (mean per {period})", name=name, period=w._(per)))
    return PhaseView(key=key, title=name, periods=periods,
                     values=frame["value"].to_numpy(float), chart_name="I chart (XmR)",
                     chart=chart, change_index=labels.count("before"), percent=False,
                     ylabel=ylabel, **counts)


def window_periods(tickets: pd.DataFrame, key: str, windows: Windows, *, period: str = "W",
                   **params: Any) -> pd.DataFrame:
    """The KPI per period of each window (:func:`pdcakit.metrics.per_period` on the
    window's tickets), before then after: a period the change falls inside is cut in
    two, its part before the change ending the before window and its part from the
    change starting the after one (``period`` then holds the change date). Columns as
    ``per_period``'s, plus ``side``, ``days`` (days of the period inside its window) and
    ``full_days`` (days of the whole period). Tickets between two windows that do not
    meet are in neither.

    >>> t = pd.DataFrame({"created_at": pd.date_range("2026-03-02", "2026-04-26 12:00",
    ...                                              freq="12h"), "first_contact_resolved": True})
    >>> w = Windows.around("2026-04-10", weeks_before=4, weeks_after=2)   # a Friday
    >>> f = window_periods(t, "fcr", w)
    >>> f.loc[3:5, "side"].tolist(), f.loc[3:5, "days"].tolist(), f.loc[3:5, "n"].tolist()
    (['before', 'before', 'after'], [7, 4, 3], [14, 8, 6])
    >>> str(f.loc[5, "period"].date())                 # the after part starts at the change
    '2026-04-10'
    """
    frames = []
    tickets = metrics._checks.kpi_frame(tickets)
    for side, start, end in (("before", windows.before_start, windows.before_end),
                             ("after", windows.after_start, windows.after_end)):
        part = between(tickets, "created_at", start, end)  # naive bounds: local times
        part.attrs = dict(tickets.attrs)  # the snapshot: open cases censored at export
        if part.empty:
            continue
        frame = metrics.per_period(part, key, period=period, **params)
        spans = pd.PeriodIndex(frame["period"], freq=PANDAS_PERIOD[period])
        first, after_last = spans.start_time, (spans + 1).start_time
        inside_from = first.where(first >= start, start)
        inside_to = after_last.where(after_last <= end, end)
        frame["period"] = inside_from
        frame["side"] = side
        frame["days"] = np.ceil((inside_to - inside_from) / pd.Timedelta(days=1)).astype(int)
        frame["full_days"] = ((after_last - first) / pd.Timedelta(days=1)).astype(int)
        frames.append(frame)
    if not frames:
        raise ValueError(f"no tickets in either window ({windows.describe()})")
    return pd.concat(frames, ignore_index=True)


def _days(days: float) -> str:
    return f"{int(days)} day{'s' if int(days) != 1 else ''}"


def _duration_phase_view(frame: pd.DataFrame, spec: metrics.KpiSpec, change: pd.Timestamp,
                         per: str, name: str, ylabel: str) -> PhaseView:
    """Per-period Kaplan-Meier medians (open cases censored) on a log-scale I chart split
    at ``change``: limits always positive; periods without cases are gaps, periods with
    few cases are drawn but never set the limits."""
    periods = pd.DatetimeIndex(frame["period"])
    values = frame["value"].to_numpy(float)
    labels = _split_at(periods, change, name, present=np.isfinite(values))
    before = periods < change
    typical = [float(np.nanmedian(values[side])) if np.isfinite(values[side]).any()
               else math.nan for side in (before, ~before)]
    scale = reading_scale("minutes", *typical)
    chart = spc.log_i_chart(values, part=labels, sparse=frame["sparse"].to_numpy(bool),
                            n=frame["n"].to_numpy(float), unit="minutes", scale=scale,
                            labels=periods)
    return PhaseView(key=spec.key, title=name, periods=periods, values=values,
                     chart_name="I chart of log medians", chart=chart,
                     change_index=labels.count("before"), percent=False, ylabel=ylabel,
                     n=frame["n"].to_numpy(int), n_open=frame["n_open"].to_numpy(int),
                     sparse=frame["sparse"].to_numpy(bool),
                     median_reached=frame["median_reached"].to_numpy(bool), scale=scale,
                     period_word=per)
