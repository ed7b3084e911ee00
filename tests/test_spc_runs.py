"""Run charts and the Anhøj rules (pdcakit.spc.run_chart, anhoej_limits).

Reference values are quoted from their published sources in comments; the
hand-checkable cases spell out the count they expect.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from pdcakit import spc

# ---------------------------------------------------------------------------
# Published critical values.
#
# Source: Anhøj J. "Quality Improvement Charts" (qicharts2 vignette),
# Appendix 2 "Critical values for longest run and number of crossings",
# https://github.com/anhoej/qicharts2 docs/articles/qicharts2.html - the table
# of the Anhøj rules of Anhøj & Olesen (2014), PLoS ONE 9(11): e113825, for
# 10-100 useful observations, columns "Number of useful observations",
# "Upper limit for longest run", "Lower limit for number of crossings".
# The vignette text: "in a run chart with 24 data points a run of *more* than
# round(log2(24) + 3) = 8 would suggest a shift" and "with 24 useful data
# points, *fewer* than qbinom(0.05, 24 - 1, 0.5) = 8 crossings would suggest
# that the process is shifting".
# ---------------------------------------------------------------------------
# fmt: off
PUBLISHED_LONGEST_RUN_MAX = {  # n: upper limit for longest run
    **dict.fromkeys(range(10, 12), 6), **dict.fromkeys(range(12, 23), 7),
    **dict.fromkeys(range(23, 46), 8), **dict.fromkeys(range(46, 91), 9),
    **dict.fromkeys(range(91, 101), 10),
}
PUBLISHED_CROSSINGS_MIN = dict(zip(range(10, 101), [  # n = 10, 11, ..., 100
    2, 2, 3, 3, 4, 4, 4, 5, 5, 6,          # 10-19
    6, 6, 7, 7, 8, 8, 8, 9, 9, 10,         # 20-29
    10, 11, 11, 11, 12, 12, 13, 13, 14, 14,  # 30-39
    14, 15, 15, 16, 16, 17, 17, 17, 18, 18,  # 40-49
    19, 19, 20, 20, 21, 21, 21, 22, 22, 23,  # 50-59
    23, 24, 24, 25, 25, 25, 26, 26, 27, 27,  # 60-69
    28, 28, 29, 29, 29, 30, 30, 31, 31, 32,  # 70-79
    32, 33, 33, 34, 34, 34, 35, 35, 36, 36,  # 80-89
    37, 37, 38, 38, 39, 39, 39, 40, 40, 41,  # 90-99
    41,                                      # 100
], strict=True))
# fmt: on


class TestAnhoejLimits:
    def test_full_published_table_n_10_to_100(self) -> None:
        for n in range(10, 101):
            assert spc.anhoej_limits(n) == (
                PUBLISHED_LONGEST_RUN_MAX[n],
                PUBLISHED_CROSSINGS_MIN[n],
            ), n

    @pytest.mark.parametrize(
        ("n", "run_max", "cross_min"),
        [
            # qicharts2 vignette Appendix 2, rows quoted verbatim:
            (10, 6, 2),  # "10 | 6 | 2"
            (24, 8, 8),  # "24 | 8 | 8" (also the worked example in the text)
            (46, 9, 17),  # "46 | 9 | 17" - first row with limit 9
            (91, 10, 37),  # "91 | 10 | 37" - first row with limit 10
            (100, 10, 41),  # "100 | 10 | 41"
        ],
    )
    def test_quoted_rows(self, n: int, run_max: int, cross_min: int) -> None:
        assert spc.anhoej_limits(n) == (run_max, cross_min)

    def test_crossings_min_is_the_binomial_lower_fifth_percentile(self) -> None:
        # Definition in the brief: the largest c with P(X < c) <= 0.05,
        # X ~ Binomial(n - 1, 1/2); checked exactly with integer arithmetic.
        for n in range(2, 301):
            _, c = spc.anhoej_limits(n)
            below = sum(math.comb(n - 1, k) for k in range(c))  # P(X < c) * 2**(n-1)
            below_next = below + math.comb(n - 1, c)  # P(X < c + 1) * 2**(n-1)
            assert 20 * below <= 2 ** (n - 1) < 20 * below_next, n
            assert c == int(stats.binom.ppf(0.05, n - 1, 0.5))

    def test_small_n(self) -> None:
        # qbinom(0.05, 0, 0.5) = 0 and round(log2(1)) + 3 = 3 in R.
        assert spc.anhoej_limits(1) == (3, 0)

    @pytest.mark.parametrize("bad", [0, -3, 2.5, True])
    def test_rejects_non_counts(self, bad: object) -> None:
        with pytest.raises(ValueError, match="n_useful"):
            spc.anhoej_limits(bad)  # type: ignore[arg-type]


class TestRunChartCounts:
    def test_hand_counted_example(self) -> None:
        # median of the 12 values is 5; useful points (not 5):
        # 3- 4- 6+ 2- 7+ 4- 6+ 3- 8+  -> 9 useful, 7 crossings, longest run 2
        r = spc.run_chart([3, 5, 4, 6, 2, 7, 5, 4, 6, 3, 8, 5])
        assert r.centre == 5.0
        assert (r.n_obs, r.n_useful, r.longest_run, r.n_crossings) == (12, 9, 2, 7)
        assert (r.longest_run_max, r.n_crossings_min) == spc.anhoej_limits(9) == (6, 2)
        assert r.signal is False
        assert r.side.tolist() == [-1, 0, -1, 1, -1, 1, 0, -1, 1, -1, 1, 0]

    def test_points_on_the_median_neither_break_nor_add_to_runs(self) -> None:
        # centre 0: + + 0 0 + - : the zeros are skipped, so the first run is
        # + + + (length 3, not 2 + 1), there is one crossing, 4 useful points.
        r = spc.run_chart([1, 2, 0, 0, 3, -1], centre=0)
        assert r.n_useful == 4
        assert r.longest_run == 3
        assert r.n_crossings == 1
        assert r.side.tolist() == [1, 1, 0, 0, 1, -1]

    def test_points_on_the_median_are_not_crossings(self) -> None:
        # - 0 + : one crossing (from - to +), not two
        r = spc.run_chart([-1, 0, 1], centre=0)
        assert r.n_crossings == 1
        assert r.n_useful == 2

    def test_missing_values_are_skipped_but_keep_their_place(self) -> None:
        y = [1.0, np.nan, 2.0, 3.0, None, -1.0, -2.0]
        r = spc.run_chart(y, centre=0)
        assert r.values.shape == (7,)
        assert np.isnan(r.values[1]) and np.isnan(r.values[4])
        assert r.n_obs == 5
        assert r.n_useful == 5
        # + (gap) + + (gap) - - : the gaps do not break the run of three
        assert r.longest_run == 3
        assert r.n_crossings == 1
        assert r.side.tolist() == [1, 0, 1, 1, 0, -1, -1]

    def test_median_ignores_missing_values(self) -> None:
        r = spc.run_chart([1, np.nan, 3, 2, np.nan])
        assert r.centre == 2.0

    def test_long_run_signal_and_flags(self) -> None:
        # 10 points below then 10 above a centre of 0: 20 useful points,
        # limit round(log2(20)) + 3 = 7, both runs of 10 are too long;
        # one crossing < qbinom(0.05, 19, 0.5) = 6.
        y = [-1.0] * 10 + [1.0] * 10
        r = spc.run_chart(y, centre=0)
        assert (r.longest_run, r.longest_run_max) == (10, 7)
        assert (r.n_crossings, r.n_crossings_min) == (1, 6)
        assert r.runs_signal and r.crossings_signal and r.signal
        assert r.long_run.all()
        assert r.sentence.startswith("Signal of non-random variation")
        assert "longest run, 10 points" in r.sentence
        assert "only 1 time" in r.sentence

    def test_only_a_long_run(self) -> None:
        # alternating for 16 points then 9 in a row above: 25 useful points,
        # limit 8, crossings 16 >= 8
        y = [(-1) ** k for k in range(16)] + [2.0] * 9
        r = spc.run_chart(y, centre=0)
        assert r.longest_run == 9 and r.longest_run_max == 8
        assert r.runs_signal and not r.crossings_signal
        assert r.long_run.tolist() == [False] * 16 + [True] * 9

    def test_alternating_series_has_no_signal(self) -> None:
        y = [(-1) ** k for k in range(24)]
        r = spc.run_chart(y, centre=0)
        assert (r.longest_run, r.n_crossings) == (1, 23)
        assert r.signal is False
        assert r.sentence == (
            "No signal of non-random variation: longest run 1 (limit 8), "
            "23 crossings (at least 8 expected)."
        )

    def test_few_points_are_flagged_in_the_sentence(self) -> None:
        r = spc.run_chart([1, 2, 3, 4])
        assert "little power" in r.sentence


class TestRunChartEdgeCases:
    def test_constant_series(self) -> None:
        r = spc.run_chart([4.0] * 12)
        assert r.centre == 4.0
        assert r.n_useful == 0
        assert r.longest_run is None and r.n_crossings is None
        assert r.signal is False
        assert "cannot be judged" in r.sentence
        assert "nan" not in r.sentence.lower()

    @pytest.mark.parametrize("values", [[1.0], [np.nan, 2.0, np.nan], []])
    def test_too_few_points(self, values: list[float]) -> None:
        n = int(np.count_nonzero(~np.isnan(np.asarray(values, dtype=float))))
        with pytest.raises(ValueError, match=f"not enough data: n={n}, need >= 2"):
            spc.run_chart(values)

    def test_infinite_and_non_numeric_values_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="infinite"):
            spc.run_chart([1.0, np.inf, 2.0])
        with pytest.raises(ValueError, match="numeric"):
            spc.run_chart(["a", "b"])
        with pytest.raises(ValueError, match="one-dimensional"):
            spc.run_chart([[1, 2], [3, 4]])

    def test_pandas_nullable_input(self) -> None:
        pd = pytest.importorskip("pandas")
        s = pd.Series([1, None, 3, 2], dtype="Float64")
        r = spc.run_chart(s)
        assert r.n_obs == 3 and r.centre == 2.0

    def test_centre_and_freeze_together_are_refused(self) -> None:
        with pytest.raises(ValueError, match="either centre or freeze"):
            spc.run_chart([1, 2, 3, 4], centre=2, freeze=2)

    def test_non_finite_centre_is_refused(self) -> None:
        with pytest.raises(ValueError, match="centre"):
            spc.run_chart([1, 2, 3], centre=float("nan"))


class TestRunChartPhasesAndFreeze:
    def test_freeze_uses_the_median_of_the_first_points_only(self) -> None:
        # baseline 1..5 (median 3); the rest is tested against 3
        y = [1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16]
        r = spc.run_chart(y, freeze=5)
        assert r.centre == 3.0
        assert np.all(r.centre_line == 3.0)
        # useful: 1 2 (-) 4 5 10..16 (+): run of 9 after the crossing
        assert (r.n_useful, r.longest_run, r.n_crossings) == (11, 9, 1)

    @pytest.mark.parametrize("bad", [1, 13, 2.5])
    def test_freeze_bounds(self, bad: float) -> None:
        with pytest.raises(ValueError, match="freeze"):
            spc.run_chart(list(range(12)), freeze=bad)

    def test_phases_by_split_index(self) -> None:
        y = [1, 3, 2, 4, 3, 2, 11, 13, 12, 14, 13, 12]
        r = spc.run_chart(y, part=[6])
        assert len(r.phases) == 2
        first, second = r.phases
        assert (first.start, first.stop, first.centre) == (0, 6, 2.5)
        assert (second.start, second.stop, second.centre) == (6, 12, 12.5)
        assert r.centre == second.centre  # top level = last phase
        assert r.centre_line.tolist() == [2.5] * 6 + [12.5] * 6
        assert r.phase.tolist() == [0] * 6 + [1] * 6
        assert r.sentence.startswith("Phase 1 (points 1-6): ")
        assert "Phase 2 (points 7-12): " in r.sentence

    def test_phases_by_labels(self) -> None:
        y = [1, 3, 2, 4, 11, 13, 12, 14]
        labels = ["before"] * 4 + ["after"] * 4
        r = spc.run_chart(y, part=labels)
        assert [p.label for p in r.phases] == ["before", "after"]
        assert [p.centre for p in r.phases] == [2.5, 12.5]
        assert r.sentence.startswith("Before (points 1-4): ")

    def test_each_phase_needs_two_points(self) -> None:
        with pytest.raises(ValueError, match=r"not enough data: n=1, need >= 2 \(in phase 2\)"):
            spc.run_chart([1, 2, 3, np.nan, 5], part=[3])

    def test_any_signal_covers_earlier_phases(self) -> None:
        y = [-1.0] * 6 + [1.0] * 6 + [(-1) ** k for k in range(12)]
        r = spc.run_chart(y, part=[12])
        assert r.phases[0].signal is True
        assert r.signal is False  # last phase
        assert r.any_signal is True


class TestResultObject:
    def test_frozen_and_read_only(self) -> None:
        import dataclasses

        r = spc.run_chart([1, 2, 3, 4, 5])
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.centre = 1.0  # type: ignore[misc]
        with pytest.raises(ValueError):
            r.values[0] = 9.0

    def test_as_dict_is_json_ready(self) -> None:
        r = spc.run_chart([1.0, np.nan, 3.0, 2.0, 5.0, 4.0], part=[3])
        d = r.as_dict()
        text = json.dumps(d, allow_nan=False)
        assert isinstance(text, str)
        assert d["values"][1] is None
        assert type(d["n_useful"]) is int
        assert type(d["signal"]) is bool
        assert type(d["centre"]) is float
        assert type(d["side"][0]) is int
        assert type(d["long_run"][0]) is bool
        assert d["phases"][0]["label"] == "phase 1"
        assert str(r) == r.sentence
