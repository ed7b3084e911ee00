"""Verdict defects of issue 16, each reproduced on data made in the test, then fixed.

Real-shaped tickets: date-only times, weekly periods, missing optional columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit import metrics, stats
from pdcakit.stages.compare import compare_kpi, compare_kpis, mix_check
from pdcakit.stages.windows import CompareSettings

CHANGE = pd.Timestamp("2026-04-06")


def _tickets(rng: np.random.Generator, weeks: int = 26, per_week: int = 300,
             **columns) -> pd.DataFrame:
    created = pd.Timestamp("2026-01-05") + pd.to_timedelta(
        np.repeat(np.arange(weeks) * 7, per_week) + rng.integers(0, 7, weeks * per_week),
        unit="D")
    frame = pd.DataFrame({"created_at": created, **{k: v(created) for k, v in columns.items()}})
    frame.attrs["snapshot"] = pd.Timestamp("2026-07-06")
    return frame


def _split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    before, after = frame[frame["created_at"] < CHANGE], frame[frame["created_at"] >= CHANGE]
    before.attrs = after.attrs = dict(frame.attrs)
    return before, after


def test_weeks_that_vary_more_than_chance_carry_the_verdict_and_the_holm_step():
    # FCR swinging 6 points from week to week; the after weeks happen to average 3 points
    # higher. The ticket-level chi-square calls that significant; with the weeks as units
    # it is within their own variation, and the verdict must say so.
    rng = np.random.default_rng(3)
    swing = 0.06 * np.tile([1, -1], 7)[:13]
    week_share = np.r_[0.68 + swing, 0.71 + swing]
    frame = _tickets(rng, first_contact_resolved=lambda c: rng.random(len(c)) < np.repeat(
        week_share, 300))
    before, after = _split(frame)
    table = compare_kpis(before, after, CompareSettings.check(kpis=["fcr"]))
    change = table["fcr"]
    assert change.comparison.pvalue < 0.05  # the ticket-level test is fooled
    assert change.verdict.period_level and "periods, not the tickets" in change.test_reason
    assert any("treats each week" in c.sentence for c in change.checks)
    assert change.raw_pvalue == change.verdict.pvalue != change.comparison.pvalue
    assert change.p_adjusted == pytest.approx(change.raw_pvalue)
    # the interval (weeks as units) includes no change and reaches past what could matter
    assert change.direction == "not enough data"
    assert change.design_effect > 1  # the detectable change accounts for the weeks


def test_labels_follow_alpha_and_power():
    rng = np.random.default_rng(4)
    frame = _tickets(rng, handle_minutes=lambda c: rng.lognormal(2.3, 0.5, len(c)))
    before, after = _split(frame)
    change = compare_kpi(before, after, "aht", alpha=0.01, power=0.9, family_size=9)
    row = change.row()
    assert "(99% CI" in row["Interval"] or "CI, widened" in row["Interval"]
    assert "Detectable change (90% power)" in row
    assert "95%" not in change.sentence and "80%" not in change.sentence
    assert change.mde_alpha == pytest.approx(0.01 / 9)


def test_handle_time_verdict_is_the_difference_in_means_with_the_rank_test_beside():
    # Skewed handle times: the rules prefer a rank test, which must not set the verdict.
    rng = np.random.default_rng(5)
    frame = _tickets(rng, per_week=40,
                     handle_minutes=lambda c: np.where(c < CHANGE,
                                                       rng.lognormal(2.3, 1.0, len(c)),
                                                       rng.lognormal(2.2, 1.1, len(c))))
    before, after = _split(frame)
    change = compare_kpi(before, after, "aht")
    assert change.estimand == "difference in means"
    welch = stats.welch_t(before["handle_minutes"], after["handle_minutes"])
    assert change.difference == pytest.approx(welch.estimate)
    assert change.difference_ci == pytest.approx(welch.ci)
    assert change.effect_sign == np.sign(welch.estimate)
    assert change.robustness.startswith("Robustness check, not used for the verdict")


def test_ordinal_scores_never_read_shift_zero_with_ci_zero_to_zero():
    rng = np.random.default_rng(6)
    frame = _tickets(rng, csat=lambda c: rng.choice([3, 4, 4, 4, 5], len(c)))
    before, after = _split(frame)
    change = compare_kpi(before, after, "csat_mean")
    assert "CI 0 to 0" not in change.sentence and "+0.00 (CI" not in change.sentence
    assert change.estimand == "difference in means"


def test_nps_change_percent_has_the_sign_of_the_change_when_nps_before_is_negative():
    # NPS -10 -> +5: a rise, so "Change %" must be positive (it showed -150%).
    before_scores = [9] * 30 + [7] * 30 + [3] * 40         # 30% - 40% = -10
    after_scores = [10] * 40 + [8] * 25 + [2] * 35          # 40% - 35% = +5
    rows = [("2026-01-05", s) for s in before_scores] + [("2026-01-12", s)
                                                         for s in before_scores]
    rows += [("2026-04-06", s) for s in after_scores] + [("2026-04-13", s) for s in after_scores]
    frame = pd.DataFrame(rows, columns=["created_at", "nps"])
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    before, after = _split(frame)
    change = compare_kpi(before, after, "nps")
    assert change.before.value == pytest.approx(-10) and change.after.value == pytest.approx(5)
    assert change.relative_change == pytest.approx(15 / 10)
    assert change.row()["Change %"] == "+150.0%"


def test_degenerate_kpi_is_skipped_with_its_reason_while_the_rest_run():
    rng = np.random.default_rng(7)
    frame = _tickets(rng, handle_minutes=lambda c: np.full(len(c), 5.0),
                     first_contact_resolved=lambda c: rng.random(len(c)) < 0.7)
    before, after = _split(frame)
    table = compare_kpis(before, after, CompareSettings.check(kpis=["aht", "fcr"]))
    assert "same value" in table.skipped["aht"]
    assert table.get("fcr") is not None


def test_mix_check_counts_a_category_that_vanished_after_the_change():
    # Before: a third of tickets in "legacy"; after: none. Leaving it out hid the shift.
    rows = ([("2026-01-05", "legacy", i % 2 == 0) for i in range(300)]
            + [("2026-01-05", "other", i % 3 != 0) for i in range(600)]
            + [("2026-04-06", "other", i % 3 != 0) for i in range(900)])
    frame = pd.DataFrame(rows, columns=["created_at", "category", "first_contact_resolved"])
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    before, after = _split(frame)
    check = mix_check(before, after, "fcr", "category")
    assert check.mix_pvalue < 1e-10
    assert "shifted" in check.sentence and "legacy" in set(check.mix["category"])
    assert "300 tickets" in check.sentence  # left out of the adjusted figure, said so
    crude = after["first_contact_resolved"].mean() - before["first_contact_resolved"].mean()
    assert check.crude == pytest.approx(crude)  # the verdict table's crude change


def test_cochrans_rule_is_never_met_at_n_2():
    result = stats.compare([10.0, 12.0], [9.0, 30.0], "continuous")
    assert "Cochran's rule cannot be checked" in result.reason
    assert "meets Cochran" not in result.reason


def test_km_median_of_complete_even_n_is_the_ordinary_median():
    # R: survfit(Surv(c(60, 120, 240, 480), rep(1, 4)) ~ 1) -> median 180
    frame = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05"] * 4)})
    frame["resolved_at"] = frame["created_at"] + pd.to_timedelta([60, 120, 240, 480], "min")
    frame.attrs["snapshot"] = pd.Timestamp("2026-02-01")
    assert metrics.time_to_resolve(frame).median == pd.Timedelta(minutes=180)


def test_all_open_and_empty_kpis_are_skipped_with_their_reason():
    rng = np.random.default_rng(8)
    frame = _tickets(rng, first_contact_resolved=lambda c: rng.random(len(c)) < 0.7)
    frame["resolved_at"] = pd.NaT  # every ticket still open
    frame["handle_minutes"] = np.nan  # the column is there, every value missing
    before, after = _split(frame)
    table = compare_kpis(before, after, CompareSettings.check(
        kpis=["time_to_resolve", "aht", "fcr"]))
    assert "still open" in table.skipped["time_to_resolve"]
    assert "not enough data" in table.skipped["aht"]
    assert table.get("fcr") is not None


def test_resolution_rate_is_compared_at_a_horizon_both_windows_have_observed():
    # Half the tickets resolve in 2 days, half in 10, in both windows: a share "resolved
    # by the export" falls after the change only because the after tickets are younger.
    rng = np.random.default_rng(9)
    frame = _tickets(rng, per_week=50)
    frame["resolved_at"] = frame["created_at"] + pd.to_timedelta(
        np.tile([2, 10], len(frame) // 2), unit="D")
    frame.loc[frame["resolved_at"] > frame.attrs["snapshot"], "resolved_at"] = pd.NaT
    before, after = _split(frame)
    by_export = metrics.resolution_rate(after).value - metrics.resolution_rate(before).value
    assert by_export < -0.05  # the unequal follow-up the old comparison showed
    change = compare_kpi(before, after, "resolution_rate")
    assert change.follow_up.startswith("Equal follow-up")
    assert "7.0 days" in change.follow_up
    assert change.before.value == pytest.approx(0.5, abs=0.01)
    assert abs(change.difference) < 0.02 and change.direction in ("no change", "not enough data")
