"""Rows whose time falls in [start, end): a slice, not a copy, when the times are sorted.

Exports are usually in creation order. Then the window is a contiguous block
found by binary search, and ``iloc`` returns it without copying (pandas
copy-on-write shares the data until someone writes), which at a million
tickets saves a copy of the table per window. Unsorted or incomplete times fall
back to a boolean mask, with the same rows in the same order.

>>> import pandas as pd
>>> t = pd.DataFrame({"at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-09"])})
>>> between(t, "at", pd.Timestamp("2026-01-02"), pd.Timestamp("2026-01-09")).index.tolist()
[1]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["between"]


def _like(times: pd.Series, bound: pd.Timestamp | None) -> pd.Timestamp | None:
    """``bound`` in the time zone of ``times`` (naive stays naive)."""
    if bound is None:
        return None
    bound = pd.Timestamp(bound)
    tz = getattr(times.dtype, "tz", None)
    if tz is not None and bound.tzinfo is None:
        return bound.tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    if tz is None and bound.tzinfo is not None:
        return bound.tz_convert("UTC").tz_localize(None)
    return bound


def between(frame: pd.DataFrame, column: str, start: pd.Timestamp | None,
            end: pd.Timestamp | None) -> pd.DataFrame:
    """Rows with ``start <= frame[column] < end`` (None: open end), in their original order.

    Naive bounds on time-zone-aware times are local times of that zone (aware bounds on
    naive times are taken in UTC), so a window given as dates works either way.

    >>> t = pd.DataFrame({"at": pd.to_datetime(["2026-03-29 00:30", "2026-03-29 03:00"])
    ...                   .tz_localize("Europe/London")})
    >>> len(between(t, "at", pd.Timestamp("2026-03-29 02:30"), None))
    1
    """
    times = frame[column]
    start, end = (_like(times, b) for b in (start, end))
    if times.is_monotonic_increasing and not times.hasnans:
        first = 0 if start is None else int(times.searchsorted(start, side="left"))
        last = len(frame) if end is None else int(times.searchsorted(end, side="left"))
        return frame.iloc[first:max(first, last)]
    keep = times.notna()
    if start is not None:
        keep &= times >= start
    if end is not None:
        keep &= times < end
    return frame[keep.to_numpy(dtype=bool)]
