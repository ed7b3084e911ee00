"""The ``pdca`` command line: a thin layer over runner, cycle and project.

Exit status (also in ``pdca --help`` and the README):

0  success
1  a run failed: its notebook stopped in a cell (the run directory is kept and
   marked failed, the error is printed)
2  bad usage or bad input, found before anything ran: an unknown or ill-typed
   parameter, a missing file, a mapping or column problem, a window outside the
   data, an invalid cycle id or record (every problem is listed with its fix);
   also ``pdca list``, ``status`` and ``report`` when a record cannot be read (the
   others are shown, the file of each unreadable one is named)
3  the cycle cannot move yet (``pdca advance``: what is missing is printed)
4  the workbook could not be written: a disk full, a read-only folder, no
   permission (the file and the fix are named; nothing half-written is left)
5  ``pdca monitor``: a special-cause signal on the new data of an adopted cycle
   (each printed with its period, rule and side, and logged): on the worse side the
   gain may be slipping, on the better side the process has moved on.
   Not an error, so a scheduler (cron, CI, Airflow) can tell it from 1, 2 and 4

Examples::

    pdca init quality-workbook
    pdca demo
    pdca new email-2026 --title "Faster email replies" --metric first_response_time \
        --direction lower --target 180
    pdca list --json
    pdca run demo-helpdesk baseline -p period M -p alpha 0.01
    pdca run demo-helpdesk --all
    pdca check-data exports/cases.csv -p mapping my_mapping.yaml
    pdca advance demo-helpdesk
    pdca predict demo-helpdesk --kpi fcr --direction rise --size 3 --unit points
    pdca act demo-helpdesk --decision adopt --note "FCR up 6 points, target met"
    pdca report
    pdca check-done fcr-monitoring --result fail --note "FCR 68%" --finding "below 74%"
    pdca new fcr-2027 --from-finding F1 --metric fcr
    pdca monitor demo-helpdesk --data exports/since-adoption.csv
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import json
import math
import os
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

from pdcakit import __version__
from pdcakit.errors import PdcaError
from pdcakit.run.engine import SharedKernel, plan_kernels
from pdcakit.run.params import ParameterError, declared_parameters
from pdcakit.run.preflight import PreflightError, check_run
from pdcakit.run.project import STAGES, ProjectPaths
from pdcakit.run.request import build_request, cycle_language
from pdcakit.run.runner import (
    RunResult,
    execute_run,
    finish_run,
    free_ports,
    last_durations,
    mark_abandoned_runs,
    run_stage,
)
from pdcakit.run.startup import skip_unused_optional_imports
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import (
    CycleError,
    RecordProblem,
    append_log,
    load_all,
    load_record,
    read_cycle,
)

__all__ = ["main"]

DEMO_CYCLE = "demo-helpdesk"
#: The stages ``pdca demo`` runs, in PDCA order.
DEMO_STAGES = ("baseline", "compare", "efficiency")
EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE, EXIT_NOT_READY, EXIT_CANNOT_WRITE = 0, 1, 2, 3, 4
#: ``pdca monitor``: a rule fired on the new data (not an error; see the module docstring).
EXIT_SIGNAL = 5
#: ``-p`` options of ``pdca check-data`` besides ``mapping`` (load_tickets' keywords).
CHECK_DATA_OPTIONS = ("on_duplicate", "snapshot", "timezone", "dayfirst", "date_format",
                      "encoding", "delimiter", "sheet", "lenient_quotes")
EXIT_STATUS_HELP = """exit status:
  0  success
  1  a run failed (its notebook stopped in a cell; the run directory is kept, marked failed)
  2  bad usage or bad input found before anything ran (each problem listed with its fix);
     pdca list / status / report: a record could not be read (named; the others shown)
  3  the cycle cannot move yet (pdca advance prints what is missing)
  4  the workbook could not be written (disk full, read-only folder, no permission)
  5  pdca monitor: a special-cause signal on the new data (each printed with its side:
     worse, the gain may be slipping; better, the process moved on)"""
DEMO_DECISION = ("FCR rose about 6 points with the knowledge base and email triage, the 74% "
                 "target is met with enough data, and no KPI got worse: adopt as standard work.")


def _print_run(result: RunResult, root: Path) -> None:
    def rel(path: Path | None) -> str:
        if path is None:
            return "(not written)"
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    if result.ok:
        seconds = f" in {result.duration_seconds:.1f} s" if result.duration_seconds else ""
        print(f"{result.cycle} / {result.stage}: succeeded{seconds}")
    else:
        print(f"{result.cycle} / {result.stage}: FAILED: {_shown_lines(result.error or '')}")
    print(f"  notebook : {rel(result.notebook)}")
    print(f"  HTML     : {rel(result.html)}")
    print(f"  results  : {rel(result.results)}")
    print(f"  run dir  : {rel(result.run_dir)}")


def _report_abandoned(paths: ProjectPaths, cycle: str | None = None) -> None:
    """Mark and name runs whose process died mid-way, and log runs whose command died
    before logging them (on stderr: stdout may be JSON)."""
    try:
        for run_dir in mark_abandoned_runs(paths, cycle):
            print(f"note: an earlier run never finished and is now marked incomplete: "
                  f"{run_dir.relative_to(paths.root)}", file=sys.stderr)
        for run_dir in tracker.repair_run_log(paths, cycle):
            print(f"note: logged an earlier run its command did not log: {run_dir}",
                  file=sys.stderr)
    except OSError as exc:  # housekeeping must not stop `pdca status` on a full disk
        print(f"note: could not tidy earlier runs ({_why_not_written(exc)}); "
              "they are left as they are", file=sys.stderr)


def _prepare(paths: ProjectPaths, cycle: str, stage: str, cli_params: dict[str, str],
             data: str | None, base: Path) -> dict[str, object]:
    """The run's parameters (record facts, stage parameters, then the command line; paths
    absolute), checked before any kernel runs: PreflightError lists every problem."""
    declared = declared_parameters(paths.template(stage))
    writable = paths.runs if paths.runs.exists() else paths.root
    if not os.access(writable, os.W_OK):  # exit 4, as `pdca report` says it
        raise PermissionError(errno.EACCES, "the folder is not writable, so the run could "
                              "not be kept", str(writable))
    extra: dict[str, object] = {}
    if load_record(paths, cycle) is not None:
        if "cycle_events" in declared:
            extra["cycle_events"] = tracker.cycle_events(paths, cycle)  # charts mark the log
        if "rebases" in declared:
            extra["rebases"] = tracker.cycle_rebases(paths, cycle)  # adopted earlier changes
    request = build_request(paths, cycle, stage, declared, cli_params, data=data, base=base,
                            extra=extra)
    for note in request.notes:
        print(f"note: {note}", file=sys.stderr)
    problems = check_run(request, declared)
    if problems:
        raise PreflightError(cycle, stage, problems)
    return dict(request.parameters)


def _finish(paths: ProjectPaths, cycle: str, results: Sequence[RunResult]) -> int:
    """Print the runs' outputs and append them to the cycle's log (one edit); worst exit."""
    for result in results:
        _print_run(result, paths.root)
    if load_record(paths, cycle) is not None:
        append_log(paths, cycle, *({
            "event": "run", "stage": result.stage, "status": result.status,
            "run_dir": result.run_dir.relative_to(paths.root).as_posix(),
            **({"error": result.error} if result.error else {})} for result in results))
    return max(EXIT_OK if result.ok else EXIT_RUN_FAILED for result in results)


def _execute_group(cycle: str, group: Sequence[str],
                   prepared: Future[dict[str, dict[str, object]]], paths: ProjectPaths,
                   ports: list[int], finisher: Executor) -> dict[str, Future[RunResult]]:
    """Stage runs one after another in one shared kernel (a worker thread's task).

    The kernel starts while the main thread still prepares the parameters; each
    run's HTML is rendered by ``finisher`` while the kernel goes on to the next.
    """
    kernel = SharedKernel(paths.root, ports)  # kernels start in the workbook's root
    try:
        with contextlib.suppress(Exception):  # a kernel that cannot start fails the run
            kernel.start()
        parameters = prepared.result()
        return {stage: finisher.submit(finish_run, execute_run(
                    cycle, stage, parameters[stage], paths=paths, kernel=kernel,
                    base_dir=paths.root))  # parameters are absolute already
                for stage in group}
    finally:
        kernel.close()


def _run_stages(paths: ProjectPaths, cycle: str, stages: Sequence[str],
                cli_params: dict[str, str], data: str | None,
                meanwhile: Callable[[], object] | None = None) -> int:
    """Run ``stages`` of ``cycle``, side by side when there are several; worst exit code.

    Stage notebooks read the same inputs and write their own run folders, so they
    run side by side, one kernel process per core at most (``engine.plan_kernels``,
    balanced by the last runs' durations): with more stages than cores, a kernel runs
    its stages one after another, so its start and imports are paid once. Each
    kernel is driven from a thread of this process (the drivers mostly wait on their
    kernels; threads share one copy of papermill and nbconvert). ``meanwhile`` runs
    in this thread once the kernels are starting (e.g. importing what comes next,
    instead of before them). Results are printed and logged in stage order.
    """
    _report_abandoned(paths, cycle)
    base = Path.cwd()  # command-line paths are the user's: read once, before any kernel

    def prepare_all() -> dict[str, dict[str, object]]:
        prepared = {stage: _prepare(paths, cycle, stage, cli_params, data, base)
                    for stage in stages}
        from pdcakit.words import words

        w = words(cycle_language(paths, cycle))
        for stage in stages:
            print(w._("{cycle} / {stage}: running ...", cycle=cycle, stage=w._(stage)),
                  flush=True)
        return prepared

    if len(stages) == 1:
        results = [run_stage(cycle, stages[0], prepare_all()[stages[0]], paths=paths,
                             base_dir=base)]
        if meanwhile is not None:
            meanwhile()
        return _finish(paths, cycle, results)

    from concurrent.futures import ThreadPoolExecutor

    groups = plan_kernels(stages, last_durations(paths, cycle, stages))
    ports = free_ports(5 * len(groups))  # distinct for every kernel started side by side
    prepared: Future[dict[str, dict[str, object]]] = Future()
    with ThreadPoolExecutor(max_workers=len(groups)) as pool, \
            ThreadPoolExecutor(max_workers=1) as finisher:
        futures = [pool.submit(_execute_group, cycle, group, prepared, paths,
                               ports[5 * i:5 * i + 5], finisher)
                   for i, group in enumerate(groups)]  # kernels start while we prepare
        try:
            prepared.set_result(prepare_all())
        except BaseException as exc:  # bad parameters: the kernels stop, the error is shown
            prepared.set_exception(exc)
            raise
        if meanwhile is not None:
            meanwhile()
        by_stage = {stage: run for future in futures for stage, run in future.result().items()}
        results = [by_stage[stage].result() for stage in stages]
    return _finish(paths, cycle, results)


def _cmd_run(args: argparse.Namespace) -> int:
    paths = ProjectPaths.find()
    cli_params = dict(args.param or [])
    if args.all:
        record = read_cycle(paths, args.cycle)
        stages = tracker.stages_to_run(record, cli_params)
        waiting = tracker.stages_not_ready(record, cli_params)
        for stage, why in waiting.items():
            print(f"{args.cycle} / {stage}: not run: {why}", file=sys.stderr)
        if not stages:
            raise CycleError(f"{args.cycle}: --all has nothing to run: set data.tickets in "
                             f"pdca/{args.cycle}.yaml (and data.after for the Check stages)")
        return _run_stages(paths, args.cycle, stages, cli_params, args.data)
    if not args.stage:
        raise CycleError("name a stage (baseline, compare, efficiency) or use --all")
    return _run_stages(paths, args.cycle, [args.stage], cli_params, args.data)


def _cmd_demo(args: argparse.Namespace) -> int:
    """The whole cycle on demo data: runs (side by side), moves through PDCA, decision, reports.

    In a workbook it writes (or resets) the record of ``--language``'s demo
    (``pdca/demo-helpdesk.yaml``; zh-CN: ``pdca/demo-helpdesk-zh.yaml``); outside one it
    makes a throw-away demo workbook in a temporary folder and says where.
    """
    from pdcakit.run.demos import demo_cycle, place_demo
    from pdcakit.run.workbooks import place_demo_plan, throwaway_demo_workbook

    demo = demo_cycle(args.language)  # an unknown language: UsageError before anything
    try:
        paths = ProjectPaths.find()
    except FileNotFoundError:
        paths = throwaway_demo_workbook(demo.language)
        print(f"No workbook here: made a throw-away demo workbook in {paths.root}")
    with _only_demo(paths):
        place_demo(paths, demo.language)
        plan = place_demo_plan(paths, demo.plan)
        print(demo.starting)
        _reset_demo_record(paths, demo.cycle, keep_finding=plan is not None)
        worst = _run_stages(paths, demo.cycle, DEMO_STAGES, {}, None,
                            meanwhile=lambda: importlib.import_module("pdcakit.tracker.report"))

        for _ in range(3):  # plan -> do (baseline run), do -> check, check -> act (compare)
            print(tracker.advance(paths, demo.cycle).sentence)
        if worst == EXIT_OK:
            print(tracker.act(paths, demo.cycle, "adopt", demo.decision))
            _demo_holding(paths, demo, log_check=plan is not None)
    index, _ = _all_reports(paths)
    print(f"Portfolio: {_relative(index)}")
    return worst


@contextlib.contextmanager
def _only_demo(paths: ProjectPaths) -> Iterator[None]:
    """One ``pdca demo`` at a time in a workbook: a second one says so and stops (the demo
    resets its record and walks it through every move; two at once would double them)."""
    import fcntl

    paths.records.mkdir(parents=True, exist_ok=True)
    with open(paths.records / f".{DEMO_CYCLE}.demo.lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CycleError("another pdca demo is running in this workbook; wait for it to "
                             "finish, then run pdca demo again") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _demo_holding(paths: ProjectPaths, demo: Any, *, log_check: bool) -> None:
    """After the demo's adoption: ``pdca monitor`` on the six weeks since (the adopted
    process replayed, so quiet), and the monthly FCR check logged from it in the demo's
    supervision plan (``log_check``: the plan is the demo's own)."""
    from pdcakit.tracker.monitor import monitor
    from pdcakit.tracker.supervision import check_done
    from pdcakit.words import words

    w = words(demo.language)
    result = monitor(paths, demo.cycle, demo.monitor_data, mapping=demo.monitor_mapping)
    print(f"$ pdca monitor {demo.cycle} --data {demo.monitor_data}")
    for line in _monitor_lines(result, w):
        print(line)
    if log_check:
        note = (w._("pdca monitor over {n} weeks since adoption: {status}", n=len(
            result.periods), status=w._("signal") if result.signals else w._("no signal")))
        done, check = check_done(paths, "fcr-monitoring",
                                 result="fail" if result.signals else "pass", note=note)
        print(f"$ pdca check-done fcr-monitoring --result {done.result} --note \"{note}\"")
        print(f"{check.id}: {done.result} logged for {done.date.isoformat()}; next due "
              f"{check.next_due(done.date).isoformat()}.")


def _reset_demo_record(paths: ProjectPaths, cycle: str = DEMO_CYCLE, *,
                       keep_finding: bool = True) -> None:
    """Start the demo record from plan each time: its log, decision and what the last demo
    recorded (measured baselines, the adopted window, the monitor's frozen limits) cleared,
    as shipped; without the demo's supervision plan (the workbook has its own), the
    finding the demo cycle answers is dropped (it names the demo plan's F1)."""
    from pdcakit.tracker.record import edit_record

    with edit_record(paths, cycle) as data:
        data["stage"] = "plan"
        data["decision"] = None
        data["log"] = [{"date": str(data.get("created")), "event": "created"}]
        data.pop("monitor", None)
        if not keep_finding:
            data.pop("finding", None)
        for block, key in (("aim", "baseline"), ("aim", "new_baseline"),
                           ("data", "new_baseline")):
            if isinstance(data.get(block), dict):
                data[block].pop(key, None)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cmd_init(args: argparse.Namespace) -> int:
    from pdcakit.run.workbooks import init_workbook

    print(init_workbook(args.dir, args.language).sentence)
    return EXIT_OK


def _cmd_lab(args: argparse.Namespace) -> int:
    import subprocess

    from pdcakit.run.workbooks import lab_command

    command = lab_command(ProjectPaths.find(), browser=not args.no_browser)
    if args.print_command:  # quoted, so a pasted line runs this one command only
        print(shlex.join(command))
        return EXIT_OK
    return subprocess.call(command)


def _cmd_new(args: argparse.Namespace) -> int:
    paths = ProjectPaths.find()
    fields = {"metric": args.metric or "", "target": args.target, "direction": args.direction,
              "owner": args.owner or ""}
    if args.from_finding:
        from pdcakit.tracker.supervision import new_cycle_from_finding

        path = new_cycle_from_finding(paths, args.cycle, args.from_finding, title=args.title,
                                      **fields)
    elif args.title is None:
        raise CycleError(f"give the cycle a title: pdca new {args.cycle} --title \"...\" "
                         "(or open it from a supervision finding: --from-finding F1)")
    else:
        path = tracker.new_cycle(paths, args.cycle, title=args.title, **fields)
    from pdcakit.run.workbook_settings import workbook_language
    from pdcakit.words import words

    print(words(workbook_language(paths))._(
        "created {path}: fill in the problem, change idea, data and actions, then run: "
        "pdca run {cycle} baseline", path=_relative(path), cycle=args.cycle))
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from pdcakit.run.workbook_settings import workbook_language
    from pdcakit.tracker.statusview import status_lines
    from pdcakit.words import words

    paths = ProjectPaths.find()
    cycle = getattr(args, "cycle", None)
    _report_abandoned(paths, cycle)
    language = "en" if args.json else workbook_language(paths)
    rows, problems = tracker.workbook_status(paths, cycle, language=language)
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], indent=2, ensure_ascii=False))
        return _name_problems(problems)
    if not rows and not problems:
        print(words(language)._("no cycles yet: create one with pdca new ID --title \"...\""))
        return EXIT_OK
    for line in status_lines(rows, language, headlines=bool(cycle), shown=shown):
        print(line)
    if not cycle:
        _print_overdue_checks(paths)
    return _name_problems(problems)


def _print_overdue_checks(paths: ProjectPaths) -> None:
    """One line per supervision check overdue today, after the cycles (``pdca status``)."""
    import datetime as dt

    from pdcakit.tracker.supervision import read_plan

    try:
        plan = read_plan(paths)
    except PdcaError as exc:
        print(f"note: {_shown_lines(str(exc))}", file=sys.stderr)
        return
    from pdcakit.run.workbook_settings import workbook_language
    from pdcakit.tracker.statusview import day_text
    from pdcakit.words import words

    w = words(workbook_language(paths))
    today = dt.date.today()
    for check in plan.overdue(today) if plan is not None else ():
        print(shown(w._("supervision: {check} OVERDUE since {date} ({frequency}, {owner}): "
                        "pdca check-done {check} --result pass|fail --note \"...\"",
                        check=check.id, date=day_text(check.next_due(today), w),
                        frequency=check.frequency.text, owner=check.owner)))


def _shown_lines(text: str) -> str:
    """A message of several lines, each :func:`shown` (a title or a notebook's error in it
    cannot drive the terminal)."""
    return "\n".join(shown(line) for line in text.split("\n"))


def _name_problems(problems: Sequence[RecordProblem]) -> int:
    """Name on stderr each record a many-record command could not read (the others were
    shown): exit status 2 when there is one, so a script notices."""
    for problem in problems:
        print(f"pdca: error: {shown(problem.message)}", file=sys.stderr)
    return EXIT_USAGE if problems else EXIT_OK


def shown(text: str) -> str:
    """``text`` (a user's title, a note, a sentence from a run) safe for a terminal:
    control characters (escape sequences that retitle or clear it, carriage returns,
    C1 controls) shown escaped, everything else as written.

    >>> shown("Faster \\x1b]0;owned\\x07 email\\r")
    'Faster \\\\x1b]0;owned\\\\x07 email\\\\r'
    >>> shown("更快的邮件回复")
    '更快的邮件回复'
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else
                   ch.encode("unicode_escape").decode("ascii") for ch in text)


def _cmd_advance(args: argparse.Namespace) -> int:
    move = tracker.advance(ProjectPaths.find(), args.cycle)
    print(move.sentence)
    return EXIT_OK if move.moved else EXIT_NOT_READY


def _cmd_predict(args: argparse.Namespace) -> int:
    entry: dict[str, object] = {"kpi": args.kpi, "direction": args.direction,
                                "size": args.size, "unit": args.unit}
    if args.segment:
        entry["segment"] = args.segment
    if args.confidence is not None:
        entry["confidence"] = args.confidence
    print(tracker.predict(ProjectPaths.find(), args.cycle, entry))
    return EXIT_OK


def _cmd_act(args: argparse.Namespace) -> int:
    print(tracker.act(ProjectPaths.find(), args.cycle, args.decision, args.note))
    return EXIT_OK


def _cmd_next(args: argparse.Namespace) -> int:
    path = tracker.next_cycle(ProjectPaths.find(), args.cycle, args.new_id)
    print(f"created the follow-up cycle {_relative(path)}; then run: pdca run {path.stem} "
          "baseline")
    return EXIT_OK


def _given_day(text: str | None) -> Any:
    """``--date YYYY-MM-DD`` as a date (None: today); a day to come is refused."""
    import datetime as dt

    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CycleError(f"--date {text!r}: write the day the check was done as "
                         "YYYY-MM-DD") from None
    if day > dt.date.today():
        raise CycleError(f"--date {day.isoformat()} is still to come; log a check once it "
                         "is done")
    return day


def _cmd_check_done(args: argparse.Namespace) -> int:
    from pdcakit.tracker.supervision import check_done

    done, check = check_done(ProjectPaths.find(), args.check, result=args.result,
                             note=args.note, findings=tuple(args.finding or ()),
                             day=_given_day(args.date), cycle=args.cycle or "")
    print(f"{check.id}: {done.result} logged for {done.date.isoformat()}; next due "
          f"{check.next_due(done.date).isoformat()} ({shown(check.frequency.text)}).")
    for finding in done.findings:
        print(f"  finding {finding.id}: {shown(finding.text)} (open a cycle for it: pdca new "
              f"ID --from-finding {finding.id})")
    return EXIT_OK


def _cmd_monitor(args: argparse.Namespace) -> int:
    from pdcakit.tracker.monitor import monitor
    from pdcakit.words import words

    result = monitor(ProjectPaths.find(), args.cycle, args.data, mapping=args.mapping,
                     base=Path.cwd())
    if args.json:
        print(json.dumps({**result.as_record(), "recorded_on": result.recorded_on},
                         indent=2, ensure_ascii=False))
    else:
        for line in _monitor_lines(result, words()):
            print(line)
    return EXIT_SIGNAL if result.signals else EXIT_OK


def _day_before(day: str) -> str:
    """The last day of a window whose end (excluded) is ``day``."""
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def _monitor_lines(result: Any, w: Any) -> list[str]:
    """What ``pdca monitor`` prints: the limits, each signal with its period and rule, the
    periods left out, whether the result was logged."""
    from pdcakit.kpis import kpi_name
    from pdcakit.results import format_value
    from pdcakit.spc.rules import rule_set_name

    limits = result.limits
    unit = "fraction" if limits.kind == "proportion" else "minutes" if limits.kind == \
        "duration" else ""
    centre = math.exp(limits.centre) if limits.kind == "duration" else limits.centre
    lines = [w._("{cycle}: {kpi} over {n} new period(s), {first} to {last}, against the new "
                 "baseline's frozen limits ({chart}, centre {centre}, {window}; "
                 "{rules} rules).", cycle=result.cycle, kpi=kpi_name(limits.kpi),
                 n=len(result.periods), first=result.periods[0], last=result.periods[-1],
                 chart=limits.chart, centre=format_value(centre, unit),
                 window=w._("{start} to {end}", start=limits.window[0],
                            end=_day_before(limits.window[1])),
                 rules=rule_set_name(result.rule_set))]
    by_date: dict[str, list[Any]] = {}
    for signal in result.signals:
        by_date.setdefault(signal.date, []).append(signal)
    for day, signals in by_date.items():
        side = (w._("worse side") if signals[0].side == "worse" else w._("better side"))
        lines.append("  " + w._("SIGNAL {date}: {rules} (value {value}, {side})", date=day,
                                rules="; ".join(s.rule for s in signals),
                                value=format_value(signals[0].value, unit), side=side))
    if not result.signals:
        lines.append("  " + w._("No signal: the gain holds on these periods."))
    if result.left_out:
        lines.append("  " + w._("Not judged (not over yet, or no value): {periods}.",
                         periods=", ".join(result.left_out)))
    if result.limits_new:
        lines.append("  " + w._("Limits frozen now from {source} ({n} periods of the new "
                                "baseline), kept under monitor.limits in pdca/{cycle}.yaml: "
                                "later runs judge against the same lines.",
                                source=limits.source or "?", n=limits.n_periods,
                                cycle=result.cycle))
    if result.recorded_on:
        lines.append("  " + w._("Already in the log ({date}): the same data and periods record "
                         "one result.", date=result.recorded_on))
    else:
        lines.append("  " + w._("Logged in pdca/{cycle}.yaml.", cycle=result.cycle))
    return [shown(line) for line in lines]


def _cmd_report(args: argparse.Namespace) -> int:
    from pdcakit.tracker.report import build_reports

    paths = ProjectPaths.find()
    if args.cycle:
        index, problems = build_reports(paths, args.cycle), []
    else:
        index, problems = _all_reports(paths)
    print(f"Portfolio: {_relative(index)}")
    return _name_problems(problems)


def _all_reports(paths: ProjectPaths) -> tuple[Path, list[RecordProblem]]:
    """Every readable cycle's page and the portfolio; the records that cannot be read are
    returned to be named (one bad file never stops the others' pages)."""
    from pdcakit.tracker.portfolio import portfolio_page
    from pdcakit.tracker.report import cycle_page

    records, problems = load_all(paths)
    for record in records:
        cycle_page(paths, record.id)
    return portfolio_page(paths), problems


def _cmd_check_data(args: argparse.Namespace) -> int:
    from pdcakit import data

    options = dict(args.param or [])
    mapping = options.pop("mapping", None) or None
    unknown = sorted(set(options) - set(CHECK_DATA_OPTIONS))
    if unknown:
        raise ParameterError(f"check-data takes -p {', '.join(('mapping', *CHECK_DATA_OPTIONS))}"
                             f"; not {', '.join(unknown)}")
    from pdcakit.registers.describe import describe_register, register_of

    register = register_of(mapping)
    if register is not None:  # a feedback export or a complaint register, not tickets
        described = describe_register(args.file, mapping, register, **options)
        print(json.dumps(described.as_dict(), indent=2, ensure_ascii=False) if args.json
              else "\n".join(described.lines()))
        return EXIT_OK
    from pdcakit.data.surveys import describe_scored, is_scored_mapping

    if is_scored_mapping(mapping):  # a wide survey, audit or visit export with text answers
        scored = describe_scored(args.file, mapping)
        if args.json:
            print(json.dumps({"file": str(args.file), "sentences": list(scored.sentences)},
                             indent=2, ensure_ascii=False))
        else:
            print("\n".join(scored.sentences))
        return EXIT_OK
    if args.engine != "pandas":  # a big file: counted by a query engine, rows never loaded
        from pdcakit.aggregate.bigfile import describe_big_export

        engine_options = {k: v for k, v in options.items() if k not in ("snapshot",
                                                                          "on_duplicate")}
        if engine_options:
            raise ParameterError(f"check-data --engine {args.engine} takes -p mapping, "
                                 f"snapshot and on_duplicate; not "
                                 f"{', '.join(sorted(engine_options))} (use --engine pandas "
                                 "for them)")
        big = describe_big_export(args.file, mapping, engine=args.engine,
                                  snapshot=options.get("snapshot"),
                                  on_duplicate=options.get("on_duplicate"))
        if args.json:
            print(json.dumps({**big.summary.as_dict(), "empty_cells": big.nulls}, indent=2,
                             ensure_ascii=False, default=str))
        else:
            print("\n".join(big.lines()))
        return EXIT_OK
    summary = data.describe_export(args.file, mapping, **options)
    if args.json:
        print(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        for line in summary.lines():
            print(line)
    return EXIT_OK


def _cmd_params(args: argparse.Namespace) -> int:
    paths = ProjectPaths.find()
    declared = declared_parameters(paths.template(args.stage))
    width = max(len(name) for name in declared)
    for spec in declared.values():
        print(f"{spec.name:<{width}}  {spec.type_name:<6} = {spec.default:<28} {spec.help}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and for --help rendering)."""
    parser = argparse.ArgumentParser(
        prog="pdca", description="PDCA Workbook: run improvement-cycle notebooks and track cycles.",
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pdca {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a stage notebook of a cycle into runs/",
                         description="Execute a stage notebook with papermill into "
                         "runs/<cycle>/<stage>/<UTC stamp>/ (notebook, HTML, params, "
                         "results.json, provenance.json). Parameters from the cycle "
                         "record pdca/<cycle>.yaml are used first; -p overrides them.")
    run.add_argument("cycle", help="cycle id (lower-case letters, digits, hyphens)")
    run.add_argument("stage", nargs="?", choices=sorted(STAGES), help="stage notebook to run")
    run.add_argument("--all", action="store_true",
                     help="run every stage the cycle record has parameters for, in order")
    run.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="set a notebook parameter (converted to its declared type); "
                     "repeatable. See `pdca params STAGE`.")
    run.add_argument("--data", metavar="FILE", help="tickets export to analyse (sets data_path)")
    run.set_defaults(func=_cmd_run)

    demo = sub.add_parser("demo", help="run the demo cycle on the bundled demo data",
                          description="Run the demo cycle's stages on data/demo/ and print "
                          "where the outputs are.")
    demo.add_argument("--language", default="en", metavar="LANG",
                      help="en (default) or zh-CN: the Chinese demo (a Chinese help desk's "
                      "export in GB18030, a record in Chinese, every page in Chinese)")
    demo.set_defaults(func=_cmd_demo)

    init = sub.add_parser("init", help="make a team workbook (pdca/, runs/, mappings/, data/)",
                          description="Make DIR a workbook: pdca/ for the cycle records, runs/, "
                          "mappings/ with a commented example, data/ for exports, a README of "
                          "the daily commands and a .gitignore. Existing files are left as "
                          "they are; on a complete workbook nothing changes.")
    init.add_argument("dir", nargs="?", default=".", help="the folder (default: this one)")
    init.add_argument("--language", metavar="LANG",
                      help="en or zh-CN: the workbook's language (its README, example mapping "
                      "and pdca/workbook.yaml; the portfolio, status and new records follow "
                      "it); an existing workbook is not changed")
    init.set_defaults(func=_cmd_init)

    lab = sub.add_parser("lab", help="open JupyterLab on the workbook with the explore notebook",
                         description="Start JupyterLab in the workbook with "
                         "notebooks/explore.ipynb open (copied from the installed template "
                         "the first time).")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("--print-command", action="store_true",
                     help="print the command instead of running it")
    lab.set_defaults(func=_cmd_lab)

    new = sub.add_parser("new", help="create a cycle record from the commented template",
                         description="Write pdca/ID.yaml with every field explained in place.")
    new.add_argument("cycle", help="cycle id (lower-case letters, digits, hyphens)")
    new.add_argument("--title", help="one-line title of the cycle (required unless "
                     "--from-finding gives one)")
    new.add_argument("--from-finding", metavar="FINDING_ID",
                     help="open the cycle to answer a supervision finding (F1, ...; pdca "
                     "check-done logs them): the record names it, the page shows it")
    new.add_argument("--metric", help="the KPI to improve, e.g. fcr, aht, first_response_time")
    new.add_argument("--target", type=float, help="target value (fractions for rates: 0.74)")
    new.add_argument("--direction", choices=("higher", "lower"), default="higher",
                     help="whether higher or lower is better (default: higher)")
    new.add_argument("--owner", help="who owns the cycle")
    new.set_defaults(func=_cmd_new)

    for name, text in (("list", "a table of every cycle"),
                       ("status", "the status of one cycle, or of all")):
        command = sub.add_parser(name, help=text, description=f"Show {text}: stage, days in "
                                 "stage, last run and its status, overdue actions, headline.")
        if name == "status":
            command.add_argument("cycle", nargs="?", help="cycle id (default: all)")
        command.add_argument("--json", action="store_true", help="machine-readable output")
        command.set_defaults(func=_cmd_status)

    advance = sub.add_parser("advance", help="move a cycle to its next PDCA stage",
                             description="Move plan -> do -> check -> act -> closed when the "
                             "stage's conditions hold; otherwise say what is missing (exit 3).")
    advance.add_argument("cycle")
    advance.set_defaults(func=_cmd_advance)

    predict = sub.add_parser(
        "predict", help="record a checkable prediction (Plan), scored by the compare run",
        description="Add a prediction to the cycle record with today's date, the git commit "
        "and a fingerprint; the cycle page scores it (met / not met / not enough data) "
        "from the compare run and flags predictions written after data collection began "
        "or edited since.")
    predict.add_argument("cycle")
    predict.add_argument("--kpi", required=True, help="KPI key, e.g. fcr, first_response_time")
    predict.add_argument("--direction", required=True, choices=("rise", "fall", "no change"))
    predict.add_argument("--size", required=True, type=float,
                         help="at least this much (rise/fall), or the margin (no change)")
    predict.add_argument("--unit", default="absolute", choices=("points", "%", "absolute"),
                         help="points (shares, NPS), %% of the before value, or the KPI's "
                         "own unit (default)")
    predict.add_argument("--segment", help="COLUMN=VALUE, e.g. channel=email")
    predict.add_argument("--confidence", type=float, help="the team's confidence, 0-1")
    predict.set_defaults(func=_cmd_predict)

    act = sub.add_parser("act", help="record the decision: adopt, adapt or abandon",
                         description="Record the Act decision with its rationale; adopt makes "
                         "the after window the new baseline.")
    act.add_argument("cycle")
    act.add_argument("--decision", required=True, choices=("adopt", "adapt", "abandon"))
    act.add_argument("--note", required=True, help="the rationale, for the reviewer")
    act.set_defaults(func=_cmd_act)

    nxt = sub.add_parser("next", help="open a follow-up cycle linked to this one",
                         description="Create a new record whose before window is the adopted "
                         "baseline, linked to this cycle.")
    nxt.add_argument("cycle")
    nxt.add_argument("new_id", nargs="?", help="id of the new cycle (default: ID-2, ID-3 ...)")
    nxt.set_defaults(func=_cmd_next)

    done = sub.add_parser(
        "check-done", help="log a supervision check: its result and findings",
        description="Log that a check of the supervision plan (pdca/supervision.yaml or "
        "pdca/supervision/*.yaml) was "
        "done (today, or --date), with its result against the check's standard, a note and any "
        "findings (numbered F1, F2 ...; pdca new ID --from-finding F1 opens a cycle for "
        "one). The portfolio shows each check's next due date.")
    done.add_argument("check", help="the check's id in the supervision plan")
    done.add_argument("--result", required=True, choices=("pass", "fail"),
                      help="whether the standard was met")
    done.add_argument("--note", required=True, help="what was looked at and found")
    done.add_argument("--finding", action="append", metavar="TEXT",
                      help="a nonconformity found (repeatable)")
    done.add_argument("--date", metavar="YYYY-MM-DD",
                      help="the day the check was done (default: today)")
    done.add_argument("--cycle", metavar="ID",
                      help="the cycle the check was done for (its charts mark it)")
    done.set_defaults(func=_cmd_check_done)

    watch = sub.add_parser(
        "monitor", help="check new data of an adopted cycle: is the gain holding?",
        description="Check the new cases of an adopted cycle against the frozen control "
        "limits of its new baseline (the adopted after window), with the cycle's rule set; "
        "print each signal with its period and rule and log the result in the cycle's "
        "record (the same data twice logs one result). The aim may be a ticket KPI or a "
        "score (csi, tps, tds: read from a new survey, audit or visit export). Exit status 5 "
        "when a signal fires.",
        epilog=EXIT_STATUS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    watch.add_argument("cycle", help="an adopted cycle")
    watch.add_argument("--data", required=True, metavar="FILE",
                       help="export holding the cases since adoption (older ones are skipped)")
    watch.add_argument("--mapping", help="its column mapping (default: the record's)")
    watch.add_argument("--json", action="store_true",
                       help="machine-readable output: every period judged, its limits, the "
                       "signals (the exit status is the same)")
    watch.set_defaults(func=_cmd_monitor)

    report = sub.add_parser("report", help="build the reviewer HTML pages",
                            description="Write runs/<cycle>/index.html for each cycle (or one) "
                            "and the portfolio runs/index.html.")
    report.add_argument("cycle", nargs="?", help="cycle id (default: all)")
    report.set_defaults(func=_cmd_report)

    check = sub.add_parser(
        "check-data", help="say what an export holds and which KPIs and stages it supports",
        description="Read an export as the stages would (with its mapping) and say what it "
        "holds: rows, date range, snapshot, open share, repeated ids, mapped and unmapped "
        "columns, the KPIs it supports (and the column each other one needs) and the stages "
        "it can run.", epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("file", help="the export: CSV, Parquet or Excel")
    check.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                       help="mapping FILE_OR_PRESET, or a loading option: "
                       + ", ".join(CHECK_DATA_OPTIONS))
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.add_argument("--engine", choices=("pandas", "duckdb", "spark"), default="pandas",
                       help="pandas reads every row (all checks); duckdb counts a big file "
                       "without loading it (10M rows in seconds; the plausibility checks "
                       "are left out, and it says so); spark on a cluster (pdca-workbook[spark])")
    check.set_defaults(func=_cmd_check_data)

    params = sub.add_parser("params", help="list a stage notebook's parameters",
                            description="List the parameters a stage notebook accepts, "
                            "with type, default and help.")
    params.add_argument("stage", choices=sorted(STAGES))
    params.set_defaults(func=_cmd_params)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pdca`` console script."""
    skip_unused_optional_imports()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # `pdca status | head`: the reader left; end quietly
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        return EXIT_OK
    except OSError as exc:
        if _is_bad_input(exc):  # FileNotFoundError, FileExistsError: bad input
            print(f"pdca: error: {_shown_lines(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        if _is_failed_read(exc):  # a read never says "cannot write"
            print(f"pdca: error: cannot read {exc.filename}: {exc.strerror or exc}. Fix: "
                  "make it readable for you (or give another file)", file=sys.stderr)
            return EXIT_USAGE
        print(f"pdca: error: {_why_not_written(exc)}", file=sys.stderr)
        return EXIT_CANNOT_WRITE
    except Exception as exc:
        if not _is_bad_input(exc):
            raise
        print(f"pdca: error: {_shown_lines(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


def _is_failed_read(exc: OSError) -> bool:
    """Whether ``exc`` comes from reading a file the user named or the workbook holds (a
    loop of links, a folder where a file belongs, a file not readable for the user)
    rather than from writing one."""
    if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENOTDIR):
        return bool(exc.filename)
    if exc.errno in (errno.EACCES, errno.EPERM) and exc.filename:
        path = os.fspath(exc.filename)
        return os.path.isfile(path) and not os.access(path, os.R_OK)
    return False


def _why_not_written(exc: OSError) -> str:
    """One line naming the file, the reason and the fix of a failed write."""
    import errno

    where = exc.filename or "a file of the workbook"
    fix = {errno.ENOSPC: "free some disk space", errno.EDQUOT: "free some of your quota",
           errno.EROFS: "run in a workbook on a writable disk",
           errno.EACCES: "make the folder writable for you (or run where you may write)",
           errno.EPERM: "make the folder writable for you (or run where you may write)",
           }.get(exc.errno or 0, "check the disk and the folder's permissions")
    return f"cannot write {where}: {exc.strerror or exc}. Fix: {fix}, then run the command again"


def _is_bad_input(exc: BaseException) -> bool:
    """Whether ``exc`` reports bad usage or input (exit 2) rather than a bug: the
    project's own errors (:class:`pdcakit.errors.PdcaError`, data errors included) and a
    file that is missing or already there. Any other exception is a bug and shows its
    traceback."""
    return isinstance(exc, PdcaError | FileNotFoundError | FileExistsError)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
