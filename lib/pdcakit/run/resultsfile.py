"""The one typed reader of a run's ``results.json``, and the one answer to "which run".

Every stage notebook writes ``results.json`` following the documented contract
``pdca-results/1`` (docs/results.md). The tracker, the prediction scoring and the
reviewer pages read it only through :func:`read_results`, which checks the schema
version and turns the fields they use into frozen dataclasses: a missing, renamed or
ill-typed field raises :class:`ResultsError` naming the file and the field, so a
notebook change that breaks the contract fails a unit test, not a reviewer's page.

Files written before the contract (no ``"schema"`` field) are read as version 0:
every field they already had is checked the same way, and the fields added with
version 1 (``headline``, ``inputs``) are empty. Runs are the dated record of what was
measured, so an older run stays readable rather than blocking ``pdca advance`` and
``pdca report`` until every stage is rerun; ``StageResults.legacy_note`` says what is
missing and which command fills it in. An unknown schema is refused.

:func:`latest_run` is the rule every reader uses for "the latest successful run of a
stage": the newest run directory (named by its UTC start) whose ``provenance.json``
says ``succeeded``, whether or not the cycle's log lists it.

Light on purpose: no numpy, pandas or scipy (``pdca status`` and ``pdca report``
load it).

>>> results = results_from_dict({
...     "schema": "pdca-results/1", "stage": "baseline", "skipped": {}, "inputs": {},
...     "headline": None, "data": {"tickets": 3, "open": 1},
...     "kpis": {"fcr": {"name": "First contact resolution", "value": 0.5, "n": 2,
...                      "ci": [0.1, 0.9], "unit": "fraction"}}}, source="example")
>>> results.value_of("fcr").value
0.5
>>> results_from_dict({"stage": "baseline", "kpis": {}}, source="old.json")
Traceback (most recent call last):
...
pdcakit.run.resultsfile.ResultsError: old.json: field 'data' is missing; see docs/results.md \
(pdca-results/1), or rerun the stage: pdca run CYCLE STAGE
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.periods import PERIODS
from pdcakit.run.project import STAGES, ProjectPaths, check_cycle_id, check_stage

__all__ = ["SCHEMA", "ChangeRecord", "CompareSummary", "DecisionRecord", "EstimateRecord",
           "FigureRecord", "GainRecord",
           "Headline", "PeriodPoint", "ResultsError", "RunRef", "SampleSize",
           "SegmentChange", "SegmentChanges", "Stability", "StageResults", "Target",
           "TimeView", "WindowsRecord", "latest_run", "latest_runs", "read_provenance",
           "read_results", "results_from_dict"]

#: The results contract this reader follows (docs/results.md).
SCHEMA = "pdca-results/1"


class ResultsError(PdcaError, ValueError):
    """A results.json that does not follow the contract: names the file, the field and the fix."""


def rerun_hint(source: str) -> str:
    """The command that writes a fresh results.json for the run folder ``source`` is in.

    >>> rerun_hint("runs/email-2026/compare/20260701T000000Z/results.json")
    'rerun the stage: pdca run email-2026 compare'
    >>> rerun_hint("somewhere.json")
    'rerun the stage: pdca run CYCLE STAGE'
    """
    parts = Path(source).parts
    if len(parts) >= 5 and parts[-5] == "runs" and parts[-3] in STAGES:
        return f"rerun the stage: pdca run {parts[-4]} {parts[-3]}"
    return "rerun the stage: pdca run CYCLE STAGE"


@dataclass(frozen=True)
class _Node:
    """One JSON object of a results file, with the dotted path used in error messages."""

    source: str
    where: str
    value: Mapping[str, Any]

    def _name(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, problem: str) -> ResultsError:
        return ResultsError(f"{self.source}: field '{self._name(key)}' {problem}; see "
                            f"docs/results.md ({SCHEMA}), or {rerun_hint(self.source)}")

    def has(self, key: str) -> bool:
        return self.value.get(key) is not None

    def _raw(self, key: str, required: bool) -> Any:
        if key not in self.value and required:
            raise self.fail(key, "is missing")
        return self.value.get(key)

    def node(self, key: str, *, required: bool = True, nullable: bool = False) -> _Node | None:
        """The object under ``key`` (None when optional and absent, or null and nullable)."""
        raw = self._raw(key, required)
        if raw is None:
            if required and not nullable:
                raise self.fail(key, "is null; expected an object")
            return None
        if not isinstance(raw, dict):
            raise self.fail(key, f"should be an object, got {type(raw).__name__}")
        return _Node(self.source, self._name(key), raw)

    def nodes(self, key: str, *, required: bool = True) -> dict[str, _Node]:
        """Every object in the mapping under ``key``, by its key."""
        found = self.node(key, required=required)
        if found is None:
            return {}
        return {str(k): found.node(str(k)) for k in found.value}  # type: ignore[misc]

    def items(self, key: str, *, required: bool = True) -> list[_Node]:
        """Every object in the list under ``key``."""
        raw = self._raw(key, required)
        if raw is None and not required:
            return []
        if not isinstance(raw, list):
            raise self.fail(key, f"should be a list, got {type(raw).__name__}")
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                raise self.fail(f"{key}[{i}]", f"should be an object, got {type(item).__name__}")
            out.append(_Node(self.source, f"{self._name(key)}[{i}]", item))
        return out

    def text(self, key: str, *, required: bool = True, nullable: bool = False) -> str | None:
        raw = self._raw(key, required)
        if raw is None:
            if required and not nullable:
                raise self.fail(key, "is null; expected text")
            return None
        if not isinstance(raw, str):
            raise self.fail(key, f"should be text, got {raw!r}")
        return raw

    def number(self, key: str, *, required: bool = True, nullable: bool = False
               ) -> float | None:
        raw = self._raw(key, required)
        if raw is None:
            if required and not nullable:
                raise self.fail(key, "is null; expected a number")
            return None
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.fail(key, f"should be a number, got {raw!r}")
        return float(raw)

    def integer(self, key: str, *, required: bool = True) -> int | None:
        raw = self._raw(key, required)
        if raw is None and not required:
            return None
        if isinstance(raw, bool) or not (isinstance(raw, int) or (
                isinstance(raw, float) and raw.is_integer())):
            raise self.fail(key, f"should be a whole number, got {raw!r}")
        return int(raw)

    def flag(self, key: str, *, required: bool = True, nullable: bool = False) -> bool | None:
        raw = self._raw(key, required)
        if raw is None:
            if required and not nullable:
                raise self.fail(key, "is null; expected true or false")
            return None
        if not isinstance(raw, bool):
            raise self.fail(key, f"should be true or false, got {raw!r}")
        return raw

    def pair(self, key: str, *, required: bool = True, nullable: bool = False
             ) -> tuple[float, float] | None:
        """Two numbers (a null end, an undefined bound, reads as NaN)."""
        raw = self._raw(key, required)
        if raw is None:
            if required and not nullable:
                raise self.fail(key, "is null; expected [low, high]")
            return None
        if not (isinstance(raw, list) and len(raw) == 2 and all(
                v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                for v in raw)):
            raise self.fail(key, f"should be [low, high], got {raw!r}")
        low, high = (math.nan if v is None else float(v) for v in raw)
        return low, high

    def texts(self, key: str, *, required: bool = True) -> dict[str, str]:
        """A mapping of text to text (``skipped``, ``inputs``)."""
        found = self.node(key, required=required)
        if found is None:
            return {}
        out = {}
        for k, v in found.value.items():
            if not isinstance(v, str):
                raise found.fail(str(k), f"should be text, got {v!r}")
            out[str(k)] = v
        return out

    def strings(self, key: str, *, required: bool = True) -> tuple[str, ...]:
        raw = self._raw(key, required)
        if raw is None and not required:
            return ()
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise self.fail(key, f"should be a list of text, got {raw!r}")
        return tuple(raw)


# ------------------------------------------------------------------- typed records
@dataclass(frozen=True)
class EstimateRecord:
    """A KPI value as ``Estimate.as_dict()`` writes it (value None: undefined)."""

    name: str
    value: float | None
    n: int
    ci: tuple[float, float] | None
    unit: str
    method: str = ""
    note: str = ""
    confidence: float = 0.95  # the CI's level

    @classmethod
    def parse(cls, node: _Node) -> EstimateRecord:
        level = node.number("confidence", required=False, nullable=True)
        return cls(name=node.text("name") or "", value=node.number("value", nullable=True),
                   n=node.integer("n") or 0, ci=node.pair("ci", nullable=True),
                   unit=node.text("unit") or "",
                   method=node.text("method", required=False) or "",
                   note=node.text("note", required=False) or "",
                   confidence=0.95 if level is None else level)


@dataclass(frozen=True)
class PeriodPoint:
    """The headline KPI in one period: value (None: no cases), cases, cases still open."""

    period_start: dt.date
    value: float | None
    n: int
    n_open: int


@dataclass(frozen=True)
class Headline:
    """The stage's headline KPI: its estimate (compare: after, with ``before``) and series."""

    kpi: str
    name: str
    unit: str
    period: str
    estimate: EstimateRecord
    before: EstimateRecord | None
    series: tuple[PeriodPoint, ...]

    @classmethod
    def parse(cls, node: _Node, stage: str) -> Headline:
        period = node.text("period") or ""
        if period not in PERIODS:
            raise node.fail("period", f"should be {', '.join(PERIODS)}, got {period!r}")
        before = node.node("before", required=stage == "compare")
        series = tuple(PeriodPoint(period_start=_date(point, "period_start"),
                                   value=point.number("value", nullable=True),
                                   n=point.integer("n") or 0, n_open=point.integer("n_open") or 0)
                       for point in node.items("series"))
        return cls(kpi=node.text("kpi") or "", name=node.text("name") or "",
                   unit=node.text("unit") or "", period=period,
                   estimate=EstimateRecord.parse(node.node("estimate")),  # type: ignore[arg-type]
                   before=None if before is None else EstimateRecord.parse(before),
                   series=series)


@dataclass(frozen=True)
class FigureRecord:
    """Every figure of one KPI for one estimand (compare ``kpis.KEY.figures[]``): before,
    after, change (after - before) and its interval at ``confidence``, the relative change
    and its interval (None: not computed), and whether this estimand decides the verdict."""

    estimand: str
    before: float
    after: float
    change: float
    ci: tuple[float, float]
    relative_change: float
    relative_ci: tuple[float, float] | None
    decides: bool
    confidence: float = 0.95

    @classmethod
    def parse(cls, node: _Node) -> FigureRecord:
        return cls(estimand=node.text("estimand") or "",
                   before=_nan(node.number("before", nullable=True)),
                   after=_nan(node.number("after", nullable=True)),
                   change=_nan(node.number("change", nullable=True)),
                   ci=_nan_pair(node.pair("ci", nullable=True)),
                   relative_change=_nan(node.number("relative_change", nullable=True)),
                   relative_ci=node.pair("relative_ci", nullable=True),
                   decides=bool(node.flag("decides")),
                   confidence=node.number("confidence", required=False) or 0.95)


@dataclass(frozen=True)
class DecisionRecord:
    """The verdict's answer and the interval it rests on (compare ``kpis.KEY.decision``):
    one of improved, worse, no change, not enough data; the interval at ``level`` (wider
    than the figures' own when the p-values were adjusted for several KPIs)."""

    answer: str
    ci: tuple[float, float]
    level: float
    adjusted: bool
    margin: float | None
    margin_source: str

    @classmethod
    def parse(cls, node: _Node) -> DecisionRecord:
        return cls(answer=node.text("answer") or "", ci=_nan_pair(node.pair("ci")),
                   level=node.number("level") or 0.95, adjusted=bool(node.flag("adjusted")),
                   margin=node.number("margin", nullable=True),
                   margin_source=node.text("margin_source") or "")


@dataclass(frozen=True)
class ChangeRecord:
    """One KPI compared before and after (compare ``kpis.KEY``).

    ``figures`` holds one record per estimand shown (runs before it: empty, and
    :attr:`figures_or_legacy` rebuilds the deciding one where its before and after are
    known); ``decision`` the answer with the interval beside it (None in older runs).
    """

    kpi: str
    name: str
    unit: str
    before: EstimateRecord
    after: EstimateRecord
    difference: float
    difference_ci: tuple[float, float]
    pvalue: float | None
    p_adjusted: float | None
    verdict: str
    significant: bool
    target: float | None
    target_met: bool | None
    sentence: str
    effect_size: float | None = None
    effect_size_label: str = ""
    estimand: str = ""  # what the verdict estimates, e.g. "difference in means"
    reference: float | None = None  # the estimand's before value (a % change divides by it)
    period_level: bool = False  # the verdict used a period-level analysis
    figures: tuple[FigureRecord, ...] = ()
    decision: DecisionRecord | None = None
    plain: str = ""  # the first line a manager reads (runs before it: empty)

    @property
    def headline(self) -> str:
        """The verdict in one line for a portfolio or a status: the plain line and the
        answer (older runs: their sentence)."""
        if not self.plain:
            return self.sentence
        words = {"improved": "improved", "worse": "worse", "no change": "no change",
                 "not enough data": "not enough data to tell"}
        return f"{self.plain} Verdict: {words.get(self.verdict, self.verdict)}."

    @property
    def deciding(self) -> FigureRecord | None:
        """The figures of the estimand that decides (None: an older run that did not say
        and whose before and after belong to another estimand)."""
        found = next((f for f in self.figures if f.decides), None)
        if found is not None or self.figures:
            return found
        if self.estimand.startswith(("difference in mean time", "difference in restricted")):
            return None  # before and after are medians there: no figures of one estimand
        return FigureRecord(self.estimand.removeprefix("difference in "), self.before.value
                            if self.before.value is not None else math.nan,
                            self.after.value if self.after.value is not None else math.nan,
                            self.difference, self.difference_ci, math.nan, None, True)

    @property
    def own(self) -> FigureRecord | None:
        """The KPI's own estimand, the one people quote (a duration's median)."""
        return next((f for f in self.figures if not f.decides), None) or self.deciding

    @classmethod
    def parse(cls, key: str, node: _Node) -> ChangeRecord:
        comparison = node.node("comparison", required=False)
        verdict = node.node("verdict_test", required=False, nullable=True)
        decision = node.node("decision", required=False)
        return cls(
            kpi=key, name=node.text("name") or "", unit=node.text("unit") or "",
            before=EstimateRecord.parse(node.node("before")),  # type: ignore[arg-type]
            after=EstimateRecord.parse(node.node("after")),  # type: ignore[arg-type]
            difference=_nan(node.number("difference", nullable=True)),
            difference_ci=node.pair("difference_ci"),  # type: ignore[arg-type]
            pvalue=node.number("pvalue", nullable=True),
            p_adjusted=node.number("p_adjusted", nullable=True),
            verdict=node.text("verdict") or "", significant=bool(node.flag("significant")),
            target=node.number("target", nullable=True),
            target_met=node.flag("target_met", nullable=True),
            sentence=node.text("sentence") or "",
            effect_size=None if comparison is None else comparison.number(
                "effect_size", required=False, nullable=True),
            effect_size_label=("" if comparison is None else
                               comparison.text("effect_size_label", required=False) or ""),
            estimand=node.text("estimand", required=False) or "",
            reference=None if verdict is None else verdict.number(
                "reference", required=False, nullable=True),
            period_level=bool(node.flag("period_level", required=False)),
            figures=tuple(FigureRecord.parse(item)
                          for item in node.items("figures", required=False)),
            decision=None if decision is None else DecisionRecord.parse(decision),
            plain=node.text("plain", required=False) or "",
        )


@dataclass(frozen=True)
class SegmentChange:
    """One segment's row of a compare segment table."""

    segment: str
    before: float
    after: float
    difference: float
    ci: tuple[float, float]
    n_before: int
    n_after: int
    p_adjusted: float | None
    verdict: str


@dataclass(frozen=True)
class SegmentChanges:
    """A KPI compared within each value of one column (compare ``segments.KEY``)."""

    kpi: str
    column: str
    rows: tuple[SegmentChange, ...]
    skipped: Mapping[str, str]

    def row(self, segment: str) -> SegmentChange | None:
        return next((r for r in self.rows if r.segment == segment), None)

    @classmethod
    def parse(cls, key: str, node: _Node) -> SegmentChanges:
        rows = tuple(SegmentChange(
            segment=str(row.text("segment")),
            before=_nan(row.number("before", nullable=True)),
            after=_nan(row.number("after", nullable=True)),
            difference=_nan(row.number("difference", nullable=True)),
            ci=(_nan(row.number("ci_low", nullable=True)),
                _nan(row.number("ci_high", nullable=True))),
            n_before=row.integer("n_before") or 0, n_after=row.integer("n_after") or 0,
            p_adjusted=row.number("p_adjusted", nullable=True),
            verdict=row.text("verdict") or "") for row in node.items("segments"))
        return cls(kpi=key, column=node.text("column") or "", rows=rows,
                   skipped=node.texts("skipped", required=False))


@dataclass(frozen=True)
class WindowsRecord:
    """The before and after windows a run used: start inclusive, end exclusive."""

    before_start: dt.date
    before_end: dt.date
    after_start: dt.date
    after_end: dt.date

    @property
    def before(self) -> list[str]:
        """``[start, end)`` as the record's ``data.before`` holds it."""
        return [self.before_start.isoformat(), self.before_end.isoformat()]

    @property
    def after(self) -> list[str]:
        return [self.after_start.isoformat(), self.after_end.isoformat()]

    @classmethod
    def parse(cls, node: _Node) -> WindowsRecord:
        return cls(*(_date(node, key) for key in
                     ("before_start", "before_end", "after_start", "after_end")))


@dataclass(frozen=True)
class TimeView:
    """A compare phase chart's verdicts (``time_view.KEY``)."""

    kpi: str
    chart: str
    baseline_unstable: bool
    after_signal: bool
    overdispersed: bool
    sentence: str
    assurance: str | None  # NHS assurance verdict against the target, None without one

    @classmethod
    def parse(cls, key: str, node: _Node) -> TimeView:
        assurance = node.node("assurance", required=False)
        return cls(kpi=key, chart=node.text("chart") or "",
                   baseline_unstable=bool(node.flag("baseline_unstable")),
                   after_signal=bool(node.flag("after_signal")),
                   overdispersed=bool(node.flag("overdispersed")),
                   sentence=node.text("sentence") or "",
                   assurance=None if assurance is None else assurance.text("verdict"))


@dataclass(frozen=True)
class Stability:
    """The baseline's stability check of the headline KPI (``stability``)."""

    kpi: str
    any_signal: bool
    sentence: str
    values: tuple[float | None, ...]
    autocorrelation_flagged: bool | None  # None: the run did not store the check
    autocorrelation_sentence: str
    control_chart_sentence: str
    rules_sentence: str | None
    rule_disagreements: tuple[str, ...] | None  # periods the rule sets disagree on

    @classmethod
    def parse(cls, node: _Node) -> Stability:
        run = node.node("run_chart")
        assert run is not None
        values = run._raw("values", True)
        if not isinstance(values, list):
            raise run.fail("values", f"should be a list, got {type(values).__name__}")
        check = run.node("autocorrelation", required=False)
        chart = node.node("control_chart", required=False)
        rules = node.node("rules", required=False)
        disagreements = (None if "rule_disagreements" not in node.value else tuple(
            str(row.value.get("point", "")) for row in node.items("rule_disagreements")))
        return cls(kpi=node.text("kpi") or "", any_signal=bool(run.flag("any_signal")),
                   sentence=run.text("sentence") or "",
                   values=tuple(None if v is None else float(v) for v in values),
                   autocorrelation_flagged=None if check is None else check.flag("flagged"),
                   autocorrelation_sentence="" if check is None else check.text("sentence")
                   or "",
                   control_chart_sentence="" if chart is None else chart.text("sentence") or "",
                   rules_sentence=None if rules is None else rules.text("sentence"),
                   rule_disagreements=disagreements)


@dataclass(frozen=True)
class Target:
    """The baseline's headline target and whether the baseline already meets it."""

    kpi: str
    value: float | None
    direction: str
    met: bool | None

    @classmethod
    def parse(cls, node: _Node) -> Target:
        return cls(kpi=node.text("kpi") or "", value=node.number("value", nullable=True),
                   direction=node.text("direction") or "", met=node.flag("met", nullable=True))


@dataclass(frozen=True)
class SampleSize:
    """Cases the Check stage needs per side to detect the target (``sample_size``)."""

    n_per_group: int
    periods_needed: int
    period: str
    sentence: str

    @classmethod
    def parse(cls, node: _Node) -> SampleSize:
        return cls(n_per_group=node.integer("n_per_group") or 0,
                   periods_needed=node.integer("periods_needed") or 0,
                   period=node.text("period") or "", sentence=node.text("sentence") or "")


@dataclass(frozen=True)
class CompareSummary:
    """KPI names by verdict (compare ``summary``)."""

    improved: tuple[str, ...]
    worsened: tuple[str, ...]
    unchanged: tuple[str, ...]
    unstable_baseline: tuple[str, ...]
    not_enough_data: tuple[str, ...] = ()

    @classmethod
    def parse(cls, node: _Node) -> CompareSummary:
        return cls(*(node.strings(key) for key in
                     ("improved", "worsened", "unchanged", "unstable_baseline")),
                   not_enough_data=node.strings("not_enough_data", required=False))


@dataclass(frozen=True)
class GainRecord:
    """An efficiency gain of one time measure (efficiency ``gains.KEY``)."""

    key: str
    name: str
    gain: float
    gain_ci: tuple[float, float]
    sentence: str

    @classmethod
    def parse(cls, key: str, node: _Node) -> GainRecord:
        return cls(key=key, name=node.text("name") or "",
                   gain=_nan(node.number("gain", nullable=True)),
                   gain_ci=node.pair("gain_ci"),  # type: ignore[arg-type]
                   sentence=node.text("sentence") or "")


@dataclass(frozen=True)
class StageResults:
    """One run's results.json, checked against the contract (see the module docstring).

    ``estimates`` are the baseline's KPIs, ``changes`` the compare run's; sections a
    stage does not write, or skipped, are empty or None. ``raw`` keeps the file's
    content for what no reader uses yet (it is not part of the contract's checks).
    """

    source: str
    stage: str
    schema: str | None
    headline: Headline | None
    skipped: Mapping[str, str]
    inputs: Mapping[str, str]
    window: tuple[dt.date | None, dt.date | None] | None = None  # baseline; None: no bound
    windows: WindowsRecord | None = None  # compare, efficiency
    estimates: Mapping[str, EstimateRecord] = field(default_factory=dict)
    changes: Mapping[str, ChangeRecord] = field(default_factory=dict)
    stability: Stability | None = None
    target: Target | None = None
    sample_size: SampleSize | None = None
    time_view: Mapping[str, TimeView] = field(default_factory=dict)
    segment_changes: Mapping[str, SegmentChanges] = field(default_factory=dict)
    compare_summary: CompareSummary | None = None
    #: compare: KPI key -> (NHS variation icon, its symbol), for every KPI compared
    over_time: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    gains: Mapping[str, GainRecord] = field(default_factory=dict)
    steps_sentence: str | None = None
    summary: str = ""  # efficiency's summary sentence
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> int:
        """1 for ``pdca-results/1``; 0 for a file written before the contract."""
        return 0 if self.schema is None else 1

    @property
    def legacy_note(self) -> str:
        """What a file from before the contract lacks, and the command that fills it in."""
        if self.schema is not None:
            return ""
        return (f"{self.source} was written before the results contract {SCHEMA}: it has no "
                f"headline series and no list of input files; {rerun_hint(self.source)}")

    def value_of(self, kpi: str) -> EstimateRecord | None:
        """What this run measured for ``kpi``: the baseline's estimate, or the compare
        run's after value (None when the run did not measure it)."""
        if kpi in self.estimates:
            return self.estimates[kpi]
        if kpi in self.changes:
            return self.changes[kpi].after
        if self.headline is not None and self.headline.kpi == kpi:
            return self.headline.estimate
        return None

    def headline_value(self, kpi: str | None = None) -> tuple[str, EstimateRecord] | None:
        """(KPI key, estimate) of the headline (or of ``kpi`` when given): the file's
        ``headline``, else ``kpis[kpi]`` (files from before the contract).

        >>> empty = StageResults(source="x", stage="baseline", schema=None, headline=None,
        ...                      skipped={}, inputs={})
        >>> empty.headline_value("fcr") is None
        True
        """
        if self.headline is not None and kpi in (None, "", self.headline.kpi):
            return self.headline.kpi, self.headline.estimate
        if not kpi and self.stability is not None:
            kpi = self.stability.kpi
        found = self.value_of(kpi) if kpi else None
        return None if found is None else (str(kpi), found)


def _date(node: _Node, key: str, *, blank: bool = False) -> dt.date:
    """The date under ``key``; with ``blank``, "" or null reads as None (no bound)."""
    text = node.text(key, nullable=blank) or ""
    if blank and not text:
        return None  # type: ignore[return-value]
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise node.fail(key, f"should be a date YYYY-MM-DD, got {text!r}") from None


def _nan(value: float | None) -> float:
    return math.nan if value is None else value


def _nan_pair(pair: tuple[float | None, float | None] | None) -> tuple[float, float]:
    low, high = pair if pair is not None else (None, None)
    return (_nan(low), _nan(high))


# ------------------------------------------------------------------- reading
def results_from_dict(data: Any, *, source: str, stage: str | None = None) -> StageResults:
    """Check ``data`` (a results.json's content) against the contract and type it.

    ``source`` names the file in error messages; ``stage``, when given, must match.
    """
    if not isinstance(data, dict):
        raise ResultsError(f"{source}: a results file must be a JSON object, got "
                           f"{type(data).__name__}; {rerun_hint(source)}")
    top = _Node(source, "", data)
    schema = top.text("schema", required=False)
    if schema is not None and schema != SCHEMA:
        raise ResultsError(f"{source}: written with results schema {schema!r}, which this "
                           f"pdcakit does not read (it reads {SCHEMA}, or files without a "
                           f"schema from before it): upgrade pdcakit, or {rerun_hint(source)}")
    found = top.text("stage") or ""
    if found not in STAGES:
        raise top.fail("stage", f"is {found!r}; expected one of {', '.join(STAGES)}")
    if stage is not None and found != stage:
        raise top.fail("stage", f"is {found!r}, but the file is a {stage} run's")
    current = schema is not None
    skipped = top.texts("skipped", required=current)
    # No headline only when the run says why (its stability section names the KPI that
    # could not be computed) or had nothing to take one from (an efficiency run on the
    # step table alone): a renamed "headline" still fails here.
    explained = bool(_HEADLINE_SKIPS.intersection(skipped)) or (
        found == "efficiency" and not data.get("gains"))
    headline = top.node("headline", nullable=True, required=current and not explained)
    common: dict[str, Any] = {
        "source": source, "stage": found, "schema": schema, "raw": data,
        "headline": None if headline is None else Headline.parse(headline, found),
        "skipped": skipped, "inputs": top.texts("inputs", required=current),
    }
    return StageResults(**common, **_STAGE_PARSERS[found](top))


def _baseline(top: _Node) -> dict[str, Any]:
    top.node("data")
    window = top.node("window", required=False)
    stability = top.node("stability", required=False)
    target = top.node("target", required=False)
    plan = top.node("sample_size", required=False)
    return {
        "window": None if window is None else (_date(window, "start", blank=True),
                                               _date(window, "end", blank=True)),
        "estimates": {k: EstimateRecord.parse(n) for k, n in top.nodes("kpis").items()},
        "stability": None if stability is None else Stability.parse(stability),
        "target": None if target is None else Target.parse(target),
        "sample_size": None if plan is None else SampleSize.parse(plan),
    }


def _compare(top: _Node) -> dict[str, Any]:
    top.node("data")
    summary = top.node("summary", required=False)
    return {
        "windows": WindowsRecord.parse(top.node("windows")),  # type: ignore[arg-type]
        "changes": {k: ChangeRecord.parse(k, n) for k, n in top.nodes("kpis").items()},
        "time_view": {k: TimeView.parse(k, n)
                      for k, n in top.nodes("time_view", required=False).items()},
        "segment_changes": {k: SegmentChanges.parse(k, n)
                            for k, n in top.nodes("segments", required=False).items()},
        "compare_summary": None if summary is None else CompareSummary.parse(summary),
        "over_time": {k: (n.node("variation").text("icon") or "",
                          n.node("variation").text("symbol") or "")
                      for k, n in top.nodes("over_time", required=False).items()},
    }


def _efficiency(top: _Node) -> dict[str, Any]:
    top.node("data", nullable=True)
    steps = top.node("steps", required=False, nullable=True)
    return {
        "windows": WindowsRecord.parse(top.node("windows")),  # type: ignore[arg-type]
        "gains": {k: GainRecord.parse(k, n) for k, n in top.nodes("gains").items()},
        "steps_sentence": None if steps is None else steps.text("sentence"),
        "summary": top.text("summary") or "",
    }


#: Keys of ``skipped`` that explain a missing headline.
_HEADLINE_SKIPS = frozenset({"headline", "stability"})

_STAGE_PARSERS = {"baseline": _baseline, "compare": _compare, "efficiency": _efficiency}


def read_results(path: str | Path, stage: str | None = None) -> StageResults:
    """Read and check one results.json (:class:`ResultsError` names the file and field)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"{path}: no results file (the notebook did not write it); "
                           f"{rerun_hint(str(path))}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{path}: not valid JSON ({exc}); {rerun_hint(str(path))}") \
            from None
    return results_from_dict(data, source=str(path), stage=stage)


# ------------------------------------------------------------------- which run
@dataclass(frozen=True)
class RunRef:
    """A stage's run directory, its provenance and (unless not asked for) its results."""

    cycle: str
    stage: str
    run_dir: Path
    status: str
    provenance: Mapping[str, Any] = field(repr=False)
    results: StageResults | None = None

    @property
    def name(self) -> str:
        """The run's UTC start stamp (its directory name)."""
        return self.run_dir.name

    @property
    def parameters(self) -> Mapping[str, Any]:
        """The parameters the run ran with, as its provenance recorded them."""
        found = self.provenance.get("parameters")
        return found if isinstance(found, dict) else {}

    @property
    def duration_seconds(self) -> float | None:
        found = self.provenance.get("duration_seconds")
        return float(found) if isinstance(found, int | float) and found else None


_STAMP = re.compile(r"^(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<n>\d+))?$")


def _run_order(name: str) -> tuple[str, int]:
    """Sort key of a run directory: its UTC stamp, then the same-second suffix (-2, -10).

    >>> sorted(["20260101T000000Z-10", "20260101T000000Z-2", "20260101T000000Z"],
    ...        key=_run_order)[-1]
    '20260101T000000Z-10'
    """
    match = _STAMP.match(name)
    if match is None:
        return name, 0
    return match["stamp"], int(match["n"] or 1)


def read_provenance(run_dir: Path) -> dict[str, Any] | None:
    """A run directory's ``provenance.json`` as a mapping; None when it is missing,
    unreadable, not JSON, or JSON that is not a mapping (``null``, a list): such a run
    counts as no run, for every reader (status, moves, housekeeping).

    >>> import tempfile, pathlib
    >>> run_dir = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (run_dir / "provenance.json").write_text("null")
    >>> read_provenance(run_dir) is None
    True
    """
    try:
        found = json.loads((run_dir / "provenance.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None




def latest_run(paths: ProjectPaths, cycle_id: str, stage: str, *, read: bool = True
               ) -> RunRef | None:
    """The newest run of ``stage`` whose provenance says ``succeeded`` (None: none yet).

    Run directories are named by their UTC start, so the newest sorts last; runs made
    outside ``pdca run`` (not in the cycle's log) count the same. ``read=False`` skips
    reading results.json (e.g. for the run's duration only). A succeeded run whose
    results.json is missing or breaks the contract raises :class:`ResultsError`.
    """
    folder = paths.runs / check_cycle_id(cycle_id) / check_stage(stage)
    if not folder.is_dir():
        return None
    candidates = [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")]
    for run_dir in sorted(candidates, key=lambda d: _run_order(d.name), reverse=True):
        provenance = read_provenance(run_dir)
        if provenance is None or provenance.get("status") != "succeeded":
            continue
        results = read_results(run_dir / "results.json", stage) if read else None
        return RunRef(cycle=cycle_id, stage=stage, run_dir=run_dir, status="succeeded",
                      provenance=provenance, results=results)
    return None


def latest_runs(paths: ProjectPaths, cycle_id: str) -> dict[str, RunRef]:
    """:func:`latest_run` of every stage that has a successful run, in PDCA order."""
    found = {stage: latest_run(paths, cycle_id, stage) for stage in STAGES}
    return {stage: run for stage, run in found.items() if run is not None}
