"""Split before/after tickets by a segment column (channel, site), skipping thin segments.

>>> import pandas as pd
>>> b = pd.DataFrame({"channel": ["chat"] * 12 + ["web"] * 3})
>>> parts, skipped = split_segments(b, b, "channel", min_n=10)
>>> [value for value, _, _ in parts], skipped
(['chat'], {'web': 'too few tickets (3 before, 3 after; need 10 each)'})
"""

from __future__ import annotations

import pandas as pd

__all__ = ["split_segments"]


def split_segments(before: pd.DataFrame, after: pd.DataFrame, column: str, *, min_n: int = 10,
                   ) -> tuple[list[tuple[str, pd.DataFrame, pd.DataFrame]], dict[str, str]]:
    """(value, before rows, after rows) per segment value, and why each thin one is left out."""
    if column not in before or column not in after:
        raise ValueError(f"segment column {column!r} is not in the tickets; columns: "
                         f"{', '.join(map(str, before.columns))}")
    # One groupby pass per window (not a boolean mask per value): O(n), not O(n x segments).
    groups_b, groups_a = (dict(list(frame.groupby(column, observed=True, sort=False)))
                          for frame in (before, after))
    parts, skipped = [], {}
    for value in sorted(set(groups_b) | set(groups_a), key=str):
        part_b = groups_b.get(value, before.iloc[:0])
        part_a = groups_a.get(value, after.iloc[:0])
        if min(len(part_b), len(part_a)) < min_n:
            skipped[str(value)] = (f"too few tickets ({len(part_b)} before, {len(part_a)} "
                                   f"after; need {min_n} each)")
            continue
        parts.append((str(value), part_b, part_a))
    return parts, skipped
