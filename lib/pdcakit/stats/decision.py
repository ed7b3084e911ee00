"""From a change's interval to one of four answers, with the interval the answer rests on.

A verdict and the interval printed beside it must agree. When the p-values of several
KPIs are adjusted for testing them together (Holm, Benjamini-Hochberg), the interval
beside the adjusted decision is the one at the level the adjustment implies for that
KPI, ``1 - alpha * p / p_adjusted``: it excludes no change exactly when the adjusted
p-value is under ``alpha`` for a test that inverts to its interval (a Wald z or t test),
and closely otherwise (score, exact and bootstrap intervals are widened on each side in
proportion; :func:`widen`). For the first KPI of a Holm family this is Bonferroni's
``1 - alpha / m`` interval.

Four answers, not two (:func:`decide`):

- **improved** / **worse**: the adjusted p-value is under ``alpha`` *and* the adjusted
  interval lies wholly on one side of no change;
- **no change**: the adjusted interval lies wholly within the smallest change that
  matters (``margin``; the change the target asks for, else the change these samples
  could detect): an equivalence statement, as in two one-sided tests at the same level;
- **not enough data**: anything else (the interval includes no change and reaches past
  the margin, or the test and the interval disagree at the margin).

>>> d = decide(-2.0, (-3.0, -1.0), pvalue=0.001, p_adjusted=0.004, alpha=0.05,
...            higher_is_better=False, margin=1.5)
>>> d.answer, round(d.level, 4), [round(v, 2) for v in d.ci]
('improved', 0.9875, [-3.27, -0.73])
>>> decide(0.1, (-0.4, 0.6), pvalue=0.7, p_adjusted=0.7, alpha=0.05,
...        higher_is_better=True, margin=1.0).answer
'no change'
>>> decide(0.9, (-0.4, 2.2), pvalue=0.2, p_adjusted=0.4, alpha=0.05,
...        higher_is_better=True, margin=1.0).answer
'not enough data'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats as _sps

__all__ = ["ANSWERS", "Decision", "adjusted_level", "decide", "widen"]

#: The four answers a verdict can give, in the words pages use.
ANSWERS = ("improved", "worse", "no change", "not enough data")


def adjusted_level(alpha: float, pvalue: float, p_adjusted: float | None) -> float:
    """The confidence level of the interval that agrees with the adjusted decision.

    ``1 - alpha * p / p_adjusted`` (Bonferroni's ``1 - alpha / m`` for the smallest p of a
    Holm family); ``1 - alpha`` when nothing was adjusted or the p-value is 0 or undefined.

    >>> adjusted_level(0.05, 0.01, 0.03), adjusted_level(0.05, 0.2, None)
    (0.9833333333333333, 0.95)
    """
    if (p_adjusted is None or not math.isfinite(pvalue) or not math.isfinite(p_adjusted)
            or pvalue <= 0 or p_adjusted <= pvalue):
        return 1 - alpha
    return 1 - alpha * pvalue / p_adjusted


def widen(estimate: float, ci: tuple[float, float], level_from: float,
          level_to: float) -> tuple[float, float]:
    """``ci`` (at ``level_from``) moved to ``level_to``: each side's distance from the
    estimate scaled by the ratio of the normal quantiles (exact for a Wald interval).

    >>> [round(v, 3) for v in widen(0.0, (-1.96, 1.96), 0.95, 0.99)]
    [-2.576, 2.576]
    """
    low, high = ci
    if level_to == level_from or not all(map(math.isfinite, (estimate, low, high))):
        return (float(low), float(high))
    ratio = (_sps.norm.ppf(0.5 + level_to / 2) / _sps.norm.ppf(0.5 + level_from / 2))
    return (float(estimate - (estimate - low) * ratio),
            float(estimate + (high - estimate) * ratio))


@dataclass(frozen=True)
class Decision:
    """One of :data:`ANSWERS`, the interval it rests on and at which level, the margin.

    ``disagree`` is True when the adjusted p-value is under ``alpha`` but the interval
    includes no change (the test and its interval differ at the margin): the answer is
    then "not enough data".
    """

    answer: str
    ci: tuple[float, float]
    level: float
    margin: float | None
    significant: bool
    disagree: bool = False
    nominal: float = 0.95

    @property
    def adjusted(self) -> bool:
        """The interval is wider than the nominal one (a family adjustment moved it)."""
        return self.level > self.nominal and not math.isclose(self.level, self.nominal)


def decide(estimate: float, ci: tuple[float, float], *, pvalue: float,
           p_adjusted: float | None, alpha: float, higher_is_better: bool,
           margin: float | None) -> Decision:
    """The answer for a change ``estimate`` (after - before) with interval ``ci`` at level
    ``1 - alpha`` (see the module docstring). ``margin`` (> 0, None: unknown) is the
    smallest change that matters, on the estimate's scale."""
    nominal = 1 - alpha
    p_final = pvalue if p_adjusted is None else p_adjusted
    level = adjusted_level(alpha, pvalue, p_adjusted)
    low, high = widen(estimate, ci, nominal, level)
    finite = math.isfinite(low) and math.isfinite(high)
    excludes = finite and (low > 0 or high < 0)
    below = bool(math.isfinite(p_final) and p_final < alpha)
    significant = below and excludes
    if significant:
        better = (low > 0) == higher_is_better
        answer = "improved" if better else "worse"
    elif (finite and margin is not None and math.isfinite(margin) and margin > 0
          and -margin <= low and high <= margin):
        answer = "no change"
    else:
        answer = "not enough data"
    return Decision(answer=answer, ci=(low, high), level=level, margin=margin,
                    significant=significant, disagree=below and not excludes and finite,
                    nominal=nominal)
