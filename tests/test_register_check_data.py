"""pdca check-data on a register export: a feedback export or a complaint register (one row
per case, or one row per step) is described as what it is, never read as tickets (a team's
first try: 'step' is not a column of the tickets table, did you mean 'site')."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pdcakit.registers.describe import register_of

PDCA = Path(sys.executable).with_name("pdca")


def _check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PDCA), "check-data", *args], cwd=tmp_path, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture()
def steps(tmp_path: Path) -> tuple[Path, Path]:
    export = tmp_path / "投诉环节.csv"
    export.write_text(
        "编号,环节,时间,处理人,期限\n"
        "C1,受理,2026-03-02 09:00,王芳,2026-03-05\n"
        "C1,办结,2026-03-03 16:20,李强,\n"
        "C2,受理,2026-03-04,王芳,2026-03-07\n"   # a date without a time
        "C2,转派,2026-03-04 15:00,赵敏,\n"
        "C3,受理,2026-03-06 10:00,王芳,2026-03-09\n", encoding="utf-8")
    mapping = tmp_path / "steps.yaml"
    mapping.write_text("columns:\n  id: 编号\n  step: 环节\n  at: 时间\n  owner: 处理人\n"
                       "  deadline: 期限\n", encoding="utf-8")
    return export, mapping


def test_a_step_register_is_described_as_complaint_cases(tmp_path, steps):
    export, mapping = steps
    done = _check(tmp_path, str(export), "-p", "mapping", str(mapping))
    assert done.returncode == 0, done.stderr
    assert "a complaint register, 3 case(s) (2 still open)" in done.stdout
    assert "received 2026-03-02 to 2026-03-06" in done.stdout
    assert "at (column '时间' in the file): 1 value has a date but no time (row 4" in done.stdout
    assert "tickets" not in done.stdout + done.stderr


def test_json_output(tmp_path, steps):
    export, mapping = steps
    done = _check(tmp_path, str(export), "-p", "mapping", str(mapping), "--json")
    found = json.loads(done.stdout)
    assert found["register"] == "complaints" and found["rows"] == 3
    assert found["open_cases"] == 2


def test_a_feedback_export_named_by_table(tmp_path):
    export = tmp_path / "feedback.csv"
    export.write_text("id,received_at,channel,text,class\n"
                      "F1,2026-03-02 09:00,phone,回复太慢了,响应速度\n"
                      "F2,2026-03-03 10:00,email,\"Agent was rude, twice\",\n", encoding="utf-8")
    mapping = tmp_path / "fb.yaml"
    mapping.write_text("table: feedback\n", encoding="utf-8")
    done = _check(tmp_path, str(export), "-p", "mapping", str(mapping))
    assert done.returncode == 0, done.stderr
    assert "a feedback export, 2 item(s)" in done.stdout
    assert "the export's own class on 1 of them" in done.stdout


def test_a_bad_register_names_the_file_and_column(tmp_path, steps):
    export, mapping = steps
    export.write_text("编号,环节,时间\nC1,受理,not a date\n", encoding="utf-8")
    done = _check(tmp_path, str(export), "-p", "mapping", str(mapping))
    assert done.returncode != 0
    assert "投诉环节.csv" in done.stderr and "时间" in done.stderr


def test_which_register_a_mapping_describes():
    assert register_of({"table": "complaints"}) == "complaints"
    assert register_of({"columns": {"deadline": "期限"}}) == "complaints"
    assert register_of({"columns": {"class": "类别"}}) == "feedback"
    assert register_of({"columns": {"created_at": "创建时间"}}) is None
    assert register_of("zh_helpdesk") is None
