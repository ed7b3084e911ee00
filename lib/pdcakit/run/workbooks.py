"""A team's workbook: made by ``pdca init``, found by every command, opened by ``pdca lab``.

A workbook holds the team's own things only (records, mappings, exports, runs); the
stage templates, the demo data and the demo record ship with the package, so a
``pip install --upgrade`` never touches the workbook.

>>> import tempfile, pathlib
>>> made = init_workbook(pathlib.Path(tempfile.mkdtemp()) / "quality")
>>> sorted(p.relative_to(made.root).as_posix() for p in made.created)[:4]
['.gitignore', 'README.md', 'data', 'data/README.md']
>>> init_workbook(made.root).created  # a second init changes nothing
()
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pdcakit.fileio import create_text
from pdcakit.run.project import ProjectPaths, bundled, bundled_notebooks, is_workbook

__all__ = ["DEMO_CYCLE", "Initialised", "demo_record_template", "init_workbook", "lab_command",
           "place_demo_record", "throwaway_demo_workbook"]

DEMO_CYCLE = "demo-helpdesk"
_SKELETON = Path(__file__).resolve().parents[1] / "skeleton"
#: What ``pdca init`` writes: workbook path -> skeleton file (None: a folder).
_LAYOUT: dict[str, str | None] = {
    "pdca": None, "runs": None, "mappings": None, "data": None,
    "README.md": "README.md", ".gitignore": "gitignore",
    "mappings/example.yaml": "mappings/example.yaml", "data/README.md": "data-README.md",
}


@dataclass(frozen=True)
class Initialised:
    """What ``pdca init`` made (``created`` empty: the workbook was already complete)."""

    root: Path
    created: tuple[Path, ...]
    was_workbook: bool

    @property
    def sentence(self) -> str:
        if not self.created:
            return (f"{self.root} is already a workbook with everything pdca init makes; "
                    "nothing changed.")
        made = ", ".join(p.relative_to(self.root).as_posix() for p in self.created)
        verb = "completed the workbook" if self.was_workbook else "made a workbook"
        return (f"{verb} {self.root}: {made}. Next: put an export in data/, check it with "
                "pdca check-data data/FILE, then pdca new ID --title \"...\" (see README.md).")


def init_workbook(target: str | Path) -> Initialised:
    """Make ``target`` a workbook: ``pdca/``, ``runs/``, ``mappings/`` with a commented
    example, ``data/`` for exports, a README of the daily commands and a ``.gitignore``.

    Nothing that exists is changed (a file a team edited stays as it is); a second call
    creates nothing. No demo record is written (``pdca demo`` writes its own).
    """
    root = Path(target).expanduser().resolve()
    if root.exists() and not root.is_dir():
        raise FileExistsError(f"{root} is a file, not a folder: choose another path")
    was_workbook = is_workbook(root)
    created: list[Path] = []
    for relative, source in _LAYOUT.items():
        path = root / relative
        if source is None:
            if not path.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                created.append(path)
            continue
        try:
            create_text(path, (_SKELETON / source).read_text(encoding="utf-8"))
        except FileExistsError:
            continue  # the team's own version stays
        created.append(path)
    return Initialised(root=root, created=tuple(created), was_workbook=was_workbook)


def demo_record_template() -> Path:
    """The demo cycle's record as shipped (the source checkout's ``pdca/`` copy)."""
    return bundled("demo_record") / f"{DEMO_CYCLE}.yaml"


def place_demo_record(paths: ProjectPaths) -> Path:
    """Write the shipped demo record into the workbook (the checkout's own is the
    template itself, so it is left in place); ``pdca demo`` then resets its log."""
    target = paths.record(DEMO_CYCLE)
    template = demo_record_template()
    if target.resolve() != template.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    return target


def throwaway_demo_workbook() -> ProjectPaths:
    """A new workbook in a temporary folder, for ``pdca demo`` run outside any workbook."""
    root = Path(tempfile.mkdtemp(prefix="pdca-demo-"))
    init_workbook(root)
    return ProjectPaths(root)


def lab_command(paths: ProjectPaths, *, browser: bool = True) -> list[str]:
    """The JupyterLab command for the workbook, with the explore notebook placed in
    ``notebooks/explore.ipynb`` (copied from the installed template when absent, so the
    team's explorations are their own file)."""
    notebooks = paths.notebooks
    notebooks.mkdir(exist_ok=True)
    explore = notebooks / "explore.ipynb"
    if not explore.exists():
        shutil.copyfile(bundled_notebooks() / "explore.ipynb", explore)
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={paths.root}",
               str(explore.relative_to(paths.root))]
    if not browser:
        command.append("--no-browser")
    return command


def _check_layout() -> None:  # pragma: no cover - caught by test_wheel / test_workbooks
    missing = [s for s in _LAYOUT.values() if s is not None and not (_SKELETON / s).is_file()]
    if missing:
        raise RuntimeError(f"the package lacks its workbook skeleton files: {missing}")
