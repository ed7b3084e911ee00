"""Old module paths from before the package was laid out in wings, still importable.

Until 0.1 the stage, run and tracker modules sat side by side at the top of ``pdcakit``; a
team's own notebooks may import them there (``from pdcakit.check import Windows``,
``from pdcakit import baseline``). Each old path now names the module that holds the same
names (:data:`MOVED`), found lazily by an import hook so nothing extra loads at start-up.
A path whose module was split (``pdcakit.check``) becomes a small module that looks each
name up in the modules that now hold it. Importing an old path warns
(:class:`DeprecationWarning`) with the new one.

>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     from pdcakit.cycle import read_cycle
>>> read_cycle.__module__
'pdcakit.tracker.record'
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "install"]

#: Old module path -> the module (or modules, for a split one) that now hold its names.
MOVED: dict[str, tuple[str, ...]] = {
    "pdcakit.baseline": ("pdcakit.stages.baseline",),
    "pdcakit.check": ("pdcakit.stages.compare", "pdcakit.stages.windows",
                      "pdcakit.stages.timeview", "pdcakit.stages.explore",
                      "pdcakit.stats.stratified"),
    "pdcakit.efficiency": ("pdcakit.stages.efficiency",),
    "pdcakit.money": ("pdcakit.stages.money",),
    "pdcakit.planning": ("pdcakit.stages.planning",),
    "pdcakit.segments": ("pdcakit.stages.segments",),
    "pdcakit.sections": ("pdcakit.stages.sections",),
    "pdcakit.show": ("pdcakit.stages.display",),
    "pdcakit.request": ("pdcakit.run.request",),
    "pdcakit.preflight": ("pdcakit.run.preflight",),
    "pdcakit.params": ("pdcakit.run.params",),
    "pdcakit.runner": ("pdcakit.run.runner",),
    "pdcakit.engine": ("pdcakit.run.engine",),
    "pdcakit.render": ("pdcakit.run.render",),
    "pdcakit.failure": ("pdcakit.run.failure",),
    "pdcakit.pagefacts": ("pdcakit.run.pagefacts",),
    "pdcakit.resultsfile": ("pdcakit.run.resultsfile",),
    "pdcakit.project": ("pdcakit.run.project",),
    "pdcakit.workbooks": ("pdcakit.run.workbooks",),
    "pdcakit.templates": ("pdcakit.run.templates",),
    "pdcakit.startup": ("pdcakit.run.startup",),
    "pdcakit.cycle": ("pdcakit.tracker.record",),
    "pdcakit.predictions": ("pdcakit.tracker.predictions",),
    "pdcakit.report": ("pdcakit.tracker.report",),
}


class _Split(types.ModuleType):
    """An old module split in several: each name is looked up in the new ones, in order."""

    def __init__(self, name: str, targets: tuple[str, ...]) -> None:
        super().__init__(name, f"Moved: the names of {name} now live in {', '.join(targets)}.")
        self._targets = targets

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        for target in self._targets:
            module = importlib.import_module(target)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r} "
                             f"(its names moved to {', '.join(self._targets)})")

    def __dir__(self) -> list[str]:
        names: set[str] = set()
        for target in self._targets:
            names.update(n for n in dir(importlib.import_module(target)) if not n.startswith("_"))
        return sorted(names)


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        targets = MOVED[spec.name]
        return _Split(spec.name, targets) if len(targets) > 1 else None

    def exec_module(self, module: types.ModuleType) -> None:
        targets = MOVED[module.__name__]
        warnings.warn(f"{module.__name__} moved to {' / '.join(targets)}; import it from there",
                      DeprecationWarning, stacklevel=2)
        if len(targets) == 1:
            # the import system returns what sys.modules holds after exec: the real module,
            # so the old and the new path are one object (monkeypatching either works)
            sys.modules[module.__name__] = importlib.import_module(targets[0])


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


def install() -> None:
    """Put the old-path hook on :data:`sys.meta_path` once (``pdcakit`` does on import)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
