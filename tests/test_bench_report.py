"""benchmarks/run.py reports every figure as a ratio to F measured in the same run, and
beside it the ratio of the previous results files (issue 29); ratios, never absolute
times, are what runs on a shared machine can be compared by."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _results(floor, baseline, compare, demo=None):
    out = {"floor": {"seconds": floor},
           "stages": {"1m/parquet": {"baseline": {"seconds": baseline},
                                     "compare": {"seconds": compare}}}}
    if demo is not None:
        out["demo"] = {"over_floor": demo}
    return out


def test_each_stage_is_a_ratio_to_the_floor_of_its_own_run(bench):
    ratios = bench.floor_ratios(_results(10.0, 40.0, 52.0, demo=1.9))
    assert ratios == {"demo": 1.9, "stage 1m/parquet baseline": 4.0,
                      "stage 1m/parquet compare": 5.2, "compare / baseline 1m/parquet": 1.3}


def test_a_run_without_the_floor_still_gives_compare_over_baseline(bench):
    assert bench.floor_ratios({"stages": _results(1, 17.2, 53.0)["stages"]}) == {
        "compare / baseline 1m/parquet": pytest.approx(3.081, abs=1e-3)}


def test_previous_ratios_come_from_the_newest_file_holding_each(bench, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(bench, "RESULTS", tmp_path)
    (tmp_path / "20261201T000000Z.json").write_text(json.dumps(_results(5.0, 20.0, 60.0, 2.7)))
    (tmp_path / "20261202T000000Z.json").write_text(json.dumps({"floor": {"seconds": 4.0},
                                                                "demo": {"over_floor": 2.4}}))
    (tmp_path / "20261203T000000Z.json").write_text("{cut short")  # a crashed run
    (tmp_path / "20261205T000000Z.json").write_text(json.dumps(_results(9.0, 9.0, 9.0, 1.0)))
    previous = bench.previous_ratios("20261204T000000Z")
    assert previous == {"demo": 2.4, "stage 1m/parquet baseline": 4.0,
                        "stage 1m/parquet compare": 12.0, "compare / baseline 1m/parquet": 3.0}
    lines = bench.ratio_lines(bench.floor_ratios(_results(10.0, 40.0, 52.0)), previous)
    assert lines[-1].split() == ["compare", "/", "baseline", "1m/parquet", "1.30", "x",
                                 "baseline", "(previous", "3.00", "x", "baseline)"]
