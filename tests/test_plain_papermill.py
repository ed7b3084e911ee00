"""Plain papermill from the project root, as the README's readers will try it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _papermill(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "papermill", "notebooks/baseline.ipynb",
                           str(tmp_path / "out.ipynb"), "--no-progress-bar", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_the_template_runs_from_the_project_root(tmp_path):
    # its default inputs are demo:NAME files, found from any working directory
    done = _papermill(tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_list_given_with_p_gets_the_y_hint(tmp_path):
    done = _papermill(tmp_path, "-p", "kpis", "[fcr]")
    assert done.returncode != 0
    assert "with papermill, give lists with -y 'kpis: [fcr]'" in done.stderr
