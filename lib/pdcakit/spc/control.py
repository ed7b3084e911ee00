"""Shewhart control charts: individuals (I), moving range (MR), p and u, with
Laney's p' and u' for large denominators.

Every chart takes the same optional ``freeze`` (limits from the first ``k``
points, extended to the rest of the first phase), ``part`` (phases, each
with its own limits - see :mod:`pdcakit.spc.phases`) and ``labels`` (period
names for the sentences - see :func:`pdcakit.spc.period_names`), and runs the
Anhøj rules (:mod:`pdcakit.spc.runs`) around each phase's centre line, as
qicharts2 does.

Formulas (Montgomery, *Introduction to Statistical Quality Control*; NIST/
SEMATECH e-Handbook 6.3.2.2 and 6.3.3; Laney 2002):

=========  ===============================  ===================================
chart      centre                           limits
=========  ===============================  ===================================
I          mean x̄                           x̄ ± 3·MR̄/d2,  d2 = 1.128 (± 2.66·MR̄)
MR         MR̄ (mean moving range)           lcl = 0, ucl = D4·MR̄, D4 = 3.267
p          p̄ = Σ numerators / Σ denominat.  p̄ ± 3·√(p̄(1-p̄)/nᵢ), clipped to [0, 1]
u          ū = Σ counts / Σ exposures       ū ± 3·√(ū/nᵢ), lcl clipped at 0
p' (u')    as p (u)                         as p (u) with the sigma multiplied by
                                            σz = MR̄(zᵢ)/1.128,  zᵢ = (yᵢ - centre)/σᵢ
=========  ===============================  ===================================

A point is a signal when it is strictly above ``ucl`` or below ``lcl``.

The code follows qicharts2's layout: one skeleton, :func:`_control_chart`,
walks the phases (split, baseline stops, per-phase checks, signals, runs
analysis, sentence), and each chart only supplies a function giving the centre
and limits of one phase (:func:`_i_limits`, :func:`_mr_limits`,
:func:`_attribute_limits`). A result stores its phases once; its last-phase
values (``centre``, ``lcl``, ``signal``...) are read from ``phases[-1]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple, cast

import numpy as np

from ._common import (
    D2_MOVING_RANGE,
    D4_MOVING_RANGE,
    BoolArray,
    FloatArray,
    IntArray,
    PhasedResult,
    ResultMixin,
    as_series,
    average_moving_range,
    fmt,
    fmt_pct,
    frozen_array,
    last_phase,
    list_points,
    moving_ranges,
    name_periods,
    period_names,
    plural,
    require_points,
    the_period,
)
from .phases import PhaseSplit, check_freeze, split_phases
from .runs import RunsAnalysis, phase_sentence, runs_by_phase

__all__ = [
    "AttributeChartResult",
    "ControlPhase",
    "IChartResult",
    "MRChartResult",
    "PChartResult",
    "UChartResult",
    "i_chart",
    "mr_chart",
    "p_chart",
    "u_chart",
]

Names = Sequence[str] | None


# ---------------------------------------------------------------------------
# result classes
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ControlPhase(ResultMixin):
    """Limits and verdict of one phase of a control chart.

    Attributes
    ----------
    label : str
        Phase name (``'phase 1'`` or the label given in ``part``).
    start, stop : int
        The phase is ``values[start:stop]`` (0-based, ``stop`` exclusive).
    n_obs : int
        Non-missing points in the phase.
    n_baseline : int
        Non-missing points the limits were computed from (fewer than
        ``n_obs`` when ``freeze`` applies to this phase).
    centre : float
        Centre line.
    lcl, ucl : float
        Control limits. For p and u charts, whose limits vary with each
        denominator, the average limit over the phase (qicharts2's
        ``aLCL`` / ``aUCL``).
    n_outside : int
        Points strictly outside the limits.
    runs : RunsAnalysis
        Anhøj rules around the centre line.
    signal : bool
        A point outside the limits or a runs signal.
    mr_bar, sigma : float or None
        I and MR charts: average moving range and MR̄/d2.
    sigma_z : float or None
        Laney p'/u' charts: the between-subgroup inflation factor σz.
    sentence : str
        The verdict in plain language.
    """

    label: str
    start: int
    stop: int
    n_obs: int
    n_baseline: int
    centre: float
    lcl: float
    ucl: float
    n_outside: int
    runs: RunsAnalysis | None
    signal: bool
    mr_bar: float | None
    sigma: float | None
    sigma_z: float | None
    sentence: str


@dataclass(frozen=True, eq=False)
class _ControlChartResult(PhasedResult):
    """What every control chart result holds; ``centre``, ``signal`` and
    ``any_signal`` are read from ``phases``."""

    values: FloatArray
    centre_line: FloatArray
    signals: BoolArray
    phase: IntArray
    phases: tuple[ControlPhase, ...]
    freeze: int | None
    sentence: str

    centre = last_phase("Centre line of the last phase.")


@dataclass(frozen=True, eq=False)
class _OneLimitPerPhase(_ControlChartResult):
    """I and MR charts: limits constant within a phase, scalar ``lcl`` / ``ucl``."""

    lcl_line: FloatArray
    ucl_line: FloatArray

    lcl = last_phase("Lower control limit of the last phase.")
    ucl = last_phase("Upper control limit of the last phase.")


@dataclass(frozen=True, eq=False)
class IChartResult(_OneLimitPerPhase):
    """Result of :func:`i_chart` (individuals / X chart).

    Scalar values describe the **last phase** (the whole chart when there is
    one phase) and are read from ``phases[-1]``; ``phases`` has every phase
    and the ``*_line`` arrays give the limits point by point for plotting.

    Attributes
    ----------
    values : ndarray of float
        The data, NaN where missing.
    centre : float
        Mean of the baseline points.
    mr_bar : float
        Average moving range of the baseline points.
    sigma : float
        ``mr_bar / d2``, the within-process standard deviation estimate.
    lcl, ucl : float
        ``centre ∓ 3 * sigma``.
    signals : ndarray of bool
        Point strictly outside its limits (the 3-sigma rule).
    runs_signal : ndarray of bool
        Point lies in a phase where the Anhøj rules signal (qicharts2's
        ``runs.signal``, drawn as a dashed centre line).
    centre_line, lcl_line, ucl_line : ndarray of float
        Centre and limits per point.
    moving_ranges : ndarray of float
        ``|x[i] - x[i-1]|`` per point (NaN at the start of each phase and
        next to missing values).
    phase : ndarray of int
        Phase number per point.
    phases : tuple of ControlPhase
        Every phase, first to last.
    runs : RunsAnalysis
        Anhøj analysis of the last phase.
    freeze : int or None
        Number of baseline points, if frozen.
    d2 : float
        The bias-correction constant used (1.128).
    signal : bool
        Last phase has a point outside the limits or a runs signal.
    any_signal : bool
        Any phase does.
    sentence : str
        The verdict in plain language.
    """

    runs_signal: BoolArray
    moving_ranges: FloatArray
    d2: float

    mr_bar = last_phase("Average moving range of the last phase's baseline.")
    sigma = last_phase("``mr_bar / d2`` of the last phase.")
    runs = last_phase("Anhøj analysis of the last phase.")


@dataclass(frozen=True, eq=False)
class MRChartResult(_OneLimitPerPhase):
    """Result of :func:`mr_chart` (moving ranges of individual values).

    Attributes
    ----------
    values : ndarray of float
        Moving ranges ``|x[i] - x[i-1]|`` (NaN for the first point of each
        phase and next to missing values).
    centre : float
        Average moving range MR̄ of the baseline (last phase).
    lcl, ucl : float
        0 and ``D4 * MR̄`` with D4 = 3.267 (last phase).
    signals : ndarray of bool
        Moving range above ``ucl``.
    centre_line, lcl_line, ucl_line : ndarray of float
        Per point.
    phase : ndarray of int
        Phase number per point.
    phases : tuple of ControlPhase
        Every phase (``runs`` is None: runs analysis does not apply to moving
        ranges, which are correlated).
    signal, any_signal : bool
        A moving range above the limit in the last phase / in any phase.
    sentence : str
        The verdict in plain language.
    """


@dataclass(frozen=True, eq=False)
class AttributeChartResult(_ControlChartResult):
    """Result of :func:`p_chart` and :func:`u_chart`.

    Limits vary with each denominator, so ``lcl`` and ``ucl`` are per-point
    arrays. Scalar values describe the **last phase** (read from ``phases[-1]``).

    Attributes
    ----------
    chart : str
        ``'p'``, ``"p'"`` (Laney), ``'u'`` or ``"u'"``.
    values : ndarray of float
        Proportions (p) or rates (u) per point, NaN where missing.
    numerators, denominators : ndarray of float
        The input counts and sizes (exposures for u).
    centre : float
        Pooled p̄ = Σ numerators / Σ denominators (or ū) of the baseline.
    lcl, ucl : ndarray of float
        Limits per point (clipped to [0, 1] for p, lcl at 0 for u).
    centre_line : ndarray of float
        Centre per point.
    signals : ndarray of bool
        Point strictly outside its limits.
    runs_signal : ndarray of bool
        Point lies in a phase where the Anhøj rules signal.
    sigma_z : float or None
        Laney's σz for the last phase (None unless ``laney=True``).
    phase : ndarray of int
        Phase number per point.
    phases : tuple of ControlPhase
        Every phase; ``lcl`` / ``ucl`` there are phase averages.
    runs : RunsAnalysis
        Anhøj analysis of the last phase.
    freeze : int or None
        Number of baseline points, if frozen.
    signal, any_signal : bool
        A point outside the limits or a runs signal, in the last phase / any.
    sentence : str
        The verdict in plain language.
    """

    chart: str
    numerators: FloatArray
    denominators: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    runs_signal: BoolArray

    sigma_z = last_phase("Laney's σz of the last phase (None unless ``laney=True``).")
    runs = last_phase("Anhøj analysis of the last phase.")

    @property
    def lcl_line(self) -> FloatArray:
        """Same as ``lcl`` (the per-point name every chart shares)."""
        return self.lcl

    @property
    def ucl_line(self) -> FloatArray:
        """Same as ``ucl``."""
        return self.ucl


@dataclass(frozen=True, eq=False)
class PChartResult(AttributeChartResult):
    """Result of :func:`p_chart`; see :class:`AttributeChartResult`."""


@dataclass(frozen=True, eq=False)
class UChartResult(AttributeChartResult):
    """Result of :func:`u_chart`; see :class:`AttributeChartResult`."""


# ---------------------------------------------------------------------------
# the skeleton every chart shares
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phase:
    """One phase as a chart's limit function sees it: the points ``start:stop``,
    the limits from ``start:base_stop`` (``n_baseline`` of them present)."""

    start: int
    stop: int
    base_stop: int
    n_baseline: int
    frozen: bool
    where: str  # ' (in phase 2)' for error messages

    @property
    def basis(self) -> str:
        """'computed from all 12 points' / 'computed from the first 6 points'."""
        if self.frozen:
            return f"computed from the first {plural(self.base_stop - self.start, 'point')}"
        return f"computed from all {plural(self.n_baseline, 'point')}"

    @property
    def subject(self) -> str:
        """'The values' / 'The first 6 values': what the limits come from."""
        return f"The first {self.base_stop - self.start} values" if self.frozen else "The values"


@dataclass(frozen=True)
class _Limits:
    """Centre and limits of one phase (per point and for the phase), and their words.

    ``lcl`` / ``ucl`` are the phase's own values (for p and u the average of
    the per-point limits, qicharts2's aLCL / aUCL); ``text`` describes them and
    is followed by the verdict on the points.
    """

    centre: float
    lcl: float
    ucl: float
    lcl_points: FloatArray
    ucl_points: FloatArray
    text: str
    mr_bar: float | None = None
    sigma: float | None = None
    sigma_z: float | None = None


def _constant_limits(phase: _Phase, centre: float, lcl: float, ucl: float, text: str,
                     **extra: float) -> _Limits:
    n = phase.stop - phase.start
    return _Limits(centre, lcl, ucl, np.full(n, lcl), np.full(n, ucl), text, **extra)


class _Chart(NamedTuple):
    centre_line: FloatArray
    lcl_line: FloatArray
    ucl_line: FloatArray
    signals: BoolArray
    runs_signal: BoolArray
    phases: tuple[ControlPhase, ...]
    sentence: str
    phase: Any = None
    freeze: int | None = None

    def shared(self, *, lines: bool = True, runs: bool = True) -> dict[str, Any]:
        """The fields every chart result takes from the skeleton, by their result names
        (``lines``: the limits as ``lcl_line`` / ``ucl_line``, else ``lcl`` / ``ucl``)."""
        low, high = ("lcl_line", "ucl_line") if lines else ("lcl", "ucl")
        out = {"centre_line": self.centre_line, low: self.lcl_line, high: self.ucl_line,
               "signals": self.signals, "phase": self.phase, "phases": self.phases,
               "freeze": self.freeze, "sentence": self.sentence}
        if runs:
            out["runs_signal"] = self.runs_signal
        return out


LimitsOf = Callable[[_Phase], _Limits]
Judge = Callable[[BoolArray, int, Names], str]


def _outside(y: FloatArray, lcl: FloatArray, ucl: FloatArray) -> BoolArray:
    with np.errstate(invalid="ignore"):
        return (y > ucl) | (y < lcl)


def _outside_text(mask: BoolArray, offset: int, names: Names = None) -> str:
    """'no point is outside the limits' / 'point 7 is ...' / '2 points are ... (points 3, 9)';
    with ``names``, the periods: 'the week of 3 Jun 2024 is outside the limits'."""
    n = int(mask.sum())
    if names is not None:
        at = np.flatnonzero(mask) + offset
        if n == 0:
            return "no period is outside the limits"
        if n == 1:
            return f"{the_period(names[int(at[0])])} is outside the limits"
        return f"{n} periods are outside the limits: {name_periods(at, names)}"
    if n == 0:
        return "no point is outside the limits"
    pts = list_points(np.r_[np.zeros(offset, dtype=bool), mask])
    if n == 1:
        return f"point {pts} is outside the limits"
    return f"{n} points are outside the limits (points {pts})"


def _above_limit_text(mask: BoolArray, offset: int, names: Names = None) -> str:
    """The MR chart's verdict: '2 moving ranges above the limit (at points 10, 11)'."""
    n = int(mask.sum())
    if n == 0:
        return "no moving range is above the limit"
    if names is not None:
        at = np.flatnonzero(mask) + offset
        return (f"{plural(n, 'moving range')} above the limit "
                f"(the {'change' if n == 1 else 'changes'} into {name_periods(at, names)})")
    pts = list_points(np.r_[np.zeros(offset, dtype=bool), mask])
    return f"{plural(n, 'moving range')} above the limit (at points {pts})"


def _baseline_stops(split: PhaseSplit, freeze: int | None) -> list[int]:
    """End (exclusive) of the points each phase's limits are computed from."""
    stops = [b for _, b in split.bounds]
    if freeze is not None:
        stops[0] = split.bounds[0][0] + freeze
    return stops


def _control_chart(
    values: FloatArray,
    split: PhaseSplit,
    freeze: int | None,
    limits_of: LimitsOf,
    *,
    present: BoolArray | None = None,
    names: Names = None,
    runs: bool = True,
    judge: Judge = _outside_text,
    advice: Callable[[int, int], str] | None = None,
) -> _Chart:
    """Walk the phases of a chart of ``values`` (the plotted points), as qicharts2's qic().

    For each phase: check there are enough points (``present``; default the
    non-missing ``values``), give ``limits_of`` the phase and its baseline, and
    lay its centre and limits over the phase. Then flag points outside the
    limits, run the Anhøj rules around each centre (``runs``), and word each
    phase: the limits' text; ``judge``'s verdict on the points; ``advice``
    (given the number outside and of points) if any; the runs verdict.
    """
    present = ~np.isnan(values) if present is None else present
    stops = _baseline_stops(split, freeze)
    centre_line = np.empty(values.shape)
    lcl_line = np.empty(values.shape)
    ucl_line = np.empty(values.shape)
    walked: list[tuple[_Phase, _Limits]] = []
    for i, (a, b) in enumerate(split.bounds):
        where = f" (in {split.labels[i]})" if split.n_phases > 1 else ""
        require_points(int(np.count_nonzero(present[a:b])), where=where)
        n_base = int(np.count_nonzero(present[a : stops[i]]))
        require_points(n_base, where=f" (baseline{where})" if freeze is not None else where)
        phase = _Phase(a, b, stops[i], n_base, i == 0 and freeze is not None, where)
        limits = limits_of(phase)
        centre_line[a:b] = limits.centre
        lcl_line[a:b] = limits.lcl_points
        ucl_line[a:b] = limits.ucl_points
        walked.append((phase, limits))

    signals = _outside(values, lcl_line, ucl_line)
    if runs:
        analyses, _, _, runs_signal = runs_by_phase(values, centre_line, split, names=names)
    else:
        analyses = (None,) * split.n_phases
        runs_signal = np.zeros(values.shape, dtype=bool)

    phases = []
    for (phase, limits), run, label in zip(walked, analyses, split.labels, strict=True):
        a, b = phase.start, phase.stop
        mask = signals[a:b]
        n_out = int(mask.sum())
        n_obs = int(np.count_nonzero(present[a:b]))
        text = f"{limits.text}; {judge(mask, a, names)}."
        if advice is not None:
            text += advice(n_out, n_obs)
        if run is not None:
            text += " " + run.sentence
        phases.append(
            ControlPhase(
                label=label,
                start=a,
                stop=b,
                n_obs=n_obs,
                n_baseline=phase.n_baseline,
                centre=limits.centre,
                lcl=limits.lcl,
                ucl=limits.ucl,
                n_outside=n_out,
                runs=run,
                signal=bool(n_out or (run is not None and run.signal)),
                mr_bar=limits.mr_bar,
                sigma=limits.sigma,
                sigma_z=limits.sigma_z,
                sentence=text,
            )
        )
    return _Chart(
        centre_line=frozen_array(centre_line),
        lcl_line=frozen_array(lcl_line),
        ucl_line=frozen_array(ucl_line),
        signals=frozen_array(signals, dtype=bool),
        runs_signal=frozen_array(runs_signal, dtype=bool),
        phases=tuple(phases),
        sentence=phase_sentence(split, [p.sentence for p in phases], names),
        phase=split.ids,
        freeze=freeze,
    )


def _phase_moving_ranges(y: FloatArray, split: PhaseSplit) -> FloatArray:
    """Moving ranges within each phase (none across a phase boundary)."""
    mr = np.full(y.shape, np.nan)
    for a, b in split.bounds:
        mr[a:b] = moving_ranges(y[a:b])
    return mr


def _no_mr(where: str) -> ValueError:
    return ValueError(
        f"not enough data: no two consecutive non-missing values to compute a moving range{where}"
    )


# ---------------------------------------------------------------------------
# I and MR charts
# ---------------------------------------------------------------------------


def _i_limits(y: FloatArray, phase: _Phase, *, screen_mr: bool, d2: float,
              unit: str = "") -> _Limits:
    """I chart, one phase: mean ± 3·MR̄/d2 of the baseline points."""
    base = y[phase.start : phase.base_stop]
    centre = float(np.nanmean(base))
    amr = average_moving_range(moving_ranges(base), screen=screen_mr)
    if math.isnan(amr):
        raise _no_mr(phase.where)
    sigma = amr / d2
    lcl, ucl = centre - 3 * sigma, centre + 3 * sigma
    show, u = (fmt_pct, "") if unit == "%" else (fmt, f" {unit}" if unit else "")
    if amr == 0:
        text = (
            f"{phase.subject} do not change from one point to the next "
            "(average moving range 0), so the control limits collapse onto the centre "
            f"line at {show(centre)}{u}"
        )
    else:
        text = (f"Centre {show(centre)}{u}, control limits {show(lcl)} to {show(ucl)}{u} "
                f"({phase.basis})")
    return _constant_limits(phase, centre, lcl, ucl, text, mr_bar=amr, sigma=sigma)


def _mr_limits(y: FloatArray, phase: _Phase) -> _Limits:
    """MR chart, one phase: centre MR̄, limits 0 and D4·MR̄ of the baseline points."""
    amr = average_moving_range(moving_ranges(y[phase.start : phase.base_stop]))
    if math.isnan(amr):
        raise _no_mr(phase.where)
    ucl = D4_MOVING_RANGE * amr
    if amr == 0:
        text = (
            f"{phase.subject} do not change from one point to the next "
            "(average moving range 0), so the moving-range limit collapses to 0"
        )
    else:
        text = f"Average moving range {fmt(amr)}, upper limit {fmt(ucl)} ({phase.basis})"
    return _constant_limits(phase, amr, 0.0, ucl, text, mr_bar=amr, sigma=amr / D2_MOVING_RANGE)


def _check_d2(d2: float) -> float:
    d2 = float(d2)
    if not d2 > 0:
        raise ValueError(f"d2 must be positive, got {d2!r}")
    return d2


def i_chart(
    values: Any,
    freeze: int | None = None,
    *,
    part: Any = None,
    screen_mr: bool = False,
    d2: float = D2_MOVING_RANGE,
    labels: Any = None,
    unit: str = "",
) -> IChartResult:
    """Individuals (I, or X) control chart with Anhøj runs analysis.

    Parameters
    ----------
    values : array_like
        One measurement per period, oldest first; NaN marks a missing period.
    freeze : int, optional
        Compute the centre and limits from the first ``freeze`` points only
        and extend them over the rest of the first phase, e.g. to judge an
        intervention period against a baseline.
    part : int, sequence of int, or sequence of labels, optional
        Phases with separate limits: 0-based positions where a new phase
        starts, or one label per point (see :mod:`pdcakit.spc.phases`).
    screen_mr : bool, default False
        Drop moving ranges above 3.267·MR̄ before averaging (Nelson 1982),
        qicharts2's default ``qic.screenedmr = TRUE``. Off by default, as in
        NIST and Montgomery.
    d2 : float, default 1.128
        Bias-correction constant for moving ranges of two points. 1.128 is
        the tabulated value used by NIST, Montgomery, qicharts2 and qcc; the
        unrounded value is 2/√π = 1.128379.

    labels : sequence, optional
        One period label per point, e.g. the period start dates or strings
        such as ``"2024-03"``: sentences then name periods, not point numbers
        (``'the week of 3 Jun 2024 is outside the limits'``). Dates are written
        as :func:`pdcakit.spc.period_names` says; a wrong length raises
        ``ValueError``.
    unit : str, optional
        The values' unit, written after the centre and the limits in the
        sentences (``'Centre 13.14 minutes, control limits 12.47 to 13.82
        minutes'``); ``"%"``: the values are fractions, written as percentages as a
        p chart's are (``'Centre 62.8%, control limits 58.1% to 67.5%'``); empty:
        numbers only.

    Returns
    -------
    IChartResult
        ``centre``, ``mr_bar``, ``lcl``, ``ucl`` (last phase), per-point
        ``signals`` and lines, ``phases`` and a plain-language ``sentence``.

    Raises
    ------
    ValueError
        ``'not enough data: n=1, need >= 2'`` when a phase (or the frozen
        baseline) has fewer than 2 non-missing values, or when no two
        consecutive values are present to form a moving range; non-numeric
        or infinite values; a bad ``part`` or ``freeze``.

    Notes
    -----
    ``centre = mean``, ``sigma = MR̄ / d2`` and the limits are
    ``centre ± 3 * sigma`` = ``centre ± 2.6596 * MR̄`` (the familiar 2.66).
    Moving ranges are taken between consecutive non-missing values only: a
    gap breaks the chain (qicharts2 behaviour). When the baseline does not
    vary at all, MR̄ = 0 and the limits collapse onto the centre line; the
    sentence says so. The I chart assumes independent, roughly normal
    values; Anhøj runs analysis is run around the mean as in qicharts2.

    References
    ----------
    .. [1] NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2
       Individuals Control Charts.
    .. [2] Montgomery DC. Introduction to Statistical Quality Control,
       section "Control charts for individual measurements".
    .. [3] Nelson LS (1982). Control charts for individual measurements.
       Journal of Quality Technology 14(3), 172-173.

    Examples
    --------
    NIST e-Handbook 6.3.2.2 (flow rate of 10 batches):

    >>> from pdcakit import spc
    >>> r = spc.i_chart([49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1])
    >>> round(r.centre, 2), round(r.mr_bar, 4), round(r.lcl, 4), round(r.ucl, 4)
    (50.81, 1.8778, 45.8159, 55.8041)
    >>> bool(r.signals.any())
    False
    """
    y = as_series(values)
    names = period_names(labels, y.size)
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    limits = partial(_i_limits, y, screen_mr=screen_mr, d2=_check_d2(d2), unit=unit)
    chart = _control_chart(y, split, freeze, limits, names=names)
    return IChartResult(
        values=frozen_array(y),
        moving_ranges=frozen_array(_phase_moving_ranges(y, split)),
        d2=float(d2),
        **chart.shared(),
    )


def mr_chart(
    values: Any, freeze: int | None = None, *, part: Any = None, labels: Any = None
) -> MRChartResult:
    """Moving-range (MR) chart, the companion of :func:`i_chart`.

    Parameters
    ----------
    values : array_like
        The individual values (not the ranges); NaN marks a missing period.
    freeze : int, optional
        Compute MR̄ from the moving ranges within the first ``freeze`` points.
    part : int, sequence of int, or sequence of labels, optional
        Phases with separate limits (see :mod:`pdcakit.spc.phases`).

    labels : sequence, optional
        One period label per point, e.g. the period start dates or strings
        such as ``"2024-03"``: sentences then name periods, not point numbers
        (``'the week of 3 Jun 2024 is outside the limits'``). Dates are written
        as :func:`pdcakit.spc.period_names` says; a wrong length raises
        ``ValueError``.
    Returns
    -------
    MRChartResult
        Moving ranges, ``centre`` = MR̄, ``lcl`` = 0, ``ucl`` = 3.267·MR̄, and
        per-point ``signals``.

    Raises
    ------
    ValueError
        As :func:`i_chart`.

    Notes
    -----
    The limits are D3·MR̄ = 0 and D4·MR̄ with D4 = 3.267 for ranges of two
    points (Montgomery, Appendix VI). No runs analysis: consecutive moving
    ranges share a point and are correlated (qicharts2 skips it too).

    Examples
    --------
    >>> from pdcakit import spc
    >>> r = spc.mr_chart([49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1])
    >>> round(r.centre, 4), round(r.ucl, 4)
    (1.8778, 6.1347)
    """
    y = as_series(values)
    names = period_names(labels, y.size)
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    mr = _phase_moving_ranges(y, split)
    chart = _control_chart(
        mr,
        split,
        freeze,
        partial(_mr_limits, y),
        present=~np.isnan(y),
        names=names,
        runs=False,
        judge=_above_limit_text,
    )
    return MRChartResult(values=frozen_array(mr), **chart.shared(runs=False))


# ---------------------------------------------------------------------------
# p and u charts (and Laney's p' and u')
# ---------------------------------------------------------------------------


def _attribute_inputs(
    numerators: Any, denominators: Any, kind: str
) -> tuple[FloatArray, FloatArray, FloatArray]:
    num_name, den_name = ("numerators", "denominators") if kind == "p" else ("counts", "exposures")
    num = as_series(numerators, num_name)
    den = as_series(denominators, den_name)
    if num.size != den.size:
        raise ValueError(
            f"{num_name} and {den_name} must have the same length ({num.size} vs {den.size})"
        )
    present = ~np.isnan(num) & ~np.isnan(den)
    bad = present & (den <= 0)
    if bad.any():
        raise ValueError(f"{den_name} must be positive (points {list_points(bad)})")
    bad = present & (num < 0)
    if bad.any():
        raise ValueError(f"{num_name} must not be negative (points {list_points(bad)})")
    if kind == "p":
        bad = present & (num > den)
        if bad.any():
            raise ValueError(f"numerators must not exceed denominators (points {list_points(bad)})")
    values = np.where(present, num / np.where(present, den, 1.0), np.nan)
    return num, den, values


def _attribute_limits(
    num: FloatArray,
    den: FloatArray,
    y: FloatArray,
    phase: _Phase,
    *,
    kind: str,
    laney: bool,
    screen_mr: bool,
) -> _Limits:
    """p or u chart, one phase: pooled centre ± 3 binomial (Poisson) sigmas per point,
    the sigma scaled by Laney's σz when ``laney``."""
    a, b, stop = phase.start, phase.stop, phase.base_stop
    present = ~np.isnan(y[a:b])
    ok = present[: stop - a]
    centre = float(num[a:stop][ok].sum() / den[a:stop][ok].sum())
    spread = centre * (1 - centre) if kind == "p" else centre
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(spread / den[a:b])
    sigma_z = None
    if laney:
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (y[a:stop] - centre) / sd[: stop - a]
        if spread == 0:
            sigma_z = math.nan  # every baseline unit alike: z undefined
        else:
            mr_z = average_moving_range(moving_ranges(z), screen=screen_mr)
            if math.isnan(mr_z):
                raise _no_mr(phase.where)
            sigma_z = mr_z / D2_MOVING_RANGE
            sd = sd * sigma_z
    lcl = np.maximum(centre - 3 * sd, 0.0)
    ucl = centre + 3 * sd
    if kind == "p":
        ucl = np.minimum(ucl, 1.0)
    lcl[~present] = np.nan
    ucl[~present] = np.nan
    lo, hi = float(np.nanmean(lcl)), float(np.nanmean(ucl))
    text = _attribute_text(kind, laney, centre, spread, sigma_z, lo, hi, den[a:b][present],
                           phase.basis)
    return _Limits(centre, lo, hi, lcl, ucl, text, sigma_z=sigma_z)


def _attribute_text(
    kind: str,
    laney: bool,
    centre: float,
    spread: float,
    sigma_z: float | None,
    lo: float,
    hi: float,
    dens: FloatArray,
    basis: str,
) -> str:
    show = fmt_pct if kind == "p" else fmt
    if kind == "p":
        head = f"Overall proportion {show(centre)} ({basis})"
    else:
        head = f"Overall rate {show(centre)} per unit of exposure ({basis})"
    if spread == 0:
        what = "had the event" if centre > 0 else "was free of the event"
        return (
            head + f"; every unit in those subgroups {what}, so the limits collapse onto the "
            "centre line"
        )
    if np.ptp(dens) == 0:
        limits = f"; control limits {show(lo)} to {show(hi)}"
    else:
        limits = f"; control limits vary with the denominator, on average {show(lo)} to {show(hi)}"
    if laney and sigma_z is not None:
        name = "p'" if kind == "p" else "u'"
        limits += (
            f" (Laney {name}: the {'binomial' if kind == 'p' else 'Poisson'} limits are "
            f"scaled by {fmt(sigma_z, 3)} for variation between subgroups)"
        )
    return head + limits


def _overdispersion_advice(kind: str, n_outside: int, n_obs: int) -> str:
    """Suggest Laney's chart when more than a quarter of the points (3 or more) are outside."""
    if n_outside < 3 or n_outside <= n_obs / 4:
        return ""
    name = "p'" if kind == "p" else "u'"
    return (
        " So many points outside often means the denominators are large enough to "
        f"expose real variation between subgroups (overdispersion): Laney's {name} chart "
        "(laney=True) allows for it."
    )


def _attribute_chart(
    numerators: Any,
    denominators: Any,
    *,
    kind: str,
    freeze: int | None,
    part: Any,
    laney: bool,
    screen_mr: bool,
    labels: Any,
) -> AttributeChartResult:
    num, den, y = _attribute_inputs(numerators, denominators, kind)
    names = period_names(labels, y.size)
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    limits = partial(_attribute_limits, num, den, y, kind=kind, laney=laney, screen_mr=screen_mr)
    advice = None if laney else partial(_overdispersion_advice, kind)
    chart = _control_chart(y, split, freeze, limits, names=names, advice=advice)
    cls = PChartResult if kind == "p" else UChartResult
    return cls(
        chart=kind + ("'" if laney else ""),
        values=frozen_array(y),
        numerators=frozen_array(num),
        denominators=frozen_array(den),
        **chart.shared(lines=False),
    )


def p_chart(
    numerators: Any,
    denominators: Any,
    *,
    freeze: int | None = None,
    part: Any = None,
    laney: bool = False,
    screen_mr: bool = False,
    labels: Any = None,
) -> PChartResult:
    """p chart (proportion, e.g. 4-hour breaches / attendances), optionally Laney's p'.

    Parameters
    ----------
    numerators : array_like
        Count of units with the event per period (e.g. breaches).
    denominators : array_like
        Units per period (e.g. attendances); must be positive. A period with
        either value missing (NaN) is a missing point.
    freeze : int, optional
        Compute p̄ (and σz) from the first ``freeze`` points and extend the
        limits over the rest of the first phase.
    part : int, sequence of int, or sequence of labels, optional
        Phases with separate limits (see :mod:`pdcakit.spc.phases`).
    laney : bool, default False
        Laney's p' chart: multiply the binomial sigma by
        σz = MR̄(z)/1.128, where zᵢ = (pᵢ - p̄)/√(p̄(1-p̄)/nᵢ). Use it when the
        denominators are large (hundreds to many thousands, e.g. NHS A&E
        attendances of ~20,000 a month): the binomial limits then become so
        narrow that almost every point falls outside them even in a stable
        process, because real proportions vary a little from month to month
        (overdispersion). With no overdispersion σz ≈ 1 and p' ≈ p.
    screen_mr : bool, default False
        Screen the moving ranges of z before averaging (Nelson 1982), as
        qicharts2 does by default.

    labels : sequence, optional
        One period label per point, e.g. the period start dates or strings
        such as ``"2024-03"``: sentences then name periods, not point numbers
        (``'the week of 3 Jun 2024 is outside the limits'``). Dates are written
        as :func:`pdcakit.spc.period_names` says; a wrong length raises
        ``ValueError``.
    Returns
    -------
    PChartResult
        ``centre`` (pooled p̄), per-point ``lcl`` / ``ucl`` arrays, ``values``
        (proportions), ``signals``, ``phases`` and a plain-language
        ``sentence``.

    Raises
    ------
    ValueError
        Fewer than 2 usable periods in a phase or baseline (``'not enough
        data: n=1, need >= 2'``), non-positive denominators, negative
        numerators or numerators above denominators, unequal lengths.

    Notes
    -----
    p̄ = Σ numerators / Σ denominators over the baseline (pooled, not the mean
    of the proportions), and the limits are p̄ ± 3·√(p̄(1-p̄)/nᵢ) for each
    period's own nᵢ, clipped to [0, 1]. The p chart assumes a binomial
    model: independent units with a common probability within a period.

    References
    ----------
    .. [1] NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.3.2
       Proportions Control Charts.
    .. [2] Montgomery DC. Introduction to Statistical Quality Control,
       "The control chart for fraction nonconforming".
    .. [3] Laney DB (2002). Improved control charts for attributes. Quality
       Engineering 14(4), 531-537.

    Examples
    --------
    Montgomery's orange-juice cans (30 samples of 50; also NIST 6.3.3.2):

    >>> from pdcakit import spc
    >>> d = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
    ...      8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]
    >>> r = spc.p_chart(d, [50] * 30)
    >>> round(r.centre, 4), round(float(r.lcl[0]), 4), round(float(r.ucl[0]), 4)
    (0.2313, 0.0524, 0.4102)
    >>> [int(i) + 1 for i in r.signals.nonzero()[0]]
    [15, 23]
    """
    result = _attribute_chart(
        numerators,
        denominators,
        kind="p",
        freeze=freeze,
        part=part,
        laney=laney,
        screen_mr=screen_mr,
        labels=labels,
    )
    return cast(PChartResult, result)


def u_chart(
    counts: Any,
    exposures: Any,
    *,
    freeze: int | None = None,
    part: Any = None,
    laney: bool = False,
    screen_mr: bool = False,
    labels: Any = None,
) -> UChartResult:
    """u chart (rate, e.g. complaints per 1,000 contacts), optionally Laney's u'.

    Parameters
    ----------
    counts : array_like
        Events per period (e.g. complaints, defects).
    exposures : array_like
        Area of opportunity per period (e.g. contacts, patient days); must be
        positive. Rates are ``counts / exposures`` - scale the exposures to
        get "per 1,000" (divide them by 1,000).
    freeze : int, optional
        Compute ū (and σz) from the first ``freeze`` points.
    part : int, sequence of int, or sequence of labels, optional
        Phases with separate limits (see :mod:`pdcakit.spc.phases`).
    laney : bool, default False
        Laney's u' chart: multiply the Poisson sigma by σz = MR̄(z)/1.128,
        zᵢ = (uᵢ - ū)/√(ū/nᵢ). For large exposures, where overdispersion makes
        the plain u chart signal almost every point.
    screen_mr : bool, default False
        Screen the moving ranges of z (Nelson 1982), as qicharts2 does.

    labels : sequence, optional
        One period label per point, e.g. the period start dates or strings
        such as ``"2024-03"``: sentences then name periods, not point numbers
        (``'the week of 3 Jun 2024 is outside the limits'``). Dates are written
        as :func:`pdcakit.spc.period_names` says; a wrong length raises
        ``ValueError``.
    Returns
    -------
    UChartResult
        ``centre`` (pooled ū), per-point ``lcl`` / ``ucl`` arrays, ``values``
        (rates), ``signals``, ``phases``, ``sentence``.

    Raises
    ------
    ValueError
        As :func:`p_chart` (negative counts, non-positive exposures...).

    Notes
    -----
    ū = Σ counts / Σ exposures over the baseline; limits ū ± 3·√(ū/nᵢ) with
    the lower limit clipped at 0. A u chart with all exposures equal to 1 is
    a c chart. The u chart assumes Poisson counts.

    References
    ----------
    .. [1] Montgomery DC. Introduction to Statistical Quality Control,
       "Control charts for nonconformities (defects)".
    .. [2] NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.3.1 Counts
       Control Charts.
    .. [3] Laney DB (2002). Improved control charts for attributes. Quality
       Engineering 14(4), 531-537.

    Examples
    --------
    qcc's ``pcmanufact`` data (nonconformities in 20 samples of 5 computers):

    >>> from pdcakit import spc
    >>> x = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]
    >>> r = spc.u_chart(x, [5] * 20)
    >>> round(r.centre, 2), round(float(r.lcl[0]), 4), round(float(r.ucl[0]), 4)
    (1.93, 0.0661, 3.7939)
    """
    result = _attribute_chart(
        counts,
        exposures,
        kind="u",
        freeze=freeze,
        part=part,
        laney=laney,
        screen_mr=screen_mr,
        labels=labels,
    )
    return cast(UChartResult, result)
