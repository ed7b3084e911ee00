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
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["ParameterError", "ParameterSpec", "coerce_parameters", "coerce_value",
           "declared_parameters"]

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


class ParameterError(ValueError):
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

    found = papermill.inspect_notebook(str(template))
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
            parsed = yaml.safe_load(text) if text else ([] if kind != "dict" else {})
            if kind == "list" and not isinstance(parsed, list):
                parsed = [p.strip() for p in text.split(",") if p.strip()]
            if kind == "dict" and not isinstance(parsed, dict):
                raise ValueError(text)
            return parsed
    except (ValueError, yaml.YAMLError) as exc:
        raise ParameterError(
            f"parameter {name!r} expects {type_name}, got {value!r}"
            + (" (use true or false)" if kind == "bool" else "")
        ) from exc
    return yaml.safe_load(text) if text else value


def coerce_parameters(
    values: dict[str, Any], declared: dict[str, ParameterSpec]
) -> dict[str, Any]:
    """Check names against ``declared`` (suggesting close names) and coerce each value."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        spec = declared.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(declared), n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise ParameterError(
                f"unknown parameter {name!r}.{hint} The notebook accepts: "
                f"{', '.join(sorted(declared))}"
            )
        out[name] = coerce_value(name, value, spec.type_name)
    return out
