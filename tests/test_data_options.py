"""Every fix a data message names is reachable: from the mapping YAML and from load_tickets'
keyword arguments (the stages pass their -p values straight through; "" / None = unset).

Exports are the issue-14 shapes from tests/exports.py: a city council's cases (date-only,
id/created_at/resolved_at/category only, 105 repeated ids, 60 categories, empty months,
heavy censoring at the end) and its Chinese GB18030 variant.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from exports import chinese_city_council_cases, city_council_cases
from pdcakit import data
from pdcakit.data import inputs

LIB = Path(data.__file__).parent


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    return city_council_cases(tmp_path_factory.mktemp("council"), rows=6_000)


def file_rows(export) -> pd.DataFrame:
    """The export's rows as written, for checking which row of a repeated id was kept."""
    return pd.read_csv(export.path, dtype=str, keep_default_na=False)


def write_mapping(tmp_path: Path, text: str, name: str = "m.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


class TestOnDuplicate:
    def test_error_names_the_mapping_key_and_the_p_flag(self, council):
        with pytest.raises(data.DataError) as e:
            data.load_tickets(council.path)
        msg = str(e.value)
        assert "105 ids appear more than once" in msg
        assert "on_duplicate: keep_first to the mapping YAML" in msg
        assert "-p on_duplicate keep_first" in msg and "keep_last" in msg

    def test_keep_first_from_the_mapping(self, council):
        t = data.load_tickets(council.path, council.mapping)   # mapping: on_duplicate: keep_first
        assert len(t) == council.rows - 105 == len(council.cases)
        assert t.attrs["on_duplicate"] == "keep_first" and t.attrs["dropped_duplicates"] == 105
        assert t["category"].tolist() == council.cases["category"].tolist()

    @pytest.mark.parametrize("mapping", [None, "file"])
    def test_keep_last_from_keyword_wins_over_the_mapping(self, council, mapping):
        t = data.load_tickets(council.path, council.mapping if mapping else None,
                              on_duplicate="keep_last")
        expected = file_rows(council).drop_duplicates("id", keep="last")
        assert t["id"].tolist() == expected["id"].tolist()
        assert t["category"].tolist() == expected["category"].tolist()
        assert t.attrs["on_duplicate"] == "keep_last" and t.attrs["dropped_duplicates"] == 105
        assert any("kept the last row of each id" in w for w in t.attrs["warnings"])

    def test_keep_last_from_the_mapping_yaml(self, council, tmp_path):
        m = write_mapping(tmp_path, "on_duplicate: keep_last\n")
        t = data.load_tickets(council.path, m)
        assert t.attrs["on_duplicate"] == "keep_last" and len(t) == council.rows - 105

    @pytest.mark.parametrize("unset", ["", None, "  "])
    def test_unset_keyword_keeps_the_mappings_value(self, council, unset):
        t = data.load_tickets(council.path, council.mapping, on_duplicate=unset)
        assert t.attrs["on_duplicate"] == "keep_first"

    def test_keyword_error_overrides_a_keeping_mapping(self, council):
        with pytest.raises(data.DataError, match="105 ids appear more than once"):
            data.load_tickets(council.path, council.mapping, on_duplicate="error")

    def test_misspelt_value_in_the_mapping_names_field_and_choice(self, council, tmp_path):
        m = write_mapping(tmp_path, "on_duplicate: keep_frist\n")
        with pytest.raises(data.DataError) as e:
            data.load_tickets(council.path, m)
        msg = str(e.value)
        assert "m.yaml" in msg and "on_duplicate must be one of error, keep_first, keep_last" in msg
        assert "did you mean 'keep_first'?" in msg and "-p on_duplicate keep_first" in msg


AMBIGUOUS = ["C1,05/01/2024,07/01/2024,Potholes report",      # 5 Jan or 1 May?
             "C2,03/02/2024,,Parking enquiry",
             "C3,11/12/2024,12/12/2024,Noise report"]


@pytest.fixture
def ambiguous(tmp_path):
    """Day-first council dates where every day is 12 or less: only dayfirst can tell."""
    p = tmp_path / "dayfirst.csv"
    p.write_text("id,created_at,resolved_at,category\n" + "\n".join(AMBIGUOUS) + "\n")
    return p


class TestDayfirst:
    @pytest.mark.parametrize("value", [True, "true", "True", "yes", "YES", "y", "on", "1", 1])
    def test_true_spellings_read_day_first(self, ambiguous, value):
        t = data.load_tickets(ambiguous, dayfirst=value)
        assert t["created_at"][0] == pd.Timestamp("2024-01-05")

    @pytest.mark.parametrize("value", [False, "false", "False", "no", "n", "off", "0", 0])
    def test_false_spellings_read_month_first(self, ambiguous, value):
        t = data.load_tickets(ambiguous, dayfirst=value)
        assert t["created_at"][0] == pd.Timestamp("2024-05-01")

    @pytest.mark.parametrize("yaml_value, day_first", [
        ("true", True), ("yes", True), ('"yes"', True), ('"true"', True),
        ("false", False), ('"false"', False), ('"no"', False), ("no", False),
    ])
    def test_mapping_yaml_booleans_and_texts(self, ambiguous, tmp_path, yaml_value, day_first):
        m = write_mapping(tmp_path, f"dayfirst: {yaml_value}\n")
        assert data.load_mapping(m).dayfirst is day_first
        t = data.load_tickets(ambiguous, m)
        assert t["created_at"][0] == pd.Timestamp("2024-01-05" if day_first else "2024-05-01")

    @pytest.mark.parametrize("unset", ["", None])
    def test_unset_keyword_keeps_the_mappings_value(self, ambiguous, tmp_path, unset):
        m = write_mapping(tmp_path, "dayfirst: yes\n")
        assert data.load_tickets(ambiguous, m, dayfirst=unset)["created_at"][0] \
            == pd.Timestamp("2024-01-05")

    def test_keyword_false_wins_over_the_mapping(self, ambiguous, tmp_path):
        m = write_mapping(tmp_path, "dayfirst: yes\n")
        t = data.load_tickets(ambiguous, m, dayfirst="false")
        assert t["created_at"][0] == pd.Timestamp("2024-05-01")

    def test_month_first_guess_warns_with_both_fixes(self, ambiguous):
        warnings = data.load_tickets(ambiguous).attrs["warnings"]
        assert any("dayfirst: true to the mapping YAML" in w and "-p dayfirst true" in w
                   for w in warnings)

    @pytest.mark.parametrize("where", ["mapping", "keyword"])
    def test_other_text_is_an_error_naming_the_field(self, ambiguous, tmp_path, where):
        m = write_mapping(tmp_path, "dayfirst: maybe\n")
        with pytest.raises(data.DataError) as e:
            if where == "mapping":
                data.load_tickets(ambiguous, m)
            else:
                data.load_tickets(ambiguous, dayfirst="maybe")
        msg = str(e.value)
        assert "dayfirst must be true or false, got 'maybe'" in msg
        assert "dayfirst: true to the mapping YAML" in msg and "-p dayfirst true" in msg
        assert ("m.yaml" in msg) == (where == "mapping")


class TestSnapshot:
    def test_inferred_from_the_latest_timestamp(self, council):
        t = data.load_tickets(council.path, council.mapping)
        assert t.attrs["snapshot"] == council.snapshot == pd.Timestamp("2024-12-31")
        assert t.attrs["snapshot_source"] == "inferred from the latest timestamp"

    def test_given_as_keyword(self, council):
        t = data.load_tickets(council.path, council.mapping, snapshot="2025-01-06 09:00")
        assert t.attrs["snapshot"] == pd.Timestamp("2025-01-06 09:00")
        assert t.attrs["snapshot_source"] == "given"

    @pytest.mark.parametrize("yaml_value", ["2025-01-06", "'2025-01-06'",
                                            "2025-01-06 00:00:00"])
    def test_given_in_the_mapping_yaml(self, council, tmp_path, yaml_value):
        # YAML reads an unquoted date as a date object, a date and time as a datetime
        m = write_mapping(tmp_path, f"on_duplicate: keep_first\nsnapshot: {yaml_value}\n")
        t = data.load_tickets(council.path, m)
        assert t.attrs["snapshot"] == pd.Timestamp("2025-01-06")
        assert t.attrs["snapshot_source"] == "given"

    @pytest.mark.parametrize("unset", ["", None])
    def test_unset_keyword_keeps_the_mappings_value(self, council, tmp_path, unset):
        m = write_mapping(tmp_path, "on_duplicate: keep_first\nsnapshot: 2025-01-06\n")
        t = data.load_tickets(council.path, m, snapshot=unset)
        assert t.attrs["snapshot"] == pd.Timestamp("2025-01-06")

    def test_unset_everywhere_is_inferred(self, council):
        t = data.load_tickets(council.path, council.mapping, snapshot="")
        assert t.attrs["snapshot_source"] == "inferred from the latest timestamp"

    @pytest.mark.parametrize("where", ["mapping", "keyword"])
    def test_not_a_date_names_the_field_and_both_fixes(self, council, tmp_path, where):
        m = write_mapping(tmp_path, "on_duplicate: keep_first\nsnapshot: last friday\n")
        with pytest.raises(data.DataError) as e:
            if where == "mapping":
                data.load_tickets(council.path, m)
            else:
                data.load_tickets(council.path, council.mapping, snapshot="last friday")
        msg = str(e.value)
        assert "snapshot 'last friday' is not a date or time" in msg
        assert "snapshot: '2026-04-06 08:00' to the mapping YAML" in msg or \
            "snapshot: '2026-07-06 00:00' to the mapping YAML" in msg
        assert "-p snapshot" in msg


OFFSETS = "id,created_at\nT1,2024-01-05T08:00:00+00:00\nT2,2024-07-05T08:00:00+00:00\n"


class TestTimezone:
    @pytest.fixture
    def utc_file(self, tmp_path):
        p = tmp_path / "utc.csv"
        p.write_text(OFFSETS)
        return p

    def test_from_the_mapping_and_keyword(self, utc_file, tmp_path):
        m = write_mapping(tmp_path, "timezone: Europe/London\n")
        london = pd.Timestamp("2024-07-05 09:00", tz="Europe/London")
        assert data.load_tickets(utc_file, m)["created_at"][1] == london
        t = data.load_tickets(utc_file, m, timezone="Asia/Shanghai")
        assert t["created_at"][1] == pd.Timestamp("2024-07-05 16:00", tz="Asia/Shanghai")
        assert data.load_tickets(utc_file, m, timezone="")["created_at"][1] == london

    def test_utc_warning_names_both_fixes(self, utc_file):
        warnings = data.load_tickets(utc_file).attrs["warnings"]
        assert any("timezone: Europe/London to the mapping YAML" in w and "-p timezone" in w
                   for w in warnings)

    def test_unknown_zone_names_both_fixes(self, utc_file):
        with pytest.raises(data.DataError) as e:
            data.load_tickets(utc_file, timezone="Europe/Londn")
        assert "unknown time zone 'Europe/Londn'" in str(e.value)
        assert "-p timezone Europe/London" in str(e.value)


class TestChineseExport:
    def test_gb18030_with_its_mapping(self, tmp_path):
        e = chinese_city_council_cases(tmp_path, rows=3_000)
        t = data.load_tickets(e.path, e.mapping)
        assert len(t) == 3_000 - 105 and t.attrs["columns"]["id"] == "编号"
        assert t["category"].tolist() == e.cases["category"].tolist()
        assert t["category"].str.contains("[\u4e00-\u9fff]").all()
        assert t["created_at"].tolist() == e.cases["created_at"].tolist()

    def test_keyword_on_duplicate_overrides_its_mapping(self, tmp_path):
        e = chinese_city_council_cases(tmp_path, rows=2_000)
        t = data.load_tickets(e.path, e.mapping, on_duplicate="keep_last")
        last = pd.read_csv(e.path, dtype=str, encoding="gb18030").drop_duplicates(
            "编号", keep="last")
        assert t["category"].tolist() == last["类别"].tolist()


class TestResolveInput:
    def test_demo_from_another_working_directory(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        p = data.resolve_input("demo:tickets.csv")
        assert p.is_file() and p.parent.name == "demo"
        t = data.load_tickets("demo:tickets.csv")
        assert len(t) == 48_000 and t.attrs["source"] == str(p)  # the demo's tickets
        assert len(data.load_table("demo:training.csv", "training")) == 30

    def test_demo_mapping_yaml(self, tmp_path, monkeypatch):
        folder = tmp_path / "demo"
        folder.mkdir()
        # a column named No stays 'No' (YAML 1.2 booleans: only true / false)
        (folder / "desk.yaml").write_text("columns: {id: No}\ndayfirst: yes\n")
        monkeypatch.setattr(inputs, "demo_dir", lambda: folder)
        m = data.load_mapping("demo:desk.yaml")
        assert m.columns == {"id": "No"} and m.dayfirst is True

    def test_unknown_demo_name_lists_the_demo_files(self):
        with pytest.raises(data.DataError) as e:
            data.resolve_input("demo:ticket.csv")
        msg = str(e.value)
        assert "no demo file named 'ticket.csv'" in msg and "did you mean 'tickets.csv'?" in msg
        assert "surveys.csv" in msg and "process_steps.csv" in msg

    def test_cannot_leave_the_demo_folder(self):
        with pytest.raises(data.DataError, match="no demo file named"):
            data.resolve_input("demo:../generate_demo.py")

    def test_relative_paths_resolve_against_base(self, tmp_path, monkeypatch):
        assert data.resolve_input("x/t.csv", base=tmp_path) == tmp_path / "x" / "t.csv"
        monkeypatch.chdir(tmp_path)
        assert data.resolve_input("t.csv") == tmp_path / "t.csv"
        assert data.resolve_input(str(tmp_path / "a.csv"), base=Path("/elsewhere")) \
            == tmp_path / "a.csv"

    def test_the_source_tree_demo_folder(self):
        assert inputs.demo_dir() == Path(data.__file__).resolve().parents[3] / "data" / "demo"


class TestMessagesNameTheMappingKey:
    """No message tells the user to 'give X=' for a loading option: each names the mapping
    key (and the -p flag of the four stage options)."""

    def test_no_bare_keyword_fixes_in_the_data_layer(self):
        allowed = {"date_column", "window"}  # load_tickets arguments, not mapping options
        found = set()
        for module in LIB.glob("*.py"):
            found |= set(re.findall(r"give (\w+)=", module.read_text(encoding="utf-8")))
        assert found <= allowed, found - allowed

    def test_every_stage_option_fix_names_the_p_flag(self):
        from pdcakit.data.options import STAGE_OPTIONS, how_to_set

        for key in STAGE_OPTIONS:
            assert f"-p {key} x" in how_to_set(key, "x") and f"{key}: x" in how_to_set(key, "x")

    def test_empty_text_leaves_a_mapping_field(self):
        m = data.Mapping(encoding="gb18030", dayfirst=True)
        assert m.replace(encoding="", dayfirst="", timezone="").encoding == "gb18030"
        assert m.replace(dayfirst="").dayfirst is True


def test_yaml_yes_and_no_stay_as_written(tmp_path):
    """YAML 1.1 would read yes/no/on/off as booleans: a column named 'No', a spelling 'yes'
    and a recoded value 'On' stay the user's text."""
    m = write_mapping(tmp_path, "columns: {id: No, complaint: Complaint}\n"
                                "true_values: [yes, Ja]\nfalse_values: [no]\n"
                                "values: {channel: {On: online}}\n")
    mapping = data.load_mapping(m)
    assert mapping.columns["id"] == "No" and mapping.true_values == ("yes", "Ja")
    assert mapping.false_values == ("no",) and mapping.values["channel"] == {"On": "online"}
