"""The feedback register: loading through the mapping and error contract, class shares and
their Pareto, shares per period on p charts, and each class's change (issue 28)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pdcakit.data import DataError
from pdcakit.registers.feedback import class_shares, labelled, share_changes, shares_over_time
from pdcakit.registers.lexicon import load_lexicon
from pdcakit.registers.loading import load_feedback

ZH_EXPORT = (
    "反馈编号,收到日期,渠道,反馈内容,分类,工单号\n"
    "F001,2026/03/02,电话,客服态度傲慢,服务态度,T17\n"
    "F002,2026/03/02,电话,客服态度傲慢,服务态度,T17\n"
)
MAPPING = {"columns": {"id": "反馈编号", "received_at": "收到日期", "channel": "渠道",
                       "text": "反馈内容", "class": "分类", "ticket_id": "工单号"},
           "date_format": "%Y/%m/%d"}


def write(tmp_path, text, name="feedback.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


class TestLoad:
    def test_chinese_headers_date_only_gb18030(self, tmp_path):
        text = ("反馈编号,收到日期,渠道,反馈内容,分类,工单号\n"
                "F001,2026/03/02,电话,客服态度傲慢,服务态度,T17\n"
                "F002,2026/03/02,邮件,Waited 3 days for a reply,,\n"
                "F003,2026/03/09,在线问卷,,满意度,\n")
        f = load_feedback(write(tmp_path, text, encoding="gb18030"), MAPPING)
        assert f["class"].tolist() == ["attitude", None, "satisfaction"]
        assert f["received_at"].dt.strftime("%Y-%m-%d").tolist() == [
            "2026-03-02", "2026-03-02", "2026-03-09"]
        assert f.attrs["kind"] == "feedback"
        assert any("1 of 3 items have no words" in w for w in f.attrs["warnings"])

    def test_unknown_class_names_rows_and_fix(self, tmp_path):
        text = ("id,received_at,text,class\nF1,2026-03-02,a,服务态度\nF2,2026-03-02,b,账单\n"
                "F3,2026-03-03,c,billing\nF4,2026-03-03,d,账单\n")
        with pytest.raises(DataError) as err:
            load_feedback(write(tmp_path, text))
        message = str(err.value)
        assert "column 'class'" in message and "'billing', '账单'" in message
        assert err.value.rows == [3, 4, 5]
        assert "values: {class: {'billing': other}}" in message

    def test_text_over_several_lines_and_markup_is_data(self, tmp_path):
        text = ('id,received_at,text\nF1,2026-03-02,"等了很久\n还是没人回复"\n'
                'F2,2026-03-02,"<b>rude</b> agent, **very** rude"\n')
        f = load_feedback(write(tmp_path, text))
        assert f["text"].iloc[0] == "等了很久\n还是没人回复"
        assert labelled(f, load_lexicon()).tolist() == ["response_speed", "attitude"]

    def test_mapping_recodes_a_class(self, tmp_path):
        text = "id,received_at,text,class\nF1,2026-03-02,a,账单\n"
        f = load_feedback(write(tmp_path, text), {"values": {"class": {"账单": "other"}}})
        assert f["class"].tolist() == ["other"]

    def test_neither_text_nor_class(self, tmp_path):
        with pytest.raises(DataError, match="neither the feedback's words"):
            load_feedback(write(tmp_path, "id,received_at,channel\nF1,2026-03-02,phone\n"))

    def test_repeated_id(self, tmp_path):
        with pytest.raises(DataError, match="'F1' on rows 2, 3"):
            load_feedback(write(tmp_path, "id,received_at,text\nF1,2026-03-02,a\n"
                                          "F1,2026-03-03,b\n"))

    def test_missing_received_at_names_the_column(self, tmp_path):
        with pytest.raises(DataError, match="received_at"):
            load_feedback(write(tmp_path, "id,text\nF1,a\n"))


class TestShares:
    def test_counts_shares_wilson_and_pareto(self):
        labels = ["response_speed"] * 15 + ["attitude"] * 81 + ["other"] * 52
        s = class_shares(labels)
        assert s.n == 148 and s.counts["problem_solving"] == 0
        # Wilson 95% for 15/148: Newcombe (1998), Stat Med 17:857, Table I: 0.0624 to 0.1605
        est = s.estimates["response_speed"]
        assert [round(v, 4) for v in est.ci] == [0.0624, 0.1605]
        # 0/148: the interval still has width (Wilson), 0 to 3.9/148-ish, never [0, 0]
        assert s.estimates["problem_solving"].ci[1] > 0.02
        pareto = s.pareto()
        assert list(pareto.index) == ["attitude", "other", "response_speed"]
        assert pareto["cumulative_share"].iloc[-1] == pytest.approx(1.0)
        assert s.as_dict()["pareto"] == ["attitude", "other", "response_speed"]

    def test_export_classes_need_every_item(self):
        f = pd.DataFrame({"text": ["a", "b"], "class": ["attitude", None]})
        with pytest.raises(ValueError, match="1 of 2 items carry no class"):
            labelled(f, load_lexicon(), classes_from="export")
        assert labelled(f.dropna(), load_lexicon(), classes_from="export").tolist() == [
            "attitude"]


class TestOverTime:
    def test_empty_weeks_kept_and_a_shift_signals(self):
        rng = np.random.default_rng(7)
        days = pd.date_range("2026-01-05", periods=26 * 7, freq="D")
        rows = []
        for day in days:
            if day.isocalendar().week == 6:    # a week with no feedback at all
                continue
            late = day >= pd.Timestamp("2026-04-06")
            for _ in range(rng.poisson(20)):
                p_speed = 0.15 if late else 0.40
                rows.append((day, "response_speed" if rng.random() < p_speed else
                             rng.choice(["attitude", "satisfaction", "other"])))
        times, labels = zip(*rows, strict=True)
        s = shares_over_time(pd.Series(times), labels, period="W", freeze=13)
        assert len(s.starts) == 26 and s.totals[4] == 0
        chart = s.charts["response_speed"]
        assert np.isnan(chart.values[4])
        assert chart.signals[13:].sum() >= 8          # the after weeks fall below
        assert "problem_solving" in s.skipped         # no item: no chart
        record = s.as_dict()
        assert record["items"][4] == 0 and len(record["classes"]["response_speed"]["lcl"]) == 26


class TestChanges:
    def test_against_scipy_and_holm_by_hand(self):
        before = (["response_speed"] * 120 + ["attitude"] * 60 + ["satisfaction"] * 80
                  + ["other"] * 40)
        after = (["response_speed"] * 70 + ["attitude"] * 66 + ["satisfaction"] * 90
                 + ["other"] * 34)
        c = share_changes(before, after)
        raw = {}
        for key in ("satisfaction", "attitude", "response_speed", "other"):
            x1, x2 = before.count(key), after.count(key)
            table = [[x1, 300 - x1], [x2, 260 - x2]]
            raw[key] = sps.chi2_contingency(table, correction=False)[1]
        order = sorted(raw, key=raw.get)
        holm, running = {}, 0.0
        for i, key in enumerate(order):       # Holm (1979): max over (m - i) p_(i)
            running = max(running, (4 - i) * raw[key])
            holm[key] = min(1.0, running)
        by = {ch.key: ch for ch in c.changes}
        assert c.family_size == 4 and by["problem_solving"].pvalue is None
        for key in raw:
            assert by[key].pvalue == pytest.approx(raw[key], rel=1e-9)
            assert by[key].p_adjusted == pytest.approx(holm[key], rel=1e-9)
        speed = by["response_speed"]
        assert speed.difference == pytest.approx(70 / 260 - 120 / 300)
        assert speed.significant and not by["attitude"].significant
        low, high = speed.ci_adjusted
        assert low < speed.ci[0] and high > speed.ci[1]   # 98.75% is wider than 95%
        assert speed.ci_level == pytest.approx(1 - 0.05 / 4)   # the smallest p of Holm's
        for ch in by.values():   # the adjusted interval excludes 0 exactly when significant
            if ch.ci_adjusted is not None:
                excludes = ch.ci_adjusted[0] > 0 or ch.ci_adjusted[1] < 0
                assert excludes == ch.significant, ch.key

    def test_no_adjustment(self):
        c = share_changes(["attitude", "other"] * 20, ["attitude"] * 30 + ["other"] * 10,
                          multiplicity="none")
        by = {ch.key: ch for ch in c.changes}
        assert by["attitude"].p_adjusted == by["attitude"].pvalue
        assert by["attitude"].ci_adjusted == pytest.approx(by["attitude"].ci)
