"""Charts are drawn as few times as their outputs need (issue 29): each chart of
:mod:`pdcakit.plots` and :mod:`pdcakit.unitcharts`, shown on a page with its phone drawing
(:func:`pdcakit.stages.display.figure_svg` of the figure and of
:func:`pdcakit.plots.phone_figure`), costs ONE ``Figure.draw`` per SVG and two layouts per
drawing (one while it is fitted, one when it is saved). Counted with a patched counter, not
timed, so a change that draws a chart again fails here on any machine.

Before this file (the lead's cProfile of the 100k pages, 2026-12-07): 162 draws for 18
figures, 8 to 12 draws per chart with its phone drawing.
"""

from __future__ import annotations

import collections
import contextlib
import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib import layout_engine
from matplotlib.figure import Figure

from pdcakit import plots, unitcharts
from pdcakit.metrics.durations import kaplan_meier
from pdcakit.stages.display import figure_svg

#: Figure.draw calls a chart may cost, desktop and phone SVG together.
MAX_DRAWS = 2
#: Constrained-layout passes a chart may cost, desktop and phone together.
MAX_LAYOUTS = 4


@contextlib.contextmanager
def counted():
    """Count ``Figure.draw`` calls and constrained-layout passes inside the block."""
    counts: collections.Counter[str] = collections.Counter()
    draw, execute = Figure.draw, layout_engine.ConstrainedLayoutEngine.execute

    def counting_draw(self, renderer):
        counts["draw"] += 1
        return draw(self, renderer)

    def counting_execute(self, fig):
        counts["layout"] += 1
        return execute(self, fig)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Figure, "draw", counting_draw)
        patch.setattr(layout_engine.ConstrainedLayoutEngine, "execute", counting_execute)
        yield counts


def _shown(build):
    """Build a chart and draw it as a page shows it: its SVG and its phone drawing's."""
    with counted() as counts:
        fig = build()
        svg = figure_svg(fig, key="desktop")
        phone = plots.phone_figure(fig)
        phone_svg = figure_svg(phone, key="phone") if phone is not None else ""
    return fig, svg, phone_svg, counts


# ------------------------------------------------------------------ real-shaped data
WEEKS = pd.date_range("2026-01-05", periods=26, freq="W-MON")
CHANGE = 13


def _rng():
    return np.random.default_rng(29)  # each chart the same each time it is built


def _weekly_share():
    rng = _rng()
    values = np.r_[rng.normal(0.68, 0.012, CHANGE), rng.normal(0.735, 0.012, 26 - CHANGE)]
    values[4] = np.nan  # a week without tickets: a gap
    centre = np.r_[np.full(CHANGE, 0.683), np.full(26 - CHANGE, 0.735)]
    return values, centre


def _control_chart():
    values, centre = _weekly_share()
    return plots.control_chart(
        WEEKS, values, centre=centre, lcl=centre - 0.03, ucl=centre + 0.03,
        signals=np.r_[np.zeros(20, bool), True, np.zeros(5, bool)], target=0.74,
        title="First contact resolution per week, before and after the change (Laney p')",
        ylabel="First contact resolution (% of tickets per week)", xlabel="Week",
        percent=True, phase_starts=[WEEKS[CHANGE]], change=WEEKS[CHANGE],
        carried_centre=0.683, sparse=np.r_[np.zeros(25, bool), True],
        events=[("2026-03-20", "Write guided scripts for the top ten reasons"),
                ("2026-04-03", "Train agents on the knowledge base"),
                ("2026-04-06", "demo-helpdesk: change live"),
                ("2026-04-06", "Switch on email triage rules")])


def _duration_chart():
    rng = _rng()
    medians = np.r_[rng.lognormal(np.log(130), 0.2, CHANGE), rng.lognormal(np.log(75), 0.2, 13)]
    centre = np.r_[np.full(CHANGE, 128.0), np.full(13, 74.0)]
    return plots.control_chart(
        WEEKS, medians, centre=centre, lcl=centre / 1.8, ucl=centre * 1.8,
        title="Time to resolve per week (I chart of log medians)",
        ylabel="Time to resolve (median per week)", xlabel="Week", scale="hours",
        share_open=np.r_[np.full(24, 0.01), 0.2, 0.6], log_y=True,
        unreached=np.r_[np.zeros(25, bool), True], phase_starts=[WEEKS[CHANGE]],
        change=WEEKS[CHANGE], centre_label="Centre (geometric mean, per period)")


def _pareto():
    rng = _rng()
    # dozens of categories, some Chinese, one very long: top 15 + "Other"
    names = [f"Category {k}" for k in range(40)] + ["软件故障", "权限申请",
                                                     "Password reset and account unlock"]
    counts = rng.integers(5, 900, len(names))
    return plots.pareto_chart(names, counts, title="Tickets by category")


def _survival():
    rng = _rng()
    curves = {}
    for label, hours in (("Before (n = 50,063)", 2.2), ("After (n = 49,937)", 1.2)):
        minutes = rng.exponential(hours * 60 / np.log(2), 3000)
        observed = rng.random(3000) > 0.3  # heavy censoring: 30% still open
        km = kaplan_meier(minutes, observed)
        curves[label] = (km.times, km.survival)
    return plots.survival_curve(curves, title="Time to resolve: share still waiting",
                                unit="minutes")


def _forest():
    rng = _rng()
    channels = ["phone", "email", "chat", "web", "电话", "在线", "walk-in counter"]
    est = rng.normal(0.04, 0.02, len(channels))
    return plots.forest_plot(channels, est, est - 0.03, est + 0.03, title="FCR by channel",
                             xlabel="Change in FCR (percentage points)",
                             significant=est > 0.04, overall=(0.05, 0.03, 0.07),
                             percent_points=True)


def _ecdf():
    rng = _rng()
    before = np.r_[rng.lognormal(2, 0.6, 2000), np.zeros(40)]  # closed at once: zeros
    after = rng.lognormal(1.8, 0.6, 2000)
    return plots.ecdf_plot({"Before": before, "After": after}, title="Handle time",
                           xlabel="Handle time (minutes)", unit="minutes")


def _histogram():
    rng = _rng()
    days = pd.Series(rng.integers(0, 12, 4000)).astype(float) * 1440  # date-only times
    return plots.duration_histogram(days, median=1440.0, p90=7200.0, threshold=2880.0,
                                    title="Time to resolve (resolved tickets)")


def _power():
    sizes = np.linspace(10, 4000, 60)
    return plots.power_curve(sizes, 1 - np.exp(-sizes / 900), target_power=0.8,
                             required_n=1450, title="Tickets needed to detect the target")


def _steps():
    return plots.step_bars(["Triage", "Diagnose", "等待客户回复", "Fix", "Close"],
                           [4, 12, 30, 20, 3], [3, 9, 18, 17, 2],
                           kinds=["value-added", "value-added", "waiting", "value-added",
                                  "value-added"], title="Minutes per step")


def _funnel():
    rng = _rng()
    sizes = rng.integers(30, 900, 60)
    values = rng.normal(0.7, 0.05, 60)
    grid = np.linspace(20, 950, 40)
    spread = 1.96 * np.sqrt(0.21 / grid)
    return unitcharts.funnel_chart(
        sizes, values, [f"agent {k}" for k in range(60)],
        outside=["above" if v > 0.82 else "below" if v < 0.58 else "" for v in values],
        target=0.7, curve_sizes=grid, curves={0.95: (0.7 - spread, 0.7 + spread)},
        title="FCR by agent: funnel plot", xlabel="Tickets", ylabel="FCR", percent=True)


def _event_study():
    weeks = list(range(-6, 8))
    est = [0.0 if w == -1 else 0.01 * max(w, 0) for w in weeks]
    return unitcharts.event_study_chart(weeks, est, [e - 0.02 for e in est],
                                        [e + 0.02 for e in est], title="FCR after training",
                                        xlabel="Weeks from training", ylabel="Change in FCR")


CHARTS = {"control chart with events and limits": _control_chart,
          "duration chart with its open-share strip": _duration_chart,
          "pareto of 43 categories": _pareto, "survival curves": _survival,
          "forest plot": _forest, "ecdf": _ecdf, "duration histogram": _histogram,
          "power curve": _power, "step bars": _steps, "funnel plot": _funnel,
          "event study": _event_study}


@pytest.mark.parametrize("build", CHARTS.values(), ids=CHARTS.keys())
def test_a_chart_and_its_phone_drawing_cost_one_draw_each(build):
    _, svg, phone_svg, counts = _shown(build)
    assert svg.startswith("<svg") and phone_svg.startswith("<svg")
    assert counts["draw"] <= MAX_DRAWS, f"{counts['draw']} Figure.draw calls"
    assert counts["layout"] <= MAX_LAYOUTS, f"{counts['layout']} layouts"


def test_building_a_chart_draws_nothing():
    # the fitting measures text and lays the figure out; drawing waits for the page
    with counted() as counts:
        _control_chart()
    assert counts["draw"] == 0 and counts["layout"] == 1


def test_kpi_panels_are_drawn_once_per_svg_without_a_layout_engine():
    panels = [plots.KpiPanel(name, "% of tickets", WEEKS, _weekly_share()[0], change=CHANGE,
                             centre=0.683, special=(20, 21), improving=True, target=0.74,
                             percent=True, sparse=[False] * 25 + [True])
              for name in ("FCR", "Complaint rate", "客户满意度指数 CSI", "Reopen rate")]
    _, _, _, counts = _shown(lambda: plots.kpi_panels(
        panels, title="Every KPI per week", events=[("2026-03-20", "Write scripts")]))
    assert counts["draw"] == 2 and counts["layout"] == 0


def test_saving_keeps_the_layout_engine_and_lays_out_a_later_change():
    fig = _control_chart()
    figure_svg(fig, key="a")
    assert fig.get_layout_engine() is not None  # put back after the one drawing
    # a caller's change after the chart was built is laid out when it is saved
    fig.axes[0].set_ylabel("A value-axis label\nset by a caller\nover three lines")
    before = fig.axes[0].get_position().x0
    figure_svg(fig, key="b")
    assert fig.axes[0].get_position().x0 > before


def test_svg_is_the_same_each_time():
    # nbval compares the executed notebooks' outputs: one layout less must not make them vary
    assert figure_svg(_control_chart(), key="k") == figure_svg(_control_chart(), key="k")


def test_limit_labels_and_event_tags_stay_apart_and_on_the_figure():
    fig = _control_chart()
    figure_svg(fig, key="laid out")  # laid out as the page draws it
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    labels = [t for t in ax.texts if t.get_text().startswith(("UCL", "LCL", "Centre",
                                                                "Target"))]
    assert len(labels) >= 5
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
    assert all(low.y1 <= high.y0 + 1.5 for low, high in itertools.pairwise(boxes))  # no overlap
    tags = [child for child in ax.get_children()
            if type(child).__name__ == "Annotation" and child.get_text()]
    assert sorted(t.get_text() for t in tags) == ["1 Write", "2 Train", "3 Switch", "Go-live"]
    tag_boxes = [t.get_window_extent(renderer) for t in tags]
    assert not any(a.overlaps(b) for k, a in enumerate(tag_boxes) for b in tag_boxes[k + 1:])
    title = plots._title_text(ax).get_window_extent(renderer)
    assert all(box.y1 <= title.y0 + 1 for box in tag_boxes)  # the title above the tags
    assert all(fig.bbox.contains(box.x1 - 1, box.y1 - 1) for box in [*boxes, title])


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_legend_below_takes_as_many_columns_as_fit_built_once_or_twice(phone):
    # the columns are worked out from the entries' widths, not by building 4, 3, 2, 1
    fig = _control_chart()
    if phone:
        fig = plots.phone_figure(fig)
    ax = fig.axes[0]
    legend = ax.get_legend()
    renderer = fig.canvas.get_renderer()
    handles, labels = ax.get_legend_handles_labels()
    room = fig.bbox.width * (1 - plots.TITLE_MARGIN if phone else 1) - 2 * 0.06 * fig.dpi
    fitting = [k for k in range(1, 5) if ax.legend(
        handles, labels, ncols=k, fontsize=legend.prop.get_size_in_points(),
        frameon=False).get_window_extent(renderer).width <= room]
    assert legend._ncols == max(fitting, default=1)


def test_a_chart_nothing_changed_after_its_fitting_keeps_that_layout_when_saved():
    # a Pareto of a few short categories: no wrap, no legend to move; saving it lays it
    # out no more (its fitting did), and a change after that is laid out again
    with counted() as counts:
        fig = plots.pareto_chart(["VPN", "Email", "Printer"], [30, 20, 5], title="Tickets")
        figure_svg(fig, key="once")
    assert counts["layout"] == 1 and counts["draw"] == 1
    fig.axes[0].set_title("A title set after the chart was built", loc="left")
    with counted() as counts:
        figure_svg(fig, key="changed")
    assert counts["layout"] == 1
