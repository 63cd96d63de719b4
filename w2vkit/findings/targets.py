"""What a table command's WORD names (contrast, regression, occurrences): a word of the model; a
phrase of several tokens taken as one target (明月 in a model of characters, `united states`),
cut as the model cut its text; or several of either pooled with `+` (月+月亮). Each occurrence of
a phrase is its whole span, its context the tokens around the span, as à la carte embeds a phrase
without a vector of its own (Khodak et al. 2018)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from ..queries.query import Engine
from .alacarte import Corpus
from .permutation import Side
from .tabledocs import Documents

POOL = "+"
MAX_POOLED = 100  # parts of one pooled target (the explorer's bound on words): more is no longer one target


@dataclass
class Target:
    """A target: its text as given and, for each pooled part, the model rows of its tokens."""

    text: str
    sequences: list[list[int]]

    @property
    def rows(self) -> set[int]:
        """Every model row in it (kept out of its own neighbours)."""
        return {r for sequence in self.sequences for r in sequence}

    @property
    def single(self) -> int | None:
        """The row of a target that is one word, else None."""
        return self.sequences[0][0] if len(self.sequences) == 1 and len(self.sequences[0]) == 1 else None

    def spans(self, corpus: Corpus) -> list[tuple[np.ndarray, int]]:
        """For each pooled part, the positions where its tokens stand in a row of one document
        (the first token's), and the span's length."""
        out = []
        for sequence in self.sequences:
            pos = corpus.positions(sequence[0])
            for k, row in enumerate(sequence[1:], 1):
                at = pos + k
                inside = at < len(corpus.ids)
                at = np.where(inside, at, 0)
                pos = pos[inside & (corpus.ids[at] == row) & (corpus.doc[at] == corpus.doc[pos])]
            out.append((pos, len(sequence)))
        return out


def parse_target(engine: Engine, text: str) -> Target | None:
    """The target `text` names: a word of the model; else `+`-separated parts, each a word or a
    phrase of the model's tokens (cut by its segmentation). None: one word the model composes from
    character n-grams (it has no occurrences). UsageError: a part with a token the model lacks."""
    key = engine.key_of(text)
    if key is not None:
        return Target(text, [[engine.model.index[key]]])
    parts = [p.strip() for p in text.split(POOL, MAX_POOLED)] if POOL in text else [text]
    if len(parts) > MAX_POOLED:  # (counted before any part is looked up)
        raise UsageError(f"{text[:40]!r}…: more than {MAX_POOLED} pooled parts; pool at most {MAX_POOLED} words")
    if any(not p for p in parts):
        raise UsageError(f"{text[:80]!r}: an empty part; pool words as 月+月亮")
    twice = next((p for n, p in enumerate(parts) if p in parts[:n]), None)
    if twice is not None:  # (each occurrence would count once per time the part is named)
        raise UsageError(f"{text[:80]!r} names {twice!r} twice; pool each word once")
    sequences = []
    for part in parts:
        key = engine.key_of(part)
        if key is not None:
            sequences.append([engine.model.index[key]])
            continue
        tokens = _tokens(engine, part)
        rows = [engine.model.index.get(engine.key_of(t) or t) for t in tokens]
        if len(tokens) < 2 or None in rows:
            if len(parts) == 1 and len(tokens) < 2:
                engine.lookup(part)  # (an unknown word: its own error; a composed one: no occurrences)
                return None
            missing = [t for t, r in zip(tokens, rows) if r is None] or tokens
            raise UsageError(f"{part!r}: the model has no {', '.join(map(repr, missing))}; a target is its words")
        sequences.append([int(r) for r in rows if r is not None])
    return Target(text, sequences)


def _tokens(engine: Engine, text: str) -> list[str]:
    """The text cut as the model cut its training text (a table's rows: w2vkit.queries.segmentation)."""
    from ..queries.segmentation import row_tokenizer

    if " " in text.strip():
        return text.split()
    return [t for t in row_tokenizer(engine.row_options, text)([text])[0] if t.strip()]


def occurrence_sums(
    engine: Engine, corpus: Corpus, target: Target, window: int, doc_label: np.ndarray, most: int | None = None
):
    """The target's occurrences summed by label (each document's label in `doc_label`, -1 for
    documents left out): the labels present, their sums of context means (as
    w2vkit.findings.alacarte.context_sums, each part with its span) and counts, and the positions
    and spans of the occurrences that had a context. `most`: beyond this many occurrences, an
    evenly spaced sample of them (the same every time)."""
    from .alacarte import context_sums

    parts = [(pos[doc_label[corpus.doc[pos]] >= 0], span) for pos, span in target.spans(corpus)]
    total = sum(len(pos) for pos, _ in parts)
    if most is not None and total > most:
        parts = [(pos[:: -(-total // most)], span) for pos, span in parts]
    everywhere = np.concatenate([pos for pos, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    present = np.unique(doc_label[corpus.doc[everywhere]])
    sums = np.zeros((len(present), engine.unit.shape[1]))
    counts = np.zeros(len(present), dtype=np.int64)
    kept_pos, kept_span = [], []
    for pos, span in parts:
        labels = np.searchsorted(present, doc_label[corpus.doc[pos]])
        s, c, kept = context_sums(engine, corpus, pos, labels, len(present), window, span)
        sums += s
        counts += c
        kept_pos.append(pos[kept])
        kept_span.append(np.full(int(kept.sum()), span))
    if not parts:
        return present, sums, counts, everywhere, everywhere
    return present, sums, counts, np.concatenate(kept_pos), np.concatenate(kept_span)


def block_side(engine: Engine, docs: Documents, a: np.ndarray, target: Target, window: int, most: int | None = None):
    """The target's positions in the groups asked for (those with a context), their spans, and its
    Side: per block, the sum of its occurrence vectors (A times the context mean: A applied once to
    each block's sum of means, the same by linearity) and how many occurrences. `most`: as
    occurrence_sums'."""
    label = np.where(docs.group >= 0, docs.block, -1)
    present, sums, counts, pos, spans = occurrence_sums(engine, docs.corpus, target, window, label, most)
    some = counts > 0
    side = Side(sums[some] @ a.T.astype(np.float64), counts[some].astype(np.float64), docs.block_group[present[some]])
    return pos, spans, side


def concept_vectors(engine: Engine, names: list[str]) -> np.ndarray:
    """The unit vector of each word `names` gives (`to`'s words), or of a concept of words joined
    by `+` (隐+逸+孤: the unit mean of their unit vectors, as a query of them); a word the model
    lacks: its own error, with close words; an empty part, a word twice or more than MAX_POOLED
    parts: UsageError naming the item."""
    rows = []
    for name in names:
        parts = [p.strip() for p in name.split(POOL, MAX_POOLED)] if POOL in name else [name]
        if len(parts) > MAX_POOLED:
            raise UsageError(f"{{to}} names {name[:40]!r}…: more than {MAX_POOLED} words in a concept", "to")
        if any(not p for p in parts):
            raise UsageError(f"{{to}} names {name!r}: an empty part; join a concept's words as 隐+逸+孤", "to")
        twice = next((p for n, p in enumerate(parts) if p in parts[:n]), None)
        if twice is not None:
            raise UsageError(f"{{to}} names {name!r}, with {twice!r} twice: give each word of a concept once", "to")
        rows.append(engine.query(parts).vector if len(parts) > 1 else engine.lookup(name).vector)
    return np.vstack(rows).astype(np.float64)
