"""One run request: the cycle record's facts, its stage parameters and the command line,
merged once, with every file path resolved once.

A cycle fact has one home in the record (``aim`` and ``data``) and flows into every
stage that needs it:

=====================  =======================================================
record field           stage parameters
=====================  =======================================================
``data.tickets``       ``data_path`` (every stage)
``data.mapping``       ``mapping`` (every stage)
``data.before``        baseline ``start``/``end``; compare and efficiency ``before``
``data.after``         compare and efficiency ``after`` (its first day is the go-live)
``aim.metric``         baseline and compare ``headline_kpi``
``aim.target``         baseline ``target_value``; compare ``targets[aim.metric]``
``aim.direction``      baseline ``target_direction``
=====================  =======================================================

``language`` (``en`` or ``zh-CN``) is the cycle's language: the default ``language`` of
every stage that declares one (a stage's own ``language`` parameter, or ``-p language``,
overrides it) and the language of the cycle page and of the terminal messages about the
cycle (:func:`record_language`, :func:`cycle_language`).

``stages: STAGE: parameters:`` holds the stage's own settings (period, SLA
thresholds, optional tables); ``-p`` on the command line overrides both. A stage
parameter that restates a fact with another value is an error naming both places (a
fact is never decided twice); one that restates it with the same value is a note.

Paths: a record's paths are relative to the workbook root, the command line's to the
folder where the command was typed. Both are made absolute here, before any kernel
starts (papermill's ``cwd`` changes the whole process's working directory, which
would move relative paths under runs side by side).

>>> facts = record_facts({"aim": {"metric": "fcr", "target": 0.74, "direction": "higher"},
...                       "data": {"tickets": "exports/t.csv",
...                                "before": ["2026-01-05", "2026-04-06"]}}, "baseline")
>>> facts["start"], facts["headline_kpi"], facts["target_value"]
('2026-01-05', 'fcr', 0.74)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdcakit.kpis import is_score_kpi
from pdcakit.run.params import ParameterSpec, coerce_value, plain
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import CycleError, load_record, read_cycle, stage_parameters

__all__ = ["FILE_PARAMETERS", "RunRequest", "build_request", "cycle_language",
           "is_file_parameter", "record_facts", "record_language", "resolve_paths"]

#: Parameters holding a path besides the ``*_path`` ones.
FILE_PARAMETERS = frozenset({"mapping"})
#: Suffixes that make a ``mapping`` value a file rather than a preset name.
_MAPPING_SUFFIXES = (".yaml", ".yml", ".json")
#: Where each fact-derived parameter lives in the record (for messages).
_HOMES = {"data_path": "data.tickets", "mapping": "data.mapping", "start": "data.before",
          "end": "data.before", "before": "data.before", "after": "data.after",
          "change_date": "data.after", "headline_kpi": "aim.metric",
          "target_value": "aim.target", "target_direction": "aim.direction",
          "targets": "aim.target", "check_kpis": "stages.compare.parameters.kpis",
          "check_multiplicity": "stages.compare.parameters.multiplicity"}


def is_file_parameter(name: str, value: Any) -> bool:
    """Whether parameter ``name`` with ``value`` names a file (``mapping``: unless a preset).

    >>> is_file_parameter("data_path", "t.csv"), is_file_parameter("mapping", "zh_helpdesk")
    (True, False)
    >>> is_file_parameter("mapping", "maps/mine.yaml"), is_file_parameter("results_path", "x")
    (True, False)
    """
    if not isinstance(value, str) or not value or value.startswith("demo:"):
        return False
    if name == "results_path":
        return False
    if name.endswith("_path"):
        return True
    if name in FILE_PARAMETERS:
        return value.lower().endswith(_MAPPING_SUFFIXES) or "/" in value or os.sep in value
    return False


def resolve_paths(parameters: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """``parameters`` with every file parameter made absolute against ``base``."""
    out = dict(parameters)
    for name, value in parameters.items():
        if is_file_parameter(name, value):
            path = Path(value).expanduser()
            out[name] = str(path if path.is_absolute() else (base / path).resolve())
    return out


def record_language(record: Mapping[str, Any] | None, where: str = "the record",
                    default: str = "en") -> str:
    """The cycle's language: the record's ``language``, ``default`` (the workbook's
    language, :func:`cycle_language`) when it has none; a language the workbook has no
    words for is a CycleError naming the field and the choices (never a silent English
    page).

    >>> record_language({"language": "zh-CN"}), record_language({})
    ('zh-CN', 'en')
    >>> record_language({}, default="zh-CN")
    'zh-CN'
    >>> record_language({"language": "zh"}, "pdca/c1.yaml")
    Traceback (most recent call last):
    ...
    pdcakit.tracker.record.CycleError: pdca/c1.yaml: language: 'zh' is not one of en, \
zh-CN (en: English, zh-CN: Simplified Chinese); write language: zh-CN for Simplified Chinese
    """
    from pdcakit.run.workbook_settings import language_field

    return language_field((record or {}).get("language"), where, default)


def cycle_language(paths: ProjectPaths, cycle: str) -> str:
    """The language of cycle ``cycle``'s pages and messages: its record's ``language``,
    else the workbook's (``pdca/workbook.yaml``, :mod:`pdcakit.run.workbook_settings`),
    else ``en``.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "pdca").mkdir()
    >>> _ = (root / "pdca" / "c1.yaml").write_text("title: t\\nlanguage: zh-CN")
    >>> cycle_language(ProjectPaths(root), "c1"), cycle_language(ProjectPaths(root), "c2")
    ('zh-CN', 'en')
    >>> _ = (root / "pdca" / "workbook.yaml").write_text("language: zh-CN")
    >>> cycle_language(ProjectPaths(root), "c2")
    'zh-CN'
    """
    from pdcakit.run.workbook_settings import workbook_language

    return record_language(load_record(paths, cycle), f"pdca/{cycle}.yaml",
                           workbook_language(paths))


def _window(value: Any, where: str) -> list[str] | None:
    if value in (None, [], ""):
        return None
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise CycleError(f"{where}: {value!r} must be [first day, day after the last], "
                         "e.g. [2026-01-05, 2026-04-06]")
    return [str(v) for v in plain(list(value))]


def record_facts(record: Mapping[str, Any] | None, stage: str) -> dict[str, Any]:
    """The parameters ``stage`` takes from the record's ``aim`` and ``data`` (module table)."""
    record = record or {}
    aim = record.get("aim") or {}
    data = record.get("data") or {}
    facts: dict[str, Any] = {}
    if data.get("tickets"):
        facts["data_path"] = str(data["tickets"])
    if data.get("mapping"):
        facts["mapping"] = str(data["mapping"])
    before = _window(data.get("before"), "data.before")
    after = _window(data.get("after"), "data.after")
    metric, target = aim.get("metric") or None, aim.get("target")
    # a score aim (csi, tps ...) is compared and watched from its own table: the ticket
    # headline and its target stay the tickets' (the scores sections show the score's)
    ticket_aim = bool(metric) and not is_score_kpi(str(metric))
    if stage == "baseline":
        if before:
            facts["start"], facts["end"] = before
        if ticket_aim:
            facts["headline_kpi"] = str(metric)
            if target is not None:
                facts["target_value"] = float(target)
            if aim.get("direction"):
                facts["target_direction"] = str(aim["direction"])
        # the plan is for the family the Check will adjust over: the compare stage's KPIs
        compare = stage_parameters(dict(record), "compare")
        if isinstance(compare.get("kpis"), list):
            facts["check_kpis"] = list(compare["kpis"])
        if compare.get("multiplicity"):
            facts["check_multiplicity"] = str(compare["multiplicity"])
    elif stage in ("compare", "efficiency"):
        if before and after:
            facts["before"], facts["after"] = before, after
        elif after:
            facts["change_date"] = after[0]
        if stage == "compare" and metric:
            if ticket_aim:
                facts["headline_kpi"] = str(metric)
            if target is not None:
                facts["targets"] = {str(metric): float(target)}
    return facts


#: What a cycle's run gets when neither the record nor the command line says: without a
#: before window the baseline covers the whole export, never the template's demo dates.
_DEFAULTS: dict[str, dict[str, Any]] = {"baseline": {"start": "", "end": ""}}


@dataclass(frozen=True)
class RunRequest:
    """What one stage run will be given, and where each value came from."""

    cycle: str
    stage: str
    parameters: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)  # name -> record field / -p / ...
    notes: tuple[str, ...] = ()


def _merge_stage(facts: dict[str, Any], own: dict[str, Any], record_path: str,
                 stage: str) -> tuple[dict[str, Any], dict[str, str], list[str], list[str]]:
    merged = dict(facts)
    sources = {name: _HOMES.get(name, "record") for name in facts}
    problems: list[str] = []
    notes: list[str] = []
    for name, value in own.items():
        where = f"stages.{stage}.parameters.{name}"
        if name == "targets" and isinstance(value, dict) and isinstance(facts.get(name), dict):
            clash = {k: v for k, v in value.items() if k in facts[name] and v != facts[name][k]}
            if clash:
                problems.append(f"{record_path}: {where} gives {clash} but aim.target says "
                                f"{facts[name]}; keep the aim's target in aim.target only")
            merged[name] = {**value, **facts[name]}
            continue
        if name in facts:
            if plain(value) != plain(facts[name]):
                problems.append(f"{record_path}: {where} is {plain(value)!r} but "
                                f"{_HOMES.get(name, 'the record')} says {plain(facts[name])!r}; "
                                f"keep it in {_HOMES.get(name, 'one place')} only")
            else:
                notes.append(f"{record_path}: {where} repeats {_HOMES.get(name)}; "
                             "it can be removed")
            continue
        if name in ("change_date", "weeks_before", "weeks_after") and "before" in facts:
            notes.append(f"{record_path}: {where} is not used: data.before and data.after "
                         "give the windows")
        merged[name] = value
        sources[name] = where
    return merged, sources, problems, notes


def build_request(paths: ProjectPaths, cycle: str, stage: str, declared: dict[str, ParameterSpec],
                  cli_params: Mapping[str, Any], *, data: str | None = None,
                  base: Path | None = None, extra: Mapping[str, Any] | None = None
                  ) -> RunRequest:
    """Merge the record's facts, its stage parameters, ``extra`` (values the tracker
    derives, such as cycle-log events) and the command line, once.

    Record paths resolve against the workbook root, command-line paths against ``base``
    (default: the current directory, read once here). Only parameters the template
    declares are taken from the record's facts. Values are converted to the declared
    types; every problem is collected, so the caller can list them all at once.
    """
    base = (base or Path.cwd()).resolve()
    record = load_record(paths, cycle)
    if record is not None:
        read_cycle(paths, cycle)  # a record must validate before its run is logged
    record_path = f"pdca/{cycle}.yaml"
    facts = {k: v for k, v in record_facts(record, stage).items() if k in declared}
    own = {k: plain(v) for k, v in stage_parameters(record, stage).items()}
    merged, sources, problems, notes = _merge_stage(facts, own, record_path, stage)
    for name, value in _DEFAULTS.get(stage, {}).items():
        if name in declared and name not in merged:
            merged[name], sources[name] = value, "the default for a cycle"
    try:
        language = cycle_language(paths, cycle)  # the record's, else the workbook's
    except CycleError as exc:
        problems.append(str(exc))
    else:
        own_language = bool(record and record.get("language"))
        if "language" in declared and "language" not in merged \
                and (own_language or language != "en"):
            merged["language"], sources["language"] = language, (
                "language" if own_language else "pdca/workbook.yaml")
    merged = resolve_paths(merged, paths.root)
    for name, value in (extra or {}).items():
        if name in declared:
            merged[name], sources[name] = value, "the cycle log"
    command_line = dict(cli_params)
    if data:
        command_line["data_path"] = data
    for name, value in resolve_paths(command_line, base).items():
        merged[name], sources[name] = value, "the command line"
    if problems:
        raise CycleError("\n".join(problems))
    typed = {name: coerce_value(name, value, declared[name].type_name) if name in declared
             else value for name, value in merged.items()}
    return RunRequest(cycle=cycle, stage=stage, parameters=typed, sources=sources,
                      notes=tuple(notes))
