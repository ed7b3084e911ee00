"""Period-aware comparisons (pdcakit.stats.periods) against R 4.2.2 (stats, survival 3.5.3).

Every R value below was computed with the call quoted beside it; the period tests are
compared with ``autocorrelation=False`` (the plain quasi-likelihood / CR2 tests R
fits), and the AR(1) widening is tested on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.stats import periods

X_BEFORE, X_AFTER, N = [60, 72, 55, 70], [75, 80, 66, 79], [100] * 4

# Handle times (minutes) of 4 tickets a week; ISO week labels, week 4 missing (no cases).
HANDLE = [10, 12, 11, 13, 9, 14, 12, 11, 15, 13, 14, 16, 8, 9, 7, 10, 9, 8, 11, 10, 7, 6, 8, 9]
WEEKS = [w for w in ["2024-W01", "2024-W02", "2024-W03", "2024-W05", "2024-W06", "2024-W07"]
         for _ in range(4)]


class TestProportions:
    def test_quasi_binomial_as_r(self):
        # R: x <- c(60,72,55,70,75,80,66,79); side <- rep(0:1, each = 4)
        #    f <- glm(cbind(x, 100 - x) ~ side, family = quasibinomial)
        #    summary(f)$dispersion -> 2.51207; delta-method se of p_a - p_b:
        #    sqrt(phi * (pb * (1 - pb) / 400 + pa * (1 - pa) / 400)) = 0.05118642,
        #    2 * pt(-0.1075 / se, 6) -> 0.08045918, CI -0.01774866 to 0.23274866
        r = periods.proportion_periods(X_BEFORE, N, X_AFTER, N, autocorrelation=False)
        assert r.dispersion.ratio == pytest.approx(2.51207, abs=5e-6)
        assert r.estimate == pytest.approx(0.1075)
        assert r.pvalue == pytest.approx(0.08045918, abs=5e-9)
        assert r.ci == pytest.approx((-0.01774866, 0.23274866), abs=5e-8)
        assert r.df == 6 and r.n_periods_before == 4 and r.n_before == 400
        assert r.dispersion.varies  # chi-square 15.07 on 6 df, p = 0.02

    def test_from_ticket_values_with_week_labels(self):
        rng = np.random.default_rng(4)
        weeks = pd.period_range("2024-01-01", periods=8, freq="W")
        before = np.concatenate([rng.random(100) < x / 100 for x in X_BEFORE]).astype(float)
        after = np.concatenate([rng.random(100) < x / 100 for x in X_AFTER]).astype(float)
        r = periods.proportion_periods_from_values(
            before, np.repeat(weeks[:4], 100), after, np.repeat(weeks[4:], 100))
        counts = [int(before[i * 100:(i + 1) * 100].sum()) for i in range(4)]
        direct = periods.proportion_periods(
            counts, N, [int(after[i * 100:(i + 1) * 100].sum()) for i in range(4)], N)
        assert r.pvalue == pytest.approx(direct.pvalue)

    def test_periods_out_of_order_is_a_clear_error(self):
        with pytest.raises(ValueError, match="before periods must precede"):
            periods.proportion_periods_from_values([1, 0, 1, 0], ["w3", "w3", "w4", "w4"],
                                                   [1, 1, 0, 1], ["w1", "w1", "w2", "w2"])

    def test_one_period_is_not_enough(self):
        with pytest.raises(ValueError, match="need >= 2 on each side"):
            periods.proportion_periods([5], [10], [6, 7], [10, 10])


def test_quasi_poisson_dispersion_as_r():
    # R: cnt <- c(3,5,2,6,1,2,0,2); glm(cnt ~ side + offset(log(rep(100, 8))),
    #    family = quasipoisson) -> dispersion 0.7833333; a zero-count week is fine.
    r = periods.rate_periods([3, 5, 2, 6], [100] * 4, [1, 2, 0, 2], [100] * 4, per=100,
                             autocorrelation=False)
    assert r.dispersion.ratio == pytest.approx(0.7833333, abs=5e-7)
    assert not r.dispersion.varies
    assert r.estimate == pytest.approx(-2.75)
    assert r.ci[0] < r.estimate < r.ci[1] < 0 or r.ci[1] > 0  # never collapsed
    assert r.ci[1] - r.ci[0] > 0


class TestMeans:
    def test_equal_sizes_is_welch_on_period_means(self):
        # R: t.test(c(9, 9.5, 8), c(10, 12, 11)) -> t = -2.982405, df = 3.740933,
        #    p-value = 0.04423613, 95% CI -4.240008 to -0.093325
        r = periods.mean_periods([50] * 3, [10.0, 12.0, 11.0], [3.0] * 3, [50] * 3,
                                 [9.0, 9.5, 8.0], [3.0] * 3, autocorrelation=False)
        assert r.statistic == pytest.approx(-2.982405, abs=5e-7)
        assert r.df == pytest.approx(3.740933, abs=5e-7)
        assert r.pvalue == pytest.approx(0.04423613, abs=5e-9)
        assert r.ci == pytest.approx((-4.240008, -0.093325), abs=5e-7)

    def test_anova_and_icc_from_tickets_as_r(self):
        # R: anova(lm(y ~ factor(side) + week)) -> week: Df 4, F 3.7895, Pr(>F) 0.02094;
        #    ICC (MSB - MSW) / (MSB + (4 - 1) MSW) = (8 - 2.1111) / (8 + 3 * 2.1111) = 0.4108527
        #    t.test(week means after, week means before) -> t = -3.464102, df = 3.2,
        #    p = 0.03664145
        r = periods.mean_periods_from_values(HANDLE[:12], WEEKS[:12], HANDLE[12:], WEEKS[12:],
                                             autocorrelation=False, unit="minutes")
        assert r.dispersion.ratio == pytest.approx(3.789474, abs=5e-7)
        assert r.dispersion.pvalue == pytest.approx(0.02094, abs=5e-6)
        assert (r.dispersion.df, r.dispersion.df_denominator) == (4, 18)
        assert r.dispersion.icc == pytest.approx(0.4108527, abs=5e-8)
        assert r.statistic == pytest.approx(-3.464102, abs=5e-7)
        assert r.df == pytest.approx(3.2)
        assert r.pvalue == pytest.approx(0.03664145, abs=5e-9)
        assert r.estimate == pytest.approx(8.5 - 12.5)
        assert "cluster-robust" in r.sentence and "minutes" in r.sentence

    def test_volume_collapse_keeps_the_ticket_estimand(self):
        # Last weeks with few tickets: the estimate is still the difference of ticket means.
        rng = np.random.default_rng(8)
        sizes_b, sizes_a = [200] * 6, [200, 180, 150, 40, 12, 5]
        before = [rng.normal(10, 3, k) for k in sizes_b]
        after = [rng.normal(9, 3, k) for k in sizes_a]
        r = periods.mean_periods(sizes_b, [v.mean() for v in before], [v.std(ddof=1)
                                 for v in before], sizes_a, [v.mean() for v in after],
                                 [v.std(ddof=1) for v in after])
        assert r.estimate == pytest.approx(np.concatenate(after).mean()
                                           - np.concatenate(before).mean())


class TestDurations:
    # Minutes to resolve, 5 tickets a week, open tickets (0) censored.
    TB = (5, 8, 12, 20, 31, 6, 9, 15, 30, 44, 7, 11, 13, 25, 50)
    DB = (1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1)
    TA = (4, 6, 9, 15, 22, 5, 7, 10, 20, 35, 3, 8, 9, 18, 28)
    DA = (1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0)

    def test_rmst_per_period_and_logrank_dispersion_as_r(self):
        # R: survdiff(Surv(tb, db) ~ week) on each side -> Chisq 0.6324148 and 0.8910517
        #    (summed: 1.523467 on 4 df); summary(survfit(...), rmean = 22)$table["rmean"]
        #    per week: before 13.4, 14.8, 16.8; after 11.2, 15, 12
        r = periods.duration_periods(self.TB, np.array(self.DB, bool), np.repeat([1, 2, 3], 5),
                                     self.TA, np.array(self.DA, bool), np.repeat([4, 5, 6], 5),
                                     horizon=22, autocorrelation=False, n_resamples=200)
        assert r.dispersion.statistic == pytest.approx(0.6324148 + 0.8910517, abs=1e-6)
        assert r.dispersion.df == 4
        assert r.extra["rmst_before"] == pytest.approx((13.4 + 14.8 + 16.8) / 3)
        assert r.extra["rmst_after"] == pytest.approx((11.2 + 15 + 12) / 3)
        assert r.estimate == pytest.approx(12.733333 - 15, abs=1e-6)
        # Welch on the period RMSTs (equal sizes): R t.test(c(11.2, 15, 12), c(13.4, 14.8,
        # 16.8)) -> p-value = 0.2119444
        assert r.pvalue == pytest.approx(0.2119444, abs=5e-8)
        assert r.extra["median_difference"] == pytest.approx(9.0 - 15.0)
        low, high = r.extra["median_difference_ci_low"], r.extra["median_difference_ci_high"]
        assert low <= -6 <= high

    def test_a_period_with_nothing_finished_is_a_clear_error(self):
        with pytest.raises(ValueError, match="no finished ticket"):
            periods.duration_periods([1, 2, 3, 4], [True, True, False, False], [1, 1, 2, 2],
                                     [1, 2, 3, 4], [True] * 4, [3, 3, 4, 4])


class TestAutocorrelation:
    def test_bias_corrected_estimate_recovers_ar1(self):
        # 26 periods of AR(1) noise with rho 0.5: the plain lag-1 estimate is biased down
        # (about -0.1 here); the method-of-moments one is close to 0.5 on average.
        rng = np.random.default_rng(2)
        after = np.r_[np.zeros(13, bool), np.ones(13, bool)]
        plain, corrected = [], []
        for _ in range(400):
            e = np.empty(26)
            e[0] = rng.normal()
            for i in range(1, 26):
                e[i] = 0.5 * e[i - 1] + rng.normal(0, np.sqrt(0.75))
            for side in (False, True):
                e[after == side] -= e[after == side].mean()
            plain.append(e[:-1] @ e[1:] / (e @ e))
            corrected.append(periods.lag1_autocorrelation(e, after))
        assert np.mean(plain) < 0.4
        assert np.mean(corrected) == pytest.approx(0.5, abs=0.06)

    def test_correlated_weeks_widen_the_interval(self):
        x_b, x_a = [50, 58, 66, 74, 70, 62], [60, 68, 76, 82, 72, 64]
        plain = periods.proportion_periods(x_b, [100] * 6, x_a, [100] * 6,
                                           autocorrelation=False)
        widened = periods.proportion_periods(x_b, [100] * 6, x_a, [100] * 6)
        assert widened.autocorrelation > 0
        assert widened.ci[1] - widened.ci[0] > plain.ci[1] - plain.ci[0]
        assert widened.pvalue > plain.pvalue
        assert "autocorrelation" in widened.method


def test_chooser_and_sentences():
    r = periods.proportion_periods(X_BEFORE, N, X_AFTER, N)
    choice = periods.choose_period_level(None, r)
    assert choice.period_level and choice.chosen is r
    assert choice.sentence.startswith("The periods vary more than chance would")
    quiet = periods.rate_periods([3, 5, 2, 6], [100] * 4, [1, 2, 0, 2], [100] * 4)
    assert "vary no more than chance" in quiet.dispersion.sentence
    assert r.as_dict()["dispersion"]["varies"] is True
