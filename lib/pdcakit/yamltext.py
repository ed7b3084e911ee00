"""YAML written by people (records, mappings, ``-p`` values), read within bounds.

A few hundred bytes of nested aliases expand to billions of strings (the "billion
laughs"): a mapping or a committed record holding them would hang every teammate's
``pdca list``. Hand-written records and mappings need no anchors or aliases, so they
are refused before anything is built, as is a text above :data:`MAX_BYTES`.

A key written twice in one mapping (``created_at:`` on line 3 and again on line 7) is a
:class:`DuplicateKeyError` naming both lines: YAML itself lets the second win silently, so a
mapping or record edited by hand could mean two things at once.

>>> load_bounded("a: [1, 2]", "pdca/x.yaml")
{'a': [1, 2]}
>>> load_bounded("a: &x [1]\\nb: *x", "pdca/x.yaml")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
pdcakit.errors.UsageError: pdca/x.yaml: YAML anchors and aliases (&x / *x) are not accepted ...
>>> load_bounded("stage: plan\\nowner: Li\\nstage: act", "pdca/c1.yaml")
Traceback (most recent call last):
...
pdcakit.yamltext.DuplicateKeyError: pdca/c1.yaml: the key 'stage' is written twice, on line 1 \
and on line 3 (YAML would keep the second silently); keep one of them
"""

from __future__ import annotations

from typing import Any

import yaml

from pdcakit.errors import UsageError

__all__ = ["MAX_BYTES", "DuplicateKeyError", "load_bounded", "refuse_aliases"]

#: The largest YAML text accepted (a record or mapping is a few kilobytes).
MAX_BYTES = 1 << 20


class DuplicateKeyError(UsageError):
    """A key written twice in one YAML mapping; the message names the key and both lines."""

    def __init__(self, what: str, key: Any, first: int, second: int) -> None:
        self.key, self.lines = key, (first, second)
        where = f"on line {first}" if first == second else f"on line {first} and on line {second}"
        super().__init__(f"{what}: the key {key!r} is written twice, {where} (YAML would keep "
                         "the second silently); keep one of them")


class _RepeatedKey(Exception):
    """Raised inside the loader (which does not know ``what``), re-raised as
    :class:`DuplicateKeyError` by :func:`load_bounded`."""

    def __init__(self, key: Any, first: int, second: int) -> None:
        super().__init__(key, first, second)
        self.key, self.first, self.second = key, first, second


def _with_dated_errors(base: type) -> type:
    """``base`` whose impossible dates (2026-13-01) are errors naming line and column,
    not a bare "month must be in 1..12", and whose repeated keys are refused."""

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise _RepeatedKey(key, seen[key], line)
                    seen[key] = line
                except TypeError:   # an unhashable key: the base loader reports it
                    continue
            return super().construct_mapping(node, deep=deep)

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
    try:
        return yaml.load(text, Loader=_loader(loader))
    except _RepeatedKey as exc:
        raise DuplicateKeyError(what, exc.key, exc.first, exc.second) from None
