"""The compare stage gives today's numbers after the speed work (issue 29).

The numbers of every verdict (estimates, CIs, p-values, the shape check's PH test,
RMST, median and 90th-percentile CIs, period-level tests, detectable changes) on the
demo and on a seeded 100,000-ticket generated export were pinned before the speed
work by ``tests/compare_speed_pins.py``, into ``tests/data/compare_speed_pins.json``.
The stage's own numbers (``demo``, ``generated_100k``) were pinned with the stage as it
stood when the statistics' speed work began (re-pin them when the stage changes its
numbers on purpose); the statistics the stage calls (``stats_*``) hold regardless.
Equal means equal to 12 significant digits (the bootstraps draw the same resamples
for the same seed, so their CIs are the same numbers, not merely close).
"""

from __future__ import annotations

import json
import math

import pytest

from compare_speed_pins import PINS, cases

#: The parts of a KPI's record the statistics compute (the stage's own presentation,
#: e.g. ``decision`` and ``figures``, is the stage's to change).
STATISTICS = ("comparison", "shape", "period_test", "verdict_test", "before", "after",
              "difference", "difference_ci", "pvalue", "design_effect",
              "minimum_detectable_change", "period_level")


def _statistics_only(case: str, numbers: dict) -> dict:
    if not case.startswith(("demo", "generated")) or case == "demo_segments":
        return numbers
    return {path: value for path, value in numbers.items()
            if path.startswith("/kpis/") and path.split("/")[3] in STATISTICS}


@pytest.fixture(scope="module")
def now(tmp_path_factory):
    return cases(str(tmp_path_factory.mktemp("generated")))


@pytest.fixture(scope="module")
def pinned():
    return json.loads(PINS.read_text())


def _differences(pinned: dict, now: dict) -> list[str]:
    out = [f"{path}: pinned, now missing" for path in pinned.keys() - now.keys()]
    for path in pinned.keys() & now.keys():
        was, is_ = pinned[path], now[path]
        same = (was == is_ or (isinstance(was, float) and isinstance(is_, float)
                               and math.isclose(was, is_, rel_tol=1e-12, abs_tol=1e-12)))
        if not same:
            out.append(f"{path}: pinned {was!r}, now {is_!r}")
    return sorted(out)


@pytest.mark.parametrize("case", ["demo", "demo_segments", "generated_100k", "stats_demo",
                                  "stats_generated_100k", "generated_100k_large_sample"])
def test_same_numbers_as_pinned(case, now, pinned):
    differences = _differences(_statistics_only(case, pinned[case]), now[case])
    assert not differences, f"{len(differences)} numbers changed:\n" + "\n".join(
        differences[:40])


def test_pins_hold_the_bootstrap_and_shape_figures(pinned):
    """The pins cover what the speed work touches (a pin file without them proves nothing)."""
    for case in ("demo", "generated_100k"):
        paths = pinned[case]
        for figure in ("shape/median_ci/0", "shape/p90_ci/1", "shape/ph_pvalue",
                       "logrank/ci/0", "ratio/ci/1", "periods/pvalue"):
            assert f"/time_to_resolve/{figure}" in pinned[f"stats_{case}"], (case, figure)
        for kpi in ("time_to_resolve", "first_response_time"):
            for figure in ("shape/median_ci/0", "shape/p90_ci/1", "shape/ph_pvalue",
                           "shape/rmst_ci/0", "comparison/ci/0", "comparison/pvalue",
                           "period_test/pvalue"):
                assert f"/kpis/{kpi}/{figure}" in paths, (case, kpi, figure)
        assert isinstance(paths["/kpis/time_to_resolve/shape/median_ci/0"], float)


def test_a_changed_number_is_caught(pinned):
    """The comparison can fail: one CI end moved in the 13th digit's place is reported."""
    moved = dict(pinned["demo"])
    path = "/kpis/time_to_resolve/shape/p90_ci/0"
    moved[path] = moved[path] * (1 + 1e-9)
    assert _differences(pinned["demo"], moved) == [
        f"{path}: pinned {pinned['demo'][path]!r}, now {moved[path]!r}"]


def test_the_large_sample_case_takes_the_large_sample_paths(pinned):
    """The 100k export with LARGE_SAMPLE lowered: the shape check's quantile CIs are the
    Brookmeyer-Crowley ones, not the bootstrap's (so the case pins the paths a 1M export
    takes); the figures no threshold touches (RMST, PH test) are the same as without."""
    large, usual = pinned["generated_100k_large_sample"], pinned["generated_100k"]
    for kpi in ("time_to_resolve", "first_response_time"):
        for figure in ("shape/median_ci/0", "shape/p90_ci/1"):
            path = f"/kpis/{kpi}/{figure}"
            assert large[path] != usual[path], path
        for figure in ("shape/rmst_ci/0", "shape/ph_pvalue", "shape/ph_statistic"):
            path = f"/kpis/{kpi}/{figure}"
            assert math.isclose(large[path], usual[path], rel_tol=1e-12), path
