"""The run engine: kernels shared by stages run side by side, and papermill's saves
thinned out. Notebooks here are tiny and built in place; the stage notebooks are
covered end to end by tests/test_runner.py (the demo's executed notebooks equal the
templates, which run alone)."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from pdcakit.run.engine import SAVE_EVERY_SECONDS, SharedKernel, plan_kernels, register_engine

pytestmark = pytest.mark.slow


def notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def execute(source, out, kernel=None, **kwargs):
    extra = kernel.engine_arguments() if kernel is not None else {}
    return papermill.execute_notebook(str(source), str(out), kernel_name="python3",
                                      progress_bar=False, engine_name=register_engine(),
                                      cwd=str(source.parent), **extra, **kwargs)


def printed(nb):
    return [json.loads("".join(o["text"])) for c in nb.cells for o in c.outputs
            if o.get("name") == "stdout"]


def test_two_notebooks_share_one_kernel_and_the_second_starts_clean(tmp_path):
    first = notebook(tmp_path / "a.ipynb",
                     "import json, os, warnings\nleft_over = 1\nwarnings.simplefilter('error')\n"
                     "os.chdir(os.path.expanduser('~'))",
                     "print(json.dumps({'pid': os.getpid()}))")
    second = notebook(tmp_path / "b.ipynb",
                      "import json, os, warnings\n"
                      "print(json.dumps({'pid': os.getpid(), 'left_over': 'left_over' in dir(),"
                      " 'error_filter': ('error', None, Warning, None, 0) in warnings.filters,"
                      " 'cwd': os.getcwd()}))")
    kernel = SharedKernel(tmp_path)
    try:
        a = execute(first, tmp_path / "a-out.ipynb", kernel)
        b = execute(second, tmp_path / "b-out.ipynb", kernel)
    finally:
        kernel.close()
    (seen_a,), (seen_b,) = printed(a), printed(b)
    assert seen_a["pid"] == seen_b["pid"]  # one kernel: its start and imports paid once
    assert not seen_b["left_over"]  # the namespace was reset
    assert not seen_b["error_filter"]  # warning filters are a fresh kernel's
    assert seen_b["cwd"] == str(tmp_path)
    assert [c.execution_count for c in b.cells] == [1]  # numbered as in a kernel of its own
    assert kernel.manager is None


def test_a_kernel_that_died_is_replaced_for_the_next_notebook(tmp_path):
    dies = notebook(tmp_path / "dies.ipynb", "import os\nos._exit(3)")
    fine = notebook(tmp_path / "fine.ipynb",
                    "import json, os\nprint(json.dumps({'pid': os.getpid()}))")
    kernel = SharedKernel(tmp_path)
    try:
        with pytest.raises(Exception):  # noqa: B017 - nbclient's DeadKernelError, via papermill
            execute(dies, tmp_path / "dies-out.ipynb", kernel)
        dead_pid = kernel.manager.provisioner.pid
        (seen,) = printed(execute(fine, tmp_path / "fine-out.ipynb", kernel))
    finally:
        kernel.close()
    assert seen["pid"] != dead_pid


def test_papermill_saves_at_start_and_end_not_after_every_cell(tmp_path, monkeypatch):
    import papermill.engines

    writes = []
    original = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb",
                        lambda nb, path: (writes.append(path), original(nb, path)))
    cells = [f"x{i} = {i}" for i in range(30)]
    execute(notebook(tmp_path / "many.ipynb", *cells), tmp_path / "many-out.ipynb")
    # papermill's own engine writes 61 times here (start, and each cell's start and end)
    assert 2 <= len(writes) <= 2 + 30 * 0.1 / SAVE_EVERY_SECONDS + 2


def test_a_failing_cell_still_leaves_the_notebook_with_its_error(tmp_path):
    failing = notebook(tmp_path / "fails.ipynb", "a = 1", "raise ValueError('bad input')",
                       "b = 2")
    out = tmp_path / "fails-out.ipynb"
    with pytest.raises(PapermillExecutionError):
        execute(failing, out)
    saved = nbformat.read(out, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in saved.cells for o in c.get("outputs", []))


def test_plan_puts_at_most_one_kernel_per_core_and_balances_by_duration():
    assert plan_kernels(["a", "b", "c", "d"], cores=2) == [["a", "c"], ["b", "d"]]
    assert plan_kernels(["a", "b", "c"], {"a": 10, "b": 1, "c": 1}, cores=2) == [["a"], ["b", "c"]]
    assert plan_kernels(["a"], cores=4) == [["a"]]
    assert plan_kernels(["a", "b"], cores=1) == [["a", "b"]]
