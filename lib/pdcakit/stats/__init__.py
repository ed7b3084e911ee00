"""Statistics for the PDCA stages: before/after comparisons, effect sizes, power.

Estimates are after minus before. Each comparison returns a frozen
:class:`Comparison` with ``test``, ``statistic``, ``pvalue``, ``df``,
``estimate``, ``ci``, ``effect_size``, ``n_before``, ``n_after`` and ``sentence``.

>>> from pdcakit import stats
>>> round(stats.power_t(1, n=20).power, 4)
0.869
"""

from .nps import nps_difference, nps_parts
from .parametric import cohens_d, hedges_g, paired_t, student_t, welch_t
from .power import PowerResult, mde_prop, mde_t, power_prop, power_t
from .proportions import difference_ci, fisher_exact, two_proportions
from .result import Comparison, format_p

__all__ = ["Comparison", "PowerResult", "cohens_d", "difference_ci", "fisher_exact", "format_p",
           "hedges_g", "mde_prop", "mde_t", "nps_difference", "nps_parts", "paired_t",
           "power_prop", "power_t", "student_t", "two_proportions", "welch_t"]
