"""The one error type for bad input, and its wording.

Every problem the data layer finds in a file (a missing column, a date it
cannot read, a score out of range, a duplicate id ...) is raised as a
:class:`DataError` that names the file, the column, the rows a person can
find in a spreadsheet, what is wrong, and how to fix it.

Row numbers are spreadsheet rows: the header is row 1 (or the row the header
was found on, for sheets with title rows above it), so the first data row is
row 2.

Example
-------
>>> err = DataError("3 rows resolved before they were created",
...                 file="tickets.csv", column="resolved_at", rows=[14, 87, 203],
...                 fix="check the export's time zone or date format")
>>> print(err)
tickets.csv, column 'resolved_at': 3 rows resolved before they were created \
(rows 14, 87, 203; spreadsheet rows, header = row 1). Fix: check the export's \
time zone or date format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ..errors import PdcaError

__all__ = ["MAX_SHOWN", "DataError", "Plain", "format_rows", "quote_value"]

MAX_SHOWN = 5  # offending rows / values quoted in a message


class Plain(str):
    """Text shown in a message as it is, without quotes (e.g. a computed comparison)."""

    __slots__ = ()


_CONTROL = re.compile("[\\x00-\\x1f\\x7f-\\x9f]")
_ESCAPES = {"\r": "\\r", "\n": "\\n", "\t": "\\t"}


def quote_value(value: Any, width: int = 40) -> str:
    """Show a cell value in a message: text quoted and shortened, numbers plain; control
    characters written visibly (``\\x00``, ``\\n``), so a message cannot move a terminal's
    cursor or hide text.

    >>> quote_value("2026-13-01")
    "'2026-13-01'"
    >>> quote_value("x" * 50)[-5:]
    "xxx…'"
    >>> quote_value(7.0), quote_value(2.5), quote_value(Plain("a < b"))
    ('7', '2.5', 'a < b')
    >>> print(quote_value("Le\\x00eds\\x1b[2J"))
    'Le\\x00eds\\x1b[2J'

    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating):
        v = float(value)
        return f"{v:.0f}" if v.is_integer() else f"{v:g}"
    text = _CONTROL.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"),
                        str(value))
    if isinstance(value, Plain):
        return text
    if len(text) > width:
        text = text[: width - 1] + "…"
    return f"'{text}'" if "'" not in text else f'"{text}"'


def format_rows(rows: Sequence[int], values: Sequence[Any] | None = None,
                header_row: int = 1) -> str:
    """``rows 14, 87, 203 and 2 more; spreadsheet rows, header = row 1``.

    With ``values`` (aligned with ``rows``) each row is followed by its value.

    >>> format_rows([2, 3])
    'rows 2, 3; spreadsheet rows, header = row 1'
    >>> format_rows([7], ["abc"], header_row=3)
    "row 7: 'abc'; spreadsheet rows, header = row 3"
    """
    shown = list(rows[:MAX_SHOWN])
    if values is not None:
        items = [f"{r}: {quote_value(v)}" for r, v in zip(shown, values, strict=False)]
        text = ("row " if len(rows) == 1 else "rows ") + ", ".join(items)
    else:
        text = ("row " if len(rows) == 1 else "rows ") + ", ".join(str(r) for r in shown)
    if len(rows) > MAX_SHOWN:
        text += f" and {len(rows) - MAX_SHOWN:,} more"
    return f"{text}; spreadsheet rows, header = row {header_row}"


class DataError(PdcaError):
    """Bad input data: one readable message naming file, column, rows and a fix.

    Parameters
    ----------
    problem : str
        What is wrong, in plain words (``"3 rows resolved before they were created"``).
    file : str, optional
        The file as the user named it.
    column : str, optional
        The column concerned (canonical or source name, whichever the user knows).
    rows : sequence of int, optional
        Spreadsheet row numbers of the offending rows (header = row 1, so the
        first data row is row 2). All are kept in ``.rows``; the message shows
        the first five and says how many more there are.
    fix : str, optional
        How to fix it.
    values : sequence, optional
        The offending raw values, aligned with ``rows``; the first five are quoted.
    header_row : int, default 1
        The spreadsheet row holding the header (more than 1 when title rows
        sit above it), stated in the message so row numbers can be found.

    Examples
    --------
    >>> err = DataError("not a date", file="t.csv", column="created_at", rows=[2],
    ...                 values=["tomorrow"],
    ...                 fix="add date_format: '%d/%m/%Y' to the mapping YAML")
    >>> err.rows, err.column
    ([2], 'created_at')
    >>> "row 2: 'tomorrow'" in str(err)
    True
    """

    def __init__(self, problem: str, *, file: str | None = None, column: str | None = None,
                 rows: Iterable[int] | None = None, fix: str | None = None,
                 values: Iterable[Any] | None = None, header_row: int = 1) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.column = column
        self.rows = [int(r) for r in rows] if rows is not None else []
        self.fix = fix
        self.values = list(values)[:MAX_SHOWN] if values is not None else None
        self.header_row = int(header_row)
        super().__init__(self._message())

    def _message(self) -> str:
        where = [p for p in (self.file, None if self.column is None else
                             f"column {self.column!r}") if p]
        text = ", ".join(where)
        problem = self.problem.rstrip().rstrip(".")
        text = f"{text}: {problem}" if text else problem
        if self.rows:
            text += f" ({format_rows(self.rows, self.values, self.header_row)})"
        text += "."
        if self.fix:
            fix = self.fix.strip()
            text += f" Fix: {fix}" + ("" if fix.endswith((".", "?", "!")) else ".")
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # keep the keyword fields through pickling
        kwargs = {"file": self.file, "column": self.column, "rows": self.rows,
                  "fix": self.fix, "values": self.values, "header_row": self.header_row}
        return (_rebuild, (self.problem, kwargs))


def _rebuild(problem: str, kwargs: dict[str, Any]) -> DataError:
    return DataError(problem, **kwargs)
