"""The feedback sections of the baseline and compare pages, on the seeded demo export
(data/generate_registers.py: response speed 35% -> 18% at the go-live) (issue 28)."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest

from pdcakit.fileio import atomic_write_json
from pdcakit.stages.baseline_page import PageLedger
from pdcakit.stages.registers_page import feedback_baseline, feedback_compare
from pdcakit.stages.sections import Sections
from pdcakit.stages.windows import Windows

matplotlib.use("Agg")

BASELINE = ("2026-01-05", "2026-04-06")


@pytest.fixture(scope="module")
def baseline():
    ledger = PageLedger(frozenset(), show=False)
    section = feedback_baseline(ledger, feedback_path="demo:feedback.csv", window=BASELINE)
    return section, ledger


@pytest.fixture(scope="module")
def compare():
    ledger = Sections(frozenset(), show=False)
    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    return feedback_compare(ledger, windows, feedback_path="demo:feedback.csv"), ledger


class TestBaseline:
    def test_off_says_what_enables_it(self):
        ledger = PageLedger(frozenset(), show=False)
        section = feedback_baseline(ledger)
        assert section.record == {} and "feedback_path" in ledger.skipped["feedback"]
        assert section.sentences[0].startswith("Skipped: ")

    def test_shares_and_agreement(self, baseline):
        section, ledger = baseline
        record = section.record["feedback"]
        assert record["items"] == 773 and record["estimand"] == "share of items"
        # ground truth 35% of items about response speed before the go-live; the lexicon
        # misses some ("Took ages to answer", mixed items), so its share is lower
        speed = record["shares"]["response_speed"]
        assert 0.24 < speed["value"] < 0.35 and speed["ci"][0] < speed["value"]
        assert record["pareto"][0] == "response_speed"
        kappa = record["agreement"]
        assert kappa["n"] == 291 and 0.6 < kappa["kappa"] < 0.85
        assert kappa["table"]["response_speed"]["other"] > 10   # the lexicon's known misses
        assert ledger.inputs["feedback_path"].endswith("feedback.csv")

    def test_shows_tables_pareto_and_p_charts(self, baseline):
        section, _ = baseline
        assert len(section.tables) == 3          # shares, confusion table, disagreements
        examples = section.tables[2]
        assert len(examples) == 8 and examples["Items"].is_monotonic_decreasing
        # the response-speed phrases the lexicon does not know lead the list
        assert examples.iloc[0]["Export's class"] == "Response speed"
        assert examples.iloc[0]["Lexicon's class"] == "Other"
        assert {"Took ages to answer", "Nobody called back"} <= set(examples["Words"])
        # the Pareto; no class's share leaves its limits in the 13 weeks, so no p chart
        # is drawn and one line names the five stable classes
        assert len(section.figures) == 1
        assert any(s.startswith("Satisfaction, Service attitude, Response speed, "
                                "Problem-solving ability and Other: every week lies within")
                   for s in section.sentences)
        assert any("Cohen's kappa 0.72" in s for s in section.sentences)
        over = section.record["feedback"]["over_time"]
        assert len(over["periods"]) == 13 and sum(over["items"]) == 773

    def test_record_is_json(self, baseline, tmp_path):
        section, _ = baseline
        atomic_write_json(tmp_path / "r.json", section.record)
        back = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        assert back["feedback"]["first_received"].startswith("2026-01-05")

    def test_window_without_items(self):
        ledger = PageLedger(frozenset(), show=False)
        section = feedback_baseline(ledger, feedback_path="demo:feedback.csv",
                                    window=("2027-01-01", "2027-02-01"))
        assert section.record == {} and "no item received inside" in ledger.skipped[
            "feedback"]

    def test_export_classes(self, tmp_path):
        p = tmp_path / "f.csv"
        p.write_text("id,received_at,class\nF1,2026-01-05,服务态度\nF2,2026-01-06,响应速度\n"
                     "F3,2026-01-13,响应速度\n", encoding="utf-8")
        ledger = PageLedger(frozenset(), show=False)
        record = feedback_baseline(ledger, feedback_path=str(p),
                                   classes_from="export").record["feedback"]
        assert record["counts"]["response_speed"] == 2
        assert record["agreement"] is None and "feedback_agreement" in ledger.skipped

    def test_p_chart_drawn_for_a_class_outside_its_limits(self, tmp_path):
        """Twelve quiet weeks of 20 items (5 about response speed), then a week of 20 all
        about response speed: that class's chart is drawn, the others are named stable."""
        rows = ["id,received_at,text"]
        quiet = ["回复太慢了", "客服态度很好", "问题已解决", "总体很满意"]
        for week in range(13):
            for k in range(20):  # date-only times, Monday to Friday
                stamp = pd.Timestamp("2026-01-05") + pd.Timedelta(weeks=week, days=k % 5)
                text = "回复太慢了" if week == 12 else quiet[k % 4]
                rows.append(f"F{week}-{k},{stamp:%Y-%m-%d},{text}")
        path = tmp_path / "feedback.csv"
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        ledger = PageLedger(frozenset(), show=False)
        section = feedback_baseline(ledger, feedback_path=str(path))
        titles = [f.axes[0].get_title(loc="left") for f in section.figures[1:]]
        assert titles == ["Share of feedback: Response speed"]
        assert any(s.startswith("- Response speed: centre") and "1 period outside" in s
                   for s in section.sentences)
        assert any("every week lies within" in s and "Response speed" not in s.split(":")[0]
                   for s in section.sentences)

    def test_chinese_page(self):
        ledger = PageLedger(frozenset(), show=False)
        section = feedback_baseline(ledger, feedback_path="demo:feedback.csv",
                                    window=BASELINE, language="zh-CN")
        assert "2026年1月5日" in section.sentences[0]
        # the stable classes listed as Chinese lists them (Babel: 、 and 和)
        assert any(s.startswith("满意度、服务态度、响应速度、问题解决能力和其他")
                   for s in section.sentences)


class TestCompare:
    def test_response_speed_fell(self, compare):
        section, _ = compare
        record = section.record["feedback"]
        speed = record["classes"]["response_speed"]
        assert speed["significant"] and speed["difference"] < -0.08
        assert speed["ci_adjusted"][1] < 0 and speed["ci_level"] == pytest.approx(0.99)
        assert record["family_size"] == 5 and record["multiplicity"] == "holm"
        table = section.tables[0]
        assert table.loc[2, "Answer"] == "Fell" and speed["answer"] == "fell"

    def test_charts_for_the_classes_that_moved(self, compare):
        section, _ = compare
        titles = [c.title for c in section.charts]
        assert "Response speed" in titles
        fig = section.charts[0].draw()
        assert fig.axes

    def test_off(self):
        windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
        section = feedback_compare(Sections(frozenset(), show=False), windows)
        assert "feedback" in section.skipped and section.record == {}
