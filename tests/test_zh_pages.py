"""No English sentence on a zh-CN page (issue 26), run on the Chinese demo.

The Chinese demo record (``demo-helpdesk-zh``, ``language: zh-CN``) runs its baseline,
compare and efficiency stages in a throw-away workbook; every word a reader sees on the pages (text,
``alt``, ``title`` and ``aria-label`` attributes) is read, and a run of two or more
Latin words is an English sentence unless it is one of the proper names, units and
abbreviations the team keeps (:data:`KEPT`). The parts the words layer already serves
(the header, the verdict box, the contents list, the notebook's prose) must be free of
English now; the whole page is a strict xfail naming what is left, so it fails loudly
the day it passes and the marker can go.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import pytest

from pdcakit.run.demos import place_demo
from pdcakit.run.project import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]
PDCA = Path(sys.executable).parent / "pdca"

#: What a zh-CN page may keep in Latin letters: proper names of methods and people, the
#: KPI and method abbreviations the team chose (客户满意度指数 CSI ...), units and tools.
KEPT = (
    "Kaplan-Meier", "Anhøj", "Western Electric", "Nelson", "NHS", "Making Data Count",
    "Wilson", "Holm", "Benjamini-Hochberg", "Mantel-Haenszel", "Welch", "Mann-Whitney",
    "Wilcoxon", "Hodges-Lehmann", "Fisher", "Hedges' g", "Pearson", "Poisson", "Laney", "Simpson",
    "Student", "Cronbach's alpha", "Feldt", "Cohen's kappa", "DerSimonian-Laird", "ANOVA",
    "XmR", "log-rank", "bootstrap", "JupyterLab", "papermill", "pdca-workbook", "git",
    "sha256", "UTC", "KPI", "CSI", "FCR", "AHT", "CSAT", "NPS", "SLA", "TPS", "TDS", "ROI",
    "FTE", "PDCA", "CI", "p", "n", "alpha", "case_mix", "Plan", "Do", "Check", "Act",
)
_KEPT = re.compile(r"(?<![A-Za-z])(?:" + "|".join(
    sorted((re.escape(k) for k in KEPT), key=len, reverse=True)) + r")(?![A-Za-z])")
#: File names, run stamps, cycle ids and hashes are names, not sentences.
_NAMES = re.compile(r"\S+\.(?:csv|yaml|ipynb|html)\b|\b\d{8}T\d{6}Z\b|demo-helpdesk-zh"
                    r"|\bpdca [a-z][a-z-]+"  # a command the user types
                    r"|\b[0-9a-f]{12}\b")
_RUN = re.compile(r"[A-Za-z][A-Za-z'’\-]*(?:[\s,;:/()\-]+[A-Za-z][A-Za-z'’\-]*)+")
#: Elements whose text is not prose: styles, scripts, and code a user types (a command, a
#: column name, a parameter), which stays as it is in every language.
_UNREAD = ("style", "script", "code")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
#: The page parts the words layer serves now: (tag, class word) -> part name.
_OWNED = {("header", "pdca-header"): "header", ("section", "pdca-verdict"): "verdict",
          ("nav", "pdca-contents"): "contents", ("div", "jp-MarkdownCell"): "prose",
          ("p", "pdca-note"): "note"}


class _Reader(HTMLParser):
    """The text a reader sees, each piece with the owned part it sits in ("" outside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, str]] = []
        self._stack: list[tuple[str, str]] = []  # (tag, part) of every open element
        self._hidden = 0

    def _part(self) -> str:
        return next((part for _, part in reversed(self._stack) if part), "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        part = next((name for (t, word), name in _OWNED.items()
                     if t == tag and word in classes), "")
        for name in ("alt", "title", "aria-label"):
            if found.get(name):
                self.pieces.append((part or self._part(), str(found[name])))
        if tag in _VOID:
            return
        self._stack.append((tag, part))
        self._hidden += tag in _UNREAD

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            open_tag, _ = self._stack.pop()
            self._hidden -= open_tag in _UNREAD
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.pieces.append((self._part(), data))


def english_sentences(page: str, part: str | None = None) -> list[str]:
    """Runs of two or more Latin words left on ``page`` (``part``: only in that owned
    part, "" outside them) once the kept names, file names and stamps are taken out.

    >>> english_sentences("<p>改善：首次解决率 FCR，95% CI，Kaplan-Meier 中位数</p>")
    []
    >>> english_sentences('<p>改善</p><img alt="Chart: Tickets by category">')
    ['Chart: Tickets by category']
    """
    reader = _Reader()
    reader.feed(page)
    found: list[str] = []
    for where, text in reader.pieces:
        if part is not None and where != part:
            continue
        plain = _KEPT.sub("·", _NAMES.sub("·", text))
        found.extend(" ".join(run.split()) for run in _RUN.findall(plain))
    return list(dict.fromkeys(found))


class TestTheDetector:
    def test_an_english_sentence_is_found_wherever_a_reader_sees_it(self):
        page = ('<html><head><style>.x{font-family:"Noto Sans CJK"}</style></head><body>'
                '<header class="pdca-header"><a aria-label="Related pages">相关页面</a></header>'
                '<p>结论：The periods vary no more than chance would.</p>'
                '<svg><title>Share of tickets still waiting</title></svg></body></html>')
        assert english_sentences(page) == ["Related pages",
                                           "The periods vary no more than chance would",
                                           "Share of tickets still waiting"]
        assert english_sentences(page, "header") == ["Related pages"]

    def test_kept_names_units_and_abbreviations_are_not_sentences(self):
        page = ("<p>首次解决率 FCR 从 67.8% 升至 74.2%（99.4% CI，Holm 调整，Welch t 检验，"
                "NHS Making Data Count 图标；Kaplan-Meier 中位数 4.0 分钟）。"
                "数据：tickets_zh_full_gb18030.csv (sha256 e53e039b000e)；"
                "运行 20261207T202158Z；demo-helpdesk-zh；pdca-workbook 0.1.0</p>")
        assert english_sentences(page) == []
        assert english_sentences("<p>改善 (the interval excludes no change)</p>") == [
            "the interval excludes no change"]


def _workbook_template(root: Path, stage: str) -> None:
    """The workbook's own copy of ``stage``'s template, made from its jupytext source
    (``notebooks/STAGE.py``): the pages test the stages as they are now, not as the
    committed ``.ipynb`` was last regenerated."""
    (root / "notebooks").mkdir(exist_ok=True)
    nb = jupytext.read(ROOT / "notebooks" / f"{stage}.py")
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert re.search(r"^language\s*:", cell.source, re.M), f"{stage}.py: no language parameter"
    jupytext.write(nb, root / "notebooks" / f"{stage}.ipynb")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("zh-workbook")
    subprocess.run([str(PDCA), "init", str(root)], check=True, capture_output=True)
    demo = place_demo(ProjectPaths(root), "zh-CN")
    found = {}
    for stage in ("baseline", "compare", "efficiency"):
        _workbook_template(root, stage)
        done = subprocess.run([str(PDCA), "run", demo.cycle, stage], cwd=root, text=True,
                              capture_output=True, timeout=900,
                              env={**os.environ, "PDCA_HOME": str(root)})
        assert done.returncode == 0, done.stdout + done.stderr
        html = next((root / "runs" / demo.cycle / stage).glob(f"*/{stage}.html"))
        found[stage] = html.read_text(encoding="utf-8")
    subprocess.run([str(PDCA), "report", demo.cycle], cwd=root, check=True,
                   capture_output=True, env={**os.environ, "PDCA_HOME": str(root)})
    found["cycle"] = (root / "runs" / demo.cycle / "index.html").read_text(encoding="utf-8")
    return found


@pytest.mark.parametrize("stage", ["baseline", "compare", "efficiency"])
def test_the_page_says_it_is_chinese(pages, stage):
    assert '<html lang="zh-CN">' in pages[stage]


@pytest.mark.parametrize("stage", ["baseline", "compare", "efficiency"])
@pytest.mark.parametrize("part", ["header", "contents", "prose"])
def test_no_english_sentence_in_the_parts_the_words_layer_serves(pages, stage, part):
    assert english_sentences(pages[stage], part) == []


def test_no_english_sentence_in_the_compare_verdict_box(pages):
    assert "改善" in pages["compare"]
    assert english_sentences(pages["compare"], "verdict") == []
    # what was not computed is named in Chinese; why is the stage's own wording (the
    # whole-page test below lists it)
    note = pages["compare"].split('<p class="pdca-note"><b>本次导出数据未计算：</b>', 1)[1]
    note = note.split("</p>", 1)[0].strip()
    names = [item.split("（", 1)[0] for item in note.split("；")]
    assert names and all(re.match(r"^[\u4e00-\u9fff]", name) for name in names), names
    for english in ("Feedback", "Complaints", "Over time", "over_time", "Standards", "Composite"):
        assert english not in " ".join(names)


_GLOSSARY = re.compile(r'<details class="pdca-fold"><summary>上文所用术语</summary>.*?</details>',
                       re.S)


@pytest.mark.parametrize("stage", ["baseline", "compare", "efficiency"])
def test_the_glossary_and_the_skipped_lines_are_chinese(pages, stage):
    """Every glossary fold ("Terms used above") and every skipped-section line: the page's
    own words, whichever stage module made them (reworded at render when it made them in
    English)."""
    page = pages[stage]
    folds = _GLOSSARY.findall(page)
    assert stage == "efficiency" or folds, "no glossary on the page"
    assert "Terms used above" not in page
    left = {fold[:60]: english_sentences(fold) for fold in folds if english_sentences(fold)}
    assert not left, left
    assert "Skipped:" not in page and "Skipped on this export" not in page


@pytest.mark.xfail(strict=True, reason="chart titles, axes and legends (plots), the control-"
                   "chart and run-chart sentences (spc), the KPI names in tables "
                   "(display.estimates_table) and the stages' own f-string sentences "
                   "(compare_page, timeview, overtime, compare_scores, efficiency) are not "
                   "marked for the catalogue yet: the words helper's report lists them")
@pytest.mark.parametrize("stage", ["baseline", "compare", "efficiency"])
def test_no_english_sentence_anywhere_on_the_page(pages, stage):
    left = english_sentences(pages[stage])
    assert left == [], f"{len(left)} English runs, e.g. {left[:15]}"



def test_the_cycle_page_frames_its_results_in_chinese(pages):
    """The cycle page's own words (review card's rows, charter, headings, actions, stage
    sections' links, log) are Chinese; the results' sentences inside it are the stages'."""
    page = pages["cycle"]
    assert '<html lang="zh-CN">' in page
    card = page.split('<div class="card">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]*)</th>', card)
    assert rows[:2] == ["稳定性（基线）", "规则集（基线控制图）"] and "决定" in rows, rows
    assert "<h2>评审卡</h2>" in page and "<h2>计划阶段：章程</h2>" in page
    charter = page.split("<h2>计划阶段：章程</h2>", 1)[1].split("</table>", 1)[0]
    # (the finding a cycle answers is worded by the registers' view)
    charter = re.sub(r"<tr><td[^>]*>回应的发现</td>.*?</tr>", "", charter)
    assert not english_sentences(charter), charter
    for heading in re.findall(r"<h[23]>([^<]*)</h[23]>", page):
        assert not english_sentences(f"<p>{heading}</p>"), heading
    log = page.split("<h2>日志</h2>", 1)[1]
    assert "status: succeeded" not in log and "run of" not in log
