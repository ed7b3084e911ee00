"""Power and sample size (pdcakit.stats.power) against R's published help-page examples."""

from __future__ import annotations

import math

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


class TestMinimumDetectableEffect:
    def test_mde_t_inverts_power_t(self):
        # R ?power.t.test example: power.t.test(n = 20, delta = 1) -> power = 0.8689528;
        # so with n = 20 per group and that power, the detectable difference is 1 SD.
        assert stats.mde_t(20, 20, 1.0, power=0.8689528) == pytest.approx(1.0, abs=1e-6)

    def test_mde_t_scales_with_sd(self):
        assert stats.mde_t(20, 20, 2.5, power=0.8689528) == pytest.approx(2.5, abs=1e-5)

    def test_mde_t_unequal_groups_use_harmonic_mean(self):
        # 15 and 30 per group have the standard error of 20 and 20.
        assert stats.mde_t(15, 30, 1.0) == pytest.approx(stats.mde_t(20, 20, 1.0))

    def test_mde_prop_inverts_power_prop(self):
        # R: power.prop.test(n = 50, p1 = .50, p2 = .75) -> power = 0.7401659
        assert stats.mde_prop(0.5, 50, 50, power=0.7401659) == pytest.approx(0.25, abs=1e-6)
        assert stats.mde_prop(0.5, 50, 50, power=0.7401659, direction="decrease") == \
            pytest.approx(0.25, abs=1e-6)

    def test_mde_prop_shrinks_with_n(self):
        assert stats.mde_prop(0.68, 18000, 18000) < stats.mde_prop(0.68, 1800, 1800) < 0.1

    def test_mde_prop_undetectable_is_nan(self):
        # Five tickets per group cannot reach 80% power even for a change to ~100%.
        assert math.isnan(stats.mde_prop(0.9, 5, 5))

    def test_bad_direction(self):
        with pytest.raises(ValueError, match="'increase' or 'decrease'"):
            stats.mde_prop(0.5, 50, 50, direction="up")
