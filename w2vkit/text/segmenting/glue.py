"""Names glued to a neighbouring character by the segmenter (孔明之, 闻玄德), found by their shape in
the segmented text and split back apart; see find_glued for the evidence and the measurements."""

from __future__ import annotations

import logging
import os
import re
from collections import Counter
from pathlib import Path

from .segment import GLUE_ALONE_SHARE, GLUE_FOUND_RATIO, GLUE_MIN_RATIO, GLUE_MIN_VARIANTS, LONG_TOKEN, SPEECH_VERBS

log = logging.getLogger(__name__)


def find_glued(counts: Counter, user_words: frozenset = frozenset()) -> dict[str, str]:
    """Tokens that are a frequent word glued to one character, mapped to their split form.

    jieba's dictionary holds such strings, learnt from novels, for hundreds of names: in 三国演义
    孔明 comes out glued as 孔明之 孔明自 孔明乃 孔明入 … (40 forms) and 玄德 as 闻玄德 报玄德 …, and
    with character n-grams they crowd out every real neighbour of 孔明. A word seen glued to at
    least 8 different characters on one side, each form 20x rarer than the word itself, is
    being glued, not compounded: real compounds rarely come in such families (不得已 不得不 不得了
    is three). User-dictionary words are never split. On 三国演义 (no dictionary) it raised alias
    recall and MRR; on 西游记 it changed neither (docs/commands.md "Segmentation notes"), so segment_corpus
    runs it only when no dictionary is given."""
    by_head: dict[str, list[str]] = {}
    by_tail: dict[str, list[str]] = {}
    for word, n in counts.items():
        if len(word) < 3 or word in user_words:
            continue
        if counts.get(word[:-1], 0) >= GLUE_MIN_RATIO * n:
            by_head.setdefault(word[:-1], []).append(word)
        if counts.get(word[1:], 0) >= GLUE_MIN_RATIO * n:
            by_tail.setdefault(word[1:], []).append(word)
    split: dict[str, str] = {}
    for head, forms in by_head.items():
        if len(forms) >= GLUE_MIN_VARIANTS:
            split.update((w, f"{head} {w[-1]}") for w in forms)
    for tail, forms in by_tail.items():
        if len(forms) >= GLUE_MIN_VARIANTS:
            for w in forms:
                split.setdefault(w, f"{w[0]} {tail}")
    # Judged on the counts after these splits: before them 曰 is mostly glued (孔明曰 玄德曰 … are
    # dictionary words), after them it stands alone.
    split.update(_glued_to_found_words(counts_after(counts, split), user_words))
    return split


def counts_after(counts: Counter, split: dict[str, str], split_in: Counter | None = None) -> Counter:
    """The counts once the glued forms are split, in order of first appearance in the split text,
    as a scan of it would give them (a form's parts take its place; they come first where it came
    first). `split_in`: the counts of the part of the text that is split (the Chinese inputs),
    when that is not all of it; the rest keeps its glued forms."""
    after: Counter = Counter()
    for word, n in counts.items():
        form = split.get(word)
        if form is None:
            after[word] += n
            continue
        glued = n if split_in is None else split_in.get(word, 0)
        if n > glued:
            after[word] += n - glued
        for part in form.split(" "):
            after[part] += glued
    return after


def split_glued_text(text: str, split: dict[str, str]) -> tuple[str, int]:
    """The text with the glued forms split (find_glued's map), and the tokens that added."""
    added = 0

    def replace_token(m: re.Match) -> str:
        nonlocal added
        form = split.get(m.group(0))
        if form is None:
            return m.group(0)
        added += 1
        return form

    return LONG_TOKEN.sub(replace_token, text), added


def _glued_to_found_words(counts: Counter, found: frozenset) -> dict[str, str]:
    """Tokens that are a word found in the text (new-word discovery) glued to one character that,
    in this text, is mostly a word on its own, mapped to their split form.

    jieba's dictionary holds name+character strings learnt from novels (玄德曰, 贾母笑, 向黛玉,
    时宝钗), too few per name for find_glued's family rule, yet 玄德曰 alone took 383 of 玄德's
    1,684 occurrences in 三国演义, and 向黛玉 和黛玉 were 黛玉's two nearest words in 红楼梦. What
    tells 向黛玉 from 林黛玉 is the character: 向 stands alone in 77% of its uses in 红楼梦, 林 in
    4% (a surname or part of words), so a character standing alone in at least GLUE_ALONE_SHARE of
    its uses on that side (first or last of a token) is split off, when the found word is at least
    GLUE_FOUND_RATIO times as frequent as the glued form. A speech verb (SPEECH_VERBS) is split
    off any word that is so much more frequent, found or in jieba's dictionary, however often the
    verb stands alone (孔明曰 孔明笑: 431 of 孔明's 1,665). Found words themselves are never split."""
    alone: Counter = Counter()
    first: Counter = Counter()
    last: Counter = Counter()
    for word, n in counts.items():
        if len(word) == 1:
            alone[word] += n
        else:
            first[word[0]] += n
            last[word[-1]] += n

    def stands_alone(char: str, inside: Counter) -> bool:
        return alone[char] >= GLUE_ALONE_SHARE * (alone[char] + inside[char])

    split: dict[str, str] = {}
    for word, n in counts.items():
        if len(word) < 3 or word in found:
            continue
        head, tail = word[:-1], word[1:]
        # A speech verb after any word, found or in jieba's dictionary (孔明曰 孔明笑: 孔明 is in it).
        speech = word[-1] in SPEECH_VERBS
        if counts.get(head, 0) >= GLUE_FOUND_RATIO * n and (speech or head in found and stands_alone(word[-1], last)):
            split[word] = f"{head} {word[-1]}"
        elif tail in found and counts.get(tail, 0) >= GLUE_FOUND_RATIO * n and stands_alone(word[0], first):
            split[word] = f"{word[0]} {tail}"
    return split


def split_glued_in_files(paths: list[Path], split: dict[str, str]) -> list[int]:
    """Rewrite the (Chinese) output files in place with the glued forms split (find_glued's map,
    judged on counts taken as they were written); the tokens that added to each file."""
    added = [0] * len(paths)
    if not split:
        return added
    log.debug("splitting %d glued forms", len(split))
    for i, path in enumerate(paths):
        tmp = path.with_name(path.name + ".glue")
        with open(path, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8", newline="\n") as out:
            for lines in iter(lambda: src.readlines(1 << 22), []):
                text, n = split_glued_text("".join(lines), split)
                added[i] += n
                out.write(text)
        os.replace(tmp, path)
    return added
