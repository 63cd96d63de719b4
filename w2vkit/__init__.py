"""w2vkit: train and query word2vec models from raw Chinese or English text.

The library modules (corpus, segment, train, store, query, evaluate, plot) are usable from Python;
``w2vkit.cli`` is a thin command-line layer over them. The public names below are imported from
their modules on first use (PEP 562), so ``import w2vkit`` loads nothing heavy; gensim, jieba,
scikit-learn and matplotlib load inside the functions that need them.
"""

__version__ = "0.4.0"  # the one place the version is set (pyproject.toml reads it)

# public name -> the module that defines it
_PUBLIC = {
    "SegmentOptions": "segment",
    "segment_corpus": "pipeline",
    "TrainOptions": "trainoptions",
    "train": "training",
    "Model": "store",
    "load_model": "store",
    "save_model": "store",
    "Engine": "query",
    "Embedder": "embed",
    "search_file": "embed",
    "run_evaluation": "evaluate",
    "import_word2vec": "interop",
    "export_model": "interop",
    "plot": "plotting",
    "expand": "analysis",
    "axis_scores": "axes",
    "draw_axis": "axisplot",
    "compare": "comparison",
    "compare_texts": "referencing",
    "concordance": "kwic",
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
