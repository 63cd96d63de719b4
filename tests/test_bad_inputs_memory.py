"""Inputs that used to take gigabytes (issue 34, item 10) run in bounded memory: each command runs
in a new process whose peak resident memory (getrusage of the child) is checked against a bound
well under what the old code took at these sizes (a memory bound, not a time one: the machine's
speed does not change it). benchmarks/hostile_memory.py measures the full sizes."""

import resource
import subprocess
import sys

import numpy as np
import pytest

from w2vkit.model.store import save_model

pytestmark = pytest.mark.slow

MEASURE = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.stderr.write(r.stderr)\n"
)


def peak_mb(*args) -> float:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "w2vkit", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    code, peak_kb = (int(x) for x in out.stdout.split())
    assert code == 0, out.stderr[-2000:]
    return peak_kb / 1024


def model(folder, n, dim=32, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i:06d}" for i in range(n)]
    return save_model(folder, words, np.arange(n, 0, -1) + 10, rng.normal(size=(n, dim)).astype(np.float32), {}), words


def test_expand_with_many_concepts(tmp_path):
    folder, words = model(tmp_path / "m", 20_000)
    rng = np.random.default_rng(1)
    picks = rng.integers(0, len(words), size=(30_000, 2))
    (tmp_path / "c.tsv").write_text("".join(f"c{i}\t{words[a]} {words[b]}\n" for i, (a, b) in enumerate(picks)))
    # a words x concepts matrix would be 20,000 x 30,000 x 4 bytes = 2.4 GB
    assert peak_mb("expand", "--concepts", tmp_path / "c.tsv", "-m", folder, "-n", "1", "-q", "--format", "tsv") < 600


def test_search_of_one_long_line(tmp_path):
    folder, words = model(tmp_path / "m", 2_000)
    line = tmp_path / "line.txt"
    chunk = " ".join(words) + " "
    line.write_text(chunk * ((12 << 20) // len(chunk)) + "\n")  # one line of 12 MB
    # the old code held every token of the line: ~140 bytes per byte, 1.7 GB here
    assert peak_mb("search", "w000001", "--in", line, "-m", folder, "--method", "mean", "-q") < 600


def test_an_axis_picture_of_thousands_of_words(tmp_path):
    folder, _ = model(tmp_path / "m", 6_000)
    # 5,000 words drawn as rows were a 1500 x 240,000 px image: 1.4 GB
    assert (
        peak_mb(
            "axis",
            "w000001",
            "--vs",
            "w000002",
            "-n",
            "2500",
            "-m",
            folder,
            "-o",
            tmp_path / "a.png",
            "-q",
            "--format",
            "tsv",
        )
        < 600
    )
    assert resource  # (getrusage is read in the child's parent)
