"""The complaint sections of the baseline and compare pages on the seeded demo register
(data/generate_registers.py: median close 4.5 -> 2.8 days at the go-live) (issue 28)."""

from __future__ import annotations

import matplotlib

from pdcakit.stages.baseline_page import PageLedger
from pdcakit.stages.registers_page import complaints_baseline, complaints_compare
from pdcakit.stages.sections import Sections
from pdcakit.stages.windows import Windows

matplotlib.use("Agg")


def test_baseline_on_the_demo_register():
    ledger = PageLedger(frozenset(), show=False)
    section = complaints_baseline(ledger, complaints_path="demo:complaints.csv",
                                  snapshot="2026-07-06", window=("2026-01-05", "2026-04-06"))
    record = section.record["complaints"]
    assert record["cases"] == 122 and record["snapshot_source"] == "given"
    # injected median 4.5 days; closing dates are whole days
    assert 4 <= record["time_to_close"]["median"] <= 5
    assert record["closed_by_deadline"]["unit"] == "fraction"
    assert record["overdue_by_owner"][0]["overdue"] >= 1      # the stuck cases
    assert len(section.figures) == 1 and len(section.tables) == 1
    assert ledger.inputs["complaints_path"].endswith("complaints.csv")


def test_baseline_off_and_missing_columns(tmp_path):
    ledger = PageLedger(frozenset(), show=False)
    assert complaints_baseline(ledger).record == {}
    assert "complaints_path" in ledger.skipped["complaints"]
    p = tmp_path / "c.csv"
    p.write_text("id,received_at,closed_at\nC1,2026-01-05,2026-01-07\n"
                 "C2,2026-01-06,\n", encoding="utf-8")
    ledger = PageLedger(frozenset(), show=False)
    record = complaints_baseline(ledger, complaints_path=str(p)).record["complaints"]
    assert record["open"] == 1 and "time_to_close" in record
    assert "deadline" in ledger.skipped["complaints_closed_by_deadline"]
    assert "repeat_of" in ledger.skipped["complaints_repeat_rate"]
    assert "owner" in ledger.skipped["complaints_overdue"]


def test_compare_on_the_demo_register():
    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    section = complaints_compare(Sections(frozenset(), show=False), windows,
                                 complaints_path="demo:complaints.csv", snapshot="2026-07-06")
    record = section.record["complaints"]
    ttc = record["kpis"]["time_to_close"]
    assert ttc["significant"] and ttc["difference"] < 0
    assert record["kpis"]["closed_by_deadline"]["difference"] > 0.1
    assert record["family_size"] == 3
    assert section.tables[0].iloc[0]["Answer"] == "Improved"     # faster is better
    assert ttc["answer"] == "improved" and ttc["better"] == "lower"
    assert section.charts[0].draw().axes


def test_cases_left_out_of_the_deadline_share_are_said(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("id,received_at,deadline,closed_at\nC1,2026-01-05,2026-01-09,2026-01-07\n"
                 "C2,2026-01-06,2026-01-10,2026-01-12\nC3,2026-01-08,2026-01-20,\n"
                 "C4,2026-01-08,,2026-01-09\n", encoding="utf-8")
    ledger = PageLedger(frozenset(), show=False)
    section = complaints_baseline(ledger, complaints_path=str(p), snapshot="2026-01-13")
    line = next(s for s in section.sentences if s.startswith("Closed by the deadline"))
    assert "50.0% (95% CI" in line and "of the 2 cases whose answer is known" in line
    assert line.endswith("Left out: 1 open cases not yet due and 1 cases without a deadline.")
