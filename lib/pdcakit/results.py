"""Result objects shared by the KPI and statistics modules.

Every KPI returns an :class:`Estimate`: the value, how many observations it
rests on, and a confidence interval where one is defined. Rounding for
display lives in :meth:`Estimate.format`, never in the computation.

Example
-------
>>> e = Estimate(name="First contact resolution", value=0.72, n=500,
...              ci=(0.68, 0.76), unit="fraction", method="Wilson score interval")
>>> e.format()
'72.0% (95% CI 68.0% to 76.0%, n=500)'
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from pdcakit.words import N_

__all__ = [
    "DAYS",
    "DURATION_UNITS",
    "HOURS",
    "MINUTES",
    "DurationUnit",
    "Estimate",
    "duration_unit",
    "format_count",
    "format_level",
    "format_number",
    "format_p",
    "format_percent",
    "format_signed",
    "format_value",
    "reader_label",
    "reader_value",
]


@dataclass(frozen=True)
class DurationUnit:
    """A readable unit for durations held in minutes: its name and its length in minutes.

    >>> DAYS.of(2880), DAYS.format(2880), DAYS.axis_label
    (2.0, '2.0 days', 'days')
    """

    name: str
    minutes: float

    def of(self, minutes: Any) -> Any:
        """``minutes`` (a number or an array) in this unit."""
        return minutes / self.minutes

    def format(self, minutes: float | None, digits: int = 1) -> str:
        """``minutes`` written in this unit, e.g. ``'7.0 days'``."""
        return format_value(minutes, "minutes", digits, scale=self.name)

    @property
    def axis_label(self) -> str:
        return self.name


MINUTES = DurationUnit("minutes", 1.0)
HOURS = DurationUnit("hours", 60.0)
DAYS = DurationUnit("days", 1440.0)
DURATION_UNITS = {unit.name: unit for unit in (MINUTES, HOURS, DAYS)}


def duration_unit(typical_minutes: float | None) -> DurationUnit:
    """The unit a duration of ``typical_minutes`` reads best in, for text, tables and axes.

    Under 2 hours: minutes; under a day: hours; else days. Pass a KPI's typical value (its
    baseline median) once and use the unit for its value, CI, target and chart axis, so one
    KPI reads in one unit everywhere. Missing or non-finite: minutes.

    >>> [duration_unit(m).name for m in (45, 600, 12_600, None)]
    ['minutes', 'hours', 'days', 'minutes']
    """
    if typical_minutes is None or not math.isfinite(typical_minutes):
        return MINUTES
    size = abs(float(typical_minutes))
    if size < 120:
        return MINUTES
    return HOURS if size < 24 * 60 else DAYS


def reading_scale(unit: str, before: float | None, after: float | None = None) -> str | None:
    """The one unit a duration KPI reads in on every page, table, chart and sentence: the
    unit its before (baseline) value picks (:func:`duration_unit`), so the baseline page,
    the compare page and the cycle page show one KPI in one unit; the after value when
    the before one is missing. None when ``unit`` is not minutes.

    >>> reading_scale("minutes", 136.3, 68.0), reading_scale("minutes", 4.1, 4.0)
    ('hours', 'minutes')
    >>> reading_scale("minutes", float("nan"), 3000.0), reading_scale("fraction", 0.7, 0.8)
    ('days', None)
    """
    if unit != "minutes":
        return None
    for value in (before, after):
        if value is not None and math.isfinite(value):
            return duration_unit(value).name
    return MINUTES.name


def format_value(value: float | None, unit: str = "", digits: int = 1, *,
                 hours: bool | None = None, scale: str | None = None) -> str:
    """Format a number for a reader: fractions as percent, others with a unit.

    Minutes read in the unit :func:`duration_unit` picks for the value (from 120 on as
    hours, from a day on as days); ``scale`` ("minutes", "hours", "days") forces one unit so
    figures read side by side (before, after, change, CI, target) share it; ``hours`` (older
    spelling) forces hours (True) or minutes (False).

    >>> format_value(0.125, "fraction")
    '12.5%'
    >>> format_value(42.04, "minutes")
    '42.0 minutes'
    >>> format_value(133.6, "minutes")
    '2.2 hours'
    >>> format_value(68.8, "minutes", hours=True)
    '1.1 hours'
    >>> format_value(10_080, "minutes"), format_value(90, "minutes", scale="days")
    ('7.0 days', '0.062 days')
    >>> format_value(4.5, "minutes", scale="hours"), format_value(-54, "minutes", scale="hours")
    ('0.075 hours', '-0.90 hours')
    >>> format_value(None)
    'n/a'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "fraction":
        return f"{format_number(value * 100, digits)}%"
    if unit in ("", "score", "index"):
        return format_number(value, digits + 1)
    if unit == "minutes":
        if scale is None:
            chosen = duration_unit(value) if hours is None else (HOURS if hours else MINUTES)
        else:
            if scale not in DURATION_UNITS:
                raise ValueError(f"scale must be one of {', '.join(DURATION_UNITS)}, "
                                 f"got {scale!r}")
            chosen = DURATION_UNITS[scale]
        shown = chosen.of(value)
        if chosen is not MINUTES and 0 < abs(shown) < 1:
            # a small value in a unit chosen for a larger one keeps two significant figures
            # ('0.075 hours', not '0.1 hours'), at most three decimals
            digits = min(max(digits, 1 - math.floor(math.log10(abs(shown)))), 3)
        return f"{format_number(shown, digits)} {chosen.name}"
    if unit == "points":
        return f"{format_number(value, digits)} points"
    return f"{format_number(value, digits)} {unit}"


def format_number(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """``value`` with thousands separators and ``digits`` decimals, never a negative zero
    (a value that rounds to zero reads ``0.0``); ``sign`` puts ``+`` before a positive one.

    >>> format_number(-0.04), format_number(17883, 0), format_number(1234.5678, 2)
    ('0.0', '17,883', '1,234.57')
    >>> format_number(0.3, sign=True), format_number(-0.001, 2, sign=True)
    ('+0.3', '0.00')
    >>> format_number(None), format_number(float("inf"))
    ('n/a', 'n/a')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0  # -0.0 == 0: drop the sign of a value that rounds to zero
    text = f"{rounded:,.{max(digits, 0)}f}"
    return f"+{text}" if sign and rounded > 0 else text


def format_percent(fraction: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """A fraction as a percentage with ``digits`` decimals, never a negative zero.

    >>> format_percent(0.94534), format_percent(-0.162, sign=True), format_percent(None)
    ('94.5%', '-16.2%', 'n/a')
    """
    if fraction is None or not math.isfinite(float(fraction)):
        return "n/a"
    return f"{format_number(100 * float(fraction), digits, sign=sign)}%"


def format_level(level: float) -> str:
    """A confidence level as a reader writes it: three significant figures at most.

    >>> format_level(0.95), format_level(0.9875), format_level(0.99444)
    ('95%', '98.8%', '99.4%')
    """
    return f"{100 * float(level):.3g}%"


def format_signed(value: float | None, figures: int = 4) -> str:
    """``value`` to ``figures`` significant figures with its sign (``+``/``-``), never a
    negative zero: for sentences whose unit fixes no number of decimals.

    >>> format_signed(0.061234), format_signed(-12.5), format_signed(-0.0)
    ('+0.06123', '-12.5', '0')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    text = f"{float(value):+.{figures}g}"
    return "0" if float(text) == 0 else text


def format_count(value: float | None) -> str:
    """A count as a whole number with thousands separators (``417.0`` reads ``417``).

    >>> format_count(17883), format_count(417.0), format_count(None)
    ('17,883', '417', 'n/a')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{round(float(value)):,}"


def format_p(pvalue: float | None) -> str:
    """A p-value for a table cell or a sentence: ``< 0.001`` below 0.001, else three
    decimals (``0.056``, never ``= 0.056``).

    >>> format_p(8.9e-40), format_p(0.0561), format_p(1.0), format_p(None)
    ('< 0.001', '0.056', '1.000', 'n/a')
    """
    if pvalue is None or not math.isfinite(float(pvalue)):
        return "n/a"
    return "< 0.001" if pvalue < 0.001 else f"{pvalue:.3f}"


#: Reader-facing names of the field names results and tables use (English message ids:
#: :func:`reader_label` words them in another language from the catalogue).
READER_LABELS = {
    "n": "n", "n_before": N_("Cases before"), "n_after": N_("Cases after"), "p": "p",
    "p_adjusted": N_("Adjusted p"), "ci_low": N_("CI low"), "ci_high": N_("CI high"),
    "value_added": N_("Value-adding"), "aht": N_("Average handle time"), "fcr":
    N_("First contact resolution"), "csat": N_("Customer satisfaction (CSAT)"),
    "sla_first_response": N_("First response within SLA"),
    "sla_resolution": N_("Resolved within SLA"),
    "complaints_pareto": N_("Complaints by category (Pareto)"), "tickets_pareto":
    N_("Tickets by category (Pareto)"), "standards": N_("Standards conformance"),
    "composite": N_("Composite performance score"), "feedback": N_("Feedback"),
    "complaints": N_("Complaints"), "over_time": N_("Over time"),
    "csi": N_("Customer satisfaction index (CSI)"), "tps": N_("Process audit score (TPS)"),
    "tds": N_("Mystery-shopper score (TDS)"),
}
_YES_NO = (N_("yes"), N_("no"))


def reader_label(name: object, language: str = "en") -> str:
    """A column or field name as a reader reads it: the known names from
    :data:`READER_LABELS` (in ``language``), else a lower-case ``snake_case`` name as
    words with a capital; text that already has spaces or capitals is left alone.

    >>> reader_label("minutes_before"), reader_label("value_added"), reader_label("Value")
    ('Minutes before', 'Value-adding', 'Value')
    >>> reader_label("sla_resolution", "zh-CN"), reader_label("n_after", "zh-CN")
    ('SLA 内解决率', '改进后工单数')
    """
    text = str(name)
    if text in READER_LABELS:
        return _said(READER_LABELS[text], language)
    if text.isidentifier() and text == text.lower():
        words = text.replace("_", " ").strip()
        return words[:1].upper() + words[1:]
    return text


def _said(message: str, language: str) -> str:
    """``message`` (an English message id) in ``language``."""
    if language == "en":
        return message
    from pdcakit.words import words

    return words(language)._(message)


def reader_value(value: object, digits: int = 1, language: str = "en") -> str:
    """One table cell in reader's words: yes/no for booleans (in ``language``), whole
    numbers as counts, other numbers with :func:`format_number`, missing as an empty
    cell, text as it is.

    >>> [reader_value(v) for v in (True, False, 417.0, -0.04, 1234.567, None, "web")]
    ['yes', 'no', '417', '0.0', '1,234.6', '', 'web']
    >>> reader_value(True, language="zh-CN"), reader_value("电话", language="zh-CN")
    ('是', '电话')
    """
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # numpy scalars as Python numbers and booleans
    if value is None:
        return ""
    if isinstance(value, bool):
        return _said("yes" if value else "no", language)
    if isinstance(value, int):
        return format_count(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return format_count(value) if value.is_integer() else format_number(value, digits)
    return str(value)


@dataclass(frozen=True)
class Estimate:
    """A KPI value with its sample size and confidence interval.

    Attributes
    ----------
    name : plain-language KPI name, e.g. ``"First contact resolution"``.
    value : the estimate. Proportions are fractions in [0, 1] (``unit="fraction"``).
    n : number of observations the estimate rests on.
    ci : (low, high) confidence interval, or None where none is defined.
    unit : ``"fraction"``, ``"minutes"``, ``"hours"``, ``"score"``, ``"points"`` ...
    method : how the value and interval were computed (named for a reviewer).
    confidence : the interval's confidence level.
    note : anything a reader must know (excluded rows, censoring, ...).
    extra : further named numbers (e.g. ``{"promoters": 0.41}``).
    """

    name: str
    value: float
    n: int
    ci: tuple[float, float] | None = None
    unit: str = ""
    method: str = ""
    confidence: float = 0.95
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def format(self, digits: int = 1) -> str:
        """One readable line: value, interval and n."""
        scale = self.scale
        text = format_value(self.value, self.unit, digits, scale=scale)
        if self.ci is not None:
            low = format_value(self.ci[0], self.unit, digits, scale=scale)
            high = format_value(self.ci[1], self.unit, digits, scale=scale)
            text += f" ({self.confidence:.0%} CI {low} to {high}, n={self.n:,})"
        else:
            text += f" (n={self.n:,})"
        return text

    @property
    def scale(self) -> str | None:
        """Durations (minutes): the one unit the value and its CI read in; else None.

        >>> Estimate("Time to resolve", 12_600.0, 40, ci=(100.0, 20_000.0), unit="minutes").format()
        '8.8 days (95% CI 0.069 days to 13.9 days, n=40)'
        """
        return duration_unit(self.value).name if self.unit == "minutes" else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (tuples become lists, NaN becomes None)."""
        out = asdict(self)
        out["ci"] = list(self.ci) if self.ci is not None else None
        for key in ("value",):
            if isinstance(out[key], float) and math.isnan(out[key]):
                out[key] = None
        return out
