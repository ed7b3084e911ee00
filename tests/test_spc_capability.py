"""Process capability (pdcakit.spc.capability).

NIST/SEMATECH e-Handbook of Statistical Methods, 6.1.6 "What is Process
Capability?" (https://www.itl.nist.gov/div898/handbook/pmc/section1/pmc16.htm),
worked example: USL = 20, LSL = 8, process mean 16, standard deviation 2 give
"Cp = 1.0", "Cpu = (20 - 16)/(3)(2) = 0.6667", "Cpl = (16 - 8)/(3)(2) = 1.3333"
and "Cpk = 0.6667".

The handbook gives the mean and sigma, not data, so the tests build series
whose mean is exactly 16 and whose sigma (overall sd for Pp/Ppk, MR-bar/1.128
for Cp/Cpk) is exactly 2, by an affine rescaling of arbitrary values.
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from pdcakit import spc

RAW = np.array([3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9, 4.0, 5.2, 3.3, 4.9, 3.6, 5.5, 4.2])


def with_overall_sd(mean: float, sd: float) -> np.ndarray:
    z = (RAW - RAW.mean()) / RAW.std(ddof=1)
    return mean + sd * z


def with_within_sigma(mean: float, sigma: float) -> np.ndarray:
    centred = RAW - RAW.mean()
    mr_bar = np.abs(np.diff(centred)).mean()
    return mean + centred * (sigma * 1.128 / mr_bar)


class TestNistExample:
    def test_pp_ppk_from_overall_sigma(self) -> None:
        r = spc.capability(with_overall_sd(16, 2), lsl=8, usl=20)
        assert r.mean == pytest.approx(16, abs=1e-12)
        assert r.sigma_overall == pytest.approx(2, abs=1e-12)
        assert round(r.pp, 4) == 1.0  # NIST: Cp = 1.0 (with sigma = 2)
        assert round(r.ppu, 4) == 0.6667  # NIST: Cpu = 0.6667
        assert round(r.ppl, 4) == 1.3333  # NIST: Cpl = 1.3333
        assert round(r.ppk, 4) == 0.6667  # NIST: Cpk = 0.6667

    def test_cp_cpk_from_within_sigma(self) -> None:
        r = spc.capability(with_within_sigma(16, 2), lsl=8, usl=20)
        assert r.sigma_within == pytest.approx(2, abs=1e-12)
        assert round(r.cp, 4) == 1.0  # NIST: Cp = 1.0
        assert round(r.cpu, 4) == 0.6667
        assert round(r.cpl, 4) == 1.3333
        assert round(r.cpk, 4) == 0.6667  # NIST: Cpk = 0.6667


class TestFormula:
    def test_definitions(self) -> None:
        y = RAW
        r = spc.capability(y, lsl=1.0, usl=7.5)
        s_within = np.abs(np.diff(y)).mean() / 1.128
        s_overall = y.std(ddof=1)
        m = y.mean()
        assert r.n == 15
        assert r.sigma_within == pytest.approx(s_within, abs=1e-12)
        assert r.sigma_overall == pytest.approx(s_overall, abs=1e-12)
        assert r.cp == pytest.approx(6.5 / (6 * s_within), abs=1e-12)
        assert r.cpk == pytest.approx(min(7.5 - m, m - 1.0) / (3 * s_within), abs=1e-12)
        assert r.pp == pytest.approx(6.5 / (6 * s_overall), abs=1e-12)
        assert r.ppk == pytest.approx(min(7.5 - m, m - 1.0) / (3 * s_overall), abs=1e-12)

    def test_one_sided(self) -> None:
        upper = spc.capability(RAW, usl=7.5)
        assert upper.cp is None and upper.pp is None
        assert upper.cpl is None and upper.ppl is None
        assert upper.cpk == upper.cpu
        assert upper.ppk == upper.ppu
        assert "need both specification limits" in upper.sentence
        lower = spc.capability(RAW, lsl=1.0)
        assert lower.cpk == lower.cpl and lower.cpu is None

    def test_missing_values_are_ignored(self) -> None:
        y = np.r_[RAW[:5], np.nan, RAW[5:]]
        r = spc.capability(y, lsl=1.0, usl=7.5)
        assert r.n == 15
        assert r.mean == pytest.approx(RAW.mean(), abs=1e-12)
        # the gap breaks the chain of moving ranges
        mr = np.r_[np.abs(np.diff(RAW[:5])), np.abs(np.diff(RAW[5:]))]
        assert r.sigma_within == pytest.approx(mr.mean() / 1.128, abs=1e-12)


class TestWording:
    def test_sentence_and_stability(self) -> None:
        r = spc.capability(with_overall_sd(16, 2), lsl=8, usl=20)
        assert r.stable is True
        assert "Pp 1" in r.sentence and "Ppk 0.667" in r.sentence
        assert "normal" in r.sentence

    def test_unstable_process_is_flagged(self) -> None:
        y = np.r_[np.full(10, 10.0) + RAW[:10] / 10, np.full(10, 14.0) + RAW[:10] / 10]
        r = spc.capability(y, lsl=5, usl=20)
        assert r.stable is False
        assert "not stable" in r.sentence

    def test_constant_values(self) -> None:
        r = spc.capability([5.0] * 8, lsl=4, usl=6)
        assert r.cp is None and r.cpk is None and r.pp is None and r.ppk is None
        assert "cannot be computed" in r.sentence
        assert "nan" not in r.sentence.lower()


class TestErrors:
    def test_needs_a_limit(self) -> None:
        with pytest.raises(ValueError, match="at least one specification limit"):
            spc.capability(RAW)

    def test_limits_in_order(self) -> None:
        with pytest.raises(ValueError, match="below usl"):
            spc.capability(RAW, lsl=5, usl=5)

    def test_too_few(self) -> None:
        with pytest.raises(ValueError, match="not enough data: n=1, need >= 2"):
            spc.capability([4.0], lsl=1, usl=9)


class TestResult:
    def test_frozen_and_json_ready(self) -> None:
        r = spc.capability(RAW, usl=7.5)
        with pytest.raises(dataclasses.FrozenInstanceError):
            r.cp = 2.0  # type: ignore[misc]
        d = r.as_dict()
        json.dumps(d, allow_nan=False)
        assert d["cp"] is None and type(d["cpk"]) is float and type(d["n"]) is int
