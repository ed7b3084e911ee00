"""The baseline's fair comparison of agents, teams and sites (pdcakit.stages.units and
baseline_page.units_section) on ticket exports shaped like real ones."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pdcakit.metrics.registry import DEFAULT_PARAMS
from pdcakit.stages import units
from pdcakit.stages.baseline_page import PageLedger, units_section
from pdcakit.stats.funnel import funnel_standardised_proportions

AGENTS = [f"坐席{i:02d}" for i in range(1, 31)]

#: the composite's first-response part uses the ticket KPIs' default SLA (the method's 30 min)
SLA_MINUTES = DEFAULT_PARAMS["sla_first_response_minutes"]



def _tickets(seed: int = 27, *, slow_agent: str | None = None, weak_agent: str | None = None,
             n: int = 9000) -> pd.DataFrame:
    """A helpdesk export: 30 agents (Chinese names), phone agents 坐席01-05 take only
    phone (the hard channel: FCR 0.55 against 0.80), 40 categories, date-only times,
    CSAT answered on a third of tickets, a few tickets without an agent, two agents with
    a handful of tickets."""
    rng = np.random.default_rng(seed)
    agent = rng.choice(AGENTS[2:], n)
    phone_only = np.isin(agent, AGENTS[2:7])
    channel = np.where(phone_only, "phone", rng.choice(["email", "web", "phone"], n,
                                                       p=[0.5, 0.4, 0.1]))
    p = np.where(channel == "phone", 0.55, 0.80)
    if weak_agent is not None:
        p = np.where(agent == weak_agent, p - 0.2, p)
    minutes = rng.lognormal(2.3, 0.5, n)
    if slow_agent is not None:
        minutes = np.where(agent == slow_agent, minutes * 1.5, minutes)
    csat = rng.choice([1, 2, 3, 4, 5], n, p=[0.05, 0.1, 0.2, 0.35, 0.3]).astype(float)
    csat[rng.random(n) > 0.33] = np.nan
    frame = pd.DataFrame({
        "id": [f"T{i:05d}" for i in range(n)],
        "created_at": pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 90, n),
                                                                   unit="D"),
        "channel": channel, "category": rng.choice([f"类别{i}" for i in range(40)], n),
        "agent": agent, "first_contact_resolved": rng.random(n) < p,
        "handle_minutes": minutes, "csat": csat})
    thin = pd.DataFrame({"id": ["X1", "X2", "X3", "X4"], "created_at": pd.Timestamp("2026-02-02"),
                         "channel": "web", "category": "类别1",
                         "agent": [AGENTS[0], AGENTS[0], AGENTS[1], None],
                         "first_contact_resolved": True, "handle_minutes": 9.0, "csat": 5.0})
    return pd.concat([frame, thin], ignore_index=True)


class TestStandardisedShares:
    def test_one_stratum_is_the_plain_normal_funnel(self):
        # one stratum: E = n p0, V = n p0 (1 - p0), so n_eff = n and the limits are
        # p0 +- z sqrt(p0 (1 - p0) / n) (Spiegelhalter 2005, normal approximation)
        n = np.array([100.0, 200.0, 400.0])
        found = funnel_standardised_proportions([70, 150, 280], 0.7 * n, 0.21 * n,
                                                ["a", "b", "c"], share=0.7, adjust="never")
        assert [u.size for u in found.units] == pytest.approx(list(n))
        low, high = found.limits_at([100], 0.95)
        assert high[0] == pytest.approx(0.7 + 1.959964 * math.sqrt(0.21 / 100), rel=1e-6)
        assert low[0] == pytest.approx(0.7 - 1.959964 * math.sqrt(0.21 / 100), rel=1e-6)

    def test_zero_variance_is_refused(self):
        with pytest.raises(ValueError, match="variance > 0"):
            funnel_standardised_proportions([5, 5], [5, 5], [0, 1], ["a", "b"], share=0.5)


class TestUnitFunnels:
    def test_phone_agents_are_not_blamed_for_the_phone_mix(self):
        tickets = _tickets()
        raw = units.unit_funnel(tickets, "fcr", "agent")
        fair = units.unit_funnel(tickets, "fcr", "agent", case_mix=["channel"])
        phone = set(AGENTS[2:7])
        # raw, the phone agents sit low (the spread they cause also widens the limits)
        assert len(phone & {u.unit for u in raw.funnel.units if u.outside == "below"}) >= 3
        assert raw.funnel.adjusted
        # taken out, they sit among the rest (one may cross 95% by chance: 1 in 20)
        assert not {u.unit for u in fair.funnel.units if u.level == 0.998} & phone
        assert abs(np.mean([u.z for u in fair.funnel.units if u.unit in phone])) < 1
        assert np.mean([u.z for u in raw.funnel.units if u.unit in phone]) < -3

    def test_calibrated_without_differences(self):
        # no agent truly differs: across 20 exports about 5% of agents fall outside the
        # 95% limits and almost none outside 99.8% (the share standardised for channel)
        outside = outside998 = total = 0
        for seed in range(100, 120):
            found = units.unit_funnel(_tickets(seed), "fcr", "agent", case_mix=["channel"])
            outside += sum(bool(u.outside) for u in found.funnel.units)
            outside998 += sum(u.level == 0.998 for u in found.funnel.units)
            total += len(found.funnel.units)
        assert 0.01 < outside / total < 0.08
        assert outside998 / total < 0.01

    def test_the_weak_agent_alone_is_found(self):
        tickets = _tickets(weak_agent=AGENTS[12])
        fair = units.unit_funnel(tickets, "fcr", "agent", case_mix=["channel"])
        strong = {u.unit: u.outside for u in fair.funnel.units if u.level == 0.998}
        assert strong == {AGENTS[12]: "below"}

    def test_slow_agent_on_the_mean_funnel(self):
        found = units.unit_funnel(_tickets(slow_agent=AGENTS[20]), "aht", "agent",
                                  case_mix=["channel"])
        assert {u.unit for u in found.funnel.units if u.level == 0.998} == {AGENTS[20]}
        table = units.outside_table(found)
        row = table[table["Agent"] == AGENTS[20]].iloc[0]
        assert "(worse)" in row["Where"] and "above the 99.8% limit" in row["Where"]
        assert "standardised for channel" in " ".join(table.columns)

    def test_thin_and_blank(self):
        found = units.unit_funnel(_tickets(), "fcr", "agent")
        assert found.thin == ((AGENTS[0], 2), (AGENTS[1], 1)) and found.blank == 1
        said = " ".join(units.funnel_sentences(found))
        assert f"{AGENTS[0]} (2), {AGENTS[1]} (1)" in said
        assert "1 tickets have no agent" in said

    def test_durations_are_not_compared(self):
        found = units.unit_funnel(_tickets(), "time_to_resolve", "agent")
        assert found.funnel is None and "censored" in found.reason

    def test_no_raw_ranking(self):
        # the outside table is grouped by side then name, never ordered by value
        found = units.unit_funnel(_tickets(weak_agent=AGENTS[12], slow_agent=AGENTS[3]),
                                  "aht", "agent")
        table = units.outside_table(found)
        if table is not None:
            keys = list(zip(table["Where"].str.split().str[0], table["Agent"], strict=True))
            assert keys == sorted(keys)

    def test_cells_are_aggregates(self):
        cells = units.kpi_cells(_tickets(), "csat", ["agent", "channel"])
        assert set(cells.columns) == {"agent", "channel", "n", "total", "total_sq"}
        assert cells["n"].sum() == _tickets()["csat"].notna().sum()


class TestSection:
    def test_section_names_outside_and_says_the_rest_cannot_be_told_apart(self):
        tickets = _tickets(weak_agent=AGENTS[12])
        ledger = PageLedger.of(tickets)
        found = units_section(tickets, ledger, unit_kpis=["fcr", "complaint_rate", "aht"],
                              case_mix=["channel"])
        text = " ".join(found.sentences)
        assert "cannot be told apart" in text
        assert len(found.figures) == 2
        assert ledger.skipped["units.complaint_rate"].startswith("needs the column complaint")
        record = found.record["units"]
        assert record["by"] == "agent"
        outside = {(o["unit"], o["level"]) for o in record["kpis"]["fcr"]["outside"]}
        assert (AGENTS[12], 0.998) in outside
        assert record["kpis"]["fcr"]["estimand"] == "share, indirectly standardised for channel"

    def test_off_and_missing_column(self):
        tickets = _tickets().drop(columns="agent")
        ledger = PageLedger.of(tickets)
        assert units_section(tickets, ledger).record == {}
        assert "agent" in ledger.skipped["units"]
        ledger = PageLedger.of(tickets)
        units_section(tickets, ledger, unit_column="")
        assert ledger.skipped["units"].startswith("off")

    def test_an_id_column_is_refused_with_the_fix(self):
        tickets = _tickets()
        ledger = PageLedger.of(tickets)
        units_section(tickets, ledger, unit_column="id")
        assert "give a unit_column such as agent" in ledger.skipped["units"]

    def test_unit_names_are_plain_text_on_the_chart(self):
        tickets = _tickets(weak_agent=AGENTS[12])
        tickets["agent"] = tickets["agent"].replace({AGENTS[12]: "$\\alpha$ <b>x</b>"})
        found = units.unit_funnel(tickets, "fcr", "agent", case_mix=["channel"])
        fig = units.funnel_figure(found)
        labels = [t.get_text() for t in fig.axes[0].texts]
        assert "$\\alpha$ <b>x</b>" in labels
        assert not any(t.get_parse_math() for t in fig.axes[0].texts)


class TestComposite:
    def _tickets(self, seed: int = 3) -> pd.DataFrame:
        tickets = _tickets(seed)
        rng = np.random.default_rng(seed)
        minutes = rng.exponential(120, len(tickets))
        tickets["first_response_at"] = tickets["created_at"] + pd.to_timedelta(minutes,
                                                                               unit="min")
        return tickets

    def test_interval_is_the_per_ticket_composite_when_parts_share_tickets(self):
        # every part on every ticket: the composite's mean is the mean of each ticket's
        # a x1 + b x2 + c x3, so its variance is var(c_i) / n (ddof 0, the delta method's)
        tickets = self._tickets()
        tickets["csat"] = tickets["csat"].fillna(3.0)
        found = units.composite_funnel(tickets, "agent", weights=(0.5, 0.3, 0.2))
        agent = found.funnel.units[0].unit
        mine = tickets[tickets["agent"] == agent]
        per_ticket = (0.5 * (mine["csat"] >= 4) + 0.2 * mine["first_contact_resolved"]
                      + 0.3 * ((mine["first_response_at"] - mine["created_at"])
                               <= pd.Timedelta(minutes=SLA_MINUTES)))
        unit = found.funnel.units[0]
        se = (unit.ci[1] - unit.ci[0]) / (2 * 1.959964)
        assert unit.value == pytest.approx(per_ticket.mean())
        assert se == pytest.approx(per_ticket.std(ddof=0) / np.sqrt(len(per_ticket)))

    def test_interval_with_csat_on_a_third_matches_the_bootstrap(self):
        tickets = self._tickets()
        found = units.composite_funnel(tickets, "agent")
        unit = found.funnel.units[3]
        mine = tickets[tickets["agent"] == unit.unit].reset_index(drop=True)
        rng = np.random.default_rng(0)
        satisfied = (mine["csat"] >= 4).where(mine["csat"].notna())
        within = ((mine["first_response_at"] - mine["created_at"])
                  <= pd.Timedelta(minutes=SLA_MINUTES)).astype(float)
        fcr = mine["first_contact_resolved"].astype(float)
        draws = []
        for _ in range(2000):
            pick = rng.integers(0, len(mine), len(mine))
            draws.append(0.5 * satisfied.iloc[pick].mean() + 0.3 * within.iloc[pick].mean()
                         + 0.2 * fcr.iloc[pick].mean())
        se = (unit.ci[1] - unit.ci[0]) / (2 * 1.959964)
        assert se == pytest.approx(np.std(draws), rel=0.1)

    def test_section_shows_the_composite_and_its_formula(self):
        tickets = self._tickets()
        ledger = PageLedger.of(tickets)
        found = units_section(tickets, ledger, unit_kpis=["fcr"],
                              composite_parts=["csat", "sla_first_response", "fcr"])
        assert "composite" in found.record["units"]["kpis"]
        assert any("0.50 × Customer satisfaction (CSAT) + 0.30 × First response within SLA"
                   in s for s in found.sentences)

    def test_composite_needs_its_columns(self):
        tickets = _tickets()  # no first_response_at
        ledger = PageLedger.of(tickets)
        units_section(tickets, ledger, unit_kpis=["fcr"],
                      composite_parts=["csat", "sla_first_response", "fcr"])
        assert "first_response_at" in ledger.skipped["units.composite"]

    def test_parts_must_be_shares(self):
        with pytest.raises(ValueError, match="three share KPIs"):
            units.composite_funnel(self._tickets(), "agent", parts=["csat", "aht", "fcr"])
