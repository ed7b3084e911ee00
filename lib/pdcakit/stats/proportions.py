"""Two independent proportions (FCR, SLA attainment, complaint rate) as R's ``prop.test``.

Groups: ``(x1, n1)`` before and ``(x2, n2)`` after; the estimate is p2 - p1.

- Test: Pearson's chi-square on the 2x2 table (scipy ``chi2_contingency``), with
  Yates' continuity correction when ``correction=True`` (R's default) — equivalent to
  the pooled two-proportion z test squared when uncorrected.
- CI of the difference: R's Wald interval,
  ``(p2 - p1) ± (z sqrt(p1 q1 / n1 + p2 q2 / n2) + yates (1/n1 + 1/n2))`` with
  ``yates = min(0.5, |p2 - p1| / (1/n1 + 1/n2))`` when corrected, clipped to [-1, 1].
  There is no library function for exactly R's interval, hence these lines.
- Effect size: the risk ratio p2 / p1. ``extra`` adds Newcombe's hybrid-score CI of the
  difference (method 10 of Newcombe 1998; better coverage than Wald near 0 or 1) and the
  risk ratio's log (Katz) CI, both from statsmodels ``confint_proportions_2indep``.
- Assumptions: independent tickets; expected counts of at least 5 in every cell
  (otherwise use Fisher's exact test; the result says so).

>>> r = two_proportions(400, 500, 490, 500, correction=True)  # R: prop.test(c(490, 400), ...)
>>> round(r.statistic, 3), [round(v, 7) for v in r.ci]
(80.909, [0.1408536, 0.2191464])
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from ..words import N_
from .result import Comparison

__all__ = ["difference_ci", "fisher_exact", "grouped_proportions", "two_proportions"]


def _check_counts(x: int, n: int, label: str) -> None:
    if not (isinstance(n, int | np.integer) and isinstance(x, int | np.integer)):
        raise ValueError(f"counts must be whole numbers: {label} has x={x}, n={n}")
    if n < 1:
        raise ValueError(f"not enough data: n={n} in the {label} group, need >= 1")
    if not 0 <= x <= n:
        raise ValueError(f"{label} group: x={x} must lie between 0 and n={n}")


def two_proportions(x1: int, n1: int, x2: int, n2: int, *, correction: bool = False,
                    confidence: float = 0.95) -> Comparison:
    """Compare the share ``x1/n1`` before with ``x2/n2`` after (R ``prop.test``)."""
    _check_counts(x1, n1, "before")
    _check_counts(x2, n2, "after")
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]], dtype=float)
    if (table.sum(axis=0) == 0).any():
        raise ValueError("every ticket in both groups has the same outcome (all successes or "
                         "all failures): there is no difference to test")
    chi2, pvalue, df, expected = sps.chi2_contingency(table, correction=correction)
    p1, p2 = x1 / n1, x2 / n2
    delta = p2 - p1
    inv = 1 / n1 + 1 / n2
    yates = min(0.5, abs(delta) / inv) if correction else 0.0
    z = sps.norm.isf((1 - confidence) / 2)
    width = z * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) + yates * inv
    assumptions = [N_("independent tickets")]
    small = bool((expected < 5).any())
    assumptions.append(N_("expected counts below 5: prefer Fisher's exact test") if small
                       else N_("expected counts all at least 5"))
    extra = _difference_and_ratio_cis(x1, n1, x2, n2, confidence)
    return Comparison(
        test=(N_("two-proportion chi-square test with continuity correction") if correction
              else N_("two-proportion chi-square test")),
        statistic=float(chi2), pvalue=float(pvalue), df=float(df), estimate=delta,
        ci=(float(max(-1.0, delta - width)), float(min(1.0, delta + width))),
        effect_size=(p2 / p1) if p1 > 0 else None,
        effect_size_label=N_("risk ratio (after / before)"),
        n_before=int(n1), n_after=int(n2), estimate_label=N_("difference in proportions"),
        confidence=confidence, alpha=1 - confidence, assumptions=tuple(assumptions),
        extra=extra,
    )


def difference_ci(x1: int, n1: int, x2: int, n2: int, *,
                  confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid-score CI of ``x2/n2 - x1/n1`` (Newcombe 1998, method 10).

    >>> [round(v, 4) for v in difference_ci(48, 80, 56, 70)]  # Newcombe 1998, Table II (a)
    [0.0524, 0.3339]
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(int(x2), int(n2), int(x1), int(n1), method="newcomb",
                                           compare="diff", alpha=1 - confidence)
    return float(low), float(high)


def _difference_and_ratio_cis(x1: int, n1: int, x2: int, n2: int,
                              confidence: float) -> dict[str, float]:
    """Newcombe (hybrid score) CI of p2 - p1 and the log (Katz) CI of p2 / p1."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = difference_ci(x1, n1, x2, n2, confidence=confidence)
    out = {"before": x1 / n1, "after": x2 / n2, "difference_ci_newcombe_low": low,
           "difference_ci_newcombe_high": high}
    if x1 > 0 and x2 > 0:
        low, high = confint_proportions_2indep(x2, n2, x1, n1, method="log", compare="ratio",
                                               alpha=1 - confidence)
        out.update(risk_ratio_ci_low=float(low), risk_ratio_ci_high=float(high))
    return out


def fisher_exact(table: object, *, alternative: str = "two-sided",
                 confidence: float = 0.95) -> Comparison:
    """Fisher's exact test on a 2x2 table, as R's ``fisher.test``.

    ``table`` rows are before and after, columns successes and failures:
    ``[[x1, n1 - x1], [x2, n2 - x2]]``. The estimate is the conditional maximum-likelihood
    odds ratio of success after versus before, with its exact confidence interval
    (scipy ``contingency.odds_ratio(kind="conditional")``, R's method); the effect size
    is the difference in proportions. Exact: valid for small counts, where the
    chi-square test is not.

    >>> r = fisher_exact([[1, 3], [3, 1]], alternative="greater")  # R ?fisher.test TeaTasting
    >>> round(r.pvalue, 4), round(r.estimate, 4)
    (0.2429, 6.4083)
    """
    from scipy.stats.contingency import odds_ratio

    counts = np.asarray(table)
    if counts.shape != (2, 2) or (counts < 0).any() or not np.allclose(counts, counts.round()):
        raise ValueError("Fisher's exact test needs a 2x2 table of non-negative whole counts: "
                         "[[successes before, failures before], [successes after, failures after]]")
    counts = counts.astype(int)
    if (counts.sum(axis=1) == 0).any():
        raise ValueError("not enough data: a group has n=0, need >= 1")
    after_first = counts[::-1]  # odds of success after relative to before
    res = sps.fisher_exact(after_first, alternative=alternative)
    ratio = odds_ratio(after_first, kind="conditional")
    ci = ratio.confidence_interval(confidence_level=confidence, alternative=alternative)
    (x1, f1), (x2, f2) = counts
    return Comparison(
        test=N_("Fisher's exact test"), statistic=float(ratio.statistic), pvalue=float(res.pvalue),
        df=None, estimate=float(ratio.statistic), ci=(float(ci.low), float(ci.high)),
        effect_size=x2 / (x2 + f2) - x1 / (x1 + f1),
        effect_size_label=N_("difference in proportions (after - before)"),
        n_before=int(x1 + f1), n_after=int(x2 + f2),
        estimate_label=N_("odds ratio (after / before, conditional MLE)"),
        alternative=alternative, confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("independent tickets"), N_("exact: no large-sample approximation")),
    )


def grouped_proportions(x_before: object, n_before: object, x_after: object, n_after: object,
                        *, confidence: float = 0.95) -> Comparison:
    """Two proportions from per-period counts, allowing for extra-binomial variation.

    Monthly counts (breaches of ``n`` attendances) usually vary between months far
    more than the binomial allows; a chi-square test on the summed counts then treats
    250,000 attendances as independent and its p-value is far too small. This fits
    R's ``glm(cbind(x, n - x) ~ period, family = quasibinomial)`` (statsmodels GLM,
    Binomial family, dispersion ``phi`` = Pearson chi-square / residual df; McCullagh
    & Nelder 1989, section 4.5): the test is the period coefficient's t test, the
    estimate the pooled difference after - before with its Wald CI widened by
    ``sqrt(phi)``; ``extra`` has ``phi``, the odds ratio with its CI and the naive
    chi-square p-value for contrast. An estimated ``phi`` below 1 (less variation
    than binomial, usually chance) is taken as 1, so the result is never narrower than
    the plain binomial test; R would use the estimate as it is.

    Assumptions: periods independent of each other; the variance of each period's
    count is ``phi n p (1 - p)`` (a common inflation factor); at least 2 periods each side.

    >>> r = grouped_proportions([20, 12, 29], [100] * 3, [30, 41, 19], [100] * 3)
    >>> round(r.estimate, 3), r.df, round(r.extra["dispersion"], 2)
    (0.097, 4.0, 5.11)
    """
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM

    xb, nb = np.asarray(x_before, float), np.asarray(n_before, float)
    xa, na = np.asarray(x_after, float), np.asarray(n_after, float)
    for label, x, n in (("before", xb, nb), ("after", xa, na)):
        if x.shape != n.shape or x.size < 2:
            raise ValueError(f"the {label} group needs counts and totals for at least 2 "
                             f"periods, of equal length (got {x.size} and {n.size})")
        if (n <= 0).any() or (x < 0).any() or (x > n).any():
            raise ValueError(f"the {label} counts must satisfy 0 <= x <= n and n > 0 in "
                             "every period")
    x, n = np.concatenate([xb, xa]), np.concatenate([nb, na])
    after = np.r_[np.zeros(xb.size), np.ones(xa.size)]
    # Proportions with var_weights = n: the same fit as cbind(x, n - x), and statsmodels'
    # "X2" scale is then the Pearson chi-square / df (with a two-column endog it is not).
    model = GLM(x / n, np.column_stack([np.ones_like(after), after]),
                family=families.Binomial(), var_weights=n)
    fit = model.fit(scale="X2", use_t=True)
    estimated_phi, df = float(fit.scale), float(fit.df_resid)
    phi = max(estimated_phi, 1.0)
    if phi != estimated_phi:  # never narrower than the plain binomial test: known scale, z
        fit, df = model.fit(scale=1.0), math.inf
    p1, p2 = xb.sum() / nb.sum(), xa.sum() / na.sum()
    delta = float(p2 - p1)
    se = math.sqrt(phi * (p1 * (1 - p1) / nb.sum() + p2 * (1 - p2) / na.sum()))
    half = (sps.norm if math.isinf(df) else sps.t(df)).isf((1 - confidence) / 2) * se
    log_or_low, log_or_high = fit.conf_int(alpha=1 - confidence)[1]
    naive = two_proportions(int(xb.sum()), int(nb.sum()), int(xa.sum()), int(na.sum()))
    return Comparison(
        test=N_("quasi-binomial test of two proportions (per-period counts)"),
        statistic=float(fit.tvalues[1]), pvalue=float(fit.pvalues[1]),
        df=None if math.isinf(df) else df,
        estimate=delta, ci=(delta - half, delta + half),
        effect_size=float(p2 / p1) if p1 > 0 else None,
        effect_size_label=N_("risk ratio (after / before)"), n_before=int(nb.sum()),
        n_after=int(na.sum()), estimate_label=N_("difference in proportions"),
        confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("periods independent"), N_("variance inflated by a common factor phi"),
                     f"phi = {phi:.1f} estimated from {x.size} periods"),
        extra={"dispersion": phi, "before": float(p1), "after": float(p2),
               "odds_ratio": float(np.exp(fit.params[1])),
               "odds_ratio_ci_low": float(np.exp(log_or_low)),
               "odds_ratio_ci_high": float(np.exp(log_or_high)),
               "estimated_dispersion": estimated_phi,
               "naive_chi_square_pvalue": naive.pvalue,
               "periods_before": int(xb.size), "periods_after": int(xa.size)},
    )
