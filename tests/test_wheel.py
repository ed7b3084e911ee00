"""The tool as a team installs it: the built wheel, run outside the checkout.

Builds the wheel, installs it into a folder outside the source tree and runs the installed
`pdca` there: `init`, `demo`, `new`, `run` on a sample export and `report`. A missing
package-data entry (templates, demo data, demo record, workbook skeleton) fails here, and
nothing written may point into the source tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exports import city_council_cases

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a clean copy: setuptools' build/ in the checkout may be stale
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "runs", "*.egg-info", "__pycache__", ".pytest_cache",
        ".ruff_cache", ".hypothesis", "benchmarks"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(work / "dist")],
                   check=True, capture_output=True, text=True)
    [wheel] = (work / "dist").glob("pdca_workbook-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("pdcakit/notebooks/baseline.ipynb", "pdcakit/notebooks/compare.ipynb",
                   "pdcakit/notebooks/efficiency.ipynb", "pdcakit/notebooks/explore.ipynb",
                   "pdcakit/demo/tickets.csv", "pdcakit/demo/process_steps.csv",
                   "pdcakit/demo_record/demo-helpdesk.yaml", "pdcakit/skeleton/README.md",
                   "pdcakit/skeleton/gitignore", "pdcakit/skeleton/mappings/example.yaml",
                   "pdcakit/html/reviewer/index.html.j2", "pdcakit/presets/zh_helpdesk.yaml"):
        assert needed in names, f"the wheel lacks {needed}"
    site = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(site), str(wheel)], check=True, capture_output=True, text=True)
    return site


def _pdca(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PDCA_HOME"}
    env["PYTHONPATH"] = str(site)  # the installed copy, not the checkout's editable one
    return subprocess.run([sys.executable, "-m", "pdcakit.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_installed_tool_runs_a_team_workbook_outside_the_checkout(installed, tmp_path):
    where = _pdca(installed, tmp_path, "--version")
    assert where.returncode == 0, where.stderr
    probe = subprocess.run([sys.executable, "-c", "import pdcakit; print(pdcakit.__file__)"],
                           env={**os.environ, "PYTHONPATH": str(installed)},
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(installed))

    made = _pdca(installed, tmp_path, "init", "team")
    assert made.returncode == 0, made.stderr
    team = tmp_path / "team"
    for part in ("pdca", "runs", "mappings/example.yaml", "data", "README.md", ".gitignore"):
        assert (team / part).exists(), part
    again = _pdca(installed, tmp_path, "init", "team")
    assert "nothing changed" in again.stdout

    demo = _pdca(installed, team, "demo")
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "decision adopt recorded" in demo.stdout

    export = city_council_cases(team / "data", rows=3_000)
    new = _pdca(installed, team, "new", "cases", "--title", "Cases closed sooner",
                "--metric", "time_to_resolve", "--direction", "lower")
    assert new.returncode == 0, new.stderr
    run = _pdca(installed, team, "run", "cases", "baseline", "--data",
                f"data/{export.path.name}", "-p", "mapping", f"data/{export.mapping.name}",
                "-p", "period", "M")
    assert run.returncode == 0, run.stdout + run.stderr
    report = _pdca(installed, team, "report")
    assert report.returncode == 0, report.stderr
    assert (team / "runs" / "index.html").exists()
    assert (team / "runs" / "cases" / "index.html").exists()

    [provenance] = (team / "runs" / "cases" / "baseline").glob("*/provenance.json")
    prov = json.loads(provenance.read_text(encoding="utf-8"))
    assert prov["template"].startswith(str(installed))
    assert prov["template_source"] == "the installed template"
    assert prov["tool"]["name"] == "pdca-workbook" and prov["tool"]["version"]
    assert set(prov["inputs"]) == {"data_path", "mapping"}

    source = str(ROOT)
    for path in [*team.rglob("*.json"), *team.rglob("*.yaml"), *team.rglob("*.html"),
                 *team.rglob("*.ipynb")]:
        assert source not in path.read_text(encoding="utf-8", errors="replace"), path
