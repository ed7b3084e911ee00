"""Reproduce published qicharts2 and crossrun examples that start from R's
``set.seed()`` + ``rnorm()``.

The vignettes print results for data drawn with R's default generator
(Mersenne-Twister, normal.kind = "Inversion"). ``r_rnorm`` below rebuilds
those draws exactly: R seeds the Mersenne-Twister state from the integer
seed with an LCG (50 scrambling steps of ``seed = 69069 * seed + 1``, then
one step per state word), draws uniforms as ``int32 * 2.3283064365386963e-10``
and turns two of them into a normal deviate by inversion
(``u = floor(2^27 * u1) + u2; qnorm(u / 2^27)``) - see R's src/main/RNG.c and
src/nmath/snorm.c. numpy's MT19937 is the same generator, so only the seeding
and the transformation are written out here. Matching the printed numbers
below to 7 significant digits confirms the emulation.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from pdcakit import spc

_BIG = 134217728  # 2^27


class RNormR:
    """R's ``set.seed(seed); rnorm(...)`` (Mersenne-Twister + Inversion)."""

    def __init__(self, seed: int) -> None:
        s = seed & 0xFFFFFFFF
        for _ in range(50):
            s = (69069 * s + 1) & 0xFFFFFFFF
        key = []
        for _ in range(625):  # dummy[0] (= mti) + 624 state words
            s = (69069 * s + 1) & 0xFFFFFFFF
            key.append(s)
        self._bg = np.random.MT19937()
        self._bg.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(key[1:], dtype=np.uint32), "pos": 624},
        }

    def _unif(self, n: int) -> np.ndarray:
        return self._bg.random_raw(n).astype(np.float64) * 2.3283064365386963e-10

    def rnorm(self, n: int, mean: float = 0.0) -> np.ndarray:
        u = self._unif(2 * n).reshape(n, 2)
        big_u = np.floor(_BIG * u[:, 0]) + u[:, 1]
        return mean + ndtri(big_u / _BIG)


class TestCrossrunVignette:
    """crossrun vignette (Wentzel-Larsen & Anhøj), Introduction, Figure 1:
    ``set.seed(32); n <- 24; y <- rnorm(n)`` plotted around ``median(y)``.
    Published text: "The longest run consists of observations 12-16 below the
    median. Thus, the length of the longest run is L = 5 in this case. The
    number of crossings of the median is C = 11."
    https://cran.r-project.org/web/packages/crossrun/vignettes/vignettecrossrun.html
    """

    def test_longest_run_and_crossings(self) -> None:
        y = RNormR(32).rnorm(24)
        r = spc.run_chart(y)
        assert r.longest_run == 5  # "L = 5"
        assert r.n_crossings == 11  # "C = 11"
        # "observations 12-16 below the median" (1-based)
        assert r.side[11:16].tolist() == [-1] * 5
        assert r.side[10] == 1 and r.side[16] == 1
        assert r.n_useful == 24  # an even n: the median falls between two points


class TestQicharts2Vignette:
    """qicharts2 vignette "Quality Improvement Charts" (Anhøj), sections
    "Your first run and control charts" and "The Anhøj rules":

        set.seed(19); y <- rnorm(24)
        y[22] <- 4
        y[13:24] <- rnorm(12, mean = 2)
        o <- qic(y, chart = 'i'); summary(o)

    printed summary (docs/articles/qicharts2.html in anhoej/qicharts2):

        n.obs n.useful longest.run longest.run.max n.crossings n.crossings.min
           24       24          13               8           4               8
        runs.signal      aLCL       CL     aUCL  sigma.signal
                  1 -2.114884 1.057091 4.229067             0

    and the text: "The longest run include 13 data points (upper limit = 8),
    and the number of crossings is 4 (lower limit = 8)."
    """

    @staticmethod
    def data() -> np.ndarray:
        rng = RNormR(19)
        y = rng.rnorm(24)
        y[21] = 4.0  # y[22] <- 4 (R is 1-based)
        y[12:24] = rng.rnorm(12, mean=2.0)  # y[13:24] <- rnorm(12, mean = 2)
        return y

    def test_i_chart_summary(self) -> None:
        r = spc.i_chart(self.data())
        assert round(r.centre, 6) == 1.057091  # CL
        assert round(r.lcl, 6) == -2.114884  # aLCL
        assert round(r.ucl, 6) == 4.229067  # aUCL
        assert int(r.signals.sum()) == 0  # sigma.signal 0

    def test_i_chart_summary_with_qicharts2_screened_moving_ranges(self) -> None:
        # qicharts2 screens moving ranges by default (qic.screenedmr = TRUE);
        # none exceeds 3.267 MR-bar here, so the printed limits are the same.
        r = spc.i_chart(self.data(), screen_mr=True)
        assert round(r.lcl, 6) == -2.114884
        assert round(r.ucl, 6) == 4.229067

    def test_runs_analysis_around_the_mean(self) -> None:
        r = spc.i_chart(self.data())
        runs = r.runs
        assert (runs.n_obs, runs.n_useful) == (24, 24)
        assert (runs.longest_run, runs.longest_run_max) == (13, 8)
        assert (runs.n_crossings, runs.n_crossings_min) == (4, 8)
        assert runs.signal is True  # runs.signal 1
        assert r.runs_signal.all()  # drawn as a dashed centre line
        assert r.signal is True
        assert "13 points on one side" in r.sentence
