"""Charts comparing units (agents, teams, sites) fairly, in the house style of
:mod:`pdcakit.plots`: the funnel plot and the training event study.

Like :mod:`pdcakit.plots`, each function takes plain arrays (the statistics live in
:mod:`pdcakit.stats.funnel` and :mod:`pdcakit.stats.did`) and returns a Figure. Unit
names are data: drawn as plain text, never as mathematical markup.

>>> fig = funnel_chart([100, 200, 300], [0.70, 0.74, 0.50], ["A", "B", "C"],
...                    outside=["", "", "below"], target=0.68,
...                    curve_sizes=[50, 300], curves={0.95: ([0.55, 0.63], [0.80, 0.73])},
...                    title="FCR by agent", xlabel="Tickets", ylabel="FCR", percent=True)
>>> [t.get_text() for t in fig.axes[0].texts]
['C']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from pdcakit.plots import COLOURS, finish_axes, house_style, new_figure, short_label
from pdcakit.words import N_, words

__all__ = ["EVENT_STUDY_WORDS", "FUNNEL_WORDS", "event_study_chart", "funnel_chart"]

#: Line styles of the funnel's limits: the 95% dashed, the 99.8% solid.
_LIMIT_STYLES = {0.95: (0, (5, 3)), 0.998: "-"}

#: The funnel plot's legend words (keys of its ``labels``), marked for the catalogue.
FUNNEL_WORDS = {"target": N_("Overall"), "inside": N_("Within the limits"),
                "outside": N_("Outside the 95% limits"), "limit 0.95": N_("95% limits"),
                "limit 0.998": N_("99.8% limits")}
#: The event study's legend words (keys of its ``labels``).
EVENT_STUDY_WORDS = {"zero": N_("No difference"), "training": N_("Training"),
                     "estimate": N_("Trained minus untrained (95% CI)")}


@house_style
def funnel_chart(sizes: Sequence[float], values: Sequence[float], units: Sequence[str], *,
                 outside: Sequence[str], target: float, curve_sizes: Sequence[float],
                 curves: Mapping[float, tuple[Sequence[float], Sequence[float]]],
                 title: str, xlabel: str, ylabel: str, percent: bool = False,
                 labels: Mapping[str, str] | None = None, language: str = "en") -> Figure:
    """A funnel plot: each unit's value against its size, the target, and the limits at
    each level in ``curves`` (level -> (low, high) over ``curve_sizes``). Units whose
    ``outside`` is ``"above"`` or ``"below"`` are drawn in the signal colour and named;
    the others are plain points, unnamed (they cannot be told apart).

    ``labels``: the legend's words (keys ``target``, ``inside``, ``outside`` and
    ``limit 0.95`` / ``limit 0.998``); by default :data:`FUNNEL_WORDS` in ``language``.
    """
    w = words(language)
    legend = {**{key: w._(text) for key, text in FUNNEL_WORDS.items()}, **(labels or {})}
    x = np.asarray(sizes, dtype=float)
    y = np.asarray(values, dtype=float)
    out = np.asarray([bool(side) for side in outside], dtype=bool)
    fig, ax = new_figure((9, 5))
    grid = np.asarray(curve_sizes, dtype=float)
    for level, (low, high) in sorted(curves.items()):
        style = _LIMIT_STYLES.get(level, ":")
        ax.plot(grid, low, color=COLOURS["limit"], linestyle=style, linewidth=1.2,
                label=legend.get(f"limit {level:g}",
                                 w._("{level} limits", level=f"{level:.1%}")))
        ax.plot(grid, high, color=COLOURS["limit"], linestyle=style, linewidth=1.2)
    ax.axhline(target, color=COLOURS["centre"], linewidth=1.2, label=legend["target"])
    if (~out).any():
        ax.scatter(x[~out], y[~out], s=28, color=COLOURS["data"], alpha=0.75, zorder=3,
                   label=legend["inside"])
    if out.any():
        ax.scatter(x[out], y[out], s=46, color=COLOURS["signal"], marker="D", zorder=4,
                   label=legend["outside"])
        for xi, yi, name in zip(x[out], y[out], np.asarray(units, dtype=object)[out],
                                strict=True):
            ax.annotate(short_label(str(name)), (xi, yi), xytext=(5, 4),
                        textcoords="offset points", fontsize=9, color=COLOURS["signal"],
                        parse_math=False)
    ax.set_xlim(left=0)
    finish_axes(ax, title, xlabel, ylabel, percent=percent)
    return fig


@house_style
def event_study_chart(weeks: Sequence[int], estimates: Sequence[float],
                      lows: Sequence[float], highs: Sequence[float], *, title: str,
                      xlabel: str, ylabel: str, percent_points: bool = False,
                      training_at: float = -0.5,
                      labels: Mapping[str, str] | None = None, language: str = "en"
                      ) -> Figure:
    """The trained agents' difference by week from training (week -1 the reference, at
    0), each with its interval: before training the points should hover around 0
    (parallel trends); after it they show the effect. ``training_at``: where the
    training line is drawn (-0.5: between weeks; -1: on a training week left out).
    ``labels``: the legend's words (keys of :data:`EVENT_STUDY_WORDS`, which are the
    defaults in ``language``).

    >>> fig = event_study_chart([-2, -1, 0, 1], [0.01, 0.0, 0.05, 0.07],
    ...                         [-0.03, 0.0, 0.01, 0.02], [0.05, 0.0, 0.09, 0.12],
    ...                         title="FCR", xlabel="Weeks from training", ylabel="Change")
    >>> len(fig.axes[0].lines) > 0
    True
    """
    w = words(language)
    legend = {**{key: w._(text) for key, text in EVENT_STUDY_WORDS.items()}, **(labels or {})}
    k = np.asarray(weeks, dtype=float)
    est = np.asarray(estimates, dtype=float)
    low, high = np.asarray(lows, dtype=float), np.asarray(highs, dtype=float)
    fig, ax = new_figure()
    ax.axhline(0, color=COLOURS["muted"], linestyle="--", linewidth=1.2,
               label=legend["zero"])
    ax.axvline(training_at, color=COLOURS["event"], linestyle="-.", linewidth=1.2,
               label=legend["training"])
    colours = np.where(k >= 0, COLOURS["after"], COLOURS["before"])
    for colour in (COLOURS["before"], COLOURS["after"]):
        mask = colours == colour
        if mask.any():
            ax.errorbar(k[mask], est[mask],
                        yerr=np.vstack([est[mask] - low[mask], high[mask] - est[mask]]),
                        fmt="o", color=colour, capsize=3, markersize=5,
                        label=legend["estimate"] if colour == COLOURS["after"] else None)
    points = 100 if percent_points else 1
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{points * v:+.3g}" if v else "0"))
    finish_axes(ax, title, xlabel, ylabel)
    return fig
