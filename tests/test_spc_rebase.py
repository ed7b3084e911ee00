"""Re-baselining with a reason (phases + frozen baseline together) and the NHS assurance view."""

from __future__ import annotations

import pytest

from pdcakit.spc import Rebase, assurance, rebased_chart

VALUES = [5, 6, 5, 7, 6, 9, 10, 9, 11, 10]
TRIAGE = Rebase(at=5, cycle="triage-2026", reason="adopted email triage")


def test_part_and_freeze_work_together():
    """Limits by hand, I chart = mean +/- 2.66 x mean moving range (NIST 6.3.2.2).

    Phase 1 frozen on its first 3 points: mean 16/3, moving ranges 1, 1 -> limits
    5.333 +/- 2.66. Phase 2 (points 6-10): mean 9.8, moving ranges 1, 1, 2, 1 -> 1.25.
    qicharts2 refuses freeze together with part; here both apply.
    """
    chart = rebased_chart(VALUES, "i", rebases=[TRIAGE], freeze=3)
    first, second = chart.chart.phases
    assert first.centre == pytest.approx(16 / 3)
    assert first.ucl == pytest.approx(16 / 3 + 3 * 1 / 1.128, rel=1e-6)
    assert first.n_baseline == 3 and first.n_obs == 5
    assert second.centre == pytest.approx(9.8)
    assert second.ucl == pytest.approx(9.8 + 3 * 1.25 / 1.128, rel=1e-6)
    assert second.lcl == pytest.approx(9.8 - 3 * 1.25 / 1.128, rel=1e-6)
    assert "New limits from point 6 (triage-2026: adopted email triage)" in chart.sentence
    assert "frozen on its first 3 points" in chart.sentence


def test_a_rebase_must_say_which_cycle_and_why():
    with pytest.raises(ValueError, match="must name the cycle and the reason"):
        Rebase(at=5, cycle="triage-2026", reason=" ")
    with pytest.raises(ValueError, match="must name the cycle"):
        Rebase(at=5, cycle="", reason="adopted")


def test_bad_combinations_are_refused():
    with pytest.raises(ValueError, match="frozen baseline must lie in the first phase"):
        rebased_chart(VALUES, "i", rebases=[TRIAGE], freeze=7)
    with pytest.raises(ValueError, match="past the last"):
        rebased_chart(VALUES, "i", rebases=[Rebase(at=10, cycle="c", reason="r")])
    with pytest.raises(ValueError, match="same point"):
        rebased_chart(VALUES, "i", rebases=[TRIAGE, Rebase(at=5, cycle="c", reason="r")])


def test_without_a_rebase_there_is_one_phase():
    chart = rebased_chart(VALUES, "i")
    assert len(chart.chart.phases) == 1 and chart.rebases == ()


def test_p_chart_rebases_too():
    chart = rebased_chart([10, 12, 11, 20, 22, 21], "p", denominators=[100] * 6,
                          rebases=[Rebase(at=3, cycle="c1", reason="new script")])
    assert [round(p.centre, 3) for p in chart.chart.phases] == [0.11, 0.21]


@pytest.mark.parametrize(("direction", "expected"), [
    # NHSRplotthedots tests/testthat/test-ptd_calculate_assurance_type.R:
    # lpl c(1, 5, 1), upl c(3, 7, 5), target 4
    ("higher", ["consistent fail", "consistent pass", "inconsistent"]),
    ("lower", ["consistent pass", "consistent fail", "inconsistent"]),
    ("neutral", [None, None, None]),
])
def test_assurance_matches_nhsrplotthedots(direction, expected):
    limits = [(1, 3), (5, 7), (1, 5)]
    assert [assurance(lcl=lo, ucl=hi, target=4, direction=direction)
            for lo, hi in limits] == expected


def test_assurance_reads_the_last_phase():
    chart = rebased_chart(VALUES, "i", rebases=[TRIAGE])
    assert chart.assurance(target=7.5, direction="higher") == "inconsistent"
    assert chart.assurance(target=5.0, direction="higher") == "consistent pass"
    assert chart.assurance(target=None, direction="higher") is None


def test_baseline_chart_rebases_only_where_a_cycle_says_why():
    from pathlib import Path

    from pdcakit import data
    from pdcakit.stages.baseline import BaselineSettings, headline_series

    root = Path(__file__).resolve().parents[1]
    tickets = data.load_tickets(root / "data/demo/tickets.csv",
                                window=("2026-01-05", "2026-04-06"))
    settings = BaselineSettings.check(kpis=["fcr"], headline_kpi="fcr", period="W",
                                      target_value=0.74, target_direction="higher")
    series = headline_series(tickets, settings)
    plain = series.control_chart()
    assert plain.phase_starts == ()
    chart = series.control_chart(rebases=[["2026-02-16", "scripts-2025", "adopted scripts"],
                                          ["2025-06-01", "old-cycle", "adopted triage"]])
    assert [f"{p:%Y-%m-%d}" for p in chart.phase_starts] == ["2026-02-16"]
    # the sentence names the period (issue 19), not "point 7"
    assert ("New limits from the week of 16 Feb 2026 (scripts-2025: adopted scripts)"
            in chart.sentence)
    assert "Not re-baselined (outside this series): old-cycle (2025-06-01)" in chart.sentence
    first, second = chart.centre_line[0], chart.centre_line[-1]
    assert first != second  # each phase has its own centre


def test_every_assurance_verdict_has_words_for_a_reviewer():
    from pdcakit.spc import ASSURANCE, ASSURANCE_MEANING

    assert set(ASSURANCE_MEANING) == set(ASSURANCE)
    assert "meet it in some periods and miss it in others" in ASSURANCE_MEANING["inconsistent"]
