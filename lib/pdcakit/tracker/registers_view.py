"""What the portfolio and the cycle pages show of the registers, as plain rows: the
supervision plan's checks (next due, overdue), its findings and the cycles they opened,
the monitor results of each adopted cycle, and one summary line per feedback or complaint
register a cycle's baseline run read (from its ``results.json``).

Rows hold plain text (the page escapes every cell); a row's ``flag`` names the cell to
show as a warning (an overdue check, a monitor signal). Every word is asked of the words
layer in the reader's language, dates too (English ``2026-12-07``, Chinese
``2026年12月7日``, by Babel). Nothing here needs pandas: the
portfolio reads the registers on every ``pdca report``.

>>> section = monitor_section([], today=dt.date(2026, 12, 7))
>>> section.title, section.rows
('Holding the gains', ())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.kpis import KPI_INFO
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import CycleRecord
from pdcakit.tracker.statusview import day_text
from pdcakit.words import N_, Words, words

__all__ = ["Section", "finding_text", "findings_section", "monitor_section",
           "other_registers", "portfolio_sections", "supervision_section"]


#: A check's result as ``pdca check-done --result`` records it, marked for the catalogue.
_RESULTS = {"pass": N_("pass"), "fail": N_("fail")}


@dataclass(frozen=True)
class Section:
    """A titled block of the portfolio: a sentence, rows of plain text, warnings per row."""

    title: str
    intro: str
    rows: tuple[dict[str, str], ...] = ()
    flags: tuple[str, ...] = ()  # per row: the column to show as a warning ("" for none)
    links: tuple[str, ...] = ()  # per row: the cycle id a "Cycle" cell links to ("" none)
    problem: str = ""            # the register could not be read: its message


def supervision_section(paths: ProjectPaths, today: dt.date, w: Words | None = None) -> Section:
    """Each check of the plan: frequency, owner, standard, last done, next due, overdue."""
    from pdcakit.tracker.supervision import plan_path, read_plan

    w = w or words()
    title = w._("Supervision plan")
    try:
        plan = read_plan(paths)
    except PdcaError as exc:
        return Section(title, "", problem=str(exc))
    if plan is None:
        return Section(title, w._("No supervision plan yet: list the recurring checks in "
                                  "{path} (activity, content, frequency, owner, standard), or "
                                  "one file per plan in {folder}; pdca check-done logs each "
                                  "one.", path=f"pdca/{plan_path(paths).name}",
                                  folder="pdca/supervision/"))
    rows, flags = [], []
    several = len(plan.files) > 1
    for check in plan.checks:
        last = check.last_done
        due = check.next_due(today)
        late = check.days_overdue(today)
        status = (w.ngettext("OVERDUE by {count} day", "OVERDUE by {count} days", late)
                  if late else w._("due today") if due == today else w._("on schedule"))
        if last is None:
            done_text = w._("never")
        else:
            done_text = w._("{date}: {result}", date=day_text(last.date, w),
                            result=w._(_RESULTS.get(last.result, last.result)))
        rows.append({**({w._("Plan"): _plan_name(check.file)} if several else {}),
                     w._("Check"): check.id, w._("Activity"): check.activity,
                     w._("Frequency"): check.frequency.text, w._("Owner"): check.owner,
                     w._("Standard"): check.standard, w._("Last done"): done_text,
                     w._("Next due"): day_text(due, w), w._("Status"): status})
        flags.append(w._("Status") if late else "")
    overdue = sum(bool(f) for f in flags)
    intro = (w._("{checks} check(s) in {files} plan files ({names}); {overdue} overdue on "
                 "{today}.", checks=len(rows), files=len(plan.files),
                 names=", ".join(_plan_name(f) for f in plan.files), overdue=overdue,
                 today=day_text(today, w)) if several else
             w._("{checks} check(s); {overdue} overdue on {today}.", checks=len(rows),
                 overdue=overdue, today=day_text(today, w)))
    return Section(title, intro, tuple(rows), tuple(flags))


def _plan_name(file: Any) -> str:
    """A plan file as the portfolio names it: ``supervision/audit.yaml`` -> ``audit``."""
    return "" if file is None else str(file.stem)


def finding_text(paths: ProjectPaths, finding_id: str, w: Words | None = None) -> str:
    """The finding a cycle answers, in one line (check, date, text, standard); says so
    when the plan no longer holds it."""
    from pdcakit.tracker.supervision import read_plan

    w = w or words()
    try:
        plan = read_plan(paths)
    except PdcaError as exc:
        return w._("{id} (the supervision plan cannot be read: {why})", id=finding_id,
                   why=str(exc))
    finding = plan.finding(finding_id) if plan is not None else None
    if plan is None or finding is None:
        return w._("{id}: not in the supervision plan (pdca/supervision.yaml); restore it "
                   "from git or correct the record's finding", id=finding_id)
    check = plan.check(finding.check)
    return w._("{id} of the check {check} ({activity}) on {date}: {text}. Standard: "
               "{standard}", id=finding.id, check=check.id, activity=check.activity,
               date=day_text(finding.date, w), text=finding.text, standard=check.standard)


def findings_section(paths: ProjectPaths, records: Sequence[CycleRecord],
                     w: Words | None = None) -> Section:
    """Every finding logged, with the cycles opened to answer it."""
    from pdcakit.tracker.supervision import read_plan

    w = w or words()
    title = w._("Findings and the cycles they opened")
    try:
        plan = read_plan(paths)
    except PdcaError as exc:
        return Section(title, "", problem=str(exc))
    findings = plan.findings if plan is not None else ()
    if not findings:
        return Section(title, w._("No findings logged (pdca check-done CHECK --result fail "
                                  "--note ... --finding TEXT)."))
    opened: dict[str, list[str]] = {}
    for record in records:
        if record.finding:
            opened.setdefault(record.finding, []).append(record.id)
    rows, flags, links = [], [], []
    for finding in findings:
        cycles = opened.get(finding.id, [])
        rows.append({w._("Finding"): finding.id, w._("Check"): finding.check,
                     w._("Date"): day_text(finding.date, w), w._("What was found"): finding.text,
                     w._("Cycle"): ", ".join(cycles) or w._(
                         "none yet (pdca new ID --from-finding {id})", id=finding.id)})
        flags.append("")
        links.append(cycles[0] if len(cycles) == 1 else "")
    answered = sum(bool(opened.get(f.id)) for f in findings)
    intro = w._("{n} finding(s); {answered} answered by a cycle.", n=len(findings),
                answered=answered)
    return Section(title, intro, tuple(rows), tuple(flags), tuple(links))


def monitor_section(records: Sequence[CycleRecord], today: dt.date,
                    w: Words | None = None) -> Section:
    """Each adopted cycle's latest monitor result (or that it is not watched yet)."""
    from pdcakit.tracker.monitor import latest_monitor, monitor_entries

    w = w or words()
    title = w._("Holding the gains")
    adopted = [r for r in records if (r.decision or {}).get("decision") == "adopt"]
    if not adopted:
        return Section(title, "")
    rows, flags, links = [], [], []
    for record in adopted:
        last = latest_monitor(record)
        metric = str((record.aim or {}).get("metric") or "")
        name = w._(KPI_INFO[metric].name) if metric in KPI_INFO else metric
        if last is None:
            result = w._("not monitored yet (pdca monitor {cycle} --data FILE)",
                         cycle=record.id)
            periods = checked = ""
        else:
            signals = [s for s in last.get("signals") or [] if isinstance(s, dict)]
            dates = sorted({str(s.get("date"))[:10] for s in signals})
            worse = any(s.get("side", "worse") == "worse" for s in signals)
            result = (w._("quiet: the gain holds") if not signals else
                      w._("SIGNAL on the worse side, {n} period(s): {dates}", n=len(dates),
                          dates=", ".join(dates)) if worse else
                      w._("signal on the better side, {n} period(s): {dates}", n=len(dates),
                          dates=", ".join(dates)))
            first, end = [*(last.get("periods") or []), "", ""][:2]
            periods = w._("{first} to {last} ({n})", first=day_text(first, w) if first else "",
                          last=day_text(end, w) if end else "",
                          n=last.get("n_periods", ""))
            checked = day_text(last.get("date", ""), w) if last.get("date") else ""
        rows.append({w._("Cycle"): record.id, w._("KPI"): name,
                     w._("Last monitored"): checked, w._("Periods judged"): periods,
                     w._("Result"): result,
                     w._("Runs logged"): str(len(monitor_entries(record)))})
        flags.append(w._("Result") if last is not None and last.get("signals") else "")
        links.append(record.id)
    signalling = sum(bool(f) for f in flags)
    intro = w._("{n} adopted cycle(s); {signals} with a signal in its latest monitor run "
                "(pdca monitor exits 5 then).", n=len(rows), signals=signalling)
    return Section(title, intro, tuple(rows), tuple(flags), tuple(links))


def _class_name(key: str, w: Words) -> str:
    """A feedback class's name in the reader's language; a key the method does not have
    (a results.json from elsewhere) as it is."""
    from pdcakit.registers.schema import CLASS_NAMES

    return w._(CLASS_NAMES[key]) if key in CLASS_NAMES else key


def _feedback_line(found: dict[str, Any], w: Words) -> str:
    shares = found.get("shares") or {}
    pareto = [k for k in found.get("pareto") or [] if isinstance(k, str)]
    top = pareto[0] if pareto else ""
    share = (shares.get(top) or {}).get("value") if isinstance(shares.get(top), dict) else None
    most = (w._("; most often {name} ({share})", name=_class_name(top, w),
                share=w.percent(share)) if top and share is not None else "")
    return w._("{n} feedback items, {first} to {last}{most}", n=found.get("items", "?"),
               first=_received(found.get("first_received"), w),
               last=_received(found.get("last_received"), w), most=most)


def _received(stamp: Any, w: Words) -> str:
    """A register's first or last received time stamp as its day (Babel's in Chinese)."""
    day = str(stamp or "")[:10]
    return day_text(day, w) if day else ""


def _complaints_line(found: dict[str, Any], w: Words) -> str:
    parts = [w._("{n} complaint cases, {open} still open", n=found.get("cases", "?"),
                 open=found.get("open") if found.get("open") is not None else "?")]
    close = found.get("time_to_close") or {}
    if isinstance(close, dict) and close.get("median") is not None:
        parts.append(w._("median time to close {days} days (Kaplan-Meier)",
                         days=w.number(close["median"])))
    deadline = found.get("closed_by_deadline") or {}
    if isinstance(deadline, dict) and deadline.get("value") is not None:
        parts.append(w._("closed by the deadline {share}", share=w.percent(deadline["value"])))
    owners = [o for o in found.get("overdue_by_owner") or [] if isinstance(o, dict)]
    if owners:
        parts.append(w._("{n} overdue", n=sum(int(o.get("overdue") or 0) for o in owners)))
    repeat = found.get("repeat_rate") or {}
    if isinstance(repeat, dict) and repeat.get("value") is not None:
        parts.append(w._("repeat complaints {share}", share=w.percent(repeat["value"])))
    return w._("; ").join(parts)


def other_registers(paths: ProjectPaths, records: Sequence[CycleRecord],
                    w: Words | None = None) -> Section:
    """One line per feedback and complaint register a cycle's latest baseline run read
    (its ``results.json`` ``feedback`` and ``complaints`` records, written by
    :mod:`pdcakit.stages.registers_page`); nothing when no run read one."""
    from pdcakit.run.resultsfile import ResultsError, latest_run

    w = w or words()
    rows = []
    for record in records:
        try:
            run = latest_run(paths, record.id, "baseline")
        except ResultsError:
            continue  # the cycle's own page names the unreadable run
        raw = dict(run.results.raw) if run is not None and run.results is not None else {}
        for key, line in (("feedback", _feedback_line), ("complaints", _complaints_line)):
            found = raw.get(key)
            if isinstance(found, dict) and found:
                rows.append({w._("Cycle"): record.id,
                             w._("Register"): w._("Feedback") if key == "feedback"
                             else w._("Complaints"),
                             w._("Summary (baseline run)"): line(found, w)})
    return Section(w._("Feedback and complaints"), "", tuple(rows), ("",) * len(rows),
                   tuple(str(r[w._("Cycle")]) for r in rows))


def portfolio_sections(paths: ProjectPaths, records: Sequence[CycleRecord], today: dt.date,
                       language: str = "en") -> list[Section]:
    """The register blocks of the portfolio, in the method's order: supervision, findings,
    holding the gains, other registers (empty blocks left out)."""
    w = words(language)
    sections = [supervision_section(paths, today, w), findings_section(paths, records, w),
                monitor_section(records, today, w), other_registers(paths, records, w)]
    return [s for s in sections if s.rows or s.intro or s.problem]
