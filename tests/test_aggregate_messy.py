"""The aggregate path on exports as they come: mapped Chinese columns and values, date-only
times, missing optional columns, empty months, dozens of categories, heavy censoring, bad
cells, repeated ids (an event log), Excel; each compared with the row path or refused with
a clear error, never a silent guess. Statistics from aggregates checked against R."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.aggregate import AggregateUnsupported, aggregate_tickets, excel_to_parquet
from pdcakit.aggregate.fromagg import (
    EventTable,
    km_curve,
    km_quantile,
    mean_from_moments,
    naive_median,
    rmst_from_table,
)
from pdcakit.data import DataError
from pdcakit.metrics import per_period, scorecard
from pdcakit.stats.shape import rmst

MAPPING = {"columns": {"id": "工单号", "created_at": "创建时间", "resolved_at": "解决时间",
                       "first_response_at": "首次响应", "channel": "渠道",
                       "category": "类别", "first_contact_resolved": "首次解决", "csat": "满意度"},
           "values": {"channel": {"电话": "phone", "邮件": "email"}},
           "true_values": ["对"], "false_values": ["错"]}


def messy_export(n: int = 3_000, seed: int = 11) -> pd.DataFrame:
    """A Chinese help desk's CSV: date-only times on a third of the rows, a month with no
    tickets (March), 40 categories, 45% still open, flags as 是/否/对/错/blank, CSAT
    mostly blank, no handle time and no NPS columns."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 150, n)
    days = np.where((days >= 59) & (days < 90), days + 31, days)  # no tickets in March
    created = pd.Timestamp("2026-01-01") + pd.to_timedelta(days, "D") + \
        pd.to_timedelta(rng.integers(0, 86_400, n), "s")
    resolved = created + pd.to_timedelta(rng.exponential(3 * 86_400, n).round(), "s")
    open_ = rng.random(n) < 0.45
    answered = created + pd.to_timedelta(rng.exponential(3_600, n).round(), "s")
    date_only = rng.random(n) < 0.33

    def text(times, blank):
        out = times.strftime("%Y-%m-%d %H:%M:%S").to_numpy(object)
        out[date_only] = times[date_only].strftime("%Y-%m-%d")
        out[blank] = ""
        return out

    created_text = text(created, np.zeros(n, bool))
    # date-only creation: the same day's date-only resolution must not fall before it
    resolved = resolved.where(~date_only, resolved.normalize() + pd.Timedelta(days=1))
    answered = answered.where(~date_only, answered.normalize() + pd.Timedelta(days=1))
    flags = rng.choice(np.array(["是", "否", "对", "错", ""], dtype=object), n)
    csat = np.where(rng.random(n) < 0.8, "", rng.integers(1, 6, n).astype(str))
    return pd.DataFrame({
        "工单号": [f"W{i:05d}" for i in range(n)], "创建时间": created_text,
        "首次响应": text(answered, rng.random(n) < 0.2), "解决时间": text(resolved, open_),
        "渠道": rng.choice(np.array(["电话", "邮件", "网页"], dtype=object), n),
        "类别": rng.choice(np.array([f"类别{i:02d}" for i in range(40)], dtype=object), n),
        "首次解决": flags, "满意度": csat})


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = tmp_path_factory.mktemp("messy") / "工单.csv"
    messy_export().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def rows(export):
    return data.load_tickets(export, MAPPING)


class TestMessyExport:
    def test_scorecard_equals_the_row_path(self, export, rows):
        agg = aggregate_tickets(export, MAPPING, period="M", segment="category")
        expected, got = scorecard(rows), agg.scorecard()
        assert set(got.skipped) == set(expected.skipped) == {"aht", "nps", "complaint_rate",
                                                                "reopen_rate"}
        assert got.skipped == expected.skipped   # the same reasons, word for word
        for key, row in expected.estimates.items():
            new = got.estimates[key]
            assert (new.name, new.n, new.note) == (row.name, row.n, row.note), key
            assert np.allclose([new.value, *new.ci], [row.value, *row.ci], rtol=1e-9,
                               equal_nan=True), key
        assert rows["is_open"].mean() > 0.4   # heavy censoring really is there
        assert math.isfinite(got.estimates["time_to_resolve"].value)

    def test_monthly_series_keeps_the_empty_month(self, export, rows):
        agg = aggregate_tickets(export, MAPPING, period="M")
        for key in ("time_to_resolve", "fcr", "csat_mean", "sla_first_response"):
            expected, got = per_period(rows, key, period="M"), agg.series(key)
            np.testing.assert_array_equal(got["n"], expected["n"])
            np.testing.assert_allclose(got["value"], expected["value"], rtol=1e-9,
                                       equal_nan=True)
        assert agg.series("fcr").set_index("period").loc["2026-03-01", "n"] == 0

    def test_forty_segments_with_chinese_values(self, export, rows):
        agg = aggregate_tickets(export, MAPPING, segment="channel")
        assert agg.segments == sorted(rows["channel"].dropna().unique())  # 网页 kept as is
        assert "phone" in agg.segments
        by_category = aggregate_tickets(export, MAPPING, segment="category")
        assert len(by_category.segments) == 40
        est = by_category.scorecard(["fcr"], segment="类别07").estimates["fcr"]
        row = scorecard(rows[rows["category"] == "类别07"], ["fcr"]).estimates["fcr"]
        assert (est.n, est.value) == (row.n, row.value)


class TestRefusals:
    def test_unsupported_mapping_settings_are_named(self, export):
        with pytest.raises(AggregateUnsupported, match=r"date_format.*engine='pandas'"):
            aggregate_tickets(export, {**MAPPING, "date_format": "%Y-%m-%d"})
        with pytest.raises(AggregateUnsupported, match="fallback"):
            aggregate_tickets(export, {**MAPPING, "columns": {
                **MAPPING["columns"], "resolved_at": ["解决时间", "首次响应"]}})

    def test_unknown_mapped_column_is_the_row_paths_error(self, export):
        bad = {**MAPPING, "columns": {**MAPPING["columns"], "channel": "渠 道"}}
        with pytest.raises(DataError) as row_error:
            data.load_tickets(export, bad)
        with pytest.raises(DataError) as agg_error:
            aggregate_tickets(export, bad)
        assert str(agg_error.value) == str(row_error.value)

    def test_resolved_before_created_names_rows(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text("id,created_at,resolved_at\nA,2026-01-05 09:00,2026-01-05 10:00\n"
                        "B,2026-01-05 09:00,2026-01-04 11:00\n", encoding="utf-8")
        with pytest.raises(DataError, match=r"t\.csv.*resolved_at.*before created_at.*row 3"):
            aggregate_tickets(path)

    def test_unreadable_time_names_rows_and_fix(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text("id,created_at\nA,2026-01-05 09:00\nB,yesterday\nC,N/A\n",
                        encoding="utf-8")
        with pytest.raises(DataError) as err:
            aggregate_tickets(path)
        text = str(err.value)
        assert "created_at" in text and "row 3" in text and "Fix:" in text
        assert "row 4" not in text    # N/A is a missing value, as in the row path

    def test_event_log_with_several_rows_per_case_is_refused(self, tmp_path):
        path = tmp_path / "log.csv"
        path.write_text("id,created_at,resolved_at\nA,2026-01-05 09:00,\n"
                        "B,2026-01-05 09:30,\nA,2026-01-05 09:00,2026-01-06 10:00\n",
                        encoding="utf-8")
        with pytest.raises(DataError, match=r"1 row repeat.*row[s]? 2, 4.*keep_first"):
            aggregate_tickets(path)
        with pytest.raises(AggregateUnsupported, match="on_duplicate"):
            aggregate_tickets(path, {"on_duplicate": "keep_first"})

    def test_excel_is_converted_first(self, tmp_path):
        frame = pd.DataFrame({"id": ["A", "B"], "created_at": ["2026-01-05 09:00"] * 2,
                              "resolved_at": ["2026-01-05 10:00", ""]})
        book = tmp_path / "t.xlsx"
        frame.to_excel(book, index=False)
        with pytest.raises(AggregateUnsupported, match="excel_to_parquet"):
            aggregate_tickets(book)
        agg = aggregate_tickets(excel_to_parquet(book, tmp_path))
        est = agg.scorecard(["resolution_rate"]).estimates["resolution_rate"]
        assert (est.n, est.value) == (2, 0.5)

    def test_unknown_engine(self, export):
        with pytest.raises(ValueError, match="did you mean 'duckdb'"):
            aggregate_tickets(export, MAPPING, engine="duckbd")


class TestFromAggregates:
    # R: library(survival); fit <- survfit(Surv(time, status) ~ 1, data = aml)
    AML_T = (9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33,
             43, 45)
    AML_D = (1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1)

    def table(self):
        d = np.array(self.AML_D)
        return EventTable.of(self.AML_T, d, 1 - d)

    def test_km_median_and_rmst_as_r(self):
        # R: print(survfit(Surv(time, status) ~ x, data = aml), rmean = 45) ->
        # Maintained median 31, rmean 30.73864 se 4.114086;
        # Nonmaintained median 23, rmean 22.70833 se 4.180942
        d = np.array(self.AML_D)
        for part, median, mean, se in ((slice(0, 11), 31.0, 30.73864, 4.114086),
                                       (slice(11, None), 23.0, 22.70833, 4.180942)):
            table = EventTable.of(np.array(self.AML_T)[part], d[part], 1 - d[part])
            assert km_quantile(table, 0.5) == median
            area, error = rmst_from_table(table, 45)
            assert (area, error) == pytest.approx((mean, se), abs=5e-6)
            assert (area, error) == pytest.approx(
                rmst(np.array(self.AML_T)[part], d[part], 45), rel=1e-12)

    def test_km_band_is_scipys(self):
        from pdcakit.metrics.durations import kaplan_meier
        table = self.table()
        row = kaplan_meier(np.array(self.AML_T, float), np.array(self.AML_D, bool))
        new = km_curve(table)
        np.testing.assert_array_equal(new.times, row.times)
        np.testing.assert_allclose(new.survival, row.survival, rtol=1e-12)
        np.testing.assert_allclose(new.low, row.low, rtol=1e-12, equal_nan=True)
        np.testing.assert_allclose(new.high, row.high, rtol=1e-12, equal_nan=True)

    def test_naive_median_is_numpys(self):
        table = self.table()
        done = np.array(self.AML_T)[np.array(self.AML_D, bool)]
        assert naive_median(table) == np.median(done)

    def test_mean_from_moments_is_t_test(self):
        # R: t.test(sleep$extra[1:10]) -> mean of x 0.75, 95 percent confidence interval
        # -0.5297804 2.0297804
        values = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
        est = mean_from_moments(10, values.sum(), (values ** 2).sum(), "sleep")
        assert est.value == pytest.approx(0.75)
        assert est.ci == pytest.approx((-0.5297804, 2.0297804), abs=5e-8)

    def test_binned_durations_within_one_width(self, export):
        exact = aggregate_tickets(export, MAPPING).estimate("time_to_resolve")
        binned = aggregate_tickets(export, MAPPING, bin_seconds=60).estimate("time_to_resolve")
        width = pd.Timedelta(minutes=1)
        assert abs(binned.median - exact.median) <= width
        assert binned.curve.times.size < exact.curve.times.size


class TestEngineSetting:
    def test_three_engines_one_scorecard(self, export, rows):
        from pdcakit.aggregate import ticket_scorecard
        by_rows = ticket_scorecard(export, MAPPING, engine="pandas")
        by_duckdb = ticket_scorecard(export, MAPPING, engine="duckdb")
        assert by_rows.skipped == by_duckdb.skipped
        for key, est in by_rows.estimates.items():
            assert by_duckdb.estimates[key].n == est.n
            assert np.allclose(by_duckdb.estimates[key].value, est.value, equal_nan=True)

    def test_unsupported_export_falls_back_with_the_reason(self, export):
        from pdcakit.aggregate import ticket_scorecard
        mapping = {**MAPPING, "dayfirst": True}
        with pytest.warns(UserWarning, match="dayfirst.*loading the rows instead"):
            card = ticket_scorecard(export, mapping, keys=["fcr"])
        assert card.estimates["fcr"].n > 0
        with pytest.raises(AggregateUnsupported):
            ticket_scorecard(export, mapping, fallback=False)
