"""Where an input file is: ``demo:NAME`` for the bundled demo data, other paths as given.

A stage's default ``data_path`` is ``"demo:tickets.csv"``: it names the bundled demo
file, whatever the working directory, so a template's default run works from the
project root, from ``notebooks/`` or from a kernel whose directory papermill changed.
Any other relative path is taken against ``base`` (the folder where the user typed the
command; the current directory when not given).

>>> resolve_input("demo:tickets.csv").name
'tickets.csv'
>>> resolve_input("exports/t.csv", base=Path("/home/me")).as_posix()
'/home/me/exports/t.csv'
>>> is_demo("demo:surveys.csv"), is_demo("surveys.csv")
(True, False)
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import DataError
from .names import closest_names

__all__ = ["DEMO_PREFIX", "demo_dir", "demo_files", "input_label", "is_demo", "resolve_input"]

DEMO_PREFIX = "demo:"


def demo_dir() -> Path:
    """The folder holding the bundled demo files.

    ``lib/pdcakit/demo/`` when the package ships its own copy, else the source tree's
    ``data/demo/`` found relative to the package.
    """
    import pdcakit

    package = Path(pdcakit.__file__).resolve().parent
    bundled = package / "demo"
    return bundled if bundled.is_dir() else package.parents[1] / "data" / "demo"


def demo_files() -> list[str]:
    """Names of the demo files (``tickets.csv``, ``surveys.csv``, ...), sorted."""
    folder = demo_dir()
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def is_demo(path: str | os.PathLike[str]) -> bool:
    """True for a ``demo:NAME`` path."""
    return isinstance(path, str) and path.strip().startswith(DEMO_PREFIX)


def resolve_input(path: str | os.PathLike[str], *, base: Path | None = None) -> Path:
    """The file a user's path names: ``demo:NAME`` -> the demo file NAME; relative -> under
    ``base`` (default: the current directory); ``~`` expanded; absolute paths unchanged.

    Raises
    ------
    DataError
        ``demo:NAME`` with an unknown NAME (the message lists the demo files).

    >>> resolve_input("demo:tickets.cvs")
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: demo:tickets.cvs: no demo file named 'tickets.cvs'. \
Fix: did you mean 'tickets.csv'? The demo files are: ...
    """
    if is_demo(path):
        text = str(path).strip()
        name = text[len(DEMO_PREFIX):].strip()
        files = demo_files()
        if name not in files:  # also refuses '../x': only the folder's own files are named
            close = closest_names(name, files)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataError(f"no demo file named {name!r}", file=text,
                            fix=f"{hint}The demo files are: {', '.join(files) or '(none)'}; "
                                "write demo:<file>, e.g. demo:tickets.csv")
        return demo_dir() / name
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return (Path.cwd() if base is None else Path(base)) / p


def input_label(path: str | os.PathLike[str]) -> str:
    """How messages and ``attrs["source"]`` name an input: the path as the user gave it,
    or the demo file's full path for ``demo:NAME`` (so it can be found and hashed).

    >>> input_label("exports/t.csv")
    'exports/t.csv'
    >>> input_label("demo:tickets.csv").endswith("tickets.csv")
    True
    """
    return str(resolve_input(path)) if is_demo(path) else str(path)
