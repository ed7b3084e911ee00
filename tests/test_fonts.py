"""Chinese on charts without boxes (pdcakit.fonts): the CJK font is found and used, and
without one a run says so once, in plain words, instead of one raw warning per glyph."""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pdcakit import fonts, plots

LABELS = ["电话", "邮件", "在线", "网页", "咨询", "软件故障", "投诉", "权限申请"]


def _draw(family: list[str]) -> list[warnings.WarningMessage]:
    """A bar chart of Chinese labels saved as PNG and SVG under ``family``."""
    with warnings.catch_warnings(record=True) as caught, mpl.rc_context({"font.family": family}):
        warnings.simplefilter("always")
        fonts._said().clear()
        fonts._quiet_missing_glyphs.cache_clear()
        fonts._quiet_missing_glyphs()
        fig = Figure()
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.bar(LABELS, range(len(LABELS)))
        ax.set_title("各渠道首次解决率")
        for kind in ("png", "svg"):
            fig.savefig(io.BytesIO(), format=kind)
    return list(caught)


def test_the_house_style_lists_the_cjk_font_when_installed():
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt install fonts-noto-cjk)")
    assert plots._STYLE["font.family"] == ["DejaVu Sans", fonts.cjk_font()]


def test_chinese_labels_draw_without_a_missing_glyph_when_the_font_is_installed():
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font installed (apt install fonts-noto-cjk)")
    caught = _draw(fonts.font_family())
    assert not [w for w in caught if "missing" in str(w.message).lower()]


def test_without_a_cjk_font_one_plain_warning_names_the_package():
    caught = _draw(["DejaVu Sans"])  # as on a machine without one
    assert len(caught) == 1, [str(w.message) for w in caught]
    [warning] = caught
    assert warning.category is fonts.MissingFontWarning
    assert "apt install fonts-noto-cjk" in str(warning.message)
    assert warning.filename == "pdcakit"  # no machine path
    assert "Glyph" not in str(warning.message)


def test_a_font_installed_after_the_cache_was_built_is_found(monkeypatch):
    """The cached list lacks the font while its file exists: it is added and found."""
    from matplotlib import font_manager

    files = fonts._installed_files()
    if not files:
        pytest.skip("no CJK font file installed")
    manager = font_manager.FontManager.__new__(font_manager.FontManager)
    manager.__dict__.update(font_manager.fontManager.__dict__)
    manager.ttflist = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    manager._findfont_cached = font_manager.fontManager._findfont_cached
    monkeypatch.setattr(font_manager, "fontManager", manager)
    monkeypatch.setattr(fonts, "_add_and_cache", lambda paths: [manager.addfont(p)
                                                               for p in paths])
    fonts.cjk_font.cache_clear()
    try:
        assert fonts._known_family() is None
        assert fonts.cjk_font() == "Noto Sans CJK SC"
    finally:
        fonts.cjk_font.cache_clear()
