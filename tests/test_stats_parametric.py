"""t tests and effect sizes (pdcakit.stats.parametric) against R's published output.

The `sleep` data (Student 1908; R datasets::sleep): extra hours of sleep for ten
patients under two drugs. Group 1 is "before", group 2 "after", so estimates are
group 2 minus group 1 and carry the opposite sign to R's group 1 minus group 2.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pdcakit import stats

GROUP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
GROUP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


class TestWelchT:
    def test_sleep(self):
        # R: t.test(extra ~ group, data = sleep)
        # t = -1.8608, df = 17.776, p-value = 0.07939
        # 95 percent confidence interval: -3.3654832  0.2054832; means 0.75 and 2.33
        r = stats.welch_t(GROUP1, GROUP2)
        assert r.statistic == pytest.approx(1.8608, abs=5e-5)
        assert r.df == pytest.approx(17.776, abs=5e-4)
        assert r.pvalue == pytest.approx(0.07939, abs=5e-6)
        assert r.ci == pytest.approx((-0.2054832, 3.3654832), abs=5e-8)
        assert r.estimate == pytest.approx(2.33 - 0.75)
        assert (r.n_before, r.n_after) == (10, 10)
        assert not r.significant and "not statistically significant" in r.sentence

    def test_swapping_groups_flips_the_estimate(self):
        r1, r2 = stats.welch_t(GROUP1, GROUP2), stats.welch_t(GROUP2, GROUP1)
        assert r1.estimate == pytest.approx(-r2.estimate)
        assert r1.pvalue == pytest.approx(r2.pvalue)

    def test_missing_values_dropped(self):
        r = stats.welch_t([*GROUP1, math.nan], GROUP2)
        assert r.n_before == 10

    def test_not_enough_data(self):
        with pytest.raises(ValueError, match="not enough data: n=1 in the before group"):
            stats.welch_t([1.0], GROUP2)

    def test_no_variation_is_explained_not_nan(self):
        with pytest.raises(ValueError, match="no variation"):
            stats.welch_t([2.0, 2.0, 2.0], [2.0, 2.0])

    @given(st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=30),
           st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=30))
    def test_p_in_unit_interval_and_ci_contains_estimate(self, before, after):
        if np.ptp(before) < 1e-6 or np.ptp(after) < 1e-6:
            return
        r = stats.welch_t(before, after)
        assert 0 <= r.pvalue <= 1
        assert r.ci[0] <= r.estimate <= r.ci[1]


class TestStudentT:
    def test_sleep(self):
        # R: t.test(extra ~ group, data = sleep, var.equal = TRUE)
        # t = -1.8608, df = 18, p-value = 0.07919
        # 95 percent confidence interval: -3.363874  0.203874
        r = stats.student_t(GROUP1, GROUP2)
        assert r.statistic == pytest.approx(1.8608, abs=5e-5)
        assert r.df == 18
        assert r.pvalue == pytest.approx(0.07919, abs=5e-6)
        assert r.ci == pytest.approx((-0.203874, 3.363874), abs=5e-7)


class TestPairedT:
    def test_sleep(self):
        # R: with(sleep, t.test(extra[group == 2], extra[group == 1], paired = TRUE))
        # t = 4.0621, df = 9, p-value = 0.002833
        # 95 percent confidence interval: 0.7001142 2.4598858; mean difference 1.58
        r = stats.paired_t(GROUP1, GROUP2)
        assert r.statistic == pytest.approx(4.0621, abs=5e-5)
        assert r.df == 9
        assert r.pvalue == pytest.approx(0.002833, abs=5e-7)
        assert r.ci == pytest.approx((0.7001142, 2.4598858), abs=5e-8)
        assert r.significant

    def test_unequal_lengths(self):
        with pytest.raises(ValueError, match="equal lengths"):
            stats.paired_t([1, 2, 3], [1, 2])


class TestEffectSizes:
    def test_cohens_d_by_hand(self):
        # pooled SD = sqrt((9 * var1 + 9 * var2) / 18); d = (2.33 - 0.75) / pooled SD
        pooled = math.sqrt((np.var(GROUP1, ddof=1) + np.var(GROUP2, ddof=1)) / 2)
        assert stats.cohens_d(GROUP1, GROUP2) == pytest.approx(1.58 / pooled)

    def test_hedges_g_smaller_than_d(self):
        d, g = stats.cohens_d(GROUP1, GROUP2), stats.hedges_g(GROUP1, GROUP2)
        # J(m) = Γ(m/2) / (sqrt(m/2) Γ((m-1)/2)) with m = 18 (Hedges 1981): 0.95765;
        # Hedges' approximation 1 - 3/(4m - 1) agrees to 1e-3.
        exact = math.gamma(9) / (3 * math.gamma(8.5))
        assert exact == pytest.approx(0.95765, abs=5e-6)
        assert g / d == pytest.approx(exact)
        assert g / d == pytest.approx(1 - 3 / (4 * 18 - 1), abs=1e-3)


def _exact_sample(mean: float, sd: float, n: int) -> np.ndarray:
    """n values with exactly this mean and sample SD."""
    z = np.random.default_rng(n).normal(size=n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * z


def test_hedges_g_ci_as_borenstein_worked_example():
    # Borenstein, Hedges, Higgins & Rothstein (2009), Introduction to Meta-Analysis, ch. 4:
    # means 103 and 100, SDs 5.5 and 4.5, n = 50 each -> d = 0.5970, V_d = 0.0418;
    # J = 0.9923, g = 0.5924, V_g = 0.0411, SE_g = 0.2028.
    treated, control = _exact_sample(103, 5.5, 50), _exact_sample(100, 4.5, 50)
    assert stats.cohens_d(control, treated) == pytest.approx(0.5970, abs=5e-5)
    g, low, high = stats.hedges_g_ci(control, treated)
    assert g == pytest.approx(0.5924, abs=5e-5)
    assert (high - low) / (2 * 1.959964) == pytest.approx(0.2028, abs=5e-5)
    r = stats.welch_t(control, treated)
    assert r.extra["effect_size_ci_low"] == pytest.approx(low)
