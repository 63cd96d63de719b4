"""Lexicon expansion, concept axes and model comparison (w2vkit.findings.analysis, w2vkit.cli_analysis):
against hand computations with numpy and scipy, and through the CLI."""

import json

import numpy as np
import pytest
from scipy.stats import special_ortho_group

from w2vkit.errors import EvalSetError, UnknownWordError, UsageError
from w2vkit.findings.analysis import expand, expand_concepts, read_concepts
from w2vkit.findings.axes import axis
from w2vkit.findings.comparison import compare
from w2vkit.model.store import load_model, save_model
from w2vkit.queries.query import Engine

WORDS = [f"w{i:03d}" for i in range(300)]


@pytest.fixture
def random_model(tmp_path):
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(WORDS), 12)).astype(np.float32)
    counts = np.arange(len(WORDS), 0, -1) * 3  # w000 most frequent; the last 100 below 200
    return save_model(tmp_path / "a", WORDS, counts, vectors, {})


def found(result):
    """compare's Result as attributes: rows (word, cosine, overlap, z, ...), and the fields."""
    from types import SimpleNamespace

    return SimpleNamespace(rows=[SimpleNamespace(**r) for r in result.records()], **result.fields)


def candidates(result):
    """expand's rows as objects with attributes (word, score, count, nearest_seed)."""
    from types import SimpleNamespace

    return [SimpleNamespace(**r) for r in result.records()]


def unit(x):
    x = np.asarray(x, dtype=np.float64)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_expansion_ranks_by_cosine_to_the_seeds_centroid(random_model):
    engine = Engine(load_model(random_model))
    seeds = ["w010", "w020", "w030"]
    got = candidates(expand(engine, seeds, topn=15, min_count=200))
    v = unit(np.asarray(engine.vectors))
    centroid = unit(v[[10, 20, 30]].mean(axis=0))
    scores = v @ centroid
    counts = np.asarray(engine.model.counts)
    eligible = [i for i in np.argsort(-scores) if i not in (10, 20, 30) and counts[i] >= 200]
    assert [c.word for c in got] == [WORDS[i] for i in eligible[:15]]
    np.testing.assert_allclose([c.score for c in got], scores[eligible[:15]], atol=1e-5)
    assert [c.count for c in got] == [int(counts[i]) for i in eligible[:15]]
    nearest = [seeds[int(np.argmax(v[[10, 20, 30]] @ v[i]))] for i in eligible[:15]]
    assert [c.nearest_seed for c in got] == nearest


def test_iterative_expansion_grows_the_seeds(random_model):
    engine = Engine(load_model(random_model))
    first = candidates(expand(engine, ["w001", "w002"], topn=3, min_count=1))
    grown = candidates(expand(engine, ["w001", "w002"], topn=10, min_count=1, iterations=1, grow=3))
    added = [c.word for c in first]
    assert not set(added) & {c.word for c in grown}
    expected = candidates(expand(engine, ["w001", "w002", *added], topn=10, min_count=1))
    assert [c.word for c in grown] == [c.word for c in expected]
    assert {c.nearest_seed for c in grown} <= {"w001", "w002"}


def test_concepts_take_each_word_to_its_closest_concept(random_model, tmp_path):
    engine = Engine(load_model(random_model))
    path = tmp_path / "concepts.tsv"
    path.write_text("# two concepts\nfirst\tw001 w002\n\nsecond\tw050 w060\n", encoding="utf-8")
    concepts = read_concepts(path)
    assert concepts == {"first": ["w001", "w002"], "second": ["w050", "w060"]}
    rows = expand_concepts(engine, concepts, topn=5, min_count=1)
    v = unit(np.asarray(engine.vectors))
    cents = np.vstack([unit(v[[1, 2]].mean(0)), unit(v[[50, 60]].mean(0))])
    for row in rows:
        i = WORDS.index(row.word)
        assert ["first", "second"][int(np.argmax(cents @ v[i]))] == row.concept
    assert [r.concept for r in rows] == ["first"] * 5 + ["second"] * 5
    bad = tmp_path / "bad.tsv"
    bad.write_text("first\tw001\nsecond w050\n", encoding="utf-8")
    with pytest.raises(EvalSetError, match=r"bad.tsv:2: expected 'concept<TAB>seed seed ...'"):
        read_concepts(bad)


def scores_of(result):
    """An axis result's (word, score) pairs, in order."""
    return [(r["word"], r["score"]) for r in result.records()]


def test_axis_scores_equal_the_formula(random_model):
    engine = Engine(load_model(random_model))
    result = scores_of(axis(engine, ["w001", "w002"], ["w003"], ["w010", "w020", "w030"]))
    v = unit(np.asarray(engine.vectors))
    direction = unit(v[[1, 2]].mean(0) - v[3])
    expected = sorted(
        ((w, float(v[WORDS.index(w)] @ direction)) for w in ["w010", "w020", "w030"]), key=lambda x: -x[1]
    )
    assert [w for w, _ in result] == [w for w, _ in expected]
    np.testing.assert_allclose([s for _, s in result], [s for _, s in expected], atol=1e-5)
    ends = scores_of(axis(engine, ["w001"], ["w003"], topn=4, min_count=1))
    all_scores = sorted((float(v[i] @ unit(v[1] - v[3])), WORDS[i]) for i in range(300) if i not in (1, 3))
    assert [w for w, _ in ends] == [w for _, w in all_scores[::-1][:4]] + [w for _, w in all_scores[:4][::-1]]
    with pytest.raises(UsageError, match="the two poles are the same words"):
        axis(engine, ["w001"], ["w001"])


def test_a_rotated_copy_aligns_back(random_model, tmp_path):
    a = load_model(random_model)
    rotation = special_ortho_group.rvs(12, random_state=1).astype(np.float32)
    b_path = save_model(tmp_path / "b", a.words, a.counts, np.asarray(a.vectors) @ rotation, {})
    result = found(compare(Engine(a), Engine(load_model(b_path)), ["w005", "w100"], anchors=50))
    assert result.aligned and result.anchors == 50 and result.shared == 300
    for row in result.rows:
        assert row.cosine == pytest.approx(1.0, abs=1e-4)
        assert row.overlap == 1.0 and row.neighbours_a == row.neighbours_b
    # the rotation found is scipy's, and undoes the one applied
    from w2vkit.findings.comparison import procrustes_rotation

    va = unit(np.asarray(a.vectors))
    r = procrustes_rotation(va[:50], va[:50] @ rotation)
    np.testing.assert_allclose(r, rotation.T, atol=1e-4)


def test_the_words_that_moved_most_come_first(random_model, tmp_path):
    a = load_model(random_model)
    moved = np.asarray(a.vectors).copy()
    rng = np.random.default_rng(5)
    moved[[7, 8]] = rng.normal(size=(2, 12))  # two words change meaning
    b_path = save_model(tmp_path / "b", a.words, a.counts, moved, {})
    result = found(compare(Engine(a), Engine(load_model(b_path)), topn=2, anchors=300, min_count=1))
    assert {r.word for r in result.rows} == {"w007", "w008"}


def test_models_of_different_dimensions_compare_by_overlap_only(random_model, tmp_path):
    a = load_model(random_model)
    b_path = save_model(tmp_path / "b", a.words, a.counts, np.asarray(a.vectors)[:, :8], {})
    result = found(compare(Engine(a), Engine(load_model(b_path)), ["w001"]))
    assert not result.aligned and result.rows[0].cosine is None and 0 <= result.rows[0].overlap <= 1
    other = save_model(tmp_path / "c", ["x", "y"], [2, 1], np.eye(2, 12, dtype=np.float32), {})
    with pytest.raises(UsageError, match="share no word"):
        compare(Engine(a), Engine(load_model(other)))


def test_an_unknown_seed_gets_the_queries_message(random_model):
    engine = Engine(load_model(random_model))
    with pytest.raises(UnknownWordError, match=r"'w9999' is not in the model .*close words: w099"):
        expand(engine, ["w001", "w9999"])


# ------------------------------------------------------------------ through the CLI


def test_cli_outputs_parse_as_json_and_tsv(invoke, random_model, tmp_path):
    r = invoke(["expand", "w001", "w002", "-m", random_model, "-n", "5", "--min-count", "1", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["seeds"] == ["w001", "w002"] and len(data["results"]) == 5
    assert set(data["results"][0]) == {"rank", "word", "score", "count", "nearest_seed"}
    r = invoke(["expand", "w001", "-m", random_model, "-n", "3", "--format", "tsv"])
    assert r.stdout.splitlines()[0] == "rank\tword\tscore\tcount\tnearest_seed" and len(r.stdout.splitlines()) == 4
    r = invoke(["axis", "w001", "--vs", "w002", "-w", "w010", "-w", "w011", "-m", random_model, "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert [row["word"] for row in json.loads(r.stdout)["results"]] != [] and json.loads(r.stdout)["extremes"] is False
    b = save_model(tmp_path / "b", WORDS, np.arange(300, 0, -1), np.asarray(load_model(random_model).vectors), {})
    r = invoke(["compare", random_model, b, "w001", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    row = json.loads(r.stdout)["results"][0]
    assert row["word"] == "w001" and row["cosine"] == pytest.approx(1.0, abs=1e-5) and len(row["neighbours_a"]) == 10


def test_cli_errors_are_one_line(invoke, random_model, tmp_path):
    r = invoke(["axis", "w001", "--vs", "w001", "-m", random_model])
    assert (r.exit_code, r.stderr) == (
        2,
        "Error: the two poles are the same words (w001); give different words at each pole\n",
    )
    r = invoke(["expand", "-m", random_model])
    assert r.exit_code == 2 and "give SEED words or --concepts FILE" in r.stderr
    bad = tmp_path / "c.tsv"
    bad.write_text("only a name\n")
    r = invoke(["expand", "--concepts", bad, "-m", random_model])
    assert r.exit_code == 1
    assert r.stderr == (
        f"Error: {bad}:1: expected 'concept<TAB>seed seed ...', got 'only a name'; separate the "
        "concept's name from its seeds with a tab\n"
    )


@pytest.mark.parametrize("command", ["expand", "axis", "compare"])
def test_help_has_examples(invoke, command):
    r = invoke([command, "--help"])
    assert r.exit_code == 0 and "Examples:" in r.stdout


def test_axis_draws_a_png(invoke, random_model, tmp_path):
    out = tmp_path / "axis.png"
    r = invoke(["axis", "w001", "--vs", "w002", "-n", "5", "-m", random_model, "-o", out, "--min-count", "1"])
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out2 = tmp_path / "plane.png"
    args = ["axis", "w001", "--vs", "w002", "-w", "w010", "-w", "w011", "--y", "w003", "--y-vs", "w004"]
    r = invoke([*args, "-m", random_model, "-o", out2, "--format", "tsv"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "word\tscore\ty_score\tcount\tcomposed" and out2.stat().st_size > 1000


def test_the_analysis_commands_never_import_gensim(random_model, tmp_path):
    import subprocess
    import sys

    m = str(random_model)
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from w2vkit.cli import cli\n"
        f"for args in (['expand', 'w001', '-m', {m!r}], ['axis', 'w001', '--vs', 'w002', '-m', {m!r}],\n"
        f"             ['compare', {m!r}, {m!r}, 'w001']):\n"
        "    r = CliRunner().invoke(cli, args)\n"
        "    assert r.exit_code == 0, r.output\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'gensim', 'jieba', 'sklearn', 'matplotlib'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_texts_on_an_axis_are_the_mean_unit_vector_of_their_known_words(invoke, small_model, tmp_path):
    from w2vkit.findings.axes import axis_vector, score_texts
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    engine = Engine(load_model(small_model))
    text = tmp_path / "t.txt"
    text.write_text("第一回 开篇\n行者 八戒\n第二回 再会\n悟空 三藏 悟空\n", encoding="utf-8")
    axis = axis_vector(engine, ["行者"], ["八戒"])
    by_line = score_texts(engine, axis, text, "line")
    assert [t.document for t in by_line] == ["line 1", "line 2", "line 3", "line 4"]
    mean = np.mean([engine.unit_vector(engine.model.index[w]) for w in ["悟空", "三藏", "悟空"]], axis=0)
    assert by_line[3].score == pytest.approx(float(mean @ axis / np.linalg.norm(mean)), abs=1e-5)
    by_chapter = score_texts(engine, axis, text, "chapter")
    assert [t.document for t in by_chapter] == ["第一回 开篇", "第二回 再会"]
    r = invoke(
        ["axis", "行者", "--vs", "八戒", "--texts", text, "--by", "chapter", "-m", small_model, "--format", "tsv"]
    )
    assert r.exit_code == 0 and r.stdout.splitlines()[0] == "chapter\tscore\tknown_tokens"
