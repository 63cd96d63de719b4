"""Character n-gram vectors saved beside a subword model, so words it never saw still get a vector.

A subword model (gensim FastText, the Chinese default) learns a vector for every character
n-gram; the model directory's vectors.npy holds only the vocabulary's composed vectors, and the
full n-gram table (2M hash buckets) lives in the pickled gensim state, which queries never load.
So training also saves, in plain numpy, the vectors of the n-grams that occur in vocabulary
words (`ngrams.tsv`, one n-gram per line, and `ngrams.npy`, float32, same order; for the novel
~60k n-grams, a few tens of MB). An unknown word's vector is then composed as a known word's is
(compose_subword_vectors, below) with its own vector missing:
(1 - word_weight) x unit(mean of its known n-grams' vectors); with gensim's composition, the
mean itself (what gensim's FastText gives for an unknown word whose n-grams all occur in the
vocabulary; n-grams that occur in no vocabulary word are left out, where gensim would use
whatever untrained vector their hash bucket holds).

Not saved when the vectors were post-processed (w2vkit.model.postprocess): the n-grams would not be in
the same space.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..base.records import RecordError, npy_bytes_at_most
from ..base.trust import HashedWriter, kept_array, kept_file
from ..base.vecmath import unit_rows, unit_vector
from ..errors import CorruptModelError

# An unknown word gets a composed vector only when at least this share of its character n-grams
# is known: below it, a string's few known n-grams (不存在的词语啊: 2 of 15) say little of what it
# means. Chosen by benchmarks/unknown_words.py (docs/defaults.md "Unknown words").
MIN_KNOWN_NGRAM_SHARE = 0.5
NGRAM_VECTORS = "ngrams.npy"
NGRAM_LIST = "ngrams.tsv"
MAX_NGRAM_LINE_BYTES = 256  # (an n-gram of up to max_n characters and its newline; bounds the list before it is read)


def char_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """The word's character n-grams as fastText makes them: of "<word>", lengths min_n..max_n,
    without the lone boundary markers; in gensim's order (by start, then length)."""
    chars = f"<{word}>"
    out = []
    for i in range(len(chars)):
        for n in range(min_n, max_n + 1):
            if i + n > len(chars):
                break
            if n == 1 and (i == 0 or i + n == len(chars)):
                continue
            out.append(chars[i : i + n])
    return out


@dataclass
class NgramTable:
    index: dict[str, int]
    vectors: np.ndarray
    min_n: int
    max_n: int
    word_weight: float | str
    # A hybrid model's vectors are [predictive part | count part]: an unknown word has only the
    # first (scaled as the known words' is), zeros stand for the rest.
    scale: float = 1.0
    dim: int | None = None

    def vector(self, word: str) -> tuple[np.ndarray, int, int] | None:
        """The composed vector of a word from its known n-grams, how many were known and how
        many it has; None when none is known."""
        grams = char_ngrams(word, self.min_n, self.max_n)
        rows = [self.index[g] for g in grams if g in self.index]
        if not rows:
            return None
        mean = np.asarray(self.vectors[rows], dtype=np.float32).mean(axis=0)
        if self.word_weight != "gensim":
            mean = (1 - float(self.word_weight)) * unit_vector(mean)
        mean = self.scale * mean
        if self.dim is not None and self.dim > len(mean):
            mean = np.concatenate([mean, np.zeros(self.dim - len(mean), dtype=np.float32)])
        return mean.astype(np.float32), len(rows), len(grams)


def save_ngrams(directory: Path, wv, word_weight, scale: float = 1.0, dim: int | None = None) -> dict:
    """Write the n-grams of a trained gensim FastText model's vocabulary; their meta.json record."""
    from gensim.models.fasttext import ft_ngram_hashes

    rows: dict[str, int] = {}
    for word in wv.index_to_key:
        grams = char_ngrams(word, wv.min_n, wv.max_n)
        for gram, bucket in zip(grams, ft_ngram_hashes(word, wv.min_n, wv.max_n, wv.bucket)):
            rows.setdefault(gram, bucket)
    names = list(rows)
    vectors = np.ascontiguousarray(wv.vectors_ngrams[list(rows.values())], dtype=np.float32)
    with HashedWriter(directory / NGRAM_VECTORS) as vector_file:  # (hashed as written)
        np.save(vector_file, vectors, allow_pickle=False)
    with HashedWriter(directory / NGRAM_LIST) as list_file:
        list_file.write("".join(f"{g}\n" for g in names).encode("utf-8"))
    return {
        "count": len(names),
        "min_n": wv.min_n,
        "max_n": wv.max_n,
        "word_weight": word_weight,
        "scale": scale,
        "dim": dim,
        "vectors_sha256": vector_file.sha256,
        "list_sha256": list_file.sha256,
    }


def load_ngrams(door: Callable[[str], tuple[Path, str]], meta: dict) -> NgramTable | None:
    """The model's n-gram table (numpy only, checksums checked), or None if it has none; `door`
    names a file of the model as the one door takes it (Model.door: its folder, its name)."""
    record = meta.get("ngrams")
    if not record:
        return None
    folder, name = door(NGRAM_LIST)
    list_path = Path(folder) / name
    count = record.get("count")
    try:  # (through the one door: no link, sizes from the record before a byte is hashed)
        vectors = kept_array(
            *door(NGRAM_VECTORS), record.get("vectors_sha256"), what="n-gram vectors",
            shape=(count, None), dtype=np.float32, limit=npy_bytes_at_most(count, record.get("dim")),
        )  # fmt: skip
        with kept_file(
            *door(NGRAM_LIST), record.get("list_sha256"), what="n-gram list",
            limit=(count or 0) * MAX_NGRAM_LINE_BYTES,
        ) as kept:  # fmt: skip
            names = kept.read_text().split("\n")[:-1]
    except RecordError as e:
        raise CorruptModelError(f"{e}; retrain the model") from None
    except UnicodeDecodeError:
        raise CorruptModelError(f"{list_path}: not UTF-8; retrain the model") from None
    if len(names) != record["count"] or vectors.shape[0] != len(names):
        raise CorruptModelError(f"{list_path}: {len(names)} n-grams for {vectors.shape[0]} vectors; retrain the model")
    return NgramTable(
        {g: i for i, g in enumerate(names)},
        vectors,
        record["min_n"],
        record["max_n"],
        record["word_weight"],
        float(record.get("scale", 1.0)),
        record.get("dim"),
    )


def word_weights(rule, counts):
    """The weight of each word's own vector against its n-grams' mean: a number for every word,
    or ("count", low, high, half): low + (high - low) * count / (count + half), so a word seen
    often keeps more of its own vector and a rare one leans on its n-grams."""
    import numpy as np

    counts = np.asarray(counts, dtype=np.float64)
    if isinstance(rule, (int, float)):
        return np.full(len(counts), float(rule))
    _, low, high, half = rule
    return low + (high - low) * counts / (counts + half)


def compose_subword_vectors(wv, word_weight, edge_ngrams: bool = True, ngram_weighting: str = "mean"):
    """Each vocabulary word's vector from a trained gensim FastText model: word_weight x its own
    vector + (1 - word_weight) x the mean of its character n-grams' vectors, both at unit length
    (word_weight: one number, or one per word, see word_weights).

    gensim averages the word's vector with its n-grams' (2-3 character n-grams of a Chinese word
    are 4-7), so what a word shares in writing outweighs how it is used: 妖精's neighbours were
    妖娆 妖贼 妖孽 妖氛. The default weight scored better than gensim's composition on both novels'
    alias groups, and gives 妖精 -> 妖怪 妖魔 among the first (benchmarks/choose_defaults.py; docs/defaults.md
    "Choosing the defaults").

    ngram_weighting="idf" weighs each n-gram in the mean by log((V + 1) / (df + 1)), df the number
    of vocabulary words holding it: measured on three novels and not adopted (docs/defaults.md "Texts nobody
    prepared"); kept for benchmarks/aliases.py."""
    import numpy as np
    from gensim.models.fasttext import ft_ngram_hashes

    own = unit_rows(wv.vectors_vocab)
    ngram_mean = np.zeros_like(wv.vectors_vocab)
    single = np.zeros(len(own), dtype=bool)
    word_hashes = []
    for i, word in enumerate(wv.index_to_key):
        single[i] = len(word) == 1
        hashes = ft_ngram_hashes(word, wv.min_n, wv.max_n, wv.bucket)
        if not edge_ngrams and len(word) > 1:
            hashes = [
                h
                for h, g in zip(hashes, char_ngrams(word, wv.min_n, wv.max_n))
                if not (len(g) == 2 and ("<" in g or ">" in g))
            ] or hashes
        word_hashes.append(hashes)
    if ngram_weighting == "idf":
        df = np.zeros(wv.bucket, dtype=np.float64)
        for hashes in word_hashes:
            df[list(set(hashes))] += 1
        idf = np.log((len(word_hashes) + 1) / (df + 1))
    for i, hashes in enumerate(word_hashes):
        if not hashes:
            continue
        if ngram_weighting == "idf":
            w = idf[hashes]
            ngram_mean[i] = (w[:, None] * wv.vectors_ngrams[hashes]).sum(axis=0) / max(w.sum(), 1e-12)
        else:
            ngram_mean[i] = wv.vectors_ngrams[hashes].mean(axis=0)
    weight = np.broadcast_to(np.asarray(word_weight, dtype=np.float32), (len(own),))[:, None]
    composed = weight * own + (1 - weight) * unit_rows(ngram_mean)
    # A one-character word has no parts: its n-grams (<孙, 孙>) are the first or last character of
    # every word that begins or ends with it, which made 孙 the nearest word to 孙悟空, 孙行者 ...
    # It keeps its own vector (better MRR on the novel, same recall: docs/defaults.md).
    composed[single] = own[single]
    return composed.astype(np.float32)
