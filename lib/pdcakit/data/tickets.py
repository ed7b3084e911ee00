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
from typing import Any

import pandas as pd

from .canonical import Loaded, finish, load_canonical
from .memory import release_unused_memory
from .options import how_to_set, is_unset
from .parsing import Source
from .plausible import plausibility
from .schema import TICKETS
from .slicing import between
from .validate import check_duplicates, check_order

__all__ = ["DUPLICATE_FIX", "SNAPSHOT_GIVEN", "SNAPSHOT_INFERRED", "load_ticket_rows",
           "load_tickets", "ticket_snapshot"]

_ORDER_FIX = ("check the export's time zone or date format (day and month swapped?); "
              "all timestamps must be in the same zone")
DUPLICATE_FIX = ("remove the repeated rows from the export, or keep one row of each id: "
                 + how_to_set("on_duplicate", "keep_first")
                 + " (keep_last keeps the last row of each id instead)")
_DUPLICATE_FIX = DUPLICATE_FIX  # former name
SNAPSHOT_GIVEN = "given"
SNAPSHOT_INFERRED = "inferred from the latest timestamp"


def load_tickets(path: str | os.PathLike[str], mapping: Any = None, *,
                 on_duplicate: str | None = None,
                 window: Sequence[Any] | None = None, date_column: str = "created_at",
                 snapshot: Any = None, timezone: str | None = None, dayfirst: Any = None,
                 **options: Any) -> pd.DataFrame:
    """Load a ticket export: canonical columns, proper types, validated, plus ``is_open``.

    ``on_duplicate``, ``snapshot``, ``timezone`` and ``dayfirst`` are also mapping keys;
    given here (not None or ``""``) they win over the mapping's value. The stage notebooks
    pass their ``-p`` parameters of the same names straight through.

    Parameters
    ----------
    path : str or path-like
        CSV / TSV / TXT (optionally .gz), Parquet or Excel export; ``demo:NAME`` for a
        bundled demo file (see :func:`~pdcakit.data.resolve_input`).
    mapping : None, dict, path to YAML, preset name or Mapping
        How the export's columns and values map onto the canonical ones
        (see :func:`load_mapping`). Columns already named canonically need none.
    on_duplicate : {"error", "keep_first", "keep_last"}, optional
        A repeated ``id`` raises (default), or the first (last) row of each id in file
        order is kept and the count of dropped rows recorded in
        ``attrs["dropped_duplicates"]``.
    window : (start, end), optional
        Keep tickets whose ``date_column`` lies in ``[start, end)``; either end
        may be None (open). Strings or timestamps.
    date_column : str, default "created_at"
        The timestamp the window selects on.
    snapshot : str or Timestamp, optional
        When the export was taken: the censoring time of open tickets. Default:
        the latest timestamp in the file (``attrs["snapshot_source"]`` says which).
    timezone : str, optional
        IANA zone of the export: naive timestamps are local times there, offsets are
        converted into it, and the timestamps (snapshot and window too) are aware in it,
        so durations across a clock change are true.
    dayfirst : bool or "true"/"false"/"yes"/"no", optional
        Read ambiguous dates such as ``05/01/2026`` as 5 January.
    **options
        Override the mapping: ``sheet``, ``encoding``, ``delimiter``,
        ``header_row``, ``date_format``, ``true_values``, ``false_values``,
        ``values``, ``columns``, ``na_values``, ``decimal``.

    Returns
    -------
    pandas.DataFrame
        The canonical ticket columns present in the file, in canonical order
        (``datetime64[us]`` timestamps, naive without ``timezone``; float64 numbers, nullable
        ``boolean`` flags, ``str`` ids and categories), plus ``is_open``
        (bool: no ``resolved_at``; open tickets are never dropped) when the
        file has ``resolved_at``; ``closed_at`` when an unmapped column holds closing
        times (see :mod:`~pdcakit.data.plausible`: used only to count cases closed
        without a resolution time). ``attrs``: ``plausibility`` (a
        :class:`~pdcakit.data.plausible.Plausibility` of the returned tickets),
        ``fallbacks``, ``closing_column``, ``source``, ``snapshot``,
        ``snapshot_source`` (``"given"`` or ``"inferred from the latest timestamp"``),
        ``on_duplicate``, ``ignored_columns``, ``dropped_duplicates``, ``warnings``
        (list of str), ``columns`` (canonical -> source name), ``header_row``,
        ``window``, ``kind``.

    Raises
    ------
    DataError
        Any problem with the file or an option, naming the column, rows and a fix.

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
    >>> t.attrs["snapshot_source"]
    'inferred from the latest timestamp'
    """
    if TICKETS.kinds.get(date_column) != "datetime":
        dates = [c for c, k in TICKETS.kinds.items() if k == "datetime"]
        raise ValueError(f"date_column must be one of {dates}, not {date_column!r}")
    loaded = load_ticket_rows(path, mapping, on_duplicate=on_duplicate, snapshot=snapshot,
                              timezone=timezone, dayfirst=dayfirst, **options)
    df, src, m = loaded.frame, loaded.source, loaded.mapping
    dropped = 0
    if m.on_duplicate == "error":
        check_duplicates(df, "id", src, DUPLICATE_FIX)
    else:
        df, dropped = _keep_one_per_id(df, m.on_duplicate, src)
    snap, snap_source = ticket_snapshot(df, m.snapshot, src, m.timezone)
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
        df, bounds = _select_window(df, window, date_column, src, m.timezone)
    out = finish(df, loaded, "tickets", snapshot=snap, snapshot_source=snap_source,
                 on_duplicate=m.on_duplicate, dropped_duplicates=dropped, window=bounds)
    out.attrs["plausibility"] = plausibility(out, snap, loaded.closing_column)
    del df, loaded
    release_unused_memory()
    return out


def load_ticket_rows(path: str | os.PathLike[str], mapping: Any = None,
                     **options: Any) -> Loaded:
    """Read, map, parse and check a ticket export, keeping repeated ids (no dedupe yet).

    The part of :func:`load_tickets` that :func:`~pdcakit.data.describe_export` shares:
    generic checks plus "resolved / first answered before created". ``options`` as for
    :func:`load_tickets` (``""`` / None = the mapping's value).
    """
    loaded = load_canonical(path, TICKETS, mapping, options, closing=True)
    df, src = loaded.frame, loaded.source
    _second_occurrences(df, src)
    check_order(df, "created_at", "resolved_at", src,
                ("resolved before it was created", "resolved before they were created"),
                _ORDER_FIX)
    check_order(df, "created_at", "first_response_at", src,
                ("first answered before it was created",
                 "first answered before they were created"), _ORDER_FIX)
    return loaded


def _second_occurrences(df: pd.DataFrame, src: Source) -> None:
    """A response or resolution whose local time occurs twice (clocks going back) and reads
    as before its ticket's creation at the first occurrence is the second occurrence."""
    for column in ("first_response_at", "resolved_at"):
        later = src.repeated_times.get(column)
        if later is None or "created_at" not in df:
            continue
        rows = later.index
        needs = (df.loc[rows, column] < df.loc[rows, "created_at"]) & \
                (later >= df.loc[rows, "created_at"])
        if needs.any():
            df.loc[needs.index[needs], column] = later[needs]


def _keep_one_per_id(df: pd.DataFrame, keep: str, src: Source) -> tuple[pd.DataFrame, int]:
    """Rows with each id once (the first or last row in file order), and the count dropped."""
    which = "first" if keep == "keep_first" else "last"
    repeat = (df["id"].duplicated(keep=which) & df["id"].notna()).to_numpy(dtype=bool)
    dropped = int(repeat.sum())
    if dropped:
        first_row = int(df.index[repeat][0])
        src.warnings.append(
            f"dropped {dropped:,} {'row' if dropped == 1 else 'rows'} repeating "
            f"{'an earlier' if which == 'first' else 'a later'} id (kept the {which} row of "
            f"each id; first dropped: row {first_row}, id {df.loc[first_row, 'id']!r})")
        df = df[~repeat]
    return df, dropped


def _timestamp(value: Any, what: str, column: str | None, src: Source,
               timezone: str | None) -> pd.Timestamp:
    fix = ("give it like '2026-04-06' or '2026-04-06 08:00'" if what != "snapshot" else
           how_to_set("snapshot", "'2026-04-06 08:00'") + " (the time the export was taken)")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise src.error(f"{what} {value!r} is not a date or time", column, fix=fix) from exc
    if ts is pd.NaT or pd.isna(ts):
        raise src.error(f"{what} {value!r} is not a date or time", column, fix=fix)
    if timezone is None:
        return ts if ts.tzinfo is None else ts.tz_convert("UTC").tz_localize(None)
    if ts.tzinfo is not None:
        return ts.tz_convert(timezone)
    try:  # a local time in the zone (the earlier one when the clocks go back)
        return ts.tz_localize(timezone, ambiguous=True, nonexistent="raise")
    except Exception as exc:  # pytz / zoneinfo: NonExistentTimeError
        raise src.error(f"{what} {value!r} does not exist in {timezone} (the clocks went "
                        "forward over it)", column, fix=fix) from exc


def ticket_snapshot(df: pd.DataFrame, snapshot: Any, src: Source,
                    timezone: str | None) -> tuple[pd.Timestamp | None, str]:
    """The snapshot (censoring time of open tickets) and where it came from.

    Given: that time (a warning when rows have later timestamps). Otherwise the latest
    of the ticket timestamps, ``"inferred from the latest timestamp"``.
    """
    stamps = [c for c in ("created_at", "first_response_at", "resolved_at") if c in df]
    latest = max((df[c].max() for c in stamps if df[c].notna().any()), default=None)
    if is_unset(snapshot):
        return latest, SNAPSHOT_INFERRED
    snap = _timestamp(snapshot, "snapshot", None, src, timezone)
    if latest is not None and latest > snap:
        late = pd.concat([df[c] > snap for c in stamps], axis=1).any(axis=1)
        src.warnings.append(
            f"{int(late.sum()):,} rows have timestamps after the snapshot {snap} (latest "
            f"{latest}); is the snapshot the time the export was taken?")
    return snap, SNAPSHOT_GIVEN


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
