"""stats.compare(kind="auto"): each choice rule of pdcakit.stats.choose, and its reason."""

from __future__ import annotations

import numpy as np
import pytest

from pdcakit import stats
from pdcakit.stats.choose import infer_kind

RNG = np.random.default_rng(20261125)


class TestRules:
    def test_seven_numbered_rules_are_published(self):
        assert len(stats.RULES) == 7
        assert stats.RULES[0].startswith("**proportion**")
        assert "Cochran" in stats.RULES[5]

    def test_proportion_large_counts_uses_chi_square(self):
        r = stats.compare([1] * 60 + [0] * 40, [1] * 75 + [0] * 25)
        assert r.test == "two-proportion chi-square test"
        assert "every expected count is at least 5" in r.reason
        # Same numbers as calling the test directly (R prop.test, correct = FALSE).
        direct = stats.two_proportions(60, 100, 75, 100)
        assert r.pvalue == pytest.approx(direct.pvalue)

    def test_proportion_small_counts_uses_fisher(self):
        r = stats.compare([1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 1])
        assert r.test == "Fisher's exact test"
        assert "below 5" in r.reason

    def test_rate_uses_exact_poisson(self):
        r = stats.compare([0] * 980 + [1] * 20, [0] * 985 + [1] * 15, "rate", per=1000)
        assert "Poisson" in r.test or "poisson" in r.test
        assert "rate" in r.reason

    def test_duration_with_open_items_uses_logrank(self):
        minutes = RNG.exponential(100, 200)
        observed = RNG.random(200) > 0.1
        r = stats.compare(minutes[:100], minutes[100:], observed_before=observed[:100],
                          observed_after=observed[100:])
        assert "log-rank" in r.test.lower()
        assert "censored" in r.reason

    def test_duration_without_open_items_follows_continuous_rules(self):
        minutes = RNG.normal(100, 10, 200)
        r = stats.compare(minutes[:100], minutes[100:], "duration",
                          observed_before=np.ones(100, bool), observed_after=np.ones(100, bool))
        assert r.test == "Welch two-sample t test"

    def test_duration_needs_flags(self):
        with pytest.raises(ValueError, match="observed_before and observed_after"):
            stats.compare([1.0, 2.0], [3.0, 4.0], "duration")

    def test_ordinal_uses_mann_whitney(self):
        r = stats.compare([1, 2, 3, 4, 5, 4, 3] * 5, [3, 4, 5, 5, 4, 5, 4] * 5)
        assert "Mann-Whitney" in r.test
        assert "ordinal" in r.reason

    def test_nps_by_name(self):
        r = stats.compare([10, 9, 3, 7, 8] * 20, [10, 9, 9, 7, 8] * 20, "nps")
        assert r.test == "z test for a difference in NPS"

    def test_large_skewed_groups_use_welch_by_cochrans_rule(self):
        before, after = RNG.lognormal(3, 0.6, 2000), RNG.lognormal(2.9, 0.6, 2000)
        r = stats.compare(before, after)
        assert r.test == "Welch two-sample t test"
        assert "Cochran" in r.reason

    def test_small_skewed_groups_use_mann_whitney(self):
        before, after = RNG.lognormal(3, 1.2, 12), RNG.lognormal(2.5, 1.2, 12)
        before[0] = 2000.0  # an extreme outlier in a small group
        r = stats.compare(before, after)
        assert "Mann-Whitney" in r.test
        assert "rank test" in r.reason

    def test_paired_skewed_small_differences_use_signed_rank(self):
        # R sleep data (Cushny and Peebles): ten differences, one of them (4.6) an extreme
        # outlier, so the rule picks Wilcoxon signed-rank.
        # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE) -> V = 0 (group 1 minus
        # group 2; our V counts after - before, 45), p-value = 0.009091 (normal approximation:
        # ties and a zero change).
        before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        r = stats.compare(before, after, "continuous", paired=True)
        assert r.test == "Wilcoxon signed-rank test"
        assert r.statistic == 45
        assert r.pvalue == pytest.approx(0.009091, abs=5e-7)
        assert "outlier" in r.reason and "Cochran" in r.reason

    def test_paired_normal_differences_use_paired_t(self):
        x = RNG.normal(50, 5, 40)
        r = stats.compare(x, x + RNG.normal(2, 3, 40), "continuous", paired=True)
        assert r.test == "paired t test"
        assert "Cochran" in r.reason

    def test_forced_test_by_name(self):
        r = stats.compare([1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 6.0], "student_t")
        assert r.test == "Student two-sample t test"
        assert "asked for by name" in r.reason

    def test_unknown_kind(self):
        with pytest.raises(ValueError, match="unknown kind 'median'"):
            stats.compare([1.0], [2.0], "median")

    def test_sentence_includes_why(self):
        r = stats.compare([1] * 60 + [0] * 40, [1] * 75 + [0] * 25)
        assert r.sentence.endswith(r.reason)


class TestInferKind:
    @pytest.mark.parametrize(("before", "after", "kind"), [
        ([0, 1, 1], [1, 1, 0], "proportion"),
        ([1, 2, 5], [3, 4, 4], "ordinal"),
        ([1.5, 2.25], [2.5, 3.0], "continuous"),
        (list(range(20)), list(range(5, 25)), "continuous"),
    ])
    def test_kinds(self, before, after, kind):
        assert infer_kind(before, after) == kind

    def test_flags_and_exposure(self):
        assert infer_kind([1.0], [2.0], observed=True) == "duration"
        assert infer_kind([1.0], [2.0], exposure=True) == "rate"
