"""A stray quote that takes in its own row's delimiters (issue 25, found by hypothesis).

A stray ``"`` at the start of a cell closes where the next value's own quote opened: the
row's delimiters are read into one value and the row can still come out as wide as the
header, so no field count catches it. Each case below was read with the wrong fields
without a word; each now stops with the reader's quote error (the file, the line the quote
opened on, the ``lenient_quotes`` fix), or, lenient, keeps the quoted reading with a note.
Legitimate quoted values holding the delimiter ("Smith, John", addresses, notes over two
lines, escaped quotes) are read as before, on the fast path or the exact one.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from pdcakit import data
from pdcakit.data.readers import quote_suspects


def export(tmp_path: Path, text: str, name: str = "notes.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def rows(n: int, note: str = "ok") -> list[str]:
    """n well-formed rows of a 3-column export, written by csv.writer (minimal quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for i in range(1, n + 1):
        writer.writerow([f"T{i}", f"2026-01-{i % 28 + 1:02d} 08:00", note])
    return buf.getvalue().splitlines()


HEADER = "id,created_at,note"


def read(p: Path, **kw):
    return data.read_table(p, delimiter=",", header_row=1, **kw)


class TestAStrayQuoteThatTakesInItsRow:
    def test_the_example_hypothesis_found_is_an_error_naming_the_line(self, tmp_path):
        """Was: id 'T1,2026-01-05 08:00,', created_at empty, note 'a"', no word."""
        p = export(tmp_path, HEADER + '\n"T1,2026-01-05 08:00,",,a"\n')
        with pytest.raises(data.DataError) as e:
            read(p)
        text = str(e.value)
        assert text.startswith(f"{p}, column 'id': a quote opened on line 2")
        assert "'T1,2026-01-05 08:00,'" in text and "'\"T1', '2026-01-05 08:00', ',,a'" in text
        assert "Fix: remove the stray quote on line 2" in text and "lenient_quotes: true" in text

    @pytest.mark.parametrize("fast", [True, False])
    def test_in_a_long_export_on_either_reader(self, tmp_path, fast):
        """Line 31 of 40: with a literal 24" elsewhere the quotes are even and the Arrow
        path reads first, without it they are odd and the exact one does; both name line 31."""
        lines = [HEADER, *rows(39, note=",,a")]
        lines[30] = '"' + lines[30]                                  # line 31, row T30
        if fast:
            lines[5] = lines[5].replace(',",,a"', ',24" monitor')
        p = export(tmp_path, "\n".join(lines) + "\n")
        assert (p.read_bytes().count(b'"') % 2 == 0) is fast
        with pytest.raises(data.DataError) as e:
            read(p)
        assert "a quote opened on line 31 (spreadsheet row 31" in str(e.value)

    def test_lenient_quotes_keeps_the_quoted_reading_with_a_note(self, tmp_path):
        p = export(tmp_path, HEADER + '\n"T1,2026-01-05 08:00,",,a"\nT2,2026-01-06,x\n')
        df = read(p, lenient_quotes=True)
        assert df["id"].tolist() == ["T1,2026-01-05 08:00,", "T2"]
        (note,) = df.attrs["warnings"]
        assert "line 2" in note and "lenient_quotes" in note and "remove it" in note

    def test_before_a_later_cell_the_leftover_quote_on_the_next_line(self, tmp_path):
        """Found at 4,000 examples: the note's line break ends the row early, and the rest
        of the note (',,a"') became a row with no id."""
        p = export(tmp_path, HEADER + '\nT1,"2026-01-05 08:00,",\r\n,,a"\n')
        with pytest.raises(data.DataError) as e:
            read(p)
        assert e.value.rows == [2, 3] and e.value.column == "created_at"
        assert "a quote opened on line 2" in str(e.value)

    def test_a_stray_quote_closing_a_multi_line_note_early(self, tmp_path):
        """Found at 4,000 examples: the quote at the start of a note's second line closed
        it; the note's rest read as a row of its own."""
        text = HEADER + '\nT1,2026-01-05 08:00,\nT5,2026-01-05 08:00,"\r\n"\r\n,,a"\n'
        with pytest.raises(data.DataError) as e:
            read(export(tmp_path, text))
        assert e.value.rows == [3, 4] and e.value.column == "note"
        assert "a quote on line 4 closes the value of 'note'" in str(e.value)


class TestLegitimateQuotesAreReadAsBefore:
    def test_names_and_addresses_with_commas(self, tmp_path):
        lines = ["id,created_at,customer,address"] + [
            f'T{i},2026-01-{i:02d} 08:00,"Smith, John","1 High St, Leeds, LS1"'
            for i in range(1, 21)]
        df = read(export(tmp_path, "\n".join(lines) + "\n"))
        assert len(df) == 20 and df["customer"].iloc[0] == "Smith, John"
        assert df["address"].iloc[0] == "1 High St, Leeds, LS1"

    def test_a_value_ending_with_a_comma_and_escaped_quotes(self, tmp_path):
        """A cell ending with the delimiter is a suspect, but reads only one way."""
        lines = [HEADER, 'T1,2026-01-05 08:00,"Billing,"', 'T2,2026-01-06,"said ""hi"", then"',
                 'T3,2026-01-07,"a,""b"""', "T4,2026-01-08,\"工单, 已解决\""]
        df = read(export(tmp_path, "\n".join(lines) + "\n"))
        assert df["note"].tolist() == ["Billing,", 'said "hi", then', 'a,"b"', "工单, 已解决"]
        assert df.attrs["warnings"] == []

    def test_a_non_escaping_writer_that_reads_one_way_only(self, tmp_path):
        """'"Smith, John",24" monitor': as a stray quote it would split into 3 fields of 2,
        so the quoted reading is the only one and is kept (odd quote count: exact path)."""
        p = export(tmp_path, 'name,item\n"Smith, John",24" monitor\n')
        df = read(p)
        assert df.iloc[0].tolist() == ["Smith, John", '24" monitor']

    def test_multi_line_notes_with_quotes_on_the_next_row(self, tmp_path):
        lines = [HEADER, 'T1,2026-01-05,"two\nlines"', 'T2,2026-01-06,"say ""hi"""',
                 'T3,2026-01-07,"more,\nlines"', 'T4,2026-01-08,"x ""y"""']
        df = read(export(tmp_path, "\n".join(lines) + "\n"))
        assert df["id"].tolist() == ["T1", "T2", "T3", "T4"]
        assert df["note"].iloc[2] == "more,\nlines"


class TestQuoteSuspects:
    def test_picks_cells_ending_with_or_holding_the_delimiter_before_a_quote(self):
        import pyarrow as pa

        ids = pa.array(["T1,2026,", "Smith, John", 'a,"b', None, "x"])
        note = pa.array(["", "y", "z", "w", "v"])
        assert quote_suspects([ids, note], ",").tolist() == [0, 2]
        assert quote_suspects([ids, note], ";").tolist() == []

    def test_a_row_with_a_quote_after_a_multi_line_last_cell(self):
        import pyarrow as pa

        ids = pa.array(["T1", "", "T3"])
        note = pa.array(["two\nlines", 'a"', "x"])
        assert quote_suspects([ids, note], ",").tolist() == [1]


class TestPeekSeesItToo:
    """``pdca run``'s quick look (peek_export) reads only the mapped columns: it must not
    pass a file the full load refuses."""

    def test_the_example_hypothesis_found(self, tmp_path):
        p = export(tmp_path, HEADER + '\n"T1,2026-01-05 08:00,",,a"\n')
        with pytest.raises(data.DataError) as e:
            data.peek_export(p)
        assert "a quote opened on line 2" in str(e.value)

    def test_a_stray_quote_in_an_unmapped_column_shifts_a_mapped_one(self, tmp_path):
        """The customer column is not mapped; the stray quote in it takes in its delimiter
        and the category reads 'Billing"'."""
        text = ("id,created_at,customer,category\nT1,2026-01-05 08:00,Jones,Billing\n"
                'T2,2026-01-06 08:00,"Smith,",Billing"\n')
        p = export(tmp_path, text)
        with pytest.raises(data.DataError) as e:
            data.peek_export(p)
        assert "a quote opened on line 3" in str(e.value) and e.value.column == "customer"
        with pytest.raises(data.DataError):
            data.load_tickets(p)

    def test_a_well_quoted_export_is_peeked_as_before(self, tmp_path):
        lines = ["id,created_at,customer,category"] + [
            f'"T{i}","2026-01-{i:02d} 08:00","Smith, John","Billing, ""urgent"""'
            for i in range(1, 21)]
        peek = data.peek_export(export(tmp_path, "\n".join(lines) + "\n"))
        assert peek.rows == 20 and peek.unmapped == ("customer",)
