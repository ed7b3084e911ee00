"""Properties of every ticket KPI on arbitrary subsets of real-looking tickets.

For any subset and any row order: the KPI is an Estimate whose CI holds the value
(or a ValueError saying what is missing), shares stay in [0, 1], and shuffling the
rows changes nothing.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdcakit import data, metrics

TICKETS = data.load_tickets(Path(__file__).resolve().parents[1] / "data" / "demo" /
                            "tickets.csv")


@pytest.mark.parametrize("key", sorted(metrics.KPIS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=st.integers(0, 60), seed=st.integers(0, 10_000))
def test_kpi_is_valid_or_refused_and_ignores_row_order(key, size, seed):
    sample = TICKETS.sample(n=size, random_state=seed)
    shuffled = sample.sample(frac=1.0, random_state=seed + 1)
    spec = metrics.KPIS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            estimate = spec.estimate(sample)
        except ValueError:  # DataError is a ValueError: "not enough data ..." and the like
            with pytest.raises(ValueError):
                spec.estimate(shuffled)
            return
        again = spec.estimate(shuffled)
    value = estimate.value
    assert again.value == pytest.approx(value, nan_ok=True)
    if spec.unit == "fraction" and math.isfinite(value):
        assert 0 <= value <= 1
    if estimate.ci is not None and all(math.isfinite(v) for v in estimate.ci) \
            and math.isfinite(value):
        low, high = estimate.ci
        assert low - 1e-9 <= value <= high + 1e-9
