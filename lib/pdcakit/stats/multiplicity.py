"""Adjust p-values across a family of KPIs tested on the same change.

Testing nine KPIs at 5% each gives a good chance of at least one false alarm.
Two adjustments, over statsmodels ``multipletests`` (Holm as R ``p.adjust`` writes it,
``cummax((m - i + 1) * p_(i))``: statsmodels' Holm branch calls ``gc.collect()`` on
every call, which cost a second per notebook run with many segments):

- ``holm`` (default): Holm's step-down method controls the family-wise error
  rate (the chance of any false "significant") under any dependence between
  the KPIs, and is uniformly more powerful than Bonferroni.
- ``bh``: Benjamini-Hochberg controls the false discovery rate (the expected share
  of false ones among the "significant"); more powerful with many KPIs, valid for
  independent or positively dependent tests.
- ``bonferroni`` and ``none`` for comparison.

Missing p-values (a KPI that could not be tested) pass through as NaN and do not
count towards the family.

>>> [round(p, 3) for p in adjust_pvalues([0.01, 0.04, 0.03], method="holm")]
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.multitest import multipletests

from ..words import N_

__all__ = ["METHODS", "Adjusted", "adjust", "adjust_pvalues"]

#: Accepted method names and the statsmodels name each maps to.
METHODS = {"holm": "holm", "bh": "fdr_bh", "fdr_bh": "fdr_bh", "bonferroni": "bonferroni",
           "none": None}
_DESCRIPTIONS = {
    "holm": N_("Holm's step-down adjustment (family-wise error rate)"),
    "bh": N_("Benjamini-Hochberg adjustment (false discovery rate)"),
    "fdr_bh": N_("Benjamini-Hochberg adjustment (false discovery rate)"),
    "bonferroni": N_("Bonferroni adjustment (family-wise error rate)"),
    "none": N_("no adjustment for multiple testing"),
}


def _method(method: str) -> str | None:
    key = str(method).lower()
    if key not in METHODS:
        raise ValueError(f"unknown multiplicity method {method!r}: choose one of "
                         f"{', '.join(sorted(set(METHODS)))}")
    return METHODS[key]


def adjust_pvalues(pvalues: Sequence[float], method: str = "holm") -> list[float]:
    """Adjusted p-values in the input order; NaN stays NaN and is left out of the family.

    >>> adjust_pvalues([0.02, float("nan")], method="bonferroni")
    [0.02, nan]
    """
    name = _method(method)
    raw = np.asarray(pvalues, dtype=float)
    if raw.ndim != 1:
        raise ValueError("p-values must be a flat list")
    bad = raw[np.isfinite(raw) & ((raw < 0) | (raw > 1))]
    if bad.size:
        raise ValueError(f"p-values must lie between 0 and 1; got {bad[0]}")
    out = raw.copy()
    finite = np.isfinite(raw)
    if name == "holm" and finite.any():
        out[finite] = _holm(raw[finite])
    elif name is not None and finite.any():
        out[finite] = multipletests(raw[finite], method=name)[1]
    return [float(p) for p in out]


def _holm(pvalues: np.ndarray) -> np.ndarray:
    """R ``p.adjust(p, "holm")``: pmin(1, cummax((m - i + 1) * p[o]))[order back]."""
    order = np.argsort(pvalues, kind="stable")
    m = pvalues.size
    stepped = np.maximum.accumulate((m - np.arange(m)) * pvalues[order])
    out = np.empty(m)
    out[order] = np.minimum(stepped, 1.0)
    return out


@dataclass(frozen=True)
class Adjusted:
    """Raw and adjusted p-values of a family, which are significant, and the method."""

    method: str
    alpha: float
    raw: tuple[float, ...]
    adjusted: tuple[float, ...]

    @property
    def significant(self) -> tuple[bool, ...]:
        return tuple(bool(math.isfinite(p) and p < self.alpha) for p in self.adjusted)

    @property
    def sentence(self) -> str:
        tested = sum(math.isfinite(p) for p in self.raw)
        return N_("{significant} of {tested} tests significant at the {alpha} level after "
                  "{adjustment}.").format(significant=sum(self.significant), tested=tested,
                                          alpha=f"{self.alpha:.0%}",
                                          adjustment=_DESCRIPTIONS[self.method])


def adjust(pvalues: Sequence[float], method: str = "holm", *, alpha: float = 0.05) -> Adjusted:
    """Adjust and decide in one step.

    >>> adjust([0.01, 0.04, 0.03], alpha=0.05).sentence
    "1 of 3 tests significant at the 5% level after Holm's step-down adjustment \
(family-wise error rate)."
    """
    adjusted = adjust_pvalues(pvalues, method)
    return Adjusted(method=str(method).lower(), alpha=alpha,
                    raw=tuple(float(p) for p in pvalues), adjusted=tuple(adjusted))
