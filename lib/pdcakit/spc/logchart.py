"""Individuals chart on the log scale, for skewed positive values such as durations.

Per-period median durations are positive and right-skewed: an I chart of the raw
values puts the lower limit below zero and the upper one too close. Charting
``log(value)`` and transforming the centre and limits back with ``exp`` gives
limits that are always positive and asymmetric the way the data are (the centre
is the geometric mean of the period values). Where some values are 0 (date-only
timestamps: a case closed the same day has duration 0, and so can a period's
median), the chart uses the started log ``log(value + c)`` with ``c`` the smallest
positive value (Tukey's started logs), and lower limits below 0 are shown as 0.

Periods with few cases (``sparse``) are drawn but never set the limits, nor are
they judged against them: a one-case month is one case's duration, not a
month's level. Should a phase hold fewer than 2 full periods, its sparse periods
with at least ``min_cases`` cases set its limits instead, and the sentence says so.

>>> r = log_i_chart([30, 45, 38, 60, 41, 52, 35, 48], unit="minutes")
>>> round(r.centre, 1), r.lcl > 0, r.shift
(42.7, True, 0.0)
>>> r.sentence.startswith("Limits on the log scale: durations are skewed and positive.")
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..results import format_value
from ._common import (
    BoolArray,
    FloatArray,
    PhasedResult,
    as_series,
    frozen_array,
    last_phase,
    period_names,
    plural,
)
from .control import ControlPhase, IChartResult, Names, _outside_text, i_chart
from .phases import split_phases
from .runs import phase_sentence

__all__ = ["LOG_SCALE_NOTE", "LogIChartResult", "log_i_chart"]

#: Said once in every log-scale chart's sentence.
LOG_SCALE_NOTE = "Limits on the log scale: durations are skewed and positive."


@dataclass(frozen=True, eq=False)
class LogIChartResult(PhasedResult):
    """Result of :func:`log_i_chart`: lines back on the values' own scale.

    ``values`` are the data as given; ``centre_line``, ``lcl_line`` and
    ``ucl_line`` are ``exp`` of the log chart's lines (minus ``shift``; lower
    limits below 0 shown as 0). ``log_chart`` is the I chart of the log values
    (sparse periods missing), on which the Anhøj rules and any rule set run.
    ``signals`` is False at sparse points (not judged). Scalar ``centre``,
    ``lcl``, ``ucl`` and ``signal`` describe the last phase (read from
    ``phases[-1]``); ``any_signal`` any phase.
    """

    values: FloatArray
    shift: float
    sparse: BoolArray
    used: BoolArray
    centre_line: FloatArray
    lcl_line: FloatArray
    ucl_line: FloatArray
    signals: BoolArray
    phases: tuple[ControlPhase, ...]
    log_chart: IChartResult
    unit: str
    scale: str | None
    sentence: str

    centre = last_phase("Centre (geometric mean) of the last phase, on the values' scale.")
    lcl = last_phase("Lower limit of the last phase, on the values' scale (never below 0).")
    ucl = last_phase("Upper limit of the last phase, on the values' scale.")

    def format(self, value: float) -> str:
        """A value in the chart's unit, for sentences."""
        return format_value(value, self.unit, scale=self.scale)


def _started_log_shift(y: FloatArray) -> float:
    finite = y[np.isfinite(y)]
    if not (finite <= 0).any():
        return 0.0
    positive = finite[finite > 0]
    return float(positive.min()) if positive.size else 1.0


def log_i_chart(values: Any, freeze: int | None = None, *, part: Any = None,
                sparse: Any = None, n: Any = None, min_cases: int = 5, unit: str = "",
                scale: str | None = None, labels: Any = None) -> LogIChartResult:
    """I chart of ``log(values)`` with centre and limits transformed back (always >= 0).

    ``sparse`` marks points drawn but left out of the limits and of the judgement;
    ``n`` (cases per point) lets a phase with fewer than 2 full points use its sparse
    points with at least ``min_cases`` cases. ``unit`` and ``scale`` word the sentence
    (e.g. ``unit="minutes", scale="days"``). ``labels`` (one period label per point)
    name periods in the sentence instead of point numbers, as in
    :func:`pdcakit.spc.i_chart`. NaN marks a missing point; negative values are refused.
    """
    y = as_series(values)
    names = period_names(labels, y.size)
    if (y[np.isfinite(y)] < 0).any():
        raise ValueError("a log-scale chart needs values >= 0 (durations); got a negative one")
    split = split_phases(y.size, part)
    few = np.zeros(y.size, bool) if sparse is None else np.asarray(sparse, dtype=bool)
    counts = None if n is None else np.asarray(n, dtype=float)
    if few.shape != y.shape or (counts is not None and counts.shape != y.shape):
        raise ValueError(f"sparse and n must have one entry per point ({y.size})")
    finite = np.isfinite(y)
    used = finite & ~few
    rescued: list[str] = []
    for (a, b), label in zip(split.bounds, split.labels, strict=True):
        if used[a:b].sum() < 2 and counts is not None:
            allowed = finite[a:b] & (counts[a:b] >= min_cases)
            if allowed.sum() >= 2:
                used[a:b] = allowed
                rescued.append(label)
    shift = _started_log_shift(y)
    with np.errstate(divide="ignore"):
        logs = np.where(used, np.log(np.where(finite, y, 1.0) + shift), np.nan)
    try:
        chart = i_chart(logs, freeze, part=part, labels=names)
    except ValueError as exc:
        raise ValueError(f"{exc}: fewer than 2 periods with enough cases "
                         f"(at least {min_cases}) and a median in a phase; use a longer period "
                         "or a longer window") from None
    back = _back(shift)
    phases = []
    for phase, (a, b) in zip(chart.phases, split.bounds, strict=True):
        moved = replace(phase, centre=float(back(phase.centre)), lcl=float(back(phase.lcl)),
                        ucl=float(back(phase.ucl)))
        phases.append(replace(moved, sentence=_phase_text(
            moved, chart.signals[a:b] & used[a:b], a, few[a:b] & finite[a:b] & ~used[a:b],
            phase.label in rescued, lambda v: format_value(v, unit, scale=scale), names)))
    text = LOG_SCALE_NOTE
    if shift:
        text += (f" Some values are 0, so the scale is log(value + "
                 f"{format_value(shift, unit, scale=scale)}) and lower limits below 0 show as 0.")
    return LogIChartResult(
        values=frozen_array(y), shift=shift, sparse=frozen_array(few & finite),
        used=frozen_array(used), centre_line=frozen_array(back(chart.centre_line)),
        lcl_line=frozen_array(back(chart.lcl_line)),
        ucl_line=frozen_array(back(chart.ucl_line)),
        signals=frozen_array(np.asarray(chart.signals, bool) & used), phases=tuple(phases),
        log_chart=chart, unit=unit, scale=scale,
        sentence=text + " " + phase_sentence(split, [p.sentence for p in phases], names))


def _back(shift: float) -> Callable[[Any], Any]:
    def back(logs: Any) -> Any:
        return np.maximum(np.exp(np.asarray(logs, dtype=float)) - shift, 0.0)
    return back


def _phase_text(phase: ControlPhase, outside: BoolArray, offset: int, left_out: BoolArray,
                rescued: bool, fmt: Callable[[float], str], names: Names = None) -> str:
    basis = f"computed from {plural(phase.n_baseline, 'period')}"
    if rescued:
        basis += ("; too few full periods, so periods with few cases set these limits: read "
                  "them with care")
    elif left_out.any():
        basis += f"; {plural(int(left_out.sum()), 'period')} with few cases drawn but not used"
    if phase.mr_bar == 0:
        limits = (f"The values do not change from one period to the next, so the limits "
                  f"collapse onto the centre line at {fmt(phase.centre)}; ")
    else:
        limits = (f"Centre {fmt(phase.centre)} (geometric mean), control limits "
                  f"{fmt(phase.lcl)} to {fmt(phase.ucl)} ({basis}); ")
    runs = "" if phase.runs is None else " " + phase.runs.sentence
    return limits + _outside_text(np.asarray(outside, bool), offset, names) + "." + runs
