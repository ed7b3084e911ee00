"""The Check stage's choices: before/after windows, one comparison per KPI, verdicts.

The compare notebook calls these so that it holds prose and display only.
For each KPI, the tickets of the before window are compared with those of the
after window by the test :func:`pdcakit.stats.compare` chooses; p-values are
adjusted across the KPI family (Holm by default); the verdict says whether the
KPI improved, worsened or did not change detectably, whether the target is met,
and whether the sample could have detected the change the team aimed for
(minimum detectable effect at the ``power`` asked for, at the level the family
adjustment's first step uses; not "post-hoc power", which only restates the
p-value). Each verdict is about one estimand (:class:`Verdict`), and period-aware:
when the periods vary more than chance, the period-level test carries it.

The windows and settings are in :mod:`pdcakit.stages.windows`, the time view in
:mod:`pdcakit.stages.timeview`, the mix adjustment's statistics in
:mod:`pdcakit.stats.stratified`.

>>> kpi_test_kind("fcr"), kpi_test_kind("csat_mean"), kpi_test_kind("aht")
('proportion', 'ordinal', 'continuous')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import metrics, stats
from pdcakit.fileio import plain
from pdcakit.results import (
    Estimate,
    duration_unit,
    format_number,
    format_signed,
    format_value,
    reading_scale,
)
from pdcakit.stages.segments import split_segments
from pdcakit.stages.windows import MULTIPLICITY, CompareSettings
from pdcakit.stats.stratified import MixCheck, stratified_change

__all__ = ["ChangeTable", "KpiChange", "SegmentChanges", "Verdict", "compare_kpi", "compare_kpis",
           "kpi_test_kind", "mix_check", "reading_scale", "segment_changes", "survival_curves"]

MIN_PER_WINDOW = 2


#: How each KPI kind in the registry is compared (see pdcakit.stats.choose.RULES).
_TEST_KIND = {"proportion": "proportion", "duration": "duration", "mean": "continuous"}


_KIND_OVERRIDES = {"complaint_rate": "rate", "csat_mean": "ordinal", "nps": "nps"}


@dataclass(frozen=True)
class Verdict:
    """The one estimand a KPI's verdict is about, and the test that carries it.

    ``estimate`` and ``ci`` are after - before of ``estimand``; ``pvalue`` is the raw
    p-value of ``test`` (the one the family adjustment uses); ``reference`` is the
    estimand's before value (for the relative change); ``why`` says which analysis ran
    and why, in one plain sentence.

    >>> v = Verdict("difference in means", "Welch t test", -1.5, (-2.5, -0.5), 0.003, 10.0,
    ...             "Welch's t test on the tickets.")
    >>> v.sign, v.period_level
    (-1, False)
    """

    estimand: str
    test: str
    estimate: float
    ci: tuple[float, float]
    pvalue: float
    reference: float
    why: str
    period_level: bool = False
    effect_size: float | None = None
    effect_size_label: str = ""

    @property
    def sign(self) -> int:
        return 1 if self.estimate > 0 else -1 if self.estimate < 0 else 0

    def as_dict(self) -> dict[str, Any]:
        return {"estimand": self.estimand, "test": self.test, "estimate": self.estimate,
                "ci": list(self.ci), "pvalue": self.pvalue,
                "reference": plain(self.reference), "why": self.why,
                "period_level": self.period_level, "effect_size": self.effect_size,
                "effect_size_label": self.effect_size_label}


@dataclass(frozen=True)
class KpiChange:
    """One KPI before and after: estimates, the verdict's test, adjusted p, target.

    ``before`` and ``after`` are the KPI's own values (medians for durations);
    ``verdict`` is the estimand the verdict is about, with its test, CI and p-value
    (``difference`` and ``difference_ci`` are its estimate and CI). ``comparison`` is
    the ticket-level test; ``period_test`` the period-level one (None: not possible,
    ``period_note`` says why); ``robustness`` a line from a test that prefers another
    estimand, shown beside the verdict and never used for it; ``shape`` the
    duration-shape check (PH, median / 90th percentile / RMST changes).
    """

    key: str
    name: str
    unit: str
    higher_is_better: bool
    before: Estimate
    after: Estimate
    comparison: stats.Comparison
    difference: float
    difference_ci: tuple[float, float]
    mde: float | None
    target: float | None = None
    p_adjusted: float | None = None
    multiplicity: str = "holm"
    alpha: float = 0.05
    segment: str = ""
    verdict: Verdict | None = None
    period_test: stats.PeriodComparison | None = None
    period_note: str = ""
    robustness: str = ""
    shape: stats.DurationShape | None = None
    power: float = 0.8
    mde_alpha: float | None = None
    design_effect: float = 1.0
    follow_up: str = ""
    reading_unit: str | None = None

    @property
    def confidence(self) -> float:
        return 1 - self.alpha

    @property
    def raw_pvalue(self) -> float:
        """The verdict test's p-value before the family adjustment."""
        return self.comparison.pvalue if self.verdict is None else self.verdict.pvalue

    @property
    def p_final(self) -> float:
        return self.raw_pvalue if self.p_adjusted is None else self.p_adjusted

    @property
    def significant(self) -> bool:
        return bool(self.p_final < self.alpha)

    @property
    def relative_change(self) -> float:
        """The change relative to the size of the before value (so a negative NPS before
        still gives the sign of the change)."""
        reference = self.before.value if self.verdict is None else self.verdict.reference
        if not reference or not math.isfinite(reference):
            return math.nan
        return self.difference / abs(reference)

    @property
    def direction(self) -> str:
        """'improved', 'worsened' or 'no significant change' (after adjustment)."""
        if not self.significant or self.effect_sign == 0:
            return "no significant change"
        better = (self.effect_sign > 0) == self.higher_is_better
        return "improved" if better else "worsened"

    @property
    def effect_sign(self) -> int:
        """+1 or -1: the sign of the verdict's own estimate (0: no change at all)."""
        if self.verdict is not None:
            return self.verdict.sign
        sign = self.comparison.extra.get("effect_sign")
        return int(sign) if sign in (1, -1) else (1 if self.difference > 0 else -1)

    @property
    def tail_note(self) -> str:
        """The slow tickets moved in the verdict's direction while the median did not
        (only when that is true: the shape check's CIs say so)."""
        shape = self.shape
        if (shape is None or not shape.tail_moved_alone
                or math.copysign(1, shape.p90_difference) != self.effect_sign):
            return ""
        way = "faster" if shape.p90_difference < 0 else "slower"
        return (f" The median hardly moved, but the slow tickets got {way}: the 90th "
                f"percentile went from {self.fmt(shape.p90_before)} to "
                f"{self.fmt(shape.p90_after)} ({self._change(shape.p90_difference, shape.p90_ci)}"
                ").")

    @property
    def target_met(self) -> bool | None:
        """Whether the after value is on the good side of the target (None: no target)."""
        if self.target is None:
            return None
        return bool(self.after.value >= self.target if self.higher_is_better
                    else self.after.value <= self.target)

    @property
    def large_enough(self) -> bool | None:
        """Could these sample sizes detect the change the target asks for (at ``power``,
        at the level the verdict uses after the family adjustment)?"""
        if self.target is None or self.mde is None or not math.isfinite(self.mde):
            return None
        return bool(self.mde <= abs(self.target - self.before.value))

    @property
    def scale(self) -> str | None:
        """Durations: the one unit (minutes, hours or days) that before, after, change, CI
        and target read in, the one every page uses for this KPI
        (:func:`pdcakit.results.reading_scale`: the before value's unit; None: not a
        duration)."""
        return self.reading_unit or reading_scale(self.unit, self.before.value,
                                                  self.after.value)

    @property
    def in_hours(self) -> bool | None:
        """Durations read in hours or days (not minutes); None: not a duration."""
        return None if self.scale is None else self.scale != "minutes"

    def fmt(self, value: float) -> str:
        return format_value(value, self.unit, scale=self.scale)

    def fmt_difference(self, value: float) -> str:
        if not math.isfinite(value):
            return "n/a"
        if self.unit == "fraction":
            return f"{format_number(100 * value, 1, sign=True)} points"
        return ("+" if value >= 0 else "-") + format_value(abs(value), self.unit,
                                                           scale=self.scale)

    def _change(self, value: float, ci: tuple[float, float]) -> str:
        level = f"{self.confidence:.0%} CI"
        if not all(math.isfinite(v) for v in ci):
            return f"{self.fmt_difference(value)}, {level} not estimable"
        return (f"{self.fmt_difference(value)}, {level} {self.fmt_difference(ci[0])} to "
                f"{self.fmt_difference(ci[1])}")

    @property
    def estimand(self) -> str:
        return (self.comparison.estimate_label if self.verdict is None
                else self.verdict.estimand)

    @property
    def test(self) -> str:
        """The name of the test that carries the verdict (the period-level one when the
        periods vary more than chance)."""
        return self.comparison.test if self.verdict is None else self.verdict.test

    @property
    def test_reason(self) -> str:
        """Why that test, in plain sentences: the verdict's own reason, else the choice
        rules' reason."""
        if self.verdict is not None:
            return self.verdict.why
        return self.comparison.reason.removeprefix("Why this test: ")

    @property
    def _estimand_is_kpi(self) -> bool:
        """The verdict's estimate is after - before of the KPI values shown."""
        return self.verdict is None or not self.verdict.estimand.startswith(
            "difference in mean time")

    @property
    def adjusted_words(self) -> str:
        return (f"{MULTIPLICITY[self.multiplicity]}-adjusted "
                if self.p_adjusted is not None and self.multiplicity != "none" else "")

    @property
    def sentence(self) -> str:
        """The verdict a manager reads: the KPI, the estimand, which analysis and why."""
        verb = {"improved": "improved", "worsened": "got worse",
                "no significant change": "did not change detectably"}[self.direction]
        p = f"{self.adjusted_words}{stats.format_p(self.p_final)}"
        what = "median " if self.unit == "minutes" else ""
        text = (f"{self.name} {verb}: {what}{self.fmt(self.before.value)} before, "
                f"{self.fmt(self.after.value)} after")
        if self._estimand_is_kpi:
            text += f" ({self._change(self.difference, self.difference_ci)}; {p})."
        else:
            text += (f"; the {self.estimand} changed by "
                     f"{self._change(self.difference, self.difference_ci)} ({p}).")
        if self.follow_up:
            text += f" {self.follow_up}"
        if self.verdict is not None and self.verdict.why:
            text += f" {self.verdict.why}"
        if self.shape is not None and not self.shape.proportional_hazards:
            text += f" {self.shape_sentence}"
        if self.significant:
            text += self.tail_note
        if self.robustness:
            text += f" {self.robustness}"
        if self.target is not None:
            text += (f" The target of {self.fmt(self.target)} is "
                     f"{'met' if self.target_met else 'not met'}.")
            if self.large_enough is False:
                text += (f" The samples could only detect a change of "
                         f"{self.fmt_difference(self.mde or math.nan).lstrip('+')} or more "
                         f"(with {self.power:.0%} power at the {self.mde_alpha_words}), "
                         "larger than the change aimed for: gather more data before deciding.")
        return text

    @property
    def mde_alpha_words(self) -> str:
        level = self.alpha if self.mde_alpha is None else self.mde_alpha
        family = ("" if self.mde_alpha is None or self.mde_alpha == self.alpha
                  else f" {MULTIPLICITY.get(self.multiplicity, 'Holm')}'s first step uses")
        return f"level {level:.2g}{family}"

    @property
    def shape_sentence(self) -> str:
        """The distribution changed shape: median, 90th percentile and restricted mean
        changes with their CIs, in the KPI's unit."""
        shape = self.shape
        if shape is None:
            return ""
        why = ("the Kaplan-Meier curves cross" if shape.curves_cross else
               "the hazards are not proportional, Grambsch-Therneau "
               f"{stats.format_p(shape.ph_pvalue)}")
        median = self._change(shape.median_difference, shape.median_ci)
        return (f"The distribution changed shape ({why}), so the median alone does not "
                f"tell the direction: the median changed by {median}, the 90th percentile "
                f"by {self._change(shape.p90_difference, shape.p90_ci)}.")

    @property
    def ci_label(self) -> str:
        return f"{self.confidence:.0%} CI of change"

    @property
    def mde_label(self) -> str:
        return f"Detectable change ({self.power:.0%} power)"

    def row(self) -> dict[str, Any]:
        low, high = self.difference_ci
        return {
            "KPI": self.name, "Estimand": self.estimand,
            "Before": self.fmt(self.before.value), "After": self.fmt(self.after.value),
            "Change": self.fmt_difference(self.difference),
            "Change %": f"{self.relative_change:+.1%}" if math.isfinite(self.relative_change)
            else "",
            self.ci_label: f"{self.fmt_difference(low)} to {self.fmt_difference(high)}",
            "Test": self.test,
            "p": stats.format_p(self.raw_pvalue).removeprefix("p "),
            "p adjusted": (stats.format_p(self.p_final).removeprefix("p ")
                           if self.p_adjusted is not None else ""),
            "Effect size": self.effect_text,
            "Verdict": self.direction,
            "Target": "" if self.target is None else (
                f"{self.fmt(self.target)}: {'met' if self.target_met else 'not met'}"),
            self.mde_label: ("" if self.mde is None or not math.isfinite(self.mde)
                             else self.fmt_difference(self.mde).lstrip("+")),
        }

    @property
    def effect_text(self) -> str:
        """The effect size of the verdict's test with its CI where it gives one."""
        if self.verdict is not None and self.verdict.period_level:
            return ""
        result = self.comparison if self.verdict is None else self.verdict
        size = result.effect_size
        if size is None or not math.isfinite(size):
            return ""
        extra = self.comparison.extra
        low, high = extra.get("effect_size_ci_low"), extra.get("effect_size_ci_high")
        interval = f", CI {low:.2f} to {high:.2f}" if low is not None else ""
        return f"{size:.2f}{interval} ({result.effect_size_label})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.key, "name": self.name, "unit": self.unit,
            "before": self.before.as_dict(), "after": self.after.as_dict(),
            "estimand": self.estimand,
            "difference": self.difference, "difference_ci": list(self.difference_ci),
            "relative_change": plain(self.relative_change),
            "test": self.test,
            "why": (self.comparison.reason if self.verdict is None else self.verdict.why),
            "pvalue": self.raw_pvalue, "p_adjusted": self.p_adjusted,
            "multiplicity": self.multiplicity, "comparison": self.comparison.as_dict(),
            "verdict_test": None if self.verdict is None else self.verdict.as_dict(),
            "period_level": bool(self.verdict is not None and self.verdict.period_level),
            "period_test": None if self.period_test is None else self.period_test.as_dict(),
            "period_note": self.period_note, "robustness": self.robustness,
            "shape": None if self.shape is None else self.shape.as_dict(),
            "follow_up": self.follow_up,
            "verdict": self.direction, "significant": self.significant,
            "target": self.target, "target_met": self.target_met,
            "minimum_detectable_change": plain(self.mde),
            "mde_alpha": self.mde_alpha, "power": self.power,
            "design_effect": self.design_effect,
            "large_enough": self.large_enough, "sentence": self.sentence,
        }


def kpi_test_kind(key: str) -> str:
    """The kind passed to :func:`pdcakit.stats.compare` for a registry KPI."""
    return _KIND_OVERRIDES.get(key, _TEST_KIND[metrics.KPIS[key].kind])


@dataclass(frozen=True)
class _Side:
    """One window's ticket values for a KPI: values, observed flags (durations) and the
    period each ticket belongs to, aligned."""

    values: np.ndarray
    observed: np.ndarray | None
    periods: np.ndarray


def _period_labels(tickets: pd.DataFrame, period: str) -> pd.Series:
    import warnings

    created = tickets["created_at"]
    with warnings.catch_warnings():  # to_period drops the time zone: the label is the week
        warnings.simplefilter("ignore", UserWarning)
        return created.dt.to_period(period)


def _side(tickets: pd.DataFrame, key: str, params: Mapping[str, float],
          period: str) -> _Side:
    spec = metrics.KPIS[key]
    labels = _period_labels(tickets, period).to_numpy(object)
    if spec.kind == "duration":
        minutes, observed = metrics.duration_minutes(tickets, key)
        keep = np.isfinite(minutes) & (minutes >= 0)
        return _Side(minutes[keep], observed[keep], labels[keep])
    if key == "nps":  # the 0-10 scores: the NPS test counts promoters and detractors
        values = pd.to_numeric(tickets["nps"], errors="coerce").to_numpy(float)
    else:
        values = spec.values(tickets, **params).to_numpy(float)
    keep = np.isfinite(values)
    return _Side(values[keep], None, labels[keep])


def _equal_follow_up(before: pd.DataFrame, after: pd.DataFrame, key: str,
                     params: Mapping[str, float]
                     ) -> tuple[pd.DataFrame, pd.DataFrame, str, dict[str, Any]]:
    """Resolution-type shares at a horizon both cohorts have observed.

    A share "resolved by the export" favours the older cohort, which had longer to
    resolve. ``resolution_rate`` becomes "resolved within H of creation" with H the
    follow-up of the youngest ticket, at least 7 days (tickets younger than H at the
    export are left out, and the sentence says how many); ``sla_resolution`` counts
    only tickets at least the SLA old. Returns the tickets and the sentence saying so.
    """
    if key not in ("resolution_rate", "sla_resolution") or "resolved_at" not in before:
        return before, after, "", {}
    snap = metrics._checks.snapshot(before)
    youngest = snap - max(before["created_at"].max(), after["created_at"].max())
    if key == "sla_resolution":
        horizon = pd.Timedelta(hours=float(params.get(
            "sla_resolution_hours", metrics.registry.DEFAULT_PARAMS["sla_resolution_hours"])))
    else:
        horizon = max(youngest, pd.Timedelta(days=7))
    parts = []
    for part in (before, after):
        old_enough = part[snap - part["created_at"] >= horizon].copy()
        if key == "resolution_rate":
            late = old_enough["resolved_at"] - old_enough["created_at"] > horizon
            old_enough.loc[late, "resolved_at"] = pd.NaT
        old_enough.attrs = dict(part.attrs)
        parts.append(old_enough)
    dropped = len(before) + len(after) - len(parts[0]) - len(parts[1])
    words = format_value(horizon / pd.Timedelta(minutes=1), "minutes")
    note = (f"Equal follow-up: both windows are compared on tickets resolved within {words} "
            "of creation, a horizon every counted ticket has been observed for"
            + (f" ({dropped:,} tickets created less than {words} before the export are "
               "left out)." if dropped else "."))
    return parts[0], parts[1], note, {"horizon_minutes": horizon / pd.Timedelta(minutes=1),
                                      "left_out": dropped}


def _check_not_degenerate(name: str, b: _Side, a: _Side) -> None:
    for label, side in (("before", b), ("after", a)):
        if side.values.size < MIN_PER_WINDOW:
            raise ValueError(f"not enough data for {name}: n={side.values.size} in the "
                             f"{label} window, need >= {MIN_PER_WINDOW}")
        if side.observed is not None and not side.observed.any():
            raise ValueError(f"{name}: all {side.values.size:,} {label} tickets are still "
                             "open, so there is no finished duration to compare")
    both = np.concatenate([b.values, a.values])
    if b.observed is None and np.ptp(both) == 0:
        raise ValueError(f"{name}: every ticket in both windows has the same value "
                         f"({both[0]:g}), so there is no change to test")


def _ticket_test(key: str, b: _Side, a: _Side, confidence: float,
                 unit: str) -> tuple[stats.Comparison, Verdict, str]:
    """The ticket-level test of the KPI's estimand, its verdict, and a robustness line."""
    kind = kpi_test_kind(key)
    if kind == "rate":
        result = stats.poisson_rates(int(b.values.sum()), float(b.values.size),
                                     int(a.values.sum()), float(a.values.size),
                                     confidence=confidence)
        why = ("Exact conditional Poisson test of the rate per ticket, the tickets counted "
               "as independent.")
    elif kind == "proportion":
        result = stats.compare(b.values, a.values, "proportion", confidence=confidence)
        why = f"{result.test.capitalize()} of the shares, the tickets counted as independent."
        low, high = stats.difference_ci(int(b.values.sum()), b.values.size,
                                        int(a.values.sum()), a.values.size,
                                        confidence=confidence)
        result = replace(result, estimate=float(a.values.mean() - b.values.mean()),
                         ci=(float(low), float(high)))
    elif kind == "nps":
        result = stats.compare(b.values, a.values, "nps", confidence=confidence)
        why = "z test of the NPS difference with its multinomial variance."
    else:  # means (handle time, CSAT mean): the difference in means, by Welch
        result = stats.welch_t(b.values, a.values, confidence=confidence, unit=unit)
        result = replace(result, reason=stats.compare(
            b.values, a.values, kind, confidence=confidence, unit=unit).reason)
        why = ("Welch's t test of the difference in means (the KPI is a mean), the tickets "
               "counted as independent.")
        verdict = Verdict("difference in means", result.test, float(result.estimate),
                          result.ci, float(result.pvalue), float(b.values.mean()), why,
                          effect_size=result.effect_size,
                          effect_size_label=result.effect_size_label)
        return result, verdict, _robustness(b, a, kind, confidence, unit)
    reference = float(b.values.mean())
    if kind == "nps":
        reference = float(result.extra.get("nps_before", reference))
    verdict = Verdict(result.estimate_label if kind != "proportion"
                      else "difference in proportions", result.test, float(result.estimate),
                      (float(result.ci[0]), float(result.ci[1])), float(result.pvalue),
                      reference, why, effect_size=result.effect_size,
                      effect_size_label=result.effect_size_label)
    return result, verdict, ""


def _robustness(b: _Side, a: _Side, kind: str, confidence: float, unit: str) -> str:
    """A rank test beside a mean's verdict, when the rules prefer it; never the verdict."""
    check = stats.compare(b.values, a.values, kind, confidence=confidence, unit=unit)
    if "welch" in check.test.lower():
        return ""
    low, high = check.ci
    degenerate = check.estimate == 0 and low == 0 and high == 0
    if degenerate or not all(math.isfinite(v) for v in (low, high)):
        shift = (f"probability that an after ticket scores higher than a before one "
                 f"{check.extra.get('probability_of_superiority', math.nan):.2f}")
    else:
        shift = f"{check.estimate_label} {check.estimate:+.3g} {unit}".rstrip()
        shift += f" ({confidence:.0%} CI {format_signed(low, 3)} to {format_signed(high, 3)})"
    return (f"Robustness check, not used for the verdict: the {check.test} (the choice rules "
            f"prefer it here: {check.reason.removeprefix('Why this test: ').rstrip('.')}) "
            f"gives {stats.format_p(check.pvalue)}, {shift}.")


def _duration_test(b: _Side, a: _Side, confidence: float, n_resamples: int,
                   scale: str | None) -> tuple[stats.Comparison, Verdict, stats.DurationShape]:
    """Durations: the log-rank test while the hazards are proportional (the whole curve
    moved one way, so the median difference tells the direction); when they are not, the
    restricted mean time up to a stated horizon, a directional estimand whatever the
    shape."""
    result = stats.logrank(b.values, b.observed, a.values, a.observed, confidence=confidence,
                           n_resamples=n_resamples, scale=scale)
    shape = stats.duration_shape(b.values, b.observed, a.values, a.observed,
                                 confidence=confidence, n_resamples=n_resamples, scale=scale)
    if shape.proportional_hazards:
        verdict = Verdict("difference in medians", result.test, float(result.estimate),
                          (float(result.ci[0]), float(result.ci[1])), float(result.pvalue),
                          float(result.extra["median_before"]),
                          "Log-rank test, open tickets censored: the hazards are "
                          "proportional (Grambsch-Therneau "
                          f"{stats.format_p(shape.ph_pvalue)}), so the whole curve moved one "
                          "way and the median difference shows by how much.",
                          effect_size=result.effect_size,
                          effect_size_label=result.effect_size_label)
        return result, verdict, shape
    horizon = format_value(shape.horizon, "minutes")  # a cap on time: its own unit
    verdict = Verdict(f"difference in mean time up to {horizon}",
                      "z test of the difference in restricted mean duration",
                      float(shape.rmst_difference), shape.rmst_ci, float(shape.rmst_pvalue),
                      float(shape.rmst_before),
                      f"Restricted mean time up to {horizon} (the area under each "
                      "Kaplan-Meier curve, open tickets censored), z test: it has one "
                      "direction whatever the shape of the curves, which the log-rank test "
                      "does not when the hazards are not proportional.")
    return result, verdict, shape


def _period_test(key: str, b: _Side, a: _Side, confidence: float, unit: str,
                 horizon: float | None, scale: str | None = None) -> stats.PeriodComparison:
    """The period-level test of the same estimand (durations: the restricted mean)."""
    kind = kpi_test_kind(key)
    if b.observed is not None:
        return stats.duration_periods(b.values, b.observed, b.periods, a.values, a.observed,
                                      a.periods, horizon=horizon, confidence=confidence,
                                      scale=scale)
    if kind in ("proportion", "rate"):
        counts = []
        for side in (b, a):
            frame = pd.DataFrame({"x": side.values, "p": side.periods}).groupby("p")["x"]
            counts.append((frame.sum().to_numpy(float), frame.size().to_numpy(float)))
        (xb, nb), (xa, na) = counts
        if kind == "rate":
            return stats.rate_periods(xb, nb, xa, na, confidence=confidence)
        return stats.proportion_periods(xb.astype(int), nb.astype(int), xa.astype(int),
                                        na.astype(int), confidence=confidence)
    if kind == "nps":  # NPS is the mean of +100 / 0 / -100 per respondent
        points = [stats.nps.nps_points(s.values) for s in (b, a)]
        return stats.mean_periods_from_values(points[0], b.periods, points[1], a.periods,
                                              confidence=confidence, unit="points")
    return stats.mean_periods_from_values(b.values, b.periods, a.values, a.periods,
                                          confidence=confidence, unit=unit, scale=scale)


def _period_verdict(period: stats.PeriodComparison, choice: stats.PeriodChoice,
                    reference: float) -> Verdict:
    label = period.estimate_label
    if label.startswith("difference in restricted mean duration up to"):
        horizon = format_value(period.extra["horizon"], "minutes")  # its own unit
        label = f"difference in mean time up to {horizon}"
    elif label.startswith("difference in rates"):
        label = "difference in rates"
    why = (f"{choice.sentence} {period.method}").replace("  ", " ")
    return Verdict(label, period.test, float(period.estimate),
                   (float(period.ci[0]), float(period.ci[1])), float(period.pvalue), reference,
                   why, period_level=True)


def _design_effect(period: stats.PeriodComparison | None, used: bool) -> float:
    """How much the period variation inflates the variance (1: the tickets are the units)."""
    if period is None or not used:
        return 1.0
    widening = float(period.extra.get("variance_inflation", 1.0))
    icc = period.dispersion.icc
    if icc is not None:
        size = (period.n_before + period.n_after) / max(period.dispersion.n_periods, 1)
        return stats.design_effect(icc=icc, period_size=size) * widening
    return stats.design_effect(dispersion=max(period.dispersion.ratio, 1.0)) * widening


def compare_kpi(before: pd.DataFrame, after: pd.DataFrame, key: str, *,
                alpha: float = 0.05, power: float = 0.8, target: float | None = None,
                params: Mapping[str, float] | None = None, period: str = "W",
                family_size: int = 1, multiplicity: str = "holm",
                n_resamples: int = 1000, scale: str | None = None) -> KpiChange:
    """Compare one KPI between the before and after tickets (raw p; see compare_kpis).

    The verdict is about one estimand (see :class:`Verdict`): shares and rates their
    difference, means (handle time, CSAT mean) the difference in means by Welch (a rank
    test the rules prefer is a robustness line beside it), NPS its difference,
    durations the median difference by the log-rank test while the hazards are
    proportional, else the restricted mean time. When the ``period`` s (weeks by
    default) vary more than chance, the period-level test of the same estimand
    carries the verdict (:func:`pdcakit.stats.choose_period_level`). The detectable
    change is at ``power`` and at the level the first step of the family adjustment
    uses over ``family_size`` KPIs, divided by the design effect of the periods.
    ``scale`` (durations: minutes, hours or days) is the unit the words read in; by
    default the one :func:`pdcakit.results.reading_scale` picks from the before value
    (a segment passes the whole KPI's, so one KPI reads in one unit on a page).
    """
    params = dict(params or {})
    spec = metrics.KPIS[key]
    before, after, follow_up, _ = _equal_follow_up(before, after, key, params)
    b, a = _side(before, key, params, period), _side(after, key, params, period)
    _check_not_degenerate(spec.name, b, a)
    estimates = [spec.estimate(t, **params) for t in (before, after)]
    scale = scale or reading_scale(spec.unit, estimates[0].value, estimates[1].value)
    confidence = 1 - alpha
    unit = "" if spec.unit == "fraction" else spec.unit
    shape = None
    if spec.kind == "duration":
        result, ticket, shape = _duration_test(b, a, confidence, n_resamples, scale)
    else:
        result, ticket, robustness = _ticket_test(key, b, a, confidence, unit)
    robustness = "" if spec.kind == "duration" else robustness
    period_test, note = None, ""
    try:
        period_test = _period_test(key, b, a, confidence, unit,
                                   None if shape is None else shape.horizon, scale)
    except ValueError as exc:
        note = (f"The period-level check could not run ({exc}), so the tickets are the "
                "units of the test.")
    verdict = ticket
    if period_test is not None:
        choice = stats.choose_period_level(result, period_test)
        if choice.period_level:
            reference = (float(period_test.extra.get("rmst_before", ticket.reference))
                         if shape is not None else ticket.reference)
            verdict = _period_verdict(period_test, choice, reference)
        else:
            verdict = replace(ticket, why=f"{ticket.why} {choice.sentence}")
    else:
        verdict = replace(ticket, why=f"{ticket.why} {note}")
    deff = _design_effect(period_test, verdict.period_level)
    method = "holm" if multiplicity == "bh" else multiplicity
    level = stats.family_alpha(alpha, max(int(family_size), 1), method)
    return KpiChange(key=key, name=spec.name, unit=spec.unit,
                     higher_is_better=spec.higher_is_better, before=estimates[0],
                     after=estimates[1], comparison=result, difference=verdict.estimate,
                     difference_ci=(float(verdict.ci[0]), float(verdict.ci[1])),
                     mde=_mde(spec, b, a, estimates[0].value, target, level, power, deff),
                     target=target, alpha=alpha, multiplicity=multiplicity, verdict=verdict,
                     period_test=period_test, period_note=note, robustness=robustness,
                     shape=shape, power=power, mde_alpha=level, design_effect=deff,
                     follow_up=follow_up, reading_unit=scale)


def _mde(spec: metrics.KpiSpec, b: _Side, a: _Side, baseline: float, target: float | None,
         alpha: float, power: float, deff: float = 1.0) -> float | None:
    """Smallest change detectable with ``power`` at level ``alpha``, in the KPI's units.

    The sizes are divided by the design effect ``deff`` of the period variation. Shares:
    R power.prop.test solved for p2. Means and NPS: power.t.test with the before SD.
    Durations: the log-rank test (Schoenfeld's events formula, the finished tickets of
    both windows) solved for the hazard ratio, read as the change of the median at the
    baseline (median / HR).
    """
    n1, n2 = b.values.size / deff, a.values.size / deff
    if min(n1, n2) < 2:
        return None
    if spec.kind == "proportion":
        improve = "increase" if spec.higher_is_better else "decrease"
        direction = improve if target is None else (
            "increase" if target >= baseline else "decrease")
        return stats.mde_prop(baseline, n1, n2, alpha=alpha, power=power, direction=direction)
    if spec.kind == "duration":
        events = float(b.observed.sum() + a.observed.sum()) / deff
        if events < 2 or not math.isfinite(baseline):
            return None
        share = a.values.size / (a.values.size + b.values.size)
        # logrank_events(e) is the events needed for log HR = 1; log HR scales as 1/sqrt(d)
        log_hr = math.sqrt(stats.logrank_events(math.e, alpha=alpha, power=power,
                                                share_after=share) / events)
        return float(baseline * (1 - math.exp(-log_hr)))
    values = b.values
    if spec.key == "nps":
        values = stats.nps.nps_points(values)
    sd = float(np.std(values, ddof=1)) if values.size > 1 else 0.0
    return stats.mde_t(n1, n2, sd, alpha=alpha, power=power) if sd > 0 else None


@dataclass(frozen=True)
class ChangeTable:
    """Every KPI's change, p-values adjusted across the family; KPIs skipped and why."""

    changes: tuple[KpiChange, ...]
    skipped: Mapping[str, str]
    multiplicity: str
    alpha: float

    def __getitem__(self, key: str) -> KpiChange:
        for change in self.changes:
            if change.key == key:
                return change
        raise KeyError(key)

    def get(self, key: str) -> KpiChange | None:
        """The change of KPI ``key``, or None when it was not compared."""
        return next((c for c in self.changes if c.key == key), None)

    def frame(self) -> pd.DataFrame:
        """The verdict table, formatted for reading."""
        return pd.DataFrame([c.row() for c in self.changes])

    @property
    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]

    @property
    def adjustment_sentence(self) -> str:
        n = len(self.changes)
        kept = sum(c.significant for c in self.changes)
        by_period = [c.name for c in self.changes
                     if c.verdict is not None and c.verdict.period_level]
        periods = (f" The periods varied more than chance for {', '.join(by_period)}, so "
                   "those verdicts (and their p-values in this adjustment) come from the "
                   "period-level tests." if by_period else "")
        if self.multiplicity == "none":
            return (f"No multiplicity adjustment: {kept} of {n} KPIs are significant at the "
                    f"{self.alpha:.0%} level, but with {n} tests some may be chance "
                    f"findings.{periods}")
        return (f"{MULTIPLICITY[self.multiplicity]} adjustment over the {n} KPIs tested: "
                f"{kept} remain significant at the {self.alpha:.0%} level.{periods}")

    def as_dict(self) -> dict[str, Any]:
        return {"multiplicity": self.multiplicity, "alpha": self.alpha,
                "kpis": {c.key: c.as_dict() for c in self.changes},
                "skipped": dict(self.skipped)}


def _adjusted(changes: list[KpiChange], method: str, alpha: float) -> tuple[KpiChange, ...]:
    from dataclasses import replace

    if not changes:
        return ()
    raw = [c.raw_pvalue for c in changes]
    adjusted = raw if method == "none" else stats.adjust_pvalues(raw, method=method)
    return tuple(replace(c, p_adjusted=float(p), multiplicity=method, alpha=alpha)
                 for c, p in zip(changes, adjusted, strict=True))


#: What a KPI that cannot be compared raises (empty, all open, all identical): it is
#: skipped with the reason while the other KPIs are compared.
_DEGENERATE = (ValueError, ArithmeticError, np.linalg.LinAlgError)  # a KeyError is a bug


def _reason(exc: BaseException) -> str:
    text = str(exc).strip("'\"")
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def compare_kpis(before: pd.DataFrame, after: pd.DataFrame,
                 settings: CompareSettings) -> ChangeTable:
    """Compare every KPI of ``settings``; KPIs without data are skipped with the reason."""
    changes, skipped = [], {}
    for key in settings.kpis:
        try:
            changes.append(compare_kpi(before, after, key, alpha=settings.alpha,
                                       power=settings.power, target=settings.targets.get(key),
                                       params=settings.params, period=settings.period,
                                       family_size=len(settings.kpis),
                                       multiplicity=settings.multiplicity))
        except _DEGENERATE as exc:
            skipped[key] = _reason(exc)
    return ChangeTable(_adjusted(changes, settings.multiplicity, settings.alpha), skipped,
                       settings.multiplicity, settings.alpha)


@dataclass(frozen=True)
class SegmentChanges:
    """One KPI's change within each segment (e.g. channel), adjusted across segments."""

    key: str
    column: str
    table: ChangeTable

    def frame(self) -> pd.DataFrame:
        rows = []
        for change in self.table.changes:
            low, high = change.difference_ci
            rows.append({"segment": change.segment, "before": change.before.value,
                         "after": change.after.value, "difference": change.difference,
                         "ci_low": low, "ci_high": high, "n_before": change.before.n,
                         "n_after": change.after.n, "test": change.comparison.test,
                         "p": change.comparison.pvalue, "p_adjusted": change.p_final,
                         "significant": change.significant, "verdict": change.direction})
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "column": self.column,
                "segments": self.frame().to_dict(orient="records"),
                "skipped": dict(self.table.skipped)}


def segment_changes(before: pd.DataFrame, after: pd.DataFrame, key: str, column: str,
                    settings: CompareSettings, *, min_n: int = 10,
                    scale: str | None = None) -> SegmentChanges:
    """The KPI compared within each value of ``column``, adjusted across the segments.

    Every segment's words read in one unit, ``scale`` (durations; by default the one the
    whole before window's value picks), so a segment in hours and one in minutes do not
    sit side by side.
    """
    spec = metrics.KPIS[key]
    needed = (*spec.columns, "created_at", "is_open")
    if scale is None and spec.unit == "minutes":
        scale = reading_scale(spec.unit, spec.estimate(before, **settings.params).value)
    parts, skipped = split_segments(before, after, column, min_n=min_n, columns=needed)
    changes = []
    for value, part_b, part_a in parts:
        try:
            change = compare_kpi(part_b, part_a, key, alpha=settings.alpha,
                                 power=settings.power, params=settings.params,
                                 period=settings.period, family_size=len(parts),
                                 multiplicity=settings.multiplicity, scale=scale)
        except _DEGENERATE as exc:
            skipped[str(value)] = _reason(exc)
            continue
        changes.append(replace(change, name=f"{change.name} in {column} {value}",
                               segment=str(value)))
    table = ChangeTable(_adjusted(changes, settings.multiplicity, settings.alpha), skipped,
                        settings.multiplicity, settings.alpha)
    return SegmentChanges(key=key, column=column, table=table)


def survival_curves(before: pd.DataFrame, after: pd.DataFrame, key: str
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The Kaplan-Meier curves of duration KPI ``key`` before and after, in minutes, each
    labelled with its median in one unit for both (the unit the before median reads in).
    ``plots.survival_curve(curves, unit="minutes")`` ends the axis where the data say."""
    minute = pd.Timedelta(minutes=1)
    summaries = {label: metrics.KPIS[key].func(part)
                 for label, part in (("Before", before), ("After", after))}
    first = summaries["Before"].median
    unit = duration_unit(None if first is None else first / minute)
    return {f"{label} (median "
            f"{'not reached' if s.median is None else unit.format(s.median / minute)})":
            (np.asarray(s.curve.times, dtype=float), np.asarray(s.curve.survival, dtype=float))
            for label, s in summaries.items()}


def mix_check(before: pd.DataFrame, after: pd.DataFrame, key: str, column: str, *,
              confidence: float = 0.95, params: Mapping[str, float] | None = None) -> MixCheck:
    """Crude and ``column``-mix-adjusted change of a proportion or mean KPI
    (:func:`pdcakit.stats.stratified.stratified_change` on the KPI's per-ticket values)."""
    spec = metrics.KPIS[key]
    if spec.kind == "duration":
        raise ValueError(f"{spec.name}: the mix check covers rates and means, not durations")
    params = dict(params or {})
    return stratified_change(spec.values(before, **params), before[column],
                             spec.values(after, **params), after[column], kind=spec.kind,
                             column=column, key=key, unit=spec.unit, confidence=confidence)
