"""The optimized paths give the same numbers as the straightforward ones.

Speed is measured in benchmarks/ (never asserted here); these tests keep each
shortcut honest: the compiled bootstrap kernels against plain numpy on the same
resamples, our BCa against scipy's on the same replicates, Holm against
statsmodels, the distinct-value Hodges-Lehmann table against all pairwise
differences, the large-sample intervals against the bootstrap they replace, and
the one-pass segment split against a mask per value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from scipy.stats._resampling import _bca_interval
from statsmodels.stats.multitest import multipletests

from pdcakit import stats
from pdcakit.stages.segments import split_segments
from pdcakit.stats import _resample, bootstrap, survival
from pdcakit.stats.nonparametric import _order_ci, _pairwise_differences

RNG = np.random.default_rng(20261125)


def test_means_kernel_equals_numpy_on_the_same_resamples():
    values = RNG.lognormal(2, 1, 537)
    fast = _resample.bootstrap_means(values, n_resamples=97, seed=11)
    reference = _resample.reference_indices(values.size, 97, 11).choose_mean(values)
    np.testing.assert_allclose(fast, reference, rtol=1e-12)


def test_km_kernel_equals_weighted_kaplan_meier_on_the_same_resamples():
    times = np.sort(RNG.exponential(30, 400).round())  # ties on purpose
    observed = RNG.random(400) < 0.8
    order = np.lexsort((observed, times))
    times, observed = times[order], observed[order]
    fast = _resample.bootstrap_km_quantiles(times, observed, n_resamples=80, seed=5)
    counts = _resample.reference_indices(times.size, 80, 5).counts()
    rows = np.column_stack([times, observed])
    reference = survival._weighted_medians(rows, counts)
    np.testing.assert_array_equal(fast, reference)
    p90 = _resample.bootstrap_km_quantiles(times, observed, n_resamples=80, seed=5, level=0.1)
    np.testing.assert_array_equal(p90, survival._weighted_medians(rows, counts, 0.1))


def test_kernels_do_not_depend_on_the_thread_count():
    numba = pytest.importorskip("numba")
    values = RNG.normal(size=3000)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _resample.bootstrap_means(values, n_resamples=64, seed=3)
        numba.set_num_threads(before)
        many = _resample.bootstrap_means(values, n_resamples=64, seed=3)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, many)


@pytest.mark.parametrize("combine", [bootstrap._divide, bootstrap._subtract])
def test_bca_equals_scipy_on_the_same_replicates(combine):
    b, a = RNG.lognormal(3, 0.8, 150), RNG.lognormal(2.8, 0.8, 170)
    replicates = combine(_resample.bootstrap_means(b, n_resamples=999, seed=1),
                         _resample.bootstrap_means(a, n_resamples=999, seed=2))
    theta = combine(b.mean(), a.mean())
    jackknife = [combine((b.sum() - b) / (b.size - 1), a.mean()),
                 combine(b.mean(), (a.sum() - a) / (a.size - 1))]
    ours = bootstrap.bca_interval(theta, replicates, jackknife, 0.95)

    def statistic(x, y, axis=-1):
        return combine(np.mean(x, axis=axis), np.mean(y, axis=axis))

    alpha_1, alpha_2, _ = _bca_interval((b, a), statistic, axis=-1, alpha=0.025,
                                        theta_hat_b=replicates, batch=None, xp=np)
    expected = np.percentile(replicates, [100 * alpha_1, 100 * alpha_2])
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_ratio_of_means_agrees_with_scipy_bootstrap():
    b, a = RNG.lognormal(3, 0.7, 400), RNG.lognormal(2.9, 0.7, 400)
    ours = stats.ratio_of_means(b, a, n_resamples=4000)
    scipy_ci = sps.bootstrap((b, a), lambda x, y, axis=-1: y.mean(axis) / x.mean(axis),
                             n_resamples=4000, rng=np.random.default_rng(1),
                             vectorized=True).confidence_interval
    width = scipy_ci.high - scipy_ci.low
    assert ours.method == "BCa"
    assert abs(ours.ci[0] - scipy_ci.low) < 0.1 * width  # Monte Carlo error only
    assert abs(ours.ci[1] - scipy_ci.high) < 0.1 * width


def test_large_sample_mean_intervals_match_the_bootstrap(monkeypatch):
    b, a = RNG.gamma(2.0, 5.0, 6000), RNG.gamma(2.0, 4.6, 6000)
    boot_ratio = stats.ratio_of_means(b, a)
    boot_diff = stats.mean_difference_ci(b, a)
    monkeypatch.setattr(bootstrap, "LARGE_SAMPLE", 1000)
    normal_ratio = stats.ratio_of_means(b, a)
    normal_diff = stats.mean_difference_ci(b, a)
    assert normal_ratio.method == "normal (delta method)"
    width = boot_ratio.ci[1] - boot_ratio.ci[0]
    np.testing.assert_allclose(normal_ratio.ci, boot_ratio.ci, atol=0.08 * width)
    np.testing.assert_allclose(normal_diff, boot_diff, atol=0.08 * (boot_diff[1] - boot_diff[0]))


def test_large_sample_median_intervals_match_the_bootstrap(monkeypatch):
    tb, ta = RNG.lognormal(4, 1, 8000), RNG.lognormal(3.9, 1, 8000)
    ob, oa = RNG.random(8000) < 0.9, RNG.random(8000) < 0.9
    boot = stats.median_difference_ci(tb, ob, ta, oa)
    boot_ratio = stats.median_ratio(tb, ob, ta, oa)
    monkeypatch.setattr(survival, "LARGE_SAMPLE", 1000)
    large = stats.median_difference_ci(tb, ob, ta, oa)
    large_ratio = stats.median_ratio(tb, ob, ta, oa)
    assert large_ratio.method == "Brookmeyer-Crowley (large sample)"
    np.testing.assert_allclose(large, boot, atol=0.15 * (boot[1] - boot[0]))
    np.testing.assert_allclose(large_ratio.ci, boot_ratio.ci,
                               atol=0.15 * (boot_ratio.ci[1] - boot_ratio.ci[0]))


def test_holm_equals_statsmodels():
    for size in (1, 2, 7, 30):
        p = RNG.random(size) ** 3
        np.testing.assert_allclose(stats.adjust_pvalues(p, "holm"),
                                   multipletests(p, method="holm")[1], rtol=1e-12)


def test_hodges_lehmann_table_equals_all_pairwise_differences():
    before = RNG.integers(1, 6, 700).astype(float)     # CSAT-like 1-5 scores: the table path
    after = RNG.integers(2, 6, 650).astype(float)
    differences = np.sort(np.subtract.outer(after, before).ravel())
    total = differences.size
    assert stats.hodges_lehmann(before, after) == np.median(differences)
    sd = 1000.0
    low, high = _order_ci(_pairwise_differences(after, before), total, sd, 0.95)
    c = max(1, round(total / 2 - sps.norm.isf(0.025) * sd))
    assert (low, high) == (differences[c - 1], differences[total - c])


def test_segment_split_equals_a_mask_per_value():
    frame = pd.DataFrame({"channel": RNG.choice(["chat", "email", "web", None], 500),
                          "x": np.arange(500)})
    before, after = frame.iloc[:260], frame.iloc[260:]
    parts, skipped = split_segments(before, after, "channel", min_n=5)
    for value, part_b, part_a in parts:
        pd.testing.assert_frame_equal(part_b, before[before["channel"] == value])
        pd.testing.assert_frame_equal(part_a, after[after["channel"] == value])
    assert {value for value, _, _ in parts} | set(skipped) == {"chat", "email", "web"}


@pytest.mark.parametrize("raw", [
    pd.Series([" chat", "web", "chat ", None, "N/A", ""] * 10),
    pd.Series([1.0, 2.0, None] * 10),
    pd.Series([True, False] * 10),
    pd.Series([None] * 10),
    pd.Series(["a"] * 8, index=range(5, 13)),
    pd.Series(RNG.choice(["电话", "邮件", " 网页 "], 300)),
])
def test_text_cleaned_per_distinct_value_equals_cell_by_cell(raw):
    from pdcakit.data.parsing import clean_text, parse_text, recode

    table = {"web": "WEB", "电话": "phone"}
    pd.testing.assert_series_equal(parse_text(raw, "channel", None, values=table),
                                   recode(clean_text(raw), table))


@pytest.mark.parametrize("order", ["sorted", "shuffled", "with gaps"])
def test_window_slice_equals_the_boolean_mask(order):
    from pdcakit.data.slicing import between

    times = pd.Series(pd.date_range("2026-01-01", periods=400, freq="6h"))
    if order == "shuffled":
        times = times.sample(frac=1, random_state=1).reset_index(drop=True)
    if order == "with gaps":
        times[::7] = pd.NaT
    frame = pd.DataFrame({"at": times, "x": np.arange(400)})
    start, end = pd.Timestamp("2026-01-20"), pd.Timestamp("2026-02-11 06:00")
    mask = frame[(frame["at"] >= start) & (frame["at"] < end)]
    pd.testing.assert_frame_equal(between(frame, "at", start, end), mask)
    pd.testing.assert_frame_equal(between(frame, "at", None, end), frame[frame["at"] < end])
    pd.testing.assert_frame_equal(between(frame, "at", start, None), frame[frame["at"] >= start])


@pytest.mark.parametrize("key", ["fcr", "first_response_time", "aht", "csat", "nps"])
def test_segments_cut_to_the_kpi_columns_give_the_same_comparison(key, monkeypatch):
    from pdcakit import data
    from pdcakit.stages import compare, segments, windows

    tickets = data.load_tickets(Path(__file__).resolve().parents[1] / "data/demo/tickets.csv")
    before, after = windows.Windows.around("2026-04-06", weeks_before=6,
                                         weeks_after=6).split(tickets)
    settings = windows.CompareSettings.check(kpis=[key])
    pruned = compare.segment_changes(before, after, key, "channel", settings).as_dict()
    whole = segments.split_segments
    monkeypatch.setattr(compare, "split_segments",
                        lambda *args, columns=None, **kw: whole(*args, **kw))
    assert compare.segment_changes(before, after, key, "channel", settings).as_dict() == pruned


@pytest.mark.parametrize("measure", ["aht", "time_to_resolve"])
def test_efficiency_segments_cut_to_their_columns_give_the_same_gains(measure, monkeypatch):
    from pdcakit import data
    from pdcakit.stages import efficiency, segments, windows

    tickets = data.load_tickets(Path(__file__).resolve().parents[1] / "data/demo/tickets.csv")
    before, after = windows.Windows.around("2026-04-06", weeks_before=6,
                                         weeks_after=6).split(tickets)
    pruned = efficiency.gains_by_segment(before, after, "channel", measure)
    whole = segments.split_segments
    monkeypatch.setattr(efficiency, "split_segments",
                        lambda *args, columns=None, **kw: whole(*args, **kw))
    assert efficiency.gains_by_segment(before, after, "channel", measure) == pruned


def test_large_groups_sort_faster_and_give_the_same_kaplan_meier_curve():
    # above LARGE_SAMPLE the order within tied durations is free (no bootstrap there)
    from pdcakit.stats import LARGE_SAMPLE
    from pdcakit.stats.survival import _sorted_rows, _weighted_medians

    rng = np.random.default_rng(7)
    t = rng.integers(1, 500, LARGE_SAMPLE + 1000).astype(float)  # many ties
    o = rng.random(t.size) < 0.9
    fast = _sorted_rows(t, o)
    order = np.argsort(t, kind="stable")
    plain = np.column_stack([t[order], o[order]])
    assert np.array_equal(fast[:, 0], plain[:, 0])
    for level in (0.25, 0.5, 0.75):
        assert _weighted_medians(fast, np.ones((1, t.size)), level)[0] == \
            _weighted_medians(plain, np.ones((1, t.size)), level)[0]


def test_km_kernel_gives_every_level_in_one_pass_as_one_pass_each():
    """The median and the 90th percentile from one set of resamples (issue 29: the
    log-rank CI, the median ratio and the shape check drew the same resamples 3-4 times)
    are the numbers the weighted Kaplan-Meier gives level by level."""
    times = np.sort(RNG.exponential(30, 600).round())
    observed = RNG.random(600) < 0.7
    _resample.KM_TABLES.clear()
    p90_first = _resample.bootstrap_km_quantiles(times, observed, n_resamples=60, seed=9,
                                                 level=0.1)
    median = _resample.bootstrap_km_quantiles(times, observed, n_resamples=60, seed=9)
    quartile = _resample.bootstrap_km_quantiles(times, observed, n_resamples=60, seed=9,
                                                level=0.25)
    counts = _resample.reference_indices(times.size, 60, 9).counts()
    rows = np.column_stack([times, observed])
    for got, level in ((p90_first, 0.1), (median, 0.5), (quartile, 0.25)):
        np.testing.assert_array_equal(got, survival._weighted_medians(rows, counts, level))


def test_km_cache_gives_fresh_copies_and_tells_seeds_and_data_apart():
    times = np.arange(1.0, 201.0)
    observed = np.ones(200, bool)
    _resample.KM_TABLES.clear()
    first = _resample.bootstrap_km_quantiles(times, observed, n_resamples=50, seed=1)
    first[:] = -1.0  # a caller's edit does not reach the cache
    again = _resample.bootstrap_km_quantiles(times, observed, n_resamples=50, seed=1)
    assert (again > 0).all()
    other_seed = _resample.bootstrap_km_quantiles(times, observed, n_resamples=50, seed=2)
    assert not np.array_equal(again, other_seed)
    censored = observed.copy()
    censored[150:] = False
    other_data = _resample.bootstrap_km_quantiles(times, censored, n_resamples=50, seed=1,
                                                  level=0.1)
    np.testing.assert_array_equal(other_data, survival._weighted_medians(
        np.column_stack([times, censored]),
        _resample.reference_indices(200, 50, 1).counts(), 0.1))


def test_km_kernel_redoes_a_resample_whose_narrow_count_would_overflow():
    """Counts are uint8 for speed; one past the limit redoes the resample in int32 (a
    limit of 1 forces that path on almost every resample): the same quantiles."""
    kernels = pytest.importorskip("pdcakit.stats._kernels")
    times = np.sort(RNG.exponential(30, 300).round())
    observed = RNG.random(300) < 0.8
    starts = np.append(np.flatnonzero(np.r_[True, np.diff(times) > 0]), times.size)
    levels = np.array([0.5, 0.1])
    args = (times, observed, starts.astype(np.int64), np.uint64(4), 40, levels)
    np.testing.assert_array_equal(kernels.km_quantiles(*args, 1), kernels.km_quantiles(*args))


def test_km_kernel_does_not_depend_on_the_thread_count():
    numba = pytest.importorskip("numba")
    kernels = pytest.importorskip("pdcakit.stats._kernels")
    times = np.sort(RNG.exponential(30, 2000).round())
    observed = RNG.random(2000) < 0.8
    starts = np.append(np.flatnonzero(np.r_[True, np.diff(times) > 0]), times.size)
    args = (times, observed, starts.astype(np.int64), np.uint64(8), 37, np.array([0.5, 0.1]))
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = kernels.km_quantiles(*args)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, kernels.km_quantiles(*args))


def test_content_cache_keys_by_content_and_keeps_within_its_budget():
    from pdcakit.stats._memo import ContentCache, content_key

    cache = ContentCache(entries=2, budget_bytes=100)
    values = np.arange(4.0)
    calls = []

    def doubled():
        calls.append(1)
        return values * 2

    first = cache.get(content_key(values), doubled)
    assert not first.flags.writeable
    values[0] = 10.0  # changed in place: a new key, computed again
    assert cache.get(content_key(values), doubled)[0] == 20.0 and len(calls) == 2
    big = cache.get("big", lambda: np.zeros(50))  # 400 bytes: computed, not kept
    assert big.size == 50 and "big" not in cache._kept
    cache.get("third", lambda: np.zeros(1))
    assert len(cache._kept) == 2  # the least recently used one left


# --------------------------------------------------------------- one sort per group
def _ph_reference(tb, ob, ta, oa):
    """The Grambsch-Therneau test as first written: the pooled tickets sorted from scratch
    (a stable sort of before + after), np.unique for the risk sets, every Newton step
    recomputing its death rows, the pooled KM table from its own sort."""
    t, done = np.concatenate([tb, ta]), np.concatenate([ob, oa])
    x = np.r_[np.zeros(tb.size), np.ones(ta.size)]
    order = np.argsort(t, kind="stable")
    times, index = np.unique(t[order], return_inverse=True)
    done_s, x_s = done[order], x[order]

    def terms(beta):
        risk = np.exp(beta * x_s)
        s0 = np.cumsum(np.bincount(index, risk)[::-1])[::-1]
        s1 = np.cumsum(np.bincount(index, risk * x_s)[::-1])[::-1]
        d0, d1 = np.bincount(index, risk * done_s), np.bincount(index, risk * x_s * done_s)
        deaths = np.bincount(index, done_s.astype(float))
        has = deaths > 0
        per = deaths[has].astype(int)
        j = np.repeat(np.flatnonzero(has), per)
        k = np.arange(j.size) - np.repeat(np.cumsum(per) - per, per)
        frac = k / deaths[j]
        mean = (s1[j] - frac * d1[j]) / (s0[j] - frac * d0[j])
        return (has, np.bincount(index, x_s * done_s) - np.bincount(j, mean, minlength=times.size),
                np.bincount(j, mean * (1 - mean), minlength=times.size), deaths)

    beta = 0.0
    for _ in range(50):
        _, a, v, _ = terms(beta)
        step = a.sum() / v.sum()
        beta += step
        if abs(step) < 1e-10:
            break
    has, a, v, events = terms(beta)
    survival_ = np.cumprod(1 - events / (t.size - np.r_[0, np.cumsum(np.bincount(index))[:-1]]))
    g = 1 - np.r_[1.0, survival_[:-1]]
    g = g - np.sum(g[has] * events[has]) / events[has].sum()
    u = float(np.sum(g * a))
    info = float(np.sum(g**2 * v)) - float(np.sum(g * v)) ** 2 / float(v.sum())
    chi2 = u**2 / info
    return chi2, float(sps.chi2.sf(chi2, 1)), beta


@pytest.mark.parametrize("large", [False, True])
def test_ph_test_from_the_groups_sorted_rows_equals_sorting_the_pooled_tickets(
        monkeypatch, large):
    """Whole-minute durations (many ties within and across groups), 30% open; with the
    threshold lowered the groups are sorted by the faster unstable sort: same numbers."""
    from pdcakit.stats import shape

    if large:
        monkeypatch.setattr(survival, "LARGE_SAMPLE", 100)
    survival.SORTED.clear()
    tb, ta = RNG.exponential(90, 3000).round(), RNG.exponential(70, 2500).round()
    ob, oa = RNG.random(3000) < 0.7, RNG.random(2500) < 0.7
    fast = shape.proportional_hazards_test(tb, ob, ta, oa)
    reference = _ph_reference(tb, ob, ta, oa)
    np.testing.assert_allclose(fast, reference, rtol=1e-12)
    assert fast[0] > 0


def test_period_logrank_from_the_cached_sort_equals_sorting_again(monkeypatch):
    """The k-sample log-rank of the periods reuses the side's sorted tickets: the same
    chi-square as R survdiff's computation on its own sort (here via scipy's 2-sample
    log-rank for k = 2: z^2 equals the chi-square)."""
    from pdcakit.stats.periods import _logrank_k

    monkeypatch.setattr(survival, "LARGE_SAMPLE", 100)
    survival.SORTED.clear()
    t = RNG.exponential(60, 4000).round()
    done = RNG.random(4000) < 0.75
    codes = (RNG.random(4000) < 0.4).astype(int)
    chi2, df = _logrank_k(t, done, codes)
    groups = [sps.CensoredData(uncensored=t[(codes == g) & done], right=t[(codes == g) & ~done])
              for g in (0, 1)]
    assert df == 1
    np.testing.assert_allclose(chi2, sps.logrank(*groups).statistic ** 2, rtol=1e-9)


@pytest.mark.parametrize(("open_share", "large"), [(0.2, False), (0.7, True)])
def test_kaplan_meier_from_the_sorted_rows_equals_scipy_ecdf_bit_for_bit(
        monkeypatch, open_share, large):
    """The duration summary's curve and log-log band: scipy.stats.ecdf on CensoredData and
    confidence_interval(method="log-log"), exactly (whole minutes: many ties; 70% open:
    heavy censoring; the unstable sort above the threshold)."""
    import warnings

    from pdcakit.metrics.durations import kaplan_meier

    if large:
        monkeypatch.setattr(survival, "LARGE_SAMPLE", 100)
    survival.SORTED.clear()
    t = RNG.lognormal(4, 1.2, 5000).round()
    o = RNG.random(5000) >= open_share
    fast = kaplan_meier(t, o, confidence=0.9)
    sf = sps.ecdf(sps.CensoredData(uncensored=t[o], right=t[~o])).sf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence_level=0.9, method="log-log")
    for ours, scipys in ((fast.times, sf.quantiles), (fast.survival, sf.probabilities),
                         (fast.low, band.low.probabilities),
                         (fast.high, band.high.probabilities)):
        np.testing.assert_array_equal(ours, scipys)
    assert fast.times.size < t.size  # ties merged


@pytest.mark.parametrize("large", [False, True])
def test_logrank_from_the_sorted_rows_equals_scipy_logrank_bit_for_bit(monkeypatch, large):
    """Whole-minute durations (ties within and across groups), 20% and 45% open, groups
    of different sizes; the unstable sort above the threshold: scipy's z and p exactly."""
    if large:
        monkeypatch.setattr(survival, "LARGE_SAMPLE", 100)
    survival.SORTED.clear()
    tb, ta = RNG.exponential(80, 4000).round(), RNG.exponential(65, 3100).round()
    ob, oa = RNG.random(4000) < 0.8, RNG.random(3100) < 0.55
    ours = survival._logrank_z(survival._sorted_rows(ta, oa), survival._sorted_rows(tb, ob))
    scipys = sps.logrank(sps.CensoredData(uncensored=ta[oa], right=ta[~oa]),
                         sps.CensoredData(uncensored=tb[ob], right=tb[~ob]))
    assert (ours.statistic, ours.pvalue) == (float(scipys.statistic), float(scipys.pvalue))
    assert ours.pvalue < 0.05  # a real difference, not two empty sums


def test_period_groups_split_from_the_sorted_side_equal_a_mask_per_period(monkeypatch):
    """Each period's restricted mean from the side sorted once equals rmst() on the
    period's own tickets picked by a mask (whole minutes: ties; 30% open)."""
    from pdcakit.stats.periods import _sorted_groups
    from pdcakit.stats.shape import _km_table_sorted, rmst, rmst_of_km_table

    monkeypatch.setattr(survival, "LARGE_SAMPLE", 100)
    survival.SORTED.clear()
    t = RNG.exponential(50, 6000).round()
    o = RNG.random(6000) < 0.7
    codes = RNG.integers(0, 13, 6000)
    groups = _sorted_groups(t, o, codes, 13)
    assert [g[0].size for g in groups] == np.bincount(codes, minlength=13).tolist()
    for g, (times, flags) in enumerate(groups):
        assert np.all(np.diff(times) >= 0)
        assert rmst_of_km_table(_km_table_sorted(times, flags), 40.0) == rmst(
            t[codes == g], o[codes == g], 40.0)
