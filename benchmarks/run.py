#!/usr/bin/env python
"""Performance harness: `make bench` (100k and 1M tickets) or `make bench-full` (adds 5M).

Everything is measured in the same run, each figure the median of ``--repeat``
runs, and reported as a ratio to a baseline measured alongside:

- floor F: papermill executing a notebook that only imports the libraries the
  stage notebooks import (Python start, kernel start, imports: the unavoidable cost);
- the demo cycle (`pdca demo`: three stages, HTML, moves, decision, reports) / F,
  measured in alternation with F (the median of the rounds' ratios);
- each stage and `pdca run --all` on generated tickets (CSV and Parquet): wall time
  and peak memory of the whole process tree (the CLI, its workers and kernels);
- the stats engine alone: `compare.compare_kpis` over every KPI at 1M tickets, and a
  BCa bootstrap CI of a ratio of means (2,000 resamples, 100k a group) against
  `scipy.stats.bootstrap`;
- the same tests through pingouin / plain scipy on the same data (the peers): the
  numbers must agree; the speed ratio is printed.

Prints a table and writes ``benchmarks/results/<UTC stamp>.json`` (and
``latest.json``). Generated data and the scratch project live in
``benchmarks/.work/`` (ignored by git). No figure here is asserted by the tests.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / ".work"
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent
SIZES = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
STAGES = ("baseline", "compare", "efficiency")
CYCLE = "demo-helpdesk"
# What the stage notebooks import: their setup cells, plus what the library imports on
# the way (the statsmodels modules it uses, never the whole statsmodels.api; the compiled
# bootstrap kernels). Kept in step with lib/pdcakit by tests/test_benchmarks.py.
FLOOR_IMPORTS = ("%matplotlib inline\n"
                 "import numpy, pandas, scipy.stats, matplotlib.pyplot\n"
                 "import statsmodels.duration.survfunc, statsmodels.genmod.families\n"
                 "import statsmodels.genmod.generalized_linear_model\n"
                 "import statsmodels.stats.contingency_tables, statsmodels.stats.multitest\n"
                 "import statsmodels.stats.proportion, statsmodels.stats.stattools\n"
                 "import statsmodels.tsa.stattools, statsmodels.stats.inter_rater\n"
                 "import statsmodels.miscmodels.ordinal_model\n"
                 "import statsmodels.regression.linear_model\n"
                 "from pdcakit import data, metrics, stats, spc, plots, check, efficiency, money\n"
                 "from pdcakit.stats import _kernels")
# papermill's own command line, started the way `pdca` starts (startup.py: the optional
# import jsonschema would spend ~3 s on is skipped), so F holds only unavoidable costs
PAPERMILL_AS_PDCA = ("from pdcakit.run.startup import skip_unused_optional_imports; "
                     "skip_unused_optional_imports(); "
                     "from papermill.cli import papermill; papermill()")

TARGETS = {  # name -> (limit, unit, what)
    "demo_over_floor": (2.0, "x F", "demo cycle, all stages and reports"),
    "compare_over_baseline_1m": (1.5, "x baseline", "1M tickets, compare / baseline stage"),
    "all_stages_1m_seconds": (30.0, "s", "1M tickets, all three stages"),
    "all_stages_1m_peak_gib": (2.0, "GiB", "1M tickets, all three stages, peak memory"),
    "all_stages_5m_over_1m": (5.5, "x 1M", "5M tickets / 1M tickets time"),
    "all_stages_5m_peak_gib": (8.0, "GiB", "5M tickets, peak memory"),
    "compare_kpis_1m_seconds": (2.0, "s", "compare over all KPIs at 1M rows"),
    "bootstrap_seconds": (1.0, "s", "BCa ratio of means, 2,000 x 100k a group"),
    "bootstrap_over_scipy": (1.0, "x scipy", "same, against scipy.stats.bootstrap"),
}


# ---------------------------------------------------------------- measuring
def median_of(repeat: int, func: Callable[[], float]) -> tuple[float, list[float]]:
    values = [func() for _ in range(repeat)]
    return statistics.median(values), values


def tree_rss(process: Any) -> int:
    """Memory of a process and all its descendants, in bytes: the proportional set size
    (PSS, /proc/PID/smaps_rollup), so pages the processes share (the same libraries in
    every kernel) count once; the resident set size where PSS cannot be read."""
    import psutil

    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            try:
                total += proc.memory_full_info().pss
            except (AttributeError, psutil.AccessDenied):  # no PSS on this platform
                total += proc.memory_info().rss
    return total


def run_measured(command: Sequence[str], env: dict[str, str],
                 cwd: Path) -> tuple[float, int, int]:
    """Run ``command``; return (wall seconds, peak PSS of its process tree, exit code).

    The tree (CLI, worker processes, Jupyter kernels) is sampled every 100 ms, so
    stages running side by side are counted together.
    """
    import psutil

    peak = 0
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    watched = psutil.Process(proc.pid)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            with contextlib.suppress(psutil.Error):
                peak = max(peak, tree_rss(watched))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        print(f"  ! {' '.join(command[:4])} ... exited {proc.returncode}: {tail}",
              file=sys.stderr)
    return wall, peak, proc.returncode


# ---------------------------------------------------------------- setup
def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_demo", ROOT / "data" /
                                                  "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tickets_file(label: str, fmt: str) -> Path:
    """Generated tickets for ``label`` (e.g. "1m") in ``fmt``, made once and kept."""
    folder = WORK / "data" / label
    path = folder / f"tickets.{fmt}"
    stamp = folder / f".{fmt}.done"
    if stamp.exists() and path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    generator = load_generator()
    started = time.perf_counter()
    frame = generator.generate_tickets(SIZES[label])
    written = generator._write(frame, folder / "tickets", fmt)
    stamp.write_text(f"{SIZES[label]} tickets in {time.perf_counter() - started:.1f} s\n")
    return written


def scratch_project() -> Path:
    """A copy of the project's notebooks, records and demo data to run in."""
    project = WORK / "project"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in ("notebooks", "pdca", "data"):
        shutil.copytree(ROOT / name, project / name,
                        ignore=shutil.ignore_patterns("*.lock", "__pycache__"))
    return project


def floor_notebook(project: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("unused = 0", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(FLOOR_IMPORTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = project / "floor.ipynb"
    nbformat.write(nb, path)
    return path


# ---------------------------------------------------------------- sections
def measure_floor_and_demo(project: Path, env: dict[str, str], repeat: int,
                           with_demo: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """F, and the demo cycle as a multiple of F, measured in alternation.

    F: papermill executing a notebook that only imports what the stages import,
    started as ``pdca`` starts papermill (the unit of every ratio); the stock
    ``python -m papermill`` is timed beside it for context (it also pays for
    jsonschema's unused optional import). Each round runs F, stock F and the demo
    one after the other, so a machine whose speed drifts (shared cores) slows all
    three alike; the demo's ratio is the median of the rounds' ratios.
    """
    notebook = floor_notebook(project)
    arguments = [str(notebook), str(project / "floor-out.ipynb"), "-k", "python3",
                 "--no-progress-bar"]
    lean = [sys.executable, "-c", PAPERMILL_AS_PDCA, *arguments]
    stock = [sys.executable, "-m", "papermill", *arguments]
    walls, stock_walls, demos = [], [], []
    for _ in range(repeat):
        walls.append(run_measured(lean, env, project)[0])
        stock_walls.append(run_measured(stock, env, project)[0])
        if with_demo:
            demos.append(run_measured([str(BIN / "pdca"), "demo"], env, project))
    floor = {"seconds": statistics.median(walls), "runs": walls,
             "stock_papermill_seconds": statistics.median(stock_walls),
             "stock_papermill_runs": stock_walls}
    if not with_demo:
        return floor, None
    demo_walls = [d[0] for d in demos]
    ratios = [d / f for d, f in zip(demo_walls, walls, strict=True)]
    demo = {"seconds": statistics.median(demo_walls), "runs": demo_walls,
            "over_floor": statistics.median(ratios), "over_floor_runs": ratios,
            "over_stock_papermill": statistics.median(
                d / f for d, f in zip(demo_walls, stock_walls, strict=True)),
            "peak_gib": max(d[1] for d in demos) / 2**30, "ok": all(d[2] == 0 for d in demos)}
    return floor, demo


def measure_stages(project: Path, env: dict[str, str], label: str, fmt: str,
                   repeat: int) -> dict[str, Any]:
    data_file = tickets_file(label, fmt)
    out: dict[str, Any] = {"tickets": SIZES[label], "format": fmt, "file": data_file.name,
                           "file_mb": data_file.stat().st_size / 2**20}
    jobs = {stage: [str(BIN / "pdca"), "run", CYCLE, stage, "--data", str(data_file)]
            for stage in STAGES}
    jobs["all"] = [str(BIN / "pdca"), "run", CYCLE, "--all", "--data", str(data_file)]
    for name, command in jobs.items():
        measured = [run_measured(command, env, project) for _ in range(repeat)]
        out[name] = {"seconds": statistics.median(m[0] for m in measured),
                     "runs": [m[0] for m in measured],
                     "peak_gib": max(m[1] for m in measured) / 2**30,
                     "ok": all(m[2] == 0 for m in measured)}
        print(f"  {label:>4} {fmt:<7} {name:<10} {out[name]['seconds']:7.1f} s  "
              f"{out[name]['peak_gib']:5.2f} GiB  {'ok' if out[name]['ok'] else 'FAILED'}",
              flush=True)
    return out


def windows_of(label: str) -> tuple[Any, Any]:
    from pdcakit import data
    from pdcakit.stages.windows import Windows

    tickets = data.load_tickets(tickets_file(label, "parquet"))
    before, after = Windows.around("2026-04-06", weeks_before=13, weeks_after=13).split(tickets)
    return before, after


def measure_engine(repeat: int) -> dict[str, Any]:
    """compare over all KPIs at 1M rows; the bootstrap against scipy.stats.bootstrap."""
    from scipy import stats as sps

    from pdcakit import stats
    from pdcakit.run.params import declared_parameters
    from pdcakit.stages import compare, windows

    before, after = windows_of("1m")
    kpis = ast.literal_eval(declared_parameters(ROOT / "notebooks" / "compare.ipynb")["kpis"]
                            .default)  # the compare notebook's own KPI list
    settings = windows.CompareSettings.check(kpis=kpis)
    seconds, runs = median_of(repeat, lambda: _timed(lambda: compare.compare_kpis(
        before, after, settings)))
    out: dict[str, Any] = {"compare_kpis_1m": {"seconds": seconds, "runs": runs,
                                               "kpis": len(settings.kpis),
                                               "rows": len(before) + len(after)}}

    rng = np.random.default_rng(20261125)
    b, a = rng.lognormal(2.3, 0.6, 100_000), rng.lognormal(2.2, 0.6, 100_000)
    result = stats.ratio_of_means(b, a, n_resamples=2000)
    ours, our_runs = median_of(repeat, lambda: _timed(lambda: stats.ratio_of_means(
        b, a, n_resamples=2000)))

    def scipy_call() -> Any:
        return sps.bootstrap((b, a), lambda x, y, axis=-1: y.mean(axis) / x.mean(axis),
                             n_resamples=2000, method="percentile", vectorized=True,
                             rng=np.random.default_rng(1))

    peer = scipy_call().confidence_interval
    theirs, their_runs = median_of(repeat, lambda: _timed(scipy_call))
    out["bootstrap_ratio_of_means"] = {
        "rows_per_group": 100_000, "resamples": 2000, "seconds": ours, "runs": our_runs,
        "method": result.method, "ci": list(result.ci),
        "scipy_seconds": theirs, "scipy_runs": their_runs,
        "scipy_method": "percentile (scipy's BCa jackknife needs 100k x 100k values here)",
        "scipy_ci": [float(peer.low), float(peer.high)],
        "over_scipy": ours / theirs,
        "agree": bool(abs(result.ci[0] - peer.low) < 0.002 and abs(result.ci[1] - peer.high)
                      < 0.002),
    }
    return out


def _column(frame: Any, *names: str) -> Any:
    """The first of ``names`` that ``frame`` has (pingouin renamed p-val to p_val in 0.7)."""
    for name in names:
        if name in frame:
            return frame[name]
    raise KeyError(f"none of {names} in {list(frame.columns)}")


def _timed(func: Callable[[], Any]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def measure_peers(repeat: int) -> dict[str, Any]:
    """Our tests against pingouin / plain scipy on the 1M tickets: agreement and speed."""
    from scipy import special
    from scipy import stats as sps

    from pdcakit import metrics, stats

    try:
        import pingouin
    except ImportError:  # pragma: no cover - installed by `make bench`
        pingouin = None
    before, after = windows_of("1m")
    hb, ha = (w["handle_minutes"].dropna().to_numpy(float) for w in (before, after))
    cb, ca = (w["csat"].dropna().to_numpy(float) for w in (before, after))
    fb, fa = (w["first_contact_resolved"].dropna().to_numpy(bool) for w in (before, after))
    (tb, ob), (ta, oa) = (metrics.duration_minutes(w, "time_to_resolve")
                          for w in (before, after))
    table = np.array([[fb.sum(), fb.size - fb.sum()], [fa.sum(), fa.size - fa.sum()]])

    def welch_with_ci_and_g() -> tuple[Any, Any, float]:
        """What welch_t reports, from plain scipy / numpy: t, p, CI of the difference and
        Hedges' g."""
        res = sps.ttest_ind(ha, hb, equal_var=False)
        n1, n2 = hb.size, ha.size
        pooled = np.sqrt(((n1 - 1) * hb.var(ddof=1) + (n2 - 1) * ha.var(ddof=1)) / (n1 + n2 - 2))
        m = n1 + n2 - 2
        j = np.exp(special.gammaln(m / 2) - special.gammaln((m - 1) / 2)) / np.sqrt(m / 2)
        return res, res.confidence_interval(), (ha.mean() - hb.mean()) / pooled * j

    def logrank_with_medians() -> tuple[Any, float, float]:
        """What stats.logrank reports, from plain scipy: the test and both KM medians."""
        groups = [sps.CensoredData(uncensored=t[o], right=t[~o]) for t, o in ((ta, oa), (tb, ob))]
        res = sps.logrank(*groups)
        medians = []
        for group in groups:
            sf = sps.ecdf(group).sf
            medians.append(float(sf.quantiles[np.argmax(sf.probabilities <= 0.5)]))
        return res, *medians

    cases: dict[str, tuple[Callable[[], Any], Callable[[], Any], Callable[[Any, Any], bool],
                           str]] = {
        "welch_t": (lambda: stats.welch_t(hb, ha), welch_with_ci_and_g,
                    lambda o, p: np.isclose(abs(o.statistic), abs(p[0].statistic), rtol=1e-9)
                    and np.isclose(o.pvalue, p[0].pvalue, rtol=1e-6, atol=1e-300)
                    and np.allclose(o.ci, (p[1].low, p[1].high), rtol=1e-9)
                    and np.isclose(o.effect_size, p[2], rtol=1e-9),
                    "scipy.stats.ttest_ind(equal_var=False) + its CI + Hedges' g in numpy"),
        "mann_whitney": (lambda: stats.mann_whitney(cb, ca),
                         lambda: sps.mannwhitneyu(ca, cb, alternative="two-sided"),
                         lambda o, p: np.isclose(o.pvalue, p.pvalue, rtol=1e-6, atol=1e-300),
                         "scipy.stats.mannwhitneyu (the test only: scipy has no "
                         "Hodges-Lehmann shift or CI, which ours adds)"),
        "two_proportions": (lambda: stats.two_proportions(int(fb.sum()), fb.size,
                                                          int(fa.sum()), fa.size),
                            lambda: sps.chi2_contingency(table, correction=False),
                            lambda o, p: np.isclose(o.statistic, p.statistic, rtol=1e-9),
                            "scipy.stats.chi2_contingency(correction=False) (the test only: "
                            "ours adds the Newcombe CI and the risk ratio)"),
        "logrank": (lambda: stats.logrank(tb, ob, ta, oa), logrank_with_medians,
                    lambda o, p: np.isclose(o.statistic, p[0].statistic ** 2, rtol=1e-9)
                    and np.isclose(o.extra["median_before"], p[2], rtol=1e-9)
                    and np.isclose(o.extra["median_after"], p[1], rtol=1e-9),
                    "scipy.stats.logrank + both Kaplan-Meier medians from scipy.stats.ecdf "
                    "(ours adds the CI of their difference)"),
    }
    if pingouin is not None:
        cases["welch_t_pingouin"] = (
            lambda: stats.welch_t(hb, ha),
            lambda: pingouin.ttest(ha, hb, correction=True),
            lambda o, p: np.isclose(abs(o.statistic), abs(float(p["T"].iloc[0])), rtol=1e-9),
            "pingouin.ttest(correction=True)")
        # pingouin.mwu forms the n x m matrix of differences (its CLES): 160 GiB at 1M
        # tickets, so it is compared on the first 10,000 ratings of each window.
        cb10, ca10 = cb[:10_000], ca[:10_000]
        cases["mann_whitney_pingouin_10k"] = (
            lambda: stats.mann_whitney(cb10, ca10),
            lambda: pingouin.mwu(ca10, cb10, alternative="two-sided"),
            lambda o, p: np.isclose(o.pvalue, float(_column(p, "p_val", "p-val").iloc[0]),
                                    rtol=1e-6, atol=1e-300),
            "pingouin.mwu")
    out = {}
    for name, (ours, peer, agree, peer_name) in cases.items():
        try:
            our_result, peer_result = ours(), peer()
            agrees = bool(agree(our_result, peer_result))
        except Exception as exc:  # a peer that cannot run at this size is reported, not fatal
            out[name] = {"peer": peer_name, "error": f"{type(exc).__name__}: {exc}"[:200]}
            continue
        our_seconds = median_of(repeat, lambda f=ours: _timed(f))[0]
        peer_seconds = median_of(repeat, lambda f=peer: _timed(f))[0]
        out[name] = {"peer": peer_name, "seconds": our_seconds, "peer_seconds": peer_seconds,
                     "over_peer": our_seconds / peer_seconds, "agree": agrees}
    return out


# ---------------------------------------------------------------- report
def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    figures: dict[str, float | None] = {
        "demo_over_floor": results.get("demo", {}).get("over_floor"),
        "compare_kpis_1m_seconds": results.get("engine", {}).get("compare_kpis_1m", {})
        .get("seconds"),
        "bootstrap_seconds": results.get("engine", {}).get("bootstrap_ratio_of_means", {})
        .get("seconds"),
        "bootstrap_over_scipy": results.get("engine", {}).get("bootstrap_ratio_of_means", {})
        .get("over_scipy"),
    }
    stages = results.get("stages", {})
    pair = stages.get("1m/parquet", {})
    if "baseline" in pair and "compare" in pair:
        figures["compare_over_baseline_1m"] = (pair["compare"]["seconds"]
                                               / pair["baseline"]["seconds"])
    one_m = pair.get("all")
    if one_m:
        figures["all_stages_1m_seconds"] = one_m["seconds"]
        figures["all_stages_1m_peak_gib"] = one_m["peak_gib"]
    five_m = stages.get("5m/parquet", {}).get("all")
    if five_m and one_m:
        figures["all_stages_5m_over_1m"] = five_m["seconds"] / one_m["seconds"]
        figures["all_stages_5m_peak_gib"] = five_m["peak_gib"]
    return {name: {"value": value, "limit": TARGETS[name][0], "unit": TARGETS[name][1],
                   "what": TARGETS[name][2], "met": value <= TARGETS[name][0]}
            for name, value in figures.items() if value is not None}


def floor_ratios(results: dict[str, Any]) -> dict[str, float]:
    """Every figure of a results file as a ratio to the floor F of the same run: each
    stage (``stage 1m/parquet compare``), the demo, ``compare_kpis`` at 1M, and the
    compare stage over the baseline stage of the same size and format. Empty without F.

    >>> floor_ratios({"floor": {"seconds": 4.0}, "demo": {"over_floor": 2.5},
    ...               "stages": {"1m/parquet": {"baseline": {"seconds": 20.0},
    ...                                         "compare": {"seconds": 26.0}}}})
    {'demo': 2.5, 'stage 1m/parquet baseline': 5.0, 'stage 1m/parquet compare': 6.5, \
'compare / baseline 1m/parquet': 1.3}
    """
    floor = results.get("floor", {}).get("seconds")
    out: dict[str, float] = {}
    if "over_floor" in results.get("demo", {}):
        out["demo"] = results["demo"]["over_floor"]
    for size, stages in results.get("stages", {}).items():
        for stage, figure in stages.items():
            if floor and isinstance(figure, dict) and "seconds" in figure:
                out[f"stage {size} {stage}"] = figure["seconds"] / floor
        if "baseline" in stages and "compare" in stages:  # a ratio of its own, F or not
            out[f"compare / baseline {size}"] = (stages["compare"]["seconds"]
                                                 / stages["baseline"]["seconds"])
    kpis = results.get("engine", {}).get("compare_kpis_1m")
    if kpis and floor:
        out["compare_kpis 1m"] = kpis["seconds"] / floor
    return out


def previous_ratios(stamp: str) -> dict[str, float]:
    """Each figure's ratio in the newest results file before run ``stamp`` that has it
    (runs often measure only some sections)."""
    out: dict[str, float] = {}
    for path in sorted((p for p in RESULTS.glob("2*.json") if p.stem < stamp), reverse=True):
        try:
            ratios = floor_ratios(json.loads(path.read_text()))
        except (OSError, ValueError):  # a file cut short by a crash: skipped
            continue
        for name, value in ratios.items():
            out.setdefault(name, value)
    return out


def ratio_lines(now: dict[str, float], before: dict[str, float] | None) -> list[str]:
    """One line per figure: its ratio now, and beside it the previous run's, if any.

    >>> ratio_lines({"demo": 2.1, "stage 1m/parquet compare": 4.0}, {"demo": 2.7})
    ['  demo                                  2.10 x F   (previous 2.70 x F)', \
'  stage 1m/parquet compare              4.00 x F']
    """
    lines = []
    for name, value in now.items():
        unit = "x baseline" if name.startswith("compare / baseline") else "x F"
        line = f"  {name:<36} {value:5.2f} {unit}"
        if before and name in before:
            line += f"   (previous {before[name]:.2f} {unit})"
        lines.append(line)
    return lines


def print_summary(results: dict[str, Any], previous: dict[str, float] | None = None) -> None:
    ratios = floor_ratios(results)
    if ratios:
        print("\n== Ratios to F (measured in this run)"
              + ("; beside them the previous results files' ratios" if previous else ""))
        print("\n".join(ratio_lines(ratios, previous)))
    print("\n== Targets")
    for v in results["targets"].values():
        print(f"  {'met ' if v['met'] else 'MISS'}  {v['what']:<46} {v['value']:8.2f} "
              f"(limit {v['limit']} {v['unit']})")
    if "peers" in results:
        print("\n== Peers (same data; ours / peer time; numbers agree?)")
        for name, v in results["peers"].items():
            if "error" in v:
                print(f"  {name:<22} could not run: {v['error']}")
                continue
            print(f"  {name:<22} {v['seconds']:8.3f} s vs {v['peer_seconds']:8.3f} s  "
                  f"x{v['over_peer']:5.2f}  {'agree' if v['agree'] else 'DISAGREE'}  "
                  f"({v['peer']})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="add 5M tickets")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated sizes from 100k, 1m, 5m (default 100k,1m)")
    parser.add_argument("--formats", default="parquet,csv")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--only", default="floor,demo,stages,engine,peers",
                        help="sections to run")
    args = parser.parse_args(argv)
    sizes = (args.sizes or ("100k,1m,5m" if args.full else "100k,1m")).split(",")
    sections = set(args.only.split(","))

    project = scratch_project()
    env = {**os.environ, "PDCA_HOME": str(project), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(), "repeat": args.repeat,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")

    def save() -> Path:
        """Write what is measured so far (a crash later loses nothing)."""
        results["targets"] = verdicts(results)
        text = json.dumps(results, indent=2, default=float)
        (RESULTS / f"{stamp}.json").write_text(text)
        (RESULTS / "latest.json").write_text(text)
        return RESULTS / f"{stamp}.json"

    print(f"PDCA Workbook benchmarks ({os.cpu_count()} CPUs, median of {args.repeat})")
    floor = None
    if sections & {"floor", "demo"}:
        results["floor"], demo = measure_floor_and_demo(project, env, args.repeat,
                                                        "demo" in sections)
        floor = results["floor"]["seconds"]
        print(f"  floor F (papermill, imports only)   {floor:7.1f} s  (stock papermill "
              f"{results['floor']['stock_papermill_seconds']:.1f} s)", flush=True)
        if demo is not None:
            results["demo"] = demo
            print(f"  demo cycle                           {demo['seconds']:7.1f} s  "
                  f"= {demo['over_floor']:.2f} x F (median of the rounds; "
                  f"{demo['over_stock_papermill']:.2f} x stock papermill)", flush=True)
        save()
    if "stages" in sections:
        results["stages"] = {}
        for label in sizes:
            for fmt in args.formats.split(","):
                if label == "5m" and fmt == "csv":
                    continue  # a 5M-row CSV adds minutes of parsing and says nothing new
                results["stages"][f"{label}/{fmt}"] = measure_stages(project, env, label, fmt,
                                                                     args.repeat)
                save()
    if "engine" in sections:
        results["engine"] = measure_engine(args.repeat)
        e = results["engine"]
        print(f"  compare_kpis at 1M                   {e['compare_kpis_1m']['seconds']:7.2f} s")
        boot = e["bootstrap_ratio_of_means"]
        print(f"  bootstrap ratio of means 2000x100k   {boot['seconds']:7.2f} s  "
              f"(scipy {boot['scipy_seconds']:.2f} s; CIs agree: {boot['agree']})")
        save()
    if "peers" in sections:
        results["peers"] = measure_peers(args.repeat)
    results["ended_at"] = datetime.now(UTC).isoformat()
    written = save()
    print_summary(results, previous_ratios(stamp))
    print(f"\nwritten: {written.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
