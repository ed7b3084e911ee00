"""Checks made before a kernel starts: everything a run can be told about in seconds.

A stage notebook fails in a cell 20-50 s after it starts; most of what makes it fail
is known before: an unknown or ill-typed parameter, a file that is not there, a
mapping key or column the export does not have, a KPI whose columns are absent, a
window outside the data. :func:`check_run` finds all of them at once (reading the
export's header and creation times only), and the command line lists them, each with
its fix, with exit status 2 and no run directory.

>>> window_problems("baseline", {"start": "2031-01-01", "end": "2031-04-01"},
...                 ("2019-01-02", "2024-12-30"), "tickets.csv")  # doctest: +ELLIPSIS
['baseline window 2031-01-01 to 2031-04-01 lies outside the data ... 2019-01-02 to 2024-12-30...']
"""

from __future__ import annotations

import datetime as dt
import math
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.kpis import KPI_INFO, supported_kpis
from pdcakit.run.params import ParameterSpec, parameter_problems
from pdcakit.run.request import RunRequest, is_file_parameter
from pdcakit.suggest import did_you_mean

__all__ = ["MAX_SHOWN", "PreflightError", "check_run", "window_problems"]


#: At most this many problems are listed (the rest are counted), each at most
#: :data:`MAX_PROBLEM_CHARS` long: 10,000 unknown names give a screenful, not megabytes.
MAX_SHOWN = 20
MAX_PROBLEM_CHARS = 600


def _bounded(problem: str) -> str:
    return problem if len(problem) <= MAX_PROBLEM_CHARS else (
        problem[:MAX_PROBLEM_CHARS - 30] + f" ... ({len(problem):,} characters in all)")


def _some(names: Sequence[str], shown: int = 5) -> str:
    """The first names and how many more: a bounded list for a message.

    >>> _some(["a", "b", "c"], 2)
    "'a', 'b' and 1 more"
    """
    head = ", ".join(repr(n) for n in names[:shown])
    return head if len(names) <= shown else f"{head} and {len(names) - shown:,} more"


class PreflightError(PdcaError, ValueError):
    """Problems found before a run started; ``problems`` lists each with its fix."""

    def __init__(self, cycle: str, stage: str, problems: Sequence[str]):
        self.problems = tuple(problems)
        shown = [_bounded(p) for p in self.problems[:MAX_SHOWN]]
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"... and {len(self.problems) - MAX_SHOWN:,} more problems of the "
                         "same kinds; fix these first")
        lines = "\n".join(f"  - {p}" for p in shown)
        super().__init__(f"{cycle} / {stage}: not started, {len(self.problems)} "
                         f"problem{'s' if len(self.problems) != 1 else ''} to fix first:\n"
                         f"{lines}")


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value not in (None, "") else None
    except ValueError:
        return None


def _stage_windows(stage: str, params: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(label, first day, day after the last) of each window the stage will select."""
    if stage == "baseline":
        return [("baseline window", params.get("start"), params.get("end"))]
    before, after = params.get("before") or [], params.get("after") or []
    if before or after:
        found = []
        if len(before) == 2:
            found.append(("before window", before[0], before[1]))
        if len(after) == 2:
            found.append(("after window", after[0], after[1]))
        return found
    change = _day(params.get("change_date"))
    if change is None:
        return []
    weeks_before = int(params.get("weeks_before") or 13)
    weeks_after = int(params.get("weeks_after") or 13)
    return [("before window", change - dt.timedelta(weeks=weeks_before), change),
            ("after window", change, change + dt.timedelta(weeks=weeks_after))]


def window_problems(stage: str, params: Mapping[str, Any], span: tuple[Any, Any],
                    file: str) -> list[str]:
    """Windows of ``stage`` that hold no day of the data's creation dates ``span``."""
    first, last = _day(span[0]), _day(span[1])
    if first is None or last is None:
        return []
    problems = []
    for label, start, end in _stage_windows(stage, params):
        s, e = _day(start), _day(end)
        if (s is not None and s > last) or (e is not None and e <= first):
            shown = f"{s or 'the start'} to {e or 'the end'}"
            problems.append(f"{label} {shown} lies outside the data of {file}: its tickets "
                            f"were created from {first} to {last}. Fix: give dates inside "
                            "that span (data.before / data.after in the record, or -p)")
    return problems


def _max_input_bytes() -> int:
    """The data layer's bound on an input file (refused before it is hashed or read)."""
    from pdcakit.data.readers import MAX_INPUT_BYTES

    return MAX_INPUT_BYTES


def _link_loop(path: Path) -> bool:
    """Whether following the link ``path`` never reaches a file or folder."""
    import errno
    import os

    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _file_problems(params: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, value in params.items():
        if isinstance(value, str) and value.startswith("demo:"):
            try:
                from pdcakit.data.inputs import resolve_input

                resolve_input(value)
            except Exception as exc:  # DataError: the message names the demo files
                problems.append(f"{name}: {exc}")
            continue
        if not is_file_parameter(name, value):
            continue
        path = Path(value)
        if path.is_symlink() and _link_loop(path):
            problems.append(f"{name}: {value} is a loop of symbolic links (each points to "
                            "another, never to a file). Fix: give the export file itself")
        elif not path.exists():
            near = sorted(p.name for p in path.parent.glob(f"*{path.suffix}"))[:5] \
                if path.parent.is_dir() else []
            hint = f" (files there: {', '.join(near)})" if near else ""
            problems.append(f"{name}: {value}: file not found{hint}. Fix: give the path "
                            "relative to the folder you run pdca from, or an absolute one")
        elif not stat.S_ISREG(path.stat().st_mode):
            problems.append(f"{name}: {value} is not a regular file (a folder, FIFO or "
                            "device). Fix: give the export file itself")
        elif path.stat().st_size > _max_input_bytes():
            problems.append(f"{name}: {value} is {path.stat().st_size / 2**30:,.1f} GiB, above "
                            f"the {_max_input_bytes() / 2**30:,.0f} GiB a run reads. Fix: "
                            "export the months you analyse, or convert it to Parquet")
    return problems


def _kpi_problems(params: Mapping[str, Any], explicit: set[str],
                  present: Sequence[str], file: str) -> list[str]:
    """KPIs the user chose (not template defaults) that this export cannot compute."""
    chosen: list[tuple[str, str]] = []
    if "headline_kpi" in explicit and params.get("headline_kpi"):
        chosen.append(("headline_kpi", str(params["headline_kpi"])))
    for name in ("kpis", "time_view_kpis", "segment_kpis", "mix_kpis"):
        if name in explicit:
            chosen += [(name, str(k)) for k in params.get(name) or []]
    problems = []
    unknown: dict[str, list[str]] = {}
    for name, key in chosen:
        if key not in KPI_INFO:
            unknown.setdefault(name, []).append(key)
    for name, keys in unknown.items():  # one line per parameter, however many names
        what = (f"unknown KPI {keys[0]!r}" if len(keys) == 1
                else f"{len(keys):,} unknown KPIs ({_some(keys)})")
        close = did_you_mean(keys[0], KPI_INFO) if len(keys) == 1 else ""
        problems.append(f"{name}: {what}; {close + ' ' if close else ''}known KPIs: "
                        f"{', '.join(KPI_INFO)}")
    for name, key in chosen:
        if key not in KPI_INFO:
            continue
        _, skipped = supported_kpis(present, [key])
        if key in skipped:
            problems.append(f"{name}: {key} ({KPI_INFO[key].name}) cannot be computed from "
                            f"{file}: it {skipped[key]}")
    return problems


def _choices() -> dict[str, tuple[str, ...]]:
    """Parameters whose value is one of a few words, from the modules that decide them."""
    from pdcakit.data.options import ON_DUPLICATE
    from pdcakit.periods import PERIODS
    from pdcakit.spc.rules import RULE_SETS
    from pdcakit.stages.windows import MULTIPLICITY

    return {"period": tuple(PERIODS), "multiplicity": tuple(MULTIPLICITY),
            "rule_set": tuple(RULE_SETS), "on_duplicate": ("", *ON_DUPLICATE),
            "target_direction": ("", "higher", "lower")}


#: Numeric parameters and the range a value must lie in: (low, high, low is allowed).
_RANGES: dict[str, tuple[float, float, bool]] = {
    "alpha": (0.0, 1.0, False), "power": (0.0, 1.0, False),
    "sla_first_response_minutes": (0.0, math.inf, False),
    "sla_resolution_hours": (0.0, math.inf, False), "hours_per_fte": (0.0, math.inf, False),
    "horizon_months": (0.0, math.inf, False), "weeks_before": (1.0, math.inf, True),
    "weeks_after": (1.0, math.inf, True), "cost_per_hour": (0.0, math.inf, True),
    "investment": (0.0, math.inf, True), "tickets_per_week": (0.0, math.inf, True),
}


def _range_problems(params: Mapping[str, Any]) -> list[str]:
    """Numbers outside what they can mean (a negative SLA, alpha of 5): each named."""
    problems = []
    for name, (low, high, inclusive) in _RANGES.items():
        value = params.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        above = value >= low if inclusive else value > low
        if not (math.isfinite(value) and above and value < high):
            bound = (f"between {low:g} and {high:g}" if math.isfinite(high)
                     else f"{'at least' if inclusive else 'above'} {low:g}")
            problems.append(f"parameter {name!r}: {value!r} must be {bound}")
    return problems


def _choice_problems(params: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, allowed in _choices().items():
        value = params.get(name)
        if isinstance(value, str) and value not in allowed:
            close = did_you_mean(value, [a for a in allowed if a], n=1)
            hint = f" ({close})" if close else ""
            problems.append(f"parameter {name!r}: {value!r} is not one of "
                            f"{', '.join(a for a in allowed if a)}{hint}")
    return problems


def check_run(request: RunRequest, declared: Mapping[str, ParameterSpec]) -> list[str]:
    """Every problem of ``request`` that can be found without running the notebook.

    Unknown or ill-typed parameters, input files (present, regular), the tickets export
    named at all, its mapping and header (through :func:`pdcakit.data.peek_export`),
    the KPIs the user chose (aim metric or ``-p``) against the export's columns, and
    the stage's windows against the export's creation dates.
    """
    params = request.parameters
    problems = parameter_problems(dict(params), dict(declared))
    problems += _choice_problems(params)
    problems += _range_problems(params)
    problems += _file_problems(params)
    if "data_path" in declared and "data_path" not in params and request.stage != "efficiency":
        problems.append(f"no tickets export given for {request.cycle}: set data.tickets in "
                        f"pdca/{request.cycle}.yaml, or pass --data FILE")
    data_path = params.get("data_path")
    windows = {"before", "after", "change_date"}
    if (request.stage in ("compare", "efficiency") and data_path
            and "change_date" in declared and not windows & set(params)):
        problems.append(f"{request.stage} needs the go-live date: set data.after: [first day, "
                        f"day after the last] in pdca/{request.cycle}.yaml (its first day is "
                        "the go-live), or pass -p change_date YYYY-MM-DD")
    if not data_path or any(p.startswith(("data_path:", "mapping:")) for p in problems):
        return problems  # nothing to peek into
    from pdcakit import data

    options = {name: params[name] for name in ("on_duplicate", "snapshot", "timezone",
                                                "dayfirst") if params.get(name) not in (None, "")}
    try:
        peek = _peek(data_path, params, options)
    except (data.DataError, ValueError, TypeError) as exc:
        return [*problems, str(exc)]
    file = Path(str(data_path)).name
    if peek.rows == 0:
        return [*problems, f"data_path: {file} has a header and no rows, so there is nothing "
                "to analyse. Fix: export the tickets again (check it with pdca check-data "
                f"{data_path})"]
    explicit = {name for name, source in request.sources.items()
                if source != "the cycle log"}
    problems += _kpi_problems(params, explicit, tuple(peek.present), file)
    problems += window_problems(request.stage, params, (peek.created_min, peek.created_max),
                                file)
    return problems


def _peek(data_path: str, params: dict[str, Any], options: dict[str, Any]) -> Any:
    """The export's rows, columns and date range: one query by the run's engine when it is
    not pandas and the engine can apply the mapping (a big Parquet file is not read into
    memory), else :func:`pdcakit.data.peek_export`."""
    from pdcakit import data

    engine = str(params.get("engine") or "pandas").strip().lower()
    if engine in ("duckdb", "spark") and not set(options) - {"snapshot"}:
        from pdcakit.aggregate.bigfile import peek_big_export
        from pdcakit.aggregate.source import AggregateUnsupported

        try:
            return peek_big_export(data_path, params.get("mapping") or None, engine=engine,
                                   snapshot=options.get("snapshot"))
        except AggregateUnsupported:
            pass  # the stage falls back to the rows too, and says why
    return data.peek_export(data_path, params.get("mapping") or None, **options)
