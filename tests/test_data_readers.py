"""read_table: file types, encodings, delimiters, header detection, row numbers."""

from __future__ import annotations

import datetime as dt
import gzip

import openpyxl
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.readers import find_header, sniff_delimiter

ZH_TEXT = ("工单编号,创建时间,渠道,一次解决\r\n"
           "T1,2026/01/05 08:15,电话,是\r\n"
           "T2,2026/01/06 09:30,邮件,否\r\n")


def write_xlsx(path, rows, title_rows=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Export"
    for t in title_rows:
        ws.append(t)
    if title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for r in rows:
        ws.append(r)
    wb.create_sheet("Notes").append(["nothing here"])
    wb.save(path)
    return path


class TestEncodings:
    def test_gb18030_with_chinese_headers(self, tmp_path):
        p = tmp_path / "zh.csv"
        p.write_bytes(ZH_TEXT.encode("gb18030"))
        df = data.read_table(p)
        assert list(df.columns) == ["工单编号", "创建时间", "渠道", "一次解决"]
        assert df["渠道"].tolist() == ["电话", "邮件"]
        assert df.attrs["encoding"] == "gb18030"

    def test_utf8_with_bom(self, tmp_path):
        p = tmp_path / "bom.csv"
        p.write_bytes("\ufeffid,created_at\nT1,2026-01-05\n".encode())
        df = data.read_table(p)
        assert list(df.columns) == ["id", "created_at"]   # no BOM in the first name
        assert df.attrs["encoding"] == "utf-8-sig"

    def test_utf16_unicode_text_from_excel(self, tmp_path):
        p = tmp_path / "unicode.txt"
        p.write_bytes("id\tcreated_at\nT1\t2026-01-05\n".encode("utf-16"))
        df = data.read_table(p)
        assert df.loc[2, "created_at"] == "2026-01-05"

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
    def test_utf8_file_under_a_gb18030_preset(self, tmp_path, encoding):
        p = tmp_path / "resaved.csv"
        p.write_bytes(ZH_TEXT.encode(encoding))
        df = data.read_table(p, encoding="gb18030")
        assert df.columns[0] == "工单编号"
        assert "not the given encoding 'gb18030'" in df.attrs["warnings"][0]

    def test_explicit_encoding(self, tmp_path):
        p = tmp_path / "latin.csv"
        p.write_bytes("id,site\nT1,Zürich\n".encode("cp1252"))
        assert data.read_table(p, encoding="cp1252").loc[2, "site"] == "Zürich"

    def test_undecodable_text_names_the_file(self, tmp_path):
        p = tmp_path / "odd.csv"
        p.write_bytes(b"id,site\nT1,\x80\xff\n")
        with pytest.raises(data.DataError) as e:
            data.read_table(p)
        assert "odd.csv" in str(e.value) and "encoding: cp1252" in str(e.value)

    def test_unknown_encoding_name(self, tmp_path):
        p = tmp_path / "a.csv"
        p.write_text("id\nT1\n")
        with pytest.raises(data.DataError, match="unknown encoding"):
            data.read_table(p, encoding="klingon")


class TestDelimiters:
    @pytest.mark.parametrize("delim, name", [(",", "a.csv"), (";", "a.csv"), ("\t", "a.tsv"),
                                             ("|", "a.txt"), ("\t", "a.csv")])
    def test_sniffed(self, tmp_path, delim, name):
        p = tmp_path / name
        rows = [["id", "created_at", "note"], ["T1", "2026-01-05", "a, b; c"],
                ["T2", "2026-01-06", "x"]]
        p.write_text("\n".join(delim.join(f'"{c}"' if "," in c or ";" in c else c for c in r)
                               for r in rows) + "\n")
        df = data.read_table(p)
        assert df.attrs["delimiter"] == delim
        assert list(df.columns) == ["id", "created_at", "note"]
        assert df.loc[2, "note"] == "a, b; c"

    def test_given_delimiter_wins(self, tmp_path):
        p = tmp_path / "a.csv"
        p.write_text("id;x,y\nT1;1,2\n")
        assert list(data.read_table(p, delimiter=",").columns) == ["id;x", "y"]

    @pytest.mark.parametrize("sample, expected", [
        ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1;2,5;3\n", ";"), ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"), ("single\nvalue\n", ","),
    ])
    def test_sniff_delimiter(self, sample, expected):
        assert sniff_delimiter(sample) == expected


class TestFileTypes:
    def test_gzipped_csv(self, tmp_path):
        p = tmp_path / "t.csv.gz"
        p.write_bytes(gzip.compress(b"id,created_at\nT1,2026-01-05\n"))
        assert data.read_table(p).loc[2, "id"] == "T1"

    def test_parquet_keeps_types(self, tmp_path):
        p = tmp_path / "t.parquet"
        pd.DataFrame({"id": ["T1", "T2"], "csat": [4, 5],
                      "created_at": pd.to_datetime(["2026-01-05", "2026-01-06"])}
                     ).to_parquet(p)
        df = data.read_table(p)
        assert df.attrs["format"] == "parquet"
        assert df["csat"].tolist() == [4, 5] and list(df.index) == [2, 3]

    def test_parquet_named_index_becomes_a_column(self, tmp_path):
        p = tmp_path / "t.pq"
        pd.DataFrame({"csat": [4]}, index=pd.Index(["T1"], name="id")).to_parquet(p)
        assert list(data.read_table(p).columns) == ["id", "csat"]

    def test_xlsx_with_title_rows_above_the_header(self, tmp_path):
        p = write_xlsx(tmp_path / "t.xlsx",
                       [["id", "created_at", "csat", "complaint"],
                        ["T1", dt.datetime(2026, 1, 5, 8, 15), 4, True],
                        [1002, "2026-01-06 09:00", 4.5, None]],
                       title_rows=[["Help desk export"], ["Generated 2026-07-06"]])
        df = data.read_table(p)
        assert df.attrs["header_row"] == 3
        assert list(df.index) == [4, 5]             # spreadsheet rows
        assert df.loc[4, "created_at"] == "2026-01-05 08:15:00"
        assert df.loc[5, "id"] == "1002" and df.loc[4, "csat"] == "4"
        assert df.loc[4, "complaint"] == "true" and pd.isna(df.loc[5, "complaint"])

    def test_xlsx_sheet_choice_and_header_row_option(self, tmp_path):
        p = write_xlsx(tmp_path / "t.xlsx", [["a", "b"], ["x", "y"], ["z", "w"]])
        df = data.read_table(p, sheet="export", header_row=2)   # names: case-insensitive
        assert list(df.columns) == ["x", "y"] and list(df.index) == [3]
        with pytest.raises(data.DataError, match="header but no data rows"):
            data.read_table(p, sheet=1)                          # "Notes": one row only

    def test_xlsx_unknown_sheet_lists_sheets(self, tmp_path):
        p = write_xlsx(tmp_path / "t.xlsx", [["a", "b"], ["x", "y"]])
        with pytest.raises(data.DataError) as e:
            data.read_table(p, sheet="Data")
        assert "'Export', 'Notes'" in str(e.value) and "t.xlsx" in str(e.value)

    def test_damaged_xlsx(self, tmp_path):
        p = tmp_path / "bad.xlsx"
        p.write_bytes(b"PK\x03\x04 not really a zip")
        with pytest.raises(data.DataError, match="cannot open as an Excel workbook"):
            data.read_table(p)


class TestHeaderAndRows:
    @pytest.mark.parametrize("text, header_row", [
        ("Ticket export,,\n\nid,created_at,csat\nT1,2026-01-05,4\n", 3),
        ("Ticket export\nid,created_at,csat\nT1,2026-01-05,4\nT2,2026-01-06,5\n", 2),
    ])
    def test_title_lines_in_a_csv(self, tmp_path, text, header_row):
        p = tmp_path / "t.csv"
        p.write_text(text)
        df = data.read_table(p, expect=["id", "created_at"])
        assert df.attrs["header_row"] == header_row
        assert df.index[0] == header_row + 1 and df.loc[header_row + 1, "csat"] == "4"

    def test_expected_names_guide_the_delimiter(self, tmp_path):
        p = tmp_path / "one.csv"
        p.write_text("id\nA;1\nB;2\n")          # one column whose values hold ';'
        assert data.read_table(p, expect=["id"])["id"].tolist() == ["A;1", "B;2"]

    def test_blank_lines_keep_row_numbers(self, tmp_path):
        p = tmp_path / "t.csv"
        p.write_text("id,x\nT1,1\n\nT2,2\n\n\n")
        assert list(data.read_table(p).index) == [2, 4]

    def test_quoted_line_breaks_count_as_one_row(self, tmp_path):
        p = tmp_path / "t.csv"
        p.write_text('id,note\nT1,"two\nlines"\nT2,x\n')
        df = data.read_table(p)
        assert list(df.index) == [2, 3] and df.loc[2, "note"] == "two\nlines"

    def test_empty_cells_are_missing_and_text_is_kept_raw(self, tmp_path):
        p = tmp_path / "t.csv"
        p.write_text("id,x,y\nT1,,NA\n")
        df = data.read_table(p)
        assert pd.isna(df.loc[2, "x"]) and df.loc[2, "y"] == "NA"

    def test_duplicate_and_blank_header_names(self, tmp_path):
        p = tmp_path / "t.csv"
        p.write_text("id,x,x,\nT1,1,2,3\n")
        assert list(data.read_table(p).columns) == ["id", "x", "x.1", "Unnamed: 3"]

    def test_ragged_rows_are_named(self, tmp_path):
        p = tmp_path / "ragged.csv"
        p.write_text("id,x\nT1,1\nT2,1,2\nT3\nT4,4\n")
        with pytest.raises(data.DataError) as e:
            data.read_table(p)
        assert e.value.rows == [3, 4] and "ragged.csv" in str(e.value)
        assert "rows 3: '3 fields', 4: '1 fields'" in str(e.value)

    @pytest.mark.parametrize("records, expect, header", [
        ([["Title"], [], ["id", "created_at", "csat"], ["T1", "x", "4"]], None, 2),
        ([["id", "x"], ["T1", "y"]], None, 0),
        ([["Report", "Jan"], ["id", "created_at", "x"], ["1", "2", "3"]], ["id"], 1),
        ([["a"], ["b"]], None, 0),
    ])
    def test_find_header(self, records, expect, header):
        assert find_header(records, expect) == header


class TestBadFiles:
    def test_missing_file(self, tmp_path):
        with pytest.raises(data.DataError) as e:
            data.read_table(tmp_path / "nope.csv")
        assert "nope.csv: file not found" in str(e.value) and "Fix:" in str(e.value)

    @pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
    def test_empty_file(self, tmp_path, content):
        p = tmp_path / "empty.csv"
        p.write_bytes(content)
        with pytest.raises(data.DataError, match=r"empty\.csv: the file is empty"):
            data.read_table(p)

    def test_header_only_file(self, tmp_path):
        p = tmp_path / "head.csv"
        p.write_text("id,created_at\n")
        with pytest.raises(data.DataError) as e:
            data.read_table(p)
        assert "head.csv: has a header but no data rows" in str(e.value)
        assert "Fix:" in str(e.value)

    def test_folder(self, tmp_path):
        with pytest.raises(data.DataError, match="is a folder"):
            data.read_table(tmp_path)
