"""Chinese on charts without boxes: find a CJK font, give it to matplotlib, say once if none.

Charts of a Chinese export carry Chinese labels (channels, categories, sites, titles of a
zh-CN page). Matplotlib's default font, DejaVu Sans, has no Chinese glyphs: every label
becomes a row of empty boxes, baked into the picture, and each missing glyph raises its
own "Glyph ... missing from font(s)" warning (dozens on a page). This module

* finds a CJK font (:data:`CJK_FAMILIES`, first ``Noto Sans CJK SC`` from Debian's
  ``fonts-noto-cjk``) and puts it after DejaVu Sans in the font family list, so Latin text
  keeps its look and Chinese falls back to the CJK font glyph by glyph;
* when matplotlib's cached font list lacks it while its file is installed (the font was
  installed after matplotlib built its cache), adds the file to the font manager and
  rewrites the cache, so installing the font works on the next run with no cache
  deleted by hand;
* replaces matplotlib's per-glyph warnings by ONE :class:`MissingFontWarning` per run,
  naming the package to install, without a machine path.

>>> family = font_family()
>>> family[0]
'DejaVu Sans'
>>> has_cjk("渠道 phone"), has_cjk("phone")
(True, False)
"""

from __future__ import annotations

import contextlib
import functools
import re
import warnings
from pathlib import Path

__all__ = ["CJK_FAMILIES", "INSTALL_HINT", "MissingFontWarning", "cjk_font", "font_family",
           "has_cjk"]

#: CJK font families matplotlib may use, best first (Simplified Chinese forms first).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Droid Sans Fallback")

#: File names of those fonts as distributions install them.
_CJK_FILES = re.compile(r"(NotoSansCJK|NotoSansSC|SourceHanSans|wqy-(zen|micro)hei|"
                        r"DroidSansFallback)", re.IGNORECASE)

#: What to do when no CJK font is installed (said once per run).
INSTALL_HINT = ("Chinese text on the charts needs a CJK font, and none is installed: the "
                "labels are drawn as empty boxes. Install one (Debian/Ubuntu: "
                "`sudo apt install fonts-noto-cjk`; others: the Noto Sans CJK SC font) and "
                "run again; the workbook finds it by itself.")

_OTHER_HINT = ("Some characters on the charts are missing from every installed font and are "
               "drawn as empty boxes (first: {char!r}).")

_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class MissingFontWarning(UserWarning):
    """A chart drew characters no installed font has (said once per run)."""


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese, Japanese or Korean characters."""
    return bool(_CJK.search(text))


def _installed_files() -> list[str]:
    from matplotlib import font_manager

    return [path for path in font_manager.findSystemFonts(fontext="ttf")
            if _CJK_FILES.search(Path(path).name)]


def _known_family() -> str | None:
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in names), None)


def _add_and_cache(paths: list[str]) -> None:
    """Add ``paths`` to matplotlib's font manager and rewrite its cache file, so the next
    run (a new process) reads a list that has them."""
    import matplotlib as mpl
    from matplotlib import font_manager

    manager = font_manager.fontManager
    for path in paths:
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):  # an unreadable file is skipped
            continue
    cache = Path(mpl.get_cachedir()) / f"fontlist-v{font_manager.FontManager.__version__}.json"
    with contextlib.suppress(OSError):  # a read-only cache still has them for this run
        font_manager.json_dump(manager, cache)


@functools.cache
def cjk_font() -> str | None:
    """The CJK font family matplotlib will use (None: none installed), refreshing its font
    list when an installed CJK font is missing from the cached one."""
    found = _known_family()
    if found is None:
        files = _installed_files()
        if files:
            _add_and_cache(files)
            found = _known_family()
    return found


def font_family() -> list[str]:
    """The font family list for the house style: DejaVu Sans, then the CJK font when one is
    installed; installs the one-warning handler for missing glyphs either way."""
    _quiet_missing_glyphs()
    found = cjk_font()
    return ["DejaVu Sans", *([found] if found else [])]


@functools.cache
def _said() -> set[str]:
    return set()


def _warn_once(kind: str, message: str) -> None:
    said = _said()
    if kind in said:
        return
    said.add(kind)
    # an explicit location, not the caller's: the reader sees no machine path
    warnings.warn_explicit(message, MissingFontWarning, filename="pdcakit", lineno=0,
                           module="pdcakit.fonts")


def _missing_glyph(codepoint: int, fontnames: str) -> None:
    """Matplotlib's per-glyph warning, replaced: one plain warning per run."""
    char = chr(codepoint)
    if has_cjk(char):
        _warn_once("cjk", INSTALL_HINT)
    else:
        _warn_once("other", _OTHER_HINT.format(char=char))


@functools.cache
def _quiet_missing_glyphs() -> None:
    """Route matplotlib's missing-glyph warnings through :func:`_missing_glyph` and drop
    any raw one (a matplotlib that emits them elsewhere)."""
    from matplotlib import _text_helpers

    _text_helpers.warn_on_missing_glyph = _missing_glyph
    warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font",
                            category=UserWarning)
