"""YAML written by people (records, mappings, ``-p`` values), read within bounds.

A few hundred bytes of nested aliases expand to billions of strings (the "billion
laughs"): a mapping or a committed record holding them would hang every teammate's
``pdca list``. Hand-written records and mappings need no anchors or aliases, so they
are refused before anything is built, as is a text above :data:`MAX_BYTES`.

>>> load_bounded("a: [1, 2]", "pdca/x.yaml")
{'a': [1, 2]}
>>> load_bounded("a: &x [1]\\nb: *x", "pdca/x.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: pdca/x.yaml: YAML anchors and aliases (&x / *x) are not accepted here (line 1); ...
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_BYTES", "load_bounded", "refuse_aliases"]

#: The largest YAML text accepted (a record or mapping is a few kilobytes).
MAX_BYTES = 1 << 20


def _loader(base: type) -> type:
    return getattr(yaml, "C" + base.__name__, base) if base is yaml.SafeLoader else base


def refuse_aliases(text: str, what: str) -> None:
    """Raise ValueError naming ``what`` when ``text`` is too large or holds an anchor/alias."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise ValueError(f"{what}: {size:,} bytes of YAML is more than the {MAX_BYTES:,} "
                         "accepted; a record or mapping is a few kilobytes")
    if "&" not in text and "*" not in text:
        return  # no anchor or alias can be in it: skip the scan
    try:
        for token in yaml.scan(text, Loader=_loader(yaml.SafeLoader)):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                line = token.start_mark.line + 1
                raise ValueError(f"{what}: YAML anchors and aliases (&x / *x) are not accepted "
                                 f"here (line {line}); write the values out in full")
    except yaml.YAMLError:
        return  # not valid YAML: the loader that follows reports it with its position


def load_bounded(text: str, what: str, loader: type = yaml.SafeLoader) -> Any:
    """``yaml.load`` with ``loader`` (libyaml's when it is the safe one), after
    :func:`refuse_aliases`."""
    refuse_aliases(text, what)
    return yaml.load(text, Loader=_loader(loader))
