"""Control charts: I, MR, p, u and Laney's p' / u' (pdcakit.spc).

Every reference value is quoted from its published source in a comment.
Published figures are compared at the precision they were printed with;
formula checks use 1e-12.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from pdcakit import spc

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------

# NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 "Individuals
# Control Charts", example: flow rate of the first 10 batches of a new
# process, https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc322.htm
# Published: x-bar = 50.81, MR-bar = 1.8778, UCL = 55.8041, LCL = 45.8159
# (limits x-bar ± 3 MR-bar / 1.128).
NIST_FLOW = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1]

# Montgomery, Introduction to Statistical Quality Control, viscosity data
# (p. 242 of the edition cited by qcc), as in the qcc vignette "A quick tour
# of qcc" (L. Scrucca, qcc 3.0, docs/articles/qcc_a_quick_tour.html),
# section "Continuous one-at-time data": qcc(x, type = "xbar.one") prints
# "Center of group statistics = 33.52333", "Standard deviation = 0.4261651",
# "LCL 32.24484  UCL 34.80183".
VISCOSITY = [33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20,
             33.62, 33.00, 33.54, 33.12, 33.84]  # fmt: skip

# Montgomery's orange-juice cans: 30 samples of 50 cans (Montgomery, Example
# "fraction nonconforming"; qcc data set `orangejuice`, trial = TRUE). NIST
# e-Handbook 6.3.3.2 "Proportions Control Charts" uses the same 30 x 50 chips
# per wafer ("The average of the proportions is .2313").
OJ_TRIAL = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22,
            8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip
# qcc `orangejuice` samples 31-54 (trial = FALSE; = `orangejuice2` trial)
OJ_NEW = [9, 6, 12, 5, 6, 4, 6, 3, 7, 6, 2, 4, 3, 6, 5, 4, 8, 5, 6, 7, 5, 6, 3, 5]
# qcc `orangejuice2` samples 55-94 (trial = FALSE)
OJ2_NEW = [8, 7, 5, 6, 4, 5, 2, 3, 4, 7, 6, 5, 5, 3, 7, 9, 6, 10, 4, 3,
           5, 8, 11, 9, 7, 3, 5, 2, 1, 4, 5, 3, 7, 6, 4, 4, 6, 8, 5, 6]  # fmt: skip

# qcc data set `circuit` (Montgomery, nonconformities on printed circuit
# boards, inspection units of 100 boards), trial samples 1-26.
CIRCUIT = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10,
           17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15]  # fmt: skip

# qcc data set `pcmanufact` (Montgomery, nonconformities in samples of 5
# personal computers).
PCMANUFACT = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]

# NIST/SEMATECH e-Handbook 6.3.3.1 "Counts Control Charts", example: defects
# on 25 wafers; published c-bar = 16, UCL = 16 + 3 sqrt(16) = 28, LCL = 4.
# https://www.itl.nist.gov/div898/handbook/pmc/section3/pmc331.htm
NIST_WAFER_DEFECTS = [16, 14, 28, 16, 12, 20, 10, 12, 10, 17, 19, 17, 14,
                      16, 15, 13, 14, 16, 11, 20, 11, 19, 16, 31, 13]  # fmt: skip


def json_roundtrip(result: object) -> dict:
    d = result.as_dict()  # type: ignore[attr-defined]
    json.dumps(d, allow_nan=False)
    return d


# ---------------------------------------------------------------------------
# I chart
# ---------------------------------------------------------------------------


class TestIChartPublished:
    def test_nist_flow_rate(self) -> None:
        r = spc.i_chart(NIST_FLOW)
        assert round(r.centre, 2) == 50.81  # NIST: x-bar = 50.81
        assert round(r.mr_bar, 4) == 1.8778  # NIST: MR-bar = 1.8778
        assert round(r.ucl, 4) == 55.8041  # NIST: UCL = 55.8041
        assert round(r.lcl, 4) == 45.8159  # NIST: LCL = 45.8159
        assert not r.signals.any()

    def test_qcc_viscosity(self) -> None:
        r = spc.i_chart(VISCOSITY)
        assert round(r.centre, 5) == 33.52333  # "Center ... = 33.52333"
        assert round(r.sigma, 7) == 0.4261651  # "Standard deviation = 0.4261651"
        assert round(r.lcl, 5) == 32.24484  # "LCL 32.24484"
        assert round(r.ucl, 5) == 34.80183  # "UCL 34.80183"


class TestIChartFormula:
    def test_limits_are_mean_plus_minus_3_mr_bar_over_1_128(self) -> None:
        y = np.array(NIST_FLOW)
        r = spc.i_chart(y)
        mr_bar = np.abs(np.diff(y)).mean()
        assert r.centre == pytest.approx(y.mean(), abs=1e-12)
        assert r.mr_bar == pytest.approx(mr_bar, abs=1e-12)
        assert r.sigma == pytest.approx(mr_bar / 1.128, abs=1e-12)
        assert r.ucl == pytest.approx(y.mean() + 3 * mr_bar / 1.128, abs=1e-12)
        assert r.lcl == pytest.approx(y.mean() - 3 * mr_bar / 1.128, abs=1e-12)
        # the familiar "2.66": 3 / 1.128 = 2.6596
        assert (r.ucl - r.centre) / r.mr_bar == pytest.approx(2.66, abs=5e-4)
        assert r.lcl_line.tolist() == [r.lcl] * 10
        assert r.ucl_line.tolist() == [r.ucl] * 10
        assert r.centre_line.tolist() == [r.centre] * 10
        assert np.isnan(r.moving_ranges[0])
        assert r.moving_ranges[1:] == pytest.approx(np.abs(np.diff(y)), abs=1e-12)

    def test_a_spike_is_a_signal(self) -> None:
        y = [10.0, 10.5, 9.8, 10.2, 9.9, 10.1, 30.0, 10.0, 9.7, 10.3]
        r = spc.i_chart(y)
        assert r.signals.tolist() == [False] * 6 + [True] + [False] * 3
        assert r.signal is True
        assert "point 7 is outside the limits" in r.sentence

    def test_points_exactly_on_a_limit_are_not_signals(self) -> None:
        # baseline mean 0 and moving ranges all 1.128, so sigma = 1 and the
        # limits are exactly -3 and 3; a signal must be strictly beyond them.
        r = spc.i_chart([0.0, 1.128, 0.0, -1.128, 0.0, 3.0, -3.0, 3.001], freeze=5)
        assert (r.lcl, r.ucl) == (-3.0, 3.0)
        assert r.signals.tolist() == [False] * 7 + [True]

    def test_screened_moving_ranges(self) -> None:
        # moving ranges 1 (x8), 20, 20 -> MR-bar 48/10 = 4.8; 3.267*4.8 = 15.7,
        # so the two ranges of 20 are dropped (Nelson 1982) -> MR-bar 1
        y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 20, 0]
        plain = spc.i_chart(y)
        screened = spc.i_chart(y, screen_mr=True)
        assert plain.mr_bar == pytest.approx(4.8, abs=1e-12)
        assert screened.mr_bar == pytest.approx(1.0, abs=1e-12)
        assert screened.signals[9]  # the 20 now stands out

    def test_d2_can_be_changed(self) -> None:
        r = spc.i_chart(NIST_FLOW, d2=2 / math.sqrt(math.pi))
        assert r.sigma == pytest.approx(r.mr_bar / 1.1283791670955126, abs=1e-12)
        with pytest.raises(ValueError, match="d2"):
            spc.i_chart(NIST_FLOW, d2=0)


class TestIChartFreezeAndPhases:
    def test_freeze_uses_only_the_first_k_points(self) -> None:
        y = np.array([*NIST_FLOW, 80.0, 90.0, 100.0])
        frozen = spc.i_chart(y, freeze=10)
        base = spc.i_chart(NIST_FLOW)
        assert frozen.freeze == 10
        assert frozen.centre == base.centre
        assert frozen.mr_bar == base.mr_bar
        assert (frozen.lcl, frozen.ucl) == (base.lcl, base.ucl)
        # the limits extend over the later points, which are signals
        assert frozen.ucl_line.tolist() == [base.ucl] * 13
        assert frozen.signals.tolist() == [False] * 10 + [True] * 3
        # changing a later point does not move the limits
        y2 = y.copy()
        y2[-1] = -1000.0
        assert spc.i_chart(y2, freeze=10).ucl == base.ucl
        assert "computed from the first 10 points" in frozen.sentence

    def test_freeze_bounds(self) -> None:
        with pytest.raises(ValueError, match="freeze"):
            spc.i_chart(NIST_FLOW, freeze=1)
        with pytest.raises(ValueError, match="freeze"):
            spc.i_chart(NIST_FLOW, freeze=11)

    def test_phases_get_separate_limits(self) -> None:
        a = NIST_FLOW
        b = [60.1, 61.3, 59.8, 60.7, 62.0, 60.4]
        r = spc.i_chart(a + b, part=[10])
        ra, rb = spc.i_chart(a), spc.i_chart(b)
        assert len(r.phases) == 2
        assert r.phases[0].centre == ra.centre and r.phases[0].ucl == ra.ucl
        assert r.phases[1].centre == rb.centre and r.phases[1].lcl == rb.lcl
        assert (r.centre, r.lcl, r.ucl, r.mr_bar) == (rb.centre, rb.lcl, rb.ucl, rb.mr_bar)
        assert r.ucl_line.tolist() == [ra.ucl] * 10 + [rb.ucl] * 6
        # no moving range across the phase boundary
        assert np.isnan(r.moving_ranges[10])
        assert r.phases[0].runs is not None and r.phases[0].runs.stop == 10
        assert r.phase.tolist() == [0] * 10 + [1] * 6

    def test_phase_labels(self) -> None:
        r = spc.i_chart(NIST_FLOW, part=["before"] * 5 + ["after"] * 5)
        assert [p.label for p in r.phases] == ["before", "after"]
        assert r.sentence.startswith("Before (points 1-5): ")

    def test_freeze_applies_to_the_first_phase_only(self) -> None:
        y = [*NIST_FLOW, 60.1, 61.3, 59.8, 60.7, 62.0, 60.4]
        r = spc.i_chart(y, freeze=5, part=[10])
        first = spc.i_chart(NIST_FLOW[:5])
        assert r.phases[0].n_baseline == 5
        assert r.phases[0].ucl == first.ucl
        assert r.phases[1].n_baseline == 6
        with pytest.raises(ValueError, match="first phase"):
            spc.i_chart(y, freeze=12, part=[10])


class TestIChartEdgeCases:
    def test_missing_values(self) -> None:
        y = [10.0, 11.0, np.nan, 12.0, 10.0, 11.0]
        r = spc.i_chart(y)
        # moving ranges only between consecutive values: |11-10|, |10-12|, |11-10|
        assert r.mr_bar == pytest.approx((1 + 2 + 1) / 3, abs=1e-12)
        assert r.centre == pytest.approx(np.nanmean(y), abs=1e-12)
        assert np.isnan(r.moving_ranges[2]) and np.isnan(r.moving_ranges[3])
        assert not r.signals[2]
        assert np.isfinite(r.ucl_line[2])
        assert r.values.shape == (6,)
        assert json_roundtrip(r)["values"][2] is None

    def test_constant_series_collapses_the_limits(self) -> None:
        r = spc.i_chart([7.0] * 12)
        assert (r.centre, r.mr_bar, r.lcl, r.ucl) == (7.0, 0.0, 7.0, 7.0)
        assert not r.signals.any()
        assert "collapse onto the centre line at 7" in r.sentence
        assert "nan" not in r.sentence.lower()
        assert not any(math.isnan(v) for v in (r.centre, r.lcl, r.ucl, r.sigma))

    def test_constant_baseline_then_change_is_a_signal(self) -> None:
        r = spc.i_chart([5.0] * 6 + [5.0, 6.0], freeze=6)
        assert r.signals.tolist() == [False] * 7 + [True]

    @pytest.mark.parametrize("values", [[3.0], [np.nan, 4.0], [np.nan]])
    def test_too_few_points(self, values: list[float]) -> None:
        with pytest.raises(ValueError, match=r"not enough data: n=\d, need >= 2"):
            spc.i_chart(values)
        with pytest.raises(ValueError, match="not enough data: n=1, need >= 2"):
            spc.i_chart([3.0])

    def test_no_consecutive_pair(self) -> None:
        with pytest.raises(ValueError, match="no two consecutive non-missing values"):
            spc.i_chart([1.0, np.nan, 2.0, np.nan, 3.0])

    def test_result_is_frozen_and_json_ready(self) -> None:
        r = spc.i_chart(NIST_FLOW, part=[5])
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.centre = 0.0  # type: ignore[misc]
        with pytest.raises(ValueError):
            r.signals[0] = True
        d = json_roundtrip(r)
        assert type(d["centre"]) is float
        assert type(d["signals"][0]) is bool
        assert d["phases"][1]["runs"]["label"] == "phase 2"
        assert d["moving_ranges"][0] is None


# ---------------------------------------------------------------------------
# MR chart
# ---------------------------------------------------------------------------


class TestMRChart:
    def test_nist_flow_rate(self) -> None:
        r = spc.mr_chart(NIST_FLOW)
        assert round(r.centre, 4) == 1.8778  # NIST 6.3.2.2: MR-bar = 1.8778
        # Montgomery Appendix VI, n = 2: D3 = 0, D4 = 3.267
        assert r.ucl == pytest.approx(3.267 * r.centre, abs=1e-12)
        assert r.lcl == 0.0
        assert np.isnan(r.values[0])
        assert r.values[1:] == pytest.approx(np.abs(np.diff(NIST_FLOW)), abs=1e-12)
        assert not r.signals.any()
        assert r.phases[0].runs is None

    def test_large_range_signal_and_phases(self) -> None:
        y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 20, 0]
        r = spc.mr_chart(y)
        assert r.signals.tolist() == [False] * 9 + [True, True]
        assert "2 moving ranges above the limit (at points 10, 11)" in r.sentence
        two = spc.mr_chart(y, part=[5])
        assert two.phases[0].centre == pytest.approx(1.0, abs=1e-12)
        json_roundtrip(two)


# ---------------------------------------------------------------------------
# p chart
# ---------------------------------------------------------------------------


class TestPChartPublished:
    def test_orange_juice_trial_limits(self) -> None:
        # qcc vignette, "p and np charts":
        # with(orangejuice, qcc(D[trial], sizes=size[trial], type="p")) prints
        # "Center of group statistics = 0.2313333" and "LCL 0.05242755  UCL 0.4102391".
        r = spc.p_chart(OJ_TRIAL, [50] * 30)
        assert round(r.centre, 7) == 0.2313333
        assert round(r.centre, 4) == 0.2313  # NIST 6.3.3.2: ".2313"
        assert np.round(r.lcl, 8).tolist() == [0.05242755] * 30
        assert np.round(r.ucl, 7).tolist() == [0.4102391] * 30
        # qcc: "Remove out-of-control points ... c(15, 23)"
        assert (np.flatnonzero(r.signals) + 1).tolist() == [15, 23]
        assert "2 points are outside the limits (points 15, 23)" in r.sentence

    def test_revised_limits_frozen_over_new_data(self) -> None:
        # qcc vignette: inc <- setdiff(which(orangejuice$trial), c(15, 23));
        # qcc(D[inc], sizes=size[inc], type="p", newdata=D[!trial], ...) prints
        # "Center of group statistics = 0.215", "LCL 0.04070284  UCL 0.3892972".
        inc = [d for i, d in enumerate(OJ_TRIAL, start=1) if i not in (15, 23)]
        r = spc.p_chart(inc + OJ_NEW, [50] * (28 + 24), freeze=28)
        assert r.centre == pytest.approx(0.215, abs=1e-12)
        assert np.round(r.lcl, 8).tolist() == [0.04070284] * 52
        assert np.round(r.ucl, 7).tolist() == [0.3892972] * 52
        assert r.phases[0].n_baseline == 28

    def test_lower_limit_clipped_at_zero(self) -> None:
        # qcc vignette: with(orangejuice2, qcc(D[trial], sizes=size[trial],
        # type="p", newdata=D[!trial], newsizes=size[!trial])) prints
        # "Center of group statistics = 0.1108333", "LCL 0  UCL 0.2440207".
        r = spc.p_chart(OJ_NEW + OJ2_NEW, [50] * 64, freeze=24)
        assert round(r.centre, 7) == 0.1108333
        assert r.lcl.tolist() == [0.0] * 64
        assert np.round(r.ucl, 7).tolist() == [0.2440207] * 64
        # unclipped the lower limit would be negative
        raw = r.centre - 3 * math.sqrt(r.centre * (1 - r.centre) / 50)
        assert raw < 0


class TestPChartFormula:
    def test_varying_denominators_give_per_point_limits(self) -> None:
        num = np.array([12, 30, 5, 40, 22, 9])
        den = np.array([100, 250, 40, 300, 180, 60])
        r = spc.p_chart(num, den)
        pbar = num.sum() / den.sum()  # pooled, not the mean of proportions
        half = 3 * np.sqrt(pbar * (1 - pbar) / den)
        assert r.centre == pytest.approx(pbar, abs=1e-12)
        assert r.values == pytest.approx(num / den, abs=1e-12)
        assert r.lcl == pytest.approx(np.maximum(pbar - half, 0), abs=1e-12)
        assert r.ucl == pytest.approx(pbar + half, abs=1e-12)
        # larger denominators, narrower limits
        widths = r.ucl - r.lcl
        assert widths[3] < widths[0] < widths[2]
        assert "vary with the denominator" in r.sentence
        assert r.phases[0].lcl == pytest.approx(float(np.mean(r.lcl)), abs=1e-12)
        assert r.lcl_line is r.lcl and r.ucl_line is r.ucl

    def test_upper_limit_clipped_at_one(self) -> None:
        r = spc.p_chart([3, 2, 3, 1], [4, 3, 4, 2])
        assert (r.ucl <= 1).all()
        assert r.ucl[3] == 1.0

    def test_freeze_uses_only_the_first_k_points(self) -> None:
        num = [10, 12, 9, 11, 30, 35]
        den = [100] * 6
        r = spc.p_chart(num, den, freeze=4)
        assert r.centre == pytest.approx(42 / 400, abs=1e-12)
        assert r.signals.tolist() == [False] * 4 + [True, True]

    def test_phases_get_separate_centres(self) -> None:
        num = [10, 12, 9, 11, 30, 35, 32, 28]
        den = [100] * 8
        r = spc.p_chart(num, den, part=[4])
        assert [p.centre for p in r.phases] == pytest.approx([0.105, 0.3125], abs=1e-12)
        assert r.centre == pytest.approx(0.3125, abs=1e-12)
        assert r.centre_line.tolist() == pytest.approx([0.105] * 4 + [0.3125] * 4, abs=1e-12)

    def test_missing_values(self) -> None:
        r = spc.p_chart([10, np.nan, 12, 9, 11], [100, 100, np.nan, 100, 100])
        assert np.isnan(r.values[1]) and np.isnan(r.values[2])
        assert np.isnan(r.lcl[1]) and np.isnan(r.ucl[2])
        assert not r.signals[1:3].any()
        assert r.centre == pytest.approx(30 / 300, abs=1e-12)
        d = json_roundtrip(r)
        assert d["lcl"][1] is None

    def test_no_events_collapses_the_limits(self) -> None:
        r = spc.p_chart([0, 0, 0, 0], [50, 60, 55, 40])
        assert r.centre == 0.0
        assert r.lcl.tolist() == [0.0] * 4 and r.ucl.tolist() == [0.0] * 4
        assert not r.signals.any()
        assert "collapse onto the centre line" in r.sentence
        assert "nan" not in r.sentence.lower()

    def test_bad_input(self) -> None:
        with pytest.raises(ValueError, match="exceed"):
            spc.p_chart([5, 60], [50, 50])
        with pytest.raises(ValueError, match="positive"):
            spc.p_chart([5, 0], [50, 0])
        with pytest.raises(ValueError, match="negative"):
            spc.p_chart([-1, 2], [50, 50])
        with pytest.raises(ValueError, match="same length"):
            spc.p_chart([1, 2, 3], [50, 50])
        with pytest.raises(ValueError, match="not enough data: n=1, need >= 2"):
            spc.p_chart([1], [10])


class TestLaney:
    def test_p_prime_matches_laney_2002_formula(self) -> None:
        # Laney (2002): z_i = (p_i - p-bar) / sigma_pi, sigma_z = MR-bar(z) / 1.128,
        # limits p-bar ± 3 sigma_pi sigma_z (as qicharts2's qic.pp with
        # qic.screenedmr = FALSE).
        rng = np.random.default_rng(7)
        den = rng.integers(15_000, 25_000, size=30).astype(float)
        p_true = 0.2 + rng.normal(0, 0.02, size=30)
        num = np.round(den * p_true)
        r = spc.p_chart(num, den, laney=True)
        pbar = num.sum() / den.sum()
        s = np.sqrt(pbar * (1 - pbar) / den)
        z = (num / den - pbar) / s
        sigma_z = np.abs(np.diff(z)).mean() / 1.128
        assert r.chart == "p'"
        assert r.sigma_z == pytest.approx(sigma_z, abs=1e-12)
        assert r.lcl == pytest.approx(np.maximum(pbar - 3 * s * sigma_z, 0), abs=1e-12)
        assert r.ucl == pytest.approx(np.minimum(pbar + 3 * s * sigma_z, 1), abs=1e-12)
        plain = spc.p_chart(num, den)
        assert sigma_z > 3  # overdispersed: p' limits much wider
        assert r.signals.sum() < plain.signals.sum()
        assert "Laney p'" in r.sentence
        assert "laney=True" in plain.sentence  # the plain chart suggests p'

    def test_binomial_data_give_sigma_z_near_one(self) -> None:
        # Laney: with no overdispersion the p' chart is the p chart.
        rng = np.random.default_rng(11)
        den = np.full(60, 2000.0)
        num = rng.binomial(2000, 0.1, size=60).astype(float)
        r = spc.p_chart(num, den, laney=True)
        assert r.sigma_z == pytest.approx(1.0, abs=0.25)

    def test_u_prime(self) -> None:
        rng = np.random.default_rng(3)
        expo = rng.integers(5_000, 9_000, size=24).astype(float)
        counts = np.round(expo * (0.05 + rng.normal(0, 0.005, size=24)))
        r = spc.u_chart(counts, expo, laney=True)
        ubar = counts.sum() / expo.sum()
        s = np.sqrt(ubar / expo)
        z = (counts / expo - ubar) / s
        sigma_z = np.abs(np.diff(z)).mean() / 1.128
        assert r.chart == "u'"
        assert r.sigma_z == pytest.approx(sigma_z, abs=1e-12)
        assert r.ucl == pytest.approx(ubar + 3 * s * sigma_z, abs=1e-12)
        assert r.lcl == pytest.approx(np.maximum(ubar - 3 * s * sigma_z, 0), abs=1e-12)

    def test_laney_with_freeze_uses_baseline_z_only(self) -> None:
        num = np.array([100, 130, 90, 120, 400, 80.0])
        den = np.full(6, 1000.0)
        r = spc.p_chart(num, den, laney=True, freeze=4)
        pbar = num[:4].sum() / 4000
        s = math.sqrt(pbar * (1 - pbar) / 1000)
        z = (num[:4] / 1000 - pbar) / s
        assert r.sigma_z == pytest.approx(np.abs(np.diff(z)).mean() / 1.128, abs=1e-12)

    def test_plain_chart_has_no_sigma_z(self) -> None:
        assert spc.p_chart(OJ_TRIAL, [50] * 30).sigma_z is None


# ---------------------------------------------------------------------------
# u chart
# ---------------------------------------------------------------------------


class TestUChart:
    def test_qcc_pcmanufact(self) -> None:
        # qcc vignette, "c and u charts": with(pcmanufact, qcc(x, sizes=size,
        # type="u")) prints "Center of group statistics = 1.93",
        # "LCL 0.06613305  UCL 3.793867".
        r = spc.u_chart(PCMANUFACT, [5] * 20)
        assert r.centre == pytest.approx(1.93, abs=1e-12)
        assert np.round(r.lcl, 8).tolist() == [0.06613305] * 20
        assert np.round(r.ucl, 6).tolist() == [3.793867] * 20
        assert r.chart == "u"

    def test_qcc_circuit_c_chart_as_u_with_unit_exposure(self) -> None:
        # qcc vignette: with(circuit, qcc(x[trial], sizes=size[trial], type="c"))
        # prints "Center of group statistics = 19.84615", "LCL 6.481447  UCL 33.21086".
        r = spc.u_chart(CIRCUIT, [1] * 26)
        assert round(r.centre, 5) == 19.84615
        assert round(float(r.lcl[0]), 6) == 6.481447
        assert round(float(r.ucl[0]), 5) == 33.21086
        # Montgomery's out-of-control samples 6 and 20 (qcc: "Remove
        # out-of-control points ... c(6, 20)")
        assert (np.flatnonzero(r.signals) + 1).tolist() == [6, 20]

    def test_qcc_circuit_u_chart_revised(self) -> None:
        # qcc vignette: inc <- setdiff(which(circuit$trial), c(6, 20));
        # qcc(x[inc], sizes=size[inc], type="u", ...) prints
        # "Center of group statistics = 0.1966667", "LCL 0.06362532  UCL 0.329708".
        inc = [c for i, c in enumerate(CIRCUIT, start=1) if i not in (6, 20)]
        r = spc.u_chart(inc, [100] * 24)
        assert round(r.centre, 7) == 0.1966667
        assert round(float(r.lcl[0]), 8) == 0.06362532
        assert round(float(r.ucl[0]), 6) == 0.329708

    def test_nist_counts_chart(self) -> None:
        # NIST 6.3.3.1: c-bar = 16, UCL = 28, LCL = 4
        r = spc.u_chart(NIST_WAFER_DEFECTS, [1] * 25)
        assert r.centre == 16.0
        assert r.ucl.tolist() == [28.0] * 25
        assert r.lcl.tolist() == [4.0] * 25

    def test_formula_and_clipping(self) -> None:
        counts = np.array([3, 0, 5, 2, 8, 1])
        expo = np.array([10.0, 2.0, 12.0, 6.0, 20.0, 1.0])
        r = spc.u_chart(counts, expo)
        ubar = counts.sum() / expo.sum()
        half = 3 * np.sqrt(ubar / expo)
        assert r.centre == pytest.approx(ubar, abs=1e-12)
        assert r.values == pytest.approx(counts / expo, abs=1e-12)
        assert r.ucl == pytest.approx(ubar + half, abs=1e-12)
        assert r.lcl == pytest.approx(np.maximum(ubar - half, 0), abs=1e-12)
        assert (r.lcl == 0).all()  # every lower limit clipped here
        assert "per unit of exposure" in r.sentence

    def test_bad_input(self) -> None:
        with pytest.raises(ValueError, match="exposures must be positive"):
            spc.u_chart([1, 2], [1, 0])
        with pytest.raises(ValueError, match="counts must not be negative"):
            spc.u_chart([1, -2], [1, 1])

    def test_json_ready(self) -> None:
        d = json_roundtrip(spc.u_chart(PCMANUFACT, [5] * 20, part=[10]))
        assert d["chart"] == "u"
        assert len(d["phases"]) == 2
        assert d["sigma_z"] is None
