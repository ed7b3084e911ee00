"""Reviewer pages: one HTML page per cycle and a portfolio of all cycles.

Built from the cycle records and the runs' ``results.json`` and executed
notebooks, so a reviewer reads what was planned, measured, changed and decided
without running anything. Pages are self-contained (inline CSS, figures as
base64 PNG, no scripts, no CDN), open from the file system, and escape every
piece of user text.

- ``runs/<cycle>/index.html``: charter, actions (overdue flagged), the log, each
  stage's latest successful run (verdict sentences, key charts, the input files, what
  was skipped and why, a link to the full notebook), the decision.

Runs are found by :func:`pdcakit.run.resultsfile.latest_run` and read through its typed
reader, as the tracker reads them: the page and ``pdca status`` show the same run. A
stage whose results break the contract shows the reader's message (file, field, the
command that reruns it) instead of its figures; the other stages still show.
- ``runs/index.html``: the portfolio, one row per cycle.

>>> page("A <b>title</b>", "<p>body</p>").count("&lt;b&gt;")
2
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from pdcakit.fileio import atomic_write_text
from pdcakit.glossary import TERMS, explanation
from pdcakit.kpis import KPI_INFO, kpi_name
from pdcakit.results import format_value, reader_label, reading_scale
from pdcakit.run.pagefacts import run_date, started_at
from pdcakit.run.pageparts import chart_html
from pdcakit.run.project import STAGES, ProjectPaths
from pdcakit.run.render import STYLESHEET, run_verdict_heading, verdict_box
from pdcakit.run.request import cycle_language
from pdcakit.run.resultsfile import ResultsError, RunRef, StageResults, latest_run
from pdcakit.tracker.moves import status_rows
from pdcakit.tracker.predictions import OUTCOMES, Score, score_predictions
from pdcakit.tracker.record import CycleRecord, known_metrics, read_cycle
from pdcakit.tracker.registers_view import (
    Section,
    finding_text,
    monitor_section,
    portfolio_sections,
)

__all__ = ["build_reports", "cycle_page", "page", "portfolio_page"]

_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#212121;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #1f4e79;padding-bottom:.2em;
margin-top:1.8em}h3{margin-bottom:.3em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #cfd8dc;padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#eceff1}.muted{color:#607d8b}.overdue{color:#c62828;font-weight:bold}
.stage{display:inline-block;padding:.1em .6em;border-radius:1em;background:#1f4e79;color:#fff}
.decision{border-left:5px solid #2e7d32;background:#f1f8e9;padding:.6em 1em}
img{max-width:100%;height:auto;border:1px solid #eceff1;margin:.4em 0}
ul.verdicts li{margin:.25em 0}
.card{border:2px solid #1f4e79;border-radius:.4em;padding:.2em 1em 1em;background:#f7fbff}
.card h2{margin-top:.6em}.card th{width:13em}.met{color:#2e7d32}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


#: The stage pages' policy: no script, handler, javascript: link or fetch can run, even
#: from text that slipped through as markup; only embedded images and inline styles.
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'")


def page(title: str, body: str, language: str = "en") -> str:
    """A complete, self-contained HTML page (title escaped, body as given), with the
    Content-Security-Policy and the house print and phone stylesheet; ``<html lang>``
    says its ``language``."""
    return (f"<!DOCTYPE html>\n<html lang=\"{_e(language)}\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}"
            f"{STYLESHEET.read_text(encoding='utf-8')}</style></head><body>"
            f"<h1>{_e(title)}</h1>{body}"
            f"<p class=\"muted\">Built {dt.date.today().isoformat()} by pdca report.</p>"
            "</body></html>\n")


def _table(rows: list[dict[str, Any]], raw: tuple[str, ...] = ()) -> str:
    """An HTML table; every cell escaped except the columns named in ``raw``."""
    if not rows:
        return "<p class=\"muted\">None.</p>"
    head = "".join(f"<th scope=\"col\">{_e(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(
        f"<td data-label=\"{_e(k)}\">{v if k in raw else _e(v)}</td>" for k, v in row.items())
        + "</tr>" for row in rows)
    return (f"<table class=\"pdca-reflow\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table>")


def _window(window: Any) -> str:
    """[start, end) as 'start to the day before end' for reading."""
    if not window or len(window) != 2:
        return "not set"
    start, end = (dt.date.fromisoformat(str(v)[:10]) for v in window)
    return f"{start.isoformat()} to {(end - dt.timedelta(days=1)).isoformat()}"


@dataclass(frozen=True)
class _Runs:
    """A cycle's latest successful run of each stage (:func:`latest_run`) and, for a stage
    whose results break the contract, the reader's message instead."""

    cycle: str
    found: dict[str, RunRef]
    problems: dict[str, str]

    @classmethod
    def read(cls, paths: ProjectPaths, cycle_id: str) -> _Runs:
        found, problems = {}, {}
        for stage in STAGES:
            try:
                run = latest_run(paths, cycle_id, stage)
            except ResultsError as exc:
                problems[stage] = str(exc)
                continue
            if run is not None:
                found[stage] = run
        return cls(cycle_id, found, problems)

    def results(self, stage: str) -> StageResults | None:
        run = self.found.get(stage)
        return None if run is None else run.results


def _baseline_text(record: CycleRecord, runs: _Runs) -> str:
    """The charter's baseline: the record's, else the baseline run's headline, always
    saying which KPI (never "n/a" after a successful baseline run)."""
    aim = record.aim or {}
    metric = str(aim.get("metric") or "")
    if aim.get("baseline") is not None:
        spec = KPI_INFO.get(metric)
        return (f"{format_value(aim['baseline'], spec.unit if spec else '')}"
                f"{f' ({spec.name})' if spec else ''}")
    baseline = runs.results("baseline")
    found = baseline.headline_value(metric or None) if baseline is not None else None
    if found is None or found[1].value is None:
        if "baseline" in runs.problems:
            return f"unreadable baseline run: {runs.problems['baseline']}"
        return f"not measured yet (pdca run {record.id} baseline)"
    kpi, estimate = found
    name = KPI_INFO[kpi].name if kpi in KPI_INFO else kpi
    run = runs.found["baseline"]
    return (f"{format_value(estimate.value, estimate.unit)} ({name}, baseline run {run.name} "
            f"started {_run_when(run)}; pdca advance {record.id} records it in the aim)")


def _data_text(record: CycleRecord, runs: _Runs) -> str:
    """The data file and windows: the record's, else the windows the runs used."""
    data = record.data or {}
    windows = next((r.windows for r in (runs.results("compare"), runs.results("efficiency"))
                    if r is not None and r.windows is not None), None)
    before = (_window(data.get("before")) if data.get("before") else
              f"{_window(windows.before)} (from the runs)" if windows else "not set")
    after = (_window(data.get("after")) if data.get("after") else
             f"{_window(windows.after)} (from the runs)" if windows else "not set")
    mapping = f"; mapping {data['mapping']}" if data.get("mapping") else ""
    return f"{data.get('tickets') or '-'}{mapping}; before {before}, after {after}"


def _charter(paths: ProjectPaths, record: CycleRecord, runs: _Runs) -> str:
    aim = record.aim or {}
    metric = str(aim.get("metric") or "")
    spec = known_metrics().get(metric.split(".", 1)[0])  # a score KPI's part: its whole's unit
    unit = spec.unit if spec else ""
    rows = [
        {"Field": "Owner", "Value": record.owner},
        {"Field": "Team", "Value": ", ".join(record.team)},
        {"Field": "Created", "Value": record.created},
        {"Field": "Aim", "Value": (f"{kpi_name(metric) if metric else ''}: "
                                   f"{aim.get('direction', 'higher')} is better; target "
                                   f"{format_value(aim.get('target'), unit)} by "
                                   f"{aim.get('deadline') or 'no deadline'}")},
        {"Field": "Baseline", "Value": _baseline_text(record, runs)},
        {"Field": "New baseline (adopted)", "Value": format_value(aim.get("new_baseline"), unit)},
        {"Field": "Problem", "Value": record.problem},
        {"Field": "Change idea", "Value": record.change_idea},
        {"Field": "Hypothesis", "Value": record.hypothesis},
        {"Field": "Data", "Value": _data_text(record, runs)},
    ]
    if record.finding:  # the supervision finding the cycle was opened to answer
        rows.insert(0, {"Field": "Answers finding", "Value": finding_text(paths, record.finding)})
    if record.previous:
        rows.append({"Field": "Previous cycle",
                     "Value": f"<a href=\"../{_e(record.previous)}/index.html\">"
                              f"{_e(record.previous)}</a>"})
        rows = [{**r, "Value": r["Value"] if r["Field"] == "Previous cycle" else _e(r["Value"])}
                for r in rows]
        return _table(rows, raw=("Value",))
    return _table(rows)


def _collection_start(record: CycleRecord, compared: StageResults | None) -> dt.date | None:
    """First day of the after window: the record's, else the compare run's."""
    after = (record.data or {}).get("after") or []
    if after:
        try:
            return dt.date.fromisoformat(str(after[0])[:10])
        except ValueError:
            return None
    windows = compared.windows if compared is not None else None
    return windows.after_start if windows is not None else None


def prediction_scores(paths: ProjectPaths, record: CycleRecord,
                      runs: _Runs | None = None) -> list[Score]:
    """The record's predictions scored against its latest successful compare run."""
    runs = runs or _Runs.read(paths, record.id)
    compared = runs.results("compare")
    return score_predictions(list(record.predictions), compared, cycle=record.id,
                             collection_start=_collection_start(record, compared))


def _predictions(record: CycleRecord, scores: list[Score]) -> str:
    if not scores:
        return ("<p class=\"muted\">No predictions recorded. Add checkable ones in Plan with "
                f"<code>pdca predict {_e(record.id)} --kpi KPI --direction rise --size N"
                "</code>.</p>")
    entries = list(record.predictions)
    rows = []
    for entry, score in zip(entries, scores, strict=True):
        written = entry.get("written", "") if isinstance(entry, dict) else ""
        outcome = _e(score.outcome)
        css = {"met": "met", "not met": "overdue"}.get(score.outcome, "muted")
        flags = "".join(f"<div class=\"overdue\">&#9888; {_e(f)}</div>" for f in score.flags)
        rows.append({
            "Prediction": _e(score.statement),
            "Written": _e(written),
            "Confidence": _e(f"{score.confidence:.0%}" if score.confidence else ""),
            "Result": f"<b class=\"{css}\">{outcome}</b>",
            "What decided it": _e(score.reason) + flags,
        })
    return _table(rows, raw=tuple(rows[0]))


def _autocorrelation(values: list[float]) -> dict[str, Any]:
    """The check for a baseline run that did not store it (runs before it was added)."""
    from pdcakit.spc import autocorrelation

    return autocorrelation(values).as_dict()


def _stability_items(record: CycleRecord, runs: _Runs) -> tuple[list[tuple[str, str]],
                                                                 list[str]]:
    """The review card's stability lines and the failed assumptions they show."""
    baseline = runs.results("baseline")
    stability = baseline.stability if baseline is not None else None
    if stability is None:
        why = (runs.problems.get("baseline") or
               (f"the baseline run has no stability check ({baseline.skipped['stability']})"
                if baseline is not None and "stability" in baseline.skipped else
                f"no baseline run yet (pdca run {record.id} baseline)"))
        return [("Stability (baseline)", why)], []
    verdict = "Not stable" if stability.any_signal else "Stable"
    items = [("Stability (baseline)", _one_statement(verdict, stability.sentence))]
    failed = []
    if stability.autocorrelation_flagged is None:
        check = _autocorrelation([v for v in stability.values if v is not None])
        flagged, sentence = bool(check.get("flagged")), str(check.get("sentence", ""))
    else:
        flagged = stability.autocorrelation_flagged
        sentence = stability.autocorrelation_sentence
    if flagged:
        failed.append(sentence)
    if stability.rules_sentence is not None:
        differ = stability.rule_disagreements or ()
        items.append(("Rule sets (baseline chart)", (
            f"{stability.rules_sentence} "
            + (f"The four rule sets disagree on {len(differ)} period(s): "
               + "; ".join(differ[:8]) + " (table in the baseline notebook)." if differ
               else "Anhøj, Western Electric, Nelson and NHS agree on every period."))))
    return items, failed


#: Statistical terms the review card uses, each with a plain-language explanation shown
#: on hover (``<abbr title>``) and as a numbered footnote (for print): the one glossary of
#: every page (:data:`pdcakit.glossary.TERMS`); only terms no other one's explanation
#: contains, since each is marked where it first appears in the card's text.
GLOSSARY = {term: TERMS[term] for term in (
    "Holm-adjusted p", "risk ratio", "Laney p'", "Assurance against the target", "Effect size",
    "autocorrelation", "overdispersion")}


def explain_terms(text: str, notes: list[str]) -> str:
    """``text`` escaped, with the first use of each :data:`GLOSSARY` term wrapped in an
    ``<abbr>`` carrying its explanation and a footnote number; the explanations are
    appended to ``notes`` (one per term over the whole card), numbered in the order the
    terms first appear in the card's text, each with an example from that text where it
    gives one (:func:`pdcakit.glossary.explanation`: "here, 1.09 means 9% higher after").

    >>> notes = []
    >>> explain_terms("x <b> risk ratio 1.09", notes).split("<abbr")[0]
    'x &lt;b&gt; '
    >>> explain_terms("risk ratio", notes).endswith("risk ratio</abbr><sup>1</sup>"), len(notes)
    (True, 1)
    >>> explain_terms("Laney p' chart; Holm-adjusted p 0.01", notes).count("<sup>")
    2
    >>> [note.split("</b>")[0][3:] for note in notes]  # in the order they appear
    ['risk ratio', 'Laney p&#x27;', 'Holm-adjusted p']
    """
    out = _e(text)
    used = sorted((out.index(_e(term)), term) for term in GLOSSARY if _e(term) in out)
    pieces, start = [], 0
    for at, term in used:
        if at < start:  # inside a term already marked
            continue
        escaped = _e(term)
        known = [n.split(": ", 1)[0] for n in notes]
        meaning = explanation(term, text)
        if f"<b>{escaped}</b>" in known:
            number = known.index(f"<b>{escaped}</b>") + 1
        else:
            notes.append(f"<b>{escaped}</b>: {_e(meaning)}")
            number = len(notes)
        pieces += [out[start:at], f"<abbr title=\"{_e(meaning)}\">{escaped}</abbr>"
                                  f"<sup>{number}</sup>"]
        start = at + len(escaped)
    return "".join(pieces) + out[start:]


def _one_statement(verdict: str, sentence: str) -> str:
    """``verdict`` and ``sentence`` as one statement, never saying the same thing twice
    ("Stable" before "No signal of non-random variation: ..." reads "Stable: no signal ...").

    >>> _one_statement("Stable", "No signal of non-random variation: longest run 3.")
    'Stable: no signal of non-random variation: longest run 3.'
    """
    if not sentence:
        return verdict
    return f"{verdict}: {sentence[:1].lower()}{sentence[1:]}"


def _review_card(record: CycleRecord, runs: _Runs, scores: list[Score]) -> str:
    """One card: stability, before/after verdict, predictions, failed assumptions, decision."""
    compared = runs.results("compare")
    metric = str((record.aim or {}).get("metric") or "")
    items, failed = _stability_items(record, runs)

    change = compared.changes.get(metric) if compared is not None else None
    if change is not None:
        effect = change.effect_size
        label = change.effect_size_label or "effect size"
        effect_text = (f" Effect size: {label} {effect:.2f}."
                       if effect is not None and math.isfinite(effect) else "")
        view = compared.time_view.get(metric) if compared is not None else None
        assured = (f" Assurance against the target, period by period (the after period's "
                   f"limits): {view.assurance}." if view is not None and view.assurance else "")
        items.append(("Before / after", f"{change.sentence}{effect_text}{assured}"))
    elif "compare" in runs.problems:
        items.append(("Before / after", f"unreadable compare run: {runs.problems['compare']}"))
    else:
        why = (compared.skipped.get(metric) if compared is not None and metric else None)
        items.append(("Before / after",
                      f"the compare run did not compare {metric}: {why}" if why else
                      f"no compare run with {metric or 'the aim metric'} yet (pdca run "
                      f"{record.id} compare)"))
    for key, view in (compared.time_view if compared is not None else {}).items():
        if view.baseline_unstable:
            failed.append(f"{key}: the baseline drifted before the change, so a before/after "
                          "test can mistake drift for effect.")
        if view.overdispersed:
            failed.append(f"{key}: periods vary more than chance (overdispersion); the "
                          "per-period test is the one to read.")

    if scores:
        counts = {o: sum(s.outcome == o for s in scores) for o in OUTCOMES}
        flagged = sum(bool(s.flags) for s in scores)
        text = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        items.append(("Predictions", text + (f"; {flagged} flagged (see below)" if flagged
                                             else "; none written late or edited")))
    else:
        items.append(("Predictions", f"none recorded (pdca predict {record.id} ...)"))
    items.append(("Assumptions that failed", " ".join(failed) if failed else
                  "none detected (autocorrelation, baseline drift, overdispersion checked)"))
    decision = record.decision
    items.append(("Decision", f"{str(decision.get('decision')).title()}: "
                  f"{decision.get('rationale', '')}" if decision else
                  f"not decided yet (pdca act {record.id} --decision adopt|adapt|abandon "
                  "--note \"why\")"))
    notes: list[str] = []
    rows = "".join(f"<tr><th scope=\"row\">{_e(k)}</th><td>{explain_terms(v, notes)}</td></tr>"
                   for k, v in items)
    footnotes = ("<ol class=\"pdca-footnotes\">" + "".join(f"<li>{n}</li>" for n in notes)
                 + "</ol>" if notes else "")
    return (f"<div class=\"card\"><h2>Review card</h2><table class=\"pdca-reflow\">{rows}"
            f"</table>{footnotes}</div>")


def _actions(record: CycleRecord, today: dt.date) -> str:
    rows = []
    for action in record.actions:
        late = action.overdue(today)
        status = "done" if action.done else ("<span class=\"overdue\">OVERDUE</span>" if late
                                             else "open")
        rows.append({"What": _e(action.what), "Owner": _e(action.owner),
                     "Due": _e(action.due or ""), "Status": status})
    return _table(rows, raw=("What", "Owner", "Due", "Status"))


#: A sentence right after a chart that warns how to read it travels with the chart.
_CAPTION_STARTS = ("Caution:", "Note:")


def _images(notebook: Path, limit: int) -> list[str]:
    """The notebook's first ``limit`` charts, with the alt text and display width
    :func:`pdcakit.stages.display.show_figure` stored beside each (older runs: a generic alt), and
    every later chart that carries a caution: a "Caution:" or "Note:" sentence the
    notebook said right after a chart is shown under it, so the cycle page never shows
    the chart without the warning the stage page gives (e.g. "All tickets" outside every
    channel on a forest plot)."""
    if not notebook.exists():
        return []
    nb = nbformat.read(notebook, as_version=4)
    stage = notebook.stem
    found = []
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        for index, output in enumerate(outputs):
            png = output.get("data", {}).get("image/png")
            svg = output.get("data", {}).get("image/svg+xml")
            if not png and not svg:
                continue
            captions = []
            for after in outputs[index + 1:]:
                if {"image/png", "image/svg+xml"} & set(after.get("data", {})):
                    break  # the next chart's captions are its own
                text = str(after.get("data", {}).get("text/plain", "")).strip()
                if text.startswith(_CAPTION_STARTS):
                    captions.append(text)
            if len(found) >= limit and not captions:
                continue
            meta = (output.get("metadata", {}).get("image/png")
                    or output.get("metadata", {}).get("image/svg+xml") or {})
            alt = meta.get("alt") or f"Chart from the {stage} notebook"
            width = meta.get("width")
            size = f" width=\"{int(width)}\"" if isinstance(width, int | float) else ""
            image = (str(svg) if svg else f"<img alt=\"{_e(alt)}\"{size} "
                     f"src=\"data:image/png;base64,{_e(str(png).strip())}\">")
            # SVG text stays sharp when zoomed; one tap shows the chart full size; a phone
            # shows the chart's phone drawing (kept in the output's metadata)
            phone = ((output.get("metadata", {}).get("image/svg+xml") or {}).get("phone")
                     if svg else None)
            figure = chart_html(image, f"chart-{stage}-{len(found) + 1}", alt,
                                width if isinstance(width, int | float) else None,
                                phone if isinstance(phone, str) else None)
            notes = "".join(f"<figcaption class=\"caution\">{_e(c)}</figcaption>"
                            for c in captions)
            if notes:
                end = figure.rindex("</figure>")
                figure = figure[:end] + notes + figure[end:]
            found.append(figure)
    return found


def _sentences(results: StageResults) -> list[str]:
    """The verdict lines of one stage's results, in the words the notebook used."""
    if results.stage == "compare":
        return [change.sentence for change in results.changes.values()]
    if results.stage == "efficiency":
        return [*(gain.sentence for gain in results.gains.values()),
                *([results.steps_sentence] if results.steps_sentence else []), results.summary]
    out = []
    for estimate in results.estimates.values():
        ci = estimate.ci
        scale = reading_scale(estimate.unit, estimate.value)  # one unit inside the interval
        low, high = ((format_value(v, estimate.unit, scale=scale) for v in ci)
                     if ci is not None else ("", ""))
        interval = f" ({estimate.confidence:.0%} CI {low} to {high})" if ci is not None else ""
        out.append(f"{estimate.name}: {format_value(estimate.value, estimate.unit, scale=scale)}"
                   f"{interval}, n = {estimate.n:,}")
    target = results.target
    if target is not None and target.kpi:
        measured = results.estimates.get(target.kpi)
        spec = KPI_INFO.get(target.kpi)
        unit = measured.unit if measured is not None else (spec.unit if spec else "")
        name = measured.name if measured is not None else (spec.name if spec else target.kpi)
        bound = "or higher" if target.direction == "higher" else "or lower"
        result = "no verdict" if target.met is None else "met" if target.met else "not met"
        out.append(f"Target for {name}: {format_value(target.value, unit)} {bound}: {result}.")
    if results.sample_size is not None and results.sample_size.sentence:
        out.append(results.sample_size.sentence)
    return out


def _notes(results: StageResults) -> str:
    """The files the run read, what it skipped and why, and a note for older files."""
    parts = []
    if results.inputs:
        # file names only: the page travels (printed, forwarded) and the machine's folders
        # mean nothing to its reader; provenance.json keeps the full paths and checksums
        files = "; ".join(f"{reader_label(name.removesuffix('_path'))}: {Path(path).name}"
                          for name, path in results.inputs.items())
        parts.append(f"<p class=\"muted\">Input files: {_e(files)}</p>")
    if results.skipped:
        parts.append("<p class=\"muted\">Not computed:</p><ul class=\"muted\">" + "".join(
            f"<li>{_e(key)}: {_e(why)}</li>" for key, why in results.skipped.items())
            + "</ul>")
    if results.legacy_note:
        parts.append(f"<p class=\"muted\">{_e(results.legacy_note)}.</p>")
    return "".join(parts)


def _run_when(run: RunRef, language: str = "en") -> str:
    """A run's start as a date and time (from its provenance, else its stamp)."""
    return run_date(started_at(run.provenance), run.name, language)


def _log_detail(entry: dict[str, Any], out_dir: Path, root: Path) -> str:
    """A log entry's details in words, escaped; a run's directory links to its page."""
    parts = []
    for key, value in entry.items():
        if key in ("date", "event"):
            continue
        if key == "key":
            continue  # the monitor result's log key: for pdca, not for a reader
        if key == "signals" and isinstance(value, list):
            value = "; ".join(f"{v.get('date')} {v.get('rule')}" for v in value
                              if isinstance(v, dict)) or "none"
        elif isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            value = (" to " if key == "periods" else ", ").join(str(v) for v in value)
        if key == "run_dir" and value:
            run_dir = root / str(value)
            stage = str(entry.get("stage") or run_dir.parent.name)
            rel = Path(os.path.relpath(run_dir / f"{stage}.html", out_dir)).as_posix()
            parts.append(f"<a href=\"{_e(rel)}\">run of {_e(run_date(None, run_dir.name))}"
                         "</a>")
        else:
            parts.append(f"{_e(key.replace('_', ' '))}: {_e(value)}")
    return ", ".join(parts)


def _stage_section(record: CycleRecord, stage: str, out_dir: Path, runs: _Runs) -> str:
    title = f"<h3>{_e(stage.title())}</h3>"
    if stage in runs.problems:
        return f"{title}<p class=\"overdue\">{_e(runs.problems[stage])}</p>"
    run = runs.found.get(stage)
    if run is None or run.results is None:
        return (f"{title}<p class=\"muted\">No successful run yet. Run it with "
                f"<code>pdca run {_e(record.id)} {_e(stage)}</code>.</p>")
    rel = Path(os.path.relpath(run.run_dir / f"{stage}.html", out_dir)).as_posix()
    link = (f"<p><a href=\"{_e(rel)}\">Full {_e(stage)} notebook</a> "
            f"<span class=\"muted\">(started {_e(_run_when(run))}, run {_e(run.name)})</span></p>")
    images = _images(run.run_dir / f"{stage}.ipynb", limit=3)
    items = "".join(f"<li>{_e(s)}</li>" for s in _sentences(run.results) if s)
    return (f"{title}<ul class=\"verdicts\">{items}</ul>" + "".join(images)
            + _notes(run.results) + link)


def _cycle_verdict(runs: _Runs, language: str = "en") -> str:
    """The cycle's verdict first: the compare run's status per KPI, else the baseline's."""
    for stage in ("compare", "baseline"):
        run = runs.found.get(stage)
        if run is not None and run.results is not None:
            return verdict_box(run.results, language=language, heading=run_verdict_heading(
                stage, _run_when(run, language), language))
    return ""


def cycle_page(paths: ProjectPaths, cycle_id: str, today: dt.date | None = None) -> Path:
    """Write ``runs/<cycle>/index.html`` and return its path."""
    today = today or dt.date.today()
    record = read_cycle(paths, cycle_id)
    language = cycle_language(paths, cycle_id)  # the record's language, en by default
    runs = _Runs.read(paths, cycle_id)
    out_dir = paths.runs / cycle_id
    decision = record.decision
    decision_html = ("<p class=\"muted\">No decision yet: record it with <code>pdca act "
                     f"{_e(cycle_id)} --decision adopt|adapt|abandon --note \"why\"</code>.</p>"
                     if not decision else
                     f"<div class=\"decision\"><b>{_e(str(decision.get('decision')).title())}"
                     f"</b> on {_e(decision.get('date'))}: {_e(decision.get('rationale'))}</div>")
    log_rows = [{"Date": _e(e.get("date")), "Event": _e(e.get("event")),
                 "Detail": _log_detail(e, out_dir, paths.root)} for e in record.log]
    scores = prediction_scores(paths, record, runs)
    body = (f"<p>{_e(record.id)} · stage <span class=\"stage\">{_e(record.stage)}</span> · "
            f"<a href=\"../index.html\">all cycles</a></p>"
            f"{_cycle_verdict(runs, language)}"
            f"{_review_card(record, runs, scores)}"
            f"<h2>Plan: the charter</h2>{_charter(paths, record, runs)}"
            f"<h2>Predictions against results</h2>{_predictions(record, scores)}"
            f"<h2>Actions</h2>{_actions(record, today)}"
            "<h2>Results by stage</h2>"
            + "".join(_stage_section(record, stage, out_dir, runs) for stage in STAGES)
            + f"<h2>Act: the decision</h2>{decision_html}"
            f"{_holding(paths, record)}"
            f"<h2>Log</h2>{_table(log_rows, raw=('Date', 'Event', 'Detail'))}")
    target = out_dir / "index.html"
    atomic_write_text(target, page(record.title, body, language))
    return target


def portfolio_page(paths: ProjectPaths, today: dt.date | None = None) -> Path:
    """Write ``runs/index.html``: every cycle with its stage, last run, headline, decision."""
    rows = []
    for row in status_rows(paths, today=today):
        rows.append({
            "Cycle": f"<a href=\"{_e(row.id)}/index.html\">{_e(row.id)}</a>",
            "Title": _e(row.title), "Stage": _e(row.stage), "Owner": _e(row.owner),
            "Days in stage": _e(row.days_in_stage if row.days_in_stage is not None else ""),
            "Last run": _e(f"{row.last_run} ({row.last_run_status})" if row.last_run else ""),
            "Headline": _e(row.headline), "Decision": _e(row.decision),
            "Overdue actions": (f"<span class=\"overdue\">{row.overdue_actions}</span>"
                                if row.overdue_actions else "0"),
        })
    body = (f"<p>{len(rows)} improvement cycle(s). Click a cycle for its charter, results "
            "and decision.</p>" + _table(rows, raw=tuple(rows[0]) if rows else ())
            + _register_blocks(paths, today or dt.date.today()))
    target = paths.runs / "index.html"
    atomic_write_text(target, page("PDCA portfolio", body))
    return target


def _section_html(section: Section, cycle_href: str = "{id}/index.html") -> str:
    """A register block: its heading, sentence and table, every cell escaped; a flagged
    cell shown as a warning, a cycle linked to its page."""
    head = f"<h2>{_e(section.title)}</h2>"
    if section.problem:
        return f"{head}<p class=\"overdue\">{_e(section.problem)}</p>"
    intro = f"<p>{_e(section.intro)}</p>" if section.intro else ""
    rows = []
    for i, row in enumerate(section.rows):
        flag = section.flags[i] if i < len(section.flags) else ""
        link = section.links[i] if i < len(section.links) else ""
        cells = {}
        for key, value in row.items():
            cell = _e(value)
            if key == flag:
                cell = f"<span class=\"overdue\">{cell}</span>"
            if link and value == link:
                cell = f"<a href=\"{_e(cycle_href.format(id=link))}\">{cell}</a>"
            cells[key] = cell
        rows.append(cells)
    table = _table(rows, raw=tuple(rows[0])) if rows else ""
    return head + intro + table


def _register_blocks(paths: ProjectPaths, today: dt.date) -> str:
    """The registers on the portfolio: supervision plan, findings, holding the gains,
    other registers (:mod:`pdcakit.tracker.registers_view`)."""
    from pdcakit.tracker.record import load_all

    records = load_all(paths)[0]
    return "".join(_section_html(s) for s in portfolio_sections(paths, records, today))


def _holding(paths: ProjectPaths, record: CycleRecord) -> str:
    """What ``pdca monitor`` has shown of an adopted cycle's gain, for its page."""
    from dataclasses import replace

    monitored = monitor_section([record], dt.date.today())
    if not monitored.rows:
        return ""
    return (_section_html(replace(monitored, intro=""), cycle_href="../{id}/index.html")
            + _monitor_chart(paths, record))


def _monitor_chart(paths: ProjectPaths, record: CycleRecord) -> str:
    """The chart of the cycle's latest monitor run (its ``output`` folder's SVG, drawn by
    :mod:`pdcakit.tracker.monitor_chart`), when it is still there."""
    from pdcakit.tracker.monitor import latest_monitor
    from pdcakit.tracker.monitor_chart import CHART_FILE, PHONE_CHART_FILE

    last = latest_monitor(record) or {}
    folder = paths.root / str(last.get("output") or "")
    chart = folder / CHART_FILE
    if not last.get("output") or not chart.is_file() or paths.runs not in chart.resolve().parents:
        return ""
    svg = chart.read_text(encoding="utf-8")
    if not svg.lstrip().startswith("<svg"):
        return ""
    alt = (f"Monitor run of {last.get('date', '')}: {last.get('kpi', '')} per period since "
           "adoption against the new baseline's frozen limits")
    phone = folder / PHONE_CHART_FILE
    return chart_html(svg, f"chart-monitor-{folder.name}", alt,
                      phone=phone.read_text(encoding="utf-8") if phone.is_file() else None)


def build_reports(paths: ProjectPaths, cycle_id: str | None = None) -> Path:
    """Cycle page(s) and the portfolio; returns the portfolio's path. Without a cycle, every
    readable record (:func:`pdcakit.tracker.record.load_all`: leftovers and unreadable
    files are skipped; the CLI names them)."""
    from pdcakit.tracker.record import load_all

    ids = [cycle_id] if cycle_id else sorted(r.id for r in load_all(paths)[0])
    for cid in ids:
        cycle_page(paths, cid)
    return portfolio_page(paths)
