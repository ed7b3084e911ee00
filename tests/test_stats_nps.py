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
        assert (r.extra["ci_wald_low"], r.extra["ci_wald_high"]) == pytest.approx(
            (20 - half, 20 + half), abs=1e-4)
        # The CI is the adjusted Wald one (Rocks 2016; n + 3, 3/4 promoter, 3/4 detractor):
        # before P = 40.75/103, D = 30.75/103 -> NPS 0.097087, var (0.69417 - 0.0094260)/103
        # after  P = 50.75/103, D = 20.75/103 -> NPS 0.291262, var (0.69417 - 0.0848336)/103
        # difference 0.194175 +- 1.959964 * sqrt(0.00664800 + 0.00591589) = (-0.025518, 0.413868)
        assert r.ci == pytest.approx((-2.5518, 41.3868), abs=1e-3)
        assert r.extra["ci_method"].startswith("adjusted Wald")
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


def test_single_nps_adjusted_wald_interval():
    # 5 promoters, 3 passives, 2 detractors of 10: adjusted P = 5.75/13, D = 2.75/13,
    # NPS~ = 3/13 = 0.230769, var = (8.5/13 - (3/13)^2) / 13 = 0.0461994;
    # 0.230769 -+ 1.959964 * 0.214941 -> -0.190505 to 0.652045 (the plain Wald interval,
    # 0.3 -+ 1.959964 * sqrt((0.7 - 0.09) / 10), is -0.184 to 0.784: wider on the right
    # and centred on the raw 0.3).
    from pdcakit.stats.nps import nps_interval

    low, high = nps_interval(stats.nps_parts(_scores(5, 3, 2)))
    assert (low, high) == pytest.approx((-19.0505, 65.2045), abs=1e-3)
