"""Is a ticket export plausible? Open cases per case, cases closed without a resolution
time, cases open far longer than the rest: counted, and said with the fix.

A case with no ``resolved_at`` counts as still open (right-censored at the snapshot).
Two things make that wrong without any error:

- the export has a closing time the mapping does not use (ServiceNow's ``closed_at``
  beside ``resolved_at``): a case closed without a resolution time is then "open" for
  months and drives the 90th percentile, the restricted mean, the resolution rate and the
  "still open" bars. The loader keeps such a column as ``closed_at`` (see
  :func:`closing_column`), only to count these cases; the fix is a mapping fallback,
  ``columns: {resolved_at: [resolved_at, closed_at]}`` (the first non-empty cell wins);
- stale cases, open far longer than resolved cases take: "far" is beyond Tukey's far-out
  fence of the resolved cases' times, Q3 + 3 x IQR (Tukey, *Exploratory Data Analysis*,
  1977, section 2H), computed when at least :data:`MIN_RESOLVED` cases are resolved.

The numbers are computed here, once per case (a repeated id counts once: the tickets
loader has already kept one row of each id); :class:`Plausibility` words them, and the
pages and ``pdca check-data`` show its sentences.

>>> import pandas as pd
>>> t = pd.DataFrame({
...     "id": ["C1", "C2", "C3", "C4"],
...     "created_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
...                                   "2024-01-04"]),
...     "resolved_at": pd.to_datetime(["2024-01-02", None, None, "2024-01-05"]),
...     "closed_at": pd.to_datetime(["2024-01-03", "2024-01-09", None, "2024-01-06"])})
>>> p = plausibility(t, snapshot=pd.Timestamp("2024-03-01"))
>>> p.n_cases, p.n_open, p.n_closed_without_resolution, p.n_open_far_longer
(4, 2, 1, None)
>>> print(p.sentences[0])
1 of the 2 cases counted as still open (1 of 4 cases, 25.0%) has a closing time \
(closed_at) but no resolution time: the figures count it as open. If closing means \
resolved, take the closing time where resolved_at is empty: in the mapping write \
columns: {resolved_at: [resolved_at, closed_at]} (the first non-empty cell wins).
>>> t.attrs["closing_column"] = "Closed"
>>> plausibility(t).sentences[0].split("write ")[1]
'columns: {resolved_at: [resolved_at, Closed]} (the first non-empty cell wins).'
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pdcakit.words import Words, words

from .errors import DataError
from .names import normalize_name
from .parsing import Source, parse_datetime

__all__ = ["CLOSING_NAMES", "FAR_OUT", "MIN_RESOLVED", "Plausibility", "closing_column",
           "plausibility"]

#: Column names (after :func:`~pdcakit.data.names.normalize_name`) that hold a closing
#: time, kept as ``closed_at`` when the mapping does not use them.
CLOSING_NAMES: tuple[str, ...] = (
    "closed_at", "closed", "close_time", "closed_time", "closed_date", "close_date",
    "closure_time", "closure_date", "date_closed", "closed_on", "time_closed",
    "关闭时间", "关闭日期", "结案时间", "结案日期", "关单时间")
#: Tukey's far-out fence: Q3 + FAR_OUT x IQR of the resolved cases' times.
FAR_OUT = 3.0
#: Resolved cases needed before "far longer than the rest" is judged.
MIN_RESOLVED = 20


def closing_column(raw: pd.DataFrame, ignored: list[str], source: Source,
                   date_format: str | None = None, dayfirst: bool = False,
                   timezone: str | None = None,
                   na_values: tuple[str, ...] = ()) -> tuple[str, pd.Series] | None:
    """The first unused column named like a closing time (:data:`CLOSING_NAMES`) that
    holds dates, parsed; None when there is none. A column so named whose cells do not
    all read as dates is left unused, with a warning in ``source`` saying why (a column
    the user never asked for never stops a load).
    """
    for name in ignored:
        if normalize_name(name) not in CLOSING_NAMES:
            continue
        scratch = Source(source.file, source.header_row, names={"closed_at": name})
        try:
            parsed = parse_datetime(raw[name], "closed_at", scratch, date_format=date_format,
                                    dayfirst=dayfirst, timezone=timezone,
                                    na_values=na_values)
        except DataError as exc:
            source.warnings.append(
                f"column {name!r} looks like a closing time but not every cell reads as a "
                f"date ({exc.problem}), so cases closed without a resolution time cannot be "
                "counted")
            return None
        if parsed.notna().any():
            return name, parsed
    return None


@dataclass(frozen=True)
class Plausibility:
    """Counts per case (see the module) and the sentences that say them with the fix.

    ``n_open_far_longer`` is None when fewer than :data:`MIN_RESOLVED` cases are resolved
    (no fence); ``far_longer_than`` is that fence in days; ``closing_column`` the source
    column the closing times came from (None without one).
    """

    n_cases: int
    n_open: int | None                       # None: no resolved_at column
    n_closed_without_resolution: int
    n_open_far_longer: int | None
    far_longer_than_days: float | None
    typical_days: float | None               # the resolved cases' Q3, for the sentence
    closing_column: str | None
    sentences: tuple[str, ...] = ()
    #: The export's column mapped to resolved_at, for the fix the sentence gives.
    resolved_column: str = "resolved_at"

    @property
    def open_share(self) -> float | None:
        """Share of the cases still open (None without resolved_at or cases)."""
        if self.n_open is None or not self.n_cases:
            return None
        return self.n_open / self.n_cases

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields, ``open_share`` included."""
        return {"n_cases": self.n_cases, "n_open": self.n_open,
                "open_share": self.open_share,
                "n_closed_without_resolution": self.n_closed_without_resolution,
                "n_open_far_longer": self.n_open_far_longer,
                "far_longer_than_days": self.far_longer_than_days,
                "typical_days": self.typical_days, "closing_column": self.closing_column,
                "sentences": list(self.sentences)}


    def sentences_in(self, language: str = "en") -> tuple[str, ...]:
        """The sentences that say the counts with the fix, in ``language`` (English: the
        ``sentences`` field, as results.json and ``pdca check-data`` keep them).

        >>> p = Plausibility(40, 10, 0, 2, 30.0, 4.5, None)
        >>> p.sentences_in("zh-CN")[0].split("，")[:2]
        ['在仍未关闭的 10 个案例中', '有 2 个已开启超过 30.0 天']
        """
        w = words(language)
        n, n_open, n_closed, far = (self.n_cases, self.n_open or 0,
                                    self.n_closed_without_resolution, self.n_open_far_longer)
        found = []
        if n_closed:
            closing = self.closing_column
            found.append(w.ngettext(
                "{closed} of the {open} counted as still open ({closed} of {cases}, "
                "{share}) has a closing time{where} but no resolution time: the figures count "
                "it as open. If closing means resolved, take the closing time where "
                "resolved_at is empty: in the mapping write columns: {{resolved_at: "
                "[{resolved}, {closing}]}} (the first non-empty cell wins).",
                "{closed} of the {open} counted as still open ({closed} of {cases}, "
                "{share}) have a closing time{where} but no resolution time: the figures "
                "count them as open. If closing means resolved, take the closing time where "
                "resolved_at is empty: in the mapping write columns: {{resolved_at: "
                "[{resolved}, {closing}]}} (the first non-empty cell wins).", n_closed,
                closed=f"{n_closed:,}", open=_cases(n_open, w), cases=_cases(n, w),
                share=w.percent(n_closed / n), where=f" ({closing})" if closing else "",
                resolved=self.resolved_column, closing=closing or w._("<closing column>")))
        if far and self.far_longer_than_days is not None and self.typical_days is not None:
            found.append(w.ngettext(
                "{far} of the {open} still open has been open longer than {fence}, far "
                "longer than resolved cases take (3 in 4 took under {typical}): they raise "
                "the 90th percentile, the restricted mean and the 'still open' share, and "
                "lower the resolution rate. If they are closed in the source system, map the "
                "column that holds their closing time (as a fallback of resolved_at); if "
                "they are really open, the figures are right to count them.",
                "{far} of the {open} still open have been open longer than {fence}, far "
                "longer than resolved cases take (3 in 4 took under {typical}): they raise "
                "the 90th percentile, the restricted mean and the 'still open' share, and "
                "lower the resolution rate. If they are closed in the source system, map the "
                "column that holds their closing time (as a fallback of resolved_at); if "
                "they are really open, the figures are right to count them.", far,
                far=f"{far:,}", open=_cases(n_open, w),
                fence=_days(self.far_longer_than_days, w),
                typical=_days(self.typical_days, w)))
        return tuple(found)


def _days(x: float, w: Words | None = None) -> str:
    """A time in days (hours under a day) in ``w``'s words (English by default)."""
    w = w or words("en")
    return (w._("{value} days", value=f"{x:,.1f}") if x >= 1 else
            w._("{value} hours", value=f"{x * 24:,.1f}"))


def _cases(n: int, w: Words | None = None) -> str:
    w = w or words("en")
    return w.ngettext("{number} case", "{number} cases", n, number=f"{n:,}")


def plausibility(tickets: pd.DataFrame, snapshot: pd.Timestamp | None = None,
                 closing: str | None = None) -> Plausibility:
    """Count open cases, cases closed without a resolution time and cases open far longer
    than the rest, one row per case (the loaded tickets: duplicates already resolved).

    Parameters
    ----------
    tickets : DataFrame
        Loaded tickets: ``created_at``, and ``resolved_at`` / ``closed_at`` when present.
    snapshot : Timestamp, optional
        When the export was taken (default ``attrs["snapshot"]``, else the latest
        timestamp): an open case's age is the snapshot minus its creation.
    closing : str, optional
        The source name of ``closed_at`` for the sentence (default from
        ``attrs["closing_column"]``).
    """
    n = len(tickets)
    if "resolved_at" not in tickets:
        return Plausibility(n, None, 0, None, None, None, None, ())
    closing = closing or tickets.attrs.get("closing_column") or (
        "closed_at" if "closed_at" in tickets else None)
    is_open = tickets["resolved_at"].isna().to_numpy(dtype=bool)
    n_open = int(is_open.sum())
    closed = np.zeros(n, dtype=bool)
    if "closed_at" in tickets:
        closed = is_open & tickets["closed_at"].notna().to_numpy(dtype=bool)
    n_closed = int(closed.sum())
    created = tickets["created_at"]
    took = (tickets["resolved_at"] - created)[~is_open] / pd.Timedelta(days=1)
    took = took.dropna().to_numpy(dtype=float)
    far = fence = typical = None
    if len(took) >= MIN_RESOLVED and n_open:
        q1, q3 = np.percentile(took, [25, 75])
        fence = float(q3 + FAR_OUT * (q3 - q1))
        typical = float(q3)
        if snapshot is None:
            snapshot = tickets.attrs.get("snapshot")
        if snapshot is None:
            stamps = [tickets[c].max() for c in ("created_at", "resolved_at")
                      if tickets[c].notna().any()]
            snapshot = max(stamps)
        age = (pd.Timestamp(snapshot) - created[is_open]) / pd.Timedelta(days=1)
        far = int((age.to_numpy(dtype=float) > fence).sum()) if fence > 0 else 0
    resolved = tickets.attrs.get("columns", {}).get("resolved_at", "resolved_at")
    found = Plausibility(n, n_open, n_closed, far, fence, typical, closing,
                         resolved_column=resolved)
    return replace(found, sentences=found.sentences_in("en"))
