"""A Chinese contact centre's own exports, made for a first try of every measure (issues 27, 28).

Nothing here is copied from ``data/demo``: a seeded generator writes what a team of 18
agents on three sites (北京, 上海, 成都) exports from its systems, with the shapes real
exports have:

- tickets with the ``zh_helpdesk`` preset's headers, GB18030 and CRLF, some rows with
  date-only times, a few cases exported twice (an earlier state, then the update: one
  row per state), a fifth still open at the export, and December 2025 empty (a system
  migration: no tickets that month);
- a **wide** Chinese survey (one column per question, 非常满意 ... 非常不满意, a reverse-
  scored item, 不清楚 / 不知道 and blanks) and a wide English one ("Rarely", "Sometimes —
  depending on team capacity", "Don't know");
- process audits (TPS, three sub-scores) and wide mystery-shopper visits (TDS, the
  ``zh_mystery_shopper`` preset's items);
- a standards table whose rows carry rules, plus one typed-in row; a training table
  with ``trained_on`` for 12 of the 18 agents;
- a feedback export (Chinese and English texts, a third with the team's own class); a
  complaint register one row per step (受理 / 转派 / 办结 / 回访) and the same register
  one row per case;
- tickets and surveys since adoption: one stable, one where the gain slips from
  2026-08-10 (FCR 20 points lower; every answer 2 points lower), for ``pdca monitor``;
  the tickets' mapping without the first export's snapshot.

The true effects are known: after the go-live (Monday 2026-04-06) FCR rises 12 points for
the trained agents and 1 for the others, first response halves, every survey answer's
latent score rises by 0.4, TPS and TDS sub-scores rise 0.5; agent 坐席07 resolves 25
points fewer tickets at first contact than the others in both windows.

>>> import tempfile, pathlib
>>> made = make_exports(pathlib.Path(tempfile.mkdtemp()))
>>> sorted(made)[:3]
['audits', 'complaints_cases', 'complaints_steps']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

SEED = 20260406
START = pd.Timestamp("2025-11-03")            # a Monday; December 2025 is empty
GO_LIVE = pd.Timestamp("2026-04-06")
BEFORE = ("2026-01-05", "2026-04-06")
AFTER = ("2026-04-06", "2026-07-06")
SNAPSHOT = pd.Timestamp("2026-07-06 00:00")
SITES = ("北京", "上海", "成都")
AGENTS = tuple(f"坐席{i:02d}" for i in range(1, 19))
SITE_OF = {a: SITES[i // 6] for i, a in enumerate(AGENTS)}
TRAINED = AGENTS[:12]                         # 坐席01-坐席12 trained on 2026-04-03
WEAK_AGENT = "坐席07"
CHANNELS = ("电话", "邮件", "在线客服", "网页")
CATEGORIES = ("密码/账户", "软件", "硬件", "网络", "权限申请", "账单", "其他")
ZH_HEADERS = ("工单编号", "创建时间", "首次响应时间", "解决时间", "处理时长(分钟)", "渠道",
              "类别", "站点", "坐席", "一次解决", "投诉", "重开", "满意度", "推荐意愿")

ZH_SATISFACTION = ("非常不满意", "不满意", "一般", "满意", "非常满意")
ZH_AGREEMENT = ("非常不同意", "不同意", "中立", "同意", "非常同意")
#: zh_survey preset's questions: header -> (scale answers, reverse-scored)
ZH_QUESTIONS = {
    "您对我们的响应速度是否满意": (ZH_SATISFACTION, False),
    "我们是否在承诺时间内回复": (ZH_AGREEMENT, False),
    "问题是否一次得到解决": (ZH_AGREEMENT, False),
    "您对问题解决的结果是否满意": (ZH_SATISFACTION, False),
    "服务人员态度热情": (ZH_AGREEMENT, False),
    "服务人员对我的问题漠不关心": (ZH_AGREEMENT, True),
}
EN_FREQUENCY = ("Never", "Rarely", "Sometimes — depending on team capacity", "Often",
                "Always")
EN_SATISFACTION = ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied",
                   "Very satisfied")
EN_AGREEMENT = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                "Strongly agree")
EN_QUESTIONS = {
    "How satisfied are you with the time we took to respond?": (EN_SATISFACTION, False),
    "How often did we reply within the time we promised?": (EN_FREQUENCY, False),
    "Was your problem solved at the first contact?": (EN_FREQUENCY, False),
    "How satisfied are you with how the problem was solved?": (EN_SATISFACTION, False),
    "The staff were courteous": (EN_AGREEMENT, False),
    "The staff seemed indifferent to my problem": (EN_AGREEMENT, True),
}
MYSTERY_ITEMS = ("主动问候", "耐心倾听", "解答准确", "业务熟练", "等候时间", "办理时长")
MYSTERY_ANSWERS = ("很差", "较差", "一般", "较好", "很好")

FEEDBACK_TEXTS = {
    "响应速度": ["等了很久才有人回复", "电话排队太久了", "回复太慢", "Waited two days for a reply",
             "Nobody answered for hours"],
    "服务态度": ["客服态度很好，很耐心", "服务人员不耐烦", "Friendly and patient staff",
             "The agent was rude to me"],
    "问题解决能力": ["问题一直没有解决", "同样的问题又出现了", "The same fault came back again",
               "My problem was never fixed"],
    "满意度": ["总体很满意", "非常满意这次服务", "Very satisfied overall",
            "Happy with the service"],
    "其他": ["快递到了", "发票什么时候开", "Where do I send the invoice?"],
}


def _days(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(start, end, freq="D", inclusive="left")


def tickets(rng: np.random.Generator, start: pd.Timestamp = START,
            snapshot: pd.Timestamp = SNAPSHOT, drop_from: str | None = None) -> pd.DataFrame:
    """Canonical tickets of ``start`` to the day before ``snapshot``, December 2025 left
    empty; from ``drop_from`` on, FCR falls 20 points (the gain slipping)."""
    days = _days(str(start.date()), str(snapshot.date()))
    days = days[(days.month != 12) | (days.year != 2025)]
    per_day = rng.poisson(np.where(days.day_of_week < 5, 34, 12))
    created = np.repeat(days.values, per_day) + pd.to_timedelta(
        rng.uniform(8 * 60, 20 * 60, per_day.sum()), unit="min").values
    created = pd.DatetimeIndex(np.sort(created)).floor("min")
    n = len(created)
    after = created >= GO_LIVE
    agent = rng.choice(AGENTS, n)
    trained = np.isin(agent, TRAINED)
    fcr_p = 0.66 + after * (0.01 + 0.12 * trained) - 0.25 * (agent == WEAK_AGENT)
    if drop_from is not None:
        fcr_p = fcr_p - 0.2 * (created >= pd.Timestamp(drop_from))
    fcr = rng.random(n) < fcr_p
    first_minutes = rng.lognormal(np.log(np.where(after, 12.0, 24.0)), 0.8)
    handle = rng.lognormal(np.log(11.0), 0.5, n).round(1)
    resolve_hours = np.where(fcr, handle / 60, rng.lognormal(np.log(20.0), 1.0, n))
    first = created + pd.to_timedelta(first_minutes, unit="min")
    resolved = first + pd.to_timedelta(resolve_hours, unit="h")
    # a fifth still open at the export: a ticket resolved at first contact closes with
    # the contact; of the others about half wait (more of the latest ones)
    age_days = (snapshot - created).days
    open_p = np.where(age_days < 21, 0.85, 0.6)
    still_open = ~fcr & ((rng.random(n) < open_p) | (resolved >= snapshot))
    csat_p = np.clip(0.55 + 0.3 * fcr + 0.05 * after, 0, 1)
    csat = np.where(rng.random(n) < 0.3,
                    np.clip(np.round(rng.normal(3.2 + 1.2 * csat_p, 0.8)), 1, 5), np.nan)
    csat[still_open] = np.nan
    frame = pd.DataFrame({
        "id": [f"GD{i:06d}" for i in range(1, n + 1)],
        "created_at": created,
        "first_response_at": first.floor("min"),
        "resolved_at": pd.DatetimeIndex(resolved).floor("min").where(~still_open),
        "handle_minutes": handle,
        "channel": rng.choice(CHANNELS, n, p=[0.4, 0.25, 0.25, 0.1]),
        "category": rng.choice(CATEGORIES, n),
        "agent": agent,
        "first_contact_resolved": fcr & ~still_open,
        "complaint": rng.random(n) < np.where(after, 0.015, 0.025),
        "reopened": (rng.random(n) < 0.05) & ~still_open,
        "csat": csat,
        "nps": np.where(np.isnan(csat), np.nan,
                        np.clip(np.round(csat * 2 + rng.normal(0, 1.2, n)), 0, 10)),
    })
    frame.insert(7, "site", frame["agent"].map(SITE_OF))
    return frame


def _zh_time(values: pd.Series, date_only: np.ndarray) -> pd.Series:
    text = values.dt.strftime("%Y/%m/%d %H:%M")
    text = text.where(~date_only, values.dt.strftime("%Y/%m/%d"))
    return text.fillna("")


def zh_ticket_export(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The Chinese system's export: zh_helpdesk headers, 是/否, a twentieth of the rows with
    date-only times, 2% of cases exported twice (the earlier open state first)."""
    out = frame.copy()
    date_only = rng.random(len(out)) < 0.05
    for column in ("created_at", "first_response_at", "resolved_at"):
        out[column] = _zh_time(out[column], date_only)
    for column in ("first_contact_resolved", "complaint", "reopened"):
        out[column] = np.where(out[column], "是", "否")
    for column in ("csat", "nps"):
        out[column] = out[column].map(lambda v: "" if np.isnan(v) else str(int(v)))
    earlier = out[(out["resolved_at"] != "") & (rng.random(len(out)) < 0.02)].copy()
    earlier[["resolved_at", "handle_minutes"]] = ["", np.nan]
    earlier[["first_contact_resolved", "reopened"]] = "否"
    earlier["csat"] = earlier["nps"] = ""
    out = pd.concat([earlier, out]).sort_index(kind="stable")
    out.columns = list(ZH_HEADERS)
    return out


def _answer(latent: np.ndarray, answers: tuple[str, ...], reverse: bool) -> np.ndarray:
    score = np.clip(np.round(latent), 1, 5).astype(int)
    if reverse:
        score = 6 - score
    return np.array([answers[s - 1] for s in score], dtype=object)


def wide_survey(rng: np.random.Generator, start: str, end: str, per_week: int, lift: float,
                questions: dict, *, language: str = "zh") -> pd.DataFrame:
    """One row per respondent, one column per question; the latent score rises by
    ``lift`` from the go-live; about 4% "don't know" and 4% blank answers."""
    days = _days(start, end)
    days = days[days.day_of_week < 5]
    n = per_week * len(days) // 5
    date = pd.DatetimeIndex(np.sort(rng.choice(days.values, n)))
    base = rng.normal(3.6, 0.6, n) + lift * (date >= GO_LIVE)
    dont_know = "不知道" if language == "zh" else "Don't know"
    rows = {}
    for header, (answers, reverse) in questions.items():
        column = _answer(base + rng.normal(0, 0.6, n), answers, reverse)
        draw = rng.random(n)
        column[draw < 0.04] = dont_know if header.endswith(("解决", "contact?")) else (
            "不清楚" if language == "zh" else "Not applicable")
        column[(draw >= 0.04) & (draw < 0.08)] = ""
        rows[header] = column
    if language == "zh":
        head = {"答卷编号": [f"WJ{i:05d}" for i in range(1, n + 1)],
                "提交时间": date.strftime("%Y/%m/%d"), "网点": rng.choice(SITES, n)}
    else:
        head = {"Response ID": [f"R{i:05d}" for i in range(1, n + 1)],
                "Submitted": date.strftime("%d/%m/%Y"), "Office": rng.choice(SITES, n)}
    return pd.DataFrame({**head, **rows})


def audits(rng: np.random.Generator) -> pd.DataFrame:
    """Canonical audits: three 0-10 sub-scores, 4 a week, +0.5 each after the go-live."""
    days = _days(*[BEFORE[0], AFTER[1]])
    days = days[days.day_of_week < 5]
    date = pd.DatetimeIndex(np.sort(rng.choice(days.values, 104)))
    lift = 0.5 * (date >= GO_LIVE)
    parts = {p: np.clip(rng.normal(m, 0.8, len(date)) + lift, 0, 10).round(1)
             for p, m in (("normativity", 7.2), ("efficiency", 6.6), ("experience", 7.0))}
    agent = rng.choice(AGENTS, len(date))
    return pd.DataFrame({"audit_id": [f"SH{i:03d}" for i in range(1, len(date) + 1)],
                         "date": date.strftime("%Y-%m-%d"),
                         "site": [SITE_OF[a] for a in agent], "agent": agent, **parts})


def mystery_visits(rng: np.random.Generator) -> pd.DataFrame:
    """Wide visits under the zh_mystery_shopper preset: six items 很差-很好, some 未涉及."""
    days = _days(*[BEFORE[0], AFTER[1]])
    days = days[days.day_of_week < 5]
    date = pd.DatetimeIndex(np.sort(rng.choice(days.values, 52)))
    base = rng.normal(3.6, 0.5, len(date)) + 0.5 * (date >= GO_LIVE)
    items = {}
    for item in MYSTERY_ITEMS:
        column = _answer(base + rng.normal(0, 0.5, len(date)), MYSTERY_ANSWERS, False)
        column[rng.random(len(date)) < 0.05] = "未涉及"
        items[item] = column
    return pd.DataFrame({"暗访编号": [f"AF{i:03d}" for i in range(1, len(date) + 1)],
                         "暗访日期": date.strftime("%Y-%m-%d"),
                         "网点": rng.choice(SITES, len(date)),
                         "渠道": rng.choice(CHANNELS[:3], len(date)), **items})


def standards() -> pd.DataFrame:
    """The method's three standards (4.2) with rules, and a typed-in fourth (no rule)."""
    return pd.DataFrame({
        "standard": ["30 分钟内首次响应", "一次解决", "满意度 ≥ 4.5", "着装与工位规范"],
        "category": ["速度", "有效性", "体验", "规范"],
        "weight": [0.2, 0.3, 0.4, 0.1],
        "conformance": [0.95, 0.88, 0.92, 0.97],
        "rule": ["first_response_minutes <= 30", "first_contact_resolved", "csat >= 4.5", ""],
    })


def training(rng: np.random.Generator) -> pd.DataFrame:
    pre = rng.integers(50, 80, len(TRAINED))
    return pd.DataFrame({"person": TRAINED, "pre_score": pre,
                         "post_score": np.minimum(100, np.round(pre * rng.normal(1.12, 0.05,
                                                                                 len(pre)))),
                         "trained_on": "2026-04-03"})


def feedback(rng: np.random.Generator) -> pd.DataFrame:
    """About 25 items a week; the share about response speed falls at the go-live; a third
    carry the team's own class (right nine times in ten)."""
    days = _days(*[BEFORE[0], AFTER[1]])
    n = 25 * len(days) // 7
    at = pd.DatetimeIndex(np.sort(rng.choice(days.values, n))) + pd.to_timedelta(
        rng.integers(8 * 60, 21 * 60, n), unit="min")
    classes = list(FEEDBACK_TEXTS)
    speed = np.where(at >= GO_LIVE, 0.15, 0.35)
    rest = (1 - speed) / 4
    cls = [rng.choice(classes, p=[speed[i], rest[i], rest[i], rest[i], rest[i]])
           for i in range(n)]
    text = [rng.choice(FEEDBACK_TEXTS[c]) for c in cls]
    own = np.where(rng.random(n) < 0.33,
                   [c if rng.random() < 0.9 else rng.choice(classes) for c in cls], "")
    return pd.DataFrame({"id": [f"FK{i:05d}" for i in range(1, n + 1)],
                         "received_at": at.strftime("%Y-%m-%d %H:%M"),
                         "channel": rng.choice(["电话", "邮件", "问卷", "web"], n),
                         "text": text, "class": own})


def complaint_cases(rng: np.random.Generator) -> pd.DataFrame:
    """One row per case: 3 a week, closing median 5 days before and 3 after, 6 open."""
    days = _days(*[BEFORE[0], AFTER[1]])
    days = days[days.day_of_week < 5]
    received = pd.DatetimeIndex(np.sort(rng.choice(days.values, 78)))
    median = np.where(received >= GO_LIVE, 3.0, 5.0)
    close = received + pd.to_timedelta(np.ceil(rng.lognormal(np.log(median), 0.5)), unit="D")
    still_open = np.zeros(len(received), bool)
    still_open[rng.choice(len(received), 6, replace=False)] = True
    still_open |= close >= SNAPSHOT
    owners = rng.choice(["王伟", "李娜", "张敏", "Priya Shah"], len(received))
    ids = [f"TS{i:04d}" for i in range(1, len(received) + 1)]
    repeat = [ids[i - 3] if i > 3 and rng.random() < 0.1 else "" for i in range(len(ids))]
    return pd.DataFrame({
        "id": ids, "received_at": received.strftime("%Y-%m-%d"), "owner": owners,
        "deadline": (received + pd.Timedelta(days=5)).strftime("%Y-%m-%d"),
        "closed_at": pd.Series(close.strftime("%Y-%m-%d")).where(~still_open, ""),
        "outcome": np.where(still_open, "", rng.choice(["属实", "不属实", "upheld"],
                                                       len(received))),
        "repeat_of": repeat})


def complaint_steps(cases: pd.DataFrame) -> pd.DataFrame:
    """The same register as a case system exports it: 受理, 转派, 办结, 回访 rows."""
    rows = []
    for case in cases.itertuples(index=False):
        rows.append([case.id, "受理", case.received_at, "客服中心", case.deadline, "",
                     case.repeat_of])
        rows.append([case.id, "转派", case.received_at, case.owner, "", "", ""])
        if case.closed_at:
            rows.append([case.id, "办结", case.closed_at, case.owner, "", case.outcome, ""])
            follow = pd.Timestamp(case.closed_at) + pd.Timedelta(days=2)
            if follow < SNAPSHOT:
                rows.append([case.id, "回访", f"{follow:%Y-%m-%d}", "回访组", "", "", ""])
    return pd.DataFrame(rows, columns=["投诉编号", "环节", "时间", "处理人", "办结期限",
                                       "处理结果", "重复投诉"])


COMPLAINT_STEPS_MAPPING = {"columns": {"id": "投诉编号", "step": "环节", "at": "时间",
                                       "owner": "处理人", "deadline": "办结期限",
                                       "outcome": "处理结果", "repeat_of": "重复投诉"}}

SUPERVISION = {
    "checks": [
        {"id": "internal-audit", "activity": "服务流程内部审核",
         "content": "抽查 30 张工单，按规范性、效率、体验评分 (TPS)",
         "frequency": "yearly", "owner": "质量分析员", "standard": "TPS 平均不低于 24 分"},
        {"id": "csi-monitoring", "activity": "客户满意度过程监测",
         "content": "每月问卷满意度 (CSI)",
         "frequency": "monthly", "owner": "客服质量主管", "standard": "CSI 不低于 3.8"},
    ],
    "done": [{"check": "internal-audit", "date": "2024-11-20", "result": "pass",
              "note": "TPS 24.6 分"}],
}


def ticket_mapping() -> dict:
    """The zh_helpdesk preset's settings plus what this export needs: a case exported
    twice keeps its latest state, Chinese values kept as they are."""
    columns = dict(zip(("id", "created_at", "first_response_at", "resolved_at",
                        "handle_minutes", "channel", "category", "site", "agent",
                        "first_contact_resolved", "complaint", "reopened", "csat", "nps"),
                       ZH_HEADERS, strict=True))
    return {"columns": columns, "date_format": "%Y/%m/%d %H:%M", "encoding": "gb18030",
            "true_values": ["是"], "false_values": ["否"], "on_duplicate": "keep_last",
            "snapshot": "2026-07-06 00:00"}


def survey_mapping() -> dict:
    """The zh_survey preset as the team copies it into mappings/: its own 不知道 added to
    the answers not scored (the preset knows 不清楚, 不适用, 说不清)."""
    import pdcakit
    preset = Path(pdcakit.__file__).parent / "presets" / "zh_survey.yaml"
    mapping = yaml.safe_load(preset.read_text(encoding="utf-8"))
    for scale in mapping["scales"].values():
        scale["not_scored"] = [*scale["not_scored"], "不知道"]
    return mapping


def _csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8", crlf: bool = False) -> Path:
    frame.to_csv(path, index=False, encoding=encoding, lineterminator="\r\n" if crlf else "\n")
    return path


def make_exports(folder: Path, seed: int = SEED) -> dict[str, Path]:
    """Write every export of the contact centre into ``folder``; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    canon = tickets(rng)
    cases = complaint_cases(rng)
    made = {
        "tickets": _csv(zh_ticket_export(canon, rng), folder / "工单导出.csv", "gb18030",
                        crlf=True),
        "survey_zh": _csv(wide_survey(rng, BEFORE[0], AFTER[1], 40, 0.4, ZH_QUESTIONS),
                          folder / "满意度问卷.csv"),
        "survey_en": _csv(wide_survey(rng, BEFORE[0], AFTER[1], 20, 0.4, EN_QUESTIONS,
                                      language="en"), folder / "survey_en.csv"),
        # after adoption, on the after window's level (the go-live lift holds)
        "survey_stable": _csv(wide_survey(rng, "2026-07-06", "2026-09-28", 40, 0.4,
                                          ZH_QUESTIONS), folder / "问卷_稳定.csv"),
        "audits": _csv(audits(rng), folder / "流程审核.csv"),
        "mystery": _csv(mystery_visits(rng), folder / "神秘顾客.csv"),
        "standards": _csv(standards(), folder / "服务标准.csv"),
        "training": _csv(training(rng), folder / "培训.csv"),
        "feedback": _csv(feedback(rng), folder / "客户反馈.csv"),
        "complaints_cases": _csv(cases, folder / "投诉登记.csv"),
        "complaints_steps": _csv(complaint_steps(cases), folder / "投诉环节.csv"),
    }
    since = pd.Timestamp("2026-07-06")
    later = pd.Timestamp("2026-09-28")
    for name, drop in (("tickets_stable", None), ("tickets_shifted", "2026-08-10")):
        frame = tickets(np.random.default_rng(seed + 2), since, later, drop)
        made[name] = _csv(zh_ticket_export(frame, np.random.default_rng(seed + 3)),
                          folder / f"{name}.csv", "gb18030", crlf=True)
    # after adoption, from 2026-08-10 every answer two points lower: the gain slips
    shifted = wide_survey(np.random.default_rng(seed + 1), "2026-07-06", "2026-09-28", 40,
                          0.4, ZH_QUESTIONS)
    weeks = pd.to_datetime(shifted["提交时间"], format="%Y/%m/%d") >= "2026-08-10"
    for header, (answers, reverse) in ZH_QUESTIONS.items():
        worse = _answer(np.full(int(weeks.sum()), 2.0), answers, reverse)
        shifted.loc[weeks, header] = worse
    made["survey_shifted"] = _csv(shifted, folder / "问卷_下滑.csv")
    since_mapping = {k: v for k, v in ticket_mapping().items() if k != "snapshot"}
    for name, mapping in (("ticket_mapping", ticket_mapping()),
                          ("ticket_mapping_since", since_mapping),
                          ("survey_mapping", survey_mapping()),
                          ("complaints_steps_mapping", COMPLAINT_STEPS_MAPPING),
                          ("supervision", SUPERVISION)):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
        made[name] = path
    return made
