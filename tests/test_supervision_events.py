"""The supervision plan's dated entries on the related cycle's charts (issue 28): the
finding a cycle answers with the check that found it, the checks that verified it, a
check done for the cycle (``cycle:``), monitor signals; labels in the cycle's language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker import supervision as sv
from pdcakit.tracker.moves import cycle_events, new_cycle
from pdcakit.tracker.record import edit_record
from test_supervision import PLAN

D = dt.date


@pytest.fixture()
def paths(tmp_path) -> ProjectPaths:
    made = init_workbook(tmp_path / "wb")
    paths = ProjectPaths(made.root)
    sv.plan_path(paths).write_text(PLAN, encoding="utf-8")
    sv.check_done(paths, "fcr-monitoring", result="fail", note="FCR 68% in January",
                  findings=("FCR 68%, below the 74% standard",), day=D(2026, 1, 30))
    sv.new_cycle_from_finding(paths, "fcr-2026", "F1", metric="fcr")
    return paths


def _log_monitor(paths: ProjectPaths, cycle: str) -> None:
    with edit_record(paths, cycle) as data:
        data["log"].append({"date": "2026-08-01", "event": "monitor", "status": "signal",
                            "signals": [{"date": "2026-07-27", "rule": "outside the limits"}]})


class TestCheckEvents:
    def test_finding_with_its_check_and_the_checks_after_it(self, paths):
        sv.check_done(paths, "fcr-monitoring", result="fail", note="FCR 70% in February",
                      day=D(2026, 2, 27))
        sv.check_done(paths, "fcr-monitoring", result="pass", note="FCR 75% in March",
                      day=D(2026, 3, 31))
        # another check's entries are not the cycle's
        sv.check_done(paths, "response-review", result="fail", note="82%",
                      day=D(2026, 2, 10))
        events = cycle_events(paths, "fcr-2026")
        marks = [e for e in events if "check" in e[1]]
        assert marks == [
            ["2026-01-30", "fcr-2026: finding F1 (check fcr-monitoring failed)"],
            ["2026-02-27", "fcr-2026: check fcr-monitoring failed"],
            ["2026-03-31", "fcr-2026: check fcr-monitoring passed"]]

    def test_a_check_done_for_the_cycle_by_name(self, paths):
        sv.check_done(paths, "internal-audit", result="pass", note="TPS 26 after the change",
                      day=D(2026, 5, 4), cycle="fcr-2026")
        raw = yaml.safe_load(sv.plan_path(paths).read_text(encoding="utf-8"))
        assert raw["done"][-1]["cycle"] == "fcr-2026"
        assert ["2026-05-04", "fcr-2026: check internal-audit passed"] in cycle_events(
            paths, "fcr-2026")

    def test_an_unknown_cycle_is_refused_with_the_known_ones(self, paths):
        with pytest.raises(sv.SupervisionError, match=r"--cycle fcr-2062: .*fcr-2026"):
            sv.check_done(paths, "internal-audit", result="pass", note="x",
                          cycle="fcr-2062")

    def test_a_cycle_without_a_finding_gets_only_its_named_checks(self, paths):
        new_cycle(paths, "aht-2026", title="Shorter handle time")
        assert [e for e in cycle_events(paths, "aht-2026") if "check" in e[1]] == []

    def test_cycle_field_must_be_text(self, paths):
        text = sv.plan_path(paths).read_text(encoding="utf-8")
        sv.plan_path(paths).write_text(text.replace(
            "note: TPS 25.5}", "note: TPS 25.5, cycle: [a, b]}"), encoding="utf-8")
        with pytest.raises(sv.SupervisionError, match=r"done\[1\].*cycle: must be a cycle id"):
            sv.read_plan(paths)


class TestLanguage:
    def test_english_labels(self, paths):
        _log_monitor(paths, "fcr-2026")
        events = cycle_events(paths, "fcr-2026")
        assert ["2026-07-27", "fcr-2026: monitor signal (outside the limits)"] in events

    def test_chinese_cycle_gets_chinese_labels(self, paths, monkeypatch):
        """Every label through the catalogue of the cycle's language: a stand-in catalogue
        that marks each message it translates shows none is left as English text (the
        real Chinese messages are the catalogue's, filled by the translator)."""
        import gettext

        from pdcakit import words

        chinese = {"finding": "发现", "check": "检查", "change live": "变更上线",
                   "monitor signal": "监控信号", "planned": "计划中", "failed": "未通过",
                   "passed": "通过"}

        class Marked(gettext.NullTranslations):
            def gettext(self, message):  # the words outside the {placeholders}
                return "【" + re.sub(r"(?<!\{)\b(" + "|".join(chinese) + r")\b(?!\})",
                                     lambda m: chinese[m.group(1)], message)

        real = words.translation
        monkeypatch.setattr(words, "translation",
                            lambda language="en": Marked() if language == "zh-CN"
                            else real(language))
        with edit_record(paths, "fcr-2026") as data:
            data["language"] = "zh-CN"
            data["actions"] = [{"what": "编写脚本", "owner": "知识经理", "due": "2026-03-20",
                                "done": False}]
            data["data"] = {"tickets": "demo:tickets.csv", "before": ["2026-01-05",
                                                                      "2026-04-06"],
                            "after": ["2026-04-06", "2026-07-06"]}
        _log_monitor(paths, "fcr-2026")
        labels = [label for _, label in cycle_events(paths, "fcr-2026")]
        english = ("finding", "check", "change live", "monitor signal", "planned")
        assert not [label for label in labels if any(word in label for word in english)]
        assert any("F1" in label and "fcr-monitoring" in label for label in labels)
        assert any(label.startswith("【编写脚本") for label in labels)
        assert "【fcr-2026: 发现 F1 (检查 fcr-monitoring 【未通过)" in labels


class TestComplaintEvents:
    """A complaint escalated to a cycle (the register's optional ``cycle`` column) is marked
    on that cycle's charts when it closes; the other cases are not events."""

    def _register(self, paths: ProjectPaths, text: str) -> None:
        (paths.root / "data").mkdir(exist_ok=True)
        (paths.root / "data" / "投诉登记.csv").write_text(text, encoding="utf-8")
        with edit_record(paths, "fcr-2026") as data:
            data.setdefault("stages", {})["baseline"] = {
                "parameters": {"complaints_path": "data/投诉登记.csv"}}

    def test_a_case_naming_the_cycle_is_marked_when_it_closes(self, paths):
        self._register(paths, "id,received_at,closed_at,cycle\n"
                              "C1,2026-02-02 09:00,2026-02-05 10:00,fcr-2026\n"
                              "C2,2026-02-03,2026-02-04,\n"                   # no cycle
                              "C3,2026-02-06 09:00,,fcr-2026\n"               # still open
                              "C4,2026-02-07 09:00,2026-02-09 12:00,other\n")
        events = [e for e in cycle_events(paths, "fcr-2026") if "complaint" in e[1]]
        assert events == [["2026-02-05", "complaint C1 closed"]]

    def test_a_register_without_the_column_or_unreadable_gives_no_event(self, paths):
        self._register(paths, "id,received_at,closed_at\nC1,2026-02-02,2026-02-05\n")
        assert not [e for e in cycle_events(paths, "fcr-2026") if "complaint" in e[1]]
        self._register(paths, "id,received_at,closed_at\nC1,not a date,2026-02-05\n")
        assert not [e for e in cycle_events(paths, "fcr-2026") if "complaint" in e[1]]
