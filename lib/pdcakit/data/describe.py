"""What a ticket export holds, in plain sentences: the answer of ``pdca check-data FILE``.

:func:`describe_export` loads the export as the stages would (same mapping, same checks)
but does not stop at repeated ids: it counts them, shows the first ones and names the
``on_duplicate`` fix. It says how many rows, which dates, the snapshot and where it came
from, the share of cases still open (one row per id, as the stages keep it), cases closed
without a resolution time and cases open far longer than the rest (with the fix, see
:mod:`.plausible`), the mapped, empty and unmapped columns, which KPIs the export
supports (and the column that would enable each of the others) and which stages run.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "cases.csv"
>>> _ = p.write_text("id,created_at,resolved_at\\nC1,2024-01-05,2024-01-09\\n"
...                  "C2,2024-03-11,\\nC2,2024-03-11,2024-03-12\\n")
>>> s = describe_export(p)
>>> s.rows, s.repeated_ids, s.open_rows, s.cases, s.open_cases, s.snapshot_source
(3, 1, 1, 2, 0, 'inferred from the latest timestamp')
>>> print(s.lines()[1])
3 rows created 2024-01-05 to 2024-03-11 (3 calendar months; 1 with no cases: 2024-02).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..kpis import KPI_INFO, supported_kpis
from .options import how_to_set
from .plausible import Plausibility, plausibility
from .schema import TICKETS
from .tickets import DUPLICATE_FIX, SNAPSHOT_INFERRED, load_ticket_rows, ticket_snapshot
from .validate import duplicated_ids

__all__ = ["ExportSummary", "StageSupport", "describe_export"]

_SHOWN = 3      # repeated ids quoted as examples
_MONTHS = 6     # empty months listed by name
_KEEP_WORDS = {"keep_first": "first", "keep_last": "last"}


@dataclass(frozen=True)
class StageSupport:
    """Whether a stage (or one part of it) runs on this export, and why (not)."""

    stage: str
    runs: bool
    detail: str

    def sentence(self) -> str:
        return f"{self.stage}: {'runs' if self.runs else 'not from this export'}: {self.detail}."


@dataclass(frozen=True)
class ExportSummary:
    """What a ticket export holds and supports (see :func:`describe_export`).

    ``rows``, ``open_rows`` and ``open_last_year`` count the file's rows (a repeated id
    once per row); ``cases``, ``open_cases``, ``open_cases_last_year`` and
    ``plausibility`` count cases, one row per id: the row the stages keep
    (``on_duplicate``), the last row of each id when loading would stop on them
    (``cases_from``).
    """

    file: str
    mapping: str
    rows: int
    first_created: pd.Timestamp
    last_created: pd.Timestamp
    months: int                                  # calendar months first..last created
    empty_months: tuple[str, ...]                # "2016-02", ... with no case created
    date_only: bool                              # no timestamp carries a time of day
    snapshot: pd.Timestamp
    snapshot_source: str                         # "given" / "inferred from the latest ..."
    open_rows: int | None                        # None: no resolved_at column
    open_last_year: int | None                   # of those, created in the last 365 days
    repeated_ids: int                            # ids on more than one row
    repeated_rows: int                           # rows beyond the first of each such id
    repeated_examples: tuple[str, ...]           # "'C2' on rows 3, 4"
    on_duplicate: str                            # the policy the stages would apply
    columns: dict[str, str] = field(default_factory=dict)   # canonical -> source
    present: tuple[str, ...] = ()                # canonical columns holding data
    empty: tuple[str, ...] = ()                  # mapped, but no value in any row
    unmapped: tuple[str, ...] = ()               # source columns no canonical one takes
    kpis: tuple[str, ...] = ()                   # KPIs this export supports
    kpis_skipped: dict[str, str] = field(default_factory=dict)  # key -> what enables it
    stages: tuple[StageSupport, ...] = ()
    notes: tuple[str, ...] = ()                  # the loader's warnings
    cases: int = 0                               # distinct ids (one row each)
    open_cases: int | None = None                # of them still open (None: no resolved_at)
    open_cases_last_year: int | None = None      # of those, created in the last 365 days
    cases_from: str = "first"                    # which row of a repeated id counts
    plausibility: Plausibility | None = None     # closed without resolution, far longer
    fallbacks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # first non-empty

    @property
    def open_share(self) -> float | None:
        """Share of the cases still open at the snapshot (None: no resolved_at)."""
        if self.open_cases is None or not self.cases:
            return None
        return self.open_cases / self.cases

    def lines(self) -> list[str]:
        """The summary as plain sentences, one per line."""
        mapping = f" (mapping: {self.mapping})" if self.mapping else " (no mapping)"
        out = [f"File: {self.file}{mapping}.", self._dates_line()]
        if self.date_only:
            out.append("Timestamps are dates without a time of day: durations are whole "
                       "days (a case closed on the day it was created takes 0 days).")
        out.append(self._snapshot_line())
        out.append(self._open_line())
        if self.plausibility is not None:
            out.extend(f"Check: {sentence}" for sentence in self.plausibility.sentences)
        out.append(self._repeats_line())
        mapped = ", ".join(
            f"{c} <- {' or '.join(repr(n) for n in (s, *self.fallbacks.get(c, ())))}"
            if c != s or c in self.fallbacks else c
            for c, s in self.columns.items() if c in self.present)
        out.append(f"Columns used: {mapped}.")
        if self.empty:
            out.append("Mapped but empty in every row (not used): "
                       f"{', '.join(f'{c} ({self.columns[c]!r})' for c in self.empty)}.")
        if self.unmapped:
            out.append("Source columns not used (no canonical column takes them): "
                       f"{', '.join(repr(c) for c in self.unmapped)}.")
        names = ", ".join(f"{KPI_INFO[k].name} ({k})" for k in self.kpis)
        out.append(f"KPIs this export supports: {names or 'none'}.")
        out.extend(f"It cannot compute {KPI_INFO[k].name} ({k}): {why}."
                   for k, why in self.kpis_skipped.items())
        out.extend(s.sentence() for s in self.stages)
        out.extend(f"Note: {n}" + ("" if n.endswith(".") else ".") for n in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (timestamps as ISO text), plus ``open_share``."""
        def iso(ts: pd.Timestamp) -> str:
            return ts.isoformat(sep=" ")

        return {
            "file": self.file, "mapping": self.mapping, "rows": self.rows,
            "first_created": iso(self.first_created), "last_created": iso(self.last_created),
            "months": self.months, "empty_months": list(self.empty_months),
            "date_only": self.date_only, "snapshot": iso(self.snapshot),
            "snapshot_source": self.snapshot_source, "open_rows": self.open_rows,
            "open_share": self.open_share, "open_last_year": self.open_last_year,
            "repeated_ids": self.repeated_ids, "repeated_rows": self.repeated_rows,
            "repeated_examples": list(self.repeated_examples),
            "on_duplicate": self.on_duplicate, "columns": dict(self.columns),
            "present": list(self.present), "empty": list(self.empty),
            "unmapped": list(self.unmapped), "kpis": list(self.kpis),
            "kpis_skipped": dict(self.kpis_skipped),
            "stages": [{"stage": s.stage, "runs": s.runs, "detail": s.detail}
                       for s in self.stages],
            "notes": list(self.notes), "cases": self.cases, "open_cases": self.open_cases,
            "open_cases_last_year": self.open_cases_last_year, "cases_from": self.cases_from,
            "fallbacks": {c: list(v) for c, v in self.fallbacks.items()},
            "plausibility": None if self.plausibility is None else self.plausibility.as_dict(),
        }

    def _dates_line(self) -> str:
        text = (f"{self.rows:,} rows created {_day(self.first_created)} to "
                f"{_day(self.last_created)} ({self.months:,} calendar "
                f"{'month' if self.months == 1 else 'months'}")
        if self.empty_months:
            n = len(self.empty_months)
            shown = ", ".join(self.empty_months[:_MONTHS])
            more = f" and {n - _MONTHS} more" if n > _MONTHS else ""
            text += f"; {n} with no cases: {shown}{more}"
        return text + ")."

    def _snapshot_line(self) -> str:
        text = f"Snapshot (when the export was taken): {_when(self.snapshot)}, "
        if self.snapshot_source == SNAPSHOT_INFERRED:
            return text + (f"{self.snapshot_source}; if the export was taken later, "
                           + how_to_set("snapshot", "'YYYY-MM-DD HH:MM'") + ".")
        return text + f"{self.snapshot_source}."

    def _open_line(self) -> str:
        if self.open_rows is None:
            return ("No resolved_at column: open and resolved cases cannot be told apart "
                    "(map the resolution time under columns: in the mapping).")
        n_open = self.open_cases or 0
        text = (f"Still open at the snapshot: {n_open:,} of {self.cases:,} "
                f"{'case' if self.cases == 1 else 'cases'} ({n_open / self.cases:.1%})")
        if self.rows != self.cases:
            text += f", counting the {self.cases_from} row of each id"
        if n_open:
            text += f"; {self.open_cases_last_year:,} of them created in the last 365 days"
        return text + "; open cases are kept and counted as censored, never dropped."

    def _repeats_line(self) -> str:
        if not self.repeated_ids:
            return "Every id appears once."
        text = (f"{self.repeated_ids:,} {'id appears' if self.repeated_ids == 1 else 'ids appear'}"
                f" on more than one row ({self.repeated_rows:,} extra "
                f"{'row' if self.repeated_rows == 1 else 'rows'}; "
                f"{'; '.join(self.repeated_examples)}"
                f"{', ...' if self.repeated_ids > len(self.repeated_examples) else ''}). ")
        if self.on_duplicate in _KEEP_WORDS:
            return text + (f"The stages keep the {_KEEP_WORDS[self.on_duplicate]} row of each "
                           f"id (on_duplicate: {self.on_duplicate}).")
        return text + f"Loading stops on them. Fix: {DUPLICATE_FIX}."


def _day(ts: pd.Timestamp) -> str:
    return f"{ts:%Y-%m-%d}"


def _when(ts: pd.Timestamp) -> str:
    return _day(ts) if ts == ts.normalize() else f"{ts:%Y-%m-%d %H:%M}"


def _repeats(ids: pd.Series) -> tuple[int, int, tuple[str, ...]]:
    """(ids on several rows, rows beyond the first of each, examples with their rows)."""
    dup = duplicated_ids(ids)
    if not dup.any():
        return 0, 0, ()
    sub = ids[dup.to_numpy(dtype=bool)]
    n_ids = int(sub.nunique())
    groups = pd.Series(sub.index, index=sub.index).groupby(sub.to_numpy(), sort=False)
    examples = tuple(f"{str(ident)!r} on rows {', '.join(str(r) for r in rows.head(4))}"
                     for ident, rows in list(groups)[:_SHOWN])
    return n_ids, len(sub) - n_ids, examples


def _stages(present: set[str]) -> tuple[StageSupport, ...]:
    core = "id" in present and "created_at" in present
    need = "has id and created_at" if core else "needs id and created_at"
    ticket_times = [c for c in ("handle_minutes", "resolved_at") if c in present]
    return (
        StageSupport("baseline", core, need),
        StageSupport("compare", core, need),
        StageSupport("efficiency, ticket times", bool(ticket_times),
                     f"uses {' and '.join(ticket_times)}" if ticket_times else
                     "needs handle_minutes or resolved_at: map one under columns: in the "
                     "mapping"),
        StageSupport("efficiency, process steps", False,
                     "needs a process-steps table with step, minutes_before and "
                     "minutes_after: run efficiency with -p steps_path FILE"),
    )


def describe_export(path: str | os.PathLike[str], mapping: Any = None,
                    **options: Any) -> ExportSummary:
    """Load a ticket export as the stages would and say what it holds and supports.

    Parameters
    ----------
    path, mapping, **options
        As for :func:`~pdcakit.data.load_tickets` (``on_duplicate``, ``snapshot``,
        ``timezone``, ``dayfirst`` ...; ``""`` / None keep the mapping's value).
        Repeated ids never stop it: they are counted, whatever ``on_duplicate`` says.

    Raises
    ------
    DataError
        Any problem other than repeated ids that would stop the stages' loading
        (missing file or column, unreadable dates, resolved before created ...).
    """
    loaded = load_ticket_rows(path, mapping, **options)
    df, src, m = loaded.frame, loaded.source, loaded.mapping
    rows = len(df)
    created = df["created_at"]
    first, last = created.min(), created.max()
    months = pd.period_range(first, last, freq="M")
    seen = set(created.dt.to_period("M").unique())
    empty_months = tuple(str(p) for p in months if p not in seen)
    stamps = [c for c in ("created_at", "first_response_at", "resolved_at") if c in df]
    date_only = all(bool((df[c].dropna() == df[c].dropna().dt.normalize()).all())
                    for c in stamps)
    snapshot, snapshot_source = ticket_snapshot(df, m.snapshot, src, m.timezone)
    open_rows = open_last_year = None
    if "resolved_at" in df:
        is_open = df["resolved_at"].isna()
        open_rows = int(is_open.sum())
        recent = created >= snapshot - pd.Timedelta(days=365)
        open_last_year = int((is_open & recent).sum())
    which = _KEEP_WORDS.get(m.on_duplicate, "last")
    per_case = df[~(df["id"].duplicated(keep=which) & df["id"].notna()).to_numpy(dtype=bool)]
    per_case.attrs = {"columns": dict(src.names)}
    open_cases = open_cases_last_year = None
    plaus = None
    if "resolved_at" in df:
        case_open = per_case["resolved_at"].isna()
        open_cases = int(case_open.sum())
        open_cases_last_year = int((case_open & (per_case["created_at"] >= snapshot
                                                 - pd.Timedelta(days=365))).sum())
        plaus = plausibility(per_case, snapshot, loaded.closing_column)
    n_ids, n_extra, examples = _repeats(df["id"])
    found = dict(src.names)
    present = [c for c in TICKETS.columns if c in df and bool(df[c].notna().any())]
    usable, skipped = supported_kpis(present)
    return ExportSummary(
        file=src.file, mapping=m.name, rows=rows, first_created=first, last_created=last,
        months=len(months), empty_months=empty_months, date_only=date_only,
        snapshot=snapshot, snapshot_source=snapshot_source, open_rows=open_rows,
        open_last_year=open_last_year, repeated_ids=n_ids, repeated_rows=n_extra,
        repeated_examples=examples, on_duplicate=m.on_duplicate, columns=found,
        present=tuple(present), empty=tuple(c for c in found if c not in present),
        unmapped=tuple(loaded.ignored), kpis=usable, kpis_skipped=skipped,
        stages=_stages(set(present)), notes=tuple(src.warnings), cases=len(per_case),
        open_cases=open_cases, open_cases_last_year=open_cases_last_year, cases_from=which,
        plausibility=plaus, fallbacks=dict(loaded.fallbacks))
