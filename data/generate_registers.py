#!/usr/bin/env python
"""Seeded generator of the demo registers: a feedback export and a complaint register.

The same calendar as ``generate_demo.py`` (26 weeks from Monday 2026-01-05, the change
going live on Monday 2026-04-06, exported 2026-07-06). Injected, so the pages have a
ground truth:

- Feedback (about 60 items a week, Chinese and English, by phone, e-mail, online survey
  and web form): the share about response speed (响应速度) falls from 35% to 18% after
  the go-live; the other classes share the rest in fixed proportions. About a third of
  the items carry the class the team gave them by hand (right 92% of the time); the
  words are built from phrases a lexicon mostly, not always, knows.
- Complaints (about 8 a week, dates only): owner, a deadline 5 days after receipt, time to
  close log-normal with median 4.5 days before and 2.8 days after the go-live, a few
  cases still open at the export (the most recent, and some stuck), 12% repeat complaints
  before and 8% after.

Importable without the package (numpy and pandas only)::

    feedback = generate_feedback(seed=20260406)
    complaints = generate_complaints(seed=20260406)
    write_registers("data/demo")        # feedback.csv, complaints.csv

Regenerate the committed files: ``python data/generate_registers.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FEEDBACK_SHIFT", "generate_complaints", "generate_feedback", "write_registers"]

SEED = 20260406
START = pd.Timestamp("2026-01-05")
CHANGE = pd.Timestamp("2026-04-06")
END = pd.Timestamp("2026-07-06")          # exclusive; also the export time
OUT = Path(__file__).resolve().parent / "demo"

CLASSES = ("satisfaction", "attitude", "response_speed", "problem_solving", "other")
GIVEN_NAMES = {"satisfaction": "满意度", "attitude": "服务态度", "response_speed": "响应速度",
               "problem_solving": "问题解决能力", "other": "其他"}
#: Share of response-speed feedback before and after the go-live.
FEEDBACK_SHIFT = {"class": "response_speed", "before": 0.35, "after": 0.18}
#: The other classes' shares of the rest (fixed).
_REST = {"satisfaction": 0.30, "attitude": 0.25, "problem_solving": 0.30, "other": 0.15}

_ZH = {
    "satisfaction": ["总体很满意", "整体体验不错", "非常满意，会推荐给朋友", "有点失望",
                     "不满意这次的服务", "给个好评", "体验一般般"],
    "attitude": ["客服态度很好", "接线员很有耐心", "态度傲慢，爱答不理", "说话不礼貌",
                 "热情周到", "语气很冲", "工作人员很友好"],
    "response_speed": ["电话一直没人接", "等了一个多小时才回复", "回复太慢了", "响应很及时",
                       "排队排了半天", "处理速度很快", "提交三天了迟迟没有动静"],
    "problem_solving": ["问题还是没解决", "一次就修好了，很专业", "答非所问，问题依旧",
                        "打了三次电话还是不行", "终于搞定了", "给的办法没用"],
    "other": ["请问发票怎么开", "快递到了", "想修改一下地址", "你们几点下班", "谢谢"],
}
_EN = {
    "satisfaction": ["Overall very satisfied", "Great experience, would recommend",
                     "Disappointed with the service", "Happy with how it went",
                     "Not impressed this time"],
    "attitude": ["The agent was rude", "Very polite and patient staff",
                 "Dismissive tone from the start", "Friendly and kind people",
                 "Felt talked down to"],
    "response_speed": ["On hold for 40 minutes", "Waited three days for a reply",
                       "Quick response, thanks", "Nobody called back", "Took ages to answer"],
    "problem_solving": ["Still not working after two calls", "Fixed it first time",
                        "My issue is unresolved", "Knowledgeable engineer, problem solved",
                        "Same fault came back again"],
    "other": ["How do I change my address?", "The parcel arrived today",
              "What are your opening hours?", "Thanks"],
}
_CHANNELS = ("phone", "email", "survey", "web")
_OWNERS = ("李娜", "王伟", "张敏", "Sam Patel", "Priya Shah")


def _days(rng: np.random.Generator, per_week: float) -> list[pd.Timestamp]:
    out = []
    for day in pd.date_range(START, END - pd.Timedelta(days=1), freq="D"):
        rate = per_week / 7 * (0.5 if day.day_of_week >= 5 else 1.2)
        out += [day] * int(rng.poisson(rate))
    return out


def generate_feedback(seed: int = SEED) -> pd.DataFrame:
    """The feedback export: ``id``, ``received_at``, ``channel``, ``text``, ``class`` (the
    team's own class in Chinese, for about a third), ``ticket_id``."""
    rng = np.random.default_rng([seed, 28, 1])
    rows = []
    for i, day in enumerate(_days(rng, 60)):
        speed = FEEDBACK_SHIFT["after" if day >= CHANGE else "before"]
        probs = np.array([_REST["satisfaction"], _REST["attitude"], 0.0,
                          _REST["problem_solving"], _REST["other"]]) * (1 - speed)
        probs[2] = speed
        truth = CLASSES[int(rng.choice(5, p=probs / probs.sum()))]
        zh = rng.random() < 0.6
        phrases = (_ZH if zh else _EN)[truth]
        text = str(rng.choice(phrases))
        if rng.random() < 0.15:      # a second, unrelated remark
            other = CLASSES[int(rng.integers(5))]
            text += ("，" if zh else ". ") + str(rng.choice((_ZH if zh else _EN)[other]))
        given = ""
        if rng.random() < 0.35:
            by_hand = truth if rng.random() < 0.92 else CLASSES[int(rng.integers(5))]
            given = GIVEN_NAMES[by_hand]
        when = day + pd.Timedelta(minutes=int(rng.integers(8 * 60, 20 * 60)))
        rows.append({"id": f"FB{i + 1:05d}", "received_at": when.strftime("%Y-%m-%d %H:%M"),
                     "channel": str(rng.choice(_CHANNELS)), "text": text, "class": given,
                     "ticket_id": f"T{int(rng.integers(1, 48001)):06d}"
                     if rng.random() < 0.7 else ""})
    return pd.DataFrame(rows)


def generate_complaints(seed: int = SEED) -> pd.DataFrame:
    """The complaint register (dates only): ``id``, ``received_at``, ``owner``,
    ``deadline`` (receipt + 5 days), ``closed_at`` (empty: open at the export),
    ``outcome``, ``repeat_of``."""
    rng = np.random.default_rng([seed, 28, 2])
    rows = []
    for i, day in enumerate(_days(rng, 8)):
        after = day >= CHANGE
        median = 2.8 if after else 4.5
        took = float(np.exp(np.log(median) + 0.7 * rng.standard_normal()))
        stuck = rng.random() < 0.03
        closed = day + pd.Timedelta(days=round(took))
        is_open = stuck or closed >= END
        repeat = ""
        if i > 5 and rng.random() < (0.08 if after else 0.12):
            repeat = f"CP{int(rng.integers(1, i + 1)):04d}"
        rows.append({"id": f"CP{i + 1:04d}", "received_at": f"{day:%Y-%m-%d}",
                     "owner": str(rng.choice(_OWNERS)),
                     "deadline": f"{day + pd.Timedelta(days=5):%Y-%m-%d}",
                     "closed_at": "" if is_open else f"{closed:%Y-%m-%d}",
                     "outcome": "" if is_open else str(rng.choice(
                         ["upheld", "partly upheld", "not upheld", "withdrawn"],
                         p=[0.45, 0.2, 0.3, 0.05])),
                     "repeat_of": repeat})
    return pd.DataFrame(rows)


def write_registers(out_dir: str | Path = OUT, seed: int = SEED) -> list[Path]:
    """Write ``feedback.csv`` and ``complaints.csv`` (UTF-8, LF) into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("feedback", generate_feedback(seed)),
                        ("complaints", generate_complaints(seed))):
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_registers(sys.argv[1] if len(sys.argv) > 1 else OUT):
        print(written)
