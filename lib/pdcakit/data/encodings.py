"""Which text encoding an export is in: only what is certain, else a refusal naming candidates.

A byte sequence does not say which encoding wrote it. What can be told for certain:

- a byte-order mark (UTF-8, UTF-16, UTF-32);
- valid UTF-8 (text in any other encoding is almost never valid UTF-8 by chance);
- GB18030 (Chinese-locale Excel) when the bytes decode as GB18030 *and* the result
  is plausible Chinese: at least :data:`GB_PLAUSIBLE` of its non-ASCII characters
  are common (GB2312) characters and none is a private-use or control character;
  *and* the bytes do not read as plausible Korean or Japanese too. A Western export
  (``Zürich`` in CP1252) often decodes as GB18030 too, but into rare characters
  (``Z黵ich``), so it fails the test.

Korean (EUC-KR / CP949) and Japanese (EUC-JP) exports use the same byte ranges as
GB2312: ``부산`` in EUC-KR is ``何魂`` in GB18030, ``大阪`` in EUC-JP is ``络哄``. A text
reads as plausible Korean when at least :data:`CJK_PLAUSIBLE` of its distinct non-ASCII
characters are Hangul syllables (or CJK punctuation); as plausible Japanese when as many
are kana, punctuation or kanji of the common JIS level 1. Such a text is never taken as
Chinese: it is refused, naming each reading and the encoding to give. A long Chinese text
passes, since its characters spread over GB2312 rows that are Hanja in EUC-KR and
level-2 kanji in EUC-JP.

Anything else (CP1252 / Latin-1, Central European, Shift-JIS ...) is refused with the
candidates and how the first non-ASCII line reads in each, and the fix: name the
encoding (``encoding:`` in the mapping) or save the file as UTF-8. Text that looks like
UTF-16 without a byte-order mark (every other byte 0) is refused with its own message.

>>> detect_encoding("id,site\\nT1,Zürich\\n".encode("utf-8"))
'utf-8'
>>> detect_encoding("工单编号,渠道,一次解决\\nT1,电话,是\\n".encode("gb18030"))
'gb18030'
>>> detect_encoding("id,site\\nT1,Zürich\\n".encode("cp1252"))
Traceback (most recent call last):
...
pdcakit.data.encodings.EncodingUnknown: the text is not UTF-8 and its encoding cannot be \
told for certain: line 2 reads 'T1,Zürich' as cp1252 (Western European, also latin-1) \
or 'T1,Z黵ich' as gb18030 (Chinese)
>>> detect_encoding("id,site\\nT1,부산\\n".encode("euc-kr"))
Traceback (most recent call last):
...
pdcakit.data.encodings.EncodingUnknown: the text is not UTF-8 and its encoding cannot be \
told for certain: line 2 reads 'T1,부산' as cp949 (Korean, also euc-kr) or 'T1,採至' as \
euc_jp (Japanese) or 'T1,何魂' as gb18030 (Chinese)
"""

from __future__ import annotations

import codecs
import re
from collections import Counter

__all__ = ["CANDIDATES", "CJK_PLAUSIBLE", "CJK_READINGS", "GB_PLAUSIBLE", "EncodingUnknown",
           "cjk_plausibility", "decode_detected", "detect_encoding", "gb_plausibility"]

#: Share of non-ASCII characters that must be common Chinese (GB2312) characters for a
#: text that is not UTF-8 to be read as GB18030 without being told.
GB_PLAUSIBLE = 0.95
#: Share of distinct non-ASCII characters that must be Hangul (or kana and common kanji)
#: for a text to read as plausible Korean (Japanese).
CJK_PLAUSIBLE = 0.95
#: The encodings a refusal offers, with the words that say what they are.
CANDIDATES: tuple[tuple[str, str], ...] = (("cp1252", "Western European, also latin-1"),
                                            ("gb18030", "Chinese"))
#: Korean and Japanese encodings whose bytes overlap GB2312, with their words.
CJK_READINGS: tuple[tuple[str, str], ...] = (("cp949", "Korean, also euc-kr"),
                                              ("euc_jp", "Japanese"),
                                              ("cp932", "Japanese, Shift-JIS"))
_SAMPLE_CHARS = 1 << 20          # characters looked at for the plausibility
_UNUSUAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


class EncodingUnknown(ValueError):
    """The encoding cannot be told for certain; the message names the candidates, and
    ``codecs`` the codec names, the likeliest first."""

    def __init__(self, message: str, codecs: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codecs = codecs


def _is_common_chinese(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def gb_plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` (its first 1M characters) that are
    common Chinese characters or punctuation (GB2312); 0.0 with any private-use or
    control character; 1.0 for ASCII text.

    >>> gb_plausibility("渠道,电话"), gb_plausibility("Z黵ich")
    (1.0, 0.0)
    """
    sample = text[:_SAMPLE_CHARS]
    if _UNUSUAL.search(sample):
        return 0.0
    counts = Counter(_NON_ASCII.findall(sample))
    total = sum(counts.values())
    if not total:
        return 1.0
    return sum(n for c, n in counts.items() if _is_common_chinese(c)) / total


def _korean_char(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or _cjk_punctuation(char)


def _cjk_punctuation(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff9f"


def _japanese_char(char: str) -> bool:
    if "\u3041" <= char <= "\u30ff" or _cjk_punctuation(char):
        return True
    try:
        code = char.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and 0xB0 <= code[0] <= 0xCF   # JIS X 0208 level 1 kanji


def cjk_plausibility(text: str, codec: str) -> float:
    """Share of the distinct non-ASCII characters of ``text`` (decoded with ``codec``, one
    of :data:`CJK_READINGS`) that Korean (Hangul) or Japanese (kana, level-1 kanji) text
    is made of; 0.0 with a private-use or control character or none of those.

    >>> cjk_plausibility("부산 지점", "cp949"), cjk_plausibility("大阪の支店", "euc_jp")
    (1.0, 1.0)
    >>> misread = "渠道,一次解决".encode("gb18030").decode("euc_jp")  # Chinese as Japanese
    >>> misread, round(cjk_plausibility(misread, "euc_jp"), 2)
    ('麦祇,匯肝盾畳', 0.83)
    """
    sample = text[:_SAMPLE_CHARS]
    if _UNUSUAL.search(sample):
        return 0.0
    chars = set(_NON_ASCII.findall(sample))
    test = _korean_char if codec == "cp949" else _japanese_char
    hits = sum(1 for c in chars if test(c))
    if not chars or not any(test(c) and not _cjk_punctuation(c) for c in chars):
        return 0.0
    return hits / len(chars)


def _cjk_readings(raw: bytes) -> list[tuple[str, str]]:
    """The Korean and Japanese readings of ``raw`` (its first megabyte, cut at a line end)
    that decode and are plausible."""
    sample = raw[:_SAMPLE_CHARS]
    if len(raw) > _SAMPLE_CHARS and b"\n" in sample:
        sample = sample[: sample.rfind(b"\n") + 1]
    found = []
    for codec, words in CJK_READINGS:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if cjk_plausibility(text, codec) >= CJK_PLAUSIBLE:
            found.append((codec, words))
    return found


def _utf16_order(head: bytes) -> str | None:
    """``"le"`` / ``"be"`` when every other byte of ``head`` is mostly 0 (UTF-16 text of
    mostly ASCII characters, written without a byte-order mark)."""
    if b"\x00" not in head or len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "be"
    return None


def _first_non_ascii_line(raw: bytes) -> tuple[int, bytes]:
    at = next((i for i, b in enumerate(raw[:_SAMPLE_CHARS]) if b > 0x7F), 0)
    start = raw.rfind(b"\n", 0, at) + 1
    end = raw.find(b"\n", at)
    line = raw[start: end if end >= 0 else len(raw)].rstrip(b"\r")
    return raw[:start].count(b"\n") + 1, line[:120]


def _refusal(raw: bytes, cjk: list[tuple[str, str]] | None = None,
             western: bool = True) -> EncodingUnknown:
    """The refusal: how the first non-ASCII line reads in each candidate (the plausible
    Korean / Japanese readings first, then Western European unless ``western`` is False,
    then Chinese)."""
    number, line = _first_non_ascii_line(raw)
    candidates = list(_cjk_readings(raw) if cjk is None else cjk)
    candidates += [c for c in CANDIDATES if western or c[0] != "cp1252"]
    readings = []
    for enc, words in candidates:
        shown = line.decode(enc, errors="replace")
        readings.append(f"{shown!r} as {enc} ({words})")
    return EncodingUnknown("the text is not UTF-8 and its encoding cannot be told for "
                           f"certain: line {number} reads " + " or ".join(readings),
                           tuple(enc for enc, _ in candidates))


def detect_encoding(raw: bytes) -> str:
    """The codec name of ``raw`` when it is certain (see the module), else
    :class:`EncodingUnknown` naming the candidates.

    Returns one of ``utf-8-sig``, ``utf-16``, ``utf-32``, ``utf-8`` and ``gb18030``.

    >>> detect_encoding(codecs.BOM_UTF16_LE + "id".encode("utf-16-le"))
    'utf-16'
    >>> detect_encoding("id,x\\n".encode("utf-16-le"))
    Traceback (most recent call last):
    ...
    pdcakit.data.encodings.EncodingUnknown: the text looks like UTF-16 (little-endian) \
without a byte-order mark: every other byte is 0
    """
    return decode_detected(raw)[0]


def decode_detected(raw: bytes) -> tuple[str, str]:
    """``(codec, text)``: :func:`detect_encoding` and the decoded text, decoded once.

    >>> decode_detected("渠道,一次解决".encode("gb18030"))
    ('gb18030', '渠道,一次解决')
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return enc, raw.decode(enc)  # a damaged BOM file raises UnicodeDecodeError
    order = _utf16_order(raw[:4096])
    if order is not None:
        word = "little" if order == "le" else "big"
        raise EncodingUnknown(f"the text looks like UTF-16 ({word}-endian) without a "
                              "byte-order mark: every other byte is 0")
    try:
        return "utf-8", raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        raise _refusal(raw) from None
    if gb_plausibility(text) >= GB_PLAUSIBLE:
        cjk = _cjk_readings(raw)
        if not cjk:
            return "gb18030", text
        raise _refusal(raw, cjk, western=False)   # Korean or Japanese, or Chinese
    raise _refusal(raw)
