"""Atomic file writes and checksums: a record is either the old or the new one, never half.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
>>> atomic_write_text(target, "hello")
>>> target.read_text()
'hello'
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

__all__ = ["atomic_write_json", "atomic_write_text", "atomic_write_yaml", "create_text",
           "current_umask",
           "sha256_file", "to_json"]


def current_umask() -> int:
    """The process's file-creation mask (read without changing it where the OS allows).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    try:  # Linux: the mask is in /proc, so nothing is changed, even for a moment
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: read it by setting it, then put it back
    os.umask(mask)
    return mask


def _complete_temp_file(target: Path, text: str, mode: int) -> Path:
    """``text`` written and synced to a new temporary file beside ``target``, with
    ``mode``; the caller renames or links it into place (and removes it on failure)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename.

    The file gets the permissions a plain ``open(path, "w")`` would give (0666 less the
    umask; an existing file keeps its own), so a team share or a web server can read the
    pages, results and records ``mkstemp``'s private 0600 would hide.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~current_umask()
    tmp = _complete_temp_file(target, text, mode)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to a new file ``path``, atomically; FileExistsError if it exists.

    The whole text is written to a temporary file first and then hard-linked to
    ``path``, which the OS refuses when ``path`` exists: two commands creating the same
    record at once get one success and one FileExistsError, never one file silently
    replacing the other (``exists()`` then ``os.replace`` would let both "succeed").

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "new.yaml"
    >>> create_text(target, "id: a\\n")
    >>> create_text(target, "id: b\\n")
    Traceback (most recent call last):
    ...
    FileExistsError: ... already exists
    """
    target = Path(path)
    tmp = _complete_temp_file(target, text, 0o666 & ~current_umask())
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(f"{target} already exists") from None
    finally:
        tmp.unlink(missing_ok=True)


def plain(value: Any) -> Any:
    """``value`` as plain JSON-ready Python: the one converter every result and file uses.

    NaN and infinities become None; numpy scalars and arrays become Python numbers and
    lists; tuples and sets lists; dates ISO text; paths text; mapping keys text.

    >>> import math
    >>> plain({"p": math.nan, "ci": (1.0, math.inf), 2: [True, None]})
    {'p': None, 'ci': [1.0, None], '2': [True, None]}
    """
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and getattr(value, "ndim", 0) > 0:  # numpy array
        return plain(value.tolist())
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "isoformat"):  # datetime, Timestamp
        return value.isoformat()
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _json_default(value: Any) -> Any:
    converted = plain(value)
    if converted is value:
        raise TypeError(f"cannot write {type(value).__name__} to JSON")
    return converted


def to_json(data: Any) -> str:
    """JSON text with readable indentation; NaN and infinities written as null."""
    text = json.dumps(plain(data), indent=2, ensure_ascii=False, default=_json_default)
    return text + "\n"


def atomic_write_json(path: str | os.PathLike[str], data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, atomically (NaN becomes null)."""
    atomic_write_text(path, to_json(data))


def atomic_write_yaml(path: str | os.PathLike[str], data: Any) -> None:
    """Write ``data`` as block-style YAML, atomically, keeping key order."""
    atomic_write_text(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def sha256_file(path: str | os.PathLike[str], chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
