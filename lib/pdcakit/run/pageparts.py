"""The parts of a reviewer page reshaped for the reader's medium: charts that open full
size with a tap, tables that become one card per row on a phone.

Both are filters of the reviewer template (``html/reviewer/index.html.j2``), applied to
one output at a time, with no script (the page's policy forbids every script):

- :func:`chart_html` wraps a chart (inline SVG, whose text stays text, or a PNG) in a
  ``<figure>`` with an "Enlarge chart" link to the figure itself: the stylesheet shows
  the figure that is the page's ``:target`` over the whole screen at 1.25 times its own
  size, scrolling both ways, with a "Close" link back to where it was. Given the same
  chart drawn for a phone (:func:`pdcakit.plots.phone_figure`, as SVG), the figure holds
  both: a narrow screen shows the phone drawing, whose text is as large as the page's
  small print without enlarging; paper and wider screens (and "Enlarge") the other.
- :func:`reader_tables` gives every cell of a pandas table the name of its column
  (``data-label``) and marks tables of :data:`CARD_COLUMNS` columns or more
  ``pdca-reflow``: the phone stylesheet shows them one card per row ("Before: 4.1
  minutes"), as the verdict box already is. Every table sits in a labelled box that
  scrolls sideways with a visible cue when it is wider than the screen.

Pandas escapes every cell and label, so the only ``<`` in a table's HTML open tags; a
table with merged cells (``colspan``, ``rowspan``) is only put in its scrolling box.

>>> page = reader_tables('<table class="dataframe"><thead><tr><th></th><th>Before</th>'
...                      '</tr></thead><tbody><tr><th>FCR</th><td>68%</td></tr></tbody>'
...                      '</table>')
>>> page.split("<tbody>")[1]
'<tr><th>FCR</th><td data-label="Before">68%</td></tr></tbody></table></div>'
>>> page.split(" aria-label")[0]
'<div class="pdca-table-scroll" role="region"'
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator

from pdcakit.words import N_, words

__all__ = ["CARD_COLUMNS", "ChartIds", "chart_html", "reader_tables"]

#: Tables with this many columns or more (row labels included) become cards on a phone.
CARD_COLUMNS = 4

_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.DOTALL | re.IGNORECASE)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL | re.IGNORECASE)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</t[hd]>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SCROLL_LABEL = N_("Table (scrolls sideways when wider than the screen)")
_SCROLL_CUE = N_("More columns: scroll sideways")
#: A number as a table cell writes it ("67.8%", "-1,234.5", "+0.3"): kept on one line.
_NUMBER = re.compile(r"[-+\u2212]?\d[\d,.]*%?")
#: Matplotlib's RDF block inside an SVG (format, date, "Matplotlib v3..."): no reader's.
_SVG_METADATA = re.compile(r"<metadata\b.*?</metadata>\s*", re.DOTALL)


def _scroll_open(language: str) -> str:
    w = words(language)
    label = html.escape(w._(_SCROLL_LABEL), quote=True)
    cue = html.escape(w._(_SCROLL_CUE))
    return (f'<div class="pdca-table-scroll" role="region" aria-label="{label}" '
            'tabindex="0"><div class="pdca-scroll-cue" aria-hidden="true">'
            f"{cue} &#8594;</div>")


def _unbroken_numbers(cell: str) -> str:
    """``cell``'s numbers (outside its tags) each in a ``pdca-num`` span, which the
    stylesheet never breaks: a narrow Chinese cell otherwise wraps "67.8%" after "67.".

    >>> _unbroken_numbers("<b>67.8%</b> 至 74.2%")
    '<b><span class="pdca-num">67.8%</span></b> 至 <span class="pdca-num">74.2%</span>'
    """
    parts = re.split(r"(<[^>]+>)", cell)
    return "".join(part if part.startswith("<") else _NUMBER.sub(
        lambda m: f'<span class="pdca-num">{m.group(0)}</span>', part) for part in parts)


class ChartIds:
    """Ids for the charts of one page, in order: ``chart-1``, ``chart-2`` ...

    >>> ids = ChartIds(); ids(), ids()
    ('chart-1', 'chart-2')
    """

    def __init__(self) -> None:
        self._count: Iterator[int] = itertools.count(1)

    def __call__(self, _: object = None) -> str:
        return f"chart-{next(self._count)}"


def _text(cell: str) -> str:
    return html.unescape(_TAG.sub("", cell)).strip()


def _labelled_rows(body: str, labels: list[str], *, numbers: bool = False) -> str:
    """``body``'s rows with each data cell named by its column (``data-label``);
    ``numbers``: each cell's numbers kept on one line (:func:`_unbroken_numbers`)."""
    def row(match: re.Match[str]) -> str:
        cells = iter(range(len(labels)))

        def cell(found: re.Match[str]) -> str:
            tag, attrs, inner = found.groups()
            label = labels[next(cells, len(labels) - 1)]
            if tag.lower() == "td" and label and "data-label" not in attrs:
                attrs += f' data-label="{html.escape(label, quote=True)}"'
            if numbers:
                inner = _unbroken_numbers(inner)
            return f"<{tag}{attrs}>{inner}</{tag}>"

        return match.group(0).replace(match.group(1), _CELL.sub(cell, match.group(1)), 1)

    return _ROW.sub(row, body)


def _reshape(match: re.Match[str], language: str = "en") -> str:
    attrs, inner = match.groups()
    if "pdca-reflow" in attrs:
        return match.group(0)
    scroll = _scroll_open(language)
    head, _, rest = inner.partition("</thead>")
    if not rest or re.search(r"\b(colspan|rowspan)=", inner, re.IGNORECASE):
        return f"{scroll}{match.group(0)}</div>"
    rows = [[_text(c[2]) for c in _CELL.findall(r)] for r in _ROW.findall(head)]
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return f"{scroll}{match.group(0)}</div>"
    labels = [next((r[i] for r in rows if i < len(r) and r[i]), "") for i in range(width)]
    if width >= CARD_COLUMNS:
        if re.search(r'\bclass="', attrs):
            attrs = re.sub(r'\bclass="', 'class="pdca-reflow ', attrs, count=1)
        else:
            attrs += ' class="pdca-reflow"'
    # Chinese has no spaces, so a narrow cell may break anywhere, numbers too
    rows_html = _labelled_rows(rest, labels, numbers=language != "en")
    return f"{scroll}<table{attrs}>{head}</thead>{rows_html}</table></div>"


def reader_tables(fragment: str, language: str = "en") -> str:
    """``fragment`` (one output's HTML) with each table labelled and boxed (module doc),
    its box's words in ``language``; on a page in another language than English each
    number of a cell is kept on one line."""
    if "<table" not in fragment:
        return fragment
    return _TABLE.sub(lambda match: _reshape(match, language), fragment)


def _svg_size_px(svg: str, side: str = "width") -> float | None:
    found = re.match(rf"<svg\b[^>]*?\b{side}=\"([\d.]+)(pt|px)?\"", svg)
    if not found:
        return None
    return float(found.group(1)) * (4 / 3 if found.group(2) == "pt" else 1)


def _svg_width_px(svg: str) -> float | None:
    return _svg_size_px(svg, "width")


#: A chart this many times taller than wide (small multiples of every KPI) or more is
#: printed up to a page's height, not to the height the other charts keep to.
TALL_CHART = 0.7


def _named_svg(svg: str, name: str) -> str:
    """``svg`` with ``name`` (escaped) as its accessible name and title, and without the
    drawing program's metadata block.

    >>> _named_svg('<svg width="9pt"><metadata>Matplotlib v3</metadata><g/></svg>', "A")
    '<svg role="img" aria-label="A" width="9pt"><title>A</title><g/></svg>'
    """
    return re.sub(r"^\s*<svg\b([^>]*)>",
                  lambda m: f'<svg role="img" aria-label="{name}"{m.group(1)}>'
                            f"<title>{name}</title>", _SVG_METADATA.sub("", svg, count=1),
                  count=1)


def chart_html(image: str, chart_id: str, alt: str, width: float | None = None,
               phone: str | None = None, *, language: str = "en") -> str:
    """A chart (inline ``<svg>`` text, or an ``<img>`` tag) in a figure that enlarges.

    ``alt`` becomes the SVG's accessible name and title (escaped here); ``width`` (CSS px)
    is the chart's own width, read from the SVG when not given. ``phone``: the same chart
    drawn for a phone (inline ``<svg>``), shown instead on a narrow screen (module doc).
    ``language``: the words of the enlarge and close links, and of ``alt`` where the
    catalogue knows it (:meth:`pdcakit.words.Words.reword`).

    >>> page = chart_html('<svg width="72pt" height="36pt"><g/></svg>', "chart-3", "A <b>")
    >>> 'id="chart-3"' in page, 'href="#chart-3"' in page, "--pdca-width:96px" in page
    (True, True, True)
    >>> "pdca-tall" in chart_html('<svg width="72pt" height="72pt"><g/></svg>', "c", "")
    True
    >>> page.split("<g/>")[0].split("<svg")[1]
    ' role="img" aria-label="A &lt;b&gt;" width="72pt" height="36pt"><title>A &lt;b&gt;</title>'
    >>> both = chart_html('<svg width="648pt"><g/></svg>', "chart-4", " FCR ",
    ...                   phone='<svg width="270pt"><g/></svg>')
    >>> both.count('aria-label="FCR"'), 'class="pdca-chart-phone"' in both
    (2, True)
    """
    # one line: a title wrapped on the chart reads as one sentence
    w = words(language)
    name = html.escape(" ".join(w.reword(alt or w._("Chart (no description given)")).split()),
                       quote=True)
    if image.lstrip().startswith("<svg"):
        width = width or _svg_width_px(image.lstrip())
        image = _named_svg(image, name)
    size = f' style="--pdca-width:{round(width)}px"' if width else ""
    height = _svg_size_px(image.lstrip(), "height") if image.lstrip().startswith("<svg") else None
    tall = " pdca-tall" if width and height and height >= TALL_CHART * width else ""
    cid = html.escape(chart_id, quote=True)
    if phone and phone.lstrip().startswith("<svg"):
        image = (f'<div class="pdca-chart-wide">{image}</div>'
                 f'<div class="pdca-chart-phone">{_named_svg(phone, name)}</div>')
    enlarge = html.escape(w._("Enlarge chart"))
    cue = html.escape(w._("Full size: scroll sideways and down."))
    close = html.escape(w._("Close full-size chart"))
    return (f'<figure class="pdca-figure" id="{cid}"{size}>'
            f'<div class="pdca-chart-frame{tall}">{image}</div>'
            f'<div class="pdca-chart-tools"><a class="pdca-enlarge" href="#{cid}">{enlarge}</a>'
            f'<span class="pdca-chart-cue">{cue}</span>'
            f'<a class="pdca-close" href="#{cid}-at">{close}</a></div></figure>')
