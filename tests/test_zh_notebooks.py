"""The stage notebooks' prose on a zh-CN page (issue 26): the Markdown cells of the jupytext
templates are extracted into the catalogue (``words/babel.cfg``, as ``make catalogues``
runs it) and translated when the page is rendered; the contents list follows the
translated headings; English pages are unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pdcakit import words as words_module
from pdcakit.run.pagefacts import PageFacts
from pdcakit.run.render import notebook_to_html, sections_run
from pdcakit.words.notebooks import (
    markdown_cells,
    translate_markdown,
    translate_notebook,
    units,
)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LOCALE = Path(words_module.__file__).with_name("locale")
STAGES = ("baseline", "compare", "efficiency", "explore")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _notebook_units() -> list[str]:
    """Every unit the extractor finds in notebooks/, as `make catalogues` runs it."""
    return [message for _file, _line, message, _comments, _context in extract_from_dir(
        str(NOTEBOOKS), method_map=[("**.py", "pdcakit.words.notebooks:extract")],
        keywords={"_": None, "N_": None}, comment_tags=())]


def _facts(language: str) -> PageFacts:
    return PageFacts(cycle="c1", cycle_title="提升首次解决率", stage="compare", run="r1",
                     started=None, inputs=(), commit=None, dirty=None, tool="pdca-workbook",
                     notebook="compare.ipynb", language=language)


class TestExtraction:
    def test_every_stage_notebook_gives_its_headings_and_paragraphs(self):
        found = _notebook_units()
        assert "2. Verdict for every KPI" in found
        assert "7. Segments" in found and "6. Technology-change KPIs" in found
        # a paragraph is one message whatever its line breaks
        assert any(m.startswith("Durations are skewed: a few tickets") and "\n" not in m
                   for m in found)
        # analysts' cells (remove-cell) are not on the page: not extracted
        assert not any("For analysts" in m for m in found)

    def test_every_unit_has_a_chinese_translation_and_is_in_the_template(self):
        with (LOCALE / "zh_CN" / "LC_MESSAGES" / "pdcakit.po").open("rb") as handle:
            catalogue = read_po(handle)
        with (LOCALE / "pdcakit.pot").open("rb") as handle:
            template = {m.id for m in read_po(handle)}
        missing = [m for m in _notebook_units()
                   if catalogue.get(m) is None or not catalogue.get(m).string]
        assert not missing, f"run make catalogues and translate: {missing}"
        assert set(_notebook_units()) <= template, "run make catalogues"

    def test_markdown_emphasis_and_code_survive_translation(self):
        with (LOCALE / "zh_CN" / "LC_MESSAGES" / "pdcakit.po").open("rb") as handle:
            catalogue = read_po(handle)
        for message in _notebook_units():
            entry = catalogue.get(message)
            said = entry.string if entry is not None else ""
            if not said:
                continue  # a missing translation is the test above's finding
            for mark in ("**", "`"):
                assert message.count(mark) == said.count(mark), (message, said)

    def test_cells_of_a_percent_script(self):
        text = ("# %% [markdown]\n# # Title\n#\n# One line\n# and the next.\n\n"
                "# %% [markdown] tags=[\"remove-cell\"]\n# For analysts\n\n"
                "# %% tags=[\"parameters\"]\nx = 1  # not prose\n")
        assert list(markdown_cells(text)) == [(2, "# Title\n\nOne line\nand the next.")]


class TestTranslation:
    def test_a_cell_keeps_its_markdown_and_blank_lines(self):
        source = "## 5. SLA attainment\n\nThe share of tickets that met each service-level\n" \
                 "threshold. An open ticket already older than the threshold counts as a " \
                 "miss; one younger than the threshold cannot be judged yet and is left out."
        said = translate_markdown(source, "zh-CN")
        assert said.splitlines()[0] == "## 5. SLA 达成率"
        assert said.splitlines()[1] == ""
        assert said.splitlines()[2].startswith("达到各项服务水平阈值的工单比例")
        assert len(said.splitlines()) == 3

    def test_an_unknown_paragraph_stays_as_written(self):
        source = "## Summary\n\nA note a team added\nto its own copy."
        assert translate_markdown(source, "zh-CN") == source.replace("Summary", "摘要")
        assert translate_markdown(source, "en") == source

    def test_list_items_are_units_with_their_markers_kept(self):
        assert [(u.prefix, u.text) for u in units("- 1. The data\n1. Summary\n  more")] == [
            ("- ", "1. The data"), ("1. ", "Summary more")]
        assert translate_markdown("- Summary", "zh-CN") == "- 摘要"

    @pytest.mark.parametrize("stage", STAGES)
    def test_every_shown_cell_of_the_template_reads_in_chinese(self, stage):
        nb = jupytext.read(NOTEBOOKS / f"{stage}.py")  # the source, as the lead regenerates
        source = [cell.source for cell in nb.cells]
        zh = translate_notebook(nb, "zh-CN")
        assert [cell.source for cell in nb.cells] == source  # a copy: the template unchanged
        for cell in zh.cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type != "markdown" or "remove-cell" in tags:
                continue
            for unit in units(cell.source):
                assert HAN.search(unit.text), f"{stage}: still English: {unit.text!r}"


class TestPage:
    def test_zh_page_headings_and_contents_follow_the_catalogue(self, tmp_path):
        nb = nbformat.read(NOTEBOOKS / "compare.ipynb", as_version=4)
        page = notebook_to_html(nb, tmp_path / "zh.html", facts=_facts("zh-CN")).read_text(
            encoding="utf-8")
        assert "<h2>目录</h2>" in page
        contents = page.split("class=\"pdca-contents\"", 1)[1].split("</nav>", 1)[0]
        assert "2. 各 KPI 的结论" in contents and "Verdict for every KPI" not in contents
        assert "各 KPI 随时间的变化" in page  # a ### heading of the body
        assert "Each KPI first in one plain line" not in page
        ran, not_run = sections_run(translate_notebook(nb, "zh-CN"))
        assert "7. 培训效果" in not_run  # the template's default run has no training table
        for text, anchor in ran:  # every contents link lands on its heading
            assert f'href="#{anchor}"' in contents and f'id="{anchor}"' in page, text

    def test_english_page_unchanged(self, tmp_path):
        nb = nbformat.read(NOTEBOOKS / "compare.ipynb", as_version=4)
        assert translate_notebook(nb, "en") is nb
        page = notebook_to_html(nb, tmp_path / "en.html", facts=_facts("en")).read_text(
            encoding="utf-8")
        assert "2. Verdict for every KPI" in page and "各 KPI 的结论" not in page


def test_tables_code_and_html_stay_as_written():
    source = ("## Summary\n\n| KPI | Value |\n|---|---|\n| FCR | 74% |\n\n```\nSummary\n```\n"
              "<div>Summary</div>")
    assert [u.text for u in units(source)] == ["Summary"]
    said = translate_markdown(source, "zh-CN")
    assert said == source.replace("## Summary", "## 摘要", 1)
