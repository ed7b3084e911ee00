"""The Plan stage's sample size is for the test the Check stage will use, at the level of the
family the compare stage adjusts over (issue 23, item 6): pdcakit.stages.windows.check_family,
pdcakit.stages.planning, pdcakit.stats.rmstpower."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import integrate

from pdcakit import stats
from pdcakit.kpis import supported_kpis
from pdcakit.stages import baseline_page as bp
from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.planning import sample_size_plan
from pdcakit.stages.windows import CHECK_KPIS, CompareSettings, check_family
from pdcakit.stats.rmstpower import rmst_curve, rmst_plan

ROOT = Path(__file__).resolve().parents[1]

# R survival::aml (weeks), "Maintained"
AML = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]
AML_DONE = np.array([1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0], bool)


def _compare_default_kpis() -> list[str]:
    tree = ast.parse((ROOT / "notebooks" / "compare.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "kpis":
            return ast.literal_eval(node.value)
    raise AssertionError("notebooks/compare.py declares no kpis parameter")


def test_the_default_family_is_the_compare_notebooks():
    assert list(CHECK_KPIS) == _compare_default_kpis()


def _event_log(tmp_path: Path) -> str:
    """A ServiceNow-like export: several update rows per incident, date-only times on some,
    incidents closed without a resolution time (still open), no FCR or score columns."""
    rng = np.random.default_rng(11)
    rows = []
    start = pd.Timestamp("2026-01-05")
    for i in range(1500):
        created = start + pd.Timedelta(minutes=int(rng.integers(0, 13 * 7 * 1440)))
        first = created + pd.Timedelta(minutes=float(rng.exponential(240)))
        resolved = created + pd.Timedelta(minutes=float(rng.exponential(2880)))
        open_ = rng.random() < 0.15
        for update in range(int(rng.integers(1, 4))):
            rows.append({"number": f"INC{i:07d}", "opened_at": (
                f"{created:%Y-%m-%d}" if i % 10 == 0 else f"{created:%Y-%m-%d %H:%M:%S}"),
                "responded": f"{first:%Y-%m-%d %H:%M:%S}",
                "resolved_at": "" if open_ else f"{resolved:%Y-%m-%d %H:%M:%S}",
                "category": rng.choice(["网络", "账户", "硬件"]), "update": update})
    path = tmp_path / "incident_events.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  id: number\n  created_at: opened_at\n"
                       "  first_response_at: responded\n  resolved_at: resolved_at\n"
                       "  category: category\non_duplicate: keep_last\n", encoding="utf-8")
    return str(path), str(mapping)


def test_plan_and_check_adjust_over_one_family(tmp_path):
    # The issue: the plan assumed the baseline's 3 supported KPIs (resolution_rate is in
    # the baseline's list, not in the compare stage's); the Check adjusted over 2.
    path, mapping = _event_log(tmp_path)
    loaded = bp.data_section(path, mapping, start="2026-01-05", end="2026-04-06",
                             snapshot="2026-04-20")
    settings = BaselineSettings.check(
        kpis=["first_response_time", "time_to_resolve", "resolution_rate"],
        headline_kpi="time_to_resolve", period="W", target_value=1440.0)
    present = tuple(loaded.sections.present)
    family = bp.plan_family(settings, present)
    check = CompareSettings.check(kpis=list(CHECK_KPIS))
    narrowed = check.only(supported_kpis(present, check.kpis)[0])
    assert family == narrowed.family
    assert family.kpis == ("first_response_time", "time_to_resolve") and family.level == 0.025
    # a cycle whose compare stage names its own kpis and adjustment
    own = BaselineSettings.check(kpis=["fcr"], headline_kpi="time_to_resolve", period="W",
                                 target_value=1440.0, check_kpis=["time_to_resolve", "fcr"],
                                 check_multiplicity="none")
    assert bp.plan_family(own, present).words == (
        "no adjustment over the 1 KPI the Check tests: level 0.05")

    scorecard = bp.scorecard_section(loaded.tickets, loaded.sections, settings)
    headline = bp.headline_section(loaded.tickets, loaded.sections, settings)
    plan = bp.sample_size_section(headline, loaded.sections, scorecard)
    assert plan.plan is not None
    sentence = plan.plan.sentence
    assert "planned at Holm's first step over the 2 KPIs the Check tests: level 0.025" \
        in sentence
    assert plan.record["sample_size"]["family"]["size"] == 2
    tests = plan.record["sample_size"]["tests"]
    assert plan.plan.n_exact == pytest.approx(max(tests["log_rank"], tests["restricted_mean"]))
    assert f"the plan is for the larger, the {tests['planned_for']} test" in sentence
    assert "log-rank test while the hazards stay proportional" in sentence


def test_bad_check_parameters_are_named():
    with pytest.raises(ValueError, match="check_kpis: unknown KPI 'fcrr'") as found:
        BaselineSettings.check(kpis=["fcr"], headline_kpi="fcr", period="W",
                               target_value=0.74, check_kpis=["fcrr"],
                               check_multiplicity="sidak")
    assert "parameter check_multiplicity: 'sidak'" in str(found.value)


class TestRmstVariance:
    def test_baseline_curve_as_r_survfit(self):
        # R: print(survfit(Surv(time, status) ~ x, data = aml), rmean = 45) ->
        # Maintained rmean 30.73864, se(rmean) 4.114086 (n = 11): the per-ticket
        # variance is 11 x 4.114086^2.
        curve = rmst_curve(AML, AML_DONE, 45)
        assert curve.rmst == pytest.approx(30.73864, abs=5e-6)
        assert curve.variance == pytest.approx(11 * 4.114086**2, rel=1e-6)
        assert (curve.variance / 11) ** 0.5 == pytest.approx(
            stats.shape.rmst(AML, AML_DONE, 45)[1])

    def test_projected_curve_as_the_textbook_integral(self):
        # Klein & Moeschberger (2003), section 4.5: the restricted mean's asymptotic
        # variance is integral_0^tau A(t)^2 dLambda(t) / pi(t). Exponential durations, rate
        # 1/100 before and 1.5/100 after (hazard ratio 1.5), censoring uniform on [0, 400]
        # (pi = S x (1 - t/400)), tau = 150: mu = (1 - exp(-r tau)) / r and the integral
        # by quadrature. The projection uses only a baseline sample.
        rng = np.random.default_rng(1)
        n = 200_000
        took, censor = rng.exponential(100, n), rng.uniform(0, 400, n)
        minutes, done = np.minimum(took, censor), took <= censor
        rate, tau = 1.5 / 100, 150.0

        def area(t):
            return (math.exp(-rate * t) - math.exp(-rate * tau)) / rate

        variance = integrate.quad(lambda t: area(t) ** 2 * rate
                                  / (math.exp(-rate * t) * (1 - t / 400)), 0, tau)[0]
        projected = rmst_curve(minutes, done, tau, hazard_ratio=1.5)
        assert projected.rmst == pytest.approx((1 - math.exp(-rate * tau)) / rate, rel=0.01)
        assert projected.variance == pytest.approx(variance, rel=0.02)

    def test_rmst_plan_has_the_power_asked_for(self):
        rng = np.random.default_rng(4)
        took, censor = rng.exponential(300, 4000), rng.uniform(0, 2000, 4000)
        minutes, done = np.minimum(took, censor), took <= censor
        plan = rmst_plan(minutes, done, hazard_ratio=1.25, alpha=0.025, power=0.8)
        assert plan.power_at(plan.n) == pytest.approx(0.8, abs=1e-9)
        assert plan.difference < 0  # shorter durations after


def test_duration_plan_is_for_the_larger_of_the_two_tests():
    rng = np.random.default_rng(9)
    took, censor = rng.lognormal(np.log(600), 1.2, 3000), rng.uniform(0, 20_000, 3000)
    minutes, done = np.minimum(took, censor), took <= censor
    family = check_family(["fcr", "time_to_resolve"])
    plan = sample_size_plan("duration", baseline=600, target=450, volume_per_period=250,
                            period_label="week", family=family, share_finished=done.mean(),
                            durations=(minutes, done))
    events = stats.logrank_events(600 / 450, alpha=0.025, power=0.8)
    assert plan.n_logrank == pytest.approx(events / 2 / done.mean())
    assert plan.n_rmst == pytest.approx(
        rmst_plan(minutes, done, hazard_ratio=600 / 450, alpha=0.025).n)
    assert plan.n_exact == pytest.approx(max(plan.n_logrank, plan.n_rmst))
    assert plan.alpha == 0.025
    larger = "restricted mean" if plan.n_rmst > plan.n_logrank else "log-rank"
    assert plan.planned_for == larger and f"the {larger} test." in plan.sentence
    assert "restricted-mean z test up to" in plan.method
    # the power curve is the weaker test's: the power asked for at the planned size
    curve = dict(zip(plan.curve_sizes, plan.curve_powers, strict=True))
    below = max(s for s in curve if s <= plan.n_exact)
    assert curve[below] <= 0.8 + 1e-9
