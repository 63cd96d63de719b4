"""Files a meta.json names are believed only inside their root and with their checksum
(w2vkit.base.trust): the kwic security hole, the cache's derived files, a model's and an index's
files, and members listed by a hostile meta.json."""

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from w2vkit.base import trust
from w2vkit.base.files import sha256_of


def test_confined_refuses_paths_outside_the_root_and_links_out(tmp_path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    inside = root / "a" / "f.txt"
    inside.write_text("x")
    outside = tmp_path / "secret.txt"
    outside.write_text("password")
    (root / "a" / "link").symlink_to(outside)
    assert trust.confined(inside, root) is None
    assert trust.confined(outside, root) == f"it is outside {root}"
    assert trust.confined(root / "a" / "link", root) == f"it is outside {root}"  # (links resolved)
    assert trust.confined(root / "a" / ".." / ".." / "secret.txt", root) == f"it is outside {root}"
    assert trust.confined(root / "a", root) == "it is not a regular file"
    assert trust.confined(root / "nothing", root) == "it does not exist"


def test_digest_of_is_the_sha256_and_sees_every_change_even_with_the_stamp_kept(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    path.write_bytes(b"a" * 1000)
    monkeypatch.setattr(trust, "RACY_NS", 0)  # (keep stamps at once, as for a file written long ago)
    assert trust.digest_of(path) == sha256_of(path)
    assert list((trust.cache_root() / trust.STAMPS_DIR).glob("*.json"))  # remembered
    # the same size, the modification time set back: the status-change time still moves
    st = os.stat(path)
    time.sleep(0.01)
    with open(path, "r+b") as f:
        f.write(b"b")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert trust.digest_of(path) == sha256_of(path)
    assert trust.matches(path, sha256_of(path), 1000) is None
    assert trust.matches(path, "0" * 64) == "its content changed since it was written"
    assert trust.matches(path, sha256_of(path), 999) == "1,000 bytes where 999 were written"
    assert trust.matches(path, None) == "no checksum was recorded for it"


def test_a_stamp_is_not_kept_for_a_file_changed_within_the_clocks_tick(tmp_path):
    path = tmp_path / "fresh.bin"
    path.write_bytes(b"a" * 10)
    first = trust.digest_of(path)
    path.write_bytes(b"b" * 10)  # (same size, likely the same coarse time stamps)
    assert trust.digest_of(path) == sha256_of(path) != first


def _copy_model(small_model, tmp_path, name="m"):
    moved = tmp_path / name
    shutil.copytree(small_model, moved)
    return moved, json.loads((moved / "meta.json").read_text(encoding="utf-8"))


def _save_meta(folder, meta):
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("target", ["/etc/passwd", "credentials"])
def test_kwic_never_prints_a_file_that_a_model_only_names(invoke, small_model, tmp_path, target):
    """A meta.json naming /etc/passwd, or a credentials file holding the word asked for, as its
    cached corpus: one line, exit 2, nothing of the file."""
    moved, meta = _copy_model(small_model, tmp_path)
    if target == "credentials":
        secret = tmp_path / "credentials"
        secret.write_text("行者 token=hunter2\n" * 5, encoding="utf-8")
        target = str(secret)
    meta["corpus"]["cache"] = target
    _save_meta(moved, meta)
    r = invoke(["kwic", "root" if target == "/etc/passwd" else "行者", "-m", moved])
    root = trust.cache_root() / "corpora"
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {moved / 'meta.json'}: corpus.cache names a file w2vkit will not read (it is outside {root}); "
        "give the text with --in FILE\n",
    )
    assert r.stdout == "" and "hunter2" not in r.stderr


def test_kwic_refuses_an_edited_cache_and_a_link_out_of_it(invoke, small_model, tmp_path):
    moved, meta = _copy_model(small_model, tmp_path)
    corpus = meta["corpus"]["cache"]
    edited_dir = trust.cache_root() / "corpora" / "edited"
    edited_dir.mkdir(parents=True, exist_ok=True)
    edited = edited_dir / "corpus.txt"
    text = open(corpus, encoding="utf-8").read()
    edited.write_text(text.replace("行者", "行者 从未 有过", 1), encoding="utf-8")
    meta["corpus"]["cache"] = str(edited)
    _save_meta(moved, meta)
    r = invoke(["kwic", "行者", "-m", moved])
    assert r.exit_code == 2 and r.stdout == "", r.stderr
    assert "w2vkit will not read (" in r.stderr and "give the text with --in FILE" in r.stderr
    # a link inside the cache pointing out of it
    outside = tmp_path / "copy.txt"
    outside.write_text(text, encoding="utf-8")
    link = edited_dir / "link.txt"
    link.symlink_to(outside)
    meta["corpus"]["cache"] = str(link)
    _save_meta(moved, meta)
    r = invoke(["kwic", "行者", "-m", moved])
    assert r.exit_code == 2 and "(it is outside" in r.stderr and r.stdout == ""


def test_kwic_refuses_file_starts_that_do_not_rise_from_1(invoke, small_model, tmp_path):
    moved, meta = _copy_model(small_model, tmp_path)
    meta["corpus"]["file_starts"] = [99999999]
    _save_meta(moved, meta)
    r = invoke(["kwic", "行者", "-m", moved])
    assert (r.exit_code, r.stderr) == (
        2,
        f"Error: {moved / 'meta.json'}: field 'corpus.file_starts' should rise from 1 within the corpus's lines; "
        "give the text with --in FILE, or retrain\n",
    )


def test_an_edited_counts_file_is_noticed_and_the_text_segmented_again(novel_slice, caplog, tmp_path, monkeypatch):
    """A word planted in counts.tsv never reaches the vocabulary; a damaged file is rebuilt, not a crash."""
    from w2vkit.text.corpus.corpuscache import prepare_corpus
    from w2vkit.text.segmenting.segment import SegmentOptions

    # (a cache of its own: the damaged corpus is removed and built again, which in the cache both
    # test workers share took it from under the other's cluster test, twice in CI)
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))

    prepared = prepare_corpus([str(novel_slice)], SegmentOptions())
    path = prepared.counts_path
    for damage in ("planted\t99999\n", "garbage without a tab\n"):
        with open(path, "a", encoding="utf-8") as f:
            f.write(damage)
        again = prepare_corpus([str(novel_slice)], SegmentOptions())
        assert not again.cached and "counts.tsv: its content changed since it was written" in caplog.text
        counts, _ = again.word_counts()
        assert "planted" not in counts and "garbage without a tab" not in counts
        caplog.clear()


def test_a_models_vocabulary_is_checked_on_every_load_whatever_its_size(small_model, tmp_path, monkeypatch):
    from w2vkit.errors import CorruptModelError
    from w2vkit.model import store

    moved, _ = _copy_model(small_model, tmp_path)
    monkeypatch.setattr(store, "VERIFY_ON_LOAD_BYTES", 0)  # (as for a model above the size once skipped)
    vectors = np.load(moved / "vectors.npy")
    vectors[0] = -vectors[0]
    np.save(moved / "vectors.npy", vectors)
    with pytest.raises(CorruptModelError, match="vectors.npy: the vectors file does not match its checksum"):
        store.load_model(moved)


def test_a_hostile_members_list_is_refused_at_once_with_little_memory(small_model, tmp_path):
    """2,100 entries naming three folders: refused before any member is opened (< 1 s, < 500 MB)."""
    moved, meta = _copy_model(small_model, tmp_path)
    entries = [{"path": f"members/0{k % 3 + 1}", "vectors_sha256": meta["vectors_sha256"]} for k in range(2100)]
    meta["members"] = {"kind": "bootstrap", "documents": 10, "unit": "chapter", "members": entries}
    _save_meta(moved, meta)
    code = (
        "import sys, time\n"
        "from w2vkit.cli import cli\n"
        "t = time.perf_counter()\n"
        "try:\n"
        f"    cli.main(['similar', '行者', '-m', {str(moved)!r}], prog_name='w2vkit')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        # (VmHWM: this process's own peak; ru_maxrss would carry pytest's across the exec)
        "peak = next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]\n"
        "print(code, time.perf_counter() - t, peak, file=sys.__stdout__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ)
    code, seconds, kb = out.stdout.split()[-3:]
    assert code == "1", out.stderr
    assert out.stderr == (
        f"Error: {moved / 'meta.json'}: field 'members.members' lists 2,100 members, more than training makes "
        "(100); retrain the model\n"
    )
    assert float(seconds) < 1 and int(kb) < 500 * 1024
    entries = entries[:3] + entries[:1]
    meta["members"]["members"] = entries
    _save_meta(moved, meta)
    from w2vkit.errors import CorruptModelError
    from w2vkit.model.members import load_members
    from w2vkit.model.store import load_model

    with pytest.raises(CorruptModelError, match=r"members.members\[3\].path' names 'members/01' a second time"):
        load_members(load_model(moved))


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda m: m["members"].pop("documents"), "field 'members.documents' is missing"),
        (
            lambda m: m["members"]["members"][0].pop("vectors_sha256"),
            "field 'members.members[0].vectors_sha256' is missing",
        ),
        (lambda m: m["members"].update(kind="jackknife"), "field 'members.kind' should be bootstrap or seeds"),
        (lambda m: m["members"]["members"][0].update(path="members/../../x"), "field 'members.members[0].path' is not"),
    ],
)
def test_a_damaged_members_record_is_named_by_info_and_queries(invoke, tmp_path, change, field):
    from conftest import model_with_members as make

    model_with_members = make(tmp_path)
    meta = json.loads((model_with_members / "meta.json").read_text())
    change(meta)
    _save_meta(model_with_members, meta)
    for args in (["info", "-m", model_with_members], ["similar", "w01", "-m", model_with_members]):
        r = invoke(args)
        assert r.exit_code == 1 and r.stderr.startswith(f"Error: {model_with_members / 'meta.json'}: {field}"), r.stderr
        assert "unexpected" not in r.stderr
