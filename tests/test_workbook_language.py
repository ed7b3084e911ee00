"""The workbook's language (issue 26): ``pdca init --language zh-CN`` writes a Chinese
workbook and ``pdca/workbook.yaml``; a record without ``language:`` takes the workbook's;
``pdca new``'s template in Chinese; ``pdca status`` / ``pdca list`` in the workbook's
language with the JSON unchanged; a bad setting named with its file, field and fix."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from pdcakit.errors import UsageError
from pdcakit.run.project import ProjectPaths
from pdcakit.run.request import cycle_language, record_language
from pdcakit.run.workbook_settings import workbook_language
from pdcakit.run.workbooks import init_workbook, throwaway_demo_workbook
from pdcakit.tracker.record import CycleError
from pdcakit.tracker.record_template import record_template

CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(tmp_path: Path) -> ProjectPaths:
    return ProjectPaths(init_workbook(tmp_path / "质量", "zh-CN").root)


class TestInitInChinese:
    def test_the_workbook_says_its_language_and_its_files_are_chinese(self, tmp_path):
        paths = _zh(tmp_path)
        assert workbook_language(paths) == "zh-CN"
        assert yaml.safe_load((paths.records / "workbook.yaml").read_text()) == {
            "language": "zh-CN"}
        readme = (paths.root / "README.md").read_text(encoding="utf-8")
        assert "日常命令" in readme and "监督计划表" in readme
        assert "PDCA 工作簿" in (paths.root / ".gitignore").read_text(encoding="utf-8")
        assert "导出数据" in (paths.root / "data" / "README.md").read_text(encoding="utf-8")
        example = (paths.root / "mappings" / "example.yaml").read_text(encoding="utf-8")
        assert yaml.safe_load(example)["columns"]["id"] == "工单编号"

    def test_no_command_or_rule_is_lost_in_translation(self, tmp_path):
        zh = _zh(tmp_path).root
        en = init_workbook(tmp_path / "en").root

        def commands(root: Path) -> list[str]:
            return re.findall(r"^pdca [a-z-]+", (root / "README.md").read_text("utf-8"), re.M)

        def rules(root: Path) -> list[str]:
            return [line for line in (root / ".gitignore").read_text("utf-8").splitlines()
                    if line and not line.startswith("#")]

        assert commands(zh) == commands(en) and len(commands(en)) >= 14
        assert rules(zh) == rules(en)
        # the example mapping's settings are the English one's, only the comments differ
        keys = [re.findall(r"^#? ?\s*([a-z_]+):", (root / "mappings" / "example.yaml")
                           .read_text("utf-8"), re.M) for root in (zh, en)]
        assert keys[0] == keys[1]

    def test_an_existing_workbook_is_not_changed_but_told_how(self, tmp_path):
        root = init_workbook(tmp_path / "wb").root
        (root / "mappings" / "example.yaml").unlink()
        again = init_workbook(root, "zh-CN")
        assert not (root / "pdca" / "workbook.yaml").exists()
        assert workbook_language(ProjectPaths(root)) == "en"
        # the missing file comes back in the workbook's own language (English)
        assert [p.name for p in again.created] == ["example.yaml"]
        assert "Case number" in (root / "mappings" / "example.yaml").read_text()
        assert "language: zh-CN" in again.sentence and "pdca/workbook.yaml" in again.sentence

    def test_an_unknown_language_names_the_choices(self, tmp_path):
        with pytest.raises(UsageError, match=r"--language 'zh'.*en \(English\), zh-CN"):
            init_workbook(tmp_path / "wb", "zh")
        assert not (tmp_path / "wb").exists()

    def test_the_chinese_demo_outside_a_workbook_gets_a_chinese_one(self):
        assert workbook_language(throwaway_demo_workbook("zh-CN")) == "zh-CN"
        english = throwaway_demo_workbook()
        assert workbook_language(english) == "en"
        assert not (english.records / "workbook.yaml").exists()


class TestRecordsTakeTheWorkbooksLanguage:
    def test_a_record_without_language_takes_the_workbooks(self, tmp_path):
        paths = _zh(tmp_path)
        paths.record("c1").write_text("id: c1\ntitle: 回拨\n", encoding="utf-8")
        paths.record("c2").write_text("id: c2\ntitle: Callbacks\nlanguage: en\n")
        assert cycle_language(paths, "c1") == "zh-CN"
        assert cycle_language(paths, "c2") == "en"  # its own language wins
        assert cycle_language(paths, "no-record") == "zh-CN"
        assert record_language({}, default="zh-CN") == "zh-CN"

    def test_a_stage_run_takes_the_workbooks_language(self, tmp_path):
        from pdcakit.run.params import ParameterSpec
        from pdcakit.run.request import build_request

        paths = _zh(tmp_path)
        paths.record("c1").write_text("id: c1\ntitle: 回拨\n", encoding="utf-8")
        declared = {"language": ParameterSpec("language", "str", '"en"', "")}
        request = build_request(paths, "c1", "baseline", declared, {})
        assert request.parameters["language"] == "zh-CN"

    @pytest.mark.parametrize(("text", "said"), [
        ("language: zh_CN\n", "language: 'zh_CN' is not one of en, zh-CN (en: English, "
                              "zh-CN: Simplified Chinese); write language: zh-CN"),
        ("langauge: zh-CN\n", "unknown setting(s) langauge; the file holds only language"),
        ("- zh-CN\n", "it must be a mapping of settings, e.g. one line language: zh-CN"),
        ("language: [zh-CN\n", "not valid YAML"),
        ("language: 中文\n", "language: '中文' is not one of en, zh-CN"),
    ])
    def test_a_bad_setting_names_the_file_the_field_and_the_fix(self, tmp_path, text, said):
        paths = _zh(tmp_path)
        (paths.records / "workbook.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(CycleError) as caught:
            cycle_language(paths, "c1")
        assert str(caught.value).startswith("pdca/workbook.yaml: ")
        assert said in str(caught.value)


class TestNewRecordInChinese:
    def test_the_template_is_chinese_and_says_its_language(self):
        from pdcakit.tracker.record import _problems, _safe_load

        text = record_template("c1", title="缩短首次响应时间", metric="fcr", target=0.74,
                               direction="higher", owner="王芳", previous=None,
                               today=dt.date(2026, 1, 5), finding="F1", language="zh-CN")
        data = _safe_load(text)
        assert data["language"] == "zh-CN" and data["title"] == "缩短首次响应时间"
        assert _problems(data) == []
        comments = [line.split("# ", 1)[1] for line in text.splitlines() if "# " in line]
        english = [c for c in comments if not CJK.search(c)
                   and c not in ("YYYY-MM-DD", "- {what: ..., owner: ..., due: YYYY-MM-DD, "
                                 "done: false}")]
        assert english == []

    def test_the_english_template_has_no_language_field(self):
        text = record_template("c1", title="Faster", metric="", target=None,
                               direction="higher", owner="", previous=None,
                               today=dt.date(2026, 1, 5))
        assert "language" not in yaml.safe_load(text)


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


class TestStatusInTheWorkbooksLanguage:
    @pytest.fixture()
    def paths(self, tmp_path: Path) -> ProjectPaths:
        paths = _zh(tmp_path)
        for cycle, stage in (("first-response", "plan"), ("callback", "check")):
            paths.record(cycle).write_text(yaml.safe_dump({
                "id": cycle, "title": "回拨时间", "owner": "王芳", "stage": stage,
                "created": dt.date(2026, 1, 5),
                "log": [{"date": dt.date(2026, 1, 5), "event": "created"},
                        {"date": dt.date(2026, 2, 2), "event": "run", "stage": "baseline",
                         "status": "succeeded", "run_dir": "runs/x"}]},
                allow_unicode=True), encoding="utf-8")
        return paths

    def test_the_table_is_chinese_and_its_columns_line_up(self, paths):
        from pdcakit.tracker.moves import status_rows
        from pdcakit.tracker.statusview import status_lines

        rows = status_rows(paths, today=dt.date(2026, 3, 1), language="zh-CN")
        lines = status_lines(rows, "zh-CN")
        assert lines[0].split()[:2] == ["循环", "阶段"]
        assert "计划" in lines[2] and "检查" in lines[1] and "2026年2月2日" in lines[1]
        # every line reaches the title column at the same terminal column
        starts = [_columns(line[:line.rindex("  ") + 2]) for line in lines]
        assert len(set(starts)) == 1, lines

    def test_json_keeps_the_record_keys_and_english(self, paths):
        from pdcakit.tracker.moves import status_rows

        [row, _] = [r.as_dict() for r in status_rows(paths)]
        assert row["stage"] == "check" and row["last_run"] == "baseline on 2026-02-02"
        assert row["last_run_status"] == "succeeded"



def test_pdca_init_language_on_the_command_line(tmp_path, capsys):
    from pdcakit import cli

    assert cli.main(["init", str(tmp_path / "wb"), "--language", "zh-CN"]) == cli.EXIT_OK
    assert workbook_language(ProjectPaths(tmp_path / "wb")) == "zh-CN"
    assert "pdca/workbook.yaml" in capsys.readouterr().out


def test_new_and_list_in_a_chinese_workbook(tmp_path, monkeypatch, capsys):
    import json

    from pdcakit import cli

    paths = _zh(tmp_path)
    monkeypatch.setenv("PDCA_HOME", str(paths.root))
    assert cli.main(["new", "callback", "--title", "回拨", "--metric", "fcr"]) == cli.EXIT_OK
    assert yaml.safe_load(paths.record("callback").read_text("utf-8"))["language"] == "zh-CN"
    capsys.readouterr()
    assert cli.main(["list"]) == cli.EXIT_OK  # pdca/workbook.yaml is no cycle record
    out, err = capsys.readouterr()
    assert out.split()[:2] == ["循环", "阶段"] and "计划" in out and err == ""
    assert cli.main(["list", "--json"]) == cli.EXIT_OK
    assert json.loads(capsys.readouterr().out)[0]["stage"] == "plan"
