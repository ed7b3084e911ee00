"""``check-data`` through DuckDB (pdcakit.aggregate.bigfile): the row path's summary
(pdcakit.data.describe_export) without loading rows, on an event log with repeated ids,
date-only times, an empty month, missing values and a mapped Chinese export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.aggregate.bigfile import describe_big_export
from pdcakit.data import describe_export

FIELDS = ("rows", "first_created", "last_created", "months", "empty_months", "date_only",
          "snapshot", "snapshot_source", "open_rows", "open_last_year", "repeated_ids",
          "repeated_rows", "repeated_examples", "on_duplicate", "columns", "present", "empty",
          "unmapped", "kpis", "kpis_skipped", "stages", "cases", "open_cases",
          "open_cases_last_year", "cases_from")


def event_log(tmp_path) -> str:
    """Several rows per case (status changes), date-only times, no tickets in February,
    an unused column, an empty csat column, a Chinese site name."""
    rng = np.random.default_rng(3)
    n = 400
    ids = rng.choice([f"C{i:03d}" for i in range(300)], n)
    days = rng.choice(np.r_[0:31, 59:120], n)
    created = pd.Timestamp("2025-01-01") + pd.to_timedelta(days, "D")
    resolved = (created + pd.to_timedelta(rng.integers(0, 20, n), "D")).strftime("%Y-%m-%d")
    resolved = np.where(rng.random(n) < 0.3, "", resolved)
    frame = pd.DataFrame({"id": ids, "created_at": created.strftime("%Y-%m-%d"),
                          "resolved_at": resolved, "status": rng.choice(["new", "done"], n),
                          "site": rng.choice(["Leeds", "上海"], n), "csat": ""})
    path = tmp_path / "log.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("on_duplicate", [None, "keep_first"])
def test_event_log_summary_equals_the_row_paths(tmp_path, on_duplicate):
    path = event_log(tmp_path)
    row = describe_export(path, on_duplicate=on_duplicate)
    big = describe_big_export(path, on_duplicate=on_duplicate)
    for name in FIELDS:
        assert getattr(big.summary, name) == getattr(row, name), name
    assert big.summary.repeated_ids > 50 and big.summary.empty_months == ("2025-02",)
    assert big.nulls["csat"] == 400 and big.nulls["resolved_at"] == row.open_rows
    same = [line for line in row.lines() if not line.startswith(("Check:", "Note:"))]
    assert [line for line in big.summary.lines() if not line.startswith("Note:")] == same
    assert any("plausibility" in line for line in big.lines())
    assert big.lines()[-1].startswith("Empty cells per column: resolved_at")


def test_parquet_with_clock_times(tmp_path):
    frame = pd.DataFrame({
        "id": ["A", "B", "C"],
        "created_at": pd.to_datetime(["2026-01-05 09:00", "2026-01-06 10:30", "2026-03-01 00:00"]),
        "resolved_at": pd.to_datetime(["2026-01-05 12:00", None, None]),
        "channel": ["phone", None, "web"]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, index=False)
    row, big = describe_export(path), describe_big_export(path, snapshot="2026-03-02")
    assert big.summary.date_only is False and big.summary.snapshot_source == "given"
    for name in ("rows", "months", "empty_months", "open_rows", "present", "kpis"):
        assert getattr(big.summary, name) == getattr(row, name), name
    assert big.nulls == {"id": 0, "created_at": 0, "resolved_at": 2, "channel": 1}


def test_pdca_check_data_engine_duckdb_says_what_the_row_path_says(tmp_path, capsys):
    """`pdca check-data --engine duckdb FILE` on an event log: the row path's sentences
    (cases, date range, repeated ids, empty month), the note that the plausibility checks
    are left out, and the empty cells per column; a loading option the engine cannot take
    is refused by name with the fix."""
    from pdcakit.cli import main

    path = event_log(tmp_path)
    assert main(["check-data", "--engine", "duckdb", str(path)]) == 0
    out = capsys.readouterr().out
    row = describe_export(path)
    assert row.lines()[1] in out and "without --engine" in out
    assert "Empty cells per column: resolved_at" in out
    assert main(["check-data", "--engine", "duckdb", "--json", str(path)]) == 0
    assert '"empty_cells"' in capsys.readouterr().out
    assert main(["check-data", "--engine", "duckdb", "-p", "dayfirst", "true", str(path)]) != 0
    err = capsys.readouterr().err
    assert "not dayfirst" in err and "--engine pandas" in err


def test_pdca_check_data_describes_a_wide_survey_through_its_mapping(tmp_path, capsys):
    """A wide survey export with text answers and a survey mapping: check-data describes
    respondents, questions and the answers not scored instead of refusing the file."""
    from pdcakit.cli import main

    path = tmp_path / "survey.csv"
    path.write_text("ID,Q\n1,Yes\n2,\n3,N/A\n4,No\n", encoding="utf-8")
    mapping = tmp_path / "survey.yaml"
    mapping.write_text(
        "columns: {respondent_id: ID}\nquestions: {Q: {scale: yn}}\n"
        "scales: {yn: {range: [0, 1], better: higher, answers: {'Yes': 1, 'No': 0}, "
        "not_scored: ['N/A']}}\n", encoding="utf-8")
    assert main(["check-data", str(path), "-p", "mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "Not scored: 1 blank, 1 not scored (Q: 'N/A' 1)." in out


def test_the_checks_before_a_run_peek_through_the_engine(tmp_path, monkeypatch):
    """`pdca run ... -p engine duckdb` checks the export before the kernel starts by one
    engine query (rows, columns holding a value, the created_at range equal to the row
    path's peek), never by reading every row; a mapping the engine cannot apply falls back
    to the row path's peek, as the stage itself does."""
    from pdcakit import data
    from pdcakit.aggregate.bigfile import peek_big_export
    from pdcakit.run import preflight

    path = event_log(tmp_path)
    row = data.peek_export(path)
    big = peek_big_export(path)
    assert (big.rows, big.created_min, big.created_max) == (row.rows, row.created_min,
                                                           row.created_max)
    assert set(big.present) == set(row.present) and "csat" not in big.present

    def no_rows(*args, **kwargs):
        raise AssertionError("the row path's peek was used")

    monkeypatch.setattr(data, "peek_export", no_rows)
    assert preflight._peek(str(path), {"engine": "duckdb"}, {}).rows == row.rows
    with pytest.raises(AssertionError, match="row path"):
        preflight._peek(str(path), {"engine": "duckdb"}, {"dayfirst": "true"})
