"""The runner and the `pdca` command end to end: papermill runs into runs/ with provenance.

These execute the real baseline notebook in a throwaway copy of the project
(notebooks/, pdca/, data/demo) so the repository's runs/ is never touched.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
import yaml

from pdcakit import cli
from pdcakit.run import engine
from pdcakit.run.engine import SharedKernel
from pdcakit.run.project import ProjectPaths
from pdcakit.run.runner import run_stage

ROOT = Path(__file__).resolve().parents[1]
DEMO_TICKETS = ROOT / "data" / "demo" / "tickets.csv"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> ProjectPaths:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "pdca", root / "pdca")
    shutil.copytree(ROOT / "data", root / "data")
    return ProjectPaths(root)


@pytest.fixture(scope="module")
def kernel(project) -> Iterator[SharedKernel]:
    """One kernel for this module's run_stage calls (as `pdca demo` and `--all` share one):
    its start and the stack's imports are paid once; a run after a failed one starts clean.
    The command-line and lone runs start kernels of their own, as a single `pdca run` does."""
    shared = SharedKernel(project.root)
    yield shared
    shared.close()


@pytest.fixture(scope="module")
def monthly_aht_run(project, kernel):
    """Baseline with non-default parameters: monthly periods, AHT headline, lower is better."""
    return run_stage(
        "aht-trial", "baseline",
        {"data_path": str(project.root / "data/demo/tickets.csv"), "period": "M",
         "headline_kpi": "aht", "target_value": "9.5", "target_direction": "lower",
         "kpis": "[fcr, aht, complaint_rate]", "start": "2026-01-05", "end": "2026-04-06",
         "segment_column": "site"},
        paths=project, kernel=kernel,
    )


class TestRunStage:
    def test_run_succeeds_and_writes_every_file(self, monthly_aht_run):
        run = monthly_aht_run
        assert run.ok, run.error
        names = {p.name for p in run.run_dir.iterdir()}
        assert {"baseline.ipynb", "baseline.html", "params.yaml", "results.json",
                "provenance.json"} <= names
        assert run.run_dir.parent == run.run_dir.parents[1] / "baseline"

    def test_results_json_follows_the_parameters(self, monthly_aht_run):
        results = json.loads(monthly_aht_run.results.read_text())
        tickets = pd.read_csv(DEMO_TICKETS, parse_dates=["created_at"])
        window = tickets[(tickets.created_at >= "2026-01-05") & (tickets.created_at < "2026-04-06")]
        assert results["data"]["tickets"] == len(window)
        assert results["data"]["open"] == int(window["resolved_at"].isna().sum())
        assert set(results["kpis"]) == {"fcr", "aht", "complaint_rate"}
        # AHT is the mean handle time: check against pandas directly.
        assert results["kpis"]["aht"]["value"] == pytest.approx(window.handle_minutes.mean())
        assert results["stability"]["kpi"] == "aht"
        assert results["stability"]["control_chart"]["chart"] == "I chart (XmR)"
        assert len(results["stability"]["control_chart"]["centre"]) == 4  # Jan..Apr 6th
        assert results["sample_size"]["kind"] == "mean"
        assert results["sample_size"]["period"] == "month"
        assert results["target"]["direction"] == "lower"
        assert results["segments"]["by"] == "site"

    def test_params_and_provenance(self, monthly_aht_run, project):
        run = monthly_aht_run
        params = yaml.safe_load((run.run_dir / "params.yaml").read_text())
        assert params["target_value"] == 9.5 and params["period"] == "M"
        assert params["kpis"] == ["fcr", "aht", "complaint_rate"]
        prov = json.loads((run.run_dir / "provenance.json").read_text())
        assert prov["status"] == "succeeded" and prov["error"] is None
        assert len(prov["data_sha256"]["data_path"]) == 64
        assert prov["duration_seconds"] > 0
        assert prov["packages"]["pandas"] == pd.__version__

    def test_html_hides_code_and_shows_figures(self, monthly_aht_run):
        html = monthly_aht_run.html.read_text()
        assert "import pandas" not in html and "BaselineSettings.check" not in html
        # charts are drawn as SVG text in figures that enlarge (run.pageparts)
        assert html.count('<figure class="pdca-figure"') >= 4
        assert "Average handle time" in html

    def test_a_second_run_gets_a_new_directory(self, project, kernel, monthly_aht_run):
        # eight weeks of one KPI: what is tested is where the run goes, not its figures
        again = run_stage("aht-trial", "baseline",
                          {"data_path": str(project.root / "data/demo/tickets.csv"),
                           "kpis": "[fcr]", "start": "2026-01-05", "end": "2026-03-02"},
                          paths=project, kernel=kernel)
        assert again.ok, again.error
        assert again.run_dir != monthly_aht_run.run_dir
        assert monthly_aht_run.notebook.exists()  # the earlier run is untouched

    def test_failing_notebook_keeps_run_marked_failed(self, project, kernel, tmp_path):
        bad = tmp_path / "tickets.csv"
        bad.write_text("id,created_at\nT1,not a date\nT2,2026-01-06 10:00\n")
        run = run_stage("broken", "baseline", {"data_path": str(bad)}, paths=project,
                        kernel=kernel)
        assert run.status == "failed"
        assert "DataError" in run.error and "created_at" in run.error
        assert run.error.startswith("section '1. The data' failed: ")  # its heading, not an index
        assert "\n" not in run.error
        assert run.notebook.exists()  # executed up to the failing cell
        prov = json.loads((run.run_dir / "provenance.json").read_text())
        assert prov["status"] == "failed" and prov["error"] == run.error
        page = run.html.read_text(encoding="utf-8")
        body = page[page.index("<body"):]
        assert body.index("pdca-failed") < body.index("The data")  # what failed comes first
        assert "An Exception was encountered" not in page  # papermill's banner is replaced
        assert "<details>" in page and "site-packages" not in page  # traceback folded, no paths
        assert "2. KPI scorecard" not in page  # sections that never ran are not shown


class TestCommandLine:
    def test_run_prints_paths_on_stdout_and_sections_on_stderr(self, project, monkeypatch,
                                                                 capfd):
        # also the progress lines of issue 29 (tests/test_progress_lines.py tests their
        # wording): with the threshold at 0 s every section is named once, on stderr only
        monkeypatch.setenv("PDCA_HOME", str(project.root))
        monkeypatch.setattr(engine, "PROGRESS_AFTER_SECONDS", 0.0)
        code = cli.main(["run", "demo-helpdesk", "baseline", "-p", "kpis", "[fcr]"])
        out, err = capfd.readouterr()  # file-descriptor level: the kernel's stderr too
        assert code == 0, out + err
        assert "without encryption" not in err  # ipykernel's start-up warning is kept out
        assert "demo-helpdesk / baseline: succeeded" in out
        for label in ("notebook", "HTML", "results"):
            assert label in out
        run_dir = sorted((project.runs / "demo-helpdesk" / "baseline").iterdir())[-1]
        results = json.loads((run_dir / "results.json").read_text())
        assert results["target"]["value"] == 0.74  # from the cycle record
        lines = [line for line in err.splitlines() if line.startswith("baseline: section ")]
        total = int(lines[0].split("/")[1].split()[0])
        assert lines[0].startswith("baseline: section 1/")
        assert len(lines) == total  # every section, each once
        assert all(line.endswith(" ...") for line in lines)
        assert "baseline: section" not in out  # stdout keeps the run's paths only
        for page in (run_dir / "baseline.ipynb", run_dir / "baseline.html"):
            assert "baseline: section" not in page.read_text(encoding="utf-8")

    def test_unknown_parameter_exits_two_with_suggestion(self, project, monkeypatch, capsys):
        monkeypatch.setenv("PDCA_HOME", str(project.root))
        code = cli.main(["run", "demo-helpdesk", "baseline", "-p", "alpah", "0.1"])
        err = capsys.readouterr().err
        assert code == 2
        assert "unknown parameter 'alpah'" in err and "alpha" in err

    def test_bad_cycle_id_exits_two(self, project, monkeypatch, capsys):
        monkeypatch.setenv("PDCA_HOME", str(project.root))
        assert cli.main(["run", "../escape", "baseline"]) == 2
        assert "invalid cycle id" in capsys.readouterr().err

    def test_failed_run_exits_one(self, project, monkeypatch, capsys, tmp_path):
        # A problem only the full load finds (resolved before created): the run starts,
        # fails in its data section and is kept; a missing file never starts (exit 2).
        monkeypatch.setenv("PDCA_HOME", str(project.root))
        bad = tmp_path / "cases.csv"
        bad.write_text("id,created_at,resolved_at\nC1,2026-01-05,2026-01-02\n"
                       "C2,2026-01-06,2026-01-07\n")
        code = cli.main(["run", "demo-helpdesk", "baseline", "--data", str(bad),
                         "-p", "headline_kpi", "time_to_resolve"])
        assert code == 1
        assert "FAILED: section '1. The data' failed" in capsys.readouterr().out
        assert cli.main(["run", "demo-helpdesk", "baseline", "--data",
                         str(tmp_path / "missing.csv")]) == 2
        assert "missing.csv: file not found" in capsys.readouterr().err

    def test_params_lists_help(self, project, monkeypatch, capsys):
        monkeypatch.setenv("PDCA_HOME", str(project.root))
        assert cli.main(["params", "baseline"]) == 0
        out = capsys.readouterr().out
        assert "significance level" in out and "alpha" in out


class TestAbandonedRuns:
    def _fake_run(self, project, name, **prov):
        run_dir = project.runs / "killed" / "baseline" / name
        run_dir.mkdir(parents=True)
        (run_dir / "provenance.json").write_text(json.dumps(prov))
        return run_dir

    def test_dead_running_run_is_marked_incomplete(self, project):
        import socket
        import subprocess
        import sys

        from pdcakit.run.runner import mark_abandoned_runs

        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
        host = socket.gethostname()
        gone = self._fake_run(project, "20260101T000000Z", status="running",
                              pid=int(dead.stdout), host=host)
        alive = self._fake_run(project, "20260101T000001Z", status="running",
                               pid=os.getpid(), host=host)
        done = self._fake_run(project, "20260101T000002Z", status="succeeded",
                              pid=int(dead.stdout), host=host)
        assert mark_abandoned_runs(project, "killed") == [gone]
        assert json.loads((gone / "provenance.json").read_text())["status"] == "incomplete"
        assert json.loads((alive / "provenance.json").read_text())["status"] == "running"
        assert json.loads((done / "provenance.json").read_text())["status"] == "succeeded"


@pytest.fixture(scope="module")
def compare_run(project, kernel):
    """Compare stage with non-default parameters: 8-week windows, BH, three KPIs."""
    return run_stage(
        "compare-trial", "compare",
        {"data_path": str(project.root / "data/demo/tickets.csv"), "change_date": "2026-04-06",
         "weeks_before": "8", "weeks_after": "8", "multiplicity": "bh",
         "kpis": "[fcr, aht, reopen_rate]", "targets": "{fcr: 0.72}",
         "time_view_kpis": "[fcr]", "segment_kpis": "[fcr]", "mix_kpis": "[fcr]",
         "training_path": ""},
        paths=project, kernel=kernel,
    )


class TestCompareRun:
    def test_results_json_has_a_verdict_per_kpi(self, compare_run):
        assert compare_run.ok, compare_run.error
        results = json.loads(compare_run.results.read_text())
        assert results["stage"] == "compare" and results["multiplicity"] == "bh"
        assert set(results["kpis"]) == {"fcr", "aht", "reopen_rate"}
        fcr = results["kpis"]["fcr"]
        assert fcr["verdict"] == "improved" and fcr["target_met"] is True
        assert fcr["p_adjusted"] >= fcr["pvalue"]
        assert fcr["test"] == "two-proportion chi-square test"
        # no effect injected: not called a change (the interval reaches past 10% of 5.2%)
        assert results["kpis"]["reopen_rate"]["verdict"] in ("no change", "not enough data")
        assert results["windows"]["before_start"] == "2026-02-09"

    def test_windows_follow_the_parameters(self, compare_run):
        results = json.loads(compare_run.results.read_text())
        tickets = pd.read_csv(DEMO_TICKETS, parse_dates=["created_at"])
        before = tickets[(tickets.created_at >= "2026-02-09")
                         & (tickets.created_at < "2026-04-06")]
        assert results["kpis"]["fcr"]["before"]["n"] == len(before)

    def test_html_reads_without_code(self, compare_run):
        html = compare_run.html.read_text()
        assert "CompareSettings.check" not in html
        assert "Benjamini-Hochberg" in html and "Why each test" in html
        assert html.count('<figure class="pdca-figure"') >= 3


class TestEfficiencyRun:
    def test_steps_only_run_without_cost(self, all_stages, project):
        # No ticket data and no cost per hour: the step table alone, money skipped.
        run_dir = all_stages.run_dir("efficiency")
        results = json.loads((run_dir / "results.json").read_text())
        assert results["data"] is None and results["gains"] == {}
        assert results["steps"]["gain"] == pytest.approx(41 / 151)
        # (5.5 + 2 + 1 + 0.5 + 2) minutes saved x the table's email tickets a week / 60
        steps = pd.read_csv(project.root / "data/demo/process_steps.csv")
        volume = float(steps["volume"].iloc[0])
        assert results["capacity"]["hours_per_week"][0] == pytest.approx(11 * volume / 60)
        assert results["money"] is None
        html = (run_dir / "efficiency.html").read_text()
        assert "Skipped: <strong>Money" in html and "process-step table alone" in html

    def test_nothing_to_measure_fails_with_a_clear_error(self, project, kernel):
        run = run_stage("nothing", "efficiency", {"data_path": "", "steps_path": ""},
                        paths=project, kernel=kernel)
        assert not run.ok
        assert "nothing to measure" in run.error


def test_demo_walks_the_cycle_to_act(demo_project):
    paths, out = demo_project
    for stage in cli.DEMO_STAGES:
        assert f"demo-helpdesk / {stage}: succeeded" in out
    assert "moved from check to act" in out and "decision adopt recorded" in out
    runs = paths.root / "runs" / "demo-helpdesk" / "efficiency"
    results = json.loads(next(runs.glob("*/results.json")).read_text())
    assert results["money"]["currency"] == "EUR"
    assert results["gains"]["aht"]["gain"] > 0
    record = yaml.safe_load((paths.root / "pdca" / "demo-helpdesk.yaml").read_text())
    assert record["stage"] == "act" and record["decision"]["decision"] == "adopt"
    assert [e["stage"] for e in record["log"] if e["event"] == "run"] == list(cli.DEMO_STAGES)
    portfolio = (paths.root / "runs" / "index.html").read_text()
    assert "demo-helpdesk" in portfolio and "adopt" in portfolio
    page = (paths.root / "runs" / "demo-helpdesk" / "index.html").read_text()
    for stage in cli.DEMO_STAGES:
        assert f"Full {stage} notebook" in page


def _shown_text(path: Path) -> list[str]:
    """Every text a reader sees in a notebook's outputs (the injected parameters left out)."""
    nb = json.loads(path.read_text())
    shown = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "injected-parameters" in cell["metadata"].get("tags", []):
            continue
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain")
            if text:
                shown.append("".join(text))
    return shown


def test_demo_notebooks_read_as_the_templates_run_alone(demo_project, tmp_path):
    # the demo runs stages side by side, several in one kernel on a 2-core machine
    # (engine.SharedKernel); each executed notebook must say exactly what the same
    # template says when run alone, in a kernel of its own, with the same parameters.
    # The lone runs go to a copy: the demo project is read by tests on other workers.
    paths, _ = demo_project
    alone_paths = ProjectPaths(tmp_path / "alone")
    shutil.copytree(paths.root, alone_paths.root, ignore=shutil.ignore_patterns("runs"))
    for stage in cli.DEMO_STAGES:
        run_dir = sorted((paths.runs / "demo-helpdesk" / stage).glob("*/"))[-1]
        parameters = yaml.safe_load((run_dir / "params.yaml").read_text(encoding="utf-8"))
        parameters.pop("results_path", None)
        alone = run_stage("demo-alone", stage, parameters, paths=alone_paths,
                          render_html=False)
        assert alone.ok, alone.error
        assert _shown_text(run_dir / f"{stage}.ipynb") == _shown_text(alone.notebook), stage


class AllStages(NamedTuple):
    """What `pdca run all-stages --all` printed and returned, and where it ran."""

    code: int
    out: str
    project: ProjectPaths
    marker: Path

    def run_dir(self, stage: str) -> Path:
        [run_dir] = (self.project.runs / "all-stages" / stage).iterdir()
        return run_dir


@pytest.fixture(scope="module")
def all_stages(project) -> AllStages:
    """`pdca run all-stages --all` on a record with a baseline (FCR, January to April) and a
    steps-only efficiency run (no tickets, no cost per hour, a waiting step) whose currency
    is code: papermill writes parameters as Python literals, so it must stay text."""
    from pdcakit.tracker.moves import new_cycle
    from pdcakit.tracker.record import edit_record

    marker = project.root / "PWNED"
    payload = f'EUR"); open(r"{marker}", "w").write("x"); print("'
    new_cycle(project, "all-stages", title="Run every stage", metric="fcr")
    with edit_record(project, "all-stages") as data:
        data["stages"] = {
            "baseline": {"parameters": {"data_path": "data/demo/tickets.csv",
                                        "kpis": ["fcr"], "start": "2026-01-05",
                                        "end": "2026-04-06"}},
            "efficiency": {"parameters": {"data_path": "", "cost_per_hour": 0,
                                          "steps_path": "data/demo/process_steps.csv",
                                          "waiting_steps": ["wait for customer"],
                                          "currency": payload}},
        }
    before, out = Path.cwd(), io.StringIO()
    os.chdir(project.root)
    try:
        with contextlib.redirect_stdout(out):
            code = cli.main(["run", "all-stages", "--all"])
    finally:
        os.chdir(before)
    return AllStages(code, out.getvalue(), project, marker)


def test_run_all_runs_the_record_stages_and_logs_them(all_stages, project):
    from pdcakit.tracker.record import read_cycle

    assert all_stages.code == 0, all_stages.out
    assert "all-stages / baseline: succeeded" in all_stages.out
    assert "all-stages / efficiency: succeeded" in all_stages.out
    assert "compare" not in all_stages.out
    runs = read_cycle(project, "all-stages").runs()
    assert [(r["stage"], r["status"]) for r in runs] == [("baseline", "succeeded"),
                                                         ("efficiency", "succeeded")]


def test_parameters_reach_the_notebook_as_literals(all_stages):
    # papermill writes parameters as Python literals: code in a value is text, never run.
    assert "all-stages / efficiency: succeeded" in all_stages.out, all_stages.out
    assert not all_stages.marker.exists()
    params = yaml.safe_load((all_stages.run_dir("efficiency") / "params.yaml").read_text())
    assert params["currency"] == f'EUR"); open(r"{all_stages.marker}", "w").write("x"); print("'


def test_sigkill_mid_run_leaves_the_run_incomplete_and_the_record_intact(project, capsys,
                                                                        monkeypatch):
    import signal
    import subprocess
    import sys
    import time

    from pdcakit.tracker.moves import new_cycle

    new_cycle(project, "killed-run", title="Killed mid-way", metric="fcr")
    record_before = project.record("killed-run").read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-m", "pdcakit.cli", "run", "killed-run", "compare",
         "--data", str(project.root / "data/demo/tickets.csv"), "-p", "change_date",
         "2026-04-06"],
        cwd=project.root, start_new_session=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    runs = project.runs / "killed-run" / "compare"
    deadline = time.monotonic() + 120
    while not list(runs.glob("*/provenance.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # let the kernel start
    os.killpg(child.pid, signal.SIGKILL)  # pdca and its kernel, as a crash would
    child.wait(30)
    assert project.record("killed-run").read_bytes() == record_before
    monkeypatch.chdir(project.root)
    assert cli.main(["status", "killed-run"]) == 0
    assert "never finished and is now marked incomplete" in capsys.readouterr().err
    provenance = json.loads(next(runs.glob("*/provenance.json")).read_text())
    assert provenance["status"] == "incomplete"
