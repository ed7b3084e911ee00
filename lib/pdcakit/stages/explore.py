"""The explore notebook's back end (one KPI, one segment, one change date) and the
training check (training effect % and its paired test, source 3.2.3).

:class:`Explorer` serves the notebook's controls: each segment's tickets are picked
once, and each selection's comparison, chart and its drawing (SVG) are kept, so going
back to a selection redraws at once and a new window costs only its own computation;
the Kaplan-Meier bootstrap tables of a window already seen are kept by content
(:mod:`pdcakit.stats._resample`), so moving one window's edge recomputes one side.

>>> import pandas as pd
>>> training = pd.DataFrame({"pre_score": [60, 70, 65, 72], "post_score": [70, 78, 70, 80]})
>>> effect, test = training_check(training)
>>> test.n_before, test.n_after
(4, 4)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pdcakit import metrics, stats
from pdcakit.results import Estimate
from pdcakit.stages.compare import KpiChange, compare_kpi
from pdcakit.stages.sections import Sections
from pdcakit.stages.timeview import PhaseView, phase_view
from pdcakit.stages.windows import Windows

__all__ = [
    "Exploration",
    "ExploreChoices",
    "ExploreView",
    "Explorer",
    "explore",
    "explore_choices",
    "explore_view",
    "training_check",
]


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
    part = _segment_tickets(tickets, segment_column, segment)
    return _explore_part(part, key, change_date=change_date, weeks_before=weeks_before,
                         weeks_after=weeks_after, segment_column=segment_column,
                         segment=segment, alpha=alpha, period=period)


def _segment_tickets(tickets: pd.DataFrame, segment_column: str, segment: str) -> pd.DataFrame:
    """The tickets of one segment (all of them for ``""`` or ``"(all)"``)."""
    if not segment or segment == "(all)":
        return tickets
    if segment_column not in tickets:
        raise ValueError(f"segment column {segment_column!r} is not in the tickets")
    part = tickets[tickets[segment_column].astype(str) == segment]
    if part.empty:
        raise ValueError(f"no tickets with {segment_column} = {segment!r}")
    return part


def _explore_part(part: pd.DataFrame, key: str, *, change_date: str, weeks_before: int,
                  weeks_after: int, segment_column: str, segment: str, alpha: float,
                  period: str) -> Exploration:
    windows = Windows.around(change_date, weeks_before=weeks_before, weeks_after=weeks_after)
    before, after = windows.split(part)
    change = compare_kpi(before, after, key, alpha=alpha, period=period)
    view = phase_view(part, key, windows, period=period)
    return Exploration(change=change, view=view,
                       segment="" if segment in ("", "(all)") else f"{segment_column} {segment}")


@dataclass(frozen=True)
class ExploreChoices:
    """What the explore controls offer on this export: the KPIs it supports, the segment
    values, and the selection the page opens with (a requested KPI or segment the export
    lacks is replaced, ``note`` saying why)."""

    kpis: tuple[str, ...]
    kpi: str
    segments: tuple[str, ...]
    segment: str
    note: str = ""

    @property
    def kpi_options(self) -> list[tuple[str, str]]:
        """(reader's name, key) pairs for a dropdown."""
        return [(metrics.KPIS[key].name, key) for key in self.kpis]


def explore_choices(tickets: pd.DataFrame, sections: Sections, *, kpi: str,
                    segment_column: str, segment: str) -> ExploreChoices:
    """The KPIs ``sections`` says this export supports, ``kpi`` if among them (else the
    first, with the reason), and the values of ``segment_column`` after ``"(all)"``
    (``segment`` if among them, else all tickets).

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-06"]),
    ...                   "handle_minutes": [5.0, 7.0], "channel": ["电话", "chat"]})
    >>> found = explore_choices(t, Sections.of(t, show=False), kpi="fcr", segment_column="channel",
    ...                         segment="email")
    >>> found.kpi, found.segments, found.segment
    ('aht', ('(all)', 'chat', '电话'), '(all)')
    >>> found.note
    'First contact resolution cannot be shown on this export (needs the column \
first_contact_resolved (map it under columns: in the mapping)); showing Average handle time.'
    """
    choices = tuple(sections.kpis(metrics.KPIS))
    chosen, note = sections.choose(kpi, list(choices))
    values = (sorted(tickets[segment_column].dropna().astype(str).unique())
              if segment_column and segment_column in sections.present else [])
    segments = ("(all)", *values)
    return ExploreChoices(kpis=choices, kpi=chosen, segments=segments,
                          segment=segment if segment in segments else "(all)", note=note)


@dataclass(frozen=True)
class ExploreView:
    """One selection's verdict line and chart, or why it cannot be compared."""

    exploration: Exploration | None
    problem: str = ""

    @property
    def sentence(self) -> str:
        if self.exploration is None:
            return f"Cannot compare this selection: {self.problem}"
        found = self.exploration
        return f"**{found.sentence}** Test: {found.change.comparison.test}."

    def figures(self) -> list[Any]:
        """The phase chart (none when the selection cannot be compared)."""
        return [] if self.exploration is None else [
            self.exploration.view.figure(period_word="week")]


def explore_view(tickets: pd.DataFrame, *, kpi: str, segment: str, change_date: Any,
                 weeks_before: int, weeks_after: int, segment_column: str) -> ExploreView:
    """:func:`explore` for the controls' values; a selection that cannot be compared (too
    few weeks, a segment without tickets) says why instead of failing the page.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-06"]),
    ...                   "handle_minutes": [5.0, 7.0]})
    >>> explore_view(t, kpi="aht", segment="(all)", change_date="2026-01-06",
    ...              weeks_before=2, weeks_after=2, segment_column="").sentence[:30]
    'Cannot compare this selection:'
    """
    try:
        found = explore(tickets, kpi, change_date=str(change_date), weeks_before=weeks_before,
                        weeks_after=weeks_after, segment_column=segment_column,
                        segment=segment)
    except ValueError as exc:
        return ExploreView(None, str(exc))
    return ExploreView(found)


class _Kept:
    """The last ``size`` results by key (least recently used dropped first)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        value = self._kept[key] = compute()
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._kept)


class Explorer:
    """The explore controls' back end for one export: :meth:`view` gives a selection's
    :class:`ExploreView` (the same as :func:`explore_view`), :meth:`svg` its chart drawn,
    each computed once per selection and kept (the last ``keep`` selections), each
    segment's tickets picked once.

    >>> t = pd.DataFrame({"created_at": pd.date_range("2026-01-05", periods=400, freq="8h"),
    ...                   "handle_minutes": [5.0, 7.0, 6.0, 9.0] * 100})
    >>> explorer = Explorer(t)
    >>> first = explorer.view(kpi="aht", segment="(all)", change_date="2026-02-02",
    ...                       weeks_before=4, weeks_after=4)
    >>> again = explorer.view(kpi="aht", segment="(all)", change_date="2026-02-02",
    ...                       weeks_before=4, weeks_after=4)
    >>> again is first, first.exploration.change.before.n
    (True, 84)
    """

    def __init__(self, tickets: pd.DataFrame, segment_column: str = "", *,
                 alpha: float = 0.05, period: str = "W", keep: int = 64) -> None:
        self.tickets = tickets
        self.segment_column = segment_column
        self.alpha = alpha
        self.period = period
        self._segments = _Kept(keep)
        self._views = _Kept(keep)
        self._drawn = _Kept(keep)

    def _part(self, segment: str) -> pd.DataFrame:
        return self._segments.get(segment, lambda: _segment_tickets(
            self.tickets, self.segment_column, segment))

    def view(self, *, kpi: str, segment: str, change_date: Any, weeks_before: int,
             weeks_after: int) -> ExploreView:
        """:func:`explore_view` for these controls' values, computed once."""
        key = (kpi, segment, str(change_date), int(weeks_before), int(weeks_after))

        def compute() -> ExploreView:
            try:
                found = _explore_part(
                    self._part(segment), kpi, change_date=str(change_date),
                    weeks_before=weeks_before, weeks_after=weeks_after,
                    segment_column=self.segment_column, segment=segment, alpha=self.alpha,
                    period=self.period)
            except ValueError as exc:
                return ExploreView(None, str(exc))
            return ExploreView(found)

        return self._views.get(key, compute)

    def svg(self, **selection: Any) -> list[str]:
        """The selection's charts as SVG (what a live redraw shows), drawn once."""
        from matplotlib import pyplot as plt

        from pdcakit.stages.display import figure_svg

        def draw() -> list[str]:
            drawn = []
            for figure in self.view(**selection).figures():
                drawn.append(figure_svg(figure))
                plt.close(figure)
            return drawn

        key = tuple(sorted((name, str(value)) for name, value in selection.items()))
        return self._drawn.get(key, draw)
