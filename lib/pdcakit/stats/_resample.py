"""Fast bootstrap resampling: compiled kernels and their plain-numpy references.

A bootstrap of ``n`` values with ``B`` resamples draws ``B * n`` indices; at
100,000 tickets a group and 2,000 resamples that is 400 million draws, which
numpy's ``integers`` + fancy indexing (or ``scipy.stats.bootstrap``) needs
several seconds for. The kernels (:mod:`._kernels`) fuse drawing, gathering and
reducing in one compiled loop (numba), run the resamples on every core and allocate
nothing of size ``B * n``.

Random numbers are counter-based, so a result does not depend on the number of
threads: resample ``r`` starts its own SplitMix64 stream (Steele, Lea & Flood
2014) at ``mix(seed + (r + 1) * GOLDEN)``; draw ``j`` is ``mix(start + (j + 1) *
GOLDEN)`` and becomes an index by Lemire's multiply-high, ``floor(z * n / 2**64)``
(bias below ``n / 2**64``). :func:`reference_indices` produces exactly the same
indices with numpy, so the tests check each kernel against the straightforward
computation on the same resamples.

>>> means = bootstrap_means(np.array([1.0, 2.0, 3.0, 4.0]), n_resamples=3, seed=1)
>>> bool(np.allclose(means, reference_indices(4, 3, 1).choose_mean(np.array([1., 2, 3, 4]))))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._memo import ContentCache, content_key

__all__ = ["bootstrap_km_quantiles", "bootstrap_means", "reference_indices", "seed_for"]

_GOLDEN = 0x9E3779B97F4A7C15
_MASK = (1 << 64) - 1


def seed_for(seed: int, stream: int) -> int:
    """A distinct 64-bit seed for stream ``stream`` (e.g. 0 = before, 1 = after) of ``seed``."""
    return (int(seed) * 0xD1B54A32D192ED03 + (stream + 1) * _GOLDEN) & _MASK


# ------------------------------------------------------------------ numpy reference
def _mix_np(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@dataclass(frozen=True)
class ReferenceIndices:
    """The (B, n) resample indices the kernels draw, made with plain numpy (tests, small n)."""

    indices: np.ndarray

    def choose_mean(self, values: np.ndarray) -> np.ndarray:
        return values[self.indices].mean(axis=1)

    def counts(self) -> np.ndarray:
        size, n = self.indices.shape
        flat = self.indices + n * np.arange(size)[:, None]
        return np.bincount(flat.ravel(), minlength=size * n).reshape(size, n)


def reference_indices(n: int, n_resamples: int, seed: int, first: int = 0) -> ReferenceIndices:
    """The kernels' indices for ``n`` values (resamples ``first`` on), drawn in numpy.

    Needs O(B * n) memory: for tests and small groups.
    """
    with np.errstate(over="ignore"):
        golden = np.uint64(_GOLDEN)
        resample = np.arange(first + 1, first + n_resamples + 1, dtype=np.uint64)
        starts = _mix_np(np.uint64(seed) + golden * resample)
        z = _mix_np(starts[:, None] + golden * np.arange(1, n + 1, dtype=np.uint64)[None, :])
        high, low = z >> np.uint64(32), z & np.uint64(0xFFFFFFFF)
        size = np.uint64(n)
        index = (high * size + ((low * size) >> np.uint64(32))) >> np.uint64(32)
    return ReferenceIndices(index.astype(np.int64))


def _means_numpy(values: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    out = np.empty(n_resamples)
    for start in range(0, n_resamples, 64):
        size = min(64, n_resamples - start)
        idx = reference_indices(values.size, size, seed, first=start).indices
        out[start:start + size] = values[idx].mean(axis=1)
    return out


def _km_numpy(times: np.ndarray, observed: np.ndarray, starts: np.ndarray, n_resamples: int,
              seed: int, level: float) -> np.ndarray:
    from .survival import _weighted_medians

    counts = reference_indices(times.size, n_resamples, seed).counts()
    return _weighted_medians(np.column_stack([times, observed]), counts, level)


def _kernels():
    """The compiled kernels (numba imported on first use: 0.5 s saved where none runs)."""
    try:
        from . import _kernels
    except ImportError:  # pragma: no cover - numba is a declared dependency
        return None
    return _kernels


def bootstrap_means(values: np.ndarray, *, n_resamples: int, seed: int) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples of ``values`` (seeded, thread-count free).

    >>> bootstrap_means(np.full(10, 2.5), n_resamples=2, seed=7).tolist()
    [2.5, 2.5]
    """
    values = np.ascontiguousarray(values, dtype=float)
    kernels = _kernels()
    if kernels is None:
        return _means_numpy(values, n_resamples, seed)
    return kernels.means(values, np.uint64(seed & _MASK), n_resamples)


#: The levels every Kaplan-Meier bootstrap computes in its one pass: the median and the
#: 90th percentile (S = 0.1). The log-rank CI, the median ratio and the shape check
#: ask for them on the same tickets with the same seed, i.e. the same resamples.
STANDARD_LEVELS = (0.5, 0.1)
#: One table of quantiles per tickets, seed and resample count (a few kB each).
KM_TABLES = ContentCache(entries=16, budget_bytes=64 << 20)


def bootstrap_km_quantiles(times: np.ndarray, observed: np.ndarray, *, n_resamples: int,
                           seed: int, level: float = 0.5) -> np.ndarray:
    """Kaplan-Meier time where survival falls to ``level`` (survfit's rule), per resample.

    ``times`` sorted ascending with their ``observed`` (finished) flags; NaN where a
    resample's curve never falls that low (e.g. its median is not reached).

    One pass over the resamples gives every level of :data:`STANDARD_LEVELS` (and
    ``level``); it is kept for the next call on the same tickets, seed and resample
    count (the same resamples), so the log-rank CI, the median ratio and the shape
    check's median and 90th-percentile CIs draw them once. Same numbers as one pass
    per call.

    >>> t = np.array([1.0, 2.0, 3.0, 4.0]); o = np.ones(4, bool)
    >>> r = bootstrap_km_quantiles(t, o, n_resamples=200, seed=3)
    >>> bool(np.all((r >= 1) & (r <= 4)))   # data times, or midpoints where S sits at 0.5
    True
    """
    times = np.ascontiguousarray(times, dtype=float)
    observed = np.ascontiguousarray(observed, dtype=bool)
    levels = tuple(sorted({*STANDARD_LEVELS, float(level)}, reverse=True))
    key = ("km quantiles", content_key(times, observed), int(n_resamples),
           int(seed) & _MASK, levels)
    table = KM_TABLES.get(key, lambda: _km_quantile_table(times, observed, n_resamples,
                                                           seed, levels))
    return table[:, levels.index(float(level))].copy()


def _km_quantile_table(times: np.ndarray, observed: np.ndarray, n_resamples: int,
                       seed: int, levels: tuple[float, ...]) -> np.ndarray:
    """(n_resamples, len(levels)) quantiles from one set of resamples."""
    starts = np.append(np.flatnonzero(np.r_[True, np.diff(times) > 0]), times.size)
    kernels = _kernels()
    if kernels is None:
        return np.column_stack([_km_numpy(times, observed, starts, n_resamples, seed, level)
                                for level in levels])
    return kernels.km_quantiles(times, observed, starts.astype(np.int64),
                                np.uint64(seed & _MASK), n_resamples,
                                np.asarray(levels, dtype=float))
