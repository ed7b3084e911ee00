"""Reviewer HTML (pdcakit.run.render): code hidden, tagged cells removed, nothing from a CDN."""

from __future__ import annotations

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pdcakit.run.render import notebook_to_html


def _cell(source, text, tags=()):
    cell = new_code_cell(source, execution_count=1, metadata={"tags": list(tags)},
                         outputs=[new_output("stream", name="stdout", text=text)])
    return cell


def test_reviewer_page(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# Baseline <b>title</b>"),
        _cell("secret_code = 1", "visible output\n"),
        _cell("widget_explorer()", "widget fallback\n", tags=["remove-cell"]),
        _cell("alpha = 0.05", "", tags=["parameters"]),
        _cell("print('x')", "hidden output\n", tags=["remove-output"]),
    ])
    html = notebook_to_html(nb, tmp_path / "page.html").read_text()
    assert "visible output" in html
    assert "secret_code" not in html and "print(" not in html        # code hidden
    assert "widget fallback" not in html and "hidden output" not in html  # tags honoured
    assert not re.search(r"""(src|href)=["']https?://""", html)        # works offline
    assert nbformat.validate(nb) is None


def test_reviewer_page_forbids_every_script(tmp_path):
    # A value that slipped through as markup still cannot run: the page's policy allows
    # no script, handler, javascript: link or fetch; only embedded images and the styles.
    nb = new_notebook(cells=[_cell("x", "text\n")], metadata={"widgets": {"state": {}}})
    html = notebook_to_html(nb, tmp_path / "page.html").read_text()
    policy = re.search(r'<meta content="([^"]+)" http-equiv="Content-Security-Policy"', html)
    assert policy is not None
    assert "default-src 'none'" in policy.group(1)
    assert "script-src" not in policy.group(1)  # so scripts fall back to 'none'
    assert "<script" not in html  # no widget manager either


def _svg_chart_notebook():
    from matplotlib.figure import Figure

    from pdcakit.stages.display import figure_bundle

    cells = []
    for title in ("Weekly <FCR> 首次解决率", "Handle time"):
        fig = Figure(figsize=(4, 3), dpi=96)
        ax = fig.add_subplot()
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title(title)
        cells.append(new_code_cell("f", execution_count=1, outputs=[new_output(
            "display_data", data=figure_bundle(fig),
            metadata={"image/svg+xml": {"width": 384, "alt": f"Chart: {title}"}})]))
    return new_notebook(cells=cells)


def test_charts_are_svg_text_in_figures_that_enlarge(tmp_path):
    # Text stays text (searchable, sharp on a phone), user text escaped, each chart a
    # figure of its own id with a link to itself (the stylesheet shows it full size).
    html = notebook_to_html(_svg_chart_notebook(), tmp_path / "p.html").read_text()
    assert "<img src=\"data:image/png" not in html  # the PNG is for the cycle page only
    assert html.count("<svg") == 2 and "Weekly &lt;FCR&gt; 首次解决率</text>" in html
    assert re.findall(r'<figure class="pdca-figure" id="(chart-\d)"', html) == [
        "chart-1", "chart-2"]
    for n in (1, 2):
        assert f'href="#chart-{n}">Enlarge chart</a>' in html
        assert f'id="chart-{n}-at"' in html and f'href="#chart-{n}-at"' in html
    assert 'aria-label="Chart: Weekly &lt;FCR&gt; 首次解决率"' in html
    assert "--pdca-width:384px" in html


def test_the_same_figure_writes_the_same_svg():
    # nbval compares outputs: the SVG carries no date and no random ids.
    from matplotlib.figure import Figure

    from pdcakit.stages.display import figure_svg

    fig = Figure(figsize=(3, 2))
    fig.add_subplot().plot([1, 2])
    assert figure_svg(fig, key="k") == figure_svg(fig, key="k")
    assert "<dc:date>" not in figure_svg(fig, key="k")
    assert figure_svg(fig, key="a") != figure_svg(fig, key="b")  # ids differ per chart


def test_pandas_tables_get_column_names_on_every_cell(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"Estimand": ["share", "中位数"], "Before": ["67.8%", "<b>4.1</b>"],
                          "After": ["74.2%", "4.0"], "Why": ["x " * 40, "y"]},
                         index=pd.Index(["FCR", "首次响应"], name="KPI"))
    narrow = pd.DataFrame({"n": [1, 2]})
    nb = new_notebook(cells=[new_code_cell("t", execution_count=1, outputs=[
        new_output("display_data", data={"text/html": df.to_html(), "text/plain": "t"})
        for df in (frame, narrow)])])
    html = notebook_to_html(nb, tmp_path / "p.html").read_text()
    assert html.count('class="pdca-reflow dataframe"') == 1  # 5 columns: cards on a phone
    assert '<td data-label="Before">&lt;b&gt;4.1&lt;/b&gt;</td>' in html
    assert '<td data-label="Estimand">中位数</td>' in html
    assert html.count('aria-label="Table (scrolls sideways') == 2


def test_a_table_with_merged_header_cells_is_only_boxed():
    from pdcakit.run.pageparts import reader_tables

    page = reader_tables('<table><thead><tr><th colspan="2">A</th></tr></thead>'
                         '<tbody><tr><td>1</td><td>2</td></tr></tbody></table>')
    assert "data-label" not in page and "pdca-reflow" not in page
    assert page.startswith('<div class="pdca-table-scroll"')


def _said(text):
    from pdcakit.stages.display import sentence_bundle

    return new_output("display_data", data=sentence_bundle(text))


def test_the_contents_list_holds_only_sections_that_ran(tmp_path):
    # issue 24: the compare page listed "7. Training effect" though no training file was
    # given; the section's only output is its "Skipped: ..." line (skip_line's words)
    from pdcakit.run.pagefacts import PageFacts
    from pdcakit.stages.sections import skip_line

    nb = new_notebook(cells=[
        new_markdown_cell("# Check"),
        new_markdown_cell("## 1. The data"),
        new_code_cell("x", outputs=[_said("23,988 tickets before"),
                                    _said(skip_line("steps", "off: give steps_path"))]),
        new_markdown_cell("## 2. Over time\n\nThe charts."),
        new_code_cell("x", outputs=[new_output("stream", name="stderr", text="warning\n")]),
        new_code_cell("x", outputs=[_said("Stable before and after.")]),
        new_markdown_cell("## 3. Process steps"),
        new_code_cell("x", outputs=[]),  # skipped above, in section 1: nothing to show
        new_markdown_cell("## 7. Training effect"),
        new_code_cell("x", outputs=[new_output("stream", name="stderr", text="warning\n"),
                                    _said(skip_line("training", "off: give training_path"))]),
        new_markdown_cell("## 8. How to read this page\n\nMarkdown alone is content."),
        new_markdown_cell("## Summary"),
        new_code_cell("x", outputs=[_said("FCR improved.")]),
    ])
    facts = PageFacts(cycle="c1", cycle_title="FCR", stage="compare", run="r1",
                      started=None, inputs=(), commit=None, dirty=None, tool="pdca",
                      notebook="compare.ipynb", results_problem="x")
    html = notebook_to_html(nb, tmp_path / "page.html", facts=facts).read_text()
    contents = re.search(r'<nav [^>]*pdca-contents.*?</nav>', html, re.S).group(0)
    linked = re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', contents)
    assert linked == ["1. The data", "2. Over time", "8. How to read this page", "Summary"]
    assert ("Not computed on this export: 3. Process steps; 7. Training effect"
            in contents)
    assert "Skipped: <strong>Training effect</strong>" in html  # the line itself stays


def test_a_run_that_stopped_lists_the_sections_it_reached():
    from pdcakit.run.render import section_headings, sections_run

    nb = new_notebook(cells=[
        new_markdown_cell("## 1. The data"),
        new_code_cell("x", outputs=[new_output("error", ename="ValueError", evalue="bad",
                                               traceback=[])]),
        new_markdown_cell("## 2. Verdict"), new_code_cell("x"),
    ])
    assert sections_run(nb) == ([("1. The data", "1.-The-data")], ["2. Verdict"])
    assert [text for text, _ in section_headings(nb)] == ["1. The data", "2. Verdict"]
