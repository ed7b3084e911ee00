"""The stage notebooks' prose in the reader's language: their Markdown cells, one message
per heading, paragraph or list item, from the same catalogue as every other message.

The templates stay one file per stage, written in English; nothing is forked. ``make
catalogues`` extracts the prose of the jupytext sources (``notebooks/*.py``, the Markdown
cells a reviewer sees: not those tagged ``remove-cell``) with :func:`extract`, named in
``words/babel.cfg``; a page in another language translates each unit when it is
rendered (:func:`translate_notebook`, called by :mod:`pdcakit.run.render`), so its
headings, and the contents list built from them, follow.

A unit's message id is its text with the line breaks of the source turned into spaces
(re-wrapping a paragraph does not change it); the Markdown around it (``## ``, ``- ``)
stays outside the message. A unit the catalogue lacks stays in English.

>>> units("## 1. The data\\n\\nSome words\\nover two lines.\\n- one item")
[Unit(start=0, end=1, prefix='## ', text='1. The data'), \
Unit(start=2, end=4, prefix='', text='Some words over two lines.'), \
Unit(start=4, end=5, prefix='- ', text='one item')]
>>> translate_markdown("## Summary", "zh-CN")
'## 摘要'
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from pdcakit.words import translation

__all__ = ["Unit", "extract", "markdown_cells", "translate_markdown", "translate_notebook",
           "units"]

_HEADING = re.compile(r"^(#{1,6}\s+)(.*?)\s*$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d{1,2}[.)])\s+)(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
#: A jupytext "percent" cell marker, and the tags of a Markdown cell's marker line.
_CELL = re.compile(r"^# %%(.*)$")
_HIDDEN_TAGS = ("remove-cell",)


@dataclass(frozen=True)
class Unit:
    """One translatable piece of a Markdown cell: lines ``start`` to ``end`` (exclusive)
    of its source, the Markdown ``prefix`` kept as it is, and the message ``text``."""

    start: int
    end: int
    prefix: str
    text: str


def units(source: str) -> list[Unit]:
    """The headings, paragraphs and list items of Markdown ``source``, in order (fenced
    code, HTML lines, table rows and blank lines are not units: a table's cells are
    data, and joining its rows would break it)."""
    lines = source.splitlines()
    found: list[Unit] = []
    open_unit: tuple[int, str, list[str]] | None = None  # start, prefix, lines
    fenced = False

    def close(end: int) -> None:
        nonlocal open_unit
        if open_unit is not None:
            start, prefix, parts = open_unit
            found.append(Unit(start, end, prefix, " ".join(p.strip() for p in parts)))
            open_unit = None

    for i, line in enumerate(lines):
        if _FENCE.match(line):
            close(i)
            fenced = not fenced
            continue
        if fenced or not line.strip() or line.lstrip().startswith(("<", "|")):
            close(i)
            continue
        heading, item = _HEADING.match(line), _ITEM.match(line)
        if heading:
            close(i)
            found.append(Unit(i, i + 1, heading.group(1), heading.group(2)))
        elif item:
            close(i)
            open_unit = (i, item.group(1), [item.group(2)])
        elif open_unit is None:
            open_unit = (i, "", [line])
        else:
            open_unit[2].append(line)
    close(len(lines))
    return found


def translate_markdown(source: str, language: str) -> str:
    """Markdown ``source`` with each unit the catalogue of ``language`` knows translated
    (on one line); everything else, blank lines included, as it was."""
    if language == "en":
        return source
    catalogue = translation(language)
    lines = source.splitlines()
    out: list[str] = []
    at = 0
    for unit in units(source):
        out.extend(lines[at:unit.start])
        said = catalogue.gettext(unit.text)
        if said == unit.text:  # not in the catalogue: the source lines unchanged
            out.extend(lines[unit.start:unit.end])
        else:
            out.append(unit.prefix + said)
        at = unit.end
    out.extend(lines[at:])
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def translate_notebook(nb: Any, language: str) -> Any:
    """A copy of notebook ``nb`` whose Markdown cells read in ``language`` (``nb`` itself
    for English: nothing to translate)."""
    if language == "en":
        return nb
    page = copy.deepcopy(nb)
    for cell in page.cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            cell["source"] = translate_markdown(text, language)
    return page


def markdown_cells(text: str) -> Iterator[tuple[int, str]]:
    """(line number of the cell's first text line, 1-based; the cell's Markdown) of each
    Markdown cell of a jupytext percent script that a reviewer sees (a cell tagged
    ``remove-cell`` is for analysts and is skipped).

    >>> list(markdown_cells("# %% [markdown]\\n# ## Summary\\n\\n# %%\\nx = 1\\n"))
    [(2, '## Summary')]
    """
    cell: list[str] | None = None
    first = 0
    for number, line in enumerate(text.splitlines(), start=1):
        marker = _CELL.match(line)
        if marker:
            if cell is not None:
                yield first, "".join(cell).rstrip("\n")
            tags = marker.group(1)
            shown = "[markdown]" in tags and not any(t in tags for t in _HIDDEN_TAGS)
            cell, first = ([] if shown else None), number + 1
            continue
        if cell is not None:
            if line.startswith("#"):
                cell.append(line[2:] + "\n" if line.startswith("# ") else line[1:] + "\n")
            elif not line.strip():
                cell.append("\n")
    if cell is not None:
        yield first, "".join(cell).rstrip("\n")


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: dict[str, Any]) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method for ``.py`` files: the Python messages (Babel's own
    extractor), and for a jupytext percent script also its shown Markdown cells' units
    (``words/babel.cfg`` names it for every ``.py`` file)."""
    import io

    from babel.messages.extract import extract_python

    data = fileobj.read()
    yield from extract_python(io.BytesIO(data), keywords, comment_tags, options)
    text = data.decode(options.get("encoding", "utf-8"))
    if "# %% [markdown]" not in text:
        return
    for first, source in markdown_cells(text):
        for unit in units(source):
            yield first + unit.start, None, unit.text, []

