"""Does every line of a compare page agree with the rest? A checker for reviewers' trust.

:func:`compare_problems` reads a compare run's results (through the typed reader) and
the verdict box built from them, and lists every contradiction a reviewer could find:

- a KPI whose figures do not name one estimand each, or none that decides;
- a change that is not after minus before of its own estimand;
- an answer that its interval contradicts (improved with an interval reaching the worse
  side, "no change" with an interval past the margin, "not enough data" with an interval
  wholly on one side and a test under the level);
- a verdict word that is not the decision's, a target status that is not the one rule's;
- a verdict-box row whose before, after or change is not its estimand's figure;
- a KPI (ticket KPI or score) whose over-time row contradicts its verdict: a target that
  is not the verdict's, a variation icon "improving" on the KPI's worse side (or
  "concerning" on its better side), an assurance "consistently passes" beside a target
  not met (or "consistently fails" beside one met), or a compared KPI with neither an
  over-time row nor the reason it has none (``skipped["over_time.KEY"]``).

An empty list means the page is consistent. The test suite runs it on every compare run
it produces; ``pdca report`` could run it before publishing.

>>> compare_problems({"stage": "compare"})[0].startswith("the results are not a compare run")
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pdcakit.run.resultsfile import ChangeRecord, ResultsError, StageResults, results_from_dict

__all__ = ["compare_problems", "kpi_problems", "over_time_problems"]

#: Relative tolerance for "change = after - before" (figures are stored unrounded).
_TOLERANCE = 1e-6


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE * max(1.0, abs(b)))


def kpi_problems(key: str, change: ChangeRecord) -> list[str]:
    """Every contradiction within one KPI's record (see the module docstring)."""
    problems = []
    name = change.name or key
    deciding = [f for f in change.figures if f.decides]
    if len(deciding) != 1:
        return [f"{name}: {len(deciding)} estimands decide (expected exactly one): the row "
                "cannot say which figure the verdict is about"]
    if len({f.estimand for f in change.figures}) != len(change.figures):
        problems.append(f"{name}: two figures share the estimand name")
    for figures in change.figures:
        if not figures.estimand:
            problems.append(f"{name}: a figure without an estimand")
        values = (figures.before, figures.after, figures.change)
        if all(math.isfinite(v) for v in values) and not _close(
                figures.change, figures.after - figures.before):
            problems.append(f"{name} ({figures.estimand}): change {figures.change:g} is not "
                            f"after - before ({figures.after:g} - {figures.before:g})")
        low, high = figures.ci
        if math.isfinite(low) and math.isfinite(high) and low > high:
            problems.append(f"{name} ({figures.estimand}): interval upside down")
    figures = deciding[0]
    if not _close(change.difference, figures.change):
        problems.append(f"{name}: the change beside the verdict ({change.difference:g}) is not "
                        f"the deciding estimand's ({figures.change:g})")
    decision = change.decision
    if decision is None:
        return [*problems, f"{name}: no decision record"]
    if change.verdict != decision.answer:
        problems.append(f"{name}: verdict {change.verdict!r} differs from the decision "
                        f"{decision.answer!r}")
    low, high = decision.ci
    if decision.answer in ("improved", "worse"):
        if not (low > 0 or high < 0):
            problems.append(f"{name}: {decision.answer} but the interval beside it "
                            f"({low:g} to {high:g}) includes no change")
        if change.p_adjusted is not None and not change.significant:
            problems.append(f"{name}: {decision.answer} but not significant")
    elif decision.answer == "no change":
        margin = decision.margin
        if margin is None or not (-margin <= low and high <= margin):
            problems.append(f"{name}: 'no change' but the interval ({low:g} to {high:g}) "
                            f"reaches past the margin {margin}")
    elif decision.answer == "not enough data" and (low > 0 or high < 0) and change.significant:
        problems.append(f"{name}: 'not enough data' beside a significant change whose "
                        "interval excludes no change")
    if decision.adjusted and decision.level <= figures.confidence:
        problems.append(f"{name}: an 'adjusted' interval at {decision.level:.4g} is not wider "
                        "than the nominal one")
    own = next((f for f in change.figures if not f.decides), figures)
    if change.target is not None and change.target_met is not None and math.isfinite(own.after):
        better_high = _higher_is_better(change)
        met = own.after >= change.target if better_high else own.after <= change.target
        if better_high is not None and met != change.target_met:
            problems.append(f"{name}: target {'met' if change.target_met else 'not met'} "
                            f"contradicts the after {own.estimand} {own.after:g} against "
                            f"{change.target:g}")
    return problems


def _higher_is_better(change: ChangeRecord) -> bool | None:
    from pdcakit.kpis import KPI_INFO, SCORE_KPI_INFO

    info = KPI_INFO.get(change.kpi) or SCORE_KPI_INFO.get(change.kpi.split(".", 1)[0])
    return None if info is None else info.higher_is_better


def _row_problems(results: StageResults) -> list[str]:
    """The verdict box's rows against the figures they show."""
    from pdcakit.results import format_value, reading_scale
    from pdcakit.run.pagefacts import verdict_rows

    problems = []
    for row in verdict_rows(results):
        change = results.changes[row.kpi]
        estimand = row.figures.get("Estimand", "")
        matching = [f for f in change.figures if f.estimand == estimand]
        if not matching:
            if change.figures:
                problems.append(f"verdict box, {row.name}: estimand {estimand!r} is not one "
                                "of the KPI's figures")
            continue
        figures = matching[0]
        scale = reading_scale(change.unit, change.before.value, change.after.value)
        for column, value in (("Before", figures.before), ("After", figures.after)):
            shown = format_value(value, change.unit, scale=scale)
            if row.figures.get(column) != shown:
                problems.append(f"verdict box, {row.name}: {column} shows "
                                f"{row.figures.get(column)!r}, the {estimand} is {shown!r}")
        answer = row.statuses.get("Change")
        if figures.decides and answer is not None and change.decision is not None:
            word = {"improved": "improved", "worse": "worse", "no change": "no change",
                    "not enough data": "not enough data to tell"}[change.decision.answer]
            if answer.word != word:
                problems.append(f"verdict box, {row.name}: says {answer.word!r}, the decision "
                                f"is {word!r}")
    return problems


def over_time_problems(results: StageResults) -> list[str]:
    """Every contradiction between a compared KPI's verdict and its over-time row (see the
    module docstring); none when the run has no over-time summary.

    >>> from pdcakit.run.resultsfile import StageResults
    >>> over_time_problems(StageResults("results.json", "compare", None, None, {}, {}))
    []
    """
    rows = results.raw.get("over_time")
    if not isinstance(rows, Mapping):
        return []
    skipped = results.skipped or {}
    problems = []
    for key, change in results.changes.items():
        name = change.name or key
        row = rows.get(key)
        if not isinstance(row, Mapping):
            if f"over_time.{key}" not in skipped:
                problems.append(f"{name}: compared, but neither in the over-time summary nor "
                                "skipped there with a reason")
            continue
        problems += _row_against_verdict(name, change, row)
    return problems


def _row_against_verdict(name: str, change: ChangeRecord, row: Mapping[str, Any]) -> list[str]:
    problems = []
    assurance = row.get("assurance") if isinstance(row.get("assurance"), Mapping) else {}
    variation = row.get("variation") if isinstance(row.get("variation"), Mapping) else {}
    target = assurance.get("target")
    if (target is None) != (change.target is None) or (
            target is not None and change.target is not None
            and not _close(float(target), float(change.target))):
        problems.append(f"{name}: the over-time row's target ({target}) is not the "
                        f"verdict's ({change.target})")
    better = _higher_is_better(change)
    icon, direction = variation.get("icon", ""), variation.get("direction", "")
    if better is not None and direction in ("higher", "lower") and icon in (
            "special cause improving", "special cause concerning"):
        on_better = (direction == "higher") == better
        if on_better != (icon == "special cause improving"):
            problems.append(f"{name}: over time says {icon!r} for a {direction} signal, but "
                            f"{'higher' if better else 'lower'} is better")
    verdict_met = change.target_met
    if verdict_met is not None and change.target is not None:
        said = assurance.get("icon")
        if (said == "consistent pass" and not verdict_met) or (
                said == "consistent fail" and verdict_met):
            problems.append(f"{name}: over time says the target is a {said}, the verdict says "
                            f"it is {'met' if verdict_met else 'not met'}")
    return problems


def compare_problems(results: StageResults | Mapping[str, Any]) -> list[str]:
    """Every contradiction on a compare page built from ``results`` (a results.json's
    content or its typed form); empty when the page is consistent."""
    if not isinstance(results, StageResults):
        try:
            results = results_from_dict(dict(results), source="results", stage="compare")
        except ResultsError as exc:
            return [f"the results are not a compare run: {exc}"]
    problems = []
    for key, change in results.changes.items():
        problems += kpi_problems(key, change)
    return problems + _row_problems(results) + over_time_problems(results)
