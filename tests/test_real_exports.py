"""Real-shaped exports on the first try (issue 14): every stage, only the user's figures.

The exports come from tests/exports.py (a city council's date-only cases with repeated
ids, heavy censoring at the end and 60 categories; the same in Chinese and GB18030; a
help desk without response, handle-time, complaint or channel columns; a month with one
case and months with none inside the compare windows). The first tests check that each
generator makes what it claims and that pdcakit loads it; the slow ones do what a new
user does in a fresh project, with only the README:

    pdca new C --title T --metric time_to_resolve --direction lower --target 10080
    (edit data: tickets, mapping, before, after in pdca/C.yaml)
    pdca run C baseline; pdca run C compare; pdca run C efficiency; pdca report C

and check each exits 0, results.json counts the user's rows and open cases,
provenance.json and results.json name only the user's files (no demo file is read outside
`pdca demo`), the reviewer pages show none of the demo's figures, skipped sections name
the columns that would enable them, and the per-period Kaplan-Meier medians count the open
cases (against scipy).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

import exports  # tests/exports.py (pytest puts tests/ on sys.path)
from pdcakit.run.consistency import compare_problems

ROOT = Path(__file__).resolve().parents[1]
PDCA = Path(sys.executable).parent / "pdca"
STAGES = ("baseline", "compare", "efficiency")
TARGET_MINUTES = 10080.0  # one week
#: Length of a chart period (results.json headline "period").
PERIODS = {"D": pd.DateOffset(days=1), "W": pd.DateOffset(weeks=1), "M": pd.DateOffset(months=1)}
#: Figures of the demo help desk that once appeared on a user's pages (issue 14).
DEMO_FIGURES = (re.compile(r"91\.40\s*%"), re.compile(r"127,213"), re.compile(r"\+409\s*%"),
                re.compile(r"\bEUR\b"), re.compile(r"\bROI\b\W{0,3}[+\-\u2212]?\d"))

SHAPES: dict[str, Callable[[Path], exports.Export]] = {
    "city": exports.city_council_cases,
    "helpdesk": exports.helpdesk_without_response,
    "chinese": exports.chinese_city_council_cases,
    "sparse": exports.sparse_months,
}
#: What a shape's user adds to each `pdca run`: the help desk's times are local times of
#: Shanghai (`-p timezone`), so every stage also runs on zone-aware timestamps (windows,
#: periods, charts); the other shapes keep naive times.
RUN_OPTIONS: dict[str, tuple[str, ...]] = {"helpdesk": ("-p", "timezone", "Asia/Shanghai")}


# ---------------------------------------------------------------- the generators


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, exports.Export]:
    folder = tmp_path_factory.mktemp("exports")
    return {name: make(folder) for name, make in SHAPES.items()}


def test_city_export_is_the_users_shape(made) -> None:
    e = made["city"]
    raw = pd.read_csv(e.path, dtype=str, keep_default_na=False)
    assert list(raw.columns) == ["id", "created_at", "resolved_at", "category"]
    assert len(raw) == e.rows == 20_000
    assert raw["created_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert raw["resolved_at"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()
    repeats = raw["id"].value_counts()
    assert (repeats > 1).sum() == e.repeated_ids == 105 and repeats.max() == 2
    assert len(e.cases) == raw["id"].nunique() == e.rows - 105
    assert raw["category"].nunique() == 60
    assert (raw["resolved_at"] == "").sum() == e.n_open + raw[raw["id"].duplicated()][
        "resolved_at"].eq("").sum()
    assert 0.03 <= e.n_open / len(e.cases) <= 0.05
    created = e.cases["created_at"]
    assert e.cases.loc[created.dt.year == 2024, "is_open"].sum() > 0.6 * e.n_open
    monthly = e.monthly()
    assert len(monthly) == 120 and (monthly["n"] == 0).sum() == 3
    assert monthly.loc["2024", "n"].sum() < 0.5 * monthly.loc["2023", "n"].sum()  # collapse
    closed = e.cases[~e.cases["is_open"]]
    same_day = (closed["resolved_at"] == closed["created_at"]).mean()
    assert 0.3 <= same_day <= 0.45
    assert e.snapshot == max(pd.to_datetime(raw["created_at"]).max(),
                             pd.to_datetime(raw["resolved_at"].replace("", None)).max())
    assert yaml.safe_load(e.mapping.read_text(encoding="utf-8")) == {
        "on_duplicate": "keep_first"}


def test_city_export_scales_to_the_users_size(tmp_path) -> None:
    started = time.perf_counter()
    e = exports.city_council_cases(tmp_path, rows=341_299)
    assert time.perf_counter() - started < 10
    assert e.rows == 341_299 and len(e.cases) == 341_299 - 105


def test_chinese_export_is_the_city_export_in_gb18030(made) -> None:
    zh, en = made["chinese"], made["city"]
    text = zh.path.read_bytes().decode("gb18030")
    assert text.splitlines()[0] == "编号,创建时间,解决时间,类别"
    with pytest.raises(UnicodeDecodeError):
        zh.path.read_bytes().decode("utf-8")
    assert zh.rows == en.rows and zh.n_open == en.n_open
    assert zh.window(*zh.before) == en.window(*en.before)
    assert set(zh.cases["category"]) <= set(exports.CATEGORIES_ZH)
    mapping = yaml.safe_load(zh.mapping.read_text(encoding="utf-8"))
    assert mapping["columns"] == {"id": "编号", "created_at": "创建时间",
                                  "resolved_at": "解决时间", "category": "类别"}
    assert mapping["encoding"] == "gb18030" and mapping["on_duplicate"] == "keep_first"


def test_sparse_export_has_a_one_case_month_and_empty_months_in_its_windows(made) -> None:
    e = made["sparse"]
    monthly = e.monthly()
    assert monthly.loc[exports.SPARSE_ONE_CASE, "n"] == 1
    assert all(monthly.loc[m, "n"] == 0 for m in exports.SPARSE_EMPTY)
    assert e.before[0] <= exports.SPARSE_EMPTY[0] < e.before[1]
    assert e.after[0] <= exports.SPARSE_ONE_CASE < exports.SPARSE_EMPTY[1] < e.after[1]
    assert (monthly.drop(index=[exports.SPARSE_ONE_CASE, *exports.SPARSE_EMPTY])["n"]
            > 50).all()
    assert e.period == "M" and e.mapping is None and e.cases["id"].is_unique


def test_helpdesk_export_lacks_response_handle_complaint_and_channel(made) -> None:
    e = made["helpdesk"]
    raw = pd.read_csv(e.path, dtype=str, keep_default_na=False)
    assert tuple(raw.columns) == e.columns == exports.HELPDESK_COLUMNS
    assert not {"first_response_at", "handle_minutes", "complaint", "channel"} & set(
        raw.columns)
    assert raw["created_at"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}").all()
    assert e.window(*e.before).n + e.window(*e.after).n == e.rows
    assert 0.01 <= e.n_open / e.rows <= 0.04


def _km_median(durations: np.ndarray, observed: np.ndarray) -> tuple[float, ...]:
    """Kaplan-Meier median(s) from scipy: the smallest time with S(t) <= 0.5, and (when S
    is exactly 0.5 over an interval) the midpoint convention R's survfit uses."""
    from scipy import stats
    data = stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    sf = stats.ecdf(data).sf
    times, probs = sf.quantiles, sf.probabilities
    below = np.flatnonzero(probs <= 0.5 + 1e-12)
    if not len(below):
        return (float("nan"),)
    first = float(times[below[0]])
    if abs(probs[below[0]] - 0.5) < 1e-12 and below[0] + 1 < len(times):
        return first, (first + float(times[below[0] + 1])) / 2
    return (first,)


def _minutes_open(cases: pd.DataFrame, snapshot: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Durations in minutes (open cases censored at the snapshot) and whether observed."""
    end = cases["resolved_at"].fillna(snapshot)
    minutes = (end - cases["created_at"]).dt.total_seconds().to_numpy() / 60
    return minutes, ~cases["is_open"].to_numpy()


def test_censoring_moves_the_city_medians_at_the_end_of_the_before_window(made) -> None:
    """The late months' Kaplan-Meier medians differ from the closed-only ones, so a chart
    that drops open cases is caught by the end-to-end check below."""
    e = made["city"]
    late = e.cases[(e.cases["created_at"] >= "2023-12-01") & (e.cases["created_at"] < "2024-01-01")]
    minutes, observed = _minutes_open(late, e.snapshot)
    closed_only = float(np.median(minutes[observed]))
    assert _km_median(minutes, observed)[0] > closed_only


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_pdcakit_loads_each_export_with_its_mapping(made, shape) -> None:
    """Fast check of the loader the notebooks use: the mapping's on_duplicate keeps the
    first row of each repeated id; no open case is lost."""
    from pdcakit import data
    e = made[shape]
    tickets = data.load_tickets(e.path, str(e.mapping) if e.mapping else None)
    assert len(tickets) == len(e.cases)
    assert int(tickets["is_open"].sum()) == e.n_open
    assert pd.Timestamp(tickets.attrs["snapshot"]) == e.snapshot
    start, end = e.before
    window = data.load_tickets(e.path, str(e.mapping) if e.mapping else None,
                               window=(start, end))
    assert exports.WindowCounts(len(window), int(window["is_open"].sum())) == e.window(start, end)


# ---------------------------------------------------------------- a new user's project


@dataclass
class Step:
    """One command a user typed and what it gave."""

    args: tuple[str, ...]
    code: int
    output: str
    seconds: float
    run_dir: Path | None = None

    def describe(self) -> str:
        """The command, its exit status and the error (the run's provenance error, else the
        last lines of its output)."""
        reason = ""
        if self.run_dir is not None and (self.run_dir / "provenance.json").exists():
            reason = _json(self.run_dir / "provenance.json").get("error") or ""
        if not reason:
            reason = " | ".join(self.output.strip().splitlines()[-4:])
        return f"pdca {' '.join(self.args)} -> exit {self.code} ({self.seconds:.0f} s): {reason}"


@dataclass
class Outcome:
    """A cycle run through every stage on one export."""

    shape: str
    root: Path
    cycle: str
    export: exports.Export
    steps: list[Step] = field(default_factory=list)

    def run_dir(self, stage: str) -> Path | None:
        runs = sorted((self.root / "runs" / self.cycle / stage).glob("*/provenance.json"))
        return runs[-1].parent if runs else None

    def results(self, stage: str, problems: list[str] | None = None) -> dict[str, Any]:
        """The stage's results.json; when it is missing, fail the test, or (given a list of
        problems) add the reason to it and return {} so the other stages are checked too."""
        run_dir = self.run_dir(stage)
        path = run_dir / "results.json" if run_dir else None
        if path is not None and path.exists():
            return _json(path)
        reason = f"{stage} wrote no results.json ({self.step(stage).describe()})"
        if problems is None:
            pytest.fail(f"{self.shape}: {reason}")
        problems.append(reason)
        return {}

    def provenance(self, stage: str) -> dict[str, Any]:
        run_dir = self.run_dir(stage)
        if run_dir is None:
            pytest.fail(f"{self.shape}: {stage} made no run ({self.step(stage).describe()})")
        return _json(run_dir / "provenance.json")

    def step(self, stage: str) -> Step:
        return next(s for s in self.steps if stage in s.args)

    def user_files(self) -> set[Path]:
        return {p.resolve() for p in (self.export.path, self.export.mapping) if p is not None}


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _pdca(root: Path, *args: str) -> Step:
    """Run the pdca command as a user does: in the project folder, PDCA_HOME set."""
    env = {**os.environ, "PDCA_HOME": str(root)}
    started = time.perf_counter()
    done = subprocess.run([str(PDCA), *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=1200, check=False)
    return Step(args=args, code=done.returncode, output=done.stdout + done.stderr,
                seconds=time.perf_counter() - started)


def _fill_in_record(record: Path, export: exports.Export, folder: str) -> None:
    """Write data.tickets, data.mapping, data.before, data.after as a user edits the
    record: in place, dates unquoted; the sparse shape also asks for monthly charts."""
    text = record.read_text(encoding="utf-8")
    mapping = f"{folder}/{export.mapping.name}" if export.mapping else "null"
    fields = {"tickets": f"{folder}/{export.path.name}", "mapping": mapping,
              "before": f"[{export.before[0]}, {export.before[1]}]",
              "after": f"[{export.after[0]}, {export.after[1]}]"}
    for name, value in fields.items():
        text, count = re.subn(rf"(?m)^(  {name}:) [^#\n]*?(\s*#.*)?$", rf"\1 {value}\2", text,
                              count=1)
        assert count == 1, f"the record template has no 'data: {name}:' line:\n{text}"
    if export.period != "W":
        stages = "".join(f"\n  {stage}:\n    parameters:\n      period: {export.period}"
                         for stage in ("baseline", "compare"))
        text, count = re.subn(r"(?m)^stages:.*$", f"stages:{stages}", text, count=1)
        assert count == 1, f"the record template has no 'stages:' line:\n{text}"
    record.write_text(text, encoding="utf-8")
    data = yaml.safe_load(text)["data"]
    assert data["tickets"] == fields["tickets"] and len(data["before"]) == 2


#: Set to 1 to build the project's notebooks from notebooks/*.py (jupytext) instead of
#: copying the committed .ipynb: checks script edits before the templates are refreshed.
FROM_SCRIPTS = os.environ.get("PDCA_TEST_NOTEBOOKS_FROM_SCRIPTS") == "1"


def _new_project(root: Path) -> None:
    """A fresh project folder: the stage notebooks and an empty pdca/."""
    (root / "notebooks").mkdir(parents=True)
    (root / "pdca").mkdir()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        target = root / "notebooks" / notebook.name
        if FROM_SCRIPTS:
            import nbformat

            from pdcakit.run.templates import build
            nbformat.write(build(notebook.with_suffix(".py")), target)
        else:
            shutil.copy2(notebook, target)


_OUTCOMES: dict[str, Outcome] = {}


def _cycle_outcome(shape: str, tmp_path_factory) -> Outcome:
    """Run the user's commands once per shape (every command, even after a failure, so a
    failing test lists every step that fails)."""
    if shape in _OUTCOMES:
        return _OUTCOMES[shape]
    root = tmp_path_factory.mktemp(f"project-{shape}")
    _new_project(root)
    (root / "exports").mkdir()
    export = SHAPES[shape](root / "exports")
    cycle = f"{shape}-cases"
    outcome = Outcome(shape=shape, root=root, cycle=cycle, export=export)
    outcome.steps.append(_pdca(root, "new", cycle, "--title", f"Faster {shape} cases",
                               "--metric", "time_to_resolve", "--direction", "lower",
                               "--target", str(TARGET_MINUTES)))
    record = root / "pdca" / f"{cycle}.yaml"
    if record.exists():
        _fill_in_record(record, export, "exports")
    for stage in STAGES:
        step = _pdca(root, "run", cycle, stage, *RUN_OPTIONS.get(shape, ()))
        step.run_dir = outcome.run_dir(stage)
        outcome.steps.append(step)
    outcome.steps.append(_pdca(root, "report", cycle))
    _OUTCOMES[shape] = outcome
    return outcome


@pytest.fixture(scope="module", params=sorted(SHAPES))
def outcome(request, tmp_path_factory) -> Outcome:
    return _cycle_outcome(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Outcome:
    return _cycle_outcome("city", tmp_path_factory)


@pytest.fixture(scope="module")
def sparse(tmp_path_factory) -> Outcome:
    return _cycle_outcome("sparse", tmp_path_factory)


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory) -> Outcome:
    return _cycle_outcome("helpdesk", tmp_path_factory)


@pytest.mark.slow
def test_every_command_succeeds_on_the_first_try(outcome: Outcome) -> None:
    failed = [s.describe() for s in outcome.steps if s.code != 0]
    assert not failed, f"{outcome.shape}:\n" + "\n".join(failed)


@pytest.mark.slow
def test_results_count_the_users_cases_and_open_cases(outcome: Outcome) -> None:
    e = outcome.export
    before, after = e.window(*e.before), e.window(*e.after)
    problems = []

    def expect(stage: str, got: Any, want: Any, what: str) -> None:
        if got != want:
            problems.append(f"{stage} {what}: {got!r}, the export has {want!r}")

    def counts(results: dict[str, Any], *keys: str) -> list[Any]:
        return [(results.get("data") or {}).get(k) for k in keys]

    baseline = outcome.results("baseline", problems)
    if baseline:
        expect("baseline", counts(baseline, "tickets", "open"), [before.n, before.n_open],
               "tickets / open")
    compare = outcome.results("compare", problems)
    if compare:
        expect("compare", counts(compare, "before", "after", "open_before", "open_after"),
               [before.n, after.n, before.n_open, after.n_open],
               "before / after / open before / open after")
        # one KPI, one answer: the page's figures, intervals and answers agree (issue 23)
        problems += [f"compare page: {p}" for p in compare_problems(compare)]
    efficiency = outcome.results("efficiency", problems)
    if efficiency:
        expect("efficiency", counts(efficiency, "before", "after"), [before.n, after.n],
               "before / after tickets")
    both = exports.WindowCounts(before.n + after.n, before.n_open + after.n_open)
    for stage, results, counts_ in (("baseline", baseline, before), ("compare", compare, both)):
        if not results:
            continue
        headline = results.get("headline") or {}
        expect(stage, headline.get("kpi"), "time_to_resolve", "headline KPI (the aim metric)")
        series = headline.get("series") or []
        expect(stage, [sum(r["n"] for r in series), sum(r["n_open"] for r in series)],
               [counts_.n, counts_.n_open], "headline series n / n_open summed over periods")
    assert not problems, f"{outcome.shape}:\n" + "\n".join(problems)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_no_demo_file_is_read_outside_pdca_demo(outcome: Outcome) -> None:
    """provenance.json and results.json name and hash the user's files, and no demo file."""
    problems = []
    user = outcome.user_files()
    for stage in STAGES:
        provenance = outcome.provenance(stage)
        texts = list(_strings(provenance))
        demo = sorted({t for t in texts if "data/demo" in t or t.startswith("demo:")})
        if demo:
            problems.append(f"{stage} provenance names demo files: {demo}")
        for path in sorted(user):
            if not any(_sha256(path) in text for text in texts):
                problems.append(f"{stage} provenance has no sha256 of {path.name}")
        results = outcome.results(stage, problems)
        if not results:
            continue
        inputs = results.get("inputs")
        if not isinstance(inputs, dict):
            problems.append(f"{stage} results.json has no 'inputs' dict (contract 2)")
            continue
        read = {Path(p).resolve() if Path(p).is_absolute() else (outcome.root / p).resolve()
                for p in inputs.values() if p}
        if read != user:
            problems.append(f"{stage} results.json inputs {sorted(map(str, read))} are not "
                            f"the user's files {sorted(map(str, user))}")
    assert not problems, f"{outcome.shape}:\n" + "\n".join(problems)


class _VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles or embedded images."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _visible_text(page: Path) -> str:
    parser = _VisibleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


@pytest.mark.slow
def test_reviewer_pages_show_none_of_the_demos_figures(outcome: Outcome) -> None:
    runs = outcome.root / "runs"
    pages = [runs / "index.html", runs / outcome.cycle / "index.html"]
    for stage in STAGES:
        run_dir = outcome.run_dir(stage)
        pages.append(run_dir / f"{stage}.html" if run_dir else runs / outcome.cycle / stage)
    missing = [str(p.relative_to(outcome.root)) for p in pages if not p.is_file()]
    assert not missing, f"{outcome.shape}: pages not written: {missing}"
    found = [f"{page.relative_to(outcome.root)}: {m.group(0)!r} in "
             f"...{text[max(0, m.start() - 60):m.end() + 30]}..."
             for page in pages for text in [_visible_text(page)]
             for pattern in DEMO_FIGURES for m in [pattern.search(text)] if m]
    assert not found, f"{outcome.shape}: demo figures on the user's pages:\n" + "\n".join(found)


@pytest.mark.slow
def test_skipped_sections_name_the_columns_that_would_enable_them(outcome: Outcome) -> None:
    from pdcakit.kpis import KPI_INFO, missing_columns
    present = set(outcome.export.columns)
    problems = []
    mentioned = ""
    for stage in STAGES:
        results = outcome.results(stage, problems)
        if not results:
            continue
        skipped = results.get("skipped")
        if not isinstance(skipped, dict):
            problems.append(f"{stage} results.json has no 'skipped' dict (contract 2)")
            continue
        for key, reason in skipped.items():
            if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
                problems.append(f"{stage} skipped[{key!r}] is not one line: {reason!r}")
                continue
            mentioned += " " + reason
            needs = missing_columns(key, present) if key in KPI_INFO else ()
            if needs and not any(column in reason for column in needs):
                problems.append(f"{stage} skipped[{key!r}] = {reason!r} names none of {needs}")
            if key in KPI_INFO and not needs:
                problems.append(f"{stage} skipped {key!r}, which this export supports: "
                                f"{reason!r}")
    if "first_response_at" not in mentioned:
        problems.append("no skipped reason names first_response_at (first-response KPI and "
                        "SLA need it; the export has no such column)")
    assert not problems, f"{outcome.shape}:\n" + "\n".join(problems)


@pytest.mark.slow
def test_per_period_medians_count_open_cases(city: Outcome) -> None:
    """Baseline headline series = scipy's Kaplan-Meier median per week, open cases censored
    at the snapshot (the before window's open cases were open for a year or more, so their
    exact censoring time does not move a median of days)."""
    e = city.export
    headline = city.results("baseline").get("headline") or {}
    series = headline.get("series") or []
    assert series, "baseline results.json has no headline series"
    length = PERIODS[headline.get("period", "W")]
    start, end = (pd.Timestamp(d) for d in e.before)
    created = e.cases["created_at"]
    problems = []
    for record in series:
        first = pd.Timestamp(record["period_start"])
        cases = e.cases[(created >= max(start, first)) & (created < min(end, first + length))]
        if record["n"] != len(cases) or record["n_open"] != int(cases["is_open"].sum()):
            problems.append(f"{record['period_start']}: n/n_open {record['n']}/"
                            f"{record['n_open']}, the export has {len(cases)}/"
                            f"{int(cases['is_open'].sum())}")
            continue
        if not len(cases):
            if record["value"] is not None:
                problems.append(f"{record['period_start']}: no cases but value "
                                f"{record['value']}")
            continue
        expected = _km_median(*_minutes_open(cases, e.snapshot))
        value = record["value"]
        if value is None:
            if not np.isnan(expected[0]):
                problems.append(f"{record['period_start']}: null, scipy says {expected}")
        elif not any(value == pytest.approx(x, rel=1e-9, abs=1e-6) for x in expected):
            problems.append(f"{record['period_start']}: {value} min, scipy's Kaplan-Meier "
                            f"median {expected}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.slow
def test_months_with_one_case_or_none_are_gaps_not_crashes(sparse: Outcome) -> None:
    baseline = (sparse.results("baseline").get("headline") or {}).get("series") or []
    compare = (sparse.results("compare").get("headline") or {}).get("series") or []
    by_month = {r["period_start"][:7]: r for r in baseline + compare}
    empty = [by_month.get(m) for m in exports.SPARSE_EMPTY]
    assert all(r is not None and r["n"] == 0 and r["value"] is None for r in empty), empty
    lone = by_month.get(exports.SPARSE_ONE_CASE)
    assert lone is not None and lone["n"] == 1, lone


@pytest.mark.slow
def test_pdca_demo_runs_read_the_demo_files(demo_project) -> None:
    """The other side of the rule: `pdca demo` passes the demo's files and hashes them."""
    paths, _ = demo_project
    demo_tickets = _sha256(paths.root / "data" / "demo" / "tickets.csv")
    for stage in STAGES:
        provenances = sorted((paths.runs / "demo-helpdesk" / stage).glob("*/provenance.json"))
        assert provenances, f"pdca demo made no {stage} run"
        texts = list(_strings(_json(provenances[-1])))
        assert any("data/demo/tickets.csv" in t or t == "demo:tickets.csv" for t in texts), stage
        assert any(demo_tickets in t for t in texts), f"{stage}: no sha256 of the demo tickets"


@pytest.mark.slow
def test_every_stage_runs_with_a_time_zone(helpdesk: Outcome) -> None:
    # `-p timezone Asia/Shanghai` (RUN_OPTIONS): timestamps are local times of that zone
    # (zone-aware after loading), and every stage (windows, periods, charts) takes them;
    # the help desk's other tests check the same runs' counts, files and pages. (The
    # generated times fall into London's spring gap, which the loader rightly refuses;
    # DST itself is tested in tests/test_data_never_guesses.py.)
    for stage in STAGES:
        step = helpdesk.step(stage)
        assert step.args[-3:] == ("-p", "timezone", "Asia/Shanghai"), step.args
        assert step.code == 0, step.output[-3000:]
        params = yaml.safe_load((step.run_dir / "params.yaml").read_text(encoding="utf-8"))
        assert params["timezone"] == "Asia/Shanghai", stage
