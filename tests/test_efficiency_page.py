"""The efficiency page's sections (pdcakit.stages.efficiency_page): each section shows,
skips and records on the demo, on a steps-only run, with every list parameter empty and
every optional path "", and on real-shaped exports (date-only times, most cases still
open after the change, no resolved_at, Chinese names); the notebook holds no decision."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import exports  # tests/exports.py
from pdcakit.fileio import plain
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages import efficiency
from pdcakit.stages import efficiency_page as page
from pdcakit.stages.sections import Sections

ROOT = Path(__file__).resolve().parents[1]
STEPS = "demo:process_steps.csv"


def run_page(tickets: page.TicketData, *, steps_path: str = "", segment_column: str = "",
             waiting_steps=(), automated_channels=(), cost_per_hour: float = 0.0,
             investment: float = 0.0, tickets_per_week: float = 0.0,
             currency: str = "EUR") -> dict[str, page.Section]:
    """Every section in the notebook's order, as the notebook calls them."""
    steps = page.read_steps(tickets, steps_path)
    gains = page.gains_section(tickets)
    found = {"gains": gains,
             "segments": page.segments_section(tickets, gains, segment_column),
             "steps": page.steps_section(tickets, steps, waiting_steps=waiting_steps)}
    found["capacity"] = page.capacity_section(tickets, gains, found["steps"],
                                              tickets_per_week=tickets_per_week)
    found["money"] = page.money_section(tickets, found["capacity"], cost_per_hour=cost_per_hour,
                                        investment=investment, currency=currency)
    found["tech"] = page.tech_section(gains)
    found["automation"] = page.automation_section(tickets, list(automated_channels))
    found["summary"] = page.summary_section(tickets, gains=gains, steps=found["steps"],
                                            freed=found["capacity"], value=found["money"])
    return found


def record_of(run: page.Setup, tickets: page.TicketData, found: dict[str, page.Section]):
    record = page.results_record(run, tickets, gains=found["gains"],
                                 segments=found["segments"], steps=found["steps"],
                                 freed=found["capacity"], value=found["money"],
                                 tech=found["tech"], automation=found["automation"],
                                 summary=found["summary"])
    return json.loads(json.dumps(plain(record)))


@pytest.fixture(scope="module")
def demo():
    run = page.setup(change_date="2026-04-06")
    tickets = page.read_tickets("demo:tickets.csv", run.windows, show=False)
    return run, tickets


@pytest.fixture(scope="module")
def demo_page(demo):
    run, _ = demo
    tickets = page.read_tickets("demo:tickets.csv", run.windows, show=False)
    found = run_page(tickets, segment_column="channel", automated_channels=["web"],
                     cost_per_hour=30.0, investment=20_000.0)
    return run, tickets, found


class TestDemo:
    def test_the_data_sentence_and_record(self, demo):
        _, tickets = demo
        # data/README.md: 48,000 tickets over 26 weeks; the after window's 24,012 / 13 weeks
        assert tickets.record == {"before": 23_988, "after": 24_012,
                                  "tickets_per_week_after": pytest.approx(24_012 / 13),
                                  "snapshot_source": "inferred from the latest timestamp"}
        assert tickets.sentences[0].startswith("Windows by ticket creation date: before: "
                                               "2026-01-05 to 2026-04-05; after: 2026-04-06")

    def test_gains_show_a_sentence_each_and_one_table(self, demo_page):
        _, _, found = demo_page
        gains = found["gains"]
        assert list(gains.result) == ["aht", "time_to_resolve", "first_response_time"]
        assert [p.startswith("- ") for p in gains.sentences] == [True] * 3
        frame = gains.parts[-1]
        # named as the compare page names each KPI, with the estimand (issue 23)
        assert isinstance(frame, pd.DataFrame) and frame["Measure"].tolist() == [
            "Average handle time (mean)", "Time to resolve (median)",
            "First response time (median)"]
        assert gains.record["headline"]["kpi"] == "aht"
        assert gains.record["headline"]["before"]["value"] == pytest.approx(
            gains.result["aht"].before)

    def test_segments_draw_a_forest_per_measure_and_keep_the_caution(self, demo_page):
        _, _, found = demo_page
        segments = found["segments"]
        assert set(segments.record) == {"aht", "time_to_resolve", "first_response_time"}
        figures = [p for p in segments.parts if not isinstance(p, str)]
        assert len(figures) == 3
        # every channel's median time to resolve fell by at most about a third; over all
        # tickets it halved (the mix of channels changed): a real difference
        assert [p.split(" (")[0] for p in segments.sentences if p.startswith("Caution")] == [
            "Caution: the fall of the median time to resolve over all tickets"]

    def test_money_and_technology_kpis(self, demo_page):
        _, _, found = demo_page
        aht = found["gains"].result["aht"]
        hours = found["capacity"].result.hours_per_week[0]
        assert hours == pytest.approx(aht.minutes_saved * (24_012 / 13) / 60)
        value = found["money"].result
        assert value.savings_per_week[0] == pytest.approx(hours * 30.0)
        assert found["money"].sentences[0].endswith(
            "(At 30.00 EUR an agent hour and an investment of 20,000 EUR, as given.)")
        assert found["money"].parts[-1]["Figure"].tolist()[-1] == "Savings over 12 months"
        assert found["tech"].record["aht_change_minutes"] == pytest.approx(-aht.minutes_saved)
        # the summary restates no section's sentence (the cycle page lists both)
        shown = [p for section in found.values() for p in section.sentences]
        assert found["summary"].record not in shown
        assert found["summary"].record.startswith(
            f"The change frees about {found['capacity'].result.hours_text}, worth "
            f"{value.savings_text}.")

    def test_the_automation_share_is_the_librarys(self, demo_page):
        _, tickets, found = demo_page
        expected = efficiency.automation_change(tickets.before, tickets.after, ["web"])
        assert found["automation"].record == expected.as_dict()
        assert found["automation"].sentences == (f"- {expected.sentence}",)

    def test_results_follow_the_contract(self, demo_page):
        run, tickets, found = demo_page
        record = record_of(run, tickets, found)
        results = results_from_dict(record, source="results.json", stage="efficiency")
        assert results.stage == "efficiency"
        assert record["tech"]["automation_share"]["channels"] == ["web"]
        assert set(record) >= {"schema", "stage", "windows", "confidence", "data", "skipped",
                               "inputs", "gains", "headline", "segments", "steps",
                               "capacity", "money", "tech", "summary"}


class TestOffAndEmpty:
    """Every list parameter empty and every optional path "": each section says why."""

    def test_empty_lists_and_paths_skip_with_their_reason(self, demo):
        run = page.setup(before=[], after=[], change_date="2026-04-06", waiting_steps=[],
                         automated_channels=[])
        tickets = page.read_tickets("demo:tickets.csv", run.windows, show=False)
        found = run_page(tickets)
        skipped = tickets.sections.skipped
        assert skipped["steps"] == ("off: give steps_path (a process steps table) to "
                                    "enable it")
        # plain words: no setting names on a page a reviewer reads (issue 23)
        assert skipped["segments"].startswith("off: no column to split the tickets by")
        assert skipped["automation_share"].startswith("off: no channel was named as automated")
        assert skipped["money"].startswith("off: no cost of an agent hour")
        for reason in skipped.values():
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", reason.replace("steps_path", "")), \
                reason
        record = record_of(run, tickets, found)
        assert record["steps"] is None and record["money"] is None
        assert record["segments"] == {} and "automation_share" not in record["tech"]
        assert found["summary"].sentences[1] == (
            "Skipped on this export: Process steps, Segments, Money, Automation share (each line "
            "above names what would enable it).")

    def test_a_steps_only_run(self):
        run = page.setup(change_date="2026-04-06")
        tickets = page.read_tickets("", run.windows, show=False)
        found = run_page(tickets, steps_path=STEPS, segment_column="channel",
                         waiting_steps=["wait for customer"], automated_channels=["web"],
                         cost_per_hour=30.0, investment=20_000.0, currency="")
        skipped = tickets.sections.skipped
        assert skipped["gains"] == skipped["segments"] == skipped["automation_share"] == \
            "needs ticket data; this run has only the process-step table"
        # data/README.md: work steps save 11 minutes x 559 tickets a week
        assert found["capacity"].result.hours_per_week == pytest.approx((11 * 559 / 60,) * 3)
        assert found["capacity"].sentences[0].endswith(
            "(from process_steps.csv: work steps' minutes saved x weekly volume). Step "
            "times are standard figures, so there is no range.")
        # savings a year: 11 x 559 / 60 hours x 30 an hour x 52 weeks = 159,874.0
        assert found["money"].result.savings_per_year[0] == pytest.approx(159_874.0)
        assert "an investment of 20,000, as given" in found["money"].sentences[0]
        assert found["money"].parts[-1]["Estimate"].tolist()[1] == "159,874"
        record = record_of(run, tickets, found)
        assert record["data"] is None and "headline" not in record
        assert record["steps"]["source"] == "process_steps.csv"
        results_from_dict(record, source="results.json", stage="efficiency")

    def test_nothing_to_measure_is_one_clear_error(self):
        tickets = page.read_tickets("", page.setup(change_date="2026-04-06").windows,
                                    show=False)
        with pytest.raises(ValueError, match="nothing to measure: give data_path"):
            page.read_steps(tickets, "")

    def test_every_parameter_problem_is_listed_at_once(self):
        with pytest.raises(ValueError, match="3 problems") as caught:
            page.setup(change_date="2026-04-06", waiting_steps="[wait]",
                       automated_channels="web", alpha=5)
        assert "-y 'automated_channels: [web]'" in str(caught.value)

    def test_nothing_written_without_a_results_path(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        page.write_results("", {"schema": "x"})
        assert list(tmp_path.iterdir()) == []
        page.write_results(str(tmp_path / "r.json"), {"value": float("nan")})
        assert json.loads((tmp_path / "r.json").read_text()) == {"value": None}


def _without(frame: pd.DataFrame, *columns: str) -> page.TicketData:
    """Demo windows of ``frame`` with ``columns`` dropped, as an export without them."""
    run = page.setup(change_date="2026-04-06")
    tickets = frame.drop(columns=list(columns))
    before, after = run.windows.split(tickets)
    return page.TicketData(windows=run.windows, sections=Sections.of(tickets, show=False),
                           tickets=tickets, before=before, after=after,
                           per_week=len(after) / 13)


class TestRealShapes:
    def test_most_cases_open_after_the_change_skip_the_cycle_time_with_the_count(
            self, tmp_path):
        export = exports.city_council_cases(tmp_path, rows=20_000)
        run = page.setup(before=list(export.before), after=list(export.after))
        tickets = page.read_tickets(str(export.path), run.windows, mapping=str(export.mapping),
                                    show=False)
        found = run_page(tickets, segment_column="category", automated_channels=["web"])
        after = export.window(*export.after)
        reason = tickets.sections.skipped["time_to_resolve_gain"]
        # before, the loader's dates only: a gain of "nan%" was shown
        assert reason.startswith(f"not measured (the median after is not reached: "
                                 f"{after.n_open:,} of {after.n:,} still open")
        assert tickets.sections.skipped["aht_gain"].startswith(
            "needs the column handle_minutes")
        assert tickets.sections.skipped["segments"] == "needs a gain per ticket (see section 2)"
        assert tickets.sections.skipped["automation_share"].startswith(
            "needs the column channel")
        assert found["summary"].record == page.NO_FIGURE
        assert "nan" not in json.dumps(record_of(run, tickets, found))

    def test_chinese_headers_and_categories_load_through_the_mapping(self, tmp_path):
        export = exports.chinese_city_council_cases(tmp_path, rows=5_000)
        run = page.setup(before=list(export.before), after=list(export.after))
        tickets = page.read_tickets(str(export.path), run.windows, mapping=str(export.mapping),
                                    show=False)
        assert tickets.record["before"] == export.window(*export.before).n
        assert set(tickets.sections.inputs) == {"data_path", "mapping"}
        assert tickets.tickets["category"].str.contains("[\u4e00-\u9fff]").all()

    def test_chinese_segment_names_in_the_segment_gains(self, demo):
        _, tickets = demo
        names = {"web": "网页", "chat": "在线聊天", "email": "电子邮件", "phone": "电话"}
        frame = tickets.tickets.assign(channel=tickets.tickets["channel"].map(names))
        data = _without(frame)
        gains = page.gains_section(data)
        segments = page.segments_section(data, gains, "channel")
        labels = [g["segment"] for g in segments.record["aht"]["gains"]]
        assert set(labels) <= set(names.values()) and labels
        figure = next(p for p in segments.parts if not isinstance(p, str))
        assert "Average handle time (mean): fall by channel" in figure.axes[0].get_title(
            loc="left")

    def test_an_export_without_resolved_at(self, demo):
        _, tickets = demo
        data = _without(tickets.tickets, "resolved_at")
        gains = page.gains_section(data)
        assert list(gains.result) == ["aht", "first_response_time"]
        assert data.sections.skipped["time_to_resolve_gain"] == (
            "needs the column resolved_at (map it under columns: in the mapping)")

    def test_date_only_times_with_handle_minutes(self):
        rng = np.random.default_rng(7)
        days = pd.date_range("2026-01-05", "2026-07-05", freq="D")
        created = pd.Series(rng.choice(days, 3_000)).sort_values(ignore_index=True)
        late = created >= pd.Timestamp("2026-04-06")
        tickets = pd.DataFrame({
            "created_at": created,
            "resolved_at": created + pd.to_timedelta(rng.integers(0, 6, 3_000), unit="D"),
            "handle_minutes": np.where(late, 9.0, 10.0) + rng.normal(0, 1, 3_000),
            "is_open": False})
        data = _without(tickets)
        gains = page.gains_section(data).result
        # mean handle time 10 -> 9 minutes: a gain of about 10%
        assert gains["aht"].gain == pytest.approx(0.1, abs=0.02)
        assert gains["time_to_resolve"].statistic == "Kaplan-Meier median"


class TestSmallRules:
    def test_the_caution_says_when_the_overall_gain_is_outside_every_segment(self):
        fast = efficiency.time_gain([10.0, 11, 9] * 30, [9.0, 10, 8] * 30, name="Handle time",
                                    segment="web")
        overall = efficiency.time_gain([10.0, 11, 9] * 30, [5.0, 6, 4] * 30, name="Handle time")
        assert page.segment_caution(overall, [fast], "channel").startswith(
            "Caution: the fall of the mean handle time over all tickets (50.0%) lies above "
            "the upper end of every channel's 95% interval (the nearest end is 12.1%).")
        assert page.segment_caution(fast, [fast], "channel") == ""
        assert page.segment_caution(fast, [], "channel") == ""

    def test_throughput_without_handle_time_after(self):
        gain = efficiency.Gain("Handle time", "mean", "mean", 12.0, 0.0, 1.0, (0.9, 1.0),
                               (11.0, 12.0), 10, 10)
        assert page.throughput_sentence(gain) == (
            "Throughput at the mean handle time: 5.00 tickets per agent hour before, no "
            "handle time to divide by after.")

    def test_money_without_a_currency_has_no_stray_space(self):
        from pdcakit.stages.money import capacity, money

        value = money(capacity((2.0, 1.5, 2.5), tickets_per_week=600), cost_per_hour=30.0)
        assert value.assumptions == "(At 30.00 an agent hour, as given.)"
        assert value.table()["Estimate"].tolist() == ["600", "31,200", "31,200"]


def test_the_notebook_holds_no_decision():
    """Prose, parameters and one call per section: no branching, no KPI computed there."""
    script = (ROOT / "notebooks" / "efficiency.py").read_text(encoding="utf-8")
    code = "\n".join(line for line in script.splitlines() if not line.startswith("#"))
    branches = re.findall(r"^\s*(?:if|elif|for|while|try)\b", code, flags=re.M)
    assert len(branches) <= 2, branches
    for computed in ("metrics.", "stats.", "automation_share(", "automation_change(",
                     "atomic_write_json", "pd."):
        assert computed not in code, computed
