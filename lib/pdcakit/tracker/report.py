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
from pdcakit.tracker.portfolio import portfolio_page, section_html
from pdcakit.tracker.predictions import OUTCOMES, Score, score_predictions
from pdcakit.tracker.record import CycleRecord, known_metrics, read_cycle
from pdcakit.tracker.registers_view import finding_text, monitor_section
from pdcakit.words import N_, Words, words

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
    w = words(language)
    today = dt.date.today()
    built = w._("Built {date} by pdca report.",
                date=today.isoformat() if w.english else w.date(today))
    return (f"<!DOCTYPE html>\n<html lang=\"{_e(language)}\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}"
            f"{STYLESHEET.read_text(encoding='utf-8')}</style></head><body>"
            f"<h1>{_e(title)}</h1>{body}"
            f"<p class=\"muted\">{_e(built)}</p>"
            "</body></html>\n")


#: The cycle page's column names and charter fields, marked for the catalogue (a table
#: shows them in the page's language).
_COLUMN_WORDS = (N_("Field"), N_("Value"), N_("Owner"), N_("Team"), N_("Created"), N_("Aim"),
                 N_("Baseline"), N_("New baseline (adopted)"), N_("Problem"),
                 N_("Change idea"), N_("Hypothesis"), N_("Data"), N_("Answers finding"),
                 N_("Previous cycle"), N_("Prediction"), N_("Written"), N_("Confidence"),
                 N_("Result"), N_("What decided it"), N_("What"), N_("Due"), N_("Status"),
                 N_("Date"), N_("Event"), N_("Detail"))


#: The cycle page's fixed words that its f-strings ask the catalogue for (extraction does
#: not read inside an f-string), marked here.
_PAGE_WORDS = (N_("None."), N_("done"), N_("open"), N_("OVERDUE"), N_("Review card"),
               N_("No successful run yet. Run it with"), N_("Full {stage} notebook"),
               N_("(started {when}, run {run})"), N_("Input files: {files}"),
               N_("Not computed:"), N_("No decision yet: record it with"), N_("."),
               N_("stage"), N_("all cycles"), N_("Plan: the charter"),
               N_("Predictions against results"), N_("Actions"), N_("Results by stage"),
               N_("Act: the decision"), N_("Log"), N_("Adopt"), N_("Adapt"), N_("Abandon"),
               N_("higher"), N_("lower"), N_("met"), N_("not met"), N_("not enough data"),
               N_("cannot score"), N_("effect size"), N_("run of {when}"), N_("status"),
               N_("succeeded"), N_("note"), N_("run dir"), N_("{key}: {value}"))


def _table(rows: list[dict[str, Any]], raw: tuple[str, ...] = (), language: str = "en") -> str:
    """An HTML table; every cell escaped except the columns named in ``raw``; its column
    names in ``language``."""
    w = words(language)
    if not rows:
        return f"<p class=\"muted\">{_e(w._('None.'))}</p>"
    head = "".join(f"<th scope=\"col\">{_e(w._(k))}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(
        f"<td data-label=\"{_e(w._(k))}\">{v if k in raw else _e(v)}</td>"
        for k, v in row.items()) + "</tr>" for row in rows)
    return (f"<table class=\"pdca-reflow\"><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
            "</table>")


def _window(window: Any, w: Words | None = None) -> str:
    """[start, end) as 'start to the day before end' for reading."""
    w = w or words()
    if not window or len(window) != 2:
        return w._("not set")
    start, end = (dt.date.fromisoformat(str(v)[:10]) for v in window)
    return w._("{start} to {end}", start=start.isoformat(),
               end=(end - dt.timedelta(days=1)).isoformat())


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


def _baseline_text(record: CycleRecord, runs: _Runs, w: Words | None = None) -> str:
    """The charter's baseline: the record's, else the baseline run's headline, always
    saying which KPI (never "n/a" after a successful baseline run)."""
    w = w or words()
    aim = record.aim or {}
    metric = str(aim.get("metric") or "")
    if aim.get("baseline") is not None:
        spec = KPI_INFO.get(metric)
        value = w.value(aim["baseline"], spec.unit if spec else "")
        return w._("{value} ({name})", value=value,
                   name=kpi_name(metric, w.language)) if spec else value
    baseline = runs.results("baseline")
    found = baseline.headline_value(metric or None) if baseline is not None else None
    if found is None or found[1].value is None:
        if "baseline" in runs.problems:
            return w._("unreadable baseline run: {problem}", problem=runs.problems["baseline"])
        return w._("not measured yet (pdca run {cycle} baseline)", cycle=record.id)
    kpi, estimate = found
    name = kpi_name(kpi, w.language) if kpi in KPI_INFO else kpi
    run = runs.found["baseline"]
    return w._("{value} ({name}, baseline run {run} started {when}; pdca advance {cycle} "
               "records it in the aim)", value=w.value(estimate.value, estimate.unit),
               name=name, run=run.name, when=_run_when(run, w.language), cycle=record.id)


def _data_text(record: CycleRecord, runs: _Runs, w: Words | None = None) -> str:
    """The data file and windows: the record's, else the windows the runs used."""
    w = w or words()
    data = record.data or {}
    windows = next((r.windows for r in (runs.results("compare"), runs.results("efficiency"))
                    if r is not None and r.windows is not None), None)

    def window(side: str) -> str:
        if data.get(side):
            return _window(data.get(side), w)
        if windows is None:
            return w._("not set")
        return w._("{window} (from the runs)", window=_window(getattr(windows, side), w))

    mapping = w._("; mapping {mapping}", mapping=data["mapping"]) if data.get("mapping") else ""
    return w._("{tickets}{mapping}; before {before}, after {after}",
               tickets=data.get("tickets") or "-", mapping=mapping, before=window("before"),
               after=window("after"))


def _charter(paths: ProjectPaths, record: CycleRecord, runs: _Runs,
             language: str = "en") -> str:
    w = words(language)
    aim = record.aim or {}
    metric = str(aim.get("metric") or "")
    spec = known_metrics().get(metric.split(".", 1)[0])  # a score KPI's part: its whole's unit
    unit = spec.unit if spec else ""
    rows = [
        {"Field": "Owner", "Value": record.owner},
        {"Field": "Team", "Value": ", ".join(record.team)},
        {"Field": "Created", "Value": record.created},
        {"Field": "Aim", "Value": w._(
            "{kpi}: {direction} is better; target {target} by {deadline}",
            kpi=kpi_name(metric, language) if metric else "",
            direction=w._(str(aim.get("direction", "higher"))),
            target=w.value(aim.get("target"), unit),
            deadline=aim.get("deadline") or w._("no deadline"))},
        {"Field": "Baseline", "Value": _baseline_text(record, runs, w)},
        {"Field": "New baseline (adopted)", "Value": w.value(aim.get("new_baseline"), unit)},
        {"Field": "Problem", "Value": record.problem},
        {"Field": "Change idea", "Value": record.change_idea},
        {"Field": "Hypothesis", "Value": record.hypothesis},
        {"Field": "Data", "Value": _data_text(record, runs, w)},
    ]
    if record.finding:  # the supervision finding the cycle was opened to answer
        rows.insert(0, {"Field": "Answers finding", "Value": finding_text(paths, record.finding)})
    if record.previous:
        rows.append({"Field": "Previous cycle",
                     "Value": f"<a href=\"../{_e(record.previous)}/index.html\">"
                              f"{_e(record.previous)}</a>"})
        rows = [{**r, "Value": r["Value"] if r["Field"] == "Previous cycle" else _e(r["Value"])}
                for r in rows]
        return _table([{**r, "Field": w._(r["Field"])} for r in rows], raw=("Value",),
                      language=language)
    return _table([{**r, "Field": w._(r["Field"])} for r in rows], language=language)


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


def _predictions(record: CycleRecord, scores: list[Score], language: str = "en") -> str:
    w = words(language)
    if not scores:
        return ("<p class=\"muted\">"
                + _e(w._("No predictions recorded. Add checkable ones in Plan with")) +
                f" <code>pdca predict {_e(record.id)} --kpi KPI --direction rise --size N"
                "</code>" + _e(w._(".")) + "</p>")
    entries = list(record.predictions)
    rows = []
    for entry, score in zip(entries, scores, strict=True):
        written = entry.get("written", "") if isinstance(entry, dict) else ""
        outcome = _e(w._(score.outcome))
        css = {"met": "met", "not met": "overdue"}.get(score.outcome, "muted")
        flags = "".join(f"<div class=\"overdue\">&#9888; {_e(f)}</div>" for f in score.flags)
        rows.append({
            "Prediction": _e(score.statement),
            "Written": _e(written),
            "Confidence": _e(f"{score.confidence:.0%}" if score.confidence else ""),
            "Result": f"<b class=\"{css}\">{outcome}</b>",
            "What decided it": _e(w.reword(score.reason)) + flags,
        })
    return _table(rows, raw=tuple(rows[0]), language=language)


def _autocorrelation(values: list[float]) -> dict[str, Any]:
    """The check for a baseline run that did not store it (runs before it was added)."""
    from pdcakit.spc import autocorrelation

    return autocorrelation(values).as_dict()


def _stability_items(record: CycleRecord, runs: _Runs, w: Words | None = None
                     ) -> tuple[list[tuple[str, str]], list[str]]:
    """The review card's stability lines and the failed assumptions they show."""
    w = w or words()
    baseline = runs.results("baseline")
    stability = baseline.stability if baseline is not None else None
    if stability is None:
        why = (runs.problems.get("baseline") or
               (w._("the baseline run has no stability check ({why})",
                    why=baseline.skipped["stability"])
                if baseline is not None and "stability" in baseline.skipped else
                w._("no baseline run yet (pdca run {cycle} baseline)", cycle=record.id)))
        return [(w._("Stability (baseline)"), why)], []
    verdict = w._("Not stable") if stability.any_signal else w._("Stable")
    items = [(w._("Stability (baseline)"),
              _one_statement(verdict, w.reword(stability.sentence), w))]
    failed = []
    if stability.autocorrelation_flagged is None:
        check = _autocorrelation([v for v in stability.values if v is not None])
        flagged, sentence = bool(check.get("flagged")), str(check.get("sentence", ""))
    else:
        flagged = stability.autocorrelation_flagged
        sentence = stability.autocorrelation_sentence
    if flagged:
        failed.append(w.reword(sentence))
    if stability.rules_sentence is not None:
        differ = stability.rule_disagreements or ()
        items.append((w._("Rule sets (baseline chart)"), w.sentences(
            w.reword(stability.rules_sentence),
            w._("The four rule sets disagree on {count} period(s): {periods} (table in the "
                "baseline notebook).", count=len(differ), periods="; ".join(differ[:8]))
            if differ else
            w._("Anhøj, Western Electric, Nelson and NHS agree on every period."))))
    return items, failed


#: Statistical terms the review card uses, each with a plain-language explanation shown
#: on hover (``<abbr title>``) and as a numbered footnote (for print): the one glossary of
#: every page (:data:`pdcakit.glossary.TERMS`); only terms no other one's explanation
#: contains, since each is marked where it first appears in the card's text.
GLOSSARY = {term: TERMS[term] for term in (
    "Holm-adjusted p", "risk ratio", "Laney p'", "Assurance against the target", "Effect size",
    "autocorrelation", "overdispersion")}


def explain_terms(text: str, notes: list[str], language: str = "en") -> str:
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
    w = words(language)
    out = _e(text)
    named = {term: w._(term) for term in GLOSSARY}  # each term as the language names it
    used = sorted((out.index(_e(name)), name, term) for term, name in named.items()
                  if _e(name) in out)
    pieces, start = [], 0
    for at, name, term in used:
        if at < start:  # inside a term already marked
            continue
        escaped = _e(name)
        known = [n.split(": ", 1)[0] for n in notes]
        meaning = explanation(term, text, language)
        if f"<b>{escaped}</b>" in known:
            number = known.index(f"<b>{escaped}</b>") + 1
        else:
            notes.append(f"<b>{escaped}</b>: {_e(meaning)}")
            number = len(notes)
        pieces += [out[start:at], f"<abbr title=\"{_e(meaning)}\">{escaped}</abbr>"
                                  f"<sup>{number}</sup>"]
        start = at + len(escaped)
    return "".join(pieces) + out[start:]


def _one_statement(verdict: str, sentence: str, w: Words | None = None) -> str:
    """``verdict`` and ``sentence`` as one statement, never saying the same thing twice
    ("Stable" before "No signal of non-random variation: ..." reads "Stable: no signal ...").

    >>> _one_statement("Stable", "No signal of non-random variation: longest run 3.")
    'Stable: no signal of non-random variation: longest run 3.'
    """
    if not sentence:
        return verdict
    if w is not None and not w.english:
        return w._("{verdict}: {sentence}", verdict=verdict, sentence=sentence)
    return f"{verdict}: {sentence[:1].lower()}{sentence[1:]}"


def _review_card(record: CycleRecord, runs: _Runs, scores: list[Score],
                 language: str = "en") -> str:
    """One card: stability, before/after verdict, predictions, failed assumptions, decision,
    in ``language`` (each result's sentence reworded, :meth:`pdcakit.words.Words.reword`)."""
    w = words(language)
    compared = runs.results("compare")
    metric = str((record.aim or {}).get("metric") or "")
    items, failed = _stability_items(record, runs, w)
    before_after = w._("Before / after")

    change = compared.changes.get(metric) if compared is not None else None
    if change is not None:
        effect = change.effect_size
        label = w._(change.effect_size_label or "effect size")
        effect_text = (w._("Effect size: {label} {value}.", label=label, value=f"{effect:.2f}")
                       if effect is not None and math.isfinite(effect) else "")
        view = compared.time_view.get(metric) if compared is not None else None
        assured = (w._("Assurance against the target, period by period (the after period's "
                       "limits): {assurance}.", assurance=w._(view.assurance))
                   if view is not None and view.assurance else "")
        items.append((before_after, w.sentences(w.reword(change.sentence), effect_text,
                                                assured)))
    elif "compare" in runs.problems:
        items.append((before_after, w._("unreadable compare run: {problem}",
                                        problem=runs.problems["compare"])))
    else:
        why = (compared.skipped.get(metric) if compared is not None and metric else None)
        items.append((before_after,
                      w._("the compare run did not compare {kpi}: {why}", kpi=metric,
                          why=w.reword(why)) if why else
                      w._("no compare run with {kpi} yet (pdca run {cycle} compare)",
                          kpi=metric or w._("the aim metric"), cycle=record.id)))
    for key, view in (compared.time_view if compared is not None else {}).items():
        if view.baseline_unstable:
            failed.append(w._("{kpi}: the baseline drifted before the change, so a "
                              "before/after test can mistake drift for effect.", kpi=key))
        if view.overdispersed:
            failed.append(w._("{kpi}: periods vary more than chance (overdispersion); the "
                              "per-period test is the one to read.", kpi=key))

    if scores:
        counts = {o: sum(s.outcome == o for s in scores) for o in OUTCOMES}
        flagged = sum(bool(s.flags) for s in scores)
        text = w._(", ").join(f"{n} {w._(o)}" for o, n in counts.items() if n)
        items.append((w._("Predictions"),
                      w._("{counts}; {flagged} flagged (see below)", counts=text,
                          flagged=flagged) if flagged else
                      w._("{counts}; none written late or edited", counts=text)))
    else:
        items.append((w._("Predictions"), w._("none recorded (pdca predict {cycle} ...)",
                                              cycle=record.id)))
    items.append((w._("Assumptions that failed"), w.sentences(*failed) if failed else
                  w._("none detected (autocorrelation, baseline drift, overdispersion "
                      "checked)")))
    decision = record.decision
    items.append((w._("Decision"), w._("{decision}: {rationale}",
                                       decision=w._(str(decision.get("decision")).title()),
                                       rationale=decision.get("rationale", ""))
                  if decision else
                  w._("not decided yet (pdca act {cycle} --decision adopt|adapt|abandon "
                      "--note \"why\")", cycle=record.id)))
    notes: list[str] = []
    rows = "".join(f"<tr><th scope=\"row\">{_e(k)}</th><td>"
                   f"{explain_terms(v, notes, language)}</td></tr>" for k, v in items)
    footnotes = ("<ol class=\"pdca-footnotes\">" + "".join(f"<li>{n}</li>" for n in notes)
                 + "</ol>" if notes else "")
    return (f"<div class=\"card\"><h2>{_e(w._('Review card'))}</h2>"
            f"<table class=\"pdca-reflow\">{rows}</table>{footnotes}</div>")


def _actions(record: CycleRecord, today: dt.date, language: str = "en") -> str:
    w = words(language)
    rows = []
    for action in record.actions:
        late = action.overdue(today)
        status = _e(w._("done")) if action.done else (
            f"<span class=\"overdue\">{_e(w._('OVERDUE'))}</span>" if late else _e(w._("open")))
        rows.append({"What": _e(action.what), "Owner": _e(action.owner),
                     "Due": _e(action.due or ""), "Status": status})
    return _table(rows, raw=("What", "Owner", "Due", "Status"), language=language)


#: A sentence right after a chart that warns how to read it travels with the chart.
_CAPTION_STARTS = ("Caution:", "Note:")


def _images(notebook: Path, limit: int, language: str = "en") -> list[str]:
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
                                phone if isinstance(phone, str) else None, language=language)
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


def _notes(results: StageResults, language: str = "en") -> str:
    """The files the run read, what it skipped and why, and a note for older files."""
    w = words(language)
    parts = []
    if results.inputs:
        # file names only: the page travels (printed, forwarded) and the machine's folders
        # mean nothing to its reader; provenance.json keeps the full paths and checksums
        files = w._("; ").join(
            f"{reader_label(name.removesuffix('_path'), language)}: {Path(path).name}"
            for name, path in results.inputs.items())
        parts.append(f"<p class=\"muted\">{_e(w._('Input files: {files}', files=files))}</p>")
    if results.skipped:
        parts.append(f"<p class=\"muted\">{_e(w._('Not computed:'))}</p><ul class=\"muted\">"
                     + "".join(f"<li>{_e(key)}: {_e(w.reword(why))}</li>"
                               for key, why in results.skipped.items()) + "</ul>")
    if results.legacy_note:
        parts.append(f"<p class=\"muted\">{_e(results.legacy_note)}.</p>")
    return "".join(parts)


def _run_when(run: RunRef, language: str = "en") -> str:
    """A run's start as a date and time (from its provenance, else its stamp)."""
    return run_date(started_at(run.provenance), run.name, language)


def _log_detail(entry: dict[str, Any], out_dir: Path, root: Path, language: str = "en") -> str:
    """A log entry's details in words (in ``language``), escaped; a run's directory links
    to its page."""
    w = words(language)
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
            when = run_date(None, run_dir.name, language)
            parts.append(f"<a href=\"{_e(rel)}\">{_e(w._('run of {when}', when=when))}</a>")
        else:
            parts.append(_e(w._("{key}: {value}", key=w._(key.replace("_", " ")),
                                value=w.reword(str(value)) if isinstance(value, str)
                                else value)))
    return w._(", ").join(parts)


def _stage_section(record: CycleRecord, stage: str, out_dir: Path, runs: _Runs,
                   language: str = "en") -> str:
    w = words(language)
    title = f"<h3>{_e(stage.title() if w.english else w._(stage))}</h3>"
    if stage in runs.problems:
        return f"{title}<p class=\"overdue\">{_e(runs.problems[stage])}</p>"
    run = runs.found.get(stage)
    if run is None or run.results is None:
        return (f"{title}<p class=\"muted\">{_e(w._('No successful run yet. Run it with'))} "
                f"<code>pdca run {_e(record.id)} {_e(stage)}</code>{_e(w._('.'))}</p>")
    rel = Path(os.path.relpath(run.run_dir / f"{stage}.html", out_dir)).as_posix()
    link = (f"<p><a href=\"{_e(rel)}\">{_e(w._('Full {stage} notebook', stage=w._(stage)))}"
            f"</a> <span class=\"muted\">"
            f"{_e(w._('(started {when}, run {run})', when=_run_when(run, language), run=run.name))}"
            "</span></p>")
    images = _images(run.run_dir / f"{stage}.ipynb", limit=3, language=language)
    items = "".join(f"<li>{_e(w.reword(s))}</li>" for s in _sentences(run.results) if s)
    return (f"{title}<ul class=\"verdicts\">{items}</ul>" + "".join(images)
            + _notes(run.results, language) + link)


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
    w = words(language)
    decision = record.decision
    decision_html = (f"<p class=\"muted\">{_e(w._('No decision yet: record it with'))} "
                     f"<code>pdca act {_e(cycle_id)} --decision adopt|adapt|abandon --note "
                     f"\"why\"</code>{_e(w._('.'))}</p>"
                     if not decision else
                     "<div class=\"decision\">" + _e(w._(
                         "{decision} on {date}: {rationale}",
                         decision=w._(str(decision.get("decision")).title()),
                         date=decision.get("date"), rationale=decision.get("rationale")))
                     + "</div>")
    log_rows = [{"Date": _e(e.get("date")), "Event": _e(e.get("event")),
                 "Detail": _log_detail(e, out_dir, paths.root, language)} for e in record.log]
    scores = prediction_scores(paths, record, runs)
    from pdcakit.tracker.statusview import stage_name

    stage_word = stage_name(record.stage, w)
    body = (f"<p>{_e(record.id)} · {_e(w._('stage'))} <span class=\"stage\">"
            f"{_e(stage_word)}</span> · "
            f"<a href=\"../index.html\">{_e(w._('all cycles'))}</a></p>"
            f"{_cycle_verdict(runs, language)}"
            f"{_review_card(record, runs, scores, language)}"
            f"<h2>{_e(w._('Plan: the charter'))}</h2>{_charter(paths, record, runs, language)}"
            f"<h2>{_e(w._('Predictions against results'))}</h2>"
            f"{_predictions(record, scores, language)}"
            f"<h2>{_e(w._('Actions'))}</h2>{_actions(record, today, language)}"
            f"<h2>{_e(w._('Results by stage'))}</h2>"
            + "".join(_stage_section(record, stage, out_dir, runs, language)
                      for stage in STAGES)
            + f"<h2>{_e(w._('Act: the decision'))}</h2>{decision_html}"
            f"{_holding(paths, record)}"
            f"<h2>{_e(w._('Log'))}</h2>"
            f"{_table(log_rows, raw=('Date', 'Event', 'Detail'), language=language)}")
    target = out_dir / "index.html"
    atomic_write_text(target, page(record.title, body, language))
    return target


def _holding(paths: ProjectPaths, record: CycleRecord) -> str:
    """What ``pdca monitor`` has shown of an adopted cycle's gain, for its page."""
    from dataclasses import replace

    language = cycle_language(paths, record.id)
    monitored = monitor_section([record], dt.date.today(), words(language))
    if not monitored.rows:
        return ""
    return (section_html(replace(monitored, intro=""), language,
                         cycle_href="../{id}/index.html")
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
