"""w2vkit.vectorindex: an index answers as `search --in` does (exact kind), refuses another model,
names damage, says when its file changed, never replaces a folder of the user's, and leaves no
index behind an interrupted build; the Faiss kinds (marked `index`, the extra) against Faiss's own
flat index."""

import json
import shutil

import numpy as np
import pytest

from w2vkit.embed import Embedder
from w2vkit.errors import UsageError
from w2vkit.store import load_model
from w2vkit.vectorindex import VectorIndex, build_index, search_index


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
    import w2vkit.vectorindex as vectorindex

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
    from w2vkit.embed import remove_component

    raw, _ = embedder.raw_vectors(queries)
    q = remove_component(raw, index.component)
    q = (q / np.linalg.norm(q, axis=1, keepdims=True)).astype(np.float32)
    scores, rows = flat.search(q, 10)
    for hits, theirs, their_scores in zip(exact, rows, scores):
        assert np.allclose([h.score for h in hits], their_scores, atol=1e-5)
        assert {h.line - 1 for h in hits} == set(theirs.tolist()) or np.isclose(their_scores[-1], their_scores[-2])
