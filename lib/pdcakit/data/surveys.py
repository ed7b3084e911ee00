"""Survey, audit and mystery-shopper exports as they come: wide, with text answers.

A real survey export has one row per respondent and one column per question, with
answers written out ("Rarely", "Sometimes — depending on team capacity", "非常满意").
A *scored mapping* (YAML, a dict, or a preset in ``pdcakit/presets/``) says, besides
the ordinary mapping keys (``columns``, ``encoding``, ``date_format`` ...):

``table``
    ``surveys`` (default), ``audits`` or ``mystery_shopper``.
``scales``
    Per scale name: ``range: [low, high]``, ``better: higher`` or ``lower`` (stated, never
    guessed), ``answers: {text: score}`` and ``not_scored: [texts]`` ("don't know",
    "not applicable": counted and reported, never scored, never a low score). An answer
    matches a text exactly (ignoring case and spaces) or starts with it followed by a
    dash, comma, colon, bracket or space ("Sometimes — depending on team capacity" is
    "Sometimes"). Numbers inside the range score as themselves.
``questions``
    Per source column: ``question`` (its short name), ``scale``, ``reverse: true`` for a
    reverse-worded item, and ``dimension`` (surveys: the method's 服务响应时间, 问题解决效率,
    服务态度 ...) or ``part`` (audits: normativity, efficiency, experience; mystery
    shopper: attitude, knowledge, speed).

Scores are written with higher = better: a scale stated ``better: lower`` is turned
round (``low + high - score``), and so is a reverse item. Surveys become the long
canonical table (one row per scored answer: ``respondent_id``, ``date``, ``site``,
``question``, ``dimension``, ``score``); audits and visits the canonical wide table,
each part the mean of its items on 0-10. Blank and not-scored answers are kept apart
(:attr:`ScoredExport.not_scored`); an answer that fits no rule stops the load with
every such value named (column, value, rows, and the mapping key that would fix it).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "survey.csv"
>>> _ = p.write_text("ID,Speed,Rude\\n1,Often,Never\\n2,Sometimes — busy week,Rarely\\n"
...                  "3,Don't know,Always\\n", encoding="utf-8")
>>> m = {"columns": {"respondent_id": "ID"},
...      "scales": {"freq": {"range": [1, 5], "better": "higher",
...                          "answers": {"Never": 1, "Rarely": 2, "Sometimes": 3,
...                                      "Often": 4, "Always": 5},
...                          "not_scored": ["Don't know"]}},
...      "questions": {"Speed": {"question": "speed", "scale": "freq"},
...                    "Rude": {"question": "rude", "scale": "freq", "reverse": True}}}
>>> s = load_scored(p, m)
>>> s.table["score"].tolist(), s.not_scored["not_scored"].sum()
([4.0, 5.0, 3.0, 4.0, 1.0], np.int64(1))
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .canonical import parse_column
from .errors import DataError
from .inputs import input_label
from .mapping import SCORED_KEYS, load_mapping, mapping_content, resolve_sources
from .names import closest_names, describe_columns, normalize_name
from .parsing import Source, clean_text
from .readers import read_table
from .schema import TableSchema

__all__ = ["PARTS", "Question", "Scale", "ScoredExport", "ScoredMapping", "ScoredSummary",
           "describe_scored", "is_scored_mapping", "load_scored", "scored_mapping"]

#: The sub-scores of the audit (TPS) and mystery-shopper (TDS) tables (2.1).
PARTS = {"audits": ("normativity", "efficiency", "experience"),
         "mystery_shopper": ("attitude", "knowledge", "speed")}

#: The row columns each table keeps beside its questions.
_ROW_COLUMNS = {
    "surveys": TableSchema("surveys", ("respondent_id",), {
        "respondent_id": "id", "date": "datetime", "site": "category",
        "channel": "category", "agent": "category"}, {}),
    "audits": TableSchema("audits", (), {
        "audit_id": "id", "date": "datetime", "site": "category", "agent": "category"}, {}),
    "mystery_shopper": TableSchema("mystery_shopper", (), {
        "visit_id": "id", "date": "datetime", "site": "category", "channel": "category"}, {}),
}

_SEPARATORS = ("—", "–", "-", ",", ":", "(", "（", "，", "：", "/", ";", " ")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


@dataclass(frozen=True)
class Scale:
    """An answer scale: its range, which end is better, its text answers and the texts
    that are not scored."""

    name: str
    low: float
    high: float
    better: str  # "higher" or "lower"
    answers: MappingABC[str, float] = field(default_factory=dict)
    not_scored: tuple[str, ...] = ()

    def describe(self) -> str:
        """ "agreement: 1 to 5, higher is better, 5 texts, 2 not scored"."""
        return (f"{self.name}: {self.low:g} to {self.high:g}, {self.better} is better, "
                f"{len(self.answers)} text answers, {len(self.not_scored)} not scored")


@dataclass(frozen=True)
class Question:
    """One source column: its short name, scale, direction and dimension (or part)."""

    column: str
    question: str
    scale: str
    reverse: bool = False
    dimension: str = ""


@dataclass(frozen=True)
class ScoredMapping:
    """A survey, audit or mystery-shopper mapping: the table, scales and questions, and
    the ordinary reading mapping (``reading``: a :class:`~pdcakit.data.mapping.Mapping`)."""

    table: str
    scales: MappingABC[str, Scale]
    questions: tuple[Question, ...]
    reading: Any
    name: str = ""


def _where(name: str) -> str:
    return name or "the mapping"


def _scale(name: str, spec: Any, where: str) -> Scale:
    example = ("scales: {agreement: {range: [1, 5], better: higher, answers: {Never: 1, "
               "Always: 5}, not_scored: [Don't know]}}")
    if not isinstance(spec, MappingABC):
        raise DataError(f"scales: {name}: must be a dictionary", file=where, fix=example)
    unknown = sorted(set(spec) - {"range", "better", "answers", "not_scored"})
    if unknown:
        raise DataError(f"scales: {name}: unknown key(s) {', '.join(unknown)}", file=where,
                        fix="a scale has range, better, answers and not_scored")
    rng = spec.get("range")
    if (not isinstance(rng, list | tuple) or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or not rng[0] < rng[1]):
        raise DataError(f"scales: {name}: range must be [lowest, highest] score, got {rng!r}",
                        file=where, fix=f"write scales: {{{name}: {{range: [1, 5]}}}}")
    better = spec.get("better")
    if better not in ("higher", "lower"):
        raise DataError(f"scales: {name}: say which end is better (better: higher or "
                        f"better: lower), got {better!r}", file=where,
                        fix=f"add better: higher under scales: {name}: (the direction is "
                            "never guessed)")
    answers = spec.get("answers") or {}
    if not isinstance(answers, MappingABC):
        raise DataError(f"scales: {name}: answers must map each text to a score",
                        file=where, fix=f"write answers: {{Never: {rng[0]}, Always: {rng[1]}}}")
    scored: dict[str, float] = {}
    for text, score in answers.items():
        if (isinstance(score, bool) or not isinstance(score, int | float)
                or not rng[0] <= score <= rng[1]):
            raise DataError(f"scales: {name}: answers: {text!r} scores {score!r}, outside the "
                            f"range {rng[0]:g} to {rng[1]:g}", file=where,
                            fix="give a score inside the range, or widen range:")
        scored[_norm(text)] = float(score)
    not_scored = spec.get("not_scored") or []
    if isinstance(not_scored, str):
        not_scored = [not_scored]
    both = sorted(set(scored) & {_norm(t) for t in not_scored})
    if both:
        raise DataError(f"scales: {name}: {', '.join(both)} is both scored and not scored",
                        file=where, fix="keep it under answers: or under not_scored:, not both")
    return Scale(name, float(rng[0]), float(rng[1]), better, scored,
                 tuple(_norm(t) for t in not_scored))


def scored_mapping(spec: Any) -> ScoredMapping:
    """Read a scored mapping (a dict, a YAML file or a preset name) and check it.

    >>> m = scored_mapping("en_survey")
    >>> m.table, sorted(m.scales)[:2], len(m.questions) >= 6
    ('surveys', ['agreement', 'frequency'], True)
    """
    if isinstance(spec, ScoredMapping):
        return spec
    content, label = mapping_content(spec)
    where = _where(label)
    table = content.get("table", "surveys")
    if table not in _ROW_COLUMNS:
        raise DataError(f"table: {table!r} is not a scored table", file=where,
                        fix="table: surveys, audits or mystery_shopper")
    scales_spec = content.get("scales") or {}
    questions_spec = content.get("questions") or {}
    if not isinstance(scales_spec, MappingABC) or not scales_spec:
        raise DataError("a scored mapping needs scales: (how text answers become scores)",
                        file=where, fix="add scales: {agreement: {range: [1, 5], better: "
                                        "higher, answers: {...}}}")
    if not isinstance(questions_spec, MappingABC) or not questions_spec:
        raise DataError("a scored mapping needs questions: (one entry per question column)",
                        file=where, fix="add questions: {<column>: {question: speed, scale: "
                                        "agreement, dimension: 服务响应时间}}")
    scales = {str(k): _scale(str(k), v, where) for k, v in scales_spec.items()}
    parts = PARTS.get(table)
    questions = []
    for column, q in questions_spec.items():
        column = str(column)
        if isinstance(q, str):
            q = {"scale": q}
        if not isinstance(q, MappingABC):
            raise DataError(f"questions: {column}: must be a dictionary", file=where,
                            fix=f"write questions: {{{column}: {{question: q1, scale: "
                                f"{next(iter(scales))}}}}}")
        unknown = sorted(set(q) - {"question", "scale", "reverse", "dimension", "part"})
        if unknown:
            raise DataError(f"questions: {column}: unknown key(s) {', '.join(unknown)}",
                            file=where, fix="a question has question, scale, reverse and "
                                            "dimension (surveys) or part (audits, visits)")
        scale = str(q.get("scale", ""))
        if scale not in scales:
            close = closest_names(scale, list(scales))
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise DataError(f"questions: {column}: scale {scale!r} is not under scales:",
                            file=where, fix=f"{hint}scales: {', '.join(scales)}")
        group = str(q.get("part" if parts else "dimension", "") or "")
        if parts and group not in parts:
            raise DataError(f"questions: {column}: part must be one of {', '.join(parts)}, "
                            f"got {group!r}", file=where,
                            fix=f"write part: {parts[0]} (the {table} sub-score it counts for)")
        reverse = q.get("reverse", False)
        if not isinstance(reverse, bool):
            raise DataError(f"questions: {column}: reverse must be true or false",
                            file=where, fix="write reverse: true for a reverse-worded item")
        questions.append(Question(column, str(q.get("question") or column), scale, reverse,
                                  group))
    reading = {k: v for k, v in content.items() if k not in SCORED_KEYS}
    return ScoredMapping(table, scales, tuple(questions),
                         load_mapping({**reading, "name": label} if label else reading), label)


@dataclass(frozen=True, eq=False)
class ScoredExport:
    """A scored export: the canonical ``table``, what was not scored, and the scales.

    ``not_scored`` has one row per question: ``question``, ``column``, ``dimension``,
    ``answered`` (scored), ``blank``, ``not_scored`` and ``not_scored_values``
    (``{text: count}``). ``respondents`` counts the rows of the export.
    """

    table: pd.DataFrame
    not_scored: pd.DataFrame
    mapping: ScoredMapping
    respondents: int
    source: str
    warnings: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return self.mapping.table


def _match(text: str, scale: Scale) -> float | None:
    key = _norm(text)
    if key in scale.answers:
        return scale.answers[key]
    best = None
    for known, score in scale.answers.items():
        if key.startswith(known) and key[len(known):len(known) + 1] in _SEPARATORS \
                and (best is None or len(known) > len(best[0])):
            best = (known, score)
    if best is not None:
        return best[1]
    try:
        number = float(key)
    except ValueError:
        return None
    return number if scale.low <= number <= scale.high else None


def _is_not_scored(text: str, scale: Scale) -> bool:
    key = _norm(text)
    return key in scale.not_scored or any(
        key.startswith(t) and key[len(t):len(t) + 1] in _SEPARATORS for t in scale.not_scored)


def _score_column(raw: pd.Series, q: Question, scale: Scale, na_values: tuple[str, ...]
                  ) -> tuple[pd.Series, pd.Series, pd.Series, dict[str, list[int]]]:
    """Scores (higher = better), blank mask, not-scored texts, and unscorable values
    with their rows."""
    text = clean_text(raw, na_values)
    blank = text.isna()
    scores = pd.Series(np.nan, index=raw.index)
    skipped = pd.Series(pd.NA, index=raw.index, dtype="object")
    bad: dict[str, list[int]] = {}
    for value, rows in text[~blank].groupby(text[~blank], sort=False).groups.items():
        value = str(value)
        if _is_not_scored(value, scale):
            skipped.loc[rows] = value
            continue
        score = _match(value, scale)
        if score is None:
            bad[value] = [int(r) for r in rows]
            continue
        if scale.better == "lower":
            score = scale.low + scale.high - score
        if q.reverse:
            score = scale.low + scale.high - score
        scores.loc[rows] = score
    return scores, blank, skipped, bad


def _unscorable_error(bad: dict[str, dict[str, list[int]]], questions: dict[str, Question],
                      file: str, header_row: int, where: str) -> DataError:
    parts = []
    all_rows: list[int] = []
    for column, values in bad.items():
        scale = questions[column].scale
        listed = "; ".join(f"{v!r} (rows {', '.join(map(str, rows[:5]))}"
                           f"{' ...' if len(rows) > 5 else ''})" for v, rows in values.items())
        parts.append(f"column {column!r} (scale {scale}): {listed}")
        all_rows += [r for rows in values.values() for r in rows]
    first_col = next(iter(bad))
    first_value = next(iter(bad[first_col]))
    scale = questions[first_col].scale
    return DataError(
        f"{sum(len(v) for v in bad.values())} answer(s) fit no rule of the scale: "
        + " | ".join(parts), file=file, column=first_col, header_row=header_row,
        fix=f"{_edit_where(where)}add each under scales: {scale}: answers: (e.g. "
            f"{{{first_value}: <score>}}), or under scales: {scale}: not_scored: when it is "
            "not an answer on the scale (don't know, not applicable)")


def _edit_where(where: str) -> str:
    """Where the user makes the fix: the mapping file, or, for a preset (shipped inside the
    package, not to be edited), a copy of it in the workbook's ``mappings/``.

    >>> _edit_where("zh_survey")[:62]
    'copy the preset zh_survey (pdcakit/presets/zh_survey.yaml) to '
    >>> _edit_where("m.yaml")
    'in m.yaml, '
    """
    from pdcakit.data.mapping import list_presets

    if where in list_presets():
        return (f"copy the preset {where} (pdcakit/presets/{where}.yaml) to "
                f"mappings/{where}.yaml, give -p {_MAPPING_PARAMETER.get(where, 'mapping')} "
                f"mappings/{where}.yaml (the stage's mapping parameter), and in the copy ")
    return f"in {where}, "


#: The stage parameter that takes each scored preset's kind of export.
_MAPPING_PARAMETER = {"zh_survey": "surveys_mapping", "en_survey": "surveys_mapping",
                      "en_audit": "audits_mapping",
                      "zh_mystery_shopper": "mystery_shopper_mapping"}


def load_scored(path: str | os.PathLike[str], mapping: Any) -> ScoredExport:
    """Load a wide survey, audit or mystery-shopper export with its scored mapping.

    Raises
    ------
    DataError
        The mapping's problems; a question column not in the file (with the closest
        names); answers that fit no rule (every one named with its rows and the key
        that would fix it); a row column (``respondent_id`` ...) missing or unreadable.
    """
    m = scored_mapping(mapping)
    reading = m.reading
    file = input_label(path)
    schema = _ROW_COLUMNS[m.table]
    raw = read_table(path, sheet=reading.sheet, encoding=reading.encoding,
                     delimiter=reading.delimiter, header_row=reading.header_row,
                     expect=[q.column for q in m.questions],
                     lenient_quotes=reading.lenient_quotes)
    header_row = raw.attrs.get("header_row", 1)
    source = Source(file, header_row, warnings=list(raw.attrs.get("warnings", [])))
    available = [str(c) for c in raw.columns]
    by_norm = {normalize_name(c): c for c in available}
    columns: dict[str, str] = {}
    for q in m.questions:
        hit = q.column if q.column in available else by_norm.get(normalize_name(q.column))
        if hit is None:
            close = closest_names(q.column, available)
            hint = f"closest: {describe_columns(close)}; " if close else ""
            raise DataError(f"{_where(m.name)} names the question column {q.column!r}, "
                            "which is not in the file", file=file, column=q.column,
                            header_row=header_row,
                            fix=f"{hint}available columns: {describe_columns(available)}; "
                                "correct the key under questions:")
        columns[q.column] = hit
    rest = raw.drop(columns=list(columns.values()))
    resolved = resolve_sources(rest, schema, reading, file, header_row)
    source.names = resolved.found
    for needed in schema.required:
        if needed not in resolved.found:
            raise DataError(f"the {m.table} export has no {needed} column", file=file,
                            column=needed, header_row=header_row,
                            fix=f"map it: columns: {{{needed}: <column>}} in "
                                f"{_where(m.name)}; available: {describe_columns(available)}")
    rows = pd.DataFrame({canon: parse_column(rest[src], canon, schema.kinds[canon], source,
                                             reading)
                         for canon, src in resolved.found.items()}, index=raw.index)
    keep = _unique_rows(rows, schema, source, reading.on_duplicate, _where(m.name))
    raw, rows = raw.loc[keep], rows.loc[keep]
    scored: dict[str, pd.Series] = {}
    summary = []
    bad: dict[str, dict[str, list[int]]] = {}
    by_column = {q.column: q for q in m.questions}
    for q in m.questions:
        scores, blank, skipped, problems = _score_column(
            raw[columns[q.column]], q, m.scales[q.scale], reading.na_values)
        if problems:
            bad[q.column] = problems
        scored[q.column] = scores
        counts = skipped.dropna().value_counts()
        summary.append({"question": q.question, "column": q.column,
                        "dimension": q.dimension, "scale": q.scale, "reverse": q.reverse,
                        "answered": int(scores.notna().sum()), "blank": int(blank.sum()),
                        "not_scored": int(counts.sum()),
                        "not_scored_values": {str(k): int(v) for k, v in counts.items()}})
    if bad:
        raise _unscorable_error(bad, by_column, file, header_row, _where(m.name))
    unused = [c for c in resolved.ignored if c not in columns.values()]
    if unused:
        source.warnings.append(f"columns not used (neither a question nor a row column): "
                               f"{describe_columns(unused)}")
    table = _long(rows, scored, m) if m.table == "surveys" else _parts(rows, scored, m)
    table.attrs = {"source": file, "kind": m.table, "warnings": list(source.warnings)}
    return ScoredExport(table, pd.DataFrame(summary), m, len(raw), file,
                        tuple(source.warnings))


def _unique_rows(rows: pd.DataFrame, schema: TableSchema, source: Source, on_duplicate: str,
                 where: str) -> pd.Index:
    """The rows to keep: every row has its id (respondent, audit, visit) when the table
    names one, and an id repeated is an error naming the rows, unless the mapping's
    ``on_duplicate`` keeps the first or the last (a warning counts the rows dropped)."""
    key = next((c for c in schema.kinds if schema.kinds[c] == "id"), None)
    if key is None or key not in rows:
        return rows.index
    blank = rows[key].isna()
    if blank.any():
        raise source.error(f"{int(blank.sum())} rows have no {key}", column=key,
                           rows=rows.index[blank].tolist(),
                           fix=f"fill in the {key} of each row, or remove the rows")
    repeated = rows[key].duplicated(keep=False)
    if not repeated.any():
        return rows.index
    if on_duplicate == "error":
        raise source.error(f"{key} repeats: one {key} per row is expected (each row one "
                           "questionnaire, audit or visit)", column=key,
                           rows=rows.index[repeated].tolist(),
                           values=rows.loc[repeated, key].tolist(),
                           fix=f"remove the repeated rows, or add on_duplicate: keep_last "
                               f"(or keep_first) to {where}")
    kept = ~rows[key].duplicated(keep="last" if on_duplicate == "keep_last" else "first")
    source.warnings.append(f"{key}: {int((~kept).sum())} repeated rows dropped "
                           f"({on_duplicate})")
    return rows.index[kept]


def _long(rows: pd.DataFrame, scored: dict[str, pd.Series], m: ScoredMapping) -> pd.DataFrame:
    frames = []
    for q in m.questions:
        s = scored[q.column]
        keep = s.notna()
        part = rows.loc[keep].copy()
        part["question"] = q.question
        part["dimension"] = q.dimension or q.question
        part["score"] = s[keep].astype(float)
        part["row"] = part.index.astype(int)  # the export's spreadsheet row
        frames.append(part)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.sort_values(["row"], kind="stable").reset_index(drop=True)


def _parts(rows: pd.DataFrame, scored: dict[str, pd.Series], m: ScoredMapping
           ) -> pd.DataFrame:
    """Each part the mean of its items, rescaled to 0-10."""
    out = rows.copy()
    for part in PARTS[m.table]:
        items = [q for q in m.questions if q.dimension == part]
        if not items:
            continue
        tens = [(scored[q.column] - m.scales[q.scale].low)
                / (m.scales[q.scale].high - m.scales[q.scale].low) * 10 for q in items]
        out[part] = pd.concat(tens, axis=1).mean(axis=1, skipna=True)
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class ScoredSummary:
    """What a scored export holds, for ``pdca check-data``: the sentences to show."""

    sentences: tuple[str, ...]
    record: MappingABC[str, Any]


def describe_scored(path: str | os.PathLike[str], mapping: Any) -> ScoredSummary:
    """Respondents, questions, scales and answers not scored, in sentences.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_text("ID,Q\\n1,Yes\\n2,\\n3,N/A\\n")
    >>> m = {"columns": {"respondent_id": "ID"}, "questions": {"Q": {"scale": "yn"}},
    ...      "scales": {"yn": {"range": [0, 1], "better": "higher",
    ...                        "answers": {"Yes": 1, "No": 0}, "not_scored": ["N/A"]}}}
    >>> print(describe_scored(p, m).sentences[2])
    Not scored: 1 blank, 1 not scored (Q: 'N/A' 1).
    """
    s = load_scored(path, mapping)
    info = s.not_scored
    kind = {"surveys": "respondents", "audits": "audits",
            "mystery_shopper": "visits"}[s.kind]
    groups = sorted({d for d in info["dimension"] if d})
    first = (f"{s.source}: a {s.kind.replace('_', ' ')} export, {s.respondents:,} {kind}, "
             f"{len(info)} questions"
             + (f" in {len(groups)} {'dimensions' if s.kind == 'surveys' else 'parts'} "
                f"({', '.join(groups)})" if groups else "") + ".")
    scales = "Scales: " + "; ".join(sc.describe() for sc in s.mapping.scales.values())
    reverse = [q.question for q in s.mapping.questions if q.reverse]
    if reverse:
        scales += f". Reverse-scored: {', '.join(reverse)}"
    listed = [f"{row.question}: " + ", ".join(f"{k!r} {v}" for k, v in
                                              row.not_scored_values.items())
              for row in info.itertuples() if row.not_scored]
    third = (f"Not scored: {int(info['blank'].sum()):,} blank, "
             f"{int(info['not_scored'].sum()):,} not scored"
             + (f" ({'; '.join(listed)})" if listed else "") + ".")
    record = {"kind": s.kind, "rows": s.respondents, "questions": len(info),
              "answered": int(info["answered"].sum()), "blank": int(info["blank"].sum()),
              "not_scored": int(info["not_scored"].sum()),
              "scales": {n: {"range": [sc.low, sc.high], "better": sc.better}
                         for n, sc in s.mapping.scales.items()}}
    return ScoredSummary((first, scales + ".", third, *s.warnings), record)


def is_scored_mapping(spec: Any) -> bool:
    """Whether ``spec`` is a scored mapping (has questions: or scales:), without errors
    for specs that cannot be read (the ordinary loader reports those).

    >>> is_scored_mapping({"questions": {}}), is_scored_mapping(None)
    (True, False)
    """
    if spec is None or spec == "":
        return False
    if isinstance(spec, ScoredMapping):
        return True
    try:
        content, _ = mapping_content(spec)
    except (DataError, TypeError):
        return False
    return bool(set(content) & set(SCORED_KEYS))
