"""Service standards measured from the tickets (4.2), per window, with intervals.

A standards table row (``standard``, ``weight``, and ``rule`` or ``conformance``) either
carries a rule on the tickets, measured in each window, or a conformance typed in
(kept, and labelled "typed in": it has no sample and no interval). Rules:

- ``first_response_minutes <= 30`` and ``resolution_hours <= 24`` (also
  ``resolution_minutes``): the ticket met it when the event came within the time; a
  ticket still waiting at the export counts as missed once it has waited longer, and is
  left out while it has not (it cannot be judged yet) -- :func:`pdcakit.metrics.sla_met`;
- ``csat >= 4.5``, ``nps >= 9``, ``handle_minutes <= 15``: tickets with a value, compared;
- ``first_contact_resolved`` (one-time resolution), ``not complaint``, ``not reopened``.

Each measured standard is a share with its Wilson interval; the weighted conformance
``sum(weight x conformance)`` has a bootstrap interval over tickets (the rules are
measured on the same tickets, so their errors are not independent; resampling whole
tickets keeps that). Typed-in rows enter the sum as constants.

The method's first-response standard is 30 minutes (4.2: "response within 30 minutes").

>>> parse_rule("csat >= 4.5")
Rule(measure='csat', op='>=', threshold=4.5, negate=False)
>>> parse_rule("not complaint").describe()
'not complaint'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import metrics
from pdcakit.results import Estimate

__all__ = ["METHOD_FIRST_RESPONSE_MINUTES", "Rule", "StandardResult", "StandardsMeasure",
           "bootstrap_means",
           "measure_standards", "parse_rule", "rule_values", "standards_matrix"]

#: The method's first-response standard (4.2): a response within 30 minutes (one home:
#: the ticket KPIs' default SLA).
METHOD_FIRST_RESPONSE_MINUTES = metrics.registry.DEFAULT_PARAMS["sla_first_response_minutes"]

_TIMES = {"first_response_minutes": ("first_response", 1.0),
          "resolution_minutes": ("resolution", 1.0),
          "resolution_hours": ("resolution", 60.0)}
_NUMBERS = ("csat", "nps", "handle_minutes")
_FLAGS = ("first_contact_resolved", "complaint", "reopened")
_OPS = {"<=": np.less_equal, "<": np.less, ">=": np.greater_equal, ">": np.greater,
        "==": np.equal}
_RULE = re.compile(r"^\s*(not\s+)?([a-z_]+)\s*(?:(<=|>=|==|=|<|>|≤|≥)\s*(-?\d+(?:\.\d+)?))?\s*$",
                   re.IGNORECASE)
_EXAMPLES = ("first_response_minutes <= 30, resolution_hours <= 24, first_contact_resolved, "
             "csat >= 4.5, not complaint")


@dataclass(frozen=True)
class Rule:
    """A rule on each ticket: ``measure op threshold`` or a yes/no column (``negate``)."""

    measure: str
    op: str = ""
    threshold: float | None = None
    negate: bool = False

    def describe(self) -> str:
        if self.op:
            return f"{self.measure} {self.op} {self.threshold:g}"
        return f"{'not ' if self.negate else ''}{self.measure}"

    @property
    def columns(self) -> tuple[str, ...]:
        """The ticket columns the rule reads."""
        if self.measure in _TIMES:
            event = _TIMES[self.measure][0]
            return ("created_at", "first_response_at" if event == "first_response"
                    else "resolved_at")
        return (self.measure,)


def parse_rule(text: str) -> Rule:
    """Read a rule; ValueError naming the rule and the accepted forms when it is not one.

    >>> parse_rule("first_response_minutes ≤ 30").threshold
    30.0
    """
    found = _RULE.match(str(text))
    if not found:
        raise ValueError(f"rule {text!r} is not a rule on the tickets; write e.g. {_EXAMPLES}")
    negate, measure, op, number = found.groups()
    measure = measure.lower()
    op = {"=": "==", "≤": "<=", "≥": ">="}.get(op or "", op or "")
    if measure in _FLAGS:
        if op:
            raise ValueError(f"rule {text!r}: {measure} is yes/no; write {measure} or "
                             f"not {measure}")
        return Rule(measure, negate=bool(negate))
    if measure in _TIMES or measure in _NUMBERS:
        if not op or negate:
            raise ValueError(f"rule {text!r}: {measure} needs a comparison, e.g. "
                             f"{measure} <= 30")
        if measure in _TIMES and op not in ("<=", "<"):
            raise ValueError(f"rule {text!r}: a time standard is met within a time; write "
                             f"{measure} <= {number}")
        return Rule(measure, op, float(number))
    known = ", ".join((*_TIMES, *_NUMBERS, *_FLAGS))
    raise ValueError(f"rule {text!r}: {measure!r} is not a measure of the tickets; measures: "
                     f"{known}")


def rule_values(tickets: pd.DataFrame, rule: Rule) -> pd.Series:
    """Per ticket: 1.0 meets the rule, 0.0 does not, NaN cannot be judged (no value, or
    still waiting and not yet past the time).

    >>> t = pd.DataFrame({"csat": [5, 4, None, 3]})
    >>> rule_values(t, parse_rule("csat >= 4")).tolist()
    [1.0, 1.0, nan, 0.0]
    """
    missing = [c for c in rule.columns if c not in tickets or not tickets[c].notna().any()]
    if missing:
        raise ValueError(f"rule {rule.describe()!r} needs the column {', '.join(missing)} "
                         "(map it under columns: in the mapping), or type the conformance in")
    if rule.measure in _TIMES:
        event, minutes = _TIMES[rule.measure]
        return metrics.sla_met(tickets, threshold_minutes=rule.threshold * minutes,
                               event=event)
    values = tickets[rule.measure]
    if rule.measure in _FLAGS:
        flags = values.astype("boolean")
        met = ~flags if rule.negate else flags
        return met.astype("Float64").astype(float)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(float)
    met = _OPS[rule.op](numbers, rule.threshold).astype(float)
    met[np.isnan(numbers)] = np.nan
    return pd.Series(met, index=tickets.index)


@dataclass(frozen=True)
class StandardResult:
    """One standard in one window: measured (``rule``) or typed in."""

    standard: str
    weight: float
    conformance: Estimate
    rule: str = ""

    @property
    def typed_in(self) -> bool:
        return not self.rule

    def as_dict(self) -> dict[str, Any]:
        return {"standard": self.standard, "weight": self.weight, "rule": self.rule or None,
                "source": "typed in" if self.typed_in else "measured from the tickets",
                "conformance": self.conformance.as_dict()}


@dataclass(frozen=True)
class StandardsMeasure:
    """Every standard of one window and the weighted conformance with its interval.

    ``replicates`` are the weighted conformance's bootstrap replicates (kept for the
    before/after comparison; not written to results.json).
    """

    rows: tuple[StandardResult, ...]
    weighted: Estimate
    replicates: np.ndarray = field(repr=False, default_factory=lambda: np.array([]))

    def as_dict(self) -> dict[str, Any]:
        return {"standards": [r.as_dict() for r in self.rows],
                "weighted": self.weighted.as_dict()}


def _rules(standards: pd.DataFrame) -> list[Rule | None]:
    out: list[Rule | None] = []
    has_rule = "rule" in standards
    for i, row in standards.reset_index(drop=True).iterrows():
        text = row.get("rule") if has_rule else None
        if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
            if "conformance" not in standards or pd.isna(row.get("conformance")):
                raise ValueError(f"standard {row['standard']!r} (row {i + 2}) has neither a "
                                 "rule nor a conformance; give a rule on the tickets "
                                 f"({_EXAMPLES}) or type the conformance in")
            out.append(None)
        else:
            try:
                out.append(parse_rule(str(text)))
            except ValueError as exc:
                raise ValueError(f"standard {row['standard']!r} (row {i + 2}): {exc}") from None
    return out


def standards_matrix(standards: pd.DataFrame, tickets: pd.DataFrame) -> np.ndarray:
    """Tickets x measured standards: 1 met, 0 missed, NaN cannot be judged."""
    rules = [r for r in _rules(standards) if r is not None]
    if not rules:
        return np.empty((len(tickets), 0))
    return np.column_stack([rule_values(tickets, r).to_numpy(float) for r in rules])


def _patterns(coded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of ``coded`` (-1 not judged, 0 missed, 1 met) in
    ``np.unique(coded, axis=0)``'s order, and how many tickets have each. Each row read
    as a base-3 number (first column most significant) sorts as the rows do, so one
    unique of integers gives the same patterns and counts in ~1 ms instead of ~45 ms at
    50,000 tickets (a sort of rows); other values, or too many columns for an int64, take
    the row sort.

    >>> p, c = _patterns(np.array([[1.0, -1.0], [0.0, 1.0], [1.0, -1.0]]))
    >>> p.tolist(), c.tolist()
    ([[0.0, 1.0], [1.0, -1.0]], [1, 2])
    """
    columns = coded.shape[1]
    if columns == 0 or columns > 39 or not np.isin(coded, (-1.0, 0.0, 1.0)).all():
        return np.unique(coded, axis=0, return_counts=True)
    digits = (coded + 1).astype(np.int64)
    codes = digits @ (3 ** np.arange(columns - 1, -1, -1, dtype=np.int64))
    _, first, counts = np.unique(codes, return_index=True, return_counts=True)
    return coded[first], counts


def bootstrap_means(matrix: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """Resamples x columns: each column's mean over the judged tickets (NaN: not judged)
    of a resample of whole tickets.

    Aggregated first: tickets with the same row (met, missed or not judged per column;
    at most 3 ** columns patterns) are one category, and a resample of n tickets is a
    multinomial draw of n over the patterns with their shares, which is the same
    distribution as drawing tickets one by one.

    >>> reps = bootstrap_means(np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 0.0]]), 400, 1)
    >>> reps.shape, bool(0.3 < np.nanmean(reps[:, 0]) < 0.9)
    ((400, 2), True)
    """
    n = matrix.shape[0]
    rng = np.random.default_rng(seed)
    coded = np.where(np.isnan(matrix), -1.0, matrix)
    patterns, counts = _patterns(coded)
    judged = (patterns >= 0).astype(float)
    met = np.where(patterns >= 0, patterns, 0.0)
    draws = rng.multinomial(n, counts / n, size=n_resamples).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (draws @ met) / (draws @ judged)


def measure_standards(standards: pd.DataFrame, tickets: pd.DataFrame | None = None, *,
                      confidence: float = 0.95, n_resamples: int = 2000,
                      seed: int = 20260406) -> StandardsMeasure:
    """Each standard's conformance in ``tickets`` (typed-in rows as given) and the
    weighted conformance with its percentile bootstrap interval over tickets.

    Raises ValueError naming the standard: a rule that is not one, a rule whose columns
    the tickets lack (type that conformance in instead), no judged ticket.

    >>> t = pd.DataFrame({"csat": [5, 5, 4, 3, 5, 5, 2, 5] * 10,
    ...                   "first_contact_resolved": [True, False] * 40})
    >>> s = pd.DataFrame({"standard": ["CSAT 5", "One-time resolution", "Audit"],
    ...                   "weight": [0.5, 0.3, 0.2], "rule": ["csat >= 4.5",
    ...                   "first_contact_resolved", None], "conformance": [None, None, 0.9]})
    >>> m = measure_standards(s, t, n_resamples=500)
    >>> round(m.weighted.value, 4), [r.typed_in for r in m.rows]
    (0.6425, [False, False, True])
    """
    rules = _rules(standards)
    frame = standards.reset_index(drop=True)
    weights = frame["weight"].astype(float).to_numpy()
    if abs(weights.sum() - 1) > 1e-3:
        raise ValueError(f"standard weights must sum to 1, they sum to {weights.sum():.3f}")
    measured = [i for i, r in enumerate(rules) if r is not None]
    if measured and tickets is None:
        raise ValueError("standards with rules are measured from the tickets, and no tickets "
                         "were given")
    matrix = (standards_matrix(frame, tickets) if measured
              else np.empty((0 if tickets is None else len(tickets), 0)))
    rows: list[StandardResult] = []
    column = 0
    values = np.empty(len(frame))
    for i, rule in enumerate(rules):
        name = str(frame.at[i, "standard"])
        if rule is None:
            value = float(frame.at[i, "conformance"])
            est = Estimate(name=name, value=value, n=0, unit="fraction", method="typed in",
                           note="typed in: no sample, no interval")
            rows.append(StandardResult(name, float(weights[i]), est))
        else:
            col = matrix[:, column]
            column += 1
            judged = col[~np.isnan(col)]
            if judged.size == 0:
                raise ValueError(f"standard {name!r} ({rule.describe()}): no ticket in the "
                                 "window can be judged")
            est = metrics.proportion_estimate(int(judged.sum()), int(judged.size), name,
                                              confidence=confidence)
            unjudged = int(col.size - judged.size)
            if unjudged:
                est = replace(est, note=f"{unjudged:,} tickets cannot be judged (no value, "
                                        "or still waiting within the time)")
            rows.append(StandardResult(name, float(weights[i]), est, rule.describe()))
        values[i] = rows[-1].conformance.value
    weighted_value = float((weights * values).sum())
    replicates = np.array([])
    ci = None
    if measured:
        boot = bootstrap_means(matrix, n_resamples, seed)
        typed = sum(weights[i] * values[i] for i in range(len(rules)) if rules[i] is None)
        replicates = boot @ weights[measured] + typed
        replicates = replicates[np.isfinite(replicates)]
        tail = (1 - confidence) / 2
        ci = (float(np.quantile(replicates, tail)), float(np.quantile(replicates, 1 - tail)))
    n_typed = sum(r is None for r in rules)
    note = (f"{n_typed} of {len(rules)} standards typed in (constants in the sum)"
            if n_typed else "")
    weighted = Estimate(
        name="Standards conformance (weighted)", value=weighted_value,
        n=int(matrix.shape[0]) if measured else len(rules), ci=ci, unit="fraction",
        method=("sum of weight x conformance (4.2); percentile bootstrap over tickets"
                if measured else "sum of weight x conformance (4.2), typed in"),
        confidence=confidence,
        note=note if measured else "typed in: no interval (the figures carry no samples)",
        extra={"measured": len(measured), "typed_in": n_typed})
    return StandardsMeasure(tuple(rows), weighted, replicates)
