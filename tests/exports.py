"""Real-shaped ticket exports for tests and benchmarks: seeded, fast, written to a folder.

Each generator writes one export (and, where the export needs one, its mapping YAML) and
returns an :class:`Export` holding the truth a test checks against: the file's row count,
one row per case as a correct loader must see it, the windows a cycle would use and the
canonical columns the file holds.

Shapes (the issue-14 user's story, a city council's constituent cases):

- :func:`city_council_cases`: id, created_at, resolved_at, category only; date-only
  timestamps; ten years by month with empty months; 105 repeated ids; about 4% open,
  most of them created in the last year; 60 categories; volume collapsing in the last
  year; many same-day closures (zero durations).
- :func:`helpdesk_without_response`: a help-desk export without first_response_at,
  handle_minutes, complaint or channel.
- :func:`chinese_city_council_cases`: the council cases with Chinese headers and
  category names, GB18030-encoded, with the mapping file that reads it.
- :func:`sparse_months`: date-only cases with a one-case month and months with no case
  inside the compare windows (charts by month).

>>> import tempfile
>>> export = city_council_cases(tempfile.mkdtemp(), rows=2_000)
>>> export.rows, export.repeated_ids, export.columns
(2000, 105, ('id', 'created_at', 'resolved_at', 'category'))
>>> export.rows - export.repeated_ids == len(export.cases)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Export", "WindowCounts", "chinese_city_council_cases", "city_council_cases",
           "helpdesk_without_response", "sparse_months"]

SEED = 20240105

#: Council services and request kinds: 20 x 3 = 60 categories, in English and Chinese.
_SERVICES = (
    ("Waste collection", "垃圾收集"), ("Street lighting", "路灯"), ("Potholes", "道路坑洼"),
    ("Parking", "停车"), ("Noise", "噪音"), ("Fly-tipping", "乱倒垃圾"),
    ("Council tax", "市政税"), ("Housing repairs", "房屋维修"), ("Planning", "规划"),
    ("Parks", "公园"), ("Graffiti", "涂鸦"), ("Abandoned vehicles", "废弃车辆"),
    ("Trees", "树木"), ("Drainage", "排水"), ("Pest control", "虫害防治"),
    ("Licensing", "许可证"), ("Libraries", "图书馆"), ("Road signs", "道路标志"),
    ("Pavements", "人行道"), ("Recycling", "回收"),
)
_KINDS = (("report", "报告"), ("request", "申请"), ("enquiry", "咨询"))
CATEGORIES_EN: tuple[str, ...] = tuple(f"{s} {k}" for s, _ in _SERVICES for k, _ in _KINDS)
CATEGORIES_ZH: tuple[str, ...] = tuple(f"{s}{k}" for _, s in _SERVICES for _, k in _KINDS)

#: Chinese header of each canonical column of the council export.
ZH_COLUMNS: dict[str, str] = {"id": "编号", "created_at": "创建时间", "resolved_at": "解决时间",
                              "category": "类别"}

_CITY_COLUMNS = ("id", "created_at", "resolved_at", "category")
_DATE = "%Y-%m-%d"


@dataclass(frozen=True)
class WindowCounts:
    """Cases created in a window ``[start, end)`` and how many of them are still open."""

    n: int
    n_open: int


@dataclass(frozen=True, eq=False)
class Export:
    """One written export and the truth about it.

    Attributes
    ----------
    path, mapping : the export file and its mapping YAML (None when canonical as written).
    rows : data rows in the file, repeated ids included.
    cases : one row per id as a loader keeping the first row of each id sees it, with
        canonical columns plus ``is_open`` (no resolution time in the export).
    columns : canonical columns the file holds (in the canonical names).
    repeated_ids : ids that appear more than once (each exactly twice).
    before, after : the ``[first day, day after the last)`` windows a cycle would compare.
    snapshot : the latest timestamp in the file (what the loader infers as the export time).
    period : the chart period the shape is meant for ("W" or "M").
    """

    path: Path
    mapping: Path | None
    rows: int
    cases: pd.DataFrame
    columns: tuple[str, ...]
    repeated_ids: int
    before: tuple[str, str]
    after: tuple[str, str]
    snapshot: pd.Timestamp
    period: str = "W"

    @property
    def n_open(self) -> int:
        """Cases still open at the export, over the whole file."""
        return int(self.cases["is_open"].sum())

    def window(self, start: str, end: str) -> WindowCounts:
        """Counts of the cases created in ``[start, end)``."""
        created = self.cases["created_at"]
        inside = self.cases[(created >= pd.Timestamp(start)) & (created < pd.Timestamp(end))]
        return WindowCounts(n=len(inside), n_open=int(inside["is_open"].sum()))

    def monthly(self) -> pd.DataFrame:
        """Cases and open cases per calendar month of creation, empty months included."""
        months = pd.period_range(self.cases["created_at"].min(), self.snapshot, freq="M")
        by_month = self.cases.groupby(self.cases["created_at"].dt.to_period("M"))
        return pd.DataFrame({"n": by_month.size(), "n_open": by_month["is_open"].sum()}
                            ).reindex(months, fill_value=0)


def _month_counts(rng: np.random.Generator, months: pd.DatetimeIndex, weights: np.ndarray,
                  total: int) -> np.ndarray:
    """``total`` cases spread over ``months`` in proportion to ``weights`` (multinomial)."""
    return rng.multinomial(total, weights / weights.sum())


def _case_frame(rng: np.random.Generator, months: pd.DatetimeIndex, counts: np.ndarray,
                open_share: np.ndarray, snapshot: pd.Timestamp,
                categories: Sequence[str], *, same_day_share: float = 0.39,
                median_days: float = 8.0, max_days: int = 125) -> pd.DataFrame:
    """Date-only cases: ``counts[i]`` created in ``months[i]`` on uniform days; a share
    ``open_share[i]`` never resolved, the others closed after a whole number of days
    (``same_day_share`` of them the same day), open when that falls after ``snapshot``."""
    month_of_case = np.repeat(np.arange(len(months)), counts)
    days_in_month = months.days_in_month.to_numpy()[month_of_case]
    created = (months.to_numpy()[month_of_case]
               + (rng.random(len(month_of_case)) * days_in_month).astype("timedelta64[D]"))
    created = np.minimum(created, snapshot.to_datetime64())
    n = len(created)
    days = np.ceil(rng.lognormal(np.log(median_days), 1.4, n)).clip(1, max_days)
    days[rng.random(n) < same_day_share] = 0
    resolved = created + days.astype("timedelta64[D]")
    is_open = (rng.random(n) < open_share[month_of_case]) | (resolved > snapshot.to_datetime64())
    weights = 1.0 / np.arange(1, len(categories) + 1) ** 1.1  # a few big, a long tail
    category = rng.choice(np.asarray(categories, dtype=object), n, p=weights / weights.sum())
    order = np.argsort(created, kind="stable")
    frame = pd.DataFrame({
        "created_at": pd.to_datetime(created[order]),
        "resolved_at": pd.to_datetime(np.where(is_open, np.datetime64("NaT"), resolved)[order]),
        "category": category[order],
        "is_open": is_open[order],
    })
    frame.insert(0, "id", np.arange(100_001, 100_001 + n))
    return frame


def _with_repeats(rng: np.random.Generator, cases: pd.DataFrame, repeated: int,
                  categories: Sequence[str]) -> pd.DataFrame:
    """The file's rows: ``repeated`` cases appear twice, the second row right after the
    first with another category (the same case filed under two headings)."""
    picks = rng.choice(len(cases), repeated, replace=False)
    copies = cases.iloc[picks].copy()
    copies["category"] = rng.choice(np.asarray(categories, dtype=object), repeated)
    rows = pd.concat([cases, copies]).sort_values("created_at", kind="stable")
    return rows.drop(columns="is_open")


def _write_csv(rows: pd.DataFrame, path: Path, *, encoding: str = "utf-8",
               columns: dict[str, str] | None = None, date_format: str = _DATE) -> Path:
    out = rows.copy()
    for name in ("created_at", "resolved_at"):
        out[name] = out[name].dt.strftime(date_format).fillna("")
    out.rename(columns=columns or {}).to_csv(path, index=False, encoding=encoding)
    return path


def _write_mapping(path: Path, lines: Sequence[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _city_rows(rows: int, seed: int, repeated_ids: int,
               categories: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """The council export's (file rows, cases, snapshot); see :func:`city_council_cases`."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2015-01-01", "2024-12-01", freq="MS")
    snapshot = pd.Timestamp("2024-12-31")
    position = np.arange(len(months))
    weights = 1.0 + 0.15 * np.sin(2 * np.pi * position / 12)
    weights[months.year == 2024] *= 0.4  # the volume collapses in the last year
    empty = months.isin(pd.to_datetime(["2016-02-01", "2019-11-01", "2021-04-01"]))
    weights[empty] = 0.0
    # 1% never closed; from October 2023 more and more of each month is still open
    open_share = np.full(len(months), 0.01)
    late = months >= pd.Timestamp("2023-10-01")
    open_share[late] = np.linspace(0.05, 0.95, late.sum())
    counts = _month_counts(rng, months, weights, rows - repeated_ids)
    cases = _case_frame(rng, months, counts, open_share, snapshot, categories)
    # one case closed on the snapshot day, so the latest timestamp is the snapshot
    last_closed = cases.index[~cases["is_open"]][-1]
    cases.loc[last_closed, "resolved_at"] = snapshot
    return _with_repeats(rng, cases, repeated_ids, categories), cases, snapshot


_CITY_WINDOWS = {"before": ("2022-01-01", "2024-01-01"), "after": ("2024-01-01", "2025-01-01")}


def city_council_cases(folder: str | Path, *, rows: int = 20_000, seed: int = SEED,
                       repeated_ids: int = 105, name: str = "cases.csv") -> Export:
    """A city council's constituent-case export (issue 14), written as ``folder/name``.

    Columns ``id, created_at, resolved_at, category`` only; dates without times
    (``2019-03-04``); January 2015 to December 2024 with three empty months (Feb 2016,
    Nov 2019, Apr 2021); ``rows`` rows of which ``repeated_ids`` ids appear twice; about
    4% open, most of them created in 2024 (heavy censoring at the end); 60 categories;
    2024's volume 40% of the years before; about 39% of closed cases closed the same day.
    Its mapping (``folder/cases_mapping.yaml``) says only ``on_duplicate: keep_first``.
    ``rows=341_299`` gives the user's full size (about 2 s).

    >>> import tempfile
    >>> e = city_council_cases(tempfile.mkdtemp(), rows=3_000)
    >>> e.window(*e.before).n > 0, e.mapping.name
    (True, 'cases_mapping.yaml')
    """
    folder = Path(folder)
    file_rows, cases, snapshot = _city_rows(rows, seed, repeated_ids, CATEGORIES_EN)
    path = _write_csv(file_rows, folder / name)
    mapping = _write_mapping(folder / "cases_mapping.yaml", [
        "# The council export has canonical column names; some cases are filed twice.",
        "on_duplicate: keep_first",
    ])
    return Export(path=path, mapping=mapping, rows=len(file_rows), cases=cases,
                  columns=_CITY_COLUMNS, repeated_ids=repeated_ids,
                  snapshot=snapshot, **_CITY_WINDOWS)


def chinese_city_council_cases(folder: str | Path, *, rows: int = 20_000, seed: int = SEED,
                               repeated_ids: int = 105,
                               name: str = "cases_zh_gb18030.csv") -> Export:
    """:func:`city_council_cases` with Chinese headers (编号, 创建时间, 解决时间, 类别) and
    category names, GB18030-encoded, and its mapping ``folder/cases_zh_mapping.yaml``.

    ``cases["category"]`` holds the Chinese names, as the file does.

    >>> import tempfile
    >>> e = chinese_city_council_cases(tempfile.mkdtemp(), rows=2_000)
    >>> e.path.read_bytes().decode("gb18030").splitlines()[0]
    '编号,创建时间,解决时间,类别'
    """
    folder = Path(folder)
    file_rows, cases, snapshot = _city_rows(rows, seed, repeated_ids, CATEGORIES_ZH)
    path = _write_csv(file_rows, folder / name, encoding="gb18030", columns=ZH_COLUMNS)
    mapping = _write_mapping(folder / "cases_zh_mapping.yaml", [
        "# 市民个案导出 (GB18030, as saved by Excel on a Chinese-locale PC)",
        "columns:",
        *(f"  {canonical}: {source}" for canonical, source in ZH_COLUMNS.items()),
        f'date_format: "{_DATE}"',
        "encoding: gb18030",
        "on_duplicate: keep_first",
    ])
    return Export(path=path, mapping=mapping, rows=len(file_rows), cases=cases,
                  columns=_CITY_COLUMNS, repeated_ids=repeated_ids,
                  snapshot=snapshot, **_CITY_WINDOWS)


#: Months of :func:`sparse_months` with one case or none, inside its windows.
SPARSE_ONE_CASE = "2024-05"
SPARSE_EMPTY = ("2023-10", "2024-08")


def sparse_months(folder: str | Path, *, seed: int = SEED,
                  name: str = "sparse_cases.csv") -> Export:
    """Date-only cases, January 2022 to December 2024, about 90 a month, except a month
    with one case (May 2024, closed after 40 days) and months with none (October 2023 in
    the before window, August 2024 in the after window); unique ids, no mapping needed.
    Meant for charts by month (``period == "M"``).

    >>> import tempfile
    >>> m = sparse_months(tempfile.mkdtemp()).monthly()
    >>> int(m.loc["2024-05", "n"]), int(m.loc["2024-08", "n"])
    (1, 0)
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range("2022-01-01", "2024-12-01", freq="MS")
    snapshot = pd.Timestamp("2024-12-31")
    counts = rng.poisson(90, len(months))
    labels = months.strftime("%Y-%m")
    counts[labels.isin(SPARSE_EMPTY)] = 0
    counts[labels == SPARSE_ONE_CASE] = 0
    open_share = np.where(months >= pd.Timestamp("2024-10-01"), 0.3, 0.01)
    cases = _case_frame(rng, months, counts, open_share, snapshot, CATEGORIES_EN[:12])
    lone = pd.DataFrame({"id": [200_001], "created_at": [pd.Timestamp(f"{SPARSE_ONE_CASE}-14")],
                         "resolved_at": [pd.Timestamp(f"{SPARSE_ONE_CASE}-14")
                                         + pd.Timedelta(days=40)],
                         "category": [CATEGORIES_EN[0]], "is_open": [False]})
    cases = pd.concat([cases, lone]).sort_values("created_at", kind="stable")
    cases = cases.reset_index(drop=True)
    cases.loc[cases.index[~cases["is_open"]][-1], "resolved_at"] = snapshot
    path = _write_csv(cases.drop(columns="is_open"), Path(folder) / name)
    return Export(path=path, mapping=None, rows=len(cases), cases=cases,
                  columns=_CITY_COLUMNS, repeated_ids=0, before=("2023-01-01", "2024-01-01"),
                  after=("2024-01-01", "2025-01-01"), snapshot=snapshot, period="M")


#: Canonical columns of :func:`helpdesk_without_response` (no first_response_at,
#: handle_minutes, complaint or channel).
HELPDESK_COLUMNS = ("id", "created_at", "resolved_at", "category", "site", "agent",
                    "first_contact_resolved", "reopened", "csat")


def helpdesk_without_response(folder: str | Path, *, rows: int = 4_000, seed: int = SEED,
                              name: str = "helpdesk.csv") -> Export:
    """A help-desk export without first_response_at, handle_minutes, complaint or channel.

    26 weeks from Monday 2025-01-06, timestamps to the minute (``2025-01-06 08:15``),
    unique ids ``HD000001`` ..., resolution after a few hours (lognormal, median 5 h),
    about 2% never resolved plus the last days' tickets still open at the snapshot
    (the latest timestamp); FCR about 70%, CSAT (1-5) for about 30% of resolved tickets.

    >>> import tempfile
    >>> e = helpdesk_without_response(tempfile.mkdtemp(), rows=500)
    >>> "first_response_at" in e.columns, e.mapping is None
    (False, True)
    """
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-01-06")
    end = start + pd.Timedelta(weeks=26)
    minutes = np.sort(rng.integers(0, int((end - start).total_seconds() // 60), rows))
    created = start + pd.to_timedelta(minutes, unit="min")
    took = pd.to_timedelta(np.round(rng.lognormal(np.log(300), 1.2, rows)), unit="min")
    resolved = created + took
    is_open = (rng.random(rows) < 0.02) | (resolved > end)
    resolved = resolved.where(~is_open)
    snapshot = resolved.max()
    fcr = (rng.random(rows) < 0.7) & ~is_open
    csat = pd.array(np.where((rng.random(rows) < 0.3) & ~is_open,
                             rng.integers(1, 6, rows), -1), dtype="Int8")
    csat[csat == -1] = pd.NA
    cases = pd.DataFrame({
        "id": [f"HD{i:06d}" for i in range(1, rows + 1)],
        "created_at": created, "resolved_at": resolved,
        "category": rng.choice(["password/account", "software", "hardware", "network",
                                "access request", "billing", "other"], rows),
        "site": rng.choice(["Leeds", "Manchester", "Glasgow"], rows),
        "agent": [f"A{k:02d}" for k in rng.integers(1, 31, rows)],
        "first_contact_resolved": np.where(fcr, "true", "false"),
        "reopened": np.where((rng.random(rows) < 0.05) & ~is_open, "true", "false"),
        "csat": csat, "is_open": is_open,
    })
    path = _write_csv(cases.drop(columns="is_open"), Path(folder) / name,
                      date_format="%Y-%m-%d %H:%M")
    change = (start + pd.Timedelta(weeks=13)).strftime(_DATE)
    return Export(path=path, mapping=None, rows=rows, cases=cases, columns=HELPDESK_COLUMNS,
                  repeated_ids=0, before=(start.strftime(_DATE), change),
                  after=(change, end.strftime(_DATE)), snapshot=snapshot)


def check_results(check, windows, tickets: pd.DataFrame) -> dict:
    """A compare results.json holding the verdict section ``check`` only (headline none),
    through the one JSON converter, as a page's reader gets it."""
    import json

    from pdcakit.fileio import plain

    raw = {"schema": "pdca-results/1", "stage": "compare", "windows": windows.as_dict(),
           "alpha": 0.05, "skipped": {}, "inputs": {}, "headline": None,
           "data": {"tickets": len(tickets)}, "kpis": check.as_dict()["kpis"]}
    return json.loads(json.dumps(plain(raw)))
