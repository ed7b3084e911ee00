"""The stages' compute made lighter without a number changing (issue 29).

- The standards' bootstrap finds its ticket patterns by one unique of base-3 codes
  instead of a sort of rows (pdcakit.stages.standards._patterns): the same patterns in
  the same order, so the same multinomial draws.
- The KPI computations work on frames carrying only the export time in ``attrs``
  (pdcakit.metrics._checks.kpi_frame): pandas deep-copies a frame's attrs into every
  frame and column taken from it, so the load report was copied ~1,300 times a compare
  run; the numbers do not depend on it.

(The compare stage's ~4,200 pinned statistics and ~9,700 numbers of the scores, units,
scorecard, segments and period series were checked equal before and after, old code
against new on the same data, to 12 significant digits.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit import metrics
from pdcakit.metrics._checks import kpi_frame
from pdcakit.stages.standards import _patterns, bootstrap_means


@pytest.mark.parametrize("columns", [1, 3, 5, 12, 39])
def test_the_patterns_are_the_row_sorts(columns):
    rng = np.random.default_rng(columns)
    matrix = rng.choice([0.0, 1.0, np.nan], size=(5_000, columns), p=[0.3, 0.6, 0.1])
    coded = np.where(np.isnan(matrix), -1.0, matrix)
    patterns, counts = _patterns(coded)
    want_patterns, want_counts = np.unique(coded, axis=0, return_counts=True)
    assert np.array_equal(patterns, want_patterns) and np.array_equal(counts, want_counts)


def test_other_values_or_too_many_columns_take_the_row_sort():
    odd = np.array([[0.5, 1.0], [0.5, 1.0], [-1.0, 0.0]])     # not 0 / 1 / not judged
    assert _patterns(odd)[1].tolist() == [1, 2]
    wide = np.ones((4, 40))
    wide[0, 39] = 0.0
    patterns, counts = _patterns(wide)
    assert counts.tolist() == [1, 3] and patterns[0, 39] == 0.0


def test_the_bootstrap_draws_as_before():
    # the row-sort version, as it stood: same seed, same resamples, same means
    rng = np.random.default_rng(29)
    matrix = rng.choice([0.0, 1.0, np.nan], size=(3_000, 4), p=[0.2, 0.7, 0.1])
    coded = np.where(np.isnan(matrix), -1.0, matrix)
    patterns, counts = np.unique(coded, axis=0, return_counts=True)
    draws = np.random.default_rng(7).multinomial(3_000, counts / 3_000, size=300)
    judged = (patterns >= 0).astype(float)
    want = (draws @ np.where(patterns >= 0, patterns, 0.0)) / (draws @ judged)
    assert np.array_equal(bootstrap_means(matrix, 300, 7), want)


def _tickets() -> pd.DataFrame:
    """Date-only creation, a few still open, a heavy load report in attrs."""
    created = pd.to_datetime(["2026-01-05", "2026-01-05", "2026-01-06", "2026-01-12",
                              "2026-01-13", "2026-01-20"] * 5)
    resolved = created + pd.to_timedelta([30, 200, np.nan, 45, 600, np.nan] * 5, unit="m")
    frame = pd.DataFrame({"created_at": created, "resolved_at": resolved,
                          "first_contact_resolved": [True, False, True, True, False, True] * 5,
                          "channel": ["电话", "email"] * 15})
    frame["is_open"] = frame["resolved_at"].isna()
    frame.attrs = {"snapshot": pd.Timestamp("2026-01-25"), "source": "工单导出.csv",
                   "columns": {c: c for c in frame.columns}, "warnings": ["a warning"]}
    return frame


def test_a_kpi_frame_carries_the_snapshot_alone_and_leaves_the_export_untouched():
    tickets = _tickets()
    slim = kpi_frame(tickets)
    assert slim.attrs == {"snapshot": pd.Timestamp("2026-01-25")}
    assert slim["created_at"].attrs == slim.attrs            # what pandas copies onwards
    assert tickets.attrs["warnings"] == ["a warning"]        # the export keeps its report
    assert kpi_frame(slim) is slim
    # the KPIs read the same numbers from either
    for key in ("time_to_resolve", "fcr", "resolution_rate"):
        full = metrics.KPIS[key].estimate(tickets)
        assert metrics.KPIS[key].estimate(slim).as_dict() == full.as_dict()
    assert metrics.per_period(tickets, "time_to_resolve").equals(
        metrics.per_period(slim, "time_to_resolve"))
