"""w2vkit.findings.alacarte and w2vkit.findings.contrasts against direct computations on a small
corpus: context means, the transform (least squares), the debiased change, Benjamini–Hochberg
(scipy), and permutation p-values with and without a planted change; the command's bad input."""

import json

import numpy as np
import pytest

from w2vkit.findings import alacarte
from w2vkit.findings.contrasts import contrast
from w2vkit.findings.permutation import Side, _stat, bh
from w2vkit.model.store import load_model, save_model
from w2vkit.queries.query import Engine

VOCAB = [f"w{i}" for i in range(60)]


def english_model(tmp_path, dim=12, seed=0):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(len(VOCAB), dim)).astype(np.float32)
    meta = {"segmentation": {"lang": "en", "engine": "fast", "user_dicts": [], "stopwords": []}}
    return Engine(load_model(save_model(tmp_path / "m", VOCAB, np.arange(len(VOCAB), 0, -1) + 100, vectors, meta)))


def test_context_means_equal_a_direct_loop(tmp_path):
    engine = english_model(tmp_path)
    rng = np.random.default_rng(1)
    docs = [
        [VOCAB[i] if i < 60 else "unknown" for i in rng.integers(0, 65, size=rng.integers(1, 15))] for _ in range(40)
    ]
    corpus = alacarte.build_corpus(docs, engine.model.index)
    positions = np.flatnonzero(corpus.ids == engine.model.index["w3"])
    means, counts = alacarte.context_means(engine, corpus, positions, 2)
    flat = [(d, j) for d, tokens in enumerate(docs) for j in range(len(tokens))]
    for pos, mean, count in zip(positions, means, counts):
        d, j = flat[pos]
        # (each context word weighted by 1/distance, as GloVe weighs co-occurrences)
        context = [
            (t, 1 / abs(k - j)) for k, t in enumerate(docs[d]) if k != j and abs(k - j) <= 2 and t in engine.model.index
        ]
        assert count == len(context)
        weights = np.array([w for _, w in context])
        vectors = np.array([engine.unit[engine.model.index[t]] for t, _ in context]) if context else np.zeros((1, 1))
        expected = (weights @ vectors) / weights.sum() if context else 0
        assert np.allclose(mean, expected, atol=1e-6)


def test_context_sums_are_the_sums_of_context_means_per_label(tmp_path, monkeypatch):
    engine = english_model(tmp_path)
    rng = np.random.default_rng(4)
    docs = [
        [VOCAB[i] if i < 60 else "unknown" for i in rng.integers(0, 65, size=rng.integers(1, 15))] for _ in range(80)
    ]
    corpus = alacarte.build_corpus(docs, engine.model.index)
    positions = np.flatnonzero(np.isin(corpus.ids, [engine.model.index[w] for w in ("w1", "w2", "w7")]))
    labels = rng.integers(0, 5, size=len(positions))
    monkeypatch.setattr(alacarte, "CHUNK", 3)  # (context_means in many chunks; the sums are chunked by their own size)
    means, k = alacarte.context_means(engine, corpus, positions, 3)
    sums, counts, kept = alacarte.context_sums(engine, corpus, positions, labels, 6, 3)
    assert np.array_equal(kept, k > 0)
    for label in range(6):
        mine = (labels == label) & (k > 0)
        assert counts[label] == mine.sum()
        assert np.allclose(sums[label], means[mine].sum(axis=0), atol=1e-5)


def test_the_transform_is_the_least_squares_fit_of_context_averages_to_vectors(tmp_path, monkeypatch):
    engine = english_model(tmp_path)
    monkeypatch.setattr(alacarte, "MIN_COUNT", 3)
    rng = np.random.default_rng(2)
    docs = [[VOCAB[i] for i in rng.integers(0, 60, size=12)] for _ in range(300)]
    corpus = alacarte.build_corpus(docs, engine.model.index)
    a, words, _ = alacarte.fit_transform(engine, corpus, 3)
    rows = [engine.model.index[w] for w in words]
    averages = []
    for r in rows:  # (every occurrence: none has more than SAMPLE)
        means, k = alacarte.context_means(engine, corpus, corpus.positions(r), 3)
        averages.append(means[k > 0].mean(axis=0))
    direct, *_ = np.linalg.lstsq(np.array(averages, dtype=np.float64), engine.unit[rows].astype(np.float64), rcond=None)
    assert np.allclose(a, direct.T, atol=1e-4)


def test_the_debiased_change_equals_its_formula():
    rng = np.random.default_rng(3)
    counts = rng.integers(1, 6, size=9).astype(float)
    sums = counts[:, None] * (np.ones(5) + 0.3 * rng.normal(size=(9, 5)))  # (means far from zero)
    group = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1])
    side = Side(sums, counts, group)

    def mean_var(members):
        s, n = sums[members], counts[members]
        m = s.sum(axis=0) / n.sum()
        b = len(members)
        var = b / (b - 1) * sum(np.sum((s_b - n_b * m) ** 2) for s_b, n_b in zip(s, n)) / n.sum() ** 2
        return m, var

    (ma, va), (mb, vb) = mean_var(np.flatnonzero(group == 0)), mean_var(np.flatnonzero(group == 1))
    expected = 1 - ma @ mb / np.sqrt((ma @ ma - va) * (mb @ mb - vb))
    got = _stat((group == 0)[None, :].astype(float), (group == 1)[None, :].astype(float), side)[0]
    assert got == pytest.approx(expected, rel=1e-9)


def test_benjamini_hochberg_matches_scipy():
    from scipy.stats import false_discovery_control

    p = [0.001, 0.2, 0.04, 0.03, 0.5, None, 0.011]
    found = [x for x in p if x is not None]
    expected = iter(false_discovery_control(found))
    assert [q if q is None else pytest.approx(next(expected)) for q in bh(p)] == [
        q if q is None else pytest.approx(q) for q in bh(p)
    ]
    assert [round(q, 6) for q in bh(found)] == [round(float(q), 6) for q in false_discovery_control(found)]


def _table(path, rows):
    path.write_text("group\tauthor\ttext\n" + "".join(f"{g}\t{a}\t{t}\n" for g, a, t in rows), encoding="utf-8")
    return path


def test_a_planted_change_has_a_small_p_and_no_change_does_not(tmp_path):
    engine = english_model(tmp_path, dim=16)
    rng = np.random.default_rng(4)
    background = VOCAB[20:]

    def doc(contexts):
        words = [background[i] for i in rng.integers(0, len(background), 10)]
        words[5] = "w0"
        words[4], words[6] = rng.choice(contexts, 2)
        return " ".join(words)

    rows = []
    for n in range(240):
        group = "A" if n < 120 else "B"
        changed = ["w1", "w2", "w3"] if group == "A" else ["w4", "w5", "w6"]
        rows.append((group, f"a{n // 4}", doc(changed)))
        rows.append((group, f"a{n // 4}", doc(["w7", "w8", "w9"]).replace("w0", "w10")))
    table = _table(tmp_path / "t.tsv", rows)
    result = contrast(engine, ["w0", "w10"], table, by="group", block="author", permutations=199, bootstrap=50)
    by_word = {r["word"]: r for r in result.records() if r["group"] == "B"}
    assert by_word["w0"]["p"] <= 0.01 and by_word["w0"]["change"] > by_word["w10"]["change"]
    assert by_word["w10"]["p"] > 0.05
    assert by_word["w0"]["low"] <= by_word["w0"]["change"] <= by_word["w0"]["high"]
    assert result.to_dict()["permuted"] == "the group labels of whole authors, 199 times"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--groups", "A,C"], "no group 'C' in column 'group'; it has A, B"),
        (
            ["--block", "shared"],
            "2 blocks span several groups ('x' in A, B; 'y' in A, B): a block must lie in one group; choose another --block, or --split-blocks to make each a block per group",
        ),
        (["--text-column", "body"], "no column 'body'; its columns are 'group', 'author', 'text', 'shared'"),
    ],
)
def test_bad_contrasts_are_one_line(invoke, tmp_path, args, message):
    english_model(tmp_path)
    rows = "".join(f"{'AB'[n % 2]}\ta{n}\tw0 w1 w2 w3\t{'xy'[n % 4 // 2]}\n" for n in range(20))
    (tmp_path / "t.tsv").write_text("group\tauthor\ttext\tshared\n" + rows)
    r = invoke(["contrast", "w0", "--in", tmp_path / "t.tsv", "--by", "group", "-m", tmp_path / "m", *args])
    assert r.exit_code in (1, 2) and r.stderr == f"Error: {tmp_path / 't.tsv'}: {message}\n", r.stderr
    assert json.dumps(r.stderr).count("\\n") == 1


def test_words_contrasted_in_parallel_give_the_same_numbers(tmp_path):
    engine = english_model(tmp_path, dim=16)
    rng = np.random.default_rng(6)
    rows = [("AB"[n // 6 % 2], f"a{n // 6}", " ".join(VOCAB[i] for i in rng.integers(0, 60, 12))) for n in range(300)]
    table = _table(tmp_path / "t.tsv", rows)
    words = ["w1", "w2", "w3", "w4"]
    one = contrast(engine, words, table, by="group", block="author", permutations=99, bootstrap=20)
    two = contrast(engine, words, table, by="group", block="author", permutations=99, bootstrap=20, jobs=2)
    assert one.rows == two.rows and len(one.rows) == 8


def test_a_scan_permutes_in_full_only_the_words_its_first_pass_leaves_undecided(tmp_path):
    engine = english_model(tmp_path, dim=16)
    rng = np.random.default_rng(7)
    rows = [("AB"[n // 6 % 2], f"a{n // 6}", " ".join(VOCAB[i] for i in rng.integers(0, 60, 12))) for n in range(600)]
    table = _table(tmp_path / "t.tsv", rows)
    result = contrast(
        engine, None, table, by="group", block="author", scan=True, top=40, permutations=499, bootstrap=20
    )
    tested = [r for r in result.records() if r["p"] is not None]
    assert len(tested) == 40
    for r, q in zip(tested, bh([r["p"] for r in tested])):
        assert r["q"] == pytest.approx(q)
    # the first pass alone (each word's generator is its own: the same first 99 permutations)
    first = contrast(engine, None, table, by="group", block="author", scan=True, top=40, permutations=99, bootstrap=20)
    first = [r for r in first.records() if r["p"] is not None]
    undecided = {r["word"] for r, q in zip(first, bh([r["p"] for r in first])) if r["p"] <= 0.1 and q >= 0.05}
    assert undecided  # (no change: some p under 0.1 by chance)
    for r in tested:
        assert r["permutations"] == (499 if r["word"] in undecided else 99), r
    # (issue 92: the field says what ran, not only the rule)
    more = len(undecided)
    assert result.fields["permuted"].endswith(
        f"(ran: 99 times for {40 - more} words; 499 times for {more} word{'s' * (more != 1)})"
    ), result.fields["permuted"]
    alone = contrast(engine, ["w3"], table, by="group", block="author", permutations=499, bootstrap=20).records()[1]
    again = next(r for r in tested if r["word"] == "w3")
    assert alone["change"] == pytest.approx(again["change"]) and alone["occurrences"] == again["occurrences"]


def test_scan_alone_takes_the_default_number_of_occurrences(invoke, tmp_path):
    english_model(tmp_path)
    rng = np.random.default_rng(8)
    rows = "".join(f"{'AB'[n % 2]}\ta{n}\t{' '.join(VOCAB[i] for i in rng.integers(0, 30, 12))}\n" for n in range(400))
    (tmp_path / "t.tsv").write_text("group\tauthor\ttext\n" + rows)
    r = invoke(
        ["contrast", "--scan", "--in", tmp_path / "t.tsv", "--by", "group", "--top", "5", "--format", "json"]
        + ["--permutations", "19", "--bootstrap", "10", "-m", tmp_path / "m"]
    )
    assert r.exit_code == 0, r.stderr
    found = json.loads(r.stdout)
    assert found["scanned"] == 5 and "seen 20+ times in each group" in " ".join(n["message"] for n in found["notes"])


def test_a_scan_in_a_log_says_how_far_it_has_come(invoke, tmp_path, monkeypatch):
    english_model(tmp_path)
    rng = np.random.default_rng(9)
    rows = "".join(f"{'AB'[n % 2]}\ta{n}\t{' '.join(VOCAB[i] for i in rng.integers(0, 30, 12))}\n" for n in range(400))
    (tmp_path / "t.tsv").write_text("group\tauthor\ttext\n" + rows)
    monkeypatch.setenv("W2VKIT_PROGRESS_SECONDS", "0")
    args = ["contrast", "--scan", "--in", tmp_path / "t.tsv", "--by", "group", "--top", "10", "-m", tmp_path / "m"]
    r = invoke(args + ["--permutations", "19", "--bootstrap", "10", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("contrast: ")]
    assert lines and lines[-1].startswith("contrast: 100% (10/10 words)"), r.stderr
    quiet = invoke(args + ["--permutations", "19", "--bootstrap", "10", "--format", "json", "-q"])
    assert "contrast: " not in quiet.stderr


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(groups="A,B"), TypeError, "groups must be a list of group names, not a string"),
        (dict(min_occurrences=-3), "option", "min_occurrences must be an integer from 1 to 1,000,000"),
        (dict(seed=-1), "option", "seed must be an integer from 0 to"),
        (dict(window=1000), "option", "window must be an integer from 1 to 100"),
        (dict(top=0, scan=5, words=None), "option", "top must be an integer from 1 to"),
    ],
)
def test_python_arguments_are_checked_by_the_command_lines_table(tmp_path, kwargs, error, message):
    """Issue 57: contrast(groups="唐,宋") iterated the string, min_occurrences=-3 was accepted, seed=-1
    reached numpy's own ValueError; contrast --window 1000 ran 134 s at 1 GB."""
    from w2vkit.errors import OptionError

    engine = english_model(tmp_path, dim=16)
    table = _table(tmp_path / "t.tsv", [("A", "a1", "w1 w2 w3"), ("B", "a2", "w1 w2 w4")])
    words = kwargs.pop("words", ["w1"])
    with pytest.raises(OptionError if error == "option" else error, match=message):
        contrast(engine, words, table, by="group", **kwargs)


def test_a_change_is_placed_among_the_changes_of_words_of_its_frequency(halves):
    """The percentile column against the changes of the same peers contrasted one by one."""
    from w2vkit.findings.contrasts import contrast as run
    from w2vkit.findings.contrasts.peers import REFERENCE, similar_frequency

    folder, table = halves
    engine = Engine(load_model(folder))
    result = run(engine, ["菩萨"], table, by="half", block="chapter", permutations=19, bootstrap=10)
    row = [r for r in result.records() if r["change"] is not None][0]
    assert 0 <= row["percentile"] <= 100
    from w2vkit.queries.segmentation import row_tokenizer

    text = [line.split("\t")[-1] for line in table.read_text(encoding="utf-8").splitlines()[1:]]
    counts = np.zeros(len(engine.model))
    for token in (t for tokens in row_tokenizer(engine.row_options, text[0])(text) for t in tokens):  # (the long way)
        if token in engine.model.index:
            counts[engine.model.index[token]] += 1
    comparable = np.array([w.isalpha() for w in engine.model.words])
    peers = [engine.model.words[i] for i in similar_frequency(counts, comparable, {engine.model.index["菩萨"]})]
    assert len(peers) == REFERENCE and "菩萨" not in peers
    mine = counts[engine.model.index["菩萨"]]
    assert all(0.3 < counts[engine.model.index[w]] / mine < 3 for w in peers)
    theirs = run(engine, peers, table, by="half", block="chapter", permutations=19, bootstrap=10).records()
    changes = np.array([r["change"] for r in theirs if r["change"] is not None])
    assert len(changes) >= REFERENCE // 2
    assert row["percentile"] == pytest.approx(100 * np.mean(changes <= row["change"]))


def test_a_scan_places_each_change_among_its_scanned_peers():
    from w2vkit.findings.contrasts.grouprows import CHANGE, COLUMNS, OCCURRENCES, PERCENTILE, scan_percentiles

    rows = [[None] * len(COLUMNS) for _ in range(5)]
    for r, (n, change) in zip(rows, [(100, 0.1), (110, 0.3), (120, 0.2), (5000, 0.05), (5200, 0.01)]):
        r[OCCURRENCES], r[CHANGE] = n, change
    scan_percentiles(rows, n=2)
    # 100's peers are 110 and 120 (0.3, 0.2): 0.1 exceeds neither; 5000's are 5200 and 120
    assert [r[PERCENTILE] for r in rows] == [0.0, 100.0, 50.0, 50.0, 0.0]


def test_a_transform_that_cannot_be_kept_is_said_in_the_results_notes(halves, monkeypatch):
    """Issue 57: said as a note (a Python caller reads it in to_dict()), not as a warning log line."""
    from w2vkit.base.cachefile import StampedCache
    from w2vkit.findings.contrasts import contrast
    from w2vkit.queries.query import Engine

    monkeypatch.setattr(StampedCache, "keep", lambda self, values: "the model folder is read-only")
    folder, table = halves
    result = contrast(Engine(folder), ["行者"], table, by="half", block="chapter", window=4, permutations=19)
    notes = [n["message"] for n in result.to_dict()["notes"]]
    assert any(
        n.endswith("it could not be kept (the model folder is read-only), so it is fitted again each time")
        for n in notes
    )
    assert result.fields["transform"]["not_kept"] == "the model folder is read-only"
