"""Project-wide pytest configuration: nbval compares notebook outputs, not their stderr.

ipykernel 7 prints "Kernel is running over TCP without encryption" to stderr
at every start; warnings from libraries also land there. Both are noise for
a reviewer's outputs, so stderr is left out of nbval's comparison.
"""

from __future__ import annotations


def pytest_collectstart(collector):
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)
