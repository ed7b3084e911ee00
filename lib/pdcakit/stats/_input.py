"""Input checks shared by the statistics modules: finite values, enough of them.

>>> finite([1.0, float("nan"), 3.0], "before").tolist()
[1.0, 3.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["finite"]


def finite(values: Sequence[float], label: str, minimum: int = 2) -> np.ndarray:
    """The finite values as a flat float array (the caller's own array when nothing is
    dropped: read it, do not write to it); a clear error naming the group when fewer
    than ``minimum``."""
    arr = np.asarray(values, dtype=float).reshape(-1)  # read-only use: may be the caller's data
    keep = np.isfinite(arr)
    if not keep.all():  # copy only when something is dropped
        arr = arr[keep]
    if arr.size < minimum:
        raise ValueError(f"not enough data: n={arr.size} in the {label} group, "
                         f"need >= {minimum}")
    return arr
