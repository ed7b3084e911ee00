"""Merging a translator's hand-off file into a language's catalogue, and what is left.

Helpers who may not edit ``pdcakit.po`` while someone else does hand their translations
over in a separate ``.po`` (``docs/handoff-*.po``). :func:`merge` adds each hand-off
entry the catalogue lacks or has untranslated (a translation already in the catalogue
wins), after checking that its ``{placeholders}`` are the message's own;
:func:`untranslated` lists the messages marked in the code (extracted as
``tests/test_words.py`` extracts them) that the catalogue still does not translate.

From the command line (writes the catalogue, prints what it did, exits 1 while a
marked message lacks a translation)::

    python -m pdcakit.words.handoff docs/handoff-zh-new.po [--catalogue PATH]

>>> _fields("{name} fell from {before}") == _fields("{before}：{name}下降")
True
"""

from __future__ import annotations

import argparse
import contextlib
import io
import string
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from pdcakit.words import catalogue_path

__all__ = ["Merged", "merge", "untranslated"]

#: The keywords ``make catalogues`` and tests/test_words.py extract with.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LIBRARY = Path(__file__).parents[1]


@dataclass(frozen=True)
class Merged:
    """What :func:`merge` did: the message ids it ``added`` (new or untranslated in the
    catalogue) and those it ``kept`` (the catalogue already translated them)."""

    added: tuple[str, ...]
    kept: tuple[str, ...]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _texts(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _check_placeholders(path: Path, catalog: Catalog) -> None:
    """A ValueError naming every entry of ``path`` whose translation's placeholders are
    not its message's (``{count}`` may be left out of a plural form)."""
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = _texts(message.id)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in _texts(message.string):
            found = _fields(text)
            if text and found != wanted and not (len(ids) > 1 and found == wanted - {"count"}):
                wrong.append(f"  {_key(message.id)!r}: {sorted(found)} instead of "
                             f"{sorted(wanted)}")
    if wrong:
        raise ValueError(f"{path}: {len(wrong)} translation(s) name other placeholders than "
                         "their message; make each msgstr use exactly the msgid's {names}:\n"
                         + "\n".join(wrong))


def merge(handoffs: Sequence[Path], catalogue: Path, out: Path | None = None) -> Merged:
    """Add the translations of ``handoffs`` to ``catalogue`` and write it to ``out``
    (default: over ``catalogue``); an entry the catalogue already translates is kept as
    it is. Raises ValueError (naming the file and entries) when a hand-off translation's
    placeholders differ from its message's; nothing is written then."""
    target = _read(catalogue)
    added, kept = [], []
    for path in handoffs:
        source = _read(path)
        _check_placeholders(path, source)
        for message in source:
            if not message.id or not all(_texts(message.string)):
                continue
            present = target.get(_key(message.id))
            if present is not None and all(_texts(present.string)):
                kept.append(_key(message.id))
                continue
            target[message.id] = message
            added.append(_key(message.id))
    with (out or catalogue).open("wb") as handle:
        write_po(handle, target, width=76)
    return Merged(tuple(added), tuple(kept))


def untranslated(catalogue: Path, library: Path = LIBRARY) -> list[str]:
    """The messages marked in ``library``'s code that ``catalogue`` does not translate
    (every plural form filled), sorted."""
    known = _read(catalogue)
    with contextlib.redirect_stderr(io.StringIO()):  # Babel's notes on f-string arguments
        found = [message for _file, _line, message, _comments, _context in extract_from_dir(
            str(library), keywords=KEYWORDS, comment_tags=())]
    missing = set()
    for message in found:
        entry = known.get(_key(message))
        if entry is None or not all(_texts(entry.string)):
            missing.add(_key(message))
    return sorted(missing)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pdcakit.words.handoff",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("handoffs", nargs="+", type=Path, help="hand-off .po files")
    parser.add_argument("--catalogue", type=Path, default=catalogue_path("zh-CN"),
                        help="the catalogue to merge into (default: the zh-CN pdcakit.po)")
    args = parser.parse_args(argv)
    done = merge(args.handoffs, args.catalogue)
    print(f"{args.catalogue}: {len(done.added)} translations added, {len(done.kept)} "
          "already there kept")
    missing = untranslated(args.catalogue)
    for message in missing:
        print(f"  no translation: {message!r}")
    print(f"{len(missing)} marked messages without a translation"
          + ("; run make catalogues next" if not missing else ""))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
