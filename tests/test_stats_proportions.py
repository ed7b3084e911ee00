"""Two-proportion test (pdcakit.stats.two_proportions) against published R prop.test output.

R reports prop 1 - prop 2 with x = c(x1, x2); here the first group is "before" and
the estimate is after - before, so the R groups are passed in reverse order.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps

from pdcakit import stats


class TestTwoProportions:
    def test_with_continuity_correction(self):
        # R: prop.test(x = c(490, 400), n = c(500, 500))   (Emory math center tech tips)
        # X-squared = 80.909, df = 1, p-value < 2.2e-16
        # 95 percent confidence interval: 0.1408536 0.2191464; prop 1 0.98, prop 2 0.80
        r = stats.two_proportions(400, 500, 490, 500, correction=True)
        assert r.statistic == pytest.approx(80.909, abs=5e-4)
        assert r.df == 1 and r.pvalue < 2.2e-16
        assert r.ci == pytest.approx((0.1408536, 0.2191464), abs=5e-8)
        assert r.estimate == pytest.approx(0.18)
        assert r.effect_size == pytest.approx(0.98 / 0.80)

    def test_without_correction(self):
        # R: prop.test(x = c(179, 203), n = c(300, 400), correct = FALSE)  (Gustavus Adolphus)
        # X-squared = 5.4979, df = 1, p-value = 0.01904
        # 95 percent confidence interval: 0.01512659 0.16320674
        r = stats.two_proportions(203, 400, 179, 300)
        assert r.statistic == pytest.approx(5.4979, abs=5e-5)
        assert r.pvalue == pytest.approx(0.01904, abs=5e-6)
        assert r.ci == pytest.approx((0.01512659, 0.16320674), abs=5e-9)
        assert r.significant

    def test_not_significant_and_negative_difference(self):
        # R: prop.test(c(40, 200), c(200, 800), cor = F)   (stats.stackexchange, BruceET)
        # X-squared = 2.193, df = 1, p-value = 0.1386
        # 95 percent confidence interval: -0.11303578 0.01303578 (prop 1 - prop 2)
        r = stats.two_proportions(200, 800, 40, 200)
        assert r.statistic == pytest.approx(2.193, abs=5e-4)
        assert r.pvalue == pytest.approx(0.1386, abs=5e-5)
        assert r.ci == pytest.approx((-0.11303578, 0.01303578), abs=5e-9)
        assert "not statistically significant" in r.sentence

    def test_newcombe_interval_for_the_difference(self):
        # Newcombe RG (1998) Interval estimation for the difference between independent
        # proportions: comparison of eleven methods. Stat Med 17:873-890, Table II,
        # example (a) 56/70 - 48/80, method 10 (hybrid score): +0.0524 to +0.3339.
        r = stats.two_proportions(48, 80, 56, 70)
        assert r.estimate == pytest.approx(0.2)
        assert r.extra["difference_ci_newcombe_low"] == pytest.approx(0.0524, abs=5e-5)
        assert r.extra["difference_ci_newcombe_high"] == pytest.approx(0.3339, abs=5e-5)
        # Katz log interval for the risk ratio: exp(log(RR) +- z sqrt(1/x2 - 1/n2 + 1/x1 - 1/n1))
        half = 1.959964 * (1 / 56 - 1 / 70 + 1 / 48 - 1 / 80) ** 0.5
        assert r.extra["risk_ratio_ci_low"] == pytest.approx((0.8 / 0.6) / 2.718281828 ** half)
        assert r.extra["risk_ratio_ci_high"] == pytest.approx((0.8 / 0.6) * 2.718281828 ** half)

    def test_small_counts_say_use_fisher(self):
        r = stats.two_proportions(1, 8, 5, 9)
        assert any("Fisher" in a for a in r.assumptions)

    @pytest.mark.parametrize(("x1", "n1", "x2", "n2", "message"), [
        (0, 0, 1, 5, "not enough data: n=0 in the before group"),
        (6, 5, 1, 5, "x=6 must lie between 0 and n=5"),
        (5, 5, 5, 5, "same outcome"),
    ])
    def test_bad_counts(self, x1, n1, x2, n2, message):
        with pytest.raises(ValueError, match=message):
            stats.two_proportions(x1, n1, x2, n2)


class TestFisherExact:
    # R ?fisher.test, "A British woman claimed to be able to distinguish ..." (TeaTasting):
    # TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2)
    # fisher.test(TeaTasting, alternative = "greater")
    # -> p-value = 0.2429; odds ratio 6.408309; 95 percent CI 0.3135693 Inf
    # Here rows are before then after, so R's first row (3, 1) is passed second.
    TABLE = ((1, 3), (3, 1))

    def test_tea_tasting_one_sided(self):
        r = stats.fisher_exact(self.TABLE, alternative="greater")
        assert r.pvalue == pytest.approx(0.2429, abs=5e-5)
        assert r.estimate == pytest.approx(6.408309, abs=5e-5)
        assert r.ci[0] == pytest.approx(0.3135693, abs=1e-4)  # scipy's root finder: 4.5e-6
        assert r.ci[1] == float("inf")

    def test_two_sided_doubles_this_symmetric_case(self):
        # The two-sided p sums both tails' tables no more likely than the observed one.
        r = stats.fisher_exact(self.TABLE)
        assert r.pvalue == pytest.approx(2 * 0.242857, abs=1e-6)
        assert r.df is None and r.effect_size == pytest.approx(0.5)

    def test_not_two_by_two(self):
        with pytest.raises(ValueError, match="2x2 table"):
            stats.fisher_exact([[1, 2, 3], [4, 5, 6]])


class TestGroupedProportions:
    """Quasi-binomial comparison of per-period counts (McCullagh & Nelder 1989, 4.5)."""

    BEFORE_X, AFTER_X, N = [20, 12, 29], [30, 41, 19], [100, 100, 100]

    def test_dispersion_is_pearson_chi_square_over_df(self):
        r = stats.grouped_proportions(self.BEFORE_X, self.N, self.AFTER_X, self.N)
        x = np.array(self.BEFORE_X + self.AFTER_X, float)
        p = np.r_[[sum(self.BEFORE_X) / 300] * 3, [sum(self.AFTER_X) / 300] * 3]
        pearson = (((x - 100 * p) ** 2) / (100 * p * (1 - p))).sum()
        assert r.extra["dispersion"] == pytest.approx(pearson / (6 - 2))
        assert r.df == 4

    def test_t_statistic_is_woolf_log_odds_ratio_over_inflated_se(self):
        # Two groups: the logistic Wald SE of the log odds ratio is Woolf's (1955)
        # sqrt(1/a + 1/b + 1/c + 1/d); quasi-binomial multiplies it by sqrt(phi).
        r = stats.grouped_proportions(self.BEFORE_X, self.N, self.AFTER_X, self.N)
        a, b = sum(self.AFTER_X), 300 - sum(self.AFTER_X)
        c, d = sum(self.BEFORE_X), 300 - sum(self.BEFORE_X)
        log_or = math.log(a * d / (b * c))
        se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d) * math.sqrt(r.extra["dispersion"])
        assert r.statistic == pytest.approx(log_or / se, rel=1e-6)
        assert r.pvalue == pytest.approx(2 * sps.t.sf(abs(log_or / se), 4))
        assert r.pvalue > r.extra["naive_chi_square_pvalue"]

    def test_less_than_binomial_variation_falls_back_to_binomial(self):
        r = stats.grouped_proportions([20, 22, 19], self.N, [30, 31, 29], self.N)
        assert r.extra["estimated_dispersion"] < 1 and r.extra["dispersion"] == 1
        a, b, c, d = 90, 210, 61, 239
        z = math.log(a * d / (b * c)) / math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        assert r.pvalue == pytest.approx(2 * sps.norm.sf(z), rel=1e-5)  # IRLS tolerance
        assert r.df is None

    def test_needs_two_periods_each_side(self):
        with pytest.raises(ValueError, match="at least 2 periods"):
            stats.grouped_proportions([3], [10], [4, 5], [10, 10])
