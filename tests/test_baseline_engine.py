"""The baseline stage's ``engine`` setting: the page from aggregates equals the page from rows.

At 100k demo tickets (``data/generate_demo.py: generate_tickets(100_000)`` written to
Parquet, with some flags and handle times missing as in real exports), the baseline's
results.json from ``engine="duckdb"`` equals the one from ``engine="pandas"`` for every
number of the sections both compute: the data section, the scorecard, the headline series
and its control chart and rules, time to resolve, SLA, Pareto, segments, the sample-size
plan and the units' funnels (no case mix). What differs is listed in ``ENGINE_ONLY``,
each with why. A real-shaped mapped export (Chinese headers, date-only times, an empty
month) runs with engine duckdb; a mapping the engine cannot apply falls back to the rows
with a line saying why; a wrong engine name is refused naming the parameter and the
choices.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from engine_exports import write_export_100k
from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.baseline_page import (
    baseline_results,
    data_section,
    headline_section,
    pareto_section,
    resolve_section,
    rule_agreement_section,
    sample_size_section,
    scorecard_section,
    scores_section,
    segments_section,
    sla_section,
    stability_section,
    summary_section,
    units_section,
)
from pdcakit.stages.engine_tickets import EngineTickets

ROOT = Path(__file__).resolve().parents[1]
RTOL = 1e-9

#: results.json paths (dotted) that differ between the engines, and why.
ENGINE_ONLY = {
    # the plausibility check reads every row (closing times, weekday mix ...): the engine
    # path skips it with a line, so the skipped list names it and the record is None
    "data.plausibility": "needs the rows",
    "skipped.plausibility": "the engine path's skip line",
    # case mix is taken out per unit and stratum from rows; the engine's funnels compare
    # the raw figures (a line says so), and the composite per unit needs covariances
    "skipped.units.case_mix": "the engine path's skip line",
    "skipped.units.composite": "the engine path's skip line",
    "units": "no case mix with an engine: compared separately below",
}


def run_baseline(data_path: str, mapping: str = "", **overrides: Any) -> tuple[dict, Any]:
    """The baseline notebook's sections in its order (``notebooks/baseline.py``), with its
    defaults, returning results.json as written (JSON round trip) and the data section."""
    p: dict[str, Any] = {
        "start": "", "end": "", "period": "W", "engine": "pandas",
        "kpis": ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "nps",
                 "complaint_rate", "reopen_rate", "resolution_rate"],
        "headline_kpi": "", "segment_column": "channel", "target_value": 0.0,
        "sla_first_response_minutes": 30.0, "sla_resolution_hours": 24.0,
        "unit_column": "agent", "unit_kpis": ["fcr", "aht", "csat", "complaint_rate"],
        "case_mix": ["channel"], "composite_parts": ["csat", "sla_first_response", "fcr"],
        "snapshot": "", "min_unit_tickets": 30}
    p.update(overrides)
    settings = BaselineSettings.check(
        kpis=p["kpis"], headline_kpi=p["headline_kpi"], period=p["period"],
        target_value=p["target_value"], segment_column=p["segment_column"],
        engine=p["engine"])
    sla = {"sla_first_response_minutes": p["sla_first_response_minutes"],
           "sla_resolution_hours": p["sla_resolution_hours"]}
    loaded = data_section(data_path, mapping, start=p["start"], end=p["end"],
                          snapshot=p["snapshot"], engine=settings.engine, period=p["period"],
                          segment_column=p["segment_column"], unit_column=p["unit_column"],
                          **sla)
    tickets, sections = loaded.tickets, loaded.sections
    scorecard = scorecard_section(tickets, sections, settings, **sla)
    headline = headline_section(tickets, sections, settings)
    stability = stability_section(headline)
    rule_agreement_section(stability)
    resolve = resolve_section(tickets, sections,
                              sla_resolution_hours=p["sla_resolution_hours"])
    sla_part = sla_section(tickets, sections, **sla)
    pareto = pareto_section(tickets, sections)
    segments = segments_section(tickets, sections, settings, scorecard, **sla)
    scores = scores_section(sections, settings, scorecard, sla_part, window=loaded.window,
                            tickets=tickets)
    plan = sample_size_section(headline, sections, scorecard)
    unit_part = units_section(tickets, sections, unit_column=p["unit_column"],
                              unit_kpis=p["unit_kpis"], case_mix=p["case_mix"],
                              min_tickets=p["min_unit_tickets"],
                              composite_parts=p["composite_parts"], **sla)
    summary_section(headline, stability, plan, sections)
    results = baseline_results(sections, loaded, scorecard, headline, stability, resolve,
                               sla_part, pareto, segments, scores, plan, unit_part,
                               window=(p["start"], p["end"]), period=settings.period_label)
    import matplotlib.pyplot as plt
    plt.close("all")
    return json.loads(json.dumps(results, default=str)), loaded


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Dotted paths where ``a`` and ``b`` differ (numbers to ``RTOL``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                out.append(where)
            else:
                out.extend(differences(a[key], b[key], where))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{i}]")]
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a == b else [path]
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return []
        return [] if math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12) else [path]
    return [] if a == b else [path]


def _outside(path: str) -> bool:
    return not any(path == key or path.startswith(key + ".") or path.startswith(key + "[")
                   for key in ENGINE_ONLY)


@pytest.fixture(scope="module")
def export_100k(tmp_path_factory) -> Path:
    return write_export_100k(tmp_path_factory.mktemp("baseline100k"))


@pytest.fixture(scope="module")
def both(export_100k) -> dict[str, tuple[dict, Any]]:
    window = {"start": "2026-01-05", "end": "2026-04-06", "target_value": 0.8}
    return {engine: run_baseline(str(export_100k), engine=engine, **window)
            for engine in ("pandas", "duckdb")}


class TestEqualAt100k:
    def test_the_engine_path_reads_no_rows(self, both):
        assert isinstance(both["duckdb"][1].tickets, EngineTickets)
        assert isinstance(both["pandas"][1].tickets, pd.DataFrame)

    def test_every_number_both_compute_is_equal(self, both):
        rows, aggregates = both["pandas"][0], both["duckdb"][0]
        found = [d for d in differences(rows, aggregates) if _outside(d)]
        assert found == []

    def test_the_compared_sections_are_there(self, both):
        rows, aggregates = both["pandas"][0], both["duckdb"][0]
        for key in ("data", "kpis", "headline", "stability", "time_to_resolve", "sla",
                    "pareto", "segments", "sample_size", "target", "units"):
            assert key in rows and key in aggregates, key
        assert len(aggregates["kpis"]) == 9
        assert aggregates["data"]["tickets"] == rows["data"]["tickets"] > 50_000
        assert aggregates["stability"]["control_chart"]["ucl"] == \
            rows["stability"]["control_chart"]["ucl"]

    def test_the_differences_are_only_the_listed_ones(self, both):
        rows, aggregates = both["pandas"][0], both["duckdb"][0]
        assert rows["data"]["plausibility"] is not None
        assert aggregates["data"]["plausibility"] is None
        assert "needs the rows" in aggregates["skipped"]["plausibility"]
        assert "run with engine pandas" in aggregates["skipped"]["units.case_mix"]
        assert "units.case_mix" not in rows["skipped"]

    def test_funnels_without_case_mix_equal_the_rows(self, export_100k, both):
        rows, _ = run_baseline(str(export_100k), start="2026-01-05", end="2026-04-06",
                               target_value=0.8, case_mix=[], composite_parts=[])
        aggregates = both["duckdb"][0]["units"]
        assert aggregates["kpis"].keys() == rows["units"]["kpis"].keys()
        assert differences(rows["units"], aggregates) == []
        placed = aggregates["kpis"]["fcr"]["units"]
        assert len(placed) >= 20


def _zh_export(folder: Path) -> tuple[Path, Path]:
    """A help-desk export as a Chinese system writes it: Chinese headers and values,
    date-only times, several tickets a day, an empty month (February), open tickets
    without a resolution date, no handle time column."""
    rng = np.random.default_rng(5)
    days = [d for d in pd.date_range("2026-01-05", "2026-04-30", freq="D") if d.month != 2]
    rows = []
    for i in range(1800):
        created = days[int(rng.integers(len(days)))]
        closed = created + pd.Timedelta(days=int(rng.integers(0, 6)))
        rows.append({
            "工单号": f"GD{i:05d}", "创建日期": f"{created:%Y-%m-%d}",
            "解决日期": "" if rng.random() < 0.12 else f"{closed:%Y-%m-%d}",
            "渠道": ["电话", "邮件", "在线"][int(rng.integers(3))],
            "类别": ["账户", "账单", "技术", "投诉建议"][int(rng.integers(4))],
            "坐席": f"坐席{int(rng.integers(12)):02d}",
            "首次解决": ["是", "否"][int(rng.random() < 0.3)],
            "满意度": "" if rng.random() < 0.4 else str(int(rng.integers(1, 6)))})
    path = folder / "工单导出.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    mapping = folder / "mapping.yaml"
    mapping.write_text(
        "columns:\n  id: 工单号\n  created_at: 创建日期\n  resolved_at: 解决日期\n"
        "  channel: 渠道\n  category: 类别\n  agent: 坐席\n  first_contact_resolved: 首次解决\n"
        "  csat: 满意度\ntrue_values: [是]\nfalse_values: [否]\n", encoding="utf-8")
    return path, mapping


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    path, mapping = _zh_export(tmp_path_factory.mktemp("zh"))
    options = {"period": "M", "kpis": ["fcr", "time_to_resolve", "csat", "aht"],
               "unit_kpis": ["fcr", "csat"], "case_mix": [], "min_unit_tickets": 30}
    return {engine: run_baseline(str(path), str(mapping), engine=engine, **options)
            for engine in ("pandas", "duckdb")}


class TestRealShapedExport:
    def test_runs_with_duckdb_and_equals_the_rows(self, runs):
        aggregates, loaded = runs["duckdb"]
        assert isinstance(loaded.tickets, EngineTickets)
        found = [d for d in differences(runs["pandas"][0], aggregates) if _outside(d)]
        assert found == []

    def test_the_empty_month_keeps_its_place(self, runs):
        series = runs["duckdb"][0]["headline"]["series"]
        february = [row for row in series if row["period_start"].startswith("2026-02")]
        assert len(series) == 4 and february and february[0]["n"] == 0

    def test_missing_column_and_chinese_values(self, runs):
        aggregates = runs["duckdb"][0]
        assert "aht" in aggregates["skipped"] and "handle_minutes" in aggregates["skipped"]["aht"]
        assert set(aggregates["segments"]["values"]) == {"电话", "邮件", "在线"}
        assert "账户" in aggregates["pareto"]["tickets"]
        placed = aggregates["units"]["kpis"]["fcr"]["units"]
        assert {u["unit"] for u in placed} >= {"坐席00", "坐席11"}

    def test_open_tickets_without_a_resolution_date_are_counted(self, runs):
        aggregates = runs["duckdb"][0]
        assert 150 < aggregates["data"]["open"] < 300
        assert aggregates["time_to_resolve"]["n_open"] == aggregates["data"]["open"]


class TestSettings:
    def test_a_wrong_engine_is_refused_naming_the_parameter_and_choices(self):
        with pytest.raises(ValueError) as found:
            BaselineSettings.check(kpis=["fcr"], headline_kpi="", period="W",
                                   target_value=None, engine="polars")
        message = str(found.value)
        assert "parameter engine" in message and "'polars'" in message
        assert "pandas, duckdb, spark" in message

    def test_the_engine_name_is_read_in_any_case(self):
        settings = BaselineSettings.check(kpis=["fcr"], headline_kpi="", period="W",
                                          target_value=None, engine=" DuckDB ")
        assert settings.engine == "duckdb"

    def test_a_mapping_the_engine_cannot_apply_falls_back_with_a_line(self, tmp_path):
        path = tmp_path / "export.csv"
        path.write_text("id,created_at,resolved_at\nA,05/01/2026 09:00,05/01/2026 10:00\n"
                        "B,06/01/2026 09:00,\n", encoding="utf-8")
        mapping = tmp_path / "m.yaml"
        mapping.write_text("dayfirst: true\n", encoding="utf-8")
        loaded = data_section(str(path), str(mapping), engine="duckdb")
        assert isinstance(loaded.tickets, pd.DataFrame)
        assert loaded.sentences[0].startswith("Engine duckdb not used:")
        assert "dayfirst" in loaded.sentences[0] and "loaded with pandas" in \
            loaded.sentences[0]

    def test_a_loading_parameter_falls_back_naming_it(self):
        loaded = data_section("demo:tickets.csv", engine="duckdb", timezone="Asia/Shanghai",
                              start="2026-01-05", end="2026-01-19")
        assert isinstance(loaded.tickets, pd.DataFrame)
        assert "parameter timezone" in loaded.sentences[0]

    def test_the_pandas_default_reads_rows_and_says_nothing_new(self):
        loaded = data_section("demo:tickets.csv", start="2026-01-05", end="2026-01-19")
        assert isinstance(loaded.tickets, pd.DataFrame)
        assert not any("engine" in s.lower() for s in loaded.sentences)
