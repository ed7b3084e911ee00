"""Statistics for the PDCA stages: power and sample size (comparisons follow with Check).

>>> from pdcakit import stats
>>> round(stats.power_t(1, n=20).power, 4)
0.869
"""

from .power import PowerResult, power_prop, power_t

__all__ = ["PowerResult", "power_prop", "power_t"]
