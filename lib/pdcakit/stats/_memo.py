"""Results of pure computations on arrays, kept by the arrays' content for the next call.

The compare stage asks for the same sorted durations and the same bootstrap resamples
several times per KPI (the KPI's summary, the log-rank test, the median ratio, the shape
check): each is computed once and looked up after that by a digest of the input bytes
(BLAKE2b, 128 bits), never by object identity, so an array changed in place is a new
key. Kept within a number of entries and of bytes; a result larger than the byte budget
is computed and not kept. Results are returned read-only (callers copy to change them).

>>> cache = ContentCache(entries=2, budget_bytes=1 << 20)
>>> calls = []
>>> def doubled(x):
...     calls.append(1)
...     return x * 2
>>> x = np.arange(3.0)
>>> cache.get(("double", content_key(x)), lambda: doubled(x)).tolist()
[0.0, 2.0, 4.0]
>>> _ = cache.get(("double", content_key(x)), lambda: doubled(x)); len(calls)
1
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["ContentCache", "content_key"]


def content_key(*arrays: np.ndarray) -> tuple:
    """A key naming the arrays' dtypes, shapes and bytes.

    >>> content_key(np.zeros(2)) == content_key(np.zeros(2)), content_key(np.zeros(2)) == \
content_key(np.zeros(2, np.float32))
    (True, False)
    """
    digest = hashlib.blake2b(digest_size=16)
    shapes = []
    for array in arrays:
        array = np.ascontiguousarray(array)
        shapes.append((array.dtype.str, array.shape))
        digest.update(array.data)
    return (tuple(shapes), digest.hexdigest())


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ndarray):
        return value.nbytes
    if isinstance(value, tuple):
        return sum(_nbytes(v) for v in value)
    return 0


def _frozen(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple):
        for v in value:
            _frozen(v)
    return value


class ContentCache:
    """Least recently used results, at most ``entries`` of them and ``budget_bytes`` of
    arrays in all."""

    def __init__(self, entries: int, budget_bytes: int) -> None:
        self.entries = entries
        self.budget_bytes = budget_bytes
        self._kept: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The kept result for ``key``, else ``compute()`` (kept when it fits)."""
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        value = _frozen(compute())
        size = _nbytes(value)
        if size <= self.budget_bytes:
            self._kept[key] = value
            while (len(self._kept) > self.entries
                   or sum(_nbytes(v) for v in self._kept.values()) > self.budget_bytes):
                self._kept.popitem(last=False)
        return value

    def clear(self) -> None:
        self._kept.clear()
