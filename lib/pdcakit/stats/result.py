"""The result of every before/after comparison: a frozen record with one plain sentence.

Fields follow scipy's result objects (``statistic``, ``pvalue``, ``df``) and
add what a reviewer needs: the estimate (after minus before, unless the
label says otherwise) with its confidence interval, an effect size, the
group sizes, the assumptions checked and one sentence.

>>> r = Comparison(test="Welch two-sample t test", statistic=1.86, pvalue=0.0794, df=17.8,
...                estimate=1.58, ci=(-0.21, 3.37), effect_size=0.83, n_before=10,
...                n_after=10, estimate_label="difference in means", unit="hours")
>>> r.sentence.split(";")[0]
'The difference in means (after - before) is +1.58 hours (95% CI -0.21 to +3.37)'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..fileio import plain
from ..results import format_number
from ..words import N_

__all__ = ["Comparison", "change_sentence", "format_p"]


def change_sentence(label: str, estimate: float, ci: tuple[float, float], unit: str,
                    confidence: float, test: str, pvalue: float, alpha: float, *,
                    number: Callable[[float], str], then: str = "") -> str:
    """The one sentence of a before/after test: the change with its CI, the test, p and
    whether it is significant at ``alpha``; ``number`` formats the change and its ends.

    >>> change_sentence("difference in means", 1.5, (0.2, 2.8), "minutes", 0.95,
    ...                 "Welch's t test", 0.02, 0.05, number=lambda v: f"{v:+.1f}")
    "The difference in means (after - before) is +1.5 minutes (95% CI +0.2 to +2.8); \
Welch's t test, p = 0.020: statistically significant at the 5% level."
    """
    shown_unit = f" {unit}" if unit else ""
    verdict = (N_("statistically significant") if pvalue < alpha
               else N_("not statistically significant"))
    level = f"{confidence:.0%}"
    interval = (N_("{level} CI {low} to {high}").format(level=level, low=number(ci[0]),
                                                        high=number(ci[1]))
                if all(math.isfinite(v) for v in ci)
                else N_("{level} CI not estimable from these data").format(level=level))
    sentence = N_("The {label} (after - before) is {estimate} ({interval}); {test}, {p}: "
                  "{verdict} at the {alpha} level.").format(
        label=label, estimate=f"{number(estimate)}{shown_unit}", interval=interval, test=test,
        p=format_p(pvalue), verdict=verdict, alpha=f"{alpha:.0%}")
    return sentence + (f" {then}" if then else "")


def format_p(pvalue: float) -> str:
    """p-value for reading: 'p < 0.001' below a thousandth, else three decimals.

    >>> format_p(0.00001), format_p(0.0794)
    ('p < 0.001', 'p = 0.079')
    """
    return "p < 0.001" if pvalue < 0.001 else f"p = {pvalue:.3f}"


@dataclass(frozen=True)
class Comparison:
    """A before/after test: statistic, p-value, estimate with CI, effect size, sentence.

    ``reason`` says why this test was chosen (filled by :func:`pdcakit.stats.compare`
    and appended to the sentence); ``extra`` holds secondary figures (e.g. a relative
    risk with its CI) under plain names.
    """

    test: str
    statistic: float
    pvalue: float
    df: float | None
    estimate: float
    ci: tuple[float, float]
    effect_size: float | None
    n_before: int
    n_after: int
    estimate_label: str = "difference (after - before)"
    effect_size_label: str = ""
    unit: str = ""
    alternative: str = "two-sided"
    confidence: float = 0.95
    alpha: float = 0.05
    assumptions: tuple[str, ...] = field(default=())
    reason: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def significant(self) -> bool:
        return bool(self.pvalue < self.alpha)

    @property
    def sentence(self) -> str:
        return change_sentence(self.estimate_label, self.estimate, self.ci, self.unit,
                               self.confidence, self.test, self.pvalue, self.alpha,
                               number=lambda v: format_number(v, 2, sign=True),
                               then=self.reason)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: plain floats, lists for tuples, NaN as None, the sentence included."""
        out = asdict(self)
        out["ci"] = list(self.ci)
        out["assumptions"] = list(self.assumptions)
        out["extra"] = {k: plain(v) for k, v in self.extra.items()}
        out["sentence"] = self.sentence
        return {k: plain(v) for k, v in out.items()}


