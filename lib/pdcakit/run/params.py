"""Notebook parameters: read what a template declares, and coerce command-line text to it.

Papermill injects any name it is given, even a misspelt one, and its ``-p``
guesses types from the text (``007`` becomes 7, ``true`` stays a string).
Here every value is checked against the template's parameters cell and
converted to the declared type, so a typo or a wrong type fails before the
kernel starts.

>>> coerce_value("alpha", "0.01", "float")
0.01
>>> coerce_value("kpis", "[fcr, aht]", "list")
['fcr', 'aht']
>>> coerce_value("before", "[2023-01-01, 2024-01-01]", "list")  # dates stay as written
['2023-01-01', '2024-01-01']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pdcakit.errors import PdcaError
from pdcakit.suggest import did_you_mean
from pdcakit.yamltext import load_bounded

__all__ = ["ParameterError", "ParameterSpec", "coerce_parameters", "coerce_value",
           "declared_parameters", "load_text", "parameter_problems", "plain"]

_TRUE = {"true", "yes", "y", "1", "on"}


class _TextDates(yaml.SafeLoader):
    """YAML as users type it on a command line, with dates kept as the text they wrote.

    ``[2023-01-01, 2024-01-01]`` stays two strings (notebook parameters hold dates as
    text), where the plain safe loader makes ``datetime.date`` objects that neither
    papermill's JSON nor a notebook's string handling accept.
    """


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_text(text: str) -> Any:
    """Parse a ``-p`` value as YAML, dates kept as text (see :class:`_TextDates`).

    >>> load_text("{fcr: 0.74, since: 2026-04-06}")
    {'fcr': 0.74, 'since': '2026-04-06'}
    """
    return load_bounded(text, "a -p value", _TextDates)


def plain(value: Any) -> Any:
    """``value`` with dates and times written as ISO text, in lists and dicts too.

    Cycle records are YAML, where ``before: [2026-01-05, 2026-04-06]`` loads as dates;
    notebook parameters take them as text.

    >>> plain({"before": [dt.date(2026, 1, 5)], "n": 3})
    {'before': ['2026-01-05'], 'n': 3}
    """
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
_FALSE = {"false", "no", "n", "0", "off"}


class ParameterError(PdcaError, ValueError):
    """A parameter name or value that the notebook template does not accept."""


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a template: name, declared type, default (as source text), help."""

    name: str
    type_name: str
    default: str
    help: str


def declared_parameters(template: str | Path) -> dict[str, ParameterSpec]:
    """The parameters a template declares in its ``parameters`` cell (via papermill)."""
    import papermill

    try:
        found = papermill.inspect_notebook(str(template))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # nbformat's NotJSONError and validation errors, JSON that is no notebook
        why = " ".join(str(exc).split())[:160]
        raise ParameterError(f"{template}: not a notebook that can be read ({why}). Fix: "
                             "restore it from git, or delete it to run the installed "
                             "template") from None
    return {
        name: ParameterSpec(
            name=name,
            type_name=str(info.get("inferred_type_name") or "None"),
            default=str(info.get("default")),
            help=str(info.get("help") or ""),
        )
        for name, info in found.items()
    }


def coerce_value(name: str, value: Any, type_name: str) -> Any:
    """Convert ``value`` (usually command-line text) to the declared ``type_name``."""
    if not isinstance(value, str):
        value = plain(value)
        kind = type_name.lower().split("[")[0]
        if kind == "str" and isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # e.g. a record's `snapshot: 2026` or an id written as a number
        return value
    text = value.strip()
    kind = type_name.lower().split("[")[0]
    try:
        if kind == "str":
            return value
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
        if kind in ("list", "dict", "tuple"):
            parsed = load_text(text) if text else ([] if kind != "dict" else {})
            if kind == "list" and not isinstance(parsed, list):
                parsed = [p.strip() for p in text.split(",") if p.strip()]
            if kind == "dict" and not isinstance(parsed, dict):
                raise ValueError(text)
            return parsed
    except RecursionError:
        raise ParameterError(f"parameter {name!r}: nested too deep (lists or mappings "
                             "inside one another hundreds of levels); write the values "
                             "out flat, e.g. [fcr, aht]") from None
    except (ValueError, yaml.YAMLError) as exc:
        shown = value if len(value) <= 80 else value[:77] + "..."
        why = (str(exc).split(": ", 1)[-1] if "aliases" in str(exc) or "bytes" in str(exc)
               or "written twice" in str(exc) else "")
        raise ParameterError(
            f"parameter {name!r} expects {type_name}, got {shown!r}"
            + (" (use true or false)" if kind == "bool" else "")
            + (f": {why}" if why else "")
        ) from exc
    return load_text(text) if text else value


def parameter_problems(values: dict[str, Any], declared: dict[str, ParameterSpec]) -> list[str]:
    """Every unknown name and ill-typed value in ``values``, each with its fix.

    >>> spec = {"alpha": ParameterSpec("alpha", "float", "0.05", "")}
    >>> parameter_problems({"alhpa": "0.1", "alpha": "x"}, spec)  # doctest: +NORMALIZE_WHITESPACE
    ["unknown parameter 'alhpa'. Did you mean 'alpha'? The notebook accepts: alpha",
     "parameter 'alpha' expects float, got 'x'"]
    """
    problems: list[str] = []
    for name, value in values.items():
        spec = declared.get(name)
        if spec is None:
            close = did_you_mean(name, declared, n=3)
            hint = f" {close[0].upper()}{close[1:]}" if close else ""
            problems.append(f"unknown parameter {name!r}.{hint} The notebook accepts: "
                            f"{', '.join(sorted(declared))}")
            continue
        try:
            typed = coerce_value(name, value, spec.type_name)
        except ParameterError as exc:
            problems.append(str(exc))
            continue
        if name == "language":
            problems.extend(_language_problems(typed))
    return problems


def _language_problems(value: Any) -> list[str]:
    """A ``language`` the workbook has no words for, named with the choices, before any
    kernel starts (the notebook would otherwise stop in its first cell).

    >>> _language_problems("zh-CN"), _language_problems("zh")  # doctest: +ELLIPSIS
    ([], ["parameter 'language': 'zh' is not one of en, zh-CN (...); write en or zh-CN"])
    """
    from pdcakit.words import check_language

    try:
        check_language(value)
    except ValueError as exc:
        return [f"parameter 'language'{str(exc).removeprefix('language')}; write en or zh-CN"]
    return []


def coerce_parameters(
    values: dict[str, Any], declared: dict[str, ParameterSpec]
) -> dict[str, Any]:
    """Check names against ``declared`` (suggesting close names) and coerce each value;
    ParameterError lists every problem at once."""
    problems = parameter_problems(values, declared)
    if problems:
        raise ParameterError("\n".join(problems))
    return {name: coerce_value(name, value, declared[name].type_name)
            for name, value in values.items()}
