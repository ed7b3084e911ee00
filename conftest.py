"""Project-wide pytest configuration: nbval compares notebook outputs, not their stderr;
one `pdca demo` run shared by the command-line and browser tests; `make test` on every core.

ipykernel 7 prints "Kernel is running over TCP without encryption" to stderr
at every start; warnings from libraries also land there. Both are noise for
a reviewer's outputs, so stderr is left out of nbval's comparison.

`make test` runs the suite on every core with pytest-xdist, ``--dist loadfile``: each
test file runs whole on one worker, as a plain run runs it, so a notebook's cells
share one kernel and run in order (nbval) and a module-scoped fixture (a stage run,
a chromium) is built once. Other modes would split a notebook's cells over workers
(``load``, ``worksteal``) or do so silently (``loadgroup`` with pytest 9.2, whose node
ids xdist 3.8 can no longer tag with a group), so they are refused. Files are queued
heaviest first (notebooks, then files with slow tests) so that no long file starts
last on one core while the other idles. The `pdca demo` project is built once per
test run, by the first worker that needs it, under a file lock, and read by all; it is
a committed git checkout, as `make demo` runs in one (tests/test_git_state.py reads it).
Each worker's BLAS uses one thread and its OpenMP threads do not spin (the
workers already fill the cores).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import fcntl  # the lock that lets xdist workers share one demo project (POSIX)
except ImportError:  # Windows: each worker builds its own
    fcntl = None

#: Under xdist each worker has a core: its BLAS (and the kernels it starts, which inherit
#: the environment) computes in one thread, and numba's OpenMP threads sleep when they
#: wait instead of spinning. Two workers each spinning two OpenBLAS threads on two cores
#: made one 1,000 x 70 least-squares fit ten times slower (3.1 s against 0.3 s,
#: tests/test_did.py); spinning OpenMP threads doubled the CPU time of the duration null
#: simulation (0.75 s against 0.40 s for 30 runs). Set before numpy or numba load here;
#: numba's thread count is left alone (tests/test_fast_paths.py varies it).
WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                      "OMP_WAIT_POLICY": "PASSIVE"}
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name, _value in WORKER_ENVIRONMENT.items():
        os.environ.setdefault(_name, _value)


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        # SVG text depends on font metrics: the figure's text/plain repr is compared instead
        collector.skip_compare += ("stderr", "image/svg+xml")


#: xdist modes that keep each notebook's cells on one worker, in order.
WHOLE_FILE_MODES = ("loadfile", "loadscope")


def pytest_configure(config):
    dist = getattr(config.option, "dist", "no")
    if getattr(config.option, "numprocesses", None) and dist not in ("no", *WHOLE_FILE_MODES):
        raise pytest.UsageError(
            f"--dist {dist} would run a notebook's cells on different workers (nbval needs "
            "them in order, in one kernel): use `make test`, or -n auto --dist loadfile")


def queue_rank(item: pytest.Item) -> int:
    """Where an item's file is queued under xdist: 0 a notebook, 1 slow, 2 the rest.

    >>> class Cell:  # an nbval cell: no marks of its own
    ...     nodeid = "notebooks/compare.ipynb::Cell 3"
    >>> queue_rank(Cell())
    0
    """
    if item.nodeid.split("::", 1)[0].endswith(".ipynb"):
        return 0
    return 1 if item.get_closest_marker("slow") else 2


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # a plain run keeps its order
        return
    # every worker sorts the same collection the same way (the controller checks), and
    # stably: a file keeps its order and is never split, its rank being its heaviest item's
    rank: dict[str, int] = {}
    for item in items:
        file = item.nodeid.split("::", 1)[0]
        rank[file] = min(rank.get(file, 2), queue_rank(item))
    items.sort(key=lambda item: rank[item.nodeid.split("::", 1)[0]])


ROOT = Path(__file__).resolve().parent
#: Debian's chromium, driven by playwright (nothing downloaded); .ci/run installs it.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for the page tests (skipped where chromium is not installed)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo_project(request, tmp_path_factory):
    """`pdca demo` run once in a throwaway copy of the project: (paths, printed output).

    Under xdist the workers share one copy: the first to need it builds it while holding
    a lock, the others wait and read it (its readers only read; a test that runs stages
    on it runs them in a copy of its own).
    """
    from pdcakit.run.project import ProjectPaths

    shared = tmp_path_factory.getbasetemp()
    if fcntl is not None and hasattr(request.config, "workerinput"):
        shared = shared.parent  # the run's basetemp, which holds each worker's own
    made = built_once(shared, "demo-project", _run_demo)
    assert made["code"] == 0, made["out"]
    return ProjectPaths(shared / "demo-project"), made["out"]


def built_once(shared: Path, name: str, build: Callable[[Path], dict]) -> dict:
    """``build(shared / name)`` run once by all the processes that share ``shared``.

    The first caller builds while holding the lock ``shared/name.lock`` and keeps what
    ``build`` returned (JSON) in ``shared/name.json``; the others wait for the lock and
    read it. A folder left by a build that stopped half-way is built again.

    >>> import tempfile
    >>> calls = []
    >>> def build(folder):
    ...     calls.append(folder.name)
    ...     return {"built": folder.name}
    >>> shared = Path(tempfile.mkdtemp())
    >>> built_once(shared, "demo", build) == built_once(shared, "demo", build)
    True
    >>> calls
    ['demo']
    """
    folder, record = shared / name, shared / f"{name}.json"
    with _locked(shared / f"{name}.lock"):
        if not record.exists():
            if folder.exists():
                shutil.rmtree(folder)
            record.write_text(json.dumps(build(folder)), encoding="utf-8")
    return json.loads(record.read_text(encoding="utf-8"))


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path`` (where there is no fcntl, nothing is shared)."""
    if fcntl is None:
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_demo(root: Path) -> dict:
    """`pdca demo` in a fresh copy of the project's folders at ``root``: its code and output."""
    from pdcakit import cli

    root.mkdir(parents=True)
    for folder in ("notebooks", "pdca", "data"):
        shutil.copytree(ROOT / folder, root / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", ".*.lock"))
    (root / "runs").mkdir()
    (root / "runs" / "README.md").write_text("Runs land here.\n", encoding="utf-8")
    _commit_all(root)
    before = Path.cwd()
    out = io.StringIO()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(["demo"])
    finally:
        os.chdir(before)
    return {"code": code, "out": out.getvalue()}


def _commit_all(root: Path) -> None:
    """``root`` made a git repository with everything in it committed (a fresh checkout)."""
    for args in (("init", "-q"), ("add", "."), ("commit", "-q", "-m", "checkout")):
        subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                        "-c", "commit.gpgsign=false", *args], cwd=root, check=True,
                       capture_output=True)
