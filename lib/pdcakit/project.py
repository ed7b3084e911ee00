"""Where things live: the project root, its notebooks, cycle records and runs.

The root is the folder holding ``notebooks/`` and ``pdca/``: found from the
``PDCA_HOME`` environment variable, else by walking up from the current
directory, else the source checkout this package was installed from.

>>> paths = ProjectPaths.find()
>>> paths.notebooks.name
'notebooks'
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NOTEBOOKS", "STAGES", "ProjectPaths", "check_cycle_id", "check_stage"]

#: Stage name -> notebook template file name.
STAGES: dict[str, str] = {
    "baseline": "baseline.ipynb",
    "compare": "compare.ipynb",
    "efficiency": "efficiency.ipynb",
}

#: Every notebook template, stages and the interactive explorer (``make notebooks``).
NOTEBOOKS: dict[str, str] = {**STAGES, "explore": "explore.ipynb"}

_CYCLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def check_cycle_id(cycle_id: str) -> str:
    """Return ``cycle_id`` if it is a safe slug, else raise ValueError saying why.

    >>> check_cycle_id("email-first-response")
    'email-first-response'
    """
    if not isinstance(cycle_id, str) or not _CYCLE_ID.fullmatch(cycle_id):
        raise ValueError(
            f"invalid cycle id {cycle_id!r}: use 1-64 lower-case letters, digits and "
            "hyphens, starting and ending with a letter or digit (e.g. 'email-response-2026')"
        )
    return cycle_id


def check_stage(stage: str) -> str:
    """Return ``stage`` if a notebook exists for it, else raise ValueError listing the stages."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}")
    return stage


def _looks_like_root(path: Path) -> bool:
    return (path / "notebooks").is_dir() and (path / "pdca").is_dir()


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one PDCA Workbook project."""

    root: Path

    @classmethod
    def find(cls, start: str | os.PathLike[str] | None = None) -> ProjectPaths:
        """Locate the project root (see module docstring)."""
        env = os.environ.get("PDCA_HOME")
        if env:
            return cls(Path(env).resolve())
        here = Path(start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if _looks_like_root(candidate):
                return cls(candidate)
        source_root = Path(__file__).resolve().parents[2]
        if _looks_like_root(source_root):
            return cls(source_root)
        raise FileNotFoundError(
            f"no PDCA Workbook project found from {here}: run inside the project folder "
            "(the one holding notebooks/ and pdca/) or set PDCA_HOME"
        )

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def records(self) -> Path:
        return self.root / "pdca"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def template(self, stage: str) -> Path:
        """Path of the notebook template of ``stage``; FileNotFoundError when it is absent."""
        path = self.notebooks / STAGES[check_stage(stage)]
        if not path.exists():
            available = [s for s, name in STAGES.items() if (self.notebooks / name).exists()]
            raise FileNotFoundError(
                f"stage {stage!r} has no notebook in this project ({path.relative_to(self.root)} "
                f"is missing); stages available here: {', '.join(available) or 'none'}"
            )
        return path

    def record(self, cycle_id: str) -> Path:
        """Path of the YAML record of ``cycle_id``."""
        return self.records / f"{check_cycle_id(cycle_id)}.yaml"
