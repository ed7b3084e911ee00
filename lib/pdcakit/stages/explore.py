"""The explore notebook's back end (one KPI, one segment, one change date) and the
training check (training effect % and its paired test, source 3.2.3).

>>> import pandas as pd
>>> training = pd.DataFrame({"pre_score": [60, 70, 65, 72], "post_score": [70, 78, 70, 80]})
>>> effect, test = training_check(training)
>>> test.n_before, test.n_after
(4, 4)
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pdcakit import metrics, stats
from pdcakit.results import Estimate
from pdcakit.stages.compare import KpiChange, compare_kpi
from pdcakit.stages.timeview import PhaseView, phase_view
from pdcakit.stages.windows import Windows

__all__ = ["Exploration", "explore", "training_check"]


def training_check(training: pd.DataFrame, *, confidence: float = 0.95,
                   ) -> tuple[Estimate, stats.Comparison]:
    """Training effect % (source 3.2.3) and the paired test the rules choose."""
    effect = metrics.training_effect(training, confidence=confidence)
    pairs = training[["pre_score", "post_score"]].apply(pd.to_numeric, errors="coerce").dropna()
    test = stats.compare(pairs["pre_score"].to_numpy(float), pairs["post_score"].to_numpy(float),
                         "continuous", paired=True, confidence=confidence, unit="points")
    return effect, test


@dataclass(frozen=True)
class Exploration:
    """One KPI before/after a change date, optionally within one segment: verdict and chart."""

    change: KpiChange
    view: PhaseView
    segment: str

    @property
    def sentence(self) -> str:
        where = f" ({self.segment})" if self.segment else ""
        return self.change.sentence.replace(self.change.name, self.change.name + where, 1)


def explore(tickets: pd.DataFrame, key: str, *, change_date: str, weeks_before: int = 13,
            weeks_after: int = 13, segment_column: str = "", segment: str = "",
            alpha: float = 0.05, period: str = "W") -> Exploration:
    """The comparison behind the explore notebook's controls (one KPI, one segment).

    ``segment`` empty (or ``"(all)"``) compares all tickets; else those whose
    ``segment_column`` equals it. Raw p-value: a single exploratory comparison.
    """
    part = tickets
    if segment and segment != "(all)":
        if segment_column not in tickets:
            raise ValueError(f"segment column {segment_column!r} is not in the tickets")
        part = tickets[tickets[segment_column].astype(str) == segment]
        if part.empty:
            raise ValueError(f"no tickets with {segment_column} = {segment!r}")
    windows = Windows.around(change_date, weeks_before=weeks_before, weeks_after=weeks_after)
    before, after = windows.split(part)
    change = compare_kpi(before, after, key, alpha=alpha, period=period)
    view = phase_view(part, key, windows, period=period)
    return Exploration(change=change, view=view,
                       segment="" if segment in ("", "(all)") else f"{segment_column} {segment}")
