"""Column-name helpers: normalising, de-duplicating and suggesting names.

>>> normalize_name("  Created At ")
'created_at'
>>> dedupe_names(["id", "", "id"])
['id', 'Unnamed: 1', 'id.1']
>>> closest_names("creatd_at", ["id", "created_at", "channel"])
['created_at']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pdcakit.suggest import closest, normalize_name

__all__ = ["closest_names", "column_letter", "dedupe_names", "describe_columns",
           "normalize_name", "repeated_headers"]

def dedupe_names(names: Iterable[Any]) -> list[str]:
    """Header cells as unique strings: stripped, blanks named, repeats numbered.

    Blank header cells become ``"Unnamed: i"`` (``i`` = 0-based position) and a
    repeated name gets ``.1``, ``.2`` ... as pandas does.
    """
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names):
        name = "" if raw is None else str(raw).replace("\ufeff", "").strip()
        if not name:
            name = f"Unnamed: {i}"
        base, k = name, seen.get(name, 0)
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen[base] = k
        seen[name] = 0
        out.append(name)
    return out


def repeated_headers(raw: Sequence[Any], names: Sequence[str]) -> dict[str, str]:
    """``{unique name: header as written}`` for the header cells written more than once.

    >>> repeated_headers(["id", "created_at", "created_at"], ["id", "created_at", "created_at.1"])
    {'created_at': 'created_at', 'created_at.1': 'created_at'}
    """
    written = ["" if r is None else str(r).replace("\ufeff", "").strip() for r in raw]
    counts: dict[str, int] = {}
    for w in written:
        counts[w] = counts.get(w, 0) + 1
    return {n: w for w, n in zip(written, names, strict=False) if w and counts[w] > 1}


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position.

    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    n = position + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def closest_names(name: str, available: Sequence[str], n: int = 3) -> list[str]:
    """Up to ``n`` available names that look like ``name`` (one rule: :mod:`pdcakit.suggest`)."""
    return closest(name, available, n)


def describe_columns(available: Sequence[str], limit: int = 40) -> str:
    """``'id', 'created_at', ...`` (at most ``limit`` names, then a count)."""
    shown = ", ".join(repr(a) for a in list(available)[:limit])
    if len(available) > limit:
        shown += f" and {len(available) - limit} more"
    return shown or "(none)"
