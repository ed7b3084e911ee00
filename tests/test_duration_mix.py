"""The mix check covers durations (issue 23, item 7): crude versus directly standardised
restricted-mean change across the categories of a column
(pdcakit.stats.stratified.stratified_rmst_change)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pdcakit import data, metrics
from pdcakit.stages.compare import segment_changes
from pdcakit.stages.windows import CompareSettings, Windows
from pdcakit.stats.shape import rmst_difference
from pdcakit.stats.stratified import stratified_rmst_change

# R survival::aml (weeks): the before curve is "Nonmaintained", the after "Maintained".
AML_AFTER = [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161]
AML_AFTER_DONE = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0]
AML_BEFORE = [5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45]
AML_BEFORE_DONE = [1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]


def test_standardised_rmst_change_as_r_survfit_and_by_hand():
    # Stratum "急诊" is aml. R: print(survfit(Surv(time, status) ~ x, data = aml),
    # rmean = 45) -> Maintained rmean 30.73864 se 4.114086; Nonmaintained 22.70833 se
    # 4.180942 (as tests/test_stats_survival.py).
    # Stratum "b" by hand, horizon 45 (both curves reach 0 before it):
    #   before 1, 2, 3, 4 (all finished): RMST 1 + 0.75 + 0.5 + 0.25 = 2.5,
    #   variance sum A_j^2 d_j / (n_j (n_j - d_j)) = 1.5^2/12 + 0.75^2/6 + 0.25^2/2 = 0.3125;
    #   after 2, 3, 4, 5 three times over (12 tickets): RMST 3.5, variance 0.3125 / 3
    #   (each term's d / (n (n - d)) is a third with every count tripled).
    # Weights: pooled shares of the entering strata: 急诊 12 + 11 = 23, b 4 + 12 = 16.
    before = [*AML_BEFORE, 1, 2, 3, 4]
    before_done = [*AML_BEFORE_DONE, 1, 1, 1, 1]
    after = [*AML_AFTER, *[2, 3, 4, 5] * 3]
    after_done = [*AML_AFTER_DONE, *[1] * 12]
    strata_b = ["急诊"] * 12 + ["b"] * 4
    strata_a = ["急诊"] * 11 + ["b"] * 12
    mix = stratified_rmst_change(before, np.array(before_done, bool), strata_b, after,
                                 np.array(after_done, bool), strata_a, column="category",
                                 horizon=45, min_per_side=4)
    w_aml, w_b = 23 / 39, 16 / 39
    expected = w_aml * (30.73864 - 22.70833) + w_b * (3.5 - 2.5)
    se = math.sqrt(w_aml**2 * (4.114086**2 + 4.180942**2) + w_b**2 * (0.3125 + 0.3125 / 3))
    assert mix.adjusted == pytest.approx(expected, abs=1e-5)
    assert mix.adjusted_ci[1] - mix.adjusted == pytest.approx(1.959964 * se, abs=1e-4)
    assert mix.adjusted_pvalue == pytest.approx(
        math.erfc(abs(expected) / se / math.sqrt(2)), abs=1e-5)
    crude = rmst_difference(before, np.array(before_done, bool), after,
                            np.array(after_done, bool), horizon=45)
    assert mix.crude == pytest.approx(crude.difference) and mix.crude_ci == crude.ci
    assert mix.strata_used == 2 and mix.left_out == 0 and mix.horizon == 45
    assert mix.mix["after"].round(5).tolist() == [3.5, 30.73864]  # sorted: b, 急诊
    assert "mean time up to 45.0 minutes" in mix.sentence


def _tickets(rng: np.random.Generator, shares: dict[str, float], n: int,
             snapshot_minutes: float) -> pd.DataFrame:
    """Tickets of categories with their own typical resolution time (the same before and
    after), created over a window and still open (censored) past the snapshot."""
    typical = {"网络": 60.0, "账户": 240.0, "硬件": 1440.0}
    names = list(shares)
    cat = rng.choice(names, size=n, p=[shares[c] for c in names])
    cat = np.where(rng.random(n) < 0.03, [f"其他{i}" for i in rng.integers(0, 30, n)], cat)
    scale = np.array([typical.get(c, 240.0) for c in cat])
    took = rng.exponential(scale)
    followed = rng.uniform(0.2, 1.0, n) * snapshot_minutes  # heavy censoring
    return pd.DataFrame({"category": cat, "minutes": np.minimum(took, followed),
                         "done": took <= followed})


def test_a_mix_shift_alone_moves_the_crude_not_the_adjusted():
    # Within each category nothing changed; after the change fast 网络 tickets are the
    # majority. The crude restricted mean falls, the standardised one does not.
    rng = np.random.default_rng(23)
    before = _tickets(rng, {"网络": 0.2, "账户": 0.4, "硬件": 0.4}, 3000, 4000)
    after = _tickets(rng, {"网络": 0.6, "账户": 0.3, "硬件": 0.1}, 3000, 4000)
    mix = stratified_rmst_change(before["minutes"], before["done"], before["category"],
                                 after["minutes"], after["done"], after["category"],
                                 column="category", scale="hours")
    assert mix.mix_pvalue < 1e-6
    assert mix.crude_ci[1] < 0                                 # the crude says "faster"
    assert mix.adjusted_ci[0] < 0 < mix.adjusted_ci[1]         # the adjusted does not
    assert mix.disagree and "Simpson" in mix.sentence
    # 30 thin 其他 categories (about 3 tickets each a side) cannot enter the adjusted figure
    assert mix.strata_used == 3 and mix.left_out == int((~before["category"].isin(
        ["网络", "账户", "硬件"])).sum() + (~after["category"].isin(
            ["网络", "账户", "硬件"])).sum())
    assert mix.horizon <= min(before["minutes"].max(), after["minutes"].max())
    assert "mean time up to" in mix.sentence and "hours" in mix.sentence
    assert "followed up to the horizon" in mix.sentence
    assert mix.as_dict()["estimand"].startswith("mean time up to")


def test_no_category_followed_on_both_sides_is_a_clear_error():
    with pytest.raises(ValueError, match=r"category.*cannot adjust the duration"):
        stratified_rmst_change([5, 6, 7], [True] * 3, ["a"] * 3, [5, 6, 7], [True] * 3,
                               ["b"] * 3, column="category")
    with pytest.raises(ValueError, match="one category value per ticket"):
        stratified_rmst_change([5, 6, 7], [True] * 3, ["a"] * 2, [5, 6, 7], [True] * 3,
                               ["a"] * 3, column="category")


def test_duration_kpis_on_a_loaded_export_segments_and_mix(tmp_path):
    # The body proposed for compare.mix_check on durations: per-ticket minutes and finished
    # flags (open cases censored at the snapshot) with the column as strata. Segments
    # already cover durations (compare.segment_changes on time_to_resolve).
    rng = np.random.default_rng(3)
    rows = []
    for i in range(2400):
        after = i >= 1200
        created = pd.Timestamp("2026-03-02") + pd.Timedelta(
            minutes=int(rng.integers(0, 5 * 7 * 1440)) + (5 * 7 * 1440 if after else 0))
        category = rng.choice(["网络", "账户", "硬件"],
                              p=[0.6, 0.3, 0.1] if after else [0.2, 0.4, 0.4])
        hours = rng.exponential({"网络": 2.0, "账户": 8.0, "硬件": 30.0}[category])
        resolved = "" if rng.random() < 0.1 else (
            f"{created + pd.Timedelta(hours=hours):%Y-%m-%d %H:%M}")
        rows.append({"id": f"T{i}", "created_at": f"{created:%Y-%m-%d %H:%M}",
                     "resolved_at": resolved, "category": category,
                     "channel": "电话" if i % 3 else "邮件"})
    path = tmp_path / "tickets.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    tickets = data.load_tickets(path, snapshot="2026-05-12")
    before, after = Windows.around("2026-04-06", weeks_before=5, weeks_after=5).split(tickets)
    minutes_b, done_b = metrics.duration_minutes(before, "time_to_resolve")
    minutes_a, done_a = metrics.duration_minutes(after, "time_to_resolve")
    mix = stratified_rmst_change(minutes_b, done_b, before["category"], minutes_a, done_a,
                                 after["category"], column="category", key="time_to_resolve",
                                 scale="hours")
    assert mix.crude_ci[1] < 0 and mix.adjusted_ci[0] < 0 < mix.adjusted_ci[1]
    assert mix.left_out == 0 and mix.strata_used == 3
    segments = segment_changes(before, after, "time_to_resolve", "channel",
                               CompareSettings.check(kpis=["time_to_resolve"]))
    assert sorted(c.segment for c in segments.table.changes) == ["电话", "邮件"]
    assert not segments.table.skipped
