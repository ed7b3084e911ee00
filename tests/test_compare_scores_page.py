"""The compare page's scores section (compare_page.scores_section, with_scores): the
scores join the verdicts, the summary and results.json as the ticket KPIs do."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pdcakit.run import consistency
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages.compare_page import (
    Section,
    Skip,
    TimeView,
    check_section,
    compare_results,
    compare_summary,
    data_section,
    read_score_tables,
    read_tickets,
    scores_section,
    with_scores,
)
from pdcakit.stages.windows import CompareSettings, Windows

WINDOWS = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    standards = tmp_path_factory.mktemp("s") / "standards.csv"
    standards.write_text(
        "standard,category,weight,rule,conformance\n"
        "Response within 30 minutes,speed,0.2,first_response_minutes <= 30,0.95\n"
        "One-time resolution,effectiveness,0.3,first_contact_resolved,0.88\n"
        "Satisfaction score >= 4.5,experience,0.5,csat >= 4.5,0.92\n", encoding="utf-8")
    settings = CompareSettings.check(kpis=["fcr", "csat"], sla_first_response_minutes=30.0,
                                     sla_resolution_hours=24.0)
    tickets, ledger = read_tickets("demo:tickets.csv", "", WINDOWS)
    before, after = WINDOWS.split(tickets)
    check = check_section(before, after, settings, ledger)
    tables = read_score_tables(ledger, {
        "surveys_path": "demo:surveys.csv", "audits_path": "demo:audits.csv",
        "mystery_shopper_path": "demo:mystery_shopper.csv", "standards_path": str(standards)})
    scores = scores_section(tables, WINDOWS, check.settings, tickets_before=before,
                            tickets_after=after)
    return tickets, before, after, ledger, check, scores


def test_scores_join_the_verdicts_summary_and_results(page):
    tickets, before, after, ledger, check, scores = page
    checked = with_scores(check, scores)
    keys = [c.key for c in checked.changes.changes]
    assert keys == ["fcr", "csat", "csi", "tps", "tds", "standards", "composite"]
    summary = compare_summary(checked.changes, TimeView(), {}, ledger.skipped)
    assert "Customer satisfaction index (CSI)" in summary.record["improved"]
    results = compare_results(windows=WINDOWS, settings=check.settings, ledger=ledger,
                              data=data_section(tickets, before, after, WINDOWS),
                              check=checked, time_view=TimeView(), segments=Section(),
                              mix=Section(), training=Section(), summary=summary,
                              scores=scores)
    fcr = checked.changes["fcr"]
    results["headline"] = {"kpi": "fcr", "name": fcr.name, "unit": "fraction", "period": "W",
                           "estimate": fcr.after.as_dict(), "before": fcr.before.as_dict(),
                           "series": []}
    raw = json.loads(json.dumps(results, allow_nan=False, default=str))
    assert raw["kpis"]["csi"]["figures"][0]["estimand"] == "mean"
    assert raw["kpis"]["standards"]["before"]["ci"] is not None
    assert "csi.speed" in raw["scores"]["detail"]["csi questions"]
    assert raw["inputs"]["surveys_path"].endswith("surveys.csv")
    results_from_dict(raw, source="results.json", stage="compare")
    assert consistency.compare_problems(raw) == []


def test_page_shows_verdicts_parts_reliability_and_standards(page):
    *_, scores = page
    text = " ".join(scores.sentences)
    assert "Customer satisfaction index (CSI) rose from 3.80 to 3.96" in text
    assert "Do the questions measure one thing?" in text
    assert "Standards per window" in text
    tables = scores.tables
    standards = tables[-1]
    assert standards["Rule"].tolist()[:2] == ["first_response_minutes <= 30",
                                              "first_contact_resolved"]
    assert any("Cronbach's alpha" in t.columns for t in tables)


def test_no_score_table_is_one_off_line():
    settings = CompareSettings.check(kpis=["fcr"])
    from pdcakit.stages.compare_scores import ScoreTables

    section = scores_section(ScoreTables(), WINDOWS, settings)
    assert section.found is None
    assert isinstance(section.blocks[0], Skip)
    assert section.skipped["scores"].startswith("off: give surveys_path")


def test_a_wide_survey_export_is_read_with_its_mapping(tmp_path):
    from pdcakit.stages.sections import Sections

    rows = 40
    frame = pd.DataFrame({
        "答卷编号": [f"Q{i}" for i in range(rows)],
        "提交时间": ["2026/03/02"] * 20 + ["2026/04/20"] * 20,
        "网点": ["北京"] * rows,
        "您对我们的响应速度是否满意": ["一般", "比较满意"] * 10 + ["非常满意", "比较满意"] * 10,
        "我们是否在承诺时间内回复": ["同意"] * rows,
        "问题是否一次得到解决": ["中立", "不清楚"] * 20,
        "您对问题解决的结果是否满意": ["满意"] * rows,
        "服务人员态度热情": ["同意", "非常同意"] * 20,
        "服务人员对我的问题漠不关心": ["不同意"] * rows})
    path = tmp_path / "问卷.csv"
    frame.to_csv(path, index=False)
    ledger = Sections(frozenset(), show=False)
    tables = read_score_tables(ledger, {"surveys_path": str(path)},
                               {"surveys_mapping": "zh_survey"})
    settings = CompareSettings.check(kpis=["fcr"], language="zh-CN")
    section = scores_section(tables, WINDOWS, settings)
    assert section.found.headline["csi"].direction in ("improved", "not enough data")
    assert "csi dimensions" in section.found.detail
    assert any("never scored" in s or "不计分" in s for s in section.sentences)  # zh-CN: 不计分
