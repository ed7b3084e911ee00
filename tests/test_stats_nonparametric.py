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
