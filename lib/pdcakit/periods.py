"""The periods charts and period-aware tests group tickets by: codes, words, pandas rules.

One home for them (light: no pandas import), so a stage, a chart and a check of the
parameters all mean the same thing by ``W``.

>>> PERIODS["W"], PANDAS_PERIOD["W"]
('week', 'W-SUN')
>>> period_word("M", 2)
'months'
"""

from __future__ import annotations

__all__ = ["PANDAS_PERIOD", "PERIODS", "period_word"]

#: Period code -> the word used in sentences and axis titles.
PERIODS: dict[str, str] = {"D": "day", "W": "week", "M": "month"}
#: Period code -> pandas period frequency (weeks run Monday to Sunday).
PANDAS_PERIOD: dict[str, str] = {"D": "D", "W": "W-SUN", "M": "M"}


def period_word(code: str, count: int = 1) -> str:
    """``day``/``week``/``month``, plural when ``count`` is not 1."""
    word = PERIODS[code]
    return word if count == 1 else f"{word}s"
