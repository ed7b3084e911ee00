"""How a run drives its kernel: papermill's nbclient engine, saving less often, and the
kernel's settings.

Papermill writes the whole output notebook (serialized and schema-validated) when it
starts and when it finishes every cell: about 50 writes of a growing notebook with
its charts for a stage notebook, 1 s of CPU in the driving process per notebook
(measured on the compare stage), paid again by each stage run side by side. The
``pdcakit`` engine keeps papermill's execution and metadata as they are and writes
the notebook when execution starts, at most every :data:`SAVE_EVERY_SECONDS` while
cells run, and when it ends, failed or not (papermill then writes it once more,
with its error banner when a cell failed). A run killed mid-way keeps a notebook
at most that many seconds behind.

Stages run side by side share kernels when there are more stages than cores
(:class:`SharedKernel`): a kernel's start and the imports of the libraries, the
largest fixed cost of a stage, are then paid once per core, not once per stage.

>>> ENGINE_NAME
'pdcakit'
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["ENGINE_NAME", "RESET_CODE", "SAVE_EVERY_SECONDS", "SharedKernel", "kernel_config",
           "plan_kernels", "register_engine"]

ENGINE_NAME = "pdcakit"
SAVE_EVERY_SECONDS = 5.0


def kernel_config(kernel_ports: Sequence[int] | None = None) -> Any:
    """nbclient / jupyter_client settings for one run's kernel (a traitlets Config).

    The kernel's own log is kept to critical messages: ipykernel 7 otherwise prints
    "Kernel is running over TCP without encryption" at every start (the kernel
    listens on 127.0.0.1 only) and "KeyboardInterrupt caught in kernel" when it is
    shut down, which bury a command's real output. A failing cell still fails the
    run with its error, and a dying kernel's traceback still reaches stderr.
    ``kernel_ports`` pins the five ports (kernels started side by side otherwise
    each pick "free" ports on their own and can pick the same one).

    >>> kernel_config([1, 2, 3, 4, 5])["KernelManager"]["hb_port"]
    4
    """
    from traitlets.config import Config

    settings: dict[str, Any] = {
        "NotebookClient": {"extra_arguments": ["--IPKernelApp.log_level=CRITICAL"]}}
    if kernel_ports:
        names = ("shell_port", "iopub_port", "stdin_port", "hb_port", "control_port")
        settings["KernelManager"] = dict(zip(names, kernel_ports, strict=True))
    return Config(settings)


def register_engine() -> str:
    """Register the ``pdcakit`` engine with papermill (once) and return its name."""
    from papermill.engines import papermill_engines

    if ENGINE_NAME not in papermill_engines._engines:
        papermill_engines.register(ENGINE_NAME, _engine_class())
    return ENGINE_NAME


def _engine_class() -> type:
    from papermill.engines import NBClientEngine, NotebookExecutionManager

    class ThrottledSaves(NotebookExecutionManager):
        """papermill's manager, writing the notebook at start, end and every few seconds."""

        _must_save = True  # the next save is the start's or the end's

        def save(self, **kwargs: Any) -> None:
            waited = (self.now() - self.last_save_time).total_seconds()
            if self._must_save or waited >= SAVE_EVERY_SECONDS:
                super().save(**kwargs)
            self._must_save = False

        def notebook_start(self, **kwargs: Any) -> None:
            self._must_save = True
            super().notebook_start(**kwargs)

        def notebook_complete(self, **kwargs: Any) -> None:
            self._must_save = True
            super().notebook_complete(**kwargs)

    class PdcakitEngine(NBClientEngine):
        """nbclient execution with :class:`ThrottledSaves` (papermill's Engine otherwise)."""

        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             progress_bar: bool = True, log_output: bool = False,
                             autosave_cell_every: int = 30, **kwargs: Any) -> Any:
            manager = ThrottledSaves(nb, output_path=output_path, progress_bar=progress_bar,
                                     log_output=log_output,
                                     autosave_cell_every=autosave_cell_every)
            manager.notebook_start()
            try:
                cls.execute_managed_notebook(manager, kernel_name, log_output=log_output,
                                             **kwargs)
            finally:
                manager.cleanup_pbar()
                manager.notebook_complete()
            return manager.nb

    return PdcakitEngine


# Run in a shared kernel between two notebooks: the next one starts from an empty
# namespace (imports stay loaded: that is the point), no open figures, the warning
# filters and working directory of a fresh kernel and its cells numbered from 1, as in a
# kernel of its own.
RESET_CODE = """\
import matplotlib.pyplot as _plt, os as _os, warnings as _warnings
_os.chdir(__pdcakit_fresh_cwd)
_plt.close("all")
_warnings.resetwarnings()
_warnings.filters[:] = __pdcakit_fresh_filters
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
"""
_SNAPSHOT_CODE = """\
import builtins as _builtins, os as _os, warnings as _warnings
_builtins.__pdcakit_fresh_filters = list(_warnings.filters)
_builtins.__pdcakit_fresh_cwd = _os.getcwd()
del _builtins, _os, _warnings
"""


class SharedKernel:
    """One kernel that runs several notebooks, one after another, in one thread.

    Started (in ``cwd``, with :func:`kernel_config`) for the first notebook; before
    each later one :data:`RESET_CODE` runs; a kernel that died is replaced by a new
    one. :meth:`close` shuts it down. All calls happen in the thread that uses it
    (the kernel manager's event loop is that thread's).
    """

    def __init__(self, cwd: str | os.PathLike[str],
                 kernel_ports: Sequence[int] | None = None) -> None:
        self.cwd = str(cwd)
        self.kernel_ports = kernel_ports
        self.manager: Any = None
        self.notebooks_run = 0

    def start(self) -> None:
        """Start the kernel now rather than with the first notebook (no-op if running)."""
        if self.manager is None:
            self._start()

    def engine_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``papermill.execute_notebook`` to run in this kernel."""
        from jupyter_core.utils import run_sync

        if self.manager is not None and not run_sync(self.manager.is_alive)():
            self.close()  # died in the previous notebook: the next one gets a new kernel
        if self.manager is None:
            self._start()
        elif self.notebooks_run:
            self._execute(RESET_CODE)
        self.notebooks_run += 1
        return {"km": self.manager}

    def _start(self) -> None:
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync

        config = kernel_config(self.kernel_ports)
        manager = AsyncKernelManager(kernel_name="python3", config=config)
        arguments = [*config.NotebookClient.extra_arguments,
                     "--HistoryManager.hist_file=:memory:"]  # as nbclient starts kernels
        run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=self.cwd)
        self.manager, self.notebooks_run = manager, 0
        self._execute(_SNAPSHOT_CODE)

    def _execute(self, code: str) -> None:
        from jupyter_core.utils import run_sync

        client = self.manager.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            reply = run_sync(client.execute_interactive)(
                code, silent=True, store_history=False, timeout=60, output_hook=lambda _: None)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError("could not prepare the shared kernel: "
                               f"{content.get('ename')}: {content.get('evalue')}")

    def close(self) -> None:
        """Stop the kernel (nothing to do if none was started).

        It is idle with nothing to keep (each notebook is saved by the driver, its
        history is in memory), so it is stopped at once rather than asked to exit
        and waited for (about 1 s, on the critical path of the last stage).
        """
        from jupyter_core.utils import run_sync

        manager, self.manager = self.manager, None
        if manager is None or not manager.has_kernel:
            return
        try:
            run_sync(manager.shutdown_kernel)(now=True)
        finally:
            run_sync(manager.cleanup_resources)()


def plan_kernels(stages: Sequence[str], weights: Mapping[str, float] | None = None,
                 cores: int | None = None) -> list[list[str]]:
    """Group ``stages`` onto at most ``cores`` kernels, balancing their expected time.

    Longest first, each to the least loaded kernel (``weights``: e.g. the last
    run's seconds; 1 each when unknown); each group keeps the given stage order.

    >>> plan_kernels(["baseline", "compare", "efficiency"], cores=2)
    [['baseline', 'efficiency'], ['compare']]
    >>> plan_kernels(["baseline", "compare", "efficiency"], cores=8)
    [['baseline'], ['compare'], ['efficiency']]
    >>> plan_kernels(["baseline", "compare", "efficiency"],
    ...              {"baseline": 9, "compare": 12, "efficiency": 9}, cores=2)
    [['compare'], ['baseline', 'efficiency']]
    """
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
            os.cpu_count() or 1)
    count = max(1, min(len(stages), cores))
    weight = {stage: float((weights or {}).get(stage) or 1.0) for stage in stages}
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for stage in sorted(stages, key=lambda s: -weight[s]):  # stable: ties keep their order
        target = loads.index(min(loads))
        groups[target].append(stage)
        loads[target] += weight[stage]
    order = {stage: i for i, stage in enumerate(stages)}
    return [sorted(group, key=order.__getitem__) for group in groups if group]
