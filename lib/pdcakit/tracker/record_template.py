"""The commented record ``pdca new`` writes, in the workbook's language: every field to
fill in, explained in place by a comment from the words layer. A record written in a
language other than English says so in its ``language:`` field, so its pages and runs
read in it whatever the workbook later says.

English is the template :func:`pdcakit.tracker.record.new_record_text` has always
written; checking the text (it reads back, it validates) stays there.

>>> text = record_template("c1", title="Faster email", metric="fcr", target=0.74,
...                        direction="higher", owner="Li", previous=None,
...                        today=dt.date(2026, 1, 5))
>>> text.splitlines()[5:7], "language:" in text
(['id: c1', 'title: "Faster email"'], False)
>>> "language: zh-CN" in record_template("c1", title="更快回复", metric="", target=None,
...     direction="higher", owner="", previous=None, today=dt.date(2026, 1, 5),
...     language="zh-CN")
True
"""

from __future__ import annotations

import datetime as dt

from pdcakit.words import words

__all__ = ["record_template"]


def record_template(cycle_id: str, *, title: str, metric: str, target: float | None,
                    direction: str, owner: str, previous: str | None, today: dt.date,
                    finding: str | None = None, problem: str = "",
                    language: str = "en") -> str:
    """The record's text (not checked: :func:`pdcakit.tracker.record.new_record_text`
    checks it), its comments in ``language``."""
    from pdcakit.tracker.record import _quoted as q
    from pdcakit.tracker.record import yaml_text

    w = words(language)
    note = {  # each field's comment, in the language
        "team": w._("names or roles"),
        "metric": w._("a KPI key, e.g. fcr, aht, first_response_time"),
        "direction": w._("higher or lower is better"),
        "baseline": w._("filled in from the baseline run"),
        "problem": w._("what is wrong, for whom, how we know"),
        "change_idea": w._("what we will change"),
        "hypothesis": w._("why we expect it to move the metric"),
        "predictions": w._("checkable forecasts, added with `pdca predict` before the change"),
        "tickets": w._("path of the tickets export (check it: pdca check-data FILE)"),
        "mapping": w._("column mapping (YAML file or preset), null if canonical"),
        "before": w._("[first day, day after the last] of the baseline window"),
        "after": w._("the same for the after window; its first day is the go-live"),
        "stage": w._("plan, do, check, act, closed (moved by `pdca advance`)"),
        "decision": w._("set by `pdca act`"),
        "stages": w._("per stage, its own settings: {example}",
                    example="baseline: {parameters: {period: M}}"),
        "finding": w._("the supervision finding this cycle answers (pdca/supervision.yaml)"),
        "language": w._("the language of this cycle's pages and runs (en or zh-CN)"),
    }
    head = "\n".join(f"# {line}" for line in w._(
        "PDCA cycle record: one file per improvement cycle, edited by hand and kept in git.\n"
        "Each fact lives once: the aim and the data plan below flow into every stage\n"
        "(`pdca run {cycle} STAGE`); `stages:` holds only a stage's own settings, and\n"
        "`-p NAME VALUE` on the command line overrides both. Paths are relative to the\n"
        "workbook root.", cycle=cycle_id).split("\n"))
    answers = (f"finding: {q(finding)}            # {note['finding']}\n" if finding else "")
    target_text = "null" if target is None else repr(float(target))
    said = ("" if language == "en" else
            f"{'language: ' + language:<30}# {note['language']}\n")
    return f"""{head}
id: {yaml_text(cycle_id)}
title: {q(title)}
owner: {q(owner)}
{said}team: []                      # {note['team']}
created: {today.isoformat()}
aim:
  metric: {q(metric)}         # {note['metric']}
  direction: {direction}      # {note['direction']}
  baseline: null              # {note['baseline']}
  target: {target_text}
  deadline: null              # YYYY-MM-DD
{answers}problem: {q(problem)}                   # {note['problem']}
change_idea: ""               # {note['change_idea']}
hypothesis: ""                # {note['hypothesis']}
predictions: []               # {note['predictions']}
data:
  tickets: ""                 # {note['tickets']}
  mapping: null               # {note['mapping']}
  before: []                  # {note['before']}
  after: []                   # {note['after']}
actions: []                   # - {{what: ..., owner: ..., due: YYYY-MM-DD, done: false}}
stage: plan                   # {note['stage']}
decision: null                # {note['decision']}
previous: {yaml_text(previous) if previous else "null"}
log:
  - {{date: {today.isoformat()}, event: created}}
stages: {{}}                  # {note['stages']}
"""
