"""Log-rank test and Kaplan-Meier medians against R's survival package (aml data)."""

from __future__ import annotations

import numpy as np
import pytest

from pdcakit import stats

# R survival::aml (Miller 1981): weeks to relapse of acute myelogenous leukaemia,
# status 0 = censored. R: survdiff(Surv(time, status) ~ x, data = aml) ->
# Chisq = 3.4 on 1 degrees of freedom, p = 0.07 (3.396, 0.0653);
# survfit medians: Maintained 31, Nonmaintained 23.
MAINTAINED = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]
MAINTAINED_DONE = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
NONMAINTAINED = [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
NONMAINTAINED_DONE = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]


@pytest.fixture(scope="module")
def aml():
    return stats.logrank(NONMAINTAINED, NONMAINTAINED_DONE, MAINTAINED, MAINTAINED_DONE,
                         unit="weeks")


def test_logrank_as_r_survdiff(aml):
    assert aml.statistic == pytest.approx(3.396, abs=5e-4)
    assert aml.pvalue == pytest.approx(0.0653, abs=5e-5)
    assert aml.df == 1


def test_kaplan_meier_medians_as_r_survfit(aml):
    assert aml.extra["median_before"] == 23
    assert aml.extra["median_after"] == 31
    assert aml.estimate == 8
    assert aml.extra["effect_sign"] == 1  # maintained patients relapse later


def test_open_items_are_counted(aml):
    assert aml.extra["open_before"] == 1 and aml.extra["open_after"] == 4
    assert aml.n_before == 12 and aml.n_after == 11


def test_bootstrap_ci_covers_true_shift_and_is_seeded():
    rng = np.random.default_rng(11)
    before, after = rng.exponential(100, 800), rng.exponential(80, 800)
    done_b, done_a = rng.random(800) > 0.05, rng.random(800) > 0.05
    r1 = stats.logrank(before, done_b, after, done_a)
    r2 = stats.logrank(before, done_b, after, done_a)
    assert r1.ci == r2.ci
    true_shift = (80 - 100) * np.log(2)
    assert r1.ci[0] < true_shift < r1.ci[1]
    assert r1.extra["effect_sign"] == -1


def test_all_open_is_a_clear_error():
    with pytest.raises(ValueError, match="no finished item in the before group"):
        stats.logrank([1.0, 2.0], [False, False], [1.0, 2.0], [True, True])


def test_km_median_matches_durations_module():
    from pdcakit.metrics.durations import kaplan_meier

    rng = np.random.default_rng(3)
    t, done = rng.exponential(300, 500), rng.random(500) > 0.1
    curve = kaplan_meier(t, done)
    assert stats.km_median(t, done) == pytest.approx(
        curve.first_time_at_or_below(curve.survival, 0.5))


class TestSurvfitMedianRule:
    # R: quantile(survfit(Surv(t, status) ~ 1), c(0.5, 0.9))$quantile
    @pytest.mark.parametrize(("times", "done", "median", "p90"), [
        ([1, 2, 3, 4], [1, 1, 1, 1], 2.5, 4.0),           # R: 2.5 4
        ([1, 2, 3, 4], [1, 1, 0, 0], 3.0, np.nan),         # flat to the end: (2 + 4) / 2
        ([5, 8, 12, 20], [1, 1, 0, 1], 14.0, 20.0),        # R: 14 20 (censored 12 skipped)
        ([1, 2, 3, 4, 5, 6], [1, 1, 1, 0, 1, 1], 4.0, 6.0),
        (list(range(1, 11)), [1] * 10, 5.5, 9.5),          # complete even n: the median
        ([1, 2, 2, 3, 5, 7, 8, 9, 10, 11], [1] * 10, 6.0, 10.5),
    ])
    def test_quantiles_as_r(self, times, done, median, p90):
        from pdcakit.stats.survival import km_median_weighted

        flags = np.array(done, bool)
        assert stats.km_median(times, flags) == median
        got = km_median_weighted(np.array(times, float), flags, np.ones((1, len(times))), 0.1)
        np.testing.assert_equal(got, [p90])

    def test_bootstrap_kernel_uses_the_same_rule(self):
        from pdcakit.stats._resample import _km_numpy, bootstrap_km_quantiles

        t = np.sort(np.random.default_rng(1).integers(1, 30, 40).astype(float))
        done = np.random.default_rng(2).random(40) > 0.2
        starts = np.append(np.flatnonzero(np.r_[True, np.diff(t) > 0]), t.size)
        compiled = bootstrap_km_quantiles(t, done, n_resamples=300, seed=5)
        np.testing.assert_allclose(compiled, _km_numpy(t, done, starts, 300, 5, 0.5))
        assert (compiled != np.floor(compiled)).any()  # some resamples sit on a flat 0.5


class TestShape:
    def test_proportional_hazards_test_as_r_cox_zph(self):
        from pdcakit.stats.shape import proportional_hazards_test

        # R: cox.zph(coxph(Surv(time, status) ~ I(x == "Maintained"), data = aml))
        # -> chisq 0.007875078, p 0.9292872; coef -0.9155326 (Efron ties)
        chi2, p, beta = proportional_hazards_test(
            NONMAINTAINED, np.array(NONMAINTAINED_DONE, bool), MAINTAINED,
            np.array(MAINTAINED_DONE, bool))
        assert chi2 == pytest.approx(0.007875078, abs=5e-9)
        assert p == pytest.approx(0.9292872, abs=5e-7)
        assert beta == pytest.approx(-0.9155326, abs=5e-7)

    def test_rmst_as_r_survfit(self):
        from pdcakit.stats.shape import rmst, rmst_difference

        # R: print(survfit(Surv(time, status) ~ x, data = aml), rmean = 45) ->
        # Maintained rmean 30.73864 se 4.114086; Nonmaintained 22.70833 se 4.180942
        assert rmst(MAINTAINED, np.array(MAINTAINED_DONE, bool), 45) == pytest.approx(
            (30.73864, 4.114086), abs=5e-6)
        r = rmst_difference(NONMAINTAINED, np.array(NONMAINTAINED_DONE, bool), MAINTAINED,
                            np.array(MAINTAINED_DONE, bool))
        assert r.horizon == 45  # the shorter last follow-up (45 versus 161)
        assert r.difference == pytest.approx(30.73864 - 22.70833, abs=1e-5)

    def test_crossing_curves_say_the_shape_changed(self):
        from pdcakit.stats.shape import duration_shape

        # Typical ticket faster after, a quarter of them much slower: the curves cross.
        # R (set.seed(7) data, quoted): survdiff Chisq = 0.9, p = 0.3 (log-rank sees
        # little); cox.zph chisq 76.95874, p 1.7e-18; medians 107 -> 82.5;
        # rmean (upper limit 296) 114.60833 -> 126.15833
        rng = np.random.default_rng(7)
        before = np.round(rng.lognormal(np.log(100), 0.4, 120))
        after = np.round(np.r_[rng.lognormal(np.log(60), 0.5, 90),
                               rng.lognormal(np.log(400), 0.3, 30)])
        r = duration_shape(before, before <= 250, after, np.ones(120, bool), n_resamples=500)
        assert not r.proportional_hazards
        assert r.median_difference < 0 < r.p90_difference
        assert r.sentence.startswith("The distribution changed shape")
        assert "90th percentile" in r.sentence and "mean time up to" in r.sentence
        assert "slow tickets" not in r.sentence  # the tail moved against the median

    def test_crossing_example_matches_r_exactly(self):
        from pdcakit.stats.shape import proportional_hazards_test, rmst_difference

        chi2, _, _ = proportional_hazards_test(CROSS_BEFORE, CROSS_BEFORE <= 250, CROSS_AFTER,
                                               np.ones(120, bool))
        assert chi2 == pytest.approx(76.958736, abs=5e-6)
        r = rmst_difference(CROSS_BEFORE, CROSS_BEFORE <= 250, CROSS_AFTER, np.ones(120, bool))
        assert (r.horizon, r.before, r.after) == pytest.approx((296, 114.60833, 126.15833),
                                                               abs=5e-6)
        assert stats.km_median(CROSS_AFTER, np.ones(120, bool)) == 82.5


# R: set.seed(7); b <- round(rlnorm(120, log(100), 0.4));
# a <- c(round(rlnorm(90, log(60), 0.5)), round(rlnorm(30, log(400), 0.3))); b > 250 censored
CROSS_BEFORE = np.array([
    250, 62, 76, 85, 68, 68, 135, 95, 106, 240, 115, 296, 249, 114, 213, 121, 70, 88, 100, 148,
    140, 133, 169, 57, 166, 108, 135, 127, 67, 90, 71, 133, 105, 97, 85, 80, 149, 64, 94, 113,
    163, 76, 89, 59, 86, 85, 172, 127, 104, 145, 90, 100, 116, 198, 134, 121, 53, 114, 107, 70,
    103, 107, 124, 133, 114, 156, 136, 159, 166, 132, 119, 69, 78, 71, 52, 59, 70, 80, 98, 264,
    115, 100, 101, 85, 73, 88, 87, 89, 49, 126, 192, 77, 128, 110, 140, 79, 156, 54, 84, 94,
    123, 126, 97, 63, 113, 53, 149, 151, 140, 105, 84, 120, 129, 128, 70, 185, 61, 155, 148,
    113], float)
CROSS_AFTER = np.array([
    28, 132, 85, 55, 86, 129, 77, 61, 29, 100, 45, 90, 93, 72, 106, 41, 75, 95, 69, 99, 29, 39,
    65, 67, 76, 58, 38, 77, 71, 35, 50, 104, 38, 54, 84, 40, 27, 108, 111, 60, 71, 63, 60, 87,
    101, 51, 71, 85, 70, 23, 19, 76, 108, 31, 82, 68, 86, 116, 65, 44, 180, 192, 106, 55, 76,
    46, 102, 74, 24, 42, 23, 110, 52, 35, 57, 72, 39, 58, 45, 83, 165, 92, 59, 81, 110, 33, 44,
    73, 30, 111, 402, 246, 328, 337, 305, 626, 384, 413, 293, 350, 377, 273, 532, 461, 338,
    581, 398, 315, 355, 226, 535, 343, 402, 370, 632, 257, 398, 403, 400, 351], float)
