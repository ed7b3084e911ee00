"""Which sections of a stage an export supports, and one line for each one it cannot run.

A real export holds what its system records: often only an id, a creation date,
a resolution date and a category. Each section of a stage notebook needs only its
own columns (or its own optional input file); a section whose columns are absent
is skipped with one line naming the column or parameter that would enable it,
and the lines are kept for ``results.json`` under ``"skipped"``.

:class:`Sections` is the notebook's ledger for one run: the canonical columns
that hold data, the sections skipped so far and every input file read. It is the
one mutable object of a stage run (it collects as the sections run); the choices
it makes are pure functions of its ``present`` columns.

>>> import pandas as pd
>>> tickets = pd.DataFrame({"id": ["A", "B"], "created_at": pd.to_datetime(["2024-01-02"] * 2),
...                         "resolved_at": pd.to_datetime(["2024-01-03", None])})
>>> sections = Sections.of(tickets, show=False)
>>> sections.kpis(["fcr", "time_to_resolve"])
('time_to_resolve',)
>>> sections.runs("sla_first_response", "first_response_at")
False
>>> sections.skipped["sla_first_response"]
'needs the column first_response_at (map it under columns: in the mapping)'
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pdcakit.glossary import terms_in
from pdcakit.kpis import KPI_INFO, kpi_name, missing_columns, supported_kpis
from pdcakit.words import N_, words

__all__ = ["RESULTS_SCHEMA", "SECTION_NAMES", "TERMS_TITLE", "Fold", "Sections", "dated_inside",
           "file_sources",
           "headline_record", "input_path", "list_problem", "load_export", "load_options",
           "mapping_file",
           "missing_reason", "present_columns", "raise_problems", "section_name", "skip_line",
           "skipped_summary", "snapshot_words", "source_name", "terms_fold"]

#: Version of the results.json layout the stage notebooks write.
RESULTS_SCHEMA = "pdca-results/1"
#: The most distinct values a segment column may have for the segment sections.
MAX_SEGMENTS = 50

#: How a skipped section is named in its line (keys are the results.json keys).
SECTION_NAMES = {
    "stability": N_("Stability of the headline KPI"),
    "time_to_resolve": N_("Time to resolve"),
    "sla_first_response": N_("SLA: first response"),
    "sla_resolution": N_("SLA: resolution"),
    "pareto": N_("Pareto of categories"),
    "complaints_pareto": N_("Complaints by category"),
    "segments": N_("Segments"),
    "scores": N_("Audits, mystery shopping, standards and composite score"),
    "composite": N_("Composite score"),
    "sample_size": N_("Sample-size plan"),
    "target": N_("Target"),
    "time_view": N_("Time view"),
    "distributions": N_("Distributions before and after"),
    "mix": N_("Mix check"),
    "training": N_("Training effect"),
    "handle_time_gain": N_("Handle-time gain"),
    "steps": N_("Process steps"),
    "capacity": N_("Capacity"),
    "money": N_("Money"),
    "automation_share": N_("Automation share"),
    "scorecard": N_("KPI scorecard"),
    "csi": N_("Customer satisfaction index (CSI)"),
    "audit": N_("Process audit score (TPS)"),
    "mystery_shopper": N_("Mystery-shopper score (TDS)"),
    "standards": N_("Standards conformance"),
    "units": N_("Agents, teams and sites compared fairly"),
    "training_effect": N_("Training's effect on service"),
}


def section_name(key: str, language: str = "en") -> str:
    """A skipped section's or KPI's name for a reader, in ``language``; ``"time_view.fcr"``
    style keys name both parts.

    >>> section_name("automation_share"), section_name("mix.fcr"), section_name("nps")
    ('Automation share', 'Mix check: First contact resolution', 'Net Promoter Score')
    >>> section_name("mix.fcr", "zh-CN")
    '构成检查：首次解决率'
    """
    w = words(language)
    if key in SECTION_NAMES:
        return w._(SECTION_NAMES[key])
    if key in KPI_INFO:
        return kpi_name(key, language)
    head, dot, tail = key.partition(".")
    return w._("{section}: {name}", section=section_name(head, language),
               name=section_name(tail, language)) if dot else key


def skipped_summary(keys: Iterable[str], language: str = "en") -> str:
    """The summary's line naming every skipped part ("" when nothing was skipped).

    >>> skipped_summary(["automation_share", "time_view.aht"])
    'Skipped on this export: Automation share, Time view: Average handle time (each line \
above names what would enable it).'
    >>> skipped_summary(["money"], "zh-CN")
    '本次导出数据跳过：金额（上文各行已说明启用所需的条件）。'
    """
    w = words(language)
    names = [section_name(key, language) for key in keys]
    return w._("Skipped on this export: {names} (each line above names what would enable "
               "it).", names=w._(", ").join(names)) if names else ""


def skip_line(key: str, reason: str, *, label: str = "", language: str = "en") -> str:
    """The line a skipped section or KPI shows: its name, then what would enable it.

    >>> skip_line("csi", "off: give surveys_path (a surveys table) to enable it")
    'Skipped: **Customer satisfaction index (CSI)**: off: give surveys_path (a surveys \
table) to enable it.'
    """
    return words(language)._("Skipped: **{name}**: {reason}.",
                             name=label or section_name(key, language), reason=reason)


#: The optional tables' kinds a skipped line names ("a surveys table"), for the catalogue.
_TABLE_KINDS = (N_("surveys"), N_("audits"), N_("mystery shopper"), N_("standards"),
                N_("steps"), N_("training"))

#: The title of every page's glossary fold.
TERMS_TITLE = N_("Terms used above")


@dataclass(frozen=True)
class Fold:
    """Technical detail folded under a title (closed on the page, opened on demand)."""

    title: str
    lines: tuple[str, ...]

    def show(self, ledger: Sections | None = None) -> None:
        """Display it (:func:`pdcakit.stages.display.fold`; nothing when it has no line)."""
        from pdcakit.stages.display import fold

        fold(self.title, self.lines)


def terms_fold(texts: Sequence[str], language: str = "en") -> Fold:
    """The statistical terms ``texts`` use, each explained in one plain line (with an example
    from ``texts`` where there is one), folded: the glossary of every stage page.

    >>> terms_fold(["Effect size: risk ratio (after / before) 1.09."]).lines[1]
    '**risk ratio**: the after rate divided by the before rate: above 1 means higher after, \
below 1 lower (here, 1.09 means 9% higher after)'
    >>> terms_fold(["No statistics."]).lines
    ()
    """
    w = words(language)
    return Fold(w._(TERMS_TITLE), tuple(
        w._("**{term}**: {meaning}", term=term, meaning=meaning)
        for term, meaning in terms_in(texts, language)))


def present_columns(tickets: pd.DataFrame | None) -> frozenset[str]:
    """The columns of ``tickets`` that hold at least one value (an empty column is absent).

    >>> present_columns(pd.DataFrame({"id": ["A"], "csat": [None]}))
    frozenset({'id'})
    """
    if tickets is None:
        return frozenset()
    return frozenset(str(c) for c in tickets.columns if tickets[c].notna().any())


def missing_reason(key: str, present: Iterable[str]) -> str:
    """Why KPI ``key`` cannot be computed from columns ``present`` ("" if it can).

    >>> missing_reason("aht", ["id"])
    'needs the column handle_minutes (map it under columns: in the mapping)'
    """
    if key not in KPI_INFO:
        return f"unknown KPI; known KPIs: {', '.join(KPI_INFO)}"
    return supported_kpis(present, [key])[1].get(key, "")


def _needs(missing: Sequence[str], language: str = "en") -> str:
    """Why a part cannot run: the canonical ``missing`` columns, and where to map them.

    >>> _needs(["csat", "nps"])
    'needs the columns csat, nps (map it under columns: in the mapping)'
    >>> _needs(["csat"], "zh-CN")
    '需要 csat 列（在映射文件的 columns: 下映射）'
    """
    return words(language).ngettext(
        "needs the column {columns} (map it under columns: in the mapping)",
        "needs the columns {columns} (map it under columns: in the mapping)", len(missing),
        columns=", ".join(missing))


def input_path(path: str) -> str:
    """The file a path parameter names: ``demo:NAME`` resolved to the bundled demo file
    (:func:`pdcakit.data.resolve_input`), other paths as given.

    >>> input_path("/data/tickets.csv")
    '/data/tickets.csv'
    """
    from pdcakit import data

    return str(data.resolve_input(path))


def list_problem(name: str, value: Any) -> str | None:
    """The problem with a list parameter that arrived as something else (None: a list).

    Papermill's ``-p kpis "[fcr]"`` passes the text ``"[fcr]"``, not a list.

    >>> list_problem("kpis", "[fcr]").split("; ")[1]
    "with papermill, give lists with -y 'kpis: [fcr]'"
    >>> list_problem("kpis", ["fcr"]) is None
    True
    """
    if isinstance(value, list | tuple):
        return None
    if isinstance(value, str):
        shown = value if value.startswith("[") else f"[{value}]"
        return (f"parameter {name}: got the text {value!r}, not a list; with papermill, give "
                f"lists with -y '{name}: {shown}'")
    return f"parameter {name}: {value!r} is not a list (give e.g. [fcr, aht])"


def raise_problems(problems: Sequence[str]) -> None:
    """Raise one ValueError listing every problem (nothing when there is none).

    >>> raise_problems(["parameter a: bad", "parameter b: bad"])
    Traceback (most recent call last):
    ...
    ValueError: 2 problems with the parameters:
    - parameter a: bad
    - parameter b: bad
    """
    if len(problems) == 1:
        raise ValueError(problems[0])
    if problems:
        raise ValueError(f"{len(problems)} problems with the parameters:\n"
                         + "\n".join(f"- {p}" for p in problems))


@dataclass
class Sections:
    """The present columns of one run, the sections skipped and the files read.

    ``show``: say each skipped section's line in the notebook as it is skipped.
    """

    present: frozenset[str]
    skipped: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    show: bool = True
    #: The language of the lines it says and the reasons it words (en, zh-CN).
    language: str = "en"

    @classmethod
    def of(cls, tickets: pd.DataFrame | None, *, show: bool = True,
           language: str = "en") -> Sections:
        """The ledger for ``tickets`` (None: a run without ticket data)."""
        return cls(present=present_columns(tickets), show=show, language=language)

    @property
    def wording(self) -> Any:
        """The :class:`~pdcakit.words.Words` of the ledger's language."""
        return words(self.language)

    def missing(self, *columns: str) -> tuple[str, ...]:
        """The ``columns`` that hold no data in this export."""
        return tuple(c for c in columns if c not in self.present)

    def skip(self, key: str, reason: str, *, label: str = "") -> None:
        """Record ``key`` as skipped with ``reason`` and say the one line (once per key)."""
        if key in self.skipped:
            return
        self.skipped[key] = reason
        if self.show:
            from pdcakit.stages.display import say

            say(skip_line(key, reason, label=label, language=self.language))

    def runs(self, key: str, *columns: str, label: str = "") -> bool:
        """Whether section ``key`` can run: every column holds data; else skip it."""
        missing = self.missing(*columns)
        if missing:
            self.skip(key, _needs(missing, self.language), label=label)
        return not missing

    def segments(self, tickets: Any, column: str) -> bool:
        """Whether the segment sections can run on ``column``: it holds data and has at
        most :data:`MAX_SEGMENTS` distinct values (a segment table of 10,000 ids reads as
        noise and takes minutes); else skipped, saying why and what to choose instead."""
        if not self.runs("segments", column):
            return False
        count = int(tickets[column].nunique(dropna=True))
        if count > MAX_SEGMENTS:
            self.skip("segments", self.wording._(
                "{column} has {count} distinct values; segments are for a few groups (at "
                "most {most}): give a coarser segment_column (e.g. channel or site), or \"\" "
                "for none", column=column, count=f"{count:,}", most=MAX_SEGMENTS))
            return False
        return True

    def kpis(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The KPIs of ``keys`` this export supports, in order; each other one skipped
        (one line per KPI, however many lists name it)."""
        keys = list(dict.fromkeys(keys))
        usable, unsupported = supported_kpis(self.present, keys)
        for key in unsupported:
            self.skip(key, _needs(missing_columns(key, self.present), self.language),
                      label=kpi_name(key, self.language))
        return usable

    def none_supported(self, parameter: str, keys: Sequence[str],
                       kinds: Sequence[str] = ("proportion", "mean", "duration")) -> str:
        """The reason a section has no KPI left: what ``parameter`` named, and which KPIs of
        ``kinds`` this export would support instead.

        >>> s = Sections(frozenset({"id", "created_at", "resolved_at"}), show=False)
        >>> s.none_supported("mix_kpis", ["fcr", "aht"], kinds=["proportion", "mean"])
        'none of mix_kpis (fcr, aht) can be computed from this export; it supports \
resolution_rate, sla_resolution'
        """
        usable, _ = supported_kpis(self.present)
        others = [k for k in usable if KPI_INFO[k].kind in kinds]
        w = self.wording
        named = f" ({', '.join(keys)})" if keys else ""
        return (w._("none of {parameter}{named} can be computed from this export; ",
                    parameter=parameter, named=named)
                + (w._("it supports {keys}", keys=", ".join(others)) if others else
                   w._("it supports no KPI of this kind")))

    def headline(self, headline_kpi: str, kpis: Sequence[str]) -> str | None:
        """The headline KPI: ``headline_kpi`` when given, else the first supported KPI of
        ``kpis``; None (with the line naming what would enable one) when unsupported.

        >>> Sections(frozenset({"id", "created_at"}), show=False).headline("", ["fcr"])
        """
        if headline_kpi:
            if self.kpis([headline_kpi]):
                return headline_kpi
            self.skip("stability", self.wording._("the headline KPI {key} {reason}",
                                                key=headline_kpi,
                                                reason=self.skipped[headline_kpi]))
            return None
        usable = self.kpis(kpis)
        if usable:
            return usable[0]
        self.skip("stability", self.wording._(
            "no KPI of the list kpis can be computed from this export (each is listed above "
            "with the column it needs)"))
        return None

    def choose(self, requested: str, choices: Sequence[str]) -> tuple[str, str]:
        """``requested`` when it is one of ``choices``, else the first choice, with the
        sentence saying why ("" when the request is kept or none was made).

        >>> s = Sections(frozenset({"id", "created_at", "resolved_at"}), show=False)
        >>> s.choose("aht", s.kpis(["time_to_resolve"]))[0]
        'time_to_resolve'
        """
        if not choices:
            raise ValueError("no KPI can be computed from this export: "
                             + "; ".join(f"{k}: {r}" for k, r in self.skipped.items()))
        if requested in choices:
            return requested, ""
        if not requested:
            return choices[0], ""
        name = (kpi_name(requested, self.language) if requested in KPI_INFO
                else repr(requested))
        reason = self.skipped.get(requested) or missing_reason(requested, self.present)
        return choices[0], self.wording._(
            "{name} cannot be shown on this export ({reason}); showing {other}.", name=name,
            reason=reason, other=kpi_name(choices[0], self.language))

    def read(self, parameter: str, path: str) -> str:
        """Record that ``parameter`` names a file this run reads; the file to open."""
        resolved = input_path(path)
        self.inputs[parameter] = resolved
        return resolved

    def table(self, parameter: str, path: str, kind: str, *, key: str,
              window: tuple[Any, Any] | None = None, mapping: str = "",
              mapping_parameter: str = "") -> pd.DataFrame | None:
        """The optional table ``parameter`` names, or None with the line saying why:
        the parameter is empty (off), or the file has no rows dated inside ``window``.
        ``mapping`` (a YAML file, recorded under ``mapping_parameter``, or a preset such as
        ``en_survey``) reads a wide export with text answers (:mod:`pdcakit.data.surveys`)."""
        from pdcakit import data
        from pdcakit.stages.baseline import load_optional_table

        w = self.wording
        if not path:
            self.skip(key, w._("off: give {parameter} (a {kind} table) to enable it",
                               parameter=parameter, kind=w._(kind.replace("_", " "))))
            return None
        if mapping:
            if mapping_file(mapping):
                mapping = self.read(mapping_parameter or f"{parameter}_mapping", mapping)
            frame = dated_inside(data.load_table(self.read(parameter, path), kind, mapping),
                                 window)
        else:
            frame = load_optional_table(self.read(parameter, path), kind, window)
        if frame is not None and frame.empty:
            self.skip(key, w._("{file} ({parameter}) has no rows", file=Path(path).name,
                               parameter=parameter) if window is None else w._(
                "{file} ({parameter}) has no rows dated inside the window {start} to {end} "
                "(end excluded)", file=Path(path).name, parameter=parameter,
                start=window[0], end=window[1]))
            return None
        return frame


def source_name(sections: Sections, parameter: str) -> str:
    """The file name a figure came from, for its sentence ("from standards.csv").

    >>> source_name(Sections(frozenset(), inputs={"steps_path": "/x/steps.csv"}), "steps_path")
    'steps.csv'
    """
    return Path(sections.inputs[parameter]).name


_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


def load_export(data_path: str, mapping: str = "", *, ledger: Sections,
                window: tuple[Any, Any] = (None, None), on_duplicate: str = "",
                snapshot: str = "", timezone: str = "", dayfirst: Any = "") -> pd.DataFrame:
    """The tickets ``data_path`` names, loaded onto the schema: the one loader every stage
    uses. ``mapping`` is a YAML file, a preset name or "" (canonical columns); the loading
    options "" take the mapping's own setting; ``ledger`` records each file read (for the
    page's input list and the provenance).

    >>> reads = Sections.of(None)
    >>> len(load_export("demo:tickets.csv", ledger=reads,
    ...                 window=("2026-04-06", "2026-04-13"))) > 0, sorted(reads.inputs)
    (True, ['data_path'])
    """
    from pdcakit import data

    return data.load_tickets(
        ledger.read("data_path", data_path),
        (ledger.read("mapping", mapping) if mapping_file(mapping) else mapping) or None,
        window=window,
        **load_options(on_duplicate=on_duplicate, snapshot=snapshot, timezone=timezone,
                       dayfirst=dayfirst),
    )


def load_options(*, on_duplicate: str = "", snapshot: str = "", timezone: str = "",
                 dayfirst: Any = "") -> dict[str, Any]:
    """The loading parameters a stage passes to :func:`pdcakit.data.load_tickets`: the
    ones given ("" means "take the mapping's setting", so it is left out).

    >>> load_options(on_duplicate="keep_first", dayfirst="true")
    {'on_duplicate': 'keep_first', 'dayfirst': True}
    """
    out: dict[str, Any] = {}
    if on_duplicate:
        out["on_duplicate"] = on_duplicate
    if snapshot:
        out["snapshot"] = snapshot
    if timezone:
        out["timezone"] = timezone
    if isinstance(dayfirst, bool):
        out["dayfirst"] = dayfirst
    elif str(dayfirst).strip():
        text = str(dayfirst).strip().lower()
        out["dayfirst"] = True if text in _TRUE else False if text in _FALSE else dayfirst
    return out


def snapshot_words(tickets: pd.DataFrame, given: str = "") -> str:
    """How the export time was known: "given" or "inferred from the latest timestamp".

    >>> snapshot_words(pd.DataFrame(), "2025-01-05")
    'given'
    """
    source = str(tickets.attrs.get("snapshot_source", "given" if given else "inferred"))
    return N_("given") if source.startswith("given") else N_("inferred from the latest timestamp")


def dated_inside(table: pd.DataFrame, window: tuple[Any, Any] | None) -> pd.DataFrame:
    """The rows of a small table dated inside ``window`` (start inclusive, end exclusive;
    "" or None: open), undated rows kept; the whole table without a window or a ``date``
    column.

    >>> t = pd.DataFrame({"date": pd.to_datetime(["2026-01-05", None, "2026-04-06"])})
    >>> len(dated_inside(t, ("2026-01-05", "2026-04-06"))), len(dated_inside(t, None))
    (2, 3)
    """
    if window is None or "date" not in table:
        return table
    start, end = ((pd.Timestamp(w) if w else None) for w in window)
    dates = table["date"]
    inside = dates.isna() | (((dates >= start) if start is not None else True)
                             & ((dates < end) if end is not None else True))
    return table[inside].reset_index(drop=True)


def mapping_file(mapping: str) -> bool:
    """Whether the mapping parameter names a file (not a preset or nothing).

    >>> mapping_file("zh_helpdesk"), mapping_file("my_mapping.yaml")
    (False, True)
    """
    return bool(mapping) and (mapping.endswith((".yaml", ".yml")) or "/" in mapping
                              or Path(mapping).is_file())


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def headline_record(key: str, period: str, estimate: Any, series: Any, *,
                    before: Any = None) -> dict[str, Any]:
    """The ``"headline"`` entry of results.json: the KPI, its estimate and per-period series.

    ``series`` is a HeadlineSeries or PhaseView; its ``records()`` gives the rows
    (period_start, value, n, n_open); an object without it gives no rows.

    >>> from pdcakit.results import Estimate
    >>> record = headline_record("fcr", "W", Estimate("First contact resolution", 0.7,
    ...     100, (0.6, 0.8), "fraction"), None)
    >>> record["name"], record["unit"], record["series"]
    ('First contact resolution', 'fraction', [])
    """
    info = KPI_INFO[key]
    rows = series.records() if hasattr(series, "records") else []
    out: dict[str, Any] = {"kpi": key, "name": info.name, "unit": info.unit, "period": period,
                           "estimate": estimate.as_dict(),
                           "series": [{k: _clean(v) for k, v in dict(r).items()} for r in rows]}
    if before is not None:
        out["before"] = before.as_dict()
    return out


def file_sources(sections: Sections, keys: Mapping[str, str]) -> dict[str, str]:
    """Score key -> file name of the parameter it came from (only files read).

    >>> s = Sections(frozenset(), inputs={"surveys_path": "/d/surveys.csv"})
    >>> file_sources(s, {"csi": "surveys_path", "audit": "audits_path"})
    {'csi': 'surveys.csv'}
    """
    return {key: source_name(sections, p) for key, p in keys.items() if p in sections.inputs}
