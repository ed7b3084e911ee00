"""The aggregate path (DuckDB) gives the row path's figures on the same data.

At 100k demo tickets (``data/generate_demo.py: generate_tickets(100_000)``), from CSV and
Parquet: every ticket KPI's value, interval, n and words; the weekly series of every KPI;
the control-chart limits the baseline stage draws from them (p chart for shares, I chart
otherwise, I chart of log medians for durations); segment tables. Tolerance 1e-9
relative (the sums differ from pandas' only in summation order).
"""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import data, spc
from pdcakit.aggregate import aggregate_tickets
from pdcakit.metrics import KPIS, per_period, scorecard, segment_estimates

ROOT = Path(__file__).resolve().parents[1]
RTOL = 1e-9


def _generator():
    spec = importlib.util.spec_from_file_location("generate_demo", ROOT / "data" /
                                                  "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agg100k")
    frame = _generator().generate_tickets(100_000)
    # real exports miss values: some flags unknown, some handle times empty
    rng = np.random.default_rng(7)
    frame["first_contact_resolved"] = frame["first_contact_resolved"].astype("boolean")
    frame.loc[rng.random(len(frame)) < 0.03, "first_contact_resolved"] = pd.NA
    frame.loc[rng.random(len(frame)) < 0.02, "handle_minutes"] = np.nan
    parquet = folder / "tickets.parquet"
    frame.to_parquet(parquet, index=False)
    csv = folder / "tickets.csv"
    frame.to_csv(csv, index=False)
    return {"parquet": parquet, "csv": csv}


@pytest.fixture(scope="module")
def rows(files):
    return data.load_tickets(files["parquet"])


@pytest.fixture(scope="module", params=["parquet", "csv"])
def agg(request, files):
    return aggregate_tickets(files[request.param], period="W", segment="channel")


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12)


def assert_same_estimate(row, aggregate):
    assert aggregate.name == row.name
    assert aggregate.n == row.n
    assert close(aggregate.value, row.value), (row.name, row.value, aggregate.value)
    assert close(aggregate.ci[0], row.ci[0]) and close(aggregate.ci[1], row.ci[1]), \
        (row.name, row.ci, aggregate.ci)
    assert aggregate.note == row.note and aggregate.method == row.method
    assert aggregate.unit == row.unit
    assert set(aggregate.extra) == set(row.extra)
    for key, value in row.extra.items():
        assert close(float(aggregate.extra[key]), float(value)), (row.name, key)


class TestScorecard:
    def test_every_kpi_equals_the_row_path(self, rows, agg):
        expected = scorecard(rows)
        got = agg.scorecard()
        assert set(got.estimates) == set(expected.estimates) == set(KPIS)
        for key, row in expected.estimates.items():
            assert_same_estimate(row, got.estimates[key])

    def test_snapshot_is_the_row_paths(self, rows, agg):
        assert agg.snapshot == rows.attrs["snapshot"]

    def test_durations_curve_and_p90(self, rows, agg):
        from pdcakit.metrics import first_response_time, time_to_resolve
        for key, func in (("time_to_resolve", time_to_resolve),
                          ("first_response_time", first_response_time)):
            row, got = func(rows), agg.estimate(key)
            assert (got.n, got.n_open) == (row.n, row.n_open)
            assert got.p90 == row.p90 and got.naive_median == row.naive_median
            np.testing.assert_array_equal(got.curve.times, row.curve.times)
            np.testing.assert_allclose(got.curve.survival, row.curve.survival, rtol=RTOL)
            np.testing.assert_allclose(got.curve.low, row.curve.low, rtol=1e-7,
                                       equal_nan=True)

    def test_segments_equal_the_row_paths(self, rows, agg):
        keys = ["fcr", "aht", "csat", "nps", "time_to_resolve", "sla_resolution"]
        expected = segment_estimates(rows, "channel", keys)
        got = agg.segment_estimates(keys)
        assert set(got) == set(expected)
        for segment, estimates in expected.items():
            for key, row in estimates.items():
                assert_same_estimate(row, got[segment][key])


class TestWeeklySeries:
    @pytest.mark.parametrize("key", list(KPIS))
    def test_series_and_control_limits(self, rows, agg, key):
        expected = per_period(rows, key, period="W")
        got = agg.series(key)
        assert list(got.columns) == list(expected.columns)
        pd.testing.assert_series_equal(got["period"], expected["period"], check_dtype=False)
        for column in ("n", "n_open", "sparse"):
            np.testing.assert_array_equal(got[column], expected[column], err_msg=column)
        np.testing.assert_allclose(got["value"], expected["value"], rtol=RTOL, equal_nan=True)
        kind = KPIS[key].kind
        if kind == "proportion":
            keep = expected["denominator"] > 0
            row = spc.p_chart(expected["numerator"][keep], expected["denominator"][keep])
            new = spc.p_chart(got["numerator"][keep], got["denominator"][keep])
            np.testing.assert_allclose(new.lcl, row.lcl, rtol=RTOL)
            np.testing.assert_allclose(new.ucl, row.ucl, rtol=RTOL)
            assert close(new.centre, row.centre)
        else:
            values = expected["value"].to_numpy(float)
            keep = np.isfinite(values)
            if kind == "duration":
                values = np.log(values)
            row = spc.i_chart(values[keep])
            new = spc.i_chart((np.log(got["value"]) if kind == "duration"
                               else got["value"]).to_numpy(float)[keep])
            for field in ("centre", "lcl", "ucl", "mr_bar"):
                assert close(getattr(new, field), getattr(row, field)), field


class TestWindow:
    def test_after_window_equals_the_row_path(self, files):
        window = ("2026-04-06", "2026-07-06")
        rows = data.load_tickets(files["parquet"], window=window)
        agg = aggregate_tickets(files["parquet"], window=window)
        assert agg.snapshot == rows.attrs["snapshot"]  # taken before the window
        expected = scorecard(rows, sla_resolution_hours=8)
        got = agg.scorecard()
        agg8 = aggregate_tickets(files["parquet"], window=window, sla_resolution_hours=8)
        for key, row in expected.estimates.items():
            assert_same_estimate(row, (agg8 if key == "sla_resolution" else agg)
                                 .scorecard([key]).estimates[key])
        assert set(got.estimates) == set(expected.estimates)


class TestRestrictedMean:
    @pytest.mark.parametrize("key", ["time_to_resolve", "first_response_time"])
    def test_rmst_and_its_se_equal_the_row_paths(self, rows, agg, key):
        from pdcakit.aggregate.fromagg import rmst_from_table
        from pdcakit.metrics.durations import duration_minutes
        from pdcakit.stats.shape import rmst

        minutes, observed = duration_minutes(rows, key)
        for horizon in (60.0, 7 * 1440.0, float(np.nanmax(minutes))):
            expected = rmst(minutes, observed, horizon)
            got = rmst_from_table(agg.event_table(key), horizon)
            assert got == pytest.approx(expected, rel=RTOL), horizon


class TestLogrank:
    def test_before_after_logrank_equals_the_row_paths(self, rows, agg):
        from pdcakit.aggregate.fromagg import logrank_from_tables
        from pdcakit.metrics.durations import duration_minutes
        from pdcakit.stats.survival import logrank

        change = pd.Timestamp("2026-04-06")   # a Monday: the weeks split there
        minutes, observed = duration_minutes(rows, "time_to_resolve")
        after = (rows["created_at"] >= change).to_numpy()
        row = logrank(minutes[~after], observed[~after], minutes[after], observed[after],
                      n_resamples=10)
        weeks = agg.periods()
        z, p = logrank_from_tables(
            agg.event_table("time_to_resolve", periods=weeks[weeks >= change]),
            agg.event_table("time_to_resolve", periods=weeks[weeks < change]))
        assert z == pytest.approx(row.extra["z"], rel=1e-9)
        assert z * z == pytest.approx(row.statistic, rel=1e-9)
        assert p == pytest.approx(row.pvalue, rel=1e-6, abs=1e-300)


class TestPareto:
    @pytest.mark.parametrize("where", [None, "complaint"])
    def test_counts_equal_the_row_paths(self, files, rows, where):
        from pdcakit.aggregate.tickets import pareto_counts
        from pdcakit.metrics import pareto

        expected = pareto(rows, "category", where=where)
        got = pareto_counts(files["csv"], column="category", where=where)
        # the same counts and shares; categories with equal counts may be listed in
        # another order
        assert got["count"].to_dict() == expected["count"].to_dict()
        np.testing.assert_allclose(got["share"].sort_index(), expected["share"].sort_index(),
                                   rtol=RTOL)
        assert list(got["count"]) == sorted(got["count"], reverse=True)
