"""Wide survey, audit and mystery-shopper exports with text answers (pdcakit.data.surveys)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pdcakit.data import DataError, load_table
from pdcakit.data.surveys import describe_scored, load_scored, scored_mapping

EN_QUESTIONS = {
    "How satisfied are you with the time we took to respond?":
        ["Very satisfied", "Satisfied — though I waited a day", "Neutral", "Don't know", "",
         "Dissatisfied", "Very dissatisfied", "Satisfied"],
    "How often did we reply within the time we promised?":
        ["Always", "Sometimes — depending on team capacity", "Rarely", "Often", "Never",
         "Not applicable", "Sometimes", "often"],
    "Was your problem solved at the first contact?":
        ["Always", "Often", "Sometimes", "Rarely", "Never", "Always", "", "3"],
    "How satisfied are you with how the problem was solved?":
        ["Very satisfied", "Satisfied", "Neutral", "Dissatisfied", "Very dissatisfied",
         "Satisfied", "Neutral", "Very satisfied"],
    "The staff were courteous":
        ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree",
         "Strongly disagree", "Agree", "Agree", "Strongly agree"],
    "The staff seemed indifferent to my problem":
        ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
         "Strongly agree", "Disagree", "Don't know", "Strongly disagree"],
}


def _en_export(tmp_path, questions=EN_QUESTIONS):
    n = len(next(iter(questions.values())))
    frame = pd.DataFrame({"Response ID": [f"S-{i:04d}" for i in range(n)],
                          "Submitted": [f"{5 + i:02d}/01/2026" for i in range(n)],
                          "Office": ["Leeds", "Glasgow"] * (n // 2),
                          "Comments": ["", "slow", "", "", "rude", "", "", "ok"][:n],
                          **questions})
    path = tmp_path / "survey_export.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_english_wide_export_becomes_long_scores(tmp_path):
    scored = load_scored(_en_export(tmp_path), "en_survey")
    table = scored.table
    assert list(table.columns[:3]) == ["respondent_id", "date", "site"]
    assert {"question", "dimension", "score"} <= set(table.columns)
    assert scored.respondents == 8
    # "Satisfied — though I waited a day" is Satisfied (4); "Sometimes — depending..." 3
    s1 = table[table.respondent_id == "S-0001"].set_index("question")["score"]
    assert s1["response_speed"] == 4 and s1["promise_kept"] == 3
    # reverse item: "Strongly disagree" that staff were indifferent scores 5
    assert table[(table.respondent_id == "S-0000")
                 & (table.question == "indifference")]["score"].item() == 5
    # a number inside the range scores as itself; case is ignored ("often")
    s7 = table[table.respondent_id == "S-0007"].set_index("question")["score"]
    assert s7["first_contact"] == 3 and s7["promise_kept"] == 4
    assert table["date"].dt.day.tolist()[0] == 5


def test_dont_know_and_blank_are_counted_never_scored(tmp_path):
    scored = load_scored(_en_export(tmp_path), "en_survey")
    info = scored.not_scored.set_index("question")
    assert info.loc["response_speed", "blank"] == 1
    assert info.loc["response_speed", "not_scored"] == 1
    assert info.loc["response_speed", "answered"] == 6
    assert info.loc["promise_kept", "not_scored_values"] == {"Not applicable": 1}
    # 48 cells - 2 blank - 3 not scored = 43 scored answers, none of them a low score
    assert len(scored.table) == 43
    assert int(info["blank"].sum()) == 2 and int(info["not_scored"].sum()) == 3


def test_an_answer_no_rule_fits_is_named_with_rows_and_the_fixing_key(tmp_path):
    questions = dict(EN_QUESTIONS)
    key = "The staff were courteous"
    questions[key] = list(questions[key])
    questions[key][2] = "Somewhat agree"
    questions[key][5] = "Somewhat agree"
    with pytest.raises(DataError) as err:
        load_scored(_en_export(tmp_path, questions), "en_survey")
    text = str(err.value)
    assert "'Somewhat agree' (rows 4, 7)" in text
    assert "The staff were courteous" in text
    assert "scales: agreement: answers:" in text and "not_scored" in text


def _zh_export(tmp_path, n=60, seed=4):
    rng = np.random.default_rng(seed)
    sat = ["非常不满意", "不满意", "一般", "比较满意", "非常满意"]
    agree = ["非常不同意", "不同意", "中立", "同意", "非常同意"]
    trait = rng.normal(size=n)

    def answers(labels, reverse=False, noise=0.7):
        level = np.clip(np.round(3 + trait + rng.normal(scale=noise, size=n)), 1, 5)
        if reverse:
            level = 6 - level
        out = [labels[int(v) - 1] for v in level]
        return out

    cols = {
        "您对我们的响应速度是否满意": answers(sat),
        "我们是否在承诺时间内回复": answers(agree),
        "问题是否一次得到解决": answers(agree),
        "您对问题解决的结果是否满意": answers(sat),
        "服务人员态度热情": answers(agree),
        "服务人员对我的问题漠不关心": answers(agree, reverse=True),
    }
    cols["您对我们的响应速度是否满意"][0] = "比较满意——但等待较久"
    cols["问题是否一次得到解决"][1] = "不清楚"
    cols["服务人员态度热情"][2] = ""
    frame = pd.DataFrame({"答卷编号": [f"Q{i:03d}" for i in range(n)],
                          "提交时间": [f"2026/0{1 + i % 6}/1{i % 9}" for i in range(n)],
                          "网点": rng.choice(["北京", "上海", "广州"], n), **cols})
    path = tmp_path / "问卷导出.csv"
    frame.to_csv(path, index=False, encoding="utf-8")
    return path


def test_chinese_export_with_reverse_item_and_dimensions(tmp_path):
    from pdcakit.stats.reliability import dimension_reliability

    scored = load_scored(_zh_export(tmp_path), "zh_survey")
    table = scored.table
    assert set(table["dimension"]) == {"服务响应时间", "问题解决效率", "服务态度"}
    first = table[table.respondent_id == "Q000"].set_index("question")["score"]
    assert first["响应速度"] == 4  # 比较满意——但等待较久
    info = scored.not_scored.set_index("question")
    assert info.loc["一次解决", "not_scored_values"] == {"不清楚": 1}
    assert info.loc["态度热情", "blank"] == 1
    # the reverse item, turned round, agrees with the others: one thing measured
    alphas = dimension_reliability(table)
    assert alphas["服务态度"].alpha > 0.6
    assert table.groupby("question")["score"].mean()["漠不关心"] > 2


def test_load_table_takes_a_scored_mapping(tmp_path):
    table = load_table(_zh_export(tmp_path), "surveys", "zh_survey")
    assert "dimension" in table and table.attrs["respondents"] == 60
    assert table.attrs["not_scored"][2]["not_scored"] == 1
    with pytest.raises(DataError, match="describes a surveys table, not audits"):
        load_table(_zh_export(tmp_path), "audits", "zh_survey")


def test_direction_must_be_stated_and_a_better_lower_scale_is_turned_round(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ID,Wait\n1,1\n2,5\n3,2\n", encoding="utf-8")
    spec = {"columns": {"respondent_id": "ID"},
            "scales": {"rank": {"range": [1, 5], "answers": {}}},
            "questions": {"Wait": {"scale": "rank"}}}
    with pytest.raises(DataError, match="better: higher or better: lower"):
        scored_mapping(spec)
    spec["scales"]["rank"]["better"] = "lower"
    assert load_scored(path, spec).table["score"].tolist() == [5.0, 1.0, 4.0]


def test_missing_question_column_names_the_closest(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ID,Speed of reply\n1,3\n", encoding="utf-8")
    spec = {"columns": {"respondent_id": "ID"},
            "scales": {"s": {"range": [1, 5], "better": "higher"}},
            "questions": {"Speed of replies": {"scale": "s"}}}
    with pytest.raises(DataError, match="Speed of reply"):
        load_scored(path, spec)


def test_audit_items_become_parts_on_0_to_10(tmp_path):
    path = tmp_path / "audit.csv"
    path.write_text(
        "Audit,Date,Site,Greeting used,Script followed,Within time,Customer thanked\n"
        "AU1,2026-01-05,Leeds,Yes,Partly,Yes,Yes\n"
        "AU2,2026-01-06,Leeds,No,No,N/A,Yes\n"
        "AU3,2026-01-07,Glasgow,Yes,Yes,No,\n", encoding="utf-8")
    spec = {"table": "audits", "columns": {"audit_id": "Audit", "date": "Date", "site": "Site"},
            "scales": {"check": {"range": [0, 2], "better": "higher",
                                 "answers": {"No": 0, "Partly": 1, "Yes": 2},
                                 "not_scored": ["N/A"]}},
            "questions": {"Greeting used": {"part": "normativity", "scale": "check"},
                          "Script followed": {"part": "normativity", "scale": "check"},
                          "Within time": {"part": "efficiency", "scale": "check"},
                          "Customer thanked": {"part": "experience", "scale": "check"}}}
    out = load_table(path, "audits", spec)
    assert out["normativity"].tolist() == [7.5, 0.0, 10.0]
    assert np.isnan(out["efficiency"][1]) and np.isnan(out["experience"][2])
    from pdcakit import metrics
    tps = metrics.audit_score(out.assign(efficiency=out["efficiency"].fillna(5),
                                         experience=out["experience"].fillna(5)))
    assert tps.n == 3


def test_describe_scored_says_respondents_questions_scales_and_not_scored(tmp_path):
    summary = describe_scored(_en_export(tmp_path), "en_survey")
    first, scales, missing = summary.sentences[:3]
    assert "8 respondents, 6 questions in 3 dimensions" in first
    assert "frequency: 1 to 5, higher is better" in scales
    assert "Reverse-scored: indifference" in scales
    assert missing.startswith("Not scored: 2 blank, 3 not scored")
    assert "Comments" in " ".join(summary.sentences[3:])


def test_ticket_loader_refuses_a_survey_mapping_with_a_fix(tmp_path):
    from pdcakit.data import load_mapping

    with pytest.raises(DataError, match="not a ticket mapping"):
        load_mapping("en_survey")


def test_english_audit_preset_reads_a_checklist_export(tmp_path):
    path = tmp_path / "audits.csv"
    path.write_text(
        "Audit ID,Audit date,Site,Agent,Greeting and identification as scripted,"
        "Ticket logged with category and priority,Answered within the target time,"
        "No unnecessary transfer,Customer effort (auditor's rating 0-10),"
        "Outcome and next steps confirmed\n"
        "AU01,05/01/2026,Leeds,A01,Yes,Partly,Yes,N/A,8,Yes\n"
        "AU02,06/01/2026,Leeds,A02,No,Yes,Partly,Yes,6,Partly — call dropped\n",
        encoding="utf-8")
    out = load_table(path, "audits", "en_audit")
    assert out["normativity"].tolist() == [7.5, 5.0]
    assert out["efficiency"].tolist() == [10.0, 7.5]  # N/A left out of the mean
    assert out["experience"].tolist() == [9.0, 5.5]
    assert out.attrs["not_scored"][3]["not_scored_values"] == {"N/A": 1}


def test_chinese_mystery_shopper_preset(tmp_path):
    path = tmp_path / "暗访.csv"
    pd.DataFrame({"暗访编号": ["MS1", "MS2"], "暗访日期": ["2026-01-07", "2026-04-09"],
                  "网点": ["北京", "上海"], "渠道": ["电话", "柜台"],
                  "主动问候": ["很好", "较好"], "耐心倾听": ["较好", "未涉及"],
                  "解答准确": ["一般", "很好"], "业务熟练": ["较差", "很好"],
                  "等候时间": ["很差", "较好"], "办理时长": ["一般", "较好"]}).to_csv(
        path, index=False, encoding="utf-8")
    out = load_table(path, "mystery_shopper", "zh_mystery_shopper")
    assert out["attitude"].tolist() == [8.75, 7.5]
    assert out["speed"].tolist() == [2.5, 7.5]
    from pdcakit import metrics
    assert metrics.mystery_shopper_score(out).value == pytest.approx(
        (8.75 + 3.75 + 2.5 + 7.5 + 10.0 + 7.5) / 2)


def test_a_repeated_respondent_is_named_unless_the_mapping_keeps_one(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("ID,Q\nR1,Often\nR2,Never\nR1,Always\n,Rarely\n", encoding="utf-8")
    spec = {"columns": {"respondent_id": "ID"},
            "scales": {"f": {"range": [1, 5], "better": "higher",
                             "answers": {"Never": 1, "Rarely": 2, "Often": 4, "Always": 5}}},
            "questions": {"Q": {"scale": "f"}}}
    with pytest.raises(DataError, match="1 rows have no respondent_id") as err:
        load_scored(path, spec)
    assert err.value.rows == [5]
    path.write_text("ID,Q\nR1,Often\nR2,Never\nR1,Always\n", encoding="utf-8")
    with pytest.raises(DataError, match="respondent_id repeats") as err:
        load_scored(path, spec)
    assert err.value.rows == [2, 4]
    kept = load_scored(path, {**spec, "on_duplicate": "keep_last"})
    assert kept.table["score"].tolist() == [1.0, 5.0]
    assert any("1 repeated rows dropped" in w for w in kept.warnings)
