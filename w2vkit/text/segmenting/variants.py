"""Variant characters (异体字) that OpenCC's Traditional-to-Simplified conversion leaves alone but
that write the same word: 逈/迥, 暎/映, 疎/疏, 牕/窗 … On the classical poetry table they made the
same character look different between 全唐诗 and 全宋诗, which are typeset from different editions,
so a contrast between periods found the editions, not the language. Applied with to_simplified,
after OpenCC. The pairs are unambiguous in poetry (a character with a separate common meaning,
such as 祇 "earth spirit" or 脩 "dried meat", is left out unless poetry uses it for the other
almost always); each pair is a variant -> its standard form, written from the 通用规范汉字表's
variant list."""

from __future__ import annotations

import functools
import re

PAIRS = (
    "逈迥 暎映 疎疏 踈疏 牕窗 窻窗 窓窗 凴凭 慿凭 縂总 摠总 揔总 箇个 嶋岛 鴈雁 欵款 峯峰 廻回 迴回 囘回 囬回 "
    "氷冰 皷鼓 鞵鞋 絃弦 菴庵 喫吃 麤粗 徧遍 畧略 崕崖 綫线 鑪炉 罇樽 盃杯 桮杯 醆盏 琖盏 酧酬 醻酬 栢柏 "
    "鬬斗 閙闹 隄堤 兎兔 谿溪 磵涧 莾莽 虵蛇 粧妆 朶朵 嬾懒 竝并 罋瓮 迺乃 廼乃 眞真 徃往 竚伫 敎教 靣面 "
    "鬂鬓 髩鬓 恠怪 遶绕 皐皋 臯皋 羣群 峩峨 鵞鹅 鷰燕 鸎莺 舩船 牀床 煖暖 晻暗 闇暗 晳皙 筯箸 觧解 "
    "寃冤 怱匆 悤匆 亾亡 兦亡 喦岩 巗岩 巌岩 嵒岩 騐验 鞦秋 韆千 睠眷 坵丘 邱丘 埜野 壄野 䆫窗 甞尝 嚐尝 髪发 "
    # found among the neighbours of a scan of 唐 against 宋 (docs/findings.md)
    "劒剑 劔剑 慙惭 頼赖 戯戏 僊仙 髙高 蘂蕊 罏炉 䜩宴 轝舆"
)
# 祇 writes 只 ("only") in 全宋诗's edition: 94% of its 3,128 occurrences in 宋 (祇今, 祇应, 祇有, 祇恐);
# the rest are the god of the earth and the Jetavana (神祇, 地祇, 灵祇, 祇园), which keep it.
_QI = re.compile("(?<![神地灵])祇(?!园)")
# What these tables and the note pattern are, in the segmentation's record (and so the corpus
# cache's key) when they are used: a corpus cached with older tables is segmented again.
CLASSICAL_VERSION = 4


@functools.cache
def table() -> dict[int, str]:
    return {ord(pair[0]): pair[1] for pair in PAIRS.split()}


@functools.cache
def _pattern() -> re.Pattern:
    return re.compile("[" + "".join(pair[0] for pair in PAIRS.split()) + "]")


def normalise_variants(text: str) -> str:
    """text with each variant character replaced by its standard form (PAIRS). (A search for the
    few variants, not str.translate: translate looks every character up, 1.8 s on the poetry's
    27M characters where the search takes a fraction.)"""
    found = table()
    return _QI.sub("只", _pattern().sub(lambda m: found[ord(m.group())], text))


# Bracketed editorial notes of classical texts: variant readings （一作…）, footnote marks [二] 〖1〗,
# sources 〔据…补〕, 【…】. Brackets other than parentheses: within a line, at most MAX_NOTE characters
# between a bracket and its close (what is left of them once the notes inside are gone), removed
# innermost first, so brackets inside one another go too.
MAX_NOTE = 200
_CLOSE_OF = {"[": "]", "〔": "〕", "【": "】", "［": "］", "〖": "〗"}
_OPEN_OF = {close: open_ for open_, close in _CLOSE_OF.items()}
_BRACKETS = re.compile("[" + re.escape("".join(_CLOSE_OF) + "".join(_OPEN_OF)) + "\n]")
# A footnote opened with its number, （〖1〗…, runs to the end of the poem in 全唐诗's edition: long
# (sources quoted whole, with brackets of their own) and sometimes never closed. The 唐 side of a
# scan of 唐 against 宋 found its 据, 按 and 案 (据《…》补, 按石刻…) and its page numbers.
_FOOTNOTE = re.compile(r"（[〖\[][0-9０-９一二三四五六七八九十]+[〗\]][^\n]*")
# Parentheses: a poem's own text never has them, its editors' notes do (（按…）, （見《永樂大典》卷…）,
# （此詩又見…）), of any length and with parentheses inside (（買）): each is removed to its
# matching close, or to the end of the line when it never closes.
_PARENS = re.compile("[（）()]")
# A sentence of an editor's, left outside brackets (以上各句見《唐詩紀事》卷二十八, 按照原來計劃…
# 專補《全唐詩》): one that names the collections, manuscripts or volumes no poem names.
_APPARATUS = re.compile(
    "全唐[詩诗]|全宋[詩诗詞词]|永[樂乐]大典|原卷|[寫写]本|卷子|校[記记]|[異异]文"
    "|卷[一二三四五六七八九十百〇○]+[「」，。：；、引]|[伯斯][0-9一二三四五六七八九〇○]{3}|[見见]《[^》\n]{1,20}》卷"
    # (an editor's modern prose: 錄自…, 發表在…, 根據…, 這首詩的…)
    "|[錄录]自|[殘残]卷|[發发]表|根[據据]|[這这]首|的[詩诗]"
)
_SENTENCE_END = re.compile("[。！？\n]")


def _strip_parens(text: str) -> str:
    out, depth, start = [], 0, 0
    for m in _PARENS.finditer(text):
        if m.group() in "（(":
            if depth == 0:
                out.append(text[start : m.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                start = m.end()
        if depth > 0:  # (a line break ends an unclosed note: rows and paragraphs stay apart)
            newline = text.find("\n", m.end(), _next_paren(text, m.end()))
            if newline >= 0:
                depth, start = 0, newline
    if depth == 0:
        out.append(text[start:])
    return "".join(out)


def _next_paren(text: str, at: int) -> int:
    m = _PARENS.search(text, at)
    return m.start() if m else len(text)


def strip_notes(text: str) -> str:
    """text without its numbered footnotes (_FOOTNOTE), parenthesised notes (_PARENS), bracketed
    notes (_strip_brackets) and editors' sentences (_APPARATUS)."""
    text = _FOOTNOTE.sub("", text)
    if "（" in text or "(" in text:
        text = _strip_parens(text)
    if any(open_ in text for open_ in _CLOSE_OF):
        text = _strip_brackets(text)
    return _strip_apparatus(text)


def _strip_brackets(text: str) -> str:
    """text without its bracketed notes (see _CLOSE_OF), in one pass with a stack per kind of
    bracket. (Removing one level per regex pass, as before, took 16.8 s for 30,000 nested levels
    and did not end for 100,000: the passes were as many as the levels.)"""
    pieces: list[str] = []
    length, last = 0, 0
    opened: dict[str, list[tuple[int, int]]] = {open_: [] for open_ in _CLOSE_OF}  # (piece, length) of each open
    for m in _BRACKETS.finditer(text):
        mark, before = m.group(), text[last : m.start()]
        last = m.end()
        if before:
            pieces.append(before)
            length += len(before)
        if mark in opened:
            opened[mark].append((len(pieces), length))
        elif mark in _OPEN_OF and opened[_OPEN_OF[mark]]:
            piece, at = opened[_OPEN_OF[mark]].pop()
            if length - at - 1 <= MAX_NOTE:  # the note goes, with any bracket opened inside it
                del pieces[piece:]
                length = at
                for stack in opened.values():
                    while stack and stack[-1][0] >= piece:
                        stack.pop()
                continue
            opened[_OPEN_OF[mark]].clear()  # (a note too long: no earlier bracket of its kind closes past it)
        elif mark == "\n":
            for stack in opened.values():
                stack.clear()
        pieces.append(mark)
        length += 1
    pieces.append(text[last:])
    return "".join(pieces)


def _strip_apparatus(text: str) -> str:
    """text without each sentence that holds an _APPARATUS mark (found by the mark, then widened
    to its sentence: a pattern for whole sentences scanned every sentence from every character,
    24 s on 全宋诗 against a fraction)."""
    out, kept = [], 0
    for m in _APPARATUS.finditer(text):
        if m.start() < kept:
            continue
        # (searched back no further than what is kept: a long line with many marks stays linear)
        start = max(text.rfind(c, kept, m.start()) for c in "。！？\n") + 1
        end_mark = _SENTENCE_END.search(text, m.end())
        end = len(text) if end_mark is None else end_mark.end() - (end_mark.group() == "\n")
        out.append(text[kept : max(start, kept)])
        kept = end
    out.append(text[kept:])
    return "".join(out)
