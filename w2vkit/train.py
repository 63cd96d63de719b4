"""Training word2vec (Skip-gram or CBOW) with gensim and saving the result in the w2vkit format.

Raw text is segmented with the same options as `w2vkit segment` and cached by content hash and
options, so retraining with other hyperparameters skips segmentation. gensim runs in its
``corpus_file`` mode (multi-core, no Python per sentence); every line it reads has at most 1,000
tokens because that mode produces garbage vectors on one-line corpora.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .choices import DEFAULT_MAX_LINE_TOKENS
from .cluster import Cluster
from .corpuscache import prepare_corpus
from .countmodel import combine, train_count_model, vocabulary
from .dictfiles import restore_options, store_copies
from .errors import InputError, ModelError, OptionError, UsageError
from .gensimstate import has_state, model_class, save_state, verify_gensim_state
from .postprocess import Steps, apply, context_vectors
from .progress import progress_bar
from .segment import SegmentOptions
from .store import GENSIM_DIR, load_model, prepare_model_output, publish, staging_dir, write_model_files
from .subwords import compose_subword_vectors, save_ngrams
from .trainoptions import TrainOptions, default_output

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    model_dir: Path
    vocab_size: int
    tokens: int
    epochs: int
    seconds: float
    train_seconds: float
    words_per_second: float
    losses: list[float]
    cached_corpus: bool
    options: TrainOptions

    def to_dict(self) -> dict:
        """The result as `train --format json` prints it."""
        return {
            "model": str(self.model_dir),
            "vocab_size": self.vocab_size,
            "tokens": self.tokens,
            "epochs": self.epochs,
            "seconds": round(self.seconds, 3),
            "words_per_second": round(self.words_per_second),
            "losses_per_epoch": self.losses,
            "cached_corpus": self.cached_corpus,
            "options": asdict(self.options),
        }


class _EpochProgress:
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


class _GensimProgressLog(logging.Handler):
    """Reads gensim's 'PROGRESS: at 42.1% examples' log lines for a smoother bar."""

    PATTERN = re.compile(r"PROGRESS: at ([\d.]+)% examples")

    def __init__(self, progress: _EpochProgress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        m = self.PATTERN.search(record.getMessage())
        if m:
            self.progress.progress_within_epoch(float(m.group(1)))


def _gensim_kwargs(opts: TrainOptions) -> dict:
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
    if opts.subwords:
        kw.update(min_n=opts.min_n, max_n=opts.max_n, bucket=opts.buckets)
    else:  # gensim's FastText computes no loss
        kw["compute_loss"] = True
    return kw


def train(
    inputs: list[str],
    output=None,
    options: TrainOptions = TrainOptions(),  # noqa: B008 (frozen: immutable)
    seg_options: SegmentOptions | None = SegmentOptions(),  # noqa: B008 (frozen: immutable)
    resume: str | None = None,
    jobs: int | None = None,
    progress: bool = False,
    keep_gensim: bool = True,
    max_line_tokens: int = DEFAULT_MAX_LINE_TOKENS,
    cluster: str | None = None,
) -> TrainResult:
    """Train a model on raw (or, with seg_options=None, segmented) text and save it atomically.

    output None: the resumed model's directory, else trainoptions.default_output (models/<name>).
    max_line_tokens: where segmented text (seg_options=None) is re-wrapped for gensim.
    cluster: a Dask scheduler's address or local:N (w2vkit.cluster): raw text is segmented on its
    workers; segmented text's vocabulary is counted there (the corpus cache, $W2VKIT_CACHE, must
    then be on a filesystem the workers share). Training itself runs here: gensim uses one machine."""
    started = time.perf_counter()
    output = output or resume or default_output(list(inputs))
    # Before anything expensive: the output must be new, empty, or a w2vkit model, and apart
    # from the inputs.
    prepare_model_output(output, [i for i in inputs if os.path.exists(i)])
    resumed_from, state = _resume_state(resume) if resume else (None, None)
    if resumed_from is not None and seg_options is not None and resumed_from.meta.get("segmentation"):
        seg_options = restore_options(resumed_from.meta["segmentation"], resumed_from.path)
    with ExitStack() as stack:
        # For segmented text the cluster counts (words, and co-occurrences for a count model), open
        # till then; reached before any work starts.
        counter = stack.enter_context(Cluster(cluster)) if cluster and seg_options is None and not resume else None
        prepared = prepare_corpus(
            inputs, seg_options, jobs=jobs, progress=progress, max_line_tokens=max_line_tokens, cluster=cluster
        )
        counted = counter.count_tokens([prepared.path]) if counter else None
        tokens = prepared.tokens
        if resumed_from is not None:  # unless told otherwise, go on as the model was trained
            trained = resumed_from.meta["hyperparameters"]
            if options.subwords is None:
                options = replace(options, subwords=bool(trained.get("subwords")))
            if options.word_weight is None:
                options = replace(options, word_weight=trained.get("word_weight"))
            if options.method is None:
                options = replace(options, method="word2vec")
        opts = options.resolved(tokens, prepared.language)
        if resumed_from is not None and opts.method != "word2vec":
            raise OptionError(
                "{resume} continues word2vec training; a " + opts.method + " model is trained on all its text at once",
                "resume",
            )
        if opts.method == "ppmi":
            run = _run_count_only(prepared.path, tokens, opts, inputs, counted, counter)
        else:
            run = _run_gensim(prepared.path, tokens, opts, state, inputs, progress, counted)
        if resumed_from is not None:
            dropped = {w: c for w, c in resumed_from.dropped_counts().items() if w not in run.model.wv.key_to_index}
        else:
            dropped = run.dropped
        count = None
        if opts.method == "hybrid":
            count = train_count_model(
                prepared.path, list(run.model.wv.index_to_key), opts.count_options(), cluster=counter
            )
        words = _save_trained(run, output, opts, prepared, tokens, dropped, resumed_from, keep_gensim, count)
        seconds = run.seconds + (sum(count.seconds.values()) if count else 0)
        return TrainResult(
            Path(output),
            words,
            tokens,
            opts.epochs,
            time.perf_counter() - started,
            seconds,
            tokens * (1 if opts.method == "ppmi" else opts.epochs) / max(seconds, 1e-9),
            run.losses,
            prepared.cached,
            opts,
        )


def _resume_state(resume: str):
    """The model to go on training and its verified gensim state file."""
    model = load_model(resume)
    method = (model.meta.get("hyperparameters") or {}).get("method") or "word2vec"
    if method != "word2vec":
        raise UsageError(
            f"{resume}: a {method} model cannot be resumed (its count part is computed from all its text at "
            "once); train a new model on all the text"
        )
    if not has_state(Path(resume)):
        raise ModelError(
            f"{resume}: has no training state to resume from (an imported model, or its "
            f"{GENSIM_DIR}/ folder was removed); train a new model instead"
        )
    return model, verify_gensim_state(Path(resume), model.meta)


@dataclass
class _GensimRun:
    model: object  # gensim Word2Vec or FastText; None for the count model alone
    dropped: dict  # words below min_count and their counts (new models)
    losses: list
    seconds: float
    words: list | None = None  # the count model alone: its vocabulary, counts and vectors
    counts: object = None
    vectors: object = None
    count_record: dict | None = None


def _run_count_only(corpus: Path, tokens: int, opts: TrainOptions, inputs, counted=None, cluster=None) -> _GensimRun:
    """The count model alone (method ppmi): vocabulary by min_count, then PPMI + SVD. counted:
    the corpus's (token counts, lines) when counted on `cluster`, which then counts the
    co-occurrences too."""
    started = time.perf_counter()
    words, counts, dropped = vocabulary(corpus, opts.min_count, opts.max_vocab, counted[0] if counted else None)
    if not words:
        raise InputError(
            f"{', '.join(inputs)}: no word occurs {opts.min_count} times ({tokens:,} tokens, "
            f"{len(dropped):,} distinct words); give more text or lower --min-count (e.g. --min-count 1)"
        )
    result = train_count_model(corpus, words, opts.count_options(), cluster=cluster)
    record = {"pairs": result.pairs, **result.seconds}
    return _GensimRun(None, dropped, [], time.perf_counter() - started, words, counts, result.vectors, record)


def _run_gensim(corpus: Path, tokens: int, opts: TrainOptions, state, inputs, progress: bool, counted=None):
    """Train a new gensim model on the corpus file, or go on training the one saved at `state`,
    with gensim's epoch log turned into the progress bar. counted: the corpus's (token counts in
    order of first appearance, lines) when counted on a cluster, in place of gensim's own scan
    (the same vocabulary: gensim breaks ties in frequency by first appearance)."""
    bar = progress_bar(tokens * opts.epochs, progress, "train", smoothing=0.1)
    cb = _EpochProgress(opts.epochs, tokens, bar, with_loss=not opts.subwords)
    gensim_log = logging.getLogger("gensim.models.word2vec")
    handler = _GensimProgressLog(cb)
    gensim_log.addHandler(handler)
    old_level = gensim_log.level
    if bar is not None:
        gensim_log.setLevel(logging.INFO)
    started = time.perf_counter()
    dropped: dict = {}
    train_kw = dict(corpus_file=str(corpus), epochs=opts.epochs, compute_loss=not opts.subwords, callbacks=[cb])
    try:
        if state is None:
            model = model_class(opts.subwords)(**_gensim_kwargs(opts))
            # keep_raw_vocab: the counts of words below min_count feed unknown-word messages.
            if counted is None:
                model.build_vocab(corpus_file=str(corpus), keep_raw_vocab=True)
            else:
                model.build_vocab_from_freq(dict(counted[0]), keep_raw_vocab=True, corpus_count=counted[1])
                model.corpus_total_words = tokens
            check_vocabulary(model, tokens, opts.min_count, inputs)
            dropped = _dropped_words(model)
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
        if bar is not None:
            bar.close()
    return _GensimRun(model, dropped, cb.losses, time.perf_counter() - started)


def _save_trained(
    run: _GensimRun, output, opts, prepared, tokens: int, dropped, resumed_from, keep_gensim, count=None
) -> int:
    """Write the model directory (vectors composed as chosen, metadata, and the gensim state for
    --resume) and publish it atomically; the number of words."""
    import numpy as np

    meta = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "numpy_version": np.__version__,
        "hyperparameters": asdict(opts),
        "corpus": {"inputs": prepared.inputs, "tokens": tokens, "cache": str(prepared.path)},
        "segmentation": prepared.segmentation,
        "losses_per_epoch": [round(x, 3) for x in run.losses],
        "timings": {
            "prepare_seconds": round(prepared.seconds, 3),
            "train_seconds": round(run.seconds, 3),
            "words_per_second": round(tokens * (1 if run.model is None else opts.epochs) / run.seconds),
        },
        "resumed_from": resumed_from.meta.get("vectors_sha256") if resumed_from else None,
    }
    if opts.method != "word2vec":
        meta["count_model"] = dict(opts.count_options().describe(), **(run.count_record or {}))
    if run.model is None:  # the count model alone
        words, counts, vectors = run.words, run.counts, run.vectors
        wv, steps = None, Steps(False, opts.remove_top or 0)  # (w+c is the count model's own option)
        keep_gensim = False
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
    if count is not None:  # hybrid: the predictive vectors (as saved before) beside the count model's
        meta["count_model"].update(pairs=count.pairs, **count.seconds)
        meta["timings"]["count_seconds"] = round(sum(count.seconds.values()), 3)
        predictive_dim = vectors.shape[1]
        vectors = combine(vectors, count.vectors, opts.count_weight)
        meta["count_model"]["layout"] = {"predictive_dim": predictive_dim, "count_dim": count.vectors.shape[1]}
    output = Path(output)
    tmp = staging_dir(output)
    try:
        if wv is not None and opts.subwords and not steps:  # unknown words get vectors from their n-grams
            # (hybrid: an unknown word's count part is unknown: zeros, so its cosines with known
            # words are its predictive cosines scaled by the predictive part's weight)
            scale = float(np.sqrt(1 - opts.count_weight)) if count is not None else 1.0
            meta["ngrams"] = save_ngrams(tmp, wv, opts.word_weight, scale=scale, dim=vectors.shape[1])
        # the dictionaries and stopword lists go inside the model (w2vkit.dictfiles)
        meta["segmentation"], dict_copies = store_copies(meta["segmentation"])
        write_model_files(tmp, words, counts, vectors, meta, dropped, extra_files=dict_copies)
        if keep_gensim:
            run.model.callbacks = ()
            save_state(run.model, tmp)
        publish(tmp, output)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return len(words)


# Below this many tokens, vectors are mostly noise (the novel, 366k tokens, is about the least
# that gives meaningful neighbours for its frequent words).
SMALL_CORPUS_WARNING_TOKENS = 100_000


def check_vocabulary(model, tokens: int, min_count: int, inputs: list[str]) -> None:
    """A clear error when no word reaches min_count (gensim would fail later with "you must first
    build vocabulary"), and a warning when the corpus is too small to expect much."""
    kept = len(model.wv.index_to_key)
    seen = len(model.raw_vocab)
    if kept == 0:
        raise InputError(
            f"{', '.join(inputs)}: no word occurs {min_count} times ({tokens:,} tokens, "
            f"{seen:,} distinct words); give more text or lower --min-count (e.g. --min-count 1)"
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


def _dropped_words(model) -> dict[str, int]:
    """Counts of words gensim saw but dropped below min_count (kept for unknown-word messages)."""
    kept = model.wv.key_to_index
    return {w: int(c) for w, c in model.raw_vocab.items() if w not in kept}
