"""The efficiency notebook's sections: what each one computes, shows and skips.

The efficiency notebook holds prose, parameters and one call per section; every choice
(which section runs, which figure is the summary, what results.json holds) is made here.
Each section function returns a :class:`Section`: what the section shows, in order
(sentences, tables, figures: :func:`show` displays them), its entry for
``results.json`` and the result the later sections build on. A section that cannot run
records its one line in the run's :class:`~pdcakit.stages.sections.Sections` ledger,
which says it when the ledger shows (the notebook's does).

The sections, in the page's order:

1. :func:`setup` (parameters checked, windows) and :func:`read_tickets` /
   :func:`read_steps` (the data);
2. :func:`gains_section` (gain per ticket) and :func:`segments_section` (per segment);
3. :func:`steps_section` (process steps);
4. :func:`capacity_section` (agent hours freed);
5. :func:`money_section` (savings, ROI, payback);
6. :func:`tech_section` and :func:`automation_section` (technology-change KPIs);
7. :func:`training_section` (training's effect on service);
8. :func:`summary_section`, then :func:`results_record` and :func:`write_results`.

A steps-only run (no ticket data, ``data_path`` empty):

>>> import pandas as pd
>>> run = setup(change_date="2026-04-06")
>>> tickets = read_tickets("", run.windows, show=False)
>>> steps = pd.DataFrame({"step": ["triage", "respond"], "minutes_before": [6.0, 4.0],
...                       "minutes_after": [1.0, 4.0], "volume": [100, 100]})
>>> gains = gains_section(tickets, confidence=run.confidence)
>>> flow = steps_section(tickets, steps)
>>> freed = capacity_section(tickets, gains, flow)
>>> freed.record["hours_per_week"]
[8.333333333333334, 8.333333333333334, 8.333333333333334]
>>> sorted(tickets.sections.skipped)
['gains']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from pdcakit.kpis import KPI_INFO
from pdcakit.results import format_number
from pdcakit.stages import efficiency, training_effect
from pdcakit.stages.efficiency import Gain
from pdcakit.stages.engine_compare import TICKETS, EngineWindows, kpi_frame
from pdcakit.stages.money import Money, capacity, money
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Fold,
    Sections,
    headline_record,
    list_problem,
    load_export,
    raise_problems,
    skip_line,
    skipped_summary,
    snapshot_words,
    source_name,
    terms_fold,
)
from pdcakit.stages.windows import Windows
from pdcakit.words import N_, words

__all__ = ["NO_FIGURE", "Section", "Setup", "TicketData", "automation_section",
           "capacity_section", "gains_section", "money_section", "read_steps",
           "read_tickets", "results_record", "segment_caution", "segments_section", "setup",
           "show", "steps_section", "summary_section", "summary_sentence", "tech_section",
           "throughput_sentence", "training_section", "write_results"]

#: The summary when no section could compute a figure.
NO_FIGURE = N_("No efficiency figure could be computed from the inputs given.")
_NO_TICKETS = N_("needs ticket data; this run has only the process-step table")

#: The caution when the overall gain lies outside every segment's interval.
_CAUTION_ABOVE = N_(
    "Caution: the fall of the {estimand} {kpi} over all tickets ({gain}) lies above the upper "
    "end of every {column}'s {level} interval (the nearest end is {end}). The overall "
    "{estimand} mixes the {column}s: when their shares change it can move more than any "
    "{column}'s own, so read the gain {column} by {column}.")
_CAUTION_BELOW = N_(
    "Caution: the fall of the {estimand} {kpi} over all tickets ({gain}) lies below the lower "
    "end of every {column}'s {level} interval (the nearest end is {end}). The overall "
    "{estimand} mixes the {column}s: when their shares change it can move more than any "
    "{column}'s own, so read the gain {column} by {column}.")
#: The technology-change KPIs' lines (section 6).
_RESPONSE_RATE = N_("Response-time reduction rate (the fall of the {estimand} first response "
                    "time, as above): {gain} ({level} CI {low} to {high}).")
_RESPONSE_RATE_WIDE = N_("Response-time reduction rate (the fall of the {estimand} first "
                         "response time, as above): {gain} ({level} CI {low} to {high}; too wide "
                         "to tell a gain from no change).")
_AHT_CHANGE = N_("AHT change (after - before of the {estimand} handle time, as above): "
                 "{change} minutes per ticket ({level} CI {low} to {high} minutes).")
_AHT_CHANGE_WIDE = N_("AHT change (after - before of the {estimand} handle time, as above): "
                      "{change} minutes per ticket ({level} CI {low} to {high} minutes; too wide "
                      "to tell a gain from no change).")


def _percent(fraction: float) -> str:
    return f"{format_number(100 * fraction, 1)}%"


@dataclass(frozen=True)
class Section:
    """One section of the page: what it shows, its results.json entry, its result.

    ``parts`` are shown in order by :func:`show`: a ``str`` is a sentence, a DataFrame a
    table (its first column labels the rows), anything else a figure. ``result`` is what
    later sections build on (a dict of :class:`~pdcakit.stages.efficiency.Gain`, a
    :class:`~pdcakit.stages.efficiency.StepTable`, a
    :class:`~pdcakit.stages.money.Capacity` or :class:`~pdcakit.stages.money.Money`;
    None when the section did not run).

    >>> Section(record=None, parts=("Nothing to say.",)).sentences
    ('Nothing to say.',)
    """

    record: Any
    parts: tuple[Any, ...] = ()
    result: Any = None

    @property
    def sentences(self) -> tuple[str, ...]:
        """The sentences among the parts, in order."""
        return tuple(part for part in self.parts if isinstance(part, str))

    @property
    def words(self) -> tuple[str, ...]:
        """The words it shows: its sentences and its tables' column names and cells."""
        return tuple(part if isinstance(part, str) else part.to_csv(index=False)
                     for part in self.parts if isinstance(part, str | pd.DataFrame))


def show(section: Section | TicketData) -> None:
    """Display a section's parts in order: sentences with ``say``, tables with
    ``table(..., index=False)``, a :class:`~pdcakit.stages.sections.Fold` folded, figures
    with ``show_figure`` (pdcakit.stages.display)."""
    from pdcakit.stages.display import say, show_figure, table

    for part in section.parts:
        if isinstance(part, str):
            say(part)
        elif isinstance(part, Fold):
            part.show()
        elif isinstance(part, pd.DataFrame):
            table(part, index=False)
        else:
            show_figure(part)


# ---------------------------------------------------------------- 1. parameters and data


@dataclass(frozen=True)
class Setup:
    """The checked settings every section shares: the windows and the confidence level."""

    windows: Windows
    confidence: float

    @property
    def record(self) -> dict[str, Any]:
        """The results.json fields known before any data is read."""
        return {"schema": RESULTS_SCHEMA, "stage": "efficiency",
                "windows": self.windows.as_dict(), "confidence": self.confidence}


def setup(*, before: Any = (), after: Any = (), change_date: Any = "", weeks_before: int = 13,
          weeks_after: int = 13, waiting_steps: Any = (), automated_channels: Any = (),
          alpha: float = 0.05) -> Setup:
    """The stage's settings checked at once: the list parameters (each may be empty),
    the windows (``before`` / ``after`` when given, else ``change_date`` with the weeks)
    and ``alpha``; every problem is listed in one error.

    >>> setup(change_date="2026-04-06", alpha=0.1).confidence
    0.9
    >>> setup(change_date="2026-04-06", waiting_steps="wait")
    Traceback (most recent call last):
    ...
    ValueError: parameter waiting_steps: got the text 'wait', not a list; with papermill, \
give lists with -y 'waiting_steps: [wait]'
    """
    problems = [p for p in (list_problem("waiting_steps", waiting_steps),
                            list_problem("automated_channels", automated_channels)) if p]
    if not 0 < alpha < 1:
        problems.append(f"parameter alpha: {alpha!r} must be between 0 and 1 (e.g. 0.05)")
    raise_problems(problems)
    windows = Windows.from_parameters(before=before, after=after, change_date=change_date,
                                      weeks_before=weeks_before, weeks_after=weeks_after)
    return Setup(windows=windows, confidence=1 - alpha)


@dataclass(frozen=True)
class TicketData:
    """The tickets of a run split into the two windows (all None without ticket data),
    the weekly volume after the change, and the run's ledger of sections and inputs."""

    windows: Windows
    sections: Sections
    tickets: pd.DataFrame | EngineWindows | None = None
    before: Any = None
    after: Any = None
    per_week: float = 0.0
    snapshot: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def has_tickets(self) -> bool:
        return self.tickets is not None

    @property
    def sentences(self) -> tuple[str, ...]:
        """What the data section says: the windows and counts, then the loader's notes."""
        if self.tickets is None:
            return (N_("No ticket data given: this run works from the process-step table "
                       "alone."),)
        return (N_("Windows by ticket creation date: {windows}.").format(
                    windows=self.windows.describe()) + " "
                + N_("**{before} tickets before** and **{after} after** ({per_week} a week "
                     "after the change).").format(before=f"{len(self.before):,}",
                                                  after=f"{len(self.after):,}",
                                                  per_week=f"{self.per_week:,.0f}") + " "
                + N_("Tickets still open at the export count in time to resolve and first "
                     "response time for as long as they were open (censored; export time "
                     "{snapshot}).").format(snapshot=self.snapshot),
                *(N_("Note: {warning}").format(warning=warning) for warning in self.warnings))

    @property
    def parts(self) -> tuple[str, ...]:
        return self.sentences

    @property
    def record(self) -> dict[str, Any] | None:
        """results.json ``data``: counts and the weekly volume after; None without tickets."""
        if self.tickets is None:
            return None
        return {"before": len(self.before), "after": len(self.after),
                "tickets_per_week_after": self.per_week, "snapshot_source": self.snapshot}


def read_tickets(data_path: str, windows: Windows, *, mapping: str = "",
                 on_duplicate: str = "", snapshot: str = "", timezone: str = "",
                 dayfirst: Any = "", show: bool = True, engine: str = "pandas",
                 segment_column: str = "", automated_channels: Sequence[str] = (),
                 language: str = "en") -> TicketData:
    """The tickets ``data_path`` names, loaded onto the schema and split into the windows
    (``data_path`` "": a steps-only run, no tickets). ``mapping`` is a YAML file, a preset
    name or "" (canonical); the loading options "" take the mapping's setting.

    ``show``: the ledger says each skipped section's line as it is skipped. ``engine``
    ``duckdb`` or ``spark``: each time measure is counted where the file lies, per window,
    ``segment_column`` and channel (:func:`~pdcakit.stages.engine_compare.load_engine_windows`)
    and no whole row is loaded; an export or setting the engine cannot read as pandas does
    is loaded row by row, a note saying why.

    >>> data = read_tickets("demo:tickets.csv", Windows.from_parameters(
    ...     change_date="2026-04-06"), show=False)
    >>> data.record["before"], data.record["after"], round(data.per_week)
    (23988, 24012, 1847)
    """

    ledger = Sections.of(None, show=show, language=language)
    if not data_path:
        return TicketData(windows=windows, sections=ledger)
    fallback: tuple[str, ...] = ()
    if str(engine).strip().lower() not in ("", "pandas"):
        from pdcakit.aggregate import AggregateUnsupported

        try:
            return _engine_tickets(data_path, windows, ledger, engine=engine, mapping=mapping,
                                   snapshot=snapshot, segment_column=segment_column,
                                   automated_channels=automated_channels, show=show,
                                   language=language, on_duplicate=on_duplicate,
                                   timezone=timezone, dayfirst=dayfirst)
        except AggregateUnsupported as exc:
            fallback = (words(language)._(
                "Engine {engine} not used: {reason}. The rows were loaded with pandas "
                "instead.", engine=engine, reason=str(exc)),)
    tickets = load_export(data_path, mapping, ledger=ledger,
                          window=(windows.before_start, windows.after_end),
                          on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                          dayfirst=dayfirst)
    before, after = windows.split(tickets)
    weeks = (windows.after_end - windows.after_start) / pd.Timedelta(weeks=1)
    sections = Sections.of(tickets, show=show, language=language)
    sections.inputs.update(ledger.inputs)
    return TicketData(windows=windows, sections=sections, tickets=tickets, before=before,
                      after=after, per_week=len(after) / weeks,
                      snapshot=snapshot_words(tickets, snapshot),
                      warnings=(*fallback, *tickets.attrs.get("warnings", [])))


def _engine_tickets(data_path: str, windows: Windows, ledger: Sections, *, engine: str,
                    mapping: str, snapshot: str, segment_column: str,
                    automated_channels: Sequence[str], show: bool, language: str,
                    **loading: Any) -> TicketData:
    """The windows counted by ``engine``: the time measures, the segments and channels
    from its counts (:mod:`pdcakit.stages.engine_compare`)."""
    from pdcakit.stages.engine_compare import load_engine_windows

    found = load_engine_windows(
        data_path, mapping, windows=windows, period="W", ledger=ledger,
        engine=str(engine).strip().lower(), snapshot=snapshot, segment_column=segment_column,
        group_columns=("channel",) if automated_channels else (), **loading)
    w = words(language)
    sections = Sections(present=found.present, show=show, language=language)
    sections.inputs.update(ledger.inputs)
    weeks = (windows.after_end - windows.after_start) / pd.Timedelta(weeks=1)
    said = w._("Read with engine {engine}: each time measure comes from counts the engine "
               "computed on the file per window (per distinct duration for the waiting "
               "times); no whole ticket row was loaded.", engine=found.engine)
    return TicketData(windows=windows, sections=sections, tickets=found, before=found.before,
                      after=found.after, per_week=found.counted[1] / weeks,
                      snapshot=snapshot_words(found, snapshot), warnings=(said,))


def read_steps(data: TicketData, steps_path: str) -> pd.DataFrame | None:
    """The process-step table ``steps_path`` names, or None (``""``: the steps section is
    skipped, saying why). A run without tickets and without steps has nothing to measure.

    >>> data = read_tickets("", Windows.from_parameters(change_date="2026-04-06"), show=False)
    >>> read_steps(data, "")
    Traceback (most recent call last):
    ...
    ValueError: nothing to measure: give data_path (tickets), steps_path (process steps), \
or both
    """
    steps = data.sections.table("steps_path", steps_path, "process_steps", key="steps")
    if not data.has_tickets and steps is None:
        raise ValueError("nothing to measure: give data_path (tickets), steps_path (process "
                         "steps), or both")
    return steps


# ---------------------------------------------------------------- 2. gains per ticket


def gains_section(data: TicketData, *, confidence: float = 0.95) -> Section:
    """Section 2: the efficiency gain of each time measure the export supports
    (:data:`~pdcakit.stages.efficiency.MEASURES`), one sentence each and one table.

    ``result`` is {measure: Gain}; ``record`` is {"gains": ..., "headline": ...}, the
    headline being the first measured gain's KPI over the after window (None without
    a gain). A measure without its columns, or that cannot be measured, is skipped.
    """
    from pdcakit import metrics

    sections = data.sections
    gains: dict[str, Gain] = {}
    if not data.has_tickets:
        sections.skip("gains", _NO_TICKETS, label="Gains per ticket")
    for key, columns in efficiency.MEASURE_COLUMNS.items():
        name = efficiency.MEASURES[key]
        if not data.has_tickets or not sections.runs(f"{key}_gain", *columns, label=name):
            continue
        try:
            gains[key] = efficiency.measure_gain(key, kpi_frame(data.before, key),
                                                 kpi_frame(data.after, key),
                                                 confidence=confidence)
        except ValueError as exc:
            sections.skip(f"{key}_gain", N_("not measured ({reason})").format(reason=exc),
                          label=name)
    headline = None
    if gains:
        key = next(iter(gains))
        before, after = (metrics.KPIS[key].estimate(kpi_frame(t, key))
                         for t in (data.before, data.after))
        headline = headline_record(key, "W", after, None, before=before)
    table_part = (pd.DataFrame([g.row() for g in gains.values()]),) if gains else ()
    return Section(record={"gains": {k: g.as_dict() for k, g in gains.items()},
                           "headline": headline},
                   parts=(*(f"- {g.sentence}" for g in gains.values()), *table_part),
                   result=gains)


def segment_caution(overall: Gain, found: Sequence[Gain], column: str) -> str:
    """The caution when the overall gain differs from every segment's beyond chance ("" if
    not): the overall estimate lies above the upper end of every segment's interval, or
    below the lower end of every segment's. An overall median or mean over a mix of
    segments can move more than any segment's own when the mix shifts between them
    (Simpson's paradox); an overall estimate merely outside the segments' point
    estimates (94.534% beside one segment's 94.521%) is no such difference.

    >>> g = efficiency.time_gain([10.0, 12, 9] * 30, [8.0, 9, 7] * 30)
    >>> segment_caution(g, [g], "channel")
    ''
    """
    if not found:
        return ""
    lows = [g.gain_ci[0] for g in found]
    highs = [g.gain_ci[1] for g in found]
    if overall.gain > max(highs):
        template, end = _CAUTION_ABOVE, max(highs)
    elif overall.gain < min(lows):
        template, end = _CAUTION_BELOW, min(lows)
    else:
        return ""
    return template.format(estimand=overall.estimand, kpi=overall.name.lower(),
                           gain=_percent(overall.gain), column=column,
                           level=f"{found[0].confidence:.0%}", end=_percent(end))


def _forest(overall: Gain, found: Sequence[Gain], column: str, language: str = "en") -> Any:
    """The forest plot of a gain per segment, its words in ``language``."""
    from pdcakit import plots

    w = words(language)
    level = f"{overall.confidence:.0%}"
    return plots.forest_plot(
        [g.segment for g in found], [g.gain for g in found],
        [g.gain_ci[0] for g in found], [g.gain_ci[1] for g in found],
        significant=[not g.undetermined for g in found],
        overall=(overall.gain, *overall.gain_ci),
        title=w._("{measure}: fall by {column}", measure=w.reword(overall.label),
                  column=w.column(column)),
        xlabel=w._("Fall of the {estimand} (% of before; right = faster)",
                   estimand=w.estimand(overall.estimand)),
        percent_points=True,
        flag_labels=(w._("{level} CI excludes no change", level=level),
                     w._("{level} CI includes no change", level=level)),
        language=language,
    )


def segments_section(data: TicketData, gains: Section, segment_column: str, *,
                     confidence: float = 0.95) -> Section:
    """Section 2, per segment: each gain of ``gains`` within each value of
    ``segment_column`` (a forest chart per measure, the caution when the overall gain
    lies outside every segment's, one line per segment left out).

    Skipped, saying why, when ``segment_column`` is "" (off), without ticket data,
    without a gain per ticket, or when the column is absent or has too many values.
    ``record`` is {measure: {"gains": [...], "skipped": {segment: reason}}}.
    """
    sections, measured = data.sections, gains.result
    if not segment_column:
        sections.skip("segments", N_("off: no column to split the tickets by (for example "
                                     "the channel) was chosen"))
        return Section(record={})
    if not data.has_tickets:
        sections.skip("segments", _NO_TICKETS)
        return Section(record={})
    if not measured:
        sections.skip("segments", N_("needs a gain per ticket (see section 2)"))
        return Section(record={})
    if not sections.segments(data.tickets, segment_column):
        return Section(record={})
    parts: list[Any] = []
    record: dict[str, Any] = {}
    for measure, overall in measured.items():
        found, skipped = efficiency.gains_by_segment(
            kpi_frame(data.before, measure), kpi_frame(data.after, measure), segment_column,
            measure, confidence=confidence)
        # one unit per KPI on the page: each segment reads in the overall gain's
        found = [replace(g, reading=overall.scale) for g in found]
        if found:
            parts.append(_forest(overall, found, segment_column, sections.language))
        parts.extend(text for text in [segment_caution(overall, found, segment_column)]
                     if text)
        parts.extend("- " + N_("{column} {segment}: not measured ({reason}).").format(
            column=segment_column, segment=segment, reason=reason)
            for segment, reason in skipped.items())
        record[measure] = {"gains": [g.as_dict() for g in found], "skipped": skipped}
    return Section(record=record, parts=tuple(parts), result=record)


# ---------------------------------------------------------------- 3. process steps


def steps_section(data: TicketData, steps: pd.DataFrame | None, *,
                  waiting_steps: Sequence[str] = ()) -> Section:
    """Section 3: the process-step table, its sentence (naming the file), the table and
    the before/after bars; ``result`` is the StepTable (None without a table, the
    skip line then said by :func:`read_steps`).

    >>> data = read_tickets("", Windows.from_parameters(change_date="2026-04-06"), show=False)
    >>> steps_section(data, None).record is None
    True
    """
    if steps is None:
        return Section(record=None)
    from pdcakit import plots

    source = source_name(data.sections, "steps_path") if "steps_path" in \
        data.sections.inputs else N_("the step table")
    flow = efficiency.step_table(steps, waiting_steps=waiting_steps)
    shown = flow.display()
    chart = plots.step_bars(
        shown["step"], shown["minutes_before"], shown["minutes_after"],
        kinds=[words(data.sections.language)._(kind) for kind in shown["kind"]],
        title=words(data.sections.language)._(
            "Step times before and after, from {source} (lead time {before} -> {after} "
            "minutes)", source=source, before=f"{flow.lead_time_before:,.0f}",
            after=f"{flow.lead_time_after:,.0f}"),
        language=data.sections.language,
    )
    return Section(record={**flow.as_dict(), "source": source},
                   parts=(f"{flow.sentence} " + N_("(From {source}.)").format(source=source),
                          step_frame_words(shown, data.sections.language), chart),
                   result=flow)


#: The step table's columns as a reader sees them in another language than English.
_STEP_COLUMNS = {"step": N_("Step"), "minutes_before": N_("Minutes before"),
                 "minutes_after": N_("Minutes after"), "value_added": N_("Value added"),
                 "volume": N_("Volume"), "saved (min)": N_("Saved (min)"),
                 "gain": N_("Gain"), "kind": N_("Kind")}


def step_frame_words(shown: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The step table (:meth:`~pdcakit.stages.efficiency.StepTable.display`) with its
    column names and kinds in ``language``; English: ``shown`` itself.

    >>> shown = pd.DataFrame({"step": ["分诊"], "kind": ["waiting"]})
    >>> step_frame_words(shown, "zh-CN").to_dict(orient="records")
    [{'步骤': '分诊', '类型': '等待'}]
    """
    w = words(language)
    if w.english:
        return shown
    out = shown.assign(kind=shown["kind"].map(w._)) if "kind" in shown else shown.copy()
    return out.rename(columns={c: w._(_STEP_COLUMNS[c]) for c in out if c in _STEP_COLUMNS})


# ---------------------------------------------------------------- 4. capacity


def throughput_sentence(aht: Gain) -> str:
    """Tickets per agent hour of handling, before and after.

    >>> g = efficiency.time_gain([12.0, 13, 11] * 30, [10.0, 11, 9] * 30, name="Handle time")
    >>> throughput_sentence(g)
    'Throughput at the mean handle time: 5.00 tickets per agent hour before, 6.00 after.'
    """
    def per_hour(minutes: float) -> str:
        return f"{60 / minutes:,.2f}" if minutes > 0 else N_("no handle time to divide by")

    return N_("Throughput at the {estimand} handle time: {before} tickets per agent hour "
              "before, {after} after.").format(estimand=aht.estimand,
                                                before=per_hour(aht.before),
                                                after=per_hour(aht.after))


def capacity_section(data: TicketData, gains: Section, steps: Section, *,
                     tickets_per_week: float = 0.0, hours_per_fte: float = 37.5) -> Section:
    """Section 4: agent hours freed a week, from the handle time saved per ticket (a range
    from its CI) at ``tickets_per_week`` (0: the after window's average), else from the
    step table's work minutes saved x its volume (one value). ``result`` is the Capacity,
    or None (skipped, saying what would enable it).
    """
    measured, flow = gains.result or {}, steps.result
    volume = tickets_per_week or data.per_week
    if "aht" in measured and volume > 0:
        aht = measured["aht"]
        freed = capacity((aht.minutes_saved, *aht.minutes_saved_ci), tickets_per_week=volume,
                         hours_per_fte=hours_per_fte, confidence=aht.confidence,
                         estimand=aht.estimand,
                         source=N_("the {estimand} handle time saved per ticket at {volume} "
                                   "tickets a week").format(estimand=aht.estimand,
                                                            volume=f"{volume:,.0f}"))
        return Section(record=freed.as_dict(), parts=(freed.sentence,
                                                      throughput_sentence(aht)), result=freed)
    minutes = None if flow is None else flow.agent_minutes_saved_per_week
    if minutes is not None:
        freed = capacity((minutes, minutes, minutes), tickets_per_week=1.0,
                         hours_per_fte=hours_per_fte,
                         source=N_("{source}: work steps' minutes saved x weekly volume")
                         .format(source=steps.record["source"]))
        return Section(record=freed.as_dict(), parts=(
            freed.sentence + " " + N_("Step times are standard figures, so there is no range."),),
            result=freed)
    data.sections.skip("capacity", N_("needs the handle time of each ticket, or a "
                                      "process-step table with a weekly volume"))
    return Section(record=None)


# ---------------------------------------------------------------- 5. money


def money_section(data: TicketData, freed: Section, *, cost_per_hour: float = 0.0,
                  investment: float = 0.0, horizon_months: float = 12.0,
                  currency: str = "") -> Section:
    """Section 5: savings, ROI and payback from the hours freed at ``cost_per_hour``
    (0: off); a sentence, the figures given, and the savings table. ``result`` is the
    Money, or None (skipped, saying what would enable it).
    """
    if cost_per_hour <= 0:
        data.sections.skip("money", N_("off: no cost of an agent hour (salary and overheads) "
                                       "was given; with it, and the investment, this shows the "
                                       "savings, ROI and payback"))
        return Section(record=None)
    if freed.result is None:
        data.sections.skip("money", N_("needs a capacity figure (see section 4)"))
        return Section(record=None)
    value: Money = money(freed.result, cost_per_hour=cost_per_hour, investment=investment,
                         horizon_months=horizon_months, currency=currency)
    return Section(record=value.as_dict(),
                   parts=(f"{value.sentence} {value.assumptions}", value.table()),
                   result=value)


# ---------------------------------------------------------------- 6. technology KPIs


def tech_section(gains: Section) -> Section:
    """Section 6: the technology-change KPIs of source 3.4 that are the gains above under
    the source's names: the response-time reduction rate (the fall of the median first
    response time) and the AHT change (after - before of the mean handle time), each with
    its interval and estimand, when its gain was measured. ``record`` holds their values
    and intervals.

    >>> tech_section(Section(record=None, result={})).record
    {}
    """
    measured: Mapping[str, Gain] = gains.result or {}
    record: dict[str, Any] = {}
    parts: list[str] = []
    if "first_response_time" in measured:
        first = measured["first_response_time"]
        record.update(response_time_reduction_rate=first.gain,
                      response_time_reduction_rate_ci=list(first.gain_ci),
                      response_time_estimand=first.estimand)
        template = _RESPONSE_RATE_WIDE if first.undetermined else _RESPONSE_RATE
        parts.append("- " + template.format(
            estimand=first.estimand, gain=_percent(first.gain),
            level=f"{first.confidence:.0%}", low=_percent(first.gain_ci[0]),
            high=_percent(first.gain_ci[1])))
    if "aht" in measured:
        aht = measured["aht"]
        low, high = (-aht.minutes_saved_ci[1], -aht.minutes_saved_ci[0])
        record.update(aht_change_minutes=-aht.minutes_saved, aht_change_ci=[low, high],
                      aht_estimand=aht.estimand)
        change, low_text, high_text = (format_number(v, 2) for v in
                                       (-aht.minutes_saved, low, high))
        template = _AHT_CHANGE_WIDE if aht.undetermined else _AHT_CHANGE
        parts.append("- " + template.format(estimand=aht.estimand, change=change,
                                            level=f"{aht.confidence:.0%}", low=low_text,
                                            high=high_text))
    return Section(record=record, parts=tuple(parts), result=record)


def automation_section(data: TicketData, automated_channels: Sequence[str], *,
                       confidence: float = 0.95) -> Section:
    """Section 6: the automation share (tickets through ``automated_channels``) before
    and after, computed by :func:`pdcakit.stages.efficiency.automation_change`. Skipped,
    saying why, when the list is empty (off), without ticket data or without a
    channel column. ``record`` is the change's dict, or None.
    """
    sections = data.sections
    if not automated_channels:
        sections.skip("automation_share", N_("off: no channel was named as automated (for "
                                             "example web), so the share of tickets through "
                                             "them is not computed"))
        return Section(record=None)
    if not data.has_tickets:
        sections.skip("automation_share", _NO_TICKETS)
        return Section(record=None)
    if not sections.runs("automation_share", "channel"):
        return Section(record=None)
    change = efficiency.automation_change(kpi_frame(data.before, TICKETS),
                                          kpi_frame(data.after, TICKETS), automated_channels,
                                          confidence=confidence)
    return Section(record=change.as_dict(), parts=(f"- {change.sentence}",), result=change)


# ---------------------------------------------------------------- 7. summary and results


# ---------------------------------------------------------------- 7. training's effect


def training_section(data: TicketData, training_path: str, *,
                     kpis: Sequence[str] = training_effect.EFFECT_KPIS,
                     unit_column: str = "agent", confidence: float = 0.95,
                     language: str = "en") -> Section:
    """Section 7: did the trained agents' service KPIs change beyond the untrained
    agents' over the same weeks (:mod:`pdcakit.stages.training_effect`, difference in
    differences with its parallel-trends check and event-study chart per KPI), beside
    the test-score effect. Skipped, saying why, without tickets, without a training
    table (``training_path`` ""), without training dates, or without the agent column.

    ``record`` is the results.json ``training_effect`` entry (None when skipped).
    """
    sections = data.sections
    if not data.has_tickets:
        sections.skip("training_effect", _NO_TICKETS, label="Training's effect on service")
        return Section(record=None)
    if isinstance(data.tickets, EngineWindows) and training_path:
        w = words(language)
        sections.skip("training_effect", w._(
            "{what} needs the rows (engine {engine} reads aggregates): run with engine "
            "pandas", what=w._("Training's effect on service"), engine=data.tickets.engine),
            label="Training's effect on service")
        return Section(record=None)
    training = sections.table("training_path", training_path, "training",
                              key="training_effect")
    if training is None:
        return Section(record=None)
    try:
        found = training_effect.training_effect(data.tickets, training, kpis=kpis,
                                                unit_column=unit_column,
                                                confidence=confidence)
    except ValueError as exc:
        sections.skip("training_effect", str(exc), label="Training's effect on service")
        return Section(record=None)
    for key, reason in found.skipped.items():
        sections.skip(f"training_effect.{key}", reason,
                      label=f"Training's effect on {KPI_INFO[key].name}")
    table = training_effect.effect_table(found, language)
    figures = tuple(training_effect.event_figure(found, key, language)
                    for key in found.effects)
    return Section(record=found.as_dict(),
                   parts=(*training_effect.effect_sentences(found, language),
                          *((table,) if table is not None else ()), *figures),
                   result=found)


def summary_sentence(gains: Mapping[str, Gain], flow: Any = None, freed: Any = None,
                     value: Any = None) -> str:
    """The page's summary in a few lines, none of them a copy of a section's sentence:
    the agent time (and money) freed, each gain with its interval, the step lead time.
    ``flow``, ``freed``, ``value``: the StepTable, Capacity and Money, or None.

    >>> g = efficiency.time_gain([12.0, 13, 11] * 30, [10.0, 11, 9] * 30)
    >>> summary_sentence({"aht": g})
    'Average handle time (mean) fell by 16.7% (95% CI 14.8% to 18.4%).'
    >>> summary_sentence({})
    'No efficiency figure could be computed from the inputs given.'
    """
    lines = []
    if freed is not None:
        if value is not None and not freed.includes_none and value.savings_per_week[0] > 0:
            lines.append(N_("{freed}, worth {savings}.").format(freed=freed.short,
                                                               savings=value.savings_text))
        else:
            lines.append(f"{freed.short}.")
    if gains:
        shorts = [g.short for g in gains.values()]
        lines.append("; ".join([shorts[0], *(s[:1].lower() + s[1:] for s in shorts[1:])])
                     + ".")
    if flow is not None:
        lines.append(f"{flow.short}.")
    return " ".join(lines) or NO_FIGURE


def summary_section(data: TicketData, *, gains: Section, steps: Section, freed: Section,
                    value: Section) -> Section:
    """The summary (:func:`summary_sentence`: the time and money freed, the gains, the
    step lead time), in bold, and which sections were skipped. ``record`` is the
    sentence. It restates no section's sentence, so a page listing the sections'
    sentences and the summary (the cycle page) says nothing twice. Then the page's
    glossary, "Terms used above" (:func:`~pdcakit.stages.sections.terms_fold`), for the
    terms the data, the sections given and the skipped lines use.

    >>> data = read_tickets("", Windows.from_parameters(change_date="2026-04-06"), show=False)
    >>> none = Section(record=None)
    >>> summary_section(data, gains=none, steps=none, freed=none, value=none).parts
    ('**No efficiency figure could be computed from the inputs given.**',)
    """
    sentence = summary_sentence(gains.result or {}, steps.result, freed.result, value.result)
    skipped = data.sections.skipped
    language = data.sections.language
    note = (skipped_summary(skipped, language),) if skipped else ()
    terms = terms_fold([*data.sentences, *(text for part in (gains, steps, freed, value)
                                           for text in part.words),
                        *(skip_line(key, why, language=language)
                          for key, why in skipped.items()), sentence], language)
    return Section(record=sentence, parts=(f"**{sentence}**", *note,
                                           *((terms,) if terms.lines else ())),
                   result=sentence)


def results_record(run: Setup, data: TicketData, *, gains: Section, segments: Section,
                   steps: Section, freed: Section, value: Section, tech: Section,
                   automation: Section, summary: Section,
                   training: Section | None = None) -> dict[str, Any]:
    """The run's results.json (docs/results.md, efficiency), from its sections.

    ``headline`` is absent when no gain was measured (a steps-only run);
    ``tech.automation_share`` only when the automation share was computed;
    ``training_effect`` only when section 7 ran.
    """
    record: dict[str, Any] = {**run.record, "data": data.record,
                              "skipped": data.sections.skipped,
                              "inputs": data.sections.inputs,
                              "gains": gains.record["gains"]}
    if gains.record["headline"] is not None:
        record["headline"] = gains.record["headline"]
    tech_record = dict(tech.record)
    if automation.record is not None:
        tech_record["automation_share"] = automation.record
    record.update(segments=segments.record, steps=steps.record, capacity=freed.record,
                  money=value.record, tech=tech_record, summary=summary.record)
    if training is not None and training.record is not None:
        record["training_effect"] = training.record
    return record


def write_results(results_path: str, record: Mapping[str, Any]) -> None:
    """Write ``record`` to ``results_path`` (set by the runner; "" writes nothing)."""
    if results_path:
        from pdcakit.fileio import atomic_write_json

        atomic_write_json(results_path, dict(record))

