"""Segmentation: engines, dictionaries, stopwords, line cap, parallel equivalence, outputs."""

import gzip
import json
from collections import Counter

import numpy as np
import pytest
from conftest import shared_file, text8_like

from w2vkit.errors import BinaryInputError, DictionaryError, EmptyInputError, OptionError, UsageError
from w2vkit.text.segmenting.pipeline import segment_corpus
from w2vkit.text.segmenting.segment import SegmentOptions, Tokenizer, segment_lines
from w2vkit.text.segmenting.wordlists import read_user_dict

REQUIRED = (
    "孙悟空 悟空 行者 孙行者 老孙 大圣 齐天大圣 美猴王 猪八戒 八戒 沙僧 沙和尚 唐僧 三藏 长老 观音 如来 玉帝"
).split()


@pytest.fixture(scope="module")
def novel_fast(xiyouji_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("fast")
    segment_corpus([str(xiyouji_path)], out, SegmentOptions(user_dicts=("xiyouji",)), jobs=2)
    return (out / "xiyouji.txt").read_text(encoding="utf-8").splitlines()


def test_novel_with_xiyouji_dict_has_every_name_as_a_token(novel_fast):
    counts = Counter(t for line in novel_fast for t in line.split())
    missing = [w for w in REQUIRED if counts[w] == 0]
    assert missing == []


def test_fast_and_jieba_engines_agree_on_the_novel(xiyouji_path, tmp_path, novel_fast):
    opts = SegmentOptions(engine="jieba", user_dicts=("xiyouji",))
    segment_corpus([str(xiyouji_path)], tmp_path, opts, jobs=2)
    reference = (tmp_path / "xiyouji.txt").read_text(encoding="utf-8").splitlines()
    assert len(reference) == len(novel_fast)
    same = sum(a == b for a, b in zip(reference, novel_fast))
    assert same / len(reference) >= 0.995


@pytest.mark.parametrize("engine", ["fast", "jieba"])
def test_name_verb_merges_are_split(engine):
    with_fix = SegmentOptions(engine=engine, user_dicts=("xiyouji",), sentences=True)
    text = "沙僧笑道：“哥哥。”老魔道：“走。”行者驾筋斗云去了。"
    assert segment_lines(text, with_fix, "zh") == [
        ["沙僧", "笑", "道", "哥哥"],
        ["老魔", "道", "走"],
        ["行者", "驾", "筋斗云", "去", "了"],
    ]
    without = SegmentOptions(engine=engine, user_dicts=("xiyouji",), split_name_verb=False, sentences=True)
    assert "沙僧笑" in segment_lines(text, without, "zh")[0]


@pytest.mark.parametrize("engine", ["fast", "jieba"])
def test_user_words_glued_to_a_character_are_split(engine):
    """jieba's dictionary holds 保唐僧 and 沙僧见; a compound in the user dictionary stays whole."""
    text = "八戒要保唐僧，沙僧见妖精要吃唐僧肉。"
    expected = ["八戒", "要", "保", "唐僧", "沙僧", "见", "妖精", "要", "吃", "唐僧肉"]
    opts = SegmentOptions(engine=engine, user_dicts=("xiyouji",))
    assert segment_lines(text, opts, "zh") == [expected]
    with_punct = segment_lines(text, SegmentOptions(engine=engine, user_dicts=("xiyouji",), keep_punct=True), "zh")
    assert [t for t in with_punct[0] if t not in "，。"] == expected
    without = segment_lines(text, SegmentOptions(engine=engine, user_dicts=("xiyouji",), split_name_verb=False), "zh")
    assert "保唐僧" in without[0] and "沙僧见" in without[0]


@pytest.mark.parametrize("engine", ["fast", "jieba"])
def test_user_dictionary_is_honoured_by_both_engines(tmp_path, engine):
    d = tmp_path / "my.dict"
    d.write_text("# comment\n云栈洞主 \n金毛鼠王 100 nr\n", encoding="utf-8")
    text = "金毛鼠王见云栈洞主"
    before = segment_lines(text, SegmentOptions(engine=engine), "zh")[0]
    after = segment_lines(text, SegmentOptions(engine=engine, user_dicts=(str(d),)), "zh")[0]
    assert "金毛鼠王" not in before and "云栈洞主" not in before
    assert after == ["金毛鼠王", "见", "云栈洞主"]


def test_malformed_dictionary_line_is_named(tmp_path):
    d = tmp_path / "bad.dict"
    d.write_text("孙悟空 100 nr\n猪八戒 12x\n", encoding="utf-8")
    with pytest.raises(DictionaryError) as e:
        read_user_dict(str(d))
    assert str(e.value) == (
        f"{d}:2: expected 'word [freq] [tag]' (freq a positive integer, tag letters), got '猪八戒 12x'"
    )


def test_unknown_builtin_dictionary(tmp_path):
    with pytest.raises(DictionaryError, match="nosuch: no such dictionary file \\(built-in: xiyouji\\)"):
        read_user_dict("nosuch")


def test_no_hmm_leaves_unknown_words_as_single_characters():
    text = "那怪大怒"
    hmm = segment_lines(text, SegmentOptions(), "zh")[0]
    no_hmm = segment_lines(text, SegmentOptions(hmm=False), "zh")[0]
    assert "那怪" in hmm and "那怪" not in no_hmm


def test_stopwords_builtin_and_file(tmp_path):
    assert segment_lines("the king and the queen", SegmentOptions(stopwords=("en",)), "en") == [["king", "queen"]]
    f = tmp_path / "stop.txt"
    f.write_text("八戒\n", encoding="utf-8")
    zh = segment_lines("八戒的钉钯", SegmentOptions(user_dicts=("xiyouji",), stopwords=("zh", str(f))), "zh")
    assert zh == [["钉钯"]]


def test_punctuation_dropped_unless_kept():
    assert segment_lines("你好，世界！", SegmentOptions(), "zh") == [["你好", "世界"]]
    assert segment_lines("你好，世界！", SegmentOptions(keep_punct=True), "zh") == [["你好", "，", "世界", "！"]]
    assert segment_lines("Hi, it's me.", SegmentOptions(keep_punct=True), "en") == [["hi", ",", "it's", "me", "."]]


def test_to_simplified():
    assert segment_lines("孫悟空說話", SegmentOptions(to_simplified=True), "zh")[0][0] == "孙悟空"


def test_line_cap_keeps_every_token_in_order():
    words = [f"w{i}" for i in range(25)]
    lines = segment_lines(" ".join(words), SegmentOptions(max_line_tokens=7), "en")
    assert [len(line) for line in lines] == [7, 7, 7, 4]
    assert sum(lines, []) == words


@pytest.fixture(scope="module")
def enwiki_slice(tmp_path_factory):
    """500,000 words of English on one line with no sentence breaks, like text8 (3 MB)."""
    path = tmp_path_factory.mktemp("en") / "enwiki-slice.txt"
    path.write_text(text8_like(500_000), encoding="ascii")
    return path


def _assert_cut_to_1000_token_lines(source, tmp_path):
    result = segment_corpus([str(source)], tmp_path, SegmentOptions(), jobs=2)
    lines = (tmp_path / source.name).read_text().splitlines()
    assert result.files[0].lang == "en"
    assert max(len(line.split()) for line in lines) <= 1000
    assert sum(len(line.split()) for line in lines) == len(source.read_text().split())


def test_english_one_line_corpus_is_cut_to_1000_token_lines(enwiki_slice, tmp_path):
    _assert_cut_to_1000_token_lines(enwiki_slice, tmp_path)


@pytest.mark.shared
def test_the_real_english_corpus_is_cut_to_1000_token_lines(tmp_path):
    """The first 3 MB of the shared Wikipedia corpus (text8-style, one line)."""
    with gzip.open(shared_file("corpora/enwiki-text8style-100M.txt.gz"), "rb") as f:
        data = f.read(3_000_000)
    source = tmp_path / "enwiki-head.txt"
    source.write_bytes(data[: data.rfind(b" ")])
    _assert_cut_to_1000_token_lines(source, tmp_path / "out")


def test_jobs_do_not_change_output(enwiki_slice, xiyouji_path, tmp_path):
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}"
        segment_corpus([str(xiyouji_path), str(enwiki_slice)], out, SegmentOptions(user_dicts=("xiyouji",)), jobs=jobs)
        outs.append([(out / n).read_bytes() for n in ("xiyouji.txt", "enwiki-slice.txt")])
    assert outs[0] == outs[1]


def test_manifest_records_inputs_options_and_counts(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes("孙悟空大闹天宫。八戒吃西瓜。".encode("gb18030"))
    (src / "b.txt").write_text("The king and the queen.\n", encoding="utf-8")
    result = segment_corpus([str(src)], tmp_path / "out", SegmentOptions(user_dicts=("xiyouji",)), jobs=1)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(i["output"], i["encoding"], i["lang"]) for i in manifest["inputs"]] == [
        ("a.txt", "gb18030", "zh"),
        ("b.txt", "utf-8", "en"),
    ]
    assert manifest["tokens"] == result.tokens == sum(i["tokens"] for i in manifest["inputs"])
    assert manifest["lines"] == 2  # a line per paragraph (the default)
    assert manifest["options"]["user_dicts"][0]["name"] == "xiyouji"
    assert (tmp_path / "out" / "b.txt").read_text() == "the king and the queen\n"


def test_failed_run_leaves_earlier_output_intact(tmp_path):
    out = tmp_path / "out"
    good = tmp_path / "good.txt"
    good.write_text("first version\n")
    segment_corpus([str(good)], out, SegmentOptions(), jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    good.write_text("second version\n")
    bad = tmp_path / "zbad.txt"
    bad.write_bytes(b"abc\x00def")
    with pytest.raises(BinaryInputError):
        segment_corpus([str(good), str(bad)], out, SegmentOptions(), jobs=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_input_with_no_tokens_is_an_error(tmp_path):
    f = tmp_path / "punct.txt"
    f.write_text("，。！？\n")
    with pytest.raises(EmptyInputError, match="punct.txt: no tokens found"):
        segment_corpus([str(f)], tmp_path / "out", SegmentOptions(), jobs=1)


def test_audit_lists_words_no_dictionary_knows(xiyouji_path, tmp_path):
    result = segment_corpus([str(xiyouji_path)], tmp_path, SegmentOptions(user_dicts=("xiyouji",)), jobs=2, audit=True)
    top = result.top_unknown(30)
    tok = Tokenizer(SegmentOptions(user_dicts=("xiyouji",)), "zh")
    assert len(top) == 30
    assert all(not tok.is_known(w) for w, _ in top)
    assert [c for _, c in top] == sorted((c for _, c in top), reverse=True)
    assert top[0][1] == result.counts[top[0][0]]


def test_builtin_dictionary_is_detected_only_in_its_novel(xiyouji_path, tmp_path):
    from w2vkit.text.reading.inputs import discover_inputs
    from w2vkit.text.segmenting.segment import with_detected_dicts

    assert with_detected_dicts(SegmentOptions(), discover_inputs([str(xiyouji_path)])).user_dicts == ("xiyouji",)
    other = tmp_path / "other.txt"
    other.write_text("孙悟空在花果山。" * 10, encoding="utf-8")
    assert with_detected_dicts(SegmentOptions(), discover_inputs([str(other)])).user_dicts == ()
    assert with_detected_dicts(SegmentOptions(auto_dict=False), discover_inputs([str(xiyouji_path)])).user_dicts == ()


def test_find_glued_needs_a_family_of_forms():
    from w2vkit.text.segmenting.glue import find_glued

    counts = Counter({"孔明": 800, "不得": 300, "唐僧": 900, "玄德": 600})
    counts.update({f"孔明{c}": 30 for c in "之自乃入问遂教见叹"})  # 9 forms, each 20x rarer
    counts.update({"不得已": 10, "不得不": 10, "不得了": 10})  # a family of three: real words
    counts.update({f"{c}唐僧": 20 for c in "保望见闻寻救请扶随"})  # 9 forms on the other side
    counts.update({f"{c}玄德": 20 for c in "报闻见望请谢拜随"})  # 8, one of them the user's word
    counts["孔明在"] = 60  # not 20x rarer than 孔明: left alone
    split = find_glued(counts, user_words=frozenset({"保唐僧", "随玄德"}))
    assert {w: split[w] for w in ("孔明自", "见唐僧")} == {"孔明自": "孔明 自", "见唐僧": "见 唐僧"}
    assert len([w for w in split if w.startswith("孔明")]) == 9
    assert len([w for w in split if w.endswith("唐僧")]) == 8  # not the user's 保唐僧
    assert not {"不得已", "孔明在"} & set(split)
    assert not [w for w in split if w.endswith("玄德")]  # 7 forms besides the user's: under the bar


def test_found_words_lose_a_character_that_mostly_stands_alone():
    """Too few glued forms for a family, yet 向黛玉 和黛玉 贾母笑 孔明曰 are glued; 林黛玉 凤姐儿 are not:
    林 and 儿 are seldom words on their own in the text, 向 和 笑 often are."""
    from w2vkit.text.segmenting.glue import find_glued

    counts = Counter({"黛玉": 800, "向黛玉": 10, "和黛玉": 7, "林黛玉": 270, "贾母": 900, "贾母笑": 115})
    counts.update({"向": 900, "和": 1200, "林": 20, "树林": 200, "林子": 100, "笑": 400, "大笑": 300})
    counts.update({"凤姐": 800, "凤姐儿": 400, "儿": 10, "女儿": 300})
    counts.update({"湘云": 50, "向湘云": 30})  # 湘云 not twice as frequent as the glued form: kept
    counts.update({"孔明": 800, "孔明曰": 300, "曰": 500, "孔明之": 20, "之": 3000})
    found = frozenset({"黛玉", "贾母", "凤姐", "湘云"})
    split = find_glued(counts, user_words=found)
    assert split == {"向黛玉": "向 黛玉", "和黛玉": "和 黛玉", "贾母笑": "贾母 笑", "孔明曰": "孔明 曰"}
    # 孔明 was not found in the text (jieba knows it): only a speech verb comes off it, not 之.
    assert find_glued(counts) == {"贾母笑": "贾母 笑", "孔明曰": "孔明 曰"}  # no found words: speech verbs only


def test_glued_names_are_split_in_the_novel_without_its_dictionary(xiyouji_path, tmp_path):
    """Without the built-in dictionary, 唐僧见 保唐僧 沙僧笑 … (entries of jieba's own dictionary)
    are found by their shape in the corpus and split."""
    on = segment_corpus([str(xiyouji_path)], tmp_path / "on", SegmentOptions(auto_dict=False), jobs=2)
    off = segment_corpus(
        [str(xiyouji_path)], tmp_path / "off", SegmentOptions(auto_dict=False, split_name_verb=False), jobs=2
    )
    on_counts = Counter((tmp_path / "on" / "xiyouji.txt").read_text(encoding="utf-8").split())
    off_counts = Counter((tmp_path / "off" / "xiyouji.txt").read_text(encoding="utf-8").split())
    assert sum(off_counts[w] for w in ("唐僧见", "唐僧乃", "沙僧笑", "沙僧见", "大圣笑")) > 50  # jieba's glued forms
    assert sum(on_counts[w] for w in ("唐僧见", "唐僧乃", "沙僧笑", "沙僧见", "大圣笑")) == 0
    assert on_counts["唐僧"] > off_counts["唐僧"] + 50 and on_counts["沙僧"] > off_counts["沙僧"] + 50
    assert on_counts["孙行者"] == off_counts["孙行者"]  # a name, not a glued form
    assert on.tokens > off.tokens


@pytest.mark.shared
def test_glued_names_are_split_without_a_dictionary(tmp_path):
    """三国演义 has no built-in dictionary: 孔明之 孔明自 玄德闻 … come out split all the same."""
    sanguo = shared_file("corpora/sanguo.txt")
    result = segment_corpus([str(sanguo)], tmp_path / "on", SegmentOptions(), jobs=2)
    off = segment_corpus([str(sanguo)], tmp_path / "off", SegmentOptions(split_name_verb=False), jobs=2)
    on_counts = Counter((tmp_path / "on" / "sanguo.txt").read_text(encoding="utf-8").split())
    off_counts = Counter((tmp_path / "off" / "sanguo.txt").read_text(encoding="utf-8").split())
    glued = [w for w in off_counts if len(w) == 3 and w.startswith("孔明")]
    assert sum(off_counts[w] for w in glued) > 200  # what jieba's dictionary does
    assert sum(on_counts[w] for w in ("孔明之", "孔明自", "孔明乃", "玄德闻", "玄德自")) == 0
    assert on_counts["孔明"] > off_counts["孔明"] + 300
    assert on_counts["诸葛亮"] == off_counts["诸葛亮"]  # a name, not a glued form
    # the manifest counts what was written
    manifest = json.loads((tmp_path / "on" / "manifest.json").read_text())
    assert manifest["tokens"] == result.tokens == sum(on_counts.values())
    assert manifest["distinct_tokens"] == len(on_counts)
    assert result.tokens > off.tokens


def test_phrases_join_a_planted_collocation_and_nothing_random(tmp_path):
    rng = np.random.default_rng(0)
    vocabulary = [f"w{i}" for i in range(300)]
    lines = []
    for _ in range(2000):
        words = list(rng.choice(vocabulary, 12))
        if rng.random() < 0.3:  # planted: "new york" and, for the second pass, "new york times"
            words[3:3] = ["new", "york", "times"] if rng.random() < 0.5 else ["new", "york"]
        lines.append(" ".join(words))
    (tmp_path / "in.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = segment_corpus([str(tmp_path / "in.txt")], tmp_path / "one", SegmentOptions(lang="en", phrases=1), jobs=1)
    joined = Counter((tmp_path / "one" / "in.txt").read_text().split())
    assert joined["new_york"] > 400 and joined["new"] == 0
    assert not [w for w in joined if "_" in w and w not in ("new_york", "york_times")]
    assert one.tokens == sum(joined.values())
    segment_corpus([str(tmp_path / "in.txt")], tmp_path / "two", SegmentOptions(lang="en", phrases=2), jobs=1)
    twice = Counter((tmp_path / "two" / "in.txt").read_text().split())
    assert twice["new_york_times"] > 100
    # npmi scoring finds the same pair and no random one; a negative threshold joins random pairs
    npmi = SegmentOptions(lang="en", phrases=1, phrase_scoring="npmi")
    segment_corpus([str(tmp_path / "in.txt")], tmp_path / "npmi", npmi, jobs=1)
    joined = Counter((tmp_path / "npmi" / "in.txt").read_text().split())
    assert joined["new_york"] > 400
    assert not [w for w in joined if "_" in w and w not in ("new_york", "york_times")]
    loose = SegmentOptions(lang="en", phrases=1, phrase_scoring="npmi", phrase_threshold=-0.5)
    segment_corpus([str(tmp_path / "in.txt")], tmp_path / "loose", loose, jobs=1)
    loose_joined = {w for w in (tmp_path / "loose" / "in.txt").read_text().split() if "_" in w}
    assert len(loose_joined - {"new_york", "york_times"}) > 5


def test_phrase_options_are_checked():
    with pytest.raises(UsageError, match="between -1 and 1"):
        SegmentOptions(phrases=1, phrase_scoring="npmi", phrase_threshold=5)
    with pytest.raises(UsageError, match="phrase_scoring must be one of default, npmi, not .pmi."):
        SegmentOptions(phrase_scoring="pmi")


def test_a_phrase_is_queried_with_spaces_or_underscores(tmp_path):
    from w2vkit.model.store import load_model, save_model
    from w2vkit.queries.query import Engine

    words = ["new_york", "paris", "london"]
    vectors = np.eye(3, 4, dtype=np.float32) + 0.1
    meta = {"segmentation": SegmentOptions(lang="en", phrases=2).describe()}
    engine = Engine(load_model(save_model(tmp_path / "m", words, [30, 20, 10], vectors, meta)))
    assert engine.index_of("new york") == engine.index_of("New_York") == engine.index_of("new_york") == 0


def test_combining_marks_stay_with_their_letters(tmp_path):
    """NFD input is composed (NFC) before tokenising, and marks NFC cannot compose (Indic vowel
    signs, viramas) stay inside their word (issue 37.5)."""
    import unicodedata

    text = unicodedata.normalize("NFD", "Résumé of the crème brûlée.") + "\nहिन्दी भारत\nplain words\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    result = segment_corpus([str(tmp_path / "a.txt")], tmp_path / "out", SegmentOptions(lang="en"))
    lines = (tmp_path / "out" / result.files[0].output).read_text(encoding="utf-8").splitlines()
    assert lines == ["résumé of the crème brûlée", "हिन्दी भारत", "plain words"]
    assert all(unicodedata.is_normalized("NFC", line) for line in lines)


def test_the_segmentation_version_is_recorded():
    from w2vkit.text.segmenting.segment import SEGMENTATION_VERSION

    assert SegmentOptions().describe()["version"] == SEGMENTATION_VERSION >= 2


def test_an_input_changed_while_segmented_is_refused_and_nothing_written(tmp_path, monkeypatch):
    """The manifest and the corpus cache record the input's hash: text that changed while it was
    read (a download still being written) must not be published under it (issue 37.12)."""
    import w2vkit.text.segmenting.pipeline as pipeline
    from w2vkit.errors import InputError

    source = tmp_path / "a.txt"
    source.write_text("the cat sat on the mat\n" * 200, encoding="utf-8")
    real = pipeline._prepare_options

    def truncate_then_prepare(files, options):
        with open(source, "r+b") as f:  # another program cuts the file while it is being read
            f.truncate(100)
        return real(files, options)

    monkeypatch.setattr(pipeline, "_prepare_options", truncate_then_prepare)
    with pytest.raises(InputError, match=r"a\.txt: changed while it was being read \(4,600 bytes, now 100\)"):
        segment_corpus([str(source)], tmp_path / "out", SegmentOptions(lang="en"))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_characters_are_tokens_on_a_mostly_latin_line_too():
    """Issue 58: --tokens chars left Han characters whole on a line read as English."""
    from w2vkit.text.segmenting.segment import SegmentOptions, Tokenizer

    line = "The poem 静夜思 by Li Bai, 床前明月光."
    english, chinese = (Tokenizer(SegmentOptions(tokens="chars"), lang).lines(line) for lang in ("en", "zh"))
    assert english == chinese == [["the", "poem", "静", "夜", "思", "by", "li", "bai", "床", "前", "明", "月", "光"]]


def test_a_row_filter_is_one_dict_and_a_models_older_list_reads_back_as_one():
    """`where` has one shape across the library (a dict, as contrast and kwic take it); a model's
    meta.json from before recorded ["period=唐"], which reads back as the same dict."""
    options = SegmentOptions(where={"period": "唐"})
    assert SegmentOptions.from_described(options.describe()).where == {"period": "唐"}
    assert SegmentOptions.from_described({**options.describe(), "where": ["period=唐"]}).where == {"period": "唐"}
    assert SegmentOptions.from_described({**options.describe(), "where": []}).where is None
    with pytest.raises(OptionError, match=r"^where must be a dict of COLUMN: VALUE, not \('period=唐',\)"):
        SegmentOptions(where=("period=唐",))
