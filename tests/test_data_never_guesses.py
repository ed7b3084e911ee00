"""Decoding and parsing never guess silently (issue 17, data layer).

Each case is an export shaped like the ones teams send: a Western CP1252 export of site
names, a London help desk across the clock changes, a council's date-only cases with
repeated ids and many categories, Excel workbooks written by programs, a mapping with a
typo. Every ambiguous input is either read for certain (and said so in
``attrs["warnings"]``) or refused with a DataError naming file, column, rows and the fix.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import threading
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from exports import chinese_city_council_cases, city_council_cases
from pdcakit import data
from pdcakit.data import readers

LONDON = "Europe/London"


def csv_file(tmp_path: Path, text: str, name: str = "export.csv", encoding: str = "utf-8"
             ) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def mapping_file(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def error_of(call, *args, **kwargs) -> data.DataError:
    with pytest.raises(data.DataError) as e:
        call(*args, **kwargs)
    return e.value


def minutes(t: pd.DataFrame, row: int = 0) -> float:
    return (t["resolved_at"][row] - t["created_at"][row]) / pd.Timedelta(minutes=1)


# -- 1. encodings ------------------------------------------------------------------------

SITES = ("id,created_at,site,category\n"
         "T1,2024-01-05,Zürich,Störung\n"
         "T2,2024-01-06,Köln,Anfrage\n"
         "T3,2024-01-06,Genève,Réclamation\n")


class TestEncoding:
    def test_cp1252_export_is_not_read_as_gb18030(self, tmp_path):
        p = csv_file(tmp_path, SITES, encoding="cp1252")
        assert "Z黵ich" in p.read_bytes().decode("gb18030")  # what the old guess gave
        err = error_of(data.load_tickets, p)
        text = str(err)
        assert "export.csv" in text and "not UTF-8" in text
        assert "'T1,2024-01-05,Zürich,Störung' as cp1252" in text   # the candidates, shown
        assert "as gb18030" in text
        assert "encoding: cp1252" in err.fix and "CSV UTF-8" in err.fix

    def test_cafe_line_shows_how_each_candidate_reads(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at,category\nT1,2024-01-05,café,\n",
                     encoding="latin-1")
        text = str(error_of(data.load_tickets, p))
        assert "line 2 reads 'T1,2024-01-05,café,' as cp1252" in text

    def test_named_encoding_reads_it(self, tmp_path):
        p = csv_file(tmp_path, SITES, encoding="cp1252")
        t = data.load_tickets(p, encoding="cp1252")
        assert t["site"].tolist() == ["Zürich", "Köln", "Genève"]
        m = mapping_file(tmp_path, "encoding: cp1252\n")
        assert data.load_tickets(p, m)["category"][2] == "Réclamation"

    def test_chinese_gb18030_export_is_still_detected(self, tmp_path):
        e = chinese_city_council_cases(tmp_path, rows=600)
        raw = data.read_table(e.path)
        assert raw.attrs["encoding"] == "gb18030"
        assert data.load_tickets(e.path, e.mapping)["category"].str.len().gt(0).all()

    def test_utf8_and_bom_files_are_certain(self, tmp_path):
        for enc in ("utf-8", "utf-8-sig", "utf-16"):
            p = csv_file(tmp_path, SITES, name=f"{enc}.csv", encoding=enc)
            assert data.load_tickets(p)["site"][0] == "Zürich"

    @pytest.mark.parametrize("codec, order", [("utf-16-le", "little"), ("utf-16-be", "big")])
    def test_utf16_without_bom_is_named_not_a_field_count(self, tmp_path, codec, order):
        p = csv_file(tmp_path, SITES, encoding=codec)
        err = error_of(data.load_tickets, p)
        assert f"UTF-16 ({order}-endian) without a byte-order mark" in str(err)
        assert "fields" not in str(err)
        assert data.load_tickets(p, encoding=codec)["site"][1] == "Köln"

    def test_rule_on_mixed_chinese_and_rare_characters(self):
        from pdcakit.data.encodings import gb_plausibility

        assert gb_plausibility("工单编号,渠道,电话,邮件") == 1.0
        assert gb_plausibility("Z黵ich,K鰈n") == 0.0          # cp1252 bytes read as GB18030
        assert gb_plausibility("ok\ue000") == 0.0             # private use: not a real text


# -- 2. time zones ------------------------------------------------------------------------

class TestTimezone:
    def test_offsets_across_the_autumn_change_are_accepted_with_their_true_duration(
            self, tmp_path):
        # 01:50 BST is 00:50 UTC; 01:10 GMT is 01:10 UTC: 20 minutes, not "resolved before"
        p = csv_file(tmp_path, "id,created_at,resolved_at\n"
                               "T1,2025-10-26T01:50:00+01:00,2025-10-26T01:10:00+00:00\n"
                               "T2,2025-10-25T12:00:00+01:00,2025-10-26T12:00:00+00:00\n")
        t = data.load_tickets(p, timezone=LONDON)
        assert minutes(t, 0) == 20
        assert minutes(t, 1) == 25 * 60
        assert t["created_at"][0] == pd.Timestamp("2025-10-26 00:50", tz="UTC")
        assert str(t["created_at"].dt.tz) == LONDON

    def test_naive_local_times_are_local_in_the_zone(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at,resolved_at\n"
                               "T1,2025-10-25 12:00,2025-10-26 12:00\n"
                               "T2,2025-10-26 01:50,2025-10-26 01:10\n"
                               "T3,2025-03-29 12:00,2025-03-30 12:00\n")
        t = data.load_tickets(p, timezone=LONDON)
        assert minutes(t, 0) == 25 * 60        # the clocks went back: one hour longer
        assert minutes(t, 1) == 20             # 01:10 is the second 01:10 of that night
        assert minutes(t, 2) == 23 * 60        # forward: one hour shorter
        assert any("occurs twice in Europe/London" in w for w in t.attrs["warnings"])

    def test_nonexistent_spring_times_are_an_error_naming_rows(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at\nT1,2025-03-30 00:59\nT2,2025-03-30 01:30\n"
                               "T3,2025-03-30 02:00\nT4,2025-03-30 01:05\n")
        err = error_of(data.load_tickets, p, timezone=LONDON)
        assert err.column == "created_at" and err.rows == [3, 5]
        assert "do not exist in Europe/London" in str(err)

    def test_offsets_convert_and_windows_take_local_dates(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at\nT1,2024-07-05T07:30:00+00:00\n"
                               "T2,2024-07-06T08:00:00+00:00\n")
        t = data.load_tickets(p, timezone=LONDON, window=("2024-07-05", "2024-07-06"),
                              snapshot="2024-07-07 00:00")
        assert t["created_at"].tolist() == [pd.Timestamp("2024-07-05 08:30", tz=LONDON)]
        assert t.attrs["snapshot"] == pd.Timestamp("2024-07-07 00:00", tz=LONDON)

    def test_without_a_zone_naive_times_stay_naive(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at\nT1,2025-10-26 01:30\n")
        assert data.load_tickets(p)["created_at"].dt.tz is None

    def test_date_only_council_export_with_a_zone(self, tmp_path):
        e = city_council_cases(tmp_path, rows=2_000)
        t = data.load_tickets(e.path, e.mapping, timezone=LONDON)
        naive = data.load_tickets(e.path, e.mapping)
        assert (t["created_at"].dt.tz_localize(None) == naive["created_at"]).all()


# -- 3. booleans in mappings --------------------------------------------------------------

class TestMappingBooleans:
    @pytest.mark.parametrize("text, expected", [
        ('dayfirst: "false"', False), ("dayfirst: no", False), ("dayfirst: off", False),
        ("dayfirst: 0", False), ("dayfirst: False", False), ('dayfirst: "true"', True),
        ("dayfirst: yes", True), ("dayfirst: On", True), ("dayfirst: 1", True)])
    def test_dayfirst_as_written(self, tmp_path, text, expected):
        assert data.load_mapping(mapping_file(tmp_path, text + "\n")).dayfirst is expected

    def test_dayfirst_false_text_reads_month_first(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at\nT1,05/01/2026 08:00\n")
        m = mapping_file(tmp_path, 'dayfirst: "false"\n')
        assert data.load_tickets(p, m)["created_at"][0].month == 5

    @pytest.mark.parametrize("text, field", [("header_row: true", "header_row"),
                                             ("sheet: true", "sheet"),
                                             ("dayfirst: maybe", "dayfirst"),
                                             ("header_row: 0", "header_row")])
    def test_a_boolean_where_a_number_or_name_belongs_is_an_error(self, tmp_path, text, field):
        err = error_of(data.load_mapping, mapping_file(tmp_path, text + "\n"))
        assert f"{field} must be" in str(err) and err.file.endswith("mapping.yaml")

    def test_yes_spellings_stay_texts(self, tmp_path):
        m = data.load_mapping(mapping_file(tmp_path, "true_values: [yes, Ja]\n"
                                                     "values: {complaint: {Yes: true}}\n"))
        assert m.true_values == ("yes", "Ja") and m.values["complaint"] == {"Yes": "true"}


# -- 4. NA-like text ----------------------------------------------------------------------

REGIONS = ("id,created_at,site,channel,category,csat,resolved_at\n"
           "T1,2024-01-05,NA,phone,None,4,2024-01-06\n"
           "T2,2024-01-05,EU,None,null,N/A,NULL\n"
           "T3,2024-01-06,NA,email,billing,,2024-01-07\n")


class TestNaLikeText:
    def test_category_values_stay_values(self, tmp_path):
        t = data.load_tickets(csv_file(tmp_path, REGIONS))
        assert t["site"].tolist() == ["NA", "EU", "NA"]          # North America
        assert t["channel"][1] == "None" and t["category"][:2].tolist() == ["None", "null"]
        notes = t.attrs["warnings"]
        assert any(w.startswith("site: 2 cells hold NA-like text, kept as values") for w in notes)
        assert any("na_values: ['NA']" in w for w in notes)

    def test_number_and_date_columns_read_them_as_missing_and_say_so(self, tmp_path):
        t = data.load_tickets(csv_file(tmp_path, REGIONS))
        assert pd.isna(t["csat"][1]) and pd.isna(t["resolved_at"][1]) and t["is_open"][1]
        notes = t.attrs["warnings"]
        assert "csat: 1 cell holds NA-like text, read as missing: 'N/A' (1)" in " ".join(notes)
        assert any(w.startswith("resolved_at: 1 cell holds NA-like text") for w in notes)

    def test_the_mapping_na_values_make_them_missing_everywhere(self, tmp_path):
        m = mapping_file(tmp_path, "na_values: ['None', 'null', 'N/A', 'NULL']\n")
        t = data.load_tickets(csv_file(tmp_path, REGIONS), m)
        assert t["site"][0] == "NA" and pd.isna(t["channel"][1])
        assert pd.isna(t["category"][0]) and pd.isna(t["category"][1])
        assert not any("NA-like" in w and not w.startswith("site") for w in t.attrs["warnings"])


# -- 5. Excel -----------------------------------------------------------------------------

def workbook(path: Path, rows, sheets=()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Cases"
    for r in rows:
        ws.append(r)
    for name in sheets:
        wb.create_sheet(name).append(["note", "x"])
    wb.save(path)
    return path


class TestExcel:
    def test_formula_column_without_values_is_an_error(self, tmp_path):
        p = workbook(tmp_path / "cases.xlsx", [
            ["id", "created_at", "resolved_at", "handle_minutes"],
            ["C1", dt.datetime(2024, 1, 5, 8), dt.datetime(2024, 1, 5, 9), "=(C2-B2)*1440"],
            ["C2", dt.datetime(2024, 1, 6, 8), dt.datetime(2024, 1, 6, 8, 30), "=(C3-B3)*1440"]])
        err = error_of(data.load_tickets, p)
        assert err.column == "handle_minutes" and "formulas without calculated values" in \
            str(err) and "'=(C2-B2)*1440'" in str(err)
        assert "save it" in err.fix and "CSV" in err.fix

    def test_several_sheets_read_the_first_and_name_the_others(self, tmp_path):
        p = workbook(tmp_path / "cases.xlsx", [["id", "created_at"], ["C1", "2024-01-05"]],
                     sheets=("Summary", "Lookups"))
        t = data.load_tickets(p)
        note = next(w for w in t.attrs["warnings"] if "sheets" in w)
        assert "read the first, 'Cases'" in note and "'Summary', 'Lookups'" in note
        assert "sheet: 'Summary'" in note
        named = data.load_tickets(p, sheet="Cases")
        assert not any("sheets" in w for w in named.attrs["warnings"])

    def test_serial_dates_in_a_workbook_are_converted(self, tmp_path):
        p = workbook(tmp_path / "cases.xlsx", [["id", "created_at", "resolved_at"],
                                               ["C1", 45292, 45292.5], ["C2", 45293, None]])
        t = data.load_tickets(p)
        assert t["created_at"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
        assert t["resolved_at"][0] == pd.Timestamp("2024-01-01 12:00")
        assert any("Excel serial dates" in w and "45292 = 2024-01-01" in w
                   for w in t.attrs["warnings"])

    def test_serial_dates_in_csv_and_parquet(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at\nC1,45292\nC2,2024-01-03\n")
        assert data.load_tickets(p)["created_at"].tolist() == [pd.Timestamp("2024-01-01"),
                                                               pd.Timestamp("2024-01-03")]
        q = tmp_path / "cases.parquet"
        pd.DataFrame({"id": ["C1"], "created_at": [45292.25]}).to_parquet(q)
        assert data.load_tickets(q)["created_at"][0] == pd.Timestamp("2024-01-01 06:00")

    def test_numbers_that_are_no_serial_dates_say_so(self, tmp_path):
        q = tmp_path / "cases.parquet"
        pd.DataFrame({"id": ["C1"], "created_at": [20240105]}).to_parquet(q)
        err = error_of(data.load_tickets, q)
        assert "Excel serial dates" in err.fix and "date_format" not in err.fix


# -- 6. placeholder dates -----------------------------------------------------------------

class TestPlaceholderDates:
    @pytest.mark.parametrize("value", ["1970-01-01 00:00", "1900-01-01", "9999-12-31"])
    def test_placeholder_is_an_error_naming_rows_and_the_na_values_fix(self, tmp_path, value):
        p = csv_file(tmp_path, "id,created_at,resolved_at\nC1,2024-01-05,2024-01-08\n"
                               f"C2,2024-01-06,{value}\nC3,2024-01-06,{value}\n")
        err = error_of(data.load_tickets, p)
        assert err.column == "resolved_at" and err.rows == [3, 4]
        assert "placeholder" in str(err) and f"na_values: [{value!r}]" in err.fix

    def test_declared_placeholder_reads_as_missing(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at,resolved_at\nC1,2024-01-05,1970-01-01 00:00\n")
        m = mapping_file(tmp_path, "na_values: ['1970-01-01 00:00']\n")
        assert data.load_tickets(p, m)["is_open"].tolist() == [True]


# -- 7. integer scales --------------------------------------------------------------------

class TestIntegerScales:
    @pytest.mark.parametrize("column, value, scale", [("csat", "3.7", "1-5"),
                                                      ("nps", "7.5", "0-10")])
    def test_fraction_on_an_integer_scale_is_an_error(self, tmp_path, column, value, scale):
        p = csv_file(tmp_path, f"id,created_at,{column}\nC1,2024-01-05,4\n"
                               f"C2,2024-01-05,{value}\nC3,2024-01-06,4.0\n")
        err = error_of(data.load_tickets, p)
        assert err.column == column and err.rows == [3]
        assert f"integer {scale} scale" in str(err) and "individual answers" in err.fix

    def test_survey_scores_too(self, tmp_path):
        p = csv_file(tmp_path, "respondent_id,score\nR1,4\nR2,3.5\n")
        assert error_of(data.load_table, p, "surveys").rows == [3]


# -- 8. mapping typos and collisions ------------------------------------------------------

class TestMappingTypos:
    def test_misspelt_column_under_values(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at,channel\nC1,2024-01-05,电话\n")
        m = mapping_file(tmp_path, "values:\n  chanel: {电话: phone}\n")
        err = error_of(data.load_tickets, p, m)
        assert "'chanel' under values:" in str(err) and "did you mean 'channel'" in err.fix

    def test_misspelt_column_under_columns(self, tmp_path):
        p = csv_file(tmp_path, "id,Opened\nC1,2024-01-05\n")
        m = mapping_file(tmp_path, "columns: {id: id, created_at: Opened, chanel: Kanal}\n")
        assert "did you mean 'channel'" in error_of(data.load_tickets, p, m).fix

    def test_three_timestamps_from_one_column(self, tmp_path):
        p = csv_file(tmp_path, "Ref,Opened\nC1,2024-01-05 08:00\n")
        m = mapping_file(tmp_path, "columns: {id: Ref, created_at: Opened, "
                                   "first_response_at: Opened, resolved_at: Opened}\n")
        err = error_of(data.load_tickets, p, m)
        assert "created_at, first_response_at and resolved_at all from column 'Opened'" in \
            str(err)

    def test_headers_that_read_as_one_name_are_an_error_naming_both(self, tmp_path):
        p = csv_file(tmp_path, "id,Created At,created_at\nC1,2024-01-05,2023-12-01\n")
        err = error_of(data.load_tickets, p)
        assert "'Created At' (column B) and 'created_at' (column C)" in str(err)
        assert "columns: {created_at: <that column>}" in err.fix
        m = mapping_file(tmp_path, "columns: {created_at: Created At}\n")
        assert data.load_tickets(p, m)["created_at"][0] == pd.Timestamp("2024-01-05")

    def test_the_same_header_twice(self, tmp_path):
        p = csv_file(tmp_path, "id,created_at,created_at\nC1,2024-01-05,2023-12-01\n")
        err = error_of(data.load_tickets, p)
        assert "'created_at' (column B) and 'created_at.1' (column C)" in str(err)
        assert "written twice" in err.fix


# -- 9. bounded inputs --------------------------------------------------------------------

class TestBounded:
    def test_mapping_with_aliases_is_refused(self, tmp_path):
        m = mapping_file(tmp_path, "columns: &c {id: Ref}\nna_values: *c\n")
        err = error_of(data.load_mapping, m)
        assert "anchors and aliases" in str(err) and err.file.endswith("mapping.yaml")

    def test_alias_bomb_is_refused_fast(self, tmp_path):
        lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]"
                  for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
        m = mapping_file(tmp_path, "\n".join(lines) + "\n")
        start = time.perf_counter()
        error_of(data.load_mapping, m)
        assert time.perf_counter() - start < 1.0

    def test_mapping_over_one_mib_is_refused_before_reading(self, tmp_path):
        m = mapping_file(tmp_path, "columns: {id: Ref}\n" + "# padding\n" * 120_000)
        assert "more than the 1,048,576 accepted" in str(error_of(data.load_mapping, m))

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
    def test_fifo_is_refused_without_blocking(self, tmp_path):
        fifo = tmp_path / "export.csv"
        os.mkfifo(fifo)
        result: list[BaseException] = []
        worker = threading.Thread(target=lambda: result.append(
            error_of(data.load_tickets, fifo)), daemon=True)
        worker.start()
        worker.join(5)
        assert result and "not a regular file" in str(result[0])

    def test_device_is_refused(self):
        if not Path("/dev/zero").exists():
            pytest.skip("no /dev/zero")
        assert "not a regular file" in str(error_of(data.load_tickets, "/dev/zero"))

    def test_huge_sparse_file_is_refused_before_reading(self, tmp_path):
        p = tmp_path / "huge.csv"
        with open(p, "wb") as fh:
            fh.write(b"id,created_at\n")
            fh.truncate(9 << 30)          # sparse: no disk used
        start = time.perf_counter()
        err = error_of(data.load_tickets, p)
        assert "9.0 GiB, above the 8.0 GiB" in str(err) and "Parquet" in err.fix
        assert time.perf_counter() - start < 1.0

    def test_text_above_its_limit_is_refused_unread(self, tmp_path, monkeypatch):
        monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1024, raising=False)
        p = csv_file(tmp_path, "id,created_at\n" + "C1,2024-01-05\n" * 200)
        assert "read as a text export" in str(error_of(data.load_tickets, p))

    def test_gzip_bomb_is_refused(self, tmp_path, monkeypatch):
        monkeypatch.setattr(readers, "MAX_TEXT_BYTES", 1 << 16, raising=False)
        p = tmp_path / "export.csv.gz"
        p.write_bytes(gzip.compress(b"id,created_at\n" + b"C1,2024-01-05\n" * 100_000))
        assert "decompresses to more than" in str(error_of(data.load_tickets, p))


# -- 10. degenerate columns ---------------------------------------------------------------

class TestDegenerateColumns:
    def test_empty_identical_and_many_categories_load_and_are_named(self, tmp_path):
        n = 10_000
        rng = np.random.default_rng(17)
        days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
        frame = pd.DataFrame({
            "id": [f"C{i:05d}" for i in range(n)],
            "created_at": days.strftime("%Y-%m-%d"),
            "channel": "web",                                   # one value everywhere
            "category": [f"类别{i}" for i in range(n)],          # 10,000 distinct
            "csat": "",                                          # mapped, never filled
        })
        p = tmp_path / "cases.csv"
        frame.to_csv(p, index=False)
        t = data.load_tickets(p)
        assert len(t) == n and t["category"].nunique() == n
        notes = t.attrs["warnings"]
        assert any(w.startswith("csat: empty in all 10,000 rows") for w in notes)
        assert any(w.startswith("channel: the same value (web) in all 10,000 rows")
                   for w in notes)
        assert any(w.startswith("category: 10,000 distinct values") for w in notes)

    def test_a_sound_export_has_no_such_notes(self):
        t = data.load_tickets("demo:tickets.csv")
        assert t.attrs["warnings"] == []

