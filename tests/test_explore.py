"""The explore notebook's comparison, and its controls driving it without errors."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from pdcakit import data
from pdcakit.stages.explore import explore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tickets():
    return data.load_tickets(ROOT / "data" / "demo" / "tickets.csv")


def test_segment_comparison_recovers_chat_handle_time(tickets):
    found = explore(tickets, "aht", change_date="2026-04-06", segment_column="channel",
                    segment="chat")
    assert found.change.direction == "improved"
    assert found.sentence.startswith("Average handle time (channel chat) improved")
    assert found.view.change_index == 13


def test_all_tickets_and_bad_segment(tickets):
    found = explore(tickets, "fcr", change_date="2026-04-06", segment="(all)")
    assert found.segment == "" and found.change.direction == "improved"
    with pytest.raises(ValueError, match="no tickets with channel = 'fax'"):
        explore(tickets, "fcr", change_date="2026-04-06", segment_column="channel",
                segment="fax")


@pytest.mark.slow
def test_moving_the_controls_redraws_without_error():
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'controls["segment"].value = "email"\n'
        'controls["kpi"].value = "first_response_time"\n'
        'controls["weeks_before"].value = 8\n'
        'print("redrawn")'))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    assert "redrawn" in nb.cells[-1].outputs[-1]["text"]
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
