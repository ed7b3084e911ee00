"""Several supervision plans, one file each (``pdca/supervision/*.yaml``), beside or
instead of ``pdca/supervision.yaml``: read together, ids unique across the files (both
files named), checks done written into their own file under one lock, findings numbered
over all files, every plan on the portfolio (issue 28)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import yaml

from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker import supervision as sv
from pdcakit.tracker.registers_view import supervision_section

D = dt.date

MAIN = """\
checks:
  - {id: fcr-monitoring, activity: 首次解决率过程监控, frequency: 每月, owner: 质量分析师,
     standard: FCR at least 74% every month, start: 2026-01-31}
done:
  - {check: fcr-monitoring, date: 2026-01-30, result: fail, note: FCR 68%,
     findings: [{id: F1, text: FCR below standard}]}
"""
AUDIT = """\
# the yearly internal audit, kept by the quality department
checks:
  - id: internal-audit
    activity: Internal audit of the service process
    frequency: yearly
    owner: Quality analyst
    standard: TPS at least 24 of 30
    start: 2025-10-15
"""
SITE = """\
checks:
  - {id: counter-review, activity: 窗口服务抽查, frequency: 每季度, owner: 窗口主管,
     standard: 90% of visits served within 15 minutes, start: 2026-03-31}
"""


@pytest.fixture()
def paths(tmp_path) -> ProjectPaths:
    paths = ProjectPaths(init_workbook(tmp_path / "wb").root)
    folder = paths.records / "supervision"
    folder.mkdir()
    sv.plan_path(paths).write_text(MAIN, encoding="utf-8")
    (folder / "audit.yaml").write_text(AUDIT, encoding="utf-8")
    (folder / "beijing.yaml").write_text(SITE, encoding="utf-8")
    (folder / ".beijing.yaml.lock").write_text("")
    (folder / "notes.txt").write_text("not a plan")
    return paths


class TestReadTogether:
    def test_every_file_one_plan(self, paths):
        plan = sv.read_plan(paths)
        assert [c.id for c in plan.checks] == ["fcr-monitoring", "internal-audit",
                                               "counter-review"]
        assert [p.name for p in plan.files] == ["supervision.yaml", "audit.yaml",
                                                "beijing.yaml"]
        assert plan.check("counter-review").file.name == "beijing.yaml"
        assert plan.finding("F1").check == "fcr-monitoring"

    def test_folder_only(self, paths):
        sv.plan_path(paths).unlink()
        plan = sv.read_plan(paths)
        assert [c.id for c in plan.checks] == ["internal-audit", "counter-review"]

    def test_a_check_id_in_two_files_names_both(self, paths):
        (paths.records / "supervision" / "copy.yaml").write_text(AUDIT, encoding="utf-8")
        with pytest.raises(sv.SupervisionError) as caught:
            sv.read_plan(paths)
        message = str(caught.value)
        assert "'internal-audit'" in message and "audit.yaml (line 3)" in message
        assert "copy.yaml (line 3)" in message and "its own id" in message

    def test_a_finding_id_in_two_files_names_both(self, paths):
        (paths.records / "supervision" / "audit.yaml").write_text(AUDIT + (
            "done:\n  - {check: internal-audit, date: 2025-10-15, result: fail, note: TPS 22,"
            " findings: [{id: F1, text: scripts not followed}]}\n"), encoding="utf-8")
        with pytest.raises(sv.SupervisionError, match=r"finding id 'F1' is in .*supervision"
                                                      r"\.yaml and in .*audit\.yaml"):
            sv.read_plan(paths)

    def test_a_broken_file_is_named(self, paths):
        (paths.records / "supervision" / "beijing.yaml").write_text(
            "checks:\n  - {id: counter-review, activity: x, frequency: sometimes, owner: y, "
            "standard: z}\n", encoding="utf-8")
        with pytest.raises(sv.SupervisionError, match=r"beijing\.yaml: checks\[1\] \(line 2\)"
                                                      r"\.frequency"):
            sv.read_plan(paths)


class TestCheckDone:
    def test_written_into_its_own_file_findings_numbered_over_all(self, paths):
        entry, check = sv.check_done(paths, "counter-review", result="fail",
                                     note="78% within 15 minutes", day=D(2026, 3, 31),
                                     findings=("午间窗口排队超过20分钟",))
        assert entry.findings[0].id == "F2" and check.file.name == "beijing.yaml"
        beijing = yaml.safe_load((paths.records / "supervision" / "beijing.yaml")
                                 .read_text(encoding="utf-8"))
        assert beijing["done"][0]["findings"] == [{"id": "F2", "text": "午间窗口排队超过20分钟"}]
        assert "done" not in yaml.safe_load((paths.records / "supervision" / "audit.yaml")
                                            .read_text(encoding="utf-8"))
        assert "# the yearly internal audit" in (paths.records / "supervision" /
                                                 "audit.yaml").read_text(encoding="utf-8")
        assert check.next_due(D(2026, 4, 1)) == D(2026, 6, 30)  # quarterly from 31 Mar

    def test_concurrent_findings_in_two_files_get_distinct_numbers(self, paths):
        errors = []

        def log(check_id: str, k: int) -> None:
            try:
                sv.check_done(paths, check_id, result="fail", note=f"run {k}",
                              findings=(f"finding {check_id} {k}",), day=D(2026, 4, 1))
            except Exception as exc:  # pragma: no cover - shown by the assert
                errors.append(exc)

        threads = [threading.Thread(target=log, args=(c, k)) for k in range(4)
                   for c in ("counter-review", "internal-audit")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        ids = [f.id for f in sv.read_plan(paths).findings]
        assert len(ids) == 9 and len(set(ids)) == 9

    def test_no_plan_at_all_says_both_places(self, tmp_path):
        paths = ProjectPaths(init_workbook(tmp_path / "empty").root)
        with pytest.raises(sv.SupervisionError, match=r"supervision\.yaml.*pdca/supervision/"):
            sv.check_done(paths, "x", result="pass", note="n")


class TestPortfolio:
    def test_every_plan_shown_with_its_name(self, paths):
        section = supervision_section(paths, D(2026, 4, 1))
        assert section.problem == ""
        assert [r["Plan"] for r in section.rows] == ["supervision", "audit", "beijing"]
        assert "3 check(s) in 3 plan files (supervision, audit, beijing)" in section.intro

    def test_one_file_keeps_the_plain_table(self, tmp_path):
        paths = ProjectPaths(init_workbook(tmp_path / "one").root)
        sv.plan_path(paths).write_text(MAIN, encoding="utf-8")
        section = supervision_section(paths, D(2026, 4, 1))
        assert "Plan" not in section.rows[0] and section.intro.startswith("1 check(s);")


def test_a_chinese_check_id_is_a_check_id(tmp_path):
    """A Chinese team names its checks in Chinese (内部审核); a capitalised id is refused
    once, and a logged check naming it is not refused a second time ('name one of (none)')."""
    from pdcakit.tracker.supervision import plan_problems

    good = {"checks": [{"id": "内部审核", "activity": "内部审核", "content": "全流程",
                        "frequency": "yearly", "owner": "质量部", "standard": "无不符合项"}]}
    assert plan_problems(good) == []
    bad = {"checks": [{**good["checks"][0], "id": "Internal-Audit"}],
           "done": [{"check": "Internal-Audit", "date": "2026-01-05", "result": "pass",
                     "note": "ok"}]}
    found = plan_problems(bad)
    assert len(found) == 1 and "'Internal-Audit'" in found[0] and "内部审核" in found[0]
