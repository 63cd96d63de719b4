"""The rest of issue 26: outputs that cannot be written, a damaged segmentation cache, inputs that
expand without bound, and memory bounds of the big commands."""


def test_read_only_output_folder_is_refused_before_any_work_naming_the_path(
    invoke, read_only_dir, small_model, tmp_path
):
    text = tmp_path / "t.txt"
    text.write_text("孙悟空大闹天宫。\n", encoding="utf-8")
    where = (
        f"read-only file system at {read_only_dir}" if read_only_dir.stat().st_dev != tmp_path.stat().st_dev else None
    )
    cases = [
        (["export", "-m", small_model, "-o", read_only_dir / "v.txt"], read_only_dir / "v.txt"),
        (["export", "-m", small_model, "--format", "projector", "-o", read_only_dir / "p"], read_only_dir / "p"),
        (["embed", text, "-m", small_model, "-o", read_only_dir / "e.npy", "--format", "npy"], read_only_dir / "e.npy"),
        (["plot", "-m", small_model, "--top", "20", "-o", read_only_dir / "map.png"], read_only_dir / "map.png"),
        (["axis", "悟空", "--vs", "八戒", "-m", small_model, "-o", read_only_dir / "a.png"], read_only_dir / "a.png"),
        (["segment", text, "-o", read_only_dir / "seg"], read_only_dir / "seg"),
        (
            ["segment", text, "-o", tmp_path / "seg", "--discover-words", read_only_dir / "w.txt"],
            read_only_dir / "w.txt",
        ),
        (["train", text, "-o", read_only_dir / "sub" / "m"], read_only_dir / "sub" / "m"),
        (["postprocess", small_model, "--remove-top", "1", "-o", read_only_dir / "pp"], read_only_dir / "pp"),
        (["import", small_model / "vectors.npy", "-o", read_only_dir / "im"], read_only_dir / "im"),
    ]
    for args, named in cases:
        r = invoke(args)
        reason = where or "permission denied"
        expected = f"Error: {named}: cannot write ({reason}"
        error = r.stderr.splitlines()[-1]
        assert r.exit_code == 1 and error.startswith(expected), (args, r.stderr)
        assert error.endswith("); choose a writable place") and ".tmp-" not in r.stderr, r.stderr
        # refused before the work: no progress line, no result on stdout (axis prints after writing)
        assert r.stdout == "" and "projecting" not in r.stderr and "segmented" not in r.stderr, (args, r.stderr)


def repetitive_bz2(path, megabytes):
    import bz2

    line = ("孙悟空大闹天宫。" * 10 + "\n").encode()
    block = line * ((1 << 20) // len(line))
    compressor = bz2.BZ2Compressor(9)
    with open(path, "wb") as f:
        for _ in range(megabytes):
            f.write(compressor.compress(block))
        f.write(compressor.flush())
    return len(block) * megabytes


def test_an_extreme_expansion_is_warned_about_once(invoke, tmp_path, monkeypatch):
    import w2vkit.text.reading.inputs as corpus

    bomb = tmp_path / "bomb.txt.bz2"
    text_bytes = repetitive_bz2(bomb, 8)
    assert text_bytes / bomb.stat().st_size > 1000
    monkeypatch.setattr(corpus, "EXPANSION_WARNING_AFTER", 1 << 20)  # the real one is 64 MB
    r = invoke(["segment", bomb, "-o", tmp_path / "out", "--no-discover"])
    assert r.exit_code == 0, r.stderr
    warnings = [line for line in r.stderr.splitlines() if "decompression bomb" in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"warning: {bomb} expands more than 100 times (")
    # an ordinary compressed text (the built-in novel, 3.1 times) is not warned about
    monkeypatch.setattr(corpus, "EXPANSION_WARNING_AFTER", 1)
    r = invoke(["segment", "xiyouji", "-o", tmp_path / "novel", "--no-discover"])
    assert r.exit_code == 0 and "decompression bomb" not in r.stderr, r.stderr


def test_progress_follows_the_decompressed_text(tmp_path):
    import gzip

    from w2vkit.text.reading.inputs import discover_inputs
    from w2vkit.text.segmenting.pipeline import Batches
    from w2vkit.text.segmenting.segment import SegmentOptions

    text = ("孙悟空大闹天宫，八戒沙僧随后。\n" * 40_000).encode()
    path = tmp_path / "t.txt.gz"
    path.write_bytes(gzip.compress(text))
    batches = Batches(discover_inputs([str(path)]), SegmentOptions(lang="zh"))
    marks, estimates = [], []
    for _ in batches:
        marks.append(batches.done[-1][1])
        estimates.append(batches.expected_text_bytes())
    assert marks == sorted(marks) and len(marks) > 3
    assert marks[-1] == len(text)  # the bar ends at the text's size, not the file's
    assert estimates[-1] == len(text) and path.stat().st_size * 10 < len(text)


def test_a_very_large_map_is_warned_about(invoke, small_model, tmp_path, monkeypatch):
    import w2vkit.pictures.plotting as plot

    monkeypatch.setattr(plot, "SLOW_MAP_WORDS", 30)  # the real bound is 100,000 words
    r = invoke(["plot", "-m", small_model, "--top", "40", "-o", tmp_path / "map.html"])
    assert r.exit_code == 0, r.stderr
    assert "warning: a t-SNE map of 40 words takes tens of minutes and makes a page of ~0 MB; --top 30" in r.stderr
    r = invoke(["plot", "-m", small_model, "--top", "30", "-o", tmp_path / "map.html"])
    assert r.exit_code == 0 and "tens of minutes" not in r.stderr


def test_map_memory_benchmark_runs_at_a_tiny_size():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "map_memory.py"
    out = subprocess.run([sys.executable, str(script), "--tiny"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert '"words": 300' in out.stdout and "peak RSS MB" in out.stdout
