"""The PDCA cycle record: one human-edited YAML file per cycle in ``pdca/``.

Fields follow the Model for Improvement's PDSA worksheet and the source's
improvement plan (4.4): id, title, owner, team, created; aim (metric,
direction, baseline, target, deadline); problem; change idea and hypothesis;
predictions; data plan (tickets, mapping, before/after windows); actions
(what, owner, due, done); stage with a dated log of moves and runs; decision
(adopt / adapt / abandon, date, rationale); the previous cycle.

Records are validated on load (every problem listed, with the field), and
edited with ``ruamel.yaml`` so the comments a team wrote survive; every write
is atomic and made under a file lock, so concurrent commands do not lose each
other's log entries; a corrupt record is reported and never overwritten. The
runner merges a record's stage parameters with those given on the command line
(which win).

A minimal record::

    id: email-first-response
    title: Faster first response on email
    stages:
      baseline:
        parameters:
          data_path: data/demo/tickets.csv   # relative to the project root

>>> stage_parameters({"stages": {"baseline": {"parameters": {"alpha": 0.1}}}}, "baseline")
{'alpha': 0.1}
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pdcakit.errors import PdcaError
from pdcakit.fileio import atomic_write_text
from pdcakit.kpis import KPI_INFO
from pdcakit.run.project import STAGES, ProjectPaths, check_cycle_id
from pdcakit.suggest import did_you_mean
from pdcakit.yamltext import load_bounded

__all__ = [
    "DECISIONS",
    "PHASES",
    "RESERVED_NAMES",
    "CycleError",
    "CycleRecord",
    "LeaveUnchanged",
    "RecordProblem",
    "add_log_entry",
    "append_log",
    "edit_record",
    "edit_yaml_file",
    "is_known_metric",
    "known_metrics",
    "load_all",
    "load_record",
    "locked_file",
    "locked_record",
    "new_record_text",
    "read_cycle",
    "read_record_text",
    "record_files",
    "revised_text",
    "stage_parameters",
    "text_problems",
    "yaml_text",
]

#: File names in ``pdca/`` that are registers, not cycle records (``pdca/supervision.yaml``
#: is the supervision plan, :mod:`pdcakit.tracker.supervision`): no cycle takes these ids.
RESERVED_NAMES = frozenset({"supervision", "feedback", "complaints", "workbook"})

#: The phases of a cycle in order; ``closed`` after the decision.
PHASES = ("plan", "do", "check", "act", "closed")
DECISIONS = ("adopt", "adapt", "abandon")


class CycleError(PdcaError, ValueError):
    """A cycle record that cannot be read or does not follow the schema."""


class LeaveUnchanged(Exception):
    """Raised inside :func:`edit_record` to end the edit without writing (the decision
    made under the lock was "no change")."""


def _safe_load(text: str, what: str = "the record") -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it (same result, ~10x faster),
    refusing anchors/aliases and oversized text (:mod:`pdcakit.yamltext`).

    >>> _safe_load("created: 2026-01-05")
    {'created': datetime.date(2026, 1, 5)}
    """
    try:
        return load_bounded(text, what)
    except ValueError as exc:
        raise CycleError(f"{exc}; fix the file by hand") from exc


def read_record_text(path: Path) -> str:
    """The text of the record file ``path``; CycleError naming the file when it is not a
    UTF-8 text file (saved in another encoding, a folder, a loop of links, unreadable).

    A read never reports "cannot write": only a write failing is exit status 4.
    """
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CycleError(f"{path}: not UTF-8 text (byte {exc.start + 1} is "
                         f"{exc.object[exc.start:exc.start + 1]!r}; saved as Latin-1 or "
                         "Windows-1252?); save it as UTF-8 in your editor") from None
    except IsADirectoryError:
        raise CycleError(f"{path} is a folder, not a cycle record; rename or remove "
                         "it") from None
    except OSError as exc:
        raise CycleError(f"{path}: cannot read it ({exc.strerror or exc}); fix the file "
                         "or its permissions") from None


def load_record(paths: ProjectPaths, cycle_id: str) -> dict[str, Any] | None:
    """Read ``pdca/<cycle_id>.yaml`` safely; None when the cycle has no record yet."""
    path = paths.record(check_cycle_id(cycle_id))
    if not path.exists() and not path.is_symlink():
        return None
    text = read_record_text(path)
    try:
        record = _safe_load(text, str(path))
    except yaml.YAMLError as exc:
        raise CycleError(f"{path}: not valid YAML ({exc}); fix the file by hand") from exc
    except RecursionError:
        raise CycleError(f"{path}: nested too deeply to be a cycle record; restore it "
                         "from git") from None
    if not isinstance(record, dict):
        raise CycleError(f"{path}: a cycle record must be a mapping of fields")
    found = record.get("id")
    if found not in (None, cycle_id):
        hint = (f"; write it quoted, id: \"{cycle_id}\", so YAML reads it as text"
                if not isinstance(found, str) and yaml.safe_load(cycle_id) == found else "")
        raise CycleError(f"{path}: its id {found!r} differs from the file name{hint}")
    return record


@dataclass(frozen=True)
class RecordProblem:
    """A file of ``pdca/`` that should be a cycle record and cannot be read."""

    path: Path
    message: str


def record_files(paths: ProjectPaths) -> list[tuple[str, Path]]:
    """(id, path) of every file in ``pdca/`` that is a cycle record by its name, sorted.

    What is not a record is skipped: dot-files (lock files, an Emacs lock ``.#c1.yaml``,
    a macOS ``._c1.yaml``, temporary files), names that are no cycle id (``Copy of
    c1.yaml``, ``C1.yaml``, ``c1.yaml~``) and anything that is not a regular file (a
    folder named ``x.yaml``, a broken link).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("c1.yaml", ".#c1.yaml", "Copy of c1.yaml"):
    ...     _ = (root / "pdca").mkdir(exist_ok=True), (root / "pdca" / name).write_text("")
    >>> [cycle for cycle, _ in record_files(ProjectPaths(root))]
    ['c1']
    """
    if not paths.records.is_dir():
        return []
    found = []
    for path in paths.records.glob("*.yaml"):
        if path.name.startswith("."):
            continue
        try:
            check_cycle_id(path.stem)
        except ValueError:
            continue
        if path.stem in RESERVED_NAMES:
            continue
        if path.is_file():
            found.append((path.stem, path))
    return sorted(found)


def load_all(paths: ProjectPaths) -> tuple[list[CycleRecord], list[RecordProblem]]:
    """Every cycle record of the workbook that can be read, and a problem naming the file
    of each that cannot (commands that read many records show the others and name these).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "pdca").mkdir()
    >>> _ = (root / "pdca" / "good.yaml").write_text("id: good\\ntitle: Faster email\\n")
    >>> _ = (root / "pdca" / "bad.yaml").write_text("title: [unclosed\\n")
    >>> found, problems = load_all(ProjectPaths(root))
    >>> [r.id for r in found], [p.path.name for p in problems]
    (['good'], ['bad.yaml'])
    """
    found: list[CycleRecord] = []
    problems: list[RecordProblem] = []
    for cycle_id, path in record_files(paths):
        try:
            found.append(read_cycle(paths, cycle_id))
        except PdcaError as exc:
            message = str(exc)
            problems.append(RecordProblem(path, message if str(path) in message
                                          else f"{path}: {message}"))
    return found, problems


def stage_parameters(record: dict[str, Any] | None, stage: str) -> dict[str, Any]:
    """The notebook parameters a record fixes for ``stage`` (empty when none)."""
    if not record:
        return {}
    stage_block = (record.get("stages") or {}).get(stage) or {}
    params = stage_block.get("parameters") or {}
    if not isinstance(params, dict):
        raise CycleError(f"cycle {record.get('id')!r}: stages.{stage}.parameters must be a mapping")
    return dict(params)


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Action:
    """One planned action: what, who, by when, done or not."""

    what: str
    owner: str = ""
    due: dt.date | None = None
    done: bool = False

    def overdue(self, today: dt.date) -> bool:
        return bool(not self.done and self.due is not None and self.due < today)


@dataclass(frozen=True)
class CycleRecord:
    """A validated, read-only view of a cycle record (the YAML stays the source)."""

    id: str
    title: str
    owner: str = ""
    team: tuple[str, ...] = ()
    created: dt.date | None = None
    aim: dict[str, Any] = field(default_factory=dict)
    problem: str = ""
    change_idea: str = ""
    hypothesis: str = ""
    predictions: tuple[Any, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    actions: tuple[Action, ...] = ()
    stage: str = "plan"
    log: tuple[dict[str, Any], ...] = ()
    decision: dict[str, Any] | None = None
    previous: str | None = None
    stages: dict[str, Any] = field(default_factory=dict)
    finding: str = ""  # the supervision finding the cycle answers (pdca new --from-finding)
    monitor: dict[str, Any] = field(default_factory=dict)  # frozen limits (pdca monitor)

    def overdue_actions(self, today: dt.date | None = None) -> list[Action]:
        today = today or dt.date.today()
        return [a for a in self.actions if a.overdue(today)]

    def days_in_stage(self, today: dt.date | None = None) -> int | None:
        """Days since the last move into the current stage (or since created)."""
        today = today or dt.date.today()
        moves = [_date(e.get("date")) for e in self.log
                 if e.get("event") in ("advance", "decision", "created")]
        start = next((d for d in reversed(moves) if d is not None), self.created)
        return None if start is None else (today - start).days

    def runs(self, stage: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.log if e.get("event") == "run"
                and (stage is None or e.get("stage") == stage)]

    def last_run(self, stage: str | None = None, *, succeeded: bool = False
                 ) -> dict[str, Any] | None:
        runs = [r for r in self.runs(stage) if not succeeded or r.get("status") == "succeeded"]
        return runs[-1] if runs else None


def known_metrics() -> dict[str, Any]:
    """The KPIs a cycle's aim may name: the ticket KPIs of :data:`pdcakit.kpis.KPI_INFO`
    and the score KPIs (``csi``, ``tps``, ``tds``, ``composite``) once :mod:`pdcakit.kpis`
    lists them (``SCORE_KPIS`` or ``SCORE_INFO`` beside ``KPI_INFO``).

    >>> "fcr" in known_metrics()
    True
    """
    from pdcakit import kpis

    found: dict[str, Any] = dict(KPI_INFO)
    for name in ("SCORE_KPIS", "SCORE_INFO", "SCORE_KPI_INFO"):
        extra = getattr(kpis, name, None)
        if isinstance(extra, dict):
            found.update(extra)
        elif isinstance(extra, tuple | list | frozenset | set):
            found.update({str(key): key for key in extra})
    return found


def is_known_metric(key: str) -> bool:
    """Whether a cycle's aim may name ``key``: a ticket KPI, a score KPI or a part of one
    (``csi.服务态度``) once :mod:`pdcakit.kpis` knows score KPIs (``is_score_kpi``).

    >>> is_known_metric("fcr"), is_known_metric("made_up")
    (True, False)
    """
    from pdcakit import kpis

    score = getattr(kpis, "is_score_kpi", None)
    return key in known_metrics() or bool(score is not None and score(key))


def _problems(data: dict[str, Any]) -> list[str]:
    """Every schema problem of a record, each naming its field and how to fix it."""
    problems = []
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        problems.append("title: missing or not text; give the cycle a one-line title")
    aim = data.get("aim") or {}
    if not isinstance(aim, dict):
        problems.append("aim: must be a mapping (metric, direction, target, deadline)")
        aim = {}
    if aim.get("direction") not in (None, "higher", "lower"):
        problems.append(f"aim.direction: {aim.get('direction')!r}; use higher or lower")
    for key in ("target", "baseline"):
        value = aim.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or value != value or value in (float("inf"), float("-inf"))):
            problems.append(f"aim.{key}: {value!r} is not a number")
    metrics = known_metrics()
    if aim.get("metric") not in (None, "") and not is_known_metric(str(aim.get("metric"))):
        close = did_you_mean(aim.get("metric"), metrics)
        hint = f"{close} " if close else ""
        problems.append(f"aim.metric: unknown KPI {aim.get('metric')!r}; {hint}known KPIs: "
                        f"{', '.join(metrics)}")
    problems.extend(_data_problems(data.get("data")))
    for where, value in (("created", data.get("created")), ("aim.deadline", aim.get("deadline"))):
        try:
            _date(value)
        except ValueError:
            problems.append(f"{where}: {value!r} is not a date; write YYYY-MM-DD")
    if data.get("stage", "plan") not in PHASES:
        problems.append(f"stage: {data.get('stage')!r}; use one of {', '.join(PHASES)}")
    actions = data.get("actions") or []
    if not isinstance(actions, list):
        problems.append("actions: must be a list of {what, owner, due, done}")
        actions = []
    for i, action in enumerate(actions, start=1):
        if not isinstance(action, dict) or not str(action.get("what") or "").strip():
            problems.append(f"actions[{i}]: needs at least 'what'")
            continue
        try:
            _date(action.get("due"))
        except ValueError:
            problems.append(f"actions[{i}].due: {action.get('due')!r} is not a date (YYYY-MM-DD)")
    decision = data.get("decision")
    if decision is not None and (not isinstance(decision, dict)
                                 or decision.get("decision") not in DECISIONS):
        problems.append(f"decision.decision: use one of {', '.join(DECISIONS)}")
    if data.get("previous") is not None:
        try:
            check_cycle_id(str(data["previous"]))
        except ValueError as exc:
            problems.append(f"previous: {exc}")
    problems.extend(_prediction_problems(data.get("predictions")))
    problems.extend(_shape_problems(data))
    return problems


_TEXT_FIELDS = ("owner", "problem", "change_idea", "hypothesis", "finding")


def text_problems(value: Any, where: str = "") -> list[str]:
    """Text in ``value`` (a record or a part of it) that a UTF-8 file cannot hold: what
    Python makes of bytes that are not UTF-8 on a command line (lone surrogates, e.g.
    ``caf\\udce9`` from the Latin-1 bytes of "cafe" with an accent).

    >>> text_problems({"title": "caf\\udce9", "team": ["ok"]})  # doctest: +ELLIPSIS
    ["title: 'caf\\\\udce9' is not valid UTF-8 text (...)..."]
    """
    if isinstance(value, str):
        if any("\ud800" <= ch <= "\udfff" for ch in value):
            return [f"{where or 'text'}: {value!r} is not valid UTF-8 text (bytes in "
                    "another encoding, e.g. Latin-1); type it again in a UTF-8 terminal"]
        return []
    if isinstance(value, dict):
        return [p for key, item in value.items()
                for p in text_problems(key, f"{where}{'.' if where else ''}{key!s}")
                + text_problems(item, f"{where}{'.' if where else ''}{key!s}")]
    if isinstance(value, list | tuple):
        return [p for i, item in enumerate(value, start=1)
                for p in text_problems(item, f"{where}[{i}]")]
    return []


def _shape_problems(data: dict[str, Any]) -> list[str]:
    """Fields of the wrong shape: each a clear problem, never a traceback later."""
    problems = []
    for key in _TEXT_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.append(f"{key}: {data[key]!r} must be text (write it on one line, or as "
                            "a quoted string)")
    team = data.get("team")
    if team is not None and not (isinstance(team, list)
                                 and all(isinstance(t, str) for t in team)):
        kind = "a YAML set (!!set), which edits would not keep" if isinstance(team, set) \
            else repr(team)
        problems.append(f"team: {kind}; write a list of names, e.g. [Service desk leads, "
                        "Quality analyst]")
    for key, value in data.items():
        if isinstance(value, set | frozenset) and key != "team":
            problems.append(f"{key}: a YAML set (!!set) is not kept by edits; write a list")
    for i, action in enumerate(data.get("actions") or [] if isinstance(
            data.get("actions"), list) else [], start=1):
        if isinstance(action, dict) and action.get("done") not in (None, True, False):
            problems.append(f"actions[{i}].done: {action['done']!r}; write true or false")
    if data.get("monitor") is not None and not isinstance(data["monitor"], dict):
        problems.append("monitor: must be a mapping (written by pdca monitor; delete it to "
                        "recompute the frozen limits)")
    stages = data.get("stages")
    if stages is not None and not isinstance(stages, dict):
        problems.append("stages: must be a mapping, e.g. stages: {baseline: {parameters: "
                        "{period: M}}}")
    for name, block in (stages or {}).items() if isinstance(stages, dict) else ():
        if name not in STAGES:
            problems.append(f"stages.{name}: unknown stage; use {', '.join(STAGES)}")
        elif block is not None and not (isinstance(block, dict) and isinstance(
                block.get("parameters") or {}, dict)):
            problems.append(f"stages.{name}: write parameters: {{NAME: VALUE, ...}} under it")
    log = data.get("log")
    if log is not None and not isinstance(log, list):
        problems.append("log: must be a list of entries")
    for i, entry in enumerate(log if isinstance(log, list) else [], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("event"), str):
            problems.append(f"log[{i}]: {entry!r} must be an entry with an event "
                            "(written by pdca; restore it from git)")
        elif entry["event"] == "run" and not isinstance(entry.get("stage"), str):
            problems.append(f"log[{i}]: a run entry needs its stage (restore it from git)")
    return problems


def _data_problems(plan: Any) -> list[str]:
    """The data plan: a mapping whose windows are [first day, day after the last]."""
    if plan is None:
        return []
    if not isinstance(plan, dict):
        return ["data: must be a mapping (tickets, mapping, before, after)"]
    problems = []
    for key in ("tickets", "mapping"):
        if plan.get(key) is not None and not isinstance(plan.get(key), str):
            problems.append(f"data.{key}: {plan.get(key)!r} must be a path (text)")
    for key in ("before", "after"):
        window = plan.get(key)
        if window in (None, [], ""):
            continue
        fix = f"data.{key}: write [first day, day after the last], e.g. [2026-01-05, 2026-04-06]"
        if not isinstance(window, list) or len(window) != 2:
            problems.append(f"{fix}; not {window!r}")
            continue
        try:
            start, end = (_date(day) for day in window)
        except ValueError:
            problems.append(f"{fix}; {window!r} holds something that is not a date")
            continue
        if start is None or end is None or not start < end:
            problems.append(f"{fix}; the first day must come before the second")
    return problems


def _prediction_problems(predictions: Any) -> list[str]:
    """Structured predictions must be checkable; free text is kept (and scored "cannot score")."""
    from pdcakit.tracker.predictions import Prediction, PredictionError

    if predictions is None:
        return []
    if not isinstance(predictions, list):
        return ["predictions: must be a list (add them with `pdca predict`)"]
    problems = []
    for i, entry in enumerate(predictions):
        if isinstance(entry, dict):
            try:
                Prediction.from_entry(entry, i)
            except PredictionError as exc:
                problems.append(str(exc))
    return problems


def read_cycle(paths: ProjectPaths, cycle_id: str) -> CycleRecord:
    """Load and validate a record; CycleError lists every problem with its field."""
    data = load_record(paths, cycle_id)
    path = paths.record(cycle_id)
    if data is None:
        raise CycleError(f"no cycle record {path}; create it with: pdca new {cycle_id} "
                         "--title \"...\"")
    problems = _problems(data)
    if problems:
        raise CycleError(f"{path}: " + "; ".join(problems))
    actions = tuple(Action(what=str(a["what"]), owner=str(a.get("owner") or ""),
                           due=_date(a.get("due")), done=bool(a.get("done")))
                    for a in data.get("actions") or [])
    return CycleRecord(
        id=cycle_id, title=str(data["title"]), owner=str(data.get("owner") or ""),
        team=tuple(str(t) for t in data.get("team") or ()), created=_date(data.get("created")),
        aim=dict(data.get("aim") or {}), problem=str(data.get("problem") or ""),
        change_idea=str(data.get("change_idea") or ""),
        hypothesis=str(data.get("hypothesis") or ""),
        predictions=tuple(data.get("predictions") or ()), data=dict(data.get("data") or {}),
        actions=actions, stage=str(data.get("stage") or "plan"),
        log=tuple(dict(e) for e in data.get("log") or ()),
        decision=dict(data["decision"]) if data.get("decision") else None,
        previous=None if data.get("previous") is None else str(data["previous"]),
        stages=dict(data.get("stages") or {}),
        finding=str(data.get("finding") or ""),
        monitor=dict(data.get("monitor") or {}),
    )


def _round_trip():
    from ruamel.yaml import YAML

    handler = YAML()  # round-trip: comments, order and quoting kept
    handler.preserve_quotes = True
    handler.width = 4096  # never re-fold a line the author wrote (flow entries stay on one line)
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.Representer = _null_keeping_representer()
    return handler


@functools.cache
def _null_keeping_representer() -> type:
    """ruamel's round-trip representer, writing None as ``null`` (as the template does)
    rather than as an empty value; a subclass, so other ruamel users are unaffected."""
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        pass

    Representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return Representer


@contextmanager
def edit_record(paths: ProjectPaths, cycle_id: str) -> Iterator[Any]:
    """Edit a record in place, keeping its comments; written atomically on success.

    The block receives the record as a mapping; changes are validated before writing,
    so a bad edit never replaces a good file. The record's lock is held for the whole
    block: a decision (advance, act, next) reads the record's state and writes its
    outcome inside it, so two commands at once cannot both act on the same old state.
    Raising :class:`LeaveUnchanged` in the block ends it without writing. Temporary files
    a killed writer left beside the record are removed under the lock.
    """
    path = paths.record(check_cycle_id(cycle_id))
    if not path.exists():
        raise CycleError(f"no cycle record {path}; create it with: pdca new {cycle_id}")
    with edit_yaml_file(path, _problems, "the record") as data:
        yield data


@contextmanager
def edit_yaml_file(path: Path, problems_of: Callable[[dict[str, Any]], list[str]],
                   what: str) -> Iterator[Any]:
    """Edit the YAML file ``path`` (a record or a register such as the supervision plan)
    in place under its lock, comments kept, written atomically when ``problems_of`` finds
    nothing wrong with the edited mapping (:func:`edit_record` for a cycle record).

    ``what`` names the file's kind in messages ("a cycle record", "the supervision plan").
    Raising :class:`LeaveUnchanged` in the block ends it without writing.
    """
    handler = _round_trip()
    with _locked(path):
        text = read_record_text(path)
        try:
            _safe_load(text, str(path))  # bounded, and valid for the plain loader too
            data = handler.load(text)
        except PdcaError:
            raise
        except Exception as exc:  # PyYAML's and ruamel's parser and scanner errors
            raise CycleError(f"{path}: not valid YAML ({_first_line(exc)}); fix the file by "
                             "hand, it is left as it is") from exc
        if not isinstance(data, dict):
            raise CycleError(f"{path}: {what} must be a mapping of fields")
        for stray in path.parent.glob(f".{path.name}.*.tmp"):  # only writers of this file
            stray.unlink(missing_ok=True)                      # make these, under this lock
        try:
            yield data
        except LeaveUnchanged:
            return
        problems = text_problems(data) or problems_of(_safe_load(_dump(handler, data)))
        if problems:
            raise CycleError(f"{path}: the change would make {what} invalid: "
                             + "; ".join(problems))
        atomic_write_text(path, _dump(handler, data))


def revised_text(text: str, edit: Callable[[Any], None], what: str = "the record") -> str:
    """A record's ``text`` with ``edit`` applied to its mapping (comments kept), checked
    as :func:`edit_record` checks a change, without touching any file: a follow-up is
    built whole and checked before it is created.

    >>> text = revised_text(new_record_text("c2", title="Follow-up"),
    ...                     lambda data: data["data"].update(before=["2026-04-06", "2026-07-06"]))
    >>> yaml.safe_load(text)["data"]["before"]
    ['2026-04-06', '2026-07-06']
    """
    handler = _round_trip()
    data = handler.load(text)
    edit(data)
    problems = text_problems(data)
    revised = _dump(handler, data)
    problems = problems or _problems(_safe_load(revised))
    if problems:
        raise CycleError(f"{what}: " + "; ".join(problems))
    return revised


def _first_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def locked_record(paths: ProjectPaths, cycle_id: str) -> Any:
    """The lock of ``cycle_id``'s record (a context manager), also for creating it."""
    return _locked(paths.record(check_cycle_id(cycle_id)))


def locked_file(path: Path) -> Any:
    """The lock of any YAML file of ``pdca/`` (a register), as records are locked."""
    return _locked(path)


@contextmanager
def _locked(path: Any) -> Iterator[None]:
    """An exclusive lock on ``.<record>.lock`` beside the record, so two ``pdca`` commands
    editing the same cycle (two runs finishing together) do not lose an update."""
    import fcntl

    lock_path = path.with_name(f".{path.name}.lock")
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _dump(handler: Any, data: Any) -> str:
    stream = io.StringIO()
    handler.dump(data, stream)
    return stream.getvalue()


def add_log_entry(data: Any, entry: dict[str, Any]) -> None:
    """Append a dated entry to a record mapping being edited (``log`` created if absent).

    A run is logged once: an entry whose ``run_dir`` the log already holds is not added
    again (the command that ran it and the next command repairing a lost entry may both
    try).
    """
    if data.get("log") is None:
        data["log"] = []
    run_dir = entry.get("run_dir")
    if run_dir and any(isinstance(e, dict) and e.get("run_dir") == run_dir
                       for e in data["log"]):
        return
    data["log"].append({"date": dt.date.today().isoformat(), **entry})


def append_log(paths: ProjectPaths, cycle_id: str, *entries: dict[str, Any]) -> None:
    """Add dated entries (run, advance, decision ...) to the record's ``log``, in one edit."""
    with edit_record(paths, cycle_id) as data:
        for entry in entries:
            add_log_entry(data, entry)


def yaml_text(text: str) -> str:
    """``text`` as a YAML scalar that reads back as the same string: plain when it does,
    else double-quoted (``2026``, ``yes``, ``off``, ``2026-01-05``, ``0x1f`` and ``null``
    would read as numbers, booleans, dates or nothing).

    >>> yaml_text("email-2026"), yaml_text("2026"), yaml_text("yes"), yaml_text("0x1f")
    ('email-2026', '"2026"', '"yes"', '"0x1f"')
    """
    try:
        plain_ok = bool(text) and text == text.strip() and yaml.safe_load(text) == text \
            and "\n" not in text and "#" not in text and ":" not in text
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok else _quoted(text)


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 20).strip()


def new_record_text(cycle_id: str, *, title: str, metric: str = "", target: float | None = None,
                    direction: str = "higher", owner: str = "", previous: str | None = None,
                    today: dt.date | None = None, finding: str | None = None,
                    problem: str = "", language: str = "en") -> str:
    """A commented record for ``pdca new``: the fields to fill in, explained in place.

    Checked before anything is written: the whole record must read back as it was
    meant (the id as text, the same title) and pass every check :func:`read_cycle`
    makes; CycleError lists every problem otherwise, so a refused ``pdca new`` leaves
    no file behind.

    >>> 'id: "2026"' in new_record_text("2026", title="Faster email")
    True
    >>> new_record_text("c1", title=" ")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pdcakit.tracker.record.CycleError: cycle c1 not created: title: it is empty...
    """
    check_cycle_id(cycle_id)
    if cycle_id in RESERVED_NAMES:
        raise CycleError(f"cycle {cycle_id} not created: pdca/{cycle_id}.yaml is the "
                         f"{cycle_id} register's file, not a cycle; pick another id "
                         f"(e.g. {cycle_id}-2026)")
    today = today or dt.date.today()
    problems = text_problems({"title": title, "owner": owner, "metric": metric,
                              "problem": problem})
    if not isinstance(title, str) or not title.strip():
        problems.append("title: it is empty; give the cycle a one-line title (--title "
                        "\"Faster email replies\")")
    if target is not None and (isinstance(target, bool) or not isinstance(target, int | float)
                               or not math.isfinite(target)):
        problems.append(f"target: {target!r} is not a finite number; give the value the "
                        "cycle aims for, e.g. --target 0.74")
        target = None
    if previous is not None:
        try:
            check_cycle_id(previous)
        except ValueError as exc:
            problems.append(f"previous: {exc}")
    if problems:
        raise CycleError(f"cycle {cycle_id} not created: " + "; ".join(problems))
    from pdcakit.tracker.record_template import record_template

    text = record_template(cycle_id, title=title, metric=metric, target=target,
                           direction=direction, owner=owner, previous=previous, today=today,
                           finding=finding, problem=problem, language=language)
    data = _safe_load(text)
    problems = _problems(data)
    if data.get("id") != cycle_id or data.get("title") != title:
        problems.append(f"id or title: they would not read back as {cycle_id!r} and "
                        f"{title!r} (please report this)")
    if problems:
        raise CycleError(f"cycle {cycle_id} not created: " + "; ".join(problems))
    return text
