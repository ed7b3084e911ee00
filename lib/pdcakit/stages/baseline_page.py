"""The baseline page, section by section: what each shows, what it skipped, what it records.

Each ``*_section`` function runs one section of the baseline notebook and returns a frozen
:class:`Section`: ``shown``, the sentences, tables and figures in the order the page shows
them (the line of a part it skipped at the place it was skipped), and ``record``, the
results.json entries it adds (``docs/results.md``). The notebook calls one function per
cell and shows its result with :func:`show`; :func:`baseline_results` puts the record
together and :func:`write_results` writes it. Every choice (which sections run, what a
skipped one says, which table is shown, the summary's words) is made here.

The run's ledger is a :class:`PageLedger`: the stage's
:class:`~pdcakit.stages.sections.Sections` that keeps each skipped line for the section
that shows it, instead of saying it at once.

>>> import pandas as pd
>>> tickets = pd.DataFrame({"id": ["A", "B"], "created_at": pd.to_datetime(
...     ["2026-01-05 09:00", "2026-01-09 10:00"])})
>>> sections = PageLedger.of(tickets)
>>> found = sla_section(tickets, sections)
>>> found.sentences[0]
'Skipped: **SLA: first response**: needs the column first_response_at (map it under \
columns: in the mapping).'
>>> found.record
{'sla': {}}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import metrics, plots, spc
from pdcakit.fileio import atomic_write_json
from pdcakit.kpis import KPI_INFO, kpi_name, supported_kpis
from pdcakit.results import Estimate
from pdcakit.stages import units
from pdcakit.stages.baseline import (
    BaselineSettings,
    ChartView,
    HeadlineSeries,
    aggregate_headline_series,
    headline_series,
)
from pdcakit.stages.display import estimates_table
from pdcakit.stages.engine_tickets import EngineTickets, load_engine_tickets
from pdcakit.stages.planning import SampleSizePlan, period_design_effect, sample_size_plan
from pdcakit.stages.sections import (
    RESULTS_SCHEMA,
    Fold,
    Sections,
    file_sources,
    headline_record,
    load_export,
    present_columns,
    skip_line,
    skipped_summary,
    snapshot_words,
    source_name,
    terms_fold,
)
from pdcakit.stages.standards import METHOD_FIRST_RESPONSE_MINUTES, measure_standards
from pdcakit.stages.windows import CHECK_KPIS, CheckFamily, check_family
from pdcakit.words import N_, words

__all__ = ["DataSection", "HeadlineSection", "PageLedger", "PlanSection", "ScorecardSection",
           "ScoresSection", "Section", "SectionPage", "Shown", "SlaSection", "StabilitySection",
           "baseline_results", "data_section", "data_summary", "headline_plan",
           "headline_section", "pareto_section", "plan_family", "resolve_section",
           "rule_agreement_section", "sample_size_section", "scorecard_section",
           "scores_section", "scores_window", "segments_section", "show", "sla_section",
           "stability_section", "summary_section", "units_section", "write_results"]

#: The optional tables of section 8: score key -> (path parameter, table kind, score,
#: mapping parameter: a scored mapping reads a wide export with text answers).
_SCORE_TABLES = {
    "csi": ("surveys_path", "surveys", metrics.csi, "surveys_mapping"),
    "audit": ("audits_path", "audits", metrics.audit_score, "audits_mapping"),
    "mystery_shopper": ("mystery_shopper_path", "mystery_shopper",
                        metrics.mystery_shopper_score, "mystery_shopper_mapping"),
    "standards": ("standards_path", "standards", metrics.standards_conformance, ""),
}


@dataclass
class PageLedger(Sections):
    """The run's ledger (:class:`~pdcakit.stages.sections.Sections`) that keeps each
    skipped line, in order, in ``said`` for the section that shows it.

    >>> ledger = PageLedger(frozenset({"id"}))
    >>> ledger.runs("pareto", "category"), ledger.said
    (False, ['Skipped: **Pareto of categories**: needs the column category (map it under \
columns: in the mapping).'])
    """

    show: bool = False
    said: list[str] = field(default_factory=list)
    #: Every sentence and table text the page has shown so far, for its glossary
    #: (:func:`summary_section`'s "Terms used above").
    words: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, tickets: pd.DataFrame | None, *, show: bool = False,
           language: str = "en") -> PageLedger:
        """The ledger for ``tickets`` (None: a run without ticket data)."""
        return cls(present=present_columns(tickets), show=show, language=language)

    def skip(self, key: str, reason: str, *, label: str = "") -> None:
        """Record ``key`` as skipped with ``reason`` and keep its line (once per key)."""
        if key not in self.skipped:
            self.said.append(skip_line(key, reason, label=label, language=self.language))
        super().skip(key, reason, label=label)


@dataclass(frozen=True, eq=False)
class Shown:
    """One thing a section shows: a sentence, a table (``index`` False: its first column
    labels the rows) or a figure."""

    sentence: str = ""
    table: pd.DataFrame | None = None
    figure: Any = None
    index: bool = True
    fold: Fold | None = None

    @property
    def text(self) -> str:
        """The words it shows: the sentence, or the table's column names and cells."""
        if self.table is not None:
            return self.table.to_csv(index=self.index)
        return self.sentence

    def show(self) -> None:
        """Display it in the notebook (:mod:`pdcakit.stages.display`)."""
        from pdcakit.stages import display

        if self.fold is not None:
            self.fold.show()
        elif self.figure is not None:
            display.show_figure(self.figure)
        elif self.table is not None:
            display.table(self.table, index=self.index)
        else:
            display.say(self.sentence)


class SectionPage:
    """Collects what a section shows, in order, each line the ledger skipped since the
    section began placed before the next thing shown."""

    def __init__(self, ledger: Sections | None, language: str | None = None) -> None:
        self._ledger = ledger
        self.language = language or getattr(ledger, "language", "en")
        self._said: list[str] = getattr(ledger, "said", [])
        self._seen = len(self._said)
        self._items: list[Shown] = []

    def _flush(self) -> None:
        self._items.extend(Shown(sentence=line) for line in self._said[self._seen:])
        self._seen = len(self._said)

    def say(self, sentence: str) -> None:
        self._flush()
        self._items.append(Shown(sentence=sentence))

    def table(self, frame: pd.DataFrame, *, index: bool = True) -> None:
        self._flush()
        self._items.append(Shown(table=frame, index=index))

    def figure(self, fig: Any) -> None:
        self._flush()
        self._items.append(Shown(figure=fig))

    def glossary(self, texts: Sequence[str]) -> None:
        """Fold the terms ``texts`` use, each explained (:func:`terms_fold`), if any."""
        self._flush()
        terms = terms_fold(texts, self.language)
        if terms.lines:
            self._items.append(Shown(fold=terms))

    def done(self) -> tuple[Shown, ...]:
        """What the section shows; its words are kept in the ledger for the glossary."""
        self._flush()
        if isinstance(self._ledger, PageLedger):
            self._ledger.words.extend(item.text for item in self._items if item.text)
        return tuple(self._items)


@dataclass(frozen=True, eq=False)
class Section:
    """What one section shows (in order) and the results.json entries it adds."""

    shown: tuple[Shown, ...]
    record: Mapping[str, Any]

    @property
    def sentences(self) -> tuple[str, ...]:
        """The sentences it shows, skipped lines included (tables and figures left out)."""
        return tuple(item.sentence for item in self.shown if item.sentence)

    @property
    def tables(self) -> tuple[pd.DataFrame, ...]:
        return tuple(item.table for item in self.shown if item.table is not None)

    @property
    def figures(self) -> tuple[Any, ...]:
        return tuple(item.figure for item in self.shown if item.figure is not None)


def show(*sections: Section) -> None:
    """Display each section's sentences, tables and figures in their order."""
    for section in sections:
        for item in section.shown:
            item.show()


# ---------------------------------------------------------------- 1. the data


@dataclass(frozen=True, eq=False)
class DataSection(Section):
    """The loaded tickets (the rows, or with an engine their aggregates: an
    :class:`~pdcakit.stages.engine_tickets.EngineTickets`), the run's ledger and the window
    the tables are cut to."""

    tickets: pd.DataFrame | EngineTickets
    sections: PageLedger
    window: tuple[str, str] = ("", "")


def _needs_rows(w: Any, what: str, engine: str) -> str:
    """Why a part is skipped with engine ``engine``: ``what`` (in ``w``'s words) needs
    the ticket rows.

    >>> _needs_rows(words("en"), "A standard's rule", "duckdb")
    "A standard's rule needs the rows (engine duckdb reads aggregates): run with engine \
pandas"
    """
    return w._("{what} needs the rows (engine {engine} reads aggregates): run with engine "
               "pandas", what=what, engine=engine)


def scores_window(tickets: pd.DataFrame | EngineTickets, start: str = "",
                  end: str = "") -> tuple[str, str]:
    """The baseline window as dates: ``start`` / ``end`` as given, an empty one read from
    the tickets (the first creation day; the day after the last), for the optional tables.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05 10:00", "2026-02-01 08:00"])})
    >>> scores_window(t, "", "2026-03-01")
    ('2026-01-05', '2026-03-01')
    >>> scores_window(t, "2026-01-01", "")
    ('2026-01-01', '2026-02-02')
    """
    first_created, last_created = _created_range(tickets)
    first = f"{first_created:%Y-%m-%d}"
    after = f"{last_created.normalize() + pd.Timedelta(days=1):%Y-%m-%d}"
    return (start or first, end or after)


def _created_range(tickets: pd.DataFrame | EngineTickets) -> tuple[pd.Timestamp, pd.Timestamp]:
    if isinstance(tickets, EngineTickets):
        return tickets.first_created, tickets.last_created
    return tickets["created_at"].min(), tickets["created_at"].max()


def data_summary(tickets: pd.DataFrame, *, start: str = "", end: str = "",
                 snapshot: str = "", language: str = "en") -> Section:
    """Section 1's sentences (how many tickets, which dates, how many open, the loading
    notes) and its ``data`` record.

    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-05", "2026-01-07"])})
    >>> data_summary(t).sentences[0]
    '**2 tickets** created from the first ticket to the last (05 Jan 2026 to 07 Jan 2026). \
The export has no resolved_at column, so open and resolved tickets cannot be told apart.'
    """
    w = words(language)
    engine = isinstance(tickets, EngineTickets)
    first_created, last_created = _created_range(tickets)
    n_tickets = tickets.tickets if engine else len(tickets)
    n_open = (tickets.open if engine else
              int(tickets["is_open"].sum()) if "is_open" in tickets else None)
    source = snapshot_words(tickets, snapshot)
    if n_open is None:
        open_words = w._("The export has no resolved_at column, so open and resolved tickets "
                         "cannot be told apart.")
    else:
        open_words = w._(
            "**{open} ({share}) were still open** when the data were exported on {when} "
            "(export time {source}). Open tickets stay in every duration KPI as censored "
            "observations: they are known to have taken at least as long as they have been "
            "open.", open=f"{n_open:,}", share=w.percent(n_open / n_tickets),
            when=_when(tickets.attrs["snapshot"], w), source=w._(source))
    page = SectionPage(None)
    first = _day(first_created, w)
    last = _day(last_created, w)
    if start and end:
        span = w._("**{count} tickets** created from {start} to before {end} ({first} to "
                   "{last}).", start=start, end=end, first=first, last=last,
                   count=f"{n_tickets:,}")
    elif start:
        span = w._("**{count} tickets** created from {start} to the last ({first} to "
                   "{last}).", start=start, first=first, last=last, count=f"{n_tickets:,}")
    elif end:
        span = w._("**{count} tickets** created from the first ticket to before {end} "
                   "({first} to {last}).", end=end, first=first, last=last,
                   count=f"{n_tickets:,}")
    else:
        span = w._("**{count} tickets** created from the first ticket to the last ({first} "
                   "to {last}).", first=first, last=last, count=f"{n_tickets:,}")
    page.say(w.sentences(span, open_words))
    found = tickets.attrs.get("plausibility")
    lines = (found.sentences_in(language) if hasattr(found, "sentences_in")
             else getattr(found, "sentences", ()))
    for line in lines:
        page.say(w._("**Check:** {line}", line=line))
    for warning in tickets.attrs.get("warnings", []):
        page.say(w._("Note: {warning}", warning=w.reword(warning)))
    record = {"tickets": n_tickets, "open": n_open, "first_created": first_created,
              "last_created": last_created, "snapshot": tickets.attrs.get("snapshot"),
              "snapshot_source": source,
              "plausibility": None if found is None else found.as_dict()}
    return Section(shown=page.done(), record={"data": record})


def _day(when: pd.Timestamp, w: Any) -> str:
    """A day as the page's language writes it ("05 Jan 2026", "2026年1月5日")."""
    return f"{when:%d %b %Y}" if w.english else w.date(when.date())


def _when(when: pd.Timestamp, w: Any) -> str:
    """A day and time as the page's language writes it ("05 Jan 2026 14:00")."""
    return f"{when:%d %b %Y %H:%M}" if w.english else f"{w.date(when.date())} {when:%H:%M}"


def data_section(data_path: str, mapping: str = "", *, start: str = "", end: str = "",
                 on_duplicate: str = "", snapshot: str = "", timezone: str = "",
                 dayfirst: Any = "", engine: str = "pandas", period: str = "W",
                 segment_column: str = "", unit_column: str = "",
                 sla_first_response_minutes: float | None = None,
                 sla_resolution_hours: float | None = None,
                 language: str = "en") -> DataSection:
    """Load the tickets of the baseline window (the notebook's loading parameters, ""
    meaning the mapping's setting) and summarise them (:func:`data_summary`); the result
    holds the run's ledger, which has recorded every file read.

    ``engine`` ``duckdb`` or ``spark``: the export is aggregated where it lies
    (:func:`~pdcakit.stages.engine_tickets.load_engine_tickets`, by ``period``,
    ``segment_column`` and ``unit_column``, with the SLA thresholds) and no row is
    loaded; an export or setting the engine cannot read as pandas does is loaded row by
    row, the first line saying why. ``pandas`` (the default): the rows. ``language``:
    the words of the engine's lines."""
    w = words(language)
    reads = PageLedger.of(None)
    window = (start or None, end or None)
    fallback = ""
    tickets: pd.DataFrame | EngineTickets | None = None
    if engine != "pandas":
        from pdcakit.aggregate import AggregateUnsupported

        try:
            tickets = load_engine_tickets(
                data_path, mapping, engine=engine, period=period, ledger=reads, window=window,
                snapshot=snapshot, segment_column=segment_column, unit_column=unit_column,
                sla_first_response_minutes=sla_first_response_minutes,
                sla_resolution_hours=sla_resolution_hours, on_duplicate=on_duplicate,
                timezone=timezone, dayfirst=dayfirst, language=language)
        except AggregateUnsupported as exc:
            fallback = w._("Engine {engine} not used: {reason}. The rows were loaded with "
                           "pandas instead.", engine=engine, reason=str(exc))
    if tickets is None:
        tickets = load_export(data_path, mapping, ledger=reads, window=window,
                              on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                              dayfirst=dayfirst)
    if isinstance(tickets, EngineTickets):
        sections = PageLedger(present=tickets.present, language=language)
        sections.skip("plausibility", _needs_rows(w, w._("The plausibility check"),
                                                  tickets.engine),
                      label=w._("Plausibility check"))
    else:
        sections = PageLedger.of(tickets, language=language)
    sections.inputs.update(reads.inputs)
    summary = data_summary(tickets, start=start, end=end, snapshot=snapshot,
                           language=language)
    shown = summary.shown
    if fallback:
        shown = (Shown(sentence=fallback), *shown)
    elif isinstance(tickets, EngineTickets):
        shown = (*shown, Shown(sentence=w._(
            "Read with engine {engine}: the figures below come from counts and sums the "
            "engine computed on the file; no ticket row was loaded.", engine=tickets.engine)))
    sections.words.extend(item.text for item in shown if item.text)
    return DataSection(shown=shown, record=summary.record, tickets=tickets,
                       sections=sections, window=scores_window(tickets, start, end))


# ---------------------------------------------------------------- 2. the scorecard


@dataclass(frozen=True, eq=False)
class ScorecardSection(Section):
    """``usable``: the KPIs of ``kpis`` the export supports; ``estimates``: those computed."""

    usable: tuple[str, ...]
    estimates: Mapping[str, Estimate]


def scorecard_section(tickets: pd.DataFrame, sections: Sections, settings: BaselineSettings,
                      *, sla_first_response_minutes: float = METHOD_FIRST_RESPONSE_MINUTES,
                      sla_resolution_hours: float = 24.0) -> ScorecardSection:
    """Every KPI of ``settings.kpis`` the export supports, with its CI, in one table; a
    line for each other one (and one for the whole table when ``kpis`` is empty)."""
    page = SectionPage(sections)
    w = words(sections.language)
    if not settings.kpis:
        sections.skip("scorecard", w._("off: kpis is empty (give e.g. [fcr, time_to_resolve] "
                                       "to enable it)"))
    usable = sections.kpis(settings.kpis)
    if not usable:
        found = metrics.Scorecard(estimates={}, skipped={})
    elif isinstance(tickets, EngineTickets):  # the SLA thresholds were set when aggregating
        found = tickets.aggregates.scorecard(usable)
    else:
        found = metrics.scorecard(tickets, usable,
                                  sla_first_response_minutes=sla_first_response_minutes,
                                  sla_resolution_hours=sla_resolution_hours)
    if found.estimates:
        page.table(estimates_table(found.estimates))
    for key, reason in found.skipped.items():
        sections.skip(key, w._(reason), label=kpi_name(key, sections.language))
    return ScorecardSection(
        shown=page.done(), record={"kpis": {k: e.as_dict() for k, e in found.estimates.items()}},
        usable=tuple(usable), estimates=dict(found.estimates))


# ---------------------------------------------------------------- 3. stability


@dataclass(frozen=True, eq=False)
class HeadlineSection(Section):
    """The headline KPI's series and run chart (None when no KPI can be the headline, or,
    for ``run``, when it has fewer than two periods with a value); ``settings`` with the
    headline fixed."""

    settings: BaselineSettings
    series: HeadlineSeries | None
    run: Any
    #: The page's language (the ledger's).
    language: str = "en"

    @property
    def name(self) -> str:
        """The headline KPI's name in the page's language ("" without a headline)."""
        key = self.settings.headline_kpi
        return kpi_name(key, self.language) if key else ""


def headline_section(tickets: pd.DataFrame, sections: Sections, settings: BaselineSettings,
                     *, events: Sequence[Sequence[Any]] = ()) -> HeadlineSection:
    """The headline KPI (``headline_kpi``, else the first supported of ``kpis``) per
    period: its run chart with Anhøj's rules, and the ``headline`` record."""
    page = SectionPage(sections)
    language = sections.language
    w = words(language)
    if not settings.headline_kpi and not settings.kpis:
        sections.skip("stability", w._("off: kpis is empty and headline_kpi is \"\" (give "
                                       "headline_kpi, e.g. fcr, to enable it)"))
        key = None
    else:
        key = sections.headline(settings.headline_kpi, settings.kpis)
    if key is None:
        return HeadlineSection(shown=page.done(), record={}, settings=settings, series=None,
                               run=None, language=language)
    settings = settings.with_headline(key)
    series = (aggregate_headline_series(tickets.aggregates, settings)
              if isinstance(tickets, EngineTickets) else headline_series(tickets, settings))
    record = {"headline": headline_record(key, settings.period, series.baseline_estimate,
                                          series)}
    with_value = int(np.isfinite(series.values).sum())
    run = None
    if with_value < 2:
        sections.skip("stability", w._(
            "needs at least 2 {period}s with a value of {name} (this window has "
            "{count}): give a shorter period (D for days) or a longer window",
            period=w._(settings.period_label), name=kpi_name(key, language),
            count=with_value))
    else:
        run = spc.run_chart(series.values, labels=series.periods)
        page.say(w._("**{name}, run chart:** {sentence}", name=kpi_name(key, language),
                     sentence=w.reword(run.sentence)))
        page.figure(series.figure(centre=run.centre, target=settings.target_value,
                                  events=events, language=language))
    return HeadlineSection(shown=page.done(), record=record, settings=settings, series=series,
                           run=run, language=language)


@dataclass(frozen=True, eq=False)
class StabilitySection(Section):
    """The control chart, its special-cause rules and where the rule sets disagree (each
    None when the headline has no run chart)."""

    chart: ChartView | None = None
    rules: Any = None
    disagreements: pd.DataFrame | None = None
    language: str = "en"


def stability_section(headline: HeadlineSection, *, rebases: Sequence[Sequence[Any]] = (),
                      rule_set: str = "nhs", events: Sequence[Sequence[Any]] = ()
                      ) -> StabilitySection:
    """The headline's control chart (``rebases`` start new limits) with the rules of
    ``rule_set``, and the ``stability`` record (run chart, autocorrelation, control chart,
    rules, rule-set disagreements)."""
    series, run, settings = headline.series, headline.run, headline.settings
    if series is None or run is None:
        return StabilitySection(shown=(), record={})
    chart = series.control_chart(rebases=rebases)
    rules = chart.rules(rule_set)
    disagreements = chart.rule_disagreements([f"{p:%Y-%m-%d}" for p in series.periods])
    page = SectionPage(None)
    w = words(headline.language)
    chart_name, rules_name = w._(chart.name), w._(spc.rule_set_name(rule_set))
    page.say(w._("**{name}, {chart}:** {sentence}", name=headline.name, chart=chart_name,
                 sentence=w.reword(chart.sentence)))
    page.say(w._("**Special-cause rules ({rules}):** {sentence}", rules=rules_name,
                 sentence=w.reword(rules.sentence)))
    page.figure(series.figure(
        chart, signals=[bool(f) for f in rules.flags], target=settings.target_value,
        events=events,
        title=w._("{name} per {period}: {chart}, {rules} rules", name=headline.name,
                  period=w._(settings.period_label), chart=chart_name, rules=rules_name),
        language=headline.language))
    record = {"kpi": settings.headline_kpi,
              "run_chart": {**run.as_dict(),
                            "autocorrelation": spc.autocorrelation(series.values).as_dict()},
              "control_chart": chart.as_dict(), "rules": rules.as_dict(),
              "rule_disagreements": disagreements.to_dict("records")}
    return StabilitySection(shown=page.done(), record={"stability": record}, chart=chart,
                            rules=rules, disagreements=disagreements,
                            language=headline.language)


def rule_agreement_section(stability: StabilitySection) -> Section:
    """The periods the rule sets judge differently, as a table, or the sentence that they
    all agree (nothing without a control chart). Its record is in ``stability``."""
    page = SectionPage(None)
    if stability.disagreements is not None and stability.disagreements.empty:
        page.say(words(stability.language)._(
            "All four rule sets agree on every period of this chart."))
    elif stability.disagreements is not None:
        page.table(stability.disagreements, index=False)
    return Section(shown=page.done(), record={})


# ---------------------------------------------------------------- 4-7. durations, SLA, work


def resolve_section(tickets: pd.DataFrame, sections: Sections, *,
                    sla_resolution_hours: float = 24.0) -> Section:
    """Time to resolve: the Kaplan-Meier sentence (open tickets censored) and the
    histogram of resolved tickets with the median, 90th percentile and SLA threshold."""
    page = SectionPage(sections)
    if not sections.runs("time_to_resolve", "created_at", "resolved_at"):
        return Section(shown=page.done(), record={})
    minute = pd.Timedelta(minutes=1)
    if isinstance(tickets, EngineTickets):
        resolve = tickets.aggregates.estimate("time_to_resolve")
        table = tickets.aggregates.event_table("time_to_resolve")
        resolved = np.repeat(table.minutes, table.events.astype(np.int64))
    else:
        resolve = metrics.time_to_resolve(tickets)
        resolved = ((tickets["resolved_at"] - tickets["created_at"]) / minute).dropna()
    w = words(sections.language)
    page.say(w.reword(resolve.sentence))
    page.figure(plots.duration_histogram(
        resolved,
        median=None if resolve.median is None else resolve.median / minute,
        p90=None if resolve.p90 is None else resolve.p90 / minute,
        threshold=sla_resolution_hours * 60, unit="minutes",
        title=w._("{name} (resolved tickets)", name=kpi_name("time_to_resolve",
                                                             sections.language)),
        median_label=w._("Median (Kaplan-Meier, open tickets counted)"),
        language=sections.language))
    return Section(shown=page.done(), record={"time_to_resolve": resolve.as_dict()})


@dataclass(frozen=True, eq=False)
class SlaSection(Section):
    """SLA attainment by key (``first_response``, ``resolution``), each when it can run."""

    estimates: Mapping[str, Estimate] = field(default_factory=dict)


def sla_section(tickets: pd.DataFrame, sections: Sections, *,
                sla_first_response_minutes: float = METHOD_FIRST_RESPONSE_MINUTES,
                sla_resolution_hours: float = 24.0) -> SlaSection:
    """The share of tickets within each SLA threshold whose columns the export has."""
    page = SectionPage(sections)
    found: dict[str, Estimate] = {}
    for key, event, threshold, column in (
            ("first_response", "first_response", sla_first_response_minutes,
             "first_response_at"),
            ("resolution", "resolution", sla_resolution_hours * 60, "resolved_at")):
        if not sections.runs(f"sla_{key}", "created_at", column):
            continue
        found[key] = (tickets.aggregates.estimate(f"sla_{key}")  # thresholds set when read
                      if isinstance(tickets, EngineTickets) else
                      metrics.sla_attainment(tickets, threshold_minutes=threshold, event=event))
    if found:
        page.table(estimates_table(found))
    return SlaSection(shown=page.done(), record={"sla": {k: e.as_dict() for k, e in found.items()}},
                      estimates=found)


def _pareto(tickets: pd.DataFrame | EngineTickets, column: str,
            where: str | None = None) -> pd.DataFrame:
    if isinstance(tickets, EngineTickets):
        return tickets.pareto(column, where=where)
    return metrics.pareto(tickets, column, where=where)


def pareto_section(tickets: pd.DataFrame | EngineTickets, sections: Sections) -> Section:
    """Pareto charts of tickets and of complaints by category (each when its columns
    exist; the complaints chart only when there are complaints)."""
    page = SectionPage(sections)
    w = words(sections.language)
    record: dict[str, Any] = {}
    if sections.runs("pareto", "category"):
        counts = _pareto(tickets, "category")["count"]
        page.figure(plots.pareto_chart(counts.index, counts, title=w._("Tickets by category"),
                                       xlabel=w._("Category"), language=sections.language))
        record["tickets"] = counts.to_dict()
    if sections.runs("complaints_pareto", "category", "complaint"):
        complaints = _pareto(tickets, "category", where="complaint")["count"]
        if len(complaints):
            page.figure(plots.pareto_chart(complaints.index, complaints,
                                           title=w._("Complaints by category"),
                                           ylabel=w._("Number of complaints"),
                                           xlabel=w._("Category"),
                                           noun=w._("complaints"), language=sections.language))
        record["complaints"] = complaints.to_dict()
    return Section(shown=page.done(), record={"pareto": record})


def segments_section(tickets: pd.DataFrame, sections: Sections, settings: BaselineSettings,
                     scorecard: ScorecardSection, *,
                     sla_first_response_minutes: float = METHOD_FIRST_RESPONSE_MINUTES,
                     sla_resolution_hours: float = 24.0) -> Section:
    """The scorecard's KPIs within each value of ``segment_column``, one row a segment;
    skipped with its reason when the column is "" or absent, has too many values, no
    scorecard KPI was computed, or no segment has enough tickets."""
    page = SectionPage(sections)
    w = words(sections.language)
    column = settings.segment_column
    keys = tuple(key for key in scorecard.usable if key in scorecard.estimates)
    if not column:
        sections.skip("segments", w._("off: give segment_column (e.g. channel) to enable it"))
    elif not sections.segments(tickets, column):
        pass  # the ledger has said why
    elif not keys:
        sections.skip("segments", w._("needs a KPI of the scorecard (section 2 names what "
                                      "would enable one)"))
    elif isinstance(tickets, EngineTickets) and tickets.aggregates.segment != column:
        sections.skip("segments", w._(
            "the engine aggregated by {used!r}, not {column!r}: give data_section the same "
            "segment_column", used=tickets.aggregates.segment, column=column))
    else:
        found = (tickets.aggregates.segment_estimates(keys)
                 if isinstance(tickets, EngineTickets) else metrics.segment_estimates(
                     tickets, column, keys,
                     sla_first_response_minutes=sla_first_response_minutes,
                     sla_resolution_hours=sla_resolution_hours))
        if not found:
            sections.skip("segments", w._("no value of {column} has enough tickets for a KPI",
                                          column=column))
        else:
            page.table(metrics.segment_table(found))
            return Section(shown=page.done(), record={"segments": {
                "by": column, "values": {segment: {k: e.as_dict() for k, e in ests.items()}
                                         for segment, ests in found.items()}}})
    return Section(shown=page.done(), record={})


# ---------------------------------------------------------------- 8. scores


@dataclass(frozen=True, eq=False)
class ScoresSection(Section):
    """The scores of section 8 by key, and the file each came from."""

    estimates: Mapping[str, Estimate] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)


def _standards_score(frame: pd.DataFrame, tickets: pd.DataFrame | None,
                     sections: Sections, confidence: float) -> Estimate | None:
    """The weighted standards conformance: measured from the baseline's ``tickets`` when a
    standard carries a rule (:func:`pdcakit.stages.standards.measure_standards`, with its
    bootstrap interval), else the typed-in figures' sum; None with the skipped line naming
    the file and the standard when a rule cannot be measured."""
    if "rule" not in frame or frame["rule"].isna().all():
        return metrics.standards_conformance(frame)
    if isinstance(tickets, EngineTickets):
        w = words(tickets.language)
        sections.skip("standards", f"{source_name(sections, 'standards_path')}: "
                      + _needs_rows(w, w._("Measuring a standard's rule on each ticket"),
                                    tickets.engine))
        return None
    try:
        return measure_standards(frame, tickets, confidence=confidence).weighted
    except ValueError as exc:
        sections.skip("standards", f"{source_name(sections, 'standards_path')}: {exc}")
        return None


def scores_section(sections: Sections, settings: BaselineSettings,
                   scorecard: ScorecardSection, sla: SlaSection, *, surveys_path: str = "",
                   audits_path: str = "", mystery_shopper_path: str = "",
                   standards_path: str = "", window: tuple[str, str] | None = None,
                   mappings: Mapping[str, str] | None = None,
                   tickets: pd.DataFrame | None = None) -> ScoresSection:
    """CSI, process audit (TPS), mystery shopping (TDS), standards conformance and the
    composite score, each from its own table ("" path: off, with its line). ``window``
    (start, end excluded) cuts the dated tables (not the standards) to the baseline's weeks.
    ``mappings`` (``surveys_mapping``, ``audits_mapping``, ``mystery_shopper_mapping``: a
    YAML file or a preset such as ``en_survey``) read wide exports with text answers;
    standards with a rule (``first_response_minutes <= 30`` ...) are measured on the
    baseline's ``tickets``.
    """
    page = SectionPage(sections)
    w = words(sections.language)
    paths = {"surveys_path": surveys_path, "audits_path": audits_path,
             "mystery_shopper_path": mystery_shopper_path, "standards_path": standards_path}
    mappings = dict(mappings or {})
    scores: dict[str, Estimate] = {}
    if not any(paths.values()):
        sections.skip("scores", w._("off: give surveys_path, audits_path, "
                                    "mystery_shopper_path or standards_path (the tables of "
                                    "section 8) to enable it"))
    else:
        for key, (parameter, kind, score, mapping_parameter) in _SCORE_TABLES.items():
            frame = sections.table(parameter, paths[parameter], kind, key=key,
                                   window=None if kind == "standards" else window,
                                   mapping=mappings.get(mapping_parameter, ""),
                                   mapping_parameter=mapping_parameter)
            if frame is None:
                continue
            found = (_standards_score(frame, tickets, sections, 1 - settings.alpha)
                     if kind == "standards" else score(frame))
            if found is not None:
                scores[key] = found
        composite = settings.composite(scorecard.estimates, scores, sla.estimates)
        if composite is not None:
            scores["composite"] = composite
        elif not settings.composite_weights:
            sections.skip("composite", w._(
                "off: composite_weights is empty (give three weights of satisfaction, "
                "efficiency and compliance, e.g. [0.5, 0.3, 0.2], to enable it)"))
        else:
            sections.skip("composite", settings.composite_needs(
                scorecard.estimates, scores, sla.estimates))
    sources = file_sources(sections, {key: p for key, (p, *_) in _SCORE_TABLES.items()})
    if "composite" in scores:
        sources["composite"] = w._("the tickets and {file}", file=sources["standards"])
    for key, est in scores.items():
        page.say(w._("- {name}: {value} (from {source}).", name=kpi_name(key, sections.language),
                     value=w.localise(est.format(2)), source=sources[key]))
    if scores:
        page.table(estimates_table(scores, digits=2, sources=sources))
    record = ({"scores": {key: {**est.as_dict(), "source": sources.get(key)}
                          for key, est in scores.items()}} if scores else {})
    return ScoresSection(shown=page.done(), record=record, estimates=scores, sources=sources)


# ---------------------------------------------------------------- 8b. units


def units_section(tickets: pd.DataFrame, sections: Sections, *, unit_column: str = "agent",
                  unit_kpis: Sequence[str] = units.UNIT_KPIS, case_mix: Sequence[str] = (),
                  min_tickets: int = units.MIN_TICKETS, language: str = "en",
                  composite_parts: Sequence[str] = (),
                  composite_weights: Sequence[float] = (0.5, 0.3, 0.2),
                  sla_first_response_minutes: float = METHOD_FIRST_RESPONSE_MINUTES,
                  sla_resolution_hours: float = 24.0) -> Section:
    """Agents, teams or sites compared fairly (:mod:`pdcakit.stages.units`): per KPI of
    ``unit_kpis`` a funnel plot by ``unit_column`` (case mix of ``case_mix`` taken out),
    the units outside its limits in a table, a sentence that the others cannot be told
    apart, and the units too thin to judge; then the composite score per unit with its
    interval when ``composite_parts`` are given; skipped with its reason when the column
    is "" or absent, has too many values, or no KPI has two units with enough tickets."""
    page = SectionPage(sections)
    w = words(language)
    record: dict[str, Any] = {}
    if composite_parts and not composite_weights:  # no weights: no composite, per unit too
        sections.skip("units.composite", w._("off: composite_weights is empty (give three "
                                             "weights to enable the composite score per "
                                             "unit)"))
        composite_parts = ()
    if not unit_column:
        sections.skip("units", w._("off: give unit_column (e.g. agent, team or site) to "
                                   "enable it"))
    elif not unit_kpis:
        sections.skip("units", w._("off: unit_kpis is empty (give e.g. [fcr, aht] to enable "
                                   "it)"))
    elif sections.runs("units", unit_column, *case_mix):
        try:
            if isinstance(tickets, EngineTickets):
                report = _engine_unit_report(tickets, sections, unit_column, unit_kpis,
                                             case_mix=case_mix, min_tickets=min_tickets,
                                             composite_parts=composite_parts,
                                             language=language)
            else:
                report = units.unit_report(
                    tickets, unit_column, unit_kpis, case_mix=case_mix,
                    min_tickets=min_tickets, composite_parts=composite_parts,
                    composite_weights=composite_weights,
                    sla_first_response_minutes=sla_first_response_minutes,
                    sla_resolution_hours=sla_resolution_hours)
        except ValueError as exc:
            sections.skip("units", str(exc).removeprefix("unit comparison: "))
        else:
            for key, reason in report.skipped.items():
                name = units.COMPOSITE.name if key == "composite" else KPI_INFO[key].name
                sections.skip(f"units.{key}", reason, label=w._(
                    "{name} by {column}", name=w._(name), column=w.column(unit_column)))
            for found in report.funnels:
                sentences = units.funnel_sentences(found, language)
                if found.funnel is not None:
                    page.say(sentences[0])
                    page.figure(units.funnel_figure(found, language))
                    sentences = sentences[1:]
                table = units.outside_table(found, language)
                if table is not None:
                    page.table(table, index=False)
                for line in sentences:
                    page.say(line)
            record["units"] = report.as_dict()
    return Section(shown=page.done(), record=record)


def _engine_unit_report(tickets: EngineTickets, sections: Sections, column: str,
                        kpis: Sequence[str], *, case_mix: Sequence[str], min_tickets: int,
                        composite_parts: Sequence[str], language: str = "en"
                        ) -> units.UnitsReport:
    """The funnels by ``column`` from the engine's per-unit counts
    (:func:`pdcakit.stages.units.aggregate_unit_report`); the parts that need the rows
    (the case mix taken out, the composite per unit) skipped, each with its line."""
    w = words(language)
    if tickets.units is None or tickets.units.segment != column:
        raise ValueError(f"the engine did not aggregate by {column}: give data_section "
                         "the same unit_column")
    if case_mix:
        sections.skip("units.case_mix", w._(
            "{reason}; the funnels below compare the units' raw figures",
            reason=_needs_rows(w, w._("Taking out the mix of {columns}",
                                      columns=", ".join(case_mix)), tickets.engine)),
            label=w._("Case mix by {column}", column=w.column(column)))
    if composite_parts:
        sections.skip("units.composite", _needs_rows(
            w, w._("The composite's interval per unit (its parts' covariances)"),
            tickets.engine),
            label=w._("{name} by {column}", name=w._(units.COMPOSITE.name),
                      column=w.column(column)))
    return units.aggregate_unit_report(tickets.units, column, kpis, present=tickets.present,
                                       count=int(tickets.distinct.get(column, 0)),
                                       min_tickets=min_tickets)


# ---------------------------------------------------------------- 9. sample size


def plan_family(settings: BaselineSettings, present: Sequence[str]) -> CheckFamily:
    """The family the Check will adjust over: the compare stage's ``kpis`` of the cycle
    (``settings.check_kpis``; None: the compare notebook's default) that this export's
    columns ``present`` support, with its multiplicity, at ``settings.alpha``
    (:func:`pdcakit.stages.windows.check_family`, as the compare stage reads it).

    >>> s = BaselineSettings.check(kpis=["fcr"], headline_kpi="fcr", period="W",
    ...                            target_value=0.74, check_kpis=["fcr", "aht"])
    >>> plan_family(s, ["id", "created_at", "first_contact_resolved"]).words
    'no adjustment over the 1 KPI the Check tests: level 0.05'
    """
    keys = CHECK_KPIS if settings.check_kpis is None else settings.check_kpis
    return check_family(keys, multiplicity=settings.check_multiplicity, alpha=settings.alpha,
                        supported=supported_kpis(present, keys)[0])


def headline_plan(series: HeadlineSeries, settings: BaselineSettings, *,
                  family_size: int = 1, family: CheckFamily | None = None) -> SampleSizePlan:
    """The Check stage's sample-size plan for the headline reaching ``target_value``: the
    test it will run, at the first level of ``family``'s adjustment (else Holm's over
    ``family_size`` KPIs), the tickets times the design effect of the baseline's period
    variation; durations sized for both tests the Check may use (the log-rank test, divided
    by the share of tickets that finished, and the restricted-mean z test from the
    baseline's curve), planned for the larger. ValueError when no plan can be made (its
    message says why)."""
    if settings.target_value is None:
        raise ValueError("no target_value was given")
    counts = series.counts.astype(float)
    finished = (1 - series.open_counts.sum() / counts.sum()
                if series.n_open is not None and counts.sum() > 0 else 1.0)
    return sample_size_plan(
        series.plan_kind, baseline=series.plan_baseline, target=settings.target_value,
        sd=series.plan_sd, volume_per_period=series.volume_per_period,
        period_label=settings.period_label, alpha=settings.alpha, power=settings.power,
        family_size=max(int(family_size), 1), family=family,
        design_effect=period_design_effect(series.plan_kind, series.values,
                                           series.denominators, sd=series.plan_sd),
        share_finished=max(finished, 0.01), durations=series.plan_durations)


@dataclass(frozen=True, eq=False)
class PlanSection(Section):
    """The sample-size plan (None when skipped) and whether the baseline meets the target."""

    plan: SampleSizePlan | None = None
    target_met: bool | None = None


def sample_size_section(headline: HeadlineSection, sections: Sections,
                        scorecard: ScorecardSection) -> PlanSection:
    """How many tickets the Check stage needs (with its power curve), and the ``target``
    record; skipped with its reason without a headline, a target or a change to detect."""
    page = SectionPage(sections)
    w = words(sections.language)
    series, settings = headline.series, headline.settings
    plan = None
    if series is None:
        sections.skip("sample_size", w._("needs a headline KPI (see section 3)"))
    elif settings.target_value is None:
        sections.skip("sample_size", w._("off: give target_value (the aim's target for "
                                         "{name}) to enable it", name=headline.name))
    else:
        try:
            plan = headline_plan(series, settings,
                                 family=plan_family(settings, tuple(sections.present)))
        except ValueError as exc:
            sections.skip("sample_size", str(exc))
    record: dict[str, Any] = {}
    if plan is not None and series is not None:
        page.say(w.reword(plan.sentence))
        page.say(w._("Method: {method}.", method=w.reword(plan.method)))
        page.figure(plots.power_curve(
            plan.curve_sizes, plan.curve_powers, target_power=settings.power,
            required_n=plan.n_per_group,
            title=w._("Tickets needed to detect {name} reaching the target",
                      name=headline.name),
            xlabel=w._("Tickets in each group (before and after)"),
            language=sections.language))
        record["sample_size"] = plan.as_dict()
    met = None
    if series is not None:
        met = settings.target_met(series.baseline_estimate.value)
        record["target"] = {"kpi": settings.headline_kpi, "value": settings.target_value,
                            "direction": settings.target_direction,
                            "baseline": series.baseline_estimate.as_dict(), "met": met}
    return PlanSection(shown=page.done(), record=record, plan=plan, target_met=met)


# ---------------------------------------------------------------- summary and results


def _stability_words(headline: HeadlineSection, stability: StabilitySection) -> str:
    w = words(headline.language)
    if headline.run is None or stability.chart is None:
        return w._("cannot be judged yet (too few {period}s with a value, see "
                   "section 3)", period=w._(headline.settings.period_label))
    if headline.run.signal or stability.chart.any_signal:
        return w._("**not stable**: investigate the signals before testing a change")
    return w._("stable (no special-cause signal)")


def summary_section(headline: HeadlineSection, stability: StabilitySection,
                    plan: PlanSection, sections: Sections) -> Section:
    """The page's closing sentences: the headline against its target, whether the baseline
    is stable, the tickets the Check needs, and which sections were skipped; then the
    page's glossary, "Terms used above" (:func:`~pdcakit.stages.sections.terms_fold`), for
    every term the page's sentences and tables used (kept by the ledger, a
    :class:`PageLedger`, as each section was made)."""
    page = SectionPage(None, headline.language)
    w = words(headline.language)
    series, settings = headline.series, headline.settings
    if series is None:
        page.say(w._("No headline KPI could be computed from this export: the lines above "
                     "name the columns that would enable one."))
    else:
        value = w.localise(series.baseline_estimate.format())
        if plan.target_met is None:
            where = w._("**{name}** is {value}.", name=headline.name, value=value)
        else:
            meets = (N_("**{name}** is {value} and already meets the target of {target}.")
                     if plan.target_met else
                     N_("**{name}** is {value} and does not yet meet the target of {target}."))
            where = w._(meets, name=headline.name, value=value,
                        target=w.localise(series.format(settings.target_value)))
        stable = w._("The baseline is {stability}.",
                     stability=_stability_words(headline, stability))
        need = plan.plan
        check = ("" if need is None else w.ngettext(
            "The Check stage needs about {tickets} tickets on each side of the change "
            "({count} {period} each).",
            "The Check stage needs about {tickets} tickets on each side of the change "
            "({count} {period}s each).", need.periods_needed,
            tickets=f"{need.n_per_group:,}", period=w._(settings.period_label)))
        page.say(w.sentences(where, stable, check))
    if sections.skipped:
        page.say(skipped_summary(sections.skipped, getattr(sections, "language", "en")))
    shown = page.done()
    page.glossary([*getattr(sections, "words", ()),  # stability's page keeps no ledger
                   *(item.text for item in (*stability.shown, *shown))])
    return Section(shown=page.done(), record={})


def baseline_results(sections: Sections, *parts: Section, window: tuple[str, str] = ("", ""),
                     period: str = "week") -> dict[str, Any]:
    """The baseline's results.json (``docs/results.md``): the header, the ledger's
    ``skipped`` and ``inputs``, then each part's record in page order.

    >>> found = baseline_results(PageLedger(frozenset()), Section((), {"kpis": {}}))
    >>> list(found), found["window"]
    (['schema', 'stage', 'window', 'period', 'skipped', 'inputs', 'kpis'], \
{'start': '', 'end': ''})
    """
    results: dict[str, Any] = {"schema": RESULTS_SCHEMA, "stage": "baseline",
                               "window": {"start": window[0], "end": window[1]},
                               "period": period, "skipped": sections.skipped,
                               "inputs": sections.inputs}
    for part in parts:
        results.update(part.record)
    return results


def write_results(path: str, results: Mapping[str, Any]) -> None:
    """Write ``results`` to ``path`` atomically ("" : not written, e.g. a run by hand)."""
    if path:
        atomic_write_json(path, dict(results))
