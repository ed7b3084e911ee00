"""The Chinese demo (issue 26): every demo ticket exported by a Chinese help desk
(Chinese headers and values, GB18030), generated and seeded like the English files (which
stay byte-identical), its mapping keeping the Chinese values, and a Chinese record that
``pdca demo --language zh-CN`` places and runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from pdcakit import data
from pdcakit.errors import UsageError
from pdcakit.run.demos import demo_cycle, place_demo
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import read_cycle

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    spec = importlib.util.spec_from_file_location("generate_demo", ROOT / "data" /
                                                  "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("demo")
    module.generate_all(out)
    return out


def test_every_committed_demo_file_is_regenerated_byte_for_byte(regenerated):
    written = sorted(p.name for p in regenerated.iterdir())
    assert {"tickets_zh_full_gb18030.csv", "mapping_zh_full.yaml", "process_steps_zh.csv",
            "surveys_zh.csv", "audits_zh.csv", "mystery_shopper_zh.csv",
            "standards_zh.csv"} <= set(written)
    for name in written:  # the English files included: the Chinese ones changed nothing
        assert (regenerated / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_the_chinese_export_is_the_english_demo_in_chinese():
    raw = (DEMO / "tickets_zh_full_gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GB18030 as a Chinese Excel saves it, not UTF-8
    header = raw.split(b"\r\n", 1)[0].decode("gb18030")
    assert header.startswith("工单编号,创建时间,首次响应时间,解决时间,处理时长(分钟),渠道,"
                             "类别,站点")
    zh = data.load_tickets("demo:tickets_zh_full_gb18030.csv",
                           mapping="demo:mapping_zh_full.yaml")
    en = data.load_tickets("demo:tickets.csv")
    assert len(zh) == len(en) == 48_000
    assert int(zh["is_open"].sum()) == int(en["is_open"].sum()) == 848
    assert set(zh["channel"]) == {"电话", "邮件", "在线客服", "网页"}
    assert set(zh["site"]) == {"北京", "上海", "广州"}
    assert len(set(zh["category"])) == 7 and "权限申请" in set(zh["category"])
    # the same tickets: per channel, the counts and first contact resolutions agree
    pairs = {"phone": "电话", "email": "邮件", "chat": "在线客服", "web": "网页"}
    for english, chinese in pairs.items():
        assert (en["channel"] == english).sum() == (zh["channel"] == chinese).sum()
        assert en.loc[en["channel"] == english, "first_contact_resolved"].sum() == \
            zh.loc[zh["channel"] == chinese, "first_contact_resolved"].sum()


def test_the_chinese_record_validates_and_reads_chinese(tmp_path):
    paths = ProjectPaths(tmp_path)
    demo = place_demo(paths, "zh-CN")
    assert demo.cycle == "demo-helpdesk-zh"
    record = read_cycle(paths, demo.cycle)
    text = paths.record(demo.cycle).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    assert loaded["language"] == "zh-CN" and record.title == "提升服务台首次解决率"
    assert loaded["data"]["tickets"] == "demo:tickets_zh_full_gb18030.csv"
    # every segment a prediction names is a value of the export
    segments = {p["segment"].split("=", 1)[1] for p in loaded["predictions"] if "segment" in p}
    assert segments <= {"电话", "邮件", "在线客服", "网页"}
    steps = data.read_table(DEMO / "process_steps_zh.csv")
    assert set(loaded["stages"]["efficiency"]["parameters"]["waiting_steps"]) <= set(steps["step"])
    # the scores' tables are the Chinese demo's own: sites, questions, standards in Chinese
    for stage in ("baseline", "compare"):
        parameters = loaded["stages"][stage]["parameters"]
        for name in ("surveys_path", "audits_path", "mystery_shopper_path", "standards_path"):
            assert parameters[name].endswith("_zh.csv"), (stage, name)
    surveys = data.read_table(DEMO / "surveys_zh.csv")
    assert set(surveys["site"]) == {"北京", "上海", "广州"}
    assert set(surveys["question"]) == {"总体满意度", "服务态度", "办理便捷", "专业知识",
                                        "响应速度"}
    english = data.read_table(DEMO / "surveys.csv")
    assert len(surveys) == len(english) and surveys["score"].sum() == english["score"].sum()
    assert "一次解决" in set(data.read_table(DEMO / "standards_zh.csv")["standard"])


def test_english_demo_unchanged_and_unknown_language_refused(tmp_path):
    english = demo_cycle("en")
    assert english.cycle == "demo-helpdesk" and english.template == ROOT / "pdca" / \
        "demo-helpdesk.yaml"
    assert english.decision.startswith("FCR rose about 6 points")
    assert demo_cycle("zh-CN").starting == "正在用随附的演示数据运行演示循环“demo-helpdesk-zh”……"
    with pytest.raises(UsageError, match="--language: 'zh' is not one of en, zh-CN"):
        demo_cycle("zh")
