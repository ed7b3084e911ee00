"""The explore notebook's comparison, and its controls driving it without errors."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import nbformat
import numpy as np
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
    assert found.sentence.startswith("Average handle time (channel chat) fell from")
    assert "(mean)" in found.sentence and "**Improved**" in found.sentence
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
    from nbclient.exceptions import CellTimeoutError

    # nbclient can block for good on a cell whose widgets send comm messages (an open
    # upstream bug, jupyter/nbclient#312; seen here once in about ten runs, both sides
    # idle): a cell that has not finished in 120 s (it takes about 5) is run again once
    # in a new kernel, and a second timeout fails the test.
    for attempt in (1, 2):
        run = nbformat.from_dict(nb)
        try:
            NotebookClient(run, timeout=120, kernel_name="python3",
                           resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
            break
        except CellTimeoutError:
            if attempt == 2:
                raise
    nb = run
    assert "redrawn" in nb.cells[-1].outputs[-1]["text"]
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))


class TestChoicesOnRealShapedExports:
    """The controls offer what the export supports, whatever the demo has."""

    def test_chinese_council_cases_offer_its_kpis_and_its_categories(self, tmp_path):
        import exports
        from pdcakit.stages.explore import explore_choices, explore_view
        from pdcakit.stages.sections import Sections, load_export

        export = exports.chinese_city_council_cases(tmp_path)  # 20,000 cases
        reads = Sections.of(None)
        cases = load_export(str(export.path), str(export.mapping), ledger=reads)
        assert sorted(reads.inputs) == ["data_path", "mapping"]
        found = explore_choices(cases, Sections.of(cases, show=False), kpi="aht",
                                segment_column="category", segment="不存在的类别")
        # id, created_at, resolved_at, category: only the resolution KPIs can be computed
        assert found.kpis == ("time_to_resolve", "resolution_rate", "sla_resolution")
        assert found.kpi == "time_to_resolve"
        assert found.note.startswith("Average handle time cannot be shown on this export "
                                     "(needs the column handle_minutes")
        assert found.segment == "(all)"  # an unknown category falls back to all cases
        assert found.segments[0] == "(all)" and len(found.segments) == 61
        assert all(isinstance(s, str) for s in found.segments)
        chosen = str(cases["category"].value_counts().index[0])  # the busiest category
        view = explore_view(cases, kpi=found.kpi, segment=chosen,
                            change_date=export.after[0], weeks_before=26, weeks_after=26,
                            segment_column="category")
        assert view.sentence.startswith(f"**Time to resolve (category {chosen}) ")
        assert len(view.figures()) == 1

    def test_a_selection_that_cannot_be_compared_says_why(self, tickets):
        from pdcakit.stages.explore import explore_view

        view = explore_view(tickets, kpi="aht", segment="no such channel",
                            change_date="2026-04-06", weeks_before=13, weeks_after=13,
                            segment_column="channel")
        assert view.sentence == ("Cannot compare this selection: no tickets with channel = "
                                 "'no such channel'")
        assert view.figures() == []


class TestExplorerKeepsEachSelection:
    """The live controls' back end: the same answers as explore_view, computed once."""

    SELECTION: ClassVar[dict] = {"segment": "email", "change_date": "2026-04-06",
                                 "weeks_before": 10, "weeks_after": 13}

    def test_same_verdict_and_chart_values_as_explore_view(self, tickets):
        from pdcakit.stages.explore import Explorer, explore_view

        explorer = Explorer(tickets, "channel")
        for kpi in ("time_to_resolve", "fcr", "aht"):
            kept = explorer.view(kpi=kpi, **self.SELECTION)
            plain = explore_view(tickets, kpi=kpi, segment_column="channel", **self.SELECTION)
            assert kept.sentence == plain.sentence
            assert kept.exploration.change.as_dict() == plain.exploration.change.as_dict()
            np.testing.assert_array_equal(kept.exploration.view.values,
                                          plain.exploration.view.values)

    def test_a_selection_seen_before_is_not_computed_or_drawn_again(self, tickets,
                                                                    monkeypatch):
        from pdcakit.stages import display, explore

        computed, drawn = [], []
        real_explore, real_svg = explore._explore_part, display.figure_svg
        monkeypatch.setattr(explore, "_explore_part",
                            lambda *a, **k: computed.append(a[1]) or real_explore(*a, **k))
        monkeypatch.setattr(display, "figure_svg",
                            lambda fig, **k: drawn.append(1) or real_svg(fig, **k))
        explorer = explore.Explorer(tickets, "channel")
        for kpi in ("first_response_time", "fcr", "first_response_time", "fcr"):
            svgs = explorer.svg(kpi=kpi, **self.SELECTION)
            assert len(svgs) == 1 and svgs[0].startswith("<svg")
        assert computed == ["first_response_time", "fcr"] and len(drawn) == 2
        moved = dict(self.SELECTION, weeks_before=9)
        explorer.view(kpi="fcr", **moved)
        assert computed[-1] == "fcr" and len(computed) == 3  # a new window: computed

    def test_a_segment_without_tickets_says_why_and_draws_nothing(self, tickets):
        from pdcakit.stages.explore import Explorer

        explorer = Explorer(tickets, "channel")
        selection = dict(self.SELECTION, segment="fax")
        assert explorer.view(kpi="aht", **selection).sentence == (
            "Cannot compare this selection: no tickets with channel = 'fax'")
        assert explorer.svg(kpi="aht", **selection) == []


def test_the_live_controls_redraw_on_release_from_the_kept_selections():
    """The explore notebook's sliders redraw when released (not at every week passed on
    the way), and a control's change goes through the Explorer's kept selections."""
    import ast

    source = (ROOT / "notebooks" / "explore.py").read_text(encoding="utf-8")
    sliders = [node for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "IntSlider"]
    assert len(sliders) == 2
    for slider in sliders:
        settings = {k.arg: k.value for k in slider.keywords}
        assert isinstance(settings.get("continuous_update"), ast.Constant)
        assert settings["continuous_update"].value is False
    assert "explorer = Explorer(tickets, segment_column)" in source
    assert "show_live(**{name: control.value" in source
