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
list of the notebook's sections.

>>> callable(notebook_to_html)
True
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pdcakit.fileio import atomic_write_text
from pdcakit.run.pagefacts import PageFacts, verdict_rows, verdict_summary
from pdcakit.run.pageparts import ChartIds, chart_html, reader_tables

if TYPE_CHECKING:
    import nbformat

    from pdcakit.run.resultsfile import StageResults

__all__ = ["STYLESHEET", "header_html", "notebook_to_html", "section_headings", "verdict_box",
           "verdict_html"]

#: The print and phone stylesheet every reviewer page carries (stage, cycle, portfolio).
STYLESHEET = Path(__file__).parents[1] / "html" / "reviewer" / "pages.css"

_HEADER_TAG = "pdca-page-header"


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
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^##\s+(.+?)\s*#*\s*$", line)
            if match:
                text = re.sub(r"[*_`]", "", match.group(1))
                found.append((text, _heading_id(text)))
    return found


def _status_cell(label: str, status: Any) -> str:
    return (f"<td class=\"pdca-status pdca-{_e(status.tone)}\" data-label=\"{_e(label)}\">"
            "<span aria-hidden=\"true\">"
            f"{_e(status.symbol)}</span> {_e(status.word)}</td>")


def _section_name(key: str) -> str:
    """A KPI's or section's reader-facing name for its key (``fcr`` -> its KPI name).

    >>> _section_name("fcr"), _section_name("sla_first_response")
    ('First contact resolution', 'First response within SLA')
    """
    from pdcakit.kpis import KPI_INFO
    from pdcakit.results import reader_label

    spec = KPI_INFO.get(key)
    return spec.name if spec is not None else reader_label(key)


def verdict_box(results: StageResults | None, problem: str = "", *,
                heading: str = "Verdict") -> str:
    """The verdict box of one run's results: its summary and one status per KPI (word,
    symbol and colour), or why there is none. Every piece escaped.

    >>> verdict_box(None, "no <results>").split("</h2>")[1]
    '<p>No verdict: no &lt;results&gt;</p></section>'
    """
    if results is None:
        why = problem or "this run wrote no results"
        return (f"<section class=\"pdca-verdict pdca-verdict-missing\" "
                f"aria-label=\"{_e(heading)}\"><h2>{_e(heading)}</h2>"
                f"<p>No verdict: {_e(why)}</p></section>")
    rows = verdict_rows(results)
    table = ""
    if rows:
        figures = list(rows[0].figures)
        statuses = list(rows[0].statuses)
        head = "".join(f"<th scope=\"col\">{_e(c)}</th>" for c in ["Measure", *figures,
                                                                   *statuses])
        body = "".join(
            "<tr><th scope=\"row\">" + _e(row.name) + "</th>"
            + "".join(f"<td data-label=\"{_e(c)}\">{_e(row.figures.get(c, ''))}</td>"
                      for c in figures)
            + "".join(_status_cell(c, row.statuses[c]) for c in statuses if c in row.statuses)
            + "</tr>" for row in rows)
        table = (f"<div class=\"pdca-table-wrap\"><table class=\"pdca-verdict-table "
                 f"pdca-reflow\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                 "</div>")
    skipped = ""
    if results.skipped:
        skipped = ("<p class=\"pdca-note\"><b>Not computed on this export:</b> " + "; ".join(
            f"{_e(_section_name(k))} ({_e(v)})" for k, v in results.skipped.items()) + "</p>")
    return (f"<section class=\"pdca-verdict\" aria-label=\"{_e(heading)}\">"
            f"<h2>{_e(heading)}</h2>"
            f"<p class=\"pdca-summary\">{_e(verdict_summary(results))}</p>{table}{skipped}"
            "</section>")


def verdict_html(facts: PageFacts) -> str:
    """The verdict box of the run ``facts`` describe (:func:`verdict_box`)."""
    return verdict_box(facts.results, facts.results_problem)


def header_html(facts: PageFacts, headings: list[tuple[str, str]] | None = None, *,
                failed: bool = False) -> str:
    """The page's opening: links, what the run is, the verdict (unless it failed), contents.

    Links are relative to ``runs/CYCLE/STAGE/STAMP/``: the cycle page is
    ``../../index.html``, the portfolio ``../../../index.html``.
    """
    files = "; ".join(
        f"{f.role}: {f.name}" + (f" (sha256 {f.short_sha})" if f.sha256 else "")
        for f in facts.inputs) or "none recorded"
    nav = (f"<nav class=\"pdca-nav\" aria-label=\"Related pages\">"
           f"<a href=\"../../index.html\">Cycle page: {_e(facts.cycle_title)}</a>"
           f"<a href=\"../../../index.html\">Portfolio of all cycles</a>"
           f"<a href=\"{_e(facts.notebook)}\">This run's notebook ({_e(facts.notebook)})</a>"
           "</nav>")
    about = (
        "<ul class=\"pdca-facts\">"
        f"<li><b>Cycle:</b> {_e(facts.cycle_title)} ({_e(facts.cycle)})</li>"
        f"<li><b>Stage:</b> {_e(facts.stage)}</li>"
        f"<li><b>Run:</b> {_e(facts.run_date)} (run {_e(facts.run)})</li>"
        f"<li><b>Data:</b> {_e(files)}</li>"
        f"<li><b>Commit:</b> {_e(facts.commit_text)}; {_e(facts.tool)}</li></ul>")
    contents = ""
    if headings:
        contents = ("<nav class=\"pdca-contents\" aria-label=\"Contents\"><h2>Contents</h2><ul>"
                    + "".join(f"<li><a href=\"#{_e(anchor)}\">{_e(text)}</a></li>"
                              for text, anchor in headings) + "</ul></nav>")
    verdict = "" if failed else verdict_html(facts)
    return f"<header class=\"pdca-header\">{nav}{about}</header>{verdict}{contents}"


def _with_header(nb: Any, facts: PageFacts) -> Any:
    """A copy of ``nb`` with the header as its first output (a failed run's box stays
    first: what failed comes before anything else)."""
    import copy

    from nbformat.v4 import new_code_cell, new_output

    from pdcakit.run.failure import describe_failure

    page = copy.deepcopy(nb)
    failed = describe_failure(page) is not None
    cell = new_code_cell("", metadata={"tags": [_HEADER_TAG]}, outputs=[new_output(
        "display_data", data={"text/html": header_html(facts, section_headings(page),
                                                       failed=failed),
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
        nb = _with_header(nb, facts)
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "parameters",
                                                     "injected-parameters"}
    config.TagRemovePreprocessor.remove_input_tags = {"remove-input", "hide-input"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output"}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="reviewer",
                            extra_template_basedirs=[str(Path(__file__).parents[1] / "html")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    exporter.register_filter("pdca_chart_id", ChartIds())
    exporter.register_filter("pdca_chart", chart_html)
    exporter.register_filter("pdca_tables", reader_tables)
    resources = {"metadata": {"name": title or nb.metadata.get("title") or "PDCA report"},
                 "pdca_css": STYLESHEET.read_text(encoding="utf-8")}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = Path(html_path)
    atomic_write_text(target, body)
    return target
