"""Character n-gram vectors saved beside a subword model, so words it never saw still get a vector.

A subword model (gensim FastText, the Chinese default) learns a vector for every character
n-gram; the model directory's vectors.npy holds only the vocabulary's composed vectors, and the
full n-gram table (2M hash buckets) lives in the pickled gensim state, which queries never load.
So training also saves, in plain numpy, the vectors of the n-grams that occur in vocabulary
words (`ngrams.tsv`, one n-gram per line, and `ngrams.npy`, float32, same order; for the novel
~60k n-grams, a few tens of MB). An unknown word's vector is then composed as a known word's is
(w2vkit.train.compose_subword_vectors) with its own vector missing:
(1 - word_weight) x unit(mean of its known n-grams' vectors); with gensim's composition, the
mean itself (what gensim's FastText gives for an unknown word whose n-grams all occur in the
vocabulary; n-grams that occur in no vocabulary word are left out, where gensim would use
whatever untrained vector their hash bucket holds).

Not saved when the vectors were post-processed (w2vkit.postprocess): the n-grams would not be in
the same space.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import CorruptModelError
from .files import sha256_of

NGRAM_VECTORS = "ngrams.npy"
NGRAM_LIST = "ngrams.tsv"


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

    def vector(self, word: str) -> tuple[np.ndarray, int, int] | None:
        """The composed vector of a word from its known n-grams, how many were known and how
        many it has; None when none is known."""
        grams = char_ngrams(word, self.min_n, self.max_n)
        rows = [self.index[g] for g in grams if g in self.index]
        if not rows:
            return None
        mean = np.asarray(self.vectors[rows], dtype=np.float32).mean(axis=0)
        if self.word_weight != "gensim":
            mean = (1 - float(self.word_weight)) * mean / max(float(np.linalg.norm(mean)), 1e-12)
        return mean.astype(np.float32), len(rows), len(grams)


def save_ngrams(directory: Path, wv, word_weight) -> dict:
    """Write the n-grams of a trained gensim FastText model's vocabulary; their meta.json record."""
    from gensim.models.fasttext import ft_ngram_hashes

    rows: dict[str, int] = {}
    for word in wv.index_to_key:
        grams = char_ngrams(word, wv.min_n, wv.max_n)
        for gram, bucket in zip(grams, ft_ngram_hashes(word, wv.min_n, wv.max_n, wv.bucket)):
            rows.setdefault(gram, bucket)
    names = list(rows)
    vectors = np.ascontiguousarray(wv.vectors_ngrams[list(rows.values())], dtype=np.float32)
    np.save(directory / NGRAM_VECTORS, vectors, allow_pickle=False)
    with open(directory / NGRAM_LIST, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(f"{g}\n" for g in names))
    return {
        "count": len(names),
        "min_n": wv.min_n,
        "max_n": wv.max_n,
        "word_weight": word_weight,
        "vectors_sha256": sha256_of(directory / NGRAM_VECTORS),
        "list_sha256": sha256_of(directory / NGRAM_LIST),
    }


def load_ngrams(path: Path, meta: dict) -> NgramTable | None:
    """The model's n-gram table (numpy only, checksums checked), or None if it has none."""
    record = meta.get("ngrams")
    if not record:
        return None
    vec_path, list_path = path / NGRAM_VECTORS, path / NGRAM_LIST
    for file, key in ((vec_path, "vectors_sha256"), (list_path, "list_sha256")):
        if not file.is_file() or sha256_of(file) != record.get(key):
            state = "missing" if not file.is_file() else "checksum mismatch (file changed or damaged)"
            raise CorruptModelError(f"{file}: {state}; retrain the model")
    vectors = np.load(vec_path, mmap_mode="r", allow_pickle=False)
    names = list_path.read_text(encoding="utf-8").split("\n")[:-1]
    if len(names) != record["count"] or vectors.shape[0] != len(names):
        raise CorruptModelError(f"{list_path}: {len(names)} n-grams for {vectors.shape[0]} vectors; retrain the model")
    return NgramTable(
        {g: i for i, g in enumerate(names)}, vectors, record["min_n"], record["max_n"], record["word_weight"]
    )
