"""The catalogue's gettext flags kept true: no message here is a ``%`` format string.

Babel flags every message whose text looks like an old-style Python format as
``python-format`` (it reads "95% limits" as holding ``% li``, a conversion), at every
extraction and every read; GNU ``msgfmt --check`` then rejects the Chinese text ("95% 界限")
as a format string unlike its message id. The project's messages are filled with named
``{placeholders}`` only (:meth:`pdcakit.words.Words._`), never with ``%``, so the flag is
wrong on every message; :func:`drop_percent_flags` removes it from a ``.po`` file (the
``python-brace-format`` flag, which is true, stays). ``make catalogues`` runs it after
``pybabel update`` (``python -m pdcakit.words.flags``), and so does every writer of the
catalogue here.

>>> from babel.messages.catalog import Catalog
>>> catalog = Catalog(locale="zh_CN")
>>> message = catalog.add("95% limits", "95% 界限")
>>> sorted(message.flags), drop_flags(catalog), sorted(message.flags)
(['python-format'], 1, [])
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["drop_flags", "drop_percent_flags", "main"]

#: The flag Babel adds to a message with a ``%`` sign that reads like a conversion.
PERCENT_FLAG = "python-format"


def drop_flags(catalog: Any) -> int:
    """Remove the ``python-format`` flag from every message of a Babel ``catalog`` (in
    place); how many carried it."""
    dropped = 0
    for message in catalog:
        if message.id and PERCENT_FLAG in message.flags:
            message.flags.discard(PERCENT_FLAG)
            dropped += 1
    return dropped


def drop_percent_flags(path: str | Path) -> int:
    """Rewrite the ``.po`` file ``path`` without ``python-format`` flags (untouched when
    none is there); how many messages carried one."""
    from babel.messages.pofile import read_po, write_po

    path = Path(path)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    dropped = drop_flags(catalog)
    if dropped:
        with path.open("wb") as handle:
            write_po(handle, catalog, width=76, include_previous=False)
    return dropped


def main(argv: list[str] | None = None) -> int:
    """``python -m pdcakit.words.flags [FILE.po ...]`` (default: every language's
    catalogue): drop the wrong flags, saying how many."""
    from pdcakit.words import LANGUAGES, catalogue_path

    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)] or [
        catalogue_path(code) for code in LANGUAGES if code != "en"]
    for path in paths:
        print(f"{path}: {drop_percent_flags(path)} python-format flags dropped")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
