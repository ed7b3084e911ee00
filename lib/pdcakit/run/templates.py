"""Keep the notebook templates in ``notebooks/`` executed with their default parameters.

Each template is authored as a jupytext percent script (``baseline.py``)
paired with the notebook (``baseline.ipynb``) that papermill runs and nbval
compares. ``refresh`` rebuilds the notebook from the script, executes it in
``notebooks/`` and strips volatile metadata (execution timings), so the
committed outputs are the default run's and diffs stay small.

Usage: ``python -m pdcakit.run.templates refresh [STAGE ...]`` (``make notebooks``).

>>> sorted(NOTEBOOKS)[:1]
['baseline']
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pdcakit.fileio import atomic_write_text
from pdcakit.run.engine import kernel_config
from pdcakit.run.project import NOTEBOOKS, ProjectPaths
from pdcakit.run.startup import skip_unused_optional_imports

if TYPE_CHECKING:
    import nbformat

__all__ = ["build", "refresh"]


def build(script: Path) -> nbformat.NotebookNode:
    """Read a percent-format script into a notebook (jupytext), keeping cell tags."""
    import jupytext

    nb = jupytext.read(script)
    nb.metadata.setdefault("kernelspec", {"display_name": "Python 3", "language": "python",
                                          "name": "python3"})
    nb.metadata.pop("jupytext", None)
    return nb


def _clean(nb: nbformat.NotebookNode, stage: str) -> nbformat.NotebookNode:
    """Drop volatile metadata and number the cells, so a rebuild diffs only real changes."""
    for index, cell in enumerate(nb.cells):
        cell.id = f"{stage}-{index:02d}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def refresh(stage: str, paths: ProjectPaths | None = None, timeout: int = 1200) -> Path:
    """Rebuild ``notebooks/<stage>.ipynb`` from its script and execute it with defaults."""
    import nbformat
    from nbclient import NotebookClient

    paths = paths or ProjectPaths.find()
    notebook_path = paths.notebooks / NOTEBOOKS[stage]  # may not exist yet: built from the script
    script = notebook_path.with_suffix(".py")
    nb = build(script) if script.exists() else nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", config=kernel_config(),
                            resources={"metadata": {"path": str(paths.notebooks)}})
    client.execute()
    atomic_write_text(notebook_path, nbformat.writes(_clean(nb, stage)) + "\n")
    return notebook_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pdcakit.run.templates",
                                     description="Rebuild and execute notebook templates.")
    parser.add_argument("command", choices=["refresh"])
    parser.add_argument("stages", nargs="*", help="stages to refresh (default: all present)")
    args = parser.parse_args(argv)
    skip_unused_optional_imports()
    paths = ProjectPaths.find()
    stages = args.stages or [s for s, name in NOTEBOOKS.items()
                             if (paths.notebooks / name).with_suffix(".py").exists()]
    for stage in stages:
        print(f"refreshed {refresh(stage, paths).relative_to(paths.root)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
