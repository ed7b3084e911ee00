"""DataError: one readable message naming file, column, rows and fix."""

from __future__ import annotations

import pickle

import pytest

from pdcakit import data
from pdcakit.data.errors import Plain, format_rows, quote_value


class TestDataError:
    def test_message_names_file_column_rows_and_fix(self):
        err = data.DataError("3 rows resolved before they were created", file="tickets.csv",
                             column="resolved_at", rows=[14, 87, 203],
                             fix="check the export's time zone or date format")
        assert str(err) == (
            "tickets.csv, column 'resolved_at': 3 rows resolved before they were created "
            "(rows 14, 87, 203; spreadsheet rows, header = row 1). "
            "Fix: check the export's time zone or date format.")

    def test_is_an_exception_with_fields(self):
        err = data.DataError("bad", file="a.csv", column="x", rows=[2, 3], fix="do y")
        assert isinstance(err, Exception)
        assert (err.file, err.column, err.rows, err.fix) == ("a.csv", "x", [2, 3], "do y")

    def test_shows_five_rows_then_a_count(self):
        err = data.DataError("odd", file="a.csv", column="x", rows=range(2, 14))
        assert "rows 2, 3, 4, 5, 6 and 7 more" in str(err)
        assert err.rows == list(range(2, 14))   # all rows are kept

    def test_values_are_quoted_beside_their_rows(self):
        err = data.DataError("not dates", file="a.csv", column="d", rows=[4, 9],
                             values=["32/01/2026", "tomorrow"])
        assert "rows 4: '32/01/2026', 9: 'tomorrow'" in str(err)

    def test_header_row_is_stated(self):
        err = data.DataError("odd", file="a.xlsx", column="x", rows=[5], header_row=3)
        assert "row 5; spreadsheet rows, header = row 3" in str(err)

    @pytest.mark.parametrize("kwargs, text", [
        ({}, "something is wrong."),
        ({"file": "f.csv"}, "f.csv: something is wrong."),
        ({"column": "c"}, "column 'c': something is wrong."),
    ])
    def test_optional_parts(self, kwargs, text):
        assert str(data.DataError("something is wrong", **kwargs)) == text

    def test_pickles_with_its_fields(self):
        err = data.DataError("bad", file="a.csv", column="x", rows=[2], fix="y", header_row=2)
        back = pickle.loads(pickle.dumps(err))
        assert str(back) == str(err) and back.rows == [2] and back.header_row == 2


class TestFormatting:
    @pytest.mark.parametrize("value, shown", [
        ("abc", "'abc'"), ("it's", '"it\'s"'), ("a\nb", "'a\\nb'"), (7.0, "7"),
        (2.5, "2.5"), (2000, "2000"), (Plain("x < y"), "x < y"),
    ])
    def test_quote_value(self, value, shown):
        assert quote_value(value) == shown

    def test_long_values_are_cut(self):
        assert len(quote_value("x" * 500)) < 50

    def test_single_row(self):
        assert format_rows([2]) == "row 2; spreadsheet rows, header = row 1"
