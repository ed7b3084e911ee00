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
# **PDCA stage: Check.** Efficiency gain = (time before - time after) / time before. This
# notebook measures it for the average handle time (mean) and for time to resolve and first
# response time (median, as the compare page quotes them), each with a confidence interval,
# overall and per channel; reads the process-step table (where did the time go, how much of the
# lead time adds value); turns the time saved into agent hours, FTE and money, each with the
# 95% CI carried from the time saved; and reports the technology-change KPIs.

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
training_path: str = ""  # training table: person, pre/post scores, trained_on ("" for off)
training_kpis: list = ["fcr", "csat", "aht"]  # service KPIs whose change with training is asked
unit_column: str = "agent"  # the tickets' column naming the person trained
language: str = "en"  # language of the training section's words: en or zh-CN
alpha: float = 0.05  # 1 - confidence level of the intervals
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)
engine: str = "pandas"  # pandas (loads the rows), duckdb or spark (counts per measure and window)

# %% tags=["remove-input"]
# %matplotlib inline
from pdcakit.stages import efficiency_page as page

run = page.setup(before=before, after=after, change_date=change_date, weeks_before=weeks_before,
                 weeks_after=weeks_after, waiting_steps=waiting_steps,
                 automated_channels=automated_channels, alpha=alpha)

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
tickets = page.read_tickets(data_path, run.windows, mapping=mapping, on_duplicate=on_duplicate,
                            snapshot=snapshot, timezone=timezone, dayfirst=dayfirst,
                            engine=engine, segment_column=segment_column,
                            automated_channels=automated_channels, language=language)
page.show(tickets)
steps = page.read_steps(tickets, steps_path)

# %% [markdown]
# ## 2. Efficiency gain per ticket
#
# Average handle time is the agent's working time per ticket (mean). Time to resolve runs from
# creation to resolution and first response time from creation to the first reply; tickets still
# open count for as long as they have been open, so each is the Kaplan-Meier median, the figure
# the compare page quotes. Each gain has a bootstrap confidence interval (95% by default; seeded,
# so a rerun gives the same figures), and so does the time saved. A negative gain is a loss: the
# after period is slower. The decision on each KPI is the compare page's.

# %% tags=["remove-input"]
gains = page.gains_section(tickets, confidence=run.confidence)
page.show(gains)

# %% [markdown]
# ### Per segment
#
# The same gains within each segment. Segments with too few tickets are listed, not drawn.

# %% tags=["remove-input"]
segments = page.segments_section(tickets, gains, segment_column, confidence=run.confidence)
page.show(segments)

# %% [markdown]
# ## 3. Process steps: where did the time go?
#
# Lead time is the sum of the step times; process cycle efficiency is the share of it that
# adds value for the customer. Waiting steps count in the lead time but not in the work an
# agent is freed from.

# %% tags=["remove-input"]
flow = page.steps_section(tickets, steps, waiting_steps=waiting_steps)
page.show(flow)

# %% [markdown]
# ## 4. Capacity: agent hours freed
#
# Hours freed per week = handle minutes saved per ticket x tickets per week / 60, at the
# estimate and at both ends of its confidence interval. Throughput is tickets per agent
# hour of handling.

# %% tags=["remove-input"]
freed = page.capacity_section(tickets, gains, flow, tickets_per_week=tickets_per_week,
                              hours_per_fte=hours_per_fte)
page.show(freed)

# %% [markdown]
# ## 5. Money: savings, ROI and payback
#
# Savings = hours freed x loaded cost per agent hour; ROI over the horizon = (savings -
# investment) / investment; payback = investment / savings per month. Each has a 95% CI from
# the confidence interval of the time saved.

# %% tags=["remove-input"]
value = page.money_section(tickets, freed, cost_per_hour=cost_per_hour, investment=investment,
                           horizon_months=horizon_months, currency=currency)
page.show(value)

# %% [markdown]
# ## 6. Technology-change KPIs
#
# Response-time reduction rate (the efficiency gain of the first response time), the
# automation share (tickets handled by an automated channel) and the AHT change.

# %% tags=["remove-input"]
tech = page.tech_section(gains)
page.show(tech)
automation = page.automation_section(tickets, automated_channels, confidence=run.confidence)
page.show(automation)

# %% [markdown]
# ## 7. Training's effect on service
#
# Did the agents who were trained resolve more at first contact, satisfy more customers or
# handle faster, beyond what the untrained agents did over the same weeks? Difference in
# differences: each trained agent's KPI before and after their training week, against the
# untrained agents' change over the same weeks (agent and week effects, intervals robust to
# each agent's weeks being alike). It holds only if both groups were moving alike before
# training: the pre-training trend test and the week-by-week chart show whether they were.
# The test-score effect (post - pre) / pre is shown beside it.

# %% tags=["remove-input"]
training = page.training_section(tickets, training_path, kpis=training_kpis,
                                 unit_column=unit_column, confidence=run.confidence,
                                 language=language)
page.show(training)

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
summary = page.summary_section(tickets, gains=gains, steps=flow, freed=freed, value=value)
page.show(summary)
page.write_results(results_path, page.results_record(
    run, tickets, gains=gains, segments=segments, steps=flow, freed=freed, value=value,
    tech=tech, automation=automation, summary=summary, training=training))
