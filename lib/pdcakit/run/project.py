"""Where things live: the workbook, its cycle records and runs, and the stage templates.

A **workbook** is a team's folder (made by ``pdca init``) holding ``pdca/`` (the
cycle records) and ``runs/`` (or ``notebooks/``): found from the ``PDCA_HOME``
environment variable, else by walking up from the current directory. The source
checkout is a workbook too (its ``pdca/`` holds the demo cycle).

The stage **templates** ship with the package (``pdcakit/notebooks/`` in a wheel, the
checkout's ``notebooks/`` in a source tree); a workbook that keeps its own adapted copy
in ``notebooks/STAGE.ipynb`` runs that one instead, and the run's provenance says which
template ran, with its checksum.

>>> bundled_notebooks().name
'notebooks'
>>> sorted(STAGES)
['baseline', 'compare', 'efficiency']
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pdcakit.errors import UsageError

__all__ = ["BUNDLED", "NOTEBOOKS", "STAGES", "ProjectPaths", "bundled", "bundled_notebooks",
           "check_cycle_id", "check_stage", "is_workbook", "resolved"]

#: Stage name -> notebook template file name.
STAGES: dict[str, str] = {
    "baseline": "baseline.ipynb",
    "compare": "compare.ipynb",
    "efficiency": "efficiency.ipynb",
}

#: Every notebook template, stages and the interactive explorer (``make notebooks``).
NOTEBOOKS: dict[str, str] = {**STAGES, "explore": "explore.ipynb"}

_CYCLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
#: Names Windows reserves for devices: ``con.yaml`` cannot be checked out there, and
#: workbooks are shared through git.
_WINDOWS_DEVICES = re.compile(r"^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$")


def check_cycle_id(cycle_id: str) -> str:
    """Return ``cycle_id`` if it is a safe slug, else raise UsageError saying why.

    >>> check_cycle_id("email-first-response")
    'email-first-response'
    >>> check_cycle_id("con")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pdcakit.errors.UsageError: invalid cycle id 'con': Windows reserves it for a device, ...
    """
    if not isinstance(cycle_id, str) or not _CYCLE_ID.fullmatch(cycle_id):
        raise UsageError(
            f"invalid cycle id {cycle_id!r}: use 1-64 lower-case letters, digits and "
            "hyphens, starting and ending with a letter or digit (e.g. 'email-response-2026')"
        )
    if _WINDOWS_DEVICES.fullmatch(cycle_id):
        raise UsageError(
            f"invalid cycle id {cycle_id!r}: Windows reserves it for a device, so a teammate "
            f"on Windows could not check out pdca/{cycle_id}.yaml; choose another id (e.g. "
            f"'{cycle_id}-2026')")
    return cycle_id


def check_stage(stage: str) -> str:
    """Return ``stage`` if a notebook exists for it, else raise UsageError listing the stages."""
    if stage not in STAGES:
        raise UsageError(f"unknown stage {stage!r}: choose one of {', '.join(STAGES)}")
    return stage


def is_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook: it holds ``pdca/`` and ``runs/`` or ``notebooks/``."""
    return (path / "pdca").is_dir() and ((path / "runs").is_dir()
                                         or (path / "notebooks").is_dir())


#: Package-data folders of a wheel -> the source checkout's folder they are built from
#: (``[tool.setuptools] package-dir`` in pyproject.toml maps them).
BUNDLED = {"notebooks": "notebooks", "demo": "data/demo", "demo_record": "pdca"}


def bundled(name: str) -> Path:
    """A folder that ships with the package: ``pdcakit/NAME/`` in an installed wheel, the
    checkout's own folder (:data:`BUNDLED`) in a source tree or an editable install.

    >>> bundled("demo").name in ("demo",)
    True
    """
    package = Path(__file__).resolve().parents[1]  # pdcakit/
    installed = package / name
    return installed if installed.is_dir() else package.parents[1] / BUNDLED[name]


def bundled_notebooks() -> Path:
    """The folder of the stage templates that ship with the package."""
    return bundled("notebooks")


def resolved(path: str | os.PathLike[str], what: str) -> Path:
    """``path`` made absolute with its links followed; a loop of symbolic links is a
    UsageError naming ``what`` and the path (``Path.resolve`` raises RuntimeError or
    OSError for it, depending on the Python version).

    >>> resolved("/", "the folder").is_absolute()
    True
    """
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError) as exc:
        raise UsageError(f"{what} {os.fspath(path)} is a loop of symbolic links (each points "
                         f"to another, never to a file or folder); remove or fix the link "
                         f"({exc})") from None


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one PDCA Workbook project."""

    root: Path

    @classmethod
    def find(cls, start: str | os.PathLike[str] | None = None) -> ProjectPaths:
        """Locate the project root (see module docstring)."""
        env = os.environ.get("PDCA_HOME")
        if env:
            home = resolved(env, "PDCA_HOME")
            if home.exists() and not home.is_dir():
                raise FileNotFoundError(
                    f"PDCA_HOME is {env}, which is a file, not a workbook folder: set "
                    "PDCA_HOME to the workbook's folder, or unset it")
            if not (home / "pdca").is_dir():
                raise FileNotFoundError(
                    f"PDCA_HOME is {env}, which is not a workbook (it has no pdca/ folder): "
                    f"make one with: pdca init {env}, or unset PDCA_HOME")
            return cls(home)
        here = resolved(start or Path.cwd(), "the folder")
        for candidate in (here, *here.parents):
            if is_workbook(candidate):
                return cls(candidate)
        raise FileNotFoundError(
            f"no workbook found from {here} upwards: make one with `pdca init DIR` and run "
            "pdca inside it, or set PDCA_HOME to it (`pdca demo` works anywhere)"
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
        """The notebook template ``stage`` runs: the workbook's own copy in ``notebooks/``
        when it keeps one, else the one shipped with the package."""
        name = STAGES[check_stage(stage)]
        for folder in (self.notebooks, bundled_notebooks()):
            if (folder / name).is_file():
                return folder / name
        raise FileNotFoundError(
            f"stage {stage!r} has no notebook: neither {self.notebooks / name} nor the "
            f"installed template {bundled_notebooks() / name} exists; reinstall "
            "pdca-workbook")

    def is_adapted(self, stage: str) -> bool:
        """Whether ``stage`` runs the workbook's own copy rather than the shipped template."""
        return (self.template(stage).parent == self.notebooks
                and self.notebooks.resolve() != bundled_notebooks().resolve())

    def record(self, cycle_id: str) -> Path:
        """Path of the YAML record of ``cycle_id``."""
        return self.records / f"{check_cycle_id(cycle_id)}.yaml"
