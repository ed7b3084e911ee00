"""Capacity and money freed by a change, each as a range carried from the time saved.

The time saved per ticket has a CI; the hours freed, the FTE equivalent, the
savings, the ROI and the payback period are computed at its low end, its
estimate and its high end, so the reader sees one range, not a false-precise
number. Step-table savings have no sampling error and give a single value.

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

__all__ = ["WEEKS_PER_MONTH", "Capacity", "Money", "capacity", "money"]

WEEKS_PER_MONTH = 52 / 12
Range = tuple[float, float, float]  # (estimate, low, high)


def _scaled(values: Range, factor: float) -> Range:
    return (values[0] * factor, values[1] * factor, values[2] * factor)


def _fmt_range(values: Range, fmt: str = "{:,.0f}") -> str:
    estimate, low, high = values
    if math.isclose(low, high) and math.isclose(low, estimate):
        return fmt.format(estimate)
    return f"{fmt.format(estimate)} (range {fmt.format(low)} to {fmt.format(high)})"


@dataclass(frozen=True)
class Capacity:
    """Agent hours freed per week and their FTE equivalent, as (estimate, low, high)."""

    minutes_saved_per_ticket: Range
    tickets_per_week: float
    hours_per_fte: float
    source: str = "handle time"  # where the minutes come from, for the sentence

    @property
    def hours_per_week(self) -> Range:
        return _scaled(self.minutes_saved_per_ticket, self.tickets_per_week / 60)

    @property
    def fte(self) -> Range:
        return _scaled(self.hours_per_week, 1 / self.hours_per_fte)

    @property
    def sentence(self) -> str:
        hours = self.hours_per_week
        if hours[0] < 0:
            return (f"The change costs about {_fmt_range(_scaled(hours, -1), '{:,.1f}')} "
                    f"agent hours a week (from {self.source}): a loss of capacity.")
        return (f"The change frees about {_fmt_range(hours, '{:,.1f}')} agent hours a week, "
                f"{_fmt_range(self.fte, '{:,.2f}')} FTE at {self.hours_per_fte:g} hours per "
                f"FTE (from {self.source}).")

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "tickets_per_week": self.tickets_per_week,
                "hours_per_fte": self.hours_per_fte,
                "minutes_saved_per_ticket": list(self.minutes_saved_per_ticket),
                "hours_per_week": list(self.hours_per_week), "fte": list(self.fte),
                "sentence": self.sentence}


def capacity(minutes_saved_per_ticket: Range, *, tickets_per_week: float,
             hours_per_fte: float = 37.5, source: str = "handle time") -> Capacity:
    """Hours freed per week from minutes saved per ticket (estimate, low, high)."""
    if not tickets_per_week > 0:
        raise ValueError(f"tickets_per_week must be positive; got {tickets_per_week}")
    if not hours_per_fte > 0:
        raise ValueError(f"hours_per_fte must be positive; got {hours_per_fte}")
    estimate, low, high = (float(v) for v in minutes_saved_per_ticket)
    return Capacity((estimate, min(low, high), max(low, high)), float(tickets_per_week),
                    float(hours_per_fte), source)


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

    def _money(self, values: Range) -> str:
        return _fmt_range(values) + self._unit

    @property
    def assumptions(self) -> str:
        """The figures given for the money, in words (said after :attr:`sentence`).

        >>> c = capacity((2.0, 1.5, 2.5), tickets_per_week=600)
        >>> money(c, cost_per_hour=30.0, investment=10000.0, currency="EUR").assumptions
        '(At 30.00 EUR an agent hour and an investment of 10,000 EUR, as given.)'
        """
        invested = (f" and an investment of {self.investment:,.0f}{self._unit}"
                    if self.investment > 0 else "")
        return f"(At {self.cost_per_hour:,.2f}{self._unit} an agent hour{invested}, as given.)"

    def table(self) -> Any:
        """The savings per week, per year and over the horizon: estimate, low and high,
        as text in the currency (a DataFrame).

        >>> c = capacity((2.0, 1.5, 2.5), tickets_per_week=600)
        >>> money(c, cost_per_hour=30.0, currency="EUR").table()["Low"].tolist()
        ['450 EUR', '23,400 EUR', '23,400 EUR']
        """
        import pandas as pd

        rows = [("Savings per week", self.savings_per_week),
                ("Savings per year", self.savings_per_year),
                (f"Savings over {self.horizon_months:g} months", self.savings_over_horizon)]
        return pd.DataFrame([{"Figure": name, "Estimate": f"{v[0]:,.0f}{self._unit}",
                              "Low": f"{v[1]:,.0f}{self._unit}",
                              "High": f"{v[2]:,.0f}{self._unit}"} for name, v in rows])

    @property
    def sentence(self) -> str:
        hours = self.capacity.hours_per_week
        if self.savings_per_week[0] <= 0:
            return (f"The change saves no agent time ({hours[0]:,.1f} hours a week), so it does "
                    f"not pay back the investment of {self.investment:,.0f}"
                    f"{' ' + self.currency if self.currency else ''}.")
        text = (f"The change frees about {_fmt_range(hours, '{:,.1f}')} agent hours a week, "
                f"worth {self._money(self.savings_per_year)} a year")
        payback = self.payback_months
        if self.investment > 0:
            if math.isinf(payback[2]):
                span = f"{payback[1]:,.1f} months to never: the range includes no saving"
            else:
                span = f"{payback[1]:,.1f} to {payback[2]:,.1f} months"
            text += (f"; it pays back in about {payback[0]:,.1f} months (range {span}); "
                     f"ROI over {self.horizon_months:g} months "
                     f"{_fmt_range(self.roi, '{:+.0%}')}")  # type: ignore[arg-type]
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
