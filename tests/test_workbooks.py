"""A team's workbook: pdca init, finding it, pdca lab, the demo outside any workbook."""

from __future__ import annotations

import sys

import pytest

from pdcakit import cli
from pdcakit.run.project import ProjectPaths, bundled_notebooks
from pdcakit.run.workbooks import init_workbook, lab_command, throwaway_demo_workbook


def test_init_makes_what_a_team_needs_and_no_demo(tmp_path):
    made = init_workbook(tmp_path / "quality")
    root = made.root
    for part in ("pdca", "runs", "mappings/example.yaml", "data/README.md", "README.md",
                 ".gitignore"):
        assert (root / part).exists(), part
    assert not list((root / "pdca").iterdir())  # no demo default in a team's workbook
    gitignore = (root / ".gitignore").read_text()
    assert "runs/" in gitignore and "data/*" in gitignore
    readme = (root / "README.md").read_text()
    assert "pdca run" in readme and "in git?" in readme


def test_init_on_a_workbook_changes_nothing_and_says_so(tmp_path):
    root = init_workbook(tmp_path / "quality").root
    (root / "README.md").write_text("our own notes\n")
    again = init_workbook(root)
    assert again.created == () and "nothing changed" in again.sentence
    assert (root / "README.md").read_text() == "our own notes\n"
    (root / "mappings" / "example.yaml").unlink()  # a missing piece is put back, alone
    third = init_workbook(root)
    assert [p.name for p in third.created] == ["example.yaml"]


def test_the_workbook_is_found_upwards_or_from_pdca_home(tmp_path, monkeypatch):
    root = init_workbook(tmp_path / "quality").root
    deep = root / "data" / "2026"
    deep.mkdir()
    monkeypatch.delenv("PDCA_HOME", raising=False)
    assert ProjectPaths.find(deep).root == root
    monkeypatch.setenv("PDCA_HOME", str(root))
    assert ProjectPaths.find(tmp_path).root == root
    monkeypatch.setenv("PDCA_HOME", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match=r"not a workbook.*pdca init"):
        ProjectPaths.find()


def test_outside_a_workbook_the_error_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PDCA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["status"]) == cli.EXIT_USAGE
    assert "pdca init DIR" in capsys.readouterr().err


def test_lab_opens_the_workbook_with_its_own_explore_notebook(tmp_path):
    paths = ProjectPaths(init_workbook(tmp_path / "quality").root)
    command = lab_command(paths, browser=False)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={paths.root}" in command and "--no-browser" in command
    explore = paths.notebooks / "explore.ipynb"
    assert explore.read_bytes() == (bundled_notebooks() / "explore.ipynb").read_bytes()
    explore.write_text("{}")  # the team's own explorations stay theirs
    lab_command(paths)
    assert explore.read_text() == "{}"


def test_a_demo_outside_any_workbook_gets_a_throwaway_one():
    paths = throwaway_demo_workbook()
    assert (paths.records).is_dir() and (paths.runs).is_dir()
    assert "pdca-demo-" in paths.root.name


def test_lab_without_jupyterlab_says_how_to_install_it(tmp_path, monkeypatch):
    # JupyterLab is the lab extra (issue 29: light to install): a clear line, not a traceback
    import importlib.util

    from pdcakit.errors import UsageError

    paths = init_workbook(tmp_path / "wb")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    with pytest.raises(UsageError, match=r"pip install 'pdca-workbook\[lab\]'"):
        lab_command(paths, browser=False)
