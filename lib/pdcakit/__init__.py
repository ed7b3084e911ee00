"""PDCA Workbook helper library: data, KPIs, statistics, SPC, runner and tracker.

The layout, one line per folder and module, is in ``docs/layout.md``.
"""

from pdcakit import moved as _moved

__version__ = "0.1.0"

_moved.install()
