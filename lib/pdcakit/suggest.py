"""Close-name suggestions for every "did you mean" the project says: one rule everywhere.

Names are compared case-folded with spaces, dashes and dots read as ``_`` (so
``"Created At"`` finds ``created_at``), by :func:`difflib.get_close_matches` at its usual
cutoff of 0.6. Light (standard library only): the command line uses it before pandas loads.

>>> closest("creatd_at", ["id", "created_at", "channel"])
['created_at']
>>> did_you_mean("fcrr", ["fcr", "aht", "csat"])
"did you mean 'fcr'?"
>>> did_you_mean("zzz", ["fcr"])
''
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["closest", "did_you_mean", "normalize_name"]

_SEPARATORS = re.compile(r"[\s\-.]+")


def normalize_name(name: Any) -> str:
    """Case-folded name with spaces, dashes and dots turned into ``_`` (a BOM dropped).

    >>> normalize_name("  Created At ")
    'created_at'
    """
    text = str(name).replace("\ufeff", "").strip().casefold()
    return _SEPARATORS.sub("_", text).strip("_")


def closest(name: Any, choices: Iterable[Any], n: int = 3) -> list[str]:
    """Up to ``n`` of ``choices`` that look like ``name``, best first, as written in
    ``choices``."""
    by_norm: dict[str, str] = {}
    for choice in choices:
        by_norm.setdefault(normalize_name(choice), str(choice))
    hits = difflib.get_close_matches(normalize_name(name), list(by_norm), n=n, cutoff=0.6)
    return [by_norm[h] for h in hits]


def did_you_mean(name: Any, choices: Iterable[Any], n: int = 2) -> str:
    """``"did you mean 'a' or 'b'?"`` for the choices close to ``name``; ``""`` when none is."""
    close = closest(name, choices, n)
    return f"did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
