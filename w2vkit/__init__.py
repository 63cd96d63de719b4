"""w2vkit: train and query word2vec models from raw Chinese or English text.

The library modules (corpus, segment, train, store, query, evaluate, plot) are usable from Python;
``w2vkit.cli`` is a thin command-line layer over them. The public names below are imported from
their modules on first use (PEP 562), so ``import w2vkit`` loads nothing heavy; gensim, jieba,
scikit-learn and matplotlib load inside the functions that need them.
"""

__version__ = "0.5.0"  # the one place the version is set (pyproject.toml reads it)

# public name -> the module that defines it
_PUBLIC = {
    "SegmentOptions": "text.segmenting.segment",
    "segment_corpus": "text.segmenting.pipeline",
    "TrainOptions": "training.trainoptions",
    "train": "training.trainer",
    "Model": "model.store",
    "load_model": "model.store",
    "save_model": "model.store",
    "Engine": "queries.query",
    "Embedder": "sentences.embed",
    "search_file": "sentences.embed",
    "run_evaluation": "evaluation.evaluate",
    "import_word2vec": "model.interop",
    "export_model": "model.interop",
    "plot": "pictures.plotting",
    "expand": "findings.analysis",
    "draw_axis": "pictures.axisplot",
    "compare": "findings.comparison",
    "compare_texts": "findings.referencing",
    "similar": "queries.ensemble",
    "similarity": "queries.ensemble",
    "axis": "findings.axes",
    "contrast": "findings.contrasts",
    "occurrences": "findings.occurrences",
    "passages": "queries.kwic",
    "typical_passages": "findings.typical",
    "W2vkitError": "errors",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'w2vkit' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__():
    return sorted(__all__)
