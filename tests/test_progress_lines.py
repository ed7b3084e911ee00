"""Long runs say which section they are in, on the terminal, not on the page (issue 29).

The lines' wording and timing on a notebook's cells; a real `pdca run` printing every
section on stderr and none on stdout or the page is checked by
tests/test_runner.py::TestCommandLine (the same baseline run as its command-line test).
"""

from __future__ import annotations

import io

from nbformat.v4 import new_code_cell, new_markdown_cell

from pdcakit.run.engine import SectionProgress, notebook_sections

CELLS = [new_markdown_cell("# Check: did it work?"), new_code_cell("setup()"),
         new_markdown_cell("## 1. The data"), new_code_cell("load()"),
         new_markdown_cell("## 2. Verdict for every KPI"), new_code_cell("verdicts()"),
         new_markdown_cell("### Why each test"), new_code_cell("why()"),
         new_markdown_cell("## 3. 分段：哪里变了？"), new_code_cell("segments()"),
         new_markdown_cell("## Summary"), new_code_cell("summary()")]


def _run(times: list[float], language: str = "en", after: float = 4.0) -> list[str]:
    """The lines printed for CELLS started at ``times``: the notebook's start, then one
    time per cell."""
    clock = iter(times).__next__
    out = io.StringIO()
    progress = SectionProgress("compare", stream=out, after_seconds=after, language=language,
                               clock=clock)
    progress.start(CELLS)
    for index in range(len(times) - 1):
        progress.cell_started(index)
    return out.getvalue().splitlines()


def test_sections_are_the_pages_level_two_headings():
    assert notebook_sections(CELLS) == {2: (1, 4, "The data"),
                                        4: (2, 4, "Verdict for every KPI"),
                                        8: (3, 4, "分段：哪里变了？"), 10: (4, 4, "Summary")}


def test_a_short_run_prints_nothing():
    assert _run([0.0] + [0.1 * i for i in range(1, 13)]) == []


def test_a_long_run_names_each_section_once_from_the_threshold_on():
    # the data loads for 6 s; every later section is named as it starts, once
    times = [0.0, 0.5, 1.0, 1.05, 1.1, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 10.5]
    assert _run(times) == ["compare: section 2/4 Verdict for every KPI ...",
                           "compare: section 3/4 分段：哪里变了？ ...",
                           "compare: section 4/4 Summary ..."]


def test_the_section_in_progress_at_the_threshold_is_named_at_its_next_cell():
    # "Why each test" (a ### heading) is still section 2: named when its cell starts
    times = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0]
    assert _run(times)[0] == "compare: section 2/4 Verdict for every KPI ..."


def test_the_line_follows_the_runs_language():
    line = SectionProgress("compare", language="zh-CN").line(2, 8, "Verdict for every KPI")
    # the stage and the words around the section's title in the run's language
    assert line.startswith("对比：第 2/8 节 ") and "section" not in line
