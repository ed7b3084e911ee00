"""Durations whose curves may cross: proportional hazards checked, and estimands that
say which way the distribution moved.

The log-rank test is most powerful when one group's hazard is a constant multiple of
the other's (proportional hazards, PH). When the curves cross (the typical ticket
faster, the slow ones slower), it can miss the change or point either way, and the
difference of medians alone describes one point of the curve. :func:`duration_shape`
gives

- **the PH check**: the Grambsch-Therneau test as R ``cox.zph(coxph(Surv(t, done) ~
  after))`` computes it (survival 3.x, ``transform = "km"``, Efron ties): the score
  test of adding ``after x g(t)`` to the Cox model at its fit, ``g`` = 1 - the pooled
  Kaplan-Meier curve just before ``t``, centred over the events. **Rule**: PH fails
  when its p-value is below ``ph_alpha`` (0.05), or when the Kaplan-Meier curves cross
  (the median and the 90th-percentile differences have CIs that exclude 0 in opposite
  directions);
- **the restricted mean duration (RMST) difference** up to a horizon (default the
  shorter of the two groups' last follow-up time, survRM2's default), with the
  variance ``sum A_j^2 d_j / (n_j (n_j - d_j))`` of R ``print(survfit(...),
  rmean = tau)`` (``A_j`` the area under the curve from ``t_j`` to the horizon) and a
  normal CI: a directional estimand valid whatever the shape;
- **median and 90th-percentile differences** with seeded percentile-bootstrap CIs
  (Kaplan-Meier quantiles as survfit computes them, open tickets censored). Above
  ``LARGE_SAMPLE`` (100,000) items in a group, where 2,000 resamples of every ticket
  cost seconds and the sampling distribution is close to normal, the CIs are the
  large-sample ones the log-rank median CI uses: each quantile's Brookmeyer-Crowley
  interval (statsmodels ``SurvfuncRight.quantile_ci``, ``cloglog``, i.e. R's
  ``conf.type = "log-log"``) gives its standard error, combined for the difference
  as Price & Bonett (2002) do (``quantile_ci_method`` says which).

The ``sentence`` says the distribution changed shape when PH fails, and mentions the
tail ("the slow tickets ...") only when the 90th percentile moved significantly in the
RMST's direction while the median's CI contains 0.

>>> after = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]        # R survival::aml
>>> after_done = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
>>> before = [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
>>> before_done = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]
>>> r = duration_shape(before, before_done, after, after_done, unit="weeks",
...                    n_resamples=200)
>>> round(r.ph_statistic, 6), round(r.rmst_difference, 4)   # R: cox.zph 0.007875; rmean
(0.007875, 8.0303)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats as sps

from ..fileio import plain
from ..results import format_value
from ..words import N_
from ._resample import bootstrap_km_quantiles, seed_for
from .bootstrap import DEFAULT_SEED, LARGE_SAMPLE
from .result import format_p
from .survival import (
    _ci_method,
    _clean,
    _large_sample_ci,
    _sentence_scale,
    _signed_in,
    _sorted_rows,
    _weighted_medians,
)

__all__ = ["DurationShape", "RmstDifference", "duration_shape", "proportional_hazards_test",
           "rmst", "rmst_difference", "rmst_of_km_table"]


# ----------------------------------------------------------------------------- RMST
def _km_table(t: np.ndarray, done: np.ndarray):
    """Distinct times, at-risk counts, events and the KM survival just after each."""
    rows = _sorted_rows(t, done)  # kept: the same tickets are sorted for other figures
    return _km_table_sorted(rows[:, 0], rows[:, 1])


def _km_table_sorted(t: np.ndarray, done: np.ndarray):
    """:func:`_km_table` of durations ``t`` already sorted, with their 0/1 ``done``."""
    first = np.flatnonzero(np.r_[True, np.diff(t) > 0])
    times = t[first]
    at_risk = (t.size - first).astype(float)
    events = np.add.reduceat(done, first)  # 0/1 per item: the same sum in any order
    survival = np.cumprod(1 - events / at_risk)
    return times, at_risk, events, survival


def rmst(minutes: Sequence[float], observed: Sequence[bool], horizon: float) -> tuple[float, float]:
    """Restricted mean duration up to ``horizon`` and its standard error (R survfit's).

    The area under the Kaplan-Meier curve from 0 to ``horizon``; variance
    ``sum over event times t_j < horizon of A_j^2 d_j / (n_j (n_j - d_j))``.

    >>> [round(v, 4) for v in rmst([1, 2, 3, 4], [True] * 4, 4)]   # R: 2.5, se 0.5590
    [2.5, 0.559]
    """
    t, o = _clean(minutes, observed, "given")
    return rmst_of_km_table(_km_table(t, o), horizon)


def rmst_of_km_table(table: tuple[np.ndarray, ...], horizon: float) -> tuple[float, float]:
    """:func:`rmst` from a Kaplan-Meier table (times, at risk, events, survival: from the
    rows, :func:`_km_table`, or from an engine's counts, ``aggregate.fromagg``).

    >>> import numpy as np
    >>> rmst_of_km_table((np.array([1.0, 2.0]), np.array([2, 1]), np.array([1, 1]),
    ...                   np.array([0.5, 0.0])), 3.0)[0]
    1.5
    """
    times, at_risk, events, survival = table
    inside = times < horizon
    edges = np.concatenate([[0.0], times[inside], [horizon]])
    heights = np.concatenate([[1.0], survival[inside]])
    pieces = np.diff(edges) * heights
    area = float(pieces.sum())
    # A_j: area from t_j to the horizon, for the event times inside.
    tail_areas = np.cumsum(pieces[::-1])[::-1][1:]
    use = inside & (events > 0) & (at_risk > events)
    d, n = events[inside], at_risk[inside]
    keep = use[inside]
    variance = float(np.sum(tail_areas[keep] ** 2 * d[keep] / (n[keep] * (n[keep] - d[keep]))))
    return area, math.sqrt(variance)


@dataclass(frozen=True)
class RmstDifference:
    """Restricted mean duration after - before up to ``horizon``, normal CI."""

    horizon: float
    before: float
    after: float
    difference: float
    ci: tuple[float, float]
    pvalue: float
    confidence: float


def rmst_difference(before_minutes: Sequence[float], before_observed: Sequence[bool],
                    after_minutes: Sequence[float], after_observed: Sequence[bool], *,
                    horizon: float | None = None, confidence: float = 0.95) -> RmstDifference:
    """RMST(after) - RMST(before) up to ``horizon`` (default: the shorter last follow-up).

    >>> r = rmst_difference([1, 2, 3, 4], [True] * 4, [2, 3, 4, 5], [True] * 4)
    >>> r.horizon, r.difference
    (4.0, 0.75)
    """
    tb, ob = _clean(before_minutes, before_observed, "before")
    ta, oa = _clean(after_minutes, after_observed, "after")
    tau = float(horizon) if horizon is not None else float(min(tb.max(), ta.max()))
    if not tau > 0:
        raise ValueError(f"the RMST horizon must be positive; got {tau}")
    (rb, sb), (ra, sa) = rmst(tb, ob, tau), rmst(ta, oa, tau)
    diff = ra - rb
    se = math.hypot(sa, sb)
    z = float(sps.norm.isf((1 - confidence) / 2))
    p = float(2 * sps.norm.sf(abs(diff) / se)) if se > 0 else (0.0 if diff else 1.0)
    return RmstDifference(horizon=tau, before=rb, after=ra, difference=diff,
                          ci=(diff - z * se, diff + z * se), pvalue=p, confidence=confidence)


# ----------------------------------------------------------------------------- PH test
@dataclass(frozen=True)
class _RiskSets:
    """Pooled durations sorted once for the Newton steps: distinct times, each item's
    time index, its event flag and group (0 before, 1 after), and what the steps need
    that does not depend on the coefficient (deaths per time, one row per death)."""

    times: np.ndarray
    index: np.ndarray
    done: np.ndarray
    x: np.ndarray
    deaths: np.ndarray
    x_deaths: np.ndarray
    has: np.ndarray
    j: np.ndarray
    frac: np.ndarray

    @classmethod
    def merged(cls, rows_b: np.ndarray, rows_a: np.ndarray) -> _RiskSets:
        """From each group's (duration, observed) rows sorted by duration: a stable sort
        of the two sorted runs is one merge (before's items first within a tie, as a
        stable sort of before + after gives)."""
        t = np.concatenate([rows_b[:, 0], rows_a[:, 0]])
        order = np.argsort(t, kind="stable")
        t = t[order]
        done = np.concatenate([rows_b[:, 1], rows_a[:, 1]])[order].astype(bool)
        x = np.r_[np.zeros(len(rows_b)), np.ones(len(rows_a))][order]
        first = np.r_[True, np.diff(t) > 0]
        times, index = t[first], np.cumsum(first) - 1
        deaths = np.bincount(index, done.astype(float))
        x_deaths = np.bincount(index, x * done)
        has = deaths > 0
        per_time = deaths[has].astype(int)
        j = np.repeat(np.flatnonzero(has), per_time)                  # one row per death
        k = np.arange(j.size) - np.repeat(np.cumsum(per_time) - per_time, per_time)  # 0, 1..
        return cls(times, index, done, x, deaths, x_deaths, has, j, k / deaths[j])

    def km_table(self):
        """The pooled Kaplan-Meier table (:func:`_km_table`) from the merged order."""
        return _km_table_sorted(self.times[self.index], self.done.astype(float))


def _efron_terms(sets: _RiskSets, beta: float):
    """Per distinct event time: Schoenfeld sum a_j and information v_j (Efron ties)."""
    times, index, done, x, j, frac = (sets.times, sets.index, sets.done, sets.x, sets.j,
                                      sets.frac)
    risk = np.exp(beta * x)
    s0 = np.cumsum(np.bincount(index, risk)[::-1])[::-1]        # sum of exp(eta) at risk
    s1 = np.cumsum(np.bincount(index, risk * x)[::-1])[::-1]
    d0 = np.bincount(index, risk * done)                          # over the deaths
    d1 = np.bincount(index, risk * x * done)
    mean = (s1[j] - frac * d1[j]) / (s0[j] - frac * d0[j])
    a = sets.x_deaths - np.bincount(j, mean, minlength=times.size)
    v = np.bincount(j, mean * (1 - mean), minlength=times.size)   # x is 0/1
    return times, sets.has, a, v


def proportional_hazards_test(before_minutes: Sequence[float], before_observed: Sequence[bool],
                              after_minutes: Sequence[float],
                              after_observed: Sequence[bool]) -> tuple[float, float, float]:
    """Grambsch-Therneau test of proportional hazards (R ``cox.zph``, km transform).

    Returns (chi-square on 1 df, p-value, Cox log hazard ratio after vs before).

    >>> chi2, p, beta = proportional_hazards_test([1, 3, 5, 7, 9], [True] * 5,
    ...                                           [2, 4, 6, 8, 10], [True] * 5)
    >>> 0 <= p <= 1
    True
    """
    tb, ob = _clean(before_minutes, before_observed, "before")
    ta, oa = _clean(after_minutes, after_observed, "after")
    sets = _RiskSets.merged(_sorted_rows(tb, ob), _sorted_rows(ta, oa))
    beta = 0.0
    for _ in range(50):  # Newton-Raphson on the Efron partial likelihood
        _, _, a, v = _efron_terms(sets, beta)
        step = a.sum() / v.sum()
        beta += step
        if abs(step) < 1e-10:
            break
    _, has, a, v = _efron_terms(sets, beta)
    # g(t): 1 - pooled KM just before t, centred over the events (cox.zph)
    _, _, events, survival = sets.km_table()
    before_t = np.r_[1.0, survival[:-1]]
    g = 1 - before_t
    g = g - np.sum(g[has] * events[has]) / events[has].sum()
    u = float(np.sum(g * a))
    i_bb, i_bt, i_tt = float(v.sum()), float(np.sum(g * v)), float(np.sum(g**2 * v))
    info = i_tt - i_bt**2 / i_bb
    chi2 = u**2 / info if info > 0 else 0.0
    return chi2, float(sps.chi2.sf(chi2, 1)), beta


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class DurationShape:
    """How a duration distribution changed: PH check, RMST, median and tail differences.

    Every figure is in ``unit`` (minutes for tickets); ``scale`` ("minutes", "hours",
    "days") is the one unit the sentence reads them in (None: ``unit`` as it is);
    ``quantile_ci_method`` how the median and 90th-percentile CIs were computed.
    """

    ph_statistic: float
    ph_pvalue: float
    ph_alpha: float
    log_hazard_ratio: float
    curves_cross: bool
    horizon: float
    rmst_before: float
    rmst_after: float
    rmst_difference: float
    rmst_ci: tuple[float, float]
    rmst_pvalue: float
    median_before: float
    median_after: float
    median_difference: float
    median_ci: tuple[float, float]
    p90_before: float
    p90_after: float
    p90_difference: float
    p90_ci: tuple[float, float]
    unit: str
    confidence: float
    scale: str | None = None
    quantile_ci_method: str = "percentile bootstrap"

    @property
    def proportional_hazards(self) -> bool:
        return bool(self.ph_pvalue >= self.ph_alpha and not self.curves_cross)

    @property
    def tail_moved_alone(self) -> bool:
        """The 90th percentile moved (CI excludes 0) in the RMST's direction, the median
        did not (CI contains 0)."""
        direction = math.copysign(1.0, self.rmst_difference)
        p90_moved = _excludes_zero(self.p90_ci) and math.copysign(
            1.0, self.p90_difference) == direction
        return bool(p90_moved and not _excludes_zero(self.median_ci))

    @property
    def sentence(self) -> str:
        """What changed, every duration in ``scale`` (``unit`` when None), e.g. "the median
        changed by -1.1 hours (95% CI -1.4 to -0.8 hours)"."""
        shown = self.scale or self.unit
        u = f" {shown}" if shown else ""
        level = f"{self.confidence:.0%} CI"

        def change(value: float, ci: tuple[float, float]) -> str:
            low, high = (_signed_in(v, self.scale) for v in ci)
            return N_("{value} ({level} {low} to {high})").format(
                value=f"{_signed_in(value, self.scale)}{u}", level=level, low=low,
                high=f"{high}{u}")

        # the horizon is a quantity of its own (a cap on time, often days): its own unit
        horizon = (format_value(self.horizon, "minutes") if self.scale
                   else f"{self.horizon:,.4g}{u}")
        rmst = N_("the mean time up to {horizon} changed by {change}").format(
            horizon=horizon, change=change(self.rmst_difference, self.rmst_ci))
        if self.proportional_hazards:
            text = N_("The curves are consistent with proportional hazards (Grambsch-Therneau "
                      "{p}): the median changed by {median}; {rmst}.").format(
                p=format_p(self.ph_pvalue),
                median=change(self.median_difference, self.median_ci), rmst=rmst)
        else:
            why = (N_("the curves cross") if self.curves_cross else
                   N_("proportional hazards fails, Grambsch-Therneau {p}").format(
                       p=format_p(self.ph_pvalue)))
            text = N_("The distribution changed shape ({why}): the median changed by "
                      "{median}, the 90th percentile by {p90}; {rmst}.").format(
                why=why, median=change(self.median_difference, self.median_ci),
                p90=change(self.p90_difference, self.p90_ci), rmst=rmst)
        if self.tail_moved_alone:
            text += " " + (N_("The median hardly moved, but the slow tickets got faster.")
                           if self.p90_difference < 0 else
                           N_("The median hardly moved, but the slow tickets got slower."))
        return text

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out.update(proportional_hazards=self.proportional_hazards,
                   tail_moved_alone=self.tail_moved_alone, sentence=self.sentence)
        return {k: plain(v) for k, v in out.items()}


def _excludes_zero(ci: tuple[float, float]) -> bool:
    return bool(math.isfinite(ci[0]) and math.isfinite(ci[1]) and (ci[0] > 0 or ci[1] < 0))


def _quantile_ci(rows_b: np.ndarray, rows_a: np.ndarray, level: float, confidence: float,
                 n_resamples: int, seed: int) -> tuple[float, float]:
    """CI of quantile(after) - quantile(before): the seeded percentile bootstrap, or
    above :data:`LARGE_SAMPLE` items in a group the large-sample interval."""
    if max(len(rows_b), len(rows_a)) > LARGE_SAMPLE:
        return _large_sample_ci(rows_b, rows_a, confidence, log=False, level=level)
    return _bootstrap_quantile_ci(rows_b, rows_a, level, confidence, n_resamples, seed)


def _bootstrap_quantile_ci(rows_b: np.ndarray, rows_a: np.ndarray, level: float,
                           confidence: float, n_resamples: int,
                           seed: int) -> tuple[float, float]:
    """Seeded percentile-bootstrap CI of quantile(after) - quantile(before)."""
    boots = [bootstrap_km_quantiles(rows[:, 0], rows[:, 1].astype(bool),
                                    n_resamples=n_resamples, seed=seed_for(seed, stream),
                                    level=level)
             for stream, rows in enumerate((rows_b, rows_a))]
    diff = boots[1] - boots[0]
    tail = (1 - confidence) / 2
    if np.isnan(diff).mean() > tail:
        return (math.nan, math.nan)
    low, high = np.quantile(np.where(np.isnan(diff), np.inf, diff), [tail, 1 - tail])
    return (float(low), float(high))


def duration_shape(before_minutes: Sequence[float], before_observed: Sequence[bool],
                   after_minutes: Sequence[float], after_observed: Sequence[bool], *,
                   horizon: float | None = None, confidence: float = 0.95,
                   ph_alpha: float = 0.05, unit: str = "minutes", n_resamples: int = 2000,
                   seed: int = DEFAULT_SEED, scale: str | None = None) -> DurationShape:
    """PH check, RMST difference and median / 90th-percentile differences with CIs.

    ``scale`` ("minutes", "hours", "days"; durations in minutes only) is the unit the
    sentence states every duration in; None: the unit
    :func:`pdcakit.results.duration_unit` picks for the median before. The numbers
    stored stay in ``unit``.

    >>> before = [60, 95, 110, 130, 150, 180, 240, 300, 420, 600] * 6
    >>> after = [40, 70, 85, 100, 120, 140, 190, 240, 330, 480] * 6
    >>> r = duration_shape(before, [True] * 60, after, [True] * 60, n_resamples=200)
    >>> r.scale, r.median_difference                    # stored in minutes
    ('hours', -35.0)
    >>> r.sentence.split(": ")[1].split(";")[0]         # read in hours
    'the median changed by -0.6 hours (95% CI -1.7 to +0.4 hours)'
    """
    tb, ob = _clean(before_minutes, before_observed, "before")
    ta, oa = _clean(after_minutes, after_observed, "after")
    chi2, p, beta = proportional_hazards_test(tb, ob, ta, oa)
    r = rmst_difference(tb, ob, ta, oa, horizon=horizon, confidence=confidence)
    rows_b, rows_a = _sorted_rows(tb, ob), _sorted_rows(ta, oa)

    def quantile(rows: np.ndarray, level: float) -> float:
        return float(_weighted_medians(rows, np.ones((1, len(rows))), level)[0])

    m_b, m_a = quantile(rows_b, 0.5), quantile(rows_a, 0.5)
    q_b, q_a = quantile(rows_b, 0.1), quantile(rows_a, 0.1)
    median_ci = _quantile_ci(rows_b, rows_a, 0.5, confidence, n_resamples, seed)
    p90_ci = _quantile_ci(rows_b, rows_a, 0.1, confidence, n_resamples, seed)
    cross = (_excludes_zero(median_ci) and _excludes_zero(p90_ci)
             and (median_ci[0] > 0) != (p90_ci[0] > 0))
    return DurationShape(
        ph_statistic=chi2, ph_pvalue=p, ph_alpha=ph_alpha, log_hazard_ratio=beta,
        curves_cross=bool(cross), horizon=r.horizon, rmst_before=r.before,
        rmst_after=r.after, rmst_difference=r.difference, rmst_ci=r.ci,
        rmst_pvalue=r.pvalue, median_before=m_b, median_after=m_a,
        median_difference=m_a - m_b, median_ci=median_ci, p90_before=q_b, p90_after=q_a,
        p90_difference=q_a - q_b, p90_ci=p90_ci, unit=unit, confidence=confidence,
        scale=_sentence_scale(scale, unit, m_b), quantile_ci_method=_ci_method(rows_b, rows_a))
