"""What a reviewer page says about its run, and its verdict per KPI, from the run directory.

A stage page is read printed, forwarded or on a phone, away from the workbook, so it
must say which cycle, stage and run it is, when it ran, which data files (with short
checksums) and which commit, and link back to its cycle page, the portfolio and its
notebook. :func:`page_facts` reads those facts from the run directory's
``provenance.json`` and ``results.json`` (through the typed reader), and
:func:`verdict_rows` turns a run's results into one status per KPI that a reviewer scans
before the detail: *met / not met / no target*, *improved / worse / no change / not
enough data to tell*, *stable / signal*, each a word with a tone (colour) beside it.

Everything here is plain data; :mod:`pdcakit.run.render` escapes it into HTML.

>>> status = Status("met", "good")
>>> status.symbol, status.word
('✔', 'met')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdcakit.results import format_count, format_number, format_value, reading_scale
from pdcakit.run.resultsfile import ResultsError, StageResults, read_results
from pdcakit.words import LANGUAGES, N_, Words, words

__all__ = ["InputFile", "PageFacts", "Status", "VerdictRow", "page_facts", "run_date",
           "started_at", "verdict_rows", "verdict_summary"]

_ENGLISH = Words()

#: Tone -> symbol shown beside the word, so the status never rests on colour alone.
_SYMBOLS = {"good": "✔", "bad": "✖", "warn": "⚠", "none": "–"}

#: Reader-facing names of the parameters that hold input files.
_INPUT_NAMES = {"data_path": "tickets", "mapping": "mapping", "surveys_path": "surveys",
                "audits_path": "audits", "mystery_path": "mystery shopping",
                "standards_path": "standards", "steps_path": "process steps",
                "training_path": "training"}


@dataclass(frozen=True)
class Status:
    """One verdict word and its tone (``good``, ``bad``, ``warn`` or ``none``)."""

    word: str
    tone: str = "none"

    @property
    def symbol(self) -> str:
        return _SYMBOLS.get(self.tone, "–")


@dataclass(frozen=True)
class VerdictRow:
    """One KPI's line in the verdict box: its figures and its statuses, by column."""

    kpi: str
    name: str
    figures: Mapping[str, str]
    statuses: Mapping[str, Status]


@dataclass(frozen=True)
class InputFile:
    """A file the run read: what it is, its file name (no machine path) and SHA-256."""

    role: str
    name: str
    sha256: str

    @property
    def short_sha(self) -> str:
        """The first 12 hex digits, enough to tell two files apart by eye."""
        return self.sha256[:12]


@dataclass(frozen=True)
class PageFacts:
    """The facts a stage page opens with (see the module docstring)."""

    cycle: str
    cycle_title: str
    stage: str
    run: str
    started: dt.datetime | None
    inputs: tuple[InputFile, ...]
    commit: str | None
    dirty: bool | None
    tool: str
    notebook: str
    results: StageResults | None = field(default=None, repr=False)
    results_problem: str = ""
    language: str = "en"  # the run's ``language`` parameter: the page's words

    @property
    def run_date(self) -> str:
        return run_date(self.started, self.run, self.language)

    @property
    def commit_text(self) -> str:
        if not self.commit:
            return "not recorded (the workbook is not a git checkout)"
        return self.commit[:10] + (" with uncommitted changes" if self.dirty else "")


def run_date(started: dt.datetime | None, stamp: str = "", language: str = "en") -> str:
    """A run's start as a reader writes it (UTC), from its provenance or its stamp.

    >>> run_date(None, "20261201T231643Z")
    '1 December 2026, 23:16 UTC'
    >>> run_date(None, "20261201T231643Z", "zh-CN")
    '2026年12月1日 23:16 UTC'
    >>> run_date(None, "not-a-stamp")
    'not-a-stamp'
    """
    when = started
    if when is None:
        try:
            when = dt.datetime.strptime(stamp[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            return stamp
    when = when.astimezone(dt.UTC)
    if language != "en":
        return f"{words(language).date(when.date())} {when:%H:%M} UTC"
    return f"{when.day} {when:%B %Y, %H:%M} UTC"


def started_at(provenance: Mapping[str, Any]) -> dt.datetime | None:
    """When the run started, from its provenance (None: not recorded or unreadable).

    >>> started_at({"started_at": "2026-12-02T01:22:22+00:00"}).hour, started_at({})
    (1, None)
    """
    with contextlib.suppress(ValueError, TypeError):
        return dt.datetime.fromisoformat(str(provenance.get("started_at")))
    return None


def _json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def _cycle_title(run_dir: Path, cycle: str) -> str:
    """The record's title (runs/CYCLE/STAGE/STAMP -> pdca/CYCLE.yaml), else ""."""
    from pdcakit.run.project import ProjectPaths
    from pdcakit.tracker.record import CycleError, read_cycle

    try:
        return read_cycle(ProjectPaths(run_dir.resolve().parents[3]), cycle).title
    except (CycleError, OSError, IndexError, ValueError):
        return ""


def page_facts(run_dir: str | Path, *, cycle_title: str | None = None) -> PageFacts:
    """The facts of the run in ``run_dir`` (``runs/CYCLE/STAGE/STAMP``).

    ``cycle_title`` is the record's title (read from ``pdca/CYCLE.yaml`` when not given).
    A missing or unreadable results.json leaves ``results`` None and says why in
    ``results_problem`` (a failed run writes none).
    """
    run_dir = Path(run_dir)
    provenance = _json(run_dir / "provenance.json")
    cycle = str(provenance.get("cycle") or run_dir.parent.parent.name)
    stage = str(provenance.get("stage") or run_dir.parent.name)
    started = started_at(provenance)
    inputs = tuple(
        InputFile(role=_INPUT_NAMES.get(name, name.removesuffix("_path").replace("_", " ")),
                  name=Path(str(entry.get("path", ""))).name, sha256=str(entry.get("sha256", "")))
        for name, entry in (provenance.get("inputs") or {}).items() if isinstance(entry, dict))
    git = provenance.get("git") if isinstance(provenance.get("git"), dict) else {}
    tool = provenance.get("tool") if isinstance(provenance.get("tool"), dict) else {}
    results, problem = None, ""
    try:
        results = read_results(run_dir / "results.json", stage)
    except ResultsError as exc:
        problem = str(exc)
    title = cycle_title if cycle_title is not None else _cycle_title(run_dir, cycle)
    parameters = provenance.get("parameters")
    language = parameters.get("language") if isinstance(parameters, dict) else None
    return PageFacts(
        cycle=cycle, cycle_title=title or cycle, stage=stage, run=run_dir.name,
        started=started, inputs=inputs, commit=git.get("commit"), dirty=git.get("dirty"),
        tool=f"{tool.get('name', 'pdca-workbook')} {tool.get('version', '')}".strip(),
        notebook=f"{stage}.ipynb", results=results, results_problem=problem,
        language=language if language in LANGUAGES else "en")


# ------------------------------------------------------------------ verdicts
def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def _target_status(met: bool | None, target: float | None, w: Words = _ENGLISH) -> Status:
    if target is None or met is None:
        return Status(w._("no target"))
    return (Status(w._("target met"), "good") if met
            else Status(w._("target not met"), "bad"))


def _baseline_rows(results: StageResults, w: Words = _ENGLISH) -> list[VerdictRow]:
    target, stability = results.target, results.stability
    rows = []
    for key, estimate in results.estimates.items():
        value = (w.value(estimate.value, estimate.unit,
                         scale=reading_scale(estimate.unit, estimate.value))
                 if _finite(estimate.value) else w._("not enough data"))
        statuses = {}
        if target is not None and target.kpi == key:
            statuses["Target"] = _target_status(target.met, target.value, w)
        else:
            statuses["Target"] = Status(w._("no target"))
        if stability is not None and stability.kpi == key:
            statuses["Over time"] = (Status(w._("signal: not stable"), "warn")
                                     if stability.any_signal else Status(w._("stable"), "good"))
        else:
            statuses["Over time"] = Status(w._("not charted"))
        if not _finite(estimate.value):
            statuses["Target"] = Status(w._("not enough data"), "warn")
        name = estimate.name if w.english else _kpi_name(key, w.language)
        rows.append(VerdictRow(key, name, {"Value": value, "Cases": format_count(estimate.n)},
                               statuses))
    return rows


#: A verdict's answer (compare ``kpis.KEY.verdict``) as the verdict box shows it; older
#: runs' words ("worsened", "no significant change") read as they did.
_ANSWER_STATUS = {"improved": (N_("improved"), "good"), "worse": (N_("worse"), "bad"),
                  "worsened": (N_("worse"), "bad"),
                  "no change": (N_("no change"), "none"),
                  "not enough data": (N_("not enough data to tell"), "warn"),
                  "no significant change": (N_("no detectable change"), "none")}


def _change_status(verdict: str, large_enough: Any, w: Words = _ENGLISH) -> Status:
    if verdict == "no significant change" and large_enough is False:
        return Status(w._("not enough data to tell"), "warn")
    found = _ANSWER_STATUS.get(verdict)
    return Status(verdict or w._("n/a")) if found is None else Status(w._(found[0]), found[1])


def _interval_text(low: float, high: float, unit: str, scale: str | None,
                   w: Words = _ENGLISH) -> str:
    """A change's interval with one unit inside it ("-0.8 to -0.2 minutes")."""
    if not (_finite(low) and _finite(high)):
        return w._("not estimable")
    if unit == "fraction":
        return w._("{low} to {high} points", low=w.number(100 * low, 1, sign=True),
                   high=w.number(100 * high, 1, sign=True))
    first = _signed(low, unit, scale, w)
    second = _signed(high, unit, scale, w)
    word = second.split(" ", 1)[1] if " " in second else ""
    if word and first.endswith(" " + word):
        first = first[: -len(word) - 1]
    return w._("{low} to {high}", low=first, high=second)


def _signed(value: float, unit: str, scale: str | None, w: Words = _ENGLISH) -> str:
    if unit == "fraction":
        return w._("{number} points", number=w.number(100 * value, 1, sign=True))
    text = format_value(abs(value), unit, scale=scale)
    zero = text.split(" ", 1)[0].replace(",", "").replace("0", "").replace(".", "") == ""
    return w.localise(text if zero else ("+" if value >= 0 else "-") + text)


def _figure_cells(change: Any, figures: Any, scale: str | None, interval: tuple[float, float],
                  label: str, w: Words = _ENGLISH) -> dict[str, str]:
    relative = (f" ({w.number(100 * figures.relative_change, 1, sign=True)}%)"
                if _finite(figures.relative_change) else "")
    return {"Estimand": w.estimand(figures.estimand),
            "Before": w.value(figures.before, change.unit, scale=scale),
            "After": w.value(figures.after, change.unit, scale=scale),
            "Change": _signed(figures.change, change.unit, scale, w) + relative,
            "Interval": w._("{interval} ({label})",
                            interval=_interval_text(*interval, change.unit, scale, w),
                            label=label)}


#: NHS Making Data Count's variation icons (pdcakit.spc.icons), marked for the catalogue.
VARIATION_WORDS = (N_("common cause"), N_("special cause improving"),
                   N_("special cause concerning"), N_("special cause neither"))


def _over_time(results: StageResults, key: str, verdict: str, w: Words = _ENGLISH) -> Status:
    view = results.time_view.get(key)
    if view is not None and view.baseline_unstable:
        return Status(w._("signal: baseline not stable"), "warn")
    icon = results.over_time.get(key)
    if icon:  # NHS Making Data Count's variation icon (VARIATION_WORDS), for every KPI
        tones = {"special cause improving": "good", "special cause concerning": "bad"}
        return Status(f"{icon[1]} {w._(icon[0])}", tones.get(icon[0], "none"))
    if view is None:
        return Status(w._("not charted"))
    if view.after_signal:
        return Status(w._("signal: shift after the change"),
                      "good" if verdict == "improved" else "warn")
    return Status(w._("stable"))


def _compare_rows(results: StageResults, w: Words = _ENGLISH) -> list[VerdictRow]:
    """One row per KPI and estimand: the KPI's own estimand (a duration's median, what
    people quote) and, when another one decides, the deciding estimand beneath it; each
    row's before, after, change and interval belong to its own estimand."""
    raw_kpis = results.raw.get("kpis") if isinstance(results.raw.get("kpis"), dict) else {}
    rows = []
    for key, change in results.changes.items():
        scale = reading_scale(change.unit, change.before.value, change.after.value)
        raw = raw_kpis.get(key) if isinstance(raw_kpis.get(key), dict) else {}
        answer = _change_status(change.verdict, raw.get("large_enough"), w)
        target = _target_status(change.target_met, change.target, w)
        over_time = _over_time(results, key, change.verdict, w)
        deciding, own, decision = change.deciding, change.own, change.decision
        if deciding is None:  # an older run: before and after are not of the verdict's estimand
            rows.append(VerdictRow(key, change.name, {
                "Estimand": w.estimand("median"),
                "Before": w.value(change.before.value, change.unit, scale=scale),
                "After": w.value(change.after.value, change.unit, scale=scale),
                "Change": "", "Interval": ""},
                {"Change": answer, "Target": target, "Over time": over_time}))
            continue
        interval, label = (deciding.ci, w._("{level} CI", level=f"{deciding.confidence:.0%}"))
        if decision is not None:
            interval = decision.ci
            label = (w._("{level} CI, adjusted for testing several KPIs",
                         level=f"{100 * decision.level:.3g}%")
                     if decision.adjusted else w._("{level} CI", level=f"{decision.level:.0%}"))
        if own is not None and not own.decides:
            rows.append(VerdictRow(key, change.name, _figure_cells(
                change, own, scale, own.ci,
                w._("{level} CI", level=f"{own.confidence:.0%}"), w),
                {"Change": Status(w._("{answer}, judged on the {estimand}", answer=answer.word,
                                      estimand=w.estimand(deciding.estimand)), answer.tone),
                 "Target": target, "Over time": over_time}))
            above = w._("on the {estimand}, above", estimand=w.estimand(own.estimand))
            rows.append(VerdictRow(key, w._("{name} (decides)", name=change.name),
                                   _figure_cells(change, deciding, scale, interval, label, w),
                                   {"Change": answer, "Target": Status(above),
                                    "Over time": Status(above)}))
            continue
        rows.append(VerdictRow(key, change.name, _figure_cells(
            change, deciding, scale, interval, label, w),
            {"Change": answer, "Target": target, "Over time": over_time}))
    return rows


def _efficiency_rows(results: StageResults, w: Words = _ENGLISH) -> list[VerdictRow]:
    raw_gains = results.raw.get("gains") if isinstance(results.raw.get("gains"), dict) else {}
    rows = []
    for key, gain in results.gains.items():
        raw = raw_gains.get(key) if isinstance(raw_gains.get(key), dict) else {}
        before, after = raw.get("before_minutes"), raw.get("after_minutes")
        scale = (reading_scale("minutes", before, after)
                 if isinstance(before, int | float) else None)
        low, high = gain.gain_ci
        estimand = str(raw.get("estimand") or "")
        wide = raw.get("interval_includes_no_change",
                       _finite(low) and _finite(high) and low <= 0 <= high)
        if not _finite(gain.gain):
            status = Status(w._("not enough data"), "warn")
        elif wide:
            status = Status(w._("interval too wide to tell: the Check stage decides"))
        elif _finite(low) and low > 0:
            status = Status(w._("{estimand} faster", estimand=w.estimand(estimand)).strip()
                            if estimand else w._("faster"), "good")
        else:
            status = Status(w._("{estimand} slower", estimand=w.estimand(estimand)).strip()
                            if estimand else w._("slower"), "bad")
        gain_text = (f"{format_number(gain.gain * 100, 1, sign=True)}% "
                     f"({format_number(low * 100, 1, sign=True)}% to "
                     f"{format_number(high * 100, 1, sign=True)}%)"
                     if _finite(gain.gain) and _finite(low) and _finite(high) else "n/a")
        name = gain.name if w.english else _kpi_name(key, w.language)
        rows.append(VerdictRow(key, name, {
            "Before": format_value(before, "minutes", scale=scale),
            "After": format_value(after, "minutes", scale=scale),
            "Fall (95% CI)": gain_text}, {"Change": status}))
    return rows


def verdict_rows(results: StageResults, language: str = "en") -> list[VerdictRow]:
    """One row per KPI the run measured, with its statuses (see the module docstring).

    ``language`` words every stage's cells and statuses (the columns stay keyed in
    English: :mod:`pdcakit.run.render` words the headers)."""
    if results.stage == "compare":
        return _compare_rows(results, words(language))
    if results.stage == "baseline":
        return _baseline_rows(results, words(language))
    builders = {"efficiency": _efficiency_rows}
    return builders[results.stage](results, words(language))


def _kpi_name(key: str, language: str = "en") -> str:
    from pdcakit.kpis import kpi_name

    return kpi_name(key, language)


def verdict_summary(results: StageResults, language: str = "en") -> str:
    """The run's verdict in one or two sentences, from its results.

    >>> empty = StageResults(source="x", stage="efficiency", schema=None, headline=None,
    ...                      skipped={}, inputs={}, summary="Frees 3 agent hours a week.")
    >>> verdict_summary(empty)
    'Frees 3 agent hours a week.'
    """
    if results.stage == "efficiency":
        return words(language).reword(results.summary)
    if results.stage == "compare":
        summary = results.compare_summary
        if summary is None:
            return ""
        w = words(language)
        comma = w._(", ")
        unstable = comma.join(_kpi_name(key, language) for key in summary.unstable_baseline)
        raw_summary = results.raw.get("summary")
        unchanged = (w._("No change") if isinstance(raw_summary, dict)
                     and "not_enough_data" in raw_summary else w._("No detectable change"))
        none = w._("none")
        return (w._("Improved: {kpis}.", kpis=comma.join(summary.improved) or none)
                + w._(" Worse: {kpis}.", kpis=comma.join(summary.worsened) or none)
                + w._(" {unchanged}: {kpis}.", unchanged=unchanged,
                      kpis=comma.join(summary.unchanged) or none)
                + (w._(" Not enough data to tell: {kpis}.",
                       kpis=comma.join(summary.not_enough_data))
                   if summary.not_enough_data else "")
                + (w._(" Caution: the baseline of {kpis} was not stable.", kpis=unstable)
                   if unstable else ""))
    w = words(language)
    found = results.headline_value()
    if found is None:
        return w._("No headline KPI could be measured on this export (see Not computed "
                   "below).")
    kpi, estimate = found
    name = estimate.name if w.english else _kpi_name(kpi, language)
    text = w._("{name}: {value}", name=name, value=w.value(estimate.value, estimate.unit))
    target = results.target
    if target is not None and target.kpi == kpi and target.met is not None:
        goal = w.value(target.value, estimate.unit)
        text += (w._(", meets the target of {target}", target=goal) if target.met
                 else w._(", does not yet meet the target of {target}", target=goal))
    stability = results.stability
    if stability is not None:
        text += (w._("; the baseline is not stable (signals of non-random variation)")
                 if stability.any_signal else w._("; the baseline is stable"))
    return text + w._(".")
