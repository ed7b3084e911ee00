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


class TestPlanningAtTheFamilyAlpha:
    def test_holm_first_step(self):
        from pdcakit.stats.power import family_alpha

        assert family_alpha(0.05, 9) == pytest.approx(0.05 / 9)
        assert family_alpha(0.05, 9, "bonferroni") == family_alpha(0.05, 9)
        assert family_alpha(0.05, 9, "none") == 0.05

    def test_power_t_at_alpha_over_m_as_r(self):
        # R: power.t.test(delta = 1, sd = 1, sig.level = 0.05/9, power = 0.8)$n -> 28.09818
        assert stats.power_t(1, power=0.8, alpha=0.05 / 9).n == pytest.approx(28.09818,
                                                                              abs=5e-5)
        # R: power.t.test(n = 20, power = 0.8)$delta -> 0.9091306; at 0.05/9 that change
        # has power.t.test(n = 20, delta = 0.9091306, sig.level = 0.05/9)$power -> 0.4828528
        delta = stats.mde_t(20, 20, 1.0, power=0.8)
        assert delta == pytest.approx(0.9091306, abs=5e-7)
        # (R's delta is uniroot's, to about 1e-6: the powers agree to 1e-6)
        assert stats.power_t(delta, n=20, alpha=0.05 / 9).power == pytest.approx(0.4828528,
                                                                                 abs=2e-6)

    def test_power_prop_at_alpha_over_m_as_r(self):
        # R: power.prop.test(p1 = 0.7, p2 = 0.75, sig.level = 0.05/9, power = 0.8)$n
        # -> 2082.332
        assert stats.power_prop(0.7, 0.75, power=0.8, alpha=0.05 / 9).n == pytest.approx(
            2082.332, abs=5e-3)

    def test_design_effect(self):
        from pdcakit.stats.power import design_effect

        # Kish: 1 + (m - 1) ICC; 300 tickets a week at ICC 0.02 -> 6.98
        assert design_effect(icc=0.02, period_size=300) == pytest.approx(6.98)
        assert design_effect(dispersion=0.7) == 1.0  # never below 1
        with pytest.raises(ValueError, match="either the dispersion"):
            design_effect(icc=0.1, period_size=5, dispersion=2.0)

    def test_schoenfeld_events(self):
        from pdcakit.stats.power import logrank_events, power_logrank

        # Schoenfeld (1983): d = (z_0.975 + z_0.9)^2 / (0.25 log(0.5)^2); R:
        # (qnorm(.975) + qnorm(.9))^2 / (0.25 * log(0.5)^2) -> 87.4793 (the textbook 88
        # events for a halved hazard at 90% power, e.g. Collett, Modelling Survival Data)
        assert logrank_events(0.5, power=0.9) == pytest.approx(87.4793, abs=5e-5)
        assert power_logrank(0.5, 87.4793) == pytest.approx(0.9, abs=1e-6)
        assert logrank_events(2.0, power=0.9) == pytest.approx(87.4793, abs=5e-5)
        assert logrank_events(0.5, power=0.9, alpha=0.05 / 9) > 130
