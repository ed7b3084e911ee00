"""Loading the small tables: surveys, audits, mystery shopper, standards,
process steps, training and aggregates (see :mod:`pdcakit.data.schema`).

Example
-------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "standards.csv"
>>> _ = p.write_text("standard,weight,conformance\\nResponse in 30 min,0.2,0.95\\n"
...                  "One-time resolution,0.3,0.88\\nScore >= 4.5,0.5,0.92\\n")
>>> load_table(p, "standards")["weight"].sum()
np.float64(1.0)
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from .canonical import finish, load_canonical
from .errors import DataError
from .schema import STANDARDS, TABLES, TableSchema
from .surveys import is_scored_mapping, load_scored
from .validate import check_order, check_weights

__all__ = ["SCORED_TABLES", "STANDARDS_WITH_RULES", "load_aggregates", "load_table"]

#: The tables a scored mapping (wide export, text answers; :mod:`pdcakit.data.surveys`)
#: can describe.
SCORED_TABLES = ("surveys", "audits", "mystery_shopper")


#: The standards table as read: each row carries a ``rule`` on the tickets (measured per
#: window by :mod:`pdcakit.stages.standards`) or a ``conformance`` typed in, or both.
STANDARDS_WITH_RULES = TableSchema(
    name="standards", required=("standard", "weight"),
    kinds={**STANDARDS.kinds, "rule": "id"}, ranges=dict(STANDARDS.ranges))


def _check_rule_or_conformance(df: pd.DataFrame, src: Any) -> None:
    """Every standard needs a rule or a typed-in conformance."""
    rule = df["rule"] if "rule" in df else pd.Series(pd.NA, index=df.index)
    typed = df["conformance"] if "conformance" in df else pd.Series(pd.NA, index=df.index)
    empty = rule.isna() & typed.isna()
    if empty.any():
        if "rule" not in df and "conformance" not in df:
            raise src.error("the standards table has neither a rule nor a conformance column",
                            fix="add a column rule (e.g. first_response_minutes <= 30, "
                                "first_contact_resolved, csat >= 4.5) or conformance (a "
                                "fraction typed in)")
        raise src.error("standards with neither a rule nor a conformance",
                        column="rule" if "rule" in df else "conformance",
                        rows=empty.index[empty].tolist(),
                        fix="give each a rule on the tickets (first_response_minutes <= 30, "
                            "first_contact_resolved, csat >= 4.5) or type its conformance in")


def _scored_table(path: str | os.PathLike[str], kind: str, mapping: Any) -> pd.DataFrame:
    """A wide export with a scored mapping, as the canonical table of ``kind`` (surveys:
    long, with ``dimension``); ``attrs["not_scored"]`` holds the per-question counts of
    blank and not-scored answers."""
    scored = load_scored(path, mapping)
    if scored.kind != kind:
        raise DataError(f"the mapping describes a {scored.kind} table, not {kind}",
                        file=scored.mapping.name or "mapping",
                        fix=f"give it with the {scored.kind} table, or set table: {kind} in "
                            "the mapping")
    out = scored.table
    out.attrs["not_scored"] = scored.not_scored.to_dict("records")
    out.attrs["respondents"] = scored.respondents
    return out


def load_table(path: str | os.PathLike[str], kind: str, mapping: Any = None,
               **options: Any) -> pd.DataFrame:
    """Load one of the small canonical tables, typed and validated.

    Parameters
    ----------
    path : str or path-like
        CSV / TSV / TXT (optionally .gz), Parquet or Excel file.
    kind : str
        ``"surveys"``, ``"audits"``, ``"mystery_shopper"``, ``"standards"``,
        ``"process_steps"``, ``"training"``, ``"aggregates"`` (or
        ``"tickets"``, which calls :func:`load_tickets`).
    mapping : None, dict, path to YAML, preset name or Mapping
        Column and value mapping (see :func:`load_mapping`). For surveys, audits and
        mystery-shopper visits, a scored mapping (with ``questions:`` and ``scales:``,
        see :mod:`pdcakit.data.surveys`) reads a wide export with text answers.
    **options
        Override the mapping (``sheet``, ``encoding``, ``date_format`` ...).

    Returns
    -------
    pandas.DataFrame
        The canonical columns present, in schema order, with a 0..n-1 index.
        ``attrs``: ``source``, ``kind``, ``columns``, ``ignored_columns``,
        ``header_row``, ``warnings``.

    Raises
    ------
    DataError
        Missing required columns, unreadable values, out-of-range numbers;
        standards whose weights do not sum to 1 (± 0.001); aggregates with a
        numerator above its denominator.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "training.csv"
    >>> _ = p.write_text("person,pre_score,post_score\\nA01,68,76\\nA02,53,62\\n")
    >>> load_table(p, "training").dtypes.astype(str).tolist()
    ['str', 'float64', 'float64']
    """
    if kind == "tickets":
        from .tickets import load_tickets

        return load_tickets(path, mapping, **options)
    if kind not in TABLES:
        raise ValueError(f"kind must be one of {sorted(TABLES)}, not {kind!r}")
    if kind in SCORED_TABLES and is_scored_mapping(mapping):
        return _scored_table(path, kind, mapping)
    schema = STANDARDS_WITH_RULES if kind == "standards" else TABLES[kind]
    loaded = load_canonical(path, schema, mapping, options)
    df, src = loaded.frame, loaded.source
    if kind == "standards":
        check_weights(df, src)
        _check_rule_or_conformance(df, src)
    if kind == "aggregates":
        check_order(df, "numerator", "denominator", src,
                    ("has a numerator above its denominator",
                     "have a numerator above their denominator"),
                    "the numerator counts the events among the denominator's cases "
                    "(e.g. breaches among attendances); check that the columns are not "
                    "swapped")
    return finish(df, loaded, kind)


def load_aggregates(path: str | os.PathLike[str], mapping: Any = None,
                    **options: Any) -> pd.DataFrame:
    """Load per-period counts (``period``, ``unit``, ``numerator``, ``denominator``).

    Same as ``load_table(path, "aggregates", mapping, **options)``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "breaches.csv"
    >>> _ = p.write_text("period,numerator,denominator\\n2026-01,12,400\\n2026-02,9,380\\n")
    >>> load_aggregates(p)["period"].dt.month.tolist()
    [1, 2]
    """
    return load_table(path, "aggregates", mapping, **options)
