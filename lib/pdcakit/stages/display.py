"""Display helpers for the stage notebooks.

Sentences are shown as HTML built here, every piece escaped, with the same words as
their ``text/plain`` form, so nbval compares the words a reviewer reads. A sentence mixes
the notebook's own words with values from a user's export or record (a channel, a
category, a change idea): those are data, never markup. :func:`say` escapes the whole
sentence first and only then turns the notebook's ``**bold**`` and ```code``` markers and
a leading ``- `` (a list item) into tags, so a value holding ``<img onerror=...>``,
``[docs](javascript:...)`` or ``**`` is at worst shown bold, never live.

>>> bundle = sentence_bundle("**FCR** is 68% for <b>web</b>")
>>> bundle["text/plain"]
'FCR is 68% for <b>web</b>'
>>> bundle["text/html"]
'<p><strong>FCR</strong> is 68% for &lt;b&gt;web&lt;/b&gt;</p>'
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from pdcakit.results import Estimate, format_value

__all__ = ["DENSITY", "estimates_table", "figure_alt", "figure_bundle", "figure_svg", "fold",
           "fold_bundle",
           "markdown_bundle",
           "plain_text", "reader_frame", "say", "sentence_bundle", "sentence_html",
           "show_figure", "table"]

_MARKERS = re.compile(r"\*\*|__|`")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_CODE = re.compile(r"`([^`]+)`")


def plain_text(text: str) -> str:
    """The sentence's words without the bold and code markers (its ``text/plain`` form).

    >>> plain_text("**12 tickets** in `web`")
    '12 tickets in web'
    """
    return _MARKERS.sub("", text)


def sentence_html(text: str) -> str:
    """``text`` as safe HTML: escaped whole, then ``**bold**`` and ```code``` markers made
    tags; a text starting ``- `` is a list item. Links are never made.

    >>> sentence_html("- channel <img src=x onerror=alert(1)>: **not compared**")
    '<ul><li>channel &lt;img src=x onerror=alert(1)&gt;: <strong>not compared</strong></li></ul>'
    >>> sentence_html("[docs](javascript:alert(1))")
    '<p>[docs](javascript:alert(1))</p>'
    """
    item = text.startswith("- ")
    escaped = html.escape(text[2:] if item else text, quote=True)
    marked = _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", escaped))
    marked = marked.replace("\n\n", "</p><p>").replace("\n", " ")
    return f"<ul><li>{marked}</li></ul>" if item else f"<p>{marked}</p>"


def sentence_bundle(text: str) -> dict[str, str]:
    """MIME bundle of a sentence: escaped HTML (:func:`sentence_html`) and plain words."""
    return {"text/html": sentence_html(text), "text/plain": plain_text(text)}


def markdown_bundle(text: str) -> dict[str, str]:
    """Older name of :func:`sentence_bundle` (no Markdown is emitted any more: Markdown
    renders raw HTML and links from user values)."""
    return sentence_bundle(text)


def say(text: str) -> None:
    """Show a sentence or paragraph as escaped HTML (plain text under nbval); an empty
    ``text`` shows nothing (a section with nothing to say adds no empty line)."""
    if not text:
        return
    from IPython.display import display

    display(sentence_bundle(text), raw=True)


def fold_bundle(title: str, lines: Sequence[str]) -> dict[str, str]:
    """MIME bundle of detail folded under a title (HTML ``<details>``, closed; plain text
    as a titled list): the technical detail a reviewer opens only when wanted.

    >>> bundle = fold_bundle("How we know", ["Test: **Welch** <t>"])
    >>> bundle["text/html"].split("</summary>")[1]
    '<ul><li>Test: <strong>Welch</strong> &lt;t&gt;</li></ul></details>'
    >>> bundle["text/plain"].splitlines()
    ['How we know:', '- Test: Welch <t>']
    """
    items = "".join(sentence_html(f"- {line}")[4:-5] for line in lines if line)
    return {"text/html": (f"<details class=\"pdca-fold\"><summary>{html.escape(title)}"
                          f"</summary><ul>{items}</ul></details>"),
            "text/plain": "\n".join([f"{plain_text(title)}:",
                                     *(f"- {plain_text(line)}" for line in lines if line)])}


def fold(title: str, lines: Sequence[str]) -> None:
    """Show ``lines`` folded under ``title`` (:func:`fold_bundle`); nothing when empty."""
    if not any(lines):
        return
    from IPython.display import display

    display(fold_bundle(title, lines), raw=True)


#: Figures are drawn at this multiple of their own dpi and shown at their own size, so
#: they stay sharp on high-density screens and in print.
DENSITY = 2

_FIGURES_SHOWN = itertools.count(1)


def figure_svg(fig: Any, *, key: str | None = None) -> str:
    """The figure as SVG whose text stays text: sharp at any size, selectable, searchable,
    in the reader's own fonts (``svg.fonttype: none``); no date, and ids salted with
    ``key`` (else a running count), so one notebook run writes the same SVG each time and
    two charts inline in one page never share a clip-path or marker id.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 1)); _ = fig.add_subplot().set_title("Weekly <FCR>")
    >>> svg = figure_svg(fig, key="a")
    >>> svg.startswith("<svg"), "Weekly &lt;FCR&gt;" in svg, svg == figure_svg(fig, key="a")
    (True, True, True)
    """
    import io

    import matplotlib as mpl

    buffer = io.StringIO()
    salt = key if key is not None else f"pdca-figure-{next(_FIGURES_SHOWN)}"
    engine = fig.get_layout_engine()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt,
                         "figure.autolayout": False, "figure.constrained_layout.use": False}):
        if engine is not None and fig.axes:
            # laid out once here, then drawn once: saved with its layout engine, a figure
            # is drawn twice (once without output, to lay it out); a house figure nothing
            # changed since its fitting laid it out keeps that layout (plots._fit)
            if fig.stale or not getattr(fig, "_pdca_laid_out", False):
                engine.execute(fig)
            fig.set_layout_engine(None)  # None: savefig would lay it out again
        try:
            fig.savefig(buffer, format="svg", dpi=fig.dpi, metadata={"Date": None})
        finally:
            if engine is not None and fig.axes:
                fig.set_layout_engine(engine)
    text = buffer.getvalue()
    return text[text.index("<svg"):].strip()  # no XML prolog or doctype: it goes inline


def figure_bundle(fig: Any, *, key: str | None = None, png: bool = False) -> dict[str, str]:
    """MIME bundle of a Figure: SVG (:func:`figure_svg`, what the stage pages and the cycle
    page show, sharp at any size) and the figure's repr as text (what IPython's inline
    display gives; nbval compares it). No PNG: every page reads the SVG, and drawing a
    PNG of each chart cost about as much as the SVG itself (``png=True`` adds one, drawn
    at :data:`DENSITY` times the figure's dpi, for a reader that needs a bitmap).

    The house figures lay themselves out (constrained layout keeps titles, labels and
    outside legends on the canvas), so neither needs the inline backend's
    ``bbox_inches="tight"``, which draws every figure twice: 10-20% of a figure's cost.

    >>> from matplotlib.figure import Figure
    >>> bundle = figure_bundle(Figure(figsize=(4, 3), dpi=50))
    >>> bundle["text/plain"], bundle["image/svg+xml"][:4], "image/png" in bundle
    ('<Figure size 200x150 with 0 Axes>', '<svg', False)
    >>> figure_bundle(Figure(figsize=(4, 3), dpi=50), png=True)["image/png"][:8]
    'iVBORw0K'
    """
    import base64
    import io

    bundle = {"image/svg+xml": figure_svg(fig, key=key), "text/plain": repr(fig)}
    if png:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi * DENSITY)
        bundle["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
    return bundle


def figure_alt(fig: Any, language: str = "en") -> str:
    """Alt text that says what the chart shows: its title, axes (with their units) and
    the series in its legend, from the figure itself, in ``language``'s words around
    them.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(); ax = fig.add_subplot()
    >>> _ = ax.plot([1, 2], [3, 4], label="before"); _ = ax.legend()
    >>> _ = ax.set_title("Weekly FCR", loc="left"); _ = ax.set_xlabel("week")
    >>> _ = ax.set_ylabel("FCR (%)")
    >>> figure_alt(fig)
    'Chart: Weekly FCR. Across: week; up: FCR (%). Shows: before.'
    """
    from pdcakit.words import words

    w = words(language)
    listed = "、" if language == "zh-CN" else ", "  # as Words.sentences joins, per language
    parts = []
    for ax in fig.axes:
        title = (ax.get_title(loc="left") or ax.get_title() or ax.get_title(loc="right"))
        across, up = ax.get_xlabel(), ax.get_ylabel()
        legend = ax.get_legend()
        shown = ([t.get_text() for t in legend.get_texts()] if legend is not None else [])
        text = w.sentences(
            w._("{title}.", title=title) if title else "",
            (w._("Across: {across}; up: {up}.", across=across, up=up) if across and up else
             w._("Across: {across}.", across=across) if across else
             w._("Up: {up}.", up=up) if up else ""),
            w._("Shows: {series}.", series=listed.join(shown[:8])) if shown else "")
        if text.strip():
            parts.append(text.strip())
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    body = w.sentences(*parts) or w._("no title")
    return w._("Chart: {about}", about=w.sentences(w._("{title}.", title=suptitle), body)
               if suptitle else body)


def show_figure(fig: Any, alt: str | None = None, *, language: str = "en") -> None:
    """Display a matplotlib Figure once (:func:`figure_bundle`), shown at the figure's own
    size, with alt text (``alt``, else :func:`figure_alt` in ``language``) and that width
    in the output's metadata of both images, and its repr as text."""
    from IPython.display import display

    from pdcakit.plots import phone_figure

    about = {"width": round(fig.get_figwidth() * fig.dpi), "alt": alt or figure_alt(fig, language)}
    drawn = dict(about)
    phone = phone_figure(fig)
    if phone is not None:  # the same chart drawn for a narrow screen (pageparts.chart_html)
        drawn["phone"] = figure_svg(phone)
    display(figure_bundle(fig), raw=True, metadata={"image/png": about, "image/svg+xml": drawn})


def _reads_as_words(values: pd.Series) -> bool:
    """Booleans, integers, and floats that all hold whole numbers (counts)."""
    types = pd.api.types
    if types.is_bool_dtype(values) or types.is_integer_dtype(values):
        return True
    known = values.dropna()
    return (types.is_float_dtype(values) and not known.empty
            and bool((known % 1 == 0).all()) and bool((known.abs() < 1e15).all()))


def reader_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as a reader reads it: ``snake_case`` column names as words
    (:func:`~pdcakit.results.reader_label`), yes/no for booleans, whole-number floats
    (counts read back as ``417.0``) as integers with thousands separators. Other numbers
    keep their own precision.

    >>> frame = pd.DataFrame({"minutes_before": [3.0, 1200.0], "value_added": [True, False]})
    >>> shown = reader_frame(frame)
    >>> shown.columns.tolist(), shown["Minutes before"].tolist(), shown["Value-adding"].tolist()
    (['Minutes before', 'Value-adding'], ['3', '1,200'], ['yes', 'no'])
    """
    from pdcakit.results import reader_label, reader_value

    shown = frame.rename(columns=lambda name: reader_label(name) if isinstance(name, str)
                         else name)
    for column in shown.columns:
        values = shown[column]
        if _reads_as_words(values):
            shown[column] = values.map(reader_value)
    return shown


def table(frame: pd.DataFrame, *, index: bool = True) -> None:
    """Display a DataFrame as a static table, every cell in full, in reader's words
    (:func:`reader_frame`).

    ``index=False``: the first column labels the rows instead of 0, 1, 2 ... No
    Styler: its random ids would break nbval. pandas escapes every cell and label.
    """
    from IPython.display import display

    shown = frame if index or frame.empty else frame.set_index(frame.columns[0])
    shown = reader_frame(shown) if not shown.columns.duplicated().any() else shown
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
