"""Re-baselining with a required reason, and the NHS assurance view against a target.

New limits hide a signal as surely as they reveal one, so a chart here never
rebases itself: every new phase is a :class:`Rebase` naming the cycle that
caused it and why (an adopted change, a known process shift). Phases and a
frozen baseline work together (qicharts2 refuses ``part`` with ``freeze``):
``freeze=k`` fixes the first phase's limits on its first ``k`` points, each
rebase starts a phase with its own limits.

The assurance view (NHS England "Making Data Count", as NHSRplotthedots
computes it) reads the last phase's limits against a target: the process will
consistently pass when both limits lie on the good side of the target,
consistently fail when both lie on the bad side, and hit and miss
(inconsistent) when the target lies between them.

>>> chart = rebased_chart([5, 6, 5, 7, 6, 9, 10, 9, 11, 10], "i",
...                       rebases=[Rebase(at=5, cycle="triage-2026", reason="adopted triage")])
>>> [round(p.centre, 1) for p in chart.chart.phases]
[5.8, 9.8]
>>> assurance(lcl=1, ucl=3, target=4, direction="higher")
'consistent fail'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ._common import period_names, the_period

__all__ = ["ASSURANCE", "ASSURANCE_MEANING", "Rebase", "RebasedChart", "assurance",
           "rebased_chart"]

ASSURANCE = ("consistent pass", "consistent fail", "inconsistent")
#: What each assurance verdict says of the process, in words a reviewer reads.
ASSURANCE_MEANING = {
    "consistent pass": "both limits lie on the good side of the target, so the process "
                       "will meet it period after period unless it changes",
    "consistent fail": "both limits lie on the bad side of the target, so the process will "
                       "keep missing it until the process itself changes",
    "inconsistent": "the target lies between the limits, so the process will meet it in "
                    "some periods and miss it in others by chance alone",
}


@dataclass(frozen=True)
class Rebase:
    """New limits from point ``at`` (0-based), with the cycle and the reason."""

    at: int
    cycle: str
    reason: str

    def __post_init__(self) -> None:
        if not str(self.cycle).strip() or not str(self.reason).strip():
            raise ValueError(f"a re-baseline at point {self.at + 1} must name the cycle and the "
                             "reason (e.g. Rebase(at=14, cycle='triage-2026', reason='adopted "
                             "email triage')): a chart never rebases silently")
        if int(self.at) < 1:
            raise ValueError(f"a re-baseline needs points before it; got at={self.at}")

    @property
    def label(self) -> str:
        return f"{self.cycle}: {self.reason}"


@dataclass(frozen=True)
class RebasedChart:
    """A control chart whose phases each come from a named re-baseline.

    ``names`` are the period names the sentences use (None: point numbers).
    """

    chart: Any
    rebases: tuple[Rebase, ...]
    freeze: int | None
    names: tuple[str, ...] | None = None

    @property
    def sentence(self) -> str:
        parts = [self.chart.sentence]
        if self.freeze:
            parts.append(f"First-phase limits frozen on its first {self.freeze} points.")
        fmt = getattr(self.chart, "format", lambda value: f"{value:.3g}")
        for rebase, phase in zip(self.rebases, self.chart.phases[1:], strict=False):
            start = (f"point {rebase.at + 1}" if self.names is None
                     else the_period(self.names[rebase.at]))
            parts.append(f"New limits from {start} ({rebase.label}): centre "
                         f"{fmt(phase.centre)}, limits {fmt(phase.lcl)} to {fmt(phase.ucl)}.")
        return " ".join(parts)

    def assurance(self, target: float | None, direction: str) -> str | None:
        """The last phase's limits against ``target`` (None when there is no target)."""
        if target is None:
            return None
        last = self.chart.phases[-1]
        return assurance(lcl=last.lcl, ucl=last.ucl, target=target, direction=direction)

    def as_dict(self) -> dict[str, Any]:
        return {"chart": self.chart.as_dict(), "freeze": self.freeze,
                "rebases": [{"at": r.at, "cycle": r.cycle, "reason": r.reason}
                            for r in self.rebases], "sentence": self.sentence}


def rebased_chart(values: Sequence[float], kind: str = "i", *, rebases: Sequence[Rebase] = (),
                  freeze: int | None = None, denominators: Sequence[float] | None = None,
                  labels: Any = None, **log_options: Any) -> RebasedChart:
    """An I, log-scale I, p or u chart with phases only where a :class:`Rebase` says so.

    ``kind`` "i" takes ``values``, "log" positive values such as durations (see
    :func:`pdcakit.spc.log_i_chart`, which takes ``log_options``: sparse, n, unit, scale);
    "p" and "u" take numerators in ``values`` and ``denominators``. ``freeze`` must fall
    inside the first phase. ``labels`` (one period label per point, e.g. the period
    start dates) make the sentences name periods: "New limits from Mar 2024 (...)".
    """
    from .control import i_chart, p_chart, u_chart
    from .logchart import log_i_chart

    ordered = tuple(sorted(rebases, key=lambda r: r.at))
    if len({r.at for r in ordered}) != len(ordered):
        raise ValueError("two re-baselines at the same point: merge their reasons into one")
    if ordered and int(ordered[-1].at) >= len(values):
        raise ValueError(f"a re-baseline at point {ordered[-1].at + 1} is past the last of the "
                         f"{len(values)} points")
    if freeze is not None and ordered and freeze > ordered[0].at:
        raise ValueError(f"freeze={freeze} reaches past the first re-baseline (point "
                         f"{ordered[0].at + 1}): the frozen baseline must lie in the first phase")
    part = [int(r.at) for r in ordered] or None
    names = period_names(labels, len(values))
    if kind == "i":
        chart = i_chart(values, freeze, part=part, labels=names)
    elif kind == "log":
        chart = log_i_chart(values, freeze, part=part, labels=names, **log_options)
    elif kind in ("p", "u"):
        if denominators is None:
            raise ValueError(f"a {kind} chart needs denominators")
        func = p_chart if kind == "p" else u_chart
        chart = func(values, denominators, freeze=freeze, part=part, labels=names)
    else:
        raise ValueError(f"kind must be 'i', 'log', 'p' or 'u'; got {kind!r}")
    return RebasedChart(chart=chart, rebases=ordered, freeze=freeze, names=names)


def assurance(*, lcl: float, ucl: float, target: float, direction: str) -> str | None:
    """NHS assurance of meeting ``target`` given the process limits.

    ``direction`` "higher" (an increase is an improvement) or "lower"; anything
    else (neutral) gives None, as NHSRplotthedots does.

    >>> assurance(lcl=5, ucl=7, target=4, direction="higher")
    'consistent pass'
    """
    if direction not in ("higher", "lower"):
        return None
    if lcl <= target <= ucl:
        return "inconsistent"
    above = lcl > target
    return "consistent pass" if above == (direction == "higher") else "consistent fail"
