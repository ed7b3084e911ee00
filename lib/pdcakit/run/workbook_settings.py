"""The workbook's own settings: ``pdca/workbook.yaml``, written by ``pdca init --language``
and edited by hand. Today it holds one setting, ``language`` (``en`` or ``zh-CN``): the
language of the portfolio, of ``pdca status`` and ``pdca list``, of the record ``pdca new``
writes, and of every cycle whose record has no ``language:`` of its own.

A workbook without the file is English. A value the workbook has no words for is an error
naming the file, the field and the choices, as a record's ``language:`` is
(:func:`language_field`): never a silent English page.

>>> import tempfile, pathlib
>>> from pdcakit.run.project import ProjectPaths
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> (root / "pdca").mkdir()
>>> workbook_language(ProjectPaths(root))
'en'
>>> _ = (root / SETTINGS_FILE).write_text("language: zh-CN  # 简体中文\\n")
>>> workbook_language(ProjectPaths(root))
'zh-CN'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import CycleError
from pdcakit.words import LANGUAGES

__all__ = ["SETTINGS_FILE", "language_field", "read_settings", "settings_path",
           "workbook_language"]

#: The settings file, relative to the workbook root.
SETTINGS_FILE = "pdca/workbook.yaml"
#: The settings the file may hold (a misspelt key is named, not ignored).
_KNOWN = ("language",)


def language_field(value: Any, where: str, default: str = "en") -> str:
    """``value`` of a ``language:`` field when it is one of :data:`pdcakit.words.LANGUAGES`
    (``default`` when empty); a CycleError naming ``where``, the field and the choices
    otherwise.

    >>> language_field("zh-CN", "pdca/workbook.yaml"), language_field(None, "x", "zh-CN")
    ('zh-CN', 'zh-CN')
    >>> language_field("zh", "pdca/c1.yaml")
    Traceback (most recent call last):
    ...
    pdcakit.tracker.record.CycleError: pdca/c1.yaml: language: 'zh' is not one of en, \
zh-CN (en: English, zh-CN: Simplified Chinese); write language: zh-CN for Simplified Chinese
    """
    if value in (None, ""):
        return default
    if not isinstance(value, str) or value not in LANGUAGES:
        names = ", ".join(f"{code}: {name}" for code, (_, _, name) in LANGUAGES.items())
        raise CycleError(f"{where}: language: {value!r} is not one of {', '.join(LANGUAGES)} "
                         f"({names}); write language: zh-CN for Simplified Chinese")
    return value


def settings_path(paths: ProjectPaths) -> Path:
    """Where the workbook's settings live (the file may not exist)."""
    return paths.root / SETTINGS_FILE


def read_settings(paths: ProjectPaths) -> dict[str, Any]:
    """The settings file as a mapping (empty when there is none); a file that is not a
    mapping of known settings is a CycleError naming the file and the fix."""
    from pdcakit.tracker.record import read_record_text
    from pdcakit.yamltext import load_bounded

    path = settings_path(paths)
    if not path.exists() and not path.is_symlink():
        return {}
    text = read_record_text(path)
    try:
        found = load_bounded(text, SETTINGS_FILE)
    except (yaml.YAMLError, ValueError) as exc:
        raise CycleError(f"{SETTINGS_FILE}: not valid YAML ({exc}); fix the file by hand, "
                         "e.g. one line language: zh-CN") from None
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise CycleError(f"{SETTINGS_FILE}: it must be a mapping of settings, e.g. one line "
                         f"language: zh-CN (it holds {type(found).__name__} {found!r})")
    unknown = [str(k) for k in found if k not in _KNOWN]
    if unknown:
        raise CycleError(f"{SETTINGS_FILE}: unknown setting(s) {', '.join(unknown)}; the "
                         f"file holds only {', '.join(_KNOWN)} (e.g. language: zh-CN)")
    return dict(found)


def workbook_language(paths: ProjectPaths) -> str:
    """The workbook's language: ``language:`` in ``pdca/workbook.yaml``, ``en`` without it."""
    return language_field(read_settings(paths).get("language"), SETTINGS_FILE)
