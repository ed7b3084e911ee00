"""User text is data, never markup, on every page (issue 17).

Hostile values go in where users put text: an export's channel and category values, a
record's title, problem and change idea, a parameter (currency), a decision note and the
follow-up cycle ``pdca next`` writes from it. The fast tests check the builders' HTML
(``show.say``, the header and verdict, the cycle page and portfolio); the browser test runs
the real stages on a real-shaped export and opens every page in headless Chromium, failing
on any script that runs (``window.__pwned`` or a dialog), any ``on*`` attribute, any
``javascript:`` link and any Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import exports  # tests/exports.py
from pdcakit.run.pagefacts import page_facts
from pdcakit.run.project import ProjectPaths
from pdcakit.run.render import header_html, notebook_to_html
from pdcakit.stages.display import plain_text, sentence_bundle, sentence_html
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import edit_record
from pdcakit.tracker.report import build_reports
from test_results_contract import compare_results, write_run

PAYLOADS = (
    '<img src=x onerror="window.__pwned=1;alert(document.domain)">',
    "<script>window.__pwned=1;alert(1)</script>",
    "[docs](javascript:window.__pwned=1)",
    '" onmouseover="window.__pwned=1" x="',
    "**<b>bold</b>** `<i>`",
)
IMG, SCRIPT, LINK, ATTR, MARKERS = PAYLOADS


class _Markup(HTMLParser):
    """Every tag, attribute and href of a page, to look for anything live."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name.lower() in ("href", "src") and value:
                self.hrefs.append(value.strip().lower())


def assert_inert(html: str, where: str = "page") -> None:
    """No script element, handler attribute or javascript: URL in ``html``."""
    found = _Markup()
    found.feed(html)
    assert "script" not in found.tags, f"{where}: a <script> element"
    assert found.handlers == [], f"{where}: handler attributes {found.handlers}"
    assert not [h for h in found.hrefs if h.startswith(("javascript:", "vbscript:"))], \
        f"{where}: a javascript: link"
    assert not [h for h in found.hrefs if h == "x"], f"{where}: an <img src=x> from a value"


# ------------------------------------------------------------------ fast: the builders
@pytest.mark.parametrize("payload", PAYLOADS)
def test_say_escapes_every_value(payload):
    bundle = sentence_bundle(f"- channel {payload}: **not compared** (too few tickets).")
    assert "text/markdown" not in bundle  # Markdown would render raw HTML and links
    assert_inert(bundle["text/html"], "say()")
    assert "<a " not in bundle["text/html"]
    # the plain form is today's (what nbval compares): the words with ** __ ` dropped
    assert bundle["text/plain"] == plain_text(
        f"- channel {payload}: **not compared** (too few tickets).")


def test_say_keeps_only_the_notebooks_own_bold():
    html = sentence_html(f"**{MARKERS}** is {IMG}")
    assert html.count("<strong>") >= 1 and "<b>" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=" in html


@pytest.fixture
def hostile_project(tmp_path) -> ProjectPaths:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pdca").mkdir()
    paths = ProjectPaths(tmp_path)
    tracker.new_cycle(paths, "c1", title=f"Faster {IMG}", metric="fcr", target=0.74)
    with edit_record(paths, "c1") as data:
        data["problem"] = SCRIPT
        data["change_idea"] = LINK
        data["hypothesis"] = ATTR
        data["owner"] = IMG
        data["actions"] = [{"what": SCRIPT, "owner": ATTR, "due": "2026-01-01"}]
    results = compare_results()
    results["kpis"]["fcr"]["sentence"] = f"FCR for {IMG} improved {LINK}"
    results["skipped"] = {"segments": f"needs the column {SCRIPT}"}
    run_dir = write_run(paths, "c1", "compare", results,
                        parameters={"currency": IMG, "segment_column": ATTR}, logged=True)
    return paths, run_dir


def test_cycle_page_and_portfolio_escape_every_field(hostile_project):
    paths, _ = hostile_project
    build_reports(paths)
    for page in (paths.runs / "c1" / "index.html", paths.runs / "index.html"):
        html = page.read_text(encoding="utf-8")
        assert_inert(html, page.name)
        assert "Content-Security-Policy" in html
    cycle = (paths.runs / "c1" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned=1" in cycle  # shown as text
    assert "[docs](javascript:window.__pwned=1)" in cycle  # never a link


def test_stage_header_and_verdict_escape_every_field(hostile_project):
    _, run_dir = hostile_project
    facts = page_facts(run_dir)
    assert facts.cycle_title == f"Faster {IMG}"
    assert_inert(header_html(facts, [(SCRIPT, "x")]), "header")
    from nbformat.v4 import new_markdown_cell, new_notebook

    html = notebook_to_html(new_notebook(cells=[new_markdown_cell("## 1. The data")]),
                            run_dir / "compare.html", facts=facts).read_text()
    assert_inert(html, "stage page")


# ------------------------------------------------------------------ slow: real runs, browser
PDCA = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "pdca"


def _pdca(root: Path, *args: str) -> str:
    env = {**os.environ, "PDCA_HOME": str(root)}
    done = subprocess.run([str(PDCA), *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, f"pdca {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _hostile_export(folder: Path) -> exports.Export:
    """The help-desk export with hostile channel and category values on a few tickets."""
    export = exports.helpdesk_without_response(folder, rows=1_500)
    frame = pd.read_csv(export.path, dtype=str)
    channels = ["phone", "email"] * (len(frame) // 2 + 1)
    frame["channel"] = channels[:len(frame)]
    frame.loc[frame.index[::97], "channel"] = IMG      # a rare segment: "not compared"
    frame.loc[frame.index[5::211], "channel"] = ATTR
    frame.loc[frame.index[::13], "category"] = SCRIPT
    frame.loc[frame.index[3::17], "category"] = LINK
    frame.to_csv(export.path, index=False)
    return export


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory) -> Path:
    """A workbook where every stage ran on the hostile export, a follow-up cycle from
    ``pdca next`` ran its baseline, and ``pdca report`` built the pages."""
    if not PDCA.exists():
        pytest.skip("pdca is not installed in .venv")
    root = tmp_path_factory.mktemp("hostile") / "book"
    subprocess.run([str(PDCA), "init", str(root)], check=True, capture_output=True)
    export = _hostile_export(root / "data")
    _pdca(root, "new", "hostile", "--title", f"Faster {IMG}", "--metric", "fcr",
          "--target", "0.74", "--owner", ATTR)
    paths = ProjectPaths(root)
    with edit_record(paths, "hostile") as data:
        data["problem"] = SCRIPT
        data["change_idea"] = f"{LINK} {IMG}"
        data["hypothesis"] = ATTR
        data["data"]["tickets"] = str(export.path)
        data["data"]["before"] = list(export.before)
        data["data"]["after"] = list(export.after)
    _pdca(root, "run", "hostile", "baseline", "-p", "segment_column", "channel")
    _pdca(root, "run", "hostile", "compare", "-p", "segment_column", "channel")
    _pdca(root, "run", "hostile", "efficiency", "-p", "segment_column", "channel",
          "-p", "cost_per_hour", "30", "-p", "currency", IMG)
    for _ in range(3):
        _pdca(root, "advance", "hostile")
    _pdca(root, "act", "hostile", "--decision", "adopt", "--note", f"{SCRIPT} {LINK}")
    _pdca(root, "next", "hostile", "hostile-2")
    _pdca(root, "run", "hostile-2", "baseline")
    _pdca(root, "report")
    # the stage pages as they read with their header (what runner.finish_run will pass)
    for html in sorted((root / "runs").glob("*/*/*/*.html")):
        notebook_to_html(html.with_suffix(".ipynb"), html.with_name(f"header-{html.name}"),
                         facts=page_facts(html.parent))
    return root


_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + (e.sample || e.blockedURI)));
"""

#: A mouseover on every cell, list item and paragraph in one call: an inline onmouseover
#: that a value had become would run (or be refused by the policy, a violation).
_HOVER = """() => document.querySelectorAll('td, li, p').forEach(el =>
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})))"""

_INSPECT = """() => ({
    pwned: window.__pwned === 1,
    violations: window.__violations,
    handlers: Array.from(document.querySelectorAll('*')).flatMap(el =>
        Array.from(el.attributes).filter(a => a.name.toLowerCase().startsWith('on'))
             .map(a => el.tagName + ' ' + a.name)),
    scripts: document.scripts.length,
    jsLinks: Array.from(document.querySelectorAll('[href],[src],[action],[formaction]'))
        .map(el => el.getAttribute('href') || el.getAttribute('src') || '')
        .filter(u => /^\\s*(javascript|vbscript):/i.test(u)),
    text: document.body.innerText,
})"""


@pytest.mark.slow
@pytest.mark.browser
def test_no_page_runs_a_hostile_value(browser, hostile_runs):
    pages = sorted((hostile_runs / "runs").rglob("*.html"))
    stage_pages = [p for p in pages if p.parent.name[:1].isdigit()]
    assert len(stage_pages) >= 8 and (hostile_runs / "runs" / "index.html") in pages
    seen_as_text = set()
    for path in pages:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.add_init_script(_WATCH)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.evaluate(_HOVER)  # every cell, item and paragraph, not the first 40 hovered
        facts = page.evaluate(_INSPECT)
        page.close()
        where = path.relative_to(hostile_runs)
        assert dialogs == [], f"{where}: a dialog opened: {dialogs}"
        assert not facts["pwned"], f"{where}: a payload ran"
        assert facts["handlers"] == [], f"{where}: handler attributes {facts['handlers']}"
        assert facts["scripts"] == 0, f"{where}: a script element"
        assert facts["jsLinks"] == [], f"{where}: javascript: links {facts['jsLinks']}"
        assert facts["violations"] == [], f"{where}: CSP violations {facts['violations']}"
        seen_as_text.update(p for p in PAYLOADS[:4] if p.replace('"', "") in
                            facts["text"].replace('"', ""))
    # the values reached the pages, as text
    assert {IMG, SCRIPT, LINK} <= seen_as_text, seen_as_text
