"""The segmentation a model's text had, restored from its meta.json with the dictionaries and
stopword lists the model keeps (w2vkit.model.dictcopies): queries, sentence vectors and resumed
training segment new text as the model's text was segmented."""

from __future__ import annotations

from pathlib import Path

from ..errors import CorruptModelError
from ..model.dictcopies import FIELDS, store_copies, verified_copy
from ..text.segmenting.segment import SegmentOptions
from ..text.segmenting.wordlists import resolve_dict, resolve_stopwords

RESOLVERS = {"user_dicts": resolve_dict, "stopwords": resolve_stopwords}


def store_segmentation(segmentation: dict | None) -> tuple[dict | None, dict[str, bytes]]:
    """For a model being saved: its segmentation record with a copy of each dictionary and stopword
    list, and the copies (w2vkit.model.dictcopies.store_copies)."""
    return store_copies(segmentation, RESOLVERS)


def restore_options(segmentation: dict, model_dir: Path) -> SegmentOptions:
    """The options a model's text was segmented with, each dictionary and stopword list a verified
    file (its copy in the model, or, for older models, the recorded path, checksum checked)."""
    record = dict(segmentation)
    for field, what in FIELDS.items():
        entries = record.get(field) or []
        if not isinstance(entries, list):
            raise CorruptModelError(f"{model_dir / 'meta.json'}: segmentation.{field} should be a list; retrain")
        record[field] = [{"name": str(verified_copy(model_dir, entry, what, RESOLVERS[field]))} for entry in entries]
    return SegmentOptions.from_described(record)


def row_options(model) -> SegmentOptions | None:
    """How a model trained on a table cuts the table's rows into tokens (contrast's documents,
    kwic's passages): its segmentation restored, a row one document with no length cap; imported
    vectors (GloVe, Tencent, fastText .vec: no segmentation of their own) by today's default
    segmentation; None for a model trained on segmented text (cut at whitespace). An engine keeps
    them (Engine.row_options), so its questions restore the dictionaries once."""
    from dataclasses import replace

    seg = model.meta.get("segmentation")
    if not seg and model.meta.get("source"):  # (imported vectors: the table cut by today's defaults)
        return replace(SegmentOptions(), sentences=False, max_line_tokens=1_000_000)
    if not seg:
        return None
    return replace(restore_options(seg, model.path), sentences=False, max_line_tokens=1_000_000)


def row_tokenizer(options: SegmentOptions | None, sample: str):
    """A function of a batch of texts cutting each as `options` (row_options) say; `sample`, a
    row's text, decides the language when the model's is auto."""
    from ..text.segmenting.segment import Tokenizer

    if options is None:
        return lambda texts: [text.split() for text in texts]
    lang = options.lang if options.lang != "auto" else options.language_of(sample)
    return Tokenizer(options, lang).documents
