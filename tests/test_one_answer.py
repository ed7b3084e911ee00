"""One KPI, one answer (issue 23): every figure of a verdict row belongs to one estimand,
the interval beside a decision is the one it rests on, four answers, one target rule.

Reference values:
- Holm's adjusted p-values: R ``p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")`` =
  0.030 0.060 0.060 0.020.
- A Wald interval at level L excludes 0 exactly when the two-sided z test's p < 1 - L
  (Agresti & Franklin, *Statistics*, duality of tests and intervals); with L = 1 - alpha p /
  p_adjusted it excludes 0 exactly when p_adjusted < alpha.
- The normal quantiles: R ``qnorm(0.975)`` = 1.959964, ``qnorm(0.995)`` = 2.575829.

The exports are made here with the shapes users bring: a small help desk (not enough
data), a large one with no effect (no change, an equivalence), an event log with several
rows per case and a third of cases still open, a go-live in mid-week, Chinese categories.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

import exports  # tests/exports.py
from pdcakit import stats
from pdcakit.fileio import plain
from pdcakit.run.consistency import compare_problems, kpi_problems
from pdcakit.run.pagefacts import verdict_rows
from pdcakit.run.resultsfile import results_from_dict
from pdcakit.stages import compare_page as page
from pdcakit.stages.compare import compare_kpi, compare_kpis
from pdcakit.stages.windows import CompareSettings, Windows

CHANGE = pd.Timestamp("2026-04-08")  # a Wednesday: the go-live week straddles it


# ---------------------------------------------------------------- the decision rule
class TestAdjustedIntervals:
    def test_holm_matches_r(self):
        # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")
        adjusted = stats.adjust_pvalues([0.01, 0.04, 0.03, 0.005], method="holm")
        assert np.allclose(adjusted, [0.030, 0.060, 0.060, 0.020])

    def test_the_first_holm_step_is_bonferroni(self):
        # the smallest of m p-values: p_adjusted = m p, so the level is 1 - alpha / m
        assert stats.adjusted_level(0.05, 0.005, 0.020) == pytest.approx(1 - 0.05 / 4)

    def test_widening_a_wald_interval_uses_the_normal_quantiles(self):
        # R: qnorm(0.975) = 1.959964, qnorm(0.995) = 2.575829
        low, high = stats.widen(1.0, (1 - 1.959964, 1 + 1.959964), 0.95, 0.99)
        assert (low, high) == pytest.approx((1 - 2.575829, 1 + 2.575829), abs=1e-6)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.floats(-6, 6), min_size=1, max_size=9))
    def test_a_wald_interval_at_the_adjusted_level_agrees_with_holm(self, zs):
        # z statistics of m KPIs, SE 1: the interval beside each adjusted decision excludes
        # no change exactly when its Holm-adjusted p-value is under alpha
        p = [float(2 * sps.norm.sf(abs(z))) for z in zs]
        adjusted = stats.adjust_pvalues(p, method="holm")
        for z, raw, adj in zip(zs, p, adjusted, strict=True):
            if min(raw, adj) < 1e-12 or abs(adj - 0.05) < 1e-9:
                continue  # beyond double precision, or exactly on the level
            ci = (z - 1.959963984540054, z + 1.959963984540054)
            decision = stats.decide(z, ci, pvalue=raw, p_adjusted=adj, alpha=0.05,
                                    higher_is_better=True, margin=0.5)
            excludes = decision.ci[0] > 0 or decision.ci[1] < 0
            assert excludes == (adj < 0.05)
            assert decision.significant == (adj < 0.05)
            assert not decision.disagree

    def test_four_answers(self):
        common = {"alpha": 0.05, "higher_is_better": False}
        assert stats.decide(-2, (-3, -1), pvalue=1e-4, p_adjusted=None, margin=1,
                            **common).answer == "improved"
        assert stats.decide(2, (1, 3), pvalue=1e-4, p_adjusted=None, margin=1,
                            **common).answer == "worse"
        assert stats.decide(0.1, (-0.5, 0.7), pvalue=0.7, p_adjusted=None, margin=1,
                            **common).answer == "no change"
        assert stats.decide(0.1, (-1.5, 1.7), pvalue=0.9, p_adjusted=None, margin=1,
                            **common).answer == "not enough data"
        # a test just under the level whose interval still includes 0: not a finding
        edge = stats.decide(-1, (-2, 0.01), pvalue=0.049, p_adjusted=None, margin=1,
                            **common)
        assert edge.answer == "not enough data" and edge.disagree


# ---------------------------------------------------------------- real-shaped exports
def _helpdesk(per_week: int, *, weeks: int = 12, effect: float = 0.0, open_share: float = 0.05,
              seed: int = 1, repeat_rows: bool = False, chinese: bool = False) -> pd.DataFrame:
    """A help desk export around a mid-week go-live: FCR, handle time, time to resolve
    (log-normal, hours), ``effect`` the relative fall after the change; ``open_share``
    still open at the export; ``repeat_rows`` an event log with 1-4 update rows per case."""
    rng = np.random.default_rng(seed)
    n = per_week * weeks * 2
    start = CHANGE - pd.Timedelta(weeks=weeks)
    created = start + pd.to_timedelta(rng.uniform(0, weeks * 2 * 7 * 1440, n), unit="min")
    after = created >= CHANGE
    factor = np.where(after, 1 - effect, 1.0)
    hours = rng.lognormal(1.0, 1.0, n) * factor
    resolved = created + pd.to_timedelta(hours * 60, unit="min")
    still_open = rng.random(n) < open_share
    categories = (["咨询", "软件故障", "投诉", "权限申请"] if chinese else
                  [f"category {i}" for i in range(24)])
    frame = pd.DataFrame({
        "id": [f"INC{i:06d}" for i in range(n)],
        "created_at": created.strftime("%Y-%m-%d %H:%M"),
        "resolved_at": np.where(still_open, "", resolved.strftime("%Y-%m-%d %H:%M")),
        "handle_minutes": np.round(rng.lognormal(2.4, 0.4, n) * factor, 1),
        "first_contact_resolved": np.where(rng.random(n) < 0.68 + 0.1 * effect * after,
                                           "true", "false"),
        "category": rng.choice(categories, n),
        "channel": rng.choice(["phone", "email", "chat"], n),
    })
    if repeat_rows:  # an event log: the same case on 1-4 rows, the last one is the newest
        copies = rng.integers(1, 5, n)
        frame = frame.loc[frame.index.repeat(copies)].reset_index(drop=True)
    return frame


def _compare_page(frame: pd.DataFrame, folder: Path, **options) -> dict:
    path = folder / "tickets.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    windows = Windows.around(str(options.get("change", CHANGE).date()), weeks_before=12,
                             weeks_after=12)
    settings_ = CompareSettings.check(kpis=options.get("kpis", ["fcr", "aht", "time_to_resolve"]),
                                      targets=options.get("targets", {}))
    tickets, ledger = page.read_tickets(str(path), options.get("mapping", ""), windows,
                                        on_duplicate=options.get("on_duplicate", ""))
    ledger.show = False
    before, after = windows.split(tickets)
    check = page.check_section(before, after, settings_, ledger)
    return exports.check_results(check, windows, tickets)


class TestRealShapedExports:
    def test_few_tickets_say_not_enough_data(self, tmp_path):
        results = _compare_page(_helpdesk(6, effect=0.15), tmp_path)
        assert compare_problems(results) == []
        answers = {k: v["verdict"] for k, v in results["kpis"].items()}
        assert "not enough data" in answers.values(), answers
        for record in results["kpis"].values():
            if record["verdict"] == "not enough data":
                low, high = record["decision"]["ci"]
                assert low < 0 < high

    def test_many_tickets_without_effect_say_no_change(self, tmp_path):
        results = _compare_page(_helpdesk(900, seed=5), tmp_path)
        assert compare_problems(results) == []
        fcr = results["kpis"]["fcr"]
        assert fcr["verdict"] == "no change", fcr["answer"]
        margin = fcr["decision"]["margin"]
        low, high = fcr["decision"]["ci"]
        assert -margin <= low < high <= margin
        assert "within plus or minus" in fcr["answer"]

    def test_event_log_with_open_cases_keeps_one_estimand_per_row(self, tmp_path):
        frame = _helpdesk(80, effect=0.4, open_share=0.3, repeat_rows=True, chinese=True)
        results = _compare_page(frame, tmp_path, on_duplicate="keep_last",
                                targets={"time_to_resolve": 120})
        assert compare_problems(results) == []
        ttr = results["kpis"]["time_to_resolve"]
        by_role = {f["decides"]: f for f in ttr["figures"]}
        assert by_role[False]["estimand"] == "median"
        assert by_role[True]["estimand"].startswith("mean time up to")
        # before and after of the row are the median's; the target is judged on it
        assert by_role[False]["before"] == pytest.approx(ttr["before"]["value"])
        assert ttr["target_met"] == (by_role[False]["after"] <= 120)
        assert ttr["target_rule"].endswith("(median) against the target")
        # the open share is a check a reviewer sees
        assert any(c["check"] == "Unusual data" and c["status"] == "warning"
                   for c in ttr["checks"])
        # the plain line quotes the median's fall with its own interval
        assert "(median), a fall of" in ttr["plain"] and "95% CI" in ttr["plain"]

    def test_the_verdict_box_shows_both_estimands_of_a_duration(self, tmp_path):
        results = _compare_page(_helpdesk(200, effect=0.3), tmp_path)
        typed = results_from_dict(results, source="results", stage="compare")
        rows = [r for r in verdict_rows(typed) if r.kpi == "time_to_resolve"]
        assert rows[0].figures["Estimand"] == "median"
        assert rows[1].figures["Estimand"].startswith("mean time up to")
        assert rows[1].name.endswith("(decides)")
        assert "judged on the mean time up to" in rows[0].statuses["Change"].word


class TestCheckerCatchesTheOldPages:
    def test_a_median_row_beside_a_restricted_mean_change_is_flagged(self):
        # what the compare page wrote before: medians before/after, the RMST difference
        old = {"name": "Time to resolve", "unit": "minutes",
               "before": {"name": "Time to resolve", "value": 5760.0, "n": 900, "ci": None,
                          "unit": "minutes"},
               "after": {"name": "Time to resolve", "value": 317.0, "n": 800, "ci": None,
                         "unit": "minutes"},
               "estimand": "difference in mean time up to 90.6 days",
               "difference": -22176.0, "difference_ci": [-23000.0, -21000.0],
               "pvalue": 1e-9, "p_adjusted": 1e-8, "verdict": "improved",
               "significant": True, "target": None, "target_met": None,
               "sentence": "Time to resolve improved: median 4.0 days before, 0.22 days after"}
        windows = Windows.around("2016-03-07", weeks_before=8, weeks_after=8).as_dict()
        results = {"stage": "compare", "windows": windows, "data": {},
                   "kpis": {"time_to_resolve": old}}
        problems = compare_problems(results)
        assert problems and "estimands decide" in problems[0]

    def test_an_answer_its_interval_contradicts_is_flagged(self):
        before = pd.DataFrame({"created_at": pd.date_range("2026-01-05", periods=400,
                                                           freq="4h"),
                               "handle_minutes": np.linspace(8, 16, 400)})
        after = before.assign(created_at=before["created_at"] + pd.Timedelta(days=70),
                              handle_minutes=before["handle_minutes"] - 1.0)
        change = compare_kpi(before, after, "aht")
        record = json.loads(json.dumps(plain(change.as_dict())))
        # an "improved" beside an interval that includes no change
        record["decision"] |= {"ci": [-0.5, 0.3], "answer": "improved"}
        record["verdict"] = "improved"
        windows = Windows.around("2026-03-16", weeks_before=10, weeks_after=10).as_dict()
        results = {"stage": "compare", "windows": windows, "data": {}, "kpis": {"aht": record}}
        typed = results_from_dict(results, source="x", stage="compare")
        assert any("includes no change" in p for p in kpi_problems("aht", typed.changes["aht"]))


def test_demo_cycle_pages_are_consistent(demo_project):
    """Every compare run the demo cycle writes passes the checker."""
    paths, _ = demo_project
    found = sorted(Path(paths.runs).glob("*/compare/*/results.json"))
    assert found
    for path in found:
        assert compare_problems(json.loads(path.read_text("utf-8"))) == [], path


def test_the_family_is_the_kpis_compared():
    rng = np.random.default_rng(2)
    created = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.uniform(0, 140, 4000), unit="D")
    frame = pd.DataFrame({"created_at": created,
                          "handle_minutes": rng.lognormal(2.4, 0.4, 4000),
                          "first_contact_resolved": rng.random(4000) < 0.7})
    before, after = frame[created < "2026-03-16"], frame[created >= "2026-03-16"]
    table = compare_kpis(before, after, CompareSettings.check(kpis=["fcr", "aht"]))
    for change in table.changes:
        assert change.family_size == 2
        assert math.isfinite(change.decision.level)
        if change.decision.adjusted:
            assert "testing 2 KPIs" in change.interval_label


def test_a_median_not_reached_is_said_never_shown_as_n_a(tmp_path):
    # heavy censoring: 60% of the cases still open, so no median can be measured; the row
    # says so in words, the target cannot be judged, and the page stays consistent
    results = _compare_page(_helpdesk(60, open_share=0.6), tmp_path,
                            targets={"time_to_resolve": 120})
    assert compare_problems(results) == []
    ttr = results["kpis"]["time_to_resolve"]
    assert "cannot be measured (over half of the cases are still open)" in ttr["plain"]
    assert "n/a" not in ttr["plain"] and "cannot be judged yet" in ttr["answer"]
    assert ttr["target_met"] is None


def _incident_log(seed: int = 7) -> pd.DataFrame:
    """A ServiceNow-shaped incident event log: 1-5 update rows per incident in no order,
    day-first times, '?' for a missing resolution time, 6% of incidents closed (closed_at)
    without a resolution time, 40 categories, a Friday go-live halving the times."""
    rng = np.random.default_rng(seed)
    n = 4000
    go_live = pd.Timestamp("2016-04-15")  # a Friday
    created = pd.Timestamp("2016-02-29") + pd.to_timedelta(rng.uniform(0, 100 * 1440, n),
                                                           unit="min")
    hours = rng.lognormal(3.0, 1.3, n) * np.where(created >= go_live, 0.5, 1.0)
    resolved = created + pd.to_timedelta(hours * 60, unit="min")
    closed = resolved + pd.to_timedelta(rng.uniform(0, 7 * 1440, n), unit="min")
    unresolved = rng.random(n) < 0.06
    frame = pd.DataFrame({
        "number": [f"INC{i:07d}" for i in range(n)],
        "opened_at": created.strftime("%d/%m/%Y %H:%M"),
        "resolved_at": np.where(unresolved, "?", resolved.strftime("%d/%m/%Y %H:%M")),
        "closed_at": closed.strftime("%d/%m/%Y %H:%M"),
        "category": rng.choice([f"Category {i}" for i in range(40)], n)})
    return frame.loc[frame.index.repeat(rng.integers(1, 6, n))].sample(frac=1, random_state=1)


def _incident_mapping(folder: Path, resolved: str) -> str:
    path = folder / "incidents.yaml"
    path.write_text("columns:\n  id: number\n  created_at: opened_at\n"
                    f"  resolved_at: {resolved}\n  category: category\n"
                    "dayfirst: true\nna_values: ['?']\non_duplicate: keep_last\n",
                    encoding="utf-8")
    return str(path)


def test_cases_closed_without_a_resolution_time_are_said_with_the_fix(tmp_path):
    """Issue 23 item 8: the figures say how many 'open' cases are closed, and the fix the
    page names (a fallback column) turns the stale cases into resolved ones."""
    go_live = pd.Timestamp("2016-04-15")
    as_mapped = _compare_page(_incident_log(), tmp_path, change=go_live,
                              kpis=["time_to_resolve"],
                              mapping=_incident_mapping(tmp_path, "resolved_at"))
    assert compare_problems(as_mapped) == []
    ttr = as_mapped["kpis"]["time_to_resolve"]
    assert "closing time but no resolution time" in ttr["plain"]
    unusual = next(c for c in ttr["checks"] if c["check"] == "Unusual data")
    assert unusual["status"] == "warning" and "[resolved_at, closed_at]" in unusual["sentence"]
    # the Friday go-live week is split for the period-level check, which therefore runs
    assert ttr["period_test"] is not None, ttr["period_note"]
    fixed = _compare_page(_incident_log(), tmp_path, change=go_live, kpis=["time_to_resolve"],
                          mapping=_incident_mapping(tmp_path, "[resolved_at, closed_at]"))
    assert compare_problems(fixed) == []
    fixed_ttr = fixed["kpis"]["time_to_resolve"]
    assert "closing time but no resolution time" not in fixed_ttr["plain"]
    assert fixed_ttr["verdict"] == "improved"
    # stale 'open' cases had stretched the horizon of the restricted mean
    horizon = {r["verdict_test"]["estimand"] for r in (ttr, fixed_ttr)}
    assert len(horizon) == 2
