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
    mean_difference_ci,
    ratio_of_means,
    ratio_of_medians,
)
from .choose import KINDS, RULES, compare, infer_kind
from .decision import ANSWERS, Decision, adjusted_level, decide, widen
from .multiplicity import Adjusted, adjust, adjust_pvalues
from .nonparametric import hodges_lehmann, mann_whitney, pseudo_median, wilcoxon_signed_rank
from .nps import nps_difference, nps_interval, nps_parts
from .parametric import cohens_d, hedges_g, hedges_g_ci, paired_t, student_t, welch_t
from .periods import (
    DISPERSION_P,
    Dispersion,
    PeriodChoice,
    PeriodComparison,
    choose_period_level,
    duration_periods,
    mean_periods,
    mean_periods_from_values,
    proportion_periods,
    proportion_periods_from_values,
    rate_periods,
)
from .power import (
    PowerResult,
    design_effect,
    family_alpha,
    logrank_events,
    mde_prop,
    mde_t,
    power_logrank,
    power_prop,
    power_t,
)
from .proportions import difference_ci, fisher_exact, grouped_proportions, two_proportions
from .rates import poisson_rates
from .result import Comparison, format_p
from .shape import DurationShape, duration_shape, proportional_hazards_test, rmst_difference
from .survival import km_median, logrank, median_difference_ci, median_ratio

__all__ = [
    "ANSWERS",
    "DEFAULT_SEED",
    "DISPERSION_P",
    "KINDS",
    "LARGE_SAMPLE",
    "RULES",
    "Adjusted",
    "Comparison",
    "Decision",
    "Dispersion",
    "DurationShape",
    "PeriodChoice",
    "PeriodComparison",
    "PowerResult",
    "RatioEstimate",
    "adjust",
    "adjust_pvalues",
    "adjusted_level",
    "choose_period_level",
    "cohens_d",
    "compare",
    "decide",
    "design_effect",
    "difference_ci",
    "duration_periods",
    "duration_shape",
    "family_alpha",
    "fisher_exact",
    "format_p",
    "grouped_proportions",
    "hedges_g",
    "hedges_g_ci",
    "hodges_lehmann",
    "infer_kind",
    "km_median",
    "logrank",
    "logrank_events",
    "mann_whitney",
    "mde_prop",
    "mde_t",
    "mean_difference_ci",
    "mean_periods",
    "mean_periods_from_values",
    "median_difference_ci",
    "median_ratio",
    "nps_difference",
    "nps_interval",
    "nps_parts",
    "paired_t",
    "poisson_rates",
    "power_logrank",
    "power_prop",
    "power_t",
    "proportion_periods",
    "proportion_periods_from_values",
    "proportional_hazards_test",
    "pseudo_median",
    "rate_periods",
    "ratio_of_means",
    "ratio_of_medians",
    "rmst_difference",
    "student_t",
    "two_proportions",
    "welch_t",
    "widen",
    "wilcoxon_signed_rank",
]
