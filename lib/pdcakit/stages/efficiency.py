"""Efficiency gain (source 3.1.2): time saved per ticket and per process step.

Efficiency gain = (time before - time after) / time before = 1 - after / before.

- :func:`time_gain`: gain in a mean time per ticket (handle time), CI from a seeded
  BCa bootstrap of the ratio of means (:func:`pdcakit.stats.ratio_of_means`); the
  minutes saved per ticket carry the same CI (``before x gain``).
- :func:`cycle_time_gain`: gain in the end-to-end time (created to resolved) with
  open tickets censored: the ratio of Kaplan-Meier medians with a bootstrap CI.
- :func:`measure_gain`: either, for a measure of :data:`MEASURES` on two ticket tables.
- :func:`gains_by_segment`: the same within each channel.
- :func:`step_table`: the process-step table before/after, the gain per step, the
  lead time and the process cycle efficiency (value-added time / lead time).

A negative gain is a loss (after slower than before) and is said so, never hidden.

>>> g = time_gain([10.0, 12, 9, 11, 13] * 20, [8.0, 9, 7, 9, 10] * 20, name="Handle time")
>>> round(g.gain, 3), round(g.minutes_saved, 2)
(0.218, 2.4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pdcakit import stats
from pdcakit.results import Estimate, format_number
from pdcakit.stages.segments import split_segments

__all__ = ["MEASURES", "MEASURE_COLUMNS", "AutomationChange", "Gain", "StepTable",
           "automation_change", "cycle_time_gain", "gains_by_segment", "measure_gain",
           "step_table", "time_gain"]

#: Time measures with an efficiency gain, and their names for a reader.
MEASURES = {"aht": "Handle time", "time_to_resolve": "End-to-end cycle time",
            "first_response_time": "First response time"}
#: The columns each measure needs (each must hold data in the export).
MEASURE_COLUMNS = {"aht": ("handle_minutes",), "time_to_resolve": ("created_at", "resolved_at"),
                   "first_response_time": ("created_at", "first_response_at")}


@dataclass(frozen=True)
class Gain:
    """Efficiency gain of one time measure, with its CI and the minutes saved per item."""

    name: str
    statistic: str
    before: float
    after: float
    gain: float
    gain_ci: tuple[float, float]
    n_before: int
    n_after: int
    confidence: float = 0.95
    segment: str = ""

    @property
    def minutes_saved(self) -> float:
        """Minutes saved per item (negative: time lost)."""
        return self.before - self.after

    @property
    def minutes_saved_ci(self) -> tuple[float, float]:
        return (self.before * self.gain_ci[0], self.before * self.gain_ci[1])

    @property
    def is_loss(self) -> bool:
        return self.gain < 0

    @property
    def sentence(self) -> str:
        low, high = self.gain_ci
        where = f" ({self.segment})" if self.segment else ""
        if self.undetermined:
            moved = f"{-self.gain:.1%} slower" if self.is_loss else f"{self.gain:.1%} faster"
            verdict = f"no detectable gain or loss in the {self.statistic} (after is {moved}"
        elif self.is_loss:
            verdict = f"a loss: after is {-self.gain:.1%} slower ("
        else:
            verdict = f"an efficiency gain of {self.gain:.1%} ("
        sep = "; " if self.undetermined else ""
        text = (f"{self.name}{where}, {self.statistic}: {self.before:,.1f} -> {self.after:,.1f} "
                f"minutes, {verdict}{sep}{self.confidence:.0%} CI {low:.1%} to {high:.1%}; "
                f"n = {self.n_before:,} before, {self.n_after:,} after).")
        if self.undetermined:
            text += (" The interval includes no change, so this is neither a gain nor a loss; "
                     "the Check's verdict on the KPI (which may rest on another estimand, "
                     "such as the restricted mean time when the curves cross) is the one to "
                     "quote.")
        return text

    @property
    def undetermined(self) -> bool:
        """The CI of the gain includes 0: neither a gain nor a loss is shown."""
        low, high = self.gain_ci
        return bool(low <= 0 <= high)

    def row(self) -> dict[str, Any]:
        low, high = self.gain_ci
        return {"Measure": self.name, "Segment": self.segment or "all",
                "Statistic": self.statistic, "Before (min)": round(self.before, 2),
                "After (min)": round(self.after, 2),
                "Saved per item (min)": round(self.minutes_saved, 2),
                "Gain": f"{self.gain:+.1%}",
                f"{self.confidence:.0%} CI of gain": f"{low:+.1%} to {high:+.1%}",
                "n before": self.n_before, "n after": self.n_after}

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "segment": self.segment, "statistic": self.statistic,
                "before_minutes": self.before, "after_minutes": self.after,
                "gain": self.gain, "gain_ci": list(self.gain_ci),
                "minutes_saved": self.minutes_saved,
                "minutes_saved_ci": list(self.minutes_saved_ci), "n_before": self.n_before,
                "n_after": self.n_after, "sentence": self.sentence}


def _from_ratio(name: str, ratio: stats.RatioEstimate, segment: str) -> Gain:
    return Gain(name=name, statistic=ratio.statistic, before=ratio.before, after=ratio.after,
                gain=ratio.gain, gain_ci=ratio.gain_ci, n_before=ratio.n_before,
                n_after=ratio.n_after, confidence=ratio.confidence, segment=segment)


def _positive_before(values: np.ndarray, name: str) -> None:
    if values.size and not np.nanmean(values) > 0:
        raise ValueError(f"{name}: the time before is 0, so a gain relative to it is undefined; "
                         "check the before window and the time column")


def time_gain(before_minutes: Sequence[float], after_minutes: Sequence[float], *, name: str,
              confidence: float = 0.95, seed: int = stats.DEFAULT_SEED,
              segment: str = "") -> Gain:
    """Efficiency gain of a mean time per item, with a seeded BCa bootstrap CI."""
    b = np.asarray(before_minutes, dtype=float)
    _positive_before(b[np.isfinite(b)], name)
    ratio = stats.ratio_of_means(b, after_minutes, confidence=confidence, seed=seed)
    return _from_ratio(name, ratio, segment)


def cycle_time_gain(before_minutes: Sequence[float], before_observed: Sequence[bool],
                    after_minutes: Sequence[float], after_observed: Sequence[bool], *,
                    name: str = "End-to-end cycle time", confidence: float = 0.95,
                    seed: int = stats.DEFAULT_SEED, segment: str = "") -> Gain:
    """Efficiency gain of the median cycle time, open items censored (Kaplan-Meier).

    A median not reached (over half the items still open) has no gain: a ValueError says
    how many are open, rather than a gain of "nan%".

    >>> cycle_time_gain([10, 20, 30] * 10, [True] * 30, [5, 8, 9] * 10, [True, False, False] * 10)
    Traceback (most recent call last):
    ...
    ValueError: the median after is not reached: 20 of 30 still open at the export, so the \
gain of the median is undefined; rerun on a later export, when more have closed
    """
    ratio = stats.median_ratio(before_minutes, before_observed, after_minutes, after_observed,
                               confidence=confidence, seed=seed)
    if not math.isfinite(ratio.after):
        still_open = int(np.size(after_observed) - np.count_nonzero(after_observed))
        raise ValueError(f"the median after is not reached: {still_open:,} of "
                         f"{ratio.n_after:,} still open at the export, so the gain of the "
                         "median is undefined; rerun on a later export, when more have closed")
    if not all(math.isfinite(v) for v in ratio.ci):
        raise ValueError("the interval of the gain is undefined: in some resamples over half "
                         "are still open; rerun on a later export, when more have closed")
    return _from_ratio(name, ratio, segment)


def measure_gain(measure: str, before: pd.DataFrame, after: pd.DataFrame, *,
                 confidence: float = 0.95, segment: str = "") -> Gain:
    """The gain of ``measure`` from the tickets ``before`` to those ``after``: "aht" as
    the mean handle time (:func:`time_gain`), a duration ("time_to_resolve",
    "first_response_time") as the Kaplan-Meier median, open tickets censored
    (:func:`cycle_time_gain`).

    >>> b = pd.DataFrame({"handle_minutes": [10.0, 12, 9, 11, 13] * 20})
    >>> a = pd.DataFrame({"handle_minutes": [8.0, 9, 7, 9, 10] * 20})
    >>> round(measure_gain("aht", b, a).gain, 3)
    0.218
    """
    from pdcakit.metrics import duration_minutes

    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
    if measure == "aht":
        return time_gain(before["handle_minutes"], after["handle_minutes"],
                         name=MEASURES[measure], confidence=confidence, segment=segment)
    (tb, ob), (ta, oa) = (duration_minutes(part, measure) for part in (before, after))
    return cycle_time_gain(tb, ob, ta, oa, name=MEASURES[measure], confidence=confidence,
                           segment=segment)


def gains_by_segment(before: pd.DataFrame, after: pd.DataFrame, column: str, measure: str, *,
                     confidence: float = 0.95, min_n: int = 20) -> tuple[list[Gain],
                                                                          dict[str, str]]:
    """``measure`` within each value of ``column``: "aht" (mean handle time), or a
    duration KPI ("time_to_resolve", "first_response_time") as a Kaplan-Meier median.

    Returns the gains and, per segment left out, why (too few tickets, no time before).
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}")
    needed = ["handle_minutes"] if measure == "aht" else \
        ["created_at", "first_response_at", "resolved_at", "is_open"]
    parts, skipped = split_segments(before, after, column, min_n=min_n, columns=needed)
    gains = []
    for value, part_b, part_a in parts:
        try:
            gains.append(measure_gain(measure, part_b, part_a, confidence=confidence,
                                      segment=str(value)))
        except ValueError as exc:
            skipped[str(value)] = str(exc)
    return gains, skipped


@dataclass(frozen=True)
class StepTable:
    """Process steps before/after: gain per step, lead time and process cycle efficiency."""

    frame: pd.DataFrame
    waiting_steps: tuple[str, ...]

    @property
    def lead_time_before(self) -> float:
        return float(self.frame["minutes_before"].sum())

    @property
    def lead_time_after(self) -> float:
        return float(self.frame["minutes_after"].sum())

    @property
    def gain(self) -> float:
        """(lead time before - after) / before, the source's 3.1.2 formula on the steps."""
        return 1 - self.lead_time_after / self.lead_time_before

    def _value_added(self, column: str) -> float:
        if "value_added" not in self.frame:
            return math.nan
        flags = self.frame["value_added"].fillna(False).astype(bool)
        return float(self.frame.loc[flags, column].sum())

    @property
    def cycle_efficiency(self) -> tuple[float, float]:
        """Process cycle efficiency before and after: value-added time / lead time."""
        return (self._value_added("minutes_before") / self.lead_time_before,
                self._value_added("minutes_after") / self.lead_time_after)

    @property
    def agent_minutes_saved_per_week(self) -> float | None:
        """Work minutes saved per week: (before - after) x volume over the non-waiting steps.

        None without a ``volume`` column.
        """
        if "volume" not in self.frame or self.frame["volume"].isna().all():
            return None
        work = self.frame[~self.frame["step"].isin(self.waiting_steps)]
        return float(((work["minutes_before"] - work["minutes_after"])
                      * work["volume"].fillna(0)).sum())

    def display(self) -> pd.DataFrame:
        out = self.frame.copy()
        out["saved (min)"] = out["minutes_before"] - out["minutes_after"]
        out["gain"] = [f"{g:+.1%}" if math.isfinite(g) else "n/a" for g in out["step_gain"]]
        out["kind"] = np.where(out["step"].isin(self.waiting_steps), "waiting",
                               np.where(out.get("value_added", False), "value-added",
                                        "non-value-added"))
        return out.drop(columns=["step_gain"])

    @property
    def sentence(self) -> str:
        pce_b, pce_a = self.cycle_efficiency
        text = (f"Lead time over the steps: {self.lead_time_before:,.1f} -> "
                f"{self.lead_time_after:,.1f} minutes, an efficiency gain of {self.gain:.1%}"
                if self.gain >= 0 else
                f"Lead time over the steps: {self.lead_time_before:,.1f} -> "
                f"{self.lead_time_after:,.1f} minutes, a loss of {-self.gain:.1%}")
        if math.isfinite(pce_b):
            text += (f"; process cycle efficiency (value-added / lead time) {pce_b:.1%} -> "
                     f"{pce_a:.1%}")
        biggest = self.frame.loc[(self.frame["minutes_before"]
                                  - self.frame["minutes_after"]).idxmax()]
        return (text + f". Most time came out of '{biggest['step']}' "
                f"({biggest['minutes_before'] - biggest['minutes_after']:,.1f} minutes). "
                "Step times are standard (planned or timed) figures: they carry no sampling "
                "error, so no CI is shown.")

    def as_dict(self) -> dict[str, Any]:
        pce_b, pce_a = self.cycle_efficiency
        return {"steps": self.frame.replace({np.nan: None}).to_dict(orient="records"),
                "lead_time_before": self.lead_time_before,
                "lead_time_after": self.lead_time_after, "gain": self.gain,
                "cycle_efficiency_before": None if math.isnan(pce_b) else pce_b,
                "cycle_efficiency_after": None if math.isnan(pce_a) else pce_a,
                "agent_minutes_saved_per_week": self.agent_minutes_saved_per_week,
                "waiting_steps": list(self.waiting_steps), "sentence": self.sentence}


def step_table(steps: pd.DataFrame, *, waiting_steps: Sequence[str] = ()) -> StepTable:
    """The steps table (``step``, ``minutes_before``, ``minutes_after``, optional
    ``value_added`` and ``volume``) with each step's gain.

    ``waiting_steps`` are waiting time (e.g. "wait for customer"): part of the lead time,
    not of the work an agent is freed from.

    >>> t = step_table(pd.DataFrame({"step": ["triage", "respond"],
    ...     "minutes_before": [6.0, 4.0], "minutes_after": [1.0, 4.0],
    ...     "value_added": [False, True]}))
    >>> round(t.gain, 2), [round(v, 2) for v in t.cycle_efficiency]
    (0.5, [0.4, 0.8])
    """
    missing = [c for c in ("step", "minutes_before", "minutes_after") if c not in steps]
    if missing:
        raise ValueError(f"the process-steps table lacks the column(s) {', '.join(missing)}; "
                         "it needs step, minutes_before, minutes_after")
    if steps.empty:
        raise ValueError("the process-steps table has no rows")
    frame = steps.reset_index(drop=True).copy()
    if not frame["minutes_before"].sum() > 0:
        raise ValueError("the process-steps table: every step takes 0 minutes before, so a "
                         "gain relative to it is undefined; check minutes_before")
    unknown = sorted(set(waiting_steps) - set(frame["step"].astype(str)))
    if unknown:
        raise ValueError(f"waiting_steps names steps not in the table: {', '.join(unknown)}; "
                         f"steps are: {', '.join(frame['step'].astype(str))}")
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["step_gain"] = np.where(frame["minutes_before"] > 0,
                                      1 - frame["minutes_after"] / frame["minutes_before"],
                                      np.nan)
    return StepTable(frame=frame, waiting_steps=tuple(waiting_steps))


@dataclass(frozen=True)
class AutomationChange:
    """The automation share (3.4) before and after, and the CI of its change."""

    before: Estimate
    after: Estimate
    difference_ci: tuple[float, float]
    channels: tuple[str, ...]

    @property
    def sentence(self) -> str:
        low, high = self.difference_ci
        return (f"Automation share ({', '.join(self.channels)}): {self.before.value:.1%} -> "
                f"{self.after.value:.1%} (change {format_number(100 * low, 1, sign=True)} to "
                f"{format_number(100 * high, 1, sign=True)} points, "
                f"{self.before.confidence:.0%} CI; tickets with a channel).")

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before.value, "after": self.after.value,
                "difference_ci": list(self.difference_ci), "channels": list(self.channels),
                "n_before": self.before.n, "n_after": self.after.n, "sentence": self.sentence}


def automation_change(before: pd.DataFrame, after: pd.DataFrame, channels: Sequence[str], *,
                      confidence: float = 0.95) -> AutomationChange:
    """Share of tickets (with a channel) handled through ``channels``, before and after,
    with Newcombe's interval of the change.

    >>> t = pd.DataFrame({"channel": ["web", "phone", "web", "phone"]})
    >>> change = automation_change(t.iloc[:2], t.iloc[:3], ["web"])
    >>> round(change.before.value, 2), round(change.after.value, 2)
    (0.5, 0.67)
    """
    from pdcakit.metrics import automation_share

    shares = [automation_share(part, automated_channels=list(channels), confidence=confidence)
              for part in (before, after)]
    successes = [round(s.value * s.n) for s in shares]
    low, high = stats.difference_ci(successes[0], shares[0].n, successes[1], shares[1].n,
                                    confidence=confidence)
    return AutomationChange(before=shares[0], after=shares[1], difference_ci=(low, high),
                            channels=tuple(channels))
