"""The statistical terms the pages use, each explained in one plain line.

A reviewer who does not read statistics meets a term in "How we know" or in the table
of tests; the page lists, once, every term it used with its explanation
(:func:`terms_in`), and the review card shows the same explanation on hover. One home for
the explanations, so two pages never explain a term two ways.

>>> [term for term, _ in terms_in(["Welch's t test; Holm-adjusted p 0.02"])]
['Holm-adjusted p', "Welch's t test"]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["TERMS", "example", "explanation", "terms_in"]

#: Term (as it appears on a page) -> its explanation in one plain line.
TERMS: dict[str, str] = {
    "Holm-adjusted p": "the p-value raised to allow for testing several KPIs at once "
                       "(Holm's method), so chance alone rarely makes one of them look changed",
    "Holm": "a way to allow for testing several KPIs at once, so chance alone rarely makes "
            "one of them look changed",
    "Benjamini-Hochberg": "a way to allow for testing several KPIs at once that keeps the "
                          "share of false findings among the findings small",
    "p-value": "how often a change at least this large would appear by chance if nothing "
               "had changed; small values (under 0.05) mean chance is an unlikely explanation",
    "confidence interval": "the range of changes the data are consistent with; a 95% "
                           "interval misses the true change 1 time in 20",
    "restricted mean": "the average time up to a stated limit (the horizon), counting tickets "
                       "still open for as long as they have been open",
    "mean time up to": "the average time up to a stated limit (the horizon), counting "
                       "tickets still open for as long as they have been open",
    "Kaplan-Meier": "the share of tickets still waiting after each length of time, counting "
                    "open tickets for as long as they have been open",
    "log-rank": "a test of whether the whole distribution of waiting times moved, using "
                "every ticket, open ones too",
    "proportional-hazards": "whether the times moved the same way for quick and slow "
                            "tickets; when not, the median and the mean can tell different "
                            "stories",
    "Welch's t test": "a test of a difference in means that does not assume both windows "
                      "vary equally",
    "Welch two-sample t test": "a test of a difference in means that does not assume both "
                               "windows vary equally",
    "Mann-Whitney": "a test of whether values after tend to be higher or lower than before, "
                    "using their order rather than their size",
    "chi-square": "a test of whether shares differ more than chance would make them",
    "z test": "a test that compares a change with its standard error, for large samples",
    "Poisson": "a model for counts of rare events, such as complaints per ticket",
    "quasi-binomial": "a test of shares that allows weeks to vary more than chance alone "
                      "would make them",
    "quasi-Poisson": "a test of rates that allows weeks to vary more than chance alone would "
                     "make them",
    "dispersion": "how much more the weeks vary than chance alone would make them vary "
                  "(1: no more than chance)",
    "ICC": "the share of the variation that lies between weeks rather than between tickets",
    "ANOVA": "a test of whether the weeks' averages differ more than chance would make them",
    "cluster-robust": "a standard error that treats each week, not each ticket, as one "
                      "piece of evidence",
    "Effect size": "how large the change is on a scale that does not depend on the sample "
                   "size",
    "Hedges' g": "the change in means divided by the spread of the values (0.2 small, 0.5 "
                 "medium, 0.8 large)",
    "risk ratio": "the after rate divided by the before rate: above 1 means higher after, "
                  "below 1 lower",
    "Laney p'": "a control chart for rates from large samples that widens its limits when "
                "periods vary more than chance alone would make them",
    "Assurance against the target": (
        "whether the process after the change can be relied on to meet the target: "
        "consistent (its limits are all on the right side of the target), inconsistent (the "
        "target lies between the limits, so some periods will meet it and some will not) or "
        "failing (the limits are all on the wrong side)"),
    "autocorrelation": "consecutive periods resembling each other more than chance would "
                       "make them; it makes chart signals and tests less reliable",
    "overdispersion": "periods varying more than chance alone would make them",
    "Cochran's rule": "a rule of thumb for when a sample is large enough for the mean to be "
                      "treated as normally distributed, given how skewed the values are",
    "bootstrap": "an interval found by re-drawing the tickets at random many times",
    "Detectable change": "the smallest change these sample sizes would find 8 times in 10",
    "95% CI": "the 95% confidence interval: the range of values the data are consistent "
              "with; an interval drawn this way misses the true value 1 time in 20",
    "censored": "counted for as long as it has been open, since its end is not known yet",
    "run chart": "the values in time order around their median, with rules that flag a "
                 "shift (many points on one side) or a trend (points rising or falling in a "
                 "row)",
    "control limits": "the lines within which a stable process keeps varying by chance alone; "
                      "a point outside them is a signal that something changed",
    "special-cause": "variation with a cause that can be found (a point outside the control "
                     "limits, a shift or a trend), rather than the process's everyday noise",
    "FTE": "full-time equivalent: the hours of one person working full time",
    "ROI": "return on investment: the savings minus the investment, divided by the "
           "investment",
    "payback": "how many months of savings repay the investment",
    "funnel plot": "each agent's (team's, site's) figure drawn against its number of tickets, "
                   "with the limits chance allows at that size: an agent with 40 tickets can "
                   "sit far from the rest by chance alone, one with 400 much less; only a unit "
                   "outside the limits differs by more than chance",
    "difference in differences": "the trained agents' change minus the untrained agents' "
                                 "change over the same weeks: if FCR rose 8 points for the "
                                 "trained and 3 for the untrained, training's effect is 5 "
                                 "points",
    "parallel trends": "the assumption that trained and untrained agents would have moved "
                       "alike without the training; checked on the weeks before it, where "
                       "their trends should not differ",
}

#: Terms whose explanation can end with an example read from the page's own figures.
_EXAMPLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "risk ratio": (r"risk ratio(?: \(after / before\))?:? (\d+(?:\.\d+)?)",
                   r"(\d+(?:\.\d+)?) \(risk ratio"),
}


def example(term: str, text: str) -> str:
    """An example of ``term`` taken from the page's ``text`` ("" when the page has none):
    the first value the page gives for it, read in words.

    >>> example("risk ratio", "Effect size: risk ratio (after / before) 1.09.")
    'here, 1.09 means 9% higher after'
    >>> example("risk ratio", "0.96 (risk ratio (after / before))")
    'here, 0.96 means 4% lower after'
    >>> example("risk ratio", "risk ratio"), example("ICC", "ICC 0.02")
    ('', '')
    """
    for pattern in _EXAMPLE_PATTERNS.get(term, ()):
        found = re.search(pattern, text)
        if found:
            value = float(found.group(1))
            change = round(abs(value - 1) * 100)
            if change == 0:
                return f"here, {found.group(1)} means no change"
            way = "higher" if value > 1 else "lower"
            return f"here, {found.group(1)} means {change}% {way} after"
    return ""


def explanation(term: str, text: str = "") -> str:
    """``term``'s explanation (:data:`TERMS`), with an example from ``text`` where the page
    gives one (:func:`example`).

    >>> explanation("risk ratio", "First contact resolution 1.09 (risk ratio (after / before))")
    'the after rate divided by the before rate: above 1 means higher after, below 1 lower \
(here, 1.09 means 9% higher after)'
    """
    shown = example(term, text)
    return TERMS[term] + (f" ({shown})" if shown else "")


def terms_in(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The :data:`TERMS` that appear in ``texts`` (case as written), sorted by term, each
    with its explanation (and an example from ``texts`` where there is one).

    >>> terms_in(["no statistics here"])
    []
    """
    whole = "\n".join(texts)
    joined = whole
    found = []
    for term in sorted(TERMS, key=len, reverse=True):  # "Holm-adjusted p" before "Holm"
        if term in joined:
            found.append((term, explanation(term, whole)))
            joined = joined.replace(term, " ")
    return sorted(found, key=lambda item: item[0].lower())
