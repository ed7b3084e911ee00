"""Plan-stage choices (pdcakit.stages.baseline, pdcakit.stages.planning): parameter checks and
the plan."""

from __future__ import annotations

import pytest

from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.planning import sample_size_plan

GOOD = {"kpis": ["fcr", "aht"], "headline_kpi": "fcr", "period": "W", "target_value": 0.74,
        "target_direction": "higher"}


class TestSettings:
    @pytest.mark.parametrize(("change", "message"), [
        ({"period": "Q"}, "parameter period: 'Q' is not one of D, W, M"),
        ({"kpis": ["fcr", "fcrr"]}, r"unknown KPI 'fcrr' \(did you mean 'fcr'\?\)"),
        ({"headline_kpi": "csatt"}, "parameter headline_kpi: unknown KPI 'csatt'"),
        ({"target_direction": "up"}, "must be 'higher' or 'lower'"),
        ({"alpha": 5}, "parameter alpha: 5 must lie between 0 and 1"),
        ({"composite_weights": [0.5, 0.5, 0.5]}, "three non-negative weights summing to 1"),
        ({"target_value": 74}, "give the target as a fraction between 0 and 1"),
    ])
    def test_bad_parameters_are_named(self, change, message):
        with pytest.raises(ValueError, match=message):
            BaselineSettings.check(**{**GOOD, **change})

    def test_target_met_follows_direction(self):
        higher = BaselineSettings.check(**GOOD)
        lower = BaselineSettings.check(**{**GOOD, "headline_kpi": "aht", "target_value": 9.0,
                                          "target_direction": "lower"})
        assert higher.target_met(0.75) and not higher.target_met(0.70)
        assert lower.target_met(8.5) and not lower.target_met(9.5)


class TestSampleSizePlan:
    def test_proportion_plan_matches_power_prop(self):
        # n from R power.prop.test(p1 = 0.68, p2 = 0.74, power = 0.8) = 896.6 by its formula
        plan = sample_size_plan("proportion", baseline=0.68, target=0.74, volume_per_period=400,
                                period_label="week")
        assert plan.n_per_group == 897 and plan.periods_needed == 3
        assert "897 tickets before and 897 after" in plan.sentence
        assert plan.curve_powers[0] < 0.8 < plan.curve_powers[-1]

    def test_duration_plan_is_for_the_log_rank_test(self):
        # a 25% faster median: hazard ratio 0.75 under exponential durations. Schoenfeld's
        # events for equal groups: 4 (z_{1-a/2} + z_{1-b})^2 / log(0.75)^2
        # = 4 (1.959964 + 0.841621)^2 / 0.2876821^2 = 379.4 events, 189.7 per group
        plan = sample_size_plan("duration", baseline=240, target=180, sd=1.0,
                                volume_per_period=500, period_label="week")
        assert plan.n_exact == pytest.approx(189.7, abs=0.2)
        assert "log-rank" in plan.method

    def test_no_change_to_detect(self):
        with pytest.raises(ValueError, match="no change to detect"):
            sample_size_plan("mean", baseline=10, target=10, sd=2, volume_per_period=10,
                             period_label="week")
