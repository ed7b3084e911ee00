"""The words layer (pdcakit.words) and the zh-CN compare verdict.

The catalogue must cover every message the code marks (extracted here as `make catalogues`
does, so a new message without a translation fails at once), with the same placeholders
in both languages; a zh-CN verdict of a Chinese export reads in Chinese (names, answers,
units, dates) with no English word left in its verdict box but the units and proper names
the catalogue keeps; English stays as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from tests.exports import check_results, chinese_city_council_cases

from pdcakit import words as words_module
from pdcakit.kpis import KPI_INFO, kpi_name
from pdcakit.run.pagefacts import PageFacts, run_date, verdict_rows
from pdcakit.run.render import header_html, verdict_box
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages import compare_page as page
from pdcakit.stages.windows import CompareSettings, Windows
from pdcakit.words import Words, check_language, words

LIB = Path(words_module.__file__).parents[1]
LOCALE = Path(words_module.__file__).with_name("locale")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _extracted() -> set[str | tuple[str, str]]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(LIB), keywords=KEYWORDS, comment_tags=()):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class TestCatalogue:
    def test_every_marked_message_has_a_chinese_translation(self):
        catalogue = _catalogue(LOCALE / "zh_CN" / "LC_MESSAGES" / "pdcakit.po")
        missing = []
        for message in _extracted():
            key = message[0] if isinstance(message, tuple) else message
            entry = catalogue.get(key)
            strings = (entry.string if entry is not None else "") or ""
            if isinstance(strings, str):
                strings = (strings,)
            if entry is None or not all(strings):
                missing.append(key)
        assert not missing, f"no zh-CN translation (run make catalogues, translate): {missing}"

    def test_the_template_holds_every_marked_message(self):
        template = _catalogue(LOCALE / "pdcakit.pot")
        ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
        assert _extracted() <= ids, "run make catalogues"

    def test_placeholders_are_the_same_in_both_languages(self):
        catalogue = _catalogue(LOCALE / "zh_CN" / "LC_MESSAGES" / "pdcakit.po")
        differ = []
        for entry in catalogue:
            if not entry.id:
                continue
            ids = (entry.id,) if isinstance(entry.id, str) else tuple(entry.id)
            texts = (entry.string,) if isinstance(entry.string, str) else tuple(entry.string)
            wanted = set().union(*(_fields(i) for i in ids))
            for text in texts:
                if _fields(text) != wanted - ({"count"} if len(ids) > 1 else set()) and \
                        _fields(text) != wanted:
                    differ.append((ids[0], text))
        assert not differ

    @pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt absent")
    def test_gettext_msgfmt_accepts_the_catalogue(self, tmp_path):
        # GNU msgfmt --check: no message is flagged python-format (Babel flags "95% limits"
        # as one; pdcakit.words.flags drops it), headers and plural forms are valid
        path = LOCALE / "zh_CN" / "LC_MESSAGES" / "pdcakit.po"
        done = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "zh.mo"), str(path)],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "python-format" not in path.read_text(encoding="utf-8").replace(
            "python-brace-format", "")

    def test_msgfmt_would_catch_a_flagged_percent(self, tmp_path):
        # the check above can fail: the flag Babel adds makes msgfmt reject "95% 界限"
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import write_po

        from pdcakit.words.flags import drop_flags

        catalog = Catalog(locale="zh_CN")
        catalog.add("95% limits", "95% 界限")
        assert "python-format" in next(m for m in catalog if m.id).flags
        assert drop_flags(catalog) == 1
        with (tmp_path / "x.po").open("wb") as handle:
            write_po(handle, catalog)
        assert "python-format" not in (tmp_path / "x.po").read_text(encoding="utf-8")

    def test_a_message_with_a_wrong_placeholder_is_caught(self):
        # the check above can fail: a translation naming another field differs
        assert _fields("{name}从 {before} 降至 {after}") != _fields("{name} fell from {before}")


class TestWords:
    def test_dates_read_as_each_language_writes_them(self):
        day = dt.date(2026, 7, 5)
        assert Words("zh-CN").date(day) == "2026年7月5日"
        assert Words().date(day) == "5 July 2026"
        assert run_date(None, "20260705T080000Z", "zh-CN") == "2026年7月5日 08:00 UTC"

    def test_numbers_and_percentages_from_babel(self):
        zh = Words("zh-CN")
        assert zh.number(17883.25, 0) == "17,883"
        assert zh.number(-0.04) == "0.0"  # never a negative zero
        assert zh.percent(0.125) == "12.5%"
        assert zh.percent(-0.162, sign=True) == "-16.2%"
        assert zh.value(10_080, "minutes") == "7.0 天"
        assert zh.value(None) == "无数据"

    def test_an_unknown_language_names_the_choices(self):
        with pytest.raises(ValueError, match=r"'fr' is not one of en, zh-CN"):
            check_language("fr")
        with pytest.raises(ValueError, match="parameter language: 'zh' is not one of"):
            CompareSettings.check(kpis=["fcr"], language="zh")

    def test_plurals(self):
        assert words("en").ngettext("{count} KPI", "{count} KPIs", 1) == "1 KPI"
        assert words("en").ngettext("{count} KPI", "{count} KPIs", 9) == "9 KPIs"
        assert words("zh-CN").ngettext("{count} KPI", "{count} KPIs", 9) == "9 个指标"

    def test_every_kpi_has_a_chinese_name(self):
        names = {key: kpi_name(key, "zh-CN") for key in KPI_INFO}
        assert names["fcr"] == "首次解决率" and names["aht"] == "平均处理时长"
        assert names["complaint_rate"] == "客户投诉率"
        assert all(re.search(r"[\u4e00-\u9fff]", n) for n in names.values()), names
        assert kpi_name("aht") == "Average handle time"


# ------------------------------------------------------------------ the zh-CN verdict
#: ASCII words a zh-CN verdict box may keep: units and proper names the catalogue keeps.
KEPT = {"UTC", "CSAT", "SLA", "sha256", "CI"}


def _english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT]


@pytest.fixture(scope="module")
def chinese_results(tmp_path_factory):
    """The compare stage's results of a GB18030 export with Chinese headers and
    categories (time to resolve, censored), in zh-CN and in English."""
    folder = tmp_path_factory.mktemp("zh")
    export = chinese_city_council_cases(folder, rows=6_000)
    windows = Windows.around("2022-01-03", weeks_before=26, weeks_after=26)
    out = {}
    for language in ("zh-CN", "en"):
        settings = CompareSettings.check(kpis=["time_to_resolve"], language=language,
                                         targets={"time_to_resolve": 14 * 1440})
        tickets, ledger = page.read_tickets(str(export.path), str(export.mapping), windows)
        ledger.show = False
        before, after = windows.split(tickets)
        check = page.check_section(before, after, settings, ledger)
        out[language] = (check, check_results(check, windows, tickets))
    return out


class TestChineseVerdict:
    def test_the_verdict_reads_in_chinese(self, chinese_results):
        check, _ = chinese_results["zh-CN"]
        change = check.changes.changes[0]
        assert change.name == "解决时长"
        assert change.plain_line.startswith("解决时长从 ")
        assert "（中位数）" in change.plain_line and change.plain_line.endswith("。")
        assert "置信区间" in change.sentence
        answer = change.answer_line
        assert answer.startswith("**") and "目标" in answer
        assert any(unit in change.plain_line for unit in ("天", "小时", "分钟"))
        assert {c.check for c in change.checks} <= {"样本量", "异常数据", "稳定性", "前提假设"}
        assert not _english_words(change.plain_line), change.plain_line
        assert not _english_words(answer.replace("**", "")), answer

    def test_the_verdict_box_has_no_english_word(self, chinese_results):
        _, raw = chinese_results["zh-CN"]
        results = results_from_dict(raw, source="results", stage="compare")
        box = verdict_box(results, language="zh-CN")
        text = re.sub(r"<[^>]+>", " ", box)
        assert "<h2>结论</h2>" in box and "估计量" in box and "改进前" in box
        assert not _english_words(text), _english_words(text)
        rows = verdict_rows(results, "zh-CN")
        assert rows[0].figures["Estimand"] == "中位数"
        assert rows[1].name == "解决时长（据此判断）"

    def test_english_is_unchanged(self, chinese_results):
        check, raw = chinese_results["en"]
        change = check.changes.changes[0]
        assert change.name == "Time to resolve"
        assert change.plain_line.startswith("Time to resolve ")
        assert "(median)" in change.plain_line
        results = results_from_dict(raw, source="results", stage="compare")
        box = verdict_box(results)
        assert "<h2>Verdict</h2>" in box and not re.search(r"[\u4e00-\u9fff]", box)

    def test_the_header_is_chinese(self):
        facts = PageFacts(cycle="c1", cycle_title="降低解决时长", stage="compare",
                          run="20260705T080000Z", started=None, inputs=(), commit=None,
                          dirty=None, tool="pdca-workbook 0.1.0", notebook="compare.ipynb",
                          results_problem="没有 results.json", language="zh-CN")
        html = header_html(facts, [("结论", "x")])
        assert "<b>循环：</b>" in html and "<b>阶段：</b> 对比" in html
        assert "2026年7月5日 08:00 UTC" in html and "<h2>目录</h2>" in html
        english = PageFacts(**{**facts.__dict__, "language": "en"})
        assert "<b>Cycle:</b>" in header_html(english)


def test_the_page_says_its_language(tmp_path):
    from nbformat.v4 import new_markdown_cell, new_notebook

    from pdcakit.run.render import notebook_to_html

    nb = new_notebook(cells=[new_markdown_cell("# 对比")])
    facts = PageFacts(cycle="c1", cycle_title="降低解决时长", stage="compare", run="r1",
                      started=None, inputs=(), commit=None, dirty=None, tool="pdca",
                      notebook="compare.ipynb", results_problem="x", language="zh-CN")
    html = notebook_to_html(nb, tmp_path / "zh.html", facts=facts).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    english = PageFacts(**{**facts.__dict__, "language": "en"})
    html = notebook_to_html(nb, tmp_path / "en.html", facts=english).read_text(encoding="utf-8")
    assert '<html lang="en">' in html


class TestReword:
    """Words.reword: English a statistics module filled from its marked messages, read back
    and said in the page's language where the result is shown."""

    def test_a_test_reason_reads_in_chinese_whole(self):
        from pdcakit.stats import compare

        reason = compare([1.5, 2.0, 2.2, 3.1, 2.4] * 10, [2.5, 3.1, 2.9, 3.3, 2.8] * 10).reason
        assert reason.startswith("Why this test: before n = 50 with skewness 0.32; after")
        said = words("zh-CN").reword(reason)
        assert said.startswith("选用此检验的原因：改进前 n = 50，偏度 0.32；改进后 n = 50")
        assert said.endswith("；Welch 版本不假设方差相等。")
        assert not _english_words(said.replace("Cochran", "").replace("Welch", "")), said

    def test_numbers_and_names_stay_and_english_is_untouched(self):
        line = "Skipped: **Money**: needs the column cost_per_hour (map it under columns: in " \
               "the mapping)."
        assert words("en").reword(line) == line
        said = words("zh-CN").reword(line)
        assert said == "已跳过：**金额**：需要 cost_per_hour 列（在映射文件的 columns: 下映射）。"

    def test_a_text_no_message_matches_stays_as_it_is(self):
        # a short template such as "{a} to {b}" never reads ordinary words as itself
        text = "The mean is close to normal, so nothing else is said"
        assert words("zh-CN").reword(text) == text

    def test_english_left_inside_a_chinese_sentence_is_reworded(self):
        # a stage said the sentence in Chinese but passed the test's name on in English
        said = words("zh-CN").reword("检验：quasi-binomial t test of the difference in shares "
                                     "(periods as units)。比例的Two-proportion chi-square test。")
        assert said == "检验：比例之差的准二项 t 检验（以周期为单位）。比例的两比例卡方检验。"

    def test_a_message_with_an_empty_placeholder_and_a_bold_lead(self):
        from pdcakit.stats.stratified import stratified_change

        mix = stratified_change([1, 0, 1, 1, 0, 1] * 20, ["电话", "邮件"] * 60,
                                [1, 1, 1, 0, 1, 1] * 20, ["电话", "邮件"] * 60,
                                kind="proportion", column="channel", key="fcr")
        said = words("zh-CN").reword(f"**First contact resolution:** {mix.sentence}")
        assert said.startswith("**首次解决率：**两个时期之间渠道构成")
        assert "粗变化（全部工单，与结论表相同）为 " in said
        assert not _english_words(said.replace("Mantel-Haenszel", "")), said

    def test_a_range_of_amounts_reads_in_chinese(self):
        zh = words("zh-CN")
        assert zh.reword("13.0 minutes to 13.3 minutes") == "13.0 分钟 至 13.3 分钟"
        assert zh.reword("69.2% to 71.3%") == "69.2% 至 71.3%"
        assert words("en").reword("69.2% to 71.3%") == "69.2% to 71.3%"
