"""Gates and records under races and kills: decisions made inside one lock, exclusive
creation, lost log entries repaired, stray temporary files removed.

Each race runs in separate processes (as two teammates' commands would) and is repeated
enough times to be meaningful: before these fixes two ``advance`` at once logged the
same move twice in 5 of 5 trials.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

from pdcakit import cli
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import CycleError, edit_record, read_cycle
from test_results_contract import baseline_results, write_run

TRIALS = 12


def _workbook(root) -> ProjectPaths:
    (root / "pdca").mkdir(parents=True)
    (root / "runs").mkdir()
    return ProjectPaths(root)


def _advance(root: str) -> bool:
    return tracker.advance(ProjectPaths(Path(root)), "race").moved


def _new(root: str) -> str:
    try:
        tracker.new_cycle(ProjectPaths(Path(root)), "same-id", title=f"writer {os.getpid()}")
    except CycleError:
        return "refused"
    return f"writer {os.getpid()}"


def _started_together(function, root: str, barrier, results) -> None:
    barrier.wait()  # every process starts its command at the same moment
    results.put(function(root))


def _side_by_side(function, root, processes: int = 4) -> list:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_started_together,
                               args=(function, str(root), barrier, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    said = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    return said


def test_advance_at_once_makes_each_move_once(tmp_path):
    for trial in range(TRIALS):
        paths = _workbook(tmp_path / f"t{trial}")
        tracker.new_cycle(paths, "race", title="Race", metric="fcr", target=0.74)
        write_run(paths, "race", "baseline", baseline_results())
        moved = _side_by_side(_advance, paths.root)
        record = read_cycle(paths, "race")
        moves = [e for e in record.log if e.get("event") == "advance"]
        # plan -> do once; do -> check needs a go-live this record does not have
        assert moved.count(True) == 1, (trial, moved)
        assert [(m["from"], m["to"]) for m in moves] == [("plan", "do")], trial
        assert record.stage == "do"


def test_new_with_one_id_at_once_gives_one_record_and_errors(tmp_path):
    for trial in range(TRIALS):
        paths = _workbook(tmp_path / f"t{trial}")
        said = _side_by_side(_new, paths.root)
        winners = [s for s in said if s != "refused"]
        assert len(winners) == 1, (trial, said)
        assert read_cycle(paths, "same-id").title == winners[0]
        assert not list(paths.records.glob(".*.tmp"))


def test_act_checks_the_same_evidence_as_advance(tmp_path):
    paths = _workbook(tmp_path)
    tracker.new_cycle(paths, "gate", title="Gate", metric="fcr", target=0.74)
    with edit_record(paths, "gate") as data:
        data["stage"] = "check"  # as if moved on, with no compare run yet
    with pytest.raises(CycleError, match=r"no decision without the Check's evidence.*"
                                         r"a successful compare run"):
        tracker.act(paths, "gate", "adopt", "looks good")
    record = read_cycle(paths, "gate")
    assert record.decision is None and record.stage == "check"
    assert not tracker.advance(paths, "gate").moved  # and advance cannot close it either


def test_a_run_whose_command_died_before_logging_is_logged_by_the_next(tmp_path, monkeypatch,
                                                                     capsys):
    paths = _workbook(tmp_path)
    tracker.new_cycle(paths, "killed", title="Killed after the run", metric="fcr")
    run_dir = write_run(paths, "killed", "baseline", baseline_results())  # never logged
    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    assert cli.main(["status", "killed"]) == 0
    assert "logged an earlier run its command did not log" in capsys.readouterr().err
    log = read_cycle(paths, "killed").log
    entry = [e for e in log if e.get("event") == "run"]
    assert [e["run_dir"] for e in entry] == [run_dir.relative_to(paths.root).as_posix()]
    assert entry[0]["status"] == "succeeded" and "logged late" in entry[0]["note"]
    assert cli.main(["status", "killed"]) == 0  # and only once
    assert len([e for e in read_cycle(paths, "killed").log if e.get("event") == "run"]) == 1


def test_a_temporary_file_left_by_a_killed_write_is_removed(tmp_path):
    paths = _workbook(tmp_path)
    tracker.new_cycle(paths, "tidy", title="Tidy")
    stray = paths.records / ".tidy.yaml.k1ll3d.tmp"
    stray.write_text("half a record")
    with edit_record(paths, "tidy") as data:
        data["owner"] = "Quality lead"
    assert not stray.exists()
    assert read_cycle(paths, "tidy").owner == "Quality lead"


def test_a_second_demo_at_once_is_told_to_wait(tmp_path, monkeypatch, capsys):
    import fcntl

    paths = _workbook(tmp_path)
    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    with open(paths.records / ".demo-helpdesk.demo.lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        assert cli.main(["demo"]) == cli.EXIT_USAGE
    assert "another pdca demo is running" in capsys.readouterr().err
    assert not (paths.runs / "demo-helpdesk").exists()
