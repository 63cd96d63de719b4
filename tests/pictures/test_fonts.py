"""w2vkit.pictures.fonts: the page's font cut to its characters, kept in the user's cache for the
next start and believed only when it is such a rule."""

from __future__ import annotations

import pytest

from w2vkit.pictures import fonts


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))
    fonts._font_face.cache_clear()
    yield tmp_path / "cache" / "fonts"
    fonts._font_face.cache_clear()


def test_the_cut_font_is_kept_and_read_back_and_a_tampered_one_is_cut_again(own_cache, monkeypatch):
    if not fonts.bundled_font_path():
        pytest.fail("needs the bundled font (pylopdf-fonts-zh-cn, a dependency)", pytrace=False)
    first = fonts.page_font_face("月亮照山河")
    [kept] = list(own_cache.glob("*.css"))
    assert kept.read_text(encoding="ascii") == first and "base64," in first
    fonts._font_face.cache_clear()
    cut = fonts._cut_font
    monkeypatch.setattr(fonts, "_cut_font", lambda chars, path: pytest.fail("cut again"))
    assert fonts.page_font_face("月亮照山河") == first  # (read back at the next start)
    fonts._font_face.cache_clear()
    kept.write_text(first.replace("}", "} </style><script>alert(1)</script>"), encoding="ascii")
    monkeypatch.setattr(fonts, "_cut_font", cut)
    assert fonts.page_font_face("月亮照山河") == first  # (not a rule of its shape: cut again, kept again)
    assert kept.read_text(encoding="ascii") == first
