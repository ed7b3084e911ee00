"""The reviewer pages in a real browser: headless Chromium opens the portfolio and the
demo cycle's page from the file system, every image loads, nothing logs an error.

Needs Debian's ``chromium`` (``.ci/run`` installs it when missing) and the Python
``playwright`` driver (a dev dependency; it drives the system browser, nothing is
downloaded). A screenshot of each page is saved under ``runs/screenshots/`` of the
throwaway project and copied to ``$PDCA_SCREENSHOTS`` when that is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]



def _open(browser, path: Path, shot: Path) -> dict:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    facts = page.evaluate("""() => ({
        images: document.images.length + document.querySelectorAll('figure svg').length,
        broken: Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))
                     .length,
        external: Array.from(document.querySelectorAll('[src],link[href]'))
                     .map(e => e.getAttribute('src') || e.getAttribute('href'))
                     .filter(u => /^https?:/.test(u)).length,
        title: document.title,
        text: document.body.innerText})""")
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("PDCA_SCREENSHOTS"):
        target = Path(os.environ["PDCA_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, target / shot.name)
    page.close()
    return {**facts, "problems": problems}


def test_portfolio_page(browser, demo_project):
    paths, _ = demo_project
    facts = _open(browser, paths.runs / "index.html", paths.runs / "screenshots" / "index.png")
    assert facts["problems"] == []
    assert facts["title"] == "PDCA portfolio"
    assert "demo-helpdesk" in facts["text"] and "adopt" in facts["text"]


def test_cycle_page_images_load(browser, demo_project):
    paths, _ = demo_project
    facts = _open(browser, paths.runs / "demo-helpdesk" / "index.html",
                  paths.runs / "screenshots" / "demo-helpdesk.png")
    assert facts["problems"] == []
    assert facts["images"] >= 6 and facts["broken"] == 0
    assert facts["external"] == 0
    for heading in ("Plan: the charter", "Results by stage", "Act: the decision"):
        assert heading in facts["text"]


def test_full_notebook_page_opens(browser, demo_project):
    paths, _ = demo_project
    html = next((paths.runs / "demo-helpdesk" / "compare").glob("*/compare.html"))
    facts = _open(browser, html, paths.runs / "screenshots" / "compare.png")
    assert facts["problems"] == []
    assert facts["broken"] == 0 and facts["images"] >= 5


# ---------------------------------------------------------------- reviewer layout (issue 19)
VIEWS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def _stage_pages(paths) -> list[Path]:
    """The demo's stage pages with their header: the runner's page once it passes the run's
    facts, else the same notebook rendered here with them (pdcakit.run.pagefacts)."""
    from pdcakit.run.pagefacts import page_facts
    from pdcakit.run.render import notebook_to_html

    pages = []
    for html in sorted(paths.runs.glob("demo-helpdesk/*/*/*.html")):
        if html.name.startswith("header-"):
            continue
        if "pdca-header" not in html.read_text(encoding="utf-8"):
            html = notebook_to_html(html.with_suffix(".ipynb"),
                                    html.with_name(f"header-{html.name}"),
                                    facts=page_facts(html.parent))
        pages.append(html)
    return pages


_LAYOUT = """() => {
  const doc = document.documentElement;
  const verdict = document.querySelector('.pdca-verdict');
  const table = document.querySelector('table');
  const image = document.querySelector('img');
  return {
    overflow: doc.scrollWidth - doc.clientWidth,
    images: Array.from(document.querySelectorAll('img, figure svg')).map(i => ({
        loaded: i.tagName !== 'IMG' || (i.complete && i.naturalWidth > 0),
        alt: i.getAttribute('alt') || i.getAttribute('aria-label') || '',
        wider: i.getBoundingClientRect().right > doc.clientWidth + 1})),
    verdictTop: verdict ? verdict.getBoundingClientRect().top + window.scrollY : null,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
    print: window.matchMedia('print').matches,
    tableLayout: table ? getComputedStyle(table).width : null,
    imageBreak: image ? getComputedStyle(image).breakInside : null,
    linkAfter: (() => { const a = document.querySelector('a[href$=".html"]');
                        return a ? getComputedStyle(a, '::after').content : null; })(),
  };
}"""


def _layout(browser, path: Path, view: str, shot: Path | None = None) -> dict:
    page = browser.new_page(viewport=VIEWS.get(view, {"width": 718, "height": 1040}))
    if view == "print":
        page.emulate_media(media="print")
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    facts = page.evaluate(_LAYOUT)
    if shot is not None:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=view != "desktop")
        if os.environ.get("PDCA_SCREENSHOTS"):
            target = Path(os.environ["PDCA_SCREENSHOTS"])
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, target / shot.name)
    page.close()
    return facts


@pytest.mark.parametrize("view", ["desktop", "phone", "print"])
def test_every_page_fits_its_width_and_every_image_has_alt_text(browser, demo_project, view):
    paths, _ = demo_project
    pages = [paths.runs / "index.html", paths.runs / "demo-helpdesk" / "index.html",
             *_stage_pages(paths)]
    for path in pages:
        shot = paths.runs / "screenshots" / f"{path.parent.name}-{path.stem}-{view}.png"
        facts = _layout(browser, path, view, shot)
        where = f"{path.relative_to(paths.runs)} ({view})"
        assert facts["overflow"] <= 1, f"{where}: {facts['overflow']} px sideways scroll"
        assert all(i["loaded"] for i in facts["images"]), f"{where}: an image did not load"
        assert all(len(i["alt"]) > 10 for i in facts["images"]), f"{where}: alt text"
        assert not any(i["wider"] for i in facts["images"]), f"{where}: an image too wide"
        if view == "print":
            assert facts["print"] and facts["imageBreak"] in (None, "avoid")


@pytest.mark.parametrize("view", ["desktop", "phone"])
def test_stage_pages_open_with_their_verdict_and_links(browser, demo_project, view):
    paths, _ = demo_project
    for path in _stage_pages(paths):
        facts = _layout(browser, path, view)
        where = f"{path.relative_to(paths.runs)} ({view})"
        assert facts["verdictTop"] is not None, f"{where}: no verdict box"
        assert facts["verdictTop"] < VIEWS[view]["height"], f"{where}: verdict below the fold"
        for href in ("../../index.html", "../../../index.html"):
            assert href in facts["links"], f"{where}: no link {href}"
        assert any(h.endswith(".ipynb") for h in facts["links"]), f"{where}: no notebook link"
        assert any(h.startswith("#") for h in facts["links"]), f"{where}: no contents"


def test_cycle_page_opens_with_its_verdict_and_prints_link_words(browser, demo_project):
    # On paper a relative path ("../../index.html") means nothing: a link to another page
    # of the workbook prints its words only; a web address is printed after its link.
    paths, _ = demo_project
    cycle = paths.runs / "demo-helpdesk" / "index.html"
    assert _layout(browser, cycle, "desktop")["verdictTop"] < VIEWS["desktop"]["height"]
    printed = _layout(browser, cycle, "print")
    assert printed["print"] and printed["linkAfter"] in (None, "none", "normal")
