"""Classifying feedback by a lexicon the team edits, and its agreement with a given class.

A lexicon lists, per class of the method (4.4.1), the words that signal it, Chinese and
English side by side (``mappings/feedback_lexicon.yaml`` in a workbook; the bundled
default is :data:`DEFAULT_LEXICON`). Text is segmented into words with jieba (Chinese)
after the lexicon's words are taught to the segmenter, so 慢 (slow) does not match inside
傲慢 (arrogant) nor 快 (fast) inside 快递 (parcel); English words match whole, ignoring
case, a phrase as its words in a row. An item goes to the class with the most matches; a
tie to the class listed first; no match: ``other``.

Where the export carries a class, :func:`agreement` compares the two: the confusion table
and Cohen's kappa with its asymptotic interval (statsmodels ``cohens_kappa``; Fleiss,
Cohen & Everitt 1969).

>>> lex = load_lexicon()
>>> lex.classify(["客服态度傲慢", "Waited 3 days for a reply", "快递到了", "Thanks!"])
('attitude', 'response_speed', 'other', 'other')
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.data.errors import DataError

from .schema import CLASSES, OTHER

__all__ = ["DEFAULT_LEXICON", "Agreement", "Lexicon", "Match", "agreement", "load_lexicon"]

#: The bundled lexicon, also written into a new workbook's ``mappings/`` (``pdca init``).
DEFAULT_LEXICON = (Path(__file__).resolve().parents[1] / "skeleton" / "mappings"
                   / "feedback_lexicon.yaml")

_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Match:
    """One item's class, its matches per class and the words that matched."""

    label: str
    counts: tuple[tuple[str, int], ...]
    words: tuple[str, ...]
    tied: bool = False


@dataclass(frozen=True)
class Lexicon:
    """Class -> words, in tie-break order (the first class listed wins a tie).

    >>> lex = Lexicon((("attitude", ("rude",)), ("response_speed", ("slow",))))
    >>> lex.match("Rude and slow").label, lex.match("Rude and slow").tied
    ('attitude', True)
    """

    terms: tuple[tuple[str, tuple[str, ...]], ...]
    source: str = ""

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes the lexicon has words for, in tie-break order."""
        return tuple(key for key, _ in self.terms)

    def match(self, text: Any) -> Match:
        """The class of one text, with the counts and matched words behind it."""
        if not isinstance(text, str) or not text.strip():
            return Match(OTHER, (), ())
        return _matcher(self.terms)(text)

    def classify(self, texts: Iterable[Any]) -> tuple[str, ...]:
        """The class of each text (each distinct text segmented once)."""
        seen: dict[Any, str] = {}
        out = []
        for text in texts:
            key = text if isinstance(text, str) else None
            if key not in seen:
                seen[key] = self.match(text).label
            out.append(seen[key])
        return tuple(out)


def _tokens(tokenizer: Any, text: str) -> list[str]:
    return [t.casefold() for t in tokenizer.lcut(text) if t.strip()]


@functools.lru_cache(maxsize=8)
def _matcher(terms: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """A function text -> :class:`Match` for one lexicon, with its own jieba segmenter
    (:func:`~pdcakit.registers.segmenter.segmenter`: jieba's cuts, its dictionary read
    from an index rather than loaded whole; the global one is left alone), built once per
    lexicon."""
    from .segmenter import segmenter

    tokenizer = segmenter(word for _, words in terms for word in words
                          if _HAN.search(word) and len(word) > 1)
    first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
    for key, words in terms:
        for word in words:
            seq = tuple(_tokens(tokenizer, word))
            first.setdefault(seq[0], []).append((seq, key, word))
    order = [key for key, _ in terms]

    @functools.lru_cache(maxsize=65536)
    def match(text: str) -> Match:
        tokens = _tokens(tokenizer, text)
        counts = dict.fromkeys(order, 0)
        found = []
        for i, token in enumerate(tokens):
            for seq, key, word in first.get(token, ()):
                if tuple(tokens[i:i + len(seq)]) == seq:
                    counts[key] += 1
                    found.append(word)
        best = max(counts.values(), default=0)
        if best == 0:
            return Match(OTHER, (), ())
        winners = [key for key in order if counts[key] == best]
        return Match(winners[0], tuple((k, n) for k, n in counts.items() if n),
                     tuple(dict.fromkeys(found)), tied=len(winners) > 1)

    return match


def load_lexicon(path: str | os.PathLike[str] | None = None) -> Lexicon:
    """The lexicon in the YAML file ``path`` (None or ``""``: :data:`DEFAULT_LEXICON`).

    The file holds ``classes:``, class key -> list of words (see the bundled file).

    Raises
    ------
    DataError
        The file missing or not YAML; a class the method does not have (with the closest
        one); a word that is not text, empty, or listed under two classes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "lexicon.yaml"
    >>> _ = p.write_text("classes:\\n  attitude: [rude]\\n  response_speed: [slow, Rude]\\n")
    >>> load_lexicon(p)
    Traceback (most recent call last):
    ...
    pdcakit.data.errors.DataError: ...lexicon.yaml: the word 'Rude' stands under two \
classes, attitude and response_speed. Fix: keep it under one class (words match ignoring \
case).
    """
    from pdcakit.yamltext import load_bounded

    file = Path(path) if path else DEFAULT_LEXICON
    label = str(path) if path else str(DEFAULT_LEXICON)
    if not file.is_file():
        raise DataError("lexicon file not found", file=label,
                        fix="give the path of a lexicon YAML (copy the bundled "
                            "feedback_lexicon.yaml into mappings/), or \"\" for the bundled one")
    try:
        content = load_bounded(file.read_text(encoding="utf-8"), label)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"not a readable YAML file ({exc})", file=label,
                        fix="save it as UTF-8 YAML like the bundled feedback_lexicon.yaml"
                        ) from exc
    except Exception as exc:  # yaml.YAMLError, the UsageErrors of load_bounded
        raise DataError(str(exc), file=label,
                        fix="compare it with the bundled feedback_lexicon.yaml") from exc
    classes = content.get("classes") if isinstance(content, dict) else None
    if not isinstance(classes, dict) or not classes:
        raise DataError("has no classes: section mapping each class to its words",
                        file=label, fix="start the file with classes: and list the words "
                                        "under each class, as the bundled file does")
    return Lexicon(tuple(_class_terms(classes, label)), source=label)


def _class_terms(classes: dict[Any, Any], label: str) -> list[tuple[str, tuple[str, ...]]]:
    from pdcakit.suggest import did_you_mean

    owner: dict[str, str] = {}
    out = []
    allowed = [c for c in CLASSES if c != OTHER]
    for key, words in classes.items():
        if key not in allowed:
            hint = did_you_mean(str(key), allowed)
            raise DataError(f"classes: {key!r} is not one of the method's classes{hint}",
                            file=label, fix=f"use {', '.join(allowed)} (an item matching "
                                            "none is other)")
        if not isinstance(words, list) or not words:
            raise DataError(f"classes: {key}: give a list of words", file=label,
                            fix=f"write them as '  {key}:' then one '    - word' a line")
        kept = []
        for word in words:
            if not isinstance(word, str) or not word.strip():
                raise DataError(f"classes: {key}: {word!r} is not a word", file=label,
                                fix="quote numbers and list only non-empty text")
            folded = word.strip().casefold()
            if folded in owner and owner[folded] != key:
                raise DataError(f"the word {word!r} stands under two classes, {owner[folded]} "
                                f"and {key}", file=label,
                                fix="keep it under one class (words match ignoring case)")
            owner[folded] = key
            kept.append(word.strip())
        out.append((key, tuple(dict.fromkeys(kept))))
    return out


# ---------------------------------------------------------------- agreement


@dataclass(frozen=True, eq=False)
class Agreement:
    """The lexicon's agreement with the class the export carries.

    ``table``: the confusion table, the export's class down, the lexicon's across (every
    class of the method, ``other`` included); ``observed``: share of items on which they
    agree; ``kappa`` and ``ci``: Cohen's kappa and its asymptotic interval (None where
    undefined: every item in one class on both sides); ``recall``: per export class, the
    share the lexicon put in the same class.
    """

    table: pd.DataFrame
    n: int
    observed: float
    expected: float
    kappa: float | None
    se: float | None
    ci: tuple[float, float] | None
    confidence: float
    recall: dict[str, float | None]

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "observed": self.observed, "expected": self.expected,
                "kappa": self.kappa, "se": self.se,
                "ci": None if self.ci is None else list(self.ci),
                "confidence": self.confidence,
                "method": "Cohen's kappa, asymptotic interval (Fleiss, Cohen & Everitt 1969)",
                "table": {given: {k: int(v) for k, v in row.items()}
                          for given, row in self.table.iterrows()},
                "recall": self.recall}


def agreement(given: Sequence[Any], lexicon: Sequence[str], *,
              confidence: float = 0.95) -> Agreement:
    """Confusion table and Cohen's kappa of the export's classes ``given`` against the
    lexicon's; items without a class on either side are left out.

    >>> a = agreement(["attitude", "attitude", "other", None], ["attitude", "other", "other",
    ...                                                        "attitude"])
    >>> a.n, round(a.observed, 3), round(a.kappa, 3)
    (3, 0.667, 0.4)
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    g = pd.Series(list(given), dtype=object)
    p = pd.Series(list(lexicon), dtype=object)
    if len(g) != len(p):
        raise ValueError(f"given has {len(g)} items, lexicon {len(p)}: one class per item")
    keep = (g.notna() & p.notna()).to_numpy()
    g, p = g[keep], p[keep]
    n = int(keep.sum())
    if n < 2:
        raise ValueError(f"not enough data: {n} item(s) carry a class in the export, need "
                         ">= 2")
    cat = pd.CategoricalDtype(list(CLASSES))
    table = pd.crosstab(g.astype(cat), p.astype(cat), dropna=False).reindex(
        index=list(CLASSES), columns=list(CLASSES), fill_value=0)
    counts = table.to_numpy(dtype=float)
    observed = float(np.trace(counts) / n)
    expected = float((counts.sum(axis=1) @ counts.sum(axis=0)) / n ** 2)
    kappa = se = ci = None
    if expected < 1 - 1e-12:
        from scipy.stats import norm

        res = cohens_kappa(counts)  # its own interval is at 95% only: ours at confidence
        kappa, se = float(res.kappa), float(res.std_kappa)
        z = float(norm.isf((1 - confidence) / 2))
        ci = (kappa - z * se, kappa + z * se)
    rows = counts.sum(axis=1)
    recall = {c: (float(counts[i, i] / rows[i]) if rows[i] else None)
              for i, c in enumerate(CLASSES)}
    table.index.name, table.columns.name = "export", "lexicon"
    return Agreement(table=table, n=n, observed=observed, expected=expected, kappa=kappa,
                     se=se, ci=ci, confidence=confidence, recall=recall)
