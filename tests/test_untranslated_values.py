"""The preset's values: table leaves values outside it untranslated: the loader's warning
says which, with their rows and the fix (pdcakit.data.mapping.untranslated_values)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pdcakit.data.mapping import load_mapping, untranslated_values
from pdcakit.data.tickets import load_tickets


def _chinese_export(path, n=400, seed=3):
    """A GB18030 export in the zh_helpdesk preset's headers, several rows per day, Chinese
    channels outside the preset's table (在线 is not 在线客服) and dozens of categories."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-05 08:00") + pd.to_timedelta(
        rng.uniform(0, 60 * 24 * 40, n), unit="min")
    frame = pd.DataFrame({
        "工单编号": [f"GD{i:05d}" for i in range(n)],
        "创建时间": created.strftime("%Y/%m/%d %H:%M"),
        "解决时间": np.where(rng.random(n) < 0.1, "",
                            (created + pd.to_timedelta(rng.uniform(5, 600, n), unit="min")
                             ).strftime("%Y/%m/%d %H:%M")),
        "渠道": rng.choice(["电话", "邮件", "在线", "网页"], n, p=[0.4, 0.3, 0.2, 0.1]),
        "类别": rng.choice(["咨询", "软件", "投诉", "权限申请"]
                           + [f"类别{i}" for i in range(30)], n),
    })
    frame.to_csv(path, index=False, encoding="gb18030")
    return frame


def _mapping():
    """The zh_helpdesk preset's encoding, dates and value tables, on this export's columns."""
    preset = load_mapping("zh_helpdesk")
    return {"columns": {"id": "工单编号", "created_at": "创建时间", "resolved_at": "解决时间",
                        "channel": "渠道", "category": "类别"},
            "date_format": preset.date_format, "encoding": preset.encoding,
            "values": preset.values}


def test_a_channel_outside_the_preset_table_is_named_with_its_rows(tmp_path):
    raw = _chinese_export(tmp_path / "工单.csv")
    tickets = load_tickets(tmp_path / "工单.csv", _mapping())
    table = load_mapping("zh_helpdesk").values["channel"]
    assert set(tickets["channel"].dropna()) == {"phone", "email", "在线", "web"}
    note = untranslated_values("channel", tickets["channel"], table)
    rows = int((raw["渠道"] == "在线").sum())
    assert note is not None and note.startswith("channel: the mapping's values: table left 1")
    assert f"'在线' ({rows:,} rows)" in note
    assert "add it under values: in the mapping" in note and "在线: 在线" in note


def test_categories_half_translated_list_the_most_frequent_and_count_the_rest(tmp_path):
    _chinese_export(tmp_path / "工单.csv")
    tickets = load_tickets(tmp_path / "工单.csv", _mapping())
    table = load_mapping("zh_helpdesk").values["category"]
    note = untranslated_values("category", tickets["category"], table)
    assert note is not None and "values as they are" in note
    assert " more;" in note  # 33 left: 8 shown, the rest counted
    assert "'software'" not in note and "'access request'" not in note  # translated ones


def test_a_table_that_covers_every_value_says_nothing():
    text = pd.Series(["phone", "email", None, "在线"])
    assert untranslated_values("channel", text, {"电话": "phone", "邮件": "email",
                                                 "在线": "在线"}) is None
    assert untranslated_values("channel", text, {}) is None
