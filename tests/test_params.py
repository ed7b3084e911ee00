"""Notebook parameter checking and coercion (pdcakit.run.params), and project paths."""

from __future__ import annotations

import pytest

from pdcakit.run.params import ParameterError, ParameterSpec, coerce_parameters, coerce_value
from pdcakit.run.project import ProjectPaths, bundled_notebooks, check_cycle_id, check_stage

DECLARED = {
    name: ParameterSpec(name, type_name, "", "")
    for name, type_name in [("alpha", "float"), ("period", "str"), ("kpis", "list"),
                            ("weeks", "int"), ("strict", "bool"), ("start", "str")]
}


class TestCoerceValue:
    @pytest.mark.parametrize(
        ("text", "type_name", "expected"),
        [
            ("0.01", "float", 0.01),
            ("13", "int", 13),
            ("true", "bool", True),
            ("No", "bool", False),
            ("[fcr, aht]", "list", ["fcr", "aht"]),
            ("fcr,aht", "list", ["fcr", "aht"]),
            ("007", "str", "007"),             # papermill -p would make this 7
            ("2026-01-05", "str", "2026-01-05"),  # stays a string, not a date
        ],
    )
    def test_converts_to_declared_type(self, text, type_name, expected):
        assert coerce_value("x", text, type_name) == expected

    def test_non_text_values_pass_through(self):
        assert coerce_value("alpha", 0.1, "float") == 0.1

    @pytest.mark.parametrize(("text", "type_name"), [("abc", "float"), ("maybe", "bool"),
                                                     ("1.5", "int")])
    def test_bad_value_names_parameter_and_type(self, text, type_name):
        with pytest.raises(ParameterError, match=rf"parameter 'x' expects {type_name}"):
            coerce_value("x", text, type_name)


class TestCoerceParameters:
    def test_unknown_name_suggests_closest(self):
        with pytest.raises(ParameterError,
                           match=r"unknown parameter 'alpah'.*Did you mean 'alpha'"):
            coerce_parameters({"alpah": "0.1"}, DECLARED)

    def test_all_values_converted(self):
        out = coerce_parameters({"alpha": "0.1", "weeks": "4", "start": "2026-01-05"}, DECLARED)
        assert out == {"alpha": 0.1, "weeks": 4, "start": "2026-01-05"}


class TestProject:
    @pytest.mark.parametrize("bad", ["../etc", "/abs", "UPPER", "a b", "", "-lead", "x" * 70,
                                     "a/b", "trail-"])
    def test_unsafe_cycle_ids_rejected(self, bad):
        with pytest.raises(ValueError, match="invalid cycle id"):
            check_cycle_id(bad)

    def test_safe_cycle_id_kept(self):
        assert check_cycle_id("email-2026-q2") == "email-2026-q2"

    def test_unknown_stage(self):
        with pytest.raises(ValueError, match=r"unknown stage 'plan'.*baseline"):
            check_stage("plan")

    def test_a_workbook_copy_of_a_template_wins_over_the_installed_one(self, tmp_path):
        (tmp_path / "notebooks").mkdir()
        (tmp_path / "notebooks" / "baseline.ipynb").write_text("{}")
        paths = ProjectPaths(tmp_path)
        assert paths.template("baseline") == tmp_path / "notebooks" / "baseline.ipynb"
        assert paths.is_adapted("baseline")
        assert paths.template("compare") == bundled_notebooks() / "compare.ipynb"
        assert not paths.is_adapted("compare")

    def test_root_found_from_inside_the_project(self, monkeypatch):
        monkeypatch.delenv("PDCA_HOME", raising=False)
        paths = ProjectPaths.find()
        assert (paths.notebooks / "baseline.ipynb").exists()
        assert paths.record("demo-helpdesk").name == "demo-helpdesk.yaml"
