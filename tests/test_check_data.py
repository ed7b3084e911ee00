"""peek_export (the quick look before a kernel starts) and describe_export (what
``pdca check-data FILE`` says), on the issue-14 shapes made by tests/exports.py."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from exports import chinese_city_council_cases, city_council_cases, helpdesk_without_response
from pdcakit import data

EMPTY_MONTHS = ("2016-02", "2019-11", "2021-04")


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    return city_council_cases(tmp_path_factory.mktemp("council"), rows=8_000)


@pytest.fixture(scope="module")
def wide(council, tmp_path_factory):
    """The council export as a real system writes it: its own column names, a mapped
    channel column that is empty, and columns nothing maps (ward, status, free text)."""
    folder = tmp_path_factory.mktemp("wide")
    raw = pd.read_csv(council.path, dtype=str, keep_default_na=False)
    raw = raw.rename(columns={"id": "Case Reference", "created_at": "Date Received",
                              "resolved_at": "Date Closed", "category": "Case Type"})
    raw["Ward"] = "North"
    raw["Status"] = (raw["Date Closed"] == "").map({True: "Open", False: "Closed"})
    raw["Description"] = "Resident reports an issue, near the junction"
    raw["Channel Received"] = ""
    path = folder / "council_cases.csv"
    raw.to_csv(path, index=False)
    mapping = folder / "council.yaml"
    mapping.write_text("columns:\n  id: Case Reference\n  created_at: Date Received\n"
                       "  resolved_at: Date Closed\n  category: Case Type\n"
                       "  channel: Channel Received\non_duplicate: keep_first\n")
    return path, mapping


def open_rows(export) -> int:
    """Rows of the file still open (a repeated id counts once per row)."""
    raw = pd.read_csv(export.path, dtype=str, keep_default_na=False,
                      encoding="gb18030" if "gb18030" in export.path.name else "utf-8")
    return int((raw.iloc[:, 2] == "").sum())


class TestPeek:
    def test_council_export(self, council):
        peek = data.peek_export(council.path)
        assert peek.rows == council.rows == 8_000
        assert peek.header == council.columns and peek.present == council.columns
        assert peek.unmapped == () and peek.columns == {c: c for c in council.columns}
        assert peek.created_min == council.cases["created_at"].min()
        assert peek.created_max == council.cases["created_at"].max()

    def test_mapped_empty_and_unmapped_columns(self, wide):
        path, mapping = wide
        peek = data.peek_export(path, mapping)
        assert peek.columns["id"] == "Case Reference" and peek.columns["channel"] == \
            "Channel Received"
        assert "channel" not in peek.present        # mapped, but empty in every row
        assert peek.present == ("id", "created_at", "resolved_at", "category")
        assert peek.unmapped == ("Ward", "Status", "Description")
        json.dumps(peek.as_dict())

    def test_gb18030_chinese_export(self, tmp_path):
        e = chinese_city_council_cases(tmp_path, rows=3_000)
        peek = data.peek_export(e.path, e.mapping)
        assert peek.header == ("编号", "创建时间", "解决时间", "类别") and peek.rows == 3_000
        assert peek.present == e.columns
        assert peek.created_max == e.cases["created_at"].max()

    def test_matches_the_full_load_on_the_demo(self):
        peek = data.peek_export("demo:tickets.csv")
        t = data.load_tickets("demo:tickets.csv")
        assert peek.rows == len(t) and peek.file == t.attrs["source"]
        assert peek.created_min == t["created_at"].min()
        assert peek.created_max == t["created_at"].max()
        assert set(peek.present) == {c for c in t.columns if c != "is_open"}

    @pytest.mark.parametrize("fmt", ["parquet", "xlsx", "csv.gz", "semicolon"])
    def test_other_formats(self, council, tmp_path, fmt):
        raw = pd.read_csv(council.path, dtype=str, keep_default_na=False).head(500)
        path = tmp_path / f"cases.{fmt if fmt != 'semicolon' else 'csv'}"
        if fmt == "parquet":
            raw.to_parquet(path)
        elif fmt == "xlsx":
            raw.to_excel(path, index=False)
        else:
            raw.to_csv(path, index=False, sep=";" if fmt == "semicolon" else ",")
        peek = data.peek_export(path)
        assert peek.rows == 500 and peek.header == council.columns
        assert peek.created_max == pd.Timestamp(raw["created_at"].max())

    def test_irregular_row_falls_back_to_the_exact_reader(self, tmp_path):
        p = tmp_path / "ragged.csv"
        p.write_text("id,created_at\nC1,2024-01-05\nC2,2024-01-06,extra\n")
        with pytest.raises(data.DataError, match="different number of fields"):
            data.peek_export(p)

    def test_full_size_export(self, tmp_path):
        """The user's 341,299 rows: the count and range are exact (speed: see the report)."""
        e = city_council_cases(tmp_path, rows=341_299)
        peek = data.peek_export(e.path, e.mapping)
        assert peek.rows == 341_299 and peek.created_max == e.cases["created_at"].max()
        assert peek.created_min == pd.Timestamp("2015-01-01")


class TestPeekErrors:
    def test_missing_file(self, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        with pytest.raises(data.DataError) as e:
            data.peek_export("exports/cases.csv")
        assert "exports/cases.csv: file not found" in str(e.value)
        assert f"relative paths start at {tmp_path}" in str(e.value)

    def test_folder_and_special_files(self, tmp_path):
        with pytest.raises(data.DataError, match="is a folder, not a file"):
            data.peek_export(tmp_path)
        fifo = tmp_path / "pipe.csv"
        os.mkfifo(fifo)
        with pytest.raises(data.DataError, match="is not a regular file"):
            data.peek_export(fifo)

    def test_unknown_mapping_key_suggests_the_close_one(self, council, tmp_path):
        m = tmp_path / "m.yaml"
        m.write_text("colums: {id: Ref}\non_dupliate: keep_first\n")
        with pytest.raises(data.DataError) as e:
            data.peek_export(council.path, m)
        msg = str(e.value)
        assert "m.yaml" in msg and "'colums' (did you mean 'columns'?)" in msg
        assert "'on_dupliate' (did you mean 'on_duplicate'?)" in msg

    def test_unknown_option_suggests_the_close_one(self, council):
        with pytest.raises(data.DataError, match=r"unknown option 'snapshop' \(did you mean "
                                                 r"'snapshot'\?\)"):
            data.peek_export(council.path, snapshop="2025-01-01")

    def test_mapped_column_not_in_the_header(self, wide):
        path, _ = wide
        with pytest.raises(data.DataError) as e:
            data.peek_export(path, {"columns": {"id": "Case Reference",
                                                "created_at": "Date Recieved"}})
        msg = str(e.value)
        assert "council_cases.csv, column 'Date Recieved'" in msg
        assert "closest: 'Date Received'" in msg and "Correct the mapping's columns" in msg

    def test_unknown_canonical_name_in_the_mapping(self, council):
        with pytest.raises(data.DataError, match="did you mean 'created_at'"):
            data.peek_export(council.path, {"columns": {"creatd_at": "created_at"}})

    def test_no_created_at(self, wide):
        path, _ = wide
        with pytest.raises(data.DataError) as e:
            data.peek_export(path, {"columns": {"id": "Case Reference"}})
        assert "required column 'created_at'" in str(e.value)

    def test_bad_option_value(self, council):
        with pytest.raises(data.DataError, match="dayfirst must be true or false"):
            data.peek_export(council.path, dayfirst="sometimes")


class TestDescribe:
    def test_council_export_sentences(self, council):
        s = data.describe_export(council.path)   # no mapping: repeated ids would stop a load
        assert s.rows == 8_000 and s.repeated_ids == 105 and s.repeated_rows == 105
        assert len(s.repeated_examples) == 3 and s.on_duplicate == "error"
        assert s.empty_months == EMPTY_MONTHS and s.months == 120 and s.date_only
        assert s.snapshot == council.snapshot
        assert s.snapshot_source == "inferred from the latest timestamp"
        assert s.open_rows == open_rows(council) and 0.02 < s.open_share < 0.08
        assert s.open_last_year > s.open_rows / 2          # most open cases are recent
        assert s.kpis == ("time_to_resolve", "resolution_rate", "sla_resolution")
        assert "first_contact_resolved" in s.kpis_skipped["fcr"]
        assert "handle_minutes" in s.kpis_skipped["aht"]
        text = "\n".join(s.lines())
        assert "8,000 rows created 2015-01" in text
        assert "3 with no cases: 2016-02, 2019-11, 2021-04" in text
        assert "dates without a time of day" in text
        assert "inferred from the latest timestamp" in text and "-p snapshot" in text
        assert "105 ids appear on more than one row" in text
        assert "Loading stops on them" in text and "-p on_duplicate keep_first" in text
        assert "It cannot compute Complaint rate (complaint_rate): needs the column " \
               "complaint" in text
        assert "baseline: runs" in text and "compare: runs" in text
        assert "efficiency, ticket times: runs: uses resolved_at" in text
        assert "-p steps_path FILE" in text

    def test_mapping_policy_and_given_snapshot(self, council):
        s = data.describe_export(council.path, council.mapping, snapshot="2025-01-06")
        assert s.on_duplicate == "keep_first" and s.snapshot == pd.Timestamp("2025-01-06")
        text = "\n".join(s.lines())
        assert "The stages keep the first row of each id (on_duplicate: keep_first)" in text
        assert "Snapshot (when the export was taken): 2025-01-06, given." in text

    def test_keyword_error_policy_still_describes(self, council):
        s = data.describe_export(council.path, council.mapping, on_duplicate="error")
        assert s.repeated_ids == 105 and "Loading stops on them" in "\n".join(s.lines())

    def test_columns_of_a_real_system(self, wide):
        path, mapping = wide
        s = data.describe_export(path, mapping)
        assert s.empty == ("channel",) and s.unmapped == ("Ward", "Status", "Description")
        text = "\n".join(s.lines())
        assert "id <- 'Case Reference'" in text
        assert "Mapped but empty in every row (not used): channel ('Channel Received')" in text
        assert "'Ward', 'Status', 'Description'" in text
        d = s.as_dict()
        assert json.loads(json.dumps(d))["snapshot_source"] == s.snapshot_source
        assert d["stages"][0] == {"stage": "baseline", "runs": True,
                                  "detail": "has id and created_at"}

    def test_chinese_export(self, tmp_path):
        e = chinese_city_council_cases(tmp_path, rows=3_000)
        s = data.describe_export(e.path, e.mapping)
        assert s.columns["category"] == "类别" and s.repeated_ids == 105
        assert s.open_rows == open_rows(e)
        assert "category <- '类别'" in "\n".join(s.lines())

    def test_helpdesk_without_response_columns(self, tmp_path):
        e = helpdesk_without_response(tmp_path, rows=1_500)
        s = data.describe_export(e.path)
        assert not s.date_only and s.repeated_ids == 0 and s.empty_months == ()
        assert {"fcr", "csat", "reopen_rate", "time_to_resolve"} <= set(s.kpis)
        assert set(s.kpis_skipped) == {"first_response_time", "aht", "complaint_rate",
                                       "sla_first_response", "nps"}
        assert "Every id appears once." in s.lines()

    def test_export_without_resolved_at(self, tmp_path):
        p = tmp_path / "opened_only.csv"
        p.write_text("id,created_at,category\nC1,2024-01-05,Parking\nC2,2024-01-09,Noise\n")
        s = data.describe_export(p)
        assert s.open_rows is None and s.open_share is None
        text = "\n".join(s.lines())
        assert "No resolved_at column" in text
        assert "efficiency, ticket times: not from this export: needs handle_minutes or " \
               "resolved_at" in text

    def test_other_errors_still_raise(self, tmp_path):
        p = tmp_path / "backwards.csv"
        p.write_text("id,created_at,resolved_at\nC1,2024-01-05,2024-01-03\n")
        with pytest.raises(data.DataError, match="resolved before it was created"):
            data.describe_export(p)
