"""Sample-size plans for the Check stage: how many tickets, and how many periods at current volume.

The Plan stage knows the baseline and the target; the Check stage needs
enough tickets before and after the change to detect that difference. For
a proportion KPI the plan is R's ``power.prop.test``; for a mean it is
``power.t.test`` with the baseline standard deviation; for a skewed
duration it is ``power.t.test`` on the log scale (a ratio of geometric
means), which is how a relative target such as "25% faster" is tested.

>>> plan = sample_size_plan("proportion", baseline=0.68, target=0.74,
...                         volume_per_period=400, period_label="week")
>>> plan.n_per_group, plan.periods_needed
(897, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import stats

__all__ = ["SampleSizePlan", "sample_size_plan"]


@dataclass(frozen=True)
class SampleSizePlan:
    """Tickets needed per group (before and after each) to detect ``target`` at ``power``."""

    kind: str
    baseline: float
    target: float
    n_exact: float
    n_per_group: int
    volume_per_period: float
    periods_needed: int
    period_label: str
    alpha: float
    power: float
    method: str
    curve_sizes: tuple[float, ...]
    curve_powers: tuple[float, ...]

    @property
    def sentence(self) -> str:
        """The plan in one sentence a manager can read."""
        return (
            f"To detect a change from {self._fmt(self.baseline)} to {self._fmt(self.target)} "
            f"with {self.power:.0%} power at a {self.alpha:.0%} significance level, the Check "
            f"stage needs about {self.n_per_group:,} tickets before and {self.n_per_group:,} "
            f"after the change: {self.periods_needed} {self.period_label}"
            f"{'s' if self.periods_needed != 1 else ''} each at the current volume of "
            f"{self.volume_per_period:,.0f} per {self.period_label}."
        )

    def _fmt(self, value: float) -> str:
        return f"{value:.1%}" if self.kind == "proportion" else f"{value:,.1f}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready numbers (the curve left out)."""
        return {
            "kind": self.kind, "baseline": self.baseline, "target": self.target,
            "n_exact": self.n_exact, "n_per_group": self.n_per_group,
            "volume_per_period": self.volume_per_period, "periods_needed": self.periods_needed,
            "period": self.period_label, "alpha": self.alpha, "power": self.power,
            "method": self.method, "sentence": self.sentence,
        }


def sample_size_plan(
    kind: str,
    *,
    baseline: float,
    target: float,
    volume_per_period: float,
    period_label: str,
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> SampleSizePlan:
    """Plan the Check stage's sample size for one KPI.

    Parameters
    ----------
    kind : "proportion" (``power.prop.test``), "mean" (``power.t.test`` with ``sd``) or
        "duration" (``power.t.test`` on log values; ``sd`` is the SD of log durations).
    baseline, target : the KPI now and the value the change should reach.
    volume_per_period : tickets per period that carry this KPI (e.g. with an FCR flag).
    """
    if baseline == target:
        raise ValueError("the target equals the baseline: there is no change to detect")
    if volume_per_period <= 0:
        raise ValueError("the current volume per period is zero: no tickets carry this KPI")
    if kind == "proportion":
        if not (0 < baseline < 1 and 0 < target < 1):
            raise ValueError("proportion baseline and target must lie strictly between 0 and 1")
        result = stats.power_prop(baseline, target, power=power, alpha=alpha)
        method = "two-proportion test (R power.prop.test)"

        def power_at(n: float) -> float:
            return stats.power_prop(baseline, target, n=n, alpha=alpha).power
    elif kind in ("mean", "duration"):
        if sd is None or not sd > 0:
            raise ValueError(f"a {kind} plan needs the baseline standard deviation (sd > 0)")
        if kind == "duration":
            if baseline <= 0 or target <= 0:
                raise ValueError("duration baseline and target must be positive")
            delta = abs(math.log(target / baseline))
            method = "two-sample t test on log durations (R power.t.test)"
        else:
            delta = abs(target - baseline)
            method = "two-sample t test (R power.t.test)"
        result = stats.power_t(delta, sd=sd, power=power, alpha=alpha)

        def power_at(n: float) -> float:
            return stats.power_t(delta, sd=sd, n=n, alpha=alpha).power
    else:
        raise ValueError(f"unknown KPI kind {kind!r}: use proportion, mean or duration")

    n_exact = float(result.n)
    n_per_group = math.ceil(n_exact)
    sizes = np.unique(np.geomspace(2, max(4.0, n_exact * 2.5), 60).round())
    powers = tuple(float(power_at(float(s))) for s in sizes)
    return SampleSizePlan(
        kind=kind, baseline=float(baseline), target=float(target), n_exact=n_exact,
        n_per_group=n_per_group, volume_per_period=float(volume_per_period),
        periods_needed=max(1, math.ceil(n_per_group / volume_per_period)),
        period_label=period_label, alpha=alpha, power=power, method=method,
        curve_sizes=tuple(float(s) for s in sizes), curve_powers=powers,
    )
