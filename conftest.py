"""Project-wide pytest configuration: nbval compares notebook outputs, not their stderr;
one `pdca demo` run shared by the command-line and browser tests.

ipykernel 7 prints "Kernel is running over TCP without encryption" to stderr
at every start; warnings from libraries also land there. Both are noise for
a reviewer's outputs, so stderr is left out of nbval's comparison.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


ROOT = Path(__file__).resolve().parent
#: Debian's chromium, driven by playwright (nothing downloaded); .ci/run installs it.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for the page tests (skipped where chromium is not installed)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    """`pdca demo` run once in a throwaway copy of the project: (paths, printed output)."""
    import contextlib
    import io
    import os

    from pdcakit import cli
    from pdcakit.run.project import ProjectPaths

    root = tmp_path_factory.mktemp("demo-project")
    for folder in ("notebooks", "pdca", "data"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    before = Path.cwd()
    out = io.StringIO()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(["demo"])
    finally:
        os.chdir(before)
    assert code == 0, out.getvalue()
    return ProjectPaths(root), out.getvalue()
