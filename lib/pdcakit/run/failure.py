"""A failed run, said for its reader: which section failed, the message and the fix.

Papermill stops at the failing cell and puts "An Exception was encountered at
'In [13]'" at the top of the notebook; the message itself sits screens further down
under a traceback full of the machine's paths, and the CLI names a cell by papermill's
index, which matches neither. Here the failure is named by its **section** (the
notebook's nearest heading above the cell), the reviewer page opens with one box saying
what failed and what to do, and the traceback is folded away with paths shortened.

>>> import nbformat
>>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
>>> nb = new_notebook(cells=[new_markdown_cell("## 4. How long do tickets take?"),
...     new_code_cell("x", outputs=[new_output("error", ename="DataError",
...                   evalue="cases.csv: no tickets", traceback=["..."])])])
>>> describe_failure(nb).sentence
"section '4. How long do tickets take?' failed: DataError: cases.csv: no tickets"
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Failure", "describe_failure", "page_for_failed_run", "short_paths"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PATH = re.compile(r"(?:/[^\s/'\"():]+){2,}/([^\s/'\"():]+)")
_PAPERMILL_TAG = "papermill-error-cell-tag"


def short_paths(text: str) -> str:
    """``text`` with colour codes removed and absolute paths cut to their file name.

    >>> short_paths("File /home/ana/.venv/lib/python3.11/site-packages/x/y.py, line 3")
    'File …/y.py, line 3'
    """
    return _PATH.sub(lambda m: f"…/{m.group(1)}", _ANSI.sub("", text))


@dataclass(frozen=True)
class Failure:
    """Where and why a run stopped."""

    section: str  # the heading above the failing cell ("" when it has none)
    ename: str
    evalue: str
    traceback: tuple[str, ...]
    cell: int  # the failing cell's position among the notebook's cells, from 1

    @property
    def message(self) -> str:
        first = self.evalue.strip().splitlines()[0] if self.evalue.strip() else ""
        return short_paths(f"{self.ename}: {first}" if first else self.ename)

    @property
    def sentence(self) -> str:
        where = f"section '{self.section}'" if self.section else f"cell {self.cell}"
        return f"{where} failed: {self.message}"


def _heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return None


def describe_failure(nb: Any) -> Failure | None:
    """The first error output of the executed notebook ``nb`` (None: it did not fail)."""
    section = ""
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "markdown" and _PAPERMILL_TAG not in cell.metadata.get("tags", []):
            section = _heading(cell.source) or section
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if output.get("output_type") == "error":
                return Failure(section=section, ename=str(output.get("ename", "")),
                               evalue=str(output.get("evalue", "")),
                               traceback=tuple(output.get("traceback", [])), cell=index)
    return None


def page_for_failed_run(nb: Any, failure: Failure, *, stage: str, cycle: str) -> Any:
    """A copy of ``nb`` for the reviewer page: papermill's banner replaced by a box that
    says which section failed, the message and the fix, the traceback folded away (paths
    shortened) and the sections after the failure (which never ran) left out."""
    page = copy.deepcopy(nb)
    cells = [c for c in page.cells if _PAPERMILL_TAG not in c.metadata.get("tags", [])]
    failing = next(i for i, c in enumerate(cells) if any(
        o.get("output_type") == "error" for o in c.get("outputs", [])))
    for output in cells[failing].outputs:
        if output.get("output_type") == "error":
            output["traceback"] = [short_paths(f"{failure.message}")]
    trace = html.escape(short_paths("\n".join(failure.traceback)))
    box = (f"<div class=\"pdca-failed\" role=\"alert\" style=\"border-left: 6px solid #b00020; "
           "background: #fdecee; padding: 0.6em 1em; margin-bottom: 1.5em\">"
           f"<p><strong>This {html.escape(stage)} "
           f"run of {html.escape(cycle)} failed</strong> in "
           f"{html.escape(repr(failure.section) if failure.section else f'cell {failure.cell}')}"
           f": <code>{html.escape(failure.message)}</code></p>"
           f"<p>Fix the input the message names and run it again: <code>pdca run "
           f"{html.escape(cycle)} {html.escape(stage)}</code>. The sections after this one "
           "did not run, so they are not shown.</p>"
           f"<details><summary>Technical detail (traceback)</summary><pre>{trace}</pre>"
           "</details></div>")
    from nbformat.v4 import new_markdown_cell

    page.cells = [new_markdown_cell(box), *cells[:failing + 1]]
    return page
