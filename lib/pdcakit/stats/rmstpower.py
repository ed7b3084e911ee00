"""Sample size for the restricted-mean (RMST) z test, from a baseline's Kaplan-Meier curve.

The Check stage compares durations with the log-rank test while the hazards are
proportional and otherwise with the z test of the difference in restricted mean time up to
a horizon (:func:`pdcakit.stats.shape.rmst_difference`). This module plans the second.

The RMST ``mu(tau) = integral_0^tau S(t) dt`` of a Kaplan-Meier curve has the per-ticket
(asymptotic) variance

    sigma^2 = integral_0^tau A(t)^2 dLambda(t) / pi(t),    A(t) = integral_t^tau S(u) du,

``pi(t)`` the chance a ticket is still at risk at ``t`` (not finished, not censored);
divided by ``n`` it is the variance R ``print(survfit(...), rmean = tau)`` and
``survRM2::rmst2`` report, ``sum A_j^2 d_j / (Y_j (Y_j - d_j))`` over the event times.

The after curve is projected from the baseline's as the log-rank plan assumes it:
proportional hazards with ratio ``hazard_ratio`` (``S_after = S_before ** hazard_ratio``)
and the baseline's censoring pattern (``pi_after = S_after x G``, ``G = pi / S`` the
baseline's chance of not being censored). Per step of the baseline's curve the hazard
``h = d / Y`` becomes ``1 - (1 - h) ** hazard_ratio`` and

    sigma^2 = sum_j A_j^2 h_j / (pi_j (1 - h_j)),

which with ``hazard_ratio = 1`` is ``n`` times survfit's variance. The tickets per group
for a two-sided level ``alpha`` and ``power`` are

    n = (z_{1 - alpha/2} + z_{power})^2 (sigma_before^2 + sigma_after^2) / delta^2,

``delta`` the difference of the two restricted means (the normal approximation of the z
test the Check runs; the far tail's rejections are left out, as Schoenfeld's formula does).

>>> aml = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]     # R survival::aml, Maintained
>>> done = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
>>> curve = rmst_curve(aml, done, 45)
>>> round(curve.rmst, 5), round((curve.variance / 11) ** 0.5, 6)   # R: 30.73864, se 4.114086
(30.73864, 4.114086)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

from .shape import _km_table
from .survival import _clean

__all__ = ["RmstCurve", "RmstPlan", "rmst_curve", "rmst_plan"]


@dataclass(frozen=True)
class RmstCurve:
    """A curve's restricted mean up to ``horizon`` and its per-ticket variance."""

    horizon: float
    rmst: float
    variance: float
    hazard_ratio: float = 1.0


def rmst_curve(minutes: Sequence[float], observed: Sequence[bool], horizon: float, *,
               hazard_ratio: float = 1.0) -> RmstCurve:
    """RMST up to ``horizon`` and per-ticket variance of the baseline's Kaplan-Meier curve
    (``hazard_ratio`` 1) or of its projection ``S ** hazard_ratio`` with the baseline's
    censoring (module docstring).

    >>> r = rmst_curve([1, 2, 3, 4], [True] * 4, 4)
    >>> r.rmst, r.variance                                 # 4 x 0.3125 (R: se 0.5590)
    (2.5, 1.25)
    """
    if not hazard_ratio > 0:
        raise ValueError(f"the hazard ratio must be positive, got {hazard_ratio}")
    if not horizon > 0:
        raise ValueError(f"the RMST horizon must be positive, got {horizon}")
    t, o = _clean(minutes, observed, "baseline")
    times, at_risk, events, _ = _km_table(t, o)
    inside = times < horizon
    times, at_risk, events = times[inside], at_risk[inside], events[inside]
    hazard = events / at_risk
    step = (1 - hazard) ** hazard_ratio            # the projected curve's step survival
    survival_after = np.cumprod(step)               # S(t_j), just after each time
    survival_before = np.concatenate([[1.0], survival_after[:-1]])   # S(t_j-)
    base_before = np.concatenate([[1.0], np.cumprod(1 - hazard)[:-1]])
    projected_hazard = 1 - step
    at_risk_share = survival_before * (at_risk / t.size) / base_before   # S_after x G
    edges = np.concatenate([[0.0], times, [float(horizon)]])
    pieces = np.diff(edges) * np.concatenate([[1.0], survival_after])
    tail = np.cumsum(pieces[::-1])[::-1][1:]        # A_j: area from t_j to the horizon
    use = (events > 0) & (projected_hazard < 1)
    variance = float(np.sum(tail[use] ** 2 * projected_hazard[use]
                            / (at_risk_share[use] * (1 - projected_hazard[use]))))
    return RmstCurve(horizon=float(horizon), rmst=float(pieces.sum()), variance=variance,
                     hazard_ratio=float(hazard_ratio))


@dataclass(frozen=True)
class RmstPlan:
    """Tickets per group for the RMST z test to detect ``after.rmst - before.rmst``."""

    before: RmstCurve
    after: RmstCurve
    alpha: float
    power: float
    n: float

    @property
    def difference(self) -> float:
        return self.after.rmst - self.before.rmst

    def power_at(self, n: float) -> float:
        """Power of the two-sided z test with ``n`` tickets per group."""
        se = math.sqrt((self.before.variance + self.after.variance) / n)
        return float(sps.norm.cdf(abs(self.difference) / se - sps.norm.isf(self.alpha / 2)))


def rmst_plan(minutes: Sequence[float], observed: Sequence[bool], *, hazard_ratio: float,
              horizon: float | None = None, alpha: float = 0.05,
              power: float = 0.8) -> RmstPlan:
    """Tickets per group for the RMST z test when the after curve is the baseline's with
    hazards ``hazard_ratio`` times as high (default horizon: the baseline's last time,
    the Check's default of the shorter last follow-up when both windows are as long).

    >>> minutes = np.r_[np.arange(1.0, 201.0)]
    >>> plan = rmst_plan(minutes, np.ones(200, bool), hazard_ratio=1.5, horizon=150)
    >>> round(plan.difference, 1), math.ceil(plan.n)
    (-16.2, 143)
    """
    t, o = _clean(minutes, observed, "baseline")
    tau = float(t.max()) if horizon is None else float(horizon)
    before = rmst_curve(t, o, tau)
    after = rmst_curve(t, o, tau, hazard_ratio=hazard_ratio)
    delta = after.rmst - before.rmst
    if delta == 0:
        raise ValueError("the projected restricted means are equal: there is no change "
                         "to detect up to this horizon")
    z = sps.norm.isf(alpha / 2) + sps.norm.ppf(power)
    n = float(z**2 * (before.variance + after.variance) / delta**2)
    return RmstPlan(before=before, after=after, alpha=alpha, power=power, n=n)
