"""Choose the right before/after test from the data, and say why.

:func:`compare` is the one entry point the notebooks use. The rules live here
and nowhere else: :data:`RULES`, in order (the compare notebook shows them, in the page's
language: each is a message of the catalogue). The first rule whose kind fits the data
chooses the test; Cochran's rule ``n >= 25 * skewness^2`` is from Cochran 1977,
*Sampling Techniques*, 3rd ed., p. 42. Every reason is worded from a marked message, so
a page rewords it (:meth:`pdcakit.words.Words.reword`).

``kind="auto"`` infers the kind: observed flags given -> duration; exposures given
-> rate; every value 0 or 1 -> proportion; whole numbers on at most 7 levels ->
ordinal; else continuous. NPS must be asked for by name (its 0-10 scores look ordinal).

>>> r = compare([0, 1, 1, 0, 1] * 40, [1, 1, 1, 0, 1] * 40)
>>> r.test
'two-proportion chi-square test'
>>> r.reason
'Why this test: each value is 0 or 1 (a proportion) and every expected count is at least 5.'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats as sps

from ..words import N_
from .nonparametric import mann_whitney, wilcoxon_signed_rank
from .nps import nps_difference
from .parametric import paired_t, student_t, welch_t
from .proportions import fisher_exact, two_proportions
from .rates import poisson_rates
from .result import Comparison
from .survival import logrank

__all__ = ["KINDS", "RULES", "compare", "infer_kind"]

KINDS = ("auto", "proportion", "rate", "duration", "ordinal", "nps", "continuous")
#: The choice rules, in order, in plain words (a page shows **bold** as bold).
RULES: tuple[str, ...] = (
    N_("**proportion** (each value 0 or 1: FCR, SLA met, top-2-box CSAT): Pearson's "
       "chi-square as R prop.test(correct = FALSE) when every expected count is at least 5; "
       "otherwise Fisher's exact test."),
    N_("**rate** (event counts over an exposure: complaints per 1,000 tickets): the exact "
       "conditional Poisson test, as R poisson.test."),
    N_("**duration** with open items (time to resolve, first response): the log-rank test, "
       "open items censored, never dropped; the estimate is the difference of the "
       "Kaplan-Meier medians with a bootstrap CI. A Check stage verdict on a duration KPI "
       "rests on the restricted mean time up to a horizon (z test), which counts open items "
       "too and has one direction whatever the shape; the median and the log-rank test are "
       "shown beside it. Durations with nothing open follow the continuous rules."),
    N_("**ordinal** (a few whole-number levels, e.g. CSAT 1-5): Mann-Whitney U (paired: "
       "Wilcoxon signed-rank). A t test would treat the levels as equally spaced."),
    N_("**nps** (0-10 recommend scores): z test on the NPS difference (multinomial "
       "variance)."),
    N_("**continuous**, independent groups: Welch's t test when every group is large enough "
       "for the normal approximation of its mean, by Cochran's rule n >= 25 * skewness^2 "
       "(Cochran 1977, Sampling Techniques, 3rd ed., p. 42), and small groups (n < 30) have "
       "no extreme outliers (beyond 3 IQR from the quartiles); otherwise Mann-Whitney U with "
       "the Hodges-Lehmann shift. Student's t only when asked for by name."),
    N_("**continuous**, paired: the paired t test under the same rule applied to the "
       "differences; otherwise Wilcoxon signed-rank."),
)
#: The groups a reason names, marked for the catalogue.
_GROUPS = (N_("before"), N_("after"), N_("differences"))
_MAX_ORDINAL_LEVELS = 7
_SMALL = 30


def _array(values: Sequence[float] | None, label: str) -> np.ndarray:
    if values is None:
        raise ValueError(f"the {label} values are missing")
    return np.asarray(values, dtype=float)


def infer_kind(before: Sequence[float], after: Sequence[float], *,
               observed: bool = False, exposure: bool = False) -> str:
    """The kind ``compare(kind="auto")`` uses for these values (see the module rules).

    >>> infer_kind([1, 2, 5, 4], [3, 4, 5, 5]), infer_kind([1.5, 2.0], [2.5, 3.1])
    ('ordinal', 'continuous')
    """
    if observed:
        return "duration"
    if exposure:
        return "rate"
    values = np.concatenate([_array(before, "before"), _array(after, "after")])
    values = values[np.isfinite(values)]
    if values.size and np.isin(values, (0.0, 1.0)).all():
        return "proportion"
    if (values.size and np.allclose(values, np.round(values))
            and np.unique(values).size <= _MAX_ORDINAL_LEVELS):
        return "ordinal"
    return "continuous"


def _why(text: str) -> str:
    return N_("Why this test: {reason}.").format(reason=text)


def _proportion(b: np.ndarray, a: np.ndarray, confidence: float) -> Comparison:
    b, a = b[np.isfinite(b)], a[np.isfinite(a)]
    x1, n1, x2, n2 = int(b.sum()), int(b.size), int(a.sum()), int(a.size)
    if min(n1, n2) == 0:
        raise ValueError(f"not enough data: n={min(n1, n2)} in a group, need >= 1")
    successes, total = x1 + x2, n1 + n2
    if successes in (0, total):
        raise ValueError(f"every value in both groups is {int(successes > 0)} ({n1} before, "
                         f"{n2} after): the share is {successes / total:.0%} in both, so "
                         "there is no difference to test")
    expected = np.outer([n1, n2], [successes, total - successes]) / total
    if (expected >= 5).all():
        result = two_proportions(x1, n1, x2, n2, confidence=confidence)
        why = N_("each value is 0 or 1 (a proportion) and every expected count is at least 5")
    else:
        result = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], confidence=confidence)
        why = N_("each value is 0 or 1 (a proportion) and the smallest expected count is "
                 "{smallest}, below 5, so the exact test replaces the chi-square").format(
            smallest=f"{expected.min():.1f}")
    return _with_reason(result, why)


def _with_reason(result: Comparison, why: str) -> Comparison:
    from dataclasses import replace

    return replace(result, reason=_why(why))


def _skewness(values: np.ndarray) -> float:
    return float(sps.skew(values, bias=False)) if values.size >= 3 and np.ptp(values) else 0.0


def _extreme_outliers(values: np.ndarray) -> int:
    q1, q3 = np.percentile(values, [25, 75])
    spread = 3 * (q3 - q1)
    return int(((values < q1 - spread) | (values > q3 + spread)).sum())


def _normal_enough(groups: dict[str, np.ndarray]) -> tuple[bool, str]:
    """Cochran's rule and the small-sample outlier screen; the reason either way."""
    problems, checks = [], []
    for label, values in groups.items():
        skew = _skewness(values)
        need = 25 * skew**2
        checks.append(N_("{group} n = {n} with skewness {skew}").format(
            group=label, n=f"{values.size:,}", skew=f"{skew:.2f}"))
        if values.size == 2:  # (n = 1: the test itself says it needs 2)
            problems.append(N_("{group}: n = {n} is too few to estimate the skewness, so "
                               "Cochran's rule cannot be checked").format(group=label,
                                                                          n=values.size))
            continue
        if values.size < need:
            problems.append(N_("{group}: skewness {skew} is too large for n = {n} (Cochran's "
                               "rule needs n >= 25 x skewness^2 = {need})").format(
                group=label, skew=f"{skew:.2f}", n=f"{values.size:,}", need=f"{need:,.0f}"))
        outliers = _extreme_outliers(values) if values.size < _SMALL else 0
        if outliers:
            problems.append(N_("{group}: {outliers} extreme outlier(s) (beyond 3 IQR) among "
                               "only {n} values").format(group=label, outliers=outliers,
                                                         n=values.size))
    if problems:
        return False, "; ".join(problems)
    return True, N_("{checks}, which meets Cochran's rule n >= 25 x skewness^2, so the mean "
                    "is close to normal").format(checks="; ".join(checks))


def _continuous(b: np.ndarray, a: np.ndarray, *, paired: bool, confidence: float,
                unit: str) -> Comparison:
    if paired:
        if b.shape != a.shape:
            raise ValueError(f"paired data need equal lengths: {b.size} before, {a.size} after")
        keep = np.isfinite(b) & np.isfinite(a)
        ok, why = _normal_enough({"differences": a[keep] - b[keep]})
        if ok:
            return _with_reason(paired_t(b, a, confidence=confidence, unit=unit), why)
        return _with_reason(wilcoxon_signed_rank(b, a, confidence=confidence, unit=unit),
                            N_("{why}; a rank test does not need normal differences").format(
                                why=why))
    b, a = b[np.isfinite(b)], a[np.isfinite(a)]
    if min(b.size, a.size) >= 2 and (np.ptp(b) == 0 or np.ptp(a) == 0) and np.ptp(
            np.concatenate([b, a])) > 0:
        return _with_reason(mann_whitney(b, a, confidence=confidence, unit=unit),
                            N_("a group has no spread at all, so the t test's standard error "
                               "is undefined; a rank test compares the groups' order "
                               "instead"))
    ok, why = _normal_enough({"before": b, "after": a})
    if ok:
        return _with_reason(welch_t(b, a, confidence=confidence, unit=unit),
                            N_("{why}; Welch's version does not assume equal variances")
                            .format(why=why))
    return _with_reason(mann_whitney(b, a, confidence=confidence, unit=unit),
                        N_("{why}; a rank test does not rely on the normal approximation")
                        .format(why=why))


def compare(before: Sequence[float], after: Sequence[float], kind: str = "auto", *,
            observed_before: Sequence[bool] | None = None,
            observed_after: Sequence[bool] | None = None,
            exposure_before: float | None = None, exposure_after: float | None = None,
            paired: bool = False, confidence: float = 0.95, unit: str = "",
            per: float = 1.0) -> Comparison:
    """Compare before with after using the test the rules above choose; ``reason`` says why.

    ``kind``: one of :data:`KINDS`, or the name of a test to force it
    (``"welch_t"``, ``"student_t"``, ``"mann_whitney"``). For ``rate``, ``before``
    and ``after`` are event counts per item (summed) and the exposures default to the
    number of items; ``per`` scales the rates (1000 = per 1,000 tickets).
    For ``duration``, ``observed_*`` flag the items whose end was seen (False = open).
    """
    forced = {"welch_t": welch_t, "student_t": student_t, "mann_whitney": mann_whitney}
    b, a = _array(before, "before"), _array(after, "after")
    if kind in forced:
        return _with_reason(forced[kind](b, a, confidence=confidence, unit=unit),
                            N_("{test} was asked for by name").format(test=kind))
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}, "
                         f"or a test name: {', '.join(forced)}")
    has_flags = observed_before is not None or observed_after is not None
    for label, values in (("before", b), ("after", a)):
        if not np.isfinite(values).any():
            raise ValueError(f"not enough data: n=0 in the {label} group (no usable values), "
                             "need >= 1")
    if kind == "auto":
        kind = infer_kind(b, a, observed=has_flags,
                          exposure=exposure_before is not None or exposure_after is not None)
    if kind == "proportion":
        return _proportion(b, a, confidence)
    if kind == "rate":
        b, a = b[np.isfinite(b)], a[np.isfinite(a)]
        result = poisson_rates(int(b.sum()), exposure_before or float(b.size),
                               int(a.sum()), exposure_after or float(a.size),
                               confidence=confidence, per=per, unit=unit)
        return _with_reason(result, N_("the values are event counts over an exposure (a "
                                       "rate)"))
    if kind == "duration":
        if not has_flags or observed_before is None or observed_after is None:
            raise ValueError("duration comparisons need observed_before and observed_after "
                             "(False where the item is still open)")
        ob, oa = np.asarray(observed_before, bool), np.asarray(observed_after, bool)
        n_open = int((~ob).sum() + (~oa).sum())
        if n_open:
            result = logrank(b, ob, a, oa, confidence=confidence, unit=unit or "minutes")
            return _with_reason(result, N_(
                "{n} item(s) were still open, so their durations are censored: the log-rank "
                "test uses them without pretending they ended").format(n=f"{n_open:,}"))
        kind = "continuous"
    if kind == "ordinal":
        test = wilcoxon_signed_rank if paired else mann_whitney
        return _with_reason(test(b, a, confidence=confidence, unit=unit),
                            N_("the scores are ordinal (a few whole-number levels), so a rank "
                               "test is used rather than treating the levels as equally "
                               "spaced"))
    if kind == "nps":
        return _with_reason(nps_difference(b, a, confidence=confidence),
                            N_("NPS is promoters minus detractors, compared with its "
                               "multinomial variance"))
    return _continuous(b, a, paired=paired, confidence=confidence, unit=unit)
