"""Complaint cases: Kaplan-Meier time to close against a textbook and scipy, the share
closed by the deadline, overdue cases by owner at the snapshot, repeat complaints, their
changes, and the loader's errors (issue 28)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pdcakit.data import DataError
from pdcakit.registers.complaints import (
    close_days,
    closed_by_deadline,
    complaint_changes,
    overdue_by_owner,
    repeat_rate,
    time_to_close,
)
from pdcakit.registers.loading import load_complaints

SNAP = pd.Timestamp("2026-06-01")

# Freireich et al. (1963) 6-MP group, remission weeks (Gehan 1965): read here as days to
# close a complaint, "+" = still open (censored).
SIX_MP = [6, 6, 6, "6+", 7, "9+", 10, "10+", "11+", 13, 16, "17+", "19+", "20+", 22, 23,
          "25+", "32+", "32+", "34+", "35+"]


def six_mp_cases() -> pd.DataFrame:
    rows = []
    for i, t in enumerate(SIX_MP):
        if isinstance(t, str):         # open: received t days before the snapshot
            rows.append((f"C{i}", SNAP - pd.Timedelta(days=int(t[:-1])), pd.NaT))
        else:                          # closed after t days
            got = pd.Timestamp("2026-01-05") + pd.Timedelta(days=i)
            rows.append((f"C{i}", got, got + pd.Timedelta(days=t)))
    frame = pd.DataFrame(rows, columns=["id", "received_at", "closed_at"])
    frame.attrs["snapshot"] = SNAP
    return frame


class TestTimeToClose:
    def test_kleinbaum_klein_table(self):
        # Kleinbaum & Klein, Survival Analysis (3rd ed., 2012), ch. 2: KM estimates of the
        # 6-MP group: S(6) .8571, S(7) .8067, S(10) .7529, S(13) .6902, S(16) .6275,
        # S(22) .5378, S(23) .4482; median 23 (R survfit: median 23)
        t = time_to_close(six_mp_cases())
        assert t.n == 21 and t.n_open == 12
        assert t.median_days == pytest.approx(23)
        curve = dict(zip(t.curve.times, t.curve.survival, strict=True))
        for day, s in [(6, .8571), (7, .8067), (10, .7529), (13, .6902), (16, .6275),
                       (22, .5378), (23, .4482)]:
            assert curve[day] == pytest.approx(s, abs=5e-5)
        assert t.p90_days is None        # S never falls to 0.1: not reached, not invented

    def test_same_as_scipy_ecdf(self):
        days, closed = close_days(six_mp_cases())
        ref = sps.ecdf(sps.CensoredData(uncensored=days[closed], right=days[~closed])).sf
        t = time_to_close(six_mp_cases())
        assert np.allclose(t.curve.times, ref.quantiles)
        assert np.allclose(t.curve.survival, ref.probabilities)

    def test_dropping_open_cases_would_be_faster(self):
        t = time_to_close(six_mp_cases())
        closed = [d for d in SIX_MP if not isinstance(d, str)]
        assert np.median(closed) == 10 < t.median_days   # the naive median is biased down

    def test_heavy_censoring_median_not_reached(self):
        # 40 more cases open for 40 days: 52 of 61 open, S never reaches 0.5
        more = pd.DataFrame({"id": [f"O{i}" for i in range(40)],
                             "received_at": SNAP - pd.Timedelta(days=40), "closed_at": pd.NaT})
        c = pd.concat([six_mp_cases(), more], ignore_index=True)
        c.attrs["snapshot"] = SNAP
        t = time_to_close(c)
        assert t.n_open == 52
        assert t.median_days is None and t.as_dict()["median"] is None
        assert t.curve.survival.min() > 0.8

    def test_none_closed(self):
        c = six_mp_cases().assign(closed_at=pd.NaT)
        with pytest.raises(ValueError, match="none of the 21 cases is closed"):
            time_to_close(c)


def cases(rows, snapshot="2026-03-20") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["id", "received_at", "owner", "deadline", "closed_at",
                                        "repeat_of"])
    for col in ("received_at", "deadline", "closed_at"):
        frame[col] = pd.to_datetime(frame[col], format="mixed")
    frame.attrs["snapshot"] = pd.Timestamp(snapshot)
    return frame


ROWS = [
    ("C1", "2026-03-02", "李娜", "2026-03-04", "2026-03-04 17:00", None),  # on time (same day)
    ("C2", "2026-03-02", "李娜", "2026-03-04", "2026-03-05 09:00", None),  # late
    ("C3", "2026-03-03", "王伟", "2026-03-10", None, "C1"),                # open, overdue 9 d
    ("C4", "2026-03-10", "王伟", "2026-03-12", None, None),                # open, overdue 7 d
    ("C5", "2026-03-18", "Sam", "2026-03-25", None, "C2"),                 # open, not yet due
    ("C6", "2026-03-05", None, None, "2026-03-06", None),                  # no deadline
    ("C7", "2026-03-05", None, "2026-03-06", None, None),                  # open, no owner
]


class TestDeadlines:
    def test_share_closed_by_the_deadline(self):
        e = closed_by_deadline(cases(ROWS))
        # known: C1 on time; C2 late; C3, C4, C7 open past the deadline -> 1 of 5
        assert (e.value, e.n) == (pytest.approx(0.2), 5)
        assert e.extra == {"closed_on_time": 1, "closed_late": 1, "open_overdue": 3,
                           "open_not_yet_due": 1, "no_deadline": 1}
        assert "1 open cases not yet due, 1 cases without a deadline" in e.note

    def test_timed_deadline_is_a_moment(self):
        rows = [("C1", "2026-03-02", "A", "2026-03-04 12:00", "2026-03-04 17:00", None),
                ("C2", "2026-03-02", "A", "2026-03-04 18:00", "2026-03-04 17:00", None)]
        e = closed_by_deadline(cases(rows))
        assert e.extra["closed_late"] == 1 and e.extra["closed_on_time"] == 1

    def test_overdue_by_owner_at_the_snapshot(self):
        table = overdue_by_owner(cases(ROWS))
        # most overdue first: 王伟 2 (oldest 9 days: due 10 Mar, the day over at 11 Mar),
        # then the case without an owner, then Sam's case not yet due
        assert table["owner"].tolist() == ["王伟", "(no owner)", "Sam"]
        assert table["open"].tolist() == [2, 1, 1]
        assert table["overdue"].tolist() == [2, 1, 0]
        assert table["oldest_overdue_days"].tolist()[:2] == [9.0, 13.0]
        assert np.isnan(table["oldest_overdue_days"].iloc[2])

    def test_a_later_snapshot_makes_more_overdue(self):
        assert overdue_by_owner(cases(ROWS, "2026-04-01"))["overdue"].sum() == 4

    def test_repeat_rate(self):
        e = repeat_rate(cases(ROWS))
        assert (e.value, e.n) == (pytest.approx(2 / 7), 7)

    def test_missing_columns_say_which(self):
        c = cases(ROWS).drop(columns=["deadline"])
        with pytest.raises(ValueError, match="needs the column deadline; map it"):
            closed_by_deadline(c)


class TestChanges:
    def test_faster_closing_after(self):
        rng = np.random.default_rng(28)

        def window(start, median_days, n):
            got = pd.Timestamp(start) + pd.to_timedelta(rng.uniform(0, 80, n), unit="D")
            took = pd.to_timedelta(rng.exponential(median_days / np.log(2), n), unit="D")
            closed = (got + took).where(got + took < SNAP, pd.NaT)
            frame = pd.DataFrame({"received_at": got, "closed_at": closed,
                                  "deadline": got + pd.Timedelta(days=5),
                                  "repeat_of": rng.permutation(["X"] * (n // 10)
                                                               + [None] * (n - n // 10))})
            frame.attrs["snapshot"] = SNAP
            return frame

        c = complaint_changes(window("2026-01-05", 6.0, 300), window("2026-03-01", 3.0, 300))
        ttc = c.entries["time_to_close"]
        assert ttc["unit"] == "days" and ttc["difference"] < -1.5
        assert ttc["significant"] and ttc["p_adjusted"] >= ttc["pvalue"]
        deadline = c.entries["closed_by_deadline"]
        assert deadline["difference"] > 0.1 and deadline["significant"]
        assert not c.entries["repeat_rate"]["significant"]
        assert c.as_dict()["family_size"] == 3

    def test_skips_what_it_cannot_compare(self):
        b = six_mp_cases()
        c = complaint_changes(b, b)
        assert set(c.skipped) == {"closed_by_deadline", "repeat_rate"}
        assert "deadline" in c.skipped["closed_by_deadline"]


class TestLoad:
    def write(self, tmp_path, text):
        p = tmp_path / "complaints.csv"
        p.write_text(text, encoding="utf-8")
        return p

    def test_mapping_and_date_only(self, tmp_path):
        text = ("投诉编号,受理日期,责任人,期限,结案日期,重复投诉\n"
                "C1,2026-03-02,李娜,2026-03-09,2026-03-05,\n"
                "C2,2026-03-03,王伟,2026-03-10,,C1\n")
        c = load_complaints(self.write(tmp_path, text), {"columns": {
            "id": "投诉编号", "received_at": "受理日期", "owner": "责任人", "deadline": "期限",
            "closed_at": "结案日期", "repeat_of": "重复投诉"}})
        assert c["is_open"].tolist() == [False, True]
        assert c.attrs["snapshot_source"] == "inferred from the latest timestamp"
        assert str(c.attrs["snapshot"]) == "2026-03-05 00:00:00"

    def test_due_before_received(self, tmp_path):
        text = "id,received_at,deadline\nC1,2026-03-02,2026-03-09\nC2,2026-03-09,2026-03-02\n"
        with pytest.raises(DataError, match="column 'deadline': 1 row due before it was "
                                            "received") as err:
            load_complaints(self.write(tmp_path, text))
        assert err.value.rows == [3]

    def test_repeats_itself(self, tmp_path):
        text = "id,received_at,repeat_of\nC1,2026-03-02,\nC2,2026-03-03,C2\n"
        with pytest.raises(DataError, match="1 case names itself") as err:
            load_complaints(self.write(tmp_path, text))
        assert err.value.rows == [3]

    def test_snapshot_before_the_data_warns(self, tmp_path):
        text = "id,received_at,closed_at\nC1,2026-03-02,2026-03-09\n"
        c = load_complaints(self.write(tmp_path, text), snapshot="2026-03-05")
        assert c.attrs["snapshot_source"] == "given"
        assert any("after the snapshot" in w for w in c.attrs["warnings"])

    def test_bad_snapshot(self, tmp_path):
        text = "id,received_at\nC1,2026-03-02\n"
        with pytest.raises(DataError, match="snapshot 'soon' is not a date"):
            load_complaints(self.write(tmp_path, text), snapshot="soon")


class TestRealShapes:
    def write(self, tmp_path, text):
        p = tmp_path / "complaints.csv"
        p.write_text(text, encoding="utf-8")
        return p

    def test_outcome_without_closing_date_is_said(self, tmp_path):
        text = ("id,received_at,closed_at,outcome\nC1,2026-03-02,2026-03-04,upheld\n"
                "C2,2026-03-03,,not upheld\nC3,2026-03-04,,\n")
        c = load_complaints(self.write(tmp_path, text))
        assert c["is_open"].tolist() == [False, True, True]     # kept, not guessed closed
        note = next(w for w in c.attrs["warnings"] if w.startswith("closed_at:"))
        assert "1 case has an outcome but no closing date (rows 3)" in note
        assert "columns: closed_at: [closed_at" in note

    def test_repeated_rows_without_a_step_column_are_refused_with_the_way_out(self, tmp_path):
        # repeated ids and no step column: not a step export the loader can fold
        # (test_complaints_steps.py folds one), so it names the rows and the mapping line
        text = ("id,received_at,closed_at\nC1,2026-03-02,\nC1,2026-03-02,2026-03-05\n"
                "C2,2026-03-03,\n")
        with pytest.raises(DataError, match=r"'C1' on rows 2, 3.*columns: step:"):
            load_complaints(self.write(tmp_path, text))

    def test_time_zone_and_a_naive_snapshot(self, tmp_path):
        text = ("id,received_at,closed_at\nC1,2026-03-28 09:00+00:00,2026-03-30 09:00+01:00\n"
                "C2,2026-03-28 10:00+00:00,\n")
        c = load_complaints(self.write(tmp_path, text), timezone="Europe/London",
                            snapshot="2026-04-01 09:00")
        assert str(c.attrs["snapshot"].tz) == "Europe/London"
        days, closed = close_days(c)
        assert closed.tolist() == [True, False]
        assert days[0] == pytest.approx(2 - 1 / 24)    # across the clock change: 47 hours
