"""Display helpers for the stage notebooks.

Sentences are shown as Markdown in JupyterLab and HTML, with the same text
as their ``text/plain`` form, so nbval compares the words a reviewer reads
(an IPython ``Markdown`` object's plain form is only its repr).

>>> bundle = markdown_bundle("**FCR** is 68%")
>>> bundle["text/plain"]
'FCR is 68%'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from .results import Estimate, format_value

__all__ = ["estimates_table", "figure_bundle", "markdown_bundle", "say", "show_figure", "table"]


def markdown_bundle(text: str) -> dict[str, str]:
    """MIME bundle: Markdown for renderers, the same words without markup for text."""
    plain = re.sub(r"\*\*|__|`", "", text)
    return {"text/markdown": text, "text/plain": plain}


def say(text: str) -> None:
    """Show a sentence or paragraph as Markdown (plain text under nbval)."""
    from IPython.display import display

    display(markdown_bundle(text), raw=True)


def figure_bundle(fig: Any) -> dict[str, str]:
    """MIME bundle of a Figure: a PNG drawn once at the figure's own size and dpi, and
    the figure's repr as text (what IPython's inline display gives).

    The house figures lay themselves out (constrained layout keeps titles, labels and
    outside legends on the canvas), so the PNG needs none of the inline backend's
    ``bbox_inches="tight"``, which draws every figure twice: 10-20% of a figure's cost.

    >>> from matplotlib.figure import Figure
    >>> bundle = figure_bundle(Figure(figsize=(4, 3), dpi=50))
    >>> bundle["text/plain"], bundle["image/png"][:8]
    ('<Figure size 200x150 with 0 Axes>', 'iVBORw0K')
    """
    import base64
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    return {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"),
            "text/plain": repr(fig)}


def show_figure(fig: Any) -> None:
    """Display a matplotlib Figure once (PNG in the output, its repr as text)."""
    from IPython.display import display

    display(figure_bundle(fig), raw=True)


def table(frame: pd.DataFrame, *, index: bool = True) -> None:
    """Display a DataFrame as a static table, every cell in full.

    ``index=False``: the first column labels the rows instead of 0, 1, 2 ... No
    Styler: its random ids would break nbval.
    """
    from IPython.display import display

    shown = frame if index or frame.empty else frame.set_index(frame.columns[0])
    with pd.option_context("display.max_colwidth", None, "display.max_columns", None,
                           "display.width", None):
        display(shown)


def estimates_table(estimates: Mapping[str, Estimate] | Sequence[Estimate],
                    digits: int = 1, *, sources: Mapping[str, str] | None = None
                    ) -> pd.DataFrame:
    """A readable table of Estimates: value, 95% CI, n, method (numbers formatted as text).

    ``sources`` (key -> file name) adds a "From" column naming the file each figure
    came from (keys of a mapping of estimates; rows without a file read "").

    >>> est = Estimate("CSI", 4.1, 30, (3.9, 4.3), "score", "t interval")
    >>> estimates_table({"csi": est}, sources={"csi": "surveys.csv"})["From"].tolist()
    ['surveys.csv']
    """
    keys = list(estimates) if isinstance(estimates, Mapping) else [None] * len(estimates)
    items = list(estimates.values()) if isinstance(estimates, Mapping) else list(estimates)
    rows = []
    levels = sorted({est.confidence for est in items if est.ci is not None}) or [0.95]
    mixed = len(levels) > 1
    ci_label = "CI (level per row)" if mixed else f"{levels[0]:.0%} CI"
    for key, est in zip(keys, items, strict=True):
        scale = est.scale  # value and CI in one unit
        ci = ("" if est.ci is None else
              f"{format_value(est.ci[0], est.unit, digits, scale=scale)} to "
              f"{format_value(est.ci[1], est.unit, digits, scale=scale)}")
        if est.ci is not None and mixed:
            ci += f" ({est.confidence:.0%})"
        row = {"Measure": est.name,
               "Value": format_value(est.value, est.unit, digits, scale=scale),
               ci_label: ci, "n": f"{est.n:,}", "Method": est.method}
        if sources is not None:
            row["From"] = sources.get(key, "") if key is not None else ""
        rows.append(row)
    return pd.DataFrame(rows).set_index("Measure")
