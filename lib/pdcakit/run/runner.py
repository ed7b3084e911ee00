"""Run a stage notebook through papermill into an immutable run directory.

Every run writes ``runs/<cycle>/<stage>/<UTC stamp>/`` holding:

``<stage>.ipynb``   the executed notebook (kept even when a cell fails)
``<stage>.html``    the same, rendered for reviewers with code hidden
``params.yaml``     the parameters passed to papermill
``results.json``    the numbers the notebook reports (written by the notebook)
``provenance.json`` data SHA-256, git commit, package versions, start/end,
                    duration, status (``running`` until the run ends, then
                    ``succeeded`` or ``failed`` with the error)

A run directory is never rewritten: a second run in the same second gets a
``-2`` suffix.

>>> stamp = utc_stamp(datetime(2026, 4, 6, 9, 30, tzinfo=UTC))
>>> stamp
'20260406T093000Z'
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pdcakit import __version__
from pdcakit.fileio import atomic_write_json, atomic_write_yaml, sha256_file
from pdcakit.run.engine import SectionProgress, SharedKernel, kernel_config, register_engine
from pdcakit.run.failure import describe_failure, page_for_failed_run
from pdcakit.run.pagefacts import page_facts
from pdcakit.run.params import coerce_parameters, declared_parameters
from pdcakit.run.project import ProjectPaths, check_cycle_id, check_stage
from pdcakit.run.render import notebook_to_html
from pdcakit.run.request import is_file_parameter, resolve_paths

__all__ = ["ExecutedRun", "RunResult", "execute_run", "finish_run", "free_ports", "git_state",
           "input_files", "last_durations", "mark_abandoned_runs", "run_stage", "utc_stamp"]

#: Packages whose versions every run records.
RECORDED_PACKAGES = ("pdca-workbook", "numpy", "pandas", "scipy", "statsmodels", "matplotlib",
                     "papermill", "nbconvert", "ipykernel")


@dataclass(frozen=True)
class RunResult:
    """Where a run landed and how it ended."""

    cycle: str
    stage: str
    run_dir: Path
    status: str  # "succeeded" or "failed"
    notebook: Path
    html: Path | None
    results: Path | None
    error: str | None = None
    duration_seconds: float | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (all held open together while chosen)."""
    held = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            held.append(sock)
        return [sock.getsockname()[1] for sock in held]
    finally:
        for sock in held:
            sock.close()


def utc_stamp(moment: datetime | None = None) -> str:
    """A sortable UTC time stamp for run directory names."""
    return (moment or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _new_run_dir(parent: Path, stamp: str) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    for suffix in ["", *(f"-{i}" for i in range(2, 1000))]:
        candidate = parent / f"{stamp}{suffix}"
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise RuntimeError(f"could not create a new run directory under {parent}")


def git_state(root: Path, ignore: Sequence[Path] = ()) -> dict[str, Any]:
    """The checkout's HEAD commit and whether tracked files differ from it (None: no git).

    Files under ``ignore`` (the workbook's ``runs/`` and the cycle record the command writes
    itself, see :func:`execute_run`) do not make the tree dirty: a run started from a clean
    tree says so, though ``pdca demo`` rewrote its record and earlier stages logged their runs.
    The record's values a run uses are in its parameters; ``ignored`` lists what was not
    counted.
    """
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                                  timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    skipped = [_relative_or_absolute(Path(path), root) for path in ignore]
    excluded = [f":(exclude){path}" for path in skipped]
    status = git("status", "--porcelain", "--untracked-files=no", "--", ":/", *excluded)
    return {"commit": commit, "dirty": bool(status) if status is not None else None,
            "ignored": skipped}


def _package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def input_files(parameters: dict[str, Any]) -> dict[str, Path]:
    """Every file a run's parameters name (tickets, mapping file, optional tables), as
    absolute paths; ``demo:NAME`` resolved to the bundled demo file. Values must already
    be absolute (:func:`pdcakit.run.request.resolve_paths`)."""
    found: dict[str, Path] = {}
    for name, value in parameters.items():
        if not isinstance(value, str) or not value or name == "results_path":
            continue
        if value.startswith("demo:") and (name.endswith("_path") or name == "mapping"):
            from pdcakit.data.inputs import resolve_input

            found[name] = resolve_input(value)
        elif is_file_parameter(name, value):
            found[name] = Path(value)
    return found


def _input_checksums(parameters: dict[str, Any]) -> dict[str, dict[str, str]]:
    """``{parameter: {"path", "sha256"}}`` for each file the run reads (hashed before it runs)."""
    return {name: {"path": str(path), "sha256": sha256_file(path)}
            for name, path in input_files(parameters).items() if path.is_file()}


def _relative_or_absolute(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _one_line(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "cell_index", None)
    where = f"cell {cell}: " if cell is not None else ""
    first = str(evalue).strip().splitlines()[0] if str(evalue).strip() else ""
    return f"{where}{ename}: {first}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def mark_abandoned_runs(paths: ProjectPaths, cycle: str | None = None) -> list[Path]:
    """Mark runs whose process died mid-way (``running`` but gone) as ``incomplete``.

    A run killed by SIGKILL or a power cut never reaches its final status. Its
    directory and everything it wrote are kept; only ``provenance.json`` gains
    ``status: incomplete`` and a note. Runs on another host are left alone.
    Returns the run directories marked now.
    """
    root = paths.runs / check_cycle_id(cycle) if cycle else paths.runs
    marked: list[Path] = []
    if not root.exists():
        return marked
    from pdcakit.run.resultsfile import read_provenance

    for prov_path in sorted(root.rglob("provenance.json")):
        prov = read_provenance(prov_path.parent)
        if (prov is None or prov.get("status") != "running"
                or prov.get("host") != socket.gethostname()):
            continue
        pid = prov.get("pid")
        if isinstance(pid, int) and _process_alive(pid):
            continue
        prov.update(status="incomplete",
                    error="the run stopped before it finished (process ended mid-way); "
                    "its outputs so far are kept")
        atomic_write_json(prov_path, prov)
        marked.append(prov_path.parent)
    return marked


def last_durations(paths: ProjectPaths, cycle: str, stages: Sequence[str]) -> dict[str, float]:
    """Seconds the latest successful run of each of ``stages`` took (stages never run: absent).

    The latest successful run is :func:`pdcakit.run.resultsfile.latest_run`'s, the one rule
    every reader uses.
    """
    from pdcakit.run.resultsfile import latest_run

    found: dict[str, float] = {}
    for stage in stages:
        run = latest_run(paths, cycle, stage, read=False)
        seconds = run.provenance.get("duration_seconds") if run is not None else None
        if seconds:
            found[stage] = float(seconds)
    return found


def run_stage(
    cycle: str,
    stage: str,
    parameters: dict[str, Any] | None = None,
    *,
    paths: ProjectPaths | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    timeout: int = 1800,
    render_html: bool = True,
    kernel_ports: Sequence[int] | None = None,
    kernel: SharedKernel | None = None,
) -> RunResult:
    """Execute the ``stage`` notebook for ``cycle`` with ``parameters``.

    Parameter values may be text (as typed on a command line): they are
    checked against the template's declared parameters and converted to
    the declared types. File parameters (``*_path``, a ``mapping`` file) are
    resolved against ``base_dir`` (default: the current directory); the kernel
    starts in the notebooks folder without changing this process's working
    directory, so runs side by side never see each other's.

    ``kernel_ports`` (five ports from :func:`free_ports`) pins the kernel's
    ports: kernels started side by side otherwise each pick "free" ports on their
    own and can pick the same one ("Address already in use"). ``kernel`` runs the
    notebook in a kernel shared with other runs (:class:`~pdcakit.run.engine.SharedKernel`;
    its ports are its own) instead of a new one.

    Returns a :class:`RunResult`; a failing notebook does not raise but
    returns ``status="failed"`` with a one-line ``error``.
    """
    executed = execute_run(cycle, stage, parameters, paths=paths, base_dir=base_dir,
                           timeout=timeout, kernel_ports=kernel_ports, kernel=kernel)
    return finish_run(executed, render_html=render_html)


@dataclass(frozen=True)
class ExecutedRun:
    """A run whose notebook has executed (or failed) but whose HTML and final status are
    still to be written by :func:`finish_run`."""

    cycle: str
    stage: str
    run_dir: Path
    notebook: Path
    results: Path
    parameters: dict[str, Any]
    provenance: dict[str, Any]
    ended: datetime
    error: str | None


def execute_run(
    cycle: str,
    stage: str,
    parameters: dict[str, Any] | None = None,
    *,
    paths: ProjectPaths | None = None,
    base_dir: str | os.PathLike[str] | None = None,
    timeout: int = 1800,
    kernel_ports: Sequence[int] | None = None,
    kernel: SharedKernel | None = None,
    progress: bool = True,
) -> ExecutedRun:
    """The first half of :func:`run_stage`: run directory, parameters, provenance
    (``running``) and the notebook's execution. A kernel shared by several runs can
    go on to its next notebook while :func:`finish_run` renders this one. ``progress``:
    a run longer than a few seconds names each section it enters on stderr
    (:class:`pdcakit.run.engine.SectionProgress`), in the run's ``language``."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    check_cycle_id(cycle)
    check_stage(stage)
    paths = paths or ProjectPaths.find()
    template = paths.template(stage)
    declared = declared_parameters(template)
    values = coerce_parameters(dict(parameters or {}), declared)
    values = resolve_paths(values, Path(base_dir or Path.cwd()))

    run_dir = _new_run_dir(paths.runs / cycle / stage, utc_stamp())
    notebook_out = run_dir / f"{stage}.ipynb"
    results_path = run_dir / "results.json"
    if "results_path" in declared:
        values["results_path"] = str(results_path)
    atomic_write_yaml(run_dir / "params.yaml", values)

    started = datetime.now(UTC)
    provenance: dict[str, Any] = {
        "cycle": cycle,
        "stage": stage,
        "status": "running",
        "template": _relative_or_absolute(template, paths.root),
        "template_sha256": sha256_file(template),
        "template_source": ("the workbook's own copy" if paths.is_adapted(stage)
                            else "the installed template"),
        "started_at": started.isoformat(),
        "ended_at": None,
        "duration_seconds": None,
        "error": None,
        "parameters": values,
        "inputs": _input_checksums(values),
        "tool": {"name": "pdca-workbook", "version": __version__},
        "git": git_state(paths.root, ignore=(paths.runs, paths.record(cycle))),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": _package_versions(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
    }
    provenance["data_sha256"] = {name: entry["sha256"]  # the earlier field, kept for readers
                                 for name, entry in provenance["inputs"].items()}
    atomic_write_json(run_dir / "provenance.json", provenance)

    error: str | None = None
    try:
        shared = kernel.engine_arguments() if kernel is not None else {}
        # cwd=None: papermill would os.chdir() the whole process (every thread) while the
        # notebook runs; nbclient starts the kernel in the workbook's root instead.
        shared.setdefault("resources", {"metadata": {"path": str(paths.root)}})
        papermill.execute_notebook(
            str(template), str(notebook_out), parameters=values, kernel_name="python3",
            cwd=None, progress_bar=False, execution_timeout=timeout,
            log_output=False, report_mode=False, engine_name=register_engine(),
            config=kernel_config(kernel_ports), section_progress=_progress(stage, values)
            if progress else None, **shared,
        )
    except PapermillExecutionError as exc:
        error = _one_line(exc)
    except Exception as exc:  # kernel died, timeout, bad template: keep the run, mark it failed
        error = _one_line(exc)

    return ExecutedRun(cycle=cycle, stage=stage, run_dir=run_dir, notebook=notebook_out,
                       results=results_path, parameters=values, provenance=provenance,
                       ended=datetime.now(UTC), error=error)


class _PageProgress(SectionProgress):
    """Section lines naming each section by the heading its page shows: in another
    language than English the notebook's headings are translated as the page's are
    (:func:`pdcakit.words.notebooks.translate_markdown`, numbered "1. The data" as the
    catalogue holds them) before the section titles are read.

    >>> import io
    >>> from nbformat.v4 import new_markdown_cell
    >>> out = io.StringIO()
    >>> progress = _PageProgress("compare", stream=out, after_seconds=0, language="zh-CN",
    ...                          clock=lambda: 0.0)
    >>> progress.start([new_markdown_cell("## 1. The data")])
    >>> progress.cell_started(0)
    >>> out.getvalue()
    '对比：第 1/1 节 数据 ……\\n'
    """

    def start(self, cells: Sequence[Any]) -> None:
        from pdcakit.words.notebooks import translate_markdown

        if self.language != "en":
            cells = [{**cell, "source": translate_markdown(str(cell.get("source", "")),
                                                           self.language)}
                     if cell.get("cell_type") == "markdown" else cell for cell in cells]
        super().start(cells)


def _progress(stage: str, values: dict[str, Any]) -> SectionProgress:
    """The section lines of a run, in its ``language`` parameter's language (else English)."""
    from pdcakit.words import LANGUAGES

    language = values.get("language")
    return _PageProgress(stage, language=language if language in LANGUAGES else "en")


def finish_run(executed: ExecutedRun, *, render_html: bool = True) -> RunResult:
    """The second half of :func:`run_stage`: HTML for reviewers and the final status."""
    import nbformat

    run = executed
    error = run.error
    duration = (run.ended - datetime.fromisoformat(run.provenance["started_at"])).total_seconds()
    html_path: Path | None = None
    nb = None
    if run.notebook.exists():
        try:
            nb = nbformat.read(run.notebook, as_version=4)
        except Exception as exc:  # a write cut short (a full disk) leaves half a notebook
            error = (f"{error}; " if error else "") + (
                f"the executed notebook {run.notebook.name} could not be read "
                f"({_one_line(exc)}): was the disk full? Free space and run the stage again")
    if nb is not None:
        duration = nb.metadata.get("papermill", {}).get("duration") or duration
        failure = describe_failure(nb) if error else None
        if failure is not None:  # named by its section, not papermill's cell index
            error = failure.sentence
        if render_html:
            shown = nb if failure is None else page_for_failed_run(
                nb, failure, stage=run.stage, cycle=run.cycle)
            try:
                html_path = notebook_to_html(shown, run.run_dir / f"{run.stage}.html",
                                             title=f"{run.cycle} · {run.stage}",
                                             facts=page_facts(run.run_dir))
            except Exception as exc:  # rendering must not hide the run's own outcome
                error = error or f"HTML rendering failed: {_one_line(exc)}"
    elif error is None:
        error = "papermill wrote no output notebook"  # the run is kept, marked failed

    status = "failed" if error else "succeeded"
    provenance = {
        **run.provenance, "status": status, "ended_at": run.ended.isoformat(),
        "duration_seconds": duration, "error": error,
        "outputs": sorted(p.name for p in run.run_dir.iterdir() if not p.name.startswith(".")),
    }
    atomic_write_json(run.run_dir / "provenance.json", provenance)
    return RunResult(
        cycle=run.cycle, stage=run.stage, run_dir=run.run_dir, status=status,
        notebook=run.notebook, html=html_path,
        results=run.results if run.results.exists() else None, error=error,
        duration_seconds=duration, parameters=run.parameters,
    )

