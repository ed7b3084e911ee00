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
start: str = "2026-01-05"  # first day of the baseline window (inclusive; "" from the first)
end: str = "2026-04-06"  # first day after the baseline window (exclusive; "" to the last)
period: str = "W"  # time unit of the charts: D (day), W (week) or M (month)
kpis: list = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "nps",
              "complaint_rate", "reopen_rate", "resolution_rate"]  # scorecard (those supported)
headline_kpi: str = ""  # KPI analysed for stability and sample size ("": first supported of kpis)
segment_column: str = "channel"  # column to break KPIs down by ("" for none)
target_value: float = 0.0  # headline target (fraction for rates, minutes for times; 0 if none)
target_direction: str = ""  # "higher" or "lower" is better ("": the KPI's own)
sla_first_response_minutes: float = 240.0  # SLA: first response within this many minutes
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
alpha: float = 0.05  # significance level the Check stage will use
power: float = 0.8  # wanted probability that the Check stage detects the target change
composite_weights: list = [0.5, 0.3, 0.2]  # weights of satisfaction, efficiency, compliance (4.2)
surveys_path: str = ""  # questionnaire answers for CSI ("" for off)
audits_path: str = ""  # process audits for TPS ("" for off)
mystery_shopper_path: str = ""  # mystery-shopper visits for TDS ("" for off)
standards_path: str = ""  # weighted service standards ("" for off)
rule_set: str = "nhs"  # special-cause rules on the control chart: nhs, western_electric, nelson
rebases: list = []  # [date, cycle, reason]: new limits from that date; pdca run adds adopted ones
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
import pandas as pd

from pdcakit import data, metrics, plots, spc
from pdcakit.fileio import atomic_write_json
from pdcakit.stages.baseline import BaselineSettings, headline_series
from pdcakit.stages.display import estimates_table, say, show_figure, table
from pdcakit.stages.planning import period_design_effect, sample_size_plan
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Sections,
    file_sources,
    headline_record,
    load_options,
    mapping_file,
    snapshot_words,
)

settings = BaselineSettings.check(
    kpis=kpis, headline_kpi=headline_kpi, period=period, target_value=target_value,
    target_direction=target_direction, alpha=alpha, power=power,
    composite_weights=composite_weights, segment_column=segment_column,
)
results: dict = {"schema": RESULTS_SCHEMA, "stage": "baseline",
                 "window": {"start": start, "end": end}, "period": settings.period_label}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
ledger = Sections.of(None)
tickets = data.load_tickets(
    ledger.read("data_path", data_path),
    (ledger.read("mapping", mapping) if mapping_file(mapping) else mapping) or None,
    window=(start or None, end or None),
    **load_options(on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                   dayfirst=dayfirst),
)
sections = Sections.of(tickets)
sections.inputs.update(ledger.inputs)
results["skipped"], results["inputs"] = sections.skipped, sections.inputs
n_open = int(tickets["is_open"].sum()) if "is_open" in tickets else None
say(
    f"**{len(tickets):,} tickets** created "
    f"{f'from {start}' if start else 'from the first ticket'} to "
    f"{f'before {end}' if end else 'the last'} "
    f"({tickets['created_at'].min():%d %b %Y} to {tickets['created_at'].max():%d %b %Y}). "
    + (f"**{n_open:,} ({n_open / len(tickets):.1%}) were still open** when the data were "
       f"exported on {tickets.attrs['snapshot']:%d %b %Y %H:%M} (export time "
       f"{snapshot_words(tickets, snapshot)}). Open tickets stay in every duration KPI as "
       "censored observations: they are known to have taken at least as long as they have "
       "been open." if n_open is not None else
       "The export has no resolved_at column, so open and resolved tickets cannot be told "
       "apart.")
)
for warning in tickets.attrs.get("warnings", []):
    say(f"Note: {warning}")
results["data"] = {"tickets": len(tickets), "open": n_open,
                   "first_created": tickets["created_at"].min(),
                   "last_created": tickets["created_at"].max(),
                   "snapshot": tickets.attrs.get("snapshot"),
                   "snapshot_source": snapshot_words(tickets, snapshot)}

# %% [markdown]
# ## 2. KPI scorecard
#
# Each KPI this export supports, with its confidence interval: Wilson intervals for
# rates, t intervals for means, Kaplan-Meier medians for durations (open tickets censored).
# A KPI whose columns the export lacks is listed with the column that would enable it.

# %% tags=["remove-input"]
usable = sections.kpis(settings.kpis)
scorecard = metrics.scorecard(
    tickets, usable, sla_first_response_minutes=sla_first_response_minutes,
    sla_resolution_hours=sla_resolution_hours,
) if usable else metrics.Scorecard(estimates={}, skipped={})
if scorecard.estimates:
    table(estimates_table(scorecard.estimates))
for key, reason in scorecard.skipped.items():
    sections.skip(key, reason, label=metrics.KPIS[key].name)
results["kpis"] = {key: est.as_dict() for key, est in scorecard.estimates.items()}

# %% [markdown]
# ## 3. Is the headline KPI stable?
#
# A run chart tests for non-random variation with Anhøj's rules (an unusually long run on
# one side of the median, or too few crossings of it). The control chart adds 3-sigma
# limits: points outside them are special causes to investigate before any change is
# judged. A before/after comparison on an unstable baseline can mislead.

# %% tags=["remove-input"]
headline = sections.headline(settings.headline_kpi, settings.kpis)
series = run = chart = None
if headline is not None:
    settings = settings.with_headline(headline)
    series = headline_series(tickets, settings)
    run = spc.run_chart(series.values, labels=series.periods)
    say(f"**{series.title}, run chart:** {run.sentence}")
    show_figure(series.figure(centre=run.centre, target=settings.target_value,
                              events=cycle_events))
    results["headline"] = headline_record(headline, period, series.baseline_estimate, series)

# %% tags=["remove-input"]
if series is not None:
    chart = series.control_chart(rebases=rebases)
    rules = chart.rules(rule_set)
    say(f"**{series.title}, {chart.name}:** {chart.sentence}")
    say(f"**Special-cause rules ({rule_set}):** {rules.sentence}")
    show_figure(series.figure(
        chart, signals=[bool(f) for f in rules.flags], target=settings.target_value,
        events=cycle_events,
        title=f"{series.title} per {settings.period_label}: {chart.name} ({rule_set} rules)",
    ))
    results["stability"] = {"kpi": headline,
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
if chart is not None:
    disagreements = chart.rule_disagreements([f"{p:%Y-%m-%d}" for p in series.periods])
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
if sections.runs("time_to_resolve", "created_at", "resolved_at"):
    resolve = metrics.time_to_resolve(tickets)
    say(resolve.sentence)
    minute = pd.Timedelta(minutes=1)
    show_figure(plots.duration_histogram(
        ((tickets["resolved_at"] - tickets["created_at"]) / minute).dropna(),
        median=None if resolve.median is None else resolve.median / minute,
        p90=None if resolve.p90 is None else resolve.p90 / minute,
        threshold=sla_resolution_hours * 60, unit="minutes",
        title="Time to resolve (resolved tickets)",
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
sla = {}
if sections.runs("sla_first_response", "created_at", "first_response_at"):
    sla["first_response"] = metrics.sla_attainment(
        tickets, threshold_minutes=sla_first_response_minutes, event="first_response")
if sections.runs("sla_resolution", "created_at", "resolved_at"):
    sla["resolution"] = metrics.sla_attainment(
        tickets, threshold_minutes=sla_resolution_hours * 60, event="resolution")
if sla:
    table(estimates_table(sla))
results["sla"] = {key: est.as_dict() for key, est in sla.items()}

# %% [markdown]
# ## 6. Where does the work come from? (Pareto)

# %% tags=["remove-input"]
results["pareto"] = {}
if sections.runs("pareto", "category"):
    pareto = metrics.pareto(tickets, "category")
    show_figure(plots.pareto_chart(pareto.index, pareto["count"],
                                   title="Tickets by category", xlabel="Category"))
    results["pareto"]["tickets"] = pareto["count"].to_dict()
if sections.runs("complaints_pareto", "category", "complaint"):
    complaints = metrics.pareto(tickets, "category", where="complaint")
    if len(complaints):
        show_figure(plots.pareto_chart(complaints.index, complaints["count"],
                                       title="Complaints by category",
                                       ylabel="Number of complaints", xlabel="Category"))
    results["pareto"]["complaints"] = complaints["count"].to_dict()

# %% [markdown]
# ## 7. Segments

# %% tags=["remove-input"]
segment_kpis = tuple(key for key in usable if key in scorecard.estimates)
if not settings.segment_column:
    sections.skip("segments", "off: give segment_column (e.g. channel) to enable it")
elif sections.segments(tickets, settings.segment_column):
    segments = metrics.segment_estimates(
        tickets, settings.segment_column, segment_kpis,
        sla_first_response_minutes=sla_first_response_minutes,
        sla_resolution_hours=sla_resolution_hours)
    table(metrics.segment_table(segments))
    results["segments"] = {"by": settings.segment_column,
                           "values": {segment: {key: est.as_dict() for key, est in found.items()}
                                      for segment, found in segments.items()}}

# %% [markdown]
# ## 8. Audits, mystery shopping, standards and the composite score
#
# Process audit total TPS = normativity + efficiency + experience; mystery-shopper total
# TDS = attitude + knowledge + speed (each 0-10, so totals are 0-30), from the audits and
# visits dated inside the baseline window; CSI is the mean questionnaire score (1-5);
# standards conformance is the weighted sum of each standard's conformance; the composite
# score weighs satisfaction (CSAT), efficiency (first-response SLA attainment) and
# compliance (standards conformance). Each comes from its own table, named with its figure.

# %% tags=["remove-input"]
scores = {}
tables = {"csi": ("surveys_path", surveys_path, "surveys", metrics.csi),
          "audit": ("audits_path", audits_path, "audits", metrics.audit_score),
          "mystery_shopper": ("mystery_shopper_path", mystery_shopper_path, "mystery_shopper",
                              metrics.mystery_shopper_score),
          "standards": ("standards_path", standards_path, "standards",
                        metrics.standards_conformance)}
if not any(path for _, path, _, _ in tables.values()):
    sections.skip("scores", "off: give surveys_path, audits_path, mystery_shopper_path or "
                  "standards_path (the tables of section 8) to enable it")
else:
    for key, (parameter, path, kind, score) in tables.items():
        window = None if kind == "standards" else (start or None, end or None)
        frame = sections.table(parameter, path, kind, key=key, window=window)
        if frame is not None:
            scores[key] = score(frame)
    composite = settings.composite(scorecard.estimates, scores, sla)
    if composite is not None:
        scores["composite"] = composite
    else:
        sections.skip("composite", settings.composite_needs(scorecard.estimates, scores, sla))
sources = file_sources(sections, {key: parameter for key, (parameter, *_) in tables.items()})
if "composite" in scores:
    sources["composite"] = f"the tickets and {sources['standards']}"
for key, est in scores.items():
    say(f"- {est.name}: {est.format(2)} (from {sources[key]}).")
if scores:
    table(estimates_table(scores, digits=2, sources=sources))
    results["scores"] = {key: {**est.as_dict(), "source": sources.get(key)}
                         for key, est in scores.items()}

# %% [markdown]
# ## 9. Sample-size plan for the Check stage
#
# Planned for the test the Check stage will run, at the level its verdict will use: the
# significance level divided by the number of KPIs this export supports (the first step
# of the Holm adjustment the Check applies across them), with the tickets multiplied by
# the design effect when the baseline's periods vary more than chance. Durations are
# planned for the log-rank test, with the share of tickets that finish.

# %% tags=["remove-input"]
plan = None
if series is None:
    sections.skip("sample_size", "needs a headline KPI (see section 3)")
elif settings.target_value is None:
    sections.skip("sample_size", "off: give target_value (the aim's target for "
                  f"{series.title}) to enable it")
else:
    counts = series.counts.astype(float)
    finished = (1 - series.open_counts.sum() / counts.sum()
                if series.n_open is not None and counts.sum() > 0 else 1.0)
    try:
        plan = sample_size_plan(
            series.plan_kind, baseline=series.plan_baseline, target=settings.target_value,
            sd=series.plan_sd, volume_per_period=series.volume_per_period,
            period_label=settings.period_label, alpha=alpha, power=power,
            family_size=max(len(usable), 1),
            design_effect=period_design_effect(series.plan_kind, series.values,
                                               series.denominators, sd=series.plan_sd),
            share_finished=max(finished, 0.01),
        )
    except ValueError as exc:
        sections.skip("sample_size", str(exc))
if plan is not None:
    say(plan.sentence)
    say(f"Method: {plan.method}.")
    show_figure(plots.power_curve(
        plan.curve_sizes, plan.curve_powers, target_power=power, required_n=plan.n_per_group,
        title=f"Tickets needed to detect {series.title} reaching the target",
        xlabel="Tickets in each group (before and after)",
    ))
    results["sample_size"] = plan.as_dict()
if series is not None:
    results["target"] = {"kpi": headline, "value": settings.target_value,
                         "direction": settings.target_direction,
                         "baseline": series.baseline_estimate.as_dict(),
                         "met": settings.target_met(series.baseline_estimate.value)}

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
if series is None:
    say("No headline KPI could be computed from this export: the lines above name the "
        "columns that would enable one.")
else:
    met = results["target"]["met"]
    say(
        f"**{series.title}** is {series.baseline_estimate.format()}"
        + ("" if met is None else
           f" and {'already meets' if met else 'does not yet meet'} the target of "
           f"{series.format(settings.target_value)}")
        + ". The baseline is "
        + ("**not stable**: investigate the signals before testing a change"
           if run.signal or chart.any_signal else "stable (no special-cause signal)")
        + ("." if plan is None else
           f". The Check stage needs about {plan.n_per_group:,} tickets on each side of the "
           f"change ({plan.periods_needed} {settings.period_label}"
           f"{'s' if plan.periods_needed != 1 else ''} each).")
    )
if sections.skipped:
    say(f"Skipped on this export: {', '.join(sections.skipped)} (each line above names what "
        "would enable it).")
if results_path:
    atomic_write_json(results_path, results)
