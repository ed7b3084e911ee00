"""Item reliability: do a dimension's questions measure one thing? Cronbach's alpha with
Feldt's interval.

Cronbach's alpha (Cronbach 1951) of ``k`` items answered by ``n`` respondents is
``k / (k - 1) * (1 - sum(item variances) / variance(total))``; it equals the
consistency of the item mean from a two-way analysis of variance (Hoyt 1941). Its
interval is Feldt's (Feldt, Woodruff & Salih 1987, formulas 6 and 7; as R's
``psych::alpha`` and ``cocron::cronbach.alpha.CI`` compute it):
``1 - (1 - alpha) * F(1 - c/2; n - 1, (n - 1)(k - 1))`` to
``1 - (1 - alpha) * F(c/2; n - 1, (n - 1)(k - 1))``.

Only respondents who answered every item of the dimension count (listwise), since
alpha compares the variance of their totals; the others are counted, never imputed.

>>> r = cronbach_alpha([[4, 5, 4], [2, 3, 2], [3, 3, 4], [5, 4, 5], [1, 2, 2]])
>>> round(r.alpha, 3), r.n_respondents, r.n_items
(0.929, 5, 3)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = ["Reliability", "cronbach_alpha", "dimension_reliability", "feldt_interval"]


@dataclass(frozen=True)
class Reliability:
    """Cronbach's alpha of one set of items, with Feldt's interval.

    ``n_respondents`` answered every item (they are the ones alpha rests on);
    ``n_incomplete`` answered some but not all and are left out. ``ci`` is None when
    alpha is undefined (fewer than 2 items or 3 complete respondents, or no variance).
    ``item_total`` is each item's corrected item-total correlation (with the total of
    the other items): an item far below the others may measure something else.
    """

    alpha: float
    ci: tuple[float, float] | None
    n_respondents: int
    n_items: int
    n_incomplete: int = 0
    confidence: float = 0.95
    items: tuple[str, ...] = ()
    item_total: Mapping[str, float] = field(default_factory=dict)
    method: str = "Cronbach's alpha; Feldt, Woodruff & Salih (1987) F interval"

    def as_dict(self) -> dict[str, Any]:
        """The record results.json holds (NaN as None)."""
        def num(v: float) -> float | None:
            return float(v) if v is not None and math.isfinite(v) else None

        return {"alpha": num(self.alpha),
                "ci": None if self.ci is None else [num(self.ci[0]), num(self.ci[1])],
                "n_respondents": self.n_respondents, "n_items": self.n_items,
                "n_incomplete": self.n_incomplete, "confidence": self.confidence,
                "items": list(self.items),
                "item_total": {k: num(v) for k, v in self.item_total.items()},
                "method": self.method}


def feldt_interval(alpha: float, n_respondents: int, n_items: int, *,
                   confidence: float = 0.95, df2: float | None = None
                   ) -> tuple[float, float]:
    """Feldt's interval of Cronbach's alpha from the alpha, n and k alone.

    ``df2`` defaults to ``(n - 1)(k - 1)`` (Feldt, Woodruff & Salih 1987); Feldt (1965)
    used ``n (k - 1)``, as R's ``statpsych::ci.cronbach`` does.

    >>> [round(v, 4) for v in feldt_interval(0.85, 89, 7)]
    [0.7971, 0.8932]
    """
    if n_respondents < 2 or n_items < 2:
        raise ValueError("Feldt's interval needs at least 2 respondents and 2 items, got "
                         f"{n_respondents} and {n_items}")
    df1 = n_respondents - 1
    df2 = (n_respondents - 1) * (n_items - 1) if df2 is None else df2
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * sps.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * sps.f.ppf(tail, df1, df2)
    return float(low), float(high)


def cronbach_alpha(items: pd.DataFrame | Sequence[Sequence[float]] | np.ndarray, *,
                   confidence: float = 0.95) -> Reliability:
    """Cronbach's alpha of the columns of ``items`` (one row per respondent), with
    Feldt's interval at ``confidence``. Rows with a missing answer are left out and
    counted in ``n_incomplete``; rows with no answer at all are ignored.

    >>> cronbach_alpha(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5],
    ...                              "c": [1, 3, None, 4]})).n_incomplete
    1
    """
    frame = pd.DataFrame(items).apply(pd.to_numeric, errors="coerce")
    frame = frame.dropna(how="all")
    complete = frame.dropna()
    names = tuple(str(c) for c in frame.columns)
    n, k = complete.shape
    incomplete = int(len(frame) - n)
    if k < 2 or n < 3:
        return Reliability(math.nan, None, int(n), int(k), incomplete, confidence, names)
    values = complete.to_numpy(float)
    total_var = values.sum(axis=1).var(ddof=1)
    if total_var <= 0:
        return Reliability(math.nan, None, int(n), int(k), incomplete, confidence, names)
    alpha = k / (k - 1) * (1 - values.var(axis=0, ddof=1).sum() / total_var)
    ci = feldt_interval(alpha, n, k, confidence=confidence)
    item_total = {}
    for j, name in enumerate(names):
        rest = np.delete(values, j, axis=1).sum(axis=1)
        if np.ptp(values[:, j]) > 0 and np.ptp(rest) > 0:
            item_total[name] = float(np.corrcoef(values[:, j], rest)[0, 1])
        else:
            item_total[name] = math.nan
    return Reliability(float(alpha), ci, int(n), int(k), incomplete, confidence, names,
                       item_total)


def dimension_reliability(answers: pd.DataFrame, *, confidence: float = 0.95,
                          respondent: str = "respondent_id", question: str = "question",
                          dimension: str = "dimension", score: str = "score"
                          ) -> dict[str, Reliability]:
    """Cronbach's alpha per dimension of a long survey table (one row per answer):
    each dimension's questions as items, each respondent a row. A dimension with one
    question has no alpha and is left out.

    >>> long = pd.DataFrame({"respondent_id": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                      "question": ["q1", "q2"] * 4, "dimension": ["speed"] * 8,
    ...                      "score": [5, 4, 2, 2, 3, 4, 1, 2]})
    >>> round(dimension_reliability(long)["speed"].alpha, 3)
    0.879
    """
    missing = [c for c in (respondent, question, dimension, score) if c not in answers]
    if missing:
        raise ValueError(f"item reliability needs the columns {', '.join(missing)}")
    out: dict[str, Reliability] = {}
    for name, part in answers.groupby(dimension, sort=False, observed=True):
        wide = part.pivot_table(index=respondent, columns=question, values=score,
                                aggfunc="mean", observed=True)
        if wide.shape[1] >= 2:
            out[str(name)] = cronbach_alpha(wide, confidence=confidence)
    return out
