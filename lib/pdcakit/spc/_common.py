"""Shared helpers for :mod:`pdcakit.spc`: input checks, JSON conversion, wording.

Nothing here is public API; the result classes and chart functions import it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..fileio import plain

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


class derived:
    """A read-only result attribute computed from the stored fields, listed by ``as_dict()``.

    Like ``property``; :func:`to_jsonable` writes these next to the dataclass fields, so
    a value that is derived rather than stored still reaches results.json.
    """

    def __init__(self, fget: Callable[[Any], Any]) -> None:
        self.fget = fget
        self.__doc__ = fget.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else self.fget(obj)


class last_phase(derived):
    """A :class:`derived` attribute read from the last phase: ``result.phases[-1].<name>``.

    >>> from pdcakit import spc
    >>> r = spc.i_chart([1, 2, 1, 2, 8, 9, 8, 9], part=[4])
    >>> r.centre == r.phases[-1].centre == 8.5, "centre" in r.as_dict()
    (True, True)
    """

    def __init__(self, doc: str = "") -> None:
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.__doc__ = self.__doc__ or f"``phases[-1].{name}``: {name} of the last phase."

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj.phases[-1], self.name)


def derived_names(cls: type) -> Iterator[str]:
    """Names of the :class:`derived` attributes of ``cls`` (base classes first)."""
    seen: set[str] = set()
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, derived) and name not in seen:
                seen.add(name)
                yield name


def to_jsonable(obj: Any) -> Any:
    """Convert results to plain JSON-ready Python (NaN and inf become None).

    A dataclass gives its fields, then its :class:`derived` attributes.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in derived_names(type(obj)):
            out[name] = to_jsonable(getattr(obj, name))
        return out
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    return plain(obj)


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


class PhasedResult(ResultMixin):
    """A chart result with ``phases``: ``signal`` reads the last phase, ``any_signal`` all.

    Every other last-phase value is declared with :func:`last_phase` on the result class,
    so a result stores each phase once and its scalar fields cannot drift from it.
    """

    phases: tuple[Any, ...]

    signal = last_phase("The last phase has a signal.")

    @derived
    def any_signal(self) -> bool:
        """Any phase has a signal."""
        return any(p.signal for p in self.phases)


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


#: Most period labels a sentence lists before "and N more".
MAX_NAMED = 5

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_names(labels: Any, n: int) -> tuple[str, ...] | None:
    """Readable names of the ``n`` points from ``labels`` (None when no labels are given).

    Dates (pandas Timestamps, ``datetime``, ``date``, ``numpy.datetime64``) read as
    ``'3 Jun 2024'``; when every date is the first of a month, as ``'Jun 2024'``; when
    consecutive dates are whole weeks apart (gaps allowed), as ``'week of 3 Jun 2024'``;
    a time of day other than midnight is added as ``'14:30'``. Month names are English
    whatever the locale. Any other label is used as written (``str``).

    >>> import pandas as pd
    >>> period_names(pd.date_range("2024-01-01", periods=3, freq="MS"), 3)
    ('Jan 2024', 'Feb 2024', 'Mar 2024')
    >>> period_names(pd.to_datetime(["2024-06-03", "2024-06-10", "2024-07-01"]), 3)
    ('week of 3 Jun 2024', 'week of 10 Jun 2024', 'week of 1 Jul 2024')
    >>> period_names(["2024年3月", "2024年4月"], 2)
    ('2024年3月', '2024年4月')
    """
    if labels is None:
        return None
    if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__"):
        raise ValueError(f"labels must be a sequence with one period label per point, "
                         f"got {type(labels).__name__}")
    items = list(labels)
    if len(items) != n:
        raise ValueError(f"labels has {len(items)} entries but the chart has {n} points: "
                         "give one period label per point")
    if items and all(isinstance(v, (dt.date, np.datetime64)) for v in items):
        return _date_names(items)
    return tuple(str(v) for v in items)


def _as_datetime(value: dt.date | np.datetime64, position: int) -> dt.datetime:
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").item()
    if value is None or value != value:  # NaT
        raise ValueError(f"labels has a missing date at position {position}: "
                         "give every point a period label")
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return value


def _date_names(items: list[Any]) -> tuple[str, ...]:
    stamps = [_as_datetime(v, i) for i, v in enumerate(items)]
    timed = any(s.time() != dt.time() for s in stamps)

    def day(s: dt.datetime) -> str:
        text = f"{s.day} {_MONTHS[s.month - 1]} {s.year}"
        return f"{text} {s:%H:%M}" if timed else text

    if not timed and all(s.day == 1 for s in stamps):
        return tuple(f"{_MONTHS[s.month - 1]} {s.year}" for s in stamps)
    steps = [(b.date() - a.date()).days for a, b in itertools.pairwise(stamps)]
    if not timed and steps and all(d > 0 and d % 7 == 0 for d in steps):
        return tuple(f"week of {day(s)}" for s in stamps)
    return tuple(day(s) for s in stamps)


def the_period(name: str) -> str:
    """A period named on its own: ``'the week of 3 Jun 2024'``, ``'Mar 2024'``.

    A label starting with a lower-case letter (``'week of ...'``) is a common noun and
    takes "the"; dates, numbers and other labels are used as they are.
    """
    return f"the {name}" if name[:1].isascii() and name[:1].islower() else name


def name_periods(positions: Sequence[int] | np.ndarray, names: Sequence[str],
                 limit: int = MAX_NAMED) -> str:
    """``'Mar 2024, Jul 2024, Nov 2024'``; past ``limit`` names, ``'... and 3 more'``."""
    items = [names[int(i)] for i in positions]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def span_text(start: int, stop: int, names: Sequence[str] | None = None) -> str:
    """The stretch ``values[start:stop]``: ``'points 1-12'``, or ``'Jan 2024 to Dec 2024'``."""
    if names is None:
        return f"points {start + 1}-{stop}"
    if stop - start == 1:
        return names[start]
    return f"{names[start]} to {names[stop - 1]}"


def _list_points(idx: Sequence[int] | np.ndarray, limit: int = 8) -> str:
    items = [str(int(i)) for i in idx]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return ", ".join(items)


def list_points(mask: BoolArray, limit: int = 8) -> str:
    """1-based point numbers where ``mask`` is true, e.g. ``'3, 15, 23'``."""
    return _list_points(np.flatnonzero(mask) + 1, limit)
