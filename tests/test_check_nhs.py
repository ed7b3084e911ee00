"""The Check stage on real data: one provider's 4-hour breaches, FY 2017/18 against 2018/19.

Data: NHS England A&E attendances and emergency admissions (Open Government Licence
v3.0), tidied as NHSRdatasets::ae_attendances (CC0), kept in
tests/data/ae_attendances.csv (see tests/data/README.md). Provider RF4, type 1 departments.

Monthly breach shares vary far more than binomial sampling allows (winter pressure), so
a chi-square test on the summed counts (about 250,000 attendances a year) is invalid: it
treats every attendance as independent and returns p = 0. The valid comparison treats
the month as the unit (quasi-binomial, dispersion from the months), and the phase chart
shows why: the baseline year drifts upwards, so the before/after difference must be read
with that caution.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pdcakit import stats
from pdcakit.stages.timeview import proportion_phase_view

AE_CSV = Path(__file__).resolve().parent / "data" / "ae_attendances.csv"


@pytest.fixture(scope="module")
def years():
    assert AE_CSV.is_file(), f"real A&E data missing: {AE_CSV} (see tests/data/README.md)"
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(AE_CSV, dtype={"org_code": str, "type": str})
    one = df[(df["org_code"] == "RF4") & (df["type"] == "1")].sort_values("period")
    before = one[(one["period"] >= "2017-04-01") & (one["period"] < "2018-04-01")]
    after = one[(one["period"] >= "2018-04-01") & (one["period"] < "2019-04-01")]
    return before, after


@pytest.fixture(scope="module")
def comparison(years):
    before, after = years
    return stats.grouped_proportions(before["breaches"], before["attendances"],
                                     after["breaches"], after["attendances"])


def test_twelve_months_each_and_pooled_shares(years, comparison):
    before, after = years
    assert len(before) == len(after) == 12
    assert comparison.extra["before"] == pytest.approx(
        before["breaches"].sum() / before["attendances"].sum())
    assert comparison.extra["after"] == pytest.approx(
        after["breaches"].sum() / after["attendances"].sum())
    assert comparison.estimate == pytest.approx(
        comparison.extra["after"] - comparison.extra["before"])


def test_valid_test_allows_for_month_to_month_variation(comparison):
    # Hundreds of times the binomial variance: the naive test is meaningless here.
    assert comparison.extra["dispersion"] > 100
    assert comparison.extra["naive_chi_square_pvalue"] < 1e-100
    assert comparison.df == 22  # 24 months - 2 parameters
    assert 0.001 < comparison.pvalue < 0.2
    low, high = comparison.ci
    naive_low, naive_high = stats.difference_ci(
        int(comparison.n_before * comparison.extra["before"]), comparison.n_before,
        int(comparison.n_after * comparison.extra["after"]), comparison.n_after)
    assert high - low > 10 * (naive_high - naive_low)
    assert "quasi-binomial" in comparison.sentence


def test_phase_chart_splits_at_the_new_year_and_flags_the_drifting_baseline(years):
    pd = pytest.importorskip("pandas")
    before, after = years
    both = pd.concat([before, after])
    view = proportion_phase_view(both["period"], both["breaches"], both["attendances"],
                                 "2018-04-01", title="RF4 4-hour breaches",
                                 ylabel="Share of attendances over 4 hours")
    assert view.change_index == 12 and len(view.chart.phases) == 2
    centres = [phase.centre for phase in view.chart.phases]
    assert centres == pytest.approx([before["breaches"].sum() / before["attendances"].sum(),
                                     after["breaches"].sum() / after["attendances"].sum()])
    assert view.baseline_unstable
    assert "baseline was not stable" in view.sentence
    assert view.overdispersed and "more than chance allows" in view.sentence
    fig = view.figure(period_word="month")
    assert fig.axes[0].get_title(loc="left").startswith("RF4 4-hour breaches per month")
    json.dumps(view.as_dict(), allow_nan=False)
