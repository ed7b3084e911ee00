"""The portfolio, ``runs/index.html``: every cycle in one table (stage, days in stage,
last run, headline, decision, overdue actions) and the registers' blocks (supervision
plan, findings, holding the gains, feedback and complaints), in the workbook's language
(``pdca/workbook.yaml``, :mod:`pdcakit.run.workbook_settings`).

Every word on it comes from the words layer; English reads as before. User text (titles,
owners, ids, a register's cells) is escaped, never markup.

>>> from pdcakit.tracker.registers_view import Section
>>> block = Section("Findings", "1 <b>finding</b>.", ({"Cycle": "c<1>"},))
>>> section_html(block)  # doctest: +ELLIPSIS
'<h2>Findings</h2><p>1 &lt;b&gt;finding&lt;/b&gt;.</p><table class="pdca-reflow">...'
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from pdcakit.fileio import atomic_write_text
from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbook_settings import workbook_language
from pdcakit.tracker.registers_view import Section, portfolio_sections
from pdcakit.tracker.statusview import decision_name, run_status_name, stage_name
from pdcakit.words import N_, words

__all__ = ["portfolio_page", "section_html"]

#: The portfolio's column names (the table shows each in the page's language).
_COLUMNS = (N_("Cycle"), N_("Title"), N_("Stage"), N_("Owner"), N_("Days in stage"),
            N_("Last run"), N_("Headline"), N_("Decision"), N_("Overdue actions"))


#: A ``pdca`` command inside a register's sentence or cell (escaped text): shown as code,
#: which stays as typed in every language.
_COMMAND = re.compile(r"\bpdca(?: [A-Za-z0-9_.:/=|\-]+)+")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _prose(value: Any) -> str:
    """``value`` escaped, each ``pdca`` command in it as ``<code>``.

    >>> _prose("none yet (pdca new ID --from-finding F1) <b>")
    'none yet (<code>pdca new ID --from-finding F1</code>) &lt;b&gt;'
    """
    return _COMMAND.sub(lambda m: f"<code>{m.group(0)}</code>", _e(value))


def _cycle_rows(paths: ProjectPaths, today: dt.date | None, language: str
                ) -> list[dict[str, str]]:
    """One row of HTML cells per readable cycle (every value escaped here)."""
    from pdcakit.tracker.moves import status_rows

    w = words(language)
    rows = []
    for row in status_rows(paths, today=today, language=language):
        last = (w._("{run} ({status})", run=row.last_run,
                    status=run_status_name(row.last_run_status, w)) if row.last_run else "")
        cells = (f"<a href=\"{_e(row.id)}/index.html\">{_e(row.id)}</a>", _e(row.title),
                 _e(stage_name(row.stage, w)), _e(row.owner),
                 _e(row.days_in_stage if row.days_in_stage is not None else ""), _e(last),
                 _e(row.headline), _e(decision_name(row.decision, w)),
                 f"<span class=\"overdue\">{row.overdue_actions}</span>"
                 if row.overdue_actions else "0")
        rows.append(dict(zip(_COLUMNS, cells, strict=True)))
    return rows


def portfolio_page(paths: ProjectPaths, today: dt.date | None = None) -> Path:
    """Write ``runs/index.html`` in the workbook's language: every cycle with its stage,
    last run, headline and decision, then the registers' blocks."""
    from pdcakit.tracker.record import load_all
    from pdcakit.tracker.report import _table, page  # report re-exports this function

    language = workbook_language(paths)
    w = words(language)
    rows = _cycle_rows(paths, today, language)
    intro = w.ngettext("{count} improvement cycle. Click a cycle for its charter, results "
                       "and decision.", "{count} improvement cycles. Click a cycle for its "
                       "charter, results and decision.", len(rows))
    sections = portfolio_sections(paths, load_all(paths)[0], today or dt.date.today(),
                                  language)
    body = (f"<p>{_e(intro)}</p>"
            + _table(rows, raw=tuple(rows[0]) if rows else (), language=language)
            + "".join(section_html(s, language) for s in sections))
    target = paths.runs / "index.html"
    atomic_write_text(target, page(w._("PDCA portfolio"), body, language))
    return target


def section_html(section: Section, language: str = "en",
                 cycle_href: str = "{id}/index.html") -> str:
    """A register block: its heading, sentence and table, every cell escaped; a flagged
    cell shown as a warning, a cycle linked to its page (``cycle_href``: from the
    portfolio; a cycle page passes ``../{id}/index.html``)."""
    from pdcakit.tracker.report import _table

    head = f"<h2>{_e(section.title)}</h2>"
    if section.problem:
        return f"{head}<p class=\"overdue\">{_e(section.problem)}</p>"
    intro = f"<p>{_prose(section.intro)}</p>" if section.intro else ""
    rows = []
    for i, row in enumerate(section.rows):
        flag = section.flags[i] if i < len(section.flags) else ""
        link = section.links[i] if i < len(section.links) else ""
        cells = {}
        for key, value in row.items():
            cell = _prose(value)
            if key == flag:
                cell = f"<span class=\"overdue\">{cell}</span>"
            if link and value == link:
                cell = f"<a href=\"{_e(cycle_href.format(id=link))}\">{cell}</a>"
            cells[key] = cell
        rows.append(cells)
    table = _table(rows, raw=tuple(rows[0]), language=language) if rows else ""
    return head + intro + table
