"""The cycle's language (issue 26): ``language:`` in the record is the default ``language``
of every stage that declares one; a stage's own parameter and ``-p`` override it; a
language without words is refused naming the field."""

from __future__ import annotations

import pytest

from pdcakit.run.params import ParameterSpec
from pdcakit.run.project import ProjectPaths
from pdcakit.run.request import build_request, record_language
from pdcakit.tracker.record import CycleError


def _spec(**types: str) -> dict[str, ParameterSpec]:
    return {name: ParameterSpec(name, type_name, "", "") for name, type_name in types.items()}


STAGES = {
    "baseline": _spec(data_path="str", start="str", end="str", language="str"),
    "compare": _spec(data_path="str", before="list", after="list", language="str"),
    "efficiency": _spec(data_path="str", before="list", after="list", language="str"),
}
RECORD = """id: zh1
title: 提升首次解决率
language: {language}
data:
  tickets: demo:tickets_zh_full_gb18030.csv
  before: [2026-01-05, 2026-04-06]
  after: [2026-04-06, 2026-07-06]
stages:
  efficiency:
    parameters: {{language: en}}
"""


def _project(tmp_path, language: str) -> ProjectPaths:
    (tmp_path / "notebooks").mkdir(parents=True)
    (tmp_path / "pdca").mkdir()
    (tmp_path / "pdca" / "zh1.yaml").write_text(RECORD.format(language=language),
                                                encoding="utf-8")
    return ProjectPaths(tmp_path)


def test_the_record_language_is_every_stages_default(tmp_path):
    paths = _project(tmp_path, "zh-CN")
    baseline = build_request(paths, "zh1", "baseline", STAGES["baseline"], {})
    compare = build_request(paths, "zh1", "compare", STAGES["compare"], {})
    assert baseline.parameters["language"] == compare.parameters["language"] == "zh-CN"
    assert compare.sources["language"] == "language"
    # the stage's own setting wins over the cycle's default, and -p over both
    efficiency = build_request(paths, "zh1", "efficiency", STAGES["efficiency"], {})
    assert efficiency.parameters["language"] == "en"
    assert efficiency.sources["language"] == "stages.efficiency.parameters.language"
    assert build_request(paths, "zh1", "compare", STAGES["compare"],
                         {"language": "en"}).parameters["language"] == "en"


def test_a_template_without_the_parameter_is_not_given_it(tmp_path):
    paths = _project(tmp_path, "zh-CN")
    request = build_request(paths, "zh1", "compare", _spec(data_path="str"), {})
    assert "language" not in request.parameters


def test_a_record_without_language_leaves_the_templates_default(tmp_path):
    paths = _project(tmp_path, '""')
    request = build_request(paths, "zh1", "compare", STAGES["compare"], {})
    assert "language" not in request.parameters
    assert record_language({"title": "x"}) == "en"


@pytest.mark.parametrize("value", ["zh", "fr", "Chinese", "zh_CN"])
def test_an_unknown_language_names_the_field_and_the_choices(tmp_path, value):
    paths = _project(tmp_path, value)
    with pytest.raises(CycleError) as caught:
        build_request(paths, "zh1", "baseline", STAGES["baseline"], {})
    message = str(caught.value)
    assert "pdca/zh1.yaml: language:" in message and repr(value) in message
    assert "zh-CN: Simplified Chinese" in message


def test_a_language_parameter_without_words_stops_before_the_kernel():
    from pdcakit.run.params import ParameterError, coerce_parameters, parameter_problems

    spec = _spec(language="str", alpha="float")
    assert parameter_problems({"language": "zh-CN"}, spec) == []
    problems = parameter_problems({"language": "Chinese", "alpha": "x"}, spec)
    assert problems[0].startswith("parameter 'language': 'Chinese' is not one of en, zh-CN")
    assert problems[0].endswith("write en or zh-CN") and "alpha" in problems[1]
    with pytest.raises(ParameterError, match="'language': 'fr'"):
        coerce_parameters({"language": "fr"}, spec)
