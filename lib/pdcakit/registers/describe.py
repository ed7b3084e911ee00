"""What a register export holds, in a few lines: what ``pdca check-data`` prints for a
feedback export or a complaint register instead of reading it as tickets.

A register is told from its mapping: a mapping that names a ``step``, ``at``, ``deadline``,
``owner`` or ``closed_at`` column (or says ``table: complaints``) is a complaint register;
one that names ``text`` or ``class`` (or says ``table: feedback``) a feedback export.

>>> register_of({"columns": {"id": "编号", "step": "环节", "at": "时间"}})
'complaints'
>>> register_of({"columns": {"text": "内容"}}), register_of(None)
('feedback', None)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

__all__ = ["RegisterSummary", "describe_register", "register_of"]

_COMPLAINT_COLUMNS = frozenset({"step", "at", "deadline", "owner", "closed_at", "outcome",
                                "repeat_of"})
_FEEDBACK_COLUMNS = frozenset({"text", "class"})
REGISTERS = ("feedback", "complaints")


def _raw_mapping(mapping: Any) -> Mapping[str, Any]:
    """The mapping's own dictionary (a dict, or a YAML file's), without reading it as a
    ticket mapping (that would refuse a register's columns)."""
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, str | os.PathLike) and str(mapping).endswith((".yaml", ".yml")) \
            and os.path.isfile(mapping):
        from pdcakit.yamltext import load_bounded

        with open(mapping, encoding="utf-8") as handle:
            loaded = load_bounded(handle.read(), str(mapping))
        return loaded if isinstance(loaded, Mapping) else {}
    return {}


def register_of(mapping: Any) -> str | None:
    """``"complaints"``, ``"feedback"`` or None (a ticket export), from the mapping."""
    raw = _raw_mapping(mapping)
    table = str(raw.get("table") or "")
    if table in REGISTERS:
        return table
    columns = raw.get("columns") if isinstance(raw.get("columns"), Mapping) else {}
    named = set(columns)
    if named & _COMPLAINT_COLUMNS:
        return "complaints"
    if named & _FEEDBACK_COLUMNS:
        return "feedback"
    return None


@dataclass(frozen=True)
class RegisterSummary:
    """A register export read through its loader: what it holds, and its warnings."""

    register: str
    file: str
    rows: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    open_cases: int | None
    classed: int | None
    warnings: tuple[str, ...]

    def lines(self) -> list[str]:
        """The summary as ``pdca check-data`` prints it."""
        span = (f", received {self.first:%Y-%m-%d} to {self.last:%Y-%m-%d}"
                if self.first is not None and self.last is not None else "")
        if self.register == "complaints":
            head = (f"{self.file}: a complaint register, {self.rows:,} case(s) "
                    f"({self.open_cases:,} still open){span}.")
        else:
            head = (f"{self.file}: a feedback export, {self.rows:,} item(s){span}; the "
                    f"export's own class on {self.classed:,} of them.")
        return [head, *(f"warning: {w}" for w in self.warnings)]

    def as_dict(self) -> dict[str, Any]:
        return {"register": self.register, "file": self.file, "rows": self.rows,
                "first": None if self.first is None else str(self.first),
                "last": None if self.last is None else str(self.last),
                "open_cases": self.open_cases, "classed": self.classed,
                "warnings": list(self.warnings)}


def describe_register(path: str | os.PathLike[str], mapping: Any, register: str,
                      **options: Any) -> RegisterSummary:
    """Read ``path`` as ``register`` (its loader's checks and errors) and sum it up."""
    from pdcakit.registers.loading import load_complaints, load_feedback

    mapping = _without_table(mapping)
    if register == "complaints":
        frame = load_complaints(path, mapping, **options)
    elif register == "feedback":
        frame = load_feedback(path, mapping, **options)
    else:
        raise ValueError(f"register {register!r}: use one of {', '.join(REGISTERS)}")
    received = frame["received_at"].dropna() if "received_at" in frame else pd.Series([])
    return RegisterSummary(
        register, str(path), len(frame),
        received.min() if len(received) else None, received.max() if len(received) else None,
        int(frame["is_open"].sum()) if "is_open" in frame else None,
        int(frame["class"].notna().sum()) if "class" in frame else 0,
        tuple(frame.attrs.get("warnings") or ()))


def _without_table(mapping: Any) -> Any:
    """The mapping without its ``table:`` line (a register's loader does not take it)."""
    raw = _raw_mapping(mapping)
    if "table" in raw:
        return {k: v for k, v in raw.items() if k != "table"}
    return mapping
