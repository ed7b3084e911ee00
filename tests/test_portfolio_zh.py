"""The portfolio in the workbook's language (issue 26): a Chinese workbook's
``runs/index.html`` says ``lang="zh-CN"`` and leaves no English sentence (the zh pages'
detector, tests/test_zh_pages.py), with several cycles at every stage, a last run, an
adopted decision with its monitor result, overdue actions, the Chinese supervision plan
with an overdue check and a finding; user text (ids, titles, owners with ``<script>``)
is escaped; an English workbook's portfolio keeps its English words."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker.portfolio import portfolio_page
from pdcakit.tracker.supervision import plan_path
from test_results_contract import baseline_results, write_run
from test_zh_pages import english_sentences

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 8, 20)


def _record(cycle: str, **fields: object) -> str:
    record = {"id": cycle, "title": "缩短首次响应时间", "owner": "王芳",
              "created": dt.date(2026, 1, 5), "stage": "plan", "decision": None,
              "aim": {"metric": "fcr", "direction": "higher", "target": 0.74},
              "log": [{"date": dt.date(2026, 1, 5), "event": "created"}], **fields}
    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False)


def _workbook(root: Path, language: str | None) -> ProjectPaths:
    """A workbook with four cycles (plan, do with an overdue action and a failed run,
    check with a run, act adopted and monitored quiet) and the Chinese demo's plan."""
    paths = ProjectPaths(init_workbook(root, language).root)
    records = {
        "first-response": _record("first-response"),
        "email-triage": _record(
            "email-triage", title="邮件分派", stage="do",
            actions=[{"what": "培训坐席", "owner": "李雷", "due": dt.date(2026, 3, 1),
                      "done": False}],
            log=[{"date": dt.date(2026, 1, 5), "event": "created"},
                 {"date": dt.date(2026, 2, 2), "event": "run", "stage": "baseline",
                  "status": "failed", "run_dir": "runs/email-triage/baseline/x"}]),
        "callback": _record(
            "callback", title="回拨", stage="check",
            log=[{"date": dt.date(2026, 1, 5), "event": "created"},
                 {"date": dt.date(2026, 7, 6), "event": "run", "stage": "compare",
                  "status": "succeeded", "run_dir": "runs/callback/compare/x"}]),
        "fcr-2026": _record(
            "fcr-2026", title="提高首次解决率", stage="act", finding="F1",
            decision={"decision": "adopt", "date": dt.date(2026, 7, 10),
                      "rationale": "首次解决率提高 6 个百分点"},
            log=[{"date": dt.date(2026, 1, 5), "event": "created"},
                 {"date": dt.date(2026, 8, 17), "event": "monitor", "kpi": "fcr",
                  "n_periods": 6, "periods": ["2026-07-06", "2026-08-10"], "signals": []}]),
    }
    for cycle, text in records.items():
        paths.record(cycle).write_text(text, encoding="utf-8")
    shutil.copyfile(ROOT / "data" / "demo" / "supervision_zh.yaml", plan_path(paths))
    # the registers a baseline run read (results.json's feedback and complaints records)
    results = {**baseline_results(), "feedback": {
        "items": 773, "first_received": "2026-01-05T08:12:00",
        "last_received": "2026-04-05T17:40:00", "pareto": ["response_speed"],
        "shares": {"response_speed": {"value": 0.277}}}, "complaints": {
        "cases": 122, "open": 2, "time_to_close": {"median": 5.0},
        "closed_by_deadline": {"value": 0.574}, "repeat_rate": {"value": 0.164}}}
    write_run(paths, "callback", "baseline", results)
    return paths


@pytest.fixture(scope="module")
def zh_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    paths = _workbook(tmp_path_factory.mktemp("zh") / "wb", "zh-CN")
    return portfolio_page(paths, today=TODAY).read_text(encoding="utf-8")


class TestChinesePortfolio:
    def test_the_page_says_its_language(self, zh_page):
        assert '<html lang="zh-CN">' in zh_page

    def test_cycles_stages_runs_and_registers_in_chinese(self, zh_page):
        text = html.unescape(zh_page)
        for word in ("执行", "检查", "处理", "采纳", "逾期", "监督计划",
                     "2026年7月6日"):  # stages, decision, overdue, plan, Babel's date
            assert word in text, word
        assert "首次解决率过程监控" in text and "F1" in text  # the plan and its finding
        assert "2026年7月6日 至 2026年8月10日" in text  # the monitor run's periods
        assert "2026年1月5日 至 2026年4月5日" in text  # the feedback register's days

    def test_no_english_sentence_is_left(self, zh_page):
        # the cycles' and checks' ids are names the team chose, as a file name is
        names = {"email-triage", "first-response", "fcr-2026", "internal-audit",
                 "fcr-monitoring", "mystery-shopper"}
        assert [s for s in english_sentences(zh_page) if s not in names] == []


def test_an_english_workbook_keeps_its_english_portfolio(tmp_path):
    page = html.unescape(portfolio_page(_workbook(tmp_path / "wb", None), today=TODAY)
                         .read_text(encoding="utf-8"))
    assert '<html lang="en">' in page and "<title>PDCA portfolio</title>" in page
    assert "4 improvement cycles. Click a cycle for its charter" in page
    for word in ("Days in stage", "Overdue actions", "compare on 2026-07-06 (succeeded)",
                 "adopt", "Supervision plan", "Holding the gains",
                 "773 feedback items, 2026-01-05 to 2026-04-05",
                 "2 still open; median time to close 5.0 days (Kaplan-Meier); closed by"):
        assert word in page, word


def test_user_text_is_escaped_on_the_chinese_page(tmp_path):
    paths = ProjectPaths(init_workbook(tmp_path / "wb", "zh-CN").root)
    hostile = "<script>alert(1)</script>"
    paths.record("c1").write_text(_record("c1", title=f"标题{hostile}", owner=hostile),
                                  encoding="utf-8")
    plan = yaml.safe_load((ROOT / "data" / "demo" / "supervision_zh.yaml")
                          .read_text(encoding="utf-8"))
    plan["checks"][0]["owner"] = hostile
    plan["checks"][0]["id"] = "audit-x"
    plan["done"][0]["check"] = "audit-x"
    plan_path(paths).write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    page = portfolio_page(paths, today=TODAY).read_text(encoding="utf-8")
    assert "<script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # title, owner, plan


def test_a_bad_workbook_language_names_the_file_on_the_portfolio(tmp_path):
    from pdcakit.tracker.record import CycleError

    paths = ProjectPaths(init_workbook(tmp_path / "wb", "zh-CN").root)
    (paths.records / "workbook.yaml").write_text("language: zh_CN\n", encoding="utf-8")
    with pytest.raises(CycleError, match=re.escape(
            "pdca/workbook.yaml: language: 'zh_CN' is not one of en, zh-CN")):
        portfolio_page(paths, today=TODAY)
