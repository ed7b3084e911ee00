"""The benchmark harness's own machinery (its figures are never asserted here)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_peak_memory_counts_the_child_processes(bench, tmp_path):
    pytest.importorskip("psutil")
    # the child starts a grandchild holding 300 MB: the tree's peak must see it
    code = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "\"import time; b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
            "time.sleep(0.6)\"])")
    wall, peak, code_ = bench.run_measured([sys.executable, "-c", code], dict(os.environ),
                                           tmp_path)
    assert code_ == 0
    assert peak > 250 * 2**20
    assert wall > 0.5


def test_failed_command_is_reported_not_hidden(bench, tmp_path, capsys):
    _, _, code = bench.run_measured([sys.executable, "-c", "raise SystemExit(3)"],
                                    dict(os.environ), tmp_path)
    assert code == 3
    assert "exited 3" in capsys.readouterr().err


def test_verdicts_compare_each_figure_with_its_target(bench):
    results = {
        "demo": {"over_floor": 1.9},
        "engine": {"compare_kpis_1m": {"seconds": 2.5},
                   "bootstrap_ratio_of_means": {"seconds": 0.4, "over_scipy": 0.05}},
        "stages": {"1m/parquet": {"all": {"seconds": 20.0, "peak_gib": 1.5},
                                  "baseline": {"seconds": 10.0}, "compare": {"seconds": 14.0}},
                   "5m/parquet": {"all": {"seconds": 120.0, "peak_gib": 6.0}}},
    }
    verdicts = bench.verdicts(results)
    assert verdicts["demo_over_floor"]["met"]
    assert verdicts["compare_over_baseline_1m"]["value"] == 1.4
    assert verdicts["compare_over_baseline_1m"]["met"]
    assert not verdicts["compare_kpis_1m_seconds"]["met"]
    assert verdicts["all_stages_5m_over_1m"]["value"] == 6.0
    assert not verdicts["all_stages_5m_over_1m"]["met"]
    assert set(verdicts) == set(bench.TARGETS)


def test_floor_imports_what_the_stages_import(bench):
    # F must hold the stages' unavoidable imports, no more: every statsmodels module the
    # library imports, the stage notebooks' setup imports, and not the whole statsmodels.api
    import re

    used = set()
    for path in (ROOT / "lib" / "pdcakit").rglob("*.py"):
        used |= set(re.findall(r"^\s*(?:from|import) (statsmodels[\w.]*)", path.read_text(),
                               flags=re.MULTILINE))
    floor = bench.FLOOR_IMPORTS
    for module in used:
        assert module in floor, f"{module} is imported by the library but not by the floor"
    assert "statsmodels.api" not in floor
    for stage in ("baseline", "compare", "efficiency"):
        script = (ROOT / "notebooks" / f"{stage}.py").read_text()
        for module in re.findall(r"^from pdcakit import (.+)$", script, flags=re.MULTILINE):
            for name in module.split(", "):
                assert name in floor, f"{stage} imports pdcakit.{name}; the floor does not"


def test_floor_runs_papermill_as_pdca_starts_it(bench):
    assert "skip_unused_optional_imports()" in bench.PAPERMILL_AS_PDCA
    assert "from papermill.cli import papermill" in bench.PAPERMILL_AS_PDCA
