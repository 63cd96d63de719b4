"""Evaluation: parsing, and scores equal to gensim's on the same vectors."""

import json

import numpy as np
import pytest
from conftest import shared_file

from w2vkit.errors import EvalSetError
from w2vkit.evaluation.evaluate import (
    alias_scores,
    evaluate_analogies,
    evaluate_pairs,
    read_analogies,
    read_groups,
    read_pairs,
    resolve_set,
)
from w2vkit.model.store import model_in_memory
from w2vkit.queries.query import Engine


@pytest.fixture(scope="module")
def kv(engine):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(engine.model.dim)
    kv.add_vectors(engine.model.words, np.asarray(engine.model.vectors))
    return kv


def test_analogy_parsing_crlf_sections_comments(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"# comment\r\n: capital\r\nathens greece oslo norway\r\n\r\n: family\r\nboy girl man woman\r\n")
    sections = read_analogies(f)
    assert [(name, len(qs)) for name, qs in sections] == [("capital", 1), ("family", 1)]
    assert sections[1][1][0].expected == "woman"


def test_analogy_parsing_errors(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text(": s\na b c d\na b c\n")
    with pytest.raises(EvalSetError, match=r"a.txt:3: expected 4 words, got 3: 'a b c'"):
        read_analogies(f)
    f.write_text("a b c d\n")
    with pytest.raises(EvalSetError, match=r"a.txt:1: question before the first ': section' header"):
        read_analogies(f)


def test_pairs_parsing(tmp_path):
    f = tmp_path / "p.txt"
    f.write_bytes(b"word1\tword2\tscore\r\n# note\r\na\tb\t1.5\r\nc  d 2\r\n")
    assert read_pairs(f) == [("a", "b", 1.5), ("c", "d", 2.0)]
    f.write_text("a b 1\nc d x\n")
    with pytest.raises(EvalSetError, match=r"p.txt:2: expected 'word1 word2 score', got 'c d x'"):
        read_pairs(f)


def test_unknown_sets(tmp_path, monkeypatch):
    with pytest.raises(EvalSetError, match="nosuch: no such file or built-in set"):
        resolve_set("nosuch")
    monkeypatch.delenv("W2VKIT_DATA", raising=False)
    with pytest.raises(EvalSetError, match=r"ca8-semantic: give the folder that holds CA8/semantic.txt with data_dir"):
        resolve_set("ca8-semantic")
    with pytest.raises(EvalSetError, match="wordsim240: .* not found"):
        resolve_set("wordsim240", str(tmp_path))
    assert resolve_set("google").name == "questions-words.txt"


@pytest.fixture(scope="module")
def generated_analogies(engine, tmp_path_factory):
    """Questions from the model's own vocabulary (plus some unknown words), in three sections."""
    rng = np.random.default_rng(5)
    words = engine.model.words[:1500]
    lines = []
    for section in range(3):
        lines.append(f": section{section}")
        for _ in range(150):
            q = list(rng.choice(words, 4, replace=False))
            if rng.random() < 0.1:
                q[rng.integers(4)] = "未登录词"
            lines.append(" ".join(q))
    # Questions whose answer gensim finds: a + b - c is near d for these by construction, by
    # 3CosAdd and by 3CosMul (so each method has right answers to count).
    for method in ("add", "mul"):
        for a, b, c in [("行者", "八戒", "悟空"), ("三藏", "行者", "八戒")]:
            best = engine.analogy(b, a, c, method=method)[0][0]  # gensim order: b - a + c, written a b c d
            lines.append(f"{c} {b} {a} {best}")
    path = tmp_path_factory.mktemp("eval") / "gen.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def gensim_cosmul_sections(kv, path, restrict_vocab):
    """gensim's evaluate_word_analogies with most_similar_cosmul in place of most_similar, per
    section: gensim 4.4 accepts similarity_function but ignores it (it always uses 3CosAdd)."""
    ok_vocab = {k.upper(): kv.get_index(k) for k in reversed(kv.index_to_key[:restrict_vocab])}
    sections, name = {}, None
    for line in open(path, encoding="utf-8"):
        if line.startswith(":"):
            name = line[1:].strip()
            continue
        a, b, c, expected = (w.upper() for w in line.split())
        if not all(w in ok_vocab for w in (a, b, c, expected)):
            continue
        original, kv.key_to_index = kv.key_to_index, ok_vocab
        try:
            sims = kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=5, restrict_vocab=restrict_vocab)
        finally:
            kv.key_to_index = original
        predicted = next((w.upper() for w, _ in sims if w.upper() in ok_vocab and w.upper() not in {a, b, c}), None)
        right, wrong = sections.get(name, (0, 0))
        sections[name] = (right + (predicted == expected), wrong + (predicted != expected))
    sections["Total accuracy"] = tuple(map(sum, zip(*sections.values())))
    return sections


@pytest.mark.parametrize("method", ["add", "mul"])
@pytest.mark.parametrize("restrict", [1000, 30000])
def test_analogies_equal_gensim(engine, kv, generated_analogies, method, restrict):
    ours = evaluate_analogies(engine, generated_analogies, restrict_vocab=restrict, method=method)
    if method == "add":
        _, sections = kv.evaluate_word_analogies(str(generated_analogies), restrict_vocab=restrict)
        theirs = {s["section"]: (len(s["correct"]), len(s["incorrect"])) for s in sections}
    else:
        theirs = gensim_cosmul_sections(kv, generated_analogies, restrict)
    assert ours.total.correct > 0
    assert {s.section: (s.correct, s.incorrect) for s in ours.sections + [ours.total]} == theirs


@pytest.mark.shared
def test_ca8_coverage_matches_gensim(engine, kv):
    path = shared_file("eval/zh/CA8/semantic.txt")
    ours = evaluate_analogies(engine, path, restrict_vocab=30000)
    score, sections = kv.evaluate_word_analogies(str(path), restrict_vocab=30000)
    total = sections[-1]
    assert ours.total.correct == len(total["correct"]) and ours.total.incorrect == len(total["incorrect"])
    assert 0 < ours.coverage < 0.2  # a Ming-dynasty novel knows few of CA8's modern words


def test_pairs_equal_gensim(engine, kv, tmp_path):
    rng = np.random.default_rng(3)
    words = engine.model.words[:2000]
    f = tmp_path / "pairs.tsv"
    f.write_bytes(
        (
            "".join(f"{a}\t{b}\t{rng.uniform(0, 10):.2f}\r\n" for a, b in rng.choice(words, (300, 2)))
            + "未登录词\t行者\t5.0\r\n"
        ).encode("utf-8")
    )
    for path in (f,):
        for restrict in (500, 30000):
            ours = evaluate_pairs(engine, path, restrict_vocab=restrict)
            pearson, spearman, oov = kv.evaluate_word_pairs(str(path), restrict_vocab=restrict)
            assert ours.used > 1
            # float32 cosines computed by BLAS (gensim) or numpy (here) differ in the 7th digit
            assert abs(ours.pearson - pearson[0]) < 1e-5
            assert abs(ours.spearman - spearman.statistic) < 1e-5
            assert abs(ours.oov_ratio * 100 - oov) < 1e-9


def test_builtin_alias_sets_read_as_groups():
    """Every shipped alias set reads as groups of 2+ distinct names, no name in two groups."""
    for name in ("xiyouji-aliases", "sanguo-aliases", "hongloumeng-aliases"):
        groups = read_groups(name)
        assert len(groups) >= 25 and all(len(set(g)) == len(g) >= 2 for g in groups), name
        words = [w for g in groups for w in g]
        assert len(words) == len(set(words)), name


def test_alias_groups(engine):
    groups = read_groups("xiyouji-aliases")
    assert ["孙悟空", "悟空"] == groups[0][:2]
    scores = alias_scores(engine, groups)
    assert 0 < scores["recall_at_10"] <= 1 and scores["words_scored"] > 10
    # Groups of identical vectors would score perfectly: the metric can reach its maximum.
    words = ["a", "b", "c", "d"]
    vecs = np.array([[1, 0], [1, 0.01], [0, 1], [0.01, 1]], dtype=np.float32)
    assert alias_scores(Engine(model_in_memory(vecs, words)), [["a", "b"], ["c", "d"]], k=1)["recall_at_1"] == 1.0


@pytest.mark.shared
def test_the_shared_word_pair_sets_read_whole():
    assert len(read_pairs(shared_file("eval/zh/wordsim/wordsim-240.txt"))) == 240
    assert len(read_pairs(shared_file("eval/zh/wordsim/wordsim-297.txt"))) == 297


@pytest.fixture
def data_dir(engine, tmp_path):
    """A folder laid out like ../shared/eval/zh (CA8/, wordsim/; CRLF) with sets made of the model's
    own words, so `evaluate --data-dir` has real questions to answer."""
    words = engine.model.words[:200]
    (tmp_path / "CA8").mkdir()
    (tmp_path / "wordsim").mkdir()
    for name in ("morphological", "semantic"):
        lines = [": made-up"] + [" ".join(words[i : i + 4]) for i in range(0, 80, 4)]
        (tmp_path / "CA8" / f"{name}.txt").write_bytes("\r\n".join(lines).encode() + b"\r\n")
    for name in ("240", "297"):
        pairs = [f"{words[i]}\t{words[i + 1]}\t{i % 10}" for i in range(0, 60, 2)]
        (tmp_path / "wordsim" / f"wordsim-{name}.txt").write_bytes("\r\n".join(pairs).encode() + b"\r\n")
    return tmp_path


def test_cli_evaluate_json(invoke, small_model, data_dir):
    r = invoke(["evaluate", "-m", small_model, "--data-dir", data_dir, "--format", "json", "--method", "both"])
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert [(a["set"], a["method"]) for a in report["analogies"]] == [
        ("ca8-morphological", "add"),
        ("ca8-morphological", "mul"),
        ("ca8-semantic", "add"),
        ("ca8-semantic", "mul"),
    ]
    assert [p["set"] for p in report["pairs"]] == ["wordsim240", "wordsim297"]
    assert [p["used"] for p in report["pairs"]] == [30, 30]
    assert [a["answered"] for a in report["analogies"]] == [20, 20, 20, 20]
    assert report["groups"][0]["set"] == "xiyouji-aliases"
    assert report["skipped"] == []


def test_cli_evaluate_without_a_data_folder_runs_the_builtin_sets(invoke, small_model, monkeypatch):
    monkeypatch.delenv("W2VKIT_DATA", raising=False)
    r = invoke(["evaluate", "-m", small_model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert [g["set"] for g in report["groups"]] == ["xiyouji-aliases"]
    assert report["analogies"] == report["pairs"] == []
    assert [s["set"] for s in report["skipped"]] == ["ca8-morphological", "ca8-semantic", "wordsim240", "wordsim297"]
    assert r.stderr.splitlines()[0] == (
        "skipped ca8-morphological, ca8-semantic, wordsim240, wordsim297: needs the "
        "folder holding CA8/ and wordsim/ (--data-dir DIR or $W2VKIT_DATA, e.g. "
        "../shared/eval/zh)"
    )


def test_a_set_with_no_usable_question_shows_n_a(invoke, small_model, tmp_path):
    unknown = tmp_path / "unknown.txt"
    unknown.write_text(": none\nzzqa zzqb zzqc zzqd\n", encoding="utf-8")
    r = invoke(["evaluate", "-m", small_model, "--analogies", unknown, "--format", "tsv"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[1] == f"{unknown}\tanalogy add\taccuracy\t\t0\t1"  # (for R and pandas: empty)
    r = invoke(["evaluate", "-m", small_model, "--analogies", unknown])
    assert r.stdout.splitlines()[2].split()[3:] == ["accuracy", "n/a", "0", "1"]  # (for reading: n/a)
    r = invoke(["evaluate", "-m", small_model, "--analogies", unknown, "--format", "json"])
    assert json.loads(r.stdout)["analogies"][0]["accuracy"] is None


def test_cli_evaluate_unknown_set(invoke, small_model):
    r = invoke(["evaluate", "-m", small_model, "--pairs", "nosuch"])
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: nosuch: no such file or built-in set (built-in: google, ")
