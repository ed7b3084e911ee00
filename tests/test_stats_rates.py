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


def test_zero_count_ci_is_consistent_with_the_exact_test():
    # R: poisson.test(c(4, 0), c(1000, 1000)) -> p-value = 0.125, rate ratio CI
    # 0.660124 to Inf. The difference CI is that interval carried to the difference at
    # the observed total: 4 (0.660124 - 1) / (1000 + 660.124) to 4 / 1000.
    r = stats.poisson_rates(0, 1000, 4, 1000)
    assert r.pvalue == pytest.approx(0.125)
    assert r.extra["rate_ratio_ci_low"] == pytest.approx(0.660124, abs=5e-7)
    assert r.ci == pytest.approx((4 * (0.660124 - 1) / 1660.124, 0.004), abs=1e-9)
    assert r.ci[0] < 0 < r.ci[1]  # p > 0.05 and the CI contains 0: never collapsed
    # R: poisson.test(c(0, 5), c(1000, 1000)) -> p-value = 0.0625, CI 0 to 1.091279
    r = stats.poisson_rates(5, 1000, 0, 1000)
    assert r.extra["rate_ratio_ci_high"] == pytest.approx(1.091279, abs=5e-7)
    assert r.ci == pytest.approx((-0.005, 5 * 0.091279 / 2091.279), abs=1e-9)


def test_difference_ci_excludes_zero_exactly_when_the_ratio_ci_excludes_one():
    for before, after in [(21, 11), (40, 12), (3, 15), (0, 9), (9, 0)]:
        r = stats.poisson_rates(before, 3011, after, 800)
        ratio_excludes = not (r.extra["rate_ratio_ci_low"] <= 1 <= r.extra["rate_ratio_ci_high"])
        assert ratio_excludes == (not r.ci[0] <= 0 <= r.ci[1])
