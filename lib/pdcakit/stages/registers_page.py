"""The registers' sections of the baseline and compare pages: feedback classified by the
team's lexicon (4.4.1) and complaint cases handled to a close (chapter 4).

Each builder loads its register (``feedback_path``, ``complaints_path``: "" is off, with
its line), computes through :mod:`pdcakit.registers` and returns the section the page
shows and the entries it adds to ``results.json``, as the other sections do: the baseline
builders a :class:`pdcakit.stages.baseline_page.Section` (skipped lines through the run's
:class:`~pdcakit.stages.baseline_page.PageLedger`), the compare builders a
:class:`pdcakit.stages.compare_page.Section` (skipped lines as ``Skip`` blocks). Each
records the files it read in the ledger's ``inputs``. Every word a reader sees goes
through the words layer (``language``: en or zh-CN).

>>> from pdcakit.stages.baseline_page import PageLedger
>>> ledger = PageLedger(frozenset(), show=False)
>>> feedback_baseline(ledger).record, ledger.skipped["feedback"].split(" (")[0]
({}, 'off: give feedback_path')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.data.slicing import between
from pdcakit.periods import PERIODS
from pdcakit.registers import complaints as cmp
from pdcakit.registers.feedback import (
    ClassSeries,
    ShareChanges,
    class_shares,
    labelled,
    share_changes,
    shares_over_time,
)
from pdcakit.registers.lexicon import Agreement, agreement, load_lexicon
from pdcakit.registers.loading import load_complaints, load_feedback
from pdcakit.registers.schema import CLASS_NAMES, CLASSES
from pdcakit.results import format_p
from pdcakit.stages.sections import Sections, mapping_file
from pdcakit.words import N_, Words, words

__all__ = ["class_name", "complaint_answer", "complaints_baseline", "complaints_compare",
           "feedback_baseline", "feedback_compare", "read_complaints", "read_feedback"]

#: Section keys and the parameter that turns each on, for the skipped lines.
_OFF = {"feedback": N_("off: give feedback_path (a feedback export: id, received_at, text) "
                       "to enable it"),
        "complaints": N_("off: give complaints_path (a complaint register: id, received_at, "
                         "owner, deadline, closed_at) to enable it")}


def class_name(key: str, w: Words) -> str:
    """A class's name in the reader's language ("Response speed", "响应速度")."""
    return w._(CLASS_NAMES[key])


def _mapping(ledger: Sections, parameter: str, mapping: str) -> Any:
    return (ledger.read(parameter, mapping) if mapping_file(mapping) else mapping) or None


def read_feedback(ledger: Sections, feedback_path: str, mapping: str = "") -> pd.DataFrame:
    """The feedback export ``feedback_path`` names, loaded (:func:`load_feedback`), the
    files read recorded in ``ledger.inputs`` (``feedback_path``, ``feedback_mapping``)."""
    return load_feedback(ledger.read("feedback_path", feedback_path),
                         _mapping(ledger, "feedback_mapping", mapping))


def read_complaints(ledger: Sections, complaints_path: str, mapping: str = "", *,
                    snapshot: str = "") -> pd.DataFrame:
    """The complaint register ``complaints_path`` names, loaded (:func:`load_complaints`),
    the files read recorded in ``ledger.inputs``."""
    return load_complaints(ledger.read("complaints_path", complaints_path),
                           _mapping(ledger, "complaints_mapping", mapping),
                           snapshot=snapshot or None)


def _window(frame: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    start = pd.Timestamp(start) if start not in ("", None) else None
    end = pd.Timestamp(end) if end not in ("", None) else None
    out = between(frame, "received_at", start, end)
    out.attrs = dict(frame.attrs)
    return out


def _ci(w: Words, ci: Any, *, percent: bool = True, digits: int = 1) -> str:
    if ci is None or any(v is None or not math.isfinite(float(v)) for v in ci):
        return w._("not estimable")
    fmt = (lambda v: w.percent(v, digits)) if percent else (lambda v: w.number(v, digits))
    return w._("{low} to {high}", low=fmt(ci[0]), high=fmt(ci[1]))


def _days(w: Words, value: float | None) -> str:
    return w._("not reached") if value is None else w._("{number} days",
                                                        number=w.number(value, 1))


# ---------------------------------------------------------------- baseline: feedback


def _shares_table(shares: Any, w: Words) -> pd.DataFrame:
    level = w.level(shares.confidence)
    rows = [{w._("Class"): class_name(k, w), w._("Items"): shares.counts[k],
             w._("Share"): w.percent(shares.estimates[k].value),
             w._("{level} CI", level=level): _ci(w, shares.estimates[k].ci)}
            for k in CLASSES]
    return pd.DataFrame(rows)


def _agreement_parts(found: Agreement, w: Words) -> tuple[str, pd.DataFrame]:
    if found.kappa is None:
        line = w._("Where the export carries a class ({n} items), the lexicon agrees on "
                   "{observed}; Cohen's kappa is not defined (every item in one class).",
                   n=found.n, observed=w.percent(found.observed))
    else:
        line = w._("Where the export carries a class ({n} items), the lexicon agrees on "
                   "{observed} of them; Cohen's kappa {kappa} ({level} CI {ci}), where 0 is "
                   "the agreement of chance and 1 full agreement.", n=found.n,
                   observed=w.percent(found.observed), kappa=w.number(found.kappa, 2),
                   level=w.level(found.confidence),
                   ci=_ci(w, found.ci, percent=False, digits=2))
    table = found.table.copy()
    table.index = [class_name(k, w) for k in table.index]
    table.columns = [class_name(k, w) for k in table.columns]
    table = table.reset_index(names=w._("Export's class (down) / lexicon's (across)"))
    return line, table


#: Disagreements shown beside the agreement table.
_EXAMPLES = 8


def _disagreements(items: pd.DataFrame, lexicon: Any, w: Words) -> pd.DataFrame:
    """Up to :data:`_EXAMPLES` items whose given class the lexicon did not find, the most
    frequent texts first (the customer's words are data: the table escapes them)."""
    given = items["class"]
    found = pd.Series(lexicon.classify(items["text"]), index=items.index)
    off = items[given.notna() & (given != found)]
    if off.empty:
        return pd.DataFrame()
    pairs = (pd.DataFrame({"text": off["text"].fillna(""), "given": given[off.index],
                           "found": found[off.index]})
             .value_counts(sort=True).head(_EXAMPLES).reset_index())
    return pd.DataFrame({w._("Words"): pairs["text"],
                         w._("Export's class"): [class_name(k, w) for k in pairs["given"]],
                         w._("Lexicon's class"): [class_name(k, w) for k in pairs["found"]],
                         w._("Items"): pairs["count"]})


def _p_chart_figure(series: ClassSeries, key: str, w: Words, *, change: Any = None) -> Any:
    from pdcakit import plots

    chart = series.charts[key]
    period_word = w._(PERIODS[series.period])
    return plots.control_chart(
        list(series.starts), chart.values, centre=chart.centre_line, lcl=chart.lcl,
        ucl=chart.ucl, signals=chart.signals, percent=True, change=change,
        title=w._("Share of feedback: {name}", name=class_name(key, w)),
        ylabel=w._("Share of items"), xlabel=period_word, language=w.language)


def feedback_baseline(ledger: Sections, *, feedback_path: str = "", mapping: str = "",
                      lexicon_path: str = "", classes_from: str = "lexicon",
                      window: tuple[str, str] = ("", ""), period: str = "W",
                      language: str = "en", confidence: float = 0.95) -> Any:
    """The feedback of the baseline window: class shares with their intervals and Pareto,
    the lexicon's agreement with the export's own class (where it carries one), each
    class's share per ``period`` on a p chart. Records ``feedback``."""
    from pdcakit import plots
    from pdcakit.stages.baseline_page import Section, SectionPage

    w = words(language)
    page = SectionPage(ledger)
    if not feedback_path:
        ledger.skip("feedback", w._(_OFF["feedback"]))
        return Section(shown=page.done(), record={})
    lexicon = load_lexicon(ledger.read("feedback_lexicon_path", lexicon_path)
                           if lexicon_path else None)
    items = _window(read_feedback(ledger, feedback_path, mapping), *window)
    if items.empty:
        ledger.skip("feedback", w._("the feedback export has no item received inside the "
                                    "baseline window"))
        return Section(shown=page.done(), record={})
    labels = labelled(items, lexicon, classes_from=classes_from)
    shares = class_shares(labels, confidence=confidence)
    first, last = items["received_at"].min(), items["received_at"].max()
    source = (w._("the lexicon {name}", name=lexicon.source.rsplit("/", 1)[-1])
              if classes_from == "lexicon" else w._("the export's own class"))
    page.say(w._("**{n} feedback items** received from {first} to {last}; classes from "
                 "{source}.", n=f"{len(items):,}", first=w.date(first.date()),
                 last=w.date(last.date()), source=source))
    for warning in items.attrs.get("warnings", []):
        page.say(w._("Note: {warning}", warning=warning))
    page.table(_shares_table(shares, w), index=False)
    pareto = shares.pareto()
    page.figure(plots.pareto_chart([class_name(k, w) for k in pareto.index], pareto["count"],
                                   title=w._("Feedback by class"),
                                   ylabel=w._("Number of items"), xlabel=w._("Class"),
                                   noun=w._("items"), language=w.language))
    record: dict[str, Any] = {"source": items.attrs.get("source"), "items": len(items),
                              "first_received": first, "last_received": last,
                              "classes_from": classes_from, "lexicon": lexicon.source,
                              "estimand": "share of items", **shares.as_dict()}
    given = items.get("class")
    record["agreement"] = None
    if given is None or int(given.notna().sum()) < 2:
        ledger.skip("feedback_agreement", w._("the export carries no class for 2 or more "
                                              "items (map it under columns: class:)"))
    elif "text" not in items:
        ledger.skip("feedback_agreement", w._("the export has no text for the lexicon to "
                                              "classify (map it under columns: text:)"))
    else:
        found = agreement(given, lexicon.classify(items["text"]), confidence=confidence)
        line, table = _agreement_parts(found, w)
        page.say(line)
        page.table(table, index=False)
        examples = _disagreements(items, lexicon, w)
        if len(examples):
            page.say(w._("Items the lexicon put in another class than the export (up to "
                         "{count}): words to add to the lexicon, or a class to check.",
                         count=_EXAMPLES))
            page.table(examples, index=False)
        record["agreement"] = found.as_dict()
    try:
        series = shares_over_time(items["received_at"], labels, period=period)
    except ValueError as exc:
        ledger.skip("feedback_over_time", str(exc))
    else:
        record["over_time"] = series.as_dict()
        _class_charts(series, page, w)
    return Section(shown=page.done(), record={"feedback": record})


def _class_charts(series: ClassSeries, page: Any, w: Words) -> None:
    """Each class's p chart in a line (its centre, its periods outside the limits); the
    chart itself drawn for a class with a period outside its limits, the classes inside
    theirs named in one line (drawing is the section's main cost: five charts, each drawn
    again for a phone, took two seconds for the demo's thirteen quiet weeks)."""
    from babel.lists import format_list

    quiet = []
    for key in CLASSES:
        if key not in series.charts:
            continue
        chart = series.charts[key]
        outside = int(np.sum(chart.signals))
        page.say(w.ngettext("- {name}: centre {centre}, {count} period outside the limits",
                            "- {name}: centre {centre}, {count} periods outside the "
                            "limits", outside, name=class_name(key, w),
                            centre=w.percent(chart.centre)))
        if outside:
            page.figure(_p_chart_figure(series, key, w))
        else:
            quiet.append(class_name(key, w))
    if quiet:
        page.say(w.ngettext("{names}: every {period} lies within the p chart's limits (a "
                            "stable share), so its chart is not drawn.",
                            "{names}: every {period} lies within the p charts' limits "
                            "(stable shares), so their charts are not drawn.", len(quiet),
                            period=w._(PERIODS[series.period]),
                            names=format_list(quiet, locale=w.locale)))


# ---------------------------------------------------------------- baseline: complaints


def _overdue_table(table: pd.DataFrame, w: Words) -> pd.DataFrame:
    return pd.DataFrame({
        w._("Owner"): table["owner"], w._("Open"): table["open"],
        w._("Past the deadline"): table["overdue"],
        w._("Oldest overdue (days)"): [w.number(v, 1) if math.isfinite(v) else "" for v in
                                       table["oldest_overdue_days"].astype(float)]})


def _complaint_facts(cases: pd.DataFrame, ledger: Sections, w: Words, confidence: float,
                     page: Any) -> dict[str, Any]:
    """The complaint KPIs of ``cases`` said on ``page``; their record (``skipped`` inside
    for a KPI whose columns the register lacks)."""
    from pdcakit import plots

    record: dict[str, Any] = {}
    try:
        close = cmp.time_to_close(cases, confidence=confidence)
    except ValueError as exc:
        ledger.skip("complaints_time_to_close", str(exc))
    else:
        page.say(w._("Time to close (Kaplan-Meier, open cases counted as censored): median "
                     "{median} ({level} CI {low} to {high}), 90th percentile {p90}, over {n} "
                     "cases of which {open} are still open.", median=_days(w, close.median_days),
                     level=w.level(confidence), low=_days(w, close.median_ci[0]),
                     high=_days(w, close.median_ci[1]), p90=_days(w, close.p90_days),
                     n=f"{close.n:,}", open=f"{close.n_open:,}"))
        page.figure(plots.survival_curve(
            {w._("Complaints"): (close.curve.times, close.curve.survival)},
            title=w._("Time to close a complaint"), ylabel=w._("Share of cases still open"),
            unit="days", language=w.language))
        record["time_to_close"] = close.as_dict()
    for key, kpi, sentence in (
            ("closed_by_deadline", cmp.closed_by_deadline,
             N_("Closed by the deadline: {value} ({level} CI {ci}) of the {n} cases whose "
                "answer is known (closed, or open past the deadline).")),
            ("repeat_rate", cmp.repeat_rate,
             N_("Repeat complaints: {value} ({level} CI {ci}) of {n} cases repeat an earlier "
                "complaint."))):
        try:
            est = kpi(cases, confidence=confidence)
        except ValueError as exc:
            ledger.skip(f"complaints_{key}", str(exc))
            continue
        line = w._(sentence, value=w.percent(est.value), level=w.level(confidence),
                   ci=_ci(w, est.ci), n=f"{est.n:,}")
        left = {k: est.extra.get(k, 0) for k in ("open_not_yet_due", "no_deadline")}
        if any(left.values()):
            line += " " + w._("Left out: {not_due} open cases not yet due and {none} cases "
                              "without a deadline.", not_due=f"{left['open_not_yet_due']:,}",
                              none=f"{left['no_deadline']:,}")
        page.say(line)
        record[key] = est.as_dict()
    try:
        table = cmp.overdue_by_owner(cases)
    except ValueError as exc:
        ledger.skip("complaints_overdue", str(exc))
    else:
        overdue = int(table["overdue"].sum())
        page.say(w.ngettext("{count} open case is past its deadline at the export ({date}).",
                            "{count} open cases are past their deadline at the export "
                            "({date}).", overdue,
                            date=w.date(pd.Timestamp(cases.attrs["snapshot"]).date())))
        if len(table):
            page.table(_overdue_table(table, w), index=False)
        record["overdue_by_owner"] = [
            {"owner": r.owner, "open": int(r.open), "overdue": int(r.overdue),
             "oldest_overdue_days": (float(r.oldest_overdue_days)
                                     if math.isfinite(float(r.oldest_overdue_days)) else None)}
            for r in table.itertuples()]
    return record


def complaints_baseline(ledger: Sections, *, complaints_path: str = "", mapping: str = "",
                        snapshot: str = "", window: tuple[str, str] = ("", ""),
                        language: str = "en", confidence: float = 0.95) -> Any:
    """The complaint cases received in the baseline window: time to close, the share closed
    by the deadline, overdue cases by owner (at the register's snapshot) and the repeat
    rate. Records ``complaints``."""
    from pdcakit.stages.baseline_page import Section, SectionPage

    w = words(language)
    page = SectionPage(ledger)
    if not complaints_path:
        ledger.skip("complaints", w._(_OFF["complaints"]))
        return Section(shown=page.done(), record={})
    cases = _window(read_complaints(ledger, complaints_path, mapping, snapshot=snapshot),
                    *window)
    if cases.empty:
        ledger.skip("complaints", w._("the complaint register has no case received inside "
                                      "the baseline window"))
        return Section(shown=page.done(), record={})
    n_open = int(cases["is_open"].sum()) if "is_open" in cases else None
    page.say(w._("**{n} complaint cases** received from {first} to {last}; {open} still open "
                 "at the export ({date}).", n=f"{len(cases):,}",
                 first=w.date(cases["received_at"].min().date()),
                 last=w.date(cases["received_at"].max().date()),
                 open="?" if n_open is None else f"{n_open:,}",
                 date=w.date(pd.Timestamp(cases.attrs["snapshot"]).date())))
    for warning in cases.attrs.get("warnings", []):
        page.say(w._("Note: {warning}", warning=warning))
    record = {"source": cases.attrs.get("source"), "cases": len(cases), "open": n_open,
              "snapshot": cases.attrs["snapshot"],
              "snapshot_source": cases.attrs["snapshot_source"],
              **_complaint_facts(cases, ledger, w, confidence, page)}
    return Section(shown=page.done(), record={"complaints": record})


# ---------------------------------------------------------------- compare


#: A share change's answer (:attr:`pdcakit.registers.feedback.ShareChange.answer`) in words.
_SHARE_ANSWERS = {"rose": N_("Rose"), "fell": N_("Fell"), "no clear change": N_("No clear change"),
                  "not tested": N_("Not tested")}


def _changes_table(changes: ShareChanges, w: Words) -> pd.DataFrame:
    rows = []
    for c in changes.changes:
        rows.append({
            w._("Class"): class_name(c.key, w), w._("Before"): w.percent(c.before),
            w._("After"): w.percent(c.after),
            w._("Change"): ("" if c.difference is None else
                            w._("{number} points", number=w.number(100 * c.difference, 1,
                                                                   sign=True))),
            w._("CI (adjusted, its level)"): (
                "" if c.ci_adjusted is None or c.ci_level is None else w._(
                    "{low} to {high} ({level})",
                    low=w.number(100 * c.ci_adjusted[0], 1, sign=True),
                    high=w.number(100 * c.ci_adjusted[1], 1, sign=True),
                    level=w.level(c.ci_level))),
            w._("p (adjusted)"): "" if c.p_adjusted is None else format_p(c.p_adjusted),
            w._("Answer"): w._(_SHARE_ANSWERS[c.answer])})
    return pd.DataFrame(rows)


def feedback_compare(ledger: Sections, windows: Any, *, feedback_path: str = "",
                     mapping: str = "", lexicon_path: str = "", classes_from: str = "lexicon",
                     alpha: float = 0.05, multiplicity: str = "holm", period: str = "W",
                     language: str = "en") -> Any:
    """Each class's share before and after the go-live (``windows``: before_start ...
    after_end), the change tested as two proportions and adjusted over the classes, and
    the p chart of each class that changed, its limits from the before weeks. Records
    ``feedback``."""
    from pdcakit.stages.compare_page import Chart, Say, Section, Skip, Table

    w = words(language)
    if not feedback_path:
        return Section(blocks=(Skip("feedback", w._(_OFF["feedback"])),))
    lexicon = load_lexicon(ledger.read("feedback_lexicon_path", lexicon_path)
                           if lexicon_path else None)
    items = read_feedback(ledger, feedback_path, mapping)
    before = _window(items, windows.before_start, windows.before_end)
    after = _window(items, windows.after_start, windows.after_end)
    if before.empty or after.empty:
        return Section(blocks=(Skip("feedback", w._(
            "the feedback export needs items in both windows ({before} before, {after} "
            "after)", before=len(before), after=len(after))),))
    lb = labelled(before, lexicon, classes_from=classes_from)
    la = labelled(after, lexicon, classes_from=classes_from)
    changes = share_changes(lb, la, alpha=alpha, multiplicity=multiplicity,
                            confidence=1 - alpha)
    moved = [c for c in changes.changes if c.significant]
    blocks: list[Any] = [
        Say(w._("**{before} feedback items** before the change and **{after}** after; each "
                "class's share compared, p-values adjusted over the {m} classes tested "
                "({method}).", before=f"{len(before):,}", after=f"{len(after):,}",
                m=changes.family_size, method=multiplicity)),
        Table(_changes_table(changes, w)),
        Say(w._("Shares that changed: {names}. The shares add up to 100%, so when one "
                "class falls the others rise with it: read a rise beside the fall it "
                "balances.", names=", ".join(class_name(c.key, w) for c in moved))
            if moved else w._("No class's share changed clearly."))]
    both = pd.concat([before, after])
    labels = pd.concat([lb, la])
    try:
        series = shares_over_time(both["received_at"], labels, period=period,
                                  part=_split(both["received_at"], windows, period))
    except ValueError as exc:
        blocks.append(Skip("feedback_over_time", str(exc)))
        series = None
    if series is not None:
        change = pd.Timestamp(windows.after_start)
        for c in moved:
            if c.key in series.charts:
                blocks.append(Chart(class_name(c.key, w), lambda key=c.key: _p_chart_figure(
                    series, key, w, change=change)))
    record = {"items_before": len(before), "items_after": len(after),
              "classes_from": classes_from, "lexicon": lexicon.source,
              **changes.as_dict()}
    if series is not None:
        record["over_time"] = series.as_dict()
    return Section(blocks=tuple(blocks), record={"feedback": record})


def _split(times: pd.Series, windows: Any, period: str) -> int | None:
    """The index of the first period starting on or after the go-live (a phase split)."""
    from pdcakit.periods import period_codes

    codes = period_codes(times.reset_index(drop=True), period)
    go = period_codes(pd.Series([pd.Timestamp(windows.after_start)]), period)[0]
    first = np.nanmin(codes)
    split = int(go - first)
    return split if 2 <= split <= int(np.nanmax(codes) - first) - 1 else None


#: The complaint measures' names and which way is better.
_COMPLAINT_KPIS = {"time_to_close": (N_("Time to close (median; log-rank test)"), "lower"),
                   "closed_by_deadline": (N_("Closed by the deadline"), "higher"),
                   "repeat_rate": (N_("Repeat complaints"), "lower")}
_ANSWERS = {"improved": N_("Improved"), "worse": N_("Worse"),
            "no clear change": N_("No clear change")}


def complaint_answer(key: str, entry: Mapping[str, Any]) -> str:
    """``improved``, ``worse`` (significant after the adjustment, by the measure's better
    direction) or ``no clear change``.

    >>> complaint_answer("repeat_rate", {"significant": True, "difference": -0.1})
    'improved'
    """
    if not entry.get("significant") or entry.get("difference") is None:
        return "no clear change"
    lower = _COMPLAINT_KPIS[key][1] == "lower"
    return "improved" if (entry["difference"] < 0) == lower else "worse"


def _entry_row(key: str, entry: Mapping[str, Any], w: Words, level: str) -> dict[str, str]:
    names = {k: name for k, (name, _) in _COMPLAINT_KPIS.items()}
    if entry["unit"] == "days":
        before, after = entry["before"]["median"], entry["after"]["median"]
        shown = (_days(w, before), _days(w, after),
                 "" if entry["difference"] is None else _days(w, entry["difference"]),
                 w.localise(_ci(w, entry["ci"], percent=False) + " days"))
    else:
        shown = (w.percent(entry["before"]["value"]), w.percent(entry["after"]["value"]),
                 w._("{number} points", number=w.number(100 * entry["difference"], 1,
                                                        sign=True)),
                 _ci(w, entry["ci"]))
    return {w._("Measure"): w._(names[key]), w._("Before"): shown[0], w._("After"): shown[1],
            w._("Change"): shown[2], w._("{level} CI", level=level): shown[3],
            w._("p (adjusted)"): format_p(entry["p_adjusted"]),
            w._("Answer"): w._(_ANSWERS[entry["answer"]])}


def complaints_compare(ledger: Sections, windows: Any, *, complaints_path: str = "",
                       mapping: str = "", snapshot: str = "", alpha: float = 0.05,
                       multiplicity: str = "holm", language: str = "en") -> Any:
    """Complaint cases received before and after the go-live: time to close (log-rank,
    open cases censored), the share closed by the deadline and the repeat rate, adjusted
    over the three; the time-to-close curves of both windows. Records ``complaints``."""
    from pdcakit import plots
    from pdcakit.stages.compare_page import Chart, Say, Section, Skip, Table

    w = words(language)
    if not complaints_path:
        return Section(blocks=(Skip("complaints", w._(_OFF["complaints"])),))
    cases = read_complaints(ledger, complaints_path, mapping, snapshot=snapshot)
    before = _window(cases, windows.before_start, windows.before_end)
    after = _window(cases, windows.after_start, windows.after_end)
    if before.empty or after.empty:
        return Section(blocks=(Skip("complaints", w._(
            "the complaint register needs cases in both windows ({before} before, {after} "
            "after)", before=len(before), after=len(after))),))
    found = cmp.complaint_changes(before, after, alpha=alpha, multiplicity=multiplicity,
                                  confidence=1 - alpha)
    for key, entry in found.entries.items():
        entry["better"] = _COMPLAINT_KPIS[key][1]
        entry["answer"] = complaint_answer(key, entry)
    blocks: list[Any] = [Say(w._(
        "**{before} complaint cases** received before the change and **{after}** after; "
        "p-values adjusted over the {m} measures compared ({method}).",
        before=f"{len(before):,}", after=f"{len(after):,}", m=len(found.entries),
        method=multiplicity))]
    if found.entries:
        level = w.level(1 - alpha)
        blocks.append(Table(pd.DataFrame([_entry_row(k, e, w, level)
                                          for k, e in found.entries.items()])))
    blocks.extend(Skip(f"complaints_{k}", reason) for k, reason in found.skipped.items())
    if "time_to_close" in found.entries:
        tb, ta = cmp.time_to_close(before), cmp.time_to_close(after)
        blocks.append(Chart(w._("Time to close a complaint"), lambda: plots.survival_curve(
            {w._("Before"): (tb.curve.times, tb.curve.survival),
             w._("After"): (ta.curve.times, ta.curve.survival)},
            title=w._("Time to close a complaint, before and after"),
            ylabel=w._("Share of cases still open"), unit="days", language=w.language)))
    record = {"cases_before": len(before), "cases_after": len(after),
              "snapshot": cases.attrs["snapshot"], **found.as_dict()}
    return Section(blocks=tuple(blocks), record={"complaints": record})
