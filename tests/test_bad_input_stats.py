"""Bad input to the statistics engine: a catalogue of degenerate cases, and properties.

Every case ends in a result a reviewer can read, or a ValueError that says what is
wrong ("not enough data: n=1 in the before group, need >= 2"), never NaN in a verdict
or a traceback from deep inside scipy. The data layer's catalogue (files, encodings,
dates, duplicates, ranges) is in test_data_*.py.
"""

from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdcakit import stats
from pdcakit.stages import efficiency

NAN = float("nan")

# (name, call, expected message) -- each must raise ValueError matching the message.
REFUSED = [
    ("empty before group", lambda: stats.compare([], [1.0, 2.0]), r"n=0 in the before group"),
    ("only missing values", lambda: stats.compare([NAN] * 5, [NAN] * 5),
     r"not enough data: n=0 in the before group"),
    ("one value each", lambda: stats.compare([1.5], [2.5]), r"n=1 in the before group, need >= 2"),
    ("identical constants", lambda: stats.compare([2.5] * 10, [2.5] * 10),
     r"no variation: every value in both groups is 2.5"),
    ("all zero shares", lambda: stats.compare([0] * 50, [0] * 50),
     r"every value in both groups is 0 .* no difference to test"),
    ("all one shares", lambda: stats.compare([1] * 50, [1] * 40), r"share is 100% in both"),
    ("t test on constants", lambda: stats.welch_t([2.0] * 5, [3.0] * 5),
     r"every before value is 2, every after value 3.*mann_whitney"),
    ("paired lengths", lambda: stats.paired_t([1.0, 2.0, 3.0], [1.0, 2.0]), r"equal lengths"),
    ("unchanged pairs", lambda: stats.wilcoxon_signed_rank([1.0, 2.0], [1.0, 2.0]),
     r"every pair is unchanged"),
    ("all open durations", lambda: stats.logrank([5, 6], [0, 0], [5, 6], [1, 1]),
     r"no finished item in the before group"),
    ("duration without flags", lambda: stats.compare([1.0, 2.0], [3.0, 4.0], "duration"),
     r"observed_before and observed_after"),
    ("no events", lambda: stats.poisson_rates(0, 100, 0, 100), r"no events in either period"),
    ("zero exposure", lambda: stats.poisson_rates(3, 0, 4, 100), r"exposure must be positive"),
    ("one NPS answer", lambda: stats.compare([9], [10, 7, 3], "nps"), r"n=1 NPS before"),
    ("counts above n", lambda: stats.two_proportions(11, 10, 3, 10), r"between 0 and n=10"),
    ("fractional counts", lambda: stats.two_proportions(2.5, 10, 3, 10), r"whole numbers"),
    ("p outside [0, 1]", lambda: stats.adjust_pvalues([0.2, 1.2]), r"between 0 and 1"),
    ("unknown kind", lambda: stats.compare([1.0], [2.0], "median"), r"unknown kind 'median'"),
    ("zero time before", lambda: efficiency.time_gain([0.0] * 5, [1.0] * 5, name="AHT"),
     r"time before is 0"),
    ("grouped one period", lambda: stats.grouped_proportions([1], [10], [2, 3], [10, 10]),
     r"at least 2 periods"),
    ("power with one ticket", lambda: stats.mde_t(1, 5, 1.0), r"n=1 in a group, need >= 2"),
]


@pytest.mark.parametrize(("name", "call", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_a_clear_message(name, call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_separated_constant_groups_get_a_rank_test_not_an_error():
    # Every after value exceeds every before value: a clear answer, though the t test's
    # standard error is 0.
    r = stats.compare([2.0] * 10, [3.0] * 10, "continuous")
    assert "Mann-Whitney" in r.test and r.pvalue < 0.001
    assert "no spread" in r.reason


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(0, 40, 0, 40), (0, 40, 40, 40),
                                                    (40, 40, 39, 40), (0, 3, 1, 3)])
def test_extreme_shares_keep_valid_intervals(x1, n1, x2, n2):
    low, high = stats.difference_ci(x1, n1, x2, n2)
    estimate = x2 / n2 - x1 / n1
    assert -1 <= low <= estimate <= high <= 1


# -- properties ------------------------------------------------------------------------

values = st.lists(st.floats(min_value=-1e4, max_value=1e4, allow_nan=False), min_size=0,
                  max_size=40)
shares = st.lists(st.integers(0, 1), min_size=0, max_size=60)


def _check(result: stats.Comparison) -> None:
    assert 0 <= result.pvalue <= 1
    low, high = result.ci
    if math.isfinite(low) and math.isfinite(high):
        assert low <= high
        assert low - 1e-9 * (1 + abs(low)) <= result.estimate <= high + 1e-9 * (1 + abs(high))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=values, after=values)
def test_compare_continuous_gives_a_valid_result_or_a_value_error(before, after):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = stats.compare(before, after, "continuous")
        except ValueError:
            return
    _check(result)


@settings(max_examples=150, deadline=None)
@given(before=shares, after=shares)
def test_compare_shares_gives_a_valid_result_or_a_value_error(before, after):
    try:
        result = stats.compare(before, after, "proportion")
    except ValueError:
        return
    assert 0 <= result.pvalue <= 1


@settings(max_examples=60, deadline=None)
@given(before=st.lists(st.floats(0.5, 500), min_size=2, max_size=30),
       after=st.lists(st.floats(0.5, 500), min_size=2, max_size=30), seed=st.integers(0, 9))
def test_efficiency_gain_never_exceeds_one_and_ignores_row_order(before, after, seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gain = efficiency.time_gain(before, after, name="t", seed=seed)
        shuffled = efficiency.time_gain(list(reversed(before)), list(reversed(after)),
                                        name="t", seed=seed)
    assert gain.gain <= 1 and gain.gain_ci[1] <= 1
    assert gain.gain == pytest.approx(shuffled.gain)


@settings(max_examples=80, deadline=None)
@given(before=st.lists(st.floats(-100, 100), min_size=3, max_size=30),
       after=st.lists(st.floats(-100, 100), min_size=3, max_size=30))
def test_rank_test_is_invariant_to_row_order(before, after):
    try:
        one = stats.mann_whitney(before, after)
    except ValueError:
        return
    other = stats.mann_whitney(before[::-1], after[::-1])
    assert one.pvalue == pytest.approx(other.pvalue)
    assert one.estimate == pytest.approx(other.estimate)
    _check(one)


@settings(max_examples=80, deadline=None)
@given(pvalues=st.lists(st.one_of(st.floats(0, 1), st.just(NAN)), max_size=12),
       method=st.sampled_from(["holm", "bh", "bonferroni", "none"]))
def test_adjusted_p_values_stay_in_range_and_never_fall(pvalues, method):
    adjusted = stats.adjust_pvalues(pvalues, method)
    for raw, adj in zip(pvalues, adjusted, strict=True):
        if math.isnan(raw):
            assert math.isnan(adj)
        else:
            assert raw - 1e-12 <= adj <= 1


@settings(max_examples=60, deadline=None)
@given(x1=st.integers(0, 50), n1=st.integers(1, 50), x2=st.integers(0, 50),
       n2=st.integers(1, 50))
def test_difference_ci_contains_the_estimate(x1, n1, x2, n2):
    x1, x2 = min(x1, n1), min(x2, n2)
    low, high = stats.difference_ci(x1, n1, x2, n2)
    assert low - 1e-9 <= x2 / n2 - x1 / n1 <= high + 1e-9


def test_nothing_but_value_errors_on_odd_arrays():
    odd = [[], [NAN], [np.inf, 1.0], [1e308, -1e308], [0.0] * 3, list(range(100))]
    for before in odd:
        for after in odd:
            for kind in ("auto", "continuous", "ordinal"):
                with warnings.catch_warnings(), contextlib.suppress(ValueError):
                    warnings.simplefilter("ignore")
                    _check(stats.compare(before, after, kind))


def test_one_ticket_in_a_window_is_skipped_with_a_reason():
    from pathlib import Path

    from pdcakit import data
    from pdcakit.stages.compare import compare_kpis
    from pdcakit.stages.windows import CompareSettings, Windows

    tickets = data.load_tickets(Path(__file__).resolve().parents[1] / "data" / "demo" /
                                "tickets.csv")
    before, after = Windows.around("2026-04-06", weeks_before=13, weeks_after=13).split(tickets)
    settings = CompareSettings.check(kpis=["fcr", "first_response_time", "aht", "nps"])
    table = compare_kpis(before.iloc[:1], after, settings)
    assert table.changes == ()
    assert table.skipped["fcr"] == ("not enough data for First contact resolution: n=1 in "
                                    "the before window, need >= 2")
    assert set(table.skipped) == {"fcr", "first_response_time", "aht", "nps"}
