"""Compare two event rates (complaints per 1,000 tickets) with the exact Poisson test.

Given ``count_before`` events over ``exposure_before`` (tickets, hours, ...) and
``count_after`` over ``exposure_after``, conditional on the total count the
after-count is binomial with probability ``T_a / (T_a + T_b)`` when the rates are
equal. This is R's ``poisson.test(c(after, before), c(T_after, T_before))``: the
p-value from the binomial test (scipy ``binomtest``), the rate ratio's exact CI from
the Clopper-Pearson interval ``q`` of that binomial, mapped by
``ratio = q / (1 - q) * T_b / T_a``. The estimate is the rate difference; its CI is
the exact ratio interval carried to the difference at the observed total count ``x``:
given a ratio ``rho``, the rates that fit ``x`` best are ``r_b = x / (T_b + rho T_a)``
and ``r_a = rho r_b``, so ``difference(rho) = x (rho - 1) / (T_b + rho T_a)``, which
increases with ``rho``. The difference CI is ``(difference(rho_low),
difference(rho_high))``: it excludes 0 exactly when the exact test rejects (as the
ratio CI excludes 1), and it never collapses with a zero count (``rho_high`` infinite
gives ``x / T_a``, the after rate). The Wald interval (variance ``x_b / T_b^2 +
x_a / T_a^2``, 0 when both counts are 0 and collapsed with one zero) is kept in
``extra`` for comparison. The ratio and its exact CI are in ``extra``.

Assumptions: events occur independently at a constant rate within each period
(no over-dispersion; when weeks differ more than chance allows, the Laney p'
chart of the compare notebook shows it).

>>> r = poisson_rates(21, 3011, 11, 800)   # R ?poisson.test example
>>> round(r.pvalue, 5), round(r.extra["rate_ratio"], 6)
(0.07967, 1.971488)
"""

from __future__ import annotations

import math

from scipy import stats as sps

from ..words import N_
from .result import Comparison

__all__ = ["poisson_rates"]


def _check(count: int, exposure: float, label: str) -> None:
    if int(count) != count or count < 0:
        raise ValueError(f"the {label} event count must be a whole number >= 0; got {count}")
    if not (exposure > 0 and math.isfinite(exposure)):
        raise ValueError(f"the {label} exposure must be positive; got {exposure}")


def poisson_rates(count_before: int, exposure_before: float, count_after: int,
                  exposure_after: float, *, confidence: float = 0.95,
                  alternative: str = "two-sided", per: float = 1.0,
                  unit: str = "") -> Comparison:
    """Exact conditional test of two Poisson rates; estimate = rate difference per ``per``.

    ``effect_size`` is the rate ratio after / before; ``extra`` holds both rates,
    the ratio and its exact CI.
    """
    _check(count_before, exposure_before, "before")
    _check(count_after, exposure_after, "after")
    total = int(count_before) + int(count_after)
    if total == 0:
        raise ValueError("no events in either period: there is no rate difference to test")
    share = exposure_after / (exposure_after + exposure_before)
    test = sps.binomtest(int(count_after), total, share, alternative=_binom_side(alternative))
    q = test.proportion_ci(confidence_level=confidence, method="exact")
    scale = exposure_before / exposure_after

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * scale

    rate_b, rate_a = count_before / exposure_before, count_after / exposure_after
    estimate_ratio = math.inf if count_before == 0 else rate_a / rate_b
    difference = (rate_a - rate_b) * per

    def difference_at(rho: float) -> float:  # the best-fitting difference at ratio rho
        if math.isinf(rho):
            return total / exposure_after * per
        return total * (rho - 1) / (exposure_before + rho * exposure_after) * per

    z = sps.norm.isf((1 - confidence) / 2)
    se = math.sqrt(count_before / exposure_before**2 + count_after / exposure_after**2)
    return Comparison(
        test=N_("exact Poisson rate test"), statistic=float(count_after), pvalue=float(test.pvalue),
        df=None, estimate=difference,
        ci=(float(difference_at(ratio(q.low))), float(difference_at(ratio(q.high)))),
        effect_size=estimate_ratio, effect_size_label=N_("rate ratio (after / before)"),
        n_before=int(count_before), n_after=int(count_after),
        estimate_label="difference in rates" + (f" per {per:,g}" if per != 1 else ""),
        unit=unit, alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("events independent"), N_("constant rate within each period")),
        extra={"rate_before": rate_b * per, "rate_after": rate_a * per,
               "rate_ratio": estimate_ratio, "rate_ratio_ci_low": ratio(q.low),
               "rate_ratio_ci_high": ratio(q.high), "exposure_before": float(exposure_before),
               "exposure_after": float(exposure_after),
               "expected_after": total * share, "per": per,
               "ci_method": "exact conditional (the rate ratio's Clopper-Pearson interval "
                            "carried to the difference)",
               "difference_ci_wald_low": float(difference - z * se * per),
               "difference_ci_wald_high": float(difference + z * se * per)},
    )


def _binom_side(alternative: str) -> str:
    if alternative not in ("two-sided", "less", "greater"):
        raise ValueError(f"alternative must be two-sided, less or greater; got {alternative!r}")
    return alternative
