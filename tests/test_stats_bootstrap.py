"""Bootstrap ratios of means and medians: seeded, covering, agreeing with the delta method."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pdcakit import stats


def test_seeded_and_reproducible():
    rng = np.random.default_rng(1)
    before, after = rng.lognormal(2.5, 0.5, 400), rng.lognormal(2.4, 0.5, 400)
    a = stats.ratio_of_means(before, after, seed=5)
    b = stats.ratio_of_means(before, after, seed=5)
    assert a.ci == b.ci and a.method == "BCa"


def test_ratio_of_means_agrees_with_delta_method():
    # For large samples the ratio's SE is about R sqrt(cv_a^2/n_a + cv_b^2/n_b) (delta
    # method, e.g. Casella & Berger, Statistical Inference, 2nd ed., ex. 5.5.27).
    rng = np.random.default_rng(2)
    before, after = rng.gamma(4, 3, 3000), rng.gamma(4, 2.7, 3000)
    r = stats.ratio_of_means(before, after, n_resamples=3000)
    cv = math.sqrt(1 / 4)  # gamma shape 4
    se = r.ratio * math.sqrt(cv**2 / 3000 + cv**2 / 3000)
    assert (r.ci[1] - r.ci[0]) / (2 * 1.96 * se) == pytest.approx(1, abs=0.1)
    assert r.ci[0] < 0.9 < r.ci[1]


def test_gain_is_one_minus_ratio():
    r = stats.ratio_of_medians([10.0, 12, 9, 11, 13] * 10, [8.0, 9, 7, 9, 10] * 10)
    assert r.gain == pytest.approx(1 - 9 / 11)
    assert r.gain_ci == pytest.approx((1 - r.ci[1], 1 - r.ci[0]))
    assert "lower than before" in r.sentence


def test_zero_before_is_a_clear_error():
    with pytest.raises(ValueError, match="before is 0"):
        stats.ratio_of_means([0.0, 0.0, 0.0], [1.0, 2.0, 3.0])
