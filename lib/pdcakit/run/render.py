"""Render an executed notebook as a self-contained HTML page for reviewers.

Code is hidden (nbconvert's ``exclude_input``), cells tagged with Jupyter
Book's ``remove-cell`` / ``remove-input`` / ``remove-output`` are removed,
and figures are embedded (inline SVG, or base64 PNG), so the page opens from the
file system with no server and no internet: the ``reviewer`` template
(``html/reviewer``) is JupyterLab's ``lab`` template without the scripts it
would load from a CDN, with a Content-Security-Policy that forbids every script,
the house print and phone stylesheet (``html/reviewer/pages.css``) and alt text on
every chart. Charts open full size with a tap and tables become one card per row on a
phone (:mod:`pdcakit.run.pageparts`).

Given the run's :class:`~pdcakit.run.pagefacts.PageFacts` (``facts=``), the page opens
with a header built here, every piece of it escaped: the cycle's title, stage, run
date, data files with short checksums, the commit, links to the cycle page, the
portfolio and the notebook; then the verdict per KPI from results.json, then a contents
list of the notebook's sections. On a page in another language the notebook's Markdown
cells (headings and explanations) are translated from the catalogue first
(:func:`pdcakit.words.notebooks.translate_notebook`), the contents list with them.

>>> callable(notebook_to_html)
True
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdcakit.fileio import atomic_write_text
from pdcakit.run.pagefacts import PageFacts, verdict_rows, verdict_summary
from pdcakit.run.pageparts import ChartIds, chart_html, reader_tables
from pdcakit.words import N_, words
from pdcakit.words.notebooks import translate_notebook

if TYPE_CHECKING:
    import nbformat

    from pdcakit.run.resultsfile import StageResults

__all__ = ["STYLESHEET", "header_html", "notebook_to_html", "reword_outputs",
           "run_verdict_heading",
           "section_headings", "sections_run", "verdict_box", "verdict_html"]

#: The print and phone stylesheet every reviewer page carries (stage, cycle, portfolio).
STYLESHEET = Path(__file__).parents[1] / "html" / "reviewer" / "pages.css"

_HEADER_TAG = "pdca-page-header"
#: Cell tags whose outputs the page does not show (:func:`notebook_to_html`).
_HIDDEN = frozenset({"remove-cell", "remove-output", "parameters", "injected-parameters"})

#: The verdict box's column names (:func:`pdcakit.run.pagefacts.verdict_rows`' keys),
#: marked for the catalogue: the box shows them in the page's language.
_COLUMNS = (N_("Measure"), N_("Estimand"), N_("Before"), N_("After"), N_("Change"),
            N_("Interval"), N_("Target"), N_("Over time"), N_("Value"), N_("Cases"),
            N_("Fall (95% CI)"), N_("Method"), N_("From"))

#: Stage names and input roles a page header shows, marked for the catalogue.
_STAGES = (N_("baseline"), N_("compare"), N_("efficiency"), N_("root_cause"), N_("plan"))
#: The page header's fixed words.
_CHROME = (N_("Related pages"), N_("Portfolio of all cycles"), N_("Cycle:"), N_("Stage:"),
           N_("Run:"), N_("Data:"), N_("Commit:"))
_ROLES = (N_("tickets"), N_("mapping"), N_("surveys"), N_("audits"), N_("training"),
          N_("mystery shopper"), N_("mystery shopping"), N_("standards"),
          N_("process steps"), N_("feedback"), N_("complaints"))


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _heading_id(text: str) -> str:
    """The id nbconvert gives a Markdown heading (so contents links land on it)."""
    try:
        from nbconvert.filters.strings import _convert_header_id
    except ImportError:  # pragma: no cover - older nbconvert
        return text.replace(" ", "-")
    return _convert_header_id(text)


def section_headings(nb: Any) -> list[tuple[str, str]]:
    """(text, id) of each ``##`` heading of the notebook's Markdown cells, in order.

    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> section_headings(new_notebook(cells=[new_markdown_cell("# T\\n## 1. The data")]))
    [('1. The data', '1.-The-data')]
    """
    return [(text, anchor) for text, anchor, _ in _sections(nb)]


@functools.cache
def _skip_prefixes() -> tuple[str, ...]:
    """How a skipped section's line begins in its plain text, in every language
    (:func:`pdcakit.stages.sections.skip_line`: "Skipped:", "已跳过：").

    >>> _skip_prefixes()
    ('Skipped:', '已跳过：')
    """
    from pdcakit.stages.sections import skip_line
    from pdcakit.words import LANGUAGES

    return tuple(skip_line("x", "y", label="\0", language=code).split("**")[0].strip()
                 for code in LANGUAGES)


def _shows_something(output: Any) -> bool:
    """Whether a cell output shows the section's work: a figure, table or sentence that
    is not a "Skipped: ..." line; warnings on stderr do not count, a failure does."""
    kind = output.get("output_type")
    if kind == "stream":
        return output.get("name") == "stdout" and bool(str(output.get("text", "")).strip())
    if kind == "error":
        return True
    data = output.get("data", {})
    plain = data.get("text/plain", "")
    plain = "".join(plain) if isinstance(plain, list) else str(plain)
    if not data:
        return False
    return not plain.lstrip().startswith(_skip_prefixes())


def _sections(nb: Any) -> list[tuple[str, str, bool]]:
    """(text, id, ran) of each ``##`` heading: ``ran`` is False when the section has code
    cells and none of them, up to the next ``##`` heading, shows anything but "Skipped: ..."
    lines (the section was skipped whole, or the run stopped before it); a section of
    Markdown alone ran (its text is its content)."""
    found: list[tuple[str, str]] = []
    code: dict[int, bool] = {}  # section's index -> whether any of its code cells showed
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
                if match:
                    text = re.sub(r"[*_`]", "", match.group(1))
                    found.append((text, _heading_id(text)))
        elif cell.cell_type == "code" and found and not _HIDDEN & set(
                cell.get("metadata", {}).get("tags", [])):
            index = len(found) - 1
            code[index] = code.get(index, False) or any(
                _shows_something(o) for o in cell.get("outputs", []))
    return [(text, anchor, code.get(i, True)) for i, (text, anchor) in enumerate(found)]


def sections_run(nb: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """The ``##`` sections that ran, as (text, id), and the names of those that did not:
    a section whose only output is its "Skipped: ..." line (or nothing) did not run.

    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> said = lambda text: new_output("display_data", data={"text/plain": text})
    >>> nb = new_notebook(cells=[
    ...     new_markdown_cell("## 1. The data"), new_code_cell(outputs=[said("500 tickets")]),
    ...     new_markdown_cell("## 2. Training"),
    ...     new_code_cell(outputs=[said("Skipped: Training effect: off.")])])
    >>> sections_run(nb)
    ([('1. The data', '1.-The-data')], ['2. Training'])
    """
    sections = _sections(nb)
    return ([(text, anchor) for text, anchor, ran in sections if ran],
            [text for text, _, ran in sections if not ran])


def _status_cell(label: str, status: Any) -> str:
    return (f"<td class=\"pdca-status pdca-{_e(status.tone)}\" data-label=\"{_e(label)}\">"
            "<span aria-hidden=\"true\">"
            f"{_e(status.symbol)}</span> {_e(status.word)}</td>")


def _section_name(key: str, language: str = "en") -> str:
    """A KPI's or section's reader-facing name for its key (``fcr`` -> its KPI name; a
    section's part, ``over_time.tds``, as the section and the KPI).

    >>> _section_name("fcr"), _section_name("sla_first_response")
    ('First contact resolution', 'First response within SLA')
    >>> _section_name("over_time.tds"), _section_name("over_time.fcr", "zh-CN")
    ('Over time: Mystery-shopper score (TDS)', '随时间：首次解决率')
    """
    from pdcakit.kpis import KPI_INFO, kpi_name
    from pdcakit.results import reader_label

    section, _, part = key.partition(".")
    if part:
        return words(language)._("{section}: {name}", section=_section_name(section, language),
                                 name=_section_name(part, language))
    return kpi_name(key, language) if key in KPI_INFO else reader_label(key, language)


def verdict_box(results: StageResults | None, problem: str = "", *,
                heading: str | None = None, language: str = "en") -> str:
    """The verdict box of one run's results: its summary and one status per KPI (word,
    symbol and colour), or why there is none. Every piece escaped; its words in
    ``language`` (``heading`` by default "Verdict" in it).

    >>> verdict_box(None, "no <results>").split("</h2>")[1]
    '<p>No verdict: no &lt;results&gt;</p></section>'
    """
    w = words(language)
    heading = w._("Verdict") if heading is None else heading
    if results is None:
        why = problem or w._("this run wrote no results")
        missing = _e(w._("No verdict: {why}", why=why))
        return (f"<section class=\"pdca-verdict pdca-verdict-missing\" "
                f"aria-label=\"{_e(heading)}\"><h2>{_e(heading)}</h2>"
                f"<p>{missing}</p></section>")
    rows = verdict_rows(results, language)
    table = ""
    if rows:
        figures = list(rows[0].figures)
        statuses = list(rows[0].statuses)
        head = "".join(f"<th scope=\"col\">{_e(w._(c))}</th>" for c in ["Measure", *figures,
                                                                         *statuses])
        body = "".join(
            "<tr><th scope=\"row\">" + _e(row.name) + "</th>"
            + "".join(f"<td data-label=\"{_e(w._(c))}\">{_e(row.figures.get(c, ''))}</td>"
                      for c in figures)
            + "".join(_status_cell(w._(c), row.statuses[c]) for c in statuses
                      if c in row.statuses)
            + "</tr>" for row in rows)
        table = (f"<div class=\"pdca-table-wrap\"><table class=\"pdca-verdict-table "
                 f"pdca-reflow\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                 "</div>")
    skipped = ""
    if results.skipped:
        label = w._("Not computed on this export:")
        skipped = (f"<p class=\"pdca-note\"><b>{_e(label)}</b> "
                   + w._("; ").join(_e(w._("{name} ({why})", name=_section_name(k, language),
                                               why=w.reword(v)))
                                    for k, v in results.skipped.items())
                   + "</p>")
    return (f"<section class=\"pdca-verdict\" aria-label=\"{_e(heading)}\">"
            f"<h2>{_e(heading)}</h2>"
            f"<p class=\"pdca-summary\">{_e(verdict_summary(results, language))}</p>"
            f"{table}{skipped}</section>")


def run_verdict_heading(stage: str, when: str, language: str = "en") -> str:
    """The heading of a run's verdict box on the cycle page, in ``language``.

    >>> run_verdict_heading("compare", "7 December 2026, 20:21 UTC")
    'Verdict (compare run of 7 December 2026, 20:21 UTC)'
    >>> run_verdict_heading("compare", "2026年12月7日 20:21 UTC", "zh-CN")
    '结论（2026年12月7日 20:21 UTC 的对比运行）'
    """
    w = words(language)
    return w._("Verdict ({stage} run of {when})",
               stage=w._(stage) if stage in _STAGES else stage, when=when)


def verdict_html(facts: PageFacts) -> str:
    """The verdict box of the run ``facts`` describe (:func:`verdict_box`)."""
    return verdict_box(facts.results, facts.results_problem, language=facts.language)


def header_html(facts: PageFacts, headings: list[tuple[str, str]] | None = None, *,
                failed: bool = False, not_run: Sequence[str] = ()) -> str:
    """The page's opening: links, what the run is, the verdict (unless it failed), contents.

    ``headings`` are the sections that ran (:func:`sections_run`); ``not_run`` names the
    ones that did not, in one grey line under the contents, unlinked.

    Links are relative to ``runs/CYCLE/STAGE/STAMP/``: the cycle page is
    ``../../index.html``, the portfolio ``../../../index.html``.
    """
    w = words(facts.language)
    files = w._("; ").join(
        w._("{role}: {name}", role=w._(f.role) if f.role in _ROLES else f.role, name=f.name)
        + (f" (sha256 {f.short_sha})" if f.sha256 else "")
        for f in facts.inputs) or w._("none recorded")
    # the catalogue's words are the project's own text, not escaped (its apostrophe
    # stays as it was); the notebook's name is escaped
    notebook = w._("This run's notebook ({name})", name=_e(facts.notebook))
    say = {text: _e(w._(text)) for text in _CHROME}
    cycle_page = _e(w._("Cycle page: {title}", title=facts.cycle_title))
    run = _e(w._("{date} (run {run})", date=facts.run_date, run=facts.run))
    nav = (f"<nav class=\"pdca-nav\" aria-label=\"{say['Related pages']}\">"
           f"<a href=\"../../index.html\">{cycle_page}</a>"
           f"<a href=\"../../../index.html\">{say['Portfolio of all cycles']}</a>"
           f"<a href=\"{_e(facts.notebook)}\">{notebook}</a></nav>")
    stage = w._(facts.stage) if facts.stage in _STAGES else facts.stage
    commit = (facts.commit_text if w.english or facts.commit else
              w._("not recorded (the workbook is not a git checkout)"))
    about = (
        "<ul class=\"pdca-facts\">"
        f"<li><b>{say['Cycle:']}</b> {_e(facts.cycle_title)} ({_e(facts.cycle)})</li>"
        f"<li><b>{say['Stage:']}</b> {_e(stage)}</li>"
        f"<li><b>{say['Run:']}</b> {run}</li>"
        f"<li><b>{say['Data:']}</b> {_e(files)}</li>"
        f"<li><b>{say['Commit:']}</b> {_e(commit)}; {_e(facts.tool)}</li></ul>")
    contents = ""
    if headings:
        title = _e(w._("Contents"))
        contents = (f"<nav class=\"pdca-contents\" aria-label=\"{title}\"><h2>{title}</h2><ul>"
                    + "".join(f"<li><a href=\"#{_e(anchor)}\">{_e(text)}</a></li>"
                              for text, anchor in headings) + "</ul>"
                    + (f"<p class=\"pdca-note\">{_e(w._('Not computed on this export:'))} "
                       f"{_e(w._('; ').join(not_run))}</p>" if not_run else "")
                    + "</nav>")
    verdict = "" if failed else verdict_html(facts)
    return f"<header class=\"pdca-header\">{nav}{about}</header>{verdict}{contents}"


#: A sentence's block as :func:`pdcakit.stages.display.sentence_html` writes it (a
#: paragraph, a list item, a fold's title), holding only bold and code marks.
_SENTENCE_BLOCK = re.compile(r"<(p|li|summary)>((?:[^<]|</?(?:strong|code)>)*)</\1>")
_HEADER_CELL = re.compile(r"(<th\b[^>]*>)([^<]+)(</th>)")
#: A table cell holding a phrase of words (not a name or a number): our own wording, such
#: as a test's name, reason and assumptions, reworded; a one-word cell is data.
_PHRASE_CELL = re.compile(r"(<td\b[^>]*>)([^<]*[A-Za-z]{2,}[^<]*\s[^<]*[A-Za-z]{2,}[^<]*)(</td>)")
_MARKS = {"<strong>": "**", "</strong>": "**", "<code>": "`", "</code>": "`"}


def _marked_html(text: str) -> str:
    """``text``'s bold and code marks as tags, everything else escaped: the inside of a
    :func:`pdcakit.stages.display.sentence_html` paragraph (kept here without importing
    the stages' display module, which loads pandas: 1.8 s for a page that needs none).

    >>> _marked_html("**改善** <b> `fcr`")
    '<strong>改善</strong> &lt;b&gt; <code>fcr</code>'
    """
    escaped = html.escape(text, quote=True)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>",
                  re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped, flags=re.S))


def _reword_block(match: re.Match[str], language: str) -> str:
    """One sentence block in ``language`` (:meth:`pdcakit.words.Words.reword`), its bold
    and code marks kept; the block as it was when nothing in it is a known message."""
    tag, inner = match.groups()
    marked = html.unescape(re.sub(r"</?(?:strong|code)>", lambda m: _MARKS[m.group(0)], inner))
    said = words(language).reword(marked)
    if said == marked:
        return match.group(0)
    return f"<{tag}>{_marked_html(said)}</{tag}>"


def reword_outputs(nb: Any, language: str) -> Any:
    """A copy of notebook ``nb`` whose shown sentences (the HTML blocks
    :mod:`pdcakit.stages.display` writes: paragraphs, list items, fold titles) and table
    column names read in ``language`` where the catalogue knows them: a module that words
    its result in English from marked messages is read on a Chinese page in Chinese
    (:meth:`pdcakit.words.Words.reword`). ``nb`` itself for English. A table cell of one
    word or a number is data and stays as it is; a phrase is reworded (only a phrase the
    catalogue holds changes).

    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> nb = new_notebook(cells=[new_code_cell(outputs=[new_output("display_data", data={
    ...     "text/html": "<p><strong>Check:</strong> needs a headline KPI (see section 3)</p>"
    ...                  "<table><tr><th>Target</th><td>Target</td></tr></table>"})])])
    >>> reword_outputs(nb, "zh-CN").cells[0].outputs[0].data["text/html"].split("<table>")
    ['<p><strong>核查：</strong>需要一个核心 KPI（见第 3 节）</p>', \
'<tr><th>目标</th><td>Target</td></tr></table>']
    """
    if language == "en":
        return nb
    import copy

    w = words(language)
    page = copy.deepcopy(nb)
    for cell in page.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = data.get("text/html")
            if not text:
                continue
            text = "".join(text) if isinstance(text, list) else str(text)
            text = _SENTENCE_BLOCK.sub(lambda m: _reword_block(m, language), text)
            text = _PHRASE_CELL.sub(
                lambda m: m.group(1) + html.escape(w.reword(html.unescape(m.group(2))))
                + m.group(3), text)
            data["text/html"] = _HEADER_CELL.sub(
                lambda m: m.group(1) + html.escape(w.reword(html.unescape(m.group(2).strip())))
                + m.group(3), text)
    return page


def _with_header(nb: Any, facts: PageFacts) -> Any:
    """A copy of ``nb`` with the header as its first output (a failed run's box stays
    first: what failed comes before anything else)."""
    import copy

    from nbformat.v4 import new_code_cell, new_output

    from pdcakit.run.failure import describe_failure

    page = copy.deepcopy(nb)
    failed = describe_failure(page) is not None
    ran, not_run = sections_run(page)
    cell = new_code_cell("", metadata={"tags": [_HEADER_TAG]}, outputs=[new_output(
        "display_data", data={"text/html": header_html(facts, ran, failed=failed,
                                                       not_run=not_run),
                              "text/plain": f"{facts.cycle_title} · {facts.stage}"})])
    first_failed = bool(page.cells) and "pdca-failed" in str(page.cells[0].get("source", ""))
    page.cells.insert(1 if first_failed else 0, cell)
    return page


def notebook_to_html(
    notebook: str | os.PathLike[str] | nbformat.NotebookNode,
    html_path: str | os.PathLike[str],
    *,
    title: str | None = None,
    facts: PageFacts | None = None,
) -> Path:
    """Write ``notebook`` (a path or a NotebookNode) as reviewer HTML to ``html_path``.

    ``facts`` (:func:`pdcakit.run.pagefacts.page_facts` of the run directory) adds the header,
    verdict and contents at the top.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(
        os.fspath(notebook), as_version=4
    )
    if facts is not None:
        # the notebook's prose (headings, explanations) in the page's language first, so
        # the contents list follows the translated headings
        nb = _with_header(reword_outputs(translate_notebook(nb, facts.language),
                                         facts.language), facts)
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "parameters",
                                                     "injected-parameters"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="reviewer",
                            extra_template_basedirs=[str(Path(__file__).parents[1] / "html")])
    exporter.exclude_input = True
    exporter.language_code = facts.language if facts is not None else "en"  # <html lang>
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exporter.register_filter("pdca_chart_id", ChartIds())
    language = facts.language if facts is not None else "en"
    exporter.register_filter("pdca_chart", functools.partial(chart_html, language=language))
    exporter.register_filter("pdca_tables", functools.partial(reader_tables,
                                                              language=language))
    resources = {"metadata": {"name": title or nb.metadata.get("title") or "PDCA report"},
                 "pdca_css": STYLESHEET.read_text(encoding="utf-8")}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = Path(html_path)
    atomic_write_text(target, body)
    return target
