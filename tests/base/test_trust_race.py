"""The one door opens each file once, by descriptor (round 8's N27, N28): a file of a model or an
index folder swapped for a link to an outside file and back, again and again, while queries read
the folder, is never read: every load either answers with the folder's own content or refuses the
link. The outside files are valid look-alikes (an .npy of the same shape, a vocabulary of the same
length), so a load that read one would answer with their content, which the test would see."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from w2vkit.errors import W2vkitError

READS = 100


class Swapper:
    """Swaps `path` between its real file and a link to `outside` (atomic renames), as round 8's
    race.py does, until stopped."""

    def __init__(self, path: Path, outside: Path):
        self.path, self.outside = path, outside
        self.real = path.with_name(f".real-{path.name}")
        self.link = path.with_name(f".link-{path.name}")
        os.link(path, self.real)
        self.stop = threading.Event()
        self.swaps = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            os.symlink(self.outside, self.link)
            os.replace(self.link, self.path)  # the link in place
            os.link(self.real, self.link)
            os.replace(self.link, self.path)  # the real file back
            self.swaps += 1

    def __enter__(self) -> Swapper:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()
        os.replace(self.real, self.path)


def outcomes(read, reads: int = READS) -> dict[str, int]:
    """How `reads` calls of read() ended: 'own' (the folder's content), 'refused' (a W2vkitError
    naming the link, or a file or folder missing at that moment), or 'outside:...' (anything
    else, a checksum that does not match among them: a read of the outside file)."""
    seen: dict[str, int] = {}
    for _ in range(reads):
        try:
            kind = "own" if read() else "outside: its content"
        except W2vkitError as e:
            text = str(e)
            refusals = ("a link on the way", "missing", "no such model directory", "not a w2vkit model")
            kind = "refused" if any(r in text for r in refusals) else f"outside: {text[:120]}"
        seen[kind] = seen.get(kind, 0) + 1
    return seen


@pytest.fixture
def model_copy(small_model, tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(small_model, copy)
    return copy


@pytest.mark.parametrize("name", ["vectors.npy", "vocab.tsv", "meta.json"])
def test_a_model_file_swapped_for_a_link_while_loads_run_is_never_read(model_copy, tmp_path, name):
    from w2vkit.model.store import load_model

    own = load_model(model_copy)
    own_vectors, own_words = np.array(own.vectors), list(own.words)
    outside = tmp_path / f"outside-{name}"
    if name == "vectors.npy":  # (the same shape, other numbers)
        np.save(outside, np.full_like(own_vectors, 7.0))
    elif name == "vocab.tsv":  # (the same length, other words)
        outside.write_text("".join(f"outside{i}\t{5}\n" for i in range(len(own_words))), encoding="utf-8")
    else:
        import json

        meta = json.loads((model_copy / name).read_text(encoding="utf-8"))
        outside.write_text(json.dumps({**meta, "outside": True}), encoding="utf-8")

    def read() -> bool:
        model = load_model(model_copy, verify=True)  # (hashed afresh each time: the widest window)
        return np.array_equal(model.vectors, own_vectors) and model.words == own_words and "outside" not in model.meta

    with Swapper(model_copy / name, outside) as swapper:
        seen = outcomes(read)
    assert swapper.swaps > 0
    assert set(seen) <= {"own", "refused"}, seen
    assert seen.get("own", 0) + seen.get("refused", 0) == READS


@pytest.mark.parametrize("name", ["vectors.f32", "texts.txt", "offsets.npy"])
def test_an_index_file_swapped_for_a_link_while_searches_run_is_never_read(
    small_model, novel_slice, invoke, tmp_path, name
):
    from w2vkit.model.store import load_model
    from w2vkit.sentences.vectorindex import VectorIndex

    index = tmp_path / "ix"
    r = invoke(["index", novel_slice, "-m", small_model, "-o", index])
    assert r.exit_code == 0, r.stderr
    model = load_model(small_model)
    first = VectorIndex(index, model)
    own = (np.array(first.vectors), np.array(first.offsets), [first.text(i) for i in range(3)])
    for kept in first.files.values():
        kept.close()
    outside = tmp_path / f"outside-{name}"
    data = (index / name).read_bytes()
    if name == "texts.txt":
        outside.write_bytes(bytes(b if b in b"\n" else ord("x") for b in data))
    elif name == "offsets.npy":
        np.save(outside, np.zeros_like(own[1]))
    else:
        outside.write_bytes(b"\x01" * len(data))

    def read() -> bool:
        opened = VectorIndex(index, model)
        try:
            return (
                np.array_equal(np.array(opened.vectors), own[0])
                and np.array_equal(opened.offsets, own[1])
                and [opened.text(i) for i in range(3)] == own[2]
            )
        finally:
            for kept in opened.files.values():
                kept.close()

    with Swapper(index / name, outside) as swapper:
        seen = outcomes(read)
    assert swapper.swaps > 0
    assert set(seen) <= {"own", "refused"}, seen


def test_a_members_folder_swapped_for_a_link_while_loads_run_is_never_read(halves, tmp_path):
    """A member's files are opened from its model's folder (Model.door): a member's folder swapped
    for a link to a look-alike outside (another model's member) while the members are loaded is
    refused, never read."""
    from w2vkit.model.members import load_members
    from w2vkit.model.store import load_model

    model, _ = halves
    copy = tmp_path / "m"
    shutil.copytree(model, copy)
    own = [np.array(m.vectors) for m in load_members(load_model(copy))]
    outside = tmp_path / "outside-member"
    shutil.copytree(copy / "members" / "01", outside)
    np.save(outside / "vectors.npy", np.full_like(own[0], 7.0))  # (the same shape, other numbers)
    loaded = load_model(copy)

    def read() -> bool:
        return all(np.array_equal(m.vectors, v) for m, v in zip(load_members(loaded), own))

    member, real = copy / "members" / "01", copy / "members" / ".real-01"
    stop, swaps = threading.Event(), [0]

    def swap() -> None:  # (the folder moved aside, a link to the look-alike in its place, then back)
        import time

        while not stop.is_set():
            os.rename(member, real)
            os.symlink(outside, member)
            time.sleep(0.0005)  # (each state held a moment: a load sees the folder, then the link)
            os.unlink(member)
            os.rename(real, member)
            time.sleep(0.0005)
            swaps[0] += 1

    thread = threading.Thread(target=swap, daemon=True)
    thread.start()
    try:
        seen = outcomes(read, 150)
    finally:
        stop.set()
        thread.join()
    assert swaps[0] > 0
    assert set(seen) <= {"own", "refused"}, seen
