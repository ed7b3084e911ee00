"""Impossible record fields are a listed problem naming the field, never a traceback."""

from __future__ import annotations

import pytest

from pdcakit import cli
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import CycleError, read_cycle

WRONG = {
    "team: 5\n": "team: 5",
    "team: !!set {a, b}\n": "YAML set",
    "stages: [1]\n": "stages: must be a mapping",
    "stages: {baseline: 5}\n": "stages.baseline: write parameters",
    "stages: {plan: {parameters: {a: 1}}}\n": "stages.plan: unknown stage",
    "log: [5, x]\n": "log[1]",
    "log: [{date: 2026-01-05, event: run}]\n": "a run entry needs its stage",
    "owner: [a]\n": "owner: ['a'] must be text",
    "problem: {a: 1}\n": "problem:",
    "actions: [{what: x, done: maybe}]\n": "actions[1].done: 'maybe'",
    "aim: {metric: happiness}\n": "aim.metric: unknown KPI 'happiness'",
    "aim: {target: .nan}\n": "aim.target: nan is not a number",
    "aim: {target: true}\n": "aim.target: True is not a number",
    "data: {before: [2026-13-01, 2026-02-01]}\n": "'2026-13-01' is not a date that exists",
    "data: {after: [2026-04-06]}\n": "data.after",
}


@pytest.fixture()
def paths(tmp_path) -> ProjectPaths:
    (tmp_path / "pdca").mkdir()
    (tmp_path / "runs").mkdir()
    return ProjectPaths(tmp_path)


@pytest.mark.parametrize("extra, named", list(WRONG.items()))
def test_each_impossible_field_is_named(paths, extra, named, monkeypatch, capsys):
    paths.record("c").write_text("id: c\ntitle: A cycle\n" + extra, encoding="utf-8")
    with pytest.raises(CycleError) as caught:
        read_cycle(paths, "c")
    assert named in str(caught.value)
    with pytest.raises(CycleError):
        tracker.status_rows(paths, "c")
    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    assert cli.main(["status", "c"]) == cli.EXIT_USAGE  # one error line, no traceback
    err = capsys.readouterr().err
    assert err.startswith("pdca: error: ") and "Traceback" not in err


def test_a_title_that_is_not_text_is_refused(paths):
    paths.record("c").write_text("id: c\ntitle: [1, 2]\n", encoding="utf-8")
    with pytest.raises(CycleError, match="title: missing or not text"):
        read_cycle(paths, "c")


def test_a_full_disk_is_one_line_naming_the_file_and_the_fix(paths, monkeypatch, capsys):
    import errno

    from pdcakit import fileio

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(paths.record("new-one")))

    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    monkeypatch.setattr(fileio.os, "link", full)
    assert cli.main(["new", "new-one", "--title", "T"]) == cli.EXIT_CANNOT_WRITE
    err = capsys.readouterr().err
    assert err.startswith("pdca: error: cannot write ") and "new-one.yaml" in err
    assert "No space left on device" in err and "free some disk space" in err
    assert not paths.record("new-one").exists() and not list(paths.records.glob(".*.tmp"))


def test_status_still_answers_when_tidying_cannot_write(paths, monkeypatch, capsys):
    import errno

    paths.record("c").write_text("id: c\ntitle: A cycle\n", encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "runs/c/x/provenance.json")

    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    monkeypatch.setattr(cli, "mark_abandoned_runs", full)
    assert cli.main(["status"]) == 0
    captured = capsys.readouterr()
    assert "could not tidy earlier runs" in captured.err and "c " in captured.out


def test_a_run_into_a_folder_it_cannot_write_never_starts(paths, monkeypatch, capsys):
    import os

    paths.record("c").write_text("id: c\ntitle: A cycle\n", encoding="utf-8")
    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)  # root may write anywhere
    assert cli.main(["run", "c", "baseline", "--data", "demo:tickets.csv"]) == \
        cli.EXIT_CANNOT_WRITE
    assert "is not writable, so the run could not be kept" in capsys.readouterr().err
    assert not any(os.scandir(paths.runs))


def test_a_bug_is_not_reported_as_bad_usage(paths, monkeypatch):
    # The command line reports the project's own errors in one line; any other exception
    # (a ValueError from a bug included) keeps its traceback instead of posing as usage.
    monkeypatch.setenv("PDCA_HOME", str(paths.root))

    def buggy(*args, **kwargs):
        raise ValueError("an internal mistake")

    monkeypatch.setattr(tracker, "workbook_status", buggy)
    with pytest.raises(ValueError, match="an internal mistake"):
        cli.main(["status"])


def test_a_half_written_notebook_marks_the_run_failed_with_the_reason(tmp_path):
    # A full disk during the notebook's last save leaves it truncated: the run is kept,
    # marked failed with the reason, never "Notebook does not appear to be JSON" raised.
    import datetime as dt
    import json

    from pdcakit.run.runner import ExecutedRun, finish_run

    run_dir = tmp_path / "runs" / "c" / "baseline" / "20261202T000000Z"
    run_dir.mkdir(parents=True)
    (run_dir / "baseline.ipynb").write_text('{"cells": [')
    started = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    executed = ExecutedRun(cycle="c", stage="baseline", run_dir=run_dir,
                           notebook=run_dir / "baseline.ipynb",
                           results=run_dir / "results.json", parameters={},
                           provenance={"started_at": started.isoformat(), "status": "running"},
                           ended=started + dt.timedelta(seconds=5), error=None)
    result = finish_run(executed)
    assert result.status == "failed"
    assert "could not be read" in result.error and "disk full" in result.error
    prov = json.loads((run_dir / "provenance.json").read_text())
    assert prov["status"] == "failed" and prov["error"] == result.error
