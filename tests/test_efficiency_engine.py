"""The efficiency stage's ``engine`` setting: the page from the engine equals the rows'.

On the demo tickets (48,000, two windows of 13 weeks) the efficiency results.json from
``engine="duckdb"`` equals the one from ``engine="pandas"`` in every figure (each
window under 100,000 tickets: each measure's own columns read in the file's order, so
the bootstrap intervals are the rows' own); from the counts alone (``exact_up_to=0``)
every estimate is equal and each bootstrap interval agrees within the Monte-Carlo error
of its resamples (5%, or half a point of a gain: ``BOOTSTRAP_RTOL``, ``BOOTSTRAP_ATOL``;
the rebuilt tickets stand in another order, which a bootstrap resamples by position).
The automation share comes from the tickets' channel counts; training's effect on
service needs the rows and says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Any

import pytest

from pdcakit.stages import efficiency_page as page
from pdcakit.stages.engine_compare import EngineWindows

RTOL = 1e-9
BOOTSTRAP_RTOL = 0.05
#: ... or within half a percentage point of a gain (a bound near 0 has no relative error).
BOOTSTRAP_ATOL = 0.005
#: results.json paths of bootstrap intervals (the gains' and the time saved's, and the
#: money and capacity ranges carried from them), and the sentences quoting them.
BOOTSTRAP = re.compile(r"(_ci|hours_per_week|fte|savings|roi|payback|per_week)")


def run_efficiency(engine: str, *, exact_up_to: int | None = None,
                   training_path: str = "") -> tuple[dict, Any]:
    """The efficiency notebook's sections in its order, with the demo's settings."""
    run = page.setup(change_date="2026-04-06", weeks_before=13, weeks_after=13,
                     automated_channels=["web"])
    tickets = page.read_tickets("demo:tickets.csv", run.windows, show=False, engine=engine,
                                segment_column="channel", automated_channels=["web"])
    if exact_up_to is not None and isinstance(tickets.tickets, EngineWindows):
        windows = replace(tickets.tickets, exact_up_to=exact_up_to)
        tickets = replace(tickets, tickets=windows, before=windows.before,
                          after=windows.after)
    steps = page.read_steps(tickets, "demo:process_steps.csv")
    gains = page.gains_section(tickets, confidence=run.confidence)
    segments = page.segments_section(tickets, gains, "channel", confidence=run.confidence)
    flow = page.steps_section(tickets, steps, waiting_steps=["wait for customer"])
    freed = page.capacity_section(tickets, gains, flow)
    value = page.money_section(tickets, freed, cost_per_hour=32.0, investment=25000.0)
    tech = page.tech_section(gains)
    automation = page.automation_section(tickets, ["web"], confidence=run.confidence)
    training = page.training_section(tickets, training_path)
    summary = page.summary_section(tickets, gains=gains, steps=flow, freed=freed,
                                   value=value)
    import matplotlib.pyplot as plt
    plt.close("all")
    return page.results_record(run, tickets, gains=gains, segments=segments, steps=flow,
                               freed=freed, value=value, tech=tech, automation=automation,
                               summary=summary, training=training), tickets


def differences(a: Any, b: Any, path: str = "", *, exact: bool = True) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for key in sorted(set(a) | set(b), key=str)
                for d in ([f"{path}.{key}"] if key not in a or key not in b else
                          differences(a[key], b[key], f"{path}.{key}", exact=exact))]
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{i}]", exact=exact)]
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a == b else [path]
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return []
        loose = not exact and BOOTSTRAP.search(path)
        return [] if math.isclose(a, b, rel_tol=BOOTSTRAP_RTOL if loose else RTOL,
                                  abs_tol=BOOTSTRAP_ATOL if loose else 1e-12) else [path]
    if isinstance(a, str) and isinstance(b, str) and a != b and not exact:
        same = re.sub(r"[-+]?\d[\d,.]*", "#", a) == re.sub(r"[-+]?\d[\d,.]*", "#", b)
        return [] if same else [path]
    return [] if a == b else [path]


@pytest.fixture(scope="module")
def pages() -> dict[str, tuple[dict, Any]]:
    return {"rows": run_efficiency("pandas"), "engine": run_efficiency("duckdb"),
            "counts": run_efficiency("duckdb", exact_up_to=0)}


class TestEfficiencyOnTheEngine:
    def test_the_engine_reads_the_windows(self, pages):
        assert isinstance(pages["engine"][1].tickets, EngineWindows)
        assert len(pages["engine"][1].before) == 23988
        said = pages["engine"][1].sentences
        assert any("Read with engine duckdb" in s for s in said)

    def test_every_figure_equals_the_rows(self, pages):
        assert differences(pages["rows"][0], pages["engine"][0]) == []

    def test_from_counts_estimates_equal_intervals_within_their_error(self, pages):
        rows, counts = pages["rows"][0], pages["counts"][0]
        assert differences(rows, counts, exact=False) == []
        for key, gain in rows["gains"].items():
            assert counts["gains"][key]["gain"] == pytest.approx(gain["gain"], rel=RTOL)

    def test_the_automation_share_from_the_channel_counts(self, pages):
        rows, counts = pages["rows"][0], pages["counts"][0]
        share = rows["tech"]["automation_share"]
        assert counts["tech"]["automation_share"] == share
        assert 0 < share["after"] < 1 and share["n_after"] == 24012

    def test_training_effect_needs_the_rows(self):
        found, tickets = run_efficiency("duckdb", training_path="demo:training.csv")
        assert "training_effect" not in found
        assert "needs the rows" in tickets.sections.skipped["training_effect"]
