"""Kinds of similarity a model can answer with (`--similarity`, issue 50): the window decides what
"similar" means. A wide window that counts every distance alike gives **topical** neighbours (words
of the same scenes: names and their aliases); a narrow window gives **paradigmatic** ones (words that could replace each other: everyday categories); the saved
vectors, **mixed**, are the model's own. A model with a count part (hybrid, ppmi) keeps each other
view as a file of its own, `view-<name>.npy` (float32, a row per word of vocab.tsv), whose sha256
meta.json records under "views"; a view is believed only while that checksum holds, and its file
name is never read from the record (w2vkit.base.trust).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..base.choices import BACKGROUND, BACKGROUND_WORDS_MAX, DEFAULT_VIEWS, MIXED, SIMILARITIES
from ..base.limits import LIMITS
from ..base.records import RecordError, npy_bytes_at_most
from ..base.trust import HashedWriter, kept_array, kept_file
from ..errors import CorruptModelError, UsageError
from .store import Model

# The background's own words (w2vkit.training.backgroundwords), beside the background view.
OWN_WORDS, OWN_WORDS_VECTORS = "background-words.tsv", "background-words.npy"


def view_file(name: str) -> str:
    return f"view-{name}.npy"


def write_view(directory, name: str, vectors: np.ndarray) -> dict:
    """Write a view into a model folder being made; its record for meta.json ("views")."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    with HashedWriter(directory / view_file(name)) as out:
        np.save(out, vectors, allow_pickle=False)
    return {"sha256": out.sha256, "bytes": (directory / view_file(name)).stat().st_size}


def write_views(directory, views: dict, own_words=None) -> dict:
    """Write a model's views into its folder being made (name -> (vectors, record)), and the
    background's own words beside the background view (w2vkit.training.backgroundwords); the
    records for meta.json's "views"."""
    records = {name: {**write_view(directory, name, v), **r} for name, (v, r) in views.items()}
    if own_words is not None and BACKGROUND in records:
        from .store import write_vocab

        vectors = np.ascontiguousarray(own_words.vectors, dtype=np.float32)
        with HashedWriter(directory / OWN_WORDS_VECTORS) as out:
            np.save(out, vectors, allow_pickle=False)
        words_sha256 = write_vocab(directory, own_words.words, own_words.counts, OWN_WORDS)
        records[BACKGROUND]["own_words"] = {
            "count": len(own_words.words),
            "offset": int(own_words.offset),
            "sha256": out.sha256,
            "words_sha256": words_sha256,
        }
    return records


def background_own_words(model: Model) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """The background's own words a model trained with --background keeps (words the text's
    model lacks: w2vkit.training.backgroundwords): (words, counts in the background, unit
    vectors, offset: the background view's column their vectors start at), each file through
    the one door (inside the folder, no link, bounded, its checksum the recorded one).

    Raises
    ------
    UsageError
        A model without them (trained without --background, or before they were kept).
    CorruptModelError
        A file missing, changed, or of the wrong shape or type.
    """
    from .store import read_vocab

    views = model.meta.get("views")
    record = views.get(BACKGROUND) if isinstance(views, dict) else None
    own = record.get("own_words") if isinstance(record, dict) else None
    if not isinstance(own, dict):
        raise UsageError(
            f"{model.path}: no background's own words: a model trained with train --background keeps them "
            "(retrain one trained before they were kept)"
        )
    count, offset = own.get("count"), own.get("offset")
    widest = int(LIMITS["dim"][1] or 0) + int(LIMITS["count_dim"][1] or 0)
    if not (isinstance(count, int) and 0 < count <= BACKGROUND_WORDS_MAX and isinstance(offset, int)):
        raise CorruptModelError(f"{model.path}: the background's own words' record is not valid; retrain the model")
    if not 0 <= offset < widest:
        raise CorruptModelError(f"{model.path}: the background's own words' offset {offset} is out of range")
    try:
        with kept_file(
            *model.door(OWN_WORDS), own.get("words_sha256"), what="background words", limit=count * 4096
        ) as kept:
            names, data = kept.path, kept.read_bytes()
        vectors = kept_array(
            *model.door(OWN_WORDS_VECTORS), own.get("sha256"), what="background words' vectors",
            limit=npy_bytes_at_most(count, widest), shape=(count, None), dtype=np.float32,
        )  # fmt: skip
    except RecordError as e:
        raise CorruptModelError(f"{e}; retrain the model") from None
    words, counts = read_vocab(names, data)
    if len(words) != count:
        raise CorruptModelError(f"{names}: {len(words):,} words, not the {count:,} its record says; retrain the model")
    return words, counts, vectors, offset


def with_view(model: Model, similarity: str | None) -> Model:
    """The model answering with the `similarity` view ("mixed": the model itself; None: the
    first of DEFAULT_VIEWS the model has, else the model itself), checked against the
    record meta.json keeps of it.

    Raises
    ------
    UsageError
        An unknown kind, or a model without that view (trained before views, or word2vec alone).
    CorruptModelError
        The view's file missing, a link, changed since it was written, or of the wrong shape.
    """
    if "view" in model.meta:  # (a model answering with a view already: the one asked, from the saved model)
        if similarity == model.meta["view"]:
            return model
        from .store import load_model

        model = model.saved if model.saved is not None else load_model(model.path)
    views = model.meta.get("views")
    if similarity is None:  # (the default where the model has it, else its own vectors)
        similarity = next((kind for kind in DEFAULT_VIEWS if isinstance(views, dict) and kind in views), MIXED)
    if similarity == MIXED:
        return model
    if similarity not in SIMILARITIES:
        raise UsageError(f"unknown similarity {similarity!r}; choose {', '.join(SIMILARITIES)}")
    record = views.get(similarity) if isinstance(views, dict) else None
    if not isinstance(record, dict):
        have = ", ".join([MIXED, *sorted(views)]) if isinstance(views, dict) else MIXED
        raise UsageError(
            f"{model.path}: no {similarity} view (a model with a count part trained by w2vkit 0.6 or later has "
            f"one: --method hybrid or ppmi); it answers with {have}"
        )
    # (through the one door for the files a record names: inside the folder, no link, bounded before a
    # byte is read, its checksum the recorded one; then the header, so that an object array, or one of
    # another shape, is never read)
    widest = int(LIMITS["dim"][1] or 0) + int(LIMITS["count_dim"][1] or 0)  # (a view's dimensions at most)
    try:
        vectors = kept_array(
            *model.door(view_file(similarity)), record.get("sha256"), what=f"{similarity} view",
            limit=npy_bytes_at_most(len(model.words), widest), shape=(len(model.words), None), dtype=np.float32,
        )  # fmt: skip
    except RecordError as e:
        raise CorruptModelError(f"{e}; retrain the model") from None
    # (the vectors' checksum is the view's: every cache keyed by it, the à la carte transform, the
    # norms, an index's record, tells the views apart; the saved vectors' stays beside it)
    meta = {**model.meta, "view": similarity, "vectors_sha256": record["sha256"]}
    meta["saved_vectors_sha256"] = model.meta.get("vectors_sha256")
    return dataclasses.replace(model, vectors=vectors, meta=meta, saved=model)
