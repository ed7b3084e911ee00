"""Ordinal answers before and after: the proportional-odds model (cumulative logit).

For answers on an ordered scale (1-5 satisfaction, 0-10 ratings) the model
``logit P(Y <= k) = zeta_k - beta * after`` (R's ``MASS::polr``; statsmodels'
``OrderedModel`` fits it) gives one number for the change: the odds ratio
``exp(beta)``, how much the odds of a higher answer (at any cut of the scale) grew after
the change, with a Wald interval. It uses the order of the answers and not their
spacing, so "4 to 5" and "1 to 2" are not assumed to be equal steps. Its assumption (the
same odds ratio at every cut) is the proportional-odds assumption.

With two answer levels it is logistic regression, and the odds ratio is the 2x2 table's
``(a / b) / (c / d)``.

>>> r = proportional_odds([1, 2, 2, 3, 3, 3, 4, 4, 5, 2] * 10, [2, 3, 3, 4, 4, 4, 5, 5, 5, 3] * 10)
>>> round(r.estimate, 2) > 1, r.estimate_label
(True, 'odds ratio of a higher answer (after / before)')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..words import N_
from .result import Comparison

__all__ = ["MAX_LEVELS", "is_ordinal_scale", "proportional_odds"]

#: More distinct answers than this (e.g. means of several questions) are not one
#: ordinal answer: the model is not offered for them.
MAX_LEVELS = 11


def is_ordinal_scale(*groups: Sequence[float]) -> bool:
    """Whether the values are answers on one ordinal scale: whole numbers, 2 to
    :data:`MAX_LEVELS` distinct values.

    >>> is_ordinal_scale([1, 2, 5], [3, 4]), is_ordinal_scale([3.5, 4.25], [4.0, 1.0])
    (True, False)
    """
    values = np.concatenate([np.asarray(g, dtype=float) for g in groups])
    values = values[~np.isnan(values)]
    levels = np.unique(values)
    return bool(values.size and np.all(values == np.round(values))
                and 2 <= levels.size <= MAX_LEVELS)


def proportional_odds(before: Sequence[float], after: Sequence[float], *,
                      confidence: float = 0.95) -> Comparison:
    """The proportional-odds comparison of two groups of ordinal answers: the odds
    ratio of a higher answer after versus before, its Wald interval and p-value.

    Raises ValueError when the answers are not on one ordinal scale
    (:func:`is_ordinal_scale`) or the model cannot be fitted.
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    b, a = b[~np.isnan(b)], a[~np.isnan(a)]
    if min(b.size, a.size) < 2 or not is_ordinal_scale(b, a):
        raise ValueError("the proportional-odds model needs at least 2 whole-number answers "
                         f"on one scale of 2 to {MAX_LEVELS} levels in each window")
    y = pd.Series(pd.Categorical(np.concatenate([b, a]), ordered=True))
    x = pd.DataFrame({"after": np.r_[np.zeros(b.size), np.ones(a.size)]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=500)
    beta, se = float(fit.params["after"]), float(fit.bse["after"])
    if not (math.isfinite(beta) and math.isfinite(se) and se > 0):
        raise ValueError("the proportional-odds model could not be fitted (an answer level "
                         "occurs in one window only?)")
    z = float(norm.ppf(0.5 + confidence / 2))
    pvalue = float(2 * norm.sf(abs(beta / se)))
    return Comparison(
        test=N_("proportional-odds model (cumulative logit)"), statistic=beta / se,
        pvalue=pvalue, df=None, estimate=math.exp(beta),
        ci=(math.exp(beta - z * se), math.exp(beta + z * se)), effect_size=beta,
        n_before=int(b.size), n_after=int(a.size),
        estimate_label=N_("odds ratio of a higher answer (after / before)"),
        effect_size_label=N_("log odds ratio"), confidence=confidence, alpha=1 - confidence,
        assumptions=(N_("independent answers"),
                     N_("the same odds ratio at every cut of the scale (proportional odds)")),
        extra={"levels": len(y.cat.categories), "log_odds_ratio": beta,
               "log_odds_ratio_se": se})
