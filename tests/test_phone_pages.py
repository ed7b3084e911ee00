"""A chart drawn twice on a stage page (issue 24): the reviewer template shows the phone
drawing (``plots.phone_figure``, passed as SVG in the output's metadata ``phone``) on a
narrow screen and the wide one elsewhere; a chart without one is shown as before. The
browser tests (test_browser_reader) measure the text; this one reads the HTML.
"""

from __future__ import annotations

import re

import pandas as pd
from nbformat.v4 import new_code_cell, new_notebook, new_output

from pdcakit import plots
from pdcakit.run.render import notebook_to_html
from pdcakit.stages.display import figure_bundle, figure_svg


def _notebook(*, with_phone: bool):
    weeks = list(pd.date_range("2026-01-05", periods=12, freq="W-MON"))
    fig = plots.control_chart(weeks, [0.61, 0.63, 0.6, 0.62] * 3, centre=0.615, percent=True,
                              title="Weekly <FCR> 首次解决率", ylabel="FCR (% of tickets)",
                              events=[("2026-02-10", "Write guided scripts")])
    about = {"width": 864, "alt": "Chart: Weekly <FCR>"}
    if with_phone:
        about["phone"] = figure_svg(plots.phone_figure(fig), key="phone")
    return new_notebook(cells=[new_code_cell("f", execution_count=1, outputs=[new_output(
        "display_data", data=figure_bundle(fig, key="wide"),
        metadata={"image/svg+xml": about})])])


def test_a_chart_with_a_phone_drawing_holds_both_named_alike(tmp_path):
    html = notebook_to_html(_notebook(with_phone=True), tmp_path / "p.html").read_text()
    figure = re.search(r'<figure class="pdca-figure[^"]*" id="chart-1".*?</figure>', html,
                       re.S).group(0)
    wide = re.search(r'<div class="pdca-chart-wide">(.*?)</div><div', figure, re.S).group(1)
    phone = re.search(r'<div class="pdca-chart-phone">(.*?)</div>', figure, re.S).group(1)
    assert wide.count("<svg") == 1 and phone.count("<svg") == 1
    assert wide.count('aria-label="Chart: Weekly &lt;FCR&gt;"') == 1
    assert phone.count('aria-label="Chart: Weekly &lt;FCR&gt;"') == 1
    assert re.search(r'<svg[^>]*width="270pt"', phone)  # 3.75 in: 360 px on the screen
    assert "首次解决率</text>" in phone and "1 Write" in phone  # same words, as text
    ids = lambda svg: set(re.findall(r'\bid="([^"]+)"', svg))  # noqa: E731
    clip = lambda svg: {i for i in ids(svg) if re.fullmatch(r"[pm][0-9a-f]{8,}", i)}  # noqa: E731
    assert not clip(wide) & clip(phone), "the two drawings share clip-path or marker ids"
    # shown by width: the phone drawing under 600 px, never on paper nor enlarged
    rules = re.sub(r"\s+", "", html)
    assert ".pdca-chart-phone{display:none}" in rules
    assert "@mediascreenand(max-width:600px){.pdca-chart-phone{display:block}" in rules


def test_a_chart_without_one_is_shown_as_before(tmp_path):
    html = notebook_to_html(_notebook(with_phone=False), tmp_path / "p.html").read_text()
    assert html.count("<svg") == 1 and 'class="pdca-chart-phone"' not in html
