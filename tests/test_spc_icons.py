"""NHS "Making Data Count" icons on constructed series (pdcakit.spc.icons).

The rules are NHS England's "Making Data Count: strategic boards" (2019) and
"Making Data Count: getting started" (2019) as NHSRplotthedots implements them
(ptd_spc, default options): a point outside the limits; a shift of 7 points on one
side of the mean; a trend of 6 points all increasing or all decreasing; two out of
three points beyond two sigma on the same side. Assurance: both limits beyond the
target on its good side = consistent pass, on the bad side = consistent fail, the
target between the limits = hit and miss (inconsistent).

Each series is built so one rule fires (or just fails to), against a baseline whose
centre is 10 and limits 7 to 13 (sigma 1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pdcakit.spc.icons import assurance_icon, variation

BASE = [10.0, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 10.3]   # 8 baseline periods
LIMITS = {"centre": 10.0, "lcl": 7.0, "ucl": 13.0, "start": len(BASE)}


def icon(after, better="lower", **kw):
    return variation(BASE + list(after), **(LIMITS | kw), better=better)


def test_common_cause_when_no_rule_fires() -> None:
    v = icon([10.4, 9.6, 10.2, 9.7, 10.5, 9.9])
    assert (v.icon, v.symbol, v.rules, v.points) == ("common cause", "∿", (), ())


def test_a_point_outside_the_limits_on_the_worse_side_is_concerning() -> None:
    v = icon([10.2, 9.8, 13.5, 10.1], better="lower")
    assert v.icon == "special cause concerning" and v.direction == "higher"
    assert v.rules == ("outside the limits",) and v.at == len(BASE) + 2
    assert v.symbol == "▲ H"


def test_a_shift_of_seven_below_is_improving_when_lower_is_better() -> None:
    v = icon([9.2, 9.4, 9.1, 9.5, 9.3, 9.2, 9.4], better="lower")  # 7 below 10, within 1 sigma
    assert (v.icon, v.direction, v.symbol) == ("special cause improving", "lower", "▼ L")
    assert v.rules == ("shift of 7",)
    assert v.points == tuple(range(len(BASE), len(BASE) + 7))


def test_six_on_one_side_is_not_yet_a_shift() -> None:
    assert icon([9.2, 9.4, 9.1, 9.5, 9.3, 9.2, 10.4]).icon == "common cause"


def test_a_trend_of_six_rising_crossing_the_centre() -> None:
    v = icon([9.0, 9.4, 9.8, 10.2, 10.6, 11.0], better="higher")
    assert v.rules == ("trend of 6",) and v.icon == "special cause improving"
    assert v.direction == "higher"


def test_five_rising_is_not_a_trend() -> None:
    assert icon([9.0, 9.4, 9.8, 10.2, 10.6, 10.1], better="higher").icon == "common cause"


def test_two_of_three_beyond_two_sigma_on_one_side() -> None:
    v = icon([10.0, 12.4, 10.5, 12.2], better="higher")
    assert v.rules == ("2 of 3 beyond 2 sigma",) and v.icon == "special cause improving"
    assert v.points == (len(BASE) + 1, len(BASE) + 3)   # only the points beyond 2 sigma


def test_two_of_three_on_opposite_sides_is_common_cause() -> None:
    assert icon([12.4, 7.6, 10.0]).icon == "common cause"


def test_the_baselines_own_shift_never_makes_an_after_signal() -> None:
    drifting = [11.0] * 8   # a shift of 8 above the centre, all in the baseline
    v = variation([*drifting, 10.4, 9.6, 10.2], **LIMITS, better="lower")
    assert v.icon == "common cause"


def test_no_better_direction_gives_neither() -> None:
    assert icon([13.5], better=None).icon == "special cause neither"


def test_the_latest_flagged_point_decides() -> None:
    v = icon([13.5, 10.0, 6.5], better="lower")   # worse, then better
    assert v.icon == "special cause improving" and v.at == len(BASE) + 2


def test_gaps_are_skipped_and_limits_may_vary_per_point() -> None:
    # a p chart: the after periods have fewer tickets, so wider limits; 0.30 is inside
    # the widened limits of its period though it would be outside the baseline's usual ones
    n = np.array([400] * 8 + [100, 100, 100])
    p = 0.2
    half = 3 * np.sqrt(p * (1 - p) / n)
    values = [0.2] * 8 + [0.30, math.nan, 0.21]
    v = variation(values, centre=p, lcl=p - half, ucl=p + half, start=8, better="higher")
    assert v.icon == "common cause"
    v = variation([0.2] * 8 + [0.33, math.nan, 0.21], centre=p, lcl=p - half, ucl=p + half,
                  start=8, better="higher")
    assert v.icon == "special cause improving" and v.at == 8


@pytest.mark.parametrize(("lcl", "ucl", "target", "better", "expected", "symbol"), [
    (76.0, 82.0, 74.0, "higher", "consistent pass", "P ✔"),   # both limits above a floor
    (76.0, 82.0, 74.0, "lower", "consistent fail", "F ✘"),    # both above a ceiling
    (70.0, 78.0, 74.0, "higher", "inconsistent", "? ~"),      # target inside the limits
    (70.0, 78.0, None, "higher", "no target", "–"),
    (70.0, 78.0, 74.0, None, "no target", "–"),
])
def test_assurance_icons(lcl, ucl, target, better, expected, symbol) -> None:
    a = assurance_icon(lcl=lcl, ucl=ucl, target=target, better=better)
    assert (a.icon, a.symbol) == (expected, symbol)


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="start=9 must point inside"):
        variation([1.0] * 9, centre=1, lcl=0, ucl=2, start=9, better="higher")
    with pytest.raises(ValueError, match="better must be"):
        variation([1.0] * 9, centre=1, lcl=0, ucl=2, start=3, better="up")
