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

__all__ = ["COLOURS", "bar_with_ci", "control_chart", "duration_histogram", "ecdf_plot",
           "forest_plot", "mark_events", "pareto_chart", "power_curve", "step_bars",
           "survival_curve"]

COLOURS = {
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
) -> Figure:
    """A run chart (no limits) or control chart (limits given), one point per period.

    ``centre``, ``lcl`` and ``ucl`` may be scalars or per-point arrays (p and u
    charts with varying subgroup sizes, phases). Points flagged in ``signals``
    are drawn in red; ``target`` is a dashed orange line; ``phase_starts``
    draws a vertical line where each new phase begins; ``events`` are (date,
    label) pairs from the cycle log (changes going live, decisions), marked and
    labelled where they fall on the time axis (see :func:`mark_events`).
    """
    xs = list(x)
    ys = np.asarray(values, dtype=float)
    n = len(ys)
    fig, ax = _figure()
    ax.plot(xs, ys, color=COLOURS["data"], marker="o", markersize=4, linewidth=1.2,
            label="Observed")
    centre_line = _as_line(centre, n)
    if centre_line is not None:
        ax.step(xs, centre_line, where="mid", color=COLOURS["centre"], linewidth=1.5,
                label=centre_label)
    for limit, name in ((_as_line(ucl, n), "Upper limit"), (_as_line(lcl, n), "Lower limit")):
        if limit is not None:
            ax.step(xs, limit, where="mid", color=COLOURS["limit"], linewidth=1.0,
                    linestyle="--", label=name)
    if signals is not None:
        flagged = np.asarray(signals, dtype=bool)
        if flagged.any():
            ax.scatter([xs[i] for i in np.flatnonzero(flagged)], ys[flagged], s=50, zorder=5,
                       color=COLOURS["signal"], label="Signal")
    if target is not None:
        ax.axhline(target, color=COLOURS["target"], linestyle=(0, (5, 3)), linewidth=1.5,
                   label=f"Target ({_fmt(target, percent)})")
    for start in phase_starts:
        ax.axvline(start, color=COLOURS["muted"], linestyle=":", linewidth=1.2)
    mark_events(ax, xs, events)
    _finish(ax, title, xlabel, ylabel, percent)
    fig.autofmt_xdate() if xs and hasattr(xs[0], "year") else None
    return fig


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
        ax.axvline(when, color=COLOURS["event"], linestyle="-.", linewidth=1.2,
                   label="Cycle log" if not drawn else None)
        ax.annotate(label, xy=(when, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -4), textcoords="offset points", rotation=90, va="top",
                    ha="left", fontsize=8, color=COLOURS["event"])
        drawn += 1
    return drawn


def _fmt(value: float, percent: bool) -> str:
    return f"{value:.0%}" if percent else f"{value:,.3g}"


@_styled
def duration_histogram(
    minutes: Sequence[float],
    *,
    median: float | None,
    p90: float | None,
    title: str,
    xlabel: str = "Minutes (log scale)",
    threshold: float | None = None,
    median_label: str = "Median",
    unit: str = "minutes",
) -> Figure:
    """Histogram of a skewed duration on a log axis, with median, p90 and an SLA threshold."""
    data = np.asarray(minutes, dtype=float)
    data = data[np.isfinite(data) & (data > 0)]
    fig, ax = _figure()
    if data.size:
        bins = np.logspace(np.log10(data.min()), np.log10(data.max()), 50)
        ax.hist(data, bins=bins, color=COLOURS["fill"], edgecolor="white", label="Tickets")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1
                                                   else f"{v:.1f}"))
    for value, label, colour, style in (
        (median, median_label, COLOURS["centre"], "-"),
        (p90, "90th percentile", COLOURS["data"], "--"),
        (threshold, "SLA threshold", COLOURS["target"], (0, (5, 3))),
    ):
        if value is not None and np.isfinite(value) and value > 0:
            ax.axvline(value, color=colour, linestyle=style, linewidth=1.6,
                       label=f"{label}: {value:,.1f} {unit}")
    _finish(ax, title, xlabel, "Number of tickets")
    return fig


@_styled
def pareto_chart(
    labels: Sequence[str],
    counts: Sequence[float],
    *,
    title: str,
    ylabel: str = "Number of tickets",
    xlabel: str = "Category",
) -> Figure:
    """Bars sorted by count with the cumulative share on a second axis (80% line drawn)."""
    order = np.argsort(np.asarray(counts, dtype=float))[::-1]
    names = [str(labels[i]) for i in order]
    values = np.asarray(counts, dtype=float)[order]
    cumulative = np.cumsum(values) / values.sum() if values.sum() else np.zeros_like(values)
    fig, ax = _figure()
    ax.bar(names, values, color=COLOURS["data"])  # axis labels name bars and line
    ax.tick_params(axis="x", rotation=30)
    twin = ax.twinx()
    twin.plot(names, cumulative, color=COLOURS["target"], marker="o")
    twin.axhline(0.8, color=COLOURS["muted"], linestyle=":", linewidth=1)
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    twin.set_ylabel("Cumulative share of tickets", fontsize=11)
    twin.spines["top"].set_visible(False)
    twin.grid(False)
    _finish(ax, title, xlabel, ylabel)
    return fig


@_styled
def bar_with_ci(
    labels: Sequence[str],
    values: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    title: str,
    xlabel: str,
    target: float | None = None,
    percent: bool = False,
) -> Figure:
    """Horizontal bars with confidence-interval whiskers (segments, scorecards)."""
    vals = np.asarray(values, dtype=float)
    err = np.vstack([vals - np.asarray(lows, dtype=float), np.asarray(highs, dtype=float) - vals])
    fig, ax = _figure((9, 0.5 * len(vals) + 1.6))
    positions = np.arange(len(vals))
    ax.barh(positions, vals, xerr=err, color=COLOURS["fill"], edgecolor=COLOURS["data"],
            capsize=4, label="Estimate with 95% CI")
    ax.set_yticks(positions, [str(v) for v in labels])
    ax.invert_yaxis()
    if target is not None:
        ax.axvline(target, color=COLOURS["target"], linestyle=(0, (5, 3)), linewidth=1.5,
                   label=f"Target ({_fmt(target, percent)})")
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
    ax.set_title(title, fontsize=13, fontweight="bold", loc="left")
    ax.set_xlabel(xlabel, fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    return fig


@_styled
def survival_curve(
    curves: dict[str, tuple[Sequence[float], Sequence[float]]],
    *,
    title: str,
    xlabel: str = "Hours since the ticket was created",
    ylabel: str = "Share of tickets still open",
    xmax: float | None = None,
) -> Figure:
    """Kaplan-Meier style step curves: label -> (times, share still waiting)."""
    fig, ax = _figure()
    palette = [COLOURS["data"], COLOURS["target"], COLOURS["centre"], COLOURS["limit"]]
    for (label, (times, surv)), colour in zip(curves.items(), palette * 4, strict=False):
        ax.step(np.asarray(times, dtype=float), np.asarray(surv, dtype=float), where="post",
                color=colour, linewidth=1.6, label=label)
    ax.axhline(0.5, color=COLOURS["muted"], linestyle=":", linewidth=1)
    ax.set_ylim(0, 1.02)
    if xmax is not None:
        ax.set_xlim(0, xmax)
    _finish(ax, title, xlabel, ylabel, percent=True)
    return fig


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
    for (label, values), colour in zip(groups.items(), palette * 4, strict=False):
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
    for offset, values, colour, name in ((-height / 2, b, COLOURS["muted"], "Before"),
                                         (height / 2, a, COLOURS["data"], "After")):
        bars = ax.barh(positions + offset, values, height=height, color=colour, label=name)
        ax.bar_label(bars, labels=[f"{v:,.1f}" for v in values], padding=3, fontsize=8)
    ax.set_yticks(positions, labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, max(float(np.nanmax(b)), float(np.nanmax(a))) * 1.12)
    _finish(ax, title, xlabel, "")
    return fig
