"""Difference in differences (pdcakit.stats.did): a textbook 2x2, the ticket-level
equivalence, and agent-week panels with and without a training effect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.stats.did import difference_in_differences


def _panel(*, effect: float = 0.0, seed: int = 1, agents: int = 40, trained: int = 15,
           weeks: int = 26, start: int = 13, pre_trend: float = 0.0,
           staggered: bool = False) -> tuple[pd.DataFrame, dict]:
    """Agent-week FCR cells: agents differ (sd 0.05 around 0.70), weeks share a wobble,
    15 agents trained in week 13 (or weeks 11-15), effect added after training."""
    rng = np.random.default_rng(seed)
    agent_level = rng.normal(0.70, 0.05, agents)
    week_level = rng.normal(0.0, 0.02, weeks)
    names = [f"A{i:02d}" for i in range(1, agents + 1)]
    when = {names[i]: start + (i % 5 - 2 if staggered else 0) for i in range(trained)}
    rows = []
    for i, name in enumerate(names):
        for t in range(weeks):
            n = int(rng.integers(5, 40))
            p = agent_level[i] + week_level[t]
            if name in when:
                p += pre_trend * t + (effect if t >= when[name] else 0.0)
            x = rng.binomial(n, float(np.clip(p, 0.01, 0.99)))
            rows.append({"unit": name, "period": t, "n": n, "value": x / n})
    return pd.DataFrame(rows), when


class TestReference:
    def test_card_krueger_table3(self):
        # Card & Krueger (1994, AER 84:772) Table 3: FTE employment per store,
        # NJ 20.44 -> 21.03, PA 23.33 -> 21.17; difference in differences 2.76 in the
        # paper (from unrounded means; 0.59 - (-2.16) = 2.75 from the rounded ones).
        cells = pd.DataFrame({
            "unit": ["NJ1", "NJ1", "NJ2", "NJ2", "PA1", "PA1", "PA2", "PA2"],
            "period": [0, 1] * 4, "n": [100] * 8,
            "value": [20.44, 21.03, 20.44, 21.03, 23.33, 21.17, 23.33, 21.17]})
        found = difference_in_differences(cells, {"NJ1": 1, "NJ2": 1})
        assert found.estimate == pytest.approx(2.75, abs=1e-9)
        assert found.raw["trained_after"] - found.raw["trained_before"] == pytest.approx(0.59)

    def test_cells_give_the_ticket_level_estimate(self):
        # WLS on cell means weighted by n = OLS on the tickets (every regressor is
        # constant within a cell); the cluster-robust sandwich is the same up to the
        # small-sample factor (N - 1) / (N - K).
        import statsmodels.formula.api as smf

        cells, when = _panel(effect=0.08, agents=12, trained=5, weeks=8, start=4)
        tickets = cells.loc[cells.index.repeat(cells["n"])].reset_index(drop=True)
        # the ticket outcomes: x ones then n - x zeros in each cell
        ys = []
        for n, value in zip(cells["n"], cells["value"], strict=True):
            x = round(value * n)
            ys.extend([1.0] * x + [0.0] * (n - x))
        tickets["y"] = ys
        tickets["d"] = [float(u in when and p >= when[u])
                        for u, p in zip(tickets["unit"], tickets["period"], strict=True)]
        fit = smf.ols("y ~ d + C(unit) + C(period)", tickets).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(tickets["unit"])[0]})
        found = difference_in_differences(cells, when)
        assert found.estimate == pytest.approx(fit.params["d"], abs=1e-9)
        n_obs, k = len(tickets), len(fit.params)
        n_cells = len(cells)
        factor = np.sqrt(((n_obs - 1) / (n_obs - k)) / ((n_cells - 1) / (n_cells - k)))
        assert found.se * factor == pytest.approx(fit.bse["d"], rel=1e-6)


class TestPanels:
    def test_trained_group_that_improved(self):
        cells, when = _panel(effect=0.08)
        found = difference_in_differences(cells, when)
        assert found.ci[0] < 0.08 < found.ci[1]
        assert found.ci[0] > 0 and found.pvalue < 0.01
        assert found.n_trained == 15 and found.n_untrained == 25 and found.n_dates == 1
        assert not found.parallel_trends_doubtful
        before = [e for e in found.events if e.k < -1]
        after = [e for e in found.events if e.k >= 0]
        # every event-time interval is wide (one week of 15 agents against the week
        # before training), so the check is on their averages: the jump is the effect
        jump = np.mean([e.estimate for e in after]) - np.mean([e.estimate for e in before])
        assert 0.03 < jump < 0.13
        assert sum(e.ci[0] > 0 or e.ci[1] < 0 for e in before) <= 1

    def test_no_effect_is_not_found(self):
        rejected = doubted = 0
        for seed in range(20):
            cells, when = _panel(seed=100 + seed)
            found = difference_in_differences(cells, when)
            rejected += found.pvalue < 0.05
            doubted += found.parallel_trends_doubtful
        assert rejected <= 3  # 5% of 20 is 1; P(4 or more of 20) = 0.016
        assert doubted <= 3  # parallel by construction: the pre-trend test at 5% too

    def test_diverging_pre_trends_are_flagged(self):
        # trained agents already drifting up 1.2 points a week before training
        cells, when = _panel(effect=0.0, pre_trend=0.012, seed=7)
        found = difference_in_differences(cells, when)
        assert found.parallel_trends_doubtful
        assert found.pretrend.slope_difference > 0

    def test_staggered_dates(self):
        cells, when = _panel(effect=0.08, staggered=True, seed=3)
        found = difference_in_differences(cells, when)
        assert found.n_dates == 5
        assert found.ci[0] < 0.08 < found.ci[1]

    def test_training_in_a_week_without_tickets(self):
        cells, when = _panel(effect=0.08, seed=4)
        cells = cells[cells["period"] != 13]
        found = difference_in_differences(cells, when)
        assert {e.k for e in found.events} >= {-2, -1, 0, 1}

    def test_too_few_untrained(self):
        cells, when = _panel(agents=16, trained=15)
        with pytest.raises(ValueError, match=r"2 untrained agents.*found 15 trained and 1"):
            difference_in_differences(cells, when)

    def test_no_weeks_before_training(self):
        cells, when = _panel(start=0)
        with pytest.raises(ValueError, match="before and after training"):
            difference_in_differences(cells, when)

    def test_missing_columns(self):
        with pytest.raises(ValueError, match="missing value"):
            difference_in_differences(pd.DataFrame({"unit": [], "period": [], "n": []}), {})
