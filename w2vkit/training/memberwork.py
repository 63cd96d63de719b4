"""Resampled members trained beside a model (`train --bootstrap N`, `--seeds N`), one after another or
up to `jobs` at once in worker processes (w2vkit.base.workers: plain processes and pipes, killed on
Ctrl-C), each with the cores split between them.

Several single-threaded gensim trainings use 2 cores better than one two-threaded training
(gensim's threads wait on each other's batches): on 西游记, `--bootstrap 4 --jobs 2` took 0.7x the
serial time (benchmarks/bootstrap.py). Each member's draw is seeded by (seed, member) whichever
process trains it, so the draws are the serial run's; the vectors are the same where gensim is
deterministic (--deterministic: one thread, the same in a worker), else they vary with threads
as any two trainings do.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from ..base.env import default_jobs
from ..base.workers import ordered_map
from ..errors import InputError
from ..model.members import Resampling, member_dir
from ..model.store import write_model_files
from .fitting import final_vectors, fit

log = logging.getLogger(__name__)

_STATE: dict[str, Any] = {}


def resampled_documents(corpus: Path, resampling, inputs):
    """The documents bootstrap members draw from (None for seed members or no members), counted
    before any training: a text of one document is refused naming the user's input."""
    if resampling is None or resampling.kind != "bootstrap":
        return None
    from ..text.corpus.documents import find_documents

    documents = find_documents(corpus, resampling.unit)
    if len(documents) < 2:
        named = inputs[0] if len(inputs) == 1 else f"{inputs[0]} and {len(inputs) - 1} more"
        raise InputError(
            f"{named}: {len(documents)} document{'' if len(documents) == 1 else 's'} ({documents.unit}), and "
            "resampling needs at least 2; resample by {unit} lines:K with a smaller K, or use {seeds}",
            "unit",
            "seeds",
        )
    return documents


def _begin(state: dict) -> None:
    """A member process (or the serial run) takes what every member needs."""
    _STATE.clear()
    _STATE.update(state)
    # the model itself said what there is to say of the corpus
    logging.getLogger("w2vkit.training.fitting").setLevel(logging.ERROR)
    if state.get("blas_threads"):  # (members at once: each its share of the cores for the SVDs too)
        from threadpoolctl import threadpool_limits

        _STATE["limits"] = threadpool_limits(limits=state["blas_threads"])


def train_member(number: int) -> tuple[dict, int]:
    """Member `number` trained into tmp/members/NN: what the model's record keeps of it, and its words."""
    import numpy as np

    from ..text.corpus.documents import draw_resample, write_resample
    from ..text.segmenting.corpusfile import WordCounts

    s = _STATE
    opts, corpus, documents, tmp = s["opts"], s["corpus"], s["documents"], s["tmp"]
    about: dict[str, Any] = {}
    member_opts = opts
    scratch = tmp / f".resample-{number:02d}.txt"
    try:
        if documents is None:
            member_opts = replace(opts, seed=opts.seed + number)
            about = {"seed": member_opts.seed}
            member_corpus, member_tokens, member_counted = corpus, s["tokens"], s["counted"]
        else:
            draw = draw_resample(documents, np.random.default_rng([opts.seed, number]))
            # the resample's words counted as it is written: gensim builds the member's
            # vocabulary from them (as from the cache's counts) and scans nothing
            counts = WordCounts()
            write_resample(corpus, documents, draw, scratch, on_write=counts.add)
            counts.end_file("")
            member_corpus, member_tokens = scratch, sum(counts.words.values())
            member_counted = (counts.words, counts.lines)
            about = {"seed": opts.seed, "draw": draw.tolist()}
        run = fit(
            member_corpus,
            member_tokens,
            member_opts,
            [str(corpus)],
            s["progress"],
            counted=member_counted,
            background=s.get("background"),
        )
        final = final_vectors(run, member_opts)
    finally:
        scratch.unlink(missing_ok=True)
    folder = member_dir(tmp, number)
    folder.mkdir(parents=True)
    meta = dict(
        final.meta,
        hyperparameters=asdict(member_opts),
        member={"number": number, **about},
        corpus={"tokens": member_tokens},
    )
    meta.pop("count_seconds", None)
    if final.views:  # (the member answers with the view its model answers with: w2vkit.model.views)
        from ..model.views import write_views

        meta["views"] = write_views(folder, final.views, final.background_words)
    saved = write_model_files(folder, final.words, final.counts, final.vectors, meta)
    entry = {
        "path": folder.relative_to(tmp).as_posix(),
        "vectors_sha256": saved["vectors_sha256"],
        **({"seed": member_opts.seed} if documents is None else {}),
    }
    return entry, len(final.words)


def train_member_files(number: int) -> tuple[dict, int, dict[str, bytes]]:
    """On a cluster worker: the member trained into a folder of the worker's own, and returned as
    its files (the client writes them into the model folder; the worker's folder is removed)."""
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(prefix="w2vkit-member-"))
    shared_tmp = _STATE["tmp"]
    try:
        _STATE["tmp"] = work
        entry, words = train_member(number)
        folder = member_dir(work, number)
        return entry, words, {p.name: p.read_bytes() for p in folder.iterdir()}
    finally:
        _STATE["tmp"] = shared_tmp
        shutil.rmtree(work, ignore_errors=True)


def corpus_size(path: str) -> int:
    """On a worker: the size of the corpus file as it sees it (-1: it cannot read it)."""
    import os

    try:
        with open(path, "rb") as f:
            f.read(1)
        return os.path.getsize(path)
    except OSError:
        return -1


def _cluster_members(cluster: str, corpus: Path, count: int):
    """A Dask cluster ready to train members: each worker must read the corpus where the client
    has it (shared storage; checked before any training), else ClusterError naming the workers."""
    from ..base.cluster import ITEMS_PER_TASK, Cluster
    from ..errors import ClusterError

    connection = Cluster(cluster)
    try:
        sizes = connection.ask_workers(corpus_size, str(corpus))
    except ClusterError:  # (a worker without w2vkit cannot unpickle the function)
        connection.close()
        raise
    expected = corpus.stat().st_size
    blind = sorted(w for w, size in sizes.items() if size != expected)
    if blind:
        connection.close()
        raise ClusterError(
            f"{cluster}: {len(blind)} of {len(sizes)} workers cannot read the corpus {corpus} as this machine has it "
            f"({', '.join(blind[:3])}); put the corpus cache ($W2VKIT_CACHE) on storage every worker shares"
        )

    def mapper(func, items, initializer, initargs):
        return connection.ordered_map(func, items, initializer, initargs, weight=lambda _: ITEMS_PER_TASK)

    return connection, mapper


def check_cluster_reads(cluster: str, corpus: Path) -> None:
    """ClusterError unless every worker of the cluster reads the corpus as this machine has it."""
    connection, _ = _cluster_members(cluster, corpus, 0)
    connection.close()


def train_members(
    corpus: Path,
    tokens: int,
    opts,
    resampling: Resampling,
    tmp: Path,
    output,
    progress: bool,
    counted=None,
    documents=None,
    jobs: int | None = None,
    cluster: str | None = None,
    background=None,
) -> dict:
    """Train the members `resampling` asks for with the model's own (resolved) options into
    tmp/members/NN, compact (vectors, vocabulary, metadata); what the model's meta.json records of
    them. counted: the corpus's word counts and lines (seed members train on the corpus itself;
    a bootstrap member's are counted as its resample is written). Bootstrap members draw the
    documents with a generator seeded by (seed, member), so the draws are reproducible; seed
    members use seed + member number. jobs: members trained at once (None or 1: one after
    another), the cores split between them; cluster: a Dask cluster's address (or local:N), each
    member a task, its files sent back and written here. background: the model's background
    (w2vkit.training.background), read whole by every member: members resample the text alone, so
    their spread speaks of the text. Progress: a line per member with the time left.
    Ctrl-C: the workers are killed and nothing is saved (the previous model at `output` stays)."""
    if documents is None and resampling.kind == "bootstrap":
        documents = resampled_documents(corpus, resampling, [str(corpus)])
    jobs = max(1, min(jobs or 1, resampling.count))
    if jobs > 1 and not opts.deterministic:
        opts = replace(opts, workers=max(1, default_jobs() // jobs))
    if documents is not None:
        log.info(
            "training %d members on resamples of %s documents (%s)%s%s",
            resampling.count,
            f"{len(documents):,}",
            documents.unit,
            "" if documents.unit == "chapter" else "; the text has no chapter headings",
            f"; {jobs} at a time, {opts.workers} thread{'s' if opts.workers > 1 else ''} each" if jobs > 1 else "",
        )
    record: dict[str, Any] = {"kind": resampling.kind, "members": []}
    if documents is not None:
        record.update(documents.describe())
    if background is not None:
        record["background"] = "whole in every member"
        log.info("the members resample the text; each reads the whole background beside it")
    started = time.perf_counter()
    fitting_log = logging.getLogger("w2vkit.training.fitting")
    level = fitting_log.level
    state = dict(
        opts=opts,
        corpus=corpus,
        tokens=tokens,
        documents=documents,
        tmp=tmp,
        counted=counted,
        progress=progress and jobs == 1,
        background=background,
        # (members at once, each on its share of the cores: numpy's BLAS threads too, or the count
        # parts' SVDs of two members run 4 threads on 2 cores)
        blas_threads=max(1, default_jobs() // jobs) if jobs > 1 and not cluster else None,
    )
    number = 0
    connection = None
    try:
        if cluster:
            connection, mapper = _cluster_members(cluster, corpus, resampling.count)
            state["progress"] = False
            results = mapper(train_member_files, iter(range(1, resampling.count + 1)), _begin, (state,))
        else:
            results = ordered_map(train_member, iter(range(1, resampling.count + 1)), jobs, _begin, (state,))
        for number, found in enumerate(results, 1):
            entry, words = found[0], found[1]
            if cluster:  # (the member's files, sent back by the worker that trained it)
                folder = member_dir(tmp, number)
                folder.mkdir(parents=True)
                for name, data in found[2].items():
                    (folder / name).write_bytes(data)
            record["members"].append(entry)
            left = (time.perf_counter() - started) / number * (resampling.count - number)
            log.info("member %d/%d trained (%s words); about %.0f s left", number, resampling.count, f"{words:,}", left)
    except KeyboardInterrupt:
        log.warning(
            "interrupted while training member %d of %d: the model and the members trained so far were not "
            "saved; %s is as it was",
            number + 1,
            resampling.count,
            output,
        )
        raise
    finally:
        fitting_log.setLevel(level)
        if connection is not None:
            connection.close()
    record["seconds"] = round(time.perf_counter() - started, 3)
    record["jobs"] = jobs
    if cluster:
        record["cluster"] = cluster
    return record
