"""NPS difference (pdcakit.stats.nps_difference): the multinomial Wald z test.

Source of the method: Rocks B (2016) Interval estimation for the "net promoter score".
The American Statistician 70(4):365-372, eq. for the variance of the NPS,
var = (pP + pD - (pP - pD)^2) / n. The numbers below are worked by hand from it.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from pdcakit import stats


def _scores(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [3] * detractors


class TestNpsDifference:
    def test_hand_worked_example(self):
        # Before: 40 promoters, 30 passives, 30 detractors of 100 -> NPS +10,
        #   var = (0.4 + 0.3 - 0.01) / 100 = 0.0069.
        # After: 50, 30, 20 of 100 -> NPS +30, var = (0.5 + 0.2 - 0.09) / 100 = 0.0061.
        # z = 0.20 / sqrt(0.0130) = 1.754116; two-sided p = 0.079411.
        r = stats.nps_difference(_scores(40, 30, 30), _scores(50, 30, 20))
        assert r.estimate == pytest.approx(20.0)
        assert r.statistic == pytest.approx(0.2 / 0.013**0.5)
        assert r.pvalue == pytest.approx(2 * sps.norm.sf(0.2 / 0.013**0.5))
        half = 100 * 1.959964 * 0.013**0.5
        assert r.ci == pytest.approx((20 - half, 20 + half), abs=1e-4)
        assert r.extra["nps_before"] == pytest.approx(10.0)
        assert r.extra["nps_after"] == pytest.approx(30.0)
        assert r.unit == "points" and not r.significant

    def test_equals_large_sample_welch_on_coded_scores(self):
        rng = np.random.default_rng(7)
        before = rng.integers(0, 11, 4000)
        after = rng.integers(2, 11, 4000)
        code = lambda s: np.select([s >= 9, s <= 6], [100.0, -100.0], 0.0)  # noqa: E731
        welch = stats.welch_t(code(before), code(after))
        r = stats.nps_difference(before, after)
        assert r.estimate == pytest.approx(welch.estimate)
        # Wald (population variance) versus t (sample variance): equal to 4 digits at n=4000.
        assert r.statistic == pytest.approx(welch.statistic, rel=2e-4)

    def test_missing_scores_are_dropped(self):
        r = stats.nps_difference([10, 3, np.nan, 9], [10, 10, 8, np.nan])
        assert (r.n_before, r.n_after) == (3, 3)

    def test_scores_outside_0_10(self):
        with pytest.raises(ValueError, match="between 0 and 10"):
            stats.nps_difference([10, 11, 3], [9, 9, 9])

    def test_no_variation(self):
        with pytest.raises(ValueError, match="no variation"):
            stats.nps_difference([10, 10, 10], [9, 9, 10])
