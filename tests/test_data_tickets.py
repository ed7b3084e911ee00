"""load_tickets: types, open tickets, duplicates, windows, snapshot, and every error."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.schema import TICKETS

HEADER = "id,created_at,first_response_at,resolved_at,handle_minutes,channel,csat,nps,complaint"
GOOD = [
    "T1,2026-01-05 08:00:00,2026-01-05 08:30:00,2026-01-05 10:00:00,12.5,phone,5,9,no",
    "T2,2026-01-06 09:00:00,2026-01-06 09:10:00,,3,email,,,yes",
    "T3,2026-01-07 10:00:00,,,,chat,4,10,",
    "T4,2026-01-08 11:00:00,2026-01-08 11:05:00,2026-01-09 12:00:00,720,web,1,0,N",
]


def write(tmp_path, lines, name="tickets.csv", header=HEADER):
    p = tmp_path / name
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


def replace_cell(lines, row, column, value, header=HEADER):
    """Lines with the cell at spreadsheet ``row`` (header = 1) of ``column`` replaced."""
    cols = header.split(",")
    out = list(lines)
    cells = out[row - 2].split(",")
    cells[cols.index(column)] = value
    out[row - 2] = ",".join(cells)
    return out


def assert_names(err, file, column, rows):
    msg = str(err)
    assert file in msg, msg
    assert f"column '{column}'" in msg, msg
    assert err.column == column and err.rows == rows
    if rows:   # e.g. "(rows 3: 'x', 5: 'y'; spreadsheet rows, header = row 1)"
        where = re.search(r"\((rows? .*?); spreadsheet rows, header = row 1\)", msg)
        assert where, msg
        for r in rows[:5]:
            assert re.search(rf"(?:rows? |, ){r}(?::|,|$| and)", where.group(1)), msg
    assert "Fix:" in msg


class TestLoading:
    def test_types_and_order(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD))
        expected = [c for c in TICKETS.columns if c in HEADER.split(",")] + ["is_open"]
        assert list(df.columns) == expected
        dtypes = df.dtypes.astype(str).to_dict()
        assert dtypes["created_at"] == dtypes["resolved_at"] == "datetime64[us]"
        assert dtypes["handle_minutes"] == dtypes["csat"] == "float64"
        assert dtypes["complaint"] == "boolean" and dtypes["is_open"] == "bool"
        assert dtypes["id"] == dtypes["channel"] == "str"
        assert df["complaint"].tolist() == [False, True, pd.NA, False]
        assert list(df.index) == [0, 1, 2, 3]

    def test_open_tickets_are_kept_and_flagged(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD))
        assert len(df) == 4
        assert df["is_open"].tolist() == [False, True, True, False]
        assert df["resolved_at"].isna().tolist() == df["is_open"].tolist()

    def test_attrs(self, tmp_path):
        p = write(tmp_path, GOOD, header=HEADER + ",notes,agent_email")
        lines = [line + ",x,y@z" for line in GOOD]
        p.write_text("\n".join([HEADER + ",notes,agent_email", *lines]) + "\n")
        df = data.load_tickets(p)
        assert df.attrs["source"] == str(p)
        assert df.attrs["ignored_columns"] == ["notes", "agent_email"]
        assert df.attrs["snapshot"] == pd.Timestamp("2026-01-09 12:00")  # latest timestamp
        assert df.attrs["dropped_duplicates"] == 0 and df.attrs["warnings"] == []

    def test_given_snapshot(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD), snapshot="2026-01-10")
        assert df.attrs["snapshot"] == pd.Timestamp("2026-01-10")

    def test_snapshot_before_the_data_warns(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD), snapshot="2026-01-08")
        assert any("after the snapshot" in w for w in df.attrs["warnings"])

    @pytest.mark.parametrize("text, expected", [
        ("true,false,TRUE,False", [True, False, True, False]),
        ("yes,no,Y,n", [True, False, True, False]),
        ("1,0,1.0,0", [True, False, True, False]),
        ("是,否,是,NA", [True, False, True, pd.NA]),
        ("Ja,Nein,ja,", [True, False, True, pd.NA]),
    ])
    def test_bool_spellings(self, tmp_path, text, expected):
        lines = [f"T{i},2026-01-0{i + 1} 08:00,{v}" for i, v in enumerate(text.split(","))]
        p = write(tmp_path, lines, header="id,created_at,reopened")
        df = data.load_tickets(p, true_values=["Ja"], false_values=["Nein"])
        assert df["reopened"].tolist() == expected

    @pytest.mark.parametrize("values, kwargs", [
        (["05/01/2026 08:00", "13/01/2026 17:45"], {"date_format": "%d/%m/%Y %H:%M"}),
        (["05/01/2026 08:00", "13/01/2026 17:45"], {"dayfirst": True}),
        (["05.01.2026 08:00", "13.01.2026 17:45"], {}),
        (["2026/1/5 8:00", "2026/01/13 17:45"], {}),
        (["2026-01-05T08:00:00", "2026-01-13 17:45"], {}),
        (["2026-01-05T08:00:00.250", "2026-01-13"], {}),
        (["2026/01/05 08:00", "2026/01/13"], {}),             # date-only where time is 0
    ])
    def test_date_formats(self, tmp_path, values, kwargs):
        p = write(tmp_path, [f"T{i},{v}" for i, v in enumerate(values)],
                  header="id,created_at")
        got = data.load_tickets(p, **kwargs)["created_at"]
        assert got[0].date() == dt.date(2026, 1, 5) and got[1].date() == dt.date(2026, 1, 13)

    def test_day_first_is_detected_with_a_warning(self, tmp_path):
        p = write(tmp_path, ["T1,05/01/2026 08:00", "T2,13/01/2026 09:00"],
                  header="id,created_at")
        df = data.load_tickets(p)
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 08:00")
        assert any("day-first" in w for w in df.attrs["warnings"])

    def test_ambiguous_dates_warn(self, tmp_path):
        p = write(tmp_path, ["T1,05/01/2026 08:00", "T2,03/01/2026 09:00"],
                  header="id,created_at")
        df = data.load_tickets(p)
        assert df["created_at"][0] == pd.Timestamp("2026-05-01 08:00")   # pandas' default
        assert any("also fits %d/%m/%Y" in w for w in df.attrs["warnings"])
        df = data.load_tickets(p, dayfirst=True)
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 08:00")
        assert not any("fits" in w for w in df.attrs["warnings"])

    def test_utc_offsets_are_converted_to_the_timezone(self, tmp_path):
        p = write(tmp_path, ["T1,2026-01-05T08:00:00+01:00,2026-01-05T10:00:00Z"],
                  header="id,created_at,resolved_at")
        df = data.load_tickets(p, timezone="Asia/Shanghai")   # aware in the zone (issue 17)
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 15:00", tz="Asia/Shanghai")
        assert df["resolved_at"][0] == pd.Timestamp("2026-01-05 18:00", tz="Asia/Shanghai")
        assert str(df["created_at"].dt.tz) == "Asia/Shanghai"
        utc = data.load_tickets(p)
        assert utc["created_at"].dt.tz is None
        assert utc["created_at"][0] == pd.Timestamp("2026-01-05 07:00")
        assert any("UTC" in w for w in utc.attrs["warnings"])

    def test_naive_timestamps_are_local_times_of_the_zone(self, tmp_path):
        p = write(tmp_path, ["T1,2026-01-05 08:00"], header="id,created_at")
        df = data.load_tickets(p, timezone="America/New_York")
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 08:00", tz="America/New_York")
        assert data.load_tickets(p)["created_at"][0] == pd.Timestamp("2026-01-05 08:00")

    def test_category_recoding_and_na_words(self, tmp_path):
        p = write(tmp_path, ["T1,2026-01-05,Telefon", "T2,2026-01-06,N/A", "T3,2026-01-07, web "],
                  header="id,created_at,channel")
        df = data.load_tickets(p, values={"channel": {"Telefon": "phone"}})
        assert df["channel"].tolist() == ["phone", "N/A", "web"]   # a value unless declared
        assert any(w.startswith("channel: 1 cell holds NA-like text, kept as values")
                   for w in df.attrs["warnings"])
        df = data.load_tickets(p, values={"channel": {"Telefon": "phone"}}, na_values=["N/A"])
        assert pd.isna(df["channel"][1])

    def test_decimal_comma(self, tmp_path):
        p = tmp_path / "semi.csv"
        p.write_text("id;created_at;handle_minutes\nT1;05.01.2026 08:00;8,5\n")
        assert data.load_tickets(p, decimal=",")["handle_minutes"][0] == 8.5

    def test_excel_export_with_title_rows(self, tmp_path):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Service desk - ticket export"])
        ws.merge_cells("A1:E1")
        ws.append(["from 2026-01-01 to 2026-01-31", None, None, "page 1"])
        ws.append(["Ticket No", "Opened", "Closed", "Satisfaction", "Complaint?"])
        ws.append(["A-1", dt.datetime(2026, 1, 5, 8, 0), dt.datetime(2026, 1, 5, 9, 0), 4, "Y"])
        ws.append(["A-2", "06/01/2026 10:00", None, None, "N"])
        wb.save(tmp_path / "export.xlsx")
        df = data.load_tickets(tmp_path / "export.xlsx", {
            "columns": {"id": "Ticket No", "created_at": "Opened", "resolved_at": "Closed",
                        "csat": "Satisfaction", "complaint": "Complaint?"},
            "date_format": "%d/%m/%Y %H:%M"})
        assert df.attrs["header_row"] == 3
        assert df["created_at"].tolist() == [pd.Timestamp("2026-01-05 08:00"),
                                             pd.Timestamp("2026-01-06 10:00")]
        assert df["is_open"].tolist() == [False, True]
        assert df["complaint"].tolist() == [True, False]

    def test_excel_errors_use_spreadsheet_rows(self, tmp_path):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["Ticket export"])
        ws.append(["id", "created_at", "csat"])
        ws.append(["T1", "2026-01-05 08:00", 9])
        wb.save(tmp_path / "x.xlsx")
        with pytest.raises(data.DataError) as e:
            data.load_tickets(tmp_path / "x.xlsx")
        assert e.value.rows == [3] and "header = row 2" in str(e.value)

    def test_parquet_export(self, tmp_path):
        p = tmp_path / "t.parquet"
        pd.DataFrame({
            "id": [1001, 1002], "created_at": pd.to_datetime(["2026-01-05 08:00",
                                                              "2026-01-06 08:00"]),
            "resolved_at": pd.to_datetime(["2026-01-05 09:00", None]),
            "csat": pd.array([5, None], dtype="Int8"), "reopened": [True, False],
        }).to_parquet(p)
        df = data.load_tickets(p)
        assert df["id"].tolist() == ["1001", "1002"]
        assert df["csat"].dtype == "float64" and df["reopened"].dtype == "boolean"
        assert df["is_open"].tolist() == [False, True]

    def test_parquet_tz_aware(self, tmp_path):
        p = tmp_path / "t.parquet"
        pd.DataFrame({"id": ["a"], "created_at": pd.to_datetime(["2026-01-05 08:00"])
                      .tz_localize("Europe/London")}).to_parquet(p)
        df = data.load_tickets(p, timezone="Asia/Shanghai")
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 16:00", tz="Asia/Shanghai")


class TestDuplicates:
    LINES = ("T1,2026-01-05 08:00", "T2,2026-01-05 09:00", "T1,2026-01-05 10:00",
             "T3,2026-01-05 11:00", "T2,2026-01-05 12:00")

    def test_error_names_ids_and_rows(self, tmp_path):
        p = write(tmp_path, self.LINES, header="id,created_at")
        with pytest.raises(data.DataError) as e:
            data.load_tickets(p)
        assert_names(e.value, "tickets.csv", "id", [2, 3, 4, 6])
        assert "'T1' on rows 2, 4" in str(e.value) and "'T2' on rows 3, 6" in str(e.value)
        assert "on_duplicate: keep_first" in str(e.value)  # the mapping key
        assert "-p on_duplicate keep_first" in str(e.value)  # the stage parameter

    def test_keep_first(self, tmp_path):
        p = write(tmp_path, self.LINES, header="id,created_at")
        df = data.load_tickets(p, on_duplicate="keep_first")
        assert df["id"].tolist() == ["T1", "T2", "T3"]
        assert df["created_at"][0] == pd.Timestamp("2026-01-05 08:00")
        assert df.attrs["dropped_duplicates"] == 2
        assert any("dropped 2 rows" in w for w in df.attrs["warnings"])

    def test_bad_option(self, tmp_path):
        with pytest.raises(data.DataError, match="on_duplicate must be one of error, "
                                                 "keep_first, keep_last, got 'drop'"):
            data.load_tickets(write(tmp_path, GOOD), on_duplicate="drop")


class TestWindow:
    @pytest.mark.parametrize("window, ids", [
        (("2026-01-06", "2026-01-08"), ["T2", "T3"]),
        (("2026-01-06 09:00", "2026-01-08 11:00"), ["T2", "T3"]),   # start in, end out
        ((pd.Timestamp("2026-01-07"), None), ["T3", "T4"]),
        ((None, dt.datetime(2026, 1, 6)), ["T1"]),
    ])
    def test_selects_half_open_interval(self, tmp_path, window, ids):
        df = data.load_tickets(write(tmp_path, GOOD), window=window)
        assert df["id"].tolist() == ids and list(df.index) == list(range(len(ids)))

    def test_open_tickets_in_the_window_are_kept(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD), window=("2026-01-06", "2026-01-08"))
        assert df["is_open"].all()

    def test_on_another_date_column(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD), window=("2026-01-09", "2026-01-10"),
                               date_column="resolved_at")
        assert df["id"].tolist() == ["T4"]

    def test_snapshot_comes_from_the_whole_file(self, tmp_path):
        df = data.load_tickets(write(tmp_path, GOOD), window=("2026-01-05", "2026-01-06"))
        assert df.attrs["snapshot"] == pd.Timestamp("2026-01-09 12:00")

    def test_empty_selection(self, tmp_path):
        with pytest.raises(data.DataError) as e:
            data.load_tickets(write(tmp_path, GOOD), window=("2025-01-01", "2025-02-01"))
        msg = str(e.value)
        assert "tickets.csv, column 'created_at'" in msg
        assert "no tickets between 2025-01-01 and 2025-02-01" in msg
        assert "the data covers 2026-01-05 08:00 to 2026-01-08 11:00" in msg

    @pytest.mark.parametrize("window, match", [
        (("2026-02-01", "2026-01-01"), "is not before its end"),
        (("soon", "2026-01-01"), "window start 'soon' is not a date"),
    ])
    def test_bad_window(self, tmp_path, window, match):
        with pytest.raises(data.DataError, match=match):
            data.load_tickets(write(tmp_path, GOOD), window=window)


# One case per validation error: (description, lines, header, options, column, rows, text)
BAD = [
    ("missing required column", ["T1,2026-01-05"], "ticket,created_at", {}, "id", [],
     "required column 'id'"),
    ("unparseable dates",
     replace_cell(replace_cell(GOOD, 3, "created_at", "2026-13-45 08:00"), 5, "created_at",
                  "yesterday"),
     HEADER, {}, "created_at", [3, 5], "not dates"),
    ("dates in an unknown format", ["T1,Jan fifth", "T2,Jan sixth"], "id,created_at", {},
     "created_at", [2, 3], "do not look like dates"),
    ("mixed tz-aware and naive", replace_cell(GOOD, 4, "resolved_at", "2026-01-07T12:00+08:00"),
     HEADER, {}, "resolved_at", [4], "mixes timestamps with a UTC offset"),
    ("resolved before created", replace_cell(GOOD, 2, "resolved_at", "2026-01-05 07:59:00"),
     HEADER, {}, "resolved_at", [2], "resolved before it was created"),
    ("first response before created",
     replace_cell(replace_cell(GOOD, 2, "first_response_at", "2026-01-04 08:00:00"), 5,
                  "first_response_at", "2026-01-08 10:00:00"),
     HEADER, {}, "first_response_at", [2, 5], "first answered before they were created"),
    ("negative handle time", replace_cell(GOOD, 3, "handle_minutes", "-4"), HEADER, {},
     "handle_minutes", [3], "below 0"),
    ("absurd handle time", replace_cell(GOOD, 5, "handle_minutes", "1441"), HEADER, {},
     "handle_minutes", [5], "above 1,440"),
    ("csat outside 1-5",
     replace_cell(replace_cell(GOOD, 2, "csat", "0"), 4, "csat", "6"), HEADER, {},
     "csat", [2, 4], "out of range"),
    ("nps outside 0-10", replace_cell(GOOD, 4, "nps", "11"), HEADER, {}, "nps", [4],
     "above 10"),
    ("non-numeric number", replace_cell(GOOD, 3, "handle_minutes", "3 min"), HEADER, {},
     "handle_minutes", [3], "not a number"),
    ("not a yes/no", replace_cell(GOOD, 5, "complaint", "maybe"), HEADER, {}, "complaint", [5],
     "neither yes nor no"),
    ("duplicate ids", replace_cell(GOOD, 4, "id", "T1"), HEADER, {}, "id", [2, 4],
     "more than once"),
    ("all-missing required column", ["T1,", "T2,"], "id,created_at", {}, "created_at", [],
     "empty on all 2 rows"),
    ("some required values missing", ["T1,2026-01-05", ",2026-01-06"], "id,created_at", {},
     "id", [3], "1 row has no id"),
    ("placeholder date", replace_cell(GOOD, 2, "resolved_at", "9999-12-31 00:00:00"),
     HEADER, {}, "resolved_at", [2], "placeholder"),
    ("empty selection", GOOD, HEADER, {"window": ("2027-01-01", "2027-02-01")},
     "created_at", [], "no tickets between"),
]


@pytest.mark.parametrize("case, lines, header, options, column, rows, text", BAD,
                         ids=[b[0] for b in BAD])
def test_validation_errors_name_file_column_rows_and_fix(tmp_path, case, lines, header,
                                                         options, column, rows, text):
    p = write(tmp_path, lines, name="my tickets.csv", header=header)
    with pytest.raises(data.DataError) as e:
        data.load_tickets(p, **options)
    assert_names(e.value, "my tickets.csv", column, rows)
    assert text in str(e.value)


def test_mapped_column_errors_also_name_the_source_column(tmp_path):
    p = write(tmp_path, ["T1,2026-01-05 08:00,7"], header="Ticket,Opened,Score")
    with pytest.raises(data.DataError) as e:
        data.load_tickets(p, {"columns": {"id": "Ticket", "created_at": "Opened",
                                          "csat": "Score"}})
    assert "column 'csat'" in str(e.value) and "(column 'Score' in the file)" in str(e.value)


def test_unparseable_dates_show_values_and_suggest_a_format(tmp_path):
    p = write(tmp_path, ["T1,2026-01-05 08:00", "T2,05/01/2026 08:00"], header="id,created_at")
    with pytest.raises(data.DataError) as e:
        data.load_tickets(p)
    msg = str(e.value)
    assert "row 3: '05/01/2026 08:00'" in msg and "date_format: " in msg
    assert "dayfirst: true" in msg and "-p dayfirst true" in msg


def test_more_than_five_bad_rows_are_counted(tmp_path):
    lines = [f"T{i},2026-01-05 08:00,{9 if i % 2 else 3}" for i in range(20)]
    p = write(tmp_path, lines, header="id,created_at,csat")
    with pytest.raises(data.DataError) as e:
        data.load_tickets(p)
    assert "rows 3: 9, 5: 9, 7: 9, 9: 9, 11: 9 and 5 more" in str(e.value)
    assert len(e.value.rows) == 10
