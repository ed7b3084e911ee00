"""Power and sample size (pdcakit.stats.power) against R's published help-page examples."""

from __future__ import annotations

import pytest

from pdcakit import stats


class TestPowerT:
    def test_power_for_given_n(self):
        # R ?power.t.test example: power.t.test(n = 20, delta = 1) -> power = 0.8689528
        assert stats.power_t(1, n=20).power == pytest.approx(0.8689528, abs=1e-7)

    def test_n_for_given_power(self):
        # R ?power.t.test example: power.t.test(power = .90, delta = 1) -> n = 22.02110
        result = stats.power_t(1, power=0.90)
        assert result.n == pytest.approx(22.02110, abs=1e-5)
        assert result.n_ceil == 23

    def test_sd_scales_delta(self):
        assert stats.power_t(2, sd=2, n=20).power == pytest.approx(stats.power_t(1, n=20).power)

    @pytest.mark.parametrize("kwargs", [{}, {"n": 10, "power": 0.8}])
    def test_exactly_one_of_n_and_power(self, kwargs):
        with pytest.raises(ValueError, match="exactly one of n and power"):
            stats.power_t(1, **kwargs)

    def test_too_small_n(self):
        with pytest.raises(ValueError, match="not enough data: n=1"):
            stats.power_t(1, n=1)


class TestPowerProp:
    def test_power_for_given_n(self):
        # R ?power.prop.test example: power.prop.test(n = 50, p1 = .50, p2 = .75)
        # -> power = 0.7401659
        assert stats.power_prop(0.5, 0.75, n=50).power == pytest.approx(0.7401659, abs=1e-7)

    def test_n_for_given_power(self):
        # R ?power.prop.test example: power.prop.test(p1 = .50, p2 = .75, power = .90)
        # "=> n = 76.7" (R prints n = 76.7069)
        assert stats.power_prop(0.5, 0.75, power=0.90).n == pytest.approx(76.7069, abs=1e-4)

    def test_symmetric_in_direction(self):
        assert stats.power_prop(0.75, 0.5, n=50).power == pytest.approx(
            stats.power_prop(0.5, 0.75, n=50).power)

    @pytest.mark.parametrize(("p1", "p2"), [(0.5, 0.5), (0.0, 0.5), (0.5, 1.0)])
    def test_invalid_proportions(self, p1, p2):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            stats.power_prop(p1, p2, n=50)
