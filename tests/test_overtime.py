"""Every compared KPI over time (pdcakit.stages.overtime) and the baseline's centre line
carried into the after period (pdcakit.stages.timeview), on the demo export and on a
city council export (date-only times, 60 categories, Chinese names, heavy censoring,
empty months; tests/exports.py).

Issue 24: 6 of the demo's 9 KPIs said "not charted"; the summary now gives each its NHS
Making Data Count icons, worded and with symbols.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from tests.exports import chinese_city_council_cases

from pdcakit import plots
from pdcakit.kpis import kpi_name
from pdcakit.stages.compare_page import check_section, read_tickets, time_view_section
from pdcakit.stages.overtime import over_time_section
from pdcakit.stages.timeview import phase_view, proportion_phase_view
from pdcakit.stages.windows import CompareSettings, Windows

NINE = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean", "nps",
        "complaint_rate", "reopen_rate"]


def _settings(kpis, period="W", targets=None):
    return CompareSettings.check(
        kpis=kpis, alpha=0.05, power=0.8, multiplicity="holm", targets=targets or {},
        period=period, headline_kpi="", kpi_lists={}, sla_first_response_minutes=240.0,
        sla_resolution_hours=24.0)


@pytest.fixture(scope="module")
def demo():
    windows = Windows.from_parameters(before=[], after=[], change_date="2026-04-06",
                                      weeks_before=13, weeks_after=13)
    tickets, ledger = read_tickets("demo:tickets.csv", "", windows)
    before, after = windows.split(tickets)
    check = check_section(before, after, _settings(NINE, targets={"fcr": 0.74, "aht": 12.5}),
                          ledger)
    time_view = time_view_section(tickets, windows, check, ledger,
                                  kpis=["fcr", "first_response_time", "aht"])
    return tickets, windows, check, time_view


def test_every_compared_kpi_gets_both_icons(demo) -> None:
    tickets, windows, check, time_view = demo
    section = over_time_section(tickets, windows, check, views=time_view.views)
    table = section.tables[0]
    assert len(table) == len(check.changes.changes) == 9
    assert table["Variation"].str.match(r"^(∿|▲ H|▼ L) ").all()      # a symbol, not colour
    assert table["Assurance"].str.match(r"^(P ✔|F ✘|\? ~|–) ").all()
    # the demo's change moved FCR up and AHT down; first response time did not move
    icons = {k: v.icon for k, v in section.icons.items()}
    assert icons["fcr"] == icons["aht"] == "special cause improving"
    assert icons["first_response_time"] == "common cause"
    assert section.record["fcr"]["assurance"]["icon"] == "inconsistent"  # 74% inside
    assert section.record["csat"]["assurance"]["icon"] == "no target"
    json.dumps(section.as_dict(), allow_nan=False)
    # the time view's charts are reused, not rebuilt
    assert section.views["fcr"] is time_view.views["fcr"]


def test_one_small_chart_per_kpi_right_after_the_table_in_its_order(demo) -> None:
    tickets, windows, check, time_view = demo
    section = over_time_section(tickets, windows, check, views=time_view.views)
    kinds = [type(block).__name__ for block in section.blocks]
    assert kinds[kinds.index("Table") + 1] == "Chart" and kinds.count("Chart") == 1
    fig = section.charts[0].draw()
    names = section.tables[0]["KPI"].tolist()
    assert [ax.get_title(loc="left") for ax in fig.axes] == names   # one panel each, in order
    assert fig.axes[0].get_ylabel() == "% of tickets"
    assert fig.axes[1].get_ylabel().startswith("minutes")          # first response time
    assert fig.axes[1].get_yscale() == "log"
    # special-cause points marked where the variation icon says so: 7 of 9 improving
    for ax, view in zip(fig.axes, section.views.values(), strict=True):
        marked = [tuple(p) for c in ax.collections for p in c.get_offsets()]
        assert len(marked) == len(view.variation.points), view.title
    special = [ax for ax in fig.axes if ax.collections]
    assert len(special) == 7
    assert {c.get_label() for ax in special for c in ax.collections} == {
        "Special cause, improving (NHS rules)"}
    # the targets (FCR 74%, AHT 12.5 minutes) written on their panels, the go-live named
    assert [t.get_text() for t in fig.axes[0].texts] == ["Target 74%"]
    assert "Go-live (06 Apr 2026)" in [t.get_text() for t in fig.legends[0].get_texts()]
    # nothing new in results.json
    assert set(section.record["fcr"]) == {"variation", "assurance", "carried_centre"}


#: The demo record's dated actions as ``pdca run`` passes them (``cycle_events``), the
#: go-live, and one long after the window (not drawn).
EVENTS = [["2026-03-20", "Write guided scripts for the top ten requests"],
          ["2026-04-06", "Switch on email triage rules"],
          ["2026-04-03", "Train agents on the knowledge base"],
          ["2026-04-06", "demo-helpdesk: change live"],
          ["2026-07-15", "Review scripts after three months"]]


def test_the_cycle_events_are_lines_in_every_panel_tagged_once(demo) -> None:
    tickets, windows, check, time_view = demo
    section = over_time_section(tickets, windows, check, views=time_view.views,
                                events=EVENTS)
    fig = section.charts[0].draw()
    tags = ["1 Write (20 Mar)", "2 Train (03 Apr)", "3 Switch (06 Apr)"]
    # numbered as the detailed charts and the list beneath them number them
    assert [f"{t} ({w:%d %b})" for t, w, _ in
            plots.event_tags(EVENTS, windows.before_start, windows.after_end)] == [
        *tags, "Go-live (06 Apr)"]
    for ax in fig.axes:   # a thin line per action in each of the 9 panels
        lines = [line for line in ax.get_lines() if line.get_label() in tags]
        assert [line.get_label() for line in lines] == tags, ax.get_title(loc="left")
        assert all(line.get_linewidth() < 1 for line in lines)
        assert not {t.get_text() for t in ax.texts} & set(tags)   # never over the data
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert [label for label in legend if label in tags] == tags   # each tagged once
    assert "Go-live (06 Apr 2026)" in legend and not any("Review" in t for t in legend)
    # without events: the go-live only, as before
    plain = over_time_section(tickets, windows, check, views=time_view.views)
    assert not set(tags) & {t.get_text() for t in plain.charts[0].draw().legends[0].texts}


def test_the_kpi_names_follow_the_page_language(demo) -> None:
    tickets, windows, check, time_view = demo
    english = over_time_section(tickets, windows, check, views=time_view.views)
    assert english.tables[0]["KPI"].iloc[0] == time_view.views["fcr"].title
    chinese = replace(check, settings=replace(check.settings, language="zh-CN"))
    section = over_time_section(tickets, windows, chinese, views=time_view.views)
    names = [kpi_name(key, "zh-CN") for key in section.views]
    assert names[0] == "首次解决率" and section.tables[0]["KPI"].tolist() == names
    fig = section.charts[0].draw()
    assert [ax.get_title(loc="left") for ax in fig.axes] == names
    # only the names: the icons, words and units are the English page's
    assert section.tables[0].drop(columns="KPI").equals(english.tables[0].drop(columns="KPI"))


def test_the_baseline_centre_is_carried_into_the_after_period(demo) -> None:
    _, _, _, time_view = demo
    fcr = time_view.views["fcr"]
    record = fcr.as_dict()["carried_centre"]
    assert record["centre"] == pytest.approx(fcr.chart.phases[0].centre)
    assert record["signal"] and record["longest_run"] == 13  # all 13 after weeks above
    assert "carried into the after period (dashed)" in fcr.sentence
    assert "a shift against the baseline" in fcr.sentence
    frt = time_view.views["first_response_time"].as_dict()["carried_centre"]
    assert not frt["signal"]


def test_a_shift_against_the_baseline_is_flagged_only_after_the_change() -> None:
    weeks = pd.date_range("2026-01-05", periods=20, freq="W-MON")
    # 10 weeks around 20%, then 10 weeks around 24%: 4 points up, inside Laney's limits
    rng = np.random.default_rng(3)
    rates = np.r_[0.20 + rng.normal(0, 0.01, 10), 0.24 + rng.normal(0, 0.01, 10)]
    n = np.full(20, 400)
    view = proportion_phase_view(weeks, np.round(rates * n), n, weeks[10], title="Breaches",
                                 ylabel="Share", key="fcr")
    assert view.carried.signal
    assert view.variation.icon == "special cause improving"   # fcr: higher is better
    flat = proportion_phase_view(weeks, np.round(np.r_[rates[:10], rates[:10]] * n), n,
                                 weeks[10], title="Breaches", ylabel="Share", key="fcr")
    assert not flat.carried.signal and flat.variation.icon == "common cause"


def test_a_chinese_city_council_export_by_month(tmp_path) -> None:
    export = chinese_city_council_cases(tmp_path, rows=6_000)
    windows = Windows.from_parameters(before=list(export.before), after=list(export.after),
                                      change_date="", weeks_before=0, weeks_after=0)
    tickets, ledger = read_tickets(str(export.path), str(export.mapping), windows)
    before, after = windows.split(tickets)
    check = check_section(before, after, _settings(["time_to_resolve"], period="M"), ledger)
    section = over_time_section(tickets, windows, check)
    assert list(section.icons) == ["time_to_resolve"]
    view = section.views["time_to_resolve"]
    assert np.isnan(view.values).any() or view.values.size >= 30   # empty months are gaps
    assert section.tables[0].loc[0, "Assurance"] == "– no target"
    json.dumps(section.as_dict(), allow_nan=False)
    fig = section.charts[0].draw()   # by month, days on a log axis, empty months as gaps
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Time to resolve"]
    assert fig.axes[0].get_ylabel().replace("\n", " ") == (
        f"{view.scale} (median, log scale)")
    assert fig.axes[0].get_xlabel() == "Month"


def test_a_kpi_without_enough_periods_is_skipped_with_its_reason(demo) -> None:
    tickets, _, _, _ = demo
    short = Windows.from_parameters(before=[], after=[], change_date="2026-04-06",
                                    weeks_before=1, weeks_after=13)
    _, ledger = read_tickets("demo:tickets.csv", "", short)
    b, a = short.split(tickets)
    check = check_section(b, a, _settings(["fcr"]), ledger)
    section = over_time_section(tickets, short, check)
    assert "over_time.fcr" in section.skipped
    assert "need at least 2 periods" in section.skipped["over_time.fcr"]
    with pytest.raises(ValueError, match="need at least 2 periods"):
        phase_view(tickets, "fcr", short, period="W")
