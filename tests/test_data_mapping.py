"""Mappings: from dict, YAML file and preset name; column resolution; the shipped preset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data import mapping as mapping_module
from pdcakit.data.mapping import resolve_columns
from pdcakit.data.schema import TICKETS

ROOT = Path(__file__).resolve().parent.parent

# the shape of lib/pdcakit/presets/*.yaml
PRESET_YAML = """\
# a help desk that exports in Chinese
columns:
  id: 工单编号
  created_at: 创建时间
  resolved_at: 解决时间
  channel: 渠道
  first_contact_resolved: 一次解决
date_format: "%Y/%m/%d %H:%M"
encoding: gb18030
true_values: [是]
false_values: [否]
values:
  channel: {电话: phone, 邮件: email}
"""

ZH_EXPORT = ("工单编号,创建时间,解决时间,渠道,一次解决,备注\r\n"
             "T1,2026/01/05 08:15,2026/01/05 09:15,电话,是,\r\n"
             "T2,2026/01/06 09:30,,邮件,否,催办\r\n"
             "T3,2026/01/06 10:00,2026/01/07 10:00,网页,否,\r\n")


@pytest.fixture
def zh_export(tmp_path):
    p = tmp_path / "工单.csv"
    p.write_bytes(ZH_EXPORT.encode("gb18030"))
    return p


def check_zh(df):
    assert df["id"].tolist() == ["T1", "T2", "T3"]
    assert df["channel"].tolist() == ["phone", "email", "网页"]   # unlisted values kept
    assert df["first_contact_resolved"].tolist() == [True, False, False]
    assert df["is_open"].tolist() == [False, True, False]
    assert df.loc[0, "created_at"] == pd.Timestamp("2026-01-05 08:15")
    assert df.attrs["ignored_columns"] == ["备注"]


class TestLoadMapping:
    def test_none(self):
        assert data.load_mapping(None) == data.Mapping()

    def test_mapping_passes_through(self):
        m = data.Mapping(columns={"id": "No"})
        assert data.load_mapping(m) is m

    def test_from_dict(self, zh_export):
        import yaml

        spec = yaml.safe_load(PRESET_YAML)
        m = data.load_mapping(spec)
        assert m.columns["id"] == "工单编号" and m.true_values == ("是",)
        check_zh(data.load_tickets(zh_export, spec))

    def test_from_yaml_file(self, tmp_path, zh_export):
        y = tmp_path / "my_export.yaml"
        y.write_text(PRESET_YAML, encoding="utf-8")
        assert data.load_mapping(y).encoding == "gb18030"
        check_zh(data.load_tickets(zh_export, str(y)))

    def test_from_preset_name(self, tmp_path, monkeypatch, zh_export):
        (tmp_path / "my_desk.yaml").write_text(PRESET_YAML, encoding="utf-8")
        monkeypatch.setattr(mapping_module, "PRESET_DIR", tmp_path)
        assert "my_desk" in data.list_presets()
        m = data.load_mapping("my_desk")
        assert m.name == "my_desk" and m.values["channel"]["电话"] == "phone"
        check_zh(data.load_tickets(zh_export, "my_desk"))

    def test_yaml_booleans_are_read_as_words(self):
        m = data.load_mapping({"true_values": [True, "Ja"], "values": {"x": {True: "y"}}})
        assert m.true_values == ("true", "Ja") and m.values == {"x": {"true": "y"}}

    def test_unknown_preset_suggests(self, tmp_path, monkeypatch):
        (tmp_path / "zh_helpdesk.yaml").write_text(PRESET_YAML, encoding="utf-8")
        monkeypatch.setattr(mapping_module, "PRESET_DIR", tmp_path)
        with pytest.raises(data.DataError, match="did you mean 'zh_helpdesk'"):
            data.load_mapping("zh_helpdsk")

    def test_missing_yaml_file(self, tmp_path):
        with pytest.raises(data.DataError, match="mapping file not found"):
            data.load_mapping(tmp_path / "nope.yaml")

    @pytest.mark.parametrize("spec, match", [
        ({"colums": {}}, "did you mean 'columns'"),
        ({"columns": ["id"]}, "'columns' must map"),
        ({"values": {"channel": "phone"}}, "'values' must map"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"date_format": 5}, "date_format must be a text"),
    ])
    def test_bad_mapping(self, spec, match):
        with pytest.raises(data.DataError, match=match):
            data.load_mapping(spec)

    def test_bad_yaml(self, tmp_path):
        y = tmp_path / "bad.yaml"
        y.write_text("columns: [unclosed\n")
        with pytest.raises(data.DataError, match=r"bad\.yaml"):
            data.load_mapping(y)

    def test_options_override_and_add(self):
        m = data.load_mapping({"columns": {"id": "No"}, "encoding": "gb18030"})
        m2 = m.replace(columns={"created_at": "Opened"}, encoding="utf-8", dayfirst=None)
        assert m2.columns == {"id": "No", "created_at": "Opened"}
        assert m2.encoding == "utf-8" and m.encoding == "gb18030"

    def test_unknown_option_is_a_type_error(self, tmp_path):
        p = tmp_path / "t.csv"
        p.write_text("id,created_at\nT1,2026-01-05\n")
        with pytest.raises(TypeError, match="date_fromat"):
            data.load_tickets(p, date_fromat="%Y")


class TestResolveColumns:
    def test_canonical_names_need_no_mapping(self):
        raw = pd.DataFrame(columns=["ID", "Created At", "first-response-at", "Notes"])
        found, ignored = resolve_columns(raw, TICKETS, data.Mapping(), "t.csv")
        assert found == {"id": "ID", "created_at": "Created At",
                         "first_response_at": "first-response-at"}
        assert ignored == ["Notes"]

    def test_mapping_wins_over_a_same_named_column(self):
        raw = pd.DataFrame(columns=["id", "Ticket", "created_at"])
        found, ignored = resolve_columns(raw, TICKETS, data.Mapping(columns={"id": "Ticket"}),
                                         "t.csv")
        assert found["id"] == "Ticket" and ignored == ["id"]

    def test_mapped_column_not_in_file_lists_closest_and_all(self, tmp_path):
        p = tmp_path / "export.csv"
        p.write_text("Ticket,Opened,Closed\nT1,2026-01-05,2026-01-06\n")
        with pytest.raises(data.DataError) as e:
            data.load_tickets(p, {"columns": {"id": "Ticket", "created_at": "Opend"}})
        msg = str(e.value)
        assert "export.csv" in msg and "column 'Opend'" in msg
        assert "closest: 'Opened'" in msg
        assert "available columns: 'Ticket', 'Opened', 'Closed'" in msg

    def test_unknown_canonical_name_in_mapping(self, tmp_path):
        p = tmp_path / "export.csv"
        p.write_text("Ticket,Opened\nT1,2026-01-05\n")
        with pytest.raises(data.DataError, match="did you mean 'created_at'"):
            data.load_tickets(p, {"columns": {"id": "Ticket", "creatd_at": "Opened"}})


PRESET = ROOT / "lib" / "pdcakit" / "presets" / "zh_helpdesk.yaml"
ZH_DEMO = ROOT / "data" / "demo" / "tickets_zh_gb18030.csv"
EN_DEMO = ROOT / "data" / "demo" / "tickets.csv"


@pytest.mark.skipif(not (PRESET.exists() and ZH_DEMO.exists()),
                    reason="needs lib/pdcakit/presets/zh_helpdesk.yaml and "
                           "data/demo/tickets_zh_gb18030.csv")
def test_shipped_zh_preset_loads_the_chinese_demo_export():
    zh = data.load_tickets(ZH_DEMO, "zh_helpdesk")
    assert len(zh) == 500 and zh.attrs["ignored_columns"] == []
    assert set(zh["channel"]) <= {"phone", "email", "chat", "web"}
    assert zh["first_contact_resolved"].dtype == "boolean"
    if EN_DEMO.exists():   # the same tickets as the English export, to the minute
        en = data.load_tickets(EN_DEMO).head(500)
        assert zh["id"].tolist() == en["id"].tolist()
        assert (zh["created_at"] == en["created_at"].dt.floor("min")).all()
        assert zh["is_open"].tolist() == en["is_open"].tolist()


def test_a_mapping_with_a_column_written_twice_names_both_lines(tmp_path):
    """Issue 25: ``created_at:`` twice was taken silently (the second won)."""
    y = tmp_path / "m.yaml"
    y.write_text("columns:\n  id: Ticket\n  created_at: Opened\n  created_at: Closed\n"
                 "dayfirst: true\n", encoding="utf-8")
    with pytest.raises(data.DataError) as e:
        data.load_mapping(str(y))
    text = str(e.value)
    assert "the key 'created_at' is written twice, on line 3 and on line 4" in text
    assert "Fix: keep one 'created_at' entry" in text
