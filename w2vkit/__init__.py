"""w2vkit: train and query word2vec models from raw Chinese or English text.

The library modules (corpus, segment, train, store, query, evaluate, plot) are usable from Python;
``w2vkit.cli`` is a thin command-line layer over them. Heavy dependencies (gensim, jieba, sklearn,
matplotlib) are imported inside the functions that need them, so importing w2vkit is cheap.
"""

__version__ = "0.4.0"  # the one place the version is set (pyproject.toml reads it)
