"""Cronbach's alpha and Feldt's interval (pdcakit.stats.reliability)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.formula.api import ols

from pdcakit.stats.reliability import cronbach_alpha, dimension_reliability, feldt_interval


def test_feldt_interval_matches_statpsych_published_example():
    # R statpsych::ci.cronbach(.05, .85, 7, 89) documents LL 0.7971254, UL 0.8931436
    # (Feldt 1965: df2 = n (k - 1)).
    low, high = feldt_interval(0.85, 89, 7, df2=89 * 6)
    assert low == pytest.approx(0.7971254, abs=1e-7)
    assert high == pytest.approx(0.8931436, abs=1e-7)
    # Feldt, Woodruff & Salih (1987) formula 6/7, as psych::alpha and cocron: (n-1)(k-1).
    low87, high87 = feldt_interval(0.85, 89, 7)
    assert low87 == pytest.approx(0.7970649, abs=1e-6)
    assert high87 == pytest.approx(0.8931666, abs=1e-6)


def _likert(n: int, k: int, loading: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=(n, 1))
    raw = loading * trait + rng.normal(size=(n, k))
    return pd.DataFrame(np.clip(np.round(3 + raw), 1, 5),
                        columns=[f"q{i}" for i in range(1, k + 1)])


def test_alpha_equals_hoyt_anova_consistency():
    # Hoyt (1941): alpha = 1 - MS_residual / MS_persons from a persons x items ANOVA
    # (statsmodels does the ANOVA, independently of the variance formula).
    items = _likert(60, 4, 1.0, seed=3)
    long = items.reset_index().melt(id_vars="index", var_name="item", value_name="y")
    table = sm.stats.anova_lm(ols("y ~ C(index) + C(item)", data=long).fit())
    ms_persons = table.loc["C(index)", "mean_sq"]
    ms_resid = table.loc["Residual", "mean_sq"]
    result = cronbach_alpha(items)
    assert result.alpha == pytest.approx(1 - ms_resid / ms_persons, abs=1e-10)
    assert result.ci[0] < result.alpha < result.ci[1]
    assert (result.n_respondents, result.n_items) == (60, 4)


def test_unrelated_items_have_low_alpha_and_an_interval_reaching_zero():
    items = _likert(200, 3, 0.0, seed=5)
    result = cronbach_alpha(items)
    assert result.alpha < 0.3
    assert result.ci[0] < 0


def test_incomplete_respondents_are_counted_not_imputed():
    items = _likert(30, 3, 1.2, seed=1)
    items.iloc[[2, 7], 1] = np.nan
    items.iloc[9, :] = np.nan  # answered nothing: ignored
    result = cronbach_alpha(items)
    assert result.n_respondents == 27
    assert result.n_incomplete == 2


def test_too_few_items_or_no_variance_gives_no_alpha():
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1, 2, 3]})).alpha)
    flat = cronbach_alpha(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]}))
    assert math.isnan(flat.alpha) and flat.ci is None


def test_dimension_reliability_per_dimension_from_a_long_table():
    good = _likert(80, 3, 1.5, seed=2).add_prefix("speed_")
    bad = _likert(80, 2, 0.0, seed=9).add_prefix("tone_")
    wide = pd.concat([good, bad], axis=1)
    wide["respondent_id"] = [f"R{i:03d}" for i in range(80)]
    long = wide.melt(id_vars="respondent_id", var_name="question", value_name="score")
    long["dimension"] = np.where(long["question"].str.startswith("speed"), "服务响应时间",
                                 "服务态度")
    found = dimension_reliability(long)
    assert set(found) == {"服务响应时间", "服务态度"}
    assert found["服务响应时间"].alpha > 0.7 > found["服务态度"].alpha
    assert found["服务响应时间"].as_dict()["n_items"] == 3
