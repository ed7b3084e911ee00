"""Seeded null simulation: ticket-level versus period-aware tests (fast version).

The generator is benchmarks/null_simulation.py (13 weeks x 300 tickets a side, week
effects with lag-1 autocorrelation 0.3, no true change); the full 2000-run version
prints its rates there. The tolerance for "at most 6%" is binomial: the observed count
must not be significantly above 6% (one-sided exact binomial p >= 0.01) for the number
of runs here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from scipy import stats as sps

ROOT = Path(__file__).resolve().parents[1]
RUNS = {"proportion": 300, "mean": 300, "rate": 300, "duration": 150}


@pytest.fixture(scope="module")
def sim():
    spec = importlib.util.spec_from_file_location("null_simulation",
                                                  ROOT / "benchmarks" / "null_simulation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["null_simulation"] = module
    spec.loader.exec_module(module)
    return module


def _not_above(rate: float, runs: int, bound: float = 0.06) -> bool:
    """The observed rejections are consistent with a true rate of at most ``bound``."""
    return bool(sps.binom.sf(round(rate * runs) - 1, runs, bound) >= 0.01)


def _clearly_above(rate: float, runs: int, bound: float = 0.06) -> bool:
    return bool(sps.binom.sf(round(rate * runs) - 1, runs, bound) < 0.001)


@pytest.mark.parametrize("kind", ["proportion", "mean", "rate", "duration"])
def test_null_false_positive_rate(sim, kind):
    rates = sim.simulate(kind, RUNS[kind], seed=20260517)
    assert _not_above(rates.chooser, rates.replicates), rates.line()
    assert _clearly_above(rates.ticket, rates.replicates), rates.line()  # shown to fail
    assert rates.switched > 0.85, rates.line()  # the dispersion check sees the weeks


@pytest.mark.parametrize("kind", ["proportion", "mean", "duration"])
def test_power_close_to_ticket_level_without_week_effects(sim, kind):
    rates = sim.simulate(kind, RUNS[kind], seed=20260518, week_effects_on=False,
                         effect=sim.EFFECT[kind])
    assert rates.ticket > 0.5, rates.line()  # a real effect the ticket test mostly finds
    assert rates.ticket - rates.chooser <= 0.05, rates.line()
    assert rates.switched < 0.15, rates.line()  # the pre-test rarely fires by chance
