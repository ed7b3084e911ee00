"""Predictions that score themselves (the Study step of PDSA, done honestly).

A prediction in the cycle record is a checkable statement written in Plan,
before any after-data exist: a KPI (optionally within one segment), a
direction, a size and the team's confidence, e.g.::

    predictions:
      - {kpi: fcr, direction: rise, size: 3, unit: points, confidence: 0.8,
         written: 2026-03-02, commit: 1a2b3c4, fingerprint: 5d41402abc4b}

``pdca predict`` writes them with the date, the git commit and a fingerprint of
the statement. The Check stage's compare run scores each one from the change it
measured and the CI of that change (at the compare run's level, 1 - alpha):

- ``rise`` / ``fall`` by at least ``size``: **met** when the whole CI lies beyond
  the size, **not met** when the whole CI falls short of it, **not enough data**
  when the CI straddles it;
- ``no change`` within +/- ``size`` (an equivalence margin): **met** when the
  whole CI lies inside the margin, **not met** when it lies wholly outside,
  **not enough data** otherwise.

Units: ``points`` (percentage points of a share, or NPS points), ``%`` (relative
to the before value, which is treated as known), or ``absolute`` (the KPI's own
unit: minutes, score). A prediction written after data collection began (the
after window's first day) or edited since it was written (its fingerprint no
longer matches) is flagged: a forecast made with the answer in view is not one.

>>> p = Prediction.from_entry({"kpi": "fcr", "direction": "rise", "size": 3, "unit": "points"})
>>> p.statement
'First contact resolution rises by at least 3 points'
>>> score_change(p, estimate=6.3, ci=(5.4, 7.2)).outcome
'met'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.run.resultsfile import SegmentChange, StageResults, results_from_dict

__all__ = ["DIRECTIONS", "OUTCOMES", "UNITS", "Prediction", "PredictionError", "Score",
           "fingerprint", "score_change", "score_predictions"]

DIRECTIONS = ("rise", "fall", "no change")
UNITS = ("points", "%", "absolute")
OUTCOMES = ("met", "not met", "not enough data", "cannot score")


class PredictionError(PdcaError, ValueError):
    """A prediction entry that is not a checkable statement (says which field and why)."""


def fingerprint(kpi: str, direction: str, size: float, unit: str, segment: str | None) -> str:
    """Short hash of what a prediction claims; a later edit changes it.

    >>> fingerprint("fcr", "rise", 3, "points", None)
    'c84ff34d9b81'
    """
    text = f"{kpi}|{segment or ''}|{direction}|{float(size):g}|{unit}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _kpi_name(kpi: str) -> str:
    from pdcakit.kpis import KPI_INFO

    return KPI_INFO[kpi].name if kpi in KPI_INFO else kpi


@dataclass(frozen=True)
class Prediction:
    """One checkable prediction from the cycle record."""

    kpi: str
    direction: str
    size: float
    unit: str
    segment: str | None = None          # "channel=email"
    confidence: float | None = None     # the team's stated confidence, 0-1
    written: dt.date | None = None
    commit: str | None = None
    stored_fingerprint: str | None = None

    @classmethod
    def from_entry(cls, entry: Any, index: int = 0) -> Prediction:
        """Validate one ``predictions`` entry; raise PredictionError naming the field."""
        where = f"predictions[{index}]"
        if not isinstance(entry, dict):
            raise PredictionError(f"{where} is free text ({str(entry)[:60]!r}): write it as "
                                  "{kpi: ..., direction: rise|fall|no change, size: ..., "
                                  "unit: points|%|absolute} so it can be scored")
        kpi = entry.get("kpi")
        if not isinstance(kpi, str) or not kpi:
            raise PredictionError(f"{where}.kpi is missing: name a KPI key such as fcr")
        direction = str(entry.get("direction", "")).strip().lower()
        if direction not in DIRECTIONS:
            raise PredictionError(f"{where}.direction must be one of {', '.join(DIRECTIONS)}; "
                                  f"got {entry.get('direction')!r}")
        try:
            size = float(entry.get("size", 0))
        except (TypeError, ValueError):
            raise PredictionError(f"{where}.size must be a number; got {entry.get('size')!r}") \
                from None
        if not math.isfinite(size) or size < 0:
            raise PredictionError(f"{where}.size must be 0 or more; got {size}")
        if direction == "no change" and size == 0:
            raise PredictionError(f"{where}: 'no change' needs a margin (size > 0), e.g. "
                                  "size: 1, unit: points for 'within 1 point'")
        unit = str(entry.get("unit", "absolute"))
        if unit not in UNITS:
            raise PredictionError(f"{where}.unit must be one of {', '.join(UNITS)}; got {unit!r}")
        segment = entry.get("segment")
        column, _, value = str(segment).partition("=")
        if segment is not None and (not isinstance(segment, str) or not column.strip()
                                    or not value.strip()):
            raise PredictionError(f"{where}.segment must read COLUMN=VALUE, e.g. channel=email")
        confidence = entry.get("confidence")
        if confidence is not None and not (isinstance(confidence, int | float)
                                           and 0 < float(confidence) <= 1):
            raise PredictionError(f"{where}.confidence must be a share between 0 and 1")
        written = entry.get("written")
        if isinstance(written, str):
            try:
                written = dt.date.fromisoformat(written)
            except ValueError:
                raise PredictionError(f"{where}.written must be a date YYYY-MM-DD") from None
        return cls(kpi=kpi, direction=direction, size=size, unit=unit, segment=segment,
                   confidence=None if confidence is None else float(confidence),
                   written=written, commit=entry.get("commit"),
                   stored_fingerprint=entry.get("fingerprint"))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kpi, self.direction, self.size, self.unit, self.segment)

    @property
    def statement(self) -> str:
        name = _kpi_name(self.kpi)
        if self.segment:
            column, value = self.segment.split("=", 1)
            name = f"{name} ({column} {value})"
        amount = f"{self.size:g}{'%' if self.unit == '%' else ''}"
        if self.unit == "points":
            amount += " point" if self.size == 1 else " points"
        if self.direction == "no change":
            return f"{name} does not change by more than {amount}"
        verb = "rises" if self.direction == "rise" else "falls"
        return f"{name} {verb} by at least {amount}" if self.size else f"{name} {verb}"

    def as_entry(self) -> dict[str, Any]:
        """The record entry ``pdca predict`` writes (with the fingerprint of the statement)."""
        entry: dict[str, Any] = {"kpi": self.kpi}
        if self.segment:
            entry["segment"] = self.segment
        entry.update(direction=self.direction, size=self.size, unit=self.unit)
        if self.confidence is not None:
            entry["confidence"] = self.confidence
        entry.update(written=(self.written or dt.date.today()).isoformat(),
                     commit=self.commit, fingerprint=self.fingerprint)
        return entry


@dataclass(frozen=True)
class Score:
    """How a prediction fared: outcome, the estimate and CI that decided it, and flags."""

    statement: str
    outcome: str
    estimate: float | None
    ci: tuple[float, float] | None
    unit: str
    reason: str
    confidence: float | None = None
    flags: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {"statement": self.statement, "outcome": self.outcome,
                "estimate": self.estimate, "ci": list(self.ci) if self.ci else None,
                "unit": self.unit, "reason": self.reason, "confidence": self.confidence,
                "flags": list(self.flags)}


def _shown(value: float, unit: str) -> str:
    return f"{value:+.1f}{'%' if unit == '%' else ''}{' points' if unit == 'points' else ''}"


def score_change(prediction: Prediction, *, estimate: float, ci: tuple[float, float],
                 flags: tuple[str, ...] = (), level: float = 0.95) -> Score:
    """Score ``prediction`` against a measured change and its CI (already in its unit).

    >>> p = Prediction.from_entry({"kpi": "aht", "direction": "no change", "size": 5, "unit": "%"})
    >>> score_change(p, estimate=1.0, ci=(-7.0, 9.0)).outcome
    'not enough data'
    """
    low, high = ci
    size = prediction.size
    unit = prediction.unit
    measured = (f"measured {_shown(estimate, unit)} ({level:.0%} CI {_shown(low, unit)} to "
                f"{_shown(high, unit)})")
    margin = f"+/-{_shown(size, unit)[1:]}"
    if not (math.isfinite(low) and math.isfinite(high)):
        outcome, why = "not enough data", "the change has no confidence interval"
    elif prediction.direction == "no change":
        if -size <= low and high <= size:
            outcome, why = "met", f"the whole CI lies within {margin}"
        elif low > size or high < -size:
            outcome, why = "not met", f"the whole CI lies outside {margin}"
        else:
            outcome, why = "not enough data", f"the CI reaches beyond {margin}"
    else:
        sign = 1 if prediction.direction == "rise" else -1
        near, far = sorted((sign * low, sign * high))
        threshold = _shown(sign * size, unit)
        if near >= size:
            outcome, why = "met", f"the whole CI lies beyond {threshold}"
        elif far < size:
            outcome, why = "not met", f"the whole CI falls short of {threshold}"
        else:
            outcome, why = "not enough data", f"the CI straddles {threshold}"
    return Score(statement=prediction.statement, outcome=outcome, estimate=estimate, ci=ci,
                 unit=prediction.unit, reason=f"{measured}: {why}.",
                 confidence=prediction.confidence, flags=flags)


def _change_in_unit(prediction: Prediction, kpi_unit: str, before: float, difference: float,
                    ci: tuple[float, float]) -> tuple[float, tuple[float, float]] | str:
    """The measured change and CI in the prediction's unit, or why that is impossible."""
    if prediction.unit == "%":
        if not before:
            return "the before value is 0, so a % change is undefined"
        scale = 100 / before
        return difference * scale, (ci[0] * scale, ci[1] * scale)
    if prediction.unit == "points":
        if kpi_unit == "fraction":
            return difference * 100, (ci[0] * 100, ci[1] * 100)
        if kpi_unit == "points":
            return difference, ci
        return f"points apply to shares and NPS; {prediction.kpi} is in {kpi_unit}: use % or " \
               "absolute"
    if kpi_unit == "fraction":
        return "a share's change is in points: use unit points (or %)"
    return difference, ci


def _flags(prediction: Prediction, collection_start: dt.date | None) -> tuple[str, ...]:
    flags = []
    if prediction.written is None:
        flags.append("no date written: cannot show it was made before the data")
    elif collection_start is not None and prediction.written >= collection_start:
        flags.append(f"written {prediction.written} on or after data collection began "
                     f"({collection_start})")
    if prediction.stored_fingerprint is None:
        flags.append("no fingerprint: added by hand, edits cannot be detected")
    elif prediction.stored_fingerprint != prediction.fingerprint:
        flags.append("edited after it was written (its fingerprint no longer matches)")
    return tuple(flags)


def _segment_change(results: StageResults, prediction: Prediction) -> SegmentChange | str:
    column, value = str(prediction.segment).split("=", 1)
    block = results.segment_changes.get(prediction.kpi)
    if block is None:
        return f"the compare run has no segments for {prediction.kpi}"
    if block.column != column:
        return f"the compare run split by {block.column!r}, not {column!r}"
    row = block.row(value)
    if row is not None:
        return row
    skipped = block.skipped.get(value)
    return f"segment {value!r} was not compared" + (f" ({skipped})" if skipped else "")


def score_predictions(entries: list[Any],
                      compare_results: StageResults | Mapping[str, Any] | None, *,
                      collection_start: dt.date | None = None,
                      cycle: str = "CYCLE") -> list[Score]:
    """Score every record entry against a compare run's results (None: no run yet).

    ``compare_results`` is the run's :class:`~pdcakit.run.resultsfile.StageResults`, or a
    results.json's content, checked by the same reader.
    """
    compare = (compare_results if isinstance(compare_results, StageResults) or
               compare_results is None else
               results_from_dict(dict(compare_results), source="compare results",
                                 stage="compare"))
    scores = []
    for index, entry in enumerate(entries or []):
        try:
            prediction = Prediction.from_entry(entry, index)
        except PredictionError as exc:
            scores.append(Score(statement=str(entry) if not isinstance(entry, dict) else
                                str(entry.get("kpi", "?")), outcome="cannot score",
                                estimate=None, ci=None, unit="", reason=str(exc)))
            continue
        flags = _flags(prediction, collection_start)

        def undecided(why: str, p: Prediction = prediction, f: tuple = flags) -> Score:
            return Score(statement=p.statement, outcome="not enough data", estimate=None,
                         ci=None, unit=p.unit, reason=why, confidence=p.confidence, flags=f)

        if compare is None:
            scores.append(undecided(f"no successful compare run yet (pdca run {cycle} "
                                    "compare)"))
            continue
        change = compare.changes.get(prediction.kpi)
        if change is None:
            skipped = compare.skipped.get(prediction.kpi)
            scores.append(undecided(f"{prediction.kpi} was not compared"
                                    + (f": {skipped}" if skipped else "")))
            continue
        own, estimand = None, ""
        if prediction.segment:
            row = _segment_change(compare, prediction)
            if isinstance(row, str):
                scores.append(undecided(row))
                continue
            before, difference, ci = row.before, row.difference, row.ci
        else:
            # scored on the KPI's own estimand (a duration's median, the figure people
            # quote), the one the prediction names; its % change has its own interval
            own = change.own
            estimand = "" if own is None else own.estimand
            if own is None:
                reference = change.reference if change.reference is not None else \
                    change.before.value
                before = math.nan if reference is None else reference
                difference, ci = change.difference, change.difference_ci
            else:
                before, difference, ci = own.before, own.change, own.ci
        if prediction.unit == "%" and not prediction.segment and own is not None \
                and own.relative_ci is not None:
            converted: Any = (100 * own.relative_change,
                              (100 * own.relative_ci[0], 100 * own.relative_ci[1]))
        else:
            converted = _change_in_unit(prediction, change.unit, before, difference, ci)
        if isinstance(converted, str):
            scores.append(Score(statement=prediction.statement, outcome="cannot score",
                                estimate=None, ci=None, unit=prediction.unit, reason=converted,
                                confidence=prediction.confidence, flags=flags))
            continue
        estimate, interval = converted
        alpha = compare.raw.get("alpha") if isinstance(compare.raw, dict) else None
        level = 1 - float(alpha) if isinstance(alpha, int | float) and 0 < alpha < 1 else 0.95
        score = score_change(prediction, estimate=estimate, ci=interval, flags=flags,
                             level=level)
        if not prediction.segment and estimand:
            score = replace(score, reason=f"{score.reason.rstrip('.')} (the {estimand}).")
        scores.append(score)
    return scores
