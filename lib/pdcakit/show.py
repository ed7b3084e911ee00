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

__all__ = ["estimates_table", "markdown_bundle", "say", "show_figure", "table"]


def markdown_bundle(text: str) -> dict[str, str]:
    """MIME bundle: Markdown for renderers, the same words without markup for text."""
    plain = re.sub(r"\*\*|__|`", "", text)
    return {"text/markdown": text, "text/plain": plain}


def say(text: str) -> None:
    """Show a sentence or paragraph as Markdown (plain text under nbval)."""
    from IPython.display import display

    display(markdown_bundle(text), raw=True)


def show_figure(fig: Any) -> None:
    """Display a matplotlib Figure once (PNG in the output, its repr as text)."""
    from IPython.display import display

    display(fig)


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
                    digits: int = 1) -> pd.DataFrame:
    """A readable table of Estimates: value, 95% CI, n, method (numbers formatted as text)."""
    items = list(estimates.values()) if isinstance(estimates, Mapping) else list(estimates)
    rows = []
    for est in items:
        ci = ("" if est.ci is None else
              f"{format_value(est.ci[0], est.unit, digits)} to "
              f"{format_value(est.ci[1], est.unit, digits)}")
        rows.append({"Measure": est.name, "Value": format_value(est.value, est.unit, digits),
                     "95% CI": ci, "n": f"{est.n:,}", "Method": est.method})
    return pd.DataFrame(rows).set_index("Measure")
