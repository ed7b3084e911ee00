"""Capacity and money ranges, with hand-computed expectations."""

from __future__ import annotations

import math

import pytest

from pdcakit.stages.money import WEEKS_PER_MONTH, capacity, money


def test_hours_and_fte_by_hand():
    # 2.0 (1.5 to 2.5) minutes x 600 tickets / 60 = 20 (15 to 25) hours a week
    c = capacity((2.0, 1.5, 2.5), tickets_per_week=600, hours_per_fte=40)
    assert c.hours_per_week == pytest.approx((20, 15, 25))
    assert c.fte == pytest.approx((0.5, 0.375, 0.625))


def test_savings_roi_and_payback_by_hand():
    c = capacity((2.0, 1.5, 2.5), tickets_per_week=600)
    m = money(c, cost_per_hour=30, investment=10_000, horizon_months=12, currency="EUR")
    assert m.savings_per_week == pytest.approx((600, 450, 750))
    assert m.savings_per_year == pytest.approx((31_200, 23_400, 39_000))
    assert m.roi == pytest.approx(((31_200 - 10_000) / 10_000, (23_400 - 10_000) / 10_000,
                                   (39_000 - 10_000) / 10_000))
    monthly = 600 * WEEKS_PER_MONTH
    assert m.payback_months == pytest.approx((10_000 / monthly, 10_000 / (750 * WEEKS_PER_MONTH),
                                              10_000 / (450 * WEEKS_PER_MONTH)))
    assert "pays back in about 3.8 months" in m.sentence
    assert "EUR" in m.sentence


def test_range_through_zero_may_never_pay_back():
    c = capacity((0.5, -0.5, 1.5), tickets_per_week=600)
    m = money(c, cost_per_hour=30, investment=10_000)
    assert math.isinf(m.payback_months[2])
    assert "to never" in m.sentence
    assert m.as_dict()["payback_months"][2] is None  # JSON-safe


def test_a_loss_does_not_pay_back():
    c = capacity((-1.0, -1.5, -0.5), tickets_per_week=600)
    assert "costs about 10.0" in c.sentence
    m = money(c, cost_per_hour=30, investment=5_000)
    assert "does not pay back" in m.sentence


def test_no_investment_means_no_roi():
    m = money(capacity((1.0, 1.0, 1.0), tickets_per_week=60), cost_per_hour=20)
    assert m.roi is None and m.payback_months == (0.0, 0.0, 0.0)


def test_bad_parameters():
    with pytest.raises(ValueError, match="cost_per_hour must be positive"):
        money(capacity((1.0, 1.0, 1.0), tickets_per_week=60), cost_per_hour=0)
    with pytest.raises(ValueError, match="tickets_per_week must be positive"):
        capacity((1.0, 1.0, 1.0), tickets_per_week=0)


def test_an_interval_through_no_saving_claims_no_time_or_money():
    # Issue 23: the handle time's sentence said "too wide to tell a gain from no change"
    # while the capacity below it said "The change frees about ..."
    c = capacity((0.5, -0.5, 1.5), tickets_per_week=600, confidence=0.95, estimand="mean")
    assert c.includes_none and "frees about" not in c.sentence
    assert c.sentence == (
        "The agent time freed cannot be told from none (5.0 agent hours a week, 95% CI -5.0 "
        "to 15.0 agent hours): the interval of the time saved per ticket includes no change, "
        "so no agent time freed is claimed (from handle time).")
    m = money(c, cost_per_hour=30, investment=10_000, currency="EUR")
    assert m.sentence == (
        "The savings cannot be told from none: 7,800 EUR a year (95% CI -7,800 to 23,400 "
        "EUR); the interval of the time saved includes no change, so no payback or ROI is "
        "claimed.")


def test_intervals_carried_from_the_time_saved_are_called_cis_with_one_unit():
    c = capacity((2.0, 1.5, 2.5), tickets_per_week=600, confidence=0.95, estimand="mean")
    assert c.sentence.startswith("The change frees about 20.0 agent hours a week (95% CI "
                                 "15.0 to 25.0 agent hours), 0.53 FTE (95% CI 0.40 to 0.67 "
                                 "FTE)")
    m = money(c, cost_per_hour=30.0, investment=10_000.0, currency="EUR")
    # savings 31,200 (23,400 to 39,000) a year: three significant figures from an interval
    assert "31,200 EUR a year (95% CI 23,400 to 39,000 EUR)" in m.sentence
    assert m.table().columns.tolist() == ["Figure", "Estimate", "95% CI low", "95% CI high"]
    assert c.as_dict()["estimand"] == "mean" and c.as_dict()["confidence"] == 0.95
