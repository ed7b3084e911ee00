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

A long run says where it is: once a notebook has run for :data:`PROGRESS_AFTER_SECONDS`,
each ``##`` section it enters is named in one line on the terminal (the driving
process's stderr, never the page), e.g. ``compare: section 4/8 Distributions before
and after ...`` (:class:`SectionProgress`). Short runs print nothing.

>>> ENGINE_NAME
'pdcakit'
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

__all__ = ["ENGINE_NAME", "PROGRESS_AFTER_SECONDS", "RESET_CODE", "SAVE_EVERY_SECONDS",
           "SectionProgress", "SharedKernel", "kernel_config", "notebook_sections",
           "plan_kernels", "register_engine"]

ENGINE_NAME = "pdcakit"
SAVE_EVERY_SECONDS = 5.0
#: A run prints which section it is in once it has run this long (kernel start included).
PROGRESS_AFTER_SECONDS = 4.0

_SECTION = re.compile(r"^##\s+(.+?)\s*#*\s*$")
_NUMBERED = re.compile(r"^\d+\.\s+")


def notebook_sections(cells: Sequence[Any]) -> dict[int, tuple[int, int, str]]:
    """Cell index -> (number, of how many, title) for the Markdown cells that open a
    ``##`` section (the page's sections; a title's own "4. " and emphasis marks left out).

    >>> from nbformat.v4 import new_code_cell, new_markdown_cell
    >>> notebook_sections([new_markdown_cell("# Check\\n## 1. The data"), new_code_cell("x"),
    ...                    new_markdown_cell("## 2. *Verdict* for every KPI"),
    ...                    new_markdown_cell("### Why each test")])
    {0: (1, 2, 'The data'), 2: (2, 2, 'Verdict for every KPI')}
    """
    found: list[tuple[int, str]] = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        for line in str(cell.get("source", "")).splitlines():
            match = _SECTION.match(line)
            if match:
                found.append((index, _NUMBERED.sub("", re.sub(r"[*_`]", "", match.group(1)))))
                break
    return {index: (number, len(found), title)
            for number, (index, title) in enumerate(found, start=1)}


class SectionProgress:
    """Lines naming the section a running notebook is in, for a terminal.

    :meth:`start` with the notebook's cells when it starts; :meth:`cell_started` as each
    cell starts. Once ``after_seconds`` (None: :data:`PROGRESS_AFTER_SECONDS`) have
    passed since the start, the section the
    current cell belongs to is written to ``stream`` (once per section); before that,
    nothing, so a short run stays silent. ``language`` words the line (``en``, ``zh-CN``).

    >>> import io
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell
    >>> clock = iter([0.0, 1.0, 1.5, 5.0, 5.2]).__next__
    >>> out = io.StringIO()
    >>> progress = SectionProgress("compare", stream=out, after_seconds=4.0, clock=clock)
    >>> progress.start([new_markdown_cell("## 1. The data"), new_code_cell("load()"),
    ...                 new_markdown_cell("## 2. Verdict for every KPI"), new_code_cell("v()")])
    >>> for index in range(4):
    ...     progress.cell_started(index)
    >>> out.getvalue()
    'compare: section 2/2 Verdict for every KPI ...\\n'
    """

    def __init__(self, stage: str, *, stream: TextIO | None = None,
                 after_seconds: float | None = None, language: str = "en",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stage = stage
        self.stream = stream
        self.after_seconds = after_seconds
        self.language = language
        self.clock = clock
        self._sections: dict[int, tuple[int, int, str]] = {}
        self._started = 0.0
        self._current: tuple[int, int, str] | None = None
        self._said: set[int] = set()

    def start(self, cells: Sequence[Any]) -> None:
        self._sections = notebook_sections(cells)
        self._started = self.clock()
        self._current, self._said = None, set()

    def cell_started(self, index: int) -> None:
        elapsed = self.clock() - self._started
        self._current = self._sections.get(index, self._current)
        if self._current is None or self._current[0] in self._said:
            return
        after = PROGRESS_AFTER_SECONDS if self.after_seconds is None else self.after_seconds
        if elapsed < after:
            return
        self._said.add(self._current[0])
        stream = self.stream if self.stream is not None else sys.stderr
        stream.write(self.line(*self._current) + "\n")
        stream.flush()

    def line(self, number: int, total: int, title: str) -> str:
        from pdcakit.words import words

        w = words(self.language)  # the heading as the zh-CN page shows it (catalogue)
        return w._("{stage}: section {number}/{total} {title} ...", stage=w._(self.stage),
                   number=number, total=total, title=w._(title))


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
        progress: SectionProgress | None = None

        def cell_start(self, cell: Any, cell_index: Any = None, **kwargs: Any) -> None:
            if self.progress is not None and cell_index is not None:
                self.progress.cell_started(cell_index)
            super().cell_start(cell, cell_index, **kwargs)

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
        """nbclient execution with :class:`ThrottledSaves` (papermill's Engine otherwise);
        ``section_progress`` names the sections on the terminal as they start."""

        @classmethod
        def execute_notebook(cls, nb: Any, kernel_name: str, output_path: Any = None,
                             progress_bar: bool = True, log_output: bool = False,
                             autosave_cell_every: int = 30,
                             section_progress: SectionProgress | None = None,
                             **kwargs: Any) -> Any:
            manager = ThrottledSaves(nb, output_path=output_path, progress_bar=progress_bar,
                                     log_output=log_output,
                                     autosave_cell_every=autosave_cell_every)
            if section_progress is not None:
                section_progress.start(manager.nb.cells)
                manager.progress = section_progress
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
