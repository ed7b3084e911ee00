"""Training's effect on service: did the trained agents' FCR, CSAT or handle time change
beyond the untrained agents' over the same weeks? Beside the test-score effect.

The training table (:data:`pdcakit.data.schema.TRAINING`) names each ``person`` (an
``agent`` of the tickets), the pre- and post-training test scores and ``trained_on``,
the day of training (empty: not trained). The tickets are reduced to agent-week cells
(tickets and the KPI's mean, :func:`agent_week_cells`: aggregates, not rows) and the
difference in differences is :func:`pdcakit.stats.did.difference_in_differences`. The
week a person was trained in is left out for that person (part before, part after);
the first week after it is their first "after" week.

Computation (:func:`training_effect`) and words (:func:`effect_sentences`,
:func:`effect_table`, :func:`event_figure`) are apart; the efficiency page
(:mod:`pdcakit.stages.efficiency_page`) shows them.

>>> training = pd.DataFrame({"person": ["A1"], "pre_score": [60.0], "post_score": [70.0],
...                          "trained_on": [pd.Timestamp("2026-02-04")]})
>>> trained_weeks(training)
{'A1': 2928}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.kpis import KPI_INFO
from pdcakit.periods import period_codes
from pdcakit.results import Estimate, format_p, format_value
from pdcakit.stats.did import DiD, difference_in_differences
from pdcakit.words import words

__all__ = ["EFFECT_KPIS", "FEW_AGENTS", "TRAINED_ON", "TrainingEffect", "agent_week_cells",
           "effect_sentences", "effect_table", "event_figure", "trained_weeks",
           "training_effect"]

#: The service KPIs whose change with training is asked (3.2.1) unless the page says.
EFFECT_KPIS = ("fcr", "csat", "aht")

#: Fewer agents than this on either side: cluster-robust intervals can be too narrow
#: (Cameron & Miller 2015, "A practitioner's guide to cluster-robust inference").
FEW_AGENTS = 10

#: The training table's column with each person's training day.
TRAINED_ON = "trained_on"


def trained_weeks(training: pd.DataFrame) -> dict[str, int]:
    """Person -> the week (Monday to Sunday, :func:`pdcakit.periods.period_codes`) of
    their training; people without a training day are left out (untrained)."""
    dated = training.dropna(subset=[TRAINED_ON])
    codes = period_codes(pd.to_datetime(dated[TRAINED_ON]), "W")
    return {str(p): int(c) for p, c in zip(dated["person"], codes, strict=True)}


def agent_week_cells(tickets: pd.DataFrame, key: str, unit_column: str = "agent"
                     ) -> pd.DataFrame:
    """One row per agent and week (``unit``, ``period`` as a week number, ``n``,
    ``value`` the KPI's mean: a share for a yes/no KPI), from the KPI's own per-ticket
    definition (:func:`pdcakit.stages.units.kpi_cells`).

    >>> t = pd.DataFrame({"agent": ["A", "A", "B"], "handle_minutes": [4.0, 6.0, 5.0],
    ...                   "created_at": pd.to_datetime(["2026-02-02", "2026-02-03",
    ...                                                 "2026-02-10"])})
    >>> agent_week_cells(t, "aht").to_dict("records")
    [{'unit': 'A', 'period': 2928, 'n': 2, 'value': 5.0}, {'unit': 'B', 'period': 2929, \
'n': 1, 'value': 5.0}]
    """
    from pdcakit.stages.units import kpi_cells

    frame = tickets.loc[tickets[unit_column].notna()].assign(
        _week=period_codes(tickets.loc[tickets[unit_column].notna(), "created_at"], "W"))
    frame = frame[np.isfinite(frame["_week"])]
    cells = kpi_cells(frame, key, [unit_column, "_week"])
    return pd.DataFrame({"unit": cells[unit_column].astype(str),
                         "period": cells["_week"].astype(float).astype(int),
                         "n": cells["n"].astype(int),
                         "value": cells["total"] / cells["n"]})


@dataclass(frozen=True)
class TrainingEffect:
    """Per KPI the difference in differences (``effects``), the KPIs it could not
    estimate with why (``skipped``), the test-score effect (``scores``, None without
    both scores), and the trained people not found among the tickets' agents."""

    effects: dict[str, DiD] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    scores: Estimate | None = None
    unmatched: tuple[str, ...] = ()
    n_trained: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The results.json entry ``training_effect`` (docs/results.md)."""
        return {"kpis": {key: {"kpi": key, "name": KPI_INFO[key].name,
                               "unit": KPI_INFO[key].unit, "estimand": _estimand(key),
                               **did.as_dict()} for key, did in self.effects.items()},
                "skipped": dict(self.skipped),
                "test_scores": None if self.scores is None else self.scores.as_dict(),
                "n_trained": self.n_trained, "unmatched": list(self.unmatched)}


def _estimand(key: str) -> str:
    kind = "share" if KPI_INFO[key].kind == "proportion" else "mean"
    return f"difference in differences of the {kind} per agent-week, tickets weighted"


def training_effect(tickets: pd.DataFrame, training: pd.DataFrame, *,
                    kpis: Sequence[str] = EFFECT_KPIS, unit_column: str = "agent",
                    confidence: float = 0.95) -> TrainingEffect:
    """The trained agents' change in each of ``kpis`` beyond the untrained agents'
    (:mod:`pdcakit.stats.did`), and the test-score effect
    (:func:`pdcakit.metrics.training_effect`). ValueError naming the column when the
    training table has no ``trained_on`` or the tickets no ``unit_column``."""
    from pdcakit import metrics

    if TRAINED_ON not in training or training[TRAINED_ON].isna().all():
        raise ValueError(f"the training table has no {TRAINED_ON} dates: add a column "
                         f"{TRAINED_ON} with the day each person was trained (empty for "
                         "people not trained)")
    if unit_column not in tickets or tickets[unit_column].isna().all():
        raise ValueError(f"the tickets have no {unit_column} column: map the column naming "
                         "who handled each ticket")
    weeks = trained_weeks(training)
    agents = set(tickets[unit_column].dropna().astype(str))
    unmatched = tuple(sorted(p for p in weeks if p not in agents))
    scores = None
    if {"pre_score", "post_score"} <= set(training) and training[
            ["pre_score", "post_score"]].notna().all(axis=1).sum() >= 2:
        scores = metrics.training_effect(training, confidence=confidence)
    effects, skipped = {}, {}
    for key in kpis:
        absent = [c for c in KPI_INFO[key].columns if c not in tickets
                  or tickets[c].isna().all()]
        if KPI_INFO[key].kind == "duration":
            skipped[key] = ("a duration: open tickets make its weekly means censored; "
                            "use aht")
            continue
        if absent:
            skipped[key] = (f"needs the column {', '.join(absent)} (map it under columns: "
                            "in the mapping)")
            continue
        cells = agent_week_cells(tickets, key, unit_column)
        in_training_week = cells["unit"].map(weeks) == cells["period"]
        cells = cells[~in_training_week]
        try:
            effects[key] = difference_in_differences(
                cells, {u: w + 1 for u, w in weeks.items()}, confidence=confidence)
        except ValueError as exc:
            skipped[key] = str(exc)
    return TrainingEffect(effects=effects, skipped=skipped, scores=scores,
                          unmatched=unmatched, n_trained=len(weeks))


# ---------------------------------------------------------------- words and charts


def _change(key: str, value: float, language: str = "en") -> str:
    """A signed change in the KPI's own unit: percentage points for a share.

    >>> _change("fcr", 0.0548), _change("aht", -0.5)
    ('+5.5 points', '-0.50 minutes')
    """
    w = words(language)
    unit = KPI_INFO[key].unit
    if unit == "fraction":
        return f"{w.number(100 * value, 1, sign=True)} {w.unit('points')}"
    text = w.value(value, unit, 2, scale="minutes" if unit == "minutes" else None)
    return ("+" + text) if value > 0 else text


def _p(pvalue: float) -> str:
    """``p < 0.001`` or ``p = 0.056`` for a sentence.

    >>> _p(1e-9), _p(0.0561)
    ('p < 0.001', 'p = 0.056')
    """
    text = format_p(pvalue)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def effect_sentences(found: TrainingEffect, language: str = "en") -> tuple[str, ...]:
    """One sentence per KPI (the change beyond the untrained agents' with its interval,
    and whether the pre-training trends were parallel), the test-score line, and the
    trained people not found among the agents."""
    w = words(language)
    lines = []
    if found.scores is not None:
        lines.append(w._("**Test scores:** the training effect (post - pre) / pre is "
                         "{value}.", value=found.scores.format()))
    for key, did in found.effects.items():
        low, high = did.ci
        lines.append(w._(
            "**{name}:** the trained agents changed by {change} ({level} CI {low} to "
            "{high}, {p}) beyond the change the untrained agents saw over the same weeks "
            "({trained} trained and {untrained} untrained agents, {tickets} tickets).",
            name=w._(KPI_INFO[key].name),
            change=_change(key, did.estimate, language), level=w.level(did.confidence),
            low=_change(key, low, language), high=_change(key, high, language),
            p=_p(did.pvalue),
            trained=did.n_trained, untrained=did.n_untrained, tickets=f"{did.n_tickets:,}"))
        trend = did.pretrend
        if trend is None:
            lines.append(w._("Parallel trends cannot be checked: fewer than 3 weeks before "
                             "training."))
        elif did.parallel_trends_doubtful:
            lines.append(w._(
                "**Caution:** before training the trained agents' weekly trend already "
                "differed from the untrained agents' by {slope} a week ({p}); the groups "
                "were not moving alike, so the difference above may not be the training's.",
                slope=_change(key, trend.slope_difference, language), p=_p(trend.pvalue)))
        else:
            lines.append(w._(
                "Before training the two groups moved alike: their weekly trends differed "
                "by {slope} a week ({level} CI {low} to {high}, {p}), consistent with "
                "parallel trends. The chart shows the difference week by week, against the "
                "last week before training (at 0); the weeks at either end pool the weeks "
                "beyond.",
                slope=_change(key, trend.slope_difference, language), level=w.level(did.confidence),
                low=_change(key, trend.ci[0], language), high=_change(key, trend.ci[1], language),
                p=_p(trend.pvalue)))
        if min(did.n_trained, did.n_untrained) < FEW_AGENTS:
            lines.append(w._(
                "With {count} agents on one side the interval rests on few agents and may be "
                "too narrow: read it as a rough guide.",
                count=min(did.n_trained, did.n_untrained)))
        if did.n_dates > 1:
            lines.append(w._(
                "The agents were trained in {dates} different weeks: the estimate averages "
                "comparisons between them, which can mislead when the effect grows over "
                "time; the event-study chart shows it by week from training.",
                dates=did.n_dates))
    if found.unmatched:
        lines.append(w._("Not among the tickets' agents, so not in the comparison: {names}.",
                         names=", ".join(found.unmatched)))
    return tuple(lines)


def effect_table(found: TrainingEffect, language: str = "en") -> pd.DataFrame | None:
    """Per KPI: the four means (trained and untrained, before and after), the difference
    in differences with its interval and p-value, and the pre-trend p-value."""
    if not found.effects:
        return None
    w = words(language)
    rows = []
    for key, did in found.effects.items():
        unit = KPI_INFO[key].unit

        def fmt(value: float, unit: str = unit) -> str:
            return format_value(value, unit, 1)

        rows.append({
            w._("KPI"): w._(KPI_INFO[key].name),
            w._("Trained: before, after"): f"{fmt(did.raw['trained_before'])}, "
                                           f"{fmt(did.raw['trained_after'])}",
            w._("Untrained: before, after"): f"{fmt(did.raw['untrained_before'])}, "
                                             f"{fmt(did.raw['untrained_after'])}",
            w._("Difference in differences"): _change(key, did.estimate, language),
            w._("{level} CI", level=w.level(did.confidence)):
                w._("{low} to {high}", low=_change(key, did.ci[0], language),
                    high=_change(key, did.ci[1], language)),
            w._("p"): format_p(did.pvalue),
            w._("Pre-trend p"): "" if did.pretrend is None else format_p(did.pretrend.pvalue),
        })
    return pd.DataFrame(rows)


def event_figure(found: TrainingEffect, key: str, language: str = "en") -> Any:
    """The event-study chart of ``key`` (:func:`pdcakit.unitcharts.event_study_chart`)."""
    from pdcakit.unitcharts import event_study_chart

    did = found.effects[key]
    w = words(language)
    name = w._(KPI_INFO[key].name)
    share = KPI_INFO[key].unit == "fraction"
    unit = "" if share else f" ({w.unit(KPI_INFO[key].unit)})"
    return event_study_chart(
        [e.k for e in did.events], [e.estimate for e in did.events],
        [e.ci[0] for e in did.events], [e.ci[1] for e in did.events],
        title=w._("{name}: trained minus untrained agents, by week from training",
                  name=name),
        xlabel=w._("Weeks from training (-1, the training week, is left out)"),
        training_at=-1,
        ylabel=(w._("Difference (percentage points)") if share else
                w._("Difference") + unit), percent_points=share,
        labels={"zero": w._("No difference"), "training": w._("Training"),
                "estimate": w._("Trained minus untrained ({level} CI)",
                                level=w.level(did.confidence))},
        language=language)
