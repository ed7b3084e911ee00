"""Run charts and the Anhøj rules for non-random variation.

The run chart plots the data over time around a centre line (the median by
default) and applies the two Anhøj rules (Anhøj & Olesen 2014; Anhøj 2015),
exactly as qicharts2's ``runs.analysis()`` does:

* **Unusually long run** - a run is a sequence of consecutive points on the
  same side of the centre line. A run longer than
  ``round(log2(n_useful)) + 3`` suggests a shift.
* **Unusually few crossings** - a crossing is two consecutive useful points
  on opposite sides of the centre line. Fewer than
  ``qbinom(0.05, n_useful - 1, 0.5)`` crossings (the lower 5th percentile of
  Binomial(n_useful - 1, 1/2)) suggests the process is shifting.

Points exactly on the centre line are not *useful*: they neither break nor
contribute to a run, and are not crossings. Missing values (NaN) are skipped
in the same way; the per-point arrays of the result keep the original length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import (
    BoolArray,
    FloatArray,
    IntArray,
    PhasedResult,
    ResultMixin,
    as_series,
    frozen_array,
    last_phase,
    period_names,
    plural,
    require_points,
    span_text,
)
from .phases import PhaseSplit, check_freeze, split_phases

__all__ = ["RunChartResult", "RunsAnalysis", "anhoej_limits", "run_chart"]

#: Below this many useful points the Anhøj rules rarely can fire; the
#: sentence says so (Anhøj's critical-value table starts at 10).
FEW_USEFUL = 10


def anhoej_limits(n_useful: int) -> tuple[int, int]:
    """Critical values of the Anhøj rules for ``n_useful`` useful points.

    Parameters
    ----------
    n_useful : int
        Number of useful observations (not on the centre line, not missing).

    Returns
    -------
    (longest_run_max, n_crossings_min) : tuple of int
        ``round(log2(n_useful)) + 3`` and ``qbinom(0.05, n_useful - 1, 0.5)``.
        A longest run *greater* than the first, or a number of crossings
        *less* than the second, is a signal.

    Notes
    -----
    ``n_crossings_min`` is the smallest ``c`` with ``P(X <= c) >= 0.05`` for
    ``X ~ Binomial(n_useful - 1, 0.5)`` (R's ``qbinom`` and scipy's
    ``binom.ppf`` use the same definition); equivalently the largest ``c``
    with ``P(X < c) <= 0.05``, because a dyadic probability never equals
    0.05 exactly. R and Python both round half to even, which never matters
    here because ``log2(n)`` is never an exact half for a whole ``n``.

    Examples
    --------
    >>> from pdcakit.spc import anhoej_limits
    >>> anhoej_limits(24)
    (8, 8)
    """
    if isinstance(n_useful, bool) or int(n_useful) != n_useful or n_useful < 1:
        raise ValueError(f"n_useful must be a whole number >= 1, got {n_useful!r}")
    n = int(n_useful)
    longest_run_max = int(np.rint(np.log2(n))) + 3
    from scipy import stats  # here, not at import: the reviewer pages need spc, not scipy

    n_crossings_min = int(stats.binom.ppf(0.05, n - 1, 0.5))
    return longest_run_max, n_crossings_min


@dataclass(frozen=True, eq=False)
class RunsAnalysis(ResultMixin):
    """Anhøj runs analysis of one phase.

    Attributes
    ----------
    label : str
        Phase name (``'phase 1'`` or the label given in ``part``).
    start, stop : int
        The phase is ``values[start:stop]`` (0-based, ``stop`` exclusive).
    centre : float
        Centre line the runs are counted around.
    n_obs : int
        Non-missing points in the phase.
    n_useful : int
        Points not on the centre line (and not missing).
    longest_run, longest_run_max : int or None
        Length of the longest run and its upper limit (None when no point
        is useful).
    n_crossings, n_crossings_min : int or None
        Number of crossings and its lower limit (None when no point is useful).
    runs_signal : bool
        ``longest_run > longest_run_max``.
    crossings_signal : bool
        ``n_crossings < n_crossings_min``.
    signal : bool
        Either rule fired.
    sentence : str
        The verdict in plain language.
    """

    label: str
    start: int
    stop: int
    centre: float
    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    crossings_signal: bool
    signal: bool
    sentence: str


def _runs_sentence(
    n_useful: int,
    longest: int | None,
    longest_max: int | None,
    crossings: int | None,
    crossings_min: int | None,
    runs_signal: bool,
    crossings_signal: bool,
    longest_span: str = "",
) -> str:
    if n_useful == 0 or None in (longest, longest_max, crossings, crossings_min):
        return (
            "No point lies off the centre line (the values do not vary around it), "
            "so runs and crossings cannot be judged."
        )
    if runs_signal or crossings_signal:
        parts = []
        if runs_signal:
            parts.append(
                f"the longest run, {longest} points on one side of the centre line"
                f"{f' ({longest_span})' if longest_span else ''}, "
                f"is longer than the limit of {longest_max} (a sign of a shift)"
            )
        if crossings_signal:
            parts.append(
                f"the data cross the centre line only {plural(crossings, 'time')}, "
                f"where at least {crossings_min} crossings are expected"
            )
        text = "Signal of non-random variation: " + " and ".join(parts) + "."
    else:
        text = (
            f"No signal of non-random variation: longest run {longest} "
            f"(limit {longest_max}), {plural(crossings, 'crossing')} "
            f"(at least {crossings_min} expected)."
        )
    if n_useful < FEW_USEFUL:
        text += (
            f" With only {plural(n_useful, 'useful point')} the rules have little power "
            f"to detect a shift."
        )
    return text


def _analyse(
    y: FloatArray, centre: float, label: str, start: int, names: Sequence[str] | None = None
) -> tuple[RunsAnalysis, IntArray, BoolArray]:
    """Runs analysis of one phase; also the per-point side and long-run flags.

    With ``names`` (one per point of the whole chart) a signalling longest run
    is placed in the sentence by its first and last period.
    """
    with np.errstate(invalid="ignore"):
        side = np.sign(y - centre)
    side = np.where(np.isnan(side), 0, side).astype(np.int64)
    useful_idx = np.flatnonzero(side != 0)
    s = side[useful_idx]
    n_useful = int(s.size)
    n_obs = int(np.count_nonzero(~np.isnan(y)))
    long_run = np.zeros(y.shape, dtype=bool)
    longest_span = ""
    if n_useful == 0:
        longest = longest_max = crossings = crossings_min = None
        runs_signal = crossings_signal = False
    else:
        change = np.flatnonzero(s[1:] != s[:-1]) + 1  # first index of each new run
        run_id = np.zeros(n_useful, dtype=np.int64)
        run_id[change] = 1
        run_id = np.cumsum(run_id)
        lengths = np.bincount(run_id)
        longest = int(lengths.max())
        crossings = int(change.size)
        longest_max, crossings_min = anhoej_limits(n_useful)
        runs_signal = longest > longest_max
        crossings_signal = crossings < crossings_min
        long_run[useful_idx] = lengths[run_id] > longest_max
        if names is not None and runs_signal:
            in_longest = useful_idx[run_id == int(lengths.argmax())] + start
            longest_span = span_text(int(in_longest[0]), int(in_longest[-1]) + 1, names)
    sentence = _runs_sentence(
        n_useful,
        longest,
        longest_max,
        crossings,
        crossings_min,
        runs_signal,
        crossings_signal,
        longest_span,
    )
    analysis = RunsAnalysis(
        label=label,
        start=start,
        stop=start + int(y.size),
        centre=float(centre),
        n_obs=n_obs,
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=bool(runs_signal),
        crossings_signal=bool(crossings_signal),
        signal=bool(runs_signal or crossings_signal),
        sentence=sentence,
    )
    return analysis, side, long_run


def runs_by_phase(
    y: FloatArray,
    centre_line: FloatArray,
    split: PhaseSplit,
    names: Sequence[str] | None = None,
) -> tuple[tuple[RunsAnalysis, ...], IntArray, BoolArray, BoolArray]:
    """Anhøj analysis of every phase of a chart (used by the control charts too).

    Returns the per-phase analyses, the per-point side of the centre line
    (+1, -1, 0 for on the line or missing), the per-point "in a run longer
    than the limit" flag and the per-point phase runs signal. ``names`` (one
    period name per point) place a signalling longest run in the sentences.
    """
    analyses = []
    side = np.zeros(y.shape, dtype=np.int64)
    long_run = np.zeros(y.shape, dtype=bool)
    runs_signal = np.zeros(y.shape, dtype=bool)
    for (a, b), label in zip(split.bounds, split.labels, strict=True):
        analysis, s, lr = _analyse(y[a:b], float(centre_line[a]), label, a, names)
        analyses.append(analysis)
        side[a:b] = s
        long_run[a:b] = lr
        runs_signal[a:b] = analysis.signal
    return tuple(analyses), side, long_run, runs_signal


def phase_sentence(
    split: PhaseSplit, per_phase: list[str], names: Sequence[str] | None = None
) -> str:
    """Join per-phase sentences, naming the phases when there is more than one:
    ``'Before (points 1-12): ...'``, with ``names`` ``'Before (Jan 2024 to Dec 2024): ...'``."""
    if split.n_phases == 1:
        return per_phase[0]
    return " ".join(
        f"{label.capitalize()} ({span_text(a, b, names)}): {text}"
        for (a, b), label, text in zip(split.bounds, split.labels, per_phase, strict=True)
    )


@dataclass(frozen=True, eq=False)
class RunChartResult(PhasedResult):
    """Result of :func:`run_chart`.

    The scalar values describe the **last phase** (the whole chart when there
    is one phase, the usual case) and are read from ``phases[-1]``; every
    phase is in ``phases``. Per-point
    arrays have the length of the input, with missing values kept as NaN.

    Attributes
    ----------
    values : ndarray of float
        The data, NaN where missing.
    centre : float
        Centre line of the last phase (its median, or the value given).
    n_obs, n_useful : int
        Non-missing points and useful points (off the centre line).
    longest_run, longest_run_max : int or None
        Longest run and its Anhøj limit ``round(log2(n_useful)) + 3``.
    n_crossings, n_crossings_min : int or None
        Crossings and the Anhøj lower limit ``qbinom(0.05, n_useful - 1, 0.5)``.
    runs_signal, crossings_signal, signal : bool
        Which rule fired (``signal`` is either).
    centre_line : ndarray of float
        Centre line per point (differs between phases).
    side : ndarray of int
        +1 above, -1 below the centre line, 0 on it or missing.
    long_run : ndarray of bool
        Point belongs to a run longer than its phase's limit.
    phase : ndarray of int
        Phase number (0, 1, ...) per point.
    phases : tuple of RunsAnalysis
        The analysis of every phase, first to last.
    any_signal : bool
        A rule fired in any phase.
    sentence : str
        The verdict in plain language (every phase named when several).
    """

    values: FloatArray
    centre_line: FloatArray
    side: IntArray
    long_run: BoolArray
    phase: IntArray
    phases: tuple[RunsAnalysis, ...]
    sentence: str

    centre = last_phase("Centre line of the last phase.")
    n_obs = last_phase("Non-missing points of the last phase.")
    n_useful = last_phase("Useful points (off the centre line) of the last phase.")
    longest_run = last_phase("Longest run of the last phase.")
    longest_run_max = last_phase("Anhøj limit of the longest run, last phase.")
    n_crossings = last_phase("Crossings of the centre line, last phase.")
    n_crossings_min = last_phase("Anhøj lower limit of the crossings, last phase.")
    runs_signal = last_phase("The last phase has an unusually long run.")
    crossings_signal = last_phase("The last phase has unusually few crossings.")


def run_chart(
    values: Any,
    centre: float | None = None,
    *,
    part: Any = None,
    freeze: int | None = None,
    labels: Any = None,
) -> RunChartResult:
    """Run chart with the Anhøj rules for non-random variation.

    Parameters
    ----------
    values : array_like
        The measure over time, one value per period, oldest first. NaN (or
        ``None`` / ``pd.NA``) marks a missing period: it is skipped by the
        rules but keeps its place in the per-point arrays.
    centre : float, optional
        Centre line to test against, e.g. a target or the median of an
        earlier period. Default: the median of each phase (of its first
        ``freeze`` points when ``freeze`` is given).
    part : int, sequence of int, or sequence of labels, optional
        Split the chart into phases, each with its own median and analysis:
        0-based positions where a new phase starts (``part=[12]``: points 1-12
        and 13-end), or one label per point. See :mod:`pdcakit.spc.phases`.
    freeze : int, optional
        Use the median of the first ``freeze`` points as the centre line and
        test all points of the (first) phase against it - e.g. a baseline
        period before a change (qicharts2's ``freeze``). Later phases use
        their own medians.
    labels : sequence, optional
        One period label per point (dates or strings): the sentence then
        names phases and a signalling long run by their periods, e.g.
        ``'(Mar 2024 to Nov 2024)'``. See :func:`pdcakit.spc.period_names`.

    Returns
    -------
    RunChartResult
        Scalar fields for the last phase, ``phases`` for all of them, and
        per-point arrays for plotting.

    Raises
    ------
    ValueError
        Fewer than 2 non-missing values in a phase (``'not enough data: n=1,
        need >= 2'``), non-numeric or infinite values, a bad ``part``, a
        ``freeze`` outside 2 .. length of the first phase, or both ``centre``
        and ``freeze`` given.

    See Also
    --------
    i_chart, p_chart, u_chart : control charts, which run the same analysis
        around their mean.

    Notes
    -----
    The rules and critical values follow Anhøj & Olesen (2014) and qicharts2
    (``runs.analysis``): a signal if the longest run exceeds
    ``round(log2(n)) + 3`` or the crossings fall below
    ``qbinom(0.05, n - 1, 0.5)``, where ``n`` is the number of useful points.
    Together they have a false-signal rate of about 5% whatever the number
    of points. The rules make no assumption about the distribution of the
    data; they need the points to be independent.

    References
    ----------
    .. [1] Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study
       of run chart rules for detection of non-random variation in health
       care processes. PLoS ONE 9(11): e113825.
    .. [2] Anhøj J (2015). Diagnostic value of run chart analysis. PLoS ONE
       10(3): e0121349.
    .. [3] Anhøj J. qicharts2: Quality Improvement Charts (R package),
       vignette, Appendix 2.

    Examples
    --------
    >>> from pdcakit import spc
    >>> r = spc.run_chart([3, 5, 4, 6, 2, 7, 5, 4, 6, 3, 8, 5])
    >>> r.centre, r.n_useful, r.longest_run, r.n_crossings
    (5.0, 9, 2, 7)
    >>> r.signal
    False
    >>> r.sentence  # doctest: +NORMALIZE_WHITESPACE
    'No signal of non-random variation: longest run 2 (limit 6), 7 crossings
    (at least 2 expected). With only 9 useful points the rules have little
    power to detect a shift.'
    """
    y = as_series(values)
    names = period_names(labels, y.size)
    split = split_phases(y.size, part)
    if centre is not None and freeze is not None:
        raise ValueError("give either centre or freeze, not both")
    if centre is not None:
        centre = float(centre)
        if not math.isfinite(centre):
            raise ValueError(f"centre must be a finite number, got {centre!r}")
    baseline_stop = check_freeze(freeze, split)

    centre_line = np.empty(y.shape)
    for i, ((a, b), label) in enumerate(zip(split.bounds, split.labels, strict=True)):
        where = f" (in {label})" if split.n_phases > 1 else ""
        n_obs = int(np.count_nonzero(~np.isnan(y[a:b])))
        require_points(n_obs, where=where)
        if centre is not None:
            cl = centre
        else:
            stop = baseline_stop if (i == 0 and baseline_stop is not None) else b
            base = y[a:stop]
            require_points(int(np.count_nonzero(~np.isnan(base))), where=f" (baseline{where})")
            cl = float(np.nanmedian(base))
        centre_line[a:b] = cl

    analyses, side, long_run, _ = runs_by_phase(y, centre_line, split, names)
    return RunChartResult(
        values=frozen_array(y),
        centre_line=frozen_array(centre_line),
        side=frozen_array(side, dtype=np.int64),
        long_run=frozen_array(long_run, dtype=bool),
        phase=split.ids,
        phases=analyses,
        sentence=phase_sentence(split, [a.sentence for a in analyses], names),
    )
