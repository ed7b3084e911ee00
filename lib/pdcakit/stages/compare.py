"""The Check stage's choices: before/after windows, one comparison per KPI, verdicts.

The compare notebook calls these so that it holds prose and display only.
For each KPI, the tickets of the before window are compared with those of the
after window by the test :func:`pdcakit.stats.compare` chooses; p-values are
adjusted across the KPI family (Holm by default); the verdict says whether the
KPI improved, worsened or did not change detectably, whether the target is met,
and whether the sample could have detected the change the team aimed for
(minimum detectable effect at the ``power`` asked for, at the level the family
adjustment's first step uses; not "post-hoc power", which only restates the
p-value). Each verdict is about one estimand (:class:`Verdict`), and period-aware:
when the periods vary more than chance, the period-level test carries it.

The windows and settings are in :mod:`pdcakit.stages.windows`, the time view in
:mod:`pdcakit.stages.timeview`, the mix adjustment's statistics in
:mod:`pdcakit.stats.stratified`.

>>> kpi_test_kind("fcr"), kpi_test_kind("csat_mean"), kpi_test_kind("aht")
('proportion', 'ordinal', 'continuous')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from pdcakit import metrics, stats
from pdcakit.fileio import plain
from pdcakit.kpis import kpi_name
from pdcakit.results import (
    Estimate,
    duration_unit,
    format_level,
    format_signed,
    format_value,
    reading_scale,
)
from pdcakit.stages.display import plain_text
from pdcakit.stages.segments import split_segments
from pdcakit.stages.windows import MULTIPLICITY, CompareSettings
from pdcakit.stats.stratified import MixCheck, stratified_change, stratified_rmst_change
from pdcakit.words import N_, Words
from pdcakit.words import words as words_for

__all__ = ["ChangeTable", "KpiChange", "SegmentChanges", "Verdict", "adjust_family", "compare_kpi",
           "compare_kpis",
           "kpi_test_kind", "mix_check", "reading_scale", "segment_changes", "survival_curves"]

MIN_PER_WINDOW = 2

#: The wording of a sentence built before the reader's language is known (the default).
ENGLISH = Words()


#: How each KPI kind in the registry is compared (see pdcakit.stats.choose.RULES).
_TEST_KIND = {"proportion": "proportion", "duration": "duration", "mean": "continuous"}


_KIND_OVERRIDES = {"complaint_rate": "rate", "csat_mean": "ordinal", "nps": "nps"}


@dataclass(frozen=True)
class Verdict:
    """The one estimand a KPI's verdict is about, and the test that carries it.

    ``estimate`` and ``ci`` are after - before of ``estimand``; ``pvalue`` is the raw
    p-value of ``test`` (the one the family adjustment uses); ``reference`` is the
    estimand's before value (for the relative change); ``why`` says which analysis ran
    and why, in one plain sentence.

    >>> v = Verdict("difference in means", "Welch t test", -1.5, (-2.5, -0.5), 0.003, 10.0,
    ...             "Welch's t test on the tickets.")
    >>> v.sign, v.period_level
    (-1, False)
    """

    estimand: str
    test: str
    estimate: float
    ci: tuple[float, float]
    pvalue: float
    reference: float
    why: str
    period_level: bool = False
    effect_size: float | None = None
    effect_size_label: str = ""

    @property
    def sign(self) -> int:
        return 1 if self.estimate > 0 else -1 if self.estimate < 0 else 0

    def as_dict(self) -> dict[str, Any]:
        return {"estimand": self.estimand, "test": self.test, "estimate": self.estimate,
                "ci": list(self.ci), "pvalue": self.pvalue,
                "reference": plain(self.reference), "why": self.why,
                "period_level": self.period_level, "effect_size": self.effect_size,
                "effect_size_label": self.effect_size_label}


@dataclass(frozen=True)
class Figures:
    """Every figure of one KPI for one estimand: before, after, change and its interval.

    ``estimand`` names it in plain words ("median", "mean", "share", "rate per 100
    tickets", "NPS", "mean time up to 23.9 days"); ``change`` is after - before and ``ci``
    its interval at ``confidence`` (not adjusted for testing several KPIs: the interval
    beside an adjusted decision is :attr:`KpiChange.decision`'s); ``relative_ci`` the
    interval of ``after / before - 1`` where one is computed from the data (None: not
    computed, the relative change is shown without one). ``decides``: this estimand
    carries the verdict.

    >>> f = Figures("mean", 13.1, 12.6, -0.5, (-0.8, -0.2), decides=True)
    >>> round(f.relative, 4), f.as_dict()["estimand"]
    (-0.0382, 'mean')
    """

    estimand: str
    before: float
    after: float
    change: float
    ci: tuple[float, float]
    relative_ci: tuple[float, float] | None = None
    decides: bool = False
    confidence: float = 0.95

    @property
    def relative(self) -> float:
        """The change relative to the size of the before value (NaN: before is 0)."""
        if not self.before or not math.isfinite(self.before):
            return math.nan
        return self.change / abs(self.before)

    def as_dict(self) -> dict[str, Any]:
        return {"estimand": self.estimand, "before": plain(self.before),
                "after": plain(self.after), "change": plain(self.change),
                "ci": [plain(v) for v in self.ci], "relative_change": plain(self.relative),
                "relative_ci": (None if self.relative_ci is None
                                else [plain(v) for v in self.relative_ci]),
                "confidence": self.confidence, "decides": self.decides}


@dataclass(frozen=True)
class CheckItem:
    """One line of a verdict's check list (Minitab Assistant's report card style):
    ``status`` is "pass", "warning" or "information"."""

    check: str
    status: str
    sentence: str

    def as_dict(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status, "sentence": self.sentence}


#: Without a target, the smallest change that matters: this share of the before value of
#: the deciding estimand (10%: a change a service team would act on). "No change" needs
#: the whole interval within it; a wider interval that includes no change is "not enough
#: data to tell".
SMALLEST_CHANGE = 0.10

#: The words a reader sees for each answer, first in a verdict line.
ANSWER_WORDS = {"improved": N_("Improved"), "worse": N_("Worse"), "no change": N_("No change"),
                "not enough data": N_("Not enough data to tell")}


@dataclass(frozen=True)
class KpiChange:
    """One KPI before and after: its figures by estimand, the verdict's test and answer.

    ``before`` and ``after`` are the KPI's own values (medians for durations, means for
    handle time, shares for rates): :attr:`own`'s. ``figures`` holds one :class:`Figures`
    per estimand shown: the one that decides (:attr:`deciding`; ``difference`` and
    ``difference_ci`` are its change and interval) and, when another estimand decides
    (durations: the restricted mean time), the KPI's own one, the figure people quote
    (:attr:`quoted`). ``comparison`` is the ticket-level test; ``period_test`` the
    period-level one (None: not possible, ``period_note`` says why); ``robustness`` a line
    from a test that prefers another estimand, shown beside the verdict and never used for
    it; ``shape`` the duration-shape check. :attr:`decision` gives one of four answers
    from the adjusted p-value and the interval at the matching level
    (:func:`pdcakit.stats.decide`).
    """

    key: str
    name: str
    unit: str
    higher_is_better: bool
    before: Estimate
    after: Estimate
    comparison: stats.Comparison
    difference: float
    difference_ci: tuple[float, float]
    mde: float | None
    target: float | None = None
    p_adjusted: float | None = None
    multiplicity: str = "holm"
    alpha: float = 0.05
    segment: str = ""
    verdict: Verdict | None = None
    period_test: stats.PeriodComparison | None = None
    period_note: str = ""
    robustness: str = ""
    shape: stats.DurationShape | None = None
    power: float = 0.8
    mde_alpha: float | None = None
    design_effect: float = 1.0
    follow_up: str = ""
    reading_unit: str | None = None
    figures: tuple[Figures, ...] = ()
    family_size: int = 1
    open_shares: tuple[float, float] | None = None
    data_notes: tuple[str, ...] = ()  # what the figures include that a reader must know
    language: str = "en"  # the reader's language (pdcakit.words): verdict words and numbers

    @property
    def confidence(self) -> float:
        return 1 - self.alpha

    # ------------------------------------------------------------ estimands
    @property
    def deciding(self) -> Figures:
        """The figures of the estimand that carries the verdict."""
        for figures in self.figures:
            if figures.decides:
                return figures
        return Figures(self.estimand, self.before.value, self.after.value, self.difference,
                       self.difference_ci, decides=True, confidence=self.confidence)

    @property
    def quoted(self) -> Figures | None:
        """The KPI's own estimand (what people quote) when another one decides."""
        return next((f for f in self.figures if not f.decides), None)

    @property
    def own(self) -> Figures:
        """The figures of the KPI's own estimand: the quoted one, else the deciding one."""
        return self.quoted or self.deciding

    @property
    def raw_pvalue(self) -> float:
        """The verdict test's p-value before the family adjustment."""
        return self.comparison.pvalue if self.verdict is None else self.verdict.pvalue

    @property
    def p_final(self) -> float:
        return self.raw_pvalue if self.p_adjusted is None else self.p_adjusted

    # ------------------------------------------------------------ the decision
    @property
    def margin(self) -> tuple[float | None, str]:
        """The smallest change that matters on the deciding estimand's scale, and where
        it comes from: "target" (the change the target asks of the KPI's own estimand,
        carried to the deciding one in proportion), else "default" (a change of
        :data:`SMALLEST_CHANGE` of the before value), or "" (neither can be had: the
        before value is 0)."""
        own, deciding = self.own, self.deciding
        if self.target is not None and math.isfinite(own.before):
            wanted = abs(self.target - own.before)
            if deciding is not own:
                wanted = (wanted / abs(own.before) * abs(deciding.before)
                          if own.before and math.isfinite(deciding.before) else math.nan)
            if math.isfinite(wanted) and wanted > 0:
                return float(wanted), "target"
        size = SMALLEST_CHANGE * abs(deciding.before)
        if math.isfinite(size) and size > 0:
            return float(size), "default"
        return None, ""

    @property
    def decision(self) -> stats.Decision:
        """One of four answers, with the interval it rests on (at the adjusted level)."""
        figures = self.deciding
        return stats.decide(figures.change, figures.ci, pvalue=self.raw_pvalue,
                            p_adjusted=self.p_adjusted if self.multiplicity != "none" else None,
                            alpha=self.alpha, higher_is_better=self.higher_is_better,
                            margin=self.margin[0])

    @property
    def significant(self) -> bool:
        return self.decision.significant

    @property
    def direction(self) -> str:
        """'improved', 'worse', 'no change' or 'not enough data' (after adjustment)."""
        return self.decision.answer

    @property
    def relative_change(self) -> float:
        """The deciding estimand's change relative to the size of its before value (so a
        negative NPS before still gives the sign of the change)."""
        return self.deciding.relative

    @property
    def effect_sign(self) -> int:
        """+1 or -1: the sign of the verdict's own estimate (0: no change at all)."""
        if self.verdict is not None:
            return self.verdict.sign
        sign = self.comparison.extra.get("effect_sign")
        return int(sign) if sign in (1, -1) else (1 if self.difference > 0 else -1)

    @property
    def target_met(self) -> bool | None:
        """Whether the after value of the KPI's own estimand (the median of a duration,
        the share of a rate, the mean of a mean) is on the good side of the target, or on
        it (None: no target). The one rule for "target met" on every page."""
        if self.target is None or not math.isfinite(self.own.after):
            return None
        return bool(self.own.after >= self.target if self.higher_is_better
                    else self.own.after <= self.target)

    @property
    def large_enough(self) -> bool | None:
        """Could these sample sizes detect the change the target asks for (at ``power``,
        at the level the verdict uses after the family adjustment)?"""
        margin, source = self.margin
        if source != "target" or self.mde is None or not math.isfinite(self.mde):
            return None
        return bool(self.mde <= margin)

    # ------------------------------------------------------------ units and numbers
    @property
    def scale(self) -> str | None:
        """Durations: the one unit (minutes, hours or days) that before, after, change, CI
        and target read in, the one every page uses for this KPI
        (:func:`pdcakit.results.reading_scale`: the before value's unit; None: not a
        duration)."""
        return self.reading_unit or reading_scale(self.unit, self.before.value,
                                                  self.after.value)

    @property
    def in_hours(self) -> bool | None:
        """Durations read in hours or days (not minutes); None: not a duration."""
        return None if self.scale is None else self.scale != "minutes"

    @property
    def words(self) -> Words:
        """The wording of this verdict's language (:mod:`pdcakit.words`)."""
        return words_for(self.language)

    def fmt(self, value: float) -> str:
        return self.words.value(value, self.unit, scale=self.scale)

    def fmt_difference(self, value: float) -> str:
        w = self.words
        if not math.isfinite(value):
            return w._("n/a")
        if self.unit == "fraction":
            return w._("{number} points", number=w.number(100 * value, 1, sign=True))
        text = format_value(abs(value), self.unit, scale=self.scale)
        number = text.split(" ", 1)[0].replace(",", "")
        zero = number.replace("0", "").replace(".", "") == ""
        return w.localise(text if zero else ("+" if value >= 0 else "-") + text)

    def _interval(self, ci: tuple[float, float]) -> str:
        """An interval of a change, one unit inside it: "-0.8 to -0.2 minutes"."""
        w = self.words
        low, high = ci
        if not (math.isfinite(low) and math.isfinite(high)):
            return w._("not estimable")
        if self.unit == "fraction":
            return w._("{low} to {high} points", low=w.number(100 * low, 1, sign=True),
                       high=w.number(100 * high, 1, sign=True))
        first, second = self.fmt_difference(low), self.fmt_difference(high)
        unit_word = second.split(" ", 1)[1] if " " in second else ""
        if unit_word and first.endswith(" " + unit_word):
            first = first[: -len(unit_word) - 1]
        return w._("{low} to {high}", low=first, high=second)

    def _ci_words(self, confidence: float | None = None) -> str:
        """ "95% CI" in the language."""
        level = self.confidence if confidence is None else confidence
        return self.words._("{level} CI", level=f"{level:.0%}")

    def _change(self, value: float, ci: tuple[float, float],
                label: str | None = None) -> str:
        w = self.words
        level = label or self._ci_words()
        if not all(math.isfinite(v) for v in ci):
            return w._("{change}, {level} not estimable", change=self.fmt_difference(value),
                       level=level)
        return w._("{change}, {level} {interval}", change=self.fmt_difference(value),
                   level=level, interval=self._interval(ci))

    @property
    def _family_words(self) -> str:
        """How many KPIs (or segments) were tested together: "9 KPIs"."""
        w, count = self.words, self.family_size
        return (w.ngettext("{count} segment", "{count} segments", count) if self.segment
                else w.ngettext("{count} KPI", "{count} KPIs", count))

    @property
    def interval_label(self) -> str:
        """What the interval beside the verdict is: its level, and the adjustment."""
        decision = self.decision
        if not decision.adjusted:
            return self._ci_words()
        return self.words._("{level} CI, widened for testing {family} ({method})",
                            level=format_level(decision.level), family=self._family_words,
                            method=MULTIPLICITY[self.multiplicity])

    # ------------------------------------------------------------ words
    def estimand_words(self, text: str) -> str:
        """An estimand's name in the verdict's language (:meth:`pdcakit.words.Words.estimand`),
        the period-level one of a duration ("difference in mean time up to 23.9 days")
        too."""
        w = self.words
        horizon = text.removeprefix("difference in mean time up to ")
        if horizon != text and not w.english:
            return w._("difference in mean time up to {horizon}", horizon=w.localise(horizon))
        return w.estimand(text)

    @property
    def estimand(self) -> str:
        return (self.comparison.estimate_label if self.verdict is None
                else self.verdict.estimand)

    @property
    def test(self) -> str:
        """The name of the test that carries the verdict (the period-level one when the
        periods vary more than chance). The statistics modules name their tests in
        English; the words shown pass a name through the catalogue, so a name marked
        there (``N_``) reads in the page's language."""
        return self.comparison.test if self.verdict is None else self.verdict.test

    @property
    def test_reason(self) -> str:
        """Why that test, in plain sentences: the verdict's own reason, else the choice
        rules' reason."""
        if self.verdict is not None:
            return self.verdict.why
        return self.comparison.reason.removeprefix("Why this test: ")

    @property
    def adjusted_words(self) -> str:
        return (f"{MULTIPLICITY[self.multiplicity]}-adjusted "
                if self.p_adjusted is not None and self.multiplicity != "none" else "")

    @property
    def answer_word(self) -> str:
        """The answer as a reader sees it: "Improved", "改善"."""
        return self.words._(ANSWER_WORDS[self.decision.answer])

    @property
    def plain_line(self) -> str:
        """The first line a manager reads: the KPI's own estimand before and after and the
        change with its interval, e.g. "Time to resolve fell from 4.0 days to 0.22 days
        (median), a fall of 94% (95% CI 93% to 95%)."."""
        w, own = self.words, self.own
        before, after = self.fmt(own.before), self.fmt(own.after)
        estimand = self.estimand_words(own.estimand)
        sides = {"before": own.before, "after": own.after}
        side_words = {"before": w._("before"), "after": w._("after")}
        missing = [side_words[side] for side, value in sides.items() if not math.isfinite(value)]
        if missing:
            known = next((w._("; {side} it is {value}", side=side_words[side],
                              value=self.fmt(value))
                          for side, value in sides.items() if math.isfinite(value)), "")
            why = (w._(" (over half of the cases are still open)") if self.unit == "minutes"
                   and own.estimand == "median" else "")
            return w._("{name}: the {estimand} {sides} cannot be measured{why}{known}.",
                       name=self.name, estimand=estimand, sides=w._(" and ").join(missing),
                       why=why, known=known)
        stayed = before == after
        if stayed:
            text = w._("{name} stayed at {before} ({estimand})", name=self.name,
                       before=before, estimand=estimand)
        elif own.change < 0:
            text = w._("{name} fell from {before} to {after} ({estimand})", name=self.name,
                       before=before, after=after, estimand=estimand)
        else:
            text = w._("{name} rose from {before} to {after} ({estimand})", name=self.name,
                       before=before, after=after, estimand=estimand)
        beside = own.decides
        label = self.interval_label if beside else self._ci_words()
        ci = self.decision.ci if beside else own.ci
        level = f"{self.confidence:.0%}"
        if self.unit == "minutes" and math.isfinite(own.relative) and not stayed:
            share = w.percent(abs(own.relative))
            text += (w._(", a fall of {share}", share=share) if own.change < 0
                     else w._(", a rise of {share}", share=share))
            rel = own.relative_ci
            if rel is not None and all(math.isfinite(v) for v in rel):
                low, high = sorted(abs(v) if own.change < 0 else v for v in rel)
                if own.change < 0 and (rel[0] < 0 < rel[1]):
                    text += w._(" ({level} CI from a fall of {fall} to a rise of {rise})",
                                level=level, fall=w.percent(-rel[0]), rise=w.percent(rel[1]))
                elif own.change < 0:
                    text += w._(" ({level} CI {low} to {high})", level=level,
                                low=w.percent(low), high=w.percent(high))
                else:
                    text += w._(" ({level} CI {low} to {high})", level=level,
                                low=w.percent(rel[0], sign=True),
                                high=w.percent(rel[1], sign=True))
            change = (self._change(own.change, ci, label) if beside
                      else self.fmt_difference(own.change))
            text += w._("; {change}", change=change)
        elif not stayed:
            text += w._(", {change}", change=self._change(own.change, ci, label))
        else:
            text += w._(" ({label} of the change {interval})", label=label,
                        interval=self._interval(ci))
        if self.data_notes and self.open_shares is not None:
            note = self.data_notes[0]
            text += w._(" (these figures include {note})",
                        note=f"{note[:1].lower()}{note[1:].rstrip('.')}")
        return text + w._(".")

    @property
    def answer_line(self) -> str:
        """The verdict in plain words, with the estimand that decides it and why."""
        w = self.words
        decision, deciding = self.decision, self.deciding
        interval = self._interval(decision.ci)
        label = self.interval_label
        word = f"**{self.answer_word}**"
        if self.quoted is not None:
            basis = w._(" Judged on the {estimand}: {before} before, {after} after, {change} "
                        "({label} {interval}). The {estimand} decides because it counts every "
                        "ticket, those still open too, and has one direction whatever the "
                        "shape of the times; the {quoted} is what people quote.",
                        estimand=self.estimand_words(deciding.estimand),
                        before=self.fmt(deciding.before), after=self.fmt(deciding.after),
                        change=self.fmt_difference(deciding.change), label=label,
                        interval=interval, quoted=self.estimand_words(self.own.estimand))
        else:
            basis = ""
        margin, source = self.margin
        size = "" if margin is None else self.fmt_difference(margin).lstrip("+")
        margin_words = ("" if margin is None else
                        w._("{size}, the change the target asks for", size=size)
                        if source == "target" else
                        w._("{size}, {share} of the before value, the smallest change taken "
                            "to matter when no target is given", size=size,
                            share=f"{SMALLEST_CHANGE:.0%}"))
        if decision.answer == "improved":
            why = w._("{word}: the whole interval lies on the better side of no change.",
                      word=word)
        elif decision.answer == "worse":
            why = w._("{word}: the whole interval lies on the worse side of no change.",
                      word=word)
        elif decision.answer == "no change":
            why = w._("{word}: the whole interval ({interval}) lies within plus or minus "
                      "{margin}.", word=word, interval=interval, margin=margin_words)
        elif decision.disagree:
            why = w._("{word}: the test is just under the level but its interval ({interval}) "
                      "still includes no change; treat it as borderline.", word=word,
                      interval=interval)
        elif margin is None:
            why = w._("{word}: the interval ({interval}) includes no change.", word=word,
                      interval=interval)
        else:
            why = w._("{word}: the interval ({interval}) includes no change, but also changes "
                      "larger than {margin}.", word=word, interval=interval,
                      margin=margin_words)
        return why + basis + self._target_words

    @property
    def _target_words(self) -> str:
        """The target sentence after the answer ("" without a target)."""
        if self.target is None:
            return ""
        w, met = self.words, self.target_met
        target, estimand = self.fmt(self.target), self.estimand_words(self.own.estimand)
        if met is None:
            return w._(" Target {target}: cannot be judged yet (the after {estimand} cannot be "
                       "measured).", target=target, estimand=estimand)
        side = ((w._("at or above") if self.higher_is_better else w._("at or below")) if met
                else (w._("below") if self.higher_is_better else w._("above")))
        return w._(" Target {target}: {status} (the after {estimand}, {after}, is {side} it).",
                   target=target, status=w._("met") if met else w._("not met"),
                   estimand=estimand, after=self.fmt(self.own.after), side=side)

    @property
    def how_we_know(self) -> tuple[str, ...]:
        """The technical detail beneath the verdict, one plain sentence each."""
        w = self.words
        lines = [w._("Test: {test}. {reason}", test=w._(self.test),
                     reason=self.test_reason).strip()]
        p = stats.format_p(self.raw_pvalue)
        adjusted = (w._("; adjusted for testing {family} at once ({method}), {p}",
                        family=self._family_words, method=MULTIPLICITY[self.multiplicity],
                        p=stats.format_p(self.p_final))
                    if self.adjusted_words else "")
        deciding = self.deciding
        lines.append(w._("{p}{adjusted}. The interval beside the verdict is the {label}; the "
                         "unadjusted {level} CI is {interval}.", p=p, adjusted=adjusted,
                         label=self.interval_label, level=f"{self.confidence:.0%}",
                         interval=self._interval(deciding.ci)))
        if self.follow_up:
            lines.append(self.follow_up)
        if self.shape is not None:
            lines.append(self.shape_sentence)
            if self.tail_note:
                lines.append(self.tail_note.strip())
        if self.robustness:
            lines.append(self.robustness)
        if self.mde is not None and math.isfinite(self.mde):
            lines.append(w._("These samples could detect a change of {size} or more in the "
                             "{estimand} (with {power} power at the {level}).",
                             size=self.fmt_difference(self.mde).lstrip("+"),
                             estimand=self.estimand_words(deciding.estimand),
                             power=f"{self.power:.0%}", level=self.mde_alpha_words))
        return tuple(lines)

    @property
    def checks(self) -> tuple[CheckItem, ...]:
        """The verdict's check list: sample size, unusual data, stability, assumptions."""
        w = self.words
        items = []
        margin = self.margin[0]
        clear = self.decision.answer in ("improved", "worse")
        detectable = ("" if self.mde is None or not math.isfinite(self.mde)
                      else self.fmt_difference(self.mde).lstrip("+"))
        sample = w._("Sample size")
        if self.large_enough is False and not clear:
            items.append(CheckItem(sample, "warning", w._(
                "These samples can only detect a change of {size} or more, larger than the "
                "{wanted} the target asks for: gather more data before deciding.",
                size=detectable, wanted=self.fmt_difference(margin or 0).lstrip("+"))))
        elif self.large_enough is False:
            items.append(CheckItem(sample, "pass", w._(
                "These samples could reliably detect only changes of {size} or more, but the "
                "change found is clear all the same.", size=detectable)))
        elif self.large_enough:
            items.append(CheckItem(sample, "pass", w._(
                "The samples are large enough to detect the change the target asks for.")))
        else:
            items.append(CheckItem(sample, "information", (
                w._("No target: the smallest change these samples could detect is {size}.",
                    size=detectable)
                if detectable else w._("No target, and no detectable change could be "
                                       "computed."))))
        if self.open_shares is not None:
            worst = max(self.open_shares)
            status = "warning" if worst > 0.1 or self.data_notes else "pass"
            text = w._("Still open at the export: {before} before, {after} after; they count "
                       "for as long as they have been open.",
                       before=w.percent(self.open_shares[0]),
                       after=w.percent(self.open_shares[1]))
            if status == "warning" and not self.data_notes:
                text += w._(" Many open cases pull the mean time up to the horizon and the "
                            "upper percentiles: check that closed cases have a resolution "
                            "time.")
            items.append(CheckItem(w._("Unusual data"), status,
                                   text + "".join(f" {note}" for note in self.data_notes)))
        stability = w._("Stability")
        if self.period_test is not None:
            if self.verdict is not None and self.verdict.period_level:
                items.append(CheckItem(stability, "warning", w._(
                    "The weeks varied more than chance, so the verdict treats each week, "
                    "not each ticket, as one piece of evidence.")))
            else:
                items.append(CheckItem(stability, "pass", w._(
                    "The weeks did not vary more than chance within each window.")))
        elif self.period_note:
            items.append(CheckItem(stability, "information", self.period_note))
        assumptions = w._("Assumptions")
        if self.shape is not None:
            items.append(CheckItem(assumptions, "information" if self.quoted else "pass", (
                w._("The median and the mean time up to the horizon can move differently "
                    "when the times change shape; both are shown.") if not
                self.shape.proportional_hazards else
                w._("The whole distribution of times moved one way (the curves do not "
                    "cross)."))))
        elif self.comparison.assumptions:
            # each assumption through the catalogue: translated once its module marks it
            items.append(CheckItem(assumptions, "information", "; ".join(
                w._(a) for a in self.comparison.assumptions).rstrip(".") + w._(".")))
        return tuple(items)

    @property
    def sentence(self) -> str:
        """The verdict a manager reads: the plain line, then the answer and the target."""
        text = f"{self.plain_line} {self.answer_line}"
        if self.decision.answer in ("improved", "worse") and self.tail_note:
            text += self.tail_note
        return text

    @property
    def tail_note(self) -> str:
        """The slow tickets moved in the verdict's direction while the median did not
        (only when that is true: the shape check's CIs say so)."""
        shape = self.shape
        if (shape is None or not shape.tail_moved_alone
                or math.copysign(1, shape.p90_difference) != self.effect_sign):
            return ""
        w = self.words
        way = w._("faster") if shape.p90_difference < 0 else w._("slower")
        return w._(" The median hardly moved, but the slow tickets got {way}: the 90th "
                   "percentile went from {before} to {after} ({change}).", way=way,
                   before=self.fmt(shape.p90_before), after=self.fmt(shape.p90_after),
                   change=self._change(shape.p90_difference, shape.p90_ci))

    @property
    def mde_alpha_words(self) -> str:
        w = self.words
        level = self.alpha if self.mde_alpha is None else self.mde_alpha
        if self.mde_alpha is None or self.mde_alpha == self.alpha:
            return w._("level {level}", level=f"{level:.2g}")
        return w._("level {level} {method}'s first step uses", level=f"{level:.2g}",
                   method=MULTIPLICITY.get(self.multiplicity, "Holm"))

    @property
    def shape_sentence(self) -> str:
        """How the distribution changed: median, 90th percentile and mean time up to the
        horizon, with their CIs, in the KPI's unit."""
        shape = self.shape
        if shape is None:
            return ""
        w, p = self.words, stats.format_p(shape.ph_pvalue)
        why = (w._("the curves of the times cross") if shape.curves_cross else
               w._("the times changed shape (the share finishing early and late did not move "
                   "together; proportional-hazards check {p})", p=p)
               if not shape.proportional_hazards else
               w._("the whole distribution moved one way (proportional-hazards check {p})",
                   p=p))
        return w._("Shape of the times: {why}. The median changed by {median}; the 90th "
                   "percentile by {p90}.", why=why,
                   median=self._change(shape.median_difference, shape.median_ci),
                   p90=self._change(shape.p90_difference, shape.p90_ci))

    @property
    def ci_label(self) -> str:
        return self.words._("Interval beside the verdict")

    @property
    def mde_label(self) -> str:
        return self.words._("Detectable change ({power} power)", power=f"{self.power:.0%}")

    def _row(self, figures: Figures) -> dict[str, Any]:
        """One row of the verdict table; its cells in the verdict's language (the column
        names stay the table's keys)."""
        w, deciding = self.words, figures.decides
        ci = self.decision.ci if deciding else figures.ci
        label = self.interval_label if deciding else self._ci_words(figures.confidence)
        target_words = {True: N_("met"), False: N_("not met"), None: N_("cannot be judged yet")}
        return {
            "KPI": self.name, "Estimand": self.estimand_words(figures.estimand),
            "Before": self.fmt(figures.before), "After": self.fmt(figures.after),
            "Change": self.fmt_difference(figures.change),
            "Change %": (w.percent(figures.relative, sign=True)
                         if math.isfinite(figures.relative) else ""),
            "Interval": w._("{interval} ({label})", interval=self._interval(ci), label=label),
            "Verdict": w._(ANSWER_WORDS[self.direction] if deciding else
                           N_("shown, not used for the verdict")),
            "Target": "" if self.target is None or (deciding and self.quoted) else w._(
                "{target}: {status}", target=self.fmt(self.target),
                status=w._(target_words[self.target_met])),
        }

    def rows(self) -> list[dict[str, Any]]:
        """The verdict table's rows: the KPI's own estimand first, then the deciding one
        when it differs, each with its own before, after, change and interval."""
        ordered = [self.own] + ([self.deciding] if self.quoted is not None else [])
        return [self._row(f) for f in ordered]

    def row(self) -> dict[str, Any]:
        """The deciding estimand's row of the table, with the test's figures."""
        return self._row(self.deciding) | self.technical_row()

    def technical_row(self) -> dict[str, Any]:
        """The test, p-values, effect size and detectable change of the deciding estimand."""
        return {
            "KPI": self.name, "Estimand": self.estimand_words(self.deciding.estimand),
            "Test": self.words._(self.test),
            "p": stats.format_p(self.raw_pvalue).removeprefix("p "),
            "p adjusted": (stats.format_p(self.p_final).removeprefix("p ")
                           if self.p_adjusted is not None else ""),
            "Effect size": self.effect_text,
            self.mde_label: ("" if self.mde is None or not math.isfinite(self.mde)
                             else self.fmt_difference(self.mde).lstrip("+")),
        }

    @property
    def effect_text(self) -> str:
        """The effect size of the verdict's test with its CI where it gives one."""
        if self.verdict is not None and self.verdict.period_level:
            return ""
        result = self.comparison if self.verdict is None else self.verdict
        size = result.effect_size
        if size is None or not math.isfinite(size):
            return ""
        extra = self.comparison.extra
        low, high = extra.get("effect_size_ci_low"), extra.get("effect_size_ci_high")
        w = self.words
        interval = (w._(", CI {low} to {high}", low=f"{low:.2f}", high=f"{high:.2f}")
                    if low is not None else "")
        return f"{size:.2f}{interval} ({w._(result.effect_size_label)})"

    def as_dict(self) -> dict[str, Any]:
        decision = self.decision
        margin, source = self.margin
        return {
            "kpi": self.key, "name": self.name, "unit": self.unit,
            "before": self.before.as_dict(), "after": self.after.as_dict(),
            "estimand": self.estimand,
            "figures": [f.as_dict() for f in self.figures],
            "difference": self.difference, "difference_ci": list(self.difference_ci),
            "relative_change": plain(self.relative_change),
            "decision": {"answer": decision.answer, "ci": [plain(v) for v in decision.ci],
                         "level": decision.level, "adjusted": decision.adjusted,
                         "margin": plain(margin), "margin_source": source,
                         "significant": decision.significant,
                         "test_and_interval_disagree": decision.disagree},
            "test": self.test,
            "why": (self.comparison.reason if self.verdict is None else self.verdict.why),
            "pvalue": self.raw_pvalue, "p_adjusted": self.p_adjusted,
            "multiplicity": self.multiplicity, "family_size": self.family_size,
            "comparison": self.comparison.as_dict(),
            "verdict_test": None if self.verdict is None else self.verdict.as_dict(),
            "period_level": bool(self.verdict is not None and self.verdict.period_level),
            "period_test": None if self.period_test is None else self.period_test.as_dict(),
            "period_note": self.period_note, "robustness": self.robustness,
            "shape": None if self.shape is None else self.shape.as_dict(),
            "follow_up": self.follow_up,
            "verdict": self.direction, "significant": self.significant,
            "target": self.target, "target_met": self.target_met,
            "target_rule": ("the after value of the KPI's own estimand "
                            f"({self.own.estimand}) against the target"),
            "minimum_detectable_change": plain(self.mde),
            "mde_alpha": self.mde_alpha, "power": self.power,
            "design_effect": self.design_effect,
            "large_enough": self.large_enough,
            "checks": [c.as_dict() for c in self.checks],
            "plain": self.plain_line, "answer": plain_text(self.answer_line),
            "how_we_know": list(self.how_we_know),
            "sentence": plain_text(self.sentence),
        }


def kpi_test_kind(key: str) -> str:
    """The kind passed to :func:`pdcakit.stats.compare` for a registry KPI."""
    return _KIND_OVERRIDES.get(key, _TEST_KIND[metrics.KPIS[key].kind])


@dataclass(frozen=True)
class _Side:
    """One window's ticket values for a KPI: values, observed flags (durations) and the
    period each ticket belongs to, aligned."""

    values: np.ndarray
    observed: np.ndarray | None
    periods: np.ndarray


def _period_labels(tickets: pd.DataFrame, period: str) -> np.ndarray:
    """The period of each ticket as a number (:func:`pdcakit.periods.period_codes`):
    grouped exactly as ``created_at.dt.to_period`` groups, without a Period object per
    ticket."""
    from pdcakit.periods import period_codes

    return np.asarray(period_codes(tickets["created_at"], period))


def _side(tickets: pd.DataFrame, key: str, params: Mapping[str, float],
          period: str) -> _Side:
    spec = metrics.KPIS[key]
    labels = _period_labels(tickets, period)
    if spec.kind == "duration":
        minutes, observed = metrics.duration_minutes(tickets, key)
        keep = np.isfinite(minutes) & (minutes >= 0)
        return _Side(minutes[keep], observed[keep], labels[keep])
    if key == "nps":  # the 0-10 scores: the NPS test counts promoters and detractors
        values = pd.to_numeric(tickets["nps"], errors="coerce").to_numpy(float)
    else:
        values = spec.values(tickets, **params).to_numpy(float)
    keep = np.isfinite(values)
    return _Side(values[keep], None, labels[keep])


def _split_straddled(b: _Side, a: _Side) -> tuple[_Side, _Side]:
    """A period the go-live falls inside (a Friday go-live in weekly periods) is split at
    it: its after part becomes a period of its own (code + 0.5, ordered after the before
    part), so the period-level test sees before periods that all precede the after ones
    and no period holds tickets from both sides.

    >>> b = _Side(np.ones(2), None, np.array([10.0, 11.0]))
    >>> a = _Side(np.ones(2), None, np.array([11.0, 12.0]))
    >>> _split_straddled(b, a)[1].periods.tolist()
    [11.5, 12.0]
    """
    if not (b.periods.size and a.periods.size):
        return b, a
    last = np.nanmax(b.periods)
    straddled = a.periods == last
    if not straddled.any():
        return b, a
    return b, replace(a, periods=np.where(straddled, last + 0.5, a.periods))


def _equal_follow_up(before: pd.DataFrame, after: pd.DataFrame, key: str,
                     params: Mapping[str, float], w: Words = ENGLISH
                     ) -> tuple[pd.DataFrame, pd.DataFrame, str, dict[str, Any]]:
    """Resolution-type shares at a horizon both cohorts have observed.

    A share "resolved by the export" favours the older cohort, which had longer to
    resolve. ``resolution_rate`` becomes "resolved within H of creation" with H the
    follow-up of the youngest ticket, at least 7 days (tickets younger than H at the
    export are left out, and the sentence says how many); ``sla_resolution`` counts
    only tickets at least the SLA old. Returns the tickets and the sentence saying so,
    in ``w``'s language.
    """
    if key not in ("resolution_rate", "sla_resolution") or "resolved_at" not in before:
        return before, after, "", {}
    snap = metrics._checks.snapshot(before)
    youngest = snap - max(before["created_at"].max(), after["created_at"].max())
    if key == "sla_resolution":
        horizon = pd.Timedelta(hours=float(params.get(
            "sla_resolution_hours", metrics.registry.DEFAULT_PARAMS["sla_resolution_hours"])))
    else:
        horizon = max(youngest, pd.Timedelta(days=7))
    parts = []
    for part in (before, after):
        old_enough = part[snap - part["created_at"] >= horizon].copy()
        if key == "resolution_rate":
            late = old_enough["resolved_at"] - old_enough["created_at"] > horizon
            old_enough.loc[late, "resolved_at"] = pd.NaT
        old_enough.attrs = dict(part.attrs)
        parts.append(old_enough)
    dropped = len(before) + len(after) - len(parts[0]) - len(parts[1])
    words = w.value(horizon / pd.Timedelta(minutes=1), "minutes")
    note = w._("Equal follow-up: both windows are compared on tickets resolved within "
               "{horizon} of creation, a horizon every counted ticket has been observed for",
               horizon=words) + (
        w._(" ({count} tickets created less than {horizon} before the export are left out).",
            count=f"{dropped:,}", horizon=words) if dropped else w._("."))
    return parts[0], parts[1], note, {"horizon_minutes": horizon / pd.Timedelta(minutes=1),
                                      "left_out": dropped}


def _check_not_degenerate(name: str, b: _Side, a: _Side, w: Words = ENGLISH) -> None:
    """A ValueError, worded in ``w``'s language, when a KPI cannot be compared: too few
    tickets in a window, every duration still open, or one value everywhere."""
    for label, side in ((w._("before"), b), (w._("after"), a)):
        if side.values.size < MIN_PER_WINDOW:
            raise ValueError(w._("not enough data for {name}: n={n} in the {window} window, "
                                 "need >= {least}", name=name, n=side.values.size,
                                 window=label, least=MIN_PER_WINDOW))
        if side.observed is not None and not side.observed.any():
            raise ValueError(w._("{name}: all {n} {window} tickets are still open, so there "
                                 "is no finished duration to compare", name=name,
                                 n=f"{side.values.size:,}", window=label))
    both = np.concatenate([b.values, a.values])
    if b.observed is None and np.ptp(both) == 0:
        raise ValueError(w._("{name}: every ticket in both windows has the same value "
                             "({value}), so there is no change to test", name=name,
                             value=f"{both[0]:g}"))


def _ticket_test(key: str, b: _Side, a: _Side, confidence: float,
                 unit: str, w: Words = ENGLISH) -> tuple[stats.Comparison, Verdict, str]:
    """The ticket-level test of the KPI's estimand, its verdict, and a robustness line
    (the sentences in ``w``'s language)."""
    kind = kpi_test_kind(key)
    if kind == "rate":
        result = stats.poisson_rates(int(b.values.sum()), float(b.values.size),
                                     int(a.values.sum()), float(a.values.size),
                                     confidence=confidence)
        why = w._("Exact conditional Poisson test of the rate per ticket, the tickets "
                  "counted as independent.")
    elif kind == "proportion":
        result = stats.compare(b.values, a.values, "proportion", confidence=confidence)
        why = w._("{test} of the shares, the tickets counted as independent.",
                  test=result.test.capitalize())
        low, high = stats.difference_ci(int(b.values.sum()), b.values.size,
                                        int(a.values.sum()), a.values.size,
                                        confidence=confidence)
        result = replace(result, estimate=float(a.values.mean() - b.values.mean()),
                         ci=(float(low), float(high)))
    elif kind == "nps":
        result = stats.compare(b.values, a.values, "nps", confidence=confidence)
        why = w._("z test of the NPS difference with its multinomial variance.")
    else:  # means (handle time, CSAT mean): the difference in means, by Welch
        result = stats.welch_t(b.values, a.values, confidence=confidence, unit=unit)
        result = replace(result, reason=stats.compare(
            b.values, a.values, kind, confidence=confidence, unit=unit).reason)
        why = w._("Welch's t test of the difference in means (the KPI is a mean), the "
                  "tickets counted as independent.")
        verdict = Verdict("difference in means", result.test, float(result.estimate),
                          result.ci, float(result.pvalue), float(b.values.mean()), why,
                          effect_size=result.effect_size,
                          effect_size_label=result.effect_size_label)
        return result, verdict, _robustness(b, a, kind, confidence, unit, w)
    reference = float(b.values.mean())
    if kind == "nps":
        reference = float(result.extra.get("nps_before", reference))
    verdict = Verdict(result.estimate_label if kind != "proportion"
                      else "difference in proportions", result.test, float(result.estimate),
                      (float(result.ci[0]), float(result.ci[1])), float(result.pvalue),
                      reference, why, effect_size=result.effect_size,
                      effect_size_label=result.effect_size_label)
    return result, verdict, ""


def _robustness(b: _Side, a: _Side, kind: str, confidence: float, unit: str,
                w: Words = ENGLISH) -> str:
    """A rank test beside a mean's verdict, when the rules prefer it; never the verdict
    (the sentence in ``w``'s language)."""
    check = stats.compare(b.values, a.values, kind, confidence=confidence, unit=unit)
    if "welch" in check.test.lower():
        return ""
    low, high = check.ci
    degenerate = check.estimate == 0 and low == 0 and high == 0
    if degenerate or not all(math.isfinite(v) for v in (low, high)):
        superiority = check.extra.get("probability_of_superiority", math.nan)
        shift = w._("probability that an after ticket scores higher than a before one "
                    "{probability}", probability=f"{superiority:.2f}")
    else:
        shift = (f"{w.estimand(check.estimate_label)} {check.estimate:+.3g} "
                 f"{w.unit(unit)}").rstrip()
        shift += w._(" ({level} CI {low} to {high})", level=f"{confidence:.0%}",
                     low=format_signed(low, 3), high=format_signed(high, 3))
    return w._("Robustness check, not used for the verdict: the {test} (the choice rules "
               "prefer it here: {reason}) gives {p}, {shift}.", test=check.test,
               reason=check.reason.removeprefix("Why this test: ").rstrip("."),
               p=stats.format_p(check.pvalue), shift=shift)


def _duration_test(b: _Side, a: _Side, confidence: float, n_resamples: int,
                   scale: str | None, w: Words = ENGLISH
                   ) -> tuple[stats.Comparison, Verdict, stats.DurationShape]:
    """Durations: the verdict is about the restricted mean time up to a stated horizon
    (the area under each Kaplan-Meier curve, open tickets censored): it counts every
    ticket, has one direction whatever the shape of the curves, and its z test and
    interval agree. The log-rank test (the whole curves) is the ticket-level comparison
    kept beside it; the median, what people quote, is shown with its own interval."""
    result = stats.logrank(b.values, b.observed, a.values, a.observed, confidence=confidence,
                           n_resamples=n_resamples, scale=scale)
    shape = stats.duration_shape(b.values, b.observed, a.values, a.observed,
                                 confidence=confidence, n_resamples=n_resamples, scale=scale)
    horizon = format_value(shape.horizon, "minutes")  # a cap on time: its own unit
    verdict = Verdict(f"mean time up to {horizon}",
                      w._("z test of the difference in restricted mean duration"),
                      float(shape.rmst_difference), shape.rmst_ci, float(shape.rmst_pvalue),
                      float(shape.rmst_before),
                      w._("The mean time up to {horizon} (the restricted mean: the area "
                          "under each Kaplan-Meier curve, open tickets counted for as long "
                          "as they have been open), compared with a z test. The log-rank "
                          "test of the whole curves gives {p}.", horizon=w.localise(horizon),
                          p=stats.format_p(result.pvalue)))
    return result, verdict, shape


def _period_test(key: str, b: _Side, a: _Side, confidence: float, unit: str,
                 horizon: float | None, scale: str | None = None) -> stats.PeriodComparison:
    """The period-level test of the same estimand (durations: the restricted mean)."""
    kind = kpi_test_kind(key)
    if b.observed is not None:
        return stats.duration_periods(b.values, b.observed, b.periods, a.values, a.observed,
                                      a.periods, horizon=horizon, confidence=confidence,
                                      scale=scale)
    if kind in ("proportion", "rate"):
        counts = []
        for side in (b, a):
            frame = pd.DataFrame({"x": side.values, "p": side.periods}).groupby("p")["x"]
            counts.append((frame.sum().to_numpy(float), frame.size().to_numpy(float)))
        (xb, nb), (xa, na) = counts
        if kind == "rate":
            return stats.rate_periods(xb, nb, xa, na, confidence=confidence)
        return stats.proportion_periods(xb.astype(int), nb.astype(int), xa.astype(int),
                                        na.astype(int), confidence=confidence)
    if kind == "nps":  # NPS is the mean of +100 / 0 / -100 per respondent
        points = [stats.nps.nps_points(s.values) for s in (b, a)]
        return stats.mean_periods_from_values(points[0], b.periods, points[1], a.periods,
                                              confidence=confidence, unit="points")
    return stats.mean_periods_from_values(b.values, b.periods, a.values, a.periods,
                                          confidence=confidence, unit=unit, scale=scale)


def _dispersion_sentence(dispersion: stats.Dispersion, w: Words = ENGLISH) -> str:
    """Whether the periods vary more than chance, and so which test carries the verdict,
    in ``w``'s language (English: word for word :attr:`pdcakit.stats.Dispersion.sentence`,
    which tests/test_compare_words_zh.py holds it to)."""
    icc = "" if dispersion.icc is None else w._(", ICC {icc}", icc=f"{dispersion.icc:.3f}")
    figures = w._("dispersion {ratio} over {n} periods{icc}, {test} {p}",
                  ratio=f"{dispersion.ratio:.2f}", n=dispersion.n_periods, icc=icc,
                  test=w._(dispersion.test), p=stats.format_p(dispersion.pvalue))
    if dispersion.varies:
        return w._("The periods vary more than chance would ({figures}), so the periods, "
                   "not the tickets, are the units of the test.", figures=figures)
    return w._("The periods vary no more than chance would ({figures}; the threshold is "
               "p < {threshold}), so the ticket-level test stands.", figures=figures,
               threshold=f"{dispersion.threshold:g}")


def _period_verdict(period: stats.PeriodComparison, choice: stats.PeriodChoice,
                    reference: float, w: Words = ENGLISH) -> Verdict:
    label = period.estimate_label
    if label.startswith("difference in restricted mean duration up to"):
        horizon = format_value(period.extra["horizon"], "minutes")  # its own unit
        label = f"difference in mean time up to {horizon}"
    elif label.startswith("difference in rates"):
        label = "difference in rates"
    why = (f"{_dispersion_sentence(choice.period.dispersion, w)} {period.method}"
           ).replace("  ", " ")
    return Verdict(label, period.test, float(period.estimate),
                   (float(period.ci[0]), float(period.ci[1])), float(period.pvalue), reference,
                   why, period_level=True)


def _design_effect(period: stats.PeriodComparison | None, used: bool) -> float:
    """How much the period variation inflates the variance (1: the tickets are the units)."""
    if period is None or not used:
        return 1.0
    widening = float(period.extra.get("variance_inflation", 1.0))
    icc = period.dispersion.icc
    if icc is not None:
        size = (period.n_before + period.n_after) / max(period.dispersion.n_periods, 1)
        return stats.design_effect(icc=icc, period_size=size) * widening
    return stats.design_effect(dispersion=max(period.dispersion.ratio, 1.0)) * widening


def compare_kpi(before: pd.DataFrame, after: pd.DataFrame, key: str, *,
                alpha: float = 0.05, power: float = 0.8, target: float | None = None,
                params: Mapping[str, float] | None = None, period: str = "W",
                family_size: int = 1, multiplicity: str = "holm",
                n_resamples: int = 1000, scale: str | None = None,
                language: str = "en") -> KpiChange:
    """Compare one KPI between the before and after tickets (raw p; see compare_kpis).

    The verdict is about one estimand (see :class:`Verdict`): shares and rates their
    difference, means (handle time, CSAT mean) the difference in means by Welch (a rank
    test the rules prefer is a robustness line beside it), NPS its difference,
    durations the median difference by the log-rank test while the hazards are
    proportional, else the restricted mean time. When the ``period`` s (weeks by
    default) vary more than chance, the period-level test of the same estimand
    carries the verdict (:func:`pdcakit.stats.choose_period_level`). The detectable
    change is at ``power`` and at the level the first step of the family adjustment
    uses over ``family_size`` KPIs, divided by the design effect of the periods.
    ``scale`` (durations: minutes, hours or days) is the unit the words read in; by
    default the one :func:`pdcakit.results.reading_scale` picks from the before value
    (a segment passes the whole KPI's, so one KPI reads in one unit on a page).
    ``language`` words the reasons (why this test, follow-up, robustness, the period
    note and a skip's reason) in the reader's language (:mod:`pdcakit.words`).
    """
    params = dict(params or {})
    w = words_for(language)
    spec = metrics.KPIS[key]
    before, after = metrics._checks.kpi_frame(before), metrics._checks.kpi_frame(after)
    before, after, follow_up, _ = _equal_follow_up(before, after, key, params, w)
    b, a = _split_straddled(_side(before, key, params, period),
                            _side(after, key, params, period))
    _check_not_degenerate(spec.name if w.english else kpi_name(key, language), b, a, w)
    estimates = [spec.estimate(t, **params) for t in (before, after)]
    scale = scale or reading_scale(spec.unit, estimates[0].value, estimates[1].value)
    confidence = 1 - alpha
    unit = "" if spec.unit == "fraction" else spec.unit
    shape = None
    if spec.kind == "duration":
        result, ticket, shape = _duration_test(b, a, confidence, n_resamples, scale, w)
    else:
        result, ticket, robustness = _ticket_test(key, b, a, confidence, unit, w)
    robustness = "" if spec.kind == "duration" else robustness
    period_test, note = None, ""
    try:
        period_test = _period_test(key, b, a, confidence, unit,
                                   None if shape is None else shape.horizon, scale)
    except ValueError as exc:
        note = w._("The period-level check could not run ({problem}), so the tickets are "
                   "the units of the test.", problem=exc)
    verdict = ticket
    if period_test is not None:
        choice = stats.choose_period_level(result, period_test)
        if choice.period_level:
            reference = (float(period_test.extra.get("rmst_before", ticket.reference))
                         if shape is not None else ticket.reference)
            verdict = _period_verdict(period_test, choice, reference, w)
        else:
            verdict = replace(ticket, why=f"{ticket.why} "
                                          f"{_dispersion_sentence(choice.period.dispersion, w)}")
    else:
        verdict = replace(ticket, why=f"{ticket.why} {note}")
    deff = _design_effect(period_test, verdict.period_level)
    method = "holm" if multiplicity == "bh" else multiplicity
    level = stats.family_alpha(alpha, max(int(family_size), 1), method)
    figures = _figures(key, b, a, verdict, estimates, shape, confidence, n_resamples)
    if shape is not None:
        mde = _mde_from_interval(verdict.ci, confidence, level, power)
    else:
        mde = _mde(spec, b, a, estimates[0].value, target, level, power, deff)
    open_shares = (None if b.observed is None else
                   (float(1 - b.observed.mean()), float(1 - a.observed.mean())))
    return KpiChange(key=key, name=spec.name if w.english else kpi_name(key, language),
                     unit=spec.unit, language=language,
                     higher_is_better=spec.higher_is_better, before=estimates[0],
                     after=estimates[1], comparison=result, difference=verdict.estimate,
                     difference_ci=(float(verdict.ci[0]), float(verdict.ci[1])),
                     mde=mde, target=target, alpha=alpha, multiplicity=multiplicity,
                     verdict=verdict, period_test=period_test, period_note=note,
                     robustness=robustness, shape=shape, power=power, mde_alpha=level,
                     design_effect=deff, follow_up=follow_up, reading_unit=scale,
                     figures=figures, family_size=max(int(family_size), 1),
                     open_shares=open_shares)


#: The deciding estimand's name in plain words, by test kind (durations: the restricted
#: mean's own label, which names its horizon).
_ESTIMAND_WORDS = {"proportion": "share", "rate": "rate per 100 tickets", "nps": "NPS",
                   "continuous": "mean", "ordinal": "mean"}


def _log_ratio_ci(before: np.ndarray, after: np.ndarray, confidence: float
                  ) -> tuple[float, float] | None:
    """The interval of after / before - 1 for two means (shares are means of 0/1), by the
    delta method on the log of the ratio; None when a mean is not positive."""
    mb, ma = float(before.mean()), float(after.mean())
    if mb <= 0 or ma <= 0 or before.size < 2 or after.size < 2:
        return None
    se = math.sqrt(before.var(ddof=1) / (before.size * mb ** 2)
                   + after.var(ddof=1) / (after.size * ma ** 2))
    z = float(norm.ppf(0.5 + confidence / 2))
    log_ratio = math.log(ma / mb)
    return (math.exp(log_ratio - z * se) - 1, math.exp(log_ratio + z * se) - 1)


def _figures(key: str, b: _Side, a: _Side, verdict: Verdict, estimates: list[Estimate],
             shape: stats.DurationShape | None, confidence: float, n_resamples: int
             ) -> tuple[Figures, ...]:
    """The figures of the deciding estimand (before = its reference, after = before +
    change, so change is after - before by construction) and, for durations, of the
    median (what people quote) with the bootstrap interval of its change and of its
    ratio."""
    kind = "duration" if shape is not None else kpi_test_kind(key)
    before = float(verdict.reference)
    words = verdict.estimand if shape is not None else _ESTIMAND_WORDS[kind]
    relative = None
    if kind in ("proportion", "rate", "continuous", "ordinal") and not verdict.period_level:
        relative = _log_ratio_ci(b.values, a.values, confidence)
    deciding = Figures(words, before, before + float(verdict.estimate), float(verdict.estimate),
                       (float(verdict.ci[0]), float(verdict.ci[1])), relative_ci=relative,
                       decides=True, confidence=confidence)
    if shape is None:
        return (deciding,)
    median_before, median_after = estimates[0].value, estimates[1].value
    ratio_ci = None
    if all(math.isfinite(v) and v > 0 for v in (median_before, median_after)):
        ratio = stats.median_ratio(b.values, b.observed, a.values, a.observed,
                                   confidence=confidence, n_resamples=n_resamples)
        ratio_ci = (float(ratio.ci[0]) - 1, float(ratio.ci[1]) - 1)
    quoted = Figures("median", float(median_before), float(median_after),
                     float(median_after - median_before),
                     (float(shape.median_ci[0]), float(shape.median_ci[1])),
                     relative_ci=ratio_ci, confidence=confidence)
    return (quoted, deciding)


def _mde_from_interval(ci: tuple[float, float], confidence: float, alpha: float,
                       power: float) -> float | None:
    """The smallest change a Wald-type test with this interval detects with ``power`` at
    level ``alpha``: (z(1 - alpha/2) + z(power)) x the standard error the interval implies.

    >>> round(_mde_from_interval((-1.96, 1.96), 0.95, 0.05, 0.8), 3)
    2.802
    """
    low, high = ci
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return None
    se = (high - low) / (2 * norm.ppf(0.5 + confidence / 2))
    return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * se)


def _mde(spec: metrics.KpiSpec, b: _Side, a: _Side, baseline: float, target: float | None,
         alpha: float, power: float, deff: float = 1.0) -> float | None:
    """Smallest change detectable with ``power`` at level ``alpha``, in the KPI's units.

    The sizes are divided by the design effect ``deff`` of the period variation. Shares:
    R power.prop.test solved for p2. Means and NPS: power.t.test with the before SD.
    Durations: the log-rank test (Schoenfeld's events formula, the finished tickets of
    both windows) solved for the hazard ratio, read as the change of the median at the
    baseline (median / HR).
    """
    n1, n2 = b.values.size / deff, a.values.size / deff
    if min(n1, n2) < 2:
        return None
    if spec.kind == "proportion":
        improve = "increase" if spec.higher_is_better else "decrease"
        direction = improve if target is None else (
            "increase" if target >= baseline else "decrease")
        return stats.mde_prop(baseline, n1, n2, alpha=alpha, power=power, direction=direction)
    if spec.kind == "duration":
        events = float(b.observed.sum() + a.observed.sum()) / deff
        if events < 2 or not math.isfinite(baseline):
            return None
        share = a.values.size / (a.values.size + b.values.size)
        # logrank_events(e) is the events needed for log HR = 1; log HR scales as 1/sqrt(d)
        log_hr = math.sqrt(stats.logrank_events(math.e, alpha=alpha, power=power,
                                                share_after=share) / events)
        return float(baseline * (1 - math.exp(-log_hr)))
    values = b.values
    if spec.key == "nps":
        values = stats.nps.nps_points(values)
    sd = float(np.std(values, ddof=1)) if values.size > 1 else 0.0
    return stats.mde_t(n1, n2, sd, alpha=alpha, power=power) if sd > 0 else None


@dataclass(frozen=True)
class ChangeTable:
    """Every KPI's change, p-values adjusted across the family; KPIs skipped and why."""

    changes: tuple[KpiChange, ...]
    skipped: Mapping[str, str]
    multiplicity: str
    alpha: float

    def __getitem__(self, key: str) -> KpiChange:
        for change in self.changes:
            if change.key == key:
                return change
        raise KeyError(key)

    def get(self, key: str) -> KpiChange | None:
        """The change of KPI ``key``, or None when it was not compared."""
        return next((c for c in self.changes if c.key == key), None)

    def frame(self) -> pd.DataFrame:
        """The verdict table, formatted for reading: one row per KPI and estimand shown
        (a duration's median, then the mean time up to the horizon that decides)."""
        return pd.DataFrame([row for c in self.changes for row in c.rows()])

    def technical_frame(self) -> pd.DataFrame:
        """The tests behind the verdicts: p-values, effect sizes, detectable changes."""
        return pd.DataFrame([c.technical_row() for c in self.changes])

    @property
    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]

    @property
    def words(self) -> Words:
        """The wording of the changes' language (English when there are none)."""
        return self.changes[0].words if self.changes else ENGLISH

    @property
    def adjustment_sentence(self) -> str:
        w, n = self.words, len(self.changes)
        kept = sum(c.significant for c in self.changes)
        level = f"{self.alpha:.0%}"
        by_period = [c.name for c in self.changes
                     if c.verdict is not None and c.verdict.period_level]
        periods = (w._(" The periods varied more than chance for {names}, so those verdicts "
                       "(and their p-values in this adjustment) come from the period-level "
                       "tests.", names=", ".join(by_period)) if by_period else "")
        if self.multiplicity == "none":
            return w._("No multiplicity adjustment: {kept} of {n} KPIs are significant at the "
                       "{level} level, but with {n} tests some may be chance findings.",
                       kept=kept, n=n, level=level) + periods
        return w._("{method} adjustment over the {n} KPIs tested: {kept} remain significant "
                   "at the {level} level.", method=MULTIPLICITY[self.multiplicity], n=n,
                   kept=kept, level=level) + periods

    def as_dict(self) -> dict[str, Any]:
        return {"multiplicity": self.multiplicity, "alpha": self.alpha,
                "kpis": {c.key: c.as_dict() for c in self.changes},
                "skipped": dict(self.skipped)}


def adjust_family(changes: list[KpiChange], method: str, alpha: float
                  ) -> tuple[KpiChange, ...]:
    """``changes`` with their p-values adjusted across one family by ``method`` (holm, bh,
    none), as the ticket KPIs' and the scores' families are.

    >>> adjust_family([], "holm", 0.05)
    ()
    """
    from dataclasses import replace

    if not changes:
        return ()
    raw = [c.raw_pvalue for c in changes]
    adjusted = raw if method == "none" else stats.adjust_pvalues(raw, method=method)
    return tuple(replace(c, p_adjusted=float(p), multiplicity=method, alpha=alpha)
                 for c, p in zip(changes, adjusted, strict=True))


#: What a KPI that cannot be compared raises (empty, all open, all identical): it is
#: skipped with the reason while the other KPIs are compared.
_DEGENERATE = (ValueError, ArithmeticError, np.linalg.LinAlgError)  # a KeyError is a bug


def _reason(exc: BaseException) -> str:
    text = str(exc).strip("'\"")
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def compare_kpis(before: pd.DataFrame, after: pd.DataFrame,
                 settings: CompareSettings) -> ChangeTable:
    """Compare every KPI of ``settings``; KPIs without data are skipped with the reason."""
    changes, skipped = [], {}
    before, after = metrics._checks.kpi_frame(before), metrics._checks.kpi_frame(after)
    for key in settings.kpis:
        try:
            changes.append(compare_kpi(before, after, key, alpha=settings.alpha,
                                       power=settings.power, target=settings.targets.get(key),
                                       params=settings.params, period=settings.period,
                                       family_size=len(settings.kpis),
                                       multiplicity=settings.multiplicity,
                                       language=settings.language))
        except _DEGENERATE as exc:
            skipped[key] = _reason(exc)
    return ChangeTable(adjust_family([_in_language(c, settings.language) for c in changes],
                                 settings.multiplicity, settings.alpha), skipped,
                       settings.multiplicity, settings.alpha)


def _in_language(change: KpiChange, language: str, segment: tuple[str, str] | None = None
                 ) -> KpiChange:
    """``change`` worded in ``language``: its name (the KPI's, and ``segment``'s column and
    value) and every word property. English leaves the change as it is."""
    if language == "en":
        return change
    w = words_for(language)
    name = kpi_name(change.key, language)
    if segment is not None:
        column, value = segment
        name = w._("{kpi} in {column} {value}", kpi=name, column=w.column(column), value=value)
    return replace(change, name=name, language=language)


@dataclass(frozen=True)
class SegmentChanges:
    """One KPI's change within each segment (e.g. channel), adjusted across segments."""

    key: str
    column: str
    table: ChangeTable

    def frame(self) -> pd.DataFrame:
        rows = []
        for change in self.table.changes:
            figures, decision = change.deciding, change.decision
            low, high = decision.ci
            rows.append({"segment": change.segment, "estimand": figures.estimand,
                         "before": figures.before, "after": figures.after,
                         "difference": change.difference,
                         "ci_low": low, "ci_high": high, "ci_level": decision.level,
                         "n_before": change.before.n,
                         "n_after": change.after.n, "test": change.test,
                         "p": change.raw_pvalue, "p_adjusted": change.p_final,
                         "significant": change.significant, "verdict": change.direction})
        return pd.DataFrame(rows)

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "column": self.column,
                "segments": self.frame().to_dict(orient="records"),
                "skipped": dict(self.table.skipped)}


def segment_changes(before: pd.DataFrame, after: pd.DataFrame, key: str, column: str,
                    settings: CompareSettings, *, min_n: int = 10,
                    scale: str | None = None) -> SegmentChanges:
    """The KPI compared within each value of ``column``, adjusted across the segments.

    Every segment's words read in one unit, ``scale`` (durations; by default the one the
    whole before window's value picks), so a segment in hours and one in minutes do not
    sit side by side.
    """
    spec = metrics.KPIS[key]
    before, after = metrics._checks.kpi_frame(before), metrics._checks.kpi_frame(after)
    needed = (*spec.columns, "created_at", "is_open")
    if scale is None and spec.unit == "minutes":
        scale = reading_scale(spec.unit, spec.estimate(before, **settings.params).value)
    parts, skipped = split_segments(before, after, column, min_n=min_n, columns=needed)
    changes = []
    for value, part_b, part_a in parts:
        try:
            change = compare_kpi(part_b, part_a, key, alpha=settings.alpha,
                                 power=settings.power, params=settings.params,
                                 period=settings.period, family_size=len(parts),
                                 multiplicity=settings.multiplicity, scale=scale,
                                 language=settings.language)
        except _DEGENERATE as exc:
            skipped[str(value)] = _reason(exc)
            continue
        changes.append(_in_language(
            replace(change, name=f"{change.name} in {column} {value}", segment=str(value)),
            settings.language, (column, str(value))))
    table = ChangeTable(adjust_family(changes, settings.multiplicity, settings.alpha), skipped,
                        settings.multiplicity, settings.alpha)
    return SegmentChanges(key=key, column=column, table=table)


def survival_curves(before: pd.DataFrame, after: pd.DataFrame, key: str,
                    language: str = "en") -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The Kaplan-Meier curves of duration KPI ``key`` before and after, in minutes, each
    labelled (in ``language``) with its median in one unit for both (the unit the before
    median reads in). ``plots.survival_curve(curves, unit="minutes")`` ends the axis where
    the data say."""
    w, minute = words_for(language), pd.Timedelta(minutes=1)
    summaries = {label: metrics.KPIS[key].func(part)
                 for label, part in ((N_("Before"), before), (N_("After"), after))}
    first = summaries["Before"].median
    unit = duration_unit(None if first is None else first / minute)
    return {w._("{side} (median {median})", side=w._(label),
                median=(w._("not reached") if s.median is None
                        else w.localise(unit.format(s.median / minute)))):
            (np.asarray(s.curve.times, dtype=float), np.asarray(s.curve.survival, dtype=float))
            for label, s in summaries.items()}


def mix_check(before: pd.DataFrame, after: pd.DataFrame, key: str, column: str, *,
              confidence: float = 0.95, params: Mapping[str, float] | None = None,
              horizon: float | None = None, scale: str | None = None) -> MixCheck:
    """Crude and ``column``-mix-adjusted change of a KPI: shares and means on the KPI's
    per-ticket values (:func:`pdcakit.stats.stratified.stratified_change`), durations on
    the mean time up to one horizon (:func:`pdcakit.stats.stratified.stratified_rmst_change`)."""
    spec = metrics.KPIS[key]
    params = dict(params or {})
    if spec.kind == "duration":
        minutes_b, done_b = metrics.duration_minutes(before, key)
        minutes_a, done_a = metrics.duration_minutes(after, key)
        return stratified_rmst_change(minutes_b, done_b, before[column], minutes_a, done_a,
                                      after[column], column=column, key=key, horizon=horizon,
                                      confidence=confidence, scale=scale)
    return stratified_change(spec.values(before, **params), before[column],
                             spec.values(after, **params), after[column], kind=spec.kind,
                             column=column, key=key, unit=spec.unit, confidence=confidence)
