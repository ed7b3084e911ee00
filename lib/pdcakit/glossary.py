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

from pdcakit.words import N_, words

__all__ = ["TERMS", "example", "explanation", "terms_in"]

#: Term (as it appears on a page) -> its explanation in one plain line.
TERMS: dict[str, str] = {
    N_("Holm-adjusted p"): N_(
        "the p-value raised to allow for testing several KPIs at once (Holm's method), "
        "so chance alone rarely makes one of them look changed"),
    N_("Holm"): N_(
        "a way to allow for testing several KPIs at once, so chance alone rarely makes "
        "one of them look changed"),
    N_("Benjamini-Hochberg"): N_(
        "a way to allow for testing several KPIs at once that keeps the share of false "
        "findings among the findings small"),
    N_("p-value"): N_(
        "how often a change at least this large would appear by chance if nothing had "
        "changed; small values (under 0.05) mean chance is an unlikely explanation"),
    N_("confidence interval"): N_(
        "the range of changes the data are consistent with; a 95% interval misses the "
        "true change 1 time in 20"),
    N_("restricted mean"): N_(
        "the average time up to a stated limit (the horizon), counting tickets still "
        "open for as long as they have been open"),
    N_("mean time up to"): N_(
        "the average time up to a stated limit (the horizon), counting tickets still "
        "open for as long as they have been open"),
    N_("Kaplan-Meier"): N_(
        "the share of tickets still waiting after each length of time, counting open "
        "tickets for as long as they have been open"),
    N_("log-rank"): N_(
        "a test of whether the whole distribution of waiting times moved, using every "
        "ticket, open ones too"),
    N_("proportional-hazards"): N_(
        "whether the times moved the same way for quick and slow tickets; when not, the"
        " median and the mean can tell different stories"),
    N_("Welch's t test"): N_(
        "a test of a difference in means that does not assume both windows vary equally"),
    N_("Welch two-sample t test"): N_(
        "a test of a difference in means that does not assume both windows vary equally"),
    N_("Mann-Whitney"): N_(
        "a test of whether values after tend to be higher or lower than before, using "
        "their order rather than their size"),
    N_("chi-square"): N_("a test of whether shares differ more than chance would make them"),
    N_("z test"): N_(
        "a test that compares a change with its standard error, for large samples"),
    N_("Poisson"): N_("a model for counts of rare events, such as complaints per ticket"),
    N_("quasi-binomial"): N_(
        "a test of shares that allows weeks to vary more than chance alone would make "
        "them"),
    N_("quasi-Poisson"): N_(
        "a test of rates that allows weeks to vary more than chance alone would make "
        "them"),
    N_("dispersion"): N_(
        "how much more the weeks vary than chance alone would make them vary (1: no "
        "more than chance)"),
    N_("ICC"): N_(
        "the share of the variation that lies between weeks rather than between tickets"),
    N_("ANOVA"): N_(
        "a test of whether the weeks' averages differ more than chance would make them"),
    N_("cluster-robust"): N_(
        "a standard error that treats each week, not each ticket, as one piece of "
        "evidence"),
    N_("Effect size"): N_(
        "how large the change is on a scale that does not depend on the sample size"),
    N_("Hedges' g"): N_(
        "the change in means divided by the spread of the values (0.2 small, 0.5 "
        "medium, 0.8 large)"),
    N_("risk ratio"): N_(
        "the after rate divided by the before rate: above 1 means higher after, below 1"
        " lower"),
    N_("Laney p'"): N_(
        "a control chart for rates from large samples that widens its limits when "
        "periods vary more than chance alone would make them"),
    N_("Assurance against the target"): N_(
        "whether the process after the change can be relied on to meet the target: "
        "consistent (its limits are all on the right side of the target), inconsistent "
        "(the target lies between the limits, so some periods will meet it and some "
        "will not) or failing (the limits are all on the wrong side)"),
    N_("autocorrelation"): N_(
        "consecutive periods resembling each other more than chance would make them; it"
        " makes chart signals and tests less reliable"),
    N_("overdispersion"): N_("periods varying more than chance alone would make them"),
    N_("Cochran's rule"): N_(
        "a rule of thumb for when a sample is large enough for the mean to be treated "
        "as normally distributed, given how skewed the values are"),
    N_("bootstrap"): N_("an interval found by re-drawing the tickets at random many times"),
    N_("Detectable change"): N_(
        "the smallest change these sample sizes would find 8 times in 10"),
    N_("95% CI"): N_(
        "the 95% confidence interval: the range of values the data are consistent with;"
        " an interval drawn this way misses the true value 1 time in 20"),
    N_("censored"): N_(
        "counted for as long as it has been open, since its end is not known yet"),
    N_("run chart"): N_(
        "the values in time order around their median, with rules that flag a shift "
        "(many points on one side) or a trend (points rising or falling in a row)"),
    N_("control limits"): N_(
        "the lines within which a stable process keeps varying by chance alone; a point"
        " outside them is a signal that something changed"),
    N_("special-cause"): N_(
        "variation with a cause that can be found (a point outside the control limits, "
        "a shift or a trend), rather than the process's everyday noise"),
    N_("FTE"): N_("full-time equivalent: the hours of one person working full time"),
    N_("ROI"): N_(
        "return on investment: the savings minus the investment, divided by the "
        "investment"),
    N_("payback"): N_("how many months of savings repay the investment"),
    N_("funnel plot"): N_(
        "each agent's (team's, site's) figure drawn against its number of tickets, with"
        " the limits chance allows at that size: an agent with 40 tickets can sit far "
        "from the rest by chance alone, one with 400 much less; only a unit outside the"
        " limits differs by more than chance"),
    N_("difference in differences"): N_(
        "the trained agents' change minus the untrained agents' change over the same "
        "weeks: if FCR rose 8 points for the trained and 3 for the untrained, "
        "training's effect is 5 points"),
    N_("parallel trends"): N_(
        "the assumption that trained and untrained agents would have moved alike "
        "without the training; checked on the weeks before it, where their trends "
        "should not differ"),
}

#: Terms whose explanation can end with an example read from the page's own figures.
_EXAMPLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "risk ratio": (r"risk ratio(?: \(after / before\))?:? (\d+(?:\.\d+)?)",
                   r"(\d+(?:\.\d+)?) \(risk ratio"),
}


def _patterns(term: str, language: str) -> tuple[str, ...]:
    """Where ``term``'s value stands in a page's text: the English patterns, or in another
    language a number within a few characters after the term's own name there."""
    patterns = _EXAMPLE_PATTERNS.get(term, ())
    if not patterns or language == "en":
        return patterns
    return (re.escape(words(language)._(term)) + r"[^\d\n]{0,24}?(\d+(?:\.\d+)?)",)


def example(term: str, text: str, language: str = "en") -> str:
    """An example of ``term`` taken from the page's ``text`` ("" when the page has none):
    the first value the page gives for it, read in words (in ``language``).

    >>> example("risk ratio", "Effect size: risk ratio (after / before) 1.09.")
    'here, 1.09 means 9% higher after'
    >>> example("risk ratio", "0.96 (risk ratio (after / before))")
    'here, 0.96 means 4% lower after'
    >>> example("risk ratio", "risk ratio"), example("ICC", "ICC 0.02")
    ('', '')
    >>> example("risk ratio", "效应量：风险比（改进后/改进前）1.09。", "zh-CN")
    '此处 1.09 表示改进后高 9%'
    """
    w = words(language)
    for pattern in _patterns(term, language):
        found = re.search(pattern, text)
        if found:
            value = float(found.group(1))
            change = round(abs(value - 1) * 100)
            if change == 0:
                return w._("here, {value} means no change", value=found.group(1))
            way = (N_("here, {value} means {change} higher after") if value > 1 else
                   N_("here, {value} means {change} lower after"))
            return w._(way, value=found.group(1), change=f"{change}%")
    return ""


def explanation(term: str, text: str = "", language: str = "en") -> str:
    """``term``'s explanation (:data:`TERMS`) in ``language``, with an example from ``text``
    where the page gives one (:func:`example`).

    >>> explanation("risk ratio", "First contact resolution 1.09 (risk ratio (after / before))")
    'the after rate divided by the before rate: above 1 means higher after, below 1 lower \
(here, 1.09 means 9% higher after)'
    """
    w = words(language)
    shown = example(term, text, language)
    meaning = w._(TERMS[term])
    return w._("{meaning} ({example})", meaning=meaning, example=shown) if shown else meaning


def terms_in(texts: Iterable[str], language: str = "en") -> list[tuple[str, str]]:
    """The :data:`TERMS` that appear in ``texts`` (case as written), sorted by term, each
    with its explanation (and an example from ``texts`` where there is one). In another
    language a term is found by its name there or by its English name (a proper name such
    as Kaplan-Meier stays as it is), and both are given in that language.

    >>> terms_in(["no statistics here"])
    []
    >>> [term for term, _ in terms_in(["中位数差 95% CI；Holm 调整；删失"], "zh-CN")]
    ['95% 置信区间', 'Holm', '删失']
    """
    w = words(language)
    whole = "\n".join(texts)
    joined = whole
    found = []
    # the longest first: "Holm-adjusted p" before "Holm"
    for term in sorted(TERMS, key=lambda t: len(w._(t)) + len(t), reverse=True):
        names = {w._(term), term}
        if any(name in joined for name in names):
            found.append((w._(term), explanation(term, whole, language)))
            for name in sorted(names, key=len, reverse=True):
                joined = joined.replace(name, " ")
    return sorted(found, key=lambda item: item[0].lower())
