"""Bad inputs and faults, through the CLI: each gets one line naming the file or word and the fix,
with the right exit code; nothing is unpickled that w2vkit did not write."""

import json
import shutil

import numpy as np
import pytest

from w2vkit.model.store import save_model

SEGMENTED = {"lang": "auto", "to_simplified": False}  # what a trained model's meta records


@pytest.fixture
def english_model(tmp_path):
    words = ["abc", "king", "queen", "man", "woman", "paris"]
    vectors = np.random.default_rng(0).standard_normal((len(words), 8)).astype(np.float32)
    return save_model(
        tmp_path / "en",
        words,
        np.arange(len(words), 0, -1),
        vectors,
        {"segmentation": SEGMENTED, "corpus": {"inputs": [], "tokens": 6}},
    )


def test_query_words_are_normalised_as_training_normalised_the_text(invoke, english_model):
    from w2vkit.cli.output import terminal_safe
    from w2vkit.queries.ensemble import NO_MEMBERS as NO_MEMBERS_HINT

    hint = NO_MEMBERS_HINT + "\n"
    expected = invoke(["similar", "abc", "-m", english_model, "--format", "tsv"]).stdout
    for typed in ("ABC", "ＡＢＣ", "ａｂｃ", "\u200fabc\u200e", "\u202babc\u202c", "\u200babc\ufeff"):
        r = invoke(["similar", typed, "-m", english_model, "--format", "tsv"])
        assert (r.exit_code, r.stdout) == (0, expected), r.stderr
        shown = terminal_safe(typed)  # (bidi embeddings are escaped on a terminal)
        assert r.stderr == f"{shown}: looked up as abc (the model's text was normalised so in training)\n" + hint


def test_imported_models_keep_the_case_of_words(invoke, tmp_path):
    words = ["Paris", "paris", "London"]
    vectors = np.eye(3, 4, dtype=np.float32)
    path = save_model(tmp_path / "imported", words, [3, 2, 1], vectors, {"source": {"path": "x.bin"}})
    r = invoke(["similarity", "PARIS", "London", "-m", path])
    assert r.exit_code == 1 and r.stderr.startswith(
        "Error: 'PARIS' is not in the model (not in the imported vocabulary)"
    )


def test_a_very_long_unknown_word_gives_a_short_line(invoke, english_model):
    r = invoke(["similar", "x" * 10_000, "-m", english_model])
    assert r.exit_code == 1
    assert r.stderr == f"Error: '{'x' * 40}… (10,000 characters)' is not in the model (never seen in the corpus)\n"


def test_analogy_with_a_repeated_word_warns(invoke, english_model):
    r = invoke(["analogy", "king", "king", "man", "-m", english_model, "--format", "tsv"])
    assert r.exit_code == 0
    assert r.stderr.splitlines()[0] == (
        "warning: a word is given twice in king + king - man; the given words are "
        "never answers, so the answer is some other word"
    )


def test_swapping_two_words_in_the_vocabulary_fails_verification(invoke, english_model):
    vocab = english_model / "vocab.tsv"
    lines = vocab.read_text().splitlines()
    lines[1], lines[2] = (
        lines[2].split("\t")[0] + "\t" + lines[1].split("\t")[1],
        lines[1].split("\t")[0] + "\t" + lines[2].split("\t")[1],
    )
    vocab.write_text("\n".join(lines) + "\n")
    r = invoke(["info", "--verify", "-m", english_model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {vocab}: the vocabulary file does not match its checksum in the record; retrain or re-import the model\n",
    )


def test_a_vocabulary_that_is_not_utf8(invoke, english_model):
    (english_model / "vocab.tsv").write_bytes(b"\xff\xfe\tx\n")
    r = invoke(["info", "-m", english_model])
    assert "vocab.tsv: 5 bytes where the record says" in r.stderr  # (the size, before a byte is hashed)
    meta = json.loads((english_model / "meta.json").read_text())  # a model saved before 0.3.0
    del meta["vocab_sha256"], meta["vocab_bytes"]
    (english_model / "meta.json").write_text(json.dumps(meta))
    r = invoke(["info", "-m", english_model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {english_model / 'vocab.tsv'}: not UTF-8 (byte 0); retrain or re-import the model\n",
    )


def test_meta_json_that_is_not_an_object(invoke, english_model):
    (english_model / "meta.json").write_text("[1, 2]")
    r = invoke(["similar", "abc", "-m", english_model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {english_model / 'meta.json'}: a JSON list, not an object; retrain or re-import the model\n",
    )


def test_resume_refuses_a_replaced_training_state(invoke, small_model, novel_slice, tmp_path):
    """A planted pickle in gensim/ is never loaded: the folder's checksum in meta.json decides."""
    model = tmp_path / "m"
    shutil.copytree(small_model, model)
    planted = tmp_path / "planted"
    (model / "gensim" / "model").write_bytes(b"cos\nsystem\n(S'touch " + str(planted).encode() + b"'\ntR.")
    r = invoke(["train", novel_slice, "--resume", model, "--epochs", "1"])
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        1,
        f"Error: {model / 'gensim'}: does not match the checksum in meta.json (changed or replaced); "
        "w2vkit will not unpickle it: train a new model instead",
    )
    assert not planted.exists()
    # a link inside the training state is refused before anything is hashed or unpickled
    (model / "gensim" / "model").unlink()
    (model / "gensim" / "model").symlink_to(small_model / "gensim" / "model")
    r = invoke(["train", novel_slice, "--resume", model, "--epochs", "1"])
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        1,
        f"Error: {model / 'gensim' / 'model'}: a link on the way to the training state file; w2vkit reads only files "
        "inside the folder; w2vkit will not unpickle it: train a new model instead",
    )
    # a model saved before the checksum existed is refused as well
    meta = json.loads((model / "meta.json").read_text())
    del meta["gensim_sha256"]
    (model / "meta.json").write_text(json.dumps(meta))
    r = invoke(["train", novel_slice, "--resume", model, "--epochs", "1"])
    assert r.exit_code == 1 and "has no checksum in meta.json" in r.stderr and not planted.exists()


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(invoke, english_model, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    r = invoke(["export", "-m", english_model, "--format", "word2vec-txt", "-o", link])
    assert r.exit_code == 0, r.stderr
    assert link.is_symlink() and target.read_text().startswith("6 8\n")


def test_output_to_a_pipe_is_streamed(english_model, tmp_path):
    import os
    import subprocess
    import sys

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "w2vkit",
            "export",
            "-m",
            str(english_model),
            "--format",
            "word2vec-txt",
            "-o",
            str(fifo),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out, _ = reader.communicate(timeout=60)
    assert r.returncode == 0, r.stderr
    assert out.decode().startswith("6 8\nabc ") and fifo.exists() and not fifo.is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_output_to_stdout_with_a_dash(invoke, english_model):
    r = invoke(["export", "-m", english_model, "--format", "word2vec-txt", "-o", "-"])
    assert r.exit_code == 0 and r.stdout.startswith("6 8\nabc ")


def test_output_to_a_directory_or_an_unwritable_place(invoke, english_model, tmp_path):
    r = invoke(["export", "-m", english_model, "-o", tmp_path])
    assert (r.exit_code, r.stderr) == (1, f"Error: {tmp_path}: is a directory; give a file name\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        import os

        if os.access(locked, os.W_OK):  # root ignores permissions: use a read-only place instead
            target = "/proc/w2vkit-export.bin"
        else:
            target = str(locked / "x.bin")
        r = invoke(["export", "-m", english_model, "-o", target])
        assert r.exit_code == 1 and r.stderr.startswith("Error: ") and "cannot write" in r.stderr
        assert len(r.stderr.splitlines()) == 1
    finally:
        locked.chmod(0o700)


def test_a_full_disk_is_explained(invoke, english_model, small_model):
    """/dev/full answers every write with ENOSPC, as a full disk does."""
    message = "Error: /dev/full: no space left on the device; free some space or choose another place\n"
    r = invoke(["export", "-m", english_model, "--format", "word2vec-txt", "-o", "/dev/full"])
    assert (r.exit_code, r.stderr) == (1, message)
    r = invoke(["plot", "行者", "-k", "3", "--method", "pca", "-m", small_model, "-o", "/dev/full", "-q"])
    assert (r.exit_code, r.stderr) == (1, message)


def test_a_full_disk_while_segmenting_names_the_file(invoke, tmp_path, monkeypatch):
    """ENOSPC raised deep inside a stage (here: while the segmented text is written) still gives
    one line that names the file and the ways out."""
    import errno

    import w2vkit.text.segmenting.pipeline

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "a.txt"))

    (tmp_path / "a.txt").write_text("孙悟空大闹天宫。", encoding="utf-8")
    monkeypatch.setattr(w2vkit.text.segmenting.pipeline, "publish_outputs", full)
    r = invoke(["segment", str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")])
    assert (r.exit_code, r.stderr.splitlines()[-1]) == (
        1,
        f"Error: no space left on the device writing {tmp_path / 'out' / 'a.txt'}; free some space, "
        "or set W2VKIT_CACHE or -o to another disk",
    )


def test_a_full_disk_during_train_names_where(invoke, tmp_path, monkeypatch):
    """A write to an open file raises ENOSPC with no file name: train still says where (37.10)."""
    import errno

    import w2vkit.text.corpus.corpuscache
    import w2vkit.training.trainer

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")  # as file.write() raises it

    text = tmp_path / "a.txt"
    text.write_text("the cat sat on the mat\n" * 50, encoding="utf-8")
    args = ["train", text, "-o", tmp_path / "m", "--min-count", "1", "--epochs", "1", "--dim", "4", "-q"]
    monkeypatch.setattr(w2vkit.training.trainer, "write_model_files", full)
    r = invoke([*args, "--method", "word2vec"])
    assert r.stderr.splitlines()[-1] == (
        f"Error: no space left on the device writing {tmp_path / 'm'}; free some space, "
        "or set W2VKIT_CACHE or -o to another disk"
    )
    monkeypatch.setenv("W2VKIT_CACHE", str(tmp_path / "cache"))

    class FullFile:
        def write(self, data):
            full()

        def close(self):
            pass

    monkeypatch.setattr(
        w2vkit.text.segmenting.corpusfile.CorpusWriter,
        "__enter__",
        lambda self: setattr(self, "file", FullFile()) or self,
    )
    r = invoke(args)
    assert r.exit_code == 1 and "no space left on the device writing " + str(tmp_path / "cache") in r.stderr


@pytest.mark.slow
def test_killed_segment_and_train_leave_earlier_output_and_no_leftovers(tmp_path):
    """SIGKILL at several moments: the earlier output is intact, and the next run removes the
    staging folders and half-written cache entries the killed runs left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    env = dict(os.environ, W2VKIT_CACHE=str(tmp_path / "cache"))
    segment = [
        sys.executable,
        "-m",
        "w2vkit",
        "segment",
        "xiyouji",
        "--no-auto-dict",
        "-o",
        str(tmp_path / "out"),
        "-q",
    ]
    subprocess.run(segment, check=True, env=env, cwd=tmp_path)
    before = (tmp_path / "out" / "xiyouji.txt").read_bytes()
    train = [
        sys.executable,
        "-m",
        "w2vkit",
        "train",
        "xiyouji",
        "--no-auto-dict",
        "-o",
        str(tmp_path / "m"),
        "--epochs",
        "1",
        "--dim",
        "8",
        "--no-subwords",
        "--method",
        "word2vec",  # (the count model is not what a kill is tested on: a quicker final run)
        "-q",
    ]
    killed_staging = killed_cache = 0
    for after in (0.0, 0.3, 0.8):  # seconds after the run starts writing
        for command, leftovers in (
            (segment, (tmp_path / "out", ".staging-*")),
            (train, (tmp_path / "cache" / "corpora", ".*.tmp-*")),
        ):
            proc = subprocess.Popen(command, env=env, cwd=tmp_path)
            deadline = time.monotonic() + 60
            while proc.poll() is None and not list(leftovers[0].glob(leftovers[1])) and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(after)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            assert (tmp_path / "out" / "xiyouji.txt").read_bytes() == before
            left = len(list(leftovers[0].glob(leftovers[1])))
            killed_staging += left if command is segment else 0
            killed_cache += left if command is train else 0
    assert killed_staging and killed_cache  # some kills did land mid-run
    subprocess.run(segment, check=True, env=env, cwd=tmp_path)
    subprocess.run(train, check=True, env=env, cwd=tmp_path)
    assert (tmp_path / "out" / "xiyouji.txt").read_bytes() == before
    assert list((tmp_path / "out").glob(".staging-*")) == []
    assert list((tmp_path / "cache" / "corpora").glob(".*.tmp-*")) == []


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("notgz.vec.gz", b"not gzip at all", "not a complete gzip file (Not a gzipped file (b'no'))"),
        (
            "cut.vec.gz",
            None,
            "not a complete gzip file (Compressed file ended before the end-of-stream marker was reached)",
        ),
    ],
)
def test_import_of_a_broken_gzip(invoke, tmp_path, name, content, message):
    import gzip

    source = tmp_path / name
    if content is None:
        whole = gzip.compress(b"3 2\na 1 2\nb 3 4\nc 5 6\n")
        content = whole[: len(whole) - 10]
    source.write_bytes(content)
    r = invoke(["import", source, "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {source}: {message}; re-download it, or decompress it and import the plain file\n",
    )
    assert not (tmp_path / "m").exists() and [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_import_of_a_header_with_an_absurd_dimension(invoke, tmp_path):
    source = tmp_path / "big.bin"
    source.write_bytes(b"3 99999999999999999999\n")
    r = invoke(["import", source, "-o", tmp_path / "m"])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {source}:1: expected a header 'COUNT DIM', got b'3 99999999999999999999'; is this a word2vec file?\n",
    )


def test_a_corrupt_dropped_list_is_explained(invoke, small_model, tmp_path):
    model = tmp_path / "m"
    shutil.copytree(small_model, model)
    (model / "dropped.tsv").write_text("word\tmany\n")
    r = invoke(["similar", "zzqq", "-m", model])
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: {model / 'dropped.tsv'}: 10 bytes where the record says")
    meta = json.loads((model / "meta.json").read_text())  # (a model saved before its size and checksum were recorded)
    del meta["dropped_bytes"], meta["dropped_sha256"]
    (model / "meta.json").write_text(json.dumps(meta))
    r = invoke(["similar", "zzqq", "-m", model])
    assert (r.exit_code, r.stderr) == (
        1,
        f"Error: {model / 'dropped.tsv'}: malformed (line 1); delete it (it only explains unknown words) "
        "or retrain the model\n",
    )


def test_a_hyphen_inside_a_word_is_not_a_minus():
    from w2vkit.cli.shell import parse_expression

    assert parse_expression("e-mail") == (["e-mail"], [])
    assert parse_expression("king + woman - man") == (["king", "woman"], ["man"])
    assert parse_expression("x-ray -man +woman") == (["x-ray", "woman"], ["man"])


def test_an_unknown_analogy_method_or_export_format_is_refused(english_model, tmp_path):
    from w2vkit.errors import UsageError
    from w2vkit.evaluation.evaluate import evaluate_analogies
    from w2vkit.model.interop import export_model
    from w2vkit.model.store import load_model
    from w2vkit.queries.query import Engine

    questions = tmp_path / "q.txt"
    questions.write_text(": s\nking man woman queen\n")
    engine = Engine(load_model(english_model))
    with pytest.raises(UsageError, match="unknown analogy method 'cosmul'; choose add or mul"):
        evaluate_analogies(engine, questions, method="cosmul")
    with pytest.raises(UsageError, match="unknown export format 'glove'"):
        export_model(engine.model, "glove", tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


def test_a_file_that_fails_detection_is_closed(tmp_path):
    import os

    from w2vkit.errors import BinaryInputError
    from w2vkit.text.reading.inputs import open_text

    binary = tmp_path / "b.txt"
    binary.write_bytes(b"abc\x00def")
    before = set(os.listdir("/proc/self/fd"))
    with pytest.raises(BinaryInputError) as caught:  # (its traceback keeps the frames alive)
        open_text(str(binary))
    still_open = [os.readlink(f"/proc/self/fd/{fd}") for fd in set(os.listdir("/proc/self/fd")) - before]
    assert str(binary) not in still_open, caught
