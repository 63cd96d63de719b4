"""Fonts for labels drawn by matplotlib: a CJK-capable one found on the system, given by the user,
or the Noto Sans SC that w2vkit depends on, so that Chinese labels are never boxes by default."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError

# Family names as matplotlib's font manager reports them, best first.
CJK_FONTS = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Songti SC",
    "SimSun",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Arial Unicode MS",
]
CJK_FILE_KEYS = (
    "notosanscjk",
    "notoserifcjk",
    "notosanssc",
    "sourcehan",
    "wqy",
    "simhei",
    "msyh",
    "pingfang",
    "hiragino",
    "stheiti",
    "droidsansfallback",
    "uming",
    "ukai",
    "simsun",
)
# The font w2vkit depends on, so that a fresh install draws Chinese with no system package:
# Noto Sans SC (SIL OFL 1.1) from the PyPI package pylopdf-fonts-zh-cn (17 MB wheel).
BUNDLED_FONT_PACKAGE = "pylopdf-fonts-zh-cn"
INSTALL_HINT = (
    f"pip install {BUNDLED_FONT_PACKAGE} (Noto Sans SC, which w2vkit depends on), install a "
    "system CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk) or pass --font PATH"
)


@dataclass
class FontChoice:
    """The font the labels are drawn with, and where it was found."""

    properties: Any  # matplotlib FontProperties
    path: str
    origin: str  # "--font", "system" or "bundled"

    @property
    def name(self) -> str:
        return str(self.properties.get_name())

    def describe(self) -> str:
        return f"{self.name} ({self.origin}: {self.path})"


def find_cjk_font(path: str | None = None) -> FontChoice | None:
    """A CJK-capable font: the given file, else an installed system CJK font, else the bundled
    Noto Sans SC; None if there is none at all."""
    from matplotlib import font_manager

    if path:
        return _font_file(path, "--font")
    installed = {f.name: f.fname for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return FontChoice(font_manager.FontProperties(fname=installed[name]), installed[name], "system")
    # matplotlib caches its font list on first use: a font installed after that is only found
    # on disk. Look for the usual CJK font files by name and register the first one.
    otf = font_manager.findSystemFonts(fontext="otf")  # type: ignore[arg-type]  # (its stubs say ttf|afm only)
    for fname in sorted(font_manager.findSystemFonts() + otf):
        base = os.path.basename(fname).lower()
        if any(key in base for key in CJK_FILE_KEYS):
            try:
                return _font_file(fname, "system")
            except UsageError:
                continue
    bundled = bundled_font_path()
    return _font_file(bundled, "bundled") if bundled else None


def bundled_font_path() -> str | None:
    """The Noto Sans SC file of the font package w2vkit depends on, if it is installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = pylopdf_fonts_zh_cn.sans_path()
    return str(path) if path.is_file() else None


def _font_file(path: str, origin: str) -> FontChoice:
    from matplotlib import font_manager

    if not os.path.lexists(path):
        raise UsageError(f"{path}: no such font file")
    if os.path.isdir(path):
        raise UsageError(f"{path}: a folder, not a font file; give a .ttf, .otf or .ttc file")
    if not Path(path).is_file():  # (a FIFO would block the reader; a device never ends)
        raise UsageError(f"{path}: not a regular file (a pipe or a device); give a .ttf, .otf or .ttc file")
    try:
        font_manager.fontManager.addfont(path)
        props = font_manager.FontProperties(fname=path)
        props.get_name()  # reads the file: fails here for a file that is not a font
    except (OSError, RuntimeError, ValueError) as e:
        raise UsageError(f"{path}: not a font file matplotlib can read ({e}); give a .ttf, .otf or .ttc") from e
    return FontChoice(props, str(path), origin)


# The family a page's CJK text is drawn in (the HTML map: w2vkit.pictures.webmap): the system's own
# CJK font when it has one, else the bundled font's glyphs for the page's characters, inlined.
PAGE_FONT_FAMILY = "w2vkit CJK"
_SYSTEM_CJK = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei")
_CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]"
)


def page_font_face(text: str) -> str:
    """A CSS @font-face rule for PAGE_FONT_FAMILY: the system's CJK fonts first (local()), then the
    bundled Noto Sans SC cut down to the CJK characters of `text` (fontTools' subsetter, which
    matplotlib depends on; some 200 KB for the 1,100 characters of a 2,000-word map, where the
    whole font is 8 MB) as a data: URL, so that a page mailed to a machine without a CJK font,
    offline, draws Chinese rather than empty boxes. '' when `text` has no CJK character or the
    bundled font is not installed."""
    chars = "".join(sorted(set(_CJK.findall(text))))
    path = bundled_font_path()
    if not chars or not path:
        return ""
    return _font_face(chars, str(path))


MAX_KEPT_RULE_BYTES = 64 << 20  # (the whole 8 MB font, base64: 11 MB)
# what a kept rule may be (anything else is cut again): nothing but the font, base64, in the rule
_KEPT_RULE = re.compile(r'@font-face \{ font-family: "[^"]+"; src: [a-zA-Z0-9 (),"-]+, url\(data:font/otf;base64,'
                        r'[A-Za-z0-9+/=]+\) format\("opentype"\); unicode-range: [A-F0-9U+, -]+; \}')  # fmt: skip


@functools.lru_cache(maxsize=8)
def _font_face(chars: str, path: str) -> str:
    """page_font_face's rule for these characters, kept for the process and in the user's cache
    (the latest map's, through the one cache door: w2vkit.base.cachefile): cutting the 8 MB font
    takes 2-5 s (8,241 characters of the poetry model's map: 4.5 s), and the explorer draws the
    same words again when the map's colours change and at its next start. A kept rule is believed
    only when it is a rule of this shape."""
    import hashlib

    import numpy as np

    from ..base.cachefile import StampedCache
    from ..base.env import cache_root

    key = hashlib.sha256(f"{path}\0{os.path.getsize(path)}\0{chars}".encode()).hexdigest()
    cache = StampedCache(cache_root() / "fonts" / "page-font.npy", key)
    kept = cache.read((None,), "uint8", most_bytes=MAX_KEPT_RULE_BYTES)
    rule = bytes(kept).decode("ascii", "replace") if kept is not None else ""
    if _KEPT_RULE.fullmatch(rule):
        return rule
    rule = _cut_font(chars, path)
    cache.keep(np.frombuffer(rule.encode("ascii"), dtype=np.uint8))  # (a cache it cannot write: time only)
    return rule


def _cut_font(chars: str, path: str) -> str:
    import base64
    import io
    import logging

    from fontTools import subset

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # (it logs each table it prunes as a warning)
    options = subset.Options()
    options.layout_features, options.hinting, options.notdef_outline = [], False, True
    font = subset.load_font(path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    data = io.BytesIO()
    subset.save_font(font, data, options)
    local = ", ".join(f'local("{name}")' for name in _SYSTEM_CJK)
    inlined = base64.b64encode(data.getvalue()).decode("ascii")
    return (
        f'@font-face {{ font-family: "{PAGE_FONT_FAMILY}"; src: {local}, '
        f'url(data:font/otf;base64,{inlined}) format("opentype"); unicode-range: U+2E80-2FDF, U+3000-303F, '
        "U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF, U+20000-2FA1F; }"
    )
