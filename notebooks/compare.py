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
sla_first_response_minutes: float = 240.0  # SLA: first response within this many minutes
sla_resolution_hours: float = 24.0  # SLA: resolved within this many hours
training_path: str = ""  # pre/post training scores ("" for off)
cycle_events: list = []  # [date, label] pairs marked on time charts; pdca run adds the log's
results_path: str = ""  # where to write results.json (set by the runner; empty: not written)

# %% tags=["remove-input"]
# %matplotlib inline
import pandas as pd

from pdcakit import data, metrics, plots, spc, stats
from pdcakit.fileio import atomic_write_json
from pdcakit.results import format_value
from pdcakit.stages.compare import compare_kpis, mix_check, segment_changes, survival_curves
from pdcakit.stages.display import say, show_figure, table
from pdcakit.stages.explore import training_check
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Sections,
    headline_record,
    load_options,
    mapping_file,
    snapshot_words,
    source_name,
)
from pdcakit.stages.timeview import phase_view
from pdcakit.stages.windows import CompareSettings, Windows

settings = CompareSettings.check(
    kpis=kpis, alpha=alpha, power=power, multiplicity=multiplicity, targets=targets,
    period=period, headline_kpi=headline_kpi,
    kpi_lists={"time_view_kpis": time_view_kpis, "segment_kpis": segment_kpis,
               "mix_kpis": mix_kpis},
    sla_first_response_minutes=sla_first_response_minutes,
    sla_resolution_hours=sla_resolution_hours,
)
windows = Windows.from_parameters(before=before, after=after, change_date=change_date,
                                  weeks_before=weeks_before, weeks_after=weeks_after)
period_word = {"D": "day", "W": "week", "M": "month"}[period]
results: dict = {"schema": RESULTS_SCHEMA, "stage": "compare", "windows": windows.as_dict(),
                 "alpha": alpha, "multiplicity": multiplicity}

# %% [markdown]
# ## 1. The data

# %% tags=["remove-input"]
ledger = Sections.of(None)
tickets = data.load_tickets(
    ledger.read("data_path", data_path),
    (ledger.read("mapping", mapping) if mapping_file(mapping) else mapping) or None,
    window=(windows.before_start, windows.after_end),
    **load_options(on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                   dayfirst=dayfirst),
)
tickets_before, tickets_after = windows.split(tickets)
sections = Sections.of(tickets)
sections.inputs.update(ledger.inputs)
results["skipped"], results["inputs"] = sections.skipped, sections.inputs
open_counts = ([int(t["is_open"].sum()) for t in (tickets_before, tickets_after)]
               if "is_open" in tickets else None)
say(
    f"Windows by ticket creation date: {windows.describe()}. **{len(tickets_before):,} "
    f"tickets before** and **{len(tickets_after):,} after**; "
    + (f"{open_counts[0]:,} and {open_counts[1]:,} still open at the export of "
       f"{tickets.attrs['snapshot']:%d %b %Y %H:%M} (export time "
       f"{snapshot_words(tickets, snapshot)}). Open tickets stay in the duration comparisons "
       "as censored observations." if open_counts is not None else
       "the export has no resolved_at column, so open and resolved tickets cannot be told "
       "apart.")
)
for warning in tickets.attrs.get("warnings", []):
    say(f"Note: {warning}")
results["data"] = {"before": len(tickets_before), "after": len(tickets_after),
                   "open_before": None if open_counts is None else open_counts[0],
                   "open_after": None if open_counts is None else open_counts[1],
                   "snapshot_source": snapshot_words(tickets, snapshot)}

# %% [markdown]
# ## 2. Verdict for every KPI
#
# One sentence per KPI, then the full table. Each verdict is about one estimand (the
# "Estimand" column): its test, confidence interval, direction and effect size all belong
# to it; a rank test that the choice rules prefer for skewed or ordinal data is shown as a
# robustness line beside it, never mixed in. "Change" is after minus before (percentage
# points for rates). When the weeks (the `period`) vary more than chance, the verdict comes
# from a test with the periods as units, and the sentence says so and why; that p-value is
# the one adjusted for testing several KPIs at once, so a chance finding among many is not
# reported as an effect. Durations whose Kaplan-Meier curves are not proportional are
# compared on the restricted mean time up to a stated horizon, with the median and 90th
# percentile changes beside it. "Detectable change" is the smallest change these sample
# sizes find with the stated power at the level the adjustment's first step uses, allowing
# for the week-to-week variation: when it exceeds the change the target asks for, a "no
# significant change" verdict means "not enough data", not "no effect". A KPI whose columns
# the export lacks, or that cannot be compared (all open, all identical), is listed with
# the reason.

# %% tags=["remove-input"]
settings = settings.only(sections.kpis(settings.kpis))
verdicts = compare_kpis(tickets_before, tickets_after, settings)
for sentence in verdicts.sentences:
    say(f"- {sentence}")
if verdicts.changes:
    say(verdicts.adjustment_sentence)
    table(verdicts.frame(), index=False)
for key, reason in verdicts.skipped.items():
    sections.skip(key, f"not compared: {reason}", label=metrics.KPIS[key].name)
results["kpis"] = verdicts.as_dict()["kpis"]
headline = sections.headline(settings.headline_kpi, settings.kpis)

# %% [markdown]
# ### Why each test
#
# The ticket-level test follows from the kind of KPI and from checks of the data, by these
# rules; the table says which test carried each verdict and why
# (the period-level one when the weeks vary more than chance):

# %% tags=["remove-input"]
for rule in stats.RULES:
    say(f"- {rule}")
if verdicts.changes:
    table(pd.DataFrame([{"KPI": c.name, "Estimand": c.estimand,
                         "Test": c.verdict.test if c.verdict else c.comparison.test,
                         "Why": (c.verdict.why if c.verdict else
                                 c.comparison.reason.removeprefix("Why this test: ")),
                         "Assumptions": "; ".join(c.comparison.assumptions)}
                        for c in verdicts.changes]), index=False)

# %% [markdown]
# ## 3. Over time: was the process stable, and did it shift at the change?
#
# Each chart splits at the change date and computes the limits separately for each period.
# Signals before the change mean the baseline was already moving, which a before/after
# test cannot tell apart from the change's effect. The headline KPI is always drawn.

# %% tags=["remove-input"]
results["time_view"] = {}
views = {}
charted = sections.kpis(([headline] if headline else []) + list(time_view_kpis))
if not charted:
    sections.skip("time_view", sections.none_supported("time_view_kpis", time_view_kpis))
for key in charted:
    try:
        views[key] = view = phase_view(tickets, key, windows, period=period,
                                       params=settings.params)
    except ValueError as exc:
        sections.skip(f"time_view.{key}", str(exc), label=f"Time view of {key}")
        continue
    say(f"**{view.title}:** {view.sentence}")
    show_figure(view.figure(target=settings.targets.get(key), period_word=period_word,
                            events=cycle_events))
    results["time_view"][key] = view.as_dict()
    target = settings.targets.get(key)
    verdict = view.assurance(target) if target is not None else None
    if verdict is not None:
        shown = format_value(target, metrics.KPIS[key].unit)
        say(f"Assurance against the target ({shown}): **{verdict}**. In the after period "
            f"{spc.ASSURANCE_MEANING[verdict]} (NHS Making Data Count's assurance view).")
        results["time_view"][key]["assurance"] = {"target": target, "verdict": verdict}
if headline is not None:
    change = verdicts.get(headline)
    estimates = ((change.before, change.after) if change is not None else
                 tuple(metrics.KPIS[headline].estimate(t, **settings.params)
                       for t in (tickets_before, tickets_after)))
    results["headline"] = headline_record(headline, period, estimates[1], views.get(headline),
                                          before=estimates[0])

# %% [markdown]
# ## 4. Distributions before and after
#
# Durations: Kaplan-Meier curves, the share of tickets still waiting after each length of
# time, with open tickets counted for as long as they have been open. Handle time: the
# cumulative distribution of handled tickets.

# %% tags=["remove-input"]
durations = [key for key in ("first_response_time", "time_to_resolve") if key in settings.kpis]
if not durations and "aht" not in settings.kpis:
    sections.skip("distributions", "needs first_response_at, resolved_at or handle_minutes "
                  "(a duration or handle-time KPI in kpis)")
for key in durations:
    show_figure(plots.survival_curve(
        survival_curves(tickets_before, tickets_after, key), unit="minutes",
        title=f"{metrics.KPIS[key].name}: share of tickets still waiting",
        ylabel="Share of tickets still waiting",
    ))
if "aht" in settings.kpis:
    show_figure(plots.ecdf_plot(
        {"Before": tickets_before["handle_minutes"], "After": tickets_after["handle_minutes"]},
        title="Handle time before and after the change", xlabel="Handle time (minutes, log scale)",
        ylabel="Share of tickets handled within", log_x=True, unit="minutes",
    ))

# %% [markdown]
# ## 5. Segments: where did it change?
#
# The change within each segment with its confidence interval (level 1 - alpha); the
# p-values are adjusted across the segments. The shaded band is the change over all tickets.

# %% tags=["remove-input"]
results["segments"] = {}
if not segment_column:
    sections.skip("segments", "off: give segment_column (e.g. channel) to enable it")
elif sections.segments(tickets, segment_column):
    segment_keys = sections.kpis(segment_kpis)
    if not segment_keys:
        sections.skip("segments", sections.none_supported("segment_kpis", segment_kpis))
    for key in segment_keys:
        found = segment_changes(tickets_before, tickets_after, key, segment_column, settings)
        frame = found.frame()
        overall = verdicts.get(key)
        spec = metrics.KPIS[key]
        percent_points = spec.unit == "fraction"
        unit = "percentage points" if percent_points else spec.unit
        if not frame.empty:
            show_figure(plots.forest_plot(
                frame["segment"], frame["difference"], frame["ci_low"], frame["ci_high"],
                significant=frame["significant"],
                overall=None if overall is None else (overall.difference,
                                                      *overall.difference_ci),
                title=f"{spec.name}: change by {segment_column} (after - before)",
                xlabel=f"Change in {spec.name.lower()} ({unit})", percent_points=percent_points,
            ))
        for change in found.table.changes:
            if change.significant:
                say(f"- {change.sentence}")
        for segment, reason in found.table.skipped.items():
            say(f"- {segment_column} {segment}: not compared ({reason}).")
        results["segments"][key] = found.as_dict()

# %% [markdown]
# ## 6. Did the mix of tickets change? (Simpson's paradox check)
#
# If the share of ticket types moved between the periods, a crude before/after difference
# can come from the mix rather than from the change. The mix-adjusted comparison weighs
# each type's own change by its share of all tickets (Mantel-Haenszel for rates).

# %% tags=["remove-input"]
results["mix"] = {}
checks = {}
if not mix_column:
    sections.skip("mix", "off: give mix_column (e.g. category) to enable it")
elif sections.runs("mix", mix_column):
    mix_keys = sections.kpis(mix_kpis)
    if not mix_keys:
        sections.skip("mix", sections.none_supported("mix_kpis", mix_kpis,
                                                     kinds=("proportion", "mean")))
    for key in mix_keys:
        try:
            checks[key] = mix_check(tickets_before, tickets_after, key, mix_column,
                                    confidence=1 - alpha, params=settings.params)
        except ValueError as exc:
            sections.skip(f"mix.{key}", str(exc), label=f"Mix check of {key}")
            continue
        say(f"**{metrics.KPIS[key].name}:** {checks[key].sentence}")
        results["mix"][key] = checks[key].as_dict()
if checks:
    shares = next(iter(checks.values())).mix
    mix_table = shares[[mix_column, "share before", "share after", "share change"]].copy()
    for column in ("share before", "share after"):
        mix_table[column] = mix_table[column].map("{:.1%}".format)
    mix_table["share change"] = mix_table["share change"].map(lambda v: f"{100 * v:+.1f} pts")
    table(mix_table, index=False)

# %% [markdown]
# ## 7. Training effect (method text, section 3.2.3)
#
# Training effect % = (mean score after training - mean before) / mean before, for the
# people trained, with the paired test of their scores.

# %% tags=["remove-input"]
training = sections.table("training_path", training_path, "training", key="training")
if training is not None:
    effect, paired = training_check(training, confidence=1 - alpha)
    say(f"**Training effect** (from {source_name(sections, 'training_path')}): "
        f"{effect.format()} ({effect.extra['mean_pre']:.1f} to "
        f"{effect.extra['mean_post']:.1f} points on average; {effect.extra['n_improved']} of "
        f"{effect.n} people improved). {paired.sentence}")
    results["training"] = {"effect": effect.as_dict(), "test": paired.as_dict(),
                           "source": source_name(sections, "training_path")}

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
       if any(c.target_met for c in verdicts.changes) else
       "No target is met yet. " if settings.targets else "No target given. ")
    + (f"Caution: the baseline of {', '.join(unstable)} was not stable." if unstable else
       "The charted baselines were stable, so the before/after tests are not confounded by "
       "an earlier drift." if results["time_view"] else "")
)
if sections.skipped:
    say(f"Skipped on this export: {', '.join(sections.skipped)} (each line above names what "
        "would enable it).")
period_level = [c.name for c in verdicts.changes if c.verdict and c.verdict.period_level]
if period_level:
    say(f"The weeks varied more than chance for {', '.join(period_level)}: those verdicts "
        "come from the period-level tests, which is why some may read \"no detectable "
        "change\" where a test counting every ticket as independent would not.")
results["summary"] = {"improved": improved, "worsened": worsened, "unchanged": unchanged,
                      "unstable_baseline": unstable, "period_level": period_level}
if results_path:
    atomic_write_json(results_path, results)
