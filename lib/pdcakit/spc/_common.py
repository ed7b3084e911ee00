"""Shared helpers for :mod:`pdcakit.spc`: input checks, JSON conversion, wording.

Nothing here is public API; the result classes and chart functions import it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: d2 for moving ranges of two consecutive points (Montgomery, Introduction to
#: Statistical Quality Control, Appendix VI, n = 2). sigma = MR-bar / d2, so the
#: 3-sigma half-width of an individuals chart is 3 / 1.128 = 2.6596 MR-bar,
#: the constant usually rounded to 2.66.
D2_MOVING_RANGE = 1.128

#: D4 for moving ranges of two points (Montgomery, Appendix VI, n = 2): the
#: upper limit of a moving-range chart is D4 x MR-bar; D3 = 0 gives lcl = 0.
D4_MOVING_RANGE = 3.267

#: Fewest non-missing points any chart accepts.
MIN_POINTS = 2


def as_series(values: Any, name: str = "values") -> FloatArray:
    """Return ``values`` as a 1-D float array (missing values become NaN).

    Accepts lists, tuples, numpy arrays and pandas Series (including the
    nullable dtypes, whose ``pd.NA`` becomes NaN). Infinite values and
    non-numeric input raise ``ValueError`` naming the argument.
    """
    if hasattr(values, "to_numpy"):
        try:
            arr = values.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric: {exc}") from None
    else:
        if values is None:
            raise ValueError(f"{name} is missing (got None)")
        try:
            arr = np.array(values, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{name} must be numeric: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        bad = np.flatnonzero(np.isinf(arr))[:5] + 1
        raise ValueError(f"{name} contains infinite values (points {_list_points(bad)})")
    return arr


def require_points(n: int, need: int = MIN_POINTS, where: str = "") -> None:
    """Raise ``ValueError('not enough data: n=1, need >= 2')`` when ``n < need``."""
    if n < need:
        raise ValueError(f"not enough data: n={n}, need >= {need}{where}")


def frozen_array(arr: npt.ArrayLike, dtype: Any = None) -> np.ndarray:
    """A read-only copy of ``arr`` (result objects are immutable)."""
    out = np.array(arr, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


def moving_ranges(y: FloatArray) -> FloatArray:
    """``|y[i] - y[i-1]|`` per point, NaN for the first point.

    A moving range next to a missing value is NaN too: two points either side
    of a gap are not consecutive, so their difference is not used (as in
    qicharts2; qcc instead pairs the values across the gap).
    """
    mr = np.full(y.shape, np.nan)
    if y.size > 1:
        mr[1:] = np.abs(np.diff(y))
    return mr


def average_moving_range(mr: FloatArray, *, screen: bool = False) -> float:
    """Mean of the non-missing moving ranges, optionally screened (Nelson 1982).

    With ``screen=True`` moving ranges at or above ``D4 x MR-bar`` are dropped
    and the mean recomputed once, as qicharts2 does with its default option
    ``qic.screenedmr = TRUE``.
    """
    mr = mr[~np.isnan(mr)]
    if mr.size == 0:
        return math.nan
    amr = float(mr.mean())
    if screen and amr > 0:
        kept = mr[mr < D4_MOVING_RANGE * amr]
        if kept.size:
            amr = float(kept.mean())
    return amr


def to_jsonable(obj: Any) -> Any:
    """Convert results to plain JSON-ready Python (NaN and inf become None)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    return obj


class ResultMixin:
    """Gives every result dataclass ``as_dict()`` and a readable ``str()``."""

    sentence: str

    def as_dict(self) -> dict[str, Any]:
        """All fields as JSON-ready plain Python (lists, floats, ints, bools, None).

        Arrays become lists, numpy scalars become Python numbers, and missing
        or undefined numbers (NaN) become ``None``, so the result passes
        ``json.dumps(..., allow_nan=False)``.
        """
        return to_jsonable(self)

    def __str__(self) -> str:
        return self.sentence


def fmt(x: float | None, digits: int = 4) -> str:
    """A number for a sentence: ``digits`` significant figures, no exponent."""
    if x is None or not math.isfinite(x):
        return "undefined"
    if x == 0:
        return "0"
    text = np.format_float_positional(
        float(x), precision=digits, unique=True, fractional=False, trim="-"
    )
    return "0" if text in ("-0", "0.") else text


def fmt_pct(x: float | None, digits: int = 3) -> str:
    """A proportion as a percentage for a sentence (0.2313 -> '23.1%')."""
    if x is None or not math.isfinite(x):
        return "undefined"
    return f"{fmt(100 * x, digits)}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``'1 point'`` / ``'3 points'``."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _list_points(idx: Sequence[int] | np.ndarray, limit: int = 8) -> str:
    items = [str(int(i)) for i in idx]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def list_points(mask: BoolArray, limit: int = 8) -> str:
    """1-based point numbers where ``mask`` is true, e.g. ``'3, 15, 23'``."""
    return _list_points(np.flatnonzero(mask) + 1, limit)
