"""The choices and defaults of the modules that are slow to import (numpy for queries, sentence
vectors, evaluation, maps and export; compiled patterns for segmentation), kept here, where
nothing is imported: the command line reads them for its --help and choices without loading
those modules, so `w2vkit --help` stays instant. Each constant is used by the module named beside
it."""

# w2vkit.segment: languages (auto: by the share of CJK characters), Chinese segmenters (fast is
# rjieba), the first of each the default; built-in user dictionaries and stopword lists; where
# long output lines are cut.
LANGS = ("auto", "zh", "en")
ENGINES = ("fast", "jieba")
BUILTIN_DICTS = ("xiyouji",)
BUILTIN_STOPWORDS = ("zh", "en")
DEFAULT_MAX_LINE_TOKENS = 1000

# w2vkit.query and w2vkit.evaluate: 3CosAdd and 3CosMul.
ANALOGY_METHODS = ("add", "mul")
# w2vkit.evaluate: only the N most frequent words answer and count as known, as published
# numbers are computed (Mikolov et al. 2013 report 30,000; gensim's own default is 300,000).
DEFAULT_RESTRICT_VOCAB = 30_000
# w2vkit.embed: smooth-inverse-frequency weights minus the common component, or the mean.
SENTENCE_METHODS = ("sif", "mean")
DEFAULT_SENTENCE_METHOD = "sif"
# w2vkit.interop
EXPORT_FORMATS = ("word2vec-bin", "word2vec-txt", "projector")
# w2vkit.plot: without words, how many frequent words a map shows. A picture stays readable with
# a few hundred labels; the HTML map is made to explore thousands.
PLOT_METHODS = ("tsne", "pca")
DEFAULT_NEIGHBORS = 10
DEFAULT_IMAGE_TOP = 300
DEFAULT_PAGE_TOP = 5000
DEFAULT_PLOT_FOLDER = "plots"
# From this many points t-SNE runs with openTSNE's FFT-accelerated gradients, which grow linearly
# with the points (benchmarks/map.py: 20,000 words in a fraction of scikit-learn's time).
LARGE_MAP = 2000
# w2vkit.modelinfo: the most frequent words `info` lists.
DEFAULT_TOP_WORDS = 20
# w2vkit.analysis. Expansion: candidates seen at least this often (rare words have noisy vectors).
EXPAND_MIN_COUNT = 5
# Iterative expansion: each round adds this many of the best candidates to the seeds.
EXPAND_GROW = 5
# Comparison: the rotation is fitted on this many most frequent words the two models share.
COMPARE_ANCHORS = 5000
COMPARE_NEIGHBOURS = 10
COMPARE_MIN_COUNT = 20
