"""The Chinese demo carries the registers as the English one does (issues 26, 28): its
record reads the feedback and complaint registers and answers the Chinese plan's finding
F1; after adoption ``pdca monitor`` holds the gain on the weeks since; the portfolio
shows the plan, the finding with its cycle, the monitor result and both registers."""

from __future__ import annotations

import datetime as dt
import html
import shutil

import matplotlib
import pytest
import yaml

from pdcakit.run.demos import demo_cycle, place_demo
from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.stages.baseline_page import PageLedger
from pdcakit.stages.registers_page import complaints_baseline, feedback_baseline
from pdcakit.tracker import supervision as sv
from pdcakit.tracker.monitor import monitor
from pdcakit.tracker.moves import cycle_events
from pdcakit.tracker.record import edit_record, read_cycle
from test_results_contract import baseline_results, write_run

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A workbook holding the Chinese demo as ``pdca demo --language zh-CN`` leaves it
    after adoption: its record and plan placed, a baseline run that read both registers
    with the record's own parameters, the decision, a monitor run."""
    paths = ProjectPaths(init_workbook(tmp_path_factory.mktemp("zh") / "wb").root)
    zh = demo_cycle("zh-CN")
    place_demo(paths, "zh-CN")
    shutil.copyfile(zh.plan, sv.plan_path(paths))  # what pdca demo places for zh-CN
    record = read_cycle(paths, zh.cycle)
    params = record.stages["baseline"]["parameters"]
    window = tuple(record.data["before"])
    ledger = PageLedger(frozenset(), show=False)
    feedback = feedback_baseline(ledger, feedback_path=params["feedback_path"], window=window,
                                 language="zh-CN")
    complaints = complaints_baseline(ledger, complaints_path=params["complaints_path"],
                                     snapshot=params["complaints_snapshot"], window=window,
                                     language="zh-CN")
    results = {**baseline_results(), **feedback.record, **complaints.record}
    write_run(paths, zh.cycle, "baseline", results, logged=True)
    with edit_record(paths, zh.cycle) as data:
        data["decision"] = {"decision": "adopt", "date": "2026-07-06", "note": "采纳"}
        data["data"]["new_baseline"] = list(record.data["after"])
    watched = monitor(paths, zh.cycle, zh.monitor_data, mapping=zh.monitor_mapping)
    return paths, zh, feedback, complaints, watched


class TestChineseDemoRecord:
    def test_reads_both_registers_in_both_stages(self):
        data = yaml.safe_load(demo_cycle("zh-CN").template.read_text(encoding="utf-8"))
        for stage in ("baseline", "compare"):
            params = data["stages"][stage]["parameters"]
            assert params["feedback_path"] == "demo:feedback.csv"
            assert params["complaints_path"] == "demo:complaints.csv"
        assert data["finding"] == "F1"

    def test_answers_the_finding_of_its_own_plan(self, demo):
        paths, zh, *_ = demo
        plan = sv.read_plan(paths)
        finding = plan.finding(read_cycle(paths, zh.cycle).finding)
        assert finding.text.startswith("首次解决率约 68%")
        assert plan.check("fcr-monitoring").activity == "首次解决率过程监控"
        events = cycle_events(paths, zh.cycle)
        assert any(day == "2025-12-15" and "F1" in label for day, label in events)


class TestChineseDemoPortfolio:
    def test_registers_computed_in_chinese(self, demo):
        _, _, feedback, complaints, watched = demo
        assert feedback.record["feedback"]["items"] == 773
        assert complaints.record["complaints"]["cases"] > 50
        assert "2026年1月5日" in feedback.sentences[0]
        assert watched.periods and watched.limits.kpi == "fcr"

    def test_portfolio_shows_every_register(self, demo):
        from pdcakit.tracker.report import portfolio_page

        paths, zh, *_ = demo
        page = html.unescape(portfolio_page(paths, today=dt.date(2026, 8, 20))
                             .read_text(encoding="utf-8"))
        # the supervision plan, in Chinese; the monthly FCR check overdue (no check logged)
        assert "服务流程内部审核" in page and "首次解决率过程监控" in page
        assert "OVERDUE" in page
        # the finding and the cycle it opened
        assert "低于 74% 的标准" in page and zh.cycle in page
        # holding the gains: the monitor run after adoption
        assert "Holding the gains" in page and "quiet: the gain holds" in page
        # the feedback and complaint registers the baseline run read
        assert "773 feedback items" in page and "complaint cases" in page
