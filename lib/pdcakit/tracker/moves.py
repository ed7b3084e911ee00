"""Moving a cycle through Plan, Do, Check, Act: conditions, decisions, follow-ups, status.

Each move checks what the stage needs and says what is missing:

- plan -> do: a successful baseline run (its headline estimate of the aim metric becomes
  ``aim.baseline``);
- do -> check: the change is live: ``data.after`` in the record, or the windows a
  successful compare or efficiency run used (then written to ``data.after``);
- check -> act: a successful compare run;
- act -> closed: a decision (``pdca act``).

"A successful run" is always :func:`pdcakit.run.resultsfile.latest_run`: the newest run
directory whose provenance says succeeded, logged or not; its results are read through
the typed reader, so the tracker and the reviewer pages see the same run.

``act`` records adopt / adapt / abandon with the rationale; adopting makes the after
window the new baseline (``data.new_baseline``, and ``aim.new_baseline`` from the
compare run). ``next_cycle`` opens a linked follow-up that runs as it is: same aim,
data file and mapping, its before window the adopted after window.

>>> missing_for("plan", {"baseline": False})
['a successful baseline run (pdca run CYCLE baseline)']
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdcakit.fileio import create_text
from pdcakit.kpis import KPI_INFO, is_score_kpi
from pdcakit.results import format_value
from pdcakit.run.project import STAGES, ProjectPaths, check_cycle_id
from pdcakit.run.resultsfile import ResultsError, RunRef, WindowsRecord, latest_run
from pdcakit.tracker.record import (
    DECISIONS,
    PHASES,
    CycleError,
    CycleRecord,
    LeaveUnchanged,
    RecordProblem,
    add_log_entry,
    append_log,
    edit_record,
    is_known_metric,
    known_metrics,
    load_all,
    locked_record,
    new_record_text,
    read_cycle,
    record_files,
    revised_text,
)
from pdcakit.words import N_, words

__all__ = [
    "Move",
    "StatusRow",
    "act",
    "advance",
    "baseline_measurement",
    "follow_up_stages",
    "go_live",
    "latest_results",
    "missing_for",
    "monitor_signal_events",
    "new_cycle",
    "next_cycle",
    "readable_periods",
    "repair_run_log",
    "stages_not_ready",
    "stages_to_run",
    "status_rows",
    "workbook_status",
]


def missing_for(stage: str, facts: dict[str, bool], cycle: str = "CYCLE") -> list[str]:
    """What ``stage`` still needs before the cycle can move on (empty: ready); each need
    names the command or the record field that provides it."""
    needs = {
        "plan": [("baseline", f"a successful baseline run (pdca run {cycle} baseline)")],
        "do": [("change_live", f"the change's go-live: data.after: [FIRST DAY, DAY AFTER THE "
                               f"LAST] in pdca/{cycle}.yaml, or a successful compare run "
                               f"given the change date (pdca run {cycle} compare -p "
                               "change_date YYYY-MM-DD)")],
        "check": [("compare", f"a successful compare run (pdca run {cycle} compare)")],
        "act": [("decision", f"a decision (pdca act {cycle} --decision adopt|adapt|abandon "
                             "--note \"why\")")],
        "closed": [("never", f"nothing: the cycle is closed (pdca next {cycle} opens a "
                             "follow-up)")],
    }[stage]
    return [text for key, text in needs if not facts.get(key)]


def go_live(paths: ProjectPaths, record: CycleRecord) -> tuple[list[str], str] | None:
    """The change's after window ``[start, end)`` and where it comes from: the record's
    ``data.after``, else the windows of the latest successful compare (or efficiency)
    run, so a change date given with ``-p`` counts (None: neither)."""
    after = (record.data or {}).get("after") or []
    if after:
        return [_iso(v) for v in after], f"data.after in pdca/{record.id}.yaml"
    for stage in ("compare", "efficiency"):
        windows = _run_windows(latest_run(paths, record.id, stage))
        if windows is not None:
            return windows.after, f"the {stage} run {_run_name(paths, record.id, stage)}"
    return None


def _run_windows(run: RunRef | None) -> WindowsRecord | None:
    return None if run is None or run.results is None else run.results.windows


def _run_name(paths: ProjectPaths, cycle_id: str, stage: str) -> str:
    run = latest_run(paths, cycle_id, stage, read=False)
    return run.name if run is not None else ""


def _iso(value: Any) -> str:
    """A record's date (a YAML date or text) as YYYY-MM-DD."""
    return str(value)[:10]


def _facts(paths: ProjectPaths, record: CycleRecord) -> dict[str, bool]:
    """The evidence each move needs, read from the runs whatever the record's ``stage``
    says (a hand edit moves ``stage``, never the runs)."""
    compare_params = (record.stages.get("compare") or {}).get("parameters") or {}
    return {"baseline": latest_run(paths, record.id, "baseline") is not None,
            "change_live": bool(compare_params.get("change_date") or go_live(paths, record)),
            "compare": latest_run(paths, record.id, "compare") is not None,
            "decision": record.decision is not None, "never": False}


@dataclass(frozen=True)
class Move:
    """The outcome of ``pdca advance``: moved or not, what was missing, what was recorded."""

    cycle: str
    before: str
    after: str
    missing: tuple[str, ...]
    recorded: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        return not self.missing

    @property
    def sentence(self) -> str:
        if self.moved:
            return (f"{self.cycle}: moved from {self.before} to {self.after}."
                    + "".join(f" Recorded {what}." for what in self.recorded)
                    + "".join(f" Note: {note}." for note in self.notes))
        return (f"{self.cycle}: stays in {self.before}; to move to {self.after} it needs "
                + "; ".join(self.missing) + ".")


def advance(paths: ProjectPaths, cycle_id: str) -> Move:
    """Move to the next phase when its conditions hold; the log records the move.

    plan -> do writes the baseline run's estimate to ``aim.baseline``; do -> check
    writes the after window a run used to ``data.after`` when the record has none. The
    conditions are read and the move written under the record's lock, so two ``advance``
    at once make one move each, never the same move twice.
    """
    with edit_record(paths, cycle_id) as data:
        record = read_cycle(paths, cycle_id)  # the state the lock protects
        index = PHASES.index(record.stage)
        target = PHASES[min(index + 1, len(PHASES) - 1)]
        missing = tuple(missing_for(record.stage, _facts(paths, record), cycle_id))
        recorded: list[str] = []
        notes: list[str] = []
        move = Move(cycle_id, record.stage, target, missing)
        if missing:
            raise LeaveUnchanged
        measured = baseline_measurement(paths, record) if record.stage == "plan" else None
        if record.stage == "plan" and measured is None:
            notes.append(_unmeasured(paths, record))
        live = go_live(paths, record) if record.stage == "do" else None
        data["stage"] = target
        if measured is not None:
            if data.get("aim") is None:
                data["aim"] = {}
            kpi, value, unit = measured
            if not data["aim"].get("metric"):
                data["aim"]["metric"] = kpi
                recorded.append(f"aim.metric: {kpi} (the baseline run's headline KPI)")
            data["aim"]["baseline"] = value
            recorded.append(f"aim.baseline: {format_value(value, unit)} ({_kpi_name(kpi)}, "
                            f"baseline run {_run_name(paths, cycle_id, 'baseline')})")
        if live is not None and not (record.data or {}).get("after"):
            window, source = live
            if data.get("data") is None:
                data["data"] = {}
            data["data"]["after"] = window
            recorded.append(f"data.after: [{window[0]}, {window[1]}) from {source}")
        add_log_entry(data, {"event": "advance", "from": record.stage, "to": target})
        move = Move(cycle_id, record.stage, target, missing, tuple(recorded), tuple(notes))
    return move


def _unmeasured(paths: ProjectPaths, record: CycleRecord) -> str:
    """Why a successful baseline run gave no aim.baseline, and what would."""
    metric = str((record.aim or {}).get("metric") or "")
    run = latest_run(paths, record.id, "baseline")
    skipped = run.results.skipped if run is not None and run.results is not None else {}
    why = skipped.get(metric) or skipped.get("stability") or "it has no value for it"
    return (f"aim.baseline stays empty: the baseline run did not measure "
            f"{metric or 'a headline KPI'} ({why}); fix that and rerun pdca run {record.id} "
            "baseline, or write aim.baseline by hand")


def _kpi_name(kpi: str) -> str:
    return KPI_INFO[kpi].name if kpi in KPI_INFO else kpi


def baseline_measurement(paths: ProjectPaths, record: CycleRecord
                         ) -> tuple[str, float, str] | None:
    """(KPI, value, unit) the latest successful baseline run measured for the aim metric:
    its headline estimate, else its ``kpis[aim.metric]`` (runs from before the results
    contract); with no aim metric, the headline KPI. None: no such run or value."""
    run = latest_run(paths, record.id, "baseline")
    if run is None or run.results is None:
        return None
    found = run.results.headline_value(str((record.aim or {}).get("metric") or "") or None)
    if found is None or found[1].value is None:
        return None
    kpi, estimate = found
    return kpi, float(estimate.value), estimate.unit


def latest_results(paths: ProjectPaths, record: CycleRecord, stage: str) -> dict[str, Any] | None:
    """results.json content of the cycle's latest successful run of ``stage`` (None if
    none), checked by the typed reader; prefer :func:`pdcakit.run.resultsfile.latest_run`."""
    run = latest_run(paths, record.id, stage)
    return None if run is None or run.results is None else dict(run.results.raw)


def _chain(paths: ProjectPaths, cycle_id: str) -> list[CycleRecord]:
    """The cycle and the cycles it follows (``previous``), newest first.

    A previous cycle whose record is missing or invalid ends the chain.
    """
    chain: list[CycleRecord] = []
    current: str | None = cycle_id
    while current and current not in {r.id for r in chain}:
        try:
            record = read_cycle(paths, current)
        except (CycleError, ValueError):
            break
        chain.append(record)
        current = record.previous
    return chain


def cycle_events(paths: ProjectPaths, cycle_id: str) -> list[list[str]]:
    """[date, label] of every change going live and every decision, in this cycle and the
    cycles it follows, the supervision finding each answers and the checks done for it
    (:func:`check_events`), the signals ``pdca monitor`` logged for each, and this cycle's
    dated actions, oldest first: the stage notebooks mark them on every time-series chart,
    so nobody types an annotation by hand (a chart marks those inside its periods). The
    labels are in the cycle's language (its record's ``language``). A complaint closed is
    an event of the cycle its case names (the register's optional ``cycle`` column: a case
    escalated to that cycle, :func:`complaint_events`); the other cases, dozens a week, are
    on the pages as time to close and share closed by the deadline."""
    from pdcakit.run.request import cycle_language
    from pdcakit.words import words

    w = words(cycle_language(paths, cycle_id))
    events: list[list[str]] = []
    plan = _readable_plan(paths)
    for record in _chain(paths, cycle_id):
        events += check_events(plan, record, w)
        if record.id == cycle_id:  # this cycle's own dated actions (Life QI's annotations)
            events += [[str(a.due), a.what if a.done else w._("{action} (planned)",
                                                              action=a.what)]
                       for a in record.actions if a.due is not None]
        after = (record.data or {}).get("after") or []
        if after:
            events.append([str(after[0]), w._("{cycle}: change live", cycle=record.id)])
        decision = record.decision or {}
        if decision.get("date") and decision.get("decision"):
            events.append([str(decision["date"]), w._("{cycle}: {decision}", cycle=record.id,
                                                      decision=w._(decision["decision"]))])
        events += monitor_signal_events(record, w)
    events += complaint_events(paths, cycle_id, w)
    return sorted(events)


def complaint_events(paths: ProjectPaths, cycle_id: str, w: Any) -> list[list[str]]:
    """[date, label] of each complaint closed whose case names ``cycle_id`` in the cycle's
    complaint register (``complaints_path`` of its stages, with ``complaints_mapping``);
    none without a register, one without a ``cycle`` column, or one that cannot be read
    (the pages name a broken register; the charts just go without)."""
    from pdcakit.errors import PdcaError
    from pdcakit.registers.loading import load_complaints
    from pdcakit.tracker.record import load_record, stage_parameters

    record = load_record(paths, cycle_id)
    for stage in ("compare", "baseline"):
        params = stage_parameters(dict(record or {}), stage)
        path = str(params.get("complaints_path") or "")
        if path:
            break
    else:
        return []
    from pdcakit.data.inputs import resolve_input

    try:
        cases = load_complaints(resolve_input(path, base=paths.root),
                                params.get("complaints_mapping") or None)
    except (PdcaError, OSError, ValueError):
        return []
    if "cycle" not in cases:
        return []
    mine = cases[(cases["cycle"].astype(str) == cycle_id) & cases["closed_at"].notna()]
    return [[f"{closed:%Y-%m-%d}", w._("complaint {case} closed", case=case)]
            for case, closed in zip(mine["id"], mine["closed_at"], strict=True)]


def _readable_plan(paths: ProjectPaths) -> Any:
    """The supervision plan, or None without a readable one (the pages name a broken
    plan; the charts just go without its events)."""
    from pdcakit.errors import PdcaError
    from pdcakit.tracker.supervision import read_plan

    try:
        return read_plan(paths)
    except PdcaError:
        return None


def check_events(plan: Any, record: CycleRecord, w: Any = None) -> list[list[str]]:
    """[date, label] of the supervision plan's entries tied to ``record``: the finding it
    answers, with the check done that found it and its result; every later check of that
    same check (the verification that the nonconformity is gone); every check done that
    names the cycle (``cycle:`` in its entry, ``pdca check-done --cycle``).

    >>> import datetime as dt
    >>> from pdcakit.tracker.record import CycleRecord
    >>> from pdcakit.tracker.supervision import CheckDone, Finding, SupervisionPlan, Check
    >>> from pdcakit.tracker.supervision import Frequency
    >>> found = Finding("F1", "fcr", dt.date(2026, 1, 30), "FCR 68%")
    >>> plan = SupervisionPlan(None, (Check("fcr", "FCR monitoring", "", Frequency.parse(
    ...     "monthly"), "QA", "FCR >= 74%", done=(
    ...     CheckDone("fcr", dt.date(2026, 1, 30), "fail", "68%", (found,)),
    ...     CheckDone("fcr", dt.date(2026, 2, 27), "pass", "75%"))),))
    >>> check_events(plan, CycleRecord(id="c1", title="t", finding="F1"))
    [['2026-01-30', 'c1: finding F1 (check fcr failed)'], ['2026-02-27', 'c1: check fcr passed']]
    """
    from pdcakit.words import words

    w = w or words("en")
    if plan is None:
        return []
    finding = plan.finding(record.finding) if record.finding else None
    events = []
    for check in plan.checks:
        for done in check.done:
            result = _CHECK_RESULT[done.result]
            if finding is not None and finding in done.findings:
                label = w._("{cycle}: finding {finding} (check {check} {result})",
                            cycle=record.id, finding=finding.id, check=check.id,
                            result=w._(result))
            elif (done.cycle == record.id or (finding is not None and check.id == finding.check
                  and done.date > finding.date)):
                label = w._("{cycle}: check {check} {result}", cycle=record.id, check=check.id,
                            result=w._(result))
            else:
                continue
            events.append([done.date.isoformat(), label])
    return sorted(events)


#: A check done's result as its event says it.
_CHECK_RESULT = {"pass": N_("passed"), "fail": N_("failed")}


def monitor_signal_events(record: CycleRecord, w: Any = None) -> list[list[str]]:
    """[date, label] of each period ``pdca monitor`` logged a signal on for ``record`` (the
    period's start and its rules), once per date however many runs saw it; the label in
    ``w``'s language (English by default).

    >>> from pdcakit.tracker.record import CycleRecord
    >>> monitor_signal_events(CycleRecord(id="c1", title="t", log=(
    ...     {"event": "monitor", "signals": [{"date": "2026-07-27", "rule": "shift of 7"}]},
    ...     {"event": "monitor", "signals": [{"date": "2026-07-27", "rule": "shift of 7"},
    ...                                      {"date": "2026-07-27", "rule": "trend"}]})))
    [['2026-07-27', 'c1: monitor signal (shift of 7, trend)']]
    """
    from pdcakit.words import words

    w = w or words("en")
    rules: dict[str, list[str]] = {}
    for entry in record.log:
        if entry.get("event") != "monitor" or not isinstance(entry.get("signals"), list):
            continue
        for signal in entry["signals"]:
            if isinstance(signal, dict) and signal.get("date"):
                found = rules.setdefault(str(signal["date"])[:10], [])
                if str(signal.get("rule", "")) not in found:
                    found.append(str(signal.get("rule", "")))
    return [[day, w._("{cycle}: monitor signal ({rules})", cycle=record.id,
                      rules=", ".join(w._(name) for name in names))]
            for day, names in sorted(rules.items())]


def cycle_rebases(paths: ProjectPaths, cycle_id: str) -> list[list[str]]:
    """[date, cycle, reason] for each earlier cycle in the chain whose change was adopted:
    the baseline chart starts new limits where that change went live, and says why."""
    rebases = []
    for record in _chain(paths, cycle_id)[1:]:
        decision = record.decision or {}
        after = (record.data or {}).get("after") or []
        if decision.get("decision") == "adopt" and after:
            idea = " ".join(str(record.change_idea or record.title).split())
            reason = f"adopted {decision.get('date', '')}: {idea[:90]}".replace(" :", ":")
            rebases.append([str(after[0]), record.id, reason])
    return sorted(rebases)


def predict(paths: ProjectPaths, cycle_id: str, entry: dict[str, Any],
            today: dt.date | None = None) -> str:
    """Add a checkable prediction, stamped with today's date, the git commit and its fingerprint.

    Predictions belong to Plan: adding one after the after window has begun is
    allowed but the cycle page will flag it.
    """
    from pdcakit.run.runner import git_state
    from pdcakit.tracker.predictions import Prediction

    record = read_cycle(paths, cycle_id)
    segment = entry.get("segment")
    if segment is not None:
        column, _, value = str(segment).partition("=")
        if not (column.strip() and value.strip()):
            raise CycleError(f"--segment {segment!r}: write COLUMN=VALUE, both named, e.g. "
                             "channel=email")
    if entry.get("kpi") not in KPI_INFO and not is_score_kpi(str(entry.get("kpi") or "")):
        raise CycleError(f"unknown KPI {entry.get('kpi')!r}: use a key such as "
                         f"{', '.join(sorted(KPI_INFO)[:8])}, ...")
    commit = git_state(paths.root).get("commit")
    prediction = Prediction.from_entry({**entry, "written": today or dt.date.today(),
                                        "commit": commit[:12] if commit else None},
                                       len(record.predictions))
    with edit_record(paths, cycle_id) as data:
        if not isinstance(data.get("predictions"), list):
            data["predictions"] = []
        data["predictions"].append(prediction.as_entry())
        add_log_entry(data, {"event": "prediction", "statement": prediction.statement})
    return f"{cycle_id}: prediction recorded: {prediction.statement}."


def act(paths: ProjectPaths, cycle_id: str, decision: str, note: str) -> str:
    """Record adopt / adapt / abandon with its rationale; adopt sets the new baseline.

    The same evidence as ``advance`` gates it: a decision needs what check -> act needs
    (a successful compare run), read from the runs whether the record says check or act
    (a record hand-edited to ``stage: act`` gets no decision without one); a closed cycle
    takes no new decision. The gate is
    read and the decision written under the record's lock.
    """
    if decision not in DECISIONS:
        raise CycleError(f"decision {decision!r}: use one of {', '.join(DECISIONS)}")
    if not note.strip():
        raise CycleError(f"give the rationale: pdca act {cycle_id} --decision {decision} "
                         "--note \"why\" (a reviewer reads why, not just what)")
    today = dt.date.today().isoformat()
    said = f"{cycle_id}: decision {decision} recorded."
    with edit_record(paths, cycle_id) as data:
        record = read_cycle(paths, cycle_id)  # the state the lock protects
        if record.stage not in ("check", "act"):
            raise CycleError(f"{cycle_id} is in {record.stage}: decide in check or act (run "
                             f"pdca run {cycle_id} compare, then pdca advance {cycle_id})")
        missing = missing_for("check", _facts(paths, record), cycle_id)
        if missing:
            raise CycleError(f"{cycle_id}: no decision without the Check's evidence: it "
                             f"needs {'; '.join(missing)}")
        data["decision"] = {"decision": decision, "date": today, "rationale": note}
        data["stage"] = "act"
        add_log_entry(data, {"event": "decision", "decision": decision})
        if decision == "adopt":
            after_window = [_iso(v) for v in (record.data or {}).get("after") or []]
            if not after_window:  # the go-live came from a run's parameters
                windows = _run_windows(latest_run(paths, cycle_id, "compare"))
                after_window = windows.after if windows is not None else []
            if after_window:
                data.setdefault("data", {})["new_baseline"] = after_window
            measured = _after_value(paths, record)
            if measured is not None:
                kpi, value, unit = measured
                if data.get("aim") is None:
                    data["aim"] = {}
                data["aim"]["new_baseline"] = value
                said += f" New baseline for {kpi}: {format_value(value, unit)}."
    return said


def _after_value(paths: ProjectPaths, record: CycleRecord) -> tuple[str, float, str] | None:
    """(KPI, value, unit) of the aim metric after the change, from the latest successful
    compare run (with no aim metric: its headline KPI)."""
    run = latest_run(paths, record.id, "compare")
    if run is None or run.results is None:
        return None
    found = run.results.headline_value(str((record.aim or {}).get("metric") or "") or None)
    if found is None or found[1].value is None:
        return None
    return found[0], float(found[1].value), found[1].unit


def new_cycle(paths: ProjectPaths, cycle_id: str, **fields: Any) -> Path:
    """Write a new commented record; refuses to overwrite an existing one.

    The whole record is built and checked first (:func:`new_record_text`: a blank title,
    a target that is not a finite number, text that is not UTF-8 are refused with nothing
    written), then created exclusively (:func:`pdcakit.fileio.create_text`): two ``pdca
    new`` with one id give one record and one error, never one silently replacing the
    other.
    """
    check_cycle_id(cycle_id)
    metric = fields.get("metric") or ""
    if metric and not is_known_metric(metric):
        raise CycleError(f"unknown metric {metric!r}: use a KPI key such as "
                         f"{', '.join(sorted(known_metrics())[:8])}, ...")
    from pdcakit.run.workbook_settings import workbook_language

    return _create_record(paths, cycle_id, new_record_text(
        cycle_id, language=workbook_language(paths), **fields))


def _create_record(paths: ProjectPaths, cycle_id: str, text: str) -> Path:
    """Create ``pdca/<cycle_id>.yaml`` holding ``text`` (checked already), exclusively."""
    path = paths.record(cycle_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked_record(paths, cycle_id):
        try:
            create_text(path, text)
        except FileExistsError:
            raise CycleError(f"{path} already exists: edit it, or pick another id (pdca new "
                             f"OTHER-ID --title \"...\")") from None
    return path


#: Stage parameters a follow-up does not copy: the record's aim and data blocks own them
#: (the runner derives them), or they describe the earlier cycle's change itself.
_NOT_COPIED = frozenset({
    "data_path", "mapping", "start", "end", "before", "after", "change_date",
    "weeks_before", "weeks_after", "headline_kpi", "target_value", "target_direction",
    "cycle_events", "rebases", "results_path",
    "training_path", "steps_path", "investment",  # the earlier change's own tables and cost
})


def follow_up_stages(record: CycleRecord) -> dict[str, dict[str, Any]]:
    """The stage blocks a follow-up of ``record`` starts with: the same stages with their
    stage-specific extras (period, SLA thresholds, segment column, survey tables ...),
    without what the aim and data blocks own or what describes the earlier change.

    >>> from pdcakit.tracker.record import CycleRecord
    >>> follow_up_stages(CycleRecord(id="c1", title="t", aim={"metric": "fcr"}, stages={
    ...     "compare": {"parameters": {"change_date": "2026-04-06", "period": "M",
    ...                                "targets": {"fcr": 0.74, "aht": 9.0}}}}))
    {'compare': {'parameters': {'period': 'M', 'targets': {'aht': 9.0}}}}
    """
    metric = (record.aim or {}).get("metric")
    out: dict[str, dict[str, Any]] = {}
    for stage in STAGES:
        if stage not in (record.stages or {}):
            continue
        given = dict(((record.stages or {}).get(stage) or {}).get("parameters") or {})
        kept = {k: v for k, v in given.items() if k not in _NOT_COPIED}
        if isinstance(kept.get("targets"), dict):
            kept["targets"] = {k: v for k, v in kept["targets"].items() if k != metric}
            if not kept["targets"]:
                del kept["targets"]
        out[stage] = {"parameters": kept}
    return out


def next_cycle(paths: ProjectPaths, cycle_id: str, new_id: str | None = None) -> Path:
    """Open a follow-up cycle linked to ``cycle_id``, written so that it runs as it is.

    It keeps the aim (metric, direction, target), the data file and mapping and the
    stages' own parameters (:func:`follow_up_stages`); its before window is the adopted
    after window (``data.new_baseline``, else ``data.after``, else the compare run's)
    and its ``aim.baseline`` the value measured there; the after window is left empty
    for the next change.
    """
    record = read_cycle(paths, cycle_id)
    if record.decision is None:
        raise CycleError(f"{cycle_id} has no decision yet: record it first with pdca act "
                         f"{cycle_id} --decision adopt|adapt|abandon --note \"why\"")
    new_id = check_cycle_id(new_id) if new_id else _next_id(paths, cycle_id)
    aim = record.aim or {}
    block = record.data or {}
    before = block.get("new_baseline") or block.get("after")
    if not before:
        windows = _run_windows(latest_run(paths, cycle_id, "compare"))
        before = windows.after if windows is not None else []
    baseline = aim.get("new_baseline")
    if baseline is None:
        measured = _after_value(paths, record)
        baseline = measured[1] if measured is not None else aim.get("baseline")
    stages = follow_up_stages(record)

    def fill(data: Any) -> None:
        data["aim"]["baseline"] = baseline
        data["data"]["tickets"] = str(block.get("tickets") or "")
        data["data"]["mapping"] = block.get("mapping") or None
        data["data"]["before"] = [_iso(v) for v in before]
        data["data"]["after"] = []
        if stages:
            data["stages"] = stages

    text = new_record_text(new_id, title=f"Follow-up of {record.title}",
                           metric=str(aim.get("metric") or ""), target=aim.get("target"),
                           direction=str(aim.get("direction") or "higher"),
                           owner=record.owner, previous=cycle_id)
    path = _create_record(paths, new_id, revised_text(
        text, fill, f"cycle {new_id} not created: the follow-up of {cycle_id} would be "
        "invalid"))
    append_log(paths, cycle_id, {"event": "next", "cycle": new_id})
    return path


def _next_id(paths: ProjectPaths, cycle_id: str) -> str:
    stem, _, number = cycle_id.rpartition("-")
    base, n = (stem, int(number) + 1) if number.isdigit() and stem else (cycle_id, 2)
    while paths.record(f"{base}-{n}").exists():
        n += 1
    return check_cycle_id(f"{base}-{n}")


def _listed_stages(record: CycleRecord) -> list[str]:
    """Stages named under ``stages:`` (parameters may be empty: the aim and data blocks
    feed every stage); none named but a data file given: every stage."""
    listed = [stage for stage in STAGES if stage in (record.stages or {})]
    if not listed and (record.data or {}).get("tickets"):
        listed = list(STAGES)
    return listed


def stages_not_ready(record: CycleRecord, given: dict[str, Any] | None = None
                     ) -> dict[str, str]:
    """Listed stages that cannot run yet, each with what would let it: compare and
    efficiency need the change's after window (``data.after``, or ``change_date`` /
    ``after`` in the stage's parameters or in ``given``, the command line's)."""
    waiting = {}
    for stage in _listed_stages(record):
        if stage == "baseline" or (record.data or {}).get("after"):
            continue
        params = {**(((record.stages or {}).get(stage) or {}).get("parameters") or {}),
                  **(given or {})}
        if stage == "efficiency" and params.get("data_path") == "":
            continue  # the step table alone: no windows to select
        if not (params.get("change_date") or params.get("after")):
            waiting[stage] = (f"no after window yet: set data.after: [FIRST DAY, DAY AFTER THE "
                              f"LAST] in pdca/{record.id}.yaml, or pdca run {record.id} "
                              f"{stage} -p change_date YYYY-MM-DD")
    return waiting


def stages_to_run(record: CycleRecord, given: dict[str, Any] | None = None) -> list[str]:
    """Stages ``pdca run ID --all`` runs, in PDCA order: those named under ``stages:``
    (every stage when none is named and ``data.tickets`` is set), less those
    :func:`stages_not_ready` holds back."""
    waiting = stages_not_ready(record, given)
    return [stage for stage in _listed_stages(record) if stage not in waiting]


@dataclass(frozen=True)
class StatusRow:
    """One line of ``pdca list`` / ``pdca status``."""

    id: str
    title: str
    stage: str
    owner: str
    days_in_stage: int | None
    last_run: str
    last_run_status: str
    headline: str
    overdue_actions: int
    decision: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_PERIOD_REPR = re.compile(
    r"Period\('(?P<start>\d{4}-\d{2}-\d{2})/\d{4}-\d{2}-\d{2}', 'W-[A-Z]{3}'\)"
    r"|Period\('(?P<month>\d{4}-\d{2})', 'M'\)"
    r"|Period\('(?P<day>\d{4}-\d{2}-\d{2})', 'D'\)"
    r"|Period\('(?P<year>\d{4})Q(?P<quarter>[1-4])', 'Q-[A-Z]{3}'\)"
    r"|Timestamp\('(?P<stamp>\d{4}-\d{2}-\d{2})(?: 00:00:00)?'\)")


def _words_for_period(match: re.Match[str]) -> str:
    def day(text: str) -> str:
        when = dt.date.fromisoformat(text)
        return f"{when.day} {when:%b %Y}"

    if match["start"]:
        return f"week of {day(match['start'])}"
    if match["month"]:
        return f"{dt.date.fromisoformat(match['month'] + '-01'):%b %Y}"
    if match["day"] or match["stamp"]:
        return day(match["day"] or match["stamp"])
    return f"Q{match['quarter']} {match['year']}"


def readable_periods(text: str) -> str:
    """``text`` with pandas' period and timestamp reprs, which a stage's sentence may
    carry, in the words a manager reads.

    >>> readable_periods("above the limit in Period('2016-03-28/2016-04-03', 'W-SUN')")
    'above the limit in week of 28 Mar 2016'
    >>> readable_periods("Period('2016-03', 'M') and Period('2016Q2', 'Q-DEC')")
    'Mar 2016 and Q2 2016'
    """
    return _PERIOD_REPR.sub(_words_for_period, text) if "(" in text else text


def _headline(paths: ProjectPaths, record: CycleRecord, w: Any = None) -> str:
    """The compare run's verdict on the aim metric, else the baseline run's value, with
    periods in words (:func:`readable_periods`), in ``w``'s language (default English)."""
    return readable_periods(_run_headline(paths, record, w or words()))


def _run_headline(paths: ProjectPaths, record: CycleRecord, w: Any) -> str:
    metric = str((record.aim or {}).get("metric") or "")
    try:
        compared = latest_run(paths, record.id, "compare")
        if compared is not None and compared.results is not None:
            change = compared.results.changes.get(
                metric or (compared.results.headline.kpi if compared.results.headline else ""))
            if change is not None:
                return w.reword(change.headline)
        measured = baseline_measurement(paths, record)
    except ResultsError as exc:
        return w._("results unreadable: {why}", why=exc)
    if measured is None:
        return ""
    kpi, value, unit = measured
    return w._("Baseline {kpi}: {value}", kpi=w._(_kpi_name(kpi)),
               value=format_value(value, unit) if w.english else w.value(value, unit))


#: Final run statuses (a run still ``running`` is another command's to log).
_ENDED = ("succeeded", "failed", "incomplete")


def repair_run_log(paths: ProjectPaths, cycle_id: str | None = None) -> list[str]:
    """Log the runs whose command died after the run ended but before its log entry.

    Reads each run directory's provenance; a run with a final status that the record's
    log does not name gets its entry now (one edit per cycle, under the lock; the entry
    says it was logged late). Returns the run directories logged.
    """
    from pdcakit.run.resultsfile import read_provenance

    cycles = [check_cycle_id(cycle_id)] if cycle_id else [
        cycle for cycle, _ in record_files(paths)]
    repaired: list[str] = []
    for cycle in cycles:
        folder = paths.runs / cycle
        if not folder.is_dir() or not paths.record(cycle).is_file():
            continue
        found = []
        for prov_path in sorted(folder.glob("*/*/provenance.json")):
            status = (read_provenance(prov_path.parent) or {}).get("status")
            if status in _ENDED:
                found.append((prov_path.parent, status))
        if not found:
            continue
        try:
            logged = {str(e.get("run_dir")) for e in read_cycle(paths, cycle).log}
        except CycleError:
            continue  # an unreadable record is reported by the command that reads it
        missing = [(d, st) for d, st in found
                   if d.relative_to(paths.root).as_posix() not in logged]
        if missing:
            append_log(paths, cycle, *({
                "event": "run", "stage": run_dir.parent.name, "status": status,
                "run_dir": run_dir.relative_to(paths.root).as_posix(),
                "note": "logged late: the command that ran it stopped before logging it"}
                for run_dir, status in missing))
            repaired += [d.relative_to(paths.root).as_posix() for d, _ in missing]
    return repaired


def workbook_status(paths: ProjectPaths, cycle_id: str | None = None,
                    today: dt.date | None = None, language: str = "en"
                    ) -> tuple[list[StatusRow], list[RecordProblem]]:
    """Status rows of one cycle (its record must be readable: CycleError otherwise) or
    of every record in ``pdca/``, with a problem naming the file of each record that
    cannot be read: one bad file never hides the others (:func:`load_all`).

    The last run and the headline are worded in ``language`` (the portfolio and the
    terminal pass the workbook's; ``pdca status --json`` keeps English); the stage, the
    run's status and the decision stay the record's keys (worded by
    :mod:`pdcakit.tracker.statusview`)."""
    from pdcakit.tracker.statusview import last_run_text

    w = words(language)
    if cycle_id:
        found, problems = [read_cycle(paths, cycle_id)], []
    else:
        found, problems = load_all(paths)
    rows = []
    for record in found:
        last = record.last_run()
        rows.append(StatusRow(
            id=record.id, title=record.title, stage=record.stage, owner=record.owner,
            days_in_stage=record.days_in_stage(today),
            last_run=last_run_text(last, w),
            last_run_status=str(last.get("status", "")) if last else "",
            headline=_headline(paths, record, w),
            overdue_actions=len(record.overdue_actions(today)),
            decision=str((record.decision or {}).get("decision", "")),
        ))
    return rows, problems


def status_rows(paths: ProjectPaths, cycle_id: str | None = None,
                today: dt.date | None = None, language: str = "en") -> list[StatusRow]:
    """Status of one cycle or of every readable record in ``pdca/``
    (:func:`workbook_status` without its problems)."""
    return workbook_status(paths, cycle_id, today, language)[0]
