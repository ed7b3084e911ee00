"""The scores' parts over time (issue 27): the CSI per dimension (per question without
dimensions), each TPS / TDS sub-score and each measured standard, one small panel each,
with the headline scores' icons and rules (pdcakit.stages.score_series.part_views,
pdcakit.stages.overtime.score_parts_blocks); and the phase charts' titles and labels.

The icon rules are NHS England's (Making Data Count, 2019) on an XmR chart whose limits
are the centre +- 2.66 x the mean moving range (NIST/SEMATECH e-Handbook 6.3.2.2), as
tests/test_overtime_scores.py checks for the headline CSI. Here the survey exports are
wide, with text answers, reverse-scored items, "don't know" and blank answers, date-only
times, read through the bundled mappings (zh_survey) or a typed mapping (English).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.inputs import resolve_input
from pdcakit.data.surveys import load_scored
from pdcakit.stages.compare_page import check_section, read_tickets
from pdcakit.stages.compare_scores import ScoreTables
from pdcakit.stages.overtime import over_time_section, score_parts_blocks
from pdcakit.stages.score_series import MAX_PART_PANELS, part_views
from pdcakit.stages.timeview import phase_title
from pdcakit.stages.windows import CompareSettings, Windows

CHANGE = "2026-04-06"   # a Monday
WINDOWS = Windows.around(CHANGE, weeks_before=8, weeks_after=8)
WEEKS = pd.date_range("2026-02-09", periods=16, freq="7D")     # Mondays
#: Respondents a week answering one level up (of 10): the week's mean is 3 + k / 10, so
#: the baseline reads 3.5 3.6 3.4 3.5 3.6 3.4 3.5 3.5 (centre 3.5, MR-bar 0.114).
BASE = [5, 6, 4, 5, 6, 4, 5, 5]

SAT = ["非常不满意", "不满意", "一般", "比较满意", "非常满意"]
AGREE = ["非常不同意", "不同意", "中立", "同意", "非常同意"]
#: The zh_survey preset's questions: (column, its scale's labels, dimension, reversed).
ZH_QUESTIONS = [("您对我们的响应速度是否满意", SAT, "服务响应时间", False),
                ("我们是否在承诺时间内回复", AGREE, "服务响应时间", False),
                ("问题是否一次得到解决", AGREE, "问题解决效率", False),
                ("您对问题解决的结果是否满意", SAT, "问题解决效率", False),
                ("服务人员态度热情", AGREE, "服务态度", False),
                ("服务人员对我的问题漠不关心", AGREE, "服务态度", True)]


def _zh_export(tmp_path, attitude_after: int) -> pd.DataFrame:
    """A wide Chinese survey export, 10 respondents a week over the 16 weeks, loaded by
    the zh_survey preset. Week k's answers are 4 for the first BASE[k] respondents and 3
    for the others, in every dimension; after the change the attitude questions (one
    reverse-scored) have ``attitude_after`` fours a week. One "不清楚" and one blank
    answer a week are kept apart, never scored."""
    rows = []
    for k, week in enumerate(WEEKS):
        fours = BASE[k % 8]
        for r in range(10):
            day = week + pd.Timedelta(days=2)                    # date only, a Wednesday
            row = {"答卷编号": f"Q{week:%m%d}{r:02d}", "提交时间": f"{day:%Y/%m/%d}",
                   "网点": ["杭州", "宁波"][r % 2]}
            for column, labels, dimension, reverse in ZH_QUESTIONS:
                n = attitude_after if dimension == "服务态度" and week >= pd.Timestamp(CHANGE) \
                    else fours
                score = 4 if r < n else 3
                row[column] = labels[(6 - score if reverse else score) - 1]
            rows.append(row)
        rows[-1]["问题是否一次得到解决"] = "不清楚"     # don't know: not a low score
        rows[-2]["您对问题解决的结果是否满意"] = ""     # blank
    path = tmp_path / "满意度问卷.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return data.load_table(str(path), "surveys", "zh_survey")


def test_a_chinese_survey_charts_each_dimension_and_finds_the_one_that_moved(tmp_path):
    surveys = _zh_export(tmp_path, attitude_after=7)
    (csi,), skipped = part_views(ScoreTables(surveys=surveys), WINDOWS, language="zh-CN")
    assert skipped == {} and csi.kind == "dimension" and csi.period == "W"
    assert list(csi.names.values()) == ["服务响应时间", "问题解决效率", "服务态度"]
    icons = {csi.names[k]: v.variation.icon for k, v in csi.views.items()}
    # attitude: 3.7 a week after the change, 8 weeks above the centre 3.5 (the reverse
    # item turned round by the mapping agrees): a shift; the others repeat the baseline
    assert icons == {"服务响应时间": "common cause", "问题解决效率": "common cause",
                     "服务态度": "special cause improving"}
    attitude = csi.views["csi.服务态度"]
    assert attitude.variation.rules == ("shift of 7",)   # 7 or more on one side
    assert attitude.variation.points == tuple(range(8, 16))
    assert attitude.values[:8].tolist() == pytest.approx([3.5, 3.6, 3.4, 3.5, 3.6, 3.4,
                                                          3.5, 3.5])
    assert attitude.values[8:].tolist() == pytest.approx([3.7] * 8)
    base = attitude.chart.phases[0]
    mr_bar = np.mean(np.abs(np.diff([3.5, 3.6, 3.4, 3.5, 3.6, 3.4, 3.5, 3.5])))
    assert base.ucl == pytest.approx(3.5 + 2.66 * mr_bar, rel=1e-3)   # NIST 6.3.2.2
    # a "don't know" or blank answer is no answer: each week still has its 10 respondents
    assert csi.views["csi.问题解决效率"].n.tolist() == [10] * 16


def test_the_parts_are_drawn_under_the_summary_in_the_page_language(tmp_path):
    surveys = _zh_export(tmp_path, attitude_after=7)
    (csi,), _ = part_views(ScoreTables(surveys=surveys), WINDOWS, language="zh-CN")
    blocks = score_parts_blocks((csi,), {"csi.服务态度": 3.6}, language="zh-CN")
    fig = blocks[0].draw()
    # a part can be a cycle's aim: its target on its own panel only, in the page's language
    assert [[t.get_text() for t in ax.texts] for ax in fig.axes] == [[], [], ["目标 3.6"]]
    assert ["".join(ax.get_title(loc="left").split()) for ax in fig.axes] == \
        ["服务响应时间", "问题解决效率", "服务态度"]
    assert "客户满意度指数CSI" in "".join(fig._suptitle.get_text().split())
    assert len(blocks) == 1      # three dimensions: no cap, nothing skipped


def _many_questions(tmp_path, n_questions: int) -> pd.DataFrame:
    """An English export of ``n_questions`` agreement questions without dimensions, 10
    respondents a week, one "Don't know" a week."""
    labels = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
              "Strongly agree"]
    questions = [f"Q{i + 1:02d} The service met my need #{i + 1}" for i in range(n_questions)]
    rows = []
    for k, week in enumerate(WEEKS):
        for r in range(10):
            row = {"Response ID": f"S-{week:%m%d}-{r}", "Submitted": f"{week:%d/%m/%Y}"}
            for q in questions:
                row[q] = labels[(4 if r < BASE[k % 8] else 3) - 1]
            rows.append(row)
        rows[-1][questions[0]] = "Don't know"
    path = tmp_path / "survey_export.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    spec = {"table": "surveys", "date_format": "%d/%m/%Y",
            "columns": {"respondent_id": "Response ID", "date": "Submitted"},
            "scales": {"agreement": {"range": [1, 5], "better": "higher",
                                     "answers": dict(zip(labels, range(1, 6), strict=True)),
                                     "not_scored": ["Don't know"]}},
            "questions": {q: {"question": f"q{i + 1:02d}", "scale": "agreement"}
                          for i, q in enumerate(questions)}}
    return load_scored(path, spec).table


def test_dozens_of_questions_are_capped_with_a_plain_line(tmp_path):
    surveys = _many_questions(tmp_path, 15)
    (csi,), _ = part_views(ScoreTables(surveys=surveys), WINDOWS)
    assert csi.kind == "question" and len(csi.views) == MAX_PART_PANELS == 12
    assert csi.not_drawn == ("csi.q13", "csi.q14", "csi.q15") and csi.total == 15
    blocks = score_parts_blocks((csi,))
    assert blocks[0].title == "Customer satisfaction index (CSI): its questions over time"
    assert blocks[1].text == (
        "Customer satisfaction index (CSI): the first 12 of its 15 questions are drawn (at "
        "most 12 panels a chart); not drawn: q13, q14, q15. Each is compared in the scores "
        "section.")
    assert len(blocks[0].draw().axes) == 12
    # a few questions: all drawn, no line
    (few,), _ = part_views(ScoreTables(surveys=_many_questions(tmp_path, 4)), WINDOWS)
    assert len(few.views) == 4 and few.not_drawn == ()


@pytest.fixture(scope="module")
def demo():
    windows = Windows.from_parameters(before=[], after=[], change_date=CHANGE,
                                      weeks_before=13, weeks_after=13)
    tickets, ledger = read_tickets("demo:tickets.csv", "", windows)
    before, after = windows.split(tickets)
    settings = CompareSettings.check(
        kpis=["fcr"], alpha=0.05, power=0.8, multiplicity="holm", targets={}, period="W",
        headline_kpi="", kpi_lists={}, sla_first_response_minutes=30.0,
        sla_resolution_hours=24.0, language="en")
    check = check_section(before, after, settings, ledger)
    tables = ScoreTables(**{kind: data.load_table(str(resolve_input(f"demo:{kind}.csv")),
                                                  kind, None)
                            for kind in ("surveys", "audits", "mystery_shopper", "standards")})
    return over_time_section(tickets, windows, check, scores=tables)


def test_the_demo_charts_the_sub_scores_and_each_standard(demo):
    parts = {p.score: p for p in demo.parts}
    assert list(parts) == ["csi", "tps", "tds", "standards"]
    tps = parts["tps"]
    assert tps.period == demo.views["tps"].period == "M"     # as its headline: thin weeks
    assert list(tps.names.values()) == ["normativity", "efficiency", "experience"]
    standards = parts["standards"]
    assert standards.kind == "standard" and all(v.percent for v in standards.views.values())
    assert {v.axis for v in standards.views.values()} == {"% of judged tickets"}
    # TDS: 40 visits, too few a month: one line for its sub-scores, as for its headline
    assert parts["tds"].views == {} and len(parts["tds"].skipped) == 3
    lines = [s for s in demo.sentences if s.startswith("Mystery-shopper score (TDS)")]
    assert len(lines) == 1 and lines[0].startswith(
        "Mystery-shopper score (TDS): its sub-scores are not charted (need at least 2 "
        "periods with enough observations on each side"), lines[0]
    titles = [c.title for c in demo.charts]
    assert titles[0] == "Every KPI over time" and \
        "Process audit score (TPS): its sub-scores over time" in titles
    # results.json's over_time keeps the compared KPIs only (the parts are charts)
    assert not [k for k in demo.record if "." in k]


def test_titles_and_labels_nest_no_brackets_and_say_weighted_once(demo):
    title = phase_title("Average handle time", "week", "I chart (XmR)")
    assert title == "Average handle time per week, before and after the change: I chart (XmR)"
    assert not re.search(r"\([^()]*\(", title)            # no "( ... (" nesting
    view = demo.views["standards"]
    assert view.ylabel == "Standards conformance (weighted): % of judged tickets per week"
    assert view.ylabel.count("weighted") == 1
    fig = view.figure(period_word="week")
    shown = fig.axes[0].get_title(loc="left") or fig._suptitle.get_text()
    wanted = ("Standards conformance (weighted) per week, before and after the change: "
              "I chart (XmR)")
    assert "".join(shown.split()) == wanted.replace(" ", "")
    zh = phase_title("客户满意度指数 CSI", "week", "I chart (XmR)", "zh-CN")
    assert zh.startswith("客户满意度指数 CSI")


def test_a_ticket_kpis_phase_chart_speaks_the_page_language():
    from pdcakit.kpis import kpi_name
    from pdcakit.stages.timeview import phase_view

    windows = Windows.around(CHANGE, weeks_before=8, weeks_after=8)
    tickets, _ = read_tickets("demo:tickets.csv", "", windows)
    english = phase_view(tickets, "fcr", windows)
    assert english.title == "First contact resolution"
    assert english.ylabel == "First contact resolution (% of tickets per week)"
    chinese = phase_view(tickets, "aht", windows, language="zh-CN")
    assert chinese.title == kpi_name("aht", "zh-CN") != "Average handle time"
    assert chinese.ylabel.startswith(kpi_name("aht", "zh-CN"))
    fig = chinese.figure(period_word="week", language="zh-CN")
    assert "".join(fig.axes[0].get_title(loc="left").split()).startswith(
        kpi_name("aht", "zh-CN"))
    # the numbers do not depend on the language
    assert np.array_equal(chinese.values, phase_view(tickets, "aht", windows).values)
