"""The 100k-ticket Parquet export the engine equality tests (baseline and compare) read:
the demo generator's tickets with 3% of the FCR flags and 2% of the handle times missing,
seeded, so both stages are checked on the same real-shaped file."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def demo_generator() -> Any:
    """data/generate_demo.py as a module."""
    spec = importlib.util.spec_from_file_location("generate_demo",
                                                  ROOT / "data" / "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_export_100k(folder: Path) -> Path:
    """``folder/tickets.parquet``: 100,000 tickets, some flags and handle times missing."""
    frame = demo_generator().generate_tickets(100_000)
    rng = np.random.default_rng(29)
    frame["first_contact_resolved"] = frame["first_contact_resolved"].astype("boolean")
    frame.loc[rng.random(len(frame)) < 0.03, "first_contact_resolved"] = pd.NA
    frame.loc[rng.random(len(frame)) < 0.02, "handle_minutes"] = np.nan
    path = folder / "tickets.parquet"
    frame.to_parquet(path, index=False)
    return path
