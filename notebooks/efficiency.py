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
# # Check: efficiency gain, the time, capacity and money the change frees
#
# **PDCA stage: Check.** Efficiency gain (method text, section 3.1.2) = (time before - time after) /
# time before. This notebook measures it for handle time and for the end-to-end cycle time from the
# tickets, each with a confidence interval, overall and per channel; reads the process-step table
# (where did the time go, how much of the lead time adds value); turns the time saved into agent
# hours, FTE and money with a range carried from the CI; and reports the technology-change KPIs of
# the method text's section 3.4.

# %% [markdown] tags=["remove-cell"]
# For analysts (not shown on the reviewer page): rerun it with papermill or
# `pdca run CYCLE efficiency -p NAME VALUE`. Without ticket data
# (`data_path` empty) it works from the step table alone.

# %% tags=["parameters"]
data_path: str = "demo:tickets.csv"  # tickets export ("" for a steps-only run; demo:NAME: demo)
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
on_duplicate: str = ""  # repeated ids: keep_first, keep_last or error ("" takes the mapping's)
snapshot: str = ""  # when the export was taken ("": mapping's, else latest timestamp)
timezone: str = ""  # time zone of the export's timestamps ("" takes the mapping's)
dayfirst: str = ""  # "true" for day-first dates like 05/01/2026 ("" takes the mapping's)
change_date: str = "2026-04-06"  # day the change went live: first day of the after window
weeks_before: int = 13  # weeks of tickets before the change date
weeks_after: int = 13  # weeks of tickets from the change date on
before: list = []  # explicit before window [start, end) as two dates; overrides change_date
after: list = []  # explicit after window [start, end) as two dates; overrides change_date
segment_column: str = "channel"  # column for the gains per segment ("" for none)
steps_path: str = ""  # process-steps table ("" for off)
waiting_steps: list = []  # steps of the step table that are waiting, not agent work
tickets_per_week: float = 0.0  # volume for capacity; 0 takes the after window's average
hours_per_fte: float = 37.5  # working hours of one full-time agent per week
cost_per_hour: float = 0.0  # loaded cost per agent hour (0 for no money section)
investment: float = 0.0  # one-off cost of the change (0: savings only, no ROI or payback)
horizon_months: float = 12.0  # months over which savings and ROI are counted
currency: str = "EUR"  # currency label for the money figures
automated_channels: list = []  # channels handled without an agent (for automation share)
alpha: float = 0.05  # 1 - confidence level of the intervals
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
import pandas as pd

from pdcakit import data, metrics, plots
from pdcakit.fileio import atomic_write_json
from pdcakit.stages import efficiency
from pdcakit.stages.display import say, show_figure, table
from pdcakit.stages.money import capacity, money
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Sections,
    headline_record,
    list_problem,
    load_options,
    mapping_file,
    raise_problems,
    snapshot_words,
    source_name,
)
from pdcakit.stages.windows import Windows

raise_problems([p for p in (list_problem(name, value) for name, value in (
    ("waiting_steps", waiting_steps), ("automated_channels", automated_channels))) if p])
confidence = 1 - alpha
windows = Windows.from_parameters(before=before, after=after, change_date=change_date,
                                  weeks_before=weeks_before, weeks_after=weeks_after)
results: dict = {"schema": RESULTS_SCHEMA, "stage": "efficiency", "windows": windows.as_dict(),
                 "confidence": confidence}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
ledger = Sections.of(None)
tickets = tickets_before = tickets_after = None
if data_path:
    tickets = data.load_tickets(
        ledger.read("data_path", data_path),
        (ledger.read("mapping", mapping) if mapping_file(mapping) else mapping) or None,
        window=(windows.before_start, windows.after_end),
        **load_options(on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                       dayfirst=dayfirst),
    )
    tickets_before, tickets_after = windows.split(tickets)
    after_weeks = (windows.after_end - windows.after_start) / pd.Timedelta(weeks=1)
    observed_volume = len(tickets_after) / after_weeks
    say(f"Windows by ticket creation date: {windows.describe()}. **{len(tickets_before):,} "
        f"tickets before** and **{len(tickets_after):,} after** ({observed_volume:,.0f} a week "
        "after the change). Open tickets stay in the cycle times as censored observations "
        f"(export time {snapshot_words(tickets, snapshot)}).")
    for warning in tickets.attrs.get("warnings", []):
        say(f"Note: {warning}")
    results["data"] = {"before": len(tickets_before), "after": len(tickets_after),
                       "tickets_per_week_after": observed_volume,
                       "snapshot_source": snapshot_words(tickets, snapshot)}
else:
    observed_volume = 0.0
    say("No ticket data given: this run works from the process-step table alone.")
    results["data"] = None
sections = Sections.of(tickets)
sections.inputs.update(ledger.inputs)
results["skipped"], results["inputs"] = sections.skipped, sections.inputs
steps = sections.table("steps_path", steps_path, "process_steps", key="steps")
if tickets is None and steps is None:
    raise ValueError("nothing to measure: give data_path (tickets), steps_path (process "
                     "steps), or both")

# %% [markdown]
# ## 2. Efficiency gain per ticket
#
# Handle time is the agent's working time per ticket (mean, as AHT). The end-to-end cycle time runs
# from creation to resolution; open tickets are censored, so it is the Kaplan-Meier median. Each
# gain has a bootstrap confidence interval (95% unless `alpha` says otherwise; seeded, so a
# rerun gives the same figures). A negative gain is a loss: the after period is slower.

# %% tags=["remove-input"]
gains: dict = {}
needs = {"aht": ("handle_minutes",), "time_to_resolve": ("created_at", "resolved_at"),
         "first_response_time": ("created_at", "first_response_at")}
if tickets is None:
    sections.skip("gains", "needs ticket data: give data_path", label="Gains per ticket")
else:
    for key, columns in needs.items():
        if not sections.runs(f"{key}_gain", *columns, label=efficiency.MEASURES[key]):
            continue
        try:
            if key == "aht":
                gains[key] = efficiency.time_gain(
                    tickets_before["handle_minutes"], tickets_after["handle_minutes"],
                    name=efficiency.MEASURES[key], confidence=confidence)
            else:
                (tb, ob), (ta, oa) = (metrics.duration_minutes(t, key)
                                      for t in (tickets_before, tickets_after))
                gains[key] = efficiency.cycle_time_gain(tb, ob, ta, oa,
                                                        name=efficiency.MEASURES[key],
                                                        confidence=confidence)
        except ValueError as exc:
            sections.skip(f"{key}_gain", f"not measured ({exc})",
                          label=efficiency.MEASURES[key])
    for gain in gains.values():
        say(f"- {gain.sentence}")
    if gains:
        table(pd.DataFrame([g.row() for g in gains.values()]), index=False)
results["gains"] = {key: gain.as_dict() for key, gain in gains.items()}
if gains:
    key = next(iter(gains))
    estimates = [metrics.KPIS[key].estimate(t) for t in (tickets_before, tickets_after)]
    results["headline"] = headline_record(key, "W", estimates[1], None, before=estimates[0])

# %% [markdown]
# ### Per segment
#
# The same gains within each segment. Segments with too few tickets are listed, not drawn.

# %% tags=["remove-input"]
results["segments"] = {}
if not segment_column:
    sections.skip("segments", "off: give segment_column (e.g. channel) to enable it")
elif gains and sections.segments(tickets, segment_column):
    for measure, overall in gains.items():
        found, skipped = efficiency.gains_by_segment(tickets_before, tickets_after,
                                                     segment_column, measure,
                                                     confidence=confidence)
        if found:
            show_figure(plots.forest_plot(
                [g.segment for g in found], [g.gain for g in found],
                [g.gain_ci[0] for g in found], [g.gain_ci[1] for g in found],
                significant=[g.gain_ci[0] > 0 or g.gain_ci[1] < 0 for g in found],
                overall=(overall.gain, *overall.gain_ci),
                title=f"{overall.name}: efficiency gain by {segment_column}",
                xlabel="Efficiency gain (% of the time before; right = faster)",
                percent_points=True, flag_labels=("95% CI excludes no change",
                                                  "95% CI includes no change"),
            ))
            inside = min(g.gain for g in found) <= overall.gain <= max(g.gain for g in found)
            if not inside:
                say(f"Caution: the overall {overall.name.lower()} gain ({overall.gain:+.1%}) "
                    f"lies outside every {segment_column}'s. A median over a mix of very "
                    "different tickets (solved at first contact, or waiting days) can jump "
                    "when the mix shifts; read the per-segment gains.")
        for segment, reason in skipped.items():
            say(f"- {segment_column} {segment}: not measured ({reason}).")
        results["segments"][measure] = {"gains": [g.as_dict() for g in found],
                                        "skipped": skipped}
elif not gains and tickets is not None:
    sections.skip("segments", "needs a gain per ticket (see section 2)")

# %% [markdown]
# ## 3. Process steps: where did the time go?
#
# Lead time is the sum of the step times; process cycle efficiency is the share of it that
# adds value for the customer. Waiting steps count in the lead time but not in the work an
# agent is freed from.

# %% tags=["remove-input"]
step_result = None
if steps is not None:
    step_file = source_name(sections, "steps_path")
    step_result = efficiency.step_table(steps, waiting_steps=waiting_steps)
    say(f"{step_result.sentence} (From {step_file}.)")
    table(step_result.display(), index=False)
    shown = step_result.display()
    show_figure(plots.step_bars(
        shown["step"], shown["minutes_before"], shown["minutes_after"], kinds=shown["kind"],
        title=f"Step times before and after, from {step_file} (lead time "
              f"{step_result.lead_time_before:,.0f} -> {step_result.lead_time_after:,.0f} "
              "minutes)",
    ))
    results["steps"] = {**step_result.as_dict(), "source": step_file}
else:
    results["steps"] = None

# %% [markdown]
# ## 4. Capacity: agent hours freed
#
# Hours freed per week = handle minutes saved per ticket x tickets per week / 60, at the
# estimate and at both ends of its confidence interval. Throughput is tickets per agent
# hour of handling.

# %% tags=["remove-input"]
freed = None
volume = tickets_per_week or observed_volume
if "aht" in gains and volume > 0:
    aht = gains["aht"]
    freed = capacity((aht.minutes_saved, *aht.minutes_saved_ci), tickets_per_week=volume,
                     hours_per_fte=hours_per_fte,
                     source=f"handle time saved, {volume:,.0f} tickets a week")
    say(freed.sentence)
    say(f"Throughput: {60 / aht.before:,.2f} tickets per agent hour before, "
        f"{60 / aht.after:,.2f} after.")
elif step_result is not None and step_result.agent_minutes_saved_per_week is not None:
    minutes = step_result.agent_minutes_saved_per_week
    freed = capacity((minutes, minutes, minutes), tickets_per_week=1.0,
                     hours_per_fte=hours_per_fte,
                     source=f"{source_name(sections, 'steps_path')}: work steps' minutes "
                            "saved x weekly volume")
    say(freed.sentence + " Step times are standard figures, so there is no range.")
else:
    sections.skip("capacity", "needs the column handle_minutes (handle time saved per "
                  "ticket), or steps_path with a volume column")
results["capacity"] = None if freed is None else freed.as_dict()

# %% [markdown]
# ## 5. Money: savings, ROI and payback
#
# Savings = hours freed x loaded cost per agent hour; ROI over the horizon = (savings -
# investment) / investment; payback = investment / savings per month. Each is a range from
# the confidence interval of the time saved.

# %% tags=["remove-input"]
value = None
if cost_per_hour <= 0:
    sections.skip("money", "off: give cost_per_hour (the loaded cost of an agent hour: "
                  "salary and overheads) to enable it, and investment for ROI and payback")
elif freed is None:
    sections.skip("money", "needs a capacity figure (see section 4)")
else:
    value = money(freed, cost_per_hour=cost_per_hour, investment=investment,
                  horizon_months=horizon_months, currency=currency)
    say(f"{value.sentence} (At {cost_per_hour:,.2f} {currency} an agent hour"
        + (f" and an investment of {investment:,.0f} {currency}" if investment > 0 else "")
        + ", as given.)")
    rows = [("Savings per week", value.savings_per_week),
            ("Savings per year", value.savings_per_year),
            (f"Savings over {horizon_months:g} months", value.savings_over_horizon)]
    frame = pd.DataFrame([{"Figure": name, "Estimate": f"{v[0]:,.0f} {currency}",
                           "Low": f"{v[1]:,.0f} {currency}", "High": f"{v[2]:,.0f} {currency}"}
                          for name, v in rows])
    table(frame, index=False)
results["money"] = None if value is None else value.as_dict()

# %% [markdown]
# ## 6. Technology-change KPIs (method text, section 3.4)
#
# Response-time reduction rate (the efficiency gain of the first response time), the
# automation share (tickets handled by an automated channel) and the AHT change.

# %% tags=["remove-input"]
tech: dict = {}
if "first_response_time" in gains:
    tech["response_time_reduction_rate"] = gains["first_response_time"].gain
    say(f"- Response-time reduction rate: {gains['first_response_time'].gain:+.1%} (median).")
if "aht" in gains:
    tech["aht_change_minutes"] = -gains["aht"].minutes_saved
    say(f"- AHT change: {-gains['aht'].minutes_saved:+.2f} minutes per ticket "
        f"({-gains['aht'].gain:+.1%}).")
if not automated_channels:
    sections.skip("automation_share", "off: give automated_channels (e.g. [web]) to "
                  "enable it")
elif tickets is not None and sections.runs("automation_share", "channel"):
    automation = efficiency.automation_change(tickets_before, tickets_after, automated_channels,
                                              confidence=confidence)
    say(f"- {automation.sentence}")
    tech["automation_share"] = automation.as_dict()
results["tech"] = tech

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
if value is not None:
    summary = value.sentence
elif freed is not None:
    summary = freed.sentence
elif step_result is not None:
    summary = step_result.sentence
elif gains:
    summary = next(iter(gains.values())).sentence
else:
    summary = "No efficiency figure could be computed from the inputs given."
say(f"**{summary}**")
if sections.skipped:
    say(f"Skipped on this export: {', '.join(sections.skipped)} (each line above names what "
        "would enable it).")
results["summary"] = summary
if results_path:
    atomic_write_json(results_path, results)
