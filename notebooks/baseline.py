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
# # Baseline: where are we, is the process stable, and what will the Check stage need?
#
# **PDCA stage: Plan.** This notebook measures the service before a change: every KPI with its
# confidence interval (95% unless `alpha` says otherwise), whether the headline KPI is stable over
# time (run chart with Anhøj's rules, control chart), how long tickets take (open tickets counted,
# not dropped), SLA attainment, where the work comes from (Pareto), how segments differ, the audit,
# mystery-shopper, standards and composite scores, and how many tickets the Check stage needs to
# detect the target change.

# %% [markdown] tags=["remove-cell"]
# For analysts (not shown on the reviewer page): rerun it on your own export with
# papermill or `pdca run CYCLE baseline -p NAME VALUE`.

# %% tags=["parameters"]
data_path: str = "demo:tickets.csv"  # tickets export: CSV, Parquet, Excel (demo:NAME: a demo file)
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
on_duplicate: str = ""  # repeated ids: keep_first, keep_last or error ("" takes the mapping's)
snapshot: str = ""  # when the export was taken ("": mapping's, else latest timestamp)
timezone: str = ""  # time zone of the export's timestamps ("" takes the mapping's)
dayfirst: str = ""  # "true" for day-first dates like 05/01/2026 ("" takes the mapping's)
engine: str = "pandas"  # pandas (loads the rows), duckdb or spark (aggregates the file)
start: str = "2026-01-05"  # first day of the baseline window (inclusive; "" from the first)
end: str = "2026-04-06"  # first day after the baseline window (exclusive; "" to the last)
period: str = "W"  # time unit of the charts: D (day), W (week) or M (month)
kpis: list = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "nps",
              "complaint_rate", "reopen_rate", "resolution_rate"]  # scorecard (those supported)
headline_kpi: str = ""  # KPI analysed for stability and sample size ("": first supported of kpis)
segment_column: str = "channel"  # column to break KPIs down by ("" for none)
target_value: float = 0.0  # headline target (fraction for rates, minutes for times; 0 if none)
target_direction: str = ""  # "higher" or "lower" is better ("": the KPI's own)
sla_first_response_minutes: float = 30.0  # SLA: first response within this many minutes (4.2)
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
alpha: float = 0.05  # significance level the Check stage will use
power: float = 0.8  # wanted probability that the Check stage detects the target change
composite_weights: list = [0.5, 0.3, 0.2]  # weights of satisfaction, efficiency, compliance (4.2)
check_kpis: list = []  # KPIs the Check stage will test ([]: its default list): the plan's family
check_multiplicity: str = "holm"  # the Check's p-value adjustment: holm, bh or none
surveys_path: str = ""  # questionnaire answers for CSI ("" for off)
surveys_mapping: str = ""  # YAML or preset (en_survey, zh_survey) for a wide export
audits_path: str = ""  # process audits for TPS ("" for off)
audits_mapping: str = ""  # audit mapping for a wide export with text answers ("" if canonical)
mystery_shopper_path: str = ""  # mystery-shopper visits for TDS ("" for off)
mystery_shopper_mapping: str = ""  # visit mapping for a wide export ("" if canonical)
standards_path: str = ""  # weighted service standards: a rule per standard is measured ("" off)
unit_column: str = "agent"  # compare agents, teams or sites fairly by this column ("" for off)
unit_kpis: list = ["fcr", "aht", "csat", "complaint_rate"]  # KPIs compared by unit (funnel plots)
case_mix: list = ["channel"]  # columns whose mix is taken out of each unit's figure ([]: none)
min_unit_tickets: int = 30  # fewest tickets a unit needs to be placed on a funnel
composite_parts: list = ["csat", "sla_first_response", "fcr"]  # composite per unit ([]: off)
language: str = "en"  # language of the unit comparison's words: en or zh-CN
rule_set: str = "nhs"  # special-cause rules on the control chart: nhs, western_electric, nelson
rebases: list = []  # [date, cycle, reason]: new limits from that date; pdca run adds adopted ones
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
feedback_path: str = ""  # feedback export: id, received_at, text ("" for off)
feedback_mapping: str = ""  # feedback column mapping: YAML or preset ("" if canonical)
feedback_lexicon_path: str = ""  # lexicon of the feedback classes, YAML ("": the bundled one)
feedback_classes_from: str = "lexicon"  # feedback classes from the lexicon, or "export" (its own)
complaints_path: str = ""  # complaint register: a row per case ("" for off)
complaints_mapping: str = ""  # the complaint register's column mapping ("" if canonical)
complaints_snapshot: str = ""  # when the register was exported ("": its latest date)
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.baseline_page import (
    baseline_results,
    data_section,
    headline_section,
    pareto_section,
    resolve_section,
    rule_agreement_section,
    sample_size_section,
    scorecard_section,
    scores_section,
    segments_section,
    show,
    sla_section,
    stability_section,
    summary_section,
    units_section,
    write_results,
)
from pdcakit.stages.registers_page import complaints_baseline, feedback_baseline

settings = BaselineSettings.check(
    kpis=kpis, headline_kpi=headline_kpi, period=period, target_value=target_value,
    target_direction=target_direction, alpha=alpha, power=power,
    composite_weights=composite_weights, segment_column=segment_column,
    check_kpis=check_kpis, check_multiplicity=check_multiplicity, engine=engine,
)
sla_options = {"sla_first_response_minutes": sla_first_response_minutes,
               "sla_resolution_hours": sla_resolution_hours}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
loaded = data_section(data_path, mapping, start=start, end=end, on_duplicate=on_duplicate,
                      snapshot=snapshot, timezone=timezone, dayfirst=dayfirst,
                      engine=settings.engine, period=period, segment_column=segment_column,
                      unit_column=unit_column, language=language, **sla_options)
tickets, sections = loaded.tickets, loaded.sections
show(loaded)

# %% [markdown]
# ## 2. KPI scorecard
#
# Each KPI this export supports, with its confidence interval: Wilson intervals for
# rates, t intervals for means, Kaplan-Meier medians for durations (open tickets censored).
# A KPI whose columns the export lacks is listed with the column that would enable it.

# %% tags=["remove-input"]
scorecard = scorecard_section(tickets, sections, settings, **sla_options)
show(scorecard)

# %% [markdown]
# ## 3. Is the headline KPI stable?
#
# A run chart tests for non-random variation with Anhøj's rules (an unusually long run on
# one side of the median, or too few crossings of it). The control chart adds 3-sigma
# limits: points outside them are special causes to investigate before any change is
# judged. A before/after comparison on an unstable baseline can mislead.

# %% tags=["remove-input"]
headline = headline_section(tickets, sections, settings, events=cycle_events)
show(headline)

# %% tags=["remove-input"]
stability = stability_section(headline, rebases=rebases, rule_set=rule_set, events=cycle_events)
show(stability)

# %% [markdown]
# ### Do the rule sets agree?
#
# Rule sets differ in what they call a signal: Western Electric and Nelson add zone tests,
# NHS "Making Data Count" looks for shifts and trends, Anhøj's run rules adapt their limits
# to the number of points. The table lists every period that some sets flag and others do
# not; an empty table means all four agree on this chart.

# %% tags=["remove-input"]
show(rule_agreement_section(stability))

# %% [markdown]
# ## 4. How long do tickets take?
#
# Durations are skewed: a few tickets take far longer than most, so the median and the
# 90th percentile describe them better than the mean. Both come from the Kaplan-Meier
# estimate, which counts open tickets as "at least this long" instead of dropping them.

# %% tags=["remove-input"]
resolve = resolve_section(tickets, sections, sla_resolution_hours=sla_resolution_hours)
show(resolve)

# %% [markdown]
# ## 5. SLA attainment
#
# The share of tickets that met each service-level threshold. An open ticket already older
# than the threshold counts as a miss; one younger than the threshold cannot be judged yet
# and is left out.

# %% tags=["remove-input"]
sla = sla_section(tickets, sections, **sla_options)
show(sla)

# %% [markdown]
# ## 6. Where does the work come from? (Pareto)

# %% tags=["remove-input"]
pareto = pareto_section(tickets, sections)
show(pareto)

# %% [markdown]
# ## 7. Segments

# %% tags=["remove-input"]
segments = segments_section(tickets, sections, settings, scorecard, **sla_options)
show(segments)

# %% [markdown]
# ## 8. Audits, mystery shopping, standards and the composite score
#
# Process audit total TPS = normativity + efficiency + experience; mystery-shopper total
# TDS = attitude + knowledge + speed (each 0-10, so totals are 0-30), from the audits and
# visits dated inside the baseline window; CSI is the mean questionnaire score (1-5);
# standards conformance is the weighted sum of each standard's conformance, measured on the
# baseline's tickets where a standard gives a rule (e.g. first response within 30 minutes),
# typed in otherwise; the composite score weighs satisfaction (CSAT), efficiency
# (first-response SLA attainment) and compliance (standards conformance). Each comes from
# its own table, named with its figure.

# %% tags=["remove-input"]
scores = scores_section(
    sections, settings, scorecard, sla, surveys_path=surveys_path, audits_path=audits_path,
    mystery_shopper_path=mystery_shopper_path, standards_path=standards_path,
    window=loaded.window, tickets=tickets,
    mappings={"surveys_mapping": surveys_mapping, "audits_mapping": audits_mapping,
              "mystery_shopper_mapping": mystery_shopper_mapping},
)
show(scores)

# %% [markdown]
# ## 9. Sample-size plan for the Check stage
#
# Planned for the test the Check stage will run, at the level its verdict will use: the
# significance level divided by the number of KPIs this export supports (the first step
# of the Holm adjustment the Check applies across them), with the tickets multiplied by
# the design effect when the baseline's periods vary more than chance. Durations are
# planned for the log-rank test, with the share of tickets that finish.

# %% tags=["remove-input"]
plan = sample_size_section(headline, sections, scorecard)
show(plan)

# %% [markdown]
# ## 10. Agents, teams and sites compared fairly
#
# A table of each agent's raw figure ranks noise: an agent with 40 tickets can sit far from
# the rest by chance alone. Each funnel plot draws every unit against its number of tickets,
# with the limits chance allows at that size (95% dashed, 99.8% solid); when units differ
# more than chance, the limits widen by the spread between them (the NHS method). The mix
# of `case_mix` (e.g. channel) is taken out first, so a unit is not judged for the work it
# was given. Only the units outside the limits are named; the others cannot be told apart.

# %% tags=["remove-input"]
unit_comparison = units_section(
    tickets, sections, unit_column=unit_column, unit_kpis=unit_kpis, case_mix=case_mix,
    min_tickets=min_unit_tickets, language=language, composite_parts=composite_parts,
    composite_weights=composite_weights, **sla_options,
)
show(unit_comparison)

# %% [markdown]
# ## 11. Feedback and complaints
#
# Feedback by phone, e-mail and online survey, each item put into one of the method's
# classes (满意度 satisfaction, 服务态度 attitude, 响应速度 response speed, 问题解决能力
# problem-solving ability, or other) by the team's lexicon; where the export carries its
# own class, how far the lexicon agrees with it (Cohen's kappa) and the items it classed
# differently. Complaint cases: time to close (open cases counted, not dropped), the share
# closed by the deadline, open cases past their deadline by owner, repeat complaints.

# %% tags=["remove-input"]
feedback = feedback_baseline(
    sections, feedback_path=feedback_path, mapping=feedback_mapping,
    lexicon_path=feedback_lexicon_path, classes_from=feedback_classes_from,
    window=loaded.window, period=period, language=language, confidence=1 - alpha)
show(feedback)
complaints = complaints_baseline(
    sections, complaints_path=complaints_path, mapping=complaints_mapping,
    snapshot=complaints_snapshot, window=loaded.window, language=language,
    confidence=1 - alpha)
show(complaints)

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
show(summary_section(headline, stability, plan, sections))
write_results(results_path, baseline_results(
    sections, loaded, scorecard, headline, stability, resolve, sla, pareto, segments, scores,
    plan, unit_comparison, feedback, complaints, window=(start, end), period=settings.period_label,
))
