"""Score KPIs: means with t intervals (CSI, CSAT mean, AHT, audits, mystery shopping) and NPS.

>>> mean_estimate([4, 5, 3, 4], "CSI").format()
'4.00 (95% CI 2.70 to 5.30, n=4)'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..results import Estimate
from ..stats.nps import NpsParts, nps_parts
from ._checks import need_n, require

__all__ = ["aht", "audit_score", "csat_mean", "csi", "mean_estimate", "mystery_shopper_score",
           "nps", "nps_from_parts"]


def mean_estimate(values: Sequence[float] | pd.Series, name: str, *, unit: str = "score",
                  confidence: float = 0.95, note: str = "", extra: dict | None = None) -> Estimate:
    """Mean with a Student t interval (assumes independent values; robust for n >= 30)."""
    arr = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(float)
    missing = int(np.isnan(arr).sum())
    arr = arr[~np.isnan(arr)]
    need_n(arr.size, name, 2)
    mean = float(arr.mean())
    sem = float(arr.std(ddof=1) / np.sqrt(arr.size))
    if sem > 0:
        low, high = sps.t.interval(confidence, arr.size - 1, loc=mean, scale=sem)
    else:
        low = high = mean
    if missing:
        note = "; ".join(filter(None, [note, f"{missing:,} missing values left out"]))
    return Estimate(name=name, value=mean, n=int(arr.size), ci=(float(low), float(high)),
                    unit=unit, method="mean with t interval", confidence=confidence, note=note,
                    extra=dict(extra or {}))


def csi(scores: pd.DataFrame | Sequence[float], *, confidence: float = 0.95) -> Estimate:
    """Customer satisfaction index = mean satisfaction score over n questionnaires (2.1).

    With a surveys table holding several questions per respondent, each respondent's mean
    is taken first, so n counts questionnaires, not answers.
    """
    if isinstance(scores, pd.DataFrame):
        require(scores, "CSI", "score")
        if "respondent_id" in scores:
            per_person = scores.groupby("respondent_id", sort=False)["score"].mean()
            return mean_estimate(per_person, "Customer satisfaction index (CSI)",
                                 confidence=confidence, note="mean of each questionnaire's mean")
        scores = scores["score"]
    return mean_estimate(scores, "Customer satisfaction index (CSI)", confidence=confidence)


def csat_mean(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Mean satisfaction score (1-5) of the tickets that were rated."""
    require(tickets, "CSAT mean", "csat")
    return mean_estimate(tickets["csat"].dropna(), "CSAT mean score (1-5)", confidence=confidence)


def aht(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Average handle time in minutes (3.1.2, 3.4); skewed, so the median is in ``extra``."""
    require(tickets, "AHT", "handle_minutes")
    minutes = pd.to_numeric(tickets["handle_minutes"], errors="coerce")
    return mean_estimate(minutes, "Average handle time (AHT)", unit="minutes",
                         confidence=confidence,
                         extra={"median": float(minutes.median())})


def nps(tickets: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Net Promoter Score in points: % promoters (9-10) minus % detractors (0-6).

    CI: normal approximation with the multinomial variance of a difference of two shares,
    ``var = (pP + pD - (pP - pD)^2) / n`` (Rocks 2016, "Confidence intervals for the Net
    Promoter Score"), clipped to [-100, 100].
    """
    require(tickets, "NPS", "nps")
    return nps_from_parts(nps_parts(pd.to_numeric(tickets["nps"], errors="coerce"), "NPS"),
                          confidence=confidence)


def nps_from_parts(parts: NpsParts, *, confidence: float = 0.95) -> Estimate:
    """The NPS :class:`Estimate` of promoter and detractor shares (from rows, or from the
    counts an engine returns: :func:`pdcakit.aggregate.fromagg.nps_estimate`).

    >>> nps_from_parts(NpsParts(n=100, promoters=0.5, detractors=0.2)).value
    30.0
    """
    promoters, detractors, value = parts.promoters, parts.detractors, parts.value
    need_n(parts.n, "NPS", 2)
    se = np.sqrt(parts.variance)
    z = sps.norm.isf((1 - confidence) / 2)
    low, high = max(-1.0, value - z * se), min(1.0, value + z * se)
    return Estimate(name="Net Promoter Score (NPS)", value=100 * value, n=parts.n,
                    ci=(100 * low, 100 * high), unit="points",
                    method="promoters minus detractors, multinomial normal interval",
                    confidence=confidence,
                    extra={"promoters": promoters, "passives": 1 - promoters - detractors,
                           "detractors": detractors})


def _total_score(table: pd.DataFrame, parts: tuple[str, str, str], name: str,
                 confidence: float) -> Estimate:
    require(table, name, *parts)
    values = table[list(parts)].apply(pd.to_numeric, errors="coerce")
    total = values.sum(axis=1, min_count=3)
    return mean_estimate(total, name, unit="score", confidence=confidence,
                         note="total of three 0-10 sub-scores (0-30)",
                         extra={p: float(values[p].mean()) for p in parts})


def audit_score(audits: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Process audit total TPS = normativity + efficiency + experience, each 0-10 (2.1)."""
    return _total_score(audits, ("normativity", "efficiency", "experience"),
                        "Process audit score (TPS)", confidence)


def mystery_shopper_score(visits: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Mystery-shopper total TDS = attitude + knowledge + speed, each 0-10 (2.1)."""
    return _total_score(visits, ("attitude", "knowledge", "speed"),
                        "Mystery-shopper score (TDS)", confidence)
