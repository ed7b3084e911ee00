"""Every compared KPI over time at a glance, as an NHS "Making Data Count" summary table.

One row per KPI the compare stage measured: its variation icon (the after periods against
the baseline's limits, :attr:`pdcakit.stages.timeview.PhaseView.variation`), its assurance
icon (the after period's limits against the KPI's target, :func:`pdcakit.spc.assurance_icon`)
and what the after periods do against the baseline's centre line carried forward (Anhøj's
rules). Each icon is a symbol with a letter and words, never a colour alone. The phase
charts the time view already drew are reused; the other KPIs get the same phase view,
so both tables read with the same rules. Under the table, one small chart per KPI, in
the table's order, all in one figure (:func:`over_time_panels`): the values, the
baseline's centre carried forward, the go-live and the cycle's other dated events (tagged
once, in the legend, as the detailed charts tag them), the special-cause points the
variation icon names and the target. The KPIs' names follow the page's language
(``check.settings.language``).

>>> variation_words(spc.Variation("common cause", "", (), (), None))
'∿ common cause'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pdcakit import metrics, spc
from pdcakit.kpis import kpi_name
from pdcakit.periods import PERIODS
from pdcakit.stages.compare_page import (
    Block,
    Chart,
    Check,
    Say,
    Section,
    Skip,
    Table,
    phase_views,
)
from pdcakit.stages.compare_scores import ScoreTables
from pdcakit.stages.score_series import (
    PART_KINDS,
    ScoreParts,
    ScorePhaseView,
    part_views,
    score_views,
)
from pdcakit.stages.timeview import PhaseView
from pdcakit.stages.windows import Windows

__all__ = ["OverTime", "kpi_title", "over_time_panels", "over_time_section", "over_time_table",
           "panel_unit", "score_parts_blocks", "score_parts_panels", "variation_words"]

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
    parts: tuple[ScoreParts, ...] = ()


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


def kpi_title(key: str, view: PhaseView, language: str = "en") -> str:
    """KPI ``key``'s name in the table and on its panel: the phase view's own title in
    English, the catalogue's name in another language (:func:`pdcakit.kpis.kpi_name`).

    >>> import pandas as pd
    >>> from pdcakit.stages.timeview import proportion_phase_view
    >>> view = proportion_phase_view(pd.date_range("2026-01-01", periods=4, freq="MS"),
    ...     [20, 22, 30, 31], [100] * 4, "2026-03-01", title="FCR", ylabel="FCR")
    >>> kpi_title("fcr", view), kpi_title("fcr", view, "zh-CN")
    ('FCR', '首次解决率')
    """
    name = view.title if language == "en" else kpi_name(key, language)
    name = view.title if name == key else name
    if isinstance(view, ScorePhaseView) and view.period_note:
        from pdcakit.words import words

        w = words(language)
        return w._("{name}, per {period}", name=name, period=w._(view.period_word))
    return name


def over_time_table(views: Mapping[str, PhaseView],
                    targets: Mapping[str, float], language: str = "en",
                    not_charted: Sequence[str] = ()) -> pd.DataFrame:
    """One row per KPI: variation, assurance, the rules that fired, and the after periods
    against the baseline's centre line carried forward; the KPI named in ``language``.
    Each KPI of ``not_charted`` (keys) is a row saying so, its reason in the line below
    the table, so no compared KPI is missing from it."""
    from pdcakit.words import words

    w = words(language)
    rows = []
    for key, view in views.items():
        variation, assurance = view.variation, _assurance(view, targets.get(key))
        rows.append({"KPI": kpi_title(key, view, language), "Variation": variation_words(variation),
                     "Assurance": f"{assurance.symbol} {assurance.icon}",
                     "NHS rules fired": ", ".join(variation.rules) or "none",
                     "Against the baseline centre": _carried_words(view)})
    for key in not_charted:
        rows.append({"KPI": kpi_name(key, language), "Variation": w._("– not charted"),
                     "Assurance": "–", "NHS rules fired": "–",
                     "Against the baseline centre": w._("the reason is under the table")})
    return pd.DataFrame(rows, columns=["KPI", "Variation", "Assurance", "NHS rules fired",
                                       "Against the baseline centre"])


def panel_unit(view: PhaseView, language: str = "en") -> str:
    """What a KPI's small chart counts, as its value axis says it (in ``language``).

    >>> import pandas as pd
    >>> from pdcakit.stages.timeview import proportion_phase_view
    >>> panel_unit(proportion_phase_view(pd.date_range("2026-01-01", periods=4, freq="MS"),
    ...     [20, 22, 30, 31], [100] * 4, "2026-03-01", title="FCR", ylabel="FCR"))
    '% of tickets'
    """
    from pdcakit.words import words

    w = words(language)
    if isinstance(view, ScorePhaseView):
        return view.axis
    if view.percent:
        return w._("% of tickets")
    if view.is_duration:
        return w._("{unit} (median, log scale)", unit=w._(view.scale))
    unit = metrics.KPIS[view.key].unit if view.key in metrics.KPIS else ""
    return w._("{unit} (mean)", unit=w._(unit)) if unit else w._("mean")


def _panel(key: str, view: PhaseView, targets: Mapping[str, float], period: str,
           language: str, name: str | None = None) -> Any:
    """KPI ``key``'s small chart (:class:`pdcakit.plots.KpiPanel`): the special-cause
    points of its variation icon, improving or concerning as the icon says; a period with
    too few observations to judge (``view.unjudged``) hollow; named ``name`` (default: the
    KPI's title in ``language``)."""
    from pdcakit import plots

    variation = view.variation
    improving = {"special cause improving": True,
                 "special cause concerning": False}.get(variation.icon)
    return plots.KpiPanel(
        kpi_title(key, view, language) if name is None else name, panel_unit(view, language),
        view.periods, view.values, view.change_index, float(view.chart.phases[0].centre),
        special=variation.points, improving=improving, target=targets.get(key),
        percent=view.percent, scale=view.scale if view.is_duration else None,
        sparse=() if view.unjudged is None else tuple(map(bool, view.unjudged)),
        xlabel=_own_period(view, period, language))


def _go_live(views: Mapping[str, PhaseView], language: str) -> str:
    from pdcakit.words import words

    first = next(iter(views.values()))
    w = words(language)
    when = first.periods[first.change_index]
    return w._("Go-live ({date})", date=f"{when:%d %b %Y}" if w.english
               else w.date(when.date()))


def over_time_panels(views: Mapping[str, PhaseView], targets: Mapping[str, float], *,
                     period: str = "W", events: Sequence[Sequence[Any]] = (),
                     language: str = "en") -> Any:
    """One small chart per KPI of ``views``, in order, in one figure
    (:func:`pdcakit.plots.kpi_panels`, each panel as :func:`_panel` draws it); ``events``
    (date, text) marked in every panel; each panel and the figure's words in ``language``."""
    from pdcakit import plots
    from pdcakit.words import words

    w = words(language)
    per = w._(PERIODS.get(period, "period"))
    return plots.kpi_panels(
        [_panel(key, view, targets, period, language) for key, view in views.items()],
        xlabel=per.capitalize(), change_label=_go_live(views, language),
        title=w._("Every KPI per {period}, before and after the change: the baseline's "
                  "centre carried forward (dashed), special-cause points marked", period=per),
        events=events, language=language)


def score_parts_panels(parts: ScoreParts, targets: Mapping[str, float] | None = None, *,
                       events: Sequence[Sequence[Any]] = (), language: str = "en") -> Any:
    """One small chart per part of a score drawn (:class:`ScoreParts`), in one figure, as
    :func:`over_time_panels` draws the KPIs: each panel named by its part, every panel by
    the period the score is read by; a part with a target (``targets``, by its key such as
    ``csi.服务态度``: a part can be a cycle's aim) shows it, by the same rule."""
    from pdcakit import plots
    from pdcakit.words import words

    w = words(language)
    per = w._(PERIODS.get(parts.period, "period"))
    return plots.kpi_panels(
        [_panel(key, view, targets or {}, parts.period, language, name=parts.names[key])
         for key, view in parts.views.items()],
        xlabel=per.capitalize(),
        change_label=_go_live(parts.views, language),
        title=w._("{score}: each of its {parts} per {period}, before and after the change",
                  score=kpi_name(parts.score, language), parts=w._(PART_KINDS[parts.kind]),
                  period=per),
        events=events, language=language)


def score_parts_blocks(parts: Sequence[ScoreParts], targets: Mapping[str, float] | None = None,
                       *, events: Sequence[Sequence[Any]] = (), language: str = "en"
                       ) -> list[Block]:
    """Each score's parts over time: its small multiples, then a plain line naming the
    parts beyond the panel cap and one for each part that could not be charted."""
    from pdcakit.words import words

    w = words(language)
    blocks: list[Block] = []
    for found in parts:
        score = kpi_name(found.score, language)
        kind = w._(PART_KINDS[found.kind])
        if found.views:
            blocks.append(Chart(
                w._("{score}: its {parts} over time", score=score, parts=kind),
                _parts_figure(found, targets or {}, events, language)))
        if found.not_drawn:
            blocks.append(Say(w._(
                "{score}: the first {shown} of its {total} {parts} are drawn (at most {shown} "
                "panels a chart); not drawn: {names}. Each is compared in the scores "
                "section.", score=score, shown=found.cap, total=found.total, parts=kind,
                names=", ".join(k.split(".", 1)[1] for k in found.not_drawn))))
        if found.skipped and not found.views:  # one reason for all: said once
            blocks.append(Say(w._("{score}: its {parts} are not charted ({reason}).",
                                  score=score, parts=kind,
                                  reason=next(iter(found.skipped.values())))))
            continue
        blocks += [Say(w._("{score}, {part}: not charted ({reason}).", score=score,
                           part=found.names[key], reason=reason))
                   for key, reason in found.skipped.items()]
    return blocks


def _parts_figure(parts: ScoreParts, targets: Mapping[str, float],
                  events: Sequence[Sequence[Any]], language: str) -> Callable[[], Any]:
    return lambda: score_parts_panels(parts, targets, events=events, language=language)


def _own_period(view: PhaseView, period: str, language: str = "en") -> str:
    """A score read by another period than the page's (TPS by month on a weekly page):
    that period, under its panel, in ``language``; else empty (the figure's)."""
    from pdcakit.words import words

    if isinstance(view, ScorePhaseView) and view.period != period:
        return words(language)._(view.period_word).capitalize()
    return ""


def _panels_figure(views: Mapping[str, PhaseView], targets: Mapping[str, float],
                   period: str, events: Sequence[Sequence[Any]],
                   language: str) -> Callable[[], Any]:
    return lambda: over_time_panels(views, targets, period=period, events=events,
                                    language=language)


def _summary(views: Mapping[str, PhaseView], icons: Mapping[str, spc.Variation]) -> str:
    groups: dict[str, list[str]] = {}
    for key, variation in icons.items():
        groups.setdefault(variation.icon, []).append(views[key].title)
    parts = [f"{icon} for {', '.join(names)}" for icon, names in groups.items()]
    return (f"**Every KPI over time** ({len(icons)} KPIs, each period after the change read "
            f"against the baseline's limits): {'; '.join(parts)}.")


def over_time_section(tickets: pd.DataFrame, windows: Windows, check: Check, *,
                      views: Mapping[str, PhaseView] | None = None,
                      events: Sequence[Sequence[Any]] = (),
                      scores: ScoreTables | None = None,
                      sla_first_response_minutes: float = 30.0,
                      composite_weights: Sequence[float] = (0.5, 0.3, 0.2)) -> OverTime:
    """The NHS summary table of every KPI ``check`` compared. ``views`` are phase views
    already built (the time view's), reused; a KPI whose phase view cannot be built (too
    few periods on a side) is skipped with the reason. ``events`` (the notebook's
    ``cycle_events``) are marked on the small charts as on the time view's. ``scores``
    (the score tables) add each headline score whose table was given, after the ticket
    KPIs (:func:`pdcakit.stages.score_series.score_views`), with the same icons and
    target rule; one that cannot be charted is listed with its reason."""
    settings = check.settings
    keys = [c.key for c in check.changes.changes if c.key in metrics.KPIS]
    built, skips = phase_views(tickets, windows, settings, keys, section="over_time",
                               label="Over time:", built=views)
    if scores is not None:
        found, reasons = score_views(scores, windows, tickets=tickets, period=settings.period,
                                     sla_first_response_minutes=sla_first_response_minutes,
                                     composite_weights=composite_weights,
                                     language=settings.language)
        built = {**built, **found}
        skips += [Skip(f"over_time.{key}", reason, f"Over time: {key}")
                  for key, reason in reasons.items()]
    blocks: list[Block] = list(skips)
    icons = {key: view.variation for key, view in built.items()}
    record = {key: over_time_record(view, settings.targets.get(key))
              for key, view in built.items()}
    parts: tuple[ScoreParts, ...] = ()
    if scores is not None:
        parts, _ = part_views(scores, windows, tickets=tickets, period=settings.period,
                              language=settings.language)  # a score not found: said above
    if built:
        from pdcakit.words import words

        blocks = [Say(_summary(built, icons)), Say(ICON_KEY),
                  Table(over_time_table(built, settings.targets, settings.language,
                                        [skip.key.split(".", 1)[1] for skip in skips])),
                  *_period_notes(built, settings.language),
                  Chart(words(settings.language)._("Every KPI over time"),
                        _panels_figure(built, settings.targets, settings.period, events,
                                       settings.language)),
                  *score_parts_blocks(parts, settings.targets, events=events,
                                      language=settings.language),
                  *blocks]
    return OverTime(blocks=tuple(blocks), record=record, views=built, icons=icons,
                    parts=parts)


def over_time_record(view: PhaseView, target: float | None) -> dict[str, Any]:
    """A KPI's ``over_time`` entry in results.json: its icons and the baseline's centre
    carried forward; a score's also its period, and why when it is not the stage's."""
    entry = {"variation": view.variation.as_dict(),
             "assurance": _assurance(view, target).as_dict(),
             "carried_centre": view.as_dict()["carried_centre"]}
    if isinstance(view, ScorePhaseView):
        entry |= {"period": view.period, "period_note": view.period_note,
                  "centre": float(view.chart.phases[0].centre),
                  "after_centre": float(view.chart.phases[-1].centre)}
    return entry


def _period_notes(views: Mapping[str, PhaseView], language: str) -> list[Say]:
    """The scores read by another period than the stage's, and why, under the table."""
    from pdcakit.words import words

    w = words(language)
    notes = [w._("{name}: {note}", name=kpi_title(key, view, language), note=view.period_note)
             for key, view in views.items()
             if isinstance(view, ScorePhaseView) and view.period_note]
    return [Say(" ".join(notes))] if notes else []
