"""pdcakit.periods.period_codes groups tickets exactly as ``Series.dt.to_period`` does.

The compare stage built one pandas ``Period`` per ticket and KPI for the period-level
tests (576,000 objects, 1.5 s at 48k tickets, issue 29); the codes are the same periods
as numbers. Reference: pandas' own ``to_period`` (its ``Period.ordinal``), on
timestamps around week, month and year edges, daylight-saving changes, before 1970,
date-only times, every datetime unit, time zones and missing times.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pdcakit.periods import PANDAS_PERIOD, period_codes, period_labels


def _reference(times: pd.Series, period: str) -> np.ndarray:
    with warnings.catch_warnings():  # to_period drops the time zone, by design
        warnings.simplefilter("ignore", UserWarning)
        labels = times.dt.to_period(PANDAS_PERIOD[period])
    ordinals = labels.array.asi8.astype(float)
    ordinals[labels.isna().to_numpy()] = np.nan
    return ordinals


def _edges() -> pd.Series:
    """Times either side of midnight on Sundays, Mondays, month and year ends, DST days."""
    days = pd.date_range("1969-12-20", "1970-01-20", freq="D").append(
        pd.date_range("2025-12-20", "2026-04-10", freq="D")).append(
        pd.date_range("2026-10-20", "2026-11-05", freq="D"))
    offsets = pd.to_timedelta(["0s", "1s", "59min", "1h", "12h", "23h59min59s",
                               "23h59min59.999999s"])
    return pd.Series((days.values[:, None] + offsets.values[None, :]).ravel())


def _random_times(rng: np.random.Generator, n: int) -> pd.Series:
    start = pd.Timestamp("2024-01-01").value
    end = pd.Timestamp("2027-01-01").value
    return pd.Series(pd.to_datetime(rng.integers(start, end, n)))


@pytest.mark.parametrize("period", ["D", "W", "M"])
@pytest.mark.parametrize("unit", ["s", "us", "ns"])
def test_naive_times_group_as_to_period(period, unit):
    times = pd.concat([_edges(), _random_times(np.random.default_rng(29), 20_000)],
                      ignore_index=True).astype(f"datetime64[{unit}]")
    np.testing.assert_array_equal(period_codes(times, period), _reference(times, period))


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Asia/Shanghai",
                                  "Australia/Lord_Howe", "UTC"])
@pytest.mark.parametrize("period", ["D", "W", "M"])
def test_time_zone_aware_times_count_in_wall_clock_time(zone, period):
    """A Sunday 23:30 in New York is a Monday in UTC: the week is New York's, as
    to_period gives."""
    utc = pd.concat([_edges(), _random_times(np.random.default_rng(7), 5_000)],
                    ignore_index=True).dt.tz_localize("UTC")
    times = utc.dt.tz_convert(zone)
    np.testing.assert_array_equal(period_codes(times, period), _reference(times, period))


def test_sunday_night_in_new_york_is_that_week():
    times = pd.Series(pd.to_datetime(["2026-01-12 04:30"])).dt.tz_localize("UTC")
    local = times.dt.tz_convert("America/New_York")          # Sunday 11 January, 23:30
    assert period_labels(period_codes(local, "W"), "W")[0] == pd.Period("2026-01-11", "W-SUN")
    assert period_codes(local, "W")[0] != period_codes(times, "W")[0]


@pytest.mark.parametrize("period", ["D", "W", "M"])
def test_missing_times_are_nan_and_the_rest_unchanged(period):
    times = pd.Series(pd.to_datetime(["2026-03-01 00:00:00", None, "2026-03-31 23:59:59", None,
                                      "2026-04-01 00:00:00"]))
    codes = period_codes(times, period)
    assert np.isnan(codes).tolist() == [False, True, False, True, False]
    np.testing.assert_array_equal(codes, _reference(times, period))
    labels = period_labels(codes, period)
    assert labels.isna().tolist() == [False, True, False, True, False]
    assert labels[0] == times.dt.to_period(PANDAS_PERIOD[period])[0]


def test_date_only_times_and_a_demo_like_window_group_alike():
    """Date-only exports (midnight times) and the demo's week labels: the same groups,
    in the same sorted order, as the Period labels."""
    times = pd.Series(pd.date_range("2026-01-05", "2026-07-05", freq="D").repeat(3))
    codes = period_codes(times, "W")
    reference, uniques = pd.factorize(times.dt.to_period("W-SUN"), sort=True)
    mine, mine_uniques = pd.factorize(pd.Series(codes), sort=True)
    np.testing.assert_array_equal(mine, reference)
    assert list(period_labels(mine_uniques, "W")) == list(uniques)
    assert len(uniques) == 26  # 5 January to 5 July 2026: 26 Monday-to-Sunday weeks


def test_codes_map_back_to_the_periods():
    times = _random_times(np.random.default_rng(1), 1_000)
    for period, freq in PANDAS_PERIOD.items():
        assert list(period_labels(period_codes(times, period), period)) == list(
            times.dt.to_period(freq))


def test_bad_input_says_what_is_wrong():
    with pytest.raises(ValueError, match="period must be one of D, W, M"):
        period_codes(pd.Series(pd.to_datetime(["2026-01-01"])), "Q")
    with pytest.raises(ValueError, match=r"need timestamps; got a column of (str|object)"):
        period_codes(pd.Series(["2026-01-01"]), "W")


def test_codes_are_fast():
    """Half a million tickets in well under the 1 s their Period objects took."""
    import time

    times = _random_times(np.random.default_rng(3), 500_000)
    started = time.perf_counter()
    period_codes(times, "W")
    assert time.perf_counter() - started < 0.25
