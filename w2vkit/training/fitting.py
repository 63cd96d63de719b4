"""Fitting one model's vectors on a segmented corpus file: gensim's word2vec or fastText (with a
progress bar fed by gensim's own log) or the count model, and what comes out of a fit. w2vkit.training.trainer
prepares the corpus, fits the model (and its resampled members, w2vkit.text.corpus.documents) and saves them.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..base.progress import progress_bar
from ..errors import InputError
from ..model.gensimstate import model_class
from .countmodel import train_count_models, vocabulary
from .trainoptions import TrainOptions

log = logging.getLogger(__name__)


class EpochProgress:
    """gensim callback: per-epoch loss and a progress bar over all epochs.

    gensim keeps one running loss in a float32 that stops growing past 2**24..2**27 on large
    corpora, so it is reset at the start of each epoch and read at its end.
    """

    def __init__(self, epochs: int, words_per_epoch: int, bar, with_loss: bool = True):
        self.epochs = epochs
        self.with_loss = with_loss
        self.words = words_per_epoch
        self.bar = bar
        self.losses: list[float] = []
        self.done = 0  # epochs finished
        self.epoch_started = 0.0
        self.within = 0.0  # fraction of the current epoch done, from gensim's progress log

    # gensim's CallbackAny2Vec interface (duck-typed to keep gensim out of module import)
    def on_train_begin(self, model):
        pass

    def on_train_end(self, model):
        pass

    def on_epoch_begin(self, model):
        model.running_training_loss = 0.0
        self.epoch_started = time.perf_counter()
        self.within = 0.0

    def on_epoch_end(self, model):
        self.done += 1
        seconds = time.perf_counter() - self.epoch_started
        shown = f"epoch {self.done}/{self.epochs}"
        if self.with_loss:
            loss = float(model.get_latest_training_loss())
            self.losses.append(loss)
            shown += f" loss {loss:,.0f}"
        log.debug("%s, %.1f s", shown, seconds)
        if self.bar is not None:
            self.bar.n = self.done * self.words
            self.bar.set_postfix_str(shown)
            self.bar.refresh()

    def progress_within_epoch(self, percent: float):
        if self.bar is not None:
            self.bar.n = int((self.done + percent / 100) * self.words)
            self.bar.refresh()


class GensimProgressLog(logging.Handler):
    """Reads gensim's 'PROGRESS: at 42.1% examples' log lines for a smoother bar."""

    PATTERN = re.compile(r"PROGRESS: at ([\d.]+)% examples")

    def __init__(self, progress: EpochProgress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        m = self.PATTERN.search(record.getMessage())
        if m:
            self.progress.progress_within_epoch(float(m.group(1)))


def gensim_kwargs(opts: TrainOptions) -> dict:
    kw = dict(
        vector_size=opts.dim,
        window=opts.window,
        min_count=opts.min_count,
        sg=1 if opts.arch == "skipgram" else 0,
        hs=1 if opts.hs else 0,
        negative=opts.negative,
        sample=opts.sample,
        min_alpha=opts.min_alpha,
        workers=opts.workers,
        seed=opts.seed,
        epochs=opts.epochs,
        max_final_vocab=opts.max_vocab,
    )
    if opts.alpha is not None:
        kw["alpha"] = opts.alpha
    if opts.ns_exponent is not None:  # (items: below 0, rare items drawn as negatives more often)
        kw["ns_exponent"] = opts.ns_exponent
    if opts.subwords:
        kw.update(min_n=opts.min_n, max_n=opts.max_n, bucket=opts.buckets)
    else:  # gensim's FastText computes no loss
        kw["compute_loss"] = True
    return kw


@dataclass
class FitRun:
    model: Any  # gensim Word2Vec or FastText; None for the count model alone
    dropped: dict  # words below min_count and their counts (new models)
    losses: list
    seconds: float
    words: list | None = None  # the count model alone: its vocabulary, counts and vectors
    counts: Any = None
    vectors: Any = None
    count_record: dict | None = None
    count: Any = None  # hybrid: the count model's result (w2vkit.training.countmodel) beside the gensim model
    views: dict | None = None  # hybrid and ppmi: each view's count model (w2vkit.model.views), by name
    own: Any = None  # with a background: each word's share of its use that is the text's (w2vkit.training.background)
    beside: Any = None  # with a model as the background: its vectors of the words, a row each
    background: Any = None  # the background itself (w2vkit.training.background.Background) and the text's corpus
    corpus: Path | None = None


def fit_count_model(
    corpus: Path, tokens: int, opts: TrainOptions, inputs, counted=None, cluster=None, background=None
) -> FitRun:
    """The count model alone (method ppmi): vocabulary by min_count, then PPMI + SVD. counted:
    the corpus's (token counts, lines) when counted on `cluster`, which then counts the
    co-occurrences too. background: w2vkit.training.background.Background, for its view."""
    started = time.perf_counter()
    words, counts, dropped = vocabulary(corpus, opts.min_count, opts.max_vocab, counted[0] if counted else None)
    if not words:
        raise InputError(
            f"{', '.join(inputs)}: no word occurs {opts.min_count} times ({tokens:,} tokens, "
            f"{len(dropped):,} distinct words); give more text or lower {{min_count}} (e.g. {{min_count}} 1)",
            "min_count",
        )
    views = view_options(opts, tokens, background)
    result, *viewed = _counted(corpus, words, [opts.count_options(), *views.values()], cluster, background)
    record = {"pairs": result.pairs, **result.seconds}
    run = FitRun(None, dropped, [], time.perf_counter() - started, words, counts, result.vectors, record)
    run.views = dict(zip(views, viewed))
    _read_beside(run, background, corpus, words, counts, tokens)
    return run


def _counted(corpus: Path, words: list, options: list, cluster, background):
    return train_count_models(
        corpus, words, options, cluster=cluster, background=background.corpus if background is not None else None
    )


def fit_gensim(corpus: Path, tokens: int, opts: TrainOptions, state, inputs, progress: bool, counted=None):
    """Train a new gensim model on the corpus file, or go on training the one saved at `state`,
    with gensim's epoch log turned into the progress bar. counted: the corpus's (token counts in
    order of first appearance, lines) when counted on a cluster, in place of gensim's own scan
    (the same vocabulary: gensim breaks ties in frequency by first appearance)."""
    assert opts.epochs is not None and opts.subwords is not None, "options resolved for the corpus (resolved())"
    bar = progress_bar(tokens * opts.epochs, progress, "train", smoothing=0.1)
    cb = EpochProgress(opts.epochs, tokens, bar, with_loss=not opts.subwords)
    gensim_log = logging.getLogger("gensim.models.word2vec")
    handler = GensimProgressLog(cb)
    gensim_log.addHandler(handler)
    old_level, old_propagate = gensim_log.level, gensim_log.propagate
    if bar is not None:  # gensim's INFO lines feed the bar, and go no further (the user's log)
        gensim_log.setLevel(logging.INFO)
        gensim_log.propagate = False
    started = time.perf_counter()
    dropped: dict = {}
    train_kw = dict(corpus_file=str(corpus), epochs=opts.epochs, compute_loss=not opts.subwords, callbacks=[cb])
    try:
        if state is None:
            model = model_class(opts.subwords)(**gensim_kwargs(opts))
            # gensim sizes its arrays in build_vocab (prepare_weights): checked against the memory
            # there is just before, so --dim 100000 is one line with the figure, not a MemoryError
            allocate = model.prepare_weights

            def checked_prepare_weights(update=False):
                check_memory(model, opts)
                return allocate(update=update)

            model.prepare_weights = checked_prepare_weights
            # keep_raw_vocab: the counts of words below min_count feed unknown-word messages.
            if counted is None:
                model.build_vocab(corpus_file=str(corpus), keep_raw_vocab=True)
            else:
                model.build_vocab_from_freq(dict(counted[0]), keep_raw_vocab=True, corpus_count=counted[1])
                model.corpus_total_words = tokens
            del model.prepare_weights  # (the instance's hook; the model is pickled for --resume)
            check_vocabulary(model, tokens, opts.min_count, inputs)
            dropped = dropped_words(model)
            model.raw_vocab = {}
            model.train(total_words=model.corpus_total_words, **train_kw)
        else:
            model = model_class(opts.subwords).load(str(state))
            model.workers = opts.workers
            model.build_vocab(corpus_file=str(corpus), update=True)
            model.train(total_words=tokens, total_examples=model.corpus_count, **train_kw)
    finally:
        gensim_log.removeHandler(handler)
        gensim_log.setLevel(old_level)
        gensim_log.propagate = old_propagate
        if bar is not None:
            bar.close()
    return FitRun(model, dropped, cb.losses, time.perf_counter() - started)


# Below this many tokens, vectors are mostly noise (the novel, 366k tokens, is about the least
# that gives meaningful neighbours for its frequent words).
SMALL_CORPUS_WARNING_TOKENS = 100_000


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), None when unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(model, opts: TrainOptions) -> None:
    """MemoryNeededError (an InputError) when gensim's own estimate of the arrays it is about to
    make exceeds the memory available, with both figures and what to lower."""
    needed = sum(model.estimate_memory(vocab_size=len(model.wv.index_to_key) or None).values())
    available = available_memory()
    if available is not None and needed > available:
        raise InputError(
            f"training needs about {needed / 2**30:,.1f} GiB ({len(model.wv.index_to_key):,} words x dim {opts.dim}"
            + (f", {opts.buckets:,} n-gram buckets" if opts.subwords else "")
            + f"), more than the {available / 2**30:,.1f} GiB available; lower {{dim}}, {{max_vocab}}"
            + (" or {buckets}" if opts.subwords else ""),
            *(("dim", "max_vocab", "buckets") if opts.subwords else ("dim", "max_vocab")),
        )


def check_vocabulary(model, tokens: int, min_count: int, inputs: list[str]) -> None:
    """A clear error when no word reaches min_count (gensim would fail later with "you must first
    build vocabulary"), and a warning when the corpus is too small to expect much."""
    kept = len(model.wv.index_to_key)
    seen = len(model.raw_vocab)
    if kept == 0:
        raise InputError(
            f"{', '.join(inputs)}: no word occurs {min_count} times ({tokens:,} tokens, "
            f"{seen:,} distinct words); give more text or lower {{min_count}} (e.g. {{min_count}} 1)",
            "min_count",
        )
    if tokens < SMALL_CORPUS_WARNING_TOKENS:
        log.warning(
            "warning: a small corpus: %s tokens, %s words seen %d+ times; word vectors need "
            "a few hundred thousand tokens, so expect noisy neighbours for all but the most "
            "frequent words",
            f"{tokens:,}",
            f"{kept:,}",
            min_count,
        )


def dropped_words(model) -> dict[str, int]:
    """Counts of words gensim saw but dropped below min_count (kept for unknown-word messages)."""
    kept = model.wv.key_to_index
    return {w: int(c) for w, c in model.raw_vocab.items() if w not in kept}


def fit(
    corpus: Path,
    tokens: int,
    opts: TrainOptions,
    inputs,
    progress: bool,
    state=None,
    counted=None,
    counter=None,
    background=None,
):
    """The model `opts` asks for, fitted on a corpus file: ppmi (the count model alone), word2vec,
    or hybrid (word2vec, then the count model on its vocabulary, in run.count). background:
    w2vkit.training.background.Background, counted into its view."""
    if opts.method == "ppmi":
        return fit_count_model(corpus, tokens, opts, inputs, counted, counter, background)
    run = fit_gensim(corpus, tokens, opts, state, inputs, progress, counted)
    if opts.method == "hybrid":  # (the count part and its views: one pass over the corpus)
        words = list(run.model.wv.index_to_key)
        views = view_options(opts, tokens, background)
        run.count, *viewed = _counted(corpus, words, [opts.count_options(), *views.values()], counter, background)
        run.views = dict(zip(views, viewed))
        if background is not None:
            counts = [run.model.wv.get_vecattr(w, "count") for w in words]
            _read_beside(run, background, corpus, words, counts, tokens)
    return run


def _read_beside(run: FitRun, background, corpus: Path, words: list, counts, tokens: int) -> None:
    """What a background gives the fit: each word's own share of use, a model background's vectors
    of the words, and what the background's own words need (final_vectors, own_words=True)."""
    if background is not None:
        run.own, run.beside = background.own_shares(words, counts, tokens), background.vectors_of(words)
        run.background, run.corpus = background, corpus


def expected_seconds(opts: TrainOptions, tokens: int, members: int = 0, background_tokens: int = 0) -> float:
    """About how long training `opts` on `tokens` takes here (the model and its members), from
    PASSES_PER_CORE_SECOND: a guide said before the work starts, not a promise. A background
    adds its count (its tokens), not passes."""
    from ..base.choices import (
        PASS_COST_DIM_EXPONENT,
        PASSES_PER_CORE_SECOND,
        PLAIN_WORD2VEC_SPEEDUP,
        TRAIN_FIXED_SECONDS,
    )
    from ..base.env import default_jobs

    cores = max(1, min(default_jobs(), opts.workers or default_jobs()))
    passes = tokens * (1 if opts.method == "ppmi" else (opts.epochs or 1))
    rate = PASSES_PER_CORE_SECOND * cores * (1 if opts.subwords else PLAIN_WORD2VEC_SPEEDUP)
    one = TRAIN_FIXED_SECONDS + passes * ((opts.dim or 100) / 100) ** PASS_COST_DIM_EXPONENT / rate
    if opts.method != "word2vec":  # (the count part: about a second per 150,000 tokens, views included)
        one += (tokens + background_tokens) / 150_000
    return one * (1 + members)


def about(seconds: float) -> str:
    """A time said before the work: "about 40 s", "about 3 minutes", "about 1.5 hours"."""
    if seconds < 90:
        return f"about {max(1, round(seconds / 5) * 5 if seconds > 10 else round(seconds))} s"
    if seconds < 90 * 60:
        return f"about {round(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"


def view_options(opts: TrainOptions, tokens: int, background=None) -> dict:
    """The count options of each kind of similarity (VIEW_COUNT_SETTINGS: a wide and a narrow
    window, and with a background one counted over both), the rest of the count settings as the
    model's; none from VIEWS_MAX_TOKENS on (on the 17M-word English corpus they would add some 3
    minutes; train refuses a background there)."""
    from dataclasses import replace

    from ..base.choices import BACKGROUND, VIEW_COUNT_SETTINGS, VIEWS_MAX_TOKENS

    if tokens >= VIEWS_MAX_TOKENS:
        return {}
    base = opts.count_options()
    # (a view is one count: the model's narrow count, if any, is not repeated in it)
    return {
        name: replace(base, narrow_share=0.0, **settings)
        for name, settings in VIEW_COUNT_SETTINGS.items()
        if name != BACKGROUND or (background is not None and background.corpus is not None)
    }  # (a model as the background brings its vectors instead of a count)


@dataclass
class FinalVectors:
    """A fit's words, counts and vectors as saved (n-grams composed, post-processed, the hybrid's
    two parts side by side) and what meta.json records of how they were made."""

    words: list
    counts: Any
    vectors: Any
    meta: dict
    wv: Any  # gensim's KeyedVectors (None for the count model alone)
    steps: Any  # w2vkit.model.postprocess.Steps applied
    views: dict  # name -> (vectors, record for meta.json's "views")
    background_words: Any = None  # the background's own words (w2vkit.training.backgroundwords), when asked


def final_vectors(run: FitRun, opts: TrainOptions, own_words: bool = False) -> FinalVectors:
    """The vectors a fit saves, its views, and with `own_words` (the model, not a member) the
    background's own words in its background view."""
    import numpy as np

    from ..base.choices import BACKGROUND, BACKGROUND_OWN_POWER, VIEW_COUNT_SETTINGS, VIEW_WEIGHTS
    from ..model.postprocess import Steps, apply, context_vectors
    from ..model.subwords import compose_subword_vectors
    from .background import background_view
    from .countmodel import combine

    meta: dict = {}
    if opts.method != "word2vec":
        meta["count_model"] = dict(opts.count_options().describe(), **(run.count_record or {}))
    if run.model is None:  # the count model alone
        words, counts, vectors = run.words, run.counts, run.vectors
        wv, steps = None, Steps(False, opts.remove_top or 0)  # (w+c is the count model's own option)
    else:
        import gensim

        meta["gensim_version"] = gensim.__version__
        wv = run.model.wv
        words = list(wv.index_to_key)
        counts = np.array([wv.get_vecattr(w, "count") for w in words], dtype=np.int64)
        vectors = wv.vectors
        if opts.subwords and opts.word_weight != "gensim":
            vectors = compose_subword_vectors(wv, opts.word_weight)
        steps = opts.postprocess
    if steps:
        vectors = apply(vectors, steps, context_vectors(run.model) if steps.add_context else None)
    meta["postprocess"] = steps.describe()
    views = {}
    for name, view in (run.views or {}).items():  # (each kind of similarity, w2vkit.model.views)
        weight = VIEW_WEIGHTS[name] if run.model is not None else 1.0
        record = {"count_model": {**VIEW_COUNT_SETTINGS[name], **view.seconds}, "weight": weight}
        views[name] = (view.vectors if run.model is None else combine(vectors, view.vectors, weight), record)
        if name == BACKGROUND:  # (beside each word's topical vector, in the shares of its own use)
            views[name] = (background_view(views["topical"][0], views[name][0], run.own), record)
            record["own_power"] = BACKGROUND_OWN_POWER
    if run.beside is not None and "topical" in views:  # (a model as the background: its vectors, as measured)
        record = {"from": "model", "own_power": BACKGROUND_OWN_POWER}
        views[BACKGROUND] = (background_view(views["topical"][0], run.beside, run.own), record)
    extra = None
    if own_words and run.background is not None and run.corpus is not None and BACKGROUND in views:
        from .backgroundwords import background_words

        counted = (run.views or {}).get(BACKGROUND)  # (None for a model as the background)
        basis, width = counted.basis if counted is not None else None, views[BACKGROUND][0].shape[1]
        extra = background_words(run.corpus, run.background, list(words or []), opts.min_count or 1, basis, width)
    count = run.count
    if count is not None:  # hybrid: the predictive vectors (as saved before) beside the count model's
        meta["count_model"].update(pairs=count.pairs, **count.seconds)
        meta["count_seconds"] = round(sum(count.seconds.values()), 3)
        predictive_dim = vectors.shape[1]
        vectors = combine(vectors, count.vectors, float(opts.count_weight or 0.0))
        meta["count_model"]["layout"] = {"predictive_dim": predictive_dim, "count_dim": count.vectors.shape[1]}
    return FinalVectors(list(words or []), counts, vectors, meta, wv, steps, views, extra)
