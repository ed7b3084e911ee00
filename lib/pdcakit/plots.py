"""Matplotlib figures in one house style; every function returns a Figure.

Each chart carries a title, axis labels with units, and draws the target
and the control limits when given, so it reads on its own in an HTML
report. Functions take plain arrays, not result objects, so they serve
every stage.

>>> fig = control_chart(range(5), [3, 4, 3, 5, 4], centre=3.8, lcl=1.0, ucl=6.6,
...                     title="Weekly FCR", ylabel="FCR (%)")
>>> fig.axes[0].get_title(loc="left")
'Weekly FCR'
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from .results import DURATION_UNITS, DurationUnit, duration_unit, format_value

__all__ = ["AFTER_COLOUR", "BEFORE_COLOUR", "COLOURS", "PARETO_TOP",
           "control_chart", "duration_histogram", "ecdf_plot", "forest_plot", "mark_events",
           "pareto_chart", "power_curve", "series_colours", "step_bars", "survival_curve"]

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

_STYLE = {
    "figure.figsize": (9, 4.2),
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "legend.frameon": False,
    "legend.fontsize": 9,
}


def _font_family() -> list[str]:
    """DejaVu Sans, plus an installed CJK font so Chinese category names render."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    cjk = [name for name in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei",
                             "Source Han Sans SC") if name in installed]
    return ["DejaVu Sans", *cjk[:1]]


_STYLE["font.family"] = _font_family()


def _styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure under the house style (rcParams apply when artists are created)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context(_STYLE):
            return func(*args, **kwargs)

    return wrapper


def _figure(figsize: tuple[float, float] | None = None) -> tuple[Figure, Any]:
    fig = Figure(figsize=figsize or _STYLE["figure.figsize"], layout="constrained")
    return fig, fig.add_subplot()


def _finish(ax: Any, title: str, xlabel: str, ylabel: str, percent: bool = False) -> None:
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)


def series_colours(labels: Sequence[str], palette: Sequence[str]) -> list[str]:
    """A colour per series: :data:`BEFORE_COLOUR` / :data:`AFTER_COLOUR` for series whose
    label starts with "before" / "after" (any case), the palette in turn for the others.

    >>> series_colours(["Before (n = 3)", "After", "Phone"], ["#111111"])
    ['#8d99a6', '#1f4e79', '#111111']
    """
    others = iter(list(palette) * (len(labels) + 1))
    out = []
    for label in labels:
        word = str(label).strip().lower()
        out.append(BEFORE_COLOUR if word.startswith("before") else
                   AFTER_COLOUR if word.startswith("after") else next(others))
    return out


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
    xlabel: str = "Period",
    centre_label: str = "Centre line",
    percent: bool = False,
    phase_starts: Sequence[Any] = (),
    events: Sequence[Sequence[Any]] = (),
    scale: str | None = None,
    sparse: Sequence[bool] | None = None,
    unreached: Sequence[bool] | None = None,
    share_open: Sequence[float] | None = None,
    log_y: bool = False,
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
    """
    xs = list(x)
    unit = _unit(scale)
    ys = unit.of(np.asarray(values, dtype=float))
    n = len(ys)
    if share_open is not None:
        fig = Figure(figsize=(9, 5.4), layout="constrained")
        ax, strip = fig.subplots(2, 1, sharex=True, height_ratios=(4, 1))
    else:
        fig, ax = _figure()
        strip = None
    ax.plot(xs, ys, color=COLOURS["data"], marker="o", markersize=4, linewidth=1.2,
            label="Observed")
    few = np.zeros(n, bool) if sparse is None else np.asarray(sparse, dtype=bool)
    if few.any():
        ax.scatter([xs[i] for i in np.flatnonzero(few)], ys[few], s=36, zorder=4,
                   facecolor="white", edgecolor=COLOURS["data"], linewidth=1.2,
                   label="Few cases (not used for the limits)")
    centre_line = _as_line(centre, n)
    if centre_line is not None:
        ax.step(xs, unit.of(centre_line), where="mid", color=COLOURS["centre"], linewidth=1.5,
                label=centre_label)
    for limit, name in ((_as_line(ucl, n), "Upper limit"), (_as_line(lcl, n), "Lower limit")):
        if limit is not None:
            ax.step(xs, unit.of(limit), where="mid", color=COLOURS["limit"], linewidth=1.0,
                    linestyle="--", label=name)
    if signals is not None:
        flagged = np.asarray(signals, dtype=bool)
        if flagged.any():
            ax.scatter([xs[i] for i in np.flatnonzero(flagged)], ys[flagged], s=50, zorder=5,
                       color=COLOURS["signal"], label="Signal")
    if unreached is not None and np.asarray(unreached, bool).any():
        at = np.flatnonzero(np.asarray(unreached, bool))
        ax.scatter([xs[i] for i in at], np.full(at.size, 0.97), marker="^", s=30,
                   transform=ax.get_xaxis_transform(), color=COLOURS["muted"], zorder=5,
                   label="Median not reached (over half still open)")
    if target is not None:
        ax.axhline(unit.of(target), color=COLOURS["target"], linestyle=(0, (5, 3)),
                   linewidth=1.5, label=f"Target ({_target_text(target, percent, scale)})")
    for start in phase_starts:
        ax.axvline(start, color=COLOURS["muted"], linestyle=":", linewidth=1.2)
    if log_y:
        _log_axis(ax, ys)
    elif scale is not None:
        ax.set_ylim(bottom=0)
    mark_events(ax, xs, events)
    _finish(ax, title, "" if strip is not None else xlabel, ylabel, percent)
    if strip is not None:
        shares = np.asarray(share_open, dtype=float)
        strip.bar(xs, np.nan_to_num(shares), width=_bar_width(xs), color=COLOURS["muted"],
                  label="Share still open")
        strip.set_ylim(0, max(0.05, float(np.nanmax(shares, initial=0)) * 1.15))
        strip.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        strip.set_ylabel("Still open", fontsize=9)
        strip.set_xlabel(xlabel)
        strip.grid(axis="x", visible=False)
    fig.autofmt_xdate() if xs and hasattr(xs[0], "year") else None
    return fig


def _log_axis(ax: Any, values: np.ndarray) -> None:
    """Log value axis; symmetric-log (linear below the smallest positive value) when some
    values are 0, so they stay on the chart."""
    finite = values[np.isfinite(values)]
    positive = finite[finite > 0]
    if not positive.size:
        return
    if (finite <= 0).any():
        ax.set_yscale("symlog", linthresh=float(positive.min()), linscale=0.5)
        ax.set_ylim(bottom=0)
    else:
        ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(_tick))


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


def _target_text(target: float, percent: bool, scale: str | None) -> str:
    if scale is not None:
        return format_value(target, "minutes", scale=scale)
    return _fmt(target, percent)


_EVENT_STYLES = ("-.", (0, (1, 1)), (0, (4, 1, 1, 1, 1, 1)))


def mark_events(ax: Any, xs: Sequence[Any], events: Sequence[Sequence[Any]]) -> int:
    """Draw each (date, label) event inside the time axis's range; return how many.

    Events before the first period or more than one period after the last are
    left out (they belong to another window). Needs a date axis.

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
    first, last = pd.Timestamp(xs[0]), pd.Timestamp(xs[-1])
    step = (last - first) / max(len(xs) - 1, 1)
    drawn = 0
    for when, label in ((pd.Timestamp(str(e[0])), str(e[1])) for e in events):
        if not first <= when <= last + step:
            continue
        # named in the legend, never written across the data, target or limits
        short = label if len(label) <= 40 else label[:39] + "…"
        ax.axvline(when, color=COLOURS["event"], linestyle=_EVENT_STYLES[drawn % 3],
                   linewidth=1.2, label=f"{when:%d %b %Y}: {short}")
        drawn += 1
    return drawn


def _fmt(value: float, percent: bool) -> str:
    """A target or reference value for a legend: never in exponent notation.

    >>> _fmt(10_100, False), _fmt(0.745, True), _fmt(4.25, False)
    ('10,100', '74%', '4.25')
    """
    if percent:
        return f"{value:.0%}"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}"


@_styled
def duration_histogram(
    minutes: Sequence[float],
    *,
    median: float | None,
    p90: float | None,
    title: str,
    xlabel: str | None = None,
    threshold: float | None = None,
    median_label: str = "Median",
    unit: str = "minutes",
    display_unit: str | None = None,
) -> Figure:
    """Histogram of a skewed duration on a log axis, with median, p90 and an SLA threshold.

    ``minutes``, ``median``, ``p90`` and ``threshold`` are in ``unit`` (minutes, hours or
    days; the name is kept for older callers). They are drawn in ``display_unit``: by
    default the one :func:`pdcakit.results.duration_unit` picks from the median, or
    ``unit`` itself when an ``xlabel`` is given. Zero durations (closed within the
    timestamps' resolution, e.g. the same day with date-only times) cannot sit on a log
    axis: they get their own bar at the left, and the legend says how many there are.
    """
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
        bins = np.logspace(np.log10(low), np.log10(positive.max() * 1.01), 50)
        ax.hist(positive, bins=bins, color=COLOURS["fill"], edgecolor="white", label="Cases")
        ax.set_xscale("symlog" if zeros else "log", **({"linthresh": low, "linscale": 0.4}
                                                        if zeros else {}))
        ax.xaxis.set_major_formatter(FuncFormatter(_tick))
    if zeros:
        width = positive.min() / 1.5 if positive.size else 1.0
        ax.bar([0], [zeros], width=width, align="edge", color=COLOURS["muted"],
               edgecolor="white",
               label=f"Zero: {zeros:,} of {data.size:,} ({zeros / data.size:.0%}), e.g. closed "
                     "the same day")
        ax.set_xlim(left=0)
        if positive.size:  # 0, then whole decades: no tick crowds the zero bar
            first = int(np.ceil(np.log10(positive.min())))
            last = int(np.floor(np.log10(positive.max()))) + 1
            ax.set_xticks([0.0, *(10.0 ** k for k in range(first, last + 1))])
            ax.xaxis.set_minor_locator(mpl.ticker.NullLocator())
    for value, label, colour, style in (
        (median, median_label, COLOURS["centre"], "-"),
        (p90, "90th percentile", COLOURS["data"], "--"),
        (threshold, "SLA threshold", COLOURS["target"], (0, (5, 3))),
    ):
        if value is not None and np.isfinite(value) and value >= 0:
            ax.axvline(value * convert, color=colour, linestyle=style, linewidth=1.6,
                       label=f"{label}: {value * convert:,.1f} {shown.name}")
    default = f"{shown.name.capitalize()} (log scale{'; zero at the left' if zeros else ''})"
    _finish(ax, title, xlabel or default, "Number of cases")
    return fig


def _tick(value: float, _: Any) -> str:
    if value == 0:
        return "0"
    return f"{value:,.0f}" if value >= 1 else f"{value:.1g}"


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
_LABEL_CHARS = 22


def _short(label: str, width: int = _LABEL_CHARS) -> str:
    """A category name cut to ``width`` characters (an ellipsis marks the cut)."""
    return label if len(label) <= width else label[: width - 1] + "\u2026"


@_styled
def pareto_chart(
    labels: Sequence[str],
    counts: Sequence[float],
    *,
    title: str,
    ylabel: str = "Number of tickets",
    xlabel: str = "Category",
    top: int = PARETO_TOP,
) -> Figure:
    """Bars sorted by count with the cumulative share on a second axis (80% line drawn).

    More than ``top`` categories: the ``top`` largest, then one bar "Other (k categories)"
    for the rest, so the labels stay readable (long names are cut; many or long labels
    stand upright, one column each, so they never overlap). The
    cumulative share counts every category, so it ends at 100%.
    """
    order = np.argsort(np.asarray(counts, dtype=float), kind="stable")[::-1]
    names = [str(labels[i]) for i in order]
    values = np.asarray(counts, dtype=float)[order]
    if len(names) > top + 1:
        rest = len(names) - top
        names = [*names[:top], f"Other ({rest} categories)"]
        values = np.r_[values[:top], values[top:].sum()]
    cumulative = np.cumsum(values) / values.sum() if values.sum() else np.zeros_like(values)
    shown = [_short(name) for name in names]
    upright = len(names) > 6 or max(map(len, shown), default=0) > 14  # no label overlaps
    fig, ax = _figure((9, 5.4) if upright else None)
    positions = np.arange(len(names))
    colours = [COLOURS["data"]] * len(names)
    if len(names) < len(labels):
        colours[-1] = COLOURS["muted"]  # "Other" is many categories, not one
    ax.bar(positions, values, color=colours)  # axis labels name bars and line
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xticks(positions, shown, rotation=90 if upright else 30,
                  ha="center" if upright else "right", rotation_mode="default",
                  fontsize=9 if len(names) > 8 else 10)
    ax.set_xlim(-0.6, len(names) - 0.4)
    twin = ax.twinx()
    twin.plot(positions, cumulative, color=COLOURS["target"], marker="o")
    twin.axhline(0.8, color=COLOURS["muted"], linestyle=":", linewidth=1)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    twin.set_ylabel("Cumulative share of tickets", fontsize=11)
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
    ylabel: str = "Share of tickets still open",
    xmax: float | None = None,
    unit: str = "hours",
    display_unit: str | None = None,
) -> Figure:
    """Kaplan-Meier style step curves: label -> (times, share still waiting).

    Times are in ``unit`` (hours by default; minutes or days). They are drawn in
    ``display_unit``: by default the unit :func:`pdcakit.results.duration_unit` picks from
    the longest median, or ``unit`` itself when an ``xlabel`` is given. The axis ends
    where the data say (``xmax``, in ``unit``, overrides): a little past the largest of the
    curves' 90th percentiles, or where a curve that never falls to 10% goes flat.
    """
    given = _unit(unit)
    arrays = {label: (np.asarray(t, dtype=float), np.asarray(v, dtype=float))
              for label, (t, v) in curves.items()}
    medians = [_first_at_or_below(t, v, 0.5) for t, v in arrays.values()]
    typical = max((m for m in medians if m is not None), default=None)
    shown = _display(display_unit, unit if xlabel is not None or typical is None else None,
                     None if typical is None else typical * given.minutes)
    convert = given.minutes / shown.minutes
    fig, ax = _figure()
    palette = [COLOURS["data"], COLOURS["target"], COLOURS["centre"], COLOURS["limit"]]
    for (label, (times, surv)), colour in zip(arrays.items(),
                                              series_colours(list(arrays), palette),
                                              strict=True):
        # from 100% at time 0, so cases finished at once (duration 0) show as a drop at 0
        ax.step(np.r_[0.0, times * convert], np.r_[1.0, surv], where="post", color=colour,
                linewidth=1.6, label=label)
    ax.axhline(0.5, color=COLOURS["muted"], linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    end = xmax if xmax is not None else _curve_end(arrays.values())
    if end is not None and end > 0:
        ax.set_xlim(0, end * convert)
    default = f"{shown.name.capitalize()} since the ticket was created"
    _finish(ax, title, xlabel or default, ylabel, percent=True)
    return fig


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
    xlabel: str = "Tickets in each group (before and after)",
) -> Figure:
    """Power against sample size, with the target power and the required n marked."""
    fig, ax = _figure()
    ax.plot(sizes, powers, color=COLOURS["data"], linewidth=2, label="Power to detect the target")
    ax.axhline(target_power, color=COLOURS["target"], linestyle=(0, (5, 3)),
               label=f"Wanted power ({target_power:.0%})")
    if required_n is not None and np.isfinite(required_n):
        ax.axvline(required_n, color=COLOURS["centre"], linestyle="--",
                   label=f"Needed: {required_n:,.0f} per group")
    ax.set_ylim(0, 1.02)
    _finish(ax, title, xlabel, "Probability of detecting the change", percent=True)
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
    flag_labels: tuple[str, str] = ("Significant (adjusted)", "Not significant (adjusted)"),
) -> Figure:
    """Effect per segment with its CI; a line at no change; significant rows in colour.

    ``overall`` = (estimate, low, high) is drawn as a shaded band for reference.
    ``percent_points`` shows fractions as percentage points on the axis.
    ``flag_labels`` names the coloured and the plain rows in the legend.
    """
    est = np.asarray(estimates, dtype=float)
    low, high = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    flags = (np.zeros(est.size, dtype=bool) if significant is None
             else np.asarray(significant, dtype=bool))
    fig, ax = _figure((9, 0.55 * len(est) + 1.8))
    positions = np.arange(len(est))
    if overall is not None:
        ax.axvspan(overall[1], overall[2], color=COLOURS["fill"], alpha=0.35,
                   label="All tickets: 95% CI")
        ax.axvline(overall[0], color=COLOURS["data"], linewidth=1, label="All tickets")
    ax.axvline(0, color=COLOURS["muted"], linestyle="--", linewidth=1.2, label="No change")
    for colour, mask, name in ((COLOURS["target"], flags, flag_labels[0]),
                               (COLOURS["data"], ~flags, flag_labels[1])):
        if mask.any():
            ax.errorbar(est[mask], positions[mask],
                        xerr=np.vstack([est[mask] - low[mask], high[mask] - est[mask]]),
                        fmt="o", color=colour, capsize=4, markersize=6, label=name)
    ax.set_yticks(positions, [str(v) for v in labels])
    ax.set_ylim(len(est) - 0.5, -0.5)
    if percent_points:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:+.3g}"))
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    return fig


@_styled
def ecdf_plot(
    groups: dict[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str = "Share of tickets at or below",
    log_x: bool = False,
) -> Figure:
    """Empirical cumulative distributions of several groups on one axis (before / after)."""
    fig, ax = _figure()
    palette = [COLOURS["muted"], COLOURS["data"], COLOURS["target"], COLOURS["centre"]]
    for (label, values), colour in zip(groups.items(), series_colours(list(groups), palette),
                                       strict=True):
        data = np.sort(np.asarray(values, dtype=float))
        data = data[np.isfinite(data)]
        if log_x:
            data = data[data > 0]
        if not data.size:
            continue
        shares = np.arange(1, data.size + 1) / data.size
        ax.step(data, shares, where="post", color=colour, linewidth=1.8,
                label=f"{label} (n = {data.size:,}, median {np.median(data):,.3g})")
    ax.axhline(0.5, color=COLOURS["muted"], linestyle=":", linewidth=1)
    if log_x:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1
                                                   else f"{v:.1f}"))
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
    xlabel: str = "Minutes per ticket",
) -> Figure:
    """Paired horizontal bars per process step, before and after, minutes written on them.

    ``kinds`` (e.g. "value-added", "waiting") is appended to each step's label.
    """
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    labels = [str(s) if kinds is None else f"{s}\n({k})" for s, k in
              zip(steps, kinds if kinds is not None else steps, strict=True)]
    fig, ax = _figure((9, 0.75 * len(labels) + 1.6))
    positions = np.arange(len(labels))
    height = 0.38
    for offset, values, colour, name in ((-height / 2, b, BEFORE_COLOUR, "Before"),
                                         (height / 2, a, AFTER_COLOUR, "After")):
        bars = ax.barh(positions + offset, values, height=height, color=colour, label=name)
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], padding=3, fontsize=8)
    ax.set_yticks(positions, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, max(float(np.nanmax(b)), float(np.nanmax(a))) * 1.12)
    _finish(ax, title, xlabel, "")
    return fig
