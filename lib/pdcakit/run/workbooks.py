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

``pdca init --language zh-CN`` writes the same files in Chinese (each skeleton file's
``NAME.zh-CN.EXT`` twin beside it) and ``pdca/workbook.yaml`` saying ``language: zh-CN``
(:mod:`pdcakit.run.workbook_settings`); on an existing workbook it changes nothing and
says how to set the language by hand.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pdcakit.errors import UsageError
from pdcakit.fileio import atomic_write_text, create_text
from pdcakit.run.project import (
    ProjectPaths,
    bundled,
    bundled_notebooks,
    is_workbook,
    resolved,
)
from pdcakit.words import LANGUAGES, words

__all__ = ["DEMO_CYCLE", "DEMO_MONITOR_DATA", "Initialised", "demo_record_template",
           "init_workbook", "lab_command", "place_demo_plan", "place_demo_record",
           "skeleton_file", "throwaway_demo_workbook"]

DEMO_CYCLE = "demo-helpdesk"
#: The demo's export of the weeks after adoption (``pdca monitor`` in ``pdca demo``).
DEMO_MONITOR_DATA = "demo:tickets_since_adoption.csv"
_SKELETON = Path(__file__).resolve().parents[1] / "skeleton"
#: What ``pdca init`` writes: workbook path -> skeleton file (None: a folder).
_LAYOUT: dict[str, str | None] = {
    "pdca": None, "runs": None, "mappings": None, "data": None,
    "README.md": "README.md", ".gitignore": "gitignore",
    "mappings/example.yaml": "mappings/example.yaml", "data/README.md": "data-README.md",
    # the feedback classes' lexicon the team edits (pdcakit.registers.lexicon)
    "mappings/feedback_lexicon.yaml": "mappings/feedback_lexicon.yaml",
    # wide survey exports with text answers, in English and Chinese (pdcakit.data.surveys)
    "mappings/survey_en.yaml": "mappings/survey_en.yaml",
    "mappings/survey_zh.yaml": "mappings/survey_zh.yaml",
}
#: The workbook's settings, written only when ``pdca init`` is given a language.
_SETTINGS = ("pdca/workbook.yaml", "workbook.yaml")


def skeleton_file(source: str, language: str = "en") -> Path:
    """The skeleton file ``source`` in ``language``: its ``NAME.zh-CN.EXT`` twin when
    there is one (``README.zh-CN.md``, ``gitignore.zh-CN``), else the file itself (a
    file with no words to translate, such as the survey mappings, serves every language).

    >>> skeleton_file("README.md", "zh-CN").name, skeleton_file("gitignore", "zh-CN").name
    ('README.zh-CN.md', 'gitignore.zh-CN')
    >>> skeleton_file("mappings/survey_zh.yaml", "zh-CN").name
    'survey_zh.yaml'
    """
    path = _SKELETON / source
    if language == "en":
        return path
    twin = path.with_name(f"{path.stem}.{language}{path.suffix}" if path.suffix
                          else f"{path.name}.{language}")
    return twin if twin.is_file() else path


@dataclass(frozen=True)
class Initialised:
    """What ``pdca init`` made (``created`` empty: the workbook was already complete), in
    which language, and the language asked for (``""``: none)."""

    root: Path
    created: tuple[Path, ...]
    was_workbook: bool
    gitignore_added: tuple[str, ...] = ()
    language: str = "en"
    asked: str = ""

    @property
    def sentence(self) -> str:
        w = words(self.asked or self.language)
        added = (w._(" Added {lines} to your own .gitignore, so runs and exports stay out "
                     "of git.", lines=", ".join(self.gitignore_added))
                 if self.gitignore_added else "")
        return self._made() + added + self._language_note()

    def _made(self) -> str:
        w = words(self.asked or self.language)
        if not self.created and self.gitignore_added:
            return w._("{root} already has the folders and files pdca init makes.",
                       root=self.root)
        if not self.created:
            return w._("{root} is already a workbook with everything pdca init makes; "
                       "nothing changed.", root=self.root)
        made = ", ".join(p.relative_to(self.root).as_posix() for p in self.created)
        if self.was_workbook:
            return w._("completed the workbook {root}: {made}. Next: put an export in "
                       "data/, check it with pdca check-data data/FILE, then pdca new ID "
                       "--title \"...\" (see README.md).", root=self.root, made=made)
        return w._("made a workbook {root}: {made}. Next: put an export in data/, check it "
                   "with pdca check-data data/FILE, then pdca new ID --title \"...\" (see "
                   "README.md).", root=self.root, made=made)

    def _language_note(self) -> str:
        """On an existing workbook asked for another language: how to set it by hand."""
        if not self.asked or self.asked == self.language or not self.was_workbook:
            return ""
        w = words(self.asked)
        return w._(" Its language stays {current}: pdca init changes no existing workbook's "
                   "language; to read its portfolio, status and new records in {name}, write "
                   "language: {code} in {file} (a cycle's own language: in its record wins).",
                   current=self.language, name=w._(LANGUAGES[self.asked][2]),
                   code=self.asked, file=_SETTINGS[0])


def init_workbook(target: str | Path, language: str | None = None) -> Initialised:
    """Make ``target`` a workbook: ``pdca/``, ``runs/``, ``mappings/`` with a commented
    example, ``data/`` for exports, a README of the daily commands and a ``.gitignore``;
    with ``language`` (``en``, ``zh-CN``) these in that language and ``pdca/workbook.yaml``
    saying it.

    Nothing that exists is changed (a file a team edited stays as it is); a second call
    creates nothing. On an existing workbook ``language`` changes nothing: the missing
    files come in the workbook's own language and :attr:`Initialised.sentence` says how
    to set it. No demo record is written (``pdca demo`` writes its own).
    """
    from pdcakit.run.workbook_settings import workbook_language

    if language is not None and language not in LANGUAGES:
        names = ", ".join(f"{code} ({name})" for code, (_, _, name) in LANGUAGES.items())
        raise UsageError(f"pdca init --language {language!r}: choose one of {names}")
    given = Path(target).expanduser()
    root = resolved(given, "the folder")
    if given.is_symlink() and not root.exists():
        raise UsageError(f"{given} is a symbolic link to {root}, which does not exist; "
                         "make that folder first, or give pdca init the real folder")
    if root.exists() and not root.is_dir():
        raise FileExistsError(f"{root} is a file, not a folder: choose another path")
    was_workbook = is_workbook(root)
    current = workbook_language(ProjectPaths(root)) if was_workbook else None
    writes = current or language or "en"
    layout = dict(_LAYOUT)
    if language is not None and not was_workbook:
        layout[_SETTINGS[0]] = _SETTINGS[1]
    created: list[Path] = []
    for relative, source in layout.items():
        path = root / relative
        if source is None:
            if not path.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                created.append(path)
            continue
        try:
            create_text(path, skeleton_file(source, writes).read_text(encoding="utf-8"))
        except FileExistsError:
            continue  # the team's own version stays
        created.append(path)
    added = _complete_gitignore(root / ".gitignore", created)
    return Initialised(root=root, created=tuple(created), was_workbook=was_workbook,
                       gitignore_added=added, language=writes, asked=language or "")


def _complete_gitignore(path: Path, created: list[Path]) -> tuple[str, ...]:
    """Add to a folder's own ``.gitignore`` the workbook's entries it lacks (runs and
    exports must stay out of git); the lines it has stay as they are. Returns the lines
    added (none when ``pdca init`` wrote the file itself or nothing was missing)."""
    if path in created or not path.is_file():
        return ()
    text = path.read_text(encoding="utf-8", errors="replace")
    have = {line.strip() for line in text.splitlines()}
    wanted = [line for line in (_SKELETON / "gitignore").read_text(encoding="utf-8")
              .splitlines() if line.strip() and not line.startswith("#")]
    missing = tuple(line for line in wanted if line not in have)
    if missing:
        atomic_write_text(path, text + ("" if text.endswith("\n") or not text else "\n")
                          + "# added by pdca init: runs and exports stay out of git\n"
                          + "".join(f"{line}\n" for line in missing))
    return missing


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


def place_demo_plan(paths: ProjectPaths, template: Path | None = None) -> Path | None:
    """Write the demo's supervision plan (``template``, by default
    ``data/demo/supervision.yaml``, shipped with the demo data) as ``pdca/supervision.yaml``,
    afresh on each demo; None, and nothing written, when the workbook has a plan of its own
    (one without ``demo: true``)."""
    from pdcakit.tracker.supervision import is_demo_plan, plan_path

    target = plan_path(paths)
    if (target.exists() or target.is_symlink()) and not is_demo_plan(target):
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    source = template or bundled("demo") / "supervision.yaml"
    atomic_write_text(target, source.read_text(encoding="utf-8"))
    return target


def throwaway_demo_workbook(language: str | None = None) -> ProjectPaths:
    """A new workbook in a temporary folder, for ``pdca demo`` run outside any workbook;
    in ``language`` (``pdca demo --language zh-CN``: a Chinese workbook, so its portfolio
    is Chinese too)."""
    root = Path(tempfile.mkdtemp(prefix="pdca-demo-"))
    init_workbook(root, language if language not in (None, "en") else None)
    return ProjectPaths(root)


def lab_command(paths: ProjectPaths, *, browser: bool = True) -> list[str]:
    """The JupyterLab command for the workbook, with the explore notebook placed in
    ``notebooks/explore.ipynb`` (copied from the installed template when absent, so the
    team's explorations are their own file). JupyterLab is the ``lab`` extra: without it
    a :class:`~pdcakit.errors.UsageError` says how to install it."""
    if importlib.util.find_spec("jupyterlab") is None:
        raise UsageError("pdca lab needs JupyterLab, which is not installed: "
                         "pip install 'pdca-workbook[lab]' (the stages run without it)")
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
