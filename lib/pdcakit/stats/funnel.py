"""Funnel plots: is a unit (agent, team, site) outside what chance allows for its size?

Spiegelhalter (2005), "Funnel plots for comparing institutional performance", Stat Med
24:1185-1202, with the conventions of the NHS-R package FunnelPlotR
(``R/od_adjustment.R``, ``R/calculate_limits.R``), which the NHS SHMI and CQC use.

Each unit's indicator ``y_i`` is put on a scale where its standard error ``s_i`` depends
only on its size, and compared with the overall value (the target ``theta0``):

- **proportions** (FCR, complaint share), FunnelPlotR's ``PR``: ``Y = asin(sqrt(p))``,
  ``s = 1 / (2 sqrt(n))``, target ``asin(sqrt(sum x / sum n))``; limits
  ``sin(Y0 +- z sqrt(s^2 + tau^2))^2``, cut to [0, 1];
- **ratios** observed / expected (an indirectly standardised ratio; a rate is one with
  ``expected = overall rate x exposure``), FunnelPlotR's ``SR`` with the SHMI log scale:
  ``Y = log(O / E)``, ``s = 1 / sqrt(E)``, target 0; without overdispersion the limits are
  the exact Poisson ones, ``qchisq(alpha/2, 2E) / 2E`` and ``qchisq(1 - alpha/2, 2(E+1)) / 2E``;
  with it ``exp(+- z sqrt(1/E + tau^2))``;
- **means** (handle time, CSAT): ``s = sigma / sqrt(n)`` with ``sigma`` the pooled
  within-unit standard deviation, target the overall mean; limits
  ``theta0 +- z sqrt(s^2 + tau^2)`` (Spiegelhalter 2005, section 3.3);
- **shares standardised for case mix** (FCR taking out the channel mix): the share as if
  the unit had the overall mix, ``p0 O / E``, with its binomial variance
  ``p0^2 V / E^2`` (``V`` = the sum over the unit's tickets of ``p_s (1 - p_s)``, ``p_s``
  the overall share of the ticket's stratum); drawn against the *effective tickets*
  ``n_eff = (1 - p0) E^2 / (p0 V)``, the tickets a unit with the overall mix would need
  for that variance, so its limits are ``p0 +- z sqrt(p0 (1 - p0) / n_eff + tau^2)``.
  (Poisson limits, as for rare outcomes like mortality, would be too wide for a common
  outcome such as FCR: the variance of a count of a share ``p`` is ``E (1 - p)``, not
  ``E``.)

The z-score of a unit is ``(Y - Y0) / s``. **Overdispersion** (units differ more than
chance): the z-scores are winsorised at their 10% and 90% quantiles (R's default quantile,
type 7), ``phi = mean(z_w^2)``, and the DerSimonian-Laird between-unit variance is
``tau^2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w)`` with ``w = 1 / s^2``, 0 when
``n phi < n - 1``. The limits then carry ``tau^2`` (the additive random-effects model).
Levels 95% (z 1.959964) and 99.8% (z 3.090232).

>>> f = funnel_proportions([80, 70, 75, 40], [100, 100, 100, 100], ["A", "B", "C", "D"],
...                        adjust="never")
>>> round(f.target, 4), [(u.unit, u.outside, u.level) for u in f.outside]
(0.6625, [('D', 'below', 0.998), ('A', 'above', 0.998)])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as sps

__all__ = ["KINDS", "LEVELS", "Dispersion", "Funnel", "FunnelUnit", "dispersion",
           "funnel_estimates", "funnel_means", "funnel_proportions", "funnel_rates",
           "funnel_ratios", "funnel_standardised_proportions"]

#: The funnel's two limits: about 1 in 20 and 1 in 500 units outside by chance alone.
LEVELS = (0.95, 0.998)

#: The kinds of indicator a funnel compares.
KINDS = ("proportion", "standardised proportion", "ratio", "rate", "mean", "estimate")

#: Winsorising of the z-scores before the overdispersion factor (FunnelPlotR, SHMI).
TRIM = 0.1


def _z(level: float) -> float:
    return float(sps.norm.isf((1 - level) / 2))


@dataclass(frozen=True)
class Dispersion:
    """How much more the units differ than chance allows.

    ``phi``: mean squared winsorised z-score (1 = as chance allows); ``tau2``: the
    DerSimonian-Laird between-unit variance on the funnel's scale; ``pvalue``: the chance
    of ``n phi`` this large with no overdispersion (chi-squared on ``n - 1`` df);
    ``n``: units; ``trim``: the share winsorised at each end.

    >>> dispersion([0.0, 3.0, -3.0, 1.0], [0.1, 0.1, 0.1, 0.1], trim=0.0).phi
    4.75
    """

    phi: float
    tau2: float
    pvalue: float
    n: int
    trim: float

    @property
    def overdispersed(self) -> bool:
        """True when the units vary more than chance (``phi > 1``) and the between-unit
        variance is above 0: FunnelPlotR then draws the adjusted limits (it falls back
        to the plain ones when ``phi <= 1``, even with ``tau2 > 0``)."""
        return self.phi > 1 and self.tau2 > 0


def dispersion(z: Sequence[float], s: Sequence[float], *, trim: float = TRIM) -> Dispersion:
    """The overdispersion factor and DerSimonian-Laird ``tau^2`` of z-scores ``z`` with
    standard errors ``s`` (FunnelPlotR's ``winsorisation``, ``phi_func``, ``tau_func``)."""
    z_arr = np.asarray(z, dtype=float)
    s_arr = np.asarray(s, dtype=float)
    if not 0 <= trim < 0.5:
        raise ValueError(f"trim must be in [0, 0.5), got {trim}")
    keep = np.isfinite(z_arr) & np.isfinite(s_arr) & (s_arr > 0)
    z_arr, s_arr = z_arr[keep], s_arr[keep]
    n = int(z_arr.size)
    if n < 2:
        return Dispersion(phi=math.nan, tau2=0.0, pvalue=math.nan, n=n, trim=trim)
    low, high = np.quantile(z_arr, [trim, 1 - trim])  # numpy "linear" = R's type 7
    wz = np.clip(z_arr, low, high)
    phi = float(np.mean(wz ** 2))
    w = 1 / s_arr ** 2
    if n * phi < n - 1:
        tau2 = 0.0
    else:
        tau2 = max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    return Dispersion(phi=phi, tau2=float(tau2), pvalue=float(sps.chi2.sf(n * phi, n - 1)),
                      n=n, trim=trim)


@dataclass(frozen=True)
class FunnelUnit:
    """One unit on the funnel.

    ``size``: tickets (proportions, means) or expected count (ratios, rates); ``value``:
    the plotted indicator; ``observed``/``expected``: counts of a ratio (else the
    unit's numerator and None); ``z``: its z-score without the between-unit variance;
    ``limits``: level -> (low, high) at its size, from the limits the funnel uses;
    ``outside``: ``"above"``, ``"below"`` or ``""``; ``level``: the widest limit it is
    outside of (0.998, 0.95) or None; ``ci``: the unit's own 95% interval on the
    plotted scale (chance only).
    """

    unit: str
    size: float
    value: float
    observed: float
    expected: float | None
    z: float
    limits: dict[float, tuple[float, float]]
    outside: str
    level: float | None
    ci: tuple[float, float]

    def as_dict(self) -> dict:
        return {"unit": self.unit, "size": self.size, "value": self.value,
                "observed": self.observed, "expected": self.expected, "z": self.z,
                "limits": {f"{lv:g}": list(b) for lv, b in self.limits.items()},
                "outside": self.outside, "level": self.level, "ci": list(self.ci)}


@dataclass(frozen=True)
class Funnel:
    """A funnel plot's numbers: the target, each unit, the overdispersion, and the limit
    curves at any size (:meth:`limits_at`, for drawing).

    ``kind``: one of :data:`KINDS`; ``adjusted``: the limits carry ``tau2``;
    ``multiplier``: a ratio's plotted value is ``O / E x multiplier`` (a rate: the overall
    rate, so the funnel reads in the KPI's own unit); ``sigma``: a mean's pooled
    within-unit standard deviation.
    """

    kind: str
    target: float
    units: tuple[FunnelUnit, ...]
    dispersion: Dispersion
    adjusted: bool
    levels: tuple[float, ...] = LEVELS
    multiplier: float = 1.0
    sigma: float | None = None
    method: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def outside(self) -> tuple[FunnelUnit, ...]:
        """The units outside the 95% limits, the farthest (|z|) first."""
        return tuple(sorted((u for u in self.units if u.outside), key=lambda u: -abs(u.z)))

    def limits_at(self, sizes: Sequence[float], level: float, *,
                  adjusted: bool | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The (low, high) limit curves at ``sizes`` (tickets or expected counts), with
        the between-unit variance when ``adjusted`` (default: as the funnel decided)."""
        n = np.asarray(sizes, dtype=float)
        tau2 = self.dispersion.tau2 if (self.adjusted if adjusted is None else adjusted) else 0.0
        z = _z(level)
        if self.kind == "proportion":
            y0 = math.asin(math.sqrt(self.target))
            half = z * np.sqrt(1 / (4 * n) + tau2)
            low = np.sin(np.clip(y0 - half, 0, math.pi / 2)) ** 2
            high = np.sin(np.clip(y0 + half, 0, math.pi / 2)) ** 2
        elif self.kind in ("ratio", "rate"):
            if tau2 > 0:
                half = z * np.sqrt(1 / n + tau2)
                low, high = np.exp(-half), np.exp(half)
            else:  # exact Poisson (FunnelPlotR calculate_limits, draw_adjusted = FALSE)
                alpha = 1 - level
                low = sps.chi2.ppf(alpha / 2, 2 * n) / (2 * n)
                high = sps.chi2.ppf(1 - alpha / 2, 2 * (n + 1)) / (2 * n)
            low, high = low * self.multiplier, high * self.multiplier
        else:
            half = z * np.sqrt(self.sigma ** 2 / n + tau2)
            low, high = self.target - half, self.target + half
        return np.asarray(low, dtype=float), np.asarray(high, dtype=float)


def _units(funnel: Funnel, names: Sequence[str], sizes: np.ndarray, values: np.ndarray,
           observed: np.ndarray, expected: np.ndarray | None, z: np.ndarray,
           cis: Sequence[tuple[float, float]]) -> Funnel:
    units = []
    for i, name in enumerate(names):
        limits = {lv: tuple(float(b[0]) for b in funnel.limits_at([sizes[i]], lv))
                  for lv in funnel.levels}
        outside, level = "", None
        for lv in sorted(funnel.levels, reverse=True):
            low, high = limits[lv]
            if values[i] > high or values[i] < low:
                outside, level = ("above" if values[i] > high else "below"), lv
                break
        units.append(FunnelUnit(
            unit=str(name), size=float(sizes[i]), value=float(values[i]),
            observed=float(observed[i]),
            expected=None if expected is None else float(expected[i]), z=float(z[i]),
            limits=limits, outside=outside, level=level,
            ci=(float(cis[i][0]), float(cis[i][1]))))
    return Funnel(**{**funnel.__dict__, "units": tuple(units)})


def _names(units: Sequence[str], n: int, what: str) -> list[str]:
    names = [str(u) for u in units]
    if len(names) != n:
        raise ValueError(f"{what}: {len(names)} unit names for {n} units")
    if len(set(names)) != len(names):
        raise ValueError(f"{what}: unit names repeat; give each unit once (aggregate first)")
    if n < 2:
        raise ValueError(f"{what}: a funnel needs at least 2 units, got {n}")
    return names


def _adjust(disp: Dispersion, adjust: str) -> bool:
    if adjust not in ("auto", "never"):
        raise ValueError(f"adjust must be auto or never, got {adjust!r}")
    return adjust != "never" and disp.overdispersed


def funnel_proportions(successes: Sequence[float], totals: Sequence[float],
                       units: Sequence[str], *, trim: float = TRIM, adjust: str = "auto"
                       ) -> Funnel:
    """Funnel of a share (FCR, complaint share) by unit: ``successes`` of ``totals``.

    ``adjust``: ``auto`` (FunnelPlotR's default: the limits carry ``tau^2`` when the
    units are overdispersed, :attr:`Dispersion.overdispersed`) or ``never``.
    Each unit's own interval is Wilson's.
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    names = _names(units, x.size, "funnel of proportions")
    if n.shape != x.shape or (n <= 0).any() or (x < 0).any() or (x > n).any():
        raise ValueError("funnel of proportions: each unit needs 0 <= successes <= total "
                         "and a total above 0")
    p = x / n
    target = float(x.sum() / n.sum())
    s = 1 / (2 * np.sqrt(n))
    z = (np.arcsin(np.sqrt(p)) - math.asin(math.sqrt(target))) / s
    disp = dispersion(z, s, trim=trim)
    from statsmodels.stats.proportion import proportion_confint

    lows, highs = proportion_confint(x, n, alpha=0.05, method="wilson")
    base = Funnel(kind="proportion", target=target, units=(), dispersion=disp,
                  adjusted=_adjust(disp, adjust),
                  method="arcsine square-root scale (FunnelPlotR PR), Spiegelhalter 2005")
    return _units(base, names, n, p, x, None, z, list(zip(lows, highs, strict=True)))


def funnel_ratios(observed: Sequence[float], expected: Sequence[float], units: Sequence[str],
                  *, multiplier: float = 1.0, trim: float = TRIM, adjust: str = "auto",
                  kind: str = "ratio") -> Funnel:
    """Funnel of observed / expected counts by unit (indirect standardisation: expected =
    the unit's cases x the overall rate of each stratum it serves, summed). The plotted
    value is ``O / E x multiplier`` (1: the standardised ratio; the overall rate: the
    standardised rate). A unit with no events has z from ``log(0.5 / E)`` (a
    continuity correction; FunnelPlotR's SHMI gives minus infinity). The unit's own
    interval is the exact Poisson interval of ``O`` over ``E``.
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    names = _names(units, o.size, "funnel of ratios")
    if e.shape != o.shape or (e <= 0).any() or (o < 0).any():
        raise ValueError("funnel of ratios: each unit needs observed >= 0 and expected > 0")
    s = 1 / np.sqrt(e)
    z = np.log(np.maximum(o, 0.5) / e) / s
    disp = dispersion(z, s, trim=trim)
    low = np.where(o > 0, sps.chi2.ppf(0.025, 2 * o) / 2, 0.0) / e
    high = sps.chi2.ppf(0.975, 2 * (o + 1)) / 2 / e
    base = Funnel(kind=kind, target=float(multiplier), units=(), dispersion=disp,
                  adjusted=_adjust(disp, adjust), multiplier=float(multiplier),
                  method="observed / expected on the log scale (FunnelPlotR SR, SHMI), exact "
                  "Poisson limits without overdispersion, Spiegelhalter 2005")
    cis = list(zip(low * multiplier, high * multiplier, strict=True))
    return _units(base, names, e, o / e * multiplier, o, e, z, cis)


def funnel_rates(counts: Sequence[float], exposures: Sequence[float], units: Sequence[str],
                 *, trim: float = TRIM, adjust: str = "auto") -> Funnel:
    """Funnel of an event rate (events per ticket, per hour) by unit: a ratio funnel with
    expected = overall rate x exposure, drawn in the rate's own unit.

    >>> f = funnel_rates([5, 30, 6], [100, 300, 100], ["A", "B", "C"])
    >>> round(f.target, 3), round(f.units[0].expected, 6)
    (0.082, 8.2)
    """
    c = np.asarray(counts, dtype=float)
    t = np.asarray(exposures, dtype=float)
    if (t <= 0).any():
        raise ValueError("funnel of rates: every unit needs an exposure above 0")
    rate = float(c.sum() / t.sum())
    if not rate > 0:
        raise ValueError("funnel of rates: no events in any unit, nothing to compare")
    return funnel_ratios(c, rate * t, units, multiplier=rate, trim=trim, adjust=adjust,
                         kind="rate")


def funnel_means(means: Sequence[float], sizes: Sequence[float], sds: Sequence[float],
                 units: Sequence[str], *, expected: Sequence[float] | None = None,
                 trim: float = TRIM, adjust: str = "auto") -> Funnel:
    """Funnel of a mean (handle time, CSAT) by unit from each unit's mean, count and
    standard deviation (aggregates, not rows). ``sigma`` is the pooled within-unit SD
    ``sqrt(sum (n_i - 1) sd_i^2 / sum (n_i - 1))``; the target the overall mean.

    ``expected``: each unit's expected mean from its case mix (indirect
    standardisation: the overall mean of each stratum, weighted by the unit's cases);
    the plotted value is then ``mean - expected + target``, the unit's mean as if it had
    the overall case mix.

    >>> f = funnel_means([10.0, 12.0, 11.0], [50, 50, 100], [3.0, 3.0, 3.0], ["A", "B", "C"])
    >>> f.target, f.sigma
    (11.0, 3.0)
    """
    y = np.asarray(means, dtype=float)
    n = np.asarray(sizes, dtype=float)
    sd = np.asarray(sds, dtype=float)
    names = _names(units, y.size, "funnel of means")
    if n.shape != y.shape or sd.shape != y.shape or (n < 2).any() or not np.isfinite(
            y).all() or not np.isfinite(sd).all():
        raise ValueError("funnel of means: each unit needs a finite mean and SD and at "
                         "least 2 values")
    sigma = float(math.sqrt(((n - 1) * sd ** 2).sum() / (n - 1).sum()))
    if not sigma > 0:
        raise ValueError("funnel of means: every value is the same, nothing to compare")
    target = float((n * y).sum() / n.sum())
    shown = y if expected is None else y - np.asarray(expected, dtype=float) + target
    half = sps.t.isf(0.025, n - 1) * sd / np.sqrt(n)
    return _normal_funnel(
        "mean", names, shown, n, sigma=sigma, target=target, observed=y * n,
        expected=None if expected is None else np.asarray(expected, dtype=float),
        cis=list(zip(shown - half, shown + half, strict=True)), trim=trim, adjust=adjust,
        method="normal limits with the pooled within-unit SD, Spiegelhalter 2005"
        + ("" if expected is None else "; indirectly standardised for case mix"))


def _normal_funnel(kind: str, names: list[str], values: np.ndarray, sizes: np.ndarray, *,
                   sigma: float, target: float, observed: np.ndarray,
                   expected: np.ndarray | None, cis: list[tuple[float, float]], trim: float,
                   adjust: str, method: str) -> Funnel:
    """A funnel on the natural scale: ``s = sigma / sqrt(size)`` around ``target``."""
    s = sigma / np.sqrt(sizes)
    z = (values - target) / s
    disp = dispersion(z, s, trim=trim)
    base = Funnel(kind=kind, target=target, units=(), dispersion=disp,
                  adjusted=_adjust(disp, adjust), sigma=sigma, method=method)
    return _units(base, names, sizes, values, observed, expected, z, cis)


def funnel_standardised_proportions(observed: Sequence[float], expected: Sequence[float],
                                    variances: Sequence[float], units: Sequence[str], *,
                                    share: float, trim: float = TRIM, adjust: str = "auto"
                                    ) -> Funnel:
    """Funnel of a share standardised for case mix (module docstring): ``observed``
    successes, ``expected`` successes at the overall share of each stratum, their
    binomial ``variances`` (the sum of ``p_s (1 - p_s)`` over the unit's tickets) and
    the overall ``share`` ``p0``. Each unit's size is its effective tickets ``n_eff``.

    >>> f = funnel_standardised_proportions([60, 90], [70, 80], [21, 16], ["A", "B"],
    ...                                     share=0.75)
    >>> [round(u.value, 4) for u in f.units], [round(u.size, 1) for u in f.units]
    ([0.6429, 0.8438], [77.8, 133.3])
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    v = np.asarray(variances, dtype=float)
    names = _names(units, o.size, "funnel of standardised shares")
    if not 0 < share < 1:
        raise ValueError(f"funnel of standardised shares: the overall share must be "
                         f"between 0 and 1, got {share}")
    if e.shape != o.shape or v.shape != o.shape or (e <= 0).any() or (v <= 0).any() or (
            o < 0).any():
        raise ValueError("funnel of standardised shares: each unit needs observed >= 0, "
                         "expected > 0 and a variance > 0 (a stratum with a share strictly "
                         "between 0 and 1)")
    values = share * o / e
    n_eff = (1 - share) * e ** 2 / (share * v)
    half = 1.959964 * share * np.sqrt(v) / e
    return _normal_funnel(
        "standardised proportion", names, values, n_eff,
        sigma=math.sqrt(share * (1 - share)), target=float(share), observed=o, expected=e,
        cis=list(zip(values - half, values + half, strict=True)), trim=trim, adjust=adjust,
        method="indirectly standardised share with its binomial variance, normal limits "
        "against the effective tickets, Spiegelhalter 2005")


def funnel_estimates(values: Sequence[float], ses: Sequence[float], units: Sequence[str], *,
                     target: float, counts: Sequence[float] | None = None, trim: float = TRIM,
                     adjust: str = "auto") -> Funnel:
    """Funnel of any estimate with a known standard error (a composite score per unit):
    Spiegelhalter's (2005) general form, ``z = (y - target) / s``. Each unit is drawn
    against its *effective size* ``(sigma0 / s)^2``, so the curves
    ``target +- z sqrt(sigma0^2 / size + tau^2)`` pass through each unit's own limits;
    ``sigma0`` is the median of ``s sqrt(counts)`` (a per-ticket spread: the size then
    reads as tickets), or of ``s`` without ``counts``.

    >>> f = funnel_estimates([0.80, 0.70, 0.50], [0.02, 0.02, 0.04], ["A", "B", "C"],
    ...                      target=0.72, counts=[400, 400, 100], adjust="never")
    >>> [u.outside for u in f.units], [round(u.size) for u in f.units]
    (['above', '', 'below'], [400, 400, 100])
    """
    y = np.asarray(values, dtype=float)
    s = np.asarray(ses, dtype=float)
    names = _names(units, y.size, "funnel of estimates")
    if s.shape != y.shape or not np.isfinite(y).all() or not (np.isfinite(s) & (s > 0)).all():
        raise ValueError("funnel of estimates: each unit needs a finite value and a "
                         "standard error above 0")
    sigma0 = float(np.median(s if counts is None else s * np.sqrt(np.asarray(counts, float))))
    sizes = (sigma0 / s) ** 2
    return _normal_funnel(
        "estimate", names, y, sizes, sigma=sigma0, target=float(target), observed=y,
        expected=None, cis=list(zip(y - 1.959964 * s, y + 1.959964 * s, strict=True)),
        trim=trim, adjust=adjust,
        method="normal limits from each unit's standard error, Spiegelhalter 2005")
