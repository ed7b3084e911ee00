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

>>> windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
>>> windows.describe()
'before: 2026-01-05 to 2026-04-05; after: 2026-04-06 to 2026-07-05'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from pdcakit import metrics, spc, stats
from pdcakit.data.slicing import between
from pdcakit.results import Estimate, duration_unit, format_number, format_signed, format_value
from pdcakit.stages.baseline import _check_keys, _fraction_problem
from pdcakit.stages.segments import split_segments

__all__ = ["ChangeTable", "CompareSettings", "KpiChange", "MixCheck", "PhaseView",
           "SegmentChanges", "Windows", "compare_kpi", "compare_kpis", "mix_check",
           "phase_view", "segment_changes", "survival_curves", "training_check"]

#: Fewest observations per window for a comparison (a CI from one value is no CI).
MIN_PER_WINDOW = 2
MULTIPLICITY = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}
#: How each KPI kind in the registry is compared (see pdcakit.stats.choose.RULES).
_TEST_KIND = {"proportion": "proportion", "duration": "duration", "mean": "continuous"}
_KIND_OVERRIDES = {"complaint_rate": "rate", "csat_mean": "ordinal", "nps": "nps"}


@dataclass(frozen=True)
class Windows:
    """The before and after windows: start inclusive, end exclusive (tickets by creation)."""

    before_start: pd.Timestamp
    before_end: pd.Timestamp
    after_start: pd.Timestamp
    after_end: pd.Timestamp

    @classmethod
    def around(cls, change_date: str, *, weeks_before: int, weeks_after: int) -> Windows:
        """``weeks_before`` whole weeks before the change date and ``weeks_after`` from it."""
        change = _date("change_date", change_date)
        for name, weeks in (("weeks_before", weeks_before), ("weeks_after", weeks_after)):
            if int(weeks) < 1:
                raise ValueError(f"parameter {name}: {weeks!r} must be a whole number >= 1")
        return cls(change - pd.Timedelta(weeks=int(weeks_before)), change, change,
                   change + pd.Timedelta(weeks=int(weeks_after)))

    @classmethod
    def explicit(cls, before: Sequence[str], after: Sequence[str]) -> Windows:
        """From ``[start, end]`` pairs (end exclusive); the windows may not overlap."""
        pairs = []
        for name, window in (("before", before), ("after", after)):
            if len(window) != 2:
                raise ValueError(f"parameter {name}: give [start, end], got {list(window)!r}")
            start, end = (_date(name, w) for w in window)
            if not start < end:
                raise ValueError(f"parameter {name}: start {start.date()} must come before "
                                 f"end {end.date()}")
            pairs.append((start, end))
        (bs, be), (as_, ae) = pairs
        if as_ < be:
            raise ValueError(f"the after window starts ({as_.date()}) before the before window "
                             f"ends ({be.date()}): the windows must not overlap")
        return cls(bs, be, as_, ae)

    @classmethod
    def from_parameters(cls, *, before: Any = (), after: Any = (), change_date: Any = "",
                        weeks_before: int = 13, weeks_after: int = 13) -> Windows:
        """The windows a stage's parameters name: ``before`` and ``after`` when either is
        given (the cycle record's data.before / data.after), else ``weeks_before`` and
        ``weeks_after`` around ``change_date``. Every problem is listed at once.

        >>> Windows.from_parameters(before=["2026-01-05", "2026-04-06"],
        ...                         after=["2026-04-06", "2026-07-06"]).after_start.date()
        datetime.date(2026, 4, 6)
        >>> Windows.from_parameters(before="[2026-01-05, 2026-04-06]")
        Traceback (most recent call last):
        ...
        ValueError: parameter before: got the text '[2026-01-05, 2026-04-06]', not a list; \
with papermill, give lists with -y 'before: [2026-01-05, 2026-04-06]'
        """
        from pdcakit.stages.sections import list_problem, raise_problems

        problems = [p for p in (list_problem("before", before), list_problem("after", after))
                    if p]
        raise_problems(problems)
        if before or after:
            return cls.explicit(before, after)
        if not str(change_date).strip():
            raise ValueError("no windows: give before and after ([start, end) each), or "
                             "change_date with weeks_before and weeks_after")
        return cls.around(str(change_date), weeks_before=weeks_before, weeks_after=weeks_after)

    def describe(self) -> str:
        last = pd.Timedelta(days=1)
        return (f"before: {self.before_start.date()} to {(self.before_end - last).date()}; "
                f"after: {self.after_start.date()} to {(self.after_end - last).date()}")

    def split(self, tickets: pd.DataFrame,
              date_column: str = "created_at") -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tickets created in each window; a clear error when one is empty."""
        created = tickets[date_column]
        before = between(tickets, date_column, self.before_start, self.before_end)
        after = between(tickets, date_column, self.after_start, self.after_end)
        for name, part in (("before", before), ("after", after)):
            if part.empty:
                raise ValueError(
                    f"no tickets in the {name} window ({self.describe()}); the data run from "
                    f"{created.min():%Y-%m-%d} to {created.max():%Y-%m-%d}: move the windows "
                    "or the change date inside that range")
        return before, after

    def as_dict(self) -> dict[str, str]:
        return {k: str(getattr(self, k).date()) for k in
                ("before_start", "before_end", "after_start", "after_end")}


def _date(name: str, value: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(str(value))
    except ValueError:
        raise ValueError(f"parameter {name}: {value!r} is not a date (use YYYY-MM-DD)") from None


@dataclass(frozen=True)
class CompareSettings:
    """The compare notebook's parameters after checking.

    ``headline_kpi`` "" means "the first KPI of ``kpis`` the export supports".
    """

    kpis: tuple[str, ...]
    alpha: float = 0.05
    power: float = 0.8
    multiplicity: str = "holm"
    targets: Mapping[str, float] = field(default_factory=dict)
    period: str = "W"
    params: Mapping[str, float] = field(default_factory=dict)
    headline_kpi: str = ""

    @classmethod
    def check(cls, *, kpis: Sequence[str], alpha: float = 0.05, power: float = 0.8,
              multiplicity: str = "holm", targets: Mapping[str, float] | None = None,
              period: str = "W", headline_kpi: str = "",
              kpi_lists: Mapping[str, Any] | None = None,
              **params: float) -> CompareSettings:
        """Validate; raise one ValueError listing every problem, each with its fix.

        ``kpi_lists``: further list parameters of KPI keys (e.g. ``time_view_kpis``),
        checked the same way as ``kpis``.
        """
        from pdcakit.stages.sections import list_problem, raise_problems

        problems: list[str] = []
        keys: tuple[str, ...] = ()
        for name, value in {"kpis": kpis, **dict(kpi_lists or {})}.items():
            problem = list_problem(name, value)
            if problem:
                problems.append(problem)
            elif name == "kpis":
                keys = _check_keys(name, list(value), problems)
            else:
                _check_keys(name, list(value), problems)
        if isinstance(targets, str):
            problems.append(f"parameter targets: got the text {targets!r}, not a mapping; "
                            f"with papermill, give it with -y 'targets: {targets}'")
            targets = {}
        targets = dict(targets or {})
        _check_keys("targets", list(targets), problems)
        if headline_kpi:
            _check_keys("headline_kpi", [headline_kpi], problems)
        for name, value in (("alpha", alpha), ("power", power)):
            problem = _fraction_problem(name, value)
            if problem:
                problems.append(problem)
        if multiplicity not in MULTIPLICITY:
            problems.append(f"parameter multiplicity: {multiplicity!r} is not one of "
                            f"{', '.join(MULTIPLICITY)}")
        if period not in ("D", "W", "M"):
            problems.append(f"parameter period: {period!r} is not one of D, W, M")
        clean: dict[str, float] = {}
        for key, value in targets.items():
            try:
                clean[key] = float(value)
            except (TypeError, ValueError):
                problems.append(f"parameter targets: {key}: {value!r} is not a number")
                continue
            if (key in metrics.KPIS and metrics.KPIS[key].kind == "proportion"
                    and not 0 <= clean[key] <= 1):
                problems.append(f"parameter targets: {key} is a rate, so give its target as "
                                f"a fraction between 0 and 1 (e.g. 0.74), not {value!r}")
        raise_problems(problems)
        return cls(kpis=keys, alpha=float(alpha), power=float(power), multiplicity=multiplicity,
                   targets={k: v for k, v in clean.items() if k in metrics.KPIS},
                   period=period,
                   params={k: float(v) for k, v in params.items() if v is not None},
                   headline_kpi=headline_kpi)

    def only(self, keys: Sequence[str]) -> CompareSettings:
        """These settings for the KPIs ``keys`` (e.g. those this export supports).

        >>> CompareSettings.check(kpis=["fcr", "aht"]).only(["aht"]).kpis
        ('aht',)
        """
        return replace(self, kpis=tuple(keys))


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
                "reference": _none_if_nan(self.reference), "why": self.why,
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
        """Durations: the one unit (minutes, hours or days, see
        :func:`pdcakit.results.duration_unit`) that before, after, change, CI and target
        read in, from the smaller of the before and after values so both keep their
        precision (None: not a duration)."""
        if self.unit != "minutes":
            return None
        values = [abs(v) for v in (self.before.value, self.after.value) if math.isfinite(v)]
        return duration_unit(min(values, default=math.nan)).name

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
        test = self.comparison.test if self.verdict is None else self.verdict.test
        return {
            "KPI": self.name, "Estimand": self.estimand,
            "Before": self.fmt(self.before.value), "After": self.fmt(self.after.value),
            "Change": self.fmt_difference(self.difference),
            "Change %": f"{self.relative_change:+.1%}" if math.isfinite(self.relative_change)
            else "",
            self.ci_label: f"{self.fmt_difference(low)} to {self.fmt_difference(high)}",
            "Test": test,
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
            "relative_change": _none_if_nan(self.relative_change),
            "test": self.comparison.test if self.verdict is None else self.verdict.test,
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
            "minimum_detectable_change": _none_if_nan(self.mde),
            "mde_alpha": self.mde_alpha, "power": self.power,
            "design_effect": self.design_effect,
            "large_enough": self.large_enough, "sentence": self.sentence,
        }


def _none_if_nan(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


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


def _duration_test(b: _Side, a: _Side, confidence: float,
                   n_resamples: int) -> tuple[stats.Comparison, Verdict, stats.DurationShape]:
    """Durations: the log-rank test while the hazards are proportional (the whole curve
    moved one way, so the median difference tells the direction); when they are not, the
    restricted mean time up to a stated horizon, a directional estimand whatever the
    shape."""
    result = stats.logrank(b.values, b.observed, a.values, a.observed, confidence=confidence,
                           n_resamples=n_resamples)
    shape = stats.duration_shape(b.values, b.observed, a.values, a.observed,
                                 confidence=confidence, n_resamples=n_resamples)
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
    horizon = format_value(shape.horizon, "minutes")
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
                 horizon: float | None) -> stats.PeriodComparison:
    """The period-level test of the same estimand (durations: the restricted mean)."""
    kind = kpi_test_kind(key)
    if b.observed is not None:
        return stats.duration_periods(b.values, b.observed, b.periods, a.values, a.observed,
                                      a.periods, horizon=horizon, confidence=confidence)
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
        points = [np.select([s.values >= 9, s.values <= 6], [100.0, -100.0], 0.0)
                  for s in (b, a)]
        return stats.mean_periods_from_values(points[0], b.periods, points[1], a.periods,
                                              confidence=confidence, unit="points")
    return stats.mean_periods_from_values(b.values, b.periods, a.values, a.periods,
                                          confidence=confidence, unit=unit)


def _period_verdict(period: stats.PeriodComparison, choice: stats.PeriodChoice,
                    reference: float) -> Verdict:
    label = period.estimate_label
    if label.startswith("difference in restricted mean duration up to"):
        label = f"difference in mean time up to {format_value(period.extra['horizon'], 'minutes')}"
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
                n_resamples: int = 1000) -> KpiChange:
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
    """
    params = dict(params or {})
    spec = metrics.KPIS[key]
    before, after, follow_up, _ = _equal_follow_up(before, after, key, params)
    b, a = _side(before, key, params, period), _side(after, key, params, period)
    _check_not_degenerate(spec.name, b, a)
    estimates = [spec.estimate(t, **params) for t in (before, after)]
    confidence = 1 - alpha
    unit = "" if spec.unit == "fraction" else spec.unit
    shape = None
    if spec.kind == "duration":
        result, ticket, shape = _duration_test(b, a, confidence, n_resamples)
    else:
        result, ticket, robustness = _ticket_test(key, b, a, confidence, unit)
    robustness = "" if spec.kind == "duration" else robustness
    period_test, note = None, ""
    try:
        period_test = _period_test(key, b, a, confidence, unit,
                                   None if shape is None else shape.horizon)
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
                     follow_up=follow_up)


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
        values = np.select([values >= 9, values <= 6], [100.0, -100.0], 0.0)
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
_DEGENERATE = (ValueError, KeyError, ArithmeticError, np.linalg.LinAlgError)


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
                    settings: CompareSettings, *, min_n: int = 10) -> SegmentChanges:
    """The KPI compared within each value of ``column``, adjusted across the segments."""
    needed = (*metrics.KPIS[key].columns, "created_at", "is_open") if key in metrics.KPIS \
        else None
    parts, skipped = split_segments(before, after, column, min_n=min_n, columns=needed)
    changes = []
    for value, part_b, part_a in parts:
        try:
            change = compare_kpi(part_b, part_a, key, alpha=settings.alpha,
                                 power=settings.power, params=settings.params,
                                 period=settings.period, family_size=len(parts),
                                 multiplicity=settings.multiplicity)
        except _DEGENERATE as exc:
            skipped[str(value)] = _reason(exc)
            continue
        changes.append(replace(change, name=f"{change.name} in {column} {value}",
                               segment=str(value)))
    table = ChangeTable(_adjusted(changes, settings.multiplicity, settings.alpha), skipped,
                        settings.multiplicity, settings.alpha)
    return SegmentChanges(key=key, column=column, table=table)


@dataclass(frozen=True)
class MixCheck:
    """Crude versus mix-adjusted change, and whether the mix itself moved."""

    key: str
    column: str
    mix: pd.DataFrame
    mix_pvalue: float
    crude: float
    crude_ci: tuple[float, float]
    adjusted: float
    adjusted_ci: tuple[float, float]
    adjusted_pvalue: float
    method: str
    unit: str
    confidence: float = 0.95
    strata_used: int = 0
    left_out: int = 0

    @property
    def disagree(self) -> bool:
        """Opposite signs, or one significant and the other not (Simpson's paradox)."""
        crude_sig = not (self.crude_ci[0] <= 0 <= self.crude_ci[1])
        adjusted_sig = not (self.adjusted_ci[0] <= 0 <= self.adjusted_ci[1])
        return bool(np.sign(self.crude) != np.sign(self.adjusted) or crude_sig != adjusted_sig)

    def _fmt(self, value: float) -> str:
        return (f"{format_number(100 * value, 1, sign=True)} points" if self.unit == "fraction"
                else f"{format_signed(value, 3)} {self.unit}")

    @property
    def sentence(self) -> str:
        shift = self.mix.loc[self.mix["share change"].abs().idxmax()]
        moved = "shifted" if self.mix_pvalue < 0.05 else "did not shift detectably"
        text = (f"The {self.column} mix {moved} "
                f"between the periods (chi-square {stats.format_p(self.mix_pvalue)}; largest "
                f"move: {shift[self.column]} "
                f"{format_number(100 * shift['share change'], 1, sign=True)} points of "
                f"share). Crude change (all tickets, as in the verdict table) "
                f"{self._fmt(self.crude)} ({self.confidence:.0%} CI "
                f"{self._fmt(self.crude_ci[0])} to {self._fmt(self.crude_ci[1])}); adjusted "
                f"for {self.column} mix ({self.method}: each {self.column}'s own change, "
                f"weighted by its share of all tickets, over the {self.strata_used} values "
                f"with tickets on both sides) {self._fmt(self.adjusted)} "
                f"({self.confidence:.0%} CI {self._fmt(self.adjusted_ci[0])} to "
                f"{self._fmt(self.adjusted_ci[1])}, {stats.format_p(self.adjusted_pvalue)}).")
        if self.left_out:
            text += (f" {self.left_out:,} tickets in {self.column} values seen on one side "
                     "only (or with fewer than 2 tickets on a side) count in the mix test and "
                     "the crude change but cannot enter the adjusted one.")
        if self.disagree:
            text += (" Warning: the crude and mix-adjusted comparisons disagree in direction or "
                     "significance (Simpson's paradox): part of the crude change comes from "
                     "the changed mix, so quote the adjusted figure.")
        else:
            text += (" The crude and adjusted figures agree in direction and significance, so "
                     "the change is not an artefact of the mix.")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "column": self.column, "mix_pvalue": self.mix_pvalue,
                "crude": self.crude, "crude_ci": list(self.crude_ci),
                "adjusted": self.adjusted, "adjusted_ci": list(self.adjusted_ci),
                "adjusted_pvalue": self.adjusted_pvalue, "method": self.method,
                "disagree": self.disagree, "sentence": self.sentence}


def mix_check(before: pd.DataFrame, after: pd.DataFrame, key: str, column: str, *,
              confidence: float = 0.95, params: Mapping[str, float] | None = None) -> MixCheck:
    """Crude and ``column``-mix-adjusted change of a proportion or mean KPI.

    Proportions: Cochran-Mantel-Haenszel test (statsmodels ``StratifiedTable``) for the
    p-value; means: a z test of the stratified difference. The adjusted difference is
    the stratum differences weighted by each stratum's share of all tickets (direct
    standardization to the pooled mix). Strata missing from either period are left out.
    """
    spec = metrics.KPIS[key]
    if spec.kind == "duration":
        raise ValueError(f"{spec.name}: the mix check covers rates and means, not durations")
    params = dict(params or {})
    frames = []
    for label, part in (("before", before), ("after", after)):
        values = spec.values(part, **params)
        frames.append(pd.DataFrame({"period": label, "stratum": part[column].astype(str),
                                    "value": values}).dropna())
    both = pd.concat(frames)
    stats_by = both.groupby(["stratum", "period"])["value"].agg(["mean", "var", "count", "sum"])
    all_counts = stats_by["count"].unstack("period").reindex(
        columns=["before", "after"]).fillna(0)
    table = stats_by.unstack("period").dropna()
    table = table[(table[("count", "before")] >= 2) & (table[("count", "after")] >= 2)]
    if table.empty:
        raise ValueError(f"no {column} value has tickets in both periods: cannot adjust")
    left_out = int(all_counts.drop(index=table.index).to_numpy().sum())
    counts = table["count"]
    weights = counts.sum(axis=1) / counts.to_numpy().sum()
    means = table["mean"]
    diffs = means["after"] - means["before"]
    adjusted = float((weights * diffs).sum())
    if spec.kind == "proportion":
        var_b = means["before"] * (1 - means["before"]) / counts["before"]
        var_a = means["after"] * (1 - means["after"]) / counts["after"]
    else:
        var_b = table["var"]["before"] / counts["before"]
        var_a = table["var"]["after"] / counts["after"]
    se = float(np.sqrt((weights**2 * (var_a + var_b)).sum()))
    z = sps.norm.isf((1 - confidence) / 2)
    if spec.kind == "proportion":
        from statsmodels.stats.contingency_tables import StratifiedTable

        sums = table["sum"]
        tables = [np.array([[sums.loc[s, p], counts.loc[s, p] - sums.loc[s, p]]
                            for p in ("after", "before")]) for s in table.index]
        pvalue = float(StratifiedTable(tables).test_null_odds(correction=False).pvalue)
        method = "Mantel-Haenszel test, standardized difference"
    else:
        pvalue = float(2 * sps.norm.sf(abs(adjusted / se))) if se > 0 else math.nan
        method = "stratified difference, z test"
    crude_b, crude_a = (f["value"] for f in frames)  # all tickets, as the verdict table
    crude = float(crude_a.mean() - crude_b.mean())
    if spec.kind == "proportion":
        crude_ci = stats.difference_ci(int(crude_b.sum()), crude_b.size, int(crude_a.sum()),
                                       crude_a.size, confidence=confidence)
    else:
        welch = stats.welch_t(crude_b, crude_a, confidence=confidence)
        crude_ci = welch.ci
    share_b = all_counts["before"] / all_counts["before"].sum()
    share_a = all_counts["after"] / all_counts["after"].sum()
    mix = pd.DataFrame({column: all_counts.index, "share before": share_b.to_numpy(),
                        "share after": share_a.to_numpy(),
                        "share change": (share_a - share_b).to_numpy(),
                        "before": means["before"].reindex(all_counts.index).to_numpy(),
                        "after": means["after"].reindex(all_counts.index).to_numpy()})
    # every category counts in the mix test, also one that vanished after the change
    mix_p = float(sps.chi2_contingency(all_counts.to_numpy().T)[1])
    return MixCheck(key=key, column=column, mix=mix, mix_pvalue=mix_p, crude=crude,
                    crude_ci=(float(crude_ci[0]), float(crude_ci[1])), adjusted=adjusted,
                    adjusted_ci=(adjusted - z * se, adjusted + z * se), adjusted_pvalue=pvalue,
                    method=method, unit=spec.unit, confidence=confidence,
                    strata_used=len(table), left_out=left_out)


@dataclass(frozen=True)
class PhaseView:
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
    n: np.ndarray | None = None
    n_open: np.ndarray | None = None
    sparse: np.ndarray | None = None
    median_reached: np.ndarray | None = None
    scale: str | None = None
    period_word: str = "period"

    @property
    def is_duration(self) -> bool:
        return self.key in metrics.KPIS and metrics.KPIS[self.key].kind == "duration"

    def records(self) -> list[dict[str, Any]]:
        """The series for results.json: period_start, value (None: no cases or median not
        reached), n and n_open per period (durations in minutes)."""
        counts = self.n if self.n is not None else np.zeros(len(self.periods), dtype=int)
        still_open = self.n_open if self.n_open is not None else np.zeros(len(counts), int)
        return metrics.series.period_records(self.periods, self.values, counts, still_open)

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
            text += metrics.series.unjudged_note(
                self.n, self.sparse if self.sparse is not None else np.zeros(len(self.n), bool),
                self.median_reached, self.period_word)
            if self.n_open is not None:
                note = metrics.series.open_share_note(self.n, self.n_open, self.period_word)
                text += f" {note}" if note else ""
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
    chart = spc.p_chart(num, den, part=labels, laney=True)
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
    per = {"D": "day", "W": "week", "M": "month"}[period]
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
    chart = spc.i_chart(frame["value"].to_numpy(float), part=labels)
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
    typical = [float(np.nanmedian(values[side])) for side in (before, ~before)
               if np.isfinite(values[side]).any()]
    scale = duration_unit(min(typical, default=math.nan)).name
    chart = spc.log_i_chart(values, part=labels, sparse=frame["sparse"].to_numpy(bool),
                            n=frame["n"].to_numpy(float), unit="minutes", scale=scale)
    return PhaseView(key=spec.key, title=spec.name, periods=periods, values=values,
                     chart_name="I chart of log medians", chart=chart,
                     change_index=labels.count("before"), percent=False,
                     ylabel=f"{spec.name} (Kaplan-Meier median {spec.unit} per {per})",
                     n=frame["n"].to_numpy(int), n_open=frame["n_open"].to_numpy(int),
                     sparse=frame["sparse"].to_numpy(bool),
                     median_reached=frame["median_reached"].to_numpy(bool), scale=scale,
                     period_word=per)


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


def training_check(training: pd.DataFrame, *, confidence: float = 0.95,
                   ) -> tuple[Estimate, stats.Comparison]:
    """Training effect % (source 3.2.3) and the paired test the rules choose."""
    effect = metrics.training_effect(training, confidence=confidence)
    pairs = training[["pre_score", "post_score"]].apply(pd.to_numeric, errors="coerce").dropna()
    test = stats.compare(pairs["pre_score"].to_numpy(float), pairs["post_score"].to_numpy(float),
                         "continuous", paired=True, confidence=confidence, unit="points")
    return effect, test


@dataclass(frozen=True)
class Exploration:
    """One KPI before/after a change date, optionally within one segment: verdict and chart."""

    change: KpiChange
    view: PhaseView
    segment: str

    @property
    def sentence(self) -> str:
        where = f" ({self.segment})" if self.segment else ""
        return self.change.sentence.replace(self.change.name, self.change.name + where, 1)


def explore(tickets: pd.DataFrame, key: str, *, change_date: str, weeks_before: int = 13,
            weeks_after: int = 13, segment_column: str = "", segment: str = "",
            alpha: float = 0.05, period: str = "W") -> Exploration:
    """The comparison behind the explore notebook's controls (one KPI, one segment).

    ``segment`` empty (or ``"(all)"``) compares all tickets; else those whose
    ``segment_column`` equals it. Raw p-value: a single exploratory comparison.
    """
    part = tickets
    if segment and segment != "(all)":
        if segment_column not in tickets:
            raise ValueError(f"segment column {segment_column!r} is not in the tickets")
        part = tickets[tickets[segment_column].astype(str) == segment]
        if part.empty:
            raise ValueError(f"no tickets with {segment_column} = {segment!r}")
    windows = Windows.around(change_date, weeks_before=weeks_before, weeks_after=weeks_after)
    before, after = windows.split(part)
    change = compare_kpi(before, after, key, alpha=alpha, period=period)
    view = phase_view(part, key, windows, period=period)
    return Exploration(change=change, view=view,
                       segment="" if segment in ("", "(all)") else f"{segment_column} {segment}")
