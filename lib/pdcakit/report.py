"""Reviewer pages: one HTML page per cycle and a portfolio of all cycles.

Built from the cycle records and the runs' ``results.json`` and executed
notebooks, so a reviewer reads what was planned, measured, changed and decided
without running anything. Pages are self-contained (inline CSS, figures as
base64 PNG, no scripts, no CDN), open from the file system, and escape every
piece of user text.

- ``runs/<cycle>/index.html``: charter, actions (overdue flagged), the log, each
  stage's latest successful run (verdict sentences, key charts, a link to the full
  notebook), the decision.
- ``runs/index.html``: the portfolio, one row per cycle.

>>> page("A <b>title</b>", "<p>body</p>").count("&lt;b&gt;")
2
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from pathlib import Path
from typing import Any

import nbformat

from .cycle import CycleRecord, read_cycle
from .fileio import atomic_write_text
from .kpis import KPI_INFO
from .predictions import OUTCOMES, Score, score_predictions
from .project import STAGES, ProjectPaths
from .results import format_value
from .tracker import latest_results, status_rows

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


def page(title: str, body: str) -> str:
    """A complete, self-contained HTML page (title escaped, body as given)."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1>{body}"
            f"<p class=\"muted\">Built {dt.date.today().isoformat()} by pdca report.</p>"
            "</body></html>\n")


def _table(rows: list[dict[str, Any]], raw: tuple[str, ...] = ()) -> str:
    """An HTML table; every cell escaped except the columns named in ``raw``."""
    if not rows:
        return "<p class=\"muted\">None.</p>"
    head = "".join(f"<th>{_e(k)}</th>" for k in rows[0])
    body = "".join("<tr>" + "".join(
        f"<td>{v if k in raw else _e(v)}</td>" for k, v in row.items()) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _window(window: Any) -> str:
    """[start, end) as 'start to the day before end' for reading."""
    if not window or len(window) != 2:
        return "not set"
    start, end = (dt.date.fromisoformat(str(v)[:10]) for v in window)
    return f"{start.isoformat()} to {(end - dt.timedelta(days=1)).isoformat()}"


def _charter(record: CycleRecord) -> str:
    aim = record.aim or {}
    spec = KPI_INFO.get(str(aim.get("metric")))
    unit = spec.unit if spec else ""
    rows = [
        {"Field": "Owner", "Value": record.owner},
        {"Field": "Team", "Value": ", ".join(record.team)},
        {"Field": "Created", "Value": record.created},
        {"Field": "Aim", "Value": (f"{spec.name if spec else aim.get('metric', '')}: "
                                   f"{aim.get('direction', 'higher')} is better; target "
                                   f"{format_value(aim.get('target'), unit)} by "
                                   f"{aim.get('deadline') or 'no deadline'}")},
        {"Field": "Baseline", "Value": format_value(aim.get("baseline"), unit)},
        {"Field": "New baseline (adopted)", "Value": format_value(aim.get("new_baseline"), unit)},
        {"Field": "Problem", "Value": record.problem},
        {"Field": "Change idea", "Value": record.change_idea},
        {"Field": "Hypothesis", "Value": record.hypothesis},
        {"Field": "Data", "Value": (f"{record.data.get('tickets') or '-'}; before "
                                    f"{_window(record.data.get('before'))}, after "
                                    f"{_window(record.data.get('after'))}")},
    ]
    if record.previous:
        rows.append({"Field": "Previous cycle",
                     "Value": f"<a href=\"../{_e(record.previous)}/index.html\">"
                              f"{_e(record.previous)}</a>"})
        rows = [{**r, "Value": r["Value"] if r["Field"] == "Previous cycle" else _e(r["Value"])}
                for r in rows]
        return _table(rows, raw=("Value",))
    return _table(rows)


def _collection_start(record: CycleRecord, compared: dict[str, Any] | None) -> dt.date | None:
    """First day of the after window: the record's, else the compare run's."""
    after = (record.data or {}).get("after") or []
    first = after[0] if after else ((compared or {}).get("windows") or {}).get("after_start")
    try:
        return dt.date.fromisoformat(str(first)) if first else None
    except ValueError:
        return None


def prediction_scores(paths: ProjectPaths, record: CycleRecord) -> list[Score]:
    """The record's predictions scored against its latest successful compare run."""
    compared = latest_results(paths, record, "compare")
    return score_predictions(list(record.predictions), compared,
                             collection_start=_collection_start(record, compared))


def _predictions(record: CycleRecord, scores: list[Score]) -> str:
    if not scores:
        return ("<p class=\"muted\">No predictions recorded. Add checkable ones in Plan with "
                "<code>pdca predict</code>.</p>")
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
    from .spc import autocorrelation

    return autocorrelation(values).as_dict()


def _review_card(paths: ProjectPaths, record: CycleRecord, scores: list[Score]) -> str:
    """One card: stability, before/after verdict, predictions, failed assumptions, decision."""
    baseline = latest_results(paths, record, "baseline") or {}
    compared = latest_results(paths, record, "compare") or {}
    metric = str((record.aim or {}).get("metric") or "")
    items: list[tuple[str, str]] = []
    failed: list[str] = []

    stability = baseline.get("stability") or {}
    run = stability.get("run_chart") or {}
    if run:
        verdict = "not stable: signals of non-random variation" if run.get("any_signal") \
            else "stable: no signal of non-random variation"
        items.append(("Stability (baseline)", f"{verdict}. {run.get('sentence', '')}"))
        check = run.get("autocorrelation") or _autocorrelation(run.get("values") or [])
        if check.get("flagged"):
            failed.append(str(check.get("sentence", "")))
    else:
        items.append(("Stability (baseline)", "no baseline run yet"))
    if "rules" in stability:
        differ = stability.get("rule_disagreements") or []
        items.append(("Rule sets (baseline chart)", (
            f"{stability['rules'].get('sentence', '')} "
            + (f"The four rule sets disagree on {len(differ)} period(s): "
               + "; ".join(f"{row.get('point')}" for row in differ[:8])
               + " (table in the baseline notebook)." if differ
               else "Anhøj, Western Electric, Nelson and NHS agree on every period."))))

    kpi = (compared.get("kpis") or {}).get(metric)
    if kpi:
        comparison = kpi.get("comparison") or {}
        effect = comparison.get("effect_size")
        label = comparison.get("effect_size_label") or "effect size"
        effect_text = f" Effect size: {label} {effect:.2f}." if isinstance(effect, float) else ""
        view = (compared.get("time_view") or {}).get(metric) or {}
        verdict = (view.get("assurance") or {}).get("verdict")
        assured = (f" Assurance against the target: {verdict} (after-period limits)."
                   if verdict else "")
        items.append(("Before / after", f"{kpi.get('sentence', '')}{effect_text}{assured}"))
    else:
        items.append(("Before / after", f"no compare run with {metric or 'the aim metric'} yet"))
    for key, view in (compared.get("time_view") or {}).items():
        if view.get("baseline_unstable"):
            failed.append(f"{key}: the baseline drifted before the change, so a before/after "
                          "test can mistake drift for effect.")
        if view.get("overdispersed"):
            failed.append(f"{key}: periods vary more than chance (overdispersion); the "
                          "per-period test is the one to read.")

    if scores:
        counts = {o: sum(s.outcome == o for s in scores) for o in OUTCOMES}
        flagged = sum(bool(s.flags) for s in scores)
        text = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
        items.append(("Predictions", text + (f"; {flagged} flagged (see below)" if flagged
                                             else "; none written late or edited")))
    else:
        items.append(("Predictions", "none recorded"))
    items.append(("Assumptions that failed", " ".join(failed) if failed else
                  "none detected (autocorrelation, baseline drift, overdispersion checked)"))
    decision = record.decision
    items.append(("Decision", f"{str(decision.get('decision')).title()}: "
                  f"{decision.get('rationale', '')}" if decision else "not decided yet"))
    rows = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in items)
    return f"<div class=\"card\"><h2>Review card</h2><table>{rows}</table></div>"


def _actions(record: CycleRecord, today: dt.date) -> str:
    rows = []
    for action in record.actions:
        late = action.overdue(today)
        status = "done" if action.done else ("<span class=\"overdue\">OVERDUE</span>" if late
                                             else "open")
        rows.append({"What": _e(action.what), "Owner": _e(action.owner),
                     "Due": _e(action.due or ""), "Status": status})
    return _table(rows, raw=("What", "Owner", "Due", "Status"))


def _images(notebook: Path, limit: int) -> list[str]:
    if not notebook.exists():
        return []
    nb = nbformat.read(notebook, as_version=4)
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png and len(found) < limit:
                found.append(f"<img alt=\"chart\" src=\"data:image/png;base64,{png.strip()}\">")
    return found


def _sentences(stage: str, results: dict[str, Any]) -> list[str]:
    if stage == "compare":
        return [k.get("sentence", "") for k in (results.get("kpis") or {}).values()]
    if stage == "efficiency":
        gains = [g.get("sentence", "") for g in (results.get("gains") or {}).values()]
        steps = (results.get("steps") or {}).get("sentence")
        return [*gains, *([steps] if steps else []), str(results.get("summary") or "")]
    out = []
    for kpi in (results.get("kpis") or {}).values():
        if isinstance(kpi, dict) and "value" in kpi:
            ci = kpi.get("ci") or []
            interval = (f" (95% CI {format_value(ci[0], kpi['unit'])} to "
                        f"{format_value(ci[1], kpi['unit'])})" if len(ci) == 2 else "")
            out.append(f"{kpi.get('name')}: {format_value(kpi['value'], kpi['unit'])}"
                       f"{interval}, n = {kpi.get('n', 0):,}")
    target = results.get("target") or {}
    if target.get("kpi"):
        out.append(f"Target {target['kpi']} {target.get('direction')} than "
                   f"{target.get('value')}: {'met' if target.get('met') else 'not met'}.")
    return out


def _stage_section(paths: ProjectPaths, record: CycleRecord, stage: str, out_dir: Path) -> str:
    results = latest_results(paths, record, stage)
    if results is None:
        return f"<h3>{_e(stage.title())}</h3><p class=\"muted\">No successful run yet.</p>"
    runs = sorted((paths.runs / record.id / stage).glob("*/results.json"), reverse=True)
    run_dir = next((r.parent for r in runs if json.loads(
        (r.parent / "provenance.json").read_text(encoding="utf-8")).get("status")
        == "succeeded"), None) if runs else None
    link = ""
    images: list[str] = []
    if run_dir is not None:
        rel = Path(os.path.relpath(run_dir / f"{stage}.html", out_dir)).as_posix()
        link = (f"<p><a href=\"{_e(rel)}\">Full {_e(stage)} notebook</a> "
                f"<span class=\"muted\">(run {_e(run_dir.name)})</span></p>")
        images = _images(run_dir / f"{stage}.ipynb", limit=3)
    items = "".join(f"<li>{_e(s)}</li>" for s in _sentences(stage, results) if s)
    return (f"<h3>{_e(stage.title())}</h3><ul class=\"verdicts\">{items}</ul>"
            + "".join(images) + link)


def cycle_page(paths: ProjectPaths, cycle_id: str, today: dt.date | None = None) -> Path:
    """Write ``runs/<cycle>/index.html`` and return its path."""
    today = today or dt.date.today()
    record = read_cycle(paths, cycle_id)
    out_dir = paths.runs / cycle_id
    decision = record.decision
    decision_html = ("<p class=\"muted\">No decision yet.</p>" if not decision else
                     f"<div class=\"decision\"><b>{_e(str(decision.get('decision')).title())}"
                     f"</b> on {_e(decision.get('date'))}: {_e(decision.get('rationale'))}</div>")
    log_rows = [{"Date": e.get("date"), "Event": e.get("event"),
                 "Detail": ", ".join(f"{k}: {v}" for k, v in e.items()
                                     if k not in ("date", "event"))} for e in record.log]
    scores = prediction_scores(paths, record)
    body = (f"<p>{_e(record.id)} · stage <span class=\"stage\">{_e(record.stage)}</span> · "
            f"<a href=\"../index.html\">all cycles</a></p>"
            f"{_review_card(paths, record, scores)}"
            f"<h2>Plan: the charter</h2>{_charter(record)}"
            f"<h2>Predictions against results</h2>{_predictions(record, scores)}"
            f"<h2>Actions</h2>{_actions(record, today)}"
            "<h2>Results by stage</h2>"
            + "".join(_stage_section(paths, record, stage, out_dir) for stage in STAGES)
            + f"<h2>Act: the decision</h2>{decision_html}"
            f"<h2>Log</h2>{_table(log_rows)}")
    target = out_dir / "index.html"
    atomic_write_text(target, page(record.title, body))
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
            "and decision.</p>" + _table(rows, raw=tuple(rows[0]) if rows else ()))
    target = paths.runs / "index.html"
    atomic_write_text(target, page("PDCA portfolio", body))
    return target


def build_reports(paths: ProjectPaths, cycle_id: str | None = None) -> Path:
    """Cycle page(s) and the portfolio; returns the portfolio's path."""
    ids = [cycle_id] if cycle_id else sorted(p.stem for p in paths.records.glob("*.yaml"))
    for cid in ids:
        cycle_page(paths, cid)
    return portfolio_page(paths)
