"""`make notebooks` (pdcakit.run.templates): rebuilding a template from its script is
reproducible."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pdcakit.run import templates
from pdcakit.run.project import ProjectPaths

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_refresh_rebuilds_the_committed_notebook_exactly(tmp_path):
    for folder in ("notebooks", "pdca", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "notebooks" / "baseline.ipynb").unlink()  # built from baseline.py alone
    path = templates.refresh("baseline", ProjectPaths(tmp_path))
    assert path.read_text() == (ROOT / "notebooks" / "baseline.ipynb").read_text()
