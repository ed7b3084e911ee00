"""Capacity and money freed by a change, each with the interval carried from the time saved.

The time saved per ticket is of one estimand (the mean handle time) and has a CI of its
own (Welch's interval of the difference in means, see :mod:`pdcakit.stages.efficiency`);
the hours freed, the FTE equivalent, the savings, the ROI and the payback period are
computed at its low end, its estimate and its high end. Each is a monotone function of
the time saved at a given volume, cost and investment, so its ends are that CI's ends
carried over: a CI of the figure at the volume and cost given (which carry no sampling
error here). Money read from an interval keeps three significant figures. Step-table
savings have no sampling error and give a single value.

- hours freed per week = minutes saved per ticket x tickets per week / 60
- FTE equivalent = hours freed per week / hours per FTE per week
- savings per week = hours freed x loaded cost per agent hour
- ROI over the horizon = (savings over the horizon - investment) / investment
- payback = investment / savings per month (no payback when nothing is saved)

A week is 52/12 per month (52 weeks a year).

>>> c = capacity((2.0, 1.5, 2.5), tickets_per_week=600, hours_per_fte=37.5)
>>> c.hours_per_week, round(c.fte[0], 2)
((20.0, 15.0, 25.0), 0.53)
>>> m = money(c, cost_per_hour=30.0, investment=10000.0, horizon_months=12)
>>> round(m.savings_per_year[0]), round(m.payback_months[0], 1)
(31200, 3.8)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pdcakit.results import format_number
from pdcakit.words import N_

__all__ = ["WEEKS_PER_MONTH", "Capacity", "Money", "capacity", "money"]

WEEKS_PER_MONTH = 52 / 12
Range = tuple[float, float, float]  # (estimate, low, high)

#: The sentences (English; a page rewords them, see :meth:`pdcakit.words.Words.reword`).
_NONE_FREED = N_("The agent time freed cannot be told from none ({hours})")
_FREES = N_("The change frees about {hours}")
_COSTS = N_("The change costs about {hours}")
_NONE_FREED_SENTENCE = N_("{short}: the interval of the time saved per ticket includes no "
                          "change, so no agent time freed is claimed (from {source}).")
_COSTS_SENTENCE = N_("The change costs about {hours}: a loss of capacity (from {source}).")
_FREES_SENTENCE = N_("The change frees about {hours}, {fte} at {per_fte} hours per FTE (from "
                     "{source}).")
_ASSUMED = N_("(At {cost} an agent hour, as given.)")
_ASSUMED_INVESTED = N_("(At {cost} an agent hour and an investment of {investment}, as given.)")
_SAVINGS_NONE = N_("The savings cannot be told from none: {savings}; the interval of the time "
                   "saved includes no change, so no payback or ROI is claimed.")
_SAVES_NOTHING = N_("The change saves no agent time ({hours} hours a week), so it does not pay "
                    "back the investment of {investment}.")
_WORTH = N_("At the cost per agent hour given, the agent time freed is worth {savings}")
_PAYBACK = N_("it pays back in about {months} months{span}")
_ROI = N_("ROI over {horizon} months {roi}")
#: The amounts :func:`_fmt_range` writes, marked so a page rewords them.
_AMOUNT_WORDS = (N_("{value} agent hours a week"), N_("{value} agent hours"),
                 N_("{value} a year"), N_("{value} a week"),
                 N_("{level} CI {low} to {high} agent hours"))


def _scaled(values: Range, factor: float) -> Range:
    return (values[0] * factor, values[1] * factor, values[2] * factor)


def _fmt_range(values: Range, fmt: str = "{:,.0f}", unit: str = "",
               confidence: float | None = None, per: str = "") -> str:
    """``values`` (estimate, low, high) as ``'18.2 hours a week (95% CI 13.3 to 23.0
    hours)'``: one unit inside the interval, ``per`` after the estimate's unit; a single
    value when the ends coincide; ``range`` when the ends are not a confidence interval
    (``confidence`` None).

    >>> _fmt_range((18.2, 13.3, 23.0), "{:,.1f}", " hours", 0.95, per=" a week")
    '18.2 hours a week (95% CI 13.3 to 23.0 hours)'
    >>> _fmt_range((-0.04, -0.1, 0.2), "{:,.1f}")
    '0.0 (range -0.1 to 0.2)'
    """
    estimate, low, high = (_no_negative_zero(fmt.format(v)) for v in values)
    if math.isclose(values[1], values[2]) and math.isclose(values[1], values[0]):
        return f"{estimate}{unit}{per}"
    word = f"{confidence:.0%} CI" if confidence is not None else "range"
    return f"{estimate}{unit}{per} ({word} {low} to {high}{unit})"


def _no_negative_zero(text: str) -> str:
    """``'-0.0'`` and ``'-0'`` (a value that rounds to zero) read without the sign."""
    return text[1:] if text.startswith("-") and not text.strip("-0.,%+") else text


def _three_figures(value: float) -> float:
    """``value`` to three significant figures (a saving from an interval is no more
    precise than that).

    >>> _three_figures(28_334.2), _three_figures(-452.7), _three_figures(0.0)
    (28300.0, -453.0, 0.0)
    """
    if not math.isfinite(value) or value == 0:
        return value
    return round(value, 2 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Capacity:
    """Agent hours freed per week and their FTE equivalent, as (estimate, low, high)."""

    minutes_saved_per_ticket: Range
    tickets_per_week: float
    hours_per_fte: float
    source: str = "handle time"  # where the minutes come from, for the sentence
    confidence: float | None = None  # the time saved's CI level; None: no CI (steps)
    estimand: str = ""  # what the minutes saved are a change of ("mean"); "" for steps

    @property
    def hours_per_week(self) -> Range:
        return _scaled(self.minutes_saved_per_ticket, self.tickets_per_week / 60)

    @property
    def fte(self) -> Range:
        return _scaled(self.hours_per_week, 1 / self.hours_per_fte)

    @property
    def hours_text(self) -> str:
        """The hours freed a week, with their interval: ``'18.2 agent hours a week (95% CI
        13.3 to 23.0 hours)'``."""
        hours = self.hours_per_week
        if hours[0] < 0:
            hours = (-hours[0], -hours[2], -hours[1])
        return _fmt_range(hours, "{:,.1f}", " agent hours", self.confidence, per=" a week")

    @property
    def includes_none(self) -> bool:
        """The time saved's interval includes no saving: no time freed (or lost) is shown.

        >>> capacity((0.5, -0.5, 1.5), tickets_per_week=600, confidence=0.95).short
        'The agent time freed cannot be told from none (5.0 agent hours a week, 95% CI -5.0 \
to 15.0 agent hours)'
        """
        _, low, high = self.minutes_saved_per_ticket
        return self.confidence is not None and low <= 0 <= high

    @property
    def short(self) -> str:
        """The hours freed in a few words, for a summary."""
        if self.includes_none:
            signed = _fmt_range(self.hours_per_week, "{:,.1f}", " agent hours",
                                self.confidence, per=" a week").replace(" (", ", ", 1)
            return _NONE_FREED.format(hours=signed[:-1])
        template = _COSTS if self.hours_per_week[0] < 0 else _FREES
        return template.format(hours=self.hours_text)

    @property
    def sentence(self) -> str:
        if self.includes_none:
            return _NONE_FREED_SENTENCE.format(short=self.short, source=self.source)
        if self.hours_per_week[0] < 0:
            return _COSTS_SENTENCE.format(hours=self.hours_text, source=self.source)
        return _FREES_SENTENCE.format(
            hours=self.hours_text, fte=_fmt_range(self.fte, '{:,.2f}', ' FTE', self.confidence),
            per_fte=f"{self.hours_per_fte:g}", source=self.source)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "estimand": self.estimand or None,
                "confidence": self.confidence, "tickets_per_week": self.tickets_per_week,
                "hours_per_fte": self.hours_per_fte,
                "minutes_saved_per_ticket": list(self.minutes_saved_per_ticket),
                "hours_per_week": list(self.hours_per_week), "fte": list(self.fte),
                "sentence": self.sentence}


def capacity(minutes_saved_per_ticket: Range, *, tickets_per_week: float,
             hours_per_fte: float = 37.5, source: str = "handle time",
             confidence: float | None = None, estimand: str = "") -> Capacity:
    """Hours freed per week from minutes saved per ticket (estimate, low, high): the low
    and high ends are the time saved's ``confidence`` interval (None: a range with no
    sampling error, e.g. step times), of its ``estimand`` ("mean")."""
    if not tickets_per_week > 0:
        raise ValueError(f"tickets_per_week must be positive; got {tickets_per_week}")
    if not hours_per_fte > 0:
        raise ValueError(f"hours_per_fte must be positive; got {hours_per_fte}")
    estimate, low, high = (float(v) for v in minutes_saved_per_ticket)
    return Capacity((estimate, min(low, high), max(low, high)), float(tickets_per_week),
                    float(hours_per_fte), source, confidence, estimand)


@dataclass(frozen=True)
class Money:
    """Savings, ROI and payback, each (estimate, low, high) from the hours range."""

    capacity: Capacity
    cost_per_hour: float
    investment: float
    horizon_months: float
    currency: str = ""

    @property
    def savings_per_week(self) -> Range:
        return _scaled(self.capacity.hours_per_week, self.cost_per_hour)

    @property
    def savings_per_year(self) -> Range:
        return _scaled(self.savings_per_week, 52)

    @property
    def savings_over_horizon(self) -> Range:
        return _scaled(self.savings_per_week, WEEKS_PER_MONTH * self.horizon_months)

    @property
    def roi(self) -> Range | None:
        """(savings over the horizon - investment) / investment; None without investment."""
        if self.investment <= 0:
            return None
        e, lo, hi = self.savings_over_horizon
        return tuple((v - self.investment) / self.investment for v in (e, lo, hi))  # type: ignore[return-value]

    @property
    def payback_months(self) -> Range:
        """Months until the savings repay the investment; inf where nothing is saved."""
        per_month = _scaled(self.savings_per_week, WEEKS_PER_MONTH)

        def months(saving: float) -> float:
            if self.investment <= 0:
                return 0.0
            return self.investment / saving if saving > 0 else math.inf

        # The high saving pays back soonest: keep (estimate, low, high) as ordered months.
        return (months(per_month[0]), months(per_month[2]), months(per_month[1]))

    @property
    def _unit(self) -> str:
        return f" {self.currency}" if self.currency else ""

    def _shown(self, values: Range) -> Range:
        """Money from an interval to three significant figures; step savings as they are."""
        if self.capacity.confidence is None:
            return values
        return (_three_figures(values[0]), _three_figures(values[1]),
                _three_figures(values[2]))

    def _money(self, values: Range, per: str = "") -> str:
        return _fmt_range(self._shown(values), "{:,.0f}", self._unit, self.capacity.confidence,
                          per=per)

    @property
    def assumptions(self) -> str:
        """The figures given for the money, in words (said after :attr:`sentence`).

        >>> c = capacity((2.0, 1.5, 2.5), tickets_per_week=600)
        >>> money(c, cost_per_hour=30.0, investment=10000.0, currency="EUR").assumptions
        '(At 30.00 EUR an agent hour and an investment of 10,000 EUR, as given.)'
        """
        cost = f"{self.cost_per_hour:,.2f}{self._unit}"
        if self.investment > 0:
            return _ASSUMED_INVESTED.format(cost=cost,
                                            investment=f"{self.investment:,.0f}{self._unit}")
        return _ASSUMED.format(cost=cost)

    def table(self) -> Any:
        """The savings per week, per year and over the horizon: estimate, low and high,
        as text in the currency (a DataFrame).

        >>> c = capacity((2.0, 1.5, 2.5), tickets_per_week=600)
        >>> money(c, cost_per_hour=30.0, currency="EUR").table()["Low"].tolist()
        ['450 EUR', '23,400 EUR', '23,400 EUR']
        """
        import pandas as pd

        level = self.capacity.confidence
        low, high = ((f"{level:.0%} CI low", f"{level:.0%} CI high") if level is not None
                     else ("Low", "High"))
        rows = [(N_("Savings per week"), self.savings_per_week),
                (N_("Savings per year"), self.savings_per_year),
                (N_("Savings over {months} months").format(months=f"{self.horizon_months:g}"),
                 self.savings_over_horizon)]
        return pd.DataFrame([{"Figure": name, **dict(zip(
            ("Estimate", low, high),
            (_no_negative_zero(f"{v:,.0f}") + self._unit for v in self._shown(values)),
            strict=True))} for name, values in rows])

    @property
    def savings_text(self) -> str:
        """The savings a year with their interval, in the currency."""
        return self._money(self.savings_per_year, per=" a year")

    @property
    def sentence(self) -> str:
        hours = self.capacity.hours_per_week
        if self.capacity.includes_none:
            return _SAVINGS_NONE.format(savings=self.savings_text)
        if self.savings_per_week[0] <= 0:
            return _SAVES_NOTHING.format(hours=format_number(hours[0], 1),
                                         investment=f"{self.investment:,.0f}{self._unit}")
        text = _WORTH.format(savings=self.savings_text)
        payback = self.payback_months
        word = (f"{self.capacity.confidence:.0%} CI" if self.capacity.confidence is not None
                else "range")
        if self.investment > 0:
            if math.isinf(payback[2]):
                span = (f" ({word} {payback[1]:,.1f} months to never: the interval includes "
                        "no saving)")
            elif math.isclose(payback[1], payback[2]):
                span = ""
            else:
                span = f" ({word} {payback[1]:,.1f} to {payback[2]:,.1f} months)"
            roi = _fmt_range(self.roi, "{:+.0%}", "", self.capacity.confidence)  # type: ignore[arg-type]
            text += "; " + _PAYBACK.format(months=f"{payback[0]:,.1f}", span=span) + "; " + \
                _ROI.format(horizon=f"{self.horizon_months:g}", roi=roi)
        return text + "."

    def as_dict(self) -> dict[str, Any]:
        def plain(values: Range | None) -> list[float | None] | None:
            if values is None:
                return None
            return [None if not math.isfinite(v) else v for v in values]

        return {"currency": self.currency, "cost_per_hour": self.cost_per_hour,
                "investment": self.investment, "horizon_months": self.horizon_months,
                "savings_per_week": plain(self.savings_per_week),
                "savings_per_year": plain(self.savings_per_year),
                "savings_over_horizon": plain(self.savings_over_horizon),
                "roi": plain(self.roi), "payback_months": plain(self.payback_months),
                "sentence": self.sentence}


def money(capacity: Capacity, *, cost_per_hour: float, investment: float = 0.0,
          horizon_months: float = 12.0, currency: str = "") -> Money:
    """Savings, ROI and payback from the hours freed and the loaded cost per agent hour."""
    if not cost_per_hour > 0:
        raise ValueError(f"cost_per_hour must be positive; got {cost_per_hour}")
    if investment < 0 or not horizon_months > 0:
        raise ValueError("investment must be >= 0 and horizon_months > 0")
    return Money(capacity, float(cost_per_hour), float(investment), float(horizon_months),
                 currency)
