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
# **PDCA stage: Plan.** This notebook measures the service before a change: every KPI with
# its 95% confidence interval, whether the headline KPI is stable over time (run chart with
# Anhøj's rules, control chart), how long tickets take (open tickets counted, not dropped),
# SLA attainment, where the work comes from (Pareto), how segments differ, the audit,
# mystery-shopper, standards and composite scores, and how many tickets the Check stage
# needs to detect the target change.
#
# Rerun it on your own export with papermill or `pdca run CYCLE baseline -p NAME VALUE`.

# %% tags=["parameters"]
data_path: str = "../data/demo/tickets.csv"  # tickets export: CSV, Parquet or Excel
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
start: str = "2026-01-05"  # first day of the baseline window (inclusive)
end: str = "2026-04-06"  # first day after the baseline window (exclusive)
period: str = "W"  # time unit of the charts: D (day), W (week) or M (month)
kpis: list = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "nps",
              "complaint_rate", "reopen_rate", "resolution_rate"]  # KPIs of the scorecard
headline_kpi: str = "fcr"  # KPI whose stability, target and sample size are analysed
segment_column: str = "channel"  # column to break KPIs down by ("" for none)
target_value: float = 0.74  # target of the headline KPI (fraction for rates, minutes for times)
target_direction: str = "higher"  # "higher" or "lower": which way is better
sla_first_response_minutes: float = 240.0  # SLA: first response within this many minutes
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
alpha: float = 0.05  # significance level the Check stage will use
power: float = 0.8  # wanted probability that the Check stage detects the target change
composite_weights: list = [0.5, 0.3, 0.2]  # weights of satisfaction, efficiency, compliance (4.2)
surveys_path: str = "../data/demo/surveys.csv"  # questionnaire answers for CSI ("" to skip)
audits_path: str = "../data/demo/audits.csv"  # process audits for TPS ("" to skip)
mystery_shopper_path: str = "../data/demo/mystery_shopper.csv"  # visits for TDS ("" to skip)
standards_path: str = "../data/demo/standards.csv"  # weighted service standards ("" to skip)
rule_set: str = "nhs"  # special-cause rules on the control chart: nhs, western_electric, nelson
rebases: list = []  # [date, cycle, reason]: new limits from that date; pdca run adds adopted ones
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
import pandas as pd

from pdcakit import data, metrics, plots, spc
from pdcakit.baseline import BaselineSettings, headline_series, load_optional_table
from pdcakit.fileio import atomic_write_json
from pdcakit.planning import sample_size_plan
from pdcakit.show import estimates_table, say, show_figure, table

settings = BaselineSettings.check(
    kpis=kpis, headline_kpi=headline_kpi, period=period, target_value=target_value,
    target_direction=target_direction, alpha=alpha, power=power,
    composite_weights=composite_weights, segment_column=segment_column,
)
results: dict = {"stage": "baseline", "window": {"start": start, "end": end},
                 "period": settings.period_label}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
tickets = data.load_tickets(data_path, mapping or None, window=(start, end))
n_open = int(tickets["is_open"].sum())
say(
    f"**{len(tickets):,} tickets** created from {start} to before {end} "
    f"({tickets['created_at'].min():%d %b %Y} to {tickets['created_at'].max():%d %b %Y}); "
    f"**{n_open:,} ({n_open / len(tickets):.1%}) were still open** when the data were "
    f"exported on {tickets.attrs['snapshot']:%d %b %Y %H:%M}. Open tickets stay in every "
    "duration KPI as censored observations: they are known to have taken at least as long "
    "as they have been open."
)
for warning in tickets.attrs.get("warnings", []):
    say(f"Note: {warning}")
results["data"] = {"tickets": len(tickets), "open": n_open,
                   "first_created": tickets["created_at"].min(),
                   "last_created": tickets["created_at"].max()}

# %% [markdown]
# ## 2. KPI scorecard
#
# Each KPI with its 95% confidence interval: Wilson intervals for rates, t intervals for
# means, Kaplan-Meier medians for durations (open tickets censored).

# %% tags=["remove-input"]
scorecard = metrics.scorecard(
    tickets, kpis, sla_first_response_minutes=sla_first_response_minutes,
    sla_resolution_hours=sla_resolution_hours,
)
table(estimates_table(scorecard.estimates))
for key, reason in scorecard.skipped.items():
    say(f"Not computed: **{key}**: {reason}")
results["kpis"] = {key: est.as_dict() for key, est in scorecard.estimates.items()}

# %% [markdown]
# ## 3. Is the headline KPI stable?
#
# A run chart tests for non-random variation with Anhøj's rules (an unusually long run on
# one side of the median, or too few crossings of it). The control chart adds 3-sigma
# limits: points outside them are special causes to investigate before any change is
# judged. A before/after comparison on an unstable baseline can mislead.

# %% tags=["remove-input"]
series = headline_series(tickets, settings)
run = spc.run_chart(series.values)
say(f"**{series.title}, run chart:** {run.sentence}")
show_figure(plots.control_chart(
    series.periods, series.values, centre=run.centre, target=target_value,
    title=f"{series.title} per {settings.period_label}: run chart", ylabel=series.ylabel,
    centre_label="Median", percent=series.percent, events=cycle_events,
))

# %% tags=["remove-input"]
chart = series.control_chart(rebases=rebases)
sigma = (chart.ucl_line - chart.centre_line) / 3
rules = spc.apply_rules(chart.values, centre=chart.centre_line, sigma=sigma, rule_set=rule_set)
say(f"**{series.title}, {chart.name}:** {chart.sentence}")
say(f"**Special-cause rules ({rule_set}):** {rules.sentence}")
show_figure(plots.control_chart(
    series.periods, chart.values, centre=chart.centre_line, lcl=chart.lcl_line,
    ucl=chart.ucl_line, signals=[bool(f) for f in rules.flags], target=target_value,
    title=f"{series.title} per {settings.period_label}: {chart.name} ({rule_set} rules)",
    ylabel=series.ylabel, centre_label="Mean", percent=series.percent, events=cycle_events,
    phase_starts=chart.phase_starts,
))
results["stability"] = {"kpi": headline_kpi,
                        "run_chart": {**run.as_dict(),
                                      "autocorrelation": spc.autocorrelation(
                                          series.values).as_dict()},
                        "control_chart": chart.as_dict(), "rules": rules.as_dict()}

# %% [markdown]
# ### Do the rule sets agree?
#
# Rule sets differ in what they call a signal: Western Electric and Nelson add zone tests,
# NHS "Making Data Count" looks for shifts and trends, Anhøj's run rules adapt their limits
# to the number of points. The table lists every period that some sets flag and others do
# not; an empty table means all four agree on this chart.

# %% tags=["remove-input"]
disagreements = spc.compare_rule_sets(
    chart.values, centre=chart.centre_line, sigma=sigma,
    labels=[f"{p:%Y-%m-%d}" for p in series.periods])
if disagreements.empty:
    say("All four rule sets agree on every period of this chart.")
else:
    table(disagreements, index=False)
results["stability"]["rule_disagreements"] = disagreements.to_dict("records")

# %% [markdown]
# ## 4. How long do tickets take?
#
# Durations are skewed: a few tickets take far longer than most, so the median and the
# 90th percentile describe them better than the mean. Both come from the Kaplan-Meier
# estimate, which counts open tickets as "at least this long" instead of dropping them.

# %% tags=["remove-input"]
resolve = metrics.time_to_resolve(tickets)
say(resolve.sentence)
resolved_hours = (tickets["resolved_at"] - tickets["created_at"]).dt.total_seconds() / 3600
show_figure(plots.duration_histogram(
    resolved_hours.dropna(), median=resolve.median / pd.Timedelta(hours=1),
    p90=resolve.p90 / pd.Timedelta(hours=1) if resolve.p90 is not None else None,
    threshold=sla_resolution_hours, unit="hours", title="Time to resolve (resolved tickets)",
    xlabel="Hours from creation to resolution (log scale)",
    median_label="Median (Kaplan-Meier, open tickets counted)",
))
results["time_to_resolve"] = resolve.as_dict()

# %% [markdown]
# ## 5. SLA attainment
#
# The share of tickets that met each service-level threshold. An open ticket already older
# than the threshold counts as a miss; one younger than the threshold cannot be judged yet
# and is left out.

# %% tags=["remove-input"]
sla = {
    "first_response": metrics.sla_attainment(
        tickets, threshold_minutes=sla_first_response_minutes, event="first_response"),
    "resolution": metrics.sla_attainment(
        tickets, threshold_minutes=sla_resolution_hours * 60, event="resolution"),
}
table(estimates_table(sla))
results["sla"] = {key: est.as_dict() for key, est in sla.items()}

# %% [markdown]
# ## 6. Where does the work come from? (Pareto)

# %% tags=["remove-input"]
pareto = metrics.pareto(tickets, "category")
show_figure(plots.pareto_chart(pareto.index, pareto["count"],
                               title="Tickets by category", xlabel="Category"))
complaints = metrics.pareto(tickets, "category", where="complaint")
if len(complaints):
    show_figure(plots.pareto_chart(complaints.index, complaints["count"],
                                   title="Complaints by category", ylabel="Number of complaints",
                                   xlabel="Category"))
results["pareto"] = {"tickets": pareto["count"].to_dict(),
                     "complaints": complaints["count"].to_dict()}

# %% [markdown]
# ## 7. Segments

# %% tags=["remove-input"]
if settings.segment_column and settings.segment_column in tickets:
    segments = metrics.segment_estimates(
        tickets, settings.segment_column, settings.segment_kpis(tickets),
        sla_first_response_minutes=sla_first_response_minutes,
        sla_resolution_hours=sla_resolution_hours)
    table(metrics.segment_table(segments))
    results["segments"] = {"by": settings.segment_column,
                           "values": {segment: {key: est.as_dict() for key, est in found.items()}
                                      for segment, found in segments.items()}}
else:
    say("No segment column given, or the data have no such column: segment table skipped.")

# %% [markdown]
# ## 8. Audits, mystery shopping, standards and the composite score
#
# Process audit total TPS = normativity + efficiency + experience; mystery-shopper total
# TDS = attitude + knowledge + speed (each 0-10, so totals are 0-30), from the audits and
# visits dated inside the baseline window; CSI is the mean questionnaire score (1-5);
# standards conformance is the weighted sum of each standard's conformance; the composite
# score weighs satisfaction (CSAT), efficiency (first-response SLA attainment) and
# compliance (standards conformance).

# %% tags=["remove-input"]
scores = {}
surveys = load_optional_table(surveys_path, "surveys", (start, end))
if surveys is not None:
    scores["csi"] = metrics.csi(surveys)
audits = load_optional_table(audits_path, "audits", (start, end))
if audits is not None:
    scores["audit"] = metrics.audit_score(audits)
visits = load_optional_table(mystery_shopper_path, "mystery_shopper", (start, end))
if visits is not None:
    scores["mystery_shopper"] = metrics.mystery_shopper_score(visits)
standards = load_optional_table(standards_path, "standards")
if standards is not None:
    scores["standards"] = metrics.standards_conformance(standards)
composite = settings.composite(scorecard.estimates, scores, sla)
if composite is not None:
    scores["composite"] = composite
if scores:
    table(estimates_table(scores, digits=2))
    results["scores"] = {key: est.as_dict() for key, est in scores.items()}
else:
    say("No audit, mystery-shopper, survey or standards tables given: section skipped.")

# %% [markdown]
# ## 9. Sample-size plan for the Check stage

# %% tags=["remove-input"]
baseline_estimate = series.baseline_estimate
plan = sample_size_plan(
    series.plan_kind, baseline=series.plan_baseline, target=target_value,
    sd=series.plan_sd, volume_per_period=series.volume_per_period,
    period_label=settings.period_label, alpha=alpha, power=power,
)
say(plan.sentence)
say(f"Method: {plan.method}.")
show_figure(plots.power_curve(
    plan.curve_sizes, plan.curve_powers, target_power=power, required_n=plan.n_per_group,
    title=f"Tickets needed to detect {series.title} reaching the target",
    xlabel="Tickets in each group (before and after)",
))
results["sample_size"] = plan.as_dict()
results["target"] = {"kpi": headline_kpi, "value": target_value, "direction": target_direction,
                     "baseline": baseline_estimate.as_dict(),
                     "met": settings.target_met(baseline_estimate.value)}

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
verdict = "already meets" if results["target"]["met"] else "does not yet meet"
say(
    f"**{series.title}** is {baseline_estimate.format()} and {verdict} the target of "
    f"{series.format(target_value)}. The baseline is "
    f"{'**not stable**: investigate the signals before testing a change' if run.signal or chart.any_signal else 'stable (no special-cause signal)'}. "  # noqa: E501
    f"The Check stage needs about {plan.n_per_group:,} tickets on each side of the change "
    f"({plan.periods_needed} {settings.period_label}{'s' if plan.periods_needed != 1 else ''} "
    "each)."
)
if results_path:
    atomic_write_json(results_path, results)
