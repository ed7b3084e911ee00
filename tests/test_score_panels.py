"""Issue 24/27 chart polish for the headline scores over time: the compare page's small
multiples (plots.kpi_panels) and each score's phase chart (timeview.PhaseView.figure).

The panels are shaped as the demo's compare page draws them (tests/test_overtime_scores.py
builds the real ones): 26 weeks for the ticket KPIs and the weekly scores, and TPS read
by month, its months cut at the window's start (a Monday, 05 Jan) and at the go-live (a
Monday, 06 Apr), so "01 Apr" and "06 Apr" are two points five days apart; thin months
(1 and 3 audits) drawn but not judged; long score names ("Customer satisfaction index
(CSI)", "Standards conformance (weighted)", a Chinese name) in the right-hand column,
where a title has no neighbour to run into but the figure's edge.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from pdcakit import plots

WEEKS = pd.date_range("2026-01-05", periods=26, freq="W-MON")
#: TPS by month, cut at the windows' start and at the go-live (06 Apr 2026)
MONTHS = pd.DatetimeIndex(["2026-01-05", "2026-02-01", "2026-03-01", "2026-04-01",
                           "2026-04-06", "2026-05-01", "2026-06-01", "2026-07-01"])
THIN_MONTHS = [False, False, False, True, False, False, False, True]


def _panels() -> list[plots.KpiPanel]:
    rng = np.random.default_rng(2427)
    shift = np.r_[np.zeros(13), np.ones(13)]

    def weekly(name, unit, values, centre, **kw):
        return plots.KpiPanel(name, unit, WEEKS, values, 13, centre, **kw)

    return [
        weekly("First contact resolution", "% of tickets", 0.68 + 0.06 * shift
               + rng.normal(0, 0.01, 26), 0.68, special=range(13, 26), improving=True,
               target=0.74, percent=True),
        weekly("Average handle time", "minutes (mean)", 13.1 - 0.6 * shift
               + rng.normal(0, 0.2, 26), 13.14),
        weekly("Customer satisfaction index (CSI)", "mean score", 3.8 + 0.16 * shift
               + rng.normal(0, 0.08, 26), 3.8, special=range(13, 26), improving=True,
               target=4.0),
        plots.KpiPanel("Process audit score (TPS), per month", "mean total",
                       MONTHS, [21.1, 21.9, 21.8, 21.8, 22.4, 21.9, 22.2, 23.6], 4, 21.56,
                       target=21.0, sparse=THIN_MONTHS, xlabel="Month"),
        weekly("Standards conformance (weighted)", "% weighted", 0.48 + 0.05 * shift
               + rng.normal(0, 0.01, 26), 0.481, special=range(13, 26), improving=True,
               percent=True),
        weekly("综合绩效评分（加权标准与首次解决率）", "% composite", 0.63 + 0.04 * shift
               + rng.normal(0, 0.01, 26), 0.628, percent=True),
    ]


def _draw(phone: bool):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing")
        fig = plots.kpi_panels(_panels(), title="Every KPI per week, before and after the "
                               "change: the baseline's centre carried forward (dashed), "
                               "special-cause points marked", xlabel="Week",
                               change_label="Go-live (06 Apr 2026)")
        return plots.phone_figure(fig) if phone else fig


@pytest.fixture(scope="module", params=["desktop", "phone"])
def drawn(request):
    fig = _draw(request.param == "phone")
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return request.param, fig, fig.canvas.get_renderer()


def _ticks(axis, renderer):
    low, high = sorted(axis.get_view_interval())
    return [(t.label1.get_text(), t.label1.get_window_extent(renderer))
            for t, at in zip(axis.get_major_ticks(), axis.get_majorticklocs(), strict=False)
            if low <= at <= high and t.label1.get_visible() and t.label1.get_text()]


def test_every_panel_title_is_whole_inside_the_figure(drawn) -> None:
    # "Customer satisfaction index (CS…" and "Standards conformance (weighted…" were cut
    # at the figure's right edge; a browser draws text a little wider than measured here
    # (TITLE_MARGIN), so a title keeps that margin
    where, fig, renderer = drawn
    margin = plots.TITLE_MARGIN * fig.bbox.width / 2
    for ax, panel in zip(fig.axes, _panels(), strict=True):
        title = plots._title_text(ax)
        box = title.get_window_extent(renderer)
        assert "".join(title.get_text().split()) == "".join(panel.name.split())
        assert box.x0 >= 0 and box.x1 <= fig.bbox.x1 - margin, \
            f"{where}: {panel.name!r} ends at {box.x1:.0f} of {fig.bbox.x1:.0f} px"
        assert title.get_fontsize() >= (plots.PHONE_MIN_PT if where == "phone" else 8)


def test_titles_clear_the_neighbours_the_target_and_the_panel_above(drawn) -> None:
    where, fig, renderer = drawn
    texts = []
    for ax in fig.axes:
        texts += [plots._title_text(ax), *ax.texts, ax.xaxis.label, ax.yaxis.label]
        texts += [t.label1 for t in ax.xaxis.get_major_ticks() if t.label1.get_visible()
                  and t.label1.get_text()]
    texts += [fig._suptitle, *fig.legends[0].get_texts()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts
             if t.get_text().strip()]
    clashes = [(a, b) for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
               if box_a.overlaps(box_b)]
    assert not clashes, f"{where}: {clashes[:3]}"
    key = fig.legends[0].get_window_extent(renderer)
    assert all(key.y0 >= ax.get_tightbbox(renderer).y1 for ax in fig.axes), where


def test_date_ticks_of_a_monthly_panel_do_not_overlap(drawn) -> None:
    # TPS by month: "05 Jan" ran into "Feb" and "Apr" (01 Apr) into "06 Apr"
    where, fig, renderer = drawn
    for ax in fig.axes:
        ticks = _ticks(ax.xaxis, renderer)
        assert len(ticks) >= 3, (where, ax.get_title(loc="left"))
        for (a, box_a), (b, box_b) in itertools.pairwise(ticks):
            assert box_a.x1 + 2 <= box_b.x0, f"{where}: {a!r} touches {b!r} " \
                                             f"({ax.get_title(loc='left')})"


def test_thin_periods_are_hollow_and_named_in_the_legend(drawn) -> None:
    where, fig, _ = drawn
    tps = fig.axes[3]
    hollow = [c for c in tps.collections if c.get_label() == plots.TOO_FEW_LABEL]
    assert len(hollow) == 1 and len(hollow[0].get_offsets()) == sum(THIN_MONTHS)
    face = hollow[0].get_facecolor()
    assert np.allclose(face[:, :3], 1.0), "hollow: a white face, the line's colour round it"
    # the weekly panels have no thin week: no hollow marker there
    assert not any(c.get_label() == plots.TOO_FEW_LABEL for ax in fig.axes[:3]
                   for c in ax.collections)
    labels = ["".join(t.get_text().split()) for t in fig.legends[0].get_texts()]
    assert "".join(plots.TOO_FEW_LABEL.split()) in labels, where


def test_a_sparse_flag_per_period_or_none() -> None:
    panel = _panels()[3]
    with pytest.raises(ValueError, match=r"sparse has 2 flags for 8 periods"):
        plots.kpi_panels([plots.KpiPanel(panel.name, panel.unit, panel.x, panel.values, 4,
                                          panel.centre, sparse=[True, False])], title="x")


def test_a_panel_read_by_month_says_month_under_its_dates(drawn) -> None:
    # the weekly page's panels say "Week"; TPS, read by month, said "Week" too
    where, fig, _ = drawn
    assert fig.axes[3].get_xlabel() == "Month", where
    assert fig.axes[-1].get_xlabel() == "Week"
    assert [ax.get_xlabel() for ax in fig.axes[:3]] == ["", "", ""]   # not the bottom row


def test_only_a_row_with_a_wrapped_name_grows(drawn) -> None:
    # on a phone (one panel a row) a row of a one-line name keeps PANEL_HEIGHT, so six
    # panels are not all stretched by the longest name
    where, fig, _ = drawn
    tops = [ax.get_position().y1 * fig.get_figheight() for ax in fig.axes]
    names = [plots._title_text(ax).get_text() for ax in fig.axes]
    if where == "phone":
        assert "\n" not in names[1]                      # "Average handle time"
        assert tops[0] - tops[1] == pytest.approx(plots.PANEL_HEIGHT)
        assert "\n" in names[2]                          # "Customer satisfaction index (CSI)"
        assert tops[1] - tops[2] > plots.PANEL_HEIGHT
    else:                                                # a row of three: the tallest name
        assert tops[0] - tops[3] > plots.PANEL_HEIGHT and tops[0] == tops[1] == tops[2]
