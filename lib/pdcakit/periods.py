"""The periods charts and period-aware tests group tickets by: codes, words, pandas rules.

One home for them (light: no pandas import at module import), so a stage, a chart and a
check of the parameters all mean the same thing by ``W``.
:func:`period_codes` gives, for every timestamp, the number of its period (pandas'
``Period.ordinal``), vectorised: it groups and sorts exactly as
``created.dt.to_period(PANDAS_PERIOD[code])`` does, without building one ``Period``
object per ticket (576,000 of them took 1.5 s at 48k tickets in the compare stage).

>>> PERIODS["W"], PANDAS_PERIOD["W"]
('week', 'W-SUN')
>>> period_word("M", 2)
'months'
"""

from __future__ import annotations

from typing import Any

__all__ = ["PANDAS_PERIOD", "PERIODS", "period_codes", "period_labels", "period_word"]

#: Period code -> the word used in sentences and axis titles.
PERIODS: dict[str, str] = {"D": "day", "W": "week", "M": "month"}
#: Period code -> pandas period frequency (weeks run Monday to Sunday).
PANDAS_PERIOD: dict[str, str] = {"D": "D", "W": "W-SUN", "M": "M"}

# 1970-01-01, day 0, was a Thursday: the Monday-to-Sunday week holding day d is
# pandas' W-SUN period number (d + 3) // 7 + 1.
_THURSDAY_OFFSET = 3


def period_word(code: str, count: int = 1) -> str:
    """``day``/``week``/``month``, plural when ``count`` is not 1."""
    word = PERIODS[code]
    return word if count == 1 else f"{word}s"


def period_codes(created: Any, period: str) -> Any:
    """The period (``D``, ``W`` Monday to Sunday, ``M``) each timestamp falls in, as a
    float array of pandas ``Period.ordinal`` numbers; NaN where the time is missing.

    Groups and sorts exactly as ``created.dt.to_period(PANDAS_PERIOD[period])``: a
    time-zone-aware time counts in its own wall-clock time, as ``to_period`` does.
    :func:`period_labels` turns the numbers back into periods.

    >>> import pandas as pd
    >>> times = pd.Series(pd.to_datetime(["2026-01-04 23:59", "2026-01-05 00:00", None]))
    >>> period_codes(times, "W").tolist()       # Sunday, then the next Monday; NaT
    [2923.0, 2924.0, nan]
    >>> [str(p) for p in period_labels(period_codes(times[:2], "W"), "W")]
    ['2025-12-29/2026-01-04', '2026-01-05/2026-01-11']
    """
    import numpy as np
    import pandas as pd

    if period not in PANDAS_PERIOD:
        raise ValueError(f"period must be one of {', '.join(PANDAS_PERIOD)} (day, week, "
                         f"month); got {period!r}")
    times = created if isinstance(created, pd.Series) else pd.Series(created)
    if not (pd.api.types.is_datetime64_any_dtype(times.dtype)):
        raise ValueError(f"period codes need timestamps; got a column of {times.dtype}")
    if getattr(times.dtype, "tz", None) is not None:
        times = times.dt.tz_localize(None)  # wall-clock time, as to_period counts it
    stamps = times.to_numpy()
    missing = np.isnat(stamps)
    if period == "M":
        codes = stamps.astype("datetime64[M]").astype(np.int64)
    else:
        codes = stamps.astype("datetime64[D]").astype(np.int64)
        if period == "W":
            codes = (codes + _THURSDAY_OFFSET) // 7 + 1
    out = codes.astype(float)
    out[missing] = np.nan
    return out


def period_labels(codes: Any, period: str) -> Any:
    """The ``pandas.PeriodIndex`` of :func:`period_codes` numbers (NaN: NaT).

    >>> str(period_labels([672.0], "M")[0])
    '2026-01'
    """
    import numpy as np
    import pandas as pd

    values = np.asarray(codes, float)
    ordinals = np.where(np.isnan(values), np.iinfo(np.int64).min, values).astype(np.int64)
    return pd.PeriodIndex.from_ordinals(ordinals, freq=PANDAS_PERIOD[period])
