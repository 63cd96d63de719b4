"""w2vkit.sentences.milvusindex (marked `milvus`: needs the extra, pymilvus and Milvus Lite): an index in a
Milvus Lite file answers as the local exact index does, a rebuild switches the alias only when
complete (an interrupted one leaves the old collection answering and nothing behind), names that
are not w2vkit's are refused, and an unreachable server is one line."""

import json

import numpy as np
import pytest

from w2vkit.errors import ServiceError, UsageError
from w2vkit.model.store import load_model
from w2vkit.sentences.embed import Embedder
from w2vkit.sentences.vectorindex import build_index, open_index, search_index

pytestmark = pytest.mark.milvus

QUERIES = ["孙悟空大闹天宫", "师父被妖精拿去", "八戒吃了一惊"]


@pytest.fixture
def lines_file(novel_text, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(novel_text.splitlines()[:2000]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("metric", "unit"), [("cosine", "line"), ("l2", "paragraph")])
def test_a_milvus_lite_round_trip_answers_as_the_local_exact_index(
    invoke, small_model, lines_file, tmp_path, metric, unit
):
    target = f"milvus:{tmp_path / 'index.db'}"
    options = ["--metric", metric, "--unit", unit, "-m", small_model]
    assert invoke(["index", lines_file, "-o", tmp_path / "local", "--kind", "flat", *options]).exit_code == 0
    built = invoke(["index", lines_file, "--to", target, "--kind", "flat", *options])
    assert built.exit_code == 0, built.stderr
    for query in QUERIES:
        args = [query, "-m", small_model, "-n", "10", "--format", "json"]
        local = json.loads(invoke(["search", *args, "--index", tmp_path / "local"]).stdout)["results"]
        milvus = json.loads(invoke(["search", *args, "--index", target, "--exact"]).stdout)["results"]
        measure = "distance" if metric == "l2" else "score"
        assert np.allclose([r[measure] for r in milvus], [r[measure] for r in local], atol=1e-4)
        assert [r["line"] for r in milvus] == [r["line"] for r in local]
        assert [r["text"] for r in milvus] == [r["text"] for r in local]


def test_a_rebuild_switches_the_alias_and_an_interrupted_one_changes_nothing(
    small_model, lines_file, tmp_path, monkeypatch
):
    from pymilvus import MilvusClient

    embedder = Embedder(load_model(small_model))
    target = f"milvus:{tmp_path / 'index.db'}"
    build_index(embedder, str(lines_file), target, kind="hnsw")
    first = open_index(target, embedder.model)
    before = search_index(embedder, first, QUERIES, 5)
    first.close()

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(MilvusClient, "create_index", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_index(embedder, str(lines_file), target, kind="flat")
    monkeypatch.undo()
    index = open_index(target, embedder.model)
    assert index.meta["kind"] == "hnsw"  # the old index still answers, as before
    assert [[h.line for h in hits] for hits in search_index(embedder, index, QUERIES, 5)] == [
        [h.line for h in hits] for hits in before
    ]
    collections = index._milvus.client.list_collections()
    index.close()
    assert len(collections) == 1, collections  # the interrupted build's collection was dropped

    build_index(embedder, str(lines_file), target, kind="flat")
    index = open_index(target, embedder.model)
    assert index.meta["kind"] == "flat"
    collections = index._milvus.client.list_collections()
    index.close()
    assert len(collections) == 1 and collections[0] != before  # the old one dropped after the switch


def test_names_that_are_not_w2vkits_are_refused_before_any_work(small_model, lines_file, tmp_path):
    from pymilvus import DataType, MilvusClient

    path = tmp_path / "theirs.db"
    client = MilvusClient(str(path))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    client.create_collection("products", schema=schema)
    client.create_alias("products", "shop")
    client.close()
    embedder = Embedder(load_model(small_model))
    for name, message in (("products", "is a collection w2vkit did not make"), ("shop", "which w2vkit did not make")):
        with pytest.raises(UsageError, match=message):
            build_index(embedder, str(lines_file), f"milvus:{path}", collection=name)
    client = MilvusClient(str(path))
    assert client.list_collections() == ["products"] and client.describe_alias("shop")["collection_name"] == "products"
    client.close()
    with pytest.raises(UsageError, match="no w2vkit index named w2vkit_index"):
        open_index(f"milvus:{path}", embedder.model)


def test_an_unreachable_server_and_another_model_are_one_line(invoke, small_model, lines_file, tmp_path):
    r = invoke(["search", "孙悟空", "--index", "milvus://127.0.0.1:9", "-m", small_model])
    assert r.exit_code == 1 and r.stderr.startswith("Error: milvus://127.0.0.1:9: cannot reach Milvus (")
    assert r.stderr.endswith("; check the address and that it runs\n") and r.stderr.count("\n") == 1
    target = f"milvus:{tmp_path / 'index.db'}"
    invoke(["index", lines_file, "--to", target, "-m", small_model])
    import dataclasses

    model = load_model(small_model)
    stranger = dataclasses.replace(model, meta=dict(model.meta, vectors_sha256="0" * 64), path=tmp_path / "other")
    with pytest.raises(UsageError, match="built with the model "):
        open_index(target, stranger)
    with pytest.raises(ServiceError):
        open_index("milvus://127.0.0.1:9", model)


def test_a_milvus_lite_file_open_in_another_process_is_one_line(small_model, tmp_path):
    import subprocess
    import sys

    embedder = Embedder(load_model(small_model))
    code = "import sys, time; from pymilvus import MilvusClient; MilvusClient(sys.argv[1]); print('ready', flush=True); time.sleep(60)"
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path / "other.db")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        other = f"milvus:{tmp_path / 'other.db'}"
        with pytest.raises(ServiceError, match=r"other.db: open in another process \(Milvus Lite serves one"):
            open_index(other, embedder.model)
    finally:
        holder.kill()
        holder.wait()


def test_searching_a_milvus_lite_file_that_is_not_there_creates_nothing(invoke, small_model, tmp_path):
    r = invoke(["search", "孙悟空", "--index", f"milvus:{tmp_path / 'none.db'}", "-m", small_model])
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {tmp_path / 'none.db'}: no such Milvus Lite database; build one with w2vkit index FILE --output "
        f"milvus:{tmp_path / 'none.db'}\n",
    )
    assert not (tmp_path / "none.db").exists()
