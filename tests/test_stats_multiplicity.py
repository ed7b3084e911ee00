"""Holm and Benjamini-Hochberg adjustments against the published example."""

from __future__ import annotations

import math

import pytest

from pdcakit import stats

# Benjamini & Hochberg (1995), J. R. Statist. Soc. B 57(1), section 4.2: 15 p-values from
# a myocardial-infarction trial. At q = 0.05, BH rejects the 4 smallest; Bonferroni-type
# (Holm) procedures reject 3.
BH_1995 = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
           0.4262, 0.5719, 0.6528, 0.7590, 1.000]


def test_bh_rejects_four_holm_three():
    assert sum(stats.adjust(BH_1995, "bh").significant) == 4
    assert sum(stats.adjust(BH_1995, "holm").significant) == 3


def test_holm_values_as_r_p_adjust():
    # R: p.adjust(c(0.01, 0.04, 0.03), "holm") -> 0.03 0.06 0.06
    assert stats.adjust_pvalues([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # R: p.adjust(c(0.01, 0.04, 0.03), "BH") -> 0.03 0.04 0.04
    assert stats.adjust_pvalues([0.01, 0.04, 0.03], "bh") == pytest.approx([0.03, 0.04, 0.04])


def test_nan_passes_through_and_is_not_counted():
    out = stats.adjust_pvalues([0.01, math.nan, 0.04], "bonferroni")
    assert out[0] == pytest.approx(0.02) and math.isnan(out[1]) and out[2] == pytest.approx(0.08)


def test_bad_method_and_values():
    with pytest.raises(ValueError, match="unknown multiplicity method 'sidak'"):
        stats.adjust_pvalues([0.1], "sidak")
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.adjust_pvalues([1.5])
