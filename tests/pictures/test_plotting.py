"""Plots: Chinese labels render with a real CJK font, points and files are as asked."""

import re

import pytest

from w2vkit.errors import UsageError
from w2vkit.pictures.fonts import bundled_font_path, find_cjk_font
from w2vkit.pictures.plotting import MAX_IMAGE_LABELS, plot


def hide_system_fonts(monkeypatch):
    """Hide installed CJK fonts from both lookups (by family name, then by file name)."""
    monkeypatch.setattr("w2vkit.pictures.fonts.CJK_FONTS", [])
    monkeypatch.setattr("w2vkit.pictures.fonts.CJK_FILE_KEYS", ())


def test_a_cjk_font_is_found_on_any_machine():
    font = find_cjk_font()
    assert font is not None, "the font package w2vkit depends on (pylopdf-fonts-zh-cn) is not installed"
    assert font.origin in ("system", "bundled")


def test_without_a_system_font_the_bundled_noto_sans_sc_is_used(engine, tmp_path, monkeypatch):
    hide_system_fonts(monkeypatch)
    font = find_cjk_font()
    assert (font.name, font.origin, font.path) == ("Noto Sans SC", "bundled", bundled_font_path())
    result = plot(engine, tmp_path / "bundled.png", ["行者", "八戒"], neighbors=5)
    assert result.font == "Noto Sans SC"
    assert not [w for w in result.warnings if "missing from font" in w], result.warnings


def test_font_option_comes_first_and_is_checked_before_the_projection(engine, tmp_path, monkeypatch):
    font = find_cjk_font(bundled_font_path())
    assert font.origin == "--font"
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_text("not a font")
    monkeypatch.setattr("w2vkit.pictures.plotting.project", lambda *a: pytest.fail("projected before checking --font"))
    with pytest.raises(UsageError, match=r"notes.ttf: not a font file matplotlib can read"):
        plot(engine, tmp_path / "x.png", ["行者"], font=str(not_a_font))


def test_groups_render_chinese_without_missing_glyphs(engine, tmp_path):
    result = plot(engine, tmp_path / "groups.png", ["行者", "八戒", "三藏", "悟空"], neighbors=8)
    assert not [w for w in result.warnings if "missing from font" in w], result.warnings
    assert result.font is not None
    assert result.groups == 4
    assert 20 <= result.points <= 36 and result.labels == result.points
    assert (tmp_path / "groups.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_overview_of_frequent_words(engine, tmp_path):
    result = plot(engine, tmp_path / "top.svg", top=120, method="pca")
    assert result.points == result.labels == 120
    assert (tmp_path / "top.svg").read_text().lstrip().startswith("<?xml")


def test_without_a_cjk_font_the_plot_is_still_written(engine, tmp_path, monkeypatch):
    hide_system_fonts(monkeypatch)
    monkeypatch.setattr("w2vkit.pictures.fonts.bundled_font_path", lambda: None)
    result = plot(engine, tmp_path / "boxes.pdf", ["行者"], neighbors=3, method="pca")
    assert result.font is None
    assert any("missing from font" in w for w in result.warnings)
    assert (tmp_path / "boxes.pdf").read_bytes()[:4] == b"%PDF"


def test_bad_requests(engine, tmp_path):
    with pytest.raises(UsageError, match="choose a .png, .svg, .pdf or .html file name"):
        plot(engine, tmp_path / "x.jpg")
    with pytest.raises(UsageError, match="no such font file"):
        plot(engine, tmp_path / "x.png", ["行者"], font=str(tmp_path / "nofont.ttf"))


def test_a_large_png_labels_a_readable_subset_and_says_so(invoke, small_model, tmp_path):
    out = tmp_path / "big.png"
    r = invoke(["plot", "--top", "1200", "--method", "pca", "-o", out, "-m", small_model])
    assert r.exit_code == 0, r.stderr
    labelled = int(
        re.search(r"plotted 1,200 words \(labelled the ([\d,]+) most frequent that fit\) in 1 group", r.stderr)
        .group(1)
        .replace(",", "")
    )
    assert 50 < labelled <= MAX_IMAGE_LABELS
    assert out.stat().st_size > 50_000


def test_cli_plot(invoke, small_model, tmp_path):
    out = tmp_path / "cli.png"
    r = invoke(["plot", "行者", "妖精", "-k", "4", "-o", out, "-m", small_model])
    assert r.exit_code == 0, r.stderr
    assert r.stderr.splitlines()[-1].endswith(f"-> {out}")
    assert "plotted 10 words in 2 groups" in r.stderr
    assert f"font {find_cjk_font().describe()}" in r.stderr


def test_cli_warns_once_when_no_cjk_font_exists(invoke, small_model, tmp_path, monkeypatch):
    hide_system_fonts(monkeypatch)
    monkeypatch.setattr("w2vkit.pictures.fonts.bundled_font_path", lambda: None)
    r = invoke(["plot", "行者", "-k", "3", "--method", "pca", "-o", tmp_path / "b.png", "-m", small_model])
    assert r.exit_code == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "no CJK font" in line]
    assert warnings == [
        "warning: no CJK font found, Chinese labels are boxes; pip install pylopdf-fonts-zh-cn "
        "(Noto Sans SC, which w2vkit depends on), install a system CJK font (Debian/Ubuntu: "
        "apt-get install fonts-noto-cjk) or pass --font PATH"
    ]
    assert "font matplotlib default, no CJK glyphs" in r.stderr


def test_a_model_of_characters_is_mapped_with_its_characters(invoke, novel_slice, tmp_path):
    """Round 7's P01, P02: a model of characters (trained with --tokens chars, or imported with
    single characters for words) gets a whole-model map; a word model's map still leaves single
    characters out, and too few words is said with what was left out."""
    import numpy as np

    from w2vkit.model.store import load_model
    from w2vkit.pictures.projection import choose_words
    from w2vkit.queries.query import Engine

    chars = tmp_path / "chars"
    r = invoke(["train", str(novel_slice), "--tokens", "chars", "--epochs", "1", "--dim", "16", "--count-dim", "8",
                "-o", str(chars), "-q"])  # fmt: skip
    assert r.exit_code == 0, r.stderr
    words, _, _ = choose_words(Engine(load_model(chars)), [], 10, 200)
    assert len(words) == 200 and all(len(w) == 1 for w in words)
    out = tmp_path / "chars.png"
    r = invoke(["plot", "-m", str(chars), "--top", "300", "-o", str(out)])
    assert r.exit_code == 0 and out.stat().st_size > 0, r.stderr
    letters = [chr(0x4E00 + i) for i in range(20)]
    source = tmp_path / "letters.txt"
    vectors = np.random.default_rng(1).normal(size=(20, 6))
    source.write_text(
        "20 6\n" + "".join(w + " " + " ".join(f"{x:.4f}" for x in v) + "\n" for w, v in zip(letters, vectors))
    )
    assert invoke(["import", str(source), "-o", str(tmp_path / "imported")]).exit_code == 0
    words, _, _ = choose_words(Engine(load_model(tmp_path / "imported")), [], 10, 2000)
    assert set(words) <= set(letters) and len(words) >= 10  # (stopwords such as 上 and 不 left out)
    words_model = tmp_path / "words"
    r = invoke(
        ["train", str(novel_slice), "--epochs", "1", "--dim", "16", "--count-dim", "8", "-o", str(words_model), "-q"]
    )
    assert r.exit_code == 0, r.stderr
    words, _, _ = choose_words(Engine(load_model(words_model)), [], 10, 200)
    assert all(len(w) > 1 for w in words)


def test_a_query_word_that_is_anothers_neighbour_is_its_own_groups_query(engine):
    """plot 行者 X, where X is among 行者's neighbours: X is drawn (once) as the query of its own
    group, so the legend names it, not its first neighbour."""
    from w2vkit.pictures.projection import choose_words

    first = "行者"
    other = engine.most_similar([first], topn=1)[0][0]
    chosen, groups, is_query = choose_words(engine, [first, other], 5, 0)
    assert chosen.count(other) == 1
    at = chosen.index(other)
    assert is_query[at] and groups[at] == 1
    assert [w for w, g, q in zip(chosen, groups, is_query) if q] == [first, other]
