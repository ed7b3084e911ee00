"""The Check stage (pdcakit.stages.compare) on the demo data: it must recover the injected effects
documented in data/README.md and data/demo/effects.yaml, and report "no significant
change" where none was injected, after the Holm adjustment across the KPI family.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.stages.compare import compare_kpi, compare_kpis, mix_check, segment_changes
from pdcakit.stages.explore import training_check
from pdcakit.stages.timeview import phase_view
from pdcakit.stages.windows import CompareSettings, Windows

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
KPIS = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean", "nps",
        "complaint_rate", "reopen_rate"]


@pytest.fixture(scope="module")
def demo():
    tickets = data.load_tickets(DEMO / "tickets.csv")
    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    before, after = windows.split(tickets)
    return tickets, windows, before, after


@pytest.fixture(scope="module")
def verdicts(demo):
    _, _, before, after = demo
    settings = CompareSettings.check(kpis=KPIS, targets={"fcr": 0.74})
    return compare_kpis(before, after, settings)


class TestWindows:
    def test_around_change_date(self):
        w = Windows.around("2026-04-06", weeks_before=2, weeks_after=1)
        assert (w.before_start, w.after_end) == (pd.Timestamp("2026-03-23"),
                                                 pd.Timestamp("2026-04-13"))

    @pytest.mark.parametrize(("before", "after", "message"), [
        (["2026-01-05"], ["2026-04-06", "2026-07-06"], r"give \[start, end\]"),
        (["2026-04-06", "2026-01-05"], ["2026-04-06", "2026-07-06"], "must come before"),
        (["2026-01-05", "2026-05-01"], ["2026-04-06", "2026-07-06"], "must not overlap"),
        (["2026-01-05", "soon"], ["2026-04-06", "2026-07-06"], "'soon' is not a date"),
    ])
    def test_bad_windows(self, before, after, message):
        with pytest.raises(ValueError, match=message):
            Windows.explicit(before, after)

    def test_empty_window_names_the_data_range(self, demo):
        tickets = demo[0]
        w = Windows.explicit(["2025-01-01", "2025-02-01"], ["2026-04-06", "2026-07-06"])
        with pytest.raises(ValueError, match=r"no tickets in the before window.*2026-01-05"):
            w.split(tickets)


class TestSettings:
    @pytest.mark.parametrize(("change", "message"), [
        ({"kpis": ["fcr", "fcrr"]}, "unknown KPI 'fcrr'"),
        ({"multiplicity": "sidak"}, "'sidak' is not one of holm, bh, none"),
        ({"targets": {"fcr": 74}}, "give its target as a fraction"),
        ({"alpha": 0}, "parameter alpha"),
    ])
    def test_bad_parameters_are_named(self, change, message):
        with pytest.raises(ValueError, match=message):
            CompareSettings.check(**{"kpis": ["fcr"], **change})


class TestDemoRecoversInjectedEffects:
    def test_fcr_up_six_points_and_target(self, verdicts):
        fcr = verdicts["fcr"]
        assert fcr.direction == "improved"
        # injected +6 points (68.15% -> 74.15%); the CI must cover it
        assert fcr.difference_ci[0] < 0.06 < fcr.difference_ci[1]
        assert fcr.comparison.test == "two-proportion chi-square test"
        assert fcr.target == 0.74 and fcr.large_enough is True

    @pytest.mark.parametrize("key", ["first_response_time", "aht", "csat", "nps",
                                     "complaint_rate"])
    def test_injected_improvements_are_found(self, verdicts, key):
        assert verdicts[key].direction == "improved", verdicts[key].sentence

    def test_no_change_where_none_injected_after_holm(self, verdicts):
        # reopen rate: no effect injected (data/README.md); it must not be called a change.
        reopen = verdicts["reopen_rate"]
        assert reopen.p_adjusted > 0.05
        assert reopen.direction in ("no change", "not enough data")
        # Overall time to resolve falls as a consequence of the higher FCR (data/README.md).
        assert verdicts["time_to_resolve"].direction == "improved"

    def test_durations_use_logrank_with_open_tickets(self, verdicts):
        # Only email first responses were sped up (240 -> 180 minute median): the overall
        # median, set by chat and phone, barely moves, but the log-rank test sees the
        # slow tail shrink, and the sentence says where the change is.
        frt = verdicts["first_response_time"]
        assert "log-rank" in frt.comparison.test.lower()
        assert frt.comparison.extra["open_before"] + frt.comparison.extra["open_after"] > 0
        extra = frt.comparison.extra
        assert extra["effect_sign"] == -1 and extra["p90_after"] < extra["p90_before"]
        assert "90th percentile" in frt.sentence

    def test_holm_adjusted_p_are_not_below_raw(self, verdicts):
        for change in verdicts.changes:
            assert change.p_adjusted >= change.comparison.pvalue - 1e-15

    def test_table_and_json(self, verdicts):
        frame = verdicts.frame()
        assert list(frame["KPI"])[:2] == ["First contact resolution", "First response time"]
        assert {"Estimand", "Before", "After", "Change", "Interval", "Verdict"} <= set(frame)
        assert {"p adjusted", "Detectable change (80% power)", "Estimand"} <= set(
            verdicts.technical_frame())
        out = verdicts.as_dict()
        assert out["kpis"]["fcr"]["verdict"] == "improved"
        assert out["kpis"]["fcr"]["estimand"] == "difference in proportions"
        # weekly FCR varies a little more than chance (dispersion 1.52, p = 0.048: the
        # generator's week effects, data/README.md), so the periods carry its verdict;
        # CSAT's weeks do not, and its ticket-level test stands
        assert "the periods, not the tickets, are the units" in out["kpis"]["fcr"]["why"]
        assert "the ticket-level test stands" in out["kpis"]["csat"]["why"]
        assert out["kpis"]["fcr"]["comparison"]["reason"].startswith("Why this test")
        assert "Holm" in verdicts.adjustment_sentence


class TestSegments:
    def test_email_first_response_changed_web_resolution_did_not(self, demo):
        _, _, before, after = demo
        settings = CompareSettings.check(kpis=["first_response_time"])
        frt = segment_changes(before, after, "first_response_time", "channel", settings)
        rows = frt.frame().set_index("segment")
        assert rows.loc["email", "verdict"] == "improved"
        # injected -25% on email only: about -60 minutes at a 240-minute median
        assert rows.loc["email", "ci_low"] < -60 * 0.6
        ttr = segment_changes(before, after, "time_to_resolve", "channel", settings)
        assert ttr.frame().set_index("segment").loc["web", "verdict"] in (
            "no change", "not enough data")

    def test_chat_handle_time_down_phone_unchanged(self, demo):
        _, _, before, after = demo
        settings = CompareSettings.check(kpis=["aht"])
        rows = segment_changes(before, after, "aht", "channel", settings).frame()
        rows = rows.set_index("segment")
        assert rows.loc["chat", "verdict"] == "improved"
        assert rows.loc["phone", "verdict"] in ("no change", "not enough data")


class TestMixCheck:
    def test_simpsons_paradox_is_flagged(self):
        # Constructed: each stratum improves by 5 points, but the mix moves toward the
        # hard stratum, so the crude rate falls.
        rows = []
        for period, n_easy, n_hard in (("before", 900, 100), ("after", 100, 900)):
            for stratum, n, rate in (("easy", n_easy, 0.85 if period == "before" else 0.90),
                                     ("hard", n_hard, 0.30 if period == "before" else 0.35)):
                good = round(n * rate)
                rows += [{"category": stratum, "first_contact_resolved": i < good,
                          "period": period} for i in range(n)]
        frame = pd.DataFrame(rows)
        before, after = (frame[frame["period"] == p] for p in ("before", "after"))
        check = mix_check(before, after, "fcr", "category")
        assert check.crude < 0 < check.adjusted
        assert check.adjusted == pytest.approx(0.05)
        assert check.disagree and "Simpson" in check.sentence
        assert check.mix_pvalue < 0.001

    def test_demo_fcr_agrees(self, demo):
        _, _, before, after = demo
        check = mix_check(before, after, "fcr", "category")
        assert not check.disagree
        assert check.adjusted == pytest.approx(0.06, abs=0.015)

    def test_durations_get_the_mix_check_on_the_restricted_mean(self, demo):
        _, _, before, after = demo
        found = mix_check(before, after, "time_to_resolve", "category")
        assert "mean time up to" in found.sentence


class TestPhaseView:
    def test_fcr_phase_chart_stable_baseline(self, demo):
        tickets, windows, _, _ = demo
        view = phase_view(tickets, "fcr", windows)
        assert view.change_index == 13 and len(view.values) == 26
        assert view.chart_name == "Laney p' chart"
        assert [p.label for p in view.chart.phases] == ["before", "after"]
        assert view.chart.phases[1].centre > view.chart.phases[0].centre + 0.04
        # The generator's week effects (SD 0.8 points of FCR, data/README.md) make the
        # weeks vary a little more than chance: dispersion 1.52, p = 0.048.
        assert view.overdispersed and "more than chance" in view.sentence
        assert view.per_period_test.estimate == pytest.approx(
            view.chart.phases[1].centre - view.chart.phases[0].centre)

    def test_unstable_baseline_is_said(self):
        # A baseline drifting upward week by week: the before phase signals.
        weeks = pd.date_range("2026-01-05", periods=20, freq="W-MON")
        rows = []
        for i, week in enumerate(weeks):
            rate = 0.5 + 0.02 * i if i < 10 else 0.75
            rows += [{"created_at": week + pd.Timedelta(hours=h),
                      "first_contact_resolved": h < rate * 200} for h in range(200)]
        tickets = pd.DataFrame(rows)
        windows = Windows.explicit(["2026-01-05", "2026-03-16"], ["2026-03-16", "2026-05-25"])
        view = phase_view(tickets, "fcr", windows)
        assert view.baseline_unstable
        assert "baseline was not stable" in view.sentence


class TestTraining:
    def test_demo_training_effect_and_paired_test(self):
        training = data.load_table(DEMO / "training.csv", "training")
        effect, test = training_check(training)
        # mean post 72.8, mean pre 65.1667 (R: mean(d$post_score), mean(d$pre_score)):
        # training effect (72.8 - 65.1667) / 65.1667 (source 3.2.3)
        assert effect.value == pytest.approx((72.8 - 65.166667) / 65.166667, rel=1e-6)
        # the differences' skewness meets Cochran's rule, so the rules pick the paired t
        assert test.test == "paired t test"
        assert "Cochran" in test.reason
        # R 4.x: t.test(d$post_score, d$pre_score, paired = TRUE) on data/demo/training.csv
        # t = 8.8381763, df = 29, p-value = 1.005846e-09, 95% CI 5.866914659 to 9.399752008
        assert test.statistic == pytest.approx(8.8381763, rel=1e-7)
        assert test.df == 29
        assert test.pvalue == pytest.approx(1.005846e-09, rel=1e-6)
        assert test.ci == pytest.approx((5.866914659, 9.399752008), rel=1e-8)
        assert test.n_before == 30


class TestCompareKpi:
    def test_minimum_detectable_change_for_a_rate(self, demo):
        _, _, before, after = demo
        change = compare_kpi(before, after, "fcr", target=0.74)
        # the weeks carry the verdict (they vary more than chance), so the detectable
        # change is that of 26 weeks, not of 48,000 tickets: 3.3 points
        assert change.verdict.period_level
        assert 0.02 < change.mde < 0.04
        assert math.isfinite(change.relative_change)
        assert np.isfinite(change.difference_ci).all()


class TestSkippedLookups:
    def test_get_and_significance_come_from_the_library(self, demo):
        _, _, before, after = demo
        settings = CompareSettings.check(kpis=["fcr"])
        verdicts = compare_kpis(before, after, settings)
        assert verdicts.get("fcr") is verdicts["fcr"] and verdicts.get("aht") is None
        frame = segment_changes(before, after, "fcr", "channel", settings).frame()
        assert (frame["significant"] == (frame["p_adjusted"] < settings.alpha)).all()
