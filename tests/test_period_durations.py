"""Per-period durations count open cases (Kaplan-Meier, censored at the snapshot), and
duration control charts fit skewed positive data: log-scale limits, never negative, with
empty and few-case periods kept out of the limits.

The export is made here in the shape of a real city-council one: ten years monthly,
date-only timestamps (39% closed the same day: duration 0), months without cases, a
one-case month, a volume collapse and heavy censoring in the last year, repeated ids,
60 categories with Chinese names, no first-response / handle / complaint columns.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pdcakit import metrics, spc
from pdcakit.metrics.series import sparse_periods
from pdcakit.results import Estimate, duration_unit, format_value
from pdcakit.stages.baseline import BaselineSettings, headline_series
from pdcakit.stages.compare import KpiChange, compare_kpi
from pdcakit.stages.explore import explore
from pdcakit.stages.timeview import phase_view
from pdcakit.stages.windows import Windows

SNAPSHOT = pd.Timestamp("2025-01-01")
EMPTY = ("2017-03-01", "2019-08-01", "2019-09-01")
ONE_CASE = "2020-05-01"
COLLAPSE = pd.Timestamp("2024-01-01")


def real_shaped_export(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2015-01-01", "2024-12-01", freq="MS")
    parts = []
    for i, month in enumerate(months):
        if str(month.date()) in EMPTY:
            continue
        if str(month.date()) == ONE_CASE:
            volume = 1
        else:
            volume = int(rng.poisson(30 if month >= COLLAPSE else 300))
        created = month + pd.to_timedelta(rng.integers(0, month.days_in_month, volume), "D")
        same_day = rng.random(volume) < 0.39
        days = np.where(same_day, 0, np.ceil(rng.lognormal(np.log(6), 1.2, volume)))
        resolved = created + pd.to_timedelta(days, unit="D")
        share_open = 0.3 + 0.5 * (i - 108) / 11 if month >= COLLAPSE else 0.005
        still_open = (rng.random(volume) < share_open) | (resolved > SNAPSHOT)
        parts.append(pd.DataFrame({
            "created_at": created, "resolved_at": resolved.where(~still_open),
            "category": rng.choice([f"类别 {k}" for k in range(60)], volume)}))
    tickets = pd.concat(parts, ignore_index=True)
    tickets.insert(0, "id", [f"C{k % (len(tickets) - 100)}" for k in range(len(tickets))])
    tickets["is_open"] = tickets["resolved_at"].isna()
    tickets.attrs["snapshot"] = SNAPSHOT
    return tickets


@pytest.fixture(scope="module")
def export() -> pd.DataFrame:
    return real_shaped_export()


@pytest.fixture(scope="module")
def monthly(export: pd.DataFrame) -> pd.DataFrame:
    return metrics.per_period(export, "time_to_resolve", period="M")


def scipy_km_median(minutes: np.ndarray, observed: np.ndarray) -> float:
    """The reference: scipy.stats.ecdf's curve on CensoredData, read with R's rule
    (``quantile.survfit``): the first time S(t) <= 0.5, except where S(t) = 0.5 on a flat
    stretch: the midpoint from there to the next drop, or to the last follow-up time."""
    data = sps.CensoredData(uncensored=minutes[observed], right=minutes[~observed])
    sf = sps.ecdf(data).sf
    hits = np.flatnonzero(sf.probabilities <= 0.5 + 1e-12)
    if not hits.size:
        return math.nan
    first = hits[0]
    if abs(sf.probabilities[first] - 0.5) > 1e-12:
        return float(sf.quantiles[first])
    drops = np.flatnonzero(sf.probabilities < 0.5 - 1e-12)
    end = sf.quantiles[drops[0]] if drops.size else minutes.max()
    return float((sf.quantiles[first] + end) / 2)


class TestPerPeriodKaplanMeier:
    def test_every_month_matches_scipy(self, export, monthly):
        created = export["created_at"].dt.to_period("M")
        minutes = ((export["resolved_at"].fillna(SNAPSHOT) - export["created_at"])
                   .dt.total_seconds() / 60).to_numpy()
        observed = export["resolved_at"].notna().to_numpy()
        checked = 0
        for row in monthly.itertuples():
            rows = (created == pd.Period(row.period, "M")).to_numpy()
            assert row.n == rows.sum()
            assert row.n_open == (~observed[rows]).sum()
            if not rows.any():
                assert math.isnan(row.value) and not row.median_reached
                continue
            if not observed[rows].any():
                assert math.isnan(row.value)
                continue
            expected = scipy_km_median(minutes[rows], observed[rows])
            assert row.value == pytest.approx(expected, nan_ok=True)
            assert row.median_reached == math.isfinite(expected)
            checked += 1
        assert checked > 100

    def test_r_survival_aml_medians(self):
        # R: survfit(Surv(time, status) ~ x, data = aml) prints medians 31 (Maintained)
        # and 23 (Nonmaintained). Times as minutes within one day each: a finished case
        # opens at midnight, a censored one is opened its time before the day's snapshot.
        groups = {"2026-01-05": ([9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161],
                                 [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0], 31),
                  "2026-01-06": ([5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
                                 [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1], 23)}
        for day, (times, done, expected) in groups.items():
            start, snapshot = pd.Timestamp(day), pd.Timestamp(day) + pd.Timedelta(hours=23)
            created = [start if event else snapshot - pd.Timedelta(minutes=t)
                       for t, event in zip(times, done, strict=True)]
            resolved = [start + pd.Timedelta(minutes=t) if event else pd.NaT
                        for t, event in zip(times, done, strict=True)]
            tickets = pd.DataFrame({"created_at": created, "resolved_at": resolved})
            tickets.attrs["snapshot"] = snapshot
            per = metrics.per_period(tickets, "time_to_resolve", period="D")
            assert per["value"].tolist() == [expected]
            assert per["n_open"].tolist() == [len(done) - sum(done)]
            assert scipy_km_median(np.asarray(times, float), np.asarray(done, bool)) == expected

    def test_open_cases_counted_and_median_not_reached(self, monthly):
        last = monthly[monthly["period"] >= COLLAPSE]
        assert (last["n_open"] > 0).all()
        unreached = last[~last["median_reached"]]
        assert len(unreached) >= 3 and unreached["value"].isna().all()
        assert (unreached["n_open"] > unreached["n"] / 2).all()
        # the closed-only median would hide the open cases: the KM one is never below it
        reached = monthly[monthly["median_reached"]]
        assert (reached["value"] >= 0).all()

    def test_empty_months_are_gaps_and_every_kind_has_n_open(self, export, monthly):
        empty = monthly[monthly["n"] == 0]
        assert [f"{p:%Y-%m-%d}" for p in empty["period"]] == list(EMPTY)
        assert empty["value"].isna().all() and (empty["n_open"] == 0).all()
        rate = metrics.per_period(export, "resolution_rate", period="M")
        assert {"n", "n_open", "sparse", "value"} <= set(rate.columns)
        assert rate["n_open"].sum() == export["is_open"].sum()
        without = metrics.per_period(export.drop(columns="is_open"), "resolution_rate",
                                     period="M")
        assert (without["n_open"] == 0).all()

    def test_sparse_rule(self, monthly):
        one = monthly[monthly["period"] == pd.Timestamp(ONE_CASE)].iloc[0]
        assert one["n"] == 1 and one["sparse"]
        collapsed = monthly[monthly["period"] >= COLLAPSE]
        assert collapsed["sparse"].all()  # ~30 cases against a median month of ~300
        assert not monthly.loc[monthly["n"] == 0, "sparse"].any()
        assert sparse_periods([10, 10, 4, 10]).tolist() == [False, False, True, False]


class TestBaselineChart:
    @pytest.mark.parametrize("period", ["M", "W"])
    def test_no_negative_limits_and_no_crash(self, export, period):
        settings = BaselineSettings.check(kpis=["time_to_resolve"],
                                          headline_kpi="time_to_resolve", period=period,
                                          target_value=7 * 1440, target_direction="lower")
        series = headline_series(export, settings)
        chart = series.control_chart(rebases=[["2020-01-06", "cycle-1", "adopted triage"]])
        assert chart.transform == "log"
        defined = np.isfinite(chart.lcl_line)
        assert defined.any() and (chart.lcl_line[defined] >= 0).all()
        assert (chart.ucl_line[defined] > chart.centre_line[defined]).all()
        assert "Limits on the log scale: durations are skewed and positive" in chart.sentence
        assert "still open" in chart.sentence and "with few cases" in chart.sentence
        rules = chart.rules("nhs")  # gaps and few-case periods: no crash, never flagged
        unjudged = np.isnan(series.values) | series.sparse
        assert not any(rules.flags[i] for i in np.flatnonzero(unjudged))
        chart.rule_disagreements([f"{p:%Y-%m-%d}" for p in series.periods])
        json.dumps(chart.as_dict(), allow_nan=False)
        series.figure(chart, target=7 * 1440)
        series.figure(centre=float(np.nanmedian(series.values)))

    def test_records_follow_the_contract(self, export):
        settings = BaselineSettings.check(kpis=["time_to_resolve"],
                                          headline_kpi="time_to_resolve", period="M",
                                          target_value=7 * 1440, target_direction="lower")
        series = headline_series(export, settings)
        records = series.records()
        assert len(records) == 120
        assert set(records[0]) == {"period_start", "value", "n", "n_open"}
        assert records[0]["period_start"] == "2015-01-01"
        gap = next(r for r in records if r["period_start"] == EMPTY[0])
        assert gap == {"period_start": EMPTY[0], "value": None, "n": 0, "n_open": 0}
        assert all(isinstance(r["n"], int) and isinstance(r["n_open"], int) for r in records)
        assert sum(r["n_open"] for r in records) == int(export["is_open"].sum())
        json.dumps(records, allow_nan=False)
        assert series.scale == "days"  # a KPI lasting days reads in days

    def test_rates_keep_their_p_chart(self, export):
        settings = BaselineSettings.check(kpis=["resolution_rate"],
                                          headline_kpi="resolution_rate", period="M",
                                          target_value=0.9, target_direction="higher")
        series = headline_series(export, settings)
        chart = series.control_chart()
        assert chart.name == "p chart" and chart.transform == ""
        assert len(series.records()) == 120
        chart.rules("nhs")


class TestPhaseView:
    def test_one_case_month_never_sets_the_after_limits(self, export):
        windows = Windows.explicit(["2019-01-01", "2020-05-01"], ["2020-05-01", "2021-01-01"])
        view = phase_view(export, "time_to_resolve", windows, period="M")
        one = list(view.periods).index(pd.Timestamp(ONE_CASE))
        assert view.n[one] == 1 and view.sparse[one]
        after = view.chart.phases[-1]
        full = np.isfinite(view.values) & ~view.sparse & (view.periods >= windows.after_start)
        logs = np.log(view.values[full])
        assert after.centre == pytest.approx(float(np.exp(logs.mean())))  # geometric mean
        assert after.centre == pytest.approx(float(sps.gmean(view.values[full])))
        assert not view.chart.signals[one]
        assert "1 month with few cases" in view.sentence
        assert "2 months without cases" in view.sentence

    def test_heavy_censoring_after_volume_collapse(self, export):
        windows = Windows.explicit(["2022-01-01", "2024-01-01"], ["2024-01-01", "2025-01-01"])
        view = phase_view(export, "time_to_resolve", windows, period="M")
        for line in (view.chart.lcl_line, view.chart.ucl_line, view.chart.centre_line):
            assert (line[np.isfinite(line)] >= 0).all()
        assert view.chart_name == "I chart of log medians"
        assert "skewed and positive" in view.sentence
        assert "still open" in view.sentence and "not reached" in view.sentence
        assert view.assurance(7 * 1440) in spc.ASSURANCE
        records = view.records()
        assert records[-1]["value"] is None and records[-1]["n_open"] > records[-1]["n"] / 2
        view.figure(target=7 * 1440, period_word="month")

    def test_weekly_with_empty_weeks_and_zero_medians(self, export):
        found = explore(export, "time_to_resolve", change_date="2019-10-07", weeks_before=20,
                        weeks_after=20)
        chart = found.view.chart
        assert (chart.lcl_line[np.isfinite(chart.lcl_line)] >= 0).all()
        assert found.view.figure(period_word="week") is not None


class TestReadableUnits:
    def test_one_unit_per_duration(self):
        assert [duration_unit(m).name for m in (30, 600, 12_600)] == ["minutes", "hours", "days"]
        est = Estimate("Time to resolve", 12_600.0, 500, ci=(10_000.0, 15_000.0),
                       unit="minutes")
        assert est.format() == "8.8 days (95% CI 6.9 days to 10.4 days, n=500)"
        assert format_value(10_080, "minutes", scale="days") == "7.0 days"

    def test_kpi_change_reads_in_days(self, export):
        windows = Windows.explicit(["2016-01-01", "2018-01-01"], ["2018-01-01", "2019-01-01"])
        before, after = windows.split(export)
        change = compare_kpi(before, after, "time_to_resolve", target=7 * 1440)
        assert isinstance(change, KpiChange)
        assert change.before.value == 2880.0  # two days: read in days, CI and target too
        assert change.scale == "days"
        assert "2.0 days (median)" in change.sentence and "Target 7.0 days" in change.sentence
        assert "hours" not in change.sentence and "e+" not in change.sentence
        text = change.fmt_difference(-2880.0)
        assert text == "-2.0 days"
