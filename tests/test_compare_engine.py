"""The compare stage's ``engine`` setting: the page from the engine's counts equals the
page from the rows.

At 100k demo tickets (``data/generate_demo.py: generate_tickets(100_000)`` written to
Parquet, some flags and handle times missing as in real exports), the compare results.json
from ``engine="duckdb"`` equals the one from ``engine="pandas"`` for every number, word and
decision of every section (data, the nine KPIs' verdicts and figures, the time view and
its charts' values, every KPI over time, segments by channel, the mix by category, the
summary), to ``RTOL`` relative; what differs is listed in ``ENGINE_ONLY`` and
``BOOTSTRAP``, each with why. A real-shaped mapped CSV (Chinese headers and channel
names, date-only times, an empty month, no first-response column, heavy censoring) gives
the rows' verdicts; a mapping the engine cannot apply falls back to the rows with a line
saying why; Spark local mode gives DuckDB's page (skipped where pyspark or Java is
missing).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from engine_exports import write_export_100k
from pdcakit.stages.compare_page import (
    Skip,
    check_section,
    compare_results,
    compare_summary,
    data_section,
    mix_section,
    read_score_tables,
    read_tickets,
    scores_section,
    segments_section,
    split_tickets,
    time_view_section,
    training_section,
    with_scores,
)
from pdcakit.stages.engine_compare import EngineSide, EngineWindows
from pdcakit.stages.overtime import over_time_section
from pdcakit.stages.windows import CompareSettings, Windows

ROOT = Path(__file__).resolve().parents[1]
RTOL = 1e-9

#: results.json paths (dotted) that differ between the paths, and why.
ENGINE_ONLY = {
    # the plausibility check reads every open case's age against the others': the engine
    # path skips it with a line, so the skipped list names it and the record is None
    "data.plausibility": "needs the rows",
    "skipped.plausibility": "the engine path's skip line",
}

#: Bootstrap bounds of a duration's quantiles (the 90th percentile's change, the median's
#: ratio): the bootstrap resamples tickets by position, and tickets of one duration, some
#: ended and some still open, stand in the file's order on the rows and in a fixed order
#: (ended first) in the counts, so the resamples differ. Each bound agrees within this
#: share of its value (the Monte-Carlo error of 1,000 resamples); sentences quoting them
#: are compared with every number masked.
BOOTSTRAP = re.compile(r"(p90_ci|median_ci|relative_ci|median_ratio)(\[\d\])?$")
BOOTSTRAP_RTOL = 0.03


def _ledger(section: Any, sections: Any) -> None:
    """What ``show`` does to the ledger, without drawing: each skipped line recorded."""
    for block in section.blocks:
        if isinstance(block, Skip):
            sections.skipped.setdefault(block.key, block.reason)


def run_compare(data_path: str, mapping: str = "", *, exact_up_to: int | None = None,
                **overrides: Any) -> tuple[dict, Any]:
    """The compare notebook's sections in its order (``notebooks/compare.py``) with its
    defaults, returning results.json as written (JSON round trip) and the tickets read.
    ``exact_up_to``: the engine reads a KPI's rows (not its counts) up to this many
    tickets in a window (default: the bootstraps' large-sample threshold, 100,000)."""
    p: dict[str, Any] = {
        "engine": "pandas", "change_date": "2026-04-06", "weeks_before": 13,
        "weeks_after": 13, "period": "W",
        "kpis": ["fcr", "first_response_time", "time_to_resolve", "aht", "csat",
                 "csat_mean", "nps", "complaint_rate", "reopen_rate"],
        "targets": {}, "time_view_kpis": ["fcr", "first_response_time", "aht"],
        "segment_column": "channel", "segment_kpis": ["fcr", "first_response_time", "aht"],
        "mix_column": "category", "mix_kpis": ["fcr", "aht"], "language": "en"}
    p.update(overrides)
    settings = CompareSettings.check(
        kpis=p["kpis"], alpha=0.05, power=0.8, multiplicity="holm", targets=p["targets"],
        period=p["period"], headline_kpi="", language=p["language"],
        kpi_lists={"time_view_kpis": p["time_view_kpis"], "segment_kpis": p["segment_kpis"],
                   "mix_kpis": p["mix_kpis"]},
        sla_first_response_minutes=30.0, sla_resolution_hours=24.0)
    windows = Windows.from_parameters(before=[], after=[], change_date=p["change_date"],
                                      weeks_before=p["weeks_before"],
                                      weeks_after=p["weeks_after"])
    tickets, sections = read_tickets(data_path, mapping, windows, engine=p["engine"],
                                     period=p["period"], segment_column=p["segment_column"],
                                     mix_column=p["mix_column"], language=p["language"])
    sections.show = False
    if exact_up_to is not None and isinstance(tickets, EngineWindows):
        tickets = replace(tickets, exact_up_to=exact_up_to)
    before, after = split_tickets(tickets, windows)
    facts = data_section(tickets, before, after, windows)
    check = check_section(before, after, settings, sections)
    _ledger(check, sections)
    time_view = time_view_section(tickets, windows, check, sections, kpis=p["time_view_kpis"])
    _ledger(time_view, sections)
    tables = read_score_tables(sections, {})
    over_time = over_time_section(tickets, windows, check, views=time_view.views,
                                  scores=tables)
    _ledger(over_time, sections)
    segments = segments_section(before, after, tickets, check, sections,
                                column=p["segment_column"], kpis=p["segment_kpis"])
    _ledger(segments, sections)
    mix = mix_section(before, after, sections, column=p["mix_column"], kpis=p["mix_kpis"],
                      params=check.settings.params, headline=check.headline,
                      scales={c.key: c.scale for c in check.changes.changes})
    _ledger(mix, sections)
    training = training_section(None, sections)
    scores = scores_section(tables, windows, check.settings, tickets_before=before,
                            tickets_after=after)
    _ledger(scores, sections)
    checked = with_scores(check, scores)
    summary = compare_summary(checked.changes, time_view, check.settings.targets,
                              sections.skipped)
    results = compare_results(windows=windows, settings=check.settings, ledger=sections,
                              data=facts, check=checked, time_view=time_view,
                              segments=segments, mix=mix, training=training,
                              summary=summary, over_time=over_time, scores=scores)
    return json.loads(json.dumps(results, default=str)), tickets


def _masked(text: str) -> str:
    return re.sub(r"[-+]?\d[\d,.]*", "#", text)


def differences(a: Any, b: Any, path: str = "", *, exact: bool = False) -> list[str]:
    """Dotted paths where ``a`` and ``b`` differ (numbers to ``RTOL``; unless ``exact``,
    bootstrap bounds to ``BOOTSTRAP_RTOL`` and the sentences quoting them with numbers
    masked)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                out.append(where)
            else:
                out.extend(differences(a[key], b[key], where, exact=exact))
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in differences(x, y, f"{path}[{i}]", exact=exact)]
    if isinstance(a, bool) or isinstance(b, bool):
        return [] if a == b else [path]
    if isinstance(a, int | float) and isinstance(b, int | float):
        if math.isnan(a) and math.isnan(b):
            return []
        tolerance = BOOTSTRAP_RTOL if BOOTSTRAP.search(path) and not exact else RTOL
        return [] if math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-12) else [path]
    if isinstance(a, str) and isinstance(b, str) and a != b and not exact:
        return [] if _masked(a) == _masked(b) and _quotes_bootstrap(a) else [path]
    return [] if a == b else [path]


def _quotes_bootstrap(text: str) -> bool:
    """A sentence that may quote a bootstrap bound (a duration's shape or percentile)."""
    return "percentile" in text or "shape" in text.lower() or "median" in text


def _outside(path: str) -> bool:
    return not any(path == key or path.startswith(key + ".") or path.startswith(key + "[")
                   for key in ENGINE_ONLY)


@pytest.fixture(scope="module")
def export_100k(tmp_path_factory) -> Path:
    return write_export_100k(tmp_path_factory.mktemp("compare100k"))


@pytest.fixture(scope="module")
def both(export_100k) -> dict[str, tuple[dict, Any]]:
    """The rows; the engine as it runs at 100k (each window under 100,000 tickets: each
    KPI's own columns read in the file's order); the engine from counts only."""
    found = {engine: run_compare(str(export_100k), engine=engine)
             for engine in ("pandas", "duckdb")}
    found["counts"] = run_compare(str(export_100k), engine="duckdb", exact_up_to=0)
    return found


class TestEqualAt100k:
    def test_the_engine_path_reads_no_whole_rows(self, both):
        tickets = both["counts"][1]
        assert isinstance(tickets, EngineWindows)
        assert isinstance(tickets.before, EngineSide)
        assert isinstance(both["pandas"][1], pd.DataFrame)
        # the counts behind a share hold a row per period, window, group and value
        assert len(tickets.counts("fcr")) < 10_000 < sum(tickets.counted)
        assert "exact" not in tickets.counts("time_to_resolve")
        # under 100,000 a window, a KPI's own columns only, in the file's order
        small = both["duckdb"][1]
        assert set(small.counts("fcr").columns) == {
            "created_at", "first_contact_resolved", "resolved_at", "channel", "category",
            "side", "exact"}

    def test_every_figure_decision_and_chart_value_is_equal(self, both):
        rows, engine = both["pandas"][0], both["duckdb"][0]
        assert [d for d in differences(rows, engine, exact=True) if _outside(d)] == []

    def test_from_counts_every_figure_equal_but_bootstrap_bounds(self, both):
        rows, engine = both["pandas"][0], both["counts"][0]
        assert [d for d in differences(rows, engine) if _outside(d)] == []

    def test_every_section_is_there_with_its_kpis(self, both):
        rows, engine = both["pandas"][0], both["duckdb"][0]
        assert len(engine["kpis"]) == 9 == len(rows["kpis"])
        for key in ("data", "kpis", "time_view", "headline", "over_time", "segments", "mix",
                    "summary"):
            assert engine.get(key), key
        assert set(engine["segments"]) == {"fcr", "first_response_time", "aht"}
        assert set(engine["mix"]) == {"fcr", "aht"}
        assert engine["data"]["before"] == rows["data"]["before"] > 40_000

    def test_decisions_and_deciding_figures_from_counts(self, both):
        """The decisive figure (to 1e-9 relative), its test, the decision and the adjusted
        p-value of every KPI, from the counts alone."""
        rows, engine = both["pandas"][0], both["counts"][0]
        for key, found in rows["kpis"].items():
            mine = engine["kpis"][key]
            assert mine["difference"] == pytest.approx(found["difference"], rel=RTOL), key
            assert mine["difference_ci"] == pytest.approx(found["difference_ci"], rel=RTOL)
            assert mine["test"] == found["test"], key
            assert mine["decision"]["answer"] == found["decision"]["answer"], key
            assert mine["p_adjusted"] == pytest.approx(found["p_adjusted"], rel=1e-6), key
            assert mine["verdict"] == found["verdict"], key

    def test_the_differences_are_only_the_listed_ones(self, both):
        rows, engine = both["pandas"][0], both["duckdb"][0]
        assert rows["data"]["plausibility"] is not None
        assert engine["data"]["plausibility"] is None
        assert "needs the rows" in engine["skipped"]["plausibility"]
        assert "plausibility" not in rows["skipped"]

    def test_the_same_export_gives_the_same_page(self, export_100k, both):
        again, _ = run_compare(str(export_100k), engine="duckdb", exact_up_to=0,
                               kpis=["first_response_time", "time_to_resolve"],
                               segment_kpis=[], mix_kpis=[], time_view_kpis=[])
        for key in ("first_response_time", "time_to_resolve"):
            assert again["kpis"][key]["shape"] == both["counts"][0]["kpis"][key]["shape"]


def _zh_export(tmp_path: Path) -> tuple[Path, Path]:
    """A mapped CSV as a team exports it: Chinese headers and channels, date-only
    times, no first-response column, March empty, a fifth of the cases still open."""
    rng = np.random.default_rng(7)
    days = pd.date_range("2026-01-05", "2026-06-28", freq="D")
    days = days[(days.month != 3)]
    n = 3_000
    created = rng.choice(days, n)
    waited = rng.integers(0, 12, n) - (created >= pd.Timestamp("2026-04-06")) * 2
    resolved = created + pd.to_timedelta(np.clip(waited, 0, None), unit="D")
    still_open = rng.random(n) < 0.2
    frame = pd.DataFrame({
        "工单号": [f"Z{i:05d}" for i in range(n)],
        "创建日期": pd.Series(created).dt.strftime("%Y-%m-%d"),
        "解决日期": pd.Series(resolved).dt.strftime("%Y-%m-%d").where(~still_open, ""),
        "渠道": rng.choice(["电话", "在线", "邮件"], n),
        "类别": rng.choice([f"类别{i}" for i in range(24)], n),
        "一次解决": rng.choice(["是", "否", ""], n, p=[0.6, 0.35, 0.05]),
        "满意度": rng.choice(["1", "2", "3", "4", "5", ""], n),
    })
    path = tmp_path / "工单.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  id: 工单号\n  created_at: 创建日期\n  resolved_at: 解决日期\n"
        "  channel: 渠道\n  category: 类别\n  first_contact_resolved: 一次解决\n"
        "  csat: 满意度\ntrue_values: [是]\nfalse_values: [否]\n", encoding="utf-8")
    return path, mapping


ZH_OPTIONS = {"period": "M", "weeks_before": 13, "weeks_after": 12,
              "kpis": ["fcr", "time_to_resolve", "csat", "csat_mean", "first_response_time"],
              "time_view_kpis": ["fcr"], "segment_kpis": ["fcr", "time_to_resolve"],
              "mix_kpis": ["fcr"]}


class TestRealShapedExport:
    def test_mapped_chinese_csv_gives_the_rows_page(self, tmp_path):
        path, mapping = _zh_export(tmp_path)
        rows, _ = run_compare(str(path), str(mapping), **ZH_OPTIONS)
        engine, tickets = run_compare(str(path), str(mapping), engine="duckdb", exact_up_to=0,
                                      **ZH_OPTIONS)
        assert isinstance(tickets, EngineWindows)
        assert [d for d in differences(rows, engine) if _outside(d)] == []
        # the missing column is skipped with the rows' reason, the segments are Chinese
        assert engine["skipped"]["first_response_time"] == rows["skipped"][
            "first_response_time"]
        assert {s["segment"] for s in engine["segments"]["fcr"]["segments"]} == {
            "电话", "在线", "邮件"}
        assert engine["data"]["open_after"] == rows["data"]["open_after"] > 100

    def test_a_mapping_the_engine_cannot_apply_loads_the_rows(self, tmp_path):
        path, _ = _zh_export(tmp_path)
        mapping = tmp_path / "dayfirst.yaml"
        mapping.write_text(
            "columns:\n  id: 工单号\n  created_at: 创建日期\n  resolved_at: 解决日期\n"
            "date_format: '%Y-%m-%d'\n", encoding="utf-8")
        windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=12)
        tickets, _ = read_tickets(str(path), str(mapping), windows, engine="duckdb")
        assert isinstance(tickets, pd.DataFrame)
        before, after = split_tickets(tickets, windows)
        said = data_section(tickets, before, after, windows).sentences
        assert any("Engine duckdb not used" in s and "date_format" in s for s in said)

    def test_bad_cells_are_refused_naming_file_column_and_rows(self, tmp_path):
        from pdcakit.data import DataError

        path = tmp_path / "bad.csv"
        path.write_text("id,created_at,resolved_at\nA,2026-03-02 09:00,2026-03-02 08:00\n"
                        "B,2026-04-07 09:00,2026-04-07 10:00\n", encoding="utf-8")
        windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
        with pytest.raises(DataError) as found:
            read_tickets(str(path), "", windows, engine="duckdb")
        text = str(found.value)
        assert "bad.csv" in text and "resolved_at" in text and "2" in text

    def test_an_empty_window_is_said(self, tmp_path):
        path = tmp_path / "early.csv"
        path.write_text("id,created_at\nA,2025-03-02 09:00\nB,2025-03-03 09:00\n",
                        encoding="utf-8")
        windows = Windows.around("2026-04-06", weeks_before=1, weeks_after=1)
        with pytest.raises(ValueError, match="no tickets in the windows"):
            read_tickets(str(path), "", windows, engine="duckdb")
