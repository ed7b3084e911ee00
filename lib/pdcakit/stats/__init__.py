"""Statistics for the PDCA stages: before/after comparisons, effect sizes, power.

Estimates are after minus before. Each comparison returns a frozen
:class:`Comparison` with ``test``, ``statistic``, ``pvalue``, ``df``,
``estimate``, ``ci``, ``effect_size``, ``n_before``, ``n_after`` and ``sentence``.

>>> from pdcakit import stats
>>> round(stats.power_t(1, n=20).power, 4)
0.869
"""

from .bootstrap import (
    DEFAULT_SEED,
    LARGE_SAMPLE,
    RatioEstimate,
    bootstrap_difference,
    mean_difference_ci,
    ratio_of_means,
    ratio_of_medians,
)
from .choose import KINDS, RULES, compare, infer_kind
from .multiplicity import Adjusted, adjust, adjust_pvalues
from .nonparametric import hodges_lehmann, mann_whitney, pseudo_median, wilcoxon_signed_rank
from .nps import nps_difference, nps_parts
from .parametric import cohens_d, hedges_g, hedges_g_ci, paired_t, student_t, welch_t
from .power import PowerResult, mde_prop, mde_t, power_prop, power_t
from .proportions import difference_ci, fisher_exact, grouped_proportions, two_proportions
from .rates import poisson_rates
from .result import Comparison, format_p
from .survival import km_median, logrank, median_difference_ci, median_ratio

__all__ = [
    "DEFAULT_SEED",
    "KINDS",
    "LARGE_SAMPLE",
    "RULES",
    "Adjusted",
    "Comparison",
    "PowerResult",
    "RatioEstimate",
    "adjust",
    "adjust_pvalues",
    "bootstrap_difference",
    "cohens_d",
    "compare",
    "difference_ci",
    "fisher_exact",
    "format_p",
    "grouped_proportions",
    "hedges_g",
    "hedges_g_ci",
    "hodges_lehmann",
    "infer_kind",
    "km_median",
    "logrank",
    "mann_whitney",
    "mde_prop",
    "mde_t",
    "mean_difference_ci",
    "median_difference_ci",
    "median_ratio",
    "nps_difference",
    "nps_parts",
    "paired_t",
    "poisson_rates",
    "power_prop",
    "power_t",
    "pseudo_median",
    "ratio_of_means",
    "ratio_of_medians",
    "student_t",
    "two_proportions",
    "welch_t",
    "wilcoxon_signed_rank",
]
