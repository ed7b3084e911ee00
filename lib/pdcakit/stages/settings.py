"""Checks every stage's settings share: KPI keys (with close names) and fractions.

Each stage's ``Settings.check`` collects every problem in one list and raises them together
(:func:`pdcakit.stages.sections.raise_problems`), so the analyst fixes them in one pass.

>>> problems = []
>>> check_kpi_keys("kpis", ["fcr", "fcrr"], problems)
('fcr',)
>>> print(problems[0][:58])
parameter kpis: unknown KPI 'fcrr' (did you mean 'fcr'?);
>>> fraction_problem("alpha", 5)
'parameter alpha: 5 must lie between 0 and 1'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pdcakit import metrics
from pdcakit.suggest import did_you_mean

__all__ = ["check_kpi_keys", "fraction_problem"]


def check_kpi_keys(name: str, keys: Sequence[str],
                   problems: list[str] | None = None) -> tuple[str, ...]:
    """The known KPI keys of ``keys``; each unknown one is a problem naming close matches.

    With a ``problems`` list the problems are appended to it (so a settings check can list
    every problem at once); without one the first raises ValueError.
    """
    unknown = [k for k in keys if k not in metrics.KPIS]
    if unknown:
        hints = []
        for key in unknown:
            hint = did_you_mean(key, metrics.KPIS)
            hints.append(f"{key!r}" + (f" ({hint})" if hint else ""))
        problem = (f"parameter {name}: unknown KPI {', '.join(hints)}; "
                   f"known KPIs: {', '.join(metrics.KPIS)}")
        if problems is None:
            raise ValueError(problem)
        problems.append(problem)
    return tuple(k for k in keys if k in metrics.KPIS)


def fraction_problem(name: str, value: Any) -> str | None:
    """The problem with parameter ``name`` unless ``value`` lies strictly between 0 and 1."""
    try:
        ok = 0 < float(value) < 1
    except (TypeError, ValueError):
        ok = False
    return None if ok else f"parameter {name}: {value!r} must lie between 0 and 1"
