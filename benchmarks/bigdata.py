#!/usr/bin/env python
"""Big data through the aggregate path: 1M and 10M tickets (Parquet) on one machine.

Generates seeded ticket Parquet files in a temporary folder (the demo generator, one
million tickets per row group with ids numbered on, so memory stays that of one
million), then measures, each in its own process:

- floor F: papermill running the notebook that only imports the stage libraries
  (``benchmarks/run.py``'s floor, started as ``pdca`` starts it), measured in this run;
- ``aggregate``: :func:`pdcakit.aggregate.aggregate_tickets` (validation, snapshot,
  every aggregate query) by week and by channel, then every ticket KPI's estimate and
  its weekly series from the aggregates, each KPI timed on its own;
- ``check-data``: :func:`pdcakit.aggregate.bigfile.describe_big_export`;
- ``rows`` (only up to ``--row-path-max`` tickets, default 1M): the row path for
  comparison, ``load_tickets`` then the scorecard and the weekly series.

Wall time in seconds, as a ratio to F, and peak memory (``resource.getrusage`` of the
child, max resident set; the tickets are generated in a child too, so no child inherits
a large parent's peak). Prints a table; ``--json`` writes the figures.

``--stage baseline|compare|efficiency|all`` measures a stage itself instead: ``pdca run
CYCLE STAGE --data FILE -p engine ENGINE`` (``all``: ``pdca run CYCLE --all``, the three
stages one after the other) for each of ``--engines`` (default pandas and duckdb; pandas,
the row path, only up to ``--row-path-max`` tickets), in a scratch copy of the project
whose stage notebooks are made from ``notebooks/*.py`` (jupytext), so the ``engine``
parameter is the current one. Wall time, ratio to F, and peak memory of the whole process
tree (proportional set size, sampled every 100 ms: the CLI, papermill and the kernel),
the engines alternated in each of ``--stage-repeat`` rounds; beside each (one stage),
the notebook alone (papermill with ``data_path`` and ``engine``, the notebook's other
defaults), without ``pdca run``'s preflight and page.

    .venv/bin/python benchmarks/bigdata.py --sizes 1m,10m
    .venv/bin/python benchmarks/bigdata.py --stage baseline --sizes 1m,10m
    .venv/bin/python benchmarks/bigdata.py --stage all --sizes 1m,10m --engines duckdb

Measured 2026-12-07 on 2 cores shared with other work (load average about 14, so F was
11.0 s at 1M and 17.4 s at 10M, against 5.4 s on a quiet machine), ``--stage all``:
1M pandas 109.2 s = 9.9 x F, 2.08 GiB (baseline 33.8, compare 78.1, efficiency 35.2 s,
the stages running side by side); 1M duckdb 84.1 s = 7.6 x F, 1.77 GiB (31.6, 70.0,
20.7 s); 10M duckdb 677.7 s = 39.0 x F, 6.74 GiB (132.1, 624.6, 112.8 s). The compare
stage's engine path counts per KPI and window, then runs the row path's tests on one row
per ticket rebuilt from the counts: its statistics still grow with the tickets (at 1M,
its sections take 30 s against the rows' 20 s, 3 s of it the count queries).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
CHUNK = 1_000_000
SEED = 20260406


def _module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(n: int, folder: Path) -> Path:
    """``n`` demo tickets as one Parquet file, written a million at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    generator = _module("generate_demo", ROOT / "data" / "generate_demo.py")
    path = folder / f"tickets_{n}.parquet"
    writer = None
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        frame = generator.generate_tickets(size, seed=SEED + done // CHUNK)
        frame["id"] = [f"T{i:08d}" for i in range(done + 1, done + size + 1)]
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
        done += size
    writer.close()
    return path


def high_water_mark_gib() -> float | None:
    """This process's peak resident memory since it started its program (Linux VmHWM):
    ``ru_maxrss`` keeps the peak of the process that forked it across ``exec``, so both
    are printed; the parent keeps itself small (the tickets are generated in a child)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        return None
    return None


def child_generate(spec: str) -> dict[str, Any]:
    """Generate ``N:FOLDER`` in this process, so the parent's memory stays small."""
    n, folder = spec.split(":", 1)
    started = time.perf_counter()
    path = generate(int(n), Path(folder))
    return {"path": str(path), "generate": time.perf_counter() - started}


# ---------------------------------------------------------------- children
def child_aggregate(path: str) -> dict[str, Any]:
    started = time.perf_counter()
    from pdcakit.aggregate import aggregate_tickets
    from pdcakit.metrics import KPIS
    imported = time.perf_counter()
    agg = aggregate_tickets(path, period="W", segment="channel")
    queried = time.perf_counter()
    per_kpi = {}
    for key in KPIS:
        t = time.perf_counter()
        agg.scorecard([key])
        agg.series(key)
        per_kpi[key] = time.perf_counter() - t
    return {"import": imported - started, "queries": queried - imported,
            "statistics": sum(per_kpi.values()), "per_kpi": per_kpi,
            "total": time.perf_counter() - started,
            "aggregate_rows": int(len(agg.counts) + sum(len(f) for f in agg.scores.values())
                                  + sum(len(f) for f in agg.durations.values()))}


def child_check(path: str) -> dict[str, Any]:
    started = time.perf_counter()
    from pdcakit.aggregate.bigfile import describe_big_export
    imported = time.perf_counter()
    summary = describe_big_export(path).summary
    return {"import": imported - started, "describe": time.perf_counter() - imported,
            "total": time.perf_counter() - started, "rows": summary.rows}


def child_rows(path: str) -> dict[str, Any]:
    started = time.perf_counter()
    from pdcakit import data
    from pdcakit.metrics import KPIS, per_period, scorecard
    imported = time.perf_counter()
    tickets = data.load_tickets(path)
    loaded = time.perf_counter()
    scorecard(tickets)
    for key in KPIS:
        per_period(tickets, key, period="W")
    return {"import": imported - started, "load": loaded - imported,
            "statistics": time.perf_counter() - loaded, "total": time.perf_counter() - started}


CHILDREN = {"aggregate": child_aggregate, "check": child_check, "rows": child_rows,
            "generate": child_generate}


def run_child(kind: str, path: Path | str) -> dict[str, Any]:
    """``kind`` in a fresh process: its figures, wall time and peak memory."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                         capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(f"{kind} on {path} failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def measure_floor(folder: Path, repeat: int) -> float:
    """F: the median wall time of papermill running the imports-only notebook."""
    import statistics

    bench = _module("bench_run", ROOT / "benchmarks" / "run.py")
    notebook = bench.floor_notebook(folder)
    command = [sys.executable, "-c", bench.PAPERMILL_AS_PDCA, str(notebook),
               str(folder / "floor-out.ipynb"), "-k", "python3", "--no-progress-bar"]
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=folder)
        walls.append(time.perf_counter() - started)
    return statistics.median(walls)


STAGES = ("baseline", "compare", "efficiency")


def stage_project(folder: Path) -> Path:
    """A scratch copy of the project (notebooks, records, demo data) in ``folder``, its
    stage notebooks made from ``notebooks/<stage>.py``."""
    import shutil

    project = folder / "project"
    for name in ("notebooks", "pdca", "data"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("*.lock", "__pycache__", "*.ipynb"))
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        shutil.copy2(notebook, project / "notebooks" / notebook.name)
    for stage in STAGES:
        subprocess.run([str(Path(sys.executable).parent / "jupytext"), "--to", "ipynb", "-q",
                        "-o", str(project / "notebooks" / f"{stage}.ipynb"),
                        str(ROOT / "notebooks" / f"{stage}.py")], check=True, cwd=project)
    return project


def measure_stage(project: Path, path: Path, engines: list[str], repeat: int,
                  floor: float, stage: str = "baseline") -> dict[str, Any]:
    """``stage`` (or ``all``) on ``path`` with each engine, alternated ``repeat`` times:
    median wall, its ratio to ``floor``, peak memory of the process tree."""
    import statistics

    bench = _module("bench_run", ROOT / "benchmarks" / "run.py")
    env = {**os.environ, "PDCA_HOME": str(project), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    runs: dict[str, list[tuple[float, int, int]]] = {engine: [] for engine in engines}
    alone: dict[str, list[tuple[float, int, int]]] = {engine: [] for engine in engines}
    used: dict[str, list[str]] = {engine: [] for engine in engines}
    each: dict[str, list[dict[str, float]]] = {engine: [] for engine in engines}
    for _ in range(repeat):
        for engine in engines:
            which = ["--all"] if stage == "all" else [stage]
            command = [str(Path(sys.executable).parent / "pdca"), "run", bench.CYCLE,
                       *which, "--data", str(path), "-p", "engine", engine]
            runs[engine].append(bench.run_measured(command, env, project))
            used[engine].append(", ".join(
                f"{s} {_engine_used(project, bench.CYCLE, s)}"
                for s in (STAGES if stage == "all" else [stage])))
            if stage == "all":
                each[engine].append(_stage_seconds(project, bench.CYCLE))
                continue
            notebook = [sys.executable, "-c", bench.PAPERMILL_AS_PDCA,
                        str(project / "notebooks" / f"{stage}.ipynb"),
                        str(project / f"alone-{engine}.ipynb"), "-k", "python3",
                        "--no-progress-bar", "-p", "data_path", str(path), "-p", "engine",
                        engine]
            alone[engine].append(bench.run_measured(notebook, env, project))
    out = {}
    for engine, measured in runs.items():
        wall = statistics.median(m[0] for m in measured)
        out[engine] = {"seconds": wall, "runs": [m[0] for m in measured],
                       "over_floor": wall / floor,
                       "peak_gib": max(m[1] for m in measured) / 2**30,
                       "ok": all(m[2] == 0 for m in measured), "read_by": used[engine]}
        if each[engine]:
            out[engine]["stage_seconds"] = {
                s: statistics.median(r[s] for r in each[engine] if s in r)
                for s in STAGES if any(s in r for r in each[engine])}
        if not alone[engine]:
            continue
        notebook = statistics.median(m[0] for m in alone[engine])
        out[engine]["notebook_alone"] = {
            "seconds": notebook, "over_floor": notebook / floor,
            "peak_gib": max(m[1] for m in alone[engine]) / 2**30,
            "ok": all(m[2] == 0 for m in alone[engine])}
    return out


def _stage_seconds(project: Path, cycle: str) -> dict[str, float]:
    """Each stage's duration in the newest run of each (``provenance.json``: from the run
    directory made to the page written)."""
    out = {}
    for stage in STAGES:
        found = sorted((project / "runs" / cycle / stage).glob("*/provenance.json"))
        if found:
            seconds = json.loads(found[-1].read_text(encoding="utf-8")).get("duration_seconds")
            if seconds is not None:
                out[stage] = float(seconds)
    return out


def _engine_used(project: Path, cycle: str, stage: str = "baseline") -> str:
    """How the newest run of ``stage`` read the tickets: ``aggregates`` (an engine: its
    results skip the row-only plausibility check, or say "Read with engine") or
    ``rows``."""
    found = sorted((project / "runs" / cycle / stage).glob("*/results.json"))
    if not found:
        return "no results"
    text = found[-1].read_text(encoding="utf-8")
    skipped = json.loads(text).get("skipped", {})
    if stage == "efficiency":  # no plausibility check on that page: its data line
        page = sorted(found[-1].parent.glob("*.html"))
        said = page[-1].read_text(encoding="utf-8") if page else ""
        return "aggregates" if "Read with engine" in said else "rows"
    return "aggregates" if "plausibility" in skipped else "rows"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1m,10m", help="comma list of 100k, 1m, 10m")
    parser.add_argument("--repeat", type=int, default=3, help="floor runs (median)")
    parser.add_argument("--row-path-max", type=int, default=1_000_000,
                        help="measure the row path up to this many tickets")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--stage", choices=[*STAGES, "all"],
                        help="measure the stage run by pdca instead of the library calls")
    parser.add_argument("--engines", default="pandas,duckdb",
                        help="with --stage: comma list of pandas, duckdb, spark")
    parser.add_argument("--stage-repeat", type=int, default=1,
                        help="with --stage: rounds of every engine (median)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, path = args.child
        result = CHILDREN[kind](path)
        result["peak_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        result["hwm_gib"] = high_water_mark_gib()
        print(json.dumps(result))
        return 0
    results: dict[str, Any] = {"cores": os.cpu_count(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="pdca-bigdata-") as tmp:
        folder = Path(tmp)
        floor = measure_floor(folder, args.repeat)
        results["floor_seconds"] = floor
        print(f"floor F (papermill, imports only): {floor:.1f} s (median of {args.repeat})")
        project = stage_project(folder) if args.stage else None
        for label in args.sizes.split(","):
            n = SIZES[label.strip().lower()]
            made_by = run_child("generate", f"{n}:{folder}")
            path, made = Path(made_by["path"]), made_by["wall"]
            print(f"\n{n:,} tickets: generated in {made:.1f} s "
                  f"({path.stat().st_size / 2**20:.0f} MiB Parquet)")
            size: dict[str, Any] = {"generate_seconds": made}
            if project is not None:
                engines = [e.strip() for e in args.engines.split(",")
                           if e.strip() != "pandas" or n <= args.row_path_max]
                size["stage"] = measure_stage(project, path, engines, args.stage_repeat,
                                              floor, args.stage)
                for engine, figures in size["stage"].items():
                    print(f"  {args.stage} stage, engine {engine:<7} {figures['seconds']:7.1f} s"
                          f"  = {figures['over_floor']:5.2f} x F  peak "
                          f"{figures['peak_gib']:.2f} GiB  "
                          f"{'ok' if figures['ok'] else 'FAILED'} (read "
                          f"{', '.join(sorted(set(figures['read_by'])))})", flush=True)
                    if figures.get("stage_seconds"):
                        print("    each stage (provenance): " + ", ".join(
                            f"{k} {v:.1f} s = {v / floor:.2f} x F"
                            for k, v in figures["stage_seconds"].items()), flush=True)
                    alone = figures.get("notebook_alone")
                    if alone:
                        print(f"    the notebook alone (papermill, its defaults)  "
                              f"{alone['seconds']:7.1f} s  = {alone['over_floor']:5.2f} x F"
                              f"  peak {alone['peak_gib']:.2f} GiB", flush=True)
                if {"pandas", "duckdb"} <= size["stage"].keys():
                    rows, agg = size["stage"]["pandas"], size["stage"]["duckdb"]
                    print(f"  pandas / duckdb: {rows['seconds'] / agg['seconds']:.1f} x the "
                          f"time, {rows['peak_gib'] / agg['peak_gib']:.1f} x the memory")
                path.unlink()
                results["sizes"][label] = size
                continue
            kinds = ["aggregate", "check"] + (["rows"] if n <= args.row_path_max else [])
            for kind in kinds:
                figures = run_child(kind, path)
                size[kind] = figures
                print(f"  {kind:<10} {figures['wall']:7.1f} s  = {figures['wall'] / floor:5.2f} x F"
                      f"  peak {figures['peak_gib']:.2f} GiB (VmHWM "
                      f"{figures['hwm_gib'] or float('nan'):.2f})  "
                      + ", ".join(f"{k} {v:.2f} s" for k, v in figures.items()
                                  if isinstance(v, float) and k not in ("wall", "peak_gib",
                                                                        "hwm_gib", "total")))
            per_kpi = size["aggregate"]["per_kpi"]
            print("  per KPI (statistics from the aggregates): "
                  + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in per_kpi.items()))
            if "rows" in size:
                print(f"  row path / aggregate path: "
                      f"{size['rows']['wall'] / size['aggregate']['wall']:.1f} x the time, "
                      f"{size['rows']['peak_gib'] / size['aggregate']['peak_gib']:.1f} x "
                      "the memory")
            path.unlink()
            results["sizes"][label] = size
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
