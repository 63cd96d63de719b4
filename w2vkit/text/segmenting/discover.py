"""New-word discovery: the words of a Chinese text that no dictionary knows, found in the text itself.

The classic unsupervised method (as in Sproat & Shih 1990's mutual information and the
"left/right entropy" of accessor-variety work): a string of 2-6 characters is a word when it is
 * frequent enough to matter (count),
 * cohesive: its parts occur together far more often than chance would have them, measured as the
   smallest pointwise mutual information over the ways of cutting it in two, log p(w) / p(a)p(b),
 * free at both ends: many different characters come before it and after it (the entropy of its
   left and right neighbours); a piece of a longer word has one neighbour that always follows.

A novel's names, titles and epithets (关云长 张翼德 刘皇叔 …) that jieba's dictionary lacks come
out whole this way, so they get vectors; segment_corpus adds the winners to the segmenter's
dictionary for the run.

Everything is counted with numpy on the text as an array of character ids: every n-gram is a
64-bit polynomial hash of its characters (collisions among a few million strings: ~1e-6 odds), and
one np.unique per length gives the counts. Written here rather than taken from a package: the
pure-Python implementations on PyPI count with dicts and take ~20 s on a novel, this ~0.5 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...base.choices import DISCOVERY_SAMPLE_CHARS
from ...base.files import check_not_input, check_writable, real_path, write_atomic
from ...errors import OutputError

# A sample of this many characters is enough: a word frequent enough to get a useful vector occurs
# in it, and the cost stays under a second on any corpus size.
SAMPLE_CHARS = DISCOVERY_SAMPLE_CHARS
MIN_LEN, MAX_LEN = 2, 6
_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier (golden ratio)

# Characters that end or start a phrase rather than a name: particles and interjections,
# pronouns, common verbs of speech, motion and having. A candidate beginning or ending with one is
# a word + function word (行者道, 那妖, 好大圣, 师父啊, 等老孙) however often it occurs; a word of
# the language that starts with one (好汉, 只是) is in the segmenter's dictionary already.
FUNCTION_CHARS = frozenset(
    "的了着是在和与也之其而乃于以及或但又却就都将把被让给向从到自这那此彼我你他她它们吾汝尔"
    "不没无非未莫勿亦便即乎哉矣焉耶欤兮者所为曰道云说问笑叫喝答言叹吼一个来去上下里中出入"
    "啊呀哩么吗呢吧哇哟啦罢咧好往等有只对请见要做甚"
)
# A particle inside a candidate makes it a phrase (现了本相, 捻着诀).
INNER_PARTICLES = frozenset("了着的")


@dataclass(frozen=True)
class DiscoveryOptions:
    min_count: int = 0  # 0: chosen from the sample's size (see min_count_for)
    min_pmi: float = 3.0  # natural log
    min_entropy: float = 1.5  # nats, of the rarer side's neighbours
    max_len: int = 4


@dataclass(frozen=True)
class NewWord:
    word: str
    count: int
    pmi: float
    left_entropy: float
    right_entropy: float


def min_count_for(chars: int) -> int:
    """At least 10 occurrences, more on bigger samples (one per 100,000 characters)."""
    return max(10, chars // 100_000)


def discover_words(text: str, options: DiscoveryOptions = DiscoveryOptions(), known=None) -> list[NewWord]:
    """New words of a Chinese text, most frequent first. `known(word)` tells words the segmenter
    already has (they are left out); characters that are not CJK ideographs separate words."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    is_cjk = (
        ((codes >= 0x3400) & (codes <= 0x9FFF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
        | ((codes >= 0x20000) & (codes <= 0x2FFFF))
    )
    codes = np.where(is_cjk, codes, 0)
    alphabet, ids = np.unique(codes, return_inverse=True)  # id 0: the separator, when present
    if alphabet[0] != 0:
        ids = ids + 1
        alphabet = np.concatenate([[0], alphabet])
    ids = ids.astype(np.uint64)
    n = len(ids)
    total = int(is_cjk.sum())
    if total < 1000:
        return []
    min_count = options.min_count or min_count_for(total)
    separators = np.concatenate([[0], np.cumsum(ids == 0)])
    max_len = min(options.max_len, MAX_LEN)

    # hashes[k][i]: the k-gram starting at i; counts[k]: (sorted distinct hashes, their counts)
    hashes = {1: ids}
    counts = {1: np.unique(ids, return_counts=True)}
    found: list[NewWord] = []
    for k in range(2, max_len + 1):
        with np.errstate(over="ignore"):
            hashes[k] = hashes[k - 1][: n - k + 1] * _HASH_BASE + ids[k - 1 :]
        starts = np.nonzero(separators[k:] - separators[: n - k + 1] == 0)[0]
        keys = hashes[k][starts]
        distinct, first, inverse, count = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        counts[k] = (distinct, count)
        frequent = np.nonzero(count >= min_count)[0]
        if len(frequent) == 0:
            continue
        pos = starts[first[frequent]]  # one occurrence of each frequent k-gram
        pmi = _min_pmi(k, pos, count[frequent], hashes, counts, total)
        keep = pmi >= options.min_pmi
        frequent, pos, pmi = frequent[keep], pos[keep], pmi[keep]
        if len(frequent) == 0:
            continue
        left, right = _neighbour_entropies(ids, starts, inverse, frequent, k)
        keep = np.minimum(left, right) >= options.min_entropy
        for j in np.nonzero(keep)[0]:
            word = "".join(map(chr, alphabet[ids[pos[j] : pos[j] + k]]))
            if word[0] in FUNCTION_CHARS or word[-1] in FUNCTION_CHARS or INNER_PARTICLES & set(word[1:-1]):
                continue
            if known is not None and (
                known(word) or _two_words(word, int(count[frequent[j]]), known, counts, hashes, pos[j])
            ):
                continue
            found.append(
                NewWord(
                    word,
                    int(count[frequent[j]]),
                    round(float(pmi[j]), 3),
                    round(float(left[j]), 3),
                    round(float(right[j]), 3),
                )
            )
    found.sort(key=lambda w: (-w.count, w.word))
    return found


def _two_words(word, count, known, counts, hashes, at) -> bool:
    """Two words of the dictionary side by side, each far more frequent alone: a collocation
    (八戒沙僧, 十分欢喜), which as one token would rob both words of their occurrences."""
    for cut in range(2, len(word) - 1):
        a, b = word[:cut], word[cut:]
        if known(a) and known(b):
            ca = _lookup(counts[cut], hashes[cut][at : at + 1])[0]
            cb = _lookup(counts[len(b)], hashes[len(b)][at + cut : at + cut + 1])[0]
            if min(ca, cb) >= 2 * count:
                return True
    return False


def _lookup(table, keys: np.ndarray) -> np.ndarray:
    distinct, count = table
    at = np.searchsorted(distinct, keys)
    at = np.minimum(at, len(distinct) - 1)
    return np.where(distinct[at] == keys, count[at], 1)


def _min_pmi(k, pos, count, hashes, counts, total) -> np.ndarray:
    """The smallest log p(w) / (p(a) p(b)) over the cuts w = a + b."""
    pmi = np.full(len(pos), np.inf)
    for cut in range(1, k):
        a = _lookup(counts[cut], hashes[cut][pos])
        b = _lookup(counts[k - cut], hashes[k - cut][pos + cut])
        pmi = np.minimum(pmi, np.log(count * total / (a.astype(np.float64) * b)))
    return pmi


def _neighbour_entropies(ids, starts, inverse, frequent, k):
    """Entropy of the character before and after each frequent k-gram. The text's ends and
    non-CJK characters count as a different neighbour at every occurrence."""
    n = len(ids)
    rank = np.full(inverse.max() + 1, -1, dtype=np.int64)
    rank[frequent] = np.arange(len(frequent))
    which = rank[inverse]
    occ = np.nonzero(which >= 0)[0]
    cand, at = which[occ], starts[occ]
    result = []
    for neighbour_at in (at - 1, at + k):
        inside = (neighbour_at >= 0) & (neighbour_at < n)
        neighbour = np.where(inside, ids[np.clip(neighbour_at, 0, n - 1)], 0).astype(np.int64)
        # a boundary is unique each time: give it an id beyond every character's
        unique_boundary = np.where(neighbour == 0, len(ids) + np.arange(len(neighbour)), neighbour)
        pair = cand * (2 * n + 1) + unique_boundary
        _, pair_first, pair_count = np.unique(pair, return_index=True, return_counts=True)
        owner = cand[pair_first]
        c = pair_count.astype(np.float64)
        totals = np.bincount(owner, weights=c, minlength=len(frequent))
        plogp = np.bincount(owner, weights=c * np.log(c), minlength=len(frequent))
        result.append(np.log(np.maximum(totals, 1)) - plogp / np.maximum(totals, 1))
    return result[0], result[1]


def check_new_words_output(path, inputs, outdir) -> None:
    """Refuse, before any work, a file for the discovered words that would overwrite an input or
    land in the segmentation's output folder (its files and manifest are that run's own)."""
    check_not_input(path, inputs, "discovered words")
    if outdir is not None and (real_path(outdir) == real_path(path) or real_path(outdir) in real_path(path).parents):
        raise OutputError(
            f"{path}: is inside the output folder {outdir}, which holds the segmented text; "
            "write the discovered words somewhere else"
        )
    check_writable(path)


def write_new_words(path, words: list) -> None:
    """Discovered words as a dictionary for --user-dict: one word per line, with no frequency, so
    that jieba gives each the frequency that keeps it whole (as it does for the run itself)."""
    lines = ["# words w2vkit found in the text (w2vkit segment --discover-words), for --user-dict"]
    lines += [w.word for w in words]
    try:
        write_atomic(path, "\n".join(lines) + "\n")
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({e.strerror})") from e
