"""Today's verdict numbers, pinned for the compare-speed work (issue 29).

``python tests/compare_speed_pins.py`` (re)writes ``tests/data/compare_speed_pins.json``
from the code as it is; ``tests/test_compare_speed_equal.py`` checks that the code
still gives the same numbers. The cases: the demo's 13 + 13 weeks around the change
(every KPI, and time to resolve by channel), and a seeded 100,000-ticket generated
export (every KPI). Only numbers are pinned (estimates, CIs, p-values, shape-check
figures, counts, flags), not the wording.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
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
    before, after = windows.split(generated_tickets(folder))
    out["generated_100k"] = numbers(compare_kpis(before, after, settings).as_dict())
    return out


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        pins = cases(tmp)
    PINS.write_text(json.dumps(pins, indent=1, sort_keys=True) + "\n")
    print(f"written {PINS.relative_to(ROOT)}: "
          + ", ".join(f"{k} {len(v)} numbers" for k, v in pins.items()), file=sys.stderr)
