"""Issue 23 on the efficiency page: one KPI, one answer (item 2) and real intervals (item 9).

Each gain is the fall of one named estimand, the one the compare page quotes for the KPI
(the Kaplan-Meier median of a duration from ``stats.median_ratio``, same seed; the mean
handle time); the time saved has an interval of its own (a bootstrap of the saving from
the gain's resamples; Welch's for a difference in means), never the gain's interval times
a fixed value before; the channel caution fires only on a real difference; no sentence is
said twice on the cycle page; no verdict word of the page's own.

Real-shaped data: a ServiceNow-like incident event log (several update rows per incident,
kept last, ``?`` for an empty time, day-first dates), heavy censoring after the change,
and one channel holding almost every ticket (the real export: 94.534% overall beside the
phone channel's 94.521% set off the caution).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import stats
from pdcakit.fileio import plain
from pdcakit.metrics import duration_minutes
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages import efficiency
from pdcakit.stages import efficiency_page as page
from pdcakit.tracker import report

BEFORE = ("2016-02-29", "2016-04-04")
AFTER = ("2016-04-04", "2016-05-09")
SNAPSHOT = pd.Timestamp("2016-05-16 09:00")
_DAY = 1440.0


def servicenow_event_log(folder: Path, *, incidents: int = 3_000, seed: int = 23,
                         phone_share: float = 0.995) -> tuple[Path, Path]:
    """An incident event log as ServiceNow exports it: one row per update, rows of all
    incidents interleaved by update time, ``opened_at`` on every row, ``resolved_at`` "?"
    until the incident is resolved, dates as ``29/2/2016 13:05``; ``contact_type``
    "Phone" for ``phone_share`` of the incidents. Time to resolve: a median of about 4
    days before the change; after it, 60% solved within hours and 40% taking weeks, so
    that about a third of the after window is still open at the export (heavy censoring).
    Returns the log and its mapping YAML."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp(BEFORE[0]), pd.Timestamp(AFTER[1])
    opened = start + pd.to_timedelta(np.sort(rng.uniform(0, (end - start).total_seconds(),
                                                         incidents)), unit="s")
    after = np.asarray(opened >= pd.Timestamp(AFTER[0]))
    quick = rng.random(incidents) < 0.6
    days = np.where(after, np.where(quick, rng.lognormal(np.log(0.2), 0.8, incidents),
                                    rng.lognormal(np.log(30), 0.5, incidents)),
                    rng.lognormal(np.log(4), 0.9, incidents))
    resolved = opened + pd.to_timedelta(days * _DAY, unit="min")
    is_open = np.asarray(resolved > SNAPSHOT)
    channel = np.where(rng.random(incidents) < phone_share, "Phone",
                       rng.choice(["Email", "Self service"], incidents))
    rows = []
    for i in range(incidents):
        last = SNAPSHOT if is_open[i] else resolved[i]
        updates = 1 + rng.poisson(3)
        times = sorted(opened[i] + (last - opened[i]) * rng.random(updates - 1))
        times = [opened[i], *times] + ([] if is_open[i] else [resolved[i]])
        for k, when in enumerate(times):
            done = not is_open[i] and k == len(times) - 1
            rows.append({"number": f"INC{i + 1:07d}",
                         "incident_state": "Resolved" if done else ("New" if k == 0
                                                                    else "Active"),
                         "sys_updated_on": when, "opened_at": opened[i],
                         "resolved_at": resolved[i] if done else pd.NaT,
                         "contact_type": channel[i], "sys_mod_count": k})
    log = pd.DataFrame(rows).sort_values("sys_updated_on", kind="stable")
    for column in ("sys_updated_on", "opened_at", "resolved_at"):
        text = log[column].dt.strftime("%d/%m/%Y %H:%M").str.replace(
            r"^0|(?<=/)0", "", regex=True)
        log[column] = text.fillna("?")
    path = folder / "incident_event_log.csv"
    log.to_csv(path, index=False)
    mapping = folder / "servicenow.yaml"
    mapping.write_text("columns:\n  id: number\n  created_at: opened_at\n"
                       "  resolved_at: resolved_at\n  channel: contact_type\n"
                       "date_format: \"%d/%m/%Y %H:%M\"\nna_values: [\"?\"]\n"
                       "on_duplicate: keep_last\n", encoding="utf-8")
    return path, mapping


@pytest.fixture(scope="module")
def event_log(tmp_path_factory):
    folder = tmp_path_factory.mktemp("servicenow")
    path, mapping = servicenow_event_log(folder)
    run = page.setup(before=list(BEFORE), after=list(AFTER))
    tickets = page.read_tickets(str(path), run.windows, mapping=str(mapping),
                                snapshot=str(SNAPSHOT), show=False)
    return run, tickets


def test_the_event_log_loads_one_row_per_incident(event_log):
    _, tickets = event_log
    assert tickets.tickets["id"].is_unique
    assert len(tickets.before) + len(tickets.after) == 3_000
    after_open = tickets.after["is_open"].mean()
    assert 0.25 < after_open < 0.45  # heavy censoring after the change
    assert tickets.tickets["channel"].value_counts(normalize=True)["Phone"] > 0.98


def _durations(tickets: page.TicketData, kpi: str = "time_to_resolve"):
    (tb, ob), (ta, oa) = (duration_minutes(part, kpi) for part in (tickets.before,
                                                                    tickets.after))
    return tb, ob, ta, oa


def test_the_gain_is_of_the_median_the_compare_page_quotes(event_log):
    _, tickets = event_log
    gain = page.gains_section(tickets).result["time_to_resolve"]
    quoted = stats.median_ratio(*_durations(tickets))  # the compare page's call, same seed
    assert gain.label == "Time to resolve (median)" and gain.estimand == "median"
    assert (gain.before, gain.after, gain.gain_ci) == (quoted.before, quoted.after,
                                                       quoted.gain_ci)
    assert gain.n_after == quoted.n_after and gain.n_after > 1_000


def test_the_time_saved_is_a_bootstrap_of_the_saving(event_log):
    # Issue 23: the saving's interval was the gain's times a fixed median before
    # ([5,423, 5,506] minutes on the real export, where a bootstrap of the saving gave
    # about [5,241, 5,755]).
    _, tickets = event_log
    tb, ob, ta, oa = _durations(tickets)
    gain = efficiency.cycle_time_gain(tb, ob, ta, oa)
    low, high = stats.median_difference_ci(tb, ob, ta, oa)  # same seed: same resamples
    assert gain.minutes_saved_ci == (-high, -low)
    assert gain.saved_ci_method.startswith("percentile bootstrap of the difference")
    # an independent bootstrap of the saving (other resamples), from the KM medians
    rng = np.random.default_rng(2)
    saved = []
    for _ in range(1_000):
        medians = [stats.survival.km_median_weighted(
            t, o, rng.multinomial(t.size, np.full(t.size, 1 / t.size))[None, :])[0]
            for t, o in ((tb, ob), (ta, oa))]
        saved.append(medians[0] - medians[1])
    expected = np.quantile(saved, [0.025, 0.975])
    width = expected[1] - expected[0]
    assert gain.minutes_saved_ci == pytest.approx(tuple(expected), abs=0.15 * width)
    fixed = (gain.before * gain.gain_ci[0], gain.before * gain.gain_ci[1])
    assert fixed[1] - fixed[0] < 0.8 * (high - low)  # the old interval: too narrow here
    assert gain.minutes_saved_ci[0] < gain.minutes_saved < gain.minutes_saved_ci[1]


def test_the_caution_fires_only_on_a_real_difference(event_log):
    _, tickets = event_log
    gains = page.gains_section(tickets)
    segments = page.segments_section(tickets, gains, "channel")
    phone = segments.record["time_to_resolve"]["gains"]
    assert [g["segment"] for g in phone] == ["Phone"]  # the other channels: too few
    assert not [p for p in segments.sentences if p.startswith("Caution")]

    def gain(value: float, low: float, high: float, segment: str = "") -> efficiency.Gain:
        return efficiency.Gain("Time to resolve", "median", "Kaplan-Meier median", 5_760.0,
                               5_760.0 * (1 - value), value, (low, high), (1.0, 2.0), 24_000,
                               900, segment=segment)

    # the real export: 94.534% overall beside the one channel's 94.521% (93.9% to 95.1%)
    channel = gain(0.94521, 0.939, 0.951, "Phone")
    assert page.segment_caution(gain(0.94534, 0.940, 0.951), [channel], "channel") == ""
    # beyond every channel's interval: a real difference, said with the rule
    text = page.segment_caution(gain(0.9600, 0.955, 0.965), [channel], "channel")
    assert text.startswith("Caution: the fall of the median time to resolve over all tickets "
                           "(96.0%) lies above the upper end of every channel's 95% interval "
                           "(the nearest end is 95.1%).")
    assert page.segment_caution(gain(0.90, 0.89, 0.91), [channel], "channel").startswith(
        "Caution: the fall of the median time to resolve over all tickets (90.0%) lies "
        "below the lower end")


def _full_page(run: page.Setup, tickets: page.TicketData):
    steps = page.read_steps(tickets, "demo:process_steps.csv")
    gains = page.gains_section(tickets, confidence=run.confidence)
    found = {"gains": gains, "segments": page.segments_section(tickets, gains, "channel"),
             "steps": page.steps_section(tickets, steps, waiting_steps=["wait for customer"])}
    found["capacity"] = page.capacity_section(tickets, gains, found["steps"])
    found["money"] = page.money_section(tickets, found["capacity"], cost_per_hour=30.0,
                                        investment=20_000.0, currency="EUR")
    found["tech"] = page.tech_section(gains)
    found["automation"] = page.automation_section(tickets, ["Self service"])
    found["summary"] = page.summary_section(tickets, gains=gains, steps=found["steps"],
                                            freed=found["capacity"], value=found["money"])
    record = page.results_record(run, tickets, **{
        "gains": gains, "segments": found["segments"], "steps": found["steps"],
        "freed": found["capacity"], "value": found["money"], "tech": found["tech"],
        "automation": found["automation"], "summary": found["summary"]})
    return found, json.loads(json.dumps(plain(record)))


@pytest.fixture(scope="module")
def demo_page():
    run = page.setup(change_date="2026-04-06")
    tickets = page.read_tickets("demo:tickets.csv", run.windows, show=False)
    return _full_page(run, tickets)


@pytest.fixture(scope="module")
def log_page(event_log):
    return _full_page(*event_log)


@pytest.mark.parametrize("which", ["demo_page", "log_page"])
def test_no_sentence_twice_on_the_efficiency_or_the_cycle_page(which, request):
    found, record = request.getfixturevalue(which)
    shown = [p for section in found.values() for p in section.sentences]
    assert len(shown) == len(set(shown))
    assert all(record["summary"] not in p for p in shown if not p.startswith("**"))
    cycle = report._sentences(results_from_dict(record, source="results.json",
                                                stage="efficiency"))
    assert len(cycle) == len(set(cycle)) and record["summary"] in cycle


@pytest.mark.parametrize("which", ["demo_page", "log_page"])
def test_every_figure_names_its_estimand(which, request):
    found, record = request.getfixturevalue(which)
    gains = [*record["gains"].values(),
             *(g for part in record["segments"].values() for g in part["gains"])]
    assert gains
    for gain in gains:
        assert gain["estimand"] in ("median", "mean")
        assert gain["name"] == f"{gain['kpi_name']} ({gain['estimand']})"
        assert gain["sentence"].startswith(f"{gain['kpi_name']} ({gain['estimand']}")
        low, high = gain["minutes_saved_ci"]
        assert low <= gain["minutes_saved"] <= high
    for row in found["gains"].parts[-1].to_dict(orient="records"):
        assert re.search(r"\((median|mean)\)$", row["Measure"])
    if record["capacity"] is not None and record["capacity"]["estimand"] is not None:
        assert record["capacity"]["estimand"] == "mean"
        assert "the mean handle time saved" in record["capacity"]["sentence"]


@pytest.mark.parametrize("which", ["demo_page", "log_page"])
def test_plain_words_on_the_page(which, request):
    found, _ = request.getfixturevalue(which)
    text = [p for section in found.values() for p in section.sentences]
    text += [" ".join(map(str, frame.to_numpy().ravel())) for section in found.values()
             for frame in section.parts if isinstance(frame, pd.DataFrame)]
    for line in text:
        for banned in ("End-to-end", "no clear change", "no detectable", "-0.0",
                       "automated_channels", "training_path", "method text", "section 3",
                       "nan", "range "):
            assert banned not in line, (banned, line)
        # one unit inside an interval: "CI 1.0 to 1.3 hours", never "1.0 hours to 1.3 hours"
        # (percent on both ends, "93% to 95%", as the issue writes it)
        assert not re.search(r"CI -?[\d.,]+ ?(minutes|hours|days|EUR) to", line), line


def test_the_demo_first_response_time_defers_to_the_check(demo_page):
    # Issue 23: "improved" on the compare page, "no clear change" here
    found, _ = demo_page
    first = found["gains"].result["first_response_time"]
    assert first.undetermined
    assert ("The interval of the median is too wide to tell a gain from no change, so no "
            "time saved is claimed; the Check stage's verdict on first response time, which "
            "may rest on another estimand, is the decision.") in first.sentence
    resolve = found["gains"].result["time_to_resolve"]
    # the after median is 69.2 minutes (was 68.0 before the demo's agent effects moved
    # which tickets close at first contact; data/README.md, "Agents")
    assert resolve.sentence.startswith("Time to resolve (median): 2.3 hours before, 1.2 hours "
                                       "after, so 1.1 hours saved per ticket (95% CI")


def test_each_segment_reads_in_its_kpis_unit(demo_page):
    # the demo's web tickets take a day to resolve, the KPI 2.3 hours: one unit, hours
    _, record = demo_page
    for key, overall in record["gains"].items():
        units = {g["reads_in"] for g in record["segments"][key]["gains"]}
        assert units == {overall["reads_in"]}, key
    web = next(g for g in record["segments"]["time_to_resolve"]["gains"]
               if g["segment"] == "web")
    assert re.match(r"Time to resolve \(median, web\): 2\d\.\d hours before", web["sentence"])


def test_above_the_large_sample_size_the_saving_has_its_own_large_sample_interval():
    # over LARGE_SAMPLE tickets a group: Brookmeyer-Crowley intervals, Price & Bonett's
    # combination, for the difference (the saving) as for the log ratio (the gain)
    rng = np.random.default_rng(5)
    n = stats.LARGE_SAMPLE + 1
    before, after = rng.lognormal(np.log(240), 1.0, n), rng.lognormal(np.log(200), 1.0, n)
    gain = efficiency.cycle_time_gain(before, np.ones(n, bool), after, np.ones(n, bool))
    assert gain.saved_ci_method.startswith("Brookmeyer-Crowley")
    low, high = stats.median_difference_ci(before, None, after, None)
    assert gain.minutes_saved_ci == (-high, -low)
    assert low < -gain.minutes_saved < high and -high > 0
