"""Loading the two registers (feedback items, complaint cases) onto their contracts.

Both go through the ticket pipeline (:func:`pdcakit.data.canonical.load_canonical`): the
same mapping (``columns:``, ``values:``, ``date_format:``, presets), the same reading of
CSV / Excel / Parquet and the same :class:`~pdcakit.data.DataError` naming the file, the
column, the spreadsheet rows and the fix. The checks of their own: ids once; a feedback
class the method knows; a complaint closed, or due, no earlier than it was received; a
complaint that repeats itself.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "complaints.csv"
>>> _ = p.write_text("id,received_at,owner,deadline,closed_at\\n"
...                  "C1,2026-03-02,Li,2026-03-09,2026-03-05\\n"
...                  "C2,2026-03-03,Wang,2026-03-10,\\n", encoding="utf-8")
>>> c = load_complaints(p, snapshot="2026-03-20")
>>> c["is_open"].tolist(), str(c.attrs["snapshot"])
([False, True], '2026-03-20 00:00:00')
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from pdcakit.data.canonical import finish, load_canonical
from pdcakit.data.options import is_unset
from pdcakit.data.parsing import Source
from pdcakit.data.validate import check_duplicates, check_filled, check_order, check_required

from .schema import (
    CLASS_NAMES,
    CLASS_NAMES_ZH,
    CLASSES,
    COMPLAINT_ROWS,
    COMPLAINTS,
    FEEDBACK,
    class_key,
)
from .steps import fold_steps

__all__ = ["load_complaints", "load_feedback"]

_DUPLICATE_FIX = ("a register holds one row per item: remove the repeated rows, or give them "
                  "their own ids; an export with a row per step (received, assigned, closed) "
                  "is read as such when its step column is mapped (columns: step: <the "
                  "step's column>, at: <its time>)")
_ORDER_FIX = ("check the export's date format (day and month swapped?) and that every "
              "date is in the same time zone")


def _class_column(df: pd.DataFrame, src: Source) -> None:
    """The export's class values as class keys; a value no class spells stops the load."""
    if "class" not in df:
        return
    given = df["class"]
    keys = given.map(lambda v: class_key(v) if isinstance(v, str) else None)
    bad = given.notna() & keys.isna()
    if bad.any():
        rows = df.index[bad.to_numpy(dtype=bool)].tolist()
        values = sorted(given[bad].unique().tolist())
        allowed = ", ".join(f"{k} ({CLASS_NAMES_ZH[k]}, {CLASS_NAMES[k]})" for k in CLASSES)
        example = values[0]
        raise src.error(
            f"{len(rows):,} {'row has a class' if len(rows) == 1 else 'rows have classes'} "
            f"the method does not know ({', '.join(repr(v) for v in values[:5])})", "class",
            rows, values=given[bad].tolist(),
            fix=f"recode them under values: in the mapping (values: {{class: {{{example!r}: "
                f"other}}}}); the classes are {allowed}")
    df["class"] = keys.astype(object).where(keys.notna(), None)


def load_feedback(path: str | os.PathLike[str], mapping: Any = None,
                  **options: Any) -> pd.DataFrame:
    """Load a feedback export: one row per item (``id``, ``received_at``, ``channel``,
    ``text``, optional ``class``, ``ticket_id``, ``customer_id``).

    ``class``, where the export carries one, is read as a class key
    (:data:`~pdcakit.registers.schema.CLASSES`) from the key, the English name or the
    method's Chinese name (满意度, 服务态度, 响应速度, 问题解决能力, 其他); other spellings
    are recoded by the mapping's ``values: {class: {...}}``. ``options`` override the
    mapping (``sheet``, ``encoding``, ``date_format`` ...).

    Raises
    ------
    DataError
        A required column missing or empty, a repeated id, a class no spelling names,
        neither ``text`` nor ``class`` in the export.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "feedback.csv"
    >>> _ = p.write_text("编号,收到时间,内容,分类\\nF1,2026-03-02,客服态度很好,服务态度\\n"
    ...                  "F2,2026-03-03,Waited two days for a reply,\\n", encoding="utf-8")
    >>> f = load_feedback(p, {"columns": {"id": "编号", "received_at": "收到时间",
    ...                                   "text": "内容", "class": "分类"}})
    >>> f["class"].tolist()
    ['attitude', None]
    """
    loaded = load_canonical(path, FEEDBACK, mapping, {k: v for k, v in options.items()
                                                      if not is_unset(v)})
    df, src = loaded.frame, loaded.source
    if "text" not in df and "class" not in df:
        raise src.error("the export has neither the feedback's words (text) nor a class, so "
                        "no item can be classified", "text",
                        fix="map the column holding the customer's words under columns: "
                            "text: in the mapping")
    check_duplicates(df, "id", src, _DUPLICATE_FIX)
    _class_column(df, src)
    if "text" in df:
        empty = int(df["text"].isna().sum())
        if empty:
            src.warnings.append(f"text: {empty:,} of {len(df):,} items have no words; the "
                                "lexicon counts them as other")
    return finish(df, loaded, "feedback")


def complaint_snapshot(df: pd.DataFrame, snapshot: Any, src: Source) -> tuple[pd.Timestamp,
                                                                               str]:
    """When the register was exported: ``snapshot`` when given, else the latest receipt
    or closing time (deadlines lie ahead, so they do not count)."""
    stamps = [df[c].max() for c in ("received_at", "closed_at", "followed_up_at")
              if c in df and df[c].notna().any()]
    latest = max(stamps)
    if is_unset(snapshot):
        return latest, "inferred from the latest timestamp"
    try:
        snap = pd.Timestamp(snapshot)
    except (ValueError, TypeError) as exc:
        raise src.error(f"snapshot {snapshot!r} is not a date or time", None,
                        fix="give it like '2026-07-06' or '2026-07-06 08:00' (the time the "
                            "register was exported)") from exc
    zone = df["received_at"].dt.tz
    if snap.tzinfo is not None and zone is None:
        snap = snap.tz_convert("UTC").tz_localize(None)
    elif snap.tzinfo is None and zone is not None:
        snap = snap.tz_localize(zone)
    if latest > snap:
        src.warnings.append(f"timestamps after the snapshot {snap} (latest {latest}); is the "
                            "snapshot the time the register was exported?")
    return snap, "given"


def _fold(steps: pd.DataFrame, src: Source) -> pd.DataFrame:
    """A step export's rows folded into cases (:func:`~pdcakit.registers.steps.fold_steps`),
    its moved deadlines said in a warning."""
    if "at" not in steps:
        raise src.error("the export has a step column but no time for each step", "at",
                        fix="map the column holding when each step happened under columns: "
                            "at: in the mapping")
    check_filled(steps, ("id",), src)
    cases, moved = fold_steps(steps, src)
    src.warnings.append(f"step: {len(steps):,} rows of steps folded into {len(cases):,} cases "
                        "(received, closed, followed up; owner of the last step)")
    if moved:
        src.warnings.append(f"deadline: {moved:,} {'case carries' if moved == 1 else 'cases carry'}"
                            " more than one deadline over its steps; the first given is the "
                            "one judged")
    return cases


def load_complaints(path: str | os.PathLike[str], mapping: Any = None, *,
                    snapshot: Any = None, **options: Any) -> pd.DataFrame:
    """Load a complaint register: one row per case (``id``, ``received_at``, ``owner``,
    ``deadline``, ``closed_at``, ``outcome``, ``repeat_of``), plus ``is_open``; or an
    export with one row per step (``id``, ``step``, ``at`` ...: a ``step`` column mapped),
    folded into one case per id (:mod:`pdcakit.registers.steps`).

    A case with no ``closed_at`` is open: it is kept and, in times to close, censored at
    the snapshot (``snapshot``, else the latest receipt or closing time; ``attrs``
    ``snapshot`` and ``snapshot_source`` say which).

    Raises
    ------
    DataError
        A required column missing or empty, a repeated id, a case closed or due before it
        was received, a case that names itself as the complaint it repeats.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "complaints.csv"
    >>> _ = p.write_text("id,received_at,closed_at\\nC1,2026-03-05,2026-03-02\\n")
    >>> load_complaints(p)
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: ...complaints.csv, column 'closed_at': 1 row closed before \
it was received (row 2: 2026-03-02 00:00 < received_at 2026-03-05 00:00; spreadsheet rows, \
header = row 1). Fix: check the export's date format (day and month swapped?) and that every \
date is in the same time zone.
    """
    loaded = load_canonical(path, COMPLAINT_ROWS, mapping, {k: v for k, v in options.items()
                                                            if not is_unset(v)})
    df, src = loaded.frame, loaded.source
    if "step" in df:  # one row per step: folded into one case per complaint id
        df = _fold(df, src)
    else:
        check_required(src.names, COMPLAINTS, [*src.names.values(), *loaded.ignored], src,
                       loaded.mapping.name)
        check_filled(df, COMPLAINTS.required, src)
        check_duplicates(df, "id", src, _DUPLICATE_FIX)
    check_order(df, "received_at", "closed_at", src,
                ("closed before it was received", "closed before they were received"),
                _ORDER_FIX)
    check_order(df, "received_at", "deadline", src,
                ("due before it was received", "due before they were received"), _ORDER_FIX)
    if "repeat_of" in df:
        own = (df["repeat_of"] == df["id"]).fillna(False).to_numpy(dtype=bool)
        if own.any():
            rows = df.index[own].tolist()
            names = "case names itself" if len(rows) == 1 else "cases name themselves"
            raise src.error(f"{len(rows):,} {names} as the complaint it repeats",
                            "repeat_of", rows, values=df.loc[own, "id"].tolist(),
                            fix="repeat_of holds the id of the earlier complaint; leave it "
                                "empty for a first complaint")
    snap, source = complaint_snapshot(df, snapshot, src)
    if "closed_at" in df and "outcome" in df:
        decided = df["closed_at"].isna() & df["outcome"].notna()
        if decided.any():
            n = int(decided.sum())
            first = df.index[decided.to_numpy(dtype=bool)][:5].tolist()
            src.warnings.append(
                f"closed_at: {n:,} {'case has' if n == 1 else 'cases have'} an outcome but no "
                f"closing date (rows {', '.join(map(str, first))}{' ...' if n > 5 else ''}); "
                "counted as open (censored at the snapshot). If they are closed, fill "
                "closed_at, or name a column to take it from: columns: closed_at: "
                "[closed_at, <other date column>]")
    if "closed_at" in df:
        df = df.assign(is_open=df["closed_at"].isna().to_numpy(dtype=bool))
    else:
        src.warnings.append("no closed_at column: open and closed cases cannot be told apart, "
                            "so there is no time to close")
    return finish(df, loaded, "complaints", snapshot=snap, snapshot_source=source)
