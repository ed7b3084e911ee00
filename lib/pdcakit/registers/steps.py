"""Complaint exports with one row per step, folded into one case per complaint.

Case-management systems export a complaint as the steps it went through (chapter 4:
receive -> resolve -> follow up, an owner and a deadline at each step): several rows per
case id, each with its ``step`` and the time it happened (``at``). Folded, a case is:

- ``received_at``: the time of its received step (exactly one time per case);
- ``closed_at``: the time of its last resolved step; none (the case is open) when it has
  no resolved step or when a received or assigned step comes after it (reopened);
- ``followed_up_at``: the time of its last follow-up;
- ``owner``: the owner of its last step that is not a follow-up (who holds an open case,
  who closed a closed one);
- ``deadline``: the first deadline given on its received, assigned or resolved rows (the
  promise made; a case whose deadline was moved is counted in a warning);
- ``outcome``: its last outcome given; ``repeat_of``, ``channel``, ``customer_id``: the
  one value its rows give (two different ones are a contradiction).

Step names are read in English or Chinese (:data:`STEP_WORDS`: 受理 received, 转派
assigned, 办结 resolved, 回访 followed up ...); another name stops the load, naming it
and the ``values: {step: ...}`` line that would read it. Contradictory steps (two receipt
times, a step before the receipt, a follow-up before the resolution, two repeat_of or
channel values) stop the load naming the case and its spreadsheet rows.

>>> raw = pd.DataFrame({"id": ["C1", "C1", "C1", "C2"],
...                     "step": ["受理", "办结", "回访", "received"],
...                     "at": pd.to_datetime(["2026-03-02", "2026-03-05", "2026-03-09",
...                                           "2026-03-03"]),
...                     "owner": ["王伟", "李娜", "客服回访组", "Priya"]}, index=[2, 3, 4, 5])
>>> cases, moved = fold_steps(raw, None)
>>> cases[["id", "closed_at", "owner"]].to_dict("records")[0]
{'id': 'C1', 'closed_at': Timestamp('2026-03-05 00:00:00'), 'owner': '李娜'}
>>> cases["closed_at"].isna().tolist(), cases.index.tolist(), moved
([False, True], [2, 5], 0)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["STEPS", "STEP_WORDS", "fold_steps", "step_key"]

#: The steps a case goes through, in the method's order.
STEPS = ("received", "assigned", "resolved", "followed_up")

#: Step key -> the names exports give it (matched ignoring case and spaces at the ends).
STEP_WORDS: dict[str, tuple[str, ...]] = {
    "received": ("received", "receive", "registered", "logged", "opened", "open", "new",
                 "受理", "接收", "登记", "收到", "立案"),
    "assigned": ("assigned", "assign", "escalated", "transferred", "in progress",
                 "reopened", "转派", "分派", "派单", "升级", "处理中", "重新打开"),
    "resolved": ("resolved", "resolve", "closed", "close", "answered", "办结", "结案",
                 "已解决", "解决", "关闭", "处理完成"),
    "followed_up": ("followed up", "follow up", "follow-up", "followed-up", "callback",
                    "回访", "跟进", "回访完成"),
}
_BY_WORD = {word.casefold(): key for key, words in STEP_WORDS.items() for word in words}
_BY_WORD.update({key: key for key in STEPS})
#: Columns a case takes one value of: two different ones are a contradiction.
_ONE_VALUE = ("repeat_of", "channel", "customer_id", "cycle")


def step_key(name: Any) -> str | None:
    """The step a name spells (``"办结"`` -> ``"resolved"``), None when none.

    >>> step_key(" Follow-up "), step_key("回访"), step_key("pending")
    ('followed_up', 'followed_up', None)
    """
    return _BY_WORD.get(str(name).strip().casefold()) if isinstance(name, str) else None


def _cases(n: int) -> str:
    return f"{n:,} case" + ("" if n == 1 else "s")


def _fail(src: Any, problem: str, column: str, rows: list[int], fix: str,
          values: list[Any] | None = None) -> Exception:
    if src is None:
        return ValueError(f"{problem} (rows {', '.join(map(str, rows[:10]))}). Fix: {fix}")
    return src.error(problem, column, rows, values=values, fix=fix)


def _case_rows(frame: pd.DataFrame, ids: pd.Series) -> list[int]:
    return frame.index[frame["id"].isin(ids).to_numpy(dtype=bool)].tolist()


def _check_steps(steps: pd.DataFrame, src: Any) -> None:
    """Every step name known and every step dated."""
    unknown = steps["key"].isna() & steps["step"].notna()
    if unknown.any():
        names = sorted(steps.loc[unknown, "step"].astype(str).unique())
        known = "; ".join(f"{key}: {', '.join(words[:4])} ..." for key, words in
                          STEP_WORDS.items())
        raise _fail(src, f"{int(unknown.sum()):,} row(s) name a step the register does not know "
                         f"({', '.join(repr(n) for n in names[:5])})", "step",
                    steps.index[unknown.to_numpy(dtype=bool)].tolist(),
                    fix=f"recode it under values: in the mapping (values: {{step: "
                        f"{{{names[0]!r}: assigned}}}}); the steps are {known}",
                    values=steps.loc[unknown, "step"].tolist())
    for column, what in (("key", "no step"), ("at", "no time")):
        empty = steps[column].isna()
        if empty.any():
            raise _fail(src, f"{int(empty.sum()):,} row(s) with {what}", "step" if column ==
                        "key" else "at", steps.index[empty.to_numpy(dtype=bool)].tolist(),
                        fix="every row of a step export is one step of a case: fill its "
                            "step and the time it happened")


def _one_receipt(steps: pd.DataFrame, src: Any) -> pd.Series:
    """Each case's receipt time; a case with none, or with two different ones, stops."""
    received = steps[steps["key"] == "received"]
    times = received.groupby("id", sort=False)["at"].agg(["min", "max"])
    two = times.index[times["min"] != times["max"]]
    if len(two):
        rows = received.index[received["id"].isin(two).to_numpy(dtype=bool)].tolist()
        raise _fail(src, f"{_cases(len(two))} received at two different times "
                         f"({', '.join(map(str, two[:5]))})", "at", rows,
                    fix="a case is received once: keep one received step per case, or give "
                        "a reopened case the step 'reopened'")
    missing = pd.Index(steps["id"].unique()).difference(times.index)
    if len(missing):
        raise _fail(src, f"{_cases(len(missing))} without a received step "
                         f"({', '.join(map(str, missing[:5]))})", "step",
                    _case_rows(steps, missing),
                    fix="export every step of each case, its receipt included (step "
                        "'received' or 受理), or leave out the cases received before the export "
                        "began")
    return times["min"]


def _order_problems(steps: pd.DataFrame, received: pd.Series, src: Any) -> None:
    """No step before the receipt; no follow-up before the (last) resolution."""
    early = steps["at"] < steps["id"].map(received)
    if early.any():
        cases = steps.loc[early, "id"].unique()
        raise _fail(src, f"{_cases(len(cases))} with a step dated before the receipt "
                         f"({', '.join(map(str, cases[:5]))})", "at",
                    steps.index[early.to_numpy(dtype=bool)].tolist(),
                    fix="check the export's date format (day and month swapped?) and that "
                        "every time is in the same time zone")
    resolved = steps[steps["key"] == "resolved"].groupby("id")["at"].max()
    follow = steps[steps["key"] == "followed_up"]
    before = follow["at"] < follow["id"].map(resolved)
    unresolved = follow["id"].map(resolved).isna()
    bad = before | unresolved
    if bad.any():
        cases = follow.loc[bad, "id"].unique()
        raise _fail(src, f"{_cases(len(cases))} followed up before being resolved "
                         f"({', '.join(map(str, cases[:5]))})", "step",
                    _case_rows(steps, cases),
                    fix="a follow-up comes after the case is resolved: check the steps' "
                        "times, or name a step taken before the resolution 'assigned'")


def fold_steps(steps: pd.DataFrame, src: Any) -> tuple[pd.DataFrame, int]:
    """One row per case from ``steps`` (``id``, ``step``, ``at`` and any of ``owner``,
    ``deadline``, ``outcome``, ``repeat_of``, ``channel``, ``customer_id``; its index the
    spreadsheet rows), and how many cases carry more than one deadline. Each case's row is
    indexed by the spreadsheet row of its receipt, so later messages name real rows.
    ``src`` (a :class:`~pdcakit.data.parsing.Source`) locates the errors; None raises
    ValueError."""
    steps = steps.assign(key=steps["step"].map(step_key))
    _check_steps(steps, src)
    received = _one_receipt(steps, src)
    _order_problems(steps, received, src)
    order = {key: k for k, key in enumerate(STEPS)}
    steps = steps.assign(rank=steps["key"].map(order), row=steps.index).rename_axis(None)
    steps = steps.sort_values(["id", "at", "rank", "row"], kind="stable")
    for column in _ONE_VALUE:
        if column not in steps:
            continue
        counts = steps.dropna(subset=[column]).groupby("id")[column].nunique()
        two = counts.index[counts > 1]
        if len(two):
            raise _fail(src, f"{_cases(len(two))} with two different {column} values "
                             f"({', '.join(map(str, two[:5]))})", column,
                        _case_rows(steps.dropna(subset=[column]), two),
                        fix=f"a case has one {column}: correct the rows that differ",
                        values=steps.loc[steps["id"].isin(two), column].tolist())
    groups = steps.groupby("id", sort=False)
    first_row = steps[steps["key"] == "received"].groupby("id")["row"].min()
    out = pd.DataFrame({"id": first_row.index, "received_at": received.reindex(
        first_row.index).to_numpy()}, index=first_row.to_numpy())
    ids = out["id"]

    def last_time(key: str) -> pd.Series:
        return steps[steps["key"] == key].groupby("id")["at"].max()

    resolved = last_time("resolved")
    reopened = steps[steps["key"].isin(["received", "assigned"])].groupby("id")["at"].max()
    closed = resolved.where(~(reopened.reindex(resolved.index) > resolved))
    dtype = steps["at"].dtype

    def per_case(times: pd.Series) -> pd.Series:
        """``times`` (by case id) on each case's row; NaT where a case has none (an
        export without a single follow-up or resolution maps nothing at all)."""
        if times.empty:
            return pd.Series(pd.NaT, index=ids.index, dtype=dtype)
        return ids.map(times).astype(dtype)

    out["closed_at"] = per_case(closed)
    out["followed_up_at"] = per_case(last_time("followed_up"))
    holding = steps[steps["key"] != "followed_up"]
    if "owner" in steps:
        owners = holding.dropna(subset=["owner"]).groupby("id")["owner"].last()
        out["owner"] = ids.map(owners)
    moved = 0
    if "deadline" in steps:
        given = holding.dropna(subset=["deadline"]).groupby("id")["deadline"]
        out["deadline"] = ids.map(given.first())
        moved = int((given.nunique() > 1).sum())
    if "outcome" in steps:
        out["outcome"] = ids.map(steps.dropna(subset=["outcome"]).groupby("id")["outcome"]
                                 .last())
    for column in _ONE_VALUE:
        if column in steps:
            out[column] = ids.map(steps.dropna(subset=[column]).groupby("id")[column].first())
    out["steps"] = ids.map(groups.size()).astype(int)
    for column in out.columns:
        if column in steps and isinstance(steps[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(steps[column].dtype)
    return out.sort_index(), moved
