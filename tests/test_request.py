"""One run request: record facts flow once into each stage; paths are the user's."""

from __future__ import annotations

import datetime as dt

import pytest

from pdcakit.run.params import ParameterSpec, coerce_value
from pdcakit.run.project import ProjectPaths
from pdcakit.run.request import build_request, is_file_parameter, record_facts, resolve_paths
from pdcakit.tracker.record import CycleError


def _spec(**types: str) -> dict[str, ParameterSpec]:
    return {name: ParameterSpec(name, type_name, "", "") for name, type_name in types.items()}


BASELINE = _spec(data_path="str", mapping="str", start="str", end="str", headline_kpi="str",
                 target_value="float", target_direction="str", period="str",
                 surveys_path="str", cycle_events="list")
COMPARE = _spec(data_path="str", mapping="str", before="list", after="list",
                change_date="str", weeks_before="int", weeks_after="int", targets="dict",
                headline_kpi="str", kpis="list")


def _project(tmp_path, record: str) -> ProjectPaths:
    (tmp_path / "notebooks").mkdir(parents=True)
    (tmp_path / "pdca").mkdir()
    (tmp_path / "pdca" / "cases.yaml").write_text(record, encoding="utf-8")
    return ProjectPaths(tmp_path)


RECORD = """id: cases
title: 市民来电 resolved faster
aim: {metric: time_to_resolve, direction: lower, target: 7200}
data:
  tickets: exports/cases.csv
  mapping: maps/council.yaml
  before: [2023-01-01, 2024-01-01]
  after: [2024-01-01, 2024-07-01]
stages:
  baseline:
    parameters: {period: M, surveys_path: ""}
  compare:
    parameters: {targets: {resolution_rate: 0.9}}
"""


def test_each_fact_has_one_home_and_flows_into_every_stage(tmp_path):
    paths = _project(tmp_path, RECORD)
    baseline = build_request(paths, "cases", "baseline", BASELINE, {}, base=tmp_path / "x")
    assert baseline.parameters["start"] == "2023-01-01"  # dates as text, not datetime.date
    assert baseline.parameters["end"] == "2024-01-01"
    assert baseline.parameters["headline_kpi"] == "time_to_resolve"
    assert baseline.parameters["target_value"] == 7200.0
    assert baseline.parameters["target_direction"] == "lower"
    assert baseline.parameters["period"] == "M"
    # record paths resolve against the workbook root, whatever the current folder
    assert baseline.parameters["data_path"] == str(tmp_path / "exports" / "cases.csv")
    assert baseline.parameters["mapping"] == str(tmp_path / "maps" / "council.yaml")
    assert baseline.sources["data_path"] == "data.tickets"
    compare = build_request(paths, "cases", "compare", COMPARE, {})
    assert compare.parameters["before"] == ["2023-01-01", "2024-01-01"]
    assert compare.parameters["after"] == ["2024-01-01", "2024-07-01"]
    assert compare.parameters["targets"] == {"resolution_rate": 0.9, "time_to_resolve": 7200.0}
    assert compare.parameters["headline_kpi"] == "time_to_resolve"


def test_command_line_paths_are_relative_to_where_the_user_typed(tmp_path):
    paths = _project(tmp_path, RECORD)
    here = tmp_path / "analyst"
    request = build_request(paths, "cases", "baseline", BASELINE,
                            {"mapping": "my_mapping.yaml", "start": "2023-06-01"},
                            data="new.csv", base=here)
    assert request.parameters["mapping"] == str(here / "my_mapping.yaml")
    assert request.parameters["data_path"] == str(here / "new.csv")
    assert request.parameters["start"] == "2023-06-01"
    assert request.sources["mapping"] == "the command line"


def test_a_preset_name_is_not_a_path():
    assert resolve_paths({"mapping": "zh_helpdesk"}, ProjectPaths.find().root) == {
        "mapping": "zh_helpdesk"}
    assert not is_file_parameter("data_path", "demo:tickets.csv")


def test_a_fact_restated_differently_in_a_stage_is_an_error_naming_both_places(tmp_path):
    paths = _project(tmp_path, RECORD.replace("{period: M, surveys_path: \"\"}",
                                              "{period: M, start: \"2022-01-01\"}"))
    with pytest.raises(CycleError, match=r"stages\.baseline\.parameters\.start.*data\.before"):
        build_request(paths, "cases", "baseline", BASELINE, {})


def test_a_fact_restated_with_the_same_value_is_a_note(tmp_path):
    paths = _project(tmp_path, RECORD.replace("{period: M, surveys_path: \"\"}",
                                              "{period: M, headline_kpi: time_to_resolve}"))
    request = build_request(paths, "cases", "baseline", BASELINE, {})
    assert any("repeats aim.metric" in note for note in request.notes)


def test_without_a_before_window_the_baseline_is_the_whole_export(tmp_path):
    paths = _project(tmp_path, RECORD.replace("  before: [2023-01-01, 2024-01-01]\n", ""))
    request = build_request(paths, "cases", "baseline", BASELINE, {})
    assert (request.parameters["start"], request.parameters["end"]) == ("", "")
    own = RECORD.replace("  before: [2023-01-01, 2024-01-01]\n", "").replace(
        "{period: M, surveys_path: \"\"}", "{start: \"2023-03-01\"}")
    paths = _project(tmp_path / "own", own)  # a stage's own start is not a clash then
    request = build_request(paths, "cases", "baseline", BASELINE, {})
    assert (request.parameters["start"], request.parameters["end"]) == ("2023-03-01", "")
    assert record_facts({"data": {"after": ["2024-01-01", "2024-03-01"]}}, "compare") == {
        "change_date": "2024-01-01"}


def test_unquoted_yaml_dates_on_the_command_line_stay_text():
    # `-p before "[2023-01-01, 2024-01-01]"` as the README invites: no datetime.date
    assert coerce_value("before", "[2023-01-01, 2024-01-01]", "list") == [
        "2023-01-01", "2024-01-01"]
    assert coerce_value("targets", "{fcr: 0.74}", "dict") == {"fcr": 0.74}
    assert coerce_value("start", dt.date(2024, 1, 1), "str") == "2024-01-01"
