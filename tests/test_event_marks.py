"""The cycle's story on its charts: every dated action of the demo record is marked on the
demo compare run's time charts (issue 24), read as SVG text from the run's notebook.

``pdca run`` passes the record's actions as ``cycle_events``; the time-view charts
(section "3. Over time") draw each as a line tagged with its number and first word
("1 Write") and list it in the legend with its date and text.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import nbformat
import pytest
import yaml

CYCLE = "demo-helpdesk"


def _svg_texts(svg: str) -> list[str]:
    """The text of every ``<text>`` element of an SVG (matplotlib writes text as text)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", text))
            for text in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


@pytest.fixture(scope="module")
def compare_run(demo_project):
    paths, _ = demo_project
    (run_dir,) = sorted((paths.runs / CYCLE / "compare").iterdir())[-1:]
    return paths, run_dir


def _over_time_charts(run_dir) -> dict[str, list[list[str]]]:
    """The SVG texts of each chart of the compare run's "Over time" section: the detailed
    time-view charts, and those under "### Every KPI over time" (the small multiples)."""
    nb = nbformat.read(run_dir / "compare.ipynb", as_version=4)
    charts: dict[str, list[list[str]]] = {"detailed": [], "every KPI": []}
    part = None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    part = "detailed" if "Over time" in line else None
                elif line.startswith("### ") and part is not None:
                    part = "every KPI" if "Every KPI over time" in line else "detailed"
        elif part is not None:
            charts[part] += [_svg_texts(out["data"]["image/svg+xml"]) for out in cell.outputs
                             if "image/svg+xml" in out.get("data", {})]
    return charts


@pytest.fixture(scope="module")
def over_time(compare_run) -> dict[str, list[list[str]]]:
    return _over_time_charts(compare_run[1])


@pytest.fixture(scope="module")
def time_charts(over_time) -> list[list[str]]:
    """The detailed time-view charts (one per KPI the time view draws)."""
    return over_time["detailed"]


@pytest.fixture(scope="module")
def dated_actions(compare_run) -> list[tuple[date, str, str]]:
    """(due, text, short label) of each action of the record due inside the compare
    windows, numbered by date as the charts number them (number and first word)."""
    paths, run_dir = compare_run
    record = yaml.safe_load(paths.record(CYCLE).read_text(encoding="utf-8"))
    windows = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["windows"]
    start, end = (date.fromisoformat(windows[k]) for k in ("before_start", "after_end"))
    due = sorted((date.fromisoformat(str(a["due"])), str(a["what"]))
                 for a in record["actions"] if a.get("due"))
    inside = [(when, what) for when, what in due if start <= when <= end]
    return [(when, what, f"{n} {what.split()[0]}") for n, (when, what) in
            enumerate(inside, start=1)]


def test_the_demo_record_has_the_actions_the_issue_names(dated_actions):
    assert [(str(when), label) for when, _, label in dated_actions] == [
        ("2026-03-20", "1 Write"), ("2026-04-03", "2 Train"), ("2026-04-06", "3 Switch")]


def test_every_dated_action_is_tagged_on_every_time_chart(time_charts, dated_actions):
    assert len(time_charts) >= 3  # FCR, first response time, handle time
    for texts in time_charts:
        for _, _, label in dated_actions:
            assert label in texts, (label, texts)  # on its line, as text
        assert "Go-live" in texts


def test_every_dated_action_is_listed_with_its_date(time_charts, dated_actions):
    for texts in time_charts:
        listed = " | ".join(texts)
        for when, what, label in dated_actions:
            assert f"{label}: {when:%d %b %Y}, {what[:30]}" in listed, (label, listed)


def test_the_every_kpi_chart_marks_the_actions_too(over_time, dated_actions):
    assert over_time["every KPI"], "no chart under 'Every KPI over time'"
    listed = " | ".join(text for chart in over_time["every KPI"] for text in chart)
    for _, _, label in dated_actions:
        assert label in listed, label


def test_every_dated_action_is_listed_in_full(time_charts, compare_run, dated_actions):
    _, run_dir = compare_run
    nb = nbformat.read(run_dir / "compare.ipynb", as_version=4)
    plain = "\n".join(str(out.get("data", {}).get("text/plain", "")) for cell in nb.cells
                      if cell.cell_type == "code" for out in cell.outputs)
    for texts in time_charts:
        listed = " | ".join(texts) + "\n" + plain
        for _, what, _ in dated_actions:
            assert what in listed, what
