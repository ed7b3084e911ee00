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
