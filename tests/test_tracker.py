"""Cycle records, moves through PDCA, decisions, follow-ups, status and reviewer pages.

Everything runs in a throwaway project; runs are written as the runner writes them
(results.json + provenance.json), so no notebook executes here (see test_runner.py
for the end-to-end command).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest

from pdcakit import cli
from pdcakit.fileio import atomic_write_json
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import CycleError, append_log, edit_record, read_cycle
from pdcakit.tracker.report import build_reports
from test_results_contract import baseline_results, compare_results

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def project(tmp_path) -> ProjectPaths:
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    (tmp_path / "pdca").mkdir()
    return ProjectPaths(tmp_path)


def fake_run(paths: ProjectPaths, cycle: str, stage: str, results: dict, *,
             status: str = "succeeded", stamp: str = "20260701T000000Z") -> None:
    """A run directory as the runner leaves it, and its entry in the cycle's log."""
    run_dir = paths.runs / cycle / stage / stamp
    atomic_write_json(run_dir / "results.json", results)
    atomic_write_json(run_dir / "provenance.json", {"status": status})
    append_log(paths, cycle, {"event": "run", "stage": stage, "status": status,
                              "run_dir": run_dir.relative_to(paths.root).as_posix()})


# results.json as docs/results.md describes them (built in test_results_contract.py)
BASELINE = baseline_results(0.68)
COMPARE = compare_results(0.68, 0.74)


class TestRecords:
    def test_new_record_is_commented_and_valid(self, project):
        path = tracker.new_cycle(project, "email-2026", title="Faster email", metric="fcr",
                                 target=0.74, owner="Lead")
        text = path.read_text()
        assert "# a KPI key" in text and "title: \"Faster email\"" in text
        record = read_cycle(project, "email-2026")
        assert record.stage == "plan" and record.aim["target"] == 0.74
        with pytest.raises(CycleError, match="already exists"):
            tracker.new_cycle(project, "email-2026", title="again")

    def test_unknown_metric_and_bad_id(self, project):
        with pytest.raises(CycleError, match="unknown metric 'speed'"):
            tracker.new_cycle(project, "x", title="t", metric="speed")
        with pytest.raises(ValueError, match="invalid cycle id"):
            tracker.new_cycle(project, "Bad Id", title="t")

    def test_every_problem_is_listed_with_its_field(self, project):
        project.record("broken").write_text(
            "id: broken\ntitle: ''\naim: {direction: up, target: lots}\nstage: doing\n"
            "actions: [{what: x, due: someday}]\ndecision: {decision: maybe}\n")
        with pytest.raises(CycleError) as info:
            read_cycle(project, "broken")
        message = str(info.value)
        for field in ("title: missing", "aim.direction", "aim.target", "stage: 'doing'",
                      "actions[1].due", "decision.decision"):
            assert field in message

    def test_edits_keep_comments_and_refuse_invalid_changes(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        with edit_record(project, "c1") as data:
            data["problem"] = "Too many repeat calls"
        text = project.record("c1").read_text()
        assert "Too many repeat calls" in text and "# why we expect it" in text
        with pytest.raises(CycleError, match="would make the record invalid"), \
                edit_record(project, "c1") as data:
            data["stage"] = "nowhere"
        assert read_cycle(project, "c1").stage == "plan"  # the file was not replaced

    def test_an_edit_leaves_every_other_line_as_written(self, project):
        # long flow entries stay on one line and `null` stays `null`, so `git diff pdca/`
        # after a run shows only what the run recorded
        path = project.record("c1")
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        long_entry = ("  - {kpi: first_response_time, segment: channel=email, direction: fall, "
                      "size: 10.0, unit: \"%\", confidence: 0.7, written: 2026-03-02, "
                      "fingerprint: 23dcf0005dc2}")
        path.write_text(re.sub(r"(?m)^predictions: \[\]", "predictions:\n" + long_entry + "\n#",
                               path.read_text()))
        before = path.read_text().splitlines()
        assert long_entry in before and any(line.startswith("decision: null") for line in before)
        with edit_record(project, "c1") as data:
            data["problem"] = "Too many repeat calls"
        after = path.read_text().splitlines()
        assert [line for line in after if not line.startswith("problem")] == \
            [line for line in before if not line.startswith("problem")]

    def test_overdue_actions(self, project):
        tracker.new_cycle(project, "c1", title="T")
        with edit_record(project, "c1") as data:
            data["actions"] = [{"what": "a", "due": "2026-01-01", "done": False},
                               {"what": "b", "due": "2026-01-01", "done": True},
                               {"what": "c", "due": "2099-01-01", "done": False}]
        record = read_cycle(project, "c1")
        assert [a.what for a in record.overdue_actions(dt.date(2026, 6, 1))] == ["a"]


class TestScoreAims:
    """A cycle may aim at a score KPI of the method (CSI, TPS, TDS, composite) or a part of
    one, once pdcakit.kpis lists them; a near miss is named with a suggestion."""

    def test_score_kpis_and_their_parts_are_aims(self, project):
        tracker.new_cycle(project, "audit-2026", title="Raise the audit score", metric="tps",
                          target=26.0)
        record = read_cycle(project, "audit-2026")
        assert record.aim["metric"] == "tps"
        with edit_record(project, "audit-2026") as data:
            data["aim"]["metric"] = "csi.服务态度"
        assert read_cycle(project, "audit-2026").aim["metric"] == "csi.服务态度"
        build_reports(project, "audit-2026")
        page = (project.runs / "audit-2026" / "index.html").read_text(encoding="utf-8")
        assert "Customer satisfaction index (CSI): 服务态度" in page

    def test_a_misspelt_score_kpi_is_named_with_the_close_one(self, project):
        with pytest.raises(CycleError, match="did you mean 'tds'"):
            _write_and_read(project, "c1", "tdx")


def _write_and_read(project: ProjectPaths, cycle: str, metric: str) -> None:
    project.record(cycle).write_text(f"id: {cycle}\ntitle: T\naim: {{metric: {metric}}}\n",
                                     encoding="utf-8")
    read_cycle(project, cycle)


class TestMoves:
    def test_full_cycle(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr", target=0.74)
        move = tracker.advance(project, "c1")
        assert not move.moved and "a successful baseline run" in move.sentence
        fake_run(project, "c1", "baseline", BASELINE)
        assert tracker.advance(project, "c1").moved
        assert read_cycle(project, "c1").aim["baseline"] == 0.68  # from the baseline run
        assert "change's go-live" in tracker.advance(project, "c1").sentence
        with edit_record(project, "c1") as data:
            data["data"]["after"] = ["2026-04-06", "2026-07-06"]
        assert tracker.advance(project, "c1").after == "check"
        assert not tracker.advance(project, "c1").moved  # needs a compare run
        fake_run(project, "c1", "compare", COMPARE, stamp="20260702T000000Z")
        assert tracker.advance(project, "c1").after == "act"
        said = tracker.act(project, "c1", "adopt", "target met")
        assert "New baseline for fcr: 74.0%" in said
        record = read_cycle(project, "c1")
        assert record.decision["decision"] == "adopt" and record.aim["new_baseline"] == 0.74
        assert record.data["new_baseline"] == ["2026-04-06", "2026-07-06"]
        assert tracker.advance(project, "c1").after == "closed"
        follow_up = tracker.next_cycle(project, "c1")
        assert follow_up.name == "c1-2.yaml"
        new = read_cycle(project, "c1-2")
        assert new.previous == "c1" and new.aim["baseline"] == 0.74
        assert new.data["before"] == ["2026-04-06", "2026-07-06"]

    def test_failed_run_does_not_count(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        fake_run(project, "c1", "baseline", BASELINE, status="failed")
        assert not tracker.advance(project, "c1").moved

    def test_act_needs_a_rationale_and_a_valid_decision(self, project):
        tracker.new_cycle(project, "c1", title="T")
        with pytest.raises(CycleError, match="rationale"):
            tracker.act(project, "c1", "adopt", " ")
        with pytest.raises(CycleError, match="use one of adopt, adapt, abandon"):
            tracker.act(project, "c1", "keep", "why")
        with pytest.raises(CycleError, match="decide in check or act"):
            tracker.act(project, "c1", "adopt", "why")


class TestStatusAndReports:
    def test_status_rows_and_json(self, project, monkeypatch, capsys):
        tracker.new_cycle(project, "c1", title="<script>alert(1)</script>", metric="fcr")
        fake_run(project, "c1", "baseline", BASELINE)
        rows = tracker.status_rows(project)
        assert rows[0].headline == "Baseline First contact resolution: 68.0%"
        assert rows[0].last_run_status == "succeeded"
        monkeypatch.chdir(project.root)
        assert cli.main(["list", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert listed[0]["id"] == "c1" and listed[0]["stage"] == "plan"
        assert cli.main(["advance", "c1"]) == 0
        assert cli.main(["advance", "c1"]) == cli.EXIT_NOT_READY
        assert "needs" in capsys.readouterr().out

    def test_pages_escape_user_text_and_link_cycles(self, project):
        tracker.new_cycle(project, "c1", title="<script>alert(1)</script>", metric="fcr")
        fake_run(project, "c1", "baseline", BASELINE)
        index = build_reports(project)
        portfolio = index.read_text()
        assert "<script>" not in portfolio and "&lt;script&gt;" in portfolio
        assert 'href="c1/index.html"' in portfolio
        page = (project.runs / "c1" / "index.html").read_text()
        assert "<script>" not in page
        assert "First contact resolution: 68.0% (95% CI 65.0% to 71.0%)" in page
        assert "No successful run yet." in page  # compare and efficiency
        assert "http://" not in page and "https://" not in page  # no CDN

    def test_cli_new_and_run_all_without_stages(self, project, monkeypatch, capsys):
        monkeypatch.chdir(project.root)
        assert cli.main(["new", "c2", "--title", "T", "--metric", "aht", "--direction",
                         "lower", "--target", "9.5"]) == 0
        assert read_cycle(project, "c2").aim["direction"] == "lower"
        assert cli.main(["run", "c2", "--all"]) == cli.EXIT_USAGE
        assert "nothing to run" in capsys.readouterr().err


class TestFaults:
    def test_concurrent_log_appends_are_all_kept(self, project):
        import multiprocessing

        tracker.new_cycle(project, "busy", title="T")
        context = multiprocessing.get_context("fork")
        workers = [context.Process(target=_append_many, args=(project.root, n))
                   for n in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        entries = [e for e in read_cycle(project, "busy").log if e.get("event") == "test"]
        assert len(entries) == 4 * 10
        assert {(e["worker"], e["n"]) for e in entries} == {(w, n) for w in range(4)
                                                            for n in range(10)}

    def test_corrupt_record_is_reported_and_left_alone(self, project):
        broken = "id: c1\ntitle: [unclosed\n"
        project.record("c1").write_text(broken)
        with pytest.raises(CycleError, match="not valid YAML"):
            append_log(project, "c1", {"event": "run"})
        assert project.record("c1").read_text() == broken


def _append_many(root: Path, worker: int) -> None:
    paths = ProjectPaths(root)
    for n in range(10):
        append_log(paths, "busy", {"event": "test", "worker": worker, "n": n})
