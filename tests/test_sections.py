"""Section availability (pdcakit.stages.sections): each section runs on its own columns, the rest
are skipped with one line naming what would enable them; parameter checks list every
problem at once.

The export here is shaped like a real council export: id, created_at, resolved_at and
category only, date-only timestamps, ten years with empty months, repeated ids, 60
categories with Chinese names, most open cases in the last year and a volume collapse.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import data, plots
from pdcakit.kpis import KPI_INFO
from pdcakit.results import Estimate
from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.compare import survival_curves
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Sections,
    headline_record,
    list_problem,
    load_options,
    present_columns,
    snapshot_words,
)
from pdcakit.stages.windows import CompareSettings, Windows

ROOT = Path(__file__).resolve().parents[1]
EMPTY_MONTHS = {(2016, 3), (2018, 7), (2021, 2), (2024, 9)}


def council_export(path: Path, *, seed: int = 14) -> Path:
    """Write the real-shaped export (about 9,000 rows) and return its path."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2015-01-01", "2024-12-31", freq="D")
    days = days[[(d.year, d.month) not in EMPTY_MONTHS for d in days]]
    counts = rng.poisson(np.where(days >= pd.Timestamp("2024-01-01"), 0.6, 2.5))
    created = pd.DatetimeIndex(np.repeat(days.to_numpy(), counts))
    n = created.size
    names = [f"类别{i:02d} {'道路维修' if i % 3 == 0 else '垃圾清运'}" for i in range(60)]
    weights = 1 / np.arange(1, 61)
    category = rng.choice(names, size=n, p=weights / weights.sum())
    days_taken = np.ceil(rng.lognormal(1.0, 1.2, n))
    days_taken[rng.random(n) < 0.39] = 0  # closed the same day
    resolved = created + pd.to_timedelta(days_taken, unit="D")
    open_now = (rng.random(n) < np.where(created >= pd.Timestamp("2024-01-01"), 0.45, 0.03)) \
        | (resolved > pd.Timestamp("2024-12-31"))
    frame = pd.DataFrame({"id": [f"C{100000 + i}" for i in range(n)],
                          "created_at": created.strftime("%Y-%m-%d"),
                          "resolved_at": np.where(open_now, "", resolved.strftime("%Y-%m-%d")),
                          "category": category})
    frame = pd.concat([frame, frame.sample(105, random_state=1)]).sort_values(
        "created_at", kind="stable")
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return council_export(tmp_path_factory.mktemp("council") / "cases.csv")


@pytest.fixture(scope="module")
def tickets(export: Path) -> pd.DataFrame:
    return data.load_tickets(export, on_duplicate="keep_first")


class TestWhatTheExportSupports:
    def test_present_columns_are_the_ones_holding_data(self, tickets):
        assert present_columns(tickets) >= {"id", "created_at", "resolved_at", "category"}
        empty = tickets.assign(channel=pd.Series(pd.NA, index=tickets.index, dtype="string"))
        assert "channel" not in present_columns(empty)

    def test_kpis_filtered_each_skipped_once_with_its_column(self, tickets):
        sections = Sections.of(tickets, show=False)
        wanted = ["fcr", "first_response_time", "time_to_resolve", "aht", "resolution_rate"]
        assert sections.kpis(wanted) == ("time_to_resolve", "resolution_rate")
        assert sections.kpis(["fcr", "aht"]) == ()  # a second list naming them again
        assert set(sections.skipped) == {"fcr", "first_response_time", "aht"}
        assert "first_contact_resolved" in sections.skipped["fcr"]
        assert "handle_minutes" in sections.skipped["aht"]

    def test_section_runs_only_on_its_columns(self, tickets):
        sections = Sections.of(tickets, show=False)
        assert sections.runs("pareto", "category")
        assert sections.runs("time_to_resolve", "created_at", "resolved_at")
        assert not sections.runs("complaints_pareto", "category", "complaint")
        assert not sections.runs("segments", "channel")
        assert sections.skipped == {
            "complaints_pareto": "needs the column complaint (map it under columns: in the "
                                 "mapping)",
            "segments": "needs the column channel (map it under columns: in the mapping)"}

    def test_headline_is_the_first_supported_kpi_or_the_named_one(self, tickets):
        sections = Sections.of(tickets, show=False)
        assert sections.headline("", ["fcr", "aht", "time_to_resolve"]) == "time_to_resolve"
        assert sections.headline("resolution_rate", ["fcr"]) == "resolution_rate"
        assert sections.headline("fcr", ["time_to_resolve"]) is None
        assert "first_contact_resolved" in sections.skipped["stability"]

    def test_no_supported_kpi_names_the_alternatives(self, tickets):
        sections = Sections.of(tickets, show=False)
        reason = sections.none_supported("mix_kpis", ["fcr", "aht"],
                                         kinds=("proportion", "mean"))
        assert reason.startswith("none of mix_kpis (fcr, aht)")
        assert "resolution_rate" in reason

    def test_a_requested_kpi_it_cannot_compute_is_replaced_with_the_reason(self, tickets):
        sections = Sections.of(tickets, show=False)
        key, note = sections.choose("aht", sections.kpis(KPI_INFO))
        assert key == "time_to_resolve" and "handle_minutes" in note


class TestOptionalTables:
    def test_off_names_the_parameter(self, tickets):
        sections = Sections.of(tickets, show=False)
        assert sections.table("surveys_path", "", "surveys", key="csi") is None
        assert sections.skipped["csi"] == ("off: give surveys_path (a surveys table) to "
                                           "enable it")
        assert sections.inputs == {}

    def test_no_rows_in_the_window_names_the_file(self, tmp_path, tickets):
        surveys = tmp_path / "surveys.csv"
        surveys.write_text("respondent_id,date,score\nR1,2026-01-10,4\nR2,2026-02-01,5\n",
                           encoding="utf-8")
        sections = Sections.of(tickets, show=False)
        window = ("2023-01-01", "2024-01-01")
        assert sections.table("surveys_path", str(surveys), "surveys", key="csi",
                              window=window) is None
        assert "surveys.csv (surveys_path) has no rows dated inside the window" in \
            sections.skipped["csi"]
        assert sections.inputs == {"surveys_path": str(surveys)}

    def test_demo_files_are_read_only_when_named(self, tickets):
        sections = Sections.of(tickets, show=False)
        standards = sections.table("standards_path", "demo:standards.csv", "standards",
                                   key="standards")
        assert standards is not None and not standards.empty
        assert Path(sections.inputs["standards_path"]) == ROOT / "data" / "demo" / "standards.csv"


class TestLoading:
    def test_only_given_options_are_passed(self):
        assert load_options() == {}
        assert load_options(on_duplicate="keep_first", snapshot="2025-01-05", timezone="",
                            dayfirst="no") == {"on_duplicate": "keep_first",
                                               "snapshot": "2025-01-05", "dayfirst": False}

    def test_repeated_ids_kept_first_and_snapshot_inferred(self, export, tickets):
        assert tickets.attrs["dropped_duplicates"] == 105
        assert snapshot_words(tickets) == "inferred from the latest timestamp"
        given = data.load_tickets(export, **load_options(on_duplicate="keep_first",
                                                         snapshot="2025-01-05"))
        assert snapshot_words(given, "2025-01-05") == "given"


class _Series:
    def records(self):
        return [{"period_start": "2024-01-01", "value": 1440.0, "n": 12, "n_open": 3},
                {"period_start": "2024-02-01", "value": math.nan, "n": 0, "n_open": 0}]


class TestResultsContract:
    def test_headline_record_has_the_agreed_fields(self):
        after = Estimate("Time to resolve (median)", 1440.0, 40, (1200.0, 1700.0), "minutes")
        before = Estimate("Time to resolve (median)", 2880.0, 50, (2500.0, 3100.0), "minutes")
        record = headline_record("time_to_resolve", "M", after, _Series(), before=before)
        assert set(record) == {"kpi", "name", "unit", "period", "estimate", "series", "before"}
        assert record["series"][1]["value"] is None  # a month with no cases
        assert record["estimate"]["value"] == 1440.0 and record["before"]["n"] == 50
        json.dumps(record, allow_nan=False)
        assert RESULTS_SCHEMA == "pdca-results/1"


class TestParameterChecks:
    def test_list_given_as_text_gets_the_yaml_hint(self):
        assert list_problem("kpis", "[fcr]") == (
            "parameter kpis: got the text '[fcr]', not a list; with papermill, give lists "
            "with -y 'kpis: [fcr]'")

    def test_baseline_settings_list_every_problem_at_once(self):
        with pytest.raises(ValueError) as caught:
            BaselineSettings.check(kpis="[fcr]", headline_kpi="fcrr", period="Q",
                                   target_value=0.7, target_direction="up", alpha=5)
        message = str(caught.value)
        assert message.startswith("5 problems with the parameters:")
        for part in ("-y 'kpis: [fcr]'", "unknown KPI 'fcrr' (did you mean 'fcr'?)",
                     "period: 'Q'", "target_direction: 'up'", "alpha: 5"):
            assert part in message

    def test_headline_fixed_after_loading_takes_the_kpi_direction(self):
        settings = BaselineSettings.check(kpis=["time_to_resolve"], headline_kpi="", period="M",
                                          target_value=0.0)
        fixed = settings.with_headline("time_to_resolve")
        assert fixed.target_value is None and fixed.target_direction == "lower"
        assert fixed.target_met(100.0) is None
        with pytest.raises(ValueError, match="is a rate"):
            BaselineSettings.check(kpis=["fcr"], headline_kpi="", period="W",
                                   target_value=74).with_headline("fcr")

    def test_compare_settings_list_every_problem_at_once(self):
        with pytest.raises(ValueError) as caught:
            CompareSettings.check(kpis=["fcr"], targets="{fcr: 0.74}", multiplicity="bonf",
                                  kpi_lists={"mix_kpis": "[]", "segment_kpis": ["ahtt"]})
        message = str(caught.value)
        assert message.startswith("4 problems with the parameters:")
        assert "-y 'mix_kpis: []'" in message and "-y 'targets: {fcr: 0.74}'" in message
        assert "unknown KPI 'ahtt'" in message and "multiplicity: 'bonf'" in message

    def test_empty_kpi_lists_are_fine(self):
        settings = CompareSettings.check(kpis=["fcr"], kpi_lists={"mix_kpis": []})
        assert settings.only([]).kpis == ()

    def test_windows_from_parameters(self):
        windows = Windows.from_parameters(before=["2023-01-01", "2024-01-01"],
                                          after=["2024-01-01", "2025-01-01"],
                                          change_date="2026-04-06")
        assert windows.describe() == "before: 2023-01-01 to 2023-12-31; after: 2024-01-01 " \
                                     "to 2024-12-31"
        with pytest.raises(ValueError, match="-y 'before: \\[2023-01-01, 2024-01-01\\]'"):
            Windows.from_parameters(before="[2023-01-01, 2024-01-01]")
        with pytest.raises(ValueError, match="no windows"):
            Windows.from_parameters(change_date="")


class TestSurvivalAxis:
    def test_axis_shows_both_ninetieth_percentiles_in_days_long_cases(self, tickets):
        windows = Windows.from_parameters(before=["2023-01-01", "2024-01-01"],
                                          after=["2024-01-01", "2025-01-01"])
        before, after = windows.split(tickets)
        curves = survival_curves(before, after, "time_to_resolve")
        assert len(curves) == 2
        assert all("days)" in label for label in curves)  # one unit, the cases' own
        fig = plots.survival_curve(curves, unit="minutes", title="Time to resolve")
        xmax_days = fig.axes[0].get_xlim()[1]
        assert "days" in fig.axes[0].get_xlabel().lower()
        ends = [np.asarray(t)[np.asarray(s) <= 0.1] / 1440 for t, s in curves.values()]
        assert all(xmax_days >= e.min() for e in ends if e.size)  # past both 90th pct
        assert xmax_days > 3  # cases lasting days: not the demo's fixed 72 hours


STAGES = {
    "baseline": {"start": "", "end": "", "period": "M"},
    "compare": {"before": ["2023-01-01", "2024-01-01"], "after": ["2024-01-01", "2025-01-01"],
                "period": "M", "mix_kpis": []},
    "efficiency": {"before": ["2023-01-01", "2024-01-01"],
                   "after": ["2024-01-01", "2025-01-01"]},
}


@pytest.mark.slow
@pytest.mark.parametrize("stage", list(STAGES))
def test_stage_runs_first_time_on_the_real_shaped_export(stage, export, tmp_path):
    """The stage script, run by papermill on the four-column export with only its windows
    and on_duplicate given, completes and writes the agreed results fields."""
    import jupytext
    import papermill

    notebook = tmp_path / f"{stage}.ipynb"
    jupytext.write(jupytext.read(ROOT / "notebooks" / f"{stage}.py"), notebook)
    results = tmp_path / "results.json"
    papermill.execute_notebook(
        str(notebook), str(tmp_path / "out.ipynb"), kernel_name="python3", cwd=str(tmp_path),
        progress_bar=False, parameters={"data_path": str(export), "on_duplicate": "keep_first",
                                        "results_path": str(results), **STAGES[stage]})
    found = json.loads(results.read_text(encoding="utf-8"))
    assert found["schema"] == RESULTS_SCHEMA
    assert found["inputs"] == {"data_path": str(export)}  # no demo file read
    assert "fcr" in found["skipped"] or stage == "efficiency"
    if stage != "efficiency":
        assert found["headline"]["kpi"] == "time_to_resolve"


def test_a_segment_column_with_thousands_of_values_is_skipped_with_its_reason():
    from pdcakit.stages.sections import MAX_SEGMENTS, Sections

    tickets = pd.DataFrame({"channel": [f"ch{i}" for i in range(10_000)]})
    sections = Sections(frozenset({"id", "created_at", "channel"}), show=False)
    assert not sections.segments(tickets, "channel")
    assert "channel has 10,000 distinct values" in sections.skipped["segments"]
    assert "coarser segment_column" in sections.skipped["segments"]
    few = pd.DataFrame({"channel": [f"ch{i % MAX_SEGMENTS}" for i in range(1_000)]})
    assert Sections(frozenset({"channel"}), show=False).segments(few, "channel")
