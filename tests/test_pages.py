"""Reviewer pages without a browser: the stage page's header (cycle, run date, data files with
checksums, commit, links), its verdict box per KPI and contents; the cycle page's verdict,
review card (no repeated sentence, explained terms), print stylesheet and alt text."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from pdcakit.fileio import atomic_write_json
from pdcakit.run.pagefacts import page_facts, verdict_rows
from pdcakit.run.project import ProjectPaths
from pdcakit.run.render import notebook_to_html
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages.display import figure_alt, sentence_bundle
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.report import build_reports
from test_results_contract import baseline_results, compare_results, write_run

CHECKSUM = "319db401f3738a6397052cc0764bed137a67a15e8191d9b303781a49fd7dd017"


@pytest.fixture
def project(tmp_path) -> ProjectPaths:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pdca").mkdir()
    return ProjectPaths(tmp_path)


def _stage_run(project: ProjectPaths, stage: str, results: dict) -> tuple:
    tracker.new_cycle(project, "council", title="Faster 垃圾收集 cases", metric="fcr",
                      target=0.74)
    run_dir = write_run(project, "council", stage, results, stamp="20261201T231643Z")
    provenance = {
        "cycle": "council", "stage": stage, "status": "running",
        "started_at": "2026-12-01T23:16:43+00:00",
        "inputs": {"data_path": {"path": "/home/ana/exports/cases.csv", "sha256": CHECKSUM}},
        "git": {"commit": "0123456789abcdef0123", "dirty": True},
        "tool": {"name": "pdca-workbook", "version": "0.1.0"}}
    atomic_write_json(run_dir / "provenance.json", provenance)
    nb = new_notebook(cells=[
        new_markdown_cell("# Check\n\nIntro."),
        new_markdown_cell("## 1. The data"),
        new_code_cell("say(x)", outputs=[new_output(
            "display_data", data=sentence_bundle("**120 tickets** in 电话"))]),
        new_markdown_cell("## 2. Verdict for every KPI"),
    ])
    return run_dir, nb


def test_stage_page_opens_with_its_header_verdict_and_contents(project):
    run_dir, nb = _stage_run(project, "compare", compare_results(0.68, 0.74))
    facts = page_facts(run_dir)
    assert facts.cycle_title == "Faster 垃圾收集 cases"
    html = notebook_to_html(nb, run_dir / "compare.html", facts=facts).read_text()
    body = html[html.index("<body"):]
    # what the run is: cycle, stage, date (not a raw stamp only), file and checksum, commit
    assert "Faster 垃圾收集 cases (council)" in body
    assert "1 December 2026, 23:16 UTC" in body
    assert f"cases.csv (sha256 {CHECKSUM[:12]})" in body and "/home/ana" not in body
    assert "0123456789 with uncommitted changes" in body
    # links: the cycle page, the portfolio, the notebook, relative to runs/CYCLE/STAGE/STAMP
    for href in ("../../index.html", "../../../index.html", "compare.ipynb"):
        assert f'href="{href}"' in body
    # the verdict comes before the notebook's own first heading, then the contents
    assert body.index("Verdict") < body.index("Contents") < body.index(">Check<")
    contents = body[body.index('aria-label="Contents"'):body.index("</nav>", body.index(
        'aria-label="Contents"'))]
    anchors = re.findall(r'href="#([^"]+)"', contents)
    assert anchors == ["1.-The-data", "2.-Verdict-for-every-KPI"]
    for anchor in anchors:
        assert f'id="{anchor}"' in body
    # every KPI has its statuses in words (not only colour)
    assert "improved" in body and "target met" in body
    assert "✔" in body


def test_verdict_words_per_kpi():
    results = results_from_dict(compare_results(0.68, 0.74), source="r.json")
    [row] = [r for r in verdict_rows(results) if r.kpi == "fcr"]
    assert (row.figures["Before"], row.figures["After"]) == ("68.0%", "74.0%")
    assert set(row.figures) == {"Estimand", "Before", "After", "Change", "Interval"}
    assert row.statuses["Change"].word == "improved"
    assert row.statuses["Target"].word == "target met"
    baseline = results_from_dict(baseline_results(0.68), source="b.json")
    [fcr] = [r for r in verdict_rows(baseline) if r.kpi == "fcr"]
    assert fcr.statuses["Target"].word in {"target met", "target not met", "no target"}
    assert fcr.figures["Cases"].replace(",", "").isdigit()


def test_a_failed_run_keeps_its_failure_box_first(project):
    run_dir, nb = _stage_run(project, "baseline", None)
    nb.cells.insert(0, new_markdown_cell('<div class="pdca-failed">This run failed</div>'))
    nb.cells.append(new_code_cell("x", outputs=[new_output(
        "error", ename="DataError", evalue="bad", traceback=["..."])]))
    html = notebook_to_html(nb, run_dir / "baseline.html",
                            facts=page_facts(run_dir)).read_text()
    body = html[html.index("<body"):]
    assert body.index("This run failed") < body.index("Cycle page")
    assert "No verdict" not in body  # a failed run shows what failed, not an empty box


def test_every_page_carries_the_print_and_phone_stylesheet(project):
    run_dir, nb = _stage_run(project, "compare", compare_results())
    stage_page = notebook_to_html(nb, run_dir / "compare.html",
                                  facts=page_facts(run_dir)).read_text()
    build_reports(project)
    for html in (stage_page, (project.runs / "council" / "index.html").read_text(),
                 (project.runs / "index.html").read_text()):
        assert "@media print" in html and "break-inside:avoid" in html
        assert "@media (max-width:700px)" in html
        assert "Content-Security-Policy" in html and "default-src 'none'" in html


def _cycle_page(project) -> str:
    """The cycle page of a cycle with a baseline run and a compare run (FCR 66% -> 75%)."""
    tracker.new_cycle(project, "c1", title="T", metric="fcr", target=0.74)
    write_run(project, "c1", "baseline", baseline_results(0.66))
    write_run(project, "c1", "compare", compare_results(0.66, 0.75), stamp="20260702T000000Z")
    build_reports(project, "c1")
    return (project.runs / "c1" / "index.html").read_text(encoding="utf-8")


def test_cycle_page_verdict_first_and_review_card_reads_once(project):
    page = _cycle_page(project)
    assert page.index("Verdict (compare run") < page.index("Review card")
    card = page[page.index("Review card"):page.index("Plan: the charter")]
    text = re.sub(r"<[^>]+>", "", card)
    sentences = [s.strip().lower() for s in re.split(r"[.:]\s", text) if len(s.strip()) > 25]
    assert len(sentences) == len(set(sentences)), "the review card repeats itself"
    assert re.search(r'<abbr title="[^"]+">[^<]+</abbr><sup>1</sup>', card)
    assert "pdca-footnotes" in card  # the explanations print too
    assert "2 July 2026, 00:00 UTC" in page  # runs cited by date, linked


def test_charts_have_alt_text_that_says_what_they_show():
    from pdcakit import plots

    fig = plots.step_bars(["triage", "fix"], [3.0, 10.0], [2.0, 8.0], title="Minutes per step")
    alt = figure_alt(fig)
    assert alt.startswith("Chart: Minutes per step.")
    assert "Minutes per ticket" in alt and "Before" in alt and "After" in alt


def test_before_and_after_share_one_colour_on_every_chart():
    from matplotlib.colors import to_hex

    from pdcakit import plots

    curves = {"Before": ([1.0, 2.0, 3.0], [0.8, 0.4, 0.1]),
              "After": ([1.0, 2.0, 3.0], [0.6, 0.2, 0.05])}
    survival = plots.survival_curve(curves, title="t", unit="minutes")
    ecdf = plots.ecdf_plot({"Before": [1, 2, 3], "After": [1, 2]}, title="t", xlabel="minutes")
    bars = plots.step_bars(["a"], [3.0], [2.0], title="t")
    for fig in (survival, ecdf):
        colours = {line.get_label().split(" ")[0]: to_hex(line.get_color())
                   for line in fig.axes[0].get_lines() if line.get_label()[:1] in "BA"}
        assert colours["Before"] == plots.BEFORE_COLOUR and colours["After"] == \
            plots.AFTER_COLOUR
    patches = bars.axes[0].patches
    assert to_hex(patches[0].get_facecolor()) == plots.BEFORE_COLOUR
    assert to_hex(patches[-1].get_facecolor()) == plots.AFTER_COLOUR


def test_figures_are_high_density_and_shown_at_their_size(tmp_path):
    import base64
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    from pdcakit.stages.display import figure_bundle

    fig = Figure(figsize=(4, 3), dpi=96)
    fig.add_subplot().plot([1, 2])
    assert "image/png" not in figure_bundle(fig)  # every page reads the SVG
    png = base64.b64decode(figure_bundle(fig, png=True)["image/png"])
    assert Image.open(io.BytesIO(png)).size == (768, 576)  # 2x of 384 x 288
    assert repr(fig) == "<Figure size 384x288 with 1 Axes>"  # nbval's text unchanged
    nb = new_notebook(cells=[new_code_cell("f", outputs=[new_output(
        "display_data", data=figure_bundle(fig),
        metadata={"image/svg+xml": {"width": 384, "alt": "Chart: <weekly> FCR"}})])])
    html = notebook_to_html(nb, tmp_path / "p.html").read_text()
    # the page draws the SVG (sharp when zoomed) in a figure that enlarges, at its size
    assert 'aria-label="Chart: &lt;weekly&gt; FCR"' in html and '--pdca-width:384px' in html
    assert nbformat.validate(nb) is None


def test_a_chart_with_a_caution_keeps_it_on_the_cycle_page(tmp_path):
    # The forest plot's "Caution: ... lies outside every channel's" travels with the chart
    # to the cycle page, even when the chart is past the first few shown there.
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from pdcakit.tracker.report import _images

    def chart(caption=None):
        outputs = [new_output("display_data", data={"image/png": "iVBORw0K",
                                                    "text/plain": "<Figure>"})]
        if caption:
            outputs.append(new_output("display_data", data={"text/plain": caption}))
        return new_code_cell("x", outputs=outputs)

    nb = new_notebook(cells=[chart(), chart(), chart(),
                             chart("Caution: the overall gain (+5.0%) lies outside every "
                                   "channel's <b>range</b>.")])
    path = tmp_path / "efficiency.ipynb"
    nbformat.write(nb, path)
    images = _images(path, limit=3)
    assert len(images) == 4
    assert "<figcaption class=\"caution\">Caution: the overall gain" in images[-1]
    assert "&lt;b&gt;range&lt;/b&gt;" in images[-1]  # the caption is text, escaped


# ---------------------------------------------------------------- one glossary on every page


def _glossary(shown) -> dict[str, str]:
    from pdcakit.stages.sections import TERMS_TITLE, Fold

    folds = [part for part in shown if isinstance(part, Fold)]
    assert len(folds) == 1 and folds[0].title == TERMS_TITLE
    return dict(re.match(r"\*\*(.+?)\*\*: (.+)", line).groups() for line in folds[0].lines)


def test_the_baseline_page_explains_the_terms_it_used():
    # issue 24: a glossary existed only on the cycle page; the baseline says "95% CI",
    # "run chart", "control limits", "Kaplan-Meier", "censored" without explaining them
    from pdcakit.stages import baseline_page as b
    from pdcakit.stages.baseline import BaselineSettings

    settings = BaselineSettings.check(kpis=["fcr", "time_to_resolve", "aht"], headline_kpi="",
                                      period="W",
                                      target_value=0.74, segment_column="channel")
    loaded = b.data_section("demo:tickets.csv", start="2026-01-05", end="2026-04-06")
    tickets, ledger = loaded.tickets, loaded.sections
    scorecard = b.scorecard_section(tickets, ledger, settings)
    headline = b.headline_section(tickets, ledger, settings)
    stability = b.stability_section(headline)
    b.resolve_section(tickets, ledger)
    plan = b.sample_size_section(headline, ledger, scorecard)
    summary = b.summary_section(headline, stability, plan, ledger)
    terms = _glossary(item.fold for item in summary.shown if item.fold is not None)
    page_words = "\n".join([*ledger.words, *(i.text for i in (*stability.shown,
                                                              *summary.shown))])
    assert {"95% CI", "run chart", "control limits", "Kaplan-Meier", "censored"} <= set(terms)
    assert all(term in page_words for term in terms)  # only terms the page used
    assert "Welch's t test" not in terms and "risk ratio" not in terms
    assert summary.sentences[0].startswith("**First contact resolution** is")  # fold last


def test_the_efficiency_page_explains_the_terms_it_used():
    from pdcakit.stages import efficiency_page as e
    from pdcakit.stages.windows import Windows

    data = e.read_tickets("demo:tickets.csv", Windows.from_parameters(
        change_date="2026-04-06"), show=False)
    gains = e.gains_section(data)
    steps = e.steps_section(data, None)
    freed = e.capacity_section(data, gains, steps)
    value = e.money_section(data, freed)  # skipped: no cost of an hour; says "ROI and payback"
    summary = e.summary_section(data, gains=gains, steps=steps, freed=freed, value=value)
    terms = _glossary(summary.parts)
    assert {"95% CI", "FTE", "censored", "ROI", "payback"} <= set(terms)
    assert "Holm-adjusted p" not in terms
    assert summary.sentences[0].startswith("**")  # the summary first, the fold last
    assert summary.parts[-1].lines  # shown folded (stages.display.fold)


def test_a_page_without_statistical_terms_has_no_empty_glossary():
    from pdcakit.stages import efficiency_page as e
    from pdcakit.stages.windows import Windows

    data = e.read_tickets("", Windows.from_parameters(change_date="2026-04-06"), show=False)
    none = e.Section(record=None)
    assert e.summary_section(data, gains=none, steps=none, freed=none, value=none).parts == (
        "**No efficiency figure could be computed from the inputs given.**",)


def test_review_card_footnotes_are_numbered_in_reading_order(project):
    # issue 24: the card's footnotes read 1 4 2 3, and "risk ratio" carried the fixed
    # example "1.09 means 9% higher" whatever the cycle's own ratio was
    page = _cycle_page(project)
    card = page[page.index("Review card"):page.index("Plan: the charter")]
    table = card[:card.index("pdca-footnotes")]
    numbers = [int(n) for n in re.findall(r"</abbr><sup>(\d+)</sup>", table)]
    first_seen = list(dict.fromkeys(numbers))
    assert len(first_seen) >= 3, numbers
    assert first_seen == list(range(1, len(first_seen) + 1)), numbers
    footnotes = re.findall(r"<li><b>([^<]+)</b>", card[card.index("pdca-footnotes"):])
    marked = re.findall(r"<abbr [^>]+>([^<]+)</abbr>", table)
    assert footnotes == list(dict.fromkeys(marked))
    text = re.sub(r"<[^>]+>", "", table)
    for value in re.findall(r"here, (\d+(?:\.\d+)?) means", card):
        assert value in text  # an example is one of the card's own figures
    assert "1.09 means 9% higher" not in card or "1.09" in text


def test_a_card_row_with_four_terms_numbers_them_as_they_are_read():
    from pdcakit.tracker.report import explain_terms

    notes: list[str] = []
    row = explain_terms("Holm-adjusted p 0.01. Effect size: risk ratio (after / before) "
                        "1.14. Assurance against the target: consistent.", notes)
    assert re.findall(r"<sup>(\d+)</sup>", row) == ["1", "2", "3", "4"]  # was 1 4 2 3
    assert [n.split("</b>")[0][3:] for n in notes] == [
        "Holm-adjusted p", "Effect size", "risk ratio", "Assurance against the target"]
    assert "here, 1.14 means 14% higher after" in notes[2]  # the row's own figure
    assert "1.09" not in "".join(notes)
