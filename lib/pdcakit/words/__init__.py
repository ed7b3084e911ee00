"""The words layer: what a reader sees, in the reader's language, from gettext catalogues.

A statistics module computes; the wording of its results is asked of a :class:`Words`
for the page's language. English text is the message id, so English output is the
code's own text and only another language's catalogue adds text:
``lib/pdcakit/words/locale/<gettext locale>/LC_MESSAGES/pdcakit.po`` (the source,
compiled in memory with :mod:`babel.messages.mofile` when first asked for, so the
``.po`` and what runs never drift apart). ``make catalogues`` extracts the messages
(``pybabel extract``) into ``locale/pdcakit.pot`` and merges them into each ``.po``;
``tests/test_words.py`` fails when a message lacks a translation or its placeholders
differ.

Messages use named placeholders, filled after translation so a translator may reorder
them: ``words._("{name} fell from {before} to {after}", name=..., before=..., after=...)``.
Numbers, percentages and dates come from Babel for the language's locale.

>>> zh = Words("zh-CN")
>>> zh.date(dt.date(2026, 7, 5)), Words().date(dt.date(2026, 7, 5))
('2026年7月5日', '5 July 2026')
>>> Words()._("{name} fell", name="AHT"), zh.value(240, "minutes", scale="hours")
('AHT fell', '4.0 小时')
>>> check_language("fr")
Traceback (most recent call last):
...
ValueError: language: 'fr' is not one of en, zh-CN (en: English, zh-CN: Simplified Chinese)
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import math
import re
import string
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LANGUAGES", "N_", "Words", "check_language", "translation", "words"]

#: The languages a page can be read in: code -> (gettext locale, Babel locale, name).
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "en": ("en", "en_GB", "English"),
    "zh-CN": ("zh_CN", "zh_Hans_CN", "Simplified Chinese"),
}

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "pdcakit"


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined; translate it where shown."""
    return message


#: Unit words that follow a number in :func:`pdcakit.results.format_value`'s text.
_UNIT_WORDS = (N_("minutes"), N_("hours"), N_("days"), N_("points"), N_("score"))

#: Estimands' names as the figures carry them (English), marked for the catalogue.
_ESTIMANDS = (N_("median"), N_("mean"), N_("share"), N_("rate per 100 tickets"), N_("NPS"),
              N_("weighted conformance"), N_("composite score"))


#: The period words (:data:`pdcakit.periods.PERIODS`) and the spc rule sets' names
#: (:func:`pdcakit.spc.rule_set_name`) a page shows, marked for the catalogue.
_PERIOD_WORDS = (N_("day"), N_("week"), N_("month"))
_RULE_SETS = (N_("NHS Making Data Count"), N_("Western Electric rules 1-4"),
              N_("Nelson rules 1-8"), N_("Anhøj"))

#: Canonical ticket columns a page names (segments, mix), marked for the catalogue.
_COLUMNS = (N_("channel"), N_("category"), N_("site"), N_("team"), N_("agent"),
            N_("priority"), N_("product"))


def check_language(language: str) -> str:
    """``language`` when it is one of :data:`LANGUAGES`, else a ValueError naming them."""
    if language not in LANGUAGES:
        names = ", ".join(f"{code}: {name}" for code, (_, _, name) in LANGUAGES.items())
        raise ValueError(f"language: {language!r} is not one of {', '.join(LANGUAGES)} "
                         f"({names})")
    return language


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of ``language`` (English has none: its text is the message id)."""
    return LOCALE_DIR / LANGUAGES[check_language(language)][0] / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translation(language: str = "en") -> gettext.NullTranslations:
    """The gettext translations of ``language``: English's are the message ids themselves;
    another language's ``.po`` is compiled in memory (Babel) and loaded as
    :class:`babel.support.Translations`.

    >>> translation("zh-CN").gettext("Improved")
    '改善'
    """
    if check_language(language) == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = catalogue_path(language)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[language][1], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Words:
    """The wording helpers of one language (see the module docstring)."""

    language: str = "en"

    def __post_init__(self) -> None:
        check_language(self.language)

    @property
    def english(self) -> bool:
        return self.language == "en"

    @property
    def locale(self) -> str:
        """The Babel locale of the language (``zh_Hans_CN``)."""
        return LANGUAGES[self.language][1]

    def _(self, message: str, /, **values: object) -> str:
        """``message`` translated, its ``{named}`` placeholders filled with ``values``."""
        text = translation(self.language).gettext(message)
        return text.format(**values) if values else text

    def reword(self, text: str) -> str:
        """English ``text`` that a module filled from a marked message, in this language:
        the message whose fixed words match it whole is found in the catalogue (its
        ``{placeholders}`` read back from ``text``, each reworded in turn) and its
        translation filled with them; a text of several sentences is reworded sentence by
        sentence; a text no message matches stays as it is (English: ``text`` itself).

        A statistics or control-chart module words its result in English from messages it
        marks with :func:`N_` (``N_("{n} points outside the limits")``); the page that shows
        the result rewords it, so the module needs no language.

        >>> zh = Words("zh-CN")
        >>> zh.reword("Skipped: **Money**: off: kpis is empty (give e.g. [fcr, "
        ...           "time_to_resolve] to enable it).")
        '已跳过：**金额**：已关闭：kpis 为空（给出例如 [fcr, time_to_resolve] 即可启用）。'
        >>> zh.reword("Not a message."), Words().reword("Money")
        ('Not a message.', 'Money')
        """
        if self.english or not text:
            return text
        return _reword(self.language, text)

    def ngettext(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The singular or plural form for ``count`` (``{count}`` is filled too)."""
        text = translation(self.language).ngettext(singular, plural, count)
        return text.format(count=count, **values)

    def sentences(self, *parts: str) -> str:
        """Sentences one after the other: a space between them in English, none in
        Chinese (its full stop ends a sentence without one).

        >>> Words("zh-CN").sentences("改善。", "稳定。"), Words().sentences("Up.", "Stable.")
        ('改善。稳定。', 'Up. Stable.')
        """
        return ("" if self.language == "zh-CN" else " ").join(p for p in parts if p)

    # ------------------------------------------------------------ numbers and dates
    def number(self, value: float | None, digits: int = 1, *, sign: bool = False) -> str:
        """``value`` with ``digits`` decimals and the locale's separators, never a
        negative zero (Babel's ``format_decimal``; English: :func:`results.format_number`).

        >>> Words("zh-CN").number(-1234.56), Words("zh-CN").number(0.3, sign=True)
        ('-1,234.6', '+0.3')
        """
        from pdcakit.results import format_number

        if self.english or value is None or not math.isfinite(float(value)):
            return format_number(value, digits, sign=sign)
        from babel.numbers import format_decimal

        rounded = round(float(value), digits) or 0.0
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        text = format_decimal(rounded, format=pattern, locale=self.locale)
        return ("+" + text) if sign and rounded > 0 else text

    def percent(self, fraction: float | None, digits: int = 1, *, sign: bool = False) -> str:
        """A fraction as a percentage (Babel's ``format_percent``).

        >>> Words("zh-CN").percent(0.94534), Words("zh-CN").percent(-0.162, sign=True)
        ('94.5%', '-16.2%')
        """
        from pdcakit.results import format_percent

        if self.english:
            return format_percent(fraction, digits, sign=sign)
        if fraction is None or not math.isfinite(float(fraction)):
            return self._("n/a")
        from babel.numbers import format_percent as babel_percent

        rounded = round(100 * float(fraction), digits) / 100 or 0.0
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        text = babel_percent(rounded, format=pattern, locale=self.locale)
        return ("+" + text) if sign and rounded > 0 else text

    def level(self, level: float) -> str:
        """A confidence level: "95%", "98.8%" (three significant figures at most)."""
        from pdcakit.results import format_level

        return format_level(level)

    def unit(self, word: str) -> str:
        """A unit word ("minutes", "hours", "days", "points") in the language."""
        return self._(word) if word in _UNIT_WORDS else word

    def value(self, value: float | None, unit: str = "", digits: int = 1, *,
              scale: str | None = None) -> str:
        """:func:`pdcakit.results.format_value` with the unit word in the language."""
        from pdcakit.results import format_value

        text = format_value(value, unit, digits, scale=scale)
        if self.english:
            return text
        return self.localise(text)

    def localise(self, text: str) -> str:
        """English number text ("-0.8 to -0.2 minutes", "n/a") with its unit words
        translated, the numbers kept (English and Chinese share their separators)."""
        if self.english:
            return text
        if text == "n/a":
            return self._("n/a")
        head, _, last = text.rpartition(" ")
        if head and last in _UNIT_WORDS:
            return f"{head} {self.unit(last)}"
        return text

    def column(self, name: str) -> str:
        """A canonical column's name ("channel" -> "渠道"); others stay as they are."""
        return self._(name) if name in _COLUMNS else name

    def estimand(self, text: str) -> str:
        """An estimand's name ("median", "mean time up to 23.9 days") in the language;
        one the catalogue does not know stays as it is."""
        if self.english:
            return text
        horizon = text.removeprefix("mean time up to ")
        if horizon != text:
            return self._("mean time up to {horizon}", horizon=self.localise(horizon))
        return self._(text)

    def date(self, day: dt.date) -> str:
        """A date as the language writes it: "5 July 2026", "2026年7月5日"."""
        if self.english:
            return f"{day.day} {day:%B %Y}"
        from babel.dates import format_date

        return format_date(day, format="long", locale=self.locale)


#: The fewest letters a message's fixed words need for :meth:`Words.reword` to read a text
#: as that message.
_REWORD_LETTERS = 5
#: How many whole-text matches :meth:`Words.reword` weighs against each other.
_REWORD_READINGS = 3
_SENTENCE_END = re.compile(r"(?<=[.:])\s+(?=[A-Z*(])")
_CLAUSE_END = re.compile(r";\s+")
_TERM_END = re.compile(r"(?<=\*\*):\s+")  # "**term**: its meaning"
_BOLD_LEAD = re.compile(r"(?<=:\*\*)\s+")  # "**term:** what it says"
_COLON = re.compile(r":\s+")  # "what was done: why"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
#: A run of English words (with the figures and signs between them) inside Chinese text.
_ENGLISH_PIECE = re.compile(r"[A-Za-z][^\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
                            r"[A-Za-z)]")
_BOLD_WHOLE = re.compile(r"\*\*([^*]+)\*\*")
_ASIDE = re.compile(r"(.+?) \(([^()]+)\)", re.S)
_ABBREVIATION = re.compile(r"[A-Z]{2,5}")
#: A range of amounts as the number layer writes it: "-0.8 to -0.2 minutes".
_AMOUNT = r"[-+\u2212]?\d[\d,.]*%?(?: (?:minutes|hours|days|points))?"
_AMOUNTS = re.compile(f"({_AMOUNT}) to ({_AMOUNT})")
_UNIT_AFTER = re.compile(r" (minutes|hours|days|points)$")
#: How reword joins text and its aside, and the separators it splits at, for the catalogue.
_ASIDE_MESSAGE = N_("{text} ({detail})")
_SEPARATORS = (N_("; "), N_(": "), N_("."))


@functools.cache
def _templates(language: str) -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """(pattern, fixed words, translation) of every translated message with named
    placeholders and at least :data:`_REWORD_LETTERS` letters of fixed words, the longest
    pattern first: a pattern matches a filled message whole,
    each placeholder as a group (a message whose placeholder carries a conversion or a
    format, ``{x!r}``, is left out: its value cannot be read back)."""
    found = []
    for message, said in _filled_messages(language):
        if "{" not in message or not said:
            continue
        try:
            parts = list(string.Formatter().parse(message))
        except ValueError:
            continue
        if any(name is not None and (conversion or spec or not name.isidentifier())
               for _, name, spec, conversion in parts):
            continue
        pattern, seen, fixed = [], set(), []
        for literal, name, _, _ in parts:
            pattern.append(re.escape(literal))
            fixed.append(literal)
            if name is None:
                continue
            pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
        if not seen or len(re.findall(r"[A-Za-z]", "".join(fixed))) < _REWORD_LETTERS:
            continue  # "{a} to {b}", "{a}: {b}" would read any text as themselves
        found.append((re.compile("".join(pattern), re.S), max(fixed, key=len), said))
    return tuple(sorted(found, key=lambda item: -len(item[0].pattern)))


def _filled_messages(language: str) -> list[tuple[str, str]]:
    """(English, translation) of every message of ``language``'s catalogue, a plural
    message's singular and plural each with its form (the catalogue's own ``.po``)."""
    from babel.messages.pofile import read_po

    with catalogue_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=LANGUAGES[language][1], domain=DOMAIN)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            pairs.append((message.id, str(message.string or "")))
        else:
            forms = [str(form or "") for form in message.string]
            pairs += [(message.id[0], forms[0]), (message.id[1], forms[-1])]
    return pairs


@functools.lru_cache(maxsize=16384)
def _reword(language: str, text: str) -> str:
    """``text`` reworded (:meth:`Words.reword`): of the first few messages that match it
    whole, and of its sentences or clauses reworded one by one, the reading that leaves
    the fewest English letters (a trailing placeholder can swallow a sentence's tail:
    "{group} n = {n} with skewness {skew}" matches a whole reason too). Every reading
    rewords shorter pieces of ``text``, so the recursion ends; each text is worded once."""
    if _english_letters(text) < 2:  # nothing English to reword ("" would read as the header)
        return text
    catalogue = translation(language)
    said = catalogue.gettext(text)
    if said != text:
        return said
    bold = _BOLD_WHOLE.fullmatch(text)
    if bold:  # "**term**": the term, in bold
        return f"**{_reword(language, bold.group(1))}**"
    readings = [text]  # kept unless a reading leaves fewer English letters
    for pattern, fixed, translated in _templates(language):
        if fixed not in text:
            continue
        match = pattern.fullmatch(text)
        if match:
            readings.append(translated.format(**{
                name: _reword(language, value)
                for name, value in match.groupdict().items()}))
            if len(readings) > _REWORD_READINGS:
                break
    stops = {".": catalogue.gettext("."), ":": catalogue.gettext(": ").strip()}
    for stop, said_stop in stops.items():  # a message without its full stop or colon
        if text.endswith(stop) and not text.endswith(stop * 2):
            readings.append(_reword(language, text[:-1]) + said_stop)
    aside = _ASIDE.fullmatch(text)
    if aside and _ABBREVIATION.fullmatch(aside.group(2)):  # "Name (NPS)": the name's own
        readings.append(catalogue.gettext(_ASIDE_MESSAGE).format(
            text=_reword(language, aside.group(1)), detail=aside.group(2)))
    elif aside:  # "words (a detail)": each reworded
        readings.append(catalogue.gettext(_ASIDE_MESSAGE).format(
            text=_reword(language, aside.group(1)),
            detail=_reword(language, aside.group(2))))
    for splitter, joiner in ((_SENTENCE_END, ""), (_CLAUSE_END, catalogue.gettext("; ")),
                             (_TERM_END, catalogue.gettext(": ")), (_BOLD_LEAD, ""),
                             (_COLON, catalogue.gettext(": "))):
        parts = splitter.split(text)
        if len(parts) > 1:
            readings.append(joiner.join(_reword(language, part) for part in parts))
    amount = _AMOUNTS.fullmatch(text)
    if amount:  # "13.0 minutes to 13.3 minutes": the unit words and "to" in the language
        low, high = (_UNIT_AFTER.sub(lambda m: " " + catalogue.gettext(m.group(1)), part)
                     for part in (amount.group(1), amount.group(2)))
        readings.append(catalogue.gettext("{start} to {end}").format(start=low, end=high))
    if _CJK.search(text):  # English pieces inside a sentence already in Chinese
        readings.append(_ENGLISH_PIECE.sub(
            lambda m: _reword(language, m.group(0)), text))
    if text[:1].isupper() and text[1:2].islower():  # a message capitalised where it starts
        lower = _reword(language, text[0].lower() + text[1:])
        readings.append(lower[:1].upper() + lower[1:])
    return min(readings, key=_english_letters)


def _english_letters(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", text))


@functools.cache
def words(language: str = "en") -> Words:
    """The :class:`Words` of ``language`` (one per language)."""
    return Words(language)
