"""Training's effect on service (pdcakit.stages.training_effect and the efficiency page's
section 7) on ticket exports and training tables shaped like real ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.stages import efficiency_page as page
from pdcakit.stages import training_effect as te
from pdcakit.stages.sections import Sections
from pdcakit.stages.windows import Windows

AGENTS = [f"A{i:02d}" for i in range(1, 41)]
TRAINED = AGENTS[:15]
TRAINING_DAY = pd.Timestamp("2026-04-01")  # a Wednesday: its week is left out


def _tickets(*, fcr_gain: float = 0.0, aht_factor: float = 1.0, seed: int = 11,
             pre_trend: float = 0.0, n: int = 26000) -> pd.DataFrame:
    """26 weeks of tickets (2026-01-05 to 2026-07-05), 40 agents, date-only created_at;
    agents differ in FCR (sd 5 points); the trained ones gain ``fcr_gain`` and handle in
    ``aht_factor`` of the time after their training day; CSAT on a quarter; some tickets
    without an agent."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 182, n), unit="D")
    agent = rng.choice(AGENTS, n)
    level = dict(zip(AGENTS, rng.normal(0.70, 0.05, len(AGENTS)), strict=True))
    p = np.array([level[a] for a in agent])
    trained = np.isin(agent, TRAINED)
    after = trained & (created > TRAINING_DAY + pd.Timedelta(days=5))
    weeks = ((created - pd.Timestamp("2026-01-05")).days // 7).to_numpy()
    p = p + np.where(after, fcr_gain, 0.0) + np.where(trained, pre_trend * weeks, 0.0)
    minutes = rng.lognormal(2.3, 0.4, n) * np.where(after, aht_factor, 1.0)
    csat = rng.choice([1, 2, 3, 4, 5], n).astype(float)
    csat[rng.random(n) > 0.25] = np.nan
    frame = pd.DataFrame({
        "id": [f"T{i:06d}" for i in range(n)], "created_at": created,
        "agent": agent, "first_contact_resolved": rng.random(n) < np.clip(p, 0.01, 0.99),
        "handle_minutes": minutes, "csat": csat})
    frame.loc[frame.index[:30], "agent"] = None
    return frame


def _training(*, dated: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    people = [*TRAINED, "离职员工"]  # one trained person who has left (no tickets)
    pre = rng.integers(50, 75, len(people)).astype(float)
    frame = pd.DataFrame({"person": people, "pre_score": pre,
                          "post_score": pre * rng.normal(1.12, 0.05, len(people))})
    if dated:
        frame["trained_on"] = TRAINING_DAY
    return frame


class TestTrainingEffect:
    def test_trained_group_that_improved(self):
        found = te.training_effect(_tickets(fcr_gain=0.10, aht_factor=0.85), _training())
        fcr, aht = found.effects["fcr"], found.effects["aht"]
        assert fcr.ci[0] > 0.05 and fcr.ci[0] < 0.10 < fcr.ci[1]
        assert aht.ci[1] < 0 and fcr.n_trained == 15 and fcr.n_untrained == 25
        assert not fcr.parallel_trends_doubtful
        assert found.unmatched == ("离职员工",)
        assert found.scores is not None and found.scores.value == pytest.approx(0.12, abs=0.03)
        assert "csat" in found.effects  # answered on a quarter of tickets: still estimable

    def test_no_false_effect(self):
        found = te.training_effect(_tickets(), _training())
        assert all(d.ci[0] < 0 < d.ci[1] for d in found.effects.values())

    def test_the_training_week_is_left_out(self):
        tickets = _tickets()
        cells = te.agent_week_cells(tickets, "fcr")
        week = te.trained_weeks(_training())["A01"]
        assert ((cells["unit"] == "A01") & (cells["period"] == week)).any()
        found = te.training_effect(tickets, _training())
        kept = found.effects["fcr"].n_tickets
        assert kept < int(tickets["agent"].notna().sum())

    def test_diverging_trends_are_said(self):
        found = te.training_effect(_tickets(pre_trend=0.01), _training())
        assert found.effects["fcr"].parallel_trends_doubtful
        said = " ".join(te.effect_sentences(found))
        assert "**Caution:** before training" in said

    def test_needs_training_dates(self):
        with pytest.raises(ValueError, match="add a column trained_on"):
            te.training_effect(_tickets(), _training(dated=False))

    def test_missing_kpi_columns_are_skipped(self):
        found = te.training_effect(_tickets().drop(columns="csat"), _training(),
                                   kpis=["fcr", "csat", "time_to_resolve"])
        assert set(found.effects) == {"fcr"}
        assert found.skipped["csat"].startswith("needs the column csat")
        assert "duration" in found.skipped["time_to_resolve"]


class TestPageSection:
    def _data(self, tickets: pd.DataFrame) -> page.TicketData:
        windows = Windows.from_parameters(change_date="2026-04-06")
        return page.TicketData(windows=windows, sections=Sections.of(tickets, show=False),
                               tickets=tickets)

    def test_section_shows_sentences_table_and_charts(self, tmp_path, monkeypatch):
        path = tmp_path / "training.csv"
        _training().to_csv(path, index=False)
        data = self._data(_tickets(fcr_gain=0.10))
        found = te.training_effect(data.tickets, _training())
        monkeypatch.setattr(data.sections, "table", lambda *a, **k: _training())
        section = page.training_section(data, str(path))
        assert section.record["kpis"]["fcr"]["estimate"] == pytest.approx(
            found.effects["fcr"].estimate)
        assert sum(isinstance(p, pd.DataFrame) for p in section.parts) == 1
        figures = [p for p in section.parts if not isinstance(p, str | pd.DataFrame)]
        assert len(figures) == 3  # one event-study chart per KPI
        text = " ".join(section.sentences)
        assert "beyond the change the untrained agents saw" in text and "points" in text

    def test_off_without_a_table(self):
        data = self._data(_tickets())
        assert page.training_section(data, "").record is None
        assert data.sections.skipped["training_effect"].startswith("off")

    def test_undated_table_says_the_fix(self, monkeypatch):
        data = self._data(_tickets())
        monkeypatch.setattr(data.sections, "table", lambda *a, **k: _training(dated=False))
        assert page.training_section(data, "training.csv").record is None
        assert "add a column trained_on" in data.sections.skipped["training_effect"]

    def test_results_record_carries_it(self, monkeypatch):
        data = self._data(_tickets(fcr_gain=0.1))
        monkeypatch.setattr(data.sections, "table", lambda *a, **k: _training())
        section = page.training_section(data, "training.csv")
        assert set(section.record) == {"kpis", "skipped", "test_scores", "n_trained",
                                       "unmatched"}
        assert section.record["kpis"]["fcr"]["estimand"].startswith(
            "difference in differences of the share")


def test_few_untrained_agents_are_cautioned():
    training = pd.DataFrame({"person": AGENTS[:35], "pre_score": 60.0, "post_score": 66.0,
                             "trained_on": TRAINING_DAY})
    found = te.training_effect(_tickets(), training, kpis=["fcr"])
    assert found.effects["fcr"].n_untrained == 5
    assert any("With 5 agents on one side" in s for s in te.effect_sentences(found))
    plenty = te.training_effect(_tickets(), _training(), kpis=["fcr"])
    assert not any("agents on one side" in s for s in te.effect_sentences(plenty))
