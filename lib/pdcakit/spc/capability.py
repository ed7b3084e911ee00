"""Process capability: Cp, Cpk (within-process sigma) and Pp, Ppk (overall sigma).

Capability compares the spread of a process with its specification - the
range a customer or standard accepts (e.g. "respond within 30 minutes").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import (
    D2_MOVING_RANGE,
    ResultMixin,
    as_series,
    average_moving_range,
    fmt,
    moving_ranges,
    require_points,
)

__all__ = ["CapabilityResult", "capability"]


@dataclass(frozen=True, eq=False)
class CapabilityResult(ResultMixin):
    """Result of :func:`capability`.

    Attributes
    ----------
    n : int
        Non-missing values used.
    mean : float
        Sample mean.
    sigma_within : float
        Short-term (within-process) sigma, MR̄ / 1.128 from moving ranges of
        consecutive values.
    sigma_overall : float
        Long-term sigma, the sample standard deviation (n - 1 divisor).
    lsl, usl : float or None
        Specification limits given.
    cp, pp : float or None
        ``(usl - lsl) / (6 sigma)`` with the within / overall sigma; None
        unless both limits are given (or when sigma is 0).
    cpu, cpl, ppu, ppl : float or None
        One-sided indices ``(usl - mean) / (3 sigma)`` and
        ``(mean - lsl) / (3 sigma)``; None when that limit is missing.
    cpk, ppk : float or None
        The smaller of the available one-sided indices.
    stable : bool
        The I chart of the values shows no signal (no point outside the
        limits, no Anhøj runs signal). Capability predicts future performance
        only for a stable process.
    sentence : str
        The indices and their caveats in plain language.
    """

    n: int
    mean: float
    sigma_within: float
    sigma_overall: float
    lsl: float | None
    usl: float | None
    cp: float | None
    cpk: float | None
    cpu: float | None
    cpl: float | None
    pp: float | None
    ppk: float | None
    ppu: float | None
    ppl: float | None
    stable: bool
    sentence: str


def _indices(
    mean: float, sigma: float, lsl: float | None, usl: float | None
) -> tuple[float | None, float | None, float | None, float | None]:
    """(c_p, c_pk, c_pu, c_pl) for one sigma; None where undefined."""
    if not sigma > 0:
        return None, None, None, None
    cp = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    cu = (usl - mean) / (3 * sigma) if usl is not None else None
    cl = (mean - lsl) / (3 * sigma) if lsl is not None else None
    cpk = min(v for v in (cu, cl) if v is not None)
    return cp, cpk, cu, cl


def capability(values: Any, lsl: float | None = None, usl: float | None = None) -> CapabilityResult:
    """Process capability indices Cp, Cpk, Pp and Ppk.

    Parameters
    ----------
    values : array_like
        Individual measurements in time order (time order matters for the
        within-process sigma); NaN values are ignored.
    lsl, usl : float, optional
        Lower and upper specification limits. At least one is needed; Cp and
        Pp need both, Cpk and Ppk work with one.

    Returns
    -------
    CapabilityResult
        ``cp``, ``cpk``, ``pp``, ``ppk`` (+ one-sided ``cpu`` ``cpl`` ``ppu``
        ``ppl``), ``mean``, ``sigma_within`` = MR̄/1.128, ``sigma_overall`` =
        sample sd, ``n``, ``stable`` and a ``sentence``.

    Raises
    ------
    ValueError
        No limit given, ``lsl >= usl``, fewer than 2 values (``'not enough
        data: n=1, need >= 2'``), or no two consecutive values for a moving
        range.

    Notes
    -----
    ``Cp = (USL - LSL) / 6σ`` and ``Cpk = min(USL - μ, μ - LSL) / 3σ``
    (NIST/SEMATECH e-Handbook 6.1.6). Cp and Cpk use the within-process
    sigma MR̄/1.128 (the sigma of the I chart); Pp and Ppk the overall sample
    standard deviation. Assumptions: the process is **stable** (in
    statistical control - check ``stable`` or an I chart first: the indices
    of an unstable process describe nothing that will repeat), the values
    are roughly **normal** (the usual reading "Cpk 1 = 0.135% beyond the
    nearer limit" rests on it), and independent. With few values (say under
    50) the indices are themselves uncertain by ±10-20%.

    References
    ----------
    .. [1] NIST/SEMATECH e-Handbook of Statistical Methods, 6.1.6 What is
       Process Capability?
    .. [2] Montgomery DC. Introduction to Statistical Quality Control,
       "Process and measurement system capability analysis".

    Examples
    --------
    >>> from pdcakit import spc
    >>> r = spc.capability([9.8, 10.2, 10.1, 9.9, 10.0, 10.3, 9.7, 10.0], lsl=9, usl=11)
    >>> round(r.pp, 3), round(r.ppk, 3)
    (1.667, 1.667)
    >>> r.cp is not None and r.cp > 1
    True
    """
    y = as_series(values)
    lsl_f = None if lsl is None else float(lsl)
    usl_f = None if usl is None else float(usl)
    if lsl_f is None and usl_f is None:
        raise ValueError("give at least one specification limit (lsl or usl)")
    for name, limit in (("lsl", lsl_f), ("usl", usl_f)):
        if limit is not None and not math.isfinite(limit):
            raise ValueError(f"{name} must be a finite number, got {limit!r}")
    if lsl_f is not None and usl_f is not None and not lsl_f < usl_f:
        raise ValueError(f"lsl ({lsl_f}) must be below usl ({usl_f})")
    obs = y[~np.isnan(y)]
    require_points(int(obs.size))
    mean = float(obs.mean())
    sigma_overall = float(obs.std(ddof=1))
    amr = average_moving_range(moving_ranges(y))
    if math.isnan(amr):
        raise ValueError(
            "not enough data: no two consecutive non-missing values to compute a moving range"
        )
    sigma_within = amr / D2_MOVING_RANGE
    cp, cpk, cpu, cpl = _indices(mean, sigma_within, lsl_f, usl_f)
    pp, ppk, ppu, ppl = _indices(mean, sigma_overall, lsl_f, usl_f)

    from .control import i_chart  # local import: control imports nothing from here

    stable = not i_chart(y).signal
    return CapabilityResult(
        n=int(obs.size),
        mean=mean,
        sigma_within=sigma_within,
        sigma_overall=sigma_overall,
        lsl=lsl_f,
        usl=usl_f,
        cp=cp,
        cpk=cpk,
        cpu=cpu,
        cpl=cpl,
        pp=pp,
        ppk=ppk,
        ppu=ppu,
        ppl=ppl,
        stable=stable,
        sentence=_sentence(
            int(obs.size),
            mean,
            sigma_within,
            sigma_overall,
            lsl_f,
            usl_f,
            cp,
            cpk,
            pp,
            ppk,
            stable,
        ),
    )


def _sentence(
    n: int,
    mean: float,
    s_within: float,
    s_overall: float,
    lsl: float | None,
    usl: float | None,
    cp: float | None,
    cpk: float | None,
    pp: float | None,
    ppk: float | None,
    stable: bool,
) -> str:
    if not s_overall > 0:
        return (
            f"All {n} values equal {fmt(mean)}: with no variation the capability indices "
            "cannot be computed."
        )
    both = lsl is not None and usl is not None
    parts = []
    if cpk is None:
        parts.append(
            "Consecutive values do not vary (average moving range 0), so Cp and Cpk "
            "cannot be computed"
        )
    elif both:
        parts.append(f"Cp {fmt(cp, 3)}, Cpk {fmt(cpk, 3)} (within-process sigma {fmt(s_within)})")
    else:
        parts.append(f"Cpk {fmt(cpk, 3)} (within-process sigma {fmt(s_within)})")
    if both:
        parts.append(f"Pp {fmt(pp, 3)}, Ppk {fmt(ppk, 3)} (overall sigma {fmt(s_overall)})")
    else:
        parts.append(f"Ppk {fmt(ppk, 3)} (overall sigma {fmt(s_overall)})")
    text = "; ".join(parts) + f", from {n} values with mean {fmt(mean)}."
    if not both:
        text += " Cp and Pp need both specification limits."
    worst = min(v for v in (cpk, ppk) if v is not None)
    if worst >= 1.33:
        text += " The process comfortably fits the specification (index at least 1.33)."
    elif worst >= 1:
        text += " The process just fits the specification (index between 1 and 1.33)."
    else:
        text += " Part of the process spread falls outside the specification (index below 1)."
    if not stable:
        text += (
            " Caution: the I chart shows signals, so the process is not stable and these "
            "indices may not describe future performance."
        )
    text += " The indices assume roughly normal, independent values."
    return text
