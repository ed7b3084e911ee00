"""Result objects shared by the KPI and statistics modules.

Every KPI returns an :class:`Estimate`: the value, how many observations it
rests on, and a confidence interval where one is defined. Rounding for
display lives in :meth:`Estimate.format`, never in the computation.

Example
-------
>>> e = Estimate(name="First contact resolution", value=0.72, n=500,
...              ci=(0.68, 0.76), unit="fraction", method="Wilson score interval")
>>> e.format()
'72.0% (95% CI 68.0% to 76.0%, n=500)'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Estimate", "format_value"]


def format_value(value: float | None, unit: str = "", digits: int = 1, *,
                 hours: bool | None = None) -> str:
    """Format a number for a reader: fractions as percent, others with a unit.

    Minutes from 120 on read as hours; ``hours`` forces one scale, so figures read
    side by side (before, after, change) share it.

    >>> format_value(0.125, "fraction")
    '12.5%'
    >>> format_value(42.04, "minutes")
    '42.0 minutes'
    >>> format_value(133.6, "minutes")
    '2.2 hours'
    >>> format_value(68.8, "minutes", hours=True)
    '1.1 hours'
    >>> format_value(None)
    'n/a'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "fraction":
        return f"{value * 100:.{digits}f}%"
    if unit in ("", "score", "index"):
        return f"{value:,.{digits + 1}f}"
    if unit == "minutes" and (abs(value) >= 120 if hours is None else hours):
        return f"{value / 60:,.{digits}f} hours"
    if unit == "points":
        return f"{value:+,.{digits}f} points" if value < 0 else f"{value:,.{digits}f} points"
    return f"{value:,.{digits}f} {unit}"


@dataclass(frozen=True)
class Estimate:
    """A KPI value with its sample size and confidence interval.

    Attributes
    ----------
    name : plain-language KPI name, e.g. ``"First contact resolution"``.
    value : the estimate. Proportions are fractions in [0, 1] (``unit="fraction"``).
    n : number of observations the estimate rests on.
    ci : (low, high) confidence interval, or None where none is defined.
    unit : ``"fraction"``, ``"minutes"``, ``"hours"``, ``"score"``, ``"points"`` ...
    method : how the value and interval were computed (named for a reviewer).
    confidence : the interval's confidence level.
    note : anything a reader must know (excluded rows, censoring, ...).
    extra : further named numbers (e.g. ``{"promoters": 0.41}``).
    """

    name: str
    value: float
    n: int
    ci: tuple[float, float] | None = None
    unit: str = ""
    method: str = ""
    confidence: float = 0.95
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def format(self, digits: int = 1) -> str:
        """One readable line: value, interval and n."""
        text = format_value(self.value, self.unit, digits)
        if self.ci is not None:
            low = format_value(self.ci[0], self.unit, digits)
            high = format_value(self.ci[1], self.unit, digits)
            text += f" ({self.confidence:.0%} CI {low} to {high}, n={self.n:,})"
        else:
            text += f" (n={self.n:,})"
        return text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (tuples become lists, NaN becomes None)."""
        out = asdict(self)
        out["ci"] = list(self.ci) if self.ci is not None else None
        for key in ("value",):
            if isinstance(out[key], float) and math.isnan(out[key]):
                out[key] = None
        return out
