"""The ``pdca`` command line: a thin layer over runner, cycle and project.

Exit codes: 0 success, 1 the run failed (notebook error), 2 bad usage or
bad input (unknown parameter, invalid cycle id, unreadable record).

Examples::

    pdca demo
    pdca params baseline
    pdca run demo-helpdesk baseline -p period M -p alpha 0.01
    pdca run my-cycle baseline --data exports/tickets.csv -p mapping zh_helpdesk
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .cycle import CycleError, load_record, stage_parameters
from .params import ParameterError, declared_parameters
from .project import STAGES, ProjectPaths
from .runner import RunResult, mark_abandoned_runs, run_stage

__all__ = ["main"]

DEMO_CYCLE = "demo-helpdesk"
#: The stages ``pdca demo`` runs, in PDCA order.
DEMO_STAGES = ("baseline", "compare", "efficiency")
EXIT_OK, EXIT_RUN_FAILED, EXIT_USAGE = 0, 1, 2


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
        print(f"{result.cycle} / {result.stage}: FAILED: {result.error}")
    print(f"  notebook : {rel(result.notebook)}")
    print(f"  HTML     : {rel(result.html)}")
    print(f"  results  : {rel(result.results)}")
    print(f"  run dir  : {rel(result.run_dir)}")


def _run(paths: ProjectPaths, cycle: str, stage: str, cli_params: dict[str, str],
         data: str | None) -> int:
    for run_dir in mark_abandoned_runs(paths, cycle):
        print(f"note: an earlier run never finished and is now marked incomplete: "
              f"{run_dir.relative_to(paths.root)}")
    record = load_record(paths, cycle)
    # Record paths are relative to the project root; command-line ones to the current folder.
    from_record = stage_parameters(record, stage)
    params: dict[str, object] = {
        name: (str((paths.root / value).resolve())
               if name.endswith("_path") and isinstance(value, str) and value
               and not Path(value).is_absolute() else value)
        for name, value in from_record.items()
    }
    params.update(cli_params)
    if data:
        params["data_path"] = data
    result = run_stage(cycle, stage, params, paths=paths)
    _print_run(result, paths.root)
    return EXIT_OK if result.ok else EXIT_RUN_FAILED


def _cmd_run(args: argparse.Namespace) -> int:
    paths = ProjectPaths.find()
    cli_params = dict(args.param or [])
    return _run(paths, args.cycle, args.stage, cli_params, args.data)


def _cmd_demo(args: argparse.Namespace) -> int:
    paths = ProjectPaths.find()
    print(f"Running the demo cycle '{DEMO_CYCLE}' on the bundled demo data ...")
    worst = EXIT_OK
    for stage in DEMO_STAGES:
        worst = max(worst, _run(paths, DEMO_CYCLE, stage, {}, None))
    return worst


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
        prog="pdca", description="PDCA Workbook: run improvement-cycle notebooks and track cycles."
    )
    parser.add_argument("--version", action="version", version=f"pdca {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run a stage notebook of a cycle into runs/",
                         description="Execute a stage notebook with papermill into "
                         "runs/<cycle>/<stage>/<UTC stamp>/ (notebook, HTML, params, "
                         "results.json, provenance.json). Parameters from the cycle "
                         "record pdca/<cycle>.yaml are used first; -p overrides them.")
    run.add_argument("cycle", help="cycle id (lower-case letters, digits, hyphens)")
    run.add_argument("stage", choices=sorted(STAGES), help="stage notebook to run")
    run.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                     help="set a notebook parameter (converted to its declared type); "
                     "repeatable. See `pdca params STAGE`.")
    run.add_argument("--data", metavar="FILE", help="tickets export to analyse (sets data_path)")
    run.set_defaults(func=_cmd_run)

    demo = sub.add_parser("demo", help="run the demo cycle on the bundled demo data",
                          description="Run the demo cycle's stages on data/demo/ and print "
                          "where the outputs are.")
    demo.set_defaults(func=_cmd_demo)

    params = sub.add_parser("params", help="list a stage notebook's parameters",
                            description="List the parameters a stage notebook accepts, "
                            "with type, default and help.")
    params.add_argument("stage", choices=sorted(STAGES))
    params.set_defaults(func=_cmd_params)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pdca`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ParameterError, CycleError, ValueError, FileNotFoundError) as exc:
        print(f"pdca: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
