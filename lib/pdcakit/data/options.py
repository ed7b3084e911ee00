"""Loading options a user sets in the mapping YAML or with ``-p`` on a stage run.

Four options are also stage parameters (``pdca run baseline -p on_duplicate keep_first``),
passed straight to :func:`~pdcakit.data.load_tickets`: ``on_duplicate``, ``snapshot``,
``timezone`` and ``dayfirst``. An empty text or None means "not set", so the mapping's
value applies. Every message that names a fix says where to set it with :func:`how_to_set`.

>>> how_to_set("on_duplicate", "keep_first")
'add on_duplicate: keep_first to the mapping YAML, or run with -p on_duplicate keep_first'
>>> how_to_set("date_format", "'%d/%m/%Y'")
"add date_format: '%d/%m/%Y' to the mapping YAML"
>>> parse_flag("No", "dayfirst"), parse_flag(True, "dayfirst")
(False, True)
"""

from __future__ import annotations

from typing import Any

from .errors import DataError
from .names import closest_names

__all__ = ["FALSE_WORDS", "ON_DUPLICATE", "STAGE_OPTIONS", "TRUE_WORDS", "how_to_set",
           "is_unset", "parse_flag", "parse_on_duplicate"]

STAGE_OPTIONS: tuple[str, ...] = ("on_duplicate", "snapshot", "timezone", "dayfirst")
ON_DUPLICATE: tuple[str, ...] = ("error", "keep_first", "keep_last")
TRUE_WORDS: tuple[str, ...] = ("true", "yes", "y", "on", "1")
FALSE_WORDS: tuple[str, ...] = ("false", "no", "n", "off", "0")


def is_unset(value: Any) -> bool:
    """None or an empty / blank text: the option is not set.

    >>> is_unset(""), is_unset(None), is_unset(False)
    (True, True, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


def how_to_set(key: str, example: str) -> str:
    """Where a user sets loading option ``key``: the mapping key, and the ``-p`` flag for the
    options the stages take as parameters."""
    text = f"add {key}: {example} to the mapping YAML"
    if key in STAGE_OPTIONS:
        text += f", or run with -p {key} {example}"
    return text


def parse_flag(value: Any, key: str, label: str = "") -> bool:
    """A yes/no option as the user means it: YAML booleans, and the texts true/false,
    yes/no, y/n, on/off, 1/0 in any case. Anything else is a :class:`DataError`.

    >>> parse_flag("maybe", "dayfirst", "m.yaml")
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: m.yaml: dayfirst must be true or false, got 'maybe'. \
Fix: add dayfirst: true to the mapping YAML, or run with -p dayfirst true (or false).
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = str(value).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise DataError(f"{key} must be true or false, got {value!r}", file=label or "mapping",
                    fix=how_to_set(key, "true") + " (or false)")


def parse_on_duplicate(value: Any, label: str = "") -> str:
    """``error`` (default when unset), ``keep_first`` or ``keep_last``; anything else is a
    :class:`DataError` naming the choices and the closest one.

    >>> parse_on_duplicate(""), parse_on_duplicate("Keep_Last")
    ('error', 'keep_last')
    """
    if is_unset(value):
        return "error"
    word = str(value).strip().casefold().replace("-", "_").replace(" ", "_")
    if word in ON_DUPLICATE:
        return word
    close = closest_names(str(value), list(ON_DUPLICATE))
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise DataError(f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}, got {value!r}",
                    file=label or "mapping",
                    fix=f"{hint}{how_to_set('on_duplicate', 'keep_first')} (keep_first keeps "
                        "the first row of each repeated id, keep_last the last, error stops)")
