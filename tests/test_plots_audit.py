"""Every chart, driven with real-shaped inputs, read the way a reviewer reads it on a phone
or on paper: a title, axes that name their unit, ranges that hold the data and the target,
ticks that fit the span, no text over other text, legends that leave the chart alone, one
colour for "before" and one for "after" on every chart, and a sharp saved image.

The inputs are the shapes that broke charts before: durations of 3-4 minutes and of 3-7
days, heavy censoring at the end, 2 days of daily points, 10 years of monthly points with
empty months, 60 categories with Chinese names, one value far above the rest and a target
outside the data's range.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import warnings
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from pdcakit import plots
from pdcakit.metrics.durations import kaplan_meier

matplotlib.use("Agg")

RNG = np.random.default_rng(7)
#: The axes that show a quantity (and must name its unit), per chart function.
QUANTITY_AXES = {"control": "y", "histogram": "xy", "pareto": "y", "survival": "xy",
                 "power": "xy", "forest": "x", "ecdf": "xy", "steps": "x"}
UNIT_WORDS = ("minutes", "hours", "days", "%", "percentage points", "tickets", "cases",
              "complaints", "share", "probability", "number of")


# --- reading a figure ----------------------------------------------------------------------

def _renderer(fig):
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _shown_ticks(axis) -> list:
    """Tick labels the reader sees (major and minor): inside the axis's range, visible,
    not empty."""
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * (high - low)
    labels = []
    ticks = [*zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False),
             *zip(axis.get_minor_ticks(), axis.get_minorticklocs(), strict=False)]
    for tick, where in ticks:
        if low - slack <= where <= high + slack:
            labels += [label for label in (tick.label1, tick.label2)
                       if label.get_visible() and label.get_text()]
    return labels


def _texts(fig) -> list:
    texts = []
    for ax in fig.axes:
        texts += _shown_ticks(ax.xaxis) + _shown_ticks(ax.yaxis) + list(ax.texts)
        texts += [ax.xaxis.label, ax.yaxis.label, ax.xaxis.get_offset_text(),
                  ax.yaxis.get_offset_text()]
        title = plots._title_text(ax)
        texts += [title] if title is not None else []
        if ax.get_legend() is not None:
            texts += list(ax.get_legend().get_texts())
    return [t for t in dict.fromkeys(texts) if t.get_visible() and t.get_text().strip()]


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() is not None
            for t in ax.get_legend().get_texts()]


def _tick_texts(axis) -> list[str]:
    return [t.get_text() for t in _shown_ticks(axis)]


def _line_colour(fig, start: str) -> str:
    for ax in fig.axes:
        for artist in [*ax.get_lines(), *ax.containers]:
            if str(artist.get_label()).lower().startswith(start):
                if hasattr(artist, "get_color"):
                    return to_hex(artist.get_color())
                return to_hex(artist.patches[0].get_facecolor())
    raise AssertionError(f"no series labelled {start!r}")


# --- inputs of real shape -----------------------------------------------------------------

def _km(median_minutes: float, *, seed: int, open_share: float = 0.05,
        censor_after: float | None = None):
    rng = np.random.default_rng(seed)
    minutes = rng.exponential(median_minutes / np.log(2), 400)
    finished = rng.random(400) > open_share
    if censor_after is not None:  # every ticket past it is still open at the snapshot
        finished &= minutes < censor_after
        minutes = np.minimum(minutes, censor_after)
    curve = kaplan_meier(minutes, finished)
    return np.asarray(curve.times, float), np.asarray(curve.survival, float)


TWO_DAYS = pd.date_range("2025-03-03", periods=2, freq="D")
MONTHS = pd.date_range("2015-01-01", periods=120, freq="MS")
WEEKS = pd.date_range("2025-01-06", periods=26, freq="W-MON")
MONTHLY = RNG.normal(120, 15, 120)
MONTHLY[RNG.random(120) < 0.15] = np.nan  # empty months
MONTHLY[60] = 900  # one month far above the rest
EVENTS = [("2020-11-01", "Changed the complaint form and the phone menu for all sites"),
          ("2021-03-01", "Go-live")]
CHINESE = [f"类别{k}：市民来电投诉与建议" for k in range(60)]
LONG_TITLE = ("Step times before and after, from process_steps_2025_export.csv (lead time "
              "2,600 -> 1,900 minutes)")


def _charts() -> dict[str, Callable]:
    """Each public chart function with the inputs that broke charts before."""
    return {
        "control_2_days": lambda: plots.control_chart(
            TWO_DAYS, [41.0, 37.0], centre=39.0, target=30.0, ylabel="FCR (%)",
            title="First contact resolution per day: run chart",
            events=[("2025-03-03", "New triage script goes live at the front desk")]),
        "control_10_years": lambda: plots.control_chart(
            MONTHS, MONTHLY, centre=float(np.nanmean(MONTHLY)), lcl=80.0, ucl=160.0,
            signals=np.nan_to_num(MONTHLY) > 160, target=20.0, ylabel="Complaints",
            title="Complaints per month: XmR chart", phase_starts=[MONTHS[70]],
            events=EVENTS, change=MONTHS[70]),
        "control_minutes": lambda: plots.control_chart(
            WEEKS, RNG.uniform(3, 4, 26), centre=3.5, lcl=2.5, ucl=4.5, target=2.0,
            title="First response per week", ylabel="First response (median per week)",
            scale="minutes", share_open=RNG.uniform(0, 0.05, 26), log_y=True,
            sparse=[False] * 25 + [True], unreached=[False] * 26),
        "control_days": lambda: plots.control_chart(
            WEEKS, np.r_[RNG.uniform(3, 7, 23) * 1440, [np.nan] * 3], centre=5 * 1440.0,
            lcl=2 * 1440.0, ucl=9 * 1440.0, target=14 * 1440.0, scale="days", log_y=True,
            title="Time to resolve per week", ylabel="Time to resolve (median per week)",
            share_open=np.r_[np.full(23, 0.02), [0.6, 0.8, 0.95]],
            unreached=[False] * 23 + [True] * 3, events=[("2025-04-07", "Go-live")],
            change=WEEKS[13]),
        "histogram_minutes": lambda: plots.duration_histogram(
            RNG.uniform(3, 4, 800), median=3.5, p90=3.9, threshold=30.0, unit="minutes",
            title="First response (answered tickets)"),
        "histogram_days": lambda: plots.duration_histogram(
            np.r_[RNG.uniform(3, 7, 799), 400] * 1440, median=5 * 1440.0, p90=6.6 * 1440.0,
            threshold=2 * 1440.0, unit="minutes", title="Time to resolve",
            median_label="Median (Kaplan-Meier, open tickets counted)"),
        "histogram_zeros": lambda: plots.duration_histogram(
            np.r_[np.zeros(300), RNG.lognormal(1.8, 1.1, 700)] * 1440, median=1440.0,
            p90=20 * 1440.0, unit="minutes", title="Time to resolve (date-only export)"),
        "pareto_60_chinese": lambda: plots.pareto_chart(
            CHINESE, RNG.integers(10, 500, 60), title="Tickets by category"),
        "pareto_one_far_above": lambda: plots.pareto_chart(
            ["Password reset", "Printer", "VPN", "Email"], [9000, 12, 8, 5],
            title="Tickets by category"),
        "survival_minutes": lambda: plots.survival_curve(
            {"Before (median 4.1 minutes)": _km(4.1, seed=1),
             "After (median 3.2 minutes)": _km(3.2, seed=2)}, unit="minutes",
            title="First response: share of tickets still waiting",
            ylabel="Share of tickets still waiting"),
        "survival_censored_days": lambda: plots.survival_curve(
            {"Before (median 5.0 days)": _km(5 * 1440, seed=5),
             "After (median not reached)": _km(20 * 1440, seed=6, censor_after=4 * 1440)},
            unit="minutes", title="Time to resolve"),
        "power": lambda: plots.power_curve(
            np.unique(np.geomspace(2, 12_000, 60).round()),
            1 - np.exp(-np.unique(np.geomspace(2, 12_000, 60).round()) / 3000),
            target_power=0.8, required_n=4828.0, title="Tickets needed to detect the change"),
        "forest": lambda: plots.forest_plot(
            [f"渠道 {k}" for k in range(12)] + ["A very long segment name for the walk-in desk"],
            *_forest_rows(), significant=[k % 4 == 0 for k in range(13)],
            overall=(-0.05, -0.07, -0.03), title="FCR: change by channel (after - before)",
            xlabel="Change in FCR (percentage points)", percent_points=True),
        "ecdf_far_above": lambda: plots.ecdf_plot(
            {"Before": RNG.uniform(3, 7, 300) * 1440,
             "After": np.r_[RNG.uniform(2, 5, 299) * 1440, 900 * 1440]},
            title="Handle time before and after", xlabel="Handle time (minutes)",
            unit="minutes"),
        "ecdf_minutes_log": lambda: plots.ecdf_plot(
            {"Before": RNG.uniform(3, 4, 300), "After": np.r_[0.0, RNG.uniform(2.5, 3.5, 299)]},
            title="Handle time", xlabel="Handle time (minutes, log scale)", log_x=True),
        "steps": lambda: plots.step_bars(
            [f"步骤 {k}: 登记与分派" for k in range(10)], _steps()[0], _steps()[1],
            kinds=["value-added", "waiting"] * 5, title=LONG_TITLE),
    }


def _forest_rows():
    estimates = np.linspace(-0.12, 0.02, 13)
    estimates[3] = 0.9  # one segment far from the rest
    return estimates, estimates - 0.04, estimates + 0.04


def _steps():
    before = np.linspace(3, 30, 10)
    before[2] = 2400  # one step far above the rest
    return before, before * 0.7


CHARTS = _charts()


def _waiting_from_zero() -> Any:
    """First response as the demo's export has it: some answered at once (0), the next
    after half a second, the median near 4 minutes, the tail to 300 minutes: a symmetric-log
    axis whose first decade sits right by its 0."""
    times = np.r_[0.0, np.geomspace(0.008, 300, 400)]  # half a second, then on
    waiting = np.clip(1 - np.log10(times + 1) / np.log10(301) * 1.05, 0, 1)
    return plots.survival_curve({"Before (median 4.1 minutes)": (times, waiting),
                                 "After (median 4.0 minutes)": (times, waiting * 0.97)},
                                unit="minutes", title="First response: still waiting",
                                ylabel="Share of tickets still waiting")


# issue 24: "0" and "0.01" were drawn over each other (demo first response, phone)
CHARTS["survival_from_zero"] = _waiting_from_zero


# --- issue 24: one small chart per KPI in the over-time summary (plots.kpi_panels) ---------

def _kpi_panels(events: tuple = ()) -> Any:
    """Nine KPIs by week as the compare page's over-time summary draws them: rates, means,
    a duration of hours with empty weeks on a log axis, a Chinese name, a target far
    outside the data, special-cause points improving and concerning; ``events`` marked."""
    rng = np.random.default_rng(24)
    shift = np.r_[np.zeros(13), np.ones(13)]

    def panel(name, unit, values, centre, **kw):
        return plots.KpiPanel(name, unit, WEEKS, values, 13, centre, **kw)

    hours = np.r_[rng.uniform(30, 50, 13), rng.uniform(15, 30, 13)] * 60
    hours[[3, 20, 21]] = np.nan  # weeks without a case: gaps
    return plots.kpi_panels([
        panel("First contact resolution", "% of tickets", 0.68 + 0.06 * shift
              + rng.normal(0, 0.01, 26), 0.68, special=range(13, 26), improving=True,
              target=0.74, percent=True),
        panel("First response time", "minutes (median, log scale)", rng.uniform(3.4, 4.6, 26),
              4.07, scale="minutes"),
        panel("Time to resolve", "hours (median, log scale)", hours, 40 * 60.0,
              special=range(13, 26), improving=True, scale="hours", target=4 * 60.0),
        panel("Average handle time", "minutes (mean)", 13.1 - 0.6 * shift
              + rng.normal(0, 0.2, 26), 13.14, special=range(13, 26), improving=True,
              target=12.5),
        panel("Customer satisfaction (CSAT)", "% of tickets", 0.70 + rng.normal(0, 0.01, 26),
              0.70, target=0.95, percent=True),
        panel("市民满意度（平均分）", "score (mean)", 3.8 + rng.normal(0, 0.05, 26), 3.8),
        panel("Net Promoter Score", "points (mean)", 10 + 8 * shift + rng.normal(0, 4, 26),
              10.4, special=(15, 16, 17, 18, 19, 20, 21), improving=True),
        panel("Complaint rate", "% of tickets", 0.022 + 0.01 * shift
              + rng.normal(0, 0.002, 26), 0.022, special=(14, 15), improving=False,
              percent=True),
        panel("Reopen rate", "% of tickets", 0.052 + rng.normal(0, 0.004, 26), 0.052,
              percent=True),
    ], title="Every KPI per week, before and after the change: the baseline's centre "
             "carried forward (dashed), special-cause points marked", xlabel="Week",
       change_label="Go-live (07 Apr 2025)", events=events)


CHARTS["overtime_nine_kpis"] = _kpi_panels
# the cycle's actions too (issue 24): two on one day, one on the go-live, a Chinese one
# and one outside the weeks; tagged once in the legend band, never over the panels
CHARTS["overtime_nine_kpis_events"] = functools.partial(_kpi_panels, events=(
    ("2025-03-14", "Write guided scripts for the top ten requests"),
    ("2025-03-31", "Train agents on the knowledge base"),
    ("2025-03-31", "培训 全体坐席"),
    ("2025-04-07", "Switch on email triage rules"),
    ("2025-04-07", "helpdesk: change live"),
    ("2024-01-01", "An old action, before the weeks")))
QUANTITY_AXES["overtime"] = "y"


@pytest.fixture(scope="module")
def figures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a missing CJK font is tested below
        return {name: build() for name, build in CHARTS.items()}


# --- every chart ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CHARTS))
class TestEveryChart:
    def test_title_and_labelled_axes_with_units(self, figures, name):
        fig = figures[name]
        ax = fig.axes[0]
        bottom = min(fig.axes, key=lambda a: a.get_position().y0)
        assert ax.get_title(loc="left").strip(), f"{name}: no title"
        assert bottom.get_xlabel().strip(), f"{name}: the across axis has no label"
        for where in QUANTITY_AXES[name.split("_")[0]]:
            label = ax.get_ylabel() if where == "y" else bottom.get_xlabel()
            assert any(word in label.lower() for word in UNIT_WORDS), \
                f"{name}: {label!r} names no unit"

    def test_no_text_overlaps_other_text(self, figures, name):
        fig = figures[name]
        renderer = _renderer(fig)
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
        clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
                   if box_a.overlaps(box_b)]
        assert not clashes, f"{name}: text over text {clashes[:3]}"

    def test_nothing_outside_the_figure(self, figures, name):
        fig = figures[name]
        renderer = _renderer(fig)
        tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
        frame = fig.bbox
        assert tight.x0 >= -1 and tight.y0 >= -1, f"{name}: cut at the left or bottom"
        assert tight.x1 <= frame.x1 + 1 and tight.y1 <= frame.y1 + 1, f"{name}: cut off"
        for ax in fig.axes:  # a value label never taller than its chart
            label = ax.yaxis.label
            if label.get_text():
                assert label.get_window_extent(renderer).height <= ax.bbox.height + 1

    def test_legend_leaves_the_chart_alone(self, figures, name):
        fig = figures[name]
        renderer = _renderer(fig)
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is None:
                continue
            box = legend.get_window_extent(renderer)
            for chart in fig.axes:
                area = chart.bbox.width * chart.bbox.height
                overlap = box.intersection(box, chart.bbox)
                covered = 0 if overlap is None else overlap.width * overlap.height
                assert covered <= 0.02 * area, f"{name}: the legend covers the chart"
            beside = box.x0 >= ax.bbox.x1 - 1
            if beside:
                assert box.width <= plots.LEGEND_WIDTH_SHARE * fig.bbox.width + 1, \
                    f"{name}: legend takes {box.width / fig.bbox.width:.0%} of the width"

    def test_tick_labels_read_as_plain_numbers(self, figures, name):
        fig = figures[name]
        _renderer(fig)
        for ax in fig.axes:
            for text in _tick_texts(ax.xaxis) + _tick_texts(ax.yaxis):
                assert "$" not in text and "e+" not in text and "×" not in text, \
                    f"{name}: tick {text!r}"
            assert not ax.xaxis.get_offset_text().get_text().startswith("1e")
            assert not ax.yaxis.get_offset_text().get_text().startswith("1e")
        assert not any(re.search(r"\de[+-]\d", t) for t in _legend_texts(fig))

    def test_saved_sharp_enough_to_print(self, figures, name):
        from PIL import Image

        fig = figures[name]
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        width, _ = Image.open(io.BytesIO(buffer.getvalue())).size
        assert width == round(fig.get_figwidth() * plots.PRINT_DPI)
        assert plots.PRINT_DPI >= 192


# --- ranges and ticks --------------------------------------------------------------------

class TestRanges:
    def test_control_chart_holds_the_far_value_and_the_target_outside_the_data(self, figures):
        ax = figures["control_10_years"].axes[0]
        low, high = ax.get_ylim()
        assert low <= 20 and high >= 900  # the target (20) and the one month at 900

    def test_log_control_chart_holds_limits_and_target(self, figures):
        ax = figures["control_days"].axes[0]
        low, high = ax.get_ylim()
        assert low <= 2 and high >= 14  # limits at 2 and 9 days, target at 14 days
        assert ax.get_yscale() == "log"
        assert len(_tick_texts(ax.yaxis)) >= 3

    def test_histogram_holds_the_threshold_and_the_longest_case(self, figures):
        ax = figures["histogram_days"].axes[0]
        low, high = ax.get_xlim()
        assert low <= 2 and high >= 400  # SLA 2 days; one case at 400 days
        minutes = figures["histogram_minutes"].axes[0]
        assert minutes.get_xlim()[0] <= 3 and minutes.get_xlim()[1] >= 30
        ticks = [float(t.replace(",", "")) for t in _tick_texts(minutes.xaxis)]
        assert any(2 <= t <= 5 for t in ticks), "no tick near the data (3-4 minutes)"

    def test_survival_axis_follows_minutes_not_a_fixed_72_hours(self, figures):
        ax = figures["survival_minutes"].axes[0]
        assert ax.get_xlabel().startswith("Minutes")
        assert 4.1 < ax.get_xlim()[1] < 60
        censored = figures["survival_censored_days"].axes[0]
        assert censored.get_xlabel().startswith("Days") and censored.get_xlim()[1] >= 4

    def test_power_curve_from_zero_with_the_needed_size(self, figures):
        ax = figures["power"].axes[0]
        assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] >= 4828

    def test_forest_holds_every_interval_and_no_change(self, figures):
        ax = figures["forest"].axes[0]
        _, lows, highs = _forest_rows()
        low, high = ax.get_xlim()
        assert low <= min(lows.min(), 0) and high >= highs.max()
        assert "0" in _tick_texts(ax.xaxis) and "+0" not in _tick_texts(ax.xaxis)

    def test_ecdf_with_a_far_value_goes_log_and_says_so(self, figures):
        ax = figures["ecdf_far_above"].axes[0]
        assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
        assert ax.get_xlim()[1] >= 900 * 1440
        assert any(t.endswith("minutes)") for t in _legend_texts(figures["ecdf_far_above"]))

    def test_ecdf_on_a_log_axis_keeps_zero_durations(self, figures):
        fig = figures["ecdf_minutes_log"]
        assert any("n = 300" in t and t.startswith("After") for t in _legend_texts(fig))
        assert fig.axes[0].get_xscale() == "symlog"

    def test_step_bars_hold_the_longest_step(self, figures):
        assert figures["steps"].axes[0].get_xlim()[1] >= 2400


class TestDateTicks:
    def test_two_days_of_daily_points_tick_at_the_days_not_hours(self, figures):
        ax = figures["control_2_days"].axes[0]
        ticks = _tick_texts(ax.xaxis)
        assert ticks == ["03 Mar", "04 Mar"]
        assert ax.xaxis.get_offset_text().get_text() == "2025"

    def test_ten_years_of_months_tick_at_years(self, figures):
        ticks = _tick_texts(figures["control_10_years"].axes[0].xaxis)
        assert len(ticks) >= 4 and all(re.fullmatch(r"\d{4}", t) for t in ticks)

    def test_half_a_year_of_weeks_ticks_at_months(self, figures):
        strip = figures["control_days"].axes[1]
        assert set(_tick_texts(strip.xaxis)) >= {"Feb", "Mar", "Apr", "May", "Jun"}


class TestTexts:
    def test_long_title_wraps_inside_the_figure(self, figures):
        fig = figures["steps"]
        title = plots._title_text(fig.axes[0])
        renderer = _renderer(fig)
        assert "\n" in title.get_text()
        assert title.get_window_extent(renderer).x1 <= fig.bbox.x1
        assert title.get_text().replace("\n", " ") == LONG_TITLE

    def test_a_title_stays_inside_when_the_value_label_wraps(self):
        # the compare page's weekly first-response chart: its three-line y label pushed
        # the chart right after the title had been measured, and the title ran off the
        # figure ("... (I chart of log med")
        weeks = pd.date_range("2026-01-05", periods=26, freq="W-MON")
        values = 4 + 0.3 * np.sin(np.arange(26))
        fig = plots.control_chart(
            weeks, values, centre=np.full(26, 4.0), lcl=np.full(26, 3.2),
            ucl=np.full(26, 5.0), signals=np.zeros(26, bool),
            title="First response time per week, before and after the change "
                  "(I chart of log medians)",
            ylabel="First response time (median per week, minutes)", phase_starts=[weeks[13]],
            events=[["2026-02-02", "scripts trained"], ["2026-04-06", "go-live: new triage"]])
        renderer = _renderer(fig)
        assert "\n" in fig.axes[0].yaxis.label.get_text()
        title = plots._title_text(fig.axes[0])
        assert title.get_window_extent(renderer).x1 <= fig.bbox.x1

    def test_duration_axis_gets_its_unit_when_the_caller_left_it_out(self, figures):
        assert figures["control_minutes"].axes[0].get_ylabel().endswith("(minutes)")
        assert figures["control_days"].axes[0].get_ylabel().endswith("(days)")

    def test_chinese_labels_are_cut_by_their_width(self, figures):
        labels = _tick_texts(figures["pareto_60_chinese"].axes[0].xaxis)
        assert labels[-1] == "Other (45 categories)"
        assert all(plots._display_width(t) <= plots._LABEL_CHARS for t in labels)

    def test_chinese_names_render_with_an_installed_cjk_font(self):
        from matplotlib import font_manager

        if not any("CJK" in f.name for f in font_manager.fontManager.ttflist):
            pytest.skip("no CJK font installed (fonts-noto-cjk)")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            _renderer(plots.pareto_chart(CHINESE[:5], [5, 4, 3, 2, 1], title="投诉类别"))
        assert not [w for w in caught if "missing from font" in str(w.message)]


class TestBeforeAfterColours:
    """One colour for before and one for after, on every chart that shows both."""

    def test_the_same_two_colours_on_every_chart(self, figures):
        before, after = set(), set()
        for name in ("survival_minutes", "ecdf_far_above", "steps", "control_10_years",
                     "control_days"):
            fig = figures[name]
            before.add(_line_colour(fig, "before"))
            after.add(_line_colour(fig, "after"))
        assert before == {plots.BEFORE_COLOUR} and after == {plots.AFTER_COLOUR}
        assert plots.COLOURS["before"] == plots.BEFORE_COLOUR
        assert plots.COLOURS["after"] == plots.AFTER_COLOUR

    def test_other_series_never_take_the_before_or_after_colour(self):
        fig = plots.survival_curve({"Before": _km(60, seed=1), "After": _km(50, seed=2),
                                    "Walk-in": _km(40, seed=3)}, title="t", unit="minutes")
        other = _line_colour(fig, "walk-in")
        assert other not in (plots.BEFORE_COLOUR, plots.AFTER_COLOUR)

    def test_control_chart_without_a_change_draws_one_observed_series(self, figures):
        fig = figures["control_2_days"]
        assert "Observed" in _legend_texts(fig)
        assert not any(t.startswith(("Before", "After")) for t in _legend_texts(fig))


# --- issue 24: limits, ticks, target, events, titles, waiting curves, Pareto noun ---------

def _aht_phases(**kw):
    """Average handle time per week around 13 minutes, 12.5 after the change (the demo's
    shape), limits per phase as the time view draws them."""
    values = np.r_[13.1 + RNG.normal(0, 0.18, 13), 12.5 + RNG.normal(0, 0.2, 13)]
    centre = np.r_[np.full(13, 13.14), np.full(13, 12.55)]
    return plots.control_chart(
        WEEKS, values, centre=centre, lcl=centre - np.r_[np.full(13, 0.67), np.full(13, 0.62)],
        ucl=centre + np.r_[np.full(13, 0.67), np.full(13, 0.62)], phase_starts=[WEEKS[13]],
        change=WEEKS[13], title="Average handle time per week (I chart (XmR))",
        ylabel="Average handle time (mean per week)", **kw)


def _right_labels(fig) -> dict[str, Any]:
    ax = fig.axes[0]
    return {t.get_text(): t for t in ax.texts if t.get_position()[0] > 1}


class TestIssue24:
    def test_every_phases_limits_are_labelled_at_the_right_edge(self):
        fig = _aht_phases()
        labels = _right_labels(fig)
        # before: 13.81 and 12.47; after: 13.17 and 11.93 - none of them on a tick
        assert {"UCL before 13.81", "LCL before 12.47", "UCL 13.17", "LCL 11.93"} <= set(labels)
        renderer = _renderer(fig)
        boxes = [t.get_window_extent(renderer) for t in labels.values()]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b), "two limit labels overlap"
        assert max(b.x1 for b in boxes) <= fig.bbox.x1  # inside the image

    def test_value_ticks_step_evenly_with_one_number_of_decimals(self):
        fig = _aht_phases()
        fig.draw_without_rendering()
        texts = _tick_texts(fig.axes[0].yaxis)
        numbers = [float(t.replace(",", "")) for t in texts]
        assert len({t.split(".")[-1].__len__() if "." in t else 0 for t in texts}) == 1, texts
        steps = np.round(np.diff(numbers), 9)
        assert len(set(steps)) == 1, texts                   # "13.8, 13.5, 13.2, 13" before

    def test_percent_ticks_read_exactly(self):
        fig = plots.control_chart(WEEKS, np.linspace(0.62, 0.79, 26), centre=0.7, lcl=0.62,
                                  ucl=0.79, title="FCR", ylabel="FCR (% of tickets)",
                                  percent=True)   # 2.5-point steps: "63%" for 62.5% before
        fig.draw_without_rendering()
        ax = fig.axes[0]
        shown = {t.get_text() for t in _shown_ticks(ax.yaxis)}
        ticks = [(t.label1.get_text(), t.get_loc()) for t in ax.yaxis.get_major_ticks()
                 if t.label1.get_text() in shown]
        assert len(ticks) >= 3
        for text, loc in ticks:
            assert float(text.rstrip("%")) == pytest.approx(100 * loc, abs=1e-9), text

    def test_a_target_on_the_centre_line_stays_a_line_and_a_label_of_its_own(self):
        fig = plots.control_chart(WEEKS, 0.742 + RNG.normal(0, 0.01, 26), centre=0.742,
                                  lcl=0.71, ucl=0.77, target=0.74, percent=True,
                                  title="FCR", ylabel="FCR (% of tickets)")
        ax = fig.axes[0]
        lines = {str(line.get_label()): line for line in ax.get_lines()}
        target = next(v for k, v in lines.items() if k.startswith("Target"))
        centre = lines["Centre line"]
        assert target.get_linewidth() > centre.get_linewidth()
        assert target.get_linestyle() != centre.get_linestyle()
        labels = _right_labels(fig)
        renderer = _renderer(fig)
        assert not labels["Target 74.0%"].get_window_extent(renderer).overlaps(
            labels["Centre 74.2%"].get_window_extent(renderer))

    def test_each_event_is_tagged_on_its_line_above_the_data(self):
        events = [("2025-03-10", "Scripts rewritten"), ("2025-03-24", "Training for all"),
                  ("2025-03-27", "triage: change live")]
        fig = _aht_phases(events=events)
        ax = fig.axes[0]
        renderer = _renderer(fig)
        tags = {t.get_text(): t for t in ax.texts if getattr(t, "xy", (0, 0))[1] == 1.0}
        assert set(tags) == {"1 Scripts", "2 Training", "Go-live"}
        boxes = {k: t.get_window_extent(renderer) for k, t in tags.items()}
        for a, b in itertools.combinations(boxes.values(), 2):
            assert not a.overlaps(b)                      # 3 days apart: stacked
        for (when, _), tag in zip(events, ("1 Scripts", "2 Training", "Go-live"), strict=True):
            x = ax.transData.transform((matplotlib.dates.date2num(pd.Timestamp(when)), 0))[0]
            box = boxes[tag]
            assert box.x0 <= x <= box.x1                  # on its line
            assert box.y0 >= ax.bbox.y1                   # above the data
        title = plots._title_text(ax).get_window_extent(renderer)
        assert all(title.y0 >= b.y1 - 1 for b in boxes.values())  # the title rises above
        assert "1 Scripts: 10 Mar 2025, Scripts rewritten" in _legend_texts(fig)  # in full

    def test_the_baseline_centre_is_carried_dashed_over_the_after_period(self):
        fig = _aht_phases(carried_centre=13.14)
        line = next(x for x in fig.axes[0].get_lines()
                    if x.get_label() == "Baseline centre carried forward")
        xs = [pd.Timestamp(x) for x in line.get_xdata()]
        assert (xs[0], xs[-1]) == (WEEKS[13], WEEKS[-1])
        assert set(line.get_ydata()) == {13.14} and line.get_linestyle() == "--"

    def test_a_long_title_keeps_a_margin_for_the_readers_font(self):
        fig = plots.control_chart(
            WEEKS, 0.7 + RNG.normal(0, 0.02, 26), centre=0.7, lcl=0.64, ucl=0.77, percent=True,
            title="First contact resolution per week, before and after the change "
                  "(Laney p' chart)", ylabel="First contact resolution (% of tickets per week)")
        renderer = _renderer(fig)
        title = plots._title_text(fig.axes[0])
        room = fig.bbox.x1 - title.get_window_extent(renderer).x1
        assert room >= 0.04 * fig.bbox.width, f"{room:.0f} px left for a wider font"
        assert title.get_text().replace("\n", " ").endswith("(Laney p' chart)")

    def test_waiting_curves_with_a_short_median_and_a_long_tail_use_a_log_axis(self):
        def waits(median, seed):   # lognormal: most answered in minutes, a tail of hours
            minutes = np.random.default_rng(seed).lognormal(np.log(median), 2.0, 600)
            curve = kaplan_meier(minutes, np.ones(600, bool))
            return np.asarray(curve.times, float), np.asarray(curve.survival, float)

        fig = plots.survival_curve({"Before": waits(4.1, 1), "After": waits(3.2, 2)},
                                   unit="minutes", title="First response: share still waiting")
        ax = fig.axes[0]
        assert ax.get_xscale() == "symlog" and ax.get_xlim()[0] == 0  # 0 stays on the chart
        _renderer(fig)
        at = (ax.transData.transform((4.1, 0))[0] - ax.bbox.x0) / ax.bbox.width
        assert at > 0.15, f"the 4.1-minute median at {at:.0%} of the axis"
        assert "log scale" in ax.get_xlabel()

    def test_the_pareto_names_what_it_counts(self):
        fig = plots.pareto_chart(["Noise", "Parking", "Bins"], [40, 25, 5],
                                 title="Complaints by category",
                                 ylabel="Number of complaints")
        assert fig.axes[1].get_ylabel() == "Cumulative share of complaints"
        assert plots.pareto_chart(["a", "b"], [2, 1], title="T").axes[1].get_ylabel() == (
            "Cumulative share of tickets")


class TestKpiPanels:
    """The over-time summary's small multiples (issue 24): one figure, one panel per KPI,
    every panel named, with its unit, readable when enlarged on a phone."""

    def test_one_panel_per_kpi_each_with_its_name_and_unit(self, figures):
        fig = figures["overtime_nine_kpis"]
        assert len(fig.axes) == 9
        assert fig.axes[5].get_title(loc="left") == "市民满意度（平均分）"
        for ax in fig.axes:
            assert ax.get_title(loc="left") and ax.get_ylabel()
            assert any(word in ax.get_ylabel() for word in
                       (*UNIT_WORDS, "score", "points")), ax.get_ylabel()
        # the duration panel: hours on a log axis, its target (4 hours) and limits held
        hours = fig.axes[2]
        assert hours.get_yscale() == "log" and hours.get_ylim()[0] <= 4
        assert "Target 4.0 hours" in [t.get_text() for t in hours.texts]
        # a target far above the data (95% CSAT) stays on the chart
        assert fig.axes[4].get_ylim()[1] >= 0.95

    def test_title_legend_and_panels_never_overlap(self, figures):
        fig = figures["overtime_nine_kpis"]
        renderer = _renderer(fig)
        texts = [fig._suptitle, *fig.legends[0].get_texts(), *_texts(fig)]
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
        clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
                   if box_a.overlaps(box_b)]
        assert not clashes, clashes[:3]
        key = fig.legends[0].get_window_extent(renderer)
        assert all(key.y0 >= ax.get_tightbbox(renderer).y1 for ax in fig.axes)
        assert fig._suptitle.get_window_extent(renderer).y0 >= key.y1
        assert fig._suptitle.get_window_extent(renderer).x1 <= fig.bbox.x1
        for a, b in itertools.combinations(fig.axes, 2):   # panels apart, labels included
            assert not a.get_tightbbox(renderer).overlaps(b.get_tightbbox(renderer))

    def test_special_cause_points_are_marked_improving_or_concerning(self, figures):
        fig = figures["overtime_nine_kpis"]
        marked = {ax.get_title(loc="left"): sum(len(c.get_offsets()) for c in ax.collections)
                  for ax in fig.axes}
        assert marked["First contact resolution"] == 13 and marked["Reopen rate"] == 0
        assert marked["Complaint rate"] == 2
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert {"Special cause, improving (NHS rules)", "Special cause, concerning (NHS rules)",
                "Go-live (07 Apr 2025)", "Baseline centre carried forward",
                "Target"} <= set(labels)

    def test_one_image_of_panels_about_2_2_inches_tall(self, figures):
        fig = figures["overtime_nine_kpis"]
        assert fig.get_layout_engine() is None   # laid out once, by hand: cheap to draw
        assert fig.get_figwidth() == 9
        assert 3 * plots.PANEL_HEIGHT < fig.get_figheight() < 3 * plots.PANEL_HEIGHT + 1.5

    def test_text_reads_on_a_phone_when_the_chart_is_enlarged(self, figures):
        # the page shows an enlarged chart at 1.25 times its own width (96 px an inch), the
        # browser test's small print is 11 px (tests/test_browser_reader.py)
        fig = figures["overtime_nine_kpis"]
        _renderer(fig)
        texts = [fig._suptitle, *fig.legends[0].get_texts(), *_texts(fig)]
        smallest = min(t.get_fontsize() for t in texts)
        assert smallest * 96 / 72 * 1.25 >= 11, f"{smallest} pt"

    def test_no_panels_is_an_error(self):
        with pytest.raises(ValueError, match="at least one panel"):
            plots.kpi_panels([], title="Every KPI")


# --- issue 24: every chart drawn again for a phone (plots.phone_figure) -------------------

@pytest.fixture(scope="module")
def phone_figures(figures):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # a collapsed layout fails here
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing")  # CJK: tested above
        return {name: plots.phone_figure(fig) for name, fig in figures.items()}


def _all_texts(fig) -> list:
    """Every visible text of the figure, its figure legends and titles included."""
    texts = _texts(fig) + [t for legend in fig.legends for t in legend.get_texts()]
    if getattr(fig, "_suptitle", None) is not None:
        texts.append(fig._suptitle)
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("name", list(CHARTS))
class TestEveryChartOnAPhone:
    """At 390 px the page shows the phone drawing at its own size (360 px): its smallest
    text is PHONE_MIN_PT (11.3 px), the page's small print, without enlarging."""

    def test_narrow_and_no_text_under_the_small_print(self, phone_figures, name):
        fig = phone_figures[name]
        assert fig is not None, f"{name}: no phone drawing"
        assert fig.get_figwidth() == pytest.approx(plots.PHONE_WIDTH)
        _renderer(fig)
        small = [(t.get_text()[:30], t.get_fontsize()) for t in _all_texts(fig)
                 if t.get_fontsize() < plots.PHONE_MIN_PT]
        assert not small, f"{name}: text under {plots.PHONE_MIN_PT} pt: {small[:4]}"

    def test_no_text_over_text_nor_outside(self, phone_figures, name):
        fig = phone_figures[name]
        renderer = _renderer(fig)
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
        clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
                   if box_a.overlaps(box_b)]
        assert not clashes, f"{name}: text over text {clashes[:3]}"
        tight = fig.get_tightbbox(renderer).transformed(fig.dpi_scale_trans)
        assert tight.x0 >= -1 and tight.x1 <= fig.bbox.x1 + 1, f"{name}: cut at a side"
        for legend in [ax.get_legend() for ax in fig.axes] + fig.legends:
            if legend is not None:  # outside the layout, so not in the tight box above
                box = legend.get_window_extent(renderer)
                assert box.x0 >= -1 and box.x1 <= fig.bbox.x1 + 1, f"{name}: legend cut"

    def test_legend_beneath_and_the_chart_kept_wide(self, phone_figures, name):
        fig = phone_figures[name]
        renderer = _renderer(fig)
        for ax in fig.axes:
            legend = ax.get_legend()
            if legend is not None:
                assert legend.get_window_extent(renderer).y1 <= ax.bbox.y0 + 1, \
                    f"{name}: legend beside or over the chart"
        widest = max(ax.bbox.width for ax in fig.axes)
        assert widest >= 0.45 * fig.bbox.width, f"{name}: chart {widest:.0f} px of " \
                                                 f"{fig.bbox.width:.0f}"

    def test_says_what_the_desktop_chart_says(self, figures, phone_figures, name):
        wide, phone = figures[name], phone_figures[name]
        assert len(wide.axes) == len(phone.axes)
        assert ["".join(ax.get_title(loc="left").split()) for ax in wide.axes] == \
               ["".join(ax.get_title(loc="left").split()) for ax in phone.axes]
        def keys(fig):  # legend entries, whatever their wrapping
            return [["".join(t.get_text().split()) for t in legend.get_texts()]
                    for legend in [ax.get_legend() for ax in fig.axes] + fig.legends
                    if legend is not None]

        assert keys(wide) == keys(phone)


def test_small_multiples_one_panel_a_row_on_a_phone(phone_figures):
    fig = phone_figures["overtime_nine_kpis_events"]
    lefts = {round(ax.get_position().x0, 3) for ax in fig.axes}
    assert len(fig.axes) == 9 and len(lefts) == 1
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "1 Write (14 Mar)" in labels and any("培训" not in x for x in labels)


def test_a_figure_not_drawn_here_has_no_phone_drawing():
    from matplotlib.figure import Figure

    assert plots.phone_figure(Figure()) is None
