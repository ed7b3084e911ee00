"""Matplotlib figures in one house style; every function returns a Figure.

Each chart carries a title, axis labels with units, and draws the target
and the control limits when given, so it reads on its own in an HTML
report. Functions take plain arrays, not result objects, so they serve
every stage.

Every figure is fitted once when it is built (one shared pass, :func:`_fit`): a title
or value-axis label longer than the room it has wraps onto a second line, a legend
wider than a quarter of the figure (or taller than the chart) moves below the chart
in columns and the figure grows to hold it, date axes tick in the data's own period
(days, months or years, never hours for daily data), and log axes read as plain
numbers. Saved without a ``dpi``, a figure is written at :data:`PRINT_DPI`.

Every figure can be drawn again for a phone (:func:`phone_figure`): the same chart,
:data:`PHONE_WIDTH` inches wide (shown at its own size on a 390-px screen), no type under
:data:`PHONE_MIN_PT` (the page's small print), legends beneath, fewer date ticks, and
small multiples one panel a row.

Every word a chart writes itself (legend entries, default axis labels, the limits' labels,
event tags, "Other (k categories)") comes from the words layer (:mod:`pdcakit.words`) in the
chart's ``language`` (``"en"`` by default; ``"zh-CN"``), and so do its dates (month names
on the time axis, the events' dates); titles and labels a caller passes are drawn as given.

>>> fig = control_chart(range(5), [3, 4, 3, 5, 4], centre=3.8, lcl=1.0, ucl=6.6,
...                     title="Weekly FCR", ylabel="FCR (%)")
>>> fig.axes[0].get_title(loc="left")
'Weekly FCR'
"""

from __future__ import annotations

import contextvars
import functools
import math
import re
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    FuncFormatter,
    LogLocator,
    MaxNLocator,
    NullFormatter,
    PercentFormatter,
)

from .fonts import font_family
from .results import DURATION_UNITS, DurationUnit, duration_unit, format_value
from .words import N_, Words, words

__all__ = ["AFTER_COLOUR", "BEFORE_COLOUR", "COLOURS", "PARETO_TOP", "PHONE_MIN_PT",
           "PHONE_WIDTH", "PRINT_DPI", "TOO_FEW_LABEL", "KpiPanel", "control_chart",
           "duration_histogram", "ecdf_plot", "forest_plot", "kpi_panels", "mark_events",
           "pareto_chart", "phone_figure", "power_curve", "series_colours", "step_bars",
           "survival_curve"]

#: One colour for "before" and one for "after" on every chart (lines, bars, curves).
BEFORE_COLOUR = "#8d99a6"
AFTER_COLOUR = "#1f4e79"

COLOURS = {
    "before": BEFORE_COLOUR,
    "after": AFTER_COLOUR,
    "data": "#1f4e79",
    "centre": "#2e7d32",
    "limit": "#c62828",
    "target": "#ef6c00",
    "signal": "#c62828",
    "muted": "#9e9e9e",
    "fill": "#90caf9",
    "event": "#6a1b9a",
}

#: Colours for series that are neither "before" nor "after" (segments, channels), in turn.
_SERIES_PALETTE = (COLOURS["data"], COLOURS["target"], COLOURS["centre"], COLOURS["event"],
                   COLOURS["limit"])

#: Pixels per inch a figure is saved at when no ``dpi`` is given: sharp in print and on
#: high-density screens (the stage pages draw at twice the figure's 96 dpi, the same).
PRINT_DPI = 192

#: Share of the figure's width a title leaves free at its right: the page draws a chart's
#: SVG text in the reader's font, which can run wider than matplotlib measured.
TITLE_MARGIN = 0.05

#: Largest share of the figure's width a legend beside the chart may take.
LEGEND_WIDTH_SHARE = 0.25

_STYLE = {
    "figure.figsize": (9, 4.2),
    "figure.dpi": 96,
    "savefig.dpi": PRINT_DPI,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 9,
    # a little more room at the figure's edges than matplotlib's 3 pt: a browser draws the
    # SVG's text in its own font, slightly wider than the one matplotlib measured
    "figure.constrained_layout.w_pad": 6 / 72,
    "figure.constrained_layout.h_pad": 6 / 72,
}


_STYLE["font.family"] = font_family()  # CJK fallback, cache refresh, one warning

#: Width of a chart drawn for a phone, in inches: 360 CSS px at 96 dpi, shown at its own
#: size in the 369 px a 390-px screen leaves between the page's margins.
PHONE_WIDTH = 3.75
#: Smallest type on a phone chart, in points: 11.3 CSS px at the chart's own size, as large
#: as the page's small print (the verdict box's notes, 12.3 px; the test allows 11).
PHONE_MIN_PT = 8.5
#: A phone chart's height: the desktop chart's times this, never under 3 inches.
_PHONE_HEIGHT_SHARE = 0.85
#: The house style's type sizes on a phone chart (points).
_PHONE_STYLE = {"axes.titlesize": 11, "axes.labelsize": 9.5, "xtick.labelsize": 9,
                "ytick.labelsize": 9, "legend.fontsize": 9}

_PHONE = contextvars.ContextVar("pdca_phone_chart", default=False)


def _pt(size: float) -> float:
    """A type size in points: as given, or :data:`PHONE_MIN_PT` at least on a phone chart."""
    return max(size, PHONE_MIN_PT) if _PHONE.get() else size


def _phone_style() -> dict[str, Any]:
    return _PHONE_STYLE if _PHONE.get() else {}


def _remember(fig: Figure, func: Callable[..., Figure], args: Any, kwargs: Any) -> Figure:
    """Keep on ``fig`` how it was drawn, so :func:`phone_figure` can draw it again."""
    fig._pdca_recipe = (func, args, kwargs)  # type: ignore[attr-defined]
    return fig


def phone_figure(fig: Figure) -> Figure | None:
    """The chart ``fig`` drawn again for a phone: :data:`PHONE_WIDTH` inches wide, no type
    under :data:`PHONE_MIN_PT`, legends beneath, fewer date ticks, small multiples one
    panel a row. ``None`` for a figure this module did not draw (nothing to draw again).
    Drawn with the same data, so it says the same; a page shows it on narrow screens.

    >>> fig = control_chart(range(5), [3, 4, 3, 5, 4], centre=3.8, title="Weekly FCR",
    ...                     ylabel="FCR (%)")
    >>> phone = phone_figure(fig)
    >>> float(phone.get_figwidth()), phone.axes[0].get_title(loc="left")
    (3.75, 'Weekly FCR')
    >>> phone_figure(Figure()) is None
    True
    """
    recipe = getattr(fig, "_pdca_recipe", None)
    if recipe is None:
        return None
    func, args, kwargs = recipe
    token = _PHONE.set(True)
    try:
        return func(*args, **kwargs)
    finally:
        _PHONE.reset(token)


def _styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure under the house style (rcParams apply when artists are created),
    then fit its texts and legends to it (:func:`_fit`); the figure remembers how it was
    drawn (:func:`phone_figure`)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context({**_STYLE, **_phone_style()}):
            return _remember(_fit(func(*args, **kwargs)), wrapper, args, kwargs)

    return wrapper


class _HouseFigure(Figure):
    """A Figure saved at :data:`PRINT_DPI` unless the caller names a ``dpi``."""

    def savefig(self, fname: Any, **kwargs: Any) -> None:
        kwargs.setdefault("dpi", PRINT_DPI)
        super().savefig(fname, **kwargs)


def _new_figure(figsize: tuple[float, float] | None = None) -> Figure:
    width, height = figsize or _STYLE["figure.figsize"]
    if _PHONE.get():
        width, height = PHONE_WIDTH, max(3.0, height * _PHONE_HEIGHT_SHARE)
    fig = _HouseFigure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)  # measures text when the figure is fitted
    fig._pdca_after_layout = []  # type: ignore[attr-defined]  # run by _fit (_after_layout)
    return fig


def _lay_out(fig: Figure) -> None:
    """Place the figure's axes as its layout engine would when drawn, without drawing it:
    a draw also walks every artist, which costs as much again."""
    engine = fig.get_layout_engine()
    if engine is not None and fig.axes:
        engine.execute(fig)


def _after_layout(fig: Figure, step: Callable[[], None]) -> None:
    """Run ``step`` (which needs the axes' final ranges and sizes) once the figure is laid
    out: in :func:`_fit`'s one layout for a figure of this module, at once (after a layout)
    for any other."""
    pending = getattr(fig, "_pdca_after_layout", None)
    if pending is not None:
        pending.append(step)
    else:
        fig.draw_without_rendering()
        step()


def _figure(figsize: tuple[float, float] | None = None) -> tuple[Figure, Any]:
    fig = _new_figure(figsize)
    return fig, fig.add_subplot()


def _finish(ax: Any, title: str, xlabel: str, ylabel: str, percent: bool = False) -> None:
    ax.set_title(title, loc="left", pad=getattr(ax, "_pdca_title_pad", None))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if _PHONE.get():  # wrapped before the first layout, which a long line would collapse
        fig, renderer = ax.figure, ax.figure.canvas.get_renderer()
        title_text = _title_text(ax)
        if title_text is not None:
            _wrap(title_text, fig.bbox.width * (1 - 2 * TITLE_MARGIN), renderer)
        _wrap(ax.yaxis.label, fig.bbox.height * 0.6, renderer)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                  fontsize=_pt(9))
        if _PHONE.get():  # no room beside the chart on a phone: beneath it at once
            _legend_below(ax.figure, ax, ax.figure.canvas.get_renderer())


def _fit(fig: Figure) -> Figure:
    """Fit a finished figure, from ONE layout (:func:`_lay_out`; the page's drawing lays
    it out once more, with what changed here): what waited for the axes' sizes runs
    (:func:`_after_layout`: event tags, the limits' labels), long titles and value-axis
    labels wrap to the room they have, and a legend too wide (over
    :data:`LEGEND_WIDTH_SHARE` of the figure) or taller than its chart moves below the
    charts (:func:`_legend_below`)."""
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:  # the right edge taken by the lines' labels: below before the layout
        if (getattr(ax, "_pdca_line_labels", False) and ax.get_legend() is not None
                and not getattr(ax, "_pdca_legend_below", False)):
            _legend_below(fig, ax, renderer)
    _lay_out(fig)
    fig.stale = False  # any change from here on marks it stale again: laid out anew
    for step in getattr(fig, "_pdca_after_layout", ()):
        step()
    fig._pdca_after_layout = []  # type: ignore[attr-defined]
    widened: dict[int, float] = {}  # pixels each axes' left edge moves when its label wraps
    for ax in fig.axes:
        if ax.yaxis.label.get_text():
            before = ax.yaxis.label.get_window_extent(renderer).width
            _wrap(ax.yaxis.label, ax.bbox.height, renderer)
            widened[id(ax)] = ax.yaxis.label.get_window_extent(renderer).width - before
        if _PHONE.get() and ax.xaxis.label.get_text():  # a phone's narrow chart
            _wrap(ax.xaxis.label, ax.bbox.width * (1 - TITLE_MARGIN), renderer)
    # a wrapped value-axis label widens the left margin, which moves the left-aligned title
    # right by as much: the layout would place it there
    shift = max(widened.values(), default=0.0)
    for ax in fig.axes:
        title = _title_text(ax)
        if title is not None:
            # a margin for a reader's font, wider than matplotlib's (SVG text)
            room = (fig.bbox.x1 - ax.bbox.x0 - shift - TITLE_MARGIN * fig.bbox.width)
            if _PHONE.get():  # wrapped before the layout placed it: again, in its room
                title.set_text(" ".join(title.get_text().split()))
            _wrap(title, room, renderer)
    crowded = [ax for ax in fig.axes if ax.get_legend() is not None
               and not getattr(ax, "_pdca_legend_below", False)
               and (getattr(ax, "_pdca_line_labels", False)  # the right edge is taken
                    or _crowds(fig, ax, ax.get_legend().get_window_extent(renderer)))]
    for ax in crowded:
        _legend_below(fig, ax, renderer)
    # nothing moved since the layout: saving may keep it (pdcakit.stages.display.figure_svg)
    fig._pdca_laid_out = not fig.stale  # type: ignore[attr-defined]
    return fig


def _crowds(fig: Figure, ax: Any, box: Any) -> bool:
    """A legend beside the chart crowds it when wider than :data:`LEGEND_WIDTH_SHARE` of
    the figure or taller than the chart."""
    return box.width > LEGEND_WIDTH_SHARE * fig.bbox.width or box.height > ax.bbox.height


def _title_text(ax: Any) -> Text | None:
    """The Text artist of the axes' left title (the house title), if it has one."""
    wanted = ax.get_title(loc="left")
    if not wanted:
        return None
    return next((child for child in ax.get_children()
                 if isinstance(child, Text) and child.get_text() == wanted), None)


def _wrap(text: Text, room: float, renderer: Any) -> None:
    """Break ``text`` into lines that fit ``room`` pixels along its direction."""
    box = text.get_window_extent(renderer)
    length = box.height if text.get_rotation() % 180 == 90 else box.width
    words = text.get_text()
    if length <= room or room <= 0 or "\n" in words:
        return
    lines = max(2, math.ceil(length / room))
    text.set_text(textwrap.fill(words, max(8, math.ceil(len(words) / lines * 1.08))))


def _legend_below(fig: Figure, ax: Any, renderer: Any) -> None:
    """Move ``ax``'s legend to a band along the bottom of the figure, in as many columns
    (up to 4) as fit its width; the figure grows by the band, so the charts keep their
    size, and the layout keeps to the space above it."""
    handles, labels = ax.get_legend_handles_labels()
    ax.get_legend().remove()
    pad = 0.06 * fig.dpi
    # a phone's browser draws the text a little wider than measured here: a margin
    room = fig.bbox.width * (1 - TITLE_MARGIN if _PHONE.get() else 1) - 2 * pad
    columns = min(len(handles), 4)
    while True:  # the most columns that fit; usually built once (_legend_columns)
        legend = ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0),
                           bbox_transform=fig.transFigure, ncols=columns, frameon=False,
                           fontsize=_pt(9), borderaxespad=0.3)
        width = legend.get_window_extent(renderer).width
        if width <= room or columns == 1:
            break
        fewer = _legend_columns(legend, columns, width, room, renderer)
        legend.remove()
        columns = min(fewer, columns - 1)
    if width > room:
        # one column still wider than the figure (a phone's): its long entries wrap
        handle = (legend.handlelength + legend.handletextpad) * legend.prop.get_size_in_points()
        for text in legend.get_texts():
            _wrap(text, room - handle * fig.dpi / 72, renderer)
    legend.set_in_layout(False)
    ax._pdca_legend_below = True  # read by _fit
    band = legend.get_window_extent(renderer).height + pad
    height = fig.get_figheight() + band / fig.dpi
    fig.set_figheight(height)
    fig.get_layout_engine().set(rect=(0, band / fig.dpi / height, 1, 1 - band / fig.dpi / height))


def _legend_columns(legend: Any, columns: int, width: float, room: float,
                    renderer: Any) -> int:
    """The most columns (fewer than ``columns``, at least 1) a legend of ``columns``
    columns and ``width`` pixels would fit ``room`` in, from its entries' widths: a
    column is as wide as its widest entry (handle, gap, text), entries fill the columns
    in turn as matplotlib fills them (the first ones one longer), and the rest of the
    measured width (padding, gaps between columns) scales with the columns' count."""
    size = legend.prop.get_size_in_points() * legend.figure.dpi / 72
    handle = (legend.handlelength + legend.handletextpad) * size
    entries = [handle + text.get_window_extent(renderer).width for text in legend.get_texts()]
    gap = legend.columnspacing * size

    def spread(count: int) -> float:
        return sum(max(part) for part in np.array_split(entries, count) if len(part))

    fixed = width - spread(columns) - gap * (columns - 1)  # the legend's own padding
    for count in range(columns - 1, 0, -1):
        if fixed + spread(count) + gap * (count - 1) <= room:
            return count
    return 1


def _display_width(text: str) -> int:
    """Width of ``text`` in Latin-letter cells: Chinese, Japanese and Korean signs take two.

    >>> _display_width("VPN"), _display_width("网络")
    (3, 4)
    """
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _with_unit(label: str, unit: str) -> str:
    """``label`` naming ``unit``: appended in brackets when the label does not say it.

    >>> _with_unit("Time to resolve", "days"), _with_unit("Days open", "days")
    ('Time to resolve (days)', 'Days open')
    """
    if not unit or unit.lower() in label.lower():
        return label
    return f"{label} ({unit})" if label else unit.capitalize()


#: Leading zeros of a month or day number before 月 or 日 ("03月" reads "3月").
_PADDED = re.compile(r"(?<!\d)0(\d)(?=[月日])")


class _ChineseDates(mdates.ConciseDateFormatter):
    """Date tick labels as Chinese writes them ("3月", "3月20日", "2026年"): the concise
    labels of :func:`_date_axis` with numbered months and days, leading zeros dropped.

    >>> import datetime as dt
    >>> formatter = _ChineseDates(mdates.AutoDateLocator())
    >>> formatter.format_ticks([mdates.date2num(dt.datetime(2026, m, 1)) for m in (1, 2, 3)])
    ['2026年', '2月', '3月']
    """

    def __init__(self, locator: Any) -> None:
        super().__init__(
            locator, formats=["%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y年", "%m月", "%m月%d日", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y年", "%Y年", "%Y年%m月", "%Y年%m月%d日",
                            "%Y年%m月%d日 %H:%M"])

    def format_ticks(self, values: Any) -> list[str]:
        return [_PADDED.sub(r"\1", label) for label in super().format_ticks(values)]

    def get_offset(self) -> str:
        return _PADDED.sub(r"\1", super().get_offset())


def _date_axis(ax: Any, xs: Sequence[Any], w: Words | None = None, *,
               maxticks: int | None = None) -> None:
    """Dates ticked in the data's own period: at each point when there are a few points
    a day or more apart and evenly spaced (a two-day daily chart shows its two days, never
    hours; months cut at a go-live do not), else
    days, months or years as the span needs; labels short and level ("Mar", "2016"),
    the year once at the end where the ticks do not show it; in Chinese "3月", "2026年"
    (:class:`_ChineseDates`). At most ``maxticks`` ticks when given (a narrow panel).

    The dates' range is final when this is called (the chart drawn), so the ticks and
    their labels are worked out once, here: an automatic date locator would work them
    out again at every measurement of a layout and every drawing."""
    import matplotlib.dates as mdates
    import pandas as pd

    if not xs or not hasattr(xs[0], "year"):
        return
    stamps = pd.DatetimeIndex([pd.Timestamp(x) for x in xs])
    gaps = stamps[1:] - stamps[:-1]
    daily = len(gaps) > 0 and gaps.median() >= pd.Timedelta(days=1)
    # a tick at each point only when they are evenly spaced: a month cut at a go-live
    # (01 Apr, 06 Apr) would put two labels on top of each other
    even = len(gaps) > 0 and gaps.min() >= gaps.median() / 2
    if daily and even and len(stamps) <= 8:
        locator: Any = FixedLocator(mdates.date2num(stamps.to_pydatetime()))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=maxticks or (
            5 if _PHONE.get() else 9))
    if w is not None and w.language == "zh-CN":
        formatter: Any = _ChineseDates(locator)
    else:
        formatter = mdates.ConciseDateFormatter(
            locator, formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%Y", "%b", "%d %b", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y %H:%M"])
    low, high = ax.get_xlim()
    ticks = (locator.tick_values(mdates.num2date(low), mdates.num2date(high))
             if isinstance(locator, mdates.AutoDateLocator) else locator.tick_values(low, high))
    fixed = FixedLocator(ticks)
    labels = FixedFormatter(formatter.format_ticks(ticks))
    labels.set_offset_string(formatter.get_offset())
    for axis in {id(a.xaxis): a.xaxis for a in (ax, *ax.get_shared_x_axes().get_siblings(ax))
                 }.values():
        axis.set_major_locator(fixed)
        axis.set_major_formatter(labels)


class _ReadableLogLocator(mpl.ticker.Locator):
    """Ticks for a log axis that read as plain numbers: over less than a factor of 3 (3 to 4
    minutes) evenly spaced round values, up to two decades 1-2-3-5 steps, up to three
    decades 1-2-5 steps, beyond that decades.

    >>> locator = _ReadableLogLocator()
    >>> [locator.tick_values(*span).tolist() for span in ((2.4, 4.1), (1.8, 15.4))]
    [[2.5, 3.0, 3.5, 4.0], [2.0, 3.0, 5.0, 10.0]]
    """

    def __init__(self) -> None:
        self.phone = _PHONE.get()  # drawn for a phone: fewer labels (kept: drawn later)

    def __call__(self) -> Any:
        low, high = self.axis.get_view_interval()
        return self.tick_values(low, high)

    def tick_values(self, vmin: float, vmax: float) -> Any:
        low, high = sorted((vmin, vmax))
        low = max(low, high * 1e-12, np.finfo(float).tiny)
        phone = self.phone  # a phone's narrow axis: fewer labels
        if high / low < 3:
            ticks = MaxNLocator(nbins=3 if phone else 5,
                                steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
        else:
            spans = (10, 30) if phone else (100, 1000)  # 1-2-3-5, 1-2-5 steps up to
            subs = ((1.0, 2.0, 3.0, 5.0) if high / low <= spans[0] else
                    (1.0, 2.0, 5.0) if high / low <= spans[1] else (1.0,))
            ticks = LogLocator(subs=subs).tick_values(low, high)
        return ticks[(ticks > 0) & (ticks >= low) & (ticks <= high)]


class _ZeroAndDecades(mpl.ticker.Locator):
    """Ticks for a symmetric-log axis from 0: 0, then whole decades from half a decade
    above the linear part's end ``linthresh`` (a tick nearer would touch the 0), every
    other decade on a phone when there are more than five.

    >>> [_ZeroAndDecades(low).tick_values(0, 400).tolist() for low in (0.001, 0.005)]
    [[0.0, 0.01, 0.1, 1.0, 10.0, 100.0], [0.0, 0.1, 1.0, 10.0, 100.0]]
    """

    def __init__(self, linthresh: float) -> None:
        self.linthresh = linthresh
        self.phone = _PHONE.get()  # kept: the axis is drawn later

    def __call__(self) -> Any:
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> Any:
        high = max(vmin, vmax)
        first = math.ceil(math.log10(self.linthresh) + 0.5)  # half a decade clear of it
        last = math.floor(math.log10(high)) if high > 0 else first - 1
        step = 2 if self.phone and last - first + 1 > 5 else 1
        decades = [10.0 ** k for k in range(last, first - 1, -step)]  # the largest kept
        return np.array([0.0, *decades[::-1]])


def _log_scale(ax: Any, values: np.ndarray, *, which: str = "y") -> None:
    """A log value axis for ``values`` read as plain numbers; symmetric-log (linear below
    the smallest positive value) when some values are 0, so they stay on the chart."""
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    if not positive.size:
        return
    set_scale, set_lim = ((ax.set_yscale, ax.set_ylim) if which == "y"
                          else (ax.set_xscale, ax.set_xlim))
    axis = ax.yaxis if which == "y" else ax.xaxis
    if (finite <= 0).any():
        set_scale("symlog", linthresh=float(positive.min()), linscale=0.5)
        set_lim(0, None)
        axis.set_major_locator(_ZeroAndDecades(float(positive.min())))
    else:
        set_scale("log")
        axis.set_major_locator(_ReadableLogLocator())
    axis.set_major_formatter(FuncFormatter(_tick))
    axis.set_minor_formatter(NullFormatter())


def _number_axis(axis: Any) -> None:
    """Tick labels as plain numbers with thousands separators, never an offset or "1e6"."""
    axis.set_major_formatter(FuncFormatter(_tick))


@functools.cache
def _sides() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """How a series' label starts when it is the "before" or the "after" side, in every
    language of the words layer ("before", "改进前"; "after", "改进后")."""
    from .words import LANGUAGES

    return (tuple({words(code)._("Before").lower() for code in LANGUAGES}),
            tuple({words(code)._("After").lower() for code in LANGUAGES}))


def series_colours(labels: Sequence[str], palette: Sequence[str]) -> list[str]:
    """A colour per series: :data:`BEFORE_COLOUR` / :data:`AFTER_COLOUR` for series whose
    label starts with "before" / "after" (any case, or their words in another language of
    the words layer: 改进前 / 改进后), the palette in turn for the others (leaving out the
    before and after colours when those series are drawn, so no other series looks like
    them).

    >>> series_colours(["Before (n = 3)", "After", "Phone"], ["#111111"])
    ['#8d99a6', '#1f4e79', '#111111']
    >>> series_colours(["After", "Walk-in"], [AFTER_COLOUR, "#111111"])
    ['#1f4e79', '#111111']
    >>> series_colours([words("zh-CN")._("Before"), "电话"], ["#111111"])
    ['#8d99a6', '#111111']
    """
    before, after = _sides()
    names = [str(label).strip().lower() for label in labels]
    sides = [BEFORE_COLOUR if name.startswith(before) else
             AFTER_COLOUR if name.startswith(after) else None for name in names]
    taken = {side for side in sides if side is not None}
    free = [colour for colour in palette if colour not in taken] or list(palette)
    others = iter(free * (len(labels) + 1))
    return [side if side is not None else next(others) for side in sides]


def _as_line(value: float | Sequence[float] | None, n: int) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    return np.full(n, float(arr)) if arr.ndim == 0 else arr


@_styled
def control_chart(
    x: Sequence[Any],
    values: Sequence[float],
    *,
    centre: float | Sequence[float] | None,
    lcl: float | Sequence[float] | None = None,
    ucl: float | Sequence[float] | None = None,
    signals: Sequence[bool] | None = None,
    target: float | None = None,
    title: str,
    ylabel: str,
    xlabel: str | None = None,
    centre_label: str | None = None,
    percent: bool = False,
    phase_starts: Sequence[Any] = (),
    events: Sequence[Sequence[Any]] = (),
    scale: str | None = None,
    sparse: Sequence[bool] | None = None,
    unreached: Sequence[bool] | None = None,
    share_open: Sequence[float] | None = None,
    log_y: bool = False,
    change: Any = None,
    carried_centre: float | None = None,
    language: str = "en",
) -> Figure:
    """A run chart (no limits) or control chart (limits given), one point per period.

    ``centre``, ``lcl`` and ``ucl`` may be scalars or per-point arrays (p and u
    charts with varying subgroup sizes, phases). Points flagged in ``signals``
    are drawn in red; ``target`` is a dashed orange line; ``phase_starts``
    draws a vertical line where each new phase begins; ``events`` are (date,
    label) pairs from the cycle log (changes going live, decisions), marked and
    labelled where they fall on the time axis (see :func:`mark_events`).

    Durations: with ``scale`` ("minutes", "hours", "days") the values, lines and target
    are minutes drawn in that unit. ``sparse`` periods (few cases) are drawn hollow,
    ``unreached`` ones (median not reached: over half still open) marked at the top,
    and ``share_open`` (share of each period's cases still open) drawn in a strip below.
    NaN values (periods without cases) are gaps. ``log_y`` draws the value axis on the log
    scale (for limits computed on it; symmetric-log near 0 when some values are 0).
    ``change`` (the first period after a change) draws the periods before it in
    :data:`BEFORE_COLOUR` and the others in :data:`AFTER_COLOUR`, as every chart does.
    With ``scale`` the value axis names its unit (added to ``ylabel`` when missing).
    ``carried_centre`` (with ``change``) carries the baseline's centre line dashed across
    the after period (Life QI's run chart), so a shift against it shows. The limits' and
    the target's values are written at the right end of their lines (:func:`_label_lines`).
    ``xlabel`` and ``centre_label`` default to "Period" and "Centre line" in ``language``.
    """
    w = words(language)
    xlabel = w._("Period") if xlabel is None else xlabel
    centre_label = w._("Centre line") if centre_label is None else centre_label
    xs = list(x)
    unit = _unit(scale)
    ys = unit.of(np.asarray(values, dtype=float))
    n = len(ys)
    if share_open is not None:
        fig = _new_figure((9, 5.4))
        ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=(4, 1))
    else:
        fig, ax = _figure()
        strip = None
    colours = _point_colours(xs, change)
    for colour, label, part in _runs(colours, change, w):
        ax.plot([xs[i] for i in part], ys[part], color=colour, marker="o", markersize=4,
                linewidth=1.2, label=label)
    few = np.zeros(n, bool) if sparse is None else np.asarray(sparse, dtype=bool)
    if few.any():
        ax.scatter([xs[i] for i in np.flatnonzero(few)], ys[few], s=36, zorder=4,
                   facecolor="white", edgecolor=[colours[i] for i in np.flatnonzero(few)],
                   linewidth=1.2, label=w._("Few cases (not used for the limits)"))
    centre_line = _as_line(centre, n)
    if centre_line is not None:
        ax.step(xs, unit.of(centre_line), where="mid", color=COLOURS["centre"], linewidth=1.5,
                label=centre_label)
    for limit, name in ((_as_line(ucl, n), w._("Upper limit")),
                        (_as_line(lcl, n), w._("Lower limit"))):
        if limit is not None:
            ax.step(xs, unit.of(limit), where="mid", color=COLOURS["limit"], linewidth=1.0,
                    linestyle="--", label=name)
    if signals is not None:
        flagged = np.asarray(signals, dtype=bool)
        if flagged.any():
            ax.scatter([xs[i] for i in np.flatnonzero(flagged)], ys[flagged], s=50, zorder=5,
                       color=COLOURS["signal"], label=w._("Signal"))
    if unreached is not None and np.asarray(unreached, bool).any():
        at = np.flatnonzero(np.asarray(unreached, bool))
        ax.scatter([xs[i] for i in at], np.full(at.size, 0.97), marker="^", s=30,
                   transform=ax.get_xaxis_transform(), color=COLOURS["muted"], zorder=5,
                   label=w._("Median not reached (over half still open)"))
    if carried_centre is not None and change is not None:
        after = [x for x, colour in zip(xs, colours, strict=True) if colour == AFTER_COLOUR]
        if after:
            ax.plot([after[0], after[-1]], [unit.of(carried_centre)] * 2,
                    color=COLOURS["centre"], linestyle=(0, (6, 3)), linewidth=1.3,
                    label=w._("Baseline centre carried forward"))
    if target is not None:
        # dash-dot, thicker and drawn under the centre line, so a target on the centre
        # line still shows as a line of its own
        ax.axhline(unit.of(target), color=COLOURS["target"], linestyle=(0, (8, 3, 2, 3)),
                   linewidth=2.4, zorder=1.5,
                   label=w._("Target ({value})", value=_target_text(target, percent, scale,
                                                                     w)))
    for start in phase_starts:
        ax.axvline(start, color=COLOURS["muted"], linestyle=":", linewidth=1.2)
    if log_y:
        _log_scale(ax, ys)
    else:
        if scale is not None:
            ax.set_ylim(bottom=0)
        if not percent:
            _number_axis(ax.yaxis)
    mark_events(ax, xs, events, language=language)
    _finish(ax, title, "" if strip is not None else xlabel,
            ylabel if scale is None else _with_unit(ylabel, w.unit(unit.name)), percent)
    if not log_y:
        _even_ticks(ax.yaxis, percent)
    _label_lines(ax, xs, unit, percent=percent, starts=phase_starts,
                 lines={"UCL": _as_line(ucl, n), "Centre": centre_line,
                        "LCL": _as_line(lcl, n)}, target=target, w=w)
    if strip is not None:
        shares = np.asarray(share_open, dtype=float)
        strip.bar(xs, np.nan_to_num(shares), width=_bar_width(xs), color=COLOURS["muted"],
                  label=w._("Share still open"))
        strip.set_ylim(0, max(0.05, float(np.nanmax(shares, initial=0)) * 1.15))
        strip.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        strip.set_ylabel(w._("Still open"), fontsize=_pt(9))
        strip.set_xlabel(xlabel)
        strip.grid(axis="x", visible=False)
    _date_axis(ax, xs, w)
    return fig


class _EvenFormatter(mpl.ticker.Formatter):
    """Tick labels with one number of decimals for the whole axis, the fewest that show
    the step ("12.5, 13.0, 13.5"; "65%, 70%"; "67.5%, 70.0%")."""

    def __init__(self, percent: bool) -> None:
        self.percent = percent
        self.decimals = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        values = np.asarray(locs, float) * (100 if self.percent else 1)
        steps = np.diff(values)
        step = float(np.min(steps[steps > 0])) if (steps > 0).any() else 1.0
        self.decimals = next((d for d in range(0, 6)
                              if abs(round(step, d) - step) < 1e-6 * max(step, 1e-12)), 6)

    def __call__(self, value: float, pos: Any = None) -> str:
        text = f"{value * (100 if self.percent else 1):,.{self.decimals}f}"
        text = "0" if text.lstrip("-").strip("0.,") == "" else text
        return text + ("%" if self.percent else "")


def _even_ticks(axis: Any, percent: bool) -> None:
    """Value ticks in round, even steps (1, 2, 2.5 or 5 times a power of ten), every label
    with the same decimals (never "13.8, 13.5, 13.2, 13")."""
    axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(_EvenFormatter(percent))


def _last(line: np.ndarray) -> float | None:
    finite = line[np.isfinite(line)]
    return float(finite[-1]) if finite.size else None


#: The limits' and centre's names written beside their lines, and where a phase's are not
#: the last phase's (:func:`_label_lines`).
_LINE_NAMES = {"UCL": N_("UCL"), "Centre": N_("Centre"), "LCL": N_("LCL")}
_EARLIER_PHASE = {"UCL": (N_("UCL before"), N_("UCL phase {number}")),
                  "Centre": (N_("Centre before"), N_("Centre phase {number}")),
                  "LCL": (N_("LCL before"), N_("LCL phase {number}"))}


def _label_lines(ax: Any, xs: Sequence[Any], unit: DurationUnit, *, percent: bool,
                 starts: Sequence[Any], lines: dict[str, np.ndarray | None],
                 target: float | None, w: Words | None = None) -> None:
    """Each phase's limits and centre, and the target, written just right of the chart at
    their heights ("LCL 3.1", "LCL 3.3 before"), so a limit between two ticks can still be
    read; labels that would touch are moved apart (once the chart's height is known:
    :func:`_after_layout`). The legend then goes below the chart."""
    if not xs:
        return
    import pandas as pd

    w = w or words()
    dated = hasattr(xs[0], "year")
    key = (lambda v: pd.Timestamp(v)) if dated else (lambda v: v)
    cuts = [sum(key(x) < key(start) for x in xs) for start in starts]
    bounds = list(zip([0, *cuts], [*cuts, len(xs)], strict=True))
    found: list[tuple[str, float, str]] = []
    if _PHONE.get():  # no room for every phase's: the last phase's, the rest enlarged
        bounds = bounds[-1:]
    for phase, (a, b) in enumerate(bounds):
        for name, line in lines.items():
            value = None if line is None or b <= a else _last(line[a:b])
            if value is not None:
                shown = (w._(_LINE_NAMES[name]) if phase == len(bounds) - 1 else
                         w._(_EARLIER_PHASE[name][0]) if len(bounds) == 2 else
                         w._(_EARLIER_PHASE[name][1], number=phase + 1))
                found.append((shown, value, COLOURS["limit" if "CL" in name else "centre"]))
    if target is not None and np.isfinite(target):
        found.append((w._("Target"), float(target), COLOURS["target"]))
    ax.get_ylim()  # the value axis's final range (autoscaled now): heights need no layout
    to_axes = ax.transScale + ax.transLimits
    formatter = ax.yaxis.get_major_formatter()  # a label reads one decimal finer than a tick
    if isinstance(formatter, _EvenFormatter):
        formatter.set_locs(ax.yaxis.get_majorticklocs())
    finer = formatter.decimals + 1 if isinstance(formatter, _EvenFormatter) else None
    spots = []
    for name, value, colour in found:
        y = float(to_axes.transform((0.0, unit.of(value)))[1])
        shown = (f"{100 * value:.{finer or 1}f}%" if percent else
                 f"{unit.of(value):,.{finer}f}" if finer is not None else
                 _tick(float(unit.of(value))))
        if 0 <= y <= 1:
            spots.append((y, f"{name} {shown}", colour))
    ax._pdca_line_labels = bool(spots)  # read by _fit: legend below, before the layout
    if spots:
        _after_layout(ax.figure, functools.partial(_place_line_labels, ax,
                                                   sorted(spots, reverse=True)))


def _place_line_labels(ax: Any, spots: Sequence[tuple[float, str, str]]) -> None:
    """Write each (height in axes units, text, colour) just right of the laid-out chart,
    from the top, each at least one line under the one above."""
    height = 11.5 / (ax.bbox.height / ax.figure.dpi * 72)  # one 8.5-pt line, in axes units
    last = None
    for y, text, colour in spots:
        y = y if last is None else min(y, last - height)
        last = y
        ax.text(1.01, y, text, transform=ax.transAxes, fontsize=_pt(8.5), color=colour,
                va="center", ha="left", clip_on=False)


def _point_colours(xs: Sequence[Any], change: Any) -> list[str]:
    """Each period's colour: before / after ``change`` (a period), else the data colour."""
    if change is None:
        return [COLOURS["data"]] * len(xs)
    import pandas as pd

    at = pd.Timestamp(change) if xs and hasattr(xs[0], "year") else change
    return [BEFORE_COLOUR if (pd.Timestamp(x) if hasattr(x, "year") else x) < at
            else AFTER_COLOUR for x in xs]


def _runs(colours: list[str], change: Any, w: Words) -> list[tuple[str, str, np.ndarray]]:
    """(colour, legend label, indices) of the chart's line: one "Observed" line, or the
    "Before the change" and "After the change" parts."""
    index = np.arange(len(colours))
    if change is None:
        return [(COLOURS["data"], w._("Observed"), index)]
    shades = np.asarray(colours)
    return [(colour, label, index[shades == colour])
            for colour, label in ((BEFORE_COLOUR, w._("Before the change")),
                                  (AFTER_COLOUR, w._("After the change")))
            if (shades == colour).any()]


def _bar_width(xs: Sequence[Any]) -> Any:
    """Bars as wide as 80% of one period on a date axis (else 0.8)."""
    if len(xs) > 1 and hasattr(xs[0], "year"):
        import pandas as pd

        step = (pd.Timestamp(xs[-1]) - pd.Timestamp(xs[0])) / (len(xs) - 1)
        return step * 0.8
    return 0.8


def _unit(scale: str | None) -> DurationUnit:
    """The display unit of minutes (``None``: values are not durations, drawn as given)."""
    if scale is None:
        return DurationUnit("", 1.0)
    if scale not in DURATION_UNITS:
        raise ValueError(f"scale must be one of {', '.join(DURATION_UNITS)}, got {scale!r}")
    return DURATION_UNITS[scale]


def _target_text(target: float, percent: bool, scale: str | None, w: Words) -> str:
    if scale is not None:
        return w.localise(format_value(target, "minutes", scale=scale))
    return _fmt(target, percent)


_EVENT_STYLES = ("-.", (0, (1, 1)), (0, (4, 1, 1, 1, 1, 1)))


def mark_events(ax: Any, xs: Sequence[Any], events: Sequence[Sequence[Any]], *,
                language: str = "en") -> int:
    """Draw each (date, label) event inside the time axis's range; return how many.

    Events before the first period or more than one period after the last are
    left out (they belong to another window). Needs a date axis. The tags and the dates
    in the legend are in ``language``; the events' own text is drawn as written.

    >>> import matplotlib.pyplot as plt, pandas as pd
    >>> fig, ax = plt.subplots()
    >>> xs = list(pd.date_range("2026-01-05", periods=4, freq="W-MON"))
    >>> mark_events(ax, xs, [("2026-01-19", "go-live"), ("2025-06-01", "old")])
    1
    >>> plt.close(fig)
    """
    import pandas as pd

    if not events or not xs or not hasattr(xs[0], "year"):
        return 0
    w = words(language)
    first, last = pd.Timestamp(xs[0]), pd.Timestamp(xs[-1])
    step = (last - first) / max(len(xs) - 1, 1)
    marks = event_tags(events, first, last + step, language=language)
    for drawn, (tag, when, label) in enumerate(marks):
        short = label if len(label) <= 40 else label[:39] + "…"
        ax.axvline(when, color=COLOURS["event"], linestyle=_EVENT_STYLES[drawn % 3],
                   linewidth=1.2, label=w._("{tag}: {date}, {event}", tag=tag,
                                            date=_event_date(when, w), event=short))
    if marks:  # the tags need the chart's width: once the figure is laid out
        _after_layout(ax.figure, functools.partial(_tag_events, ax, marks))
    return len(marks)


def _tag_events(ax: Any, marks: Sequence[tuple[str, Any, str]]) -> None:
    """Write each event's tag above its line (:func:`_tag_on_line`), in rows that do not
    touch, and raise the chart's title above the rows."""
    rows: list[float] = []  # the right end of the last label in each row, axes units
    for tag, when, _ in marks:
        rows = _tag_on_line(ax, when, tag, rows)
    ax._pdca_title_pad = 6 + _TAG_ROW * len(rows)
    title = ax.get_title(loc="left")
    if title:  # the title rises above the tags' rows
        ax.set_title(title, loc="left", pad=ax._pdca_title_pad)


def event_tags(events: Sequence[Sequence[Any]], start: Any, end: Any, *,
               language: str = "en") -> list[tuple[str, Any, str]]:
    """(tag on the chart, date, full text) of each event from ``start`` to ``end``, in date
    order and numbered as the charts number them: the one list the charts' tags and the
    page's list beneath them share (the "Go-live" tag in ``language``).

    >>> [t for t, _, _ in event_tags([("2026-01-19", "demo: change live"),
    ...                                ("2026-01-12", "Scripts written")],
    ...                               "2026-01-05", "2026-02-01")]
    ['1 Scripts', 'Go-live']
    """
    import pandas as pd

    low, high = pd.Timestamp(start), pd.Timestamp(end)
    inside = [(when, label) for when, label in
              sorted((pd.Timestamp(str(e[0])), str(e[1])) for e in events)
              if low <= when <= high]
    w = words(language)
    return [(_event_tag(label, number, w), when, label)
            for number, (when, label) in enumerate(inside, start=1)]


def _event_tag(label: str, number: int, w: Words) -> str:
    """The short label written on an event's line: "Go-live" for a change going live
    (the cycle log's "change live", or 上线), else its number and first word ("2 Training");
    the legend gives the full text.

    >>> _event_tag("demo-helpdesk: change live", 3, words()), _event_tag("Training", 2, words())
    ('Go-live', '2 Training')
    >>> _event_tag("变更上线", 1, words("zh-CN")) == words("zh-CN")._("Go-live")
    True
    """
    first = label.split(":", 1)[-1].split()
    lowered = label.lower()
    if ("live" in lowered and ("change" in lowered or "go" in lowered)) or "上线" in label:
        return w._("Go-live")
    return f"{number} {_short(first[0], 12)}" if first else str(number)


def _event_date(when: Any, w: Words, *, year: bool = True) -> str:
    """An event's date as the legend writes it: "20 Mar 2026" ("20 Mar" without the year);
    in Chinese "2026年3月20日" ("3月20日"), from Babel.

    >>> import pandas as pd
    >>> when = pd.Timestamp("2026-03-20")
    >>> _event_date(when, words()), _event_date(when, words("zh-CN"), year=False)
    ('20 Mar 2026', '3月20日')
    """
    if w.english:
        return f"{when:%d %b %Y}" if year else f"{when:%d %b}"
    from babel.dates import format_date, format_skeleton

    day = when.date() if hasattr(when, "date") else when
    return (format_date(day, format="medium", locale=w.locale) if year
            else format_skeleton("MMMd", day, locale=w.locale))


def _tag_on_line(ax: Any, when: Any, tag: str, rows: list[float]) -> list[float]:
    """Write ``tag`` at the top of the event line at ``when``, just above the chart (never
    over the data), in the first row where it does not touch the tag before it (the figure
    laid out once before, by :func:`mark_events`)."""
    import matplotlib.dates as mdates

    x = ax.transAxes.inverted().transform(
        ax.transData.transform((mdates.date2num(when), 0)))[0]
    width = (_display_width(tag) * 0.6 * 8.5 + 6) / (ax.bbox.width / ax.figure.dpi * 72)
    row = next((k for k, end in enumerate(rows) if x - width / 2 > end), len(rows))
    rows = [*rows, 0.0] if row == len(rows) else rows
    rows[row] = x + width / 2
    ax.annotate(tag, (x, 1.0), xycoords="axes fraction", xytext=(0, 3 + _TAG_ROW * row),
                textcoords="offset points", fontsize=_pt(8.5), ha="center", va="bottom",
                color=COLOURS["event"], annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                      "edgecolor": COLOURS["event"], "linewidth": 0.6})
    return rows


#: Points between two rows of event tags above a chart.
_TAG_ROW = 13


def _fmt(value: float, percent: bool) -> str:
    """A target or reference value for a legend: never in exponent notation.

    >>> _fmt(10_100, False), _fmt(0.745, True), _fmt(4.25, False)
    ('10,100', '74%', '4.25')
    """
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"


@dataclass(frozen=True)
class KpiPanel:
    """One KPI's small chart in :func:`kpi_panels`, in plain values.

    ``name`` is the KPI (the panel's title) and ``unit`` what its value axis counts ("% of
    tickets", "hours (median, log scale)"); ``x`` the periods and ``values`` one per period
    (NaN: a gap); ``change`` the index of the first period after the change; ``centre`` the
    baseline's centre line, carried dashed across the after periods; ``special`` the
    indices of the special-cause points, ``improving`` True (improving), False (concerning)
    or None (the KPI has no better direction); ``target`` drawn when given; ``percent``:
    fractions shown as %; ``scale``: durations in minutes drawn in that unit on a log axis;
    ``sparse``: one flag per period, True for a period with too few observations to judge
    (drawn hollow, :data:`TOO_FEW_LABEL`, never judged); empty: none is. ``xlabel``:
    what its dates are when not the figure's (a score read by month on a weekly page),
    shown under the panel wherever it stands.
    """

    name: str
    unit: str
    x: Sequence[Any]
    values: Sequence[float]
    change: int
    centre: float
    special: Sequence[int] = ()
    improving: bool | None = None
    target: float | None = None
    percent: bool = False
    scale: str | None = None
    sparse: Sequence[bool] = ()
    xlabel: str = ""


#: The legend entry of a thin period's hollow marker (:attr:`KpiPanel.sparse`), marked for
#: the catalogue: a chart shows ``words(language)._(TOO_FEW_LABEL)``.
TOO_FEW_LABEL = N_("Too few to judge (drawn, not judged)")

#: Height of one panel of :func:`kpi_panels`, and the room around its chart, in inches:
#: value ticks and unit at the left, title above, date ticks and their label below.
PANEL_HEIGHT = 2.2
_PANEL_ROOM = {"left": 0.74, "right": 0.14, "top": 0.46, "bottom": 0.52}
#: On a phone the value axis's unit is set larger (:data:`PHONE_MIN_PT`): more room for it.
_PHONE_PANEL_ROOM = {"left": 0.95}
#: Special-cause points: colour and marker by what they say (never colour alone).
_SPECIAL = {True: ("#41b6e6", "o", N_("Special cause, improving (NHS rules)")),
            False: (COLOURS["signal"], "s", N_("Special cause, concerning (NHS rules)")),
            None: ("#5d4037", "D", N_("Special cause (NHS rules)"))}
_PANEL_STYLE = {"xtick.labelsize": 8, "ytick.labelsize": 8, "axes.labelsize": 8,
                "axes.titlesize": 9.5, "axes.titlepad": 14}


def kpi_panels(panels: Sequence[KpiPanel], *, title: str, columns: int = 3,
               xlabel: str | None = None, change_label: str | None = None,
               events: Sequence[Sequence[Any]] = (), language: str = "en") -> Figure:
    """Small multiples, one compact panel per KPI in ``panels`` order, all in ONE figure (a
    grid of ``columns``, a panel 3 inches wide and :data:`PANEL_HEIGHT` tall), as an NHS
    "Making Data Count" summary shows a small chart beside each KPI's icons: the values
    per period (before and after colours), the baseline's centre carried dashed into the
    after period, the go-live as a vertical line, the special-cause points marked and the
    target. ``events`` (date, text) inside the periods are thin vertical lines in every
    panel, each in its own line style, tagged ONCE, in the shared legend, as the detailed
    charts tag them (:func:`event_tags`: "1 Write (20 Mar)"); an event the tags call
    "Go-live" is the go-live line already drawn. One legend for all panels under
    ``title``. Laid out by hand, once (no layout engine): drawing is the compare page's
    main cost. ``xlabel`` and ``change_label`` default to "Period" and "Go-live" in
    ``language``, the legend's words and dates too.

    >>> import pandas as pd
    >>> weeks = pd.date_range("2026-01-05", periods=8, freq="W-MON")
    >>> fig = kpi_panels([KpiPanel("FCR", "% of tickets", weeks, [.6, .62, .61, .6, .7,
    ...                   .71, .72, .7], change=4, centre=.61, special=(4, 5, 6, 7),
    ...                   improving=True, target=.74, percent=True)], title="Every KPI")
    >>> [ax.get_title(loc="left") for ax in fig.axes], fig.axes[0].get_ylabel()
    (['FCR'], '% of tickets')
    >>> fig = kpi_panels([KpiPanel("FCR", "%", weeks, [.6] * 8, change=4, centre=.6)],
    ...                  title="Every KPI", events=[("2026-01-20", "Write the scripts")])
    >>> [t.get_text() for t in fig.legends[0].get_texts()][-1]
    '1 Write (20 Jan)'
    """
    if not panels:
        raise ValueError("kpi_panels needs at least one panel (one per KPI)")
    recipe = (kpi_panels, (panels,), {"title": title, "columns": columns, "xlabel": xlabel,
                                      "change_label": change_label, "events": events,
                                      "language": language})
    w = words(language)
    xlabel = w._("Period") if xlabel is None else xlabel
    change_label = w._("Go-live") if change_label is None else change_label
    marks = _panel_events(panels, events, w)
    phone = _PHONE.get()
    columns = 1 if phone else min(columns, len(panels))  # one KPI: one panel as wide as two
    style = {key: _pt(size) for key, size in _PANEL_STYLE.items()}
    with mpl.rc_context({**_STYLE, **style}):
        width = PHONE_WIDTH if phone else max(_STYLE["figure.figsize"][0] / 3 * columns, 6.0)
        rows = math.ceil(len(panels) / columns)
        fig = _HouseFigure(figsize=(width, rows * PANEL_HEIGHT + 1))
        FigureCanvasAgg(fig)
        renderer = fig.canvas.get_renderer()
        axes = []
        for k, panel in enumerate(panels):
            ax = fig.add_subplot()
            below = k + columns < len(panels)  # the panel under it shows the dates' label
            own = panel.xlabel if panel.xlabel and panel.xlabel != xlabel else ""
            _kpi_panel(ax, panel, xlabel=own or ("" if below else xlabel),
                       change_label=change_label, w=w)
            for n, (tag, when, _) in enumerate(marks):
                ax.axvline(when, color=COLOURS["event"], linestyle=_EVENT_STYLES[n % 3],
                           linewidth=0.8,
                           zorder=1.2, label=_panel_event_label(tag, when, w))
            axes.append(ax)
        head = fig.suptitle(title, x=0.1 / width, ha="left", va="top", fontsize=12,
                            fontweight="bold")
        _wrap(head, fig.bbox.width * (1 - TITLE_MARGIN) - 0.1 * fig.dpi, renderer)
        handles: dict[str, Any] = {}  # one legend entry per label, over all panels
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(label, handle)
        tags = [_panel_event_label(tag, when, w) for tag, when, _ in marks]
        order = [label for label in handles if label not in tags]  # the events after the go-live
        at = order.index(change_label) + 1 if change_label in order else len(order)
        handles = {label: handles[label] for label in
                   (*order[:at], *[t for t in tags if t in handles], *order[at:])}
        ncols, room = min(len(handles), 4), fig.bbox.width - 0.2 * fig.dpi
        while True:  # the most columns that fit, usually built once (_legend_columns)
            key = fig.legend(list(handles.values()), list(handles), loc="upper left",
                             ncols=ncols, fontsize=_pt(8.5), frameon=False,
                             borderaxespad=0)
            wide = key.get_window_extent(renderer).width
            if wide <= room or ncols == 1:
                break
            fewer = _legend_columns(key, ncols, wide, room, renderer)
            key.remove()
            ncols = min(fewer, ncols - 1)
        title_h = head.get_window_extent(renderer).height / fig.dpi
        key_h = key.get_window_extent(renderer).height / fig.dpi
        cell, room = width / columns, {**_PANEL_ROOM, **(_PHONE_PANEL_ROOM if phone else {})}
        # a KPI's name too long for its panel wraps; its row grows by the tallest one
        taller = [0.0] * rows
        for k, ax in enumerate(axes):
            row, col = divmod(k, columns)
            taller[row] = max(taller[row],
                              _wrap_panel_title(ax, col, columns, cell, room, renderer))
        bottoms = np.cumsum([PANEL_HEIGHT + extra for extra in taller])  # under each row
        top = 0.1 + title_h + 0.1 + key_h + 0.12  # inches above the first row of panels
        height = top + float(bottoms[-1])
        fig.set_figheight(height)
        head.set_y(1 - 0.1 / height)
        key.set_bbox_to_anchor((0.1 / width, 1 - (0.2 + title_h) / height), fig.transFigure)
        for k, ax in enumerate(axes):
            row, col = divmod(k, columns)
            y0 = height - top - float(bottoms[row]) + room["bottom"]
            ax.set_position(((col * cell + room["left"]) / width, y0 / height,
                             (cell - room["left"] - room["right"]) / width,
                             (PANEL_HEIGHT - room["top"] - room["bottom"]) / height))
            _fit_panel(ax, renderer)
    return _remember(fig, *recipe)


def _panel_event_label(tag: str, when: Any, w: Words) -> str:
    """An event's entry in the panels' legend: "1 Write (20 Mar)"."""
    return w._("{tag} ({date})", tag=tag, date=_event_date(when, w, year=False))


def _panel_events(panels: Sequence[KpiPanel], events: Sequence[Sequence[Any]], w: Words
                  ) -> list[tuple[str, Any, str]]:
    """The events :func:`kpi_panels` draws: those from the panels' first period to one
    period after their last, numbered as :func:`mark_events` numbers them, less the
    go-live (the panels' own line)."""
    import pandas as pd

    dated = [list(panel.x) for panel in panels if len(panel.x) and hasattr(panel.x[0], "year")]
    if not events or not dated:
        return []
    first = min(pd.Timestamp(xs[0]) for xs in dated)
    last = max(pd.Timestamp(xs[-1]) for xs in dated)
    step = max((pd.Timestamp(xs[-1]) - pd.Timestamp(xs[0])) / max(len(xs) - 1, 1)
               for xs in dated)
    go_live = w._("Go-live")
    return [mark for mark in event_tags(events, first, last + step, language=w.language)
            if mark[0] != go_live]


def _kpi_panel(ax: Any, panel: KpiPanel, *, xlabel: str, change_label: str, w: Words
               ) -> None:
    """Draw one panel of :func:`kpi_panels`."""
    xs, unit, k = list(panel.x), _unit(panel.scale), panel.change
    ys = unit.of(np.asarray(panel.values, dtype=float))
    if not 0 < k < len(xs):
        raise ValueError(w._("{name}: change={k} must point inside the {n} periods (the first "
                             "period after the change, with one before it)",
                             name=panel.name, k=k, n=len(xs)))
    if len(panel.sparse) not in (0, len(xs)):
        raise ValueError(w._("{name}: sparse has {flags} flags for {n} periods; give one per "
                             "period (True: too few to judge) or none",
                             name=panel.name, flags=len(panel.sparse), n=len(xs)))
    for part, colour, label in ((slice(0, k), BEFORE_COLOUR, w._("Before the change")),
                                (slice(k, None), AFTER_COLOUR, w._("After the change"))):
        ax.plot(xs[part], ys[part], color=colour, marker="o", markersize=2.5, linewidth=1.1,
                label=label)
    thin = np.flatnonzero(np.asarray(panel.sparse, dtype=bool))
    if thin.size:  # hollow: the period's own colour round a white face
        ax.scatter([xs[i] for i in thin], ys[thin], s=26, zorder=4, facecolor="white",
                   edgecolor=[BEFORE_COLOUR if i < k else AFTER_COLOUR for i in thin],
                   linewidth=1.1, label=w._(TOO_FEW_LABEL))
    centre = unit.of(panel.centre)
    ax.plot([xs[0], xs[k - 1]], [centre] * 2, color=COLOURS["centre"], linewidth=1.2,
            label=w._("Baseline centre"))
    ax.plot([xs[k], xs[-1]], [centre] * 2, color=COLOURS["centre"], linewidth=1.2,
            linestyle=(0, (5, 2.5)), label=w._("Baseline centre carried forward"))
    ax.axvline(xs[k], color=COLOURS["event"], linestyle="-.", linewidth=1.0,
               label=change_label)
    special = np.asarray(panel.special, dtype=int)
    if special.size:
        colour, marker, label = _SPECIAL[panel.improving]
        ax.scatter([xs[i] for i in special], ys[special], s=24, color=colour, marker=marker,
                   zorder=5, linewidths=0, label=w._(label))
    shown = [ys, [centre]]
    if panel.target is not None and np.isfinite(panel.target):
        target = unit.of(panel.target)
        ax.plot([xs[0], xs[-1]], [target] * 2, color=COLOURS["target"], linewidth=1.6,
                linestyle=(0, (6, 2, 1.5, 2)), zorder=1.5, label=w._("Target"))
        # its value just above the chart, a row under the KPI's name: never over the data
        ax.annotate(w._("Target {value}", value=_target_text(panel.target, panel.percent,
                                                              panel.scale, w)),
                    (1.0, 1.0), xycoords="axes fraction", xytext=(0, 1.5),
                    textcoords="offset points", ha="right", va="bottom", fontsize=_pt(8),
                    color=COLOURS["target"])
        shown.append([target])
    if panel.scale is not None:
        _log_scale(ax, np.concatenate([np.ravel(v) for v in shown]))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        ax.yaxis.set_major_formatter(_EvenFormatter(panel.percent))
    ax.set_ylabel(panel.unit)
    ax.set_xlabel(xlabel)
    ax.set_title(panel.name, loc="left")
    _date_axis(ax, xs, w, maxticks=4)  # few dates on a narrow panel


def _fit_panel(ax: Any, renderer: Any) -> None:
    """A panel's unit wrapped to the chart's height."""
    _wrap(ax.yaxis.label, ax.bbox.height, renderer)


#: The most lines a KPI's name takes above its panel.
_TITLE_LINES = 3


def _wrap_panel_title(ax: Any, col: int, columns: int, cell: float, room: dict[str, float],
                      renderer: Any) -> float:
    """Wrap panel ``ax``'s title (the KPI's name, in column ``col``) to the room it has:
    from the chart's left edge to the next panel's chart (a gap before it), or to the
    figure's edge less :data:`TITLE_MARGIN` in the last column, less a margin for a
    reader's font; its font is kept. The title then stands on the chart (its last line
    at the usual height). Returns how much taller (inches) than one line it became.

    >>> import pandas as pd
    >>> weeks = pd.date_range("2026-01-05", periods=6, freq="W-MON")
    >>> fig = kpi_panels([KpiPanel(name, "score", weeks, [4] * 6, 3, 4.0) for name in
    ...     ("FCR", "AHT", "Customer satisfaction index (CSI), per month")], title="KPIs")
    >>> [ax.get_title(loc="left") for ax in fig.axes]
    ['FCR', 'AHT', 'Customer\\nsatisfaction index\\n(CSI), per month']
    """
    name = _title_text(ax)
    if name is None:
        return 0.0
    fig = ax.figure
    name.set_verticalalignment("bottom")  # extra lines grow upwards, never over the chart
    right = ((col + 1) * cell + room["left"] - 0.15 if col < columns - 1
             else fig.get_figwidth() * (1 - TITLE_MARGIN))
    space = (right - col * cell - room["left"]) * (1 - TITLE_MARGIN) * fig.dpi
    text = " ".join(name.get_text().split())
    one = name.get_window_extent(renderer).height
    for lines in range(1, _TITLE_LINES + 1):
        width = max(4, math.ceil(_display_width(text) / lines))
        while _fill(text, width).count("\n") >= lines:  # the narrowest in ``lines`` lines
            width += 1
        name.set_text(_fill(text, width))
        if name.get_window_extent(renderer).width <= space:
            break
    return max(0.0, name.get_window_extent(renderer).height - one) / fig.dpi


def _fill(text: str, width: int) -> str:
    """``text`` in lines of at most ``width`` Latin-letter cells (a Chinese sign is two),
    broken at spaces where there are some, else between signs.

    >>> _fill("Customer satisfaction index (CSI)", 20)
    'Customer\\nsatisfaction index\\n(CSI)'
    >>> _fill("综合绩效评分加权", 8)
    '综合绩效\\n评分加权'
    """
    lines: list[str] = []
    line = ""
    for word in (text.split(" ") if " " in text else list(text)):
        joined = f"{line} {word}" if line and " " in text else line + word
        if line and _display_width(joined) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    return "\n".join([*lines, line])


@_styled
def duration_histogram(
    minutes: Sequence[float],
    *,
    median: float | None,
    p90: float | None,
    title: str,
    xlabel: str | None = None,
    threshold: float | None = None,
    median_label: str | None = None,
    unit: str = "minutes",
    display_unit: str | None = None,
    language: str = "en",
) -> Figure:
    """Histogram of a skewed duration on a log axis, with median, p90 and an SLA threshold.

    ``minutes``, ``median``, ``p90`` and ``threshold`` are in ``unit`` (minutes, hours or
    days; the name is kept for older callers). They are drawn in ``display_unit``: by
    default the one :func:`pdcakit.results.duration_unit` picks from the median, or
    ``unit`` itself when an ``xlabel`` is given. Zero durations (closed within the
    timestamps' resolution, e.g. the same day with date-only times) cannot sit on a log
    axis: they get their own bar at the left, and the legend says how many there are.
    ``median_label`` defaults to "Median" in ``language``.
    """
    w = words(language)
    median_label = w._("Median") if median_label is None else median_label
    given = _unit(unit)
    shown = _display(display_unit, unit if xlabel is not None or median is None else None,
                     None if median is None else given.minutes * median)
    convert = given.minutes / shown.minutes
    data = np.asarray(minutes, dtype=float) * convert
    data = data[np.isfinite(data) & (data >= 0)]
    zeros = int((data == 0).sum())
    positive = data[data > 0]
    fig, ax = _figure()
    if positive.size:
        low = positive.min() / 1.5
        ax.hist(positive, bins=_log_bins(positive), color=COLOURS["fill"],
                edgecolor="white", linewidth=0.3, label=w._("Cases"))
        if zeros:
            ax.set_xscale("symlog", linthresh=low, linscale=0.4)
        else:
            _log_scale(ax, positive, which="x")
        ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    if zeros:
        width = positive.min() / 1.5 if positive.size else 1.0
        ax.bar([0], [zeros], width=width, align="edge", color=COLOURS["muted"],
               edgecolor="white",
               label=w._("Zero: {zeros} of {n} ({share}), e.g. closed the same day",
                         zeros=f"{zeros:,}", n=f"{data.size:,}", share=f"{zeros / data.size:.0%}"))
        ax.set_xlim(left=0)
        if positive.size:  # 0, then whole decades: no tick crowds the zero bar
            first = int(np.ceil(np.log10(positive.min())))
            last = int(np.floor(np.log10(positive.max()))) + 1
            ax.set_xticks([0.0, *(10.0 ** k for k in range(first, last + 1))])
            ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    for value, label, colour, style in (
        (median, median_label, COLOURS["centre"], "-"),
        (p90, w._("90th percentile"), COLOURS["data"], "--"),
        (threshold, w._("SLA threshold"), COLOURS["target"], (0, (5, 3))),
    ):
        if value is not None and np.isfinite(value) and value >= 0:
            ax.axvline(value * convert, color=colour, linestyle=style, linewidth=1.6,
                       label=w._("{label}: {value} {unit}", label=label,
                                 value=f"{value * convert:,.1f}", unit=w.unit(shown.name)))
    default = (w._("{Unit} (log scale; zero at the left)", Unit=_unit_word(shown, w)) if zeros
               else w._("{Unit} (log scale)", Unit=_unit_word(shown, w)))
    _number_axis(ax.yaxis)
    _finish(ax, title, _with_unit(xlabel, w.unit(shown.name)) if xlabel else default,
            w._("Number of cases"))
    return fig


def _unit_word(unit: DurationUnit, w: Words) -> str:
    """A duration unit's name opening an axis label: "Hours", "小时"."""
    word = w.unit(unit.name)
    return word.capitalize() if w.english else word


def _log_bins(positive: np.ndarray) -> np.ndarray:
    """Bin edges even on the log scale from the smallest to the largest value, as many as
    the spread of the logs asks for (numpy's "auto" rule), 10 to 50."""
    logs = np.log10(positive)
    count = len(np.histogram_bin_edges(logs, bins="auto")) - 1 if np.ptp(logs) else 1
    return np.logspace(logs.min(), np.log10(positive.max() * 1.01), min(max(count, 10), 50) + 1)


def _tick(value: float, _: Any = None) -> str:
    """A tick label as a plain number: three significant digits, thousands separators,
    never exponent notation.

    >>> [_tick(v) for v in (0, 0.05, 0.25, 3.25, 250, 1000, 1_300_000, -20)]
    ['0', '0.05', '0.25', '3.25', '250', '1,000', '1,300,000', '-20']
    """
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else ""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _signed_tick(value: float, _: Any = None) -> str:
    """A change on an axis: "+5" or "-5", and "0" (never "+0") for no change.

    >>> [_signed_tick(v) for v in (-20, 0, 12.5)]
    ['-20', '0', '+12.5']
    """
    text = _tick(value)
    return text if value <= 0 or text == "0" else f"+{text}"


def _display(display_unit: str | None, fallback: str | None,
             typical_minutes: float | None) -> DurationUnit:
    """The unit to draw durations in: given, else ``fallback`` (the caller's unit, when it
    named the axis or there is no typical value), else the one the typical value reads in."""
    if display_unit is not None:
        return _unit(display_unit)
    if fallback is not None:
        return _unit(fallback)
    return duration_unit(typical_minutes)


#: Bars a Pareto chart shows before it gathers the rest into "Other".
PARETO_TOP = 15
#: Largest bars a Pareto chart drawn for a phone names before "Other (k categories)".
PHONE_PARETO_TOP = 8
_LABEL_CHARS = 22
#: Longest row name (segment, process step) beside a horizontal chart, in letter cells.
_ROW_CHARS = 30


#: Row labels on a phone chart (:func:`phone_figure`): the chart keeps half its width.
_PHONE_ROW_CHARS = 14


def _row_chars() -> int:
    """Latin-letter cells a row label keeps: :data:`_ROW_CHARS`, fewer on a phone."""
    return _PHONE_ROW_CHARS if _PHONE.get() else _ROW_CHARS


def _short(label: str, width: int = _LABEL_CHARS) -> str:
    """A category name cut to ``width`` Latin-letter cells (a Chinese sign takes two; an
    ellipsis marks the cut).

    >>> _short("Password reset and account unlock"), _short("市民来电投诉与建议的处理事项")
    ('Password reset and ac…', '市民来电投诉与建议的…')
    """
    if _display_width(label) <= width:
        return label
    kept = ""
    for char in label:
        if _display_width(kept + char) > width - 1:
            break
        kept += char
    return kept + "\u2026"


@_styled
def pareto_chart(
    labels: Sequence[str],
    counts: Sequence[float],
    *,
    title: str,
    ylabel: str | None = None,
    xlabel: str | None = None,
    top: int = PARETO_TOP,
    noun: str | None = None,
    language: str = "en",
) -> Figure:
    """Bars sorted by count with the cumulative share on a second axis (80% line drawn).

    More than ``top`` categories: the ``top`` largest, then one bar "Other (k categories)"
    for the rest, so the labels stay readable (long names are cut; many or long labels
    stand upright, one column each, so they never overlap). The cumulative share counts
    every category, so it ends at 100%. On a phone (:func:`phone_figure`) at most
    :data:`PHONE_PARETO_TOP` bars before "Other". The right axis names what is counted:
    ``noun``, else the words after "Number of" in an English ``ylabel`` ("complaints").
    ``ylabel`` and ``xlabel`` default to "Number of tickets" and "Category" in ``language``.
    """
    w = words(language)
    ylabel = w._("Number of tickets") if ylabel is None else ylabel
    xlabel = w._("Category") if xlabel is None else xlabel
    if _PHONE.get():  # a bar a label's height, upright: fewer fit a phone's width
        top = min(top, PHONE_PARETO_TOP)
    order = np.argsort(np.asarray(counts, dtype=float), kind="stable")[::-1]
    names = [str(labels[i]) for i in order]
    values = np.asarray(counts, dtype=float)[order]
    if len(names) > top + 1:
        rest = len(names) - top
        names = [*names[:top], w.ngettext("Other ({count} category)",
                                          "Other ({count} categories)", rest)]
        values = np.r_[values[:top], values[top:].sum()]
    cumulative = np.cumsum(values) / values.sum() if values.sum() else np.zeros_like(values)
    shown = [_short(name) for name in names]
    upright = len(names) > 6 or max(map(_display_width, shown), default=0) > 14  # no overlap
    fig, ax = _figure((9, 5.4) if upright else None)
    positions = np.arange(len(names))
    colours = [COLOURS["data"]] * len(names)
    if len(names) < len(labels):
        colours[-1] = COLOURS["muted"]  # "Other" is many categories, not one
    ax.bar(positions, values, color=colours)  # axis labels name bars and line
    _number_axis(ax.yaxis)
    ax.set_xticks(positions, shown, rotation=90 if upright else 30,
                  ha="center" if upright else "right", rotation_mode="default",
                  fontsize=_pt(9) if len(names) > 8 else 10)
    ax.set_xlim(-0.6, len(names) - 0.4)
    twin = ax.twinx()
    twin.plot(positions, cumulative, color=COLOURS["target"], marker="o")
    twin.axhline(0.8, color=COLOURS["muted"], linestyle=":", linewidth=1)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    counted = noun or (ylabel[len("Number of "):] if ylabel.lower().startswith("number of ")
                       else w._("tickets"))
    twin.set_ylabel(w._("Cumulative share of {counted}", counted=counted), fontsize=11)
    twin.spines["top"].set_visible(False)
    twin.grid(False)
    _finish(ax, title, xlabel, ylabel)
    return fig


@_styled
def survival_curve(
    curves: dict[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str,
    xlabel: str | None = None,
    ylabel: str | None = None,
    xmax: float | None = None,
    unit: str = "hours",
    display_unit: str | None = None,
    language: str = "en",
) -> Figure:
    """Kaplan-Meier style step curves: label -> (times, share still waiting).

    Times are in ``unit`` (hours by default; minutes or days). They are drawn in
    ``display_unit``: by default the unit :func:`pdcakit.results.duration_unit` picks from
    the longest median, or ``unit`` itself when an ``xlabel`` is given. The axis ends
    where the data say (``xmax``, in ``unit``, overrides): a little past the largest of the
    curves' 90th percentiles, or where a curve that never falls to 10% goes flat.
    ``ylabel`` defaults to "Share of tickets still open" in ``language``.
    """
    w = words(language)
    ylabel = w._("Share of tickets still open") if ylabel is None else ylabel
    given = _unit(unit)
    arrays = {label: (np.asarray(t, dtype=float), np.asarray(v, dtype=float))
              for label, (t, v) in curves.items()}
    medians = [_first_at_or_below(t, v, 0.5) for t, v in arrays.values()]
    typical = max((m for m in medians if m is not None), default=None)
    shown = _display(display_unit, unit if xlabel is not None or typical is None else None,
                     None if typical is None else typical * given.minutes)
    convert = given.minutes / shown.minutes
    fig, ax = _figure()
    for (label, (times, surv)), colour in zip(arrays.items(),
                                              series_colours(list(arrays), _SERIES_PALETTE),
                                              strict=True):
        # from 100% at time 0, so cases finished at once (duration 0) show as a drop at 0
        ax.step(np.r_[0.0, times * convert], np.r_[1.0, surv], where="post", color=colour,
                linewidth=1.6, label=label)
    ax.axhline(0.5, color=COLOURS["muted"], linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    end = xmax if xmax is not None else _curve_end(arrays.values())
    logged = _log_time_axis(ax, arrays.values(), typical, end, convert)
    if end is not None and end > 0 and not logged:
        ax.set_xlim(0, end * convert)
    default = (w._("{Unit} since the ticket was created (log scale)", Unit=_unit_word(shown, w))
               if logged else
               w._("{Unit} since the ticket was created", Unit=_unit_word(shown, w)))
    _number_axis(ax.xaxis)
    _finish(ax, title, _with_unit(xlabel, w.unit(shown.name)) if xlabel else default, ylabel,
            percent=True)
    return fig


#: A time axis turns logarithmic when the longest median lies in this first share of it.
LOG_AXIS_SHARE = 0.1


def _log_time_axis(ax: Any, curves: Any, typical: float | None, end: float | None,
                   convert: float) -> bool:
    """A log time axis when the median sits in the first :data:`LOG_AXIS_SHARE` of a linear
    one (a 4-minute median on a 3-hour axis would be its first pixels); from the shortest
    positive time to ``end``. Returns whether it did."""
    if typical is None or end is None or end <= 0 or typical > LOG_AXIS_SHARE * end:
        return False
    times = np.concatenate([np.asarray(t, float) for t, _ in curves])
    positive = times[np.isfinite(times) & (times > 0)] * convert
    if not positive.size:
        return False
    low = max(float(positive.min()), end * convert * 1e-4)
    # symmetric-log: linear from 0 to the shortest time, so the drop at 0 (cases closed at
    # once, e.g. the same day with date-only times) stays on the chart
    _log_scale(ax, np.array([0.0, low, end * convert]), which="x")
    ax.set_xlim(0, end * convert)
    return True


def _first_at_or_below(times: np.ndarray, surv: np.ndarray, level: float) -> float | None:
    hits = np.flatnonzero(np.nan_to_num(surv, nan=1.0) <= level + 1e-12)
    return float(times[hits[0]]) if hits.size else None


def _curve_end(curves: Any) -> float | None:
    """Where the curves' axis should end: 10% past the largest 90th percentile, or past
    the last drop of a curve that never falls to 10% (it goes flat there)."""
    ends = []
    for times, surv in curves:
        if not times.size:
            continue
        p90 = _first_at_or_below(times, surv, 0.1)
        if p90 is None:
            drops = np.flatnonzero(np.diff(np.r_[1.0, surv]) < 0)
            p90 = float(times[drops[-1]]) if drops.size else float(times[-1])
        ends.append(p90)
    return max(ends) * 1.1 if ends else None


@_styled
def power_curve(
    sizes: Sequence[float],
    powers: Sequence[float],
    *,
    target_power: float,
    required_n: float | None,
    title: str,
    xlabel: str | None = None,
    language: str = "en",
) -> Figure:
    """Power against sample size, with the target power and the required n marked
    (``xlabel`` by default "Tickets in each group (before and after)" in ``language``)."""
    w = words(language)
    xlabel = w._("Tickets in each group (before and after)") if xlabel is None else xlabel
    fig, ax = _figure()
    ax.plot(sizes, powers, color=COLOURS["data"], linewidth=2,
            label=w._("Power to detect the target"))
    ax.axhline(target_power, color=COLOURS["target"], linestyle=(0, (5, 3)),
               label=w._("Wanted power ({power})", power=f"{target_power:.0%}"))
    if required_n is not None and np.isfinite(required_n):
        ax.axvline(required_n, color=COLOURS["centre"], linestyle="--",
                   label=w._("Needed: {n} per group", n=f"{required_n:,.0f}"))
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    _number_axis(ax.xaxis)
    _finish(ax, title, xlabel, w._("Probability of detecting the change"), percent=True)
    return fig


@_styled
def forest_plot(
    labels: Sequence[str],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
    xlabel: str,
    significant: Sequence[bool] | None = None,
    overall: tuple[float, float, float] | None = None,
    percent_points: bool = False,
    flag_labels: tuple[str, str] | None = None,
    language: str = "en",
) -> Figure:
    """Effect per segment with its CI; a line at no change; significant rows in colour.

    ``overall`` = (estimate, low, high) is drawn as a shaded band for reference.
    ``percent_points`` shows fractions as percentage points on the axis.
    ``flag_labels`` names the coloured and the plain rows in the legend (by default
    "Significant (adjusted)" and "Not significant (adjusted)" in ``language``).
    """
    w = words(language)
    if flag_labels is None:
        flag_labels = (w._("Significant (adjusted)"), w._("Not significant (adjusted)"))
    est = np.asarray(estimates, dtype=float)
    low, high = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    flags = (np.zeros(est.size, dtype=bool) if significant is None
             else np.asarray(significant, dtype=bool))
    fig, ax = _figure((9, 0.55 * len(est) + 1.8))
    positions = np.arange(len(est))
    if overall is not None:
        ax.axvspan(overall[1], overall[2], color=COLOURS["fill"], alpha=0.35,
                   label=w._("All tickets: 95% CI"))
        ax.axvline(overall[0], color=COLOURS["data"], linewidth=1, label=w._("All tickets"))
    ax.axvline(0, color=COLOURS["muted"], linestyle="--", linewidth=1.2,
               label=w._("No change"))
    for colour, mask, name in ((COLOURS["target"], flags, flag_labels[0]),
                               (COLOURS["data"], ~flags, flag_labels[1])):
        if mask.any():
            ax.errorbar(est[mask], positions[mask],
                        xerr=np.vstack([est[mask] - low[mask], high[mask] - est[mask]]),
                        fmt="o", color=colour, capsize=4, markersize=6, label=name)
    ax.set_yticks(positions, [_short(str(v), _row_chars()) for v in labels])
    ax.set_ylim(len(est) - 0.5, -0.5)
    points = 100 if percent_points else 1
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _signed_tick(points * v)))
    _finish(ax, title, xlabel, "")
    return fig


@_styled
def ecdf_plot(
    groups: dict[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str | None = None,
    log_x: bool | None = None,
    unit: str = "",
    language: str = "en",
) -> Figure:
    """Empirical cumulative distributions of several groups on one axis (before / after).

    ``log_x`` draws the values on a log axis (symmetric-log near 0 when some are 0, so
    none is left out); ``None`` chooses it when the positive values span more than two
    decades (one case far above the rest), and the axis label then says "log scale".
    ``unit`` (e.g. "minutes") follows each median in the legend. ``ylabel`` defaults to
    "Share of tickets at or below" in ``language``.
    """
    w = words(language)
    ylabel = w._("Share of tickets at or below") if ylabel is None else ylabel
    fig, ax = _figure()
    cleaned = {label: np.sort(np.asarray(values, dtype=float)) for label, values in
               groups.items()}
    cleaned = {label: data[np.isfinite(data)] for label, data in cleaned.items()}
    pooled = np.concatenate([np.empty(0), *cleaned.values()])
    if log_x is None:
        positive = pooled[pooled > 0]
        log_x = bool(positive.size and (pooled >= 0).all()
                     and positive.max() > 100 * positive.min())
        if log_x and "log" not in xlabel.lower():
            xlabel = (w._("{label}, log scale)", label=xlabel[:-1]) if xlabel.endswith(")")
                      else w._("{label} (log scale)", label=xlabel) if xlabel
                      else w._("Log scale"))
    for (label, data), colour in zip(cleaned.items(),
                                     series_colours(list(cleaned), _SERIES_PALETTE),
                                     strict=True):
        if not data.size:
            continue
        shares = np.arange(1, data.size + 1) / data.size
        median = " ".join(filter(None, (_tick(float(np.median(data))), w.unit(unit))))
        ax.step(data, shares, where="post", color=colour, linewidth=1.8,
                label=w._("{label} (n = {n}, median {median})", label=label,
                          n=f"{data.size:,}", median=median))
    ax.axhline(0.5, color=COLOURS["muted"], linestyle=":", linewidth=1)
    if log_x:
        _log_scale(ax, pooled, which="x")
    else:
        _number_axis(ax.xaxis)
    ax.set_ylim(0, 1.02)
    _finish(ax, title, xlabel, ylabel, percent=True)
    return fig


@_styled
def step_bars(
    steps: Sequence[str],
    before: Sequence[float],
    after: Sequence[float],
    *,
    kinds: Sequence[str] | None = None,
    title: str,
    xlabel: str | None = None,
    language: str = "en",
) -> Figure:
    """Paired horizontal bars per process step, before and after, minutes written on them.

    ``kinds`` (e.g. "value-added", "waiting") is appended to each step's label; ``xlabel``
    defaults to "Minutes per ticket" in ``language``.
    """
    w = words(language)
    xlabel = w._("Minutes per ticket") if xlabel is None else xlabel
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    labels = [_short(str(s), _row_chars()) if kinds is None else
              f"{_short(str(s), _row_chars())}\n({k})" for s, k in
              zip(steps, kinds if kinds is not None else steps, strict=True)]
    fig, ax = _figure((9, 0.75 * len(labels) + 1.6))
    positions = np.arange(len(labels))
    height = 0.38
    for offset, values, colour, name in ((-height / 2, b, BEFORE_COLOUR, w._("Before")),
                                         (height / 2, a, AFTER_COLOUR, w._("After"))):
        bars = ax.barh(positions + offset, values, height=height, color=colour, label=name)
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], padding=3, fontsize=_pt(8))
    ax.set_yticks(positions, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, max(float(np.nanmax(b)), float(np.nanmax(a))) * 1.12)
    _number_axis(ax.xaxis)
    _finish(ax, title, xlabel, "")
    return fig


# Public names of the house style for charts drawn in other modules (pdcakit.unitcharts).
house_style = _styled
new_figure = _figure
finish_axes = _finish
short_label = _short
__all__ += ["finish_axes", "house_style", "new_figure", "short_label"]
