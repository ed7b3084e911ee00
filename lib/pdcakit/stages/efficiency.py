"""Efficiency gain (source 3.1.2): time saved per ticket and per process step.

Efficiency gain = (time before - time after) / time before = 1 - after / before: the fall
of one estimand of a KPI, named as the compare page names it ("Time to resolve
(median)", "First response time (median)", "Average handle time (mean)").

- :func:`time_gain`: the mean time per ticket (handle time). The gain's CI is a seeded
  BCa bootstrap of the ratio of means (:func:`pdcakit.stats.ratio_of_means`); the time
  saved per ticket is a difference in means, with Welch's interval
  (:func:`pdcakit.stats.welch_t`, R ``t.test(var.equal = FALSE)``).
- :func:`cycle_time_gain`: the Kaplan-Meier median of a duration, open tickets censored,
  with :func:`pdcakit.stats.median_ratio` (the function and seed the compare page's
  median uses). The time saved per ticket is the difference of the medians, its CI from
  :func:`pdcakit.stats.median_difference_ci` with the same seed, i.e. the same bootstrap
  resamples as the gain (above ``LARGE_SAMPLE`` tickets in a group both are the
  Brookmeyer-Crowley large-sample intervals). Neither interval is the other one times
  a fixed value before: that ignores the uncertainty of the value before.
- :func:`measure_gain`: either, for a measure of :data:`MEASURES` on two ticket tables.
- :func:`gains_by_segment`: the same within each channel.
- :func:`step_table`: the process-step table before/after, the gain per step, the
  lead time and the process cycle efficiency (value-added time / lead time).

A gain is never worded as a verdict of its own: when its interval includes no change the
sentence says the interval is too wide to tell a gain from no change and that the Check
stage's verdict on the KPI (which may rest on another estimand, e.g. the restricted mean
time when the curves cross) is the decision. A negative gain is a loss, said so.

>>> g = time_gain([10.0, 12, 9, 11, 13] * 20, [8.0, 9, 7, 9, 10] * 20)
>>> g.label, round(g.gain, 3), round(g.minutes_saved, 2)
('Average handle time (mean)', 0.218, 2.4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import stats
from pdcakit.kpis import KPI_INFO
from pdcakit.results import DURATION_UNITS, Estimate, format_number, reading_scale
from pdcakit.stages.segments import split_segments
from pdcakit.words import N_

__all__ = ["ESTIMANDS", "MEASURES", "MEASURE_COLUMNS", "AutomationChange", "Gain",
           "StepTable", "automation_change", "cycle_time_gain", "gains_by_segment",
           "measure_gain", "step_table", "time_gain"]

#: Time measures with an efficiency gain, and their names as the compare page names the KPI.
MEASURES = {key: KPI_INFO[key].name for key in ("aht", "time_to_resolve",
                                                 "first_response_time")}
#: The measures' names lower-cased inside a sentence (a summary's later clauses, "the Check
#: stage's verdict on time to resolve"), marked so a page rewords them.
_NAMES_IN_SENTENCE = (N_("average handle time"), N_("time to resolve"),
                      N_("first response time"))
#: The estimand each measure's gain is the fall of (the compare page quotes the same one).
ESTIMANDS = {"aht": "mean", "time_to_resolve": "median", "first_response_time": "median"}
#: The columns each measure needs (each must hold data in the export).
MEASURE_COLUMNS = {"aht": ("handle_minutes",), "time_to_resolve": ("created_at", "resolved_at"),
                   "first_response_time": ("created_at", "first_response_at")}


#: A gain's sentences (English; a page rewords them in its language, see
#: :meth:`pdcakit.words.Words.reword`).
_GAIN_SAVED = N_("{name} ({estimand}{where}): {before} {unit} before, {after} {unit} after, "
                 "so {saved} {unit} saved per ticket ({level} CI {saved_span}); the {estimand} "
                 "fell by {fall} ({level} CI {fall_span}). "
                 "From {n_before} tickets before and {n_after} after.")
_GAIN_LOSS = N_("{name} ({estimand}{where}): {before} {unit} before, {after} {unit} after, "
                "so {more} {unit} more per ticket ({level} CI {more_span}); the {estimand} rose "
                "by {rise} ({level} CI {rise_span}): a loss, not a gain. "
                "From {n_before} tickets before and {n_after} after.")
_GAIN_UNDETERMINED = N_(
    "{name} ({estimand}{where}): {before} {unit} before, {after} {unit} after (time saved "
    "per ticket {saved} {unit}, {level} CI {saved_span}; fall of the {estimand} {gain}, {level} CI "
    "{gain_span}). The interval of the {estimand} is too wide to tell a gain from no change, "
    "so no time saved is claimed; the Check stage's verdict on {kpi}, which may rest on "
    "another estimand, is the decision. From {n_before} tickets before and {n_after} after.")
_GAIN_SHORT_UNDETERMINED = N_("{label}: the interval is too wide to tell a gain from no change")
_GAIN_SHORT_ROSE = N_("{label} rose by {change} ({level} CI {span})")
_GAIN_SHORT_FELL = N_("{label} fell by {change} ({level} CI {span})")
_STEPS_SHORT_FALL = N_("Lead time over the process steps: {before} -> {after} minutes, a fall "
                       "of {change}")
_STEPS_SHORT_RISE = N_("Lead time over the process steps: {before} -> {after} minutes, a rise "
                       "of {change}")
_STEPS_GAIN = N_("Lead time over the steps: {before} -> {after} minutes, an efficiency gain of "
                 "{change}")
_STEPS_LOSS = N_("Lead time over the steps: {before} -> {after} minutes, a loss of {change}")
_STEPS_PCE = N_("process cycle efficiency (value-added / lead time) {before} -> {after}")
_STEPS_MOST = N_("Most time came out of '{step}' ({minutes} minutes).")
_STEPS_NO_CI = N_("Step times are standard (planned or timed) figures: they carry no sampling "
                  "error, so no CI is shown.")
_AUTOMATION = N_("Automation share ({channels}): {before} -> {after} (change {low} to {high} "
                 "points, {level}; tickets with a channel).")


def _percent(fraction: float) -> str:
    """A fraction as a percent with one decimal, never ``-0.0%``.

    >>> _percent(0.50123), _percent(-0.00004)
    ('50.1%', '0.0%')
    """
    return f"{format_number(100 * fraction, 1)}%"


def _percent_span(low: float, high: float) -> str:
    """An interval of fractions, one unit: ``'44.2% to 55.5%'``."""
    return f"{_percent(low)} to {_percent(high)}"


def _in_unit(values: Sequence[float], scale: str) -> list[str]:
    """``values`` (minutes) read in ``scale``, all with the same decimals: one, or two
    significant figures of the largest when it is below 1 in that unit (at most three
    decimals); never ``-0.0``.

    >>> _in_unit([68.3, 58.9, 78.0], "hours"), _in_unit([0.0999, -0.133, 0.333], "minutes")
    (['1.1', '1.0', '1.3'], ['0.10', '-0.13', '0.33'])
    >>> _in_unit([-0.015, -0.198, 0.167], "minutes")
    ['-0.01', '-0.20', '0.17']
    """
    unit = DURATION_UNITS[scale]
    shown = [float(unit.of(v)) for v in values]
    sizes = [abs(v) for v in shown if math.isfinite(v) and v != 0]
    lead = float(f"{max(sizes):.2g}") if sizes else 1.0  # 0.0999 has two figures as 0.10
    digits = 1 if lead >= 1 else min(3, 1 - math.floor(math.log10(lead)))
    return [format_number(v, digits) for v in shown]


@dataclass(frozen=True)
class Gain:
    """Efficiency gain of one estimand of a time KPI, with the time saved per item.

    ``name`` is the KPI's name, ``estimand`` what the gain is the fall of ("median",
    "mean"), ``statistic`` how it was computed. ``before``, ``after`` and
    ``minutes_saved`` (before - after) are in minutes; ``gain_ci`` is the interval of
    the gain, ``saved_ci`` the interval of the time saved, each computed for its own
    quantity (``gain_ci_method``, ``saved_ci_method`` say how).

    >>> g = Gain("Time to resolve", "median", "Kaplan-Meier median", 136.3, 68.0, 0.501,
    ...          (0.442, 0.555), (58.9, 78.0), 23_988, 24_012)
    >>> print(g.sentence)
    Time to resolve (median): 2.3 hours before, 1.1 hours after, so 1.1 hours saved per \
ticket (95% CI 1.0 to 1.3 hours); the median fell by 50.1% (95% CI 44.2% to 55.5%). \
From 23,988 tickets before and 24,012 after.
    """

    name: str
    estimand: str
    statistic: str
    before: float
    after: float
    gain: float
    gain_ci: tuple[float, float]
    saved_ci: tuple[float, float]
    n_before: int
    n_after: int
    confidence: float = 0.95
    segment: str = ""
    gain_ci_method: str = ""
    saved_ci_method: str = ""
    reading: str = ""  # the unit the figures read in; "": the one the value before picks

    @property
    def label(self) -> str:
        """The measure as the compare page names it, with its estimand."""
        return f"{self.name} ({self.estimand})"

    @property
    def minutes_saved(self) -> float:
        """Minutes saved per item: before - after of the estimand (negative: time lost)."""
        return self.before - self.after

    @property
    def minutes_saved_ci(self) -> tuple[float, float]:
        """The interval of :attr:`minutes_saved` (its own, see ``saved_ci_method``)."""
        return self.saved_ci

    @property
    def is_loss(self) -> bool:
        return self.gain < 0

    @property
    def undetermined(self) -> bool:
        """The interval of the gain (or of the time saved) includes no change: the data
        cannot tell a gain from no change (nor from a loss)."""
        return any(low <= 0 <= high for low, high in (self.gain_ci, self.saved_ci))

    @property
    def scale(self) -> str:
        """The unit the figures read in: ``reading`` when set (a segment reads in its KPI's
        unit), else the one the value before picks, as on every page."""
        return self.reading or reading_scale("minutes", self.before, self.after) or "minutes"

    def _figures(self) -> tuple[str, str, str, str]:
        """Before, after, saved and the saved interval, in one unit, as text."""
        before, after = _in_unit([self.before, self.after], self.scale)
        saved, low, high = _in_unit([self.minutes_saved, *self.saved_ci], self.scale)
        return before, after, saved, f"{low} to {high} {self.scale}"

    @property
    def sentence(self) -> str:
        before, after, saved, saved_span = self._figures()
        level = f"{self.confidence:.0%}"
        values = {"name": self.name, "estimand": self.estimand, "before": before,
                  "after": after, "unit": self.scale, "level": level,
                  "where": f", {self.segment}" if self.segment else "",
                  "n_before": f"{self.n_before:,}", "n_after": f"{self.n_after:,}"}
        if self.undetermined:
            return _GAIN_UNDETERMINED.format(
                saved=saved, saved_span=saved_span, gain=_percent(self.gain),
                gain_span=_percent_span(*self.gain_ci), kpi=self.name.lower(), **values)
        if self.is_loss:
            more, low, high = _in_unit([-self.minutes_saved, -self.saved_ci[1],
                                        -self.saved_ci[0]], self.scale)
            return _GAIN_LOSS.format(
                more=more, more_span=f"{low} to {high} {self.scale}",
                rise=_percent(-self.gain),
                rise_span=_percent_span(-self.gain_ci[1], -self.gain_ci[0]), **values)
        return _GAIN_SAVED.format(saved=saved, saved_span=saved_span, fall=_percent(self.gain),
                                  fall_span=_percent_span(*self.gain_ci), **values)

    @property
    def short(self) -> str:
        """The gain in a few words, for a summary: ``'Time to resolve (median) fell by
        50.1% (95% CI 44.2% to 55.5%)'``."""
        level = f"{self.confidence:.0%}"
        if self.undetermined:
            return _GAIN_SHORT_UNDETERMINED.format(label=self.label)
        if self.is_loss:
            return _GAIN_SHORT_ROSE.format(
                label=self.label, change=_percent(-self.gain), level=level,
                span=_percent_span(-self.gain_ci[1], -self.gain_ci[0]))
        return _GAIN_SHORT_FELL.format(label=self.label, change=_percent(self.gain),
                                       level=level, span=_percent_span(*self.gain_ci))

    def row(self) -> dict[str, Any]:
        """One table row: every figure in the unit of the value before, the measure named
        with its estimand."""
        before, after, saved, saved_span = self._figures()
        level = f"{self.confidence:.0%} CI"
        return {N_("Measure"): self.label,
                **({N_("Segment"): self.segment} if self.segment else {}),
                N_("Before"): f"{before} {self.scale}", N_("After"): f"{after} {self.scale}",
                N_("Saved per ticket"): f"{saved} {self.scale}",
                N_("{level} of the saving").format(level=level): saved_span,
                N_("Fall (gain)"): _percent(self.gain),
                N_("{level} of the fall").format(level=level): _percent_span(*self.gain_ci),
                N_("Tickets before"): f"{self.n_before:,}",
                N_("Tickets after"): f"{self.n_after:,}"}

    def as_dict(self) -> dict[str, Any]:
        """results.json's gain record: every figure is of ``estimand``."""
        return {"name": self.label, "kpi_name": self.name, "estimand": self.estimand,
                "segment": self.segment, "statistic": self.statistic,
                "confidence": self.confidence, "before_minutes": self.before,
                "after_minutes": self.after, "gain": self.gain,
                "gain_ci": list(self.gain_ci), "gain_ci_method": self.gain_ci_method,
                "minutes_saved": self.minutes_saved,
                "minutes_saved_ci": list(self.saved_ci),
                "minutes_saved_ci_method": self.saved_ci_method,
                "interval_includes_no_change": self.undetermined, "reads_in": self.scale,
                "n_before": self.n_before, "n_after": self.n_after,
                "sentence": self.sentence}


def _from_ratio(name: str, estimand: str, ratio: stats.RatioEstimate,
                saved_ci: tuple[float, float], saved_ci_method: str, segment: str) -> Gain:
    return Gain(name=name, estimand=estimand, statistic=ratio.statistic, before=ratio.before,
                after=ratio.after, gain=ratio.gain, gain_ci=ratio.gain_ci,
                saved_ci=saved_ci, n_before=ratio.n_before, n_after=ratio.n_after,
                confidence=ratio.confidence, segment=segment,
                gain_ci_method=f"{ratio.method}, {ratio.n_resamples:,} resamples"
                if "large sample" not in ratio.method else ratio.method,
                saved_ci_method=saved_ci_method)


def _positive_before(values: np.ndarray, name: str) -> None:
    if values.size and not np.nanmean(values) > 0:
        raise ValueError(f"{name}: the time before is 0, so a gain relative to it is undefined; "
                         "check the before window and the time column")


def time_gain(before_minutes: Sequence[float], after_minutes: Sequence[float], *,
              name: str = MEASURES["aht"], confidence: float = 0.95,
              seed: int = stats.DEFAULT_SEED, segment: str = "") -> Gain:
    """Efficiency gain of a mean time per item: the gain's CI from a seeded BCa bootstrap
    of the ratio of means, the time saved's from Welch's interval of the difference in
    means (R ``t.test(before, after)``: its CI is of before - after)."""
    b = np.asarray(before_minutes, dtype=float)
    a = np.asarray(after_minutes, dtype=float)
    _positive_before(b[np.isfinite(b)], name)
    ratio = stats.ratio_of_means(b, a, confidence=confidence, seed=seed)
    finite_b, finite_a = b[np.isfinite(b)], a[np.isfinite(a)]
    if np.ptp(finite_b) == 0 and finite_a.size and np.ptp(finite_a) == 0:
        # every time the same within each group: the difference has no sampling error
        saved = float(finite_b[0] - finite_a[0])
        return _from_ratio(name, "mean", ratio, (saved, saved), "none: no spread within "
                           "either group", segment)
    welch = stats.welch_t(b, a, confidence=confidence)  # after - before
    saved_ci = (-welch.ci[1], -welch.ci[0])
    return _from_ratio(name, "mean", ratio, saved_ci, "Welch's interval of the difference "
                       "in means", segment)


def cycle_time_gain(before_minutes: Sequence[float], before_observed: Sequence[bool],
                    after_minutes: Sequence[float], after_observed: Sequence[bool], *,
                    name: str = MEASURES["time_to_resolve"], confidence: float = 0.95,
                    seed: int = stats.DEFAULT_SEED, segment: str = "") -> Gain:
    """Efficiency gain of the Kaplan-Meier median of a duration, open items censored.

    The gain is ``1 - median ratio`` (:func:`pdcakit.stats.median_ratio`); the time
    saved is median before - median after, its interval from the same bootstrap resamples
    (:func:`pdcakit.stats.median_difference_ci`, same seed). A median not reached (over
    half the items still open) has no gain: a ValueError says how many are open, rather
    than a gain of "nan%".

    >>> cycle_time_gain([10, 20, 30] * 10, [True] * 30, [5, 8, 9] * 10, [True, False, False] * 10)
    Traceback (most recent call last):
    ...
    ValueError: the median after is not reached: 20 of 30 still open at the export, so the \
gain of the median is undefined; rerun on a later export, when more have closed
    """
    ratio = stats.median_ratio(before_minutes, before_observed, after_minutes, after_observed,
                               confidence=confidence, seed=seed)
    if not math.isfinite(ratio.after):
        still_open = int(np.size(after_observed) - np.count_nonzero(after_observed))
        raise ValueError(f"the median after is not reached: {still_open:,} of "
                         f"{ratio.n_after:,} still open at the export, so the gain of the "
                         "median is undefined; rerun on a later export, when more have closed")
    change = stats.median_difference_ci(before_minutes, before_observed, after_minutes,
                                        after_observed, confidence=confidence, seed=seed)
    if not all(math.isfinite(v) for v in (*ratio.ci, *change)):
        raise ValueError("the interval of the gain is undefined: in some resamples over half "
                         "are still open; rerun on a later export, when more have closed")
    method = ("Brookmeyer-Crowley interval of the difference of the medians (large sample)"
              if "large sample" in ratio.method else
              f"percentile bootstrap of the difference of the medians, the gain's "
              f"{ratio.n_resamples:,} resamples")
    return _from_ratio(name, "median", ratio, (-change[1], -change[0]), method, segment)


def measure_gain(measure: str, before: pd.DataFrame, after: pd.DataFrame, *,
                 confidence: float = 0.95, segment: str = "") -> Gain:
    """The gain of ``measure`` from the tickets ``before`` to those ``after``: "aht" as
    the mean handle time (:func:`time_gain`), a duration ("time_to_resolve",
    "first_response_time") as the Kaplan-Meier median, open tickets censored
    (:func:`cycle_time_gain`).

    >>> b = pd.DataFrame({"handle_minutes": [10.0, 12, 9, 11, 13] * 20})
    >>> a = pd.DataFrame({"handle_minutes": [8.0, 9, 7, 9, 10] * 20})
    >>> round(measure_gain("aht", b, a).gain, 3)
    0.218
    """
    from pdcakit.metrics import duration_minutes

    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
    if measure == "aht":
        return time_gain(before["handle_minutes"], after["handle_minutes"],
                         name=MEASURES[measure], confidence=confidence, segment=segment)
    (tb, ob), (ta, oa) = (duration_minutes(part, measure) for part in (before, after))
    return cycle_time_gain(tb, ob, ta, oa, name=MEASURES[measure], confidence=confidence,
                           segment=segment)


def gains_by_segment(before: pd.DataFrame, after: pd.DataFrame, column: str, measure: str, *,
                     confidence: float = 0.95, min_n: int = 20) -> tuple[list[Gain],
                                                                          dict[str, str]]:
    """``measure`` within each value of ``column``: "aht" (mean handle time), or a
    duration KPI ("time_to_resolve", "first_response_time") as a Kaplan-Meier median.

    Returns the gains and, per segment left out, why (too few tickets, no time before).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
    needed = ["handle_minutes"] if measure == "aht" else \
        ["created_at", "first_response_at", "resolved_at", "is_open"]
    parts, skipped = split_segments(before, after, column, min_n=min_n, columns=needed)
    gains = []
    for value, part_b, part_a in parts:
        try:
            gains.append(measure_gain(measure, part_b, part_a, confidence=confidence,
                                      segment=str(value)))
        except ValueError as exc:
            skipped[str(value)] = str(exc)
    return gains, skipped


@dataclass(frozen=True)
class StepTable:
    """Process steps before/after: gain per step, lead time and process cycle efficiency."""

    frame: pd.DataFrame
    waiting_steps: tuple[str, ...]

    @property
    def lead_time_before(self) -> float:
        return float(self.frame["minutes_before"].sum())

    @property
    def lead_time_after(self) -> float:
        return float(self.frame["minutes_after"].sum())

    @property
    def gain(self) -> float:
        """(lead time before - after) / before, the source's 3.1.2 formula on the steps."""
        return 1 - self.lead_time_after / self.lead_time_before

    def _value_added(self, column: str) -> float:
        if "value_added" not in self.frame:
            return math.nan
        flags = self.frame["value_added"].fillna(False).astype(bool)
        return float(self.frame.loc[flags, column].sum())

    @property
    def cycle_efficiency(self) -> tuple[float, float]:
        """Process cycle efficiency before and after: value-added time / lead time."""
        return (self._value_added("minutes_before") / self.lead_time_before,
                self._value_added("minutes_after") / self.lead_time_after)

    @property
    def agent_minutes_saved_per_week(self) -> float | None:
        """Work minutes saved per week: (before - after) x volume over the non-waiting steps.

        None without a ``volume`` column.
        """
        if "volume" not in self.frame or self.frame["volume"].isna().all():
            return None
        work = self.frame[~self.frame["step"].isin(self.waiting_steps)]
        return float(((work["minutes_before"] - work["minutes_after"])
                      * work["volume"].fillna(0)).sum())

    def display(self) -> pd.DataFrame:
        out = self.frame.copy()
        out[N_("saved (min)")] = out["minutes_before"] - out["minutes_after"]
        out["gain"] = [f"{g:+.1%}" if math.isfinite(g) else "n/a" for g in out["step_gain"]]
        out["kind"] = np.where(out["step"].isin(self.waiting_steps), N_("waiting"),
                               np.where(out.get("value_added", False), N_("value-added"),
                                        N_("non-value-added")))
        return out.drop(columns=["step_gain"])

    @property
    def short(self) -> str:
        """The lead time before and after in a few words, for a summary.

        >>> step_table(pd.DataFrame({"step": ["a"], "minutes_before": [151.0],
        ...                          "minutes_after": [110.0]})).short
        'Lead time over the process steps: 151.0 -> 110.0 minutes, a fall of 27.2%'
        """
        template = _STEPS_SHORT_FALL if self.gain >= 0 else _STEPS_SHORT_RISE
        return template.format(before=format_number(self.lead_time_before),
                               after=format_number(self.lead_time_after),
                               change=_percent(abs(self.gain)))

    @property
    def sentence(self) -> str:
        pce_b, pce_a = self.cycle_efficiency
        template = _STEPS_GAIN if self.gain >= 0 else _STEPS_LOSS
        text = template.format(before=f"{self.lead_time_before:,.1f}",
                               after=f"{self.lead_time_after:,.1f}",
                               change=f"{abs(self.gain):.1%}")
        if math.isfinite(pce_b):
            text += "; " + _STEPS_PCE.format(before=f"{pce_b:.1%}", after=f"{pce_a:.1%}")
        biggest = self.frame.loc[(self.frame["minutes_before"]
                                  - self.frame["minutes_after"]).idxmax()]
        most = _STEPS_MOST.format(
            step=biggest["step"],
            minutes=f"{biggest['minutes_before'] - biggest['minutes_after']:,.1f}")
        return f"{text}. {most} {_STEPS_NO_CI}"

    def as_dict(self) -> dict[str, Any]:
        pce_b, pce_a = self.cycle_efficiency
        return {"steps": self.frame.replace({np.nan: None}).to_dict(orient="records"),
                "lead_time_before": self.lead_time_before,
                "lead_time_after": self.lead_time_after, "gain": self.gain,
                "cycle_efficiency_before": None if math.isnan(pce_b) else pce_b,
                "cycle_efficiency_after": None if math.isnan(pce_a) else pce_a,
                "agent_minutes_saved_per_week": self.agent_minutes_saved_per_week,
                "waiting_steps": list(self.waiting_steps), "sentence": self.sentence}


def step_table(steps: pd.DataFrame, *, waiting_steps: Sequence[str] = ()) -> StepTable:
    """The steps table (``step``, ``minutes_before``, ``minutes_after``, optional
    ``value_added`` and ``volume``) with each step's gain.

    ``waiting_steps`` are waiting time (e.g. "wait for customer"): part of the lead time,
    not of the work an agent is freed from.

    >>> t = step_table(pd.DataFrame({"step": ["triage", "respond"],
    ...     "minutes_before": [6.0, 4.0], "minutes_after": [1.0, 4.0],
    ...     "value_added": [False, True]}))
    >>> round(t.gain, 2), [round(v, 2) for v in t.cycle_efficiency]
    (0.5, [0.4, 0.8])
    """
    missing = [c for c in ("step", "minutes_before", "minutes_after") if c not in steps]
    if missing:
        raise ValueError(f"the process-steps table lacks the column(s) {', '.join(missing)}; "
                         "it needs step, minutes_before, minutes_after")
    if steps.empty:
        raise ValueError("the process-steps table has no rows")
    frame = steps.reset_index(drop=True).copy()
    if not frame["minutes_before"].sum() > 0:
        raise ValueError("the process-steps table: every step takes 0 minutes before, so a "
                         "gain relative to it is undefined; check minutes_before")
    unknown = sorted(set(waiting_steps) - set(frame["step"].astype(str)))
    if unknown:
        raise ValueError(f"waiting_steps names steps not in the table: {', '.join(unknown)}; "
                         f"steps are: {', '.join(frame['step'].astype(str))}")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["step_gain"] = np.where(frame["minutes_before"] > 0,
                                      1 - frame["minutes_after"] / frame["minutes_before"],
                                      np.nan)
    return StepTable(frame=frame, waiting_steps=tuple(waiting_steps))


@dataclass(frozen=True)
class AutomationChange:
    """The automation share (3.4) before and after, and the CI of its change."""

    before: Estimate
    after: Estimate
    difference_ci: tuple[float, float]
    channels: tuple[str, ...]

    @property
    def sentence(self) -> str:
        low, high = self.difference_ci
        return _AUTOMATION.format(channels=", ".join(self.channels),
                                  before=f"{self.before.value:.1%}",
                                  after=f"{self.after.value:.1%}",
                                  low=format_number(100 * low, 1, sign=True),
                                  high=format_number(100 * high, 1, sign=True),
                                  level=f"{self.before.confidence:.0%} CI")

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before.value, "after": self.after.value,
                "difference_ci": list(self.difference_ci), "channels": list(self.channels),
                "n_before": self.before.n, "n_after": self.after.n, "sentence": self.sentence}


def automation_change(before: pd.DataFrame, after: pd.DataFrame, channels: Sequence[str], *,
                      confidence: float = 0.95) -> AutomationChange:
    """Share of tickets (with a channel) handled through ``channels``, before and after,
    with Newcombe's interval of the change.

    >>> t = pd.DataFrame({"channel": ["web", "phone", "web", "phone"]})
    >>> change = automation_change(t.iloc[:2], t.iloc[:3], ["web"])
    >>> round(change.before.value, 2), round(change.after.value, 2)
    (0.5, 0.67)
    """
    from pdcakit.metrics import automation_share

    shares = [automation_share(part, automated_channels=list(channels), confidence=confidence)
              for part in (before, after)]
    successes = [round(s.value * s.n) for s in shares]
    low, high = stats.difference_ci(successes[0], shares[0].n, successes[1], shares[1].n,
                                    confidence=confidence)
    return AutomationChange(before=shares[0], after=shares[1], difference_ci=(low, high),
                            channels=tuple(channels))
