"""`make test` on every core (issue 29): the machinery in the root conftest.py that lets
pytest-xdist run the suite in parallel without two workers colliding.

- a notebook's cells stay on one worker, in order (nbval runs them in one kernel):
  only ``--dist loadfile`` / ``loadscope`` are accepted, and `make test` uses one;
- files are queued heaviest first and never split;
- the `pdca demo` project is built once per run, whichever workers ask for it at once.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import conftest as suite
import pytest

ROOT = Path(__file__).resolve().parents[1]


class FakeItem:
    """What the queueing reads of a collected test: its node id and its marks."""

    def __init__(self, nodeid: str, *marks: str):
        self.nodeid, self.marks = nodeid, marks

    def get_closest_marker(self, name: str):
        return name if name in self.marks else None


def _queued(items: list[FakeItem], worker: bool = True) -> list[str]:
    config = SimpleNamespace(workerinput={"workerid": "gw0"}) if worker else SimpleNamespace()
    suite.pytest_collection_modifyitems(config, items)
    return [item.nodeid for item in items]


COLLECTED = [
    FakeItem("tests/test_fileio.py::test_atomic_write"),
    FakeItem("tests/test_runner.py::test_cli_help"),
    FakeItem("tests/test_runner.py::test_demo_walks_the_cycle", "slow"),
    FakeItem("tests/test_runner.py::TestRun::test_html"),
    FakeItem("tests/test_yamltext.py::test_bounds"),
    FakeItem("notebooks/compare.ipynb::Cell 0"),
    FakeItem("notebooks/compare.ipynb::Cell 1"),
    FakeItem("notebooks/baseline.ipynb::Cell 0"),
]


def test_workers_queue_notebooks_then_slow_files_each_file_whole_and_in_order():
    assert _queued(list(COLLECTED)) == [
        "notebooks/compare.ipynb::Cell 0",
        "notebooks/compare.ipynb::Cell 1",
        "notebooks/baseline.ipynb::Cell 0",
        # the whole file goes where its slowest test goes, its order kept
        "tests/test_runner.py::test_cli_help",
        "tests/test_runner.py::test_demo_walks_the_cycle",
        "tests/test_runner.py::TestRun::test_html",
        "tests/test_fileio.py::test_atomic_write",
        "tests/test_yamltext.py::test_bounds",
    ]


def test_a_plain_run_keeps_the_collection_order():
    assert _queued(list(COLLECTED), worker=False) == [item.nodeid for item in COLLECTED]


@pytest.mark.parametrize("dist", ["load", "worksteal", "loadgroup", "each"])
def test_modes_that_would_split_a_notebooks_cells_are_refused(dist):
    config = SimpleNamespace(option=SimpleNamespace(numprocesses=2, dist=dist))
    with pytest.raises(pytest.UsageError, match=f"--dist {dist} would run a notebook's cells"):
        suite.pytest_configure(config)


@pytest.mark.parametrize(("workers", "dist"), [(2, "loadfile"), (2, "loadscope"), (0, "load"),
                                               (None, "no")])
def test_modes_that_keep_a_notebook_whole_and_plain_runs_are_accepted(workers, dist):
    suite.pytest_configure(SimpleNamespace(option=SimpleNamespace(numprocesses=workers,
                                                                  dist=dist)))


def test_make_test_runs_in_parallel_in_a_mode_that_keeps_notebooks_whole():
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(),
                       flags=re.MULTILINE).group(1)
    pytest_line = next(line for line in recipe.splitlines() if "-m pytest" in line)
    assert re.search(r"-n \S+", pytest_line)
    assert re.search(r"--dist (\w+)", pytest_line).group(1) in suite.WHOLE_FILE_MODES
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.skipif(suite.fcntl is None, reason="the shared build needs fcntl's lock")
def test_two_workers_asking_at_once_build_once_and_read_the_same(tmp_path):
    built: list[str] = []
    start = threading.Barrier(3)

    def build(folder: Path) -> dict:
        built.append(folder.name)
        folder.mkdir()
        time.sleep(0.5)  # long enough for the other worker to ask meanwhile
        (folder / "done").write_text("yes")
        return {"out": "demo output"}

    got: list[dict] = []

    def worker() -> None:
        start.wait()
        got.append(suite.built_once(tmp_path, "demo-project", build))
        assert (tmp_path / "demo-project" / "done").read_text() == "yes"  # never half-built

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert built == ["demo-project"]
    assert got == [{"out": "demo output"}] * 3


def test_a_folder_left_half_built_is_built_again(tmp_path):
    (tmp_path / "demo-project").mkdir()
    (tmp_path / "demo-project" / "partial.ipynb").write_text("{")

    def build(folder: Path) -> dict:
        assert not folder.exists()
        folder.mkdir()
        return {"code": 0}

    assert suite.built_once(tmp_path, "demo-project", build) == {"code": 0}
