"""The compare page, section by section: what each section shows, what it skipped and
why, and what it writes to ``results.json``.

Each builder is a pure function of the stage's inputs and returns a :class:`Section`:
its blocks in page order (sentences, tables, charts drawn on demand, skipped lines) and
its part of ``results.json``. The notebook shows a section with :func:`show`, which
also writes each skipped line into the run's ledger
(:class:`pdcakit.stages.sections.Sections`), so the ledger stays the one record of what
did not run. The builders read the ledger and never change it; every decision (which
KPIs a section covers, what an empty list means, how a table is formatted, which words
the summary uses) is here, so the notebook holds prose, parameters and display calls.

Significance is never recomputed here: every verdict word, "significant" flag and
adjusted p-value comes from :class:`pdcakit.stages.compare.KpiChange`.

>>> from pdcakit.stages.sections import Sections
>>> ledger = Sections(frozenset({"id", "created_at", "category"}), show=False)
>>> section = mix_section(None, None, ledger, column="category", kpis=[])
>>> section.skipped
{'mix': 'off: mix_kpis is empty; give the rate, mean or duration KPIs to check, e.g. \
[fcr, aht]'}
>>> show(section, ledger)
>>> ledger.skipped["mix"].startswith("off: mix_kpis is empty")
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from pdcakit import metrics, spc, stats
from pdcakit.kpis import KPI_INFO, kpi_name
from pdcakit.periods import PERIODS
from pdcakit.results import format_value
from pdcakit.stages.compare import (
    ChangeTable,
    KpiChange,
    compare_kpis,
    mix_check,
    segment_changes,
    survival_curves,
)
from pdcakit.stages.compare_scores import ScoreChanges, ScoreTables, compare_scores
from pdcakit.stages.engine_compare import (
    EngineSide,
    EngineWindows,
    engine_compare_kpis,
    kpi_frame,
    load_engine_windows,
)
from pdcakit.stages.explore import training_check
from pdcakit.stages.sections import (  # Fold and terms_fold live there, shared by every page
    RESULTS_SCHEMA,
    Fold,
    Sections,
    headline_record,
    load_export,
    mapping_file,
    skipped_summary,
    snapshot_words,
    source_name,
    terms_fold,
)
from pdcakit.stages.timeview import PhaseView, phase_view
from pdcakit.stages.windows import MULTIPLICITY, CompareSettings, Windows
from pdcakit.stats.stratified import MixCheck
from pdcakit.words import N_, words

__all__ = ["Chart", "Check", "Say", "Section", "Skip", "Summary", "Table", "TimeView",
           "check_section", "compare_results", "compare_summary", "data_section",
           "distributions_section", "mix_section", "mix_share_table", "phase_views",
           "read_score_tables", "read_tickets", "reliability_table", "scores_section",
           "segments_section", "show", "split_tickets", "time_view_section",
           "training_section", "why_section", "why_table", "with_scores", "write_results"]


# ---------------------------------------------------------------- blocks and sections


@dataclass(frozen=True)
class Say:
    """A sentence or paragraph (``**bold**`` and a leading ``- `` are kept as marks)."""

    text: str

    def show(self, ledger: Sections) -> None:
        from pdcakit.stages.display import say

        say(self.text)


@dataclass(frozen=True, eq=False)
class Table:
    """A table whose first column labels the rows."""

    frame: pd.DataFrame

    def show(self, ledger: Sections) -> None:
        from pdcakit.stages.display import table

        table(self.frame, index=False)


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure, drawn only when shown (``draw()`` returns a matplotlib Figure)."""

    title: str
    draw: Callable[[], Any]

    def show(self, ledger: Sections) -> None:
        from pdcakit.stages.display import show_figure

        show_figure(self.draw(), language=getattr(ledger, "language", "en"))


#: The symbol beside each check status, so it never rests on colour or words alone.
CHECK_SYMBOLS = {"pass": "✔", "warning": "⚠", "information": "ℹ"}


def verdict_blocks(change: KpiChange) -> tuple[Say, Say, Fold]:
    """One KPI's verdict: the plain line and the answer, the check list's statuses beside
    it (Minitab Assistant's report card), then "How we know" folded beneath (the test, the
    p-values and intervals, the shape of the times, each check's sentence)."""
    w = change.words
    checks = tuple(f"{CHECK_SYMBOLS[c.status]} {w._(c.check)} ({w._(c.status)}): {c.sentence}"
                   for c in change.checks)
    statuses = " · ".join(f"{CHECK_SYMBOLS[c.status]} {w._(c.check).lower()}"
                          for c in change.checks)
    return (Say(f"- {change.sentence}"),
            Say(w._("Checks: {statuses} (each explained below)", statuses=statuses)),
            Fold(w._("How we know: {name}", name=change.name),
                 (*change.how_we_know, *checks)))


#: The check list's names and statuses, marked for the catalogue (shown through it).
CHECK_WORDS = (N_("Sample size"), N_("Unusual data"), N_("Stability"), N_("Assumptions"),
               N_("pass"), N_("warning"), N_("information"))


@dataclass(frozen=True)
class Skip:
    """A section or KPI that did not run, with the line naming what would enable it."""

    key: str
    reason: str
    label: str = ""

    def show(self, ledger: Sections) -> None:
        ledger.skip(self.key, self.reason, label=self.label)


Block = Say | Table | Chart | Skip | Fold


@dataclass(frozen=True, kw_only=True)
class Section:
    """One section of the page: its blocks in order and its part of results.json.

    >>> Section(blocks=(Say("- one"), Skip("mix", "off"))).sentences
    ['- one']
    """

    blocks: tuple[Block, ...] = ()
    record: Mapping[str, Any] = field(default_factory=dict)

    @property
    def sentences(self) -> list[str]:
        """The sentences shown, in order (marks kept)."""
        return [b.text for b in self.blocks if isinstance(b, Say)]

    @property
    def skipped(self) -> dict[str, str]:
        """Section or KPI key -> the line saying why it did not run."""
        return {b.key: b.reason for b in self.blocks if isinstance(b, Skip)}

    @property
    def tables(self) -> list[pd.DataFrame]:
        return [b.frame for b in self.blocks if isinstance(b, Table)]

    @property
    def charts(self) -> list[Chart]:
        return [b for b in self.blocks if isinstance(b, Chart)]

    def as_dict(self) -> dict[str, Any]:
        """This section's part of results.json."""
        return dict(self.record)


def show(section: Section, ledger: Sections) -> None:
    """Show ``section``'s blocks in order; each skipped line is written into ``ledger``
    (said once per key, kept for results.json)."""
    for block in section.blocks:
        block.show(ledger)


class _Probe:
    """A copy of the ledger the builders ask (which KPIs are supported, whether a column
    holds data) without changing the run's own; the lines it adds become Skip blocks."""

    def __init__(self, ledger: Sections) -> None:
        self.known = set(ledger.skipped)
        self.sections = Sections(ledger.present, dict(ledger.skipped), dict(ledger.inputs),
                                 show=False, language=ledger.language)

    def skips(self) -> list[Skip]:
        """The lines added since the last call, in order."""
        new = [Skip(key, reason, KPI_INFO[key].name if key in KPI_INFO else "")
               for key, reason in self.sections.skipped.items() if key not in self.known]
        self.known.update(self.sections.skipped)
        return new

    def kpis(self, parameter: str, keys: Sequence[str], section: str, *,
             kinds: Sequence[str] = ("proportion", "mean", "duration"),
             example: str = "[fcr, aht]", what: str = "KPIs") -> tuple[str, ...]:
        """The KPIs of list parameter ``parameter`` this export supports; when none is
        left, section ``section`` is skipped saying why (an empty list is "off")."""
        usable = self.sections.kpis(keys)
        if not usable:
            reason = (f"off: {parameter} is empty; give the {what} to check, e.g. {example}"
                      if not list(keys) else
                      self.sections.none_supported(parameter, keys, kinds=kinds))
            self.sections.skip(section, reason)
        return usable


# ---------------------------------------------------------------- 1. the data


#: The engine settings that mean the row path (every row loaded into pandas).
ROW_PATH = ("", "pandas")


def read_tickets(data_path: str, mapping: str, windows: Windows, *, on_duplicate: str = "",
                 snapshot: str = "", timezone: str = "", dayfirst: Any = "",
                 engine: str = "pandas", period: str = "W", segment_column: str = "",
                 mix_column: str = "", language: str = "en"
                 ) -> tuple[pd.DataFrame | EngineWindows, Sections]:
    """The tickets of both windows, and the run's ledger (present columns, files read).

    ``mapping`` is a YAML file, a preset name or "" (canonical columns); the loading
    options "" take the mapping's own settings. ``engine`` ``duckdb`` or ``spark``: the
    export is counted where it lies, per KPI, period and window
    (:func:`~pdcakit.stages.engine_compare.load_engine_windows`, grouped by
    ``segment_column`` and ``mix_column``) and no whole row is loaded; an export or
    setting the engine cannot read as pandas does is loaded row by row, a note on the page
    saying why. ``pandas`` or "": the rows.
    """
    from pdcakit.aggregate import AggregateUnsupported

    w = words(language)
    reading = Sections.of(None, language=language)
    fallback = ""
    if str(engine).strip().lower() not in ROW_PATH:
        try:
            found = load_engine_windows(
                data_path, mapping, windows=windows, period=period, ledger=reading,
                engine=str(engine).strip().lower(), snapshot=snapshot,
                segment_column=segment_column, mix_column=mix_column,
                on_duplicate=on_duplicate, timezone=timezone, dayfirst=dayfirst)
        except AggregateUnsupported as exc:
            fallback = w._("Engine {engine} not used: {reason}. The rows were loaded with "
                           "pandas instead.", engine=engine, reason=str(exc))
        else:
            sections = Sections(present=found.present, language=language)
            sections.inputs.update(reading.inputs)
            sections.skip("plausibility", w._(
                "{what} needs the rows (engine {engine} reads aggregates): run with engine "
                "pandas", what=w._("The plausibility check"), engine=found.engine),
                label=w._("Plausibility check"))
            return found, sections
    tickets = load_export(data_path, mapping, ledger=reading,
                          window=(windows.before_start, windows.after_end),
                          on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                          dayfirst=dayfirst)
    if fallback:
        tickets.attrs["warnings"] = [fallback, *tickets.attrs.get("warnings", [])]
    sections = Sections.of(tickets, language=language)
    sections.inputs.update(reading.inputs)
    return tickets, sections


def split_tickets(tickets: pd.DataFrame | EngineWindows, windows: Windows
                  ) -> tuple[pd.DataFrame | EngineSide, pd.DataFrame | EngineSide]:
    """The before and after windows' tickets: the rows of each (:meth:`Windows.split`), or
    with an engine each window's side of its counts.

    >>> w = Windows.around("2026-04-06", weeks_before=1, weeks_after=1)
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-04-01", "2026-04-07"])})
    >>> [len(part) for part in split_tickets(t, w)]
    [1, 1]
    """
    if isinstance(tickets, EngineWindows):
        for name, count in zip(("before", "after"), tickets.counted, strict=True):
            if not count:
                raise ValueError(
                    f"no tickets in the {name} window ({windows.describe()}); the data run "
                    f"from {tickets.first_created:%Y-%m-%d} to {tickets.last_created:%Y-%m-%d}"
                    ": move the windows or the change date inside that range")
        return tickets.before, tickets.after
    return windows.split(tickets)


def data_section(tickets: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame,
                 windows: Windows, *, snapshot: str = "") -> Section:
    """What the windows hold: tickets on each side, how many are still open at the
    export (none can be told apart without ``resolved_at``), and the loader's notes.

    >>> windows = Windows.around("2026-04-06", weeks_before=1, weeks_after=1)
    >>> t = pd.DataFrame({"created_at": pd.to_datetime(["2026-04-01", "2026-04-07"])})
    >>> data_section(t, t[:1], t[1:], windows).record["open_before"] is None
    True
    """
    words = snapshot_words(tickets, snapshot)
    if isinstance(tickets, EngineWindows):
        return _engine_data_section(tickets, windows, words)
    counted = "is_open" in tickets and tickets.attrs.get("snapshot") is not None
    opened = [int(part["is_open"].sum()) for part in (before, after)] if counted else None
    text = (f"Windows by ticket creation date: {windows.describe()}. **{len(before):,} "
            f"tickets before** and **{len(after):,} after**; ")
    if opened is not None:
        text += (f"{opened[0]:,} and {opened[1]:,} still open at the export of "
                 f"{tickets.attrs['snapshot']:%d %b %Y %H:%M} (export time {words}). Open "
                 "tickets stay in the duration comparisons as censored observations.")
    else:
        text += ("the export has no resolved_at column, so open and resolved tickets cannot "
                 "be told apart.")
    notes = tuple(Say(f"Note: {warning}") for warning in tickets.attrs.get("warnings", []))
    found = tickets.attrs.get("plausibility")
    checks = tuple(Say(f"**Check:** {line}") for line in getattr(found, "sentences", ()))
    record = {"before": len(before), "after": len(after),
              "open_before": None if opened is None else opened[0],
              "open_after": None if opened is None else opened[1], "snapshot_source": words,
              "plausibility": None if found is None else found.as_dict()}
    return Section(blocks=(Say(text), *checks, *notes), record=record)


def _engine_data_section(tickets: EngineWindows, windows: Windows, source: str) -> Section:
    """The data section of an engine read: the same record as the rows' (its
    plausibility check, which needs every open case, is not run) and a line naming the
    engine."""
    before, after = tickets.counted
    text = (f"Windows by ticket creation date: {windows.describe()}. **{before:,} "
            f"tickets before** and **{after:,} after**; ")
    if tickets.open is not None:
        text += (f"{tickets.open[0]:,} and {tickets.open[1]:,} still open at the export of "
                 f"{tickets.snapshot:%d %b %Y %H:%M} (export time {source}). Open "
                 "tickets stay in the duration comparisons as censored observations.")
    else:
        text += ("the export has no resolved_at column, so open and resolved tickets cannot "
                 "be told apart.")
    engine = words("en")._(
        "Read with engine {engine}: each KPI's figures come from counts the engine computed "
        "on the file per period and window (per distinct duration for the waiting times); "
        "no whole ticket row was loaded.", engine=tickets.engine)
    record = {"before": before, "after": after,
              "open_before": None if tickets.open is None else tickets.open[0],
              "open_after": None if tickets.open is None else tickets.open[1],
              "snapshot_source": source, "plausibility": None}
    return Section(blocks=(Say(text), Say(engine)), record=record)


def closed_without_resolution(before: pd.DataFrame, after: pd.DataFrame) -> str:
    """The note a duration's figures carry when cases have a closing time but no
    resolution time (they count as open): how many, in each window ("" when none)."""
    if "closed_at" not in before or "resolved_at" not in before:
        return ""
    counts = [int((part["closed_at"].notna() & part["resolved_at"].isna()).sum())
              for part in (before, after)]
    if not any(counts):
        return ""
    return (f"{counts[0]:,} cases before and {counts[1]:,} after that have a closing time but "
            "no resolution time, counted as still open: if closing means resolved, map "
            "resolved_at to [resolved_at, closed_at] and rerun.")


# ---------------------------------------------------------------- 2. verdicts


@dataclass(frozen=True, kw_only=True)
class Check(Section):
    """The verdict section: every KPI's change, the settings narrowed to the KPIs this
    export supports, and the headline KPI (None: none can be computed)."""

    changes: ChangeTable
    settings: CompareSettings
    headline: str | None = None


def check_section(before: pd.DataFrame, after: pd.DataFrame, settings: CompareSettings,
                  ledger: Sections) -> Check:
    """Compare every KPI of ``settings`` this export supports (:func:`compare_kpis`): one
    sentence each, the family adjustment, the table; a KPI that cannot be compared is
    skipped with its reason. The headline KPI is ``settings.headline_kpi``, else the
    first supported KPI of the list."""
    probe = _Probe(ledger)
    narrowed = settings.only(probe.sections.kpis(settings.kpis))
    if isinstance(before, EngineSide):
        changes = engine_compare_kpis(before, after, narrowed)
    else:
        changes = compare_kpis(before, after, narrowed)
    note = closed_without_resolution(before, after)
    if note:
        changes = replace(changes, changes=tuple(
            replace(c, data_notes=(note,)) if c.open_shares is not None else c
            for c in changes.changes))
    blocks: list[Block] = probe.skips()
    if not settings.kpis:
        blocks.append(Skip("kpis", "off: kpis is empty; give the KPIs to compare, e.g. "
                           "[fcr, aht]", "Verdict for every KPI"))
    for change in changes.changes:
        blocks += verdict_blocks(change)
    if changes.changes:
        blocks += [Say(changes.adjustment_sentence), Table(changes.frame())]
        blocks.append(terms_fold([c.sentence for c in changes.changes]
                                 + [line for c in changes.changes for line in c.how_we_know],
                                 settings.language))
    w = words(settings.language)
    blocks += [Skip(key, w._("not compared: {reason}", reason=reason),
                    kpi_name(key, settings.language))
               for key, reason in changes.skipped.items()]
    headline = None
    if settings.kpis or settings.headline_kpi:
        headline = probe.sections.headline(narrowed.headline_kpi, narrowed.kpis)
    else:
        probe.sections.skip("stability", "kpis is empty and no headline_kpi is given, so no "
                            "KPI is the headline")
    blocks += probe.skips()
    return Check(blocks=tuple(blocks), record={"kpis": changes.as_dict()["kpis"]},
                 changes=changes, settings=narrowed, headline=headline)


def why_table(changes: ChangeTable) -> pd.DataFrame:
    """Which test carried each verdict, why, and the assumptions it rests on.

    >>> why_table(ChangeTable((), {}, "holm", 0.05)).empty
    True
    """
    return pd.DataFrame([c.technical_row() | {"Why": c.test_reason,
                                              "Assumptions": "; ".join(c.comparison.assumptions)}
                         for c in changes.changes])


def why_section(changes: ChangeTable, language: str = "en") -> Section:
    """The choice rules, one line each, then the table of the tests used (when any KPI
    was compared)."""
    rules = tuple(Say(f"- {rule}") for rule in stats.RULES)
    used = (Table(why_table(changes)),) if changes.changes else ()
    words = [*stats.RULES, *(c.test_reason for c in changes.changes),
             *(c.test for c in changes.changes)]
    return Section(blocks=(*rules, *used, terms_fold(words, language)))


# ---------------------------------------------------------------- 3. over time


@dataclass(frozen=True, kw_only=True)
class TimeView(Section):
    """The phase charts by KPI key, and the headline's results.json entry."""

    views: Mapping[str, PhaseView] = field(default_factory=dict)
    headline: Mapping[str, Any] | None = None

    @property
    def unstable(self) -> list[str]:
        """The charted KPIs whose baseline was not stable (signals before the change)."""
        return [key for key, view in self.views.items() if view.baseline_unstable]


def _assurance(view: PhaseView, target: float | None, change: KpiChange | None = None
               ) -> tuple[Say | None, dict | None]:
    """The NHS assurance line of the after phase against ``target`` (None: no target).

    "Target met" has one rule on every page (:attr:`KpiChange.target_met`: the after value
    of the KPI's own estimand); the assurance view answers another question, whether every
    period will meet it, and says so beside that rule's answer so the two never read as a
    contradiction."""
    verdict = view.assurance(target)
    if verdict is None or target is None:
        return None, None
    shown = format_value(target, metrics.KPIS[view.key].unit)
    overall = ""
    if change is not None and change.target_met is not None:
        overall = (f"Over the whole after period the target is "
                   f"{'met' if change.target_met else 'not met'} (the after "
                   f"{change.own.estimand}, {change.fmt(change.own.after)}). ")
    return (Say(f"Period by period against the target ({shown}), NHS Making Data Count's "
                f"assurance view: **{verdict}**. {overall}In the after period "
                f"{spc.ASSURANCE_MEANING[verdict]}."),
            {"target": target, "verdict": verdict,
             "question": "will every period meet the target (the process limits)"})


def _headline_entry(check: Check, views: Mapping[str, PhaseView], tickets: pd.DataFrame,
                    windows: Windows) -> dict[str, Any] | None:
    """results.json's headline: the KPI after (and before), with its per-period series."""
    key, settings = check.headline, check.settings
    if key is None:
        return None
    change = check.changes.get(key)
    estimates = ((change.before, change.after) if change is not None else
                 tuple(metrics.KPIS[key].estimate(part, **settings.params)
                       for part in windows.split(kpi_frame(tickets, key))))
    return headline_record(key, settings.period, estimates[1], views.get(key),
                           before=estimates[0])


def time_view_section(tickets: pd.DataFrame, windows: Windows, check: Check,
                      ledger: Sections, *, kpis: Sequence[str] = (),
                      events: Sequence[Sequence[Any]] = ()) -> TimeView:
    """The headline KPI and ``kpis`` per period on phase charts split at the change
    (:func:`pdcakit.stages.timeview.phase_view`), each with its sentence and, when the KPI
    has a target, the NHS assurance of the after phase. A KPI whose chart cannot be drawn
    (too few periods on a side) is skipped with the reason."""
    settings = check.settings
    probe = _Probe(ledger)
    charted = probe.sections.kpis(([check.headline] if check.headline else []) + list(kpis))
    if not charted:
        reason = ("off: time_view_kpis is empty and there is no headline KPI; give the KPIs "
                  "to chart, e.g. [fcr, aht]" if not list(kpis) else
                  probe.sections.none_supported("time_view_kpis", kpis))
        probe.sections.skip("time_view", reason)
    blocks: list[Block] = probe.skips()
    views, skips = phase_views(tickets, windows, settings, charted, section="time_view",
                               label="Time view of")
    blocks += skips
    record: dict[str, Any] = {}
    for key, view in views.items():
        target = settings.targets.get(key)
        line, assurance = _assurance(view, target, check.changes.get(key))
        blocks += [Say(f"**{view.title}:** {view.sentence}"),
                   Chart(view.title, _phase_figure(view, target, PERIODS[settings.period],
                                                   events, settings.language))]
        blocks += [line] if line is not None else []
        record[key] = view.as_dict() | ({"assurance": assurance} if assurance else {})
    if views and events:
        blocks.append(Say(events_line(events, windows, settings.language)))
    return TimeView(blocks=tuple(blocks), record=record, views=views,
                    headline=_headline_entry(check, views, tickets, windows))


def phase_views(tickets: pd.DataFrame, windows: Windows, settings: CompareSettings,
                keys: Iterable[str], *, section: str, label: str,
                built: Mapping[str, PhaseView] | None = None
                ) -> tuple[dict[str, PhaseView], list[Skip]]:
    """Each KPI of ``keys`` per period, split at the change (:func:`phase_view`; those in
    ``built`` reused), in order; a KPI whose view cannot be built is a skip line of
    ``section`` ("{label} {key}") with the reason."""
    views: dict[str, PhaseView] = {}
    skips: list[Skip] = []
    for key in keys:
        if built and key in built:
            views[key] = built[key]
            continue
        try:
            views[key] = phase_view(kpi_frame(tickets, key), key, windows,
                                    period=settings.period, params=settings.params,
                                    language=settings.language)
        except ValueError as exc:
            skips.append(Skip(f"{section}.{key}", str(exc), f"{label} {key}"))
    return views, skips


def events_line(events: Sequence[Sequence[Any]], windows: Windows, language: str = "en") -> str:
    """The cycle's dated events in full, with the tags the charts write on their lines
    (:func:`pdcakit.plots.event_tags`): the list beneath the charts.

    >>> w = Windows.around("2026-04-06", weeks_before=2, weeks_after=2)
    >>> events_line([("2026-03-30", "Train agents on the knowledge base")], w)
    'Marked on the charts: **1 Train** (30 Mar 2026) Train agents on the knowledge base.'
    """
    from pdcakit.plots import event_tags

    span = windows.as_dict()
    found = event_tags(events, span["before_start"], span["after_end"], language=language)
    w = words(language)
    listed = ("; " if w.english else "；").join(
        f"**{tag}** ({f'{when:%d %b %Y}' if w.english else w.date(when.date())}) {text}"
        for tag, when, text in found)
    return w._("Marked on the charts: {events}.", events=listed) if found else ""


def _phase_figure(view: PhaseView, target: float | None, period_word: str,
                  events: Sequence[Sequence[Any]], language: str = "en") -> Callable[[], Any]:
    return lambda: view.figure(target=target, period_word=period_word, events=events,
                               language=language)


# ---------------------------------------------------------------- 4. distributions


def distributions_section(before: pd.DataFrame, after: pd.DataFrame,
                          settings: CompareSettings) -> Section:
    """Kaplan-Meier curves of the duration KPIs compared, and the cumulative distribution
    of handle time; skipped when ``settings`` compares none of them."""
    from pdcakit import plots

    durations = [k for k in ("first_response_time", "time_to_resolve") if k in settings.kpis]
    handle = "aht" in settings.kpis
    w = words(settings.language)

    def curve(key: str) -> Callable[[], Any]:
        return lambda: plots.survival_curve(
            survival_curves(kpi_frame(before, key), kpi_frame(after, key), key,
                            language=settings.language), unit="minutes",
            title=w._("{kpi}: share of tickets still waiting",
                      kpi=_chart_name(key, settings.language)),
            ylabel=w._("Share of tickets still waiting"), language=settings.language)

    def handle_time() -> Any:
        return plots.ecdf_plot(
            {w._("Before"): kpi_frame(before, "aht")["handle_minutes"],
             w._("After"): kpi_frame(after, "aht")["handle_minutes"]},
            title=w._("Handle time before and after the change"),
            xlabel=w._("Handle time (minutes, log scale)"),
            ylabel=w._("Share of tickets handled within"), log_x=True, unit="minutes",
            language=settings.language)

    blocks: list[Block] = [Chart(_chart_name(k, settings.language), curve(k))
                           for k in durations]
    blocks += [Chart(w._("Handle time"), handle_time)] if handle else []
    if not blocks:
        blocks.append(Skip("distributions", "needs first_response_at, resolved_at or "
                           "handle_minutes (a duration or handle-time KPI in kpis)"))
    return Section(blocks=tuple(blocks))


# ---------------------------------------------------------------- 5. segments


def _chart_name(key: str, language: str) -> str:
    """A KPI's name on a chart: the registry's in English, the catalogue's otherwise.

    >>> _chart_name("fcr", "en")
    'First contact resolution'
    """
    return metrics.KPIS[key].name if language == "en" else kpi_name(key, language)


def _forest(found: Any, overall: KpiChange | None, language: str = "en") -> Chart:
    """The forest plot of a KPI's change per segment, its words in ``language``."""
    from pdcakit import plots

    w = words(language)
    frame = found.frame()
    spec = metrics.KPIS[found.key]
    name = _chart_name(found.key, language)
    percent_points = spec.unit == "fraction"
    unit = w._("percentage points") if percent_points else w.unit(spec.unit)
    title = w._("{kpi}: change by {column} (after - before)", kpi=name,
                column=w.column(found.column))
    xlabel = w._("Change in {kpi} ({unit})", kpi=name.lower(), unit=unit)
    return Chart(title, lambda: plots.forest_plot(
        frame["segment"], frame["difference"], frame["ci_low"], frame["ci_high"],
        significant=frame["significant"],
        overall=None if overall is None else (overall.difference, *overall.difference_ci),
        title=title, xlabel=xlabel, percent_points=percent_points, language=language))


def segments_section(before: pd.DataFrame, after: pd.DataFrame, tickets: pd.DataFrame,
                     check: Check, ledger: Sections, *, column: str,
                     kpis: Sequence[str]) -> Section:
    """Each KPI of ``kpis`` compared within each value of ``column`` (adjusted across the
    segments): a forest plot, the significant segments' sentences, and a line for each
    segment too thin to compare. Off when ``column`` is ""."""
    probe = _Probe(ledger)
    keys: tuple[str, ...] = ()
    if not column:
        probe.sections.skip("segments", "off: give segment_column (e.g. channel) to enable it")
    elif probe.sections.segments(tickets, column):
        if check.headline and kpis and check.headline not in kpis:
            kpis = [*kpis, check.headline]  # the headline KPI is always checked
        keys = probe.kpis("segment_kpis", kpis, "segments")
    blocks: list[Block] = probe.skips()
    record: dict[str, Any] = {}
    for key in keys:
        overall = check.changes.get(key)  # the segments read in the whole KPI's unit
        found = segment_changes(kpi_frame(before, key), kpi_frame(after, key), key, column,
                                check.settings,
                                scale=None if overall is None else overall.scale)
        blocks += ([_forest(found, overall, check.settings.language)]
                   if found.table.changes else [])
        blocks += [Say(f"- {c.sentence}") for c in found.table.changes if c.significant]
        blocks += [Say(f"- {column} {segment}: not compared ({reason}).")
                   for segment, reason in found.table.skipped.items()]
        record[key] = found.as_dict()
    return Section(blocks=tuple(blocks), record=record)


# ---------------------------------------------------------------- 6. mix


def mix_share_table(check: MixCheck) -> pd.DataFrame:
    """Each value's share of the tickets before and after, and the change in points.

    >>> mix = pd.DataFrame({"category": ["a", "b"], "share before": [0.6, 0.4],
    ...                     "share after": [0.5, 0.5], "share change": [-0.1, 0.1]})
    >>> found = MixCheck("fcr", "category", mix, 0.5, 0.1, (0.0, 0.2), 0.1, (0.0, 0.2),
    ...                  0.04, "Mantel-Haenszel", "fraction")
    >>> mix_share_table(found).iloc[0].tolist()
    ['a', '60.0%', '50.0%', '-10.0 pts']
    """
    shares = check.mix[[check.column, "share before", "share after", "share change"]].copy()
    for name in ("share before", "share after"):
        shares[name] = shares[name].map("{:.1%}".format)
    shares["share change"] = shares["share change"].map(lambda v: f"{100 * v:+.1f} pts")
    return shares


def mix_section(before: pd.DataFrame | None, after: pd.DataFrame | None, ledger: Sections,
                *, column: str, kpis: Sequence[str], alpha: float = 0.05,
                params: Mapping[str, float] | None = None, headline: str | None = None,
                scales: Mapping[str, str | None] | None = None) -> Section:
    """Crude and ``column``-mix-adjusted change of each KPI of ``kpis`` and of the
    ``headline`` KPI, whatever its kind (:func:`pdcakit.stages.compare.mix_check`; a
    duration on its mean time up to a horizon), then the shares of the mix. Off when
    ``column`` is "". Its p-values and intervals are for each KPI alone, and the section
    says so beside the adjusted verdicts."""
    if headline and headline not in kpis and kpis:
        kpis = [*kpis, headline]
    probe = _Probe(ledger)
    keys: tuple[str, ...] = ()
    if not column:
        probe.sections.skip("mix", "off: give mix_column (e.g. category) to enable it")
    elif probe.sections.runs("mix", column):
        keys = probe.kpis("mix_kpis", kpis, "mix", kinds=("proportion", "mean", "duration"),
                          what="rate, mean or duration KPIs")
    blocks: list[Block] = probe.skips()
    checks: dict[str, MixCheck] = {}
    for key in keys:
        try:
            checks[key] = mix_check(kpi_frame(before, key), kpi_frame(after, key), key, column,
                                    confidence=1 - alpha,
                                    params=params, scale=(scales or {}).get(key))
        except ValueError as exc:
            blocks.append(Skip(f"mix.{key}", str(exc), f"Mix check of {key}"))
            continue
        blocks.append(Say(f"**{metrics.KPIS[key].name}:** {checks[key].sentence}"))
    if checks:
        blocks.append(Say("These p-values and intervals are for each KPI on its own, not "
                          "adjusted for testing several KPIs at once; the verdicts above are "
                          "adjusted, so a KPI can be significant here and not there."))
        blocks.append(Table(mix_share_table(next(iter(checks.values())))))
    return Section(blocks=tuple(blocks), record={k: c.as_dict() for k, c in checks.items()})


# ---------------------------------------------------------------- 7. training


def training_section(training: pd.DataFrame | None, ledger: Sections, *,
                     confidence: float = 0.95) -> Section:
    """Training effect % (source 3.2.3) with the paired test of the scores; nothing when
    no training table was read (``ledger`` already says why)."""
    if training is None:
        return Section()
    effect, paired = training_check(training, confidence=confidence)
    source = source_name(ledger, "training_path")
    text = (f"**Training effect** (from {source}): {effect.format()} "
            f"({effect.extra['mean_pre']:.1f} to {effect.extra['mean_post']:.1f} points on "
            f"average; {effect.extra['n_improved']} of {effect.n} people improved). "
            f"{paired.sentence}")
    return Section(blocks=(Say(text),), record={"effect": effect.as_dict(),
                                                "test": paired.as_dict(), "source": source})


# ---------------------------------------------------------------- 8. scores


#: The score tables' parameters: table kind, and the mapping parameter beside each.
SCORE_TABLES = {"surveys_path": ("surveys", "surveys_mapping"),
                "audits_path": ("audits", "audits_mapping"),
                "mystery_shopper_path": ("mystery_shopper", "mystery_shopper_mapping"),
                "standards_path": ("standards", "")}


def read_score_tables(ledger: Sections, paths: Mapping[str, str],
                      mappings: Mapping[str, str] | None = None) -> ScoreTables:
    """The score tables the parameters name (``""``: off), each read with its mapping
    (a wide export with text answers needs a scored mapping, e.g. ``en_survey``); every
    file read is recorded in ``ledger`` for the page's inputs and the provenance."""
    from pdcakit import data

    mappings = dict(mappings or {})
    found: dict[str, pd.DataFrame | None] = {}
    for parameter, (kind, mapping_parameter) in SCORE_TABLES.items():
        path = paths.get(parameter, "")
        if not path:
            found[kind] = None
            continue
        mapping = mappings.get(mapping_parameter, "") if mapping_parameter else ""
        if mapping and mapping_file(mapping):
            mapping = ledger.read(mapping_parameter, mapping)
        found[kind] = data.load_table(ledger.read(parameter, path), kind, mapping or None)
    return ScoreTables(**found)


def reliability_table(found: ScoreChanges) -> pd.DataFrame:
    """Cronbach's alpha of each scale in each window, with Feldt's interval."""
    rows = []
    for window, scales in found.reliability.items():
        for scale, r in scales.items():
            rows.append({
                "Window": window, "Scale": scale, "Questions": r.n_items,
                "Respondents": r.n_respondents,
                "Cronbach's alpha": "" if r.ci is None else f"{r.alpha:.2f}",
                "Interval": ("" if r.ci is None else
                             f"{r.ci[0]:.2f} to {r.ci[1]:.2f} ({r.confidence:.0%} CI, Feldt)"),
                "Left out (incomplete)": r.n_incomplete})
    return pd.DataFrame(rows)


def _standards_table(found: ScoreChanges, w: Any = None) -> pd.DataFrame:
    """Each standard in each window: measured (with its interval) or typed in."""
    rows = []
    before, after = found.standards.get("before"), found.standards.get("after")
    if before is None or after is None:
        return pd.DataFrame()
    w = w or words("en")
    for b, a in zip(before.rows, after.rows, strict=True):
        rows.append({"Standard": b.standard, "Weight": f"{b.weight:.0%}",
                     "Rule": b.rule or w._("typed in"),
                     "Before": b.conformance.format(), "After": a.conformance.format()})
    rows.append({"Standard": w._("Weighted conformance"), "Weight": "100%", "Rule": "",
                 "Before": before.weighted.format(), "After": after.weighted.format()})
    return pd.DataFrame(rows)


#: How each family of parts is named on the page (message ids of the words layer).
_GROUP_TITLES = {"csi dimensions": N_("CSI per dimension"),
                 "csi questions": N_("CSI per question"),
                 "tps": N_("Process audit (TPS) per part"),
                 "tds": N_("Mystery shopper (TDS) per part"),
                 "standards": N_("Each standard measured from the tickets")}


@dataclass(frozen=True, kw_only=True)
class Scores(Section):
    """The scores section: the headline scores' changes (they join the verdicts, the
    summary and results.json ``kpis``) and the parts, reliability and standards."""

    found: ScoreChanges | None = None


def scores_section(tables: ScoreTables, windows: Windows, settings: CompareSettings, *,
                   tickets_before: pd.DataFrame | None = None,
                   tickets_after: pd.DataFrame | None = None,
                   sla_first_response_minutes: float = 30.0,
                   composite_weights: Sequence[float] = (0.5, 0.3, 0.2),
                   views: Mapping[str, PhaseView] | None = None,
                   events: Sequence[Sequence[Any]] = ()) -> Scores:
    """CSI, TPS, TDS, the standards conformance and the composite before and after
    (:func:`pdcakit.stages.compare_scores.compare_scores`): one verdict each, as the
    ticket KPIs', then the parts, Cronbach's alpha and the standards table. A score
    without its table is skipped with the line naming the parameter. A score with a
    phase view in ``views`` (the over-time summary's, :mod:`pdcakit.stages.score_series`)
    has its chart per period under its verdict, with the cycle's ``events`` marked."""
    if all(getattr(tables, k) is None for k in ("surveys", "audits", "mystery_shopper",
                                                 "standards")):
        return Scores(blocks=(Skip("scores", "off: give surveys_path, audits_path, "
                                   "mystery_shopper_path or standards_path to compare the "
                                   "scores", "Scores before and after"),))
    if not isinstance(tickets_before, pd.DataFrame):  # an engine's counts: no rows to
        tickets_before = tickets_after = None         # measure a standard's rule on
    found = compare_scores(tables, windows=windows, tickets_before=tickets_before,
                           tickets_after=tickets_after, alpha=settings.alpha,
                           power=settings.power, multiplicity=settings.multiplicity,
                           targets=settings.targets, language=settings.language,
                           sla_first_response_minutes=sla_first_response_minutes,
                           composite_weights=composite_weights)
    from pdcakit.words import words

    w = words(settings.language)
    blocks: list[Block] = []
    head = found.headline
    for change in head.changes:
        blocks += verdict_blocks(change)
        view = (views or {}).get(change.key)
        if view is not None:
            blocks += [Say(f"**{view.title}:** {view.sentence}"),
                       Chart(view.title, _phase_figure(view, settings.targets.get(change.key),
                                                       view.period_word or "period", events,
                                                       settings.language))]
    if head.changes and views and events:
        blocks.append(Say(events_line(events, windows, settings.language)))
    if head.changes:
        family = (w._("The scores are one family, apart from the ticket KPIs: {method} "
                      "adjustment over the {count} compared.",
                      method=MULTIPLICITY[head.multiplicity], count=len(head.changes))
                  if head.multiplicity != "none" else
                  w._("No multiplicity adjustment over the {count} scores compared.",
                      count=len(head.changes)))
        blocks += [Say(family), Table(head.frame())]
    for group, table in found.detail.items():
        if table.changes:
            blocks += [Say(w._("**{title}** (each a verdict of its own; adjusted across the "
                               "{count} of them):", title=w._(_GROUP_TITLES.get(group, group)),
                               count=len(table.changes))),
                       Table(table.frame())]
    if found.reliability:
        blocks += [Say(w._("**Do the questions measure one thing?** Cronbach's alpha of each "
                           "scale (the questions of a dimension, and all questions together) "
                           "in each window, with Feldt's interval: 0.7 or more means the "
                           "questions move together, so their mean is a fair summary; well "
                           "below means they measure different things and should be read "
                           "one by one.")),
                   Table(reliability_table(found))]
    for rows in found.not_scored.values():
        blank = sum(int(r.get("blank", 0)) for r in rows)
        unscored = sum(int(r.get("not_scored", 0)) for r in rows)
        if blank or unscored:
            blocks.append(Say(w._("Answers kept apart, never scored: {blank} blank and "
                                  "{unscored} \"don't know\" or \"not applicable\".",
                                  blank=f"{blank:,}", unscored=f"{unscored:,}")))
    standards = _standards_table(found, w)
    if not standards.empty:
        blocks += [Say(w._("**Standards per window** (4.2): measured from the tickets where "
                           "a rule is given, typed in otherwise (a typed-in figure is the same "
                           "in both windows and carries no interval):")), Table(standards)]
    blocks += [Skip(key, reason, _score_label(key)) for key, reason in found.skipped.items()
               if "." not in key]
    if head.changes:
        blocks.append(terms_fold([c.sentence for c in head.changes]
                                 + [line for c in head.changes for line in c.how_we_know],
                                 w.language))
    return Scores(blocks=tuple(blocks), record={"scores": found.as_dict()}, found=found)


def _score_label(key: str) -> str:
    from pdcakit.kpis import kpi_name

    return kpi_name(key)


def with_scores(check: Check, scores: Scores) -> Check:
    """``check`` with the headline scores' changes added to its KPIs (the verdict box,
    the summary and results.json ``kpis``), each family keeping its own adjustment."""
    if scores.found is None or not scores.found.headline.changes:
        return check
    added = scores.found.headline.changes
    changes = replace(check.changes, changes=check.changes.changes + added)
    record = {**check.record, "kpis": {**check.record.get("kpis", {}),
                                       **{c.key: c.as_dict() for c in added}}}
    return replace(check, changes=changes, record=record)


# ---------------------------------------------------------------- summary and results


def _names(words: Iterable[str]) -> str:
    return ", ".join(words) or "none"


@dataclass(frozen=True, kw_only=True)
class Summary(Section):
    """The page's closing lines and results.json's ``summary``."""

    @property
    def sentence(self) -> str:
        """The first line: what improved, got worse, did not change; targets; baselines."""
        return self.sentences[0]


def compare_summary(changes: ChangeTable, time_view: TimeView, targets: Mapping[str, float],
                    skipped: Mapping[str, str] | None = None, language: str = "en") -> Summary:
    """What improved, got worse, did not change, or cannot be told yet (the KPIs' answers),
    which targets are met, whether the charted baselines were stable, what was skipped,
    and which verdicts the periods carried.

    >>> empty = TimeView()
    >>> compare_summary(ChangeTable((), {}, "holm", 0.05), empty, {}).sentence
    '**Improved:** none. **Worse:** none. **No change:** none. **Not enough data to tell:** \
none. No target given.'
    """
    by = {way: [c.name for c in changes.changes if c.direction == way]
          for way in stats.ANSWERS}
    met = [c.name for c in changes.changes if c.target_met]
    unstable = time_view.unstable
    text = (f"**Improved:** {_names(by['improved'])}. **Worse:** {_names(by['worse'])}. "
            f"**No change:** {_names(by['no change'])}. "
            f"**Not enough data to tell:** {_names(by['not enough data'])}. ")
    text += (f"Targets met: {', '.join(met)}. " if met else
             "No target is met yet. " if targets else "No target given. ")
    text += (f"Caution: the baseline of {', '.join(unstable)} was not stable." if unstable else
             "The charted baselines were stable, so the before/after comparisons are not "
             "confounded by an earlier drift." if time_view.views else "")
    blocks = [Say(text.rstrip())]
    if skipped:
        blocks.append(Say(skipped_summary(dict(skipped), language)))
    period_level = [c.name for c in changes.changes if c.verdict and c.verdict.period_level]
    if period_level:
        blocks.append(Say(f"The weeks varied more than chance for {', '.join(period_level)}: "
                          "those verdicts treat each week as one piece of evidence, which is "
                          "why some may read \"not enough data\" where a test counting every "
                          "ticket as independent would not."))
    record = {"improved": by["improved"], "worsened": by["worse"],
              "unchanged": by["no change"], "not_enough_data": by["not enough data"],
              "unstable_baseline": unstable,
              "period_level": period_level}
    return Summary(blocks=tuple(blocks), record=record)


def compare_results(*, windows: Windows, settings: CompareSettings, ledger: Sections,
                    data: Section, check: Check, time_view: TimeView, segments: Section,
                    mix: Section, training: Section, summary: Summary,
                    over_time: Section | None = None,
                    scores: Section | None = None) -> dict[str, Any]:
    """The compare run's results.json (``docs/results.md``): every section's part, the
    ledger's skipped lines and input files, and the headline."""
    results: dict[str, Any] = {
        "schema": RESULTS_SCHEMA, "stage": "compare", "windows": windows.as_dict(),
        "alpha": settings.alpha, "multiplicity": settings.multiplicity,
        "skipped": dict(ledger.skipped), "inputs": dict(ledger.inputs),
        "data": data.as_dict(), "kpis": check.as_dict()["kpis"],
        "time_view": time_view.as_dict()}
    if time_view.headline is not None:
        results["headline"] = dict(time_view.headline)
    if over_time is not None:
        results["over_time"] = over_time.as_dict()
    results |= {"segments": segments.as_dict(), "mix": mix.as_dict()}
    if training.record:
        results["training"] = training.as_dict()
    if scores is not None and scores.record:
        results["scores"] = scores.as_dict()["scores"]
    results["summary"] = summary.as_dict()
    return results


def write_results(path: str, results: Mapping[str, Any]) -> None:
    """Write ``results`` to ``path`` atomically ("" : not written, as in a plain run).

    >>> write_results("", {"stage": "compare"})
    """
    if path:
        from pdcakit.fileio import atomic_write_json

        atomic_write_json(path, dict(results))
