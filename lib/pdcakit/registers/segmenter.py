"""A jieba segmenter that reads its dictionary word by word from an index on disk.

jieba's own :class:`jieba.Tokenizer` loads its whole dictionary (about 500,000 words and
prefixes) before cutting the first sentence: about a second on every run, whatever the
number of feedback items. Cutting a sentence only asks the dictionary about pieces of
that sentence (jieba's ``get_DAG``, ``calc``, ``add_word`` and ``suggest_freq`` look words
up by ``in``, ``[]`` and ``get``, and use the dictionary's ``total``). So the same
tokenizer, given a dictionary that answers those look-ups from an index, cuts every
sentence exactly as the loaded one does, and pays only for the pieces it asks about.

The index is a SQLite file built once per jieba dictionary (its version, size and
modification time name the file) under the user's cache folder (``PDCAKIT_CACHE_DIR``,
else ``$XDG_CACHE_HOME/pdcakit``, else ``~/.cache/pdcakit``), written to a temporary
file and moved into place, so runs side by side never read a half-written index. Where
no index can be written, the tokenizer loads the whole dictionary as jieba does: slower,
same words.

>>> cut = segmenter(("傲慢", "回复慢"))
>>> cut.lcut("客服态度傲慢，回复慢")
['客服', '态度', '傲慢', '，', '回复慢']
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["cache_dir", "index_path", "segmenter"]

_SCHEMA = 1


def cache_dir() -> Path:
    """Where pdcakit keeps what it can rebuild: ``PDCAKIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/pdcakit``, else ``~/.cache/pdcakit``."""
    given = os.environ.get("PDCAKIT_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pdcakit"


def _dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def index_path() -> Path:
    """The index file of the installed jieba dictionary (named by jieba's version and the
    dictionary file's size and modification time, so an upgrade builds a new one)."""
    import jieba

    stat = _dictionary().stat()
    name = (f"jieba-{jieba.__version__}-{stat.st_size}-{stat.st_mtime_ns}-"
            f"v{_SCHEMA}.sqlite")
    return cache_dir() / name


def _build(target: Path) -> None:
    """Write jieba's loaded dictionary (words, prefixes, total) into ``target``."""
    import jieba

    full = jieba.Tokenizer()
    full.initialize()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    os.close(fd)
    try:
        with contextlib.closing(sqlite3.connect(tmp)) as db:
            db.execute("CREATE TABLE freq (word TEXT PRIMARY KEY, n INTEGER NOT NULL) "
                       "WITHOUT ROWID")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            db.executemany("INSERT INTO freq VALUES (?, ?)", full.FREQ.items())
            db.execute("INSERT INTO meta VALUES ('total', ?)", (int(full.total),))
            db.commit()
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


class _IndexedFreq(dict):  # type: ignore[type-arg]
    """jieba's word -> frequency dictionary, each word fetched from the index on its first
    look-up and kept (words taught with ``add_word`` are set as in a plain dict)."""

    def __init__(self, lookup: Callable[[str], int | None]) -> None:
        super().__init__()
        self._lookup = lookup
        self._absent: set[str] = set()

    def _has(self, word: Any) -> bool:
        if dict.__contains__(self, word):
            return True
        if word in self._absent or not isinstance(word, str):
            return False
        n = self._lookup(word)
        if n is None:
            self._absent.add(word)
            return False
        dict.__setitem__(self, word, n)
        return True

    def __contains__(self, word: Any) -> bool:
        return self._has(word)

    def __getitem__(self, word: Any) -> Any:
        if self._has(word):
            return dict.__getitem__(self, word)
        raise KeyError(word)

    def get(self, word: Any, default: Any = None) -> Any:
        return dict.__getitem__(self, word) if self._has(word) else default

    def __setitem__(self, word: Any, value: Any) -> None:
        self._absent.discard(word)
        dict.__setitem__(self, word, value)


def _indexed(path: Path) -> Any:
    """A tokenizer reading its dictionary from the index at ``path``."""
    import jieba

    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                         check_same_thread=False)
    (total,) = db.execute("SELECT value FROM meta WHERE key = 'total'").fetchone()
    query = "SELECT n FROM freq WHERE word = ?"

    def lookup(word: str) -> int | None:
        row = db.execute(query, (word,)).fetchone()
        return None if row is None else int(row[0])

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = _IndexedFreq(lookup)
    tokenizer.total = int(total)
    tokenizer.initialized = True
    tokenizer._pdcakit_index = db  # kept open as long as the tokenizer lives
    return tokenizer


def segmenter(words: Iterable[str] = ()) -> Any:
    """A :class:`jieba.Tokenizer` that cuts as jieba's default one does, with ``words``
    taught to it (``add_word``, in order), its dictionary read from the index
    (:func:`index_path`, built on first use); jieba's fully loaded one where the index
    cannot be built or read."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    path = index_path()
    tokenizer = None
    for attempt in range(2):  # a damaged index is built again, once
        try:
            if attempt or not path.is_file():
                _build(path)
            tokenizer = _indexed(path)
            break
        except (OSError, sqlite3.Error):
            continue
    if tokenizer is None:
        tokenizer = jieba.Tokenizer()
    for word in words:
        tokenizer.add_word(word)
    return tokenizer
