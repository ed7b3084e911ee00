"""Moving a cycle through Plan, Do, Check, Act: conditions, decisions, follow-ups, status.

Each move checks what the stage needs and says what is missing:

- plan -> do: a successful baseline run (its value of the aim metric becomes
  ``aim.baseline``);
- do -> check: the change is live (an after window or a change date in the record);
- check -> act: a successful compare run;
- act -> closed: a decision (``pdca act``).

``act`` records adopt / adapt / abandon with the rationale; adopting makes the after
window the new baseline (``data.new_baseline``, and ``aim.new_baseline`` from the
compare run). ``next_cycle`` opens a linked follow-up whose before window is that baseline.

>>> missing_for("plan", {"baseline": False})
['a successful baseline run (pdca run CYCLE baseline)']
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cycle import (
    DECISIONS,
    PHASES,
    CycleError,
    CycleRecord,
    add_log_entry,
    append_log,
    edit_record,
    new_record_text,
    read_cycle,
)
from .fileio import atomic_write_text
from .kpis import KPI_INFO
from .project import STAGES, ProjectPaths, check_cycle_id
from .results import format_value

__all__ = ["Move", "StatusRow", "act", "advance", "latest_results", "missing_for",
           "new_cycle", "next_cycle", "stages_to_run", "status_rows"]


def missing_for(stage: str, facts: dict[str, bool]) -> list[str]:
    """What ``stage`` still needs before the cycle can move on (empty: ready)."""
    needs = {
        "plan": [("baseline", "a successful baseline run (pdca run CYCLE baseline)")],
        "do": [("change_live", "the change's go-live: data.after or "
                               "stages.compare.parameters.change_date in the record")],
        "check": [("compare", "a successful compare run (pdca run CYCLE compare)")],
        "act": [("decision", "a decision (pdca act CYCLE --decision adopt|adapt|abandon "
                             "--note ...)")],
        "closed": [("never", "nothing: the cycle is closed (pdca next CYCLE opens a follow-up)")],
    }[stage]
    return [text for key, text in needs if not facts.get(key)]


def _facts(record: CycleRecord) -> dict[str, bool]:
    compare_params = (record.stages.get("compare") or {}).get("parameters") or {}
    return {"baseline": record.last_run("baseline", succeeded=True) is not None,
            "change_live": bool(record.data.get("after") or compare_params.get("change_date")),
            "compare": record.last_run("compare", succeeded=True) is not None,
            "decision": record.decision is not None, "never": False}


@dataclass(frozen=True)
class Move:
    """The outcome of ``pdca advance``: moved or not, and what was missing."""

    cycle: str
    before: str
    after: str
    missing: tuple[str, ...]

    @property
    def moved(self) -> bool:
        return not self.missing

    @property
    def sentence(self) -> str:
        if self.moved:
            return f"{self.cycle}: moved from {self.before} to {self.after}."
        return (f"{self.cycle}: stays in {self.before}; to move to {self.after} it needs "
                + "; ".join(self.missing) + ".")


def advance(paths: ProjectPaths, cycle_id: str) -> Move:
    """Move to the next phase when its conditions hold; the log records the move."""
    record = read_cycle(paths, cycle_id)
    index = PHASES.index(record.stage)
    target = PHASES[min(index + 1, len(PHASES) - 1)]
    missing = tuple(missing_for(record.stage, _facts(record)))
    if not missing:
        measured = _baseline_value(paths, record) if record.stage == "plan" else None
        with edit_record(paths, cycle_id) as data:
            data["stage"] = target
            if measured is not None and data.get("aim") is not None:
                data["aim"]["baseline"] = measured
            add_log_entry(data, {"event": "advance", "from": record.stage, "to": target})
    return Move(cycle_id, record.stage, target, missing)


def _baseline_value(paths: ProjectPaths, record: CycleRecord) -> float | None:
    """The aim metric's value in the latest successful baseline run, if it has one."""
    metric = (record.aim or {}).get("metric")
    kpi = ((latest_results(paths, record, "baseline") or {}).get("kpis") or {}).get(metric)
    return float(kpi["value"]) if isinstance(kpi, dict) and kpi.get("value") is not None \
        else None


def latest_results(paths: ProjectPaths, record: CycleRecord, stage: str) -> dict[str, Any] | None:
    """results.json of the cycle's latest successful run of ``stage`` (None if none)."""
    run = record.last_run(stage, succeeded=True)
    candidates = []
    if run and run.get("run_dir"):
        candidates.append(paths.root / str(run["run_dir"]) / "results.json")
    # Runs made without the command line are not in the log: fall back to runs/.
    candidates += sorted((paths.runs / record.id / stage).glob("*/results.json"), reverse=True)
    for path in candidates:
        provenance = path.parent / "provenance.json"
        if path.exists() and (not provenance.exists() or json.loads(
                provenance.read_text(encoding="utf-8")).get("status") == "succeeded"):
            return json.loads(path.read_text(encoding="utf-8"))
    return None


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
    cycles it follows, oldest first: the stage notebooks mark them on every time-series
    chart, so nobody types an annotation by hand."""
    events: list[list[str]] = []
    for record in _chain(paths, cycle_id):
        after = (record.data or {}).get("after") or []
        if after:
            events.append([str(after[0]), f"{record.id}: change live"])
        decision = record.decision or {}
        if decision.get("date") and decision.get("decision"):
            events.append([str(decision["date"]), f"{record.id}: {decision['decision']}"])
    return sorted(events)


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
    from .predictions import Prediction
    from .runner import git_state

    record = read_cycle(paths, cycle_id)
    if entry.get("kpi") not in KPI_INFO:
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
    """Record adopt / adapt / abandon with its rationale; adopt sets the new baseline."""
    if decision not in DECISIONS:
        raise CycleError(f"decision {decision!r}: use one of {', '.join(DECISIONS)}")
    if not note.strip():
        raise CycleError("give the rationale with --note: a reviewer reads why, not just what")
    record = read_cycle(paths, cycle_id)
    if record.stage not in ("check", "act"):
        raise CycleError(f"{cycle_id} is in {record.stage}: decide in check or act (run "
                         "compare and `pdca advance` first)")
    today = dt.date.today().isoformat()
    said = f"{cycle_id}: decision {decision} recorded."
    with edit_record(paths, cycle_id) as data:
        data["decision"] = {"decision": decision, "date": today, "rationale": note}
        data["stage"] = "act"
        add_log_entry(data, {"event": "decision", "decision": decision})
        if decision == "adopt":
            after_window = list((record.data or {}).get("after") or [])
            if after_window:
                data.setdefault("data", {})["new_baseline"] = after_window
            compared = latest_results(paths, record, "compare") or {}
            metric = (record.aim or {}).get("metric")
            kpi = (compared.get("kpis") or {}).get(metric) if metric else None
            if kpi and kpi.get("after", {}).get("value") is not None:
                data["aim"]["new_baseline"] = float(kpi["after"]["value"])
                said += (f" New baseline for {metric}: "
                         f"{format_value(kpi['after']['value'], kpi.get('unit', ''))}.")
    return said


def new_cycle(paths: ProjectPaths, cycle_id: str, **fields: Any) -> Path:
    """Write a new commented record; refuses to overwrite an existing one."""
    path = paths.record(check_cycle_id(cycle_id))
    if path.exists():
        raise CycleError(f"{path} already exists: pick another id or edit it")
    metric = fields.get("metric") or ""
    if metric and metric not in KPI_INFO:
        raise CycleError(f"unknown metric {metric!r}: use a KPI key such as "
                         f"{', '.join(sorted(KPI_INFO)[:8])}, ...")
    atomic_write_text(path, new_record_text(cycle_id, **fields))
    read_cycle(paths, cycle_id)  # the template must validate
    return path


def next_cycle(paths: ProjectPaths, cycle_id: str, new_id: str | None = None) -> Path:
    """Open a follow-up cycle linked to ``cycle_id``; its before window is the new baseline."""
    record = read_cycle(paths, cycle_id)
    if record.decision is None:
        raise CycleError(f"{cycle_id} has no decision yet: record it with pdca act first")
    new_id = new_id or _next_id(paths, cycle_id)
    aim = record.aim or {}
    path = new_cycle(paths, new_id, title=f"Follow-up of {record.title}",
                     metric=str(aim.get("metric") or ""), target=aim.get("target"),
                     direction=str(aim.get("direction") or "higher"), owner=record.owner,
                     previous=cycle_id)
    with edit_record(paths, new_id) as data:
        data["aim"]["baseline"] = aim.get("new_baseline", aim.get("baseline"))
        new_before = (record.data or {}).get("new_baseline") or (record.data or {}).get("after")
        if new_before:
            data["data"]["before"] = list(new_before)
        data["data"]["tickets"] = (record.data or {}).get("tickets") or ""
    append_log(paths, cycle_id, {"event": "next", "cycle": new_id})
    return path


def _next_id(paths: ProjectPaths, cycle_id: str) -> str:
    stem, _, number = cycle_id.rpartition("-")
    base, n = (stem, int(number) + 1) if number.isdigit() and stem else (cycle_id, 2)
    while paths.record(f"{base}-{n}").exists():
        n += 1
    return check_cycle_id(f"{base}-{n}")


def stages_to_run(record: CycleRecord) -> list[str]:
    """Stages the record has parameters for, in PDCA order (for ``pdca run ID --all``)."""
    return [stage for stage in STAGES if (record.stages.get(stage) or {}).get("parameters")]


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


def _headline(paths: ProjectPaths, record: CycleRecord) -> str:
    metric = (record.aim or {}).get("metric")
    compared = latest_results(paths, record, "compare")
    if compared and metric in (compared.get("kpis") or {}):
        return str(compared["kpis"][metric].get("sentence", ""))
    baseline = latest_results(paths, record, "baseline")
    if baseline and metric in (baseline.get("kpis") or {}):
        kpi = baseline["kpis"][metric]
        return f"Baseline {kpi.get('name', metric)}: {format_value(kpi['value'], kpi['unit'])}"
    return ""


def status_rows(paths: ProjectPaths, cycle_id: str | None = None,
                today: dt.date | None = None) -> list[StatusRow]:
    """Status of one cycle or of every record in ``pdca/`` (invalid ones raise)."""
    ids = [cycle_id] if cycle_id else sorted(p.stem for p in paths.records.glob("*.yaml"))
    rows = []
    for cid in ids:
        record = read_cycle(paths, cid)
        last = record.last_run()
        rows.append(StatusRow(
            id=cid, title=record.title, stage=record.stage, owner=record.owner,
            days_in_stage=record.days_in_stage(today),
            last_run=f"{last['stage']} on {last['date']}" if last else "",
            last_run_status=str(last.get("status", "")) if last else "",
            headline=_headline(paths, record),
            overdue_actions=len(record.overdue_actions(today)),
            decision=str((record.decision or {}).get("decision", "")),
        ))
    return rows
