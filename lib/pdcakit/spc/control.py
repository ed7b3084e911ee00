"""Shewhart control charts: individuals (I), moving range (MR), p and u, with
Laney's p' and u' for large denominators.

Every chart takes the same optional ``freeze`` (limits from the first ``k``
points, extended to the rest of the first phase) and ``part`` (phases, each
with its own limits - see :mod:`pdcakit.spc.phases`), and runs the Anhøj rules
(:mod:`pdcakit.spc.runs`) around each phase's centre line, as qicharts2 does.

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
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from ._common import (
    D2_MOVING_RANGE,
    D4_MOVING_RANGE,
    BoolArray,
    FloatArray,
    IntArray,
    ResultMixin,
    as_series,
    average_moving_range,
    fmt,
    fmt_pct,
    frozen_array,
    list_points,
    moving_ranges,
    plural,
    require_points,
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
class IChartResult(ResultMixin):
    """Result of :func:`i_chart` (individuals / X chart).

    Scalar fields describe the **last phase** (the whole chart when there is
    one phase); ``phases`` has every phase and the ``*_line`` arrays give the
    limits point by point for plotting.

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

    values: FloatArray
    centre: float
    mr_bar: float
    sigma: float
    lcl: float
    ucl: float
    signals: BoolArray
    runs_signal: BoolArray
    centre_line: FloatArray
    lcl_line: FloatArray
    ucl_line: FloatArray
    moving_ranges: FloatArray
    phase: IntArray
    phases: tuple[ControlPhase, ...]
    runs: RunsAnalysis
    freeze: int | None
    d2: float
    signal: bool
    any_signal: bool
    sentence: str


@dataclass(frozen=True, eq=False)
class MRChartResult(ResultMixin):
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

    values: FloatArray
    centre: float
    lcl: float
    ucl: float
    signals: BoolArray
    centre_line: FloatArray
    lcl_line: FloatArray
    ucl_line: FloatArray
    phase: IntArray
    phases: tuple[ControlPhase, ...]
    freeze: int | None
    signal: bool
    any_signal: bool
    sentence: str


@dataclass(frozen=True, eq=False)
class AttributeChartResult(ResultMixin):
    """Result of :func:`p_chart` and :func:`u_chart`.

    Limits vary with each denominator, so ``lcl`` and ``ucl`` are per-point
    arrays. Scalar fields describe the **last phase**.

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
    values: FloatArray
    numerators: FloatArray
    denominators: FloatArray
    centre: float
    lcl: FloatArray
    ucl: FloatArray
    centre_line: FloatArray
    signals: BoolArray
    runs_signal: BoolArray
    sigma_z: float | None
    phase: IntArray
    phases: tuple[ControlPhase, ...]
    runs: RunsAnalysis
    freeze: int | None
    signal: bool
    any_signal: bool
    sentence: str

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
# shared pieces
# ---------------------------------------------------------------------------


def _baseline_stops(split: PhaseSplit, freeze: int | None) -> list[int]:
    """End (exclusive) of the points each phase's limits are computed from."""
    stops = [b for _, b in split.bounds]
    if freeze is not None:
        stops[0] = split.bounds[0][0] + freeze
    return stops


def _where(split: PhaseSplit, i: int) -> str:
    return f" (in {split.labels[i]})" if split.n_phases > 1 else ""


def _outside(y: FloatArray, lcl: FloatArray, ucl: FloatArray) -> BoolArray:
    with np.errstate(invalid="ignore"):
        return (y > ucl) | (y < lcl)


def _outside_text(mask: BoolArray, offset: int) -> str:
    n = int(mask.sum())
    if n == 0:
        return "no point is outside the limits"
    pts = list_points(np.r_[np.zeros(offset, dtype=bool), mask])
    if n == 1:
        return f"point {pts} is outside the limits"
    return f"{n} points are outside the limits (points {pts})"


def _baseline_note(freeze: int | None, i: int, n_baseline: int) -> str:
    if i == 0 and freeze is not None:
        return f"computed from the first {plural(freeze, 'point')}"
    return f"computed from all {plural(n_baseline, 'point')}"


def _baseline_values(freeze: int | None, i: int) -> str:
    if i == 0 and freeze is not None:
        return f"The first {freeze} values"
    return "The values"


def _no_mr(where: str) -> ValueError:
    return ValueError(
        f"not enough data: no two consecutive non-missing values to compute a moving range{where}"
    )


# ---------------------------------------------------------------------------
# I and MR charts
# ---------------------------------------------------------------------------


def i_chart(
    values: Any,
    freeze: int | None = None,
    *,
    part: Any = None,
    screen_mr: bool = False,
    d2: float = D2_MOVING_RANGE,
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
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    d2 = float(d2)
    if not d2 > 0:
        raise ValueError(f"d2 must be positive, got {d2!r}")
    stops = _baseline_stops(split, freeze)

    centre_line = np.empty(y.shape)
    lcl_line = np.empty(y.shape)
    ucl_line = np.empty(y.shape)
    mr_all = np.full(y.shape, np.nan)
    stats_per_phase = []
    for i, (a, b) in enumerate(split.bounds):
        where = _where(split, i)
        require_points(int(np.count_nonzero(~np.isnan(y[a:b]))), where=where)
        base = y[a : stops[i]]
        n_base = int(np.count_nonzero(~np.isnan(base)))
        require_points(n_base, where=f" (baseline{where})" if freeze is not None else where)
        centre = float(np.nanmean(base))
        amr = average_moving_range(moving_ranges(base), screen=screen_mr)
        if math.isnan(amr):
            raise _no_mr(where)
        sigma = amr / d2
        centre_line[a:b] = centre
        lcl_line[a:b] = centre - 3 * sigma
        ucl_line[a:b] = centre + 3 * sigma
        mr_all[a:b] = moving_ranges(y[a:b])
        stats_per_phase.append((n_base, centre, amr, sigma))

    signals = _outside(y, lcl_line, ucl_line)
    analyses, _, _, runs_signal = runs_by_phase(y, centre_line, split)

    phases = []
    for i, ((a, b), label) in enumerate(zip(split.bounds, split.labels, strict=True)):
        n_base, centre, amr, sigma = stats_per_phase[i]
        runs = analyses[i]
        mask = signals[a:b]
        note = _baseline_note(freeze, i, n_base)
        if amr == 0:
            limits = (
                f"{_baseline_values(freeze, i)} do not change from one point to the next "
                "(average moving range 0), so the control limits collapse onto the centre "
                f"line at {fmt(centre)}; "
            )
        else:
            limits = (
                f"Centre {fmt(centre)}, control limits {fmt(lcl_line[a])} to "
                f"{fmt(ucl_line[a])} ({note}); "
            )
        sentence = limits + _outside_text(mask, a) + ". " + runs.sentence
        phases.append(
            ControlPhase(
                label=label,
                start=a,
                stop=b,
                n_obs=runs.n_obs,
                n_baseline=n_base,
                centre=centre,
                lcl=float(lcl_line[a]),
                ucl=float(ucl_line[a]),
                n_outside=int(mask.sum()),
                runs=runs,
                signal=bool(mask.any() or runs.signal),
                mr_bar=amr,
                sigma=sigma,
                sigma_z=None,
                sentence=sentence,
            )
        )
    last = phases[-1]
    _, _, last_amr, last_sigma = stats_per_phase[-1]
    return IChartResult(
        values=frozen_array(y),
        centre=last.centre,
        mr_bar=last_amr,
        sigma=last_sigma,
        lcl=last.lcl,
        ucl=last.ucl,
        signals=frozen_array(signals, dtype=bool),
        runs_signal=frozen_array(runs_signal, dtype=bool),
        centre_line=frozen_array(centre_line),
        lcl_line=frozen_array(lcl_line),
        ucl_line=frozen_array(ucl_line),
        moving_ranges=frozen_array(mr_all),
        phase=split.ids,
        phases=tuple(phases),
        runs=analyses[-1],
        freeze=freeze,
        d2=d2,
        signal=last.signal,
        any_signal=any(p.signal for p in phases),
        sentence=phase_sentence(split, [p.sentence for p in phases]),
    )


def mr_chart(values: Any, freeze: int | None = None, *, part: Any = None) -> MRChartResult:
    """Moving-range (MR) chart, the companion of :func:`i_chart`.

    Parameters
    ----------
    values : array_like
        The individual values (not the ranges); NaN marks a missing period.
    freeze : int, optional
        Compute MR̄ from the moving ranges within the first ``freeze`` points.
    part : int, sequence of int, or sequence of labels, optional
        Phases with separate limits (see :mod:`pdcakit.spc.phases`).

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
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    stops = _baseline_stops(split, freeze)
    mr = np.full(y.shape, np.nan)
    centre_line = np.empty(y.shape)
    ucl_line = np.empty(y.shape)
    info = []
    for i, (a, b) in enumerate(split.bounds):
        where = _where(split, i)
        require_points(int(np.count_nonzero(~np.isnan(y[a:b]))), where=where)
        base = y[a : stops[i]]
        n_base = int(np.count_nonzero(~np.isnan(base)))
        require_points(n_base, where=f" (baseline{where})" if freeze is not None else where)
        amr = average_moving_range(moving_ranges(base))
        if math.isnan(amr):
            raise _no_mr(where)
        mr[a:b] = moving_ranges(y[a:b])
        centre_line[a:b] = amr
        ucl_line[a:b] = D4_MOVING_RANGE * amr
        info.append((n_base, amr))
    lcl_line = np.zeros(y.shape)
    with np.errstate(invalid="ignore"):
        signals = mr > ucl_line
    phases = []
    for i, ((a, b), label) in enumerate(zip(split.bounds, split.labels, strict=True)):
        n_base, amr = info[i]
        mask = signals[a:b]
        n_obs = int(np.count_nonzero(~np.isnan(y[a:b])))
        note = _baseline_note(freeze, i, n_base)
        if amr == 0:
            head = (
                f"{_baseline_values(freeze, i)} do not change from one point to the next "
                "(average moving range 0), so the moving-range limit collapses to 0; "
            )
        else:
            head = f"Average moving range {fmt(amr)}, upper limit {fmt(ucl_line[a])} ({note}); "
        n_out = int(mask.sum())
        if n_out == 0:
            tail = "no moving range is above the limit."
        else:
            pts = list_points(np.r_[np.zeros(a, dtype=bool), mask])
            tail = f"{plural(n_out, 'moving range')} above the limit (at points {pts})."
        phases.append(
            ControlPhase(
                label=label,
                start=a,
                stop=b,
                n_obs=n_obs,
                n_baseline=n_base,
                centre=amr,
                lcl=0.0,
                ucl=float(ucl_line[a]),
                n_outside=n_out,
                runs=None,
                signal=bool(n_out),
                mr_bar=amr,
                sigma=amr / D2_MOVING_RANGE,
                sigma_z=None,
                sentence=head + tail,
            )
        )
    last = phases[-1]
    return MRChartResult(
        values=frozen_array(mr),
        centre=last.centre,
        lcl=0.0,
        ucl=last.ucl,
        signals=frozen_array(signals, dtype=bool),
        centre_line=frozen_array(centre_line),
        lcl_line=frozen_array(lcl_line),
        ucl_line=frozen_array(ucl_line),
        phase=split.ids,
        phases=tuple(phases),
        freeze=freeze,
        signal=last.signal,
        any_signal=any(p.signal for p in phases),
        sentence=phase_sentence(split, [p.sentence for p in phases]),
    )


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


def _attribute_chart(
    numerators: Any,
    denominators: Any,
    *,
    kind: str,
    freeze: int | None,
    part: Any,
    laney: bool,
    screen_mr: bool,
) -> AttributeChartResult:
    num, den, y = _attribute_inputs(numerators, denominators, kind)
    present = ~np.isnan(y)
    split = split_phases(y.size, part)
    freeze = check_freeze(freeze, split)
    stops = _baseline_stops(split, freeze)

    centre_line = np.empty(y.shape)
    sd = np.full(y.shape, np.nan)
    info = []
    for i, (a, b) in enumerate(split.bounds):
        where = _where(split, i)
        require_points(int(np.count_nonzero(present[a:b])), where=where)
        ok = present[a : stops[i]]
        n_base = int(np.count_nonzero(ok))
        require_points(n_base, where=f" (baseline{where})" if freeze is not None else where)
        centre = float(num[a : stops[i]][ok].sum() / den[a : stops[i]][ok].sum())
        spread = centre * (1 - centre) if kind == "p" else centre
        with np.errstate(invalid="ignore", divide="ignore"):
            sd_phase = np.sqrt(spread / den[a:b])
        sigma_z = None
        if laney:
            sd_base = sd_phase[: stops[i] - a]
            with np.errstate(invalid="ignore", divide="ignore"):
                z = (y[a : stops[i]] - centre) / sd_base
            if spread == 0:
                sigma_z = math.nan  # every baseline unit alike: z undefined
            else:
                mr_z = average_moving_range(moving_ranges(z), screen=screen_mr)
                if math.isnan(mr_z):
                    raise _no_mr(where)
                sigma_z = mr_z / D2_MOVING_RANGE
                sd_phase = sd_phase * sigma_z
        centre_line[a:b] = centre
        sd[a:b] = sd_phase
        info.append((n_base, centre, spread, sigma_z))

    lcl = np.maximum(centre_line - 3 * sd, 0.0)
    ucl = centre_line + 3 * sd
    if kind == "p":
        ucl = np.minimum(ucl, 1.0)
    lcl[~present] = np.nan
    ucl[~present] = np.nan
    signals = _outside(y, lcl, ucl)
    analyses, _, _, runs_signal = runs_by_phase(y, centre_line, split)

    chart = kind + ("'" if laney else "")
    phases = []
    for i, ((a, b), label) in enumerate(zip(split.bounds, split.labels, strict=True)):
        n_base, centre, spread, sigma_z = info[i]
        runs = analyses[i]
        mask = signals[a:b]
        sentence = _attribute_sentence(
            kind,
            laney,
            centre,
            spread,
            sigma_z,
            lcl[a:b],
            ucl[a:b],
            den[a:b][present[a:b]],
            _baseline_note(freeze, i, n_base),
            mask,
            a,
            runs,
        )
        phases.append(
            ControlPhase(
                label=label,
                start=a,
                stop=b,
                n_obs=runs.n_obs,
                n_baseline=n_base,
                centre=centre,
                lcl=float(np.nanmean(lcl[a:b])),
                ucl=float(np.nanmean(ucl[a:b])),
                n_outside=int(mask.sum()),
                runs=runs,
                signal=bool(mask.any() or runs.signal),
                mr_bar=None,
                sigma=None,
                sigma_z=sigma_z,
                sentence=sentence,
            )
        )
    last = phases[-1]
    cls = PChartResult if kind == "p" else UChartResult
    return cls(
        chart=chart,
        values=frozen_array(y),
        numerators=frozen_array(num),
        denominators=frozen_array(den),
        centre=last.centre,
        lcl=frozen_array(lcl),
        ucl=frozen_array(ucl),
        centre_line=frozen_array(centre_line),
        signals=frozen_array(signals, dtype=bool),
        runs_signal=frozen_array(runs_signal, dtype=bool),
        sigma_z=last.sigma_z,
        phase=split.ids,
        phases=tuple(phases),
        runs=analyses[-1],
        freeze=freeze,
        signal=last.signal,
        any_signal=any(p.signal for p in phases),
        sentence=phase_sentence(split, [p.sentence for p in phases]),
    )


def _attribute_sentence(
    kind: str,
    laney: bool,
    centre: float,
    spread: float,
    sigma_z: float | None,
    lcl: FloatArray,
    ucl: FloatArray,
    dens: FloatArray,
    note: str,
    mask: BoolArray,
    offset: int,
    runs: RunsAnalysis,
) -> str:
    show = fmt_pct if kind == "p" else fmt
    if kind == "p":
        head = f"Overall proportion {show(centre)} ({note})"
    else:
        head = f"Overall rate {show(centre)} per unit of exposure ({note})"
    if spread == 0:
        what = "had the event" if centre > 0 else "was free of the event"
        limits = (
            f"; every unit in those subgroups {what}, so the limits collapse onto the centre line"
        )
    else:
        lo, hi = float(np.nanmean(lcl)), float(np.nanmean(ucl))
        if np.ptp(dens) == 0:
            limits = f"; control limits {show(lo)} to {show(hi)}"
        else:
            limits = (
                f"; control limits vary with the denominator, on average {show(lo)} to {show(hi)}"
            )
        if laney and sigma_z is not None:
            name = "p'" if kind == "p" else "u'"
            limits += (
                f" (Laney {name}: the {'binomial' if kind == 'p' else 'Poisson'} limits are "
                f"scaled by {fmt(sigma_z, 3)} for variation between subgroups)"
            )
    text = head + limits + "; " + _outside_text(mask, offset) + "."
    n_out = int(mask.sum())
    if not laney and n_out >= 3 and n_out > runs.n_obs / 4:
        name = "p'" if kind == "p" else "u'"
        text += (
            f" So many points outside often means the denominators are large enough to "
            f"expose real variation between subgroups (overdispersion): Laney's {name} chart "
            "(laney=True) allows for it."
        )
    return text + " " + runs.sentence


def p_chart(
    numerators: Any,
    denominators: Any,
    *,
    freeze: int | None = None,
    part: Any = None,
    laney: bool = False,
    screen_mr: bool = False,
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
    )
    return cast(UChartResult, result)
