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
# # Check: did the change work, by how much, how sure are we, and is the target met?
#
# **PDCA stage: Check.** This notebook compares the tickets created before a change with
# those created after it. For every KPI it reports what the verdict estimates (a difference
# of shares, of means, of rates, of NPS, of medians or of restricted mean times), the change
# with its confidence interval at the level 1 - alpha, the test used and why it fits the
# data, the p-value before and after adjusting for testing many KPIs at once, an effect
# size, whether the target is met and whether the sample could detect the change aimed
# for. Then it looks at the time series (a before/after test on a drifting process can
# mislead), the distributions, the segments, whether a shift in the ticket mix explains
# the change, and the training effect.

# %% [markdown] tags=["remove-cell"]
# For analysts (not shown on the reviewer page): rerun it with papermill or
# `pdca run CYCLE compare -p NAME VALUE`.

# %% tags=["parameters"]
data_path: str = "demo:tickets.csv"  # tickets export: CSV, Parquet, Excel (demo:NAME: a demo file)
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
on_duplicate: str = ""  # repeated ids: keep_first, keep_last or error ("" takes the mapping's)
snapshot: str = ""  # when the export was taken ("": mapping's, else latest timestamp)
timezone: str = ""  # time zone of the export's timestamps ("" takes the mapping's)
dayfirst: str = ""  # "true" for day-first dates like 05/01/2026 ("" takes the mapping's)
change_date: str = "2026-04-06"  # day the change went live: first day of the after window
weeks_before: int = 13  # weeks of tickets before the change date to compare
weeks_after: int = 13  # weeks of tickets from the change date on
before: list = []  # explicit before window [start, end) as two dates; overrides change_date
after: list = []  # explicit after window [start, end) as two dates; overrides change_date
period: str = "W"  # time unit of the phase charts: D (day), W (week) or M (month)
kpis: list = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean",
              "nps", "complaint_rate", "reopen_rate"]  # KPIs to compare (those supported)
headline_kpi: str = ""  # KPI of the headline ("": first supported of kpis)
targets: dict = {}  # target per KPI: fraction for rates, minutes for times (pdca run: the aim's)
alpha: float = 0.05  # significance level
multiplicity: str = "holm"  # p-value adjustment across KPIs: holm, bh or none
power: float = 0.8  # power for the minimum detectable change
time_view_kpis: list = ["fcr", "first_response_time", "aht"]  # KPIs drawn per period
segment_column: str = "channel"  # column for the segment forest plots ("" for none)
segment_kpis: list = ["fcr", "first_response_time", "aht"]  # KPIs compared per segment
mix_column: str = "category"  # column whose mix is checked for Simpson's paradox ("" none)
mix_kpis: list = ["fcr", "aht"]  # rate or mean KPIs given the mix-adjusted comparison
sla_first_response_minutes: float = 30.0  # SLA: first response within this many minutes (4.2)
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
training_path: str = ""  # pre/post training scores ("" for off)
surveys_path: str = ""  # customer survey (CSI), dated ("" for off)
surveys_mapping: str = ""  # YAML or preset (en_survey, zh_survey) for a wide export
audits_path: str = ""  # process audits (TPS), dated ("" for off)
audits_mapping: str = ""  # audit mapping for a wide export with text answers ("" if canonical)
mystery_shopper_path: str = ""  # mystery-shopper visits (TDS), dated ("" for off)
mystery_shopper_mapping: str = ""  # visit mapping for a wide export ("" if canonical)
standards_path: str = ""  # standards table: a rule per standard is measured per window ("" for off)
composite_weights: list = [0.5, 0.3, 0.2]  # a·CSAT + b·response in SLA + c·standards
feedback_path: str = ""  # feedback export: id, received_at, text ("" for off)
feedback_mapping: str = ""  # feedback column mapping: YAML or preset ("" if canonical)
feedback_lexicon_path: str = ""  # lexicon of the feedback classes, YAML ("": the bundled one)
feedback_classes_from: str = "lexicon"  # feedback classes from the lexicon, or "export" (its own)
complaints_path: str = ""  # complaint register: a row per case ("" for off)
complaints_mapping: str = ""  # the complaint register's column mapping ("" if canonical)
complaints_snapshot: str = ""  # when the register was exported ("": its latest date)
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)
language: str = "en"  # language of the verdicts: en or zh-CN (Simplified Chinese)
engine: str = "pandas"  # pandas (loads the rows), duckdb or spark (counts per KPI and window)

# %% tags=["remove-input"]
# %matplotlib inline
from pdcakit.stages.compare_page import (
    check_section,
    compare_results,
    compare_summary,
    data_section,
    distributions_section,
    mix_section,
    read_score_tables,
    read_tickets,
    scores_section,
    segments_section,
    show,
    split_tickets,
    time_view_section,
    training_section,
    why_section,
    with_scores,
    write_results,
)
from pdcakit.stages.overtime import over_time_section
from pdcakit.stages.registers_page import complaints_compare, feedback_compare
from pdcakit.stages.windows import CompareSettings, Windows

settings = CompareSettings.check(
    kpis=kpis, alpha=alpha, power=power, multiplicity=multiplicity, targets=targets,
    period=period, headline_kpi=headline_kpi, language=language,
    kpi_lists={"time_view_kpis": time_view_kpis, "segment_kpis": segment_kpis,
               "mix_kpis": mix_kpis},
    sla_first_response_minutes=sla_first_response_minutes,
    sla_resolution_hours=sla_resolution_hours,
)
windows = Windows.from_parameters(before=before, after=after, change_date=change_date,
                                  weeks_before=weeks_before, weeks_after=weeks_after)

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
tickets, sections = read_tickets(data_path, mapping, windows, on_duplicate=on_duplicate,
                                 snapshot=snapshot, timezone=timezone, dayfirst=dayfirst,
                                 engine=engine, period=period, segment_column=segment_column,
                                 mix_column=mix_column, language=language)
tickets_before, tickets_after = split_tickets(tickets, windows)
facts = data_section(tickets, tickets_before, tickets_after, windows, snapshot=snapshot)
show(facts, sections)

# %% [markdown]
# ## 2. Verdict for every KPI
#
# Each KPI first in one plain line: its value before and after, in the measure people
# quote (the median of a waiting time, the share of a rate, the mean of a handle time), and
# the change with its confidence interval. Then one of four answers: **improved** or
# **worse** (the whole interval lies on one side of no change), **no change** (the whole
# interval lies within the smallest change that matters: the change the target asks for,
# else 10% of the before value) or **not enough data to tell** (the interval includes no
# change but also changes that would matter). Testing several KPIs at once makes a chance
# finding likelier, so each decision is adjusted for it, and the interval beside it is
# widened to match: they always agree. Waiting times are decided on the mean time up to a
# stated horizon, which counts every ticket, those still open too; the median is shown
# beside it with its own interval. Under each verdict, "How we know" opens the test, the
# p-values, the shape of the times and a check list (sample size, unusual data, stability,
# assumptions). The table then gives every figure, one row per KPI and measure.

# %% tags=["remove-input"]
check = check_section(tickets_before, tickets_after, settings, sections)
show(check, sections)

# %% [markdown]
# ### Why each test
#
# The ticket-level test follows from the kind of KPI and from checks of the data, by these
# rules; the table says which test carried each verdict and why
# (the period-level one when the weeks vary more than chance):

# %% tags=["remove-input"]
show(why_section(check.changes, language), sections)

# %% [markdown]
# ## 3. Over time: was the process stable, and did it shift at the change?
#
# Each chart splits at the change date and computes the limits separately for each period.
# Signals before the change mean the baseline was already moving, which a before/after
# test cannot tell apart from the change's effect. The headline KPI is always drawn.

# %% tags=["remove-input"]
time_view = time_view_section(tickets, windows, check, sections, kpis=time_view_kpis,
                              events=cycle_events)
show(time_view, sections)

# %% [markdown]
# ### Every KPI over time
#
# One row per KPI, in NHS "Making Data Count" icons: the variation of the after periods
# against the baseline's limits (common cause, or a special cause improving or concerning)
# and the assurance against the target (will every period meet it). The scores of section 8
# (CSI, TPS, TDS, standards, composite) are here too, each from its own table per period.

# %% tags=["remove-input"]
score_tables = read_score_tables(
    sections, {"surveys_path": surveys_path, "audits_path": audits_path,
               "mystery_shopper_path": mystery_shopper_path, "standards_path": standards_path},
    {"surveys_mapping": surveys_mapping, "audits_mapping": audits_mapping,
     "mystery_shopper_mapping": mystery_shopper_mapping})
over_time = over_time_section(tickets, windows, check, views=time_view.views,
                              events=cycle_events, scores=score_tables,
                              sla_first_response_minutes=sla_first_response_minutes,
                              composite_weights=composite_weights)
show(over_time, sections)

# %% [markdown]
# ## 4. Distributions before and after
#
# Durations: Kaplan-Meier curves, the share of tickets still waiting after each length of
# time, with open tickets counted for as long as they have been open. Handle time: the
# cumulative distribution of handled tickets.

# %% tags=["remove-input"]
show(distributions_section(tickets_before, tickets_after, check.settings), sections)

# %% [markdown]
# ## 5. Segments: where did it change?
#
# The change within each segment with its confidence interval (level 1 - alpha); the
# p-values are adjusted across the segments. The shaded band is the change over all tickets.

# %% tags=["remove-input"]
segments = segments_section(tickets_before, tickets_after, tickets, check, sections,
                            column=segment_column, kpis=segment_kpis)
show(segments, sections)

# %% [markdown]
# ## 6. Did the mix of tickets change? (Simpson's paradox check)
#
# If the share of ticket types moved between the periods, a crude before/after difference
# can come from the mix rather than from the change. The mix-adjusted comparison weighs
# each type's own change by its share of all tickets (Mantel-Haenszel for rates).

# %% tags=["remove-input"]
mix = mix_section(tickets_before, tickets_after, sections, column=mix_column, kpis=mix_kpis,
                  alpha=alpha, params=check.settings.params, headline=check.headline,
                  scales={c.key: c.scale for c in check.changes.changes})
show(mix, sections)

# %% [markdown]
# ## 7. Training effect
#
# Training effect % = (mean score after training - mean before) / mean before, for the
# people trained, with the paired test of their scores.

# %% tags=["remove-input"]
training = training_section(
    sections.table("training_path", training_path, "training", key="training"), sections,
    confidence=1 - alpha)
show(training, sections)

# %% [markdown]
# ## 8. Scores before and after: surveys, audits, mystery shoppers, standards
#
# The method's scores compared between the same windows, each with a verdict as the KPIs
# above: the customer satisfaction index (CSI, the mean of each questionnaire), the process
# audit (TPS) and mystery-shopper (TDS) totals with each of their parts, the weighted
# standards conformance (standards with a rule measured from the tickets in each window)
# and the composite score. Scores are means of ordered answers, so a rank test is stated
# beside each verdict as a check. Cronbach's alpha says whether a dimension's questions
# measure one thing.

# %% tags=["remove-input"]
scores = scores_section(score_tables, windows, check.settings, tickets_before=tickets_before,
                        tickets_after=tickets_after,
                        sla_first_response_minutes=sla_first_response_minutes,
                        composite_weights=composite_weights, views=over_time.views,
                        events=cycle_events)
show(scores, sections)

# %% [markdown]
# ## 9. Feedback and complaints before and after
#
# Each feedback class's share before and after the change, tested as two proportions and
# adjusted over the classes (the shares add up to 100%, so a fall in one is a rise in the
# others); the complaint cases' time to close (log-rank test, open cases censored), share
# closed by the deadline and repeat rate, adjusted over the three.

# %% tags=["remove-input"]
feedback = feedback_compare(
    sections, windows, feedback_path=feedback_path, mapping=feedback_mapping,
    lexicon_path=feedback_lexicon_path, classes_from=feedback_classes_from, alpha=alpha,
    multiplicity=multiplicity, period=period, language=language)
show(feedback, sections)
complaints = complaints_compare(
    sections, windows, complaints_path=complaints_path, mapping=complaints_mapping,
    snapshot=complaints_snapshot, alpha=alpha, multiplicity=multiplicity, language=language)
show(complaints, sections)

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
checked = with_scores(check, scores)
summary = compare_summary(checked.changes, time_view, check.settings.targets, sections.skipped,
                          language)
show(summary, sections)
write_results(results_path, compare_results(
    windows=windows, settings=check.settings, ledger=sections, data=facts, check=checked,
    time_view=time_view, segments=segments, mix=mix, training=training, summary=summary,
    over_time=over_time, scores=scores) | feedback.record | complaints.record)
