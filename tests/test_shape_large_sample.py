"""The shape check's median and 90th-percentile CIs above LARGE_SAMPLE (issue 29).

Above ``LARGE_SAMPLE`` tickets in a group the shape check's quantile CIs are the
large-sample ones (Brookmeyer-Crowley per quantile, Price & Bonett for the difference)
instead of 2,000 bootstrap resamples of every ticket. Checked here against the
bootstrap on the same data (the threshold lowered so both run on 8,000 tickets a
group), and checked that below the threshold nothing changes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pdcakit.stats import shape, survival

RNG = np.random.default_rng(2029)


def _groups(n: int, open_share: float = 0.1):
    """Lognormal durations in minutes (a ticket's time to resolve), ``open_share`` censored."""
    tb, ta = RNG.lognormal(6.0, 1.1, n), RNG.lognormal(5.85, 1.25, n)
    ob, oa = RNG.random(n) >= open_share, RNG.random(n) >= open_share
    return tb, ob, ta, oa


@pytest.mark.parametrize("open_share", [0.1, 0.4])
def test_large_sample_quantile_cis_match_the_bootstrap(monkeypatch, open_share):
    tb, ob, ta, oa = _groups(8000, open_share)
    boot = shape.duration_shape(tb, ob, ta, oa)
    monkeypatch.setattr(shape, "LARGE_SAMPLE", 1000)
    monkeypatch.setattr(survival, "LARGE_SAMPLE", 1000)
    large = shape.duration_shape(tb, ob, ta, oa)
    assert boot.quantile_ci_method == "percentile bootstrap"
    assert large.quantile_ci_method == "Brookmeyer-Crowley (large sample)"
    for name in ("median_ci", "p90_ci"):
        b, la = getattr(boot, name), getattr(large, name)
        width = b[1] - b[0]
        assert width > 0
        # same centre and width within 15% of the bootstrap's width (statistical, not exact)
        np.testing.assert_allclose(la, b, atol=0.15 * width, err_msg=name)
    # everything else is the same computation
    for name in ("ph_statistic", "rmst_difference", "median_difference", "p90_difference"):
        assert getattr(large, name) == getattr(boot, name)


def test_large_sample_quantile_intervals_are_survfits_log_log_intervals():
    """Each quantile's interval is R survfit's on the log-log scale.

    R 4.2.2, survival 3.5-3 (Rscript, Debian r-cran-survival)::

        t <- (1:40) * 1.5; d <- as.integer((0:39) %% 4 != 3)
        quantile(survfit(Surv(t, d) ~ 1, conf.type = "log-log"), c(0.5, 0.9))
        # quantile 37.5 57.0; lower 25.5 52.5; upper 46.5 NA
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    t = np.arange(1.0, 41.0) * 1.5
    d = np.arange(40) % 4 != 3
    fit = SurvfuncRight(t, d)
    rows = survival._sorted_rows(t, d)
    quantiles = [float(survival._weighted_medians(rows, np.ones((1, 40)), level)[0])
                 for level in (0.5, 0.1)]
    assert quantiles == [37.5, 57.0]
    assert fit.quantile_ci(0.5, alpha=0.05) == (25.5, 46.5)
    low, high = fit.quantile_ci(0.9, alpha=0.05)
    assert low == 52.5 and math.isinf(high)   # R: NA, not reached
    # an end not reached makes the difference's large-sample interval undefined
    assert all(math.isnan(v) for v in survival._large_sample_ci(rows, rows, 0.95, False, 0.1))


def test_the_shape_interval_can_be_undefined_without_a_reached_quantile(monkeypatch):
    """Over half open in a group: the 90th percentile is never reached, its CI is NaN,
    never a guess."""
    tb, ob, ta, oa = _groups(3000, open_share=0.6)
    monkeypatch.setattr(shape, "LARGE_SAMPLE", 1000)
    monkeypatch.setattr(survival, "LARGE_SAMPLE", 1000)
    r = shape.duration_shape(tb, ob, ta, oa)
    assert all(math.isnan(v) for v in r.p90_ci)


def test_below_the_threshold_the_bootstrap_is_used():
    tb, ob, ta, oa = _groups(500)
    r = shape.duration_shape(tb, ob, ta, oa, n_resamples=300)
    rows_b, rows_a = survival._sorted_rows(tb, ob), survival._sorted_rows(ta, oa)
    expected = shape._bootstrap_quantile_ci(rows_b, rows_a, 0.5, 0.95, 300,
                                            shape.DEFAULT_SEED)
    assert r.median_ci == expected
    assert r.quantile_ci_method == "percentile bootstrap"
