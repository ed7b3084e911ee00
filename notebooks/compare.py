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
# those created after it. For every KPI it reports the change with its 95% confidence
# interval, the test used and why it fits the data, the p-value before and after adjusting
# for testing many KPIs at once, an effect size, whether the target is met and whether the
# sample could detect the change aimed for. Then it looks at the time series (a before/after
# test on a drifting process can mislead), the distributions, the segments, whether a shift
# in the ticket mix explains the change, and the training effect.
#
# Rerun it with papermill or `pdca run CYCLE compare -p NAME VALUE`.

# %% tags=["parameters"]
data_path: str = "../data/demo/tickets.csv"  # tickets export: CSV, Parquet or Excel
mapping: str = ""  # column mapping: YAML file, preset name (e.g. zh_helpdesk), "" if canonical
change_date: str = "2026-04-06"  # day the change went live: first day of the after window
weeks_before: int = 13  # weeks of tickets before the change date to compare
weeks_after: int = 13  # weeks of tickets from the change date on
before: list = []  # explicit before window [start, end) as two dates; overrides change_date
after: list = []  # explicit after window [start, end) as two dates; overrides change_date
period: str = "W"  # time unit of the phase charts: D (day), W (week) or M (month)
kpis: list = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean",
              "nps", "complaint_rate", "reopen_rate"]  # KPIs to compare (the family adjusted)
targets: dict = {"fcr": 0.74}  # target per KPI: fraction for rates, minutes for times
alpha: float = 0.05  # significance level
multiplicity: str = "holm"  # p-value adjustment across KPIs: holm, bh or none
power: float = 0.8  # power for the minimum detectable change
time_view_kpis: list = ["fcr", "first_response_time", "aht"]  # KPIs drawn per period
segment_column: str = "channel"  # column for the segment forest plots ("" for none)
segment_kpis: list = ["fcr", "first_response_time", "aht"]  # KPIs compared per segment
mix_column: str = "category"  # column whose mix is checked for Simpson's paradox ("" none)
mix_kpis: list = ["fcr", "aht"]  # rate or mean KPIs given the mix-adjusted comparison
sla_first_response_minutes: float = 240.0  # SLA: first response within this many minutes
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
training_path: str = "../data/demo/training.csv"  # pre/post training scores ("" to skip)
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
import pandas as pd

from pdcakit import data, metrics, plots, spc, stats
from pdcakit.baseline import load_optional_table
from pdcakit.check import (
    CompareSettings,
    Windows,
    compare_kpis,
    mix_check,
    phase_view,
    segment_changes,
    training_check,
)
from pdcakit.fileio import atomic_write_json
from pdcakit.results import format_value
from pdcakit.show import say, show_figure, table

settings = CompareSettings.check(
    kpis=kpis, alpha=alpha, power=power, multiplicity=multiplicity, targets=targets,
    period=period, sla_first_response_minutes=sla_first_response_minutes,
    sla_resolution_hours=sla_resolution_hours,
)
windows = (Windows.explicit(before, after) if before or after
           else Windows.around(change_date, weeks_before=weeks_before, weeks_after=weeks_after))
results: dict = {"stage": "compare", "windows": windows.as_dict(), "alpha": alpha,
                 "multiplicity": multiplicity}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
tickets = data.load_tickets(data_path, mapping or None,
                            window=(windows.before_start, windows.after_end))
tickets_before, tickets_after = windows.split(tickets)
say(
    f"Windows by ticket creation date: {windows.describe()}. **{len(tickets_before):,} "
    f"tickets before** and **{len(tickets_after):,} after**; "
    f"{int(tickets_before['is_open'].sum()):,} and {int(tickets_after['is_open'].sum()):,} "
    f"still open at the export of {tickets.attrs['snapshot']:%d %b %Y %H:%M}. Open tickets "
    "stay in the duration comparisons as censored observations."
)
for warning in tickets.attrs.get("warnings", []):
    say(f"Note: {warning}")
results["data"] = {"before": len(tickets_before), "after": len(tickets_after),
                   "open_before": int(tickets_before["is_open"].sum()),
                   "open_after": int(tickets_after["is_open"].sum())}

# %% [markdown]
# ## 2. Verdict for every KPI
#
# One sentence per KPI, then the full table. "Change" is after minus before (percentage
# points for rates). The p-values are adjusted for testing several KPIs at once, so a
# chance finding among many is not reported as an effect. "Detectable change" is the
# smallest change these sample sizes find with the stated power: when it exceeds the change
# the target asks for, a "no significant change" verdict means "not enough data", not
# "no effect".

# %% tags=["remove-input"]
verdicts = compare_kpis(tickets_before, tickets_after, settings)
for sentence in verdicts.sentences:
    say(f"- {sentence}")
say(verdicts.adjustment_sentence)
table(verdicts.frame(), index=False)
for key, reason in verdicts.skipped.items():
    say(f"Not compared: **{key}**: {reason}")
results["kpis"] = verdicts.as_dict()["kpis"]
results["skipped"] = dict(verdicts.skipped)

# %% [markdown]
# ### Why each test
#
# The test follows from the kind of KPI and from checks of the data, by these rules
# (`pdcakit.stats.choose`):

# %% tags=["remove-input"]
for rule in stats.RULES:
    say(f"- {rule}")
table(pd.DataFrame([{"KPI": c.name, "Test": c.comparison.test,
                     "Why": c.comparison.reason.removeprefix("Why this test: "),
                     "Assumptions": "; ".join(c.comparison.assumptions)}
                    for c in verdicts.changes]), index=False)

# %% [markdown]
# ## 3. Over time: was the process stable, and did it shift at the change?
#
# Each chart splits at the change date and computes the limits separately for each period.
# Signals before the change mean the baseline was already moving, which a before/after
# test cannot tell apart from the change's effect.

# %% tags=["remove-input"]
results["time_view"] = {}
for key in time_view_kpis:
    view = phase_view(tickets, key, windows, period=period, params=settings.params)
    say(f"**{view.title}:** {view.sentence}")
    show_figure(view.figure(target=settings.targets.get(key),
                            period_word=dict(D="day", W="week", M="month")[period],
                            events=cycle_events))
    results["time_view"][key] = view.as_dict()
    target = settings.targets.get(key)
    verdict = view.assurance(target) if target is not None else None
    if verdict is not None:
        shown = format_value(target, metrics.KPIS[key].unit)
        say(f"Assurance against the target ({shown}): **{verdict}**. In the after period "
            f"{spc.ASSURANCE_MEANING[verdict]} (NHS Making Data Count's assurance view).")
        results["time_view"][key]["assurance"] = {"target": target, "verdict": verdict}

# %% [markdown]
# ## 4. Distributions before and after
#
# Durations: Kaplan-Meier curves, the share of tickets still waiting after each number of
# hours, with open tickets counted for as long as they have been open. Handle time: the
# cumulative distribution of handled tickets.

# %% tags=["remove-input"]
for key in ("first_response_time", "time_to_resolve"):
    if key not in kpis:
        continue
    curves = {}
    for label, part in (("Before", tickets_before), ("After", tickets_after)):
        summary = metrics.KPIS[key].func(part)
        curves[f"{label} (median {summary.median / pd.Timedelta(hours=1):.1f} h)"] = (
            summary.curve.times / 60, summary.curve.survival)
    show_figure(plots.survival_curve(
        curves, title=f"{metrics.KPIS[key].name}: share of tickets still waiting",
        ylabel="Share of tickets still waiting", xlabel="Hours since the ticket was created",
        xmax=72,
    ))
if "handle_minutes" in tickets:
    show_figure(plots.ecdf_plot(
        {"Before": tickets_before["handle_minutes"], "After": tickets_after["handle_minutes"]},
        title="Handle time before and after the change", xlabel="Handle time (minutes, log scale)",
        ylabel="Share of tickets handled within", log_x=True,
    ))

# %% [markdown]
# ## 5. Segments: where did it change?
#
# The change within each segment with its 95% confidence interval; the p-values are
# adjusted across the segments. The shaded band is the change over all tickets.

# %% tags=["remove-input"]
results["segments"] = {}
if segment_column:
    for key in segment_kpis:
        found = segment_changes(tickets_before, tickets_after, key, segment_column, settings)
        frame = found.frame()
        overall = verdicts[key] if key in {c.key for c in verdicts.changes} else None
        spec = metrics.KPIS[key]
        percent_points = spec.unit == "fraction"
        unit = "percentage points" if percent_points else spec.unit
        show_figure(plots.forest_plot(
            frame["segment"], frame["difference"], frame["ci_low"], frame["ci_high"],
            significant=frame["p_adjusted"] < alpha,
            overall=None if overall is None else (overall.difference, *overall.difference_ci),
            title=f"{spec.name}: change by {segment_column} (after - before)",
            xlabel=f"Change in {spec.name.lower()} ({unit})", percent_points=percent_points,
        ))
        for change in found.table.changes:
            if change.significant:
                say(f"- {change.sentence}")
        for segment, reason in found.table.skipped.items():
            say(f"- {segment_column} {segment}: not compared ({reason}).")
        results["segments"][key] = found.as_dict()
else:
    say("No segment column given: segment comparison skipped.")

# %% [markdown]
# ## 6. Did the mix of tickets change? (Simpson's paradox check)
#
# If the share of ticket types moved between the periods, a crude before/after difference
# can come from the mix rather than from the change. The mix-adjusted comparison weighs
# each type's own change by its share of all tickets (Mantel-Haenszel for rates).

# %% tags=["remove-input"]
results["mix"] = {}
if mix_column:
    for key in mix_kpis:
        check = mix_check(tickets_before, tickets_after, key, mix_column,
                          confidence=1 - alpha, params=settings.params)
        say(f"**{metrics.KPIS[key].name}:** {check.sentence}")
        results["mix"][key] = check.as_dict()
    mix_table = check.mix[[mix_column, "share before", "share after", "share change"]].copy()
    for column in ("share before", "share after"):
        mix_table[column] = mix_table[column].map("{:.1%}".format)
    mix_table["share change"] = mix_table["share change"].map(lambda v: f"{100 * v:+.1f} pts")
    table(mix_table, index=False)
else:
    say("No mix column given: mix check skipped.")

# %% [markdown]
# ## 7. Training effect (source 3.2.3)
#
# Training effect % = (mean score after training - mean before) / mean before, for the
# people trained, with the paired test of their scores.

# %% tags=["remove-input"]
training = load_optional_table(training_path, "training")
if training is not None:
    effect, paired = training_check(training, confidence=1 - alpha)
    say(f"**Training effect:** {effect.format()} ({effect.extra['mean_pre']:.1f} to "
        f"{effect.extra['mean_post']:.1f} points on average; {effect.extra['n_improved']} of "
        f"{effect.n} people improved). {paired.sentence}")
    results["training"] = {"effect": effect.as_dict(), "test": paired.as_dict()}
else:
    say("No training table given: section skipped.")

# %% [markdown]
# ## Summary

# %% tags=["remove-input"]
improved = [c.name for c in verdicts.changes if c.direction == "improved"]
worsened = [c.name for c in verdicts.changes if c.direction == "worsened"]
unchanged = [c.name for c in verdicts.changes if c.direction == "no significant change"]
unstable = [v["kpi"] for v in results["time_view"].values() if v["baseline_unstable"]]
say(
    f"**Improved:** {', '.join(improved) or 'none'}. **Worse:** {', '.join(worsened) or 'none'}. "
    f"**No detectable change:** {', '.join(unchanged) or 'none'}. "
    + (f"Targets met: {', '.join(c.name for c in verdicts.changes if c.target_met)}. "
       if any(c.target_met for c in verdicts.changes) else "No target is met yet. ")
    + (f"Caution: the baseline of {', '.join(unstable)} was not stable." if unstable else
       "The charted baselines were stable, so the before/after tests are not confounded by "
       "an earlier drift.")
)
results["summary"] = {"improved": improved, "worsened": worsened, "unchanged": unchanged,
                      "unstable_baseline": unstable}
if results_path:
    atomic_write_json(results_path, results)
