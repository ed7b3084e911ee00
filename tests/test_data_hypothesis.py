"""Property: on any small table with canonical headers, load_tickets either loads
or raises DataError, never anything else."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdcakit import data
from pdcakit.data.schema import TICKETS

COLUMNS = list(TICKETS.columns)

DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y",
                "%Y-%m-%dT%H:%M:%S+08:00", "%d.%m.%Y"]
ODD_DATES = ["9999-12-31", "1900-01-01 00:00", "2026-02-30 10:00", "46027.5", "tomorrow",
             "2026-01-05T08:00:00Z"]
plain = {
    "number": st.sampled_from(["0", "1", "5", "10", "3.5", " 7 "]),
    "bool": st.sampled_from(["true", "false", "yes", "no", "是", "否", "1", "0", "Y", "n"]),
    "category": st.sampled_from(["phone", "email", "N/A", "电话", "web"]),
}
odd = {
    "number": st.sampled_from(["-1", "1441", "8,5", "1e400", "inf", "nan", "x", "11"]),
    "bool": st.sampled_from(["maybe", "2", "oui"]),
    "category": st.sampled_from(["", "-", "none"]),
}
anything = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1))


@st.composite
def cell(draw, column, row, created, fmt):
    """Mostly plausible values for the column's kind, sometimes odd, empty or arbitrary."""
    kind = TICKETS.kinds[column]
    roll = draw(st.integers(0, 19))
    if roll == 0:
        return draw(anything)
    if roll == 1:
        return ""
    if roll == 2:
        return draw(st.sampled_from(ODD_DATES) if kind == "datetime" else
                    odd.get(kind, st.sampled_from(["T1", " ", "NA"])))
    if kind == "id":
        return f"T{row}"
    if kind == "datetime":
        moment = created if column == "created_at" else created + draw(
            st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=9)))
        return moment.strftime(fmt)
    return draw(plain[kind])


@st.composite
def tables(draw):
    """(CSV text, encoding, columns): a small ticket table with canonical headers."""
    must = ["id", "created_at"] if draw(st.integers(0, 9)) else []
    others = draw(st.lists(st.sampled_from(COLUMNS), max_size=len(COLUMNS), unique=True))
    cols = list(dict.fromkeys(must + others)) or ["id"]
    n = draw(st.integers(0, 6))
    fmt = draw(st.sampled_from(DATE_FORMATS))
    rows = []
    for r in range(n):
        created = draw(moments)
        rows.append([draw(cell(c, r, created, fmt)) for c in cols])
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    terminator = draw(st.sampled_from(["\n", "\r\n"]))
    buf = io.StringIO()
    # csv quotes a bare \r only when it is part of the line terminator
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=terminator,
                        quoting=csv.QUOTE_MINIMAL if terminator == "\r\n" else csv.QUOTE_ALL)
    writer.writerow(cols)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return buf.getvalue(), encoding, cols


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_load_tickets_raises_only_data_error(table):
    text, encoding, _ = table
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError:       # gb18030 covers all of Unicode, but be safe
        raw = text.encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tickets.csv"
        path.write_bytes(raw)
        try:
            df = data.load_tickets(path)
        except data.DataError as err:
            assert str(err)                  # a message, not an empty error
            return
    assert isinstance(df, pd.DataFrame)
    assert set(df.columns) <= {*COLUMNS, "is_open"}
    assert "id" in df.columns and "created_at" in df.columns
    if "resolved_at" in df.columns:
        assert (df["is_open"] == df["resolved_at"].isna()).all()
