"""The Check stage's choices: before/after windows, one comparison per KPI, verdicts.

The compare notebook calls these so that it holds prose and display only.
For each KPI, the tickets of the before window are compared with those of the
after window by the test :func:`pdcakit.stats.compare` chooses; p-values are
adjusted across the KPI family (Holm by default); the verdict says whether the
KPI improved, worsened or did not change detectably, whether the target is met,
and whether the sample could have detected the change the team aimed for
(minimum detectable effect at 80% power, not "post-hoc power", which only
restates the p-value).

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

from . import metrics, spc, stats
from .baseline import _check_keys, _fraction_problem
from .data.slicing import between
from .results import Estimate, duration_unit, format_value
from .segments import split_segments

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
        from .sections import list_problem, raise_problems

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
        from .sections import list_problem, raise_problems

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
class KpiChange:
    """One KPI before and after: estimates, the test, adjusted p, target and verdict."""

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

    @property
    def p_final(self) -> float:
        return self.comparison.pvalue if self.p_adjusted is None else self.p_adjusted

    @property
    def significant(self) -> bool:
        return bool(self.p_final < self.alpha)

    @property
    def relative_change(self) -> float:
        return self.difference / self.before.value if self.before.value else math.nan

    @property
    def direction(self) -> str:
        """'improved', 'worsened' or 'no significant change' (after adjustment)."""
        if not self.significant:
            return "no significant change"
        better = (self.effect_sign > 0) == self.higher_is_better
        return "improved" if better else "worsened"

    @property
    def effect_sign(self) -> int:
        """+1 or -1: the direction the test found (the log-rank test may disagree with
        the median difference when the change sits in the tail of the durations)."""
        sign = self.comparison.extra.get("effect_sign")
        return int(sign) if sign in (1, -1) else (1 if self.difference > 0 else -1)

    @property
    def tail_note(self) -> str:
        """Explains a duration change the medians do not show, from the 90th percentiles."""
        extra = self.comparison.extra
        if ("p90_before" not in extra or not math.isfinite(self.difference)
                or (self.difference > 0) == (self.effect_sign > 0)):
            return ""
        return (f" The medians hardly moved, but the slow tickets did: the 90th percentile "
                f"went from {self.fmt(extra['p90_before'])} to {self.fmt(extra['p90_after'])} "
                "(see the Kaplan-Meier curves).")

    @property
    def target_met(self) -> bool | None:
        """Whether the after value is on the good side of the target (None: no target)."""
        if self.target is None:
            return None
        return bool(self.after.value >= self.target if self.higher_is_better
                    else self.after.value <= self.target)

    @property
    def large_enough(self) -> bool | None:
        """Could these sample sizes detect the change the target asks for (at 80% power)?"""
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
        if self.unit == "fraction":
            return f"{100 * value:+.1f} points"
        if not math.isfinite(value):
            return "n/a"
        return ("+" if value >= 0 else "-") + format_value(abs(value), self.unit,
                                                           scale=self.scale)

    @property
    def sentence(self) -> str:
        """The verdict a manager reads."""
        verb = {"improved": "improved", "worsened": "got worse",
                "no significant change": "did not change detectably"}[self.direction]
        low, high = self.difference_ci
        adjusted = (f"{MULTIPLICITY[self.multiplicity]}-adjusted "
                    if self.p_adjusted is not None and self.multiplicity != "none" else "")
        text = (f"{self.name} {verb}: {self.fmt(self.before.value)} before, "
                f"{self.fmt(self.after.value)} after ({self.fmt_difference(self.difference)}, "
                f"{self.comparison.confidence:.0%} CI {self.fmt_difference(low)} to "
                f"{self.fmt_difference(high)}; {adjusted}{stats.format_p(self.p_final)}).")
        if self.significant:
            text += self.tail_note
        if self.target is not None:
            text += (f" The target of {self.fmt(self.target)} is "
                     f"{'met' if self.target_met else 'not met'}.")
            if self.large_enough is False:
                text += (f" The samples could only detect a change of "
                         f"{self.fmt_difference(self.mde or math.nan).lstrip('+')} or more, "
                         "larger than the change aimed for: gather more data before deciding.")
        return text

    def row(self) -> dict[str, Any]:
        low, high = self.difference_ci
        return {
            "KPI": self.name, "Before": self.fmt(self.before.value),
            "After": self.fmt(self.after.value),
            "Change": self.fmt_difference(self.difference),
            "Change %": f"{self.relative_change:+.1%}" if math.isfinite(self.relative_change)
            else "",
            "95% CI of change": f"{self.fmt_difference(low)} to {self.fmt_difference(high)}",
            "Test": self.comparison.test,
            "p": stats.format_p(self.comparison.pvalue).removeprefix("p "),
            "p adjusted": (stats.format_p(self.p_final).removeprefix("p ")
                           if self.p_adjusted is not None else ""),
            "Effect size": self.effect_text,
            "Verdict": self.direction,
            "Target": "" if self.target is None else (
                f"{self.fmt(self.target)}: {'met' if self.target_met else 'not met'}"),
            "Detectable change (80% power)": ("" if self.mde is None or not
                                              math.isfinite(self.mde)
                                              else self.fmt_difference(self.mde).lstrip("+")),
        }

    @property
    def effect_text(self) -> str:
        """The effect size with its CI where the test gives one, and what it is."""
        result = self.comparison
        if result.effect_size is None or not math.isfinite(result.effect_size):
            return ""
        low, high = (result.extra.get("effect_size_ci_low"),
                     result.extra.get("effect_size_ci_high"))
        interval = f", CI {low:.2f} to {high:.2f}" if low is not None else ""
        return f"{result.effect_size:.2f}{interval} ({result.effect_size_label})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.key, "name": self.name, "unit": self.unit,
            "before": self.before.as_dict(), "after": self.after.as_dict(),
            "difference": self.difference, "difference_ci": list(self.difference_ci),
            "relative_change": _none_if_nan(self.relative_change),
            "test": self.comparison.test, "why": self.comparison.reason,
            "pvalue": self.comparison.pvalue, "p_adjusted": self.p_adjusted,
            "multiplicity": self.multiplicity, "comparison": self.comparison.as_dict(),
            "verdict": self.direction, "significant": self.significant,
            "target": self.target, "target_met": self.target_met,
            "minimum_detectable_change": _none_if_nan(self.mde),
            "large_enough": self.large_enough, "sentence": self.sentence,
        }


def _none_if_nan(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def kpi_test_kind(key: str) -> str:
    """The kind passed to :func:`pdcakit.stats.compare` for a registry KPI."""
    return _KIND_OVERRIDES.get(key, _TEST_KIND[metrics.KPIS[key].kind])


def _inputs(tickets: pd.DataFrame, key: str,
            params: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray | None]:
    spec = metrics.KPIS[key]
    if spec.kind == "duration":
        return metrics.duration_minutes(tickets, key)
    if key == "nps":
        return pd.to_numeric(tickets["nps"], errors="coerce").to_numpy(float), None
    values = spec.values(tickets, **params).to_numpy(float)
    return values[np.isfinite(values)], None


def compare_kpi(before: pd.DataFrame, after: pd.DataFrame, key: str, *,
                alpha: float = 0.05, power: float = 0.8, target: float | None = None,
                params: Mapping[str, float] | None = None) -> KpiChange:
    """Compare one KPI between the before and after tickets (raw p; see compare_kpis)."""
    params = dict(params or {})
    spec = metrics.KPIS[key]
    estimates = [spec.estimate(t, **params) for t in (before, after)]
    (b, b_obs), (a, a_obs) = _inputs(before, key, params), _inputs(after, key, params)
    for label, values in (("before", b), ("after", a)):
        n = int(np.isfinite(values).sum())
        if n < MIN_PER_WINDOW:
            raise ValueError(f"not enough data for {spec.name}: n={n} in the {label} window, "
                             f"need >= {MIN_PER_WINDOW}")
    kind = kpi_test_kind(key)
    confidence = 1 - alpha
    result = stats.compare(b, a, kind, observed_before=b_obs, observed_after=a_obs,
                           confidence=confidence, unit="" if spec.unit == "fraction"
                           else spec.unit, per=1000.0)
    difference = estimates[1].value - estimates[0].value
    ci = _difference_ci(spec, result, (b, b_obs), (a, a_obs), confidence)
    return KpiChange(key=key, name=spec.name, unit=spec.unit,
                     higher_is_better=spec.higher_is_better, before=estimates[0],
                     after=estimates[1], comparison=result, difference=float(difference),
                     difference_ci=(float(ci[0]), float(ci[1])),
                     mde=_mde(spec, b, b_obs, a, estimates[0].value, target, alpha, power),
                     target=target, alpha=alpha)


def _difference_ci(spec: metrics.KpiSpec, result: stats.Comparison,
                   before: tuple[np.ndarray, np.ndarray | None],
                   after: tuple[np.ndarray, np.ndarray | None],
                   confidence: float) -> tuple[float, float]:
    """CI of the KPI's own difference (the one in the Change column).

    The test's estimate can be another quantity (a Hodges-Lehmann shift beside a
    difference in means); the interval shown must belong to the difference shown.
    Shares: Newcombe's hybrid score interval. Durations: bootstrap of the
    Kaplan-Meier medians. Means: the Welch interval when Welch's test was chosen,
    else a BCa bootstrap of the difference in means. NPS: the test's own interval.
    """
    (b, b_obs), (a, a_obs) = before, after
    if spec.kind == "proportion":
        return stats.difference_ci(int(b.sum()), b.size, int(a.sum()), a.size,
                                   confidence=confidence)
    if spec.kind == "duration":
        if result.estimate_label == "difference in Kaplan-Meier medians":
            return result.ci
        return stats.median_difference_ci(b, b_obs, a, a_obs, confidence=confidence)
    if result.estimate_label in ("difference in means", "difference in NPS"):
        return result.ci
    if spec.kind == "mean":
        return stats.mean_difference_ci(b, a, confidence=confidence)
    return result.ci


def _mde(spec: metrics.KpiSpec, b: np.ndarray, b_obs: np.ndarray | None, a: np.ndarray,
         baseline: float, target: float | None, alpha: float, power: float) -> float | None:
    """Smallest change detectable with ``power`` at these sizes, in the KPI's units.

    Rates: R power.prop.test solved for p2. Means and NPS: power.t.test with the
    before-period SD. Durations: the same on log minutes (a shift of the median by a
    factor), converted back to minutes at the baseline median.
    """
    n1, n2 = b.size, a.size
    if min(n1, n2) < 2:
        return None
    if spec.kind == "proportion":
        improve = "increase" if spec.higher_is_better else "decrease"
        direction = improve if target is None else (
            "increase" if target >= baseline else "decrease")
        return stats.mde_prop(baseline, n1, n2, alpha=alpha, power=power, direction=direction)
    if spec.kind == "duration":
        observed = b[b_obs.astype(bool)] if b_obs is not None else b
        logs = np.log(observed[np.isfinite(observed) & (observed > 0)])
        if logs.size < 2 or not logs.std() > 0:
            return None
        shift = stats.mde_t(n1, n2, float(logs.std(ddof=1)), alpha=alpha, power=power)
        return float(baseline * (1 - math.exp(-shift)))
    values = b[np.isfinite(b)]
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
        if self.multiplicity == "none":
            return (f"No multiplicity adjustment: {kept} of {n} KPIs are significant at the "
                    f"{self.alpha:.0%} level, but with {n} tests some may be chance findings.")
        return (f"{MULTIPLICITY[self.multiplicity]} adjustment over the {n} KPIs tested: "
                f"{kept} remain significant at the {self.alpha:.0%} level.")

    def as_dict(self) -> dict[str, Any]:
        return {"multiplicity": self.multiplicity, "alpha": self.alpha,
                "kpis": {c.key: c.as_dict() for c in self.changes},
                "skipped": dict(self.skipped)}


def _adjusted(changes: list[KpiChange], method: str, alpha: float) -> tuple[KpiChange, ...]:
    from dataclasses import replace

    if not changes:
        return ()
    raw = [c.comparison.pvalue for c in changes]
    adjusted = raw if method == "none" else stats.adjust_pvalues(raw, method=method)
    return tuple(replace(c, p_adjusted=float(p), multiplicity=method, alpha=alpha)
                 for c, p in zip(changes, adjusted, strict=True))


def compare_kpis(before: pd.DataFrame, after: pd.DataFrame,
                 settings: CompareSettings) -> ChangeTable:
    """Compare every KPI of ``settings``; KPIs without data are skipped with the reason."""
    changes, skipped = [], {}
    for key in settings.kpis:
        try:
            changes.append(compare_kpi(before, after, key, alpha=settings.alpha,
                                       power=settings.power, target=settings.targets.get(key),
                                       params=settings.params))
        except (ValueError, KeyError) as exc:
            skipped[key] = str(exc).strip("'\"")
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
                                 power=settings.power, params=settings.params)
        except ValueError as exc:
            skipped[str(value)] = str(exc)
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

    @property
    def disagree(self) -> bool:
        """Opposite signs, or one significant and the other not (Simpson's paradox)."""
        crude_sig = not (self.crude_ci[0] <= 0 <= self.crude_ci[1])
        adjusted_sig = not (self.adjusted_ci[0] <= 0 <= self.adjusted_ci[1])
        return bool(np.sign(self.crude) != np.sign(self.adjusted) or crude_sig != adjusted_sig)

    def _fmt(self, value: float) -> str:
        return (f"{100 * value:+.1f} points" if self.unit == "fraction"
                else f"{value:+.3g} {self.unit}")

    @property
    def sentence(self) -> str:
        shift = self.mix.loc[self.mix["share change"].abs().idxmax()]
        moved = "shifted" if self.mix_pvalue < 0.05 else "did not shift detectably"
        text = (f"The {self.column} mix {moved} "
                f"between the periods (chi-square {stats.format_p(self.mix_pvalue)}; largest "
                f"move: {shift[self.column]} {100 * shift['share change']:+.1f} points of "
                f"share). Crude change {self._fmt(self.crude)}; adjusted for {self.column} mix "
                f"({self.method}) {self._fmt(self.adjusted)} "
                f"(95% CI {self._fmt(self.adjusted_ci[0])} to {self._fmt(self.adjusted_ci[1])}, "
                f"{stats.format_p(self.adjusted_pvalue)}).")
        if self.disagree:
            text += (" Warning: the crude and mix-adjusted comparisons disagree (Simpson's "
                     "paradox): part of the crude change comes from the changed mix, so quote "
                     "the adjusted figure.")
        else:
            text += " Both agree, so the change is not an artefact of the mix."
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
    table = stats_by.unstack("period").dropna()
    table = table[(table[("count", "before")] >= 2) & (table[("count", "after")] >= 2)]
    if table.empty:
        raise ValueError(f"no {column} value has tickets in both periods: cannot adjust")
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
    crude_b, crude_a = (f.loc[f["stratum"].isin(table.index), "value"] for f in frames)
    crude = float(crude_a.mean() - crude_b.mean())
    if spec.kind == "proportion":
        crude_ci = stats.difference_ci(int(crude_b.sum()), crude_b.size, int(crude_a.sum()),
                                       crude_a.size, confidence=confidence)
    else:
        welch = stats.welch_t(crude_b, crude_a, confidence=confidence)
        crude_ci = welch.ci
    share_b = counts["before"] / counts["before"].sum()
    share_a = counts["after"] / counts["after"].sum()
    mix = pd.DataFrame({column: table.index, "share before": share_b.to_numpy(),
                        "share after": share_a.to_numpy(),
                        "share change": (share_a - share_b).to_numpy(),
                        "before": means["before"].to_numpy(), "after": means["after"].to_numpy()})
    mix_p = float(sps.chi2_contingency(counts.to_numpy().T)[1])
    return MixCheck(key=key, column=column, mix=mix, mix_pvalue=mix_p, crude=crude,
                    crude_ci=(float(crude_ci[0]), float(crude_ci[1])), adjusted=adjusted,
                    adjusted_ci=(adjusted - z * se, adjusted + z * se), adjusted_pvalue=pvalue,
                    method=method, unit=spec.unit)


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
    per_period_test: stats.Comparison | None = None
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
        """Periods vary clearly more than binomial sampling allows (dispersion > 2)."""
        test = self.per_period_test
        return bool(test is not None and test.extra["dispersion"] > 2)

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
            text += (f" The periods vary {test.extra['dispersion']:.1f} times more than chance "
                     "allows, so a test that counts every ticket as independent overstates "
                     f"the certainty; with the period as the unit ({test.test}) the change is "
                     f"{100 * test.estimate:+.1f} points (95% CI {100 * test.ci[0]:+.1f} to "
                     f"{100 * test.ci[1]:+.1f}, {stats.format_p(test.pvalue)}).")
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
        from . import plots

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
    from . import spc

    stamps = pd.DatetimeIndex(pd.to_datetime(list(periods)))
    labels = _split_at(stamps, pd.Timestamp(change), title)
    num, den = np.asarray(numerators, float), np.asarray(denominators, float)
    chart = spc.p_chart(num, den, part=labels, laney=True)
    k = labels.count("before")
    per_period = stats.grouped_proportions(num[:k], den[:k], num[k:], den[k:])
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
    from . import spc

    params = dict(params or {})
    spec = metrics.KPIS[key]
    span = tickets[(tickets["created_at"] >= windows.before_start)
                   & (tickets["created_at"] < windows.after_end)]
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
    change = compare_kpi(before, after, key, alpha=alpha)
    view = phase_view(part, key, windows, period=period)
    return Exploration(change=change, view=view,
                       segment="" if segment in ("", "(all)") else f"{segment_column} {segment}")
