"""The wheel carries the message catalogues: a zh-CN verdict word from the installed copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_the_installed_wheel_speaks_chinese(tmp_path):
    source = tmp_path / "source"
    common = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis")
    for part in ("lib", "pdca", "pyproject.toml", "README.md", "LICENSE"):  # what the wheel needs
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, source / part, ignore=common)
        elif (ROOT / part).exists():
            shutil.copy2(ROOT / part, source / part)
    (source / "notebooks").mkdir()  # the templates and demo data: tests/test_wheel.py's
    (source / "data" / "demo").mkdir(parents=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp_path / "dist")],
                   check=True, capture_output=True, text=True)
    [wheel] = (tmp_path / "dist").glob("pdca_workbook-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pdcakit/words/locale/zh_CN/LC_MESSAGES/pdcakit.po" in names
    assert "pdcakit/words/locale/pdcakit.pot" in names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, text=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run([sys.executable, "-c", "import pdcakit.words as w; "
                          "print(w.__file__); print(w.words('zh-CN')._('Improved'))"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    where, word = out.stdout.split()
    assert where.startswith(str(site)) and word == "改善"
