"""Split before/after tickets by a segment column (channel, site), skipping thin segments.

>>> import pandas as pd
>>> b = pd.DataFrame({"channel": ["chat"] * 12 + ["web"] * 3})
>>> parts, skipped = split_segments(b, b, "channel", min_n=10)
>>> [value for value, _, _ in parts], skipped
(['chat'], {'web': 'too few tickets (3 before, 3 after; need 10 each)'})
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

__all__ = ["Segments", "split_segments"]


class Segments(Sequence[tuple[str, pd.DataFrame, pd.DataFrame]]):
    """(value, before rows, after rows) per segment, each pair cut when it is reached.

    Only the row positions are kept, so looping over the segments holds one
    segment's rows at a time instead of a second copy of the whole table.
    """

    def __init__(self, before: pd.DataFrame, after: pd.DataFrame,
                 positions: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        self._before, self._after, self._positions = before, after, positions

    def __len__(self) -> int:
        return len(self._positions)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        value, rows_b, rows_a = self._positions[index]
        return value, self._before.take(rows_b), self._after.take(rows_a)

    def __iter__(self) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
        return (self[i] for i in range(len(self)))


def split_segments(before: pd.DataFrame, after: pd.DataFrame, column: str, *, min_n: int = 10,
                   columns: Sequence[str] | None = None) -> tuple[Segments, dict[str, str]]:
    """(value, before rows, after rows) per segment value, and why each thin one is left out.

    ``columns`` keeps only those columns (and ``column``) in the parts: a KPI needs a few.
    """
    if column not in before or column not in after:
        raise ValueError(f"segment column {column!r} is not in the tickets; columns: "
                         f"{', '.join(map(str, before.columns))}")
    if columns is not None:
        keep = [c for c in dict.fromkeys([*columns, column]) if c in before and c in after]
        before, after = before[keep], after[keep]
    # One groupby pass per window (not a boolean mask per value): O(n), not O(n x segments).
    rows_b, rows_a = (frame.groupby(column, observed=True, sort=False).indices
                      for frame in (before, after))
    empty = np.array([], dtype=np.intp)
    positions, skipped = [], {}
    for value in sorted(set(rows_b) | set(rows_a), key=str):
        part_b, part_a = rows_b.get(value, empty), rows_a.get(value, empty)
        if min(len(part_b), len(part_a)) < min_n:
            skipped[str(value)] = (f"too few tickets ({len(part_b)} before, {len(part_a)} "
                                   f"after; need {min_n} each)")
            continue
        positions.append((str(value), part_b, part_a))
    return Segments(before, after, positions), skipped
