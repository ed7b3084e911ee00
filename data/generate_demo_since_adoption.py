#!/usr/bin/env python
"""The demo's export of the weeks after adoption, for ``pdca monitor`` (issue 28).

The demo cycle adopts its change on the after window [2026-04-06, 2026-07-06). To show
the gain being held, ``data/demo/tickets_since_adoption.csv`` holds six new weeks,
2026-07-06 to 2026-08-16: the first six weeks of the after window (2026-04-06 to
2026-05-17) replayed 13 weeks later, every timestamp moved by 91 days and every id
renamed (``T...`` -> ``M...``). Nothing is drawn at random, so the file is a ground truth:
the process is the adopted one, and ``pdca monitor demo-helpdesk`` must stay quiet on it.

Regenerate it (byte-identical) after ``python data/generate_demo.py``::

    python data/generate_demo_since_adoption.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

DEMO = Path(__file__).resolve().parent / "demo"
FIRST, LAST = "2026-04-06", "2026-05-18"  # the weeks replayed: [FIRST, LAST)
SHIFT = pd.Timedelta(weeks=13)
TIMES = ("created_at", "first_response_at", "resolved_at")


def since_adoption(tickets: pd.DataFrame) -> pd.DataFrame:
    """Weeks [FIRST, LAST) of ``tickets`` (the demo export as text) moved 13 weeks on."""
    created = pd.to_datetime(tickets["created_at"])
    out = tickets[(created >= FIRST) & (created < LAST)].copy()
    for column in TIMES:
        stamps = pd.to_datetime(out[column]) + SHIFT
        out[column] = stamps.dt.strftime("%Y-%m-%d %H:%M:%S").where(stamps.notna(), "")
    out["id"] = "M" + out["id"].str[1:]
    return out


def main() -> int:
    tickets = pd.read_csv(DEMO / "tickets.csv", dtype=str, keep_default_na=False)
    for column in TIMES:
        tickets[column] = tickets[column].replace("", None)
    since_adoption(tickets).to_csv(DEMO / "tickets_since_adoption.csv", index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
