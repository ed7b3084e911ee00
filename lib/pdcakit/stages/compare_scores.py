"""Scores before and after: CSI, TPS, TDS (and their parts), the standards conformance and
the composite, compared between the windows with the ticket KPIs' discipline.

Each comparison is a :class:`pdcakit.stages.compare.KpiChange`, so it reads, decides and
serialises as a ticket KPI does (the verdict box, ``results.json`` ``kpis``, the summary):

- **CSI, TPS, TDS and their parts** are means (2.1): the verdict is the difference in
  means by Welch's t test, each questionnaire, audit or visit one observation (CSI: each
  respondent's mean over the questions answered, so a respondent counts once). The
  answers are ordinal, so an ordinal-aware check is stated beside every verdict and never
  used for it: the Mann-Whitney test with the Hodges-Lehmann shift and the probability
  that an after answer scores higher than a before one (ties count half), and for a
  single question (whole-number answers on one scale) the proportional-odds model's odds
  ratio of a higher answer (:func:`pdcakit.stats.ordinal.proportional_odds`).
- **Each measured standard** is a share: the difference in proportions with Newcombe's
  interval and the chi-square test, as the ticket rates.
- **The weighted conformance and the composite** (4.2) are sums of shares measured on
  the same tickets: their change has a percentile bootstrap interval over whole tickets
  (each window resampled on its own) and a z test on the bootstrap standard error.
  Typed-in standards are constants: they cannot change between the windows.

Families: the five headline scores (``csi``, ``tps``, ``tds``, ``standards``,
``composite``) are adjusted together (Holm by default), as the ticket KPIs are among
themselves; each set of parts (CSI per dimension, CSI per question, TPS parts, TDS parts,
the measured standards) is its own family. A part is keyed ``KEY.PART``
(:data:`pdcakit.kpis.SCORE_KPI_INFO`).

>>> from pdcakit.stages.windows import Windows
>>> w = Windows.around("2026-04-06", weeks_before=2, weeks_after=2)
>>> s = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(40)],
...                   "date": pd.to_datetime(["2026-03-30"] * 20 + ["2026-04-07"] * 20),
...                   "question": "overall", "score": [3, 4, 4, 3, 5] * 4 + [4, 5, 4, 5, 5] * 4})
>>> found = compare_scores(ScoreTables(surveys=s), windows=w)
>>> c = found.headline["csi"]
>>> round(c.before.value, 2), round(c.after.value, 2), c.direction
(3.8, 4.6, 'improved')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from pdcakit import metrics, stats
from pdcakit.kpis import kpi_name
from pdcakit.results import Estimate, format_signed
from pdcakit.stages.compare import ChangeTable, Figures, KpiChange, Verdict, adjust_family
from pdcakit.stages.standards import (
    StandardsMeasure,
    bootstrap_means,
    measure_standards,
    parse_rule,
    rule_values,
)
from pdcakit.stages.windows import Windows
from pdcakit.stats.ordinal import is_ordinal_scale, proportional_odds
from pdcakit.stats.reliability import Reliability, cronbach_alpha, dimension_reliability
from pdcakit.words import N_

__all__ = ["HEADLINE_SCORES", "ScoreChanges", "ScoreTables", "compare_scores",
           "composite_columns", "composite_value", "has_dimensions", "measured_standards",
           "split_dated", "standards_columns"]

#: The headline score KPIs, one family, in page order.
HEADLINE_SCORES = ("csi", "tps", "tds", "standards", "composite")

_PARTS = {"tps": ("normativity", "efficiency", "experience"),
          "tds": ("attitude", "knowledge", "speed")}
_TABLE_OF = {"tps": "audits", "tds": "mystery_shopper"}
_PER_WHAT = {"csi": "questionnaire", "tps": "audit", "tds": "visit"}

_PERIOD_NOTE = ("Scores are compared one questionnaire, audit or visit at a time, not period "
                "by period (a few per week are too few to show whether the weeks vary more "
                "than chance); the over-time summary charts each per week, or per month when "
                "its weeks are thin, against the baseline's limits.")


@dataclass(frozen=True)
class ScoreTables:
    """The score tables of both windows together (each split by its ``date`` column)."""

    surveys: pd.DataFrame | None = None
    audits: pd.DataFrame | None = None
    mystery_shopper: pd.DataFrame | None = None
    standards: pd.DataFrame | None = None


def split_dated(table: pd.DataFrame, windows: Windows, what: str
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of ``table`` dated in each window (``[start, end)`` by ``date``).

    Raises ValueError naming the table when it has no date column, or a window no rows.
    """
    if "date" not in table or not table["date"].notna().any():
        raise ValueError(f"the {what} table has no date column, so its rows cannot be put in "
                         "the before and after windows (map date under columns: in its "
                         "mapping)")
    dates = pd.to_datetime(table["date"])
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    parts = []
    for start, end, name in ((windows.before_start, windows.before_end, "before"),
                             (windows.after_start, windows.after_end, "after")):
        part = table[(dates >= start) & (dates < end)]
        if len(part) < 2:
            raise ValueError(f"the {what} table has {len(part)} rows dated in the {name} "
                             f"window ({windows.describe()}); at least 2 are needed")
        parts.append(part)
    return parts[0], parts[1]


# ---------------------------------------------------------------- one change each


def _log_ratio_ci(b: np.ndarray, a: np.ndarray, confidence: float
                  ) -> tuple[float, float] | None:
    """after / before - 1 by the delta method on the log ratio (positive means only)."""
    mb, ma = float(b.mean()), float(a.mean())
    if mb <= 0 or ma <= 0 or b.size < 2 or a.size < 2:
        return None
    se = math.sqrt(b.var(ddof=1) / (b.size * mb ** 2) + a.var(ddof=1) / (a.size * ma ** 2))
    z = float(norm.ppf(0.5 + confidence / 2))
    log_ratio = math.log(ma / mb)
    return math.exp(log_ratio - z * se) - 1, math.exp(log_ratio + z * se) - 1


def _ordinal_line(b: np.ndarray, a: np.ndarray, confidence: float, what: str) -> str:
    """The ordinal-aware check beside a mean's verdict (never the verdict)."""
    try:
        mw = stats.mann_whitney(b, a, confidence=confidence)
    except ValueError as exc:
        return f"Ordinal check not possible ({exc})."
    superiority = mw.extra.get("probability_of_superiority", math.nan)
    low, high = mw.ci
    shift = (f"a shift (Hodges-Lehmann) of {format_signed(mw.estimate, 2)} "
             f"({confidence:.0%} CI {format_signed(low, 2)} to {format_signed(high, 2)})"
             if all(math.isfinite(v) for v in (mw.estimate, low, high)) else "no shift")
    line = (f"Ordinal check, not used for the verdict: the answers are ordered categories, "
            f"so the {mw.test} compares them without treating the scale as evenly spaced: "
            f"{stats.format_p(mw.pvalue)}, {shift}, and a probability of "
            f"{superiority:.2f} that an after {what} scores higher than a before "
            "one (ties count half; 0.50 is no change).")
    if is_ordinal_scale(b, a):
        try:
            po = proportional_odds(b, a, confidence=confidence)
        except ValueError:
            return line
        low, high = po.ci
        line += (f" The proportional-odds model (cumulative logit, as R's MASS::polr) gives "
                 f"an odds ratio of a higher answer of {po.estimate:.2f} after versus before "
                 f"({confidence:.0%} CI {low:.2f} to {high:.2f}, "
                 f"{stats.format_p(po.pvalue)}; 1 is no change).")
    return line


@dataclass(frozen=True)
class _Family:
    """What every change of one family shares."""

    alpha: float
    power: float
    multiplicity: str
    size: int
    language: str
    targets: Mapping[str, float]

    @property
    def confidence(self) -> float:
        return 1 - self.alpha

    @property
    def level(self) -> float:
        method = "holm" if self.multiplicity == "bh" else self.multiplicity
        return stats.family_alpha(self.alpha, max(self.size, 1), method)


def mean_change(key: str, before: Sequence[float], after: Sequence[float],
                family: _Family, *, what: str = "questionnaire") -> KpiChange:
    """A score that is a mean (CSI, TPS, TDS, a part): Welch's difference in means decides;
    the Mann-Whitney test with the Hodges-Lehmann shift is the ordinal-aware check."""
    b = pd.to_numeric(pd.Series(before), errors="coerce").dropna().to_numpy(float)
    a = pd.to_numeric(pd.Series(after), errors="coerce").dropna().to_numpy(float)
    if min(b.size, a.size) < 2:
        raise ValueError(f"needs at least 2 scores in each window, has {b.size} before and "
                         f"{a.size} after")
    if np.ptp(np.concatenate([b, a])) == 0:
        raise ValueError(f"every score in both windows is {b[0]:g}, so there is no change "
                         "to test")
    conf = family.confidence
    name = kpi_name(key, family.language)
    welch = stats.welch_t(b, a, confidence=conf, unit="points")
    why = (f"Welch's t test of the difference in means (the score is a mean), each {what} "
           "counted as independent; the answers are ordinal, so a rank test (Mann-Whitney, "
           "with the Hodges-Lehmann shift) is shown beside it as a check.")
    welch = replace(welch, reason=why)
    verdict = Verdict("difference in means", welch.test, float(welch.estimate),
                      (float(welch.ci[0]), float(welch.ci[1])), float(welch.pvalue),
                      float(b.mean()), why, effect_size=welch.effect_size,
                      effect_size_label=welch.effect_size_label)
    figures = (Figures("mean", float(b.mean()), float(b.mean()) + verdict.estimate,
                       verdict.estimate, verdict.ci, relative_ci=_log_ratio_ci(b, a, conf),
                       decides=True, confidence=conf),)
    sd = float(b.std(ddof=1))
    mde = (stats.mde_t(b.size, a.size, sd, alpha=family.level, power=family.power)
           if sd > 0 else None)
    estimates = [metrics.mean_estimate(v, name, confidence=conf,
                                       note=f"mean over {what}s") for v in (b, a)]
    return KpiChange(key=key, name=name, unit="score", higher_is_better=True,
                     before=estimates[0], after=estimates[1], comparison=welch,
                     difference=verdict.estimate, difference_ci=verdict.ci, mde=mde,
                     target=family.targets.get(key), alpha=family.alpha,
                     multiplicity=family.multiplicity, verdict=verdict,
                     period_note=_PERIOD_NOTE, robustness=_ordinal_line(b, a, conf, what),
                     power=family.power, mde_alpha=family.level, figures=figures,
                     family_size=max(family.size, 1), language=family.language)


def share_change(key: str, before: np.ndarray, after: np.ndarray, family: _Family,
                 *, name: str) -> KpiChange:
    """A measured standard (1 met, 0 missed per ticket; NaN not judged): the difference in
    proportions, as the ticket rates."""
    b = before[~np.isnan(before)]
    a = after[~np.isnan(after)]
    if min(b.size, a.size) < 2:
        raise ValueError(f"needs at least 2 judged tickets in each window, has {b.size} "
                         f"before and {a.size} after")
    conf = family.confidence
    result = stats.compare(b, a, "proportion", confidence=conf)
    low, high = stats.difference_ci(int(b.sum()), b.size, int(a.sum()), a.size,
                                    confidence=conf)
    diff = float(a.mean() - b.mean())
    result = replace(result, estimate=diff, ci=(float(low), float(high)))
    why = f"{result.test.capitalize()} of the shares, the tickets counted as independent."
    verdict = Verdict("difference in proportions", result.test, diff,
                      (float(low), float(high)), float(result.pvalue), float(b.mean()), why,
                      effect_size=result.effect_size,
                      effect_size_label=result.effect_size_label)
    figures = (Figures("share", float(b.mean()), float(a.mean()), diff, verdict.ci,
                       relative_ci=_log_ratio_ci(b, a, conf), decides=True, confidence=conf),)
    mde = stats.mde_prop(float(b.mean()), b.size, a.size, alpha=family.level,
                         power=family.power, direction="increase") if 0 < b.mean() < 1 else None
    estimates = [metrics.proportion_estimate(int(v.sum()), int(v.size), name, confidence=conf)
                 for v in (b, a)]
    return KpiChange(key=key, name=name, unit="fraction", higher_is_better=True,
                     before=estimates[0], after=estimates[1], comparison=result,
                     difference=diff, difference_ci=verdict.ci, mde=mde,
                     target=family.targets.get(key), alpha=family.alpha,
                     multiplicity=family.multiplicity, verdict=verdict,
                     period_note=_PERIOD_NOTE, power=family.power, mde_alpha=family.level,
                     figures=figures, family_size=max(family.size, 1),
                     language=family.language)


def bootstrap_change(key: str, before: Estimate, after: Estimate, before_reps: np.ndarray,
                     after_reps: np.ndarray, family: _Family, *, estimand: str,
                     n_before: int, n_after: int) -> KpiChange:
    """A weighted sum of shares (standards conformance, composite): the change with a
    percentile bootstrap interval (each window resampled on its own) and a z test on the
    bootstrap standard error."""
    m = min(before_reps.size, after_reps.size)
    if m < 100:
        raise ValueError("too few bootstrap resamples to give an interval")
    conf = family.confidence
    diff = float(after.value - before.value)
    reps = after_reps[:m] - before_reps[:m]
    se = float(reps.std(ddof=1))
    tail = (1 - conf) / 2
    ci = (float(np.quantile(reps, tail)), float(np.quantile(reps, 1 - tail)))
    z = diff / se if se > 0 else math.inf
    p = float(2 * norm.sf(abs(z))) if se > 0 else 0.0
    why = (f"The {estimand} is a weighted sum of shares measured on the same tickets: its "
           "change has a percentile bootstrap interval (whole tickets resampled, each window "
           "on its own) and a z test on the bootstrap standard error. Typed-in standards "
           "are constants and cannot change.")
    comparison = stats.Comparison(
        test="z test with bootstrap standard error", statistic=float(z), pvalue=p, df=None,
        estimate=diff, ci=ci, effect_size=None, n_before=n_before, n_after=n_after,
        estimate_label=f"difference in {estimand}", unit="", confidence=conf,
        alpha=family.alpha, assumptions=("tickets independent of one another",), reason=why)
    verdict = Verdict(f"difference in {estimand}", comparison.test, diff, ci, p,
                      float(before.value), why)
    figures = (Figures(estimand, float(before.value), float(after.value), diff, ci,
                       decides=True, confidence=conf),)
    mde = (float((norm.ppf(1 - family.level / 2) + norm.ppf(family.power)) * se)
           if se > 0 else None)
    return KpiChange(key=key, name=kpi_name(key, family.language), unit="fraction",
                     higher_is_better=True, before=before, after=after,
                     comparison=comparison, difference=diff, difference_ci=ci, mde=mde,
                     target=family.targets.get(key), alpha=family.alpha,
                     multiplicity=family.multiplicity, verdict=verdict,
                     period_note=_PERIOD_NOTE, power=family.power, mde_alpha=family.level,
                     figures=figures, family_size=max(family.size, 1),
                     language=family.language)


def _family(builders: Mapping[str, Callable[[_Family], KpiChange]], base: _Family
            ) -> tuple[ChangeTable, dict[str, str]]:
    """Build one family's changes (a builder that raises ValueError is skipped with its
    reason) and adjust their p-values together."""
    changes, skipped = [], {}
    for key, build in builders.items():
        try:
            changes.append(build(replace(base, size=len(builders))))
        except (ValueError, ArithmeticError) as exc:
            skipped[key] = str(exc)
    if skipped:  # the family is the changes that could be made: build them at its size
        sized = replace(base, size=len(changes))
        changes = [builders[c.key](sized) for c in changes]
    table = ChangeTable(adjust_family(changes, base.multiplicity, base.alpha), skipped,
                        base.multiplicity, base.alpha)
    return table, skipped


# ---------------------------------------------------------------- the tables


def _respondent_means(surveys: pd.DataFrame, column: str | None = None,
                      value: str | None = None) -> pd.Series:
    part = surveys if column is None else surveys[surveys[column].astype(str) == value]
    if "respondent_id" in part:
        return part.groupby("respondent_id", sort=False)["score"].mean()
    return part["score"]


def has_dimensions(surveys: pd.DataFrame) -> bool:
    """Whether the survey groups its questions in dimensions (a dimension that is not
    just its question's name).

    >>> has_dimensions(pd.DataFrame({"question": ["q1", "q2"], "dimension": ["a", "a"]}))
    True
    """
    return bool("dimension" in surveys and surveys["dimension"].notna().any()
            and (surveys["dimension"].astype(str) != surveys["question"].astype(str)).any())


def _total(table: pd.DataFrame, parts: tuple[str, ...]) -> pd.Series:
    values = table[list(parts)].apply(pd.to_numeric, errors="coerce")
    return values.sum(axis=1, min_count=len(parts))


@dataclass(frozen=True)
class ScoreChanges:
    """Every score compared: the headline family, the families of parts, each window's
    item reliability and standards, and what was skipped and why."""

    headline: ChangeTable
    detail: Mapping[str, ChangeTable] = field(default_factory=dict)
    reliability: Mapping[str, Mapping[str, Reliability]] = field(default_factory=dict)
    standards: Mapping[str, StandardsMeasure] = field(default_factory=dict)
    not_scored: Mapping[str, Any] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)

    @property
    def all_changes(self) -> tuple[KpiChange, ...]:
        return self.headline.changes + tuple(c for t in self.detail.values()
                                             for c in t.changes)

    def as_dict(self) -> dict[str, Any]:
        """results.json's ``scores`` record (the headline changes go to ``kpis``)."""
        return {
            "headline": [c.key for c in self.headline.changes],
            "detail": {group: {c.key: c.as_dict() for c in table.changes}
                       for group, table in self.detail.items()},
            "reliability": {window: {dim: r.as_dict() for dim, r in found.items()}
                            for window, found in self.reliability.items()},
            "standards": {window: m.as_dict() for window, m in self.standards.items()},
            "not_scored": dict(self.not_scored),
            "skipped": dict(self.skipped),
        }


def compare_scores(tables: ScoreTables, *, windows: Windows,
                   tickets_before: pd.DataFrame | None = None,
                   tickets_after: pd.DataFrame | None = None, alpha: float = 0.05,
                   power: float = 0.8, multiplicity: str = "holm",
                   targets: Mapping[str, float] | None = None, language: str = "en",
                   sla_first_response_minutes: float = 30.0,
                   composite_weights: Sequence[float] = (0.5, 0.3, 0.2),
                   n_resamples: int = 2000) -> ScoreChanges:
    """Compare every score the tables support between the windows (see the module)."""
    base = _Family(alpha, power, multiplicity, 1, language, dict(targets or {}))
    headline: dict[str, Callable[[_Family], KpiChange]] = {}
    groups: dict[str, dict[str, Callable[[_Family], KpiChange]]] = {}
    skipped: dict[str, str] = {}
    reliability: dict[str, dict[str, Reliability]] = {}
    measures: dict[str, StandardsMeasure] = {}
    not_scored: dict[str, Any] = {}

    def mean_of(key: str, b: Any, a: Any, what: str) -> Callable[[_Family], KpiChange]:
        return lambda fam: mean_change(key, b, a, fam, what=what)

    if tables.surveys is None:
        skipped["csi"] = "off: give surveys_path (a survey table) to compare the CSI"
    else:
        try:
            sb, sa = split_dated(tables.surveys, windows, "surveys")
        except ValueError as exc:
            skipped["csi"] = str(exc)
        else:
            headline["csi"] = mean_of("csi", _respondent_means(sb), _respondent_means(sa),
                                      "questionnaire")
            if has_dimensions(tables.surveys):
                dims = list(dict.fromkeys(tables.surveys["dimension"].astype(str)))
                groups["csi dimensions"] = {
                    f"csi.{d}": mean_of(f"csi.{d}", _respondent_means(sb, "dimension", d),
                                        _respondent_means(sa, "dimension", d),
                                        "questionnaire") for d in dims}
            questions = list(dict.fromkeys(tables.surveys["question"].astype(str))) \
                if "question" in tables.surveys else []
            if len(questions) > 1:
                groups["csi questions"] = {
                    f"csi.{q}": mean_of(f"csi.{q}", _respondent_means(sb, "question", q),
                                        _respondent_means(sa, "question", q), "answer")
                    for q in questions}
            for window, part in (("before", sb), ("after", sa)):
                reliability[window] = _reliability(part, 1 - alpha)
            if "not_scored" in tables.surveys.attrs:
                not_scored["surveys"] = tables.surveys.attrs["not_scored"]
    for key in ("tps", "tds"):
        table = getattr(tables, _TABLE_OF[key])
        what = _PER_WHAT[key]
        if table is None:
            skipped[key] = (f"off: give {_TABLE_OF[key]}_path (a "
                            f"{_TABLE_OF[key].replace('_', ' ')} table) to compare it")
            continue
        try:
            tb, ta = split_dated(table, windows, _TABLE_OF[key].replace("_", " "))
        except ValueError as exc:
            skipped[key] = str(exc)
            continue
        parts = _PARTS[key]
        headline[key] = mean_of(key, _total(tb, parts), _total(ta, parts), what)
        groups[key] = {f"{key}.{p}": mean_of(f"{key}.{p}", tb[p], ta[p], what) for p in parts}
    _standards_and_composite(tables.standards, tickets_before, tickets_after, headline,
                             groups, skipped, measures, sla_first_response_minutes,
                             composite_weights, n_resamples, 1 - alpha)
    head, head_skipped = _family(headline, base)
    skipped.update(head_skipped)
    detail = {}
    for group, builders in groups.items():
        table, group_skipped = _family(builders, base)
        detail[group] = table
        skipped.update(group_skipped)
    return ScoreChanges(head, detail, reliability, measures, not_scored, skipped)


def _reliability(surveys: pd.DataFrame, confidence: float) -> dict[str, Reliability]:
    """Cronbach's alpha per dimension, and over all questions (the CSI as one scale)."""
    found: dict[str, Reliability] = {}
    if "respondent_id" not in surveys or "question" not in surveys:
        return found
    wide = surveys.pivot_table(index="respondent_id", columns="question", values="score",
                               aggfunc="mean", observed=True)
    if wide.shape[1] >= 2:
        found["all questions"] = cronbach_alpha(wide, confidence=confidence)
    if has_dimensions(surveys):
        found.update(dimension_reliability(surveys, confidence=confidence))
    return found


def _standards_and_composite(standards: pd.DataFrame | None, before: pd.DataFrame | None,
                             after: pd.DataFrame | None,
                             headline: dict[str, Callable[[_Family], KpiChange]],
                             groups: dict[str, dict[str, Callable[[_Family], KpiChange]]],
                             skipped: dict[str, str], measures: dict[str, StandardsMeasure],
                             sla_minutes: float, weights: Sequence[float], n_resamples: int,
                             confidence: float) -> None:
    if standards is None:
        skipped["standards"] = "off: give standards_path (a standards table) to compare it"
        skipped["composite"] = "needs the standards conformance (standards_path)"
        return
    if before is None or after is None:
        skipped["standards"] = "needs the tickets of both windows"
        return
    rules = _rules(standards)
    if not any(rules):
        skipped["standards"] = ("typed in: the standards table gives one conformance per "
                                "standard, not one per window; give each a rule on the "
                                "tickets (e.g. first_response_minutes <= 30) to compare it")
        skipped["composite"] = "needs standards measured from the tickets (a rule per standard)"
        return
    try:
        for window, seed, tickets in (("before", 1, before), ("after", 2, after)):
            measures[window] = measure_standards(standards, tickets, confidence=confidence,
                                                 n_resamples=n_resamples, seed=20260406 + seed)
    except ValueError as exc:
        skipped["standards"] = str(exc)
        skipped["composite"] = "needs the standards conformance"
        return
    mb, ma = measures["before"], measures["after"]
    headline["standards"] = lambda fam: bootstrap_change(
        "standards", mb.weighted, ma.weighted, mb.replicates, ma.replicates, fam,
        estimand=N_("weighted conformance"), n_before=len(before), n_after=len(after))
    frame = standards.reset_index(drop=True)
    groups["standards"] = {}
    for i, rule in enumerate(rules):
        if rule is None:
            skipped[f"standards.{frame.at[i, 'standard']}"] = (
                "typed in: one figure for both windows, not compared")
            continue
        name = str(frame.at[i, "standard"])
        vb = rule_values(before, rule).to_numpy(float)
        va = rule_values(after, rule).to_numpy(float)
        groups["standards"][f"standards.{name}"] = (
            lambda fam, vb=vb, va=va, name=name: share_change(
                f"standards.{name}", vb, va, fam, name=f"Standard met: {name}"))
    _composite(standards, before, after, mb, ma, headline, skipped, sla_minutes, weights,
               n_resamples, confidence)


def _composite(standards: pd.DataFrame, before: pd.DataFrame, after: pd.DataFrame,
               mb: StandardsMeasure, ma: StandardsMeasure,
               headline: dict[str, Callable[[_Family], KpiChange]], skipped: dict[str, str],
               sla_minutes: float, weights: Sequence[float], n_resamples: int,
               confidence: float) -> None:
    """Composite = a·satisfaction (CSAT share 4-5) + b·efficiency (first response within
    the SLA) + c·compliance (weighted standards), bootstrapped over whole tickets (4.2)."""
    if not weights:
        skipped["composite"] = "off: composite_weights is empty"
        return
    lacking = [c for c in ("csat", "first_response_at")
               if c not in before or not before[c].notna().any()]
    if lacking:
        skipped["composite"] = f"needs the column {', '.join(lacking)} (map it in the mapping)"
        return
    a, b, c = (float(w) for w in weights)
    found = {}
    for window, seed, tickets, measure in (("before", 11, before, mb), ("after", 12, after, ma)):
        matrix, w, typed = composite_columns(standards, tickets, sla_minutes)
        reps = bootstrap_means(matrix, n_resamples, 20260406 + seed)
        combined = composite_value(reps, weights, w, typed)
        means = np.nanmean(matrix, axis=0)
        value = float(a * means[0] + b * means[1] + c * measure.weighted.value)
        tail = (1 - confidence) / 2
        combined = combined[np.isfinite(combined)]
        found[window] = (Estimate(
            name=kpi_name("composite"), value=value, n=len(tickets),
            ci=(float(np.quantile(combined, tail)), float(np.quantile(combined, 1 - tail))),
            unit="fraction", confidence=confidence,
            method=(f"{a:g}·CSAT share + {b:g}·first response within {sla_minutes:g} min + "
                    f"{c:g}·weighted standards (4.2); percentile bootstrap over tickets"),
            extra={"satisfaction": float(means[0]), "efficiency": float(means[1]),
                   "compliance": float(measure.weighted.value)}), combined)
    (eb, rb), (ea, ra) = found["before"], found["after"]
    headline["composite"] = lambda fam: bootstrap_change(
        "composite", eb, ea, rb, ra, fam, estimand=N_("composite score"), n_before=len(before),
        n_after=len(after))


def _rules(standards: pd.DataFrame) -> list[Any]:
    frame = standards.reset_index(drop=True)
    return ([None if pd.isna(r) or not str(r).strip() else parse_rule(str(r))
             for r in frame["rule"]] if "rule" in frame else [None] * len(frame))


def measured_standards(standards: pd.DataFrame) -> list[str]:
    """The names of the standards with a rule on the tickets, in the table's order: the
    columns of :func:`standards_columns`.

    >>> measured_standards(pd.DataFrame({"standard": ["FCR", "Polite"],
    ...                                  "rule": ["first_contact_resolved", ""]}))
    ['FCR']
    """
    frame = standards.reset_index(drop=True)
    return [str(frame.at[i, "standard"]) for i, rule in enumerate(_rules(frame))
            if rule is not None]


def standards_columns(standards: pd.DataFrame, tickets: pd.DataFrame
                      ) -> tuple[np.ndarray, np.ndarray, float]:
    """The weighted conformance's parts on ``tickets``: one column per standard with a
    rule (1 met, 0 missed, NaN not judged, per ticket), those standards' weights, and the
    typed-in standards' fixed share (weight x conformance). The conformance of any set of
    these tickets is ``column means @ weights + typed``.

    >>> s = pd.DataFrame({"standard": ["FCR", "Polite"], "weight": [0.6, 0.4],
    ...                   "conformance": [None, 0.9], "rule": ["first_contact_resolved", ""]})
    >>> m, w, typed = standards_columns(s, pd.DataFrame({"first_contact_resolved": [1, 0]}))
    >>> m.ravel().tolist(), w.tolist(), round(typed, 2)
    ([1.0, 0.0], [0.6], 0.36)
    """
    frame = standards.reset_index(drop=True)
    rules = _rules(frame)
    weights = frame["weight"].astype(float).to_numpy()
    measured = [i for i, r in enumerate(rules) if r is not None]
    typed = float(sum(weights[i] * float(frame.at[i, "conformance"])
                      for i, r in enumerate(rules) if r is None))
    matrix = np.column_stack([rule_values(tickets, rules[i]).to_numpy(float)
                              for i in measured]) if measured else np.empty((len(tickets), 0))
    return matrix, weights[measured], typed


def composite_columns(standards: pd.DataFrame, tickets: pd.DataFrame, sla_minutes: float
                      ) -> tuple[np.ndarray, np.ndarray, float]:
    """The composite's parts on ``tickets`` (4.2): a CSAT of 4 or 5, a first response within
    ``sla_minutes``, then :func:`standards_columns`' columns; the weights and typed-in
    share of the standards part. Read with :func:`composite_value`."""
    matrix, w, typed = standards_columns(standards, tickets)
    lead = np.column_stack([rule_values(tickets, parse_rule(rule)).to_numpy(float) for rule in
                            ("csat >= 4", f"first_response_minutes <= {sla_minutes:g}")])
    return np.column_stack([lead, matrix]), w, typed


def composite_value(means: np.ndarray, weights: Sequence[float], w: np.ndarray,
                    typed: float) -> Any:
    """a·satisfaction + b·efficiency + c·compliance from the means of
    :func:`composite_columns`' columns (one row of means, or one per resample).

    >>> round(float(composite_value(np.array([0.8, 0.9, 1.0]), (0.5, 0.3, 0.2),
    ...                             np.array([0.5]), 0.4)), 4)
    0.85
    """
    a, b, c = (float(v) for v in weights)
    return a * means[..., 0] + b * means[..., 1] + c * (means[..., 2:] @ w + typed)
