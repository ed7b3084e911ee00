"""The supervision plan (监督计划表, 4.3.1): recurring checks, when each is due, what was found.

``pdca/supervision.yaml`` lists the checks a team makes on a schedule (internal audit
yearly, process monitoring of satisfaction, FCR and response time monthly ...), each with
its content, frequency, owner and the standard it must meet; ``pdca check-done`` appends
what a check found under ``done:``. A finding (``F1``, ``F2`` ... numbered over the
file) can open a cycle (``pdca new ID --from-finding F1``); the cycle's record names the
finding once (``finding: F1``) and the pages look it up here. A plan::

    checks:
      - id: fcr-monitoring
        activity: Process monitoring of first contact resolution
        content: FCR per week on the control chart, with the rule set's signals
        frequency: monthly          # yearly, quarterly, monthly, weekly, every N days
        owner: Quality analyst
        standard: FCR at least 74% every month
        start: 2026-01-31           # first due date (optional)
    done:                           # appended by pdca check-done
      - {check: fcr-monitoring, date: 2026-01-30, result: fail, note: ..., findings: [...]}

A team with several plans (one per department, or the yearly audit apart from the monthly
monitoring) keeps one file per plan in ``pdca/supervision/`` (``pdca/supervision/audit.yaml``
...), beside or instead of ``pdca/supervision.yaml``: they are read together as one plan,
check ids and finding ids unique across the files (a repeated one names both files), a
check done written into its check's file, findings numbered over all of them, under one
lock for the whole plan.

Due dates: the next is the last time the check was done plus its frequency; months and
years are calendar ones, a day past the month's end falling on its last day (31 Jan + 1
month = 28 Feb, or 29 Feb in a leap year; 29 Feb + 1 year = 28 Feb). A check never done
is due on its ``start`` (or today when it has none). Reading is light (no pandas): the
tracker and the portfolio read the plan on every ``pdca report``.

>>> add_months(dt.date(2024, 1, 31), 1), add_months(dt.date(2026, 1, 31), 1)
(datetime.date(2024, 2, 29), datetime.date(2026, 2, 28))
>>> Frequency.parse("every 10 days").next_after(dt.date(2026, 12, 25))
datetime.date(2027, 1, 4)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.run.project import ProjectPaths
from pdcakit.suggest import did_you_mean
from pdcakit.yamltext import load_bounded

__all__ = [
    "FREQUENCY_WORDS",
    "PLAN_FILE",
    "RESULTS",
    "Check",
    "CheckDone",
    "Finding",
    "Frequency",
    "SupervisionError",
    "SupervisionPlan",
    "add_months",
    "check_done",
    "is_demo_plan",
    "new_cycle_from_finding",
    "plan_files",
    "plan_path",
    "plan_problems",
    "read_plan",
]

PLAN_FILE = "supervision.yaml"
#: The folder of a workbook's several plans, one YAML file each.
PLAN_FOLDER = "supervision"
RESULTS = ("pass", "fail")
#: Frequency words (English and the method's Chinese) -> (months, days) of one interval.
FREQUENCY_WORDS: dict[str, tuple[int, int]] = {
    "yearly": (12, 0), "annually": (12, 0), "每年": (12, 0), "年度": (12, 0),
    "half-yearly": (6, 0), "每半年": (6, 0),
    "quarterly": (3, 0), "每季度": (3, 0), "季度": (3, 0),
    "monthly": (1, 0), "每月": (1, 0), "月度": (1, 0),
    "weekly": (0, 7), "每周": (0, 7),
    "daily": (0, 1), "每天": (0, 1), "每日": (0, 1),
}
_EVERY = re.compile(r"^(?:every\s+(\d+)\s+days?|每\s*(\d+)\s*天)$")
#: The plan's top-level keys: its checks, the log of checks done, the demo's own mark.
_TOP = ("checks", "done", "demo")
_FIELDS = ("id", "activity", "content", "frequency", "owner", "standard", "start")
#: A check's id: a short word of letters (any script: 内部审核), digits and hyphens, no
#: capitals (typed on the command line as written: pdca check-done 内部审核).
_CHECK_ID = re.compile(r"^[^\W_A-Z](?:[^\W_A-Z]|-)*$")
_CHECK_ID_LENGTH = 64
_EXAMPLE = ("- {id: fcr-monitoring, activity: Process monitoring of FCR, content: ..., "
            "frequency: monthly, owner: Quality analyst, standard: FCR at least 74%}")


class SupervisionError(PdcaError, ValueError):
    """A supervision plan that cannot be read, or a check log that cannot be written."""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, kept within the month (31 Jan + 1 month
    is the last day of February).

    >>> add_months(dt.date(2025, 11, 30), 3), add_months(dt.date(2024, 2, 29), 12)
    (datetime.date(2026, 2, 28), datetime.date(2025, 2, 28))
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Frequency:
    """How often a check recurs: whole calendar months, or a number of days.

    >>> Frequency.parse("quarterly"), Frequency.parse("每周").days
    (Frequency(text='quarterly', months=3, days=0), 7)
    """

    text: str
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: Any) -> Frequency:
        """A frequency from its words; ValueError naming the words it accepts."""
        text = " ".join(str(value if value is not None else "").split()).lower()
        if text in FREQUENCY_WORDS:
            months, days = FREQUENCY_WORDS[text]
            return cls(text, months, days)
        every = _EVERY.match(text)
        if every and int(every.group(1) or every.group(2)) > 0:
            return cls(text, 0, int(every.group(1) or every.group(2)))
        raise ValueError(f"{value!r} is not a frequency; write yearly, quarterly, monthly, "
                         "weekly, daily or every N days (每年, 每季度, 每月, 每周, 每N天)")

    def next_after(self, day: dt.date) -> dt.date:
        """The day one interval after ``day``."""
        if self.months:
            return add_months(day, self.months)
        return day + dt.timedelta(days=self.days)


@dataclass(frozen=True)
class Finding:
    """What a check found that does not meet the standard: a nonconformity to handle."""

    id: str
    check: str
    date: dt.date
    text: str


@dataclass(frozen=True)
class CheckDone:
    """One logged check: when, the result against the standard, the note, its findings."""

    check: str
    date: dt.date
    result: str
    note: str
    findings: tuple[Finding, ...] = ()
    line: int = 0
    cycle: str = ""  # the cycle the check was done for (pdca check-done --cycle)


@dataclass(frozen=True)
class Check:
    """One recurring check of the plan, with its history."""

    id: str
    activity: str
    content: str
    frequency: Frequency
    owner: str
    standard: str
    start: dt.date | None = None
    done: tuple[CheckDone, ...] = ()
    line: int = 0
    file: Path | None = None  # the plan file that lists it

    @property
    def last_done(self) -> CheckDone | None:
        return max(self.done, key=lambda d: d.date) if self.done else None

    def next_due(self, today: dt.date) -> dt.date:
        """The last time done plus one interval; never done: ``start``, else ``today``."""
        last = self.last_done
        if last is not None:
            return self.frequency.next_after(last.date)
        return self.start or today

    def overdue(self, today: dt.date) -> bool:
        return self.next_due(today) < today

    def days_overdue(self, today: dt.date) -> int:
        return max(0, (today - self.next_due(today)).days)


@dataclass(frozen=True)
class SupervisionPlan:
    """The plan's checks and every finding logged, read from ``path`` (and the other plan
    files in ``files``, when the workbook keeps several)."""

    path: Path
    checks: tuple[Check, ...]
    files: tuple[Path, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for check in self.checks for done in check.done for f in done.findings)

    def finding(self, finding_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == finding_id), None)

    def check(self, check_id: str) -> Check:
        found = next((c for c in self.checks if c.id == check_id), None)
        if found is None:
            close = did_you_mean(check_id, [c.id for c in self.checks])
            raise SupervisionError(f"{self.path}: no check {check_id!r} in the plan; "
                                   f"{close + ' ' if close else ''}the checks are "
                                   f"{', '.join(c.id for c in self.checks) or 'none yet'}")
        return found

    def overdue(self, today: dt.date) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.overdue(today))


def plan_path(paths: ProjectPaths) -> Path:
    """Where the workbook's supervision plan lives: ``pdca/supervision.yaml``."""
    return paths.records / PLAN_FILE


def plan_files(paths: ProjectPaths) -> list[Path]:
    """Every plan file of the workbook: ``pdca/supervision.yaml`` when it exists, then
    ``pdca/supervision/*.yaml`` by name (dot-files and what is not a regular file left
    out: lock and temporary files, editors' backups).

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "pdca" / "supervision").mkdir(parents=True)
    >>> for name in ("supervision.yaml", "supervision/it.yaml", "supervision/.it.yaml.lock",
    ...              "supervision/audit.yaml"):
    ...     _ = (root / "pdca" / name).write_text("checks: []")
    >>> [str(p.relative_to(root)) for p in plan_files(ProjectPaths(root))]
    ['pdca/supervision.yaml', 'pdca/supervision/audit.yaml', 'pdca/supervision/it.yaml']
    """
    main = plan_path(paths)
    found = [main] if main.is_file() else []
    folder = paths.records / PLAN_FOLDER
    if folder.is_dir():
        found += sorted(p for p in folder.glob("*.yaml")
                        if not p.name.startswith(".") and p.is_file())
    return found


def _plan_lock(paths: ProjectPaths) -> Any:
    """One lock for every plan file (``pdca/.supervision.lock``): findings are numbered
    over all of them."""
    from pdcakit.tracker.record import locked_file

    return locked_file(paths.records / PLAN_FOLDER)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _lines(text: str) -> dict[str, list[int]]:
    """The line (1-based) of each item of ``checks:`` and ``done:``, for the messages."""
    import yaml

    found: dict[str, list[int]] = {"checks": [], "done": []}
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return found
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value in found and isinstance(value, yaml.SequenceNode):
                found[key.value] = [item.start_mark.line + 1 for item in value.value]
    return found


def _at(lines: dict[str, list[int]], block: str, index: int) -> str:
    numbers = lines.get(block) or []
    return f" (line {numbers[index]})" if index < len(numbers) else ""


def plan_problems(data: Any, text: str = "") -> list[str]:
    """Every problem of a plan's mapping, each naming the field, its line and the fix."""
    lines = _lines(text) if text else {}
    if not isinstance(data, dict):
        return ["the plan must be a mapping with checks: (a list) and done: (a list)"]
    problems: list[str] = []
    for key in sorted(set(map(str, data)) - set(_TOP)):
        close = did_you_mean(key, _TOP)
        problems.append(f"{key}: not a part of a supervision plan; "
                        f"{close + ' ' if close else ''}use {', '.join(_TOP)}")
    checks = data.get("checks")
    if not isinstance(checks, list):
        return [f"checks: must be a list of checks, e.g. {_EXAMPLE}"]
    seen: set[str] = set()
    refused: set[str] = set()
    for i, entry in enumerate(checks):
        where = f"checks[{i + 1}]{_at(lines, 'checks', i)}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a check with id, activity, frequency, owner "
                            "and standard")
            continue
        unknown = sorted(set(map(str, entry)) - set(_FIELDS))
        for key in unknown:
            close = did_you_mean(key, _FIELDS)
            problems.append(f"{where}.{key}: not a field of a check; "
                            f"{close + ' ' if close else ''}use {', '.join(_FIELDS)}")
        check_id = entry.get("id")
        if not isinstance(check_id, str) or not _CHECK_ID.match(check_id) \
                or len(check_id) > _CHECK_ID_LENGTH:
            refused.add(str(check_id))
            problems.append(f"{where}.id: {check_id!r}; give a short id of lower-case letters "
                            "(or Chinese characters), digits and hyphens (e.g. fcr-monitoring, "
                            "内部审核)")
        elif check_id in seen:
            problems.append(f"{where}.id: {check_id!r} is used twice; give each check its own")
        else:
            seen.add(check_id)
        for key in ("activity", "owner", "standard"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{where}.{key}: missing or not text; write the check's {key}")
        if entry.get("content") is not None and not isinstance(entry["content"], str):
            problems.append(f"{where}.content: must be text")
        try:
            Frequency.parse(entry.get("frequency"))
        except ValueError as exc:
            problems.append(f"{where}.frequency: {exc}")
        if entry.get("start") is not None:
            try:
                _date(entry["start"])
            except ValueError:
                problems.append(f"{where}.start: {entry['start']!r} is not a date; write "
                                "YYYY-MM-DD")
    problems.extend(_done_problems(data.get("done"), seen, lines, refused))
    return problems


def _done_problems(done: Any, check_ids: set[str], lines: dict[str, list[int]],
                   refused: set[str] = frozenset()) -> list[str]:
    """What is wrong with the logged checks (``done``); one naming a check whose id was
    refused (``refused``) is not named again: that id's own problem says the fix."""
    if done is None:
        return []
    if not isinstance(done, list):
        return ["done: must be a list of logged checks (written by pdca check-done)"]
    problems: list[str] = []
    finding_ids: set[str] = set()
    for i, entry in enumerate(done):
        where = f"done[{i + 1}]{_at(lines, 'done', i)}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be {{check, date, result, note}}")
            continue
        if entry.get("check") not in check_ids and str(entry.get("check")) not in refused:
            close = did_you_mean(str(entry.get("check")), check_ids)
            problems.append(f"{where}.check: {entry.get('check')!r} is no check of the plan; "
                            f"{close + ' ' if close else ''}name one of "
                            f"{', '.join(sorted(check_ids)) or '(none)'}")
        try:
            _date(entry.get("date"))
        except (TypeError, ValueError):
            problems.append(f"{where}.date: {entry.get('date')!r} is not a date; write "
                            "YYYY-MM-DD")
        if entry.get("result") not in RESULTS:
            problems.append(f"{where}.result: {entry.get('result')!r}; write pass or fail")
        if entry.get("note") is not None and not isinstance(entry["note"], str):
            problems.append(f"{where}.note: must be text")
        if entry.get("cycle") is not None and not isinstance(entry["cycle"], str):
            problems.append(f"{where}.cycle: must be a cycle id (the file name in pdca/ "
                            "without .yaml)")
        findings = entry.get("findings") or []
        if not isinstance(findings, list):
            problems.append(f"{where}.findings: must be a list of {{id, text}}")
            continue
        for j, finding in enumerate(findings):
            at = f"{where}.findings[{j + 1}]"
            if not (isinstance(finding, dict) and isinstance(finding.get("id"), str)
                    and isinstance(finding.get("text"), str) and finding["text"].strip()):
                problems.append(f"{at}: write {{id: F1, text: what was found}}")
            elif finding["id"] in finding_ids:
                problems.append(f"{at}.id: {finding['id']!r} is used twice; each finding "
                                "has its own id")
            else:
                finding_ids.add(finding["id"])
    return problems


def read_plan(paths: ProjectPaths) -> SupervisionPlan | None:
    """The workbook's supervision plan, every plan file read together (:func:`plan_files`);
    None when it has none. SupervisionError lists every problem with its file, field, line
    and fix, and names both files of a check id or finding id given twice (the files are
    never guessed at)."""
    files = plan_files(paths)
    if not files:
        return None
    parts = [_read_file(path) for path in files]
    _unique_across(parts)
    return SupervisionPlan(files[0], tuple(c for part in parts for c in part.checks),
                           tuple(files))


def _read_file(path: Path) -> SupervisionPlan:
    from pdcakit.tracker.record import read_record_text

    text = read_record_text(path)
    try:
        data = load_bounded(text, str(path))
    except PdcaError:
        raise
    except Exception as exc:  # PyYAML's parser and scanner errors
        raise SupervisionError(f"{path}: not valid YAML ({' '.join(str(exc).split())[:200]});"
                               " fix the file by hand") from None
    if data is None:
        data = {"checks": []}
    problems = plan_problems(data, text)
    if problems:
        raise SupervisionError(f"{path}: " + "; ".join(problems))
    return _plan(path, data, _lines(text))


def _unique_across(parts: list[SupervisionPlan]) -> None:
    """A check id or finding id in two plan files: a SupervisionError naming both."""
    problems = []
    checks: dict[str, Check] = {}
    findings: dict[str, Path] = {}
    for part in parts:
        for check in part.checks:
            first = checks.setdefault(check.id, check)
            if first is not check:
                problems.append(f"the check id {check.id!r} is in {first.file} (line "
                                f"{first.line}) and in {check.file} (line {check.line}); "
                                "give each check its own id across the plan files")
            for done in check.done:
                for finding in done.findings:
                    where = findings.setdefault(finding.id, part.path)
                    if where != part.path:
                        problems.append(f"the finding id {finding.id!r} is in {where} and in "
                                        f"{part.path}; renumber the later one (findings are "
                                        "numbered over every plan file)")
    if problems:
        raise SupervisionError("the supervision plan files disagree: " + "; ".join(problems))


def _plan(path: Path, data: dict[str, Any], lines: dict[str, list[int]]) -> SupervisionPlan:
    done_lines = lines.get("done") or []
    logged: dict[str, list[CheckDone]] = {}
    for i, entry in enumerate(data.get("done") or []):
        day = _date(entry["date"])
        findings = tuple(Finding(str(f["id"]), str(entry["check"]), day, str(f["text"]))
                         for f in entry.get("findings") or [])
        logged.setdefault(entry["check"], []).append(CheckDone(
            check=str(entry["check"]), date=day, result=str(entry["result"]),
            note=str(entry.get("note") or ""), findings=findings,
            line=done_lines[i] if i < len(done_lines) else 0,
            cycle=str(entry.get("cycle") or "")))
    check_lines = lines.get("checks") or []
    checks = tuple(Check(
        id=str(c["id"]), activity=str(c["activity"]), content=str(c.get("content") or ""),
        frequency=Frequency.parse(c["frequency"]), owner=str(c["owner"]),
        standard=str(c["standard"]), start=_date(c["start"]) if c.get("start") else None,
        done=tuple(logged.get(str(c["id"]), ())),
        line=check_lines[i] if i < len(check_lines) else 0, file=path)
        for i, c in enumerate(data["checks"]))
    return SupervisionPlan(path, checks, (path,))


def is_demo_plan(path: Path) -> bool:
    """Whether ``path`` is the demo's supervision plan (``demo: true``, written by ``pdca
    demo``), which the demo may reset; a team's own plan is never touched."""
    try:
        data = load_bounded(path.read_text(encoding="utf-8"), str(path))
    except Exception:  # unreadable: not provably the demo's, so it stays as it is
        return False
    return isinstance(data, dict) and data.get("demo") is True


def _next_finding_number(plan: SupervisionPlan) -> int:
    numbers = [int(f.id[1:]) for f in plan.findings if re.fullmatch(r"F\d+", f.id)]
    return max(numbers, default=0) + 1


def check_done(paths: ProjectPaths, check_id: str, *, result: str, note: str,
               findings: tuple[str, ...] = (), day: dt.date | None = None,
               cycle: str = "") -> tuple[CheckDone, Check]:
    """Log that ``check_id`` was done on ``day`` (today) with ``result`` and ``note``; each
    text in ``findings`` becomes a numbered finding (F1, F2 ... over every plan file); ``cycle``
    names the cycle the check was done for (its charts then mark it). Written atomically
    under the plan's lock, comments kept; returns the entry and the check as read back
    (its next due date follows from it).

    A failed check needs a note saying what fell short; a finding is not taken on a pass
    without a note either (a reader must see why).
    """
    from pdcakit.tracker.record import text_problems

    if not plan_files(paths):
        raise SupervisionError(f"{plan_path(paths)}: no supervision plan yet; write it "
                               "(checks: with id, activity, frequency, owner, standard), "
                               f"e.g. {_EXAMPLE}, or one file per plan in "
                               f"{paths.records / PLAN_FOLDER}/")
    if result not in RESULTS:
        raise SupervisionError(f"--result {result!r}: write pass or fail")
    texts = [" ".join(str(t).split()) for t in findings]
    problems = text_problems({"note": note, "findings": texts})
    if not note.strip():
        problems.append(f"--note: it is empty; say what the check looked at and what it "
                        f"found (pdca check-done {check_id} --result {result} --note \"...\")")
    if any(not t for t in texts):
        problems.append("--finding: one is empty; write what was found")
    if cycle and not paths.record(cycle).exists():
        known = sorted(p.stem for p in paths.records.glob("*.yaml")
                       if p.name != PLAN_FILE)
        close = did_you_mean(cycle, known)
        problems.append(f"--cycle {cycle}: no cycle record pdca/{cycle}.yaml; "
                        f"{close + ' ' if close else ''}the cycles are "
                        f"{', '.join(known) or 'none yet'}")
    if problems:
        raise SupervisionError("check not logged: " + "; ".join(problems))

    day = day or dt.date.today()
    with _plan_lock(paths):
        plan = _read(paths)
        path = plan.check(check_id).file  # a bad plan or an unknown check: a clear error
        _log_check(path, check_id, day, result, note, texts, cycle,
                   _next_finding_number(plan))
    check = _read(paths).check(check_id)
    return check.done[-1], check


def _log_check(path: Path, check_id: str, day: dt.date, result: str, note: str,
               texts: list[str], cycle: str, first: int) -> None:
    """Append one check done to the plan file ``path`` (under its own lock too)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from pdcakit.tracker.record import edit_yaml_file

    with edit_yaml_file(path, plan_problems, "the supervision plan") as data:
        if data.get("done") is None:
            data["done"] = CommentedSeq()
        entry = CommentedMap(check=check_id, date=day, result=result,
                             note=" ".join(note.split()))
        if cycle:
            entry["cycle"] = cycle
        if texts:
            entry["findings"] = CommentedSeq(
                CommentedMap(id=f"F{first + k}", text=text) for k, text in enumerate(texts))
            for item in entry["findings"]:
                item.fa.set_flow_style()
            entry["findings"].fa.set_flow_style()
        entry.fa.set_flow_style()  # one line per check done, as a person would write it
        data["done"].append(entry)


def _read(paths: ProjectPaths) -> SupervisionPlan:
    plan = read_plan(paths)
    if plan is None:
        raise SupervisionError(f"{plan_path(paths)}: the supervision plan has gone; restore "
                               "it from git")
    return plan


def new_cycle_from_finding(paths: ProjectPaths, cycle_id: str, finding_id: str, *,
                           title: str | None = None, **fields: Any) -> Path:
    """Open cycle ``cycle_id`` answering finding ``finding_id``: its record names the
    finding (``finding: F1``), its problem is the finding's text unless given, its title
    too when none is given. SupervisionError names the known findings when the id is not
    one (nothing is written then)."""
    from pdcakit.tracker.moves import new_cycle

    plan = read_plan(paths)
    if plan is None:
        raise SupervisionError(f"--from-finding {finding_id}: the workbook has no supervision "
                               f"plan ({plan_path(paths)}); findings are logged there by "
                               "pdca check-done CHECK --result fail --finding TEXT")
    finding = plan.finding(finding_id)
    if finding is None:
        known = [f.id for f in plan.findings]
        close = did_you_mean(finding_id, known)
        raise SupervisionError(f"--from-finding {finding_id}: no such finding in {plan.path}; "
                               f"{close + ' ' if close else ''}the findings are "
                               f"{', '.join(known) or 'none yet'}")
    from pdcakit.run.workbook_settings import workbook_language
    from pdcakit.words import words

    check = plan.check(finding.check)
    w = words(workbook_language(paths))
    problem = fields.pop("problem", "") or w._(
        "{text} (finding {finding} of the check {check} on {date}; standard: {standard})",
        text=finding.text, finding=finding.id, check=check.activity,
        date=finding.date.isoformat(), standard=check.standard)
    title = title or w._("Answer finding {finding}: {text}", finding=finding.id,
                         text=finding.text)[:120]
    return new_cycle(paths, cycle_id, title=title, finding=finding.id, problem=problem,
                     **fields)
