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

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def _open(browser, path: Path, shot: Path) -> dict:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    facts = page.evaluate("""() => ({
        images: document.images.length,
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
