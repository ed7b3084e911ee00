"""The lag-1 autocorrelation written out (spc.autocorrelation) is R's ``acf`` estimator:
checked against statsmodels' ``acf`` (which matches R) on random series, and against R's
value for a trending series (R 4.2.2: ``acf(c(2, 4, 3, 6, 5, 8, 7, 9))$acf[2]`` =
0.3630952381; Durbin-Watson of the centred series, ``sum(diff(xo)^2) / sum(xo^2)``, =
0.6904761905)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.stattools import acf

from pdcakit.spc.autocorrelation import autocorrelation


def test_the_same_lag1_as_statsmodels_acf_on_random_series():
    rng = np.random.default_rng(20261208)
    for _ in range(300):
        x = rng.normal(size=int(rng.integers(3, 80))).cumsum() * rng.random()
        assert autocorrelation(x).lag1 == pytest.approx(acf(x, nlags=1, fft=False)[1],
                                                        abs=1e-12)


def test_r_acf_on_a_trending_series():
    check = autocorrelation([2, 4, 3, 6, 5, 8, 7, 9])
    assert check.lag1 == pytest.approx(0.3630952381, abs=1e-10)
    assert check.durbin_watson == pytest.approx(0.6904761905, abs=1e-10)
    assert check.n == 8 and check.band == pytest.approx(2 / np.sqrt(8))
