"""The supervision plan (issue 28): reading it with clear errors, due dates across month
ends and leap years, overdue checks, check-done under the lock, findings opening cycles."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
import yaml

from pdcakit import cli
from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker import supervision as sv
from pdcakit.tracker.moves import cycle_events, new_cycle
from pdcakit.tracker.record import CycleError, load_all, read_cycle

D = dt.date

PLAN = """\
# 监督计划表: our supervision plan (comments are kept by pdca check-done)
checks:
  - id: internal-audit        # the yearly audit
    activity: Internal audit of the service process
    content: Ticket handling against the service standard, 30 tickets sampled
    frequency: yearly
    owner: Quality analyst
    standard: TPS at least 24 of 30
    start: 2025-10-15
  - id: fcr-monitoring
    activity: 首次解决率过程监控
    content: FCR per week on the control chart
    frequency: 每月
    owner: 质量分析师
    standard: FCR at least 74% every month
    start: 2026-01-31
  - id: response-review
    activity: Response time review
    frequency: every 10 days
    owner: Service desk leads
    standard: 90% of first responses within 4 hours
done:
  - {check: internal-audit, date: 2025-10-15, result: pass, note: TPS 25.5}
"""


@pytest.fixture()
def paths(tmp_path: Path) -> ProjectPaths:
    made = init_workbook(tmp_path / "wb")
    paths = ProjectPaths(made.root)
    sv.plan_path(paths).write_text(PLAN, encoding="utf-8")
    return paths


class TestDueDates:
    # calendar months as R's lubridate %m+% (months(1)) rolls back to the month's last day:
    # ymd("2024-01-31") %m+% months(1) == "2024-02-29"; ymd("2026-01-31") %m+% months(1)
    # == "2026-02-28"; ymd("2024-02-29") %m+% years(1) == "2025-02-28"
    @pytest.mark.parametrize(("day", "months", "expected"), [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),   # leap year
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2100, 1, 31), 1, D(2100, 2, 28)),   # century, not a leap year
        (D(2000, 1, 31), 1, D(2000, 2, 29)),   # divisible by 400: leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2026, 12, 31), 1, D(2027, 1, 31)),  # year end
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
    ])
    def test_calendar_months_stay_in_the_month(self, day, months, expected):
        assert sv.add_months(day, months) == expected

    def test_agrees_with_dateutil_relativedelta_on_every_day_of_four_years(self):
        # dateutil's relativedelta (as lubridate's %m+%) keeps the day within the month
        from dateutil.relativedelta import relativedelta

        day = D(2023, 1, 1)
        while day < D(2027, 1, 1):
            for months in (1, 3, 6, 12, 13, -1):
                assert sv.add_months(day, months) == day + relativedelta(months=months)
            day += dt.timedelta(days=1)

    def test_a_monthly_check_done_on_31_january_is_due_at_the_end_of_february(self):
        check = sv.Check("m", "a", "", sv.Frequency.parse("monthly"), "o", "s", done=(
            sv.CheckDone("m", D(2028, 1, 31), "pass", ""),))
        assert check.next_due(D(2028, 2, 1)) == D(2028, 2, 29)
        assert not check.overdue(D(2028, 2, 29)) and check.overdue(D(2028, 3, 1))

    @pytest.mark.parametrize(("text", "months", "days"), [
        ("yearly", 12, 0), ("Quarterly", 3, 0), ("monthly", 1, 0), ("weekly", 0, 7),
        ("every 14 days", 0, 14), ("每季度", 3, 0), ("每 3 天", 0, 3), ("每年", 12, 0)])
    def test_frequency_words(self, text, months, days):
        found = sv.Frequency.parse(text)
        assert (found.months, found.days) == (months, days)

    @pytest.mark.parametrize("text", ["fortnightly", "every 0 days", "", None, "every -3 days"])
    def test_unknown_frequency_names_the_words_it_takes(self, text):
        with pytest.raises(ValueError, match="yearly, quarterly, monthly, weekly"):
            sv.Frequency.parse(text)


class TestReadingThePlan:
    def test_next_due_and_overdue(self, paths):
        plan = sv.read_plan(paths)
        today = D(2026, 12, 7)
        due = {c.id: c.next_due(today) for c in plan.checks}
        assert due == {"internal-audit": D(2026, 10, 15), "fcr-monitoring": D(2026, 1, 31),
                       "response-review": today}  # never done, no start: due now
        assert [c.id for c in plan.overdue(today)] == ["internal-audit", "fcr-monitoring"]
        assert plan.check("internal-audit").days_overdue(today) == 53

    def test_a_workbook_without_a_plan_has_none(self, tmp_path):
        assert sv.read_plan(ProjectPaths(init_workbook(tmp_path / "x").root)) is None

    def test_every_problem_named_with_its_field_line_and_fix(self, paths):
        text = PLAN.replace("frequency: yearly", "frequency: fortnightly").replace(
            "owner: Quality analyst", "ownr: Quality analyst").replace(
            "result: pass", "result: ok")
        sv.plan_path(paths).write_text(text, encoding="utf-8")
        with pytest.raises(sv.SupervisionError) as caught:
            sv.read_plan(paths)
        message = str(caught.value)
        assert str(sv.plan_path(paths)) in message
        assert "checks[1] (line 3).frequency: 'fortnightly' is not a frequency" in message
        assert "checks[1] (line 3).ownr: not a field of a check; did you mean 'owner'" in message
        assert "checks[1] (line 3).owner: missing" in message
        assert "done[1] (line 23).result: 'ok'; write pass or fail" in message

    def test_a_plan_is_no_cycle_record(self, paths):
        records, problems = load_all(paths)
        assert (records, problems) == ([], [])  # pdca list does not trip over the plan
        with pytest.raises(CycleError, match="the supervision register's file"):
            new_cycle(paths, "supervision", title="Not a cycle")


class TestCheckDone:
    def test_logs_result_and_numbered_findings_keeping_comments(self, paths):
        done, check = sv.check_done(paths, "fcr-monitoring", result="fail",
                                    note="FCR 68.2% in January",
                                    findings=("FCR below the 74% standard", "邮件分派规则缺失"),
                                    day=D(2026, 1, 30))
        assert [f.id for f in done.findings] == ["F1", "F2"]
        assert check.next_due(D(2026, 2, 1)) == D(2026, 2, 28)
        text = sv.plan_path(paths).read_text(encoding="utf-8")
        assert "# the yearly audit" in text and "邮件分派规则缺失" in text
        more, _ = sv.check_done(paths, "internal-audit", result="fail", note="TPS 22",
                                findings=("Scripts out of date",), day=D(2026, 10, 20))
        assert [f.id for f in more.findings] == ["F3"]
        plan = sv.read_plan(paths)
        assert plan.finding("F2").check == "fcr-monitoring" and plan.finding("F9") is None

    def test_refuses_unknown_check_empty_note_and_bad_result(self, paths):
        before = sv.plan_path(paths).read_text(encoding="utf-8")
        with pytest.raises(sv.SupervisionError, match="did you mean 'fcr-monitoring'"):
            sv.check_done(paths, "fcr-monitor", result="pass", note="ok")
        with pytest.raises(sv.SupervisionError, match="--note: it is empty"):
            sv.check_done(paths, "fcr-monitoring", result="fail", note=" ")
        with pytest.raises(sv.SupervisionError, match="write pass or fail"):
            sv.check_done(paths, "fcr-monitoring", result="ok", note="x")
        assert sv.plan_path(paths).read_text(encoding="utf-8") == before

    def test_concurrent_check_done_lose_nothing(self, paths):
        def log(i: int) -> None:
            sv.check_done(paths, "response-review", result="fail", note=f"run {i}",
                          findings=(f"finding {i}",))

        threads = [threading.Thread(target=log, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        plan = sv.read_plan(paths)
        assert len(plan.check("response-review").done) == 6
        assert sorted(f.id for f in plan.findings) == sorted(f"F{i}" for i in range(1, 7))

    def test_command_line(self, paths, monkeypatch, capsys):
        monkeypatch.chdir(paths.root)
        code = cli.main(["check-done", "fcr-monitoring", "--result", "fail", "--note",
                         "FCR 68%", "--finding", "FCR below standard"])
        out = capsys.readouterr().out
        assert code == 0 and "F1" in out and "next due" in out
        assert cli.main(["check-done", "nope", "--result", "pass", "--note", "x"]) == 2


class TestFindingOpensACycle:
    def test_new_from_finding_links_the_cycle_and_its_page_shows_it(self, paths, monkeypatch,
                                                                   capsys):
        sv.check_done(paths, "fcr-monitoring", result="fail", note="FCR 68%",
                      findings=("FCR 68%, below the 74% standard <b>",), day=D(2026, 1, 30))
        monkeypatch.chdir(paths.root)
        assert cli.main(["new", "fcr-2026", "--from-finding", "F1", "--metric", "fcr"]) == 0
        record = read_cycle(paths, "fcr-2026")
        assert record.finding == "F1"
        assert "below the 74% standard" in record.title + record.problem
        raw = yaml.safe_load(paths.record("fcr-2026").read_text(encoding="utf-8"))
        assert raw["finding"] == "F1"
        from pdcakit.tracker.report import cycle_page, portfolio_page

        page = cycle_page(paths, "fcr-2026").read_text(encoding="utf-8")
        assert "F1" in page and "&lt;b&gt;" in page and "<b>\n" not in page
        assert "fcr-monitoring" in page
        portfolio = portfolio_page(paths, today=D(2026, 12, 7)).read_text(encoding="utf-8")
        assert "fcr-2026" in portfolio and "F1" in portfolio
        # the finding is a dated event of the cycle, for the charts' marks
        assert ["2026-01-30", "fcr-2026: finding F1 (check fcr-monitoring failed)"] in \
            cycle_events(paths, "fcr-2026")

    def test_unknown_finding_is_refused_with_the_known_ones(self, paths, monkeypatch, capsys):
        sv.check_done(paths, "fcr-monitoring", result="fail", note="x", findings=("y",))
        monkeypatch.chdir(paths.root)
        assert cli.main(["new", "c1", "--from-finding", "F7"]) == 2
        assert "F1" in capsys.readouterr().err
        assert not paths.record("c1").exists()


class TestPortfolioRegisters:
    def test_feedback_and_complaints_summary_from_the_baseline_run(self, paths):
        # results.json records as pdcakit.stages.registers_page writes them
        from pdcakit.tracker.report import portfolio_page
        from test_results_contract import baseline_results
        from test_tracker import fake_run

        paths.record("c1").write_text("id: c1\ntitle: 更快的回复 <script>\n", encoding="utf-8")
        results = baseline_results(0.68)
        results["feedback"] = {
            "items": 1519, "first_received": "2026-01-05T08:00:00",
            "last_received": "2026-04-05T17:00:00", "pareto": ["response_speed", "other"],
            "shares": {"response_speed": {"value": 0.35}, "other": {"value": 0.2}}}
        results["complaints"] = {
            "cases": 108, "open": 6, "time_to_close": {"median": 4.5},
            "closed_by_deadline": {"value": 0.62}, "repeat_rate": {"value": 0.08},
            "overdue_by_owner": [{"owner": "张敏", "open": 3, "overdue": 2},
                                 {"owner": "Priya Shah", "open": 3, "overdue": 1}]}
        fake_run(paths, "c1", "baseline", results)
        page = portfolio_page(paths, today=D(2026, 12, 7)).read_text(encoding="utf-8")
        assert "1519 feedback items, 2026-01-05 to 2026-04-05; most often Response speed " \
               "(35.0%)" in page
        assert ("108 complaint cases, 6 still open; median time to close 4.5 days "
                "(Kaplan-Meier); closed by the deadline 62.0%; 3 overdue; repeat complaints "
                "8.0%") in page
        assert "OVERDUE by 53 days" in page  # the plan's internal audit
        assert "<script>" not in page

    def test_a_broken_plan_is_named_and_the_rest_of_the_portfolio_still_shows(self, paths):
        from pdcakit.tracker.report import portfolio_page

        sv.plan_path(paths).write_text("checks: [unclosed\n", encoding="utf-8")
        paths.record("c1").write_text("id: c1\ntitle: Faster\n", encoding="utf-8")
        page = portfolio_page(paths, today=D(2026, 12, 7)).read_text(encoding="utf-8")
        assert "not valid YAML" in page and "c1/index.html" in page


def test_check_done_on_an_earlier_day_and_never_a_day_to_come(paths, monkeypatch, capsys):
    monkeypatch.chdir(paths.root)
    assert cli.main(["check-done", "internal-audit", "--result", "pass", "--note", "TPS 25",
                     "--date", "2026-11-30"]) == 0
    assert "next due 2027-11-30" in capsys.readouterr().out
    later = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert cli.main(["check-done", "internal-audit", "--result", "pass", "--note", "x",
                     "--date", later]) == 2
    assert "still to come" in capsys.readouterr().err
    assert cli.main(["check-done", "internal-audit", "--result", "pass", "--note", "x",
                     "--date", "30/11/2026"]) == 2
    assert len(sv.read_plan(paths).check("internal-audit").done) == 2


def test_status_names_the_overdue_checks_after_the_cycles(paths, monkeypatch, capsys):
    paths.record("c1").write_text("id: c1\ntitle: Faster\n", encoding="utf-8")
    monkeypatch.chdir(paths.root)
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "supervision: internal-audit OVERDUE since 2026-10-15" in out
    assert "fcr-monitoring OVERDUE since 2026-01-31" in out
    assert "response-review" not in out  # never done and no start: due today, not overdue
    assert cli.main(["status", "--json"]) == 0
    assert "supervision" not in capsys.readouterr().out  # the JSON stays a list of cycles
