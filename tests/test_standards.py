"""Standards measured from the tickets per window (pdcakit.stages.standards)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit import data, metrics
from pdcakit.stages.standards import (
    METHOD_FIRST_RESPONSE_MINUTES,
    measure_standards,
    parse_rule,
    rule_values,
)

STANDARDS = pd.DataFrame({
    "standard": ["Response within 30 minutes", "One-time resolution",
                 "Satisfaction score >= 4.5", "Quarterly audit"],
    "weight": [0.2, 0.3, 0.4, 0.1],
    "rule": ["first_response_minutes <= 30", "first_contact_resolved", "csat >= 4.5", None],
    "conformance": [None, None, None, 0.9]})


@pytest.fixture(scope="module")
def before():
    tickets = data.load_tickets("demo:tickets.csv")
    return tickets[(tickets.created_at >= "2026-01-05") & (tickets.created_at < "2026-04-06")]


def test_each_rule_agrees_with_the_kpi_that_measures_it(before):
    m = measure_standards(STANDARDS, before, n_resamples=300)
    rows = {r.standard: r for r in m.rows}
    sla = metrics.sla_attainment(before, threshold_minutes=METHOD_FIRST_RESPONSE_MINUTES)
    assert rows["Response within 30 minutes"].conformance.value == pytest.approx(sla.value)
    assert rows["One-time resolution"].conformance.value == pytest.approx(
        metrics.fcr(before).value)
    rated = before["csat"].dropna()
    assert rows["Satisfaction score >= 4.5"].conformance.value == pytest.approx(
        (rated >= 4.5).mean())
    assert rows["Quarterly audit"].typed_in and rows["Quarterly audit"].conformance.ci is None
    assert rows["One-time resolution"].conformance.ci is not None


def test_weighted_conformance_has_a_bootstrap_interval_near_the_delta_method(before):
    m = measure_standards(STANDARDS, before, n_resamples=1000)
    expected = sum(r.weight * r.conformance.value for r in m.rows)
    assert m.weighted.value == pytest.approx(expected)
    low, high = m.weighted.ci
    assert low < m.weighted.value < high
    # independent-rules delta method: the same order of width (the rules share tickets)
    var = sum(r.weight ** 2 * r.conformance.value * (1 - r.conformance.value)
              / r.conformance.n for r in m.rows if not r.typed_in)
    assert (high - low) / (2 * 1.96 * np.sqrt(var)) == pytest.approx(1, abs=0.35)
    assert "1 of 4 standards typed in" in m.weighted.note


def test_all_typed_in_is_labelled_and_has_no_interval():
    typed = STANDARDS.assign(rule=None, conformance=[0.95, 0.88, 0.92, 0.9])
    m = measure_standards(typed)
    assert m.weighted.ci is None and "typed in" in m.weighted.method
    assert m.weighted.value == pytest.approx(0.2 * .95 + .3 * .88 + .4 * .92 + .1 * .9)


def test_still_waiting_tickets_count_only_once_past_the_time():
    t = pd.DataFrame({
        "created_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-05 09:00",
                                      "2026-01-05 10:00", "2026-01-05 10:50"]),
        "first_response_at": pd.to_datetime(["2026-01-05 09:20", "2026-01-05 10:00",
                                             None, None])})
    t.attrs["snapshot"] = pd.Timestamp("2026-01-05 11:00")
    got = rule_values(t, parse_rule("first_response_minutes <= 30")).tolist()
    assert got[:3] == [1.0, 0.0, 0.0] and np.isnan(got[3])


def test_bad_rules_and_missing_columns_name_the_standard():
    with pytest.raises(ValueError, match="'speed' is not a measure"):
        parse_rule("speed <= 3")
    with pytest.raises(ValueError, match="within a time"):
        parse_rule("resolution_hours >= 24")
    bad = STANDARDS.assign(rule=["first_response_minutes <= 30", "fcr", "csat >= 4.5", None])
    with pytest.raises(ValueError, match="'One-time resolution' \\(row 3\\)"):
        measure_standards(bad, pd.DataFrame({"csat": [5]}))
    no_column = pd.DataFrame({"csat": [5.0, 4.0], "created_at": pd.to_datetime(
        ["2026-01-05", "2026-01-06"])})
    with pytest.raises(ValueError, match="needs the column first_response_at"):
        measure_standards(STANDARDS, no_column)


def test_standards_table_loads_with_rules_and_refuses_rows_with_neither(tmp_path):
    path = tmp_path / "standards.csv"
    path.write_text("standard,category,weight,rule,conformance\n"
                    "响应30分钟内,speed,0.2,first_response_minutes <= 30,\n"
                    "一次解决,effectiveness,0.3,first_contact_resolved,\n"
                    "满意度>=4.5,experience,0.5,csat >= 4.5,0.92\n", encoding="utf-8")
    table = data.load_table(path, "standards")
    assert table["rule"].tolist()[0] == "first_response_minutes <= 30"
    path.write_text("standard,weight,rule,conformance\nA,0.5,csat >= 4,\nB,0.5,,\n")
    with pytest.raises(data.DataError, match=r"neither a rule nor a conformance.*row 3"):
        data.load_table(path, "standards")


def test_typed_in_figures_with_a_rule_row_are_refused_by_the_typed_in_formula():
    with pytest.raises(ValueError, match="measure them from the tickets"):
        metrics.standards_conformance(STANDARDS)
