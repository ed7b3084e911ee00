"""The headline scores in the over-time summary (pdcakit.stages.score_series,
pdcakit.stages.overtime), and the consistency checker's over-time rules
(pdcakit.run.consistency.over_time_problems).

Issue 27: "each appears in the verdict box and the over-time summary"; issue 24: every
KPI over time with the NHS "Making Data Count" icons. The icon rules are NHS England's
(Making Data Count, 2019) as NHSRplotthedots applies them, the same rules
tests/test_spc_icons.py checks on raw series: here the series are survey exports whose
weekly CSI is built to make one rule fire (or none), on an XmR chart (NIST/SEMATECH
e-Handbook 6.3.2.2: limits at the centre +- 2.66 x the mean moving range).
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.inputs import resolve_input
from pdcakit.kpis import kpi_name
from pdcakit.run.consistency import compare_problems, over_time_problems
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages.compare_page import (
    check_section,
    read_tickets,
    scores_section,
    time_view_section,
    with_scores,
)
from pdcakit.stages.compare_scores import ScoreTables
from pdcakit.stages.overtime import over_time_section
from pdcakit.stages.score_series import score_period, score_views
from pdcakit.stages.windows import CompareSettings, Windows

CHANGE = "2026-04-06"   # a Monday


def _settings(kpis, targets=None, language="en"):
    return CompareSettings.check(
        kpis=kpis, alpha=0.05, power=0.8, multiplicity="holm", targets=targets or {},
        period="W", headline_kpi="", kpi_lists={}, sla_first_response_minutes=30.0,
        sla_resolution_hours=24.0, language=language)


def _demo_tables() -> ScoreTables:
    return ScoreTables(**{kind: data.load_table(str(resolve_input(f"demo:{kind}.csv")), kind,
                                                None)
                          for kind in ("surveys", "audits", "mystery_shopper", "standards")})


def _unwrapped(name: str) -> str:
    """A panel's name whatever its wrapping (a long name wraps on its panel, issue 24)."""
    return "".join(name.split())


@pytest.fixture(scope="module")
def demo():
    windows = Windows.from_parameters(before=[], after=[], change_date=CHANGE,
                                      weeks_before=13, weeks_after=13)
    tickets, ledger = read_tickets("demo:tickets.csv", "", windows)
    before, after = windows.split(tickets)
    settings = _settings(["fcr", "aht"], targets={"csi": 4.0, "fcr": 0.74, "tps": 21.0})
    check = check_section(before, after, settings, ledger)
    tables = _demo_tables()
    scores = scores_section(tables, windows, settings, tickets_before=before,
                            tickets_after=after)
    time_view = time_view_section(tickets, windows, check, ledger, kpis=["fcr"])
    section = over_time_section(tickets, windows, check, views=time_view.views, scores=tables)
    return windows, tickets, with_scores(check, scores), section, time_view.headline


def test_the_demo_scores_join_the_ticket_kpis_rows_and_charts(demo) -> None:
    _, _, _, section, _ = demo
    table = section.tables[0]
    assert table["KPI"].tolist() == [
        "First contact resolution", "Average handle time", "Customer satisfaction index (CSI)",
        "Process audit score (TPS), per month", "Standards conformance (weighted)",
        "Composite performance score", "Mystery-shopper score (TDS)"]
    # the demo's injected effects: CSI 3.80 -> 3.96 a shift of 7 weeks; standards and
    # composite up from the tickets; TPS's change is within its months' noise
    icons = {k: v.icon for k, v in section.icons.items()}
    assert icons["csi"] == icons["standards"] == icons["composite"] == "special cause improving"
    assert icons["tps"] == "common cause"
    assert "shift of 7" in section.icons["csi"].rules
    csi = section.views["csi"]
    assert csi.chart.phases[0].centre == pytest.approx(3.80, abs=0.01)
    assert csi.chart.phases[-1].centre == pytest.approx(3.96, abs=0.01)
    # the target rule is the ticket KPIs': CSI's 4.0 lies inside the after limits
    assert section.record["csi"]["assurance"] == {"icon": "inconsistent", "symbol": "? ~",
                                                  "target": 4.0}
    assert table.loc[2, "Assurance"] == "? ~ inconsistent"
    # TDS: 40 visits, too few a month before the change: listed with its reason, not dropped
    assert "tds" not in section.views and "tds" not in section.record
    assert table.iloc[-1].tolist() == ["Mystery-shopper score (TDS)", "– not charted", "–",
                                       "–", "the reason is under the table"]
    assert "need at least 2 periods with enough observations" in section.skipped[
        "over_time.tds"]
    json.dumps(section.as_dict(), allow_nan=False)


def test_thin_weeks_are_read_by_month_and_said_so(demo) -> None:
    _, _, _, section, _ = demo
    tps = section.record["tps"]
    assert tps["period"] == "M" and section.record["csi"]["period"] == "W"
    assert tps["period_note"].startswith("By month: its weeks hold a median of 3 audits")
    # the 1 audit of 1-5 Apr and the 3 of 1-5 Jul are drawn, never judged
    assert "01 Apr 2026 (1), 01 Jul 2026 (3)" in tps["period_note"]
    assert any("Process audit score (TPS), per month: By month" in s
               for s in section.sentences)
    view = section.views["tps"]
    assert np.isnan(view.judged[view.sparse]).all() and view.sparse.sum() == 2


def test_the_score_panels_carry_the_cycle_events_and_their_units(demo) -> None:
    windows, tickets, check, _, _ = demo
    events = [["2026-03-20", "Write guided scripts for the top ten requests"],
              ["2026-04-03", "Train agents on the knowledge base"]]
    section = over_time_section(tickets, windows, check, scores=_demo_tables(),
                                events=events)
    fig = section.charts[0].draw()
    titles = [_unwrapped(ax.get_title(loc="left")) for ax in fig.axes]  # long names wrap
    assert titles == [_unwrapped(n) for n in section.tables[0]["KPI"].tolist()[:-1]]  # no TDS
    tags = ["1 Write (20 Mar)", "2 Train (03 Apr)"]
    for ax in fig.axes:
        assert [line.get_label() for line in ax.get_lines()
                if line.get_label() in tags] == tags, ax.get_title(loc="left")
    units = {_unwrapped(ax.get_title(loc="left")): ax.get_ylabel().replace("\n", " ")
             for ax in fig.axes}
    assert units[_unwrapped("Customer satisfaction index (CSI)")] == "mean score"
    assert units[_unwrapped("Standards conformance (weighted)")] == "% of judged tickets"
    assert fig.axes[2].texts[0].get_text() == "Target 4"   # CSI's target on its panel


def test_the_demo_verdicts_and_their_over_time_rows_agree(demo) -> None:
    windows, _, check, section, headline = demo
    results = {"schema": "pdca-results/1", "stage": "compare", "windows": windows.as_dict(),
               "alpha": 0.05, "multiplicity": "holm", "inputs": {},
               "data": {"before": 1, "after": 1, "open_before": 0, "open_after": 0},
               "skipped": dict(section.skipped), "kpis": check.record["kpis"],
               "over_time": section.as_dict(), "headline": dict(headline)}
    typed = results_from_dict(results, source="test", stage="compare")
    assert set(typed.changes) >= {"csi", "tps", "tds", "standards", "composite"}
    assert over_time_problems(typed) == []
    assert not [p for p in compare_problems(typed) if "over time" in p]
    # and each contradiction is found
    broken = json.loads(json.dumps(results))
    broken["over_time"]["csi"]["assurance"]["target"] = 4.5
    broken["over_time"]["standards"]["variation"]["direction"] = "lower"
    del broken["over_time"]["composite"]
    broken["kpis"]["csi"]["target_met"] = True       # beside a target 'consistent fail'
    broken["over_time"]["csi"]["assurance"]["icon"] = "consistent fail"
    found = over_time_problems(results_from_dict(broken, source="test", stage="compare"))
    assert len(found) == 4, found
    assert any("target (4.5) is not the verdict's (4.0)" in p for p in found)
    assert any("'special cause improving' for a lower signal" in p for p in found)
    assert any("Composite performance score: compared, but neither" in p for p in found)
    assert any("consistent fail, the verdict says it is met" in p for p in found)


# ---------------------------------------------------------------- real-shaped exports

WINDOWS = Windows.around(CHANGE, weeks_before=8, weeks_after=8)
WEEKS = pd.date_range("2026-02-09", periods=16, freq="7D")     # Mondays


def _survey(fours_per_week: list[int | None], per_week: int = 10) -> pd.DataFrame:
    """A long survey export: ``per_week`` respondents a week, each answering three
    questions of two dimensions (one Chinese), date-only, on the Wednesday; in week k
    ``fours_per_week[k]`` respondents answer 4 to all, the others 3 (the week's CSI is
    3 + k/10); None: nobody answered that week. A "don't know" row is blank."""
    rows = []
    for week, fours in zip(WEEKS, fours_per_week, strict=True):
        if fours is None:
            continue
        for r in range(per_week):
            rid = f"R{week:%m%d}{r:02d}"
            score = 4 if r < fours else 3
            for question, dimension in (("响应速度", "服务响应时间"), ("服务态度", "服务态度"),
                                        ("overall", "overall")):
                rows.append({"respondent_id": rid, "date": (week + pd.Timedelta(days=2)).date(),
                             "question": question, "dimension": dimension, "score": score})
            rows.append({"respondent_id": rid, "date": (week + pd.Timedelta(days=2)).date(),
                         "question": "问题解决效率", "dimension": "问题解决效率", "score": None})
    return pd.DataFrame(rows)


BASE = [5, 6, 4, 5, 6, 4, 5, 5]    # weekly CSI 3.5 3.6 3.4 ...: centre 3.5, limits 3.5 +- 0.30


def test_empty_survey_weeks_are_gaps_and_a_shift_of_7_is_improving() -> None:
    surveys = _survey([*BASE[:3], None, *BASE[4:], 6, 6, None, 6, 6, 6, 6, 6])
    views, skipped = score_views(ScoreTables(surveys=surveys), WINDOWS)
    assert skipped == {}
    csi = views["csi"]
    assert csi.period == "W" and len(csi.periods) == 14          # two empty weeks: gaps
    assert pd.Timestamp("2026-03-02") not in csi.periods
    assert csi.values[:3].tolist() == pytest.approx([3.5, 3.6, 3.4])
    # XmR limits of the 7 baseline weeks: MR-bar 0.1, so 3.5 +- 2.66 x 0.1 (NIST 6.3.2.2)
    base = csi.chart.phases[0]
    mr_bar = np.mean(np.abs(np.diff([3.5, 3.6, 3.4, 3.6, 3.4, 3.5, 3.5])))
    assert base.centre == pytest.approx(3.5, abs=1e-9)
    assert base.ucl == pytest.approx(3.5 + 2.66 * mr_bar, rel=1e-3)
    v = csi.variation
    assert (v.icon, v.symbol, v.rules) == ("special cause improving", "▲ H", ("shift of 7",))
    assert csi.carried.signal


def test_a_fall_below_the_lower_limit_is_concerning_and_six_is_not_a_shift() -> None:
    low = score_views(ScoreTables(surveys=_survey([*BASE, 5, 4, 0, 5, 6, 5, 4, 5])),
                      WINDOWS)[0]["csi"].variation
    assert low.icon == "special cause concerning" and low.direction == "lower"
    assert low.rules == ("outside the limits",) and low.symbol == "▼ L"
    six = score_views(ScoreTables(surveys=_survey([*BASE, 6, 6, 6, 6, 6, 6, 4, 5])),
                      WINDOWS)[0]["csi"].variation
    assert six.icon == "common cause"      # 6 above the centre: one short of a shift


def test_audits_only_monthly_are_read_by_month() -> None:
    # one audit day a month (the 15th), six audits each: weeks mostly empty
    days = pd.to_datetime(["2026-01-15", "2026-02-15", "2026-03-15", "2026-04-15",
                           "2026-05-15", "2026-06-15"])
    shift = [0.0, 0.0, 0.0, 2.0, 2.0, 2.0]
    rng = np.random.default_rng(27)
    audits = pd.DataFrame([
        {"audit_id": f"AU{d:%m}{i}", "date": d.date(), "site": "杭州",
         "normativity": 7 + s + rng.normal(0, 0.3), "efficiency": 7 + rng.normal(0, 0.3),
         "experience": 7 + rng.normal(0, 0.3)}
        for d, s in zip(days, shift, strict=True) for i in range(6)])
    windows = Windows.around(CHANGE, weeks_before=13, weeks_after=13)
    period, note = score_period(pd.to_datetime(audits["date"]), windows, "W", "audit")
    assert period == "M" and "median of 0 audits" in note
    tps = score_views(ScoreTables(audits=audits), windows)[0]["tps"]
    assert tps.period_word == "month" and len(tps.periods) == 6 and tps.change_index == 3
    assert tps.variation.icon == "special cause improving"    # +2 points: outside the limits
    # asked by month, a table is read by month without a note
    assert score_period(pd.to_datetime(audits["date"]), windows, "M", "audit") == ("M", "")


def test_typed_in_standards_are_listed_with_the_reason_never_dropped(demo) -> None:
    windows, tickets, check, _, _ = demo
    typed = data.load_table(str(resolve_input("demo:standards.csv")), "standards", None)
    typed = typed.assign(rule="")
    section = over_time_section(tickets, windows, check, scores=ScoreTables(standards=typed))
    assert "standards" not in section.views and "composite" not in section.views
    assert section.skipped["over_time.standards"].startswith("typed in:")
    assert section.skipped["over_time.composite"] == section.skipped["over_time.standards"]


def test_the_score_names_follow_the_page_language() -> None:
    windows = Windows.from_parameters(before=[], after=[], change_date=CHANGE,
                                      weeks_before=8, weeks_after=8)
    tickets, ledger = read_tickets("demo:tickets.csv", "", windows)
    before, after = windows.split(tickets)
    check = check_section(before, after, _settings(["fcr"], language="zh-CN"), ledger)
    surveys = _survey([*BASE, 6, 6, 6, 6, 6, 6, 6, 6])
    section = over_time_section(tickets, windows, check, scores=ScoreTables(surveys=surveys))
    assert section.tables[0]["KPI"].tolist() == [kpi_name("fcr", "zh-CN"),
                                                 kpi_name("csi", "zh-CN")]
    assert [_unwrapped(ax.get_title(loc="left")) for ax in section.charts[0].draw().axes] == \
        [_unwrapped(name) for name in section.tables[0]["KPI"].tolist()]


def test_each_charted_score_has_its_chart_under_its_verdict_with_the_events(demo) -> None:
    windows, tickets, check, section, _ = demo
    before, after = windows.split(tickets)
    events = [["2026-04-03", "Train agents on the knowledge base"]]
    scores = scores_section(_demo_tables(), windows, check.settings, tickets_before=before,
                            tickets_after=after, views=section.views, events=events)
    titles = [chart.title for chart in scores.charts]
    assert titles == [section.views[k].title for k in ("csi", "tps", "standards", "composite")]
    fig = scores.charts[1].draw()                                  # TPS, by month
    assert "per month" in fig.axes[0].get_title(loc="left")
    assert "1 Train: 03 Apr 2026, Train agents on the knowledge base" in [
        line.get_label() for line in fig.axes[0].get_lines()]
    assert any(s.startswith("Marked on the charts: **1 Train**") for s in scores.sentences)
    # without views: the verdicts only, as before
    plain = scores_section(_demo_tables(), windows, check.settings, tickets_before=before,
                           tickets_after=after)
    assert plain.charts == [] and len(plain.tables) == len(scores.tables)


def test_blank_questionnaires_are_not_observations_and_undated_ones_are_said() -> None:
    surveys = _survey([*BASE, 6, 6, 6, 6, 6, 6, 6, 6])
    blank = surveys[surveys["respondent_id"].str.endswith("00")].assign(score=None)
    undated = surveys[surveys["respondent_id"].str.endswith("01")].assign(date=None)
    rest = surveys[~surveys["respondent_id"].str.endswith(("00", "01"))]
    csi = score_views(ScoreTables(surveys=pd.concat([rest, blank, undated])), WINDOWS)[0]["csi"]
    assert csi.n.tolist() == [8] * 16            # 10 a week, less the blank and the undated
    assert csi.period_note == "16 questionnaires without a date are not charted."


def test_a_fraction_score_reads_its_centre_and_limits_as_percentages(demo) -> None:
    # issue 24: the standards' control-chart sentence said "Centre 0.4814, control limits
    # 0.451 to 0.5117" while its carried-centre line said "48.1%": one formatting for both
    _, _, _, section, _ = demo
    for key in ("standards", "composite"):
        view = section.views[key]
        phase = view.chart.phases[0]
        sentence = view.sentence
        centre = f"{100 * phase.centre:.1f}%"
        # three significant digits, as every control-chart sentence: 51.0% reads "51%"
        limits = [f"{float(f'{100 * v:.3g}'):g}%" for v in (phase.lcl, phase.ucl)]
        assert f"Before: Centre {centre}, control limits {limits[0]} to {limits[1]}" \
            in sentence, sentence
        assert f"The baseline's centre line ({centre})" in sentence
        assert not re.search(r"Centre 0\.\d", sentence), sentence
    # a score on its own scale keeps its numbers: no % on CSI's 1-5 means
    assert "%" not in section.views["csi"].sentence


def test_the_thin_tps_months_are_hollow_on_its_panel_and_its_phase_chart(demo) -> None:
    # issue 24: TPS by month holds 1 audit in the month cut at the go-live (01 Apr) and 3
    # in July; drawn but not judged, they looked like every other point
    from pdcakit import plots

    _, _, _, section, _ = demo
    view = section.views["tps"]
    thin = np.flatnonzero(view.unjudged)
    assert [f"{view.periods[i]:%d %b}" for i in thin] == ["01 Apr", "01 Jul"]
    fig = section.charts[0].draw()
    tps = next(ax for ax in fig.axes if "TPS" in ax.get_title(loc="left"))
    hollow = [c for c in tps.collections if c.get_label() == plots.TOO_FEW_LABEL]
    assert len(hollow) == 1 and len(hollow[0].get_offsets()) == 2
    assert np.allclose(hollow[0].get_offsets()[:, 1], view.values[thin])
    assert tps.get_xlabel() == "Month"   # on a weekly page: its own period under it
    assert plots.TOO_FEW_LABEL in [t.get_text().replace("\n", " ")
                                   for t in fig.legends[0].get_texts()]
    for key in ("csi", "standards"):   # their weeks are full: no hollow point
        ax = next(a for a in fig.axes
                  if _unwrapped(a.get_title(loc="left")) == _unwrapped(section.views[key].title))
        assert not any(c.get_label() == plots.TOO_FEW_LABEL for c in ax.collections)
    # the detailed phase chart (section 8) draws them hollow too
    chart = view.figure(period_word="month")
    few = [c for c in chart.axes[0].collections if c.get_label().startswith("Few cases")]
    assert len(few) == 1 and len(few[0].get_offsets()) == 2
    assert chart.axes[0].get_xlabel() == "Month"   # what a point is, not "Period"
