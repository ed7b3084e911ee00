"""numba kernels behind :mod:`._resample` (imported on first use; see there for the RNG).

Each resample ``r`` runs its own counter-based SplitMix64 stream, so the output does
not depend on how ``prange`` spreads resamples over threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["km_quantiles", "means"]

_G = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio step of SplitMix64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_LOW = np.uint64(0xFFFFFFFF)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_TOL = 1.4901161193847656e-08  # R quantile.survfit's tolerance, sqrt(machine epsilon)


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _index(z, size):
    return (((z >> _S32) * size + (((z & _LOW) * size) >> _S32)) >> _S32)


@njit(cache=True, parallel=True)
def means(values, seed, n_resamples):
    n = values.size
    size = np.uint64(n)
    out = np.empty(n_resamples)
    for r in prange(n_resamples):
        start = _mix(seed + _G * np.uint64(r + 1))
        total = 0.0
        state = start
        for _ in range(n):
            state += _G
            total += values[_index(_mix(state), size)]
        out[r] = total / n
    return out


@njit(cache=True, parallel=True)
def km_quantiles(times, observed, starts, seed, n_resamples, level):
    n = times.size
    size = np.uint64(n)
    groups = starts.size - 1
    out = np.empty(n_resamples)
    for r in prange(n_resamples):
        counts = np.zeros(n, np.int32)
        state = _mix(seed + _G * np.uint64(r + 1))
        for _ in range(n):
            state += _G
            counts[_index(_mix(state), size)] += 1
        at_risk = float(n)
        survival = 1.0
        found = np.nan
        flat = -1  # group where S sits exactly at the level (survfit's midpoint rule)
        last = -1  # last group with a resampled item
        for g in range(groups):
            events = 0
            leaving = 0
            for i in range(starts[g], starts[g + 1]):
                leaving += counts[i]
                if observed[i]:
                    events += counts[i]
            if leaving > 0:
                last = g
            if at_risk > 0:
                survival *= 1.0 - events / at_risk
            at_risk -= leaving
            if flat >= 0:
                if survival < level - _TOL:
                    found = (times[starts[flat]] + times[starts[g]]) / 2
                    break
                continue
            if survival <= level + _TOL:
                if abs(survival - level) < _TOL:
                    flat = g
                else:
                    found = times[starts[g]]
                    break
        if flat >= 0 and np.isnan(found):
            found = (times[starts[flat]] + times[starts[last]]) / 2
        out[r] = found
    return out
