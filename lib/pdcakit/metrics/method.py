"""Formulas of the source text's method: standards, composite, efficiency, training, ROI.

>>> efficiency_gain(40, 30)
0.25
>>> round(standards_conformance_value([0.2, 0.3, 0.5], [0.95, 0.88, 0.92]), 3)  # section 4.2
0.914
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..results import Estimate
from ._checks import need_n, require

__all__ = ["composite_score", "efficiency_gain", "relative_change",
           "roi", "standards_conformance",
           "standards_conformance_value", "training_effect"]


def efficiency_gain(before: float, after: float) -> float:
    """Efficiency gain = (time before - time after) / time before (3.1.2).

    Negative when the process got slower (a loss). Raises ValueError when before is not
    positive, since a gain relative to no time at all is undefined.
    """
    if not before > 0:
        raise ValueError(f"efficiency gain needs a positive time before the change, got {before}")
    return (before - after) / before


def relative_change(before: float, after: float) -> float:
    """(after - before) / |before|: AHT change, CSAT or NPS lift (3.4)."""
    if before == 0:
        raise ValueError("relative change is undefined when the value before is 0")
    return (after - before) / abs(before)


def roi(savings: float, investment: float) -> float:
    """Return on investment = (savings - investment) / investment (3.4)."""
    if not investment > 0:
        raise ValueError(f"ROI needs a positive investment, got {investment}")
    return (savings - investment) / investment


def standards_conformance_value(weights: Sequence[float], conformance: Sequence[float]) -> float:
    """sum(weight x conformance) with weights that must sum to 1 (4.2)."""
    w = np.asarray(weights, dtype=float)
    c = np.asarray(conformance, dtype=float)
    if abs(w.sum() - 1) > 1e-3:
        raise ValueError(f"standard weights must sum to 1, they sum to {w.sum():.3f}")
    if ((c < 0) | (c > 1)).any():
        raise ValueError("conformance values must be fractions between 0 and 1")
    return float((w * c).sum())


def standards_conformance(standards: pd.DataFrame) -> Estimate:
    """Weighted standards conformance = sum(weight x conformance) (4.2) of typed-in figures;
    no CI (n = standards). Standards with a rule on the tickets are measured, with their
    interval, by :func:`pdcakit.stages.standards.measure_standards`."""
    require(standards, "Standards conformance", "weight", "conformance")
    blank = standards["conformance"].isna()
    if blank.any():
        names = standards.get("standard", standards.index)
        raise ValueError(
            f"standards conformance: {', '.join(map(str, names[blank]))} "
            f"{'has' if blank.sum() == 1 else 'have'} a rule on the tickets and no "
            "conformance typed in; measure them from the tickets "
            "(pdcakit.stages.standards.measure_standards) or type the conformance in")
    value = standards_conformance_value(standards["weight"], standards["conformance"])
    names = standards["standard"] if "standard" in standards else standards.index.astype(str)
    contributions = dict(zip(names.astype(str),
                             (standards["weight"] * standards["conformance"]).astype(float),
                             strict=True))
    return Estimate(name="Standards conformance (weighted)", value=value, n=len(standards),
                    unit="fraction", method="sum of weight x conformance (4.2)",
                    note="no interval: the conformance figures carry no sample sizes",
                    extra={"contributions": contributions})


def training_effect(training: pd.DataFrame, *, confidence: float = 0.95) -> Estimate:
    """Training effect % = (mean post - mean pre) / mean pre (3.2.3), as a fraction.

    CI: delta method on the paired differences, ``se = sd(post - pre) / sqrt(n) / mean(pre)``,
    with a t quantile (treats mean(pre) as fixed; fine when pre scores vary little).
    """
    require(training, "Training effect", "pre_score", "post_score")
    pairs = training[["pre_score", "post_score"]].apply(pd.to_numeric, errors="coerce").dropna()
    need_n(len(pairs), "Training effect", 2)
    pre, post = pairs["pre_score"].to_numpy(float), pairs["post_score"].to_numpy(float)
    if not pre.mean() > 0:
        raise ValueError("training effect needs a positive mean pre-training score")
    diff = post - pre
    value = diff.mean() / pre.mean()
    se = diff.std(ddof=1) / np.sqrt(diff.size) / pre.mean()
    q = sps.t.isf((1 - confidence) / 2, diff.size - 1)
    return Estimate(name="Training effect", value=float(value), n=int(diff.size),
                    ci=(float(value - q * se), float(value + q * se)), unit="fraction",
                    method="(post - pre) / pre on means; paired delta-method interval",
                    confidence=confidence,
                    extra={"mean_pre": float(pre.mean()), "mean_post": float(post.mean()),
                           "n_improved": int((diff > 0).sum())})


def composite_score(satisfaction: float | Estimate, efficiency: float | Estimate,
                    compliance: float | Estimate, *,
                    weights: Sequence[float] = (0.5, 0.3, 0.2)) -> float | Estimate:
    """Composite performance = a·satisfaction + b·efficiency + c·compliance (4.2).

    Inputs on one common scale (fractions); weights non-negative, summing to 1. Given
    Estimates, returns an Estimate without interval (the parts are not independent).
    """
    a, b, c = (float(w) for w in weights)
    if min(a, b, c) < 0 or abs(a + b + c - 1) > 1e-6:
        raise ValueError(f"composite weights must be non-negative and sum to 1, got {weights}")
    parts = (satisfaction, efficiency, compliance)
    values = [p.value if isinstance(p, Estimate) else float(p) for p in parts]
    score = a * values[0] + b * values[1] + c * values[2]
    if not any(isinstance(p, Estimate) for p in parts):
        return score
    names = [p.name if isinstance(p, Estimate) else "given" for p in parts]
    return Estimate(name="Composite performance score", value=score,
                    n=min(p.n for p in parts if isinstance(p, Estimate)), unit="fraction",
                    method=f"{a:g}·satisfaction + {b:g}·efficiency + {c:g}·compliance (4.2)",
                    note="no interval: the three parts are not independent; parts: "
                    + ", ".join(names))
