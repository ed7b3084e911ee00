"""Period labels in the spc sentences (``labels=``): dated sentences a reviewer can place.

The numbers never depend on the labels, so every chart here is also checked against
its unlabelled twin; where the data are published (NIST, qcc, NHS England) the
published figures are quoted as in test_spc_control.py / test_spc_nhs.py.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import spc

# NIST/SEMATECH e-Handbook 6.3.2.2, flow rate of 10 batches: x-bar = 50.81,
# UCL = 55.8041, LCL = 45.8159 (https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm)
NIST_FLOW = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]

# Montgomery's orange-juice cans, 30 samples of 50 (qcc `orangejuice`, trial); qcc prints
# "Remove out-of-control points ... c(15, 23)".
OJ_TRIAL = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
            8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AE_CSV = Path(__file__).resolve().parent / "data" / "ae_attendances.csv"


def month_name(stamp: pd.Timestamp) -> str:
    return f"{MONTHS[stamp.month - 1]} {stamp.year}"


@pytest.fixture(scope="module")
def weekly() -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Two years of weekly volumes (weeks start on Monday, 2 Jan 2023 - 23 Dec 2024) with
    the four weeks of a holiday closure missing (18 Dec 2023 - 8 Jan 2024), and one
    unusual week, 3 Jun 2024."""
    weeks = pd.date_range("2023-01-02", "2024-12-23", freq="W-MON")
    weeks = weeks[(weeks < "2023-12-18") | (weeks > "2024-01-08")]
    values = np.resize(np.array([48.0, 52, 50, 47, 53, 51, 49]), len(weeks))
    values[weeks.get_loc(pd.Timestamp("2024-06-03"))] = 80.0
    return weeks, values


class TestWeeklyTimestamps:
    def test_a_week_outside_the_limits_is_named(self, weekly) -> None:
        weeks, values = weekly
        assert len(weeks) == 100
        dated = spc.i_chart(values, labels=weeks)
        plain = spc.i_chart(values)
        assert "the week of 3 Jun 2024 is outside the limits" in dated.sentence
        assert "point 71 is outside the limits" in plain.sentence  # 3 Jun 2024 is point 71
        assert dated.sentence == plain.sentence.replace("point 71", "the week of 3 Jun 2024")
        assert (dated.centre, dated.lcl, dated.ucl) == (plain.centre, plain.lcl, plain.ucl)
        assert dated.signals.tolist() == plain.signals.tolist()

    def test_weeks_stay_weeks_across_the_gap(self, weekly) -> None:
        weeks, _ = weekly
        names = spc.period_names(weeks, len(weeks))
        closed = int(np.flatnonzero(weeks < "2023-12-18")[-1])
        assert names[closed : closed + 2] == ("week of 11 Dec 2023", "week of 15 Jan 2024")
        assert names[0] == "week of 2 Jan 2023" and names[-1] == "week of 23 Dec 2024"

    def test_a_long_run_is_placed_by_its_weeks(self, weekly) -> None:
        weeks, values = weekly
        shifted = values + np.where(weeks >= "2024-09-02", 6.0, 0.0)
        r = spc.run_chart(shifted, labels=weeks)
        assert r.runs_signal
        run = np.flatnonzero(r.long_run)
        first, last = weeks[run[0]], weeks[run[-1]]
        assert (first, last) == (pd.Timestamp("2024-08-19"), pd.Timestamp("2024-12-23"))
        assert (
            f"the longest run, {r.longest_run} points on one side of the centre line "
            "(week of 19 Aug 2024 to week of 23 Dec 2024), is longer than the limit"
        ) in r.sentence
        plain = spc.run_chart(shifted)
        assert f"the longest run, {r.longest_run} points on one side of the centre line, is" \
            in plain.sentence

    def test_phases_and_rebases_name_their_weeks(self, weekly) -> None:
        weeks, values = weekly
        at = int(weeks.get_loc(pd.Timestamp("2024-02-05")))
        chart = spc.rebased_chart(values, "i", labels=weeks, rebases=[
            spc.Rebase(at=at, cycle="triage-2026", reason="adopted email triage")])
        assert chart.sentence.startswith(
            "Phase 1 (week of 2 Jan 2023 to week of 29 Jan 2024): Centre ")
        assert "Phase 2 (week of 5 Feb 2024 to week of 23 Dec 2024): " in chart.sentence
        assert ("New limits from the week of 5 Feb 2024 (triage-2026: adopted email triage)"
                in chart.sentence)
        split = spc.split_phases(len(weeks), part=[at], labels=weeks)
        assert split.sentence == ("2 phases: phase 1 (week of 2 Jan 2023 to week of 29 Jan "
                                  "2024), phase 2 (week of 5 Feb 2024 to week of 23 Dec 2024).")

    def test_rules_name_the_week(self, weekly) -> None:
        weeks, values = weekly
        hits = spc.apply_rules(values, centre=50.0, sigma=2.0, rule_set="western_electric",
                               labels=weeks)
        assert "1: beyond 3 sigma (week of 3 Jun 2024)" in hits.sentence
        plain = spc.apply_rules(values, centre=50.0, sigma=2.0, rule_set="western_electric")
        assert "1: beyond 3 sigma (point 71)" in plain.sentence
        assert hits.as_dict() == {**plain.as_dict(), "sentence": hits.sentence}


class TestMonthlyLabels:
    def test_nist_flow_limits_do_not_move(self) -> None:
        months = pd.date_range("2024-01-01", periods=10, freq="MS")
        r = spc.i_chart(NIST_FLOW, labels=months)
        # NIST 6.3.2.2: x-bar = 50.81, UCL = 55.8041, LCL = 45.8159
        assert (round(r.centre, 2), round(r.ucl, 4), round(r.lcl, 4)) == (50.81, 55.8041,
                                                                           45.8159)
        assert "no period is outside the limits" in r.sentence

    def test_orange_juice_signals_are_named_months(self) -> None:
        months = pd.date_range("2022-01-01", periods=30, freq="MS")
        r = spc.p_chart(OJ_TRIAL, [50] * 30, labels=months)
        flagged = (np.flatnonzero(r.signals) + 1).tolist()
        assert flagged == [15, 23]  # qcc: "out-of-control points ... c(15, 23)"
        assert [month_name(months[i - 1]) for i in flagged] == ["Mar 2023", "Nov 2023"]
        assert "2 periods are outside the limits: Mar 2023, Nov 2023." in r.sentence
        plain = spc.p_chart(OJ_TRIAL, [50] * 30)
        assert "2 points are outside the limits (points 15, 23)." in plain.sentence

    def test_u_chart_and_month_strings(self) -> None:
        labels = [f"2024-{m:02d}" for m in range(1, 13)]
        counts = [10, 12, 8, 14, 10, 40, 11, 7, 10, 15, 9, 5]
        r = spc.u_chart(counts, [5] * 12, labels=labels)
        assert "2024-06 is outside the limits" in r.sentence

    def test_a_long_list_is_capped(self) -> None:
        """NHS England A&E, provider RF4, type 1, Apr 2016 - Mar 2019 (tests/data,
        see test_spc_nhs.py): ~20,000 attendances a month make the binomial limits so
        narrow that most months fall outside; the sentence names the first 5."""
        assert AE_CSV.is_file(), f"real A&E data missing: {AE_CSV} (see tests/data/README.md)"
        df = pd.read_csv(AE_CSV, dtype={"org_code": str, "type": str})
        one = df[(df["org_code"] == "RF4") & (df["type"] == "1")].sort_values("period")
        months = pd.to_datetime(one["period"])
        r = spc.p_chart(one["breaches"], one["attendances"], labels=months)
        outside = np.flatnonzero(r.signals)
        assert outside.size > 18
        first = ", ".join(month_name(months.iloc[i]) for i in outside[:5])
        assert (f"{outside.size} periods are outside the limits: {first} "
                f"and {outside.size - 5} more.") in r.sentence


class TestChineseLabels:
    LABELS = tuple(f"2024年{m}月" for m in range(1, 13))
    VALUES = (31.0, 29, 30, 32, 28, 30, 50, 31, 29, 30, 32, 28)

    def test_string_labels_are_used_as_written(self) -> None:
        r = spc.i_chart(self.VALUES, labels=self.LABELS)
        assert "2024年7月 is outside the limits" in r.sentence
        assert "the 2024年7月" not in r.sentence

    def test_chinese_phases(self) -> None:
        part = ["改进前"] * 6 + ["改进后"] * 6
        r = spc.i_chart(self.VALUES, part=part, labels=self.LABELS)
        assert r.sentence.startswith("改进前 (2024年1月 to 2024年6月): ")
        assert "改进后 (2024年7月 to 2024年12月): " in r.sentence

    def test_moving_ranges_name_the_change(self) -> None:
        r = spc.mr_chart(self.VALUES, labels=self.LABELS)
        assert (np.flatnonzero(r.signals) + 1).tolist() == [7, 8]
        assert ("2 moving ranges above the limit (the changes into 2024年7月, 2024年8月)."
                in r.sentence)
        plain = spc.mr_chart(self.VALUES)
        assert "2 moving ranges above the limit (at points 7, 8)." in plain.sentence

    def test_json_ready(self) -> None:
        r = spc.i_chart(self.VALUES, labels=self.LABELS)
        text = json.dumps(r.as_dict(), allow_nan=False, ensure_ascii=False)
        assert "2024年7月" in text


class TestWrongLabels:
    @pytest.mark.parametrize("make", [
        lambda labels: spc.i_chart(NIST_FLOW, labels=labels),
        lambda labels: spc.mr_chart(NIST_FLOW, labels=labels),
        lambda labels: spc.p_chart([1] * 10, [9] * 10, labels=labels),
        lambda labels: spc.u_chart([1] * 10, [9] * 10, labels=labels),
        lambda labels: spc.run_chart(NIST_FLOW, labels=labels),
        lambda labels: spc.log_i_chart(NIST_FLOW, labels=labels),
        lambda labels: spc.rebased_chart(NIST_FLOW, "i", labels=labels),
        lambda labels: spc.split_phases(10, labels=labels),
        lambda labels: spc.apply_rules(NIST_FLOW, centre=50, sigma=2, labels=labels),
    ])
    def test_wrong_length_names_the_parameter_and_both_lengths(self, make) -> None:
        with pytest.raises(ValueError, match="labels has 3 entries but the chart has 10 points"):
            make(["Jan", "Feb", "Mar"])

    def test_one_string_is_not_a_list_of_labels(self) -> None:
        with pytest.raises(ValueError, match="labels must be a sequence"):
            spc.i_chart(NIST_FLOW, labels="2024-01")

    def test_a_missing_date_is_refused(self) -> None:
        stamps = list(pd.date_range("2024-01-01", periods=10, freq="MS"))
        stamps[4] = pd.NaT
        with pytest.raises(ValueError, match="missing date at position 4"):
            spc.i_chart(NIST_FLOW, labels=stamps)


class TestDateFormats:
    def test_days(self) -> None:
        days = pd.date_range("2024-03-04", periods=3, freq="D")
        assert spc.period_names(days, 3) == ("4 Mar 2024", "5 Mar 2024", "6 Mar 2024")

    def test_month_starts_as_plain_dates_and_numpy(self) -> None:
        assert spc.period_names([dt.date(2024, 1, 1), dt.date(2024, 2, 1)], 2) == (
            "Jan 2024", "Feb 2024")
        stamps = np.array(["2024-03-01", "2024-04-01"], dtype="datetime64[ns]")
        assert spc.period_names(stamps, 2) == ("Mar 2024", "Apr 2024")

    def test_times_of_day_and_time_zones(self) -> None:
        hours = pd.date_range("2024-03-04 09:00", periods=2, freq="h", tz="Europe/London")
        assert spc.period_names(hours, 2) == ("4 Mar 2024 09:00", "4 Mar 2024 10:00")
        weeks = pd.date_range("2024-03-04", periods=2, freq="W-MON", tz="Asia/Shanghai")
        assert spc.period_names(weeks, 2) == ("week of 4 Mar 2024", "week of 11 Mar 2024")

    def test_a_single_date(self) -> None:
        assert spc.period_names([pd.Timestamp("2024-06-03")], 1) == ("3 Jun 2024",)


class TestNoLabelsUnchanged:
    """The sentences without labels, word for word as before labels existed."""

    # the sentences below were printed by the charts before labels were added

    def test_i_chart(self) -> None:
        y = [10.0, 10.5, 9.8, 10.2, 9.9, 10.1, 30.0, 10.0, 9.7, 10.3]
        expected = (
            "Centre 12.05, control limits -0.6273 to 24.73 (computed from all 10 points); "
            "point 7 is outside the limits. No signal of non-random variation: longest run 6 "
            "(limit 6), 2 crossings (at least 2 expected)."
        )
        assert spc.i_chart(y).sentence == expected
        assert spc.i_chart(y, labels=None).sentence == expected

    def test_mr_chart(self) -> None:
        r = spc.mr_chart([0, 1, 0, 1, 0, 1, 0, 1, 0, 20, 0])
        assert r.sentence == (
            "Average moving range 4.8, upper limit 15.68 (computed from all 11 points); "
            "2 moving ranges above the limit (at points 10, 11)."
        )

    def test_phase_labels(self) -> None:
        r = spc.i_chart(NIST_FLOW, part=["before"] * 5 + ["after"] * 5)
        assert r.sentence == (
            "Before (points 1-5): Centre 49.24, control limits 43.12 to 55.36 (computed from "
            "all 5 points); no point is outside the limits. No signal of non-random variation: "
            "longest run 2 (limit 5), 3 crossings (at least 0 expected). With only 5 useful "
            "points the rules have little power to detect a shift. After (points 6-10): Centre "
            "52.38, control limits 49.52 to 55.24 (computed from all 5 points); no point is "
            "outside the limits. No signal of non-random variation: longest run 3 (limit 5), "
            "2 crossings (at least 0 expected). With only 5 useful points the rules have little "
            "power to detect a shift."
        )

    def test_p_chart_phases(self) -> None:
        r = spc.p_chart(OJ_TRIAL, [50] * 30, part=[15])
        assert r.sentence.startswith("Phase 1 (points 1-15): Overall proportion ")
        assert "Phase 2 (points 16-30): " in r.sentence
        assert "point 15 is outside the limits" in r.sentence

    def test_split_and_rebase(self) -> None:
        assert spc.split_phases(30, part=[12, 24]).sentence == (
            "3 phases: phase 1 (points 1-12), phase 2 (points 13-24), phase 3 (points 25-30).")
        chart = spc.rebased_chart([5, 6, 5, 7, 6, 9, 10, 9, 11, 10], "i",
                                  rebases=[spc.Rebase(at=5, cycle="c", reason="r")])
        assert "New limits from point 6 (c: r)" in chart.sentence


class TestLastPhaseValues:
    """Scalar values are read from the last phase, and still reach as_dict()."""

    @pytest.mark.parametrize("make", [
        lambda: spc.i_chart(NIST_FLOW, part=[5]),
        lambda: spc.mr_chart(NIST_FLOW, part=[5]),
        lambda: spc.p_chart(OJ_TRIAL, [50] * 30, part=[15], laney=True),
        lambda: spc.run_chart(NIST_FLOW, part=[5]),
        lambda: spc.log_i_chart(NIST_FLOW, part=[5]),
    ])
    def test_scalars_follow_the_last_phase(self, make) -> None:
        r = make()
        last = r.phases[-1]
        assert r.centre == last.centre and r.signal == last.signal
        assert r.any_signal == any(p.signal for p in r.phases)
        d = r.as_dict()
        assert {"centre", "signal", "any_signal"} <= set(d)
        assert d["centre"] == pytest.approx(last.centre)
        json.dumps(d, allow_nan=False)


def test_an_i_chart_sentence_says_the_unit_of_its_values():
    # a reviewer read "Centre 13.14, control limits 12.47 to 13.82" for handle time
    weekly_aht = [13.2, 12.9, 13.4, 13.1, 12.8, 13.3, 13.0, 13.5, 12.7, 13.1]
    chart = spc.i_chart(weekly_aht, unit="minutes")
    assert chart.sentence.startswith("Centre 13.1 minutes, control limits 11.95 to 14.25 "
                                     "minutes (computed from all 10 points)")
    assert "minutes" not in spc.i_chart(weekly_aht).sentence
