"""Charts fit the data, not the demo: Kaplan-Meier axes follow the curves in a unit chosen
from them, zero durations are counted, 60 categories become the top 15 plus "Other", and
targets read in units (never "1.01e+04")."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from pdcakit import plots
from pdcakit.metrics.durations import kaplan_meier


def _legend(fig) -> list[str]:
    texts = []
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    return texts


def _curve(median_hours: float, n: int = 400, seed: int = 1, open_share: float = 0.05):
    rng = np.random.default_rng(seed)
    minutes = rng.exponential(median_hours * 60 / np.log(2), n)
    observed = rng.random(n) > open_share
    km = kaplan_meier(minutes, observed)
    return km.times, km.survival


class TestSurvivalCurve:
    def test_axis_follows_the_data_in_days(self):
        # medians of 168 h and 120 h (the export): a fixed 72 h axis showed neither
        before, after = _curve(168, seed=1), _curve(120, seed=2)
        fig = plots.survival_curve({"Before": before, "After": after}, title="Time to resolve",
                                   unit="minutes")
        ax = fig.axes[0]
        assert ax.get_xlabel() == "Days since the ticket was created"
        low, high = ax.get_xlim()
        p90_days = max(t[np.flatnonzero(s <= 0.1)[0]] for t, s in (before, after)) / 1440
        assert low == 0 and p90_days <= high <= 1.2 * p90_days
        assert high > 7  # both medians (7 and 5 days) on the chart

    def test_minutes_for_short_durations_and_explicit_xmax_kept(self):
        short = _curve(0.5)
        fig = plots.survival_curve({"All": short}, title="First response", unit="minutes")
        assert fig.axes[0].get_xlabel() == "Minutes since the ticket was created"
        fig = plots.survival_curve({"All": (short[0] / 60, short[1])}, title="t",
                                   xlabel="Hours since the ticket was created", xmax=2)
        assert fig.axes[0].get_xlim() == (0, 2)

    def test_a_curve_that_never_reaches_ten_percent_ends_where_it_goes_flat(self):
        times = np.array([0.0, 10, 20, 30, 500])
        surv = np.array([0.9, 0.7, 0.6, 0.6, 0.6])
        fig = plots.survival_curve({"Open tail": (times, surv)}, title="t", unit="hours")
        assert fig.axes[0].get_xlim()[1] == pytest.approx(20 * 1.1)  # hours, as given


class TestDurationHistogram:
    def test_zero_durations_are_counted_and_said(self):
        rng = np.random.default_rng(3)
        days = np.where(rng.random(1000) < 0.39, 0, np.ceil(rng.lognormal(1.8, 1.1, 1000)))
        fig = plots.duration_histogram(days * 1440, median=1440.0, p90=20 * 1440.0,
                                       title="Time to resolve", unit="minutes")
        ax = fig.axes[0]
        zeros = int((days == 0).sum())
        counted = sum(patch.get_height() for patch in ax.patches)
        assert counted == 1000  # every duration, zeros included
        assert any(text.startswith(f"Zero: {zeros:,} of 1,000 (") for text in _legend(fig))
        assert ax.get_xscale() == "symlog" and ax.get_xlim()[0] == 0
        assert "Days" in ax.get_xlabel()
        assert any("Median (1.0 days)" in t or "Median: 1.0 days" in t for t in _legend(fig))

    def test_positive_only_stays_on_a_log_axis(self):
        fig = plots.duration_histogram([5, 10, 20, 40], median=15, p90=35, title="t",
                                       unit="minutes")
        assert fig.axes[0].get_xscale() == "log"
        assert not any(t.startswith("Zero") for t in _legend(fig))


class TestPareto:
    def test_sixty_categories_top_fifteen_plus_other_without_overlap(self):
        rng = np.random.default_rng(5)
        names = [f"类别 {k}: 市民来电投诉与建议的处理事项" for k in range(60)]
        counts = rng.integers(10, 5000, 60)
        fig = plots.pareto_chart(names, counts, title="Cases by category")
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert len(labels) == 16 and labels[-1] == "Other (45 categories)"
        assert sum(p.get_height() for p in ax.patches) == counts.sum()
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
        assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))
        twin = fig.axes[1]
        assert twin.lines[0].get_ydata()[-1] == pytest.approx(1.0)

    def test_few_categories_unchanged(self):
        fig = plots.pareto_chart(["a", "b", "c"], [1, 5, 3], title="t")
        assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["b", "c", "a"]


class TestTargetsAndControlCharts:
    def test_target_labels_read_in_units(self):
        periods = pd.date_range("2024-01-01", periods=6, freq="MS")
        values = [9000, 12000, np.nan, 11000, 10500, 9800]
        fig = plots.control_chart(periods, values, centre=10_000, target=10_100, title="t",
                                  ylabel="Time to resolve (days)", scale="days")
        assert "Target (7.0 days)" in _legend(fig)
        assert fig.axes[0].get_lines()[0].get_ydata()[0] == pytest.approx(9000 / 1440)
        fig = plots.control_chart(periods, values, centre=10_000, target=10_100, title="t",
                                  ylabel="Minutes")
        assert "Target (10,100)" in _legend(fig)
        assert not any("e+" in t for t in _legend(fig))

    def test_duration_chart_parts(self):
        periods = pd.date_range("2024-01-01", periods=6, freq="MS")
        fig = plots.control_chart(
            periods, [2880, 0, np.nan, 4320, 1440, np.nan], centre=2000, lcl=500, ucl=9000,
            title="t", ylabel="days", scale="days", sparse=[False, True] + [False] * 4,
            unreached=[False] * 5 + [True], share_open=[0, 0, 0, 0.1, 0.3, 0.7], log_y=True)
        assert len(fig.axes) == 2  # the share still open in a strip below
        legend = _legend(fig)
        assert "Few cases (not used for the limits)" in legend
        assert "Median not reached (over half still open)" in legend
        assert fig.axes[0].get_yscale() == "symlog"  # a zero median stays on the chart
