"""A cycle's status in the reader's words: the stage, the last run, the decision, as the
portfolio's cells and the lines of ``pdca status`` / ``pdca list`` show them.

:func:`pdcakit.tracker.moves.workbook_status` computes the rows (its JSON keeps the keys
``plan``, ``succeeded``, ``adopt``); this module words them in ``en`` or ``zh-CN``.
English keeps the keys as they are, so English pages and terminals read as before.

>>> stage_name("check", words("zh-CN")), stage_name("check", words())
('检查', 'check')
>>> padded("计划", 6) + "|", padded("plan", 6) + "|"
('计划  |', 'plan  |')
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from pdcakit.words import N_, Words, words

__all__ = ["STAGE_NAMES", "day_text", "decision_name", "last_run_text", "padded",
           "run_status_name", "stage_name", "status_lines"]

#: The PDCA stages' names (the record's ``stage:`` keys), marked for the catalogue.
STAGE_NAMES = {"plan": N_("Plan"), "do": N_("Do"), "check": N_("Check"), "act": N_("Act"),
               "closed": N_("Closed")}
#: The stage notebooks' names, as a run names its stage.
_RUN_STAGES = {"baseline": N_("baseline"), "compare": N_("compare"),
               "efficiency": N_("efficiency")}
#: A run's final status, as the record's log holds it.
_RUN_STATUS = {"succeeded": N_("succeeded"), "failed": N_("failed"),
               "incomplete": N_("incomplete"), "running": N_("running")}
#: ``pdca act``'s decisions.
_DECISIONS = {"adopt": N_("Adopt"), "adapt": N_("Adapt"), "abandon": N_("Abandon")}
#: The terminal table's column names (``pdca status``).
_HEADER = (N_("cycle"), N_("stage"), N_("days"), N_("last run"), N_("overdue"), N_("title"))


def _keyed(table: dict[str, str], key: str, w: Words) -> str:
    """``key`` itself in English (the record's word), its name in another language; a key
    the table does not have stays as it is."""
    return key if w.english or key not in table else w._(table[key])


def stage_name(stage: str, w: Words) -> str:
    """A PDCA stage (``plan`` ... ``closed``) as the reader names it."""
    return _keyed(STAGE_NAMES, stage, w)


def run_status_name(status: str, w: Words) -> str:
    """A run's status (``succeeded``, ``failed``, ``incomplete``) in the reader's words."""
    return _keyed(_RUN_STATUS, status, w)


def decision_name(decision: str, w: Words) -> str:
    """``adopt``, ``adapt`` or ``abandon`` in the reader's words (English: as recorded)."""
    return _keyed(_DECISIONS, decision, w)


def day_text(value: Any, w: Words) -> str:
    """A date (or ISO text): English as written (``2026-07-06``), another language by
    Babel (``2026年7月6日``)."""
    if w.english:
        return str(value)
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return w.date(day)


def last_run_text(last: dict[str, Any] | None, w: Words) -> str:
    """The record's last run as "compare on 2026-07-06" ("对比 2026年7月6日"); "" for none.

    >>> last_run_text({"stage": "compare", "date": "2026-07-06"}, words())
    'compare on 2026-07-06'
    """
    if not last:
        return ""
    return w._("{stage} on {date}", stage=_keyed(_RUN_STAGES, str(last.get("stage")), w),
               date=day_text(last.get("date"), w))


def _width(text: str) -> int:
    """Terminal columns ``text`` takes (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def padded(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (left-aligned by
    default), as ``f"{text:<{width}}"`` pads English."""
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def status_lines(rows: Sequence[Any], language: str = "en", *,
                 headlines: bool = False, shown: Callable[[str], str] = str) -> list[str]:
    """The table ``pdca status`` and ``pdca list`` print: a header, one line per
    :class:`~pdcakit.tracker.moves.StatusRow` (rows worded by ``workbook_status`` in the
    same ``language``), each cycle's headline under it when ``headlines``; ``shown``
    makes user text safe for the terminal.

    >>> status_lines([])[0].split()
    ['cycle', 'stage', 'days', 'last', 'run', 'overdue', 'title']
    """
    w = words(language)
    name = {key: w._(key) for key in _HEADER}
    lines = [f"{padded(name['cycle'], 24)} {padded(name['stage'], 7)} "
             f"{padded(name['days'], 4, right=True)}  {padded(name['last run'], 28)} "
             f"{padded(name['overdue'], 7, right=True)}  {name['title']}"]
    for row in rows:
        status = run_status_name(row.last_run_status, w) if row.last_run_status else ""
        last = shown(" ".join(p for p in (row.last_run, status) if p))
        days = "" if row.days_in_stage is None else str(row.days_in_stage)
        lines.append(f"{padded(row.id, 24)} {padded(shown(stage_name(row.stage, w)), 7)} "
                     f"{padded(days, 4, right=True)}  {padded(last, 28)} "
                     f"{padded(str(row.overdue_actions), 7, right=True)}  {shown(row.title)}")
        if row.headline and headlines:
            lines.append(f"  {shown(row.headline)}")
    return lines
