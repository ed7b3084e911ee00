"""Mappings: how a real export's columns and values map onto the canonical schema.

A mapping is written once per export format (a YAML file, a dict in a
notebook parameter, or a preset shipped in ``pdcakit/presets/``) and says
which source column holds each canonical column, how its dates are written
and how its yes/no and category values are spelt.

Example
-------
>>> m = load_mapping({"columns": {"id": "Ticket No", "created_at": "Opened"},
...                   "date_format": "%d/%m/%Y %H:%M", "true_values": ["Ja"]})
>>> m.columns["created_at"], m.date_format, m.true_values
('Opened', '%d/%m/%Y %H:%M', ('Ja',))
>>> load_mapping("zh_helpdesk").encoding
'gb18030'
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError
from .inputs import is_demo, resolve_input
from .names import closest_names, column_letter, describe_columns, normalize_name
from .options import how_to_set, is_unset, parse_flag, parse_on_duplicate
from .schema import TableSchema

__all__ = ["DEFAULT_NA_VALUES", "PRESET_DIR", "SCORED_KEYS", "Mapping", "Resolved",
           "expected_names", "list_presets", "load_mapping", "mapping_content",
           "resolve_columns", "resolve_sources", "source_names", "untranslated_values"]

#: The keys only a survey, audit or mystery-shopper mapping has (pdcakit.data.surveys).
SCORED_KEYS = ("table", "questions", "scales")

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"

# "NA-like" cell texts (after trimming spaces). An empty cell is always missing. These texts
# are read as missing in number, date and yes/no columns, with a warning naming the column
# and count; in id, text and category columns they stay values (NA = North America, "None"
# a category), unless the mapping's na_values lists them.
DEFAULT_NA_VALUES: tuple[str, ...] = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "Null",
                                      "None", "none", "NaN", "nan", "NaT", "-", "--")


@dataclass(frozen=True)
class Mapping:
    """How one export's columns, dates and values map onto the canonical schema.

    Attributes
    ----------
    columns : dict
        Canonical name -> source column name. Columns that already carry a
        canonical name (ignoring case, spaces and dashes) need no entry. A list of
        source columns takes, row by row, the first non-empty cell among them:
        ``resolved_at: [resolved_at, closed_at]`` reads a case closed without a
        resolution time as resolved when it was closed (the loader's warnings count
        the cells each fallback filled).
    date_format : str, optional
        ``strptime`` format of the export's timestamps (e.g. ``"%d/%m/%Y %H:%M"``);
        guessed from the values when omitted. ISO 8601 values are always accepted.
    dayfirst : bool
        Read ambiguous dates like ``05/01/2026`` as 5 January when guessing.
    timezone : str, optional
        Time zone (e.g. ``"Europe/London"``) of the export: naive timestamps are local
        times in it, offsets are converted into it, and the timestamp columns are
        time-zone-aware (durations across a clock change are true). When omitted,
        timestamps are naive: offsets converted to UTC, naive ones kept.
    encoding, delimiter, sheet, header_row :
        Reading options (see :func:`pdcakit.data.read_table`).
    true_values, false_values : tuple of str
        Extra spellings of yes / no (case-insensitive), added to the built-in
        true/false, yes/no, y/n, 1/0, 是/否.
    values : dict
        Per canonical column, source value -> canonical value (recoding of
        categories, e.g. ``{"channel": {"电话": "phone"}}``).
    na_values : tuple of str
        Cell texts that mean "missing" in every column, besides an empty cell. Without
        them, the NA-like texts of :data:`DEFAULT_NA_VALUES` (``NA``, ``N/A``, ``NULL``,
        ``None``, ``-`` ...) are missing only in number, date and yes/no columns (with a
        warning naming the column and count) and stay values in id, text and category
        columns.
    decimal : str
        Decimal mark of numbers (``","`` for ``8,3``).
    name : str
        Where the mapping came from (preset name or file), for messages.
    on_duplicate : {"error", "keep_first", "keep_last"}
        What loading tickets does with rows repeating an ``id``: stop with an error
        naming them (default), or keep the first / the last row of each id.
    snapshot : str, optional
        When the export was taken (``"2026-07-06 00:00"``): the time open tickets are
        censored at. Inferred from the latest timestamp in the file when omitted.
    lenient_quotes : bool
        Keep a quoted value that runs over lines looking like rows (a stray ``"``) as one
        value, with a note naming the lines, instead of stopping (see
        :func:`~pdcakit.data.read_table`).

    ``dayfirst`` takes YAML booleans and the texts true/false, yes/no, on/off, 1/0;
    ``on_duplicate``, ``snapshot``, ``timezone`` and ``dayfirst`` can also be given to
    :func:`~pdcakit.data.load_tickets` (and with ``-p`` to a stage run), where an empty
    text means "use the mapping's value".
    """

    columns: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    date_format: str | None = None
    dayfirst: bool = False
    timezone: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int | None = None
    header_row: int | None = None
    true_values: tuple[str, ...] = ()
    false_values: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    na_values: tuple[str, ...] = ()
    decimal: str = "."
    name: str = ""
    on_duplicate: str = "error"
    snapshot: str | None = None
    lenient_quotes: bool = False

    @property
    def label(self) -> str:
        """``the mapping 'zh_helpdesk'`` (or ``the mapping``), for messages."""
        return f"the mapping {self.name!r}" if self.name else "the mapping"

    def replace(self, **changes: Any) -> Mapping:
        """A copy with some fields changed (``None`` or ``""`` leave a field as it is).

        ``columns`` and ``values`` given as dicts are added to the mapping's
        own entries (and win over them); other fields are replaced.

        >>> Mapping(encoding="gb18030").replace(encoding=None, dayfirst=True).encoding
        'gb18030'
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            allowed = ", ".join(sorted(f.name for f in dataclasses.fields(self)))
            raise TypeError(f"unknown option(s) {sorted(unknown)}; options are: {allowed}")
        changes = {k: v for k, v in changes.items() if not is_unset(v)}
        if not changes:
            return self
        for key in ("columns", "values"):  # dict options add to the mapping's entries
            if isinstance(changes.get(key), MappingABC):
                changes[key] = {**getattr(self, key), **changes[key]}
        merged = {**dataclasses.asdict(self), **changes}
        return _from_dict(merged, self.name)


def list_presets() -> list[str]:
    """Names of the presets shipped in ``pdcakit/presets/``."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.yaml"))


def load_mapping(spec: Mapping | MappingABC[str, Any] | str | os.PathLike[str] | None
                 ) -> Mapping:
    """Build a :class:`Mapping` from None, a dict, a YAML file or a preset name.

    Parameters
    ----------
    spec : None, Mapping, dict, path or str
        ``None`` -> no renaming. A dict with the keys of :class:`Mapping`
        (``columns``, ``date_format``, ``encoding``, ``true_values``, ...).
        A path to a ``.yaml``/``.yml`` file holding such a dict (``demo:NAME`` for a
        bundled demo file, see :func:`~pdcakit.data.resolve_input`). A preset name
        such as ``"zh_helpdesk"`` (``pdcakit/presets/<name>.yaml``).

    Raises
    ------
    DataError
        Unknown preset, unreadable YAML, unknown keys, wrongly typed values.

    Examples
    --------
    >>> load_mapping(None).columns
    {}
    >>> load_mapping({"columns": {"id": "Ticket"}}).columns
    {'id': 'Ticket'}
    """
    if spec is None:
        return Mapping()
    if isinstance(spec, Mapping):
        return spec
    if isinstance(spec, MappingABC):
        return _from_dict(dict(spec), "")
    if isinstance(spec, str | os.PathLike):
        content, label = mapping_content(spec)
        return _from_dict(content, label)
    raise TypeError(f"mapping must be None, a dict, a path or a preset name, "
                    f"not {type(spec).__name__}")


def mapping_content(spec: MappingABC[str, Any] | str | os.PathLike[str] | None
                    ) -> tuple[dict[str, Any], str]:
    """The raw dictionary a mapping spec holds, and its label for messages, before any
    key is checked: a dict as given, a YAML file's content, a preset's content.

    Used by mappings with keys of their own (the survey, audit and mystery-shopper
    mappings of :mod:`pdcakit.data.surveys`), which check their keys and pass the rest
    to :func:`load_mapping`.

    >>> mapping_content({"columns": {"id": "No"}})
    ({'columns': {'id': 'No'}}, '')
    >>> sorted(mapping_content("en_survey")[0])[:3]
    ['columns', 'date_format', 'questions']
    """
    if spec is None:
        return {}, ""
    if isinstance(spec, MappingABC):
        return dict(spec), ""
    if not isinstance(spec, str | os.PathLike):
        raise TypeError(f"mapping must be None, a dict, a path or a preset name, "
                        f"not {type(spec).__name__}")
    text = str(spec)
    path = resolve_input(text) if is_demo(text) else Path(text)
    is_file_like = path.suffix.lower() in (".yaml", ".yml") or os.sep in text or "/" in text
    if not path.is_file():
        preset = PRESET_DIR / f"{text}.yaml"
        if not is_file_like and preset.is_file():
            path = preset
        elif is_file_like:
            raise DataError("mapping file not found", file=text,
                            fix="check the path, or give a preset name "
                                f"({', '.join(list_presets()) or 'none installed'})")
        else:
            close = closest_names(text, list_presets())
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataError(f"no mapping file or preset named {text!r}", file=text,
                            fix=f"{hint}presets: {', '.join(list_presets()) or 'none'}; "
                                "or give a path to a .yaml file or a dict")
    return _yaml_content(path, label=text), text


@functools.cache
def _yaml_loader() -> type:
    """A safe YAML loader reading only true/false as booleans (YAML 1.2), so a column
    named ``No`` or a value ``yes`` stays the text the user wrote."""
    import yaml

    bool_tag = "tag:yaml.org,2002:bool"

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != bool_tag]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                 list("tTfF"))
    return Loader


def _yaml_content(path: Path, label: str) -> dict[str, Any]:
    """A mapping YAML file's content as a dictionary (bounded, UTF-8, no aliases)."""
    import yaml

    from ..yamltext import MAX_BYTES, DuplicateKeyError, load_bounded

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError(f"the mapping YAML is {size:,} bytes, more than the {MAX_BYTES:,} "
                            "accepted", file=label,
                            fix="a mapping is a few kilobytes: check that this is the mapping "
                                "file and not an export")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        content = load_bounded(raw.decode("utf-8-sig"), label, loader=_yaml_loader())
    except DataError:
        raise
    except DuplicateKeyError as exc:
        raise DataError(str(exc).removeprefix(f"{label}: ").split(";")[0], file=label,
                        fix=f"keep one {exc.key!r} entry (the one you mean) and delete the "
                            "other") from None
    except ValueError as exc:  # load_bounded: too large, or anchors and aliases
        if isinstance(exc, UnicodeDecodeError):
            raise DataError(f"cannot read the mapping YAML as UTF-8 ({exc})", file=label,
                            fix="save the mapping file as UTF-8") from exc
        raise DataError(str(exc).removeprefix(f"{label}: "), file=label,
                        fix="write the values out in full (no &anchors or *aliases)") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read the mapping YAML ({exc})", file=label,
                        fix="check the YAML syntax (indentation, colons, quotes)") from exc
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise DataError("the mapping YAML must be a dictionary (keys columns, date_format, "
                        "...)", file=label, fix="start the file with 'columns:'")
    return content


def _strings(value: Any, key: str, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float | bool):
        value = [value]
    if not isinstance(value, list | tuple | set):
        raise DataError(f"{key} must be a list of texts, got {type(value).__name__}",
                        file=label or "mapping", fix=f"write {key}: [yes, Ja]")
    return tuple(_yaml_text(v) for v in value)


def _yaml_text(value: Any) -> str:
    """A YAML scalar as the text a user wrote (YAML reads yes/no as booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _from_dict(content: dict[str, Any], label: str) -> Mapping:
    fields = {f.name for f in dataclasses.fields(Mapping)}
    unknown = sorted(set(content) - fields)
    if unknown and set(unknown) & set(SCORED_KEYS):
        raise DataError(f"this is a survey, audit or mystery-shopper mapping (it has "
                        f"{', '.join(k for k in unknown if k in SCORED_KEYS)}:), not a "
                        "ticket mapping", file=label or "mapping",
                        fix="give it with the table it describes (surveys_path, audits_path "
                            "or mystery_shopper_path), or load it with "
                            "pdcakit.data.surveys.load_scored(path, mapping)")
    if unknown:
        hints = [f"{k!r} (did you mean {c[0]!r}?)" if (c := closest_names(k, sorted(fields)))
                 else repr(k) for k in unknown]
        raise DataError(f"unknown mapping key(s): {', '.join(hints)}", file=label or "mapping",
                        fix=f"use only: {', '.join(sorted(fields - {'name'}))}")
    out = dict(content)
    columns = out.get("columns") or {}
    if not isinstance(columns, dict):
        raise DataError("'columns' must map canonical names to source column names",
                        file=label or "mapping",
                        fix="write columns: {id: Ticket No, created_at: Opened}")
    out["columns"] = {str(k): _column_sources(k, v, label or "mapping")
                      for k, v in columns.items()}
    values = out.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise DataError("'values' must map each canonical column to {source value: new value}",
                        file=label or "mapping", fix="write values: {channel: {电话: phone}}")
    out["values"] = {str(col): {_yaml_text(k): _yaml_text(v) for k, v in rec.items()}
                     for col, rec in values.items()}
    for key in ("true_values", "false_values"):
        out[key] = _strings(out.get(key), key, label)
    out["na_values"] = _strings(out.get("na_values"), "na_values", label)
    for key in ("date_format", "timezone", "encoding", "delimiter", "decimal"):
        if out.get(key) is not None and not isinstance(out[key], str):
            raise DataError(f"{key} must be a text, got {out[key]!r}", file=label or "mapping",
                            fix=f"quote it: {key}: \"...\"")
    if out.get("decimal") is None:
        out["decimal"] = "."
    out["header_row"] = _header_row(out.get("header_row"), label or "mapping")
    out["sheet"] = _sheet(out.get("sheet"), label or "mapping")
    where = label or "mapping"
    out["dayfirst"] = (False if is_unset(out.get("dayfirst"))
                       else parse_flag(out["dayfirst"], "dayfirst", where))
    out["on_duplicate"] = parse_on_duplicate(out.get("on_duplicate"), where)
    out["lenient_quotes"] = (False if is_unset(out.get("lenient_quotes"))
                             else parse_flag(out["lenient_quotes"], "lenient_quotes", where))
    out["snapshot"] = _snapshot_text(out.get("snapshot"), where)
    if is_unset(out.get("timezone")):
        out["timezone"] = None
    else:
        try:
            pd.Timestamp("2026-01-01", tz=out["timezone"])
        except Exception as exc:  # pytz / zoneinfo raise different types
            raise DataError(f"unknown time zone {out['timezone']!r}", file=where,
                            fix="use an IANA name: "
                                + how_to_set("timezone", "Europe/London")) from exc
    out["name"] = out.get("name") or label
    return Mapping(**out)


def _column_sources(canon: Any, value: Any, where: str) -> str | tuple[str, ...]:
    """A source column name, or a list of them (first non-empty wins) as a tuple."""
    if isinstance(value, list | tuple):
        names = tuple(_yaml_text(v) for v in value if v is not None and not
                      isinstance(v, list | tuple | dict))
        if not names or len(names) != len(value) or len(set(names)) != len(names):
            raise DataError(f"columns: {canon}: must be a source column or a list of "
                            f"different source columns, got {value!r}", file=where,
                            fix=f"write columns: {{{canon}: [<column>, <fallback column>]}} "
                                "(the first non-empty cell of each row is taken)")
        return names[0] if len(names) == 1 else names
    if isinstance(value, dict) or value is None:
        raise DataError(f"columns: {canon}: must be a source column name, got {value!r}",
                        file=where, fix=f"write columns: {{{canon}: <source column>}}")
    return _yaml_text(value)


def source_names(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """The source columns of one ``columns:`` entry, the first the main one.

    >>> source_names("Opened"), source_names(("resolved_at", "closed_at"))
    (('Opened',), ('resolved_at', 'closed_at'))
    """
    return (value,) if isinstance(value, str) else tuple(value)


def expected_names(mapping: Mapping, schema: TableSchema) -> list[str]:
    """Column names the header should hold: each canonical column's source names
    (fallbacks too), or its own name when the mapping has no entry.

    >>> from pdcakit.data.schema import TICKETS
    >>> expected_names(Mapping(columns={"resolved_at": ("resolved_at", "closed_at")}),
    ...                TICKETS)[:5]
    ['id', 'created_at', 'first_response_at', 'resolved_at', 'closed_at']
    """
    out: list[str] = []
    for c in schema.columns:
        out.extend(source_names(mapping.columns.get(c, c)))
    return out


def _header_row(value: Any, where: str) -> int | None:
    """A spreadsheet row number (texts of digits too, as ``-p`` gives them); a boolean or
    anything else is a DataError (YAML's ``true`` is not row 1)."""
    if is_unset(value):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise DataError(f"header_row must be a spreadsheet row number (1, 2, ...), got "
                        f"{value!r}", file=where, fix=how_to_set("header_row", "3"))
    return value


def _sheet(value: Any, where: str) -> str | int | None:
    """A sheet name or 0-based position; a boolean or a list is a DataError."""
    if is_unset(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DataError(f"sheet must be a sheet name or a 0-based position, got {value!r}",
                        file=where, fix=how_to_set("sheet", "'Tickets'") + " (or 0)")
    return value


def _snapshot_text(value: Any, where: str) -> str | None:
    """The snapshot as ISO text (YAML gives dates and datetimes as objects), checked."""
    if is_unset(value):
        return None
    fix = how_to_set("snapshot", "'2026-07-06 00:00'") + " (the time the export was taken)"
    if isinstance(value, bool | int | float):
        raise DataError(f"snapshot must be a date or time, got {value!r}", file=where, fix=fix)
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise DataError(f"snapshot {str(value)!r} is not a date or time", file=where,
                        fix=fix) from exc
    if pd.isna(ts):
        raise DataError(f"snapshot {str(value)!r} is not a date or time", file=where, fix=fix)
    return value if isinstance(value, str) else ts.isoformat(sep=" ")


@dataclass(frozen=True)
class Resolved:
    """The source columns of a table: ``found`` (canonical -> main source column),
    ``fallbacks`` (canonical -> further source columns, first non-empty wins) and
    ``ignored`` (source columns no canonical column takes)."""

    found: dict[str, str]
    fallbacks: dict[str, tuple[str, ...]]
    ignored: list[str]


def resolve_columns(raw: pd.DataFrame, schema: TableSchema, mapping: Mapping, file: str,
                    header_row: int = 1) -> tuple[dict[str, str], list[str]]:
    """Find the source column of each canonical column: :func:`resolve_sources` without
    the fallbacks (``({canonical: main source}, ignored)``).

    >>> from pdcakit.data.schema import TICKETS
    >>> raw = pd.DataFrame(columns=["Ticket", "Created At", "Notes"])
    >>> resolve_columns(raw, TICKETS, Mapping(columns={"id": "Ticket"}), "t.csv")
    ({'id': 'Ticket', 'created_at': 'Created At'}, ['Notes'])
    """
    resolved = resolve_sources(raw, schema, mapping, file, header_row)
    return resolved.found, resolved.ignored


def resolve_sources(raw: pd.DataFrame, schema: TableSchema, mapping: Mapping, file: str,
                    header_row: int = 1) -> Resolved:
    """Find the source column of each canonical column.

    Returns a :class:`Resolved`. A mapping entry wins over a same-named column; otherwise
    a column whose name matches a canonical name (ignoring case, spaces, dashes and dots)
    is taken. An entry listing several columns names the main one and its fallbacks,
    each of which must be in the file.

    Raises
    ------
    DataError
        The mapping names an unknown canonical column (under ``columns:`` or ``values:``)
        or a source column that is not in the file (with the closest names and all
        available columns); two timestamps taken from one source column; a canonical
        column two headers could be (``Created At`` and ``created_at``, or one name
        written twice), naming both.

    Examples
    --------
    >>> from pdcakit.data.schema import TICKETS
    >>> raw = pd.DataFrame(columns=["number", "opened_at", "resolved_at", "closed_at"])
    >>> r = resolve_sources(raw, TICKETS, Mapping(columns={
    ...     "id": "number", "created_at": "opened_at",
    ...     "resolved_at": ("resolved_at", "closed_at")}), "incidents.csv")
    >>> r.found["resolved_at"], r.fallbacks, r.ignored
    ('resolved_at', {'resolved_at': ('closed_at',)}, [])
    """
    available = [str(c) for c in raw.columns]
    exact = set(available)
    by_norm: dict[str, list[str]] = {}
    for c in available:
        by_norm.setdefault(normalize_name(c), []).append(c)
    repeated: dict[str, str] = dict(raw.attrs.get("repeated_headers") or {})
    for key, entries in (("columns", mapping.columns), ("values", mapping.values)):
        for canon in entries:
            if canon not in schema.kinds:
                close = closest_names(canon, list(schema.columns))
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise DataError(
                    f"{mapping.label} names {canon!r} under {key}:, which is not a "
                    f"column of the {schema.name} table", file=file, column=canon,
                    fix=f"{hint}the {schema.name} columns are "
                        f"{describe_columns(schema.columns)}")

    def collision(canon: str, names: list[str], how: str) -> DataError:
        letters = [column_letter(available.index(n)) for n in names]
        shown = " and ".join(f"{n!r} (column {letter})" for n, letter in
                             zip(names, letters, strict=True))
        return DataError(
            f"{canon!r} could be any of {len(names)} columns {how}: {shown}", file=file,
            column=canon, header_row=header_row,
            fix=f"name the one to use: add columns: {{{canon}: <that column>}} to "
                f"{mapping.label if mapping.name else 'a mapping YAML'}, or rename or remove "
                "the other in the export" if how != "with the same header" else
                "rename one of them in the export (the same header is written twice)")

    def twins(name: str) -> list[str]:
        written = repeated.get(name)
        return [n for n, w in repeated.items() if w == written] if written else [name]

    def lookup(canon: str, src: str) -> str:
        if src in exact:
            hit = src
        else:
            near = by_norm.get(normalize_name(src), [])
            if len(near) > 1:
                raise collision(canon, near, f"named like {src!r}")
            hit = near[0] if near else None
        if hit is None:
            close = closest_names(src, available)
            hint = f"closest: {describe_columns(close)}; " if close else ""
            raise DataError(
                f"{mapping.label} takes {canon!r} from column "
                f"{src!r}, which is not in the file", file=file, column=src,
                header_row=header_row,
                fix=f"{hint}available columns: {describe_columns(available)}. Correct "
                    f"the mapping's columns: {canon}: <source column>, or remove the entry")
        if len(twins(hit)) > 1:
            raise collision(canon, twins(hit), "with the same header")
        return hit

    found: dict[str, str] = {}
    fallbacks: dict[str, tuple[str, ...]] = {}
    for canon in schema.columns:
        if canon in mapping.columns:
            hits = [lookup(canon, src) for src in source_names(mapping.columns[canon])]
            found[canon] = hits[0]
            if len(hits) > 1:
                fallbacks[canon] = tuple(hits[1:])
    used = set(found.values()) | {c for fb in fallbacks.values() for c in fb}
    for canon in schema.columns:
        if canon in found:
            continue
        near = [c for c in by_norm.get(normalize_name(canon), []) if c not in used]
        if len(near) > 1:
            raise collision(canon, near, "that read as that name")
        if near:
            if len(twins(near[0])) > 1:
                raise collision(canon, twins(near[0]), "with the same header")
            found[canon] = near[0]
            used.add(near[0])
    _refuse_shared_timestamps(found, schema, mapping, file)
    ordered = {c: found[c] for c in schema.columns if c in found}
    ignored = [c for c in available if c not in used]
    return Resolved(ordered, fallbacks, ignored)


def _refuse_shared_timestamps(found: dict[str, str], schema: TableSchema, mapping: Mapping,
                              file: str) -> None:
    """Two timestamps from one source column would make every duration between them 0."""
    by_source: dict[str, list[str]] = {}
    for canon, src in found.items():
        if schema.kinds[canon] == "datetime":
            by_source.setdefault(src, []).append(canon)
    for src, canons in by_source.items():
        if len(canons) > 1:
            names = ", ".join(canons[:-1]) + " and " + canons[-1]
            raise DataError(
                f"{mapping.label} takes {names} all from column {src!r}: every duration "
                "between them would be 0", file=file, column=src,
                fix="map each timestamp to its own column (columns: {resolved_at: "
                    "<closed column>}), or remove the entries for the ones the export does "
                    "not have")


def untranslated_values(column: str, parsed: pd.Series, table: MappingABC[str, str] | None,
                        *, shown: int = 8) -> str | None:
    """The loader's warning when the mapping's ``values:`` table of ``column`` leaves some
    values as they are (None: it translates every value, or there is no table).

    ``parsed`` is the column after recoding: a value neither in the table's targets nor a
    key the table was given (a key maps to itself: kept on purpose) was left untranslated.
    The warning names the values with their rows (most first, ``shown`` at most) and the
    fix: add them under ``values:`` in the mapping, or map one to itself to keep it.

    >>> text = pd.Series(["phone", "email", "在线", "在线", "web", None])
    >>> print(untranslated_values("channel", text, {"电话": "phone", "邮件": "email",
    ...                                               "网页": "web"}))
    channel: the mapping's values: table left 1 value as it is (2 rows): '在线' (2 rows); \
add it under values: in the mapping (values: {channel: {在线: NEW NAME}}), or map it to \
itself (在线: 在线) to keep it on purpose
    >>> untranslated_values("channel", text, {"在线": "在线", "电话": "phone", "邮件": "email",
    ...                                       "网页": "web"}) is None
    True
    """
    if not table:
        return None
    known = set(table) | set(table.values())
    present = parsed.dropna()
    counts = present[~present.astype(str).isin(known)].astype(str).value_counts()
    if counts.empty:
        return None
    values = [str(v) for v in counts.index]
    listed = ", ".join(f"{v!r} ({n:,} {'row' if n == 1 else 'rows'})"
                       for v, n in counts.iloc[:shown].items())
    more = f" and {len(values) - shown} more" if len(values) > shown else ""
    many = len(values) > 1
    first = values[0]
    rows = int(counts.sum())
    return (f"{column}: the mapping's values: table left {len(values)} "
            f"{'values as they are' if many else 'value as it is'} "
            f"({rows:,} {'row' if rows == 1 else 'rows'}): {listed}{more}; "
            f"add {'them' if many else 'it'} under values: in the mapping "
            f"(values: {{{column}: {{{first}: NEW NAME}}}}), or map "
            f"{'one' if many else 'it'} to itself ({first}: {first}) to keep it on purpose")
