"""Funnel plots (pdcakit.stats.funnel) against FunnelPlotR's published test values and
Spiegelhalter (2005)'s formulas, and on agent-shaped data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pdcakit.stats.funnel import (
    Funnel,
    dispersion,
    funnel_means,
    funnel_proportions,
    funnel_rates,
    funnel_ratios,
)

# FunnelPlotR tests/testthat/test-classes_methods.R and test-funnel_plot.R
NUM = [100, 150, 180, 80, 120, 225]
DEN = [108, 112, 165, 95, 100, 220]


class TestAgainstFunnelPlotR:
    def test_poisson_limits(self):
        # FunnelPlotR tests/testthat/test-poisson_limits.R:
        # calculate_limits(data.frame(number_seq = c(15, 20, 30)), target = 1,
        #                  draw_adjusted = FALSE)
        # ll95 0.5596924 0.6108260 0.6746958; ul95 1.649348 1.544419 1.427562
        # ll99 (99.8%) 0.3862650 0.4479107 0.5289724; ul99 2.082907 1.902094 1.702771
        funnel = funnel_ratios(NUM, DEN, list("abcdef"), adjust="never")
        low, high = funnel.limits_at([15, 20, 30], 0.95)
        np.testing.assert_allclose(low, [0.5596924, 0.6108260, 0.6746958], atol=1e-7)
        np.testing.assert_allclose(high, [1.649348, 1.544419, 1.427562], atol=1e-6)
        low, high = funnel.limits_at([15, 20, 30], 0.998)
        np.testing.assert_allclose(low, [0.3862650, 0.4479107, 0.5289724], atol=1e-7)
        np.testing.assert_allclose(high, [2.082907, 1.902094, 1.702771], atol=1e-6)

    def test_overdispersion_factor(self):
        # FunnelPlotR test-classes_methods.R: round(phi(funnel_plot(dt, num, denom, group)),
        # 6) == 2.948033 (SR, SHMI: z = sqrt(E) log(O/E); its 10% truncation keeps all six
        # units: ranks 1..6 fall in groups floor(rank * 10 / 7) = 1..8, inside (0, 9)), so
        # it equals our factor with no winsorising.
        found = funnel_ratios(NUM, DEN, list("abcdef"), trim=0.0)
        assert round(found.dispersion.phi, 6) == 2.948033

    def test_tau2_formula(self):
        # Spiegelhalter 2005 eq. (A.3) / FunnelPlotR tau_func:
        # tau2 = (n phi - (n - 1)) / (sum w - sum w^2 / sum w), w = 1 / s^2 = E here
        found = funnel_ratios(NUM, DEN, list("abcdef"), trim=0.0)
        w = np.asarray(DEN, float)
        expected = (6 * 2.9480331751 - 5) / (w.sum() - (w ** 2).sum() / w.sum())
        assert found.dispersion.tau2 == pytest.approx(expected, rel=1e-9)
        assert found.adjusted
        # the overdispersed limits: exp(+-1.959964 sqrt(1/E + tau2)) (calculate_limits SHMI)
        low, high = found.limits_at([100.0], 0.95)
        assert high[0] == pytest.approx(math.exp(1.959964 * math.sqrt(0.01 + expected)),
                                        rel=1e-6)
        assert low[0] == pytest.approx(1 / high[0], rel=1e-9)

    def test_winsorising_uses_r_type7_quantiles(self):
        # FunnelPlotR winsorisation: quantile(z, 0.1) and quantile(z, 0.9) (type 7):
        # for z = 1..10, 1.9 and 9.1; phi = mean of the clipped squares.
        z = np.arange(1.0, 11.0)
        clipped = np.array([1.9, 2, 3, 4, 5, 6, 7, 8, 9, 9.1])
        found = dispersion(z, np.full(10, 0.1))
        assert found.phi == pytest.approx(float(np.mean(clipped ** 2)))

    def test_no_overdispersion_gives_zero_tau2(self):
        # n phi < n - 1: tau2 = 0 (FunnelPlotR tau_func); limits stay unadjusted
        found = dispersion([0.1, -0.2, 0.3, -0.1], [0.1] * 4)
        assert found.tau2 == 0 and not found.overdispersed


class TestProportions:
    def test_limits_follow_the_arcsine_formula(self):
        # FunnelPlotR calculate_limits, PR: sin(asin(sqrt(target)) +- z sqrt(s^2 + tau2))^2,
        # s = 1 / (2 sqrt(n)); target 0.8, n = 100, no overdispersion: asin(sqrt(.8)) =
        # 1.107149, z/(2*10) = 0.0979982 -> sin(1.0091505)^2 = 0.716, sin(1.2051469)^2 = 0.872
        funnel = funnel_proportions([80, 80, 80], [100, 100, 100], list("abc"))
        low, high = funnel.limits_at([100], 0.95)
        y0 = math.asin(math.sqrt(0.8))
        assert low[0] == pytest.approx(math.sin(y0 - 1.959964 / 20) ** 2, rel=1e-6)
        assert high[0] == pytest.approx(math.sin(y0 + 1.959964 / 20) ** 2, rel=1e-6)
        assert round(low[0], 3) == 0.716 and round(high[0], 3) == 0.872
        assert funnel.dispersion.tau2 == 0 and not funnel.units[0].outside

    def test_limits_stay_in_zero_one(self):
        funnel = funnel_proportions([1, 2, 1], [20, 25, 30], list("abc"))
        low, high = funnel.limits_at([3, 5, 1000], 0.998)
        assert (low >= 0).all() and (high <= 1).all()

    def test_agent_truly_below_is_found_and_no_false_ones(self):
        # 40 agents, 60-400 tickets each, FCR 0.72; agent A07 at 0.50
        rng = np.random.default_rng(27)
        n = rng.integers(60, 400, 40)
        p = np.full(40, 0.72)
        p[6] = 0.50
        x = rng.binomial(n, p)
        names = [f"A{i:02d}" for i in range(1, 41)]
        funnel = funnel_proportions(x, n, names)
        flagged = {u.unit: (u.outside, u.level) for u in funnel.units if u.level == 0.998}
        assert flagged == {"A07": ("below", 0.998)}

    def test_null_agents_rarely_outside(self):
        # no true difference: about 5% of units outside 95%, 0.2% outside 99.8%
        rng = np.random.default_rng(5)
        outside95 = outside998 = total = 0
        for _ in range(40):
            n = rng.integers(30, 300, 30)
            funnel = funnel_proportions(rng.binomial(n, 0.3), n, [str(i) for i in range(30)])
            outside95 += sum(bool(u.outside) for u in funnel.units)
            outside998 += sum(u.level == 0.998 for u in funnel.units)
            total += 30
        assert outside95 / total < 0.08
        assert outside998 / total < 0.01

    def test_overdispersed_units_widen_limits(self):
        rng = np.random.default_rng(3)
        n = np.full(30, 400)
        p = np.clip(rng.normal(0.7, 0.08, 30), 0.05, 0.95)
        funnel = funnel_proportions(rng.binomial(n, p), n, [str(i) for i in range(30)])
        assert funnel.dispersion.overdispersed and funnel.adjusted
        wide = funnel.limits_at([400], 0.95)
        narrow = funnel.limits_at([400], 0.95, adjusted=False)
        assert wide[0][0] < narrow[0][0] and wide[1][0] > narrow[1][0]

    @pytest.mark.parametrize(("x", "n"), [([5, 12], [10, 10]), ([1, 2], [0, 10]),
                                          ([-1, 2], [10, 10])])
    def test_bad_counts(self, x, n):
        with pytest.raises(ValueError, match="funnel of proportions"):
            funnel_proportions(x, n, ["a", "b"])

    def test_repeated_unit_names(self):
        with pytest.raises(ValueError, match="repeat"):
            funnel_proportions([1, 2], [10, 10], ["坐席1", "坐席1"])


class TestRatesAndMeans:
    def test_rate_reads_in_its_own_unit(self):
        funnel = funnel_rates([5, 30, 6], [100, 300, 100], ["A", "B", "C"])
        assert funnel.target == pytest.approx(41 / 500)
        assert funnel.units[0].value == pytest.approx(0.05)
        # exact Poisson limits times the rate (Spiegelhalter 2005 section 3.2)
        low, high = funnel.limits_at([8.2], 0.95, adjusted=False)
        plain = Funnel(kind="ratio", target=1, units=(), dispersion=funnel.dispersion,
                       adjusted=False).limits_at([8.2], 0.95)
        assert low[0] == pytest.approx(plain[0][0] * 41 / 500)
        assert high[0] == pytest.approx(plain[1][0] * 41 / 500)

    def test_unit_without_events(self):
        funnel = funnel_rates([0, 30, 6], [100, 300, 100], ["A", "B", "C"])
        assert math.isfinite(funnel.units[0].z) and funnel.units[0].ci[0] == 0

    def test_mean_limits(self):
        # Spiegelhalter 2005 section 3.3: theta0 +- z sigma / sqrt(n)
        funnel = funnel_means([10.0, 12.0, 11.0], [50, 50, 100], [3.0, 3.0, 3.0],
                              ["A", "B", "C"], adjust="never")
        low, high = funnel.limits_at([50], 0.95)
        assert high[0] == pytest.approx(11 + 1.959964 * 3 / math.sqrt(50), rel=1e-6)
        assert low[0] == pytest.approx(11 - 1.959964 * 3 / math.sqrt(50), rel=1e-6)
        assert [u.outside for u in funnel.units] == ["below", "above", ""]

    def test_case_mix_moves_a_unit_back_inside(self):
        # agent B takes only the slow category: its raw mean is high, its expected too
        funnel = funnel_means([10.0, 14.0, 10.5], [100, 100, 100], [3.0, 3.0, 3.0],
                              ["A", "B", "C"], expected=[10.2, 14.1, 10.3], adjust="never")
        assert not any(u.outside for u in funnel.units)
        raw = funnel_means([10.0, 14.0, 10.5], [100, 100, 100], [3.0, 3.0, 3.0],
                           ["A", "B", "C"], adjust="never")
        assert raw.units[1].outside == "above"

    def test_means_need_spread(self):
        with pytest.raises(ValueError, match="every value is the same"):
            funnel_means([1.0, 1.0], [5, 5], [0.0, 0.0], ["a", "b"])
