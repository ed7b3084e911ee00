# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Explore: one KPI before and after a change, by segment
#
# Pick a KPI, a segment and a change date with the controls at the bottom; the chart and
# the verdict appear below them as you move them (in JupyterLab, with the kernel running).
# The static result above the controls is the default selection, so this page also reads on
# its own, rendered or run by papermill.
#
# This is for exploring. Each change of the controls is one more test, so a "significant"
# result found by trying many combinations is weak evidence: confirm it with the compare
# stage on a window chosen in advance.

# %% tags=["parameters"]
data_path: str = "demo:tickets.csv"  # tickets export: CSV, Parquet, Excel (demo:NAME: a demo file)
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
on_duplicate: str = ""  # repeated ids: keep_first, keep_last or error ("" takes the mapping's)
snapshot: str = ""  # when the export was taken ("": mapping's, else latest timestamp)
timezone: str = ""  # time zone of the export's timestamps ("" takes the mapping's)
dayfirst: str = ""  # "true" for day-first dates like 05/01/2026 ("" takes the mapping's)
kpi: str = "aht"  # KPI key to explore ("": the first KPI this export supports)
segment_column: str = "channel"  # column to filter by ("" for none)
segment: str = "chat"  # value of the segment column, or "(all)"
change_date: str = "2026-04-06"  # first day after the change
weeks_before: int = 13  # weeks before the change date
weeks_after: int = 13  # weeks from the change date on
language: str = "en"  # language of the page: en or zh-CN (Simplified Chinese)

# %% tags=["remove-input"]
# %matplotlib inline
import datetime as dt

import ipywidgets as widgets
from IPython.display import display

from pdcakit.stages.display import say, show_figure
from pdcakit.stages.explore import Explorer, explore_choices
from pdcakit.stages.sections import Sections, load_export

tickets = load_export(data_path, mapping, ledger=Sections.of(None), on_duplicate=on_duplicate,
                      snapshot=snapshot, timezone=timezone, dayfirst=dayfirst)
choices = explore_choices(tickets, Sections.of(tickets, show=False), kpi=kpi,
                          segment_column=segment_column, segment=segment)
say(choices.note)
explorer = Explorer(tickets, segment_column)  # each selection computed and drawn once


def show(**selection: object) -> None:
    """The verdict sentence and the phase chart for one selection."""
    view = explorer.view(**selection)
    say(view.sentence)
    for figure in view.figures():
        show_figure(figure)


def show_live(**selection: object) -> None:
    """The same for a control's change: the chart as SVG only, drawn once per selection."""
    say(explorer.view(**selection).sentence)
    for svg in explorer.svg(**selection):
        display({"image/svg+xml": svg}, raw=True)


# %% [markdown]
# ## The default selection

# %% tags=["remove-input"]
show(kpi=choices.kpi, segment=choices.segment, change_date=change_date,
     weeks_before=weeks_before, weeks_after=weeks_after)

# %% [markdown]
# ## Explore (live in JupyterLab)

# %% tags=["remove-input"]
controls = {
    "kpi": widgets.Dropdown(options=choices.kpi_options, value=choices.kpi, description="KPI"),
    "segment": widgets.Dropdown(options=choices.segments, value=choices.segment,
                                description=segment_column or "segment"),
    "change_date": widgets.DatePicker(value=dt.date.fromisoformat(change_date),
                                      description="Change date"),
    # sliders redraw when released, not at every week passed on the way
    "weeks_before": widgets.IntSlider(value=weeks_before, min=2, max=52,
                                      description="Weeks before", continuous_update=False),
    "weeks_after": widgets.IntSlider(value=weeks_after, min=2, max=52,
                                     description="Weeks after", continuous_update=False),
}
panel = widgets.VBox([widgets.HBox([controls["kpi"], controls["segment"]]),
                      controls["change_date"],
                      widgets.HBox([controls["weeks_before"], controls["weeks_after"]])])
output = widgets.Output()


def update(_change: object = None) -> None:
    """Redraw for the controls' current values (runs when one of them changes)."""
    output.clear_output(wait=True)
    with output:
        show_live(**{name: control.value for name, control in controls.items()})


for control in controls.values():
    control.observe(update, names="value")
display(panel, output)
