"""Power and sample size as R's ``power.t.test`` and ``power.prop.test``.

Both solve for whichever of ``n`` (per group) and ``power`` is missing.
Two-sample, two-sided, ``strict = FALSE`` (as R's default): the power counts
the rejection region on the side of the true difference only.

Formulas (R ``stats`` package):

- t test: ``df = 2(n - 1)``, ``ncp = sqrt(n / 2) * delta / sd``,
  ``power = P(T'(df, ncp) > qt(1 - alpha / 2, df))`` (noncentral t, scipy ``nct``).
- proportions: ``power = Phi((sqrt(n) |p1 - p2| - z(1 - alpha/2) sqrt((p1 + p2)(q1 + q2) / 2))
  / sqrt(p1 q1 + p2 q2))``.

``n`` is solved with ``scipy.optimize.brentq`` as R's ``uniroot`` does.

Planning at the alpha the verdict uses: with Holm over ``m`` KPIs the smallest p-value
is compared with ``alpha / m`` (Holm's first step, the same as Bonferroni), so a
change must be detectable at that level (:func:`family_alpha`). Week-to-week variation
inflates the variance of a mean by the design effect ``1 + (k - 1) ICC`` for periods
of ``k`` tickets (Kish 1965), or by the dispersion ``phi`` of a quasi-likelihood
model (:func:`design_effect`); divide the tickets by it for the effective n. Durations
compared with the log-rank test are planned by Schoenfeld's (1983) formula for the
events needed, ``d = (z(1 - alpha/2) + z(power))^2 / (p (1 - p) log(HR)^2)`` with ``p``
the share of tickets after (:func:`logrank_events`, :func:`power_logrank`).

>>> round(power_t(1, n=20).power, 7)
0.8689528
>>> round(power_prop(0.5, 0.75, power=0.9).n, 1)  # ?power.prop.test: "=> n = 76.7"
76.7
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize
from scipy import stats as sps

from ..words import N_

__all__ = ["PowerResult", "design_effect", "family_alpha", "logrank_events", "mde_prop", "mde_t",
           "power_logrank", "power_prop", "power_t"]


@dataclass(frozen=True)
class PowerResult:
    """Sample size per group and power; ``n_ceil`` is the whole number of tickets to plan for."""

    test: str
    n: float
    power: float
    alpha: float
    effect: str

    @property
    def n_ceil(self) -> int:
        return math.ceil(self.n - 1e-9)

    def as_dict(self) -> dict[str, object]:
        return {"test": self.test, "n": self.n, "n_ceil": self.n_ceil, "power": self.power,
                "alpha": self.alpha, "effect": self.effect}


def _check(alpha: float, n: float | None, power: float | None) -> None:
    if (n is None) == (power is None):
        raise ValueError("give exactly one of n and power; the other is solved for")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
    if power is not None and not alpha < power < 1:
        raise ValueError(f"power must lie between alpha ({alpha}) and 1, got {power}")
    if n is not None and n < 2:
        raise ValueError(f"not enough data: n={n}, need >= 2 per group")


def _solve_n(power_at: object, power: float) -> float:
    f = power_at  # type: ignore[assignment]
    return float(optimize.brentq(lambda n: f(n) - power, 2, 1e9, xtol=1e-10))  # type: ignore[operator]


def power_t(delta: float, sd: float = 1.0, n: float | None = None, power: float | None = None,
            alpha: float = 0.05) -> PowerResult:
    """Power of (or n for) a two-sample t test to detect a mean difference ``delta``.

    Assumes independent groups of equal size, normal outcomes (or large n) and equal SD.

    >>> round(power_t(1, power=0.9).n, 4)
    22.0211
    """
    if not delta or not sd > 0:
        raise ValueError("delta must be non-zero and sd positive")
    _check(alpha, n, power)
    effect = abs(delta) / sd

    def power_at(size: float) -> float:
        df = 2 * (size - 1)
        critical = sps.t.isf(alpha / 2, df)
        return float(sps.nct.sf(critical, df, math.sqrt(size / 2) * effect))

    size = float(n) if n is not None else _solve_n(power_at, float(power))  # type: ignore[arg-type]
    return PowerResult(test=N_("two-sample t test (R power.t.test)"), n=size,
                       power=power_at(size), alpha=alpha,
                       effect=N_("difference {delta} with SD {sd}").format(delta=f"{delta:g}",
                                                                          sd=f"{sd:g}"))


def power_prop(p1: float, p2: float, n: float | None = None, power: float | None = None,
               alpha: float = 0.05) -> PowerResult:
    """Power of (or n for) a two-proportion test to detect ``p1`` versus ``p2``.

    >>> round(power_prop(0.5, 0.75, n=50).power, 7)
    0.7401659
    """
    if not (0 < p1 < 1 and 0 < p2 < 1) or p1 == p2:
        raise ValueError("p1 and p2 must differ and lie strictly between 0 and 1")
    _check(alpha, n, power)
    q1, q2 = 1 - p1, 1 - p2
    z = sps.norm.isf(alpha / 2)

    def power_at(size: float) -> float:
        return float(sps.norm.cdf(
            (math.sqrt(size) * abs(p1 - p2) - z * math.sqrt((p1 + p2) * (q1 + q2) / 2))
            / math.sqrt(p1 * q1 + p2 * q2)))

    size = float(n) if n is not None else _solve_n(power_at, float(power))  # type: ignore[arg-type]
    return PowerResult(test=N_("two-proportion test (R power.prop.test)"), n=size,
                       power=power_at(size), alpha=alpha,
                       effect=N_("{p1} versus {p2}").format(p1=f"{p1:g}", p2=f"{p2:g}"))


def _harmonic_n(n_before: float, n_after: float) -> float:
    if min(n_before, n_after) < 2:
        raise ValueError(f"not enough data: n={min(n_before, n_after)} in a group, need >= 2")
    return 2 / (1 / n_before + 1 / n_after)


def mde_t(n_before: float, n_after: float, sd: float, *, alpha: float = 0.05,
          power: float = 0.8) -> float:
    """Smallest mean difference a two-sample t test detects with ``power`` at these sizes.

    Unequal groups enter through their harmonic mean ``2 / (1/n1 + 1/n2)`` (the size of
    equal groups with the same standard error). Solves R's ``power.t.test`` for ``delta``.

    >>> round(mde_t(20, 20, 1.0, power=0.8689528), 3)  # power_t(1, n=20).power
    1.0
    """
    n = _harmonic_n(n_before, n_after)
    if not sd > 0:
        raise ValueError(f"sd must be positive, got {sd}")
    _check(alpha, n, None)
    if not alpha < power < 1:
        raise ValueError(f"power must lie between alpha ({alpha}) and 1, got {power}")
    return float(optimize.brentq(lambda d: power_t(d, sd, n=n, alpha=alpha).power - power,
                                 1e-9 * sd, 100 * sd, xtol=1e-12 * sd))


def mde_prop(p_before: float, n_before: float, n_after: float, *, alpha: float = 0.05,
             power: float = 0.8, direction: str = "increase") -> float:
    """Smallest change from ``p_before`` a two-proportion test detects with ``power``.

    Returns the absolute difference ``|p_after - p_before|`` (a fraction), solving R's
    ``power.prop.test`` for ``p2`` on the side given by ``direction``. ``nan`` when even
    a change to 0 or 1 would not reach that power.

    >>> round(mde_prop(0.5, 50, 50, power=0.7401659), 4)  # power_prop(0.5, 0.75, n=50)
    0.25
    """
    n = _harmonic_n(n_before, n_after)
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', got {direction!r}")
    if not 0 < p_before < 1:
        return math.nan
    edge = 1 - 1e-9 if direction == "increase" else 1e-9

    def gap(p2: float) -> float:
        return power_prop(p_before, p2, n=n, alpha=alpha).power - power

    step = 1e-9 if direction == "increase" else -1e-9
    if gap(edge) < 0:
        return math.nan
    p2 = optimize.brentq(gap, p_before + step, edge, xtol=1e-12)
    return float(abs(p2 - p_before))


def family_alpha(alpha: float, m: int, method: str = "holm") -> float:
    """The level the first (smallest) p-value of ``m`` KPIs is compared with.

    Holm's first step and Bonferroni: ``alpha / m``; ``"none"``: ``alpha``. Plan the
    sample size and the detectable change at this level, not at ``alpha``.

    >>> family_alpha(0.05, 9)
    0.005555555555555556
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")
    if int(m) != m or m < 1:
        raise ValueError(f"the number of KPIs in the family must be a whole number >= 1, "
                         f"got {m}")
    if method in ("holm", "bonferroni"):
        return alpha / m
    if method == "none":
        return alpha
    raise ValueError(f"method must be holm, bonferroni or none for planning, got {method!r}")


def design_effect(*, icc: float | None = None, period_size: float | None = None,
                  dispersion: float | None = None) -> float:
    """Variance inflation from period-to-period variation: divide n by it.

    Either ``1 + (period_size - 1) icc`` (Kish's design effect for periods of
    ``period_size`` tickets with intraclass correlation ``icc``) or the quasi-likelihood
    dispersion ``phi`` itself; never below 1.

    >>> design_effect(icc=0.02, period_size=300), design_effect(dispersion=4.6)
    (6.98, 4.6)
    """
    if dispersion is not None:
        if icc is not None or period_size is not None:
            raise ValueError("give either the dispersion or icc with period_size, not both")
        if not dispersion > 0:
            raise ValueError(f"the dispersion must be positive, got {dispersion}")
        return max(float(dispersion), 1.0)
    if icc is None or period_size is None:
        raise ValueError("give icc and period_size (tickets per period), or the dispersion")
    if not 0 <= icc <= 1 or period_size < 1:
        raise ValueError(f"icc must lie in [0, 1] and period_size be >= 1; got {icc}, "
                         f"{period_size}")
    return 1 + (period_size - 1) * icc


def _logrank_checks(hazard_ratio: float, share_after: float) -> float:
    if not hazard_ratio > 0 or hazard_ratio == 1:
        raise ValueError(f"the hazard ratio must be positive and not 1, got {hazard_ratio}")
    if not 0 < share_after < 1:
        raise ValueError(f"the share of tickets after must lie in (0, 1), got {share_after}")
    return math.log(hazard_ratio) ** 2 * share_after * (1 - share_after)


def logrank_events(hazard_ratio: float, *, alpha: float = 0.05, power: float = 0.8,
                   share_after: float = 0.5) -> float:
    """Events (finished tickets) a two-sided log-rank test needs (Schoenfeld 1983).

    Divide by the expected share of tickets finished in the window for the tickets.

    >>> round(logrank_events(0.5, power=0.9), 2)   # 88 events, the textbook figure
    87.48
    """
    scale = _logrank_checks(hazard_ratio, share_after)
    _check(alpha, None, power)
    return float((sps.norm.isf(alpha / 2) + sps.norm.ppf(power)) ** 2 / scale)


def power_logrank(hazard_ratio: float, events: float, *, alpha: float = 0.05,
                  share_after: float = 0.5) -> float:
    """Power of a two-sided log-rank test with ``events`` events (Schoenfeld 1983).

    >>> round(power_logrank(0.5, 87.48), 3)
    0.9
    """
    scale = _logrank_checks(hazard_ratio, share_after)
    if not events > 0:
        raise ValueError(f"events must be positive, got {events}")
    return float(sps.norm.cdf(math.sqrt(events * scale) - sps.norm.isf(alpha / 2)))
