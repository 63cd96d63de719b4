"""The choices and defaults of the modules that are slow to import (numpy for queries, sentence
vectors, evaluation, maps and export; compiled patterns for segmentation), kept here, where
nothing is imported: the command line reads them for its --help and choices without loading
those modules, so `w2vkit --help` stays instant (no dataclasses, no typing: creating them at import
is what made --help slow). Each constant is used by the module named beside it."""

# w2vkit.text.segmenting.segment: languages (auto: by the share of CJK characters), Chinese segmenters (fast is
# rjieba), the first of each the default; built-in user dictionaries and stopword lists; where
# long output lines are cut.
LANGS = ("auto", "zh", "en")
ENGINES = ("fast", "jieba")
# Chinese tokens: words (a segmenter) or characters (each Han character a token: classical poetry,
# where a character is mostly a word); Latin words stay words either way.
TOKEN_KINDS = ("words", "chars")
BUILTIN_DICTS = ("xiyouji",)
BUILTIN_STOPWORDS = ("zh", "en")
DEFAULT_MAX_LINE_TOKENS = 1000
# w2vkit.text.segmenting.discover: characters of the text's start new-word discovery reads (shared with the
# built-in dictionary detection, so the start is read once).
DISCOVERY_SAMPLE_CHARS = 2_000_000
# w2vkit.text.segmenting.phrases: how a pair is scored (word2phrase's formula, or normalised PMI) and the threshold
# each scoring joins above unless told.
PHRASE_THRESHOLD_DEFAULTS = {"default": 10.0, "npmi": 0.5}
PHRASE_SCORINGS = tuple(PHRASE_THRESHOLD_DEFAULTS)

# w2vkit.queries.query and w2vkit.evaluation.evaluate: 3CosAdd and 3CosMul.
ANALOGY_METHODS = ("add", "mul")
# w2vkit.evaluation.evaluate: only the N most frequent words answer and count as known, as published
# numbers are computed (Mikolov et al. 2013 report 30,000; gensim's own default is 300,000).
DEFAULT_RESTRICT_VOCAB = 30_000
# w2vkit.sentences.embed: smooth-inverse-frequency weights minus the common component, or the mean.
SENTENCE_METHODS = ("sif", "mean")
DEFAULT_SENTENCE_METHOD = "sif"
# w2vkit.sentences.vectorindex: index kinds (auto: flat below INDEX_FLAT_BELOW units, else ivf), measures,
# the units indexed; w2vkit.sentences.milvusindex: the collection (an alias) a Milvus index goes to.
INDEX_KINDS = ("auto", "flat", "ivf", "hnsw")
INDEX_METRICS = ("cosine", "ip", "l2")
INDEX_UNITS = ("line", "paragraph", "chapter")
INDEX_FLAT_BELOW = 200_000
DEFAULT_COLLECTION = "w2vkit_index"
# w2vkit.model.interop
EXPORT_FORMATS = ("word2vec-bin", "word2vec-txt", "projector")
# w2vkit.pictures.plotting: without words, how many frequent words a map shows. A picture stays readable with
# a few hundred labels; the HTML map is made to explore thousands.
PLOT_METHODS = ("tsne", "pca", "umap")  # (umap: the umap extra)
METHOD_NAMES = {"tsne": "t-SNE", "pca": "PCA", "umap": "UMAP"}  # (each as a title or a page names it)
DEFAULT_NEIGHBORS = 10
DEFAULT_IMAGE_TOP = 300
DEFAULT_PAGE_TOP = 5000
DEFAULT_PLOT_FOLDER = "plots"
# From this many points t-SNE runs with openTSNE's FFT-accelerated gradients, which grow linearly
# with the points (benchmarks/map.py: 20,000 words in a fraction of scikit-learn's time).
LARGE_MAP = 2000
MAX_CLUSTERS = 30  # plot --clusters: more colours than a reader can tell apart (the limits table's too)
# How many results a query or finding shows unless told (-n), on the command line and in the library
DEFAULT_TOPN = 10
EXPAND_TOPN = 20  # (expand: a lexicon is read further down)
# w2vkit.queries.kwic: characters of context each side of a hit (a terminal line for Chinese), and
# the passages shown
KWIC_WIDTH = 20
KWIC_LIMIT = 50
# A table's column holding the text (w2vkit.text.reading.tables; kwic, contrast, train on a table)
TEXT_COLUMN = "text"
# w2vkit.evaluation.nextitem: the k of hit rate@k
NEXT_ITEM_K = 10
# w2vkit.queries.modelinfo: the most frequent words `info` lists.
DEFAULT_TOP_WORDS = 20
# w2vkit.findings.analysis. Expansion: candidates seen at least this often (rare words have noisy vectors).
EXPAND_MIN_COUNT = 5
# Iterative expansion: each round adds this many of the best candidates to the seeds.
EXPAND_GROW = 5
# Comparison: the rotation is fitted on this many most frequent words the two models share.
COMPARE_ANCHORS = 5000
COMPARE_NEIGHBOURS = 10
COMPARE_MIN_COUNT = 20
# benchmarks/planted_change.py: ordering the moved words by the change found planted changes more
# precisely than ordering by z on both novels (docs/findings.md); z stands beside it as a column
COMPARE_RANKS = ("change", "z")
# w2vkit.findings.comparison (cosine, overlap: two models) and w2vkit.findings.referencing (two texts, one model)
COMPARE_METHODS = ("cosine", "overlap", "referencing")
COMPARE_RANK = "change"
# similar with members: order the neighbours by the ensemble's estimate (the members' mean in
# Fisher z, a bagged ranking) or by the model's own cosine. benchmarks/ensemble.py, 西游记, 三国演义
# and 红楼梦 (held out): the ensemble's ranking agreed more with an independent resample model's top
# 10 (3.94/4.33/3.58 of 10 against 3.73/4.03/3.42) but found fewer aliases (0.565/0.474/0.269
# against 0.583/0.478/0.316) and category words (0.096/0.096/0.067 against 0.102/0.105/0.077):
# steadier, not better, and 15% fewer aliases on the text kept aside. The model's ranking stays the
# default; the printed value is the ensemble's estimate either way.
SIMILAR_RANKS = ("ensemble", "model")
# Hubness correction (CSLS) and a frequency floor for neighbours: options, off by default until
# measured on texts kept aside (benchmarks/neighbours.py; docs/findings.md).
HUBNESS_CHOICES = ("none", "csls")
SIMILAR_HUBNESS = "none"
NEIGHBOUR_MIN_COUNT = None
SIMILAR_RANK = "model"

# w2vkit.training.trainoptions: train's defaults. Those that depend on the corpus differ below and from
# SMALL_CORPUS_TOKENS (a novel against Wikipedia); each was chosen by measurement on several texts
# and seeds (docs/defaults.md).
ARCHS = ("cbow", "skipgram")
DEFAULT_ARCH = "cbow"
DEFAULT_MIN_COUNT = 5
DEFAULT_MIN_ALPHA = 0.0001
DEFAULT_SEED = 1
DEFAULT_MIN_N, DEFAULT_MAX_N = 2, 3
# Corpora below this many tokens are "small" (a novel): they need many more passes and a wider
# window to give good neighbours.
SMALL_CORPUS_TOKENS = 2_000_000
# A word's own vector against its n-grams' mean, chosen on both novels' alias groups; see
# w2vkit.model.subwords.compose_subword_vectors.
DEFAULT_WORD_WEIGHT = 0.3
# The count part's singular values raised to this power (Levy et al. 2015 use 0.5): kept whole on
# novels, where flatter spectra did not help aliases (docs/defaults.md "Kinds of similarity"); the
# small-corpus default, and CountOptions' own.
DEFAULT_COUNT_EIG = 1.0
# From 2M tokens the count part is two counts side by side: its own window, and a narrow one (the
# paradigmatic view's settings: words that could replace each other, which syntactic analogies ask
# for) with this share of the count part's cosine (CountOptions.narrow_share).
NARROW_COUNT_WINDOW, NARROW_COUNT_EIG = 2, 1.0
NARROW_COUNT_SETTINGS: "dict[str, int | float]" = {"window": NARROW_COUNT_WINDOW, "eig": NARROW_COUNT_EIG}
NARROW_SHARE_FROM_2M = 0.25
SMALL_CORPUS_EPOCHS, LARGE_CORPUS_EPOCHS = 80, 10  # (at most and at least: default_epochs)
SMALL_CORPUS_DIM, LARGE_CORPUS_DIM = 100, 300
SMALL_CORPUS_DEFAULTS = {
    "dim": SMALL_CORPUS_DIM,
    "window": 8,
    "epochs": SMALL_CORPUS_EPOCHS,
    # Mikolov et al. (2013) give 5-20 negatives for small corpora; 10 measured best (docs/defaults.md).
    "negative": 10,
    "sample": 1e-3,
    # Hash buckets for the n-grams. gensim's default of 2M costs 800 MB at dim 100; a novel's
    # vocabulary has a few tens of thousands of distinct 2-3 character n-grams.
    "buckets": 200_000,
    "cbow_alpha": None,  # gensim's 0.025
    "add_context": False,
    "remove_top": 0,
    "count_eig": DEFAULT_COUNT_EIG,
    "count_weight": 0.25,
    "count_narrow_share": 0.0,
}
# Chosen on Wikipedia (benchmarks/english_defaults.py): the C tool's and fastText's CBOW learning
# rate, and post-processing: w+c, then the mean and top principal directions removed.
LARGE_CORPUS_DEFAULTS = {
    # dim 300, window 10 and sample 1e-3 (issue 50: WordSim353 0.707 -> 0.723-0.724, Google 51.6% ->
    # 54.5-55.0% on three runs; docs/defaults.md "English, issue 50").
    "dim": LARGE_CORPUS_DIM,
    "window": 10,
    "epochs": LARGE_CORPUS_EPOCHS,
    "negative": 10,
    "sample": 1e-3,
    "buckets": 2_000_000,
    "cbow_alpha": 0.05,
    "add_context": True,
    "remove_top": 2,
    "count_eig": 0.5,
    # The count part: 3/4 of its cosine from its window of 8, 1/4 from a narrow count
    # (NARROW_COUNT_SETTINGS), and 0.3 of each cosine (issue 50: Google +0.6 to +0.9 points on the
    # same vectors, WordSim353 -0.003; docs/defaults.md "English, issue 50").
    "count_weight": 0.3,
    "count_narrow_share": NARROW_SHARE_FROM_2M,
}


# The passes follow one budget of work at every size: tokens read in all, counted at dim 100 (a pass
# at the large corpus's dim 300 costs 300/100 ^ PASS_COST_DIM_EXPONENT of one), at most
# SMALL_CORPUS_DEFAULTS' 80 passes (every text up to 450,000 tokens) and at least the large corpus's
# 10. Eighty passes at any size under 2M made the time jump: 36,000 poems (1.94M tokens) trained 11
# minutes, the whole table (18.3M) 12 (issue 60). The budget is 36M tokens at 450,000 and grows as
# size^0.1 (7% more a doubling: 39M at 1M, 42M at 2M), so that a larger text reads more and the time
# rises with size (a flat budget held it flat from 0.5M to 2M, where the machine's noise decided the
# order), and it goes on past 2M (14 passes at 2M, 10 from 2.9M) so that the time does not step down
# where dim 300 begins. docs/defaults.md, "Passes by size".
SMALL_CORPUS_PASSES = 36_000_000
SMALL_CORPUS_PASSES_FROM = 450_000
SMALL_CORPUS_PASSES_GROWTH = 0.1
# A pass at the large corpus's dim d costs (d / 100) ^ this of one at dim 100 (1.5x at dim 300): what
# the whole `train` commands took a token pass on poetry slices each side of 2M (the curve's medians,
# 1.97M at dim 100 and 2.2M at dim 300: 1.49-1.51x), since the budget is there to make the time rise
# (gensim's phase alone says 1.84x; docs/defaults.md, "Passes by size").
PASS_COST_DIM_EXPONENT = 0.37
# What `train` says it expects before it starts: token passes a core makes in a second at dim 100
# (CBOW with n-grams, the default; 170,000-210,000 measured on this project's 2-core machines;
# slower with dim as PASS_COST_DIM_EXPONENT says),
# 1.4x as many without n-grams (603,678 against 423,428 words a second on 36,000 poems, one run),
# and some seconds more whatever the size (building the vocabulary, composing n-grams, saving).
PASSES_PER_CORE_SECOND = 190_000
PLAIN_WORD2VEC_SPEEDUP = 1.4
TRAIN_FIXED_SECONDS = 10


def passes_budget(tokens: int) -> float:
    """The tokens a corpus of `tokens` reads in all (at least), at dim 100."""
    grown = max(1.0, tokens / SMALL_CORPUS_PASSES_FROM) ** SMALL_CORPUS_PASSES_GROWTH
    return SMALL_CORPUS_PASSES * grown


def default_epochs(tokens: int) -> int:
    """The passes over a corpus of `tokens`: its budget's tokens read in all at its size's dim,
    between the large corpus's passes and the small's."""
    most, least = SMALL_CORPUS_EPOCHS, LARGE_CORPUS_EPOCHS
    dim = LARGE_CORPUS_DIM if tokens >= SMALL_CORPUS_TOKENS else SMALL_CORPUS_DIM
    tokens_a_pass = max(tokens, 1) * (dim / 100) ** PASS_COST_DIM_EXPONENT
    # (rounded up: never under the budget; rounded to the nearest, 1.61M tokens read 35.4M and
    # trained 0.5 s quicker than 1.07M, which read 36.3M)
    return max(least, min(most, int(-(-passes_budget(tokens) // tokens_a_pass))))


def by_size(name: str) -> str:
    """How a default that depends on the corpus size reads in --help: "100 below 2M tokens, else 200"."""
    small, large = SMALL_CORPUS_DEFAULTS[name], LARGE_CORPUS_DEFAULTS[name]
    if name == "epochs":
        return (
            f"{small} up to {SMALL_CORPUS_PASSES_FROM // 1000}k tokens, then {SMALL_CORPUS_PASSES // 1_000_000}M "
            f"tokens read in all, 7% more a doubling ({default_epochs(1_000_000)} at 1M, "
            f"{default_epochs(SMALL_CORPUS_TOKENS)} at {SMALL_CORPUS_TOKENS // 1_000_000}M with dim "
            f"{LARGE_CORPUS_DIM}), at least {large}"
        )
    if small == large:
        return f"{small}"
    return f"{small} below {SMALL_CORPUS_TOKENS // 1_000_000}M tokens, else {large}"


# w2vkit.training.countmodel. How `train` makes vectors: word2vec (gensim), ppmi (the count model alone) or
# hybrid (both, side by side). Hybrid and the count part's weight were chosen on four novels and
# checked on the English corpus (docs/defaults.md "A count model beside word2vec"; benchmarks/count_model.py
# and count_model_english.py). From HYBRID_MAX_TOKENS on, word2vec: the counts' memory was
# measured up to 17M tokens (1.7 GB peak), not beyond.
METHODS = ("word2vec", "ppmi", "hybrid")
DEFAULT_METHOD = "hybrid"
HYBRID_MAX_TOKENS = 50_000_000
# The count model's co-occurrence weightings (a context d words away counts 1/d as in GloVe,
# (window - d + 1) / window as word2vec's dynamic window on average, or 1) and its defaults.
WEIGHTINGS = ("harmonic", "linear", "flat")
DEFAULT_WEIGHTING = "harmonic"
DEFAULT_COUNT_DIM = 100
DEFAULT_COUNT_WINDOW = 8

# w2vkit.evaluation.evalsets: built-in set names -> (where, relative path, kind). "gensim": inside the gensim
# package's test data; "data": under a data folder (DATA_ENV, e.g. ../shared/eval/zh); "w2vkit":
# shipped here.
DATA_ENV = "W2VKIT_DATA"
BUILTIN_SETS = {
    "google": ("gensim", "questions-words.txt", "analogies"),
    "wordsim353": ("gensim", "wordsim353.tsv", "pairs"),
    "simlex999": ("gensim", "simlex999.txt", "pairs"),
    "ca8-morphological": ("data", "CA8/morphological.txt", "analogies"),
    "ca8-semantic": ("data", "CA8/semantic.txt", "analogies"),
    "wordsim240": ("data", "wordsim/wordsim-240.txt", "pairs"),
    "wordsim297": ("data", "wordsim/wordsim-297.txt", "pairs"),
    "xiyouji-aliases": ("w2vkit", "xiyouji-aliases.txt", "groups"),
    "sanguo-aliases": ("w2vkit", "sanguo-aliases.txt", "groups"),
    "hongloumeng-aliases": ("w2vkit", "hongloumeng-aliases.txt", "groups"),
}

# w2vkit.text.corpus.items: Defaults for items, chosen on MovieLens-100k's validation split (benchmarks/items.py): a window
# that covers whole sessions, skip-gram, and a negative-sampling exponent below 0 (rare items
# drawn as negatives more often: Caselles-Dupré et al. 2018); no character n-grams and no count
# part (IDs have no characters worth composing, and the count model's PPMI is what the
# co-occurrence baseline already measures).
ITEMS_LANGUAGE = "items"  # a prepared corpus's language when it holds item sequences (train --items)
ITEM_DEFAULTS = {
    "arch": "skipgram",
    "window": 50,
    "ns_exponent": -0.5,
    "epochs": 20,
    "min_count": 1,
    "dim": 64,
    "subwords": False,
    "method": "word2vec",
}


def parse_unit(unit: str) -> tuple[str, int]:
    """("auto"|"chapter"|"paragraph", 0) or ("lines", K); OptionError naming `unit` otherwise."""
    if unit in ("auto", "chapter", "paragraph"):
        return unit, 0
    kind, _, k = unit.partition(":")
    if kind == "lines" and k.isascii() and k.isdigit() and int(k) >= 1:
        return "lines", int(k)
    from ..errors import OptionError

    raise OptionError(
        f"{{unit}} must be auto, chapter, paragraph or lines:K (K lines a document), not {unit!r}", "unit"
    )


# w2vkit.findings.contrasts: context words each side (conText's default), permutations for p, bootstrap
# draws for the interval, occurrences a group needs for a number; a scan's words (the most frequent)
# and the occurrences each needs in every group (--scan alone; chosen by the null and power
# benchmarks, docs/findings.md).
CONTRAST_WINDOW = 6
CONTRAST_PERMUTATIONS = 1000
CONTRAST_BOOTSTRAP = 200
CONTRAST_MIN_OCCURRENCES = 10
# every interval's and band's coverage: 90%, the level at which the null harness holds each of them
# (benchmarks/nulls.py); --level 0.95 when a journal asks (docs/findings.md)
CONTRAST_LEVEL = 0.90
SCAN_TOP = 2000
# a scan's order: the findings that hold (q < 0.05) first, each part by its interval's lower bound;
# the lower bound alone; or the change (a rare word's large, uncertain change first). "held" put
# the most planted words first (benchmarks/contrast.py scan-power, docs/findings.md)
SCAN_RANKS = ("held", "low", "change")
SCAN_RANK = "held"
HOLDS_BELOW = 0.05  # a scan's row holds when its q is below this
SCAN_MIN_OCCURRENCES = 20

# w2vkit.model.views and w2vkit.training.fitting: the kinds of similarity a model with a count part
# answers with (`--similarity`): mixed (its saved vectors), and the two views trained beside them,
# each a count model with these settings, combined with the predictive part at VIEW_WEIGHTS
# (1: the count view alone). A model trained with a background (`train --background`, issue 60)
# has a third: its count part counted over the text and the background together (the text's
# vocabulary), and each word's vector its topical view's and that one's side by side, in the
# shares of its use that are the text's (w2vkit.training.background). A model answers with the
# first of DEFAULT_VIEWS it has unless told; others with their vectors (MIXED). Chosen on four texts
# (docs/defaults.md "Kinds of similarity", "A background").
SIMILARITIES = ("mixed", "topical", "paradigmatic", "background")
MIXED = "mixed"
BACKGROUND = "background"
DEFAULT_VIEWS = ("background", "topical")
VIEW_COUNT_SETTINGS: "dict[str, dict]" = {
    "topical": {"window": 16, "weighting": "flat"},
    "paradigmatic": dict(NARROW_COUNT_SETTINGS),
    "background": {**NARROW_COUNT_SETTINGS, "background": True},
}
VIEW_WEIGHTS = {"topical": 0.4, "paradigmatic": 0.25, "background": 0.75}
# A word's share of the text's own vector in the background view: (p_text / (p_text + p_background))
# to this power, p a word's share of the tokens of each (1: the text's own word, a name).
BACKGROUND_OWN_POWER = 1.5
# The background's own words (words the text's model lacks) a model keeps, most used first, for
# `similar --background-words` (w2vkit.training.backgroundwords): 20,000 rows of a novel's
# background view's joint part are 8 MB. (The bound of similar's --background-words.)
BACKGROUND_WORDS_MAX = 20_000
SIMILAR_BACKGROUND_WORDS = 0  # (w2vkit.queries.ensemble.similar: none unless asked for)
VIEWS_MAX_TOKENS = 5_000_000  # views are trained below this many tokens (novels, samples): seconds each
