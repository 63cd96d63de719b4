"""Training word2vec (Skip-gram or CBOW) with gensim and saving the result in the w2vkit format.

Raw text is segmented with the same options as `w2vkit segment` and cached by content hash and
options, so retraining with other hyperparameters skips segmentation. gensim runs in its
``corpus_file`` mode (multi-core, no Python per sentence); every line it reads has at most 1,000
tokens because that mode produces garbage vectors on one-line corpora.
"""

from __future__ import annotations

import logging
import os
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..base.choices import DEFAULT_MAX_LINE_TOKENS
from ..base.cluster import Cluster
from ..base.results import Result
from ..errors import ModelError, OptionError, UsageError
from ..model.gensimstate import has_state, save_state, verify_gensim_state
from ..model.members import Resampling
from ..model.modelfolder import GENSIM_DIR, prepare_model_output, staged_model
from ..model.store import load_model, write_model_files
from ..model.subwords import save_ngrams
from ..queries.segmentation import restore_options, store_segmentation
from ..text.corpus.corpuscache import prepare_corpus
from ..text.segmenting.segment import SegmentOptions
from .fitting import FitRun, about, expected_seconds, final_vectors, fit
from .memberwork import resampled_documents, train_members
from .trainoptions import TrainOptions, default_output

if TYPE_CHECKING:
    from ..text.corpus.items import ItemInput

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
    dimensions: tuple = ()  # the saved vectors' parts: (dim,), or the hybrid's (predictive, count)
    background: dict | None = None  # what meta.json keeps of a background (files, tokens), if one was read

    def result(self) -> Result:
        """The run as a Result (`train --format json` prints its to_dict()): a row per pass, its loss."""
        from .. import __version__

        fields = {"model": str(self.model_dir), "vocab_size": self.vocab_size, "tokens": self.tokens}
        fields.update(epochs=self.epochs, seconds=round(self.seconds, 3), words_per_second=round(self.words_per_second))
        fields.update(cached_corpus=self.cached_corpus, options=asdict(self.options), dimensions=list(self.dimensions))
        fields["background"] = self.background
        made = {"model": str(self.model_dir), "w2vkit_version": __version__}
        return Result("train", ["epoch", "loss"], list(enumerate(self.losses, 1)), fields, provenance=made)

    def to_dict(self) -> dict:
        return self.result().to_dict()


def train(
    inputs: list[str],
    output: str | os.PathLike | None = None,
    options: TrainOptions = TrainOptions(),  # noqa: B008 (frozen: immutable)
    seg_options: SegmentOptions | None = SegmentOptions(),  # noqa: B008 (frozen: immutable)
    *,
    resume: str | None = None,
    jobs: int | None = None,
    progress: bool = False,
    keep_gensim: bool | None = None,
    max_line_tokens: int = DEFAULT_MAX_LINE_TOKENS,
    cluster: str | None = None,
    resampling: Resampling | None = None,
    items: ItemInput | None = None,
    background: list[str] | None = None,
    background_where: dict[str, str] | None = None,
) -> TrainResult:
    """Train a model on raw (or segmented) text and save it atomically as a model directory.

    The text is segmented once and cached (by content and options): training again with other
    options reads the cache. The model directory appears only when complete; an interrupted run
    leaves an earlier model at `output` as it was.

    Parameters
    ----------
    inputs : list of str
        Files, directories (read recursively for .txt, .txt.gz, .txt.bz2) or built-in corpus names.
    output : str or Path, optional
        The model directory (new, empty or a w2vkit model). None: the resumed model's directory,
        else models/<first input's name>.
    options : TrainOptions
        How to train (defaults chosen by the corpus's size and language).
    seg_options : SegmentOptions or None
        How raw text is segmented; None: the inputs are already space-separated tokens.
    resume : str, optional
        A word2vec model to go on training on these inputs.
    jobs : int, optional
        Segmentation processes (None: all cores), and the resampled members trained at once (None:
        one after another; J: up to J at once, the cores split between them); the segmented text
        and the members' draws are the same for any value.
    progress : bool
        Progress bars on stderr.
    keep_gensim : bool or None
        Keep gensim's training state (for `resume` and postprocess add_context): None, when one
        of them can use it (not for a model with a count part); True, always; False, never.
    max_line_tokens : int
        Where segmented input (seg_options None) is re-wrapped for gensim.
    cluster : str, optional
        A Dask scheduler's address or local:N: raw text is segmented on its workers (the corpus
        cache must then be on a filesystem they share); training runs here.
    resampling : w2vkit.model.members.Resampling, optional
        Members to train beside the model (a bootstrap over documents, or other seeds), saved
        inside it in the same atomic step: findings then carry intervals.
    items : w2vkit.text.corpus.items.ItemInput, optional
        The inputs are item sequences (or an interaction table), with the item defaults.
    background : list of str, optional
        Related texts (files, folders, tables) read beside the inputs, segmented as they are: the
        model's words and counts stay the inputs'; the background informs one more view,
        "background", which the model then answers with (w2vkit.training.background).
    background_where : dict, optional
        {COLUMN: VALUE}: the background table's rows (None: the inputs' ``where``, as segmented), so
        one table's 宋 rows can be read beside its 唐 rows.

    Returns
    -------
    TrainResult
        The model's directory, its vocabulary size, tokens, times and resolved options.

    Raises
    ------
    OptionError
        Options that cannot work, before any work.
    InputError
        An input that cannot be read, or too little text for the options (min_count).
    OutputError
        An output that is not w2vkit's, or cannot be written.

    Examples
    --------
    >>> from w2vkit import TrainOptions, train
    >>> result = train(["xiyouji"], "models/xiyouji", TrainOptions(epochs=5))  # doctest: +SKIP
    >>> result.vocab_size  # doctest: +SKIP
    8355
    """
    _check_arguments(inputs, options, seg_options, resampling, items, resume)
    _check_background(background, items, resume, cluster, options)
    if background_where is not None and not background:
        raise OptionError(
            "{background_where} chooses the background's rows: give {background} too", "background_where", "background"
        )
    started = time.perf_counter()
    output = output or resume or default_output(list(inputs))
    # Before anything expensive: the output must be new, empty, or a w2vkit model, and apart
    # from the inputs (and the background).
    prepare_model_output(output, [i for i in [*inputs, *(background or ())] if os.path.exists(i)])
    resumed_from, state = _resume_state(resume) if resume else (None, None)
    if resumed_from is not None and seg_options is not None and resumed_from.meta.get("segmentation"):
        # (how the text is cut comes from the model; which column and rows are read, from this call: a
        # model of a table's 宋 rows goes on training on a plain text, not on "rows of it with period=宋")
        restored = restore_options(resumed_from.meta["segmentation"], resumed_from.path)
        seg_options = replace(restored, text_column=seg_options.text_column, where=seg_options.where)
    with ExitStack() as stack:
        # For segmented text the cluster counts (words, and co-occurrences for a count model), open
        # till then; reached before any work starts.
        counter = stack.enter_context(Cluster(cluster)) if cluster and seg_options is None and not resume else None
        prepared, item_corpus = _prepared(inputs, items, seg_options, jobs, progress, max_line_tokens, cluster)
        # the vocabulary from the counts the corpus cache took as it wrote the corpus (one pass
        # over the text); a corpus cached before they were kept is counted on the cluster, or by
        # gensim's own scan
        counted = prepared.word_counts() if items is None else None
        if counted is None and counter is not None:
            counted = counter.count_tokens([prepared.path])
        tokens = prepared.tokens
        documents = resampled_documents(prepared.path, resampling, inputs)  # (before any training)
        if resampling is not None:
            _check_member_jobs(jobs, cluster, prepared.path)
        opts = _resumed_options(options, resumed_from).resolved(tokens, prepared.language, prepared.characters)
        read_beside = None
        if background:
            from .background import prepare_background

            _check_background_fits(opts, tokens)
            read_beside = prepare_background(list(background), seg_options, prepared, jobs, progress, background_where)
        members = resampling.count if resampling is not None else 0
        log.info(
            "expected to take %s: %s over %s tokens%s (a guide from this kind of machine)",
            about(
                expected_seconds(opts, tokens, members, read_beside.tokens if read_beside and read_beside.corpus else 0)
            ),
            "the count model" if opts.method == "ppmi" else f"{opts.epochs} pass{'' if opts.epochs == 1 else 'es'}",
            f"{tokens:,}",
            f", then {members} member{'s' if members != 1 else ''}" if members else "",
        )
        run = fit(prepared.path, tokens, opts, inputs, progress, state, counted, counter, read_beside)
        dropped = run.dropped if resumed_from is None else _still_dropped(resumed_from, run)
        words, dimensions = _save_trained(
            run,
            output,
            opts,
            prepared,
            tokens,
            dropped,
            resumed_from,
            keep_gensim,
            resampling,
            progress,
            (item_corpus, items) if items is not None else None,
            counted=counted,
            documents=documents,
            member_jobs=jobs,
            member_cluster=cluster,
            background=read_beside,
        )
        result = _train_result(output, words, tokens, opts, started, run, prepared.cached, dimensions)
        return replace(result, background=read_beside.record if read_beside is not None else None)


def _prepared(inputs, items, seg_options, jobs, progress, max_line_tokens, cluster):
    """The corpus to train on (the segmentation cache's, or an item corpus) and, for items, the
    item corpus itself (its labels checked before any training)."""
    if items is None:
        corpus = prepare_corpus(
            inputs, seg_options, jobs=jobs, progress=progress, max_line_tokens=max_line_tokens, cluster=cluster
        )
        return corpus, None
    from ..model.itemfiles import read_labels
    from ..text.corpus.items import prepare_items

    if items.labels:
        read_labels(items.labels)  # (a bad labels file is refused before the training, not after)
    return prepare_items(list(inputs), items)


def _resumed_options(options: TrainOptions, resumed_from) -> TrainOptions:
    """A resumed training goes on as the model was trained, unless told otherwise."""
    if resumed_from is None:
        return options
    if options.method not in (None, "word2vec"):
        raise OptionError(
            "{resume} continues word2vec training; a "
            + str(options.method)
            + " model is trained on all its text at once",
            "resume",
        )
    trained = resumed_from.meta["hyperparameters"]
    if options.subwords is None:
        options = replace(options, subwords=bool(trained.get("subwords")))
    if options.word_weight is None:
        options = replace(options, word_weight=trained.get("word_weight"))
    if options.method is None:
        options = replace(options, method="word2vec")
    return options


def _still_dropped(resumed_from, run) -> dict:
    """The words the resumed model dropped that its new training did not take in."""
    return {w: c for w, c in resumed_from.dropped_counts().items() if w not in run.model.wv.key_to_index}


def _train_result(output, words, tokens, opts, started, run, cached, dimensions) -> TrainResult:
    seconds = run.seconds + (sum(run.count.seconds.values()) if run.count else 0)
    return TrainResult(
        Path(output),
        words,
        tokens,
        int(opts.epochs or 0),
        time.perf_counter() - started,
        seconds,
        tokens * (1 if opts.method == "ppmi" else opts.epochs) / max(seconds, 1e-9),
        run.losses,
        cached,
        opts,
        dimensions,
    )


def _check_member_jobs(jobs, cluster, corpus: Path) -> None:
    """Before any training: members at once no more than the cores, and a remote cluster whose
    workers read the corpus (a local one shares this machine's disk)."""
    from ..base.env import default_jobs

    cores = default_jobs()
    if jobs is not None and jobs > cores and not cluster:
        raise OptionError(
            f"{{jobs}} {jobs} trains more members at once than this machine has cores ({cores}); they would only "
            f"wait for each other: give at most {cores}",
            "jobs",
        )
    if cluster and not cluster.startswith("local:"):
        from .memberwork import check_cluster_reads

        check_cluster_reads(cluster, corpus)


def _check_arguments(inputs, options, seg_options, resampling, items, resume) -> None:
    """TypeError, ValueError or OptionError naming the parameter, before any work, for arguments
    of the wrong kind (one path, a dict of options, resampling="bootstrap", no inputs) or that
    cannot go together (members with a resumed training)."""
    if isinstance(inputs, (str, os.PathLike)):  # (a string would be taken as one path per character)
        raise OptionError("{inputs} must be a list of paths, not one path", "inputs")
    if resampling is not None and resume:
        raise OptionError(
            "members ({resampling}) are trained with a new model, not with {resume}", "resampling", "resume"
        )
    from ..text.corpus.items import ItemInput
    from ..text.segmenting.segment import SegmentOptions

    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"inputs must be a list of paths, not {type(inputs).__name__}")
    if not inputs:
        raise ValueError("inputs is empty: give at least one file, folder or built-in corpus name")
    bad = next((i for i in inputs if not isinstance(i, (str, os.PathLike))), None)
    if bad is not None:
        raise TypeError(f"inputs must hold paths (str or Path), not {type(bad).__name__} ({bad!r})")
    for name, value, kind in (
        ("options", options, TrainOptions),
        ("seg_options", seg_options, SegmentOptions),
        ("resampling", resampling, Resampling),
        ("items", items, ItemInput),
    ):
        if value is not None and not isinstance(value, kind):
            raise TypeError(f"{name} must be a {kind.__name__} (or None), not {type(value).__name__} ({value!r})"[:200])


def _check_background(background, items, resume, cluster, options) -> None:
    """A background's arguments, before any work (a method given as word2vec included)."""
    if background is None:
        return
    if isinstance(options, TrainOptions) and options.method == "word2vec":
        _check_background_fits(options, 0)
    if isinstance(background, (str, os.PathLike)) or not isinstance(background, (list, tuple)):
        raise OptionError("{background} must be a list of paths, not one path", "background")
    if not background:
        raise OptionError("{background} is empty: give at least one file or folder of related text", "background")
    if items is not None:
        raise OptionError("a {background} is text read beside a text, not beside item sequences", "background")
    if resume:
        raise OptionError("a {background} is read when a model is made, not with {resume}", "background", "resume")
    if cluster and not cluster.startswith("local:"):
        raise OptionError(
            "a {background} is counted on this machine: leave out {cluster}, or use local:N", "background", "cluster"
        )


def _check_background_fits(opts: TrainOptions, tokens: int) -> None:
    """A background informs a view of the count part, which texts below VIEWS_MAX_TOKENS have."""
    from ..base.choices import VIEWS_MAX_TOKENS

    if opts.method == "word2vec":
        raise OptionError(
            "a {background} informs the count part's view, and word2vec has none: use {method} hybrid (the default) or ppmi",
            "background",
            "method",
        )
    if tokens >= VIEWS_MAX_TOKENS:
        raise OptionError(
            f"a {{background}} serves texts below {VIEWS_MAX_TOKENS:,} tokens, and this one has {tokens:,}: "
            "it is large enough to stand alone; train without {background}",
            "background",
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


def _save_trained(
    run: FitRun,
    output,
    opts,
    prepared,
    tokens: int,
    dropped,
    resumed_from,
    keep_gensim,
    resampling=None,
    progress=False,
    item_input=None,
    counted=None,
    documents=None,
    member_jobs=None,
    member_cluster=None,
    background=None,
) -> tuple[int, tuple[int, ...]]:
    """Write the model directory (vectors composed as chosen, metadata, the gensim state for
    --resume, and resampled members) and publish it atomically; the number of words. counted: the
    corpus's word counts and lines, for the members that train on the corpus itself."""
    import numpy as np

    final = final_vectors(run, opts, own_words=True)
    meta = _training_record(run, opts, prepared, tokens, resumed_from)
    if background is not None:
        meta["background"] = background.record
    count_seconds = final.meta.pop("count_seconds", None)
    meta.update(final.meta)
    if count_seconds is not None:
        meta["timings"]["count_seconds"] = count_seconds
    if run.model is None:
        keep_gensim = False
    elif keep_gensim is None:
        # The training state serves --resume and postprocess --add-context, and both refuse a
        # model with a count part: kept, it would be four fifths of the model's size for nothing.
        keep_gensim = opts.method not in ("hybrid", "ppmi")
    output = Path(output)
    with staged_model(output) as tmp:
        if final.wv is not None and opts.subwords and not final.steps:  # unknown words get vectors from n-grams
            # (hybrid: an unknown word's count part is unknown: zeros, so its cosines with known
            # words are its predictive cosines scaled by the predictive part's weight)
            scale = float(np.sqrt(1 - opts.count_weight)) if run.count is not None else 1.0
            meta["ngrams"] = save_ngrams(tmp, final.wv, opts.word_weight, scale=scale, dim=final.vectors.shape[1])
        # the dictionaries and stopword lists go inside the model (w2vkit.model.dictcopies)
        meta["segmentation"], dict_copies = store_segmentation(meta["segmentation"])
        if item_input is not None:  # (labels and held-out sequences kept with the model)
            from ..model.itemfiles import item_files

            files, meta["items"] = item_files(item_input[0], item_input[1], final.words)
            dict_copies = {**dict_copies, **files}
        if resampling is not None:
            meta["members"] = train_members(
                prepared.path,
                tokens,
                opts,
                resampling,
                tmp,
                output,
                progress,
                counted=counted,
                documents=documents,
                jobs=member_jobs,
                cluster=member_cluster,
                background=background,
            )
        if final.views:  # (the other kinds of similarity, w2vkit.model.views)
            from ..model.views import write_views

            meta["views"] = write_views(tmp, final.views, final.background_words)
        write_model_files(tmp, final.words, final.counts, final.vectors, meta, dropped, extra_files=dict_copies)
        if keep_gensim:
            run.model.callbacks = ()
            save_state(run.model, tmp)
    layout = final.meta.get("count_model", {}).get("layout")
    parts = (layout["predictive_dim"], layout["count_dim"]) if layout else (int(final.vectors.shape[1]),)
    return len(final.words), parts


def _training_record(run: FitRun, opts, prepared, tokens: int, resumed_from) -> dict:
    """meta.json's record of a training: when, with what, on which text, how it went."""
    import numpy as np

    return {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "numpy_version": np.__version__,
        "hyperparameters": asdict(opts),
        "corpus": {
            "inputs": prepared.inputs,
            "tokens": tokens,
            **prepared.record(),
            **({"file_starts": prepared.file_starts} if prepared.file_starts else {}),
        },
        "segmentation": prepared.segmentation,
        "losses_per_epoch": [round(x, 3) for x in run.losses],
        "timings": {
            "prepare_seconds": round(prepared.seconds, 3),
            "train_seconds": round(run.seconds, 3),
            "words_per_second": round(tokens * (1 if run.model is None else opts.epochs) / run.seconds),
        },
        "resumed_from": resumed_from.meta.get("vectors_sha256") if resumed_from else None,
    }
