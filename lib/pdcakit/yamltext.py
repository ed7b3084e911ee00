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
pdcakit.errors.UsageError: pdca/x.yaml: YAML anchors and aliases (&x / *x) are not accepted ...
"""

from __future__ import annotations

from typing import Any

import yaml

from pdcakit.errors import UsageError

__all__ = ["MAX_BYTES", "load_bounded", "refuse_aliases"]

#: The largest YAML text accepted (a record or mapping is a few kilobytes).
MAX_BYTES = 1 << 20


def _with_dated_errors(base: type) -> type:
    """``base`` whose impossible dates (2026-13-01) are errors naming line and column,
    not a bare "month must be in 1..12"."""

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_yaml_timestamp(self, node: Any) -> Any:
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{node.value!r} is not a date that exists ({exc}); write "
                    "YYYY-MM-DD", node.start_mark) from None

    Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
    return Loader


_LOADERS: dict[type, type] = {}


def _loader(base: type) -> type:
    fast = getattr(yaml, "C" + base.__name__, base) if base is yaml.SafeLoader else base
    if fast not in _LOADERS:
        _LOADERS[fast] = _with_dated_errors(fast)
    return _LOADERS[fast]


def refuse_aliases(text: str, what: str) -> None:
    """Raise ValueError naming ``what`` when ``text`` is too large or holds an anchor/alias."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_BYTES:
        raise UsageError(f"{what}: {size:,} bytes of YAML is more than the {MAX_BYTES:,} "
                         "accepted; a record or mapping is a few kilobytes")
    if "&" not in text and "*" not in text:
        return  # no anchor or alias can be in it: skip the scan
    try:
        for token in yaml.scan(text, Loader=_loader(yaml.SafeLoader)):
            if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
                line = token.start_mark.line + 1
                raise UsageError(f"{what}: YAML anchors and aliases (&x / *x) are not accepted "
                                 f"here (line {line}); write the values out in full")
    except yaml.YAMLError:
        return  # not valid YAML: the loader that follows reports it with its position


def load_bounded(text: str, what: str, loader: type = yaml.SafeLoader) -> Any:
    """``yaml.load`` with ``loader`` (libyaml's when it is the safe one), after
    :func:`refuse_aliases`."""
    refuse_aliases(text, what)
    return yaml.load(text, Loader=_loader(loader))
