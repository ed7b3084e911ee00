"""Holding the gains (issue 28): pdca monitor fires on an injected shift, stays quiet on
stable data, logs one result per data and periods, and its signals become the cycle's
dated events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from pdcakit import cli
from pdcakit.errors import PdcaError
from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker.monitor import FrozenLimits, MonitorError, frozen_limits, monitor
from pdcakit.tracker.moves import cycle_events
from pdcakit.tracker.record import read_cycle

START, ADOPTED_FROM, NEW_FROM = "2026-04-06", "2026-04-06", "2026-07-06"


def tickets(start: str, weeks: int, fcr: list[float] | float, seed: int, *,
            per_week: int = 300, prefix: str = "T",
            minutes: list[float] | float = 600.0) -> pd.DataFrame:
    """A help desk export: date-only times on some rows, open cases (no resolved_at),
    several categories, Chinese ones among them."""
    rng = np.random.default_rng(seed)
    shares = np.broadcast_to(np.asarray(fcr, dtype=float), (weeks,))
    scale = np.broadcast_to(np.asarray(minutes, dtype=float), (weeks,))
    rows = []
    for week in range(weeks):
        n = int(rng.poisson(per_week))
        days = rng.integers(0, 7, n)
        seconds = rng.integers(0, 86400, n)
        created = (pd.Timestamp(start) + pd.Timedelta(weeks=week)
                   + pd.to_timedelta(days, "D") + pd.to_timedelta(seconds, "s"))
        resolved = created + pd.to_timedelta(rng.exponential(scale[week], n), "m")
        is_open = rng.random(n) < 0.05
        for i in range(n):
            rows.append({
                "id": f"{prefix}{week:03d}{i:04d}",
                "created_at": (created[i].strftime("%Y-%m-%d") if i % 10 == 0
                               else created[i].strftime("%Y-%m-%d %H:%M:%S")),
                "resolved_at": "" if is_open[i] else resolved[i].strftime("%Y-%m-%d %H:%M:%S"),
                "category": rng.choice(["password", "printer", "账户", "网络", "email"]),
                "first_contact_resolved": bool(rng.random() < shares[week]),
            })
    return pd.DataFrame(rows)


RECORD = """\
id: held
title: Hold the FCR gain
aim: {{metric: fcr, direction: higher, target: 0.74}}
data:
  tickets: data/tickets.csv
  before: [2026-01-05, 2026-04-06]
  after: [2026-04-06, 2026-07-06]
  new_baseline: [2026-04-06, 2026-07-06]
stage: {stage}
decision: {decision}
log:
  - {{date: 2026-01-05, event: created}}
stages:
  baseline:
    parameters: {{rule_set: nhs}}
"""


def workbook(tmp_path: Path, *, decision: str = "{decision: adopt, date: 2026-07-10, "
             "rationale: held}", stage: str = "closed") -> ProjectPaths:
    paths = ProjectPaths(init_workbook(tmp_path / "wb").root)
    baseline = tickets(ADOPTED_FROM, 13, 0.74, seed=1)
    (paths.root / "data" / "tickets.csv").write_text(baseline.to_csv(index=False),
                                                    encoding="utf-8")
    paths.record("held").write_text(RECORD.format(decision=decision, stage=stage),
                                    encoding="utf-8")
    return paths


def new_data(paths: ProjectPaths, name: str, fcr: list[float] | float, seed: int,
             weeks: int = 10, minutes: list[float] | float = 600.0) -> Path:
    older = tickets("2026-06-01", 5, 0.74, seed=seed + 100, prefix="O")  # already judged
    new = tickets(NEW_FROM, weeks, fcr, seed=seed, prefix="N", minutes=minutes)
    path = paths.root / "data" / name
    path.write_text(pd.concat([older, new]).to_csv(index=False), encoding="utf-8")
    return path


class TestMonitor:
    def test_fires_on_an_injected_shift_with_the_date_and_rule(self, tmp_path, monkeypatch,
                                                              capsys):
        paths = workbook(tmp_path)
        new_data(paths, "shift.csv", [0.74] * 3 + [0.62] * 7, seed=7)
        monkeypatch.chdir(paths.root)
        code = cli.main(["monitor", "held", "--data", "data/shift.csv"])
        out = capsys.readouterr().out
        assert code == cli.EXIT_SIGNAL == 5
        assert "SIGNAL 2026-07-27: outside the limits (value 61.9%, worse side)" in out
        assert "SIGNAL 2026-09-07: 2 of 3 beyond 2 sigma; outside the limits; shift of 7" in out
        record = read_cycle(paths, "held")
        entry = record.log[-1]
        assert entry["event"] == "monitor" and entry["status"] == "signal"
        assert entry["periods"] == ["2026-07-06", "2026-09-07"]
        assert {"date": "2026-07-27", "rule": "outside the limits", "side": "worse"} \
            in entry["signals"]
        # the signals are dated events of the cycle, for the charts' event marks
        # the run's own folder: its figures and chart, shown on the cycle page
        folder = paths.root / entry["output"]
        saved = json.loads((folder / "monitor.json").read_text(encoding="utf-8"))
        assert saved["period_starts"][3] == "2026-07-27" and len(saved["values"]) == 10
        assert saved["values"][3] < saved["lcl"][3]  # the first shifted week, below its limit
        from pdcakit.tracker.report import cycle_page

        page = cycle_page(paths, "held").read_text(encoding="utf-8")
        assert "Holding the gains" in page and "chart-monitor-" in page
        assert "frozen limits" in page and "<svg" in page
        events = cycle_events(paths, "held")
        assert ["2026-07-27", "held: monitor signal (outside the limits)"] in events
        assert len([e for e in events if "monitor signal" in e[1]]) == 7  # one per shifted week

    def test_quiet_on_stable_data_and_the_same_data_twice_logs_one_result(self, tmp_path,
                                                                        monkeypatch, capsys):
        paths = workbook(tmp_path)
        new_data(paths, "stable.csv", 0.74, seed=11)
        monkeypatch.chdir(paths.root)
        assert cli.main(["monitor", "held", "--data", "data/stable.csv"]) == cli.EXIT_OK
        assert "No signal" in capsys.readouterr().out
        frozen = read_cycle(paths, "held").monitor["limits"]
        assert cli.main(["monitor", "held", "--data", "data/stable.csv"]) == cli.EXIT_OK
        assert "Already in the log" in capsys.readouterr().out
        assert cli.main(["monitor", "held", "--data", "data/stable.csv", "--json"]) == 0
        found = json.loads(capsys.readouterr().out)
        assert found["status"] == "quiet" and len(found["values"]) == 10
        assert found["recorded_on"] == dt.date.today().isoformat()
        record = read_cycle(paths, "held")
        assert [e["event"] for e in record.log].count("monitor") == 1
        assert record.monitor["limits"] == frozen  # frozen: never recomputed

    def test_limits_frozen_from_the_new_baseline_match_a_laney_chart_by_hand(self, tmp_path):
        # Laney (2002): sigma_z = mean |z_i - z_(i-1)| / 1.128, z_i = (p_i - pbar) / s_i
        paths = workbook(tmp_path)
        frame = pd.read_csv(paths.root / "data" / "tickets.csv")
        from pdcakit.data import load_tickets

        loaded = load_tickets(paths.root / "data" / "tickets.csv")
        limits = frozen_limits(loaded, "fcr", "W", (ADOPTED_FROM, NEW_FROM))
        week = pd.to_datetime(frame["created_at"], format="mixed").dt.to_period("W")
        counts = frame.groupby(week)["first_contact_resolved"].agg(["sum", "count"])
        pbar = counts["sum"].sum() / counts["count"].sum()
        z = (counts["sum"] / counts["count"] - pbar) / np.sqrt(pbar * (1 - pbar)
                                                              / counts["count"])
        assert limits.centre == pytest.approx(pbar)
        assert limits.sigma == pytest.approx(np.abs(np.diff(z)).mean() / 1.128)
        assert limits.n_periods == 13

    def test_a_cycle_not_adopted_is_refused(self, tmp_path, monkeypatch, capsys):
        paths = workbook(tmp_path, decision="null", stage="act")
        new_data(paths, "new.csv", 0.74, seed=3)
        with pytest.raises(MonitorError, match="watches an adopted change"):
            monitor(paths, "held", str(paths.root / "data" / "new.csv"))
        monkeypatch.chdir(paths.root)
        assert cli.main(["monitor", "held", "--data", "data/new.csv"]) == cli.EXIT_USAGE

    def test_no_new_cases_says_so(self, tmp_path):
        paths = workbook(tmp_path)
        with pytest.raises(PdcaError, match="no tickets between 2026-07-06 and the end"):
            monitor(paths, "held", str(paths.root / "data" / "tickets.csv"))

    def test_an_unfinished_last_week_is_left_for_the_next_run(self, tmp_path):
        paths = workbook(tmp_path)
        path = new_data(paths, "partial.csv", 0.74, seed=5, weeks=3)
        frame = pd.read_csv(path)
        extra = tickets("2026-07-27", 1, 0.74, seed=6, prefix="P")
        extra = extra[pd.to_datetime(extra["created_at"], format="mixed")
                      < pd.Timestamp("2026-07-29")]
        path.write_text(pd.concat([frame, extra]).to_csv(index=False), encoding="utf-8")
        result = monitor(paths, "held", str(path))
        assert result.periods == ("2026-07-06", "2026-07-13", "2026-07-20")
        assert result.left_out == ("2026-07-27",)

    def test_frozen_limits_round_trip(self):
        limits = FrozenLimits("fcr", "proportion", "Laney p' chart", "W",
                              (ADOPTED_FROM, NEW_FROM), 0.74, 1.2, 13, "data/t.csv")
        assert FrozenLimits.from_entry(yaml.safe_load(yaml.safe_dump(limits.as_entry())),
                                       "x") == limits


@pytest.mark.parametrize(("minutes", "signal"), [(600.0, False), ([600.0] * 4 + [1500.0] * 6,
                                                                  True)])
def test_a_duration_aim_is_judged_on_the_log_of_its_weekly_medians(tmp_path, minutes, signal):
    # time to resolve, open cases censored: the median of an exponential(600 min) is
    # 600 ln 2 = 416 min, a little more here as one case in ten has a date-only creation
    # time (midnight, up to a day earlier); a change to 1500 min (median 1040) from week 5
    # must fire
    paths = workbook(tmp_path)
    text = paths.record("held").read_text(encoding="utf-8")
    paths.record("held").write_text(text.replace("metric: fcr", "metric: time_to_resolve")
                                    .replace("direction: higher", "direction: lower")
                                    .replace("target: 0.74", "target: 400"), encoding="utf-8")
    path = new_data(paths, "times.csv", 0.74, seed=31, minutes=minutes)
    result = monitor(paths, "held", str(path))
    assert result.limits.chart == "I chart of log medians"
    assert 600 * np.log(2) < np.exp(result.limits.centre) < 1.25 * 600 * np.log(2)
    assert bool(result.signals) is signal
    if signal:
        assert min(s.date for s in result.signals) >= "2026-08-03"  # not before the change
        assert {s.side for s in result.signals} == {"worse"}  # longer times, lower is better


def test_a_further_improvement_is_a_signal_on_the_better_side(tmp_path):
    paths = workbook(tmp_path)
    path = new_data(paths, "better.csv", [0.74] * 2 + [0.86] * 8, seed=41)
    result = monitor(paths, "held", str(path))
    assert result.signals and {s.side for s in result.signals} == {"better"}


def test_monitor_entries_are_dated(tmp_path):
    paths = workbook(tmp_path)
    path = new_data(paths, "n.csv", 0.74, seed=21, weeks=2)
    monitor(paths, "held", str(path))
    assert str(read_cycle(paths, "held").log[-1]["date"]) == dt.date.today().isoformat()


def test_the_demo_holds_its_gain_and_logs_the_monthly_check(tmp_path, capsys):
    # pdca demo after its adoption: the demo plan placed, the six weeks since adoption
    # (the adopted process replayed) quiet, the FCR check logged from the monitor run
    from pdcakit.run.workbooks import place_demo_plan, place_demo_record
    from pdcakit.tracker import supervision as sv
    from pdcakit.tracker.record import edit_record
    from pdcakit.tracker.registers_view import portfolio_sections

    paths = ProjectPaths(init_workbook(tmp_path / "wb").root)
    place_demo_record(paths)
    assert place_demo_plan(paths) == sv.plan_path(paths)
    cli._reset_demo_record(paths, keep_finding=True)
    with edit_record(paths, "demo-helpdesk") as data:  # what pdca act adopt records
        data["decision"] = {"decision": "adopt", "date": "2026-07-10", "rationale": "held"}
        data["data"]["new_baseline"] = ["2026-04-06", "2026-07-06"]
    from pdcakit.run.demos import demo_cycle

    cli._demo_holding(paths, demo_cycle("en"), log_check=True)
    out = capsys.readouterr().out
    assert "over 6 new period(s), 2026-07-06 to 2026-08-10" in out and "No signal" in out
    record = read_cycle(paths, "demo-helpdesk")
    assert record.log[-1]["status"] == "quiet" and record.finding == "F1"
    today = dt.date.today()
    plan = sv.read_plan(paths)
    assert plan.check("fcr-monitoring").last_done.date == today
    assert [c.id for c in plan.overdue(max(today, dt.date(2026, 12, 7)))] == ["internal-audit"]
    titles = [s.title for s in portfolio_sections(paths, [record], today)]
    assert titles[:3] == ["Supervision plan", "Findings and the cycles they opened",
                          "Holding the gains"]
    # a second demo resets the plan and the record's monitor block
    place_demo_plan(paths)
    cli._reset_demo_record(paths)
    assert "monitor" not in yaml.safe_load(paths.record("demo-helpdesk").read_text("utf-8"))
    assert sv.read_plan(paths).check("fcr-monitoring").last_done.date == dt.date(2025, 12, 15)


def test_the_demo_leaves_a_teams_own_plan_alone(tmp_path):
    from pdcakit.run.workbooks import place_demo_plan
    from pdcakit.tracker import supervision as sv

    paths = ProjectPaths(init_workbook(tmp_path / "wb").root)
    own = "checks: []\n"
    sv.plan_path(paths).write_text(own, encoding="utf-8")
    assert place_demo_plan(paths) is None
    assert sv.plan_path(paths).read_text(encoding="utf-8") == own


def test_the_portfolio_shows_each_adopted_cycles_latest_monitor_result(tmp_path):
    from pdcakit.tracker.report import portfolio_page

    paths = workbook(tmp_path)
    new_data(paths, "shift.csv", [0.74] * 3 + [0.62] * 7, seed=7)
    monitor(paths, "held", str(paths.root / "data" / "shift.csv"))
    page = portfolio_page(paths).read_text(encoding="utf-8")
    assert "SIGNAL on the worse side, 7 period(s): 2026-07-27, 2026-08-03" in page
    assert "1 adopted cycle(s); 1 with a signal" in page


def test_the_records_mapping_is_read_from_the_workbook_root_wherever_pdca_runs(
        tmp_path, monkeypatch, capsys):
    # a real export's own column names (Chinese), mapped by the record's mapping file
    paths = workbook(tmp_path)
    names = {"id": "工单号", "created_at": "创建时间", "resolved_at": "解决时间",
             "category": "类别", "first_contact_resolved": "首次解决"}
    for name in ("tickets.csv",):
        frame = pd.read_csv(paths.root / "data" / name).rename(columns=names)
        frame.to_csv(paths.root / "data" / name, index=False)
    new = pd.read_csv(new_data(paths, "new.csv", 0.74, seed=51)).rename(columns=names)
    new.to_csv(paths.root / "data" / "new.csv", index=False)
    (paths.root / "mappings" / "ours.yaml").write_text(
        "columns:\n" + "".join(f"  {k}: {v}\n" for k, v in names.items()), encoding="utf-8")
    text = paths.record("held").read_text(encoding="utf-8")
    paths.record("held").write_text(text.replace(
        "  tickets: data/tickets.csv\n", "  tickets: data/tickets.csv\n"
        "  mapping: mappings/ours.yaml\n"), encoding="utf-8")
    monkeypatch.chdir(paths.root / "data")  # a subfolder of the workbook
    assert cli.main(["monitor", "held", "--data", "new.csv"]) == cli.EXIT_OK
    assert "No signal" in capsys.readouterr().out


def test_two_runs_at_once_on_the_same_data_log_one_result(tmp_path):
    import threading

    paths = workbook(tmp_path)
    path = new_data(paths, "same.csv", 0.74, seed=61, weeks=4)
    results = []
    threads = [threading.Thread(target=lambda: results.append(monitor(paths, "held",
                                                                      str(path))))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    record = read_cycle(paths, "held")
    assert [e["event"] for e in record.log].count("monitor") == 1
    assert sum(r.recorded_on is None for r in results) == 1
    assert len(list((paths.runs / "held" / "monitor").iterdir())) == 1
