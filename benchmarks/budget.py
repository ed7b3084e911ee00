#!/usr/bin/env python
"""The performance budget in its short form: each stage at 100k tickets as a ratio to the
floor F, against committed reference ratios (``benchmarks/budget_reference.json``).

F is measured in the same run as the stages (papermill executing a notebook that only
imports what the stages import, started as ``pdca`` starts it; see ``run.py``), so the
ratios hold on a slower or busier machine; absolute times are never compared. A stage
fails the budget when its ratio grows by more than half (``GROWTH``) against its
reference. On a shared machine one measurement can be slowed by a neighbour, so a stage
over the budget is measured again, F beside it, and the better of the two ratios counts.

``tests/test_bench_budget.py`` runs this in the normal suite (about a minute on 2
cores). ``python benchmarks/budget.py --write`` measures and writes new reference ratios
(after a change that makes a stage slower on purpose, say so in the commit).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "benchmarks" / "budget_reference.json"
SIZE = "100k"
STAGES = ("baseline", "compare", "efficiency")
#: A stage fails when its ratio to F exceeds its reference ratio times this.
GROWTH = 1.5


def _harness() -> Any:
    """``benchmarks/run.py`` as a module (its floor notebook, runner and data)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class StageRatio:
    """One stage's seconds, F's seconds measured beside it, and their ratio."""

    stage: str
    seconds: float
    floor_seconds: float
    ok: bool

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor_seconds


@dataclass(frozen=True)
class BudgetCheck:
    """A stage's measured ratio against its reference; over budget above ``GROWTH`` x."""

    stage: str
    ratio: float
    reference: float
    growth: float = GROWTH

    @property
    def limit(self) -> float:
        return self.reference * self.growth

    @property
    def within(self) -> bool:
        return self.ratio <= self.limit

    @property
    def sentence(self) -> str:
        """The check in one line.

        >>> BudgetCheck("compare", 4.5, 2.0).sentence
        'compare: 4.50 x F, reference 2.00 x F, limit 3.00 x F: OVER BUDGET'
        """
        verdict = "within budget" if self.within else "OVER BUDGET"
        return (f"{self.stage}: {self.ratio:.2f} x F, reference {self.reference:.2f} x F, "
                f"limit {self.limit:.2f} x F: {verdict}")


def check(measured: dict[str, float], reference: dict[str, float]) -> list[BudgetCheck]:
    """Each referenced stage's ratio against its reference (a stage without a
    measurement is an error: the budget would pass by measuring nothing).

    >>> [c.within for c in check({"compare": 2.9, "baseline": 1.2}, {"compare": 2.0,
    ...                                                               "baseline": 1.0})]
    [True, True]
    """
    missing = sorted(set(reference) - set(measured))
    if missing:
        raise ValueError(f"no measurement for {', '.join(missing)}")
    return [BudgetCheck(stage, measured[stage], reference[stage]) for stage in reference]


class Measurer:
    """Runs F and the stages in a scratch copy of the project at ``work``."""

    def __init__(self, work: Path) -> None:
        self.bench = _harness()
        self.project = work / "project"
        if self.project.exists():
            shutil.rmtree(self.project)
        self.project.mkdir(parents=True)
        for name in ("notebooks", "pdca", "data"):
            shutil.copytree(ROOT / name, self.project / name,
                            ignore=shutil.ignore_patterns("*.lock", "__pycache__"))
        self.env = {**os.environ, "PDCA_HOME": str(self.project),
                    "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.data = self.bench.tickets_file(SIZE, "parquet")
        notebook = self.bench.floor_notebook(self.project)
        self.floor_command = [sys.executable, "-c", self.bench.PAPERMILL_AS_PDCA,
                              str(notebook), str(self.project / "floor-out.ipynb"), "-k",
                              "python3", "--no-progress-bar"]

    def _run(self, command: list[str]) -> tuple[float, bool]:
        wall, _, code = self.bench.run_measured(command, self.env, self.project)
        return wall, code == 0

    def floor(self) -> float:
        wall, ok = self._run(self.floor_command)
        if not ok:
            raise RuntimeError("the floor notebook failed: see the message above")
        return wall

    def stage(self, stage: str) -> StageRatio:
        """The stage, then F: the two share the machine's state of the moment."""
        seconds, ok = self._run([str(self.bench.BIN / "pdca"), "run", self.bench.CYCLE,
                                 stage, "--data", str(self.data)])
        return StageRatio(stage, seconds, self.floor(), ok)


def measure(measurer: Measurer, stages: tuple[str, ...] = STAGES,
            retry: Callable[[str, float], bool] | None = None) -> dict[str, StageRatio]:
    """Each stage's ratio to F; a stage for which ``retry(stage, ratio)`` is true is
    measured once more and the lower ratio kept (a neighbour's burst slows one run)."""
    measurer.floor()  # warm the disk cache and the compiled kernels; not counted
    out = {}
    for stage in stages:
        first = measurer.stage(stage)
        if retry is not None and first.ok and retry(stage, first.ratio):
            second = measurer.stage(stage)
            first = min(first, second, key=lambda r: r.ratio)
        out[stage] = first
    return out


def read_reference(path: Path = REFERENCE) -> dict[str, float]:
    return {stage: float(v["ratio"]) for stage, v in json.loads(path.read_text())[
        "stages"].items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true",
                        help="measure 3 times and write the median ratios as the reference")
    args = parser.parse_args(argv)
    measurer = Measurer(ROOT / "benchmarks" / ".work" / "budget")
    if args.write:
        rounds = [measure(measurer) for _ in range(3)]
        stages = {stage: {"ratio": round(statistics.median(r[stage].ratio for r in rounds), 3),
                          "runs": [round(r[stage].ratio, 3) for r in rounds]}
                  for stage in STAGES}
        REFERENCE.write_text(json.dumps({
            "what": f"each stage at {SIZE} tickets (Parquet), wall time / F measured "
                    "beside it; median of 3 rounds (benchmarks/budget.py --write)",
            "growth_allowed": GROWTH, "stages": stages}, indent=2) + "\n")
        print(f"written {REFERENCE.relative_to(ROOT)}")
        return 0
    reference = read_reference()
    measured = measure(measurer, retry=lambda s, r: r > reference[s] * GROWTH)
    checks = check({s: m.ratio for s, m in measured.items()}, reference)
    for c in checks:
        print(c.sentence)
    return 0 if all(c.within for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
