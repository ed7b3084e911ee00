"""Loading ticket exports (one row per service request) onto the canonical schema.

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "tickets.csv"
>>> _ = p.write_text("id,created_at,resolved_at\\n"
...                  "T1,2026-01-05 08:00,2026-01-05 09:30\\n"
...                  "T2,2026-01-05 08:10,\\n", encoding="utf-8")
>>> t = load_tickets(p)
>>> t["is_open"].tolist(), str(t.attrs["snapshot"])
([False, True], '2026-01-05 09:30:00')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, Literal

import pandas as pd

from .canonical import finish, load_canonical
from .memory import release_unused_memory
from .parsing import Source
from .schema import TICKETS
from .slicing import between
from .validate import check_duplicates, check_order

__all__ = ["load_tickets"]

_ORDER_FIX = ("check the export's time zone or date format (day and month swapped?); "
              "all timestamps must be in the same zone")
_DUPLICATE_FIX = ("remove the repeated rows from the export, or load with "
                  "on_duplicate='keep_first' to keep the first row of each id")


def load_tickets(path: str | os.PathLike[str], mapping: Any = None, *,
                 on_duplicate: Literal["error", "keep_first"] = "error",
                 window: Sequence[Any] | None = None, date_column: str = "created_at",
                 snapshot: Any = None, **options: Any) -> pd.DataFrame:
    """Load a ticket export: canonical columns, proper types, validated, plus ``is_open``.

    Parameters
    ----------
    path : str or path-like
        CSV / TSV / TXT (optionally .gz), Parquet or Excel export.
    mapping : None, dict, path to YAML, preset name or Mapping
        How the export's columns and values map onto the canonical ones
        (see :func:`load_mapping`). Columns already named canonically need none.
    on_duplicate : {"error", "keep_first"}
        A repeated ``id`` raises (default), or the first row of each id is
        kept and the count recorded in ``attrs["dropped_duplicates"]``.
    window : (start, end), optional
        Keep tickets whose ``date_column`` lies in ``[start, end)``; either end
        may be None (open). Strings or timestamps.
    date_column : str, default "created_at"
        The timestamp the window selects on.
    snapshot : str or Timestamp, optional
        When the export was taken: the censoring time of open tickets. Default:
        the latest timestamp in the file.
    **options
        Override the mapping: ``sheet``, ``encoding``, ``delimiter``,
        ``header_row``, ``date_format``, ``dayfirst``, ``timezone``,
        ``true_values``, ``false_values``, ``values``, ``columns``,
        ``na_values``, ``decimal``.

    Returns
    -------
    pandas.DataFrame
        The canonical ticket columns present in the file, in canonical order
        (naive ``datetime64[us]`` timestamps, float64 numbers, nullable
        ``boolean`` flags, ``str`` ids and categories), plus ``is_open``
        (bool: no ``resolved_at``; open tickets are never dropped) when the
        file has ``resolved_at``. ``attrs``: ``source``, ``snapshot``,
        ``ignored_columns``, ``dropped_duplicates``, ``warnings`` (list of
        str), ``columns`` (canonical -> source name), ``header_row``,
        ``window``, ``kind``.

    Raises
    ------
    DataError
        Any problem with the file, naming the column, rows and a fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = p.write_text("Ticket;Opened;Done\\nA;05/01/2026 08:00;\\nB;13/01/2026 09:00;"
    ...                  "13/01/2026 10:00\\n", encoding="utf-8")
    >>> t = load_tickets(p, {"columns": {"id": "Ticket", "created_at": "Opened",
    ...                      "resolved_at": "Done"}}, date_format="%d/%m/%Y %H:%M")
    >>> t[["id", "created_at", "is_open"]].to_dict("list")["created_at"][1]
    Timestamp('2026-01-13 09:00:00')
    """
    if on_duplicate not in ("error", "keep_first"):
        raise ValueError(f"on_duplicate must be 'error' or 'keep_first', not {on_duplicate!r}")
    if TICKETS.kinds.get(date_column) != "datetime":
        dates = [c for c, k in TICKETS.kinds.items() if k == "datetime"]
        raise ValueError(f"date_column must be one of {dates}, not {date_column!r}")
    loaded = load_canonical(path, TICKETS, mapping, options)
    df, src = loaded.frame, loaded.source
    check_order(df, "created_at", "resolved_at", src,
                ("resolved before it was created", "resolved before they were created"),
                _ORDER_FIX)
    check_order(df, "created_at", "first_response_at", src,
                ("first answered before it was created",
                 "first answered before they were created"), _ORDER_FIX)
    dropped = 0
    if on_duplicate == "error":
        check_duplicates(df, "id", src, _DUPLICATE_FIX)
    else:
        repeat = df["id"].duplicated(keep="first") & df["id"].notna()
        dropped = int(repeat.sum())
        if dropped:
            first_row = int(df.index[repeat.to_numpy(dtype=bool)][0])
            src.warnings.append(
                f"dropped {dropped:,} {'row' if dropped == 1 else 'rows'} repeating an "
                f"earlier id (kept the first row of "
                f"each id; first dropped: row {first_row}, id {df.loc[first_row, 'id']!r})")
            df = df[~repeat.to_numpy(dtype=bool)]
    snap = _snapshot(df, snapshot, src, loaded.mapping.timezone)
    if "resolved_at" in df:
        df = df.assign(is_open=df["resolved_at"].isna().to_numpy(dtype=bool))
    else:
        src.warnings.append("no resolved_at column: open and resolved tickets cannot be told "
                            "apart, so there is no is_open column")
    bounds = None
    if window is not None:
        if date_column not in df:
            raise src.error(f"the window selects on {date_column!r}, which the file does not "
                            "have", date_column, fix="map that column, or give date_column=")
        df, bounds = _select_window(df, window, date_column, src, loaded.mapping.timezone)
    out = finish(df, loaded, "tickets", snapshot=snap, dropped_duplicates=dropped,
                 window=bounds)
    del df, loaded
    release_unused_memory()
    return out


def _timestamp(value: Any, what: str, column: str, src: Source,
               timezone: str | None) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise src.error(f"{what} {value!r} is not a date or time", column,
                        fix="give it like '2026-04-06' or '2026-04-06 08:00'") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise src.error(f"{what} {value!r} is not a date or time", column,
                        fix="give it like '2026-04-06' or '2026-04-06 08:00'")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(timezone or "UTC").tz_localize(None)
    return ts


def _snapshot(df: pd.DataFrame, snapshot: Any, src: Source,
              timezone: str | None) -> pd.Timestamp | None:
    stamps = [c for c in ("created_at", "first_response_at", "resolved_at") if c in df]
    latest = max((df[c].max() for c in stamps if df[c].notna().any()), default=None)
    if snapshot is None:
        return latest
    snap = _timestamp(snapshot, "snapshot", "created_at", src, timezone)
    if latest is not None and latest > snap:
        late = pd.concat([df[c] > snap for c in stamps], axis=1).any(axis=1)
        src.warnings.append(
            f"{int(late.sum()):,} rows have timestamps after the snapshot {snap} (latest "
            f"{latest}); is the snapshot the time the export was taken?")
    return snap


def _fmt(ts: pd.Timestamp) -> str:
    return f"{ts:%Y-%m-%d}" if ts == ts.normalize() else f"{ts:%Y-%m-%d %H:%M}"


def _select_window(df: pd.DataFrame, window: Sequence[Any], column: str, src: Source,
                   timezone: str | None) -> tuple[pd.DataFrame, tuple[Any, Any]]:
    if isinstance(window, str) or len(window) != 2:
        raise ValueError("window must be a pair (start, end); use None for an open end")
    start, end = (None if w is None else _timestamp(w, f"window {name}", column, src, timezone)
                  for w, name in zip(window, ("start", "end"), strict=True))
    if start is not None and end is not None and not start < end:
        raise src.error(f"the window start {_fmt(start)} is not before its end {_fmt(end)}",
                        column, fix="give window=(start, end) with start < end "
                                    "(the end is excluded)")
    selected = between(df, column, start, end)
    if selected.empty:
        s = "the beginning" if start is None else _fmt(start)
        e = "the end" if end is None else _fmt(end)
        covered = df[column].dropna()
        span = (f"the data covers {_fmt(covered.min())} to {_fmt(covered.max())}"
                if len(covered) else f"the file has no {column} values")
        raise src.error(f"no tickets between {s} and {e} (end excluded); {span}", column,
                        fix="choose a window inside the data's dates, or check the file")
    return selected, (start, end)
