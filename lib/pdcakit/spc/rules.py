"""Rule sets for special-cause signals, as a setting, with their disagreements shown.

Four sets, each flagging points with the rule that fired:

- ``anhoej`` (default for run charts; Anhøj & Olesen 2014, as qicharts2): an
  unusually long run on one side of the centre, or unusually few crossings,
  with limits that depend on the number of useful points.
- ``western_electric`` (Western Electric Statistical Quality Control Handbook,
  1956): 1 a point beyond 3 sigma; 2 two of three beyond 2 sigma on one side;
  3 four of five beyond 1 sigma on one side; 4 eight in a row on one side.
- ``nelson`` (Nelson 1984, J. Quality Technology 16(4)): 1 beyond 3 sigma; 2 nine
  in a row on one side; 3 six in a row steadily rising or falling; 4 fourteen
  alternating up and down; 5 two of three beyond 2 sigma on one side; 6 four of
  five beyond 1 sigma on one side; 7 fifteen in a row within 1 sigma; 8 eight
  in a row beyond 1 sigma on either side.
- ``nhs`` (NHS England "Making Data Count", as NHSRplotthedots): a point outside
  the limits; a shift of 7 on one side of the mean (6 as an option); a trend of
  6 rising or falling (``trend``); two of three beyond 2 sigma on the same side.

Conventions, stated once: sigma is the chart's (limits are centre +/- 3 sigma,
per point where they vary); a point exactly on the centre line breaks a run
(it is on neither side; Anhøj's runs skip it instead, as qicharts2 does); equal
neighbours break a trend. ``fired`` gives, per rule, the points at which the
rule first holds (the end of the pattern, as NHSRplotthedots and qcc report);
``flags`` marks every point that is part of a firing pattern (the points a
chart highlights). For "k of m beyond s sigma" only the points beyond s are
part of the pattern (NHSRplotthedots' ``part_of_two_in_three``).

>>> hits = apply_rules([0, 0, 0, 0, 4, 0], centre=0, sigma=1, rule_set="western_electric")
>>> hits.flags[4], hits.signal_points
(('1: beyond 3 sigma',), (4,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._common import name_periods, period_names
from .runs import anhoej_limits

__all__ = ["RULE_SETS", "RuleHits", "apply_rules", "compare_rule_sets", "rule_set_name"]

RULE_SETS: dict[str, str] = {
    "anhoej": "Anhøj: long runs and few crossings (run charts)",
    "western_electric": "Western Electric rules 1-4",
    "nelson": "Nelson rules 1-8",
    "nhs": "NHS Making Data Count: outside limits, shift, trend, two of three",
}


def rule_set_name(rule_set: str) -> str:
    """A rule set's name for a reader (the part of :data:`RULE_SETS` before the colon).

    >>> rule_set_name("nhs"), rule_set_name("western_electric")
    ('NHS Making Data Count', 'Western Electric rules 1-4')
    """
    return RULE_SETS[rule_set].split(":")[0]


@dataclass(frozen=True)
class RuleHits:
    """Which rules fired where, under one rule set.

    ``names`` (one period name per point, see :func:`pdcakit.spc.period_names`)
    make the sentence name periods instead of point numbers.
    """

    rule_set: str
    flags: tuple[tuple[str, ...], ...]          # per point: rules whose pattern includes it
    fired: dict[str, tuple[int, ...]]           # rule -> points where it first holds
    rules: tuple[str, ...]                      # every rule of the set, in order
    names: tuple[str, ...] | None = None        # period names for the sentence

    @property
    def signal_points(self) -> tuple[int, ...]:
        return tuple(i for i, f in enumerate(self.flags) if f)

    @property
    def signal(self) -> bool:
        return any(self.fired.values())

    @property
    def sentence(self) -> str:
        name = RULE_SETS[self.rule_set]
        fired = [f"{rule} ({self._where(at)})" for rule, at in self.fired.items() if at]
        if not fired:
            return f"{name}: no rule fired."
        return f"{name}: " + "; ".join(fired) + "."

    def _where(self, at: tuple[int, ...]) -> str:
        if self.names is not None:
            return name_periods(at, self.names)
        return (f"point{'s' if len(at) > 1 else ''} "
                f"{', '.join(str(i + 1) for i in at[:6])}{' ...' if len(at) > 6 else ''}")

    def as_dict(self) -> dict[str, Any]:
        return {"rule_set": self.rule_set, "rules": list(self.rules),
                "flags": [list(f) for f in self.flags],
                "fired": {k: list(v) for k, v in self.fired.items()},
                "signal_points": list(self.signal_points), "sentence": self.sentence}


# ---------------------------------------------------------------- pattern finders
def _runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, stop, label) of maximal runs of equal labels."""
    out, start = [], 0
    for i in range(1, labels.size + 1):
        if i == labels.size or labels[i] != labels[start]:
            out.append((start, i, int(labels[start])))
            start = i
    return out


def _long_stretches(condition_labels: np.ndarray, length: int, keep: set[int],
                    ) -> tuple[np.ndarray, list[int]]:
    """Points in runs (of a label in ``keep``) at least ``length`` long, and where each fires."""
    part = np.zeros(condition_labels.size, bool)
    fired = []
    for start, stop, label in _runs(condition_labels):
        if label in keep and stop - start >= length:
            part[start:stop] = True
            fired.extend(range(start + length - 1, stop))
    return part, fired


def _same_side(z: np.ndarray, length: int) -> tuple[np.ndarray, list[int]]:
    return _long_stretches(np.sign(z).astype(int), length, {-1, 1})


def _trend(x: np.ndarray, points: int) -> tuple[np.ndarray, list[int]]:
    """``points`` consecutive values each above (or each below) the one before."""
    step = np.sign(np.diff(x)).astype(int)
    part = np.zeros(x.size, bool)
    fired = []
    for start, stop, label in _runs(step):
        if label != 0 and stop - start >= points - 1:  # diffs start..stop-1 join points start..stop
            part[start:stop + 1] = True
            fired.extend(range(start + points - 1, stop + 1))
    return part, fired


def _alternating(x: np.ndarray, points: int) -> tuple[np.ndarray, list[int]]:
    step = np.sign(np.diff(x)).astype(int)
    flips = (step[1:] * step[:-1] < 0).astype(int)  # 1 where the direction reverses
    part = np.zeros(x.size, bool)
    fired = []
    for start, stop, label in _runs(flips):
        if label == 1 and stop - start >= points - 2:  # flips start.. join points start..stop+1
            part[start:stop + 2] = True
            fired.extend(range(start + points - 1, stop + 2))
    return part, fired


def _k_of_m(z: np.ndarray, k: int, m: int, beyond: float) -> tuple[np.ndarray, list[int]]:
    """Windows of ``m`` with ``k`` or more points beyond ``beyond`` sigma on one side."""
    part = np.zeros(z.size, bool)
    fired = set()
    for side in (1, -1):
        out = side * z > beyond
        for end in range(m - 1, z.size):
            window = slice(end - m + 1, end + 1)
            if out[window].sum() >= k:
                part[window] |= out[window]
                fired.add(end)
    return part, sorted(fired)


def _beyond(z: np.ndarray, limit: float) -> tuple[np.ndarray, list[int]]:
    part = np.abs(z) > limit
    return part, list(np.flatnonzero(part))


def _anhoej(x: np.ndarray, centre: np.ndarray) -> dict[str, tuple[np.ndarray, list[int]]]:
    side = np.sign(x - centre).astype(int)
    useful = side[side != 0]
    n_useful = int(useful.size)
    if n_useful < 2:
        return {}
    longest_allowed, min_crossings = anhoej_limits(n_useful)
    positions = np.flatnonzero(side != 0)
    part = np.zeros(x.size, bool)
    fired = []
    for start, stop, _ in _runs(useful):
        if stop - start > longest_allowed:
            part[positions[start]:positions[stop - 1] + 1] = side[positions[start]:
                                                               positions[stop - 1] + 1] != 0
            fired.append(int(positions[start + longest_allowed]))
    crossings = int(np.count_nonzero(useful[1:] != useful[:-1]))
    few = np.zeros(x.size, bool)
    if crossings < min_crossings:
        few[positions] = True
    return {f"long run (over {longest_allowed})": (part, fired),
            f"few crossings ({crossings}, fewer than {min_crossings})":
                (few, [int(positions[-1])] if crossings < min_crossings else [])}


def _as_array(value: float | Sequence[float] | np.ndarray, n: int, name: str) -> np.ndarray:
    arr = np.broadcast_to(np.asarray(value, dtype=float), (n,)).astype(float)
    if name == "sigma" and (~np.isfinite(arr) | (arr <= 0)).any():
        raise ValueError("sigma must be positive and finite at every point (limits are "
                         "centre +/- 3 sigma)")
    return arr


def apply_rules(values: Sequence[float], *, centre: float | Sequence[float],
                sigma: float | Sequence[float] | None = None, rule_set: str = "nhs",
                shift: int = 7, trend: int = 6, labels: Any = None) -> RuleHits:
    """Flag ``values`` by the rules of ``rule_set`` (see the module docstring).

    ``centre`` and ``sigma`` are scalars or one value per point (phases, p-chart
    limits). ``sigma`` may be None only for ``anhoej``. ``shift`` (7, or 6) and
    ``trend`` (6 points) tune the NHS set. ``labels`` (one period label per point)
    make the sentence name periods.

    >>> apply_rules([0, 0, 0, 0, 4, 0], centre=0, sigma=1, rule_set="western_electric",
    ...             labels=[f"2024-0{m}" for m in range(1, 7)]).sentence
    'Western Electric rules 1-4: 1: beyond 3 sigma (2024-05).'
    """
    if rule_set not in RULE_SETS:
        raise ValueError(f"unknown rule set {rule_set!r}: choose one of {', '.join(RULE_SETS)}")
    if shift not in (6, 7) or trend not in (6, 7):
        raise ValueError("NHS rules: shift is 7 points (or 6) and trend 6 points (or 7)")
    x = np.asarray(values, dtype=float)
    names = period_names(labels, x.size)
    if not np.isfinite(x).all():
        raise ValueError("values must be finite: drop or fill missing periods first")
    c = _as_array(centre, x.size, "centre")
    if rule_set == "anhoej":
        found = _anhoej(x, c)
    else:
        if sigma is None:
            raise ValueError(f"the {rule_set} rules need sigma (limits are centre +/- 3 sigma)")
        z = (x - c) / _as_array(sigma, x.size, "sigma")
        if rule_set == "western_electric":
            found = {"1: beyond 3 sigma": _beyond(z, 3),
                     "2: 2 of 3 beyond 2 sigma": _k_of_m(z, 2, 3, 2),
                     "3: 4 of 5 beyond 1 sigma": _k_of_m(z, 4, 5, 1),
                     "4: 8 on one side": _same_side(z, 8)}
        elif rule_set == "nelson":
            found = {"1: beyond 3 sigma": _beyond(z, 3),
                     "2: 9 on one side": _same_side(z, 9),
                     "3: 6 rising or falling": _trend(x, 6),
                     "4: 14 alternating": _alternating(x, 14),
                     "5: 2 of 3 beyond 2 sigma": _k_of_m(z, 2, 3, 2),
                     "6: 4 of 5 beyond 1 sigma": _k_of_m(z, 4, 5, 1),
                     "7: 15 within 1 sigma": _long_stretches(
                         (np.abs(z) < 1).astype(int), 15, {1}),
                     "8: 8 beyond 1 sigma, either side": _long_stretches(
                         (np.abs(z) > 1).astype(int), 8, {1})}
        else:
            found = {"outside the limits": _beyond(z, 3),
                     f"shift of {shift}": _same_side(z, shift),
                     f"trend of {trend}": _trend(x, trend),
                     "2 of 3 beyond 2 sigma": _k_of_m(z, 2, 3, 2)}
    flags = tuple(tuple(rule for rule, (part, _) in found.items() if part[i])
                  for i in range(x.size))
    fired = {rule: tuple(int(i) for i in at) for rule, (_, at) in found.items()}
    return RuleHits(rule_set=rule_set, flags=flags, fired=fired, rules=tuple(found),
                    names=names)


def compare_rule_sets(values: Sequence[float], *, centre: float | Sequence[float],
                      sigma: float | Sequence[float], sets: Sequence[str] = tuple(RULE_SETS),
                      labels: Sequence[Any] | None = None, **options: int) -> Any:
    """A table of the points where the rule sets disagree (flagged by some, not all).

    One row per such point; one column per set with the rules that flagged it
    ("-" when none). An empty table means the sets agree on every point.

    >>> table = compare_rule_sets([0, 0, 0, 0, 4, 0], centre=0, sigma=1,
    ...                           sets=("western_electric", "nhs"))
    >>> len(table)   # both flag point 5 as beyond the limits: no disagreement
    0
    """
    import pandas as pd

    hits = {name: apply_rules(values, centre=centre, sigma=sigma, rule_set=name, **options)
            for name in sets}
    n = len(values)
    names = list(labels) if labels is not None else [i + 1 for i in range(n)]
    rows = []
    for i in range(n):
        flagged = {name: h.flags[i] for name, h in hits.items()}
        if any(flagged.values()) and not all(flagged.values()):
            rows.append({"point": names[i], "value": float(values[i]),
                         **{rule_set_name(name): "; ".join(f) or "-"
                            for name, f in flagged.items()}})
    columns = ["point", "value", *(rule_set_name(name) for name in sets)]
    return pd.DataFrame(rows, columns=columns)
