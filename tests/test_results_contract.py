"""The results contract (docs/results.md): the typed reader, the latest-run rule, and the
tracker facts that come from what actually ran.

The results below are built from docs/results.md in the shapes a real export gives:
monthly series with an empty month (value null, n 0), most open cases in the last
months, Chinese segment names, sections skipped for missing columns. The builders are
imported by test_tracker.py and test_predictions.py, so every test writes the same
contract.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pdcakit.fileio import atomic_write_json
from pdcakit.run.project import ProjectPaths
from pdcakit.run.resultsfile import (
    SCHEMA,
    ResultsError,
    latest_run,
    read_results,
    results_from_dict,
)
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import edit_record, read_cycle
from pdcakit.tracker.report import build_reports

ROOT = Path(__file__).resolve().parents[1]

# A council export: monthly, one empty month, the open cases piling up at the end.
SERIES = [
    {"period_start": "2023-07-01", "value": 0.71, "n": 2811, "n_open": 3},
    {"period_start": "2023-08-01", "value": None, "n": 0, "n_open": 0},
    {"period_start": "2023-09-01", "value": 0.64, "n": 2650, "n_open": 41},
    {"period_start": "2023-10-01", "value": 0.58, "n": 312, "n_open": 188},
]
SKIPPED = {"sla_first_response": "needs the column first_response_at (map it under columns: "
                                 "in the mapping)",
           "complaints_pareto": "needs the column complaint (map it under columns: in the "
                                "mapping)",
           "aht": "needs the column handle_minutes (map it under columns: in the mapping)"}


def estimate(value: float | None, *, name: str = "First contact resolution", n: int = 1000,
             ci: list[float] | None = None, unit: str = "fraction") -> dict[str, Any]:
    """``Estimate.as_dict()`` as the notebooks write it."""
    return {"name": name, "value": value, "n": n,
            "ci": ci if ci is not None else ([value - 0.03, value + 0.03]
                                             if value is not None else None),
            "unit": unit, "method": "Wilson score interval", "confidence": 0.95, "note": "",
            "extra": {}}


def headline(value: float, *, kpi: str = "fcr", before: float | None = None,
             unit: str = "fraction") -> dict[str, Any]:
    out = {"kpi": kpi, "name": "First contact resolution", "unit": unit, "period": "M",
           "estimate": estimate(value, unit=unit), "series": copy.deepcopy(SERIES)}
    if before is not None:
        out["before"] = estimate(before, unit=unit)
    return out


def baseline_results(value: float = 0.68, *, kpi: str = "fcr") -> dict[str, Any]:
    """A baseline results.json of pdca-results/1 (docs/results.md, baseline)."""
    return {
        "schema": SCHEMA, "stage": "baseline", "window": {"start": "", "end": "2023-11-01"},
        "period": "month", "skipped": dict(SKIPPED),
        "inputs": {"data_path": "/exports/council_cases.csv",
                   "mapping": "/exports/council_mapping.yaml"},
        "headline": headline(value, kpi=kpi),
        "data": {"tickets": 341299, "open": 13652, "first_created": "2014-01-02T00:00:00",
                 "last_created": "2023-10-31T00:00:00", "snapshot": "2023-11-01T00:00:00",
                 "snapshot_source": "inferred from the latest timestamp"},
        "kpis": {kpi: estimate(value),
                 "time_to_resolve": estimate(10080.0, name="Time to resolve", unit="minutes",
                                             ci=[8640.0, 12600.0])},
        "stability": {"kpi": kpi,
                      "run_chart": {"values": [s["value"] for s in SERIES], "centre": 0.64,
                                    "any_signal": True,
                                    "sentence": "A run of 9 points above the median.",
                                    "autocorrelation": {"lag1": 0.1, "band": 0.5,
                                                        "durbin_watson": 1.8, "n": 3,
                                                        "flagged": False,
                                                        "sentence": "Too few points (3)."}},
                      "control_chart": {"chart": "p chart", "centre": [0.64] * 4,
                                        "lcl": [0.6] * 4, "ucl": [0.7] * 4,
                                        "signals": [False, False, False, True],
                                        "n_signals": 1, "sentence": "1 point below the LCL."},
                      "rules": {"rule_set": "nhs", "rules": ["shift"], "flags": [],
                                "fired": {}, "signal_points": [3],
                                "sentence": "NHS rules: 1 signal."},
                      "rule_disagreements": [{"point": "2023-10-01", "nhs": True,
                                              "nelson": False}]},
        "time_to_resolve": {"name": "Time to resolve", "unit": "minutes", "median": 10080.0,
                            "median_ci": [8640.0, 12600.0], "p90": 60480.0,
                            "naive_median": 1440.0, "n": 341299, "n_open": 13652,
                            "sentence": "Half of the cases take 7 days or more."},
        "sla": {"resolution": estimate(0.41, name="Resolved within 24 h")},
        "pareto": {"tickets": {f"类别 {i}": 6000 - 90 * i for i in range(60)}},
        "sample_size": {"kind": "proportion", "baseline": value, "target": 0.74,
                        "n_exact": 950.2, "n_per_group": 951, "volume_per_period": 2600.0,
                        "periods_needed": 1, "period": "month", "alpha": 0.05, "power": 0.8,
                        "method": "Two proportions, arcsine", "sentence": "About 951 cases."},
        "target": {"kpi": kpi, "value": 0.74, "direction": "higher",
                   "baseline": estimate(value), "met": False},
    }


def change(before: float, after: float, *, kpi: str = "fcr", unit: str = "fraction",
           ci: list[float] | None = None) -> dict[str, Any]:
    """A compare ``kpis.KEY`` entry (``KpiChange.as_dict()``)."""
    difference = after - before
    return {"kpi": kpi, "name": "First contact resolution", "unit": unit,
            "before": estimate(before, unit=unit), "after": estimate(after, unit=unit),
            "difference": difference,
            "difference_ci": ci or [difference - 0.009, difference + 0.009],
            "relative_change": difference / before, "test": "two-proportion z test",
            "why": "Why this test: a share.", "pvalue": 1e-6, "p_adjusted": 3e-6,
            "multiplicity": "holm",
            "comparison": {"effect_size": 0.13, "effect_size_label": "Cohen's h"},
            "verdict": "improved", "significant": True, "target": 0.74, "target_met": True,
            "minimum_detectable_change": 0.02, "large_enough": True,
            "sentence": f"First contact resolution improved: {before:.1%} before, "
                        f"{after:.1%} after."}


def compare_results(before: float = 0.68, after: float = 0.74, *,
                    after_start: str = "2026-04-06",
                    after_end: str = "2026-07-06") -> dict[str, Any]:
    """A compare results.json of pdca-results/1 (docs/results.md, compare)."""
    return {
        "schema": SCHEMA, "stage": "compare",
        "windows": {"before_start": "2026-01-05", "before_end": after_start,
                    "after_start": after_start, "after_end": after_end},
        "alpha": 0.05, "multiplicity": "holm", "skipped": {"nps": "needs the column nps"},
        "inputs": {"data_path": "/exports/cases.csv"},
        "headline": headline(after, before=before),
        "data": {"before": 2400, "after": 2510, "open_before": 12, "open_after": 230},
        "kpis": {"fcr": change(before, after),
                 "aht": change(10.0, 9.5, kpi="aht", unit="minutes", ci=[-0.9, -0.1])},
        "time_view": {"fcr": {"kpi": "fcr", "chart": "p' chart (Laney)",
                              "baseline_unstable": False, "after_signal": True,
                              "overdispersed": False, "per_period_test": None,
                              "sentence": "Before: stable. After: a shift up.",
                              "assurance": {"target": 0.74, "verdict": "inconsistent"}}},
        "segments": {"fcr": {"kpi": "fcr", "column": "channel",
                             "segments": [{"segment": "微信", "before": 0.69, "after": 0.763,
                                           "difference": 0.073, "ci_low": 0.055,
                                           "ci_high": 0.091, "n_before": 400, "n_after": 420,
                                           "test": "z", "p": 0.001, "p_adjusted": 0.002,
                                           "verdict": "improved"}],
                             "skipped": {"fax": "too few tickets (3 before, 1 after)"}}},
        "mix": {}, "summary": {"improved": ["First contact resolution"], "worsened": [],
                               "unchanged": ["Average handle time"], "unstable_baseline": []},
    }


def efficiency_results(*, after_start: str = "2026-04-06") -> dict[str, Any]:
    """An efficiency results.json of pdca-results/1 (docs/results.md, efficiency)."""
    return {
        "schema": SCHEMA, "stage": "efficiency",
        "windows": {"before_start": "2026-01-05", "before_end": after_start,
                    "after_start": after_start, "after_end": "2026-07-06"},
        "confidence": 0.95, "skipped": {"handle_time_gain": "needs the column handle_minutes"},
        "inputs": {"data_path": "/exports/cases.csv"},
        "headline": None,
        "data": {"before": 2400, "after": 2510, "tickets_per_week_after": 193.1},
        "gains": {"time_to_resolve": {
            "name": "Time to resolve", "segment": "", "statistic": "median (Kaplan-Meier)",
            "before_minutes": 10080.0, "after_minutes": 8640.0, "gain": 0.143,
            "gain_ci": [0.05, 0.22], "minutes_saved": 1440.0,
            "minutes_saved_ci": [504.0, 2217.6], "n_before": 2400, "n_after": 2510,
            "sentence": "Time to resolve: an efficiency gain of 14.3%."}},
        "segments": {}, "steps": None, "capacity": None, "money": None, "tech": {},
        "summary": "Time to resolve fell by 14.3% (95% CI 5.0% to 22.0%).",
    }


BUILDERS = {"baseline": baseline_results, "compare": compare_results,
            "efficiency": efficiency_results}


def without_schema(results: dict[str, Any]) -> dict[str, Any]:
    """The same results as a file written before the contract."""
    return {k: v for k, v in results.items() if k not in ("schema", "headline", "inputs")}


@pytest.fixture()
def project(tmp_path) -> ProjectPaths:
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pdca").mkdir()
    return ProjectPaths(tmp_path)


def write_run(paths: ProjectPaths, cycle: str, stage: str, results: dict[str, Any] | None, *,
              status: str = "succeeded", stamp: str = "20260701T000000Z",
              parameters: dict[str, Any] | None = None, logged: bool = False) -> Path:
    """A run directory as the runner leaves it; in the cycle's log only when ``logged``."""
    run_dir = paths.runs / cycle / stage / stamp
    if results is not None:
        atomic_write_json(run_dir / "results.json", results)
    atomic_write_json(run_dir / "provenance.json",
                      {"cycle": cycle, "stage": stage, "status": status,
                       "duration_seconds": 12.5, "parameters": parameters or {}})
    if logged:
        from pdcakit.tracker.record import append_log

        append_log(paths, cycle, {"event": "run", "stage": stage, "status": status,
                                  "run_dir": run_dir.relative_to(paths.root).as_posix()})
    return run_dir


class TestReader:
    def test_baseline_shape(self):
        results = results_from_dict(baseline_results(), source="b.json")
        assert results.version == 1 and not results.legacy_note
        assert results.headline.kpi == "fcr" and results.headline.period == "M"
        empty = results.headline.series[1]
        assert (empty.value, empty.n, empty.n_open) == (None, 0, 0)
        assert str(empty.period_start) == "2023-08-01"
        assert results.headline.series[-1].n_open == 188
        assert results.window == (None, results.window[1]) and str(results.window[1]) \
            == "2023-11-01"
        assert results.estimates["time_to_resolve"].unit == "minutes"
        assert results.stability.any_signal and results.stability.rule_disagreements == (
            "2023-10-01",)
        assert results.stability.autocorrelation_flagged is False
        assert results.sample_size.n_per_group == 951
        assert results.target.met is False
        assert "first_response_at" in results.skipped["sla_first_response"]
        assert results.inputs["mapping"].endswith("council_mapping.yaml")
        assert results.headline_value("fcr")[1].value == 0.68

    def test_compare_shape(self):
        results = results_from_dict(compare_results(), source="c.json")
        fcr = results.changes["fcr"]
        assert fcr.after.value == 0.74 and fcr.difference == pytest.approx(0.06)
        assert fcr.verdict == "improved" and fcr.effect_size_label == "Cohen's h"
        assert results.headline.before.value == 0.68
        assert results.windows.after == ["2026-04-06", "2026-07-06"]
        assert results.time_view["fcr"].assurance == "inconsistent"
        assert results.segment_changes["fcr"].row("微信").ci == (0.055, 0.091)
        assert results.compare_summary.unchanged == ("Average handle time",)
        assert results.value_of("fcr").value == 0.74  # the after value

    def test_efficiency_shape(self):
        results = results_from_dict(efficiency_results(), source="e.json")
        assert results.headline is None
        assert results.gains["time_to_resolve"].gain_ci == (0.05, 0.22)
        assert results.steps_sentence is None and results.summary.startswith("Time to")

    def test_a_steps_only_efficiency_run_has_no_headline(self):
        results = efficiency_results()
        del results["headline"]
        with pytest.raises(ResultsError, match="field 'headline' is missing"):
            results_from_dict(results, source="e.json")
        results.update(gains={}, data=None, steps={"sentence": "Lead time 151 -> 110 min."})
        read = results_from_dict(results, source="e.json")
        assert read.headline is None and read.steps_sentence.startswith("Lead time")

    def test_a_run_without_a_headline_must_say_why(self):
        results = baseline_results()
        del results["headline"], results["stability"]
        with pytest.raises(ResultsError, match="field 'headline' is missing"):
            results_from_dict(results, source="b.json")
        results["skipped"]["stability"] = "no KPI of the list kpis can be computed"
        assert results_from_dict(results, source="b.json").headline is None

    @pytest.mark.parametrize(("stage", "where", "renamed"), [
        ("baseline", ["kpis", "fcr"], ("value", "val")),
        ("baseline", ["headline", "series", 0], ("n_open", "open")),
        ("baseline", ["headline"], ("estimate", "est")),
        ("baseline", ["stability", "run_chart"], ("any_signal", "signal")),
        ("baseline", [], ("skipped", "skips")),
        ("compare", ["kpis", "fcr"], ("difference_ci", "ci")),
        ("compare", ["windows"], ("after_start", "go_live")),
        ("compare", ["headline"], ("before", "baseline")),
        ("compare", ["segments", "fcr", "segments", 0], ("ci_low", "low")),
        ("compare", ["time_view", "fcr"], ("baseline_unstable", "unstable")),
        ("efficiency", ["gains", "time_to_resolve"], ("gain_ci", "ci")),
        ("efficiency", [], ("summary", "verdict")),
    ])
    def test_a_renamed_field_names_the_file_and_the_field(self, tmp_path, stage, where,
                                                          renamed):
        results = BUILDERS[stage]()
        parent: Any = results
        for key in where:
            parent = parent[key]
        old, new = renamed
        parent[new] = parent.pop(old)
        path = tmp_path / "runs" / "c1" / stage / "20260701T000000Z" / "results.json"
        atomic_write_json(path, results)
        field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in [*where, old])
        with pytest.raises(ResultsError) as info:
            read_results(path)
        message = str(info.value)
        assert message.startswith(f"{path}: field '{field.lstrip('.')}' is missing")
        assert f"pdca run c1 {stage}" in message  # the fix names the command

    @pytest.mark.parametrize(("field", "value", "words"), [
        ("n", "many", "should be a whole number"),
        ("value", "68%", "should be a number"),
        ("ci", [0.6], "should be [low, high]"),
    ])
    def test_wrong_types_are_named(self, field, value, words):
        results = baseline_results()
        results["kpis"]["fcr"][field] = value
        with pytest.raises(ResultsError, match=re.escape(f"field 'kpis.fcr.{field}' {words}")):
            results_from_dict(results, source="b.json")

    def test_files_from_before_the_contract_are_read_as_version_0(self, tmp_path):
        for stage, build in BUILDERS.items():
            path = tmp_path / "runs" / "c1" / stage / "20250101T000000Z" / "results.json"
            atomic_write_json(path, without_schema(build()))
            results = read_results(path, stage)
            assert results.version == 0 and results.headline is None and not results.inputs
            assert f"pdca run c1 {stage}" in results.legacy_note
        old = read_results(tmp_path / "runs" / "c1" / "baseline" / "20250101T000000Z"
                           / "results.json")
        assert old.headline_value("fcr")[1].value == 0.68  # from kpis, as before
        assert old.headline_value()[0] == "fcr"  # the stability KPI names it

    def test_unknown_schema_wrong_stage_bad_json_and_no_file(self, tmp_path):
        with pytest.raises(ResultsError, match=r"results schema 'pdca-results/9'.*upgrade"):
            results_from_dict({**baseline_results(), "schema": "pdca-results/9"}, source="x")
        with pytest.raises(ResultsError, match="'stage' is 'baseline', but the file is a "
                                               "compare run's"):
            results_from_dict(baseline_results(), source="x", stage="compare")
        bad = tmp_path / "results.json"
        bad.write_text("{not json", encoding="utf-8")
        with pytest.raises(ResultsError, match="not valid JSON"):
            read_results(bad)
        with pytest.raises(ResultsError, match="no results file"):
            read_results(tmp_path / "missing.json")

    def test_every_stored_run_follows_the_contract(self):
        found = sorted((ROOT / "runs").glob("*/*/*/results.json"))
        for path in found:
            provenance = json.loads((path.parent / "provenance.json").read_text())
            if provenance.get("status") == "succeeded":
                read_results(path, path.parts[-3])
        if not found:
            pytest.skip("no runs under runs/")


class TestLatestRun:
    def test_a_newer_failed_run_is_ignored_and_an_unlogged_run_counts(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        write_run(project, "c1", "baseline", baseline_results(0.60), logged=True,
                  stamp="20260701T000000Z")
        write_run(project, "c1", "baseline", baseline_results(0.65), stamp="20260702T000000Z")
        write_run(project, "c1", "baseline", None, status="failed", logged=True,
                  stamp="20260703T000000Z")
        run = latest_run(project, "c1", "baseline")
        assert run.name == "20260702T000000Z"  # not logged, newest succeeded
        assert run.results.headline.estimate.value == 0.65
        assert latest_run(project, "c1", "compare") is None

    def test_same_second_runs_and_run_folders_without_provenance(self, project):
        for stamp in ("20260701T000000Z", "20260701T000000Z-2", "20260701T000000Z-10"):
            write_run(project, "c1", "baseline", baseline_results(), stamp=stamp)
        (project.runs / "c1" / "baseline" / "20260801T000000Z").mkdir()  # died at start
        run = latest_run(project, "c1", "baseline", read=False)
        assert run.name == "20260701T000000Z-10" and run.results is None
        assert run.duration_seconds == 12.5

    def test_a_broken_succeeded_run_is_reported_not_skipped(self, project):
        broken = baseline_results()
        del broken["kpis"]
        write_run(project, "c1", "baseline", broken)
        with pytest.raises(ResultsError, match="field 'kpis' is missing"):
            latest_run(project, "c1", "baseline")

    def test_status_and_page_show_the_same_run(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        write_run(project, "c1", "baseline", baseline_results(0.60), logged=True,
                  stamp="20260701T000000Z")
        write_run(project, "c1", "baseline", baseline_results(0.65), stamp="20260702T000000Z")
        [row] = tracker.status_rows(project, "c1")
        assert row.headline == "Baseline First contact resolution: 65.0%"
        build_reports(project, "c1")
        page = (project.runs / "c1" / "index.html").read_text(encoding="utf-8")
        assert "run 20260702T000000Z" in page and "Baseline n/a" not in page


class TestTrackerFacts:
    def test_baseline_from_the_headline_and_go_live_from_a_runs_windows(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr", target=0.74)
        write_run(project, "c1", "baseline", baseline_results(0.66))
        page_before = _page(project, "c1")
        assert "66.0% (First contact resolution, baseline run 20260701T000000Z" in page_before
        move = tracker.advance(project, "c1")
        assert move.moved and "aim.baseline: 66.0%" in move.sentence
        assert read_cycle(project, "c1").aim["baseline"] == 0.66
        stuck = tracker.advance(project, "c1")
        assert not stuck.moved and "pdca run c1 compare -p change_date" in stuck.sentence
        # the user ran compare with -p change_date: the run's windows are the go-live
        write_run(project, "c1", "compare", compare_results(after_start="2026-05-04",
                                                            after_end="2026-08-03"),
                  parameters={"change_date": "2026-05-04"}, stamp="20260805T000000Z")
        move = tracker.advance(project, "c1")
        assert move.after == "check" and "data.after: [2026-05-04, 2026-08-03)" in move.sentence
        assert read_cycle(project, "c1").data["after"] == ["2026-05-04", "2026-08-03"]
        assert tracker.advance(project, "c1").after == "act"

    def test_an_efficiency_run_also_shows_the_go_live(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        with edit_record(project, "c1") as data:
            data["stage"] = "do"
        write_run(project, "c1", "efficiency", efficiency_results(after_start="2026-03-02"))
        assert tracker.go_live(project, read_cycle(project, "c1"))[0][0] == "2026-03-02"
        assert tracker.advance(project, "c1").moved

    def test_the_aim_metric_wins_over_another_headline(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="time_to_resolve")
        write_run(project, "c1", "baseline", baseline_results(0.68))  # headline fcr
        assert tracker.baseline_measurement(project, read_cycle(project, "c1")) == (
            "time_to_resolve", 10080.0, "minutes")

    def test_next_writes_a_record_that_runs(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr", target=0.74,
                          direction="higher")
        with edit_record(project, "c1") as data:
            data["data"]["tickets"] = "exports/cases.csv"
            data["data"]["mapping"] = "exports/mapping.yaml"
            data["data"]["before"] = ["2026-01-05", "2026-04-06"]
            data["data"]["after"] = ["2026-04-06", "2026-07-06"]
            data["stages"] = {
                "baseline": {"parameters": {"period": "M", "sla_resolution_hours": 72.0,
                                            "start": "2026-01-05", "surveys_path": "s.csv"}},
                "compare": {"parameters": {"change_date": "2026-04-06", "period": "M",
                                           "training_path": "t.csv",
                                           "targets": {"fcr": 0.74, "aht": 9.0}}},
                "efficiency": {"parameters": {"steps_path": "steps.csv",
                                              "cost_per_hour": 30.0}},
            }
            data["stage"] = "check"
        write_run(project, "c1", "compare", compare_results(0.68, 0.75))
        tracker.act(project, "c1", "adopt", "worked")
        path = tracker.next_cycle(project, "c1")
        new = read_cycle(project, path.stem)  # validates
        assert new.previous == "c1" and new.stage == "plan"
        assert new.aim["metric"] == "fcr" and new.aim["target"] == 0.74
        assert new.aim["direction"] == "higher" and new.aim["baseline"] == 0.75
        assert new.data["tickets"] == "exports/cases.csv"
        assert new.data["mapping"] == "exports/mapping.yaml"
        assert new.data["before"] == ["2026-04-06", "2026-07-06"] and new.data["after"] == []
        assert new.stages["baseline"]["parameters"] == {
            "period": "M", "sla_resolution_hours": 72.0, "surveys_path": "s.csv"}
        assert new.stages["compare"]["parameters"] == {"period": "M",
                                                       "targets": {"aht": 9.0}}
        assert new.stages["efficiency"]["parameters"] == {"cost_per_hour": 30.0}
        # baseline can run now; compare and efficiency wait for the next go-live
        assert tracker.stages_to_run(new) == ["baseline"]
        assert "data.after" in tracker.stages_not_ready(new)["compare"]
        assert tracker.stages_to_run(new, {"change_date": "2026-09-07"}) == [
            "baseline", "compare", "efficiency"]
        assert "a successful baseline run (pdca run c1-2 baseline)" in \
            tracker.advance(project, "c1-2").sentence
        with edit_record(project, "c1-2") as data:
            data["data"]["after"] = ["2026-09-07", "2026-12-07"]
        assert tracker.stages_to_run(read_cycle(project, "c1-2")) == [
            "baseline", "compare", "efficiency"]

    def test_stages_to_run_without_a_stages_block(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        assert tracker.stages_to_run(read_cycle(project, "c1")) == []  # no data file yet
        with edit_record(project, "c1") as data:
            data["data"]["tickets"] = "exports/cases.csv"
        assert tracker.stages_to_run(read_cycle(project, "c1")) == ["baseline"]

    def test_predictions_are_scored_from_the_latest_run(self, project):
        tracker.new_cycle(project, "c1", title="T", metric="fcr")
        tracker.predict(project, "c1", {"kpi": "fcr", "direction": "rise", "size": 3,
                                        "unit": "points"})
        write_run(project, "c1", "compare", compare_results(0.68, 0.70), logged=True,
                  stamp="20260701T000000Z")
        write_run(project, "c1", "compare", compare_results(0.68, 0.76),
                  stamp="20260702T000000Z")
        page = _page(project, "c1")
        assert "<b class=\"met\">met</b>" in page  # +8 points: the newer run decided it
        assert "Input files: Data: cases.csv" in page  # the file's name, not the machine's path
        assert "/exports/" not in page
        assert "nps: needs the column nps" in page


def _page(project: ProjectPaths, cycle: str) -> str:
    build_reports(project, cycle)
    return (project.runs / cycle / "index.html").read_text(encoding="utf-8")


def test_a_broken_stage_shows_its_message_and_the_rest_of_the_page(project):
    tracker.new_cycle(project, "c1", title="T", metric="fcr")
    write_run(project, "c1", "baseline", baseline_results())
    broken = compare_results()
    del broken["windows"]
    write_run(project, "c1", "compare", broken)
    page = _page(project, "c1")
    assert "field &#x27;windows&#x27; is missing" in page
    assert "pdca run c1 compare" in page
    assert "First contact resolution: 68.0%" in page  # the baseline section still shows


@pytest.mark.slow
def test_the_demo_runs_follow_the_contract(demo_project):
    """Every stage's results.json written by the real notebooks reads without error."""
    paths, _ = demo_project
    for stage in ("baseline", "compare", "efficiency"):
        run = latest_run(paths, "demo-helpdesk", stage)
        assert run is not None and run.results.version == 1, stage
        assert run.results.inputs, stage
    baseline = latest_run(paths, "demo-helpdesk", "baseline").results
    assert baseline.headline.kpi == "fcr" and baseline.headline.series


def test_the_reader_is_light():
    import subprocess
    import sys

    probe = ("import sys; import pdcakit.run.resultsfile; "
             "print([m for m in ('scipy', 'pandas', 'numpy') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_a_baseline_without_the_aim_metric_moves_and_says_why(project):
    tracker.new_cycle(project, "c1", title="T", metric="csat")
    results = baseline_results()
    results["skipped"]["csat"] = "needs the column csat (map it under columns: in the mapping)"
    write_run(project, "c1", "baseline", results)
    move = tracker.advance(project, "c1")
    assert move.moved and "aim.baseline stays empty" in move.sentence
    assert "needs the column csat" in move.sentence and "pdca run c1 baseline" in move.sentence
