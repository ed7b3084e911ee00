"""NHS "Making Data Count" icons: the variation and assurance of a KPI after a change.

The **variation** icon reads the after phase against the *baseline's* centre and limits,
by the NHS rule set (:func:`pdcakit.spc.apply_rules` with ``rule_set="nhs"``, as
NHSRplotthedots): a point outside the limits, a shift of 7 points on one side of the
centre, a trend of 6 points each rising or each falling, two of three points beyond two
sigma on the same side. No rule fires: **common cause**. A rule fires: **special cause**,
*improving* when the most recent flagged point lies on the better side (or the trend runs
the better way), *concerning* when on the worse side, *neither* when the KPI has no better
direction. NHS dashboards read the icon of the latest point; a before/after review asks
whether the after period moved at all, so here the latest *flagged* point of the after
phase decides (its period is kept in :attr:`Variation.at`).

The **assurance** icon reads the after phase's own limits against the target
(:func:`pdcakit.spc.assurance`): consistent pass, consistent fail, inconsistent (hit and
miss), or no target.

Each icon has words and a symbol with a letter (H/L for the direction, P/F/? for
assurance), so it never rests on colour alone.

>>> v = variation([5.0] * 8 + [6.2, 6.1, 6.3, 6.0, 6.4, 6.2, 6.1], centre=5.0,
...               lcl=2.0, ucl=8.0, start=8, better="higher")
>>> v.icon, v.symbol, v.rules
('special cause improving', '▲ H', ('shift of 7',))
>>> assurance_icon(lcl=6.5, ucl=7.9, target=6.0, better="higher").symbol
'P ✔'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .rebase import assurance
from .rules import apply_rules

__all__ = ["ASSURANCE_SYMBOLS", "VARIATION_ICONS", "Assurance", "Variation",
           "assurance_icon", "variation"]

#: Variation icon -> (words a reader sees, what it means).
VARIATION_ICONS = {
    "common cause": "no NHS rule fires against the baseline's limits: the after periods "
                    "vary as the baseline did",
    "special cause improving": "an NHS rule fires against the baseline's limits, on the "
                               "better side",
    "special cause concerning": "an NHS rule fires against the baseline's limits, on the "
                                "worse side",
    "special cause neither": "an NHS rule fires against the baseline's limits; the KPI has "
                             "no better direction",
}
#: Assurance icon -> its symbol (NHS letters P, F and ?).
ASSURANCE_SYMBOLS = {"consistent pass": "P ✔", "consistent fail": "F ✘",
                     "inconsistent": "? ~", "no target": "–"}


@dataclass(frozen=True)
class Variation:
    """The variation icon of an after phase against the baseline's limits.

    ``direction`` "higher" / "lower" of the deciding point ("" for common cause);
    ``rules`` the NHS rules that fired on after points; ``points`` every after point a
    firing pattern includes (0-based in the whole series); ``at`` the deciding point."""

    icon: str
    direction: str
    rules: tuple[str, ...]
    points: tuple[int, ...]
    at: int | None

    @property
    def symbol(self) -> str:
        """"∿" for common cause; "▲ H" / "▼ L" (higher / lower) for a special cause."""
        if self.icon == "common cause":
            return "∿"
        return "▲ H" if self.direction == "higher" else "▼ L"

    @property
    def words(self) -> str:
        """The icon in words with its direction ("special cause improving (higher)")."""
        return self.icon if not self.direction else f"{self.icon} ({self.direction})"

    def as_dict(self) -> dict[str, Any]:
        return {"icon": self.icon, "symbol": self.symbol, "direction": self.direction,
                "rules": list(self.rules), "points": list(self.points), "at": self.at,
                "meaning": VARIATION_ICONS[self.icon]}


@dataclass(frozen=True)
class Assurance:
    """The assurance icon of the after phase's limits against a target."""

    icon: str
    target: float | None

    @property
    def symbol(self) -> str:
        return ASSURANCE_SYMBOLS[self.icon]

    def as_dict(self) -> dict[str, Any]:
        return {"icon": self.icon, "symbol": self.symbol, "target": self.target}


def _direction(x: np.ndarray, centre: np.ndarray, i: int, trend_only: bool) -> int:
    """+1 when point ``i`` is a high signal, -1 a low one: the side of the centre, or for a
    point flagged only by a trend the way the trend runs."""
    if trend_only:
        step = x[i] - x[i - 1] if i > 0 else x[i + 1] - x[i]
        return int(np.sign(step))
    return int(np.sign(x[i] - centre[i]))


def variation(values: Sequence[float], *, centre: float | Sequence[float],
              lcl: float | Sequence[float], ucl: float | Sequence[float], start: int,
              better: str | None, shift: int = 7, trend: int = 6) -> Variation:
    """The NHS variation icon of ``values[start:]`` against the baseline's ``centre`` and
    limits (scalars, or one per point: p-chart limits that vary with the denominator).

    Sigma is a sixth of the distance between the limits at each point. ``better`` is
    "higher", "lower" or None (no better direction). Missing points (NaN) are left out,
    as gaps; the rules run on the after points only, so a baseline's own drift never
    makes an after signal. Durations on a log chart are passed as logs.

    >>> variation([10, 11, 9, 10, 30, 10], centre=10, lcl=7, ucl=13, start=3,
    ...           better="lower").icon
    'special cause concerning'
    """
    x = np.asarray(values, dtype=float)
    n = x.size
    if not 0 <= start < n:
        raise ValueError(f"start={start} must point inside the {n} values (the first after "
                         "period)")
    if better not in ("higher", "lower", None):
        raise ValueError(f"better must be 'higher', 'lower' or None; got {better!r}")
    c, low, high = (np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in (centre, lcl, ucl))
    keep = np.flatnonzero(np.isfinite(x) & (np.arange(n) >= start))
    sigma = (high[keep] - low[keep]) / 6
    usable = np.isfinite(sigma) & (sigma > 0)
    keep = keep[usable]
    if keep.size == 0:
        return Variation("common cause", "", (), (), None)
    hits = apply_rules(x[keep], centre=c[keep], sigma=sigma[usable], rule_set="nhs",
                       shift=shift, trend=trend)
    flagged = [k for k, rules in enumerate(hits.flags) if rules]
    if not flagged:
        return Variation("common cause", "", (), (), None)
    last = flagged[-1]
    trend_only = all(rule.startswith("trend") for rule in hits.flags[last])
    sign = _direction(x[keep], c[keep], last, trend_only)
    direction = "higher" if sign > 0 else "lower"
    icon = ("special cause neither" if better is None else
            "special cause improving" if direction == better else "special cause concerning")
    fired = tuple(rule for rule, at in hits.fired.items() if at)
    return Variation(icon, direction, fired, tuple(int(keep[k]) for k in flagged),
                     int(keep[last]))


def assurance_icon(*, lcl: float, ucl: float, target: float | None,
                   better: str | None) -> Assurance:
    """The NHS assurance icon of limits ``lcl`` to ``ucl`` against ``target`` ("no target"
    without one, or when the KPI has no better direction).

    >>> assurance_icon(lcl=70, ucl=80, target=74, better="higher").icon
    'inconsistent'
    """
    if target is None or better is None:
        return Assurance("no target", target)
    verdict = assurance(lcl=lcl, ucl=ucl, target=target, direction=better)
    return Assurance(verdict or "no target", target)
