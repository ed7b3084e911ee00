"""A period the go-live falls inside is split at it on the compare time view (issue 23,
item 7): no "before" point holds tickets from after the change (pdcakit.stages.timeview)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.stages.timeview import phase_view, window_periods
from pdcakit.stages.windows import Windows

matplotlib.use("Agg")


def _export(tmp_path, change: str) -> pd.DataFrame:
    """A real-shaped export: 70 tickets a day over 26 weeks around ``change``, some created
    with a date only, FCR better after the change, a Chinese channel, a fifth still open
    (no resolved_at), a quiet day with no ticket at all."""
    rng = np.random.default_rng(5)
    go = pd.Timestamp(change)
    days = pd.date_range(go - pd.Timedelta(weeks=13),
                         go + pd.Timedelta(weeks=13) - pd.Timedelta(days=1))
    rows = []
    for day in days:
        if day == go + pd.Timedelta(days=20):
            continue  # an empty day
        for i in range(70):
            created = day + pd.Timedelta(minutes=int(rng.integers(0, 1440)))
            after = created >= go
            text = f"{created:%Y-%m-%d}" if i % 9 == 0 else f"{created:%Y-%m-%d %H:%M}"
            hours = rng.exponential(10 if after else 20)
            resolved = ("" if rng.random() < 0.2 else
                        f"{created + pd.Timedelta(hours=hours):%Y-%m-%d %H:%M}")
            rows.append({"id": f"INC{len(rows):06d}", "created_at": text,
                         "resolved_at": resolved, "channel": "电话" if i % 2 else "邮件",
                         "first_contact_resolved": bool(rng.random() < (0.8 if after else 0.6))})
    path = tmp_path / "export.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return data.load_tickets(path, snapshot=str((go + pd.Timedelta(weeks=13)).date()))


@pytest.mark.parametrize("change", ["2026-04-10", "2026-04-08"])  # a Friday, a Wednesday
def test_the_go_live_week_is_split_not_drawn_as_before(tmp_path, change):
    tickets = _export(tmp_path, change)
    windows = Windows.around(change, weeks_before=13, weeks_after=13)
    before, after = windows.split(tickets)
    view = phase_view(tickets, "fcr", windows)
    k = view.change_index
    # Every point holds tickets of one side only: before points add up to the before window.
    assert int(view.n[:k].sum()) == len(before)
    assert int(view.n[k:].sum()) == len(after)
    go = pd.Timestamp(change)
    assert view.periods[k] == go and view.periods[k - 1] == pd.Timestamp("2026-04-06")
    assert view.partial[k - 1] and view.partial[k]
    assert view.days[k - 1] + view.days[k] == 7
    assert f"is split at the change ({go:%a %d %b %Y})" in view.sentence
    # p' limits widen with the part week's fewer tickets
    width = np.asarray(view.chart.ucl_line) - np.asarray(view.chart.lcl_line)
    assert width[k] > np.median(width[k + 1:k + 5])
    # the chart marks the split week
    assert view.split_events and "split at the change" in view.split_events[0][1]
    view.figure(period_word="week")


def test_durations_split_too(tmp_path):
    tickets = _export(tmp_path, "2026-04-10")
    windows = Windows.around("2026-04-10", weeks_before=13, weeks_after=13)
    view = phase_view(tickets, "time_to_resolve", windows)
    k = view.change_index
    assert view.periods[k] == pd.Timestamp("2026-04-10") and view.partial[k - 1]
    assert "split at the change" in view.sentence
    # the window's own edges (a Friday start, a Thursday end) are part weeks, named
    assert view.partial[0] and view.partial[-1]
    assert "Also a part week" in view.sentence


def test_a_monday_go_live_splits_nothing(tmp_path):
    tickets = _export(tmp_path, "2026-04-06")
    windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    view = phase_view(tickets, "fcr", windows)
    assert not view.partial.any() and "split" not in view.sentence
    assert view.split_events == []


def test_tickets_between_two_windows_are_in_neither(tmp_path):
    tickets = _export(tmp_path, "2026-04-10")
    windows = Windows.explicit(["2026-01-12", "2026-04-01"], ["2026-04-15", "2026-07-06"])
    frame = window_periods(tickets, "fcr", windows)
    before, after = windows.split(tickets)
    assert frame["n"].sum() == len(before) + len(after)
    assert (frame.loc[frame["side"] == "after", "period"] >= pd.Timestamp("2026-04-15")).all()
