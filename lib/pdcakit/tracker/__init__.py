"""The PDCA tracker: cycle records, the moves through Plan-Do-Check-Act, predictions, and the
reviewer pages (cycle pages and the portfolio).

``pdcakit.tracker`` was one module before; its names (``advance``, ``act``, ...) live in
:mod:`pdcakit.tracker.moves` and are still reachable here.
"""

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    import importlib

    moves = importlib.import_module("pdcakit.tracker.moves")
    try:
        return getattr(moves, name)
    except AttributeError:
        raise AttributeError(f"module 'pdcakit.tracker' has no attribute {name!r}") from None
