"""The proportional-odds comparison of ordinal answers (pdcakit.stats.ordinal)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pdcakit.stats.ordinal import is_ordinal_scale, proportional_odds


def test_two_levels_is_the_two_by_two_odds_ratio():
    # With two answer levels the cumulative logit is logistic regression: the odds ratio
    # is (a/b) / (c/d) and its Wald SE sqrt(1/a + 1/b + 1/c + 1/d) (Agresti 2013, 3.1.1).
    before = [1] * 30 + [2] * 70   # 70 of 100 high before
    after = [1] * 15 + [2] * 85    # 85 of 100 high after
    r = proportional_odds(before, after)
    expected = (85 / 15) / (70 / 30)
    se = math.sqrt(1 / 85 + 1 / 15 + 1 / 70 + 1 / 30)
    assert r.estimate == pytest.approx(expected, rel=1e-4)
    assert r.extra["log_odds_ratio_se"] == pytest.approx(se, rel=1e-3)
    low, high = r.ci
    assert low == pytest.approx(expected * math.exp(-1.959964 * se), rel=1e-3)
    assert high == pytest.approx(expected * math.exp(1.959964 * se), rel=1e-3)


def test_no_shift_on_a_five_point_scale_gives_an_odds_ratio_near_one():
    rng = np.random.default_rng(3)
    probs = [0.05, 0.1, 0.25, 0.35, 0.25]
    r = proportional_odds(rng.choice(np.arange(1, 6), 800, p=probs),
                          rng.choice(np.arange(1, 6), 800, p=probs))
    assert r.ci[0] < 1 < r.ci[1]


def test_a_shift_up_is_an_odds_ratio_above_one():
    rng = np.random.default_rng(4)
    before = rng.choice(np.arange(1, 6), 600, p=[0.1, 0.2, 0.3, 0.25, 0.15])
    after = rng.choice(np.arange(1, 6), 600, p=[0.05, 0.1, 0.25, 0.35, 0.25])
    r = proportional_odds(before, after)
    assert r.ci[0] > 1 and r.pvalue < 0.001


def test_means_of_several_questions_are_not_one_ordinal_answer():
    assert not is_ordinal_scale([3.5, 4.25, 4.0], [2.75, 4.0])
    with pytest.raises(ValueError, match="whole-number answers"):
        proportional_odds([3.5, 4.25, 4.0], [2.75, 4.0, 1.0])
