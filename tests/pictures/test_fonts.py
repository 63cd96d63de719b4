"""w2vkit.pictures.fonts: the page's font cut to its characters, kept in the user's cache (the one
cache door) for the next start and believed only when it is such a rule."""

from __future__ import annotations

import numpy as np
import pytest

from w2vkit.base.cachefile import StampedCache
from w2vkit.pictures import fonts


def kept_key(stamp) -> str:
    """The key a stamp holds (its text but the checksum at its end)."""
    return stamp.read_text().rsplit(" ", 1)[0]


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
    stamp_key = kept_key(own_cache / "page-font.sha256")
    kept = own_cache / "page-font.npy"
    assert bytes(np.load(kept)).decode("ascii") == first and "base64," in first
    fonts._font_face.cache_clear()
    cut = fonts._cut_font
    monkeypatch.setattr(fonts, "_cut_font", lambda chars, path: pytest.fail("cut again"))
    assert fonts.page_font_face("月亮照山河") == first  # (read back at the next start)
    fonts._font_face.cache_clear()
    tampered = first.replace("}", "} </style><script>alert(1)</script>").encode("ascii")
    StampedCache(kept, stamp_key).keep(np.frombuffer(tampered, dtype=np.uint8))  # (stamped, yet not a rule)
    monkeypatch.setattr(fonts, "_cut_font", cut)
    assert fonts.page_font_face("月亮照山河") == first  # (not a rule of its shape: cut again, kept again)
    assert bytes(np.load(kept)).decode("ascii") == first
