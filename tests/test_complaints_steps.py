"""Complaint exports with one row per step (received / assigned / resolved / followed up,
as case-management systems export them) folded into one case per complaint id; the
contradictions named with their rows (issue 28)."""

from __future__ import annotations

import pytest

from pdcakit.data import DataError
from pdcakit.registers import complaints as cmp
from pdcakit.registers.loading import load_complaints

#: A Chinese case-management export as it comes: its own headers, steps in Chinese (and
#: an English team's rows), date-only times, several rows per case, a case still open, a
#: case reopened after its resolution, a deadline moved by an escalation.
HEADER = "工单号,环节,时间,处理人,办结期限,结果,重复投诉,渠道"
ROWS = [
    "TS-001,受理,2026-03-02,王伟,2026-03-07,,,电话",
    "TS-001,转派,2026-03-03,李娜,2026-03-07,,,电话",
    "TS-001,办结,2026-03-05,李娜,,属实,,电话",
    "TS-001,回访,2026-03-09,回访组,,,,电话",
    "TS-002,received,2026-03-02,Priya Shah,2026-03-07,,,email",
    "TS-002,resolved,2026-03-10,Priya Shah,,not upheld,,email",
    "TS-003,受理,2026-03-04,王伟,2026-03-09,,TS-001,电话",
    "TS-003,升级,2026-03-06,张敏,2026-03-16,,,电话",          # escalated, deadline moved
    "TS-004,受理,2026-03-05,王伟,2026-03-10,,,在线",           # never closed
    "TS-005,受理,2026-03-05,李娜,2026-03-10,,,在线",
    "TS-005,办结,2026-03-06,李娜,,不属实,,在线",
    "TS-005,重新打开,2026-03-08,张敏,,,,在线",                # reopened: open again
]
MAPPING = {"columns": {"id": "工单号", "step": "环节", "at": "时间", "owner": "处理人",
                       "deadline": "办结期限", "outcome": "结果", "repeat_of": "重复投诉",
                       "channel": "渠道"}}


def write(tmp_path, rows, header=HEADER, name="steps.csv"):
    path = tmp_path / name
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def cases(tmp_path):
    return load_complaints(write(tmp_path, ROWS), MAPPING, snapshot="2026-03-20")


class TestFolded:
    def test_one_case_per_complaint(self, cases):
        assert cases["id"].tolist() == ["TS-001", "TS-002", "TS-003", "TS-004", "TS-005"]
        assert cases["steps"].tolist() == [4, 2, 2, 1, 3]
        assert [f"{d:%m-%d}" for d in cases["received_at"]] == ["03-02", "03-02", "03-04",
                                                                "03-05", "03-05"]

    def test_close_follow_up_and_open_cases(self, cases):
        closed = cases.set_index("id")["closed_at"]
        assert f"{closed['TS-001']:%m-%d}" == "03-05" and f"{closed['TS-002']:%m-%d}" == "03-10"
        # no resolved step, and a case reopened after its resolution: both open
        assert closed[["TS-003", "TS-004", "TS-005"]].isna().all()
        assert cases["is_open"].tolist() == [False, False, True, True, True]
        follow = cases.set_index("id")["followed_up_at"]
        assert f"{follow['TS-001']:%m-%d}" == "03-09" and follow.isna().sum() == 4

    def test_owner_of_the_last_step_and_the_first_deadline(self, cases):
        by_id = cases.set_index("id")
        # the follow-up team does not own the case; the escalation hands TS-003 to 张敏
        assert by_id["owner"].tolist() == ["李娜", "Priya Shah", "张敏", "王伟", "张敏"]
        assert f"{by_id.loc['TS-003', 'deadline']:%m-%d}" == "03-09"  # the promise made
        assert by_id["outcome"].tolist()[:2] == ["属实", "not upheld"]
        assert by_id.loc["TS-003", "repeat_of"] == "TS-001"
        warnings = " ".join(cases.attrs["warnings"])
        assert "12 rows of steps folded into 5 cases" in warnings
        assert "1 case carries more than one deadline" in warnings

    def test_kpis_as_from_the_same_register_one_row_per_case(self, cases, tmp_path):
        flat = write(tmp_path, [
            "TS-001,2026-03-02,李娜,2026-03-07,2026-03-05,属实,",
            "TS-002,2026-03-02,Priya Shah,2026-03-07,2026-03-10,not upheld,",
            "TS-003,2026-03-04,张敏,2026-03-09,,,TS-001",
            "TS-004,2026-03-05,王伟,2026-03-10,,,",
            "TS-005,2026-03-05,张敏,2026-03-10,,,"],
            header="id,received_at,owner,deadline,closed_at,outcome,repeat_of", name="flat.csv")
        one = load_complaints(flat, snapshot="2026-03-20")
        a, b = cmp.time_to_close(cases), cmp.time_to_close(one)
        assert (a.median_days, a.n, a.n_open) == (b.median_days, b.n, b.n_open)
        assert cmp.closed_by_deadline(cases).as_dict() == cmp.closed_by_deadline(one).as_dict()
        assert cmp.repeat_rate(cases).value == cmp.repeat_rate(one).value == 0.2
        assert cmp.overdue_by_owner(cases).to_dict("records") == \
            cmp.overdue_by_owner(one).to_dict("records")

    def test_rows_in_any_order(self, tmp_path):
        shuffled = load_complaints(write(tmp_path, ROWS[::-1]), MAPPING, snapshot="2026-03-20")
        assert shuffled["id"].tolist()[0] == "TS-005"  # indexed by its receipt's row
        assert sorted(shuffled["id"]) == ["TS-001", "TS-002", "TS-003", "TS-004", "TS-005"]
        assert shuffled.set_index("id").loc["TS-001", "owner"] == "李娜"


class TestContradictions:
    @pytest.mark.parametrize(("extra", "message"), [
        (["TS-002,received,2026-03-03,Priya Shah,,,,email"],
         r"1 case received at two different times \(TS-002\).*rows 6, 14"),
        (["TS-006,办结,2026-03-06,李娜,,属实,,电话"],
         r"1 case without a received step \(TS-006\).*row 14"),
        (["TS-004,办结,2026-03-01,王伟,,,,在线"],
         r"with a step dated before the receipt \(TS-004\).*row 14"),
        (["TS-004,回访,2026-03-12,回访组,,,,在线"],
         r"followed up before being resolved \(TS-004\).*rows 10, 14"),
        (["TS-002,resolved,2026-03-11,Priya Shah,,,,phone"],
         r"two different channel values \(TS-002\).*rows 6: 'email', 7: 'email', 14: 'phone'"),
        (["TS-004,pending customer,2026-03-06,王伟,,,,在线"],
         r"1 row\(s\) name a step the register does not know \('pending customer'\).*row 14"
         r".*values: \{step: \{'pending customer': assigned\}\}"),
        (["TS-004,,2026-03-06,王伟,,,,在线"], r"1 row\(s\) with no step.*row 14"),
    ])
    def test_named_with_rows_and_fix(self, tmp_path, extra, message):
        with pytest.raises(DataError, match=message) as caught:
            load_complaints(write(tmp_path, ROWS + extra), MAPPING)
        assert "steps.csv" in str(caught.value) and "Fix:" in str(caught.value)

    def test_steps_without_their_times(self, tmp_path):
        mapping = {"columns": {k: v for k, v in MAPPING["columns"].items() if k != "at"}}
        with pytest.raises(DataError, match=r"step column but no time.*columns: at:"):
            load_complaints(write(tmp_path, ROWS), mapping)

    def test_a_case_export_still_needs_its_receipt(self, tmp_path):
        path = write(tmp_path, ["C1,Li"], header="id,owner", name="cases.csv")
        with pytest.raises(DataError, match="required column 'received_at'"):
            load_complaints(path)
