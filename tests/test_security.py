"""Security: ids and stages cannot reach outside the project, YAML is loaded safely,
user text reaches HTML escaped (see test_tracker), parameters reach notebooks as
literals (see test_runner), and nothing opens a network connection."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from pdcakit import data, stats
from pdcakit.run.project import ProjectPaths, check_cycle_id, check_stage
from pdcakit.tracker.record import CycleError, load_record, read_cycle

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("cycle_id", ["../etc", "/etc/passwd", "a/b", "..", "A", "a b",
                                      "a" * 65, "", "-a", "a\n"])
def test_cycle_ids_cannot_escape_the_project(cycle_id):
    with pytest.raises(ValueError, match="invalid cycle id"):
        check_cycle_id(cycle_id)


@pytest.mark.parametrize("stage", ["../baseline", "/tmp/x", "baseline.ipynb", "report"])
def test_unknown_stages_are_refused(stage):
    with pytest.raises(ValueError):
        check_stage(stage)


def test_yaml_tags_that_run_code_are_refused(tmp_path):
    (tmp_path / "pdca").mkdir()
    (tmp_path / "notebooks").mkdir()
    paths = ProjectPaths(tmp_path)
    marker = tmp_path / "pwned"
    paths.record("evil").write_text(
        f"id: evil\ntitle: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(CycleError, match="not valid YAML"):
        load_record(paths, "evil")
    with pytest.raises(CycleError):
        read_cycle(paths, "evil")
    assert not marker.exists()


def test_no_network_connection(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network connection attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    tickets = data.load_tickets(ROOT / "data" / "demo" / "tickets.csv")
    assert len(tickets) > 0
    stats.compare([0, 1, 1, 0] * 30, [1, 1, 1, 0] * 30)
    from pdcakit.tracker.report import page

    assert "<script" not in page("t", "<p>x</p>")
