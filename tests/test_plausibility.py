"""Plausible data (issue 23, item 8): open cases counted per case, cases closed without a
resolution time and cases open far longer than the rest flagged with the fix, a mapping
fallback that takes ``closed_at`` where ``resolved_at`` is empty, and a date placeholder
that names ``na_values``.

The export is shaped like the ServiceNow incident event log of the issue (141,712 update
rows, 24,918 incidents, 1,556 closed without a resolution time), scaled down and made here:
several update rows per incident in file order (fewer for the ones not resolved, as in
the real log, so the share of open rows is below the share of open incidents), ``?`` for
"no value", day-first times, ``resolved_at`` and ``closed_at`` on every row of an incident,
Chinese category names, and a few incidents left open for months.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.plausible import FAR_OUT, Plausibility, plausibility

FMT = "%d/%m/%Y %H:%M"
CATEGORIES = ("网络故障", "账户权限", "硬件更换", "软件安装", "邮件")


@dataclass(frozen=True)
class EventLog:
    path: Path
    mapping: Path
    rows: int
    incidents: int
    closed_without_resolution: int     # closed_at set, resolved_at '?' on every row
    truly_open: int                    # neither
    stale: int                         # truly open, created months before the snapshot


def event_log(folder: Path, incidents: int = 900, seed: int = 23, date_only: bool = False
              ) -> EventLog:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2016-02-29 08:00")
    rows = []
    kinds = rng.choice(["resolved", "closed_only", "open"], size=incidents,
                       p=[0.9, 0.062, 0.038])
    kinds[:6] = "open"                   # stale ones: created in the first week
    stale = 6
    fmt = "%d/%m/%Y" if date_only else FMT
    for i, kind in enumerate(kinds):
        opened = start + pd.Timedelta(hours=float(rng.uniform(0, 24 * 120))) if i >= 6 \
            else start + pd.Timedelta(hours=float(rng.uniform(0, 24 * 7)))
        took = pd.Timedelta(hours=float(rng.lognormal(2.0, 1.0)))
        resolved = opened + took
        closed = resolved + pd.Timedelta(days=5)
        updates = int(rng.integers(1, 9) if kind == "resolved" else rng.integers(1, 3))
        for u in range(updates):
            last = u == updates - 1
            rows.append({
                "number": f"INC{i:07d}",
                "incident_state": "Closed" if kind != "open" and last else "Active",
                "sys_updated_at": (opened + took * (u + 1) / updates).strftime(FMT),
                "opened_at": opened.strftime(fmt),
                "resolved_at": resolved.strftime(fmt) if kind == "resolved" else "?",
                "closed_at": closed.strftime(fmt) if kind != "open" else "?",
                "category": CATEGORIES[i % len(CATEGORIES)],
            })
    frame = pd.DataFrame(rows)
    path = folder / "incident_event_log.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    mapping = folder / "servicenow.yaml"
    mapping.write_text("columns:\n  id: number\n  created_at: opened_at\n"
                       "na_values: ['?']\ndayfirst: true\non_duplicate: keep_last\n",
                       encoding="utf-8")
    return EventLog(path, mapping, len(frame), incidents,
                    int((kinds == "closed_only").sum()), int((kinds == "open").sum()), stale)


@pytest.fixture(scope="module")
def log(tmp_path_factory) -> EventLog:
    return event_log(tmp_path_factory.mktemp("servicenow"))


def with_fallback(log: EventLog, folder: Path) -> Path:
    m = folder / "fallback.yaml"
    m.write_text(log.mapping.read_text(encoding="utf-8").replace(
        "  created_at: opened_at\n",
        "  created_at: opened_at\n  resolved_at: [resolved_at, closed_at]\n"),
        encoding="utf-8")
    return m


class TestCheckData:
    def test_open_share_is_per_case_not_per_update_row(self, log):
        """Was: the open share over raw update rows (2.2% where it is 6.2% of incidents)."""
        s = data.describe_export(log.path, log.mapping)
        n_open = log.closed_without_resolution + log.truly_open
        assert s.rows == log.rows and s.cases == log.incidents
        assert s.open_cases == n_open
        assert s.open_share == pytest.approx(n_open / log.incidents)
        assert s.open_rows / s.rows < s.open_share    # the old figure was lower
        assert (f"Still open at the snapshot: {n_open:,} of {log.incidents:,} cases "
                f"({n_open / log.incidents:.1%}), counting the last row of each id") in \
            "\n".join(s.lines())
        assert s.as_dict()["open_cases"] == n_open

    def test_closed_without_resolution_is_flagged_with_the_fallback_fix(self, log):
        s = data.describe_export(log.path, log.mapping)
        p = s.plausibility
        assert p.n_closed_without_resolution == log.closed_without_resolution
        assert p.closing_column == "closed_at"
        check = next(line for line in s.lines() if line.startswith("Check: ")
                     and "closing time" in line)
        assert f"{log.closed_without_resolution:,} of the " in check
        assert "columns: {resolved_at: [resolved_at, closed_at]}" in check

    def test_stale_open_cases_are_flagged(self, log):
        s = data.describe_export(log.path, log.mapping)
        p = s.plausibility
        # every case left open is months old (created up to 120 days before the snapshot),
        # far beyond resolved cases' times (a few hours to days)
        assert p.n_open_far_longer >= log.stale
        assert p.far_longer_than_days is not None and p.far_longer_than_days < 30
        assert any("far longer than resolved cases take" in line for line in s.lines())


class TestLoader:
    def test_attrs_carry_the_counts(self, log):
        t = data.load_tickets(log.path, log.mapping)
        p = t.attrs["plausibility"]
        assert isinstance(p, Plausibility)
        assert p.n_cases == len(t) == log.incidents
        assert p.n_open == int(t["is_open"].sum())
        assert p.n_closed_without_resolution == log.closed_without_resolution
        assert "closed_at" in t and t.attrs["closing_column"] == "closed_at"
        assert plausibility(t) == p
        assert set(t["category"]) == set(CATEGORIES)

    def test_a_window_is_counted_on_its_own_cases(self, log):
        t = data.load_tickets(log.path, log.mapping, window=("2016-04-01", None))
        p = t.attrs["plausibility"]
        assert p.n_cases == len(t) < log.incidents
        assert p.n_closed_without_resolution == int((t["is_open"] & t["closed_at"].notna()).sum())

    def test_the_fallback_takes_closed_at_where_resolved_at_is_empty(self, log, tmp_path):
        m = with_fallback(log, tmp_path)
        t = data.load_tickets(log.path, m)
        p = t.attrs["plausibility"]
        assert p.n_closed_without_resolution == 0 and p.closing_column is None
        assert p.n_open == log.truly_open == int(t["is_open"].sum())
        note = next(w for w in t.attrs["warnings"] if w.startswith("resolved_at: empty cells"))
        assert "'closed_at'" in note and "columns: resolved_at: [resolved_at, closed_at]" in note
        assert t.attrs["fallbacks"] == {"resolved_at": ["closed_at"]}
        raw = pd.read_csv(log.path, dtype=str).drop_duplicates("number", keep="last")
        only_closed = raw[(raw["resolved_at"] == "?") & (raw["closed_at"] != "?")]
        got = t.set_index("id").loc[only_closed["number"], "resolved_at"]
        want = pd.to_datetime(only_closed["closed_at"], format=FMT)
        assert (got.to_numpy() == want.to_numpy()).all()
        s = data.describe_export(log.path, m)
        assert "resolved_at <- 'resolved_at' or 'closed_at'" in "\n".join(s.lines())
        assert data.peek_export(log.path, m).present[:3] == ("id", "created_at", "resolved_at")

    def test_date_only_event_log(self, tmp_path):
        e = event_log(tmp_path, incidents=300, date_only=True)
        s = data.describe_export(e.path, e.mapping)
        assert s.date_only and s.cases == 300
        assert s.plausibility.n_closed_without_resolution == e.closed_without_resolution

    def test_a_closing_column_that_is_not_dates_never_stops_a_load(self, tmp_path):
        p = tmp_path / "cases.csv"
        p.write_text("id,created_at,resolved_at,closed\nC1,2024-01-05,2024-01-06,yes\n"
                     "C2,2024-01-06,,no\n", encoding="utf-8")
        t = data.load_tickets(p)
        assert "closed_at" not in t and len(t) == 2
        assert any("'closed' looks like a closing time" in w for w in t.attrs["warnings"])


class TestFallbackMapping:
    def test_a_fallback_column_that_is_not_in_the_file_is_named(self, log):
        with pytest.raises(data.DataError, match="takes 'resolved_at' from column 'close_at'"):
            data.load_tickets(log.path, log.mapping,
                              columns={"resolved_at": ["resolved_at", "close_at"]})

    @pytest.mark.parametrize("value", [[], ["a", "a"], [["a"]], {"a": 1}])
    def test_a_malformed_entry_is_refused(self, value):
        with pytest.raises(data.DataError, match="columns: resolved_at"):
            data.load_mapping({"columns": {"resolved_at": value}})

    def test_one_name_in_a_list_is_that_name(self):
        assert data.load_mapping({"columns": {"id": ["No"]}}).columns == {"id": "No"}


class TestPlaceholderDates:
    def test_a_question_mark_names_na_values(self, log):
        """Was: the fix named date_format and dayfirst only."""
        with pytest.raises(data.DataError) as e:
            data.load_tickets(log.path, {"columns": {"id": "number", "created_at": "opened_at"},
                                         "dayfirst": True, "on_duplicate": "keep_last"})
        text = str(e.value)
        assert e.value.column == "resolved_at"
        assert "Fix: '?' means 'no date' here: read it as missing: add na_values: ['?']" in text

    @pytest.mark.parametrize("hole", ["?", "TBD", "n.v."])
    def test_a_column_of_mostly_placeholders(self, tmp_path, hole):
        p = tmp_path / "cases.csv"
        p.write_text("id,created_at,resolved_at\n" + "".join(
            f"C{i},2024-01-{i % 28 + 1:02d},{hole}\n" for i in range(30))
            + "C99,2024-01-05,2024-01-06\n", encoding="utf-8")
        with pytest.raises(data.DataError) as e:
            data.load_tickets(p)
        assert f"add na_values: [{hole!r}]" in str(e.value)
        t = data.load_tickets(p, na_values=[hole])
        assert int(t["is_open"].sum()) == 30


def test_far_out_fence_matches_r_type_7_quantiles():
    """R: quantile(1:20, c(.25, .75)) gives 5.75 and 15.25 (type 7, R's default), so
    Tukey's far-out fence Q3 + 3 IQR is 15.25 + 3 x 9.5 = 43.75 days."""
    created = pd.Timestamp("2024-01-01")
    took = pd.to_timedelta(np.arange(1, 21), unit="D")
    t = pd.DataFrame({
        "id": [f"C{i}" for i in range(23)],
        "created_at": [created] * 23,
        "resolved_at": list(created + took) + [pd.NaT] * 3})
    snap = created + pd.Timedelta(days=44)           # the 3 open cases are 44 days old
    p = plausibility(t, snapshot=snap)
    assert FAR_OUT == 3.0
    assert p.far_longer_than_days == pytest.approx(43.75)
    assert p.typical_days == pytest.approx(15.25)
    assert p.n_open_far_longer == 3
    assert plausibility(t, snapshot=created + pd.Timedelta(days=43)).n_open_far_longer == 0
