"""Every file of a model folder through the one door (w2vkit.base.trust.inside, used by kept_file
and kept_array): each file in turn replaced by a link to an identical copy outside the folder is
refused with the same line, before a byte of it is read (round 7's T13, T14, T31, T45-T54), and a
sparse 20 GB file in place of a main file is refused from its size, not hashed (T42, T50-T53, T55)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from w2vkit.errors import W2vkitError

LINK_REFUSAL = r"{path}: a link on the way to the {what}; w2vkit reads only files inside the folder; "


@pytest.fixture(scope="module")
def full_model(novel_slice, tmp_path_factory):
    """A model holding every kind of file: members, views, n-grams, dropped words, training state."""
    from w2vkit.model.members import Resampling
    from w2vkit.training.trainer import train
    from w2vkit.training.trainoptions import TrainOptions

    out = tmp_path_factory.mktemp("door") / "m"
    options = TrainOptions(dim=16, epochs=1, min_count=3, seed=2, count_dim=8, subwords=True)
    train([str(novel_slice)], out, options, resampling=Resampling("bootstrap", 2), keep_gensim=True)
    return out


def read_every_file(folder: Path) -> None:
    """What queries, findings and --resume read of a model folder."""
    from w2vkit.model.gensimstate import verify_gensim_state
    from w2vkit.model.members import load_members
    from w2vkit.model.store import load_model
    from w2vkit.model.views import with_view

    model = load_model(folder)
    model.dropped_counts()
    model.ngram_table()
    members = load_members(model)
    for kind in model.meta.get("views") or {}:
        for each in [model, *members]:  # (a member answers with the view its model answers with)
            with_view(each, kind)
    verify_gensim_state(folder, model.meta)


WHAT = {
    "vectors.npy": "vectors file",
    "vocab.tsv": "vocabulary file",
    "meta.json": "model record",
    "dropped.tsv": "dropped words file",
    "ngrams.npy": "n-gram vectors file",
    "ngrams.tsv": "n-gram list file",
}


def what_of(relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    if relative.startswith("gensim/"):
        return "training state file"
    if name.startswith("view-"):
        return f"{name[5:-4]} view file"
    return WHAT[name]


def the_models_files(folder: Path) -> list[str]:
    caches = re.compile(r"^(norms|hubness)(-\w+)?\.(npy|sha256)$")  # (caches: recomputed when refused, never believed)
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not caches.match(p.name) and p.relative_to(folder).parts[0] not in ("dicts",)
    )


def test_the_model_holds_every_kind_of_file(full_model):
    files = the_models_files(full_model)
    for needed in ["vectors.npy", "vocab.tsv", "meta.json", "dropped.tsv", "ngrams.npy", "ngrams.tsv",
                   "members/01/vectors.npy", "members/01/vocab.tsv", "members/01/meta.json", "gensim/model"]:  # fmt: skip
        assert needed in files, files
    assert any(f.startswith("view-") for f in files), files
    read_every_file(full_model)  # (as saved: every file believed)


def test_a_link_in_place_of_any_file_of_the_model_is_refused_with_the_same_line(full_model, tmp_path):
    for n, relative in enumerate(the_models_files(full_model)):
        copy = tmp_path / f"m{n}"
        shutil.copytree(full_model, copy)
        outside = tmp_path / f"outside-{n}"
        shutil.copy(copy / relative, outside)  # (an identical file: only where it lies is wrong)
        (copy / relative).unlink()
        (copy / relative).symlink_to(outside)
        with pytest.raises(W2vkitError) as refused:
            read_every_file(copy)
        expected = LINK_REFUSAL.format(path=re.escape(str(copy / relative)), what=re.escape(what_of(relative)))
        assert re.match(expected, str(refused.value)), (relative, str(refused.value))


def test_an_index_file_linked_out_is_refused_with_the_same_line(small_model, tmp_path, invoke, novel_slice):
    from w2vkit.base.records import read_json
    from w2vkit.sentences.indexfiles import open_files

    index = tmp_path / "ix"
    r = invoke(["index", str(novel_slice), "-m", str(small_model), "-o", str(index)])
    assert r.exit_code == 0, r.stderr
    names = sorted(p.name for p in index.iterdir() if p.name != "meta.json")
    assert {"vectors.f32", "texts.txt", "offsets.npy"} <= set(names)
    for name in names:
        copy = tmp_path / f"ix-{name}"
        shutil.copytree(index, copy)
        shutil.copy(copy / name, tmp_path / f"outside-{name}")
        (copy / name).unlink()
        (copy / name).symlink_to(tmp_path / f"outside-{name}")
        with pytest.raises(W2vkitError) as refused:
            open_files(copy, read_json(copy / "meta.json"))
        expected = LINK_REFUSAL.format(path=re.escape(str(copy / name)), what="index file")
        assert re.match(expected, str(refused.value)), (name, str(refused.value))


@pytest.mark.parametrize("relative", ["vectors.npy", "vocab.tsv", "ngrams.npy", "ngrams.tsv", "dropped.tsv",
                                      "members/01/vectors.npy"])  # fmt: skip
def test_a_sparse_20_gb_file_is_refused_from_its_size_before_it_is_hashed(full_model, tmp_path, relative):
    copy = tmp_path / "m"
    shutil.copytree(full_model, copy)
    os.truncate(copy / relative, 20 << 30)  # (sparse: costs nothing on disk, 20 GB to a reader)
    with pytest.raises(W2vkitError) as refused:
        read_every_file(copy)
    assert str(refused.value).startswith(f"{copy / relative}: ")
    assert "21,474,836,480" in str(refused.value)  # (the size named: refused from it, not from a hash)


def test_a_sparse_20_gb_file_in_an_index_is_refused_from_its_size_before_it_is_hashed(
    small_model, tmp_path, invoke, novel_slice, monkeypatch
):
    """Round 8's T8I1: an index's files were hashed whole before any size check (60 s for a 20 GB
    sparse component.npy). Each now has a bound from the record (its recorded size, or what its
    lines and dimensions imply), checked before a byte is read; nothing is hashed here."""
    import json

    from w2vkit.base import trust
    from w2vkit.sentences.vectorindex import VectorIndex

    index = tmp_path / "ix"
    r = invoke(["index", str(novel_slice), "-m", str(small_model), "-o", str(index)])
    assert r.exit_code == 0, r.stderr
    meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["sizes"]) == set(meta["checksums"])  # (the build records every file's size)
    assert {"vectors.f32", "texts.txt", "offsets.npy", "component.npy"} <= set(meta["sizes"])
    for relative in sorted(meta["sizes"]):
        for recorded in (True, False):  # (and an index built before sizes were recorded)
            copy = tmp_path / f"ix-{relative}-{recorded}"
            shutil.copytree(index, copy)
            if not recorded:
                del meta["sizes"]
                (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
                meta = json.loads((index / "meta.json").read_text(encoding="utf-8"))
            os.truncate(copy / relative, 20 << 30)
            hashed, real = [], trust.digest_of_open
            huge = copy / relative

            def digest(f, path, huge=huge, hashed=hashed, real=real):
                hashed.append(path)
                return "0" * 64 if path == huge else real(f, path)  # (the huge one is never really hashed)

            monkeypatch.setattr(trust, "digest_of_open", digest)
            with pytest.raises(W2vkitError) as refused:
                VectorIndex(copy)
            monkeypatch.undo()
            assert str(refused.value).startswith(f"{copy / relative}: 21,474,836,480 bytes"), str(refused.value)
            assert copy / relative not in hashed
