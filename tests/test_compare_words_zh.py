"""The compare stage's own sentences in zh-CN (issue 26), and the hand-off catalogue.

The reasons compare.py writes (why this test, equal follow-up, robustness line, period
note, a skipped KPI's reason), its adjustment sentence, verdict-table cells and survival
curves' labels are marked through the words layer; ``docs/handoff-zh-new.po`` translates
them. The tests merge the hand-off into a copy of the catalogue
(:mod:`pdcakit.words.handoff`, as the lead will into the real one), point the words layer
at the copy and read the stage in Chinese; English output stays word for word.
Real-shaped tickets: date-only creation times, weekly periods, several hundred tickets a
week, skewed handle times, resolutions censored at the export.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from babel.messages.extract import extract_from_file

from pdcakit import stats
from pdcakit import words as words_module
from pdcakit.stages import compare
from pdcakit.stages.compare import compare_kpi, compare_kpis, survival_curves
from pdcakit.stages.windows import CompareSettings
from pdcakit.words.handoff import KEYWORDS, merge, untranslated

ROOT = Path(__file__).parents[1]
HANDOFF = ROOT / "docs" / "handoff-zh-new.po"
CHANGE = pd.Timestamp("2026-04-06")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """A copy of the locale folder with the hand-off merged in; the words layer reads it
    while the module's tests run."""
    locale = tmp_path_factory.mktemp("locale") / "locale"
    shutil.copytree(words_module.LOCALE_DIR, locale)
    catalogue = locale / "zh_CN" / "LC_MESSAGES" / "pdcakit.po"
    done = merge([HANDOFF], catalogue)
    kept_dir = words_module.LOCALE_DIR
    words_module.LOCALE_DIR = locale
    words_module.translation.cache_clear()
    yield catalogue, done
    words_module.LOCALE_DIR = kept_dir
    words_module.translation.cache_clear()


def _tickets(seed: int, per_week: int = 300, weeks: int = 26, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-05") + pd.to_timedelta(
        np.repeat(np.arange(weeks) * 7, per_week) + rng.integers(0, 7, weeks * per_week),
        unit="D")  # date-only times
    frame = pd.DataFrame({"created_at": created})
    for name, make in columns.items():
        frame[name] = make(rng, created)
    frame.attrs["snapshot"] = pd.Timestamp("2026-07-06")
    return frame


def _split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    before, after = frame[frame["created_at"] < CHANGE], frame[frame["created_at"] >= CHANGE]
    before.attrs = after.attrs = dict(frame.attrs)
    return before, after


def _skewed_handle_times(seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Skewed handle times: the choice rules prefer a rank test (the robustness line)."""
    return _split(_tickets(seed, per_week=40, handle_minutes=lambda rng, c: np.where(
        c < CHANGE, rng.lognormal(2.3, 1.0, len(c)), rng.lognormal(2.2, 1.1, len(c)))))


def _resolutions(seed: int = 9) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Half the tickets resolve in 2 days, half in 10; those past the export still open."""
    frame = _tickets(seed, per_week=50, first_contact_resolved=lambda rng, c: rng.random(
        len(c)) < 0.7)
    frame["resolved_at"] = frame["created_at"] + pd.to_timedelta(
        np.tile([2, 10], len(frame) // 2), unit="D")
    frame.loc[frame["resolved_at"] > frame.attrs["snapshot"], "resolved_at"] = pd.NaT
    return _split(frame)


class TestHandoff:
    def test_every_message_compare_marks_is_translated_after_the_merge(self, merged):
        catalogue, done = merged
        marked = {m if isinstance(m, str) else m[0] for _, m, _, _ in extract_from_file(
            "python", compare.__file__, keywords=KEYWORDS, comment_tags=())}
        assert "Interval beside the verdict" in marked  # the extraction sees the new ones
        missing = set(untranslated(catalogue)) & marked
        assert not missing
        assert not set(done.added) & set(done.kept)

    def test_after_the_merge_no_marked_message_lacks_a_translation(self, merged):
        # what tests/test_words.py checks of the real catalogue, on the merged copy
        assert untranslated(merged[0]) == []

    def test_a_translation_with_other_placeholders_is_refused(self, tmp_path):
        bad = tmp_path / "bad.po"
        bad.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                       'msgid "{target}: {status}"\nmsgstr "{目标}：{status}"\n',
                       encoding="utf-8")
        catalogue = tmp_path / "pdcakit.po"
        shutil.copy(words_module.catalogue_path("zh-CN"), catalogue)
        before = catalogue.read_bytes()
        with pytest.raises(ValueError, match=r"(?s)bad\.po: 1 translation\(s\) name other "
                                             r"placeholders.*'\{target\}: \{status\}'"):
            merge([bad], catalogue)
        assert catalogue.read_bytes() == before  # nothing written

    def test_a_translation_already_in_the_catalogue_wins(self, tmp_path):
        other = tmp_path / "other.po"
        other.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                         'msgid "Improved"\nmsgstr "变好了"\n', encoding="utf-8")
        catalogue = tmp_path / "pdcakit.po"
        shutil.copy(words_module.catalogue_path("zh-CN"), catalogue)
        done = merge([other], catalogue)
        assert done.kept == ("Improved",) and done.added == ()
        assert 'msgstr "改善"' in catalogue.read_text(encoding="utf-8")


class TestCompareInChinese:
    def test_the_robustness_line_and_the_welch_reason(self, merged):
        before, after = _skewed_handle_times()
        zh = compare_kpi(before, after, "aht", language="zh-CN")
        en = compare_kpi(before, after, "aht")
        assert en.robustness.startswith("Robustness check, not used for the verdict: the ")
        # the exact wording is the catalogue's (it wins over the hand-off): the sentence is
        # Chinese, the test's own name and the figures stay
        assert zh.robustness.startswith("稳健性检查") and HAN.search(zh.robustness)
        assert "Robustness" not in zh.robustness and "verdict" not in zh.robustness
        assert "Welch t" in zh.verdict.why and "difference in means" not in zh.verdict.why
        assert en.verdict.why.startswith("Welch's t test of the difference in means (the KPI")
        # the figures are the same whatever the language
        assert zh.difference == en.difference and zh.p_final == en.p_final

    def test_equal_follow_up_and_the_share_test(self, merged):
        before, after = _resolutions()
        zh = compare_kpi(before, after, "resolution_rate", language="zh-CN")
        en = compare_kpi(before, after, "resolution_rate")
        assert en.follow_up.startswith("Equal follow-up: both windows are compared on "
                                       "tickets resolved within 7.0 days of creation")
        assert "7.0 天" in zh.follow_up and HAN.search(zh.follow_up[:2])
        assert "tickets" not in zh.follow_up and "follow-up" not in zh.follow_up
        assert HAN.search(zh.verdict.why) and "of the shares" not in zh.verdict.why

    def test_the_table_the_adjustment_and_a_skipped_kpi(self, merged):
        before, after = _resolutions()
        before = before.assign(handle_minutes=np.nan)
        after = after.assign(handle_minutes=np.nan)
        settings = CompareSettings.check(kpis=["fcr", "resolution_rate", "aht"],
                                         language="zh-CN", targets={"fcr": 0.8})
        table = compare_kpis(before, after, settings)
        skipped = table.skipped["aht"]
        assert skipped.startswith("平均处理时长") and "改进前" in skipped and "n=0" in skipped
        assert not re.search(r"[A-Za-z]{3,}", skipped), skipped
        assert "调整" in table.adjustment_sentence and "KPIs" not in table.adjustment_sentence
        frame = table.frame()
        assert set(frame["Verdict"]) <= {"改善", "变差", "无变化", "数据不足，无法判断"}
        assert frame["Target"].iloc[0].endswith(("：已达成", "：未达成"))
        assert "置信区间" in frame["Interval"].iloc[0]
        assert any(c.startswith("可检") and c.endswith("（检验效能 80%）")
                   for c in table.technical_frame().columns)
        english = compare_kpis(before, after, CompareSettings.check(
            kpis=["fcr", "resolution_rate", "aht"], targets={"fcr": 0.8}))
        assert english.skipped["aht"] == ("not enough data for Average handle time: n=0 in "
                                          "the before window, need >= 2")
        assert "Detectable change (80% power)" in english.technical_frame().columns

    def test_a_duration_reads_in_chinese_with_its_curves(self, merged):
        before, after = _resolutions()
        zh = compare_kpi(before, after, "time_to_resolve", language="zh-CN", n_resamples=200)
        assert zh.verdict.test == "限制性平均时长之差的 z 检验"
        assert zh.verdict.why.startswith("截至 ") and "log-rank 检验" in zh.verdict.why
        # English left: only the statistics module's name of the periods' test
        test = zh.period_test.dispersion.test
        assert not re.search(r"[A-Za-z]{3,}", zh.verdict.why.replace(test, "").replace(
            "Kaplan-Meier", "").replace("log-rank", "")), zh.verdict.why
        # the period-level verdict's estimand (weeks varying more than chance) too
        period_level = zh.estimand_words("difference in mean time up to 23.9 days")
        assert period_level.startswith("截至 23.9 天") and not re.search("[a-z]{3}",
                                                                        period_level)
        assert compare_kpi(before, after, "time_to_resolve", n_resamples=200).estimand_words(
            "difference in mean time up to 23.9 days") == "difference in mean time up to 23.9 days"
        labels = list(survival_curves(before, after, "time_to_resolve", language="zh-CN"))
        assert labels[0].startswith("改进前（中位数 ") and labels[1].startswith("改进后（中位数 ")
        assert next(iter(survival_curves(before, after, "time_to_resolve"))).startswith(
            "Before (median ")


class TestPeriodSentence:
    """compare.py words the periods' dispersion sentence for the page; its English must
    stay word for word the statistics module's own (pdcakit.stats.Dispersion.sentence)."""

    @pytest.mark.parametrize("pvalue, icc", [(0.0009, None), (0.31, None), (0.002, 0.0412)])
    def test_english_is_the_statistics_modules_sentence(self, pvalue, icc):
        dispersion = stats.Dispersion(kind="proportion", test="Pearson chi-square",
                                      statistic=30.0, df=10.0, pvalue=pvalue, ratio=3.0,
                                      n_periods=12, icc=icc)
        assert compare._dispersion_sentence(dispersion) == dispersion.sentence

    def test_chinese(self, merged):
        dispersion = stats.Dispersion(kind="mean", test="one-way ANOVA", statistic=3.0,
                                      df=25.0, pvalue=0.002, ratio=3.0, n_periods=26,
                                      icc=0.0412)
        text = compare._dispersion_sentence(dispersion, words_module.Words("zh-CN"))
        for kept in ("26", "3.00", "ICC 0.041", "one-way ANOVA p = 0.002"):
            assert kept in text
        assert HAN.search(text) and not re.search(r"periods|tickets|chance", text)

    def test_a_ticket_level_verdict_says_so_in_chinese(self, merged):
        before, after = _resolutions()
        zh = compare_kpi(before, after, "fcr", language="zh-CN")
        assert not zh.verdict.period_level
        left = zh.test_reason.replace(zh.period_test.dispersion.test, "").replace(
            zh.comparison.test.capitalize(), "")
        # the test's own name is in Chinese now; a proper name (Pearson) stays as it is
        named = left.replace("Pearson", "")
        assert "工单层面" in left and not re.search(r"[A-Za-z]{3,}", named), left
        assert zh.name == "首次解决率" and zh.language == "zh-CN"
