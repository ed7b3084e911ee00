"""Sample-size plans at the level the Check's verdict uses, with the design effect of the
period variation, durations planned for the log-rank test (pdcakit.stages.planning)."""

from __future__ import annotations

import math

import pytest

from pdcakit import stats
from pdcakit.stages.planning import period_design_effect, sample_size_plan


def test_plan_at_holms_first_step_not_at_alpha():
    # Issue 16: a change equal to the plan at 0.05 has about 53% power at Holm's first
    # step over 9 KPIs. Planned at 0.05 / 9 it has the power asked for there.
    nominal = sample_size_plan("proportion", baseline=0.68, target=0.74,
                               volume_per_period=400, period_label="week")
    family = sample_size_plan("proportion", baseline=0.68, target=0.74,
                              volume_per_period=400, period_label="week", family_size=9)
    assert stats.power_prop(0.68, 0.74, n=nominal.n_exact, alpha=0.05 / 9).power < 0.6
    assert stats.power_prop(0.68, 0.74, n=family.n_exact, alpha=0.05 / 9).power == \
        pytest.approx(0.8, abs=1e-6)
    assert family.alpha == pytest.approx(0.05 / 9) and family.nominal_alpha == 0.05
    assert "first of 9 KPIs" in family.sentence


def test_design_effect_multiplies_the_tickets():
    base = sample_size_plan("mean", baseline=10, target=9, sd=4, volume_per_period=300,
                            period_label="week")
    wide = sample_size_plan("mean", baseline=10, target=9, sd=4, volume_per_period=300,
                            period_label="week", design_effect=2.5)
    assert wide.n_exact == pytest.approx(2.5 * base.n_exact)
    assert "design effect of 2.50" in wide.sentence


def test_duration_plan_is_for_the_log_rank_test():
    # Schoenfeld: events = (z_{1-a/2} + z_{power})^2 / (log(HR)^2 / 4), HR = 240 / 180
    plan = sample_size_plan("duration", baseline=240, target=180, volume_per_period=500,
                            period_label="week", share_finished=0.9)
    events = (1.959964 + 0.841621) ** 2 / (math.log(240 / 180) ** 2 / 4)
    assert plan.n_exact == pytest.approx(events / 2 / 0.9, rel=1e-5)
    assert "log-rank" in plan.method
    curve = dict(zip(plan.curve_sizes, plan.curve_powers, strict=True))
    below = max(s for s in curve if s <= plan.n_exact)
    assert curve[below] <= 0.8 + 1e-9


def test_period_design_effect_from_weekly_shares_and_means():
    # Binomial weeks: no inflation; weeks varying 5 points around 70% at 300 a week: about 4.6.
    assert period_design_effect("proportion", [0.70] * 6, [300] * 6) == 1.0
    shares = [0.65, 0.75, 0.70, 0.64, 0.76, 0.70]
    assert period_design_effect("proportion", shares, [300] * 6) == pytest.approx(
        sum((s - 0.7) ** 2 for s in shares) / (0.21 / 300) / 5)
    assert period_design_effect("duration", [1, 2], [10, 10]) == 1.0
