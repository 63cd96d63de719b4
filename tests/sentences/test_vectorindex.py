"""w2vkit.sentences.vectorindex: an index answers as `search --in` does (exact kind), refuses another model,
names damage, says when its file changed, never replaces a folder of the user's, and leaves no
index behind an interrupted build; the Faiss kinds (marked `index`, the extra) against Faiss's own
flat index."""

import json
import shutil

import numpy as np
import pytest

from w2vkit.errors import UsageError
from w2vkit.model.store import load_model
from w2vkit.sentences.embed import Embedder
from w2vkit.sentences.vectorindex import VectorIndex, build_index, query_vectors, search_index
from w2vkit.text.corpus.documents import iter_units


@pytest.fixture
def lines_file(novel_text, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(novel_text.splitlines()[:3000]) + "\n", encoding="utf-8")
    return path


def test_an_index_answers_as_search_in_does(invoke, small_model, lines_file, tmp_path):
    built = invoke(["index", lines_file, "-o", tmp_path / "ix", "-m", small_model])
    assert built.exit_code == 0, built.stderr
    for query in ("孙悟空大闹天宫", "师父被妖精拿去"):
        direct = invoke(["search", query, "--in", lines_file, "-m", small_model, "-n", "10", "--format", "json"])
        indexed = invoke(
            ["search", query, "--index", tmp_path / "ix", "-m", small_model, "-n", "10", "--format", "json"]
        )
        a, b = json.loads(direct.stdout)["results"], json.loads(indexed.stdout)["results"]
        assert [r["line"] for r in a] == [r["line"] for r in b]
        assert np.allclose([r["score"] for r in a], [r["score"] for r in b], atol=1e-5)
        assert [r["text"] for r in a] == [r["text"] for r in b]


def test_many_queries_at_once(invoke, small_model, lines_file, tmp_path):
    invoke(["index", lines_file, "-o", tmp_path / "ix", "-m", small_model])
    (tmp_path / "q.txt").write_text("孙悟空大闹天宫\n师父被妖精拿去\n", encoding="utf-8")
    r = invoke(
        [
            "search",
            "--queries",
            tmp_path / "q.txt",
            "--index",
            tmp_path / "ix",
            "-m",
            small_model,
            "-n",
            "3",
            "--format",
            "json",
        ]
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    assert [row["query"] for row in rows] == ["孙悟空大闹天宫"] * 3 + ["师父被妖精拿去"] * 3


def test_another_model_damage_and_a_changed_file_are_one_line(invoke, small_model, lines_file, tmp_path):
    invoke(["index", lines_file, "-o", tmp_path / "ix", "-m", small_model])
    other = tmp_path / "other"
    shutil.copytree(small_model, other)
    vectors = np.load(other / "vectors.npy")
    np.save(other / "vectors.npy", vectors * 2)
    meta = json.loads((other / "meta.json").read_text())
    import hashlib

    meta["vectors_sha256"] = hashlib.sha256((other / "vectors.npy").read_bytes()).hexdigest()
    (other / "meta.json").write_text(json.dumps(meta))
    r = invoke(["search", "孙悟空", "--index", tmp_path / "ix", "-m", other])
    assert r.exit_code == 2 and r.stderr.startswith(f"Error: {tmp_path / 'ix'}: built with the model ")
    with open(lines_file, "a", encoding="utf-8") as f:
        f.write("一行新的\n")
    r = invoke(["search", "孙悟空", "--index", tmp_path / "ix", "-m", small_model])
    assert r.exit_code == 0 and "has changed since it was indexed" in r.stderr
    with open(tmp_path / "ix" / "vectors.f32", "r+b") as f:
        f.truncate(100)
    r = invoke(["search", "孙悟空", "--index", tmp_path / "ix", "-m", small_model])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "build the index again" in r.stderr


def test_a_folder_of_the_users_is_never_replaced_and_an_interrupted_build_leaves_nothing(
    small_model, lines_file, tmp_path, monkeypatch
):
    import w2vkit.sentences.vectorindex as vectorindex

    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    embedder = Embedder(load_model(small_model))
    with pytest.raises(UsageError, match="a folder that is not a w2vkit index"):
        build_index(embedder, str(lines_file), tmp_path / "mine")
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"

    def interrupted(tmp, output):
        raise KeyboardInterrupt

    monkeypatch.setattr(vectorindex, "_publish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_index(embedder, str(lines_file), tmp_path / "ix")
    assert not (tmp_path / "ix").exists() and not list(tmp_path.glob(".ix.tmp-*"))


def test_the_fast_kinds_without_faiss_say_how_to_get_them(small_model, lines_file, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "faiss", None)  # as on a machine without the extra
    with pytest.raises(UsageError, match=r"pip install 'w2vkit\[index\]'"):
        build_index(Embedder(load_model(small_model)), str(lines_file), tmp_path / "ix", kind="hnsw")
    assert not (tmp_path / "ix").exists()


@pytest.mark.index
@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_faiss_kinds_find_what_the_exact_search_finds(small_model, lines_file, tmp_path, kind):
    import faiss

    embedder = Embedder(load_model(small_model))
    build_index(embedder, str(lines_file), tmp_path / "ix", kind=kind)
    index = VectorIndex(tmp_path / "ix", embedder.model)
    queries = ["孙悟空大闹天宫", "师父被妖精拿去", "八戒吃了一惊", "沙僧挑着担子"]
    approx = search_index(embedder, index, queries, 10)
    exact = search_index(embedder, index, queries, 10, exact=True)
    recall = np.mean([len({h.line for h in a} & {h.line for h in e}) / 10 for a, e in zip(approx, exact)])
    assert recall >= 0.8, recall
    # the exact kind against Faiss's own flat inner-product index on the same vectors
    flat = faiss.IndexFlatIP(index.vectors.shape[1])
    flat.add(np.ascontiguousarray(index.vectors, dtype=np.float32))
    from w2vkit.sentences.embed import remove_component

    raw, _ = embedder.raw_vectors(queries)
    q = remove_component(raw, index.component)
    q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    scores, rows = flat.search(q, 10)
    for hits, theirs, their_scores in zip(exact, rows, scores):
        assert np.allclose([h.score for h in hits], their_scores, atol=1e-5)
        assert {h.line - 1 for h in hits} == set(theirs.tolist()) or np.isclose(their_scores[-1], their_scores[-2])


@pytest.mark.parametrize("metric", ["ip", "l2"])
def test_each_metric_ranks_as_a_brute_force_over_the_stored_vectors(small_model, lines_file, tmp_path, metric):
    embedder = Embedder(load_model(small_model))
    build_index(embedder, str(lines_file), tmp_path / "ix", metric=metric)
    index = VectorIndex(tmp_path / "ix", embedder.model)
    queries = ["孙悟空大闹天宫", "师父被妖精拿去"]
    hits = search_index(embedder, index, queries, 10)
    q = query_vectors(embedder, index, queries)
    stored = np.asarray(index.vectors, dtype=np.float64)
    known = stored.any(axis=1)
    for found, vector in zip(hits, q.astype(np.float64)):
        if metric == "ip":
            measure = stored @ vector
            order = np.argsort(-np.where(known, measure, -np.inf), kind="stable")[:10]
        else:
            measure = np.sqrt(((stored - vector) ** 2).sum(axis=1))
            order = np.argsort(np.where(known, measure, np.inf), kind="stable")[:10]
        # the same ranks (ties aside: the novel repeats lines), each hit's own measure as its score
        assert np.allclose([h.score for h in found], measure[order], atol=1e-4)
        assert np.allclose([h.score for h in found], measure[[h.line - 1 for h in found]], atol=1e-4)
        assert len({h.line - 1 for h in found} & set(order.tolist())) >= 9
    # not the cosine index in disguise: under ip the stored vectors keep their lengths
    lengths = np.linalg.norm(stored[known], axis=1)
    assert lengths.std() > 0.01


def test_paragraphs_and_chapters_name_their_first_line(invoke, small_model, tmp_path):
    text = (
        "第一回　灵根育孕源流出\n猴王出世在花果山\n\n石猴拜师学艺\n"
        "第二回　悟彻菩提真妙理\n孙悟空学会七十二变\n\n师父赶走了悟空\n"
    )
    (tmp_path / "book.txt").write_text(text, encoding="utf-8")
    chapters = [tuple(u) for u in iter_units(text.splitlines(), "chapter")]
    assert chapters == [
        (1, "第一回　灵根育孕源流出 猴王出世在花果山 石猴拜师学艺"),
        (5, "第二回　悟彻菩提真妙理 孙悟空学会七十二变 师父赶走了悟空"),
    ]
    assert [u[0] for u in iter_units(text.splitlines(), "paragraph")] == [1, 4, 8]
    r = invoke(["index", tmp_path / "book.txt", "-o", tmp_path / "ix", "--unit", "paragraph", "-m", small_model])
    assert r.exit_code == 0 and "indexed 3 paragraphs" in r.stderr, r.stderr
    r = invoke(["search", "师父赶走了悟空", "--index", tmp_path / "ix", "-m", small_model, "--format", "json"])
    best = json.loads(r.stdout)["results"][0]
    assert best["line"] == 8 and best["text"] == "师父赶走了悟空"
    (tmp_path / "plain.txt").write_text("没有章回的一段话\n", encoding="utf-8")
    r = invoke(["index", tmp_path / "plain.txt", "-o", tmp_path / "ix2", "--unit", "chapter", "-m", small_model])
    assert r.exit_code == 2 and r.stderr == (
        f"Error: --unit chapter: {tmp_path / 'plain.txt'} has no chapter headings (第…回, 第…章, CHAPTER …); "
        "index by line or paragraph\n"
    )
    assert not (tmp_path / "ix2").exists()


def test_a_milvus_index_without_the_extra_says_how_to_get_it(invoke, small_model, lines_file, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pymilvus", None)  # as on a machine without the extra
    r = invoke(["index", lines_file, "--to", f"milvus:{tmp_path / 'ix.db'}", "-m", small_model])
    assert r.exit_code == 2 and r.stderr == "Error: a Milvus index needs pymilvus: pip install 'w2vkit[milvus]'\n"


@pytest.mark.index
def test_the_l2_faiss_kinds_agree_with_faiss_flat_l2(small_model, lines_file, tmp_path):
    import faiss

    embedder = Embedder(load_model(small_model))
    build_index(embedder, str(lines_file), tmp_path / "ix", kind="hnsw", metric="l2")
    index = VectorIndex(tmp_path / "ix", embedder.model)
    queries = ["孙悟空大闹天宫", "八戒吃了一惊"]
    approx = search_index(embedder, index, queries, 10)
    known = np.flatnonzero(np.asarray(index.vectors).any(axis=1))
    flat = faiss.IndexFlatL2(index.vectors.shape[1])
    flat.add(np.ascontiguousarray(index.vectors[known], dtype=np.float32))
    distances, rows = flat.search(query_vectors(embedder, index, queries), 10)
    for hits, theirs, their_distances in zip(approx, rows, distances):
        assert len({h.line - 1 for h in hits} & set(known[theirs].tolist())) >= 8
        exact = dict(zip(known[theirs].tolist(), np.sqrt(their_distances)))
        assert all(np.isclose(h.score, exact[h.line - 1], atol=1e-4) for h in hits if h.line - 1 in exact)


@pytest.mark.parametrize(
    "damage",
    [
        "negated row",
        "offsets rewritten",
        "planted component",
        "link out",
        "no checksums",
        pytest.param("faiss edited", marks=pytest.mark.index),
    ],
)
def test_every_file_an_index_reads_is_checked(invoke, small_model, lines_file, tmp_path, damage):
    """One negated row would silently remove the true top hit, a rewritten offsets.npy crashed, a
    file the build did not write (component.npy) changed every score: each is one line, exit 1."""
    kind = "hnsw" if damage == "faiss edited" else "flat"
    ix = tmp_path / "ix"
    built = invoke(["index", lines_file, "-o", ix, "-m", small_model, "--kind", kind])
    assert built.exit_code == 0, built.stderr
    meta = json.loads((ix / "meta.json").read_text())
    target = {"offsets rewritten": "offsets.npy", "planted component": "component.npy", "faiss edited": "hnsw.faiss"}
    if damage == "negated row":
        vectors = np.memmap(ix / "vectors.f32", dtype=np.float32, mode="r+", shape=(meta["lines"], meta["dim"]))
        vectors[0] = -vectors[0]
        vectors.flush()
        del vectors
    elif damage == "offsets rewritten":
        offsets = np.load(ix / "offsets.npy")
        np.save(ix / "offsets.npy", offsets[::-1].copy())
    elif damage == "planted component":
        np.save(ix / "component.npy", np.ones(meta["dim"], dtype=np.float32))
    elif damage == "link out":
        shutil.copy(ix / "texts.txt", tmp_path / "elsewhere.txt")
        (ix / "texts.txt").unlink()
        (ix / "texts.txt").symlink_to(tmp_path / "elsewhere.txt")
    elif damage == "no checksums":
        del meta["checksums"]
        (ix / "meta.json").write_text(json.dumps(meta))
    else:
        with open(ix / "hnsw.faiss", "r+b") as f:
            f.seek(200)
            byte = f.read(1)
            f.seek(200)
            f.write(bytes([byte[0] ^ 1]))
    r = invoke(["search", "孙悟空", "--index", ix, "-m", small_model])
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and r.stdout == "", r.stderr
    assert "build the index again" in r.stderr and "unexpected" not in r.stderr
    if damage in target:
        assert r.stderr.startswith(f"Error: {ix / target[damage]}: the index file does not match its checksum")
    elif damage == "link out":
        assert "a link on the way to the index file; w2vkit reads only files inside the folder" in r.stderr
