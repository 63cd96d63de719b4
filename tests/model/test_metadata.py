"""w2vkit.model.metadata: vectors a user brings with the Embedding Projector's metadata (its two
TSVs, or word2vec text beside a metadata TSV), kept in the model and colouring maps by a column."""

from __future__ import annotations

import numpy as np
import pytest
from test_store import make

from w2vkit.errors import InputError, UsageError
from w2vkit.model.interop import export_model, import_word2vec
from w2vkit.model.metadata import model_metadata
from w2vkit.model.store import load_model


def _projector(tmp_path, kinds=("a", "b", "c")):
    """A model exported as the Projector's two TSVs, the metadata given two columns."""
    path, words, vectors = make(tmp_path)
    out = tmp_path / "proj"
    export_model(load_model(path), "projector", out)
    rows = [f"{w}\t{kinds[i % len(kinds)]}\t{i}" for i, w in enumerate(words)]
    (out / "metadata.tsv").write_text("\n".join(["word\tkind\tplace", *rows]) + "\n", encoding="utf-8")
    return out, words, vectors


def test_the_projectors_two_tsvs_import_as_a_model_with_its_columns(tmp_path):
    out, words, vectors = _projector(tmp_path)
    path, meta = import_word2vec(out / "vectors.tsv", tmp_path / "mine", metadata=out / "metadata.tsv")
    model = load_model(path)
    assert model.words == words and meta["source"]["format"] == "projector-tsv"
    np.testing.assert_allclose(model.vectors, vectors, rtol=1e-5)
    columns = model_metadata(model)
    assert sorted(columns) == ["kind", "place"]
    assert [columns["kind"][w] for w in words] == [("a", "b", "c")[i % 3] for i in range(len(words))]


def test_word2vec_text_with_metadata_keys_its_rows_by_the_word(tmp_path):
    path, words, _ = make(tmp_path)
    export_model(load_model(path), "word2vec-txt", tmp_path / "v.txt")
    rows = [f"{w}\t{len(w)}" for w in reversed(words)]  # (another order: matched by the word)
    (tmp_path / "meta.tsv").write_text("word\tlength\n" + "\n".join(rows) + "\n", encoding="utf-8")
    model = load_model(import_word2vec(tmp_path / "v.txt", tmp_path / "m", metadata=tmp_path / "meta.tsv")[0])
    assert model_metadata(model)["length"] == {w: str(len(w)) for w in words}


def test_metadata_that_does_not_fit_is_one_line_naming_the_file(tmp_path):
    out, words, _ = _projector(tmp_path)
    meta = out / "metadata.tsv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    meta.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # (a row short)
    with pytest.raises(InputError, match=f"{len(words) - 1} vectors|rows of metadata"):
        import_word2vec(out / "vectors.tsv", tmp_path / "a", metadata=meta)
    meta.write_text("\n".join([*lines[:3], "x\ty", *lines[3:]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"metadata.tsv:4: expected 3 tab-separated cells"):
        import_word2vec(out / "vectors.tsv", tmp_path / "b", metadata=meta)
    with pytest.raises(UsageError, match="holds no words; give its metadata.tsv"):
        import_word2vec(out / "vectors.tsv", tmp_path / "c")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_a_map_is_coloured_and_charted_by_the_metadatas_columns(tmp_path, invoke):
    import json
    import re

    out, words, _ = _projector(tmp_path)
    r = invoke(["import", out / "vectors.tsv", "--metadata", out / "metadata.tsv", "-o", tmp_path / "mine"])
    assert r.exit_code == 0, r.stderr
    page = tmp_path / "map.html"
    r = invoke(["plot", "-m", tmp_path / "mine", "--by", "kind", "--chart", "place", "--method", "pca", "-o", page])
    assert r.exit_code == 0, r.stderr
    text = page.read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script id="map-data" type="application/json">(.*?)</script>', text, re.S).group(1))
    kind = {w: ("a", "b", "c")[i % 3] for i, w in enumerate(words)}
    assert [data["groups"][g] for g in data["group"]] == [kind[w] for w in data["words"]]
    # (a number column of more values than colours: five bands of equal counts)
    assert len(data["chart"]["groups"]) == 6 and data["chart"]["groups"][0].startswith("place 0–")
    r = invoke(["plot", "-m", tmp_path / "mine", "--by", "colour", "--method", "pca", "-o", tmp_path / "m2.html"])
    assert (r.exit_code, r.stderr.strip()) == (
        2,
        f"Error: {tmp_path / 'mine'}: its metadata has no column 'colour'; it has kind, place",
    )
