"""Feedback statistics: class shares and their Pareto, shares over time on p charts, and
the change of each class's share between two windows.

Every figure is a share of feedback items (the estimand: "share of items in the class"),
with a Wilson interval; a change is a difference of two shares (R's ``prop.test``,
:func:`pdcakit.stats.two_proportions`) with the p-values adjusted over the classes
(Holm by default: valid for the dependent shares of one classification, which sum to 1).
Wording is the page's (:mod:`pdcakit.stages.registers_page`).

>>> s = class_shares(["attitude", "attitude", "response_speed", "other"])
>>> s.counts["attitude"], round(s.estimates["attitude"].value, 2), list(s.pareto().index)[:2]
(2, 0.5, ['attitude', 'response_speed'])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.metrics.proportions import proportion_estimate
from pdcakit.results import Estimate

from .lexicon import Lexicon
from .schema import CLASS_NAMES, CLASSES

__all__ = ["ClassSeries", "ClassShares", "ShareChange", "ShareChanges", "class_shares",
           "labelled", "share_changes", "shares_over_time"]


def labelled(feedback: pd.DataFrame, lexicon: Lexicon, *, classes_from: str = "lexicon"
             ) -> pd.Series:
    """The class of each item: the lexicon's (``classes_from="lexicon"``: one classifier
    for every item, so shares stay comparable over time) or the export's own
    (``"export"``: every item must carry one).

    >>> from pdcakit.registers.lexicon import load_lexicon
    >>> f = pd.DataFrame({"text": ["回复太慢", "rude agent"], "class": [None, "attitude"]})
    >>> labelled(f, load_lexicon()).tolist()
    ['response_speed', 'attitude']
    """
    if classes_from == "lexicon":
        if "text" not in feedback:
            raise ValueError("the lexicon needs the feedback's words: map the column holding "
                             "them under columns: text: (or give classes_from='export')")
        return pd.Series(lexicon.classify(feedback["text"]), index=feedback.index,
                         name="class", dtype=object)
    if classes_from == "export":
        if "class" not in feedback:
            raise ValueError("classes_from='export' needs the export's class column: map it "
                             "under columns: class:, or give classes_from='lexicon'")
        missing = int(feedback["class"].isna().sum())
        if missing:
            raise ValueError(f"classes_from='export': {missing:,} of {len(feedback):,} items "
                             "carry no class; give classes_from='lexicon' to classify every "
                             "item by its words")
        return feedback["class"].astype(object).rename("class")
    raise ValueError(f"classes_from must be 'lexicon' or 'export', not {classes_from!r}")


@dataclass(frozen=True)
class ClassShares:
    """Items per class (every class of the method, ``other`` included) and each class's
    share with its Wilson interval."""

    counts: dict[str, int]
    n: int
    estimates: dict[str, Estimate]
    confidence: float = 0.95

    def pareto(self) -> pd.DataFrame:
        """Classes largest first: ``count``, ``share``, ``cumulative_share``."""
        counts = pd.Series(self.counts, dtype=int)
        counts = counts[counts > 0].sort_values(ascending=False, kind="stable")
        frame = pd.DataFrame({"count": counts})
        frame["share"] = frame["count"] / self.n if self.n else 0.0
        frame["cumulative_share"] = frame["share"].cumsum()
        frame.index.name = "class"
        return frame

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "counts": dict(self.counts),
                "shares": {k: e.as_dict() for k, e in self.estimates.items()},
                "pareto": list(self.pareto().index)}


def class_shares(labels: Sequence[str], *, confidence: float = 0.95) -> ClassShares:
    """Counts and shares of ``labels`` (class keys) over the method's classes."""
    series = pd.Series(list(labels), dtype=object)
    unknown = sorted(set(series.dropna()) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown classes {unknown}; the classes are {', '.join(CLASSES)}")
    n = int(series.notna().sum())
    counts = {k: int((series == k).sum()) for k in CLASSES}
    estimates = ({k: proportion_estimate(counts[k], n, CLASS_NAMES[k], confidence=confidence)
                  for k in CLASSES} if n else {})
    return ClassShares(counts=counts, n=n, estimates=estimates, confidence=confidence)


@dataclass(frozen=True, eq=False)
class ClassSeries:
    """Items per period and class, every period from the first to the last (a period with
    no item is kept, its share missing), and a p chart per class (None with the reason
    in ``skipped`` when a class cannot have one)."""

    period: str
    starts: tuple[pd.Timestamp, ...]
    counts: pd.DataFrame        # period start x class
    totals: np.ndarray          # items per period
    charts: dict[str, Any]      # class -> PChartResult
    skipped: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        def num(v: float) -> float | None:
            return float(v) if math.isfinite(float(v)) else None

        out: dict[str, Any] = {"period": self.period,
                               "periods": [f"{s:%Y-%m-%d}" for s in self.starts],
                               "items": [int(t) for t in self.totals], "classes": {}}
        for key in CLASSES:
            entry: dict[str, Any] = {"counts": [int(c) for c in self.counts[key]]}
            chart = self.charts.get(key)
            if chart is not None:
                entry.update(centre=num(chart.centre),
                             lcl=[num(v) for v in chart.lcl], ucl=[num(v) for v in chart.ucl],
                             signals=[f"{self.starts[i]:%Y-%m-%d}"
                                      for i in np.flatnonzero(chart.signals)],
                             sentence=chart.sentence)
            else:
                entry["skipped"] = self.skipped.get(key, "")
            out["classes"][key] = entry
        return out


def shares_over_time(received_at: pd.Series, labels: Sequence[str], *, period: str = "W",
                     freeze: int | None = None, part: Any = None) -> ClassSeries:
    """Each class's share per period on a p chart (:func:`pdcakit.spc.p_chart`).

    ``freeze``: limits from the first ``freeze`` periods; ``part``: phases (e.g. split at
    the go-live). A class with no item at all, or fewer than 2 periods with items, has no
    chart (``skipped`` says why).

    >>> t = pd.Series(pd.to_datetime(["2026-01-05", "2026-01-06", "2026-01-20"]))
    >>> s = shares_over_time(t, ["attitude", "other", "attitude"])
    >>> [f"{d:%d %b}" for d in s.starts], s.totals.tolist()
    (['05 Jan', '12 Jan', '19 Jan'], [2, 0, 1])
    """
    from pdcakit import spc
    from pdcakit.periods import period_codes, period_labels

    codes = period_codes(pd.Series(received_at).reset_index(drop=True), period)
    frame = pd.DataFrame({"code": codes, "class": list(labels)}).dropna()
    if frame.empty:
        raise ValueError("not enough data: no item has a received_at time")
    span = np.arange(frame["code"].min(), frame["code"].max() + 1)
    counts = (pd.crosstab(frame["code"], frame["class"]).reindex(index=span, columns=list(CLASSES),
                                                                 fill_value=0))
    starts = tuple(p.start_time for p in period_labels(span, period))
    counts.index = pd.Index(starts, name="period_start")
    totals = counts.sum(axis=1).to_numpy()
    denominators = np.where(totals > 0, totals, np.nan).astype(float)
    labels_text = [f"{s:%Y-%m-%d}" for s in starts]
    charts: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for key in CLASSES:
        numerators = np.where(totals > 0, counts[key].to_numpy(), np.nan).astype(float)
        if counts[key].sum() == 0:
            skipped[key] = "no item in this class"
            continue
        try:
            charts[key] = spc.p_chart(numerators, denominators, freeze=freeze, part=part,
                                      labels=labels_text)
        except ValueError as exc:
            skipped[key] = str(exc)
    return ClassSeries(period=period, starts=starts, counts=counts, totals=totals,
                       charts=charts, skipped=skipped)


@dataclass(frozen=True)
class ShareChange:
    """One class's share before and after, the difference (after - before) with its
    interval, the raw and adjusted p-value; ``ci_adjusted`` at ``ci_level``, the level
    that agrees with the adjusted decision, ``1 - alpha * p / p_adjusted``
    (:func:`pdcakit.stats.decision.adjusted_level`: Bonferroni's ``1 - alpha / m`` for the
    smallest p of a Holm family). ``note`` says why a class was not tested (then the test
    fields are None)."""

    key: str
    x_before: int
    n_before: int
    x_after: int
    n_after: int
    difference: float | None = None
    ci: tuple[float, float] | None = None
    ci_adjusted: tuple[float, float] | None = None
    ci_level: float | None = None
    pvalue: float | None = None
    p_adjusted: float | None = None
    significant: bool = False
    note: str = ""

    @property
    def before(self) -> float:
        return self.x_before / self.n_before

    @property
    def after(self) -> float:
        return self.x_after / self.n_after

    def as_dict(self) -> dict[str, Any]:
        return {"class": self.key, "estimand": "share of items", "before": self.before,
                "after": self.after, "x_before": self.x_before, "n_before": self.n_before,
                "x_after": self.x_after, "n_after": self.n_after,
                "difference": self.difference,
                "ci": None if self.ci is None else list(self.ci),
                "ci_adjusted": None if self.ci_adjusted is None else list(self.ci_adjusted),
                "ci_level": self.ci_level,
                "pvalue": self.pvalue, "p_adjusted": self.p_adjusted,
                "significant": self.significant, "answer": self.answer, "note": self.note}

    @property
    def answer(self) -> str:
        """``rose``, ``fell`` (significant after the adjustment), ``no clear change``, or
        ``not tested``. A share has no better direction of its own: less feedback about
        response speed may be fewer complaints or fewer compliments."""
        if self.pvalue is None or self.difference is None:
            return "not tested"
        if not self.significant:
            return "no clear change"
        return "rose" if self.difference > 0 else "fell"


@dataclass(frozen=True)
class ShareChanges:
    """Every class's change, the family's adjustment and its level."""

    changes: tuple[ShareChange, ...]
    alpha: float
    multiplicity: str
    confidence: float
    family_size: int
    test: str = "two-proportion chi-square test (R prop.test, no continuity correction)"

    def as_dict(self) -> dict[str, Any]:
        return {"test": self.test, "alpha": self.alpha, "multiplicity": self.multiplicity,
                "family_size": self.family_size, "confidence": self.confidence,
                "classes": {c.key: c.as_dict() for c in self.changes}}


def share_changes(before: Sequence[str], after: Sequence[str], *, alpha: float = 0.05,
                  multiplicity: str = "holm", confidence: float = 0.95) -> ShareChanges:
    """The change of each class's share from ``before`` to ``after`` (class keys), tested
    as two proportions and adjusted over the classes tested (``multiplicity``: holm, bh,
    none). A class with no item in either window (or every item in both) is not tested.

    >>> c = share_changes(["response_speed"] * 30 + ["attitude"] * 70,
    ...                   ["response_speed"] * 10 + ["attitude"] * 90)
    >>> r = c.changes[2]
    >>> r.key, round(r.difference, 2), r.significant, c.family_size
    ('response_speed', -0.2, True, 2)
    """
    from pdcakit import stats
    from pdcakit.stats.decision import adjusted_level

    b, a = pd.Series(list(before), dtype=object), pd.Series(list(after), dtype=object)
    n1, n2 = int(b.notna().sum()), int(a.notna().sum())
    if n1 < 1 or n2 < 1:
        raise ValueError(f"not enough data: {n1} items before and {n2} after, need >= 1 each")
    tested: list[tuple[str, Any]] = []
    out: dict[str, ShareChange] = {}
    for key in CLASSES:
        x1, x2 = int((b == key).sum()), int((a == key).sum())
        if x1 + x2 == 0 or x1 + x2 == n1 + n2:
            out[key] = ShareChange(key, x1, n1, x2, n2,
                                   note="no item in this class in either window"
                                   if x1 + x2 == 0 else "every item is in this class")
            continue
        tested.append((key, stats.two_proportions(x1, n1, x2, n2, confidence=confidence)))
    m = len(tested)
    adjusted = stats.adjust_pvalues([r.pvalue for _, r in tested], multiplicity) if m else []
    for (key, r), p_adj in zip(tested, adjusted, strict=True):
        x1, x2 = int((b == key).sum()), int((a == key).sum())
        level = adjusted_level(alpha, float(r.pvalue), float(p_adj))
        wide = stats.two_proportions(x1, n1, x2, n2, confidence=level)
        out[key] = ShareChange(key, x1, n1, x2, n2, difference=float(r.estimate),
                               ci=tuple(map(float, r.ci)), ci_adjusted=tuple(map(float, wide.ci)),
                               ci_level=level, pvalue=float(r.pvalue), p_adjusted=float(p_adj),
                               significant=bool(p_adj < alpha))
    return ShareChanges(changes=tuple(out[k] for k in CLASSES), alpha=alpha,
                        multiplicity=multiplicity, confidence=confidence, family_size=m)
