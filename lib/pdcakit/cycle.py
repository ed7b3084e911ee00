"""The PDCA cycle record: one human-edited YAML file per cycle in ``pdca/``.

This module reads a record and the stage parameters it holds; the runner
merges those with parameters given on the command line (which win).

A minimal record::

    id: email-first-response
    title: Faster first response on email
    stages:
      baseline:
        parameters:
          data_path: data/demo/tickets.csv   # relative to the project root

>>> stage_parameters({"stages": {"baseline": {"parameters": {"alpha": 0.1}}}}, "baseline")
{'alpha': 0.1}
"""

from __future__ import annotations

from typing import Any

import yaml

from .project import ProjectPaths, check_cycle_id

__all__ = ["CycleError", "load_record", "stage_parameters"]


class CycleError(ValueError):
    """A cycle record that cannot be read or does not follow the schema."""


def load_record(paths: ProjectPaths, cycle_id: str) -> dict[str, Any] | None:
    """Read ``pdca/<cycle_id>.yaml`` safely; None when the cycle has no record yet."""
    path = paths.record(check_cycle_id(cycle_id))
    if not path.exists():
        return None
    try:
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CycleError(f"{path}: not valid YAML ({exc}); fix the file by hand") from exc
    if not isinstance(record, dict):
        raise CycleError(f"{path}: a cycle record must be a mapping of fields")
    if record.get("id") not in (None, cycle_id):
        raise CycleError(f"{path}: its id {record.get('id')!r} differs from the file name")
    return record


def stage_parameters(record: dict[str, Any] | None, stage: str) -> dict[str, Any]:
    """The notebook parameters a record fixes for ``stage`` (empty when none)."""
    if not record:
        return {}
    stage_block = (record.get("stages") or {}).get(stage) or {}
    params = stage_block.get("parameters") or {}
    if not isinstance(params, dict):
        raise CycleError(f"cycle {record.get('id')!r}: stages.{stage}.parameters must be a mapping")
    return dict(params)

