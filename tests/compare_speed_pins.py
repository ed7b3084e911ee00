"""Today's verdict numbers, pinned for the compare-speed work (issue 29).

``python tests/compare_speed_pins.py`` (re)writes ``tests/data/compare_speed_pins.json``
from the code as it is; ``tests/test_compare_speed_equal.py`` checks that the code
still gives the same numbers. The cases: the demo's 13 + 13 weeks around the change
(every KPI, and time to resolve by channel), and a seeded 100,000-ticket generated
export (every KPI), and the same export with ``LARGE_SAMPLE`` lowered to 10,000
(``generated_100k_large_sample``: every path a 1M export takes, pinned when the shape
check's large-sample quantile CIs were added). Only numbers are pinned (estimates, CIs,
p-values, shape-check figures, counts, flags), not the wording.

Two levels: ``demo``, ``demo_segments`` and ``generated_100k`` are the compare stage's
own results (``compare_kpis``, ``segment_changes``): re-pin them when
``pdcakit.stages.compare`` changes its numbers on purpose. ``stats_demo`` and
``stats_generated_100k`` are the statistics the stage calls, on each KPI's ticket
values, flags and period codes built here (log-rank, duration shape, median ratio,
period-level tests, Welch, the choice rules' test, proportions, rates, NPS, the
Kaplan-Meier summaries): they hold whatever the stage does with them.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "tests" / "data" / "compare_speed_pins.json"
KPIS = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean", "nps",
        "complaint_rate", "reopen_rate"]
GENERATED_TICKETS, GENERATED_SEED = 100_000, 29


def numbers(tree: Any, path: str = "") -> dict[str, Any]:
    """Every number, flag and None in ``tree`` by its path (strings left out); NaN and
    infinities as their names, so JSON holds them."""
    if isinstance(tree, dict):
        out: dict[str, Any] = {}
        for key, value in tree.items():
            out.update(numbers(value, f"{path}/{key}"))
        return out
    if isinstance(tree, list | tuple):
        out = {}
        for i, value in enumerate(tree):
            out.update(numbers(value, f"{path}/{i}"))
        return out
    if isinstance(tree, bool) or tree is None:
        return {path: tree}
    if isinstance(tree, int | float):
        value = float(tree)
        return {path: value if math.isfinite(value) else repr(value)}
    if hasattr(tree, "item"):  # numpy scalars
        return numbers(tree.item(), path)
    return {}


@cache
def generated_tickets(folder: str) -> Any:
    """The seeded generated export, written as Parquet into ``folder`` and loaded."""
    from pdcakit import data

    spec = importlib.util.spec_from_file_location("generate_demo",
                                                  ROOT / "data" / "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = module.generate_tickets(GENERATED_TICKETS, seed=GENERATED_SEED)
    path = module._write(frame, Path(folder) / "tickets", "parquet")
    return data.load_tickets(path)


def _as_tree(result: Any) -> Any:
    if hasattr(result, "as_dict"):
        return result.as_dict()
    if hasattr(result, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(result)
    return result


def stats_numbers(before: Any, after: Any) -> dict[str, Any]:
    """Every statistic the compare stage calls, per KPI, on inputs built here."""
    import numpy as np
    import pandas as pd

    from pdcakit import metrics, stats
    from pdcakit.periods import period_codes
    from pdcakit.stages.compare import kpi_test_kind

    out: dict[str, Any] = {}
    for key in KPIS:
        spec = metrics.KPIS[key]
        sides = []
        for part in (before, after):
            periods = period_codes(part["created_at"], "W")
            if spec.kind == "duration":
                t, o = metrics.duration_minutes(part, key)
                keep = np.isfinite(t) & (t >= 0)
                sides.append((t[keep], o[keep], periods[keep]))
            else:
                v = (pd.to_numeric(part["nps"], errors="coerce").to_numpy(float)
                     if key == "nps" else spec.values(part).to_numpy(float))
                keep = np.isfinite(v)
                sides.append((v[keep], None, periods[keep]))
        (vb, ob, pb), (va, oa, pa) = sides
        results: dict[str, Any] = {
            "estimates": [spec.estimate(part).as_dict() for part in (before, after)]}
        if spec.kind == "duration":
            shape = stats.duration_shape(vb, ob, va, oa, n_resamples=1000)
            results.update(
                logrank=stats.logrank(vb, ob, va, oa, n_resamples=1000),
                shape=shape,
                ratio=stats.median_ratio(vb, ob, va, oa, n_resamples=1000),
                periods=stats.duration_periods(vb, ob, pb, va, oa, pa, horizon=shape.horizon),
                summaries=[spec.func(part).as_dict() for part in (before, after)])
        else:
            kind = kpi_test_kind(key)
            results["chosen"] = stats.compare(vb, va, kind)
            if kind in ("continuous", "ordinal"):
                results["welch"] = stats.welch_t(vb, va)
                results["periods"] = stats.mean_periods_from_values(vb, pb, va, pa)
            elif kind == "nps":
                points = [stats.nps.nps_points(v) for v in (vb, va)]
                results["periods"] = stats.mean_periods_from_values(points[0], pb,
                                                                    points[1], pa)
            else:
                counts = []
                for v, p in ((vb, pb), (va, pa)):
                    frame = pd.DataFrame({"x": v, "p": p}).groupby("p")["x"]
                    counts.append((frame.sum().to_numpy(float), frame.size().to_numpy(float)))
                (xb, nb), (xa, na) = counts
                if kind == "rate":
                    results["poisson"] = stats.poisson_rates(int(vb.sum()), float(vb.size),
                                                             int(va.sum()), float(va.size))
                    results["periods"] = stats.rate_periods(xb, nb, xa, na)
                else:
                    results["difference_ci"] = stats.difference_ci(
                        int(vb.sum()), vb.size, int(va.sum()), va.size)
                    results["periods"] = stats.proportion_periods(
                        xb.astype(int), nb.astype(int), xa.astype(int), na.astype(int))
        out.update(numbers({name: _as_tree(r) for name, r in results.items()}, f"/{key}"))
    return out


#: The threshold the large-sample case lowers LARGE_SAMPLE to, so the 100k export's
#: windows (about 50,000 tickets a side) take every path a 1M export takes.
LARGE_SAMPLE_CASE = 10_000


@contextmanager
def large_sample_paths(threshold: int = LARGE_SAMPLE_CASE) -> Iterator[None]:
    """Every module reading ``LARGE_SAMPLE`` sees ``threshold`` (the sorted-durations
    cache emptied, as the sort it keeps depends on it), restored afterwards."""
    from pdcakit.stats import bootstrap, shape, survival

    modules = (bootstrap, shape, survival)
    kept = [m.LARGE_SAMPLE for m in modules]
    survival.SORTED.clear()
    try:
        for m in modules:
            m.LARGE_SAMPLE = threshold
        yield
    finally:
        for m, value in zip(modules, kept, strict=True):
            m.LARGE_SAMPLE = value
        survival.SORTED.clear()


def large_sample_case(folder: str) -> dict[str, Any]:
    """The stage's numbers on the 100k export with every large-sample path taken (the
    shape check's Brookmeyer-Crowley quantile CIs, the normal ratio of means, the
    unstable sort): pinned when those paths were added (issue 29)."""
    from pdcakit.stages.compare import compare_kpis
    from pdcakit.stages.windows import CompareSettings, Windows

    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    before, after = windows.split(generated_tickets(folder))
    settings = CompareSettings.check(kpis=KPIS, targets={"fcr": 0.74})
    with large_sample_paths():
        return numbers(compare_kpis(before, after, settings).as_dict())


def cases(folder: str) -> dict[str, dict[str, Any]]:
    """Case name -> the numbers of its results."""
    from pdcakit import data
    from pdcakit.stages.compare import compare_kpis, segment_changes
    from pdcakit.stages.windows import CompareSettings, Windows

    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    demo = data.load_tickets(ROOT / "data" / "demo" / "tickets.csv")
    before, after = windows.split(demo)
    settings = CompareSettings.check(kpis=KPIS, targets={"fcr": 0.74})
    out = {"demo": numbers(compare_kpis(before, after, settings).as_dict()),
           "demo_segments": numbers(segment_changes(before, after, "time_to_resolve",
                                                    "channel", settings).as_dict())}
    out["stats_demo"] = stats_numbers(before, after)
    before, after = windows.split(generated_tickets(folder))
    out["generated_100k"] = numbers(compare_kpis(before, after, settings).as_dict())
    out["stats_generated_100k"] = stats_numbers(before, after)
    out["generated_100k_large_sample"] = large_sample_case(folder)
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pins = cases(tmp)
    PINS.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n")
    print(f"written {PINS.relative_to(ROOT)}: "
          + ", ".join(f"{k} {len(v)} numbers" for k, v in pins.items()), file=sys.stderr)
