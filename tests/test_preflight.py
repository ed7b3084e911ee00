"""Checks before the kernel (`pdca run`) and `pdca check-data`, on real-shaped exports."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from exports import city_council_cases, helpdesk_without_response
from pdcakit import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def workbook(tmp_path, monkeypatch):
    """A workbook with the stage templates, a council export and a cycle on it."""
    (tmp_path / "pdca").mkdir()
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"))
    (tmp_path / "exports").mkdir()
    export = city_council_cases(tmp_path / "exports", rows=3_000)
    monkeypatch.setenv("PDCA_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "cases", "--title", "Cases closed sooner", "--metric",
                     "time_to_resolve", "--direction", "lower", "--target", "2880"]) == 0
    record = tmp_path / "pdca" / "cases.yaml"
    text = record.read_text(encoding="utf-8")
    text = text.replace('  tickets: ""', "  tickets: exports/cases.csv")
    text = text.replace("  mapping: null", "  mapping: exports/cases_mapping.yaml")
    record.write_text(text, encoding="utf-8")
    return tmp_path, export


def _error(capsys) -> str:
    return capsys.readouterr().err


def test_every_problem_is_listed_at_once_and_nothing_runs(workbook, capsys):
    root, _ = workbook
    code = cli.main(["run", "cases", "baseline", "-p", "alhpa", "0.1", "-p", "period", "X",
                     "-p", "kpis", "[fcr, aht, time_to_resolve]",
                     "-p", "start", "2031-01-01", "-p", "end", "2032-01-01"])
    err = _error(capsys)
    assert code == cli.EXIT_USAGE
    assert "4 problems" in err or "5 problems" in err
    assert "Did you mean 'alpha'?" in err
    assert "'X' is not one of D, W, M" in err
    assert "fcr (First contact resolution) cannot be computed from cases.csv" in err
    assert "first_contact_resolved" in err and "handle_minutes" in err
    assert "lies outside the data of cases.csv" in err and "2015-01-01" in err
    assert not (root / "runs" / "cases").exists()  # no run directory, no kernel


def test_aim_metric_the_export_cannot_measure_is_caught_before_the_kernel(workbook, capsys):
    root, _ = workbook
    record = root / "pdca" / "cases.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        "metric: \"time_to_resolve\"", "metric: \"fcr\""), encoding="utf-8")
    assert cli.main(["run", "cases", "baseline"]) == cli.EXIT_USAGE
    assert "headline_kpi: fcr (First contact resolution) cannot be computed" in _error(capsys)


def test_compare_without_a_go_live_names_the_record_field(workbook, capsys):
    assert cli.main(["run", "cases", "compare"]) == cli.EXIT_USAGE
    err = _error(capsys)
    assert "needs the go-live date" in err and "data.after" in err and "-p change_date" in err


def test_a_cycle_without_a_tickets_export_is_told_how_to_give_one(workbook, capsys):
    assert cli.main(["new", "empty", "--title", "No data yet"]) == 0
    assert cli.main(["run", "empty", "baseline"]) == cli.EXIT_USAGE
    assert "set data.tickets in pdca/empty.yaml, or pass --data FILE" in _error(capsys)


def test_paths_on_the_command_line_are_the_users(workbook, capsys, monkeypatch):
    root, _ = workbook
    elsewhere = root / "analyst"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli.main(["run", "cases", "baseline", "--data", "cases.csv"]) == cli.EXIT_USAGE
    err = _error(capsys)
    assert f"{elsewhere / 'cases.csv'}: file not found" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_before_reading(workbook, capsys):
    root, _ = workbook
    fifo = root / "exports" / "pipe.csv"
    os.mkfifo(fifo)
    assert cli.main(["run", "cases", "baseline", "--data", str(fifo)]) == cli.EXIT_USAGE
    assert "is not a regular file" in _error(capsys)


def test_check_data_says_what_an_export_holds(workbook, capsys):
    _, export = workbook
    assert cli.main(["check-data", "exports/cases.csv"]) == 0
    out = capsys.readouterr().out
    assert f"{export.rows:,} rows" in out
    assert "inferred from the latest timestamp" in out
    assert "105 ids appear on more than one row" in out and "on_duplicate" in out
    assert "It cannot compute First contact resolution (fcr)" in out
    assert cli.main(["check-data", "exports/cases.csv", "-p", "mapping",
                     "exports/cases_mapping.yaml", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == export.rows


def test_check_data_on_a_helpdesk_export_without_response_columns(tmp_path, capsys,
                                                                  monkeypatch):
    export = helpdesk_without_response(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check-data", str(export.path)]) == 0
    out = capsys.readouterr().out
    assert "first_response_at" in out and "handle_minutes" in out
    assert cli.main(["check-data", str(export.path), "-p", "colour", "x"]) == cli.EXIT_USAGE


def test_numbers_that_cannot_mean_anything_are_refused(workbook, capsys):
    # "-p sla_resolution_hours -5" once gave "within SLA (-300 minutes): 0.0%"
    assert cli.main(["run", "cases", "baseline", "-p", "sla_resolution_hours", "-5",
                     "-p", "alpha", "5"]) == cli.EXIT_USAGE
    err = _error(capsys)
    assert "parameter 'sla_resolution_hours': -5.0 must be above 0" in err
    assert "parameter 'alpha': 5.0 must be between 0 and 1" in err


def test_a_negative_sla_threshold_is_an_error_in_the_library_too():
    import pandas as pd

    from pdcakit import metrics

    tickets = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05"]),
                            "resolved_at": pd.to_datetime(["2026-01-06"])})
    tickets.attrs["snapshot"] = pd.Timestamp("2026-01-07")
    with pytest.raises(ValueError, match="must be a positive time"):
        metrics.sla_attainment(tickets, threshold_minutes=-300, event="resolution")
