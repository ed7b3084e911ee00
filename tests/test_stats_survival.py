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
