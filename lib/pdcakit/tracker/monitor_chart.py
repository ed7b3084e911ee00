"""The chart of a ``pdca monitor`` run: the new periods of an adopted cycle against the
frozen limits of its new baseline, signals marked, and the files a run leaves behind
(``runs/<cycle>/monitor/<UTC stamp>/``: ``monitor.json`` and ``chart.svg``), which the
cycle page shows under "Holding the gains".

>>> monitor_folder_name(dt.datetime(2026, 8, 17, 6, 30, tzinfo=dt.UTC))
'20260817T063000Z'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pdcakit.fileio import atomic_write_json, atomic_write_text
from pdcakit.kpis import kpi_name
from pdcakit.run.project import ProjectPaths
from pdcakit.words import words

__all__ = ["CHART_FILE", "PHONE_CHART_FILE", "RESULT_FILE", "monitor_figure", "monitor_folder_name",
           "write_monitor_outputs"]

CHART_FILE, RESULT_FILE = "chart.svg", "monitor.json"
#: The same chart drawn for a phone (plots.phone_figure), shown on a narrow screen.
PHONE_CHART_FILE = "chart-phone.svg"


def monitor_folder_name(now: dt.datetime) -> str:
    """A run folder's name: its UTC start, as the stage runs are named."""
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def monitor_figure(result: Any, language: str = "en") -> Any:
    """The new periods on a control chart whose centre and limits are the new baseline's,
    frozen; the periods where a rule fired in red (:func:`pdcakit.plots.control_chart`)."""
    import numpy as np
    import pandas as pd

    from pdcakit import plots

    w = words(language)
    limits = result.limits
    fired = {s.date for s in result.signals}
    centre = float(np.exp(limits.centre)) if limits.kind == "duration" else limits.centre
    name = kpi_name(limits.kpi, language)
    return plots.control_chart(
        pd.to_datetime(list(result.periods)), list(result.values), centre=centre,
        lcl=list(result.lcl), ucl=list(result.ucl), signals=[p in fired for p in result.periods],
        title=w._("{kpi} since adoption, against the new baseline's frozen limits", kpi=name),
        ylabel=name, xlabel=w._("Period"), centre_label=w._("Centre of the new baseline"),
        percent=limits.kind == "proportion",
        scale="hours" if limits.kind == "duration" else None,
        log_y=limits.kind == "duration", language=language)


def write_monitor_outputs(paths: ProjectPaths, result: Any, record: dict[str, Any],
                          now: dt.datetime | None = None, *, language: str = "en") -> Path:
    """``runs/<cycle>/monitor/<stamp>/`` with the result (``monitor.json``) and its chart
    (``chart.svg``, its words in ``language``); a second run in the same second gets
    ``-2``. Returns the folder."""
    from pdcakit.stages.display import figure_svg

    base = paths.runs / result.cycle / "monitor"
    name = monitor_folder_name(now or dt.datetime.now(dt.UTC))
    folder, n = base / name, 1
    while folder.exists():
        n += 1
        folder = base / f"{name}-{n}"
    folder.mkdir(parents=True)
    atomic_write_json(folder / RESULT_FILE, record)
    figure = monitor_figure(result, language)
    atomic_write_text(folder / CHART_FILE, figure_svg(figure, key=folder.name))
    from pdcakit.plots import phone_figure

    phone = phone_figure(figure)
    if phone is not None:
        atomic_write_text(folder / PHONE_CHART_FILE,
                          figure_svg(phone, key=f"{folder.name}-phone"))
    return folder
