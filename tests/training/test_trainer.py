"""Training: options reach gensim, determinism, caching, resume, dropped words, CLI."""

import json

import numpy as np
import pytest
from conftest import SMALL_TRAIN, default_sigint

from w2vkit.errors import ModelError
from w2vkit.model.store import load_model
from w2vkit.training.trainer import TrainOptions, train


def test_options_reach_gensim(small_model):
    from gensim.models import Word2Vec

    g = Word2Vec.load(str(small_model / "gensim" / "model"))
    assert type(g) is Word2Vec
    assert (g.vector_size, g.window, g.min_count, g.epochs, g.sg, g.negative, g.workers) == (32, 5, 3, 40, 0, 10, 1)
    meta = json.loads((small_model / "meta.json").read_text())
    assert meta["hyperparameters"]["arch"] == "cbow" and meta["hyperparameters"]["subwords"] is False
    assert len(meta["losses_per_epoch"]) == 40 and all(x > 0 for x in meta["losses_per_epoch"])
    assert meta["corpus"]["inputs"][0]["sha256"]
    assert meta["segmentation"]["engine"] == "fast" and meta["segmentation"]["hmm"] is True


def test_more_options_reach_gensim(novel_slice, tmp_path):
    from gensim.models import Word2Vec

    opts = TrainOptions(
        arch="skipgram",
        dim=16,
        window=3,
        min_count=10,
        epochs=3,
        negative=0,
        hs=True,
        sample=1e-4,
        alpha=0.05,
        min_alpha=0.001,
        workers=2,
        seed=3,
        max_vocab=500,
        subwords=False,
        method="word2vec",  # (a model with a count part keeps no gensim state to read back)
    )
    train([str(novel_slice)], tmp_path / "m", opts)
    g = Word2Vec.load(str(tmp_path / "m" / "gensim" / "model"))
    assert type(g) is Word2Vec
    assert (g.sg, g.hs, g.negative, g.sample, g.alpha, g.min_alpha, g.workers, g.seed) == (
        1,
        1,
        0,
        1e-4,
        0.05,
        0.001,
        2,
        3,
    )
    assert len(load_model(tmp_path / "m")) <= 500
    losses = json.loads((tmp_path / "m" / "meta.json").read_text())["losses_per_epoch"]
    assert len(losses) == 3 and all(x > 0 for x in losses)


def test_subword_options_reach_gensim(novel_slice, tmp_path):
    """Chinese text gets character n-grams (gensim FastText) unless told otherwise."""
    from gensim.models import FastText

    train(
        [str(novel_slice)],
        tmp_path / "m",
        TrainOptions(dim=8, epochs=2, min_n=1, max_n=4, buckets=5000, method="word2vec"),
    )
    g = FastText.load(str(tmp_path / "m" / "gensim" / "model"))
    assert type(g) is FastText
    assert (g.wv.min_n, g.wv.max_n, g.wv.bucket, g.epochs) == (1, 4, 5000, 2)
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    assert meta["hyperparameters"]["subwords"] is True
    assert meta["losses_per_epoch"] == []  # gensim's FastText computes no loss


def test_english_text_trains_plain_word2vec(tmp_path):
    from gensim.models import FastText

    text = " ".join(["the king and the queen rule the land while the man and the woman work"] * 300)
    (tmp_path / "en.txt").write_text(text)
    result = train(
        [str(tmp_path / "en.txt")], tmp_path / "m", TrainOptions(dim=8, epochs=1, min_count=1, method="word2vec")
    )
    assert result.options.subwords is False
    assert type(FastText.load(str(tmp_path / "m" / "gensim" / "model"))).__name__ == "Word2Vec"


def test_deterministic_training_is_bit_identical(novel_slice, small_model, tmp_path):
    train([str(novel_slice)], tmp_path / "again", TrainOptions(**SMALL_TRAIN))
    assert (tmp_path / "again" / "vectors.npy").read_bytes() == (small_model / "vectors.npy").read_bytes()


def test_a_model_without_resume_state_is_small_and_answers_the_same(invoke, novel_slice, small_model, tmp_path):
    """--no-resume-state leaves out gensim/ (issue 39.5): a third of the size or less, the same
    vectors and answers, and resuming it says why it cannot."""
    from w2vkit.queries.modelinfo import part_sizes

    train([str(novel_slice)], tmp_path / "small", TrainOptions(**SMALL_TRAIN), keep_gensim=False)
    assert (tmp_path / "small" / "vectors.npy").read_bytes() == (small_model / "vectors.npy").read_bytes()
    full, lean = sum(part_sizes(small_model).values()), sum(part_sizes(tmp_path / "small").values())
    assert "training state" in part_sizes(small_model) and "training state" not in part_sizes(tmp_path / "small")
    assert lean <= full / 3, (lean, full)
    for query in (["similar", "行者"], ["similarity", "行者", "八戒"], ["analogy", "行者", "八戒", "沙僧"]):
        a = invoke([*query, "-m", small_model, "--format", "tsv"])
        b = invoke([*query, "-m", tmp_path / "small", "--format", "tsv"])
        assert (a.exit_code, a.stdout) == (b.exit_code, b.stdout)
    info = invoke(["info", "-m", tmp_path / "small"]).stdout
    assert "no training state: cannot be resumed or given postprocess --add-context" in info
    with pytest.raises(ModelError, match="has no training state to resume from"):
        train([str(novel_slice)], tmp_path / "small", resume=str(tmp_path / "small"))


def test_hybrid_and_count_models_keep_no_training_state(novel_slice, tmp_path):
    options = dict(SMALL_TRAIN, method="hybrid", epochs=2)
    train([str(novel_slice)], tmp_path / "h", TrainOptions(**options))
    assert not (tmp_path / "h" / "gensim").exists()


def test_segmentation_is_cached(novel_slice, tmp_path):
    first = train([str(novel_slice)], tmp_path / "a", TrainOptions(dim=8, epochs=1))
    second = train([str(novel_slice)], tmp_path / "b", TrainOptions(dim=8, epochs=1, window=3))
    other = train(
        [str(novel_slice)],
        tmp_path / "c",
        TrainOptions(dim=8, epochs=1),
        seg_options=__import__("w2vkit.text.segmenting.segment", fromlist=["x"]).SegmentOptions(hmm=False),
    )
    assert second.cached_corpus and not other.cached_corpus
    assert first.tokens == second.tokens != other.tokens


def test_dropped_words_are_kept_with_counts(small_model):
    model = load_model(small_model)
    dropped = model.dropped_counts()
    assert dropped and all(0 < c < 3 for c in dropped.values())
    assert not set(dropped) & set(model.words)


def test_resume_adds_vocabulary(small_model, novel_text, tmp_path):
    more = tmp_path / "more.txt"
    more.write_text(novel_text[400_000:480_000], encoding="utf-8")
    import shutil

    shutil.copytree(small_model, tmp_path / "m")
    before = load_model(tmp_path / "m")
    result = train([str(more)], tmp_path / "m", TrainOptions(epochs=2, seed=7), resume=str(tmp_path / "m"))
    after = load_model(tmp_path / "m")
    assert len(after) > len(before)
    assert after.meta["resumed_from"] == before.meta["vectors_sha256"]
    assert set(before.words) <= set(after.words)
    assert result.vocab_size == len(after)


def test_resume_needs_training_state(small_model, novel_slice, tmp_path):
    import shutil

    shutil.copytree(small_model, tmp_path / "m", ignore=shutil.ignore_patterns("gensim"))
    with pytest.raises(ModelError, match="has no training state to resume from"):
        train([str(novel_slice)], tmp_path / "m", resume=str(tmp_path / "m"))


def test_segmented_input_is_rewrapped(tmp_path):
    words = " ".join(f"w{i % 50}" for i in range(5000))
    (tmp_path / "one-line.txt").write_text(words)
    result = train(
        [str(tmp_path / "one-line.txt")], tmp_path / "m", TrainOptions(dim=8, epochs=1, min_count=1), seg_options=None
    )
    assert result.tokens == 5000 and result.vocab_size == 50
    corpus = load_model(tmp_path / "m").meta["corpus"]["cache"]
    assert max(len(line.split()) for line in open(corpus)) == 1000


def test_segmented_input_follows_max_line_tokens(invoke, tmp_path):
    (tmp_path / "one-line.txt").write_text(" ".join(f"w{i % 50}" for i in range(5000)))
    r = invoke(
        [
            "train",
            tmp_path / "one-line.txt",
            "--segmented",
            "--max-line-tokens",
            "300",
            "-o",
            tmp_path / "m",
            "--dim",
            "8",
            "--epochs",
            "1",
            "--min-count",
            "1",
        ],
    )
    assert r.exit_code == 0, r.stderr
    corpus = load_model(tmp_path / "m").meta["corpus"]["cache"]
    assert [len(line.split()) for line in open(corpus)] == [300] * 16 + [200]


def test_cli_train_summary_and_json(invoke, novel_slice, tmp_path):
    out = tmp_path / "cli-model"
    result = invoke(
        ["train", novel_slice, "-o", out, "--dim", "8", "--epochs", "1", "--format", "json", "--no-subwords"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["model"] == str(out) and data["epochs"] == 1 and len(data["results"]) == 1
    saved = json.loads((out / "meta.json").read_text())["losses_per_epoch"]  # (the document: a row per pass)
    assert data["results"][0]["epoch"] == 1 and data["results"][0]["loss"] == pytest.approx(saved[0], abs=1e-3)
    assert data["options"]["subwords"] is False
    assert f"-> {out}/" in result.stderr and "trained cbow dim=8" in result.stderr
    result = invoke(["train", novel_slice, "-o", out, "--dim", "8", "--epochs", "1", "--min-n", "1", "--max-n", "2"])
    assert result.exit_code == 0, result.stderr
    assert "trained cbow+subwords(1-2) dim=8" in result.stderr
    assert json.loads((out / "meta.json").read_text())["hyperparameters"]["max_n"] == 2


def test_cli_train_errors(invoke, tmp_path):
    result = invoke(["train", tmp_path / "missing.txt"])
    assert (result.exit_code, result.stderr) == (1, f"Error: {tmp_path / 'missing.txt'}: no such file or directory\n")
    result = invoke(["train", tmp_path, "--arch", "glove"])
    assert result.exit_code == 2


def test_no_word_reaching_min_count_is_a_one_line_error(invoke, tmp_path):
    tiny = tmp_path / "tiny.txt"
    tiny.write_text("孙悟空大闹天宫。猪八戒吃西瓜。\n", encoding="utf-8")
    result = invoke(["train", tiny, "-o", tmp_path / "m"])
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        1,
        f"Error: {tiny}: no word occurs 5 times (5 tokens, 5 distinct words); give more text or lower "
        "--min-count (e.g. --min-count 1)",
    )
    assert not (tmp_path / "m").exists()


def test_a_small_corpus_is_warned_about(invoke, novel_text, tmp_path):
    part = tmp_path / "part.txt"
    part.write_text(novel_text[:60_000], encoding="utf-8")
    result = invoke(["train", part, "-o", tmp_path / "m", "--epochs", "1", "--dim", "8"])
    assert result.exit_code == 0, result.stderr
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    tokens, words = meta["corpus"]["tokens"], meta["vocab_size"]
    assert (
        f"warning: a small corpus: {tokens:,} tokens, {words:,} words seen 5+ times; word vectors need a few "
        "hundred thousand tokens, so expect noisy neighbours for all but the most frequent words"
    ) in result.stderr
    # no dictionary fits this text: the words discovery kept whole are recorded with the model
    assert "老孙" in meta["segmentation"]["new_words"] and meta["segmentation"]["discover"] is True


def test_info(invoke, small_model):
    result = invoke(["info", "-m", small_model])
    assert result.exit_code == 0
    assert "vocabulary" in result.stdout and "cbow window=5 epochs=40" in result.stdout
    data = json.loads(invoke(["info", "-m", small_model, "--format", "json", "--top", "3"]).stdout)
    model = load_model(small_model)
    assert data["results"] == [{"rank": i + 1, "word": model.words[i], "count": model.counts[i]} for i in range(3)]
    assert data["meta"]["dim"] == 32 and data["provenance"]["vectors_sha256"] == model.meta["vectors_sha256"]


@pytest.mark.slow
@pytest.mark.xdist_group("main_help_session")  # (one training of the novel for both)
def test_default_training_on_the_novel_finds_other_names(main_help_session, invoke):
    """The acceptance run: defaults on the whole novel (the main --help's train example, run once
    for the session), then the character's other names."""
    from gensim.models import KeyedVectors

    from w2vkit.queries.query import Engine

    folder = main_help_session / "models" / "xiyouji"
    engine = Engine(load_model(folder), similarity="mixed")  # (the vectors as saved, not a view)
    info = invoke(["info", "-m", folder])
    assert "training    cbow+subwords(2-3, word weight 0.3) window=8 epochs=80" in info.stdout
    names = {
        "悟空",
        "行者",
        "孙行者",
        "老孙",
        "大圣",
        "齐天大圣",
        "美猴王",
        "猴王",
        "孙大圣",
        "行者孙",
        "弼马温",
        "猴头",
        "泼猴",
    }
    top = [w for w, _ in engine.most_similar(["孙悟空"], topn=10)]
    assert len(names & set(top)) >= 2, top
    # Over all 31 alias groups: the defaults measured 0.49; gensim's own FastText composition 0.42,
    # plain word2vec with the same settings 0.35, the earlier defaults (30 epochs) 0.32.
    from w2vkit.evaluation.evaluate import alias_scores, read_groups

    scores = alias_scores(engine, read_groups("xiyouji-aliases"))
    assert scores["recall_at_10"] >= 0.45, scores
    # Queries on the saved vectors answer as gensim's KeyedVectors would.
    model = engine.model
    kv = KeyedVectors(model.dim)
    kv.add_vectors(model.words, np.asarray(engine.vectors))
    for word in ("孙悟空", "八戒", "妖精"):
        ours = engine.most_similar([word], topn=10)
        theirs = kv.most_similar(word, topn=10)
        assert [w for w, _ in ours] == [w for w, _ in theirs]
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    # Unknown words: composed from n-grams only when at least half of them are known.
    r = invoke(["similar", "不存在的词语啊", "-m", folder])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: '不存在的词语啊' is not in the model (never seen in the corpus")
    assert r.stderr.rstrip().endswith(
        "(only 2 of its 15 character n-grams are known; at least 50% are needed to compose a vector)"
    )
    r = invoke(["similar", "孙悟空大", "-m", folder, "--format", "tsv"])
    assert r.exit_code == 0, r.stderr
    assert "孙悟空大: not in the vocabulary; composed from its character n-grams (6 of 9 known, 67%)" in r.stderr
    assert len(r.stdout.splitlines()) == 11


def test_the_default_hybrid_vectors_are_gensims_state_composed_beside_the_count_model(novel_slice, tmp_path):
    """The saved vectors of the default method (w2vkit.training.countmodel): the predictive part,
    0.3 x the word's unit vector + 0.7 x the unit mean of its n-grams' (a one-character word: its
    own), from gensim's trained state, at unit length and scaled by sqrt(1 - 0.25), beside the
    count model's unit vectors scaled by sqrt(0.25). (Default settings but two passes: the
    composition is the same at any length of training.)"""
    from gensim.models import FastText
    from gensim.models.fasttext import ft_ngram_hashes

    from w2vkit.queries.query import Engine
    from w2vkit.training.countmodel import CountOptions, train_count_model

    train([str(novel_slice)], tmp_path / "m", TrainOptions(epochs=2), keep_gensim=True)
    engine = Engine(load_model(tmp_path / "m"), similarity="mixed")
    model = engine.model
    assert model.meta["hyperparameters"]["method"] == "hybrid"
    assert model.meta["count_model"]["layout"] == {"predictive_dim": 100, "count_dim": 100}
    g = FastText.load(str(tmp_path / "m" / "gensim" / "model"))
    assert type(g) is FastText and g.wv.index_to_key == model.words
    unit = lambda x: x / np.linalg.norm(x)  # noqa: E731
    composed = np.array(
        [
            unit(g.wv.vectors_vocab[i])
            if len(w) == 1
            else 0.3 * unit(g.wv.vectors_vocab[i])
            + 0.7 * unit(g.wv.vectors_ngrams[ft_ngram_hashes(w, 2, 3, g.wv.bucket)].mean(axis=0))
            for i, w in enumerate(g.wv.index_to_key)
        ],
        dtype=np.float32,
    )
    predictive = composed / np.linalg.norm(composed, axis=1, keepdims=True) * np.sqrt(0.75)
    assert np.allclose(np.asarray(engine.vectors[:, :100]), predictive, atol=1e-6)
    count = train_count_model(model.meta["corpus"]["cache"], model.words, CountOptions(seed=1)).vectors
    count = count / np.maximum(np.linalg.norm(count, axis=1, keepdims=True), 1e-12) * 0.5
    assert np.allclose(np.asarray(engine.vectors[:, 100:]), count, atol=1e-4)


def test_word_weight_gensim_keeps_gensims_composition(novel_slice, tmp_path):
    from gensim.models import FastText

    opts = TrainOptions(dim=8, epochs=2, word_weight="gensim", deterministic=True, method="word2vec")
    train([str(novel_slice)], tmp_path / "g", opts)
    g = FastText.load(str(tmp_path / "g" / "gensim" / "model"))
    assert np.array_equal(np.load(tmp_path / "g" / "vectors.npy"), g.wv.vectors)
    opts = TrainOptions(dim=8, epochs=2, word_weight=1.0, deterministic=True, method="word2vec")
    train([str(novel_slice)], tmp_path / "w", opts)
    w = FastText.load(str(tmp_path / "w" / "gensim" / "model")).wv.vectors_vocab
    saved = np.load(tmp_path / "w" / "vectors.npy")
    assert np.allclose(saved, w / np.linalg.norm(w, axis=1, keepdims=True), atol=1e-6)


def test_cli_word_weight(invoke, novel_slice, tmp_path):
    out = tmp_path / "m"
    args = ["--dim", "8", "--epochs", "1", "--word-weight", "gensim", "--method", "word2vec"]  # (resumable)
    r = invoke(["train", novel_slice, "-o", out, *args])
    assert r.exit_code == 0, r.stderr
    assert json.loads((out / "meta.json").read_text())["hyperparameters"]["word_weight"] == "gensim"
    # resuming goes on with the model's composition unless told otherwise
    more = tmp_path / "more.txt"
    more.write_text("行者道：师父，前面有座高山。八戒笑道：好山。\n" * 20, encoding="utf-8")
    r = invoke(["train", more, "--resume", out, "--epochs", "1"])
    assert r.exit_code == 0, r.stderr
    assert json.loads((out / "meta.json").read_text())["hyperparameters"]["word_weight"] == "gensim"
    r = invoke(["train", more, "--resume", out, "--epochs", "1", "--word-weight", "0.5"])
    assert json.loads((out / "meta.json").read_text())["hyperparameters"]["word_weight"] == 0.5
    r = invoke(["train", novel_slice, "-o", out, "--word-weight", "heavy"])
    assert (
        r.exit_code == 2
        and "Invalid value for '--word-weight': 'heavy' is not a number from 0 to 1 or 'gensim'" in r.stderr
    )
    r = invoke(["train", novel_slice, "-o", out, "--word-weight", "1.5"])
    assert (r.exit_code, r.stderr) == (2, "Error: --word-weight must be a number from 0 to 1, or gensim, not 1.5\n")


@pytest.mark.parametrize("sig", ["SIGINT", "SIGKILL"])
def test_killed_training_leaves_the_previous_model_intact(small_model, novel_slice, tmp_path, sig):
    """Ctrl-C or SIGKILL at any moment of a retrain: the model at that path still loads."""
    import os
    import shutil
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "model"
    shutil.copytree(small_model, target)
    before = (target / "vectors.npy").read_bytes()
    cache = tmp_path / "cache"

    def training():  # the segmented corpus is cached: gensim is at work
        return any(cache.glob("corpora/*/corpus.json"))

    def saving():  # the new model's staging folder exists
        return any(p.name.startswith(".model.tmp") for p in tmp_path.iterdir())

    # Three moments, each waited for rather than guessed: while starting up, while training,
    # while saving.
    moments = [("starting", lambda: True, 0.3), ("training", training, 0.2), ("saving", saving, 0.0)]
    handled = interrupted = 0
    for name, reached, after in moments:
        shutil.rmtree(cache, ignore_errors=True)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "w2vkit",
                "train",
                str(novel_slice),
                "-o",
                str(target),
                "--epochs",
                "3",
                "--dim",
                "16",
                "--count-dim",
                "8",
                "-q",
            ],
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, W2VKIT_CACHE=str(cache)),
            preexec_fn=default_sigint,
        )
        deadline = time.monotonic() + 60
        while proc.poll() is None and not reached() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(after)
        proc.send_signal(getattr(signal, sig))
        _, err = proc.communicate(timeout=60)
        interrupted += proc.returncode != 0
        model = load_model(target, verify=True)  # intact: old or completely new
        assert model.meta["dim"] in (32, 16 + 8), name  # the old model, or the new hybrid one
        if model.meta["dim"] == 32:
            assert (target / "vectors.npy").read_bytes() == before
        if sig == "SIGINT" and proc.returncode == 130:  # our handler ran (-2: died before it was set)
            handled += 1
            assert err.strip().splitlines()[-1] == "Interrupted; earlier results are left as they were.", name
    assert interrupted >= 2  # the signals did land mid-run
    if sig == "SIGINT":
        assert handled >= 1  # and Ctrl-C was answered by our handler, with its message
    train([str(novel_slice)], target, TrainOptions(dim=8, epochs=1))  # the next run cleans up
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".model.tmp")]


@pytest.mark.parametrize("kind", ["bootstrap", "seeds"])
def test_members_build_their_vocabulary_from_counts_equal_to_a_scan_of_their_text(
    kind, novel_slice, tmp_path, monkeypatch
):
    """A bootstrap member's words are counted as its resample is written, a seed member's are the
    corpus's: what gensim is given equals a scan of the file it trains on (in order: ties in
    frequency are broken by first appearance), so gensim scans nothing."""
    from collections import Counter

    import w2vkit.training.trainer as trainer
    from w2vkit.model.members import Resampling

    real_fit = trainer.fit
    given = []

    def checking_fit(corpus, tokens, opts, inputs, progress, state=None, counted=None, counter=None, background=None):
        scanned, lines = Counter(), 0
        with open(corpus, encoding="utf-8") as f:
            for line in f:
                scanned.update(line.split())
                lines += 1
        given.append(counted is not None and list(counted[0].items()) == list(scanned.items()) and counted[1] == lines)
        given[-1] = given[-1] and tokens == sum(scanned.values())
        return real_fit(corpus, tokens, opts, inputs, progress, state, counted, counter, background)

    import w2vkit.training.memberwork as memberwork

    monkeypatch.setattr(trainer, "fit", checking_fit)
    monkeypatch.setattr(memberwork, "fit", checking_fit)
    options = TrainOptions(dim=8, epochs=1, min_count=2, method="word2vec")
    train([str(novel_slice)], tmp_path / "m", options, resampling=Resampling(kind, 2, "lines:20"))
    assert given == [True, True, True]  # the model, then its two members


def test_passes_follow_one_budget_that_grows_with_size_and_a_given_value_stays():
    """80 passes up to 450,000 tokens (the novels), then a budget of tokens read that grows slowly
    with size (36M at 450,000, 7% more a doubling), never under the large corpus's 10, and going on
    past 2M at dim 300's cost a pass: no step in the work at 2M (issue 60); --epochs given stays."""
    from w2vkit.base.choices import PASS_COST_DIM_EXPONENT, SMALL_CORPUS_PASSES, passes_budget

    def epochs(tokens):
        return TrainOptions().resolved(tokens=tokens, lang="zh").epochs

    assert {t: epochs(t) for t in (50_000, 366_000, 450_000, 10**6)} == {
        50_000: 80,
        366_000: 80,
        450_000: 80,
        10**6: 39,
    }
    sizes = range(450_000, 3_500_000, 50_000)
    passes = [epochs(t) for t in sizes]
    cost = [1.0 if t < 2_000_000 else 3**PASS_COST_DIM_EXPONENT for t in sizes]  # (dim 100, then 300)
    budgets = [passes_budget(t) for t in sizes]
    assert budgets[0] == SMALL_CORPUS_PASSES and all(a < b for a, b in zip(budgets, budgets[1:]))
    work = [t * p * c for t, p, c in zip(sizes, passes, cost)]
    # every size reads its budget, rounded up by less than a pass, or the 10 passes' floor more
    assert all(p == 10 and w >= b or 0 <= w - b < t * c for t, p, c, w, b in zip(sizes, passes, cost, work, budgets))
    assert passes[: sizes.index(1_950_000) + 1] == sorted(passes[: sizes.index(1_950_000) + 1], reverse=True)
    assert epochs(1_999_999) == 21 and epochs(2_000_000) == 14 and epochs(3_000_000) == 10
    # the work rises from one doubling of the size to the next (a pass's rounding aside), across 2M too
    doublings = [
        t * epochs(t) * (1.0 if t < 2_000_000 else 3**PASS_COST_DIM_EXPONENT)
        for t in (450_000, 900_000, 1_800_000, 3_600_000)
    ]
    assert doublings == sorted(doublings)
    assert TrainOptions(epochs=80).resolved(tokens=1_900_000, lang="zh").epochs == 80


def test_a_corpus_of_characters_gets_no_ngrams_unless_asked():
    """A character's n-grams are its own (<字 字> <字>): nothing shared, 1.4x the time (issue 60)."""
    assert TrainOptions().resolved(tokens=10**6, lang="zh").subwords is True
    assert TrainOptions().resolved(tokens=10**6, lang="zh", characters=True).subwords is False
    assert TrainOptions(subwords=True).resolved(tokens=10**6, lang="zh", characters=True).subwords is True
