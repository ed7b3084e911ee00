"""Mann-Whitney U and Wilcoxon signed-rank against R's ``wilcox.test`` documentation examples."""

from __future__ import annotations

import numpy as np
import pytest

from pdcakit import stats

# R ?wilcox.test, two-sample example (Hollander & Wolfe 1973, p. 69): permeability
# constants of the human chorioamnion at term (x) and at 12-26 weeks (y).
AT_TERM = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
EARLY = [1.15, 0.88, 0.90, 0.74, 1.21]

# R ?wilcox.test, paired example (Hollander & Wolfe 1973, p. 29): Hamilton depression
# scale at the first (x) and second (y) visit after a tranquilizer.
FIRST_VISIT = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
SECOND_VISIT = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]


class TestMannWhitney:
    def test_exact_one_sided_as_r(self):
        # R: wilcox.test(x, y, alternative = "g") -> W = 35, p-value = 0.1272
        r = stats.mann_whitney(EARLY, AT_TERM, alternative="greater")
        assert r.statistic == 35
        assert r.pvalue == pytest.approx(0.1272, abs=5e-5)
        assert r.extra["p_method"] == "exact"

    def test_hodges_lehmann_shift_is_median_of_differences(self):
        r = stats.mann_whitney(EARLY, AT_TERM)
        diffs = np.subtract.outer(AT_TERM, EARLY).ravel()
        assert r.estimate == pytest.approx(np.median(diffs))  # 0.305
        assert r.estimate == pytest.approx(0.305)

    def test_ci_is_order_statistics_of_differences(self):
        # m n = 50: C = round(25 - 1.96 sqrt(50 * 16 / 12)) = 9, so the 95% CI is the
        # 9th smallest and 9th largest difference; R's exact interval (qwilcox(0.025,
        # 10, 5) = 9) gives the same -0.15 to 0.76.
        r = stats.mann_whitney(EARLY, AT_TERM)
        diffs = np.sort(np.subtract.outer(AT_TERM, EARLY).ravel())
        assert r.ci == pytest.approx((diffs[8], diffs[-9]))
        assert r.ci == pytest.approx((-0.15, 0.76))

    def test_effect_size_and_superiority(self):
        r = stats.mann_whitney(EARLY, AT_TERM)
        assert r.extra["probability_of_superiority"] == pytest.approx(35 / 50)
        assert r.effect_size == pytest.approx(2 * 35 / 50 - 1)

    def test_ties_use_normal_approximation(self):
        r = stats.mann_whitney([1, 2, 2, 3, 3, 3], [2, 3, 3, 4, 4, 5])
        assert r.extra["p_method"].startswith("normal approximation")

    def test_large_groups_without_building_all_pairs(self):
        rng = np.random.default_rng(7)
        before, after = rng.lognormal(3, 1, 3000), rng.lognormal(2.9, 1, 2500)
        r = stats.mann_whitney(before, after)
        assert r.estimate == pytest.approx(np.median(np.subtract.outer(after, before)))

    def test_no_variation_is_a_clear_error(self):
        with pytest.raises(ValueError, match="no variation"):
            stats.mann_whitney([2.0, 2.0], [2.0, 2.0])


class TestWilcoxonSignedRank:
    def test_exact_one_sided_as_r(self):
        # R: wilcox.test(x, y, paired = TRUE, alternative = "greater") -> V = 40,
        # p-value = 0.01953. Our differences are after - before, so before = y, after = x.
        r = stats.wilcoxon_signed_rank(SECOND_VISIT, FIRST_VISIT, alternative="greater")
        assert r.statistic == 40
        assert r.pvalue == pytest.approx(0.01953, abs=5e-6)

    def test_pseudo_median_is_median_of_walsh_averages(self):
        r = stats.wilcoxon_signed_rank(SECOND_VISIT, FIRST_VISIT)
        d = np.subtract(FIRST_VISIT, SECOND_VISIT)
        walsh = [(d[i] + d[j]) / 2 for i in range(d.size) for j in range(i, d.size)]
        assert r.estimate == pytest.approx(np.median(walsh))
        assert r.ci[0] <= r.estimate <= r.ci[1]

    def test_sleep_data_with_ties_and_a_zero(self):
        # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE) -> V = 0 (group 1 -
        # group 2), p-value = 0.009091 (normal approximation, ties and a zero dropped).
        before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        r = stats.wilcoxon_signed_rank(before, after)
        assert r.pvalue == pytest.approx(0.009091, abs=5e-7)
        assert r.extra["n_zero_changes"] == 1

    def test_unequal_lengths(self):
        with pytest.raises(ValueError, match="equal lengths"):
            stats.wilcoxon_signed_rank([1.0, 2.0], [1.0])


class TestRConfidenceIntervals:
    """CIs as R 4.2.2 ``wilcox.test(after, before, conf.int = TRUE)`` gives them: exact
    when the p-value is exact, else the continuity-corrected normal crossings."""

    AFTER = (12.1, 8.4, 15.2, 9.9, 11.7, 14.3, 10.8, 13.5, 16.0, 9.1, 12.9, 15.7)
    BEFORE = (7.2, 10.3, 6.8, 9.5, 8.1, 11.2, 5.9, 10.9, 7.7, 12.4)

    def test_exact_ci_beside_exact_p(self):
        # R: wilcox.test(a, b, conf.int = TRUE) -> W = 101, p-value = 0.005645,
        # 95 percent CI 1.2 5.8, difference in location 3.5
        r = stats.mann_whitney(self.BEFORE, self.AFTER)
        assert r.statistic == 101 and r.extra["p_method"] == "exact"
        assert r.pvalue == pytest.approx(0.00564451, abs=5e-9)
        assert r.ci == pytest.approx((1.2, 5.8))
        assert r.estimate == pytest.approx(3.5)

    def test_normal_ci_with_ties_as_r(self):
        # R: wilcox.test(a3, b3, conf.int = TRUE) (ties) -> W = 90, p-value = 0.0148,
        # 95 percent CI 0.2999773 2.899951 (uniroot, tol 1e-4); estimate 1.55442 (R's
        # root of the statistic; the median of the differences is 1.55)
        after = [1.2, 3.4, 2.2, 5.1, 2.2, 4.4, 6.0, 3.3, 2.9, 4.8]
        before = [0.9, 2.2, 1.5, 3.0, 1.1, 2.8, 0.4, 2.2, 1.9, 3.1, 2.5]
        r = stats.mann_whitney(before, after)
        assert r.pvalue == pytest.approx(0.01479563, abs=5e-9)
        assert r.ci == pytest.approx((0.2999773, 2.899951), abs=1e-4)
        assert r.estimate == pytest.approx(1.55)

    def test_ordinal_scores_ci_as_r(self):
        # R: wilcox.test(a2, b2, conf.int = TRUE, exact = FALSE) -> p-value = 0.007734,
        # 95 percent CI 2.365774e-05 2.000047 (i.e. 0 to 2 within uniroot's tolerance)
        after = [3, 4, 4, 5, 5, 5, 2, 4, 5, 3, 4, 4, 5, 3]
        before = [2, 3, 3, 4, 3, 2, 4, 3, 1, 3, 4, 2]
        r = stats.mann_whitney(before, after)
        assert r.pvalue == pytest.approx(0.007734401, abs=5e-10)
        assert r.ci == pytest.approx((0.0, 2.0), abs=1e-4)

    def test_exact_null_distribution_counts(self):
        from pdcakit.stats.nonparametric import rank_sum_counts, signed_rank_counts

        # R: dwilcox(0:6, 3, 2) * choose(5, 2) -> 1 1 2 2 2 1 1; dsignrank(0:10, 4) * 16
        # -> 1 1 1 2 2 2 2 2 1 1 1
        assert rank_sum_counts(3, 2) == [1, 1, 2, 2, 2, 1, 1]
        assert signed_rank_counts(4) == [1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1]

    def test_signed_rank_exact_ci_as_r(self):
        # R: wilcox.test(x, y, paired = TRUE, conf.int = TRUE) -> V = 40, p-value =
        # 0.03906, 95 percent CI 0.010 0.786, (pseudo)median 0.46
        r = stats.wilcoxon_signed_rank(SECOND_VISIT, FIRST_VISIT)
        assert r.pvalue == pytest.approx(0.0390625)
        assert r.ci == pytest.approx((0.010, 0.786))
        assert r.estimate == pytest.approx(0.46)

    def test_signed_rank_zeros_follow_r(self):
        # R: wilcox.test(after, before, paired = TRUE, conf.int = TRUE) on the sleep data
        # (one zero, ties) -> V = 45, p-value = 0.009091, 95 percent CI 1.050018 2.949921
        # (zeros dropped before everything; normal approximation because of the zero)
        before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        r = stats.wilcoxon_signed_rank(before, after)
        assert r.statistic == 45
        assert r.ci == pytest.approx((1.050018, 2.949921), abs=1e-4)
        assert r.extra["p_method"].startswith("normal approximation")

    def test_a_zero_makes_the_p_value_approximate_as_r(self):
        # R: wilcox.test(c(1.5, 2.5, -0.5, 3.5, 0, 4.5)) -> "cannot compute exact p-value
        # with zeroes": V = 14, p-value = 0.1056 (normal, continuity corrected)
        r = stats.wilcoxon_signed_rank([0] * 6, [1.5, 2.5, -0.5, 3.5, 0, 4.5])
        assert r.extra["p_method"].startswith("normal approximation")
        assert r.pvalue == pytest.approx(0.1056, abs=5e-5)
