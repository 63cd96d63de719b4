"""w2vkit.text.reading.tables: TSV, CSV and JSON Lines (.gz) as corpora, each bad table one clear line;
--tokens chars, --strip-notes and variant characters (w2vkit.text.segmenting.segment, w2vkit.text.segmenting.variants)."""

import gzip
import json

import pytest

from w2vkit.errors import InputError
from w2vkit.text.reading.tables import read_rows, table_text
from w2vkit.text.segmenting.segment import SegmentOptions, Tokenizer, to_simplified
from w2vkit.text.segmenting.variants import strip_notes


def test_the_three_formats_give_the_same_rows(tmp_path):
    rows = [{"period": "唐", "text": "床前明月光"}, {"period": "宋", "text": "明月几时有, 把酒问青天"}]
    (tmp_path / "t.tsv").write_text("period\ttext\n" + "".join(f"{r['period']}\t{r['text']}\n" for r in rows))
    (tmp_path / "t.csv").write_text("period,text\n" + "".join(f'{r["period"]},"{r["text"]}"\n' for r in rows))
    with gzip.open(tmp_path / "t.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    for name in ("t.tsv", "t.csv", "t.jsonl.gz"):
        got = [row for _, row in read_rows(tmp_path / name, ["text", "period"])]
        assert got == [{"text": r["text"], "period": r["period"]} for r in rows], name
    text = table_text(tmp_path / "t.csv")
    assert text.read_text(encoding="utf-8").splitlines() == [r["text"] for r in rows]


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "a.tsv",
            "period\tbody\n唐\tx\n",
            "no column 'text'; its columns are 'period', 'body' (choose the text with --text-column)",
        ),
        ("b.tsv", "period\ttext\n唐\tx\textra\n", "b.tsv:2: 3 fields where the header has 2"),
        ("c.jsonl", '{"text": "a"}\n[1, 2]\n', "c.jsonl:2: a JSON list, not an object"),
        ("d.jsonl", '{"text": "a"}\n{"text": \n', "d.jsonl:2: not valid JSON"),
        ("e.tsv", b"\xff\xfe\x00\x01binary", "not UTF-8"),
        ("f.csv", "", "empty; a table needs a header row"),
    ],
)
def test_a_bad_table_is_one_line_naming_where(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        list(read_rows(path, ["text"]))


def test_the_cli_trains_and_segments_a_table_and_names_a_missing_column(invoke, tmp_path):
    table = tmp_path / "poems.tsv"
    table.write_text("period\ttext\n" + "唐\t床前明月光，疑是地上霜。\n" * 200 + "宋\t明月几时有？把酒问青天。\n" * 200)
    r = invoke(["segment", table, "--tokens", "chars", "-o", tmp_path / "seg"])
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "seg" / "poems.txt").read_text(encoding="utf-8").splitlines()[
        0
    ] == "床 前 明 月 光 疑 是 地 上 霜"
    r = invoke(["train", table, "--text-column", "body", "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {table}: no column 'body'; its columns are 'period', 'text'\n",
    )


def test_characters_notes_and_variants():
    chars = Tokenizer(SegmentOptions(tokens="chars", strip_notes=True, to_simplified=True), "zh")
    assert chars.lines("牀前明月光（一作看月光）[二]，疑是地上霜 Li Bai 701") == [
        ["床", "前", "明", "月", "光", "疑", "是", "地", "上", "霜", "li", "bai", "701"]
    ]
    assert strip_notes("春眠不觉晓〔据全唐诗卷一补〕【注】") == "春眠不觉晓"
    assert to_simplified("逈暎疎牕") == "迥映疏窗"  # (OpenCC leaves these)
    assert to_simplified("祇今祇应 神祇 地祇 祇园") == "只今只应 神祇 地祇 祇园"  # (只 in 全宋诗's edition)
    assert strip_notes("月（一作\n日）光") == "月\n日）光"  # (an unclosed note ends with its line: rows stay apart)
    # parentheses hold notes of any length, parentheses inside them too; a poem has none of its own
    long_note = "（見《永樂大典》卷三○○五「九真」。按詩共二首，其一（五言）" + "四句" * 120 + "。）"
    assert strip_notes("君試將余問五侯。" + long_note + "次句") == "君試將余問五侯。次句"
    assert (
        strip_notes("千金賣（買）骨復何時？（[一]劉希夷的詩在敦煌卷子裏面〖《全唐詩》作〗有三個寫本")
        == "千金賣骨復何時？"
    )
    # an editor's sentence outside brackets goes whole; a poem's sentences around it stay
    assert strip_notes("家林巷喜雨。以上各句見《唐詩紀事》卷二十八，注云。江水流。") == "家林巷喜雨。江水流。"
    assert strip_notes("遊從同志少，這些兒閒。") == "遊從同志少，這些兒閒。"  # (classical and colloquial usage)
    # a numbered footnote runs to the end of the poem, brackets of its own and all; a mark alone goes
    assert strip_notes("新月上前峯。（〖1〗《金石萃編》王昶按：「雲居（寺）」卷2\n次行") == "新月上前峯。\n次行"
    assert strip_notes("不須挂嶺居天末。〖1〗。") == "不須挂嶺居天末。。"


def test_the_cached_text_of_a_table_is_checked_and_rebuilt_when_edited(tmp_path, caplog):
    table = tmp_path / "t.tsv"
    table.write_text("text\nabc\ndef\n", encoding="utf-8")
    first = table_text(table)
    with open(first, "a", encoding="utf-8") as f:
        f.write("planted\n")
    again = table_text(table)
    assert again.read_text(encoding="utf-8") == "abc\ndef\n"
    assert "is damaged (" in caplog.text and "reading the table again" in caplog.text


@pytest.mark.parametrize(
    "options",
    [
        dict(lang="zh", tokens="chars", strip_notes=True, to_simplified=True),
        dict(lang="zh", engine="fast"),
        dict(lang="zh", engine="fast", keep_punct=True),
        dict(lang="en"),
        dict(lang="en", stopwords=["STOP"]),
    ],
    ids=["zh-chars", "zh-words", "zh-punct", "en", "en-stop"],
)
def test_documents_cut_in_a_batch_equal_each_row_cut_alone(options, tmp_path):
    if options.get("stopwords"):
        (tmp_path / "stop.txt").write_text("the\nit\n", encoding="utf-8")
        options = dict(options, stopwords=[str(tmp_path / "stop.txt")])
    texts = [
        "床前明月光（一作看月光），疑是地上霜。",
        "",
        "孙悟空道：「师父，\n我去也。」The Monkey King said hi.",
        "   ",
        "舉頭望山月。低頭思故鄉[二]",
        "The cat sat on the mat. And then?\r\nIt left (quietly).",
        "（未完",
        "注）完",
    ]
    tokenizer = Tokenizer(SegmentOptions(sentences=False, **options), options["lang"])
    one_by_one = [[t for line in tokenizer.lines(text) for t in line] for text in texts]
    assert tokenizer.documents(texts) == one_by_one
    assert any(one_by_one) and [] in one_by_one
