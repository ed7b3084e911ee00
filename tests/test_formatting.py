"""The formatting layer every page, table and sentence uses (pdcakit.results,
pdcakit.stages.display): no negative zero, thousands separators, counts as integers, one unit
per quantity, p-values without "=", reader-facing labels and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.results import (
    Estimate,
    duration_unit,
    format_count,
    format_number,
    format_p,
    format_value,
    reader_label,
    reader_value,
)
from pdcakit.stages.display import estimates_table, reader_frame


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (-0.0001, "fraction", "0.0%"),        # was "-0.0%"
    (-0.0004, "points", "0.0 points"),    # was "-0.0 points"
    (-0.04, "minutes", "0.0 minutes"),
    (-0.00001, "score", "0.00"),
    (-0.25, "points", "-0.2 points"),     # a real negative keeps its sign (round half even)
    (-3.0, "points", "-3.0 points"),
    (0.742, "fraction", "74.2%"),
])
def test_no_negative_zero(value, unit, expected):
    assert format_value(value, unit) == expected


def test_signed_numbers_never_read_plus_or_minus_zero():
    assert format_number(-0.001, 1, sign=True) == "0.0"
    assert format_number(0.001, 1, sign=True) == "0.0"
    assert format_number(0.06, 1, sign=True) == "+0.1"
    assert format_number(-6.3, 1, sign=True) == "-6.3"


def test_thousands_and_counts():
    assert format_count(17883) == "17,883"
    assert format_count(417.0) == "417"  # a count read back as a float
    assert format_count(np.int64(341_000)) == "341,000"
    assert format_number(1234567.891, 2) == "1,234,567.89"
    assert format_value(20_267.4, "EUR", 0) == "20,267 EUR"


def test_one_unit_per_quantity_from_its_size():
    # Sizes pick the unit (minutes < 2 h <= hours < 1 day <= days) ...
    assert [duration_unit(m).name for m in (3.9, 133.6, 2_000)] == ["minutes", "hours", "days"]
    # ... and figures read side by side share the unit of their typical value.
    est = Estimate("Time to resolve", 133.6, 40, ci=(95.0, 216.0), unit="minutes")
    assert est.format() == "2.2 hours (95% CI 1.6 hours to 3.6 hours, n=40)"  # not "95.0 minutes"
    assert format_value(68.8, "minutes", scale="hours") == "1.1 hours"


def test_p_values_read_without_equals_sign():
    assert format_p(0.0561) == "0.056"
    assert format_p(8.9e-40) == "< 0.001"
    assert format_p(float("nan")) == "n/a"


@pytest.mark.parametrize(("name", "label"), [
    ("minutes_before", "Minutes before"), ("value_added", "Value-adding"),
    ("n_after", "Cases after"), ("First contact resolution", "First contact resolution"),
    ("p_adjusted", "Adjusted p"),
])
def test_reader_labels(name, label):
    assert reader_label(name) == label


def test_reader_values():
    assert [reader_value(v) for v in (True, np.False_, 417.0, np.int64(17883), None,
                                      float("nan"), "电话")] == \
        ["yes", "no", "417", "17,883", "", "", "电话"]
    assert reader_value(-0.04) == "0.0"


def test_tables_read_in_readers_words():
    frame = pd.DataFrame({"step": ["triage", "fix"], "minutes_before": [3.0, 1200.0],
                          "value_added": [False, True], "share": [0.125, 0.5]})
    shown = reader_frame(frame.set_index("step"))
    assert list(shown.columns) == ["Minutes before", "Value-adding", "Share"]
    assert shown["Minutes before"].tolist() == ["3", "1,200"]
    assert shown["Value-adding"].tolist() == ["no", "yes"]
    assert shown["Share"].tolist() == [0.125, 0.5]  # fractions keep their precision
    html = shown.to_html()
    assert "True" not in html and "False" not in html and "1200.0" not in html


def test_estimates_table_counts_with_separators():
    table = estimates_table({"fcr": Estimate("FCR", 0.679, 17883, (0.672, 0.685), "fraction")})
    assert table.loc["FCR", "n"] == "17,883" and table.loc["FCR", "Value"] == "67.9%"


def test_the_summary_names_skipped_parts_for_a_reader():
    # the efficiency page's summary said "Skipped on this export: automation_share"
    from pdcakit.stages.sections import skipped_summary

    line = skipped_summary(["automation_share", "time_view.first_response_time", "mix.fcr",
                            "segments", "csi"])
    assert line.startswith("Skipped on this export: Automation share, Time view: First "
                           "response time, Mix check: First contact resolution, Segments, "
                           "Customer satisfaction index (CSI) (")
    assert "_" not in line
    assert skipped_summary([]) == ""


def test_a_rule_set_reads_by_its_name():
    # the baseline chart's title said "p chart (nhs rules)"
    from pdcakit import spc

    assert [spc.rule_set_name(k) for k in spc.RULE_SETS] == [
        "Anhøj", "Western Electric rules 1-4", "Nelson rules 1-8", "NHS Making Data Count"]
