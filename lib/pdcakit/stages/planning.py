"""Sample-size plans for the Check stage: how many tickets, and how many periods at current volume.

The Plan stage knows the baseline and the target; the Check stage needs enough
tickets before and after the change to detect that difference **with the test it
will run, at the level it will use**:

- the level is the first step of the family adjustment over the KPIs the Check
  tests (Holm or Bonferroni: ``alpha / m``, :func:`pdcakit.stats.family_alpha`), not
  ``alpha`` itself: a change equal to a detectable change planned at 0.05 has about
  half the power at Holm's first step over 9 KPIs;
- weeks that vary more than chance make the Check's verdict period-level; the plan
  multiplies the tickets by the **design effect** of that variation
  (:func:`pdcakit.stats.design_effect`, from the baseline's own periods with
  :func:`period_design_effect`);
- shares: R's ``power.prop.test``; means: ``power.t.test`` with the baseline SD;
  durations: the Check decides with the **log-rank test** while the hazards are
  proportional and otherwise with the **restricted-mean (RMST) z test**, so the plan
  sizes both and plans for the larger: the log-rank test by Schoenfeld's events formula
  (:func:`pdcakit.stats.logrank_events`), the target read as a hazard ratio
  ``baseline / target`` of the medians (exact for exponential durations, the usual
  planning assumption), divided by the share of tickets expected to finish; the RMST z
  test from the baseline's own Kaplan-Meier curve and that curve with the same hazard
  ratio (:func:`pdcakit.stats.rmstpower.rmst_plan`), up to the baseline's last time.

The family is the compare stage's (:func:`pdcakit.stages.windows.check_family`, the same
parameters the compare stage reads), and the sentence names it.

>>> plan = sample_size_plan("proportion", baseline=0.68, target=0.74,
...                         volume_per_period=400, period_label="week")
>>> plan.n_per_group, plan.periods_needed
(897, 3)
>>> sample_size_plan("proportion", baseline=0.68, target=0.74, volume_per_period=400,
...                  period_label="week", family_size=9).n_per_group   # at 0.05 / 9
1493
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pdcakit import stats
from pdcakit.results import format_value, reading_scale
from pdcakit.stages.windows import CheckFamily
from pdcakit.stats.rmstpower import rmst_plan

__all__ = ["SampleSizePlan", "period_design_effect", "sample_size_plan"]


@dataclass(frozen=True)
class SampleSizePlan:
    """Tickets needed per group (before and after each) to detect ``target`` at ``power``.

    ``alpha`` is the level the plan uses (after the family adjustment over
    ``family_size`` KPIs); ``nominal_alpha`` the significance level asked for.
    """

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
    nominal_alpha: float | None = None
    family_size: int = 1
    design_effect: float = 1.0
    family: CheckFamily | None = None
    n_logrank: float | None = None
    n_rmst: float | None = None
    rmst_horizon: float | None = None

    @property
    def planned_for(self) -> str:
        """Durations: the test the plan's size comes from ("log-rank" or "restricted mean")."""
        if self.n_rmst is None or self.n_logrank is None:
            return "log-rank" if self.kind == "duration" else ""
        return "restricted mean" if self.n_rmst > self.n_logrank else "log-rank"

    @property
    def sentence(self) -> str:
        """The plan in one sentence a manager can read."""
        nominal = self.alpha if self.nominal_alpha is None else self.nominal_alpha
        if self.family is not None:
            level = f", planned at {self.family.words}"
        else:
            level = (f" at a {nominal:.0%} significance level" if self.family_size == 1 else
                     f" at the level {self.alpha:.2g} that a {nominal:.0%} significance "
                     f"level gives the first of {self.family_size} KPIs after the Holm "
                     "adjustment")
        weeks = (f" (including a design effect of {self.design_effect:.2f} for the "
                 f"{self.period_label}-to-{self.period_label} variation of the baseline)"
                 if self.design_effect > 1 else "")
        return (
            f"To detect a change from {self._fmt(self.baseline)} to {self._fmt(self.target)} "
            f"with {self.power:.0%} power{level}, the Check stage needs about "
            f"{self.n_per_group:,} tickets before and {self.n_per_group:,} after the "
            f"change{weeks}: {self.periods_needed} {self.period_label}"
            f"{'s' if self.periods_needed != 1 else ''} each at the current volume of "
            f"{self.volume_per_period:,.0f} per {self.period_label}.{self._tests}"
        )

    @property
    def _tests(self) -> str:
        if self.n_rmst is None or self.n_logrank is None or self.rmst_horizon is None:
            return ""
        horizon = format_value(self.rmst_horizon, "minutes")
        scale = self.design_effect
        logrank = f"{math.ceil(self.n_logrank * scale):,}"
        rmst = f"{math.ceil(self.n_rmst * scale):,}"
        return (f" The Check compares the durations with the log-rank test while the "
                f"hazards stay proportional ({logrank} tickets each side) and otherwise on "
                f"the mean time up to {horizon} ({rmst} each side); the plan is for the "
                f"larger, the {self.planned_for} test.")

    def _fmt(self, value: float) -> str:
        if self.kind == "duration":  # baseline and target in the baseline's one unit
            return format_value(value, "minutes", scale=reading_scale("minutes", self.baseline))
        return f"{value:.1%}" if self.kind == "proportion" else f"{value:,.1f}"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready numbers (the curve left out)."""
        return {
            "kind": self.kind, "baseline": self.baseline, "target": self.target,
            "n_exact": self.n_exact, "n_per_group": self.n_per_group,
            "volume_per_period": self.volume_per_period, "periods_needed": self.periods_needed,
            "period": self.period_label, "alpha": self.alpha, "power": self.power,
            "nominal_alpha": self.nominal_alpha, "family_size": self.family_size,
            "design_effect": self.design_effect, "method": self.method,
            "family": None if self.family is None else self.family.as_dict(),
            "tests": None if self.n_rmst is None else {
                "log_rank": self.n_logrank, "restricted_mean": self.n_rmst,
                "horizon_minutes": self.rmst_horizon, "planned_for": self.planned_for},
            "sentence": self.sentence,
        }


def period_design_effect(kind: str, values: Sequence[float], counts: Sequence[float], *,
                         sd: float | None = None) -> float:
    """Design effect of the baseline's period-to-period variation (1: chance only).

    ``values`` per period: shares (``kind="proportion"``) or means (``"mean"``), with
    their ticket ``counts``. The dispersion is the Pearson chi-square / (k - 1) of the
    period values around their pooled value (shares), or the between-period mean
    square over the ticket variance ``sd**2`` (means); durations return 1 (their
    log-rank dispersion needs the tickets). Never below 1.

    >>> round(period_design_effect("proportion", [0.60, 0.72, 0.55, 0.70], [100] * 4), 3)
    2.855
    """
    v, n = np.asarray(values, float), np.asarray(counts, float)
    keep = np.isfinite(v) & (n > 0)
    v, n = v[keep], n[keep]
    if v.size < 2 or kind == "duration":
        return 1.0
    pooled = float(n @ v / n.sum())
    if kind == "proportion":
        variance = pooled * (1 - pooled) / n
        if not (variance > 0).all():
            return 1.0
        dispersion = float(np.sum((v - pooled) ** 2 / variance) / (v.size - 1))
    else:
        if sd is None or not sd > 0:
            return 1.0
        dispersion = float(np.sum(n * (v - pooled) ** 2) / (v.size - 1) / sd**2)
    return stats.design_effect(dispersion=max(dispersion, 1.0))


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
    family_size: int = 1,
    multiplicity: str = "holm",
    design_effect: float = 1.0,
    share_finished: float = 1.0,
    family: CheckFamily | None = None,
    durations: tuple[Sequence[float], Sequence[bool]] | None = None,
) -> SampleSizePlan:
    """Plan the Check stage's sample size for one KPI.

    Parameters
    ----------
    kind : "proportion" (``power.prop.test``), "mean" (``power.t.test`` with ``sd``) or
        "duration" (the log-rank test: events for the hazard ratio baseline / target).
    baseline, target : the KPI now and the value the change should reach.
    volume_per_period : tickets per period that carry this KPI (e.g. with an FCR flag).
    family_size, multiplicity : the KPIs the Check tests and its adjustment; the plan
        uses :func:`pdcakit.stats.family_alpha` (BH's first step is the same as Holm's).
    design_effect : multiplies the tickets (see :func:`period_design_effect`).
    share_finished : durations: the share of tickets expected to finish in the window.
    family : the Check's family (:func:`pdcakit.stages.windows.check_family`); given, it
        sets the level (its ``alpha``, size and adjustment) and the sentence names it.
    durations : the baseline's minutes and finished flags: the plan also sizes the
        restricted-mean z test and plans for the larger of the two tests.
    """
    if baseline == target:
        raise ValueError("the target equals the baseline: there is no change to detect")
    if volume_per_period <= 0:
        raise ValueError("the current volume per period is zero: no tickets carry this KPI")
    if not design_effect >= 1:
        raise ValueError(f"the design effect must be at least 1, got {design_effect}")
    if family is not None:
        alpha, family_size, multiplicity = family.alpha, family.size, family.multiplicity
    level = stats.family_alpha(alpha, int(family_size),
                               "holm" if multiplicity == "bh" else multiplicity)
    n_logrank = n_rmst = horizon = None
    if kind == "proportion":
        if not (0 < baseline < 1 and 0 < target < 1):
            raise ValueError("proportion baseline and target must lie strictly between 0 and 1")
        n_tickets = stats.power_prop(baseline, target, power=power, alpha=level).n
        method = "two-proportion test (R power.prop.test)"

        def power_at(n: float) -> float:
            return stats.power_prop(baseline, target, n=n, alpha=level).power
    elif kind == "mean":
        if sd is None or not sd > 0:
            raise ValueError("a mean plan needs the baseline standard deviation (sd > 0)")
        delta = abs(target - baseline)
        n_tickets = stats.power_t(delta, sd=sd, power=power, alpha=level).n
        method = "two-sample t test (R power.t.test)"

        def power_at(n: float) -> float:
            return stats.power_t(delta, sd=sd, n=n, alpha=level).power
    elif kind == "duration":
        if baseline <= 0 or target <= 0:
            raise ValueError("duration baseline and target must be positive")
        if not 0 < share_finished <= 1:
            raise ValueError(f"share_finished must lie in (0, 1], got {share_finished}")
        hazard_ratio = baseline / target
        events = stats.logrank_events(hazard_ratio, alpha=level, power=power)
        n_tickets = n_logrank = float(events / 2 / share_finished)
        method = (f"log-rank test (Schoenfeld's events formula, hazard ratio "
                  f"{hazard_ratio:.3f} = baseline / target median; {math.ceil(events):,} "
                  "finished tickets in all)")
        rmst = None
        if durations is not None:
            rmst = rmst_plan(*durations, hazard_ratio=hazard_ratio, alpha=level, power=power)
            n_rmst, horizon = float(rmst.n), float(rmst.before.horizon)
            n_tickets = max(n_logrank, n_rmst)
            method += (f"; restricted-mean z test up to "
                       f"{format_value(horizon, 'minutes')} (the baseline curve with the "
                       f"same hazard ratio: mean time {format_value(rmst.before.rmst, 'minutes')}"
                       f" -> {format_value(rmst.after.rmst, 'minutes')}; "
                       f"{math.ceil(n_rmst):,} tickets each side); planned for the larger, "
                       f"the {'restricted-mean' if n_rmst > n_logrank else 'log-rank'} test")

        def power_at(n: float) -> float:
            found = stats.power_logrank(hazard_ratio, 2 * n * share_finished, alpha=level)
            return found if rmst is None else min(found, rmst.power_at(n))
    else:
        raise ValueError(f"unknown KPI kind {kind!r}: use proportion, mean or duration")

    if design_effect > 1:
        method += f", times a design effect of {design_effect:.2f} for the period variation"
    n_exact = float(n_tickets) * design_effect
    n_per_group = math.ceil(n_exact)
    sizes = np.unique(np.geomspace(2, max(4.0, n_exact * 2.5), 60).round())
    powers = tuple(float(power_at(max(float(s) / design_effect, 2.0))) for s in sizes)
    return SampleSizePlan(
        kind=kind, baseline=float(baseline), target=float(target), n_exact=n_exact,
        n_per_group=n_per_group, volume_per_period=float(volume_per_period),
        periods_needed=max(1, math.ceil(n_per_group / volume_per_period)),
        period_label=period_label, alpha=level, power=power, method=method,
        curve_sizes=tuple(float(s) for s in sizes), curve_powers=powers,
        nominal_alpha=alpha, family_size=int(family_size), design_effect=design_effect,
        family=family, n_logrank=n_logrank, n_rmst=n_rmst, rmst_horizon=horizon,
    )
