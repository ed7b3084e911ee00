"""numba kernels behind :mod:`._resample` (imported on first use; see there for the RNG).

Each resample ``r`` runs its own counter-based SplitMix64 stream, so the output does
not depend on how ``prange`` spreads resamples over threads.
"""

from __future__ import annotations

import numpy as np
from numba import get_num_threads, njit, prange

__all__ = ["km_quantiles", "means"]

_G = np.uint64(0x9E3779B97F4A7C15)  # the golden-ratio step of SplitMix64
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_LOW = np.uint64(0xFFFFFFFF)
_S30, _S27, _S31, _S32 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(32)
_BLOCK = 1024  # draws computed a block at a time (the loop vectorises), then used
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
        block = np.empty(_BLOCK, np.uint64)
        start = _mix(seed + _G * np.uint64(r + 1))
        total = 0.0
        first = 0
        while first < n:  # indices a block at a time, summed in draw order as before
            m = min(_BLOCK, n - first)
            base = start + _G * np.uint64(first + 1)
            for k in range(m):
                block[k] = _index(_mix(base + _G * np.uint64(k)), size)
            for k in range(m):
                total += values[block[k]]
            first += m
        out[r] = total / n
    return out


_CHUNKS_PER_THREAD = 4  # resamples are dealt to threads in chunks, one count buffer each
_NARROW_MAX = 255  # a narrow (uint8) count that would pass this is redone in int32


@njit(cache=True)
def _draw(counts, n, seed, r, limit, block):
    """Add resample ``r``'s ``n`` draws to ``counts`` (all zero); False when a count would
    pass ``limit`` (the caller redoes the resample with wider counts). Draw ``j`` is
    ``mix(start + (j + 1) * GOLDEN)``, the SplitMix64 stream of :mod:`._resample`."""
    size = np.uint64(n)
    start = _mix(seed + _G * np.uint64(r + 1))
    first = 0
    while first < n:
        m = min(block.size, n - first)
        base = start + _G * np.uint64(first + 1)
        for k in range(m):
            block[k] = _index(_mix(base + _G * np.uint64(k)), size)
        for k in range(m):
            i = block[k]
            c = counts[i]
            if c == limit:
                return False
            counts[i] = c + 1
        first += m
    return True


@njit(cache=True)
def _scan(times, finished, starts, counts, n, levels, out, r, leaving_before, events_before):
    """survfit's quantile rule for every level of ``levels`` from one resample's
    ``counts``: the same steps, level by level, as one pass per level. The counts per
    distinct time come from running sums over the rows (no branch per row)."""
    total_leaving = 0
    total_events = 0
    leaving_before[0] = 0
    events_before[0] = 0
    for i in range(n):
        c = counts[i]
        total_leaving += c
        total_events += c * finished[i]
        leaving_before[i + 1] = total_leaving
        events_before[i + 1] = total_events
    groups = starts.size - 1
    n_levels = levels.size
    at_risk = float(n)
    survival = 1.0
    found = np.full(n_levels, np.nan)
    flat = np.full(n_levels, -1)  # group where S sits exactly at the level
    done = np.zeros(n_levels, np.bool_)
    pending = n_levels
    last = -1  # last group with a resampled item
    for g in range(groups):
        leaving = leaving_before[starts[g + 1]] - leaving_before[starts[g]]
        events = events_before[starts[g + 1]] - events_before[starts[g]]
        if leaving > 0:
            last = g
        if at_risk > 0 and events > 0:  # no event: S is multiplied by exactly 1
            survival *= 1.0 - events / at_risk
        at_risk -= leaving
        for k in range(n_levels):
            if done[k]:
                continue
            level = levels[k]
            if flat[k] >= 0:
                if survival < level - _TOL:
                    found[k] = (times[starts[flat[k]]] + times[starts[g]]) / 2
                    done[k] = True
                    pending -= 1
                continue
            if survival <= level + _TOL:
                if abs(survival - level) < _TOL:
                    flat[k] = g
                else:
                    found[k] = times[starts[g]]
                    done[k] = True
                    pending -= 1
        if pending == 0:
            break
    for k in range(n_levels):
        if flat[k] >= 0 and np.isnan(found[k]):
            found[k] = (times[starts[flat[k]]] + times[starts[last]]) / 2
        out[r, k] = found[k]


def km_quantiles(times, observed, starts, seed, n_resamples, levels, narrow_max=_NARROW_MAX):
    """(n_resamples, levels) Kaplan-Meier quantiles; each resample's counts are drawn
    once for all levels, in uint8 (a 4th of the memory traffic of int32; a count past
    ``narrow_max`` redoes that resample in int32, so the result never depends on it)."""
    chunks = max(1, min(n_resamples, _CHUNKS_PER_THREAD * get_num_threads()))
    return _km_quantiles(times, observed.astype(np.int64), starts, seed, n_resamples, levels,
                         np.uint8(narrow_max), chunks)


@njit(cache=True, parallel=True)
def _km_quantiles(times, finished, starts, seed, n_resamples, levels, narrow_max, chunks):
    n = times.size
    out = np.empty((n_resamples, levels.size))
    for c in prange(chunks):
        counts = np.zeros(n, np.uint8)
        block = np.empty(_BLOCK, np.uint64)
        leaving_before = np.empty(n + 1, np.int64)
        events_before = np.empty(n + 1, np.int64)
        for r in range(c * n_resamples // chunks, (c + 1) * n_resamples // chunks):
            if _draw(counts, n, seed, r, narrow_max, block):
                _scan(times, finished, starts, counts, n, levels, out, r, leaving_before,
                      events_before)
            else:
                wide = np.zeros(n, np.int32)
                _draw(wide, n, seed, r, np.int32(n + 1), block)
                _scan(times, finished, starts, wide, n, levels, out, r, leaving_before,
                      events_before)
            counts[:] = 0
    return out
