"""Every compared KPI over time at a glance, as an NHS "Making Data Count" summary table.

One row per KPI the compare stage measured: its variation icon (the after periods against
the baseline's limits, :attr:`pdcakit.stages.timeview.PhaseView.variation`), its assurance
icon (the after period's limits against the KPI's target, :func:`pdcakit.spc.assurance_icon`)
and what the after periods do against the baseline's centre line carried forward (Anhøj's
rules). Each icon is a symbol with a letter and words, never a colour alone. The phase
charts the time view already drew are reused; the other KPIs get the same phase view,
so both tables read with the same rules.

>>> variation_words(spc.Variation("common cause", "", (), (), None))
'∿ common cause'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pdcakit import metrics, spc
from pdcakit.stages.compare_page import Block, Check, Say, Section, Skip, Table
from pdcakit.stages.timeview import PhaseView, phase_view
from pdcakit.stages.windows import Windows

__all__ = ["OverTime", "over_time_section", "over_time_table", "variation_words"]

#: The icons' key, said once above the table.
ICON_KEY = ("Variation (the after periods against the baseline's limits, NHS rules: a "
            "point outside, 7 on one side, 6 rising or falling, 2 of 3 near a limit): "
            "∿ common cause · ▲ H / ▼ L special cause, higher or lower, improving or "
            "concerning. Assurance (the after period's limits against the target): "
            "P ✔ consistently passes · F ✘ consistently fails · ? ~ hit and miss · – no "
            "target.")


@dataclass(frozen=True, kw_only=True)
class OverTime(Section):
    """The over-time summary: its table, and the variation icon per KPI key."""

    views: Mapping[str, PhaseView] = field(default_factory=dict)
    icons: Mapping[str, spc.Variation] = field(default_factory=dict)


def variation_words(variation: spc.Variation) -> str:
    """The variation icon as the table shows it: symbol then words.

    >>> variation_words(spc.Variation("special cause improving", "lower", (), (), 14))
    '▼ L special cause improving (lower)'
    """
    return f"{variation.symbol} {variation.words}"


def _assurance(view: PhaseView, target: float | None) -> spc.Assurance:
    after = view.chart.phases[-1]
    return spc.assurance_icon(lcl=after.lcl, ucl=after.ucl, target=target, better=view.better)


def _carried_words(view: PhaseView) -> str:
    run = view.carried
    if run is None:
        return "too few after periods"
    return "shift" if run.signal else "no shift"


def over_time_table(views: Mapping[str, PhaseView],
                    targets: Mapping[str, float]) -> pd.DataFrame:
    """One row per KPI: variation, assurance, the rules that fired, and the after periods
    against the baseline's centre line carried forward."""
    rows = []
    for key, view in views.items():
        variation, assurance = view.variation, _assurance(view, targets.get(key))
        rows.append({"KPI": view.title, "Variation": variation_words(variation),
                     "Assurance": f"{assurance.symbol} {assurance.icon}",
                     "NHS rules fired": ", ".join(variation.rules) or "none",
                     "Against the baseline centre": _carried_words(view)})
    return pd.DataFrame(rows, columns=["KPI", "Variation", "Assurance", "NHS rules fired",
                                       "Against the baseline centre"])


def _summary(views: Mapping[str, PhaseView], icons: Mapping[str, spc.Variation]) -> str:
    groups: dict[str, list[str]] = {}
    for key, variation in icons.items():
        groups.setdefault(variation.icon, []).append(views[key].title)
    parts = [f"{icon} for {', '.join(names)}" for icon, names in groups.items()]
    return (f"**Every KPI over time** ({len(icons)} KPIs, each period after the change read "
            f"against the baseline's limits): {'; '.join(parts)}.")


def over_time_section(tickets: pd.DataFrame, windows: Windows, check: Check, *,
                      views: Mapping[str, PhaseView] | None = None) -> OverTime:
    """The NHS summary table of every KPI ``check`` compared. ``views`` are phase views
    already built (the time view's), reused; a KPI whose phase view cannot be built (too
    few periods on a side) is skipped with the reason."""
    settings = check.settings
    built: dict[str, PhaseView] = {}
    blocks: list[Block] = []
    for key in (change.key for change in check.changes.changes):
        if key not in metrics.KPIS:
            continue
        view = (views or {}).get(key)
        if view is None:
            try:
                view = phase_view(tickets, key, windows, period=settings.period,
                                  params=settings.params)
            except ValueError as exc:
                blocks.append(Skip(f"over_time.{key}", str(exc), f"Over time: {key}"))
                continue
        built[key] = view
    icons = {key: view.variation for key, view in built.items()}
    record: dict[str, Any] = {}
    for key, view in built.items():
        assurance = _assurance(view, settings.targets.get(key))
        record[key] = {"variation": icons[key].as_dict(), "assurance": assurance.as_dict(),
                       "carried_centre": view.as_dict()["carried_centre"]}
    if built:
        blocks = [Say(_summary(built, icons)), Say(ICON_KEY),
                  Table(over_time_table(built, settings.targets)), *blocks]
    return OverTime(blocks=tuple(blocks), record=record, views=built, icons=icons)
