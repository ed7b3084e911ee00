"""Period-aware before/after comparisons: do the periods vary more than chance, and if so
test the periods, not the tickets.

Service weeks differ more than ticket-level chance allows (staffing, backlog,
campaigns). A ticket-level test then treats thousands of tickets as independent
and calls chance week-to-week swings "significant" (a third to a half of the time
with no true change, in :mod:`benchmarks.null_simulation`). Each KPI kind gets

(a) a **dispersion check**: do the periods within each side vary more than their
    tickets' own variation allows?

    - proportion: Pearson chi-square of the per-period counts around each side's
      pooled share, ``X2 / (k - 2)`` the quasi-binomial dispersion (R
      ``summary(glm(cbind(x, n - x) ~ side, quasibinomial))$dispersion``);
    - rate: the same for per-period event counts over exposures (quasi-Poisson);
    - mean: one-way ANOVA of the periods within each side (R ``anova(lm(y ~ side +
      period))``, the period line), with the intraclass correlation (ICC) from its
      mean squares;
    - duration: the log-rank test of the periods within each side (k-sample, R
      ``survdiff(Surv(t, done) ~ period)`` on each side, chi-squares and df summed).

    The periods **vary more than chance** when this test's p-value is below
    :data:`DISPERSION_P` (0.05; rates :data:`RATE_DISPERSION_P`, 0.10). The threshold
    trades two errors: a pre-test that fires without need costs power (with no week
    effects, switching in a fifth of the runs at 0.20 cost 5-8 points of power in
    ``benchmarks/null_simulation.py``; at 0.05 about 2-3, at 0.10 about 4-5), one that
    misses modest week-to-week variation lets the ticket-level test's false alarms
    through (for complaint counts at 0.05 it missed the weekly variation in 8% of the
    runs and the chooser's false-positive rate was 7%, hence 0.10 for rates; the
    benchmark's "grey zone" line shows it);

(b) a **period-level test of the same estimand** as the ticket-level one, the ticket-
    weighted difference after - before, with the periods as the units:

    - proportion: quasi-binomial (statsmodels GLM Binomial, ``scale="X2"``), the
      difference of pooled shares with its delta-method CI, ``var = phi (p_b q_b / N_b
      + p_a q_a / N_a)``, t on ``k - 2`` df (``phi`` at least 1);
    - rate: quasi-Poisson the same way, ``var = phi (r_b / T_b + r_a / T_a)``;
    - mean: the difference of ticket-weighted period means with the cluster-robust
      (by period) CR2 variance of Bell & McCaffrey (2002) and Welch-Satterthwaite df.
      Chosen over statsmodels' ``cov_type="cluster"`` (CR1, biased down with a dozen
      clusters a side): with equal period sizes it *is* Welch's t test on the period
      means (R ``t.test(means_after, means_before)``), and it keeps the ticket-level
      estimand (the difference of ticket means) when period sizes differ;
    - duration: the difference of restricted mean times to resolve (RMST) up to a
      horizon, per period (Kaplan-Meier, open tickets censored), ticket-weighted,
      with the same CR2 variance. RMST rather than the median because a mean of
      period values has a variance estimable from a dozen periods; the pooled
      median difference with a period-clustered bootstrap CI (whole periods
      resampled) is in ``extra`` when ``n_resamples > 0``.

    **Lag-1 autocorrelation.** Neighbouring weeks are alike (a backlog carries over),
    which a test treating periods as independent ignores (about 12% false alarms at
    autocorrelation 0.3 instead of 5%). The lag-1 autocorrelation ``rho`` of the
    period residuals (Pearson scale, time order) is estimated by the method of
    moments: the ``rho`` whose AR(1) correlation matrix ``R`` makes the expected
    residual autocorrelation ``tr(M A M R) / tr(M R)`` equal the observed one (``M``
    the residual projection of the two-means model, ``A`` the lag-1 adjacency),
    which removes the downward bias of the plain estimate with few periods; taken as
    0 when negative, at most 0.9. A small-sample correction then adds
    :data:`RHO_CORRECTION` / sqrt(k) (a quarter of the estimate's standard error): the
    noisy, truncated estimate from 26 weeks under-widens more often than it over-widens
    (without it the period-level false-positive rate was 6-7% for handle time and
    durations in the benchmark; with it 4-5%). The variance is multiplied by ``F = c'Rc / c'c``
    (the contrast ``c`` under AR(1) errors) times ``B = tr(M) / tr(M R)`` (the
    residual variance's bias), and the df divided by ``F B``. With ``rho = 0`` the
    tests are the plain ones above.

Sentences of mean and duration tests in minutes state every duration in one unit
(``scale``: minutes, hours or days; by default the unit
:func:`pdcakit.results.duration_unit` picks for the value before); the numbers stored
stay in minutes.

Periods are given in time order; before's periods precede after's, and the two
series are taken as consecutive (a missing month simply is not there). Each side
needs at least 2 periods; the period-level df is small with few periods, which is
the honest price of week-to-week variation.

>>> r = proportion_periods([60, 72, 55, 70], [100] * 4, [75, 80, 66, 79], [100] * 4)
>>> round(r.estimate, 4), r.n_periods_before, r.dispersion.varies
(0.1075, 4, True)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from scipy import optimize
from scipy import stats as sps

from ..fileio import plain
from ..results import format_value
from ..words import N_
from .result import Comparison, change_sentence, format_p
from .shape import _km_table_sorted, rmst_of_km_table
from .survival import _sentence_scale, _signed_in, _sorted, km_median, km_median_weighted

__all__ = ["DISPERSION_P", "RATE_DISPERSION_P", "Dispersion", "PeriodChoice", "PeriodComparison",
           "choose_period_level", "duration_periods", "lag1_autocorrelation",
           "mean_periods", "mean_periods_from_values", "proportion_periods",
           "proportion_periods_from_values", "rate_periods"]

#: Periods "vary more than chance" when the dispersion test's p-value is below this.
DISPERSION_P = 0.05
#: Rates of rare events (complaints per ticket) use a looser threshold: their Pearson
#: chi-square is dominated by Poisson noise, so at 0.05 it missed the week-to-week
#: variation in 8% of the benchmark's runs and the chooser's false-positive rate was 7%.
RATE_DISPERSION_P = 0.10
_MAX_RHO = 0.9
#: Small-sample correction of the plugged-in autocorrelation: a quarter of its standard
#: error (about ``1 / sqrt(k)`` for ``k`` periods) is added before the widening, because
#: a noisy estimate truncated at 0 under-widens more often than it over-widens.
RHO_CORRECTION = 0.25


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Dispersion:
    """Do the periods within each side vary more than their tickets' chance variation?

    ``ratio`` is the dispersion (chi-square / df, or the ANOVA F): about 1 when the
    periods differ by chance only. ``icc`` (means only) is the share of the ticket
    variance that lies between periods.

    >>> d = Dispersion(kind="proportion", test="Pearson chi-square", statistic=30.0,
    ...                df=10.0, pvalue=0.0009, ratio=3.0, n_periods=12)
    >>> d.varies, d.sentence.split(" (")[0]
    (True, 'The periods vary more than chance would')
    """

    kind: str
    test: str
    statistic: float
    df: float
    pvalue: float
    ratio: float
    n_periods: int
    icc: float | None = None
    threshold: float = DISPERSION_P
    df_denominator: float | None = None

    @property
    def varies(self) -> bool:
        return bool(self.pvalue < self.threshold)

    @property
    def sentence(self) -> str:
        icc = f", ICC {self.icc:.3f}" if self.icc is not None else ""
        figures = N_("dispersion {ratio} over {n} periods{icc}, {test} {p}").format(
            ratio=f"{self.ratio:.2f}", n=self.n_periods, icc=icc, test=self.test,
            p=format_p(self.pvalue))
        if self.varies:
            return N_("The periods vary more than chance would ({figures}), so the periods, "
                      "not the tickets, are the units of the test.").format(figures=figures)
        return N_("The periods vary no more than chance would ({figures}; the threshold is "
                  "p < {threshold}), so the ticket-level test stands.").format(
            figures=figures, threshold=f"{self.threshold:g}")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(varies=self.varies, sentence=self.sentence)
        return {k: plain(v) for k, v in out.items()}


@dataclass(frozen=True)
class PeriodComparison:
    """A period-level before/after test: the fields of :class:`Comparison` plus periods.

    ``method`` is one plain sentence on what was done and why; ``autocorrelation``
    the lag-1 autocorrelation used (0 = periods independent); ``scale`` ("minutes",
    "hours", "days") the unit the sentence states a duration in minutes in (None: the
    figures as they are, in ``unit``).
    """

    test: str
    statistic: float
    pvalue: float
    df: float
    estimate: float
    ci: tuple[float, float]
    n_before: int
    n_after: int
    n_periods_before: int
    n_periods_after: int
    dispersion: Dispersion
    method: str
    estimate_label: str
    unit: str = ""
    confidence: float = 0.95
    autocorrelation: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    scale: str | None = None

    @property
    def alpha(self) -> float:
        return 1 - self.confidence

    @property
    def significant(self) -> bool:
        return bool(self.pvalue < self.alpha)

    @property
    def sentence(self) -> str:
        test = N_("{test} over {before} + {after} periods").format(
            test=self.test, before=self.n_periods_before, after=self.n_periods_after)
        return change_sentence(self.estimate_label, self.estimate, self.ci,
                               self.scale or self.unit, self.confidence, test, self.pvalue,
                               self.alpha, number=lambda v: _signed_in(v, self.scale),
                               then=self.method)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["dispersion"] = self.dispersion.as_dict()
        out["ci"] = list(self.ci)
        out["extra"] = {k: plain(v) for k, v in self.extra.items()}
        out.update(sentence=self.sentence, significant=self.significant)
        return {k: plain(v) for k, v in out.items()}


@dataclass(frozen=True)
class PeriodChoice:
    """Which of the ticket-level and the period-level test carries the verdict, and why."""

    chosen: Comparison | PeriodComparison
    ticket: Comparison | None
    period: PeriodComparison
    period_level: bool

    @property
    def pvalue(self) -> float:
        return float(self.chosen.pvalue)

    @property
    def sentence(self) -> str:
        return self.period.dispersion.sentence


def choose_period_level(ticket: Comparison | None, period: PeriodComparison) -> PeriodChoice:
    """The period-level test when the periods vary more than chance, else the ticket one.

    ``ticket`` may be None (no ticket-level test available): the period test is used.

    >>> d = Dispersion("mean", "ANOVA F", 0.8, 10.0, 0.6, 0.8, 12)
    >>> p = PeriodComparison("t", 1.0, 0.3, 10.0, 1.0, (-1.0, 3.0), 100, 100, 6, 6, d,
    ...                      "", "difference in means")
    >>> choose_period_level(None, p).period_level
    True
    """
    use_period = ticket is None or period.dispersion.varies
    return PeriodChoice(chosen=period if use_period else ticket, ticket=ticket,
                        period=period, period_level=use_period)


# ----------------------------------------------------------------------------- helpers
def _side_arrays(before: Sequence[float], after: Sequence[float],
                 label: str) -> tuple[np.ndarray, np.ndarray]:
    b, a = np.asarray(before, float).reshape(-1), np.asarray(after, float).reshape(-1)
    for side, values in (("before", b), ("after", a)):
        if values.size < 2:
            raise ValueError(f"not enough periods: {values.size} {side} period(s) of {label}, "
                             "need >= 2 on each side for a period-level test")
        if not np.isfinite(values).all():
            raise ValueError(f"the {side} {label} per period must be finite numbers")
    return b, a


def _ar1(n: int, rho: float) -> np.ndarray:
    index = np.arange(n)
    return rho ** np.abs(index[:, None] - index[None, :])


@dataclass(frozen=True)
class _Design:
    """The two-means model on the Pearson scale: ``sqrt(w)`` times the side indicators."""

    after: np.ndarray
    weights: np.ndarray

    def projection_vectors(self) -> list[np.ndarray]:
        root = np.sqrt(self.weights)
        out = []
        for side in (False, True):
            u = np.where(self.after == side, root, 0.0)
            out.append(u / np.linalg.norm(u))
        return out

    def traces(self, rho: float) -> tuple[float, float]:
        """``tr(M R)`` and ``tr(M A M R)`` for AR(1) correlation ``rho``."""
        n = self.after.size
        r = _ar1(n, rho)
        m = np.eye(n) - sum(np.outer(u, u) for u in self.projection_vectors())
        a = (np.eye(n, k=1) + np.eye(n, k=-1)) / 2
        mr = m @ r
        return float(np.trace(mr)), float(np.sum((m @ a) * mr.T))

    def contrast(self) -> np.ndarray:
        w = self.weights
        return np.where(self.after, w / w[self.after].sum(), -w / w[~self.after].sum())


def lag1_autocorrelation(residuals: Sequence[float], after: Sequence[bool],
                         weights: Sequence[float] | None = None) -> float:
    """Bias-corrected lag-1 autocorrelation of period residuals around each side's mean.

    ``residuals`` are Pearson-scale (``(y - mean_side) sqrt(w)``) in time order. The
    method-of-moments estimate solves ``tr(M A M R(rho)) / tr(M R(rho)) = r1`` for
    ``rho`` (see the module docstring); 0 when the plain ``r1`` is at or below what
    independent periods give, at most 0.9.

    >>> round(lag1_autocorrelation([1, -1] * 6, [False] * 6 + [True] * 6), 3)
    0.0
    """
    e = np.asarray(residuals, float)
    flags = np.asarray(after, bool)
    design = _Design(flags, np.ones(e.size) if weights is None else np.asarray(weights, float))
    total = float(e @ e)
    if total == 0 or e.size < 4:
        return 0.0
    observed = float(e[:-1] @ e[1:]) / total

    def expected(rho: float) -> float:
        trace, lagged = design.traces(rho)
        return lagged / trace

    if observed <= expected(0.0):
        return 0.0
    if observed >= expected(_MAX_RHO):
        return _MAX_RHO
    return float(optimize.brentq(lambda rho: expected(rho) - observed, 0.0, _MAX_RHO,
                                 xtol=1e-6))


@dataclass(frozen=True)
class _PeriodFit:
    """The two-means model of the period values, which every period-level test fits."""

    y: np.ndarray  # the period values: shares, rates, means or restricted means
    after: np.ndarray  # True for the after periods
    weights: np.ndarray  # tickets (or exposure) per period
    fitted: np.ndarray  # each side's pooled value, per period
    within: np.ndarray  # each period's own sampling variance


@dataclass(frozen=True)
class _Inflation:
    rho: float
    variance: float  # F B, multiplies the variance and divides the df


def _autocorrelation_inflation(fit: _PeriodFit, total: float,
                               enabled: bool = True) -> _Inflation:
    """Widening for AR(1) period effects, applied to the between-period part only.

    ``fit.within`` is each period's own sampling variance (binomial, Poisson, s^2 / n,
    Kaplan-Meier), independent from period to period; ``total`` the contrast's variance
    estimated from the periods. The excess ``total - sum(c^2 within)`` is the period
    effects' share, the only part neighbouring periods share. The residual
    autocorrelation is diluted by the independent part, so the period effects' own is
    the estimate divided by that share (at most 0.9).
    """
    if not enabled or not total > 0:
        return _Inflation(0.0, 1.0)
    y, after, weights, fitted = fit.y, fit.after, fit.weights, fit.fitted
    design = _Design(after, weights)
    c = design.contrast()
    sampling = float(np.sum(c**2 * fit.within))
    excess = max(total - sampling, 0.0)
    share = excess / total
    if share == 0:
        return _Inflation(0.0, 1.0)
    residuals = (y - fitted) * np.sqrt(weights)
    rho = min(lag1_autocorrelation(residuals, after, weights) / share
              + RHO_CORRECTION / math.sqrt(y.size), _MAX_RHO)
    if rho == 0:
        return _Inflation(0.0, 1.0)
    r = _ar1(y.size, rho)
    trace, _ = design.traces(rho)
    between = float(c @ r @ c / (c @ c)) * (y.size - 2) / trace
    return _Inflation(rho, max((sampling + excess * between) / total, 1.0))


def _t_result(*, test: str, estimate: float, variance: float, df: float, inflation: _Inflation,
              confidence: float) -> tuple[float, float, float, tuple[float, float]]:
    """t statistic, p-value, df and CI after the autocorrelation inflation."""
    if not variance > 0:
        raise ValueError(f"{test}: the periods show no variation at all, so the period-level "
                         "variance is 0 and there is nothing to test")
    se = math.sqrt(variance * inflation.variance)
    df = max(df / inflation.variance, 1.0)
    t = estimate / se
    half = float(sps.t.isf((1 - confidence) / 2, df)) * se
    return t, float(2 * sps.t.sf(abs(t), df)), df, (estimate - half, estimate + half)


def _method_sentence(what: str, why: str, inflation: _Inflation) -> str:
    ar = (" " + N_("Neighbouring periods are correlated (lag-1 autocorrelation {rho}), so the "
                   "variance is widened by a factor of {factor} and the degrees of freedom "
                   "reduced by it.").format(rho=f"{inflation.rho:.2f}",
                                            factor=f"{inflation.variance:.2f}")
          if inflation.rho > 0 else "")
    return f"{what}: {why}.{ar}"


def _period_comparison(fit: _PeriodFit, *, estimate: float, variance: float, df: float,
                       dispersion: Dispersion, counts: tuple[float, float], test: str,
                       short: str, label: str, what: str, why: str, extra: dict[str, Any],
                       confidence: float, autocorrelation: bool, unit: str = "",
                       per: float = 1.0, scale: str | None = None) -> PeriodComparison:
    """What every period-level test does once it has stated its estimate, variance and
    df: the autocorrelation widening, the t test and CI, the result with its method
    sentence (``what: why``). ``counts`` are the tickets (events) before and after;
    ``per`` scales the estimate and CI (rates per 1,000); ``short`` names the test in
    an error."""
    inflation = _autocorrelation_inflation(fit, variance, autocorrelation)
    t, p, df, ci = _t_result(test=short, estimate=estimate, variance=variance, df=df,
                             inflation=inflation, confidence=confidence)
    return PeriodComparison(
        test=test, statistic=t, pvalue=p, df=df, estimate=estimate * per,
        ci=(ci[0] * per, ci[1] * per), n_before=int(counts[0]), n_after=int(counts[1]),
        n_periods_before=int((~fit.after).sum()), n_periods_after=int(fit.after.sum()),
        dispersion=dispersion, estimate_label=label, unit=unit, confidence=confidence,
        autocorrelation=inflation.rho, method=_method_sentence(what, why, inflation),
        extra={**extra, "variance_inflation": inflation.variance}, scale=scale)


def _cr2(y: np.ndarray, w: np.ndarray,
         after: np.ndarray) -> tuple[float, float, float, np.ndarray]:
    """Ticket-weighted difference of side means, its CR2 variance, Satterthwaite df and
    the fitted side means per period."""
    estimate, variances, sizes = 0.0, [], []
    fitted = np.empty_like(y)
    for side, sign in ((False, -1.0), (True, 1.0)):
        m = after == side
        c = w[m] / w[m].sum()
        mean = float(c @ y[m])
        fitted[m] = mean
        estimate += sign * mean
        if (c >= 1).any():
            raise ValueError("one period holds every ticket of its side: a period-level "
                             "variance needs tickets in at least 2 periods a side")
        variances.append(float(np.sum(c**2 * (y[m] - mean) ** 2 / (1 - c))))
        sizes.append(int(m.sum()))
    variance = sum(variances)
    denominator = sum(v**2 / (k - 1) for v, k in zip(variances, sizes, strict=True))
    df = variance**2 / denominator if denominator > 0 else float(sum(sizes) - 2)
    return estimate, variance, df, fitted


# ----------------------------------------------------------------------------- proportions
def _proportion_dispersion(x: np.ndarray, n: np.ndarray, after: np.ndarray,
                           kind: str = "proportion") -> tuple[Dispersion, np.ndarray]:
    fitted = np.empty_like(x)
    for side in (False, True):
        fitted[after == side] = x[after == side].sum() / n[after == side].sum()
    if kind == "proportion":
        variance = fitted * (1 - fitted) / n
        test = N_("Pearson chi-square of the per-period counts (quasi-binomial dispersion)")
    else:
        variance = fitted / n
        test = N_("Pearson chi-square of the per-period counts (quasi-Poisson dispersion)")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(variance > 0, (x / n - fitted) ** 2 / variance, 0.0)
    df = float(x.size - 2)
    chi2 = float(terms.sum())
    return Dispersion(kind=kind, test=test, statistic=chi2, df=df,
                      pvalue=float(sps.chi2.sf(chi2, df)), ratio=chi2 / df,
                      n_periods=int(x.size)), fitted


def proportion_periods(x_before: Sequence[int], n_before: Sequence[int],
                       x_after: Sequence[int], n_after: Sequence[int], *,
                       confidence: float = 0.95, autocorrelation: bool = True) -> PeriodComparison:
    """Quasi-binomial test of the difference of pooled shares from per-period counts.

    ``x`` successes of ``n`` tickets per period, in time order. The dispersion is the
    Pearson chi-square / (k - 2) of statsmodels ``GLM(Binomial, scale="X2")``; the
    estimate is the pooled share after minus before (the ticket-level estimand), its
    variance ``phi (p_b q_b / N_b + p_a q_a / N_a)`` (delta method; ``phi`` at least 1,
    so never narrower than the binomial), then the autocorrelation inflation.

    >>> r = proportion_periods([60, 72, 55, 70], [100] * 4, [75, 80, 66, 79], [100] * 4,
    ...                        autocorrelation=False)
    >>> round(r.dispersion.ratio, 3), round(r.pvalue, 4)   # R glm quasibinomial: 2.512
    (2.512, 0.0805)
    """
    x, n, after = _count_sides(x_before, n_before, x_after, n_after,
                               ("success counts", "ticket counts"),
                               "a success count and a ticket count")
    if (n <= 0).any() or (x < 0).any() or (x > n).any():
        raise ValueError("per-period counts must satisfy 0 <= successes <= tickets and "
                         "tickets > 0; drop periods with no tickets")
    dispersion, fitted = _proportion_dispersion(x, n, after)
    p_b, p_a = fitted[0], fitted[-1]
    if p_b in (0.0, 1.0) and p_a in (0.0, 1.0) and p_a == p_b:
        raise ValueError(f"every ticket on both sides has the same outcome ({p_a:.0%}): "
                         "there is no difference to test")
    return _quasi_comparison(
        N_("binomial"), _PeriodFit(x / n, after, n, fitted, fitted * (1 - fitted) / n), dispersion,
        sampling=p_b * (1 - p_b) / n[~after].sum() + p_a * (1 - p_a) / n[after].sum(),
        counts=(n[~after].sum(), n[after].sum()), noun=N_("shares"),
        label=N_("difference in proportions"),
        extra={"before": float(p_b), "after": float(p_a)},
        because=N_(", so a week-to-week swing counts once per week, not once per ticket"),
        confidence=confidence, autocorrelation=autocorrelation)


def _count_sides(x_before: Sequence[float], n_before: Sequence[float],
                 x_after: Sequence[float], n_after: Sequence[float], names: tuple[str, str],
                 each: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts ``x`` over sizes ``n`` per period, both sides in time order, and the after
    flags; ``names`` the two kinds of figure, ``each`` what each period needs."""
    xb, xa = _side_arrays(x_before, x_after, names[0])
    nb, na = _side_arrays(n_before, n_after, names[1])
    if xb.shape != nb.shape or xa.shape != na.shape:
        raise ValueError(f"each period needs {each}: the before lists have {xb.size} and "
                         f"{nb.size}, after {xa.size} and {na.size}")
    after = np.r_[np.zeros(xb.size, bool), np.ones(xa.size, bool)]
    return np.concatenate([xb, xa]), np.concatenate([nb, na]), after


def _quasi_comparison(family: str, fit: _PeriodFit, dispersion: Dispersion, *,
                      sampling: float, counts: tuple[float, float], noun: str, label: str,
                      extra: dict[str, Any], confidence: float, autocorrelation: bool,
                      per: float = 1.0, because: str = "") -> PeriodComparison:
    """The quasi-likelihood test of pooled shares or rates: the ``family`` ("binomial",
    "Poisson") variance ``sampling`` of the difference times the dispersion ``phi``
    (at least 1), t on the dispersion's df."""
    phi = max(dispersion.ratio, 1.0)
    return _period_comparison(
        fit, estimate=float(fit.fitted[-1] - fit.fitted[0]), variance=phi * sampling,
        df=dispersion.df, dispersion=dispersion, counts=counts,
        test=N_("quasi-{family} t test of the difference in {noun} (periods as units)").format(
            family=family, noun=noun),
        short=N_("quasi-{family} test").format(family=family), label=label,
        what=N_("Quasi-{family} comparison of the per-period counts").format(family=family),
        why=N_("the {family} variance is multiplied by the dispersion {phi} (Pearson "
               "chi-square / df, at least 1){because}").format(family=family,
                                                              phi=f"{phi:.2f}",
                                                              because=because),
        extra={**extra, "phi": phi}, confidence=confidence, autocorrelation=autocorrelation,
        per=per)


def _labels(periods: Sequence[Any]) -> np.ndarray:
    """``periods`` as an array: numbers (e.g. :func:`pdcakit.periods.period_codes`) stay
    numbers; anything else (``pd.Period``, dates, strings) becomes objects."""
    if isinstance(periods, np.ndarray) and periods.dtype.kind in "iuf":
        return periods
    return np.asarray(periods, object)


def _group(values: np.ndarray, periods: Sequence[Any], label: str) -> tuple[np.ndarray, list]:
    """Integer codes of ``periods`` in sorted (time) order, and the sorted labels."""
    import pandas as pd

    numeric = isinstance(periods, np.ndarray) and periods.dtype.kind in "iuf"
    labels = (periods if numeric else pd.Series(list(periods))
              if not hasattr(periods, "dtype") else pd.Series(periods))
    if labels.size != values.size:
        raise ValueError(f"the {label} values ({values.size}) and period labels "
                         f"({labels.size}) differ in length")
    missing = np.isnan(labels) if numeric and labels.dtype.kind == "f" else (
        np.zeros(0, bool) if numeric else labels.isna().to_numpy())
    if missing.any():
        raise ValueError(f"{int(missing.sum())} {label} value(s) have no period label; "
                         "give every ticket its period (e.g. the week it was created)")
    if numeric:  # the same codes and order as pd.factorize(sort=True), without objects
        uniques, codes = np.unique(labels, return_inverse=True)
        return codes.astype(np.intp), uniques.tolist()
    codes, uniques = pd.factorize(labels, sort=True)
    return codes, list(uniques)


def _check_order(before: list, after: list) -> None:
    if before and after and not before[-1] < after[0]:
        raise ValueError(f"the before periods must precede the after periods: before ends "
                         f"at {before[-1]!r}, after starts at {after[0]!r}")


def proportion_periods_from_values(before: Sequence[float], periods_before: Sequence[Any],
                                   after: Sequence[float], periods_after: Sequence[Any], *,
                                   confidence: float = 0.95,
                                   autocorrelation: bool = True) -> PeriodComparison:
    """:func:`proportion_periods` from 0/1 ticket values and their period labels.

    Labels sort in time order (dates, ``pd.Period`` or ISO week strings).

    >>> r = proportion_periods_from_values([1, 0, 1, 1], ["w1", "w1", "w2", "w2"],
    ...                                    [1, 1, 1, 0], ["w3", "w3", "w4", "w4"])
    >>> r.n_periods_before, r.n_before
    (2, 4)
    """
    counts = []
    labels = []
    for label, values, periods in (("before", before, periods_before),
                                   ("after", after, periods_after)):
        v = np.asarray(values, float)
        keep = np.isfinite(v)
        if not np.isin(v[keep], (0.0, 1.0)).all():
            raise ValueError(f"the {label} values must be 0 or 1 for a proportion")
        codes, uniques = _group(v[keep], _labels(periods)[keep], label)
        counts.append((np.bincount(codes, v[keep]).astype(int),
                       np.bincount(codes).astype(int)))
        labels.append(uniques)
    _check_order(*labels)
    (xb, nb), (xa, na) = counts
    return proportion_periods(xb, nb, xa, na, confidence=confidence,
                              autocorrelation=autocorrelation)


# ----------------------------------------------------------------------------- rates
def rate_periods(count_before: Sequence[int], exposure_before: Sequence[float],
                 count_after: Sequence[int], exposure_after: Sequence[float], *,
                 confidence: float = 0.95, autocorrelation: bool = True,
                 per: float = 1.0) -> PeriodComparison:
    """Quasi-Poisson test of the difference of pooled rates from per-period counts.

    Events ``count`` over ``exposure`` (tickets, hours) per period, in time order. As
    R ``glm(count ~ side + offset(log(exposure)), quasipoisson)``: dispersion = Pearson
    chi-square / (k - 2); the estimate is the pooled rate after minus before (times
    ``per``), variance ``phi (r_b / T_b + r_a / T_a)`` (``phi`` at least 1).

    >>> r = rate_periods([3, 5, 2, 6], [100] * 4, [1, 2, 0, 2], [100] * 4, per=100)
    >>> round(r.estimate, 2), r.dispersion.kind
    (-2.75, 'rate')
    """
    x, exposure, after = _count_sides(count_before, exposure_before, count_after,
                                      exposure_after, ("event counts", "exposures"),
                                      "an event count and an exposure")
    if (exposure <= 0).any() or (x < 0).any():
        raise ValueError("per-period event counts must be >= 0 and exposures > 0")
    if x.sum() == 0:
        raise ValueError("no events in any period: there is no rate difference to test")
    dispersion, fitted = _proportion_dispersion(x, exposure, after, kind="rate")
    dispersion = replace(dispersion, threshold=RATE_DISPERSION_P)
    r_b, r_a = fitted[0], fitted[-1]
    # A side with no events has a 0 plug-in variance; the other side's rate stands in
    # for it (the variance under the null of equal rates), so the CI never collapses.
    pooled = x.sum() / exposure.sum()
    sampling = (max(r_b, pooled if r_b == 0 else 0) / exposure[~after].sum()
                + max(r_a, pooled if r_a == 0 else 0) / exposure[after].sum())
    fit = _PeriodFit(x / exposure, after, exposure, fitted,
                     np.maximum(fitted, pooled) / exposure)
    return _quasi_comparison(
        N_("Poisson"), fit, dispersion, sampling=sampling,
        counts=(x[~after].sum(), x[after].sum()), noun=N_("rates"),
        label=(N_("difference in rates per {per}").format(per=f"{per:,g}") if per != 1
               else N_("difference in rates")),
        extra={"rate_before": float(r_b * per), "rate_after": float(r_a * per), "per": per},
        confidence=confidence, autocorrelation=autocorrelation, per=per)


# ----------------------------------------------------------------------------- means
def _anova_dispersion(n: np.ndarray, mean: np.ndarray, sd: np.ndarray, after: np.ndarray,
                      fitted: np.ndarray) -> Dispersion:
    k, total = n.size, n.sum()
    between = float(np.sum(n * (mean - fitted) ** 2))
    within = float(np.sum((n - 1) * sd**2))
    df1, df2 = float(k - 2), float(total - k)
    if df2 <= 0 or within <= 0:
        raise ValueError("the periods need at least 2 tickets with different values "
                         "somewhere, so the within-period variation can be estimated")
    ms_between, ms_within = between / df1, within / df2
    f = ms_between / ms_within
    # Average period size for unequal sizes (Snedecor & Cochran), within each side.
    n0 = float(sum((n[after == s].sum() - (n[after == s] ** 2).sum() / n[after == s].sum())
                   for s in (False, True)) / df1)
    icc = (ms_between - ms_within) / (ms_between + (n0 - 1) * ms_within)
    return Dispersion(kind="mean", test=N_("one-way ANOVA F of the periods within each side"),
                      statistic=f, df=df1, df_denominator=df2,
                      pvalue=float(sps.f.sf(f, df1, df2)), ratio=f, n_periods=int(k),
                      icc=float(max(icc, 0.0)))


def mean_periods(n_before: Sequence[int], mean_before: Sequence[float],
                 sd_before: Sequence[float], n_after: Sequence[int],
                 mean_after: Sequence[float], sd_after: Sequence[float], *,
                 confidence: float = 0.95, autocorrelation: bool = True,
                 unit: str = "", scale: str | None = None) -> PeriodComparison:
    """Difference of ticket means with a cluster-robust (CR2, by period) t test.

    Per period: ticket count, mean and SD (SD of a one-ticket period: 0), in time
    order. Estimate: the ticket-weighted mean after minus before (= the difference of
    ticket means); variance: Bell-McCaffrey CR2 of the period residuals, Welch-
    Satterthwaite df; with equal period sizes this is Welch's t on the period means.
    Durations (``unit="minutes"``): ``scale`` ("minutes", "hours", "days") is the unit
    the sentence reads in, None the one :func:`pdcakit.results.duration_unit` picks for
    the mean before; the figures stored stay in minutes.

    >>> r = mean_periods([50] * 3, [10.0, 12.0, 11.0], [3.0] * 3,
    ...                  [50] * 3, [9.0, 9.5, 8.0], [3.0] * 3, autocorrelation=False)
    >>> round(r.estimate, 3), round(r.pvalue, 4)   # R: t.test(c(9, 9.5, 8), c(10, 12, 11))
    (-2.167, 0.0442)
    """
    nb, na = _side_arrays(n_before, n_after, "ticket counts")
    mb, ma = _side_arrays(mean_before, mean_after, "means")
    sb, sa = _side_arrays(sd_before, sd_after, "SDs")
    if not (nb.shape == mb.shape == sb.shape and na.shape == ma.shape == sa.shape):
        raise ValueError("each period needs a ticket count, a mean and an SD")
    if (np.concatenate([nb, na]) < 1).any():
        raise ValueError("every period needs at least 1 ticket; drop empty periods")
    n, y, sd = np.concatenate([nb, na]), np.concatenate([mb, ma]), np.concatenate([sb, sa])
    after = np.r_[np.zeros(nb.size, bool), np.ones(na.size, bool)]
    estimate, variance, df, fitted = _cr2(y, n, after)
    dispersion = _anova_dispersion(n, y, sd, after, fitted)
    pooled_sd2 = float(np.sum((n - 1) * sd**2) / max(n.sum() - n.size, 1))
    return _period_comparison(
        _PeriodFit(y, after, n, fitted, np.full(n.size, pooled_sd2) / n), estimate=estimate,
        variance=variance, df=df, dispersion=dispersion, counts=(nb.sum(), na.sum()),
        test=N_("cluster-robust (CR2, by period) t test of the difference in means"),
        short=N_("cluster-robust t test"), label=N_("difference in means"),
        what=N_("Ticket-weighted period means compared with a cluster-robust (CR2) variance"),
        why=N_("the standard error comes from how much the periods differ, not from the "
               "tickets as if independent"),
        extra={"mean_before": float(fitted[0]), "mean_after": float(fitted[-1]),
               "icc": dispersion.icc}, confidence=confidence,
        autocorrelation=autocorrelation, unit=unit,
        scale=_sentence_scale(scale, unit, float(fitted[0])))


def _summaries(values: Sequence[float], periods: Sequence[Any], label: str):
    v = np.asarray(values, float)
    keep = np.isfinite(v)
    codes, uniques = _group(v[keep], _labels(periods)[keep], label)
    v = v[keep]
    n = np.bincount(codes).astype(float)
    mean = np.bincount(codes, v) / n
    squares = np.bincount(codes, (v - mean[codes]) ** 2)
    sd = np.sqrt(np.where(n > 1, squares / np.maximum(n - 1, 1), 0.0))
    return n, mean, sd, uniques


def mean_periods_from_values(before: Sequence[float], periods_before: Sequence[Any],
                             after: Sequence[float], periods_after: Sequence[Any], *,
                             confidence: float = 0.95, unit: str = "",
                             autocorrelation: bool = True,
                             scale: str | None = None) -> PeriodComparison:
    """:func:`mean_periods` from ticket values and their period labels (missing dropped).

    >>> r = mean_periods_from_values([10, 12, 11, 13], ["a", "a", "b", "b"],
    ...                              [9, 8, 9, 7], ["c", "c", "d", "d"])
    >>> r.estimate
    -3.25
    """
    nb, mb, sb, lb = _summaries(before, periods_before, "before")
    na, ma, sa, la = _summaries(after, periods_after, "after")
    _check_order(lb, la)
    return mean_periods(nb, mb, sb, na, ma, sa, confidence=confidence, unit=unit,
                        autocorrelation=autocorrelation, scale=scale)


# ----------------------------------------------------------------------------- durations
def _logrank_k(t: np.ndarray, done: np.ndarray, codes: np.ndarray) -> tuple[float, int]:
    """k-sample log-rank chi-square (R ``survdiff``) of ``codes`` and its df."""
    k = int(codes.max()) + 1
    order, rows = _sorted(t, done)  # the side's tickets, sorted once for every figure
    t, done, codes = rows[:, 0], rows[:, 1].astype(bool), codes[order]
    first = np.r_[True, np.diff(t) > 0]
    times, index = t[first], np.cumsum(first) - 1
    cell = index * k + codes  # counts of whole numbers: the same sums in any order
    events = np.bincount(cell, done.astype(float), minlength=times.size * k).reshape(-1, k)
    leaving = np.bincount(cell, minlength=times.size * k).astype(float).reshape(-1, k)
    at_risk = np.cumsum(leaving[::-1], axis=0)[::-1]
    n_all, d_all = at_risk.sum(axis=1), events.sum(axis=1)
    use = (d_all > 0) & (n_all > 1)
    share = at_risk[use] / n_all[use, None]
    o_minus_e = (events[use] - d_all[use, None] * share).sum(axis=0)
    factor = d_all[use] * (n_all[use] - d_all[use]) / (n_all[use] - 1)
    weighted = factor[:, None] * share
    # row by row, the products and sums of the (times, k, k) cube, without the cube
    cross = np.stack([(weighted[:, i, None] * share).sum(axis=0) for i in range(k)])
    v = np.diag(weighted.sum(axis=0)) - cross
    chi2 = float(o_minus_e[:-1] @ np.linalg.pinv(v[:-1, :-1]) @ o_minus_e[:-1])
    return chi2, k - 1


def _sorted_groups(t: np.ndarray, o: np.ndarray, codes: np.ndarray,
                   k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each period's durations sorted, with its 0/1 (float) observed flags, from the
    side's tickets sorted once (kept by content): a stable split of the sorted rows by
    period keeps each period's rows in duration order."""
    order, rows = _sorted(t, o)
    by_period = np.argsort(codes[order], kind="stable")
    sorted_rows = rows[by_period]
    bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=k))]
    return [(sorted_rows[start:end, 0], sorted_rows[start:end, 1])
            for start, end in itertools.pairwise(bounds)]


def duration_periods(minutes_before: Sequence[float], observed_before: Sequence[bool],
                     periods_before: Sequence[Any], minutes_after: Sequence[float],
                     observed_after: Sequence[bool], periods_after: Sequence[Any], *,
                     horizon: float | None = None, confidence: float = 0.95,
                     autocorrelation: bool = True,
                     unit: str = "minutes", n_resamples: int = 0,
                     seed: int = 20260101, scale: str | None = None) -> PeriodComparison:
    """Difference in restricted mean duration up to ``horizon``, periods as units.

    Per period: the Kaplan-Meier RMST (open tickets censored) up to ``horizon``
    (default: the shortest of the periods' longest follow-up, so every period's curve
    is observed up to it; the result names it). Estimate: ticket-weighted mean of the
    period RMSTs after minus before; CR2 variance, Welch-Satterthwaite df,
    autocorrelation inflation. Dispersion: the k-sample log-rank test of the periods
    within each side (R ``survdiff`` per side, chi-squares and df summed).

    ``n_resamples > 0`` adds the pooled Kaplan-Meier median difference with a
    period-clustered percentile bootstrap CI (whole periods resampled within each
    side) to ``extra``. ``scale`` ("minutes", "hours", "days"; durations in minutes only)
    is the unit the words (sentence, horizon) read in; None: the one
    :func:`pdcakit.results.duration_unit` picks for the Kaplan-Meier median before. The
    figures stored stay in minutes.

    >>> t = [5, 8, 12, 20, 6, 9, 15, 30]; done = [True] * 8
    >>> r = duration_periods(t, done, [1] * 4 + [2] * 4, [4, 6, 9, 15, 5, 7, 10, 20],
    ...                      done, [3] * 4 + [4] * 4, horizon=25)
    >>> round(r.estimate, 2), r.extra["horizon"]
    (-3.0, 25.0)
    """
    sides = []
    for label, minutes, observed, periods in (
            ("before", minutes_before, observed_before, periods_before),
            ("after", minutes_after, observed_after, periods_after)):
        t, o = np.asarray(minutes, float), np.asarray(observed, bool)
        if t.shape != o.shape:
            raise ValueError(f"the {label} durations ({t.size}) and observed flags "
                             f"({o.size}) differ in length")
        keep = np.isfinite(t) & (t >= 0)
        codes, uniques = _group(t[keep], _labels(periods)[keep], label)
        if len(uniques) < 2:
            raise ValueError(f"not enough periods: {len(uniques)} {label} period(s), need >= 2 "
                             "on each side for a period-level test")
        sides.append((t[keep], o[keep], codes, uniques))
    _check_order(sides[0][3], sides[1][3])
    groups = [group for t, o, c, u in sides for group in _sorted_groups(t, o, c, len(u))]
    if any(not o.any() for _, o in groups):
        empty = sum(not o.any() for _, o in groups)
        raise ValueError(f"{empty} period(s) have no finished ticket: their curves say "
                         "nothing; merge them with a neighbour or shorten the windows")
    tau = float(horizon) if horizon is not None else min(float(t.max()) for t, _ in groups)
    if not tau > 0:
        raise ValueError(f"the horizon must be positive; got {tau}")
    areas = np.array([rmst_of_km_table(_km_table_sorted(t, o), tau) for t, o in groups])
    y, within = areas[:, 0], areas[:, 1] ** 2
    n = np.array([t.size for t, _ in groups], float)
    after = np.r_[np.zeros(len(sides[0][3]), bool), np.ones(len(sides[1][3]), bool)]
    estimate, variance, df, fitted = _cr2(y, n, after)
    chi2, dof = 0.0, 0
    for t, o, c, _ in sides:
        part, k = _logrank_k(t, o, c)
        chi2, dof = chi2 + part, dof + k
    dispersion = Dispersion(kind="duration",
                            test=N_("log-rank test of the periods within each side"),
                            statistic=chi2, df=float(dof), pvalue=float(sps.chi2.sf(chi2, dof)),
                            ratio=chi2 / dof, n_periods=int(y.size))
    extra: dict[str, Any] = {"horizon": tau, "rmst_before": float(fitted[0]),
                             "rmst_after": float(fitted[-1])}
    if n_resamples > 0:
        extra.update(_clustered_median_ci(sides, confidence, n_resamples, seed))
    scale = _sentence_scale(scale, unit, km_median(sides[0][0], sides[0][1]))
    # the horizon is a quantity of its own (a cap on time, often days): its own unit
    up_to = format_value(tau, unit) if scale else f"{tau:,.4g} {unit}"
    return _period_comparison(
        _PeriodFit(y, after, n, fitted, within), estimate=estimate, variance=variance, df=df,
        dispersion=dispersion, counts=(sides[0][0].size, sides[1][0].size),
        test=N_("cluster-robust (CR2, by period) t test of the difference in restricted mean "
                "duration"),
        short=N_("period-level RMST test"),
        label=N_("difference in restricted mean duration up to {horizon}").format(
            horizon=up_to),
        what=N_("Restricted mean durations up to {horizon} per period (Kaplan-Meier, open "
                "tickets censored), ticket-weighted, with a cluster-robust (CR2) variance"
                ).format(horizon=up_to),
        why=N_("a mean of period values has a standard error estimable from the periods "
               "themselves"), extra=extra, confidence=confidence,
        autocorrelation=autocorrelation, unit=unit, scale=scale)


def _clustered_median_ci(sides, confidence: float, n_resamples: int,
                         seed: int) -> dict[str, float]:
    """Pooled KM median difference with whole periods resampled within each side."""
    rng = np.random.default_rng(seed)
    tail = (1 - confidence) / 2
    medians = []
    for t, o, codes, uniques in sides:
        k = len(uniques)
        draws = rng.integers(0, k, size=(n_resamples, k))
        counts = np.stack([np.bincount(d, minlength=k) for d in draws])
        medians.append((km_median_weighted(t, o, np.ones((1, t.size)))[0],
                        km_median_weighted(t, o, counts[:, codes])))
    (mb, boot_b), (ma, boot_a) = medians
    diff = boot_a - boot_b
    finite = diff[np.isfinite(diff)]
    if finite.size < (1 - tail) * n_resamples:
        low = high = math.nan
    else:
        low, high = np.quantile(np.where(np.isfinite(diff), diff, np.inf), [tail, 1 - tail])
    return {"median_before": float(mb), "median_after": float(ma),
            "median_difference": float(ma - mb), "median_difference_ci_low": float(low),
            "median_difference_ci_high": float(high), "n_resamples": n_resamples}
