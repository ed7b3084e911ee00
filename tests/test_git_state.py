"""A run's git state (provenance ``git``): the tool's own writes do not make the tree dirty.

Issue 24: every page of a fresh ``make demo`` said "with uncommitted changes", because the
demo rewrites its record (``pdca/demo-helpdesk.yaml``) before it runs and each run logs
itself in it. Tested in throw-away git repositories.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pdcakit.run.runner import git_state


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                   capture_output=True)


def _committed(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "start")
    return root


@pytest.fixture
def workbook(tmp_path):
    return _committed(tmp_path, {
        "pdca/helpdesk-fcr.yaml": "id: helpdesk-fcr\nlog: []\n",
        "pdca/other.yaml": "id: other\n",
        "runs/README.md": "Runs land here.\n",
        "notebooks/compare.ipynb": "{}\n",
        "data/tickets.csv": "id,created_at\nA,2026-01-05\n",
    })


def _own_writes(root: Path) -> tuple[Path, Path]:
    return root / "runs", root / "pdca" / "helpdesk-fcr.yaml"


def test_the_cycles_own_record_and_runs_do_not_make_the_tree_dirty(workbook):
    clean = git_state(workbook, ignore=_own_writes(workbook))
    assert clean["dirty"] is False and len(clean["commit"]) == 40
    with open(workbook / "pdca" / "helpdesk-fcr.yaml", "a", encoding="utf-8") as record:
        record.write("- event: run\n  stage: compare\n")  # what pdca run / pdca demo write
    (workbook / "runs" / "README.md").write_text("changed\n", encoding="utf-8")
    state = git_state(workbook, ignore=_own_writes(workbook))
    assert state["dirty"] is False
    assert state["ignored"] == ["runs", "pdca/helpdesk-fcr.yaml"]
    assert git_state(workbook)["dirty"] is True  # counted when not the run's own


@pytest.mark.parametrize("edited", ["notebooks/compare.ipynb", "data/tickets.csv",
                                    "pdca/other.yaml"])
def test_any_other_change_still_makes_it_dirty(workbook, edited):
    with open(workbook / edited, "a", encoding="utf-8") as handle:
        handle.write("\n")
    assert git_state(workbook, ignore=_own_writes(workbook))["dirty"] is True


def test_a_staged_change_to_a_template_is_dirty_too(workbook):
    (workbook / "notebooks" / "compare.ipynb").write_text("{\"cells\": []}\n")
    _git(workbook, "add", "notebooks/compare.ipynb")
    assert git_state(workbook, ignore=_own_writes(workbook))["dirty"] is True


def test_a_workbook_inside_a_larger_repository(tmp_path):
    repo = _committed(tmp_path, {"README.md": "top\n", "team/pdca/c1.yaml": "id: c1\n",
                                 "team/runs/README.md": "x\n", "lib/code.py": "x = 1\n"})
    workbook = repo / "team"
    (workbook / "pdca" / "c1.yaml").write_text("id: c1\nlog: [run]\n")
    own = (workbook / "runs", workbook / "pdca" / "c1.yaml")
    assert git_state(workbook, ignore=own)["dirty"] is False
    (repo / "lib" / "code.py").write_text("x = 2\n")  # code outside the workbook counts
    assert git_state(workbook, ignore=own)["dirty"] is True


def test_no_git_says_so(tmp_path):
    state = git_state(tmp_path, ignore=(tmp_path / "runs",))
    assert state["commit"] is None and state["dirty"] is None


@pytest.mark.slow
def test_pdca_demo_from_a_clean_checkout_is_not_uncommitted(demo_project):
    # the shared `pdca demo` project (conftest.py) ran in a committed git checkout of
    # notebooks/, pdca/, data/ and runs/README.md, as `make demo` runs in a clone
    paths, out = demo_project
    assert (paths.root / ".git").is_dir()
    provenances = sorted(paths.runs.glob("demo-helpdesk/*/*/provenance.json"))
    assert len(provenances) == 3, out
    for path in provenances:
        git = json.loads(path.read_text(encoding="utf-8"))["git"]
        assert git["dirty"] is False and len(git["commit"] or "") == 40, (path, git)
    pages = sorted(paths.runs.glob("demo-helpdesk/*/*/*.html"))
    assert pages and not any("uncommitted" in page.read_text(encoding="utf-8")
                             for page in pages)
