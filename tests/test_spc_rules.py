"""Rule sets: NHSRplotthedots' published unit-test vectors, qicharts2's Anhøj limits, and
the Western Electric (1956) and Nelson (1984) definitions on series built to trip
exactly one rule each."""

from __future__ import annotations

import numpy as np
import pytest

from pdcakit.spc import apply_rules, compare_rule_sets


def _fired(values, rule, *, rule_set="nhs", centre=0.0, sigma=1.0, **options):
    hits = apply_rules(values, centre=centre, sigma=sigma, rule_set=rule_set, **options)
    [name] = [r for r in hits.rules if r.startswith(rule)]
    return list(hits.fired[name]), hits


class TestNHSRplotthedots:
    """Vectors from NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R.

    Their helpers take the side of the mean (+1/-1) or "close to the limits" flags;
    here the same patterns are written as values around a mean of 0 with sigma 1.
    """

    def test_seven_point_one_side_mean(self):
        # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) == c(0,0,0,0,0,0,1,1,0)
        at, _ = _fired([1.0] * 8 + [-1.0], "shift of 7")
        assert at == [6, 7]
        # rep(1, 6) and c(rep(1, 6), -1): nothing
        assert _fired([1.0] * 6, "shift of 7")[0] == []
        assert _fired([1.0] * 6 + [-1.0], "shift of 7")[0] == []
        # c(rep(-1, 8), 1) == c(0,0,0,0,0,0,1,1,0)
        assert _fired([-1.0] * 8 + [1.0], "shift of 7")[0] == [6, 7]

    def test_shift_of_six_option(self):
        assert _fired([1.0] * 6 + [-1.0], "shift of 6", shift=6)[0] == [5]

    @pytest.mark.parametrize(("values", "expected"), [
        (list(range(1, 7)), []),                          # 1:6
        ([1, 2, 3, 3, 4, 5, 6], []),                      # c(1:3, 3:6): a tie breaks it
        (list(range(1, 8)), [6]),                         # 1:7 -> flagged at the 7th
        ([2, *range(1, 8), 3], [7]),                      # c(2, 1:7, 3)
        (list(range(7, 0, -1)), [6]),                     # 7:1 (falling)
        ([2, *range(7, 0, -1), 3], [7]),                  # c(2, 7:1, 3)
    ])
    def test_seven_point_trend(self, values, expected):
        # ptd_seven_point_trend: the package's trend of 7 (MDC now uses 6; trend=7 here)
        assert _fired([float(v) for v in values], "trend of 7", trend=7,
                      sigma=100.0)[0] == expected

    @pytest.mark.parametrize(("close", "part_of"), [
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ])
    def test_part_of_two_in_three(self, close, part_of):
        # close to the limits = beyond 2 sigma (2.5 here), not beyond 3; others at 0.5
        values = [2.5 if c else 0.5 for c in close]
        hits = apply_rules(values, centre=0, sigma=1, rule_set="nhs", trend=6)
        flagged = [int("2 of 3 beyond 2 sigma" in f) for f in hits.flags]
        assert flagged == part_of


class TestWesternElectricAndNelson:
    """Each series trips the named rule (Western Electric Handbook 1956; Nelson 1984)."""

    def test_beyond_three_sigma(self):
        at, hits = _fired([0, 0.5, -3.2, 0.2], "1: beyond", rule_set="western_electric")
        assert at == [2] and hits.flags[2] == ("1: beyond 3 sigma",)

    def test_two_of_three_beyond_two_sigma_same_side_only(self):
        assert _fired([2.2, 0.1, 2.4], "2: 2 of 3", rule_set="western_electric")[0] == [2]
        assert _fired([2.2, 0.1, -2.4], "2: 2 of 3", rule_set="western_electric")[0] == []

    def test_four_of_five_beyond_one_sigma(self):
        at, _ = _fired([1.2, 1.5, 0.3, 1.1, 1.8], "3: 4 of 5", rule_set="western_electric")
        assert at == [4]

    def test_eight_on_one_side(self):
        values = [0.3] * 8 + [-0.3]
        assert _fired(values, "4: 8 on one side", rule_set="western_electric")[0] == [7]
        assert _fired(values[:7], "4: 8 on one side", rule_set="western_electric")[0] == []

    def test_nelson_nine_on_one_side_and_six_trend(self):
        assert _fired([0.2] * 9, "2: 9", rule_set="nelson")[0] == [8]
        rising = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
        assert _fired(rising, "3: 6 rising", rule_set="nelson")[0] == [5]
        assert _fired(rising[:5], "3: 6 rising", rule_set="nelson")[0] == []

    def test_nelson_fourteen_alternating(self):
        values = [0.5 * (-1) ** i for i in range(14)]
        assert _fired(values, "4: 14", rule_set="nelson")[0] == [13]
        assert _fired(values[:13], "4: 14", rule_set="nelson")[0] == []

    def test_nelson_stratification_and_mixture(self):
        hugging = [0.2 * (-1) ** i for i in range(15)]
        assert _fired(hugging, "7: 15 within", rule_set="nelson")[0] == [14]
        avoiding = [1.5 * (-1) ** i for i in range(8)]
        assert _fired(avoiding, "8: 8 beyond 1 sigma", rule_set="nelson")[0] == [7]

    def test_centre_and_sigma_per_point(self):
        # p-chart style: limits vary per point; points 2 and 3 are beyond their own 3 sigma
        hits = apply_rules([0.5, 0.52, 0.62], centre=[0.5, 0.5, 0.5],
                           sigma=[0.05, 0.005, 0.03], rule_set="western_electric")
        assert hits.fired["1: beyond 3 sigma"] == (1, 2)


class TestAnhoej:
    def test_long_run_and_few_crossings_use_qicharts2_limits(self):
        # 20 useful points: longest run allowed round(log2(20)) + 3 = 7; crossings >= 6
        values = [1.0] * 10 + [-1.0] * 10
        hits = apply_rules(values, centre=0, rule_set="anhoej")
        assert hits.fired["long run (over 7)"] == (7, 17)
        assert hits.fired["few crossings (1, fewer than 6)"] == (19,)
        assert all(hits.flags)

    def test_random_series_is_quiet(self):
        values = [1, -1, 1, 1, -1, -1, 1, -1, 1, -1, 1, -1, -1, 1, 1, -1]
        assert not apply_rules(values, centre=0, rule_set="anhoej").signal


class TestDisagreements:
    def test_the_table_lists_points_some_sets_flag_and_others_do_not(self):
        # six rising points: Nelson 3 and NHS trend fire, Western Electric does not
        values = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0, 0.1, -0.1]
        table = compare_rule_sets(values, centre=0, sigma=1,
                                  sets=("western_electric", "nelson", "nhs"))
        assert list(table["point"]) == [1, 2, 3, 4, 5, 6]
        assert set(table["Western Electric rules 1-4"]) == {"-"}
        assert table["Nelson rules 1-8"].str.contains("6 rising").all()

    def test_agreement_gives_an_empty_table(self):
        table = compare_rule_sets([0, 0, 5.0, 0], centre=0, sigma=1,
                                  sets=("western_electric", "nelson", "nhs"))
        assert table.empty

    def test_bad_settings_are_refused(self):
        with pytest.raises(ValueError, match="unknown rule set"):
            apply_rules([1.0, 2.0], centre=0, sigma=1, rule_set="minitab")
        with pytest.raises(ValueError, match="need sigma"):
            apply_rules([1.0, 2.0], centre=0, rule_set="nelson")
        with pytest.raises(ValueError, match="shift is 7"):
            apply_rules([1.0, 2.0], centre=0, sigma=1, shift=5)
        with pytest.raises(ValueError, match="finite"):
            apply_rules([1.0, np.nan], centre=0, sigma=1)


def test_montgomery_orange_juice_p_chart_points_15_and_23():
    """Montgomery's orange-juice cans (qcc data set `orangejuice`, trial samples 1-30,
    n = 50): qcc's p chart and Montgomery both report samples 15 and 23 above the UCL
    (centre 0.2313, UCL 0.4102) and no run of 7 on one side (qcc "violating runs" 0).
    Rule 1 of every zone set must find exactly those two points."""
    import math

    from test_spc_control import OJ_TRIAL

    p = [d / 50 for d in OJ_TRIAL]
    centre = sum(OJ_TRIAL) / (50 * len(OJ_TRIAL))
    sigma = math.sqrt(centre * (1 - centre) / 50)
    assert centre + 3 * sigma == pytest.approx(0.4102, abs=1e-4)
    for rule_set, rule in (("western_electric", "1: beyond 3 sigma"),
                           ("nelson", "1: beyond 3 sigma"), ("nhs", "outside the limits")):
        hits = apply_rules(p, centre=centre, sigma=sigma, rule_set=rule_set)
        assert hits.fired[rule] == (14, 22)
    runs = apply_rules(p, centre=centre, sigma=sigma, rule_set="nhs")
    assert runs.fired["shift of 7"] == ()
