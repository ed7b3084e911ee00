"""Exact Poisson rate comparison against R's ``poisson.test`` documentation example."""

from __future__ import annotations

import pytest

from pdcakit import stats


def test_r_poisson_test_example():
    # R ?poisson.test: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878))
    # -> count1 = 11, expected count1 = 6.7174, p-value = 0.07967, 95% CI of the rate
    # ratio 0.8584264 to 4.2772659, rate ratio 1.971488. Our "after" is R's first group.
    r = stats.poisson_rates(21, 3011, 11, 800)
    assert r.pvalue == pytest.approx(0.07967, abs=5e-6)
    assert r.extra["rate_ratio"] == pytest.approx(1.971488, abs=5e-7)
    assert r.extra["rate_ratio_ci_low"] == pytest.approx(0.8584264, abs=5e-8)
    assert r.extra["rate_ratio_ci_high"] == pytest.approx(4.2772659, abs=5e-8)
    assert r.extra["expected_after"] == pytest.approx(6.7174, abs=5e-5)


def test_difference_per_thousand():
    r = stats.poisson_rates(20, 1000, 15, 1000, per=1000)
    assert r.estimate == pytest.approx(-5.0)
    assert r.extra["rate_before"] == pytest.approx(20.0)
    assert r.ci[0] < r.estimate < r.ci[1]
    assert r.estimate_label == "difference in rates per 1,000"


def test_bad_input():
    with pytest.raises(ValueError, match="exposure must be positive"):
        stats.poisson_rates(3, 0, 4, 10)
    with pytest.raises(ValueError, match="no events in either period"):
        stats.poisson_rates(0, 10, 0, 10)
