"""PDCA Workbook helper library: data, KPIs, statistics, SPC, runner and tracker."""

__version__ = "0.1.0"
