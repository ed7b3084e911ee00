"""Splitting a chart into phases (qicharts2's ``part``), shared by every chart.

A *phase* is a contiguous stretch of points that gets its own centre line,
limits and runs analysis: typically "before" and "after" a deliberate change
to the process. Two ways to say where phases are:

* **split indices** - ``part=[12]`` or ``part=12`` starts a new phase at
  0-based position 12, so points ``values[:12]`` form phase 1 and
  ``values[12:]`` phase 2. This is the same number qicharts2's
  ``qic(part = 12)`` takes (its last point of phase 1 is the 12th point).
* **labels** - one label per point (length equal to the data), e.g.
  ``["before"] * 12 + ["after"] * 12`` or a DataFrame column. Each contiguous
  block of equal labels is a phase; a label may not come back after another
  label has started (phases are stretches of time).

A ``part`` the same length as the data is read as labels; anything else is
read as split indices (a series of ``n`` points has at most ``n - 1`` split
points, so the two readings cannot be confused).

``freeze=k`` (every chart) takes the centre and limits of the **first** phase
from its first ``k`` points and extends them over the rest of that phase, as
qicharts2's ``freeze`` does; later phases always use all of their own points.
So ``freeze=12, part=[24]`` on 36 months judges months 13-24 against the
baseline of months 1-12, and gives months 25-36 limits of their own.

``labels`` (every chart) are something else: one *period* label per point,
such as the period start dates, used only to name points in the sentences
(``'before (Jan 2024 to Dec 2024)'`` rather than ``'before (points 1-12)'``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import IntArray, ResultMixin, frozen_array, period_names, span_text

__all__ = ["PhaseSplit", "split_phases"]


@dataclass(frozen=True, eq=False)
class PhaseSplit(ResultMixin):
    """Where the phases of a chart start and stop.

    Attributes
    ----------
    ids : ndarray of int
        Phase number (0, 1, ...) of every point.
    bounds : tuple of (int, int)
        ``(start, stop)`` of every phase, 0-based with ``stop`` exclusive, so
        ``values[start:stop]`` is the phase.
    labels : tuple of str
        A name per phase: the labels given, or ``'phase 1'``, ``'phase 2'``...
    sentence : str
        Plain-language description, e.g. ``'2 phases: phase 1 (points 1-12),
        phase 2 (points 13-24).'``
    """

    ids: IntArray
    bounds: tuple[tuple[int, int], ...]
    labels: tuple[str, ...]
    sentence: str

    @property
    def n_phases(self) -> int:
        """Number of phases."""
        return len(self.bounds)


def _describe(
    bounds: list[tuple[int, int]], labels: list[str], names: tuple[str, ...] | None
) -> str:
    if len(bounds) == 1:
        start, stop = bounds[0]
        return f"One phase ({span_text(start, stop, names)})."
    parts = [
        f"{lab} ({span_text(a, b, names)})" for (a, b), lab in zip(bounds, labels, strict=True)
    ]
    return f"{len(bounds)} phases: " + ", ".join(parts) + "."


def split_phases(n: int, part: Any = None, *, labels: Any = None) -> PhaseSplit:
    """Turn a ``part`` argument into phase ids and bounds.

    Parameters
    ----------
    n : int
        Number of points in the chart.
    part : None, int, sequence of int, or sequence of labels
        ``None`` gives one phase. An int or a sequence of ints (shorter than
        ``n``) gives 0-based positions where a new phase starts. A sequence of
        length ``n`` gives one label per point.
    labels : sequence, optional
        One period label per point (dates or strings), naming the phases'
        first and last periods in ``sentence`` instead of point numbers.

    Returns
    -------
    PhaseSplit
        ``ids`` (phase number per point), ``bounds`` and ``labels``.

    Raises
    ------
    ValueError
        If a split position is outside ``1 .. n-1`` or not a whole number, or
        if a label reappears after another phase has started.

    Examples
    --------
    >>> from pdcakit.spc import split_phases
    >>> split_phases(6, part=[2, 4]).bounds
    ((0, 2), (2, 4), (4, 6))
    >>> split_phases(4, part=["before", "before", "after", "after"]).labels
    ('before', 'after')
    >>> split_phases(4, part=[2], labels=["2024-01", "2024-02", "2024-03", "2024-04"]).sentence
    '2 phases: phase 1 (2024-01 to 2024-02), phase 2 (2024-03 to 2024-04).'
    """
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"n must be a non-negative whole number, got {n!r}")
    n = int(n)
    names = period_names(labels, n)
    if part is None:
        bounds = [(0, n)]
        labels = ["phase 1"]
    else:
        if hasattr(part, "to_numpy"):
            part = part.to_numpy()
        arr = np.asarray([part] if np.ndim(part) == 0 else part, dtype=object)
        if arr.ndim != 1:
            raise ValueError(f"part must be one-dimensional, got shape {arr.shape}")
        if arr.size == n and n > 0:
            bounds, labels = _from_labels(arr)
        else:
            bounds, labels = _from_splits(arr, n)
    ids = np.repeat(np.arange(len(bounds), dtype=np.int64), [b - a for a, b in bounds])
    return PhaseSplit(
        ids=frozen_array(ids, dtype=np.int64),
        bounds=tuple(bounds),
        labels=tuple(labels),
        sentence=_describe(bounds, labels, names),
    )


def _from_splits(arr: np.ndarray, n: int) -> tuple[list[tuple[int, int]], list[str]]:
    try:
        if any(isinstance(v, (bool, np.bool_, str)) for v in arr):
            raise TypeError
        as_float = arr.astype(float)
    except (TypeError, ValueError):
        raise ValueError(
            f"part has {arr.size} entries for {n} points: give one label per point, "
            "or whole-number positions where a new phase starts"
        ) from None
    if np.any(as_float != np.round(as_float)):
        raise ValueError("phase split positions in part must be whole numbers")
    splits = np.unique(as_float.astype(np.int64))
    bad = splits[(splits < 1) | (splits > n - 1)]
    if bad.size:
        raise ValueError(
            f"phase split position {int(bad[0])} is outside 1..{n - 1} "
            f"(a new phase must start after the first point and at or before the last, n={n})"
        )
    edges = [0, *splits.tolist(), n]
    bounds = [(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
    return bounds, [f"phase {i + 1}" for i in range(len(bounds))]


def _from_labels(arr: np.ndarray) -> tuple[list[tuple[int, int]], list[str]]:
    keys = np.array([str(v) for v in arr.tolist()], dtype=object)
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts = [0, *change.tolist()]
    stops = [*change.tolist(), keys.size]
    labels = [str(keys[s]) for s in starts]
    seen: set[str] = set()
    for label in labels:
        if label in seen:
            raise ValueError(
                f"phase label {label!r} appears in more than one stretch of points; "
                "each phase must be one contiguous block"
            )
        seen.add(label)
    return list(zip(starts, stops, strict=True)), labels


def check_freeze(freeze: int | None, split: PhaseSplit) -> int | None:
    """Validate ``freeze`` (2 .. length of the first phase) and return it as an int."""
    if freeze is None:
        return None
    if isinstance(freeze, bool) or int(freeze) != freeze:
        raise ValueError(f"freeze must be a whole number of points, got {freeze!r}")
    freeze = int(freeze)
    first_len = split.bounds[0][1] - split.bounds[0][0]
    if freeze < 2 or freeze > first_len:
        where = "the first phase" if split.n_phases > 1 else "the data"
        raise ValueError(
            f"freeze={freeze} must be between 2 and the length of {where} ({first_len})"
        )
    return freeze
