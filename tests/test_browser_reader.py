"""The demo's reviewer pages read on a phone (390 px) and on paper (A4), in headless
Chromium (issue 24): nothing wider than the screen except inside a labelled box that
scrolls; charts enlarge with a tap to text as large as the page's small print; printed
tables keep every cell inside the page; folded detail prints open.

Skipped where chromium is not installed (conftest's ``browser`` fixture).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
#: A4's width less the stylesheet's 11 mm margins, in CSS px (96 per inch).
A4_CONTENT_PX = round((210 - 22) / 25.4 * 96)
#: The page's small print at 390 px (the verdict box's notes, .88em of 14 px), less 1 px.
SMALL_PRINT_PX = 11


def _pages(paths) -> list[Path]:
    stages = sorted(p for p in paths.runs.glob("demo-helpdesk/*/*/*.html")
                    if not p.name.startswith("header-"))
    return [paths.runs / "index.html", paths.runs / "demo-helpdesk" / "index.html", *stages]


def _open(browser, path: Path, *, viewport=PHONE, media: str | None = None, hash_: str = ""):
    page = browser.new_page(viewport=viewport)
    if media:
        page.emulate_media(media=media)
    page.goto(path.as_uri() + hash_)
    page.wait_for_load_state("load")
    return page


_OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const boxed = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll'].includes(s.overflowX) && p.getAttribute('role') === 'region'
          && (p.getAttribute('aria-label') || '').length > 5) return true; }
    return false; };
  const wide = Array.from(document.querySelectorAll('body *')).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > vw + 1 && !boxed(el); })
    .map(el => el.tagName + '.' + String(el.className).slice(0, 30));
  const edge = Array.from(document.querySelectorAll('p, li, h1, h2, h3, figure, table'))
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.width > 0 && r.height > 0 && (r.left < 4 || r.right > vw - 4); })
    .map(el => el.tagName + ': ' + el.textContent.slice(0, 40));
  return {scroll: document.documentElement.scrollWidth, vw, wide, edge};
}"""


def test_phone_nothing_wider_than_the_screen_nor_touching_its_edge(browser, demo_project):
    paths, _ = demo_project
    for path in _pages(paths):
        page = _open(browser, path)
        facts = page.evaluate(_OVERFLOW)
        page.close()
        where = path.relative_to(paths.runs)
        assert facts["scroll"] <= facts["vw"], f"{where}: page scrolls sideways"
        assert facts["wide"] == [], f"{where}: wider than the screen, unboxed: {facts['wide']}"
        assert facts["edge"] == [], f"{where}: touching the screen edge: {facts['edge'][:3]}"


def test_phone_wide_tables_are_cards_and_scrolling_tables_show_a_cue(browser, demo_project):
    paths, _ = demo_project
    compare = next(paths.runs.glob("demo-helpdesk/compare/*/compare.html"))
    page = _open(browser, compare)
    facts = page.evaluate("""() => ({
      cards: Array.from(document.querySelectorAll('table.pdca-reflow')).map(t => ({
        head: getComputedStyle(t.querySelector('thead') || t).display,
        labelled: Array.from(t.querySelectorAll('td')).every(td => td.dataset.label !== undefined
            || td.textContent.trim() === ''),
        narrowest: Math.min(...Array.from(t.querySelectorAll('td')).filter(td =>
            td.textContent.trim().length > 60).map(td => td.getBoundingClientRect().width))})),
      scrolling: Array.from(document.querySelectorAll('.pdca-table-scroll'))
        .filter(b => b.scrollWidth > b.clientWidth + 1)
        .map(b => getComputedStyle(b.querySelector('.pdca-scroll-cue')).display)})""")
    page.close()
    assert len(facts["cards"]) >= 3  # verdict box, verdict table, why each test, ...
    for card in facts["cards"]:
        assert card["head"] == "none" and card["labelled"]
        # a long cell ("Why") gets the card's width, not a 3-word column
        assert card["narrowest"] is None or card["narrowest"] > 250
    assert all(cue == "block" for cue in facts["scrolling"]), facts["scrolling"]


_CHART_TEXT = """() => {
  const sizes = Array.from(document.querySelectorAll('.pdca-figure svg text'))
    .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => { const m = t.getScreenCTM();
                 return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); });
  return sizes.length ? Math.min(...sizes) : null;
}"""


def test_every_chart_enlarges_to_text_as_large_as_the_small_print(browser, demo_project):
    paths, _ = demo_project
    for path in sorted(paths.runs.glob("demo-helpdesk/*/*/*.html")):
        page = _open(browser, path)
        figures = page.evaluate("""() => Array.from(document.querySelectorAll(
            '.jp-OutputArea-output svg, .jp-OutputArea-output img'))
            .filter(c => !c.closest('.pdca-chart-phone')).map(c => {
              const f = c.closest('figure.pdca-figure');
              const a = f && f.querySelector('a.pdca-enlarge');
              return {id: f ? f.id : null, link: a ? a.getAttribute('href') : null,
                      name: c.getAttribute('aria-label') || c.getAttribute('alt') || ''}; })""")
        page.close()
        where = path.relative_to(paths.runs)
        assert figures, f"{where}: no chart"
        assert len({f["id"] for f in figures}) == len(figures), f"{where}: ids repeat"
        for figure in figures:
            assert figure["link"] == f"#{figure['id']}", f"{where}: {figure} not enlargeable"
            assert figure["name"].startswith("Chart"), f"{where}: {figure} unnamed"
        page = _open(browser, path)  # one load; each chart enlarged by its address (:target)
        for figure in figures:
            page.evaluate(f"location.hash = '#{figure['id']}'")
            shown = page.evaluate(f"""() => {{
              const f = document.getElementById('{figure['id']}');
              const r = f.getBoundingClientRect();
              const close = f.querySelector('a.pdca-close');
              return {{fixed: getComputedStyle(f).position, top: r.top, width: r.width,
                       close: close ? close.getBoundingClientRect().width : 0}}; }}""")
            smallest = page.evaluate(_CHART_TEXT.replace(
                "'.pdca-figure svg text'", f"'#{figure['id']} svg text'"))
            assert shown["fixed"] == "fixed" and shown["top"] == 0 and shown["close"] > 0
            if smallest is not None:
                assert smallest >= SMALL_PRINT_PX, f"{where} {figure['id']}: {smallest:.1f} px"
        page.close()


def test_phone_chart_text_as_large_as_the_small_print_without_enlarging(browser,
                                                                         demo_project):
    # each chart drawn for a phone (plots.phone_figure) is shown at its own size at 390 px
    paths, _ = demo_project
    for path in _pages(paths)[1:]:
        page = _open(browser, path)
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('figure.pdca-figure'))
            .map(f => Array.from(f.querySelectorAll('svg, img'))
                           .filter(c => c.getBoundingClientRect().width > 0).length)""")
        smallest = page.evaluate(_CHART_TEXT)
        page.close()
        where = path.relative_to(paths.runs)
        assert shown and all(n == 1 for n in shown), f"{where}: charts shown {shown}"
        assert smallest is not None, f"{where}: no chart text"
        assert smallest >= SMALL_PRINT_PX, f"{where}: chart text {smallest:.1f} px at 390 px"


_TEXT_PAST_EDGE = """() => Array.from(document.querySelectorAll('.pdca-figure svg'))
  .filter(s => s.getBoundingClientRect().width > 0).flatMap(s => {
    const b = s.getBoundingClientRect();
    return Array.from(s.querySelectorAll('text')).filter(t => t.textContent.trim())
      .map(t => [t, t.getBoundingClientRect()])
      .filter(([t, r]) => r.width > 0 && (r.left < b.left - 1 || r.right > b.right + 1
                                          || r.top < b.top - 1 || r.bottom > b.bottom + 1))
      .map(([t, r]) => s.closest('figure').id + ': ' + t.textContent.slice(0, 50)); })"""


@pytest.mark.parametrize("width", [1366, 390])
def test_no_chart_text_past_its_chart_in_the_browsers_font(browser, demo_project, width):
    # the browser draws a chart's SVG text in its own font, a little wider than matplotlib
    # measured: a title, label or legend entry must still end inside the chart ("(Laney p'
    # chart" lost its ")" on a bitmap)
    paths, _ = demo_project
    for path in _pages(paths)[1:]:
        page = _open(browser, path, viewport={"width": width, "height": 900})
        past = page.evaluate(_TEXT_PAST_EDGE)
        page.close()
        assert past == [], f"{path.relative_to(paths.runs)} at {width} px: {past[:4]}"


def _pdf(browser, path: Path, target: Path) -> str:
    page = _open(browser, path, viewport={"width": 1200, "height": 900}, media="print")
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    page.close()
    return subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_print_every_table_cell_inside_the_page_and_detail_open(browser, demo_project,
                                                                 tmp_path):
    paths, _ = demo_project
    for path in _pages(paths)[1:]:
        page = _open(browser, path, viewport={"width": A4_CONTENT_PX, "height": 1100},
                     media="print")
        facts = page.evaluate("""() => ({
          outside: Array.from(document.querySelectorAll('th, td')).filter(c =>
              c.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map(c => c.textContent.slice(0, 30)),
          closed: Array.from(document.querySelectorAll('details')).filter(d =>
              Array.from(d.children).filter(c => c.tagName !== 'SUMMARY')
                   .some(c => c.getBoundingClientRect().height === 0))
              .map(d => d.querySelector('summary').textContent),
          headers: Array.from(document.querySelectorAll('thead th'))
              .map(th => th.textContent.trim()).filter(Boolean)})""")
        page.close()
        where = path.relative_to(paths.runs)
        assert facts["outside"] == [], f"{where}: cells past the page: {facts['outside'][:3]}"
        assert facts["closed"] == [], f"{where}: folded in print: {facts['closed'][:3]}"
        if path.parent.name[:1].isdigit() and subprocess.run(
                ["which", "pdftotext"], capture_output=True).returncode == 0:
            words = " ".join(_pdf(browser, path, tmp_path / f"{path.stem}.pdf").split())
            for header in facts["headers"]:
                # the first word (up to a hyphen: "Pre-trend" wraps as "Pre-" over "trend")
                first = header.split()[0].split("-")[0]
                assert first in words, f"{where}: column {header!r} not printed"
